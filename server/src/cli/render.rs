//! Rendering findings for people (code frames), JSON, SARIF and GitHub annotations.

use std::fmt::Write as _;
use std::path::Path;

use analysis::LineIndex;
use analysis::ide::Diagnostic;

/// One finding with what rendering needs.
pub struct Report<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub lines: &'a LineIndex,
    pub finding: &'a Diagnostic,
}

impl Report<'_> {
    /// 1-based line and column (in characters).
    fn start(&self) -> (u32, u32) {
        line_col(self.text, self.lines, self.finding.range.start())
    }

    fn end(&self) -> (u32, u32) {
        line_col(self.text, self.lines, self.finding.range.end())
    }
}

fn line_col(text: &str, lines: &LineIndex, offset: analysis::TextSize) -> (u32, u32) {
    let line_col = lines.line_col(offset);
    let line_start = u32::from(offset) as usize - line_col.col as usize;
    let column = text
        .get(line_start..u32::from(offset) as usize)
        .map(|prefix| prefix.chars().count())
        .unwrap_or(0);
    (line_col.line + 1, column as u32 + 1)
}

pub fn human(out: &mut String, report: &Report<'_>) {
    let finding = report.finding;
    let (line, column) = report.start();
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        finding.severity.as_str(),
        finding.rule,
        finding.message
    );
    let _ = writeln!(out, "  --> {}:{line}:{column}", report.path.display());
    let source_line = report.text.lines().nth(line as usize - 1).unwrap_or("");
    let gutter = line.to_string().len();
    let (end_line, end_column) = report.end();
    let shown: String = source_line.chars().take(200).collect();
    let caret_start = (column as usize - 1).min(shown.chars().count());
    let caret_len = if end_line == line {
        (end_column.saturating_sub(column) as usize).max(1)
    } else {
        1
    };
    let caret_len = caret_len.min(shown.chars().count().saturating_sub(caret_start).max(1));
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{line} | {shown}");
    let _ = writeln!(
        out,
        "{:gutter$} | {}{}",
        "",
        " ".repeat(caret_start),
        "^".repeat(caret_len)
    );
    let _ = writeln!(
        out,
        "{:gutter$} = confidence: {}",
        "",
        finding.confidence.as_str()
    );
    out.push('\n');
}

pub fn json(reports: &[Report<'_>]) -> serde_json::Value {
    serde_json::Value::Array(
        reports
            .iter()
            .map(|report| {
                let (line, column) = report.start();
                let (end_line, end_column) = report.end();
                serde_json::json!({
                    "path": report.path.display().to_string(),
                    "rule": report.finding.rule,
                    "message": report.finding.message,
                    "severity": report.finding.severity.as_str(),
                    "confidence": report.finding.confidence.as_str(),
                    "exception": report.finding.exception,
                    "start": { "line": line, "column": column },
                    "end": { "line": end_line, "column": end_column },
                })
            })
            .collect(),
    )
}

pub fn sarif(reports: &[Report<'_>]) -> serde_json::Value {
    let mut rules: Vec<&str> = reports
        .iter()
        .map(|report| report.finding.rule.as_str())
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<serde_json::Value> = reports
        .iter()
        .map(|report| {
            let (line, column) = report.start();
            let (end_line, end_column) = report.end();
            let level = match report.finding.severity {
                analysis::ide::Severity::Error => "error",
                analysis::ide::Severity::Warning => "warning",
                _ => "note",
            };
            serde_json::json!({
                "ruleId": report.finding.rule,
                "level": level,
                "message": { "text": report.finding.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": report.path.display().to_string() },
                        "region": { "startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column }
                    }
                }],
                "properties": { "confidence": report.finding.confidence.as_str() }
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "remedy",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|rule| serde_json::json!({ "id": rule })).collect::<Vec<_>>()
            } },
            "results": results
        }]
    })
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`).
pub fn github(out: &mut String, report: &Report<'_>) {
    let (line, column) = report.start();
    let (end_line, end_column) = report.end();
    let level = match report.finding.severity {
        analysis::ide::Severity::Error => "error",
        analysis::ide::Severity::Warning => "warning",
        _ => "notice",
    };
    let escape = |text: &str| {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |text: &str| escape(text).replace(':', "%3A").replace(',', "%2C");
    let _ = writeln!(
        out,
        "::{level} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}",
        property(&report.path.display().to_string()),
        property(&report.finding.rule),
        escape(&report.finding.message)
    );
}
