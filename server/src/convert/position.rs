//! Positions: LSP `line`/`character` (UTF-16 code units unless UTF-8 was negotiated)
//! to byte offsets and back.
//!
//! Line breaks are `\n`, `\r\n` and a lone `\r`, as the LSP specification counts them.
//! Out-of-range positions clamp as the specification says: a character past the end of
//! its line means the end of the line, a line past the last means the end of the text.
//! A position inside a UTF-16 surrogate pair or a UTF-8 sequence moves to the start of
//! that character.

use std::sync::{Arc, Mutex, Weak};

use analysis::{TextRange, TextSize};
use tower_lsp_server::ls_types::{Position, Range};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

/// Byte offsets of line starts and of line content ends (before the terminator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTable {
    starts: Vec<u32>,
    content_ends: Vec<u32>,
}

impl LineTable {
    pub fn new(text: &str) -> LineTable {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        let mut content_ends = Vec::new();
        let mut at = 0usize;
        while at < bytes.len() {
            match bytes[at] {
                b'\n' => {
                    content_ends.push(at as u32);
                    at += 1;
                    starts.push(at as u32);
                }
                b'\r' => {
                    content_ends.push(at as u32);
                    at += if bytes.get(at + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                    starts.push(at as u32);
                }
                _ => at += 1,
            }
        }
        content_ends.push(bytes.len() as u32);
        LineTable {
            starts,
            content_ends,
        }
    }

    /// The table of `text`, shared with the requests before this one that asked for the
    /// same text (the same allocation: an analysis file's text stays one `Arc` until it
    /// changes). A hover on a 6,000-line file otherwise scans the whole text for line
    /// breaks, which costs more than answering it.
    pub fn of(text: &Arc<str>) -> Arc<LineTable> {
        /// The texts seen last. A `Weak` keeps its allocation (not the text) alive, so an
        /// address in the list is never that of another text.
        static RECENT: Mutex<Vec<(Weak<str>, Arc<LineTable>)>> = Mutex::new(Vec::new());
        const KEPT: usize = 16;
        let mut recent = RECENT
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let found = recent
            .iter()
            .position(|(known, _)| std::ptr::addr_eq(known.as_ptr(), Arc::as_ptr(text)));
        if let Some(at) = found {
            let entry = recent.remove(at);
            let table = entry.1.clone();
            recent.push(entry);
            return table;
        }
        drop(recent);
        let table = Arc::new(LineTable::new(text));
        let mut recent = RECENT
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if recent.len() >= KEPT {
            recent.remove(0);
        }
        recent.push((Arc::downgrade(text), table.clone()));
        table
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding `offset`.
    fn line_of(&self, offset: u32) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }
}

/// The byte offset of `position`, clamped into the text.
pub fn offset(
    text: &str,
    lines: &LineTable,
    position: Position,
    encoding: PositionEncoding,
) -> TextSize {
    let line = position.line as usize;
    if line >= lines.line_count() {
        return TextSize::from(text.len() as u32);
    }
    let start = lines.starts[line] as usize;
    let end = lines.content_ends[line] as usize;
    let content = &text[start..end];
    let wanted = position.character as usize;
    let mut units = 0usize;
    for (byte_index, character) in content.char_indices() {
        let width = match encoding {
            PositionEncoding::Utf8 => character.len_utf8(),
            PositionEncoding::Utf16 => character.len_utf16(),
        };
        if units + width > wanted {
            // `wanted` falls inside this character (or exactly at its start).
            return TextSize::from((start + byte_index) as u32);
        }
        units += width;
        if units == wanted {
            return TextSize::from((start + byte_index + character.len_utf8()) as u32);
        }
    }
    TextSize::from(end as u32)
}

/// The LSP position of a byte offset (clamped to the text, and to a char boundary).
pub fn position(
    text: &str,
    lines: &LineTable,
    offset: TextSize,
    encoding: PositionEncoding,
) -> Position {
    let mut offset = (u32::from(offset) as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = lines.line_of(offset as u32);
    let start = lines.starts[line] as usize;
    // An offset inside a `\r\n` terminator belongs to the end of the line's content.
    let end = (lines.content_ends[line] as usize).min(offset);
    let prefix = &text[start..end];
    let character = match encoding {
        PositionEncoding::Utf8 => prefix.len(),
        PositionEncoding::Utf16 => prefix.encode_utf16().count(),
    };
    Position {
        line: line as u32,
        character: character as u32,
    }
}

pub fn range(text: &str, lines: &LineTable, range: TextRange, encoding: PositionEncoding) -> Range {
    Range {
        start: position(text, lines, range.start(), encoding),
        end: position(text, lines, range.end(), encoding),
    }
}

/// `range`, computed on an older text, moved into `text`: each end where [`offset`]
/// lands it (a character past its line's end at the end of the line, a line past the last
/// at the end of the text), in order.
pub fn clamp_range(
    text: &str,
    lines: &LineTable,
    range: Range,
    encoding: PositionEncoding,
) -> Range {
    let clamp = |at: Position| position(text, lines, offset(text, lines, at, encoding), encoding);
    let (start, end) = (clamp(range.start), clamp(range.end));
    Range {
        start: start.min(end),
        end: start.max(end),
    }
}

/// The byte range of an LSP range; a reversed range is put in order.
pub fn text_range(
    text: &str,
    lines: &LineTable,
    range: Range,
    encoding: PositionEncoding,
) -> TextRange {
    let start = offset(text, lines, range.start, encoding);
    let end = offset(text, lines, range.end, encoding);
    if start <= end {
        TextRange::new(start, end)
    } else {
        TextRange::new(end, start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn line_tables_are_shared_per_text_allocation_only() {
        let text: Arc<str> = Arc::from("a\nb\n");
        let first = LineTable::of(&text);
        assert!(Arc::ptr_eq(&first, &LineTable::of(&text.clone())));
        // Equal content in another allocation, then a changed text once the first is
        // gone: each gets the table of its own content.
        let copy: Arc<str> = Arc::from("a\nb\n");
        assert!(!Arc::ptr_eq(&first, &LineTable::of(&copy)));
        drop(text);
        let changed: Arc<str> = Arc::from("a\r\nbc\nd");
        assert_eq!(*LineTable::of(&changed), LineTable::new(&changed));
        assert_eq!(LineTable::of(&changed).line_count(), 3);
    }

    #[test]
    fn ranges_of_an_older_text_clamp_into_the_current_one() {
        let text = "ab\n\u{1F600}x\n";
        let lines = LineTable::new(text);
        let clamp = |start: Position, end: Position| {
            clamp_range(text, &lines, Range { start, end }, PositionEncoding::Utf16)
        };
        // Past the end of a line: the end of that line.
        assert_eq!(
            clamp(pos(0, 1), pos(0, 9)),
            Range {
                start: pos(0, 1),
                end: pos(0, 2)
            }
        );
        // Past the last line: the end of the text.
        assert_eq!(
            clamp(pos(1, 0), pos(7, 3)),
            Range {
                start: pos(1, 0),
                end: pos(2, 0)
            }
        );
        // Inside a surrogate pair: the start of the character.
        assert_eq!(
            clamp(pos(1, 1), pos(1, 3)),
            Range {
                start: pos(1, 0),
                end: pos(1, 3)
            }
        );
        // Ends that cross after clamping stay in order.
        assert_eq!(
            clamp(pos(9, 0), pos(0, 5)),
            Range {
                start: pos(0, 2),
                end: pos(2, 0)
            }
        );
    }

    #[test]
    fn utf16_counts_astral_characters_as_two_units() {
        let text = "a😀b\nx";
        let lines = LineTable::new(text);
        assert_eq!(
            offset(text, &lines, pos(0, 3), PositionEncoding::Utf16),
            TextSize::from(5)
        );
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(
            offset(text, &lines, pos(0, 2), PositionEncoding::Utf16),
            TextSize::from(1)
        );
        assert_eq!(
            position(text, &lines, TextSize::from(5), PositionEncoding::Utf16),
            pos(0, 3)
        );
        assert_eq!(
            position(text, &lines, TextSize::from(5), PositionEncoding::Utf8),
            pos(0, 5)
        );
    }

    #[test]
    fn positions_past_the_line_or_text_clamp() {
        let text = "ab\r\ncd\rlast";
        let lines = LineTable::new(text);
        assert_eq!(lines.line_count(), 3);
        assert_eq!(
            offset(text, &lines, pos(0, 99), PositionEncoding::Utf16),
            TextSize::from(2)
        );
        assert_eq!(
            offset(text, &lines, pos(2, 1), PositionEncoding::Utf16),
            TextSize::from(8)
        );
        assert_eq!(
            offset(text, &lines, pos(7, 0), PositionEncoding::Utf16),
            TextSize::from(text.len() as u32)
        );
        // The `\n` of `\r\n` maps back to the end of line 0.
        assert_eq!(
            position(text, &lines, TextSize::from(3), PositionEncoding::Utf16),
            pos(0, 2)
        );
        assert_eq!(
            position(text, &lines, TextSize::from(4), PositionEncoding::Utf16),
            pos(1, 0)
        );
    }

    #[test]
    fn empty_text_has_one_line() {
        let lines = LineTable::new("");
        assert_eq!(lines.line_count(), 1);
        assert_eq!(
            offset("", &lines, pos(3, 3), PositionEncoding::Utf16),
            TextSize::from(0)
        );
        assert_eq!(
            position("", &lines, TextSize::from(9), PositionEncoding::Utf16),
            pos(0, 0)
        );
    }

    #[test]
    fn reversed_ranges_are_ordered() {
        let text = "hello";
        let lines = LineTable::new(text);
        let reversed = Range {
            start: pos(0, 4),
            end: pos(0, 1),
        };
        assert_eq!(
            text_range(text, &lines, reversed, PositionEncoding::Utf8),
            TextRange::new(1.into(), 4.into())
        );
    }
}
