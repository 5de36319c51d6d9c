//! A client that pulls diagnostics (VS Code) is told to pull again once the workspace is
//! loaded: a pull answered before, or cancelled by the load, would otherwise stay empty until
//! the next edit. Found with the real VS Code (`editors/vscode/e2e`).

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::LspClient;

#[test]
fn pulling_clients_get_a_refresh_after_the_workspace_loads() {
    let root = std::env::temp_dir().join(format!("remedy-e2e-pull-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("the temp workspace can be created");
    std::fs::write(root.join("app.py"), "cfg = {'a': 1}\nvalue = cfg['b']\n").expect("writable");
    let root_uri = format!("file://{}", root.display());

    let mut client = LspClient::spawn();
    let result = client.initialize_with(json!({
        "processId": std::process::id(),
        "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "pull"}],
        "capabilities": {
            "textDocument": {"diagnostic": {"dynamicRegistration": false}},
            "workspace": {"diagnostics": {"refreshSupport": true}},
        },
    }));
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
