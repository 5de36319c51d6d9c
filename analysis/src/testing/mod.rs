//! Test support: the fixture language of unit tests and the inline-expectation checker
//! shared by fixtures and the workspaces under `test-workspaces/`.
//!
//! Public so the server's tests can use it too. Like the rest of the crate it does no IO:
//! callers read files and hand their texts in.

pub mod expectations;
pub mod fixture;

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::api::{AnalysisHost, Change};
use crate::resolve::{SearchRoot, SearchRootKind};

pub use expectations::{
    Expectation, ExpectationKind, Failure, FileCheck, HoverExpectation, OfferedFix,
    ParsedExpectations, check_file, check_text, parse_expectations,
};
pub use fixture::{FilePosition, Fixture, FixtureFile, fixture_files};

/// What checking every file of a workspace found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceCheck {
    /// Sorted by path, line and column.
    pub failures: Vec<Failure>,
    /// Remarks that are not failures, sorted likewise.
    pub notes: Vec<Failure>,
    pub file_count: usize,
    pub expectation_count: usize,
    pub finding_count: usize,
    /// Files "fix all" changed (display path, text before, text after), when any file
    /// holds a `heal:` expectation.
    pub healed: Vec<(String, String, String)>,
}

impl WorkspaceCheck {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// One grouped report: a summary line, then one failure per line (a failure with a
    /// multi-line hover keeps its lines, indented).
    pub fn report(&self) -> String {
        let mut out = format!(
            "{} failure(s) in {} file(s) ({} expectation(s), {} finding(s)):\n",
            self.failures.len(),
            self.file_count,
            self.expectation_count,
            self.finding_count
        );
        for failure in &self.failures {
            let rendered = failure.to_string();
            let mut lines = rendered.lines();
            let _ = writeln!(out, "  {}", lines.next().unwrap_or(""));
            for line in lines {
                let _ = writeln!(out, "      | {line}");
            }
        }
        out
    }
}

/// Checks every file of a workspace: `files` are absolute paths under `root` with their
/// texts, `search_roots` the roots the resolver uses. Failures name paths relative to
/// `root`, with `/` separators.
pub fn check_workspace(
    root: &Path,
    files: &[(PathBuf, String)],
    search_roots: Vec<SearchRoot>,
) -> WorkspaceCheck {
    let mut host = AnalysisHost::new();
    let mut change = Change {
        search_roots: Some(search_roots),
        ..Change::default()
    };
    // A `remedy.toml` at the root configures the analysis (e.g. `enable` for opt-in rules);
    // it is not a Python file to check.
    let config_path = root.join("remedy.toml");
    let (config_files, files): (Vec<_>, Vec<_>) =
        files.iter().partition(|(path, _)| *path == config_path);
    // Plugin manifests and user rule files are analysed too; JSON has no comments, so
    // their expectations live in a sibling `NAME.json.expect` (see
    // [`manifest_expectation_text`]).
    let sidecars: Vec<_> = files
        .iter()
        .filter(|(path, _)| {
            path.extension()
                .is_some_and(|extension| extension == "expect")
        })
        .map(|(path, text)| (path.clone(), text.clone()))
        .collect();
    let files: Vec<_> = files
        .into_iter()
        .filter(|(path, _)| {
            path.extension()
                .is_some_and(|extension| extension == "py" || extension == "pyi")
                || crate::rules::is_manifest_path(path)
                || crate::rules::user::is_user_rule_path(path)
        })
        .collect();
    for (_, text) in config_files {
        let (config, errors) = crate::config::parse_remedy_toml(text);
        assert!(
            errors.is_empty(),
            "remedy.toml of the test is invalid: {errors:?}"
        );
        change.config = Some(config);
    }
    for (path, text) in &files {
        change.set_file(Arc::<Path>::from(path.as_path()), text.as_str());
    }
    host.apply_change(change);
    let analysis = host.analysis();
    let mut check = WorkspaceCheck {
        file_count: files.len(),
        ..WorkspaceCheck::default()
    };
    for (path, _) in &files {
        let file = host
            .file_id(path)
            .expect("every file was set in the change applied above");
        let display = display_path(root, path);
        // Invariant: this function owns the host and applies no change while checking,
        // so no query is ever cancelled.
        let file_check = if crate::rules::is_manifest_path(path)
            || crate::rules::user::is_user_rule_path(path)
        {
            let sidecar = path.with_extension("json.expect");
            let expectations = sidecars
                .iter()
                .find(|(candidate, _)| *candidate == sidecar)
                .map_or("", |(_, text)| text.as_str());
            check_manifest(&analysis, file, &display, expectations)
        } else {
            check_file(&analysis, file, &display)
        }
        .expect("no concurrent change cancels the checking snapshot");
        check.failures.extend(file_check.failures);
        check.notes.extend(file_check.notes);
        check.expectation_count += file_check.expectation_count;
        check.finding_count += file_check.finding_count;
    }
    drop(analysis);
    heal_discipline(root, &mut host, &files, &mut check);
    check.failures.sort();
    check.notes.sort();
    check
}

/// Rounds of "fix all" (unsafe fixes included) after which the workspace must be
/// stable: healing converges, never adds a syntax error, and removes every finding a
/// `heal:` expectation names.
const HEAL_ROUNDS: usize = 5;

fn heal_discipline(
    root: &Path,
    host: &mut AnalysisHost,
    files: &[&(PathBuf, String)],
    check: &mut WorkspaceCheck,
) {
    let python: Vec<(PathBuf, crate::api::FileId)> = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|extension| extension == "py"))
        .filter_map(|(path, _)| host.file_id(path).map(|file| (path.clone(), file)))
        .collect();
    let heal_rules = |text: &str| -> Vec<String> {
        parse_expectations(text)
            .expectations
            .into_iter()
            .filter_map(|expectation| match expectation.kind {
                ExpectationKind::Heal { rule, .. } => Some(rule),
                _ => None,
            })
            .collect()
    };
    if python
        .iter()
        .all(|(_, file)| heal_rules(&host.file_text(*file)).is_empty())
    {
        return;
    }
    let count_rule = |diagnostics: &[crate::ide::Diagnostic], rule: &str| {
        diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.rule == rule)
            .count()
    };
    let analysis = host.analysis();
    let before: Vec<(String, Vec<crate::ide::Diagnostic>)> = python
        .iter()
        .map(|(_, file)| {
            (
                analysis.file_text(*file).to_string(),
                analysis.diagnostics(*file).unwrap_or_default(),
            )
        })
        .collect();
    drop(analysis);
    let mut converged = false;
    for _ in 0..HEAL_ROUNDS {
        let analysis = host.analysis();
        let mut change = Change::default();
        let mut any = false;
        for (path, file) in &python {
            let edits = analysis.fix_all(*file, true).unwrap_or_default();
            if !edits.is_empty() {
                let text = analysis.file_text(*file);
                change.set_file(
                    Arc::<Path>::from(path.as_path()),
                    crate::patches::apply_edits(&text, &edits),
                );
                any = true;
            }
        }
        drop(analysis);
        if !any {
            converged = true;
            break;
        }
        host.apply_change(change);
    }
    let analysis = host.analysis();
    for ((path, file), (text_before, diagnostics_before)) in python.iter().zip(&before) {
        let display = display_path(root, path);
        let failure = |message: String| Failure {
            path: display.clone(),
            line: 1,
            column: None,
            message,
        };
        let text_after = analysis.file_text(*file);
        let diagnostics_after = analysis.diagnostics(*file).unwrap_or_default();
        let syntax_before = count_rule(diagnostics_before, "syntax-error");
        let syntax_after = count_rule(&diagnostics_after, "syntax-error");
        if syntax_after > syntax_before {
            check.failures.push(failure(format!(
                "healing added syntax errors ({syntax_before} before, {syntax_after} after)"
            )));
        }
        let rules = heal_rules(text_before);
        let mut seen: Vec<&String> = Vec::new();
        for rule in &rules {
            if seen.contains(&rule) {
                continue;
            }
            seen.push(rule);
            let wanted = rules.iter().filter(|other| *other == rule).count();
            let removed = count_rule(diagnostics_before, rule)
                .saturating_sub(count_rule(&diagnostics_after, rule));
            if removed < wanted {
                check.failures.push(failure(format!(
                    "healing removed {removed} {rule} finding(s), {wanted} `heal:` expectation(s) ask for it"
                )));
            }
        }
        if *text_after != **text_before {
            check
                .healed
                .push((display, text_before.clone(), text_after.to_string()));
        }
    }
    if !converged {
        check.failures.push(Failure {
            path: String::new(),
            line: 1,
            column: None,
            message: format!("healing did not converge within {HEAL_ROUNDS} rounds"),
        });
    }
}

/// Checks a plugin manifest against the expectations of its sidecar file.
fn check_manifest(
    analysis: &crate::api::Analysis,
    file: crate::api::FileId,
    display_path: &str,
    expectations: &str,
) -> crate::api::Cancellable<FileCheck> {
    let text = analysis.file_text(file);
    let findings = analysis.diagnostics(file)?;
    let (synthetic, line_starts) = match manifest_expectation_text(&text, expectations) {
        Ok(built) => built,
        Err(message) => {
            return Ok(FileCheck {
                failures: vec![Failure {
                    path: format!("{display_path}.expect"),
                    line: 1,
                    column: None,
                    message,
                }],
                ..FileCheck::default()
            });
        }
    };
    let lines = line_index::LineIndex::new(&text);
    // Each finding moves to the start of its line in the stand-in text.
    let findings: Vec<_> = findings
        .into_iter()
        .map(|mut finding| {
            let line = lines.line_col(finding.range.start()).line as usize;
            let start = line_starts.get(line).copied().unwrap_or_default();
            finding.range = line_index::TextRange::empty(start);
            finding
        })
        .collect();
    check_text(
        display_path,
        &synthetic,
        &findings,
        |_| Ok(None),
        |_| Ok(Vec::new()),
    )
}

/// A Python stand-in for a JSON manifest: one code line per manifest line, carrying the
/// expectations of the sidecar as trailing comments, and the offset of each line.
///
/// The sidecar holds `LINE: DIRECTIVE` lines (1-based manifest lines, at most one directive
/// per line, e.g. `4: expect: plugin-manifest-mismatch confidence=definite`); blank lines
/// and lines starting with `#` are prose.
pub fn manifest_expectation_text(
    json: &str,
    sidecar: &str,
) -> Result<(String, Vec<line_index::TextSize>), String> {
    let mut directives: Vec<(usize, &str)> = Vec::new();
    for line in sidecar.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((number, directive)) = line.split_once(':') else {
            return Err(format!("`{line}` is not `LINE: DIRECTIVE`"));
        };
        let number: usize = number
            .trim()
            .parse()
            .map_err(|_| format!("`{number}` is not a line number"))?;
        if directives.iter().any(|(existing, _)| *existing == number) {
            return Err(format!("line {number} has two directives"));
        }
        directives.push((number, directive.trim()));
    }
    let mut text = String::new();
    let mut starts = Vec::new();
    let count = json.lines().count().max(1);
    for number in 1..=count {
        starts.push(line_index::TextSize::from(text.len() as u32));
        text.push('_');
        if let Some((_, directive)) = directives.iter().find(|(line, _)| *line == number) {
            text.push_str("  # ");
            text.push_str(directive);
        }
        text.push('\n');
    }
    if let Some((number, _)) = directives.iter().find(|(line, _)| *line > count) {
        return Err(format!("line {number} is past the end of the manifest"));
    }
    Ok((text, starts))
}

/// Checks the expectations written in every file of a fixture (`#- /path` headers, no
/// cursor needed), under the virtual root `/`.
pub fn check_fixture_expectations(fixture: &str) -> WorkspaceCheck {
    let files = fixture_files(fixture).unwrap_or_else(|error| panic!("{error}"));
    let files: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|file| (file.path, file.text))
        .collect();
    let root = Path::new(fixture::FIXTURE_ROOT);
    check_workspace(
        root,
        &files,
        vec![SearchRoot {
            path: root.to_path_buf(),
            kind: SearchRootKind::Workspace,
        }],
    )
}

/// `path` relative to `root`, with `/` separators whatever the platform.
fn display_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part.to_string_lossy()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_expectations_are_checked_against_the_analysis() {
        let check = check_fixture_expectations(
            r#"
#- /pkg/__init__.py
#- /main.py
def label(exact: bool) -> str:  # hover[label]: (function) def label(exact: bool) -> str
    return str(exact)  # hover[exact]: (parameter) exact: bool
print(label(True))  # hover: (builtin function) print
# expect: key-error
x = 1
"#,
        );
        assert_eq!(check.file_count, 2);
        assert_eq!(check.expectation_count, 4);
        expect_test::expect![[r#"
            1 failure(s) in 2 file(s) (4 expectation(s), 0 finding(s)):
              main.py:5: expected key-error, found nothing
        "#]]
        .assert_eq(&check.report());
    }

    #[test]
    fn reports_indent_multi_line_hovers() {
        let check = check_fixture_expectations("x = 1  # hover[x]: float\n");
        assert!(!check.passed());
        let report = check.report();
        assert!(
            report.starts_with("1 failure(s) in 1 file(s) (1 expectation(s), 0 finding(s)):\n  main.py:1: hover on `x` lacks \"float\"; got:\n      | ```python\n"),
            "{report}"
        );
    }

    #[test]
    fn display_paths_are_relative_with_slashes() {
        assert_eq!(
            display_path(Path::new("/ws"), Path::new("/ws/app/main.py")),
            "app/main.py"
        );
        assert_eq!(
            display_path(Path::new("/"), Path::new("/main.py")),
            "main.py"
        );
    }
}
