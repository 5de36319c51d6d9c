//! The tree-sitter parse of a file: total (errors travel inside the tree), incremental
//! and cancellable.
//!
//! A `tree_sitter::Tree` has no meaningful equality, so it travels in a [`TreeHandle`]
//! compared by pointer. Values computed from a tree (the index, inference results) hold
//! byte ranges and ids, never `Node`s.
//!
//! Incremental: each [`SourceFile`] carries a [`ParseBase`], the previous tree edited to
//! match the text, which the host builds when it applies an edit. The host never parses:
//! it edits the tree the last parse built from the current base (the base remembers it,
//! weakly) or, when no parse ran since the last edit, the base itself. A parse of a
//! 100,000-line file takes a second; an edit must not wait for one.
//!
//! Cancellable: tree-sitter reports progress every hundred or so parser operations, and
//! the parse stops there when salsa asks the query to unwind (a write is pending, or the
//! request was cancelled), so a write never waits for a whole parse of a huge file.

use std::cell::{RefCell, UnsafeCell};
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::db::Db;
use crate::input::SourceFile;
use crate::node_table::NodeTable;

/// The tree of one parse, shared by the parse result and the file's [`ParseBase`], and
/// compared by identity.
///
/// A replaced parse result stays in salsa's memory until the parse runs again and then
/// until the next write, so a file whose new text reparses while the old tree is alive
/// holds two trees: ~270 MB for a 1 MB line. For a file over the analysis limits the
/// host therefore releases the old tree when it changes the file's text
/// ([`ParseBase::release_parsed_tree`]), and the next parse starts from scratch.
#[derive(Clone)]
pub struct TreeHandle(Arc<TreeCell>);

struct TreeCell(UnsafeCell<TreeAndTable>);

/// A tree and, once asked for, the child lists of its nodes.
struct TreeAndTable {
    tree: tree_sitter::Tree,
    /// Holds nodes of `tree`, which outlives every borrow of it that
    /// [`TreeCell::nodes`] hands out: both go together, in `release` and on drop.
    nodes: OnceLock<NodeTable<'static>>,
}

// SAFETY: `tree_sitter::Tree` and `Node` are `Send` and `Sync`, and so is the rest of
// the table; the cell is written only by `TreeCell::release`, whose caller guarantees
// that no other reference exists.
unsafe impl Sync for TreeCell {}

impl TreeCell {
    fn tree(&self) -> &tree_sitter::Tree {
        // SAFETY: the tree is replaced only by `release`, whose caller guarantees that no
        // reference handed out here is alive.
        unsafe { &(*self.0.get()).tree }
    }

    fn nodes(&self) -> &NodeTable<'_> {
        // SAFETY: as in `tree`.
        let cell = unsafe { &*self.0.get() };
        cell.nodes.get_or_init(|| {
            let root = cell.tree.root_node();
            // SAFETY: the table is stored next to the tree it comes from and dropped or
            // replaced with it; its nodes leave the cell only as `NodeTable<'_>`, tied
            // to a borrow of the cell (the `'static` never escapes).
            let root: tree_sitter::Node<'static> = unsafe { std::mem::transmute(root) };
            NodeTable::new(root)
        })
    }

    /// Replaces the tree with an empty one and returns it (freeing a million nodes takes
    /// a tenth of a second: the caller decides where).
    ///
    /// # Safety
    /// No reference obtained from [`TreeCell::tree`] may be alive, on any thread.
    unsafe fn release(&self) -> tree_sitter::Tree {
        let empty = TreeAndTable {
            tree: parse_text("", None),
            nodes: OnceLock::new(),
        };
        // SAFETY: guaranteed by the caller.
        unsafe { std::mem::replace(&mut *self.0.get(), empty) }.tree
    }
}

impl TreeHandle {
    fn new(tree: tree_sitter::Tree) -> TreeHandle {
        TreeHandle(Arc::new(TreeCell(UnsafeCell::new(TreeAndTable {
            tree,
            nodes: OnceLock::new(),
        }))))
    }
}

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
        self.tree.0.tree()
    }

    pub fn handle(&self) -> &TreeHandle {
        &self.tree
    }

    pub fn root(&self) -> tree_sitter::Node<'_> {
        self.tree().root_node()
    }

    /// The child lists of the tree's nodes, built on the first call (one walk).
    pub fn nodes(&self) -> &NodeTable<'_> {
        self.tree.0.nodes()
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

/// Parses `text` like [`parse_text`], stopping early when salsa cancels the running
/// query: then this unwinds with salsa's `Cancelled`, like any cancelled query.
pub(crate) fn parse_text_cancellable(
    db: &dyn Db,
    text: &str,
    old: Option<&tree_sitter::Tree>,
) -> tree_sitter::Tree {
    let stopped = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(new_parser);
        let bytes = text.as_bytes();
        let mut read =
            |offset: usize, _: tree_sitter::Point| bytes.get(offset..).unwrap_or_default();
        // The check unwinds; catch it here, since an unwind must not cross tree-sitter's C
        // frames, and stop the parse instead.
        let mut is_cancelled = |_: &tree_sitter::ParseState| {
            std::panic::catch_unwind(AssertUnwindSafe(|| db.unwind_if_revision_cancelled()))
                .is_err()
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut is_cancelled);
        match parser.parse_with_options(&mut read, old, Some(options)) {
            Some(tree) => Ok(tree),
            None => {
                // A stopped parse would resume on the next call, with whatever text.
                parser.reset();
                Err(())
            }
        }
    });
    match stopped {
        Ok(tree) => tree,
        Err(()) => {
            // Stopped because the query is cancelled: unwind out of it now.
            db.unwind_if_revision_cancelled();
            // Not cancelled after all (no other reason stops a parse): parse again.
            parse_text(text, old)
        }
    }
}

/// What the next parse of a file starts from: the previous tree edited to match the
/// file's text, or nothing (a parse from scratch). It also remembers, weakly, the tree
/// that the parse built from it, so that the host edits that tree for the next change
/// without parsing (see the module documentation). Compared by identity: each text
/// change sets a new base.
#[derive(Clone, Default)]
pub struct ParseBase(Arc<ParseBaseInner>);

#[derive(Default)]
struct ParseBaseInner {
    /// Dropped once a parse built on it succeeds: on a huge file that reused little of
    /// it, it would keep a second tree alive.
    edited: Mutex<Option<tree_sitter::Tree>>,
    /// The tree the parse query built from this base, while its memo keeps it alive.
    parsed: Mutex<Weak<TreeCell>>,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every holder leaves the data consistent: a poisoned lock is still usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ParseBase {
    /// A base for a text that `tree` (already adjusted with `Tree::edit`) matches.
    pub fn edited(tree: tree_sitter::Tree) -> ParseBase {
        ParseBase(Arc::new(ParseBaseInner {
            edited: Mutex::new(Some(tree)),
            parsed: Mutex::new(Weak::new()),
        }))
    }

    /// The best tree of the current text to edit for the next change, without parsing:
    /// the last parse, if it is still in memory, else the edited previous tree.
    pub fn latest_tree(&self) -> Option<tree_sitter::Tree> {
        let parsed = locked(&self.0.parsed).upgrade();
        match parsed {
            Some(cell) => Some(cell.tree().clone()),
            None => locked(&self.0.edited).clone(),
        }
    }

    /// Frees the tree that the parse built from this base, and the edited tree, for a
    /// file whose text just changed (see [`TreeHandle`]).
    ///
    /// # Safety
    /// No reference into the parse results of this base's revision may be alive: the
    /// caller has just written to the database (which cancelled every snapshot and
    /// waited for them to be dropped) and holds none itself. Those results are stale:
    /// the file's text changed, so salsa parses it again before anyone reads its tree.
    /// Returns the trees, to be dropped where it costs nobody a wait.
    pub(crate) unsafe fn release_parsed_tree(&self) -> Vec<tree_sitter::Tree> {
        let mut released: Vec<tree_sitter::Tree> =
            locked(&self.0.edited).take().into_iter().collect();
        let parsed = locked(&self.0.parsed).upgrade();
        if let Some(cell) = parsed {
            // SAFETY: guaranteed by the caller.
            released.push(unsafe { cell.release() });
        }
        released
    }

    /// Whether a tree of this file is in memory: the one the parse query built from this
    /// base (its memo, or a reader, holds it), or the edited previous tree that the next
    /// parse starts from (the file is being edited: that parse is incremental and cheap).
    /// Read by per-file summaries to choose between the memoized tree and a private parse
    /// (see `index::SummarySyntax`); the answer changes the cost of a summary, never its
    /// value.
    pub(crate) fn has_tree(&self) -> bool {
        locked(&self.0.parsed).strong_count() > 0 || locked(&self.0.edited).is_some()
    }

    /// The edited previous tree to parse from (a cheap copy), if it is still there.
    fn edited_tree(&self) -> Option<tree_sitter::Tree> {
        locked(&self.0.edited).clone()
    }

    fn record_parse(&self, tree: &TreeHandle) {
        *locked(&self.0.parsed) = Arc::downgrade(&tree.0);
        locked(&self.0.edited).take();
    }
}

impl PartialEq for ParseBase {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for ParseBase {}

impl fmt::Debug for ParseBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ParseBase({})",
            if locked(&self.0.edited).is_some() {
                "edited tree"
            } else if locked(&self.0.parsed).strong_count() > 0 {
                "parsed"
            } else {
                "from scratch"
            }
        )
    }
}

/// The node table of `parsed` when the database keeps them ([`Db::node_tables`]), else
/// an empty table, whose every answer comes from tree-sitter.
pub(crate) fn node_table<'a>(db: &dyn Db, parsed: &'a ParsedFile) -> &'a NodeTable<'a> {
    if db.node_tables() {
        parsed.nodes()
    } else {
        NodeTable::empty()
    }
}

/// The syntax tree of `file`.
#[salsa::tracked(returns(ref), no_eq, lru = 256)]
pub fn parse(db: &dyn Db, file: SourceFile) -> ParsedFile {
    let text = file.text(db);
    let base = file.parse_base(db);
    let old = base.edited_tree();
    let tree = TreeHandle::new(parse_text_cancellable(db, text, old.as_ref()));
    drop(old);
    base.record_parse(&tree);
    ParsedFile { tree }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use line_index::TextRange;

    use crate::text_edit::TextEdit;
    use crate::{AnalysisHost, Change};

    const PATH: &str = "/parse/module.py";

    fn host_with(text: &str) -> AnalysisHost {
        let mut host = AnalysisHost::with_event_log();
        let mut change = Change::default();
        change.set_file(Path::new(PATH), text);
        host.apply_change(change);
        host
    }

    /// The tree of the file, parsed now, with whether its base was an edited tree.
    fn parsed(host: &AnalysisHost) -> (String, String) {
        let db = host.raw_database();
        let file = db.file(Path::new(PATH)).expect("the file was added");
        let base = format!("{:?}", file.parse_base(db));
        (super::parse(db, file).root().to_sexp(), base)
    }

    fn fresh_parse(text: &str) -> String {
        super::parse_text(text, None).root_node().to_sexp()
    }

    fn edit(host: &mut AnalysisHost, start: u32, end: u32, insert: &str) {
        let mut change = Change::default();
        change.edit_file(
            Path::new(PATH),
            vec![TextEdit::replace(
                TextRange::new(start.into(), end.into()),
                insert,
            )],
        );
        host.apply_change(change);
    }

    #[test]
    fn edits_with_no_parse_between_them_chain_onto_the_last_tree() {
        let mut host = host_with("def f(a):\n    return a\n");
        parsed(&host);
        host.take_executed_queries();
        // Two edits, nothing asked in between: the host does not parse for either.
        edit(&mut host, 14, 22, "b = a\n    return b");
        edit(&mut host, 0, 0, "import os\n");
        assert_eq!(host.take_executed_queries(), Vec::<String>::new());
        let (tree, base) = parsed(&host);
        assert_eq!(base, "ParseBase(edited tree)");
        let text = host
            .file_text(host.file_id(Path::new(PATH)).expect("the file exists"))
            .to_string();
        assert_eq!(text, "import os\ndef f(a):\n    b = a\n    return b\n");
        assert_eq!(tree, fresh_parse(&text));
    }

    #[test]
    fn a_whole_text_replacement_edits_the_last_tree() {
        let mut host = host_with("x = 1\ny = 2\n");
        parsed(&host);
        let mut change = Change::default();
        change.set_file(Path::new(PATH), "x = 1\ny = [2,\n");
        host.apply_change(change);
        let (tree, base) = parsed(&host);
        assert_eq!(base, "ParseBase(edited tree)");
        assert_eq!(tree, fresh_parse("x = 1\ny = [2,\n"));
    }

    #[test]
    fn a_file_over_the_limits_frees_its_old_tree_when_edited() {
        let text = "x = 1\n".repeat(crate::limits::FULL_ANALYSIS_MAX_LINES + 1);
        let mut host = host_with(&text);
        let old_tree = {
            let db = host.raw_database();
            let file = db.file(Path::new(PATH)).expect("the file was added");
            super::parse(db, file).handle().clone()
        };
        assert_eq!(old_tree.0.tree().root_node().child_count(), 30_001);
        edit(&mut host, 0, 0, "y = 2\n");
        // The previous parse result still exists (salsa keeps it until the next write),
        // but its tree is gone; the new text is parsed from scratch.
        assert_eq!(old_tree.0.tree().root_node().child_count(), 0);
        let (tree, base) = parsed(&host);
        assert_eq!(base, "ParseBase(from scratch)");
        assert_eq!(tree, fresh_parse(&format!("y = 2\n{text}")));
    }

    #[test]
    fn replacing_a_text_by_itself_changes_nothing() {
        let mut host = host_with("x = 1\n");
        parsed(&host);
        host.take_executed_queries();
        let mut change = Change::default();
        change.set_file(Path::new(PATH), "x = 1\n");
        host.apply_change(change);
        parsed(&host);
        assert_eq!(host.take_executed_queries(), Vec::<String>::new());
    }
}
