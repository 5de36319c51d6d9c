//! Incremental behaviour, asserted over salsa's log of executed queries: editing a
//! function body re-runs the edited file's queries only; other files stop at the
//! unchanged export summary.

use std::path::Path;

use analysis::index::{file_index, module_exports};
use analysis::modules::import_targets;
use analysis::resolve::{SearchRoot, SearchRootKind};
use analysis::text_edit::TextEdit;
use analysis::{AnalysisHost, Change, TextRange};
use expect_test::expect;

const CONSUMER: &str = "from lib import compute\n\nvalue = compute(2)\n";
const LIBRARY: &str = "def compute(x):\n    return x * 2\n\n\ndef other():\n    pass\n";

/// A host logging the queries it runs, and a change that makes `/ws` its workspace
/// root (the caller adds the files and applies it).
fn workspace_host() -> (AnalysisHost, Change) {
    let change = Change {
        search_roots: Some(vec![SearchRoot {
            path: "/ws".into(),
            kind: SearchRootKind::Workspace,
        }]),
        ..Change::default()
    };
    (AnalysisHost::with_event_log(), change)
}

fn host_with_two_files() -> AnalysisHost {
    let (mut host, mut change) = workspace_host();
    change.set_file(Path::new("/ws/app.py"), CONSUMER);
    change.set_file(Path::new("/ws/lib.py"), LIBRARY);
    host.apply_change(change);
    host
}

/// Computes everything the consumer depends on, returning the executed queries.
fn analyse_consumer(host: &AnalysisHost) -> Vec<String> {
    host.analysis()
        .with_database(|db| {
            let file =
                analysis::modules::file_at(db, Path::new("/ws/app.py")).expect("app.py is known");
            let _ = import_targets(db, file).len();
            let _ = file_index(db, file).definitions.len();
        })
        .expect("no concurrent writer");
    host.take_executed_queries()
}

/// Rewrites `parse(Id(c01))` to `parse(lib.py)` and sorts, so the log reads as a set.
fn query_names(host: &AnalysisHost, log: &[String]) -> Vec<String> {
    let ids: Vec<(String, &str)> = host
        .analysis()
        .with_database(|db| {
            ["app.py", "lib.py"]
                .into_iter()
                .filter_map(|name| {
                    let file = analysis::modules::file_at(db, &Path::new("/ws").join(name))?;
                    Some((format!("{:?}", salsa::plumbing::AsId::as_id(&file)), name))
                })
                .collect()
        })
        .expect("no writer");
    let mut names: Vec<String> = log
        .iter()
        .map(|query| {
            ids.iter().fold(query.clone(), |query, (id, name)| {
                query.replace(id.as_str(), name)
            })
        })
        .collect();
    names.sort();
    names
}

#[test]
fn editing_a_function_body_does_not_reanalyse_importers() {
    let mut host = host_with_two_files();
    let first = analyse_consumer(&host);
    assert!(
        first
            .iter()
            .any(|query| query.starts_with("import_targets")),
        "first run computes everything: {first:?}"
    );

    // Insert a line inside `compute`'s body: every range after it shifts.
    let offset = LIBRARY.find("return").expect("fixture has a return") as u32;
    let mut change = Change::default();
    change.edit_file(
        Path::new("/ws/lib.py"),
        vec![TextEdit::replace(
            TextRange::empty(offset.into()),
            "y = x + 1\n    ",
        )],
    );
    host.apply_change(change);
    let second = analyse_consumer(&host);
    // `lib.py` is not open and no analysis holds its tree: its export summary parses it
    // privately, leaving no `parse` or `file_index` memo (see `index::SummarySyntax`).
    expect![[r#"
        [
            "module_exports(lib.py)",
        ]
    "#]]
    .assert_debug_eq(&query_names(&host, &second));
}

#[test]
fn changing_an_exported_name_reanalyses_importers() {
    let mut host = host_with_two_files();
    analyse_consumer(&host);
    let mut change = Change::default();
    change.set_file(
        Path::new("/ws/lib.py"),
        LIBRARY.replace("def compute", "def calculate"),
    );
    host.apply_change(change);
    let log = analyse_consumer(&host);
    assert!(
        log.iter().any(|query| query.starts_with("import_targets")),
        "importers must see the rename: {log:?}"
    );
    assert!(
        !log.iter().any(|query| query.starts_with("module_resolver")),
        "the file set did not change: {log:?}"
    );
}

#[test]
fn module_exports_ignore_positions() {
    let mut host = host_with_two_files();
    let exports_before = host
        .analysis()
        .with_database(|db| {
            let lib =
                analysis::modules::file_at(db, Path::new("/ws/lib.py")).expect("lib.py is known");
            module_exports(db, lib).clone()
        })
        .expect("no writer");
    let mut change = Change::default();
    change.set_file(
        Path::new("/ws/lib.py"),
        format!("\n\n# a comment\n{LIBRARY}"),
    );
    host.apply_change(change);
    let exports_after = host
        .analysis()
        .with_database(|db| {
            let lib =
                analysis::modules::file_at(db, Path::new("/ws/lib.py")).expect("lib.py is known");
            module_exports(db, lib).clone()
        })
        .expect("no writer");
    assert_eq!(exports_before, exports_after);
    let names: Vec<&str> = exports_after
        .names
        .iter()
        .map(|exported| exported.name.as_str())
        .collect();
    assert_eq!(names, ["compute", "other"]);
}

/// `app.py` and `models.py` import each other and `app.py` reads a name too early (when
/// `models.py` runs first);
/// `leaf.py` and `user.py` sit off every cycle.
fn host_with_a_failing_cycle() -> AnalysisHost {
    let (mut host, mut change) = workspace_host();
    change.set_file(
        Path::new("/ws/models.py"),
        "import app\n\nclass User:\n    pass\n",
    );
    change.set_file(
        Path::new("/ws/app.py"),
        "from models import User\n\nfrom leaf import helper\n",
    );
    change.set_file(Path::new("/ws/leaf.py"), "def helper():\n    return 1\n");
    change.set_file(
        Path::new("/ws/user.py"),
        "from leaf import helper\n\nvalue = helper()\n",
    );
    host.apply_change(change);
    host
}

fn diagnostics_of(host: &AnalysisHost, name: &str) -> Vec<String> {
    let analysis = host.analysis();
    let file = analysis
        .file_id(&Path::new("/ws").join(name))
        .expect("the file is known");
    analysis
        .diagnostics(file)
        .expect("no writer")
        .into_iter()
        .map(|diagnostic| diagnostic.rule.to_string())
        .collect()
}

#[test]
fn a_file_off_every_failing_cycle_skips_the_workspace_import_simulation() {
    let host = host_with_a_failing_cycle();
    host.take_executed_queries();
    let findings = diagnostics_of(&host, "user.py");
    assert!(!findings.iter().any(|rule| rule == "circular-import"));
    let log = host.take_executed_queries();
    assert!(
        !log.iter()
            .any(|query| query.starts_with("circular_import_failures")),
        "user.py is on no cycle: {log:?}"
    );
    // The import events of the workspace's other files are not even computed.
    assert!(
        !log.iter().any(|query| query.starts_with("import_events")
            && !query.contains(&format!("{:?}", file_id_of(&host, "user.py")))
            && !query.contains(&format!("{:?}", file_id_of(&host, "leaf.py")))),
        "only user.py's reachable imports are read: {log:?}"
    );

    // A file on the failing cycle gets the finding the workspace-wide simulation makes.
    let findings = diagnostics_of(&host, "app.py");
    assert!(
        findings.iter().any(|rule| rule == "circular-import"),
        "entered at models.py, app.py reads `User` before models.py defines it: {findings:?}"
    );
    let log = host.take_executed_queries();
    assert!(
        log.iter()
            .any(|query| query.starts_with("circular_import_failures")),
        "{log:?}"
    );
}

fn file_id_of(host: &AnalysisHost, name: &str) -> salsa::Id {
    host.analysis()
        .with_database(|db| {
            let file = analysis::modules::file_at(db, &Path::new("/ws").join(name))
                .expect("the file is known");
            salsa::plumbing::AsId::as_id(&file)
        })
        .expect("no writer")
}

const THREE_FUNCTIONS: &str = "\
def first(x):
    return x + 1


def second(items):
    return [first(item) for item in items]


def third():
    return second([1, 2])
";

/// Infers every scope of `/ws/lib.py`; returns how many scopes the file has and the
/// `infer_scope` executions of the log.
fn infer_every_scope(host: &AnalysisHost) -> (usize, Vec<String>) {
    let scopes = host
        .analysis()
        .with_database(|db| {
            let file =
                analysis::modules::file_at(db, Path::new("/ws/lib.py")).expect("lib.py is known");
            let count = file_index(db, file).scopes.len();
            for scope in 0..count {
                let _ =
                    analysis::infer::infer_scope(db, file, analysis::index::ScopeId(scope as u32));
            }
            count
        })
        .expect("no writer");
    let executed = host
        .take_executed_queries()
        .into_iter()
        .filter(|query| query.starts_with("infer_scope"))
        .collect();
    (scopes, executed)
}

/// An edit that only moves code (a line inserted above `second`, so `second` and `third`
/// move down and `first` stays) runs the inference of the module scope again (it gains
/// a binding) and of no other scope: each reads its file through a position-free input
/// (`scope_input`) and holds its results relative to its top-level definition.
#[test]
fn moving_a_function_runs_only_the_inference_of_the_module_again() {
    let mut host = AnalysisHost::with_event_log();
    let mut change = Change::default();
    change.set_file(Path::new("/ws/lib.py"), THREE_FUNCTIONS);
    host.apply_change(change);
    let (scopes, first_run) = infer_every_scope(&host);
    assert_eq!(
        first_run.len(),
        scopes,
        "each scope is inferred once: {first_run:?}"
    );

    // Nothing changed: nothing runs again.
    let (_, unchanged) = infer_every_scope(&host);
    assert!(unchanged.is_empty(), "{unchanged:?}");

    let offset = THREE_FUNCTIONS
        .find("def second")
        .expect("the fixture defines `second`");
    let mut change = Change::default();
    change.edit_file(
        Path::new("/ws/lib.py"),
        vec![TextEdit::replace(
            TextRange::empty((offset as u32).into()),
            "moved = 0\n".to_owned(),
        )],
    );
    host.apply_change(change);
    let (scopes_after, after_move) = infer_every_scope(&host);
    assert_eq!(scopes_after, scopes, "the edit adds no scope");
    // The log of the first run starts with the module's inference (the first asked for).
    assert_eq!(after_move, vec![first_run[0].clone()], "{first_run:?}");
}

/// A module with a global, functions calling each other, a class whose method a
/// function calls with known arguments (a specialised `infer_call`), and a closure.
const MOVED_MODULE: &str = "\
LIMIT = 10


def first(x):
    return x + LIMIT


def second(items):
    return [first(item) for item in items]


class Counter:
    def __init__(self, start):
        self.count = start

    def bump(self, step=1):
        if step > LIMIT:
            return None
        self.count = self.count + first(step)
        return self.count


def third():
    counter = Counter(second([1, 2])[0])
    def inner(n):
        return counter.bump(n)
    return inner(2)


result = third()
";

/// A host holding `/ws/moved.py` with `text`, and the log entry of its module scope's
/// `infer_scope_raw` (run first here, so the first entry of the log).
fn host_with_module(text: &str) -> (AnalysisHost, String) {
    let (mut host, mut change) = workspace_host();
    change.set_file(Path::new("/ws/moved.py"), text);
    host.apply_change(change);
    host.analysis()
        .with_database(|db| {
            let file = analysis::modules::file_at(db, Path::new("/ws/moved.py"))
                .expect("moved.py is known");
            let _ =
                analysis::infer::infer_scope(db, file, analysis::index::FileIndex::MODULE_SCOPE);
        })
        .expect("no writer");
    let module = host
        .take_executed_queries()
        .into_iter()
        .find(|query| query.starts_with("infer_scope_raw("))
        .expect("the module scope was inferred");
    (host, module)
}

/// Inserts `line` into the file at `path`, whose current text is `text`, before the
/// first occurrence of `anchor`, and keeps `text` in step.
fn insert_before(
    host: &mut AnalysisHost,
    path: &Path,
    text: &mut String,
    anchor: &str,
    line: &str,
) {
    let offset = text.find(anchor).expect("the fixture holds the anchor");
    let mut change = Change::default();
    change.edit_file(
        path,
        vec![TextEdit::replace(
            TextRange::empty((offset as u32).into()),
            line.to_owned(),
        )],
    );
    host.apply_change(change);
    text.insert_str(offset, line);
}

/// The entries of `log` for runs of the query `query` (`"infer_scope_raw("`).
fn runs_of<'a>(log: &'a [String], query: &str) -> Vec<&'a String> {
    log.iter()
        .filter(|entry| entry.starts_with(query))
        .collect()
}

/// The hover at the start of every identifier of `text` (`/ws/moved.py`), with its offset.
fn every_hover(host: &AnalysisHost, text: &str) -> Vec<String> {
    every_hover_in(host, Path::new("/ws/moved.py"), text)
}

/// The hover at the start of every identifier of `text`, the text of `path`.
fn every_hover_in(host: &AnalysisHost, path: &Path, text: &str) -> Vec<String> {
    let file = host.file_id(path).expect("the file is known");
    let analysis = host.analysis();
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&at| {
            (bytes[at].is_ascii_alphabetic() || bytes[at] == b'_')
                && (at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'))
        })
        .map(|at| format!("{at}: {:?}", analysis.hover(file, (at as u32).into())))
        .collect()
}

/// Lines inserted into module code above functions, a class and their callees: of the
/// inferences everyone outside the module's run reads, only the module scope's runs
/// again (no function, method or specialised call of the file), and every hover of the
/// file equals a fresh database's. What the module's own run calls (`third()` and what
/// it calls, as the copies `infer_scope_in_module_run` and `infer_call_in_module_run`)
/// runs again with the module when a global it reads changed (see
/// `module_code_runs_twice_after_an_edit_and_keeps_what_it_calls`).
#[test]
fn inserting_a_top_level_line_above_functions_reinfers_only_the_module() {
    let (mut host, module) = host_with_module(MOVED_MODULE);
    let before = every_hover(&host, MOVED_MODULE);
    assert!(
        before.iter().any(|hover| hover.contains("Counter")),
        "the hovers show values: {before:?}"
    );
    host.take_executed_queries();
    let mut text = MOVED_MODULE.to_owned();
    for (anchor, line) in [
        ("def second", "moved = 0\n"),
        ("class Counter", "x_i = LIMIT\n"),
        ("def third", "if LIMIT:\n    extra = 1\n"),
    ] {
        insert_before(
            &mut host,
            Path::new("/ws/moved.py"),
            &mut text,
            anchor,
            line,
        );

        let hovers = every_hover(&host, &text);
        let log = host.take_executed_queries();
        let scopes = runs_of(&log, "infer_scope_raw(");
        assert_eq!(scopes, vec![&module], "after inserting {line:?}");
        let calls = runs_of(&log, "infer_call_raw(");
        assert!(calls.is_empty(), "after inserting {line:?}: {calls:?}");

        let (fresh, ..) = host_with_module(&text);
        assert_eq!(
            hovers,
            every_hover(&fresh, &text),
            "after inserting {line:?}"
        );
    }
}

/// The module's code calls functions that read its globals (`result = make()`, whose
/// callee reads `LIMIT`). After a line of module code is inserted, that code runs twice,
/// a draft run (whose callees find the globals unknown) and the module's inference
/// (whose callees read the draft's globals): no salsa cycle, whose fixpoint ran it
/// three times, and the runs of what it calls stay valid as long as the globals they
/// read are equal. A global they read that changes runs them again.
#[test]
fn module_code_runs_twice_after_an_edit_and_keeps_what_it_calls() {
    const MODULE: &str = "\
LIMIT = 10


def first(x):
    return x + LIMIT


def make():
    return first(2)


result = make()
";
    let (mut host, _) = host_with_module(MODULE);
    every_hover(&host, MODULE);
    host.take_executed_queries();
    let mut text = MODULE.to_owned();
    insert_before(
        &mut host,
        Path::new("/ws/moved.py"),
        &mut text,
        "result = make()",
        "moved = 0\n",
    );
    let hovers = every_hover(&host, &text);
    let log = host.take_executed_queries();
    assert_eq!(runs_of(&log, "infer_module_draft(").len(), 1, "{log:?}");
    assert_eq!(runs_of(&log, "infer_scope_raw(").len(), 1, "{log:?}");
    let copies = [
        runs_of(&log, "infer_scope_in_module_run("),
        runs_of(&log, "infer_call_in_module_run("),
    ]
    .concat();
    assert!(
        copies.is_empty(),
        "what the module's code calls: {copies:?}"
    );
    let (fresh, ..) = host_with_module(&text);
    assert_eq!(hovers, every_hover(&fresh, &text));
    assert!(
        hovers.iter().any(|hover| hover.contains("12 (int)")),
        "`result` holds 2 + LIMIT: {hovers:?}"
    );

    // `first` reads `LIMIT`: its run for the module's code (inside `make()`) is redone.
    let at = text.find("LIMIT = 10").expect("the fixture binds LIMIT");
    let mut change = Change::default();
    change.edit_file(
        Path::new("/ws/moved.py"),
        vec![TextEdit::replace(
            TextRange::new((at as u32 + 8).into(), (at as u32 + 10).into()),
            "20".to_owned(),
        )],
    );
    host.apply_change(change);
    text.replace_range(at + 8..at + 10, "20");
    let hovers = every_hover(&host, &text);
    let log = host.take_executed_queries();
    assert!(
        !runs_of(&log, "infer_call_in_module_run(").is_empty()
            || !runs_of(&log, "infer_scope_in_module_run(").is_empty(),
        "LIMIT changed: {log:?}"
    );
    let (fresh, ..) = host_with_module(&text);
    assert_eq!(hovers, every_hover(&fresh, &text));
    assert!(
        hovers.iter().any(|hover| hover.contains("22 (int)")),
        "`result` holds 2 + LIMIT: {hovers:?}"
    );
}

/// `core.py` of the cross-file tests: a function, a class with an initialiser and a
/// method, and a function below them whose body the tests edit.
const CORE: &str = "\
def scale(value, factor=2):
    total = value * factor
    return total


class Record:
    def __init__(self, left, right):
        self.left = left
        self.right = right

    def total(self):
        return self.left + self.right


def edited(value):
    return value
";

/// `user.py`: calls everything of `core.py` but `edited`, through both import forms.
const USER: &str = "\
import core
from core import Record, scale


def use(x):
    a = scale(x) + 1
    b = core.scale(a, 3)
    record = Record(a, b)
    if record.total() > 3:
        return record.total()
    return str(b)


result = use(2)
";

fn host_with_core_and_user() -> AnalysisHost {
    let (mut host, mut change) = workspace_host();
    change.set_file(Path::new("/ws/core.py"), CORE);
    change.set_file(Path::new("/ws/user.py"), USER);
    host.apply_change(change);
    host
}

/// Infers every scope of `core.py` first (its own runs are not counted), then every
/// scope of `/ws/user.py`; returns the `infer_scope` executions of the second step (the
/// scopes of `user.py` that ran again) and the value of `result`.
fn infer_user(host: &AnalysisHost) -> (Vec<String>, String) {
    let infer_file = |name: &str| {
        host.analysis()
            .with_database(|db| {
                let file = analysis::modules::file_at(db, &Path::new("/ws").join(name))
                    .expect("the file is known");
                for scope in 0..file_index(db, file).scopes.len() {
                    let _ = analysis::infer::infer_scope(
                        db,
                        file,
                        analysis::index::ScopeId(scope as u32),
                    );
                }
                analysis::infer::module_values(db, file)
                    .iter()
                    .find(|(name, _)| name == "result")
                    .map(|(_, value)| format!("{value:?}"))
                    .unwrap_or_default()
            })
            .expect("no writer")
    };
    infer_file("core.py");
    host.take_executed_queries();
    let result = infer_file("user.py");
    let executed = host
        .take_executed_queries()
        .into_iter()
        .filter(|query| query.starts_with("infer_scope_raw("))
        .collect();
    (executed, result)
}

fn insert_into_core(host: &mut AnalysisHost, before: &str, line: &str) {
    let offset = CORE.find(before).expect("the fixture holds the anchor") as u32;
    let mut change = Change::default();
    change.edit_file(
        Path::new("/ws/core.py"),
        vec![TextEdit::replace(
            TextRange::empty(offset.into()),
            line.to_owned(),
        )],
    );
    host.apply_change(change);
}

/// The importer reads `core.py` through position-free summaries (`file_scope_facts`,
/// `definition_bodies`, `scope_summary`, `call_summary`, `class_bases_summary`): an edit
/// of a function body below everything it uses leaves its inference valid.
#[test]
fn editing_a_function_body_does_not_reinfer_the_scopes_of_an_importer() {
    let mut host = host_with_core_and_user();
    let (first, value_before) = infer_user(&host);
    assert!(!first.is_empty(), "the first run infers user.py");

    insert_into_core(&mut host, "    return value\n", "    edited = 0\n");
    let (after_edit, value_after) = infer_user(&host);
    assert_eq!(after_edit, Vec::<String>::new());
    assert_eq!(value_before, value_after);

    // An edit that changes what `scale` returns reaches the importer.
    insert_into_core(&mut host, "    return total\n", "    total = str(total)\n");
    let (after_change, value_changed) = infer_user(&host);
    assert!(!after_change.is_empty(), "user.py reads what scale returns");
    assert_ne!(value_before, value_changed);
}

/// An edit above the functions an importer uses moves the origins their values carry
/// (`scale`'s `total`, `Record.total`'s `self.left + self.right`), but the summaries the
/// importer reads hold them anchored to the top-level definition around them, so they
/// come out equal and nothing of `user.py` runs again; what `result` holds, and the
/// lines its origins resolve to, are those a fresh database computes.
#[test]
fn editing_above_the_used_functions_does_not_reinfer_the_importer() {
    let mut host = host_with_core_and_user();
    let (first, value_before) = infer_user(&host);
    assert!(!first.is_empty(), "the first run infers user.py");
    insert_into_core(&mut host, "    return total\n", "    moved = 0\n");
    let (after_edit, value_after) = infer_user(&host);
    assert_eq!(after_edit, Vec::<String>::new());
    assert_eq!(value_before, value_after);

    // The resolved origins follow the move: the hover of `record` in `use` (its value's
    // origins lie in `core.py` below the edit) equals a fresh database's.
    let edited_core = CORE.replace("    return total\n", "    moved = 0\n    return total\n");
    let mut fresh = AnalysisHost::with_event_log();
    let mut change = Change {
        search_roots: Some(vec![SearchRoot {
            path: "/ws".into(),
            kind: SearchRootKind::Workspace,
        }]),
        ..Change::default()
    };
    change.set_file(Path::new("/ws/core.py"), edited_core);
    change.set_file(Path::new("/ws/user.py"), USER);
    fresh.apply_change(change);
    // The same queries first as in `host` (results can depend on the order salsa
    // enters a cycle in; see the README's performance notes).
    infer_user(&fresh);
    let hovers = |host: &AnalysisHost| -> Vec<String> {
        let file = host
            .file_id(Path::new("/ws/user.py"))
            .expect("user.py is known");
        let analysis = host.analysis();
        [
            "a = scale",
            "record = Record",
            "record.total()",
            "result = use",
        ]
        .into_iter()
        .map(|anchor| {
            let offset = USER.find(anchor).expect("the fixture holds the anchor") as u32;
            format!("{:?}", analysis.hover(file, offset.into()))
        })
        .collect()
    };
    let edited_hovers = hovers(&host);
    assert!(
        edited_hovers.iter().any(|hover| hover.contains("core.py")),
        "some hover names an origin in core.py: {edited_hovers:?}"
    );
    assert_eq!(edited_hovers, hovers(&fresh));
}

/// A server analyses the files it opens without the reuse across edits and turns it on
/// at the first edit: the hovers are those of a fresh database before and after, and the
/// edits that follow re-run only the module's inference.
#[test]
fn turning_on_reuse_at_the_first_edit_keeps_the_hovers() {
    let (mut host, module) = host_with_module(MOVED_MODULE);
    host.set_reuse_across_edits(false);
    let before = every_hover(&host, MOVED_MODULE);
    let (fresh, ..) = host_with_module(MOVED_MODULE);
    assert_eq!(before, every_hover(&fresh, MOVED_MODULE));

    let mut text = MOVED_MODULE.to_owned();
    for (round, (anchor, line)) in [
        ("def second", "moved = 0\n"),
        ("class Counter", "x_i = 1\n"),
    ]
    .into_iter()
    .enumerate()
    {
        if round == 0 {
            host.set_reuse_across_edits(true);
        }
        host.take_executed_queries();
        insert_before(
            &mut host,
            Path::new("/ws/moved.py"),
            &mut text,
            anchor,
            line,
        );
        let hovers = every_hover(&host, &text);
        let log = host.take_executed_queries();
        let (fresh, ..) = host_with_module(&text);
        assert_eq!(
            hovers,
            every_hover(&fresh, &text),
            "after inserting {line:?}"
        );
        if round == 1 {
            let scopes = runs_of(&log, "infer_scope_raw(");
            assert_eq!(scopes, vec![&module], "after inserting {line:?}");
        }
    }
}

/// A server keeps the reuse across edits off and turns it on for the document the user
/// types in: the other file's inference does not run again (it reads the edited file
/// through position-free summaries either way), the edited file's later edits of module
/// code re-run only its module scope, and every hover of both files equals a fresh
/// database's.
#[test]
fn turning_on_reuse_for_the_edited_file_alone_leaves_the_other_files_inference() {
    let mut host = host_with_core_and_user();
    host.set_reuse_across_edits(false);
    let (first, value_before) = infer_user(&host);
    assert!(!first.is_empty(), "the first run infers user.py");

    let mut core = CORE.to_owned();
    // Module code that binds nothing: a new global would change what `import core` reads.
    for (round, line) in ["pass\n", "print(1)\n"].into_iter().enumerate() {
        if round == 0 {
            host.set_reuse_across_edits_for(Path::new("/ws/core.py"), true);
        }
        insert_before(
            &mut host,
            Path::new("/ws/core.py"),
            &mut core,
            "class Record",
            line,
        );
        host.take_executed_queries();
        let core_hovers = every_hover_in(&host, Path::new("/ws/core.py"), &core);
        let log = host.take_executed_queries();

        let (mut fresh, mut change) = workspace_host();
        change.set_file(Path::new("/ws/core.py"), core.clone());
        change.set_file(Path::new("/ws/user.py"), USER);
        fresh.apply_change(change);
        infer_user(&fresh);
        assert_eq!(
            core_hovers,
            every_hover_in(&fresh, Path::new("/ws/core.py"), &core),
            "core.py after inserting {line:?}"
        );
        if round == 1 {
            // Reuse is on for core.py: its functions' and methods' inference stays.
            let reinferred = runs_of(&log, "infer_scope_raw(");
            assert_eq!(reinferred.len(), 1, "only the module scope: {log:?}");
        }

        let (user_reinferred, value_after) = infer_user(&host);
        assert_eq!(
            user_reinferred,
            Vec::<String>::new(),
            "after inserting {line:?}"
        );
        assert_eq!(value_before, value_after);
        // The origins in core.py that user.py's values carry follow the inserted lines.
        assert_eq!(
            every_hover_in(&host, Path::new("/ws/user.py"), USER),
            every_hover_in(&fresh, Path::new("/ws/user.py"), USER),
            "user.py after inserting {line:?}"
        );
    }
}
