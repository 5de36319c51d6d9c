//! `plugin-manifest-mismatch`: a `plugin.json` whose `entry_point` names a file the plugin
//! folder lacks, or whose `main_class` the entry module does not define. The host cannot
//! load the plugin.
//!
//! ```json
//! { "name": "weather", "entry_point": "weather_plugin.py", "main_class": "WeatherPlugin" }
//! ```
//!
//! Manifests are workspace files like Python modules but never parsed as Python: the
//! diagnostics of a `plugin.json` are [`manifest_findings`] only. Findings sit on the
//! offending JSON value. Both checks read the workspace's file list and the entry module's
//! definitions, so they are definite; a manifest that is not valid JSON is reported too.

use std::path::{Component, Path, PathBuf};

use line_index::{TextRange, TextSize};
use smol_str::SmolStr;

use crate::config::Confidence;
use crate::db::Db;
use crate::index::{FileIndex, file_index};
use crate::input::SourceFile;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Finding};

/// Manifests are not Python: their rule runs from [`manifest_findings`], not over Python
/// files, so this check does nothing there. It registers the rule id.
pub(super) const CHECK: Check = Check {
    rules: &["plugin-manifest-mismatch"],
    run: |_context: &mut RuleContext<'_>| {},
};

const RULE: &str = "plugin-manifest-mismatch";

pub(crate) fn is_manifest_path(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "plugin.json")
}

/// What a manifest says about its plugin's Python side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManifestEntry {
    pub manifest: SourceFile,
    /// The entry module, when the manifest names one that exists.
    pub entry: Option<SourceFile>,
    pub main_class: Option<String>,
}

/// Every manifest of the workspace with its entry module.
#[salsa::tracked(returns(ref))]
pub(crate) fn plugin_manifests(db: &dyn Db) -> Vec<ManifestEntry> {
    let files = db.workspace().files(db);
    files
        .iter()
        .filter(|(path, _)| is_manifest_path(path))
        .filter_map(|(path, &manifest)| {
            let json: serde_json::Value = serde_json::from_str(manifest.text(db)).ok()?;
            let entry_point = json.get("entry_point")?.as_str()?;
            let entry = entry_candidates(path, entry_point)
                .iter()
                .find_map(|candidate| files.get(candidate.as_path()).copied());
            Some(ManifestEntry {
                manifest,
                entry,
                main_class: json
                    .get("main_class")
                    .and_then(|class| class.as_str())
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// The files an `entry_point` may name, relative to the manifest's folder:
/// `plugin.py` as written, `plugin` as `plugin.py` or a package, `pkg.mod` as `pkg/mod.py`.
fn entry_candidates(manifest: &Path, entry_point: &str) -> Vec<PathBuf> {
    let folder = manifest.parent().unwrap_or(Path::new(""));
    let joined = normalize(&folder.join(entry_point));
    if entry_point.ends_with(".py") {
        return vec![joined];
    }
    let dotted = normalize(&folder.join(entry_point.replace('.', "/")));
    vec![
        joined.with_extension("py"),
        joined.join("__init__.py"),
        dotted.with_extension("py"),
        dotted.join("__init__.py"),
    ]
}

/// `a/./b/../c` → `a/c`, without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The findings of a manifest file.
#[salsa::tracked(returns(ref))]
pub(crate) fn manifest_findings(db: &dyn Db, file: SourceFile) -> Vec<Finding> {
    let text = file.text(db);
    let json: serde_json::Value = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(error) => {
            let at = offset_of(text, error.line(), error.column());
            return vec![finding(
                TextRange::empty(at),
                format!("`plugin.json` is not valid JSON ({error}): the host cannot read it"),
                Vec::new(),
            )];
        }
    };
    let Some(entry_point) = json.get("entry_point").and_then(|value| value.as_str()) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let entries = plugin_manifests(db);
    let entry = entries
        .iter()
        .find(|entry| entry.manifest == file)
        .and_then(|entry| entry.entry);
    let Some(entry) = entry else {
        let range = string_value_range(text, "entry_point").unwrap_or_default();
        findings.push(finding(
            range,
            format!("Entry point `{entry_point}` does not exist in the plugin folder"),
            vec![("entry_point", entry_point.to_owned())],
        ));
        return findings;
    };
    let Some(main_class) = json.get("main_class").and_then(|value| value.as_str()) else {
        return findings;
    };
    let index = file_index(db, entry);
    if super::tool_info::has_open_namespace(index) {
        return findings;
    }
    let defined = index
        .definitions_in_scope(FileIndex::MODULE_SCOPE, main_class)
        .any(|id| index.definition(id).kind.binds());
    if !defined {
        let classes: Vec<String> = index
            .scope(FileIndex::MODULE_SCOPE)
            .definitions
            .iter()
            .map(|&id| index.definition(id))
            .filter(|definition| {
                matches!(definition.kind, crate::index::DefinitionKind::Class { .. })
            })
            .map(|definition| format!("`{}`", definition.name))
            .collect();
        let defined_note = if classes.is_empty() {
            "it defines no class".to_owned()
        } else {
            format!("classes: {}", classes.join(", "))
        };
        let range = string_value_range(text, "main_class").unwrap_or_default();
        findings.push(finding(
            range,
            format!("Main class `{main_class}` is not defined in `{entry_point}` ({defined_note})"),
            vec![
                ("main_class", main_class.to_owned()),
                ("entry_point", entry_point.to_owned()),
            ],
        ));
    }
    findings
}

fn finding(range: TextRange, message: String, parameters: Vec<(&str, String)>) -> Finding {
    Finding {
        rule: SmolStr::new_static(RULE),
        range,
        message,
        confidence: Confidence::Definite,
        score: 95,
        related: Vec::new(),
        fix_parameters: parameters
            .into_iter()
            .map(|(name, value)| (SmolStr::new(name), value))
            .collect(),
    }
}

/// The byte offset of a 1-based line and column (as serde_json reports them).
fn offset_of(text: &str, line: usize, column: usize) -> TextSize {
    let mut offset = 0;
    for (number, content) in text.split_inclusive('\n').enumerate() {
        if number + 1 == line {
            let column = column.saturating_sub(1).min(content.len());
            return TextSize::from((offset + column) as u32);
        }
        offset += content.len();
    }
    TextSize::from(text.len() as u32)
}

/// The range of the string value of `"key": "value"` (quotes included), first occurrence.
fn string_value_range(text: &str, key: &str) -> Option<TextRange> {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(found) = text[from..].find(&quoted) {
        let after_key = from + found + quoted.len();
        let rest = &text[after_key..];
        let trimmed = rest.trim_start();
        if let Some(value) = trimmed.strip_prefix(':') {
            let value_trimmed = value.trim_start();
            if value_trimmed.starts_with('"') {
                let start = text.len() - value_trimmed.len();
                let mut escaped = false;
                for (at, character) in value_trimmed.char_indices().skip(1) {
                    match character {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            return Some(TextRange::new(
                                TextSize::from(start as u32),
                                TextSize::from((start + at + 1) as u32),
                            ));
                        }
                        _ => escaped = false,
                    }
                }
            }
            return None;
        }
        from = after_key;
    }
    None
}
