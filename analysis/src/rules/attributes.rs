//! Values that cannot do what the code asks: the None family (`none-attribute`,
//! `none-subscript`, `none-call`, `none-iteration`, `none-operand`) and
//! `unknown-attribute` (the class, module or builtin type has no such attribute).
//!
//! ```python
//! m = re.match(r"(\d+)", text)
//! m.group(1)          # none-attribute, likely: re.match returns None when it fails
//! class Point:
//!     def __init__(self):
//!         self.x = 0
//! Point().y           # unknown-attribute, definite
//! ```

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;

use super::context::RuleContext;
use super::{Check, Related, Tally};
use crate::builtins::builtin_type_has_attribute;
use crate::config::Confidence;
use crate::config::edit_distance;
use crate::db::Db;
use crate::index::range_of;
use crate::index::{DefinitionKind, file_index};
use crate::infer::{OperationKind, class_bases, class_mro, module_values};
use crate::modules::{module_file, module_resolver};
use crate::values::{ClassRef, Union, Value};

pub(crate) const NONE_CHECK: Check = Check {
    rules: &[
        "none-attribute",
        "none-subscript",
        "none-call",
        "none-iteration",
        "none-operand",
    ],
    run: run_none,
};

pub(crate) const UNKNOWN_ATTRIBUTE_CHECK: Check = Check {
    rules: &["unknown-attribute"],
    run: run_unknown_attribute,
};

fn none_tally(union: &Union) -> Tally {
    let mut tally = Tally {
        pruned: union.pruned(),
        ..Tally::default()
    };
    for value in union.values() {
        match value {
            Value::None => tally.bad += 1,
            Value::Unknown => tally.unknown += 1,
            _ => tally.good += 1,
        }
    }
    tally
}

fn run_none(context: &mut RuleContext<'_>) {
    let operations: Vec<_> = context
        .operations()
        .map(|(run, operation)| (run.call, operation))
        .collect();
    for (call, operation) in operations {
        let range = operation.range;
        match &operation.kind {
            OperationKind::Attribute { object, attribute } => {
                // `None.__class__`, `None.__eq__`: what `None` itself has.
                if builtin_type_has_attribute("NoneType", attribute.as_str()) == Some(true) {
                    continue;
                }
                if cannot_report_none(object) {
                    continue;
                }
                let Some(node) = context.node(range) else {
                    continue;
                };
                let object_text = context
                    .field(node, "object")
                    .map(|object| context.node_text(object))
                    .unwrap_or("the value");
                report_none(
                    context,
                    "none-attribute",
                    range,
                    object,
                    &format!("`.{attribute}`"),
                    object_text,
                    "AttributeError",
                    call,
                );
            }
            OperationKind::Subscript { object, .. } => {
                if cannot_report_none(object) {
                    continue;
                }
                let Some(node) = context.node(range) else {
                    continue;
                };
                let object_text = context
                    .field(node, "value")
                    .map(|object| context.node_text(object))
                    .unwrap_or("the value");
                report_none(
                    context,
                    "none-subscript",
                    range,
                    object,
                    "subscripting it",
                    object_text,
                    "TypeError",
                    call,
                );
            }
            OperationKind::Iterate { iterable } => {
                if cannot_report_none(iterable) {
                    continue;
                }
                let Some(node) = context.node(range) else {
                    continue;
                };
                let Some(iterable_node) = context.field(node, "right") else {
                    continue;
                };
                let text = context.node_text(iterable_node);
                report_none(
                    context,
                    "none-iteration",
                    range_of(iterable_node),
                    iterable,
                    "iterating over it",
                    text,
                    "TypeError",
                    call,
                );
            }
            OperationKind::Binary {
                operator,
                left,
                right,
            } => {
                let Some(node) = context.node(range) else {
                    continue;
                };
                // `"%s" % None` formats; every other operator fails on None.
                let left_is_format = operator == "%"
                    && left
                        .values()
                        .all(|value| matches!(value, Value::Str(_) | Value::Bytes));
                let sides = [("left", left, right), ("right", right, left)];
                for (field, side, other) in sides {
                    if field == "right" && left_is_format {
                        continue;
                    }
                    // `int | None`, `Mapping[str, str] | None`: classes and typing
                    // constructs (unknown here) accept None on either side of `|`.
                    if operator == "|"
                        && other
                            .values()
                            .any(|value| matches!(value, Value::Class(_) | Value::Unknown))
                    {
                        continue;
                    }
                    let text = context
                        .field(node, field)
                        .map(|side| context.node_text(side))
                        .unwrap_or("an operand");
                    report_none(
                        context,
                        "none-operand",
                        range,
                        side,
                        &format!("`{operator}`"),
                        text,
                        "TypeError",
                        call,
                    );
                    // Arithmetic with a number: 0 is the neutral stand-in for None.
                    let is_number =
                        |value: &Value| matches!(value, Value::Int(_) | Value::Float(_));
                    let numeric_partner = other.values().any(is_number)
                        && other
                            .values()
                            .all(|value| is_number(value) || *value == Value::Unknown);
                    let assigned = field == "left" && kind_of(node) == "augmented_assignment";
                    if numeric_partner && !assigned && matches!(operator.as_str(), "+" | "-") {
                        let operand = text.to_owned();
                        context.with_finding("none-operand", range, |finding| {
                            if !finding
                                .fix_parameters
                                .iter()
                                .any(|(name, _)| name == "operand")
                            {
                                finding.fix_parameters.push(("operand".into(), operand));
                            }
                        });
                    }
                }
            }
            OperationKind::Unpack { value, .. } => {
                // `a, b = value`: the finding sits on the unpacked value.
                let Some(target) = context.node(range) else {
                    continue;
                };
                let Some(source) = context
                    .parent(target)
                    .filter(|parent| kind_of(*parent) == "assignment")
                    .and_then(|assignment| context.field(assignment, "right"))
                else {
                    continue;
                };
                let text = context.node_text(source);
                report_none(
                    context,
                    "none-iteration",
                    range_of(source),
                    value,
                    "unpacking it",
                    text,
                    "TypeError",
                    call,
                );
            }
        }
    }
    let calls: Vec<_> = context
        .calls()
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        let range = call.range();
        let Some(node) = context.node(range) else {
            continue;
        };
        let callee_text = context
            .field(node, "function")
            .map(|function| context.node_text(function))
            .unwrap_or("the callee");
        report_none(
            context,
            "none-call",
            range,
            &call.callee,
            "calling it",
            callee_text,
            "TypeError",
            run_call,
        );
    }
    none_into_iterating_builtins(context);
}

/// The positional arguments a builtin iterates: `enumerate(xs)`, `sorted(xs)`,
/// `", ".join(xs)`, `zip(a, b)`, `map(f, xs)`, `max(xs)` (one argument only).
fn iterated_positions(callee: &Value, count: usize) -> std::ops::Range<usize> {
    let name = match callee {
        Value::BuiltinFunction(name) | Value::Class(ClassRef::Builtin(name)) => name.as_str(),
        _ => return 0..0,
    };
    match name {
        "enumerate" | "sorted" | "list" | "tuple" | "set" | "frozenset" | "sum" | "any" | "all"
        | "reversed" | "iter" | "dict" | "str.join" => 0..count.min(1),
        "min" | "max" if count == 1 => 0..1,
        "zip" => 0..count,
        "map" | "filter" if count >= 2 => 1..count,
        _ => 0..0,
    }
}

/// `enumerate(None)`, `sorted(None)`, `", ".join(None)`: the builtin iterates its
/// argument, which fails like `for x in None` (TypeError), reported as `none-iteration`
/// on the argument.
fn none_into_iterating_builtins(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .filter(|(_, call)| !call.has_unpacking)
        .filter_map(|(run, call)| {
            let callee = call.callee.single()?;
            let positions = iterated_positions(callee, call.positional.len());
            let arguments: Vec<(usize, Union)> = positions
                .map(|position| (position, call.positional[position].clone()))
                .filter(|(_, argument)| argument.values().any(|value| *value == Value::None))
                .collect();
            (!arguments.is_empty()).then(|| (run.call, call.range(), arguments))
        })
        .collect();
    for (run_call, range, arguments) in calls {
        let Some(argument_list) = context
            .node(range)
            .and_then(|node| context.field(node, "arguments"))
        else {
            continue;
        };
        for (position, argument) in arguments {
            // Positional arguments come first in the argument list.
            let Some(argument_node) = argument_list.named_child(position) else {
                continue;
            };
            if kind_of(argument_node) == "keyword_argument" {
                continue;
            }
            let text = context.node_text(argument_node);
            report_none(
                context,
                "none-iteration",
                range_of(argument_node),
                &argument,
                "iterating over it",
                text,
                "TypeError",
                run_call,
            );
        }
    }
}

/// Attribute names stored on some object other than `self`/`cls` (`response.raw = …`)
/// in one file, sorted and deduplicated.
#[salsa::tracked(returns(ref))]
fn external_attribute_stores_in(db: &dyn Db, file: crate::input::SourceFile) -> Vec<String> {
    let mut names = Vec::new();
    for line in file.text(db).lines() {
        let Some((target, value)) = line.split_once('=') else {
            continue;
        };
        // `a.b == c`, `a.b <= c`, keyword arguments (`f(a.b=…)` is no Python) aside.
        if value.starts_with('=') || target.ends_with(['<', '>', '!']) {
            continue;
        }
        // `(a.fd, b._fd, *c.fds) = fds`, also as the last line of a target spread over
        // several lines: each part of the target.
        for part in target.split(',') {
            let part = part
                .trim()
                .trim_matches(['(', ')', '[', ']', '*', ' ', '\t']);
            let Some((object, attribute)) = part.rsplit_once('.') else {
                continue;
            };
            let object = object.trim_start();
            if object == "self" || object == "cls" || object.is_empty() {
                continue;
            }
            if crate::resolve::is_python_identifier(attribute)
                && object.split('.').all(crate::resolve::is_python_identifier)
            {
                names.push(attribute.to_owned());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Computes [`external_attribute_stores_in`] of `file` ahead of the workspace-wide merge.
pub(super) fn prepare_external_attribute_stores(db: &dyn Db, file: crate::input::SourceFile) {
    external_attribute_stores_in(db, file);
}

/// [`external_attribute_stores_in`] over the workspace's own files.
#[salsa::tracked(returns(ref))]
fn external_attribute_stores(db: &dyn Db) -> Vec<String> {
    let resolver = crate::modules::module_resolver(db);
    let mut names: Vec<String> = db
        .workspace()
        .files(db)
        .iter()
        .filter(|(path, _)| {
            super::is_python_path(path) && super::imports::is_workspace_path(resolver, path)
        })
        .flat_map(|(_, file)| external_attribute_stores_in(db, *file).iter().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Whether `origin` is the `None` of a placeholder whose real value is set elsewhere: an
/// attribute some other code of the workspace sets from outside (`self.raw = None`,
/// `response.raw = resp`), a class attribute a subclass defines (`skip_on = None`), or a
/// global of a module that sets its globals dynamically. The None only says "not set
/// yet": what is read later is not known here.
fn is_external_placeholder(db: &dyn Db, origin: &crate::values::Origin) -> bool {
    let parsed = crate::parse::parse(db, origin.file);
    let Some(node) = parsed.root().descendant_for_byte_range(
        usize::from(origin.range.start()),
        usize::from(origin.range.end()),
    ) else {
        return false;
    };
    if kind_of(node) != "none" {
        return false;
    }
    let Some(assignment) = node
        .parent()
        .filter(|parent| kind_of(*parent) == "assignment")
    else {
        return false;
    };
    let Some(left) = child_by_field(assignment, "left") else {
        return false;
    };
    let text = origin.file.text(db);
    let stored_outside = |name: &str| {
        external_attribute_stores(db)
            .binary_search_by(|stored| stored.as_str().cmp(name))
            .is_ok()
    };
    match kind_of(left) {
        "attribute" => {
            let Some(attribute) = child_by_field(left, "attribute") else {
                return false;
            };
            stored_outside(text.get(attribute.byte_range()).unwrap_or(""))
        }
        "identifier" => {
            let name = text.get(left.byte_range()).unwrap_or("");
            // The statement's container: a class body or the module.
            let container = assignment
                .parent()
                .filter(|statement| kind_of(*statement) == "expression_statement")
                .and_then(|statement| statement.parent());
            match container.map(|node| (kind_of(node), node)) {
                // `vsource = None` in a class body: subclasses or outside code
                // (`self.__class__.vsource = …`) give the real value.
                Some(("block", block)) => block
                    .parent()
                    .filter(|class| kind_of(*class) == "class_definition")
                    .and_then(|class| child_by_field(class, "name"))
                    .is_some_and(|class_name| {
                        stored_outside(name)
                            || super::subclasses::provided_by_subclass(
                                db,
                                text.get(class_name.byte_range()).unwrap_or(""),
                                name,
                            )
                    }),
                // `_warnings = None` in a module that sets its globals dynamically
                // (`setattr(sys.modules[__name__], …)`, `globals()[…]`).
                Some(("module", _)) => crate::index::module_exports(db, origin.file).dynamic,
                _ => false,
            }
        }
        _ => false,
    }
}

/// [`none_tally`], with placeholder Nones set from outside counted as unknown.
/// Whether [`report_none`] would return before reporting whatever the node: `union` holds
/// no None (its tally only loses bad members on the way). Checked before the node lookups
/// that most operations would otherwise pay for nothing.
fn cannot_report_none(union: &Union) -> bool {
    none_tally(union).bad == 0
}

fn none_tally_with_placeholders(db: &dyn Db, union: &Union) -> Tally {
    let mut tally = none_tally(union);
    if tally.bad == 0 {
        return tally;
    }
    for member in union.members() {
        if matches!(member.value, Value::None)
            && !member.origins.is_empty()
            && member
                .origins
                .iter()
                .all(|origin| is_external_placeholder(db, origin))
        {
            tally.bad -= 1;
            tally.unknown += 1;
        }
    }
    tally
}

#[allow(clippy::too_many_arguments)]
fn report_none(
    context: &mut RuleContext<'_>,
    rule: &'static str,
    range: TextRange,
    union: &Union,
    what: &str,
    object_text: &str,
    exception: &str,
    call: Option<(TextRange, u8)>,
) {
    let mut tally = none_tally_with_placeholders(context.db, union);
    // `except ImportError: ssl = None`: code using the module checks it elsewhere (or
    // runs only where it imports); such a None alone makes no finding.
    let fallbacks = union
        .members()
        .iter()
        .filter(|member| {
            member.value == Value::None
                && !member.origins.is_empty()
                && member
                    .origins
                    .iter()
                    .all(|origin| is_optional_import_fallback(context, origin))
        })
        .count();
    tally.bad -= fallbacks.min(tally.bad);
    tally.unknown += fallbacks;
    tally.inherent = union
        .members()
        .iter()
        .filter(|member| member.value == Value::None)
        .all(|member| {
            !member.origins.is_empty()
                && member.origins.iter().all(|origin| {
                    context.is_call_origin(origin) && !matches_library_output(context, origin)
                })
        });
    let Some((confidence, _)) = tally.assess() else {
        return;
    };
    if context.is_caught(range, exception) {
        return;
    }
    // The interpreter narrows local names, not attribute chains or globals:
    // `if self.parent is not None:` guards `self.parent.path` syntactically.
    // Names too: the interpreter does not narrow a global read inside a function.
    let is_path = is_dotted_path(object_text) || is_repeatable_match(object_text);
    if is_path
        && context
            .node(range)
            .is_some_and(|node| super::path_guards::is_path_guarded(context, node, object_text))
    {
        return;
    }
    let message = if confidence == Confidence::Definite {
        format!("`{object_text}` is None here, so {what} raises {exception}")
    } else {
        format!("`{object_text}` may be None here, so {what} raises {exception}")
    };
    let related = context.related_origins(
        union,
        |value| matches!(value, Value::None),
        |_| "None comes from here".to_owned(),
    );
    context.report_tally(rule, range, tally, message, related, call);
    context.with_finding(rule, range, |finding| {
        finding.fix_parameters = vec![("object".into(), object_text.to_owned())];
    });
}

/// Whether the call at `origin` is a regex match (`re.match(P, s)`, `R.fullmatch(s)`) of
/// text that an unmodelled method call returned (`geom = top.wm_geometry()`) and that
/// does not come from outside the program: a program parsing a library's output with a
/// fixed pattern usually knows its format, so the match failing is not evidence from this
/// code, unlike a match of input, file contents or an attribute of unknown data.
fn matches_library_output(context: &RuleContext<'_>, origin: &crate::values::Origin) -> bool {
    let Some(call) = context.node(origin.range) else {
        return false;
    };
    let Some(function) = context.field(call, "function") else {
        return false;
    };
    let function_text = context.node_text(function);
    let Some((receiver, method)) = function_text.rsplit_once('.') else {
        return false;
    };
    if !matches!(method, "match" | "search" | "fullmatch") {
        return false;
    }
    let subject_position = if receiver == "re" { 1 } else { 0 };
    let Some(subject) = super::dotted::positional_argument(call, subject_position) else {
        return false;
    };
    let mut tracer = super::taint::TaintTracer::new(context);
    let is_method_output = tracer.is_method_output(subject);
    is_method_output && matches!(tracer.trust(subject), super::taint::Trust::Unknown)
}

/// `pattern.search(value)`, `HEADER_RE.match(line, pos)`: a regex match whose receiver and
/// arguments are names, attribute paths or literals gives the same answer when repeated
/// right away, so `if R.search(v): R.search(v).group(0)` is guarded like a path.
fn is_repeatable_match(text: &str) -> bool {
    let Some((callee, rest)) = text.split_once('(') else {
        return false;
    };
    let Some(arguments) = rest.strip_suffix(')') else {
        return false;
    };
    let Some((receiver, method)) = callee.rsplit_once('.') else {
        return false;
    };
    let is_literal = |part: &str| {
        part.parse::<i64>().is_ok()
            || (part.len() >= 2
                && (part.starts_with('"') && part.ends_with('"')
                    || part.starts_with('\'') && part.ends_with('\''))
                && !part[1..part.len() - 1].contains(['"', '\'']))
    };
    matches!(method, "match" | "search" | "fullmatch")
        && is_dotted_path(receiver)
        && arguments
            .split(',')
            .map(str::trim)
            .all(|argument| is_dotted_path(argument) || is_literal(argument))
}

/// `name` or `a.b.c`: names joined by dots, nothing else.
fn is_dotted_path(text: &str) -> bool {
    text.split('.').all(|segment| {
        !segment.is_empty() && segment.chars().all(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Whether `origin` lies in an `except ImportError` (or `ModuleNotFoundError`) handler:
/// the fallback of an optional import.
fn is_optional_import_fallback(context: &RuleContext<'_>, origin: &crate::values::Origin) -> bool {
    if origin.file != context.file {
        return false;
    }
    let Some(node) = context
        .root()
        .descendant_for_byte_range(origin.range.start().into(), origin.range.end().into())
    else {
        return false;
    };
    context
        .ancestors(node)
        .find(|ancestor| kind_of(*ancestor) == "except_clause")
        .is_some_and(|handler| {
            let header = context.node_text(handler);
            let header = header.split(':').next().unwrap_or(header);
            header.contains("ImportError") || header.contains("ModuleNotFoundError")
        })
}

fn run_unknown_attribute(context: &mut RuleContext<'_>) {
    let operations: Vec<_> = context
        .operations()
        .filter_map(|(run, operation)| match &operation.kind {
            OperationKind::Attribute { object, attribute } => {
                Some((run.call, operation.range, object, attribute))
            }
            _ => None,
        })
        .collect();
    // Attribute sets by value: computing one reads whole class bodies and files.
    let mut subclasses = Subclasses::default();
    let mut known: rustc_hash::FxHashMap<Value, std::rc::Rc<Attributes>> =
        rustc_hash::FxHashMap::default();
    for (call, range, object, attribute) in operations {
        // `__dict__`, `__class__`, `__module__`, `__mro__`: the object model gives every
        // instance or class its own set, which the attribute tables do not list.
        if attribute.starts_with("__") && attribute.ends_with("__") && attribute.len() > 4 {
            continue;
        }
        let mut tally = Tally {
            pruned: object.pruned(),
            ..Tally::default()
        };
        let mut owner = None;
        let mut lacking: Vec<std::rc::Rc<Attributes>> = Vec::new();
        for value in object.values() {
            let names = known
                .entry(value.clone())
                .or_insert_with(|| std::rc::Rc::new(attribute_names(context.db, value)))
                .clone();
            match &*names {
                Attributes::Known(names_list, description) => {
                    if names_list.iter().any(|name| name == attribute.as_str()) {
                        tally.good += 1;
                    } else if subclasses.defines(context.db, value, attribute) {
                        // A mixin reading what its subclasses provide.
                        tally.unknown += 1;
                    } else if matches!(value, Value::Instance(..))
                        && external_attribute_stores(context.db)
                            .binary_search_by(|stored| stored.as_str().cmp(attribute.as_str()))
                            .is_ok()
                    {
                        // Set from outside somewhere in the workspace
                        // (`self.top.instance_dict = …` on another class's instance).
                        tally.unknown += 1;
                    } else {
                        tally.bad += 1;
                        owner.get_or_insert_with(|| description.clone());
                        lacking.push(names.clone());
                    }
                }
                Attributes::Open => tally.unknown += 1,
                Attributes::NotApplicable => tally.good += 1,
            }
        }
        let Some(owner) = owner else {
            continue;
        };
        // Members of different types that do and do not have the attribute usually come
        // from paths that also decide which attribute is read (a mode, a kind): only a
        // hint then.
        if tally.good > 0 {
            tally.unknown += 1;
        }
        if context.is_caught(range, "AttributeError") || is_guarded_by_hasattr(context, range) {
            continue;
        }
        let Some(node) = context.node(range) else {
            continue;
        };
        let attribute_range = context
            .field(node, "attribute")
            .map(range_of)
            .unwrap_or(range);
        let object_text = context
            .field(node, "object")
            .map(|object| context.node_text(object))
            .unwrap_or("the value");
        let candidates: Vec<String> = lacking
            .iter()
            .flat_map(|names| match &**names {
                Attributes::Known(names, _) => names.clone(),
                _ => Vec::new(),
            })
            .collect();
        let suggestion = closest_name(attribute, &candidates);
        let mut message = format!("`{object_text}` ({owner}) has no attribute `{attribute}`");
        if let Some(suggestion) = &suggestion {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        context.report_tally(
            "unknown-attribute",
            attribute_range,
            tally,
            message,
            Vec::<Related>::new(),
            call,
        );
        context.with_finding("unknown-attribute", attribute_range, |finding| {
            finding.fix_parameters = vec![("attribute".into(), attribute.to_string())];
            if let Some(suggestion) = suggestion {
                finding
                    .fix_parameters
                    .push(("suggestion".into(), suggestion));
            }
        });
    }
}

/// The classes of each file with their MROs and attribute sets, computed once per rule
/// run: whether a subclass defines an attribute a base class reads (mixins).
#[derive(Default)]
struct Subclasses {
    classes: rustc_hash::FxHashMap<
        crate::input::SourceFile,
        std::rc::Rc<Vec<(ClassRef, Vec<ClassRef>)>>,
    >,
    attributes: rustc_hash::FxHashMap<ClassRef, std::rc::Rc<Option<Vec<String>>>>,
    answers: rustc_hash::FxHashMap<(ClassRef, String), bool>,
}

impl Subclasses {
    /// Whether a class deriving from the instance's (or class object's) class has
    /// `attribute` (`self.auth_header` in a base class whose subclasses set it), or may
    /// have it (its attributes are open): by MRO in the same file, by base name in the
    /// rest of the workspace.
    fn defines(&mut self, db: &dyn Db, value: &Value, attribute: &str) -> bool {
        let (Value::Instance(class @ ClassRef::Defined { file, .. }, _)
        | Value::Class(class @ ClassRef::Defined { file, .. })) = value
        else {
            return false;
        };
        let key = (class.clone(), attribute.to_owned());
        if let Some(answer) = self.answers.get(&key) {
            return *answer;
        }
        let classes = self
            .classes
            .entry(*file)
            .or_insert_with(|| {
                let index = file_index(db, *file);
                let classes = index
                    .definitions
                    .iter()
                    .enumerate()
                    .filter(|(_, data)| matches!(data.kind, DefinitionKind::Class { .. }))
                    .map(|(id, _)| {
                        let path = index.path_of(crate::index::DefinitionId(id as u32));
                        let subclass = ClassRef::Defined { file: *file, path };
                        let mro = class_mro(db, &subclass);
                        (subclass, mro)
                    })
                    .collect();
                std::rc::Rc::new(classes)
            })
            .clone();
        let answer = classes.iter().any(|(subclass, mro)| {
            if subclass == class || !mro.contains(class) {
                return false;
            }
            let names = self
                .attributes
                .entry(subclass.clone())
                .or_insert_with(|| std::rc::Rc::new(defined_class_attributes(db, subclass, true)))
                .clone();
            names
                .as_ref()
                .as_ref()
                .is_none_or(|names| names.iter().any(|name| name == attribute))
        }) || super::subclasses::provided_by_subclass(db, class.name(), attribute);
        self.answers.insert(key, answer);
        answer
    }
}

/// `if hasattr(x, "name"):` anywhere in the enclosing lines of the same function.
fn is_guarded_by_hasattr(context: &RuleContext<'_>, range: TextRange) -> bool {
    let Some(node) = context.node(range) else {
        return false;
    };
    let Some(attribute) = context.field(node, "attribute") else {
        return false;
    };
    let needle = format!("\"{}\"", context.node_text(attribute));
    let needle_single = format!("'{}'", context.node_text(attribute));
    for parent in context.ancestors(node) {
        if matches!(kind_of(parent), "function_definition" | "module") {
            let text = context.node_text(parent);
            return ["hasattr(", "getattr("].iter().any(|call| {
                text.contains(call) && (text.contains(&needle) || text.contains(&needle_single))
            });
        }
    }
    false
}

#[derive(Clone)]
enum Attributes {
    /// The complete attribute set, and how to name the owner in messages.
    Known(Vec<String>, String),
    /// Attributes may come from places the analysis cannot see.
    Open,
    /// Not an object whose attributes this rule judges (None, unknown, functions…).
    NotApplicable,
}

fn attribute_names(db: &dyn Db, value: &Value) -> Attributes {
    match value {
        Value::Instance(class @ ClassRef::Defined { .. }, ..) => {
            match defined_class_attributes(db, class, true) {
                Some(names) => Attributes::Known(names, format!("a `{}`", class.name())),
                None => Attributes::Open,
            }
        }
        Value::Class(class @ ClassRef::Defined { .. }) => {
            match defined_class_attributes(db, class, false) {
                Some(mut names) => {
                    names.extend(builtin_names("type"));
                    Attributes::Known(names, format!("class `{}`", class.name()))
                }
                None => Attributes::Open,
            }
        }
        Value::Module(module) => match module_attribute_names(db, module) {
            Some(names) => Attributes::Known(names, format!("module `{module}`")),
            None => Attributes::Open,
        },
        Value::Unknown
        | Value::None
        | Value::Function(_)
        | Value::BoundMethod { .. }
        | Value::BuiltinFunction(_)
        | Value::Generator(_)
        | Value::Coroutine(_)
        | Value::Class(ClassRef::Builtin(_)) => Attributes::NotApplicable,
        // Some class, which one unknown: any attribute may be there.
        Value::Instance(ClassRef::Builtin(name), ..) if name == "type" => Attributes::Open,
        other => {
            let type_name = match other {
                Value::Instance(class, ..) => class.name().to_owned(),
                other => other.type_name().to_owned(),
            };
            match builtin_type_has_attribute(&type_name, "__class__") {
                Some(_) => Attributes::Known(builtin_names(&type_name), format!("`{type_name}`")),
                None => Attributes::NotApplicable,
            }
        }
    }
}

fn builtin_names(type_name: &str) -> Vec<String> {
    crate::builtins::BUILTIN_TYPE_ATTRIBUTES
        .iter()
        .find(|(name, _)| *name == type_name)
        .map(|(_, names)| names.iter().map(|name| (*name).to_owned()).collect())
        .unwrap_or_default()
}

/// Every attribute of a class (and its instances, when `instance`) along the MRO, or
/// `None` when the hierarchy is open: an unresolved base, a metaclass, a class decorator
/// other than `dataclass`, `__getattr__`, `setattr`/`__dict__` tricks.
fn defined_class_attributes(db: &dyn Db, class: &ClassRef, instance: bool) -> Option<Vec<String>> {
    let mut names: Vec<String> = builtin_names("object");
    // What `class` statements give every class and its instances beyond `object`.
    names.extend(
        ["__dict__", "__module__", "__weakref__", "__qualname__"]
            .iter()
            .map(|name| (*name).to_owned()),
    );
    // Per class along the MRO: how many names the classes before it gave, and the
    // methods it calls through `super()`.
    let mut super_calls: Vec<(usize, Vec<String>)> = Vec::new();
    for class in class_mro(db, class) {
        let ClassRef::Defined { file, path } = &class else {
            match class.name() {
                "object" => continue,
                "Exception" | "BaseException" => {
                    names.extend(builtin_names("BaseException"));
                    continue;
                }
                _ => return None,
            }
        };
        let start = names.len();
        let index = file_index(db, *file);
        let definition = index.definition_at_path(path)?;
        // `if win32: class Arena: … else: class Arena: …`: which one an instance comes
        // from is not tracked, so neither attribute set is the whole story.
        let same_name = index
            .definitions_in_scope(
                index.definition(definition).scope,
                index.definition(definition).name.as_str(),
            )
            .filter(|&id| matches!(index.definition(id).kind, DefinitionKind::Class { .. }))
            .count();
        if same_name > 1 {
            return None;
        }
        let DefinitionKind::Class {
            body,
            bases,
            decorators,
        } = &index.definition(definition).kind
        else {
            return None;
        };
        if class_bases(db, &class).len() < bases.len() {
            return None;
        }
        let text = file.text(db);
        let class_text = text
            .get(usize::from(index.definition(definition).node_range.start())..)
            .and_then(|rest| rest.get(..usize::from(index.definition(definition).node_range.len())))
            .unwrap_or("");
        let header = class_text.split(':').next().unwrap_or("");
        if header.contains("metaclass") {
            return None;
        }
        for decorator in decorators {
            let decorator_text = text
                .get(usize::from(decorator.start())..usize::from(decorator.end()))
                .unwrap_or("");
            if !decorator_text.contains("dataclass") && !decorator_text.contains("total_ordering") {
                return None;
            }
        }
        // `setattr`, `__dict__` updates and `parser.parse_args(argv, self)` set
        // attributes the class body does not name.
        if ["setattr(", "__dict__"]
            .iter()
            .any(|trick| class_text.contains(trick))
            || parses_arguments_into_self(class_text)
            || is_mixed_in_at_run_time(db, *file, index.definition(definition).name.as_str())
        {
            return None;
        }
        let scope = index.scope(*body);
        for &member in &scope.definitions {
            let name = index.definition(member).name.as_str();
            if matches!(name, "__getattr__" | "__getattribute__") {
                return None;
            }
            names.push(name.to_owned());
            if name == "__slots__"
                && let Some(value) = index.definition(member).value_range
            {
                names.extend(slot_names(
                    text.get(usize::from(value.start())..usize::from(value.end()))
                        .unwrap_or(""),
                ));
            }
            if instance {
                if let DefinitionKind::Function { body, .. } = index.definition(member).kind {
                    names.extend(
                        index
                            .scope(body)
                            .attribute_stores
                            .iter()
                            .map(|stored| stored.to_string()),
                    );
                }
            }
        }
        super_calls.push((start, super_method_names(class_text)));
        // Instances and classes may gain attributes where they are used (`p.z = 1`,
        // `timezone.utc = …`): any store of that shape in the defining file keeps the name.
        collect_outside_stores(db, *file, &mut names);
    }
    // `super().init(...)` with no class along the MRO defining `init`: a cooperative
    // mixin, combined with the class that does at run time (`type(name, (cls, Base), {})`),
    // so its instances have attributes no class of its MRO names.
    let before_first = builtin_names("object").len();
    for (position, (_, called)) in super_calls.iter().enumerate() {
        let own_end = super_calls
            .get(position + 1)
            .map_or(names.len(), |(next, _)| *next);
        let later = &names[own_end..];
        let provided = |name: &String| {
            later.iter().any(|later| later == name) || names[..before_first].contains(name)
        };
        if !called.iter().all(provided) {
            return None;
        }
    }
    Some(names)
}

/// The methods a class body reaches through `super()` (`super().init(...)`,
/// `super(Header, self).parse(...)`), dunders left out.
fn super_method_names(class_text: &str) -> Vec<String> {
    let mut called = Vec::new();
    for (at, _) in class_text.match_indices("super(") {
        let rest = &class_text[at + "super(".len()..];
        let Some(close) = rest.find(')') else {
            continue;
        };
        let Some(after) = rest[close + 1..].strip_prefix('.') else {
            continue;
        };
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let is_dunder = name.starts_with("__") && name.ends_with("__");
        if !name.is_empty() && !is_dunder {
            called.push(name);
        }
    }
    called
}

/// The quoted names of a `__slots__` value (`('int', 'is_safe')`, `"x"`).
fn slot_names(value: &str) -> Vec<String> {
    value
        .split(['\'', '"'])
        .skip(1)
        .step_by(2)
        .filter(|name| crate::resolve::is_python_identifier(name))
        .map(str::to_owned)
        .collect()
}

/// Names stored as `something.name = …` anywhere in `file`.
fn collect_outside_stores(db: &dyn Db, file: crate::input::SourceFile, names: &mut Vec<String>) {
    names.extend(assignment_scan(db, file).attribute_stores.iter().cloned());
}

/// What a line-by-line look at a file's assignments finds, once per file text.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct AssignmentScan {
    /// The attribute of every attribute target (`b.c` in `a = b.c = value`).
    attribute_stores: Vec<String>,
    /// The words of lines that assign a `__bases__` (classes mixed in at run time).
    bases_lines_words: Vec<String>,
}

#[salsa::tracked(returns(ref))]
pub(crate) fn assignment_scan(db: &dyn Db, file: crate::input::SourceFile) -> AssignmentScan {
    let text = file.text(db);
    let mut scan = AssignmentScan::default();
    for line in text.lines() {
        if !line.contains('=') {
            continue;
        }
        // Every target of `a = b.c = value`: the parts before the last plain `=`.
        let mut targets = assignment_targets(line);
        targets.pop();
        for target in &targets {
            let target = target.trim_end_matches(['+', '-', '*', '/', '|', '&', ' ']);
            if let Some((_, attribute)) = target.trim().rsplit_once('.') {
                if crate::resolve::is_python_identifier(attribute) {
                    scan.attribute_stores.push(attribute.to_owned());
                }
            }
        }
        if targets
            .iter()
            .any(|target| target.trim_end().ends_with("__bases__"))
        {
            scan.bases_lines_words.extend(
                line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|word| !word.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    for words in [&mut scan.attribute_stores, &mut scan.bases_lines_words] {
        words.sort_unstable();
        words.dedup();
    }
    scan
}

/// `line` split at its assignment signs (`=`, not `==`, `<=`, `>=`, `!=`): the targets,
/// then the value. A line without one gives a single part.
fn assignment_targets(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if byte != b'=' {
            continue;
        }
        let before = at.checked_sub(1).map(|before| bytes[before]);
        let after = bytes.get(at + 1).copied();
        if matches!(before, Some(b'=' | b'<' | b'>' | b'!')) || after == Some(b'=') {
            continue;
        }
        parts.push(&line[start..at]);
        start = at + 1;
    }
    parts.push(&line[start..]);
    parts
}

/// Whether the class hands itself to argparse as the namespace to fill
/// (`parser.parse_args(argv, self)`, `parse_known_args(namespace=self)`).
fn parses_arguments_into_self(class_text: &str) -> bool {
    ["parse_args(", "parse_known_args("].iter().any(|call| {
        class_text.match_indices(call).any(|(at, _)| {
            let arguments = &class_text[at + call.len()..];
            let arguments = arguments.split(')').next().unwrap_or("");
            arguments
                .split(',')
                .any(|argument| matches!(argument.trim(), "self" | "namespace=self"))
        })
    })
}

/// Whether the file mixes `class_name` into another class at run time
/// (`Widget.__bases__ = Widget.__bases__ + (Form,)`): its instances are then also
/// instances of classes the analysis does not see in its MRO.
fn is_mixed_in_at_run_time(db: &dyn Db, file: crate::input::SourceFile, class_name: &str) -> bool {
    assignment_scan(db, file)
        .bases_lines_words
        .binary_search_by(|word| word.as_str().cmp(class_name))
        .is_ok()
}

/// A module's attributes, when it resolves to a file the analysis has and that file has no
/// module-level `__getattr__`.
fn module_attribute_names(db: &dyn Db, module: &str) -> Option<Vec<String>> {
    let resolver = module_resolver(db);
    let resolved = resolver.resolve(std::path::Path::new(""), 0, module)?;
    let file = module_file(db, &resolved)?;
    let values = module_values(db, file);
    if values.iter().any(|(name, _)| name == "__getattr__") {
        return None;
    }
    // Stubs and packages may omit names their runtime defines.
    let path = file.path(db);
    if path.extension().is_some_and(|extension| extension == "pyi") {
        return None;
    }
    let exports = crate::index::module_exports(db, file);
    if exports.dynamic || !exports.star_imports.is_empty() {
        return None;
    }
    let mut names: Vec<String> = values.iter().map(|(name, _)| name.to_string()).collect();
    names.extend(
        [
            "__name__",
            "__file__",
            "__doc__",
            "__spec__",
            "__loader__",
            "__package__",
            "__path__",
            "__dict__",
            "__all__",
            "__builtins__",
            "__cached__",
        ]
        .map(str::to_owned),
    );
    // Submodules are attributes once imported anywhere.
    let prefix = format!("{module}.");
    for (name, _) in crate::modules::known_modules_with_prefix(db, &prefix) {
        let rest = &name[prefix.len()..];
        names.push(rest.split('.').next().unwrap_or(rest).to_owned());
    }
    Some(names)
}

/// The candidate closest to `name` by edit distance (at most a third of its length).
pub(crate) fn closest_name(name: &str, candidates: &[String]) -> Option<String> {
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    let lowercase_name = name.to_lowercase();
    candidates
        .iter()
        .filter(|candidate| candidate.as_str() != name && !candidate.starts_with("__"))
        // The distance is at least the difference in length (exact for ASCII, where
        // lowercasing keeps lengths), so far longer or shorter names are skipped unread.
        .filter(|candidate| {
            !(name.is_ascii() && candidate.is_ascii())
                || candidate.len().abs_diff(name.len()) <= limit
        })
        .map(|candidate| {
            let distance = edit_distance(&lowercase_name, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by(|left, right| left.0.cmp(&right.0).then_with(|| left.1.cmp(right.1)))
        .map(|(_, candidate)| candidate.clone())
        .or_else(|| longer_spelling_of(name, candidates))
        .or_else(|| habitual_equivalent(name, candidates))
}

/// Method names carried over from other languages or from Python 2, with the Python
/// name that does the same job: `push` is `append` on a list, `iteritems` is `items`.
const HABITUAL_NAMES: &[(&str, &str)] = &[
    ("push", "append"),
    ("add", "append"),
    ("addAll", "extend"),
    ("trim", "strip"),
    ("toUpperCase", "upper"),
    ("toLowerCase", "lower"),
    ("indexOf", "index"),
    ("iteritems", "items"),
    ("iterkeys", "keys"),
    ("itervalues", "values"),
];

/// The Python name for a habitual name from [`HABITUAL_NAMES`], when the object has it.
fn habitual_equivalent(name: &str, candidates: &[String]) -> Option<String> {
    let (_, equivalent) = HABITUAL_NAMES.iter().find(|(habit, _)| *habit == name)?;
    candidates
        .iter()
        .any(|candidate| candidate == equivalent)
        .then(|| (*equivalent).to_owned())
}

/// `uppercase` for `upper`, `startswith_text` for `startswith`: a name that extends
/// exactly one candidate of four letters or more by a suffix (too far for the edit
/// distance, too clear to miss).
fn longer_spelling_of(name: &str, candidates: &[String]) -> Option<String> {
    let mut found = candidates.iter().filter(|candidate| {
        candidate.len() >= 4 && !candidate.starts_with('_') && name.starts_with(candidate.as_str())
    });
    let first = found.next()?;
    found.next().is_none().then(|| first.clone())
}
