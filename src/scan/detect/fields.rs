//! OpenRouter-only request fields (provider, models, transforms, plugins, ...).

use super::*;

impl<'r> FileCtx<'_, 'r> {
    pub(crate) fn field(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let written = text[t.inner.clone()].trim_matches(|c| c == '"' || c == '\'');
        // Go struct fields are capitalised: `Models: []string{...}`.
        let lower = written.to_ascii_lowercase();
        let name = lower.as_str();
        let Some(field) = self
            .det
            .src
            .fields
            .iter()
            .find(|f| f.name.split('.').next() == Some(name))
        else {
            return;
        };
        // In a request: a sibling `model`/`messages`, or inside extra_body.
        let in_body = lx.ancestors(t.group).take(3).any(|g| {
            lx.label(text, g)
                .map(|l| BODY_LABELS.contains(&l.to_ascii_lowercase().as_str()))
                .unwrap_or(false)
        });
        let in_request = in_body
            || lx
                .keys_in(text, t.group)
                .any(|k| REQUEST_KEYS.contains(&k.to_ascii_lowercase().as_str()));
        if !in_request || self.configures_other_server(lx, t.group) {
            return;
        }
        if field.weak && !in_body {
            let strong = |k: &str| {
                let k = k.to_ascii_lowercase();
                self.det
                    .src
                    .fields
                    .iter()
                    .any(|f| !f.weak && f.name.split('.').next() == Some(k.as_str()))
            };
            if !lx.keys_in(text, t.group).any(strong) {
                return;
            }
        }
        let vg = lx.value_group(i);
        let next_val = lx.value_index(text, i);
        let shape_ok = match name {
            "provider" | "debug" => vg.is_some(),
            "usage" => vg.is_some_and(|g| {
                lx.keys_in(text, g)
                    .any(|k| k.eq_ignore_ascii_case("include"))
            }),
            "models" | "transforms" | "plugins" => {
                vg.is_some() || next_val.is_some_and(|j| lx.tokens[j].tok == Tok::Ident)
            }
            "route" => next_val.is_some_and(|j| {
                matches!(lx.tokens[j].tok, Tok::Str | Tok::Word)
                    && matches!(text[lx.tokens[j].inner.clone()].trim(), "fallback" | "sort")
            }),
            _ => true,
        };
        if !shape_ok {
            return;
        }
        self.field_finding(t.inner.clone(), written, field);
    }

    /// Whether group `g` names another server's base URL (`base_url:
    /// http://gpu-box:8080/v1` beside `model:` and `models:` in a tool's
    /// provider settings): its fields configure that server, not requests
    /// to OpenRouter.
    fn configures_other_server(&self, lx: &Lexed, g: usize) -> bool {
        let text = &self.source.text;
        lx.tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.key && t.group == g && is_base_key(&text[t.inner.clone()]))
            .filter_map(|(k, _)| lx.value_token(text, k))
            .map(|v| text[v.inner.clone()].to_ascii_lowercase())
            .any(|v| {
                has_scheme_separator(&v)
                    && !self.det.src.hosts.iter().any(|h| v.contains(h.as_str()))
            })
    }

    /// A field set on a request body after it is built: `payload.models =
    /// [...]` (JS, TS), `payload["models"] = ...` (Python, JS), where
    /// `payload` is bound in this file to an object with a model or
    /// messages key.
    pub(crate) fn assigned_field(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let punct = |j: usize, p: &str| lx.is_punct(text, j, p);
        let Some(before) = lx.prev_sig(i) else {
            return;
        };
        // `obj.name =` or `obj["name"] =`: the object, and the `=`.
        let (obj, eq) = if t.tok == Tok::Ident && punct(before, ".") {
            (lx.prev_sig(before), lx.next_sig(i))
        } else if t.tok == Tok::Str && punct(before, "[") {
            let close = lx.next_sig(i).filter(|&j| punct(j, "]"));
            (lx.prev_sig(before), close.and_then(|j| lx.next_sig(j)))
        } else {
            return;
        };
        let (Some(obj), Some(eq)) = (obj, eq) else {
            return;
        };
        if !punct(eq, "=") {
            return;
        }
        let written = &text[t.inner.clone()];
        let Some(field) = self.det.src.fields.iter().find(|f| {
            !f.weak
                && f.name
                    .split('.')
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case(written))
        }) else {
            return;
        };
        let name = written.to_ascii_lowercase();
        let Some(value) = lx.next_sig(eq) else {
            return;
        };
        // `=` alone: not `==`, `===` or `=>`.
        if lx.tokens[obj].tok != Tok::Ident || punct(value, "=") || punct(value, ">") {
            return;
        }
        let v = &lx.tokens[value];
        let shape_ok = match name.as_str() {
            "route" => v.tok == Tok::Str && matches!(&text[v.inner.clone()], "fallback" | "sort"),
            "usage" => false,
            _ => v.tok == Tok::Ident || punct(value, "{") || punct(value, "["),
        };
        if shape_ok && self.binds_request_body(lx, &text[lx.tokens[obj].span.clone()], obj) {
            self.field_finding(t.inner.clone(), written, field);
        }
    }

    /// Whether `name` is assigned, before token `before`, an object literal
    /// with a model, messages or prompt key (`payload = {"model": ..}`,
    /// `const payload: Body = { messages }`).
    fn binds_request_body(&self, lx: &Lexed, name: &str, before: usize) -> bool {
        let text = &self.source.text;
        (0..before).any(|k| {
            let t = &lx.tokens[k];
            if t.tok != Tok::Ident || &text[t.span.clone()] != name {
                return false;
            }
            // Past a type annotation to the `=`, then the `{`.
            let mut j = k;
            for _ in 0..8 {
                let Some(n) = lx.next_sig(j) else {
                    return false;
                };
                j = n;
                if lx.is_punct(text, j, "=") {
                    let Some(open) = lx.next_sig(j).filter(|&o| lx.is_punct(text, o, "{")) else {
                        return false;
                    };
                    let start = lx.tokens[open].span.start;
                    let Some(g) = lx
                        .tokens
                        .get(open + 1)
                        .map(|t| t.group)
                        .filter(|&g| lx.groups[g].span.start == start)
                    else {
                        return false;
                    };
                    return lx
                        .keys_in(text, g)
                        .any(|k| REQUEST_KEYS.contains(&k.to_ascii_lowercase().as_str()));
                }
                if [";", "(", ")"].iter().any(|p| lx.is_punct(text, j, p)) {
                    return false;
                }
            }
            false
        })
    }

    fn field_finding(
        &mut self,
        r: Range<usize>,
        written: &str,
        field: &'r crate::rules::schema::SourceField,
    ) {
        let name = field.name.split('.').next().unwrap_or(&field.name);
        let disp =
            self.det.target.fields.iter().find(|d| {
                d.name.value == field.name || d.name.value.split('.').next() == Some(name)
            });
        let (fix, why) = match disp {
            Some(d) => (
                match d.action {
                    Action::Drop | Action::Manual => Fix::Manual,
                    Action::Keep => Fix::None,
                },
                format!("{}: {}", action_word(d.action), d.why),
            ),
            None => (
                Fix::Manual,
                format!("{} says nothing about it", self.det.target.name),
            ),
        };
        let f = self.finding(
            Kind::OpenrouterField,
            r,
            written.to_owned(),
            None,
            fix,
            format!(
                "OpenRouter-only field '{}' ({}): {why}",
                field.name, field.why
            ),
            format!("{}:fields:{}", self.det.target.id, field.name),
        );
        self.push(f, true);
    }
}
