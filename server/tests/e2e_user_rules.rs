//! User rules end to end: an invalid `.remedy/rules/*.json` file gets a diagnostic on its
//! own URI, and rewriting it on disk (announced by `didChangeWatchedFiles` or `didSave`)
//! reloads the rules: the diagnostic goes and the rule fires in the Python file.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use support::LspClient;

struct Folder(PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn folder() -> Folder {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let path =
        std::env::temp_dir().join(format!("remedy-user-rules-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(path.join(".remedy/rules")).expect("create the rules folder");
    Folder(path)
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

const MAIN: &str =
    "import time\n\n\ndef pause(delay=None):\n    time.sleep(delay)\n\n\npause(None)\n";

const BROKEN: &str = r#"{
  "id": "sleep-none",
  "message": "`{delay}` may be None",
  "query": "(call arguments: (argument_list (identifer) @delay))",
  "where": [{ "predicate": "may-be-none", "capture": "delay" }]
}
"#;

fn fixed() -> String {
    BROKEN.replace("identifer", "identifier")
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|diagnostic| diagnostic["code"].as_str().map(str::to_owned))
        .collect()
}

fn start(root: &Path) -> LspClient {
    let mut client = LspClient::spawn_in(root);
    let root_uri = file_uri(root);
    client.initialize_with(json!({
        "processId": null,
        "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "workspace"}],
        "capabilities": {},
    }));
    client
}

#[test]
fn an_invalid_rule_file_gets_a_diagnostic_and_a_fixed_one_reloads_on_watched_change() {
    let folder = folder();
    let rule_path = folder.0.join(".remedy/rules/sleep.json");
    std::fs::write(&rule_path, BROKEN).expect("write the rule file");
    std::fs::write(folder.0.join("main.py"), MAIN).expect("write main.py");
    let mut client = start(&folder.0);
    let rule_uri = file_uri(&rule_path);
    let published = client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| params["uri"] == rule_uri.as_str() && !codes(params).is_empty(),
        Duration::from_secs(30),
    );
    assert_eq!(codes(&published), ["invalid-user-rule"], "{published}");
    let diagnostic = &published["diagnostics"][0];
    let message = diagnostic["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("Rule `sleep-none`: the query does not compile (unknown node type"),
        "{published}"
    );
    assert_eq!(diagnostic["source"], "remedy");
    assert_eq!(diagnostic["severity"], 1);
    // On the `"query"` key (line 4 of the file).
    assert_eq!(diagnostic["range"]["start"]["line"], 3, "{published}");

    // The open Python file does not see the broken rule.
    let main_uri = file_uri(&folder.0.join("main.py"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main_uri, "languageId": "python", "version": 1, "text": MAIN}}),
    );
    let first = client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| params["uri"] == main_uri.as_str(),
        Duration::from_secs(30),
    );
    assert!(!codes(&first).contains(&"sleep-none".to_owned()), "{first}");

    // Fixed on disk: the rule file's diagnostic is cleared and the rule fires.
    std::fs::write(&rule_path, fixed()).expect("rewrite the rule file");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rule_uri, "type": 2}]}),
    );
    client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| params["uri"] == rule_uri.as_str() && codes(params).is_empty(),
        Duration::from_secs(30),
    );
    let fired = client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| {
            params["uri"] == main_uri.as_str() && codes(params).contains(&"sleep-none".to_owned())
        },
        Duration::from_secs(30),
    );
    let finding = fired["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|diagnostic| diagnostic["code"] == "sleep-none")
        .cloned()
        .unwrap_or_default();
    assert_eq!(finding["message"], "`delay` may be None", "{fired}");
    assert_eq!(finding["range"]["start"]["line"], 4, "{fired}");

    // Broken again and saved: `didSave` alone reloads it.
    std::fs::write(&rule_path, BROKEN).expect("break the rule file again");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": rule_uri}}),
    );
    client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| params["uri"] == rule_uri.as_str() && codes(params) == ["invalid-user-rule"],
        Duration::from_secs(30),
    );
    client.wait_notification(
        "textDocument/publishDiagnostics",
        |params| {
            params["uri"] == main_uri.as_str() && !codes(params).contains(&"sleep-none".to_owned())
        },
        Duration::from_secs(30),
    );
    let status = client.shutdown_and_exit();
    assert!(status.success(), "{}", client.stderr());
}

#[test]
fn remedy_check_prints_the_problems_of_rule_files() {
    let folder = folder();
    std::fs::write(folder.0.join(".remedy/rules/sleep.json"), BROKEN).expect("write");
    std::fs::write(folder.0.join("main.py"), MAIN).expect("write main.py");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["check", "--no-progress"])
        .arg(folder.0.join("main.py"))
        .current_dir(&folder.0)
        .output()
        .expect("run remedy check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("error[invalid-user-rule]: Rule `sleep-none`: the query does not compile")
            && stdout.contains(".remedy/rules/sleep.json:4:3"),
        "{stdout}"
    );
    std::fs::write(folder.0.join(".remedy/rules/sleep.json"), fixed()).expect("rewrite");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["check", "--no-progress", "."])
        .current_dir(&folder.0)
        .output()
        .expect("run remedy check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("[sleep-none]: `delay` may be None")
            && !stdout.contains("invalid-user-rule"),
        "{stdout}"
    );
}
