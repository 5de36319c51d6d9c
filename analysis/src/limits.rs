//! Size limits of full analysis.
//!
//! Value inference and the rules cost time and memory in proportion to a file's size,
//! and keeping an editor responsive matters more than values in a file of data or
//! generated code. Above [`FULL_ANALYSIS_MAX_BYTES`] bytes or [`FULL_ANALYSIS_MAX_LINES`]
//! lines a file gets a limited analysis: parse, syntax errors, symbols, definitions and
//! hovers without values; no inference and no rules. An information diagnostic at the
//! top of the file says so. The largest hand-written files of the standard library
//! (`test_typing.py`: 376 KB, 10,473 lines) stay under both limits.
//!
//! A process may move both limits once, before it analyses anything
//! ([`set_full_analysis_limits`]; the server reads `REMEDY_FULL_ANALYSIS_MAX_BYTES` and
//! `REMEDY_FULL_ANALYSIS_MAX_LINES`): the session fuzz lowers them so that its small
//! files take the path of huge ones in seconds.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::db::Db;
use crate::input::SourceFile;

/// Above this size (in UTF-8 bytes) a file gets a limited analysis, by default.
pub const FULL_ANALYSIS_MAX_BYTES: usize = 512 * 1024;
/// Above this many lines a file gets a limited analysis, by default.
pub const FULL_ANALYSIS_MAX_LINES: usize = 30_000;

static MAX_BYTES: AtomicUsize = AtomicUsize::new(FULL_ANALYSIS_MAX_BYTES);
static MAX_LINES: AtomicUsize = AtomicUsize::new(FULL_ANALYSIS_MAX_LINES);

/// Replaces the limits for the whole process. Call it before the first analysis: results
/// computed under the old limits are not recomputed.
pub fn set_full_analysis_limits(max_bytes: usize, max_lines: usize) {
    MAX_BYTES.store(max_bytes, Ordering::Relaxed);
    MAX_LINES.store(max_lines, Ordering::Relaxed);
}

/// The limits in force: (bytes, lines).
pub fn full_analysis_limits() -> (usize, usize) {
    (
        MAX_BYTES.load(Ordering::Relaxed),
        MAX_LINES.load(Ordering::Relaxed),
    )
}

/// Why `file` only gets a limited analysis, or `None` when it gets the full one.
#[salsa::tracked(returns(ref))]
pub fn analysis_limit(db: &dyn Db, file: SourceFile) -> Option<String> {
    // Other workspace files (plugin manifests) are never inferred.
    if !crate::rules::is_python_path(file.path(db)) {
        return None;
    }
    limit_message(file.text(db))
}

/// `true` when `file` is over a limit: no inference, no rules.
pub fn is_analysis_limited(db: &dyn Db, file: SourceFile) -> bool {
    analysis_limit(db, file).is_some()
}

/// Why a Python file of this text only gets a limited analysis, or `None`.
pub fn limit_message(text: &str) -> Option<String> {
    let (max_bytes, max_lines) = full_analysis_limits();
    let bytes = text.len();
    if bytes > max_bytes {
        return Some(format!(
            "Analysis is limited in this file: at {} KiB it is over the {} KiB limit, so only syntax errors are reported and hovers show no values",
            bytes / 1024,
            max_bytes / 1024
        ));
    }
    let lines = text.bytes().filter(|&byte| byte == b'\n').count() + 1;
    if lines > max_lines {
        return Some(format!(
            "Analysis is limited in this file: at {lines} lines it is over the {max_lines}-line limit, so only syntax errors are reported and hovers show no values"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_get_the_full_analysis() {
        assert_eq!(limit_message(""), None);
        assert_eq!(
            limit_message(&"x = 1\n".repeat(FULL_ANALYSIS_MAX_LINES - 1)),
            None
        );
    }

    #[test]
    fn a_file_over_either_limit_says_which() {
        let long_line = format!("data = [{}]\n", "1, ".repeat(FULL_ANALYSIS_MAX_BYTES / 3));
        let message = limit_message(&long_line).expect("over the byte limit");
        assert!(message.contains("KiB limit"), "{message}");
        let many_lines = "x\n".repeat(FULL_ANALYSIS_MAX_LINES + 1);
        let message = limit_message(&many_lines).expect("over the line limit");
        assert!(message.contains("30000-line limit"), "{message}");
    }

    fn rules_reported(text: &str) -> Vec<String> {
        let mut host = crate::AnalysisHost::new();
        let mut change = crate::Change::default();
        change.set_file(std::path::Path::new("/limits/big.py"), text);
        host.apply_change(change);
        let analysis = host.analysis();
        let file = analysis
            .file_id(std::path::Path::new("/limits/big.py"))
            .expect("the file was added");
        let mut rules: Vec<String> = analysis
            .diagnostics(file)
            .expect("no writer runs")
            .into_iter()
            .map(|diagnostic| diagnostic.rule)
            .collect();
        rules.dedup();
        rules
    }

    #[test]
    fn a_limited_file_gets_syntax_errors_and_the_note_but_no_rules() {
        let code = "x = None\nx.attr\n";
        let broken = "def broken(:\n    pass\n";
        let small = format!("{code}{broken}");
        let rules = rules_reported(&small);
        assert!(rules.contains(&"none-attribute".to_owned()), "{rules:?}");
        assert!(!rules.contains(&"analysis-limited".to_owned()), "{rules:?}");
        let filler = "y = 1\n".repeat(FULL_ANALYSIS_MAX_LINES);
        let large = format!("{code}{filler}{broken}");
        assert_eq!(
            rules_reported(&large),
            vec!["analysis-limited".to_owned(), "syntax-error".to_owned()]
        );
    }
}
