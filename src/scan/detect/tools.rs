//! Developer tools configured by files of their own (rules: `tool_configs`):
//! Continue's `provider: openrouter` selects its OpenRouter integration, and
//! aider's `openrouter/` model prefix routes through OpenRouter.

use super::*;
use crate::rules::schema::ToolConfig;

impl<'r> FileCtx<'_, 'r> {
    /// The tool whose config file this is.
    pub(super) fn tool(&self) -> Option<&'r ToolConfig> {
        self.tool
    }

    /// `provider: openrouter` in a tool's config (key token `i`): the tool's
    /// OpenRouter integration. Rewritten to the provider the tool documents
    /// for OpenAI-compatible APIs, with the target's base URL added to the
    /// entry when it has none (without it the tool would call OpenAI).
    pub(super) fn tool_provider(&mut self, lx: &Lexed, i: usize) {
        let Some(tool) = self.tool() else { return };
        let (Some(key), Some(value)) = (&tool.provider_key, &tool.provider_value) else {
            return;
        };
        let src = self.source;
        let text = src.text.as_str();
        let t = &lx.tokens[i];
        if &text[t.inner.clone()] != key {
            return;
        }
        let Some(v) = lx.value_token(text, i) else {
            return;
        };
        if !text[v.inner.clone()].eq_ignore_ascii_case(value) {
            return;
        }
        let base = self.det.target.base_url.trim_end_matches('/').to_owned();
        let (edit, fix, why) = match &tool.replace {
            Some(to) => {
                let edit = self.provider_edit(lx, t, v, to, tool.base_key.as_deref(), &base);
                let added = tool
                    .base_key
                    .as_deref()
                    .filter(|_| edit.contains('\n') || edit.contains(','))
                    .map(|b| format!(" and {b}: {base} added to the entry"))
                    .unwrap_or_default();
                let why = format!(
                    "{} `{key}: {value}` selects its OpenRouter integration -> `{key}: {to}` (its provider for OpenAI-compatible APIs){added}",
                    tool.tool
                );
                (Some(edit), Fix::Auto, why)
            }
            None => {
                let why = format!("{} `{key}: {value}` selects OpenRouter", tool.tool);
                (None, Fix::Manual, why)
            }
        };
        // The edit is made on the value without its quotes, as every
        // finding's match is.
        let q = text[v.span.clone()].len() - text[v.inner.clone()].len();
        let edit = edit.map(|e| e[q / 2..e.len() - q / 2].to_owned());
        let mut f = self.finding(
            Kind::SdkPackage,
            v.inner.clone(),
            text[v.inner.clone()].to_owned(),
            tool.replace.clone(),
            fix,
            why,
            format!(
                "{}:tool:{}",
                self.det.src.id,
                tool.tool.to_ascii_lowercase()
            ),
        );
        if let (Some(e), Some(text)) = (f.edit.as_mut(), edit) {
            e.text = text;
        }
        self.push(f, false);
    }

    /// The text that replaces the value token `v` of key `k`: the new
    /// provider, and the base key on a line of its own (block YAML) or as
    /// the next pair (JSON, flow YAML) when the entry has none.
    fn provider_edit(
        &self,
        lx: &Lexed,
        k: &crate::lang::lexer::Token,
        v: &crate::lang::lexer::Token,
        to: &str,
        base_key: Option<&str>,
        base: &str,
    ) -> String {
        let text = self.source.text.as_str();
        let raw = &text[v.span.clone()];
        let q = if raw.starts_with(['"', '\'']) {
            &raw[..1]
        } else {
            ""
        };
        let Some(bk) = base_key.filter(|b| !lx.keys_in(text, k.group).any(|x| x == *b)) else {
            return format!("{q}{to}{q}");
        };
        let line_start = text[..k.span.start].rfind('\n').map_or(0, |p| p + 1);
        let indent = " ".repeat(text[line_start..k.span.start].chars().count());
        let nl = if text[k.span.start..].contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let g = &lx.groups[k.group];
        if g.kind == b'{' {
            // JSON or a flow mapping: the next pair, on a line of its own
            // when the object spans lines.
            let kq = if self.kind == crate::lang::FileKind::Json {
                "\""
            } else {
                q
            };
            let sep = if text[g.span.clone()].contains('\n') {
                format!(",{nl}{indent}")
            } else {
                ", ".to_owned()
            };
            return format!("{q}{to}{q}{sep}{kq}{bk}{kq}: {q}{base}{q}");
        }
        format!("{q}{to}{q}{nl}{indent}{bk}: {q}{base}{q}")
    }

    /// An aider config's `openrouter/...` id: what to set by hand.
    pub(super) fn tool_model_note(&self, id: &str, to: Option<&str>) -> Option<String> {
        let tool = self.tool()?;
        let suggest = tool.suggest.as_deref()?;
        let prefix = self.det.src.litellm_prefix.as_deref()?;
        id.strip_prefix(prefix)?;
        let filled = self
            .det
            .target
            .fill(suggest)
            .replace("{to}", to.unwrap_or("<the target's id>"));
        Some(format!(
            "model {id}: {} routes '{prefix}' ids through OpenRouter; {filled}",
            tool.tool
        ))
    }
}
