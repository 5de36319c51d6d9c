//! `csv.reader`, `csv.DictReader` and `io.StringIO` over text the program holds: rows read
//! as CPython's `excel` dialect reads them (comma, `"` quotes with `""` inside, no space
//! skipping). Anything the dialect would treat in a way this reader does not follow — a
//! quoted field running over a line end, text after a closing quote, other dialect
//! options — stops the replay instead of guessing.

use std::rc::Rc;

use tree_sitter::Node;

use super::interp::{Interp, R, stop};
use super::value::*;

/// `io.StringIO(text)`: an iterator over the lines of `text`, line ends kept. Its other
/// methods (`read`, `getvalue`, `write`) are not modelled: using them stops the replay.
pub(crate) fn string_io(
    interp: &mut Interp<'_>,
    args: &[Value],
    kwargs: &[(Rc<str>, Value)],
) -> R<Value> {
    if !kwargs.is_empty() || args.len() > 1 {
        return stop("io.StringIO with options");
    }
    let text = match args.first() {
        None => Rc::from(""),
        Some(Value::Str(text)) => text.clone(),
        Some(_) => return stop("io.StringIO of a non-string"),
    };
    let lines: Vec<Value> = text.split_inclusive('\n').map(Value::str).collect();
    items_iterator(interp, lines)
}

/// An iterator over `items` (the reader objects' other attributes stop the replay).
fn items_iterator(interp: &mut Interp<'_>, items: Vec<Value>) -> R<Value> {
    let id = interp.alloc_id(Obj::Iterator(Iter::Items(Rc::new(items), 0)))?;
    Ok(Value::Obj(id))
}

/// `csv.reader(lines, delimiter=…)`: the rows, as an iterator of lists of strings.
pub(crate) fn reader(
    interp: &mut Interp<'_>,
    args: &[Value],
    kwargs: &[(Rc<str>, Value)],
    node: Node<'_>,
) -> R<Value> {
    let [source] = args else {
        return stop("csv.reader with a dialect");
    };
    let delimiter = delimiter(kwargs, &[])?;
    let rows = rows(interp, source, delimiter, node)?;
    let mut values = Vec::with_capacity(rows.len());
    for row in rows {
        values.push(interp.list(row.into_iter().map(Value::Str).collect())?);
    }
    items_iterator(interp, values)
}

/// `csv.DictReader(lines, fieldnames=None, delimiter=…)`: one dict per non-empty row,
/// keyed by the first row (or `fieldnames`); missing fields are None.
pub(crate) fn dict_reader(
    interp: &mut Interp<'_>,
    args: &[Value],
    kwargs: &[(Rc<str>, Value)],
    node: Node<'_>,
) -> R<Value> {
    let (source, fieldnames) = match args {
        [source] => (
            source,
            kwargs.iter().find(|(name, _)| &**name == "fieldnames"),
        ),
        _ => return stop("csv.DictReader with positional options"),
    };
    let delimiter = delimiter(kwargs, &["fieldnames"])?;
    let mut rows = rows(interp, source, delimiter, node)?.into_iter();
    let header: Vec<Rc<str>> = match fieldnames.map(|(_, value)| value) {
        None | Some(Value::None) => match rows.next() {
            Some(header) => header,
            // No header and no rows: nothing to read.
            None => Vec::new(),
        },
        Some(names) => {
            let mut header = Vec::new();
            for name in interp.collect(names, node)? {
                let Value::Str(name) = name else {
                    return stop("csv.DictReader fieldnames that are not strings");
                };
                header.push(name);
            }
            header
        }
    };
    let mut dicts = Vec::new();
    for row in rows.filter(|row| !row.is_empty()) {
        if row.len() > header.len() {
            // The extra fields go under the `restkey` None.
            return stop("csv.DictReader row longer than its header");
        }
        let mut dict = Dict::new(DictKind::Plain);
        for (position, name) in header.iter().enumerate() {
            let value = row.get(position).cloned().map_or(Value::None, Value::Str);
            dict.entries
                .insert(Key::Str(name.clone()), (Value::Str(name.clone()), value));
        }
        dicts.push(interp.alloc(Obj::Dict(dict))?);
    }
    items_iterator(interp, dicts)
}

/// The `delimiter` keyword (a one-character string), with `allowed` other keywords.
fn delimiter(kwargs: &[(Rc<str>, Value)], allowed: &[&str]) -> R<char> {
    let mut delimiter = ',';
    for (name, value) in kwargs {
        match (&**name, value) {
            ("delimiter", Value::Str(text)) if text.chars().count() == 1 => {
                delimiter = text.chars().next().unwrap_or(',');
            }
            (name, _) if allowed.contains(&name) => {}
            _ => return stop(format!("csv option {name}")),
        }
    }
    if matches!(delimiter, '"' | '\r' | '\n') {
        return stop("csv delimiter");
    }
    Ok(delimiter)
}

/// The rows of the lines `source` yields.
fn rows(
    interp: &mut Interp<'_>,
    source: &Value,
    delimiter: char,
    node: Node<'_>,
) -> R<Vec<Vec<Rc<str>>>> {
    let mut rows = Vec::new();
    for line in interp.collect(source, node)? {
        let Value::Str(line) = line else {
            return stop("csv over items that are not strings");
        };
        match parse_line(&line, delimiter) {
            Some(row) => rows.push(row),
            None => return stop("a csv line this reader does not follow"),
        }
    }
    Ok(rows)
}

/// One line in the `excel` dialect, or None where the dialect does something this reader
/// does not model (a quoted field left open, text after a closing quote, a line break
/// inside the line).
fn parse_line(line: &str, delimiter: char) -> Option<Vec<Rc<str>>> {
    let line = line
        .strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .or_else(|| line.strip_suffix('\r'))
        .unwrap_or(line);
    if line.contains(['\r', '\n']) {
        return None;
    }
    if line.is_empty() {
        return Some(Vec::new());
    }
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(other) => field.push(other),
                    None => return None,
                }
            }
            match chars.next() {
                None => {
                    fields.push(Rc::from(field.as_str()));
                    return Some(fields);
                }
                Some(next) if next == delimiter => {}
                Some(_) => return None,
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(Rc::from(field.as_str()));
                        return Some(fields);
                    }
                    Some(next) if next == delimiter => break,
                    Some(other) => field.push(other),
                }
            }
        }
        fields.push(Rc::from(field.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::parse_line;

    fn row(line: &str) -> Option<Vec<String>> {
        parse_line(line, ',').map(|fields| fields.iter().map(|field| field.to_string()).collect())
    }

    #[test]
    fn excel_dialect_lines() {
        assert_eq!(
            row("a,b,c\n"),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(row("a,,\r\n"), Some(vec!["a".into(), "".into(), "".into()]));
        assert_eq!(row("\n"), Some(vec![]));
        assert_eq!(
            row(r#""x, y","say ""hi""",z"#),
            Some(vec!["x, y".into(), r#"say "hi""#.into(), "z".into()])
        );
        assert_eq!(row(r#"a"b,c"#), Some(vec![r#"a"b"#.into(), "c".into()]));
        assert_eq!(row(" a , b"), Some(vec![" a ".into(), " b".into()]));
        assert_eq!(row(r#""open"#), None);
        assert_eq!(row(r#""a"b,c"#), None);
    }
}
