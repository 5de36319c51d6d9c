//! The per-file index: scopes, definitions, name references, imports and the
//! control-flow skeleton (branches with stable ids), built in one iterative walk.
//!
//! Terminology, with a small example:
//!
//! ```python
//! import os                 # definition `os` (import) in the module scope
//! def f(flag):              # definition `f` (function); opens scope `f`
//!     if flag:              # branch 1: `if flag:` true branch (parent: the body of `f`)
//!         x = 4             # definition `x` in scope `f`, branch 1
//!     else:                 # branch 2: the `else` of that `if`
//!         x = 4.1           # definition `x` in scope `f`, branch 2
//!     return x              # a load of `x` in scope `f`
//! ```
//!
//! - A *scope* is a module, class, function, lambda or comprehension body.
//! - A *definition* binds a name in a scope (assignment, parameter, import, `def`, …);
//!   it remembers the innermost *branch* it sits in.
//! - A *branch* is a region entered under a condition (an `if`/`elif`/`else` arm, a loop
//!   body, an `except` handler, a `case`, either side of `a if c else b`, …). Every scope
//!   body is a root branch. Ids are assigned in source order, so an edit inside one
//!   function keeps the ids of branches before it.
//!
//! The index holds byte ranges, never tree-sitter nodes. It changes with every edit of
//! its file; cross-file consumers read the range-free [`ModuleExports`] instead.

mod builder;
mod call_words;
mod exports;
mod pieces;

use std::fmt;

use line_index::{TextRange, TextSize};
use rustc_hash::FxHashMap;
use smol_str::SmolStr;

use crate::db::Db;
use crate::input::SourceFile;
use crate::parse::parse;

pub(crate) use builder::{child_by_field, kind_of, range_of, string_value};
pub use call_words::{CallSites, call_sites};
pub use exports::{ExportKind, ExportedName, ModuleExports, module_exports};
pub use pieces::IndexPieceCache;

pub type Name = SmolStr;

macro_rules! id_type {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(ScopeId);
id_type!(DefinitionId);
id_type!(BranchId);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub kind: ScopeKind,
    /// The function or class name; `<module>`, `<lambda>`, `<listcomp>`, … otherwise.
    pub name: Name,
    pub parent: Option<ScopeId>,
    /// The whole defining node (the module, the `def`, the `class`, the lambda, …).
    pub range: TextRange,
    /// The root branch of the scope's body.
    pub body_branch: BranchId,
    /// The definition that created this scope (`def`/`class`), if any.
    pub definition: Option<DefinitionId>,
    pub docstring: Option<String>,
    /// Names declared `global` / `nonlocal` in this scope.
    pub globals: Vec<Name>,
    pub nonlocals: Vec<Name>,
    /// Definitions of this scope, in source order.
    pub definitions: Vec<DefinitionId>,
    pub is_async: bool,
    /// The body contains `yield` (directly, not in a nested scope).
    pub is_generator: bool,
    /// Ranges of `return` and `raise` statements directly in this scope.
    pub returns: Vec<TextRange>,
    pub raises: Vec<TextRange>,
    /// For methods: attribute names assigned on the first parameter (`self.x = …`),
    /// sorted and deduplicated.
    pub attribute_stores: Vec<Name>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParameterKind {
    PositionalOnly,
    PositionalOrKeyword,
    VarPositional,
    KeywordOnly,
    VarKeyword,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DefinitionKind {
    Assignment,
    AugmentedAssignment,
    /// `x: int` without a value: makes `x` local but binds nothing.
    Annotation,
    Parameter {
        kind: ParameterKind,
        default: Option<TextRange>,
        annotation: Option<TextRange>,
    },
    Function {
        is_async: bool,
        body: ScopeId,
        decorators: Vec<TextRange>,
    },
    Class {
        body: ScopeId,
        bases: Vec<TextRange>,
        decorators: Vec<TextRange>,
    },
    /// `import a.b.c` binds `a` (`module` is "a.b.c", `alias` false);
    /// `import a.b as c` binds `c` to `a.b` (`alias` true).
    Import {
        module: String,
        alias: bool,
    },
    /// `from ..m import n as k`: `level` dots, `module` "m", `name` "n".
    ImportFrom {
        level: u32,
        module: String,
        name: Name,
    },
    ForTarget,
    WithTarget,
    ExceptHandler,
    NamedExpression,
    MatchCapture,
    ComprehensionTarget,
    TypeAlias,
    TypeParameter,
}

impl DefinitionKind {
    /// Whether the definition actually binds a value (an annotation alone does not).
    pub fn binds(&self) -> bool {
        !matches!(self, DefinitionKind::Annotation)
    }

    pub fn describe(&self) -> &'static str {
        match self {
            DefinitionKind::Assignment
            | DefinitionKind::AugmentedAssignment
            | DefinitionKind::Annotation => "variable",
            DefinitionKind::Parameter { .. } => "parameter",
            DefinitionKind::Function { .. } => "function",
            DefinitionKind::Class { .. } => "class",
            DefinitionKind::Import { .. } | DefinitionKind::ImportFrom { .. } => "import",
            DefinitionKind::ForTarget => "loop variable",
            DefinitionKind::WithTarget => "context variable",
            DefinitionKind::ExceptHandler => "exception variable",
            DefinitionKind::NamedExpression => "variable (walrus)",
            DefinitionKind::MatchCapture => "match capture",
            DefinitionKind::ComprehensionTarget => "comprehension variable",
            DefinitionKind::TypeAlias => "type alias",
            DefinitionKind::TypeParameter => "type parameter",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub name: Name,
    pub scope: ScopeId,
    pub kind: DefinitionKind,
    /// The bound name itself.
    pub name_range: TextRange,
    /// The statement (or expression) that binds it.
    pub node_range: TextRange,
    /// The value assigned, when there is one (`right` of an assignment, a default, …).
    pub value_range: Option<TextRange>,
    pub annotation: Option<TextRange>,
    pub branch: BranchId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BranchKind {
    /// The body of a module, class, function, lambda or comprehension.
    ScopeBody,
    IfTrue,
    Elif,
    Else,
    WhileBody,
    WhileElse,
    ForBody,
    ForElse,
    TryBody,
    ExceptHandler,
    TryElse,
    Finally,
    MatchCase,
    ConditionalTrue,
    ConditionalFalse,
    ComprehensionBody,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub kind: BranchKind,
    pub parent: Option<BranchId>,
    pub scope: ScopeId,
    /// The header that guards the branch (`if flag:`, `except KeyError as e:`, …),
    /// or the whole node for scope bodies.
    pub header_range: TextRange,
    /// The source of the header, shortened for display.
    pub header: String,
    /// The guarding condition (`flag` in `if flag:`), when there is one.
    pub condition: Option<TextRange>,
    /// The region the branch covers.
    pub range: TextRange,
}

impl Branch {
    /// A short human label: "`if flag:` true branch", "`else` branch", …
    pub fn label(&self) -> String {
        match self.kind {
            BranchKind::ScopeBody => "body".to_owned(),
            BranchKind::IfTrue => format!("`{}` true branch", self.header),
            BranchKind::Elif => format!("`{}` branch", self.header),
            BranchKind::Else
            | BranchKind::WhileElse
            | BranchKind::ForElse
            | BranchKind::TryElse => "`else` branch".to_owned(),
            BranchKind::WhileBody | BranchKind::ForBody => format!("`{}` loop body", self.header),
            BranchKind::TryBody => "`try` body".to_owned(),
            BranchKind::ExceptHandler => format!("`{}` handler", self.header),
            BranchKind::Finally => "`finally`".to_owned(),
            BranchKind::MatchCase => format!("`{}`", self.header),
            BranchKind::ConditionalTrue => format!("`if {}` true side", self.header),
            BranchKind::ConditionalFalse => format!("`if {}` false side", self.header),
            BranchKind::ComprehensionBody => "comprehension".to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameContext {
    Load,
    Store,
    Del,
}

/// One occurrence of a name in an expression or target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    pub name: Name,
    pub range: TextRange,
    pub scope: ScopeId,
    pub branch: BranchId,
    pub context: NameContext,
    /// The definition this occurrence creates (for `Store`).
    pub definition: Option<DefinitionId>,
}

/// An import statement item, kept for module resolution.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Import {
    pub level: u32,
    /// The dotted module name (`a.b` in `import a.b` and `from a.b import c`).
    pub module: String,
    /// The imported name for `from` imports (`None` for `import a.b`), `*` for star imports.
    pub name: Option<Name>,
    pub range: TextRange,
    /// The range of the module name (for diagnostics on unresolved modules).
    pub module_range: TextRange,
    pub definition: Option<DefinitionId>,
}

/// Where a name resolves, following Python's LEGB rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameResolution {
    /// Bound in `scope`; the listed definitions (source order) may reach the use.
    Scope {
        scope: ScopeId,
        definitions: Vec<DefinitionId>,
    },
    /// Not bound in the file: a builtin or an undefined name.
    Unbound,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileIndex {
    pub scopes: Vec<Scope>,
    pub definitions: Vec<Definition>,
    pub branches: Vec<Branch>,
    /// Sorted by start offset.
    pub name_refs: Vec<NameRef>,
    pub imports: Vec<Import>,
    /// `__all__` when it is a literal list or tuple of strings.
    pub dunder_all: Option<Vec<Name>>,
    /// Per scope (by id): each name's definitions in source order, so a lookup costs
    /// the definitions of that one name, not of the whole scope.
    definitions_by_name: Vec<FxHashMap<Name, Vec<DefinitionId>>>,
}

impl FileIndex {
    pub const MODULE_SCOPE: ScopeId = ScopeId(0);

    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.index()]
    }

    pub fn definition(&self, id: DefinitionId) -> &Definition {
        &self.definitions[id.index()]
    }

    pub fn branch(&self, id: BranchId) -> &Branch {
        &self.branches[id.index()]
    }

    /// The name occurrence covering `offset` (inclusive at both ends, so a cursor right
    /// after the name still finds it).
    pub fn name_ref_at(&self, offset: TextSize) -> Option<&NameRef> {
        let after = self
            .name_refs
            .partition_point(|name_ref| name_ref.range.start() <= offset);
        self.name_refs[..after]
            .iter()
            .rev()
            .take(2)
            .find(|name_ref| name_ref.range.contains_inclusive(offset))
    }

    /// The innermost scope whose node contains `offset`.
    pub fn scope_at(&self, offset: TextSize) -> ScopeId {
        let mut best = Self::MODULE_SCOPE;
        for (index, scope) in self.scopes.iter().enumerate().skip(1) {
            if scope.range.contains(offset) && scope.range.len() <= self.scope(best).range.len() {
                best = ScopeId(index as u32);
            }
        }
        best
    }

    /// The chain of branches from `branch` up to its scope's body.
    pub fn branch_path(&self, branch: BranchId) -> impl Iterator<Item = (BranchId, &Branch)> {
        std::iter::successors(Some(branch), |&id| self.branch(id).parent)
            .map(|id| (id, self.branch(id)))
    }

    /// The dotted path of a definition inside its module (`Counter.bump`), through the
    /// enclosing classes and functions. Stable under edits that do not rename them.
    pub fn path_of(&self, definition: DefinitionId) -> Name {
        let data = self.definition(definition);
        let mut parts = vec![data.name.as_str()];
        let mut scope = data.scope;
        while let Some(parent) = self.scope(scope).parent {
            parts.push(self.scope(scope).name.as_str());
            scope = parent;
        }
        parts.reverse();
        Name::new(parts.join("."))
    }

    /// The `def` or `class` at a dotted path (the last binding of each segment).
    pub fn definition_at_path(&self, path: &str) -> Option<DefinitionId> {
        let mut scope = Self::MODULE_SCOPE;
        let mut found = None;
        for segment in path.split('.') {
            if let Some(definition) = found {
                scope = match &self.definition(definition).kind {
                    DefinitionKind::Function { body, .. } | DefinitionKind::Class { body, .. } => {
                        *body
                    }
                    _ => return None,
                };
            }
            found = Some(
                self.definitions_in_scope(scope, segment)
                    .filter(|&id| {
                        matches!(
                            self.definition(id).kind,
                            DefinitionKind::Function { .. } | DefinitionKind::Class { .. }
                        )
                    })
                    .last()?,
            );
        }
        found
    }

    /// Definitions of `name` directly in `scope`, in source order.
    pub fn definitions_in_scope<'a>(
        &'a self,
        scope: ScopeId,
        name: &'a str,
    ) -> impl Iterator<Item = DefinitionId> + 'a {
        self.named_definitions(scope, name).iter().copied()
    }

    fn named_definitions(&self, scope: ScopeId, name: &str) -> &[DefinitionId] {
        self.definitions_by_name
            .get(scope.index())
            .and_then(|names| names.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Fills the by-name lookup from each scope's (sorted) definitions.
    fn index_definitions_by_name(&mut self) {
        self.definitions_by_name = self
            .scopes
            .iter()
            .map(|scope| {
                let mut names: FxHashMap<Name, Vec<DefinitionId>> = FxHashMap::default();
                for &id in &scope.definitions {
                    names
                        .entry(self.definitions[id.index()].name.clone())
                        .or_default()
                        .push(id);
                }
                names
            })
            .collect();
    }

    /// Resolves `name` used in `scope` at `offset` by Python's scoping rules: local,
    /// enclosing functions (class bodies are skipped), module. `global` and `nonlocal`
    /// declarations redirect the lookup.
    pub fn resolve_name(&self, scope: ScopeId, name: &str, offset: TextSize) -> NameResolution {
        let mut current = scope;
        let mut is_first = true;
        loop {
            let data = self.scope(current);
            if data.globals.iter().any(|global| global == name) {
                return self.resolve_in(Self::MODULE_SCOPE, name, offset);
            }
            let skip_class = data.kind == ScopeKind::Class && !is_first;
            let nonlocal = data.nonlocals.iter().any(|nonlocal| nonlocal == name);
            if !skip_class && !nonlocal && self.definitions_in_scope(current, name).next().is_some()
            {
                return self.resolve_in(current, name, offset);
            }
            is_first = false;
            match data.parent {
                Some(parent) => current = parent,
                None => return NameResolution::Unbound,
            }
        }
    }

    fn resolve_in(&self, scope: ScopeId, name: &str, offset: TextSize) -> NameResolution {
        let all = self.named_definitions(scope, name);
        if all.is_empty() {
            return NameResolution::Unbound;
        }
        // Without flow analysis, prefer the bindings that precede the use; a use before
        // every binding (a function body reading a later global) sees all of them.
        let before: Vec<DefinitionId> = all
            .iter()
            .copied()
            .filter(|&id| self.definition(id).name_range.end() <= offset)
            .collect();
        let definitions = if before.is_empty() {
            all.to_vec()
        } else {
            before
        };
        NameResolution::Scope { scope, definitions }
    }
}

/// The index of `file`.
/// Shared (`Arc`) so that per-scope views of the inference can hold the current index
/// without depending on it.
#[salsa::tracked(returns(ref), lru = 256)]
pub fn file_index(db: &dyn Db, file: SourceFile) -> std::sync::Arc<FileIndex> {
    let parsed = parse(db, file);
    let builder = builder::IndexBuilder::new(file.text(db));
    let check_cancelled = || db.unwind_if_revision_cancelled();
    // Pieces are kept for the files whose inference is kept across edits (the files a
    // server's user types in); the index is the same either way.
    let reuse = crate::infer::reuse_across_edits(db, file);
    let index = match db.index_pieces().filter(|_| reuse) {
        // Statements an edit left alone are taken from the last build (`pieces`).
        Some(cache) => {
            let previous = cache.previous(file);
            let mut next = pieces::Pieces::default();
            let index = builder.build_reusing(
                parsed.root(),
                &check_cancelled,
                previous.as_deref(),
                &mut next,
            );
            cache.store(file, next);
            index
        }
        None => builder.build_cancellable(parsed.root(), &check_cancelled),
    };
    std::sync::Arc::new(index)
}

/// The tree and index a per-file summary is computed from (class outlines, import-time
/// events, exports: the small `Eq` queries that workspace-wide queries merge over every
/// file).
///
/// The merged queries visit every workspace file inside one salsa revision, and the LRU
/// capacity of [`parse`] and [`file_index`] only applies between revisions: if the
/// summaries read the memoized tree and index, every file's stays in memory until the
/// next write (1.6 GB for the 1,788 files of the standard library when the first 167 are
/// opened). So a summary reads the memoized ones only while a tree of the file is in
/// memory anyway (the file is open and analysed or being edited, or the analysis of an
/// open file read it); otherwise it parses and indexes the file privately and both are
/// dropped with the summary.
///
/// Either way the summary is the same function of the file's text, so which one a run
/// takes changes what it costs, never what it finds.
pub(crate) enum SummarySyntax<'db> {
    Memoized {
        parsed: &'db crate::parse::ParsedFile,
        index: &'db FileIndex,
    },
    Private {
        tree: tree_sitter::Tree,
        index: FileIndex,
    },
}

impl SummarySyntax<'_> {
    pub(crate) fn index(&self) -> &FileIndex {
        match self {
            SummarySyntax::Memoized { index, .. } => index,
            SummarySyntax::Private { index, .. } => index,
        }
    }

    pub(crate) fn root(&self) -> tree_sitter::Node<'_> {
        match self {
            SummarySyntax::Memoized { parsed, .. } => parsed.root(),
            SummarySyntax::Private { tree, .. } => tree.root_node(),
        }
    }
}

/// See [`SummarySyntax`].
pub(crate) fn summary_syntax(db: &dyn Db, file: SourceFile) -> SummarySyntax<'_> {
    if file.parse_base(db).has_tree() {
        return SummarySyntax::Memoized {
            parsed: parse(db, file),
            index: file_index(db, file),
        };
    }
    let text = file.text(db);
    let tree = crate::parse::parse_text_cancellable(db, text, None);
    let index = builder::IndexBuilder::new(text)
        .build_cancellable(tree.root_node(), &|| db.unwind_if_revision_cancelled());
    SummarySyntax::Private { tree, index }
}

impl fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScopeKind::Module => "module",
            ScopeKind::Class => "class",
            ScopeKind::Function => "function",
            ScopeKind::Lambda => "lambda",
            ScopeKind::Comprehension => "comprehension",
        })
    }
}

#[cfg(test)]
mod tests;
