//! Where the text a security sink receives comes from: [`TaintTracer`] follows an
//! expression back through the bindings of its function (and, for a parameter, through
//! the calls of this file) to the reads that bring text from outside the program.
//!
//! Terminology:
//! - A *source* is an expression whose value comes from outside the program: `input()`,
//!   `sys.argv`, `os.environ`, a socket's `recv`, a file opened with `open`, the data of a
//!   web request, the line a `cmd.Cmd` command method receives, the parameters of a web
//!   route.
//! - A value is *untrusted* when it derives from a source: a slice, a concatenation, a
//!   formatted string, a `.strip()` or `.split()` of one, a name bound to one, a loop
//!   variable over one. It is untrusted on *every path* when each binding that can reach
//!   the use is.
//! - A value is *safe* when it is built from literals only, passed through a function
//!   that leaves no text to inject (`shlex.quote`, `int`), looked up in a literal table,
//!   or checked against a list of literals first (`if v in ("a", "b"):`).
//! - Anything else is *unknown*: a parameter no call of the file passes untrusted text to,
//!   an attribute, the result of a call the analysis does not model.
//!
//! ```python
//! def main():
//!     name = input("file: ").strip()      # source: `input()`
//!     command = "tar xf " + name          # untrusted on every path
//!     os.system(command)                  # shell-injection, definite
//! ```
//!
//! The walk is syntactic and bounded (a step budget per question, two levels of calls);
//! bindings reach a use when they precede it and no later binding on the use's own branch
//! path replaces them.

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::context::RuleContext;
use super::dotted::{callee_path, dotted_path, keyword_argument, positional_argument};
use super::frameworks::{Framework, decorator_call, framework_enabled, route_path};
use crate::index::{
    DefinitionId, DefinitionKind, NameResolution, ParameterKind, ScopeId, ScopeKind, range_of,
};
use crate::values::{FunctionRef, Value};

/// Expression visits allowed for one question (a sink's argument).
const MAX_STEPS: usize = 400;
/// How many calls deep a parameter is followed to the arguments its callers pass.
const MAX_CALL_DEPTH: usize = 2;

/// What kind of outside a source reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SourceKind {
    UserInput,
    CommandLine,
    StandardInput,
    Environment,
    Network,
    WebRequest,
    File,
    /// A file opened to be run (`io.open_code`: a script, a `.pth` file, a `.pyc`).
    CodeFile,
    ConfigFile,
    CommandPrompt,
}

impl SourceKind {
    pub(super) fn describe(self) -> &'static str {
        match self {
            SourceKind::UserInput => "user input",
            SourceKind::CommandLine => "the command line",
            SourceKind::StandardInput => "standard input",
            SourceKind::Environment => "the environment",
            SourceKind::Network => "the network",
            SourceKind::WebRequest => "the web request",
            SourceKind::File => "a file's contents",
            SourceKind::CodeFile => "a code file's contents",
            SourceKind::ConfigFile => "a configuration file",
            SourceKind::CommandPrompt => "the line typed at a `cmd.Cmd` prompt",
        }
    }
}

/// A read from outside the program that a value derives from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Source {
    pub kind: SourceKind,
    /// The reading expression, or the parameter that receives outside text.
    pub range: TextRange,
    /// The first line of its text.
    pub text: String,
    /// For a parameter of the sink's function: the call of this file that passes it the
    /// untrusted value.
    pub through_call: Option<TextRange>,
    /// The name nearest the sink that carries the value (`cmd` in `"sh -c " + cmd`).
    pub carrier: Option<String>,
}

/// How far a value can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Trust {
    /// Literals only, or text made harmless.
    Safe,
    /// Where it comes from is beyond the analysis.
    Unknown,
    /// Derived from `source` on some path (on every path when `every_path`).
    Untrusted { source: Source, every_path: bool },
}

impl Trust {
    /// A value built from all of `parts` (a concatenation, a formatted string): untrusted
    /// when one part is, on every path when one part is on every path.
    fn all_parts(parts: impl IntoIterator<Item = Trust>) -> Trust {
        let mut result = Trust::Safe;
        for part in parts {
            result = match (result, part) {
                (
                    Trust::Untrusted {
                        every_path: false, ..
                    },
                    better @ Trust::Untrusted {
                        every_path: true, ..
                    },
                ) => better,
                (untrusted @ Trust::Untrusted { .. }, _)
                | (_, untrusted @ Trust::Untrusted { .. }) => untrusted,
                (Trust::Unknown, _) | (_, Trust::Unknown) => Trust::Unknown,
                (Trust::Safe, Trust::Safe) => Trust::Safe,
            };
        }
        result
    }

    /// A value that is one of `alternatives` (the bindings that reach a use, the sides of
    /// `a if c else b`): untrusted when one is, on every path when each is.
    fn one_of(alternatives: impl IntoIterator<Item = Trust>) -> Trust {
        let mut first_source = None;
        let mut every_path = true;
        let mut any_unknown = false;
        let mut count = 0;
        for alternative in alternatives {
            count += 1;
            match alternative {
                Trust::Untrusted {
                    source,
                    every_path: always,
                } => {
                    every_path &= always;
                    first_source.get_or_insert(source);
                }
                Trust::Unknown => {
                    any_unknown = true;
                    every_path = false;
                }
                Trust::Safe => every_path = false,
            }
        }
        match first_source {
            Some(source) => Trust::Untrusted { source, every_path },
            None if any_unknown || count == 0 => Trust::Unknown,
            None => Trust::Safe,
        }
    }

    /// The same trust, untrusted on some path at most.
    fn on_some_path(self) -> Trust {
        match self {
            Trust::Untrusted { source, .. } => Trust::Untrusted {
                source,
                every_path: false,
            },
            other => other,
        }
    }

    /// Untrusted values keep their source; anything else becomes unknown (an attribute of
    /// a literal, the result of an unmodelled method).
    fn untrusted_or_unknown(self) -> Trust {
        match self {
            untrusted @ Trust::Untrusted { .. } => untrusted,
            _ => Trust::Unknown,
        }
    }
}

/// Calls whose result is outside text.
const CALL_SOURCES: &[(&str, SourceKind)] = &[
    ("input", SourceKind::UserInput),
    ("raw_input", SourceKind::UserInput),
    ("getpass.getpass", SourceKind::UserInput),
    ("os.getenv", SourceKind::Environment),
    ("os.getenvb", SourceKind::Environment),
    ("open", SourceKind::File),
    ("io.open", SourceKind::File),
    ("io.open_code", SourceKind::CodeFile),
    ("codecs.open", SourceKind::File),
    ("gzip.open", SourceKind::File),
    ("bz2.open", SourceKind::File),
    ("lzma.open", SourceKind::File),
    ("fileinput.input", SourceKind::File),
    ("urllib.request.urlopen", SourceKind::Network),
    ("urllib.urlopen", SourceKind::Network),
    ("urllib2.urlopen", SourceKind::Network),
    ("requests.get", SourceKind::Network),
    ("requests.post", SourceKind::Network),
    ("requests.put", SourceKind::Network),
    ("requests.patch", SourceKind::Network),
    ("requests.delete", SourceKind::Network),
    ("requests.head", SourceKind::Network),
    ("requests.request", SourceKind::Network),
    ("configparser.ConfigParser", SourceKind::ConfigFile),
    ("configparser.RawConfigParser", SourceKind::ConfigFile),
    ("configparser.SafeConfigParser", SourceKind::ConfigFile),
    ("ConfigParser.ConfigParser", SourceKind::ConfigFile),
    ("ConfigParser.RawConfigParser", SourceKind::ConfigFile),
];

/// Module attributes that hold outside text.
const ATTRIBUTE_SOURCES: &[(&str, SourceKind)] = &[
    ("sys.argv", SourceKind::CommandLine),
    ("sys.orig_argv", SourceKind::CommandLine),
    ("sys.stdin", SourceKind::StandardInput),
    ("os.environ", SourceKind::Environment),
    ("os.environb", SourceKind::Environment),
];

/// Methods whose result is outside text whatever they are called on.
const METHOD_SOURCES: &[(&str, SourceKind)] = &[
    ("recv", SourceKind::Network),
    ("recvfrom", SourceKind::Network),
    ("recvmsg", SourceKind::Network),
    ("makefile", SourceKind::Network),
    ("getresponse", SourceKind::Network),
    ("read_text", SourceKind::File),
    ("read_bytes", SourceKind::File),
    ("parse_args", SourceKind::CommandLine),
    ("parse_known_args", SourceKind::CommandLine),
];

/// Functions whose result leaves no text to inject, whatever they are given.
const SANITISERS: &[&str] = &[
    // Evaluated, the text of `repr(s)` gives back the string `s`, nothing else.
    "repr",
    "shlex.quote",
    "pipes.quote",
    "shlex.join",
    "int",
    "float",
    "bool",
    "len",
    "ord",
    "abs",
    "round",
    "ast.literal_eval",
    "os.path.exists",
    "os.path.isfile",
    "os.path.isdir",
];

/// Which arguments a propagating function's result is made of.
#[derive(Clone, Copy)]
enum Carried {
    Every,
    Positions(&'static [usize]),
}

/// Functions whose result carries (some of) their arguments' text.
const PROPAGATING_FUNCTIONS: &[(&str, Carried)] = &[
    ("str", Carried::Every),
    ("bytes", Carried::Every),
    ("bytearray", Carried::Every),
    ("memoryview", Carried::Every),
    ("format", Carried::Every),
    ("enumerate", Carried::Every),
    ("reversed", Carried::Every),
    ("sorted", Carried::Every),
    ("list", Carried::Every),
    ("tuple", Carried::Every),
    ("set", Carried::Every),
    ("iter", Carried::Every),
    ("next", Carried::Every),
    ("zip", Carried::Every),
    ("map", Carried::Every),
    ("filter", Carried::Every),
    ("compile", Carried::Positions(&[0])),
    ("os.path.join", Carried::Every),
    ("os.path.expanduser", Carried::Every),
    ("os.path.expandvars", Carried::Every),
    ("os.path.abspath", Carried::Every),
    ("os.path.normpath", Carried::Every),
    ("os.path.realpath", Carried::Every),
    ("os.path.basename", Carried::Every),
    ("os.path.dirname", Carried::Every),
    ("os.fsencode", Carried::Every),
    ("os.fsdecode", Carried::Every),
    ("io.StringIO", Carried::Every),
    ("io.BytesIO", Carried::Every),
    ("io.TextIOWrapper", Carried::Positions(&[0])),
    ("io.BufferedReader", Carried::Positions(&[0])),
    ("textwrap.dedent", Carried::Every),
    ("textwrap.indent", Carried::Positions(&[0])),
    ("base64.b64decode", Carried::Every),
    ("base64.urlsafe_b64decode", Carried::Every),
    ("binascii.unhexlify", Carried::Every),
    ("binascii.a2b_base64", Carried::Every),
    ("codecs.decode", Carried::Positions(&[0])),
    ("zlib.decompress", Carried::Positions(&[0])),
    ("gzip.decompress", Carried::Positions(&[0])),
    ("bz2.decompress", Carried::Positions(&[0])),
    ("lzma.decompress", Carried::Positions(&[0])),
    ("urllib.parse.unquote", Carried::Positions(&[0])),
    ("urllib.parse.unquote_plus", Carried::Positions(&[0])),
    ("urllib.parse.parse_qs", Carried::Positions(&[0])),
    ("urllib.parse.parse_qsl", Carried::Positions(&[0])),
    ("json.load", Carried::Positions(&[0])),
    ("json.loads", Carried::Positions(&[0])),
    ("shlex.split", Carried::Positions(&[0])),
    ("getopt.getopt", Carried::Positions(&[0])),
    ("getopt.gnu_getopt", Carried::Positions(&[0])),
    ("re.match", Carried::Positions(&[1])),
    ("re.search", Carried::Positions(&[1])),
    ("re.fullmatch", Carried::Positions(&[1])),
    ("re.findall", Carried::Positions(&[1])),
    ("re.finditer", Carried::Positions(&[1])),
    ("re.split", Carried::Positions(&[1])),
    ("re.sub", Carried::Positions(&[1, 2])),
    ("re.subn", Carried::Positions(&[1, 2])),
];

/// Methods whose result carries their receiver's text (file reads, string methods,
/// lookups in a mapping, a match's groups).
const RECEIVER_METHODS: &[&str] = &[
    "read",
    "read1",
    "readall",
    "readline",
    "readlines",
    "getvalue",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "rsplit",
    "splitlines",
    "partition",
    "rpartition",
    "lower",
    "upper",
    "casefold",
    "title",
    "capitalize",
    "swapcase",
    "expandtabs",
    "center",
    "ljust",
    "rjust",
    "zfill",
    "removeprefix",
    "removesuffix",
    "translate",
    "encode",
    "decode",
    "get",
    "getlist",
    "pop",
    "values",
    "items",
    "copy",
    "group",
    "groups",
    "groupdict",
    "json",
    "iter_lines",
    "iter_content",
];

/// Methods whose result carries their receiver's text and their arguments'.
const RECEIVER_AND_ARGUMENT_METHODS: &[&str] = &["format", "format_map", "join", "replace"];

/// Methods of a compiled pattern whose result carries the text they are given.
const PATTERN_METHODS: &[&str] = &[
    "match",
    "search",
    "fullmatch",
    "findall",
    "finditer",
    "split",
    "sub",
    "subn",
];

/// Attributes of a web framework's request object that hold the client's data.
const REQUEST_DATA: &[&str] = &[
    "args",
    "form",
    "values",
    "json",
    "data",
    "files",
    "cookies",
    "headers",
    "GET",
    "POST",
    "body",
    "COOKIES",
    "META",
    "FILES",
    "query_params",
    "path_params",
    "query_string",
    "path",
    "full_path",
    "url",
    "environ",
    "stream",
    "get_json",
    "get_data",
];

/// Route decorators of Flask and FastAPI (`@app.route(...)`, `@router.get(...)`).
const ROUTE_METHODS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
    "websocket",
];

/// `cmd.Cmd` methods that receive the line the user typed as their argument.
fn is_command_method(name: &str) -> bool {
    name.starts_with("do_") || matches!(name, "default" | "onecmd" | "precmd")
}

/// Classes whose command methods read the user's typed line.
const COMMAND_CLASSES: &[&str] = &["cmd.Cmd", "pdb.Pdb"];

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > 60 {
        let cut: String = line.chars().take(57).collect();
        format!("{cut}...")
    } else {
        line.to_owned()
    }
}

/// Follows expressions of one file to their sources. One tracer serves a whole file: it
/// remembers the calls of each function and the trust of parameters it has worked out.
pub(super) struct TaintTracer<'a, 'db> {
    context: &'a RuleContext<'db>,
    /// Calls of this file's functions, by the callee's dotted path in the file: the call's
    /// range and how many leading parameters the callee binds itself (1 for a method
    /// called on an instance).
    calls_by_function: Option<FxHashMap<String, Vec<(TextRange, usize)>>>,
    parameters: FxHashMap<DefinitionId, Trust>,
    /// Definitions being followed (`x = x + y` in a loop stops here).
    following: Vec<DefinitionId>,
    steps: usize,
    call_depth: usize,
}

impl<'a, 'db> TaintTracer<'a, 'db> {
    pub(super) fn new(context: &'a RuleContext<'db>) -> Self {
        TaintTracer {
            context,
            calls_by_function: None,
            parameters: FxHashMap::default(),
            following: Vec::new(),
            steps: 0,
            call_depth: 0,
        }
    }

    /// How far the value of `node` can be trusted.
    pub(super) fn trust(&mut self, node: Node<'db>) -> Trust {
        self.steps = 0;
        self.following.clear();
        self.call_depth = 0;
        self.expression(node)
    }

    /// Whether `node` is text an unmodelled method call returned (`top.wm_geometry()`),
    /// followed through the bindings that reach it and, for a parameter, through every
    /// call of this file (at least one, all passing such text).
    pub(super) fn is_method_output(&mut self, node: Node<'db>) -> bool {
        self.steps = 0;
        self.following.clear();
        self.call_depth = 0;
        self.method_output(node)
    }

    fn method_output(&mut self, node: Node<'db>) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return false;
        }
        let context = self.context;
        match kind_of(node) {
            // A method the workspace defines that builds its result itself
            // (`self.get_data()` returning `"".join(self.data)`) is not a library's
            // output; one that passes on what a library call returned
            // (`self.top.wm_geometry()`, an unknown value) still is.
            "call" => {
                let (start, end) = (node.start_byte() as u32, node.end_byte() as u32);
                child_by_field(node, "function")
                    .is_some_and(|function| kind_of(function) == "attribute")
                    && !context.calls().any(|(_, call)| {
                        call.offset == start
                            && call.end == end
                            && !call.result.is_unknown()
                            && call.callee.values().any(|callee| {
                                matches!(
                                    callee,
                                    Value::Function(FunctionRef::Defined { .. })
                                        | Value::BoundMethod {
                                            function: FunctionRef::Defined { .. },
                                            ..
                                        }
                                )
                            })
                    })
            }
            "parenthesized_expression" => node
                .named_child(0)
                .is_some_and(|inner| self.method_output(inner)),
            "identifier" => {
                let index = context.index;
                let offset = range_of(node).start();
                let NameResolution::Scope { definitions, .. } =
                    index.resolve_name(index.scope_at(offset), context.node_text(node), offset)
                else {
                    return false;
                };
                let reaching: Vec<DefinitionId> = definitions
                    .into_iter()
                    .filter(|&id| index.definition(id).name_range.end() <= offset)
                    .collect();
                !reaching.is_empty()
                    && reaching
                        .into_iter()
                        .all(|id| self.definition_is_method_output(id))
            }
            _ => false,
        }
    }

    fn definition_is_method_output(&mut self, id: DefinitionId) -> bool {
        if self.following.contains(&id) || self.call_depth >= MAX_CALL_DEPTH {
            return false;
        }
        let context = self.context;
        let index = context.index;
        let definition = index.definition(id);
        self.following.push(id);
        let answer = match &definition.kind {
            DefinitionKind::Assignment => definition
                .value_range
                .and_then(|range| context.node(range))
                .is_some_and(|value| self.method_output(value)),
            DefinitionKind::Parameter {
                kind:
                    kind @ (ParameterKind::PositionalOnly
                    | ParameterKind::PositionalOrKeyword
                    | ParameterKind::KeywordOnly),
                default: None,
                ..
            } => {
                let kind = *kind;
                let position = parameter_position(context, id);
                let name = definition.name.clone();
                match function_of_body(context, definition.scope) {
                    Some(function_id) => {
                        let path = index.path_of(function_id).to_string();
                        let calls = self
                            .calls_by_function()
                            .get(&path)
                            .cloned()
                            .unwrap_or_default();
                        !calls.is_empty()
                            && calls.into_iter().all(|(range, bound)| {
                                let Some(call) =
                                    context.node(range).filter(|call| kind_of(*call) == "call")
                                else {
                                    return false;
                                };
                                let argument =
                                    passed_argument(context, call, (position, bound), &name, kind);
                                argument.is_some_and(|argument| {
                                    self.call_depth += 1;
                                    let produced = self.method_output(argument);
                                    self.call_depth -= 1;
                                    produced
                                })
                            })
                    }
                    None => false,
                }
            }
            _ => false,
        };
        self.following.pop();
        answer
    }

    fn untrusted(&self, kind: SourceKind, node: Node<'_>) -> Trust {
        Trust::Untrusted {
            source: Source {
                kind,
                range: range_of(node),
                text: first_line(self.context.node_text(node)),
                through_call: None,
                carrier: None,
            },
            every_path: true,
        }
    }

    fn expression(&mut self, node: Node<'db>) -> Trust {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Trust::Unknown;
        }
        let named = |node: Node<'db>| {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .filter(|child| kind_of(*child) != "comment")
                .collect::<Vec<_>>()
        };
        match kind_of(node) {
            "string" => {
                // `f"{name!r}"` writes the value as a Python literal.
                let fields: Vec<Node<'db>> = named(node)
                    .into_iter()
                    .filter(|child| kind_of(*child) == "interpolation")
                    .filter(|field| {
                        child_by_field(*field, "type_conversion")
                            .is_none_or(|conversion| self.context.node_text(conversion) != "!r")
                    })
                    .filter_map(|field| child_by_field(field, "expression"))
                    .collect();
                Trust::all_parts(fields.into_iter().map(|field| self.expression(field)))
            }
            "concatenated_string"
            | "binary_operator"
            | "tuple"
            | "list"
            | "set"
            | "expression_list"
            | "dictionary"
            | "pair"
            | "list_splat"
            | "dictionary_splat"
            | "parenthesized_expression"
            | "await"
            | "unary_operator" => {
                let parts = named(node);
                Trust::all_parts(parts.into_iter().map(|part| self.expression(part)))
            }
            "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "comparison_operator"
            | "not_operator" => Trust::Safe,
            "conditional_expression" => {
                let parts = named(node);
                let sides = [parts.first(), parts.get(2)];
                let sides: Vec<Node<'db>> = sides.into_iter().flatten().copied().collect();
                Trust::one_of(sides.into_iter().map(|side| self.expression(side)))
            }
            "boolean_operator" => {
                let sides: Vec<Node<'db>> = ["left", "right"]
                    .into_iter()
                    .filter_map(|field| child_by_field(node, field))
                    .collect();
                Trust::one_of(sides.into_iter().map(|side| self.expression(side)))
            }
            // A lookup in a trusted table stays trusted, whatever the key.
            "subscript" => match child_by_field(node, "value") {
                Some(value) => self.expression(value),
                None => Trust::Unknown,
            },
            "attribute" => self.attribute(node),
            "call" => self.call(node),
            "identifier" => self.name(node),
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => match child_by_field(node, "body") {
                Some(body) => self.expression(body),
                None => Trust::Unknown,
            },
            "named_expression" => match child_by_field(node, "value") {
                Some(value) => self.expression(value),
                None => Trust::Unknown,
            },
            // `a = b = value`: the value of a chained assignment.
            "assignment" => match child_by_field(node, "right") {
                Some(value) => self.expression(value),
                None => Trust::Unknown,
            },
            _ => Trust::Unknown,
        }
    }

    fn attribute(&mut self, node: Node<'db>) -> Trust {
        if let Some(path) = dotted_path(self.context, node)
            && let Some((_, kind)) = ATTRIBUTE_SOURCES.iter().find(|(source, _)| *source == path)
        {
            return self.untrusted(*kind, node);
        }
        let Some(object) = child_by_field(node, "object") else {
            return Trust::Unknown;
        };
        let attribute = child_by_field(node, "attribute")
            .map(|attribute| self.context.node_text(attribute))
            .unwrap_or("");
        if REQUEST_DATA.contains(&attribute) && self.is_request_object(object) {
            return self.untrusted(SourceKind::WebRequest, node);
        }
        self.expression(object).untrusted_or_unknown()
    }

    fn call(&mut self, node: Node<'db>) -> Trust {
        let context = self.context;
        let Some(function) = child_by_field(node, "function") else {
            return Trust::Unknown;
        };
        if let Some(path) = callee_path(context, node) {
            if let Some((_, kind)) = CALL_SOURCES.iter().find(|(source, _)| *source == path) {
                return self.untrusted(*kind, node);
            }
            if SANITISERS.contains(&path.as_str()) {
                return Trust::Safe;
            }
            if let Some((_, carried)) = PROPAGATING_FUNCTIONS
                .iter()
                .find(|(function, _)| *function == path)
            {
                let arguments = match carried {
                    Carried::Every => arguments_of(node),
                    Carried::Positions(positions) => positions
                        .iter()
                        .filter_map(|&position| positional_argument(node, position))
                        .collect(),
                };
                return Trust::all_parts(
                    arguments
                        .into_iter()
                        .map(|argument| self.expression(argument)),
                );
            }
        }
        if kind_of(function) != "attribute" {
            return Trust::Unknown;
        }
        let (Some(receiver), Some(method)) = (
            child_by_field(function, "object"),
            child_by_field(function, "attribute"),
        ) else {
            return Trust::Unknown;
        };
        let method = context.node_text(method);
        if let Some((_, kind)) = METHOD_SOURCES.iter().find(|(source, _)| *source == method) {
            return self.untrusted(*kind, node);
        }
        if REQUEST_DATA.contains(&method) && self.is_request_object(receiver) {
            return self.untrusted(SourceKind::WebRequest, node);
        }
        if RECEIVER_METHODS.contains(&method) {
            return self.expression(receiver).untrusted_or_unknown();
        }
        if method == "format" && is_repr_only_template(self.context, receiver) {
            // `"_filename = {!r}".format(name)`: each value enters as a Python literal.
            return Trust::Safe;
        }
        if RECEIVER_AND_ARGUMENT_METHODS.contains(&method) {
            let mut parts = vec![receiver];
            parts.extend(arguments_of(node));
            return Trust::all_parts(parts.into_iter().map(|part| self.expression(part)));
        }
        if PATTERN_METHODS.contains(&method) {
            return match positional_argument(node, 0) {
                Some(text) => self.expression(text).untrusted_or_unknown(),
                None => Trust::Unknown,
            };
        }
        Trust::Unknown
    }

    /// Whether `node` is a web framework's request object: Flask's `request`, or a
    /// parameter (or `self.request`) named `request` where a web framework is in use.
    fn is_request_object(&self, node: Node<'db>) -> bool {
        let context = self.context;
        if dotted_path(context, node)
            .is_some_and(|path| matches!(path.as_str(), "flask.request" | "quart.request"))
        {
            return true;
        }
        let named_request = match kind_of(node) {
            "identifier" => context.node_text(node) == "request",
            "attribute" => {
                child_by_field(node, "attribute")
                    .is_some_and(|attribute| context.node_text(attribute) == "request")
                    && child_by_field(node, "object")
                        .is_some_and(|object| context.node_text(object) == "self")
            }
            _ => false,
        };
        named_request && self.web_framework_in_use()
    }

    fn web_framework_in_use(&self) -> bool {
        let context = self.context;
        [Framework::Django, Framework::Flask, Framework::FastApi]
            .into_iter()
            .any(|framework| framework_enabled(context.db, context.file, framework))
    }

    fn name(&mut self, node: Node<'db>) -> Trust {
        let context = self.context;
        if let Some(path) = dotted_path(context, node)
            && let Some((_, kind)) = ATTRIBUTE_SOURCES.iter().find(|(source, _)| *source == path)
        {
            return self.untrusted(*kind, node);
        }
        if self.is_checked_against_literals(node) {
            return Trust::Safe;
        }
        let text = context.node_text(node);
        let Some((reaching, replaced)) = reaching_definitions(context, node) else {
            return Trust::Unknown;
        };
        let alternatives: Vec<Trust> = reaching.into_iter().map(|id| self.definition(id)).collect();
        let trust = Trust::one_of(alternatives);
        let trust = if replaced {
            trust
        } else {
            trust.on_some_path()
        };
        match trust {
            Trust::Untrusted { source, every_path } => Trust::Untrusted {
                source: Source {
                    carrier: Some(text.to_owned()),
                    ..source
                },
                every_path,
            },
            other => other,
        }
    }

    /// Whether the name `node` is read on the true side of a test against literals:
    /// `if value in ("True", "False"):` or `if mode == "fast":`.
    fn is_checked_against_literals(&self, node: Node<'db>) -> bool {
        let context = self.context;
        let name = context.node_text(node);
        let range = range_of(node);
        for ancestor in context.ancestors(node) {
            match kind_of(ancestor) {
                "function_definition" | "lambda" | "class_definition" | "module" => return false,
                "if_statement" | "elif_clause" => {
                    let in_body = child_by_field(ancestor, "consequence")
                        .is_some_and(|body| range_of(body).contains_range(range));
                    if in_body
                        && child_by_field(ancestor, "condition")
                            .is_some_and(|condition| self.tests_against_literals(condition, name))
                    {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Whether `condition` is `name in <literal strings>` or `name == <literal string>`
    /// (alone, parenthesised, or one side of an `and`).
    fn tests_against_literals(&self, condition: Node<'db>, name: &str) -> bool {
        let context = self.context;
        let is_plain_string = |node: Node<'db>| {
            kind_of(node) == "string" && {
                let mut cursor = node.walk();
                !node
                    .named_children(&mut cursor)
                    .any(|child| kind_of(child) == "interpolation")
            }
        };
        match kind_of(condition) {
            "parenthesized_expression" => condition
                .named_child(0)
                .is_some_and(|inner| self.tests_against_literals(inner, name)),
            "boolean_operator" => {
                let is_and = child_by_field(condition, "operator")
                    .is_some_and(|operator| context.node_text(operator) == "and");
                is_and
                    && ["left", "right"].into_iter().any(|side| {
                        child_by_field(condition, side)
                            .is_some_and(|side| self.tests_against_literals(side, name))
                    })
            }
            "comparison_operator" => {
                let mut cursor = condition.walk();
                let operands: Vec<Node<'db>> = condition.named_children(&mut cursor).collect();
                let operator = child_by_field(condition, "operators")
                    .map(|operator| context.node_text(operator));
                let [left, right] = operands.as_slice() else {
                    return false;
                };
                if context.node_text(*left) != name {
                    return false;
                }
                match operator {
                    Some("==") => is_plain_string(*right),
                    Some("in") => {
                        matches!(kind_of(*right), "list" | "tuple" | "set") && {
                            let mut cursor = right.walk();
                            let items: Vec<Node<'db>> = right.named_children(&mut cursor).collect();
                            !items.is_empty() && items.into_iter().all(is_plain_string)
                        }
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn definition(&mut self, id: DefinitionId) -> Trust {
        if self.following.contains(&id) {
            return Trust::Unknown;
        }
        let context = self.context;
        let definition = context.index.definition(id);
        let value = definition.value_range.and_then(|range| context.node(range));
        self.following.push(id);
        let trust = match &definition.kind {
            DefinitionKind::Assignment
            | DefinitionKind::NamedExpression
            | DefinitionKind::ForTarget
            | DefinitionKind::ComprehensionTarget
            | DefinitionKind::WithTarget => match value {
                // A list, dict or set bound to a name may grow later (`lines.append(…)`),
                // which the walk does not see: only an untrusted start is sure.
                Some(value) if is_mutable_display(value) => {
                    self.expression(value).untrusted_or_unknown()
                }
                Some(value) => self.expression(value),
                None => Trust::Unknown,
            },
            DefinitionKind::AugmentedAssignment => {
                // `x += part`: the earlier `x` and the part.
                let earlier = context
                    .node(definition.name_range)
                    .map(|name| self.name(name))
                    .unwrap_or(Trust::Unknown);
                let part = value
                    .map(|value| self.expression(value))
                    .unwrap_or(Trust::Unknown);
                Trust::all_parts([earlier, part])
            }
            DefinitionKind::Parameter { .. } => self.parameter(id),
            _ => Trust::Unknown,
        };
        self.following.pop();
        trust
    }

    fn parameter(&mut self, id: DefinitionId) -> Trust {
        if let Some(known) = self.parameters.get(&id) {
            return known.clone();
        }
        let trust = self.parameter_uncached(id);
        // A parameter met again while its callers are being followed is only unknown
        // for that walk; remember answers reached from the top.
        if self.call_depth == 0 {
            self.parameters.insert(id, trust.clone());
        }
        trust
    }

    fn parameter_uncached(&mut self, id: DefinitionId) -> Trust {
        let context = self.context;
        let index = context.index;
        let parameter = index.definition(id);
        let DefinitionKind::Parameter {
            kind,
            default,
            annotation,
        } = &parameter.kind
        else {
            return Trust::Unknown;
        };
        let Some(function_id) = function_of_body(context, parameter.scope) else {
            return Trust::Unknown;
        };
        let function = index.definition(function_id);
        let position = parameter_position(context, id);
        let parameter_node = context.node(parameter.name_range);
        if position == 1
            && is_command_method(&function.name)
            && self.is_command_class_method(function_id)
            && let Some(node) = parameter_node
        {
            return self.untrusted(SourceKind::CommandPrompt, node);
        }
        let slice =
            |range: &Option<TextRange>| range.map(|range| context.slice(range)).unwrap_or("");
        let injected = matches!(parameter.name.as_str(), "self" | "cls" | "request")
            || ["Depends(", "Security("]
                .iter()
                .any(|marker| slice(default).contains(marker))
            || [
                "Request",
                "WebSocket",
                "Response",
                "BackgroundTasks",
                "Session",
            ]
            .iter()
            .any(|class| slice(annotation).ends_with(class));
        if !injected
            && self.is_route(function_id)
            && let Some(node) = parameter_node
        {
            return self.untrusted(SourceKind::WebRequest, node);
        }
        if matches!(
            kind,
            ParameterKind::VarPositional | ParameterKind::VarKeyword
        ) {
            return Trust::Unknown;
        }
        self.callers_pass(function_id, position, parameter.name.as_str(), *kind)
    }

    /// Whether the function is a method of a class derived from `cmd.Cmd`.
    fn is_command_class_method(&self, function_id: DefinitionId) -> bool {
        let index = self.context.index;
        let scope = index.definition(function_id).scope;
        if index.scope(scope).kind != ScopeKind::Class {
            return false;
        }
        class_of_body(self.context, scope).is_some_and(|class| self.derives_from_cmd(class, 0))
    }

    fn derives_from_cmd(&self, class: DefinitionId, depth: usize) -> bool {
        let context = self.context;
        let index = context.index;
        let DefinitionKind::Class { bases, .. } = &index.definition(class).kind else {
            return false;
        };
        if depth > 4 {
            return false;
        }
        bases
            .iter()
            .filter_map(|&base| context.node(base))
            .any(|base| {
                if dotted_path(context, base)
                    .is_some_and(|path| COMMAND_CLASSES.contains(&path.as_str()))
                {
                    return true;
                }
                if kind_of(base) != "identifier" {
                    return false;
                }
                let offset = range_of(base).start();
                let NameResolution::Scope { definitions, .. } =
                    index.resolve_name(index.scope_at(offset), context.node_text(base), offset)
                else {
                    return false;
                };
                definitions.into_iter().any(|definition| {
                    matches!(
                        index.definition(definition).kind,
                        DefinitionKind::Class { .. }
                    ) && self.derives_from_cmd(definition, depth + 1)
                })
            })
    }

    /// Whether the function is a Flask or FastAPI route (`@app.route("/items/<id>")`).
    fn is_route(&self, function_id: DefinitionId) -> bool {
        let context = self.context;
        let DefinitionKind::Function { decorators, .. } =
            &context.index.definition(function_id).kind
        else {
            return false;
        };
        if decorators.is_empty()
            || !(framework_enabled(context.db, context.file, Framework::Flask)
                || framework_enabled(context.db, context.file, Framework::FastApi))
        {
            return false;
        }
        decorators.iter().any(|&decorator| {
            decorator_call(context, decorator).is_some_and(|call| {
                ROUTE_METHODS.contains(&call.method)
                    && route_path(context, call.arguments).is_some()
            })
        })
    }

    /// The trust of what the calls of this file pass to a parameter: untrusted (on some
    /// path: other callers may exist) when one call passes untrusted text.
    fn callers_pass(
        &mut self,
        function_id: DefinitionId,
        position: usize,
        name: &str,
        kind: ParameterKind,
    ) -> Trust {
        if self.call_depth >= MAX_CALL_DEPTH {
            return Trust::Unknown;
        }
        let context = self.context;
        let path = context.index.path_of(function_id).to_string();
        let calls = self
            .calls_by_function()
            .get(&path)
            .cloned()
            .unwrap_or_default();
        for (range, bound) in calls {
            let Some(call) = context.node(range).filter(|call| kind_of(*call) == "call") else {
                continue;
            };
            let Some(argument) = passed_argument(context, call, (position, bound), name, kind)
            else {
                continue;
            };
            self.call_depth += 1;
            let trust = self.expression(argument);
            self.call_depth -= 1;
            if let Trust::Untrusted { source, .. } = trust {
                return Trust::Untrusted {
                    source: Source {
                        through_call: Some(range),
                        ..source
                    },
                    every_path: false,
                };
            }
        }
        Trust::Unknown
    }

    fn calls_by_function(&mut self) -> &FxHashMap<String, Vec<(TextRange, usize)>> {
        let context = self.context;
        self.calls_by_function.get_or_insert_with(|| {
            let mut calls: FxHashMap<String, Vec<(TextRange, usize)>> = FxHashMap::default();
            for (_, call) in context.calls() {
                if call.has_unpacking {
                    continue;
                }
                let range = TextRange::new(call.offset.into(), call.end.into());
                for value in call.callee.values() {
                    let (function, bound) = match value {
                        Value::Function(function) => (function, 0),
                        Value::BoundMethod { function, .. } => (function, 1),
                        _ => continue,
                    };
                    let FunctionRef::Defined { file, path } = function else {
                        continue;
                    };
                    if *file != context.file {
                        continue;
                    }
                    let entry = calls.entry(path.to_string()).or_default();
                    if !entry.contains(&(range, bound)) {
                        entry.push((range, bound));
                    }
                }
            }
            calls
        })
    }
}

/// The position of parameter `id` among its function's parameters (`self` first).
fn parameter_position(context: &RuleContext<'_>, id: DefinitionId) -> usize {
    let index = context.index;
    index
        .scope(index.definition(id).scope)
        .definitions
        .iter()
        .filter(|&&other| {
            matches!(
                index.definition(other).kind,
                DefinitionKind::Parameter { .. }
            )
        })
        .position(|&other| other == id)
        .unwrap_or(usize::MAX)
}

/// The argument `call` passes for the parameter at `position` named `name`, where the
/// callee binds the first `bound` parameters itself (1 for a method of an instance).
fn passed_argument<'db>(
    context: &RuleContext<'_>,
    call: Node<'db>,
    (position, bound): (usize, usize),
    name: &str,
    kind: ParameterKind,
) -> Option<Node<'db>> {
    let by_position = (kind != ParameterKind::KeywordOnly && position >= bound)
        .then(|| positional_argument(call, position - bound))
        .flatten();
    match kind {
        ParameterKind::PositionalOnly => by_position,
        _ => keyword_argument(call, name, context.text).or(by_position),
    }
}

/// The bindings of the name `node` that may reach it: the last one before it on its own
/// branch path replaces every earlier one (`replaced`), later bindings on other branches
/// may still reach it (loops), and a binding whose value holds the use (`x = x.strip()`)
/// reads an earlier one. None when the name is not bound in a scope of this file.
pub(super) fn reaching_definitions(
    context: &RuleContext<'_>,
    node: Node<'_>,
) -> Option<(Vec<DefinitionId>, bool)> {
    let index = context.index;
    let offset = range_of(node).start();
    let text = context.node_text(node);
    let scope = index.scope_at(offset);
    let NameResolution::Scope {
        scope: defining,
        definitions,
    } = index.resolve_name(scope, text, offset)
    else {
        return None;
    };
    // A use inside its own binding's value (`x = x.strip()`) reads an earlier one.
    let mut reaching: Vec<DefinitionId> = definitions
        .into_iter()
        .filter(|&id| {
            !index
                .definition(id)
                .value_range
                .is_some_and(|value| value.contains_range(range_of(node)))
        })
        .collect();
    // The last binding before the use on the use's own branch path replaces every
    // earlier one; later bindings on other branches may still reach it.
    let mut replaced = false;
    if let Some(use_ref) = index.name_ref_at(offset)
        && use_ref.scope == defining
    {
        let path: Vec<_> = index
            .branch_path(use_ref.branch)
            .map(|(id, _)| id)
            .collect();
        if let Some(last) = reaching.iter().rposition(|&id| {
            let definition = index.definition(id);
            definition.name_range.end() <= offset && path.contains(&definition.branch)
        }) {
            reaching.drain(..last);
            replaced = true;
        }
    }
    Some((reaching, replaced))
}

/// Whether `template` is a string literal whose every replacement field converts with
/// `!r` (`"_sys.argv = {!r}"`), so `.format` inserts Python literals only.
fn is_repr_only_template(context: &RuleContext<'_>, template: Node<'_>) -> bool {
    if kind_of(template) != "string" {
        return false;
    }
    let mut cursor = template.walk();
    if template
        .named_children(&mut cursor)
        .any(|child| kind_of(child) == "interpolation")
    {
        return false;
    }
    let text = context
        .node_text(template)
        .replace("{{", "")
        .replace("}}", "");
    let fields: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(field, _)| field))
        .collect();
    !fields.is_empty() && fields.iter().all(|field| field.ends_with("!r"))
}

fn is_mutable_display(node: Node<'_>) -> bool {
    matches!(
        kind_of(node),
        "list"
            | "dictionary"
            | "set"
            | "list_comprehension"
            | "dictionary_comprehension"
            | "set_comprehension"
    )
}

/// Every argument value of `call`: positional ones and keyword values.
fn arguments_of(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(arguments) = child_by_field(call, "arguments") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| kind_of(*argument) != "comment")
        .filter_map(|argument| match kind_of(argument) {
            "keyword_argument" => child_by_field(argument, "value"),
            _ => Some(argument),
        })
        .collect()
}

/// The `def` whose body is `scope`.
fn function_of_body(context: &RuleContext<'_>, scope: ScopeId) -> Option<DefinitionId> {
    let definition = context.index.scope(scope).definition?;
    matches!(
        context.index.definition(definition).kind,
        DefinitionKind::Function { .. }
    )
    .then_some(definition)
}

/// The `class` whose body is `scope`.
fn class_of_body(context: &RuleContext<'_>, scope: ScopeId) -> Option<DefinitionId> {
    let definition = context.index.scope(scope).definition?;
    matches!(
        context.index.definition(definition).kind,
        DefinitionKind::Class { .. }
    )
    .then_some(definition)
}
