//! `builtin-shadowed-call`: a builtin's name (`list`, `sum`, `input`, …) rebound in the
//! file to a value that cannot be called, and later called as if it were the builtin.
//!
//! ```python
//! list = [1, 2, 3]
//! evens = list(range(0, 10, 2))   # TypeError: 'list' object is not callable
//! ```
//!
//! The finding names the binding that shadows the builtin and suggests a new name.

use super::capabilities::is_shadowed_builtin_call;
use super::{attach_parameters, describe_with_article, is_from_parameter};
use crate::index::NameResolution;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Tally};
use crate::values::Value;

pub(crate) const SHADOWED_CHECK: Check = Check {
    rules: &["builtin-shadowed-call"],
    run,
};

/// Values that can never be called.
fn is_never_callable(value: &Value) -> bool {
    matches!(
        value,
        Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Complex
            | Value::Str(_)
            | Value::Bytes
            | Value::List(_)
            | Value::Tuple(_)
            | Value::Set(_)
            | Value::Dict(_)
            | Value::Module(_)
            | Value::Generator(_)
            | Value::Iterator(_)
            | Value::Coroutine(_)
    )
}

/// A name for the variable that does not hide the builtin.
fn suggested_name(builtin: &str) -> String {
    match builtin {
        "list" => "items",
        "dict" => "mapping",
        "str" => "text",
        "set" => "unique_items",
        "tuple" => "values",
        "input" => "user_input",
        "max" => "maximum",
        "min" => "minimum",
        "sum" => "total",
        "id" => "identifier",
        "type" => "kind",
        "len" => "length",
        "format" => "fmt",
        "filter" => "selected",
        "map" => "mapping",
        "range" => "span",
        "open" => "opened",
        "iter" => "iterator",
        "next" => "following",
        "round" => "rounded",
        "float" => "number",
        "int" => "number",
        "bytes" => "data",
        "zip" => "pairs",
        "sorted" => "ordered",
        "hash" => "digest",
        "vars" => "variables",
        other => return format!("{other}_"),
    }
    .to_owned()
}

/// The line of the last binding of `name` that reaches the call (`list = [...]`).
fn rebinding_line(
    context: &RuleContext<'_>,
    callee: tree_sitter::Node<'_>,
    name: &str,
) -> Option<usize> {
    let offset = (callee.start_byte() as u32).into();
    let scope = context.index.scope_at(offset);
    match context.index.resolve_name(scope, name, offset) {
        NameResolution::Scope { definitions, .. } => definitions
            .last()
            .map(|&id| context.line_of(context.index.definition(id).name_range.start())),
        NameResolution::Unbound => None,
    }
}

fn run(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        let range = call.range();
        let Some(callee) = context
            .node(range)
            .and_then(|node| context.field(node, "function"))
        else {
            continue;
        };
        if !is_shadowed_builtin_call(context, callee) {
            continue;
        }
        let name = context.node_text(callee).to_owned();
        let mut tally = Tally {
            pruned: call.callee.pruned(),
            ..Tally::default()
        };
        let mut example = None;
        for member in call.callee.members() {
            let claim = is_from_parameter(context.db, member, run_call.is_some());
            if is_never_callable(&member.value) && !claim {
                tally.bad += 1;
                example.get_or_insert(member);
            } else if matches!(member.value, Value::Unknown) || claim {
                tally.unknown += 1;
            } else if member.value != Value::None {
                tally.good += 1;
            }
        }
        let Some(example) = example else {
            continue;
        };
        if context.is_caught(range, "TypeError") {
            continue;
        }
        let what = describe_with_article(&example.value);
        let binding = rebinding_line(context, callee, &name)
            .map(|line| format!(" at L{line}"))
            .unwrap_or_default();
        let message = format!(
            "`{name}` is rebound{binding} to {what}, so calling it raises TypeError instead of calling the builtin"
        );
        let bad = example.value.clone();
        let related = context.related_origins(
            &call.callee,
            |value| *value == bad,
            |_| format!("`{name}` rebound here"),
        );
        context.report_tally(
            "builtin-shadowed-call",
            range,
            tally,
            message,
            related,
            run_call,
        );
        attach_parameters(
            context,
            "builtin-shadowed-call",
            range,
            vec![("name", name.clone()), ("new_name", suggested_name(&name))],
        );
    }
}
