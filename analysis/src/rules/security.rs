//! Security pitfalls: `unsafe-deserialization` (pickle, marshal, shelve, `yaml.load`
//! without a safe loader), `eval-injection` (`eval`/`exec` of a non-literal) and
//! `shell-injection` (a formatted command run through a shell).
//!
//! ```python
//! data = pickle.loads(payload)                          # unsafe-deserialization
//! result = eval(expression)                             # eval-injection
//! subprocess.run(f"tar xf {name}", shell=True)          # shell-injection
//! ```
//!
//! Calls are recognised by their dotted path through the file's imports. A value the
//! analysis knows to be a literal string is safe; anything else is reported as likely
//! (the data may be trusted, but nothing in the code says so).

use tree_sitter::Node;

use super::Check;
use super::context::RuleContext;
use super::dotted::{callee_path, keyword_argument, positional_argument};
use super::iterators::load_values;
use super::pitfalls::{range_of, report_syntactic};
use crate::config::Confidence;
use crate::index::DefinitionKind;
use crate::values::Value;

pub(crate) const SECURITY_CHECK: Check = Check {
    rules: &[
        "unsafe-deserialization",
        "eval-injection",
        "shell-injection",
    ],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    for &node in context.nodes().iter() {
        if node.kind() != "call" {
            continue;
        }
        let Some(path) = callee_path(context, node) else {
            continue;
        };
        unsafe_deserialization(context, node, &path);
        eval_injection(context, node, &path);
        shell_injection(context, node, &path);
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

// ---------------------------------------------------------------------------------------
// unsafe-deserialization

/// Loaders that build arbitrary objects from their input, with the safe alternative.
const UNSAFE_LOADERS: &[(&str, &str)] = &[
    ("pickle.load", "json.load"),
    ("pickle.loads", "json.loads"),
    ("cPickle.load", "json.load"),
    ("cPickle.loads", "json.loads"),
    ("dill.load", "json.load"),
    ("dill.loads", "json.loads"),
    ("marshal.load", "json.load"),
    ("marshal.loads", "json.loads"),
    ("shelve.open", "a JSON file or sqlite3"),
    ("yaml.unsafe_load", "yaml.safe_load"),
    ("yaml.unsafe_load_all", "yaml.safe_load_all"),
];

/// `yaml` loaders that only build plain data.
const SAFE_YAML_LOADERS: &[&str] = &["SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"];

fn unsafe_deserialization(context: &mut RuleContext<'_>, call: Node<'_>, path: &str) {
    let call_text = first_line(context.node_text(call)).to_owned();
    let (confidence, message, safe) = if let Some((_, safe)) =
        UNSAFE_LOADERS.iter().find(|(loader, _)| *loader == path)
    {
        let risk = if path.starts_with("marshal.") {
            // marshal builds code objects without running them; bad data crashes it.
            "is not meant for untrusted data: malformed input can crash the interpreter"
        } else {
            "can run arbitrary code while it rebuilds objects from untrusted data"
        };
        (
            Confidence::Likely,
            format!("`{call_text}` {risk}: use {safe} for plain data"),
            (*safe).to_owned(),
        )
    } else if matches!(path, "yaml.load" | "yaml.load_all") {
        let safe = if path == "yaml.load" {
            "yaml.safe_load"
        } else {
            "yaml.safe_load_all"
        };
        match keyword_argument(call, "Loader", context.text)
            .or_else(|| positional_argument(call, 1))
        {
            None => (
                // PyYAML 6 made `Loader` required: the call itself raises TypeError.
                Confidence::Definite,
                format!(
                    "`{call_text}` without `Loader=` fails on PyYAML 6 and builds arbitrary objects on older versions: use `{safe}`"
                ),
                safe.to_owned(),
            ),
            Some(loader) => {
                let loader_text = context.node_text(loader);
                let loader_name = loader_text.rsplit('.').next().unwrap_or(loader_text);
                if SAFE_YAML_LOADERS.contains(&loader_name) {
                    return;
                }
                (
                    Confidence::Likely,
                    format!(
                        "`{call_text}` with `{loader_text}` can build arbitrary objects from untrusted YAML: use `{safe}`"
                    ),
                    safe.to_owned(),
                )
            }
        }
    } else {
        return;
    };
    report_syntactic(
        context,
        "unsafe-deserialization",
        range_of(call),
        confidence,
        message,
        vec![("call", call_text), ("safe", safe)],
    );
}

// ---------------------------------------------------------------------------------------
// eval-injection

/// Whether `node` is a string literal, or a name whose every value is a literal string.
fn is_literal_string(context: &RuleContext<'_>, node: Node<'_>) -> bool {
    match node.kind() {
        "string" => {
            let mut cursor = node.walk();
            let has_interpolation = node
                .named_children(&mut cursor)
                .any(|child| child.kind() == "interpolation");
            !has_interpolation
        }
        "concatenated_string" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .all(|part| is_literal_string(context, part))
        }
        "identifier" => {
            load_values(context, (node.start_byte() as u32).into()).is_some_and(|values| {
                values
                    .values()
                    .all(|value| matches!(value, Value::Str(Some(_))))
            })
        }
        _ => false,
    }
}

fn eval_injection(context: &mut RuleContext<'_>, call: Node<'_>, path: &str) {
    if !matches!(path, "eval" | "exec") {
        return;
    }
    let Some(code) = positional_argument(call, 0) else {
        return;
    };
    if is_literal_string(context, code) {
        return;
    }
    // `exec(compile(...))` and code objects are explicit about what they run.
    if code.kind() == "call" && callee_path(context, code).is_some_and(|callee| callee == "compile")
    {
        return;
    }
    let code_text = first_line(context.node_text(code)).to_owned();
    // Text a program assembles from its own code fragments (`namedtuple`, `dataclasses`,
    // templates filled with identifiers) is generated code: the parts may still come from
    // outside, but nothing here shows they do.
    let (confidence, message) = if is_generated_code(context, code, 0) {
        (
            Confidence::Possible,
            format!(
                "`{path}({code_text})` runs code assembled from a template: make sure no part of it comes from untrusted input"
            ),
        )
    } else {
        let instead = if path == "eval" {
            "`ast.literal_eval` for literals, or an explicit parser"
        } else {
            "explicit functions instead of generated code"
        };
        (
            Confidence::Likely,
            format!("`{path}({code_text})` runs whatever code `{code_text}` holds: use {instead}"),
        )
    };
    report_syntactic(
        context,
        "eval-injection",
        range_of(call),
        confidence,
        message,
        vec![("function", path.to_owned()), ("argument", code_text)],
    );
}

/// Reads that bring text from outside the program into it.
const EXTERNAL_READS: &[&str] = &[
    "input(",
    "sys.argv",
    "sys.stdin",
    "os.environ",
    "getenv(",
    ".read(",
    ".readline(",
    ".readlines(",
    ".recv(",
    "request.",
];

/// Whether `node` builds code from literal code fragments: an f-string with
/// replacement fields, `%` or `.format` on a literal template, concatenation with a
/// literal, a join with a literal separator, or a local name every assignment of
/// which does one of those. A part read straight from outside (`input()`, `sys.argv`,
/// a file's `.read()`) makes it untrusted text instead.
fn is_generated_code(context: &RuleContext<'_>, node: Node<'_>, depth: usize) -> bool {
    if depth > 3 {
        return false;
    }
    let text = context.node_text(node);
    if EXTERNAL_READS.iter().any(|read| text.contains(read)) {
        return false;
    }
    let is_literal = |node: Node<'_>| is_literal_string(context, node);
    match node.kind() {
        "parenthesized_expression" => node
            .named_child(0)
            .is_some_and(|inner| is_generated_code(context, inner, depth + 1)),
        "string" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .any(|child| child.kind() == "interpolation")
        }
        "concatenated_string" => !is_literal_string(context, node),
        "binary_operator" => {
            let operator = node
                .child_by_field_name("operator")
                .map(|operator| context.node_text(operator));
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return false;
            };
            match operator {
                Some("%") => is_literal(left),
                Some("+") => {
                    is_literal(left)
                        || is_literal(right)
                        || is_generated_code(context, left, depth + 1)
                        || is_generated_code(context, right, depth + 1)
                }
                _ => false,
            }
        }
        "call" => node
            .child_by_field_name("function")
            .filter(|function| function.kind() == "attribute")
            .is_some_and(|function| {
                let method = function
                    .child_by_field_name("attribute")
                    .map(|attribute| context.node_text(attribute));
                let receiver = function.child_by_field_name("object");
                matches!(method, Some("format" | "join" | "format_map"))
                    && receiver.is_some_and(|receiver| {
                        is_literal(receiver) || is_generated_code(context, receiver, depth + 1)
                    })
            }),
        "identifier" => {
            let index = context.index;
            let scope = index.scope_at(node.start_byte().try_into().unwrap_or_default());
            // The nearest assignment before the read decides (a loop that rebinds the
            // name later does not matter here).
            let start = node.start_byte();
            let Some(definition) = index
                .definitions_in_scope(scope, text)
                .map(|id| index.definition(id))
                .filter(|definition| usize::from(definition.node_range.end()) <= start)
                .last()
            else {
                return false;
            };
            definition.kind == DefinitionKind::Assignment
                && definition
                    .value_range
                    .and_then(|range| context.node(range))
                    .is_some_and(|value| is_generated_code(context, value, depth + 1))
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// shell-injection

/// Functions that always run their command through a shell.
const SHELL_ALWAYS: &[&str] = &[
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
];
/// Functions that use a shell when given `shell=True`.
const SHELL_WHEN_ASKED: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
];

/// Whether a command is built from values at run time (formatting, concatenation, a
/// variable), and nothing in it quotes them for the shell.
fn is_built_command(context: &RuleContext<'_>, command: Node<'_>) -> bool {
    let text = context.node_text(command);
    if text.contains("shlex.quote") || text.contains("quote(") || text.contains("shlex.join") {
        return false;
    }
    match command.kind() {
        "string" | "concatenated_string" | "identifier" => !is_literal_string(context, command),
        "binary_operator" => true,
        "call" => command
            .child_by_field_name("function")
            .and_then(|function| function.child_by_field_name("attribute"))
            .is_some_and(|attribute| context.node_text(attribute) == "format"),
        _ => false,
    }
}

fn shell_injection(context: &mut RuleContext<'_>, call: Node<'_>, path: &str) {
    let uses_shell = if SHELL_ALWAYS.contains(&path) {
        true
    } else if SHELL_WHEN_ASKED.contains(&path) {
        keyword_argument(call, "shell", context.text).is_some_and(|shell| shell.kind() == "true")
    } else {
        return;
    };
    if !uses_shell {
        return;
    }
    let Some(command) = positional_argument(call, 0)
        .or_else(|| keyword_argument(call, "args", context.text))
        .or_else(|| keyword_argument(call, "cmd", context.text))
        .or_else(|| keyword_argument(call, "command", context.text))
    else {
        return;
    };
    if !is_built_command(context, command) {
        return;
    }
    let command_text = first_line(context.node_text(command)).to_owned();
    report_syntactic(
        context,
        "shell-injection",
        range_of(call),
        Confidence::Likely,
        format!(
            "`{path}` runs `{command_text}` through a shell, so a crafted value can run other commands: pass a list of arguments without `shell=True`, or quote with `shlex.quote`"
        ),
        vec![("function", path.to_owned()), ("command", command_text)],
    );
}

#[cfg(test)]
mod tests {
    use crate::testing::check_fixture_expectations;

    #[track_caller]
    fn check(fixture: &str) {
        let result = check_fixture_expectations(fixture);
        assert!(result.passed(), "{}", result.report());
    }

    #[test]
    fn deserialization_eval_and_shell() {
        check(
            r#"
import os
import pickle
import shlex
import subprocess as sp
import yaml

def restore(blob, path, name, expression):
    # expect: unsafe-deserialization confidence=likely
    state = pickle.loads(blob)
    with open(path) as handle:
        # expect: unsafe-deserialization confidence=definite
        config = yaml.load(handle)
    with open(path) as handle:
        safe = yaml.load(handle, Loader=yaml.SafeLoader)
    with open(path) as handle:
        also_safe = yaml.safe_load(handle)
    # expect: eval-injection confidence=likely
    value = eval(expression)
    constant = eval("1 + 2")
    # expect: shell-injection confidence=likely
    sp.run(f"tar xf {name}", shell=True)
    sp.run(["tar", "xf", name])
    sp.run(f"tar xf {shlex.quote(name)}", shell=True)
    sp.run("ls -l", shell=True)
    # expect: shell-injection confidence=likely
    os.system("rm -rf " + path)
    os.system("clear")
    return state, config, safe, also_safe, value, constant
"#,
        );
    }

    #[test]
    fn generated_code_is_only_possible() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /main.py
import sys

def make_record(type_name, fields):
    arguments = ", ".join(fields)
    source = f"def __new__(cls, {arguments}):\n    return (cls, {arguments})\n"
    namespace = {}
    # expect: eval-injection confidence=possible
    exec(source, namespace)
    body = "lambda self: " + type_name
    # expect: eval-injection confidence=possible
    getter = eval(body)
    lines = ["def run():"]
    lines.append("    pass")
    # expect: eval-injection confidence=possible
    exec("\n".join(lines), namespace)
    return namespace["__new__"], getter

def calculator():
    # expect: eval-injection confidence=likely
    total = eval("2 + " + input("expression: "))
    expression = sys.argv[1]
    # expect: eval-injection confidence=likely
    value = eval(expression)
    formula = "x * " + sys.argv[2]
    # expect: eval-injection confidence=likely
    scaled = eval(formula)
    return total, value, scaled
"#,
        );
    }
}
