//! PHP: Laravel apps (config/services.php, Http facade), Guzzle and
//! openai-php/client code. Only the code between `<?php`/`<?=` and `?>` is
//! read; inline HTML outside the tags is not (Blade templates get the text
//! pass, see `text.rs`).

use super::lexer::{lex, lex_into, mark_keys, Lexed, Syntax, Tok};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

/// `//`, `#` and `/* */` comments; single- and double-quoted strings (`{$x}`
/// interpolation stays inside the string), heredocs and nowdocs;
/// `'key' => value` array entries and `name:` named arguments.
pub const SYNTAX: Syntax = Syntax {
    hash_comments: true,
    slash_comments: true,
    block_comments: true,
    single_quote_strings: true,
    colon_keys_in_calls: true,
    arrow_keys: true,
    heredocs: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Php,
    title: |_| "PHP",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["php", "phtml"],
    fence_tags: &["php", "php8"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: super::no_packages,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

/// The PHP code regions of `text`, lexed as one token stream. Text with no
/// open tag at all is a snippet (a Markdown fence, a REPL line): all code.
pub fn tokens(text: &str) -> Lexed {
    if !text.contains("<?") {
        return lex(text, 0..text.len(), SYNTAX);
    }
    let mut lx = Lexed::with_len(text.len());
    let mut at = 0;
    while let Some((start, stop)) = next_region(text, at) {
        lex_into(&mut lx, text, start..stop, SYNTAX, 0);
        at = stop;
    }
    mark_keys(&mut lx, text, SYNTAX);
    lx
}

/// The next PHP region at or after `at`: from after its open tag to its
/// `?>` (outside strings and comments) or the end of the text.
fn next_region(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = text.get(at..)?;
    let open = rest.find("<?")?;
    let tag = &rest[open + 2..];
    let skip = if tag.get(..3).is_some_and(|t| t.eq_ignore_ascii_case("php")) {
        5
    } else {
        // `<?=` and short open tags.
        2 + usize::from(tag.starts_with('='))
    };
    let start = at + open + skip;
    // Lex to the end once to find the first `?>` that is code.
    let probe = lex(text, start..text.len(), SYNTAX);
    let b = text.as_bytes();
    let close = probe.tokens.iter().find(|t| {
        t.tok == Tok::Punct && b[t.span.start] == b'?' && b.get(t.span.end) == Some(&b'>')
    });
    Some(match close {
        Some(t) => (start, t.span.start),
        None => (start, text.len()),
    })
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    // The full grammar reads text outside `<?php` as inline HTML, so a
    // snippet with no tag is checked with the code-only grammar.
    let lang = if text.contains("<?") {
        tree_sitter_php::LANGUAGE_PHP
    } else {
        tree_sitter_php::LANGUAGE_PHP_ONLY
    };
    grammar::tree_sitter(lang.into(), text, grammar::no_extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::lexer::Tok;

    fn strs(text: &str) -> Vec<&str> {
        let lx = tokens(text);
        lx.string_values(text)
    }

    #[test]
    fn arrays_heredocs_comments_and_paths() {
        let text = "<?php\n# https://openrouter.ai/docs\n$c = new Client(['base_uri' => 'https://openrouter.ai/api/v1/', 'headers' => ['X-Title' => \"App {$n}\"]]);\n$b = <<<JSON\n{\"model\": \"a/b\"}\nJSON;\n$k = Http::withToken(env('OPENROUTER_API_KEY')); /* 'no' */\n";
        assert_eq!(
            strs(text),
            [
                "base_uri",
                "https://openrouter.ai/api/v1/",
                "headers",
                "X-Title",
                "App {$n}",
                "{\"model\": \"a/b\"}",
                "OPENROUTER_API_KEY"
            ]
        );
        let lx = tokens(text);
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, ["base_uri", "headers", "X-Title"]);
        let headers = lx
            .tokens
            .iter()
            .find(|t| &text[t.inner.clone()] == "X-Title")
            .unwrap();
        assert_eq!(lx.label(text, headers.group), Some("headers"));
        assert_eq!(
            lx.tokens.iter().filter(|t| t.tok == Tok::Comment).count(),
            2
        );
    }

    #[test]
    fn only_code_between_tags_is_read() {
        let text = "<p>Don't 'quote' https://openrouter.ai</p>\n<?= $title ?>\n<a href='x'>\n<?php echo 'in'; ?>\n";
        assert_eq!(strs(text), ["in"]);
        let nowdoc = "<?php\n$s = <<<'EOT'\n  it's raw\n  EOT;\n$t = 'after';\n";
        assert_eq!(strs(nowdoc), ["  it's raw", "after"]);
        for broken in [
            "<?é",
            "<?php $a = <<<",
            "<?php <<<'X",
            "<?php <<<X\n",
            "<?= ?",
        ] {
            let _ = tokens(broken);
        }
    }

    #[test]
    fn check_accepts_php_and_rejects_broken_php() {
        assert!(check("a.php", "<?php\nfunction f() { return ['a' => 1]; }\n").is_ok());
        assert!(check("a.php", "<?php\nfunction f() { return ['a' => 1;\n").is_err());
        // A snippet with no open tag is code, not inline HTML.
        assert!(check("fence", "$a = ['k' => 1];\n").is_ok());
        assert!(check("fence", "$a = ['k' => 1;\n").is_err());
        assert_eq!(strs("$a = ['k' => 1];"), ["k"]);
    }
}
