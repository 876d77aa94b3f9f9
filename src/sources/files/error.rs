//! Why the files task could not read or write a file: the path and the kind, sent to the
//! app in [`super::FileDone`]; `Display` is the operator's text (`<path>: <OS error>`).

use std::path::PathBuf;

/// A file the files task could not read or write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The OS refused (`kind`), in its words (`message`): `<path>: <message>`.
    #[error("{}: {message}", path.display())]
    Io {
        path: PathBuf,
        kind: std::io::ErrorKind,
        message: String,
    },
    /// An audit line that could not be appended to `path`: the OS's words alone (the
    /// audit log's path is known to the operator).
    #[error("{message}")]
    Append {
        path: PathBuf,
        kind: std::io::ErrorKind,
        message: String,
    },
    /// A runbook that could not be read: `cannot read <path>: <message>`.
    #[error("cannot read {}: {message}", path.display())]
    Unreadable {
        path: PathBuf,
        kind: std::io::ErrorKind,
        message: String,
    },
    /// A runbook larger than `max` bytes, not shown.
    #[error("{} is {bytes} bytes; runbooks over {max} bytes are not shown", path.display())]
    RunbookTooLarge { path: PathBuf, bytes: u64, max: u64 },
    /// A blob of `bytes` was too large for a read to keep, so there is nothing to save.
    #[error("{uri}: {bytes} bytes, past the {max_mib} MiB a read keeps")]
    BlobNotKept {
        uri: String,
        bytes: u64,
        max_mib: u64,
    },
}

impl FileError {
    /// The OS error `e` about `path`.
    pub fn io(path: impl Into<PathBuf>, e: &std::io::Error) -> FileError {
        FileError::Io {
            path: path.into(),
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_name_the_path_first() {
        let e = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let err = FileError::io("/x/report.md", &e);
        assert_eq!(err.to_string(), format!("/x/report.md: {e}"));
        assert!(matches!(
            err,
            FileError::Io {
                kind: std::io::ErrorKind::PermissionDenied,
                ..
            }
        ));
        let big = FileError::RunbookTooLarge {
            path: "/r/A.md".into(),
            bytes: 300_000,
            max: 262_144,
        };
        assert_eq!(
            big.to_string(),
            "/r/A.md is 300000 bytes; runbooks over 262144 bytes are not shown"
        );
    }
}
