//! How values read in hovers and messages: `4 (int)`, `'a' (str)`, `[1, 2] (list, len 2)`,
//! `{'host': 'x', 'port': 80} (dict)`, `Counter instance`, `None`.

use std::fmt::Write as _;

use super::{ClassRef, Items, Key, Union, Value};

/// The longest rendering of one value before it is shortened.
const MAX_VALUE_CHARS: usize = 60;
/// Items shown of a container before `…`.
const MAX_ITEMS: usize = 6;

/// One value, with its type in parentheses when the value is a literal.
pub fn render_value(value: &Value) -> String {
    let literal = literal(value, 0);
    let rendered = match value {
        Value::None => "None".to_owned(),
        Value::Bool(Some(_))
        | Value::Int(Some(_))
        | Value::Float(Some(_))
        | Value::Str(Some(_)) => {
            format!("{literal} ({})", value.type_name())
        }
        Value::Tuple(items) | Value::List(items) | Value::Set(items) => {
            let kind = value.type_name();
            if items.exact {
                format!("{literal} ({kind}, len {})", items.items.len())
            } else {
                format!("{literal} ({kind})")
            }
        }
        Value::Dict(_) => format!("{literal} (dict)"),
        _ => literal,
    };
    shorten(rendered)
}

/// The Python-like literal of a value (`'a'`, `[1, 2]`), or a type description.
fn literal(value: &Value, depth: usize) -> String {
    match value {
        Value::None => "None".to_owned(),
        Value::Bool(Some(value)) => if *value { "True" } else { "False" }.to_owned(),
        Value::Int(Some(value)) => value.to_string(),
        Value::Float(Some(bits)) => float_literal(f64::from_bits(*bits)),
        Value::Str(Some(value)) => string_literal(value),
        Value::Bool(None)
        | Value::Int(None)
        | Value::Float(None)
        | Value::Str(None)
        | Value::Complex
        | Value::Bytes => value.type_name().to_owned(),
        Value::Tuple(items) => sequence(items, "(", ")", depth, "tuple"),
        Value::List(items) => sequence(items, "[", "]", depth, "list"),
        Value::Set(items) => sequence(items, "{", "}", depth, "set"),
        Value::Dict(dict) => {
            if depth > 1 {
                return "{…}".to_owned();
            }
            let mut out = String::from("{");
            for (position, (key, value)) in dict.entries.iter().enumerate() {
                if position == MAX_ITEMS {
                    out.push_str(", …");
                    break;
                }
                if position > 0 {
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "{}: {}",
                    key_literal(key),
                    union_literal(value, depth + 1)
                );
            }
            if dict.open {
                out.push_str(if dict.entries.is_empty() {
                    "…"
                } else {
                    ", …"
                });
            }
            out.push('}');
            out
        }
        Value::Instance(class, None) => format!("{} instance", class_name(class)),
        Value::Instance(class, Some(shape)) => {
            if depth > 1 {
                return format!("{}(…)", class_name(class));
            }
            let mut out = format!("{}(", class_name(class));
            for (position, (name, value)) in shape.attributes().iter().enumerate() {
                if position == MAX_ITEMS {
                    out.push_str(", …");
                    break;
                }
                if position > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{name}={}", union_literal(value, depth + 1));
            }
            out.push(')');
            out
        }
        Value::Class(class) => format!("class {}", class_name(class)),
        Value::Function(function) => format!("function {}", function.name()),
        Value::BoundMethod {
            function, class, ..
        } => {
            format!("method {}.{}", class_name(class), function.name())
        }
        Value::BuiltinFunction(name) => format!("builtin function {name}"),
        Value::Module(name) => format!("module {name}"),
        Value::Generator(function) => format!("generator of {}", function.name()),
        Value::Coroutine(function) => format!("coroutine of {}", function.name()),
        Value::Iterator(items) => {
            if items.exact {
                format!(
                    "iterator over {}",
                    sequence(items, "[", "]", depth, "iterator")
                )
            } else {
                match items.element() {
                    Some(element) => format!("iterator of {}", union_literal(&element, depth + 1)),
                    None => "iterator".to_owned(),
                }
            }
        }
        Value::Unknown => "unknown".to_owned(),
    }
}

fn sequence(items: &Items, open: &str, close: &str, depth: usize, kind: &str) -> String {
    if !items.exact {
        return match items.element() {
            Some(element) if depth <= 1 => format!("{kind}[{}]", type_literal(&element)),
            _ => kind.to_owned(),
        };
    }
    if depth > 1 {
        return format!("{open}…{close}");
    }
    let mut out = String::from(open);
    for (position, item) in items.items.iter().enumerate() {
        if position == MAX_ITEMS {
            out.push_str(", …");
            break;
        }
        if position > 0 {
            out.push_str(", ");
        }
        out.push_str(&union_literal(item, depth + 1));
    }
    if open == "(" && items.items.len() == 1 {
        out.push(',');
    }
    if open == "{" && items.items.is_empty() {
        return "set()".to_owned();
    }
    out.push_str(close);
    out
}

/// `int | str` for the element type of a container of unknown length.
fn type_literal(union: &Union) -> String {
    let mut names: Vec<&str> = union.values().map(Value::type_name).collect();
    names.dedup();
    names.join(" | ")
}

fn union_literal(union: &Union, depth: usize) -> String {
    union
        .values()
        .map(|value| literal(value, depth))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn class_name(class: &ClassRef) -> &str {
    class.name()
}

/// A dict key as Python source (`'port'`, `3`, `None`).
pub fn key_literal(key: &Key) -> String {
    match key {
        Key::Str(value) => string_literal(value),
        Key::Int(value) => value.to_string(),
        Key::Bool(value) => if *value { "True" } else { "False" }.to_owned(),
        Key::None => "None".to_owned(),
    }
}

fn string_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for character in value.chars() {
        match character {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}

fn float_literal(value: f64) -> String {
    if value.is_finite() && value == value.trunc() && value.abs() < 1e16 {
        format!("{value:.1}")
    } else if value.is_nan() {
        "nan".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        format!("{value}")
    }
}

fn shorten(text: String) -> String {
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
    short.push('…');
    short
}

/// A union on one line: `4 (int) | 4.1 (float)`.
pub fn render_union(union: &Union) -> String {
    let mut rendered = union
        .values()
        .map(render_value)
        .collect::<Vec<_>>()
        .join(" | ");
    if union.pruned() {
        rendered.push_str(" (pruned)");
    }
    rendered
}
