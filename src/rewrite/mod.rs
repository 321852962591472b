//! `rewrite`: findings -> edits (plan) -> verify -> diff or write.
//!
//! - [`plan`]: every finding becomes an edit or a manual item; header
//!   removals ([`headers`]), SDK identifier renames ([`idents`]) and
//!   `--keep-old-env` insertions ([`envkeep`]) are computed here;
//!   overlapping edits are dropped and reported.
//! - [`verify`]: edits applied in memory; structured files must still parse.
//! - [`diff`] / [`apply`]: a patch, or guarded atomic writes ([`write`], [`git`]).
//! - [`branch`] / [`describe`]: `--branch`, a commit of the rewrite of HEAD
//!   made with git plumbing, and its commit message and PR description.

pub mod apply;
pub mod blocks;
pub mod branch;
pub mod checklist;
pub mod describe;
pub mod diff;
pub mod envkeep;
pub mod git;
pub mod headers;
pub mod idents;
pub mod lex;
pub mod lines;
pub mod notebook;
pub mod placeholders;
pub mod plan;
pub mod report;
pub mod verify;
pub mod write;

pub use plan::{plan, FilePlan, ManualItem, Plan, PlannedEdit, RewriteOptions};
