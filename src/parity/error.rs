//! Why `parity` cannot start: one error type for what is checked before the
//! first request (usage or configuration, exit 2). The command edge wraps it
//! with anyhow; nothing under `parity` uses anyhow.

use super::config::InputError;
use super::record::RecordError;

#[derive(Debug, thiserror::Error)]
pub enum ParityError {
    /// A golden set or config problem, with its `file:line:col`.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The recording directory cannot be written or read.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The HTTP client could not be set up (TLS).
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error(transparent)]
    Tables(#[from] TableError),
    /// ParityOptions out of range or in contradiction.
    #[error("{0}")]
    Usage(String),
}

/// A mapping-table lookup that failed. `crate::rules` reports with anyhow,
/// so the message (with its context chain) is kept as text.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TableError(pub String);

impl TableError {
    pub fn from_rules(e: impl std::fmt::Display) -> TableError {
        TableError(format!("{e:#}"))
    }
}
