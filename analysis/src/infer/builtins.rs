//! The builtins model: what builtin names are, what calling them returns, what their
//! methods return, and which calls may raise.

use smol_str::SmolStr;

use crate::builtins::{BuiltinKind, builtin};
use crate::values::{ClassRef, DictValue, Items, Union, Value};

/// The value a builtin name stands for.
pub fn builtin_value(name: &str) -> Option<Value> {
    Some(match builtin(name)? {
        BuiltinKind::Class | BuiltinKind::Exception => Value::Class(ClassRef::builtin(name)),
        BuiltinKind::Function => Value::BuiltinFunction(SmolStr::new(name)),
        BuiltinKind::Constant => match name {
            "True" => Value::Bool(Some(true)),
            "False" => Value::Bool(Some(false)),
            "None" => Value::None,
            "__name__" | "__file__" | "__doc__" | "__package__" => Value::Str(None),
            "__debug__" => Value::Bool(Some(true)),
            _ => Value::Unknown,
        },
    })
}

/// The arguments of a call, evaluated.
#[derive(Clone)]
pub struct Arguments {
    pub positional: Vec<Union>,
    pub keywords: Vec<(SmolStr, Union)>,
    /// `*args` or `**kwargs` was passed: counts are unknown.
    pub has_unpacking: bool,
}

impl Arguments {
    fn first(&self) -> Option<&Union> {
        self.positional.first()
    }

    fn first_single(&self) -> Option<&Value> {
        self.first().and_then(Union::single)
    }
}

/// The result of calling builtin class `name` (a constructor), and the exceptions the
/// call may raise given the argument values.
pub fn construct(name: &str, arguments: &Arguments) -> (Value, Vec<&'static str>) {
    let first = arguments.first_single();
    match name {
        "int" => match first {
            None if arguments.positional.is_empty() => (Value::Int(Some(0)), Vec::new()),
            Some(Value::Int(value)) => (Value::Int(*value), Vec::new()),
            Some(Value::Bool(value)) => (Value::Int(value.map(i64::from)), Vec::new()),
            Some(Value::Float(Some(bits))) => {
                let value = f64::from_bits(*bits);
                if value.is_finite() {
                    (Value::Int(Some(value.trunc() as i64)), Vec::new())
                } else {
                    (Value::Int(None), vec!["OverflowError", "ValueError"])
                }
            }
            Some(Value::Str(Some(text))) => match text.trim().replace('_', "").parse::<i64>() {
                Ok(value) if arguments.positional.len() == 1 => {
                    (Value::Int(Some(value)), Vec::new())
                }
                _ if arguments.positional.len() == 1 => (Value::Int(None), vec!["ValueError"]),
                _ => (Value::Int(None), vec!["ValueError"]),
            },
            Some(Value::Str(None)) => (Value::Int(None), vec!["ValueError"]),
            Some(Value::None) => (Value::Int(None), vec!["TypeError"]),
            _ => (Value::Int(None), Vec::new()),
        },
        "float" => match first {
            None if arguments.positional.is_empty() => (Value::float(0.0), Vec::new()),
            Some(Value::Int(Some(value))) => (Value::float(*value as f64), Vec::new()),
            Some(Value::Float(value)) => (Value::Float(*value), Vec::new()),
            Some(Value::Str(Some(text))) => match text.trim().parse::<f64>() {
                Ok(value) => (Value::float(value), Vec::new()),
                Err(_) => (Value::Float(None), vec!["ValueError"]),
            },
            Some(Value::Str(None)) => (Value::Float(None), vec!["ValueError"]),
            Some(Value::None) => (Value::Float(None), vec!["TypeError"]),
            _ => (Value::Float(None), Vec::new()),
        },
        "str" => match first {
            None if arguments.positional.is_empty() => {
                (Value::Str(Some(SmolStr::default())), Vec::new())
            }
            Some(Value::Str(value)) => (Value::Str(value.clone()), Vec::new()),
            Some(Value::Int(Some(value))) => (
                Value::Str(Some(SmolStr::new(value.to_string()))),
                Vec::new(),
            ),
            Some(Value::Bool(Some(value))) => (
                Value::Str(Some(SmolStr::new(if *value { "True" } else { "False" }))),
                Vec::new(),
            ),
            Some(Value::None) => (Value::Str(Some(SmolStr::new("None"))), Vec::new()),
            _ => (Value::Str(None), Vec::new()),
        },
        "bool" => match first {
            None if arguments.positional.is_empty() => (Value::Bool(Some(false)), Vec::new()),
            Some(value) => (Value::Bool(value.truthiness()), Vec::new()),
            None => (Value::Bool(None), Vec::new()),
        },
        "list" | "tuple" | "set" | "frozenset" => {
            let element = arguments.first().map(element_of);
            let items = match (first, name) {
                (None, _) if arguments.positional.is_empty() => Items::exact(Vec::new()),
                (Some(Value::List(items) | Value::Tuple(items)), "list" | "tuple") => items.clone(),
                _ => Items::of(element.flatten()),
            };
            let value = match name {
                "list" => Value::List(items),
                "tuple" => Value::Tuple(items),
                _ => Value::Set(items),
            };
            (value, Vec::new())
        }
        "dict" => {
            let entries = arguments
                .keywords
                .iter()
                .map(|(key, value)| (crate::values::Key::Str(key.clone()), value.clone()))
                .collect();
            let open = !arguments.positional.is_empty() || arguments.has_unpacking;
            match first {
                Some(Value::Dict(dict))
                    if arguments.positional.len() == 1 && arguments.keywords.is_empty() =>
                {
                    (Value::Dict(dict.clone()), Vec::new())
                }
                _ => (
                    Value::Dict(Box::new(DictValue { entries, open })),
                    Vec::new(),
                ),
            }
        }
        "bytes" => (Value::Bytes, Vec::new()),
        // Mutable, with list-like methods `bytes` lacks (`clear`, `extend`).
        "bytearray" => (
            Value::Instance(ClassRef::builtin("bytearray"), None),
            Vec::new(),
        ),
        "complex" => (Value::Complex, Vec::new()),
        "type" if arguments.positional.len() == 1 => match first {
            Some(Value::Instance(class, ..)) => (Value::Class(class.clone()), Vec::new()),
            Some(value) if !matches!(value, Value::Unknown) => (
                Value::Class(ClassRef::builtin(value.type_name())),
                Vec::new(),
            ),
            _ => (Value::Unknown, Vec::new()),
        },
        // `type(name, bases, namespace)` makes a class whose attributes are not known.
        "type" => (Value::Unknown, Vec::new()),
        // Iterator classes modelled by what they produce.
        "enumerate" | "zip" => {
            let (result, raises) = call(name, arguments);
            match result.single() {
                Some(value) => (value.clone(), raises),
                None => (Value::Instance(ClassRef::builtin(name), None), raises),
            }
        }
        _ => (Value::Instance(ClassRef::builtin(name), None), Vec::new()),
    }
}

/// The result of calling builtin function `name`, and exceptions it may raise.
pub fn call(name: &str, arguments: &Arguments) -> (Union, Vec<&'static str>) {
    let first = arguments.first_single();
    let value = match name {
        "len" => {
            // One length per member: `len()` of `[1, 2] | []` is `2 | 0`.
            let length_of = |value: &Value| match value {
                Value::Str(Some(text)) => Some(text.chars().count() as i64),
                Value::List(items) | Value::Tuple(items) | Value::Set(items) if items.exact => {
                    Some(items.items.len() as i64)
                }
                Value::Dict(dict) if !dict.open => Some(dict.entries.len() as i64),
                _ => None,
            };
            let Some(argument) = arguments.first() else {
                return (Union::new(Value::Int(None), None), vec!["TypeError"]);
            };
            let raises = if argument.values().any(|value| {
                matches!(
                    value,
                    Value::Int(_) | Value::Float(_) | Value::None | Value::Bool(_)
                )
            }) {
                vec!["TypeError"]
            } else {
                Vec::new()
            };
            let lengths = Union::join_all(argument.members().iter().map(|member| {
                // A known length comes from where the container was built.
                let length = length_of(&member.value);
                let origin = length.and(member.origins.first().copied());
                Union::new(Value::Int(length), origin)
            }))
            .unwrap_or_else(|| Union::new(Value::Int(None), None));
            return (lengths, raises);
        }
        "abs" => match first {
            Some(Value::Int(value)) => Value::Int(value.map(i64::wrapping_abs)),
            Some(Value::Float(value)) => {
                Value::Float(value.map(|bits| f64::from_bits(bits).abs().to_bits()))
            }
            _ => Value::Unknown,
        },
        "round" => match (first, arguments.positional.len()) {
            (Some(Value::Float(Some(bits))), 1) => {
                Value::Int(Some(f64::from_bits(*bits).round_ties_even() as i64))
            }
            (Some(Value::Int(value)), 1) => Value::Int(*value),
            (_, 1) => Value::Int(None),
            _ => Value::Float(None),
        },
        // `sum(lists, [])` concatenates: the start value says what comes out.
        "sum" => match arguments.positional.get(1).or_else(|| {
            arguments
                .keywords
                .iter()
                .find(|(name, _)| name == "start")
                .map(|(_, value)| value)
        }) {
            None => Value::Int(None),
            Some(start) => match start.single() {
                Some(Value::Int(_) | Value::Bool(_)) => Value::Int(None),
                Some(Value::Float(_)) => Value::Float(None),
                Some(Value::List(items)) => Value::List(Items::of(items.element())),
                Some(Value::Tuple(items)) => Value::Tuple(Items::of(items.element())),
                _ => Value::Unknown,
            },
        },
        "min" | "max" => {
            return match arguments.positional.as_slice() {
                [only] => (
                    element_of(only).unwrap_or_else(Union::unknown),
                    vec!["ValueError"],
                ),
                many if !many.is_empty() => (
                    Union::join_all(many.iter().cloned()).unwrap_or_else(Union::unknown),
                    Vec::new(),
                ),
                _ => (Union::unknown(), vec!["TypeError"]),
            };
        }
        "sorted" => Value::List(Items::of(arguments.first().and_then(element_of))),
        "iter" => {
            // `iter(text.splitlines())` over several known lists: one iterator per list,
            // each keeping its origins, so an empty one can still be told apart.
            if let Some(iterable) = arguments
                .first()
                .filter(|iterable| iterable.members().len() > 1)
            {
                let iterator = iterable.map(|value| {
                    Value::Iterator(iterated_items(Some(&Union::new(value.clone(), None))))
                });
                return (iterator, Vec::new());
            }
            return (
                Union::new(Value::Iterator(iterated_items(arguments.first())), None),
                Vec::new(),
            );
        }
        "reversed" => {
            let mut items = iterated_items(arguments.first());
            items.items.reverse();
            return (Union::new(Value::Iterator(items), None), Vec::new());
        }
        // One-shot iterators over known pairs: `for i, x in enumerate(xs)` binds ints
        // and the elements of `xs`.
        "enumerate" if !arguments.has_unpacking => {
            let element = arguments
                .first()
                .and_then(element_of)
                .unwrap_or_else(Union::unknown);
            let pair = Value::Tuple(Items::exact(vec![
                Union::new(Value::Int(None), None),
                element,
            ]));
            Value::Iterator(Items::of(Some(Union::new(pair, None))))
        }
        "zip" if !arguments.has_unpacking && !arguments.positional.is_empty() => {
            let items = arguments
                .positional
                .iter()
                .map(|iterable| element_of(iterable).unwrap_or_else(Union::unknown))
                .collect();
            let tuple = Value::Tuple(Items::exact(items));
            Value::Iterator(Items::of(Some(Union::new(tuple, None))))
        }
        "enumerate" | "zip" | "map" | "filter" => Value::Instance(
            ClassRef::builtin(match name {
                "reversed" => "reversed",
                "enumerate" => "enumerate",
                "zip" => "zip",
                "map" => "map",
                "filter" => "filter",
                _ => "iterator",
            }),
            None,
        ),
        "isinstance" | "issubclass" | "callable" | "hasattr" | "all" | "any" => Value::Bool(None),
        "print" | "setattr" | "delattr" | "exec" => Value::None,
        "input" | "repr" | "ascii" | "format" | "chr" | "hex" | "oct" | "bin" => Value::Str(None),
        "ord" | "id" | "hash" => Value::Int(None),
        // Numbers give numbers; other operands (`timedelta`) define their own `__divmod__`.
        "divmod" => {
            let part = divmod_part(&arguments.positional);
            Value::Tuple(Items::exact(vec![part.clone(), part]))
        }
        // Text unless the mode says binary; an unknown mode may be either.
        "open" => {
            let mode = arguments.positional.get(1).or_else(|| {
                arguments
                    .keywords
                    .iter()
                    .find(|(name, _)| name == "mode")
                    .map(|(_, mode)| mode)
            });
            match mode.map(|mode| mode.single()) {
                None => Value::Instance(ClassRef::builtin("TextIOWrapper"), None),
                Some(Some(Value::Str(Some(mode)))) if !mode.contains('b') => {
                    Value::Instance(ClassRef::builtin("TextIOWrapper"), None)
                }
                Some(Some(Value::Str(Some(_)))) => {
                    Value::Instance(ClassRef::builtin("BufferedReader"), None)
                }
                Some(_) => Value::Unknown,
            }
        }
        "next" => {
            let default = arguments.positional.get(1);
            let mut results = Vec::new();
            let mut may_stop = false;
            for value in arguments.first().iter().flat_map(|first| first.values()) {
                match value {
                    Value::Iterator(items) if items.exact => match items.items.first() {
                        Some(item) => results.push(item.clone()),
                        None => may_stop = true,
                    },
                    Value::Iterator(items) => {
                        may_stop = true;
                        results.extend(items.element());
                    }
                    _ => {
                        may_stop = true;
                        results.push(Union::unknown());
                    }
                }
            }
            if may_stop {
                results.extend(default.cloned());
            }
            let raises = if may_stop && default.is_none() {
                vec!["StopIteration"]
            } else {
                Vec::new()
            };
            return (
                Union::join_all(results).unwrap_or_else(Union::unknown),
                raises,
            );
        }
        "eval" => Value::Unknown,
        _ => Value::Unknown,
    };
    (Union::new(value, None), Vec::new())
}

/// The items an iteration over `value` produces, exact when every member is a container
/// with known items (one member only: a union of containers has no single order).
fn iterated_items(value: Option<&Union>) -> Items {
    match value.and_then(Union::single) {
        Some(Value::List(items) | Value::Tuple(items) | Value::Iterator(items)) => items.clone(),
        Some(Value::Str(Some(text))) => Items::exact(
            text.chars()
                .map(|char| Union::new(Value::Str(Some(char.to_string().into())), None))
                .collect(),
        ),
        Some(Value::Dict(dict)) if !dict.open => Items::exact(
            dict.entries
                .iter()
                .map(|(key, _)| Union::new(key_value(key), None))
                .collect(),
        ),
        _ => Items::of(value.and_then(element_of)),
    }
}

/// The union of the elements of an iterable value (`for x in value`).
pub fn element_of(union: &Union) -> Option<Union> {
    let mut elements: Vec<Union> = Vec::new();
    for value in union.values() {
        let element = match value {
            Value::List(items)
            | Value::Tuple(items)
            | Value::Set(items)
            | Value::Iterator(items) => match items.element() {
                Some(element) => element,
                None => continue,
            },
            Value::Dict(dict) => {
                let keys: Vec<Union> = dict
                    .entries
                    .iter()
                    .map(|(key, _)| Union::new(key_value(key), None))
                    .collect();
                match Union::join_all(keys) {
                    Some(keys) if !dict.open => keys,
                    Some(keys) => keys.join(&Union::unknown()),
                    None => continue,
                }
            }
            Value::Str(_) => Union::new(Value::Str(None), None),
            Value::Bytes => Union::new(Value::Int(None), None),
            Value::Instance(ClassRef::Builtin(name), ..) if name == "range" => {
                Union::new(Value::Int(None), None)
            }
            // The lines of a text file.
            Value::Instance(ClassRef::Builtin(name), ..) if name == "TextIOWrapper" => {
                Union::new(Value::Str(None), None)
            }
            Value::Instance(ClassRef::Builtin(name), ..) if name == "BufferedReader" => {
                Union::new(Value::Bytes, None)
            }
            _ => Union::unknown(),
        };
        elements.push(element);
    }
    Union::join_all(elements)
}

pub fn key_value(key: &crate::values::Key) -> Value {
    match key {
        crate::values::Key::Str(value) => Value::Str(Some(value.clone())),
        crate::values::Key::Int(value) => Value::Int(Some(*value)),
        crate::values::Key::Bool(value) => Value::Bool(Some(*value)),
        crate::values::Key::None => Value::None,
    }
}

/// `"42".isdigit()`, `"abc".startswith("a")`: string tests on a known string.
pub(super) fn fold_str_predicate(text: &str, method: &str, arguments: &Arguments) -> Option<bool> {
    let nonempty = !text.is_empty();
    Some(match method {
        "isdigit" | "isdecimal" | "isnumeric" => nonempty && text.chars().all(|c| c.is_numeric()),
        "isalpha" => nonempty && text.chars().all(char::is_alphabetic),
        "isalnum" => nonempty && text.chars().all(char::is_alphanumeric),
        "isspace" => nonempty && text.chars().all(char::is_whitespace),
        "isupper" => text.chars().any(char::is_uppercase) && !text.chars().any(char::is_lowercase),
        "islower" => text.chars().any(char::is_lowercase) && !text.chars().any(char::is_uppercase),
        "isidentifier" => crate::resolve::is_python_identifier(text),
        "startswith" | "endswith" => {
            let [prefix] = arguments.positional.as_slice() else {
                return None;
            };
            let Some(Value::Str(Some(prefix))) = prefix.single() else {
                return None;
            };
            if method == "startswith" {
                text.starts_with(prefix.as_str())
            } else {
                text.ends_with(prefix.as_str())
            }
        }
        _ => return None,
    })
}

/// The result of `receiver.method(...)` for builtin receivers.
pub fn method_result(receiver: &Value, method: &str, arguments: &Arguments) -> Option<Union> {
    if let Value::Str(Some(text)) = receiver {
        if let Some(folded) = fold_str_predicate(text, method, arguments) {
            return Some(Union::new(Value::Bool(Some(folded)), None));
        }
        if let Some(folded) = fold_str_method(text, method, arguments) {
            return Some(Union::new(folded, None));
        }
    }
    let value = match (receiver, method) {
        (Value::Str(_), "split" | "rsplit" | "splitlines") => {
            Value::List(Items::of(Some(Union::new(Value::Str(None), None))))
        }
        (
            Value::Str(_),
            "upper" | "lower" | "strip" | "lstrip" | "rstrip" | "replace" | "format" | "join"
            | "title" | "capitalize" | "casefold" | "center" | "ljust" | "rjust" | "zfill"
            | "removeprefix" | "removesuffix" | "expandtabs",
        ) => Value::Str(None),
        (
            Value::Str(_),
            "startswith" | "endswith" | "isdigit" | "isalpha" | "isalnum" | "isspace" | "islower"
            | "isupper" | "isnumeric" | "isdecimal" | "isidentifier",
        ) => Value::Bool(None),
        (Value::Str(_), "find" | "rfind" | "count" | "index" | "rindex") => Value::Int(None),
        (Value::Str(_), "encode") => Value::Bytes,
        (Value::Instance(ClassRef::Builtin(class), _), _) if class == "BufferedReader" => {
            match method {
                "read" | "readline" | "read1" | "peek" => Value::Bytes,
                "readlines" => Value::List(Items::of(Some(Union::new(Value::Bytes, None)))),
                "write" | "seek" | "tell" | "fileno" | "readinto" => Value::Int(None),
                "close" | "flush" | "writelines" => Value::None,
                _ => return None,
            }
        }
        (Value::Instance(ClassRef::Builtin(class), _), _) if class == "TextIOWrapper" => {
            match method {
                "read" | "readline" => Value::Str(None),
                "readlines" => Value::List(Items::of(Some(Union::new(Value::Str(None), None)))),
                "write" | "seek" | "tell" | "fileno" => Value::Int(None),
                "close" | "flush" | "writelines" => Value::None,
                "readable" | "writable" | "seekable" | "isatty" => Value::Bool(None),
                _ => return None,
            }
        }
        (Value::Str(_), "partition" | "rpartition") => {
            let part = Union::new(Value::Str(None), None);
            Value::Tuple(Items::exact(vec![part.clone(), part.clone(), part]))
        }
        (
            Value::List(_),
            "append" | "extend" | "insert" | "sort" | "reverse" | "clear" | "remove",
        ) => Value::None,
        (Value::List(items), "pop") => return Some(items.element().unwrap_or_else(Union::unknown)),
        (Value::List(_), "index" | "count") => Value::Int(None),
        (Value::List(items), "copy") => Value::List(items.clone()),
        (Value::Dict(dict), "get") => {
            let key = arguments
                .positional
                .first()
                .and_then(Union::single)
                .and_then(super::interpreter::literal_key);
            let default = arguments
                .positional
                .get(1)
                .cloned()
                .unwrap_or_else(|| Union::new(Value::None, None));
            let found = key.as_ref().and_then(|key| {
                dict.entries
                    .iter()
                    .find(|(entry, _)| entry == key)
                    .map(|(_, value)| value.clone())
            });
            return Some(match found {
                Some(value) => value,
                None if key.is_some() && !dict.open => default,
                None => {
                    let values =
                        Union::join_all(dict.entries.iter().map(|(_, value)| value.clone()));
                    values
                        .map(|values| values.join(&default))
                        .unwrap_or(default)
                        .join(&Union::unknown())
                }
            });
        }
        (Value::Dict(dict), "pop" | "setdefault") => {
            return Some(
                Union::join_all(dict.entries.iter().map(|(_, value)| value.clone()))
                    .unwrap_or_else(Union::unknown),
            );
        }
        // Views of a closed dict iterate over known items (modelled as lists).
        (Value::Dict(dict), "keys" | "values" | "items") => {
            let items: Vec<Union> = dict
                .entries
                .iter()
                .map(|(key, value)| {
                    let key = Union::new(key_value(key), None);
                    match method {
                        "keys" => key,
                        "values" => value.clone(),
                        _ => Union::new(Value::Tuple(Items::exact(vec![key, value.clone()])), None),
                    }
                })
                .collect();
            if dict.open {
                let element = Union::join_all(items).map(|element| element.join(&Union::unknown()));
                Value::List(Items::of(element))
            } else {
                Value::List(Items::exact(items))
            }
        }
        (Value::Dict(_), "update" | "clear") => Value::None,
        (Value::Dict(dict), "copy") => Value::Dict(dict.clone()),
        (Value::Set(_), "add" | "discard" | "update" | "clear" | "remove") => Value::None,
        _ => return None,
    };
    Some(Union::new(value, None))
}

/// The value an annotation describes (`int` → some int, `Optional[str]` → str | None),
/// given the annotation's evaluated union (classes) — see the interpreter.
pub fn annotation_value(annotation: &Union) -> Union {
    annotation.map(|value| match value {
        Value::Class(ClassRef::Builtin(name)) => match name.as_str() {
            "int" => Value::Int(None),
            "float" => Value::Float(None),
            "str" => Value::Str(None),
            "bool" => Value::Bool(None),
            "bytes" => Value::Bytes,
            "complex" => Value::Complex,
            "list" => Value::List(Items::of(None)),
            "tuple" => Value::Tuple(Items::of(None)),
            "set" | "frozenset" => Value::Set(Items::of(None)),
            "dict" => Value::Dict(Box::new(DictValue {
                entries: Vec::new(),
                open: true,
            })),
            "object" => Value::Unknown,
            _ => Value::Instance(ClassRef::Builtin(name.clone()), None),
        },
        Value::Class(class) => Value::Instance(class.clone(), None),
        Value::None => Value::None,
        // `Literal["r", "w"]`: the literals themselves.
        Value::Str(Some(_)) | Value::Bool(Some(_)) => value.clone(),
        Value::List(_)
        | Value::Tuple(_)
        | Value::Set(_)
        | Value::Dict(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Str(_)
        | Value::Bool(_) => value.widened(),
        _ => Value::Unknown,
    })
}

/// The type of each half of `divmod(a, b)`: `int` for integers, `float` when either
/// operand is a float, unknown for anything else.
fn divmod_part(operands: &[Union]) -> Union {
    let mut float = false;
    for operand in operands.iter().take(2) {
        for value in operand.values() {
            match value {
                Value::Int(_) | Value::Bool(_) => {}
                Value::Float(_) => float = true,
                _ => return Union::unknown(),
            }
        }
    }
    if operands.len() < 2 {
        return Union::unknown();
    }
    Union::new(
        if float {
            Value::Float(None)
        } else {
            Value::Int(None)
        },
        None,
    )
}

/// Known strings longer than this, or splitting into more parts, are not folded.
const MAX_FOLDED_TEXT: usize = 4096;
const MAX_FOLDED_PARTS: usize = 64;

/// `text.method(...)` computed on a known string (`"a=1".split("=")` is `['a', '1']`),
/// when the arguments are known too.
fn fold_str_method(text: &str, method: &str, arguments: &Arguments) -> Option<Value> {
    if text.len() > MAX_FOLDED_TEXT || !arguments.keywords.is_empty() || arguments.has_unpacking {
        return None;
    }
    let string_argument = |index: usize| -> Option<Option<&str>> {
        match arguments.positional.get(index) {
            None => Some(None),
            Some(argument) => match argument.single()? {
                Value::Str(Some(value)) => Some(Some(value.as_str())),
                Value::None => Some(None),
                _ => None,
            },
        }
    };
    let int_argument = |index: usize| -> Option<Option<i64>> {
        match arguments.positional.get(index) {
            None => Some(None),
            Some(argument) => match argument.single()? {
                Value::Int(Some(value)) => Some(Some(*value)),
                _ => None,
            },
        }
    };
    let text_value = |value: &str| Value::Str(Some(SmolStr::new(value)));
    let parts = |parts: Vec<&str>| -> Option<Value> {
        (parts.len() <= MAX_FOLDED_PARTS).then(|| {
            Value::List(Items::exact(
                parts
                    .into_iter()
                    .map(|part| Union::new(text_value(part), None))
                    .collect(),
            ))
        })
    };
    match (method, arguments.positional.len()) {
        ("strip" | "lstrip" | "rstrip", 0 | 1) => {
            let characters = string_argument(0)?;
            let strip = |c: char| match characters {
                Some(characters) => characters.contains(c),
                None => c.is_whitespace(),
            };
            Some(text_value(match method {
                "strip" => text.trim_matches(strip),
                "lstrip" => text.trim_start_matches(strip),
                _ => text.trim_end_matches(strip),
            }))
        }
        ("lower", 0) => Some(text_value(&text.to_lowercase())),
        ("upper", 0) => Some(text_value(&text.to_uppercase())),
        ("replace", 2) => {
            let (Some(old), Some(new)) = (string_argument(0)?, string_argument(1)?) else {
                return None;
            };
            if old.is_empty() {
                return None;
            }
            let replaced = text.replace(old, new);
            (replaced.len() <= MAX_FOLDED_TEXT).then(|| text_value(&replaced))
        }
        ("split" | "rsplit", 0..=2) => {
            let separator = string_argument(0)?;
            let limit = int_argument(1)?
                .filter(|limit| *limit >= 0)
                .map(|limit| limit as usize);
            let pieces: Vec<&str> = match (separator, limit, method) {
                (Some(""), ..) => return None,
                (Some(separator), None, _) => text.split(separator).collect(),
                (Some(separator), Some(limit), "split") => {
                    text.splitn(limit + 1, separator).collect()
                }
                (Some(separator), Some(limit), _) => {
                    let mut pieces: Vec<&str> = text.rsplitn(limit + 1, separator).collect();
                    pieces.reverse();
                    pieces
                }
                // Whitespace runs, empty strings dropped; with a limit, not folded.
                (None, None, _) => text.split_whitespace().collect(),
                (None, Some(_), _) => return None,
            };
            parts(pieces)
        }
        ("splitlines", 0) => parts(python_lines(text)),
        ("partition" | "rpartition", 1) => {
            let separator = string_argument(0)??;
            if separator.is_empty() {
                return None;
            }
            let found = if method == "partition" {
                text.find(separator)
            } else {
                text.rfind(separator)
            };
            let (before, middle, after) = match (found, method) {
                (Some(at), _) => (&text[..at], separator, &text[at + separator.len()..]),
                (None, "partition") => (text, "", ""),
                (None, _) => ("", "", text),
            };
            Some(Value::Tuple(Items::exact(
                [before, middle, after]
                    .into_iter()
                    .map(|part| Union::new(text_value(part), None))
                    .collect(),
            )))
        }
        _ => None,
    }
}

/// `str.splitlines()`: lines split at every line boundary Python knows, without them.
fn python_lines(text: &str) -> Vec<&str> {
    let is_boundary = |c: char| {
        matches!(
            c,
            '\n' | '\r'
                | '\u{0b}'
                | '\u{0c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut characters = text.char_indices().peekable();
    while let Some((at, c)) = characters.next() {
        if is_boundary(c) {
            lines.push(&text[start..at]);
            let mut end = at + c.len_utf8();
            if c == '\r' {
                if let Some((_, '\n')) = characters.peek() {
                    characters.next();
                    end += 1;
                }
            }
            start = end;
        }
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}
