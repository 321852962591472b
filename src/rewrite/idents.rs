//! SDK swaps beyond the package name: identifier renames in files that
//! import a swapped package (createOpenRouter -> createLLMGateway), and the
//! version requirement next to a swapped name in package.json.

use regex::Regex;

use super::lex::Classes;
use super::plan::ManualItem;
use crate::finding::{Finding, Kind};
use crate::rules::schema::{Ecosystem, SdkSwap};
use crate::rules::TargetTable;
use crate::scan::FileKind;
use crate::source::{Edit, SourceText};

fn ecosystem_kind(e: Ecosystem) -> FileKind {
    match e {
        Ecosystem::Npm => FileKind::JavaScript,
        Ecosystem::Pypi => FileKind::Python,
        Ecosystem::Crates => FileKind::Rust,
        Ecosystem::Go => FileKind::Go,
        Ecosystem::Packagist => FileKind::Php,
        Ecosystem::Rubygems => FileKind::Ruby,
        Ecosystem::Nuget => FileKind::CSharp,
        Ecosystem::Maven => FileKind::Java,
        Ecosystem::Hex => FileKind::Elixir,
        Ecosystem::Pub => FileKind::Dart,
        Ecosystem::Swiftpm => FileKind::Swift,
    }
}

/// Whether `text` imports package `name` (quoted module specifiers for
/// npm and Go; `import x` / `from x` for Python; `use x` for Rust).
fn imports(e: Ecosystem, text: &str, name: &str) -> bool {
    match e {
        Ecosystem::Npm | Ecosystem::Go => {
            text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'"))
        }
        Ecosystem::Pypi => {
            let m = name.replace('-', "_");
            Regex::new(&format!(r"(?m)^\s*(from|import)\s+{}\b", regex::escape(&m)))
                .is_ok_and(|r| r.is_match(text))
        }
        Ecosystem::Crates => {
            let m = name.replace('-', "_");
            Regex::new(&format!(r"\b{}::", regex::escape(&m))).is_ok_and(|r| r.is_match(text))
        }
        // Read from manifests only: no swap renames names in code.
        _ => false,
    }
}

/// Identifier renames for the SDK swaps of `target`. A name imported from
/// the old package must change (the new package exports the new name); a
/// local variable that merely shares a name (`const openrouter =
/// createOpenRouter()`) is cosmetic and changes only with
/// `rename_identifiers`.
pub fn renames(
    kind: FileKind,
    path: &str,
    src: &SourceText,
    findings: &[Finding],
    target: &TargetTable,
    rename_identifiers: bool,
    manual: &mut Vec<ManualItem>,
) -> Vec<(Edit, String)> {
    let mut out = Vec::new();
    for swap in &target.sdk_packages {
        let rule = format!("{}:sdk:{}", target.id, swap.from);
        if swap.ecosystem == Ecosystem::Npm && path.rsplit('/').next() == Some("package.json") {
            out.extend(
                manifest_versions(src, findings, swap)
                    .into_iter()
                    .map(|e| (e, rule.clone())),
            );
        }
        // Code regions of the swap's language: the file, or Markdown fences.
        let regions: Vec<std::ops::Range<usize>> = if kind == FileKind::Markdown {
            super::headers::fences(&src.text)
                .into_iter()
                .filter(|(k, _)| *k == ecosystem_kind(swap.ecosystem))
                .map(|(_, r)| r)
                .collect()
        } else if kind == ecosystem_kind(swap.ecosystem) {
            std::iter::once(0..src.text.len()).collect()
        } else {
            vec![]
        };
        for region in regions {
            let text = &src.text[region.clone()];
            if !(imports(swap.ecosystem, text, &swap.from)
                || imports(swap.ecosystem, text, &swap.to))
            {
                continue;
            }
            let lx = Classes::of(text, ecosystem_kind(swap.ecosystem))
                .unwrap_or_else(|| Classes::with(text, crate::lang::javascript::tokens));
            let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
            let b = text.as_bytes();
            let imported = imported_names(swap.ecosystem, text, &swap.from);
            for id in &swap.idents {
                if !rename_identifiers && !imported.iter().any(|n| *n == id.from) {
                    continue;
                }
                for (at, m) in text.match_indices(id.from.as_str()) {
                    let end = at + m.len();
                    let bounded =
                        (at == 0 || !word(b[at - 1])) && (end == b.len() || !word(b[end]));
                    if bounded && lx.is_code(at) {
                        out.push((
                            Edit {
                                range: region.start + at..region.start + end,
                                text: id.to.clone(),
                            },
                            rule.clone(),
                        ));
                    }
                }
            }
        }
        if kind != ecosystem_kind(swap.ecosystem) && kind != FileKind::Markdown {
            continue;
        }
        if swap.ecosystem == Ecosystem::Npm {
            check_imported_names(path, src, swap, manual);
        }
    }
    out
}

/// Names imported from the old package that the table does not map: the
/// new package may not export them.
fn check_imported_names(
    path: &str,
    src: &SourceText,
    swap: &SdkSwap,
    manual: &mut Vec<ManualItem>,
) {
    let Some(re) = npm_import(&swap.from) else {
        return;
    };
    for c in re.captures_iter(&src.text) {
        let names = import_list(&c);
        let unknown: Vec<&str> = names
            .into_iter()
            .filter(|n| !swap.idents.iter().any(|i| i.from == *n || i.to == *n))
            .collect();
        if unknown.is_empty() {
            continue;
        }
        let at = c.get(0).map_or(0, |m| m.start());
        let (line, column) = src.line_col(at);
        manual.push(ManualItem {
            path: path.to_owned(),
            line,
            column,
            kind: Kind::SdkPackage,
            what: unknown.join(", "),
            why: format!(
                "imported from {} but the table maps no equivalent in {}",
                swap.from, swap.to
            ),
            suggestion: format!(
                "check what {} exports ({}) and rename by hand",
                swap.to, swap.source
            ),
            rule: format!("sdk:{}", swap.from),
            unapplied_auto: false,
        });
    }
}

/// `import a, { b, type c as d } from "pkg"` (group 1: default, 2: list).
fn npm_import(pkg: &str) -> Option<Regex> {
    let pkg = regex::escape(pkg);
    Regex::new(&format!(
        r#"import\s+(?:type\s+)?(?:(\w+)\s*,?\s*)?(?:\{{([^}}]*)\}})?\s*from\s*['"]{pkg}['"]|\{{([^}}]*)\}}\s*=\s*require\(\s*['"]{pkg}['"]"#
    ))
    .ok()
}

/// The names an import statement brings in (before any `as`).
fn import_list<'t>(c: &regex::Captures<'t>) -> Vec<&'t str> {
    let mut names: Vec<&str> = Vec::new();
    if let Some(d) = c.get(1) {
        names.push(d.as_str());
    }
    if let Some(list) = c.get(2).or_else(|| c.get(3)) {
        names.extend(
            list.as_str()
                .split(',')
                .filter_map(|n| {
                    n.split([' ', ':', '\n', '\t'])
                        .find(|w| !w.is_empty() && *w != "type")
                })
                .filter(|n| !n.is_empty()),
        );
    }
    names
}

/// Names that `text` imports from package `pkg`.
fn imported_names<'t>(e: Ecosystem, text: &'t str, pkg: &str) -> Vec<&'t str> {
    match e {
        Ecosystem::Npm => npm_import(pkg)
            .map(|re| {
                re.captures_iter(text)
                    .flat_map(|c| import_list(&c))
                    .collect()
            })
            .unwrap_or_default(),
        Ecosystem::Pypi => {
            let m = regex::escape(&pkg.replace('-', "_"));
            Regex::new(&format!(
                r"(?m)^\s*from\s+{m}(?:\.[\w.]+)?\s+import\s+\(?([\w\s,]+)"
            ))
            .map(|re| {
                re.captures_iter(text)
                    .filter_map(|c| c.get(1))
                    .flat_map(|g| {
                        g.as_str()
                            .split([',', '\n'])
                            .filter_map(|n| n.split_whitespace().next())
                    })
                    .collect()
            })
            .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// `"@old/pkg": "^1.0.0"` in package.json: once scan renames the key, the
/// version must be the new package's.
fn manifest_versions(src: &SourceText, findings: &[Finding], swap: &SdkSwap) -> Vec<Edit> {
    let Some(version) = &swap.version else {
        return vec![];
    };
    let lx = Classes::with(&src.text, crate::lang::javascript::tokens);
    let b = src.text.as_bytes();
    let mut out = Vec::new();
    for f in findings {
        let Some(e) = &f.edit else { continue };
        if f.kind != Kind::SdkPackage || !e.text.contains(&swap.to) {
            continue;
        }
        let Some(key) = lx.string_at(e.range.start) else {
            continue;
        };
        let mut i = key.end;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b':') {
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if let Some(v) = lx.string_at(i).filter(|v| v.start == i && v.len() >= 2) {
            let inner = v.start + 1..v.end - 1;
            // `catalog:` references stay: the version lives in the catalog.
            let current = &src.text[inner.clone()];
            if current != version && !current.starts_with("catalog:") {
                out.push(Edit {
                    range: inner,
                    text: version.clone(),
                });
            }
        }
    }
    out
}

/// Uses of renamed identifiers inside string interpolations, which scan
/// sees as string text: `f"Bearer {self.openrouter_api_key}"`,
/// `` `${openrouterKey}` ``, `"{openrouter_api_key}".format(..)` and
/// `"%(openrouter_api_key)s" % vars`. Only whole words inside `{..}` or
/// `%(..)` of a string literal count.
pub fn interpolated(
    kind: FileKind,
    text: &str,
    names: &[(String, String)],
) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    if names.is_empty() || !matches!(kind, FileKind::Python | FileKind::JavaScript) {
        return out;
    }
    let Some(lx) = Classes::of(text, kind) else {
        return out;
    };
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for (old, new) in names {
        let mut from = 0;
        while let Some(p) = text[from..].find(old.as_str()) {
            let at = from + p;
            from = at + old.len();
            let end = at + old.len();
            if at > 0 && word(b[at - 1]) || end < b.len() && word(b[end]) {
                continue;
            }
            if lx.string_at(at).is_none() {
                continue;
            }
            // Inside `{ .. }` or `%( .. )` of the same line.
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..at];
            let open_brace = before
                .rfind('{')
                .is_some_and(|o| !before[o..].contains('}'));
            let open_pct = before
                .rfind("%(")
                .is_some_and(|o| !before[o..].contains(')'));
            if open_brace || open_pct {
                out.push((at..end, new.clone()));
            }
        }
    }
    out
}
