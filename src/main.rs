/// glibc's malloc took about a sixth of the webhook's CPU under load (many small, short-lived
/// allocations across threads); mimalloc handles that pattern far better. See benches/README.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    bible_vibecoder::app::cli::main()
}
