//! `json.loads` with Python's semantics: objects keep their key order (later duplicates
//! win), `NaN`/`Infinity` are accepted, and invalid text raises `JSONDecodeError` with the
//! line and column of the first problem.

use tree_sitter::Node;

use super::interp::{Interp, R, stop};
use super::value::*;

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

/// Why the text is not JSON: a message and the byte offset.
struct Invalid(&'static str, usize);

impl Parser<'_> {
    fn skip_space(&mut self) {
        while let Some(byte) = self.text.as_bytes().get(self.at) {
            if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self, interp: &mut Interp<'_>, depth: u32) -> Result<R<Value>, Invalid> {
        if depth > 500 {
            return Ok(stop("JSON nesting"));
        }
        self.skip_space();
        let rest = &self.text[self.at..];
        let Some(first) = rest.chars().next() else {
            return Err(Invalid("Expecting value", self.at));
        };
        match first {
            '{' => {
                self.at += 1;
                let mut dict = Dict::new(DictKind::Plain);
                self.skip_space();
                if self.text[self.at..].starts_with('}') {
                    self.at += 1;
                    return Ok(interp.alloc(Obj::Dict(dict)));
                }
                loop {
                    self.skip_space();
                    if !self.text[self.at..].starts_with('"') {
                        return Err(Invalid(
                            "Expecting property name enclosed in double quotes",
                            self.at,
                        ));
                    }
                    let key = self.string()?;
                    self.skip_space();
                    if !self.text[self.at..].starts_with(':') {
                        return Err(Invalid("Expecting ':' delimiter", self.at));
                    }
                    self.at += 1;
                    let value = match self.value(interp, depth + 1)? {
                        Ok(value) => value,
                        Err(flow) => return Ok(Err(flow)),
                    };
                    let key_value = Value::str(&key);
                    let hashed = Key::Str(key.as_str().into());
                    match dict.entries.get_mut(&hashed) {
                        Some(entry) => entry.1 = value,
                        None => {
                            dict.entries.insert(hashed, (key_value, value));
                        }
                    }
                    self.skip_space();
                    match self.text[self.at..].chars().next() {
                        Some(',') => self.at += 1,
                        Some('}') => {
                            self.at += 1;
                            return Ok(interp.alloc(Obj::Dict(dict)));
                        }
                        _ => return Err(Invalid("Expecting ',' delimiter", self.at)),
                    }
                }
            }
            '[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.text[self.at..].starts_with(']') {
                    self.at += 1;
                    return Ok(interp.list(items));
                }
                loop {
                    match self.value(interp, depth + 1)? {
                        Ok(value) => items.push(value),
                        Err(flow) => return Ok(Err(flow)),
                    }
                    self.skip_space();
                    match self.text[self.at..].chars().next() {
                        Some(',') => self.at += 1,
                        Some(']') => {
                            self.at += 1;
                            return Ok(interp.list(items));
                        }
                        _ => return Err(Invalid("Expecting ',' delimiter", self.at)),
                    }
                }
            }
            '"' => Ok(Ok(Value::str(&self.string()?))),
            _ => {
                for (word, value) in [
                    ("null", Value::None),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("NaN", Value::Float(f64::NAN)),
                    ("Infinity", Value::Float(f64::INFINITY)),
                    ("-Infinity", Value::Float(f64::NEG_INFINITY)),
                ] {
                    if rest.starts_with(word) {
                        self.at += word.len();
                        return Ok(Ok(value));
                    }
                }
                self.number()
            }
        }
    }

    fn number(&mut self) -> Result<R<Value>, Invalid> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut end = start;
        if bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let digits_start = end;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == digits_start {
            return Err(Invalid("Expecting value", start));
        }
        // A leading zero ends the number (`01` is `0` then garbage).
        if bytes[digits_start] == b'0' {
            end = digits_start + 1;
        }
        let mut is_float = false;
        if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            is_float = true;
            end += 1;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            let mut exponent = end + 1;
            if matches!(bytes.get(exponent), Some(b'+' | b'-')) {
                exponent += 1;
            }
            if bytes.get(exponent).is_some_and(u8::is_ascii_digit) {
                is_float = true;
                end = exponent;
                while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                    end += 1;
                }
            }
        }
        self.at = end;
        let text = &self.text[start..end];
        Ok(if is_float {
            match text.parse::<f64>() {
                Ok(value) => Ok(Value::Float(value)),
                Err(_) => stop("JSON number"),
            }
        } else {
            match text.parse::<i64>() {
                Ok(value) => Ok(Value::Int(value)),
                Err(_) => stop("large JSON integer"),
            }
        })
    }

    fn string(&mut self) -> Result<String, Invalid> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(char) = self.text[self.at..].chars().next() else {
                return Err(Invalid("Unterminated string starting at", start));
            };
            self.at += char.len_utf8();
            match char {
                '"' => return Ok(out),
                '\\' => {
                    let Some(escaped) = self.text[self.at..].chars().next() else {
                        return Err(Invalid("Unterminated string starting at", start));
                    };
                    self.at += 1;
                    match escaped {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let hex = self.text.get(self.at..self.at + 4).unwrap_or("");
                            let Ok(code) = u32::from_str_radix(hex, 16) else {
                                return Err(Invalid("Invalid \\uXXXX escape", self.at - 1));
                            };
                            self.at += 4;
                            // A lone surrogate has no `char`: not modelled.
                            out.push(
                                char::from_u32(code)
                                    .ok_or(Invalid("Invalid \\uXXXX escape", self.at))?,
                            );
                        }
                        _ => return Err(Invalid("Invalid \\escape", self.at - 2)),
                    }
                }
                char if (char as u32) < 0x20 => {
                    return Err(Invalid("Invalid control character at", self.at - 1));
                }
                char => out.push(char),
            }
        }
    }
}

pub(crate) fn loads(interp: &mut Interp<'_>, text: &str, node: Node<'_>) -> R<Value> {
    let mut parser = Parser { text, at: 0 };
    let invalid = match parser.value(interp, 0) {
        Ok(Ok(value)) => {
            parser.skip_space();
            if parser.at == text.len() {
                return Ok(value);
            }
            Invalid("Extra data", parser.at)
        }
        Ok(Err(flow)) => return Err(flow),
        Err(invalid) => invalid,
    };
    let Invalid(message, byte) = invalid;
    let before = &text[..byte.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    let char_index = before.chars().count();
    interp.error(
        node,
        "JSONDecodeError",
        format!("{message}: line {line} column {column} (char {char_index})"),
    )
}
