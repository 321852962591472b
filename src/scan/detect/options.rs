//! Framework clients configured by a base URL and a model id side by side
//! (rules: `client_options`): LangChain4j's `.baseUrl(..).modelName(..)`,
//! Semantic Kernel's `AddOpenAIChatCompletion(modelId:, endpoint:)`, Spring
//! AI's `spring.ai.openai.base-url` next to `...chat.options.model`.

use super::flow::label_token;
use super::*;

impl FileCtx<'_, '_> {
    /// The dotted name a value is given under: its key with the keys of the
    /// mappings around it (`spring.ai.openai.chat.options.model` in nested
    /// YAML), or the builder method it is the argument of (`baseUrl`), or,
    /// for `new Uri("...")`/`URI.create("...")`, the key of that call.
    fn option_path(&self, lx: &Lexed, i: usize) -> Option<String> {
        let text = self.source.text.as_str();
        let t = &lx.tokens[i];
        let s = |k: usize| &text[lx.tokens[k].span.clone()];
        let key = match value_key(lx, text, i) {
            Some(k) => k,
            None if t.group != 0 && lx.groups[t.group].kind == b'(' => {
                let label = lx.label(text, t.group)?;
                if !matches!(label, "Uri" | "URI" | "URL" | "create" | "parse") {
                    return Some(label.to_owned());
                }
                let mut h = label_token(lx, t.group)?;
                while let Some(q) = lx
                    .prev_sig(h)
                    .filter(|&d| s(d) == ".")
                    .and_then(|d| lx.prev_sig(d))
                {
                    h = q;
                }
                if let Some(n) = lx.prev_sig(h).filter(|&p| s(p) == "new") {
                    h = n;
                }
                return value_key(lx, text, h).map(str::to_owned);
            }
            None => return None,
        };
        let mut parts: Vec<&str> = lx
            .ancestors(t.group)
            .filter(|&g| lx.groups[g].kind == b'm' || lx.groups[g].kind == b'{')
            .map_while(|g| lx.label(text, g))
            .collect();
        parts.reverse();
        parts.push(key);
        Some(parts.join("."))
    }

    /// Whether value token `i` is given under one of the rows' base
    /// (`model == false`) or model option names.
    pub(super) fn client_option(&self, lx: &Lexed, i: usize, model: bool) -> bool {
        let rows = &self.det.src.client_options;
        if rows.is_empty() {
            return false;
        }
        let Some(path) = self.option_path(lx, i) else {
            return false;
        };
        rows.iter()
            .flat_map(|r| if model { &r.model } else { &r.base })
            .any(|n| path == *n || path.ends_with(&format!(".{n}")))
    }

    /// Ids of unlisted authors given as a framework client's model option,
    /// decided once the file's URLs are known: sent to an OpenRouter URL
    /// beside them, they are findings.
    pub(super) fn decide_option_ids(&mut self) {
        for (r, spans) in std::mem::take(&mut self.option_ids) {
            let dest = self.destination(r.start, &spans, true);
            let Some((a @ (Anchor::Url | Anchor::Kept), at)) = dest else {
                continue;
            };
            let before = self.out.gated.len();
            self.emit_slug(r, true);
            if self.out.gated.len() == before {
                continue;
            }
            let Some(f) = self.out.gated.pop() else {
                continue;
            };
            let f = if a == Anchor::Kept {
                self.stays(&f, at)
            } else {
                f
            };
            self.out.findings.push(f);
        }
    }
}
