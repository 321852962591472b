//! A URL as written, taken apart so that a replacement keeps its form (with
//! or without scheme, trailing slash, query).

pub struct UrlParts<'a> {
    has_scheme: bool,
    /// Lower-cased host (and port).
    pub host: String,
    /// Path without query or fragment, trailing slash kept.
    pub path: &'a str,
    /// `?...` or `#...`, or empty.
    pub query: &'a str,
}

impl<'a> UrlParts<'a> {
    pub fn parse(m: &'a str) -> UrlParts<'a> {
        // ASCII lower-casing keeps byte offsets, so `HTTPS://` is found too.
        let (has_scheme, rest) = match m.to_ascii_lowercase().find("://") {
            Some(i) => (true, &m[i + 3..]),
            None => (false, m),
        };
        let host_end = rest.find('/').unwrap_or(rest.len());
        let path_full = &rest[host_end..];
        let (path, query) = match path_full.find(['?', '#']) {
            Some(i) => (&path_full[..i], &path_full[i..]),
            None => (path_full, ""),
        };
        UrlParts {
            has_scheme,
            host: rest[..host_end].to_ascii_lowercase(),
            path,
            query,
        }
    }

    /// `url` in the form the original was written: without its scheme when
    /// the original had none.
    pub fn like_written(&self, url: &str) -> String {
        match url.split_once("://") {
            Some((_, rest)) if !self.has_scheme => rest.to_owned(),
            _ => url.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_form() {
        let u = UrlParts::parse("HTTPS://OpenRouter.ai/api/v1/?x=1");
        assert_eq!(
            (u.host.as_str(), u.path, u.query),
            ("openrouter.ai", "/api/v1/", "?x=1")
        );
        assert_eq!(
            u.like_written("https://gw.example/v1"),
            "https://gw.example/v1"
        );
        let u = UrlParts::parse("openrouter.ai/api/v1");
        assert_eq!(u.like_written("https://gw.example/v1"), "gw.example/v1");
    }
}
