fn main() -> std::process::ExitCode {
    bible_vibecoder::cli::main()
}
