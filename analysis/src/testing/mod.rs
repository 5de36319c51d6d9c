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
    Expectation, ExpectationKind, FIXME_HEAL_EXPECTATIONS_NOT_CHECKED, Failure, FileCheck,
    HoverExpectation, ParsedExpectations, check_file, check_text, parse_expectations,
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
    let files: Vec<_> = files
        .into_iter()
        .filter(|(path, _)| {
            path.extension()
                .is_some_and(|extension| extension == "py" || extension == "pyi")
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
        // Invariant: this function owns the host and applies no change while checking,
        // so no query is ever cancelled.
        let file_check = check_file(&analysis, file, &display_path(root, path))
            .expect("no concurrent change cancels the checking snapshot");
        check.failures.extend(file_check.failures);
        check.notes.extend(file_check.notes);
        check.expectation_count += file_check.expectation_count;
        check.finding_count += file_check.finding_count;
    }
    check.failures.sort();
    check.notes.sort();
    check
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
