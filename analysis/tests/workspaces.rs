//! The workspace expectation tests: one test per folder of `test-workspaces/`, each a small
//! real Python project whose files carry inline expectations (see
//! `analysis::testing::expectations`). Every expectation must hold and every finding must be
//! expected; a failing workspace reports all its failures at once.
//!
//! This harness does the IO (the analysis crate never touches the disk): it reads the files
//! and hands their texts to `analysis::testing::check_workspace`.
//!
//! `harness_self_check` runs the checker on in-memory texts, so a checker that silently
//! passes everything fails here.

use std::path::{Path, PathBuf};

use analysis::config::Confidence;
use analysis::ide::{Diagnostic, Severity};
use analysis::resolve::{SearchRoot, SearchRootKind};
use analysis::testing::{self, WorkspaceCheck};
use analysis::{TextRange, TextSize};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let arguments = Arguments::from_args();
    let mut trials = vec![Trial::test("harness_self_check", harness_self_check)];
    match workspace_folders() {
        Ok(folders) => {
            for folder in folders {
                let name = folder
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default();
                trials.push(Trial::test(format!("workspace::{name}"), move || {
                    check_workspace_folder(&folder)
                }));
            }
        }
        Err(error) => {
            trials.push(Trial::test("workspace::discovery", move || {
                Err(error.into())
            }));
        }
    }
    libtest_mimic::run(&arguments, trials).exit();
}

/// `test-workspaces/`, next to the analysis crate.
fn workspaces_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-workspaces")
}

/// Every non-hidden folder of `test-workspaces/`, sorted.
fn workspace_folders() -> Result<Vec<PathBuf>, String> {
    let root = workspaces_root();
    let entries = std::fs::read_dir(&root)
        .map_err(|error| format!("cannot read {}: {error}", root.display()))?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir() && !is_skipped_dir(path))
        .collect();
    folders.sort();
    Ok(folders)
}

fn is_skipped_dir(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_none_or(|name| name.starts_with('.') || name == "__pycache__")
}

/// Every `.py`/`.pyi` file under `dir`, `remedy.toml`, plugin manifests and their
/// expectation sidecars (hidden folders and `__pycache__` skipped).
fn python_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot read {}: {error}", dir.display()))?
            .path();
        if path.is_dir() {
            if !is_skipped_dir(&path) {
                python_files(&path, out)?;
            }
        } else if path
            .extension()
            .is_some_and(|extension| extension == "py" || extension == "pyi")
            || path.file_name().is_some_and(|name| {
                name == "remedy.toml" || name == "plugin.json" || name == "plugin.json.expect"
            })
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The user rule files of a workspace (`.remedy/rules/*.json`) and their expectation
/// sidecars (`NAME.json.expect`), as the server and `remedy check` read them.
fn user_rule_files(root: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let folder = root.join(".remedy").join("rules");
    if !folder.is_dir() {
        return Ok(());
    }
    let entries = std::fs::read_dir(&folder)
        .map_err(|error| format!("cannot read {}: {error}", folder.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot read {}: {error}", folder.display()))?
            .path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if path.is_file() && (name.ends_with(".json") || name.ends_with(".json.expect")) {
            out.push(path);
        }
    }
    Ok(())
}

fn check_workspace_folder(folder: &Path) -> Result<(), Failed> {
    let root = folder
        .canonicalize()
        .map_err(|error| format!("cannot resolve {}: {error}", folder.display()))?;
    let mut paths = Vec::new();
    python_files(&root, &mut paths)?;
    user_rule_files(&root, &mut paths)?;
    paths.sort();
    if paths.is_empty() {
        return Err(format!(
            "{} holds no Python files (a workspace folder created by mistake?)",
            folder.display()
        )
        .into());
    }
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
        files.push((path, text));
    }
    let mut search_roots = vec![SearchRoot {
        path: root.clone(),
        kind: SearchRootKind::Workspace,
    }];
    if root.join("src").is_dir() {
        search_roots.push(SearchRoot {
            path: root.join("src"),
            kind: SearchRootKind::Src,
        });
    }
    let check = testing::check_workspace(&root, &files, search_roots);
    for note in &check.notes {
        eprintln!("note: {note}");
    }
    let name = folder
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    check_heal_snapshot(&name, &check.healed)?;
    if check.passed() {
        Ok(())
    } else {
        Err(check.report().into())
    }
}

/// The diffs "fix all" made to a workspace must match `analysis/tests/heal/<name>.diff`
/// (`UPDATE_EXPECT=1` rewrites it).
fn check_heal_snapshot(name: &str, healed: &[(String, String, String)]) -> Result<(), Failed> {
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/heal")
        .join(format!("{name}.diff"));
    let mut actual = String::new();
    for (path, before, after) in healed {
        let diff = similar::TextDiff::from_lines(before, after);
        actual.push_str(
            &diff
                .unified_diff()
                .context_radius(2)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        if actual.is_empty() {
            let _ = std::fs::remove_file(&snapshot);
        } else {
            std::fs::create_dir_all(snapshot.parent().expect("the snapshot has a folder"))
                .map_err(|error| error.to_string())?;
            std::fs::write(&snapshot, &actual).map_err(|error| error.to_string())?;
        }
        return Ok(());
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "the healing diff of {name} differs from {} (rerun with UPDATE_EXPECT=1 to accept):\n{actual}",
            snapshot.display()
        )
        .into())
    }
}

/// The checker reports a missing expected finding, an unexpected finding and a wrong hover.
fn harness_self_check() -> Result<(), Failed> {
    let mut problems = Vec::new();

    // Against the real analysis: a hover that does not hold and a finding that never comes.
    let root = Path::new("/self-check");
    let files = vec![
        (
            root.join("main.py"),
        "# hover[label]: (class) Label\ndef label(exact: bool) -> str:\n    return str(exact)\n\n# expect: key-error confidence=definite\nx = 1\n".to_owned(),
        ),
        // A hover quoting its own line must not satisfy the trailing expectation on it.
        (root.join("quoted.py"), "y = 2  # hover[y]: (class) Y\n".to_owned()),
    ];
    let check = testing::check_workspace(
        root,
        &files,
        vec![SearchRoot {
            path: root.to_path_buf(),
            kind: SearchRootKind::Workspace,
        }],
    );
    let wanted = [
        "main.py:2: hover on `label` lacks \"(class) Label\"; got:\n",
        "main.py:6: expected key-error (definite), found nothing",
        "quoted.py:1: hover on `y` lacks \"(class) Y\"; got:\n",
    ];
    require_failures(&check, &wanted, &mut problems);
    if check.expectation_count != 3 {
        problems.push(format!(
            "expected 3 expectations to be parsed, got {}",
            check.expectation_count
        ));
    }

    // With a handed-in finding nobody expects (the checker's matching, whatever rules
    // exist today).
    let text = "print 'hello'\n";
    let finding = Diagnostic {
        rule: "syntax-error".to_owned(),
        message: "`print` is a function in Python 3".to_owned(),
        range: TextRange::at(TextSize::from(0), TextSize::from(5)),
        severity: Severity::Error,
        confidence: Confidence::Definite,
        score: 100,
        exception: Some("SyntaxError".to_owned()),
        docs_url: None,
        related: Vec::new(),
    };
    let file_check = testing::check_text(
        "app/broken.py",
        text,
        &[finding],
        |_| Ok(None),
        |_| Ok(Vec::new()),
    )
    .map_err(|_| "the self check has no database to cancel")?;
    let check = WorkspaceCheck {
        failures: file_check.failures,
        ..WorkspaceCheck::default()
    };
    require_failures(
        &check,
        &["app/broken.py:1:1: unexpected syntax-error: `print` is a function in Python 3"],
        &mut problems,
    );

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// Each of `wanted` must start exactly one reported failure, and nothing else is reported.
fn require_failures(check: &WorkspaceCheck, wanted: &[&str], problems: &mut Vec<String>) {
    let reported: Vec<String> = check.failures.iter().map(ToString::to_string).collect();
    for wanted in wanted {
        if reported
            .iter()
            .filter(|failure| failure.starts_with(wanted))
            .count()
            != 1
        {
            problems.push(format!(
                "the checker did not report `{wanted}`; it reported:\n{}",
                check.report()
            ));
        }
    }
    if reported.len() != wanted.len() {
        problems.push(format!(
            "the checker reported {} failure(s), expected {}:\n{}",
            reported.len(),
            wanted.len(),
            check.report()
        ));
    }
}
