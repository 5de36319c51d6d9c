//! The editor set-ups in `editors/` name the real binary, flags and settings.
//!
//! Helix cannot run here, so its `languages.toml` is parsed and its server command is started
//! exactly as Helix would start it, with its `config` as `initializationOptions`. The Neovim and
//! VS Code set-ups are exercised by real clients (`editors/neovim/test`, `editors/vscode/e2e`);
//! here they are only checked to start the same command.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::LspClient;

/// The feature names Helix accepts in `only-features` / `except-features`.
const HELIX_FEATURES: &[&str] = &[
    "format",
    "goto-definition",
    "goto-declaration",
    "goto-type-definition",
    "goto-reference",
    "goto-implementation",
    "signature-help",
    "hover",
    "document-highlight",
    "completion",
    "code-action",
    "workspace-command",
    "document-symbols",
    "workspace-symbols",
    "diagnostics",
    "rename-symbol",
    "inlay-hints",
];

fn editors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors")
}

fn read(relative: &str) -> String {
    let path = editors_dir().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn helix_languages() -> (String, toml::Table) {
    let text = read("helix/languages.toml");
    let table: toml::Table = text.parse().expect("languages.toml is valid TOML");
    (text, table)
}

fn binary_name() -> String {
    Path::new(env!("CARGO_BIN_EXE_remedy"))
        .file_stem()
        .and_then(|stem| stem.to_str())
        .expect("the binary has a name")
        .to_owned()
}

fn toml_to_json(value: &toml::Value) -> Value {
    serde_json::to_value(value).expect("TOML values convert to JSON")
}

#[test]
fn helix_server_entry_names_the_binary_and_its_flags() {
    let (_, languages) = helix_languages();
    let server = &languages["language-server"]["remedy"];
    assert_eq!(server["command"].as_str(), Some(binary_name().as_str()));
    let args: Vec<&str> = server["args"]
        .as_array()
        .expect("args is an array")
        .iter()
        .map(|arg| arg.as_str().expect("args are strings"))
        .collect();
    assert_eq!(args, ["lsp"]);

    // Start the binary with Helix's arguments and configuration, as Helix does.
    let options = toml_to_json(&server["config"]);
    let mut client = LspClient::spawn_with(&args, None);
    let result = client.initialize_with(json!({
        "processId": std::process::id(),
        "clientInfo": {"name": "helix", "version": "25.07.1"},
        "rootUri": null,
        "capabilities": {},
        "initializationOptions": options,
    }));
    assert_eq!(result["serverInfo"]["name"], "remedy");
    assert!(
        result["capabilities"]["hoverProvider"]
            .as_bool()
            .unwrap_or(false)
    );
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn helix_config_keys_are_server_settings() {
    let (_, languages) = helix_languages();
    let options = toml_to_json(&languages["language-server"]["remedy"]["config"]);
    assert!(
        options["remedy"].is_object(),
        "the settings sit under `remedy`"
    );
    let mut config = analysis::config::Config::default();
    let warnings = analysis::config::apply_json(&mut config, &options);
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(config.min_confidence, analysis::config::Confidence::Likely);
}

#[test]
fn helix_python_language_uses_remedy() {
    let (_, languages) = helix_languages();
    let entries = languages["language"]
        .as_array()
        .expect("[[language]] entries");
    let python: Vec<&toml::Value> = entries
        .iter()
        .filter(|entry| entry["name"].as_str() == Some("python"))
        .collect();
    assert_eq!(python.len(), 1, "one python entry");
    let servers = python[0]["language-servers"]
        .as_array()
        .expect("language-servers is an array");
    assert!(
        servers
            .iter()
            .any(|server| server.as_str() == Some("remedy"))
    );
}

/// The documented combined set-up is commented out; uncommented, it must parse and use only
/// real feature names and declared servers.
#[test]
fn helix_combined_setup_in_the_comments_is_valid() {
    let (text, _) = helix_languages();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.starts_with("# language-servers = ["))
        .expect("the combined set-up is documented");
    let end = start
        + lines[start..]
            .iter()
            .position(|line| *line == "# ]")
            .expect("the combined set-up ends with `# ]`");
    let fragment: String = lines[start..=end]
        .iter()
        .map(|line| format!("{}\n", line.trim_start_matches('#').trim_start()))
        .collect();
    let parsed: toml::Table = fragment
        .parse()
        .unwrap_or_else(|error| panic!("the combined set-up parses: {error}\n{fragment}"));
    let servers = parsed["language-servers"].as_array().expect("an array");
    let names: Vec<&str> = servers
        .iter()
        .map(|server| server["name"].as_str().expect("each entry has a name"))
        .collect();
    assert_eq!(names[0], "remedy");
    for server in servers {
        for key in ["only-features", "except-features"] {
            for feature in server
                .get(key)
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
            {
                let feature = feature.as_str().expect("features are strings");
                assert!(
                    HELIX_FEATURES.contains(&feature),
                    "`{feature}` is not a Helix feature"
                );
            }
        }
    }
}

#[test]
fn neovim_and_vscode_start_the_same_command() {
    for file in [
        "neovim/lsp/remedy.lua",
        "neovim/init.lua",
        "neovim/lspconfig.lua",
    ] {
        let text = read(file);
        assert!(
            text.contains("cmd = { 'remedy', 'lsp' }"),
            "{file} starts `remedy lsp`"
        );
        assert!(text.contains("'python'"), "{file} is for Python");
    }
    let extension = read("vscode/src/extension.ts");
    assert!(
        extension.contains("args: ['lsp']"),
        "the VS Code extension starts `remedy lsp`"
    );
}
