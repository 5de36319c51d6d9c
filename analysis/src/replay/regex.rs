//! The `re` module on the `regex` crate, for the patterns that mean the same in both
//! (no lookaround, no backreferences; `$` only where no newline can make them differ).

use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::interp::{Interp, R, stop};
use super::protocol::int_of;
use super::value::*;

const IGNORECASE: i64 = 2;
const MULTILINE: i64 = 8;
const DOTALL: i64 = 16;

/// A Python pattern in the `regex` crate's syntax, or `None` when the meaning could differ.
fn translate(pattern: &str, flags: i64) -> Option<String> {
    if pattern.contains("(?=")
        || pattern.contains("(?!")
        || pattern.contains("(?<=")
        || pattern.contains("(?<!")
        || pattern.contains("(?P=")
        || pattern.contains("(?#")
        || pattern.contains("\\Z") && pattern.contains("\\z")
    {
        return None;
    }
    let bytes = pattern.as_bytes();
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == b'\\'
            && bytes
                .get(at + 1)
                .is_some_and(|next| next.is_ascii_digit() && *next != b'0')
        {
            return None;
        }
    }
    let mut prefix = String::new();
    if flags & IGNORECASE != 0 {
        prefix.push('i');
    }
    if flags & MULTILINE != 0 {
        prefix.push('m');
    }
    if flags & DOTALL != 0 {
        prefix.push('s');
    }
    if flags & !(IGNORECASE | MULTILINE | DOTALL) != 0 {
        return None;
    }
    let body = pattern.replace("\\Z", "\\z");
    Some(if prefix.is_empty() {
        body
    } else {
        format!("(?{prefix}){body}")
    })
}

fn compile(
    interp: &mut Interp<'_>,
    pattern: &Value,
    flags: i64,
    haystack: Option<&str>,
) -> R<regex::Regex> {
    let text = match pattern {
        Value::Str(text) => text.clone(),
        Value::Obj(id) => match interp.obj(*id) {
            Obj::Module(kind, attrs) if kind.as_ref() == "re.Pattern" => match attrs.get("pattern")
            {
                Some(Value::Str(text)) => text.clone(),
                _ => return stop("pattern"),
            },
            _ => return stop("pattern"),
        },
        _ => return stop("pattern"),
    };
    if haystack.is_some_and(|haystack| haystack.contains('\n')) && text.contains('$') {
        return stop("$ with newlines");
    }
    let Some(translated) = translate(&text, flags) else {
        return stop("pattern outside the shared syntax");
    };
    match regex::Regex::new(&translated) {
        Ok(regex) => Ok(regex),
        Err(_) => stop("pattern the regex crate rejects"),
    }
}

fn pattern_flags(interp: &Interp<'_>, pattern: &Value) -> i64 {
    match pattern {
        Value::Obj(id) => match interp.obj(*id) {
            Obj::Module(kind, attrs) if kind.as_ref() == "re.Pattern" => {
                attrs.get("flags").and_then(int_of).unwrap_or(0)
            }
            _ => 0,
        },
        _ => 0,
    }
}

fn char_offset(text: &str, byte: usize) -> i64 {
    text[..byte].chars().count() as i64
}

fn make_match(
    interp: &mut Interp<'_>,
    regex: &regex::Regex,
    captures: regex::Captures<'_>,
    text: &str,
) -> R<Value> {
    let mut groups = Vec::new();
    let mut spans = Vec::new();
    for group in captures.iter() {
        match group {
            Some(found) => {
                groups.push(Value::str(found.as_str()));
                spans.push((
                    char_offset(text, found.start()),
                    char_offset(text, found.end()),
                ));
            }
            None => {
                groups.push(Value::None);
                spans.push((-1, -1));
            }
        }
    }
    let mut attrs: FxHashMap<Rc<str>, Value> = FxHashMap::default();
    let groups = interp.tuple(groups)?;
    attrs.insert(Rc::from("_groups"), groups);
    let mut span_values = Vec::new();
    for (start, end) in spans {
        span_values.push(interp.tuple(vec![Value::Int(start), Value::Int(end)])?);
    }
    let spans = interp.tuple(span_values)?;
    attrs.insert(Rc::from("_spans"), spans);
    let mut names = Dict::new(DictKind::Plain);
    for (at, name) in regex.capture_names().enumerate() {
        if let Some(name) = name {
            names.entries.insert(
                Key::Str(Rc::from(name)),
                (Value::str(name), Value::Int(at as i64)),
            );
        }
    }
    let names = interp.alloc(Obj::Dict(names))?;
    attrs.insert(Rc::from("_names"), names);
    attrs.insert(Rc::from("string"), Value::str(text));
    interp.alloc(Obj::Module(Rc::from("re.Match"), attrs))
}

fn attr(interp: &Interp<'_>, object: &Value, name: &str) -> Value {
    match object {
        Value::Obj(id) => match interp.obj(*id) {
            Obj::Module(_, attrs) => attrs.get(name).cloned().unwrap_or(Value::None),
            _ => Value::None,
        },
        _ => Value::None,
    }
}

fn group_index(interp: &mut Interp<'_>, object: &Value, group: &Value, node: Node<'_>) -> R<usize> {
    let groups = interp.collect(&attr(interp, object, "_groups"), node)?;
    let index = match group {
        Value::Int(index) if *index >= 0 && (*index as usize) < groups.len() => {
            Some(*index as usize)
        }
        Value::Str(name) => {
            let names = attr(interp, object, "_names");
            let key = Key::Str(name.clone());
            match interp.obj(super::builtins::obj_id(&names)) {
                Obj::Dict(dict) => dict
                    .entries
                    .get(&key)
                    .and_then(|(_, index)| int_of(index))
                    .map(|index| index as usize),
                _ => None,
            }
        }
        _ => None,
    };
    match index {
        Some(index) => Ok(index),
        None => interp.error(node, "IndexError", "no such group"),
    }
}

pub(crate) fn call(
    interp: &mut Interp<'_>,
    receiver: &Value,
    method: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    let flag_argument = |args: &[Value], at: usize| -> i64 {
        kwargs
            .iter()
            .find(|(key, _)| key.as_ref() == "flags")
            .map(|(_, value)| value.clone())
            .or_else(|| args.get(at).cloned())
            .and_then(|value| int_of(&value))
            .unwrap_or(0)
    };
    // Match objects.
    if let Some(name) = method.strip_prefix("Match.") {
        let groups = interp.collect(&attr(interp, receiver, "_groups"), node)?;
        return match name {
            "group" => {
                if args.len() > 1 {
                    let mut values = Vec::new();
                    for arg in &args {
                        let index = group_index(interp, receiver, arg, node)?;
                        values.push(groups[index].clone());
                    }
                    return interp.tuple(values);
                }
                let index = group_index(
                    interp,
                    receiver,
                    args.first().unwrap_or(&Value::Int(0)),
                    node,
                )?;
                Ok(groups[index].clone())
            }
            "groups" => interp.tuple(groups[1..].to_vec()),
            "groupdict" => {
                let names = attr(interp, receiver, "_names");
                let pairs: Vec<(Value, Value)> = match interp.obj(super::builtins::obj_id(&names)) {
                    Obj::Dict(dict) => dict.entries.values().cloned().collect(),
                    _ => Vec::new(),
                };
                let mut dict = Dict::new(DictKind::Plain);
                for (name, index) in pairs {
                    let value = int_of(&index)
                        .and_then(|index| groups.get(index as usize).cloned())
                        .unwrap_or(Value::None);
                    if let Value::Str(text) = &name {
                        dict.entries
                            .insert(Key::Str(text.clone()), (name.clone(), value));
                    }
                }
                interp.alloc(Obj::Dict(dict))
            }
            "start" | "end" | "span" => {
                let index = group_index(
                    interp,
                    receiver,
                    args.first().unwrap_or(&Value::Int(0)),
                    node,
                )?;
                let spans = interp.collect(&attr(interp, receiver, "_spans"), node)?;
                let span = interp.collect(&spans[index], node)?;
                match name {
                    "start" => Ok(span[0].clone()),
                    "end" => Ok(span[1].clone()),
                    _ => Ok(spans[index].clone()),
                }
            }
            _ => stop(format!("Match.{name}")),
        };
    }
    // Pattern objects: the same functions with the pattern bound.
    let (pattern, rest, flags) = if let Some(name) = method.strip_prefix("Pattern.") {
        let flags = pattern_flags(interp, receiver);
        return call_with_pattern(interp, name, receiver.clone(), args, flags, node);
    } else {
        let Some((pattern, rest)) = args.split_first() else {
            return stop("re call without a pattern");
        };
        let flags_at = match method {
            "compile" => 0,
            "sub" => 3,
            _ => 1,
        };
        let flags = flag_argument(rest, flags_at);
        (pattern.clone(), rest.to_vec(), flags)
    };
    if method == "compile" {
        compile(interp, &pattern, flags, None)?;
        let mut attrs: FxHashMap<Rc<str>, Value> = FxHashMap::default();
        attrs.insert(Rc::from("pattern"), pattern);
        attrs.insert(Rc::from("flags"), Value::Int(flags));
        return interp.alloc(Obj::Module(Rc::from("re.Pattern"), attrs));
    }
    call_with_pattern(interp, method, pattern, rest, flags, node)
}

fn call_with_pattern(
    interp: &mut Interp<'_>,
    method: &str,
    pattern: Value,
    args: Vec<Value>,
    flags: i64,
    node: Node<'_>,
) -> R<Value> {
    let text_at = if method == "sub" { 1 } else { 0 };
    let text = match args.get(text_at) {
        Some(Value::Str(text)) => text.clone(),
        Some(Value::Opaque) | None => return stop("re on an unknown string"),
        Some(other) => {
            let name = interp.type_name(other);
            return interp.error(
                node,
                "TypeError",
                format!("expected string or bytes-like object, got '{name}'"),
            );
        }
    };
    let regex = compile(interp, &pattern, flags, Some(&text))?;
    match method {
        "match" | "search" | "fullmatch" => {
            let captures = match method {
                "search" => regex.captures(&text),
                _ => regex.captures(&text).filter(|captures| {
                    let whole = captures.get(0).expect("group 0");
                    whole.start() == 0 && (method == "match" || whole.end() == text.len())
                }),
            };
            // `regex` finds the leftmost-first match; anchored at 0 it is the same match
            // Python's `match` finds. `fullmatch` needs the whole text: try anchoring.
            let captures = match (method, captures) {
                ("fullmatch", None) => {
                    let anchored = match regex::Regex::new(&format!("^(?:{})$", regex.as_str())) {
                        Ok(anchored) => anchored,
                        Err(_) => return stop("pattern"),
                    };
                    if anchored.is_match(&text) {
                        return stop("fullmatch by backtracking");
                    }
                    None
                }
                ("match", None) => {
                    let anchored = match regex::Regex::new(&format!("^(?:{})", regex.as_str())) {
                        Ok(anchored) => anchored,
                        Err(_) => return stop("pattern"),
                    };
                    if anchored.is_match(&text) {
                        return stop("match later in the text");
                    }
                    None
                }
                (_, captures) => captures,
            };
            match captures {
                Some(captures) => make_match(interp, &regex, captures, &text),
                None => Ok(Value::None),
            }
        }
        "findall" => {
            let groups = regex.captures_len() - 1;
            let mut results = Vec::new();
            for captures in regex.captures_iter(&text) {
                interp.step()?;
                let value = match groups {
                    0 => Value::str(captures.get(0).map_or("", |found| found.as_str())),
                    1 => Value::str(captures.get(1).map_or("", |found| found.as_str())),
                    _ => {
                        let items = (1..=groups)
                            .map(|at| {
                                Value::str(captures.get(at).map_or("", |found| found.as_str()))
                            })
                            .collect();
                        interp.tuple(items)?
                    }
                };
                results.push(value);
            }
            interp.list(results)
        }
        "finditer" => {
            let mut matches = Vec::new();
            for captures in regex.captures_iter(&text) {
                interp.step()?;
                matches.push(make_match(interp, &regex, captures, &text)?);
            }
            interp.alloc(Obj::Iterator(Iter::Items(Rc::new(matches), 0)))
        }
        "split" => {
            if regex.captures_len() > 1 {
                return stop("split with groups");
            }
            let parts = regex.split(&text).map(Value::str).collect();
            interp.list(parts)
        }
        "sub" => {
            let Some(Value::Str(replacement)) = args.first() else {
                return stop("sub with a function");
            };
            if replacement.contains('\\') || replacement.contains('$') {
                return stop("sub with group references");
            }
            Ok(Value::str(
                &regex.replace_all(&text, regex::NoExpand(replacement)),
            ))
        }
        _ => stop(format!("re.{method}")),
    }
}
