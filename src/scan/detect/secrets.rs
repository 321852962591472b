//! Hard-coded OpenRouter keys, over the whole file (comments and prose included).

use super::*;

impl FileCtx<'_, '_> {
    /// Secrets anywhere in `range`, comments included.
    pub fn secrets(&mut self, range: Range<usize>) {
        let text = &self.source.text;
        let hits: Vec<Range<usize>> = self
            .det
            .secret
            .find_iter(&text[range.clone()])
            .map(|m| range.start + m.start()..range.start + m.end())
            .filter(|r| !text[r.end..].starts_with(|c: char| c.is_ascii_hexdigit()))
            .collect();
        for r in hits {
            let red = mask(&text[r.clone()], &self.det.src.key_prefix);
            let f = self.finding(
                Kind::Secret,
                r,
                red,
                None,
                Fix::Manual,
                format!(
                    "hard-coded {} key: rotate it, then load the {} key from {}",
                    self.det.src.name, self.det.target.name, self.det.target.key_env
                ),
                format!("{}:secret", self.det.src.id),
            );
            self.push(f, false);
        }
    }
}
