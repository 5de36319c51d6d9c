//! The calls of a file by the words their callees are written with, and a name-level
//! over-approximation of how values flow between words, so a hover that needs every
//! call of one function ("Callers pass", "At its calls") infers only the scopes that
//! may hold such a call instead of every scope of the file.
//!
//! Terminology:
//! - A *word* is an identifier in the source, a variable or an attribute name alike
//!   (`self`, `table`, `get` in `self.table.get(k)`).
//! - A *flow* says that the values named by some words may end up named by others:
//!   `handler = self._on_close if c else None` flows `self`, `_on_close`, `c`, `None`
//!   into `handler`; `self.table[k] = f` flows `k`, `f` into `table` (an attribute or
//!   subscript target contributes the attribute's or container's name, not `self`);
//!   `return f` flows `f` into the enclosing function's name.
//!
//! ```python
//! def f(x): ...
//! ops = {"f": f}          # `f` flows into `ops`
//! def run(k, x):
//!     return ops[k](x)    # a call whose callee mentions `ops`: `run` may call `f`
//! ```
//!
//! A function value reaches a callee only through such words: a call of `f` is written
//! `f(…)`, `obj.f(…)`, or names something `f` flowed into (`ops[k](…)`, `get()(…)` with
//! `def get(): return f`). So the scopes holding calls whose callee words meet the
//! closure of `{f}` under the flows are a superset of the scopes whose inference
//! records a call of `f`. The summary is syntactic (one walk of the tree, no inference)
//! and cheap to rebuild after an edit; it is exact only in that direction.

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::builder::{fields, kind_of};
use super::{FileIndex, Name, ScopeId, ScopeKind};
use crate::db::Db;
use crate::input::SourceFile;
use crate::parse::parse;

/// Where a call sits: the scope node whose body holds it (`None`: the module) and, for
/// calls in a definition's header (decorators, defaults, annotations, bases), that
/// definition too: either scope may be the one that evaluates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CallSite {
    /// Start offset of the innermost `def`, `class` or `lambda` whose body holds the call.
    body_of: Option<u32>,
    /// Start offset of the `def`, `class` or `lambda` whose header holds the call.
    header_of: Option<u32>,
    /// The callee's words, a range of [`CallSites::flat`].
    words: (u32, u32),
}

/// Word occurrences on the right flow into words on the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Flow {
    /// Occurrences ([`value`] or [`result`] of a word), a range of [`CallSites::flat`].
    sources: (u32, u32),
    /// Plain word ids, a range of [`CallSites::flat`].
    targets: (u32, u32),
    /// The targets are functions whose calls return what flows (`return` and `yield`,
    /// return annotations), not names bound to it.
    into_result: bool,
}

/// The syntactic call summary of one file; see the module docs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CallSites {
    words: Vec<Name>,
    word_ids: FxHashMap<Name, u32>,
    calls: Vec<CallSite>,
    flows: Vec<Flow>,
    /// The ranges above.
    flat: Vec<u32>,
    /// For each occurrence ([`value`] or [`result`] of a word), the flows it is a source
    /// of (a range of `flows_by_source`).
    flows_of_occurrence: Vec<(u32, u32)>,
    flows_by_source: Vec<u32>,
}

impl CallSites {
    /// The scopes of `index` (modules, classes, functions and lambdas: comprehensions are
    /// evaluated by the scope around them) that may hold a
    /// call whose callee is a value named by one of `seeds` or flowed from them, in
    /// increasing id order; `None` when a call's scope cannot be mapped (the caller then
    /// looks at every scope).
    pub fn scopes_that_may_call(
        &self,
        index: &FileIndex,
        values: &[&str],
        results: &[&str],
    ) -> Option<Vec<ScopeId>> {
        // `reached[value(w)]`: `w` may name a value reached from the seeds (or a container
        // holding one); `reached[result(w)]`: calling what `w` names may return one.
        let mut reached = vec![false; 2 * self.words.len()];
        let mut work: Vec<u32> = values
            .iter()
            .filter_map(|seed| self.word_ids.get(*seed).copied().map(value))
            .chain(
                results
                    .iter()
                    .filter_map(|seed| self.word_ids.get(*seed).copied().map(result)),
            )
            .collect();
        for &node in &work {
            reached[node as usize] = true;
        }
        let mut mark = |node: u32, work: &mut Vec<u32>| {
            if !reached[node as usize] {
                reached[node as usize] = true;
                work.push(node);
            }
        };
        while let Some(node) = work.pop() {
            let word = node >> 1;
            let is_result = node & 1 == 1;
            // Flows where the word occurs as a value: what it names flows as it is.
            let (start, end) = self.flows_of_occurrence[value(word) as usize];
            for &flow in &self.flows_by_source[start as usize..end as usize] {
                let flow = self.flows[flow as usize];
                for &target in &self.flat[flow.targets.0 as usize..flow.targets.1 as usize] {
                    mark(
                        if flow.into_result || is_result {
                            result(target)
                        } else {
                            value(target)
                        },
                        &mut work,
                    );
                }
            }
            if !is_result {
                continue;
            }
            // Flows where the word is called: the call's result flows.
            let (start, end) = self.flows_of_occurrence[result(word) as usize];
            for &flow in &self.flows_by_source[start as usize..end as usize] {
                let flow = self.flows[flow as usize];
                for &target in &self.flat[flow.targets.0 as usize..flow.targets.1 as usize] {
                    mark(result(target), &mut work);
                    if !flow.into_result {
                        mark(value(target), &mut work);
                    }
                }
            }
        }
        let scope_starts: FxHashMap<u32, ScopeId> = index
            .scopes
            .iter()
            .enumerate()
            .filter(|(_, scope)| {
                matches!(
                    scope.kind,
                    ScopeKind::Function | ScopeKind::Class | ScopeKind::Lambda
                )
            })
            .map(|(id, scope)| (u32::from(scope.range.start()), ScopeId(id as u32)))
            .collect();
        let mut scopes = Vec::new();
        for call in &self.calls {
            let (start, end) = call.words;
            if !self.flat[start as usize..end as usize]
                .iter()
                .any(|&word| reached[word as usize])
            {
                continue;
            }
            let scope_of = |start: Option<u32>| match start {
                None => Some(FileIndex::MODULE_SCOPE),
                Some(start) => scope_starts.get(&start).copied(),
            };
            scopes.push(scope_of(call.body_of)?);
            if let Some(header_of) = call.header_of {
                // A default, decorator or base: evaluated by the scope around the
                // definition, perhaps while the definition's own scope runs too.
                scopes.push(scope_of(Some(header_of))?);
            }
        }
        scopes.sort_unstable();
        scopes.dedup();
        Some(scopes)
    }
}

/// A word's occurrence as a value (`f` in `g = f`).
fn value(word: u32) -> u32 {
    word << 1
}

/// A word's occurrence as a callee whose result is used (`f` in `g = f()`).
fn result(word: u32) -> u32 {
    (word << 1) | 1
}

/// The call summary of `file`.
#[salsa::tracked(returns(ref), no_eq, lru = 64)]
pub fn call_sites(db: &dyn Db, file: SourceFile) -> CallSites {
    let parsed = parse(db, file);
    let builder = CallSitesBuilder::new(file.text(db));
    let reuse = crate::infer::reuse_across_edits(db, file);
    match db.index_pieces().filter(|_| reuse) {
        // Statements an edit left alone are taken from the last build.
        Some(cache) => {
            let previous = cache.previous_calls(file);
            let mut next = CallPieces::default();
            let sites = builder.build_reusing(parsed.root(), previous.as_deref(), &mut next);
            cache.store_calls(file, next);
            sites
        }
        None => builder.build(parsed.root()),
    }
}

/// What one top-level statement adds to the call summary, with the offsets of the
/// `def`s that hold its calls counted from the statement's start and its words
/// numbered from 0 in the order the walk met them (see
/// [`CallSitesBuilder::build_reusing`]).
pub(super) struct CallPiece {
    kind: u16,
    text: Box<str>,
    words: Vec<Name>,
    calls: Vec<CallSite>,
    flows: Vec<Flow>,
    /// Every entry lies in exactly one range of `calls` (occurrences) or `flows`
    /// (sources: occurrences; targets: plain word ids).
    flat: Vec<u32>,
}

impl CallPiece {
    fn capture(kind: u16, text: &str, start: u32, sites: CallSites) -> CallPiece {
        CallPiece {
            kind,
            text: text.into(),
            words: sites.words,
            calls: sites
                .calls
                .into_iter()
                .map(|call| CallSite {
                    body_of: call.body_of.map(|offset| offset - start),
                    header_of: call.header_of.map(|offset| offset - start),
                    words: call.words,
                })
                .collect(),
            flows: sites.flows,
            flat: sites.flat,
        }
    }
}

impl super::pieces::StatementPiece for CallPiece {
    fn kind(&self) -> u16 {
        self.kind
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// The pieces of one build of a file's call summary, by kind and text.
pub(super) type CallPieces = super::pieces::PieceStore<CallPiece>;

const TOP: Context = Context {
    body_of: None,
    header_of: None,
    function: None,
};

/// What the walk knows about the node it visits.
#[derive(Clone, Copy)]
struct Context {
    body_of: Option<u32>,
    header_of: Option<u32>,
    /// The word of the enclosing `def` (where `return` and `yield` flow to).
    function: Option<u32>,
}

struct CallSitesBuilder<'text> {
    text: &'text str,
    sites: CallSites,
    scratch: Vec<u32>,
}

impl<'text> CallSitesBuilder<'text> {
    fn new(text: &'text str) -> Self {
        CallSitesBuilder {
            text,
            sites: CallSites::default(),
            scratch: Vec::new(),
        }
    }

    fn build(mut self, root: Node<'_>) -> CallSites {
        let mut stack: Vec<(Node<'_>, Context)> = vec![(root, TOP)];
        self.drain(&mut stack);
        self.index_flows();
        self.sites
    }

    /// [`Self::build`], taking what each top-level statement adds from `previous` when
    /// a statement of the same kind and text was summarised before, as the index does
    /// (see `index::pieces`); the pieces of this build go to `next`. The walk visits
    /// the statements last to first (a work stack), and a statement's words are
    /// numbered in the order the walk first meets them, so appending the pieces in that
    /// order, with their words interned in their own order, gives the same summary as
    /// [`Self::build`].
    fn build_reusing(
        mut self,
        root: Node<'_>,
        previous: Option<&CallPieces>,
        next: &mut CallPieces,
    ) -> CallSites {
        let mut cursor = root.walk();
        let statements: Vec<Node<'_>> = root.named_children(&mut cursor).collect();
        let mut stack: Vec<(Node<'_>, Context)> = Vec::new();
        for &statement in statements.iter().rev() {
            if !super::pieces::Piece::may_reuse(statement) {
                stack.push((statement, TOP));
                self.drain(&mut stack);
                continue;
            }
            let text = self.text.get(statement.byte_range()).unwrap_or("");
            let kind = statement.kind_id();
            let start = statement.start_byte() as u32;
            let piece = match previous.and_then(|previous| previous.get(kind, text)) {
                Some(piece) => piece,
                None => {
                    let mut builder = CallSitesBuilder::new(self.text);
                    stack.push((statement, TOP));
                    builder.drain(&mut stack);
                    Arc::new(CallPiece::capture(kind, text, start, builder.sites))
                }
            };
            self.append(&piece, start);
            next.insert(piece);
        }
        self.index_flows();
        self.sites
    }

    fn drain<'tree>(&mut self, stack: &mut Vec<(Node<'tree>, Context)>) {
        while let Some((node, context)) = stack.pop() {
            self.visit(node, context, stack);
        }
    }

    /// Adds a statement's piece as if the statement, starting at `start`, had been
    /// walked here.
    fn append(&mut self, piece: &CallPiece, start: u32) {
        let words: Vec<u32> = piece
            .words
            .iter()
            .map(|word| self.intern_text(word))
            .collect();
        let base = self.sites.flat.len() as u32;
        self.sites.flat.extend_from_slice(&piece.flat);
        let flat = &mut self.sites.flat;
        let mut occurrences = |(from, to): (u32, u32)| {
            for entry in &mut flat[(base + from) as usize..(base + to) as usize] {
                *entry = (words[(*entry >> 1) as usize] << 1) | (*entry & 1);
            }
            (base + from, base + to)
        };
        let mut calls = Vec::with_capacity(piece.calls.len());
        for call in &piece.calls {
            calls.push(CallSite {
                body_of: call.body_of.map(|offset| offset + start),
                header_of: call.header_of.map(|offset| offset + start),
                words: occurrences(call.words),
            });
        }
        let mut flows = Vec::with_capacity(piece.flows.len());
        for flow in &piece.flows {
            flows.push(Flow {
                sources: occurrences(flow.sources),
                targets: (base + flow.targets.0, base + flow.targets.1),
                into_result: flow.into_result,
            });
        }
        for flow in &flows {
            for entry in &mut flat[flow.targets.0 as usize..flow.targets.1 as usize] {
                *entry = words[*entry as usize];
            }
        }
        self.sites.calls.extend(calls);
        self.sites.flows.extend(flows);
    }

    fn visit<'tree>(
        &mut self,
        node: Node<'tree>,
        context: Context,
        stack: &mut Vec<(Node<'tree>, Context)>,
    ) {
        match kind_of(node) {
            "call" => {
                if let Some(function) = node.child_by_field_id(fields().function) {
                    let words = self.words_of(&[Some(function)]);
                    self.sites.calls.push(CallSite {
                        body_of: context.body_of,
                        header_of: context.header_of,
                        words,
                    });
                    // `table.append(f)`, `self.handlers.update(k=f)`: the arguments
                    // flow into the receiver's name.
                    if kind_of(function) == "attribute" {
                        let object = function.child_by_field_id(fields().object);
                        self.flow(&[node.child_by_field_id(fields().arguments)], object);
                    }
                }
            }
            "assignment" | "augmented_assignment" => self.flow(
                &[
                    node.child_by_field_id(fields().right),
                    node.child_by_field_id(fields().type_),
                ],
                node.child_by_field_id(fields().left),
            ),
            "for_statement" | "for_in_clause" => self.flow(
                &[node.child_by_field_id(fields().right)],
                node.child_by_field_id(fields().left),
            ),
            "as_pattern" => self.flow(
                &[node.named_child(0)],
                node.child_by_field_id(fields().alias),
            ),
            "named_expression" => self.flow(
                &[node.child_by_field_id(fields().value)],
                node.child_by_field_id(fields().name),
            ),
            "default_parameter" | "typed_default_parameter" | "typed_parameter" => {
                let value = node.child_by_field_id(fields().value);
                let annotation = node.child_by_field_id(fields().type_);
                let name = node.child_by_field_id(fields().name).or_else(|| {
                    let mut cursor = node.walk();
                    node.named_children(&mut cursor)
                        .find(|child| Some(*child) != annotation && Some(*child) != value)
                });
                self.flow(&[value, annotation], name);
            }
            "return_statement" | "yield" => {
                if let Some(function) = context.function {
                    let sources = self.words_of(&[Some(node)]);
                    let targets = self.push_words(&[function]);
                    self.sites.flows.push(Flow {
                        sources,
                        targets,
                        into_result: true,
                    });
                }
            }
            "aliased_import" => self.flow(
                &[node.child_by_field_id(fields().name)],
                node.child_by_field_id(fields().alias),
            ),
            "match_statement" => {
                let subject = node.child_by_field_id(fields().subject);
                let mut cursor = node.walk();
                let patterns: Vec<Node<'_>> = node
                    .child_by_field_id(fields().body)
                    .map(|body| {
                        body.named_children(&mut cursor)
                            .filter(|clause| kind_of(*clause) == "case_clause")
                            .collect()
                    })
                    .unwrap_or_default();
                for clause in patterns {
                    let mut cursor = clause.walk();
                    let cases: Vec<Node<'_>> = clause
                        .named_children(&mut cursor)
                        .filter(|child| kind_of(*child) == "case_pattern")
                        .collect();
                    for case in cases {
                        self.flow(&[subject], Some(case));
                    }
                }
            }
            "decorated_definition" => {
                let definition = node.child_by_field_id(fields().definition);
                // `@cache def f`: `f` names what the decorators return.
                let name =
                    definition.and_then(|definition| definition.child_by_field_id(fields().name));
                if let Some(name) = name {
                    let mut cursor = node.walk();
                    let decorators: Vec<Option<Node<'_>>> = node
                        .named_children(&mut cursor)
                        .filter(|child| kind_of(*child) == "decorator")
                        .map(Some)
                        .collect();
                    let (start, end) = self.words_of(&decorators);
                    // A decorator is called with the function: its names count as
                    // callees too.
                    for at in start..end {
                        let occurrence = self.sites.flat[at as usize];
                        self.sites.flat.push(occurrence | 1);
                    }
                    let sources = (start, self.sites.flat.len() as u32);
                    let word = self.intern(name);
                    let targets = self.push_words(&[word]);
                    self.sites.flows.push(Flow {
                        sources,
                        targets,
                        into_result: false,
                    });
                }
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if Some(child) == definition {
                        stack.push((child, context));
                    } else {
                        let header = Context {
                            header_of: definition.map(|definition| definition.start_byte() as u32),
                            ..context
                        };
                        stack.push((child, header));
                    }
                }
                return;
            }
            "function_definition" | "class_definition" | "lambda" => {
                let start = node.start_byte() as u32;
                let body = node.child_by_field_id(fields().body);
                let name = node.child_by_field_id(fields().name);
                let function = match (kind_of(node), name) {
                    ("function_definition", Some(name)) => {
                        let word = self.intern(name);
                        if let Some(returns) = node.child_by_field_id(fields().return_type) {
                            let sources = self.words_of(&[Some(returns)]);
                            let targets = self.push_words(&[word]);
                            self.sites.flows.push(Flow {
                                sources,
                                targets,
                                into_result: true,
                            });
                        }
                        Some(word)
                    }
                    _ => None,
                };
                let header = Context {
                    header_of: Some(start),
                    ..context
                };
                let inner = Context {
                    body_of: Some(start),
                    header_of: None,
                    function,
                };
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if Some(child) == body {
                        stack.push((child, inner));
                    } else if Some(child) != name {
                        stack.push((child, header));
                    }
                }
                return;
            }
            _ => {}
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            stack.push((child, context));
        }
    }

    /// Records that the words of `sources` flow into the target words of `target`.
    fn flow(&mut self, sources: &[Option<Node<'_>>], target: Option<Node<'_>>) {
        let Some(target) = target else { return };
        let sources = self.words_of(sources);
        if sources.0 == sources.1 {
            return;
        }
        self.scratch.clear();
        self.target_words(target);
        let start = self.sites.flat.len() as u32;
        let scratch = std::mem::take(&mut self.scratch);
        self.sites.flat.extend_from_slice(&scratch);
        self.scratch = scratch;
        let targets = (start, self.sites.flat.len() as u32);
        self.sites.flows.push(Flow {
            sources,
            targets,
            into_result: false,
        });
    }

    /// The names a target binds, into `scratch`: an attribute target binds its attribute
    /// name (`self.x = …` makes `x`, never `self`), a subscript target its container's
    /// name, a pattern the names in it.
    fn target_words(&mut self, target: Node<'_>) {
        let mut stack = vec![target];
        while let Some(node) = stack.pop() {
            match kind_of(node) {
                "identifier" => {
                    let word = self.intern(node);
                    self.scratch.push(word);
                }
                "attribute" => {
                    if let Some(attribute) = node.child_by_field_id(fields().attribute) {
                        let word = self.intern(attribute);
                        self.scratch.push(word);
                    }
                }
                "subscript" => stack.extend(node.child_by_field_id(fields().value)),
                _ => {
                    let mut cursor = node.walk();
                    stack.extend(node.named_children(&mut cursor));
                }
            }
        }
    }

    /// Every identifier under `nodes`, pushed to `flat` as a [`value`] occurrence, except
    /// where a call uses what it names: the callee name of a call (`f` in `f(x)`, `get`
    /// in `table.get(k)`) and every word of any other callee (`ops`, `k` in
    /// `ops[k](x)`), pushed as [`result`] occurrences. Returns the range.
    fn words_of(&mut self, nodes: &[Option<Node<'_>>]) -> (u32, u32) {
        let start = self.sites.flat.len() as u32;
        let mut stack: Vec<(Node<'_>, bool)> =
            nodes.iter().flatten().map(|&node| (node, false)).collect();
        while let Some((node, called)) = stack.pop() {
            match kind_of(node) {
                "identifier" => {
                    let word = self.intern(node);
                    self.sites
                        .flat
                        .push(if called { result(word) } else { value(word) });
                }
                "call" => {
                    if let Some(function) = node.child_by_field_id(fields().function) {
                        match kind_of(function) {
                            "identifier" => stack.push((function, true)),
                            "attribute" => {
                                stack.extend(
                                    function
                                        .child_by_field_id(fields().attribute)
                                        .map(|attribute| (attribute, true)),
                                );
                                stack.extend(
                                    function
                                        .child_by_field_id(fields().object)
                                        .map(|object| (object, called)),
                                );
                            }
                            _ => stack.push((function, true)),
                        }
                    }
                    stack.extend(
                        node.child_by_field_id(fields().arguments)
                            .map(|arguments| (arguments, called)),
                    );
                }
                _ => {
                    let mut cursor = node.walk();
                    stack.extend(
                        node.named_children(&mut cursor)
                            .map(|child| (child, called)),
                    );
                }
            }
        }
        (start, self.sites.flat.len() as u32)
    }

    fn push_words(&mut self, words: &[u32]) -> (u32, u32) {
        let start = self.sites.flat.len() as u32;
        self.sites.flat.extend_from_slice(words);
        (start, self.sites.flat.len() as u32)
    }

    fn intern(&mut self, node: Node<'_>) -> u32 {
        let text = self.text.get(node.byte_range()).unwrap_or("");
        self.intern_text(text)
    }

    fn intern_text(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.sites.word_ids.get(text) {
            return id;
        }
        let id = self.sites.words.len() as u32;
        let name = Name::new(text);
        self.sites.words.push(name.clone());
        self.sites.word_ids.insert(name, id);
        id
    }

    /// Fills `flows_of_occurrence` and `flows_by_source` (a compressed adjacency list).
    fn index_flows(&mut self) {
        let sites = &mut self.sites;
        let mut counts = vec![0u32; 2 * sites.words.len()];
        for flow in &sites.flows {
            for &word in &sites.flat[flow.sources.0 as usize..flow.sources.1 as usize] {
                counts[word as usize] += 1;
            }
        }
        let mut offset = 0;
        sites.flows_of_occurrence = counts
            .iter()
            .map(|&count| {
                let range = (offset, offset);
                offset += count;
                range
            })
            .collect();
        sites.flows_by_source = vec![0; offset as usize];
        for (id, flow) in sites.flows.iter().enumerate() {
            for &word in &sites.flat[flow.sources.0 as usize..flow.sources.1 as usize] {
                let range = &mut sites.flows_of_occurrence[word as usize];
                sites.flows_by_source[range.1 as usize] = id as u32;
                range.1 += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::CallSitesBuilder;
    use crate::index::builder::IndexBuilder;
    use crate::parse::parse_text;
    use crate::testing::fixture::{fixture_files, host_with_files};
    use crate::{TextSize, ide};

    /// The names of the scopes that may call a value named by `values` (or whose calls
    /// return one named by `results`).
    fn check_scopes(text: &str, values: &[&str], results: &[&str], expected: Expect) {
        let tree = parse_text(text, None);
        let index = IndexBuilder::new(text).build(tree.root_node());
        let sites = CallSitesBuilder::new(text).build(tree.root_node());
        let scopes = sites
            .scopes_that_may_call(&index, values, results)
            .expect("every call of the fixture sits in a scope of the index");
        let names: Vec<&str> = scopes
            .iter()
            .map(|&scope| index.scope(scope).name.as_str())
            .collect();
        expected.assert_eq(&names.join(" "));
    }

    const ROUTES: &str = r#"
def f(x):
    return x

def direct():
    return f(1)

ops = {"f": f}

def through_a_table(k):
    return ops[k](2)

def getter():
    return f

def through_a_result():
    return getter()(3)

class Holder:
    handler = staticmethod(f)

    def __init__(self, callback=f):
        self.callback = callback

    def by_attribute(self):
        return self.handler(4) + self.callback(5)

def through_a_loop():
    for g in (f, abs):
        g(6)

@decorate(f)
def decorated():
    pass

def unrelated(y):
    total = f
    return len(y) + getter().bit_length() + int(7)

def only_a_result_of_the_call():
    value = direct()
    return value(8)

factories = {"f": getter}

def through_a_factory_table(k):
    chosen = []
    chosen.append(factories[k]())
    for picked in chosen:
        picked(9)
"#;

    #[test]
    fn scopes_reached_through_names_tables_results_and_attributes() {
        // Over-approximated: `unrelated` calls an attribute of what `getter()` returns.
        // Left out: the module calls `decorate`, not `f`; `__init__` calls nothing;
        // `only_a_result_of_the_call` calls what `direct()` returns, which is not `f`.
        check_scopes(
            ROUTES,
            &["f"],
            &[],
            expect![
                "direct through_a_table through_a_result by_attribute through_a_loop unrelated through_a_factory_table"
            ],
        );
    }

    #[test]
    fn summary_from_pieces_equals_a_walk_of_the_whole_file() {
        // Inserted and edited statements between kept ones: the kept ones' words are
        // numbered anew in the order a whole walk meets them.
        let after = ROUTES
            .replace("\nops = ", "\nnew_word = getter()\nops = ")
            .replace("return f(1)", "return f(1) + fresh(2)")
            .replace("def getter():", "def getter(:");
        let summary = |text: &str, previous: Option<&super::CallPieces>| {
            let tree = parse_text(text, None);
            let mut next = super::CallPieces::default();
            let sites =
                CallSitesBuilder::new(text).build_reusing(tree.root_node(), previous, &mut next);
            assert_eq!(sites, CallSitesBuilder::new(text).build(tree.root_node()));
            next
        };
        let pieces = summary(ROUTES, None);
        summary(&after, Some(&pieces));
        summary(ROUTES, Some(&summary(&after, Some(&pieces))));
    }

    #[test]
    fn constructor_calls_by_class_name_type_and_classmethod_parameter() {
        check_scopes(
            r#"
class Point:
    def __init__(self, x):
        self.x = x

    @classmethod
    def origin(klass):
        return klass(0)

    def copy(self):
        return type(self)(self.x)

    def twin(self):
        return self.__class__(self.x)

def make():
    return Point(1)

def elsewhere():
    return str(2)
"#,
            &["__init__", "Point", "__class__", "klass"],
            &["type"],
            expect!["origin copy twin make"],
        );
    }

    /// Every parameter and function hover of `text` is the same whether the callers
    /// sections look at the scopes the summary names or at every scope of the file.
    fn check_hovers_match_every_scope_scan(text: &str) -> Vec<String> {
        let files = fixture_files(text).expect("a fixture without headers is one file");
        let mut offsets = Vec::new();
        for (at, _) in text.match_indices("def ") {
            let name = at + 4;
            offsets.push(name);
            let Some(open) = text[name..].find('(') else {
                continue;
            };
            let close = text[name + open..].find(')').unwrap_or(0);
            let mut start = name + open + 1;
            for parameter in text[name + open + 1..name + open + close].split(',') {
                let lead = parameter.len() - parameter.trim_start_matches([' ', '*']).len();
                if !parameter.trim().is_empty() {
                    offsets.push(start + lead);
                }
                start += parameter.len() + 1;
            }
        }
        let hovers = |every_scope: bool| -> Vec<String> {
            let (host, ids) = host_with_files(&files);
            let analysis = host.analysis();
            let file = ids[&files[0].path];
            let run = || {
                offsets
                    .iter()
                    .map(|&offset| {
                        analysis
                            .hover(file, TextSize::from(offset as u32))
                            .expect("nothing cancels the fixture")
                            .map(|hover| hover.markdown)
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
            };
            if every_scope {
                ide::values::with_every_scope_scanned(run)
            } else {
                run()
            }
        };
        let summarised = hovers(false);
        let every_scope = hovers(true);
        for (offset, (summarised, every_scope)) in
            offsets.iter().zip(summarised.iter().zip(&every_scope))
        {
            assert_eq!(summarised, every_scope, "hover at offset {offset}");
        }
        summarised
    }

    #[test]
    fn callers_sections_match_a_scan_of_every_scope() {
        let hovers = check_hovers_match_every_scope_scan(ROUTES);
        let callers = hovers
            .iter()
            .filter(|hover| hover.contains("**Callers pass**"))
            .count();
        let calls = hovers
            .iter()
            .filter(|hover| hover.contains("**At its calls**"))
            .count();
        assert_eq!((callers, calls), (1, 1), "{hovers:#?}");
    }

    #[test]
    fn receivers_of_init_match_a_scan_of_every_scope() {
        // `self` of `Base.__init__` gets values from calls of the function only
        // (`Base.__init__(self)` in `Child`); `Keyed.__init__`'s `self` also from a call of
        // the class passing it by keyword (a `TypeError` at run time, recorded as written).
        let hovers = check_hovers_match_every_scope_scan(
            r#"
class Base:
    def __init__(self, size):
        self.size = size

    @classmethod
    def empty(cls):
        return cls(0)

class Child(Base):
    def __init__(self):
        Base.__init__(self, 1)

class Keyed:
    def __init__(self, label=None):
        self.label = label

def build():
    return Base(2), Child(), Keyed(self=3), type(Base(4))(5)
"#,
        );
        let callers: Vec<&String> = hovers
            .iter()
            .filter(|hover| hover.contains("**Callers pass**"))
            .collect();
        assert_eq!(callers.len(), 3, "{hovers:#?}");
    }
}
