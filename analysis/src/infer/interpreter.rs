//! The abstract interpreter of one scope: statements transform an environment of
//! unions (one per local name), branches fork it and join it back, loops iterate to a
//! bounded fixpoint, `return`/`raise`/`break`/`continue` end a path.
//!
//! Expressions are evaluated with a depth guard: 5,000 nested parentheses give an
//! unknown value, not a stack overflow.
//!
//! Beside the values, each path's environment remembers which names a join left bound
//! on some incoming paths only, and why (a branch, or a loop that may not run). Loads
//! of local names record it ([`UnboundLoad`]) for the names rules; values and hovers
//! never see it. A read that succeeds clears the mark (the unbound paths raised there),
//! and a statement call that never returns (`sys.exit()`) ends its path.

use std::borrow::Cow;
use std::collections::BTreeSet;

use line_index::{TextRange, TextSize};
use rustc_hash::FxHashMap;
use smol_str::SmolStr;
use tree_sitter::Node;

use super::builtins::{self, Arguments, element_of};
use super::conditions::{ConditionChain, Implied};
use super::stdlib;
use super::summary::{
    ScopeFacts, ScopeView, class_bases_summary, definition_body, file_scope_facts, local_inference,
    scope_facts, scope_origin,
};
use super::{
    CallArguments, CallSite, ModuleRun, Operation, OperationKind, ScopeInference, UnboundCause,
    UnboundLoad, infer_scope_raw, module_values,
};
use crate::db::Db;
use crate::index::{
    BranchId, BranchKind, DefinitionId, DefinitionKind, FileIndex, Name, NameResolution, ScopeId,
    ScopeKind, file_index,
};
use crate::index::{child_by_field, kind_of, range_of};
use crate::input::SourceFile;
use crate::modules::{module_file, module_resolver};
use crate::parse::parse;
use crate::values::{ClassRef, DictValue, FunctionRef, Items, Key, Origin, Shape, Union, Value};

/// Expression nesting beyond which values are unknown.
const MAX_EXPRESSION_DEPTH: u32 = 150;
/// Statement nesting beyond which blocks are skipped (CPython's own limit is lower).
const MAX_BLOCK_DEPTH: u32 = 120;
/// Comprehensions over at most this many known items are evaluated item by item.
const MAX_EXACT_COMPREHENSION_ITEMS: usize = 32;
/// Rounds of a loop body before its bindings widen to their types.
const LOOP_ROUNDS: usize = 3;
/// A `for` loop over at most this many known items runs its body once per item, in
/// order, instead of to a fixpoint.
const MAX_UNROLLED_ITEMS: usize = 16;
/// Unrolled rounds one run of a scope may spend, nested loops included.
const UNROLL_BUDGET: u32 = 96;
/// Calls of unrolled rounds kept beside the last one (see `ScopeInference::round_calls`).
const MAX_ROUND_CALLS: usize = 64;
/// Operations of unrolled rounds kept apart (see `Interpreter::round_operations`).
const MAX_ROUND_OPERATIONS: usize = 2_000;

/// The names bound on the paths reaching a point, with their values.
///
/// `maybe_unbound` records the names bound on some incoming paths only (a join where
/// one side lacked them) and why the other side lacked them. It feeds the names rules
/// only ([`UnboundLoad`]); values, hovers and `exit` never see it. A name absent from
/// `values` is unbound on every path (or not local at all).
///
/// Each map is shared between the environments forked from one path (both sides of a
/// test, a loop's entry and its back edge) until one of them changes it: most forks
/// change a name or two, or nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Env {
    values: SharedMap<Name, Union>,
    maybe_unbound: SharedMap<Name, UnboundCause>,
    /// Attribute paths (`self.conn`, `cfg.db.url`) narrowed or assigned on this path:
    /// their value until the path or a prefix is assigned again (or the object is
    /// passed to a call that may change it).
    places: SharedMap<Name, Union>,
    /// Names bound to a test (`ok = x is not None`), by the test's range and the names
    /// it reads: `if ok:` narrows like the test while none of them is rebound.
    conditions: SharedMap<Name, ConditionAlias>,
    /// Names an earlier `if test:` bound on one side only (`if args.file: name = …`):
    /// a later test of the same text, while none of its names is rebound, tells
    /// whether they are bound.
    correlations: SharedMap<Name, BoundWhen>,
}

/// A map copied on its first change after a clone (clones share it until then). Reads go
/// through `Deref`; the changing methods copy only when they would change something.
#[derive(Debug)]
struct SharedMap<K, V>(std::sync::Arc<FxHashMap<K, V>>);

impl<K: Eq + std::hash::Hash, V: PartialEq> PartialEq for SharedMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<K: Eq + std::hash::Hash, V: Eq> Eq for SharedMap<K, V> {}

impl<K, V> Clone for SharedMap<K, V> {
    fn clone(&self) -> Self {
        SharedMap(std::sync::Arc::clone(&self.0))
    }
}

impl<K, V> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap(std::sync::Arc::new(FxHashMap::default()))
    }
}

impl<K, V> std::ops::Deref for SharedMap<K, V> {
    type Target = FxHashMap<K, V>;

    fn deref(&self) -> &FxHashMap<K, V> {
        &self.0
    }
}

impl<K, V> From<FxHashMap<K, V>> for SharedMap<K, V> {
    fn from(map: FxHashMap<K, V>) -> Self {
        SharedMap(std::sync::Arc::new(map))
    }
}

impl<K: Clone + Eq + std::hash::Hash, V: Clone> SharedMap<K, V> {
    /// The map to change, copied first when another environment shares it.
    fn make_mut(&mut self) -> &mut FxHashMap<K, V> {
        std::sync::Arc::make_mut(&mut self.0)
    }

    fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.make_mut().insert(key, value)
    }

    fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        if !self.0.contains_key(key) {
            return None;
        }
        self.make_mut().remove(key)
    }

    fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        if !self.0.contains_key(key) {
            return None;
        }
        self.make_mut().get_mut(key)
    }

    /// Keeps the entries `keep` accepts; `keep` must not change anything (it may run
    /// twice: once to see whether anything goes, once to remove it).
    fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        if self.0.iter().all(|(key, value)| keep(key, value)) {
            return;
        }
        self.make_mut().retain(|key, value| keep(key, value));
    }

    fn into_map(self) -> FxHashMap<K, V> {
        std::sync::Arc::unwrap_or_clone(self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct BoundWhen {
    test: ConditionAlias,
    /// The test's source text.
    text: SmolStr,
    /// Bound when the test is true (`true`) or false.
    truth: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ConditionAlias {
    range: TextRange,
    reads: Vec<Name>,
}

impl Env {
    fn get(&self, name: &Name) -> Option<&Union> {
        self.values.get(name)
    }

    /// Binds `name` (assignment, import, parameter, …): bound on every path from here.
    fn insert(&mut self, name: Name, value: Union) {
        self.maybe_unbound.remove(&name);
        self.forget_places_under(&name);
        self.forget_conditions_on(&name);
        self.values.insert(name, value);
    }

    /// Drops the condition aliases `name` is or that read `name`.
    fn forget_conditions_on(&mut self, name: &str) {
        if self.conditions.is_empty() && self.correlations.is_empty() {
            return;
        }
        self.conditions.retain(|alias, condition| {
            alias != name && !condition.reads.iter().any(|read| read == name)
        });
        self.correlations.retain(|bound, correlation| {
            bound != name && !correlation.test.reads.iter().any(|read| read == name)
        });
    }

    /// Replaces the value of a name already read (narrowing, item stores, mutation):
    /// whether it is bound does not change.
    fn refine(&mut self, name: Name, value: Union) {
        self.values.insert(name, value);
    }

    fn remove(&mut self, name: &Name) {
        self.maybe_unbound.remove(name);
        self.values.remove(name);
        self.forget_places_under(name);
        self.forget_conditions_on(name);
    }

    /// Forgets the narrowed paths below `root` (`self` forgets `self.conn`, `self.a.b`).
    fn forget_places_under(&mut self, root: &str) {
        if self.places.is_empty() {
            return;
        }
        self.places.retain(|path, _| {
            !(path.len() > root.len()
                && path.starts_with(root)
                && path.as_bytes()[root.len()] == b'.')
        });
    }

    fn values_mut(&mut self) -> impl Iterator<Item = &mut Union> {
        self.values.make_mut().values_mut()
    }

    /// `name` may have been changed in place by code not followed here: its known
    /// contents (exact items, closed dicts, instance shapes) no longer hold.
    fn forget_contents(&mut self, name: Name) {
        let Some(current) = self.values.get(&name) else {
            return;
        };
        let forgotten = current.map(|value| match value {
            Value::Instance(class, Some(_)) => Value::Instance(class.clone(), None),
            other => opened_container(other),
        });
        if forgotten != *current {
            self.refine(name, forgotten);
        }
    }

    /// A read of `name` succeeded: the paths where it was unbound raised there, so the
    /// paths that go on have it bound.
    fn mark_read(&mut self, name: &Name) {
        self.maybe_unbound.remove(name);
    }
}

/// Whether calling the function whose body is `scope` as a plain function passes the
/// receiver first: a method of a class, neither static nor a class method.
pub(super) fn is_unbound_method(db: &dyn Db, file: SourceFile, scope: ScopeId) -> bool {
    let facts = scope_facts(db, file, scope);
    facts.kind == ScopeKind::Function
        && facts.parent_kind == Some(ScopeKind::Class)
        && !facts.has_decorator("staticmethod")
        && !facts.has_decorator("classmethod")
}

/// The container name a `for` iterates: `d` in `d`, `d.keys()`, `list(d.items())`,
/// `sorted(d)`, `enumerate(d)` (wrappers nest `depth` deep at most).
fn iterated_name<'t>(text: &str, node: Node<'t>, depth: u8) -> Option<Node<'t>> {
    match node.kind() {
        "identifier" => Some(node),
        "call" if depth > 0 => {
            let function = node.child_by_field_name("function")?;
            if function.kind() == "attribute" {
                let method = text.get(function.child_by_field_name("attribute")?.byte_range())?;
                return matches!(method, "keys" | "items" | "values")
                    .then(|| function.child_by_field_name("object"))
                    .flatten()
                    .filter(|object| object.kind() == "identifier");
            }
            let wrapper = text.get(function.byte_range())?;
            if !matches!(
                wrapper,
                "list" | "tuple" | "sorted" | "reversed" | "enumerate" | "set"
            ) {
                return None;
            }
            let argument = node.child_by_field_name("arguments")?.named_child(0)?;
            iterated_name(text, argument, depth - 1)
        }
        _ => None,
    }
}

/// A container after `container.method(arguments)` changed it in place (`append`,
/// `update`, `pop` …); other values are returned unchanged.
fn mutated(container: &Value, method: &str, arguments: &Arguments) -> Value {
    let first = arguments.positional.first();
    match (container, method) {
        // `pending.insert(0, job)`: a literal position (clamped, as Python does).
        (Value::List(items), "insert")
            if items.exact
                && let [index, added] = arguments.positional.as_slice()
                && let Some(Value::Int(Some(index))) = index.single() =>
        {
            let length = items.items.len() as i64;
            let position = if *index < 0 { index + length } else { *index };
            let mut kept = items.items.clone();
            kept.insert(position.clamp(0, length) as usize, added.clone());
            Value::List(Items::exact(kept))
        }
        (Value::List(items), "append" | "insert") => {
            let added = if method == "insert" {
                arguments.positional.get(1)
            } else {
                first
            };
            let mut items = items.clone();
            match added {
                Some(added) if items.exact && method == "append" => items.items.push(added.clone()),
                Some(added) => {
                    items = Items::of(Some(
                        items
                            .element()
                            .map(|element| element.join(added))
                            .unwrap_or_else(|| added.clone()),
                    ))
                }
                None => {}
            }
            Value::List(items)
        }
        (Value::List(items), "extend") => {
            let added = first.and_then(element_of);
            let joined = match (items.element(), added) {
                (Some(element), Some(added)) => Some(element.join(&added)),
                (element, added) => element.or(added),
            };
            Value::List(Items::of(joined))
        }
        (Value::List(items), "remove") if items.exact => {
            // Removing a known literal drops its first occurrence. When it is absent
            // the call raises (`list-value-missing` reports it) and the list is kept
            // as a sample of its elements.
            let position = first.and_then(Union::single).and_then(|needle| {
                items
                    .items
                    .iter()
                    .position(|item| item.single() == Some(needle))
            });
            match position {
                Some(position) => {
                    let mut kept = items.items.clone();
                    kept.remove(position);
                    Value::List(Items::exact(kept))
                }
                None => Value::List(Items::of(items.element())),
            }
        }
        (Value::List(items), "pop") if items.exact && arguments.positional.is_empty() => {
            let mut kept = items.items.clone();
            kept.pop();
            Value::List(Items::exact(kept))
        }
        // `queue.pop(0)`: a literal position drops that item (out of range, the call
        // raises and the list stays as it was).
        (Value::List(items), "pop")
            if items.exact
                && let [index] = arguments.positional.as_slice()
                && let Some(Value::Int(Some(index))) = index.single() =>
        {
            let length = items.items.len() as i64;
            let position = if *index < 0 { index + length } else { *index };
            let mut kept = items.items.clone();
            if (0..length).contains(&position) {
                kept.remove(position as usize);
            }
            Value::List(Items::exact(kept))
        }
        (Value::List(items), "pop" | "remove") => Value::List(Items::of(items.element())),
        (Value::List(_), "clear") => Value::List(Items::exact(Vec::new())),
        (Value::Set(items), "add") => {
            let joined = match (items.element(), first) {
                (Some(element), Some(added)) => Some(element.join(added)),
                (element, added) => element.or(added.cloned()),
            };
            Value::Set(Items::of(joined))
        }
        (Value::Dict(dict), "update" | "setdefault") => {
            let mut dict = dict.as_ref().clone();
            if method == "setdefault" {
                if let (Some(key), value) = (
                    first.and_then(Union::single).and_then(literal_key),
                    arguments.positional.get(1),
                ) {
                    if !dict.entries.iter().any(|(existing, _)| *existing == key) {
                        dict.entries.push((
                            key,
                            value
                                .cloned()
                                .unwrap_or_else(|| Union::new(Value::None, None)),
                        ));
                    }
                    return Value::Dict(Box::new(dict));
                }
            }
            for (key, value) in &arguments.keywords {
                let key = Key::Str(key.clone());
                dict.set(key, value.clone());
            }
            match first.and_then(Union::single) {
                Some(Value::Dict(other)) => {
                    for (key, value) in &other.entries {
                        dict.set(key.clone(), value.clone());
                    }
                    dict.open |= other.open;
                }
                Some(_) | None if first.is_some() => dict.open = true,
                _ => {}
            }
            Value::Dict(Box::new(dict))
        }
        (Value::Dict(dict), "pop") => {
            let mut dict = dict.as_ref().clone();
            if let Some(key) = first.and_then(Union::single).and_then(literal_key) {
                dict.entries.retain(|(existing, _)| *existing != key);
            } else {
                dict.open = true;
            }
            Value::Dict(Box::new(dict))
        }
        (Value::Dict(_), "clear") => Value::Dict(Box::new(DictValue {
            entries: Vec::new(),
            open: false,
        })),
        (other, _) => other.clone(),
    }
}

/// `x` of `type(x)`.
fn type_call_subject<'t>(text: &str, node: Node<'t>) -> Option<Node<'t>> {
    let function = child_by_field(node, "function")?;
    if kind_of(node) != "call" || text.get(function.byte_range()) != Some("type") {
        return None;
    }
    let arguments = child_by_field(node, "arguments")?;
    if arguments.named_child_count() != 1 {
        return None;
    }
    arguments
        .named_child(0)
        .filter(|subject| is_place_node(*subject))
}

/// A name or an attribute path of names (`x`, `self.conn`, `cfg.db.url`): what
/// narrowing can follow.
fn is_place_node(node: Node<'_>) -> bool {
    let mut node = node;
    for _ in 0..MAX_PLACE_SEGMENTS {
        match kind_of(node) {
            "identifier" => return true,
            "attribute" => match child_by_field(node, "object") {
                Some(object) => node = object,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Left operands of `and` / `or` longer than this do not narrow the right operand.
const MAX_NARROWED_OPERAND_BYTES: usize = 2_000;
/// The same for left operands that are `and` / `or` chains themselves.
const MAX_NARROWED_CHAIN_BYTES: usize = 240;
/// Below this expression depth, `and` / `or` operands are no longer narrowed.
const MAX_NARROWING_DEPTH: u32 = 24;

/// Attribute paths longer than this are not narrowed.
const MAX_PLACE_SEGMENTS: usize = 4;

/// Where an argument lands in the callee: its position among the call's positional
/// arguments, or its keyword.
#[derive(Clone, Copy)]
enum ArgumentSlot<'a> {
    Position(usize),
    Keyword(&'a str),
}

/// Methods that change their receiver in place (whatever its type).
/// The mutating methods that may add items.
const GROWING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "extendleft",
    "insert",
    "add",
    "update",
    "setdefault",
    "__setitem__",
];

const MUTATING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "extendleft",
    "insert",
    "pop",
    "popleft",
    "popitem",
    "remove",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
    "difference_update",
    "intersection_update",
    "symmetric_difference_update",
];

/// Methods of the builtin containers and strings that only read their arguments.
const READING_METHODS: &[&str] = &[
    "get",
    "index",
    "count",
    "copy",
    "keys",
    "values",
    "items",
    "join",
    "split",
    "format",
    "startswith",
    "endswith",
    "replace",
    "strip",
    "find",
    "encode",
    "decode",
    "union",
    "intersection",
    "difference",
    "issubset",
    "issuperset",
    "isdisjoint",
    "fromkeys",
];

/// The flow state: `None` when the point is unreachable.
type State = Option<Env>;

/// What the paths reaching one load of a local name had bound.
#[derive(Debug, Clone, Copy, Default)]
struct LocalLoad {
    /// Some path had the name bound.
    bound: bool,
    /// Some path had it bound only on some of its incoming paths.
    maybe: Option<UnboundCause>,
    /// Some path (some loop round) had it unbound outright.
    unbound: bool,
}

impl LocalLoad {
    fn finish(self, offset: u32) -> Option<UnboundLoad> {
        let maybe = match (self.bound, self.maybe, self.unbound) {
            (false, _, true) => None,
            (_, Some(cause), _) => Some(cause),
            // Unbound in one round, bound in another: a loop-carried name.
            (true, None, true) => Some(UnboundCause::Loop),
            _ => return None,
        };
        Some(UnboundLoad { offset, maybe })
    }
}

struct LoopFrame {
    breaks: State,
    continues: State,
}

pub(super) struct Interpreter<'db> {
    db: &'db dyn Db,
    file: SourceFile,
    text: &'db str,
    index: &'db FileIndex,
    parsed: &'db crate::parse::ParsedFile,
    /// The child lists of `parsed`'s nodes: every specialised run of a body reads the
    /// same children and fields again.
    nodes: &'db crate::node_table::NodeTable<'db>,
    /// For a scope inside a top-level definition: its input and where its relative
    /// coordinates count from (see `inputs`); `None` for the module.
    relative: Option<(&'db super::inputs::FileInputsHandle, super::inputs::Base)>,
    /// Whether this run is part of a run of the module's code (the module, or what its
    /// code calls), and which (see [`ModuleRun`]): it reads the scopes and globals of its
    /// file as that run has them.
    module_run: ModuleRun,
    /// The regions of the file in this run's coordinates: values read from other scopes
    /// of the file hold their origins anchored, and are read resolved.
    anchors: &'db super::anchors::OriginAnchors,
    scope: ScopeId,
    branches: FxHashMap<(u32, BranchKind), BranchId>,
    branch: BranchId,
    state: State,
    loads: FxHashMap<u32, Union>,
    /// Whether each load of a local name found it bound, joined over loop rounds.
    local_loads: FxHashMap<u32, LocalLoad>,
    /// The start offset of the last call evaluated that never returns (`sys.exit()`).
    never_returns_at: Option<u32>,
    bindings: FxHashMap<DefinitionId, Union>,
    returns: Option<Union>,
    yields: Option<Union>,
    raises: BTreeSet<SmolStr>,
    self_attributes: FxHashMap<Name, Union>,
    calls: FxHashMap<(u32, u32), CallSite>,
    operations: FxHashMap<(u32, u32, u8), Operation>,
    /// Exception names caught by the `try` statements around the current point.
    handlers: Vec<Vec<SmolStr>>,
    /// For each `try` body around the current point: the states before each of its
    /// statements so far, joined (any statement may raise into the handlers).
    try_states: Vec<State>,
    loops: Vec<LoopFrame>,
    self_name: Option<Name>,
    /// Class bodies of this file, by whether they derive from the enclosing class.
    derives_from_enclosing: FxHashMap<ScopeId, bool>,
    /// Classes, by whether they derive from `type`.
    metaclasses: FxHashMap<ClassRef, bool>,
    /// The MROs this run computed, by class: attribute lookups ask for the same classes'
    /// MROs again and again, and each answer is the same within one run.
    class_mros: std::cell::RefCell<FxHashMap<ClassRef, Vec<ClassRef>>>,
    depth: u32,
    block_depth: u32,
    record: bool,
    /// Argument values of the call being specialised (see `infer_call`).
    bound_arguments: Option<CallArguments>,
    /// The function's parameter names (empty for other scopes).
    parameter_names: Vec<Name>,
    mutated_parameters: BTreeSet<Name>,
    returned_parameters: BTreeSet<Name>,
    mutated_globals: BTreeSet<Name>,
    /// For a method run on a shaped receiver: `self` at the returns.
    receiver_exit: Option<Union>,
    /// Unrolled loop rounds this run may still spend.
    unroll_budget: u32,
    /// How many unrolled loops enclose the current point.
    unrolling: u32,
    /// How many loops run to a fixpoint enclose the current point.
    fixpoint_loops: u32,
    /// Calls an unrolled round made with other arguments than the last round's.
    round_calls: Vec<CallSite>,
    /// The operations of each unrolled round, kept apart: joining `buttons[text]` over
    /// rounds would pair one round's key with another round's dict.
    round_operations: Vec<Operation>,
}

impl<'db> Interpreter<'db> {
    /// Runs the scope; with `bound_arguments`, parameters take the call's argument values.
    pub(super) fn run_with(
        db: &'db dyn Db,
        file: SourceFile,
        scope: ScopeId,
        bound_arguments: Option<CallArguments>,
        module_run: ModuleRun,
    ) -> ScopeInference {
        // A scope inside a top-level definition reads its file through its input (see
        // `inputs`), so that edits elsewhere leave its inference valid.
        let reuse = super::inputs::reuse_across_edits(db, file);
        let input = (reuse && scope != FileIndex::MODULE_SCOPE)
            .then(|| super::inputs::scope_input(db, file, scope))
            .filter(|input| input.base.is_some());
        let (index, parsed, text): (&FileIndex, &crate::parse::ParsedFile, &str) = match input {
            Some(input) => (&input.file.index, &input.file.parsed, &input.file.text),
            None => (file_index(db, file), parse(db, file), file.text(db)),
        };
        let relative = input.and_then(|input| Some((&*input.file, input.base?)));
        let anchors: &super::anchors::OriginAnchors = match relative {
            Some((handle, _)) => &handle.anchors,
            None => super::origin_anchors(db, file),
        };
        let scope_data = index.scope(scope);
        let branches = index
            .branches
            .iter()
            .enumerate()
            .filter(|(_, branch)| branch.scope == scope)
            .map(|(id, branch)| {
                (
                    (u32::from(branch.header_range.start()), branch.kind),
                    BranchId(id as u32),
                )
            })
            .collect();
        let mut interpreter = Interpreter {
            db,
            file,
            text,
            index,
            parsed,
            nodes: crate::parse::node_table(db, parsed),
            relative,
            module_run: match module_run {
                // Without reuse, what the module's code calls reads the module's own
                // inference, a salsa cycle: copies of every function it calls cost more
                // than the cycle's rounds (measured on the standard library).
                _ if !reuse => ModuleRun::Outside,
                // The module's own inference is the final run of its code.
                ModuleRun::Outside if scope == FileIndex::MODULE_SCOPE => ModuleRun::Final,
                run => run,
            },
            anchors,
            scope,
            branches,
            branch: scope_data.body_branch,
            state: Some(Env::default()),
            loads: FxHashMap::default(),
            local_loads: FxHashMap::default(),
            never_returns_at: None,
            bindings: FxHashMap::default(),
            returns: None,
            yields: None,
            raises: BTreeSet::new(),
            self_attributes: FxHashMap::default(),
            calls: FxHashMap::default(),
            operations: FxHashMap::default(),
            handlers: Vec::new(),
            try_states: Vec::new(),
            loops: Vec::new(),
            self_name: None,
            derives_from_enclosing: FxHashMap::default(),
            metaclasses: FxHashMap::default(),
            class_mros: Default::default(),
            depth: 0,
            block_depth: 0,
            record: true,
            bound_arguments,
            parameter_names: Vec::new(),
            mutated_parameters: BTreeSet::new(),
            mutated_globals: BTreeSet::new(),
            returned_parameters: BTreeSet::new(),
            receiver_exit: None,
            unroll_budget: UNROLL_BUDGET,
            unrolling: 0,
            fixpoint_loops: 0,
            round_calls: Vec::new(),
            round_operations: Vec::new(),
        };
        if matches!(scope_data.kind, ScopeKind::Function | ScopeKind::Lambda) {
            interpreter.parameter_names = scope_data
                .definitions
                .iter()
                .map(|&definition| index.definition(definition))
                .filter(|data| matches!(data.kind, DefinitionKind::Parameter { .. }))
                .map(|data| data.name.clone())
                .collect();
        }
        let root = parsed.root();
        let Some(node) = scope_node(root, scope_data.range) else {
            return ScopeInference::default();
        };
        match scope_data.kind {
            ScopeKind::Module => interpreter.block(node),
            ScopeKind::Class => {
                if let Some(body) = node.child_by_field_name("body") {
                    interpreter.block(body);
                }
            }
            ScopeKind::Function => {
                interpreter.parameters(scope);
                if let Some(body) = node.child_by_field_name("body") {
                    interpreter.block(body);
                }
                if interpreter.state.is_some() {
                    // Falling off the end returns `None`, except for a stub (`...` body:
                    // a protocol, an overload, a mixin's declaration that a subclass
                    // implements), whose real result is not written here.
                    let end = TextRange::empty(scope_data.range.end());
                    let is_stub = node
                        .child_by_field_name("body")
                        .is_some_and(|body| is_stub_body(body));
                    let value = if is_stub { Value::Unknown } else { Value::None };
                    let implicit = Union::new(value, Some(interpreter.origin(end)));
                    interpreter.add_return(implicit);
                }
            }
            ScopeKind::Lambda => {
                interpreter.parameters(scope);
                if let Some(body) = node.child_by_field_name("body") {
                    let value = interpreter.expression(body);
                    interpreter.add_return(value);
                }
            }
            // Comprehensions are evaluated inline by the scope that contains them.
            ScopeKind::Comprehension => {}
        }
        interpreter.finish()
    }

    /// The child of `node` in grammar field `name` (`Node::child_by_field_name`).
    fn field<'n>(&self, node: Node<'n>, name: &str) -> Option<Node<'n>>
    where
        'db: 'n,
    {
        self.nodes.child_by_field(node, name)
    }

    fn finish(mut self) -> ScopeInference {
        // Module globals that functions rebind (`global _db; _db = …`): importers may
        // read them after such a call.
        let declared_global: rustc_hash::FxHashSet<&Name> = if self.scope == FileIndex::MODULE_SCOPE
        {
            self.index
                .scopes
                .iter()
                .flat_map(|scope| scope.globals.iter())
                .collect()
        } else {
            rustc_hash::FxHashSet::default()
        };
        if !declared_global.is_empty() {
            let rebound: Vec<(Name, Origin)> = self
                .state
                .iter()
                .flat_map(|env| env.values.keys())
                .filter(|name| declared_global.contains(name))
                .filter_map(|name| {
                    self.rebound_elsewhere(FileIndex::MODULE_SCOPE, name)
                        .map(|origin| (name.clone(), origin))
                })
                .collect();
            if let Some(env) = &mut self.state {
                for (name, origin) in rebound {
                    if let Some(value) = env.values.get_mut(&name) {
                        *value = value.join(&Union::new(Value::Unknown, Some(origin)));
                    }
                }
            }
        }
        let mut loads: Vec<(u32, Union)> = self.loads.into_iter().collect();
        loads.sort_by_key(|(offset, _)| *offset);
        let mut bindings: Vec<(DefinitionId, Union)> = self.bindings.into_iter().collect();
        bindings.sort_by_key(|(id, _)| *id);
        let mut exit: Vec<(Name, Union)> = self
            .state
            .unwrap_or_default()
            .values
            .into_map()
            .into_iter()
            .collect();
        exit.sort_by(|left, right| left.0.cmp(&right.0));
        let mut self_attributes: Vec<(Name, Union)> = self.self_attributes.into_iter().collect();
        self_attributes.sort_by(|left, right| left.0.cmp(&right.0));
        let mut calls: Vec<CallSite> = self.calls.into_values().collect();
        calls.sort_by_key(|call| (call.offset, std::cmp::Reverse(call.end)));
        let mut unbound_loads: Vec<UnboundLoad> = self
            .local_loads
            .into_iter()
            .filter_map(|(offset, load)| load.finish(offset))
            .collect();
        unbound_loads.sort_by_key(|load| load.offset);
        let mut operations: Vec<Operation> = self.operations.into_values().collect();
        for operation in self.round_operations {
            if !operations.contains(&operation) {
                operations.push(operation);
            }
        }
        operations.sort_by_key(|operation| {
            (
                operation.range.start(),
                operation.kind.tag(),
                operation.range.end(),
            )
        });
        // The receiver's shape after the call: its shape at the returns (containers the
        // method mutated are open there), overlaid with what the method assigns.
        let receiver_shape = self
            .receiver_exit
            .as_ref()
            .and_then(|exit| match exit.single() {
                Some(Value::Instance(_, Some(shape))) => {
                    let mut attributes = shape.attributes().to_vec();
                    for (name, value) in &self_attributes {
                        let value = value.map(|value| match value {
                            Value::Instance(class, Some(_)) => Value::Instance(class.clone(), None),
                            other => other.clone(),
                        });
                        match attributes.iter_mut().find(|(existing, _)| existing == name) {
                            Some((_, existing)) => *existing = value,
                            None => attributes.push((name.clone(), value)),
                        }
                    }
                    Shape::new(attributes)
                }
                _ => None,
            });
        let (relative, file) = (self.relative, self.file);
        let inference = ScopeInference {
            receiver_shape,
            loads,
            bindings,
            returns: self.returns,
            yields: self.yields,
            exit,
            raises: self.raises.into_iter().collect(),
            self_attributes,
            calls,
            round_calls: {
                let mut round_calls = self.round_calls;
                round_calls.sort_by_key(|call| (call.offset, std::cmp::Reverse(call.end)));
                round_calls
            },
            is_recursive: false,
            operations,
            mutated_parameters: self.mutated_parameters.into_iter().collect(),
            mutated_globals: self.mutated_globals.into_iter().collect(),
            returned_parameters: self.returned_parameters.into_iter().collect(),
            unbound_loads,
            // Set by the queries (`with_anchored_flag`).
            has_anchored_origins: false,
            relative: false,
        };
        match relative {
            Some((input, base)) => inference.into_relative(file, &input.anchors, base),
            None => inference,
        }
    }

    /// Records an operation for the rules (joined with earlier rounds of a loop).
    fn record_operation(&mut self, node: Node<'_>, kind: OperationKind) {
        if !self.record || self.state.is_none() {
            return;
        }
        let range = range_of(node);
        // Nested operations can share a start (`a.b.c` holds `a.b`): the end tells them apart.
        let key = (u32::from(range.start()), u32::from(range.end()), kind.tag());
        match self.operations.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut entry) => {
                entry.get_mut().kind.join(&kind);
            }
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(Operation { range, kind });
            }
        }
    }

    fn origin(&self, range: TextRange) -> Origin {
        Origin {
            file: self.file,
            range,
            branch: self.branch,
            anchor: None,
        }
    }

    fn literal(&self, value: Value, node: Node<'_>) -> Union {
        Union::new(value, Some(self.origin(range_of(node))))
    }

    fn slice(&self, node: Node<'_>) -> &'db str {
        self.text
            .get(node.start_byte()..node.end_byte())
            .unwrap_or("")
    }

    fn add_return(&mut self, value: Union) {
        self.returns = Some(match self.returns.take() {
            Some(returns) => returns.join(&value),
            None => value,
        });
        // A method run on a shaped receiver: what `self` looks like when it returns.
        if self
            .bound_arguments
            .as_ref()
            .is_some_and(|arguments| arguments.receiver.is_some())
            && let Some(receiver) = self
                .self_name
                .as_ref()
                .and_then(|name| self.state.as_ref()?.get(name))
        {
            self.receiver_exit = Some(match self.receiver_exit.take() {
                Some(exit) => exit.join(receiver),
                None => receiver.clone(),
            });
        }
    }

    // ---- statements -------------------------------------------------------------

    fn block(&mut self, block: Node<'_>) {
        if self.block_depth > MAX_BLOCK_DEPTH {
            return;
        }
        self.block_depth += 1;
        let statements: Vec<Node<'_>> = self.nodes.named_children(block).collect();
        for statement in statements {
            if self.state.is_none() {
                break;
            }
            // A module of 100,000 statements is one query: let a newer edit stop it here
            // rather than wait for it.
            self.db.unwind_if_revision_cancelled();
            if !self.try_states.is_empty() && statement_may_raise(statement) {
                for entry in &mut self.try_states {
                    *entry = join_states(entry.take(), self.state.clone());
                }
            }
            self.statement(statement);
        }
        self.block_depth -= 1;
    }

    /// Runs `block` in `branch` from `state`, returning the state at its end.
    fn branch_block(
        &mut self,
        block: Option<Node<'_>>,
        branch: Option<BranchId>,
        state: State,
    ) -> State {
        let saved_branch = self.branch;
        if let Some(branch) = branch {
            self.branch = branch;
        }
        self.state = state;
        if let Some(block) = block {
            if self.state.is_some() {
                self.block(block);
            }
        }
        self.branch = saved_branch;
        self.state.take()
    }

    fn branch_id(&self, node: Node<'_>, kind: BranchKind) -> Option<BranchId> {
        self.branches
            .get(&(node.start_byte() as u32, kind))
            .copied()
    }

    fn statement(&mut self, node: Node<'_>) {
        match kind_of(node) {
            "expression_statement" => {
                let children: Vec<Node<'_>> = self.nodes.named_children(node).collect();
                for child in children {
                    self.never_returns_at = None;
                    self.expression(child);
                    if kind_of(child) == "call"
                        && self.never_returns_at == Some(child.start_byte() as u32)
                    {
                        // `sys.exit(1)`, `fail("…")`: the path ends here.
                        self.state = None;
                    }
                }
            }
            "if_statement" => self.if_statement(node),
            "for_statement" => self.for_statement(node),
            "while_statement" => self.while_statement(node),
            "try_statement" => self.try_statement(node),
            "with_statement" => self.with_statement(node),
            "match_statement" => self.match_statement(node),
            "return_statement" => {
                if let Some(value) = self.nodes.named_child(node, 0) {
                    self.note_returned_parameters(value);
                }
                let value = match self.nodes.named_child(node, 0) {
                    Some(value) => self.expression(value),
                    None => self.literal(Value::None, node),
                };
                self.add_return(value);
                self.state = None;
            }
            "raise_statement" => {
                if let Some(exception) = self.nodes.named_child(node, 0) {
                    let value = self.expression(exception);
                    for value in value.values() {
                        if let Value::Class(class) | Value::Instance(class, ..) = value {
                            self.raise(class.name());
                        }
                    }
                }
                self.state = None;
            }
            "break_statement" => {
                let state = self.state.take();
                if let Some(frame) = self.loops.last_mut() {
                    frame.breaks = join_states(frame.breaks.take(), state);
                }
            }
            "continue_statement" => {
                let state = self.state.take();
                if let Some(frame) = self.loops.last_mut() {
                    frame.continues = join_states(frame.continues.take(), state);
                }
            }
            "assert_statement" => {
                if let Some(condition) = self.nodes.named_child(node, 0) {
                    self.expression(condition);
                    let (when_true, _) = self.narrow(condition, self.state.clone());
                    self.state = when_true;
                }
            }
            "delete_statement" => {
                let targets: Vec<Node<'_>> = self.nodes.named_children(node).collect();
                for target in targets {
                    if kind_of(target) == "identifier" {
                        let name = Name::new(self.slice(target));
                        if let Some(env) = &mut self.state {
                            env.remove(&name);
                        }
                    } else {
                        if matches!(kind_of(target), "subscript" | "attribute") {
                            let object = self
                                .field(target, "value")
                                .or_else(|| self.field(target, "object"));
                            if let Some(object) = object {
                                self.note_mutation(object);
                            }
                        }
                        self.expression(target);
                    }
                }
            }
            "function_definition" => self.function_definition(node, node),
            "class_definition" => self.class_definition(node),
            "decorated_definition" => {
                let decorators: Vec<Node<'_>> = self
                    .nodes
                    .named_children(node)
                    .filter(|child| kind_of(*child) == "decorator")
                    .collect();
                for decorator in decorators {
                    if let Some(expression) = self.nodes.named_child(decorator, 0) {
                        self.expression(expression);
                    }
                }
                if let Some(definition) = self.field(node, "definition") {
                    match kind_of(definition) {
                        "function_definition" => self.function_definition(definition, node),
                        "class_definition" => self.class_definition(definition),
                        _ => {}
                    }
                }
            }
            "import_statement" | "import_from_statement" => self.import(node),
            "type_alias_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "pass_statement"
            | "future_import_statement"
            | "comment" => {}
            _ => {
                // Unknown statements (including ERROR nodes): evaluate what is inside.
                let children: Vec<Node<'_>> = self.nodes.named_children(node).collect();
                for child in children {
                    if kind_of(child) == "block" {
                        self.block(child);
                    } else {
                        self.expression(child);
                    }
                }
            }
        }
    }

    fn raise(&mut self, name: &str) {
        let caught = self.handlers.iter().any(|handled| {
            handled.iter().any(|handler| {
                handler == name
                    || handler == "Exception"
                    || handler == "BaseException"
                    || handler == "*"
            })
        });
        if !caught {
            self.raises.insert(SmolStr::new(name));
        }
    }

    fn if_statement(&mut self, node: Node<'_>) {
        let Some(condition) = self.field(node, "condition") else {
            return;
        };
        self.expression(condition);
        let taken_state = self.state.take();
        let (when_true, mut otherwise) = self.narrow(condition, taken_state);
        let consequence = self.field(node, "consequence");
        let mut joined = self.branch_block(
            consequence,
            self.branch_id(node, BranchKind::IfTrue),
            when_true,
        );
        let mut cursor = node.walk();
        let alternatives: Vec<Node<'_>> = node
            .children_by_field_name("alternative", &mut cursor)
            .collect();
        if alternatives.is_empty() {
            let one_sided = Self::one_sided_bindings(&joined, &otherwise);
            self.state = join_states(joined, otherwise);
            self.correlate_bindings(condition, one_sided);
            return;
        }
        if let [else_clause] = alternatives.as_slice() {
            if kind_of(*else_clause) == "else_clause" {
                let after = self.branch_block(
                    self.field(*else_clause, "body"),
                    self.branch_id(*else_clause, BranchKind::Else),
                    otherwise.take(),
                );
                let one_sided = Self::one_sided_bindings(&joined, &after);
                self.state = join_states(joined, after);
                self.correlate_bindings(condition, one_sided);
                return;
            }
        }
        let mut has_else = false;
        // What the earlier tests being false say about each `elif` (`if x is None: …
        // elif x is not None: …` leaves no way past the chain).
        let mut chain = ConditionChain::default();
        chain.add(condition, self.text);
        for alternative in alternatives {
            if kind_of(alternative) == "elif_clause" {
                let branch = self.branch_id(alternative, BranchKind::Elif);
                let saved = self.branch;
                if let Some(branch) = branch {
                    self.branch = branch;
                }
                self.state = otherwise.take();
                let Some(elif_condition) = self.field(alternative, "condition") else {
                    continue;
                };
                if self.state.is_some() {
                    self.expression(elif_condition);
                }
                let taken_state = self.state.take();
                let (mut when_true, mut when_false) = self.narrow(elif_condition, taken_state);
                match chain.add(elif_condition, self.text) {
                    Implied::AlwaysTrue => when_false = None,
                    Implied::AlwaysFalse => when_true = None,
                    Implied::Unknown => {}
                }
                self.branch = saved;
                let body = self.field(alternative, "consequence");
                let after = self.branch_block(body, branch, when_true);
                joined = join_states(joined, after);
                otherwise = when_false;
            } else {
                has_else = true;
                let body = self.field(alternative, "body");
                let after = self.branch_block(
                    body,
                    self.branch_id(alternative, BranchKind::Else),
                    otherwise.take(),
                );
                joined = join_states(joined, after);
            }
        }
        if !has_else {
            joined = join_states(joined, otherwise);
        }
        self.state = joined;
    }

    /// Names bound at the end of one side of an `if` and not the other (`true`: bound
    /// after the true side only).
    fn one_sided_bindings(when_true: &State, when_false: &State) -> Vec<(Name, bool)> {
        let (Some(true_side), Some(false_side)) = (when_true, when_false) else {
            return Vec::new();
        };
        let bound = |env: &Env, name: &Name| {
            env.values.contains_key(name) && !env.maybe_unbound.contains_key(name)
        };
        true_side
            .values
            .keys()
            .filter(|name| bound(true_side, name) && !bound(false_side, name))
            .map(|name| (name.clone(), true))
            .chain(
                false_side
                    .values
                    .keys()
                    .filter(|name| bound(false_side, name) && !bound(true_side, name))
                    .map(|name| (name.clone(), false)),
            )
            .collect()
    }

    /// After `if test:` (at most an `else`): the names one side bound are bound exactly
    /// when `test` was true (or false), as long as `test` reads the same values.
    fn correlate_bindings(&mut self, test: Node<'_>, one_sided: Vec<(Name, bool)>) {
        if one_sided.is_empty() {
            return;
        }
        let Some(reads) = self.condition_reads(test, true) else {
            return;
        };
        let text = SmolStr::new(self.slice(test));
        let condition = ConditionAlias {
            range: range_of(test),
            reads,
        };
        let Some(env) = &mut self.state else {
            return;
        };
        for (name, truth) in one_sided {
            if !env.maybe_unbound.contains_key(&name) || condition.reads.contains(&name) {
                continue;
            }
            env.correlations.insert(
                name,
                BoundWhen {
                    test: condition.clone(),
                    text: text.clone(),
                    truth,
                },
            );
        }
    }

    /// `test` read again: the names an earlier test of the same text bound on one side
    /// are bound on that side here.
    fn apply_correlations(&self, test: Node<'_>, when_true: &mut State, when_false: &mut State) {
        let Some(env) = when_true.as_ref().or(when_false.as_ref()) else {
            return;
        };
        if env.correlations.is_empty() {
            return;
        }
        let text = self.slice(test);
        let matching: Vec<(Name, bool)> = env
            .correlations
            .iter()
            .filter(|(_, correlation)| correlation.text == text)
            .map(|(name, correlation)| (name.clone(), correlation.truth))
            .collect();
        for (name, truth) in matching {
            let side = if truth {
                &mut *when_true
            } else {
                &mut *when_false
            };
            if let Some(env) = side {
                env.maybe_unbound.remove(&name);
            }
        }
    }

    /// The names a test reads, when it reads only names, attribute paths (by their root
    /// name, with `allow_attributes`) and the builtin predicates (`isinstance`, `len` …).
    fn condition_reads(&self, test: Node<'_>, allow_attributes: bool) -> Option<Vec<Name>> {
        let mut reads = Vec::new();
        let mut stack = vec![test];
        while let Some(node) = stack.pop() {
            match kind_of(node) {
                "identifier" => reads.push(Name::new(self.slice(node))),
                "attribute" if allow_attributes => {
                    let mut root = node;
                    while kind_of(root) == "attribute" {
                        root = self.field(root, "object")?;
                    }
                    if kind_of(root) != "identifier" {
                        return None;
                    }
                    reads.push(Name::new(self.slice(root)));
                }
                "call" => {
                    let function = self.field(node, "function")?;
                    if !matches!(
                        self.slice(function),
                        "isinstance" | "issubclass" | "hasattr" | "callable" | "len"
                    ) {
                        return None;
                    }
                    stack.extend(self.field(node, "arguments"));
                }
                // Reads that may change under us, or bind names themselves.
                "attribute"
                | "subscript"
                | "lambda"
                | "named_expression"
                | "await"
                | "list_comprehension"
                | "generator_expression" => return None,
                _ => {
                    stack.extend(self.nodes.named_children(node));
                }
            }
            if reads.len() > 16 {
                return None;
            }
        }
        Some(reads)
    }

    fn for_statement(&mut self, node: Node<'_>) {
        let iterable = self
            .field(node, "right")
            .map(|right| self.expression(right));
        if let Some(iterable) = &iterable {
            self.record_operation(
                node,
                OperationKind::Iterate {
                    iterable: iterable.clone(),
                },
            );
        }
        let element = iterable
            .as_ref()
            .and_then(|iterable| element_of(&self.generators_as_iterators(iterable)))
            .unwrap_or_else(Union::unknown);
        // `for x in [1, 2]:` runs its body at least once.
        let runs_at_least_once = iterable.as_ref().is_some_and(|iterable| {
            iterable.values().all(|value| {
                matches!(
                    value,
                    Value::Tuple(_)
                        | Value::List(_)
                        | Value::Set(_)
                        | Value::Dict(_)
                        | Value::Str(_)
                ) && value.truthiness() == Some(true)
            })
        });
        let target = self.field(node, "left");
        let body = self.field(node, "body");
        let branch = self.branch_id(node, BranchKind::ForBody);
        // `for k in d` / `d.keys()` / `list(d.items())`: the body runs only when `d` has
        // items.
        let iterated = self
            .field(node, "right")
            .and_then(|right| iterated_name(self.text, right, 3));
        let unrolled_items = iterable
            .as_ref()
            .and_then(|iterable| self.unrollable_items(iterable, self.field(node, "right")));
        let (mut exhausted, breaks) = if let Some(items) = unrolled_items {
            self.unrolled_loop(body, branch, target, node, items)
        } else {
            self.run_loop(
                body,
                branch,
                |interpreter| {
                    if let Some(iterated) = iterated {
                        interpreter.drop_empty_members(iterated);
                    }
                    if let Some(target) = target {
                        let origin = interpreter.origin(range_of(target));
                        interpreter.bind(target, element.with_default_origin(origin), node);
                    }
                },
                None,
                runs_at_least_once,
            )
        };
        // A loop that ran to the end leaves an iterator held in a name exhausted.
        if let Some(iterable) = self.field(node, "right") {
            if kind_of(iterable) == "identifier" {
                let name = Name::new(self.slice(iterable));
                let origin = self.origin(range_of(iterable));
                if let Some(env) = &mut exhausted {
                    if let Some(value) =
                        env.get(&name).map(|value| exhaust_iterators(value, origin))
                    {
                        env.refine(name, value);
                    }
                }
            }
        }
        self.loop_exit(node, (exhausted, breaks));
    }

    /// The items a `for` loop walks when they are few and all known, in order: an exact
    /// list or tuple, a closed dict's keys, a literal string's characters, a `range` of
    /// literal bounds. `None` sends the loop to the fixpoint (`run_loop`).
    ///
    /// ```python
    /// for start in range(0, 10, 4):   # rounds with start = 0, 4, 8
    ///     pages.append(start)         # pages: [0, 4, 8] after the loop
    /// ```
    fn unrollable_items(&self, iterable: &Union, right: Option<Node<'_>>) -> Option<Vec<Union>> {
        if iterable.pruned() {
            return None;
        }
        let items = match iterable.single()? {
            Value::List(items) | Value::Tuple(items) | Value::Iterator(items) if items.exact => {
                items.items.clone()
            }
            Value::Dict(dict) if !dict.open => dict
                .entries
                .iter()
                .map(|(key, _)| Union::new(builtins::key_value(key), None))
                .collect(),
            Value::Str(Some(text)) if text.chars().count() <= MAX_UNROLLED_ITEMS => text
                .chars()
                .map(|char| Union::new(Value::Str(Some(SmolStr::from(char.to_string()))), None))
                .collect(),
            Value::Instance(ClassRef::Builtin(name), _) if name == "range" => {
                let right = right.filter(|right| kind_of(*right) == "call")?;
                let call = self
                    .calls
                    .get(&(right.start_byte() as u32, right.end_byte() as u32))?;
                if call.has_unpacking || !call.keywords.is_empty() {
                    return None;
                }
                let bounds: Vec<i64> = call
                    .positional
                    .iter()
                    .map(|bound| match bound.single() {
                        Some(Value::Int(Some(value))) => Some(*value),
                        Some(Value::Bool(Some(flag))) => Some(i64::from(*flag)),
                        _ => None,
                    })
                    .collect::<Option<_>>()?;
                let (start, stop, step) = match bounds[..] {
                    [stop] => (0, stop, 1),
                    [start, stop] => (start, stop, 1),
                    [start, stop, step] if step != 0 => (start, stop, step),
                    _ => return None,
                };
                let mut values = Vec::new();
                let mut current = start;
                while (step > 0 && current < stop) || (step < 0 && current > stop) {
                    if values.len() > MAX_UNROLLED_ITEMS {
                        return None;
                    }
                    values.push(Union::new(Value::Int(Some(current)), None));
                    current = current.checked_add(step)?;
                }
                values
            }
            _ => return None,
        };
        let rounds = u32::try_from(items.len()).ok()?;
        (items.len() <= MAX_UNROLLED_ITEMS && rounds <= self.unroll_budget).then_some(items)
    }

    /// Runs a loop body once per known item, in order: what one round appends or pops,
    /// the next round sees. Returns the state after the last item and the join of the
    /// `break`s, like [`Self::run_loop`].
    fn unrolled_loop(
        &mut self,
        body: Option<Node<'_>>,
        branch: Option<BranchId>,
        target: Option<Node<'_>>,
        statement: Node<'_>,
        items: Vec<Union>,
    ) -> (State, State) {
        self.unroll_budget -= items.len() as u32;
        self.unrolling += 1;
        let mut state = self.state.take();
        let mut breaks: State = None;
        for item in items {
            if state.is_none() {
                break;
            }
            self.loops.push(LoopFrame {
                breaks: None,
                continues: None,
            });
            let saved_branch = self.branch;
            if let Some(branch) = branch {
                self.branch = branch;
            }
            self.state = state;
            let outer_operations = std::mem::take(&mut self.operations);
            if let Some(target) = target {
                let origin = self.origin(range_of(target));
                self.bind(target, item.with_default_origin(origin), statement);
            }
            let taken_state = self.state.take();
            let after = self.branch_block(body, branch, taken_state);
            let round_operations = std::mem::replace(&mut self.operations, outer_operations);
            for (key, operation) in round_operations {
                if self.round_operations.len() < MAX_ROUND_OPERATIONS {
                    self.round_operations.push(operation);
                } else {
                    // Past the cap, rounds join as a fixpoint's do.
                    match self.operations.entry(key) {
                        std::collections::hash_map::Entry::Occupied(mut entry) => {
                            entry.get_mut().kind.join(&operation.kind);
                        }
                        std::collections::hash_map::Entry::Vacant(entry) => {
                            entry.insert(operation);
                        }
                    }
                }
            }
            self.branch = saved_branch;
            let frame = self.loops.pop().unwrap_or(LoopFrame {
                breaks: None,
                continues: None,
            });
            breaks = join_states(breaks, frame.breaks);
            state = join_states(after, frame.continues);
        }
        self.unrolling -= 1;
        (state, breaks)
    }

    fn while_statement(&mut self, node: Node<'_>) {
        let condition = self.field(node, "condition");
        let body = self.field(node, "body");
        let branch = self.branch_id(node, BranchKind::WhileBody);
        let exhausted = self.run_loop(body, branch, |_| {}, condition, false);
        self.loop_exit(node, exhausted);
    }

    /// Runs the `else` clause on the normal exit of a loop, joined with its `break`s.
    fn loop_exit(&mut self, node: Node<'_>, (exhausted, breaks): (State, State)) {
        let after_else = match self.field(node, "alternative") {
            Some(alternative) => {
                let kind = if kind_of(node) == "for_statement" {
                    BranchKind::ForElse
                } else {
                    BranchKind::WhileElse
                };
                let body = self.field(alternative, "body");
                self.branch_block(body, self.branch_id(alternative, kind), exhausted)
            }
            None => exhausted,
        };
        self.state = join_states(after_else, breaks);
    }

    /// Iterates a loop body to a bounded fixpoint. Returns the state when the loop ends
    /// normally (condition false / iterator exhausted) and the join of its `break`s.
    fn run_loop(
        &mut self,
        body: Option<Node<'_>>,
        branch: Option<BranchId>,
        mut bind_target: impl FnMut(&mut Self),
        condition: Option<Node<'_>>,
        runs_at_least_once: bool,
    ) -> (State, State) {
        self.fixpoint_loops += 1;
        let before = self.state.take();
        let mut head = before.clone();
        let mut breaks: State = None;
        let mut last_back_edge: State = None;
        let mut converged = false;
        for round in 0..=LOOP_ROUNDS {
            self.state = head.clone();
            if let Some(condition) = condition {
                if self.state.is_some() {
                    self.expression(condition);
                }
            }
            let taken_state = self.state.take();
            let entry = match condition {
                Some(condition) => self.narrow(condition, taken_state).0,
                None => taken_state,
            };
            self.loops.push(LoopFrame {
                breaks: None,
                continues: None,
            });
            let saved_branch = self.branch;
            if let Some(branch) = branch {
                self.branch = branch;
            }
            self.state = entry;
            if self.state.is_some() {
                bind_target(self);
            }
            let taken_state = self.state.take();
            let after = self.branch_block(body, branch, taken_state);
            self.branch = saved_branch;
            let frame = self.loops.pop().unwrap_or(LoopFrame {
                breaks: None,
                continues: None,
            });
            breaks = join_states(breaks, frame.breaks);
            let back_edge = join_states(after, frame.continues);
            // The path that skips the body (or leaves after fewer rounds) lacks the
            // names the body binds.
            let mut next_head =
                join_states_because(before.clone(), back_edge.clone(), UnboundCause::Loop);
            last_back_edge = back_edge;
            if round + 1 >= LOOP_ROUNDS {
                // Values still changing after a few rounds widen to their types.
                if let Some(env) = &mut next_head {
                    for union in env.values_mut() {
                        *union = union.widened();
                    }
                }
            }
            if next_head == head {
                converged = true;
                break;
            }
            head = next_head;
        }
        self.fixpoint_loops -= 1;
        let mut exhausted = match condition {
            Some(condition) if is_always_true(condition, self.text) => None,
            Some(condition) => self.narrow(condition, head).1,
            None => head,
        };
        if runs_at_least_once && condition.is_none() && converged {
            // At the fixpoint the back edge holds every state after one pass or more,
            // which are all the exits of a loop that runs at least once: the state from
            // before the loop (`by_name = {}` still empty) is not one of them.
            if let Some(last) = &last_back_edge {
                exhausted = Some(last.clone());
            }
        } else if runs_at_least_once {
            // Every normal exit went through the body: bound-ness is that of the back
            // edges (values keep the joined head, as before).
            if let (Some(env), Some(last)) = (&mut exhausted, &last_back_edge) {
                let mut maybe_unbound = last.maybe_unbound.clone();
                for name in env.values.keys() {
                    if !last.values.contains_key(name) {
                        maybe_unbound.insert(name.clone(), UnboundCause::Branch);
                    }
                }
                maybe_unbound.retain(|name, _| env.values.contains_key(name));
                env.maybe_unbound = maybe_unbound;
            }
        }
        (exhausted, breaks)
    }

    fn try_statement(&mut self, node: Node<'_>) {
        let before = self.state.clone();
        let clauses: Vec<Node<'_>> = self.nodes.named_children(node).collect();
        let handled: Vec<SmolStr> = clauses
            .iter()
            .filter(|clause| {
                kind_of(**clause) == "except_clause" || kind_of(**clause) == "except_group_clause"
            })
            .flat_map(|clause| self.handled_names(*clause))
            .collect();
        self.handlers.push(handled);
        self.try_states.push(None);
        let body = self.field(node, "body");
        let after_body = self.branch_block(body, self.branch_id(node, BranchKind::TryBody), before);
        self.handlers.pop();
        let inside = self.try_states.pop().flatten();
        // An exception may leave the body at any statement that can raise: handlers start
        // from the state before any of those, or from the end.
        let handler_entry = join_states(after_body.clone(), inside);
        let mut joined: State = None;
        let mut after_else = after_body;
        let mut finally = None;
        for clause in clauses {
            match kind_of(clause) {
                "except_clause" | "except_group_clause" => {
                    let branch = self.branch_id(clause, BranchKind::ExceptHandler);
                    let saved = self.branch;
                    if let Some(branch) = branch {
                        self.branch = branch;
                    }
                    self.state = handler_entry.clone();
                    let (value, alias) = except_parts(clause);
                    if let Some(value) = value {
                        let classes = self.expression(value);
                        if let Some(alias) = alias {
                            let instances = classes.map(|value| match value {
                                Value::Class(class) => Value::Instance(class.clone(), None),
                                Value::Tuple(items) => match items
                                    .element()
                                    .and_then(|element| element.single().cloned())
                                {
                                    Some(Value::Class(class)) => Value::Instance(class, None),
                                    _ => Value::Unknown,
                                },
                                _ => Value::Unknown,
                            });
                            let origin = self.origin(range_of(alias));
                            self.bind(alias, instances.with_default_origin(origin), clause);
                        }
                    }
                    self.branch = saved;
                    let body = self
                        .nodes
                        .named_children(clause)
                        .filter(|child| kind_of(*child) == "block")
                        .last();
                    let taken_state = self.state.take();
                    let after = self.branch_block(body, branch, taken_state);
                    joined = join_states(joined, after);
                }
                "else_clause" => {
                    let body = self.field(clause, "body");
                    after_else = self.branch_block(
                        body,
                        self.branch_id(clause, BranchKind::TryElse),
                        after_else.take(),
                    );
                }
                "finally_clause" => finally = Some(clause),
                _ => {}
            }
        }
        let mut state = join_states(joined, after_else);
        if let Some(clause) = finally {
            let body = self
                .nodes
                .named_children(clause)
                .filter(|child| kind_of(*child) == "block")
                .last();
            state = self.branch_block(body, self.branch_id(clause, BranchKind::Finally), state);
        }
        self.state = state;
    }

    fn handled_names(&self, clause: Node<'_>) -> Vec<SmolStr> {
        let (value, _) = except_parts(clause);
        let Some(value) = value else {
            return vec![SmolStr::new("*")];
        };
        let mut names = Vec::new();
        let mut stack = vec![value];
        while let Some(node) = stack.pop() {
            match kind_of(node) {
                "identifier" => names.push(SmolStr::new(self.slice(node))),
                "attribute" => {
                    if let Some(attribute) = self.field(node, "attribute") {
                        names.push(SmolStr::new(self.slice(attribute)));
                    }
                }
                "tuple" | "parenthesized_expression" => {
                    stack.extend(self.nodes.named_children(node));
                }
                _ => {}
            }
        }
        names
    }

    fn with_statement(&mut self, node: Node<'_>) {
        let clauses: Vec<Node<'_>> = self
            .nodes
            .named_children(node)
            .filter(|child| kind_of(*child) == "with_clause")
            .collect();
        for clause in clauses {
            let items: Vec<Node<'_>> = self.nodes.named_children(clause).collect();
            for item in items {
                let Some(value) = self.field(item, "value") else {
                    continue;
                };
                if kind_of(value) == "as_pattern" {
                    let manager = self
                        .nodes
                        .named_child(value, 0)
                        .map(|manager| self.expression(manager));
                    if let Some(target) = self.field(value, "alias") {
                        let target = self.nodes.named_child(target, 0).unwrap_or(target);
                        // `with open(...) as f` gives the file; other managers' `__enter__` is unknown.
                        let entered = manager
                            .filter(|manager| {
                                manager.values().all(|value| {
                                    matches!(value, Value::Instance(ClassRef::Builtin(name), ..)
                                        if name == "TextIOWrapper" || name == "BufferedReader")
                                })
                            })
                            .unwrap_or_else(|| self.literal(Value::Unknown, target));
                        self.bind(target, entered, item);
                    }
                } else {
                    self.expression(value);
                }
            }
        }
        if let Some(body) = self.field(node, "body") {
            self.block(body);
        }
    }

    fn match_statement(&mut self, node: Node<'_>) {
        let subject = self
            .field(node, "subject")
            .map(|subject| self.expression(subject));
        let before = self.state.take();
        let mut joined: State = None;
        let mut exhaustive = false;
        let cases: Vec<Node<'_>> = self
            .field(node, "body")
            .map(|body| {
                self.nodes
                    .named_children(body)
                    .filter(|case| kind_of(*case) == "case_clause")
                    .collect()
            })
            .unwrap_or_default();
        for case in cases {
            let branch = self.branch_id(case, BranchKind::MatchCase);
            let saved = self.branch;
            if let Some(branch) = branch {
                self.branch = branch;
            }
            self.state = before.clone();
            let patterns: Vec<Node<'_>> = self
                .nodes
                .named_children(case)
                .filter(|child| kind_of(*child) == "case_pattern")
                .collect();
            for pattern in &patterns {
                self.bind_pattern(*pattern, subject.as_ref(), case);
            }
            let guard = self.field(case, "guard");
            if let Some(guard) = guard.and_then(|guard| self.nodes.named_child(guard, 0)) {
                self.expression(guard);
                let taken_state = self.state.take();
                let (when_true, _) = self.narrow(guard, taken_state);
                self.state = when_true;
            }
            if guard.is_none() && patterns.len() == 1 && is_irrefutable(patterns[0], self.text) {
                exhaustive = true;
            }
            self.branch = saved;
            let body = self.field(case, "consequence");
            let taken_state = self.state.take();
            let after = self.branch_block(body, branch, taken_state);
            joined = join_states(joined, after);
        }
        if !exhaustive {
            joined = join_states(joined, before);
        }
        self.state = joined;
    }

    fn bind_pattern(&mut self, pattern: Node<'_>, subject: Option<&Union>, statement: Node<'_>) {
        let mut stack = vec![(pattern, true)];
        while let Some((node, whole_subject)) = stack.pop() {
            match kind_of(node) {
                "dotted_name" => {
                    let parts: Vec<Node<'_>> = self.nodes.named_children(node).collect();
                    if let [name] = parts[..] {
                        if self.slice(name) != "_" {
                            let value = match subject.filter(|_| whole_subject) {
                                Some(subject) => subject.clone(),
                                None => self.literal(Value::Unknown, name),
                            };
                            self.bind(name, value, statement);
                        }
                    }
                }
                "as_pattern" => {
                    if let Some(alias) = self.field(node, "alias") {
                        let name = first_identifier(alias);
                        if let Some(name) = name {
                            let value = match subject.filter(|_| whole_subject) {
                                Some(subject) => subject.clone(),
                                None => self.literal(Value::Unknown, name),
                            };
                            self.bind(name, value, statement);
                        }
                    }
                    for child in self.nodes.named_children(node) {
                        if Some(child) != self.field(node, "alias") {
                            stack.push((child, false));
                        }
                    }
                }
                "splat_pattern" => {
                    if let Some(name) = first_identifier(node) {
                        if self.slice(name) != "_" {
                            let value = self.literal(Value::Unknown, name);
                            self.bind(name, value, statement);
                        }
                    }
                }
                "keyword_pattern" => {
                    stack.extend(
                        self.nodes
                            .named_children(node)
                            .skip(1)
                            .map(|child| (child, false)),
                    );
                }
                "class_pattern" => {
                    stack.extend(
                        self.nodes
                            .named_children(node)
                            .skip(1)
                            .map(|child| (child, false)),
                    );
                }
                "case_pattern" => {
                    stack.extend(
                        self.nodes
                            .named_children(node)
                            .map(|child| (child, whole_subject)),
                    );
                }
                _ => {
                    stack.extend(self.nodes.named_children(node).map(|child| (child, false)));
                }
            }
        }
    }

    fn function_definition(&mut self, node: Node<'_>, statement: Node<'_>) {
        let Some(name) = self.field(node, "name") else {
            return;
        };
        let Some(definition) = self.definition_at(name) else {
            return;
        };
        let path = self.index.path_of(definition);
        let value = Value::Function(FunctionRef::Defined {
            file: self.file,
            path,
        });
        let union = Union::new(value, Some(self.origin(range_of(statement))));
        self.bind(name, union, statement);
    }

    fn class_definition(&mut self, node: Node<'_>) {
        let Some(name) = self.field(node, "name") else {
            return;
        };
        if let Some(superclasses) = self.field(node, "superclasses") {
            self.expression(superclasses);
        }
        let Some(definition) = self.definition_at(name) else {
            return;
        };
        let path = self.index.path_of(definition);
        let value = Value::Class(ClassRef::Defined {
            file: self.file,
            path,
        });
        let union = Union::new(value, Some(self.origin(range_of(node))));
        self.bind(name, union, node);
    }

    fn import(&mut self, node: Node<'_>) {
        let statement_range = range_of(node);
        let imports: Vec<(usize, crate::index::Import)> = self
            .index
            .imports
            .iter()
            .enumerate()
            .filter(|(_, import)| statement_range.contains_range(import.range))
            .map(|(position, import)| (position, import.clone()))
            .collect();
        for (_, import) in imports {
            let Some(definition) = import.definition else {
                continue;
            };
            let data = self.index.definition(definition);
            let origin = self.origin(statement_range);
            let value = match &data.kind {
                DefinitionKind::Import { module, alias } => {
                    let bound = if *alias {
                        module.clone()
                    } else {
                        module.split('.').next().unwrap_or(module).to_owned()
                    };
                    Union::new(Value::Module(SmolStr::new(bound)), Some(origin))
                }
                DefinitionKind::ImportFrom {
                    level,
                    module,
                    name,
                } => self.imported_value(*level, module, name, origin),
                _ => continue,
            };
            let name = data.name.clone();
            if let Some(env) = &mut self.state {
                env.insert(name, value.clone());
            }
            self.bindings.insert(definition, value);
        }
    }

    fn imported_value(&self, level: u32, module: &str, name: &str, origin: Origin) -> Union {
        if level == 0 {
            if let Some(modelled) = stdlib::module_attribute(module, name) {
                return Union::new(modelled, Some(origin));
            }
        }
        let resolver = module_resolver(self.db);
        let Some(resolved) = resolver.resolve(self.file.path(self.db), level, module) else {
            return Union::new(Value::Unknown, Some(origin));
        };
        if let Some(target) = module_file(self.db, &resolved) {
            if target != self.file {
                if let Some((_, value)) = module_values(self.db, target)
                    .iter()
                    .find(|(exported, _)| exported == name)
                {
                    return value.with_default_origin(origin);
                }
            }
        }
        if let Some(submodule) = resolver.resolve_submodule(&resolved, name) {
            // Module values carry absolute names: `from . import abc` in `pkg/m.py` is
            // `pkg.abc`, not the top-level `abc`.
            let absolute = match &submodule {
                crate::resolve::ResolvedModule::File { path, .. } if level > 0 => {
                    resolver.module_name(path)
                }
                _ => None,
            };
            let full = absolute.unwrap_or_else(|| {
                if module.is_empty() {
                    name.to_owned()
                } else {
                    format!("{module}.{name}")
                }
            });
            return Union::new(Value::Module(SmolStr::new(full)), Some(origin));
        }
        Union::new(Value::Unknown, Some(origin))
    }

    fn parameters(&mut self, scope: ScopeId) {
        let scope_data = self.index.scope(scope);
        let parent_kind = scope_data
            .parent
            .map(|parent| self.index.scope(parent).kind);
        let definitions: Vec<DefinitionId> = scope_data.definitions.clone();
        let mut first = true;
        let mut position = 0usize;
        let parsed = self.parsed;
        for definition in definitions {
            let data = self.index.definition(definition);
            let DefinitionKind::Parameter {
                kind,
                default,
                annotation,
            } = &data.kind
            else {
                continue;
            };
            let (kind, default, annotation) = (*kind, *default, *annotation);
            let name = data.name.clone();
            let name_range = data.name_range;
            if first
                && parent_kind == Some(ScopeKind::Class)
                && self.index.scope(scope).kind == ScopeKind::Function
                && !has_decorator(self.text, self.index, scope, "staticmethod")
            {
                self.self_name = Some(name.clone());
            }
            let is_self = first && self.self_name.as_ref() == Some(&name);
            first = false;

            let origin = self.origin(name_range);
            let mut value = match kind {
                crate::index::ParameterKind::VarPositional => {
                    Union::new(Value::Tuple(Items::of(None)), Some(origin))
                }
                crate::index::ParameterKind::VarKeyword => Union::new(
                    Value::Dict(Box::new(DictValue {
                        entries: Vec::new(),
                        open: true,
                    })),
                    Some(origin),
                ),
                _ => Union::new(Value::Unknown, Some(origin)),
            };
            if is_self {
                if let Some(class_definition) = scope_data
                    .parent
                    .and_then(|parent| self.index.scope(parent).definition)
                {
                    let path = self.index.path_of(class_definition);
                    let class = ClassRef::Defined {
                        file: self.file,
                        path,
                    };
                    // `cls` of a classmethod is the class (or a subclass), not an instance.
                    let receiver = self
                        .bound_arguments
                        .as_ref()
                        .and_then(|arguments| arguments.receiver.clone());
                    let bound = if has_decorator(self.text, self.index, scope, "classmethod") {
                        Value::Class(class)
                    } else {
                        Value::Instance(class, receiver)
                    };
                    value = Union::new(bound, Some(origin));
                }
            }
            self.record = false;
            if let Some(annotation) = annotation.and_then(|range| node_at(parsed.root(), range)) {
                let declared = builtins::annotation_value(&self.annotation(annotation));
                if !declared.is_unknown() {
                    value = declared.with_default_origin(origin);
                }
            }
            let mut default_value = None;
            if let Some(default) = default.and_then(|range| node_at(parsed.root(), range)) {
                let evaluated = self.expression(default);
                value = value.join(&evaluated);
                default_value = Some(evaluated);
            }
            self.record = true;
            // `self` is bound by the call, not by the arguments.
            if !is_self {
                if let Some(arguments) = &self.bound_arguments {
                    match arguments.value_for(position, &name, kind) {
                        Some(passed) => value = passed.with_default_origin(origin),
                        // Not passed by this call: the default is what it holds.
                        None => {
                            if let Some(default_value) = default_value {
                                value = default_value;
                            }
                        }
                    }
                }
                position += 1;
            }
            if let Some(env) = &mut self.state {
                env.insert(name, value.clone());
            }
            self.bindings.insert(definition, value);
        }
    }

    /// Evaluates an annotation: `Optional[X]` and `X | None` become `X` or `None`, a string
    /// annotation is read as the name it holds when that is a plain name.
    fn annotation(&mut self, node: Node<'_>) -> Union {
        let node = if kind_of(node) == "type" {
            self.nodes.named_child(node, 0).unwrap_or(node)
        } else {
            node
        };
        match kind_of(node) {
            "binary_operator" => {
                let left = self.field(node, "left").map(|left| self.annotation(left));
                let right = self
                    .field(node, "right")
                    .map(|right| self.annotation(right));
                match (left, right) {
                    (Some(left), Some(right)) => left.join(&right),
                    (Some(one), None) | (None, Some(one)) => one,
                    (None, None) => Union::unknown(),
                }
            }
            "subscript" | "generic_type" => {
                let base = self
                    .field(node, "value")
                    .or_else(|| self.nodes.named_child(node, 0));
                let base_name = base.map(|base| self.slice(base)).unwrap_or("");
                let base_name = base_name.rsplit('.').next().unwrap_or(base_name);
                let arguments: Vec<Node<'_>> = self.nodes.named_children(node).skip(1).collect();
                let arguments: Vec<Node<'_>> = arguments
                    .into_iter()
                    .flat_map(|argument| {
                        if kind_of(argument) == "type_parameter" {
                            self.nodes.named_children(argument).collect::<Vec<_>>()
                        } else {
                            vec![argument]
                        }
                    })
                    .collect();
                match base_name {
                    // `type[C]` holds a class (or a subclass), which annotations cannot
                    // express as a value here: no claim.
                    "type" | "Type" => Union::unknown(),
                    "Optional" => {
                        let inner = arguments
                            .first()
                            .map(|argument| self.annotation(*argument))
                            .unwrap_or_else(Union::unknown);
                        inner.join(&Union::new(Value::None, None))
                    }
                    "Union" => {
                        Union::join_all(arguments.iter().map(|argument| self.annotation(*argument)))
                            .unwrap_or_else(Union::unknown)
                    }
                    "Literal" => Union::join_all(arguments.iter().map(|argument| {
                        // `Literal["r", "w"]` in a parameter annotation wraps each in `type`.
                        let argument = if kind_of(*argument) == "type" {
                            self.nodes.named_child(*argument, 0).unwrap_or(*argument)
                        } else {
                            *argument
                        };
                        let value = self.expression(argument);
                        value.map(|value| match value {
                            Value::Int(_)
                            | Value::Str(_)
                            | Value::Bool(_)
                            | Value::None
                            | Value::Float(_) => value.clone(),
                            _ => Value::Unknown,
                        })
                    }))
                    .map(|union| {
                        union.map(|value| match value {
                            Value::Int(_) => Value::Class(ClassRef::builtin("int")),
                            other => other.clone(),
                        })
                    })
                    .unwrap_or_else(Union::unknown),
                    _ => base
                        .map(|base| self.expression(base))
                        .unwrap_or_else(Union::unknown),
                }
            }
            "none" => Union::new(Value::None, None),
            "string" => {
                let raw = self.slice(node);
                let inner = raw.trim_matches(|c| c == '"' || c == '\'');
                match builtins::builtin_value(inner) {
                    Some(value) => Union::new(value, None),
                    None => Union::unknown(),
                }
            }
            _ => self.expression(node),
        }
    }

    // ---- binding -----------------------------------------------------------------

    fn definition_at(&self, name: Node<'_>) -> Option<DefinitionId> {
        let name_ref = self
            .index
            .name_ref_at(TextSize::from(name.start_byte() as u32))?;
        (name_ref.range == range_of(name))
            .then_some(name_ref.definition)
            .flatten()
    }

    /// Binds `target` (a name, a tuple/list of targets, an attribute or a subscript).
    fn bind(&mut self, target: Node<'_>, value: Union, statement: Node<'_>) {
        match kind_of(target) {
            "identifier" => {
                let name = Name::new(self.slice(target));
                if let Some(definition) = self.definition_at(target) {
                    let entry = self
                        .bindings
                        .entry(definition)
                        .or_insert_with(|| value.clone());
                    if *entry != value {
                        *entry = entry.join(&value);
                    }
                }
                if let Some(env) = &mut self.state {
                    env.insert(name, value);
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "expression_list" | "tuple"
            | "list" => {
                let targets: Vec<Node<'_>> = self.nodes.named_children(target).collect();
                let star = targets.iter().position(|target| {
                    matches!(kind_of(*target), "list_splat_pattern" | "list_splat")
                });
                self.record_operation(
                    target,
                    OperationKind::Unpack {
                        value: value.clone(),
                        targets: targets.len() as u32,
                        starred: star.is_some(),
                    },
                );
                // A sequence of known items whose length cannot fill the targets raises
                // ValueError: no path goes on with its items (`for a, (b, c, d) in
                // zip(xs, shape_data)` where some data are pairs binds nothing from them).
                let value = value
                    .filter(|member| match member {
                        Value::Tuple(items) | Value::List(items) if items.exact => match star {
                            None => items.items.len() == targets.len(),
                            Some(_) => items.items.len() + 1 >= targets.len(),
                        },
                        _ => true,
                    })
                    .unwrap_or(value);
                // Every member a sequence of known items of one length: position by position
                // (`for name, age in [("ada", 36), ("bob", 41)]` keeps names apart from ages).
                // Unknown members say nothing about the layout: they add "unknown" to
                // every position of the known tuples (`c_impl or py_impl` results).
                let unknown_part = value.filter(|member| *member == Value::Unknown);
                // An unknown item must survive the join with the other tuples' items
                // (`(match.group(1), rest) | (None, url)` unpacks to "unknown or None",
                // not to None): it gets the unpacking as its origin.
                let here = self.origin(range_of(target));
                let exact_items = {
                    let mut per_member = value
                        .values()
                        .filter(|member| **member != Value::Unknown)
                        .map(|member| match member {
                            Value::Tuple(items) | Value::List(items) if items.exact => {
                                Some(items.items.clone())
                            }
                            _ => None,
                        });
                    let first = per_member.next().flatten();
                    per_member
                        .try_fold(first, |joined, items| {
                            let (joined, items) = (joined?, items?);
                            (joined.len() == items.len())
                                .then(|| {
                                    joined
                                        .iter()
                                        .zip(&items)
                                        .map(|(left, right)| {
                                            left.with_default_origin(here)
                                                .join(&right.with_default_origin(here))
                                        })
                                        .collect::<Vec<Union>>()
                                })
                                .map(Some)
                        })
                        .flatten()
                        .map(|items: Vec<Union>| match &unknown_part {
                            Some(unknown) => items.iter().map(|item| item.join(unknown)).collect(),
                            None => items,
                        })
                };
                let element = element_of(&self.generators_as_iterators(&value))
                    .unwrap_or_else(Union::unknown);
                for (position, sub_target) in targets.iter().enumerate() {
                    let item = match (&exact_items, star) {
                        (Some(items), None) if items.len() == targets.len() => {
                            items[position].clone()
                        }
                        (Some(items), Some(star_at)) if position < star_at => {
                            items.get(position).cloned().unwrap_or_else(Union::unknown)
                        }
                        (Some(items), Some(star_at)) if position > star_at => {
                            let from_end = targets.len() - position;
                            items
                                .len()
                                .checked_sub(from_end)
                                .and_then(|at| items.get(at).cloned())
                                .unwrap_or_else(Union::unknown)
                        }
                        _ => element.clone(),
                    };
                    if Some(position) == star {
                        let rest = match (&exact_items, star) {
                            (Some(items), Some(star_at)) if items.len() + 1 >= targets.len() => {
                                let after = targets.len() - star_at - 1;
                                Items::exact(items[star_at..items.len() - after].to_vec())
                            }
                            _ => Items::of(Some(element.clone())),
                        };
                        let list =
                            Union::new(Value::List(rest), Some(self.origin(range_of(*sub_target))));
                        if let Some(inner) = self.nodes.named_child(*sub_target, 0) {
                            self.bind(inner, list, statement);
                        }
                    } else {
                        // An unknown item is a path's value like any other: without an
                        // origin, a join would drop it (`ov, err = lib.read()` in a `try`
                        // whose handler sets `ov = None` is not None on every path).
                        let item = if item.values().any(|value| *value == Value::Unknown) {
                            item.with_default_origin(self.origin(range_of(*sub_target)))
                        } else {
                            item
                        };
                        self.bind(*sub_target, item, statement);
                    }
                }
            }
            "parenthesized_expression" => {
                if let Some(inner) = self.nodes.named_child(target, 0) {
                    self.bind(inner, value, statement);
                }
            }
            "attribute" => {
                // An instance stored in an attribute is reached through other objects
                // whose method calls the flow does not follow: it keeps its class only.
                let value = value.map(|value| match value {
                    Value::Instance(class, Some(_)) => Value::Instance(class.clone(), None),
                    other => other.clone(),
                });
                let object = self.field(target, "object");
                let attribute = self.field(target, "attribute");
                if let Some(object) = object {
                    self.expression(object);
                }
                // Hovers (and `remedy types`) on the stored attribute's name read the
                // value it is given (`loads` by offset, like attribute reads).
                if self.record
                    && self.state.is_some()
                    && let Some(attribute) = attribute
                {
                    let entry = self
                        .loads
                        .entry(attribute.start_byte() as u32)
                        .or_insert_with(|| value.clone());
                    if *entry != value {
                        *entry = entry.join(&value);
                    }
                }
                if let (Some(object), Some(attribute)) = (object, attribute) {
                    if kind_of(object) == "identifier"
                        && self.self_name.as_deref() == Some(self.slice(object))
                    {
                        let name = Name::new(self.slice(attribute));
                        let entry = self
                            .self_attributes
                            .entry(name)
                            .or_insert_with(|| value.clone());
                        if *entry != value {
                            *entry = entry.join(&value);
                        }
                    } else if kind_of(object) == "identifier" {
                        self.note_mutation(object);
                        let name = Name::new(self.slice(object));
                        let attribute = SmolStr::new(self.slice(attribute));
                        self.store_attribute(&name, attribute, &value);
                    }
                }
                // Later reads of the path on this flow see the stored value.
                if let Some(path) = self.place_path(target) {
                    if let Some(env) = &mut self.state {
                        env.forget_places_under(&path);
                        env.places.insert(path, value.clone());
                    }
                }
            }
            "subscript" => {
                let object = self.field(target, "value");
                let key = self
                    .field(target, "subscript")
                    .map(|key| self.expression(key));
                if let Some(object) = object {
                    let container = self.expression(object);
                    if kind_of(object) == "identifier" {
                        self.note_mutation(object);
                        self.note_growth(object);
                        self.store_item(object, key.as_ref(), &value);
                    } else if let Some((root, mut path)) = self.literal_subscript_path(object) {
                        // `d["a"]["b"] = v`: the inner container of a local changes.
                        self.note_mutation(root);
                        path.push(key.as_ref().and_then(Union::single).and_then(literal_key));
                        self.store_item_path(root, &path, &value);
                    } else if let Some(path) = self.place_path(object) {
                        // `self.buttons[name] = …`: later reads of the path on this flow
                        // see the entry.
                        let keys = [key.as_ref().and_then(Union::single).and_then(literal_key)];
                        let updated =
                            container.map(|container| stored_into(container, &keys, &value));
                        if let Some(env) = &mut self.state {
                            env.places.insert(path, updated);
                        }
                    }
                }
            }
            _ => {
                self.expression(target);
            }
        }
    }

    /// `d[k] = v` on a local dict (or list) updates its known entries.
    fn store_item(&mut self, object: Node<'_>, key: Option<&Union>, value: &Union) {
        let literal = key.and_then(Union::single).and_then(literal_key);
        self.store_item_path(object, &[literal], value);
    }

    /// `d["a"]["b"] = v` on a local container: the item at the end of the literal `path`
    /// (outermost key first; `None` for a key that is not a literal) is updated.
    fn store_item_path(&mut self, object: Node<'_>, path: &[Option<Key>], value: &Union) {
        let name = Name::new(self.slice(object));
        let Some(env) = &mut self.state else { return };
        let Some(current) = env.get(&name) else {
            return;
        };
        let updated = current.map(|container| stored_into(container, path, value));
        env.refine(name, updated);
    }

    /// The local name and literal keys of `d["a"]["b"]` (outermost first), when every
    /// key is a literal.
    fn literal_subscript_path<'t>(&mut self, node: Node<'t>) -> Option<(Node<'t>, Vec<Option<Key>>)>
    where
        'db: 't,
    {
        let mut path = Vec::new();
        let mut current = node;
        while kind_of(current) == "subscript" {
            let key = self.field(current, "subscript")?;
            if kind_of(key) == "slice" {
                return None;
            }
            let literal = self.expression_quiet(key).single().and_then(literal_key)?;
            path.push(Some(literal));
            current = self.field(current, "value")?;
        }
        if kind_of(current) != "identifier" {
            return None;
        }
        path.reverse();
        Some((current, path))
    }

    /// `xs.append(v)`, `d.update(...)`, `s.add(v)` on a local container change its value.
    /// Generators of the workspace as iterators over what they yield (when iterated or
    /// consumed by a builtin).
    fn generators_as_iterators(&self, union: &Union) -> Union {
        if !union.values().any(|value| {
            matches!(
                value,
                Value::Generator(_) | Value::Instance(ClassRef::Defined { .. }, _)
            )
        }) {
            return union.clone();
        }
        union.map(|value| match value {
            Value::Generator(function) => {
                let yields = self.function_scope(function).and_then(|(file, scope)| {
                    self.scope_view(file, scope).yields().map(Cow::into_owned)
                });
                Value::Iterator(Items::of(yields))
            }
            Value::Instance(class @ ClassRef::Defined { .. }, _) => {
                match self.iteration_protocol_items(class) {
                    Some(items) => Value::Iterator(Items::of(Some(items))),
                    None => value.clone(),
                }
            }
            other => other.clone(),
        })
    }

    /// What iterating an instance of a class of the workspace produces: the yields of a
    /// generator `__iter__`, or the returns of `__next__` on what `__iter__` returns
    /// (`return self` in iterator classes).
    ///
    /// ```python
    /// class Countdown:
    ///     def __iter__(self):
    ///         return self
    ///     def __next__(self):
    ///         ...
    ///         return self.n      # `for n in Countdown()` binds what this returns
    /// ```
    fn iteration_protocol_items(&self, class: &ClassRef) -> Option<Union> {
        let iter_method = self.lookup_class_attribute(class, "__iter__")?;
        let Some(Value::Function(iter_function)) = iter_method.single() else {
            return None;
        };
        let (file, scope) = self.function_scope(iter_function)?;
        let inference = self.scope_view(file, scope);
        if self.facts(file, scope).is_generator {
            return inference.yields().map(Cow::into_owned);
        }
        let iterators = inference.returns()?;
        let mut items = Vec::new();
        for iterator in iterators.values() {
            match iterator {
                Value::Instance(iterator_class @ ClassRef::Defined { .. }, _) => {
                    let next = self.lookup_class_attribute(iterator_class, "__next__")?;
                    let Some(Value::Function(next_function)) = next.single() else {
                        return None;
                    };
                    let (file, scope) = self.function_scope(next_function)?;
                    items.push(
                        self.scope_view(file, scope)
                            .returns()
                            .map(Cow::into_owned)?,
                    );
                }
                other => items.push(element_of(&Union::new(other.clone(), None))?),
            }
        }
        Union::join_all(items)
    }

    /// A method read from its class and called with the receiver first: the receiver's
    /// shape and the remaining arguments. `None` for plain functions, static and class
    /// methods.
    fn unbound_method_call(
        &self,
        function: &FunctionRef,
        arguments: &Arguments,
    ) -> Option<(Option<Shape>, Arguments)> {
        let (file, scope) = self.function_scope(function)?;
        if !is_unbound_method(self.db, file, scope) {
            return None;
        }
        let first = arguments.positional.first()?;
        let receiver = match first.single() {
            Some(Value::Instance(_, shape)) => shape.clone(),
            _ => None,
        };
        Some((
            receiver,
            Arguments {
                positional: arguments.positional[1..].to_vec(),
                keywords: arguments.keywords.clone(),
                has_unpacking: arguments.has_unpacking,
            },
        ))
    }

    /// A call may change the attributes of its receiver (`self.reload()`) and of the
    /// objects it is passed: their narrowed paths are forgotten.
    fn forget_places_touched_by_call(
        &mut self,
        callee: &Union,
        function: Option<Node<'_>>,
        arguments: Option<Node<'_>>,
    ) {
        if self.state.as_ref().is_none_or(|env| env.places.is_empty()) {
            return;
        }
        let mut roots: Vec<Name> = Vec::new();
        if let Some(receiver) = function
            .filter(|function| kind_of(*function) == "attribute")
            .and_then(|function| self.field(function, "object"))
            .and_then(|object| self.place_path(object))
        {
            // A method of the workspace forgets what it assigns on its receiver; any
            // other call may change anything.
            match self.attributes_stored_by(callee) {
                Some(stored) => roots.extend(
                    stored
                        .into_iter()
                        .map(|attribute| Name::new(format!("{receiver}.{attribute}"))),
                ),
                None => roots.push(receiver),
            }
        }
        if let Some(arguments) = arguments {
            for argument in self.nodes.named_children(arguments) {
                let argument = if kind_of(argument) == "keyword_argument" {
                    self.field(argument, "value")
                } else {
                    Some(argument)
                };
                roots.extend(argument.and_then(|argument| self.place_path(argument)));
            }
        }
        if let Some(env) = &mut self.state {
            for root in roots {
                env.forget_places_under(&root);
                env.places.remove(&root);
            }
        }
    }

    /// The attributes the bound methods of `callee` assign on `self`, when every member
    /// is such a method; `None` otherwise.
    fn attributes_stored_by(&self, callee: &Union) -> Option<Vec<Name>> {
        let mut stored = Vec::new();
        for value in callee.values() {
            let Value::BoundMethod { function, .. } = value else {
                return None;
            };
            let (file, scope) = self.function_scope(function)?;
            let facts = self.facts(file, scope);
            // A method that never returns normally here (`raise NotImplementedError`)
            // or is abstract is overridden: the override may assign anything.
            if facts.has_decorator("abstractmethod") || !self.scope_view(file, scope).has_returns()
            {
                return None;
            }
            stored.extend(facts.attribute_stores.iter().cloned());
        }
        Some(stored)
    }

    /// `object.attribute` read: a narrowed path's value, else the attribute's lookup.
    /// Kept out of `expression` so its frame stays small in deep recursion.
    #[inline(never)]
    fn attribute_read(&mut self, node: Node<'_>) -> Union {
        let attribute = self
            .field(node, "attribute")
            .map(|attribute| self.slice(attribute))
            .unwrap_or("");
        if let Some(found) = self
            .field(node, "object")
            .and_then(|object| self.super_attribute(object, attribute))
        {
            self.record_attribute_load(node, &found);
            return found;
        }
        let object = self
            .field(node, "object")
            .map(|object| self.expression(object));
        if let Some(object) = &object {
            self.record_operation(
                node,
                OperationKind::Attribute {
                    object: object.clone(),
                    attribute: Name::new(attribute),
                },
            );
        }
        let object_node = self.field(node, "object");
        if let (Some(object), Some(object_node)) = (&object, object_node) {
            self.survives_attribute_read(object_node, object, attribute);
        }
        // A narrowed or assigned path (`if self.conn is not None:`).
        let narrowed = self.state.as_ref().and_then(|env| {
            if env.places.is_empty() {
                return None;
            }
            let path = self.place_path(node)?;
            env.places.get(&path).cloned()
        });
        let value = match (narrowed, object) {
            (Some(narrowed), _) => narrowed,
            (None, Some(object)) => {
                let value = self.attribute(&object, attribute, node);
                match object_node.and_then(|object| self.overriding_subclass(object, attribute)) {
                    // `self.path_stats(path)` in a base class whose subclass below
                    // overrides `path_stats`: `self` may be that subclass.
                    Some(origin) => value.join(&Union::new(Value::Unknown, Some(origin))),
                    None => value,
                }
            }
            (None, None) => self.literal(Value::Unknown, node),
        };
        self.record_attribute_load(node, &value);
        value
    }

    /// Records what the attribute read `node` gave, for hovers on the attribute's name
    /// (`loads` by offset).
    fn record_attribute_load(&mut self, node: Node<'_>, value: &Union) {
        if self.record
            && self.state.is_some()
            && let Some(attribute) = self.field(node, "attribute")
        {
            let offset = attribute.start_byte() as u32;
            let entry = self.loads.entry(offset).or_insert_with(|| value.clone());
            if entry != value {
                *entry = entry.join(value);
            }
        }
    }

    /// `a and b`, `a or b`: the right operand evaluated where the left one lets it run.
    /// Kept out of `expression` so its frame stays small in deep recursion.
    #[inline(never)]
    fn boolean_operator(&mut self, node: Node<'_>) -> Union {
        let operator = self
            .field(node, "operator")
            .map(|operator| self.slice(operator))
            .unwrap_or("");
        let left_node = self.field(node, "left");
        let left = left_node.map(|left| self.expression(left));
        // The right operand runs only where the left one lets it: narrowed by it
        // (`x and x.attr`, `not d or d["k"]`). Long conditions are not narrowed
        // (each level would evaluate its left side again).
        // Narrowing evaluates the left side again: chains nest that cost, so only
        // short ones narrow, and not deep inside other expressions.
        let narrowed = left_node
            .filter(|left| {
                let limit = if kind_of(*left) == "boolean_operator" {
                    MAX_NARROWED_CHAIN_BYTES
                } else {
                    MAX_NARROWED_OPERAND_BYTES
                };
                left.byte_range().len() <= limit && self.depth < MAX_NARROWING_DEPTH
            })
            .map(|left| {
                let (when_true, when_false) = self.narrow(left, self.state.clone());
                if operator == "and" {
                    (when_true, when_false)
                } else {
                    (when_false, when_true)
                }
            });
        let right = match narrowed {
            Some((runs_right, skips_right)) => {
                if runs_right.is_some() {
                    self.state = runs_right;
                    let right = self
                        .field(node, "right")
                        .map(|right| self.expression(right));
                    let after_right = self.state.take();
                    self.state = join_states(skips_right, after_right);
                    right
                } else {
                    // The left side decides: the right one never runs.
                    self.state = skips_right;
                    left.clone()
                }
            }
            None => self
                .field(node, "right")
                .map(|right| self.expression(right)),
        };
        match (left, right) {
            (Some(left), Some(right)) => {
                // `a or b` is `a` where `a` is truthy, else `b`; `and` the reverse.
                let keep_left = |value: &Value| match (operator, value.truthiness()) {
                    ("or", Some(false)) | ("and", Some(true)) => false,
                    _ => true,
                };
                let needs_right = left
                    .values()
                    .any(|value| match (operator, value.truthiness()) {
                        ("or", Some(true)) | ("and", Some(false)) => false,
                        _ => true,
                    });
                let kept = left.filter(keep_left);
                match (kept, needs_right) {
                    (Some(kept), true) => kept.join(&right),
                    (Some(kept), false) => kept,
                    (None, _) => right,
                }
            }
            _ => self.literal(Value::Unknown, node),
        }
    }

    /// `q.items.append(x)`: the container `q`'s shape holds for `items` changes the same
    /// way a named container would.
    fn mutate_shape_attribute(&mut self, attribute: Node<'_>, method: &str, arguments: &Arguments) {
        let (Some(base), Some(name)) = (
            self.field(attribute, "object")
                .filter(|base| kind_of(*base) == "identifier"),
            self.field(attribute, "attribute"),
        ) else {
            return;
        };
        let base = Name::new(self.slice(base));
        let name = self.slice(name).to_owned();
        let path = self.place_path(attribute);
        // `self.items.append(0)` in a method: what the method leaves in `self.items`.
        if self.self_name.as_ref() == Some(&base) && self.state.is_some() {
            if let Some(stored) = self.self_attributes.get_mut(name.as_str()) {
                *stored = stored.map(|container| mutated(container, method, arguments));
            }
        }
        let Some(env) = &mut self.state else { return };
        if let Some(path) = path {
            if let Some(place) = env.places.get(&path) {
                let changed = place.map(|container| mutated(container, method, arguments));
                env.places.insert(path, changed);
            }
        }
        let Some(current) = env.get(&base) else {
            return;
        };
        let updated = current.map(|value| match value {
            Value::Instance(class, Some(shape)) if shape.get(&name).is_some() => {
                let attributes = shape
                    .attributes()
                    .iter()
                    .map(|(attribute, union)| {
                        if *attribute == name {
                            let changed =
                                union.map(|container| mutated(container, method, arguments));
                            (attribute.clone(), changed)
                        } else {
                            (attribute.clone(), union.clone())
                        }
                    })
                    .collect();
                Value::Instance(class.clone(), Shape::new(attributes))
            }
            other => other.clone(),
        });
        if updated != *current {
            env.refine(base, updated);
        }
    }

    /// `q.push(x)` on a local instance with a shape: the method may assign attributes
    /// (they may hold anything after the call) and mutate the containers the shape
    /// holds (their contents are no longer exact). An unknown method forgets the shape.
    fn after_method_call(
        &mut self,
        callee: &Union,
        function: Node<'_>,
        arguments: &Arguments,
        origin: Origin,
    ) {
        let Some(object) = self
            .field(function, "object")
            .filter(|object| kind_of(*object) == "identifier" && kind_of(function) == "attribute")
        else {
            return;
        };
        let name = Name::new(self.slice(object));
        let has_shape = self
            .state
            .as_ref()
            .and_then(|env| env.get(&name))
            .is_some_and(|value| {
                value
                    .values()
                    .any(|value| matches!(value, Value::Instance(_, Some(_))))
            });
        if !has_shape {
            return;
        }
        if callee
            .values()
            .all(|value| matches!(value, Value::BuiltinFunction(_)))
        {
            // A builtin method of the instance's builtin base changes no attribute.
            return;
        }
        // The specialised run of the method says exactly what the receiver became;
        // otherwise what the method assigns may hold anything after the call.
        let exit_shape = match callee.single() {
            Some(Value::BoundMethod {
                function,
                receiver: Some(receiver),
                ..
            }) => self.specialised_receiver_exit(function, receiver, arguments),
            _ => None,
        };
        let stored = match exit_shape {
            Some(_) => None,
            None => self.attributes_stored_by(callee),
        };
        let Some(env) = &mut self.state else { return };
        let Some(current) = env.get(&name) else {
            return;
        };
        let updated = current.map(|value| match value {
            Value::Instance(class, Some(_)) if exit_shape.is_some() => {
                Value::Instance(class.clone(), exit_shape.clone())
            }
            Value::Instance(class, Some(shape)) => match &stored {
                None => Value::Instance(class.clone(), None),
                Some(stored) => {
                    let attributes = shape
                        .attributes()
                        .iter()
                        .map(|(attribute, union)| {
                            let union = union.map(opened_container);
                            if stored.contains(attribute) {
                                let anything = Union::new(Value::Unknown, Some(origin));
                                (attribute.clone(), union.join(&anything))
                            } else {
                                (attribute.clone(), union)
                            }
                        })
                        .collect();
                    Value::Instance(class.clone(), Shape::new(attributes))
                }
            },
            other => other.clone(),
        });
        env.refine(name, updated);
    }

    /// The receiver's shape after the specialised run of `function` on `receiver` with
    /// `arguments` (the run `call_function` made), when it was specialised.
    fn specialised_receiver_exit(
        &self,
        function: &FunctionRef,
        receiver: &Shape,
        arguments: &Arguments,
    ) -> Option<Shape> {
        let (file, scope) = self.function_scope(function)?;
        let key = self.specialisation_key(file, scope, arguments, Some(receiver), false)?;
        self.call_view(file, scope, key).receiver_shape().clone()
    }

    /// The key of the specialised run of the body `scope` for this call, when the call
    /// is specialised. Small bodies are re-interpreted per call, nesting a few levels
    /// deep at most (so the cost stays bounded), when something is known to specialise
    /// on: an argument, the receiver's shape, or (`defaults`, for constructors) no
    /// arguments at all. Recursive functions are not specialised: mixing one specialised
    /// level with the context-free fixpoint below it gives values no real run produces.
    fn specialisation_key(
        &self,
        file: SourceFile,
        scope: ScopeId,
        arguments: &Arguments,
        receiver: Option<&Shape>,
        defaults: bool,
    ) -> Option<CallArguments> {
        let facts = self.facts(file, scope);
        let depth = self
            .bound_arguments
            .as_ref()
            .map_or(0, |arguments| arguments.depth + 1);
        let no_arguments = arguments.positional.is_empty() && arguments.keywords.is_empty();
        let worth = is_worth_specialising(facts, arguments)
            || (receiver.is_some() || defaults && no_arguments)
                && is_body_worth_specialising(facts, arguments.has_unpacking);
        if depth >= MAX_SPECIALISATION_DEPTH
            || !worth
            || self.scope_view(file, scope).is_recursive()
        {
            return None;
        }
        Some(CallArguments {
            module_run: self.module_run,
            ..CallArguments::new(&arguments.positional, &arguments.keywords, receiver, depth)
        })
    }

    /// `object` (a name) is mutated in place here: noted when it is a parameter.
    fn note_mutation(&mut self, object: Node<'_>) {
        if kind_of(object) != "identifier" {
            return;
        }
        let name = self.slice(object);
        if self.self_name.as_deref() == Some(name) {
            return;
        }
        if let Some(parameter) = self
            .parameter_names
            .iter()
            .find(|parameter| *parameter == name)
        {
            self.mutated_parameters.insert(parameter.clone());
        }
    }

    /// `object` (a name) grows here (an item store, `append`, `update`): noted for the
    /// summary when it belongs to an enclosing scope. Removals are not noted: what a
    /// caller knows missing stays missing.
    fn note_growth(&mut self, object: Node<'_>) {
        if kind_of(object) == "identifier" {
            let name = Name::new(self.slice(object));
            self.note_free_mutation(&name);
        }
    }

    /// A function changes `name` in place: noted when `name` is not its own local.
    fn note_free_mutation(&mut self, name: &Name) {
        let scope = self.index.scope(self.scope);
        if scope.kind != ScopeKind::Function {
            return;
        }
        let is_local = !scope.globals.iter().any(|global| global == name)
            && !scope.nonlocals.iter().any(|nonlocal| nonlocal == name)
            && self
                .index
                .definitions_in_scope(self.scope, name)
                .next()
                .is_some();
        if !is_local {
            self.mutated_globals.insert(name.clone());
        }
    }

    /// After a call to a function of this file that changes names of enclosing scopes
    /// in place (`def_op(...)` filling the module's `opmap`): their known contents no
    /// longer hold here, and a function making such a call changes them too. Names it
    /// rebinds through `global` are unknown after the call (`_init_policy()` setting the
    /// module's `_policy`).
    fn forget_mutated_globals(&mut self, callee: &Union, call: Node<'_>) {
        for value in callee.values() {
            let (Value::Function(function) | Value::BoundMethod { function, .. }) = value else {
                continue;
            };
            let Some((file, scope)) = self.function_scope(function) else {
                continue;
            };
            if file != self.file || scope == self.scope {
                continue;
            }
            // `global x; x = …` in the callee: `x` holds what it assigned (not followed).
            let callee_scope = self.index.scope(scope);
            let rebound: Vec<Name> = callee_scope
                .globals
                .iter()
                .filter(|name| {
                    self.index
                        .definitions_in_scope(scope, name)
                        .next()
                        .is_some()
                })
                .cloned()
                .collect();
            for name in rebound {
                let is_own_local = self.scope != FileIndex::MODULE_SCOPE
                    && !self.index.scope(self.scope).globals.contains(&name)
                    && self
                        .index
                        .definitions_in_scope(self.scope, &name)
                        .next()
                        .is_some();
                if is_own_local {
                    continue;
                }
                let origin = self.origin(range_of(call));
                if let Some(env) = &mut self.state {
                    env.insert(name, Union::new(Value::Unknown, Some(origin)));
                }
            }
            let mutated = local_inference(self.db, file, scope, self.module_run)
                .mutated_globals
                .clone();
            for name in mutated {
                self.note_free_mutation(&name);
                let Some(env) = &mut self.state else { return };
                env.forget_contents(name);
            }
        }
    }

    /// The parameters a `return` expression hands back (as such, or inside a literal
    /// container).
    fn note_returned_parameters(&mut self, value: Node<'_>) {
        match kind_of(value) {
            "identifier" => {
                let name = self.slice(value);
                if let Some(parameter) = self
                    .parameter_names
                    .iter()
                    .find(|parameter| *parameter == name)
                {
                    self.returned_parameters.insert(parameter.clone());
                }
            }
            "tuple" | "list" | "expression_list" | "parenthesized_expression" | "set" => {
                let items: Vec<Node<'_>> = self.nodes.named_children(value).collect();
                for item in items {
                    self.note_returned_parameters(item);
                }
            }
            "dictionary" => {
                let pairs: Vec<Node<'_>> = self.nodes.named_children(value).collect();
                for pair in pairs {
                    if let Some(item) = self.field(pair, "value") {
                        self.note_returned_parameters(item);
                    }
                }
            }
            _ => {}
        }
    }

    /// `name.attribute = value` on a local instance: later reads of the attribute see
    /// `value` (a strong update of the instance's shape).
    fn store_attribute(&mut self, name: &Name, attribute: SmolStr, value: &Union) {
        let Some(env) = &mut self.state else { return };
        let Some(current) = env.get(name) else {
            return;
        };
        if !current
            .values()
            .any(|value| matches!(value, Value::Instance(ClassRef::Defined { .. }, _)))
        {
            return;
        }
        let updated = current.map(|current| match current {
            Value::Instance(class @ ClassRef::Defined { .. }, shape) => {
                let mut attributes: Vec<(SmolStr, Union)> = shape
                    .as_ref()
                    .map(|shape| shape.attributes().to_vec())
                    .unwrap_or_default();
                attributes.retain(|(existing, _)| *existing != attribute);
                attributes.push((attribute.clone(), value.clone()));
                Value::Instance(class.clone(), Shape::new(attributes))
            }
            other => other.clone(),
        });
        env.refine(name.clone(), updated);
    }

    /// Arguments passed by name to a callee that may mutate them: their known contents
    /// (exact lengths, closed dicts, instance shapes) no longer hold after the call.
    fn forget_mutated_arguments(&mut self, callee: &Union, arguments: Node<'_>) {
        if kind_of(arguments) != "argument_list" {
            return;
        }
        let children: Vec<Node<'_>> = self.nodes.named_children(arguments).collect();
        let mut position = 0usize;
        for child in children {
            let (name_node, keyword) = match kind_of(child) {
                "keyword_argument" => (
                    self.field(child, "value"),
                    self.field(child, "name")
                        .map(|name| self.slice(name).to_owned()),
                ),
                "list_splat" | "dictionary_splat" | "comment" => continue,
                _ => {
                    position += 1;
                    (Some(child), None)
                }
            };
            let Some(name_node) = name_node.filter(|node| kind_of(*node) == "identifier") else {
                continue;
            };
            let slot = match &keyword {
                Some(keyword) => ArgumentSlot::Keyword(keyword),
                None => ArgumentSlot::Position(position - 1),
            };
            if !self.may_mutate_argument(callee, slot) {
                continue;
            }
            self.note_mutation(name_node);
            self.note_growth(name_node);
            let name = Name::new(self.slice(name_node));
            let Some(env) = &mut self.state else { return };
            env.forget_contents(name);
        }
        self.forget_mutated_defaults(callee, arguments);
    }

    /// `def fill(table=table): table[k] = v` called as `fill()`: the default is the
    /// enclosing scope's `table` itself, and the call fills it. Names used as defaults of
    /// parameters the call leaves out and the callee mutates lose their known contents.
    fn forget_mutated_defaults(&mut self, callee: &Union, arguments: Node<'_>) {
        let children: Vec<Node<'_>> = self.nodes.named_children(arguments).collect();
        if children
            .iter()
            .any(|child| matches!(kind_of(*child), "list_splat" | "dictionary_splat"))
        {
            return;
        }
        let positional = children
            .iter()
            .filter(|child| !matches!(kind_of(**child), "keyword_argument" | "comment"))
            .count();
        let keywords: Vec<&str> = children
            .iter()
            .filter(|child| kind_of(**child) == "keyword_argument")
            .filter_map(|child| self.field(*child, "name"))
            .map(|name| self.slice(name))
            .collect();
        let mut forgotten = Vec::new();
        for value in callee.values() {
            let (function, skip) = match value {
                Value::Function(function) => (function, 0),
                Value::BoundMethod { function, .. } => (function, 1),
                _ => continue,
            };
            let Some((file, scope)) = self.function_scope(function) else {
                continue;
            };
            if file != self.file || scope == self.scope {
                continue;
            }
            let mutated =
                &local_inference(self.db, file, scope, self.module_run).mutated_parameters;
            if mutated.is_empty() {
                continue;
            }
            let parameters = self
                .index
                .scope(scope)
                .definitions
                .iter()
                .map(|&definition| self.index.definition(definition))
                .filter(|data| matches!(data.kind, DefinitionKind::Parameter { .. }));
            for (position, data) in parameters.enumerate() {
                let DefinitionKind::Parameter {
                    default: Some(default),
                    ..
                } = data.kind
                else {
                    continue;
                };
                let passed = position >= skip && position - skip < positional
                    || keywords.contains(&data.name.as_str());
                if passed || !mutated.contains(&data.name) {
                    continue;
                }
                let default_text = self
                    .text
                    .get(usize::from(default.start())..usize::from(default.end()));
                if let Some(name) =
                    default_text.filter(|text| crate::resolve::is_python_identifier(text))
                {
                    forgotten.push(Name::new(name));
                }
            }
        }
        for name in forgotten {
            self.note_free_mutation(&name);
            if let Some(env) = &mut self.state {
                env.forget_contents(name);
            }
        }
    }

    /// Whether calling `callee` may mutate the argument in `slot`: functions of the
    /// workspace by their summary, unknown callees always, builtins never (their
    /// mutating methods are modelled where they are called).
    fn may_mutate_argument(&self, callee: &Union, slot: ArgumentSlot<'_>) -> bool {
        callee.values().any(|value| {
            let (function, skip) = match value {
                Value::Unknown => return true,
                // `exec(code, globals, ns)` fills the namespaces it is given.
                Value::BuiltinFunction(name) if name == "exec" || name == "eval" => return true,
                Value::Function(function) => (function, 0),
                Value::BoundMethod { function, .. } => (function, 1),
                _ => return false,
            };
            let Some((file, scope)) = self.function_scope(function) else {
                return true;
            };
            if file == self.file && scope == self.scope {
                // A recursive call mutates what this run mutates.
                return false;
            }
            let parameters = &self.facts(file, scope).parameters;
            let parameter = match slot {
                ArgumentSlot::Position(position) => parameters
                    .get(position + skip)
                    .filter(|(_, kind)| {
                        matches!(
                            kind,
                            crate::index::ParameterKind::PositionalOnly
                                | crate::index::ParameterKind::PositionalOrKeyword
                        )
                    })
                    .map(|(name, _)| name),
                ArgumentSlot::Keyword(keyword) => parameters
                    .iter()
                    .find(|(name, _)| name == keyword)
                    .map(|(name, _)| name),
            };
            let Some(parameter) = parameter else {
                // `*args` / `**kwargs` receive it: assume the worst.
                return true;
            };
            self.scope_view(file, scope)
                .mutated_parameters()
                .contains(parameter)
        })
    }

    fn mutate(&mut self, object: Node<'_>, method: &str, arguments: &Arguments) {
        if kind_of(object) == "attribute" && MUTATING_METHODS.contains(&method) {
            self.mutate_shape_attribute(object, method, arguments);
            return;
        }
        if kind_of(object) != "identifier" {
            return;
        }
        let name = Name::new(self.slice(object));
        let Some(env) = &mut self.state else { return };
        let Some(current) = env.get(&name) else {
            return;
        };
        let updated = current.map(|container| mutated(container, method, arguments));
        env.refine(name, updated);
    }

    // ---- narrowing ---------------------------------------------------------------

    /// Splits `state` into the states where `condition` is true and false.
    fn narrow(&mut self, condition: Node<'_>, state: State) -> (State, State) {
        let Some(env) = state else {
            return (None, None);
        };
        if self.depth > MAX_EXPRESSION_DEPTH {
            return (Some(env.clone()), Some(env));
        }
        self.depth += 1;
        let (mut when_true, mut when_false) = self.narrow_env(condition, env);
        self.apply_correlations(condition, &mut when_true, &mut when_false);
        self.depth -= 1;
        (when_true, when_false)
    }

    fn narrow_env(&mut self, condition: Node<'_>, env: Env) -> (State, State) {
        // A condition whose value is known decides the branch outright (`if 5 <= 1:`,
        // `if DEBUG:` with a constant, a comparison of literals).
        if kind_of(condition) != "identifier" {
            let saved = std::mem::replace(&mut self.state, Some(env.clone()));
            let value = self.expression_quiet(condition);
            self.state = saved;
            let truths: Vec<Option<bool>> = value.values().map(Value::truthiness).collect();
            if truths.iter().all(|truth| *truth == Some(true)) {
                return (Some(env), None);
            }
            if truths.iter().all(|truth| *truth == Some(false)) {
                return (None, Some(env));
            }
        }
        match kind_of(condition) {
            "parenthesized_expression" => match self.nodes.named_child(condition, 0) {
                Some(inner) => self.narrow(inner, Some(env)),
                None => (Some(env.clone()), Some(env)),
            },
            "not_operator" => match self.field(condition, "argument") {
                Some(argument) => {
                    let (when_true, when_false) = self.narrow(argument, Some(env));
                    (when_false, when_true)
                }
                None => (Some(env.clone()), Some(env)),
            },
            "boolean_operator" => {
                let operator = self
                    .field(condition, "operator")
                    .map(|operator| self.slice(operator))
                    .unwrap_or("");
                let (Some(left), Some(right)) = (
                    self.field(condition, "left"),
                    self.field(condition, "right"),
                ) else {
                    return (Some(env.clone()), Some(env));
                };
                let (left_true, left_false) = self.narrow(left, Some(env));
                if operator == "and" {
                    let (right_true, right_false) = self.narrow(right, left_true);
                    (right_true, join_states(left_false, right_false))
                } else {
                    let (right_true, right_false) = self.narrow(right, left_false);
                    (join_states(left_true, right_true), right_false)
                }
            }
            "identifier" if env.conditions.contains_key(self.slice(condition)) => {
                let alias = Name::new(self.slice(condition));
                let tested = env.conditions.get(&alias).map(|condition| condition.range);
                let root = self.parsed.root();
                let test = tested.and_then(|range| {
                    root.descendant_for_byte_range(
                        usize::from(range.start()),
                        usize::from(range.end()),
                    )
                    .filter(|node| range_of(*node) == range)
                });
                let (when_true, when_false) = match test {
                    Some(test) => self.narrow(test, Some(env)),
                    None => (Some(env.clone()), Some(env)),
                };
                let split = |state: State, truth: bool| {
                    state.and_then(|env| {
                        let (yes, no) = self.split_name(env, &alias, |value| value.truthiness());
                        if truth { yes } else { no }
                    })
                };
                (split(when_true, true), split(when_false, false))
            }
            "identifier" | "attribute" => {
                let mut env = env;
                match self.subject_name(&mut env, condition) {
                    Some(name) => self.split_name(env, &name, |value| value.truthiness()),
                    None => (Some(env.clone()), Some(env)),
                }
            }
            // `(m := f())`: the condition is the value just bound to `m`.
            "named_expression" => match self.field(condition, "name") {
                Some(name) => {
                    let name = Name::new(self.slice(name));
                    self.split_name(env, &name, |value| value.truthiness())
                }
                None => (Some(env.clone()), Some(env)),
            },
            "comparison_operator" => self.narrow_comparison(condition, env),
            "call" => self.narrow_call(condition, env),
            "true" => (Some(env), None),
            "false" | "none" => (None, Some(env)),
            "integer" => {
                if self.slice(condition).trim_start_matches('0').is_empty() {
                    (None, Some(env))
                } else {
                    (Some(env), None)
                }
            }
            _ => (Some(env.clone()), Some(env)),
        }
    }

    /// After `name = test`: remembers `test` for `if name:` when it is a test of plain
    /// names (comparisons, `not`, `and`/`or`, `isinstance`-style calls).
    fn remember_condition(&mut self, name: Node<'_>, test: Node<'_>) {
        if !matches!(
            kind_of(test),
            "comparison_operator" | "not_operator" | "boolean_operator" | "call"
        ) {
            return;
        }
        let Some(reads) = self.condition_reads(test, false) else {
            return;
        };
        let alias = Name::new(self.slice(name));
        if reads.contains(&alias) {
            return;
        }
        if let Some(env) = &mut self.state {
            env.conditions.insert(
                alias,
                ConditionAlias {
                    range: range_of(test),
                    reads,
                },
            );
        }
    }

    /// The dotted path of a place node (see [`is_place_node`]).
    fn place_path(&self, node: Node<'_>) -> Option<Name> {
        if !is_place_node(node) {
            return None;
        }
        let mut parts = Vec::new();
        let mut node = node;
        while kind_of(node) == "attribute" {
            parts.push(self.slice(self.field(node, "attribute")?));
            node = self.field(node, "object")?;
        }
        parts.push(self.slice(node));
        parts.reverse();
        Some(Name::new(parts.join(".")))
    }

    /// What narrowing splits for `subject`: a name, or an attribute path seeded in
    /// `env` with the attribute's value there.
    fn subject_name(&mut self, env: &mut Env, subject: Node<'_>) -> Option<Name> {
        let path = self.place_path(subject)?;
        if kind_of(subject) == "attribute" && !env.places.contains_key(&path) {
            let saved = std::mem::replace(&mut self.state, Some(env.clone()));
            let value = self.expression_quiet(subject);
            self.state = saved;
            env.places.insert(path.clone(), value);
        }
        Some(path)
    }

    /// Splits on a name: members for which `test` is `Some(true)` go to the true side,
    /// `Some(false)` to the false side, `None` (unknown) to both.
    fn split_name(
        &self,
        env: Env,
        name: &Name,
        test: impl Fn(&Value) -> Option<bool>,
    ) -> (State, State) {
        let is_place = name.contains('.');
        let current = if is_place {
            env.places.get(name).cloned()
        } else {
            env.get(name).cloned()
        };
        let Some(current) = current else {
            return (Some(env.clone()), Some(env));
        };
        let when_true = current.filter(|value| test(value) != Some(false));
        let when_false = current.filter(|value| test(value) != Some(true));
        let side = |union: Option<Union>| {
            union.map(|union| {
                let mut env = env.clone();
                if is_place {
                    env.places.insert(name.clone(), union);
                } else {
                    env.refine(name.clone(), union);
                }
                env
            })
        };
        (side(when_true), side(when_false))
    }

    fn narrow_comparison(&mut self, condition: Node<'_>, env: Env) -> (State, State) {
        let operands: Vec<Node<'_>> = self.nodes.named_children(condition).collect();
        let operators: Vec<String> = {
            self.nodes
                .children(condition)
                .filter(|child| !child.is_named())
                .map(|child| self.slice(child).to_owned())
                .collect()
        };
        let [left, right] = operands[..] else {
            return (Some(env.clone()), Some(env));
        };
        let operator = operators.join(" ");
        // `len(xs) > 0`, `len(xs) == 0`, `0 < len(xs)`: split `xs` by its known length.
        if let Some((subject, operator, bound)) = self.length_comparison(left, &operator, right) {
            let mut env = env;
            let Some(name) = self.subject_name(&mut env, subject) else {
                return (Some(env.clone()), Some(env));
            };
            return self.split_name(env, &name, |value| {
                let length = known_length(value)? as i64;
                Some(match operator {
                    ">" => length > bound,
                    ">=" => length >= bound,
                    "<" => length < bound,
                    "<=" => length <= bound,
                    "==" => length == bound,
                    "!=" => length != bound,
                    _ => return None,
                })
            });
        }
        // `type(x) is C`, `type(x) == C` and their negations: the exact type.
        if matches!(operator.as_str(), "is" | "==" | "is not" | "!=") {
            let found = type_call_subject(self.text, left)
                .map(|subject| (subject, right))
                .or_else(|| type_call_subject(self.text, right).map(|subject| (subject, left)));
            if let Some((subject, class_node)) = found {
                let classes = self.expression_quiet(class_node);
                if let Some(Value::Class(class)) = classes.single() {
                    let class = class.clone();
                    let mut env = env;
                    let Some(name) = self.subject_name(&mut env, subject) else {
                        return (Some(env.clone()), Some(env));
                    };
                    let (when_same, when_different) =
                        self.split_name(env, &name, |value| match value {
                            Value::Unknown => None,
                            Value::Instance(ClassRef::Defined { .. }, _) => {
                                Some(matches!(value, Value::Instance(own, _) if *own == class))
                            }
                            _ => Some(match &class {
                                ClassRef::Builtin(name) => value.type_name() == name.as_str(),
                                ClassRef::Defined { .. } => false,
                            }),
                        });
                    return if operator.ends_with("not") || operator == "!=" {
                        (when_different, when_same)
                    } else {
                        (when_same, when_different)
                    };
                }
            }
        }
        let (subject, other) = if is_place_node(left) {
            (left, right)
        } else if is_place_node(right) {
            (right, left)
        } else {
            return (Some(env.clone()), Some(env));
        };
        let mut env = env;
        let Some(name) = self.subject_name(&mut env, subject) else {
            return (Some(env.clone()), Some(env));
        };
        let other_is_none = kind_of(other) == "none";
        // `config != {}`, `items == []`, `name != ""`: for containers and strings, equal
        // to the empty literal means falsy.
        let other_is_empty = match kind_of(other) {
            "dictionary" | "list" | "tuple" | "set" => other.named_child_count() == 0,
            "string" => matches!(self.slice(other), "\"\"" | "''"),
            _ => false,
        };
        if other_is_empty && matches!(operator.as_str(), "==" | "!=") {
            let emptiness = |value: &Value| match value {
                Value::Dict(_)
                | Value::List(_)
                | Value::Tuple(_)
                | Value::Set(_)
                | Value::Str(_) => value.truthiness().map(|truthy| !truthy),
                _ => None,
            };
            let (when_empty, when_not) = self.split_name(env, &name, emptiness);
            return if operator == "==" {
                (when_empty, when_not)
            } else {
                (when_not, when_empty)
            };
        }
        match operator.as_str() {
            "is" | "==" if other_is_none => self.split_name(env, &name, |value| match value {
                Value::None => Some(true),
                Value::Unknown => None,
                _ => Some(false),
            }),
            "is not" | "!=" if other_is_none => self.split_name(env, &name, |value| match value {
                Value::None => Some(false),
                Value::Unknown => None,
                _ => Some(true),
            }),
            // `x is Absent` with a sentinel class, `flag is True`: identity of a class or
            // a bool.
            "is" | "is not" => {
                let expected = self.expression_quiet(other);
                let Some(expected) = expected
                    .single()
                    .cloned()
                    .filter(|value| matches!(value, Value::Class(_) | Value::Bool(Some(_))))
                else {
                    return (Some(env.clone()), Some(env));
                };
                let same = move |value: &Value| match value {
                    Value::Unknown => None,
                    Value::Class(_) | Value::Bool(Some(_)) => Some(*value == expected),
                    // A subclass instance or another class object is never identical.
                    Value::Bool(None) => None,
                    _ => Some(false),
                };
                let (when_same, when_different) = self.split_name(env, &name, same);
                if operator == "is" {
                    (when_same, when_different)
                } else {
                    (when_different, when_same)
                }
            }
            "==" | "!=" => {
                let expected = self.expression_quiet(other);
                let Some(expected) = expected.single().cloned().filter(is_literal) else {
                    return (Some(env.clone()), Some(env));
                };
                let literal = expected.clone();
                let equal = move |value: &Value| {
                    if is_literal(value) {
                        Some(literal_equal(value, &literal))
                    } else {
                        None
                    }
                };
                let (when_equal, when_different) = self.split_name(env, &name, equal);
                // `mode == "fast"` with `mode` some string: it is that string here.
                let when_equal =
                    refine_to_literals(when_equal, &name, std::slice::from_ref(&expected));
                if operator == "==" {
                    (when_equal, when_different)
                } else {
                    (when_different, when_equal)
                }
            }
            "in" | "not in" => {
                let (when_in, when_not_in) = self.narrow_membership(left, right, env);
                if operator == "in" {
                    (when_in, when_not_in)
                } else {
                    (when_not_in, when_in)
                }
            }
            _ => (Some(env.clone()), Some(env)),
        }
    }

    /// `element in container`, narrowing whichever side is a name: a name element keeps
    /// the literals the container holds (or lacks), a name container keeps the members
    /// that hold (or lack) a literal element. Returns the states where the test is true
    /// and false.
    fn narrow_membership(
        &mut self,
        element: Node<'_>,
        container: Node<'_>,
        env: Env,
    ) -> (State, State) {
        let element_value = self.expression_quiet(element);
        let container_value = self.expression_quiet(container);
        let mut states = (Some(env.clone()), Some(env));
        if kind_of(element) == "identifier" {
            let name = Name::new(self.slice(element));
            let test = |value: &Value| membership(value, &container_value);
            states = self.split_both(states, &name, element, &test);
            // `value in ("True", "False")` with `value` some string: one of those here.
            if let Some(literals) = container_value.single().and_then(literal_items) {
                states.0 = refine_to_literals(states.0, &name, &literals);
            }
        }
        if kind_of(container) == "identifier" {
            let name = Name::new(self.slice(container));
            if let Some(needle) = element_value.single().cloned().filter(is_literal) {
                let test = |value: &Value| contains_literal(value, &needle);
                states = self.split_both(states, &name, container, &test);
            } else {
                // Whatever the element, an empty container holds nothing.
                let test = |value: &Value| (known_length(value) == Some(0)).then_some(false);
                states = self.split_both(states, &name, container, &test);
            }
        }
        states
    }

    /// After `name.attribute` ran, `name` was not None: None has no such attribute, so
    /// that path raised. The next use of the name does not report the same None again.
    fn survives_attribute_read(&mut self, object_node: Node<'_>, object: &Union, attribute: &str) {
        if kind_of(object_node) != "identifier"
            || !object.values().any(|value| *value == Value::None)
            || crate::builtins::builtin_type_has_attribute("NoneType", attribute) == Some(true)
        {
            return;
        }
        let name = Name::new(self.slice(object_node));
        let Some(env) = &mut self.state else { return };
        let Some(current) = env.get(&name) else {
            return;
        };
        if let Some(kept) = current.filter(|value| *value != Value::None)
            && kept != *current
        {
            env.refine(name, kept);
        }
    }

    /// `name` (a container being iterated) has items here: its empty members go.
    fn drop_empty_members(&mut self, name_node: Node<'_>) {
        let name = Name::new(self.slice(name_node));
        let Some(env) = &mut self.state else { return };
        let Some(current) = env.get(&name) else {
            return;
        };
        match current.filter(|value| known_length(value) != Some(0)) {
            Some(kept) if kept != *current => env.refine(name, kept),
            Some(_) => {}
            // Every member is empty: the body never runs.
            None => self.state = None,
        }
    }

    /// Splits `name` in both states by `test`: the true state keeps the members that may
    /// pass, the false state those that may fail. A name read from an enclosing scope is
    /// copied into the local environment first.
    fn split_both(
        &mut self,
        (when_true, when_false): (State, State),
        name: &Name,
        node: Node<'_>,
        test: &dyn Fn(&Value) -> Option<bool>,
    ) -> (State, State) {
        let offset = node.start_byte() as u32;
        let current = self.lookup(name, offset);
        let split = |state: State, keep: bool| -> State {
            let mut env = state?;
            let value = env.get(name).cloned().unwrap_or_else(|| current.clone());
            match value.filter(|value| test(value) != Some(!keep)) {
                Some(kept) => {
                    env.insert(name.clone(), kept);
                    Some(env)
                }
                None => None,
            }
        };
        (split(when_true, true), split(when_false, false))
    }

    /// `len(name) OP integer` (either side), as (name, operator with `len` on the left,
    /// integer).
    fn length_comparison<'n>(
        &self,
        left: Node<'n>,
        operator: &str,
        right: Node<'n>,
    ) -> Option<(Node<'n>, &'static str, i64)>
    where
        'db: 'n,
    {
        let len_subject = |node: Node<'n>| {
            (kind_of(node) == "call"
                && self
                    .field(node, "function")
                    .is_some_and(|function| self.slice(function) == "len"))
            .then(|| self.field(node, "arguments"))
            .flatten()
            .and_then(|arguments| {
                (arguments.named_child_count() == 1)
                    .then(|| self.nodes.named_child(arguments, 0))
                    .flatten()
            })
            .filter(|subject| is_place_node(*subject))
        };
        let integer = |node: Node<'n>| {
            (kind_of(node) == "integer")
                .then(|| parse_int(self.slice(node)))
                .flatten()
        };
        let mirrored = |operator: &str| -> Option<&'static str> {
            Some(match operator {
                ">" => "<",
                ">=" => "<=",
                "<" => ">",
                "<=" => ">=",
                "==" => "==",
                "!=" => "!=",
                _ => return None,
            })
        };
        let same = |operator: &str| mirrored(operator).and_then(mirrored);
        if let (Some(subject), Some(bound)) = (len_subject(left), integer(right)) {
            return Some((subject, same(operator)?, bound));
        }
        if let (Some(bound), Some(subject)) = (integer(left), len_subject(right)) {
            return Some((subject, mirrored(operator)?, bound));
        }
        None
    }

    fn narrow_call(&mut self, condition: Node<'_>, env: Env) -> (State, State) {
        // `part.isdigit()`, `line.startswith("#")` on a union of known strings: each
        // string goes to the side its own answer picks.
        if let Some((subject, method)) = self
            .field(condition, "function")
            .filter(|function| kind_of(*function) == "attribute")
            .and_then(|function| {
                Some((
                    self.field(function, "object")?,
                    self.field(function, "attribute")?,
                ))
            })
            .filter(|(subject, _)| is_place_node(*subject))
        {
            let method = self.slice(method);
            let saved = std::mem::replace(&mut self.state, Some(env.clone()));
            let recording = std::mem::replace(&mut self.record, false);
            let arguments = self
                .field(condition, "arguments")
                .map(|arguments| self.arguments(arguments));
            self.record = recording;
            self.state = saved;
            if let Some(arguments) = arguments {
                let mut env = env;
                let subject_is_text = self.subject_name(&mut env, subject).filter(|name| {
                    let current = if name.contains('.') {
                        env.places.get(name)
                    } else {
                        env.get(name)
                    };
                    current.is_some_and(|current| {
                        current
                            .values()
                            .any(|value| matches!(value, Value::Str(Some(_))))
                    })
                });
                if let Some(name) = subject_is_text {
                    return self.split_name(env, &name, |value| match value {
                        Value::Str(Some(text)) => {
                            builtins::fold_str_predicate(text, method, &arguments)
                        }
                        _ => None,
                    });
                }
                return self.narrow_call_of(condition, env);
            }
        }
        self.narrow_call_of(condition, env)
    }

    fn narrow_call_of(&mut self, condition: Node<'_>, env: Env) -> (State, State) {
        let function = self
            .field(condition, "function")
            .map(|function| self.slice(function))
            .unwrap_or("");
        let Some(arguments) = self.field(condition, "arguments") else {
            return (Some(env.clone()), Some(env));
        };
        let arguments: Vec<Node<'_>> = self.nodes.named_children(arguments).collect();
        match (function, arguments.as_slice()) {
            ("hasattr", [subject, attribute]) if is_place_node(*subject) => {
                let mut env = env;
                let Some(name) = self.subject_name(&mut env, *subject) else {
                    return (Some(env.clone()), Some(env));
                };
                let attribute = self.expression_quiet(*attribute);
                let Some(Value::Str(Some(attribute))) = attribute.single().cloned() else {
                    return (Some(env.clone()), Some(env));
                };
                self.split_name(env, &name, |value| match value {
                    // Only dunders exist on `None`.
                    Value::None => (attribute.starts_with("__"))
                        .then_some(true)
                        .or(Some(false)),
                    Value::Instance(class @ ClassRef::Defined { .. }, shape) => self
                        .lookup_instance_attribute(class, shape.as_ref(), &attribute)
                        .map(|_| true),
                    Value::Class(class @ ClassRef::Defined { .. }) => {
                        self.lookup_class_attribute(class, &attribute).map(|_| true)
                    }
                    _ => None,
                })
            }
            ("issubclass", [subject, classes]) if is_place_node(*subject) => {
                let mut env = env;
                let Some(name) = self.subject_name(&mut env, *subject) else {
                    return (Some(env.clone()), Some(env));
                };
                let classes = self.expression_quiet(*classes);
                let mut wanted: Vec<ClassRef> = Vec::new();
                for value in classes.values() {
                    match value {
                        Value::Class(class) => wanted.push(class.clone()),
                        Value::Tuple(items) => {
                            for item in &items.items {
                                for value in item.values() {
                                    if let Value::Class(class) = value {
                                        wanted.push(class.clone());
                                    }
                                }
                            }
                        }
                        _ => return (Some(env.clone()), Some(env)),
                    }
                }
                self.split_name(env, &name, |value| match value {
                    Value::Class(class) => self
                        .class_mro(class)
                        .iter()
                        .any(|base| wanted.contains(base))
                        .then_some(true),
                    _ => None,
                })
            }
            ("isinstance", [subject, classes]) if is_place_node(*subject) => {
                let mut env = env;
                let Some(name) = self.subject_name(&mut env, *subject) else {
                    return (Some(env.clone()), Some(env));
                };
                let classes = self.expression_quiet(*classes);
                let mut names: Vec<String> = Vec::new();
                let mut unknown_class = false;
                for value in classes.values() {
                    match value {
                        Value::Class(class) => names.push(class.name().to_owned()),
                        Value::Tuple(items) if items.exact => {
                            for item in &items.items {
                                for value in item.values() {
                                    match value {
                                        Value::Class(class) => names.push(class.name().to_owned()),
                                        _ => unknown_class = true,
                                    }
                                }
                            }
                        }
                        _ => unknown_class = true,
                    }
                }
                if unknown_class {
                    // An instance of a class we cannot see: anything on the true side,
                    // nothing excluded on the false side.
                    let mut when_true = env.clone();
                    let forget = |current: &Union| current.map(|_| Value::Unknown);
                    if name.contains('.') {
                        if let Some(current) = when_true.places.get(&name).cloned() {
                            when_true.places.insert(name.clone(), forget(&current));
                        }
                    } else if let Some(current) = when_true.get(&name).cloned() {
                        when_true.refine(name.clone(), forget(&current));
                    }
                    return (Some(when_true), Some(env));
                }
                self.split_name(env, &name, |value| match value {
                    Value::Unknown => None,
                    Value::Instance(class @ ClassRef::Defined { .. }, ..) => {
                        let mro = self.class_mro(class);
                        if mro
                            .iter()
                            .any(|base| names.iter().any(|name| name == base.name()))
                        {
                            Some(true)
                        } else if names.iter().all(|name| name == "type") {
                            // Only classes are instances of `type` (and `type` would be
                            // in a metaclass's MRO).
                            Some(false)
                        } else {
                            None
                        }
                    }
                    // `bool` is an `int`.
                    Value::Bool(_) if names.iter().any(|name| name == "int") => Some(true),
                    _ => Some(
                        names
                            .iter()
                            .any(|name| name == value.type_name() || name == "object"),
                    ),
                })
            }
            // `if len(xs):` is `if xs:` for the containers whose length is known.
            ("len", [subject]) if is_place_node(*subject) => {
                let mut env = env;
                let Some(name) = self.subject_name(&mut env, *subject) else {
                    return (Some(env.clone()), Some(env));
                };
                self.split_name(env, &name, |value| {
                    known_length(value).map(|length| length > 0)
                })
            }
            ("callable", [subject]) if is_place_node(*subject) => {
                let mut env = env;
                let Some(name) = self.subject_name(&mut env, *subject) else {
                    return (Some(env.clone()), Some(env));
                };
                self.split_name(env, &name, |value| match value {
                    Value::Function(_)
                    | Value::BoundMethod { .. }
                    | Value::BuiltinFunction(_)
                    | Value::Class(_) => Some(true),
                    Value::Unknown | Value::Instance(_, ..) => None,
                    _ => Some(false),
                })
            }
            _ => (Some(env.clone()), Some(env)),
        }
    }

    // ---- expressions -------------------------------------------------------------

    /// Evaluates without recording loads or calls (annotations, narrowing operands).
    fn expression_quiet(&mut self, node: Node<'_>) -> Union {
        let saved = self.record;
        self.record = false;
        let value = self.expression(node);
        self.record = saved;
        value
    }

    pub(super) fn expression(&mut self, node: Node<'_>) -> Union {
        if self.depth > MAX_EXPRESSION_DEPTH {
            return self.literal(Value::Unknown, node);
        }
        self.depth += 1;
        let value = self.expression_inner(node);
        self.depth -= 1;
        value
    }

    fn expression_inner(&mut self, node: Node<'_>) -> Union {
        match kind_of(node) {
            "integer" => self.literal(Value::Int(parse_int(self.slice(node))), node),
            "float" => {
                let text = self.slice(node).replace('_', "");
                if text.ends_with(['j', 'J']) {
                    return self.literal(Value::Complex, node);
                }
                self.literal(
                    text.parse::<f64>()
                        .map(Value::float)
                        .unwrap_or(Value::Float(None)),
                    node,
                )
            }
            "true" => self.literal(Value::Bool(Some(true)), node),
            "false" => self.literal(Value::Bool(Some(false)), node),
            "none" => self.literal(Value::None, node),
            "ellipsis" => self.literal(Value::Instance(ClassRef::builtin("ellipsis"), None), node),
            "string" => {
                self.visit_children(node);
                self.literal(string_value(self.slice(node)), node)
            }
            "concatenated_string" => {
                self.visit_children(node);
                let parts: Vec<Value> = self
                    .nodes
                    .named_children(node)
                    .map(|part| string_value(self.slice(part)))
                    .collect();
                let joined = parts
                    .iter()
                    .try_fold(String::new(), |mut joined, part| match part {
                        Value::Str(Some(text)) => {
                            joined.push_str(text);
                            Some(joined)
                        }
                        _ => None,
                    });
                let value = match (joined, parts.first()) {
                    (Some(text), _) => Value::Str(Some(SmolStr::new(text))),
                    (None, Some(Value::Bytes)) => Value::Bytes,
                    _ => Value::Str(None),
                };
                self.literal(value, node)
            }
            "identifier" => self.load(node),
            "parenthesized_expression" => match self.nodes.named_child(node, 0) {
                Some(inner) => self.expression(inner),
                None => self.literal(Value::Tuple(Items::exact(Vec::new())), node),
            },
            "tuple" | "expression_list" => {
                let items = self.items(node);
                self.literal(Value::Tuple(items), node)
            }
            "list" => {
                let items = self.items(node);
                self.literal(Value::List(items), node)
            }
            "set" => {
                let items = self.items(node);
                self.literal(Value::Set(items), node)
            }
            "dictionary" => self.dictionary(node),
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => self.comprehension(node),
            "binary_operator" => self.binary(node),
            "unary_operator" => {
                let operand = self
                    .field(node, "argument")
                    .map(|argument| self.expression(argument));
                let operator = self
                    .field(node, "operator")
                    .map(|operator| self.slice(operator))
                    .unwrap_or("");
                let origin = self.origin(range_of(node));
                match operand {
                    Some(operand) => operand
                        .map(|value| unary(operator, value))
                        .with_origin(origin),
                    None => Union::new(Value::Unknown, Some(origin)),
                }
            }
            "not_operator" => {
                let operand = self
                    .field(node, "argument")
                    .map(|argument| self.expression(argument));
                let value = operand
                    .and_then(|operand| {
                        let truths: BTreeSet<Option<bool>> =
                            operand.values().map(Value::truthiness).collect();
                        match truths.into_iter().collect::<Vec<_>>().as_slice() {
                            [Some(truth)] => Some(Value::Bool(Some(!truth))),
                            _ => None,
                        }
                    })
                    .unwrap_or(Value::Bool(None));
                self.literal(value, node)
            }
            "boolean_operator" => self.boolean_operator(node),
            "comparison_operator" => {
                let value = self.comparison(node);
                self.literal(value, node)
            }
            "conditional_expression" => {
                let parts: Vec<Node<'_>> = self.nodes.named_children(node).collect();
                let [when_true, condition, when_false, ..] = parts[..] else {
                    return self.literal(Value::Unknown, node);
                };
                self.expression(condition);
                let saved = self.branch;
                let (state_true, state_false) = self.narrow(condition, self.state.clone());
                let original = self.state.clone();
                if let Some(branch) = self.branch_id(condition, BranchKind::ConditionalTrue) {
                    self.branch = branch;
                }
                // A side the condition rules out is dead code: it yields no value and
                // records no operation (`10 / n if n else 0` never divides by zero).
                let reachable = original.is_some();
                let true_value = if reachable && state_true.is_none() {
                    None
                } else {
                    self.state = state_true.or(original.clone());
                    Some(self.expression(when_true))
                };
                if let Some(branch) = self.branch_id(condition, BranchKind::ConditionalFalse) {
                    self.branch = branch;
                }
                let false_value = if reachable && state_false.is_none() {
                    None
                } else {
                    self.state = state_false.or(original.clone());
                    Some(self.expression(when_false))
                };
                self.branch = saved;
                self.state = original;
                match (true_value, false_value) {
                    (Some(true_value), Some(false_value)) => true_value.join(&false_value),
                    (Some(value), None) | (None, Some(value)) => value,
                    (None, None) => self.literal(Value::Unknown, node),
                }
            }
            "call" => self.call(node),
            "attribute" => self.attribute_read(node),
            "subscript" => self.subscript(node),
            "named_expression" => {
                let value = self
                    .field(node, "value")
                    .map(|value| self.expression(value))
                    .unwrap_or_else(Union::unknown);
                if let Some(name) = self.field(node, "name") {
                    self.bind(name, value.clone(), node);
                }
                value
            }
            "assignment" => {
                let right = self.field(node, "right");
                let value = match right {
                    Some(right) => self.expression(right),
                    None => {
                        // `x: int` declares without binding.
                        if let Some(annotation) = self.field(node, "type") {
                            self.expression_quiet(annotation);
                        }
                        return Union::unknown();
                    }
                };
                if let Some(annotation) = self.field(node, "type") {
                    self.expression_quiet(annotation);
                }
                if let Some(left) = self.field(node, "left") {
                    self.bind(left, value.clone(), node);
                    if let (Some(right), "identifier") = (right, kind_of(left)) {
                        self.remember_condition(left, right);
                    }
                }
                value
            }
            "augmented_assignment" => {
                let left = self.field(node, "left");
                let right = self
                    .field(node, "right")
                    .map(|right| self.expression(right));
                let operator = self
                    .field(node, "operator")
                    .map(|operator| self.slice(operator))
                    .unwrap_or("");
                let current = left.map(|left| self.expression(left));
                let operator = operator.trim_end_matches('=');
                let origin = self.origin(range_of(node));
                let value = match (current, right) {
                    (Some(current), Some(right)) => {
                        self.record_operation(
                            node,
                            OperationKind::Binary {
                                operator: SmolStr::new(operator),
                                left: current.clone(),
                                right: right.clone(),
                            },
                        );
                        binary_union(operator, &current, &right, origin)
                    }
                    _ => Union::new(Value::Unknown, Some(origin)),
                };
                if let Some(left) = left {
                    if kind_of(left) == "identifier" {
                        self.note_mutation(left);
                    }
                    self.bind(left, value.clone(), node);
                }
                value
            }
            "lambda" => {
                let scope = self
                    .index
                    .scope_at(TextSize::from(node.start_byte() as u32 + 1));
                let value = if self.index.scope(scope).kind == ScopeKind::Lambda {
                    Value::Function(FunctionRef::Lambda {
                        file: self.file,
                        scope,
                    })
                } else {
                    Value::Unknown
                };
                self.literal(value, node)
            }
            "yield" => {
                let value = match self.nodes.named_child(node, 0) {
                    Some(value) => self.expression(value),
                    None => self.literal(Value::None, node),
                };
                let is_from = self
                    .slice(node)
                    .trim_start_matches("yield")
                    .trim_start()
                    .starts_with("from");
                let yielded = if is_from {
                    element_of(&self.generators_as_iterators(&value)).unwrap_or_else(Union::unknown)
                } else {
                    value
                };
                self.yields = Some(match self.yields.take() {
                    Some(yields) => yields.join(&yielded),
                    None => yielded,
                });
                self.literal(Value::Unknown, node)
            }
            "await" => {
                let awaited = self
                    .nodes
                    .named_child(node, 0)
                    .map(|awaited| self.expression(awaited));
                // Awaiting a coroutine of a known function gives its return value.
                let mut results = Vec::new();
                for value in awaited.iter().flat_map(|awaited| awaited.values()) {
                    if let Value::Coroutine(function) = value {
                        if let Some(returns) = self.function_returns(function) {
                            results.push(returns);
                        }
                    }
                }
                Union::join_all(results).unwrap_or_else(|| self.literal(Value::Unknown, node))
            }
            "list_splat" | "dictionary_splat" | "keyword_argument" | "pair" | "slice" => {
                self.visit_children(node);
                self.literal(Value::Unknown, node)
            }
            _ => {
                self.visit_children(node);
                self.literal(Value::Unknown, node)
            }
        }
    }

    /// Evaluates a comparison chain, folding it when every operand is a known literal.
    fn comparison(&mut self, node: Node<'_>) -> Value {
        let operands: Vec<Node<'_>> = self.nodes.named_children(node).collect();
        let operators: Vec<String> = {
            self.nodes
                .children(node)
                .filter(|child| !child.is_named())
                .map(|child| self.slice(child).to_owned())
                .collect()
        };
        let values: Vec<Union> = operands
            .iter()
            .map(|operand| self.expression(*operand))
            .collect();
        // `not in` and `is not` are two tokens each.
        let mut joined_operators: Vec<String> = Vec::new();
        for operator in operators {
            match (joined_operators.last_mut(), operator.as_str()) {
                (Some(last), "in") if last == "not" => *last = "not in".to_owned(),
                (Some(last), "not") if last == "is" => *last = "is not".to_owned(),
                _ => joined_operators.push(operator),
            }
        }
        if joined_operators.len() + 1 != values.len() {
            return Value::Bool(None);
        }
        let mut result = Some(true);
        for (position, operator) in joined_operators.iter().enumerate() {
            let (Some(left), Some(right)) =
                (values[position].single(), values[position + 1].single())
            else {
                return Value::Bool(None);
            };
            match compare_literals(operator, left, right) {
                Some(true) => {}
                Some(false) => result = Some(false),
                None => return Value::Bool(None),
            }
        }
        Value::Bool(result)
    }

    fn visit_children(&mut self, node: Node<'_>) {
        let children: Vec<Node<'_>> = self.nodes.named_children(node).collect();
        for child in children {
            match kind_of(child) {
                "interpolation" => {
                    if let Some(expression) = self.nodes.named_child(child, 0) {
                        self.expression(expression);
                    }
                }
                "string_start" | "string_content" | "string_end" | "escape_sequence"
                | "comment" => {}
                _ => {
                    self.expression(child);
                }
            }
        }
    }

    fn items(&mut self, node: Node<'_>) -> Items {
        let children: Vec<Node<'_>> = self
            .nodes
            .named_children(node)
            .filter(|child| kind_of(*child) != "comment")
            .collect();
        let mut items = Vec::with_capacity(children.len());
        let mut exact = true;
        for child in children {
            if kind_of(child) == "list_splat" {
                let spread = self
                    .nodes
                    .named_child(child, 0)
                    .map(|inner| self.expression(inner));
                match spread.as_ref().and_then(Union::single) {
                    Some(Value::List(inner) | Value::Tuple(inner)) if inner.exact => {
                        items.extend(inner.items.clone())
                    }
                    _ => {
                        exact = false;
                        if let Some(element) = spread.as_ref().and_then(element_of) {
                            items.push(element);
                        }
                    }
                }
            } else {
                items.push(self.expression(child));
            }
        }
        if exact {
            Items::exact(items)
        } else {
            Items::of(Union::join_all(items))
        }
    }

    fn dictionary(&mut self, node: Node<'_>) -> Union {
        let children: Vec<Node<'_>> = self.nodes.named_children(node).collect();
        let mut dict = DictValue {
            entries: Vec::new(),
            open: false,
        };
        for child in children {
            match kind_of(child) {
                "pair" => self.add_dict_entry(child, &mut dict),
                "dictionary_splat" => {
                    let spread = self
                        .nodes
                        .named_child(child, 0)
                        .map(|inner| self.expression(inner));
                    match spread.as_ref().and_then(Union::single) {
                        Some(Value::Dict(other)) => {
                            for (key, value) in &other.entries {
                                dict.set(key.clone(), value.clone());
                            }
                            dict.open |= other.open;
                        }
                        _ => dict.open = true,
                    }
                }
                "comment" => {}
                _ => {
                    self.expression(child);
                    dict.open = true;
                }
            }
        }
        self.literal(Value::Dict(Box::new(dict)), node)
    }

    /// Comprehensions run inline: their targets bind in a scratch copy of the state.
    fn comprehension(&mut self, node: Node<'_>) -> Union {
        if let Some(value) = self.exact_comprehension(node) {
            return value;
        }
        let saved_state = self.state.clone();
        let children: Vec<Node<'_>> = self.nodes.named_children(node).collect();
        let body = self.field(node, "body");
        for child in &children {
            match kind_of(*child) {
                "for_in_clause" => {
                    let iterable = self
                        .field(*child, "right")
                        .map(|right| self.expression(right));
                    if let Some(iterable) = &iterable {
                        self.record_operation(
                            *child,
                            OperationKind::Iterate {
                                iterable: iterable.clone(),
                            },
                        );
                    }
                    let element = iterable
                        .as_ref()
                        .and_then(|iterable| element_of(&self.generators_as_iterators(iterable)))
                        .unwrap_or_else(Union::unknown);
                    if let Some(left) = self.field(*child, "left") {
                        let origin = self.origin(range_of(left));
                        self.bind(left, element.with_default_origin(origin), *child);
                    }
                }
                "if_clause" => {
                    if let Some(condition) = self.nodes.named_child(*child, 0) {
                        self.expression(condition);
                        let (when_true, _) = self.narrow(condition, self.state.clone());
                        if when_true.is_some() {
                            self.state = when_true;
                        }
                    }
                }
                _ => {}
            }
        }
        let value = match (kind_of(node), body) {
            ("dictionary_comprehension", Some(pair)) => {
                if let Some(key) = self.field(pair, "key") {
                    self.expression(key);
                }
                if let Some(value) = self.field(pair, "value") {
                    self.expression(value);
                }
                Value::Dict(Box::new(DictValue {
                    entries: Vec::new(),
                    open: true,
                }))
            }
            (kind, Some(body)) => {
                let element = self.expression(body);
                match kind {
                    "list_comprehension" => Value::List(Items::of(Some(element))),
                    "set_comprehension" => Value::Set(Items::of(Some(element))),
                    _ => Value::Iterator(Items::of(Some(element))),
                }
            }
            _ => Value::Unknown,
        };
        self.state = saved_state;
        self.literal(value, node)
    }

    /// A list comprehension or generator expression over one container of known items,
    /// whose filters fold for every item, has known items too:
    /// `[x for x in (1, 2, 3) if x > 1]` is `[2, 3]`. `None` when that does not hold
    /// (the general evaluation then runs).
    fn exact_comprehension(&mut self, node: Node<'_>) -> Option<Union> {
        if !matches!(
            kind_of(node),
            "list_comprehension" | "generator_expression" | "dictionary_comprehension"
        ) {
            return None;
        }
        let children: Vec<Node<'_>> = self.nodes.named_children(node).collect();
        let body = self.field(node, "body")?;
        let clauses: Vec<Node<'_>> = children
            .iter()
            .copied()
            .filter(|child| matches!(kind_of(*child), "for_in_clause" | "if_clause"))
            .collect();
        let [for_clause, filters @ ..] = clauses.as_slice() else {
            return None;
        };
        if kind_of(*for_clause) != "for_in_clause"
            || filters.iter().any(|clause| kind_of(*clause) != "if_clause")
        {
            return None;
        }
        let target = self.field(*for_clause, "left")?;
        let iterable_node = self.field(*for_clause, "right")?;
        // Quiet: the general path below records the iterable when this one gives up.
        let iterable = self.expression_quiet(iterable_node);
        // Each member a container of known items (the lists a caller may pass): each
        // gives its own result.
        let members: Vec<Vec<Union>> = iterable
            .values()
            .map(|value| match value {
                Value::List(items) | Value::Tuple(items) | Value::Iterator(items)
                    if items.exact =>
                {
                    Some(items.items.clone())
                }
                _ => None,
            })
            .collect::<Option<_>>()?;
        if members.iter().map(Vec::len).sum::<usize>() > MAX_EXACT_COMPREHENSION_ITEMS {
            return None;
        }
        // First pass without recording: do all filters fold for every item?
        let saved_state = self.state.clone();
        let saved_record = self.record;
        self.record = false;
        let mut kept_per_member: Vec<Vec<Union>> = Vec::new();
        for items in &members {
            let mut kept = Vec::new();
            for item in items {
                self.state = saved_state.clone();
                self.bind(target, item.clone(), *for_clause);
                let mut keep = true;
                for filter in filters {
                    let condition = self.nodes.named_child(*filter, 0)?;
                    let value = self.expression(condition);
                    let truths: BTreeSet<Option<bool>> =
                        value.values().map(Value::truthiness).collect();
                    match truths.into_iter().collect::<Vec<_>>().as_slice() {
                        [Some(true)] => {}
                        [Some(false)] => {
                            keep = false;
                            break;
                        }
                        _ => {
                            self.state = saved_state;
                            self.record = saved_record;
                            return None;
                        }
                    }
                }
                if keep {
                    kept.push(item.clone());
                }
            }
            kept_per_member.push(kept);
        }
        self.state = saved_state.clone();
        self.record = saved_record;
        // Second pass, recorded: the iterable, then the body once per kept item.
        let recorded_iterable = self.expression(iterable_node);
        self.record_operation(
            *for_clause,
            OperationKind::Iterate {
                iterable: recorded_iterable,
            },
        );
        let mut results = Vec::new();
        for kept in kept_per_member {
            let mut values = Vec::new();
            // `{name: 0 for name in NAMES}`: one entry per kept item, closed when every
            // key is a literal.
            let mut dict = DictValue {
                entries: Vec::new(),
                open: false,
            };
            for item in kept {
                self.state = saved_state.clone();
                self.bind(target, item, *for_clause);
                for filter in filters {
                    if let Some(condition) = self.nodes.named_child(*filter, 0) {
                        self.expression(condition);
                    }
                }
                if kind_of(node) == "dictionary_comprehension" {
                    self.add_dict_entry(body, &mut dict);
                    continue;
                }
                values.push(self.expression(body));
            }
            if kind_of(node) == "dictionary_comprehension" {
                results.push(self.literal(Value::Dict(Box::new(dict)), node));
                continue;
            }
            let items = Items::exact(values);
            let value = if kind_of(node) == "list_comprehension" {
                Value::List(items)
            } else {
                Value::Iterator(items)
            };
            results.push(self.literal(value, node));
        }
        self.state = saved_state;
        Union::join_all(results)
    }

    fn binary(&mut self, node: Node<'_>) -> Union {
        // Long chains (`x + x + … + x`) nest to the left: walk them iteratively.
        let mut chain = vec![node];
        let mut leftmost = node;
        while kind_of(leftmost) == "binary_operator" {
            match self.field(leftmost, "left") {
                Some(left) if kind_of(left) == "binary_operator" => {
                    chain.push(left);
                    leftmost = left;
                }
                _ => break,
            }
        }
        let mut value = match self.field(leftmost, "left") {
            Some(left) => self.expression(left),
            None => Union::unknown(),
        };
        for operation in chain.into_iter().rev() {
            let right = self
                .field(operation, "right")
                .map(|right| self.expression(right))
                .unwrap_or_else(Union::unknown);
            let operator = self
                .field(operation, "operator")
                .map(|operator| self.slice(operator))
                .unwrap_or("");
            self.record_operation(
                operation,
                OperationKind::Binary {
                    operator: SmolStr::new(operator),
                    left: value.clone(),
                    right: right.clone(),
                },
            );
            let origin = self.origin(range_of(operation));
            if matches!(operator, "/" | "//" | "%")
                && right
                    .values()
                    .any(|value| matches!(value, Value::Int(Some(0))))
            {
                self.raise("ZeroDivisionError");
            }
            value = binary_union(operator, &value, &right, origin);
        }
        value
    }

    fn load(&mut self, node: Node<'_>) -> Union {
        let name = Name::new(self.slice(node));
        let offset = node.start_byte() as u32;
        let value = self.lookup(&name, offset);
        if self.record {
            let entry = self.loads.entry(offset).or_insert_with(|| value.clone());
            if *entry != value {
                *entry = entry.join(&value);
            }
        }
        value
    }

    fn lookup(&mut self, name: &Name, offset: u32) -> Union {
        if let Some(env) = &mut self.state
            && let Some(value) = env.get(name)
        {
            let mut value = value.clone();
            let mut maybe = env.maybe_unbound.get(name).copied();
            env.mark_read(name);
            // `global x` / `nonlocal x` names are bound where they live when this scope
            // has not bound them yet: a path without this scope's binding reads that one.
            if maybe.is_some() {
                let scope = self.index.scope(self.scope);
                if scope.globals.iter().any(|global| global == name)
                    || scope.nonlocals.iter().any(|nonlocal| nonlocal == name)
                {
                    maybe = None;
                    value = value.join(&Union::unknown());
                }
            }
            if self.record {
                let load = self.local_loads.entry(offset).or_default();
                load.bound = true;
                load.maybe = load.maybe.max(maybe);
            }
            return value;
        }
        let scope_of_use = self
            .index
            .name_ref_at(TextSize::from(offset))
            .filter(|name_ref| u32::from(name_ref.range.start()) == offset)
            .map(|name_ref| name_ref.scope)
            .unwrap_or(self.scope);
        match self
            .index
            .resolve_name(scope_of_use, name, TextSize::from(offset))
        {
            NameResolution::Scope { scope, .. }
                if scope != self.scope
                    && self.index.scope(scope).kind != ScopeKind::Comprehension =>
            {
                // An enclosing scope's binding: its value when that scope finishes.
                if is_ancestor(self.index, scope, self.scope) {
                    // A module global through its own query (anchored origins), so that
                    // this scope does not depend on the module's whole inference.
                    let reuse = super::inputs::reuse_across_edits(self.db, self.file);
                    let value = match self.module_run {
                        _ if scope != FileIndex::MODULE_SCOPE || !reuse => {
                            local_inference(self.db, self.file, scope, self.module_run)
                                .exit_value(name)
                        }
                        // The draft run of the module's code: not known yet.
                        ModuleRun::Draft => None,
                        ModuleRun::Final => {
                            super::inputs::module_global_in_run(self.db, self.file, name.clone())
                                .as_ref()
                        }
                        ModuleRun::Outside => {
                            super::inputs::module_global(self.db, self.file, name.clone()).as_ref()
                        }
                    };
                    if let Some(value) = value.map(|value| self.resolver().union(value)) {
                        // Functions that rebind it through `global`/`nonlocal` may have
                        // run before this read: their values are not followed.
                        if let Some(rebound) = self.rebound_elsewhere(scope, name) {
                            return value.join(&Union::new(Value::Unknown, Some(rebound)));
                        }
                        return value.into_owned();
                    }
                }
                Union::unknown()
            }
            NameResolution::Scope { scope, .. } => {
                // Local but unbound on every path reaching here (or a class attribute read
                // from a method body).
                if scope == self.scope && self.record && self.state.is_some() {
                    let falls_back = match self.index.scope(scope).kind {
                        // Module and class bodies fall back to globals and builtins.
                        ScopeKind::Module => builtins::builtin_value(name).is_some(),
                        ScopeKind::Class => {
                            builtins::builtin_value(name).is_some()
                                || self.index.scope(scope).parent.is_some_and(|parent| {
                                    !matches!(
                                        self.index.resolve_name(
                                            parent,
                                            name,
                                            TextSize::from(offset)
                                        ),
                                        NameResolution::Unbound
                                    )
                                })
                        }
                        _ => false,
                    };
                    if !falls_back {
                        self.local_loads.entry(offset).or_default().unbound = true;
                    }
                }
                Union::unknown()
            }
            NameResolution::Unbound => match builtins::builtin_value(name) {
                Some(value) => Union::new(value, None),
                None => self.star_imported(name).unwrap_or_else(Union::unknown),
            },
        }
    }

    /// The value of `name` brought in by one of the file's `from m import *` (the last
    /// star import that exports it wins, as at run time).
    fn star_imported(&self, name: &Name) -> Option<Union> {
        super::inputs::star_sources(self.db, self.file)
            .iter()
            .copied()
            .rev()
            .filter(|source| crate::index::module_exports(self.db, *source).star_exports(name))
            .find_map(|source| {
                module_values(self.db, source)
                    .iter()
                    .find(|(exported, _)| exported == name)
                    .map(|(_, value)| value.clone())
            })
    }

    /// `next(it)` on a name: the iterator it holds moves past its first item.
    fn advance_iterator(&mut self, call: Node<'_>) {
        let Some(argument) = self
            .field(call, "arguments")
            .and_then(|arguments| self.nodes.named_child(arguments, 0))
            .filter(|argument| kind_of(*argument) == "identifier")
        else {
            return;
        };
        let name = Name::new(self.slice(argument));
        let Some(env) = self.state.as_mut() else {
            return;
        };
        if let Some(advanced) = env.get(&name).map(|value| {
            value.map(|value| match value {
                Value::Iterator(items) if items.exact && !items.items.is_empty() => {
                    Value::Iterator(Items::exact(items.items[1..].to_vec()))
                }
                other => other.clone(),
            })
        }) {
            env.refine(name, advanced);
        }
    }

    /// Whether a scope other than `owner` assigns `name` of `owner` through a
    /// `global` or `nonlocal` declaration.
    /// Where a function rebinds `name` of scope `owner` through `global`/`nonlocal`
    /// (the first such binding), if one does.
    fn rebound_elsewhere(&self, owner: ScopeId, name: &Name) -> Option<Origin> {
        let owner_is_module = owner == FileIndex::MODULE_SCOPE;
        self.index
            .scopes
            .iter()
            .enumerate()
            .filter(|(id, scope)| {
                if owner_is_module {
                    scope.globals.contains(name)
                } else {
                    scope.nonlocals.contains(name)
                        && is_ancestor(self.index, owner, ScopeId(*id as u32))
                }
            })
            .find_map(|(_, scope)| {
                scope
                    .definitions
                    .iter()
                    .map(|&definition| self.index.definition(definition))
                    .find(|definition| definition.name == *name)
            })
            .map(|definition| Origin {
                file: self.file,
                range: definition.node_range,
                branch: definition.branch,
                anchor: None,
            })
    }

    fn call(&mut self, node: Node<'_>) -> Union {
        let function = self.field(node, "function");
        let callee = function
            .map(|function| self.expression(function))
            .unwrap_or_else(Union::unknown);
        let arguments = self
            .field(node, "arguments")
            .map(|arguments| self.arguments(arguments))
            .unwrap_or(Arguments {
                positional: Vec::new(),
                keywords: Vec::new(),
                has_unpacking: false,
            });
        let origin = self.origin(range_of(node));
        let mut results: Vec<Union> = Vec::new();
        let mut receiver = None;
        // Builtins (`list(gen())`, `sum(…)`) consume generators: they see what they yield.
        let consumed = Arguments {
            positional: arguments
                .positional
                .iter()
                .map(|argument| self.generators_as_iterators(argument))
                .collect(),
            keywords: arguments.keywords.clone(),
            has_unpacking: arguments.has_unpacking,
        };
        for value in callee.values() {
            let result = match value {
                Value::Function(function) => match self.unbound_method_call(function, &arguments) {
                    // `Base.method(obj, x)`: `obj` is the receiver, not the first argument.
                    Some((receiver, rest)) => {
                        self.call_function(function, &rest, receiver.as_ref())
                    }
                    None => self.call_function(function, &arguments, None),
                },
                Value::BoundMethod {
                    function, receiver, ..
                } => self.call_function(function, &arguments, receiver.as_ref()),
                Value::Class(ClassRef::Builtin(name)) => {
                    let (value, raises) = builtins::construct(name, &consumed);
                    for exception in raises {
                        self.raise(exception);
                    }
                    Union::new(value, Some(origin))
                }
                Value::Class(class) => self.construct(class, &consumed, origin),
                Value::BuiltinFunction(name) => {
                    // `re.Pattern` methods read the pattern's text from their receiver.
                    let pattern = if name.starts_with("re.Pattern.") {
                        function
                            .and_then(|function| self.field(function, "object"))
                            .map(|object| self.expression_quiet(object))
                            .and_then(|receiver| match receiver.single() {
                                Some(Value::Instance(_, Some(shape))) => shape
                                    .get("pattern")
                                    .and_then(Union::single)
                                    .and_then(|pattern| match pattern {
                                        Value::Str(Some(text)) => Some(text.clone()),
                                        _ => None,
                                    }),
                                _ => None,
                            })
                    } else {
                        None
                    };
                    if let Some((result, raises)) =
                        stdlib::call(name, &consumed, pattern.as_deref())
                    {
                        for exception in raises {
                            self.raise(exception);
                        }
                        result.with_default_origin(origin)
                    } else if let Some((_, method)) = name.split_once('.') {
                        let receiver_value = function
                            .and_then(|function| self.field(function, "object"))
                            .map(|object| self.expression_quiet(object));
                        receiver.clone_from(&receiver_value);
                        let result = receiver_value
                            .as_ref()
                            .and_then(|receiver| {
                                Union::join_all(receiver.values().filter_map(|value| {
                                    builtins::method_result(value, method, &consumed)
                                }))
                            })
                            .unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)));
                        if method == "pop"
                            && let Some(receiver) = &receiver_value
                        {
                            self.record_pop(node, receiver, &consumed);
                        }
                        if let Some(object) =
                            function.and_then(|function| self.field(function, "object"))
                        {
                            self.mutate(object, method, &consumed);
                        }
                        result.with_default_origin(origin)
                    } else {
                        let (result, raises) = builtins::call(name, &consumed);
                        for exception in raises {
                            self.raise(exception);
                        }
                        result.with_default_origin(origin)
                    }
                }
                _ => Union::new(Value::Unknown, Some(origin)),
            };
            results.push(result);
        }
        let result =
            Union::join_all(results).unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)));
        if let Some(function) = function {
            self.inherit_initialised_attributes(function, &arguments);
            self.after_method_call(&callee, function, &arguments, origin);
            if kind_of(function) == "attribute"
                && let (Some(object), Some(method)) = (
                    self.field(function, "object"),
                    self.field(function, "attribute"),
                )
                && MUTATING_METHODS.contains(&self.slice(method))
            {
                self.note_mutation(object);
                if GROWING_METHODS.contains(&self.slice(method)) {
                    self.note_growth(object);
                }
            }
        }
        self.forget_places_touched_by_call(&callee, function, self.field(node, "arguments"));
        if let Some(argument_list) = self.field(node, "arguments") {
            // `xs.append(item)` on an unknown `xs`: container methods do not mutate
            // their arguments, whatever the receiver turns out to be.
            let is_container_method = function.is_some_and(|function| {
                kind_of(function) == "attribute"
                    && self.field(function, "attribute").is_some_and(|method| {
                        let method = self.slice(method);
                        MUTATING_METHODS.contains(&method) || READING_METHODS.contains(&method)
                    })
            });
            if !is_container_method {
                self.forget_mutated_arguments(&callee, argument_list);
            }
        }
        self.forget_mutated_globals(&callee, node);
        if callee.single() == Some(&Value::BuiltinFunction(SmolStr::new_static("next"))) {
            self.advance_iterator(node);
        }
        if self.never_returns(&callee, function) {
            self.never_returns_at = Some(node.start_byte() as u32);
        }
        // `next(it)` without a default on an iterator known to be empty raises
        // StopIteration: the path ends here, unless a handler around catches it.
        let raises_stop_iteration = callee.single()
            == Some(&Value::BuiltinFunction(SmolStr::new_static("next")))
            && arguments.keywords.is_empty()
            && !arguments.has_unpacking
            && matches!(consumed.positional.as_slice(), [iterator] if iterator.values().all(
                |value| matches!(value, Value::Iterator(items) if items.exact && items.items.is_empty())
            ))
            && !self.handlers.iter().flatten().any(|handler| {
                matches!(
                    handler.as_str(),
                    "StopIteration" | "Exception" | "BaseException" | "*"
                )
            });
        if self.record {
            let offset = node.start_byte() as u32;
            let call = CallSite {
                offset,
                end: node.end_byte() as u32,
                receiver,
                callee,
                result: result.clone(),
                positional: arguments.positional,
                keywords: arguments.keywords,
                has_unpacking: arguments.has_unpacking,
            };
            // Keyed by the whole range: `next(rows).split(",")` is two calls at one offset.
            let earlier = self.calls.insert((offset, call.end), call);
            // An unrolled round that called with other arguments keeps its call for the
            // rules (each round's arguments are a real run of the callee).
            if self.unrolling > 0
                && let Some(earlier) = earlier
                && self.round_calls.len() < MAX_ROUND_CALLS
                && self.calls.get(&(offset, earlier.end)).is_some_and(|last| {
                    last.positional != earlier.positional || last.keywords != earlier.keywords
                })
                && !self.round_calls.contains(&earlier)
            {
                self.round_calls.push(earlier);
            }
        }
        if raises_stop_iteration {
            self.state = None;
        }
        result
    }

    /// `xs.pop()` / `xs.pop(i)` / `d.pop(k)` (no default) read an item the way `xs[-1]`,
    /// `xs[i]` and `d[k]` do, and fail the same way: recorded as a subscript of the
    /// receiver (before the pop) for the lookup rules, when every list it may be has a
    /// known length.
    fn record_pop(&mut self, call: Node<'_>, receiver: &Union, arguments: &Arguments) {
        // Not in a loop run to a fixpoint: its rounds join the empty list it starts from
        // with the lists later rounds hold (`while pending: … pending.pop()`), and
        // which pop meets which is not known there.
        if arguments.has_unpacking || !arguments.keywords.is_empty() || self.fixpoint_loops > 0 {
            return;
        }
        // Exact lists only: a list of unknown length says nothing about its pops.
        let all_lists = receiver
            .values()
            .all(|value| matches!(value, Value::List(items) if items.exact));
        let all_dicts = receiver
            .values()
            .all(|value| matches!(value, Value::Dict(_)));
        let key = match (arguments.positional.as_slice(), all_lists, all_dicts) {
            ([], true, _) => Union::new(Value::Int(Some(-1)), None),
            ([index], true, _) | ([index], _, true) => index.clone(),
            _ => return,
        };
        self.record_operation(
            call,
            OperationKind::Subscript {
                object: receiver.clone(),
                key: Some(key),
            },
        );
    }

    /// Whether calling `callee` (the call's `function` node) never returns normally: a
    /// modelled exit (`sys.exit`, `os._exit`, `pytest.fail`, Flask's `abort`, however
    /// imported), the `exit`/`quit` builtins, an argparse `parser.error`, or a plain
    /// function of the workspace whose every path raises, or such a method (unless what
    /// it raises is `NotImplementedError`: an override provides it).
    fn never_returns(&mut self, callee: &Union, function: Option<Node<'_>>) -> bool {
        // `parser.error(…)` of argparse prints the usage and exits.
        if let Some(function) = function.filter(|function| kind_of(*function) == "attribute") {
            let object = self.field(function, "object");
            let attribute = self
                .field(function, "attribute")
                .map(|attribute| self.slice(attribute));
            if let (Some(object), Some("error" | "exit")) = (object, attribute)
                && kind_of(object) == "identifier"
                && self.slice(object).to_ascii_lowercase().ends_with("parser")
                && callee
                    .values()
                    .all(|value| matches!(value, Value::Unknown | Value::BuiltinFunction(_)))
            {
                return true;
            }
        }
        let mut values = callee.values().peekable();
        if values.peek().is_none() {
            return false;
        }
        values.all(|value| match value {
            Value::BuiltinFunction(name) => {
                name == "exit" || name == "quit" || stdlib::NEVER_RETURNING.contains(&name.as_str())
            }
            Value::Function(function @ FunctionRef::Defined { .. }) => {
                let Some((file, scope)) = self.function_scope(function) else {
                    return false;
                };
                let data = self.facts(file, scope);
                if data.kind != ScopeKind::Function || data.is_generator || data.is_async {
                    return false;
                }
                let inference = self.scope_view(file, scope);
                !inference.has_returns() && !inference.is_recursive()
            }
            // `self.fail(message)`: a method whose every path raises something other than
            // `NotImplementedError` (that one marks a method for subclasses to provide).
            Value::BoundMethod {
                function: function @ FunctionRef::Defined { .. },
                ..
            } => {
                let Some((file, scope)) = self.function_scope(function) else {
                    return false;
                };
                let data = self.facts(file, scope);
                if data.kind != ScopeKind::Function
                    || data.is_generator
                    || data.is_async
                    || data.has_decorator("abstractmethod")
                {
                    return false;
                }
                let inference = self.scope_view(file, scope);
                !inference.has_returns()
                    && !inference.is_recursive()
                    && !inference.raises().is_empty()
                    && inference
                        .raises()
                        .iter()
                        .all(|raised| raised != "NotImplementedError")
            }
            _ => false,
        })
    }

    fn arguments(&mut self, node: Node<'_>) -> Arguments {
        let mut arguments = Arguments {
            positional: Vec::new(),
            keywords: Vec::new(),
            has_unpacking: false,
        };
        // `f(x for x in xs)`: the generator expression is the whole argument list.
        if kind_of(node) == "generator_expression" {
            let value = self.expression(node);
            arguments.positional.push(value);
            return arguments;
        }
        let children: Vec<Node<'_>> = self.nodes.named_children(node).collect();
        for child in children {
            match kind_of(child) {
                "keyword_argument" => {
                    let name = self
                        .field(child, "name")
                        .map(|name| SmolStr::new(self.slice(name)));
                    let value = self
                        .field(child, "value")
                        .map(|value| self.expression(value))
                        .unwrap_or_else(Union::unknown);
                    if let Some(name) = name {
                        arguments.keywords.push((name, value));
                    }
                }
                "list_splat" | "dictionary_splat" => {
                    arguments.has_unpacking = true;
                    self.expression(child);
                }
                "comment" => {}
                _ => {
                    let value = self.expression(child);
                    arguments.positional.push(value);
                }
            }
        }
        arguments
    }

    fn function_scope(&self, function: &FunctionRef) -> Option<(SourceFile, ScopeId)> {
        function_scope(self.db, function)
    }

    /// The inference of `scope` of `file` as this run reads it: a summary without
    /// offsets when the scope is in another file (see [`ScopeView`]).
    fn scope_view(&self, file: SourceFile, scope: ScopeId) -> ScopeView<'db> {
        ScopeView::of_scope(self.db, self.resolver(), file, scope, self.module_run)
    }

    /// The specialised run of `scope` of `file` for `key`, as this run reads it.
    fn call_view(&self, file: SourceFile, scope: ScopeId, key: CallArguments) -> ScopeView<'db> {
        ScopeView::of_call(self.db, self.resolver(), file, scope, key)
    }

    fn resolver(&self) -> super::summary::Resolver<'db> {
        super::summary::Resolver {
            file: self.file,
            anchors: self.anchors,
            active: super::inputs::reuse_across_edits(self.db, self.file),
        }
    }

    /// The range-free facts of `scope` of `file`.
    fn facts(&self, file: SourceFile, scope: ScopeId) -> &'db ScopeFacts {
        scope_facts(self.db, file, scope)
    }

    /// The method resolution order of `class`, reading classes of other files through
    /// their summaries.
    fn class_mro(&self, class: &ClassRef) -> Vec<ClassRef> {
        if let Some(known) = self.class_mros.borrow().get(class) {
            return known.clone();
        }
        let mro = class_mro_seen_from(self.db, self.file, self.module_run, class);
        self.class_mros
            .borrow_mut()
            .insert(class.clone(), mro.clone());
        mro
    }

    /// The value of `attribute` at the end of the class body `body` of `file`.
    fn class_body_value(&self, file: SourceFile, body: ScopeId, attribute: &str) -> Option<Union> {
        self.scope_view(file, body)
            .exit_value(attribute)
            .map(Cow::into_owned)
    }

    /// `@enum._simple_enum(IntEnum)` (the standard library's way to build enums fast)
    /// turns a plain class into an enumeration.
    fn has_enum_decorator(&self, class: &ClassRef) -> bool {
        let Some((file, body)) = class_body(self.db, class) else {
            return false;
        };
        let facts = self.facts(file, body);
        facts.kind == ScopeKind::Class
            && facts
                .decorators
                .iter()
                .any(|decorator| decorator.contains("simple_enum"))
    }

    fn function_returns(&self, function: &FunctionRef) -> Option<Union> {
        let (file, scope) = self.function_scope(function)?;
        self.scope_view(file, scope).returns().map(Cow::into_owned)
    }

    fn function_raises(&self, function: &FunctionRef) -> Vec<SmolStr> {
        match self.function_scope(function) {
            Some((file, scope)) => self.scope_view(file, scope).raises().to_vec(),
            None => Vec::new(),
        }
    }

    /// The result of calling a function defined in source.
    /// `receiver`: the shape of the instance a method is called on, when known.
    fn call_function(
        &mut self,
        function: &FunctionRef,
        arguments: &Arguments,
        receiver: Option<&Shape>,
    ) -> Union {
        let Some((file, scope)) = self.function_scope(function) else {
            return Union::unknown();
        };
        self.call_body(function, file, scope, arguments, receiver)
    }

    /// The result of running the body `scope` of `function` (the scope is given apart:
    /// a property's getter and setter share one dotted path).
    fn call_body(
        &mut self,
        function: &FunctionRef,
        file: SourceFile,
        scope: ScopeId,
        arguments: &Arguments,
        receiver: Option<&Shape>,
    ) -> Union {
        let scope_data = self.facts(file, scope);
        if scope_data.is_generator {
            return Union::new(Value::Generator(function.clone()), None);
        }
        if scope_data.is_async {
            return Union::new(Value::Coroutine(function.clone()), None);
        }
        if scope_data.has_decorator("abstractmethod") {
            // The stub's `...` body is not what runs: a subclass provides the method.
            return Union::unknown();
        }
        let inference = self.scope_view(file, scope);
        for exception in inference.raises() {
            self.raise(exception);
        }
        if let Some(key) = self.specialisation_key(file, scope, arguments, receiver, false) {
            if let Some(returns) = self.call_view(file, scope, key).returns() {
                let sources = arguments
                    .positional
                    .iter()
                    .chain(arguments.keywords.iter().map(|(_, value)| value))
                    .chain(
                        receiver
                            .into_iter()
                            .flat_map(|shape| shape.attributes().iter().map(|(_, value)| value)),
                    );
                return returns.with_origins_from(sources);
            }
        }
        // A function that never returns normally (always raises) gives nothing.
        inference
            .returns()
            .map(Cow::into_owned)
            .unwrap_or_else(Union::unknown)
    }

    /// `Class(arguments)`: an instance shaped by what the initialiser assigns to `self`
    /// for these arguments (or by the fields `@dataclass` / `NamedTuple` generate).
    fn construct(&mut self, class: &ClassRef, arguments: &Arguments, origin: Origin) -> Union {
        let shape = match self.lookup_class_attribute(class, "__init__") {
            Some(init) => match init.single() {
                Some(Value::Function(function)) => {
                    for exception in self.function_raises(function) {
                        self.raise(&exception);
                    }
                    self.initialised_attributes(function, arguments)
                        .and_then(Shape::new)
                }
                _ => None,
            },
            None => self.generated_fields(class, arguments).and_then(Shape::new),
        };
        Union::new(Value::Instance(class.clone(), shape), Some(origin))
    }

    /// What the initialiser `function` assigns to `self` when called with `arguments`
    /// (specialised like any other call, under the same budget); `None` when the
    /// arguments tell nothing the context-free run does not.
    fn initialised_attributes(
        &self,
        function: &FunctionRef,
        arguments: &Arguments,
    ) -> Option<Vec<(SmolStr, Union)>> {
        let (file, scope) = self.function_scope(function)?;
        // `Queue()`: no arguments, the defaults are what the initialiser runs with.
        let key = self.specialisation_key(file, scope, arguments, None, true)?;
        let attributes = self.call_view(file, scope, key).self_attributes();
        if attributes.iter().all(|(_, value)| value.is_unknown()) {
            return None;
        }
        Some(attributes.to_vec())
    }

    /// The attributes the generated `__init__` of a `@dataclass` or a `NamedTuple`
    /// assigns: each field gets its argument, else its default.
    fn generated_fields(
        &self,
        class: &ClassRef,
        arguments: &Arguments,
    ) -> Option<Vec<(SmolStr, Union)>> {
        if arguments.has_unpacking {
            return None;
        }
        let mro = self.class_mro(class);
        let mut fields: Vec<(SmolStr, Option<Union>)> = Vec::new();
        let mut generated = false;
        for current in mro.iter().rev() {
            let Some((file, body)) = class_body(self.db, current) else {
                continue;
            };
            let facts = self.facts(file, body);
            if facts.kind != ScopeKind::Class {
                continue;
            }
            let is_dataclass = facts.has_decorator("dataclass");
            let is_named_tuple = facts
                .bases
                .iter()
                .any(|base| base.rsplit('.').next() == Some("NamedTuple"));
            if !is_dataclass && !is_named_tuple {
                continue;
            }
            generated = true;
            let exit = self.scope_view(file, body).exit();
            for data in &facts.fields {
                let Some(annotation) = &data.annotation else {
                    continue;
                };
                if annotation.contains("ClassVar") || annotation.contains("KW_ONLY") {
                    continue;
                }
                let default = data.has_value.then_some(()).and_then(|_| {
                    exit.iter()
                        .find(|(name, _)| *name == data.name)
                        .map(|(_, value)| value.clone())
                });
                match fields.iter_mut().find(|(name, _)| *name == data.name) {
                    Some(field) => field.1 = default,
                    None => fields.push((data.name.clone(), default)),
                }
            }
        }
        if !generated {
            return None;
        }
        let mut attributes = Vec::new();
        for (position, (name, default)) in fields.into_iter().enumerate() {
            let passed = arguments.positional.get(position).cloned().or_else(|| {
                arguments
                    .keywords
                    .iter()
                    .find(|(keyword, _)| *keyword == name)
                    .map(|(_, value)| value.clone())
            });
            // `field(default_factory=list)` and friends evaluate to unknown here.
            if let Some(value) = passed.or(default) {
                attributes.push((name, value));
            }
        }
        (!attributes.iter().all(|(_, value)| value.is_unknown())).then_some(attributes)
    }

    /// `super().__init__(…)` or `Base.__init__(self, …)` inside a method: what the base
    /// initialiser assigns to `self` becomes this method's too.
    fn inherit_initialised_attributes(&mut self, function: Node<'_>, arguments: &Arguments) {
        let Some(self_name) = self.self_name.clone() else {
            return;
        };
        if kind_of(function) != "attribute"
            || self
                .field(function, "attribute")
                .is_none_or(|attribute| self.slice(attribute) != "__init__")
        {
            return;
        }
        let Some(object) = self.field(function, "object") else {
            return;
        };
        let Some(current) = self.enclosing_class() else {
            return;
        };
        let (initialiser, arguments) = if kind_of(object) == "call"
            && self
                .field(object, "function")
                .is_some_and(|callee| self.slice(callee) == "super")
        {
            // The next class along the MRO that defines `__init__`.
            let mro = self.class_mro(&current);
            let found = mro.iter().skip(1).find_map(|class| {
                let (file, body) = class_body(self.db, class)?;
                self.class_body_value(file, body, "__init__")
            });
            (found, arguments.clone())
        } else {
            let arguments = arguments.clone();
            // `Base.__init__(self, …)`: the receiver is passed explicitly.
            let passes_self = arguments.positional.first().is_some_and(|first| {
                first
                    .values()
                    .all(|value| matches!(value, Value::Instance(..)))
            }) && function
                .parent()
                .and_then(|call| self.field(call, "arguments"))
                .and_then(|list| self.nodes.named_child(list, 0))
                .is_some_and(|first| self.slice(first) == self_name.as_str());
            if !passes_self {
                return;
            }
            let base = self.expression_quiet(object);
            let found = match base.single() {
                Some(Value::Class(class)) => self.lookup_class_attribute(class, "__init__"),
                _ => None,
            };
            let rest = Arguments {
                positional: arguments.positional.iter().skip(1).cloned().collect(),
                keywords: arguments.keywords.clone(),
                has_unpacking: arguments.has_unpacking,
            };
            (found, rest)
        };
        let Some(Value::Function(initialiser)) =
            initialiser.as_ref().and_then(Union::single).cloned()
        else {
            return;
        };
        let attributes = self
            .initialised_attributes(&initialiser, &arguments)
            .or_else(|| {
                let (file, scope) = self.function_scope(&initialiser)?;
                Some(self.scope_view(file, scope).self_attributes().to_vec())
            });
        for (name, value) in attributes.unwrap_or_default() {
            // Assignments made after the call win; before it, the base's value replaces.
            self.self_attributes.insert(name, value);
        }
    }

    /// `super().name` (or `super(Class, self).name`) in a method: `name` looked up along
    /// the MRO after the class (the method's own, or the one named), methods bound to the
    /// receiver. The MRO is the class's, not `type(self)`'s: with diamonds below the
    /// class a different base may answer at run time.
    ///
    /// ```python
    /// class Child(Base):
    ///     def greet(self):
    ///         return super().greet()   # Base.greet bound to self
    /// ```
    fn super_attribute(&mut self, object: Node<'_>, attribute: &str) -> Option<Union> {
        if kind_of(object) != "call" {
            return None;
        }
        let callee = self.field(object, "function")?;
        if kind_of(callee) != "identifier" || self.slice(callee) != "super" {
            return None;
        }
        let arguments = self.field(object, "arguments")?;
        let start = match arguments.named_child_count() {
            0 => self.enclosing_class()?,
            2 => match self
                .expression_quiet(self.nodes.named_child(arguments, 0)?)
                .single()
            {
                Some(Value::Class(class @ ClassRef::Defined { .. })) => class.clone(),
                _ => return None,
            },
            _ => return None,
        };
        // The receiver's shape, read without recording a load of `self`.
        let receiver = self
            .self_name
            .as_ref()
            .and_then(|name| self.state.as_ref()?.get(name))
            .and_then(|value| match value.single() {
                Some(Value::Instance(_, shape)) => shape.clone(),
                _ => None,
            });
        let origin = self.origin(range_of(object));
        for class in self.class_mro(&start).into_iter().skip(1) {
            let Some((file, body)) = class_body(self.db, &class) else {
                continue;
            };
            if let Some(value) = self.class_body_value(file, body, attribute) {
                return Some(value.map(|value| match value {
                    Value::Function(function) => Value::BoundMethod {
                        function: function.clone(),
                        class: class.clone(),
                        receiver: receiver.clone(),
                    },
                    other => other.clone(),
                }));
            }
        }
        // A builtin base (`object`, `dict`) or an unresolved one answers.
        Some(Union::new(Value::Unknown, Some(origin)))
    }

    /// The class whose method body is being interpreted.
    /// When `object` is the `self` of the method being interpreted and a class of this
    /// file deriving from the method's class defines `attribute` in its body: an origin at
    /// that class body. Methods and class attributes resolve by the receiver's class, so a
    /// base class reading `self._buffer_factory` may get the subclass's.
    fn overriding_subclass(&mut self, object: Node<'_>, attribute: &str) -> Option<Origin> {
        if kind_of(object) != "identifier" || self.self_name.as_deref() != Some(self.slice(object))
        {
            return None;
        }
        let class = self.enclosing_class()?;
        let own_body = class_body(self.db, &class).map(|(_, body)| body);
        // Only classes defining the name are candidates; their MROs are computed once
        // per run.
        let candidates: Vec<(usize, ScopeId)> = self
            .index
            .definitions
            .iter()
            .enumerate()
            .filter_map(|(id, data)| match data.kind {
                DefinitionKind::Class { body, .. } if Some(body) != own_body => Some((id, body)),
                _ => None,
            })
            .filter(|(_, body)| {
                self.index
                    .definitions_in_scope(*body, attribute)
                    .next()
                    .is_some()
            })
            .collect();
        for (id, body) in candidates {
            let derives = match self.derives_from_enclosing.get(&body) {
                Some(derives) => *derives,
                None => {
                    let path = self.index.path_of(crate::index::DefinitionId(id as u32));
                    let subclass = ClassRef::Defined {
                        file: self.file,
                        path,
                    };
                    let derives =
                        class_mro_seen_from(self.db, self.file, self.module_run, &subclass)
                            .contains(&class);
                    self.derives_from_enclosing.insert(body, derives);
                    derives
                }
            };
            if derives {
                let scope = self.index.scope(body);
                return Some(Origin {
                    file: self.file,
                    range: scope.range,
                    branch: scope.body_branch,
                    anchor: None,
                });
            }
        }
        None
    }

    /// Whether `class` derives from `type` (its instances are classes), remembered per
    /// class for this run.
    fn is_metaclass_cached(&mut self, class: &ClassRef) -> bool {
        if let Some(known) = self.metaclasses.get(class) {
            return *known;
        }
        let known = class_mro_seen_from(self.db, self.file, self.module_run, class)
            .iter()
            .any(|base| matches!(base, ClassRef::Builtin(name) if name == "type"));
        self.metaclasses.insert(class.clone(), known);
        known
    }

    fn enclosing_class(&self) -> Option<ClassRef> {
        let parent = self.index.scope(self.scope).parent?;
        let definition = self.index.scope(parent).definition?;
        matches!(
            self.index.definition(definition).kind,
            DefinitionKind::Class { .. }
        )
        .then(|| ClassRef::Defined {
            file: self.file,
            path: self.index.path_of(definition),
        })
    }

    /// Methods read through a `@property` (or `cached_property`) run: the read gives
    /// what the getter returns.
    fn read_properties(&mut self, found: Union, origin: Origin) -> Union {
        let reads_property = found.values().any(|value| {
            matches!(value, Value::BoundMethod { function, .. }
                if self.property_getter(function).is_some())
        });
        if !reads_property {
            return found;
        }
        let no_arguments = Arguments {
            positional: Vec::new(),
            keywords: Vec::new(),
            has_unpacking: false,
        };
        let mut results = Vec::new();
        for member in found.members() {
            let getter = match &member.value {
                Value::BoundMethod {
                    function, receiver, ..
                } => self
                    .property_getter(function)
                    .map(|getter| (function.clone(), getter, receiver.clone())),
                _ => None,
            };
            match getter {
                Some((function, (file, scope), receiver)) => {
                    let result =
                        self.call_body(&function, file, scope, &no_arguments, receiver.as_ref());
                    results.push(result.with_default_origin(origin));
                }
                None => {
                    let origin = member.origins.first().copied().unwrap_or(origin);
                    results.push(Union::new(member.value.clone(), Some(origin)));
                }
            }
        }
        Union::join_all(results).unwrap_or(found)
    }

    /// The getter a read of `function` runs when it is a property: itself when decorated
    /// `@property` / `@cached_property`, the `@property` of the same name when it is the
    /// property's setter or deleter (the last definition in the class body).
    fn property_getter(&self, function: &FunctionRef) -> Option<(SourceFile, ScopeId)> {
        let (file, scope) = self.function_scope(function)?;
        let is_property = |scope: ScopeId| {
            let facts = self.facts(file, scope);
            facts.has_decorator("property") || facts.has_decorator("cached_property")
        };
        if is_property(scope) {
            return Some((file, scope));
        }
        let facts = self.facts(file, scope);
        if !facts.has_decorator("setter") && !facts.has_decorator("deleter") {
            return None;
        }
        let class_scope = facts.parent?;
        self.facts(file, class_scope)
            .functions
            .iter()
            .find(|(name, body)| name == function.name() && is_property(*body))
            .map(|&(_, body)| (file, body))
    }

    fn attribute(&mut self, object: &Union, attribute: &str, node: Node<'_>) -> Union {
        let origin = self.origin(range_of(node));
        let mut results = Vec::new();
        for value in object.values() {
            let result = match value {
                Value::Instance(class @ ClassRef::Defined { .. }, shape) => {
                    match self.lookup_instance_attribute(class, shape.as_ref(), attribute) {
                        // An instance of a metaclass is a class: its own attributes
                        // (`cls.__new__` of the enum being called) come before the
                        // metaclass's.
                        Some(found) if self.is_metaclass_cached(class) => {
                            found.join(&Union::new(Value::Unknown, Some(origin)))
                        }
                        Some(found) => self.read_properties(found, origin),
                        None => Union::new(Value::Unknown, Some(origin)),
                    }
                }
                Value::Class(class @ ClassRef::Defined { .. }) => self
                    .lookup_class_attribute(class, attribute)
                    .unwrap_or_else(|| Union::new(Value::Unknown, Some(origin))),
                Value::Module(module) => match stdlib::module_attribute(module, attribute) {
                    Some(modelled) => Union::new(modelled, Some(origin)),
                    None => self
                        .module_attribute(module, attribute)
                        .unwrap_or_else(|| Union::new(Value::Unknown, Some(origin))),
                },
                Value::Unknown => Union::new(Value::Unknown, Some(origin)),
                other => {
                    // Methods of builtin values: resolved when called.
                    let receiver = match other {
                        Value::Instance(class, ..) | Value::Class(class) => class.name().to_owned(),
                        other => other.type_name().to_owned(),
                    };
                    Union::new(
                        Value::BuiltinFunction(SmolStr::new(format!("{receiver}.{attribute}"))),
                        Some(origin),
                    )
                }
            };
            results.push(result);
        }
        Union::join_all(results).unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)))
    }

    fn module_attribute(&self, module: &str, attribute: &str) -> Option<Union> {
        let resolver = module_resolver(self.db);
        let resolved = resolver.resolve(self.file.path(self.db), 0, module)?;
        if let Some(target) = module_file(self.db, &resolved) {
            if target != self.file {
                if let Some((_, value)) = module_values(self.db, target)
                    .iter()
                    .find(|(name, _)| name == attribute)
                {
                    return Some(value.clone());
                }
            }
        }
        resolver.resolve_submodule(&resolved, attribute).map(|_| {
            Union::new(
                Value::Module(SmolStr::new(format!("{module}.{attribute}"))),
                None,
            )
        })
    }

    /// An attribute of an instance: instance attributes assigned in methods, then the
    /// class's attributes (methods become bound methods), along the MRO.
    fn lookup_instance_attribute(
        &self,
        class: &ClassRef,
        shape: Option<&Shape>,
        attribute: &str,
    ) -> Option<Union> {
        let mro = self.class_mro(class);
        // Values come from the initialisers only; an attribute another method of any
        // class along the MRO also assigns may hold anything else later (unknown joins
        // in). Reading every method would tie all methods of a class into one recursive
        // fixpoint.
        let stored_elsewhere = self.stored_outside_initialisers(&mro, attribute);
        let with_other_stores = |value: Union| match stored_elsewhere {
            Some(origin) => value.join(&Union::new(Value::Unknown, Some(origin))),
            None => value,
        };
        if let Some(value) = shape.and_then(|shape| shape.get(attribute)) {
            // What this construction assigned (containers stay exact: the flow opens
            // them where a method call or a mutation may change them), and what the
            // method being interpreted assigns itself (read back after its own flow
            // forgot the stored value).
            let value = match self.self_attributes.get(attribute) {
                Some(own) if self.self_name.is_some() => value.join(own),
                _ => value.clone(),
            };
            return Some(with_other_stores(value));
        }
        for class in &mro {
            let Some((file, body)) = class_body(self.db, class) else {
                continue;
            };
            let mut assigned = Vec::new();
            for (name, method_scope) in &self.facts(file, body).functions {
                let method_scope = *method_scope;
                let is_initializer = matches!(name.as_str(), "__init__" | "__post_init__");
                let is_current = file == self.file && method_scope == self.scope;
                if is_current {
                    if let Some(value) = self.self_attributes.get(attribute) {
                        assigned.push(value.clone());
                    }
                } else if is_initializer {
                    let inference = self.scope_view(file, method_scope);
                    if let Some((_, value)) = inference
                        .self_attributes()
                        .iter()
                        .find(|(name, _)| name == attribute)
                    {
                        assigned.push(value.clone());
                    }
                }
            }
            if let Some(value) = Union::join_all(assigned) {
                // Other methods may mutate the containers held in attributes: their
                // contents stay known, their exact length does not.
                return Some(with_other_stores(value).map(opened_container));
            }
            if let Some(origin) =
                stored_elsewhere.filter(|origin| *origin == self.scope_origin(file, body))
            {
                // Only a method of this class assigns it.
                return Some(Union::new(Value::Unknown, Some(origin)));
            }
            if let Some(value) = self.class_body_value(file, body, attribute) {
                return Some(value.map(|value| match value {
                    Value::Function(function) => Value::BoundMethod {
                        function: function.clone(),
                        class: class.clone(),
                        receiver: shape.cloned(),
                    },
                    other => other.clone(),
                }));
            }
        }
        // Assigned by methods only (never by an initialiser, never in a class body).
        stored_elsewhere.map(|origin| Union::new(Value::Unknown, Some(origin)))
    }

    /// The first class along `mro` with a method other than the initialisers (and the
    /// method being interpreted) that assigns `self.<attribute>`: an origin at that
    /// class body.
    fn stored_outside_initialisers(&self, mro: &[ClassRef], attribute: &str) -> Option<Origin> {
        mro.iter().find_map(|class| {
            let (file, body) = class_body(self.db, class)?;
            // One read of the file's facts for the class and all its methods.
            let facts = file_scope_facts(self.db, file);
            let stores = facts[body.index()]
                .functions
                .iter()
                .any(|(name, method_scope)| {
                    let is_current = file == self.file && *method_scope == self.scope;
                    !is_current
                        && !matches!(name.as_str(), "__init__" | "__post_init__")
                        && facts[method_scope.index()]
                            .attribute_stores
                            .iter()
                            .any(|stored| stored == attribute)
                });
            stores.then(|| self.scope_origin(file, body))
        })
    }

    /// An origin pointing at a scope's defining node (in the root branch of its body):
    /// anchored for a scope of another file, so that this inference does not depend on
    /// where that file puts it.
    fn scope_origin(&self, file: SourceFile, scope: ScopeId) -> Origin {
        if file == self.file {
            let data = self.index.scope(scope);
            return Origin {
                file,
                range: data.range,
                branch: data.body_branch,
                anchor: None,
            };
        }
        *scope_origin(self.db, file, scope)
    }

    fn lookup_class_attribute(&self, class: &ClassRef, attribute: &str) -> Option<Union> {
        let mro = self.class_mro(class);
        let enumeration = is_enum_mro(self.db, &mro) || self.has_enum_decorator(class);
        for class in mro {
            let Some((file, body)) = class_body(self.db, &class) else {
                continue;
            };
            if let Some(value) = self.class_body_value(file, body, attribute) {
                if enumeration && is_enum_member(self.db, &class, attribute, &value) {
                    // `Color.RED` is a `Color`, whatever the body assigned (`auto()`, 1).
                    return Some(Union::new(Value::Instance(class, None), None));
                }
                return Some(value);
            }
        }
        None
    }

    /// `key: value` (a pair of a dict display, or a dict comprehension's body) into
    /// `dict`: a literal key sets a known entry, any other key opens the dict.
    fn add_dict_entry(&mut self, pair: Node<'_>, dict: &mut DictValue) {
        let key = self.field(pair, "key").map(|key| self.expression(key));
        let value = self
            .field(pair, "value")
            .map(|value| self.expression(value))
            .unwrap_or_else(Union::unknown);
        match key.as_ref().and_then(Union::single).and_then(literal_key) {
            Some(key) => dict.set(key, value),
            None => dict.open = true,
        }
    }

    /// Whether `key` is the key parameter of the `__getitem__`/`__setitem__`/`__delitem__`
    /// being interpreted, with no value known: the protocol passes slices there as well as
    /// indexes.
    fn is_item_protocol_key(&self, key: Node<'_>) -> bool {
        if kind_of(key) != "identifier" || self.bound_arguments.is_some() {
            return false;
        }
        let scope = self.index.scope(self.scope);
        let Some(definition) = scope.definition else {
            return false;
        };
        matches!(
            self.index.definition(definition).name.as_str(),
            "__getitem__" | "__setitem__" | "__delitem__"
        ) && self
            .parameter_names
            .get(1)
            .is_some_and(|name| name == self.slice(key))
    }

    fn subscript(&mut self, node: Node<'_>) -> Union {
        let object = self
            .field(node, "value")
            .map(|object| self.expression(object))
            .unwrap_or_else(Union::unknown);
        let key_node = self.field(node, "subscript");
        let key = key_node.map(|key| self.expression(key));
        let is_slice = key_node.is_some_and(|key| kind_of(key) == "slice");
        self.record_operation(
            node,
            OperationKind::Subscript {
                object: object.clone(),
                key: if is_slice { None } else { key.clone() },
            },
        );
        let origin = self.origin(range_of(node));
        let literal = key.as_ref().and_then(Union::single).and_then(literal_key);
        let mut results = Vec::new();
        for value in object.values() {
            let result = match (value, &literal) {
                (Value::Dict(dict), Some(key)) => {
                    match dict.entries.iter().find(|(entry, _)| entry == key) {
                        Some((_, found)) => found.clone(),
                        None => {
                            if !dict.open {
                                self.raise("KeyError");
                            }
                            Union::new(Value::Unknown, Some(origin))
                        }
                    }
                }
                (Value::Dict(dict), None) => {
                    let entries =
                        Union::join_all(dict.entries.iter().map(|(_, value)| value.clone()));
                    match entries {
                        // Other code may have stored other values under other keys.
                        Some(entries) if dict.open => {
                            entries.join(&Union::new(Value::Unknown, Some(origin)))
                        }
                        Some(entries) => entries,
                        None => Union::new(Value::Unknown, Some(origin)),
                    }
                }
                (Value::List(items) | Value::Tuple(items), Some(Key::Int(at))) => {
                    let length = items.items.len() as i64;
                    let index = if *at < 0 { at + length } else { *at };
                    if items.exact {
                        match usize::try_from(index)
                            .ok()
                            .and_then(|index| items.items.get(index))
                        {
                            Some(found) => found.clone(),
                            None => {
                                self.raise("IndexError");
                                Union::new(Value::Unknown, Some(origin))
                            }
                        }
                    } else {
                        items
                            .element()
                            .unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)))
                    }
                }
                (Value::List(items) | Value::Tuple(items), None) => {
                    let is_slice = self
                        .field(node, "subscript")
                        .is_some_and(|key| kind_of(key) == "slice");
                    let exact_slice = if is_slice && items.exact {
                        self.field(node, "subscript")
                            .and_then(|slice| self.literal_slice_bounds(slice))
                            .map(|bounds| slice_items(&items.items, bounds))
                    } else {
                        None
                    };
                    if let Some(sliced) = exact_slice {
                        // `parts[1:3]` of a known sequence: exactly those items.
                        let sliced = Items::exact(sliced);
                        let sliced = match value {
                            Value::Tuple(_) => Value::Tuple(sliced),
                            _ => Value::List(sliced),
                        };
                        Union::new(sliced, Some(origin))
                    } else if is_slice {
                        // A slice keeps the sequence's type: `key[:-1]` of a tuple is a tuple.
                        let sliced = Items::of(items.element());
                        let sliced = match value {
                            Value::Tuple(_) => Value::Tuple(sliced),
                            _ => Value::List(sliced),
                        };
                        Union::new(sliced, Some(origin))
                    } else if key_node.is_some_and(|key| self.is_item_protocol_key(key)) {
                        // `self._months[i]` in `__getitem__(self, i)`: `i` may be a slice.
                        let element = items
                            .element()
                            .unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)));
                        let sliced = Items::of(items.element());
                        let sliced = match value {
                            Value::Tuple(_) => Value::Tuple(sliced),
                            _ => Value::List(sliced),
                        };
                        element.join(&Union::new(sliced, Some(origin)))
                    } else {
                        items
                            .element()
                            .unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)))
                    }
                }
                (Value::Str(_), _) => Union::new(Value::Str(None), Some(origin)),
                _ => Union::new(Value::Unknown, Some(origin)),
            };
            // An unknown item of one member must survive the join with the others'
            // (`(name, rest) | (None, url)` indexed at 0 is "unknown or None").
            let result = if object.members().len() > 1
                && result.values().any(|value| *value == Value::Unknown)
            {
                result.with_default_origin(origin)
            } else {
                result
            };
            results.push(result);
        }
        Union::join_all(results).unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)))
    }
}

impl Interpreter<'_> {
    /// The `start`, `stop` and `step` of a slice (`1:3`, `::-1`, `-2:`) when each one
    /// written is an integer literal (or `None`); `None` otherwise.
    fn literal_slice_bounds(&mut self, slice: Node<'_>) -> Option<[Option<i64>; 3]> {
        let mut bounds = [None, None, None];
        let mut part = 0;
        let mut cursor = slice.walk();
        for child in slice.children(&mut cursor) {
            if child.kind() == ":" {
                part += 1;
                if part > 2 {
                    return None;
                }
                continue;
            }
            if !child.is_named() || child.kind() == "comment" {
                continue;
            }
            bounds[part] = match self.expression_quiet(child).single()? {
                Value::Int(Some(number)) => Some(*number),
                Value::None => None,
                _ => return None,
            };
        }
        (bounds[2] != Some(0)).then_some(bounds)
    }
}

/// `container` after `container[path[0]][path[1]]… = value`: the last key replaces (or
/// adds) its item; an inner key that is missing or not a literal leaves `container` as
/// it was, and so does a container that is not a dict or an exact list.
fn stored_into(container: &Value, path: &[Option<Key>], value: &Union) -> Value {
    let Some((key, rest)) = path.split_first() else {
        return container.clone();
    };
    let inner = |union: &Union| union.map(|inner| stored_into(inner, rest, value));
    match container {
        Value::Dict(dict) => {
            let mut dict = dict.as_ref().clone();
            match (key, rest.is_empty()) {
                (Some(key), true) => dict.set(key.clone(), value.clone()),
                (None, true) => dict.open = true,
                (Some(key), false) => {
                    let Some((_, found)) = dict.entries.iter().find(|(entry, _)| entry == key)
                    else {
                        return container.clone();
                    };
                    let updated = inner(found);
                    dict.set(key.clone(), updated);
                }
                (None, false) => return container.clone(),
            }
            Value::Dict(Box::new(dict))
        }
        Value::List(items) => {
            let mut items = items.clone();
            let position = match key {
                Some(Key::Int(at)) if items.exact => {
                    let length = items.items.len() as i64;
                    let index = if *at < 0 { at + length } else { *at };
                    (0..length).contains(&index).then_some(index as usize)
                }
                _ => None,
            };
            match (position, rest.is_empty()) {
                (Some(position), true) => items.items[position] = value.clone(),
                (Some(position), false) => {
                    items.items[position] = inner(&items.items[position]);
                }
                (None, true) => {
                    // An out-of-range index raises; an unknown one may hit any item.
                    if !(matches!(key, Some(Key::Int(_))) && items.exact) {
                        items = Items::of(
                            items
                                .element()
                                .map(|element| element.join(value))
                                .or(Some(value.clone())),
                        );
                    }
                }
                (None, false) => return container.clone(),
            }
            Value::List(items)
        }
        other => other.clone(),
    }
}

/// The items `sequence[start:stop:step]` selects, as Python computes them.
fn slice_items(items: &[Union], [start, stop, step]: [Option<i64>; 3]) -> Vec<Union> {
    let length = items.len() as i64;
    let step = step.unwrap_or(1);
    let resolve = |bound: Option<i64>, default: i64, low: i64, high: i64| match bound {
        None => default,
        Some(at) if at < 0 => (at + length).clamp(low, high),
        Some(at) => at.clamp(low, high),
    };
    let mut selected = Vec::new();
    if step > 0 {
        let start = resolve(start, 0, 0, length);
        let stop = resolve(stop, length, 0, length);
        let mut at = start;
        while at < stop {
            selected.push(items[at as usize].clone());
            at += step;
        }
    } else {
        let start = resolve(start, length - 1, -1, length - 1);
        let stop = resolve(stop, -1, -1, length - 1);
        let mut at = start;
        while at > stop {
            selected.push(items[at as usize].clone());
            at += step;
        }
    }
    selected
}

/// The body scope of a function defined in source.
pub(crate) fn function_scope(db: &dyn Db, function: &FunctionRef) -> Option<(SourceFile, ScopeId)> {
    match function {
        FunctionRef::Defined { file, path } => {
            definition_body(db, *file, path, false).map(|body| (*file, body))
        }
        FunctionRef::Lambda { file, scope } => Some((*file, *scope)),
    }
}

/// Whether the function whose body is `scope` has a decorator named `name` (last part
/// of a dotted name, without call arguments: `abc.abstractmethod`).
pub(super) fn has_decorator(text: &str, index: &FileIndex, scope: ScopeId, name: &str) -> bool {
    let Some(definition) = index.scope(scope).definition else {
        return false;
    };
    let DefinitionKind::Function { decorators, .. } = &index.definition(definition).kind else {
        return false;
    };
    decorators.iter().any(|range| {
        text.get(usize::from(range.start())..usize::from(range.end()))
            .is_some_and(|decorator| {
                let decorator = decorator.trim_start_matches('@').trim();
                let decorator = decorator.split('(').next().unwrap_or(decorator).trim();
                decorator.rsplit('.').next() == Some(name)
            })
    })
}

/// Specialised calls nest at most this deep (`main` → `process(data)` → `mean(xs)`).
pub(super) const MAX_SPECIALISATION_DEPTH: u8 = 3;

/// Bodies up to this size are re-interpreted per call site with known arguments.
pub(super) const MAX_SPECIALISED_BODY_BYTES: u32 = 4_000;

fn is_worth_specialising(scope: &ScopeFacts, arguments: &Arguments) -> bool {
    is_call_worth_specialising(
        scope,
        &arguments.positional,
        &arguments.keywords,
        arguments.has_unpacking,
    )
}

/// Whether the body is small and plain enough to re-run for one call (whatever the
/// arguments are).
pub(super) fn is_body_worth_specialising(scope: &ScopeFacts, has_unpacking: bool) -> bool {
    !has_unpacking && !scope.is_generator && !scope.is_async && scope.is_small
}

pub(super) fn is_call_worth_specialising(
    scope: &ScopeFacts,
    positional: &[Union],
    keywords: &[(SmolStr, Union)],
    has_unpacking: bool,
) -> bool {
    !has_unpacking
        && !scope.is_generator
        && !scope.is_async
        && scope.is_small
        && positional
            .iter()
            .chain(keywords.iter().map(|(_, value)| value))
            .any(|value| !value.is_unknown())
}

/// Whether the literal `value` is among the items or keys of every member of `container`;
/// `None` when that is not known.
fn membership(value: &Value, container: &Union) -> Option<bool> {
    if !is_literal(value) {
        return None;
    }
    let mut answers = container
        .values()
        .map(|member| contains_literal(member, value));
    let first = answers.next()??;
    answers.all(|answer| answer == Some(first)).then_some(first)
}

/// Whether `container` holds the literal `needle` (as a dict key, an item, a substring).
fn contains_literal(container: &Value, needle: &Value) -> Option<bool> {
    match container {
        Value::Dict(dict) => {
            let key = Key::from_value(needle)?;
            if dict.entries.iter().any(|(entry, _)| *entry == key) {
                Some(true)
            } else if dict.open {
                None
            } else {
                Some(false)
            }
        }
        Value::List(items) | Value::Tuple(items) | Value::Set(items) => {
            let mut undecided = !items.exact;
            for item in &items.items {
                for value in item.values() {
                    if is_literal(value) {
                        if literal_equal(value, needle) {
                            return Some(true);
                        }
                    } else {
                        undecided = true;
                    }
                }
            }
            if undecided { None } else { Some(false) }
        }
        Value::Str(Some(text)) => match needle {
            Value::Str(Some(part)) => Some(text.contains(part.as_str())),
            _ => None,
        },
        _ => None,
    }
}

/// Iterators and generators after a loop consumed them: nothing left.
fn exhaust_iterators(value: &Union, origin: Origin) -> Union {
    let has_iterator = value
        .values()
        .any(|value| matches!(value, Value::Iterator(_) | Value::Generator(_)));
    if !has_iterator {
        return value.clone();
    }
    value
        .map(|value| match value {
            Value::Iterator(_) | Value::Generator(_) => Value::Iterator(Items::exact(Vec::new())),
            other => other.clone(),
        })
        .with_default_origin(origin)
}

/// A container whose length may change behind our back (it is shared through an
/// attribute): exact items become element samples, a closed dict becomes open.
fn opened_container(value: &Value) -> Value {
    match value {
        Value::List(items) if items.exact => Value::List(Items::of(items.element())),
        Value::Set(items) if items.exact => Value::Set(Items::of(items.element())),
        Value::Dict(dict) if !dict.open => Value::Dict(Box::new(DictValue {
            entries: dict.entries.clone(),
            open: true,
        })),
        other => other.clone(),
    }
}

/// The file and body scope of a class defined in source.
pub fn class_body(db: &dyn Db, class: &ClassRef) -> Option<(SourceFile, ScopeId)> {
    let ClassRef::Defined { file, path } = class else {
        return None;
    };
    definition_body(db, *file, path, true).map(|body| (*file, body))
}

/// Whether a class is an enumeration: its MRO holds a base class of the `enum` module.
pub fn is_enum_mro(db: &dyn Db, mro: &[ClassRef]) -> bool {
    mro.iter().any(|class| is_enum_base(db, class))
}

fn is_enum_base(db: &dyn Db, class: &ClassRef) -> bool {
    let ClassRef::Defined { file, .. } = class else {
        return false;
    };
    matches!(
        class.name(),
        "Enum" | "IntEnum" | "StrEnum" | "Flag" | "IntFlag" | "ReprEnum"
    ) && file.path(db).file_stem().is_some_and(|stem| stem == "enum")
}

/// Whether `attribute`, bound to `value` in the body of enumeration `class`, is a
/// member: a plain value (not a function, class or descriptor) with a public name,
/// bound in a class below the `enum` module's own.
fn is_enum_member(db: &dyn Db, class: &ClassRef, attribute: &str, value: &Union) -> bool {
    if is_enum_base(db, class) || attribute.starts_with('_') {
        return false;
    }
    value.values().all(|value| {
        !matches!(
            value,
            Value::Function(_)
                | Value::Class(_)
                | Value::BoundMethod { .. }
                | Value::BuiltinFunction(_)
        ) && !matches!(value, Value::Instance(class, _) if matches!(class.name(), "property" | "classmethod" | "staticmethod" | "cached_property" | "nonmember"))
    })
}

/// The method resolution order of a class (C3 linearisation over the classes whose
/// bases are known; builtin bases end the chain). Inconsistent hierarchies fall back to
/// depth-first order, cycles are cut.
pub fn class_mro(db: &dyn Db, class: &ClassRef) -> Vec<ClassRef> {
    class_mro_linearized(db, None, class)
}

/// [`class_mro`] as the inference of a scope of `from` reads it (as part of its
/// module's run or not, see `infer_scope_in_module_run`): the bases of classes come from
/// [`class_bases_summary`] (or, for a module's run and its own classes,
/// [`class_bases_in_module_run`]), so the reader does not depend on where their files put
/// them.
pub(crate) fn class_mro_seen_from(
    db: &dyn Db,
    from: SourceFile,
    module_run: ModuleRun,
    class: &ClassRef,
) -> Vec<ClassRef> {
    class_mro_linearized(db, Some((from, module_run)), class)
}

/// [`class_bases_summary`] as the final run of a module's code (its inference, see
/// [`ModuleRun`]) reads the bases of its own classes: those of the draft run, since the
/// module's inference is still running. A draft run knows no bases of its own classes.
#[salsa::tracked(returns(ref), cycle_initial = class_bases_in_module_run_initial)]
pub(crate) fn class_bases_in_module_run(
    db: &dyn Db,
    file: SourceFile,
    path: SmolStr,
) -> Vec<ClassRef> {
    bases_loaded(db, &ClassRef::Defined { file, path }, |file, scope| {
        if scope == FileIndex::MODULE_SCOPE {
            super::infer_module_draft(db, file)
        } else {
            infer_scope_raw(db, file, scope)
        }
    })
}

fn class_bases_in_module_run_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _path: SmolStr,
) -> Vec<ClassRef> {
    Vec::new()
}

fn class_mro_linearized(
    db: &dyn Db,
    from: Option<(SourceFile, ModuleRun)>,
    class: &ClassRef,
) -> Vec<ClassRef> {
    fn linearize(
        db: &dyn Db,
        from: Option<(SourceFile, ModuleRun)>,
        class: &ClassRef,
        visiting: &mut Vec<ClassRef>,
    ) -> Vec<ClassRef> {
        if visiting.contains(class) || visiting.len() > 32 {
            return vec![class.clone()];
        }
        visiting.push(class.clone());
        let bases = match (from, class) {
            (Some((from, ModuleRun::Draft)), ClassRef::Defined { file, .. }) if *file == from => {
                Vec::new()
            }
            // The file's own classes too: the summary holds no positions, so a scope
            // reading it does not depend on the defining scope's whole inference.
            (Some((from, ModuleRun::Final)), ClassRef::Defined { file, path }) if *file == from => {
                class_bases_in_module_run(db, *file, path.clone()).clone()
            }
            (Some((from, _)), ClassRef::Defined { file, path })
                if *file != from || super::inputs::reuse_across_edits(db, from) =>
            {
                class_bases_summary(db, *file, path.clone()).clone()
            }
            _ => class_bases(db, class),
        };
        let mut sequences: Vec<Vec<ClassRef>> = bases
            .iter()
            .map(|base| linearize(db, from, base, visiting))
            .collect();
        sequences.push(bases.clone());
        visiting.pop();
        let mut result = vec![class.clone()];
        loop {
            sequences.retain(|sequence| !sequence.is_empty());
            if sequences.is_empty() {
                return result;
            }
            let candidate = sequences
                .iter()
                .map(|sequence| &sequence[0])
                .find(|head| {
                    !sequences
                        .iter()
                        .any(|sequence| sequence[1..].contains(head))
                })
                .cloned();
            let Some(candidate) = candidate else {
                // Not linearisable: append what is left, depth first, without duplicates.
                for sequence in sequences {
                    for class in sequence {
                        if !result.contains(&class) {
                            result.push(class);
                        }
                    }
                }
                return result;
            };
            result.push(candidate.clone());
            for sequence in &mut sequences {
                if sequence.first() == Some(&candidate) {
                    sequence.remove(0);
                }
            }
        }
    }
    linearize(db, from, class, &mut Vec::new())
}

/// The base classes of a class, as evaluated in the scope that defines it.
pub fn class_bases(db: &dyn Db, class: &ClassRef) -> Vec<ClassRef> {
    bases_loaded(db, class, |file, scope| infer_scope_raw(db, file, scope))
}

/// The bases of `class` as an inference of the scope holding its `class` statement
/// loaded them; `defining` picks that inference (of the file and scope it is given).
fn bases_loaded<'db>(
    db: &'db dyn Db,
    class: &ClassRef,
    defining: impl FnOnce(SourceFile, ScopeId) -> &'db ScopeInference,
) -> Vec<ClassRef> {
    let ClassRef::Defined { file, path } = class else {
        return Vec::new();
    };
    let index = file_index(db, *file);
    let Some(definition) = index.definition_at_path(path) else {
        return Vec::new();
    };
    let data = index.definition(definition);
    let DefinitionKind::Class { bases, .. } = &data.kind else {
        return Vec::new();
    };
    let defining = defining(*file, data.scope);
    // A relative inference counts its loads from its region's start.
    let shift = match defining.relative {
        true => match super::inputs::file_inputs(db, *file).base(data.scope) {
            Some(base) => TextSize::from(base.offset),
            None => return Vec::new(),
        },
        false => TextSize::from(0),
    };
    let mut found = Vec::new();
    for base in bases {
        // A base is a name (`Base`) or an attribute (`models.Model`): its value is the
        // load recorded at its start, or at the attribute's object.
        let Some(value) = defining.load_at(base.start() - shift) else {
            continue;
        };
        for value in value.values() {
            if let Value::Class(base_class) = value {
                if base_class != class && !found.contains(base_class) {
                    found.push(base_class.clone());
                }
            }
        }
    }
    found
}

fn is_ancestor(index: &FileIndex, ancestor: ScopeId, scope: ScopeId) -> bool {
    std::iter::successors(Some(scope), |&scope| index.scope(scope).parent)
        .any(|scope| scope == ancestor)
}

fn join_states(left: State, right: State) -> State {
    join_states_because(left, right, UnboundCause::Branch)
}

/// A function body made only of a docstring and `...`.
fn is_stub_body(body: Node<'_>) -> bool {
    let mut cursor = body.walk();
    let mut has_ellipsis = false;
    for statement in body.named_children(&mut cursor) {
        if statement.kind() == "comment" {
            continue;
        }
        let expression = (statement.kind() == "expression_statement")
            .then(|| statement.named_child(0))
            .flatten();
        match expression.map(|expression| expression.kind()) {
            Some("ellipsis") => has_ellipsis = true,
            Some("string") => {}
            _ => return false,
        }
    }
    has_ellipsis
}

/// Joins two paths. A name bound on one side only keeps that side's value and becomes
/// maybe unbound for `cause` (values never show it; see [`Env`]).
fn join_states_because(left: State, right: State, cause: UnboundCause) -> State {
    fn mark(maybe_unbound: &mut SharedMap<Name, UnboundCause>, name: &Name, cause: UnboundCause) {
        match maybe_unbound.get(name) {
            Some(existing) if *existing >= cause => {}
            _ => {
                maybe_unbound.insert(name.clone(), cause);
            }
        }
    }
    match (left, right) {
        (None, None) => None,
        (Some(env), None) | (None, Some(env)) => Some(env),
        (Some(mut left), Some(right)) => {
            // Maps still shared by both paths are equal: joining them changes nothing.
            if !std::sync::Arc::ptr_eq(&left.values.0, &right.values.0) {
                let left_only: Vec<Name> = left
                    .values
                    .keys()
                    .filter(|name| !right.values.contains_key(*name))
                    .cloned()
                    .collect();
                for name in &left_only {
                    mark(&mut left.maybe_unbound, name, cause);
                }
                for (name, value) in right.values.iter() {
                    match left.values.get(name) {
                        Some(existing) => {
                            if existing != value {
                                let joined = existing.join(value);
                                left.values.insert(name.clone(), joined);
                            }
                        }
                        // Bound on one path only: keep what that path knows.
                        None => {
                            left.values.insert(name.clone(), value.clone());
                            mark(&mut left.maybe_unbound, name, cause);
                        }
                    }
                }
            }
            if !std::sync::Arc::ptr_eq(&left.maybe_unbound.0, &right.maybe_unbound.0) {
                for (name, right_cause) in right.maybe_unbound.iter() {
                    mark(&mut left.maybe_unbound, name, *right_cause);
                }
            }
            // An alias holds after the join only when both paths bound it to the same test.
            let right_conditions = &right.conditions;
            left.conditions
                .retain(|name, condition| right_conditions.get(name) == Some(condition));
            let right_correlations = &right.correlations;
            left.correlations
                .retain(|name, correlation| right_correlations.get(name) == Some(correlation));
            // A path narrowed on one side only is not narrowed after the join.
            let right_places = &right.places;
            if left
                .places
                .iter()
                .any(|(path, value)| right_places.get(path) != Some(value))
            {
                left.places
                    .make_mut()
                    .retain(|path, value| match right_places.get(path) {
                        Some(other) => {
                            if value != other {
                                *value = value.join(other);
                            }
                            true
                        }
                        None => false,
                    });
            }
            Some(left)
        }
    }
}

/// The smallest node with exactly `range` whose kind opens a scope (or the module).
fn scope_node(root: Node<'_>, range: TextRange) -> Option<Node<'_>> {
    if range_of(root) == range {
        return Some(root);
    }
    let mut node = root.descendant_for_byte_range(
        u32::from(range.start()) as usize,
        u32::from(range.end()) as usize,
    )?;
    loop {
        if range_of(node) == range
            && matches!(
                node.kind(),
                "function_definition"
                    | "class_definition"
                    | "lambda"
                    | "list_comprehension"
                    | "set_comprehension"
                    | "dictionary_comprehension"
                    | "generator_expression"
                    | "module"
            )
        {
            return Some(node);
        }
        node = node.parent()?;
    }
}

fn node_at(root: Node<'_>, range: TextRange) -> Option<Node<'_>> {
    let mut node = root.descendant_for_byte_range(
        u32::from(range.start()) as usize,
        u32::from(range.end()) as usize,
    )?;
    while range_of(node) != range {
        node = node.parent()?;
        if range_of(node).len() > range.len() {
            return None;
        }
    }
    // Prefer the outermost node with exactly this range (`type` wrapping an identifier).
    while let Some(parent) = node.parent() {
        if range_of(parent) != range {
            break;
        }
        node = parent;
    }
    Some(node)
}

fn first_identifier(node: Node<'_>) -> Option<Node<'_>> {
    if node.kind() == "identifier" {
        return Some(node);
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    children.into_iter().find_map(first_identifier)
}

fn except_parts(clause: Node<'_>) -> (Option<Node<'_>>, Option<Node<'_>>) {
    let value = clause.child_by_field_name("value");
    let alias = clause.child_by_field_name("alias");
    match value {
        Some(pattern) if pattern.kind() == "as_pattern" => {
            let inner = pattern.named_child(0);
            let alias = pattern
                .child_by_field_name("alias")
                .and_then(first_identifier);
            (inner, alias)
        }
        _ => (value, alias),
    }
}

fn is_irrefutable(pattern: Node<'_>, text: &str) -> bool {
    let source = text
        .get(pattern.start_byte()..pattern.end_byte())
        .unwrap_or("")
        .trim();
    source == "_"
        || (!source.is_empty()
            && source.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !source.contains('.'))
}

fn is_always_true(condition: Node<'_>, text: &str) -> bool {
    let source = text
        .get(condition.start_byte()..condition.end_byte())
        .unwrap_or("")
        .trim();
    source == "True" || source == "1"
}

fn parse_int(text: &str) -> Option<i64> {
    let cleaned = text.replace('_', "").to_ascii_lowercase();
    let cleaned = cleaned.trim_end_matches('l');
    if let Some(hex) = cleaned.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(octal) = cleaned.strip_prefix("0o") {
        i64::from_str_radix(octal, 8).ok()
    } else if let Some(binary) = cleaned.strip_prefix("0b") {
        i64::from_str_radix(binary, 2).ok()
    } else {
        cleaned.parse().ok()
    }
}

/// The value of a string literal: its text when it has no interpolation and no escapes
/// we would have to interpret, else "some str" (or bytes).
fn string_value(raw: &str) -> Value {
    let prefix_len = raw.find(['\'', '"']).unwrap_or(0);
    let prefix = raw[..prefix_len].to_ascii_lowercase();
    if prefix.contains('b') {
        return Value::Bytes;
    }
    if prefix.contains('f') || prefix.contains('t') {
        return Value::Str(None);
    }
    let body = &raw[prefix_len..];
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if body.len() >= 2 * quote.len() && body.starts_with(quote) && body.ends_with(quote) {
            let inner = &body[quote.len()..body.len() - quote.len()];
            if inner.contains('\\') && !prefix.contains('r') {
                return Value::Str(unescape(inner).map(SmolStr::new));
            }
            return Value::Str(Some(SmolStr::new(inner)));
        }
    }
    Value::Str(None)
}

fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(character) = chars.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            '0' => out.push('\0'),
            '\n' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// The key of a literal value, when it is hashable and known.
pub(super) fn literal_key(value: &Value) -> Option<Key> {
    Key::from_value(value)
}

/// The items of an exact tuple, list or set of literals (at most a union's width).
fn literal_items(container: &Value) -> Option<Vec<Value>> {
    let (Value::Tuple(items) | Value::List(items) | Value::Set(items)) = container else {
        return None;
    };
    if !items.exact || items.items.is_empty() || items.items.len() > Union::MAX_MEMBERS {
        return None;
    }
    let mut literals = Vec::new();
    for item in &items.items {
        for value in item.values() {
            if !is_literal(value) || literals.contains(value) {
                if !is_literal(value) {
                    return None;
                }
                continue;
            }
            literals.push(value.clone());
        }
    }
    Some(literals)
}

/// In `state`, the members of `name` that are some value of a literal's type (or
/// unknown) become the literals of that type among `literals`: a test that passed only
/// for those values has told which one it is.
fn refine_to_literals(state: State, name: &Name, literals: &[Value]) -> State {
    let mut env = state?;
    let Some(current) = env.get(name) else {
        return Some(env);
    };
    let of_kind = |kind: &Value| -> Vec<Value> {
        literals
            .iter()
            .filter(|literal| match kind {
                Value::Unknown => true,
                Value::Str(None) => matches!(literal, Value::Str(Some(_))),
                Value::Int(None) => matches!(literal, Value::Int(Some(_))),
                Value::Float(None) => matches!(literal, Value::Float(Some(_))),
                Value::Bool(None) => matches!(literal, Value::Bool(Some(_))),
                _ => false,
            })
            .cloned()
            .collect()
    };
    let refined = current.expand(|value| {
        let matching = of_kind(value);
        (!matching.is_empty()).then_some(matching)
    });
    if refined != *current {
        env.insert(name.clone(), refined);
    }
    Some(env)
}

fn is_literal(value: &Value) -> bool {
    matches!(
        value,
        Value::Str(Some(_))
            | Value::Int(Some(_))
            | Value::Bool(Some(_))
            | Value::None
            | Value::Float(Some(_))
    )
}

fn literal_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Int(Some(left)), Value::Float(Some(bits)))
        | (Value::Float(Some(bits)), Value::Int(Some(left))) => {
            *left as f64 == f64::from_bits(*bits)
        }
        (Value::Bool(Some(flag)), Value::Int(Some(number)))
        | (Value::Int(Some(number)), Value::Bool(Some(flag))) => i64::from(*flag) == *number,
        _ => left == right,
    }
}

/// `left operator right` for literal operands; `None` when it cannot be decided.
fn compare_literals(operator: &str, left: &Value, right: &Value) -> Option<bool> {
    let number = |value: &Value| match value {
        Value::Int(Some(number)) => Some(*number as f64),
        Value::Bool(Some(flag)) => Some(f64::from(u8::from(*flag))),
        Value::Float(Some(bits)) => Some(f64::from_bits(*bits)),
        _ => None,
    };
    if let (Some(left), Some(right)) = (number(left), number(right)) {
        return Some(match operator {
            "<" => left < right,
            "<=" => left <= right,
            ">" => left > right,
            ">=" => left >= right,
            "==" => left == right,
            "!=" => left != right,
            _ => return None,
        });
    }
    // `type(v) != type('')`: builtin value types are exact (no subclass stands behind a
    // literal), and distinct classes are distinct objects.
    let exact_builtin = |value: &Value| match value {
        Value::Class(ClassRef::Builtin(name))
            if matches!(
                name.as_str(),
                "str" | "int" | "float" | "bool" | "bytes" | "list" | "tuple" | "dict" | "set"
            ) =>
        {
            Some(name.clone())
        }
        _ => None,
    };
    if let (Some(left), Some(right)) = (exact_builtin(left), exact_builtin(right)) {
        return match operator {
            "==" | "is" => Some(left == right),
            "!=" | "is not" => Some(left != right),
            _ => None,
        };
    }
    match (operator, left, right) {
        ("==", Value::Str(Some(a)), Value::Str(Some(b))) => Some(a == b),
        ("!=", Value::Str(Some(a)), Value::Str(Some(b))) => Some(a != b),
        ("is" | "==", Value::None, Value::None) => Some(true),
        ("is not" | "!=", Value::None, Value::None) => Some(false),
        ("is" | "==", Value::None, other) | ("is" | "==", other, Value::None)
            if is_literal(other) =>
        {
            Some(false)
        }
        ("is not" | "!=", Value::None, other) | ("is not" | "!=", other, Value::None)
            if is_literal(other) =>
        {
            Some(true)
        }
        ("in", item, Value::Dict(dict)) if !dict.open => {
            literal_key(item).map(|key| dict.entries.iter().any(|(entry, _)| *entry == key))
        }
        ("not in", item, Value::Dict(dict)) if !dict.open => {
            literal_key(item).map(|key| !dict.entries.iter().any(|(entry, _)| *entry == key))
        }
        // `"acme" in ["acme", "globex"]`: a literal among the known items of a sequence,
        // or a substring of a known string.
        (
            "in" | "not in",
            item,
            Value::List(_) | Value::Tuple(_) | Value::Set(_) | Value::Str(Some(_)),
        ) if is_literal(item) => {
            contains_literal(right, item).map(|found| found == (operator == "in"))
        }
        _ => None,
    }
}

fn unary(operator: &str, value: &Value) -> Value {
    match (operator, value) {
        ("-", Value::Int(Some(number))) => number
            .checked_neg()
            .map_or(Value::Int(None), |number| Value::Int(Some(number))),
        ("-", Value::Float(Some(bits))) => Value::float(-f64::from_bits(*bits)),
        ("+", Value::Int(_) | Value::Float(_)) => value.clone(),
        ("~", Value::Int(Some(number))) => Value::Int(Some(!number)),
        ("-" | "+" | "~", Value::Bool(flag)) => Value::Int(flag.map(|flag| {
            let number = i64::from(flag);
            match operator {
                "-" => -number,
                "~" => !number,
                _ => number,
            }
        })),
        ("-" | "+", Value::Int(None) | Value::Float(None) | Value::Complex) => value.clone(),
        ("~", Value::Int(None)) => Value::Int(None),
        _ => Value::Unknown,
    }
}

/// Applies a binary operator member by member; the result comes from `origin`.
fn binary_union(operator: &str, left: &Union, right: &Union, origin: Origin) -> Union {
    let mut results = Vec::new();
    for left_value in left.values() {
        for right_value in right.values() {
            results.push(Union::new(
                binary(operator, left_value, right_value),
                Some(origin),
            ));
        }
    }
    Union::join_all(results).unwrap_or_else(|| Union::new(Value::Unknown, Some(origin)))
}

fn binary(operator: &str, left: &Value, right: &Value) -> Value {
    use Value::{Bool, Float, Int, Str};
    let as_int = |value: &Value| match value {
        Int(number) => Some(*number),
        Bool(flag) => Some(flag.map(i64::from)),
        _ => None,
    };
    let as_float = |value: &Value| match value {
        Float(bits) => Some(bits.map(f64::from_bits)),
        _ => as_int(value).map(|number| number.map(|number| number as f64)),
    };
    if let (Some(left_int), Some(right_int)) = (as_int(left), as_int(right)) {
        return match operator {
            "+" => Int(left_int.zip(right_int).and_then(|(a, b)| a.checked_add(b))),
            "-" => Int(left_int.zip(right_int).and_then(|(a, b)| a.checked_sub(b))),
            "*" => Int(left_int.zip(right_int).and_then(|(a, b)| a.checked_mul(b))),
            "//" => Int(left_int.zip(right_int).and_then(|(a, b)| {
                if b == 0 {
                    None
                } else {
                    Some(
                        a.div_euclid(b)
                            - if (a.rem_euclid(b) != 0) && (b < 0) {
                                1
                            } else {
                                0
                            },
                    )
                }
            })),
            "%" => Int(left_int.zip(right_int).and_then(|(a, b)| {
                if b == 0 {
                    None
                } else {
                    Some(((a % b) + b) % b)
                }
            })),
            "/" => Float(left_int.zip(right_int).and_then(|(a, b)| {
                if b == 0 {
                    None
                } else {
                    Some((a as f64 / b as f64).to_bits())
                }
            })),
            "**" => match left_int.zip(right_int) {
                Some((base, exponent)) if (0..64).contains(&exponent) => {
                    Int(base.checked_pow(exponent as u32))
                }
                Some((_, exponent)) if exponent < 0 => Float(None),
                _ => Int(None),
            },
            "&" => Int(left_int.zip(right_int).map(|(a, b)| a & b)),
            "|" => Int(left_int.zip(right_int).map(|(a, b)| a | b)),
            "^" => Int(left_int.zip(right_int).map(|(a, b)| a ^ b)),
            "<<" => Int(left_int
                .zip(right_int)
                .and_then(|(a, b)| u32::try_from(b).ok().and_then(|b| a.checked_shl(b)))),
            ">>" => Int(left_int
                .zip(right_int)
                .and_then(|(a, b)| u32::try_from(b).ok().map(|b| a >> b.min(63)))),
            _ => Value::Unknown,
        };
    }
    if let (Some(left_float), Some(right_float)) = (as_float(left), as_float(right)) {
        let both = left_float.zip(right_float);
        return match operator {
            "+" => Float(both.map(|(a, b)| (a + b).to_bits())),
            "-" => Float(both.map(|(a, b)| (a - b).to_bits())),
            "*" => Float(both.map(|(a, b)| (a * b).to_bits())),
            "/" => Float(both.and_then(|(a, b)| {
                if b == 0.0 {
                    None
                } else {
                    Some((a / b).to_bits())
                }
            })),
            "//" | "%" | "**" => Float(None),
            _ => Value::Unknown,
        };
    }
    match (operator, left, right) {
        ("+", Str(Some(a)), Str(Some(b))) => Str(Some(SmolStr::new(format!("{a}{b}")))),
        ("+", Str(_), Str(_)) => Str(None),
        ("*", Str(_), Int(_)) | ("*", Int(_), Str(_)) | ("%", Str(_), _) => Str(None),
        ("+", Value::List(a), Value::List(b)) => {
            if a.exact && b.exact {
                Value::List(Items::exact(
                    a.items.iter().chain(&b.items).cloned().collect(),
                ))
            } else {
                Value::List(Items::of(match (a.element(), b.element()) {
                    (Some(a), Some(b)) => Some(a.join(&b)),
                    (a, b) => a.or(b),
                }))
            }
        }
        ("+", Value::Tuple(a), Value::Tuple(b)) if a.exact && b.exact => Value::Tuple(
            Items::exact(a.items.iter().chain(&b.items).cloned().collect()),
        ),
        ("*", Value::List(items), Int(_)) => Value::List(Items::of(items.element())),
        ("|", Value::Dict(a), Value::Dict(b)) => {
            let mut merged = a.as_ref().clone();
            for (key, value) in &b.entries {
                merged.set(key.clone(), value.clone());
            }
            merged.open |= b.open;
            Value::Dict(Box::new(merged))
        }
        ("|" | "&" | "-" | "^", Value::Set(a), Value::Set(_)) => Value::Set(Items::of(a.element())),
        (_, Value::Complex, _) | (_, _, Value::Complex) => Value::Complex,
        _ => Value::Unknown,
    }
}

/// The length of a container or string whose length is known.
fn known_length(value: &Value) -> Option<usize> {
    match value {
        Value::List(items) | Value::Tuple(items) | Value::Set(items) if items.exact => {
            Some(items.items.len())
        }
        Value::Dict(dict) if !dict.open => Some(dict.entries.len()),
        Value::Str(Some(text)) => Some(text.chars().count()),
        _ => None,
    }
}

/// Whether running `statement` itself may raise before the statements nested in it run:
/// the states before such statements are where a `try` body's handlers may start. A
/// compound statement whose header only reads names and literals cannot raise before its
/// blocks run, and neither can binding a name to such a value, so `i = -1` or
/// `if args.filename:` at the top of a `try` body adds no handler state of its own.
fn statement_may_raise(statement: Node<'_>) -> bool {
    match statement.kind() {
        "pass_statement" | "break_statement" | "continue_statement" | "global_statement"
        | "nonlocal_statement" | "try_statement" => false,
        "function_definition" => false,
        "if_statement" => {
            let mut conditions = vec![statement.child_by_field_name("condition")];
            let mut cursor = statement.walk();
            conditions.extend(
                statement
                    .children_by_field_name("alternative", &mut cursor)
                    .filter(|clause| clause.kind() == "elif_clause")
                    .map(|clause| clause.child_by_field_name("condition")),
            );
            !conditions
                .into_iter()
                .all(|condition| condition.is_some_and(expression_cannot_raise))
        }
        "while_statement" => !statement
            .child_by_field_name("condition")
            .is_some_and(expression_cannot_raise),
        "expression_statement" => {
            let mut cursor = statement.walk();
            let children: Vec<Node<'_>> = statement.named_children(&mut cursor).collect();
            !children.iter().all(|child| {
                child.kind() == "assignment"
                    && child.child_by_field_name("type").is_none()
                    && child
                        .child_by_field_name("left")
                        .is_some_and(|left| left.kind() == "identifier")
                    && child
                        .child_by_field_name("right")
                        .is_some_and(expression_cannot_raise)
            })
        }
        _ => true,
    }
}

/// Literals, names, attribute reads of names, and `not`/`and`/`or`/comparisons of those:
/// expressions that do not raise in a program that runs at all.
fn expression_cannot_raise(node: Node<'_>) -> bool {
    match node.kind() {
        "identifier" | "integer" | "float" | "true" | "false" | "none" => true,
        "string" => {
            let mut cursor = node.walk();
            !node
                .named_children(&mut cursor)
                .any(|child| child.kind() == "interpolation")
        }
        "attribute" => node
            .child_by_field_name("object")
            .is_some_and(expression_cannot_raise),
        "unary_operator" => {
            node.child_by_field_name("operator")
                .is_some_and(|operator| operator.kind() == "-")
                && node
                    .child_by_field_name("argument")
                    .is_some_and(|argument| matches!(argument.kind(), "integer" | "float"))
        }
        "parenthesized_expression"
        | "not_operator"
        | "boolean_operator"
        | "comparison_operator" => {
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            !children.is_empty() && children.into_iter().all(expression_cannot_raise)
        }
        _ => false,
    }
}
