//! Remedy's analysis: everything Remedy knows about Python code, as a salsa database.
//!
//! The crate owns the pipeline `source text → tree-sitter parse → per-file index → …
//! → IDE features` and exposes it through [`AnalysisHost`] (applies changes) and
//! [`Analysis`] (an immutable snapshot whose methods return [`Cancellable`] results).
//!
//! Invariants:
//! - No LSP types and no async runtime here: the server converts protocol data to the
//!   plain domain types of this crate and back.
//! - No IO: the host is handed file texts and search roots; it never reads the disk.
//! - User code is data. Nothing here imports, evaluates or executes it.
//! - Parsing and analysis are total: broken code yields data (syntax errors, unknown
//!   values), never an `Err` or a panic.

mod api;
pub mod builtins;
pub mod config;
mod db;
pub mod ide;
pub mod index;
pub mod infer;
mod input;
pub mod limits;
pub mod modules;
pub mod node_table;
mod parse;
pub mod patches;
pub mod replay;
pub mod resolve;
pub mod rules;
pub mod syntax;
pub mod testing;
pub mod text_edit;
pub mod values;

pub use api::{Analysis, AnalysisHost, Cancellable, Change, FileChange, FileId, ReleasedTrees};
pub use db::{Db, RootDatabase};
pub use input::{SourceFile, Workspace};
pub use line_index::{LineCol, LineIndex, TextRange, TextSize, WideEncoding, WideLineCol};
pub use parse::{ParsedFile, parse as parse_file};
pub use salsa::Cancelled;

/// Cancellation of a snapshot's running queries (for `$/cancelRequest`).
pub mod salsa_cancellation {
    pub use salsa::CancellationToken as Token;
}
