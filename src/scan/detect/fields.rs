//! OpenRouter-only request fields (provider, models, transforms, plugins, ...).

use super::*;

impl FileCtx<'_, '_> {
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
        if !in_request {
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
            t.inner.clone(),
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
