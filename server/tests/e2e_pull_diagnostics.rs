//! Pull or push diagnostics. A client that pulls (VS Code) is told to pull again once the
//! workspace is loaded: a pull answered before, or cancelled by the load, would otherwise stay
//! empty until the next edit. A client that pulls but cannot be told to pull again (Neovim
//! 0.11 has no `workspace/diagnostic/refresh`) gets pushed diagnostics instead. Both found with
//! the real editors (`editors/vscode/e2e`, `editors/neovim/test`).

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::LspClient;

/// The text of `app.py` in every test's workspace: a `key-error` finding on line 2.
const APP: &str = "cfg = {'a': 1}\nvalue = cfg['b']\n";

/// A temporary workspace folder named after `name` holding `app.py` ([`APP`]): the
/// folder, its URI and the URI of `app.py`.
fn workspace(name: &str) -> (std::path::PathBuf, String, String) {
    let root = std::env::temp_dir().join(format!("remedy-e2e-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("the temp workspace can be created");
    let path = root.join("app.py");
    std::fs::write(&path, APP).expect("writable");
    let root_uri = format!("file://{}", root.display());
    let uri = format!("file://{}", path.display());
    (root, root_uri, uri)
}

#[test]
fn pulling_clients_get_a_refresh_after_the_workspace_loads() {
    let (root, root_uri, _) = workspace("pull");
    let mut client = LspClient::spawn();
    let result = client.initialize_pulling(&root_uri, "pull", true);
    assert!(result["capabilities"]["diagnosticProvider"].is_object());

    let deadline = Instant::now() + Duration::from_secs(20);
    let refreshed = loop {
        let refreshed = client
            .server_requests()
            .iter()
            .any(|request| request["method"] == "workspace/diagnostic/refresh");
        if refreshed || Instant::now() > deadline {
            break refreshed;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        refreshed,
        "no workspace/diagnostic/refresh: {:?}",
        client.server_requests()
    );
    assert!(client.shutdown_and_exit().success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn clients_without_refresh_support_get_pushed_diagnostics() {
    let (root, root_uri, uri) = workspace("push");
    let text = APP;
    let mut client = LspClient::spawn();
    // What Neovim 0.11 sends: pull capability, no refresh support.
    let result = client.initialize_pulling(&root_uri, "push", false);
    assert!(result["capabilities"]["diagnosticProvider"].is_null());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let published = client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| {
            params["uri"] == uri.as_str()
                && params["diagnostics"]
                    .as_array()
                    .is_some_and(|items| items.iter().any(|item| item["code"] == "key-error"))
        },
        Duration::from_secs(20),
    );
    assert_eq!(published["uri"], uri.as_str());
    assert!(client.shutdown_and_exit().success());
    let _ = std::fs::remove_dir_all(&root);
}

/// Every full report carries a result id; a pull that sends it back as `previousResultId`
/// while the diagnostics are the same gets an `unchanged` report (VS Code pulls every
/// open document after any change), and a changed document gets a full report with a new
/// id.
#[test]
fn a_pull_with_the_last_result_id_of_unchanged_diagnostics_is_answered_unchanged() {
    let (root, root_uri, uri) = workspace("result-id");
    let text = APP;
    let mut client = LspClient::spawn();
    client.initialize_pulling(&root_uri, "result-id", true);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let pull = |client: &mut LspClient, previous: Option<&str>| {
        let mut params = json!({"textDocument": {"uri": uri}});
        if let Some(previous) = previous {
            params["previousResultId"] = json!(previous);
        }
        client.request("textDocument/diagnostic", params)["result"].take()
    };
    // Until the workspace has loaded, a pull may come back empty (a refresh follows).
    let deadline = Instant::now() + Duration::from_secs(20);
    let first = loop {
        let report = pull(&mut client, None);
        let found = report["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|item| item["code"] == "key-error"));
        if found || Instant::now() > deadline {
            break report;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(first["kind"], "full", "{first}");
    let first_id = first["resultId"].as_str().expect("a result id").to_owned();

    let again = pull(&mut client, Some(&first_id));
    assert_eq!(again["kind"], "unchanged", "{again}");
    assert_eq!(again["resultId"], first_id.as_str());
    assert!(again.get("items").is_none());
    // An id the server did not give gets the full report.
    let unknown = pull(&mut client, Some("not-an-id"));
    assert_eq!(unknown["kind"], "full");
    assert_eq!(unknown["resultId"], first_id.as_str());

    // A comment changes the text, not the diagnostics: still unchanged.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": format!("{text}# note\n")}],
        }),
    );
    let commented = pull(&mut client, Some(&first_id));
    assert_eq!(commented["kind"], "unchanged", "{commented}");

    // The key exists now: the finding goes, and so does the id.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [{"text": "cfg = {'a': 1, 'b': 2}\nvalue = cfg['b']\n"}],
        }),
    );
    let fixed = pull(&mut client, Some(&first_id));
    assert_eq!(fixed["kind"], "full", "{fixed}");
    assert_ne!(fixed["resultId"], first_id.as_str());
    assert!(
        fixed["items"]
            .as_array()
            .is_some_and(|items| items.iter().all(|item| item["code"] != "key-error")),
        "{fixed}"
    );
    assert!(client.shutdown_and_exit().success());
    let _ = std::fs::remove_dir_all(&root);
}
