//! Writing without damage: the file must still hold the bytes scan read,
//! the new bytes go to a temp file in the same directory with the old
//! file's permissions, and a rename puts them in place.

use std::fs;
use std::io::Write;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: changed since it was read; not overwritten (run again)")]
    Changed(String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// Replace `path` (shown as `shown`) with `new` if it still holds `expected`.
pub fn write_atomic(
    path: &Path,
    shown: &str,
    expected: &[u8],
    new: &[u8],
) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(shown.to_owned(), e);
    // Write through symlinks to the real file instead of replacing the link.
    let real = fs::canonicalize(path).map_err(io)?;
    let current = fs::read(&real).map_err(io)?;
    if current != expected {
        return Err(WriteError::Changed(shown.to_owned()));
    }
    let meta = fs::metadata(&real).map_err(io)?;
    let dir = real.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".llmgw-migrate.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(new).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
    #[cfg(unix)]
    {
        // Keep the owner when running as another user (e.g. root in CI);
        // not allowed for ordinary users, who own their files anyway.
        use std::os::unix::fs::MetadataExt;
        let _ = std::os::unix::fs::chown(tmp.path(), Some(meta.uid()), Some(meta.gid()));
    }
    // Last look right before the rename narrows the race with an editor.
    if fs::read(&real).map_err(io)? != expected {
        return Err(WriteError::Changed(shown.to_owned()));
    }
    tmp.persist(&real).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_changed_file_and_keeps_it() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        fs::write(&p, b"now").unwrap();
        let e = write_atomic(&p, "a.txt", b"then", b"new").unwrap_err();
        assert!(matches!(e, WriteError::Changed(_)));
        assert_eq!(fs::read(&p).unwrap(), b"now");
        write_atomic(&p, "a.txt", b"now", b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        // No temp file left behind.
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_mode_and_symlink() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("run.sh");
        fs::write(&p, b"echo a\n").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o751)).unwrap();
        let link = d.path().join("link.sh");
        symlink(&p, &link).unwrap();
        write_atomic(&link, "link.sh", b"echo a\n", b"echo b\n").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&p).unwrap(), b"echo b\n");
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o751);
    }
}
