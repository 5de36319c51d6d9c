//! The syntax pass: tree-sitter ERROR/MISSING nodes and Python 2 constructs CPython 3 rejects.
//!
//! STUB: being written in a scratch crate; the interface below is fixed.

use line_index::TextRange;

/// One syntax problem with a tight range and a one-sentence message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// Collects every syntax error of `tree` (parsed from `text`), in source order.
pub fn syntax_errors(tree: &tree_sitter::Tree, text: &str) -> Vec<SyntaxError> {
    let _ = (tree, text);
    Vec::new()
}
