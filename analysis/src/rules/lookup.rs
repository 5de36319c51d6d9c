//! Lookups that fail: `key-error` (a dict lacks the key), `index-error` (a sequence is
//! shorter than the index), `unpack-mismatch` (a known length differs from the targets).
//!
//! ```python
//! cfg = {"host": "localhost"}
//! cfg["port"]        # key-error: keys are 'host'
//! xs = []
//! xs[0]              # index-error: xs is empty
//! a, b = (1, 2, 3)   # unpack-mismatch: 3 values for 2 targets
//! ```
//!
//! Confidence comes from the members of the container: a closed dict without the key is
//! bad, one with it is good, an open dict or an unknown value is unknown.

use crate::index::{child_by_field, kind_of};
use smol_str::SmolStr;

use super::context::RuleContext;
use super::{Check, Tally};
use crate::index::DefinitionKind;
use crate::infer::OperationKind;
use crate::values::{Key, Union, Value, key_literal};

pub(crate) const CHECK: Check = Check {
    rules: &["key-error", "index-error", "unpack-mismatch"],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    let operations: Vec<_> = context
        .operations()
        .map(|(run, operation)| (run.call, operation))
        .collect();
    for (call, operation) in operations {
        match &operation.kind {
            OperationKind::Subscript {
                object,
                key: Some(key),
            } => {
                key_error(context, operation.range, object, key, call);
                index_error(context, operation.range, object, key, call);
            }
            OperationKind::Unpack {
                value,
                targets,
                starred,
            } => unpack_mismatch(context, operation.range, value, *targets, *starred, call),
            _ => {}
        }
    }
}

/// The literal keys a key union may take; `None` when any member is not a literal.
fn literal_keys(key: &Union) -> Option<Vec<Key>> {
    key.values().map(Key::from_value).collect()
}

/// The container read: `d` in `d[k]`, `xs` in `xs.pop(0)`.
fn object_text(context: &RuleContext<'_>, range: line_index::TextRange) -> String {
    context
        .node(range)
        .and_then(|node| match pop_call_receiver(node) {
            Some(receiver) => Some(receiver),
            None => child_by_field(node, "value"),
        })
        .map(|object| context.node_text(object).to_owned())
        .unwrap_or_else(|| "the value".to_owned())
}

/// The receiver of `xs.pop(…)` (recorded by the interpreter as a subscript of `xs`).
fn pop_call_receiver(node: tree_sitter::Node<'_>) -> Option<tree_sitter::Node<'_>> {
    if kind_of(node) != "call" {
        return None;
    }
    let function =
        child_by_field(node, "function").filter(|function| kind_of(*function) == "attribute")?;
    child_by_field(function, "object")
}

fn key_error(
    context: &mut RuleContext<'_>,
    range: line_index::TextRange,
    object: &Union,
    key: &Union,
    call: Option<(line_index::TextRange, u8)>,
) {
    if !object.values().any(|value| matches!(value, Value::Dict(_))) {
        return;
    }
    let Some(keys) = literal_keys(key) else {
        return unknown_key_in_empty_dict(context, range, object, call);
    };
    if context.is_caught(range, "KeyError") || is_membership_guarded(context, range) {
        return;
    }
    let mut missing_key = None;
    let mut known_keys: Vec<String> = Vec::new();
    let is_bad = |value: &Value| match value {
        Value::Dict(dict) if !dict.open => keys
            .iter()
            .any(|key| !dict.entries.iter().any(|(entry, _)| entry == key)),
        _ => false,
    };
    let bad_origins = origins_of(object, is_bad);
    let in_filling_loop = is_in_filling_loop(context, range, &bad_origins);
    let mut tally = Tally {
        pruned: object.pruned(),
        inherent: in_filling_loop,
        ..Tally::default()
    };
    let scope = context
        .index
        .scope(context.index.scope_at(range.start()))
        .range;
    for member in object.members() {
        let value = &member.value;
        match value {
            Value::Dict(dict)
                if dict.open && in_filling_loop && is_later_state(member, &bad_origins) =>
            {
                tally.good += 1;
            }
            // An empty dict another module made (`objecttable = {}` in `rpc`), or another
            // scope of this file that this file fills somewhere: a registry that code
            // elsewhere fills at run time. A global `CONFIG = {}` nothing stores into
            // stays empty.
            Value::Dict(dict)
                if dict.entries.is_empty()
                    && member.origins.iter().all(|origin| {
                        origin.file != context.file
                            || !scope.contains_range(origin.range)
                                && file_stores_into(context.text, &object_text(context, range))
                    }) =>
            {
                tally.unknown += 1;
            }
            Value::Dict(dict) => {
                let missing = keys
                    .iter()
                    .find(|key| !dict.entries.iter().any(|(entry, _)| entry == *key));
                match (missing, dict.open) {
                    (Some(key), false) => {
                        tally.bad += 1;
                        // `d[os_name + "_user"]` with `"posix_user" | "nt_user"`: the
                        // keys that are there succeed, on other paths.
                        if keys
                            .iter()
                            .any(|key| dict.entries.iter().any(|(entry, _)| entry == key))
                        {
                            tally.good += 1;
                        }
                        missing_key.get_or_insert_with(|| key.clone());
                        for (entry, _) in &dict.entries {
                            let entry = key_literal(entry);
                            if !known_keys.contains(&entry) {
                                known_keys.push(entry);
                            }
                        }
                    }
                    (Some(_), true) => tally.unknown += 1,
                    (None, _) => tally.good += 1,
                }
            }
            Value::Unknown => tally.unknown += 1,
            // Other types fail differently (other rules), or not at all.
            _ => tally.good += 1,
        }
    }
    let Some(missing_key) = missing_key else {
        return;
    };
    let object_text = object_text(context, range);
    let keys_note = if known_keys.is_empty() {
        "it is empty".to_owned()
    } else {
        format!("keys: {}", known_keys.join(", "))
    };
    let key_text = key_literal(&missing_key);
    let message = format!("Key `{key_text}` is not in `{object_text}` ({keys_note})");
    let related = context.related_origins(object, is_bad, |_| "dict built here".to_owned());
    context.report_tally("key-error", range, tally, message, related, call);
    if context.node(range).and_then(pop_call_receiver).is_some() {
        // `d.get(k)` would not remove the entry: no subscript template fits `d.pop(k)`.
        return;
    }
    let mut parameters = vec![("object", object_text), ("key", key_text)];
    if let Some(default) = dict_value_default(object) {
        parameters.push(("default", default));
    }
    attach_parameters(context, "key-error", range, &parameters);
}

/// `for name in tuple(variables): notdone[name]` after `variables = list(notdone.keys())`:
/// the key is one of the dict's own keys (followed through loop targets and assignments
/// of the scope, a few steps deep), so the dict holds it whenever the read runs.
fn is_key_drawn_from_the_dict(context: &RuleContext<'_>, range: line_index::TextRange) -> bool {
    let Some(subscript) = context.node(range) else {
        return false;
    };
    let (Some(object), Some(key)) = (
        child_by_field(subscript, "value"),
        child_by_field(subscript, "subscript"),
    ) else {
        return false;
    };
    if kind_of(key) != "identifier" {
        return false;
    }
    let dict_text = context.node_text(object).to_owned();
    let mut pending = vec![(context.node_text(key).to_owned(), 0usize)];
    let mut seen: Vec<String> = Vec::new();
    let index = context.index;
    let scope = index.scope_at(range.start());
    while let Some((name, depth)) = pending.pop() {
        if depth > 3 || seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let sources: Vec<String> = index
            .definitions_in_scope(scope, &name)
            .filter_map(|id| {
                let definition = index.definition(id);
                let node = context.node(definition.node_range)?;
                let source = match definition.kind {
                    DefinitionKind::ForTarget => {
                        std::iter::successors(Some(node), |node| node.parent())
                            .find(|node| {
                                matches!(kind_of(*node), "for_statement" | "for_in_clause")
                            })
                            .and_then(|statement| child_by_field(statement, "right"))
                    }
                    DefinitionKind::Assignment => {
                        definition.value_range.and_then(|value| context.node(value))
                    }
                    _ => None,
                }?;
                Some(context.node_text(source).to_owned())
            })
            .collect();
        if sources.is_empty() {
            continue;
        }
        if sources
            .iter()
            .all(|source| mentions_word(source, &dict_text))
        {
            return true;
        }
        for source in sources {
            for word in source.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if !word.is_empty() && !word.starts_with(|c: char| c.is_ascii_digit()) {
                    pending.push((word.to_owned(), depth + 1));
                }
            }
        }
    }
    false
}

/// Whether `call` is `f(key)` where `f` is bound in the scope to `object.__contains__`
/// (`availhas, matches = avail.__contains__, 0`) and nowhere else.
fn is_bound_contains_call(
    context: &RuleContext<'_>,
    call: tree_sitter::Node<'_>,
    object: &str,
    key: &str,
) -> bool {
    let (Some(function), Some(arguments)) = (
        child_by_field(call, "function"),
        child_by_field(call, "arguments"),
    ) else {
        return false;
    };
    if kind_of(function) != "identifier"
        || arguments.named_child_count() != 1
        || arguments
            .named_child(0)
            .is_none_or(|argument| context.node_text(argument) != key)
    {
        return false;
    }
    let index = context.index;
    let scope = index.scope_at((call.start_byte() as u32).into());
    let expected = format!("{object}.__contains__");
    let mut bindings = index
        .definitions_in_scope(scope, context.node_text(function))
        .peekable();
    bindings.peek().is_some()
        && bindings.all(|id| {
            let definition = index.definition(id);
            let Some(target) = context.node(definition.node_range) else {
                return false;
            };
            let Some(assignment) = std::iter::successors(Some(target), |node| node.parent())
                .find(|node| kind_of(*node) == "assignment")
            else {
                return false;
            };
            let (Some(left), Some(right)) = (
                child_by_field(assignment, "left"),
                child_by_field(assignment, "right"),
            ) else {
                return false;
            };
            if kind_of(left) == "identifier" {
                return context.node_text(right) == expected;
            }
            let name = context.node_text(function);
            let mut cursor = left.walk();
            let position = left
                .named_children(&mut cursor)
                .position(|item| kind_of(item) == "identifier" && context.node_text(item) == name);
            let mut cursor = right.walk();
            let values: Vec<_> = right.named_children(&mut cursor).collect();
            position
                .and_then(|position| values.get(position))
                .is_some_and(|value| context.node_text(*value) == expected)
        })
}

/// Whether some line of `text` stores into the container `object` (`object[k] = v`,
/// `object.update(…)`, `object.setdefault(…)`).
fn file_stores_into(text: &str, object: &str) -> bool {
    if object.is_empty() {
        return false;
    }
    let item = format!("{object}[");
    let update = format!("{object}.update(");
    let setdefault = format!("{object}.setdefault(");
    text.lines().any(|line| {
        line.contains(&update)
            || line.contains(&setdefault)
            || line.find(&item).is_some_and(|at| {
                line[at..]
                    .split_once("] =")
                    .is_some_and(|(_, value)| !value.starts_with('='))
            })
    })
}

/// Whether `text` contains `word` (a name or dotted path) not as part of a longer name.
fn mentions_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let is_name_char = |c: char| c.is_alphanumeric() || c == '_';
        !before.is_some_and(|c| is_name_char(c) || c == '.') && !after.is_some_and(is_name_char)
    })
}

/// `counts[word] += 1` on a dict that is still empty: whatever the key, it is missing.
/// Only dicts known to be empty count as bad; a dict with entries might hold the key.
/// Whether `d[expr]` sits under `if expr in d:` (or after `if expr not in d:` that leaves
/// the block), for keys the interpreter cannot narrow because they are not names:
/// `if ballot[0] in counts: counts[ballot[0]] += 1`.
fn is_membership_guarded(context: &RuleContext<'_>, range: line_index::TextRange) -> bool {
    let Some(subscript) = context.node(range) else {
        return false;
    };
    // `d.pop(key)` reads like `d[key]`.
    let (object, key) = match pop_call_receiver(subscript) {
        Some(receiver) => (
            Some(receiver),
            child_by_field(subscript, "arguments").and_then(|arguments| arguments.named_child(0)),
        ),
        None => (
            child_by_field(subscript, "value"),
            child_by_field(subscript, "subscript"),
        ),
    };
    let (Some(object), Some(key)) = (object, key) else {
        return false;
    };
    let (object, key) = (context.node_text(object), context.node_text(key));
    // `key in object` (or `key not in object` when `negated`) is one of the conjuncts.
    let tests = |condition: tree_sitter::Node<'_>, negated: bool| {
        let mut stack = vec![condition];
        while let Some(node) = stack.pop() {
            match kind_of(node) {
                "parenthesized_expression" => stack.extend(node.named_child(0)),
                "boolean_operator" if context.node_text(node).contains(" and ") && !negated => {
                    stack.extend(child_by_field(node, "left"));
                    stack.extend(child_by_field(node, "right"));
                }
                // `availhas(elt)` after `availhas = avail.__contains__`.
                "call" if !negated && is_bound_contains_call(context, node, object, key) => {
                    return true;
                }
                "comparison_operator" => {
                    let text = context.node_text(node);
                    let operator = if negated { " not in " } else { " in " };
                    if text
                        .split_once(operator)
                        .is_some_and(|(left, right)| left.trim() == key && right.trim() == object)
                    {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    };
    let mut previous = subscript;
    for ancestor in context.ancestors(subscript) {
        match kind_of(ancestor) {
            "if_statement" | "elif_clause" | "while_statement" | "conditional_expression" => {
                let (condition, guarded) = if kind_of(ancestor) == "conditional_expression" {
                    // `d[k] if k in d else default`: the first named child is guarded.
                    (ancestor.named_child(1), ancestor.named_child(0))
                } else {
                    (
                        child_by_field(ancestor, "condition"),
                        child_by_field(ancestor, "consequence")
                            .or_else(|| child_by_field(ancestor, "body")),
                    )
                };
                if guarded.is_some_and(|guarded| guarded.id() == previous.id())
                    && condition.is_some_and(|condition| tests(condition, false))
                {
                    return true;
                }
            }
            "block" => {
                // An earlier `if key not in object: continue` in the same block.
                let mut sibling = context.previous_sibling(previous);
                while let Some(statement) = sibling {
                    if kind_of(statement) == "if_statement"
                        && child_by_field(statement, "alternative").is_none()
                        && child_by_field(statement, "condition")
                            .is_some_and(|condition| tests(condition, true))
                        && child_by_field(statement, "consequence")
                            .and_then(|body| {
                                body.named_child(body.named_child_count().checked_sub(1)?)
                            })
                            .is_some_and(|last| {
                                matches!(
                                    kind_of(last),
                                    "continue_statement"
                                        | "return_statement"
                                        | "break_statement"
                                        | "raise_statement"
                                )
                            })
                    {
                        return true;
                    }
                    sibling = context.previous_sibling(statement);
                }
            }
            "function_definition" | "class_definition" | "lambda" => return false,
            _ => {}
        }
        previous = ancestor;
    }
    false
}

fn unknown_key_in_empty_dict(
    context: &mut RuleContext<'_>,
    range: line_index::TextRange,
    object: &Union,
    call: Option<(line_index::TextRange, u8)>,
) {
    let is_empty =
        |value: &Value| matches!(value, Value::Dict(dict) if !dict.open && dict.entries.is_empty());
    if !object.values().any(is_empty)
        || context.is_caught(range, "KeyError")
        || is_membership_guarded(context, range)
        || is_key_drawn_from_the_dict(context, range)
    {
        return;
    }
    // Only a dict this scope built: a global `CACHE = {}` read in a function may have
    // been filled by any other function first.
    let scope = context
        .index
        .scope(context.index.scope_at(range.start()))
        .range;
    let built_here = object
        .members()
        .iter()
        .filter(|member| is_empty(&member.value))
        .flat_map(|member| &member.origins)
        .all(|origin| origin.file == context.file && scope.contains_range(origin.range));
    if !built_here {
        return;
    }
    let bad_origins = origins_of(object, is_empty);
    let in_filling_loop = is_in_filling_loop(context, range, &bad_origins);
    // Read in the loop that fills it: the first round reads the empty dict, whatever
    // the inputs are.
    let mut tally = Tally {
        pruned: object.pruned(),
        inherent: in_filling_loop,
        ..Tally::default()
    };
    for member in object.members() {
        let value = &member.value;
        match value {
            _ if is_empty(value) => tally.bad += 1,
            Value::Dict(_) if in_filling_loop && is_later_state(member, &bad_origins) => {
                tally.good += 1
            }
            // Filled with keys the analysis cannot name, perhaps this one.
            Value::Dict(_) | Value::Unknown => tally.unknown += 1,
            _ => tally.good += 1,
        }
    }
    let Some(node) = context.node(range) else {
        return;
    };
    let key_text = child_by_field(node, "subscript")
        .map(|key| context.node_text(key).to_owned())
        .unwrap_or_default();
    let object_text = object_text(context, range);
    let message = format!("`{object_text}` is empty here, so key `{key_text}` is missing");
    let related = context.related_origins(object, is_empty, |_| "empty dict built here".to_owned());
    context.report_tally("key-error", range, tally, message, related, call);
    attach_parameters(
        context,
        "key-error",
        range,
        &[("object", object_text), ("key", key_text)],
    );
}

/// Where the bad members of `union` were built.
fn origins_of(union: &Union, is_bad: impl Fn(&Value) -> bool) -> Vec<crate::values::Origin> {
    union
        .members()
        .iter()
        .filter(|member| is_bad(&member.value))
        .flat_map(|member| member.origins.iter().cloned())
        .collect()
}

/// An open dict built where a bad one was built is the same dict later in a loop (keys
/// stored since): the bad state comes first, so this member does not make the finding
/// a guess.
fn is_later_state(member: &crate::values::Member, bad_origins: &[crate::values::Origin]) -> bool {
    !member.origins.is_empty()
        && member
            .origins
            .iter()
            .all(|origin| bad_origins.contains(origin))
}

/// Whether the lookup at `range` runs inside a loop that fills the dict it reads: a loop
/// that does not contain where the dict was built (`bad_origins`) and whose body stores
/// into the same object (`counts[word] += 1`, `seen[k] = …`, `d.setdefault(…)`). Only
/// there does the first pass read the dict as built, before its own stores.
///
/// ```python
/// counts = {}
/// for word in words:
///     counts[word] += 1     # the first pass sees `{}`: the later states do not help
/// result = {}
/// for k in keys:
///     result[k] = 1
/// result["a"]               # after the loop: empty only when `keys` was, so unknown
/// ```
fn is_in_filling_loop(
    context: &RuleContext<'_>,
    range: line_index::TextRange,
    bad_origins: &[crate::values::Origin],
) -> bool {
    let Some(lookup) = context.node(range) else {
        return false;
    };
    let Some(object) = child_by_field(lookup, "value") else {
        return false;
    };
    let object_text = context.node_text(object);
    let mut current = context.parent(lookup);
    while let Some(node) = current {
        match kind_of(node) {
            "function_definition" | "class_definition" | "lambda" => return false,
            "for_statement" | "while_statement" => {
                let loop_range = crate::index::range_of(node);
                let built_inside = bad_origins.iter().any(|origin| {
                    origin.file == context.file && loop_range.contains_range(origin.range)
                });
                if !built_inside {
                    let stores = loop_stores_into(context, node, object_text);
                    if stores.is_empty() {
                        current = context.parent(node);
                        continue;
                    }
                    // A store earlier in the body (`sections[name] = {}` under an `if`)
                    // may run before this lookup on the first pass: then what the first
                    // pass reads depends on the data.
                    let lookup_start = range.start();
                    let statement_start = enclosing_statement_start(context, lookup);
                    return stores.iter().all(|store| {
                        store.start() >= statement_start || store.start() >= lookup_start
                    });
                }
            }
            _ => {}
        }
        current = context.parent(node);
    }
    false
}

/// Where the statement holding `node` starts.
fn enclosing_statement_start(
    context: &RuleContext<'_>,
    node: tree_sitter::Node<'_>,
) -> line_index::TextSize {
    let mut current = node;
    while let Some(parent) = context.parent(current) {
        if matches!(kind_of(parent), "block" | "module") {
            break;
        }
        current = parent;
    }
    crate::index::range_of(current).start()
}

/// The stores into `object_text` inside `loop_node`: `object[k] = v`, `object[k] += v` or
/// a call of a method that adds keys (`object.setdefault(…)`, `object.update(…)`).
fn loop_stores_into(
    context: &RuleContext<'_>,
    loop_node: tree_sitter::Node<'_>,
    object_text: &str,
) -> Vec<line_index::TextRange> {
    let is_store = |node: &tree_sitter::Node<'_>| match kind_of(*node) {
        "assignment" | "augmented_assignment" => child_by_field(*node, "left")
            .filter(|left| kind_of(*left) == "subscript")
            .and_then(|left| child_by_field(left, "value"))
            .is_some_and(|target| context.node_text(target) == object_text),
        "call" => child_by_field(*node, "function")
            .filter(|function| kind_of(*function) == "attribute")
            .is_some_and(|function| {
                let receiver =
                    child_by_field(function, "object").map(|receiver| context.node_text(receiver));
                let method =
                    child_by_field(function, "attribute").map(|method| context.node_text(method));
                receiver == Some(object_text)
                    && matches!(method, Some("setdefault" | "update" | "__setitem__"))
            }),
        _ => false,
    };
    super::dotted::descendants(loop_node)
        .filter(is_store)
        .map(crate::index::range_of)
        .collect()
}

/// A default for `.get()` with the type of the dict's values (`0` for ints, `""` for
/// strings, …), `None` when they differ; nothing when the object may be something other
/// than a dict.
fn dict_value_default(object: &Union) -> Option<String> {
    let mut values = Vec::new();
    for member in object.values() {
        match member {
            Value::Dict(dict) => {
                values.extend(dict.entries.iter().flat_map(|(_, value)| value.values()))
            }
            _ => return None,
        }
    }
    Some(zero_of(values.into_iter()))
}

/// The "empty" literal shared by every value, or `None`.
pub(super) fn zero_of<'v>(values: impl Iterator<Item = &'v Value>) -> String {
    let mut zero: Option<&str> = None;
    for value in values {
        let this = match value {
            Value::Int(_) => "0",
            Value::Float(_) => "0.0",
            Value::Str(_) => "\"\"",
            Value::Bool(_) => "False",
            Value::List(_) => "[]",
            Value::Dict(_) => "{}",
            Value::Tuple(_) => "()",
            _ => return "None".to_owned(),
        };
        match zero {
            Some(seen) if seen != this => return "None".to_owned(),
            _ => zero = Some(this),
        }
    }
    zero.unwrap_or("None").to_owned()
}

/// Adds fix-template parameters to the finding just reported at `range`.
fn attach_parameters(
    context: &mut RuleContext<'_>,
    rule: &str,
    range: line_index::TextRange,
    parameters: &[(&str, String)],
) {
    context.with_finding(rule, range, |finding| {
        finding.fix_parameters = parameters
            .iter()
            .map(|(name, value)| (SmolStr::new(name), value.clone()))
            .collect();
    });
}

/// The known length of a sequence value, and its kind for messages.
fn known_length(value: &Value) -> Option<(usize, &'static str)> {
    match value {
        Value::List(items) if items.exact => Some((items.items.len(), "list")),
        Value::Tuple(items) if items.exact => Some((items.items.len(), "tuple")),
        Value::Str(Some(text)) => Some((text.chars().count(), "str")),
        _ => None,
    }
}

fn index_error(
    context: &mut RuleContext<'_>,
    range: line_index::TextRange,
    object: &Union,
    key: &Union,
    call: Option<(line_index::TextRange, u8)>,
) {
    let indexes: Option<Vec<i64>> = key
        .values()
        .map(|value| match value {
            Value::Int(Some(index)) => Some(*index),
            Value::Bool(Some(flag)) => Some(i64::from(*flag)),
            _ => None,
        })
        .collect();
    let Some(indexes) = indexes else {
        return;
    };
    if !object
        .values()
        .any(|value| matches!(value, Value::List(_) | Value::Tuple(_) | Value::Str(_)))
    {
        return;
    }
    if context.is_caught(range, "IndexError") {
        return;
    }
    let out_of_range = |length: usize| {
        indexes.iter().copied().find(|&index| {
            let length = length as i64;
            index >= length || index < -length
        })
    };
    let mut tally = Tally {
        pruned: object.pruned(),
        ..Tally::default()
    };
    let mut example = None;
    for value in object.values() {
        match known_length(value) {
            Some((length, kind)) => match out_of_range(length) {
                Some(index) => {
                    tally.bad += 1;
                    example.get_or_insert((index, length, kind));
                }
                None => tally.good += 1,
            },
            None => match value {
                Value::List(_) | Value::Tuple(_) | Value::Str(None) => tally.good += 1,
                Value::Unknown => tally.unknown += 1,
                _ => tally.good += 1,
            },
        }
    }
    let Some((index, length, kind)) = example else {
        return;
    };
    let object_text = object_text(context, range);
    let is_pop = context.node(range).and_then(pop_call_receiver).is_some();
    let message = match (is_pop, length) {
        (true, 0) => format!("`{object_text}` is an empty {kind} here, so `pop` raises IndexError"),
        (true, _) => format!(
            "Index {index} is out of range for `{object_text}` ({kind} of length {length}), so `pop` raises IndexError"
        ),
        (false, 0) => format!("`{object_text}` is an empty {kind}: index {index} is out of range"),
        (false, _) => {
            format!("Index {index} is out of range for `{object_text}` ({kind} of length {length})")
        }
    };
    let related = context.related_origins(
        object,
        |value| known_length(value).is_some_and(|(length, _)| out_of_range(length).is_some()),
        |value| match known_length(value) {
            Some((length, kind)) => format!("{kind} of length {length} built here"),
            None => "built here".to_owned(),
        },
    );
    context.report_tally("index-error", range, tally, message, related, call);
    if is_pop {
        // The subscript templates (`xs[i] if … else default`) do not fit a call.
        return;
    }
    let elements = object.values().flat_map(|value| match value {
        Value::List(items) | Value::Tuple(items) => items
            .items
            .iter()
            .flat_map(|item| item.values())
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    });
    let default = zero_of(elements);
    attach_parameters(
        context,
        "index-error",
        range,
        &[
            ("object", object_text),
            ("index", index.to_string()),
            ("default", default),
        ],
    );
}

fn unpack_mismatch(
    context: &mut RuleContext<'_>,
    range: line_index::TextRange,
    value: &Union,
    targets: u32,
    starred: bool,
    call: Option<(line_index::TextRange, u8)>,
) {
    let targets = targets as usize;
    let fits = |length: usize| {
        if starred {
            length + 1 >= targets
        } else {
            length == targets
        }
    };
    let mut tally = Tally {
        pruned: value.pruned(),
        ..Tally::default()
    };
    let mut example = None;
    for member in value.values() {
        match known_length(member) {
            Some((length, _)) if !fits(length) => {
                tally.bad += 1;
                example.get_or_insert(length);
            }
            Some(_) => tally.good += 1,
            None if matches!(member, Value::Unknown) => tally.unknown += 1,
            None => tally.good += 1,
        }
    }
    let Some(length) = example else {
        return;
    };
    if context.is_caught(range, "ValueError") {
        return;
    }
    let message = if starred {
        format!(
            "Not enough values to unpack: {length} value(s) for at least {} target(s)",
            targets - 1
        )
    } else if length > targets {
        format!("Too many values to unpack: {length} value(s) for {targets} target(s)")
    } else {
        format!("Not enough values to unpack: {length} value(s) for {targets} target(s)")
    };
    let related = context.related_origins(
        value,
        |member| known_length(member).is_some_and(|(length, _)| !fits(length)),
        |member| match known_length(member) {
            Some((length, kind)) => format!("{kind} of length {length} built here"),
            None => "built here".to_owned(),
        },
    );
    context.report_tally("unpack-mismatch", range, tally, message, related, call);
    let mut parameters = vec![("exception", "ValueError".to_owned())];
    if !starred && length > targets {
        parameters.push(("extra", "yes".to_owned()));
    }
    attach_parameters(context, "unpack-mismatch", range, &parameters);
}
