//! One place that turns serde-saphyr errors into our messages.

/// The message of a YAML error without the source snippet serde-saphyr
/// renders after it and without its own "line N column M:" prefix (callers
/// print the location in their `file:line:col:` form), plus that location.
pub fn error_parts(e: &serde_saphyr::Error) -> (Option<(u64, u64)>, String) {
    let full = e.to_string();
    let msg = full
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid YAML")
        .trim();
    let msg = msg.strip_prefix("error: ").unwrap_or(msg);
    let msg = match msg.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") && head.contains(" column ") => rest,
        _ => msg,
    };
    let loc = e.location().map(|l| (l.line().max(1), l.column().max(1)));
    (loc, msg.to_owned())
}
