//! End-to-end protocol tests: handshake, encoding negotiation, malformed input and exit codes.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{LspClient, frame};

/// Asserts that the server wrote nothing but clean frames on stdout.
fn assert_clean_stdout(client: &LspClient) {
    let errors = client.protocol_errors();
    assert!(errors.is_empty(), "protocol errors on stdout: {errors:#?}");
}

fn position_encoding(result: &Value) -> Option<&str> {
    result
        .pointer("/capabilities/positionEncoding")
        .and_then(Value::as_str)
}

#[test]
fn handshake_and_clean_exit() {
    let mut client = LspClient::spawn();
    let result = client.initialize(json!({}));
    assert!(result["capabilities"].is_object(), "{result}");
    assert!(client.is_alive());
    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0), "{}", client.stderr());
    assert_clean_stdout(&client);
}

#[test]
fn utf8_is_chosen_when_offered() {
    let mut client = LspClient::spawn();
    let result = client.initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(position_encoding(&result), Some("utf-8"), "{result}");
    client.shutdown_and_exit();
}

#[test]
fn utf16_is_used_when_nothing_is_offered() {
    let mut client = LspClient::spawn();
    let result = client.initialize(json!({}));
    // An absent positionEncoding also means UTF-16, so both answers are correct.
    let encoding = position_encoding(&result).unwrap_or("utf-16");
    assert_eq!(encoding, "utf-16", "{result}");
    client.shutdown_and_exit();
}

#[test]
fn utf16_only_clients_get_utf16() {
    let mut client = LspClient::spawn();
    let result = client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    assert_eq!(
        position_encoding(&result).unwrap_or("utf-16"),
        "utf-16",
        "{result}"
    );
    client.shutdown_and_exit();
}

#[test]
fn malformed_frames_are_survived() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));

    // Bad JSON with an id: exactly one error response for that id.
    client.send_raw(&frame(
        br#"{"jsonrpc":"2.0","id":9001,"method":"textDocument/hover","params":{"#,
    ));
    let response = client.wait_response(9001);
    let code = response.pointer("/error/code").and_then(Value::as_i64);
    assert_eq!(code, Some(-32700), "{response}");

    // None of these can be answered: bad JSON without an id, a batch, a notification with a
    // lone surrogate (repaired and forwarded), a header block without a length, an object id.
    client.send_raw(&frame(
        br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"#,
    ));
    client.send_raw(&frame(b"[1, 2, 3]"));
    client.send_raw(&frame(br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/x.py","languageId":"python","version":1,"text":"s = '\ud800'"}}}"#));
    client.send_raw(b"this is not a header\r\n\r\ncontent-length: 2\r\n\r\n{}");
    client.send_raw(&frame(br#"{"jsonrpc":"2.0","id":{},"method":"shutdown"}"#));

    // A non-string method with an id is answered once, with an error for that id.
    client.send_raw(&frame(br#"{"jsonrpc":"2.0","id":9002,"method":42}"#));
    let response = client.wait_response(9002);
    // A well-formed body with a bad shape is an invalid request (-32600), not a parse error.
    assert_eq!(
        response.pointer("/error/code").and_then(Value::as_i64),
        Some(-32600),
        "{response}"
    );

    // The server still answers normal requests, and answered each malformed id once.
    let response = client.request("shutdown", Value::Null);
    assert!(response.get("error").is_none(), "{response}");
    let leftovers = client.drain_messages();
    let stray_responses: Vec<&Value> = leftovers
        .iter()
        .filter(|message| message.get("method").is_none())
        .collect();
    assert!(
        stray_responses.is_empty(),
        "unexpected responses: {stray_responses:#?}"
    );

    client.notify("exit", Value::Null);
    client.close_stdin();
    let status = client.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "{}", client.stderr());
    assert_clean_stdout(&client);
}

#[test]
fn closing_stdin_ends_the_server() {
    let mut client = LspClient::spawn();
    client.initialize(json!({}));
    client.close_stdin();
    let status = client.wait_exit(Duration::from_secs(10));
    assert!(!client.is_alive(), "{status}");
    // Exiting without a shutdown request is an error exit, as the LSP specification asks.
    assert_eq!(status.code(), Some(1), "{}", client.stderr());
}
