//! `bad-operand`: a binary operator applied to operand types that do not support it
//! (`"Total: " + 3`, `[1] + (2,)`, `{"a": 1} + {"b": 2}`, `Money(1) + Money(2)` without
//! `__add__`). `None` operands are `none-operand`'s.
//!
//! ```python
//! count = 3
//! label = "items: " + count     # bad-operand: str + int
//! ```
//!
//! Each pair of left and right members is judged: builtin types by a table of what
//! Python allows, instances of classes defined in source by their dunders along the
//! MRO (`__add__` on the left, `__radd__` on the right). Unknown values and open
//! hierarchies give no verdict.

use crate::index::{child_by_field, kind_of};
use tree_sitter::Node;

use super::{Lookup, attach_parameters, class_defines, is_from_parameter, origin_text};
use crate::db::Db;
use crate::infer::OperationKind;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Related, Tally};
use crate::values::{ClassRef, Member, Union, Value};

pub(crate) const OPERAND_CHECK: Check = Check {
    rules: &["bad-operand"],
    run,
};

/// The type of an operand, as far as the table knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Float,
    Complex,
    Str,
    Bytes,
    List,
    Tuple,
    Set,
    Dict,
    /// Functions, modules, generators…: no arithmetic at all.
    Opaque,
}

impl Kind {
    fn is_integral(self) -> bool {
        matches!(self, Kind::Bool | Kind::Int)
    }

    fn is_number(self) -> bool {
        matches!(self, Kind::Bool | Kind::Int | Kind::Float | Kind::Complex)
    }

    fn is_sequence(self) -> bool {
        matches!(self, Kind::Str | Kind::Bytes | Kind::List | Kind::Tuple)
    }
}

/// An operand member: a builtin kind, an exact instance of a class defined in source,
/// or something the table does not judge.
enum Operand<'a> {
    Builtin(Kind),
    Instance(&'a ClassRef),
    NoneValue,
    Unknown,
}

fn operand<'a>(db: &dyn Db, member: &'a Member, specialised: bool) -> Operand<'a> {
    if member.value == Value::None {
        return Operand::NoneValue;
    }
    // A parameter holds what callers pass (its annotation is a claim, `self` may be a
    // subclass): judged in the runs specialised to those calls.
    if is_from_parameter(db, member, specialised) {
        return Operand::Unknown;
    }
    let kind = match &member.value {
        Value::None => return Operand::NoneValue,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Complex => Kind::Complex,
        Value::Str(_) => Kind::Str,
        Value::Bytes => Kind::Bytes,
        // `dict.keys()` and friends are modelled as lists; they are views with set
        // operators.
        Value::List(_)
            if member.origins.iter().any(|origin| {
                let text = origin_text(db, origin);
                text.ends_with(".keys()")
                    || text.ends_with(".items()")
                    || text.ends_with(".values()")
            }) =>
        {
            return Operand::Unknown;
        }
        Value::List(_) => Kind::List,
        Value::Tuple(_) => Kind::Tuple,
        Value::Set(_) => Kind::Set,
        Value::Dict(_) => Kind::Dict,
        Value::Instance(class @ ClassRef::Defined { .. }, ..) => return Operand::Instance(class),
        // An attribute read off a builtin value: perhaps data, not a method.
        Value::BuiltinFunction(name) if name.contains('.') => return Operand::Unknown,
        Value::Function(_)
        | Value::BoundMethod { .. }
        | Value::BuiltinFunction(_)
        | Value::Module(_)
        | Value::Generator(_)
        | Value::Iterator(_)
        | Value::Coroutine(_) => Kind::Opaque,
        _ => return Operand::Unknown,
    };
    Operand::Builtin(kind)
}

/// Whether Python supports `left operator right` for builtin kinds; `augmented` for
/// `+=` and friends (`list += iterable` extends).
fn builtin_supports(operator: &str, left: Kind, right: Kind, augmented: bool) -> bool {
    use Kind::*;
    if left == Opaque || right == Opaque {
        return false;
    }
    match operator {
        "+" => {
            (left.is_number() && right.is_number())
                || (left == right && left.is_sequence())
                || (augmented && left == List && matches!(right, List | Tuple | Set | Dict | Str))
        }
        "-" | "/" | "**" => {
            left.is_number() && right.is_number()
                || (operator == "-" && left == Set && right == Set)
        }
        "//" => left.is_number() && right.is_number() && left != Complex && right != Complex,
        "%" => {
            matches!(left, Str | Bytes)
                || (left.is_number() && right.is_number() && left != Complex && right != Complex)
        }
        "*" => {
            (left.is_number() && right.is_number())
                || (left.is_sequence() && right.is_integral())
                || (left.is_integral() && right.is_sequence())
        }
        "|" => {
            (left.is_integral() && right.is_integral())
                || (left == Set && right == Set)
                || (left == Dict && right == Dict)
                || (augmented && left == Dict && matches!(right, List | Tuple))
        }
        "&" | "^" => (left.is_integral() && right.is_integral()) || (left == Set && right == Set),
        "<<" | ">>" => left.is_integral() && right.is_integral(),
        "@" => false,
        _ => true,
    }
}

/// The dunder pair of an operator (`__add__`, `__radd__`).
fn dunders(operator: &str) -> Option<(&'static str, &'static str)> {
    Some(match operator {
        "+" => ("__add__", "__radd__"),
        "-" => ("__sub__", "__rsub__"),
        "*" => ("__mul__", "__rmul__"),
        "/" => ("__truediv__", "__rtruediv__"),
        "//" => ("__floordiv__", "__rfloordiv__"),
        "%" => ("__mod__", "__rmod__"),
        "**" => ("__pow__", "__rpow__"),
        "@" => ("__matmul__", "__rmatmul__"),
        "&" => ("__and__", "__rand__"),
        "|" => ("__or__", "__ror__"),
        "^" => ("__xor__", "__rxor__"),
        "<<" => ("__lshift__", "__rlshift__"),
        ">>" => ("__rshift__", "__rrshift__"),
        _ => return None,
    })
}

fn in_place(operator: &str) -> Option<String> {
    let (forward, _) = dunders(operator)?;
    Some(format!("__i{}", &forward[2..]))
}

/// `Some(true)` when the pair is supported, `Some(false)` when it raises, `None` when
/// it depends on what is not known.
fn pair_supported(
    db: &dyn Db,
    operator: &str,
    left: &Operand<'_>,
    right: &Operand<'_>,
    augmented: bool,
) -> Option<bool> {
    let (forward, reflected) = dunders(operator)?;
    let defines = |class: &ClassRef, name: &str| class_defines(db, class, name);
    match (left, right) {
        (Operand::NoneValue, _) | (_, Operand::NoneValue) => None,
        (Operand::Unknown, _) | (_, Operand::Unknown) => None,
        (Operand::Builtin(left), Operand::Builtin(right)) => {
            Some(builtin_supports(operator, *left, *right, augmented))
        }
        (Operand::Instance(class), other) => {
            let mut lookups = vec![defines(class, forward)];
            if augmented && let Some(name) = in_place(operator) {
                lookups.push(defines(class, &name));
            }
            if let Operand::Instance(right_class) = other {
                lookups.push(defines(right_class, reflected));
            }
            verdict(&lookups)
        }
        (Operand::Builtin(kind), Operand::Instance(class)) => {
            if operator == "%" && matches!(kind, Kind::Str | Kind::Bytes) {
                return Some(true);
            }
            let mut lookups = vec![defines(class, reflected)];
            if operator == "*" && kind.is_sequence() {
                lookups.push(defines(class, "__index__"));
            }
            verdict(&lookups)
        }
    }
}

fn verdict(lookups: &[Lookup]) -> Option<bool> {
    if lookups.contains(&Lookup::Found) {
        Some(true)
    } else if lookups.contains(&Lookup::Unknown) {
        None
    } else {
        Some(false)
    }
}

fn describe(value: &Value) -> String {
    super::describe_with_article(value)
}

fn run(context: &mut RuleContext<'_>) {
    let operations: Vec<_> = context
        .operations()
        .filter_map(|(run, operation)| match &operation.kind {
            OperationKind::Binary {
                operator,
                left,
                right,
            } => Some((run.call, operation.range, operator, left, right)),
            _ => None,
        })
        .collect();
    for (call, range, operator, left, right) in operations {
        let Some(node) = context.node(range) else {
            continue;
        };
        let augmented = kind_of(node) == "augmented_assignment";
        let mut tally = Tally {
            pruned: left.pruned() || right.pruned(),
            ..Tally::default()
        };
        let mut example: Option<(&Value, &Value)> = None;
        for left_member in left.members() {
            let left_operand = operand(context.db, left_member, call.is_some());
            for right_member in right.members() {
                let right_operand = operand(context.db, right_member, call.is_some());
                if matches!(left_operand, Operand::NoneValue)
                    || matches!(right_operand, Operand::NoneValue)
                {
                    continue;
                }
                match pair_supported(
                    context.db,
                    operator,
                    &left_operand,
                    &right_operand,
                    augmented,
                ) {
                    Some(true) => tally.good += 1,
                    Some(false) => {
                        tally.bad += 1;
                        example.get_or_insert((&left_member.value, &right_member.value));
                    }
                    None => tally.unknown += 1,
                }
            }
        }
        let Some((left_value, right_value)) = example else {
            continue;
        };
        if context.is_caught(range, "TypeError") {
            continue;
        }
        let (left_text, right_text) = operand_texts(context, node);
        let left_type = describe(left_value);
        let right_type = describe(right_value);
        let shown = if augmented {
            format!("{operator}=")
        } else {
            operator.to_string()
        };
        let message = format!(
            "Unsupported operand types for `{shown}`: `{left_text}` is {left_type} and `{right_text}` is {right_type}"
        );
        let related = related(context, left, right, left_value, right_value);
        context.report_tally("bad-operand", range, tally, message, related, call);
        attach_parameters(
            context,
            "bad-operand",
            range,
            vec![
                ("operator", operator.to_string()),
                ("left", left_text),
                ("right", right_text),
                ("left_type", left_type),
                ("right_type", right_type),
            ],
        );
    }
}

fn operand_texts(context: &RuleContext<'_>, node: Node<'_>) -> (String, String) {
    let text = |field: &str| {
        child_by_field(node, field)
            .map(|side| context.node_text(side).to_owned())
            .unwrap_or_else(|| "the operand".to_owned())
    };
    (text("left"), text("right"))
}

fn related(
    context: &RuleContext<'_>,
    left: &Union,
    right: &Union,
    left_value: &Value,
    right_value: &Value,
) -> Vec<Related> {
    let mut related = context.related_origins(
        left,
        |value| value == left_value,
        |value| format!("{} comes from here", describe(value)),
    );
    related.extend(context.related_origins(
        right,
        |value| value == right_value,
        |value| format!("{} comes from here", describe(value)),
    ));
    related.truncate(4);
    related
}
