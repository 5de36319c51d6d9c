//! Abstract values with provenance: what a name can hold, and where each possibility
//! comes from.
//!
//! A [`Union`] is the set of [`Member`]s a name may hold at a program point. Invariants:
//! - never empty: knowing nothing is the single member [`Value::Unknown`];
//! - flat: members are values, never unions (a union of unions is flattened on join);
//! - deduplicated: two members never hold equal values; joining merges their origins;
//! - deterministic order: members sort by their first origin (source order; anchored
//!   origins of other files after the file's own, see [`Origin`]), members without
//!   origins last;
//! - bounded: at most [`Union::MAX_MEMBERS`] members; past that, literals widen to their
//!   types and, if still too wide, the tail folds into `Unknown` with `pruned` set.
//!
//! ```python
//! if flag:
//!     a = 4        # member 4 (int), origin L2 in the `if flag:` true branch
//! else:
//!     a = 4.1      # member 4.1 (float), origin L4 in the `else` branch
//! print(a)         # Union [4, 4.1]
//! ```

mod display;

use std::sync::Arc;

use line_index::TextRange;
use smol_str::SmolStr;

use crate::index::{BranchId, ScopeId};
use crate::input::SourceFile;

pub use display::{key_literal, render_union, render_value};

/// Where a member was produced: the binding (or expression) and the branch it ran in.
///
/// Most origins are in `file`'s coordinates (`anchor` is `None`): a byte range and a
/// branch id of its current index. What other files read of an inference (the summaries
/// of `infer::summary`) holds origins *anchored* instead, so that an edit which only moves
/// the code leaves them equal: `range` counts from the start of a region of `file` that
/// moves as one piece, and `branch` is a position among that region's branches (see
/// [`Anchor`]). `infer::infer_scope` and `infer::infer_call` resolve them back to
/// coordinates before anyone outside the inference sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: SourceFile,
    /// The expression or statement that produced the value.
    pub range: TextRange,
    pub branch: BranchId,
    pub anchor: Option<Anchor>,
}

/// A region of a file that edits elsewhere move as one piece: the inside of a scope
/// defined at the top level (a `def`, a `class`, a lambda or comprehension of module
/// code), or the module code between two of them. Regions are numbered in source order:
/// `2 * k + 1` is the inside of the `k`-th top-level scope, `2 * k` the code before it.
/// The numbering only changes when a top-level scope is added or removed above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Anchor(std::num::NonZeroU32);

impl Anchor {
    /// Region `region` (stored plus one, so that an `Option<Anchor>` takes four bytes).
    pub fn region(region: usize) -> Anchor {
        let stored = u32::try_from(region)
            .unwrap_or(u32::MAX - 1)
            .saturating_add(1);
        Anchor(std::num::NonZeroU32::new(stored).unwrap_or(std::num::NonZeroU32::MIN))
    }

    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

// Every member holds up to eight origins: the anchor adds four bytes to the twenty of
// the file id, range and branch.
const _: () = assert!(std::mem::size_of::<Origin>() == 24);

impl PartialOrd for Origin {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Source order: by position, then branch, then file. Anchored origins sort after the
/// others, by file, region and position in the region (source order within a file).
impl Ord for Origin {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.anchor, other.anchor) {
            (None, None) => (self.range.start(), self.range.end(), self.branch, self.file).cmp(&(
                other.range.start(),
                other.range.end(),
                other.branch,
                other.file,
            )),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(anchor), Some(other_anchor)) => (
                self.file,
                anchor,
                self.range.start(),
                self.range.end(),
                self.branch,
            )
                .cmp(&(
                    other.file,
                    other_anchor,
                    other.range.start(),
                    other.range.end(),
                    other.branch,
                )),
        }
    }
}

impl PartialOrd for SourceFile {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SourceFile {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        salsa::plumbing::AsId::as_id(self).cmp(&salsa::plumbing::AsId::as_id(other))
    }
}

/// A class: one of the builtin types, or a `class` statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClassRef {
    Builtin(SmolStr),
    /// `path` is the dotted path of the class inside its module (`Outer.Inner`): stable
    /// under edits elsewhere in the file, unlike definition ids.
    Defined {
        file: SourceFile,
        path: SmolStr,
    },
}

impl ClassRef {
    pub fn builtin(name: &str) -> Self {
        ClassRef::Builtin(SmolStr::new(name))
    }

    pub fn name(&self) -> &str {
        match self {
            ClassRef::Builtin(name) => name,
            ClassRef::Defined { path, .. } => path.rsplit('.').next().unwrap_or(path),
        }
    }
}

/// A callable defined in source: a `def` (by its definition) or a lambda (by its scope).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FunctionRef {
    /// `path` is the dotted path inside the module (`Counter.bump`).
    Defined {
        file: SourceFile,
        path: SmolStr,
    },
    Lambda {
        file: SourceFile,
        scope: ScopeId,
    },
}

impl FunctionRef {
    pub fn file(&self) -> SourceFile {
        match self {
            FunctionRef::Defined { file, .. } | FunctionRef::Lambda { file, .. } => *file,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            FunctionRef::Defined { path, .. } => path.rsplit('.').next().unwrap_or(path),
            FunctionRef::Lambda { .. } => "<lambda>",
        }
    }
}

/// A hashable literal usable as a dict key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Str(SmolStr),
    Int(i64),
    Bool(bool),
    None,
}

/// Items of a list, set or tuple. `exact`: the container holds exactly `items` (known
/// length); otherwise `items` are a sample of the element values and the length is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Items {
    pub items: Vec<Union>,
    pub exact: bool,
}

/// The attributes one construction gave an instance: what the class's initialiser
/// (re-run with the call's arguments, `super().__init__` chains included) or the fields a
/// `@dataclass` / `NamedTuple` generates assigned to `self`. Sorted by name.
///
/// ```python
/// p = Point(1, 2)      # Point(x=1, y=2): `p.x` is 1, not what `__init__` gives any caller
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shape(std::sync::Arc<[(SmolStr, Union)]>);

impl Shape {
    pub fn new(mut attributes: Vec<(SmolStr, Union)>) -> Option<Shape> {
        if attributes.is_empty() {
            return None;
        }
        attributes.sort_by(|left, right| left.0.cmp(&right.0));
        attributes.dedup_by(|later, earlier| later.0 == earlier.0);
        Some(Shape(attributes.into()))
    }

    pub fn attributes(&self) -> &[(SmolStr, Union)] {
        &self.0
    }

    pub fn get(&self, name: &str) -> Option<&Union> {
        self.0
            .binary_search_by(|(attribute, _)| attribute.as_str().cmp(name))
            .ok()
            .map(|at| &self.0[at].1)
    }

    /// The same attributes with values stripped of their origins (a cache key).
    pub fn without_origins(&self) -> Shape {
        self.map_unions(Union::without_origins)
    }

    /// The same attributes with every origin replaced by `map` of it.
    pub fn map_origins(&self, map: &mut impl FnMut(Origin) -> Origin) -> Shape {
        self.map_unions(|union| union.map_origins(map))
    }

    fn has_anchored_origins(&self) -> bool {
        self.0.iter().any(|(_, union)| union.has_anchored_origins())
    }

    fn map_unions(&self, mut map: impl FnMut(&Union) -> Union) -> Shape {
        Shape(
            self.0
                .iter()
                .map(|(name, union)| (name.clone(), map(union)))
                .collect(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DictValue {
    pub entries: Vec<(Key, Union)>,
    /// Other keys may exist (a non-literal key was stored, or the dict came from elsewhere).
    pub open: bool,
}

impl DictValue {
    /// `dict[key] = value`: replaces the entry of `key`, or adds it last.
    pub fn set(&mut self, key: Key, value: Union) {
        match self
            .entries
            .iter_mut()
            .find(|(existing, _)| *existing == key)
        {
            Some((_, existing)) => *existing = value,
            None => self.entries.push((key, value)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    None,
    /// `None` inside a literal variant means "some value of this type".
    Bool(Option<bool>),
    Int(Option<i64>),
    /// The bits of an `f64` (so values stay `Eq` and hashable).
    Float(Option<u64>),
    Complex,
    Str(Option<SmolStr>),
    Bytes,
    Tuple(Items),
    List(Items),
    Set(Items),
    Dict(Box<DictValue>),
    /// An instance; with a [`Shape`] when the constructor call's arguments were known.
    Instance(ClassRef, Option<Shape>),
    Class(ClassRef),
    Function(FunctionRef),
    BoundMethod {
        function: FunctionRef,
        class: ClassRef,
        /// The shape of the instance the method was read from, when known.
        receiver: Option<Shape>,
    },
    /// A builtin function such as `len`.
    BuiltinFunction(SmolStr),
    Module(SmolStr),
    Generator(FunctionRef),
    Coroutine(FunctionRef),
    /// An iterator (`iter(xs)`, a generator expression) with the items it will still
    /// produce: exact when they are known.
    Iterator(Items),
    Unknown,
}

impl Value {
    pub fn float(value: f64) -> Value {
        Value::Float(Some(value.to_bits()))
    }

    /// The literal-free form: `4` → `int`, `[1, 2]` → `list`. Used to widen in loops and
    /// when a union grows too wide.
    pub fn widened(&self) -> Value {
        match self {
            Value::Bool(_) => Value::Bool(None),
            Value::Int(_) => Value::Int(None),
            Value::Float(_) => Value::Float(None),
            Value::Str(_) => Value::Str(None),
            // A tuple keeps its length and positions (`(month, int)` rows stay pairs whose
            // second item is an int); only its items widen.
            Value::Tuple(items) if items.exact => Value::Tuple(Items::exact(
                items.items.iter().map(Union::widened).collect(),
            )),
            Value::Tuple(items) => Value::Tuple(items.widened()),
            Value::List(items) => Value::List(items.widened()),
            Value::Set(items) => Value::Set(items.widened()),
            Value::Iterator(items) => Value::Iterator(items.widened()),
            // Instances built in a loop from growing values would never settle.
            Value::Instance(class, Some(_)) => Value::Instance(class.clone(), None),
            Value::Dict(dict) => Value::Dict(Box::new(DictValue {
                entries: dict
                    .entries
                    .iter()
                    .map(|(key, value)| (key.clone(), value.widened()))
                    .collect(),
                open: dict.open,
            })),
            other => other.clone(),
        }
    }

    /// The name of the value's type, as `type(x).__name__` would say.
    pub fn type_name(&self) -> &str {
        match self {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Complex => "complex",
            Value::Str(_) => "str",
            Value::Bytes => "bytes",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Dict(_) => "dict",
            Value::Instance(class, _) => class.name(),
            Value::Class(_) => "type",
            Value::Function(_) => "function",
            Value::BoundMethod { .. } => "method",
            Value::BuiltinFunction(_) => "builtin_function_or_method",
            Value::Module(_) => "module",
            Value::Generator(_) => "generator",
            Value::Coroutine(_) => "coroutine",
            Value::Iterator(_) => "iterator",
            Value::Unknown => "unknown",
        }
    }

    /// Python truthiness when it is known.
    pub fn truthiness(&self) -> Option<bool> {
        match self {
            Value::None => Some(false),
            Value::Bool(value) => *value,
            Value::Int(value) => value.map(|value| value != 0),
            Value::Float(value) => value.map(|bits| f64::from_bits(bits) != 0.0),
            Value::Str(value) => value.as_ref().map(|value| !value.is_empty()),
            Value::Tuple(items) | Value::List(items) | Value::Set(items) if items.exact => {
                Some(!items.items.is_empty())
            }
            Value::Dict(dict) if !dict.open => Some(!dict.entries.is_empty()),
            Value::Class(_)
            | Value::Function(_)
            | Value::BoundMethod { .. }
            | Value::BuiltinFunction(_)
            | Value::Module(_)
            | Value::Generator(_)
            | Value::Iterator(_) => Some(true),
            _ => None,
        }
    }
}

/// Containers nest at most this deep in a value; deeper contents are forgotten
/// (`[[[[1]]]]` keeps three levels of lists). Self-referencing updates in loops
/// (`node = (value, node)`) would otherwise grow without end.
pub const MAX_VALUE_DEPTH: usize = 4;
/// Containers keep at most this many known items or entries.
pub const MAX_CONTAINER_ITEMS: usize = 64;

impl Value {
    fn has_anchored_origins(&self) -> bool {
        match self {
            Value::Tuple(items)
            | Value::List(items)
            | Value::Set(items)
            | Value::Iterator(items) => items.items.iter().any(Union::has_anchored_origins),
            Value::Dict(dict) => dict
                .entries
                .iter()
                .any(|(_, value)| value.has_anchored_origins()),
            Value::Instance(_, Some(shape))
            | Value::BoundMethod {
                receiver: Some(shape),
                ..
            } => shape.has_anchored_origins(),
            _ => false,
        }
    }

    fn map_origins(&self, map: &mut impl FnMut(Origin) -> Origin) -> Value {
        let map_items = |items: &Items, map: &mut _| Items {
            items: items
                .items
                .iter()
                .map(|item| item.map_origins(map))
                .collect(),
            exact: items.exact,
        };
        match self {
            Value::Tuple(items) => Value::Tuple(map_items(items, map)),
            Value::List(items) => Value::List(map_items(items, map)),
            Value::Set(items) => Value::Set(map_items(items, map)),
            Value::Iterator(items) => Value::Iterator(map_items(items, map)),
            Value::Dict(dict) => Value::Dict(Box::new(DictValue {
                entries: dict
                    .entries
                    .iter()
                    .map(|(key, value)| (key.clone(), value.map_origins(map)))
                    .collect(),
                open: dict.open,
            })),
            Value::Instance(class, Some(shape)) => {
                Value::Instance(class.clone(), Some(shape.map_origins(map)))
            }
            Value::BoundMethod {
                function,
                class,
                receiver: Some(shape),
            } => Value::BoundMethod {
                function: function.clone(),
                class: class.clone(),
                receiver: Some(shape.map_origins(map)),
            },
            other => other.clone(),
        }
    }

    /// The value with containers nested at most `depth` levels and at most
    /// [`MAX_CONTAINER_ITEMS`] items each; what is cut becomes "unknown contents".
    pub fn bounded(self, depth: usize) -> Value {
        if self.is_bounded(depth) {
            return self;
        }
        let bound_items = |items: Items| -> Items {
            if depth == 0 {
                return Items::of(None);
            }
            if items.items.len() > MAX_CONTAINER_ITEMS {
                let element = items
                    .element()
                    .map(|element| element.bounded_union(depth - 1));
                return Items::of(element);
            }
            Items {
                items: items
                    .items
                    .into_iter()
                    .map(|item| item.bounded_union(depth - 1))
                    .collect(),
                exact: items.exact,
            }
        };
        match self {
            Value::Tuple(items) => Value::Tuple(bound_items(items)),
            Value::List(items) => Value::List(bound_items(items)),
            Value::Set(items) => Value::Set(bound_items(items)),
            Value::Iterator(items) => Value::Iterator(bound_items(items)),
            Value::Dict(dict) => {
                if depth == 0 || dict.entries.len() > MAX_CONTAINER_ITEMS {
                    return Value::Dict(Box::new(DictValue {
                        entries: Vec::new(),
                        open: true,
                    }));
                }
                let DictValue { entries, open } = *dict;
                let entries = entries
                    .into_iter()
                    .map(|(key, value)| (key, value.bounded_union(depth - 1)))
                    .collect();
                Value::Dict(Box::new(DictValue { entries, open }))
            }
            // An instance counts as one level: its attributes nest inside it.
            Value::Instance(class, Some(shape)) => {
                if depth == 0 {
                    return Value::Instance(class, None);
                }
                Value::Instance(
                    class,
                    Some(shape.map_unions(|union| union.bounded_union(depth - 1))),
                )
            }
            other => other,
        }
    }

    /// Whether [`Value::bounded`] at `depth` returns the value unchanged (checked without
    /// building anything: most values are bounded already when they enter a union).
    fn is_bounded(&self, depth: usize) -> bool {
        let items_bounded = |items: &Items| {
            if depth == 0 {
                return items.items.is_empty() && !items.exact;
            }
            items.items.len() <= MAX_CONTAINER_ITEMS
                && items.items.iter().all(|item| item.is_bounded(depth - 1))
        };
        match self {
            Value::Tuple(items)
            | Value::List(items)
            | Value::Set(items)
            | Value::Iterator(items) => items_bounded(items),
            Value::Dict(dict) => {
                if depth == 0 || dict.entries.len() > MAX_CONTAINER_ITEMS {
                    return dict.entries.is_empty() && dict.open;
                }
                dict.entries
                    .iter()
                    .all(|(_, value)| value.is_bounded(depth - 1))
            }
            Value::Instance(_, Some(shape)) => {
                depth > 0
                    && shape
                        .attributes()
                        .iter()
                        .all(|(_, union)| union.is_bounded(depth - 1))
            }
            _ => true,
        }
    }
}

impl Key {
    /// The key a literal value makes (`'a'`, `1`, `True`, `None`).
    pub fn from_value(value: &Value) -> Option<Key> {
        match value {
            Value::Str(Some(text)) => Some(Key::Str(text.clone())),
            Value::Int(Some(number)) => Some(Key::Int(*number)),
            Value::Bool(Some(flag)) => Some(Key::Bool(*flag)),
            Value::None => Some(Key::None),
            _ => None,
        }
    }
}

impl Items {
    pub fn exact(items: Vec<Union>) -> Items {
        Items { items, exact: true }
    }

    /// Items of unknown count whose values are `element` (or nothing known when `None`).
    pub fn of(element: Option<Union>) -> Items {
        Items {
            items: element.into_iter().collect(),
            exact: false,
        }
    }

    /// The union of every item, if any.
    pub fn element(&self) -> Option<Union> {
        let mut items = self.items.iter();
        let first = items.next()?.clone();
        Some(items.fold(first, |joined, item| joined.join(item)))
    }

    fn widened(&self) -> Items {
        Items::of(self.element().map(|element| element.widened()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Member {
    pub value: Value,
    /// Sorted, deduplicated.
    pub origins: Vec<Origin>,
}

/// The members are shared between clones: environments fork at every branch and copy the
/// union of every local name, and values are copied into containers, calls and summaries,
/// so a clone only counts a reference. A union is never changed in place; every operation
/// builds a new one ([`UnionBuilder`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Union {
    members: Arc<[Member]>,
    pruned: bool,
}

/// A union being built: members inserted one at a time (equal values merge their
/// origins), then normalized into a [`Union`].
struct UnionBuilder {
    members: Vec<Member>,
    pruned: bool,
}

impl UnionBuilder {
    fn new(pruned: bool) -> UnionBuilder {
        UnionBuilder {
            members: Vec::new(),
            pruned,
        }
    }

    fn from_union(union: &Union) -> UnionBuilder {
        UnionBuilder {
            members: union.members.to_vec(),
            pruned: union.pruned,
        }
    }

    fn finish(self) -> Union {
        Union {
            members: self.members.into(),
            pruned: self.pruned,
        }
    }

    /// Adds a member whose value may nest deeper than [`MAX_VALUE_DEPTH`].
    fn insert(&mut self, mut member: Member) {
        member.value = member.value.bounded(MAX_VALUE_DEPTH);
        self.insert_bounded(member);
    }

    /// Adds a member whose value is within [`MAX_VALUE_DEPTH`] already: a member of
    /// another union (every union's values are; see [`Union::new`]).
    fn insert_bounded(&mut self, member: Member) {
        if !self.merge_into_equal(&member) {
            self.members.push(member);
        }
    }

    /// [`Self::insert_bounded`] of a borrowed member: cloned only when its value is new.
    fn insert_bounded_ref(&mut self, member: &Member) {
        if !self.merge_into_equal(member) {
            self.members.push(member.clone());
        }
    }

    /// Adds the origins of `member` to the member of equal value, if there is one.
    fn merge_into_equal(&mut self, member: &Member) -> bool {
        debug_assert!(member.value.is_bounded(MAX_VALUE_DEPTH));
        match self
            .members
            .iter_mut()
            .find(|existing| existing.value == member.value)
        {
            Some(existing) => {
                merge_origins(&mut existing.origins, &member.origins);
                true
            }
            None => false,
        }
    }

    /// Drops `Unknown` when something is known: an `Unknown` member only stays when it is
    /// all we know, or when it carries origins (a path that yields an unknown value).
    fn normalize(&mut self) {
        // `int` subsumes `4`: literals of a type whose widened form is present fold into it.
        let widened_scalars: Vec<Value> = self
            .members
            .iter()
            .map(|member| &member.value)
            .filter(|value| {
                matches!(
                    value,
                    Value::Bool(None) | Value::Int(None) | Value::Float(None) | Value::Str(None)
                )
            })
            .cloned()
            .collect();
        if !widened_scalars.is_empty() {
            let members = std::mem::take(&mut self.members);
            for member in members {
                let widened = member.value.widened();
                if widened != member.value && widened_scalars.contains(&widened) {
                    self.insert(Member {
                        value: widened,
                        origins: member.origins,
                    });
                } else {
                    self.insert_bounded(member);
                }
            }
        }
        if self.members.len() > 1 {
            self.members
                .retain(|member| member.value != Value::Unknown || !member.origins.is_empty());
            if self.members.is_empty() {
                self.members.push(Member {
                    value: Value::Unknown,
                    origins: Vec::new(),
                });
            }
        }
        if self.members.len() > Union::MAX_MEMBERS {
            let members = std::mem::take(&mut self.members);
            for member in members {
                self.insert(Member {
                    value: member.value.widened(),
                    origins: member.origins,
                });
            }
            self.pruned = true;
            if self.members.len() > Union::MAX_MEMBERS {
                let tail: Vec<Member> = self.members.drain(Union::MAX_MEMBERS - 1..).collect();
                let origins = tail.into_iter().flat_map(|member| member.origins).collect();
                self.insert(Member {
                    value: Value::Unknown,
                    origins,
                });
            }
        }
        self.sort_members();
    }

    /// Members in the order of their first origins (see [`Origin`]'s `Ord`), members
    /// without origins last; a stable sort.
    fn sort_members(&mut self) {
        self.members.sort_by(
            |left, right| match (left.origins.first(), right.origins.first()) {
                (Some(left), Some(right)) => left.cmp(right),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
        );
    }
}

/// The origins of two equal members merged: sorted, deduplicated, at most
/// [`Union::MAX_ORIGINS`].
fn merge_origins(origins: &mut Vec<Origin>, added: &[Origin]) {
    origins.extend_from_slice(added);
    origins.sort();
    origins.dedup();
    origins.truncate(Union::MAX_ORIGINS);
}

impl Union {
    pub const MAX_MEMBERS: usize = 12;
    const MAX_ORIGINS: usize = 8;

    pub fn new(value: Value, origin: Option<Origin>) -> Union {
        Union {
            members: Arc::from([Member {
                value: value.bounded(MAX_VALUE_DEPTH),
                origins: origin.into_iter().collect(),
            }]),
            pruned: false,
        }
    }

    pub fn unknown() -> Union {
        Union::new(Value::Unknown, None)
    }

    pub fn members(&self) -> &[Member] {
        &self.members
    }

    pub fn pruned(&self) -> bool {
        self.pruned
    }

    /// The member when there is exactly one.
    pub fn single(&self) -> Option<&Value> {
        match &*self.members {
            [member] => Some(&member.value),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        self.members
            .iter()
            .all(|member| member.value == Value::Unknown)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.members.iter().map(|member| &member.value)
    }

    /// Every member of `self` and `other`, equal values merged.
    pub fn join(&self, other: &Union) -> Union {
        let mut joined = UnionBuilder::from_union(self);
        joined.pruned |= other.pruned;
        for member in other.members.iter() {
            joined.insert_bounded_ref(member);
        }
        joined.normalize();
        joined.finish()
    }

    pub fn join_all(unions: impl IntoIterator<Item = Union>) -> Option<Union> {
        let mut unions = unions.into_iter();
        let first = unions.next()?;
        Some(unions.fold(first, |joined, union| joined.join(&union)))
    }

    /// Whether some origin, at any depth (items, entries, shapes), is anchored.
    pub fn has_anchored_origins(&self) -> bool {
        self.members.iter().any(|member| {
            member.origins.iter().any(|origin| origin.anchor.is_some())
                || member.value.has_anchored_origins()
        })
    }

    /// Every origin, at any depth, replaced by `map` of it; each member's origins and
    /// the members are sorted again (anchoring or resolving an origin changes its
    /// place in the order). Values and member count are unchanged.
    pub fn map_origins(&self, map: &mut impl FnMut(Origin) -> Origin) -> Union {
        let mut mapped = UnionBuilder {
            members: self
                .members
                .iter()
                .map(|member| {
                    let mut origins: Vec<Origin> =
                        member.origins.iter().map(|origin| map(*origin)).collect();
                    origins.sort();
                    origins.dedup();
                    Member {
                        value: member.value.map_origins(map),
                        origins,
                    }
                })
                .collect(),
            pruned: self.pruned,
        };
        mapped.sort_members();
        mapped.finish()
    }

    fn bounded_union(&self, depth: usize) -> Union {
        let mut bounded: Vec<Member> = Vec::new();
        for member in self.members.iter() {
            let value = member.value.clone().bounded(depth);
            // `insert` bounds again at the top level; the value is already within it.
            match bounded.iter_mut().find(|existing| existing.value == value) {
                Some(existing) => existing.origins.extend(member.origins.iter().copied()),
                None => bounded.push(Member {
                    value,
                    origins: member.origins.clone(),
                }),
            }
        }
        Union {
            members: bounded.into(),
            pruned: self.pruned,
        }
    }

    /// Whether [`Value::bounded`] at `depth` leaves every member as it is. Members hold
    /// distinct values, so bounding merges none of them when none changes.
    fn is_bounded(&self, depth: usize) -> bool {
        self.members
            .iter()
            .all(|member| member.value.is_bounded(depth))
    }

    /// Every literal replaced by its type.
    pub fn widened(&self) -> Union {
        let mut widened = UnionBuilder::new(self.pruned);
        for member in self.members.iter() {
            widened.insert(Member {
                value: member.value.widened(),
                origins: member.origins.clone(),
            });
        }
        widened.normalize();
        widened.finish()
    }

    /// Keeps the members matching `keep`; `None` when none does (the path is impossible).
    pub fn filter(&self, mut keep: impl FnMut(&Value) -> bool) -> Option<Union> {
        let kept: Vec<bool> = self
            .members
            .iter()
            .map(|member| keep(&member.value))
            .collect();
        if kept.iter().all(|kept| *kept) {
            return Some(self.clone());
        }
        let members: Vec<Member> = self
            .members
            .iter()
            .zip(&kept)
            .filter(|(_, kept)| **kept)
            .map(|(member, _)| member.clone())
            .collect();
        if members.is_empty() {
            return None;
        }
        Some(Union {
            members: members.into(),
            pruned: self.pruned,
        })
    }

    /// Maps every member's value, keeping its origins.
    pub fn map(&self, mut map: impl FnMut(&Value) -> Value) -> Union {
        let mut mapped = UnionBuilder::new(self.pruned);
        for member in self.members.iter() {
            mapped.insert(Member {
                value: map(&member.value),
                origins: member.origins.clone(),
            });
        }
        mapped.normalize();
        mapped.finish()
    }

    /// Replaces each member by the values `expand` gives for it (keeping its origins), or
    /// keeps it when `expand` gives `None`.
    pub fn expand(&self, mut expand: impl FnMut(&Value) -> Option<Vec<Value>>) -> Union {
        let mut expanded = UnionBuilder::new(self.pruned);
        for member in self.members.iter() {
            match expand(&member.value) {
                Some(values) => {
                    for value in values {
                        expanded.insert(Member {
                            value,
                            origins: member.origins.clone(),
                        });
                    }
                }
                None => expanded.insert_bounded_ref(member),
            }
        }
        expanded.normalize();
        expanded.finish()
    }

    /// The same members with their origins replaced by `origin` (a value passing through
    /// a new binding keeps its value but now comes from here).
    pub fn with_origin(&self, origin: Origin) -> Union {
        Union {
            members: self
                .members
                .iter()
                .map(|member| Member {
                    value: member.value.clone(),
                    origins: vec![origin],
                })
                .collect(),
            pruned: self.pruned,
        }
    }

    /// Gives members without origins the origin `origin` (values from builtins or other
    /// files acquire the place they entered this code).
    pub fn with_default_origin(&self, origin: Origin) -> Union {
        let mut with = UnionBuilder::from_union(self);
        for member in &mut with.members {
            if member.origins.is_empty() {
                member.origins.push(origin);
            }
        }
        with.normalize();
        with.finish()
    }

    /// Members without origins take those of an equal member of `sources`: a call cached
    /// on its argument values without their origins returns the caller's values bare,
    /// and the caller still knows where they came from.
    pub fn with_origins_from<'a>(&self, sources: impl Iterator<Item = &'a Union> + Clone) -> Union {
        if self.members.iter().all(|member| !member.origins.is_empty()) {
            return self.clone();
        }
        let mut with = UnionBuilder::from_union(self);
        for member in &mut with.members {
            if !member.origins.is_empty() {
                continue;
            }
            for source in sources.clone() {
                for candidate in source.members.iter() {
                    if candidate.value == member.value {
                        member.origins.extend(candidate.origins.iter().copied());
                    }
                }
            }
            member.origins.sort();
            member.origins.dedup();
        }
        with.normalize();
        with.finish()
    }

    /// The same values with no origins (for summaries other files depend on).
    pub fn without_origins(&self) -> Union {
        let mut stripped = UnionBuilder::new(self.pruned);
        for member in self.members.iter() {
            stripped.insert_bounded(Member {
                value: member.value.clone(),
                origins: Vec::new(),
            });
        }
        stripped.finish()
    }

    pub fn mark_pruned(&mut self) {
        self.pruned = true;
    }
}

#[cfg(test)]
mod tests;
