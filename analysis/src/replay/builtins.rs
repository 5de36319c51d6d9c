//! Builtin functions and the methods of builtin values (`str`, `list`, `dict`, `set`,
//! `tuple`, `int`, `float`, deques), with CPython's exceptions and messages.

use std::collections::VecDeque;
use std::rc::Rc;

use tree_sitter::Node;

use super::format::format_value;
use super::interp::{Flow, Interp, R, builtin_is_type, stop};
use super::protocol::{int_of, normalize, number};
use super::value::*;

/// Builtin names the replay models (anything else is a `NameError` only when it is not a
/// real builtin: see [`REAL_BUILTINS`]).
pub(crate) const BUILTIN_FUNCTIONS: &[&str] = &[
    "print",
    "len",
    "range",
    "enumerate",
    "zip",
    "sorted",
    "reversed",
    "min",
    "max",
    "sum",
    "abs",
    "round",
    "int",
    "float",
    "str",
    "bool",
    "list",
    "dict",
    "set",
    "frozenset",
    "tuple",
    "isinstance",
    "issubclass",
    "hasattr",
    "getattr",
    "setattr",
    "any",
    "all",
    "map",
    "filter",
    "iter",
    "next",
    "repr",
    "divmod",
    "ord",
    "chr",
    "type",
    "callable",
    "id",
    "hash",
    "format",
    "pow",
    "hex",
    "bin",
    "oct",
    "super",
    "object",
    "staticmethod",
    "classmethod",
    "property",
    "NotImplemented",
    "Ellipsis",
    "input",
    "open",
    "vars",
    "globals",
    "locals",
    "exec",
    "eval",
    "compile",
    "__import__",
    "breakpoint",
    "help",
    "dir",
    "delattr",
    "memoryview",
    "bytearray",
    "bytes",
    "complex",
    "slice",
    "ascii",
    "aiter",
    "anext",
    "exit",
    "quit",
    "license",
    "credits",
    "copyright",
    "BaseExceptionGroup",
    "ExceptionGroup",
    "EncodingWarning",
    "ResourceWarning",
    "PendingDeprecationWarning",
    "RuntimeWarning",
    "SyntaxWarning",
    "FutureWarning",
    "ImportWarning",
    "UnicodeWarning",
    "BytesWarning",
    "ProcessLookupError",
    "ChildProcessError",
    "BrokenPipeError",
    "ConnectionAbortedError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "BlockingIOError",
    "InterruptedError",
    "IndentationError",
    "TabError",
    "UnicodeTranslateError",
    "EnvironmentError",
    "IOError",
    "__build_class__",
    "__debug__",
];

fn arity<T>(
    interp: &mut Interp<'_>,
    name: &str,
    args: &[Value],
    min: usize,
    max: usize,
    node: Node<'_>,
) -> R<Option<T>> {
    if args.len() < min || args.len() > max {
        if max == min {
            return interp.error(
                node,
                "TypeError",
                format!(
                    "{name}() takes exactly {} argument{} ({} given)",
                    min,
                    super::interp::plural(min),
                    args.len()
                ),
            );
        }
        if args.len() < min {
            return interp.error(
                node,
                "TypeError",
                format!(
                    "{name} expected at least {min} argument{}, got {}",
                    super::interp::plural(min),
                    args.len()
                ),
            );
        }
        return interp.error(
            node,
            "TypeError",
            format!(
                "{name} expected at most {max} argument{}, got {}",
                super::interp::plural(max),
                args.len()
            ),
        );
    }
    Ok(None)
}

pub(crate) fn obj_id(value: &Value) -> ObjId {
    match value {
        Value::Obj(id) => *id,
        _ => u32::MAX,
    }
}

pub(crate) fn dunder_name(operator: &str) -> &'static str {
    match operator {
        "+" => "add",
        "-" => "sub",
        "*" => "mul",
        "/" => "truediv",
        "//" => "floordiv",
        "%" => "mod",
        "**" => "pow",
        "@" => "matmul",
        "&" => "and",
        "|" => "or",
        "^" => "xor",
        "<<" => "lshift",
        ">>" => "rshift",
        _ => "unknown",
    }
}

pub(crate) fn make_set(
    interp: &mut Interp<'_>,
    items: Vec<Value>,
    frozen: bool,
    node: Node<'_>,
) -> R<Value> {
    let mut set = Map::default();
    for item in items {
        let key = interp.hash_key(&item, node)?;
        set.entry(key).or_insert(item);
    }
    interp.alloc(Obj::Set(set, frozen))
}

pub(crate) fn unary(
    interp: &mut Interp<'_>,
    operator: &str,
    value: Value,
    node: Node<'_>,
) -> R<Value> {
    match (operator, &value) {
        (_, Value::Opaque) => stop("unary on an unknown value"),
        ("-", Value::Int(integer)) => integer
            .checked_neg()
            .map(Value::Int)
            .map_or_else(|| stop("overflow"), Ok),
        ("-", Value::Bool(flag)) => Ok(Value::Int(-(*flag as i64))),
        ("-", Value::Float(float)) => Ok(Value::Float(-float)),
        ("+", Value::Int(_) | Value::Float(_)) => Ok(value),
        ("+", Value::Bool(flag)) => Ok(Value::Int(*flag as i64)),
        ("~", Value::Int(integer)) => Ok(Value::Int(!integer)),
        ("~", Value::Bool(flag)) => Ok(Value::Int(!(*flag as i64))),
        _ => {
            if let Some(class) = interp.instance_class(&value) {
                let method = match operator {
                    "-" => "__neg__",
                    "+" => "__pos__",
                    _ => "__invert__",
                };
                if let Some((_, function)) = interp.class_lookup(class, method) {
                    let function = interp.bind(function, value.clone(), class)?;
                    return interp.call(&function, Vec::new(), Vec::new(), node);
                }
            }
            let name = interp.type_name(&value);
            interp.error(
                node,
                "TypeError",
                format!("bad operand type for unary {operator}: '{name}'"),
            )
        }
    }
}

fn kwarg(kwargs: &[(Rc<str>, Value)], name: &str) -> Option<Value> {
    kwargs
        .iter()
        .find(|(key, _)| key.as_ref() == name)
        .map(|(_, value)| value.clone())
}

fn only_kwargs(
    interp: &mut Interp<'_>,
    function: &str,
    kwargs: &[(Rc<str>, Value)],
    allowed: &[&str],
    node: Node<'_>,
) -> R<()> {
    for (key, _) in kwargs {
        if !allowed.contains(&key.as_ref()) {
            return interp.error(
                node,
                "TypeError",
                format!("{function}() got an unexpected keyword argument '{key}'"),
            );
        }
    }
    Ok(())
}

pub(crate) fn call_builtin(
    interp: &mut Interp<'_>,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    let takes_keywords = matches!(
        name,
        "print"
            | "sorted"
            | "min"
            | "max"
            | "enumerate"
            | "zip"
            | "sum"
            | "int"
            | "round"
            | "dict"
            | "object"
    );
    if !kwargs.is_empty() && !takes_keywords {
        return stop(format!("keyword arguments to {name}"));
    }
    match name {
        "print" => {
            only_kwargs(
                interp,
                "print",
                &kwargs,
                &["sep", "end", "file", "flush"],
                node,
            )?;
            if let Some(file) = kwarg(&kwargs, "file")
                && !matches!(file, Value::None)
                && !is_std_stream(interp, &file)
            {
                return stop("print to a file");
            }
            for arg in &args {
                // `print` calls `str()`: a user `__str__` runs (and may raise).
                if let Some(class) = interp.instance_class(arg) {
                    if interp.class_lookup(class, "__str__").is_some()
                        || interp.class_lookup(class, "__repr__").is_some()
                    {
                        interp.str_of(arg, node)?;
                    }
                } else if let Value::Obj(id) = arg
                    && matches!(interp.obj(*id), Obj::List(_) | Obj::Tuple(_) | Obj::Dict(_))
                {
                    interp.repr_of(arg, node)?;
                }
            }
            Ok(Value::None)
        }
        "len" => {
            arity::<()>(interp, "len", &args, 1, 1, node)?;
            Ok(Value::Int(interp.len_of(&args[0], node)? as i64))
        }
        "range" => {
            let mut bounds = Vec::new();
            for arg in &args {
                match int_of(arg) {
                    Some(value) => bounds.push(value),
                    None => {
                        if matches!(arg, Value::Opaque) {
                            return stop("range of an unknown value");
                        }
                        let type_name = interp.type_name(arg);
                        return interp.error(
                            node,
                            "TypeError",
                            format!("'{type_name}' object cannot be interpreted as an integer"),
                        );
                    }
                }
            }
            let (start, stop_at, step) = match bounds.as_slice() {
                [stop_at] => (0, *stop_at, 1),
                [start, stop_at] => (*start, *stop_at, 1),
                [start, stop_at, step] => (*start, *stop_at, *step),
                [] => {
                    return interp.error(
                        node,
                        "TypeError",
                        "range expected at least 1 argument, got 0",
                    );
                }
                _ => {
                    return interp.error(
                        node,
                        "TypeError",
                        format!("range expected at most 3 arguments, got {}", bounds.len()),
                    );
                }
            };
            if step == 0 {
                return interp.error(node, "ValueError", "range() arg 3 must not be zero");
            }
            interp.alloc(Obj::Range(start, stop_at, step))
        }
        "enumerate" => {
            arity::<()>(interp, "enumerate", &args, 1, 2, node)?;
            let start = match kwarg(&kwargs, "start").or_else(|| args.get(1).cloned()) {
                Some(value) => int_of(&value).map_or_else(|| stop("enumerate start"), Ok)?,
                None => 0,
            };
            let items = interp.collect(&args[0], node)?;
            let mut pairs = Vec::with_capacity(items.len());
            for (at, item) in items.into_iter().enumerate() {
                pairs.push(interp.tuple(vec![Value::Int(start + at as i64), item])?);
            }
            interp.alloc(Obj::Iterator(Iter::Items(Rc::new(pairs), 0)))
        }
        "zip" => {
            let strict =
                kwarg(&kwargs, "strict").is_some_and(|value| matches!(value, Value::Bool(true)));
            let mut columns = Vec::new();
            for arg in &args {
                columns.push(interp.collect(arg, node)?);
            }
            let length = columns.iter().map(Vec::len).min().unwrap_or(0);
            if strict && columns.iter().any(|column| column.len() != length) {
                return interp.error(
                    node,
                    "ValueError",
                    "zip() argument 2 is shorter than argument 1",
                );
            }
            let mut rows = Vec::with_capacity(length);
            for at in 0..length {
                let row: Vec<Value> = columns.iter().map(|column| column[at].clone()).collect();
                rows.push(interp.tuple(row)?);
            }
            interp.alloc(Obj::Iterator(Iter::Items(Rc::new(rows), 0)))
        }
        "sorted" => {
            arity::<()>(interp, "sorted", &args, 1, 1, node)?;
            let items = interp.collect(&args[0], node)?;
            let sorted = sort_values(
                interp,
                items,
                kwarg(&kwargs, "key"),
                kwarg(&kwargs, "reverse"),
                node,
            )?;
            interp.list(sorted)
        }
        "reversed" => {
            arity::<()>(interp, "reversed", &args, 1, 1, node)?;
            let reversible = match &args[0] {
                Value::Str(_) => true,
                Value::Obj(id) => matches!(
                    interp.obj(*id),
                    Obj::List(_)
                        | Obj::Tuple(_)
                        | Obj::Range(..)
                        | Obj::Deque(..)
                        | Obj::Dict(_)
                        | Obj::DictView(..)
                ),
                _ => false,
            };
            if !reversible {
                if let Some(class) = interp.instance_class(&args[0])
                    && (interp.class_lookup(class, "__reversed__").is_some()
                        || interp.class_lookup(class, "__len__").is_some())
                {
                    return stop("reversed on a user sequence");
                }
                let type_name = interp.type_name(&args[0]);
                return interp.error(
                    node,
                    "TypeError",
                    format!("'{type_name}' object is not reversible"),
                );
            }
            let mut items = interp.collect(&args[0], node)?;
            items.reverse();
            interp.alloc(Obj::Iterator(Iter::Items(Rc::new(items), 0)))
        }
        "min" | "max" => {
            only_kwargs(interp, name, &kwargs, &["key", "default"], node)?;
            let items = if args.len() == 1 {
                interp.collect(&args[0], node)?
            } else if args.is_empty() {
                return interp.error(
                    node,
                    "TypeError",
                    format!("{name} expected at least 1 argument, got 0"),
                );
            } else {
                args
            };
            if items.is_empty() {
                if let Some(default) = kwarg(&kwargs, "default") {
                    return Ok(default);
                }
                return interp.error(
                    node,
                    "ValueError",
                    format!("{name}() iterable argument is empty"),
                );
            }
            let key = kwarg(&kwargs, "key").filter(|key| !matches!(key, Value::None));
            let mut best = items[0].clone();
            let mut best_key = match &key {
                Some(key) => interp.call(key, vec![best.clone()], Vec::new(), node)?,
                None => best.clone(),
            };
            for item in items.into_iter().skip(1) {
                let item_key = match &key {
                    Some(key) => interp.call(key, vec![item.clone()], Vec::new(), node)?,
                    None => item.clone(),
                };
                let better = if name == "min" {
                    interp.less(&item_key, &best_key, node, "<")?
                } else {
                    interp.less(&best_key, &item_key, node, "<")?
                };
                if better {
                    best = item;
                    best_key = item_key;
                }
            }
            Ok(best)
        }
        "sum" => {
            arity::<()>(interp, "sum", &args, 1, 2, node)?;
            let mut total = kwarg(&kwargs, "start")
                .or_else(|| args.get(1).cloned())
                .unwrap_or(Value::Int(0));
            if matches!(total, Value::Str(_)) {
                return interp.error(
                    node,
                    "TypeError",
                    "sum() can't sum strings [use ''.join(seq) instead]",
                );
            }
            let items = interp.collect(&args[0], node)?;
            for item in items {
                total = interp.binary("+", total, item, node)?;
            }
            Ok(total)
        }
        "abs" => {
            arity::<()>(interp, "abs", &args, 1, 1, node)?;
            match &args[0] {
                Value::Int(value) => value
                    .checked_abs()
                    .map(Value::Int)
                    .map_or_else(|| stop("overflow"), Ok),
                Value::Bool(value) => Ok(Value::Int(*value as i64)),
                Value::Float(value) => Ok(Value::Float(value.abs())),
                Value::Opaque => stop("abs of an unknown value"),
                other => {
                    let type_name = interp.type_name(other);
                    interp.error(
                        node,
                        "TypeError",
                        format!("bad operand type for abs(): '{type_name}'"),
                    )
                }
            }
        }
        "round" => {
            arity::<()>(interp, "round", &args, 1, 2, node)?;
            let digits = match args.get(1).or(kwarg(&kwargs, "ndigits").as_ref()) {
                None | Some(Value::None) => None,
                Some(value) => Some(int_of(value).map_or_else(|| stop("round digits"), Ok)?),
            };
            match (&args[0], digits) {
                (Value::Int(value), _) => {
                    if digits.is_some_and(|digits| digits < 0) {
                        return stop("round to tens");
                    }
                    Ok(Value::Int(*value))
                }
                (Value::Bool(value), _) => Ok(Value::Int(*value as i64)),
                (Value::Float(value), None) => {
                    if !value.is_finite() {
                        return interp.error(
                            node,
                            "ValueError",
                            "cannot convert float NaN to integer",
                        );
                    }
                    Ok(Value::Int(value.round_ties_even() as i64))
                }
                (Value::Float(value), Some(digits)) => {
                    if !(0..=15).contains(&digits) {
                        return stop("round digits");
                    }
                    // Python rounds the exact binary value: formatting does the same.
                    let text = format!("{:.*}", digits as usize, value);
                    Ok(Value::Float(text.parse().unwrap_or(*value)))
                }
                (Value::Opaque, _) => stop("round of an unknown value"),
                (other, _) => {
                    let type_name = interp.type_name(other);
                    interp.error(
                        node,
                        "TypeError",
                        format!("type {type_name} doesn't define __round__ method"),
                    )
                }
            }
        }
        "int" => convert_int(interp, args, kwargs, node),
        "float" => {
            arity::<()>(interp, "float", &args, 0, 1, node)?;
            match args.first() {
                None => Ok(Value::Float(0.0)),
                Some(Value::Float(value)) => Ok(Value::Float(*value)),
                Some(value @ (Value::Int(_) | Value::Bool(_))) => {
                    Ok(Value::Float(number(value).unwrap_or(0.0)))
                }
                Some(Value::Str(text)) => {
                    let trimmed = text.trim().replace('_', "");
                    let lower = trimmed.to_ascii_lowercase();
                    let valid = !trimmed.is_empty()
                        && (trimmed
                            .chars()
                            .all(|char| char.is_ascii_digit() || "+-.eE".contains(char))
                            || matches!(
                                lower.trim_start_matches(['+', '-']),
                                "inf" | "infinity" | "nan"
                            ));
                    match trimmed.parse::<f64>() {
                        Ok(value) if valid && !text.trim().starts_with('_') => {
                            Ok(Value::Float(value))
                        }
                        _ => {
                            let shown = super::protocol::string_repr(text);
                            interp.error(
                                node,
                                "ValueError",
                                format!("could not convert string to float: {shown}"),
                            )
                        }
                    }
                }
                Some(Value::Opaque) => stop("float of an unknown value"),
                Some(other) => {
                    if interp.instance_class(other).is_some() {
                        return stop("float of an instance");
                    }
                    let type_name = interp.type_name(other);
                    interp.error(
                        node,
                        "TypeError",
                        format!(
                            "float() argument must be a string or a real number, not '{type_name}'"
                        ),
                    )
                }
            }
        }
        "str" => {
            arity::<()>(interp, "str", &args, 0, 1, node)?;
            match args.first() {
                None => Ok(Value::str("")),
                Some(value) => Ok(interp
                    .str_of(value, node)?
                    .map_or(Value::Opaque, |text| Value::str(&text))),
            }
        }
        "repr" | "ascii" => {
            arity::<()>(interp, name, &args, 1, 1, node)?;
            Ok(interp
                .repr_of(&args[0], node)?
                .map_or(Value::Opaque, |text| Value::str(&text)))
        }
        "bool" => {
            arity::<()>(interp, "bool", &args, 0, 1, node)?;
            match args.first() {
                None => Ok(Value::Bool(false)),
                Some(value) => Ok(Value::Bool(interp.truthy(value, node)?)),
            }
        }
        "list" | "tuple" => {
            arity::<()>(interp, name, &args, 0, 1, node)?;
            let items = match args.first() {
                None => Vec::new(),
                Some(value) => interp.collect(value, node)?,
            };
            if name == "list" {
                interp.list(items)
            } else {
                interp.tuple(items)
            }
        }
        "set" | "frozenset" => {
            arity::<()>(interp, name, &args, 0, 1, node)?;
            let items = match args.first() {
                None => Vec::new(),
                Some(value) => interp.collect(value, node)?,
            };
            make_set(interp, items, name == "frozenset", node)
        }
        "dict" => {
            arity::<()>(interp, "dict", &args, 0, 1, node)?;
            let mut dict = Dict::new(DictKind::Plain);
            if let Some(source) = args.first() {
                let pairs = mapping_or_pairs(interp, source, node)?;
                for (key, value) in pairs {
                    let hashed = interp.hash_key(&key, node)?;
                    dict_insert(&mut dict, hashed, key, value);
                }
            }
            for (key, value) in kwargs {
                dict_insert(&mut dict, Key::Str(key.clone()), Value::Str(key), value);
            }
            interp.alloc(Obj::Dict(dict))
        }
        "isinstance" | "issubclass" => {
            arity::<()>(interp, name, &args, 2, 2, node)?;
            let result = if name == "isinstance" {
                is_instance(interp, &args[0], &args[1], node)?
            } else {
                let Some(class) = interp.is_class(&args[0]) else {
                    return stop("issubclass of a builtin");
                };
                match interp.is_class(&args[1]) {
                    Some(ancestor) => interp.is_subclass(class, ancestor),
                    None => return stop("issubclass with a builtin"),
                }
            };
            Ok(Value::Bool(result))
        }
        "hasattr" => {
            arity::<()>(interp, "hasattr", &args, 2, 2, node)?;
            let Value::Str(attribute) = &args[1] else {
                return stop("hasattr name");
            };
            match interp.get_attr(&args[0], attribute, node) {
                Ok(_) => Ok(Value::Bool(true)),
                Err(Flow::Raise(raised)) => {
                    let attribute_error = interp.classes["AttributeError"];
                    if interp
                        .instance_class(&raised.value)
                        .is_some_and(|class| interp.is_subclass(class, attribute_error))
                    {
                        Ok(Value::Bool(false))
                    } else {
                        Err(Flow::Raise(raised))
                    }
                }
                Err(other) => Err(other),
            }
        }
        "getattr" => {
            arity::<()>(interp, "getattr", &args, 2, 3, node)?;
            let Value::Str(attribute) = &args[1] else {
                return stop("getattr name");
            };
            match interp.get_attr(&args[0], attribute, node) {
                Err(Flow::Raise(raised)) if args.len() == 3 => {
                    let attribute_error = interp.classes["AttributeError"];
                    if interp
                        .instance_class(&raised.value)
                        .is_some_and(|class| interp.is_subclass(class, attribute_error))
                    {
                        Ok(args[2].clone())
                    } else {
                        Err(Flow::Raise(raised))
                    }
                }
                other => other,
            }
        }
        "setattr" => {
            arity::<()>(interp, "setattr", &args, 3, 3, node)?;
            let Value::Str(attribute) = &args[1] else {
                return stop("setattr name");
            };
            interp.set_attr(&args[0], attribute, args[2].clone(), node)?;
            Ok(Value::None)
        }
        "any" | "all" => {
            arity::<()>(interp, name, &args, 1, 1, node)?;
            let iterator = interp.iterate(&args[0], node)?;
            while let Some(item) = interp.next_item(&iterator, node)? {
                let truth = interp.truthy(&item, node)?;
                if name == "any" && truth {
                    return Ok(Value::Bool(true));
                }
                if name == "all" && !truth {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(name == "all"))
        }
        "map" => {
            if args.len() < 2 {
                return interp.error(node, "TypeError", "map() must have at least two arguments.");
            }
            let function = args[0].clone();
            let mut columns = Vec::new();
            for arg in &args[1..] {
                columns.push(interp.collect(arg, node)?);
            }
            let length = columns.iter().map(Vec::len).min().unwrap_or(0);
            let mut results = Vec::with_capacity(length);
            for at in 0..length {
                let row: Vec<Value> = columns.iter().map(|column| column[at].clone()).collect();
                match interp.call(&function, row, Vec::new(), node) {
                    Ok(value) => results.push(value),
                    Err(flow @ (Flow::Raise(_) | Flow::Stop(_))) => {
                        let id =
                            interp.alloc_id(Obj::Iterator(Iter::Items(Rc::new(results), 0)))?;
                        return interp.pending_iterator(id, flow);
                    }
                    Err(other) => return Err(other),
                }
            }
            interp.alloc(Obj::Iterator(Iter::Items(Rc::new(results), 0)))
        }
        "filter" => {
            arity::<()>(interp, "filter", &args, 2, 2, node)?;
            let items = interp.collect(&args[1], node)?;
            let mut kept = Vec::new();
            for item in items {
                let keep = if matches!(args[0], Value::None) {
                    interp.truthy(&item, node)?
                } else {
                    match interp.call(&args[0], vec![item.clone()], Vec::new(), node) {
                        Ok(result) => interp.truthy(&result, node)?,
                        Err(flow @ (Flow::Raise(_) | Flow::Stop(_))) => {
                            let id =
                                interp.alloc_id(Obj::Iterator(Iter::Items(Rc::new(kept), 0)))?;
                            return interp.pending_iterator(id, flow);
                        }
                        Err(other) => return Err(other),
                    }
                };
                if keep {
                    kept.push(item);
                }
            }
            interp.alloc(Obj::Iterator(Iter::Items(Rc::new(kept), 0)))
        }
        "iter" => {
            arity::<()>(interp, "iter", &args, 1, 1, node)?;
            Ok(Value::Obj(interp.iterate(&args[0], node)?))
        }
        "next" => {
            arity::<()>(interp, "next", &args, 1, 2, node)?;
            let iterator = match &args[0] {
                Value::Obj(id) => match interp.obj(*id) {
                    Obj::Iterator(_) => *id,
                    Obj::Generator(..) => interp.iterate(&args[0], node)?,
                    Obj::Instance(class, _) => {
                        let class = *class;
                        if let Some((_, method)) = interp.class_lookup(class, "__next__") {
                            let method = interp.bind(method, args[0].clone(), class)?;
                            return interp.call(&method, Vec::new(), Vec::new(), node);
                        }
                        let type_name = interp.type_name(&args[0]);
                        return interp.error(
                            node,
                            "TypeError",
                            format!("'{type_name}' object is not an iterator"),
                        );
                    }
                    _ => {
                        let type_name = interp.type_name(&args[0]);
                        return interp.error(
                            node,
                            "TypeError",
                            format!("'{type_name}' object is not an iterator"),
                        );
                    }
                },
                Value::Opaque => return stop("next of an unknown value"),
                other => {
                    let type_name = interp.type_name(other);
                    return interp.error(
                        node,
                        "TypeError",
                        format!("'{type_name}' object is not an iterator"),
                    );
                }
            };
            match interp.next_item(&iterator, node)? {
                Some(item) => Ok(item),
                None => match args.get(1) {
                    Some(default) => Ok(default.clone()),
                    None => interp.raise_with_args(node, "StopIteration", Vec::new()),
                },
            }
        }
        "divmod" => {
            arity::<()>(interp, "divmod", &args, 2, 2, node)?;
            let quotient = interp.binary("//", args[0].clone(), args[1].clone(), node)?;
            let remainder = interp.binary("%", args[0].clone(), args[1].clone(), node)?;
            interp.tuple(vec![quotient, remainder])
        }
        "pow" => {
            arity::<()>(interp, "pow", &args, 2, 3, node)?;
            if args.len() == 3 {
                return stop("pow with a modulus");
            }
            interp.binary("**", args[0].clone(), args[1].clone(), node)
        }
        "ord" => {
            arity::<()>(interp, "ord", &args, 1, 1, node)?;
            match &args[0] {
                Value::Str(text) => {
                    let mut chars = text.chars();
                    match (chars.next(), chars.next()) {
                        (Some(char), None) => Ok(Value::Int(char as i64)),
                        _ => {
                            let length = text.chars().count();
                            interp.error(
                                node,
                                "TypeError",
                                format!("ord() expected a character, but string of length {length} found"),
                            )
                        }
                    }
                }
                Value::Opaque => stop("ord of an unknown value"),
                other => {
                    let type_name = interp.type_name(other);
                    interp.error(
                        node,
                        "TypeError",
                        format!("ord() expected string of length 1, but {type_name} found"),
                    )
                }
            }
        }
        "chr" => {
            arity::<()>(interp, "chr", &args, 1, 1, node)?;
            match int_of(&args[0]) {
                Some(code) => match u32::try_from(code).ok().and_then(char::from_u32) {
                    Some(char) => Ok(Value::str(&char.to_string())),
                    None => interp.error(node, "ValueError", "chr() arg not in range(0x110000)"),
                },
                None => stop("chr of a non-int"),
            }
        }
        "hex" | "bin" | "oct" => {
            arity::<()>(interp, name, &args, 1, 1, node)?;
            let Some(value) = int_of(&args[0]) else {
                return stop("hex of a non-int");
            };
            let sign = if value < 0 { "-" } else { "" };
            let magnitude = value.unsigned_abs();
            Ok(Value::str(&match name {
                "hex" => format!("{sign}0x{magnitude:x}"),
                "bin" => format!("{sign}0b{magnitude:b}"),
                _ => format!("{sign}0o{magnitude:o}"),
            }))
        }
        "type" => {
            if args.len() != 1 {
                return stop("type() with three arguments");
            }
            Ok(type_of(interp, &args[0]))
        }
        "callable" => {
            arity::<()>(interp, "callable", &args, 1, 1, node)?;
            let callable = match &args[0] {
                Value::Builtin(_) => true,
                Value::Obj(id) => match interp.obj(*id) {
                    Obj::Function(_)
                    | Obj::BoundMethod(..)
                    | Obj::BuiltinMethod(..)
                    | Obj::Class(_)
                    | Obj::Partial(..) => true,
                    Obj::Instance(class, _) => interp.class_lookup(*class, "__call__").is_some(),
                    _ => false,
                },
                Value::Opaque => return stop("callable of an unknown value"),
                _ => false,
            };
            Ok(Value::Bool(callable))
        }
        "hash" => {
            arity::<()>(interp, "hash", &args, 1, 1, node)?;
            interp.hash_key(&args[0], node)?;
            stop("hash value")
        }
        "format" => {
            arity::<()>(interp, "format", &args, 1, 2, node)?;
            let spec = match args.get(1) {
                Some(Value::Str(spec)) => spec.to_string(),
                None => String::new(),
                _ => return stop("format spec"),
            };
            if spec.is_empty() {
                return Ok(interp
                    .str_of(&args[0], node)?
                    .map_or(Value::Opaque, |text| Value::str(&text)));
            }
            Ok(format_value(interp, &args[0], &spec, node)?
                .map_or(Value::Opaque, |text| Value::str(&text)))
        }
        "super" => stop("super() with arguments"),
        "object" => {
            let object = interp.classes["object"];
            interp.instantiate(object, args, kwargs, node)
        }
        "staticmethod" => interp.alloc(Obj::StaticMethod(
            args.first().cloned().unwrap_or(Value::None),
        )),
        "classmethod" => interp.alloc(Obj::ClassMethod(
            args.first().cloned().unwrap_or(Value::None),
        )),
        "property" => {
            let getter = args.first().cloned().unwrap_or(Value::None);
            let setter = args.get(1).cloned();
            interp.alloc(Obj::Property(getter, setter))
        }
        "exit" | "quit" => interp.raise_with_args(node, "SystemExit", args),
        "input" => stop("input()"),
        _ => stop(format!("builtin {name}")),
    }
}

pub(crate) fn is_std_stream(interp: &Interp<'_>, value: &Value) -> bool {
    match value {
        Value::Obj(id) => {
            matches!(interp.obj(*id), Obj::Module(name, _) if name.as_ref() == "sys.stdout" || name.as_ref() == "sys.stderr")
        }
        _ => false,
    }
}

fn dict_insert(dict: &mut Dict, key: Key, original: Value, value: Value) {
    match dict.entries.get_mut(&key) {
        Some(entry) => entry.1 = value,
        None => {
            dict.entries.insert(key, (original, value));
        }
    }
}

/// The pairs of `dict(source)`: a mapping, or an iterable of two-item iterables.
pub(crate) fn mapping_or_pairs(
    interp: &mut Interp<'_>,
    source: &Value,
    node: Node<'_>,
) -> R<Vec<(Value, Value)>> {
    if let Value::Obj(id) = source {
        if let Obj::Dict(dict) = interp.obj(*id) {
            return Ok(dict.entries.values().cloned().collect());
        }
        if interp.instance_class(source).is_some() {
            return stop("dict() of an instance");
        }
    }
    if interp.is_iterable(source) == Some(false) {
        let type_name = interp.type_name(source);
        return interp.error(
            node,
            "TypeError",
            format!("'{type_name}' object is not iterable"),
        );
    }
    let items = interp.collect(source, node)?;
    let mut pairs = Vec::with_capacity(items.len());
    for (at, item) in items.into_iter().enumerate() {
        if interp.is_iterable(&item) == Some(false) {
            return interp.error(
                node,
                "TypeError",
                format!("cannot convert dictionary update sequence element #{at} to a sequence"),
            );
        }
        let parts = interp.collect(&item, node)?;
        if parts.len() != 2 {
            return interp.error(
                node,
                "ValueError",
                format!(
                    "dictionary update sequence element #{at} has length {}; 2 is required",
                    parts.len()
                ),
            );
        }
        let mut parts = parts.into_iter();
        let key = parts.next().expect("two parts");
        let value = parts.next().expect("two parts");
        pairs.push((key, value));
    }
    Ok(pairs)
}

fn convert_int(
    interp: &mut Interp<'_>,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    arity::<()>(interp, "int", &args, 0, 2, node)?;
    let base = match kwarg(&kwargs, "base").or_else(|| args.get(1).cloned()) {
        Some(value) => Some(int_of(&value).map_or_else(|| stop("int base"), Ok)?),
        None => None,
    };
    match args.first() {
        None => Ok(Value::Int(0)),
        Some(Value::Int(value)) if base.is_none() => Ok(Value::Int(*value)),
        Some(Value::Bool(value)) if base.is_none() => Ok(Value::Int(*value as i64)),
        Some(Value::Float(value)) if base.is_none() => {
            if value.is_nan() {
                return interp.error(node, "ValueError", "cannot convert float NaN to integer");
            }
            if value.is_infinite() {
                return interp.error(
                    node,
                    "OverflowError",
                    "cannot convert float infinity to integer",
                );
            }
            if value.abs() >= 9.0e18 {
                return stop("large int");
            }
            Ok(Value::Int(value.trunc() as i64))
        }
        Some(Value::Str(text)) => {
            let base = base.unwrap_or(10);
            if !(2..=36).contains(&base) {
                return stop("int base");
            }
            let trimmed = text.trim();
            let (negative, digits) = match trimmed.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
            };
            let valid = !digits.is_empty()
                && !digits.starts_with('_')
                && !digits.ends_with('_')
                && !digits.contains("__")
                && digits
                    .chars()
                    .all(|char| char == '_' || char.is_digit(base as u32));
            let cleaned = digits.replace('_', "");
            match (valid, i64::from_str_radix(&cleaned, base as u32)) {
                (true, Ok(value)) => Ok(Value::Int(if negative { -value } else { value })),
                (true, Err(_)) => stop("large int"),
                (false, _) => {
                    if base != 10 && digits.len() > 2 && digits.as_bytes()[0] == b'0' {
                        return stop("int with a prefixed base");
                    }
                    let shown = super::protocol::string_repr(text);
                    interp.error(
                        node,
                        "ValueError",
                        format!("invalid literal for int() with base {base}: {shown}"),
                    )
                }
            }
        }
        Some(Value::Opaque) => stop("int of an unknown value"),
        Some(other) => {
            if interp.instance_class(other).is_some() {
                return stop("int of an instance");
            }
            let type_name = interp.type_name(other);
            interp.error(
                node,
                "TypeError",
                format!("int() argument must be a string, a bytes-like object or a real number, not '{type_name}'"),
            )
        }
    }
}

pub(crate) fn type_of(interp: &Interp<'_>, value: &Value) -> Value {
    match value {
        Value::None => Value::Opaque,
        Value::Bool(_) => Value::Builtin("bool"),
        Value::Int(_) => Value::Builtin("int"),
        Value::Float(_) => Value::Builtin("float"),
        Value::Str(_) => Value::Builtin("str"),
        Value::Obj(id) => match interp.obj(*id) {
            Obj::Instance(class, _) => Value::Obj(*class),
            Obj::List(_) => Value::Builtin("list"),
            Obj::Tuple(_) => Value::Builtin("tuple"),
            Obj::Dict(dict) if dict.kind == DictKind::Plain => Value::Builtin("dict"),
            Obj::Set(_, false) => Value::Builtin("set"),
            Obj::Set(_, true) => Value::Builtin("frozenset"),
            Obj::Range(..) => Value::Builtin("range"),
            Obj::Class(_) => Value::Builtin("type"),
            _ => Value::Opaque,
        },
        _ => Value::Opaque,
    }
}

fn is_instance(interp: &mut Interp<'_>, value: &Value, class: &Value, node: Node<'_>) -> R<bool> {
    if matches!(value, Value::Opaque) {
        return stop("isinstance of an unknown value");
    }
    match class {
        Value::Builtin(name) => {
            let matches = match (*name, value) {
                ("object", _) => true,
                ("int", Value::Int(_) | Value::Bool(_)) => true,
                ("bool", Value::Bool(_)) => true,
                ("float", Value::Float(_)) => true,
                ("str", Value::Str(_)) => true,
                (_, Value::Obj(id)) => match (*name, interp.obj(*id)) {
                    ("list", Obj::List(_)) => true,
                    ("tuple", Obj::Tuple(_)) => true,
                    ("dict", Obj::Dict(_)) => true,
                    ("set", Obj::Set(_, false)) => true,
                    ("frozenset", Obj::Set(_, true)) => true,
                    ("range", Obj::Range(..)) => true,
                    ("type", Obj::Class(_)) => true,
                    ("tuple", Obj::Instance(class, _)) => interp.class(*class).namedtuple.is_some(),
                    (_, Obj::Instance(class, _)) => {
                        let class = *class;
                        if interp.class(class).enum_members.is_none() {
                            false
                        } else {
                            return stop("isinstance of an enum member");
                        }
                    }
                    _ => false,
                },
                _ => false,
            };
            if !builtin_is_type(name) {
                return stop("isinstance with a non-type");
            }
            Ok(matches)
        }
        Value::Obj(id) => match interp.obj(*id).clone() {
            Obj::Class(_) => match interp.instance_class(value) {
                Some(instance_class) => Ok(interp.is_subclass(instance_class, *id)),
                None => {
                    let name = interp.class(*id).name.clone();
                    if interp.class(*id).builtin && name.as_ref() == "object" {
                        return Ok(true);
                    }
                    Ok(false)
                }
            },
            Obj::Tuple(classes) => {
                for class in classes {
                    if is_instance(interp, value, &class, node)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => stop("isinstance with a non-class"),
        },
        Value::Opaque => stop("isinstance with an unknown class"),
        _ => interp.error(
            node,
            "TypeError",
            "isinstance() arg 2 must be a type, a tuple of types, or a union",
        ),
    }
}

/// Sorts with Python's stable sort and `<`.
pub(crate) fn sort_values(
    interp: &mut Interp<'_>,
    items: Vec<Value>,
    key: Option<Value>,
    reverse: Option<Value>,
    node: Node<'_>,
) -> R<Vec<Value>> {
    let reverse = match reverse {
        Some(value) => interp.truthy(&value, node)?,
        None => false,
    };
    let key = key.filter(|key| !matches!(key, Value::None));
    let mut keyed = Vec::with_capacity(items.len());
    for item in items {
        let sort_key = match &key {
            Some(key) => interp.call(key, vec![item.clone()], Vec::new(), node)?,
            None => item.clone(),
        };
        keyed.push((sort_key, item));
    }
    // Insertion into a merge sort would be exact; a binary insertion sort keeps the
    // comparisons fallible and the order stable.
    let mut sorted: Vec<(Value, Value)> = Vec::with_capacity(keyed.len());
    for (sort_key, item) in keyed {
        let (mut low, mut high) = (0, sorted.len());
        while low < high {
            let middle = (low + high) / 2;
            let before = if reverse {
                interp.less(&sorted[middle].0, &sort_key, node, "<")?
            } else {
                interp.less(&sort_key, &sorted[middle].0, node, "<")?
            };
            if before {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        sorted.insert(low, (sort_key, item));
        interp.step()?;
    }
    Ok(sorted.into_iter().map(|(_, item)| item).collect())
}

// ---- attributes and methods of builtin values ------------------------------------------

const COUNTER_METHODS: &[&str] = &["most_common", "elements", "subtract", "total"];
const DEQUE_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "clear",
    "copy",
    "count",
    "extend",
    "extendleft",
    "index",
    "insert",
    "maxlen",
    "pop",
    "popleft",
    "remove",
    "reverse",
    "rotate",
];

pub(crate) fn builtin_attr(
    interp: &mut Interp<'_>,
    object: &Value,
    name: &str,
    node: Node<'_>,
) -> R<Value> {
    if name.starts_with("__") {
        return stop(format!("dunder attribute {name}"));
    }
    // Builtin types answer from the analysis' table of their attributes (the same one the
    // rules use): `base` names the table's type, `extra` adds `Counter`'s and `deque`'s.
    let (base, extra): (Option<&str>, &[&str]) = match object {
        Value::Str(_) => (Some("str"), &[]),
        Value::Int(_) => (Some("int"), &[]),
        Value::Bool(_) => (Some("bool"), &[]),
        Value::Float(_) => (Some("float"), &[]),
        Value::Obj(id) => match interp.obj(*id) {
            Obj::List(_) => (Some("list"), &[]),
            Obj::Tuple(_) => (Some("tuple"), &[]),
            Obj::Set(_, false) => (Some("set"), &[]),
            Obj::Set(_, true) => (Some("frozenset"), &[]),
            Obj::Dict(dict) => match dict.kind {
                DictKind::Plain => (Some("dict"), &[]),
                DictKind::Counter => (Some("dict"), COUNTER_METHODS),
                DictKind::DefaultDict if name == "default_factory" => {
                    return Ok(dict.default_factory.clone().unwrap_or(Value::None));
                }
                _ if crate::builtins::builtin_type_has_attribute("dict", name) == Some(true) => {
                    (Some("dict"), &[])
                }
                _ => return stop(format!("{name} of a dict subclass")),
            },
            Obj::Deque(..) => (None, DEQUE_METHODS),
            Obj::Iterator(_) | Obj::Generator(..) => {
                return stop(format!("iterator attribute {name}"));
            }
            _ => return stop(format!("attribute {name} of a builtin object")),
        },
        Value::Builtin(type_name) => {
            return match (*type_name, name) {
                ("dict", "fromkeys")
                | ("str", "maketrans")
                | ("int", "from_bytes")
                | ("float", "fromhex") => {
                    interp.alloc(Obj::BuiltinMethod(object.clone(), Rc::from(name)))
                }
                _ => stop(format!("attribute {name} of a builtin")),
            };
        }
        _ => return stop(format!("attribute {name} of a builtin value")),
    };
    let known = extra.contains(&name)
        || base.is_some_and(|base| {
            crate::builtins::builtin_type_has_attribute(base, name) == Some(true)
        });
    if !known {
        let type_name = interp.type_name(object);
        return interp.error(
            node,
            "AttributeError",
            format!("'{type_name}' object has no attribute '{name}'"),
        );
    }
    match (object, name) {
        (Value::Int(value), "real" | "numerator") => return Ok(Value::Int(*value)),
        (Value::Int(_), "imag") => return Ok(Value::Int(0)),
        (Value::Int(_), "denominator") => return Ok(Value::Int(1)),
        (Value::Float(value), "real") => return Ok(Value::Float(*value)),
        _ => {}
    }
    interp.alloc(Obj::BuiltinMethod(object.clone(), Rc::from(name)))
}

fn want_str(interp: &mut Interp<'_>, value: &Value, method: &str, node: Node<'_>) -> R<Rc<str>> {
    match value {
        Value::Str(text) => Ok(text.clone()),
        Value::Opaque => stop("unknown string"),
        other => {
            let type_name = interp.type_name(other);
            let _ = method;
            interp.error(node, "TypeError", format!("must be str, not {type_name}"))
        }
    }
}

pub(crate) fn call_method(
    interp: &mut Interp<'_>,
    receiver: &Value,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    if let Some(module_function) = name.strip_prefix("module:") {
        return super::modules::call_module_function(
            interp,
            receiver,
            module_function,
            args,
            kwargs,
            node,
        );
    }
    if name == "super.__init__" {
        // `BaseException.__init__` stores its arguments; `object.__init__` takes none.
        if let Some(class) = interp.instance_class(receiver)
            && interp.is_subclass(class, interp.classes["BaseException"])
        {
            let tuple = interp.tuple(args)?;
            if let Value::Obj(id) = receiver
                && let Obj::Instance(_, attrs) = interp.obj_mut(*id)
            {
                attrs.insert(Rc::from("args"), tuple);
            }
            return Ok(Value::None);
        }
        if !args.is_empty() || !kwargs.is_empty() {
            return interp.error(
                node,
                "TypeError",
                "object.__init__() takes exactly one argument (the instance to initialize)",
            );
        }
        return Ok(Value::None);
    }
    if let Some(getter) = name.strip_prefix("property.setter:") {
        let _ = getter;
        let Value::Obj(property) = receiver else {
            return stop("property setter");
        };
        let Obj::Property(getter, _) = interp.obj(*property).clone() else {
            return stop("property setter");
        };
        return interp.alloc(Obj::Property(getter, args.first().cloned()));
    }
    if name.starts_with("awaitable:") {
        return stop("awaitable called");
    }
    // Methods that take keywords read them; for the others a keyword is not modelled.
    let takes_keywords = matches!(
        name,
        "sort" | "split" | "rsplit" | "format" | "update" | "most_common"
    );
    if !kwargs.is_empty() && !takes_keywords {
        return stop(format!("keyword arguments to {name}"));
    }
    match receiver {
        Value::Str(text) => str_method(interp, text.clone(), name, args, kwargs, node),
        Value::Builtin(type_name) => match (*type_name, name) {
            ("dict", "fromkeys") => {
                let keys = interp.collect(args.first().unwrap_or(&Value::None), node)?;
                let value = args.get(1).cloned().unwrap_or(Value::None);
                let mut dict = Dict::new(DictKind::Plain);
                for key in keys {
                    let hashed = interp.hash_key(&key, node)?;
                    dict_insert(&mut dict, hashed, key, value.clone());
                }
                interp.alloc(Obj::Dict(dict))
            }
            _ => stop(format!("{type_name}.{name}")),
        },
        Value::Obj(id) => {
            let id = *id;
            match interp.obj(id) {
                Obj::List(_) => list_method(interp, id, name, args, kwargs, node),
                Obj::Tuple(items) => {
                    let items = items.clone();
                    sequence_method(interp, &items, "tuple", name, args, node)
                }
                Obj::Dict(_) => dict_method(interp, id, name, args, kwargs, node),
                Obj::Set(..) => set_method(interp, id, name, args, node),
                Obj::Deque(..) => deque_method(interp, id, name, args, node),
                _ => stop(format!("method {name}")),
            }
        }
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => match name {
            "is_integer" => match receiver {
                Value::Float(value) => Ok(Value::Bool(value.fract() == 0.0)),
                _ => Ok(Value::Bool(true)),
            },
            "bit_length" => Ok(Value::Int(
                64 - int_of(receiver).unwrap_or(0).unsigned_abs().leading_zeros() as i64,
            )),
            _ => stop(format!("number method {name}")),
        },
        _ => stop(format!("method {name}")),
    }
}

fn str_method(
    interp: &mut Interp<'_>,
    text: Rc<str>,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    let string = |value: String| Ok(Value::str(&value));
    match name {
        "lower" => string(text.to_lowercase()),
        "upper" => string(text.to_uppercase()),
        "casefold" => string(text.to_lowercase()),
        "title" => {
            let mut out = String::new();
            let mut previous_cased = false;
            for char in text.chars() {
                if char.is_alphabetic() {
                    if previous_cased {
                        out.extend(char.to_lowercase());
                    } else {
                        out.extend(char.to_uppercase());
                    }
                    previous_cased = true;
                } else {
                    out.push(char);
                    previous_cased = false;
                }
            }
            string(out)
        }
        "capitalize" => {
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => string(
                    first
                        .to_uppercase()
                        .chain(chars.flat_map(char::to_lowercase))
                        .collect(),
                ),
                None => string(String::new()),
            }
        }
        "swapcase" => string(
            text.chars()
                .flat_map(|char| -> Vec<char> {
                    if char.is_uppercase() {
                        char.to_lowercase().collect()
                    } else {
                        char.to_uppercase().collect()
                    }
                })
                .collect(),
        ),
        "strip" | "lstrip" | "rstrip" => {
            let chars: Option<Vec<char>> = match args.first() {
                None | Some(Value::None) => None,
                Some(value) => Some(want_str(interp, value, name, node)?.chars().collect()),
            };
            let matches = |char: char| match &chars {
                None => char.is_whitespace(),
                Some(set) => set.contains(&char),
            };
            string(match name {
                "strip" => text.trim_matches(matches).to_owned(),
                "lstrip" => text.trim_start_matches(matches).to_owned(),
                _ => text.trim_end_matches(matches).to_owned(),
            })
        }
        "split" | "rsplit" => {
            let separator = match kwarg(&kwargs, "sep").or_else(|| args.first().cloned()) {
                None | Some(Value::None) => None,
                Some(value) => Some(want_str(interp, &value, name, node)?),
            };
            let limit = match kwarg(&kwargs, "maxsplit").or_else(|| args.get(1).cloned()) {
                Some(value) => int_of(&value).unwrap_or(-1),
                None => -1,
            };
            let parts: Vec<String> = match &separator {
                Some(separator) if separator.is_empty() => {
                    return interp.error(node, "ValueError", "empty separator");
                }
                Some(separator) => {
                    if limit < 0 {
                        text.split(separator.as_ref()).map(str::to_owned).collect()
                    } else if name == "split" {
                        text.splitn(limit as usize + 1, separator.as_ref())
                            .map(str::to_owned)
                            .collect()
                    } else {
                        let mut parts: Vec<String> = text
                            .rsplitn(limit as usize + 1, separator.as_ref())
                            .map(str::to_owned)
                            .collect();
                        parts.reverse();
                        parts
                    }
                }
                None => {
                    if limit >= 0 {
                        if name == "rsplit" {
                            return stop("rsplit with maxsplit");
                        }
                        let mut parts = Vec::new();
                        let mut rest = text.trim_start();
                        while !rest.is_empty() {
                            if parts.len() as i64 == limit {
                                parts.push(rest.to_owned());
                                break;
                            }
                            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                            parts.push(rest[..end].to_owned());
                            rest = rest[end..].trim_start();
                        }
                        parts
                    } else {
                        text.split_whitespace().map(str::to_owned).collect()
                    }
                }
            };
            let items = parts.into_iter().map(|part| Value::str(&part)).collect();
            interp.list(items)
        }
        "splitlines" => {
            let items = text.lines().map(Value::str).collect();
            interp.list(items)
        }
        "join" => {
            let Some(iterable) = args.first() else {
                return interp.error(
                    node,
                    "TypeError",
                    "str.join() takes exactly one argument (0 given)",
                );
            };
            let items = interp.collect(iterable, node)?;
            let mut parts = Vec::with_capacity(items.len());
            for (at, item) in items.iter().enumerate() {
                match item {
                    Value::Str(part) => parts.push(part.to_string()),
                    Value::Opaque => return Ok(Value::Opaque),
                    other => {
                        let type_name = interp.type_name(other);
                        return interp.error(
                            node,
                            "TypeError",
                            format!("sequence item {at}: expected str instance, {type_name} found"),
                        );
                    }
                }
            }
            string(parts.join(&text))
        }
        "replace" => {
            let old = want_str(interp, args.first().unwrap_or(&Value::None), name, node)?;
            let new = want_str(interp, args.get(1).unwrap_or(&Value::None), name, node)?;
            match args.get(2).and_then(int_of) {
                Some(count) if count >= 0 => {
                    string(text.replacen(old.as_ref(), &new, count as usize))
                }
                _ => string(text.replace(old.as_ref(), &new)),
            }
        }
        "startswith" | "endswith" => {
            let Some(prefix) = args.first() else {
                return stop("startswith without an argument");
            };
            if args.len() > 1 {
                return stop("startswith with bounds");
            }
            let candidates: Vec<Value> = match prefix {
                Value::Str(_) => vec![prefix.clone()],
                Value::Obj(id) if matches!(interp.obj(*id), Obj::Tuple(_)) => {
                    interp.collect(prefix, node)?
                }
                Value::Opaque => return stop("unknown prefix"),
                other => {
                    let type_name = interp.type_name(other);
                    return interp.error(
                        node,
                        "TypeError",
                        format!("{name} first arg must be str or a tuple of str, not {type_name}"),
                    );
                }
            };
            for candidate in candidates {
                let candidate = want_str(interp, &candidate, name, node)?;
                let hit = if name == "startswith" {
                    text.starts_with(candidate.as_ref())
                } else {
                    text.ends_with(candidate.as_ref())
                };
                if hit {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        "find" | "rfind" | "index" | "rindex" | "count" => {
            let needle = want_str(interp, args.first().unwrap_or(&Value::None), name, node)?;
            if args.len() > 1 {
                return stop("str search with bounds");
            }
            if name == "count" {
                if needle.is_empty() {
                    return Ok(Value::Int(text.chars().count() as i64 + 1));
                }
                return Ok(Value::Int(text.matches(needle.as_ref()).count() as i64));
            }
            let found = if name.starts_with('r') {
                text.rfind(needle.as_ref())
            } else {
                text.find(needle.as_ref())
            };
            match found {
                Some(byte) => Ok(Value::Int(text[..byte].chars().count() as i64)),
                None if name.contains("index") => {
                    interp.error(node, "ValueError", "substring not found")
                }
                None => Ok(Value::Int(-1)),
            }
        }
        "partition" | "rpartition" => {
            let separator = want_str(interp, args.first().unwrap_or(&Value::None), name, node)?;
            if separator.is_empty() {
                return interp.error(node, "ValueError", "empty separator");
            }
            let found = if name == "partition" {
                text.find(separator.as_ref())
            } else {
                text.rfind(separator.as_ref())
            };
            let parts = match found {
                Some(at) => vec![
                    Value::str(&text[..at]),
                    Value::Str(separator.clone()),
                    Value::str(&text[at + separator.len()..]),
                ],
                None if name == "partition" => {
                    vec![Value::Str(text.clone()), Value::str(""), Value::str("")]
                }
                None => vec![Value::str(""), Value::str(""), Value::Str(text.clone())],
            };
            interp.tuple(parts)
        }
        "isdigit" | "isdecimal" | "isnumeric" => Ok(Value::Bool(
            !text.is_empty() && text.chars().all(|char| char.is_ascii_digit()),
        ))
        .and_then(|value| {
            if text.is_ascii() {
                Ok(value)
            } else {
                stop("non-ASCII digit test")
            }
        }),
        "isalpha" => Ok(Value::Bool(
            !text.is_empty() && text.chars().all(char::is_alphabetic),
        )),
        "isalnum" => Ok(Value::Bool(
            !text.is_empty() && text.chars().all(char::is_alphanumeric),
        )),
        "isspace" => Ok(Value::Bool(
            !text.is_empty() && text.chars().all(char::is_whitespace),
        )),
        "isupper" => Ok(Value::Bool(
            text.chars().any(char::is_uppercase) && !text.chars().any(char::is_lowercase),
        )),
        "islower" => Ok(Value::Bool(
            text.chars().any(char::is_lowercase) && !text.chars().any(char::is_uppercase),
        )),
        "isidentifier" => Ok(Value::Bool(crate::resolve::is_python_identifier(&text))),
        "isascii" => Ok(Value::Bool(text.is_ascii())),
        "zfill" => {
            let width = int_of(args.first().unwrap_or(&Value::None))
                .unwrap_or(0)
                .max(0) as usize;
            let length = text.chars().count();
            if length >= width {
                return Ok(Value::Str(text));
            }
            let (sign, digits) = match text.strip_prefix(['-', '+']) {
                Some(rest) => (&text[..1], rest),
                None => ("", text.as_ref()),
            };
            string(format!("{sign}{}{digits}", "0".repeat(width - length)))
        }
        "ljust" | "rjust" | "center" => {
            let width = int_of(args.first().unwrap_or(&Value::None))
                .unwrap_or(0)
                .max(0) as usize;
            let fill = match args.get(1) {
                Some(Value::Str(fill)) if fill.chars().count() == 1 => {
                    fill.chars().next().unwrap_or(' ')
                }
                Some(_) => return stop("fill character"),
                None => ' ',
            };
            let length = text.chars().count();
            if length >= width {
                return Ok(Value::Str(text));
            }
            let missing = width - length;
            let filler = |count: usize| std::iter::repeat_n(fill, count).collect::<String>();
            string(match name {
                "ljust" => format!("{text}{}", filler(missing)),
                "rjust" => format!("{}{text}", filler(missing)),
                _ => {
                    // CPython puts the odd extra fill on the left when the width is odd.
                    let left = missing / 2 + (missing & width & 1);
                    format!("{}{text}{}", filler(left), filler(missing - left))
                }
            })
        }
        "removeprefix" => {
            let prefix = want_str(interp, args.first().unwrap_or(&Value::None), name, node)?;
            string(
                text.strip_prefix(prefix.as_ref())
                    .unwrap_or(&text)
                    .to_owned(),
            )
        }
        "removesuffix" => {
            let suffix = want_str(interp, args.first().unwrap_or(&Value::None), name, node)?;
            string(
                text.strip_suffix(suffix.as_ref())
                    .unwrap_or(&text)
                    .to_owned(),
            )
        }
        "format" => str_format(interp, &text, args, kwargs, node),
        "encode" => stop("bytes"),
        _ => stop(format!("str.{name}")),
    }
}

/// `"{} {name:>5}".format(...)`.
fn str_format(
    interp: &mut Interp<'_>,
    text: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    let mut automatic = 0;
    let mut opaque = false;
    while let Some(char) = chars.next() {
        match char {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                let mut depth = 1;
                for next in chars.by_ref() {
                    match next {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    field.push(next);
                }
                if depth != 0 {
                    return interp.error(node, "ValueError", "expected '}' before end of string");
                }
                let (field, spec) = match field.split_once(':') {
                    Some((field, spec)) => (field.to_owned(), spec.to_owned()),
                    None => (field, String::new()),
                };
                if spec.contains('{') {
                    return stop("nested format spec");
                }
                let (field, conversion) = match field.split_once('!') {
                    Some((field, conversion)) => (field.to_owned(), Some(conversion.to_owned())),
                    None => (field, None),
                };
                if field.contains('.') || field.contains('[') {
                    return stop("format field with attribute or index");
                }
                let value = if field.is_empty() {
                    let value = args.get(automatic).cloned();
                    automatic += 1;
                    match value {
                        Some(value) => value,
                        None => {
                            return interp.error(
                                node,
                                "IndexError",
                                format!(
                                    "Replacement index {} out of range for positional args tuple",
                                    automatic - 1
                                ),
                            );
                        }
                    }
                } else if let Ok(position) = field.parse::<usize>() {
                    match args.get(position) {
                        Some(value) => value.clone(),
                        None => {
                            return interp.error(
                                node,
                                "IndexError",
                                format!("Replacement index {position} out of range for positional args tuple"),
                            );
                        }
                    }
                } else {
                    match kwarg(&kwargs, &field) {
                        Some(value) => value,
                        None => {
                            return interp.raise_with_args(
                                node,
                                "KeyError",
                                vec![Value::str(&field)],
                            );
                        }
                    }
                };
                let value = match conversion.as_deref() {
                    Some("r") => interp
                        .repr_of(&value, node)?
                        .map_or(Value::Opaque, |text| Value::str(&text)),
                    Some("s") => interp
                        .str_of(&value, node)?
                        .map_or(Value::Opaque, |text| Value::str(&text)),
                    Some(_) => return stop("format conversion"),
                    None => value,
                };
                let rendered = if spec.is_empty() {
                    interp.str_of(&value, node)?
                } else {
                    format_value(interp, &value, &spec, node)?
                };
                match rendered {
                    Some(text) => out.push_str(&text),
                    None => opaque = true,
                }
            }
            '}' => {
                return interp.error(
                    node,
                    "ValueError",
                    "Single '}' encountered in format string",
                );
            }
            _ => out.push(char),
        }
    }
    if opaque {
        return Ok(Value::Opaque);
    }
    Ok(Value::str(&out))
}

fn sequence_method(
    interp: &mut Interp<'_>,
    items: &[Value],
    kind: &str,
    name: &str,
    args: Vec<Value>,
    node: Node<'_>,
) -> R<Value> {
    match name {
        "count" => {
            let target = args.first().cloned().unwrap_or(Value::None);
            let mut count = 0;
            for item in items {
                if interp.equal(item, &target, node)? {
                    count += 1;
                }
            }
            Ok(Value::Int(count))
        }
        "index" => {
            let Some(target) = args.first().cloned() else {
                return interp.error(
                    node,
                    "TypeError",
                    "index expected at least 1 argument, got 0",
                );
            };
            if args.len() > 1 {
                return stop("index with bounds");
            }
            for (at, item) in items.iter().enumerate() {
                if super::protocol::identical(item, &target) || interp.equal(item, &target, node)? {
                    return Ok(Value::Int(at as i64));
                }
            }
            let message = if kind == "list" {
                match interp.repr_of(&target, node)? {
                    Some(text) => format!("{text} is not in list"),
                    None => return stop("message of list.index"),
                }
            } else {
                "tuple.index(x): x not in tuple".to_owned()
            };
            interp.error(node, "ValueError", message)
        }
        _ => stop(format!("{kind}.{name}")),
    }
}

fn list_method(
    interp: &mut Interp<'_>,
    id: ObjId,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    let items = match interp.obj(id) {
        Obj::List(items) => items.clone(),
        _ => return stop("list"),
    };
    let with_list = |interp: &mut Interp<'_>, change: &mut dyn FnMut(&mut Vec<Value>)| {
        if let Obj::List(list) = interp.obj_mut(id) {
            change(list);
        }
    };
    match name {
        "append" => {
            arity::<()>(interp, "list.append", &args, 1, 1, node)?;
            let item = args[0].clone();
            with_list(interp, &mut |list| list.push(item.clone()));
            if items.len() > 5_000_000 {
                return stop("list too long");
            }
            Ok(Value::None)
        }
        "extend" => {
            arity::<()>(interp, "list.extend", &args, 1, 1, node)?;
            let extra = interp.collect(&args[0], node)?;
            with_list(interp, &mut |list| list.extend(extra.iter().cloned()));
            Ok(Value::None)
        }
        "insert" => {
            arity::<()>(interp, "list.insert", &args, 2, 2, node)?;
            let Some(position) = int_of(&args[0]) else {
                return stop("insert position");
            };
            let length = items.len() as i64;
            let at = if position < 0 {
                (position + length).max(0)
            } else {
                position.min(length)
            } as usize;
            let item = args[1].clone();
            with_list(interp, &mut |list| list.insert(at, item.clone()));
            Ok(Value::None)
        }
        "pop" => {
            arity::<()>(interp, "pop", &args, 0, 1, node)?;
            if items.is_empty() {
                return interp.error(node, "IndexError", "pop from empty list");
            }
            let position = match args.first() {
                Some(value) => int_of(value).map_or_else(|| stop("pop index"), Ok)?,
                None => -1,
            };
            match normalize(position, items.len()) {
                Some(at) => {
                    let mut popped = Value::None;
                    with_list(interp, &mut |list| popped = list.remove(at));
                    Ok(popped)
                }
                None => interp.error(node, "IndexError", "pop index out of range"),
            }
        }
        "remove" => {
            arity::<()>(interp, "list.remove", &args, 1, 1, node)?;
            for (at, item) in items.iter().enumerate() {
                if super::protocol::identical(item, &args[0])
                    || interp.equal(item, &args[0], node)?
                {
                    with_list(interp, &mut |list| {
                        list.remove(at);
                    });
                    return Ok(Value::None);
                }
            }
            interp.error(node, "ValueError", "list.remove(x): x not in list")
        }
        "clear" => {
            with_list(interp, &mut |list| list.clear());
            Ok(Value::None)
        }
        "copy" => interp.list(items),
        "reverse" => {
            with_list(interp, &mut |list| list.reverse());
            Ok(Value::None)
        }
        "sort" => {
            only_kwargs(interp, "sort", &kwargs, &["key", "reverse"], node)?;
            if !args.is_empty() {
                return interp.error(node, "TypeError", "sort() takes no positional arguments");
            }
            let sorted = sort_values(
                interp,
                items,
                kwarg(&kwargs, "key"),
                kwarg(&kwargs, "reverse"),
                node,
            )?;
            with_list(interp, &mut |list| *list = sorted.clone());
            Ok(Value::None)
        }
        "count" | "index" => sequence_method(interp, &items, "list", name, args, node),
        _ => stop(format!("list.{name}")),
    }
}

fn dict_method(
    interp: &mut Interp<'_>,
    id: ObjId,
    name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    let Obj::Dict(dict) = interp.obj(id).clone() else {
        return stop("dict");
    };
    match name {
        "get" => {
            arity::<()>(interp, "get", &args, 1, 2, node)?;
            let key = interp.hash_key(&args[0], node)?;
            Ok(match dict.entries.get(&key) {
                Some((_, value)) => value.clone(),
                None => args.get(1).cloned().unwrap_or(Value::None),
            })
        }
        "keys" => interp.alloc(Obj::DictView(id, 0)),
        "values" => interp.alloc(Obj::DictView(id, 1)),
        "items" => interp.alloc(Obj::DictView(id, 2)),
        "setdefault" => {
            arity::<()>(interp, "setdefault", &args, 1, 2, node)?;
            let key = interp.hash_key(&args[0], node)?;
            if let Some((_, value)) = dict.entries.get(&key) {
                return Ok(value.clone());
            }
            let value = args.get(1).cloned().unwrap_or(Value::None);
            if let Obj::Dict(dict) = interp.obj_mut(id) {
                dict.entries.insert(key, (args[0].clone(), value.clone()));
            }
            Ok(value)
        }
        "pop" => {
            arity::<()>(interp, "pop", &args, 1, 2, node)?;
            let key = interp.hash_key(&args[0], node)?;
            let removed = match interp.obj_mut(id) {
                Obj::Dict(dict) => dict.entries.shift_remove(&key),
                _ => None,
            };
            match removed {
                Some((_, value)) => Ok(value),
                None => match args.get(1) {
                    Some(default) => Ok(default.clone()),
                    None => interp.raise_with_args(node, "KeyError", vec![args[0].clone()]),
                },
            }
        }
        "popitem" => {
            let popped = match interp.obj_mut(id) {
                Obj::Dict(dict) => dict.entries.pop(),
                _ => None,
            };
            match popped {
                Some((_, (key, value))) => interp.tuple(vec![key, value]),
                None => interp.error(node, "KeyError", "popitem(): dictionary is empty"),
            }
        }
        "update" => {
            let mut pairs = Vec::new();
            if let Some(source) = args.first() {
                pairs = mapping_or_pairs(interp, source, node)?;
            }
            for (key, value) in kwargs {
                pairs.push((Value::Str(key), value));
            }
            let counter = dict.kind == DictKind::Counter;
            if counter
                && args
                    .first()
                    .is_some_and(|source| !matches!(interp.obj(obj_id(source)), Obj::Dict(_)))
            {
                // `Counter.update(iterable)` counts.
                let items = interp.collect(&args[0], node)?;
                return counter_add(interp, id, items, node);
            }
            for (key, value) in pairs {
                let hashed = interp.hash_key(&key, node)?;
                let value = if counter {
                    let current = dict
                        .entries
                        .get(&hashed)
                        .map(|entry| entry.1.clone())
                        .unwrap_or(Value::Int(0));
                    interp.binary("+", current, value, node)?
                } else {
                    value
                };
                if let Obj::Dict(dict) = interp.obj_mut(id) {
                    dict_insert(dict, hashed, key, value);
                }
            }
            Ok(Value::None)
        }
        "clear" => {
            if let Obj::Dict(dict) = interp.obj_mut(id) {
                dict.entries.clear();
            }
            Ok(Value::None)
        }
        "copy" => {
            let mut copy = dict.clone();
            if copy.kind == DictKind::DefaultDict {
                copy.kind = DictKind::DefaultDict;
            }
            interp.alloc(Obj::Dict(copy))
        }
        "most_common" => {
            let mut entries: Vec<(Value, Value)> = dict.entries.values().cloned().collect();
            let mut sorted: Vec<(Value, Value)> = Vec::new();
            // Stable by count, descending, as `sorted(..., key=count, reverse=True)`.
            for entry in entries.drain(..) {
                let mut at = sorted.len();
                while at > 0 && interp.less(&sorted[at - 1].1, &entry.1, node, "<")? {
                    at -= 1;
                }
                sorted.insert(at, entry);
            }
            if let Some(limit) = args.first().and_then(int_of) {
                sorted.truncate(limit.max(0) as usize);
            }
            let mut pairs = Vec::new();
            for (key, value) in sorted {
                pairs.push(interp.tuple(vec![key, value])?);
            }
            interp.list(pairs)
        }
        "total" => {
            let mut total = Value::Int(0);
            for (_, value) in dict.entries.values() {
                total = interp.binary("+", total, value.clone(), node)?;
            }
            Ok(total)
        }
        "subtract" => {
            let Some(source) = args.first() else {
                return Ok(Value::None);
            };
            let pairs = match interp.obj(obj_id(source)) {
                Obj::Dict(_) => mapping_or_pairs(interp, source, node)?,
                _ => {
                    let items = interp.collect(source, node)?;
                    items
                        .into_iter()
                        .map(|item| (item, Value::Int(1)))
                        .collect()
                }
            };
            for (key, value) in pairs {
                let hashed = interp.hash_key(&key, node)?;
                let current = match interp.obj(id) {
                    Obj::Dict(dict) => dict
                        .entries
                        .get(&hashed)
                        .map(|entry| entry.1.clone())
                        .unwrap_or(Value::Int(0)),
                    _ => Value::Int(0),
                };
                let value = interp.binary("-", current, value, node)?;
                if let Obj::Dict(dict) = interp.obj_mut(id) {
                    dict_insert(dict, hashed, key, value);
                }
            }
            Ok(Value::None)
        }
        _ => stop(format!("dict.{name}")),
    }
}

pub(crate) fn counter_add(
    interp: &mut Interp<'_>,
    id: ObjId,
    items: Vec<Value>,
    node: Node<'_>,
) -> R<Value> {
    for item in items {
        let hashed = interp.hash_key(&item, node)?;
        if let Obj::Dict(dict) = interp.obj_mut(id) {
            let current = dict
                .entries
                .get(&hashed)
                .and_then(|entry| int_of(&entry.1))
                .unwrap_or(0);
            dict_insert(dict, hashed, item, Value::Int(current + 1));
        }
    }
    Ok(Value::None)
}

fn set_method(
    interp: &mut Interp<'_>,
    id: ObjId,
    name: &str,
    args: Vec<Value>,
    node: Node<'_>,
) -> R<Value> {
    let Obj::Set(items, frozen) = interp.obj(id).clone() else {
        return stop("set");
    };
    let mutating = matches!(
        name,
        "add"
            | "discard"
            | "remove"
            | "pop"
            | "clear"
            | "update"
            | "difference_update"
            | "intersection_update"
            | "symmetric_difference_update"
    );
    if frozen && mutating {
        return interp.error(
            node,
            "AttributeError",
            format!("'frozenset' object has no attribute '{name}'"),
        );
    }
    let with_set = |interp: &mut Interp<'_>, change: &mut dyn FnMut(&mut Map<Key, Value>)| {
        if let Obj::Set(set, _) = interp.obj_mut(id) {
            change(set);
        }
    };
    match name {
        "add" => {
            arity::<()>(interp, "set.add", &args, 1, 1, node)?;
            let key = interp.hash_key(&args[0], node)?;
            let item = args[0].clone();
            with_set(interp, &mut |set| {
                set.entry(key.clone()).or_insert(item.clone());
            });
            Ok(Value::None)
        }
        "discard" | "remove" => {
            arity::<()>(interp, name, &args, 1, 1, node)?;
            let key = interp.hash_key(&args[0], node)?;
            if name == "remove" && !items.contains_key(&key) {
                return interp.raise_with_args(node, "KeyError", vec![args[0].clone()]);
            }
            with_set(interp, &mut |set| {
                set.shift_remove(&key);
            });
            Ok(Value::None)
        }
        "pop" => {
            if items.is_empty() {
                return interp.error(node, "KeyError", "pop from an empty set");
            }
            stop("set.pop order")
        }
        "clear" => {
            with_set(interp, &mut |set| set.clear());
            Ok(Value::None)
        }
        "update"
        | "union"
        | "difference"
        | "intersection"
        | "symmetric_difference"
        | "difference_update"
        | "intersection_update"
        | "symmetric_difference_update" => {
            let mut result = Value::Obj(id);
            let operator = match name.trim_end_matches("_update") {
                "update" | "union" => "|",
                "difference" => "-",
                "intersection" => "&",
                _ => "^",
            };
            for arg in args {
                let other_items = interp.collect(&arg, node)?;
                let other = make_set(interp, other_items, false, node)?;
                result = interp.binary(operator, result, other, node)?;
            }
            if name.ends_with("update") {
                let new = interp.obj(obj_id(&result)).clone();
                if let (Obj::Set(new, _), Obj::Set(set, _)) = (new, interp.obj_mut(id)) {
                    *set = new;
                }
                return Ok(Value::None);
            }
            if matches!(result, Value::Obj(result_id) if result_id == id) {
                return interp.alloc(Obj::Set(items, frozen));
            }
            Ok(result)
        }
        "issubset" | "issuperset" | "isdisjoint" => {
            let other_items = interp.collect(args.first().unwrap_or(&Value::None), node)?;
            let mut other = Map::default();
            for item in other_items {
                let key = interp.hash_key(&item, node)?;
                other.insert(key, item);
            }
            Ok(Value::Bool(match name {
                "issubset" => items.keys().all(|key| other.contains_key(key)),
                "issuperset" => other.keys().all(|key| items.contains_key(key)),
                _ => !items.keys().any(|key| other.contains_key(key)),
            }))
        }
        "copy" => interp.alloc(Obj::Set(items, frozen)),
        _ => stop(format!("set.{name}")),
    }
}

fn deque_method(
    interp: &mut Interp<'_>,
    id: ObjId,
    name: &str,
    args: Vec<Value>,
    node: Node<'_>,
) -> R<Value> {
    let Obj::Deque(items, maxlen) = interp.obj(id).clone() else {
        return stop("deque");
    };
    let with_deque = |interp: &mut Interp<'_>, change: &mut dyn FnMut(&mut VecDeque<Value>)| {
        if let Obj::Deque(deque, maxlen) = interp.obj_mut(id) {
            change(deque);
            let _ = maxlen;
        }
    };
    match name {
        "append" | "appendleft" => {
            arity::<()>(interp, name, &args, 1, 1, node)?;
            let item = args[0].clone();
            let left = name == "appendleft";
            with_deque(interp, &mut |deque| {
                if left {
                    deque.push_front(item.clone());
                    if maxlen.is_some_and(|limit| deque.len() > limit) {
                        deque.pop_back();
                    }
                } else {
                    deque.push_back(item.clone());
                    if maxlen.is_some_and(|limit| deque.len() > limit) {
                        deque.pop_front();
                    }
                }
            });
            Ok(Value::None)
        }
        "extend" => {
            let extra = interp.collect(args.first().unwrap_or(&Value::None), node)?;
            with_deque(interp, &mut |deque| {
                for item in &extra {
                    deque.push_back(item.clone());
                    if maxlen.is_some_and(|limit| deque.len() > limit) {
                        deque.pop_front();
                    }
                }
            });
            Ok(Value::None)
        }
        "pop" | "popleft" => {
            if items.is_empty() {
                return interp.error(node, "IndexError", "pop from an empty deque".to_string());
            }
            let left = name == "popleft";
            let mut popped = Value::None;
            with_deque(interp, &mut |deque| {
                popped = if left {
                    deque.pop_front()
                } else {
                    deque.pop_back()
                }
                .unwrap_or(Value::None);
            });
            Ok(popped)
        }
        "clear" => {
            with_deque(interp, &mut |deque| deque.clear());
            Ok(Value::None)
        }
        "rotate" => {
            let steps = args.first().and_then(int_of).unwrap_or(1);
            with_deque(interp, &mut |deque| {
                if deque.is_empty() {
                    return;
                }
                let length = deque.len() as i64;
                let steps = steps.rem_euclid(length) as usize;
                deque.rotate_right(steps);
            });
            Ok(Value::None)
        }
        "remove" => {
            let target = args.first().cloned().unwrap_or(Value::None);
            for (at, item) in items.iter().enumerate() {
                if interp.equal(item, &target, node)? {
                    with_deque(interp, &mut |deque| {
                        deque.remove(at);
                    });
                    return Ok(Value::None);
                }
            }
            interp.error(node, "ValueError", "deque.remove(x): x not in deque")
        }
        "count" | "index" => {
            let items: Vec<Value> = items.into_iter().collect();
            sequence_method(interp, &items, "deque", name, args, node)
        }
        _ => stop(format!("deque.{name}")),
    }
}
