//! LSP ↔ domain conversions, and nowhere else: positions (UTF-8/UTF-16), ranges,
//! paths ↔ URIs, diagnostics and markup.

pub mod position;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use analysis::Analysis;
use analysis::ide::{Diagnostic as Finding, Severity};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, Uri,
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

/// The findings of one file as LSP diagnostics (see [`diagnostic`]). The line table of
/// each other file that related locations point into is built once for the batch: a
/// file's findings often point into the same module many times, and building its table
/// per location dominated the answer to a diagnostics pull.
pub fn diagnostics(
    analysis: &Analysis,
    text: &str,
    lines: &LineTable,
    encoding: PositionEncoding,
    findings: &[Finding],
) -> Vec<Diagnostic> {
    let mut other_lines = OtherLines::default();
    findings
        .iter()
        .map(|finding| diagnostic(analysis, text, lines, encoding, finding, &mut other_lines))
        .collect()
}

/// Texts and line tables of the files that one batch of findings' related locations
/// point into.
#[derive(Default)]
struct OtherLines {
    files: Vec<(analysis::FileId, Arc<str>, Arc<LineTable>)>,
}

/// A finding as an LSP diagnostic: `code` is the rule id, `data` carries the exception,
/// the confidence and its score; related locations in other files are converted with
/// those files' texts.
fn diagnostic(
    analysis: &Analysis,
    text: &str,
    lines: &LineTable,
    encoding: PositionEncoding,
    finding: &Finding,
    other_lines: &mut OtherLines,
) -> Diagnostic {
    let data = serde_json::json!({
        "exception": finding.exception,
        "confidence": finding.confidence.as_str(),
        "score": f64::from(finding.score) / 100.0,
    });
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|related| {
            let uri = path_to_uri(&related.path)?;
            let file = analysis.file_id(&related.path)?;
            let other_text = analysis.file_text(file);
            let known = other_lines
                .files
                .iter()
                .position(|(known, _, _)| *known == file);
            let at = known.unwrap_or_else(|| {
                let table = LineTable::of(&other_text);
                other_lines.files.push((file, other_text, table));
                other_lines.files.len() - 1
            });
            let (_, other_text, other_table) = &other_lines.files[at];
            let range = position::range(other_text, other_table, related.range, encoding);
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: related.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: position::range(text, lines, finding.range, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.clone())),
        code_description: finding
            .docs_url
            .as_deref()
            .and_then(|url| url.parse::<Uri>().ok())
            .map(|href| CodeDescription { href }),
        source: Some("remedy".to_owned()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
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
