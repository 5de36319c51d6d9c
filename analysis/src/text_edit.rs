//! Text edits in byte offsets, and their translation into tree-sitter `InputEdit`s.
//!
//! Edits of one change apply in sequence: each range refers to the text produced by the
//! edits before it, exactly like the content changes of an LSP `didChange`.

use line_index::{TextRange, TextSize};

/// Replace `range` (byte offsets into the current text) by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub insert: String,
}

impl TextEdit {
    pub fn replace(range: TextRange, insert: impl Into<String>) -> Self {
        TextEdit {
            range,
            insert: insert.into(),
        }
    }
}

/// Clamps `range` into `text`: ends past the end move to the end, offsets inside a
/// UTF-8 sequence move back to its start. (`TextRange` cannot be reversed: callers
/// order the ends when they build it.)
pub fn clamp_range(text: &str, range: TextRange) -> TextRange {
    let start = floor_char_boundary(text, u32::from(range.start()) as usize);
    let end = floor_char_boundary(text, u32::from(range.end()) as usize);
    TextRange::new(TextSize::from(start as u32), TextSize::from(end as u32))
}

/// The largest char boundary `<= offset`, clamped to the text length.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    let mut offset = offset;
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Applies one edit in place, returning the matching tree-sitter edit.
pub fn apply_edit(text: &mut String, edit: &TextEdit) -> tree_sitter::InputEdit {
    let range = clamp_range(text, edit.range);
    let start_byte = u32::from(range.start()) as usize;
    let old_end_byte = u32::from(range.end()) as usize;
    let start_position = point_at(text, start_byte);
    let old_end_position = point_at(text, old_end_byte);
    text.replace_range(start_byte..old_end_byte, &edit.insert);
    let new_end_byte = start_byte + edit.insert.len();
    let new_end_position = advance_point(start_position, edit.insert.as_bytes());
    tree_sitter::InputEdit {
        start_byte,
        old_end_byte,
        new_end_byte,
        start_position,
        old_end_position,
        new_end_position,
    }
}

/// The one edit that turns `old` into `new`: the span between their common prefix and
/// their common suffix. `None` when the texts are equal. (A client that sends whole
/// documents changes a line or two at a time; this lets the parse reuse the rest.)
pub fn diff_edit(old: &str, new: &str) -> Option<tree_sitter::InputEdit> {
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let prefix = old_bytes
        .iter()
        .zip(new_bytes)
        .take_while(|(left, right)| left == right)
        .count();
    if prefix == old.len() && prefix == new.len() {
        return None;
    }
    let longest_suffix = old.len().min(new.len()) - prefix;
    let suffix = old_bytes
        .iter()
        .rev()
        .zip(new_bytes.iter().rev())
        .take(longest_suffix)
        .take_while(|(left, right)| left == right)
        .count();
    let start_position = point_at(old, prefix);
    Some(tree_sitter::InputEdit {
        start_byte: prefix,
        old_end_byte: old.len() - suffix,
        new_end_byte: new.len() - suffix,
        start_position,
        old_end_position: point_at(old, old.len() - suffix),
        new_end_position: advance_point(start_position, &new_bytes[prefix..new.len() - suffix]),
    })
}

/// Applies `edits` in order and returns the new text.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut text = text.to_owned();
    for edit in edits {
        apply_edit(&mut text, edit);
    }
    text
}

/// Row and byte column of `offset`, as tree-sitter counts them (rows split at `\n`).
fn point_at(text: &str, offset: usize) -> tree_sitter::Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&byte| byte == b'\n').count();
    let column = match before.iter().rposition(|&byte| byte == b'\n') {
        Some(newline) => offset - newline - 1,
        None => offset,
    };
    tree_sitter::Point { row, column }
}

fn advance_point(start: tree_sitter::Point, inserted: &[u8]) -> tree_sitter::Point {
    match inserted.iter().rposition(|&byte| byte == b'\n') {
        Some(last_newline) => tree_sitter::Point {
            row: start.row + inserted.iter().filter(|&&byte| byte == b'\n').count(),
            column: inserted.len() - last_newline - 1,
        },
        None => tree_sitter::Point {
            row: start.row,
            column: start.column + inserted.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_text;

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(start.into(), end.into())
    }

    #[test]
    fn edits_apply_in_sequence() {
        let edits = [
            TextEdit::replace(range(0, 1), "y"),
            TextEdit::replace(range(1, 1), "yy"),
        ];
        assert_eq!(apply_edits("x = 1", &edits), "yyy = 1");
    }

    #[test]
    fn out_of_range_edits_are_clamped() {
        assert_eq!(
            apply_edits("abc", &[TextEdit::replace(range(2, 99), "Z")]),
            "abZ"
        );
        // Offset 2 is inside the two-byte `é`: it moves back to the start of the char.
        assert_eq!(
            apply_edits("aé", &[TextEdit::replace(range(2, 2), "!")]),
            "a!é"
        );
    }

    #[test]
    fn incremental_reparse_matches_full_parse() {
        let mut text = String::from("def f(a):\n    return a\n\nx = f(1)\n");
        let mut tree = parse_text(&text, None);
        let edits = [
            TextEdit::replace(range(14, 14), "\n    b = a + 1"),
            TextEdit::replace(range(0, 3), "async def"),
            TextEdit::replace(range(5, 5), "é"),
        ];
        for edit in &edits {
            let input_edit = apply_edit(&mut text, edit);
            tree.edit(&input_edit);
            tree = parse_text(&text, Some(&tree));
            let full = parse_text(&text, None);
            assert_eq!(
                tree.root_node().to_sexp(),
                full.root_node().to_sexp(),
                "after {edit:?}: {text}"
            );
        }
    }

    #[test]
    fn diff_edit_spans_what_changed_between_two_texts() {
        assert_eq!(diff_edit("x = 1\n", "x = 1\n"), None);
        let old = "def f(a):\n    return a\n\nx = f(1)\n";
        let new = "def f(a):\n    b = a\n    return b\n\nx = f(1)\n";
        let edit = diff_edit(old, new).expect("the texts differ");
        assert_eq!(
            (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
            (14, 22, 32)
        );
        assert_eq!(edit.start_position, tree_sitter::Point::new(1, 4));
        assert_eq!(edit.old_end_position, tree_sitter::Point::new(1, 12));
        assert_eq!(edit.new_end_position, tree_sitter::Point::new(2, 12));
        let mut tree = parse_text(old, None);
        tree.edit(&edit);
        assert_eq!(
            parse_text(new, Some(&tree)).root_node().to_sexp(),
            parse_text(new, None).root_node().to_sexp()
        );
        // `é` and `è` share their first byte: the edit may split a character, and must
        // not panic doing so.
        let edit = diff_edit("s = 'é'\n", "s = 'è'\n").expect("the texts differ");
        assert_eq!(
            (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
            (6, 7, 7)
        );
        // Deleting everything, inserting into nothing.
        let edit = diff_edit("abc", "").expect("the texts differ");
        assert_eq!(
            (edit.start_byte, edit.old_end_byte, edit.new_end_byte),
            (0, 3, 0)
        );
        let edit = diff_edit("", "ab\nc").expect("the texts differ");
        assert_eq!(edit.new_end_position, tree_sitter::Point::new(1, 1));
    }
}
