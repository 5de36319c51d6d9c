//! User rules: validation errors on the rule file, and rules firing (or staying quiet)
//! on Python fixtures with inline expectations.

use super::*;
use crate::testing::check_fixture_expectations;

/// The single error of a rule file: its message and the text its range covers.
#[track_caller]
fn single_error(json: &str) -> (String, String) {
    let file = parse_rule_file(json);
    assert!(file.rules.is_empty(), "the rule was accepted: {file:?}");
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    let error = &file.errors[0];
    let covered = json[usize::from(error.range.start())..usize::from(error.range.end())].to_owned();
    (error.message.clone(), covered)
}

#[track_caller]
fn check(fixture: &str) {
    let result = check_fixture_expectations(fixture);
    assert!(result.passed(), "{}", result.report());
}

const VALID: &str = r#"{
  "id": "none-port",
  "message": "`{port}` may be None ({port.value})",
  "query": "(call function: (identifier) @fn (#eq? @fn \"int\") arguments: (argument_list (identifier) @port))",
  "at": "port",
  "where": [{ "predicate": "may-be-none", "capture": "port" }]
}"#;

#[test]
fn a_valid_rule_compiles_with_its_captures() {
    let file = parse_rule_file(VALID);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let rule = &file.rules[0];
    assert_eq!(rule.id, "none-port");
    assert_eq!(rule.confidence, Confidence::Definite);
    assert_eq!(
        &VALID[usize::from(rule.definition.start())..usize::from(rule.definition.end())],
        "\"none-port\""
    );
    // An array of rules is read too.
    let two = format!(
        "[{VALID}, {}]",
        VALID.replace("none-port", "none-port-again")
    );
    let file = parse_rule_file(&two);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.rules.len(), 2);
}

#[test]
fn bad_json_is_reported_where_it_breaks() {
    let (message, covered) = single_error("{\n  \"id\": \"a\",\n  \"message\" \"x\"\n}");
    assert!(
        message.starts_with("Invalid rule file: expected `:`"),
        "{message}"
    );
    assert_eq!(covered, "\"");
    let (message, _) = single_error("just text");
    assert_eq!(
        message,
        "A rule file holds one rule object or an array of rule objects"
    );
}

#[test]
fn unknown_and_missing_fields_are_errors() {
    let (message, _) = single_error(&VALID.replace("\"at\"", "\"report_at\""));
    assert!(message.contains("unknown field `report_at`"), "{message}");
    let (message, _) = single_error(r#"{"id": "a", "query": "(identifier) @x"}"#);
    assert!(message.contains("missing field `message`"), "{message}");
    let (message, _) = single_error(&VALID.replace("may-be-none", "may-be-purple"));
    assert!(
        message.contains("unknown variant `may-be-purple`"),
        "{message}"
    );
    let (message, _) = single_error(&VALID.replace(
        r#""capture": "port" }"#,
        r#""capture": "port", "run": "rm -rf /" }"#,
    ));
    assert!(message.contains("unknown field `run`"), "{message}");
}

#[test]
fn a_query_tree_sitter_rejects_is_an_error_on_the_query_field() {
    let (message, covered) = single_error(&VALID.replace("(call function:", "(cal function:"));
    assert!(
        message.starts_with("Rule `none-port`: the query does not compile (unknown node type, query line 1 column 2)"),
        "{message}"
    );
    assert_eq!(covered, "\"query\"");
    let (message, _) = single_error(&VALID.replace("(call function:", "((call function:"));
    assert!(message.contains("syntax error"), "{message}");
    let (message, _) = single_error(&VALID.replace("function:", "fonction:"));
    assert!(message.contains("unknown field"), "{message}");
    let (message, _) = single_error(r#"{"id": "a", "message": "m", "query": "(identifier)"}"#);
    assert!(message.contains("the query captures nothing"), "{message}");
}

#[test]
fn captures_named_outside_the_query_are_errors() {
    let (message, covered) =
        single_error(&VALID.replace(r#""capture": "port""#, r#""capture": "host""#));
    assert_eq!(
        message,
        "Rule `none-port`: `where` names capture `host`, which the query does not define (captures: fn, port)"
    );
    assert_eq!(covered, "\"where\"");
    let (message, covered) = single_error(&VALID.replace("{port.value}", "{host.value}"));
    assert!(
        message.contains("message uses `{host.value}`, but the query defines no capture `host`"),
        "{message}"
    );
    assert_eq!(covered, "\"message\"");
    let (message, _) = single_error(&VALID.replace("{port.value}", "{port.source}"));
    assert!(
        message.contains("`.source` is not one of `.value`, `.type`"),
        "{message}"
    );
    let (message, _) = single_error(&VALID.replace("({port.value})", "{port"));
    assert!(message.contains("unclosed `{`"), "{message}");
    let (message, covered) = single_error(&VALID.replace(r#""at": "port""#, r#""at": "site""#));
    assert!(message.contains("`at` names capture `site`"), "{message}");
    assert_eq!(covered, "\"at\"");
    let with_fix = VALID.replace(
        r#""at": "port","#,
        r#""at": "port", "fix": {"title": "Default {port}", "target": "site", "text": "{port} or 0"},"#,
    );
    let (message, _) = single_error(&with_fix);
    assert!(
        message.contains("`target` names capture `site`"),
        "{message}"
    );
    let bad_text = with_fix
        .replace(r#""target": "site""#, r#""target": "port""#)
        .replace("{port} or 0", "{other} or 0");
    let (message, _) = single_error(&bad_text);
    assert!(message.contains("fix text uses `{other}`"), "{message}");
}

#[test]
fn ids_must_be_new_kebab_case_and_unique() {
    let (message, covered) = single_error(&VALID.replace("none-port", "key-error"));
    assert_eq!(
        message,
        "Rule id `key-error` is a built-in rule; choose another id"
    );
    assert_eq!(covered, "\"id\"");
    let (message, _) = single_error(&VALID.replace("none-port", "NonePort"));
    assert!(message.contains("is not kebab-case"), "{message}");
    let file = parse_rule_file(&format!("[{VALID}, {VALID}]"));
    assert_eq!(file.rules.len(), 1);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(
        file.errors[0].message,
        "Rule id `none-port` is defined twice in this file; the second is ignored"
    );
    // The error points at the second definition.
    assert!(usize::from(file.errors[0].range.start()) > VALID.len());
}

#[test]
fn empty_type_lists_are_errors() {
    let json = VALID.replace(
        r#"{ "predicate": "may-be-none", "capture": "port" }"#,
        r#"{ "predicate": "type-is-one-of", "capture": "port", "types": [] }"#,
    );
    let (message, _) = single_error(&json);
    assert!(
        message.contains("needs at least one type name"),
        "{message}"
    );
}

#[test]
fn invalid_rule_files_are_findings_of_the_rule_file_and_collisions_across_files_too() {
    check(
        r#"
#- /.remedy/rules/a.json
{"id": "shout", "message": "loud `{call}`", "query": "(call function: (identifier) @f (#eq? @f \"shout\")) @call", "at": "call"}
#- /.remedy/rules/b.json
{"id": "shout", "message": "again", "query": "(call) @c"}
#- /.remedy/rules/b.json.expect
1: expect: invalid-user-rule confidence=definite
#- /.remedy/rules/c.json
{"id": "broken", "message": "m", "query": "(nope) @x"}
#- /.remedy/rules/c.json.expect
1: expect: invalid-user-rule
#- /main.py
def shout(text):
    return text.upper()

# expect: shout confidence=definite
shout("hi")
"#,
    );
}

#[test]
fn predicates_follow_the_inferred_values_and_guards() {
    check(
        r#"
#- /.remedy/rules/ports.json
[
  {
    "id": "int-of-none",
    "message": "`int({arg})` gets {arg.value}",
    "exception": "TypeError",
    "query": "(call function: (identifier) @fn (#eq? @fn \"int\") arguments: (argument_list . (identifier) @arg .)) @call",
    "at": "call",
    "where": [{ "predicate": "may-be-none", "capture": "arg" }]
  },
  {
    "id": "settings-key",
    "message": "`{d}` has no key {k} ({d.value})",
    "query": "(subscript value: (identifier) @d subscript: (string) @k) @site",
    "at": "site",
    "where": [{ "predicate": "key-not-in-known-keys", "dict": "d", "key": "k" }],
    "confidence": "likely"
  },
  {
    "id": "bytes-format",
    "message": "`{x}` is {x.type} here",
    "query": "(call function: (attribute object: (identifier) @x attribute: (identifier) @m (#eq? @m \"format\"))) @c",
    "at": "c",
    "where": [{ "predicate": "type-is-one-of", "capture": "x", "types": ["bytes"] }, { "predicate": "is-known", "capture": "x" }]
  }
]
#- /remedy.toml
disable = ["bad-builtin-arg", "key-error", "unknown-attribute", "none-attribute"]
#- /main.py
import os

def lookup(name):
    if name == "web":
        return "8080"
    return None

port = lookup("db")
# expect: int-of-none confidence=definite
number = int(port)

maybe = lookup(os.environ.get("SERVICE", "web"))
# expect: int-of-none confidence=likely
value = int(maybe)

if maybe is not None:
    value = int(maybe)

try:
    value = int(maybe)
except TypeError:
    value = 0

value = int(maybe)  # remedy: ignore[int-of-none]

settings = {"host": "localhost"}
# expect: settings-key confidence=likely
settings["port"]
settings["host"]

template = b"{}"
# expect: bytes-format confidence=definite
template.format(1)
"{}".format(2)
unknown = os.environ.get("X")
unknown.format(3)
"#,
    );
}

#[test]
fn is_unknown_matches_values_the_analysis_cannot_see() {
    check(
        r#"
#- /.remedy/rules/opaque.json
{
  "id": "opaque-eval",
  "message": "`{arg}` is not known to the analysis",
  "confidence": "possible",
  "query": "(call function: (identifier) @f (#eq? @f \"eval\") arguments: (argument_list (_) @arg))",
  "at": "arg",
  "where": [{ "predicate": "is-unknown", "capture": "arg" }]
}
#- /remedy.toml
min_confidence = "possible"
disable = ["eval-injection", "unresolved-import"]
#- /main.py
import somewhere

code = somewhere.read()
# expect: opaque-eval confidence=possible
eval(code)
fixed = "1 + 1"
eval(fixed)
eval("2 + 2")
"#,
    );
}

/// A host with the fixture's files and the built-in `key-error` off (it would report the
/// same subscripts as the rules under test).
fn host_without_key_error(
    files: &[crate::testing::fixture::FixtureFile],
) -> (
    crate::AnalysisHost,
    std::collections::BTreeMap<std::path::PathBuf, crate::FileId>,
) {
    let (mut host, ids) = crate::testing::fixture::host_with_files(files);
    let (config, errors) = crate::config::parse_remedy_toml("disable = [\"key-error\"]\n");
    assert!(errors.is_empty());
    host.apply_change(crate::Change {
        config: Some(config),
        ..crate::Change::default()
    });
    (host, ids)
}

#[test]
fn a_user_rule_fix_is_verified_like_the_built_in_ones() {
    let fixture = r#"
#- /.remedy/rules/get.json
{
  "id": "settings-key",
  "message": "`{d}` has no key {k}",
  "query": "(subscript value: (identifier) @d subscript: (string) @k) @site",
  "at": "site",
  "where": [{ "predicate": "key-not-in-known-keys", "dict": "d", "key": "k" }],
  "fix": { "title": "Use `{d}.get({k})`", "target": "site", "text": "{d}.get({k})", "applicability": "safe" }
}
#- /main.py
settings = {"host": "localhost"}
port = settings["port"]
"#;
    let files = crate::testing::fixture::fixture_files(fixture).unwrap();
    let (host, ids) = host_without_key_error(&files);
    let main = ids[std::path::Path::new("/main.py")];
    let analysis = host.analysis();
    let diagnostics = analysis.diagnostics(main).unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].rule, "settings-key");
    assert_eq!(diagnostics[0].message, "`settings` has no key \"port\"");
    assert_eq!(
        diagnostics[0]
            .related
            .last()
            .map(|related| related.message.as_str()),
        Some("user rule `settings-key` is defined here")
    );
    let fixes = analysis.fixes(main, diagnostics[0].range).unwrap();
    let titles: Vec<&str> = fixes.iter().map(|fix| fix.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Use `settings.get(\"port\")`",
            "Suppress `settings-key` on this line"
        ]
    );
    let edits = analysis.fix_all(main, false).unwrap();
    let healed = crate::patches::apply_edits(&analysis.file_text(main), &edits);
    assert_eq!(
        healed,
        "settings = {\"host\": \"localhost\"}\nport = settings.get(\"port\")\n"
    );
}

#[test]
fn a_fix_that_does_not_remove_the_finding_is_dropped() {
    let fixture = r#"
#- /.remedy/rules/get.json
{
  "id": "settings-key",
  "message": "`{d}` has no key {k}",
  "query": "(subscript value: (identifier) @d subscript: (string) @k) @site",
  "at": "site",
  "where": [{ "predicate": "key-not-in-known-keys", "dict": "d", "key": "k" }],
  "fix": { "title": "Parenthesise", "target": "site", "text": "({d}[{k}])" }
}
#- /main.py
settings = {"host": "localhost"}
port = settings["port"]
"#;
    let files = crate::testing::fixture::fixture_files(fixture).unwrap();
    let (host, ids) = host_without_key_error(&files);
    let main = ids[std::path::Path::new("/main.py")];
    let analysis = host.analysis();
    let diagnostics = analysis.diagnostics(main).unwrap();
    let fixes = analysis.fixes(main, diagnostics[0].range).unwrap();
    let ids: Vec<&str> = fixes.iter().map(|fix| fix.fix_id.as_str()).collect();
    assert_eq!(ids, ["suppress"]);
}

#[test]
fn rules_apply_under_the_folder_holding_dot_remedy_and_can_be_disabled() {
    let rule = r#"{"id": "no-print", "message": "print in a service", "query": "(call function: (identifier) @f (#eq? @f \"print\")) @c", "at": "c", "severity": "info"}"#;
    check(&format!(
        r#"
#- /svc/.remedy/rules/r.json
{rule}
#- /svc/app.py
# expect: no-print confidence=definite
print("hi")
#- /tools/script.py
print("fine here")
"#
    ));
    // The rule's severity replaces the one that follows the confidence.
    let files = crate::testing::fixture::fixture_files(&format!(
        "#- /svc/.remedy/rules/r.json\n{rule}\n#- /svc/app.py\nprint('hi')\n"
    ))
    .unwrap();
    let (mut host, ids) = crate::testing::fixture::host_with_files(&files);
    let app = ids[std::path::Path::new("/svc/app.py")];
    let diagnostics = host.analysis().diagnostics(app).unwrap();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].severity, crate::ide::Severity::Information);
    // `disable` takes user rule ids like built-in ones.
    let (config, _) = crate::config::parse_remedy_toml("disable = [\"no-print\"]\n");
    host.apply_change(crate::Change {
        config: Some(config),
        ..crate::Change::default()
    });
    assert!(host.analysis().diagnostics(app).unwrap().is_empty());
}

#[test]
fn the_readme_example_rule_is_valid() {
    let readme = include_str!("../../../../README.md");
    let section = readme
        .split("### User rules")
        .nth(1)
        .expect("the README documents user rules");
    let example = section
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a JSON example");
    let file = parse_rule_file(example);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.rules[0].id, "sleep-none-delay");
}

#[test]
fn one_bad_rule_does_not_drop_the_others_of_its_file() {
    let bad = r#"{"id": "loud", "message": "m", "query": "(call) @c", "command": "sh"}"#;
    let json = format!("[\n{VALID},\n{bad}\n]");
    let file = parse_rule_file(&json);
    assert_eq!(file.rules.len(), 1);
    assert_eq!(file.rules[0].id, "none-port");
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    let error = &file.errors[0];
    assert!(
        error
            .message
            .starts_with("Invalid rule: unknown field `command`"),
        "{}",
        error.message
    );
    // The position is inside the second rule, at the unknown field.
    let covered = &json[usize::from(error.range.start())..usize::from(error.range.end())];
    assert_eq!(covered, r#""command""#);
    assert!(usize::from(error.range.start()) > json.find(bad).unwrap());
}
