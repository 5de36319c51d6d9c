//! Security end-to-end tests: Remedy never runs workspace code, never starts a process
//! (no interpreter is asked for `sys.path`: `pyvenv.cfg` and site-packages folders are
//! read instead), reads configuration and plugin manifests as data only, and writes no
//! file, inside the workspace or out of it.
//!
//! User rule files (`.remedy/rules/*.json`) are data too: the sandbox's rules carry shell
//! commands and Python code in every string (message, fix, query predicates, unknown
//! fields); the rules run, their fix is offered as an edit, and nothing else happens.
//!
//! The workspace holds a logging fake `python` in `.venv/bin`, and another one comes
//! first on the server's `PATH`; both append to a log file when run. Its code would
//! write marker files if it ever ran; its `remedy.toml` and `plugin.json` carry strings
//! that a shell would run.

mod support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use support::LspClient;

struct Sandbox {
    base: PathBuf,
    root: PathBuf,
    outside: PathBuf,
    canary_log: PathBuf,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folders");
    std::fs::write(path, text).expect("write a file");
}

fn write_canary(path: &Path, log: &Path) {
    write(
        path,
        &format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\n", log.display()),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .expect("make the canary executable");
    }
}

fn sandbox(label: &str) -> Sandbox {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let base = std::env::temp_dir().join(format!(
        "remedy-security-{label}-{}-{nanos}",
        std::process::id()
    ));
    let root = base.join("workspace");
    let outside = base.join("outside");
    let canary_log = base.join("interpreter-runs.log");
    let marker = outside.join("code-ran.txt");
    write(
        &root.join("main.py"),
        &format!(
            "import os, subprocess, somepkg\n\
             open({marker:?}, 'w').write('ran')\n\
             subprocess.run(['touch', {marker:?}])\n\
             os.system('touch {}')\n\
             exec(\"open('x', 'w')\")\n\
             value = somepkg.helper()\n\
             cfg = {{'host': 'h'}}\n\
             port = cfg['port']\n",
            marker.display()
        ),
    );
    write(
        &root.join("setup.py"),
        &format!("open({marker:?}, 'w').write('setup.py ran')\n"),
    );
    write(
        &root.join("conftest.py"),
        &format!("open({marker:?}, 'w').write('conftest ran')\n"),
    );
    write(
        &root.join("remedy.toml"),
        &format!(
            "python = \"{}\"\nextra-paths = [\"$(touch {})\", \"`touch {}`\"]\n",
            root.join(".venv/bin/python").display(),
            marker.display(),
            marker.display()
        ),
    );
    write(
        &root.join("plugins/tool/plugin.json"),
        &format!(
            "{{\"name\": \"tool\", \"entry_point\": \"sh -c 'touch {}'\", \"command\": \"python -c 1\"}}\n",
            marker.display()
        ),
    );
    write(
        &root.join(".remedy/rules/hostile.json"),
        &format!(
            r#"{{
  "id": "hostile-port",
  "message": "$(touch {marker}) `{{site}}` lacks {{key}}; `touch {marker}`",
  "summary": "__import__('os').system('touch {marker}')",
  "exception": "KeyError",
  "query": "(subscript value: (identifier) @cfg subscript: (string) @key (#match? @key \"port\") (#not-eq? @cfg \"$(touch {marker})\")) @site",
  "at": "site",
  "where": [{{ "predicate": "key-not-in-known-keys", "dict": "cfg", "key": "key" }}],
  "fix": {{ "title": "Run `touch {marker}`", "target": "site", "text": "__import__('os').system('touch {marker}')" }}
}}
"#,
            marker = marker.display()
        ),
    );
    write(
        &root.join(".remedy/rules/invalid.json"),
        &format!(
            "{{\"id\": \"run-it\", \"message\": \"m\", \"query\": \"(call) @c\", \"command\": \"sh -c 'touch {}'\", \"exec\": \"import os\"}}\n",
            marker.display()
        ),
    );
    write(
        &root.join(".venv/pyvenv.cfg"),
        "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n",
    );
    write(
        &root.join(".venv/lib/python3.11/site-packages/somepkg/__init__.py"),
        &format!("open({marker:?}, 'w')\n\ndef helper():\n    return 1\n"),
    );
    write_canary(&root.join(".venv/bin/python"), &canary_log);
    write_canary(&root.join(".venv/bin/python3"), &canary_log);
    write_canary(&outside.join("bin/python"), &canary_log);
    write_canary(&outside.join("bin/python3"), &canary_log);
    Sandbox {
        base,
        root,
        outside,
        canary_log,
    }
}

/// The server's environment: the canary folder first on `PATH`, the workspace's `.venv`
/// as the active environment.
fn canary_env(sandbox: &Sandbox) -> Vec<(&'static str, OsString)> {
    let mut paths = vec![sandbox.outside.join("bin")];
    if let Some(existing) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    vec![
        ("PATH", std::env::join_paths(paths).expect("a valid PATH")),
        ("VIRTUAL_ENV", sandbox.root.join(".venv").into_os_string()),
    ]
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Every file under `root`, sorted.
fn list_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files.sort();
    files
}

/// The children of a process, from `/proc` (Linux).
fn child_processes(pid: u32) -> Vec<String> {
    let mut children = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Ok(list) = std::fs::read_to_string(task.path().join("children")) {
            children.extend(list.split_whitespace().map(str::to_owned));
        }
    }
    children
}

fn assert_nothing_ran(sandbox: &Sandbox, before: &[PathBuf], outside_before: &[PathBuf]) {
    let runs = std::fs::read_to_string(&sandbox.canary_log).unwrap_or_default();
    assert!(runs.is_empty(), "an interpreter ran: {runs}");
    assert!(
        !sandbox.outside.join("code-ran.txt").exists(),
        "workspace code ran"
    );
    assert_eq!(
        list_files(&sandbox.root),
        before,
        "files changed in the workspace"
    );
    assert_eq!(
        list_files(&sandbox.outside),
        outside_before,
        "files changed outside the workspace"
    );
}

#[test]
fn the_language_server_runs_no_interpreter_and_writes_no_file() {
    let sandbox = sandbox("lsp");
    let before = list_files(&sandbox.root);
    let outside_before = list_files(&sandbox.outside);
    let mut client = LspClient::spawn_with_env(
        &["lsp", "--stdio"],
        Some(&sandbox.root),
        &canary_env(&sandbox),
    );
    let root_uri = file_uri(&sandbox.root);
    client.initialize_with(json!({
        "processId": null,
        "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "workspace"}],
        "capabilities": {
            "window": {"workDoneProgress": true},
            "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        },
    }));
    client.wait_notification(
        "$/progress",
        |params| params["token"] == "remedy/indexing" && params["value"]["kind"] == "end",
        Duration::from_secs(30),
    );
    let main = sandbox.root.join("main.py");
    let uri = file_uri(&main);
    let text = std::fs::read_to_string(&main).expect("read main.py");
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
    );
    let mut children = Vec::new();
    let diagnostics = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    children.extend(child_processes(client.pid()));
    let items = diagnostics["result"]["items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        items.iter().any(|item| item["code"] == "key-error"),
        "the analysis ran (a key-error is expected): {diagnostics}"
    );
    assert!(
        items.iter().any(|item| item["code"] == "hostile-port"),
        "the user rule ran: {diagnostics}"
    );
    // The invalid rule file is reported, not run.
    let rules_uri = file_uri(&sandbox.root.join(".remedy/rules/invalid.json"));
    let invalid = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": rules_uri}}),
    );
    assert!(
        invalid["result"]["items"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("unknown field `command`")),
        "{invalid}"
    );
    // Reloading the rule files (watched change, save) reads them as data again.
    let hostile_uri = file_uri(&sandbox.root.join(".remedy/rules/hostile.json"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": hostile_uri, "type": 2}, {"uri": rules_uri, "type": 2}]}),
    );
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": hostile_uri}}),
    );
    // The site-packages module is found from `pyvenv.cfg`, without an interpreter.
    let definition = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 10}}),
    );
    let target = definition["result"][0]["uri"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        target.ends_with("site-packages/somepkg/__init__.py"),
        "somepkg resolves into the environment: {definition}"
    );
    for (line, character) in [(0, 8), (1, 2), (2, 12), (3, 4), (4, 2), (7, 10)] {
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
    }
    children.extend(child_processes(client.pid()));
    // Code actions and commands: whatever they answer edits only workspace files, and
    // nothing is written on the server's side.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
            "range": {"start": {"line": 7, "character": 0}, "end": {"line": 7, "character": 17}},
            "context": {"diagnostics": items}}),
    );
    // The user rule's fix is an edit offered to the client, never something run.
    assert!(
        actions["result"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|action| action["title"]
                .as_str()
                .is_some_and(|title| title.starts_with("Run `touch "))),
        "{actions}"
    );
    for uri in edited_uris(&actions) {
        assert!(
            uri.starts_with(&format!("{root_uri}/")),
            "a code action edits {uri}"
        );
    }
    let traceback = format!(
        "Traceback (most recent call last):\n  File \"{}\", line 8, in <module>\n    port = cfg['port']\nKeyError: 'port'\n  File \"/etc/passwd\", line 1, in <module>\n",
        main.display()
    );
    let healed = client.request(
        "workspace/executeCommand",
        json!({"command": "remedy.healTraceback", "arguments": [traceback]}),
    );
    assert!(healed.get("result").is_some(), "{healed}");
    let shutdown_status = client.shutdown_and_exit();
    assert!(shutdown_status.success(), "{}", client.stderr());
    for request in client.server_requests() {
        if request["method"] == "workspace/applyEdit" {
            for uri in edited_uris(&request["params"]) {
                assert!(
                    uri.starts_with(&format!("{root_uri}/")),
                    "applyEdit of {uri}"
                );
            }
        }
    }
    assert!(
        children.is_empty(),
        "the server started processes: {children:?}"
    );
    assert_nothing_ran(&sandbox, &before, &outside_before);
}

#[test]
fn remedy_check_runs_no_interpreter_and_writes_no_file() {
    let sandbox = sandbox("check");
    let before = list_files(&sandbox.root);
    let outside_before = list_files(&sandbox.outside);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["check", "--format", "json"])
        .arg(&sandbox.root)
        .current_dir(&sandbox.root)
        .envs(canary_env(&sandbox))
        .output()
        .expect("run remedy check");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("hostile-port") && stdout.contains("invalid-user-rule"),
        "the user rules were read: {stdout}"
    );
    assert!(
        stdout.contains("key-error"),
        "the check ran (status {:?}): {stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_nothing_ran(&sandbox, &before, &outside_before);
}

/// Every URI a workspace edit touches.
fn edited_uris(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
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
                stack.extend(object.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out
}
