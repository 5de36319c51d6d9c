//! Position-free views of a scope for the inference of other files: the firewall that
//! keeps an importer's inference valid when an edit only moves code of the module it
//! imports.
//!
//! An edit inside a function body of `core.py` changes `core.py`'s index (every range
//! below the edit moves) and the inference of every scope below it (loads and calls are
//! recorded by offset). An importer reads neither directly: it reads the queries of this
//! module, whose values hold no offsets of their own, so salsa backdates them when they
//! come out equal and the importer's `infer_scope` memos stay valid.
//!
//! ```python
//! # core.py                          # app.py
//! def scale(value):                  from core import scale
//!     edited = 0   # inserted         def use(x):
//!     return value * 2                   return scale(x)   # reads scope_summary(scale)
//! ```
//!
//! Values carry [`Origin`](crate::values::Origin)s, which a hover shows as lines. The
//! summaries hold them *anchored* ([`super::anchors`]): relative to the top-level
//! definition (or the stretch of module code) around them, so the `value * 2` above,
//! which the inserted line moved, keeps its anchored origin and the summary comes out
//! equal. The importer's inference holds them so; [`super::infer_scope`] resolves them to
//! lines of the current revision for everyone else. What still ties an importer to
//! positions: a top-level definition added or removed above (the regions are numbered),
//! and origins whose branch header lies in module code outside their region (an `if`
//! around a `def`), which stay in coordinates. Within one file, scopes read each other's
//! [`ScopeInference`] directly (recursive fixpoints keep their shape), with the origins
//! of the file resolved to the reader's coordinates ([`ScopeView`]); what keeps them
//! valid across edits elsewhere in the file is [`super::inputs`].

use std::borrow::Cow;

use smol_str::SmolStr;

use crate::db::Db;
use crate::index::{DefinitionKind, Name, ParameterKind, ScopeId, ScopeKind, file_index};
use crate::input::SourceFile;
use crate::values::{ClassRef, Origin, Shape, Union};

use super::anchors::origin_anchors;
use super::{CallArguments, ScopeInference, infer_call_raw, infer_scope_raw};

/// What the interpreter reads of a scope's index entry, without ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeFacts {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// The kind of the parent scope (a method's is `Class`): read here, readers need not
    /// read the parent's facts, which change with every edit when it is the module.
    pub parent_kind: Option<ScopeKind>,
    pub is_generator: bool,
    pub is_async: bool,
    /// The defining node is small enough to be re-interpreted per call (a flag, not the
    /// length: an edit of the body leaves it equal).
    pub is_small: bool,
    /// The source of each decorator of the `def` or `class`, without the `@`.
    pub decorators: Vec<SmolStr>,
    /// The source of each base of a `class`.
    pub bases: Vec<SmolStr>,
    /// Attribute names assigned on the first parameter, sorted.
    pub attribute_stores: Vec<Name>,
    /// The parameters, in order.
    pub parameters: Vec<(Name, ParameterKind)>,
    /// The functions defined directly in the scope, in source order: name and body.
    pub functions: Vec<(Name, ScopeId)>,
    /// For a class: the assignments and annotations of its body, in source order. Empty
    /// for other scopes, so that their local bindings stay out of the facts.
    pub fields: Vec<FieldFact>,
}

/// An assignment or annotation of a class body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFact {
    pub name: Name,
    /// The annotation's source, when annotated.
    pub annotation: Option<SmolStr>,
    /// A value is assigned (`x: int = 0`).
    pub has_value: bool,
}

impl ScopeFacts {
    /// Whether a decorator is named `name` (the last part of a dotted name, without call
    /// arguments: `abc.abstractmethod`).
    pub fn has_decorator(&self, name: &str) -> bool {
        self.decorators.iter().any(|decorator| {
            let decorator = decorator.trim();
            let decorator = decorator.split('(').next().unwrap_or(decorator).trim();
            decorator.rsplit('.').next() == Some(name)
        })
    }
}

/// The facts of `scope` of `file` (an id of the file's current index).
pub fn scope_facts(db: &dyn Db, file: SourceFile, scope: ScopeId) -> &ScopeFacts {
    &file_scope_facts(db, file)[scope.index()]
}

/// The facts of every scope of `file`, by scope id; equal after edits that only move
/// code. One query per file rather than per scope: the interpreter reads facts at every
/// call, and a per-file memo is one lookup without interning a key.
#[salsa::tracked(returns(ref))]
pub fn file_scope_facts(db: &dyn Db, file: SourceFile) -> Vec<ScopeFacts> {
    let index = file_index(db, file);
    let text = file.text(db);
    (0..index.scopes.len())
        .map(|scope| facts_of(index, text, ScopeId(scope as u32)))
        .collect()
}

fn facts_of(index: &crate::index::FileIndex, text: &str, scope: ScopeId) -> ScopeFacts {
    let data = index.scope(scope);
    let source = |range: &line_index::TextRange| -> SmolStr {
        SmolStr::new(
            text.get(usize::from(range.start())..usize::from(range.end()))
                .unwrap_or(""),
        )
    };
    let (decorators, bases) = match data.definition.map(|id| &index.definition(id).kind) {
        Some(DefinitionKind::Function { decorators, .. }) => (
            decorators
                .iter()
                .map(|range| SmolStr::new(source(range).trim_start_matches('@')))
                .collect(),
            Vec::new(),
        ),
        Some(DefinitionKind::Class {
            decorators, bases, ..
        }) => (
            decorators
                .iter()
                .map(|range| SmolStr::new(source(range).trim_start_matches('@')))
                .collect(),
            bases.iter().map(source).collect(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let mut parameters = Vec::new();
    let mut functions = Vec::new();
    let mut fields = Vec::new();
    for &id in &data.definitions {
        let definition = index.definition(id);
        match &definition.kind {
            DefinitionKind::Parameter { kind, .. } => {
                parameters.push((definition.name.clone(), *kind));
            }
            DefinitionKind::Function { body, .. } => {
                functions.push((definition.name.clone(), *body));
            }
            DefinitionKind::Annotation | DefinitionKind::Assignment
                if data.kind == ScopeKind::Class =>
            {
                fields.push(FieldFact {
                    name: definition.name.clone(),
                    annotation: definition.annotation.as_ref().map(source),
                    has_value: definition.value_range.is_some(),
                })
            }
            _ => {}
        }
    }
    ScopeFacts {
        kind: data.kind,
        parent: data.parent,
        parent_kind: data.parent.map(|parent| index.scope(parent).kind),
        is_generator: data.is_generator,
        is_async: data.is_async,
        is_small: u32::from(data.range.len()) <= super::interpreter::MAX_SPECIALISED_BODY_BYTES,
        decorators,
        bases,
        attribute_stores: data.attribute_stores.clone(),
        parameters,
        functions,
        fields,
    }
}

/// The body scope of the definition at the dotted `path` of `file` (`Counter.bump`), when
/// it is a `def` (`class_path` false) or a `class` (`class_path` true).
pub fn definition_body(
    db: &dyn Db,
    file: SourceFile,
    path: &str,
    class_path: bool,
) -> Option<ScopeId> {
    let bodies = definition_bodies(db, file);
    let at = bodies
        .binary_search_by(|(candidate, _, _)| candidate.as_str().cmp(path))
        .ok()?;
    let (_, body, is_class) = bodies[at];
    (is_class == class_path).then_some(body)
}

/// What each dotted path of a `def` or `class` of `file` resolves to (as
/// [`FileIndex::definition_at_path`](crate::index::FileIndex::definition_at_path) resolves
/// it): the body scope and whether it is a class. Sorted by path; equal after edits that
/// only move code.
#[salsa::tracked(returns(ref))]
pub fn definition_bodies(db: &dyn Db, file: SourceFile) -> Vec<(SmolStr, ScopeId, bool)> {
    let index = file_index(db, file);
    let mut paths: Vec<SmolStr> = (0..index.definitions.len())
        .map(|id| crate::index::DefinitionId(id as u32))
        .filter(|&id| {
            matches!(
                index.definition(id).kind,
                DefinitionKind::Function { .. } | DefinitionKind::Class { .. }
            )
        })
        .map(|id| index.path_of(id))
        .collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter_map(|path| {
            let definition = index.definition_at_path(&path)?;
            match index.definition(definition).kind {
                DefinitionKind::Function { body, .. } => Some((path, body, false)),
                DefinitionKind::Class { body, .. } => Some((path, body, true)),
                _ => None,
            }
        })
        .collect()
}

/// What a scope's inference tells its callers and readers in other files.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeSummary {
    pub returns: Option<Union>,
    pub yields: Option<Union>,
    pub raises: Vec<SmolStr>,
    pub is_recursive: bool,
    pub self_attributes: Vec<(Name, Union)>,
    pub exit: Vec<(Name, Union)>,
    pub mutated_parameters: Vec<Name>,
    pub receiver_shape: Option<Shape>,
}

impl ScopeSummary {
    /// The summary of an inference of a scope of `file`, with the origins in `file`
    /// anchored (see [`super::anchors`]).
    fn of(db: &dyn Db, file: SourceFile, inference: &ScopeInference) -> ScopeSummary {
        let anchors = origin_anchors(db, file);
        let mut anchor = |origin: Origin| {
            if origin.file == file {
                anchors.anchor(origin)
            } else {
                origin
            }
        };
        let mut anchored = |union: &Union| union.map_origins(&mut anchor);
        let named = |unions: &[(Name, Union)], anchored: &mut dyn FnMut(&Union) -> Union| {
            unions
                .iter()
                .map(|(name, union)| (name.clone(), anchored(union)))
                .collect()
        };
        ScopeSummary {
            returns: inference.returns.as_ref().map(&mut anchored),
            yields: inference.yields.as_ref().map(&mut anchored),
            raises: inference.raises.clone(),
            is_recursive: inference.is_recursive,
            self_attributes: named(&inference.self_attributes, &mut anchored),
            exit: named(&inference.exit, &mut anchored),
            mutated_parameters: inference.mutated_parameters.clone(),
            receiver_shape: inference
                .receiver_shape
                .as_ref()
                .map(|shape| shape.map_origins(&mut anchor)),
        }
    }
}

/// The summary of [`infer_scope_raw`] of `scope`. A recursion across files may enter its
/// cycle here: the iteration then widens and settles as [`infer_scope_raw`]'s does.
#[salsa::tracked(
    returns(ref),
    cycle_fn = scope_summary_cycle,
    cycle_initial = scope_summary_initial
)]
pub fn scope_summary(db: &dyn Db, file: SourceFile, scope: ScopeId) -> ScopeSummary {
    ScopeSummary::of(db, file, infer_scope_raw(db, file, scope))
}

fn scope_summary_cycle(
    _db: &dyn Db,
    cycle: &salsa::Cycle,
    last: &ScopeSummary,
    value: ScopeSummary,
    _file: SourceFile,
    _scope: ScopeId,
) -> ScopeSummary {
    let mut value = value;
    value.is_recursive = true;
    if cycle.iteration() > super::GIVE_UP_AFTER_ITERATIONS {
        let mut settled = last.clone();
        settled.is_recursive = true;
        return settled;
    }
    if cycle.iteration() > super::WIDEN_AFTER_ITERATIONS && &value != last {
        let unions = value
            .returns
            .iter_mut()
            .chain(value.yields.iter_mut())
            .chain(value.exit.iter_mut().map(|(_, union)| union))
            .chain(value.self_attributes.iter_mut().map(|(_, union)| union));
        for union in unions {
            *union = union.widened();
        }
    }
    value
}

fn scope_summary_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _scope: ScopeId,
) -> ScopeSummary {
    ScopeSummary::default()
}

/// The summary of [`infer_call_raw`] of `scope` with `arguments`.
#[salsa::tracked(returns(ref), cycle_initial = call_summary_initial)]
pub fn call_summary(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    arguments: CallArguments,
) -> ScopeSummary {
    ScopeSummary::of(db, file, infer_call_raw(db, file, scope, arguments))
}

fn call_summary_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _scope: ScopeId,
    _arguments: CallArguments,
) -> ScopeSummary {
    ScopeSummary::default()
}

/// The base classes of a class of another file ([`super::class_bases`] behind a query,
/// so the reader does not depend on the loads of the defining scope).
/// The class is the one at the dotted `path` of `file`.
#[salsa::tracked(returns(ref), cycle_initial = class_bases_summary_initial)]
pub fn class_bases_summary(db: &dyn Db, file: SourceFile, path: SmolStr) -> Vec<ClassRef> {
    super::class_bases(db, &ClassRef::Defined { file, path })
}

fn class_bases_summary_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _path: SmolStr,
) -> Vec<ClassRef> {
    Vec::new()
}

/// The inference of `scope` of `file` as a scope of the same file reads it (see
/// [`ScopeView::of_scope`]).
pub(crate) fn local_inference(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    module_run: super::ModuleRun,
) -> &ScopeInference {
    if module_run.is_inside() && scope != crate::index::FileIndex::MODULE_SCOPE {
        super::infer_scope_in_module_run(db, file, scope, module_run)
    } else {
        infer_scope_raw(db, file, scope)
    }
}

/// A scope's inference as one reader sees it: the whole inference for a scope of the
/// reader's own file, with the origins of that file resolved to the reader's
/// coordinates (the inference holds them anchored when it is relative, see
/// [`super::inputs`]); the summary for a scope of another file.
#[derive(Clone, Copy)]
pub(crate) enum ScopeView<'db> {
    Local(&'db ScopeInference, Resolver<'db>),
    Foreign(&'db ScopeSummary),
}

/// Resolves the anchored origins of one file against the reader's regions (the reader
/// runs in the same revision's coordinates).
#[derive(Clone, Copy)]
pub(crate) struct Resolver<'db> {
    pub(crate) file: SourceFile,
    pub(crate) anchors: &'db super::anchors::OriginAnchors,
    /// Off when no inference of the file is relative (see
    /// [`super::inputs::reuse_across_edits`]): values are read as they are.
    pub(crate) active: bool,
}

impl<'db> Resolver<'db> {
    /// `union` with the anchored origins of the file resolved (borrowed when it has none).
    pub(crate) fn union<'a>(self, union: &'a Union) -> Cow<'a, Union> {
        if !self.active || !union.has_anchored_origins() {
            return Cow::Borrowed(union);
        }
        Cow::Owned(union.map_origins(&mut |origin: Origin| {
            if origin.file == self.file {
                self.anchors.resolve(origin)
            } else {
                origin
            }
        }))
    }

    fn named<'a>(self, unions: &'a [(Name, Union)]) -> Cow<'a, [(Name, Union)]> {
        if !self.active || !unions.iter().any(|(_, union)| union.has_anchored_origins()) {
            return Cow::Borrowed(unions);
        }
        Cow::Owned(
            unions
                .iter()
                .map(|(name, union)| (name.clone(), self.union(union).into_owned()))
                .collect(),
        )
    }
}

impl<'db> ScopeView<'db> {
    /// How `reader` (a scope of `from`, run as part of its module's run or not, see
    /// [`super::infer_scope_in_module_run`]) reads `scope` of `file`.
    pub(crate) fn of_scope(
        db: &'db dyn Db,
        from: Resolver<'db>,
        file: SourceFile,
        scope: ScopeId,
        module_run: super::ModuleRun,
    ) -> ScopeView<'db> {
        if file == from.file {
            ScopeView::Local(local_inference(db, file, scope, module_run), from)
        } else {
            ScopeView::Foreign(scope_summary(db, file, scope))
        }
    }

    /// How a scope of `from` reads the specialised run of `scope` of `file`.
    pub(crate) fn of_call(
        db: &'db dyn Db,
        from: Resolver<'db>,
        file: SourceFile,
        scope: ScopeId,
        arguments: CallArguments,
    ) -> ScopeView<'db> {
        if file == from.file {
            let inference = if arguments.module_run.is_inside() {
                super::infer_call_in_module_run(db, file, scope, arguments)
            } else {
                infer_call_raw(db, file, scope, arguments)
            };
            ScopeView::Local(inference, from)
        } else {
            ScopeView::Foreign(call_summary(db, file, scope, arguments))
        }
    }

    pub(crate) fn returns(self) -> Option<Cow<'db, Union>> {
        match self {
            ScopeView::Local(inference, resolver) => inference
                .returns
                .as_ref()
                .map(|union| resolver.union(union)),
            ScopeView::Foreign(summary) => summary.returns.as_ref().map(Cow::Borrowed),
        }
    }

    pub(crate) fn has_returns(self) -> bool {
        match self {
            ScopeView::Local(inference, _) => inference.returns.is_some(),
            ScopeView::Foreign(summary) => summary.returns.is_some(),
        }
    }

    pub(crate) fn yields(self) -> Option<Cow<'db, Union>> {
        match self {
            ScopeView::Local(inference, resolver) => {
                inference.yields.as_ref().map(|union| resolver.union(union))
            }
            ScopeView::Foreign(summary) => summary.yields.as_ref().map(Cow::Borrowed),
        }
    }

    pub(crate) fn raises(self) -> &'db [SmolStr] {
        match self {
            ScopeView::Local(inference, _) => &inference.raises,
            ScopeView::Foreign(summary) => &summary.raises,
        }
    }

    pub(crate) fn is_recursive(self) -> bool {
        match self {
            ScopeView::Local(inference, _) => inference.is_recursive,
            ScopeView::Foreign(summary) => summary.is_recursive,
        }
    }

    pub(crate) fn self_attributes(self) -> Cow<'db, [(Name, Union)]> {
        match self {
            ScopeView::Local(inference, resolver) => resolver.named(&inference.self_attributes),
            ScopeView::Foreign(summary) => Cow::Borrowed(&summary.self_attributes),
        }
    }

    pub(crate) fn exit(self) -> Cow<'db, [(Name, Union)]> {
        match self {
            ScopeView::Local(inference, resolver) => resolver.named(&inference.exit),
            ScopeView::Foreign(summary) => Cow::Borrowed(&summary.exit),
        }
    }

    pub(crate) fn exit_value(self, name: &str) -> Option<Cow<'db, Union>> {
        let (exit, resolver) = match self {
            ScopeView::Local(inference, resolver) => (&inference.exit, Some(resolver)),
            ScopeView::Foreign(summary) => (&summary.exit, None),
        };
        let union = exit
            .iter()
            .find(|(exit_name, _)| exit_name == name)
            .map(|(_, union)| union)?;
        Some(match resolver {
            Some(resolver) => resolver.union(union),
            None => Cow::Borrowed(union),
        })
    }

    pub(crate) fn mutated_parameters(self) -> &'db [Name] {
        match self {
            ScopeView::Local(inference, _) => &inference.mutated_parameters,
            ScopeView::Foreign(summary) => &summary.mutated_parameters,
        }
    }

    pub(crate) fn receiver_shape(self) -> Option<Shape> {
        match self {
            ScopeView::Local(inference, resolver) if !resolver.active => {
                inference.receiver_shape.clone()
            }
            ScopeView::Local(inference, resolver) => {
                inference.receiver_shape.as_ref().map(|shape| {
                    shape.map_origins(&mut |origin: Origin| {
                        if origin.file == resolver.file {
                            resolver.anchors.resolve(origin)
                        } else {
                            origin
                        }
                    })
                })
            }
            ScopeView::Foreign(summary) => summary.receiver_shape.clone(),
        }
    }
}

/// An origin pointing at `scope` of `file` (its defining node, in the root branch of its
/// body), anchored: for the origins that point at a scope of another file (attributes
/// some method stores). Like [`scope_facts`], it stays equal when the scope only moves.
#[salsa::tracked]
pub fn scope_origin(db: &dyn Db, file: SourceFile, scope: ScopeId) -> Origin {
    let data = file_index(db, file).scope(scope);
    origin_anchors(db, file).anchor(Origin {
        file,
        range: data.range,
        branch: data.body_branch,
        anchor: None,
    })
}
