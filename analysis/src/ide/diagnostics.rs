//! Findings of a file as plain data: syntax errors today, rule findings as they come.

use std::path::Path;
use std::sync::Arc;

use ::line_index::TextRange;

use crate::config::Confidence;
use crate::db::Db;
use crate::input::SourceFile;
use crate::parse::parse;
use crate::rules::{Finding, file_findings, rule_docs_url, rule_metadata};
use crate::syntax::{syntax_errors_cancellable, syntax_errors_in};

fn finding_diagnostic(db: &dyn Db, finding: &Finding) -> Diagnostic {
    let metadata = rule_metadata(&finding.rule);
    // A user rule (`.remedy/rules/*.json`) states its own severity, if any.
    let user_severity = match metadata {
        Some(_) => None,
        None => {
            crate::rules::user::user_rule(db, &finding.rule).and_then(|rule| rule.rule.severity)
        }
    };
    let severity = metadata
        .and_then(|metadata| metadata.severity)
        .or(user_severity)
        .map(|severity| severity.severity())
        .unwrap_or_else(|| Severity::for_confidence(finding.confidence));
    Diagnostic {
        rule: finding.rule.to_string(),
        message: finding.message.clone(),
        range: finding.range,
        severity,
        confidence: finding.confidence,
        score: finding.score,
        // A rule that predicts several exceptions names the one it found (`int("x")` is a
        // ValueError, `int(None)` a TypeError).
        exception: finding
            .fix_parameters
            .iter()
            .find(|(name, _)| name == "exception")
            .map(|(_, exception)| exception.clone())
            .or_else(|| metadata.and_then(|metadata| metadata.exception.clone())),
        docs_url: metadata.map(|metadata| rule_docs_url(&metadata.id)),
        related: finding
            .related
            .iter()
            .map(|related| RelatedLocation {
                path: related.file.path(db).clone(),
                range: related.range,
                message: related.message.clone(),
            })
            .collect(),
    }
}

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
    /// 0–100, finer than `confidence`.
    pub score: u8,
    /// The exception class the finding predicts, if any (`SyntaxError`, `KeyError`, …).
    pub exception: Option<String>,
    /// Where the rule is documented.
    pub docs_url: Option<String>,
    /// Where the bad value comes from.
    pub related: Vec<RelatedLocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RelatedLocation {
    pub path: Arc<Path>,
    pub range: TextRange,
    pub message: String,
}

impl Severity {
    /// The default severity of a finding: it follows the confidence.
    pub fn for_confidence(confidence: Confidence) -> Severity {
        match confidence {
            Confidence::Definite => Severity::Error,
            Confidence::Likely => Severity::Warning,
            Confidence::Possible => Severity::Hint,
        }
    }
}

/// Syntax errors of a file, cached per revision of its text.
#[salsa::tracked(returns(ref))]
pub fn syntax_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    // Non-Python workspace files (plugin manifests) are never parsed as Python.
    if !crate::rules::is_python_path(file.path(db)) {
        return Vec::new();
    }
    let parsed = parse(db, file);
    let check_cancelled = || db.unwind_if_revision_cancelled();
    let errors = if db.node_tables() {
        syntax_errors_in(parsed.nodes(), file.text(db), &check_cancelled)
    } else {
        syntax_errors_cancellable(parsed.tree(), file.text(db), &check_cancelled)
    };
    errors
        .into_iter()
        .map(|error| Diagnostic {
            rule: "syntax-error".to_owned(),
            message: error.message,
            range: error.range,
            severity: Severity::Error,
            confidence: Confidence::Definite,
            score: 100,
            exception: Some("SyntaxError".to_owned()),
            docs_url: Some(rule_docs_url("syntax-error")),
            related: Vec::new(),
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
    found.extend(
        file_findings(db, file)
            .iter()
            .filter(|finding| finding.confidence >= min_confidence)
            .map(|finding| finding_diagnostic(db, finding)),
    );
    if let Some(message) = crate::limits::analysis_limit(db, file) {
        // The first word of the file: a line of a huge file may be a megabyte long.
        let first_word = file
            .text(db)
            .char_indices()
            .take_while(|&(at, character)| at < 80 && !character.is_whitespace())
            .last()
            .map_or(0, |(at, character)| at + character.len_utf8());
        found.push(Diagnostic {
            rule: "analysis-limited".to_owned(),
            message: message.clone(),
            range: TextRange::new(0.into(), (first_word as u32).into()),
            severity: Severity::Information,
            confidence: Confidence::Definite,
            score: 100,
            exception: None,
            docs_url: Some(rule_docs_url("analysis-limited")),
            related: Vec::new(),
        });
    }
    found.sort_by_key(|diagnostic| (diagnostic.range.start(), diagnostic.range.end()));
    found
}
