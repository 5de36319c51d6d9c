//! Text rendering: `repr` of floats, format specs (`f"{x:>8.2f}"`, `format()`,
//! `str.format`) and `%` formatting. What cannot be rendered exactly gives `None` (an
//! opaque string), and a spec that Python rejects raises `ValueError`.

use tree_sitter::Node;

use super::interp::{Interp, R, stop};
use super::protocol::{int_of, number};
use super::value::*;

/// `repr(float)`, or `None` where Python switches to exponent notation.
pub(crate) fn float_repr(value: f64) -> Option<String> {
    if value.is_nan() {
        return Some("nan".to_owned());
    }
    if value.is_infinite() {
        return Some(if value > 0.0 { "inf" } else { "-inf" }.to_owned());
    }
    if value != 0.0 && (value.abs() >= 1e16 || value.abs() < 1e-4) {
        return None;
    }
    let text = format!("{value}");
    if text.contains('.') {
        Some(text)
    } else {
        Some(format!("{text}.0"))
    }
}

struct Spec {
    fill: char,
    align: Option<char>,
    sign: Option<char>,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(spec: &str) -> Option<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut at = 0;
    let mut result = Spec {
        fill: ' ',
        align: None,
        sign: None,
        zero: false,
        width: 0,
        grouping: None,
        precision: None,
        kind: None,
    };
    let is_align = |char: char| matches!(char, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        result.fill = chars[0];
        result.align = Some(chars[1]);
        at = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        result.align = Some(chars[0]);
        at = 1;
    }
    if at < chars.len() && matches!(chars[at], '+' | '-' | ' ') {
        result.sign = Some(chars[at]);
        at += 1;
    }
    if at < chars.len() && chars[at] == '#' {
        return None;
    }
    if at < chars.len() && chars[at] == '0' {
        result.zero = true;
        at += 1;
    }
    let start = at;
    while at < chars.len() && chars[at].is_ascii_digit() {
        at += 1;
    }
    if at > start {
        result.width = chars[start..at].iter().collect::<String>().parse().ok()?;
    }
    if at < chars.len() && matches!(chars[at], ',' | '_') {
        result.grouping = Some(chars[at]);
        at += 1;
    }
    if at < chars.len() && chars[at] == '.' {
        at += 1;
        let start = at;
        while at < chars.len() && chars[at].is_ascii_digit() {
            at += 1;
        }
        if at == start {
            return None;
        }
        result.precision = Some(chars[start..at].iter().collect::<String>().parse().ok()?);
    }
    if at < chars.len() {
        result.kind = Some(chars[at]);
        at += 1;
    }
    if at != chars.len() {
        return None;
    }
    Some(result)
}

fn group(digits: &str, separator: char) -> String {
    let (integer, fraction) = match digits.find('.') {
        Some(at) => (&digits[..at], &digits[at..]),
        None => (digits, ""),
    };
    let mut out = String::new();
    for (at, char) in integer.chars().enumerate() {
        if at > 0 && (integer.len() - at) % 3 == 0 {
            out.push(separator);
        }
        out.push(char);
    }
    out.push_str(fraction);
    out
}

fn pad(text: String, spec: &Spec, numeric: bool) -> String {
    let length = text.chars().count();
    if length >= spec.width {
        return text;
    }
    let missing = spec.width - length;
    let (fill, align) = if spec.zero && spec.align.is_none() && numeric {
        ('0', '=')
    } else {
        (
            spec.fill,
            spec.align.unwrap_or(if numeric { '>' } else { '<' }),
        )
    };
    let filler = |count: usize| std::iter::repeat_n(fill, count).collect::<String>();
    match align {
        '<' => format!("{text}{}", filler(missing)),
        '>' => format!("{}{text}", filler(missing)),
        '^' => format!(
            "{}{text}{}",
            filler(missing / 2),
            filler(missing - missing / 2)
        ),
        _ => {
            let (sign, digits) = match text.strip_prefix(['-', '+', ' ']) {
                Some(rest) => (&text[..1], rest.to_owned()),
                None => ("", text.clone()),
            };
            format!("{sign}{}{digits}", filler(missing))
        }
    }
}

/// `format(value, spec)`: `Ok(None)` when the text cannot be known exactly.
pub(crate) fn format_value(
    interp: &mut Interp<'_>,
    value: &Value,
    spec: &str,
    node: Node<'_>,
) -> R<Option<String>> {
    if matches!(value, Value::Opaque) {
        return Ok(None);
    }
    if interp.instance_class(value).is_some() {
        if let Some(method) = interp.user_method(value, "__format__") {
            let _ = method;
            return stop("custom __format__");
        }
        // `object.__format__` accepts only an empty spec; enums and dataclasses too.
        return stop("format spec on an instance");
    }
    let Some(parsed) = parse_spec(spec) else {
        return Ok(None);
    };
    let sign_of = |negative: bool, spec: &Spec| -> &'static str {
        match (negative, spec.sign) {
            (true, _) => "-",
            (false, Some('+')) => "+",
            (false, Some(' ')) => " ",
            _ => "",
        }
    };
    match value {
        Value::Str(text) => {
            if !matches!(parsed.kind, None | Some('s'))
                || parsed.sign.is_some()
                || parsed.grouping.is_some()
            {
                let kind = parsed.kind.unwrap_or('s');
                return interp.error(
                    node,
                    "ValueError",
                    format!("Unknown format code '{kind}' for object of type 'str'"),
                );
            }
            let mut text = text.to_string();
            if let Some(precision) = parsed.precision {
                text = text.chars().take(precision).collect();
            }
            Ok(Some(pad(text, &parsed, false)))
        }
        Value::Int(_) | Value::Bool(_) => {
            let integer = int_of(value).unwrap_or(0);
            match parsed.kind {
                None | Some('d') | Some('n') => {
                    if parsed.precision.is_some() {
                        return interp.error(
                            node,
                            "ValueError",
                            "Precision not allowed in integer format specifier",
                        );
                    }
                    if matches!(value, Value::Bool(_)) && parsed.kind.is_none() && spec.is_empty() {
                        return Ok(Some(if integer != 0 { "True" } else { "False" }.to_owned()));
                    }
                    let mut digits = integer.unsigned_abs().to_string();
                    if let Some(separator) = parsed.grouping {
                        digits = group(&digits, separator);
                    }
                    Ok(Some(pad(
                        format!("{}{digits}", sign_of(integer < 0, &parsed)),
                        &parsed,
                        true,
                    )))
                }
                Some('x') | Some('X') | Some('o') | Some('b') => {
                    let digits = match parsed.kind {
                        Some('x') => format!("{:x}", integer.unsigned_abs()),
                        Some('X') => format!("{:X}", integer.unsigned_abs()),
                        Some('o') => format!("{:o}", integer.unsigned_abs()),
                        _ => format!("{:b}", integer.unsigned_abs()),
                    };
                    if parsed.grouping.is_some() {
                        return Ok(None);
                    }
                    Ok(Some(pad(
                        format!("{}{digits}", sign_of(integer < 0, &parsed)),
                        &parsed,
                        true,
                    )))
                }
                Some('f') | Some('F') | Some('%') => {
                    format_float(integer as f64, &parsed).map_or(Ok(None), |text| Ok(Some(text)))
                }
                Some('s') => interp.error(
                    node,
                    "ValueError",
                    "Unknown format code 's' for object of type 'int'",
                ),
                _ => Ok(None),
            }
        }
        Value::Float(float) => match parsed.kind {
            Some('f') | Some('F') | Some('%') => Ok(format_float(*float, &parsed)),
            None if parsed.precision.is_none() => {
                let Some(text) = float_repr(*float) else {
                    return Ok(None);
                };
                let negative = text.starts_with('-');
                let mut digits = text.trim_start_matches('-').to_owned();
                if let Some(separator) = parsed.grouping {
                    digits = group(&digits, separator);
                }
                Ok(Some(pad(
                    format!("{}{digits}", sign_of(negative, &parsed)),
                    &parsed,
                    true,
                )))
            }
            Some('d') => interp.error(
                node,
                "ValueError",
                "Unknown format code 'd' for object of type 'float'",
            ),
            _ => Ok(None),
        },
        Value::None => {
            if spec.is_empty() {
                return Ok(Some("None".to_owned()));
            }
            interp.error(
                node,
                "TypeError",
                "unsupported format string passed to NoneType.__format__",
            )
        }
        _ => {
            if spec.is_empty() {
                return interp.str_of(value, node);
            }
            let name = interp.type_name(value);
            interp.error(
                node,
                "TypeError",
                format!("unsupported format string passed to {name}.__format__"),
            )
        }
    }
}

fn format_float(value: f64, spec: &Spec) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let precision = spec.precision.unwrap_or(6);
    let (value, suffix) = if spec.kind == Some('%') {
        (value * 100.0, "%")
    } else {
        (value, "")
    };
    let text = format!("{:.*}", precision, value.abs());
    let negative = value < 0.0
        && text
            .chars()
            .any(|char| char.is_ascii_digit() && char != '0');
    let negative = negative || (value < 0.0 && value.is_sign_negative());
    let mut digits = text;
    if let Some(separator) = spec.grouping {
        digits = group(&digits, separator);
    }
    let sign = match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    Some(pad(format!("{sign}{digits}{suffix}"), spec, true))
}

/// `format % args` for `%s`, `%r`, `%d`, `%i`, `%f`, `%x`, `%%` with flags and widths.
pub(crate) fn percent_format(
    interp: &mut Interp<'_>,
    format: &str,
    args: &Value,
    node: Node<'_>,
) -> R<Value> {
    let mut values: Vec<Value> = match args {
        Value::Obj(id) => match interp.obj(*id) {
            Obj::Tuple(items) => items.clone(),
            Obj::Dict(_) => return stop("% with a mapping"),
            _ => vec![args.clone()],
        },
        _ => vec![args.clone()],
    };
    values.reverse();
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut opaque = false;
    while let Some(char) = chars.next() {
        if char != '%' {
            out.push(char);
            continue;
        }
        let mut spec = String::new();
        let kind = loop {
            match chars.next() {
                Some(next) if "-+ #0123456789.".contains(next) => spec.push(next),
                Some(next) => break next,
                None => return interp.error(node, "ValueError", "incomplete format"),
            }
        };
        if kind == '%' && spec.is_empty() {
            out.push('%');
            continue;
        }
        let Some(value) = values.pop() else {
            return interp.error(node, "TypeError", "not enough arguments for format string");
        };
        let left = spec.starts_with('-');
        let spec = spec.trim_start_matches('-');
        let rendered = match kind {
            's' => interp.str_of(&value, node)?,
            'r' => interp.repr_of(&value, node)?,
            'd' | 'i' | 'f' | 'F' | 'x' | 'X' => {
                if number(&value).is_none() {
                    let name = interp.type_name(&value);
                    let message = match kind {
                        'd' | 'i' | 'x' | 'X' => {
                            format!("%{kind} format: a real number is required, not {name}")
                        }
                        _ => format!("must be real number, not {name}"),
                    };
                    return interp.error(node, "TypeError", message);
                }
                let value = match (kind, &value) {
                    ('d' | 'i', Value::Float(float)) => Value::Int(float.trunc() as i64),
                    _ => value,
                };
                let python_kind = if kind == 'i' { 'd' } else { kind };
                format_value(interp, &value, &format!("{spec}{python_kind}"), node)?
            }
            _ => return stop(format!("% format code {kind}")),
        };
        match rendered {
            Some(text) => {
                let width: usize = spec
                    .split('.')
                    .next()
                    .unwrap_or("")
                    .trim_start_matches('0')
                    .parse()
                    .unwrap_or(0);
                let length = text.chars().count();
                if matches!(kind, 's' | 'r') && length < width {
                    let padding = " ".repeat(width - length);
                    if left {
                        out.push_str(&text);
                        out.push_str(&padding);
                    } else {
                        out.push_str(&padding);
                        out.push_str(&text);
                    }
                } else if left && length < width {
                    out.push_str(&text);
                    out.push_str(&" ".repeat(width - length));
                } else {
                    out.push_str(&text);
                }
            }
            None => opaque = true,
        }
    }
    if !values.is_empty() {
        return interp.error(
            node,
            "TypeError",
            "not all arguments converted during string formatting",
        );
    }
    if opaque {
        return Ok(Value::Opaque);
    }
    Ok(Value::str(&out))
}
