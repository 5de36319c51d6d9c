//! How a file is laid out, so rendered code fits in: the indentation unit, the line
//! ending, the indentation of a statement, and edits that wrap or precede statements
//! without touching the inside of multi-line strings.

use line_index::{TextRange, TextSize};
use tree_sitter::Node;

use crate::text_edit::TextEdit;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// One level of indentation: a tab, or some spaces.
    pub unit: String,
    /// `\r\n` when the file uses it, else `\n`.
    pub eol: &'static str,
}

impl Layout {
    /// The file's most common indentation step (four spaces when nothing is indented).
    pub fn detect(text: &str) -> Layout {
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut counts: Vec<(&str, usize)> = Vec::new();
        let mut previous: Option<&str> = None;
        for line in text.lines() {
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = &line[..line.len() - trimmed.len()];
            if let Some(previous) = previous {
                if indent.len() > previous.len() && indent.starts_with(previous) {
                    let step = &indent[previous.len()..];
                    match counts.iter_mut().find(|(seen, _)| *seen == step) {
                        Some((_, count)) => *count += 1,
                        None => counts.push((step, 1)),
                    }
                }
            }
            previous = Some(indent);
        }
        let unit = counts
            .iter()
            .max_by_key(|(step, count)| (*count, std::cmp::Reverse(step.len())))
            .map_or("    ", |(step, _)| step);
        Layout {
            unit: unit.to_owned(),
            eol,
        }
    }

    /// Indents rendered `text` (lines separated by `\n`, `{indent}` already replaced by
    /// the unit) by `indent`, ending every line with the file's line ending.
    pub fn lines(&self, text: &str, indent: &str) -> String {
        let mut out = String::new();
        for line in text.split('\n') {
            if !line.is_empty() {
                out.push_str(indent);
                out.push_str(line);
            }
            out.push_str(self.eol);
        }
        out
    }
}

/// The byte offset where the line holding `offset` starts.
pub(crate) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |at| at + 1)
}

/// The byte offset where the line holding `offset` ends (before its line ending).
pub(crate) fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let end = text[offset..]
        .find('\n')
        .map_or(text.len(), |at| offset + at);
    if end > 0 && text.as_bytes().get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

/// Whether `node` is a statement of a block or the module.
pub(crate) fn is_statement(node: Node<'_>) -> bool {
    node.parent()
        .is_some_and(|parent| matches!(parent.kind(), "block" | "module"))
        && !matches!(node.kind(), "comment")
}

/// The statement that holds `node`, when it sits alone on its lines: nothing but
/// indentation before it, nothing but a comment after it. For a compound statement,
/// `node` must be in its header (an `elif` condition cannot be guarded by wrapping the
/// whole `if`).
pub(crate) fn own_line_statement<'t>(text: &str, node: Node<'t>) -> Option<Node<'t>> {
    let mut statement = node;
    while !is_statement(statement) {
        statement = statement.parent()?;
    }
    if let Some(body) = first_block(statement) {
        if node.start_byte() >= body.start_byte() {
            return None;
        }
        if let Some(alternative) = statement.child_by_field_name("alternative") {
            if node.start_byte() >= alternative.start_byte() {
                return None;
            }
        }
    }
    let start = statement.start_byte();
    let before = &text[line_start(text, start)..start];
    if !before.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let after = &text[statement.end_byte()..line_end(text, statement.end_byte())];
    let after = after.trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with('#')) {
        return None;
    }
    // A semicolon-joined line (`a = 1; b = d[k]`) is one line of several statements.
    // A trailing comment is a sibling too, and stays where it is.
    if statement.next_sibling().is_some_and(|next| {
        next.kind() != "comment" && next.start_byte() < line_end(text, statement.end_byte())
    }) {
        return None;
    }
    Some(statement)
}

pub(crate) fn first_block(statement: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = statement.walk();
    statement
        .children(&mut cursor)
        .find(|child| child.kind() == "block")
}

/// The indentation of the line holding `offset`.
pub(crate) fn indentation_at(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// Edits that put `statement` under `if <condition>:` — one line inserted above it and
/// every line of it indented one level, except lines that continue a multi-line string.
pub(crate) fn wrap_statement(
    text: &str,
    layout: &Layout,
    root: Node<'_>,
    statement: Node<'_>,
    condition: &str,
) -> Vec<TextEdit> {
    indent_under_header(text, layout, root, statement, &format!("if {condition}:"))
}

/// Edits that put `statement` in the body of a `try:` whose handlers are the rendered
/// `handlers` lines (`except ValueError:\n{unit}continue`), at the statement's indentation.
pub(crate) fn try_statement(
    text: &str,
    layout: &Layout,
    root: Node<'_>,
    statement: Node<'_>,
    handlers: &str,
) -> Vec<TextEdit> {
    let mut edits = indent_under_header(text, layout, root, statement, "try:");
    let indent = indentation_at(text, statement.start_byte());
    let end = statement.end_byte();
    let after = next_line(text, end);
    let mut inserted = layout.lines(handlers, indent);
    // The statement ends the file without a line ending: the handlers start a new line.
    if after == text.len() && !text[end..].contains('\n') {
        inserted.insert_str(0, layout.eol);
    }
    edits.push(TextEdit::replace(range(after, after), inserted));
    edits
}

/// Edits inserting `header` above `statement` at its indentation and indenting every line
/// of the statement one level, except lines that continue a multi-line string.
fn indent_under_header(
    text: &str,
    layout: &Layout,
    root: Node<'_>,
    statement: Node<'_>,
    header: &str,
) -> Vec<TextEdit> {
    let start = statement.start_byte();
    let first_line = line_start(text, start);
    let indent = indentation_at(text, start);
    let mut edits = vec![TextEdit::replace(
        range(first_line, first_line),
        format!("{indent}{header}{}{}", layout.eol, layout.unit),
    )];
    let mut at = start;
    while let Some(newline) = text[at..statement.end_byte()].find('\n') {
        let next = at + newline + 1;
        at = next;
        if next >= statement.end_byte() {
            break;
        }
        let rest = &text[next..line_end(text, next)];
        if rest.trim().is_empty() || inside_string(root, next) {
            continue;
        }
        edits.push(TextEdit::replace(range(next, next), layout.unit.clone()));
    }
    edits
}

/// Whether `offset` lies inside a string literal that started on an earlier line.
fn inside_string(root: Node<'_>, offset: usize) -> bool {
    let mut node = root.descendant_for_byte_range(offset, offset);
    while let Some(current) = node {
        if current.kind() == "string" && current.start_byte() < offset {
            return true;
        }
        node = current.parent();
    }
    false
}

/// An edit inserting the rendered lines above `statement`, at its indentation.
pub(crate) fn insert_before(
    text: &str,
    layout: &Layout,
    statement: Node<'_>,
    lines: &str,
) -> TextEdit {
    let start = statement.start_byte();
    let first_line = line_start(text, start);
    let indent = indentation_at(text, start);
    TextEdit::replace(range(first_line, first_line), layout.lines(lines, indent))
}

/// Where a new top-level import goes: after the last import of the module's leading
/// imports, else after the docstring and `from __future__` imports, else at the top.
pub(crate) fn import_insertion_offset(text: &str, root: Node<'_>) -> usize {
    let mut offset = 0;
    let mut cursor = root.walk();
    for (position, child) in root.named_children(&mut cursor).enumerate() {
        match child.kind() {
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                offset = next_line(text, child.end_byte());
            }
            "expression_statement"
                if position == 0
                    && child
                        .named_child(0)
                        .is_some_and(|expression| expression.kind() == "string") =>
            {
                offset = next_line(text, child.end_byte());
            }
            "comment" => {}
            // Imports guarded by `try`/`if` blocks still count as the import section.
            "if_statement" | "try_statement" if contains_import(child) => {
                offset = next_line(text, child.end_byte());
            }
            _ => break,
        }
    }
    offset
}

fn contains_import(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).any(|child| {
        matches!(child.kind(), "import_statement" | "import_from_statement")
            || (child.kind() == "block" && contains_import(child))
    })
}

fn next_line(text: &str, offset: usize) -> usize {
    match text[offset.min(text.len())..].find('\n') {
        Some(at) => offset + at + 1,
        None => text.len(),
    }
}

pub(crate) fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_indentation_unit_and_line_ending() {
        let two = Layout::detect("def f():\n  if x:\n    return 1\n  return 2\n");
        assert_eq!((two.unit.as_str(), two.eol), ("  ", "\n"));
        let tabs = Layout::detect("def f():\r\n\tif x:\r\n\t\treturn 1\r\n");
        assert_eq!((tabs.unit.as_str(), tabs.eol), ("\t", "\r\n"));
        assert_eq!(Layout::detect("x = 1\n").unit, "    ");
    }

    #[test]
    fn lines_indent_and_end_every_line() {
        let layout = Layout {
            unit: "  ".into(),
            eol: "\r\n",
        };
        assert_eq!(
            layout.lines("if a:\n  b", "    "),
            "    if a:\r\n      b\r\n"
        );
    }
}
