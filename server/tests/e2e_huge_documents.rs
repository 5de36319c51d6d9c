//! A document over the analysis limits (here 40,000 lines) takes seconds to parse and
//! index in a debug build. Its requests must not wait for that: until the background
//! analysis of the latest version is complete, each answers at once from the last
//! complete analysis (or empty before the first one), with every range inside the
//! document; once the analysis is built the answers are the fresh ones, and a pulling
//! client is told to pull again after the analysis completes.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::LspClient;

/// Far above what an answer from the last analysis takes (a loaded machine, a debug
/// build), far below what a parse and an index of the document take there.
const ANSWER_BOUND: Duration = Duration::from_secs(2);

/// Lines per function of [`huge_text`]: few symbols keep the answers small (a debug
/// build of the test client parses them), long lines make the parse slow.
const FUNCTION_LINES: usize = 20;

fn huge_text(functions: usize) -> String {
    let mut text = String::new();
    for index in 0..functions {
        text.push_str(&format!("def f{index}(a):\n"));
        // Expression statements: many nodes to parse, no symbols.
        text.push_str(
            &"    a + a + a + a + a + a + a + a + a + a + a + a\n".repeat(FUNCTION_LINES - 2),
        );
        text.push_str("    return a\n");
    }
    text
}

fn timed_request(client: &mut LspClient, method: &str, params: Value) -> (Value, Duration) {
    let sent = Instant::now();
    let response = client.request(method, params);
    (response, sent.elapsed())
}

fn symbol_names(response: &Value) -> Vec<String> {
    response["result"]
        .as_array()
        .map(|symbols| {
            symbols
                .iter()
                .filter_map(|symbol| symbol["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Every `range` and `selectionRange` of `value` lies within `line_count` lines.
fn assert_ranges_inside(value: &Value, line_count: u64, line_length: impl Fn(u64) -> u64 + Copy) {
    match value {
        Value::Object(object) => {
            for key in ["range", "selectionRange"] {
                if let Some(range) = object.get(key) {
                    for end in ["start", "end"] {
                        let line = range[end]["line"].as_u64().expect("a line");
                        let character = range[end]["character"].as_u64().expect("a character");
                        assert!(
                            line < line_count && character <= line_length(line),
                            "{key} {range} outside the document"
                        );
                    }
                }
            }
            for item in object.values() {
                assert_ranges_inside(item, line_count, line_length);
            }
        }
        Value::Array(items) => {
            for item in items {
                assert_ranges_inside(item, line_count, line_length);
            }
        }
        _ => {}
    }
}

#[test]
fn requests_about_a_huge_document_answer_within_a_budget_then_converge() {
    let root = std::env::temp_dir().join(format!("remedy-e2e-huge-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("the temp workspace can be created");
    let path = root.join("huge.py");
    let functions = 2_000;
    let text = huge_text(functions);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("file://{}", path.display());

    let mut client = LspClient::spawn();
    client.set_timeout(Duration::from_secs(60));
    client.initialize_pulling(&root_uri, "huge", true);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let document = json!({"uri": uri});

    // Right after the open: answers within the bound, whatever they hold.
    let (_, elapsed) = timed_request(
        &mut client,
        "textDocument/documentSymbol",
        json!({"textDocument": document}),
    );
    assert!(elapsed < ANSWER_BOUND, "symbols took {elapsed:?}");
    let (first_pull, elapsed) = timed_request(
        &mut client,
        "textDocument/diagnostic",
        json!({"textDocument": document}),
    );
    assert!(elapsed < ANSWER_BOUND, "diagnostics took {elapsed:?}");
    let first_pull_was_complete = first_pull["result"]["items"]
        .as_array()
        .is_some_and(|items| !items.is_empty());

    // Once the analysis is built: every function, and the note on the limited analysis.
    let deadline = Instant::now() + Duration::from_secs(90);
    let names = loop {
        let (response, elapsed) = timed_request(
            &mut client,
            "textDocument/documentSymbol",
            json!({"textDocument": document}),
        );
        assert!(elapsed < ANSWER_BOUND, "symbols took {elapsed:?}");
        let names = symbol_names(&response);
        if names.len() == functions || Instant::now() > deadline {
            break names;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(names.len(), functions);
    assert_eq!(names[0], "f0");
    assert_eq!(names[functions - 1], format!("f{}", functions - 1));
    let items = loop {
        let (response, _) = timed_request(
            &mut client,
            "textDocument/diagnostic",
            json!({"textDocument": document}),
        );
        let items = response["result"]["items"].clone();
        if items.as_array().is_some_and(|items| !items.is_empty()) || Instant::now() > deadline {
            break items;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let rules: Vec<&str> = items
        .as_array()
        .expect("a full report")
        .iter()
        .filter_map(|item| item["code"].as_str())
        .collect();
    assert_eq!(rules, vec!["analysis-limited"]);
    // The first pull came before any analysis (which takes seconds here): it was
    // answered empty, and followed by a request to pull again.
    assert!(!first_pull_was_complete, "{first_pull}");
    let refreshed = client
        .server_requests()
        .iter()
        .any(|request| request["method"] == "workspace/diagnostic/refresh");
    assert!(refreshed, "no refresh after a stale pull");

    // An edit that drops the last 500 functions: the next answers come within the
    // bound, and what they hold lies inside the shorter document.
    let kept_lines = (FUNCTION_LINES * (functions - 500)) as u32;
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": kept_lines, "character": 0},
                          "end": {"line": (FUNCTION_LINES * functions) as u32, "character": 0}},
                "text": "def added(a):\n    return a\n",
            }],
        }),
    );
    let edited: String = text
        .split_inclusive('\n')
        .take(kept_lines as usize)
        .chain(["def added(a):\n", "    return a\n"])
        .collect();
    let lengths: Vec<u64> = edited.split('\n').map(|line| line.len() as u64).collect();
    let line_count = lengths.len() as u64;
    let line_length = |line: u64| lengths[line as usize];
    let deadline = Instant::now() + Duration::from_secs(90);
    let names = loop {
        let (response, elapsed) = timed_request(
            &mut client,
            "textDocument/documentSymbol",
            json!({"textDocument": document}),
        );
        assert!(elapsed < ANSWER_BOUND, "symbols took {elapsed:?}");
        assert_ranges_inside(&response["result"], line_count, line_length);
        let names = symbol_names(&response);
        if names.last().is_some_and(|name| name == "added") || Instant::now() > deadline {
            break names;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(names.len(), functions - 500 + 1);
    assert_eq!(names.last().map(String::as_str), Some("added"));

    assert!(client.shutdown_and_exit().success());
    let _ = std::fs::remove_dir_all(&root);
}
