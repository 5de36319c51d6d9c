//! The pipeline parse → index → infer → rules → IDE answers on arbitrary bytes, seeded
//! and replayable, within `cargo test`.
//!
//! Inputs are the project's own Python (the test workspaces), mutated: random bytes
//! (decoded lossily, as the server receives text), byte flips, splices of two files,
//! truncations, repeated fragments, Python tokens and deep nesting (brackets, `if`s,
//! `+` chains, `not`, lambdas, calls, attributes). Each input is analysed whole, then
//! edited in place a few times (the incremental parse path), and every step must:
//! - finish without a panic (a panic fails the test with the case's seed);
//! - return ranges inside the text, on character boundaries (diagnostics, their related
//!   locations in the same file, document symbols, hovers, definitions);
//! - agree with a fresh analysis of the edited text (incremental = from scratch);
//! - offer patches (code actions on a few findings, and fix-all with unsafe patches)
//!   whose edits lie inside the text, on character boundaries, without overlapping,
//!   name only workspace files, and leave the file with no more syntax errors than it
//!   had.
//!
//! `REMEDY_PIPELINE_CASES` sets the number of cases (default 160) and
//! `REMEDY_PIPELINE_SEED` the first seed; `REMEDY_PIPELINE_SECONDS` caps the time
//! (default 45: with the case under way when it runs out, the test stays near a minute). A failure prints the seed that replays it:
//! `REMEDY_PIPELINE_SEED=<seed> REMEDY_PIPELINE_CASES=1 cargo test -p remedy-analysis --test pipeline_fuzz`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use analysis::text_edit::TextEdit;
use analysis::{AnalysisHost, Change, TextRange, TextSize};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "def ",
    "class ",
    "return ",
    "if ",
    "else:",
    "elif ",
    "for ",
    " in ",
    "while ",
    "try:\n",
    "except ",
    "except* ",
    "finally:",
    "with ",
    "lambda ",
    "yield ",
    "await ",
    "async ",
    "import ",
    "from ",
    "global ",
    "nonlocal ",
    "match ",
    "case ",
    "type ",
    "None",
    "self",
    "x",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    " = ",
    " + ",
    "**",
    "->",
    ":=",
    "...",
    "'s'",
    "f'{x}'",
    "\"\"\"",
    "#",
    "\\",
    "\n",
    "\n    ",
    "\t",
    "@",
    "*",
    "del ",
    "raise ",
    "assert ",
    "\u{1F600}",
    "\u{2028}",
    "\r",
    "\0",
    "é",
    "[T]",
    "cfg['k']",
    ".get(",
    "os.environ[",
];

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-workspaces");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                stack.push(path);
            } else if path.extension().is_some_and(|extension| extension == "py")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                files.push((path, text));
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "the test workspaces hold Python files");
    files
}

fn nested(rng: &mut Rng) -> String {
    let depth = 50 + rng.below(3_000);
    match rng.below(7) {
        0 => format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth)),
        1 => format!("x = {}\n", vec!["y"; depth].join(" + ")),
        2 => format!("x = {}y\n", "not ".repeat(depth)),
        3 => format!("x = {}1\n", "lambda: ".repeat(depth.min(800))),
        4 => format!("x = {}{}\n", "f(".repeat(depth), ")".repeat(depth)),
        5 => format!("x = a{}\n", ".b".repeat(depth)),
        _ => {
            let levels = depth.min(250);
            let mut text = String::new();
            for level in 0..levels {
                text.push_str(&" ".repeat(level));
                text.push_str("if x:\n");
            }
            text.push_str(&" ".repeat(levels));
            text.push_str("pass\n");
            text
        }
    }
}

/// One input: bytes, decoded as the server would decode them.
fn generate(rng: &mut Rng, corpus: &[(PathBuf, String)]) -> String {
    let base = corpus[rng.below(corpus.len())].1.as_bytes().to_vec();
    let mut bytes = match rng.below(8) {
        0 => (0..rng.below(2_000)).map(|_| rng.next() as u8).collect(),
        1 => {
            let other = corpus[rng.below(corpus.len())].1.as_bytes();
            let cut = rng.below(base.len() + 1);
            let from = rng.below(other.len() + 1);
            let mut spliced = base[..cut].to_vec();
            spliced.extend_from_slice(&other[from..]);
            spliced
        }
        2 => base[..rng.below(base.len() + 1)].to_vec(),
        3 => nested(rng).into_bytes(),
        _ => base,
    };
    for _ in 0..rng.below(12) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 if at < bytes.len() => bytes[at] = rng.next() as u8,
            1 if at < bytes.len() => {
                let end = (at + rng.below(40)).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            3 if at < bytes.len() => {
                let end = (at + rng.below(60)).min(bytes.len());
                let fragment = bytes[at..end].to_vec();
                for _ in 0..rng.below(20) {
                    bytes.splice(at..at, fragment.iter().copied());
                }
            }
            _ => {
                let fragment = nested(rng);
                if fragment.len() < 20_000 {
                    bytes.splice(at..at, fragment.bytes());
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn check_range(text: &str, range: TextRange, what: &str, failures: &mut Vec<String>) {
    let (start, end) = (usize::from(range.start()), usize::from(range.end()));
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        failures.push(format!(
            "{what}: range {start}..{end} outside a text of {} bytes",
            text.len()
        ));
    }
}

/// Everything the IDE answers for `path`, checked; returns a comparable summary.
fn analyse(
    host: &AnalysisHost,
    path: &Path,
    probes: &[usize],
    failures: &mut Vec<String>,
) -> Vec<String> {
    let analysis = host.analysis();
    let file = analysis.file_id(path).expect("the file is known");
    let text = analysis.file_text(file);
    let mut summary = Vec::new();
    let diagnostics = analysis.diagnostics(file).expect("no writer runs");
    for diagnostic in &diagnostics {
        check_range(
            &text,
            diagnostic.range,
            &format!("diagnostic {}", diagnostic.rule),
            failures,
        );
        summary.push(format!(
            "{} {:?} {}",
            diagnostic.rule, diagnostic.range, diagnostic.message
        ));
    }
    let mut symbols = analysis.document_symbols(file).expect("no writer runs");
    while let Some(symbol) = symbols.pop() {
        check_range(&text, symbol.range, "symbol", failures);
        check_range(&text, symbol.selection_range, "symbol name", failures);
        summary.push(format!("symbol {} {:?}", symbol.name, symbol.range));
        symbols.extend(symbol.children);
    }
    for &probe in probes {
        let offset = TextSize::from(boundary(&text, probe) as u32);
        if let Some(hover) = analysis.hover(file, offset).expect("no writer runs") {
            check_range(&text, hover.range, "hover", failures);
            summary.push(format!("hover {:?} {}", hover.range, hover.markdown));
        }
        for target in analysis
            .goto_definition(file, offset)
            .expect("no writer runs")
        {
            if target.path.as_ref() == path {
                check_range(&text, target.focus_range, "definition", failures);
            }
            summary.push(format!("definition {:?}", target.focus_range));
        }
    }
    summary
}

/// Syntax errors of `text`, as the diagnostics count them.
fn parse_python(text: &str) -> tree_sitter::Tree {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("the grammar loads");
    parser
        .parse(text, None)
        .expect("a parser with a language parses")
}

fn syntax_error_count(text: &str) -> usize {
    analysis::syntax::syntax_errors(&parse_python(text), text).len()
}

/// Whether every edit inserts text (replacing nothing) that, leading blanks aside, lies
/// inside a comment of the patched text, as a suppression comment does.
fn only_adds_comment_text(text: &str, edits: &[TextEdit], patched: &str) -> bool {
    let tree = parse_python(patched);
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| edit.range.start());
    let mut shift = 0usize;
    for edit in sorted {
        if !edit.range.is_empty() || text.len() < usize::from(edit.range.end()) {
            return false;
        }
        let inserted = edit.insert.trim_start_matches([' ', '\t']);
        let start = usize::from(edit.range.start()) + shift + (edit.insert.len() - inserted.len());
        let end = usize::from(edit.range.start()) + shift + edit.insert.len();
        shift += edit.insert.len();
        if inserted.is_empty() || inserted.contains(['\n', '\r']) {
            return false;
        }
        let in_comment = tree
            .root_node()
            .descendant_for_byte_range(start, end)
            .is_some_and(|node| node.kind() == "comment");
        if !in_comment {
            return false;
        }
    }
    true
}

/// Edits meant for `text`: inside it, sorted without overlap, and no new syntax error.
fn check_edits(
    text: &str,
    edits: &[TextEdit],
    errors_before: usize,
    what: &str,
    failures: &mut Vec<String>,
) {
    let known = failures.len();
    for edit in edits {
        check_range(text, edit.range, what, failures);
    }
    let mut ranges: Vec<TextRange> = edits.iter().map(|edit| edit.range).collect();
    ranges.sort_by_key(|range| (range.start(), range.end()));
    if let Some(pair) = ranges
        .windows(2)
        .find(|pair| pair[0].end() > pair[1].start())
    {
        failures.push(format!(
            "{what}: edits {:?} and {:?} overlap",
            pair[0], pair[1]
        ));
    }
    if failures.len() > known {
        return;
    }
    let patched = analysis::patches::apply_edits(text, edits);
    if only_adds_comment_text(text, edits, &patched) {
        // Comment text cannot change what the code means; on broken code tree-sitter's
        // error recovery may still count errors differently around it.
        return;
    }
    let errors_after = syntax_error_count(&patched);
    if errors_after > errors_before {
        failures.push(format!(
            "{what}: the patched text has {errors_after} syntax errors, the original {errors_before}"
        ));
    }
}

/// Patches checked, over all cases (for the summary line).
static PATCHES_CHECKED: AtomicUsize = AtomicUsize::new(0);

/// The patch engine on `path`: code actions on up to three findings, and fix-all.
fn check_patches(host: &AnalysisHost, path: &Path, rng: &mut Rng, failures: &mut Vec<String>) {
    let analysis = host.analysis();
    let file = analysis.file_id(path).expect("the file is known");
    let text = analysis.file_text(file);
    let diagnostics = analysis.diagnostics(file).expect("no writer runs");
    let errors_before = syntax_error_count(&text);
    let mut ranges: Vec<TextRange> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.rule != "syntax-error")
        .map(|diagnostic| diagnostic.range)
        .collect();
    while ranges.len() > 3 {
        ranges.swap_remove(rng.below(ranges.len()));
    }
    for range in ranges {
        for fix in analysis.fixes(file, range).expect("no writer runs") {
            PATCHES_CHECKED.fetch_add(1, Ordering::Relaxed);
            for file_edits in &fix.edits {
                let what = format!("fix {} ({}) on {:?}", fix.fix_id, fix.rule, range);
                if !file_edits.path.starts_with("/fuzz") {
                    failures.push(format!(
                        "{what}: edits {} outside the workspace",
                        file_edits.path.display()
                    ));
                } else if file_edits.path.as_ref() == path {
                    check_edits(&text, &file_edits.edits, errors_before, &what, failures);
                }
            }
        }
    }
    let edits = analysis.fix_all(file, true).expect("no writer runs");
    if !edits.is_empty() {
        PATCHES_CHECKED.fetch_add(1, Ordering::Relaxed);
    }
    check_edits(&text, &edits, errors_before, "fix-all", failures);
}

fn run_case(seed: u64, corpus: &[(PathBuf, String)]) -> Vec<String> {
    let mut rng = Rng(seed);
    let path = PathBuf::from("/fuzz/case.py");
    let mut text = generate(&mut rng, corpus);
    let mut failures = Vec::new();
    let mut host = AnalysisHost::new();
    let mut change = Change::default();
    change.set_file(path.clone(), text.clone());
    change.set_file(
        PathBuf::from("/fuzz/user.py"),
        "from case import *\nimport case\ncase.x\n",
    );
    host.apply_change(change);
    let probes: Vec<usize> = (0..4).map(|_| rng.below(text.len() + 1)).collect();
    analyse(&host, &path, &probes, &mut failures);
    for _ in 0..1 + rng.below(4) {
        // An edit in place: the tree is edited and reparsed incrementally.
        let start = boundary(&text, rng.below(text.len() + 1));
        let end = boundary(&text, start + rng.below(80));
        let insert = if rng.below(3) == 0 {
            nested(&mut rng).chars().take(400).collect()
        } else {
            TOKENS[rng.below(TOKENS.len())].to_owned()
        };
        let range = TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32));
        text.replace_range(start..end, &insert);
        let mut change = Change::default();
        change.edit_file(path.clone(), vec![TextEdit::replace(range, insert)]);
        host.apply_change(change);
        let incremental = analyse(&host, &path, &probes, &mut failures);
        let analysed_text = host
            .analysis()
            .file_text(host.analysis().file_id(&path).expect("known"));
        if *analysed_text != *text {
            failures.push("the edited text differs from the expected one".to_owned());
            break;
        }
        // The same text from scratch must give the same answers.
        let mut fresh = AnalysisHost::new();
        let mut change = Change::default();
        change.set_file(path.clone(), text.clone());
        change.set_file(
            PathBuf::from("/fuzz/user.py"),
            "from case import *\nimport case\ncase.x\n",
        );
        fresh.apply_change(change);
        let from_scratch = analyse(&fresh, &path, &probes, &mut failures);
        if incremental != from_scratch {
            let first = incremental
                .iter()
                .zip(&from_scratch)
                .find(|(left, right)| left != right)
                .map(|(left, right)| format!("{left:.200} / {right:.200}"))
                .unwrap_or_else(|| {
                    format!("{} vs {} answers", incremental.len(), from_scratch.len())
                });
            failures.push(format!("incremental and fresh analyses differ: {first}"));
            break;
        }
    }
    check_patches(&host, &path, &mut rng, &mut failures);
    failures
}

#[test]
fn arbitrary_inputs_never_panic_and_keep_ranges_inside_the_text() {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let cases = number("REMEDY_PIPELINE_CASES", 160);
    let first_seed = number("REMEDY_PIPELINE_SEED", 1);
    let budget = Duration::from_secs(number("REMEDY_PIPELINE_SECONDS", 45));
    let corpus = corpus();
    let started = Instant::now();
    let mut ran = 0;
    let mut failures = Vec::new();
    for seed in first_seed..first_seed + cases {
        if started.elapsed() > budget {
            break;
        }
        // The server and `remedy check` run the analysis on 16 MiB stacks; so does this.
        let outcome = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(16 * 1024 * 1024)
                .spawn_scoped(scope, || run_case(seed, &corpus))
                .expect("start a case thread")
                .join()
        });
        match outcome {
            Ok(problems) => {
                for problem in problems.into_iter().take(3) {
                    failures.push(format!("seed {seed}: {problem}"));
                }
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("seed {seed}: panicked: {message}"));
            }
        }
        ran += 1;
    }
    eprintln!(
        "pipeline fuzz: {ran} cases from seed {first_seed} in {:?}, {} patches checked",
        started.elapsed(),
        PATCHES_CHECKED.load(Ordering::Relaxed)
    );
    assert!(ran > 0, "no case ran");
    assert!(
        failures.is_empty(),
        "{} failures (replay: REMEDY_PIPELINE_SEED=<seed> REMEDY_PIPELINE_CASES=1):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
