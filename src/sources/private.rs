//! Files and directories only the operator may read: the log, the audit log and incident
//! reports hold what servers said and what the operator did, so they are created `0600` in
//! directories created `0700`, and one found looser (made by an older version, or by hand)
//! is tightened when it is opened. Elsewhere than Unix they are created as the platform
//! does.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Creates `dir` and its missing parents `0700`; `dir` itself, when it exists with group or
/// other bits, is tightened to `0700` (its parents are left: they may be shared).
///
/// Errors: as `std::fs::DirBuilder::create` and `set_permissions`.
pub fn create_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    #[cfg(unix)]
    tighten(dir, 0o700)?;
    Ok(())
}

/// Opens `path` for appending, creating it `0600` (and its directory, [`create_dir`]); an
/// existing file with group or other bits is tightened to `0600`.
///
/// Errors: as `OpenOptions::open` and `set_permissions`.
pub fn append(path: &Path) -> std::io::Result<File> {
    open(path, OpenOptions::new().append(true).create(true))
}

/// Writes `bytes` to `path` (replacing what it held), created `0600` as [`append`] does.
///
/// Errors: as [`append`], and the write.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = open(
        path,
        OpenOptions::new().write(true).create(true).truncate(true),
    )?;
    file.write_all(bytes)
}

fn open(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    tighten(path, 0o600)?;
    Ok(file)
}

/// Sets `mode` on `path` when it grants group or other anything.
#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let perms = std::fs::metadata(path)?.permissions();
    if perms.mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn new_files_and_directories_are_the_operators_alone() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("state/mcptop/report.md");
        write(&path, b"report").expect("writes");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&tmp.path().join("state/mcptop")), 0o700);
        assert_eq!(std::fs::read(&path).expect("reads"), b"report");
    }

    #[test]
    fn loose_ones_are_tightened() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("d");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = dir.join("x.log");
        std::fs::write(&path, b"old\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        append(&path)
            .expect("opens")
            .write_all(b"new\n")
            .expect("appends");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(std::fs::read(&path).expect("reads"), b"old\nnew\n");
    }
}
