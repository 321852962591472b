//! Terminal colors: on a TTY unless NO_COLOR is set, or when asked with `--color always`.

use std::io::IsTerminal;

use crate::cli::ColorWhen;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColorChoice(pub bool);

impl ColorChoice {
    pub fn resolve(when: ColorWhen) -> ColorChoice {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        // An explicit `--color always` wins over NO_COLOR (no-color.org:
        // the variable sets the default, flags override it).
        ColorChoice(match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => !no_color && std::io::stdout().is_terminal(),
        })
    }

    /// Wrap `text` in an ANSI style when colors are on.
    pub fn paint(self, style: anstyle::Style, text: &str) -> String {
        if self.0 {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }
}

pub fn bold() -> anstyle::Style {
    anstyle::Style::new().bold()
}

pub fn fg(c: anstyle::AnsiColor) -> anstyle::Style {
    anstyle::Style::new().fg_color(Some(c.into()))
}
