//! Writing without damage: the file must still hold the bytes scan read,
//! the new bytes go to a temp file in the same directory with the old
//! file's owner, mode (special bits included) and extended attributes, and
//! a rename puts them in place. A file with several hard links is edited in
//! place instead, so every link sees the change. What remains of the race
//! with other writers is documented in docs/security.md.

use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}: changed since it was read; not overwritten (run again)")]
    Changed(String),
    #[error("{0}: not writable by this user; not rewritten")]
    NotWritable(String),
    #[error("{0}: not a regular file; not rewritten")]
    NotRegular(String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// Temp files are `.llmgw-migrate.<pid>.<random>.tmp`: scan and rewrite
/// skip such names, and a later run removes those whose process is gone.
const TEMP_PREFIX: &str = ".llmgw-migrate.";
const TEMP_SUFFIX: &str = ".tmp";

/// Whether a file name is one of our temp files.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Remove temp files left in `dir` by runs that were killed (their process
/// no longer exists). Returns how many were removed.
pub fn remove_stale_temps(dir: &Path) -> usize {
    let Ok(rd) = fs::read_dir(dir) else { return 0 };
    let mut n = 0;
    for e in rd.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_temp_name(name) {
            continue;
        }
        let pid = name[TEMP_PREFIX.len()..]
            .split('.')
            .next()
            .and_then(|p| p.parse::<u32>().ok());
        let stale = match pid {
            Some(pid) => !process_alive(pid),
            // The older naming had no pid: only an hour-old one is stale.
            None => e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600),
        };
        if stale && e.file_type().is_ok_and(|t| t.is_file()) && fs::remove_file(e.path()).is_ok() {
            n += 1;
        }
    }
    n
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Signal 0 checks existence; EPERM means it exists (another user's).
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// Replace `path` (shown as `shown`) with `new` if it still holds `expected`.
pub fn write_atomic(
    path: &Path,
    shown: &str,
    expected: &[u8],
    new: &[u8],
) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(shown.to_owned(), e);
    // Write through symlinks to the real file instead of replacing the link
    // (the caller refuses files outside the roots given).
    let real = fs::canonicalize(path).map_err(io)?;
    // Opening for writing is the permission check (root passes it, as the
    // kernel would let root write); non-blocking so a FIFO cannot hang us.
    let mut f = open_rw(&real).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => WriteError::NotWritable(shown.to_owned()),
        _ => io(e),
    })?;
    let meta = f.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(WriteError::NotRegular(shown.to_owned()));
    }
    let mut current = Vec::with_capacity(expected.len() + 1);
    (&f).take(expected.len() as u64 + 1)
        .read_to_end(&mut current)
        .map_err(io)?;
    if current != expected {
        return Err(WriteError::Changed(shown.to_owned()));
    }
    if links(&meta) > 1 {
        return write_in_place(&mut f, &real, shown, expected, new, &meta);
    }
    let dir = real.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}.", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(new).map_err(io)?;
    #[cfg(unix)]
    {
        // Owner first: chown clears setuid/setgid, chmod then restores them.
        // Keeping the owner works when running as root (e.g. in CI); an
        // ordinary user owns the files they can replace anyway.
        use std::os::unix::fs::MetadataExt;
        let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
        copy_xattrs(&f, tmp.as_file());
    }
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    // The last look right before the rename: the same inode, size and
    // times, and the same bytes. What is left of the race is documented.
    if !unchanged(&real, &meta) || reread(&real, expected.len()).map_err(io)? != expected {
        return Err(WriteError::Changed(shown.to_owned()));
    }
    tmp.persist(&real).map_err(|e| io(e.error))?;
    Ok(())
}

fn open_rw(p: &Path) -> std::io::Result<File> {
    let mut o = fs::OpenOptions::new();
    o.read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(p)
}

fn links(meta: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Whether `p` is still the file described by `before` (inode, size,
/// modification and change times).
fn unchanged(p: &Path, before: &fs::Metadata) -> bool {
    let Ok(now) = fs::symlink_metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        now.ino() == before.ino()
            && now.dev() == before.dev()
            && now.size() == before.size()
            && (now.mtime(), now.mtime_nsec()) == (before.mtime(), before.mtime_nsec())
            && (now.ctime(), now.ctime_nsec()) == (before.ctime(), before.ctime_nsec())
    }
    #[cfg(not(unix))]
    {
        now.len() == before.len() && now.modified().ok() == before.modified().ok()
    }
}

fn reread(p: &Path, expected_len: usize) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::with_capacity(expected_len + 1);
    File::open(p)?
        .take(expected_len as u64 + 1)
        .read_to_end(&mut v)?;
    Ok(v)
}

/// A hard-linked file: a rename would split the links, so the new bytes
/// are written into the file itself (not atomic; see docs/security.md).
fn write_in_place(
    f: &mut File,
    real: &Path,
    shown: &str,
    expected: &[u8],
    new: &[u8],
    meta: &fs::Metadata,
) -> Result<(), WriteError> {
    let io = |e: std::io::Error| WriteError::Io(shown.to_owned(), e);
    if !unchanged(real, meta) {
        return Err(WriteError::Changed(shown.to_owned()));
    }
    // Only the bytes from the first difference on are rewritten.
    let same = expected.iter().zip(new).take_while(|(a, b)| a == b).count();
    f.seek(std::io::SeekFrom::Start(same as u64)).map_err(io)?;
    f.write_all(&new[same..]).map_err(io)?;
    f.set_len(new.len() as u64).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok(())
}

/// Copy extended attributes (Linux; errors ignored: a filesystem or an
/// attribute namespace that refuses them is "where the platform allows").
#[cfg(target_os = "linux")]
fn copy_xattrs(from: &File, to: &File) {
    use std::os::fd::AsRawFd;
    let (src, dst) = (from.as_raw_fd(), to.as_raw_fd());
    let size = unsafe { libc::flistxattr(src, std::ptr::null_mut(), 0) };
    if size <= 0 {
        return;
    }
    let mut names = vec![0u8; size as usize];
    let size = unsafe { libc::flistxattr(src, names.as_mut_ptr().cast(), names.len()) };
    if size <= 0 {
        return;
    }
    names.truncate(size as usize);
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let Ok(cname) = std::ffi::CString::new(name) else {
            continue;
        };
        let len = unsafe { libc::fgetxattr(src, cname.as_ptr(), std::ptr::null_mut(), 0) };
        if len < 0 {
            continue;
        }
        let mut val = vec![0u8; len as usize];
        let len =
            unsafe { libc::fgetxattr(src, cname.as_ptr(), val.as_mut_ptr().cast(), val.len()) };
        if len < 0 {
            continue;
        }
        unsafe {
            libc::fsetxattr(dst, cname.as_ptr(), val.as_ptr().cast(), len as usize, 0);
        }
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
fn copy_xattrs(_: &File, _: &File) {}

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

    #[test]
    fn a_rewrite_with_the_same_bytes_is_still_a_change() {
        // The last check before the rename sees writes that keep the size
        // and even the content (an editor saving the same text).
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        fs::write(&p, b"same").unwrap();
        let before = fs::metadata(&p).unwrap();
        assert!(unchanged(&p, &before));
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&p, b"same").unwrap();
        assert!(!unchanged(&p, &before));
        // Replaced by another file (rename over it): another inode.
        let q = d.path().join("b.txt");
        fs::write(&q, b"same").unwrap();
        let before = fs::metadata(&p).unwrap();
        fs::rename(&q, &p).unwrap();
        assert!(!unchanged(&p, &before));
    }

    #[test]
    fn temp_names_and_stale_removal() {
        assert!(is_temp_name(".llmgw-migrate.123.abc.tmp"));
        assert!(!is_temp_name("llmgw-migrate.toml"));
        let d = tempfile::tempdir().unwrap();
        // A pid that cannot exist (above the kernel's pid_max).
        let dead = d.path().join(".llmgw-migrate.4294967.x1.tmp");
        let live = d
            .path()
            .join(format!(".llmgw-migrate.{}.x2.tmp", std::process::id()));
        let other = d.path().join("keep.tmp");
        for p in [&dead, &live, &other] {
            fs::write(p, b"x").unwrap();
        }
        assert_eq!(remove_stale_temps(d.path()), 1);
        assert!(!dead.exists() && live.exists() && other.exists());
    }
}
