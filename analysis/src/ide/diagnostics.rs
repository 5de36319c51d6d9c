//! Findings of a file as plain data: syntax errors today, rule findings as they come.

use ::line_index::TextRange;

use crate::config::Confidence;
use crate::db::Db;
use crate::input::SourceFile;
use crate::parse::parse;
use crate::syntax::syntax_errors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Hint,
    Information,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Information => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The rule id (`syntax-error`, `key-error`, …).
    pub rule: String,
    pub message: String,
    pub range: TextRange,
    pub severity: Severity,
    pub confidence: Confidence,
    /// The exception class the finding predicts, if any (`SyntaxError`, `KeyError`, …).
    pub exception: Option<String>,
}

/// Syntax errors of a file, cached per revision of its text.
#[salsa::tracked(returns(ref))]
fn syntax_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let parsed = parse(db, file);
    syntax_errors(parsed.tree(), file.text(db))
        .into_iter()
        .map(|error| Diagnostic {
            rule: "syntax-error".to_owned(),
            message: error.message,
            range: error.range,
            severity: Severity::Error,
            confidence: Confidence::Definite,
            exception: Some("SyntaxError".to_owned()),
        })
        .collect()
}

/// Every finding of `file` at or above the configured `min_confidence`, in source order.
pub fn diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let min_confidence = db.settings().config(db).min_confidence;
    let mut found: Vec<Diagnostic> = syntax_diagnostics(db, file)
        .iter()
        .filter(|diagnostic| diagnostic.confidence >= min_confidence)
        .cloned()
        .collect();
    found.sort_by_key(|diagnostic| (diagnostic.range.start(), diagnostic.range.end()));
    found
}
