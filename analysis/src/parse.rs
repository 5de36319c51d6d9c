//! The tree-sitter parse of a file: total (errors travel inside the tree) and incremental.
//!
//! A `tree_sitter::Tree` has no meaningful equality, so it travels in a [`TreeHandle`]
//! compared by pointer. Values computed from a tree (the index, inference results) hold
//! byte ranges and ids, never `Node`s.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use crate::db::Db;
use crate::input::SourceFile;

/// A shared tree compared by identity.
#[derive(Clone)]
pub struct TreeHandle(pub Arc<tree_sitter::Tree>);

impl PartialEq for TreeHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for TreeHandle {}

impl fmt::Debug for TreeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TreeHandle({:p})", Arc::as_ptr(&self.0))
    }
}

/// The parse result of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedFile {
    tree: TreeHandle,
}

impl ParsedFile {
    pub fn tree(&self) -> &tree_sitter::Tree {
        &self.tree.0
    }

    pub fn handle(&self) -> &TreeHandle {
        &self.tree
    }

    pub fn root(&self) -> tree_sitter::Node<'_> {
        self.tree.0.root_node()
    }
}

thread_local! {
    static PARSER: RefCell<Option<tree_sitter::Parser>> = const { RefCell::new(None) };
}

/// Parses `text`, reusing `old` (already adjusted with `Tree::edit`) when given.
pub fn parse_text(text: &str, old: Option<&tree_sitter::Tree>) -> tree_sitter::Tree {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(new_parser);
        match parser.parse(text, old) {
            Some(tree) => tree,
            // tree-sitter returns `None` only without a language, after a timeout or a
            // cancellation flag; none is set here. Start from a fresh parser to be safe.
            None => {
                *parser = new_parser();
                parser
                    .parse(text, None)
                    .unwrap_or_else(|| empty_tree(parser))
            }
        }
    })
}

fn new_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    // Invariant: the bundled grammar is ABI-compatible with the pinned tree-sitter.
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("tree-sitter-python matches the tree-sitter ABI");
    parser
}

fn empty_tree(parser: &mut tree_sitter::Parser) -> tree_sitter::Tree {
    parser.reset();
    // Invariant: parsing the empty string with a language set always succeeds.
    parser
        .parse("", None)
        .expect("parsing an empty string succeeds")
}

/// The syntax tree of `file`.
#[salsa::tracked(returns(ref), no_eq, lru = 256)]
pub fn parse(db: &dyn Db, file: SourceFile) -> ParsedFile {
    let text = file.text(db);
    let old = file.edited_tree(db).as_ref().map(|handle| &*handle.0);
    ParsedFile {
        tree: TreeHandle(Arc::new(parse_text(text, old))),
    }
}
