//! llmgw-migrate: find a codebase's OpenRouter dependencies, rewrite them for
//! another OpenAI-compatible gateway, and check that the two gateways agree.
//!
//! Data flow: files -> detection -> findings -> edits -> diff or write;
//! prompts -> requests -> responses -> comparisons -> report.

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod finding;
pub mod fleet;
pub mod lang;
#[cfg(feature = "parity")]
pub mod parity;
pub mod redact;
pub mod report;
pub mod rewrite;
pub mod rules;
pub mod scan;
pub mod source;
pub mod style;
pub mod suppress;
pub mod yaml;
