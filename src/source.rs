//! Reading files faithfully: decode any encoding we meet into UTF-8 text for
//! matching, while remembering how to map text offsets back to the original
//! bytes, so reports point at the original and edits touch nothing else.

use std::ops::Range;

/// How the original bytes were encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8: valid runs are kept, each invalid byte is read as
    /// its Latin-1 character. Matching is lossy, positions are exact.
    Lossy,
}

/// One replacement of a span of decoded text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Edit {
    /// Byte range in [`SourceText::text`].
    pub range: Range<usize>,
    pub text: String,
}

/// A file's bytes and its decoded text.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub bytes: Vec<u8>,
    pub text: String,
    pub encoding: Encoding,
    /// Start offset (in `text`) of every line.
    line_starts: Vec<usize>,
    /// For `Lossy`: sorted (text_offset, orig_offset) breakpoints; between
    /// two breakpoints offsets advance together.
    breaks: Vec<(usize, usize)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("edits overlap at text offsets {0:?} and {1:?}")]
    Overlap(Range<usize>, Range<usize>),
    #[error("edit range {0:?} is not on a character boundary or is out of bounds")]
    BadRange(Range<usize>),
}

impl SourceText {
    pub fn decode(bytes: Vec<u8>) -> SourceText {
        let (text, encoding, breaks) = decode_bytes(&bytes);
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceText {
            bytes,
            text,
            encoding,
            line_starts,
            breaks,
        }
    }

    /// 1-based line and 1-based character column of a text offset.
    pub fn line_col(&self, off: usize) -> (usize, usize) {
        let off = off.min(self.text.len());
        let line = match self.line_starts.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..floor_char(&self.text, off)]
            .chars()
            .count()
            + 1;
        (line + 1, col)
    }

    /// The line holding `at` (from the start of `at`'s line to the line
    /// break after `at`, without it): where a detector looks for what
    /// surrounds a token. From the line index, not by scanning the text:
    /// detectors ask for every token, and built files have lines of
    /// megabytes.
    pub fn line_around(&self, at: Range<usize>) -> Range<usize> {
        let line = self.line_starts.partition_point(|&s| s <= at.start) - 1;
        let next = self.line_starts.partition_point(|&s| s <= at.end);
        let end = self
            .line_starts
            .get(next)
            .map_or(self.text.len(), |&s| s - 1);
        self.line_starts[line]..end
    }

    /// Text of 1-based line `n` without its line ending.
    pub fn line_text(&self, n: usize) -> &str {
        if n == 0 || n > self.line_starts.len() {
            return "";
        }
        let start = self.line_starts[n - 1];
        let end = self.line_starts.get(n).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Text offset where 1-based line `n` starts.
    pub fn line_start(&self, n: usize) -> usize {
        self.line_starts
            .get(n.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The line ending this file mostly uses, for inserted lines.
    pub fn line_ending(&self) -> &'static str {
        let crlf = self.text.matches("\r\n").count();
        let lf = self.text.matches('\n').count() - crlf;
        if crlf > lf {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// Offset in the original bytes of a text offset.
    pub fn orig_offset(&self, off: usize) -> usize {
        match self.encoding {
            Encoding::Utf8 => off,
            Encoding::Utf8Bom => off + 3,
            Encoding::Lossy => {
                let i = match self.breaks.binary_search_by_key(&off, |b| b.0) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                let (t, o) = self.breaks.get(i).copied().unwrap_or((0, 0));
                o + off.saturating_sub(t)
            }
            // UTF-16 is re-encoded whole; offsets into it are by code unit.
            // (Clamped: an odd trailing byte was read as a whole unit.)
            Encoding::Utf16Le | Encoding::Utf16Be => (2 + self.text[..floor_char(&self.text, off)]
                .encode_utf16()
                .count()
                * 2)
            .min(self.bytes.len()),
        }
    }

    /// Apply edits and return the new file bytes. Bytes outside the edited
    /// spans are copied from the original unchanged.
    pub fn apply(&self, edits: &[Edit]) -> Result<Vec<u8>, ApplyError> {
        let mut sorted: Vec<&Edit> = edits.iter().collect();
        sorted.sort_by_key(|e| (e.range.start, e.range.end));
        for w in sorted.windows(2) {
            if w[1].range.start < w[0].range.end {
                return Err(ApplyError::Overlap(w[0].range.clone(), w[1].range.clone()));
            }
        }
        for e in &sorted {
            if e.range.start > e.range.end
                || e.range.end > self.text.len()
                || !self.text.is_char_boundary(e.range.start)
                || !self.text.is_char_boundary(e.range.end)
            {
                return Err(ApplyError::BadRange(e.range.clone()));
            }
        }
        match self.encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                let mut text = String::with_capacity(self.text.len());
                let mut pos = 0;
                for e in &sorted {
                    text.push_str(&self.text[pos..e.range.start]);
                    text.push_str(&e.text);
                    pos = e.range.end;
                }
                text.push_str(&self.text[pos..]);
                Ok(encode_utf16(&text, self.encoding))
            }
            _ => {
                let mut out = Vec::with_capacity(self.bytes.len());
                let mut pos = 0;
                for e in &sorted {
                    let (s, t) = (
                        self.orig_offset(e.range.start),
                        self.orig_offset(e.range.end),
                    );
                    out.extend_from_slice(&self.bytes[pos..s]);
                    out.extend_from_slice(e.text.as_bytes());
                    pos = t;
                }
                out.extend_from_slice(&self.bytes[pos..]);
                Ok(out)
            }
        }
    }

    /// Whether UTF-16 text round-trips exactly (unpaired surrogates do not),
    /// so a rewrite would leave untouched bytes as they were.
    pub fn round_trips(&self) -> bool {
        match self.encoding {
            Encoding::Utf16Le | Encoding::Utf16Be => {
                self.apply(&[]).map(|b| b == self.bytes).unwrap_or(false)
            }
            _ => true,
        }
    }
}

/// `text` as UTF-16 with its byte-order mark: little-endian for
/// [`Encoding::Utf16Le`], big-endian otherwise.
pub fn encode_utf16(text: &str, enc: Encoding) -> Vec<u8> {
    let le = enc == Encoding::Utf16Le;
    let mut out = Vec::with_capacity(text.len() * 2 + 2);
    out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    for u in text.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn floor_char(s: &str, mut off: usize) -> usize {
    off = off.min(s.len());
    while !s.is_char_boundary(off) {
        off -= 1;
    }
    off
}

/// Cap on the tool's own input files (config, baseline, tables).
pub const INPUT_CAP: u64 = 16 * 1024 * 1024;

/// Open `path` for reading only if it is a regular file, checked on the
/// open file (no race with a swap); non-blocking, so a FIFO cannot hang.
pub fn open_regular(path: &std::path::Path) -> std::io::Result<(std::fs::File, std::fs::Metadata)> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o.open(path)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok((f, meta))
}

/// A regular file's bytes, refused when larger than `cap`.
pub fn read_regular(path: &std::path::Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let (f, meta) = open_regular(path)?;
    if meta.len() > cap {
        return Err(std::io::Error::other(format!(
            "larger than {cap} bytes; not read"
        )));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    f.take(cap + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > cap {
        return Err(std::io::Error::other(format!(
            "larger than {cap} bytes; not read"
        )));
    }
    Ok(buf)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &std::path::Path, cap: u64) -> std::io::Result<String> {
    String::from_utf8(read_regular(path, cap)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// How much of a file's start [`looks_binary`] looks at.
pub const BINARY_HEAD: usize = 8192;

/// Whether bytes look binary: a NUL in the first 8 KiB, unless the file
/// carries a UTF-16 byte-order mark.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_HEAD)]).is_some()
}

fn decode_bytes(bytes: &[u8]) -> (String, Encoding, Vec<(usize, usize)>) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        if let Ok(s) = std::str::from_utf8(rest) {
            return (s.to_owned(), Encoding::Utf8Bom, Vec::new());
        }
    }
    if bytes.len() >= 2 && (bytes[..2] == [0xFF, 0xFE] || bytes[..2] == [0xFE, 0xFF]) {
        let le = bytes[0] == 0xFF;
        let units = bytes[2..].chunks(2).map(|c| {
            let pair = [c[0], *c.get(1).unwrap_or(&0)];
            if le {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        let text: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        let enc = if le {
            Encoding::Utf16Le
        } else {
            Encoding::Utf16Be
        };
        return (text, enc, Vec::new());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_owned(), Encoding::Utf8, Vec::new());
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut breaks = vec![(0, 0)];
    let mut orig = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        orig += chunk.valid().len();
        for &b in chunk.invalid() {
            text.push(char::from(b));
            orig += 1;
            breaks.push((text.len(), orig));
        }
    }
    (text, Encoding::Lossy, breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index gives what scanning the text for line breaks gives, for
    /// every range, at line starts, line ends, CRLF and a missing last break.
    #[test]
    fn line_around_matches_a_scan_of_the_text() {
        for text in [
            "",
            "a",
            "\n",
            "ab\ncd",
            "ab\r\ncd\r\n",
            "\n\nx\n",
            "héllo\nwörld\n",
        ] {
            let src = SourceText::decode(text.as_bytes().to_vec());
            let ends: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for &a in &ends {
                for &b in ends.iter().filter(|&&b| b >= a) {
                    let start = text[..a].rfind('\n').map_or(0, |n| n + 1);
                    let end = text[b..].find('\n').map_or(text.len(), |n| b + n);
                    assert_eq!(src.line_around(a..b), start..end, "{text:?} {a}..{b}");
                }
            }
        }
    }

    fn edit(s: &SourceText, needle: &str, with: &str) -> Vec<u8> {
        let at = s.text.find(needle).unwrap();
        s.apply(&[Edit {
            range: at..at + needle.len(),
            text: with.into(),
        }])
        .unwrap()
    }

    #[test]
    fn utf8_bom_is_kept_and_positions_are_in_text() {
        let s = SourceText::decode(b"\xEF\xBB\xBFa\r\nopenrouter.ai\r\n".to_vec());
        assert_eq!(s.encoding, Encoding::Utf8Bom);
        assert_eq!(s.line_col(s.text.find("openrouter").unwrap()), (2, 1));
        assert_eq!(
            edit(&s, "openrouter.ai", "x.io"),
            b"\xEF\xBB\xBFa\r\nx.io\r\n".to_vec()
        );
        assert_eq!(s.line_ending(), "\r\n");
    }

    #[test]
    fn latin1_bytes_survive_an_edit_elsewhere() {
        let bytes = b"caf\xE9 = 'openrouter.ai' # \xFF\n".to_vec();
        let s = SourceText::decode(bytes);
        assert_eq!(s.encoding, Encoding::Lossy);
        let out = edit(&s, "openrouter.ai", "api.example");
        assert_eq!(out, b"caf\xE9 = 'api.example' # \xFF\n".to_vec());
        // column counts characters: 'c','a','f','\xe9',' ','=',' ',''' then o at 9
        assert_eq!(s.line_col(s.text.find("openrouter").unwrap()), (1, 9));
    }

    #[test]
    fn utf16_round_trips_with_edit() {
        let text = "x = \"openrouter.ai\"\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let s = SourceText::decode(bytes.clone());
        assert_eq!(s.encoding, Encoding::Utf16Le);
        assert!(s.round_trips());
        assert_eq!(s.apply(&[]).unwrap(), bytes);
        let out = edit(&s, "openrouter.ai", "gw");
        let back = SourceText::decode(out);
        assert_eq!(back.text, "x = \"gw\"\r\n");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let s = SourceText::decode(b"abcdef".to_vec());
        let e = |r: Range<usize>| Edit {
            range: r,
            text: String::new(),
        };
        assert!(matches!(
            s.apply(&[e(0..3), e(2..4)]),
            Err(ApplyError::Overlap(..))
        ));
        assert!(s.apply(&[e(0..2), e(2..4)]).is_ok());
        assert!(matches!(s.apply(&[e(4..9)]), Err(ApplyError::BadRange(_))));
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // Would block forever (FIFO) or never end (/dev/zero) if read.
        let e = read_regular(&fifo, 100).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(read_regular(std::path::Path::new("/dev/zero"), 100).is_err());
        let f = d.path().join("f");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read_regular(&f, 5).unwrap(), b"12345");
        assert!(read_regular(&f, 4)
            .unwrap_err()
            .to_string()
            .contains("larger than 4"));
    }

    #[test]
    fn binary_sniff() {
        assert!(looks_binary(b"ab\0cd"));
        assert!(!looks_binary(b"\xFF\xFEa\0"));
        assert!(!looks_binary(b"plain"));
    }
}
