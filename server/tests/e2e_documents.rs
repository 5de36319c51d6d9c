//! End-to-end document tests over a real `remedy lsp --stdio`: pushed diagnostics,
//! hover, ordered incremental sync (UTF-16 positions, clamping), cancellation,
//! out-of-range positions and the close/reopen cycle.
//!
//! Every test starts the server on a fresh temporary workspace folder (given as
//! `rootUri` and `workspaceFolders`) and waits for the end of its indexing
//! progress before opening documents, so the workspace scan never races an edit.

mod support;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use support::LspClient;

/// The JSON-RPC code of a request the client cancelled.
const REQUEST_CANCELLED: i64 = -32800;

/// How long the server gets to send a second answer that it must not send.
const QUIET_PERIOD: Duration = Duration::from_millis(500);

// ---------------------------------------------------------------------------
// Workspace and client helpers
// ---------------------------------------------------------------------------

/// A uniquely named folder under the system temp dir, removed when dropped.
struct TempWorkspace {
    root: PathBuf,
}

impl TempWorkspace {
    fn new(label: &str) -> TempWorkspace {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let name = format!(
            "remedy-e2e-documents-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
        );
        let root = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&root).expect("the temp workspace can be created");
        TempWorkspace { root }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn root_uri(&self) -> String {
        file_uri(&self.root)
    }

    fn uri(&self, relative: &str) -> String {
        file_uri(&self.path(relative))
    }

    fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.path(relative), text).expect("the workspace file can be written");
    }
}

impl Drop for TempWorkspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A `file://` URI for an absolute path made of URI-safe characters (temp dirs are).
fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Starts the server on `workspace` with push diagnostics and progress support, and
/// waits until the workspace scan has finished.
fn start(workspace: &TempWorkspace) -> LspClient {
    let mut client = LspClient::spawn_in(&workspace.root);
    client.initialize_with(json!({
        "processId": std::process::id(),
        "clientInfo": {"name": "remedy-e2e-documents"},
        "rootUri": workspace.root_uri(),
        "workspaceFolders": [{"uri": workspace.root_uri(), "name": "workspace"}],
        "capabilities": {
            "window": {"workDoneProgress": true},
            "textDocument": {
                "publishDiagnostics": {"versionSupport": true},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            },
        },
    }));
    client.wait_notification(
        "$/progress",
        |params| params["token"] == "remedy/indexing" && params["value"]["kind"] == "end",
        Duration::from_secs(30),
    );
    client
}

fn open(client: &mut LspClient, uri: &str, version: i32, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}),
    );
}

fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn hover_params(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position(line, character)})
}

/// Sends a hover request and returns the whole response message.
fn hover(client: &mut LspClient, uri: &str, line: u32, character: u32) -> Value {
    client.request("textDocument/hover", hover_params(uri, line, character))
}

/// The markdown of a successful, non-null hover response.
fn hover_markdown(response: &Value) -> &str {
    assert!(response.get("error").is_none(), "hover failed: {response}");
    let contents = &response["result"]["contents"];
    assert_eq!(contents["kind"], "markdown", "{response}");
    contents["value"]
        .as_str()
        .unwrap_or_else(|| panic!("hover without markdown: {response}"))
}

/// Waits for the diagnostics published for `uri` at `version`; returns the params.
fn wait_diagnostics(client: &mut LspClient, uri: &str, version: i64) -> Value {
    client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| params["uri"] == uri && params["version"] == version,
        Duration::from_secs(30),
    )
}

fn assert_clean_exit(client: &mut LspClient) {
    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0), "{}", client.stderr());
    let errors = client.protocol_errors();
    assert!(errors.is_empty(), "protocol errors on stdout: {errors:#?}");
}

// ---------------------------------------------------------------------------
// 1. Pushed syntax diagnostics follow the document's versions
// ---------------------------------------------------------------------------

#[test]
fn syntax_errors_are_published_and_cleared_by_an_incremental_fix() {
    let workspace = TempWorkspace::new("syntax");
    let text = "def f(x)\n    return x\n";
    workspace.write("broken.py", text);
    let uri = workspace.uri("broken.py");
    let mut client = start(&workspace);

    open(&mut client, &uri, 1, text);
    let published = wait_diagnostics(&mut client, &uri, 1);
    let diagnostics = published["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("no diagnostics array: {published}"));
    assert_eq!(diagnostics.len(), 1, "{published:#}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "syntax-error", "{diagnostic:#}");
    assert_eq!(diagnostic["source"], "remedy", "{diagnostic:#}");
    assert_eq!(diagnostic["severity"], 1, "{diagnostic:#}");
    assert_eq!(diagnostic["range"]["start"]["line"], 0, "{diagnostic:#}");
    assert_eq!(diagnostic["range"]["end"]["line"], 0, "{diagnostic:#}");
    assert!(
        diagnostic["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()),
        "{diagnostic:#}"
    );

    // Insert the missing colon after `def f(x)`.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": position(0, 8), "end": position(0, 8)}, "text": ":"}],
        }),
    );
    let published = wait_diagnostics(&mut client, &uri, 2);
    assert_eq!(published["diagnostics"], json!([]), "{published:#}");

    assert_clean_exit(&mut client);
}

// ---------------------------------------------------------------------------
// 2. Hover shows every value a name can hold, with where it came from
// ---------------------------------------------------------------------------

#[test]
fn hover_lists_the_values_of_both_branches() {
    let workspace = TempWorkspace::new("hover");
    let text = "flag = input() == \"y\"\nif flag:\n    a = 4\nelse:\n    a = 4.1\nprint(a)\n";
    workspace.write("branches.py", text);
    let uri = workspace.uri("branches.py");
    let mut client = start(&workspace);
    open(&mut client, &uri, 1, text);

    // `a` in `print(a)`.
    let response = hover(&mut client, &uri, 5, 6);
    let markdown = hover_markdown(&response);
    for expected in ["4 (int)", "4.1 (float)", "L3", "L5"] {
        assert!(
            markdown.contains(expected),
            "hover lacks {expected:?}:\n{markdown}"
        );
    }
    assert_eq!(
        response["result"]["range"],
        json!({"start": position(5, 6), "end": position(5, 7)}),
        "{response:#}"
    );

    assert_clean_exit(&mut client);
}

// ---------------------------------------------------------------------------
// 3. 200 rapid incremental edits end in exactly the client's text
// ---------------------------------------------------------------------------

/// A deterministic pseudo-random sequence (a 64-bit LCG), so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<T: Copy>(&mut self, choices: &[T]) -> T {
        choices[self.below(choices.len())]
    }
}

/// The byte offset of an LSP position in `text` (lines end with `\n` only), with
/// the specification's semantics: `character` counts UTF-16 code units, a character
/// past the end of its line means the line end, a line past the last means the end
/// of the text. Written independently of the server's conversion.
fn lsp_offset(text: &str, line: u32, character: u32) -> usize {
    let mut line_start = 0;
    for _ in 0..line {
        match text[line_start..].find('\n') {
            Some(newline) => line_start += newline + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |newline| line_start + newline);
    let mut units = 0;
    for (index, character_here) in text[line_start..line_end].char_indices() {
        if units >= character as usize {
            return line_start + index;
        }
        units += character_here.len_utf16();
    }
    line_end
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}

/// One top-level statement of the generated module: `name = 0` or `name = "text"`.
#[derive(Clone)]
struct Statement {
    name: String,
    /// The length of the unique `n{id}_` prefix that edits never touch, so names stay unique.
    prefix_len: usize,
    text: Option<Vec<char>>,
}

impl Statement {
    fn render(&self) -> String {
        match &self.text {
            None => format!("{} = 0", self.name),
            Some(text) => format!("{} = \"{}\"", self.name, text.iter().collect::<String>()),
        }
    }
}

/// What the generator believes the module looks like: lines of `; `-separated statements.
struct Outline {
    lines: Vec<Vec<Statement>>,
    next_id: usize,
}

/// One LSP content change: a range (start and end as line/character) and its new text.
struct ContentChange {
    start: (u32, u32),
    end: (u32, u32),
    text: String,
}

impl ContentChange {
    fn to_json(&self) -> Value {
        json!({
            "range": {
                "start": position(self.start.0, self.start.1),
                "end": position(self.end.0, self.end.1),
            },
            "text": self.text,
        })
    }
}

const LETTERS: &[char] = &['a', 'b', 'c', 'd', 'e', 'k', 'q', 'x', 'y', 'z'];
/// Astral characters: two UTF-16 code units, four UTF-8 bytes each.
const ASTRAL: &[char] = &['😀', '🐍', '𝄞'];
const MAX_LINES: usize = 10;
/// The name every event inserts one letter into.
const JOURNAL_PREFIX: &str = "log_";
/// The journal's letters, one per version in turn: a swap of two events goes unseen only
/// when a neighbour of the insertion already holds the same letter, so the cycle is long.
const JOURNAL_LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MAX_STATEMENTS_PER_LINE: usize = 5;
const MAX_NAME_EXTRA: usize = 8;
/// Short enough that the hover never truncates the string's value.
const MAX_TEXT_CHARS: usize = 10;

impl Outline {
    fn new_statement(&mut self, with_text: bool) -> Statement {
        let name = format!("n{}_", self.next_id);
        self.next_id += 1;
        Statement {
            prefix_len: name.len(),
            name,
            text: with_text.then(Vec::new),
        }
    }

    fn render(&self) -> String {
        self.lines
            .iter()
            .map(|line| {
                line.iter()
                    .map(Statement::render)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The UTF-16 column where statement `index` of `line` starts.
    fn statement_column(&self, line: usize, index: usize) -> u32 {
        self.lines[line][..index]
            .iter()
            .map(|statement| utf16_len(&statement.render()) + 2)
            .sum()
    }

    /// All (line, index) pairs, optionally only string statements.
    fn statements(&self, strings_only: bool) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        for (line, statements) in self.lines.iter().enumerate() {
            for (index, statement) in statements.iter().enumerate() {
                if !strings_only || statement.text.is_some() {
                    found.push((line, index));
                }
            }
        }
        found
    }

    /// Inserts the letter of `version` at a random place of the journal name (`log_…`).
    ///
    /// Every event writes to the journal, so applying two events in the wrong order
    /// changes its name: consecutive versions write different letters at positions that
    /// each depend on the previous insertions.
    fn journal_change(&mut self, version: i32, random: &mut Lcg) -> ContentChange {
        let (line, index) = self
            .statements(false)
            .into_iter()
            .find(|&(line, index)| self.lines[line][index].name.starts_with(JOURNAL_PREFIX))
            .expect("the journal is never removed");
        let column = self.statement_column(line, index);
        let journal = &mut self.lines[line][index];
        let at = JOURNAL_PREFIX.len() + random.below(journal.name.len() - JOURNAL_PREFIX.len() + 1);
        let letter = JOURNAL_LETTERS[version as usize % JOURNAL_LETTERS.len()] as char;
        journal.name.insert(at, letter);
        let character = column + at as u32;
        ContentChange {
            start: (line as u32, character),
            end: (line as u32, character),
            text: letter.to_string(),
        }
    }

    /// Makes one random edit to the outline and returns it as an LSP change.
    fn random_change(&mut self, random: &mut Lcg) -> ContentChange {
        loop {
            if let Some(change) = self.try_change(random.below(6), random) {
                return change;
            }
        }
    }

    fn try_change(&mut self, kind: usize, random: &mut Lcg) -> Option<ContentChange> {
        match kind {
            // Insert a letter inside a name, after its unique prefix.
            0 => {
                let candidates: Vec<_> = self
                    .statements(false)
                    .into_iter()
                    .filter(|&(line, index)| {
                        let statement = &self.lines[line][index];
                        statement.name.len() < statement.prefix_len + MAX_NAME_EXTRA
                    })
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let (line, index) = random.pick(&candidates);
                let column = self.statement_column(line, index);
                let statement = &mut self.lines[line][index];
                let at = statement.prefix_len
                    + random.below(statement.name.len() - statement.prefix_len + 1);
                let letter = random.pick(LETTERS);
                statement.name.insert(at, letter);
                let character = column + at as u32;
                Some(ContentChange {
                    start: (line as u32, character),
                    end: (line as u32, character),
                    text: letter.to_string(),
                })
            }
            // Insert a letter or an astral character inside a string.
            1 | 2 => {
                let candidates: Vec<_> = self
                    .statements(true)
                    .into_iter()
                    .filter(|&(line, index)| {
                        self.lines[line][index]
                            .text
                            .as_ref()
                            .is_some_and(|text| text.len() < MAX_TEXT_CHARS)
                    })
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let (line, index) = random.pick(&candidates);
                let column = self.statement_column(line, index);
                let statement = &mut self.lines[line][index];
                let name_width = utf16_len(&statement.name) + 4; // `name = "`
                let text = statement.text.as_mut()?;
                let at = random.below(text.len() + 1);
                let inserted = if kind == 1 {
                    random.pick(ASTRAL)
                } else {
                    random.pick(LETTERS)
                };
                let character =
                    column + name_width + utf16_len(&text[..at].iter().collect::<String>());
                text.insert(at, inserted);
                Some(ContentChange {
                    start: (line as u32, character),
                    end: (line as u32, character),
                    text: inserted.to_string(),
                })
            }
            // Replace one character of a string (an astral one spans two code units).
            3 => {
                let candidates: Vec<_> = self
                    .statements(true)
                    .into_iter()
                    .filter(|&(line, index)| {
                        self.lines[line][index]
                            .text
                            .as_ref()
                            .is_some_and(|text| !text.is_empty())
                    })
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let (line, index) = random.pick(&candidates);
                let column = self.statement_column(line, index);
                let statement = &mut self.lines[line][index];
                let name_width = utf16_len(&statement.name) + 4;
                let text = statement.text.as_mut()?;
                let at = random.below(text.len());
                let start = column + name_width + utf16_len(&text[..at].iter().collect::<String>());
                let end = start + text[at].len_utf16() as u32;
                let replacement = if text[at].len_utf16() == 2 {
                    random.pick(LETTERS)
                } else {
                    random.pick(ASTRAL)
                };
                text[at] = replacement;
                Some(ContentChange {
                    start: (line as u32, start),
                    end: (line as u32, end),
                    text: replacement.to_string(),
                })
            }
            // Append a statement to a line, at a character past its end (clamped).
            4 => {
                let lines: Vec<usize> = (0..self.lines.len())
                    .filter(|&line| self.lines[line].len() < MAX_STATEMENTS_PER_LINE)
                    .collect();
                if lines.is_empty() {
                    return None;
                }
                let line = random.pick(&lines);
                let statement = self.new_statement(random.below(2) == 0);
                let past_end = 1_000 + random.below(50_000) as u32;
                let text = format!("; {}", statement.render());
                self.lines[line].push(statement);
                Some(ContentChange {
                    start: (line as u32, past_end),
                    end: (line as u32, past_end + random.below(3) as u32),
                    text,
                })
            }
            // Add a line: at the end (a line past the last) or before an existing line.
            _ => {
                if self.lines.len() >= MAX_LINES {
                    return None;
                }
                let statement = self.new_statement(random.below(2) == 0);
                let rendered = statement.render();
                if random.below(2) == 0 {
                    let past_last = (self.lines.len() + random.below(5)) as u32;
                    let character = random.below(30) as u32;
                    self.lines.push(vec![statement]);
                    Some(ContentChange {
                        start: (past_last, character),
                        end: (past_last, character),
                        text: format!("\n{rendered}"),
                    })
                } else {
                    let line = random.below(self.lines.len());
                    self.lines.insert(line, vec![statement]);
                    Some(ContentChange {
                        start: (line as u32, 0),
                        end: (line as u32, 0),
                        text: format!("{rendered}\n"),
                    })
                }
            }
        }
    }
}

/// The document symbols the module `text` must have: one variable per statement, in
/// source order, computed from the client's model text alone.
fn expected_symbols(text: &str) -> Vec<Value> {
    let mut symbols = Vec::new();
    for (line, line_text) in text.split('\n').enumerate() {
        let mut column = 0;
        for statement in line_text.split("; ") {
            let (name, _) = statement
                .split_once(" = ")
                .unwrap_or_else(|| panic!("the model has a malformed statement {statement:?}"));
            let line = line as u32;
            symbols.push(json!({
                "name": name,
                "kind": 13,
                "range": {"start": position(line, column), "end": position(line, column + utf16_len(statement))},
                "selectionRange": {"start": position(line, column), "end": position(line, column + utf16_len(name))},
            }));
            column += utf16_len(statement) + 2;
        }
    }
    symbols
}

/// The parts of a `textDocument/documentSymbol` result this test compares.
fn symbol_summary(result: &Value) -> Vec<Value> {
    result
        .as_array()
        .unwrap_or_else(|| panic!("documentSymbol did not return a list: {result}"))
        .iter()
        .map(|symbol| {
            json!({
                "name": symbol["name"],
                "kind": symbol["kind"],
                "range": symbol["range"],
                "selectionRange": symbol["selectionRange"],
            })
        })
        .collect()
}

#[test]
fn two_hundred_rapid_incremental_changes_end_in_the_clients_text() {
    let workspace = TempWorkspace::new("rapid");
    let uri = workspace.uri("rapid.py");
    let mut client = start(&workspace);

    // The first line puts astral characters before the journal, so UTF-16 columns
    // differ from byte offsets from the start.
    let mut outline = Outline {
        lines: vec![vec![
            Statement {
                name: "n0_".to_owned(),
                prefix_len: 3,
                text: Some(vec!['😀']),
            },
            Statement {
                name: JOURNAL_PREFIX.to_owned(),
                prefix_len: JOURNAL_PREFIX.len(),
                text: None,
            },
            Statement {
                name: "n1_".to_owned(),
                prefix_len: 3,
                text: None,
            },
        ]],
        next_id: 2,
    };
    let mut model = outline.render();
    open(&mut client, &uri, 1, &model);

    let mut random = Lcg(0x5eed_2024_0d0c_u64);
    let mut multi_change_events = 0;
    let mut clamped_changes = 0;
    for version in 2..=201 {
        // The journal letter, alone or with one or two other changes before or after it.
        let count = match random.below(10) {
            0..=3 => 1,
            4..=7 => 2,
            _ => 3,
        };
        let journal_slot = random.below(count);
        let mut changes = Vec::with_capacity(count);
        for slot in 0..count {
            let change = if slot == journal_slot {
                outline.journal_change(version, &mut random)
            } else {
                outline.random_change(&mut random)
            };
            // The model applies the change with LSP semantics, independently of the outline.
            let line_count = model.split('\n').count() as u32;
            let start_line_len = model
                .split('\n')
                .nth(change.start.0 as usize)
                .map(utf16_len);
            if change.start.0 >= line_count
                || start_line_len.is_some_and(|len| change.start.1 > len)
            {
                clamped_changes += 1;
            }
            let start = lsp_offset(&model, change.start.0, change.start.1);
            let end = lsp_offset(&model, change.end.0, change.end.1);
            model.replace_range(start..end, &change.text);
            changes.push(change.to_json());
        }
        if count > 1 {
            multi_change_events += 1;
        }
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }
    // Ask right away: the request must see every change sent before it.
    let symbols_id = client.send_request_id(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );

    // The generator and the model agree, and the run covered what it is meant to cover.
    assert_eq!(model, outline.render(), "the test's generator is wrong");
    assert!(multi_change_events >= 20, "{multi_change_events}");
    assert!(clamped_changes >= 20, "{clamped_changes}");
    assert!(model.contains('😀') || model.contains('🐍') || model.contains('𝄞'));

    let response = client.wait_response(symbols_id);
    assert!(
        response.get("error").is_none(),
        "documentSymbol failed: {response}"
    );
    assert_eq!(
        symbol_summary(&response["result"]),
        expected_symbols(&model),
        "the server's text differs from the client's:\n{model}"
    );

    // The content of every string, which the symbols do not show, through hover.
    for (line, index) in outline.statements(true) {
        let statement = &outline.lines[line][index];
        let column = outline.statement_column(line, index);
        let response = hover(&mut client, &uri, line as u32, column + 1);
        let value = statement
            .text
            .as_ref()
            .map(|text| text.iter().collect::<String>());
        let expected = format!("`'{}' (str)`", value.unwrap_or_default());
        let markdown = hover_markdown(&response);
        assert!(
            markdown.contains(&expected),
            "hover on `{}` lacks {expected}:\n{markdown}\n--- model ---\n{model}",
            statement.name
        );
    }

    // Diagnostics: the last publish for the document is for version 201, and clean.
    let mut versions = Vec::new();
    let mut last = Value::Null;
    loop {
        let wait = if versions.last() == Some(&201) {
            QUIET_PERIOD * 2
        } else {
            Duration::from_secs(30)
        };
        match client.try_wait_notification(
            "textDocument/publishDiagnostics",
            |params| params["uri"] == uri.as_str(),
            wait,
        ) {
            Some(params) => {
                versions.push(params["version"].as_i64().unwrap_or(-1));
                last = params;
            }
            None => break,
        }
    }
    assert_eq!(
        versions.last(),
        Some(&201),
        "published versions: {versions:?}"
    );
    assert_eq!(last["diagnostics"], json!([]), "{last:#}");
    assert!(
        versions.windows(2).all(|pair| pair[0] <= pair[1]),
        "diagnostics were published out of version order: {versions:?}"
    );

    assert_clean_exit(&mut client);
}

// ---------------------------------------------------------------------------
// 4. Cancellation: one answer per request, and the server keeps serving
// ---------------------------------------------------------------------------

#[test]
fn a_cancelled_request_gets_exactly_one_answer() {
    let workspace = TempWorkspace::new("cancel");
    let text = "flag = input() == \"y\"\nif flag:\n    a = 4\nelse:\n    a = 4.1\nprint(a)\n";
    workspace.write("cancel.py", text);
    let uri = workspace.uri("cancel.py");
    let mut client = start(&workspace);
    open(&mut client, &uri, 1, text);

    // Several rounds, so both outcomes (cancelled in flight, answered first) can occur.
    let mut ids = Vec::new();
    for _ in 0..10 {
        let id = client.send_request_id("textDocument/hover", hover_params(&uri, 5, 6));
        client.notify("$/cancelRequest", json!({"id": id}));
        ids.push(id);
    }
    for &id in &ids {
        let response = client.wait_response(id);
        match response.get("error") {
            Some(error) => assert_eq!(error["code"], REQUEST_CANCELLED, "{response}"),
            None => assert!(response.get("result").is_some(), "{response}"),
        }
    }

    // Cancelling ids that never existed (a number and a string) produces nothing.
    client.notify("$/cancelRequest", json!({"id": 987_654}));
    client.notify("$/cancelRequest", json!({"id": "never-sent"}));

    // A normal request still works.
    let response = hover(&mut client, &uri, 5, 6);
    assert!(
        hover_markdown(&response).contains("4.1 (float)"),
        "{response}"
    );

    for &id in &ids {
        let second = client.try_wait_response(id, QUIET_PERIOD / 5);
        assert!(
            second.is_none(),
            "a second answer to request {id}: {second:?}"
        );
    }
    std::thread::sleep(QUIET_PERIOD);
    let stray: Vec<Value> = client
        .drain_messages()
        .into_iter()
        .filter(|message| message.get("method").is_none())
        .collect();
    assert!(stray.is_empty(), "unexpected responses: {stray:#?}");

    assert_clean_exit(&mut client);
}

// ---------------------------------------------------------------------------
// 5. Positions past the end or inside a surrogate pair
// ---------------------------------------------------------------------------

#[test]
fn out_of_range_and_mid_surrogate_positions_get_one_answer_each() {
    let workspace = TempWorkspace::new("positions");
    let text = "s = \"😀\"\nprint(s)\n";
    workspace.write("positions.py", text);
    let uri = workspace.uri("positions.py");
    let mut client = start(&workspace);
    open(&mut client, &uri, 1, text);

    let positions = [
        // Far past the last line and character.
        (10_000, 10_000),
        // Inside the surrogate pair of the emoji (`s = "` is five code units).
        (0, 6),
        // Past the end of an existing line.
        (1, 10_000),
        // The line after the final newline, which is empty.
        (2, 0),
    ];
    for (line, character) in positions {
        let response = hover(&mut client, &uri, line, character);
        assert!(
            response.get("error").is_none(),
            "hover at {line}:{character} failed: {response}"
        );
        let result = &response["result"];
        assert!(
            result.is_null() || result["contents"].is_object(),
            "hover at {line}:{character}: {response}"
        );
        let id = response["id"].as_i64().expect("numeric id");
        assert!(client.try_wait_response(id, QUIET_PERIOD / 5).is_none());
    }

    // The server is alive and still answers precisely.
    assert!(client.is_alive());
    let response = hover(&mut client, &uri, 1, 6);
    assert!(
        hover_markdown(&response).contains("'😀' (str)"),
        "{response}"
    );

    assert_clean_exit(&mut client);
}

// ---------------------------------------------------------------------------
// 6. Close, then reopen
// ---------------------------------------------------------------------------

#[test]
fn a_closed_document_can_be_hovered_and_reopened() {
    let workspace = TempWorkspace::new("close");
    // The document exists only in the editor, never on disk.
    let uri = workspace.uri("unsaved.py");
    let mut client = start(&workspace);

    open(&mut client, &uri, 1, "value = 4\nprint(value)\n");
    wait_diagnostics(&mut client, &uri, 1);
    let response = hover(&mut client, &uri, 1, 7);
    assert!(hover_markdown(&response).contains("4 (int)"), "{response}");

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    // Closing clears the document's diagnostics.
    let cleared = client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| params["uri"] == uri.as_str() && params["version"].is_null(),
        Duration::from_secs(10),
    );
    assert_eq!(cleared["diagnostics"], json!([]), "{cleared:#}");

    // The document was never on disk, so once closed there is nothing to hover.
    let response = hover(&mut client, &uri, 1, 7);
    assert!(response.get("error").is_none(), "{response}");
    assert!(response["result"].is_null(), "{response}");

    // A change to the closed document is ignored; the reopened text is what counts.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": position(0, 8), "end": position(0, 9)}, "text": "5"}],
        }),
    );
    open(&mut client, &uri, 3, "value = 'text'\nprint(value)\n");
    let published = wait_diagnostics(&mut client, &uri, 3);
    assert_eq!(published["diagnostics"], json!([]), "{published:#}");
    let response = hover(&mut client, &uri, 1, 7);
    let markdown = hover_markdown(&response);
    assert!(markdown.contains("'text' (str)"), "{markdown}");
    assert!(!markdown.contains("(int)"), "{markdown}");

    // A saved file goes back to its disk text when the editor closes it unsaved.
    workspace.write("saved.py", "count = 4\nprint(count)\n");
    let saved_uri = workspace.uri("saved.py");
    open(&mut client, &saved_uri, 1, "count = 4.5\nprint(count)\n");
    let response = hover(&mut client, &saved_uri, 1, 7);
    assert!(
        hover_markdown(&response).contains("4.5 (float)"),
        "{response}"
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": saved_uri}}),
    );
    let response = hover(&mut client, &saved_uri, 1, 7);
    let markdown = hover_markdown(&response);
    assert!(markdown.contains("4 (int)"), "{markdown}");
    assert!(!markdown.contains("(float)"), "{markdown}");

    assert_clean_exit(&mut client);
}

// ---------------------------------------------------------------------------
// Rule findings carry their protocol fields; a pasted traceback lands on its line
// ---------------------------------------------------------------------------

#[test]
fn rule_findings_and_traceback_crashes_are_published() {
    let workspace = TempWorkspace::new("crash");
    let text = "settings = {\"host\": \"localhost\"}\nport = settings[\"port\"]\nprint(port)\n";
    workspace.write("app.py", text);
    let uri = workspace.uri("app.py");
    let mut client = start(&workspace);

    open(&mut client, &uri, 1, text);
    let published = wait_diagnostics(&mut client, &uri, 1);
    let diagnostics = published["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(diagnostics.len(), 1, "{published:#}");
    let finding = &diagnostics[0];
    assert_eq!(finding["code"], "key-error", "{finding:#}");
    assert_eq!(finding["source"], "remedy", "{finding:#}");
    assert_eq!(finding["severity"], 1, "{finding:#}");
    assert_eq!(finding["data"]["exception"], "KeyError", "{finding:#}");
    assert_eq!(finding["data"]["confidence"], "definite", "{finding:#}");
    assert!(
        finding["codeDescription"]["href"]
            .as_str()
            .is_some_and(|href| href.ends_with("#key-error")),
        "{finding:#}"
    );
    let related = &finding["relatedInformation"][0];
    assert_eq!(
        related["location"]["range"]["start"]["line"], 0,
        "{finding:#}"
    );

    let traceback = "Traceback (most recent call last):\n  File \"/elsewhere/app.py\", line 3, in <module>\n    print(port)\nNameError: name 'port' is not defined\n";
    let answer = client.request(
        "workspace/executeCommand",
        json!({"command": "remedy.healTraceback", "arguments": [traceback]}),
    );
    assert_eq!(answer["result"][0]["line"], 3, "{answer:#}");
    assert_eq!(answer["result"][0]["rule"], "undefined-name", "{answer:#}");
    let published = client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| {
            params["uri"] == uri.as_str()
                && params["diagnostics"]
                    .as_array()
                    .is_some_and(|diagnostics| diagnostics.len() == 2)
        },
        Duration::from_secs(30),
    );
    let crash = &published["diagnostics"][1];
    assert_eq!(crash["range"]["start"]["line"], 2, "{published:#}");
    assert_eq!(crash["data"]["exception"], "NameError", "{published:#}");

    let unknown = client.request(
        "workspace/executeCommand",
        json!({"command": "remedy.nothing", "arguments": []}),
    );
    assert!(unknown.get("error").is_some(), "{unknown:#}");
    assert_clean_exit(&mut client);
}

#[test]
fn code_actions_offer_verified_fixes_fix_all_and_suppression() {
    let workspace = TempWorkspace::new("heal");
    let text = "settings = {\"host\": \"localhost\"}\nport = settings[\"port\"]\nprint(port)\n";
    workspace.write("app.py", text);
    let uri = workspace.uri("app.py");
    let mut client = start(&workspace);

    open(&mut client, &uri, 1, text);
    let published = wait_diagnostics(&mut client, &uri, 1);
    let diagnostic = published["diagnostics"][0].clone();
    assert_eq!(diagnostic["code"], "key-error", "{published:#}");

    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri.as_str()},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic]},
        }),
    );
    let actions = answer["result"].as_array().cloned().unwrap_or_default();
    assert!(actions.len() >= 2, "{answer:#}");
    let first = &actions[0];
    assert_eq!(first["kind"], "quickfix", "{first:#}");
    assert_eq!(first["isPreferred"], true, "{first:#}");
    assert_eq!(first["diagnostics"][0]["code"], "key-error", "{first:#}");
    assert_eq!(first["data"]["fix"], "dict-get", "{first:#}");
    let edits = &first["edit"]["changes"][uri.as_str()];
    assert_eq!(
        edits[0]["newText"], "settings.get(\"port\", \"\")",
        "{first:#}"
    );
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 1, "character": 7})
    );
    // The suppression comes after every real fix (and before the source actions).
    let suppress = actions
        .iter()
        .position(|action| action["data"]["fix"] == "suppress")
        .expect("a suppression is offered");
    assert!(
        actions[..suppress]
            .iter()
            .all(|action| action["kind"] == "quickfix"),
        "{answer:#}"
    );
    assert_eq!(
        actions[suppress]["edit"]["changes"][uri.as_str()][0]["newText"],
        "  # remedy: ignore[key-error]",
        "{answer:#}"
    );

    let fix_all = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri.as_str()},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    let actions = fix_all["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(actions.len(), 1, "{fix_all:#}");
    assert_eq!(actions[0]["kind"], "source.fixAll.remedy", "{fix_all:#}");
    assert_eq!(
        actions[0]["edit"]["changes"][uri.as_str()][0]["newText"],
        "settings.get(\"port\", \"\")"
    );

    // The cursor at the start of the line, the diagnostic handed in: its fixes come.
    let at_line_start = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri.as_str()},
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
            "context": {"diagnostics": [diagnostic]},
        }),
    );
    assert_eq!(
        at_line_start["result"][0]["data"]["fix"], "dict-get",
        "{at_line_start:#}"
    );

    // Past the end of the document: an empty answer, not an error.
    let outside = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri.as_str()},
            "range": {"start": {"line": 90, "character": 0}, "end": {"line": 99, "character": 4}},
            "context": {"diagnostics": []},
        }),
    );
    assert!(outside.get("error").is_none(), "{outside:#}");
    assert_clean_exit(&mut client);
}
