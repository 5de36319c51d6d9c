//! Randomized sessions against a real `remedy lsp` over stdio, seeded and replayable.
//!
//! Each session starts the server on a fresh workspace (a symlink loop, a dangling link,
//! a file of invalid UTF-8, logging fake `python` interpreters in `.venv/bin` and first
//! on `PATH`), opens one document (real standard-library source or a pathological file:
//! 5,000 nested parentheses, 200 nested `if`s, a 100,000-line file, a 1 MB line, astral
//! characters and ZWJ sequences, U+2028, mixed line ends with form feeds, NUL bytes, a
//! 20,000-term `x + x + ...` chain, an empty file) and takes random steps: incremental
//! edits (valid, past the end of a line, and undefined ones followed by a full resync:
//! past the end of the file, reversed, inside a surrogate pair), several changes in one
//! notification, deleting everything, pasting garbage and Python tokens; hover,
//! definition, code actions, document symbols and pulled diagnostics at random and
//! invalid positions; `$/cancelRequest`; malformed frames; files deleted while open.
//!
//! A session whose document is over the analysis limits (the 100,000-line file and the
//! 1 MB line) keeps it over them: its edits replace at most a few hundred bytes and it
//! never deletes everything. Instead it sometimes pauses until the server has analysed
//! the latest text in the background (the `analysis-limited` note arrives with that
//! version's diagnostics), then asks about it, so the huge texts are parsed, indexed
//! and searched for syntax errors between edits, and answered from. At the small scale
//! the server's limits are lowered (`REMEDY_FULL_ANALYSIS_MAX_BYTES`, `..._LINES`) so
//! that the files of a tenth of the size take that path too.
//!
//! What must hold, checked as the session runs and at its end:
//! - the server stays alive and writes nothing but frames on stdout;
//! - every request with a readable id gets exactly one response within 5 s (malformed
//!   frames without one get none, and the session goes on);
//! - no internal error, no panic text on stderr;
//! - every returned range lies inside the document as the client knew it between the
//!   request and its response;
//! - no workspace edit points outside the workspace, no interpreter runs, the server
//!   writes no file;
//! - at the end, the fuzzed document answers document symbols, diagnostics and hovers
//!   exactly as a fresh document opened with the client's text: the server's text is
//!   the client's;
//! - peak memory (the process's `VmHWM`) stays under the bound;
//! - a paused session's analysis completes within [`ANALYSIS_WAIT`], and a campaign with
//!   sessions over the limits completes at least one such analysis per session.
//!
//! `cargo test` runs a bounded campaign (small pathological files, a few minutes in a
//! debug build). Environment variables change it:
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `REMEDY_FUZZ_SEEDS` | campaigns, comma-separated seeds | `1` |
//! | `REMEDY_FUZZ_SESSIONS` | sessions per campaign (odd ones cycle through the 9 pathological kinds) | `18` |
//! | `REMEDY_FUZZ_STEPS` | steps per campaign, spread over its sessions | `1800` |
//! | `REMEDY_FUZZ_SCALE` | `full` for the issue's sizes, `small` for a tenth | `small` |
//! | `REMEDY_FUZZ_ONLY_SESSION` | replay one session of each campaign | all |
//! | `REMEDY_FUZZ_MAX_RSS_MB` | peak memory bound per session | `300` |
//!
//! The long run (README, "Robustness"): three campaigns of 10,000 steps at full scale,
//! `REMEDY_FUZZ_SEEDS=1,2,3 REMEDY_FUZZ_STEPS=10000 REMEDY_FUZZ_SESSIONS=20
//! REMEDY_FUZZ_SCALE=full cargo test --release -p remedy --test e2e_session_fuzz -- --nocapture`.

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use support::{LspClient, frame};

/// How long a request may wait for its response.
const DEADLINE: Duration = Duration::from_secs(5);
/// At most this many well-formed requests are in flight.
const MAX_IN_FLIGHT: usize = 8;
/// How often the end-of-session check asks both documents before reporting a divergence.
const CONVERGENCE_ATTEMPTS: usize = 20;
/// How long a pause waits for the background analysis of a document over the limits.
const ANALYSIS_WAIT: Duration = Duration::from_secs(30);
/// The longest span an edit of a document over the limits replaces, in bytes.
const HUGE_EDIT_SPAN: usize = 256;
/// The analysis limits (bytes, lines) the server gets at the small scale: the small
/// 10,000-line file (190 KB) and the 100 KB line are over them; the 200 nested `if`s
/// (82 KB) and most standard-library modules are not.
const SMALL_SCALE_LIMITS: (usize, usize) = (90 * 1024, 5_000);
/// The server's own limits (`analysis::limits`), at full scale.
const FULL_SCALE_LIMITS: (usize, usize) = (512 * 1024, 30_000);

const INTERNAL_ERROR: i64 = -32603;

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Config {
    seeds: Vec<u64>,
    sessions: usize,
    steps: usize,
    full_scale: bool,
    only_session: Option<usize>,
    max_rss_mb: f64,
}

impl Config {
    fn from_env() -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let number = |name: &str, default: usize| {
            var(name)
                .map(|value| {
                    value
                        .parse()
                        .unwrap_or_else(|_| panic!("{name}={value}: not a number"))
                })
                .unwrap_or(default)
        };
        Config {
            seeds: var("REMEDY_FUZZ_SEEDS")
                .map(|seeds| {
                    seeds
                        .split(',')
                        .map(|seed| seed.trim().parse().expect("REMEDY_FUZZ_SEEDS: numbers"))
                        .collect()
                })
                .unwrap_or_else(|| vec![1]),
            sessions: number("REMEDY_FUZZ_SESSIONS", 18).max(1),
            steps: number("REMEDY_FUZZ_STEPS", 1800),
            full_scale: var("REMEDY_FUZZ_SCALE").is_some_and(|scale| scale == "full"),
            only_session: var("REMEDY_FUZZ_ONLY_SESSION")
                .map(|value| value.parse().expect("REMEDY_FUZZ_ONLY_SESSION: a number")),
            max_rss_mb: number("REMEDY_FUZZ_MAX_RSS_MB", 300) as f64,
        }
    }

    /// The analysis limits (bytes, lines) of the server under test.
    fn analysis_limits(&self) -> (usize, usize) {
        if self.full_scale {
            FULL_SCALE_LIMITS
        } else {
            SMALL_SCALE_LIMITS
        }
    }
}

// ---------------------------------------------------------------------------
// A small deterministic generator (SplitMix64): sessions replay from their seed.
// ---------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next_u64() % bound as u64) as usize
        }
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// Seed documents
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SeedKind {
    Stdlib,
    DeepParens,
    NestedIfs,
    HundredThousandLines,
    MegabyteLine,
    Unicode,
    LineEndMix,
    NulBytes,
    LongChain,
    Empty,
}

const PATHOLOGICAL: &[SeedKind] = &[
    SeedKind::DeepParens,
    SeedKind::NestedIfs,
    SeedKind::HundredThousandLines,
    SeedKind::MegabyteLine,
    SeedKind::Unicode,
    SeedKind::LineEndMix,
    SeedKind::NulBytes,
    SeedKind::LongChain,
    SeedKind::Empty,
];

/// Session `index` alternates real code and pathological files.
fn seed_kind(index: usize) -> SeedKind {
    if index.is_multiple_of(2) {
        SeedKind::Stdlib
    } else {
        PATHOLOGICAL[(index / 2) % PATHOLOGICAL.len()]
    }
}

const TRICKY: &[&str] = &[
    "\u{1F600}",
    "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}",
    "\u{1D518}",
    "e\u{0301}",
    "\u{2028}",
    "\u{2029}",
    "\u{0085}",
    "\u{FEFF}",
    "\u{200B}",
    "\u{202E}",
    "\u{0000}",
    "\u{000C}",
    "\r",
    "\r\n",
    "\t",
    "\u{10FFFF}",
    "\u{3042}\u{3044}",
    "\u{05D0}\u{05D1}",
];

const TOKENS: &[&str] = &[
    "def ",
    "class ",
    "return ",
    "if ",
    "elif ",
    "else:",
    "for ",
    " in ",
    "while ",
    "try:",
    "except ",
    "finally:",
    "with ",
    " as ",
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
    "None",
    "True",
    "self",
    "x",
    "y",
    "cfg",
    "os",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    ";",
    " = ",
    " == ",
    " + ",
    "*",
    "**",
    "->",
    ":=",
    "...",
    "'s'",
    "\"d\"",
    "f'{x}'",
    "b'\\x00'",
    "\"\"\"",
    "'''",
    "#",
    "# c",
    "0",
    "1.5",
    "1e309",
    "\\",
    "\n",
    "\n    ",
    "\n\t",
    "    ",
    "@dec\n",
    "cfg['port']",
    "x.attr",
];

fn scaled(config: &Config, full: usize) -> usize {
    if config.full_scale {
        full
    } else {
        (full / 10).max(1)
    }
}

fn generate(kind: SeedKind, rng: &mut Rng, config: &Config, stdlib: &[PathBuf]) -> String {
    match kind {
        SeedKind::Stdlib => match stdlib.get(rng.below(stdlib.len())) {
            Some(path) => {
                let bytes = std::fs::read(path).unwrap_or_default();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            None => "import os\n\ndef f(a):\n    return os.path.join(a, 'x')\n".to_owned(),
        },
        SeedKind::DeepParens => {
            let depth = 5_000;
            format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth))
        }
        SeedKind::NestedIfs => {
            let mut text = String::new();
            for level in 0..200 {
                text.push_str(&"    ".repeat(level));
                text.push_str(&format!("if x{level}:\n"));
            }
            text.push_str(&"    ".repeat(200));
            text.push_str("pass\n");
            text
        }
        SeedKind::HundredThousandLines => {
            let lines = scaled(config, 100_000);
            let mut text = String::with_capacity(lines * 20);
            text.push_str("import os\n");
            for line in 0..lines.saturating_sub(1) {
                match line % 1000 {
                    0 => text.push_str(&format!("def f{line}(a, b=1):\n")),
                    999 => text.push_str("    return a\n"),
                    _ => text.push_str(&format!("    v{} = a + {line}\n", line % 97)),
                }
            }
            text
        }
        SeedKind::MegabyteLine => {
            let items = scaled(config, 1_000_000) / 3;
            format!("data = [{}]\nprint(data)\n", vec!["1"; items].join(", "))
        }
        SeedKind::Unicode => {
            let mut text = String::from("# -*- coding: utf-8 -*-\n");
            for line in 0..300 {
                let tricky = rng.pick(TRICKY);
                match rng.below(4) {
                    0 => text.push_str(&format!("s{line} = '{}'  # {tricky}\n", tricky.repeat(3))),
                    1 => text.push_str(&format!("\u{e9}t\u{e9}{line} = {line}  # {tricky}\n")),
                    2 => text.push_str(&format!(
                        "def f\u{3bb}{line}(x='{tricky}'):\n    return x + \"\u{2028}\"\n"
                    )),
                    _ => text.push_str(&format!(
                        "x{line} = '\u{1F600}' * {line}; y{line} = x{line}\n"
                    )),
                }
            }
            text
        }
        SeedKind::LineEndMix => {
            let ends = ["\n", "\r\n", "\r"];
            let indents = ["", "    ", "\t", "  \t", "\u{c}"];
            let mut text = String::new();
            for line in 0..400 {
                let indent: &str = rng.pick(&indents);
                text.push_str(indent);
                text.push_str(&format!("x{line} = {line}{}", rng.pick(&ends)));
                if line % 20 == 0 {
                    text.push_str(&format!(
                        "def g{line}():{}\treturn {line}{}",
                        rng.pick(&ends),
                        rng.pick(&ends)
                    ));
                }
            }
            text
        }
        SeedKind::NulBytes => {
            let mut text = String::new();
            for line in 0..300 {
                match line % 3 {
                    0 => text.push_str(&format!("a{line} = 'x\0y'\n")),
                    1 => text.push_str(&format!("\0b{line} = {line}\n")),
                    _ => text.push_str(&format!("def h{line}(\0):\n    pass\n")),
                }
            }
            text
        }
        SeedKind::LongChain => {
            let terms = scaled(config, 20_000);
            format!("y = {}\n", vec!["x"; terms].join(" + "))
        }
        SeedKind::Empty => String::new(),
    }
}

/// Real Python: the interpreter's standard library when one is installed (found by
/// looking in the usual folders: the test runs no interpreter), else the project's
/// own test workspaces.
fn stdlib_files() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for base in ["/usr/lib", "/usr/local/lib", "/opt/python/lib"] {
        if let Ok(entries) = std::fs::read_dir(base) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("python3") {
                    roots.push(entry.path());
                }
            }
        }
    }
    roots.sort();
    let mut files = Vec::new();
    for root in &roots {
        if let Ok(entries) = std::fs::read_dir(root) {
            for entry in entries.flatten() {
                let path = entry.path();
                let size = entry.metadata().map_or(0, |metadata| metadata.len());
                if path.extension().is_some_and(|extension| extension == "py")
                    && (500..=150_000).contains(&size)
                {
                    files.push(path);
                }
            }
        }
    }
    if files.is_empty() {
        let workspaces = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-workspaces");
        let mut stack = vec![workspaces];
        while let Some(folder) = stack.pop() {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                let path = entry.path();
                if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                    stack.push(path);
                } else if path.extension().is_some_and(|extension| extension == "py") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// The client's copy of a document, addressed in UTF-16 code units
// ---------------------------------------------------------------------------

/// One line: its byte range in the text (without the terminator) and its UTF-16 length.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    utf16: u32,
}

/// Lines split as LSP counts them: `\n`, `\r\n` and a lone `\r`.
fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        let terminator = match bytes[at] {
            b'\n' => 1,
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => 2,
            b'\r' => 1,
            _ => 0,
        };
        if terminator > 0 {
            lines.push(Line {
                start,
                end: at,
                utf16: text[start..at].encode_utf16().count() as u32,
            });
            at += terminator;
            start = at;
        } else {
            at += 1;
        }
    }
    lines.push(Line {
        start,
        end: text.len(),
        utf16: text[start..].encode_utf16().count() as u32,
    });
    lines
}

/// The UTF-16 line lengths of one version of a document: what ranges are checked against.
type Shape = Arc<Vec<u32>>;

/// Whether `range` lies inside one of `versions` (the document's shapes from a request
/// to its answer) with its ends in order. `None` stands for the server's text after a
/// change whose outcome the specification leaves open (see `Session::edit_undefined`):
/// the client does not know that text, so any ordered range may belong to it.
fn fits_some_version(versions: &[Option<Shape>], range: &Value) -> bool {
    is_ordered(range)
        && versions.iter().any(|version| match version {
            Some(shape) => is_inside(shape, &range["start"]) && is_inside(shape, &range["end"]),
            None => true,
        })
}

struct Document {
    uri: String,
    path: PathBuf,
    text: String,
    lines: Vec<Line>,
    version: i32,
}

/// Where a position lands in the client's text.
enum Landing {
    /// A byte offset (a character past the end of its line clamps to the line's end, as
    /// the specification says).
    Offset(usize),
    /// The specification leaves the outcome open: a line past the end, the middle of a
    /// surrogate pair.
    Undefined,
}

impl Document {
    fn new(uri: String, path: PathBuf, text: String) -> Document {
        let lines = split_lines(&text);
        Document {
            uri,
            path,
            text,
            lines,
            version: 0,
        }
    }

    fn shape(&self) -> Shape {
        Arc::new(self.lines.iter().map(|line| line.utf16).collect())
    }

    fn set_text(&mut self, text: String) {
        self.lines = split_lines(&text);
        self.text = text;
    }

    fn land(&self, line: u32, character: u32) -> Landing {
        let Some(info) = self.lines.get(line as usize) else {
            return Landing::Undefined;
        };
        let mut units = 0u32;
        for (index, ch) in self.text[info.start..info.end].char_indices() {
            if units == character {
                return Landing::Offset(info.start + index);
            }
            units += ch.len_utf16() as u32;
            if units > character {
                return Landing::Undefined;
            }
        }
        Landing::Offset(info.end)
    }

    /// A valid position (never inside a surrogate pair), past-end-of-line positions
    /// sometimes.
    fn random_position(&self, rng: &mut Rng, past_end_of_line: bool) -> (u32, u32) {
        let line = rng.below(self.lines.len()) as u32;
        let info = self.lines[line as usize];
        if past_end_of_line {
            return (line, info.utf16 + 1 + rng.below(40) as u32);
        }
        let content = &self.text[info.start..info.end];
        // Pick a character boundary (cheaply on long lines: a random byte moved back).
        let mut byte = rng.below(content.len() + 1);
        while !content.is_char_boundary(byte) {
            byte -= 1;
        }
        (line, content[..byte].encode_utf16().count() as u32)
    }

    /// A position inside a surrogate pair, when the document has an astral character.
    fn surrogate_position(&self, rng: &mut Rng) -> Option<(u32, u32)> {
        let start = rng.below(self.text.len() + 1);
        let found = self.text.get(start..).and_then(|rest| {
            rest.char_indices()
                .take(20_000)
                .find(|(_, ch)| ch.len_utf16() == 2)
                .map(|(offset, _)| start + offset)
        })?;
        let line = self.lines.partition_point(|line| line.start <= found) - 1;
        let info = self.lines[line];
        let units = self.text[info.start..found].encode_utf16().count() as u32;
        Some((line as u32, units + 1))
    }

    fn end_position(&self) -> (u32, u32) {
        let last = self.lines.len() - 1;
        (last as u32, self.lines[last].utf16)
    }
}

fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": position(start.0, start.1), "end": position(end.0, end.1)})
}

fn random_insert(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..1 + rng.below(6) {
        match rng.below(10) {
            0..=5 => {
                let token: &str = rng.pick(TOKENS);
                text.push_str(token);
            }
            6 | 7 => {
                let tricky: &str = rng.pick(TRICKY);
                text.push_str(tricky);
            }
            8 => {
                for _ in 0..rng.below(20) {
                    let byte = 0x20 + rng.below(0x5f) as u8;
                    text.push(byte as char);
                }
            }
            _ => text.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{FFFD}')),
        }
    }
    text
}

// ---------------------------------------------------------------------------
// Checking responses
// ---------------------------------------------------------------------------

#[derive(Default, Debug)]
struct Findings {
    crashes: Vec<String>,
    hangs: Vec<String>,
    duplicates: Vec<String>,
    unexpected_ids: Vec<String>,
    internal_errors: Vec<String>,
    panic_text: Vec<String>,
    bad_ranges: Vec<String>,
    outside_workspace: Vec<String>,
    divergences: Vec<String>,
    security: Vec<String>,
    protocol: Vec<String>,
    memory: Vec<String>,
    /// Background analyses of a document over the limits that never completed.
    stalled_analyses: Vec<String>,
}

impl Findings {
    fn count(&self) -> usize {
        self.crashes.len()
            + self.hangs.len()
            + self.duplicates.len()
            + self.unexpected_ids.len()
            + self.internal_errors.len()
            + self.panic_text.len()
            + self.bad_ranges.len()
            + self.outside_workspace.len()
            + self.divergences.len()
            + self.security.len()
            + self.protocol.len()
            + self.memory.len()
            + self.stalled_analyses.len()
    }
}

fn is_inside(shape: &[u32], position: &Value) -> bool {
    let (Some(line), Some(character)) = (
        position.get("line").and_then(Value::as_u64),
        position.get("character").and_then(Value::as_u64),
    ) else {
        return false;
    };
    shape
        .get(line as usize)
        .is_some_and(|&length| character <= u64::from(length))
}

fn is_ordered(range: &Value) -> bool {
    let key = |position: &Value| {
        (
            position
                .get("line")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX),
            position
                .get("character")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX),
        )
    };
    key(&range["start"]) <= key(&range["end"])
}

/// Every `range`/`selectionRange` in `value` that belongs to `uri` (a value without its
/// own `uri` belongs to the request's document).
fn collect_ranges<'v>(value: &'v Value, uri: &str, owner: &str, out: &mut Vec<&'v Value>) {
    match value {
        Value::Object(object) => {
            let owner = object
                .get("uri")
                .or_else(|| object.get("targetUri"))
                .and_then(Value::as_str)
                .unwrap_or(owner);
            for (key, item) in object {
                let is_range = matches!(
                    key.as_str(),
                    "range" | "selectionRange" | "targetRange" | "targetSelectionRange"
                ) && item.get("start").is_some();
                if is_range && owner == uri {
                    out.push(item);
                } else if key != "relatedInformation" {
                    collect_ranges(item, uri, owner, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_ranges(item, uri, owner, out);
            }
        }
        _ => {}
    }
}

/// Every URI a workspace edit touches: `changes` keys, text document edits and the
/// create, rename and delete operations of `documentChanges`.
fn edited_uris(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(changes) = object.get("changes").and_then(Value::as_object) {
                out.extend(changes.keys().cloned());
            }
            if object.contains_key("edits")
                && let Some(uri) = object
                    .get("textDocument")
                    .and_then(|document| document.get("uri"))
                    .and_then(Value::as_str)
            {
                out.push(uri.to_owned());
            }
            if matches!(
                object.get("kind").and_then(Value::as_str),
                Some("create" | "rename" | "delete")
            ) {
                for key in ["uri", "oldUri", "newUri"] {
                    if let Some(uri) = object.get(key).and_then(Value::as_str) {
                        out.push(uri.to_owned());
                    }
                }
            }
            for item in object.values() {
                edited_uris(item, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                edited_uris(item, out);
            }
        }
        _ => {}
    }
}

fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// The peak resident memory of a process, from `/proc` (Linux only; 0 elsewhere).
fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kilobytes| kilobytes.parse::<f64>().ok())
        })
        .map_or(0.0, |kilobytes| kilobytes / 1024.0)
}

// ---------------------------------------------------------------------------
// One session
// ---------------------------------------------------------------------------

struct Pending {
    method: String,
    sent: Instant,
    /// Index of the first document version the answer may refer to (see `shapes`).
    first_shape: usize,
    uri: String,
    /// Normal requests count for latency; malformed ones only for "exactly one answer".
    normal: bool,
    /// Changes of the fuzzed document sent before the request, and requests in flight.
    changes_before: usize,
    in_flight: usize,
}

#[derive(Default)]
struct SessionReport {
    steps: usize,
    requests: usize,
    malformed: usize,
    cancels: usize,
    latencies_ms: Vec<f64>,
    /// Answers with a non-null result: the session asked things the server could answer.
    results: usize,
    errors_by_code: BTreeMap<i64, usize>,
    peak_rss_mb: f64,
    /// The peak after the end-of-session check too (informative).
    check_peak_rss_mb: f64,
    /// Whether the session's document started over the analysis limits.
    over_limits: bool,
    /// Complete background analyses of the fuzzed document over the limits: diagnostics
    /// pushed with the `analysis-limited` note.
    limited_analyses: usize,
    /// Pauses that waited for such an analysis of the latest version.
    pauses: usize,
    /// The slowest answers, with what was going on (printed, to find where time goes).
    slowest: Vec<(f64, String)>,
    findings: Findings,
}

struct Session {
    rng: Rng,
    client: LspClient,
    workspace: PathBuf,
    canary_log: PathBuf,
    doc: Document,
    /// Versions of the document's shape since the oldest pending request (`None`: the
    /// server's text after an undefined change, unknown; see [`fits_some_version`]).
    shapes: Vec<Option<Shape>>,
    shapes_base: usize,
    pending: HashMap<i64, Pending>,
    answered: HashSet<i64>,
    /// Requests already counted as hangs: their late answer is not a second one.
    timed_out: HashSet<i64>,
    next_id: i64,
    report: SessionReport,
    extra_documents: Vec<Document>,
    files_before: Vec<PathBuf>,
    /// The server's analysis limits (bytes, lines).
    limits: (usize, usize),
    /// The version of the fuzzed document's last change, as sent (a stale one too).
    last_sent_version: i32,
    /// How many changes of the fuzzed document were sent.
    changes_sent: usize,
    /// The latest version of the fuzzed document whose diagnostics carried the
    /// `analysis-limited` note: its background analysis completed.
    analysed_version: Option<i32>,
}

impl Session {
    /// Whether the fuzzed document's text is over the server's analysis limits.
    fn is_over_limits(&self) -> bool {
        is_over_analysis_limits(&self.doc.text, self.limits)
    }

    fn shape_index(&self) -> usize {
        self.shapes_base + self.shapes.len() - 1
    }

    fn push_shape(&mut self) {
        self.push_version(Some(self.doc.shape()));
    }

    /// Records a version of the server's text that the client does not know: what the
    /// server made of a change whose outcome is undefined, until the client sends its
    /// whole text again. A request in flight may be answered from it (its snapshot is
    /// taken when a blocking thread runs it, after the edits that arrived meanwhile).
    fn push_unknown_version(&mut self) {
        self.push_version(None);
    }

    fn push_version(&mut self, shape: Option<Shape>) {
        self.shapes.push(shape);
        // Forget the versions no pending request can refer to.
        let oldest = self
            .pending
            .values()
            .map(|pending| pending.first_shape)
            .min()
            .unwrap_or(usize::MAX)
            .min(self.shape_index());
        while self.shapes_base < oldest && self.shapes.len() > 1 {
            self.shapes.remove(0);
            self.shapes_base += 1;
        }
    }

    fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.client.send_raw(&frame(body.to_string().as_bytes()));
        self.pending.insert(
            id,
            Pending {
                method: method.to_owned(),
                sent: Instant::now(),
                first_shape: self.shape_index(),
                uri: self.doc.uri.clone(),
                normal: true,
                changes_before: self.changes_sent,
                in_flight: self.pending.len(),
            },
        );
        self.report.requests += 1;
        id
    }

    /// A frame whose id the server can read: it owes exactly one answer. Its ranges
    /// are checked when `uri` is the fuzzed document's.
    fn send_malformed_with_id(&mut self, id: i64, body: &[u8], uri: &str) {
        self.client.send_raw(&frame(body));
        self.pending.insert(
            id,
            Pending {
                method: "malformed".to_owned(),
                sent: Instant::now(),
                first_shape: self.shape_index(),
                uri: uri.to_owned(),
                normal: false,
                changes_before: self.changes_sent,
                in_flight: self.pending.len(),
            },
        );
        self.report.malformed += 1;
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.client.send_raw(&frame(body.to_string().as_bytes()));
    }

    fn did_change(&mut self, changes: Vec<Value>) {
        self.send_change(changes);
        self.push_shape();
    }

    /// A change whose outcome the specification leaves open: the server's text is unknown
    /// until the client sends its whole text again.
    fn did_change_undefined(&mut self, changes: Vec<Value>) {
        self.send_change(changes);
        self.push_unknown_version();
    }

    fn send_change(&mut self, changes: Vec<Value>) {
        self.doc.version += 1;
        self.last_sent_version = self.doc.version;
        self.changes_sent += 1;
        let params = json!({
            "textDocument": {"uri": self.doc.uri, "version": self.doc.version},
            "contentChanges": changes,
        });
        self.notify("textDocument/didChange", params);
    }

    /// Handles one message from the server.
    fn receive(&mut self, message: Value) {
        if let Some(method) = message.get("method") {
            // Server-to-client requests are answered by the support client; notifications
            // (progress, logs) carry nothing to check, but the fuzzed document's
            // diagnostics tell which of its versions over the limits were analysed.
            let params = &message["params"];
            if method == "textDocument/publishDiagnostics"
                && params["uri"].as_str() == Some(self.doc.uri.as_str())
                && params["diagnostics"]
                    .to_string()
                    .contains("analysis-limited")
            {
                self.report.limited_analyses += 1;
                if let Some(version) = params["version"].as_i64() {
                    self.analysed_version = Some(version as i32);
                }
            }
            return;
        }
        let Some(id) = message.get("id").and_then(Value::as_i64) else {
            // `id: null` answers a frame whose id could not be read: allowed, not owed.
            if !message.get("id").is_some_and(Value::is_null) {
                self.report
                    .findings
                    .unexpected_ids
                    .push(format!("a response with an unexpected id: {message:.200}"));
            }
            return;
        };
        let Some(pending) = self.pending.remove(&id) else {
            if self.timed_out.remove(&id) {
                // Late, already counted as a hang.
            } else if self.answered.contains(&id) {
                self.report
                    .findings
                    .duplicates
                    .push(format!("request {id} answered twice"));
            } else {
                self.report
                    .findings
                    .unexpected_ids
                    .push(format!("a response to unknown id {id}: {message:.200}"));
            }
            return;
        };
        self.answered.insert(id);
        let elapsed = pending.sent.elapsed();
        if elapsed > DEADLINE {
            self.report.findings.hangs.push(format!(
                "{} (id {id}) answered after {elapsed:?}",
                pending.method
            ));
        }
        if pending.normal {
            let ms = elapsed.as_secs_f64() * 1000.0;
            self.report.latencies_ms.push(ms);
            self.report.slowest.push((
                ms,
                format!(
                    "{} after step {}, {} changes sent meanwhile, {} in flight before",
                    pending.method,
                    self.report.steps,
                    self.changes_sent - pending.changes_before,
                    pending.in_flight
                ),
            ));
            self.report
                .slowest
                .sort_by(|left, right| right.0.total_cmp(&left.0));
            self.report.slowest.truncate(3);
        }
        if let Some(error) = message.get("error") {
            let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
            *self.report.errors_by_code.entry(code).or_default() += 1;
            let text = error.to_string();
            if code == INTERNAL_ERROR || text.contains("panicked") {
                self.report
                    .findings
                    .internal_errors
                    .push(format!("{} (id {id}): {text:.300}", pending.method));
            }
            return;
        }
        let result = message.get("result").cloned().unwrap_or(Value::Null);
        if !result.is_null() {
            self.report.results += 1;
        }
        // Ranges: inside some version of the document between the request and now.
        let mut ranges = Vec::new();
        collect_ranges(&result, &pending.uri, &pending.uri, &mut ranges);
        if pending.uri == self.doc.uri && !ranges.is_empty() {
            let first = pending.first_shape.max(self.shapes_base) - self.shapes_base;
            for found in ranges {
                if !fits_some_version(&self.shapes[first..], found) {
                    self.report.findings.bad_ranges.push(format!(
                        "{} (id {id}): range {found} outside the document",
                        pending.method
                    ));
                }
            }
        }
        // Workspace edits stay in the workspace.
        let mut uris = Vec::new();
        edited_uris(&result, &mut uris);
        let root = file_uri(&self.workspace);
        for uri in uris {
            if !uri.starts_with(&format!("{root}/")) {
                self.report
                    .findings
                    .outside_workspace
                    .push(format!("{}: an edit of {uri}", pending.method));
            }
        }
    }

    /// Takes every message that has arrived, then enforces the deadline.
    fn pump(&mut self, wait: Duration) {
        let until = Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.client.next_message(left.max(Duration::from_millis(1))) {
                Some(message) => self.receive(message),
                None => break,
            }
            if Instant::now() >= until && wait > Duration::ZERO {
                break;
            }
        }
        let late: Vec<i64> = self
            .pending
            .iter()
            .filter(|(_, pending)| pending.sent.elapsed() > DEADLINE)
            .map(|(id, _)| *id)
            .collect();
        for id in late {
            if let Some(pending) = self.pending.remove(&id) {
                self.timed_out.insert(id);
                self.report.findings.hangs.push(format!(
                    "{} (id {id}) unanswered after {DEADLINE:?}",
                    pending.method
                ));
            }
        }
    }

    fn normal_in_flight(&self) -> usize {
        self.pending
            .values()
            .filter(|pending| pending.normal)
            .count()
    }

    // ---- steps ------------------------------------------------------------------

    fn step(&mut self) {
        while self.normal_in_flight() >= MAX_IN_FLIGHT {
            self.pump(Duration::from_millis(50));
            if self.pending.values().all(|pending| !pending.normal) {
                break;
            }
            if !self.client.is_alive() {
                return;
            }
        }
        let over_limits = self.report.over_limits;
        match self.rng.below(100) {
            // A document over the limits stays over them, and is sometimes left alone
            // long enough for its analysis to complete.
            43 if over_limits => self.pause_for_analysis(),
            0..=29 => self.edit_valid(),
            30..=34 => self.edit_past_end_of_line(),
            35..=39 => self.edit_undefined(),
            40..=42 => self.edit_several(),
            43 => self.delete_everything(),
            44..=64 => self.request_at_random_position(),
            65..=69 => self.request_document(),
            70..=74 => self.cancel_something(),
            75..=86 => self.malformed(),
            87..=89 => self.file_event(),
            90..=93 => self.extra_document(),
            _ => self.burst(),
        }
        self.report.steps += 1;
        self.pump(Duration::ZERO);
    }

    fn edit_valid(&mut self) {
        let first = self.doc.random_position(&mut self.rng, false);
        let second = if self.rng.chance(50) {
            first
        } else {
            self.doc.random_position(&mut self.rng, false)
        };
        let (start, end) = if first <= second {
            (first, second)
        } else {
            (second, first)
        };
        let insert = if self.rng.chance(20) {
            String::new()
        } else {
            random_insert(&mut self.rng)
        };
        let end = self.bounded_span_end(start, end);
        self.apply_and_send(start, end, insert);
    }

    /// `end`, or `start` when the span would replace more than [`HUGE_EDIT_SPAN`] bytes of
    /// a document over the limits (a random span holds a third of the text on average).
    fn bounded_span_end(&self, start: (u32, u32), end: (u32, u32)) -> (u32, u32) {
        if !self.report.over_limits {
            return end;
        }
        match (self.doc.land(start.0, start.1), self.doc.land(end.0, end.1)) {
            (Landing::Offset(from), Landing::Offset(to)) if from.abs_diff(to) > HUGE_EDIT_SPAN => {
                start
            }
            _ => end,
        }
    }

    /// Waits until the server has analysed the latest version of a document over the
    /// limits (its diagnostics arrive with the `analysis-limited` note), then asks about
    /// it: answers computed from the huge tree, not the stale ones given while it edits.
    fn pause_for_analysis(&mut self) {
        if !self.is_over_limits() {
            return;
        }
        if !self.wait_for_analysis(ANALYSIS_WAIT) {
            return;
        }
        self.report.pauses += 1;
        for _ in 0..3 {
            self.request_at_random_position();
        }
        self.request_document();
    }

    /// Pumps messages until the diagnostics of the last version sent carry the
    /// `analysis-limited` note; a stalled analysis after `wait` is a finding.
    fn wait_for_analysis(&mut self, wait: Duration) -> bool {
        let version = self.last_sent_version;
        let until = Instant::now() + wait;
        while self.analysed_version != Some(version) {
            if Instant::now() >= until || !self.client.is_alive() {
                self.report.findings.stalled_analyses.push(format!(
                    "version {version} of a document over the limits ({} bytes) was not analysed within {wait:?}",
                    self.doc.text.len()
                ));
                return false;
            }
            self.pump(Duration::from_millis(50));
        }
        true
    }

    /// Applies a change with defined positions to the client's text and sends it.
    fn apply_and_send(&mut self, start: (u32, u32), end: (u32, u32), insert: String) {
        let (Landing::Offset(from), Landing::Offset(to)) =
            (self.doc.land(start.0, start.1), self.doc.land(end.0, end.1))
        else {
            return;
        };
        let (from, to) = (from.min(to), from.max(to));
        let mut text = std::mem::take(&mut self.doc.text);
        text.replace_range(from..to, &insert);
        self.doc.set_text(text);
        self.did_change(vec![json!({"range": range(start, end), "text": insert})]);
    }

    fn edit_past_end_of_line(&mut self) {
        let start = self.doc.random_position(&mut self.rng, true);
        let end = if self.rng.chance(50) {
            start
        } else {
            let line = start.0 + self.rng.below(2) as u32;
            let line = line.min(self.doc.lines.len() as u32 - 1);
            (
                line,
                self.doc.lines[line as usize].utf16 + 1 + self.rng.below(10) as u32,
            )
        };
        let (start, end) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        let insert = random_insert(&mut self.rng);
        let end = self.bounded_span_end(start, end);
        self.apply_and_send(start, end, insert);
    }

    /// An edit the specification leaves undefined, then the whole text again: whatever
    /// the server made of it, it must end up with the client's text.
    fn edit_undefined(&mut self) {
        let past_end = (self.doc.lines.len() as u32 + self.rng.below(5) as u32, 0);
        let (start, end) = match self.rng.below(4) {
            0 => (past_end, (past_end.0 + 1, 3)),
            1 => {
                let a = self.doc.random_position(&mut self.rng, false);
                let b = self.doc.random_position(&mut self.rng, false);
                if a == b {
                    (past_end, past_end)
                } else {
                    (a.max(b), a.min(b))
                }
            }
            2 => match self.doc.surrogate_position(&mut self.rng) {
                Some(inside) => (inside, inside),
                None => (past_end, past_end),
            },
            _ => ((0, 0), (i32::MAX as u32, i32::MAX as u32)),
        };
        let insert = random_insert(&mut self.rng);
        self.did_change_undefined(vec![json!({"range": range(start, end), "text": insert})]);
        let text = self.doc.text.clone();
        self.did_change(vec![json!({"text": text})]);
    }

    fn edit_several(&mut self) {
        let mut changes = Vec::new();
        for _ in 0..2 + self.rng.below(4) {
            let past_end_of_line = self.rng.chance(20);
            let first = self.doc.random_position(&mut self.rng, past_end_of_line);
            let second = self.doc.random_position(&mut self.rng, false);
            let (start, end) = if first <= second {
                (first, second)
            } else {
                (second, first)
            };
            let insert = random_insert(&mut self.rng);
            let end = self.bounded_span_end(start, end);
            let (Landing::Offset(from), Landing::Offset(to)) =
                (self.doc.land(start.0, start.1), self.doc.land(end.0, end.1))
            else {
                continue;
            };
            let (from, to) = (from.min(to), from.max(to));
            let mut text = std::mem::take(&mut self.doc.text);
            text.replace_range(from..to, &insert);
            self.doc.set_text(text);
            changes.push(json!({"range": range(start, end), "text": insert}));
        }
        if self.rng.chance(20) {
            // A full replacement in the middle of a batch discards what came before it.
            let text = format!("{}\n# resynced\n", self.doc.text);
            self.doc.set_text(text.clone());
            changes.push(json!({"text": text}));
        }
        self.did_change(changes);
    }

    fn delete_everything(&mut self) {
        let end = self.doc.end_position();
        let insert = if self.rng.chance(50) {
            String::new()
        } else {
            random_insert(&mut self.rng)
        };
        self.apply_and_send((0, 0), end, insert);
    }

    fn random_request_position(&mut self) -> (u32, u32) {
        match self.rng.below(10) {
            0 => self.doc.random_position(&mut self.rng, true),
            1 => (
                self.doc.lines.len() as u32 + self.rng.below(100) as u32,
                self.rng.below(5) as u32,
            ),
            2 => (i32::MAX as u32, i32::MAX as u32),
            3 => self.doc.surrogate_position(&mut self.rng).unwrap_or((0, 0)),
            _ => self.doc.random_position(&mut self.rng, false),
        }
    }

    fn request_at_random_position(&mut self) {
        let at = self.random_request_position();
        let document = json!({"uri": self.doc.uri});
        match self.rng.below(3) {
            0 => {
                self.send_request(
                    "textDocument/hover",
                    json!({"textDocument": document, "position": position(at.0, at.1)}),
                );
            }
            1 => {
                self.send_request(
                    "textDocument/definition",
                    json!({"textDocument": document, "position": position(at.0, at.1)}),
                );
            }
            _ => {
                let other = self.random_request_position();
                let (start, end) = if at <= other {
                    (at, other)
                } else {
                    (other, at)
                };
                self.send_request(
                    "textDocument/codeAction",
                    json!({
                        "textDocument": document,
                        "range": range(start, end),
                        "context": {"diagnostics": []},
                    }),
                );
            }
        }
    }

    fn request_document(&mut self) {
        let document = json!({"uri": self.doc.uri});
        if self.rng.chance(50) {
            self.send_request(
                "textDocument/documentSymbol",
                json!({"textDocument": document}),
            );
        } else {
            self.send_request("textDocument/diagnostic", json!({"textDocument": document}));
        }
    }

    fn cancel_something(&mut self) {
        let mut ids: Vec<i64> = self.pending.keys().copied().collect();
        ids.sort_unstable();
        let id = if ids.is_empty() || self.rng.chance(10) {
            // Cancelling what is already answered (or never existed) is harmless.
            self.next_id + 1000
        } else {
            ids[self.rng.below(ids.len())]
        };
        self.notify("$/cancelRequest", json!({"id": id}));
        self.report.cancels += 1;
    }

    fn burst(&mut self) {
        for _ in 0..3 + self.rng.below(5) {
            if self.rng.chance(50) {
                self.edit_valid();
            } else {
                self.request_at_random_position();
            }
        }
    }

    fn malformed(&mut self) {
        let id = self.next_id;
        self.next_id += 1;
        let uri = self.doc.uri.clone();
        match self.rng.below(15) {
            // No readable id: logged and skipped, nothing owed.
            0 => self
                .client
                .send_raw(&frame(b"{\"jsonrpc\": \"2.0\", \"method\": ")),
            1 => {
                let body = self
                    .rng
                    .pick(&["[]", "42", "\"text\"", "null", "true", "[1, 2]"]);
                self.client.send_raw(&frame(body.as_bytes()));
            }
            2 => self
                .client
                .send_raw(b"Content-Type: nonsense\r\n\r\n{}garbage\r\n\r\n"),
            3 => {
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "remedy/noSuchMethod", "params": {}});
                self.send_malformed_with_id(id, body.to_string().as_bytes(), &uri);
            }
            4 => {
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover"});
                self.send_malformed_with_id(id, body.to_string().as_bytes(), &uri);
            }
            5 => {
                let bad_positions = [
                    json!({"line": "one", "character": 0}),
                    json!({"line": -1, "character": -5}),
                    json!({"line": 1.5, "character": 0.25}),
                    json!({"line": 1u64 << 40, "character": 0}),
                    json!(null),
                ];
                let bad_position = bad_positions[self.rng.below(bad_positions.len())].clone();
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                    "params": {"textDocument": {"uri": uri}, "position": bad_position}});
                self.send_malformed_with_id(id, body.to_string().as_bytes(), &uri);
            }
            6 => {
                // A lone surrogate escape: valid JSON grammar, not a valid string.
                let body = format!(
                    r#"{{"jsonrpc": "2.0", "id": {id}, "method": "textDocument/hover", "params": {{"textDocument": {{"uri": "{uri}\ud800"}}, "position": {{"line": 0, "character": 0}}}}}}"#
                );
                self.send_malformed_with_id(id, body.as_bytes(), &uri);
            }
            7 => {
                let depth = 10_000;
                let body = format!(
                    r#"{{"jsonrpc": "2.0", "id": {id}, "method": "textDocument/hover", "params": {}1{}}}"#,
                    "[".repeat(depth),
                    "]".repeat(depth)
                );
                self.send_malformed_with_id(id, body.as_bytes(), &uri);
            }
            8 => {
                // A stale version: the text changes all the same (the server warns).
                let insert = random_insert(&mut self.rng);
                let (Landing::Offset(at), _) = (self.doc.land(0, 0), ()) else {
                    return;
                };
                let mut text = std::mem::take(&mut self.doc.text);
                text.insert_str(at, &insert);
                self.doc.set_text(text);
                self.last_sent_version = self.doc.version - 5;
                let params = json!({
                    "textDocument": {"uri": uri, "version": self.doc.version - 5},
                    "contentChanges": [{"range": range((0, 0), (0, 0)), "text": insert}],
                });
                self.notify("textDocument/didChange", params);
                self.push_shape();
            }
            9 => {
                let unopened = file_uri(&self.workspace.join("never_opened.py"));
                self.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": unopened, "version": 3},
                        "contentChanges": [{"range": range((0, 0), (0, 1)), "text": "x"}]}),
                );
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                    "params": {"textDocument": {"uri": unopened}, "position": position(0, 0)}});
                self.send_malformed_with_id(id, body.to_string().as_bytes(), &uri);
            }
            10 => {
                // A response to a request the server never sent.
                let body = json!({"jsonrpc": "2.0", "id": 987_654_321, "result": null});
                self.client.send_raw(&frame(body.to_string().as_bytes()));
            }
            11 => {
                let body =
                    json!({"jsonrpc": "2.0", "id": {"nested": id}, "method": "textDocument/hover"});
                self.client.send_raw(&frame(body.to_string().as_bytes()));
            }
            12 => {
                // Invalid UTF-8 inside a JSON string; the id may or may not be read.
                let mut body = format!(r#"{{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {{"textDocument": {{"uri": "{uri}", "version": 1}}, "contentChanges": [{{"text": ""#).into_bytes();
                body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
                body.extend_from_slice(b"\"}]}}");
                self.client.send_raw(&frame(&body));
                self.push_unknown_version();
                // What the server made of it is undefined: the client sends its text again.
                let text = self.doc.text.clone();
                self.did_change(vec![json!({"text": text})]);
            }
            13 => {
                // A lone surrogate in inserted text (editors' strings are UTF-16 and may
                // hold one): the server reads U+FFFD, one code unit like the surrogate, so
                // positions after it stay aligned. The client's copy holds U+FFFD too.
                let at = self.doc.random_position(&mut self.rng, false);
                let Landing::Offset(offset) = self.doc.land(at.0, at.1) else {
                    return;
                };
                let mut text = std::mem::take(&mut self.doc.text);
                text.insert_str(offset, "a\u{FFFD}b");
                self.doc.set_text(text);
                self.doc.version += 1;
                self.last_sent_version = self.doc.version;
                let body = format!(
                    r#"{{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {{"textDocument": {{"uri": "{uri}", "version": {}}}, "contentChanges": [{{"range": {}, "text": "a\udc00b"}}]}}}}"#,
                    self.doc.version,
                    range(at, at),
                );
                self.client.send_raw(&frame(body.as_bytes()));
                self.push_shape();
            }
            _ => {
                let body = json!({"jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand",
                    "params": {"command": "remedy.noSuchCommand", "arguments": [1, {"x": []}]}});
                self.send_malformed_with_id(id, body.to_string().as_bytes(), &uri);
            }
        }
        self.report.malformed += 1;
    }

    fn file_event(&mut self) {
        let path = self.doc.path.clone();
        let uri = self.doc.uri.clone();
        match self.rng.below(3) {
            0 => {
                // The open document's file goes away on disk; the editor's text stays.
                let _ = std::fs::remove_file(&path);
                self.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": uri, "type": 3}]}),
                );
            }
            1 => {
                let _ = std::fs::write(&path, "recreated = 1\n");
                self.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": uri, "type": 1}]}),
                );
            }
            _ => {
                let sibling = self
                    .workspace
                    .join(format!("garbled_{}.py", self.rng.below(3)));
                let _ = std::fs::write(&sibling, [0xff, 0xfe, b'x', b' ', b'=', 0x80, b'\n']);
                self.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": file_uri(&sibling), "type": 1}]}),
                );
            }
        }
    }

    /// Opens a second document, asks about it, deletes it on disk while open, asks again.
    fn extra_document(&mut self) {
        let index = self.extra_documents.len();
        let path = self.workspace.join(format!("doomed_{index}.py"));
        let text =
            format!("import fuzzed_doc\nvalue = fuzzed_doc\ndef g{index}():\n    return value\n");
        let _ = std::fs::write(&path, &text);
        let uri = file_uri(&path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        );
        let _ = std::fs::remove_file(&path);
        self.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": 3}]}),
        );
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": position(3, 12)}});
        // Counted with the malformed ones: its answer is owed, its latency not measured.
        self.send_malformed_with_id(id, body.to_string().as_bytes(), &uri);
        if self.rng.chance(50) {
            self.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
        }
        self.extra_documents.push(Document::new(uri, path, text));
    }
}

// ---------------------------------------------------------------------------
// The end of a session: the server's text is the client's
// ---------------------------------------------------------------------------

/// Replaces a module's own name, so two modules with the same text compare equal.
fn normalize(value: &Value, uri: &str, stem: &str) -> Value {
    match value {
        Value::String(text) => Value::String(text.replace(uri, "URI").replace(stem, "MODULE")),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| normalize(item, uri, stem))
                .collect(),
        ),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, item)| (key.clone(), normalize(item, uri, stem)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The answers that depend on the document's text only.
fn fingerprint(session: &mut Session, uri: &str, stem: &str, probes: &[(u32, u32)]) -> Vec<Value> {
    let mut answers = Vec::new();
    let document = json!({"uri": uri});
    let mut requests = vec![
        (
            "textDocument/documentSymbol",
            json!({"textDocument": document}),
        ),
        ("textDocument/diagnostic", json!({"textDocument": document})),
    ];
    for probe in probes {
        requests.push((
            "textDocument/hover",
            json!({"textDocument": document, "position": position(probe.0, probe.1)}),
        ));
    }
    for (method, params) in requests {
        let response = session.client.request(method, params);
        let mut answer = response.get("result").cloned().unwrap_or_else(
            || json!({"error": response.get("error").and_then(|error| error.get("code")).cloned()}),
        );
        // A diagnostic report's id is per request.
        if let Some(object) = answer.as_object_mut() {
            object.remove("resultId");
        }
        answers.push(normalize(&answer, uri, stem));
    }
    answers
}

/// Whether the server gives `text` only a limited analysis (the rule of
/// `analysis::limits`: over `limits.0` bytes or over `limits.1` lines).
fn is_over_analysis_limits(text: &str, (max_bytes, max_lines): (usize, usize)) -> bool {
    text.len() > max_bytes || text.bytes().filter(|&byte| byte == b'\n').count() + 1 > max_lines
}

/// Whether a fingerprint's diagnostics hold the note of a complete limited analysis.
fn has_limited_note(answers: &[Value]) -> bool {
    answers
        .get(1)
        .is_some_and(|diagnostics| diagnostics.to_string().contains("analysis-limited"))
}

/// Waits until the server has analysed the document's latest text when it is over the
/// analysis limits (its answers meanwhile come from older analyses), so that the
/// session's peak memory counts that analysis.
fn wait_for_complete_analysis(session: &mut Session) {
    if session.is_over_limits() {
        session.wait_for_analysis(Duration::from_secs(60));
    }
}

fn check_text(session: &mut Session, index: usize) {
    // Let everything in flight settle first.
    let settle = Instant::now();
    while !session.pending.is_empty() && settle.elapsed() < DEADLINE + Duration::from_secs(1) {
        session.pump(Duration::from_millis(100));
    }
    let reference_path = session.workspace.join(format!("reference_doc_{index}.py"));
    let reference_uri = file_uri(&reference_path);
    let text = session.doc.text.clone();
    session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": reference_uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let mut probes = vec![session.doc.end_position(), (0, 0)];
    for _ in 0..6 {
        probes.push(session.doc.random_position(&mut session.rng, false));
    }
    let doc_uri = session.doc.uri.clone();
    let doc_stem = session
        .doc
        .path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let reference_stem = format!("reference_doc_{index}");
    // A document over the analysis limits answers from its last complete analysis (or
    // not at all) while a new one is built, a second or more for a huge file. Its
    // answers count once they are complete: the diagnostics of a complete analysis
    // carry the `analysis-limited` note, a stale or empty answer may not. Both copies
    // must then agree, in a round asked after both were complete.
    let limited = is_over_analysis_limits(&text, session.limits);
    let mut attempts = 0;
    let mut complete_before = false;
    let (fuzzed, reference) = loop {
        attempts += 1;
        let fuzzed = fingerprint(session, &doc_uri, &doc_stem, &probes);
        let reference = fingerprint(session, &reference_uri, &reference_stem, &probes);
        let complete = !limited || (has_limited_note(&fuzzed) && has_limited_note(&reference));
        let settled = !limited || complete_before;
        if (fuzzed == reference && complete && settled) || attempts == CONVERGENCE_ATTEMPTS {
            if !complete {
                session.report.findings.divergences.push(format!(
                    "the analysis of a document over the limits never completed ({attempts} rounds)"
                ));
            }
            break (fuzzed, reference);
        }
        complete_before = complete;
        std::thread::sleep(Duration::from_millis(500));
    };
    for (which, (left, right)) in fuzzed.iter().zip(&reference).enumerate() {
        if left != right {
            let what = match which {
                0 => "document symbols".to_owned(),
                1 => "diagnostics".to_owned(),
                probe => format!("hover at {:?}", probes[probe - 2]),
            };
            session.report.findings.divergences.push(format!(
                "{what} differ from a fresh document with the client's text:\n  fuzzed:    {:.400}\n  reference: {:.400}",
                left.to_string(),
                right.to_string()
            ));
        }
    }
}

// ---------------------------------------------------------------------------
// Workspace
// ---------------------------------------------------------------------------

struct Workspace {
    root: PathBuf,
    canary_bin: PathBuf,
    canary_log: PathBuf,
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
        if let Some(parent) = self.canary_bin.parent() {
            let _ = std::fs::remove_dir_all(parent);
        }
    }
}

/// A script that records that it ran, for the security checks.
fn write_canary(path: &Path, log: &Path) {
    let script = format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\nexit 0\n", log.display());
    std::fs::write(path, script).expect("write a canary interpreter");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755));
    }
}

fn make_workspace(label: &str) -> Workspace {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let base = std::env::temp_dir().join(format!(
        "remedy-fuzz-{label}-{}-{nanos}",
        std::process::id()
    ));
    let root = base.join("workspace");
    let outside = base.join("outside");
    std::fs::create_dir_all(root.join("pkg")).expect("create the workspace");
    std::fs::create_dir_all(root.join(".venv/bin")).expect("create .venv");
    std::fs::create_dir_all(&outside).expect("create the canary folder");
    std::fs::write(
        root.join("pkg/__init__.py"),
        "from .helpers import helper\n",
    )
    .unwrap();
    std::fs::write(
        root.join("pkg/helpers.py"),
        "def helper(x):\n    return {'k': x}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("bad_utf8.py"),
        [
            b'x', b' ', b'=', b' ', b'\'', 0xff, 0xfe, 0xc3, b'\'', b'\n',
        ],
    )
    .unwrap();
    std::fs::write(
        root.join(".venv/pyvenv.cfg"),
        "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n",
    )
    .unwrap();
    let canary_log = base.join("interpreter-runs.log");
    write_canary(&root.join(".venv/bin/python"), &canary_log);
    write_canary(&root.join(".venv/bin/python3"), &canary_log);
    let canary_bin = outside.join("bin");
    std::fs::create_dir_all(&canary_bin).unwrap();
    write_canary(&canary_bin.join("python"), &canary_log);
    write_canary(&canary_bin.join("python3"), &canary_log);
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        // A loop (a folder holding a link to itself) and a link to nothing.
        let _ = symlink(&root, root.join("pkg/loop"));
        let _ = symlink(root.join("missing.py"), root.join("dangling.py"));
    }
    Workspace {
        root,
        canary_bin,
        canary_log,
    }
}

/// Every file under `root` (links not followed), for "the server writes no file".
fn list_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                _ => files.push(path),
            }
        }
    }
    files.sort();
    files
}

fn run_session(
    config: &Config,
    campaign: u64,
    index: usize,
    steps: usize,
    stdlib: &[PathBuf],
) -> SessionReport {
    let started = Instant::now();
    let mut rng = Rng::new(campaign.wrapping_mul(1_000_003).wrapping_add(index as u64));
    let kind = seed_kind(index);
    let text = generate(kind, &mut rng, config, stdlib);
    let initial_bytes = text.len();
    let limits = config.analysis_limits();
    let workspace = make_workspace(&format!("{campaign}-{index}"));
    let path = workspace.root.join("fuzzed_doc.py");
    std::fs::write(&path, &text).expect("write the document");
    let uri = file_uri(&path);

    let path_variable = {
        let mut paths = vec![workspace.canary_bin.clone()];
        if let Some(existing) = std::env::var_os("PATH") {
            paths.extend(std::env::split_paths(&existing));
        }
        std::env::join_paths(paths).unwrap_or_else(|_| OsString::from("/usr/bin:/bin"))
    };
    let env = [
        ("PATH", path_variable),
        ("VIRTUAL_ENV", workspace.root.join(".venv").into_os_string()),
        // The server's own default filter: salsa's "propagating panic for cycle head"
        // warning reports a query cycle unwound again after an edit cancelled it, a
        // cancellation the handlers answer (see `init_logging`), not a panic. A real panic
        // still shows as "request handler panicked" (an error of the server's own).
        ("REMEDY_LOG", OsString::from("warn,salsa=error")),
        (
            "REMEDY_FULL_ANALYSIS_MAX_BYTES",
            OsString::from(limits.0.to_string()),
        ),
        (
            "REMEDY_FULL_ANALYSIS_MAX_LINES",
            OsString::from(limits.1.to_string()),
        ),
    ];
    let mut client = LspClient::spawn_with_env(&["lsp", "--stdio"], Some(&workspace.root), &env);
    client.set_timeout(Duration::from_secs(30));
    let root_uri = file_uri(&workspace.root);
    client.initialize_with(json!({
        "processId": null,
        "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "fuzz"}],
        "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"diagnostic": {"dynamicRegistration": false}},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
        },
    }));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 0, "text": text}}),
    );
    let files_before = list_files(&workspace.root);
    let over_limits = is_over_analysis_limits(&text, limits);
    let doc = Document::new(uri, path, text);
    let shapes = vec![Some(doc.shape())];
    let mut session = Session {
        rng,
        client,
        workspace: workspace.root.clone(),
        canary_log: workspace.canary_log.clone(),
        doc,
        shapes,
        shapes_base: 0,
        pending: HashMap::new(),
        answered: HashSet::new(),
        timed_out: HashSet::new(),
        next_id: 1_000_000,
        report: SessionReport {
            over_limits,
            ..SessionReport::default()
        },
        extra_documents: Vec::new(),
        files_before,
        limits,
        last_sent_version: 0,
        changes_sent: 0,
        analysed_version: None,
    };
    for step in 0..steps {
        if !session.client.is_alive() {
            break;
        }
        // Besides its random pauses, a session over the limits pauses halfway through.
        if session.report.over_limits && step == steps / 2 {
            session.pause_for_analysis();
        }
        session.step();
    }
    let settle = Instant::now();
    while !session.pending.is_empty() && settle.elapsed() < DEADLINE + Duration::from_secs(1) {
        session.pump(Duration::from_millis(100));
    }
    // The session's peak, with a complete analysis of the final text but before the
    // check below opens a second copy of the document (two copies of a 1 MB line are two
    // trees of ~135 MB).
    if session.client.is_alive() {
        wait_for_complete_analysis(&mut session);
    }
    let pid = session.client.pid();
    session.report.peak_rss_mb = peak_rss_mb(pid);
    if session.client.is_alive() {
        check_text(&mut session, index);
    }
    let settle = Instant::now();
    while !session.pending.is_empty() && settle.elapsed() < DEADLINE + Duration::from_secs(1) {
        session.pump(Duration::from_millis(100));
    }
    session.pump(Duration::ZERO);
    session.report.check_peak_rss_mb = peak_rss_mb(pid);
    let alive = session.client.is_alive();
    let stderr = session.client.stderr();
    let findings = &mut session.report.findings;
    if !alive {
        findings.crashes.push(format!(
            "the server exited during the session\n{stderr:.3000}"
        ));
    }
    for line in stderr.lines() {
        let lower = line.to_ascii_lowercase();
        if lower.contains("panicked")
            || lower.contains("overflowed its stack")
            || lower.contains("internal error")
        {
            findings.panic_text.push(line.chars().take(300).collect());
        }
    }
    for error in session.client.protocol_errors() {
        findings.protocol.push(error);
    }
    if session.report.peak_rss_mb > config.max_rss_mb {
        findings.memory.push(format!(
            "peak RSS {:.1} MB above {} MB",
            session.report.peak_rss_mb, config.max_rss_mb
        ));
    }
    if let Ok(runs) = std::fs::read_to_string(&session.canary_log) {
        findings
            .security
            .push(format!("an interpreter ran: {runs}"));
    }
    // The server writes nothing: every new file is one the test wrote.
    let written_by_test = |path: &Path| {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        name.starts_with("garbled_") || name.starts_with("doomed_") || name == "fuzzed_doc.py"
    };
    for path in list_files(&session.workspace) {
        if !session.files_before.contains(&path) && !written_by_test(&path) {
            findings.security.push(format!(
                "a file appeared in the workspace: {}",
                path.display()
            ));
        }
    }
    if alive {
        let status = session.client.shutdown_and_exit();
        if !status.success() {
            session
                .report
                .findings
                .crashes
                .push(format!("exit status {status} after shutdown"));
        }
    }
    let final_bytes = session.doc.text.len();
    let report = session.report;
    let kind_name = format!("{kind:?}");
    let mut sorted = report.latencies_ms.clone();
    sorted.sort_by(f64::total_cmp);
    eprintln!(
        "campaign {campaign} session {index:>3} {kind_name:<20} bytes={initial_bytes:>8}->{final_bytes:<8} steps={:>5} requests={:>5} malformed={:>4} cancels={:>4} p99={:>8.1}ms max={:>8.1}ms rss={:>6.1}MB (with the check {:>6.1}MB) limited analyses={} pauses={} problems={} ({:.1} s)",
        report.steps,
        report.requests,
        report.malformed,
        report.cancels,
        percentile(&sorted, 99.0),
        sorted.last().copied().unwrap_or(0.0),
        report.peak_rss_mb,
        report.check_peak_rss_mb,
        report.limited_analyses,
        report.pauses,
        report.findings.count(),
        started.elapsed().as_secs_f64(),
    );
    for (ms, what) in report.slowest.iter().filter(|(ms, _)| *ms > 100.0) {
        eprintln!("    {ms:8.1} ms  {what}");
    }
    report
}

fn percentile(sorted: &[f64], percent: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() - 1) as f64 * percent / 100.0).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[test]
fn randomized_sessions_keep_the_server_alive_answering_and_in_sync() {
    let config = Config::from_env();
    let stdlib = stdlib_files();
    let mut failures = Vec::new();
    let mut all_latencies = Vec::new();
    let mut totals = (0usize, 0usize, 0usize, 0usize);
    let mut results = 0;
    let mut peak = 0.0f64;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut sessions_over_limits, mut limited_analyses, mut pauses) = (0, 0, 0);
    for &campaign in &config.seeds {
        let campaign_start = (
            all_latencies.len(),
            totals,
            limited_analyses,
            failures.len(),
        );
        let mut campaign_peak = 0.0f64;
        let per_session = config.steps.div_ceil(config.sessions);
        for index in 0..config.sessions {
            if config.only_session.is_some_and(|only| only != index) {
                continue;
            }
            let report = run_session(&config, campaign, index, per_session, &stdlib);
            totals.0 += report.steps;
            totals.1 += report.requests;
            totals.2 += report.malformed;
            totals.3 += report.cancels;
            results += report.results;
            peak = peak.max(report.peak_rss_mb);
            campaign_peak = campaign_peak.max(report.peak_rss_mb);
            sessions_over_limits += usize::from(report.over_limits);
            limited_analyses += report.limited_analyses;
            pauses += report.pauses;
            if report.over_limits && report.limited_analyses == 0 {
                failures.push(format!(
                    "[replay: REMEDY_FUZZ_SEEDS={campaign} REMEDY_FUZZ_ONLY_SESSION={index}] a session over the analysis limits never had its document analysed"
                ));
            }
            all_latencies.extend(report.latencies_ms.iter().copied());
            let findings = &report.findings;
            for (name, list) in [
                ("crashes", &findings.crashes),
                ("hangs", &findings.hangs),
                ("duplicate answers", &findings.duplicates),
                ("unexpected ids", &findings.unexpected_ids),
                ("internal errors", &findings.internal_errors),
                ("panic text", &findings.panic_text),
                ("out-of-document ranges", &findings.bad_ranges),
                ("edits outside the workspace", &findings.outside_workspace),
                ("text divergences", &findings.divergences),
                ("security", &findings.security),
                ("protocol", &findings.protocol),
                ("memory", &findings.memory),
                ("stalled analyses", &findings.stalled_analyses),
            ] {
                *counts.entry(name).or_default() += list.len();
                for item in list.iter().take(5) {
                    failures.push(format!(
                        "[replay: REMEDY_FUZZ_SEEDS={campaign} REMEDY_FUZZ_ONLY_SESSION={index} REMEDY_FUZZ_SESSIONS={} REMEDY_FUZZ_STEPS={}{}] {name}: {item}",
                        config.sessions,
                        config.steps,
                        if config.full_scale { " REMEDY_FUZZ_SCALE=full" } else { "" },
                    ));
                }
            }
        }
        let mut latencies = all_latencies[campaign_start.0..].to_vec();
        latencies.sort_by(f64::total_cmp);
        eprintln!(
            "campaign {campaign}: steps={} requests={} malformed={} cancels={} p50={:.1}ms p99={:.1}ms max={:.1}ms peak_rss={:.1}MB limited analyses={} problems={}",
            totals.0 - campaign_start.1.0,
            totals.1 - campaign_start.1.1,
            totals.2 - campaign_start.1.2,
            totals.3 - campaign_start.1.3,
            percentile(&latencies, 50.0),
            percentile(&latencies, 99.0),
            latencies.last().copied().unwrap_or(0.0),
            campaign_peak,
            limited_analyses - campaign_start.2,
            failures.len() - campaign_start.3,
        );
    }
    all_latencies.sort_by(f64::total_cmp);
    eprintln!(
        "total: steps={} requests={} results={results} malformed={} cancels={} p50={:.1}ms p99={:.1}ms max={:.1}ms peak_rss={:.1}MB sessions over the limits={sessions_over_limits} limited analyses={limited_analyses} pauses={pauses} problems={counts:?}",
        totals.0,
        totals.1,
        totals.2,
        totals.3,
        percentile(&all_latencies, 50.0),
        percentile(&all_latencies, 99.0),
        all_latencies.last().copied().unwrap_or(0.0),
        peak,
    );
    assert!(totals.0 > 0, "no step ran");
    assert!(totals.1 > 0, "no request was sent");
    assert!(results > 0, "no request got a non-null result");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The case of a flaky failure under load: a hover sent before an undefined edit (the whole
/// text replaced through a range past the end) was answered from the text the server held
/// between that edit and the client's resync, a line the client's own text never had.
#[test]
fn ranges_may_belong_to_the_unknown_text_after_an_undefined_edit() {
    let client_text: Shape = Arc::new(vec![20, 4, 0]);
    let hover = json!({"start": position(0, 26), "end": position(0, 29)});
    assert!(!fits_some_version(
        &[Some(client_text.clone()), Some(client_text.clone())],
        &hover
    ));
    assert!(fits_some_version(
        &[Some(client_text.clone()), None, Some(client_text.clone())],
        &hover
    ));
    // The ends stay in order, whatever the text.
    let reversed = json!({"start": position(0, 29), "end": position(0, 26)});
    assert!(!fits_some_version(&[None], &reversed));
    let inside = json!({"start": position(1, 0), "end": position(1, 4)});
    assert!(fits_some_version(&[Some(client_text)], &inside));
}

/// Why the harness cannot check ranges against the client's text right after an undefined
/// edit: the server answers from what it made of the edit until the client's resync (here
/// a range past the end replaced the whole text). A request in flight takes its snapshot
/// whenever a blocking thread runs it, so on a loaded machine one sent before such an edit
/// lands in that window; this request, sent inside it, shows the answer it gets.
#[test]
fn an_answer_between_an_undefined_edit_and_the_resync_describes_the_servers_text() {
    let mut client = LspClient::spawn();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    let uri = file_uri(&std::env::temp_dir().join("remedy-undefined-edit/module.py"));
    let text = "x = 1\n";
    let client_shape = Document::new(uri.clone(), PathBuf::new(), text.to_owned()).shape();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 0, "text": text}}),
    );
    let end = (i32::MAX as u32, i32::MAX as u32);
    let hover_at_start = |client: &mut LspClient| {
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(0, 0)}),
        )["result"]["range"]
            .clone()
    };
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 1},
            "contentChanges": [{"range": range((0, 0), end), "text": "interim_name_the_client_never_had = 1\n"}]}),
    );
    let interim = hover_at_start(&mut client);
    assert_eq!(interim, range((0, 0), (0, 33)));
    assert!(!fits_some_version(&[Some(client_shape.clone())], &interim));
    assert!(fits_some_version(
        &[Some(client_shape.clone()), None],
        &interim
    ));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    let resynced = hover_at_start(&mut client);
    assert_eq!(resynced, range((0, 0), (0, 1)));
    assert!(fits_some_version(&[Some(client_shape)], &resynced));
    assert!(client.shutdown_and_exit().success());
}
