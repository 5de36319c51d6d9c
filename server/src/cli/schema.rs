//! `remedy config-schema`: the settings schema, [`analysis::config::CONFIG_SCHEMA`], printed for
//! editor packages.
//!
//! `--format vscode` prints the `contributes.configuration.properties` entries of the VS Code
//! extension (`editors/vscode/package.json`): each key `snake_case` becomes
//! `remedy.camelCase`, and the extension turns the names back when it sends them to the server.
//! A test below fails when the package drifts from this output; `npm run sync-schema` in
//! `editors/vscode` rewrites the package from it.

use std::process::ExitCode;

use analysis::config::{CONFIG_SCHEMA, ConfigKey, ConfigValueType};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemaFormat {
    /// The VS Code extension's `contributes.configuration.properties` entries.
    Vscode,
    /// The schema as a JSON array: key, type, default, description, allowed values.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "vscode")]
    pub format: SchemaFormat,
}

pub fn run(args: SchemaArgs) -> ExitCode {
    let value = match args.format {
        SchemaFormat::Vscode => vscode_properties(),
        SchemaFormat::Json => plain_schema(),
    };
    match serde_json::to_string_pretty(&value) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("remedy: cannot print the schema: {error}");
            ExitCode::from(2)
        }
    }
}

/// The VS Code setting name of a configuration key: `min_confidence` → `remedy.minConfidence`.
pub fn vscode_setting_name(key: &str) -> String {
    let mut name = String::from("remedy.");
    let mut upper_next = false;
    for character in key.chars() {
        if character == '_' {
            upper_next = true;
        } else if upper_next {
            name.extend(character.to_uppercase());
            upper_next = false;
        } else {
            name.push(character);
        }
    }
    name
}

/// Every server setting as a VS Code configuration property, keyed by its setting name.
pub fn vscode_properties() -> Value {
    let mut properties = Map::new();
    for (order, key) in CONFIG_SCHEMA.iter().enumerate() {
        properties.insert(vscode_setting_name(key.key), vscode_property(key, order));
    }
    Value::Object(properties)
}

fn vscode_property(key: &ConfigKey, order: usize) -> Value {
    // The defaults are JSON literals written in `config.rs`; a test parses every one of them.
    let default: Value = serde_json::from_str(key.default).unwrap_or(Value::Null);
    let allowed: Vec<Value> = key
        .allowed_values
        .iter()
        .map(|value| Value::String((*value).to_owned()))
        .collect();
    let mut property = Map::new();
    match key.value_type {
        ConfigValueType::OptionalString => {
            property.insert("type".into(), json!(["string", "null"]));
        }
        ConfigValueType::String => {
            property.insert("type".into(), json!("string"));
            if !allowed.is_empty() {
                property.insert("enum".into(), Value::Array(allowed));
            }
        }
        ConfigValueType::StringArray => {
            property.insert("type".into(), json!("array"));
            let mut items = Map::new();
            items.insert("type".into(), json!("string"));
            if !allowed.is_empty() {
                items.insert("enum".into(), Value::Array(allowed));
            }
            property.insert("items".into(), Value::Object(items));
            property.insert("uniqueItems".into(), json!(true));
        }
    }
    property.insert("default".into(), default);
    property.insert("markdownDescription".into(), json!(key.description));
    property.insert("scope".into(), json!("resource"));
    property.insert("order".into(), json!(order));
    Value::Object(property)
}

fn plain_schema() -> Value {
    Value::Array(
        CONFIG_SCHEMA
            .iter()
            .map(|key| {
                json!({
                    "key": key.key,
                    "type": key.value_type.as_str(),
                    "default": serde_json::from_str::<Value>(key.default).unwrap_or(Value::Null),
                    "description": key.description,
                    "allowed_values": key.allowed_values,
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings that belong to the extension itself, not to the server.
    const EXTENSION_ONLY_SETTINGS: &[&str] = &["remedy.server.path", "remedy.trace.server"];

    fn package_json() -> Value {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/vscode/package.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        serde_json::from_str(&text).expect("package.json is JSON")
    }

    #[test]
    fn every_default_is_a_json_literal() {
        for key in CONFIG_SCHEMA {
            assert!(
                serde_json::from_str::<Value>(key.default).is_ok(),
                "default of `{}` is not JSON: {}",
                key.key,
                key.default
            );
        }
    }

    #[test]
    fn setting_names_are_camel_case() {
        assert_eq!(
            vscode_setting_name("min_confidence"),
            "remedy.minConfidence"
        );
        assert_eq!(vscode_setting_name("venv"), "remedy.venv");
        assert_eq!(
            vscode_setting_name("python_version"),
            "remedy.pythonVersion"
        );
    }

    /// `editors/vscode/package.json` must declare exactly the server's settings, as
    /// `remedy config-schema` prints them, plus the extension's own. Run
    /// `npm run sync-schema` in `editors/vscode` after changing `CONFIG_SCHEMA`.
    #[test]
    fn vscode_package_matches_the_server_schema() {
        let package = package_json();
        let declared = package["contributes"]["configuration"]["properties"]
            .as_object()
            .expect("contributes.configuration.properties is an object");
        let expected = vscode_properties();
        let expected = expected.as_object().expect("an object");

        for (name, property) in expected {
            assert_eq!(
                declared.get(name),
                Some(property),
                "package.json's `{name}` differs from the server's schema (run `npm run sync-schema` in editors/vscode)"
            );
        }
        for name in declared.keys() {
            assert!(
                expected.contains_key(name) || EXTENSION_ONLY_SETTINGS.contains(&name.as_str()),
                "package.json declares `{name}`, which the server does not know"
            );
        }
        for name in EXTENSION_ONLY_SETTINGS {
            assert!(declared.contains_key(*name), "package.json lacks `{name}`");
        }
    }

    #[test]
    fn enumerated_settings_list_their_values() {
        let properties = vscode_properties();
        assert_eq!(
            properties["remedy.minConfidence"]["enum"],
            json!(["possible", "likely", "definite"])
        );
        assert_eq!(
            properties["remedy.minConfidence"]["default"],
            json!("likely")
        );
        assert_eq!(
            properties["remedy.frameworks"]["items"]["enum"],
            json!(["django", "flask", "fastapi", "sqlalchemy"])
        );
        assert_eq!(properties["remedy.venv"]["type"], json!(["string", "null"]));
        assert_eq!(properties["remedy.venv"]["default"], Value::Null);
    }
}
