//! The index of a file as pieces, one per top-level statement, so that a rebuild after
//! an edit re-indexes only the statements whose text changed.
//!
//! ```python
//! def total(items):        # piece 1: scope `total`, its definitions, branches, names
//!     return sum(items)
//! x_0 = 0                  # piece 2: inserted; the only statement indexed again
//! class Ledger:            # piece 3: same text, moved: taken from the last build
//!     ...
//! ```
//!
//! The builder walks one top-level statement completely before the next (its work
//! stack drains in between), so what a statement adds to the index is a contiguous run
//! of new scopes, branches, definitions, name occurrences and imports, plus a few
//! entries of the module scope (its definitions, `global` names, `return`s, `__all__`).
//! A [`Piece`] holds that run with ranges counted from the statement's start and ids
//! counted from the run's first; [`Piece::append_to`] adds it to an index being built
//! at the next ids and the statement's current start. Ids inside the run are only ever
//! those of the run itself or the module's (scope 0, branch 0), so the result is
//! equal to a build from scratch, which `parse_index --verify-pieces` checks over a
//! whole corpus.
//!
//! A statement is taken from the last build when its node kind and text are the same
//! and neither holds a syntax error (a statement with an error may parse differently
//! in another context). [`IndexPieceCache`] keeps the pieces of the last build of the
//! few files built most recently, for the files whose inference is reused across edits
//! (`infer::reuse_across_edits`: the documents a server's user types in; never in
//! `remedy check`).

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use line_index::{TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHasher};
use tree_sitter::Node;

use super::call_words::CallPieces;
use super::{
    Branch, BranchId, Definition, DefinitionId, DefinitionKind, FileIndex, Import, Name, NameRef,
    Scope, ScopeId,
};
use crate::input::SourceFile;

/// What one top-level statement adds to the index; see the module docs.
pub(super) struct Piece {
    kind: u16,
    text: Box<str>,
    /// The scopes, branches and definitions the statement creates, in creation order;
    /// the first of each has local id 1 (scopes, branches: 0 is the module's) or 0
    /// (definitions).
    scopes: Vec<Scope>,
    branches: Vec<Branch>,
    definitions: Vec<Definition>,
    name_refs: Vec<NameRef>,
    imports: Vec<Import>,
    /// What the statement adds to the module scope besides its definitions.
    module_globals: Vec<Name>,
    module_nonlocals: Vec<Name>,
    module_returns: Vec<TextRange>,
    module_raises: Vec<TextRange>,
    module_is_generator: bool,
    /// `Some` when the statement assigns `__all__` at the module level.
    dunder_all: Option<Option<Vec<Name>>>,
}

impl Piece {
    /// Whether the index of `statement` (a child of the module) may be taken from
    /// another build of the same text.
    pub(super) fn may_reuse(statement: Node<'_>) -> bool {
        !statement.has_error() && !statement.is_missing() && !statement.is_extra()
    }

    /// The piece of a statement indexed alone into `index` (which holds the module
    /// scope and body branch, then what the statement added), made relative to `start`.
    pub(super) fn capture(
        kind: u16,
        text: &str,
        start: u32,
        index: FileIndex,
        dunder_all_assigned: bool,
    ) -> Piece {
        let relative = Translation {
            scope_shift: 0,
            branch_shift: 0,
            definition_shift: 0,
            add: 0,
            subtract: start,
        };
        let FileIndex {
            mut scopes,
            definitions,
            mut branches,
            name_refs,
            imports,
            dunder_all,
            ..
        } = index;
        let module = scopes.remove(0);
        branches.remove(0);
        Piece {
            kind,
            text: text.into(),
            scopes: scopes
                .into_iter()
                .map(|scope| relative.scope_data(&scope))
                .collect(),
            branches: branches
                .into_iter()
                .map(|branch| relative.branch_data(&branch))
                .collect(),
            definitions: definitions
                .iter()
                .map(|definition| relative.definition_data(definition))
                .collect(),
            name_refs: {
                // Sorted as `IndexBuilder::finish` sorts them (stably, by range): the
                // occurrences of a statement lie between those of the statements
                // around it, so a stable sort of the whole index keeps this order.
                let mut name_refs: Vec<NameRef> = name_refs
                    .iter()
                    .map(|name_ref| relative.name_ref(name_ref))
                    .collect();
                name_refs.sort_by_key(|name_ref| (name_ref.range.start(), name_ref.range.end()));
                name_refs
            },
            imports: imports
                .iter()
                .map(|import| relative.import(import))
                .collect(),
            module_globals: module.globals,
            module_nonlocals: module.nonlocals,
            module_returns: module
                .returns
                .iter()
                .map(|&range| relative.range(range))
                .collect(),
            module_raises: module
                .raises
                .iter()
                .map(|&range| relative.range(range))
                .collect(),
            module_is_generator: module.is_generator,
            dunder_all: dunder_all_assigned.then_some(dunder_all),
        }
    }

    /// Adds the piece to `index` as if its statement, starting at `start`, had been
    /// indexed there.
    pub(super) fn append_to(&self, index: &mut FileIndex, start: u32) {
        // Local ids 1.. of scopes and branches follow the ids already in the index.
        let translation = Translation {
            scope_shift: index.scopes.len() as u32 - 1,
            branch_shift: index.branches.len() as u32 - 1,
            definition_shift: index.definitions.len() as u32,
            add: start,
            subtract: 0,
        };
        index.scopes.extend(
            self.scopes
                .iter()
                .map(|scope| translation.scope_data(scope)),
        );
        index.branches.extend(
            self.branches
                .iter()
                .map(|branch| translation.branch_data(branch)),
        );
        for (local, definition) in self.definitions.iter().enumerate() {
            if definition.scope == FileIndex::MODULE_SCOPE {
                index.scopes[0]
                    .definitions
                    .push(translation.definition(DefinitionId(local as u32)));
            }
        }
        index.definitions.extend(
            self.definitions
                .iter()
                .map(|definition| translation.definition_data(definition)),
        );
        index.name_refs.extend(
            self.name_refs
                .iter()
                .map(|name_ref| translation.name_ref(name_ref)),
        );
        index
            .imports
            .extend(self.imports.iter().map(|import| translation.import(import)));
        let module = &mut index.scopes[0];
        module.globals.extend(self.module_globals.iter().cloned());
        module
            .nonlocals
            .extend(self.module_nonlocals.iter().cloned());
        module.returns.extend(
            self.module_returns
                .iter()
                .map(|&range| translation.range(range)),
        );
        module.raises.extend(
            self.module_raises
                .iter()
                .map(|&range| translation.range(range)),
        );
        module.is_generator |= self.module_is_generator;
        if let Some(dunder_all) = &self.dunder_all {
            index.dunder_all = dunder_all.clone();
        }
    }
}

/// Moves ids and ranges between a piece's local numbering and an index's.
struct Translation {
    /// Added to local scope and branch ids other than 0 (the module's).
    scope_shift: u32,
    branch_shift: u32,
    definition_shift: u32,
    /// Added to, then subtracted from, every offset.
    add: u32,
    subtract: u32,
}

impl Translation {
    fn scope(&self, id: ScopeId) -> ScopeId {
        if id == FileIndex::MODULE_SCOPE {
            id
        } else {
            ScopeId(id.0 + self.scope_shift)
        }
    }

    fn branch(&self, id: BranchId) -> BranchId {
        if id.0 == 0 {
            id
        } else {
            BranchId(id.0 + self.branch_shift)
        }
    }

    fn definition(&self, id: DefinitionId) -> DefinitionId {
        DefinitionId(id.0 + self.definition_shift)
    }

    fn offset(&self, offset: TextSize) -> TextSize {
        TextSize::from(u32::from(offset) + self.add - self.subtract)
    }

    fn range(&self, range: TextRange) -> TextRange {
        TextRange::new(self.offset(range.start()), self.offset(range.end()))
    }

    fn ranges(&self, ranges: &[TextRange]) -> Vec<TextRange> {
        ranges.iter().map(|&range| self.range(range)).collect()
    }

    fn scope_data(&self, scope: &Scope) -> Scope {
        Scope {
            kind: scope.kind,
            name: scope.name.clone(),
            parent: scope.parent.map(|parent| self.scope(parent)),
            range: self.range(scope.range),
            body_branch: self.branch(scope.body_branch),
            definition: scope
                .definition
                .map(|definition| self.definition(definition)),
            docstring: scope.docstring.clone(),
            globals: scope.globals.clone(),
            nonlocals: scope.nonlocals.clone(),
            definitions: scope
                .definitions
                .iter()
                .map(|&definition| self.definition(definition))
                .collect(),
            is_async: scope.is_async,
            is_generator: scope.is_generator,
            returns: self.ranges(&scope.returns),
            raises: self.ranges(&scope.raises),
            attribute_stores: scope.attribute_stores.clone(),
        }
    }

    fn branch_data(&self, branch: &Branch) -> Branch {
        Branch {
            kind: branch.kind,
            parent: branch.parent.map(|parent| self.branch(parent)),
            scope: self.scope(branch.scope),
            header_range: self.range(branch.header_range),
            header: branch.header.clone(),
            condition: branch.condition.map(|condition| self.range(condition)),
            range: self.range(branch.range),
        }
    }

    fn definition_data(&self, definition: &Definition) -> Definition {
        let kind = match &definition.kind {
            DefinitionKind::Parameter {
                kind,
                default,
                annotation,
            } => DefinitionKind::Parameter {
                kind: *kind,
                default: default.map(|range| self.range(range)),
                annotation: annotation.map(|range| self.range(range)),
            },
            DefinitionKind::Function {
                is_async,
                body,
                decorators,
            } => DefinitionKind::Function {
                is_async: *is_async,
                body: self.scope(*body),
                decorators: self.ranges(decorators),
            },
            DefinitionKind::Class {
                body,
                bases,
                decorators,
            } => DefinitionKind::Class {
                body: self.scope(*body),
                bases: self.ranges(bases),
                decorators: self.ranges(decorators),
            },
            other => other.clone(),
        };
        Definition {
            name: definition.name.clone(),
            scope: self.scope(definition.scope),
            kind,
            name_range: self.range(definition.name_range),
            node_range: self.range(definition.node_range),
            value_range: definition.value_range.map(|range| self.range(range)),
            annotation: definition.annotation.map(|range| self.range(range)),
            branch: self.branch(definition.branch),
        }
    }

    fn name_ref(&self, name_ref: &NameRef) -> NameRef {
        NameRef {
            name: name_ref.name.clone(),
            range: self.range(name_ref.range),
            scope: self.scope(name_ref.scope),
            branch: self.branch(name_ref.branch),
            context: name_ref.context,
            definition: name_ref
                .definition
                .map(|definition| self.definition(definition)),
        }
    }

    fn import(&self, import: &Import) -> Import {
        Import {
            level: import.level,
            module: import.module.clone(),
            name: import.name.clone(),
            range: self.range(import.range),
            module_range: self.range(import.module_range),
            definition: import
                .definition
                .map(|definition| self.definition(definition)),
        }
    }
}

/// A piece kept for the top-level statement it came from: found again by the statement's
/// kind and text.
pub(super) trait StatementPiece {
    fn kind(&self) -> u16;
    fn text(&self) -> &str;
}

impl StatementPiece for Piece {
    fn kind(&self) -> u16 {
        self.kind
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// The pieces of one build of a file (of its index, [`Pieces`], or of its call summary,
/// [`CallPieces`]), by kind and text.
pub(super) struct PieceStore<T> {
    by_key: FxHashMap<u64, Vec<Arc<T>>>,
}

pub(super) type Pieces = PieceStore<Piece>;

impl<T> Default for PieceStore<T> {
    fn default() -> Self {
        PieceStore {
            by_key: FxHashMap::default(),
        }
    }
}

impl<T: StatementPiece> PieceStore<T> {
    fn key(kind: u16, text: &str) -> u64 {
        let mut hasher = FxHasher::default();
        kind.hash(&mut hasher);
        text.hash(&mut hasher);
        hasher.finish()
    }

    pub(super) fn get(&self, kind: u16, text: &str) -> Option<Arc<T>> {
        self.by_key
            .get(&Self::key(kind, text))?
            .iter()
            .find(|piece| piece.kind() == kind && piece.text() == text)
            .cloned()
    }

    pub(super) fn insert(&mut self, piece: Arc<T>) {
        let entries = self
            .by_key
            .entry(Self::key(piece.kind(), piece.text()))
            .or_default();
        if !entries
            .iter()
            .any(|entry| entry.kind() == piece.kind() && entry.text() == piece.text())
        {
            entries.push(piece);
        }
    }
}

impl Pieces {
    /// The texts of the statements whose piece is `earlier`'s very own, sorted (tests).
    #[cfg(test)]
    pub(super) fn shared_with(&self, earlier: &Pieces) -> Vec<&str> {
        let earlier: Vec<&Arc<Piece>> = earlier.by_key.values().flatten().collect();
        let mut texts: Vec<&str> = self
            .by_key
            .values()
            .flatten()
            .filter(|piece| earlier.iter().any(|old| Arc::ptr_eq(old, piece)))
            .map(|piece| &*piece.text)
            .collect();
        texts.sort_unstable();
        texts
    }
}

/// How many files' pieces are kept: the files being edited.
const FILES_KEPT: usize = 8;

/// The pieces of the last build of the files indexed most recently (see the module
/// docs). Shared by a database and its snapshots; what it holds changes how long a
/// build takes, never its result.
pub struct IndexPieceCache {
    clock: AtomicU64,
    files: PiecesByFile<Pieces>,
    /// The same for the call summary (`index::call_sites`).
    calls: PiecesByFile<CallPieces>,
}

impl Default for IndexPieceCache {
    fn default() -> Self {
        IndexPieceCache {
            clock: AtomicU64::new(0),
            files: PiecesByFile::default(),
            calls: PiecesByFile::default(),
        }
    }
}

/// The last build's pieces of the files built most recently, with when each was stored.
struct PiecesByFile<T>(Mutex<FxHashMap<SourceFile, (u64, Arc<T>)>>);

impl<T> Default for PiecesByFile<T> {
    fn default() -> Self {
        PiecesByFile(Mutex::new(FxHashMap::default()))
    }
}

impl<T> PiecesByFile<T> {
    fn get(&self, file: SourceFile) -> Option<Arc<T>> {
        let files = self.0.lock().ok()?;
        files.get(&file).map(|(_, pieces)| pieces.clone())
    }

    fn store(&self, file: SourceFile, stamp: u64, pieces: T) {
        let Ok(mut files) = self.0.lock() else {
            return;
        };
        files.insert(file, (stamp, Arc::new(pieces)));
        if files.len() > FILES_KEPT {
            let oldest = files
                .iter()
                .min_by_key(|(_, (stamp, _))| *stamp)
                .map(|(file, _)| *file);
            if let Some(oldest) = oldest {
                files.remove(&oldest);
            }
        }
    }
}

impl IndexPieceCache {
    pub(super) fn previous(&self, file: SourceFile) -> Option<Arc<Pieces>> {
        self.files.get(file)
    }

    pub(super) fn store(&self, file: SourceFile, pieces: Pieces) {
        let stamp = self.clock.fetch_add(1, Ordering::Relaxed);
        self.files.store(file, stamp, pieces);
    }

    pub(super) fn previous_calls(&self, file: SourceFile) -> Option<Arc<CallPieces>> {
        self.calls.get(file)
    }

    pub(super) fn store_calls(&self, file: SourceFile, pieces: CallPieces) {
        let stamp = self.clock.fetch_add(1, Ordering::Relaxed);
        self.calls.store(file, stamp, pieces);
    }
}
