//! User rules: `.remedy/rules/*.json` files of a workspace that add rules as pure data.
//!
//! A rule is a tree-sitter query over the Python grammar, optional predicates on the
//! inferred values of its named captures, a message template and an optional fix
//! template. Nothing in a rule file is ever executed: the query is compiled by
//! tree-sitter, the predicates are a closed set interpreted here, and templates only
//! splice capture texts and rendered values.
//!
//! ```json
//! {
//!   "id": "config-port-missing",
//!   "message": "`{config}` may lack `{key}` (value: {config.value})",
//!   "exception": "KeyError",
//!   "query": "(subscript value: (identifier) @config subscript: (string) @key) @site",
//!   "at": "site",
//!   "where": [{ "predicate": "key-not-in-known-keys", "dict": "config", "key": "key" }],
//!   "fix": { "title": "Use `{config}.get({key})`", "target": "site", "text": "{config}.get({key})" }
//! }
//! ```
//!
//! The analysis does no IO: the server and the CLI read the rule files and set them as
//! ordinary workspace files (by path). [`rule_file`] parses and validates one file (a
//! tracked query); a rule file's problems are its findings (`invalid-user-rule`), and a
//! valid rule applies to the Python files under the folder holding `.remedy/`.
//!
//! Invariant: a rule file never panics the analysis. Bad JSON, unknown fields, a query
//! tree-sitter rejects, a capture a predicate or template names but the query lacks,
//! an id a built-in rule already uses: each is one finding on the rule file, and the
//! rule is dropped.

mod run;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use line_index::{TextRange, TextSize};
use serde::Deserialize;
use smol_str::SmolStr;

use super::metadata::SeverityName;
use super::{Finding, rule_metadata};
use crate::config::Confidence;
use crate::db::Db;
use crate::input::SourceFile;

pub(crate) use run::{run_user_rules, user_rule_fix};

/// The rule id of a rule file's own problems.
pub const INVALID_USER_RULE: &str = "invalid-user-rule";

/// At most this many rules are read from one file.
const MAX_RULES_PER_FILE: usize = 200;
/// Query sources longer than this are rejected (tree-sitter compiles them eagerly).
const MAX_QUERY_BYTES: usize = 16 * 1024;

/// Whether `path` is a user rule file: `<folder>/.remedy/rules/<name>.json`.
pub fn is_user_rule_path(path: &Path) -> bool {
    let Some(rules) = path.parent() else {
        return false;
    };
    path.extension()
        .is_some_and(|extension| extension == "json")
        && rules.file_name().is_some_and(|name| name == "rules")
        && rules
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|name| name == ".remedy")
}

/// The folder whose Python files a rule file applies to (the one holding `.remedy/`).
fn rule_scope(path: &Path) -> Option<&Path> {
    path.parent()?.parent()?.parent()
}

/// A rule as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    message: String,
    query: String,
    /// The capture whose node the finding covers (default: the query's first capture).
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    summary: Option<String>,
    /// The exception the pattern raises; a `try` catching it silences the finding.
    #[serde(default)]
    exception: Option<String>,
    /// A fixed severity; by default it follows the confidence.
    #[serde(default)]
    severity: Option<SeverityName>,
    /// The highest confidence the rule reports (default `definite`): predicates can
    /// only lower it.
    #[serde(default)]
    confidence: Option<ConfidenceName>,
    #[serde(default, rename = "where")]
    predicates: Vec<Predicate>,
    #[serde(default)]
    fix: Option<FixSpec>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum ConfidenceName {
    Definite,
    Likely,
    Possible,
}

impl ConfidenceName {
    fn confidence(self) -> Confidence {
        match self {
            ConfidenceName::Definite => Confidence::Definite,
            ConfidenceName::Likely => Confidence::Likely,
            ConfidenceName::Possible => Confidence::Possible,
        }
    }
}

/// A condition on the inferred values of captures. Every predicate of a rule must hold
/// for a match to be reported; each also yields a confidence (see [`run`]).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "predicate", rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) enum Predicate {
    /// Some member of the capture's value is `None`.
    MayBeNone { capture: String },
    /// Every member of the capture's value is `None`.
    IsNone { capture: String },
    /// `dict` holds dicts and `key` literal keys some closed dict lacks.
    KeyNotInKnownKeys { dict: String, key: String },
    /// Some member's type (`type(x).__name__`) is one of `types`.
    TypeIsOneOf { capture: String, types: Vec<String> },
    /// Nothing is known about the capture's value.
    IsUnknown { capture: String },
    /// Every member of the capture's value is known.
    IsKnown { capture: String },
}

impl Predicate {
    fn captures(&self) -> Vec<&str> {
        match self {
            Predicate::MayBeNone { capture }
            | Predicate::IsNone { capture }
            | Predicate::TypeIsOneOf { capture, .. }
            | Predicate::IsUnknown { capture }
            | Predicate::IsKnown { capture } => vec![capture],
            Predicate::KeyNotInKnownKeys { dict, key } => vec![dict, key],
        }
    }
}

/// A replacement of one capture's node by a rendered template.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixSpec {
    pub title: String,
    /// The capture whose node is replaced.
    pub target: String,
    pub text: String,
    /// `safe` when the rewrite keeps behaviour wherever the old code did not raise;
    /// `unsafe` (the default) otherwise.
    #[serde(default)]
    pub applicability: Option<crate::patches::Applicability>,
}

/// A compiled query, compared by its source (tree-sitter queries have no equality).
#[derive(Clone)]
pub(crate) struct CompiledQuery {
    pub source: Arc<str>,
    pub query: Arc<tree_sitter::Query>,
}

impl PartialEq for CompiledQuery {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for CompiledQuery {}

impl fmt::Debug for CompiledQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CompiledQuery({:?})", self.source)
    }
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRule {
    pub id: SmolStr,
    pub summary: Option<String>,
    pub message: String,
    pub exception: Option<String>,
    pub severity: Option<SeverityName>,
    /// The highest confidence the rule reports.
    pub confidence: Confidence,
    pub(crate) query: CompiledQuery,
    /// The capture index of the reported node; `None`: the first capture of a match.
    pub(crate) at: Option<u32>,
    pub(crate) predicates: Vec<Predicate>,
    pub(crate) fix: Option<FixSpec>,
    /// Where the rule's id is written in its file.
    pub definition: TextRange,
}

impl UserRule {
    pub fn query_source(&self) -> &str {
        &self.query.source
    }

    pub fn has_fix(&self) -> bool {
        self.fix.is_some()
    }
}

/// One problem of a rule file, at a range of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileError {
    pub range: TextRange,
    pub message: String,
}

/// What one rule file holds once validated: its good rules and its problems.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleFile {
    pub rules: Vec<Arc<UserRule>>,
    pub errors: Vec<RuleFileError>,
}

/// Parses and validates one rule file (ids colliding with other rule files are judged
/// by [`workspace_user_rules`]).
#[salsa::tracked(returns(ref))]
pub fn rule_file(db: &dyn Db, file: SourceFile) -> RuleFile {
    parse_rule_file(file.text(db))
}

/// A user rule of the workspace and the file it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRule {
    pub file: SourceFile,
    pub rule: Arc<UserRule>,
}

/// Every valid user rule of the workspace, rule files in path order. A rule whose id an
/// earlier rule file already uses is dropped (and reported on its file).
#[salsa::tracked(returns(ref))]
pub fn workspace_user_rules(db: &dyn Db) -> Vec<WorkspaceRule> {
    let mut rules: Vec<WorkspaceRule> = Vec::new();
    for (path, file) in db.workspace().files(db).iter() {
        if !is_user_rule_path(path) {
            continue;
        }
        for rule in &rule_file(db, *file).rules {
            if !rules.iter().any(|seen| seen.rule.id == rule.id) {
                rules.push(WorkspaceRule {
                    file: *file,
                    rule: rule.clone(),
                });
            }
        }
    }
    rules
}

/// The user rules that apply to the Python file at `path`.
pub(crate) fn rules_for(db: &dyn Db, path: &Path) -> Vec<WorkspaceRule> {
    workspace_user_rules(db)
        .iter()
        .filter(|rule| rule_scope(rule.file.path(db)).is_some_and(|scope| path.starts_with(scope)))
        .cloned()
        .collect()
}

/// The user rule with this id, if the workspace defines one.
pub fn user_rule(db: &dyn Db, id: &str) -> Option<WorkspaceRule> {
    workspace_user_rules(db)
        .iter()
        .find(|rule| rule.rule.id == id)
        .cloned()
}

/// The problems of a rule file as findings (`invalid-user-rule`, definite).
#[salsa::tracked(returns(ref))]
pub(crate) fn rule_file_findings(db: &dyn Db, file: SourceFile) -> Vec<Finding> {
    let parsed = rule_file(db, file);
    let mut errors = parsed.errors.clone();
    for rule in &parsed.rules {
        let owner = workspace_user_rules(db)
            .iter()
            .find(|seen| seen.rule.id == rule.id)
            .map(|seen| seen.file);
        if let Some(owner) = owner.filter(|owner| *owner != file) {
            errors.push(RuleFileError {
                range: rule.definition,
                message: format!(
                    "Rule id `{}` is already defined in {}; this rule is ignored",
                    rule.id,
                    owner.path(db).display()
                ),
            });
        }
    }
    errors.sort_by_key(|error| (error.range.start(), error.range.end()));
    errors
        .into_iter()
        .map(|error| Finding {
            rule: SmolStr::new_static(INVALID_USER_RULE),
            range: error.range,
            message: error.message,
            confidence: Confidence::Definite,
            score: 100,
            related: Vec::new(),
            fix_parameters: Vec::new(),
        })
        .collect()
}

/// Parses a rule file: one rule object, or an array of them. Each rule is read on its
/// own, so one bad rule does not drop the others of its file.
pub fn parse_rule_file(text: &str) -> RuleFile {
    use serde_json::value::RawValue;
    let mut file = RuleFile::default();
    let elements: Vec<&RawValue> = match text.trim_start().as_bytes().first() {
        Some(b'[') => match serde_json::from_str(text) {
            Ok(elements) => elements,
            Err(error) => return json_error(text, 0, text, &error),
        },
        Some(b'{') => match serde_json::from_str::<&RawValue>(text) {
            Ok(element) => vec![element],
            Err(error) => return json_error(text, 0, text, &error),
        },
        _ => {
            file.errors.push(RuleFileError {
                range: TextRange::empty(TextSize::from(0)),
                message: "A rule file holds one rule object or an array of rule objects".to_owned(),
            });
            return file;
        }
    };
    if elements.len() > MAX_RULES_PER_FILE {
        file.errors.push(RuleFileError {
            range: TextRange::empty(TextSize::from(0)),
            message: format!(
                "The file defines {} rules; only the first {MAX_RULES_PER_FILE} are read",
                elements.len()
            ),
        });
    }
    for element in elements.into_iter().take(MAX_RULES_PER_FILE) {
        let source = element.get();
        // The raw value borrows from `text`: its offset is a pointer difference.
        let base = (source.as_ptr() as usize)
            .checked_sub(text.as_ptr() as usize)
            .filter(|base| base + source.len() <= text.len())
            .unwrap_or(0);
        let raw: RawRule = match serde_json::from_str(source) {
            Ok(raw) => raw,
            Err(error) => {
                file.errors
                    .extend(json_error(text, base, source, &error).errors);
                continue;
            }
        };
        let locate = Locator {
            source,
            base,
            definition: locate_id(source, &raw.id).map_or_else(
                || range(base, base + 1),
                |found| range(base + found.0, base + found.1),
            ),
        };
        let definition = locate.definition;
        match validate(raw, &locate) {
            Ok(rule) => {
                if file.rules.iter().any(|seen| seen.id == rule.id) {
                    file.errors.push(RuleFileError {
                        range: definition,
                        message: format!(
                            "Rule id `{}` is defined twice in this file; the second is ignored",
                            rule.id
                        ),
                    });
                } else {
                    file.rules.push(Arc::new(rule));
                }
            }
            Err(error) => file.errors.push(error),
        }
    }
    file
}

/// A serde error in `source` (which starts at `base` in `text`) as a file error.
fn json_error(text: &str, base: usize, source: &str, error: &serde_json::Error) -> RuleFile {
    let at = base + offset_of(source, error.line(), error.column());
    // serde points just past a string it rejects (an unknown field, an unknown
    // predicate): cover the whole string.
    let closing = if text[at..].starts_with('"') {
        Some(at + 1)
    } else if text[..at].ends_with('"') {
        Some(at)
    } else {
        None
    };
    let string = closing.and_then(|end| {
        let start = text[..end - 1].rfind('"')?;
        (!text[start..end].contains('\n')).then_some((start, end))
    });
    let (at, end) = match string {
        Some(span) if error.is_data() => span,
        _ => (
            at,
            text.get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(at, |character| at + character.len_utf8()),
        ),
    };
    let message = if error.is_data() {
        format!("Invalid rule: {error}")
    } else {
        format!("Invalid rule file: {error}")
    };
    RuleFile {
        rules: Vec::new(),
        errors: vec![RuleFileError {
            range: range(at, end),
            message,
        }],
    }
}

/// The byte offset of serde_json's 1-based line and column (0 column: the line's end).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(at) => start += at + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |at| start + at);
    let mut at = (start + column.saturating_sub(1)).min(line_end);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(
        TextSize::from(start.min(u32::MAX as usize) as u32),
        TextSize::from(end.min(u32::MAX as usize) as u32),
    )
}

/// The byte span of a rule's id string (`"id": "<id>"`) in the rule's source, if it is
/// written without escapes.
fn locate_id(source: &str, id: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{id}\"");
    let mut at = 0;
    while let Some(found) = source[at..].find(&quoted) {
        let start = at + found;
        let before = source[..start].trim_end();
        if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("\"id\"") {
            return Some((start, start + quoted.len()));
        }
        at = start + quoted.len();
    }
    None
}

/// Finds where a rule's fields are written, to put errors on them.
struct Locator<'a> {
    /// The rule object's source, starting at `base` in the file.
    source: &'a str,
    base: usize,
    definition: TextRange,
}

impl Locator<'_> {
    /// The key `"field"` in the rule's object; the id when it is not found.
    fn field(&self, field: &str) -> TextRange {
        let quoted = format!("\"{field}\"");
        match self.source.find(&quoted) {
            Some(start) => range(self.base + start, self.base + start + quoted.len()),
            None => self.definition,
        }
    }

    fn error(&self, field: &str, message: String) -> RuleFileError {
        RuleFileError {
            range: self.field(field),
            message,
        }
    }
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn validate(raw: RawRule, locate: &Locator<'_>) -> Result<UserRule, RuleFileError> {
    let id = raw.id.as_str();
    if !is_kebab_case(id) {
        return Err(locate.error(
            "id",
            format!("Rule id `{id}` is not kebab-case (lowercase letters, digits and `-`)"),
        ));
    }
    if rule_metadata(id).is_some() || id == INVALID_USER_RULE {
        return Err(locate.error(
            "id",
            format!("Rule id `{id}` is a built-in rule; choose another id"),
        ));
    }
    if raw.query.len() > MAX_QUERY_BYTES {
        return Err(locate.error(
            "query",
            format!("Rule `{id}`: the query is longer than {MAX_QUERY_BYTES} bytes"),
        ));
    }
    let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let query = tree_sitter::Query::new(&language, &raw.query).map_err(|error| {
        locate.error(
            "query",
            format!(
                "Rule `{id}`: the query does not compile ({}, query line {} column {}): {}",
                query_error_kind(error.kind),
                error.row + 1,
                error.column + 1,
                error.message.lines().next().unwrap_or("").trim()
            ),
        )
    })?;
    let names: Vec<&str> = query.capture_names().to_vec();
    if names.is_empty() {
        return Err(locate.error(
            "query",
            format!("Rule `{id}`: the query captures nothing; name the reported node with `@name`"),
        ));
    }
    let defined = |name: &str| names.contains(&name);
    let undefined = |field: &str, name: &str| {
        locate.error(
            field,
            format!(
                "Rule `{id}`: `{field}` names capture `{name}`, which the query does not define (captures: {})",
                names.join(", ")
            ),
        )
    };
    let at = match &raw.at {
        Some(name) if !defined(name) => return Err(undefined("at", name)),
        Some(name) => names
            .iter()
            .position(|defined| defined == name)
            .map(|at| at as u32),
        None => None,
    };
    for predicate in &raw.predicates {
        for name in predicate.captures() {
            if !defined(name) {
                return Err(undefined("where", name));
            }
        }
        if let Predicate::TypeIsOneOf { types, .. } = predicate
            && types.is_empty()
        {
            return Err(locate.error(
                "where",
                format!("Rule `{id}`: `type-is-one-of` needs at least one type name"),
            ));
        }
    }
    check_template(&raw.message, &names)
        .map_err(|problem| locate.error("message", format!("Rule `{id}`: message {problem}")))?;
    if raw.message.trim().is_empty() {
        return Err(locate.error("message", format!("Rule `{id}`: the message is empty")));
    }
    if let Some(fix) = &raw.fix {
        if !defined(&fix.target) {
            return Err(undefined("target", &fix.target));
        }
        check_template(&fix.title, &names).map_err(|problem| {
            locate.error("title", format!("Rule `{id}`: fix title {problem}"))
        })?;
        check_template(&fix.text, &names)
            .map_err(|problem| locate.error("fix", format!("Rule `{id}`: fix text {problem}")))?;
    }
    Ok(UserRule {
        id: SmolStr::new(id),
        summary: raw.summary,
        message: raw.message,
        exception: raw.exception,
        severity: raw.severity,
        confidence: raw
            .confidence
            .map_or(Confidence::Definite, ConfidenceName::confidence),
        query: CompiledQuery {
            source: Arc::from(raw.query.as_str()),
            query: Arc::new(query),
        },
        at,
        predicates: raw.predicates,
        fix: raw.fix,
        definition: locate.definition,
    })
}

fn query_error_kind(kind: tree_sitter::QueryErrorKind) -> &'static str {
    use tree_sitter::QueryErrorKind;
    match kind {
        QueryErrorKind::Syntax => "syntax error",
        QueryErrorKind::NodeType => "unknown node type",
        QueryErrorKind::Field => "unknown field",
        QueryErrorKind::Capture => "unknown capture",
        QueryErrorKind::Predicate => "bad predicate",
        QueryErrorKind::Structure => "impossible pattern",
        QueryErrorKind::Language => "grammar mismatch",
    }
}

/// The placeholders of a template (`{name}`, `{name.value}`); `{{`/`}}` are braces.
fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        let brace = rest.as_bytes()[at];
        rest = &rest[at + 1..];
        if rest.as_bytes().first() == Some(&brace) {
            rest = &rest[1..];
            continue;
        }
        if brace == b'}' {
            return Err("has a lone `}` (write `}}` for a brace)".to_owned());
        }
        let end = rest
            .find('}')
            .ok_or_else(|| "has an unclosed `{` (write `{{` for a brace)".to_owned())?;
        found.push(&rest[..end]);
        rest = &rest[end + 1..];
    }
    Ok(found)
}

/// The suffixes a placeholder may take after its capture name.
const PLACEHOLDER_SUFFIXES: &[&str] = &["value", "type"];

fn check_template(text: &str, captures: &[&str]) -> Result<(), String> {
    for placeholder in placeholders(text)? {
        let (name, suffix) = match placeholder.split_once('.') {
            Some((name, suffix)) => (name, Some(suffix)),
            None => (placeholder, None),
        };
        if !captures.contains(&name) {
            return Err(format!(
                "uses `{{{placeholder}}}`, but the query defines no capture `{name}` (captures: {})",
                captures.join(", ")
            ));
        }
        if let Some(suffix) = suffix.filter(|suffix| !PLACEHOLDER_SUFFIXES.contains(suffix)) {
            return Err(format!(
                "uses `{{{placeholder}}}`: `.{suffix}` is not one of `.value`, `.type`"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
