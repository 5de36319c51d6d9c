//! Moving around a file's tree in time that does not grow with its size or depth.
//!
//! tree-sitter nodes do not store their parent: `Node::parent` and
//! `Node::descendant_for_byte_range` search down from the root, scanning the children of
//! every node on the way. One call costs the node's depth times the width of the nodes
//! above it, so a walk up to the statement costs the depth squared. Rules walk up from
//! every name and operation, which made these files take minutes:
//!
//! ```python
//! y = x + x + x + ...     # 20,000 terms: every `x` is up to 20,000 nodes deep
//! v0 = a + 0              # 100,000 statements at module level: the root is
//! v1 = a + 1              # 100,000 children wide
//! ```
//!
//! [`TreeNavigator`] is built per rules run from the tree's node table (one cursor walk
//! per parse, shared with the interpreter: [`NodeTable`]). It keeps the parent of
//! every node and the innermost node of every range, so a step up and a lookup by range
//! cost one hash lookup (a walk up from each name of a 6,000-line file used to spend a
//! third of the rules' time descending from the root), and for the rare nodes with more
//! than [`WIDE_NODE`] children, those children in order. Zero-width ranges are found by
//! a descent from the root that binary-searches wide nodes and never goes deeper than
//! [`TABLE_DEPTH`].
//!
//! Walks up are capped at [`MAX_ANCESTOR_STEPS`]: past it a walk ends as if it had met
//! its boundary, a degraded answer for code CPython itself refuses to compile.

use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use crate::node_table::NodeTable;

/// Nodes nested deeper than this are in the navigator's tables.
const TABLE_DEPTH: usize = 48;

/// Nodes with more children than this have their children in the navigator's tables.
const WIDE_NODE: usize = 32;

/// The navigator's node table: the parse's own or one of its own.
#[derive(Clone)]
enum TableRef<'t> {
    Shared(&'t NodeTable<'t>),
    Owned(Rc<NodeTable<'t>>),
}

impl<'t> TableRef<'t> {
    fn get(&self) -> &NodeTable<'t> {
        match self {
            TableRef::Shared(table) => table,
            TableRef::Owned(table) => table,
        }
    }
}

/// Every node of a tree in preorder ([`TreeNavigator::nodes`]).
pub enum Nodes<'t> {
    Shared(&'t [Node<'t>]),
    Owned(Rc<NodeTable<'t>>),
}

impl<'t> std::ops::Deref for Nodes<'t> {
    type Target = [Node<'t>];

    fn deref(&self) -> &[Node<'t>] {
        match self {
            Nodes::Shared(nodes) => nodes,
            Nodes::Owned(table) => table.preorder(),
        }
    }
}

/// An ancestor walk stops after this many steps (CPython refuses more than 200 nested
/// brackets).
pub const MAX_ANCESTOR_STEPS: usize = 256;

pub struct TreeNavigator<'t> {
    root: Node<'t>,
    /// Every node of the tree in preorder with its parent and the end of its subtree:
    /// the parse's own (shared with the interpreter) or one built for this navigator.
    table: TableRef<'t>,
    /// The innermost node spanning each non-empty range. Several nodes may span one
    /// range (a call and its expression statement); the walk meets the outer first, so
    /// the inner one overwrites it. Zero-width nodes are left to the descent.
    by_range: FxHashMap<(usize, usize), Node<'t>>,
    /// The innermost node deeper than [`TABLE_DEPTH`] spanning each zero-width range.
    deep_empty_by_range: FxHashMap<(usize, usize), Node<'t>>,
    /// The children of every node with more than [`WIDE_NODE`] children, in order.
    wide_children: FxHashMap<usize, Vec<Node<'t>>>,
}

impl<'t> TreeNavigator<'t> {
    /// The navigator of the tree whose node table is `table` (one pass over the table).
    pub fn new(table: &'t NodeTable<'t>) -> TreeNavigator<'t> {
        Self::build(TableRef::Shared(table))
    }

    /// The navigator of the tree under `root`, with a node table of its own (one walk).
    pub fn with_own_table(root: Node<'t>) -> TreeNavigator<'t> {
        Self::build(TableRef::Owned(Rc::new(NodeTable::new(root))))
    }

    fn build(table_ref: TableRef<'t>) -> TreeNavigator<'t> {
        let shared = table_ref.clone();
        let table = shared.get();
        let nodes = table.preorder();
        let mut navigator = TreeNavigator {
            root: nodes[0],
            table: table_ref,
            by_range: FxHashMap::default(),
            deep_empty_by_range: FxHashMap::default(),
            wide_children: FxHashMap::default(),
        };
        // By preorder index: how many ancestors the node has.
        let mut depth: Vec<u32> = Vec::with_capacity(nodes.len());
        for (index, &node) in nodes.iter().enumerate() {
            let parent = table.parent_index(index);
            let node_depth = match parent {
                NodeTable::NO_PARENT => 0,
                parent => depth[parent as usize] + 1,
            };
            depth.push(node_depth);
            let range = (node.start_byte(), node.end_byte());
            if range.0 < range.1 {
                navigator.by_range.insert(range, node);
            } else if node_depth as usize > TABLE_DEPTH {
                navigator.deep_empty_by_range.insert(range, node);
            }
            // Only a node with many descendants can have many children.
            if table.subtree_end(index) - index > WIDE_NODE + 1
                && table.child_indexes(index).nth(WIDE_NODE).is_some()
            {
                let children = table.child_indexes(index).map(|child| nodes[child]);
                navigator
                    .wide_children
                    .insert(node.id(), children.collect());
            }
        }
        navigator
    }

    /// Every node of the tree, root first, in source order (a handle the caller may keep
    /// while it changes the context that owns the navigator).
    pub fn nodes(&self) -> Nodes<'t> {
        match &self.table {
            TableRef::Shared(table) => Nodes::Shared(table.preorder()),
            TableRef::Owned(table) => Nodes::Owned(Rc::clone(table)),
        }
    }

    /// `node` and all its descendants, in source order (the order of
    /// `dotted::descendants(node)`), as a slice of [`TreeNavigator::nodes`]; `None` for a
    /// node of another tree.
    pub fn subtree(&self, node: Node<'t>) -> Option<&[Node<'t>]> {
        let table = self.table.get();
        let start = table.index_of(node)?;
        let end = table.subtree_end(start);
        table.preorder().get(start..end)
    }

    /// The parent of `node` (a node of this tree).
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node.id() == self.root.id() {
            return None;
        }
        let table = self.table.get();
        if let Some(index) = table.index_of(node) {
            let parent = table.parent_index(index);
            return table.preorder().get(parent as usize).copied();
        }
        let (start, end) = (node.start_byte(), node.end_byte());
        let mut current = self.root;
        for _ in 0..=TABLE_DEPTH + 1 {
            let child = self.child_toward(current, start, end, Some(node.id()))?;
            if child.id() == node.id() {
                return Some(current);
            }
            current = child;
        }
        // Not found on the way down (a zero-width node among zero-width siblings).
        node.parent()
    }

    /// The sibling just before `node` (named or not).
    pub fn previous_sibling(&self, node: Node<'t>) -> Option<Node<'t>> {
        let parent = self.parent(node)?;
        if let Some(children) = self.wide_children.get(&parent.id()) {
            // Children are in order and do not overlap: search by start, then step over
            // the zero-width ones sharing it.
            let first = children.partition_point(|child| child.start_byte() < node.start_byte());
            let at = children[first..]
                .iter()
                .take_while(|child| child.start_byte() == node.start_byte())
                .position(|child| child.id() == node.id())
                .map(|offset| first + offset);
            return at.and_then(|at| at.checked_sub(1)).map(|at| children[at]);
        }
        let table = self.table.get();
        let children: Vec<Node<'t>> = match table.index_of(parent) {
            Some(index) => table
                .child_indexes(index)
                .map(|child| table.preorder()[child])
                .collect(),
            None => parent.children(&mut parent.walk()).collect(),
        };
        let mut previous = None;
        for child in children {
            if child.id() == node.id() {
                return previous;
            }
            previous = Some(child);
        }
        None
    }

    /// The ancestors of `node`, nearest first, at most [`MAX_ANCESTOR_STEPS`] of them
    /// (each step a table lookup).
    pub fn ancestors(&self, node: Node<'t>) -> impl Iterator<Item = Node<'t>> + '_ {
        std::iter::successors(self.parent(node), |node| self.parent(*node)).take(MAX_ANCESTOR_STEPS)
    }

    /// The innermost node spanning exactly `start..end`, if there is one.
    pub fn node_at(&self, start: usize, end: usize) -> Option<Node<'t>> {
        if start < end {
            // Nodes spanning one non-empty range are nested in one another: the table
            // holds the innermost, which is where a descent would end too.
            return self.by_range.get(&(start, end)).copied();
        }
        if let Some(node) = self.deep_empty_by_range.get(&(start, end)) {
            return Some(*node);
        }
        let mut current = self.root;
        let mut exact = None;
        // Deeper zero-width nodes are in `deep_empty_by_range`: the descent can stop there.
        for _ in 0..=TABLE_DEPTH + 1 {
            if current.start_byte() == start && current.end_byte() == end {
                exact = Some(current);
            }
            match self.child_toward(current, start, end, None) {
                Some(child) => current = child,
                None => break,
            }
        }
        exact
    }

    /// The child of `node` spanning `start..end`: the one with id `wanted` when it is
    /// among them, else the last one.
    fn child_toward(
        &self,
        node: Node<'t>,
        start: usize,
        end: usize,
        wanted: Option<usize>,
    ) -> Option<Node<'t>> {
        let spans = |child: &Node<'t>| child.start_byte() <= start && end <= child.end_byte();
        if let Some(children) = self.wide_children.get(&node.id()) {
            let after = children.partition_point(|child| child.start_byte() <= start);
            // Zero-width children may share a start: look back over them.
            let mut found = None;
            for child in children[..after].iter().rev() {
                if spans(child) {
                    if wanted == Some(child.id()) {
                        return Some(*child);
                    }
                    found.get_or_insert(*child);
                }
                if child.start_byte() < start && child.end_byte() < start {
                    break;
                }
            }
            return found;
        }
        let mut cursor = node.walk();
        if !cursor.goto_first_child() {
            return None;
        }
        let mut found = None;
        loop {
            let child = cursor.node();
            if child.start_byte() > start {
                break;
            }
            if spans(&child) {
                if wanted == Some(child.id()) {
                    return Some(child);
                }
                found = Some(child);
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_text;

    /// Every node of the tree, with tree-sitter's own parent, in preorder.
    fn all_nodes(tree: &tree_sitter::Tree) -> Vec<(Node<'_>, Option<Node<'_>>)> {
        let mut out = Vec::new();
        let mut stack = vec![(tree.root_node(), None)];
        while let Some((node, parent)) = stack.pop() {
            out.push((node, parent));
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            for child in children.into_iter().rev() {
                stack.push((child, Some(node)));
            }
        }
        out
    }

    fn assert_agrees_with_tree_sitter(text: &str) {
        let tree = parse_text(text, None);
        let table = NodeTable::new(tree.root_node());
        let navigator = TreeNavigator::new(&table);
        for (node, parent) in all_nodes(&tree) {
            assert_eq!(
                navigator.parent(node).map(|parent| parent.id()),
                parent.map(|parent| parent.id()),
                "parent of {} at {:?} in {text:.60?}",
                node.kind(),
                node.byte_range(),
            );
            let expected_ancestors: Vec<usize> =
                std::iter::successors(parent, |ancestor| ancestor.parent())
                    .take(MAX_ANCESTOR_STEPS)
                    .map(|ancestor| ancestor.id())
                    .collect();
            assert_eq!(
                navigator
                    .ancestors(node)
                    .map(|ancestor| ancestor.id())
                    .collect::<Vec<_>>(),
                expected_ancestors,
                "ancestors of {} at {:?} in {text:.60?}",
                node.kind(),
                node.byte_range(),
            );
            let (start, end) = (node.start_byte(), node.end_byte());
            let expected = {
                let mut found = tree.root_node().descendant_for_byte_range(start, end);
                while let Some(candidate) = found {
                    if candidate.start_byte() == start && candidate.end_byte() == end {
                        break;
                    }
                    found = candidate.parent();
                }
                found
            };
            if start < end {
                assert_eq!(
                    navigator.node_at(start, end).map(|node| node.id()),
                    expected.map(|node| node.id()),
                    "node at {start}..{end} in {text:.60?}"
                );
            }
            let expected_subtree: Vec<usize> = crate::rules::dotted::descendants(node)
                .map(|descendant| descendant.id())
                .collect();
            assert_eq!(
                navigator
                    .subtree(node)
                    .map(|nodes| nodes.iter().map(|node| node.id()).collect::<Vec<_>>()),
                Some(expected_subtree),
                "subtree of {} at {:?} in {text:.60?}",
                node.kind(),
                node.byte_range(),
            );
        }
    }

    #[test]
    fn agrees_with_tree_sitter_on_ordinary_code() {
        assert_agrees_with_tree_sitter(
            "import os\n\ndef f(a, b=1):\n    if a:\n        return os.path.join(a, b)\n    return [x for x in b if x]\n",
        );
    }

    #[test]
    fn agrees_with_tree_sitter_on_wide_and_deep_trees() {
        let wide: String = (0..300).map(|i| format!("v{i} = a + {i}\n")).collect();
        assert_agrees_with_tree_sitter(&wide);
        let deep = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
        assert_agrees_with_tree_sitter(&deep);
        let chain = format!("y = {}\n", vec!["x"; 300].join(" + "));
        assert_agrees_with_tree_sitter(&chain);
    }

    #[test]
    fn agrees_with_tree_sitter_on_broken_code() {
        assert_agrees_with_tree_sitter("def f(:\n  x = [1, 2\n  return )\nclass\n");
        let wide_broken: String = (0..100).map(|i| format!("f({i},\n")).collect();
        assert_agrees_with_tree_sitter(&wide_broken);
    }

    #[test]
    fn ancestor_walks_are_capped() {
        let chain = format!("y = {}\n", vec!["x"; 2_000].join(" + "));
        let tree = parse_text(&chain, None);
        let table = NodeTable::new(tree.root_node());
        let navigator = TreeNavigator::new(&table);
        let first_x = navigator.node_at(4, 5).expect("the first `x`");
        assert_eq!(first_x.kind(), "identifier");
        assert_eq!(navigator.ancestors(first_x).count(), MAX_ANCESTOR_STEPS);
    }

    #[test]
    fn previous_siblings_in_wide_and_narrow_nodes() {
        let comparison = format!("y = {}\n", vec!["a"; 100].join(" < "));
        for text in [comparison.as_str(), "f(a, b)\n"] {
            let tree = parse_text(text, None);
            let table = NodeTable::new(tree.root_node());
            let navigator = TreeNavigator::new(&table);
            for (node, _) in all_nodes(&tree) {
                assert_eq!(
                    navigator.previous_sibling(node).map(|sibling| sibling.id()),
                    node.prev_sibling().map(|sibling| sibling.id()),
                    "previous sibling of {} at {:?}",
                    node.kind(),
                    node.byte_range()
                );
            }
        }
    }
}
