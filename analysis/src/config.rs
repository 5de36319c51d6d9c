//! Remedy's configuration: the settings model, its schema, and pure parsing from TOML and JSON text.
//!
//! Settings come from three places, later ones overlaying earlier ones:
//!
//! 1. `remedy.toml` (top-level keys) or, when that file is absent, `[tool.remedy]` in `pyproject.toml`;
//! 2. the editor's `initializationOptions` / `didChangeConfiguration`, as JSON with the same keys,
//!    either flat or nested under a `"remedy"` object.
//!
//! ```toml
//! [tool.remedy]
//! python_version = "3.12"
//! extra_paths = ["vendor"]
//! min_confidence = "likely"
//! disable = ["possibly-unbound"]
//! frameworks = ["django"]
//! ```
//!
//! Parsing is total: bad TOML syntax, unknown keys, wrong types and bad enum values each produce a
//! one-sentence [`ConfigError`] with the byte range of the offending text, and the bad key keeps its
//! default. [`CONFIG_SCHEMA`] is the single list of keys that the parsers, the documentation and the
//! editor packages are checked against.

use std::fmt;

use line_index::{TextRange, TextSize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The effective settings of one project. Paths are kept as written; the server joins them to
/// the project root.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Config {
    /// The Python version to analyse for as (major, minor); `None` means "ask the environment".
    pub python_version: Option<(u8, u8)>,
    /// Extra module search roots, relative to the project root unless absolute.
    pub extra_paths: Vec<String>,
    /// The virtual environment to use, relative to the project root unless absolute.
    pub venv: Option<String>,
    /// Findings below this confidence are not reported.
    pub min_confidence: Confidence,
    /// Rule ids to turn on in addition to the default set.
    pub enable: Vec<String>,
    /// Rule ids to turn off.
    pub disable: Vec<String>,
    /// How much hover shows.
    pub hover_verbosity: HoverVerbosity,
    /// Frameworks whose conventions the analysis models, as validated [`Framework::as_str`] names
    /// without duplicates.
    pub frameworks: Vec<String>,
}

/// Parses a Python version such as `"3.12"` into (major, minor); a patch component (`"3.12.4"`)
/// is accepted and ignored.
pub fn parse_python_version(text: &str) -> Option<(u8, u8)> {
    let mut components = text.trim().split('.');
    let major = parse_version_number(components.next()?)?;
    let minor = parse_version_number(components.next()?)?;
    if let Some(patch) = components.next() {
        parse_version_number(patch)?;
    }
    if components.next().is_some() {
        return None;
    }
    Some((major, minor))
}

fn parse_version_number(text: &str) -> Option<u8> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// How sure a finding is; ordered from least to most sure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Confidence {
    /// The finding depends on something unknown.
    Possible,
    /// Some branch leads to the problem. The default threshold: `possible` findings are
    /// opt-in, they guess about values the analysis cannot see.
    #[default]
    Likely,
    /// Every path leads to the problem.
    Definite,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [
        Confidence::Possible,
        Confidence::Likely,
        Confidence::Definite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Possible => "possible",
            Confidence::Likely => "likely",
            Confidence::Definite => "definite",
        }
    }

    pub fn parse(text: &str) -> Option<Confidence> {
        Confidence::ALL
            .into_iter()
            .find(|confidence| confidence.as_str() == text)
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// How much a hover shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HoverVerbosity {
    /// The value only.
    Compact,
    /// The value and where its members come from.
    #[default]
    Normal,
    /// Everything, including the branch path of every origin.
    Verbose,
}

impl HoverVerbosity {
    pub const ALL: [HoverVerbosity; 3] = [
        HoverVerbosity::Compact,
        HoverVerbosity::Normal,
        HoverVerbosity::Verbose,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HoverVerbosity::Compact => "compact",
            HoverVerbosity::Normal => "normal",
            HoverVerbosity::Verbose => "verbose",
        }
    }

    pub fn parse(text: &str) -> Option<HoverVerbosity> {
        HoverVerbosity::ALL
            .into_iter()
            .find(|verbosity| verbosity.as_str() == text)
    }
}

/// A framework whose conventions the analysis can model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    Django,
    Flask,
    FastApi,
    SqlAlchemy,
}

impl Framework {
    pub const ALL: [Framework; 4] = [
        Framework::Django,
        Framework::Flask,
        Framework::FastApi,
        Framework::SqlAlchemy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Django => "django",
            Framework::Flask => "flask",
            Framework::FastApi => "fastapi",
            Framework::SqlAlchemy => "sqlalchemy",
        }
    }

    pub fn parse(text: &str) -> Option<Framework> {
        Framework::ALL
            .into_iter()
            .find(|framework| framework.as_str() == text)
    }
}

/// A problem in a configuration file. `range` is a byte range into the file's text, when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConfigError {
    pub range: Option<TextRange>,
    pub message: String,
}

/// The JSON shape of a setting's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigValueType {
    /// A string, or null for "not set".
    OptionalString,
    /// A string.
    String,
    /// An array of strings.
    StringArray,
}

impl ConfigValueType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigValueType::OptionalString => "string | null",
            ConfigValueType::String => "string",
            ConfigValueType::StringArray => "array of strings",
        }
    }
}

/// One documented setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConfigKey {
    /// The key, snake_case, as written in TOML and JSON.
    pub key: &'static str,
    pub value_type: ConfigValueType,
    /// The default as a JSON literal (`null`, `[]`, `"possible"`).
    pub default: &'static str,
    pub description: &'static str,
    /// For enumerated strings (or arrays of them), every accepted value; empty when free-form.
    pub allowed_values: &'static [&'static str],
}

/// Every setting Remedy understands, in documentation order.
pub const CONFIG_SCHEMA: &[ConfigKey] = &[
    ConfigKey {
        key: "python_version",
        value_type: ConfigValueType::OptionalString,
        default: "null",
        description: "The Python version to analyse for, such as \"3.12\"; by default the virtual environment's version.",
        allowed_values: &[],
    },
    ConfigKey {
        key: "extra_paths",
        value_type: ConfigValueType::StringArray,
        default: "[]",
        description: "Extra folders to search for imported modules, relative to the project root.",
        allowed_values: &[],
    },
    ConfigKey {
        key: "venv",
        value_type: ConfigValueType::OptionalString,
        default: "null",
        description: "The virtual environment folder, relative to the project root; by default `.venv`, `venv` or $VIRTUAL_ENV.",
        allowed_values: &[],
    },
    ConfigKey {
        key: "min_confidence",
        value_type: ConfigValueType::String,
        default: "\"likely\"",
        description: "Hide findings less sure than this (`possible` findings depend on values Remedy cannot see).",
        allowed_values: &["possible", "likely", "definite"],
    },
    ConfigKey {
        key: "enable",
        value_type: ConfigValueType::StringArray,
        default: "[]",
        description: "Rule ids to turn on in addition to the defaults.",
        allowed_values: &[],
    },
    ConfigKey {
        key: "disable",
        value_type: ConfigValueType::StringArray,
        default: "[]",
        description: "Rule ids to turn off.",
        allowed_values: &[],
    },
    ConfigKey {
        key: "hover_verbosity",
        value_type: ConfigValueType::String,
        default: "\"normal\"",
        description: "How much hover shows: the value only, the value with its origins, or everything.",
        allowed_values: &["compact", "normal", "verbose"],
    },
    ConfigKey {
        key: "frameworks",
        value_type: ConfigValueType::StringArray,
        default: "[]",
        description: "Frameworks whose conventions the analysis models.",
        allowed_values: &["django", "flask", "fastapi", "sqlalchemy"],
    },
];

/// Reads `[tool.remedy]` from a `pyproject.toml`. Returns `None` for the config when the table is
/// absent; syntax errors anywhere in the file are reported either way.
pub fn parse_pyproject(text: &str) -> (Option<Config>, Vec<ConfigError>) {
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    let mut errors: Vec<ConfigError> = syntax_errors.iter().map(syntax_error).collect();

    let remedy_table = document
        .get_ref()
        .get("tool")
        .and_then(|tool| match tool.get_ref() {
            DeValue::Table(tool_table) => tool_table.get("remedy"),
            _ => None,
        });
    let Some(remedy_table) = remedy_table else {
        return (None, errors);
    };

    let mut config = Config::default();
    match remedy_table.get_ref() {
        DeValue::Table(table) => apply_toml_table(&mut config, table, "[tool.remedy]", &mut errors),
        other => errors.push(ConfigError {
            range: text_range(remedy_table.span()),
            message: format!(
                "`tool.remedy` must be a table, found {}",
                with_article(other.type_str())
            ),
        }),
    }
    sort_errors(&mut errors);
    (Some(config), errors)
}

/// Reads a `remedy.toml`, whose keys are at the top level.
pub fn parse_remedy_toml(text: &str) -> (Config, Vec<ConfigError>) {
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    let mut errors: Vec<ConfigError> = syntax_errors.iter().map(syntax_error).collect();
    let mut config = Config::default();
    apply_toml_table(&mut config, document.get_ref(), "remedy.toml", &mut errors);
    sort_errors(&mut errors);
    (config, errors)
}

/// Overlays the editor's settings on `config`. `value` holds the keys at the top level or under a
/// `"remedy"` object (other top-level sections are then ignored). A `null` value means "not set"
/// and leaves the setting alone; every other present key replaces the setting, so a client should
/// send only what the user set. Returns one warning per unknown key or bad value; valid keys still
/// apply.
pub fn apply_json(config: &mut Config, value: &serde_json::Value) -> Vec<String> {
    let mut warnings = Vec::new();
    let settings = match value {
        serde_json::Value::Null => return warnings,
        serde_json::Value::Object(object) => match object.get("remedy") {
            Some(serde_json::Value::Object(nested)) => nested,
            Some(serde_json::Value::Null) => return warnings,
            Some(other) => {
                warnings.push(format!(
                    "Client setting `remedy` must be an object, found {}",
                    with_article(json_type_name(other))
                ));
                return warnings;
            }
            None => object,
        },
        other => {
            warnings.push(format!(
                "Client settings must be an object, found {}",
                with_article(json_type_name(other))
            ));
            return warnings;
        }
    };

    for (key, value) in settings {
        if value.is_null() {
            continue;
        }
        let mut problems = Vec::new();
        if !apply_setting(config, key, &setting_value_from_json(value), &mut problems) {
            warnings.push(format!(
                "Unknown client setting `{key}`{}",
                did_you_mean(key)
            ));
            continue;
        }
        warnings.extend(
            problems
                .into_iter()
                .map(|problem| format!("Client setting {}", problem.message)),
        );
    }
    warnings
}

/// A value from either TOML or JSON, reduced to what the settings need.
struct SettingValue<'a> {
    kind: SettingValueKind<'a>,
    range: Option<TextRange>,
}

enum SettingValueKind<'a> {
    String(&'a str),
    Array(Vec<SettingValue<'a>>),
    /// Any other type, by its name ("integer", "table").
    Other(&'static str),
}

struct Problem {
    range: Option<TextRange>,
    message: String,
}

fn setting_value_from_toml<'a>(value: &'a Spanned<DeValue<'_>>) -> SettingValue<'a> {
    let kind = match value.get_ref() {
        DeValue::String(text) => SettingValueKind::String(text.as_ref()),
        DeValue::Array(items) => {
            SettingValueKind::Array(items.iter().map(setting_value_from_toml).collect())
        }
        other => SettingValueKind::Other(other.type_str()),
    };
    SettingValue {
        kind,
        range: text_range(value.span()),
    }
}

fn setting_value_from_json(value: &serde_json::Value) -> SettingValue<'_> {
    let kind = match value {
        serde_json::Value::String(text) => SettingValueKind::String(text),
        serde_json::Value::Array(items) => {
            SettingValueKind::Array(items.iter().map(setting_value_from_json).collect())
        }
        other => SettingValueKind::Other(json_type_name(other)),
    };
    SettingValue { kind, range: None }
}

fn json_type_name(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

fn apply_toml_table(
    config: &mut Config,
    table: &DeTable<'_>,
    table_name: &str,
    errors: &mut Vec<ConfigError>,
) {
    for (key, value) in table.iter() {
        let key_text: &str = key.get_ref().as_ref();
        let mut problems = Vec::new();
        if !apply_setting(
            config,
            key_text,
            &setting_value_from_toml(value),
            &mut problems,
        ) {
            errors.push(ConfigError {
                range: text_range(key.span()),
                message: format!(
                    "Unknown key `{key_text}` in {table_name}{}",
                    did_you_mean(key_text)
                ),
            });
            continue;
        }
        errors.extend(problems.into_iter().map(|problem| ConfigError {
            range: problem.range,
            message: problem.message,
        }));
    }
}

/// Applies one setting. Returns `false` for an unknown key; problems with a known key's value go to
/// `problems`, and the setting then keeps its previous value (array items that are fine still apply).
fn apply_setting(
    config: &mut Config,
    key: &str,
    value: &SettingValue<'_>,
    problems: &mut Vec<Problem>,
) -> bool {
    match key {
        "python_version" => {
            if let Some(text) = expect_string(key, value, problems) {
                match parse_python_version(text) {
                    Some(version) => config.python_version = Some(version),
                    None => problems.push(Problem {
                        range: value.range,
                        message: format!("`{key}` must look like \"3.12\", found \"{text}\""),
                    }),
                }
            }
        }
        "venv" => {
            if let Some(text) = expect_non_empty_string(key, value, problems) {
                config.venv = Some(text.to_owned());
            }
        }
        "extra_paths" => {
            if let Some(items) = expect_string_array(key, value, problems) {
                config.extra_paths = items.into_iter().map(str::to_owned).collect();
            }
        }
        "enable" => {
            if let Some(items) = expect_string_array(key, value, problems) {
                config.enable = items.into_iter().map(str::to_owned).collect();
            }
        }
        "disable" => {
            if let Some(items) = expect_string_array(key, value, problems) {
                config.disable = items.into_iter().map(str::to_owned).collect();
            }
        }
        "min_confidence" => {
            if let Some(confidence) = expect_choice(key, value, problems, Confidence::parse) {
                config.min_confidence = confidence;
            }
        }
        "hover_verbosity" => {
            if let Some(verbosity) = expect_choice(key, value, problems, HoverVerbosity::parse) {
                config.hover_verbosity = verbosity;
            }
        }
        "frameworks" => {
            if let Some(items) = expect_string_array(key, value, problems) {
                let mut frameworks = Vec::new();
                for (text, item) in items.into_iter().zip(string_items(value)) {
                    match Framework::parse(text) {
                        Some(framework) if !frameworks.contains(&framework) => {
                            frameworks.push(framework);
                        }
                        Some(_) => {}
                        None => problems.push(Problem {
                            range: item.range,
                            message: format!(
                                "`{key}` entries must be one of {}, found \"{text}\"",
                                allowed_values_text(key)
                            ),
                        }),
                    }
                }
                config.frameworks = frameworks
                    .into_iter()
                    .map(|framework| framework.as_str().to_owned())
                    .collect();
            }
        }
        _ => return false,
    }
    true
}

fn expect_string<'a>(
    key: &str,
    value: &SettingValue<'a>,
    problems: &mut Vec<Problem>,
) -> Option<&'a str> {
    match &value.kind {
        SettingValueKind::String(text) => Some(text),
        other => {
            problems.push(Problem {
                range: value.range,
                message: format!(
                    "`{key}` must be a string, found {}",
                    with_article(kind_name(other))
                ),
            });
            None
        }
    }
}

fn expect_non_empty_string<'a>(
    key: &str,
    value: &SettingValue<'a>,
    problems: &mut Vec<Problem>,
) -> Option<&'a str> {
    let text = expect_string(key, value, problems)?;
    if text.trim().is_empty() {
        problems.push(Problem {
            range: value.range,
            message: format!("`{key}` must not be empty"),
        });
        return None;
    }
    Some(text)
}

fn expect_choice<T>(
    key: &str,
    value: &SettingValue<'_>,
    problems: &mut Vec<Problem>,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let text = expect_string(key, value, problems)?;
    let parsed = parse(text);
    if parsed.is_none() {
        problems.push(Problem {
            range: value.range,
            message: format!(
                "`{key}` must be one of {}, found \"{text}\"",
                allowed_values_text(key)
            ),
        });
    }
    parsed
}

/// The non-empty string items of an array. Non-string or empty items are reported and skipped; a
/// value that is not an array is reported and gives `None`.
fn expect_string_array<'a>(
    key: &str,
    value: &SettingValue<'a>,
    problems: &mut Vec<Problem>,
) -> Option<Vec<&'a str>> {
    let SettingValueKind::Array(items) = &value.kind else {
        problems.push(Problem {
            range: value.range,
            message: format!(
                "`{key}` must be an array of strings, found {}",
                with_article(kind_name(&value.kind))
            ),
        });
        return None;
    };
    let mut strings = Vec::new();
    for item in items {
        match &item.kind {
            SettingValueKind::String(text) if !text.trim().is_empty() => strings.push(*text),
            SettingValueKind::String(_) => problems.push(Problem {
                range: item.range,
                message: format!("`{key}` entries must not be empty"),
            }),
            other => problems.push(Problem {
                range: item.range,
                message: format!(
                    "`{key}` entries must be strings, found {}",
                    with_article(kind_name(other))
                ),
            }),
        }
    }
    Some(strings)
}

/// The items that `expect_string_array` kept, in the same order.
fn string_items<'v, 'a>(value: &'v SettingValue<'a>) -> impl Iterator<Item = &'v SettingValue<'a>> {
    let items: &[SettingValue<'a>] = match &value.kind {
        SettingValueKind::Array(items) => items,
        _ => &[],
    };
    items.iter().filter(
        |item| matches!(item.kind, SettingValueKind::String(text) if !text.trim().is_empty()),
    )
}

fn kind_name(kind: &SettingValueKind<'_>) -> &'static str {
    match kind {
        SettingValueKind::String(_) => "string",
        SettingValueKind::Array(_) => "array",
        SettingValueKind::Other(name) => name,
    }
}

fn with_article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ if type_name == "null" => type_name.to_owned(),
        _ => format!("a {type_name}"),
    }
}

fn allowed_values_text(key: &str) -> String {
    let allowed = CONFIG_SCHEMA
        .iter()
        .find(|entry| entry.key == key)
        .map_or(&[][..], |entry| entry.allowed_values);
    let quoted: Vec<String> = allowed.iter().map(|value| format!("\"{value}\"")).collect();
    quoted.join(", ")
}

/// A " (did you mean `x`?)" suffix naming the closest known key, or nothing.
fn did_you_mean(unknown: &str) -> String {
    let normalized_unknown = normalize_key(unknown);
    let best = CONFIG_SCHEMA
        .iter()
        .map(|entry| {
            let distance = if normalize_key(entry.key) == normalized_unknown {
                0
            } else {
                edit_distance(&normalize_key(entry.key), &normalized_unknown)
            };
            (distance, entry.key)
        })
        .min_by_key(|(distance, _)| *distance);
    match best {
        Some((distance, key)) if distance <= 2 => format!(" (did you mean `{key}`?)"),
        _ => String::new(),
    }
}

/// Lowercase without separators, so `extra-paths` and `extraPaths` both match `extra_paths`.
fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|character| *character != '_' && *character != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance in characters (also used for "did you mean" in findings).
pub(crate) fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (left_index, left_character) in left.chars().enumerate() {
        let mut current = vec![left_index + 1];
        for (right_index, right_character) in right.iter().enumerate() {
            let substitution =
                previous[right_index] + usize::from(left_character != *right_character);
            let deletion = previous[right_index + 1] + 1;
            let insertion = current[right_index] + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous[right.len()]
}

fn syntax_error(error: &toml::de::Error) -> ConfigError {
    let message = error.message().trim().trim_end_matches('.');
    ConfigError {
        range: error.span().and_then(text_range),
        message: format!("Invalid TOML: {message}"),
    }
}

fn text_range(span: std::ops::Range<usize>) -> Option<TextRange> {
    let start = TextSize::from(u32::try_from(span.start).ok()?);
    let end = TextSize::from(u32::try_from(span.end).ok()?);
    (start <= end).then(|| TextRange::new(start, end))
}

fn sort_errors(errors: &mut [ConfigError]) {
    errors.sort_by_key(|error| error.range.map(|range| (range.start(), range.end())));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text an error's range covers, for readable assertions.
    fn covered<'t>(text: &'t str, error: &ConfigError) -> &'t str {
        let range = error.range.expect("the error has a range");
        &text[usize::from(range.start())..usize::from(range.end())]
    }

    #[test]
    fn defaults_match_the_schema() {
        let config = Config::default();
        assert_eq!(config.min_confidence, Confidence::Likely);
        assert_eq!(config.hover_verbosity, HoverVerbosity::Normal);
        assert_eq!(config.python_version, None);
        let schema_default = |key: &str| {
            CONFIG_SCHEMA
                .iter()
                .find(|entry| entry.key == key)
                .map(|entry| entry.default)
                .expect("key is in the schema")
        };
        assert_eq!(
            schema_default("min_confidence"),
            format!("\"{}\"", config.min_confidence)
        );
        assert_eq!(
            schema_default("hover_verbosity"),
            format!("\"{}\"", config.hover_verbosity.as_str())
        );
        for entry in CONFIG_SCHEMA {
            assert!(
                serde_json::from_str::<serde_json::Value>(entry.default).is_ok(),
                "{} default is JSON",
                entry.key
            );
        }
    }

    #[test]
    fn every_schema_key_is_understood_and_nothing_else() {
        for entry in CONFIG_SCHEMA {
            let mut config = Config::default();
            let value = SettingValue {
                kind: SettingValueKind::Other("integer"),
                range: None,
            };
            assert!(
                apply_setting(&mut config, entry.key, &value, &mut Vec::new()),
                "{} is applied",
                entry.key
            );
        }
        let value = SettingValue {
            kind: SettingValueKind::String("x"),
            range: None,
        };
        assert!(!apply_setting(
            &mut Config::default(),
            "not_a_key",
            &value,
            &mut Vec::new()
        ));
    }

    #[test]
    fn schema_allowed_values_match_the_enums() {
        let allowed = |key: &str| {
            CONFIG_SCHEMA
                .iter()
                .find(|entry| entry.key == key)
                .map(|entry| entry.allowed_values.to_vec())
                .unwrap_or_default()
        };
        assert_eq!(
            allowed("min_confidence"),
            Confidence::ALL.map(Confidence::as_str).to_vec()
        );
        assert_eq!(
            allowed("hover_verbosity"),
            HoverVerbosity::ALL.map(HoverVerbosity::as_str).to_vec()
        );
        assert_eq!(
            allowed("frameworks"),
            Framework::ALL.map(Framework::as_str).to_vec()
        );
    }

    #[test]
    fn confidence_is_ordered_and_round_trips() {
        assert!(
            Confidence::Possible < Confidence::Likely && Confidence::Likely < Confidence::Definite
        );
        for confidence in Confidence::ALL {
            assert_eq!(Confidence::parse(confidence.as_str()), Some(confidence));
        }
        assert_eq!(Confidence::parse("Definite"), None);
        assert_eq!(
            HoverVerbosity::parse("verbose"),
            Some(HoverVerbosity::Verbose)
        );
        assert_eq!(Framework::parse("fastapi"), Some(Framework::FastApi));
    }

    #[test]
    fn python_versions_parse_strictly() {
        assert_eq!(parse_python_version("3.12"), Some((3, 12)));
        assert_eq!(parse_python_version(" 3.9.18 "), Some((3, 9)));
        assert_eq!(parse_python_version("3"), None);
        assert_eq!(parse_python_version("3.x"), None);
        assert_eq!(parse_python_version("3.12.1.4"), None);
        assert_eq!(parse_python_version("+3.12"), None);
        assert_eq!(parse_python_version("3.1000"), None);
        assert_eq!(parse_python_version(""), None);
    }

    #[test]
    fn pyproject_reads_every_key() {
        let text = r#"
[project]
name = "demo"

[tool.remedy]
python_version = "3.11"
extra_paths = ["vendor", "libs/shared"]
venv = "envs/dev"
min_confidence = "likely"
enable = ["key-error"]
disable = ["possibly-unbound", "none-attribute"]
hover_verbosity = "verbose"
frameworks = ["django", "sqlalchemy"]
"#;
        let (config, errors) = parse_pyproject(text);
        assert_eq!(errors, Vec::new());
        let expected = Config {
            python_version: Some((3, 11)),
            extra_paths: vec!["vendor".to_owned(), "libs/shared".to_owned()],
            venv: Some("envs/dev".to_owned()),
            min_confidence: Confidence::Likely,
            enable: vec!["key-error".to_owned()],
            disable: vec!["possibly-unbound".to_owned(), "none-attribute".to_owned()],
            hover_verbosity: HoverVerbosity::Verbose,
            frameworks: vec!["django".to_owned(), "sqlalchemy".to_owned()],
        };
        assert_eq!(config, Some(expected));
    }

    #[test]
    fn pyproject_without_the_table_gives_no_config() {
        let (config, errors) =
            parse_pyproject("[project]\nname = \"demo\"\n[tool.ruff]\nline-length = 100\n");
        assert_eq!(config, None);
        assert!(errors.is_empty());
        assert_eq!(parse_pyproject(""), (None, Vec::new()));
    }

    #[test]
    fn pyproject_accepts_dotted_keys_and_inline_tables() {
        let (config, errors) = parse_pyproject("tool.remedy.min_confidence = \"definite\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            config.map(|config| config.min_confidence),
            Some(Confidence::Definite)
        );
        let (config, errors) = parse_pyproject("[tool]\nremedy = { frameworks = [\"flask\"] }\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            config.map(|config| config.frameworks),
            Some(vec!["flask".to_owned()])
        );
    }

    #[test]
    fn pyproject_with_a_non_table_remedy_entry_is_reported() {
        let text = "[tool]\nremedy = 3\n";
        let (config, errors) = parse_pyproject(text);
        assert_eq!(config, Some(Config::default()));
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "`tool.remedy` must be a table, found an integer"
        );
        assert_eq!(covered(text, &errors[0]), "3");
    }

    #[test]
    fn remedy_toml_reads_top_level_keys() {
        let (config, errors) =
            parse_remedy_toml("min_confidence = \"definite\"\nextra_paths = [\"a\"]\n");
        assert!(errors.is_empty());
        assert_eq!(config.min_confidence, Confidence::Definite);
        assert_eq!(config.extra_paths, vec!["a".to_owned()]);
        assert_eq!(parse_remedy_toml(""), (Config::default(), Vec::new()));
    }

    #[test]
    fn unknown_keys_are_reported_at_the_key_with_a_suggestion() {
        let text = "extra-paths = [\"a\"]\nmin_confidence = \"likely\"\ncolour = \"red\"\n";
        let (config, errors) = parse_remedy_toml(text);
        assert_eq!(
            config.min_confidence,
            Confidence::Likely,
            "valid keys still apply"
        );
        assert_eq!(config.extra_paths, Vec::<String>::new());
        let messages: Vec<&str> = errors.iter().map(|error| error.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "Unknown key `extra-paths` in remedy.toml (did you mean `extra_paths`?)",
                "Unknown key `colour` in remedy.toml",
            ]
        );
        assert_eq!(covered(text, &errors[0]), "extra-paths");
        assert_eq!(covered(text, &errors[1]), "colour");

        let (_, errors) = parse_pyproject("[tool.remedy]\nmin_confidense = \"likely\"\n");
        assert_eq!(
            errors
                .iter()
                .map(|error| error.message.as_str())
                .collect::<Vec<_>>(),
            vec!["Unknown key `min_confidense` in [tool.remedy] (did you mean `min_confidence`?)"]
        );
    }

    #[test]
    fn wrong_types_are_reported_at_the_value_and_keep_defaults() {
        let text = "\
python_version = 3.12
extra_paths = \"src\"
min_confidence = 2
hover_verbosity = [\"compact\"]
venv = \"\"
";
        let (config, errors) = parse_remedy_toml(text);
        assert_eq!(config, Config::default());
        let reported: Vec<(&str, &str)> = errors
            .iter()
            .map(|error| (covered(text, error), error.message.as_str()))
            .collect();
        assert_eq!(
            reported,
            vec![
                ("3.12", "`python_version` must be a string, found a float"),
                (
                    "\"src\"",
                    "`extra_paths` must be an array of strings, found a string"
                ),
                ("2", "`min_confidence` must be a string, found an integer"),
                (
                    "[\"compact\"]",
                    "`hover_verbosity` must be a string, found an array"
                ),
                ("\"\"", "`venv` must not be empty"),
            ]
        );
    }

    #[test]
    fn bad_enum_values_are_reported_and_good_array_items_kept() {
        let text = "\
min_confidence = \"sure\"
python_version = \"three\"
frameworks = [\"django\", \"rails\", 4, \"django\"]
disable = [\"key-error\", \"\"]
";
        let (config, errors) = parse_remedy_toml(text);
        assert_eq!(config.min_confidence, Confidence::default());
        assert_eq!(config.python_version, None);
        assert_eq!(config.frameworks, vec!["django".to_owned()]);
        assert_eq!(config.disable, vec!["key-error".to_owned()]);
        let reported: Vec<(&str, &str)> = errors
            .iter()
            .map(|error| (covered(text, error), error.message.as_str()))
            .collect();
        assert_eq!(
            reported,
            vec![
                (
                    "\"sure\"",
                    "`min_confidence` must be one of \"possible\", \"likely\", \"definite\", found \"sure\""
                ),
                (
                    "\"three\"",
                    "`python_version` must look like \"3.12\", found \"three\""
                ),
                (
                    "\"rails\"",
                    "`frameworks` entries must be one of \"django\", \"flask\", \"fastapi\", \"sqlalchemy\", found \"rails\""
                ),
                (
                    "4",
                    "`frameworks` entries must be strings, found an integer"
                ),
                ("\"\"", "`disable` entries must not be empty"),
            ]
        );
    }

    #[test]
    fn syntax_errors_have_ranges_and_do_not_panic() {
        let text = "min_confidence = \"likely\"\nextra_paths = [\"a\"\n";
        let (_, errors) = parse_remedy_toml(text);
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|error| error.message.starts_with("Invalid TOML: ")),
            "{errors:?}"
        );
        assert!(
            errors.iter().all(|error| error.range.is_some()),
            "{errors:?}"
        );
        assert!(
            errors.iter().all(|error| !error.message.contains('\n')),
            "{errors:?}"
        );

        let text = "[tool.remedy\nmin_confidence = \"likely\"\n";
        let (_, errors) = parse_pyproject(text);
        assert!(!errors.is_empty());
        assert!(
            errors
                .iter()
                .all(|error| error.message.starts_with("Invalid TOML: ") && error.range.is_some())
        );

        let (_, errors) = parse_remedy_toml("a = 1\na = 2\n");
        assert!(
            errors
                .iter()
                .any(|error| error.message.starts_with("Invalid TOML: ")),
            "{errors:?}"
        );
    }

    #[test]
    fn garbage_input_never_panics() {
        let samples = [
            "\u{0}",
            "[[[",
            "= = =",
            "tool.remedy = [",
            "\"unterminated",
            "[tool.remedy]\nvenv = '''",
            "é = 1",
            "[a]\n[a]",
        ];
        for sample in samples {
            let _ = parse_pyproject(sample);
            let _ = parse_remedy_toml(sample);
        }
    }

    #[test]
    fn json_overlays_flat_and_nested_settings() {
        let mut config = Config {
            min_confidence: Confidence::Likely,
            extra_paths: vec!["a".into()],
            ..Config::default()
        };
        let warnings = apply_json(
            &mut config,
            &serde_json::json!({"remedy": {"hover_verbosity": "compact", "python_version": null}, "python": {"x": 1}}),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.hover_verbosity, HoverVerbosity::Compact);
        assert_eq!(
            config.min_confidence,
            Confidence::Likely,
            "absent keys keep file values"
        );

        let warnings = apply_json(
            &mut config,
            &serde_json::json!({"extra_paths": ["b"], "venv": ".env"}),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.extra_paths, vec!["b".to_owned()]);
        assert_eq!(config.venv, Some(".env".to_owned()));
    }

    #[test]
    fn json_warnings_name_the_problem_and_valid_keys_still_apply() {
        let mut config = Config::default();
        let warnings = apply_json(
            &mut config,
            &serde_json::json!({
                "minConfidence": "likely",
                "min_confidence": "definite",
                "hover_verbosity": 3,
                "frameworks": ["flask", "web2py"],
            }),
        );
        assert_eq!(config.min_confidence, Confidence::Definite);
        assert_eq!(config.hover_verbosity, HoverVerbosity::Normal);
        assert_eq!(config.frameworks, vec!["flask".to_owned()]);
        let mut warnings = warnings;
        // The order of JSON object keys depends on serde_json features, so compare sorted.
        warnings.sort();
        assert_eq!(
            warnings,
            vec![
                "Client setting `frameworks` entries must be one of \"django\", \"flask\", \"fastapi\", \"sqlalchemy\", found \"web2py\"",
                "Client setting `hover_verbosity` must be a string, found a number",
                "Unknown client setting `minConfidence` (did you mean `min_confidence`?)",
            ]
        );
    }

    #[test]
    fn json_of_the_wrong_shape_is_reported() {
        let mut config = Config::default();
        assert_eq!(
            apply_json(&mut config, &serde_json::Value::Null),
            Vec::<String>::new()
        );
        assert_eq!(
            apply_json(&mut config, &serde_json::json!([1])),
            vec!["Client settings must be an object, found an array"]
        );
        assert_eq!(
            apply_json(&mut config, &serde_json::json!({"remedy": "on"})),
            vec!["Client setting `remedy` must be an object, found a string"]
        );
        assert_eq!(config, Config::default());
    }

    #[test]
    fn did_you_mean_only_suggests_close_keys() {
        assert_eq!(did_you_mean("extraPaths"), " (did you mean `extra_paths`?)");
        assert_eq!(did_you_mean("framework"), " (did you mean `frameworks`?)");
        assert_eq!(did_you_mean("completely_different"), "");
    }
}
