//! LSP ↔ domain conversions, and nowhere else: positions (UTF-8/UTF-16), ranges,
//! paths ↔ URIs, diagnostics and markup.

pub mod position;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use analysis::ide::{Diagnostic as Finding, Severity};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, Diagnostic, DiagnosticSeverity, NumberOrString, Uri,
};

use position::{LineTable, PositionEncoding};

/// The file path for a document URI. Non-file URIs (`untitled:`) get a stable synthetic
/// path under a folder no real project uses, so they can still be analysed.
pub fn uri_to_path(uri: &Uri) -> Arc<Path> {
    if uri.scheme().as_str() == "file" {
        if let Some(path) = uri.to_file_path() {
            return Arc::from(path.as_ref());
        }
    }
    let mut synthetic = PathBuf::from("/__remedy_virtual__");
    let sanitized: String = uri
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    synthetic.push(if sanitized.ends_with(".py") {
        sanitized
    } else {
        format!("{sanitized}.py")
    });
    Arc::from(synthetic.as_path())
}

pub fn path_to_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Where a rule's documentation lives.
pub const RULE_DOCS_BASE: &str = "https://github.com/remedy-lsp/remedy/blob/main/docs/rules.md#";

pub fn diagnostic(
    text: &str,
    lines: &LineTable,
    encoding: PositionEncoding,
    finding: &Finding,
) -> Diagnostic {
    let data = serde_json::json!({
        "exception": finding.exception,
        "confidence": finding.confidence.as_str(),
    });
    Diagnostic {
        range: position::range(text, lines, finding.range, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.clone())),
        code_description: format!("{RULE_DOCS_BASE}{}", finding.rule)
            .parse::<Uri>()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("remedy".to_owned()),
        message: finding.message.clone(),
        related_information: None,
        tags: None,
        data: Some(data),
    }
}

pub fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}
