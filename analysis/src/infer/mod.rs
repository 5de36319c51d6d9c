//! Value inference: an abstract interpreter over each scope's statements, computing at
//! every name load the [`Union`] of values the name can hold, with provenance.
//!
//! One salsa query per scope ([`infer_scope`]). Calls read the callee's inferred return
//! ([`infer_scope`] of the callee), so recursion, direct or through other functions,
//! is a salsa cycle resolved by fixpoint iteration: every scope starts from "nothing
//! known" and re-runs until its result stops changing, widening literals after a few
//! rounds so the iteration is bounded.
//!
//! Across files, importers read [`module_values`]: the module's final bindings with
//! origins stripped, and the summaries of [`summary`], whose origins are anchored
//! ([`anchors`]), so edits that only move code do not change what importers see. The
//! queries hold those anchored origins as they read them ([`infer_scope_raw`],
//! [`infer_call_raw`]); [`infer_scope`] and [`infer_call`], what everyone outside the
//! inference reads, resolve them to coordinates of the current revision.
//!
//! Within a file, the scopes inside top-level definitions read the file through
//! position-free inputs and hold their results relative to their definition
//! ([`inputs`]), so an edit elsewhere in the file (a line of module code inserted above)
//! leaves their inference valid. The module's own run, and what its code calls, read
//! copies of those queries ([`infer_scope_in_module_run`], see [`ModuleRun`]): the
//! functions a module's code calls read the globals of a first, draft run of that code
//! ([`infer_module_draft`]), so the module's run is no salsa cycle (a cycle re-runs the
//! module's code until it settles, three times after every edit, and salsa never
//! backdates its queries).

mod anchors;
mod builtins;
mod conditions;
mod inputs;
mod interpreter;
mod stdlib;
mod summary;

use line_index::{TextRange, TextSize};
use smol_str::SmolStr;

use crate::db::Db;
use crate::index::{DefinitionId, FileIndex, Name, ScopeId, file_index};
use crate::input::SourceFile;
use crate::values::Union;

pub use anchors::{OriginAnchors, origin_anchors};
pub use builtins::{annotation_value, element_of};
pub(crate) use inputs::reuse_across_edits;
pub(crate) use interpreter::function_scope;
pub use interpreter::{class_bases, class_mro};
pub use summary::{
    FieldFact, ScopeFacts, ScopeSummary, call_summary, class_bases_summary, definition_bodies,
    definition_body, file_scope_facts, scope_facts, scope_summary,
};

/// Whether the function whose body is `scope` is a method called with its receiver
/// first (not `@staticmethod` / `@classmethod`).
pub(crate) fn is_unbound_method(db: &dyn Db, file: SourceFile, scope: ScopeId) -> bool {
    interpreter::is_unbound_method(db, file, scope)
}

/// Whether the function whose body is `scope` is decorated `@staticmethod`.
pub(crate) fn is_static_method(db: &dyn Db, file: SourceFile, scope: ScopeId) -> bool {
    scope_facts(db, file, scope).has_decorator("staticmethod")
}

/// What the interpreter learnt about one scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeInference {
    /// The value at each name load, by the load's start offset (sorted); attribute reads
    /// (`obj.attr`) by the start offset of the attribute's name.
    pub loads: Vec<(u32, Union)>,
    /// The value bound by each definition of the scope.
    pub bindings: Vec<(DefinitionId, Union)>,
    /// Values returned (implicit `None` included); `None` when the scope never returns
    /// normally (or is not a function).
    pub returns: Option<Union>,
    /// Values yielded, for generators.
    pub yields: Option<Union>,
    /// Names bound when the scope finishes, with their values.
    pub exit: Vec<(Name, Union)>,
    /// Exception classes raised (explicitly, or by called functions), sorted.
    pub raises: Vec<SmolStr>,
    /// For methods: attributes assigned on the first parameter (`self.x = …`).
    pub self_attributes: Vec<(Name, Union)>,
    /// Calls in the scope, sorted by start offset, outermost first: the call's range, its
    /// callee and its result.
    pub calls: Vec<CallSite>,
    /// Calls made by earlier rounds of loops run once per known item (`for x in (1, 2):`)
    /// with other arguments than the round recorded in `calls`: the rules specialise
    /// the callee for each of them too. Sorted by offset; at most a few dozen.
    pub round_calls: Vec<CallSite>,
    /// The scope calls itself, directly or through other functions.
    pub is_recursive: bool,
    /// Operations that may fail at run time, with the values they ran on (for rules).
    pub operations: Vec<Operation>,
    /// For a method run on a shaped receiver (`infer_call` with a receiver): the
    /// receiver's shape when the method returns.
    pub receiver_shape: Option<crate::values::Shape>,
    /// Parameters the function may mutate in place (item or attribute stores, mutating
    /// methods, passing them on to code that mutates or is unknown), sorted.
    pub mutated_parameters: Vec<Name>,
    /// Parameters the function may return (as the value or inside a returned container).
    pub returned_parameters: Vec<Name>,
    /// Names of enclosing scopes (module globals, mostly) whose containers the function
    /// may change in place (`registry[name] = f`, `seen.add(x)`), itself or through the
    /// functions of its file it calls; sorted.
    pub mutated_globals: Vec<Name>,
    /// Loads of this scope's own names that some path reaches with the name unbound,
    /// sorted by offset (for the names rules; joined over loop rounds).
    pub unbound_loads: Vec<UnboundLoad>,
    /// Some origin is anchored (it came from another file's summary): readers outside
    /// the inference get the inference with them resolved.
    pub has_anchored_origins: bool,
    /// The coordinates are relative (a scope inside a top-level definition, see
    /// [`inputs`]): offsets count from the start of the scope's region, bindings from
    /// the region's first definition, and origins of the scope's file are anchored.
    /// Only the queries' own values are; [`infer_scope`] and [`infer_call`] resolve them.
    pub relative: bool,
}

/// A load of a local name that may find it unbound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnboundLoad {
    /// The load's start offset.
    pub offset: u32,
    /// `None`: unbound on every path reaching the load. `Some(cause)`: bound on some
    /// paths only, and why the others lack it.
    pub maybe: Option<UnboundCause>,
}

/// Why a path reaches a load without a binding. Ordered: the stronger cause wins a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnboundCause {
    /// Only a loop skips the binding: its body may run zero times, or an earlier round
    /// had not bound the name yet (`prev` read in the round after it is set).
    Loop,
    /// A branch skips the binding: an `if` without it, a `try` body that raised before
    /// it, a `break` before it, a `del`.
    Branch,
}

impl CallSite {
    /// The whole call expression.
    pub fn range(&self) -> TextRange {
        TextRange::new(self.offset.into(), self.end.into())
    }
}

impl ScopeInference {
    pub fn load_at(&self, offset: TextSize) -> Option<&Union> {
        let offset = u32::from(offset);
        self.loads
            .binary_search_by_key(&offset, |(at, _)| *at)
            .ok()
            .map(|at| &self.loads[at].1)
    }

    pub fn binding(&self, definition: DefinitionId) -> Option<&Union> {
        self.bindings
            .iter()
            .find(|(id, _)| *id == definition)
            .map(|(_, union)| union)
    }

    pub fn exit_value(&self, name: &str) -> Option<&Union> {
        self.exit
            .iter()
            .find(|(exit_name, _)| exit_name == name)
            .map(|(_, union)| union)
    }

    /// The outermost call starting at `offset` (`f(x).g()` is two calls starting there).
    pub fn call_at(&self, offset: TextSize) -> Option<&CallSite> {
        let offset = u32::from(offset);
        let at = self.calls.partition_point(|call| call.offset < offset);
        self.calls.get(at).filter(|call| call.offset == offset)
    }
}

/// An expression the rules look at, with the (narrowed) values it ran on. Inside loops
/// the values of every round are joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The whole expression (`d["k"]`, `x.attr`, `a / b`) or statement (`for`, unpacking).
    pub range: TextRange,
    pub kind: OperationKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationKind {
    /// `object[key]` (read); `key` is `None` for slices.
    Subscript { object: Union, key: Option<Union> },
    /// `object.attribute` (read).
    Attribute { object: Union, attribute: Name },
    /// `left <operator> right`, augmented assignments included (operator without `=`).
    Binary {
        operator: SmolStr,
        left: Union,
        right: Union,
    },
    /// `for _ in iterable`, in statements and comprehensions.
    Iterate { iterable: Union },
    /// `a, b = value` with `targets` names (one of them starred when `starred`).
    Unpack {
        value: Union,
        targets: u32,
        starred: bool,
    },
}

impl OperationKind {
    fn tag(&self) -> u8 {
        match self {
            OperationKind::Subscript { .. } => 0,
            OperationKind::Attribute { .. } => 1,
            OperationKind::Binary { .. } => 2,
            OperationKind::Iterate { .. } => 3,
            OperationKind::Unpack { .. } => 4,
        }
    }

    /// The same operation seen again (another loop round): values joined.
    fn join(&mut self, other: &OperationKind) {
        fn join_into(union: &mut Union, other: &Union) {
            if union != other {
                *union = union.join(other);
            }
        }
        match (self, other) {
            (
                OperationKind::Subscript { object, key },
                OperationKind::Subscript {
                    object: other_object,
                    key: other_key,
                },
            ) => {
                join_into(object, other_object);
                if let (Some(key), Some(other_key)) = (key, other_key) {
                    join_into(key, other_key);
                }
            }
            (
                OperationKind::Attribute { object, .. },
                OperationKind::Attribute {
                    object: other_object,
                    ..
                },
            ) => join_into(object, other_object),
            (
                OperationKind::Binary { left, right, .. },
                OperationKind::Binary {
                    left: other_left,
                    right: other_right,
                    ..
                },
            ) => {
                join_into(left, other_left);
                join_into(right, other_right);
            }
            (
                OperationKind::Iterate { iterable },
                OperationKind::Iterate {
                    iterable: other_iterable,
                },
            ) => join_into(iterable, other_iterable),
            (
                OperationKind::Unpack { value, .. },
                OperationKind::Unpack {
                    value: other_value, ..
                },
            ) => join_into(value, other_value),
            _ => {}
        }
    }

    fn unions_mut(&mut self) -> Vec<&mut Union> {
        match self {
            OperationKind::Subscript { object, key } => {
                let mut unions = vec![object];
                unions.extend(key.as_mut());
                unions
            }
            OperationKind::Attribute { object, .. } => vec![object],
            OperationKind::Binary { left, right, .. } => vec![left, right],
            OperationKind::Iterate { iterable } => vec![iterable],
            OperationKind::Unpack { value, .. } => vec![value],
        }
    }
}

/// One call expression: what was called, with which argument values, and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The start offset of the call expression.
    pub offset: u32,
    /// The end offset of the call expression.
    pub end: u32,
    /// For methods of builtin values (`xs.remove(v)`): the receiver's value.
    pub receiver: Option<Union>,
    pub callee: Union,
    pub result: Union,
    pub positional: Vec<Union>,
    pub keywords: Vec<(SmolStr, Union)>,
    /// `*args` / `**kwargs` were passed: argument counts are unknown.
    pub has_unpacking: bool,
}

/// How many fixpoint rounds run before literals widen to their types.
const WIDEN_AFTER_ITERATIONS: u32 = 3;

/// The inference of one scope of `file`, with every origin in coordinates of the
/// current revision.
pub fn infer_scope(db: &dyn Db, file: SourceFile, scope: ScopeId) -> &ScopeInference {
    let inference = infer_scope_raw(db, file, scope);
    if inference.has_anchored_origins || inference.relative {
        resolved_scope_inference(db, file, scope)
    } else {
        inference
    }
}

/// Which run of its module's code a scope's inference belongs to (for files whose
/// inference is reused across edits, see [`inputs`]; for the others, what the module's
/// code calls reads the module's inference, a salsa cycle, since copies of every function
/// it calls would cost more than the cycle's rounds).
///
/// A function that the module's code calls reads the module's globals:
///
/// ```python
/// PRECISION = 28
/// def make():               # reads the global `PRECISION`
///     return Context(PRECISION)
/// DEFAULT = make()          # the module's code calls `make`
/// ```
///
/// Read from the module's own inference, those globals would make the module's run a
/// salsa cycle, iterated until it settles (three runs of the module's code after each
/// edit) and never backdated. Instead the module's code runs twice: a draft run, in
/// which the functions it calls find its globals unknown, then the module's inference,
/// in which they read the draft run's globals (per name, so that an edit that leaves a
/// global equal leaves their runs valid). Values differ from the settled cycle's only
/// where a global the called functions read was itself made by such a call (two rounds
/// instead of a fixpoint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ModuleRun {
    /// Not part of the module's run: reads the module's final globals.
    #[default]
    Outside,
    /// The draft run of the module's code ([`infer_module_draft`]) and what it calls:
    /// the module's globals are not known yet.
    Draft,
    /// The module's inference and what its code calls: globals of the draft run.
    Final,
}

impl ModuleRun {
    pub(crate) fn is_inside(self) -> bool {
        self != ModuleRun::Outside
    }
}

/// The body of the inference queries: nothing for a file over the analysis limits,
/// otherwise the interpreter's run with its anchored-origins flag set.
fn run_interpreter(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    arguments: Option<CallArguments>,
    module_run: ModuleRun,
) -> ScopeInference {
    if crate::limits::is_analysis_limited(db, file) {
        return ScopeInference::default();
    }
    interpreter::Interpreter::run_with(db, file, scope, arguments, module_run).with_anchored_flag()
}

/// The inference of one scope of `file` as the interpreter reads it: values read from
/// other files' summaries keep their anchored origins, so that the memo stays valid
/// when an edit only moves the code they came from.
#[salsa::tracked(returns(ref), cycle_fn = infer_scope_cycle, cycle_initial = infer_scope_initial)]
pub fn infer_scope_raw(db: &dyn Db, file: SourceFile, scope: ScopeId) -> ScopeInference {
    run_interpreter(db, file, scope, None, ModuleRun::Outside)
}

/// The draft run of the module's code (see [`ModuleRun`]): the globals that the
/// functions its code calls read in the module's inference. A salsa cycle only through
/// circular imports.
#[salsa::tracked(
    returns(ref),
    cycle_fn = infer_module_draft_cycle,
    cycle_initial = infer_module_draft_initial
)]
pub(crate) fn infer_module_draft(db: &dyn Db, file: SourceFile) -> ScopeInference {
    run_interpreter(db, file, FileIndex::MODULE_SCOPE, None, ModuleRun::Draft)
}

fn infer_module_draft_initial(_db: &dyn Db, _id: salsa::Id, _file: SourceFile) -> ScopeInference {
    ScopeInference::default()
}

fn infer_module_draft_cycle(
    db: &dyn Db,
    cycle: &salsa::Cycle,
    last: &ScopeInference,
    value: ScopeInference,
    file: SourceFile,
) -> ScopeInference {
    infer_scope_cycle(db, cycle, last, value, file, FileIndex::MODULE_SCOPE)
}

/// [`infer_scope_raw`] of a scope other than the module, as the module's code reads it
/// in `run` (a function it calls, `DefaultContext = Context(prec=28)`): its globals are
/// those of `run` (see [`ModuleRun`]), while everyone else reads [`infer_scope_raw`],
/// whose globals come from the module's inference.
#[salsa::tracked(
    returns(ref),
    cycle_fn = infer_scope_in_module_run_cycle,
    cycle_initial = infer_scope_in_module_run_initial
)]
pub(crate) fn infer_scope_in_module_run(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    run: ModuleRun,
) -> ScopeInference {
    run_interpreter(db, file, scope, None, run)
}

fn infer_scope_in_module_run_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _scope: ScopeId,
    _run: ModuleRun,
) -> ScopeInference {
    ScopeInference::default()
}

fn infer_scope_in_module_run_cycle(
    db: &dyn Db,
    cycle: &salsa::Cycle,
    last: &ScopeInference,
    value: ScopeInference,
    file: SourceFile,
    scope: ScopeId,
    _run: ModuleRun,
) -> ScopeInference {
    infer_scope_cycle(db, cycle, last, value, file, scope)
}

/// Resolves anchored origins against their file's current index (others unchanged).
fn origin_resolver(db: &dyn Db) -> impl FnMut(crate::values::Origin) -> crate::values::Origin {
    let mut anchors: Vec<(SourceFile, &OriginAnchors)> = Vec::new();
    move |origin: crate::values::Origin| {
        if origin.anchor.is_none() {
            return origin;
        }
        let file_anchors = match anchors.iter().find(|(file, _)| *file == origin.file) {
            Some((_, file_anchors)) => *file_anchors,
            None => {
                let file_anchors = origin_anchors(db, origin.file);
                anchors.push((origin.file, file_anchors));
                file_anchors
            }
        };
        file_anchors.resolve(origin)
    }
}

/// Every union of a call.
fn visit_call(call: &mut CallSite, visit: &mut impl FnMut(&mut Union)) {
    call.receiver.iter_mut().for_each(&mut *visit);
    visit(&mut call.callee);
    visit(&mut call.result);
    call.positional.iter_mut().for_each(&mut *visit);
    call.keywords.iter_mut().for_each(|(_, union)| visit(union));
}

/// The calls of `scope`'s inference that `wanted` picks, equal to those of
/// [`infer_scope`] (offsets and origins of the current revision), without resolving the
/// rest of the inference: a hover looking for the calls of one function in many scopes
/// resolves only those (after an edit, [`infer_scope`]'s resolved copy of every such
/// scope is made again). `wanted` sees each call as the interpreter holds it, so it
/// must judge what resolving leaves alone (the kinds of values, not offsets or origins).
pub(crate) fn resolved_calls(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    wanted: &mut impl FnMut(&CallSite) -> bool,
) -> Vec<CallSite> {
    let inference = infer_scope_raw(db, file, scope);
    let picked = inference.calls.iter().filter(|call| wanted(call)).cloned();
    if !(inference.has_anchored_origins || inference.relative) {
        return picked.collect();
    }
    // As `ScopeInference::resolved` does for the whole inference.
    let base = if inference.relative {
        inputs::file_inputs(db, file).base(scope)
    } else {
        None
    };
    let mut resolve = origin_resolver(db);
    picked
        .map(|mut call| {
            if let Some(base) = base {
                call.offset = call.offset.wrapping_add(base.offset);
                call.end = call.end.wrapping_add(base.offset);
            }
            visit_call(&mut call, &mut |union: &mut Union| {
                if union.has_anchored_origins() {
                    *union = union.map_origins(&mut resolve);
                }
            });
            call
        })
        .collect()
}

/// [`infer_scope_raw`] with its anchored origins resolved (only run when it has some).
/// A copy, cheap to make again: the least recently used are dropped between revisions
/// (and between the batches of `remedy check`).
#[salsa::tracked(returns(ref), lru = 1024)]
fn resolved_scope_inference(db: &dyn Db, file: SourceFile, scope: ScopeId) -> ScopeInference {
    infer_scope_raw(db, file, scope).resolved(db, file, scope)
}

fn infer_scope_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _scope: ScopeId,
) -> ScopeInference {
    ScopeInference::default()
}

fn infer_scope_cycle(
    _db: &dyn Db,
    cycle: &salsa::Cycle,
    last: &ScopeInference,
    value: ScopeInference,
    _file: SourceFile,
    _scope: ScopeId,
) -> ScopeInference {
    let mut value = value;
    value.is_recursive = true;
    if cycle.iteration() > GIVE_UP_AFTER_ITERATIONS {
        // Settle on the last round: a fixpoint that has not converged by now is pruned.
        let mut settled = last.clone();
        settled.is_recursive = true;
        return settled;
    }
    if cycle.iteration() > WIDEN_AFTER_ITERATIONS && &value != last {
        // Literals produced by recursion (`n + 1` each round) would never settle.
        value.widen();
    }
    value
}

/// The round after which a recursive fixpoint keeps its previous result.
const GIVE_UP_AFTER_ITERATIONS: u32 = 12;

impl ScopeInference {
    /// Sets [`ScopeInference::has_anchored_origins`].
    fn with_anchored_flag(mut self) -> ScopeInference {
        let mut found = self.receiver_shape.as_ref().is_some_and(|shape| {
            shape
                .attributes()
                .iter()
                .any(|(_, union)| union.has_anchored_origins())
        });
        self.for_each_union(&mut |union: &mut Union| {
            found = found || union.has_anchored_origins();
        });
        self.has_anchored_origins = found;
        self
    }

    /// Counts the coordinates from `base` and anchors the origins of `file` (see
    /// [`ScopeInference::relative`]); [`ScopeInference::resolved`] undoes it.
    fn into_relative(
        mut self,
        file: SourceFile,
        anchors: &OriginAnchors,
        base: inputs::Base,
    ) -> ScopeInference {
        self.shift(base, false);
        let mut anchor = |origin: crate::values::Origin| {
            if origin.file == file {
                anchors.anchor(origin)
            } else {
                origin
            }
        };
        self.for_each_union(&mut |union: &mut Union| {
            *union = union.map_origins(&mut anchor);
        });
        if let Some(shape) = &self.receiver_shape {
            self.receiver_shape = Some(shape.map_origins(&mut anchor));
        }
        self.relative = true;
        self
    }

    /// Moves offsets and binding ids by `base`: down (`absolute` false) or back up.
    fn shift(&mut self, base: inputs::Base, absolute: bool) {
        let offset = |at: &mut u32| {
            *at = if absolute {
                at.wrapping_add(base.offset)
            } else {
                at.wrapping_sub(base.offset)
            }
        };
        for (at, _) in &mut self.loads {
            offset(at);
        }
        for (definition, _) in &mut self.bindings {
            definition.0 = if absolute {
                definition.0.wrapping_add(base.first_definition)
            } else {
                definition.0.wrapping_sub(base.first_definition)
            };
        }
        for call in self.calls.iter_mut().chain(self.round_calls.iter_mut()) {
            offset(&mut call.offset);
            offset(&mut call.end);
        }
        for operation in &mut self.operations {
            let mut start = u32::from(operation.range.start());
            let mut end = u32::from(operation.range.end());
            offset(&mut start);
            offset(&mut end);
            operation.range = TextRange::new(start.into(), end.into());
        }
        for load in &mut self.unbound_loads {
            offset(&mut load.offset);
        }
    }

    /// A copy with every anchored origin resolved against its file's current index, and
    /// relative coordinates made absolute again.
    fn resolved(&self, db: &dyn Db, file: SourceFile, scope: ScopeId) -> ScopeInference {
        let mut resolved = self.clone();
        if self.relative {
            // The input of a relative inference had a base, and an equal input has one.
            if let Some(base) = inputs::file_inputs(db, file).base(scope) {
                resolved.shift(base, true);
            }
            resolved.relative = false;
        }
        let mut resolve = origin_resolver(db);
        resolved.for_each_union(&mut |union: &mut Union| {
            if union.has_anchored_origins() {
                *union = union.map_origins(&mut resolve);
            }
        });
        if let Some(shape) = &resolved.receiver_shape {
            resolved.receiver_shape = Some(shape.map_origins(&mut resolve));
        }
        resolved.has_anchored_origins = false;
        resolved
    }

    /// Every union the inference holds, receiver shapes apart.
    fn for_each_union(&mut self, visit: &mut impl FnMut(&mut Union)) {
        self.loads.iter_mut().for_each(|(_, union)| visit(union));
        self.bindings.iter_mut().for_each(|(_, union)| visit(union));
        self.returns.iter_mut().for_each(&mut *visit);
        self.yields.iter_mut().for_each(&mut *visit);
        self.exit.iter_mut().for_each(|(_, union)| visit(union));
        self.self_attributes
            .iter_mut()
            .for_each(|(_, union)| visit(union));
        for call in self.calls.iter_mut().chain(self.round_calls.iter_mut()) {
            visit_call(call, visit);
        }
        for operation in &mut self.operations {
            operation
                .kind
                .unions_mut()
                .into_iter()
                .for_each(&mut *visit);
        }
    }

    fn widen(&mut self) {
        let unions = self
            .loads
            .iter_mut()
            .map(|(_, union)| union)
            .chain(self.bindings.iter_mut().map(|(_, union)| union))
            .chain(self.exit.iter_mut().map(|(_, union)| union))
            .chain(self.self_attributes.iter_mut().map(|(_, union)| union))
            .chain(self.calls.iter_mut().map(|call| &mut call.result))
            .chain(self.returns.iter_mut())
            .chain(self.yields.iter_mut())
            .chain(
                self.operations
                    .iter_mut()
                    .flat_map(|operation| operation.kind.unions_mut()),
            );
        for union in unions {
            *union = union.widened();
        }
    }
}

/// The argument values of one call, without origins (a cache key for [`infer_call`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallArguments {
    /// The shape of the receiver of a method call, when known.
    pub receiver: Option<crate::values::Shape>,
    pub positional: Vec<Union>,
    pub keywords: Vec<(SmolStr, Union)>,
    /// How many specialised calls enclose this one (bounds the nesting).
    pub depth: u8,
    /// The call is made while the module's code runs (see [`ModuleRun`]).
    pub module_run: ModuleRun,
}

impl CallArguments {
    /// The cache key of a call: the argument values (and the receiver's shape) without
    /// their origins, which differ between call sites that pass the same values.
    pub(crate) fn new(
        positional: &[Union],
        keywords: &[(SmolStr, Union)],
        receiver: Option<&crate::values::Shape>,
        depth: u8,
    ) -> CallArguments {
        CallArguments {
            receiver: receiver.map(crate::values::Shape::without_origins),
            positional: positional.iter().map(Union::without_origins).collect(),
            keywords: keywords
                .iter()
                .map(|(name, value)| (name.clone(), value.without_origins()))
                .collect(),
            depth,
            module_run: ModuleRun::Outside,
        }
    }

    /// The value passed for the parameter at `position` (counting after `self`) named `name`.
    pub(crate) fn value_for(
        &self,
        position: usize,
        name: &str,
        kind: crate::index::ParameterKind,
    ) -> Option<Union> {
        use crate::index::ParameterKind;
        match kind {
            ParameterKind::PositionalOnly => self.positional.get(position).cloned(),
            ParameterKind::PositionalOrKeyword => {
                self.positional.get(position).cloned().or_else(|| {
                    self.keywords
                        .iter()
                        .find(|(keyword, _)| keyword == name)
                        .map(|(_, value)| value.clone())
                })
            }
            ParameterKind::KeywordOnly => self
                .keywords
                .iter()
                .find(|(keyword, _)| keyword == name)
                .map(|(_, value)| value.clone()),
            ParameterKind::VarPositional => {
                let rest: Vec<Union> = self.positional.iter().skip(position).cloned().collect();
                Some(Union::new(
                    crate::values::Value::Tuple(crate::values::Items::exact(rest)),
                    None,
                ))
            }
            ParameterKind::VarKeyword => None,
        }
    }
}

/// A function's body interpreted again with its parameters bound to known argument
/// values (call-site sensitivity): its returns, operations and nested calls; every
/// origin in coordinates of the current revision.
pub fn infer_call(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    arguments: CallArguments,
) -> &ScopeInference {
    let inference = infer_call_raw(db, file, scope, arguments.clone());
    if inference.has_anchored_origins || inference.relative {
        resolved_call_inference(db, file, scope, arguments)
    } else {
        inference
    }
}

/// [`infer_call`] as the interpreter reads it (see [`infer_scope_raw`]).
#[salsa::tracked(returns(ref), cycle_initial = infer_call_initial)]
pub fn infer_call_raw(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    arguments: CallArguments,
) -> ScopeInference {
    run_interpreter(db, file, scope, Some(arguments), ModuleRun::Outside)
}

/// [`infer_call_raw`] for a call made while the module's code runs (see
/// [`infer_scope_in_module_run`]; its `arguments` say so).
#[salsa::tracked(returns(ref), cycle_initial = infer_call_initial)]
pub(crate) fn infer_call_in_module_run(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    arguments: CallArguments,
) -> ScopeInference {
    let run = arguments.module_run;
    run_interpreter(db, file, scope, Some(arguments), run)
}

/// [`infer_call_raw`] with its anchored origins resolved (only run when it has some;
/// dropped as [`resolved_scope_inference`] is).
#[salsa::tracked(returns(ref), lru = 1024)]
fn resolved_call_inference(
    db: &dyn Db,
    file: SourceFile,
    scope: ScopeId,
    arguments: CallArguments,
) -> ScopeInference {
    infer_call_raw(db, file, scope, arguments).resolved(db, file, scope)
}

/// The specialised run of `function` for `call` (made from a run `depth` calls deep), when
/// the interpreter specialised that call: the function's file, body scope and inference.
pub fn specialised_call<'db>(
    db: &'db dyn Db,
    function: &crate::values::FunctionRef,
    call: &CallSite,
    depth: u8,
) -> Option<(SourceFile, ScopeId, &'db ScopeInference)> {
    if depth >= interpreter::MAX_SPECIALISATION_DEPTH {
        return None;
    }
    let (file, scope) = interpreter::function_scope(db, function)?;
    let scope_data = scope_facts(db, file, scope);
    // The same decisions as the interpreter's (`call`, `call_function`).
    let mut positional: &[Union] = &call.positional;
    let receiver = match function_value_of(call, function) {
        Some(crate::values::Value::BoundMethod { receiver, .. }) => receiver.clone(),
        Some(crate::values::Value::Function(_))
            if interpreter::is_unbound_method(db, file, scope) && !positional.is_empty() =>
        {
            let receiver = match positional[0].single() {
                Some(crate::values::Value::Instance(_, shape)) => shape.clone(),
                _ => None,
            };
            positional = &positional[1..];
            receiver
        }
        _ => None,
    };
    let worth = interpreter::is_call_worth_specialising(
        scope_data,
        positional,
        &call.keywords,
        call.has_unpacking,
    ) || receiver.is_some()
        && interpreter::is_body_worth_specialising(scope_data, call.has_unpacking);
    if !worth || infer_scope_raw(db, file, scope).is_recursive {
        return None;
    }
    let arguments = CallArguments::new(positional, &call.keywords, receiver.as_ref(), depth);
    Some((file, scope, infer_call(db, file, scope, arguments)))
}

/// The member of the call's callee that is `function` (plain or bound).
fn function_value_of<'a>(
    call: &'a CallSite,
    function: &crate::values::FunctionRef,
) -> Option<&'a crate::values::Value> {
    use crate::values::Value;
    call.callee.values().find(|value| match value {
        Value::Function(candidate)
        | Value::BoundMethod {
            function: candidate,
            ..
        } => candidate == function,
        _ => false,
    })
}

fn infer_call_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _scope: ScopeId,
    _arguments: CallArguments,
) -> ScopeInference {
    ScopeInference::default()
}

/// A module's final bindings as importers see them: values without origins (those of
/// their items and attributes anchored, see [`anchors`]).
#[salsa::tracked(returns(ref), cycle_initial = module_values_initial)]
pub fn module_values(db: &dyn Db, file: SourceFile) -> Vec<(Name, Union)> {
    let inference = infer_scope_raw(db, file, FileIndex::MODULE_SCOPE);
    let anchors = origin_anchors(db, file);
    let mut anchor = |origin: crate::values::Origin| {
        if origin.file == file {
            anchors.anchor(origin)
        } else {
            origin
        }
    };
    inference
        .exit
        .iter()
        .map(|(name, union)| {
            (
                name.clone(),
                union.without_origins().map_origins(&mut anchor),
            )
        })
        .collect()
}

/// Circular imports start from "the module exports nothing yet" and iterate.
fn module_values_initial(_db: &dyn Db, _id: salsa::Id, _file: SourceFile) -> Vec<(Name, Union)> {
    Vec::new()
}

/// The inference of the scope whose body contains `offset`.
pub fn inference_at(
    db: &dyn Db,
    file: SourceFile,
    offset: TextSize,
) -> (&FileIndex, ScopeId, &ScopeInference) {
    let index = file_index(db, file);
    let scope = index.scope_at(offset);
    (index, scope, infer_scope(db, file, scope))
}

#[cfg(test)]
mod tests;
