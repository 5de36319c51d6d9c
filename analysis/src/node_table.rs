//! The children of every node of one parse tree, in flat arrays built in one cursor walk
//! and kept with the tree ([`crate::ParsedFile::nodes`]).
//!
//! tree-sitter stores no child lists: a node's children come from a cursor that steps
//! through the tree's hidden (supertype, alias) nodes, some 600 instructions a step, and
//! `Node::child_by_field_id` walks the children again for every lookup. The interpreter
//! reads the same nodes again and again, since every call-site specialised run of a
//! function interprets its body anew:
//!
//! ```python
//! def scale(value, factor):     # `scale(1, 2)` and `scale(x, 3)` each run this body:
//!     if factor > 1:            # the block's statements, the comparison's operands,
//!         return value * factor # the binary operator's fields are looked up once per run
//!     return value
//! ```
//!
//! A [`NodeTable`] answers those lookups with one hash lookup (node id → preorder index)
//! and a slice. Its answers are exactly tree-sitter's: the same `Node` values in the same
//! order, since they were collected by the same cursor steps. A node of another tree
//! (never asked for in practice) falls back to tree-sitter.

use rustc_hash::FxHashMap;
use tree_sitter::Node;

/// The child lists of one tree. `'t` is the tree's lifetime.
///
/// Nodes are numbered in preorder, so a node's first child is the next node and each
/// further child starts where the previous child's subtree ends: the child lists need
/// no storage of their own.
pub struct NodeTable<'t> {
    /// Every node in preorder (the root first).
    nodes: Vec<Node<'t>>,
    /// The preorder index of every node, by node id.
    index_by_id: FxHashMap<usize, u32>,
    /// By preorder index: the index of the node's parent ([`NodeTable::NO_PARENT`] for
    /// the root).
    parent: Vec<u32>,
    /// By preorder index: the index just past the node's last descendant, so that a
    /// node's subtree is `nodes[index..subtree_end[index]]`.
    subtree_end: Vec<u32>,
    /// By preorder index: the grammar field that the node fills in its parent (0: none),
    /// as the cursor reports it.
    field: Vec<u16>,
    /// By preorder index: whether the node is named (`Node::is_named`).
    named: Vec<bool>,
}

impl<'t> NodeTable<'t> {
    /// The parent index of the root.
    pub const NO_PARENT: u32 = u32::MAX;

    /// The table of the tree under `root`: one cursor walk.
    pub fn new(root: Node<'t>) -> NodeTable<'t> {
        // Exact sizes (tree-sitter stores the count), so that no vector carries the
        // slack of its growth: the table lives as long as the tree.
        let count = root.descendant_count();
        let mut table = NodeTable {
            nodes: Vec::with_capacity(count),
            index_by_id: FxHashMap::with_capacity_and_hasher(count, Default::default()),
            parent: Vec::with_capacity(count),
            subtree_end: Vec::with_capacity(count),
            field: Vec::with_capacity(count),
            named: Vec::with_capacity(count),
        };
        let mut cursor = root.walk();
        // The preorder indexes of the ancestors of the cursor's node, root first.
        let mut path: Vec<u32> = Vec::new();
        loop {
            let node = cursor.node();
            let index = table.nodes.len() as u32;
            table.nodes.push(node);
            table.index_by_id.insert(node.id(), index);
            table
                .parent
                .push(path.last().copied().unwrap_or(Self::NO_PARENT));
            // Set when the walk leaves the node.
            table.subtree_end.push(index + 1);
            table
                .field
                .push(cursor.field_id().map_or(0, |field| field.get()));
            table.named.push(node.is_named());
            if cursor.goto_first_child() {
                path.push(index);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return table;
                }
                if let Some(parent) = path.pop() {
                    table.subtree_end[parent as usize] = table.nodes.len() as u32;
                }
            }
        }
    }

    /// A table of no tree: every lookup falls back to tree-sitter.
    pub fn empty() -> &'static NodeTable<'static> {
        static EMPTY: std::sync::OnceLock<NodeTable<'static>> = std::sync::OnceLock::new();
        EMPTY.get_or_init(|| NodeTable {
            nodes: Vec::new(),
            index_by_id: FxHashMap::default(),
            parent: Vec::new(),
            subtree_end: Vec::new(),
            field: Vec::new(),
            named: Vec::new(),
        })
    }

    /// Every node of the tree, root first, in preorder (source order).
    pub fn preorder(&self) -> &[Node<'t>] {
        &self.nodes
    }

    /// The preorder index of `node`, when it is a node of this tree.
    pub fn index_of(&self, node: Node<'_>) -> Option<usize> {
        let index = *self.index_by_id.get(&node.id())? as usize;
        // Ids are addresses inside a tree: a node of another tree could share one.
        let found = self.nodes.get(index)?;
        (found.id() == node.id() && found.start_byte() == node.start_byte()).then_some(index)
    }

    /// The preorder index of the parent of the node at `index` ([`NodeTable::NO_PARENT`]
    /// for the root).
    pub fn parent_index(&self, index: usize) -> u32 {
        self.parent[index]
    }

    /// The index just past the last descendant of the node at `index`.
    pub fn subtree_end(&self, index: usize) -> usize {
        self.subtree_end[index] as usize
    }

    /// The preorder indexes of the children of the node at `index`.
    pub fn child_indexes(&self, index: usize) -> ChildIndexes<'_> {
        ChildIndexes {
            next: index as u32 + 1,
            end: self.subtree_end[index],
            subtree_end: &self.subtree_end,
        }
    }

    /// How many nodes the tree holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The children of `node`, as `node.children(&mut cursor)` lists them.
    pub fn children<'a>(&'a self, node: Node<'a>) -> Children<'a> {
        self.children_of(node, false)
    }

    /// The named children of `node`, as `node.named_children(&mut cursor)` lists them.
    pub fn named_children<'a>(&'a self, node: Node<'a>) -> Children<'a> {
        self.children_of(node, true)
    }

    fn children_of<'a>(&'a self, node: Node<'a>, named_only: bool) -> Children<'a> {
        match self.index_of(node) {
            Some(index) => Children::Table {
                table: self,
                indexes: self.child_indexes(index),
                named_only,
            },
            None => Children::Fallback(fallback_children(node, named_only).into_iter()),
        }
    }

    /// The `n`th named child of `node` (`Node::named_child`).
    pub fn named_child<'a>(&'a self, node: Node<'a>, n: usize) -> Option<Node<'a>> {
        self.named_children(node).nth(n)
    }

    /// `node.child_by_field_id(field)`.
    pub fn child_by_field_id<'a>(&'a self, node: Node<'a>, field: u16) -> Option<Node<'a>> {
        let found = self.index_of(node).and_then(|index| {
            self.child_indexes(index)
                .find(|&child| self.field[child] == field)
                .map(|child| self.nodes[child])
        });
        let found = match found {
            Some(child) => Some(child),
            // The cursor names one field per child; a child that fills two (a field of
            // a hidden node that is itself a field) is left to tree-sitter. Cheap: a node
            // whose production lacks the field returns before walking its children.
            None => node.child_by_field_id(field),
        };
        debug_assert_eq!(
            found.map(|child| child.id()),
            node.child_by_field_id(field).map(|child| child.id()),
            "the node table and tree-sitter disagree on a field of {}",
            node.kind()
        );
        found
    }

    /// `node.child_by_field_name(name)`.
    pub fn child_by_field<'a>(&'a self, node: Node<'a>, name: &str) -> Option<Node<'a>> {
        match field_id(name) {
            Some(field) => self.child_by_field_id(node, field),
            None => node.child_by_field_name(name),
        }
    }
}

/// The grammar's id of field `name`, from a table built once.
pub fn field_id(name: &str) -> Option<u16> {
    static IDS: std::sync::OnceLock<FxHashMap<&'static str, u16>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        (1..=language.field_count() as u16)
            .filter_map(|id| Some((language.field_name_for_id(id)?, id)))
            .collect()
    })
    .get(name)
    .copied()
}

fn fallback_children(node: Node<'_>, named_only: bool) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    if named_only {
        node.named_children(&mut cursor).collect()
    } else {
        node.children(&mut cursor).collect()
    }
}

/// The preorder indexes of a node's children, in order.
pub struct ChildIndexes<'a> {
    next: u32,
    end: u32,
    subtree_end: &'a [u32],
}

impl Iterator for ChildIndexes<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let child = self.next as usize;
        self.next = self.subtree_end[child];
        Some(child)
    }
}

/// The children of a node, from the table (or from tree-sitter for a foreign node).
pub enum Children<'a> {
    Table {
        table: &'a NodeTable<'a>,
        indexes: ChildIndexes<'a>,
        named_only: bool,
    },
    Fallback(std::vec::IntoIter<Node<'a>>),
}

impl<'a> Iterator for Children<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        match self {
            Children::Table {
                table,
                indexes,
                named_only,
            } => indexes
                .by_ref()
                .find(|&index| !*named_only || table.named[index])
                .map(|index| table.nodes[index]),
            Children::Fallback(nodes) => nodes.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Children::Table { indexes, .. } => (
                0,
                Some((indexes.end - indexes.next.min(indexes.end)) as usize),
            ),
            Children::Fallback(nodes) => nodes.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node's children, named children and fields agree with tree-sitter's.
    fn assert_agrees(text: &str) -> usize {
        let tree = crate::parse::parse_text(text, None);
        let root = tree.root_node();
        let table = NodeTable::new(root);
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        let fields: Vec<u16> = (1..=language.field_count() as u16).collect();
        let mut stack = vec![root];
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            assert_eq!(table.children(node).collect::<Vec<_>>(), children);
            let named: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            assert_eq!(table.named_children(node).collect::<Vec<_>>(), named);
            for &field in &fields {
                assert_eq!(
                    table.child_by_field_id(node, field),
                    node.child_by_field_id(field),
                    "field {:?} of {} at {}",
                    language.field_name_for_id(field),
                    node.kind(),
                    node.start_byte()
                );
            }
            stack.extend(children);
        }
        assert_eq!(visited, table.len());
        visited
    }

    #[test]
    fn agrees_with_tree_sitter_on_every_construct() {
        let text = r#"
import os.path as p, sys
from . import (a, b as c)
@decorator(1)
class A(Base, metaclass=Meta):
    x: int = 1
    def f(self, a, /, b=2, *args, c: int = 3, **kw) -> "A":
        """Doc."""
        if a and not b or c is None:
            return [i for i in range(3) if i]
        elif (y := a) > 1 < 2:
            raise ValueError("no") from None
        else:
            pass
        for k, v in {1: 2, **kw}.items():
            continue
        while True:
            break
        else:
            ...
        try:
            import json
        except (KeyError, ValueError) as error:
            del error
        except* OSError:
            pass
        finally:
            global g
        with open(p) as f, lock:
            yield from f
        match a:
            case [1, *rest] | {"k": _} if rest:
                pass
            case Point(x=0) as q:
                pass
        lambda x, *y: x[1:2, ::3]
        print(f"{a!r:>{b}}", *args, **kw)  # comment
        assert a, "message"
        a += 1; b = c = d
        return await g() if a else -b
type Alias[T] = list[T]
def broken(:
    x = (1,
"#;
        assert!(assert_agrees(text) > 300);
    }

    /// Every `.py` file under `test-workspaces/` (and `REMEDY_NODE_TABLE_CORPUS`).
    fn corpus_files() -> Vec<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-workspaces");
        let extra = std::env::var_os("REMEDY_NODE_TABLE_CORPUS").map(std::path::PathBuf::from);
        let mut files = Vec::new();
        let mut stack: Vec<std::path::PathBuf> = std::iter::once(root).chain(extra).collect();
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                    stack.push(entry.path());
                }
            } else if path.extension().is_some_and(|extension| extension == "py") {
                files.push(path);
            }
        }
        files.sort();
        files
    }

    /// The diagnostics of every workspace file, with node tables on and off.
    fn diagnostics_of_workspaces(node_tables: bool) -> Vec<String> {
        let mut host = crate::AnalysisHost::new();
        host.set_node_tables(node_tables);
        let mut change = crate::Change::default();
        let files = corpus_files();
        for path in &files {
            if let Ok(text) = std::fs::read_to_string(path) {
                change.set_file(path.as_path(), text);
            }
        }
        host.apply_change(change);
        let analysis = host.analysis();
        files
            .iter()
            .filter_map(|path| host.file_id(path))
            .map(|file| format!("{:?}", analysis.diagnostics(file)))
            .collect()
    }

    #[test]
    fn diagnostics_are_the_same_with_and_without_node_tables() {
        let with = diagnostics_of_workspaces(true);
        assert!(with.len() > 20);
        assert_eq!(with, diagnostics_of_workspaces(false));
    }

    #[test]
    fn agrees_with_tree_sitter_on_the_test_workspaces() {
        let mut files = 0;
        for path in corpus_files() {
            if let Ok(text) = std::fs::read_to_string(&path) {
                assert_agrees(&text);
                files += 1;
            }
        }
        assert!(files > 20, "only {files} Python files found");
    }
}
