//! Build script: packs the release binary's relative relocations (DT_RELR) where the
//! binary it makes can run with them.
//!
//! `-z pack-relative-relocs` takes the position-independent binary's `.rela.dyn` from
//! 775 KiB, all of it read at start and so resident, to 13 KiB; the binary stays
//! position-independent (README "Performance", fourth round). A binary linked with it
//! needs glibc 2.36 to start (`GLIBC_ABI_DT_RELR`), so it is asked for only in a release
//! build of the `mcptop` binary for Linux with glibc, not cross-compiled, on a host whose
//! glibc (`getconf GNU_LIBC_VERSION`) is 2.36 or later: Debian 12, Ubuntu 24.04, Fedora 37
//! and later. Elsewhere (Ubuntu 22.04 has glibc 2.35 and a linker that takes the flag) it
//! is linked as before. Test binaries, build scripts and debug builds never get it.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let env = |k: &str| std::env::var(k).unwrap_or_default();
    let release = env("PROFILE") == "release";
    let linux_gnu = env("CARGO_CFG_TARGET_OS") == "linux" && env("CARGO_CFG_TARGET_ENV") == "gnu";
    let native = env("HOST") == env("TARGET");
    if release && linux_gnu && native && host_glibc_at_least((2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether `getconf GNU_LIBC_VERSION` (`glibc 2.36`) names `want` or later; false when it
/// cannot be run or read.
fn host_glibc_at_least(want: (u32, u32)) -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.split_whitespace().nth(1) else {
        return false;
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= want,
        _ => false,
    }
}
