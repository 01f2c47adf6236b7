//! Builds the small C shim over libjpeg-turbo's libjpeg API (native/jpeg_encode.c) and links
//! libjpeg-turbo, statically when its archive is there (the binary then needs no JPEG library
//! at run time). Debian and Ubuntu: `apt-get install libjpeg62-turbo-dev` (or `libjpeg-turbo8-dev`).
use std::path::Path;

const SHIM: &str = "native/jpeg_encode.c";

/// Where distributions put libjpeg-turbo's static archive.
const ARCHIVE_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
    "/opt/libjpeg-turbo/lib64",
];

fn main() {
    println!("cargo:rerun-if-changed={SHIM}");
    // The interface's words (locales/) and the migrations are compiled into the binary by
    // macros that cannot see a file being added: a change there rebuilds the crate.
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-env-changed=JPEG_LIB_DIR");
    let mut build = cc::Build::new();
    build.file(SHIM).opt_level(2).warnings(true);
    if let Err(e) = build.try_compile("bvc_jpeg") {
        panic!(
            "\n\nCould not compile {SHIM} against libjpeg-turbo ({e}).\n\
             Install its development files: `apt-get install libjpeg62-turbo-dev` on Debian \
             (`libjpeg-turbo8-dev` on Ubuntu, `libjpeg-turbo-devel` on Fedora).\n\n"
        );
    }
    let dirs: Vec<String> = std::env::var("JPEG_LIB_DIR")
        .into_iter()
        .chain(ARCHIVE_DIRS.iter().map(|d| d.to_string()))
        .collect();
    match dirs
        .iter()
        .find(|d| Path::new(d).join("libjpeg.a").exists())
    {
        Some(dir) => {
            println!("cargo:rustc-link-search=native={dir}");
            println!("cargo:rustc-link-lib=static=jpeg");
        }
        None => println!("cargo:rustc-link-lib=jpeg"),
    }
}
