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
//! analysis knows to be a literal string is safe. Otherwise the confidence says whether
//! the text demonstrably comes from outside the program (see [`super::taint`]): definite
//! when every binding that reaches the argument derives from a source (`input()`,
//! `sys.argv`, `os.environ`, a socket, a file's contents, a web request, a `cmd.Cmd`
//! command line), likely when some binding or some call of the function does, possible
//! when the analysis cannot tell (a parameter, an attribute, an unmodelled call): the
//! finding stays as a hint whose message says the origin is unknown. `yaml.load` without
//! a `Loader` is definite whatever it reads: PyYAML 6 rejects the call.

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use tree_sitter::Node;

use super::context::RuleContext;
use super::dotted::{callee_path, keyword_argument, positional_argument};
use super::iterators::load_values;
use super::pitfalls::{range_of, report_syntactic};
use super::taint::{Source, SourceKind, TaintTracer, Trust};
use super::{Check, Related};
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

/// A finding worked out while the tracer borrows the context, recorded afterwards.
struct Report {
    rule: &'static str,
    range: TextRange,
    confidence: Confidence,
    message: String,
    fix_parameters: Vec<(&'static str, String)>,
    related: Vec<Related>,
}

fn run(context: &mut RuleContext<'_>) {
    let mut reports = Vec::new();
    {
        let context: &RuleContext<'_> = context;
        let mut tracer = TaintTracer::new(context);
        for &node in context.nodes().iter() {
            if kind_of(node) != "call" {
                continue;
            }
            let Some(path) = callee_path(context, node) else {
                continue;
            };
            reports.extend(unsafe_deserialization(context, &mut tracer, node, &path));
            reports.extend(eval_injection(context, &mut tracer, node, &path));
            reports.extend(shell_injection(context, &mut tracer, node, &path));
        }
    }
    for report in reports {
        let (rule, range) = (report.rule, report.range);
        report_syntactic(
            context,
            rule,
            range,
            report.confidence,
            report.message,
            report.fix_parameters,
        );
        if !report.related.is_empty() {
            context.with_finding(rule, range, |finding| finding.related = report.related);
        }
    }
}

/// The confidence of a finding whose argument has `trust`.
fn confidence_of(trust: &Trust) -> Confidence {
    match trust {
        Trust::Untrusted {
            every_path: true, ..
        } => Confidence::Definite,
        Trust::Untrusted { .. } => Confidence::Likely,
        Trust::Safe | Trust::Unknown => Confidence::Possible,
    }
}

/// "`cmd` comes from `input()` (user input, L12)", for a message.
fn origin_phrase(context: &RuleContext<'_>, value: &str, source: &Source) -> String {
    let line = context.line_of(source.range.start());
    let kind = source.kind.describe();
    let value = source.carrier.as_deref().unwrap_or(value);
    let mut phrase = if value == source.text {
        format!("`{value}` is {kind} (L{line})")
    } else {
        format!("`{value}` comes from `{}` ({kind}, L{line})", source.text)
    };
    if let Some(call) = source.through_call {
        phrase.push_str(&format!(
            " through the call on L{}",
            context.line_of(call.start())
        ));
    }
    phrase
}

/// The source (and the call that passes it on) as related locations.
fn related_of(context: &RuleContext<'_>, source: &Source) -> Vec<Related> {
    let mut related = vec![Related {
        file: context.file,
        range: source.range,
        message: format!("{} enters the program here", source.kind.describe()),
    }];
    if let Some(call) = source.through_call {
        related.push(Related {
            file: context.file,
            range: call,
            message: "this call passes it on".to_owned(),
        });
    }
    related
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

/// Where an unsafe loader reads its data from: the first argument, or its keyword.
fn loaded_data<'t>(call: Node<'t>, text: &str) -> Option<Node<'t>> {
    positional_argument(call, 0).or_else(|| {
        ["file", "data", "stream", "filename"]
            .into_iter()
            .find_map(|name| keyword_argument(call, name, text))
    })
}

fn unsafe_deserialization<'db>(
    context: &RuleContext<'db>,
    tracer: &mut TaintTracer<'_, 'db>,
    call: Node<'db>,
    path: &str,
) -> Option<Report> {
    let call_text = first_line(context.node_text(call)).to_owned();
    // The risk, what to use instead, and the fix template's `safe` parameter.
    let (risk, instead, safe) = if let Some((_, safe)) =
        UNSAFE_LOADERS.iter().find(|(loader, _)| *loader == path)
    {
        let risk = if path.starts_with("marshal.") {
            // marshal builds code objects without running them; bad data crashes it.
            "is not meant for untrusted data (malformed input can crash the interpreter)".to_owned()
        } else {
            "can run arbitrary code while it rebuilds objects".to_owned()
        };
        (risk, format!("{safe} for plain data"), (*safe).to_owned())
    } else if matches!(path, "yaml.load" | "yaml.load_all") {
        let safe = if path == "yaml.load" {
            "yaml.safe_load"
        } else {
            "yaml.safe_load_all"
        };
        let Some(loader) =
            keyword_argument(call, "Loader", context.text).or_else(|| positional_argument(call, 1))
        else {
            // PyYAML 6 made `Loader` required: the call itself raises TypeError.
            return Some(Report {
                rule: "unsafe-deserialization",
                range: range_of(call),
                confidence: Confidence::Definite,
                message: format!(
                    "`{call_text}` without `Loader=` fails on PyYAML 6 and builds arbitrary objects on older versions: use `{safe}`"
                ),
                fix_parameters: vec![("call", call_text), ("safe", safe.to_owned())],
                related: Vec::new(),
            });
        };
        let loader_text = context.node_text(loader);
        let loader_name = loader_text.rsplit('.').next().unwrap_or(loader_text);
        if SAFE_YAML_LOADERS.contains(&loader_name) {
            return None;
        }
        (
            format!("with `{loader_text}` can build arbitrary objects from the YAML it reads"),
            format!("`{safe}`"),
            safe.to_owned(),
        )
    } else {
        return None;
    };
    let data = loaded_data(call, context.text);
    let trust = match data.map_or(Trust::Unknown, |data| tracer.trust(data)) {
        // `marshal` loading a file opened to be run (a `.pyc`) reads code exactly as
        // the interpreter would: no more outside than the program itself.
        Trust::Untrusted { source, .. }
            if path.starts_with("marshal.") && source.kind == SourceKind::CodeFile =>
        {
            Trust::Unknown
        }
        trust => trust,
    };
    if trust == Trust::Safe {
        return None;
    }
    let data_text = data.map_or_else(String::new, |data| {
        first_line(context.node_text(data)).to_owned()
    });
    let (message, related) = match &trust {
        Trust::Untrusted { source, .. } => (
            format!(
                "`{call_text}` {risk}, and {}: use {instead}",
                origin_phrase(context, &data_text, source)
            ),
            related_of(context, source),
        ),
        _ => (
            format!(
                "`{call_text}` {risk}; where `{data_text}` comes from is unknown to the analysis: if it can be untrusted, use {instead}"
            ),
            Vec::new(),
        ),
    };
    Some(Report {
        rule: "unsafe-deserialization",
        range: range_of(call),
        confidence: confidence_of(&trust),
        message,
        fix_parameters: vec![("call", call_text), ("safe", safe)],
        related,
    })
}

// ---------------------------------------------------------------------------------------
// eval-injection

/// Whether `node` is a string literal, or a name whose every value is a literal string.
fn is_literal_string(context: &RuleContext<'_>, node: Node<'_>) -> bool {
    match kind_of(node) {
        "string" => {
            let mut cursor = node.walk();
            let has_interpolation = node
                .named_children(&mut cursor)
                .any(|child| kind_of(child) == "interpolation");
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

fn eval_injection<'db>(
    context: &RuleContext<'db>,
    tracer: &mut TaintTracer<'_, 'db>,
    call: Node<'db>,
    path: &str,
) -> Option<Report> {
    if !matches!(path, "eval" | "exec") {
        return None;
    }
    let code = positional_argument(call, 0)?;
    if is_literal_string(context, code) {
        return None;
    }
    let trust = tracer.trust(code);
    if trust == Trust::Safe {
        return None;
    }
    // Text a literal pattern cut out, which cannot hold `(` (nor `*`, `<`), evaluates
    // to data: nothing in it can call code.
    if path == "eval" && super::regex_text::is_inert_eval_text(context, code) {
        return None;
    }
    // `exec(compile(...))` and code objects are explicit about what they run, unless
    // what they compile comes from outside.
    if !matches!(trust, Trust::Untrusted { .. })
        && kind_of(code) == "call"
        && callee_path(context, code).is_some_and(|callee| callee == "compile")
    {
        return None;
    }
    let code_text = first_line(context.node_text(code)).to_owned();
    let instead = if path == "eval" {
        "`ast.literal_eval` for literals, or an explicit parser"
    } else {
        "explicit functions instead of generated code"
    };
    let (message, related) = match &trust {
        Trust::Untrusted { source, .. } => (
            format!(
                "`{path}({code_text})` runs code from outside the program, {}: use {instead}",
                origin_phrase(context, &code_text, source)
            ),
            related_of(context, source),
        ),
        // Text a program assembles from its own code fragments (`namedtuple`,
        // `dataclasses`, templates filled with identifiers) is generated code: the parts
        // may still come from outside, but nothing here shows they do.
        _ if is_generated_code(context, code, 0) => (
            format!(
                "`{path}({code_text})` runs code assembled from a template: make sure no part of it comes from untrusted input"
            ),
            Vec::new(),
        ),
        _ => (
            format!(
                "`{path}({code_text})` runs whatever code `{code_text}` holds, and where that comes from is unknown to the analysis: if it can be untrusted, use {instead}"
            ),
            Vec::new(),
        ),
    };
    Some(Report {
        rule: "eval-injection",
        range: range_of(call),
        confidence: confidence_of(&trust),
        message,
        fix_parameters: vec![("function", path.to_owned()), ("argument", code_text)],
        related,
    })
}

/// Whether `node` builds code from literal code fragments: an f-string with
/// replacement fields, `%` or `.format` on a literal template, concatenation with a
/// literal, a join with a literal separator, or a local name every assignment of
/// which does one of those.
fn is_generated_code(context: &RuleContext<'_>, node: Node<'_>, depth: usize) -> bool {
    if depth > 3 {
        return false;
    }
    let text = context.node_text(node);
    let is_literal = |node: Node<'_>| is_literal_string(context, node);
    match kind_of(node) {
        "parenthesized_expression" => node
            .named_child(0)
            .is_some_and(|inner| is_generated_code(context, inner, depth + 1)),
        "string" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .any(|child| kind_of(child) == "interpolation")
        }
        "concatenated_string" => !is_literal_string(context, node),
        "binary_operator" => {
            let operator =
                child_by_field(node, "operator").map(|operator| context.node_text(operator));
            let (Some(left), Some(right)) =
                (child_by_field(node, "left"), child_by_field(node, "right"))
            else {
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
        "call" => child_by_field(node, "function")
            .filter(|function| kind_of(*function) == "attribute")
            .is_some_and(|function| {
                let method = child_by_field(function, "attribute")
                    .map(|attribute| context.node_text(attribute));
                let receiver = child_by_field(function, "object");
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
    match kind_of(command) {
        "string" | "concatenated_string" | "identifier" => !is_literal_string(context, command),
        "binary_operator" => true,
        "call" => child_by_field(command, "function")
            .and_then(|function| child_by_field(function, "attribute"))
            .is_some_and(|attribute| context.node_text(attribute) == "format"),
        _ => false,
    }
}

fn shell_injection<'db>(
    context: &RuleContext<'db>,
    tracer: &mut TaintTracer<'_, 'db>,
    call: Node<'db>,
    path: &str,
) -> Option<Report> {
    let uses_shell = if SHELL_ALWAYS.contains(&path) {
        true
    } else if SHELL_WHEN_ASKED.contains(&path) {
        keyword_argument(call, "shell", context.text).is_some_and(|shell| kind_of(shell) == "true")
    } else {
        return None;
    };
    if !uses_shell {
        return None;
    }
    let command = positional_argument(call, 0)
        .or_else(|| keyword_argument(call, "args", context.text))
        .or_else(|| keyword_argument(call, "cmd", context.text))
        .or_else(|| keyword_argument(call, "command", context.text))?;
    let trust = tracer.trust(command);
    // A command of any shape that comes from outside is reported; otherwise only one
    // built at run time.
    if trust == Trust::Safe
        || !(matches!(trust, Trust::Untrusted { .. }) || is_built_command(context, command))
    {
        return None;
    }
    let command_text = first_line(context.node_text(command)).to_owned();
    let fix = "pass a list of arguments without `shell=True`, or quote with `shlex.quote`";
    let (message, related) = match &trust {
        Trust::Untrusted { source, .. } => (
            format!(
                "`{path}` runs `{command_text}` through a shell and {}, so a crafted value can run other commands: {fix}",
                origin_phrase(context, &command_text, source)
            ),
            related_of(context, source),
        ),
        _ => (
            format!(
                "`{path}` runs `{command_text}` through a shell, and where its parts come from is unknown to the analysis: if one can be untrusted, {fix}"
            ),
            Vec::new(),
        ),
    };
    Some(Report {
        rule: "shell-injection",
        range: range_of(call),
        confidence: confidence_of(&trust),
        message,
        fix_parameters: vec![("function", path.to_owned()), ("command", command_text)],
        related,
    })
}

#[cfg(test)]
mod tests {
    use crate::testing::check_fixture_expectations;
    use crate::testing::fixture::{fixture_files, host_with_files};

    #[track_caller]
    fn check(fixture: &str) {
        let result = check_fixture_expectations(fixture);
        assert!(result.passed(), "{}", result.report());
    }

    #[test]
    fn parameters_and_constants_stay_possible() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
disable = ["unresolved-import"]
#- /main.py
import os
import pickle
import shlex
import subprocess as sp
import yaml

def restore(blob, path, name, expression):
    # expect: unsafe-deserialization confidence=possible
    state = pickle.loads(blob)
    with open(path) as handle:
        # expect: unsafe-deserialization confidence=definite
        config = yaml.load(handle)
    with open(path) as handle:
        safe = yaml.load(handle, Loader=yaml.SafeLoader)
    with open(path) as handle:
        also_safe = yaml.safe_load(handle)
    # expect: eval-injection confidence=possible
    value = eval(expression)
    constant = eval("1 + 2")
    # expect: shell-injection confidence=possible
    sp.run(f"tar xf {name}", shell=True)
    sp.run(["tar", "xf", name])
    sp.run(f"tar xf {shlex.quote(name)}", shell=True)
    sp.run("ls -l", shell=True)
    # expect: shell-injection confidence=possible
    os.system("rm -rf " + path)
    os.system("clear")
    return state, config, safe, also_safe, value, constant

class Template:
    def __init__(self, source):
        self.source = source

    def render(self):
        # expect: eval-injection confidence=possible
        return eval(self.source)

def passes_constants(command):
    # expect: shell-injection confidence=possible
    os.system("sh -c " + command)

def caller():
    passes_constants("ls")
"#,
        );
    }

    #[test]
    fn eval_of_regex_groups_that_cannot_call_is_data() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /convert.py
import re

BITSET = re.compile(r'\s+("(?:\\\d\d\d)*")},$')

def parse(filename):
    labels = []
    with open(filename) as f:
        header = f.readline()
        mo = re.match(r"static (\w+) arcs = (.*)$", header)
        assert mo
        x, y = map(int, mo.groups())
        labels.append((x, y))
        for line in f:
            mo = re.match(r'\s+{(\d+), (0|"\w+")},$', line)
            if not mo:
                continue
            x, y = mo.groups()
            if y == "0":
                y = None
            else:
                y = eval(y)
            labels.append((int(x), y))
            bits = BITSET.match(line)
            if bits:
                labels.append(eval(bits.group(1)))
            loose = re.match(r'(\w+)=(.*)$', line)
            if loose:
                # expect: eval-injection confidence=definite
                labels.append(eval(loose.group(2)))
            # expect: eval-injection confidence=definite
            labels.append(eval(line.split(",")[0]))
    return labels

def load_compiled(pathname):
    import io
    import marshal
    with io.open_code(pathname) as fp:
        data = fp.read()
    # A compiled file opened to be run is as trusted as the code itself.
    # expect: unsafe-deserialization confidence=possible
    return marshal.loads(memoryview(data)[16:])

def run_script(progname):
    import io
    with io.open_code(progname) as fp:
        code = fp.read()
    # Running a script file is running code from outside the program.
    # expect: eval-injection confidence=definite
    exec(code)
"#,
        );
    }

    #[test]
    fn sources_make_findings_definite() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /main.py
import configparser
import json
import os
import pickle
import subprocess
import sys
import urllib.request

def from_input():
    # expect: eval-injection confidence=definite
    return eval(input("> "))

def from_argv():
    target = sys.argv[1].strip()
    # expect: shell-injection confidence=definite
    os.system("ls " + target)

def from_environment():
    editor = os.getenv("EDITOR")
    # expect: shell-injection confidence=definite
    subprocess.call(f"{editor} notes.txt", shell=True)
    command = os.environ["BUILD"]
    # expect: shell-injection confidence=definite
    os.popen(command)

def from_stdin():
    for line in sys.stdin:
        # expect: eval-injection confidence=definite
        exec(line)
    while (line := sys.stdin.readline()):
        # expect: eval-injection confidence=definite
        exec(line)

def from_socket(sock):
    packet = sock.recv(4096)
    # expect: unsafe-deserialization confidence=definite
    return pickle.loads(packet[4:])

def from_url(url):
    with urllib.request.urlopen(url) as response:
        # expect: unsafe-deserialization confidence=definite
        return pickle.load(response)

def from_file(path):
    with open(path) as handle:
        for number, line in enumerate(handle):
            if not line.strip():
                continue
            # expect: eval-injection confidence=definite
            exec(line)
    # expect: eval-injection confidence=definite
    exec(open(path).read())

def from_json(path):
    with open(path) as handle:
        settings = json.load(handle)
    # expect: shell-injection confidence=definite
    os.system(settings["command"])

def from_config(path):
    parser = configparser.ConfigParser()
    parser.read(path)
    size = parser.get("limits", "size")
    # expect: eval-injection confidence=definite
    return eval(size)
"#,
        );
    }

    #[test]
    fn some_paths_and_callers_make_findings_likely() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /main.py
import os
import sys

def some_branch(flag):
    code = "print(1)"
    if flag:
        code = input()
    # expect: eval-injection confidence=likely
    exec(code)

def with_default():
    pager = os.environ.get("PAGER") or "less"
    # expect: shell-injection confidence=likely
    os.system(pager + " notes.txt")

def run_command(command):
    # expect: shell-injection confidence=likely
    os.system("sh -c " + command)

def main():
    run_command(sys.argv[1])
"#,
        );
    }

    #[test]
    fn command_methods_and_routes_receive_outside_text() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
disable = ["unresolved-import"]
#- /shell.py
import cmd

class Shell(cmd.Cmd):
    def do_calc(self, arg):
        # expect: eval-injection confidence=definite
        print(eval(arg))

    def helper(self, arg):
        # expect: eval-injection confidence=possible
        return eval(arg)

class Debugger(Shell):
    def default(self, line):
        # expect: eval-injection confidence=definite
        exec(line)
#- /app.py
import os
from flask import Flask, request

app = Flask(__name__)

@app.route("/run/<name>")
def run(name):
    # expect: shell-injection confidence=definite
    os.system("run " + name)
    return "ok"

@app.route("/calc")
def calc():
    expression = request.args.get("q", "")
    # expect: eval-injection confidence=definite
    return str(eval(expression))
#- /shop/views.py
import pickle
from django.http import HttpResponse

def restore(request):
    # expect: unsafe-deserialization confidence=definite
    cart = pickle.loads(request.body)
    return HttpResponse(str(cart))
"#,
        );
    }

    #[test]
    fn sanitised_and_looked_up_values_are_safe() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /main.py
import os
import shlex

COMMANDS = {"list": "ls -l", "disk": "df -h"}

def checked():
    value = input().strip()
    if value in ("True", "False", "None"):
        return eval(value)
    return None

def quoted():
    name = input()
    os.system("cat " + shlex.quote(name))
    os.system("head -n " + str(int(name)))

def looked_up():
    command = COMMANDS[input()]
    os.system(command)

def replaced():
    code = input()
    code = "print(2)"
    exec(code)

def as_literals():
    exec("import sys\nsys.argv = {!r}".format(input().split()))
    exec(f"name = {input()!r}")
    eval(repr(input()))

def not_only_literals():
    # expect: eval-injection confidence=definite
    exec("x = {!r}; {}".format(input(), input()))
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
    # expect: eval-injection confidence=definite
    total = eval("2 + " + input("expression: "))
    expression = sys.argv[1]
    # expect: eval-injection confidence=definite
    value = eval(expression)
    formula = "x * " + sys.argv[2]
    # expect: eval-injection confidence=definite
    scaled = eval(formula)
    return total, value, scaled
"#,
        );
    }

    #[test]
    fn the_message_and_related_location_name_the_source() {
        let files = fixture_files(
            r#"
#- /main.py
import os

def run_command(command):
    os.system("sh -c " + command)

def main():
    entered = input("command: ")
    run_command(entered)
"#,
        )
        .expect("the fixture is well formed");
        let (host, ids) = host_with_files(&files);
        let diagnostics = host
            .analysis()
            .diagnostics(ids[std::path::Path::new("/main.py")])
            .expect("nothing cancels this analysis");
        let finding = diagnostics
            .iter()
            .find(|diagnostic| diagnostic.rule == "shell-injection")
            .unwrap_or_else(|| panic!("no shell-injection finding: {diagnostics:#?}"));
        assert_eq!(
            finding.message,
            "`os.system` runs `\"sh -c \" + command` through a shell and `command` comes from `input(\"command: \")` (user input, L7) through the call on L8, so a crafted value can run other commands: pass a list of arguments without `shell=True`, or quote with `shlex.quote`"
        );
        let related: Vec<(u32, &str)> = finding
            .related
            .iter()
            .map(|related| (u32::from(related.range.start()), related.message.as_str()))
            .collect();
        let text = &files[0].text;
        let offset = |needle: &str| text.find(needle).expect("the needle is in the fixture") as u32;
        assert_eq!(
            related,
            vec![
                (
                    offset("input(\"command: \")"),
                    "user input enters the program here"
                ),
                (offset("run_command(entered)"), "this call passes it on"),
            ]
        );
    }
}
