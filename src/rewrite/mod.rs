//! `rewrite`: findings -> edits (plan) -> verify -> diff or write.

pub mod headers;
pub mod lex;
pub mod lines;
