//! The replay's values and heap: scalars are held inline, everything with identity
//! (lists, dicts, instances, classes, functions, iterators, environments) lives in the
//! [`Heap`] and is shared by its [`ObjId`], so mutation through one name is seen through
//! every other, as in Python.

use std::collections::VecDeque;
use std::rc::Rc;

use indexmap::IndexMap;
use rustc_hash::{FxBuildHasher, FxHashMap};
use tree_sitter::Node;

pub(crate) type ObjId = u32;

/// A value the replay knows exactly, or [`Value::Opaque`]: something outside the modelled
/// subset (an unmodelled import, a string it could not render). Using an opaque value stops
/// the replay.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    /// A builtin function or type (`len`, `int`, `dict`), by name.
    Builtin(&'static str),
    Obj(ObjId),
    Opaque,
}

impl Value {
    pub(crate) fn str(text: &str) -> Value {
        Value::Str(Rc::from(text))
    }
}

/// A dictionary key: Python's hash equality (`1 == 1.0 == True`) folded into one form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    None,
    Int(i64),
    /// A float that is not integral (integral floats are `Int`).
    Float(u64),
    Str(Rc<str>),
    Tuple(Vec<Key>),
    FrozenSet(Vec<Key>),
    /// Identity-hashed objects: instances, classes, functions.
    Id(ObjId),
    Builtin(&'static str),
}

pub(crate) type Map<K, V> = IndexMap<K, V, FxBuildHasher>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DictKind {
    Plain,
    DefaultDict,
    Counter,
    OrderedDict,
}

#[derive(Debug, Clone)]
pub(crate) struct Dict {
    /// Key → (the key as written, the value).
    pub(crate) entries: Map<Key, (Value, Value)>,
    pub(crate) kind: DictKind,
    pub(crate) default_factory: Option<Value>,
}

impl Dict {
    pub(crate) fn new(kind: DictKind) -> Dict {
        Dict {
            entries: Map::default(),
            kind,
            default_factory: None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Class<'t> {
    pub(crate) name: Rc<str>,
    pub(crate) bases: Vec<ObjId>,
    /// The class itself first.
    pub(crate) mro: Vec<ObjId>,
    pub(crate) attrs: Map<Rc<str>, Value>,
    /// A builtin exception class (`KeyError`) or `object`.
    pub(crate) builtin: bool,
    /// Annotated class attributes in order (dataclass fields).
    pub(crate) annotations: Vec<Rc<str>>,
    pub(crate) dataclass: Option<Vec<DataclassField>>,
    pub(crate) enum_members: Option<Vec<Value>>,
    pub(crate) namedtuple: Option<Vec<Rc<str>>>,
    pub(crate) node: Option<Node<'t>>,
}

#[derive(Debug, Clone)]
pub(crate) struct DataclassField {
    pub(crate) name: Rc<str>,
    pub(crate) default: Option<Value>,
    pub(crate) factory: Option<Value>,
    pub(crate) init: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamKind {
    Positional,
    PositionalOnly,
    VarArgs,
    KeywordOnly,
    VarKeywords,
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: Rc<str>,
    pub(crate) kind: ParamKind,
    pub(crate) default: Option<Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct Function<'t> {
    pub(crate) name: Rc<str>,
    /// `Class.method` for methods.
    pub(crate) qualname: Rc<str>,
    /// `function_definition` or `lambda`.
    pub(crate) node: Node<'t>,
    pub(crate) params: Rc<Vec<Param>>,
    /// The environment of the enclosing function (`None` at module level).
    pub(crate) closure: Option<ObjId>,
    pub(crate) is_async: bool,
    pub(crate) is_generator: bool,
    /// Decorated with `@abstractmethod`.
    pub(crate) is_abstract: bool,
    /// The class whose body defined this function (for `super()`).
    pub(crate) owner: Option<ObjId>,
}

/// The local variables of one function call (or comprehension).
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub(crate) vars: FxHashMap<Rc<str>, Value>,
    pub(crate) parent: Option<ObjId>,
}

#[derive(Debug, Clone)]
pub(crate) enum Iter {
    /// Live iteration over a list (appends during the loop are seen).
    List(ObjId, usize),
    /// A snapshot (tuples, strings, generators collected eagerly, dict views).
    Items(Rc<Vec<Value>>, usize),
    /// Over a dict's keys (view kind 0), values (1) or items (2), with the keys and the
    /// length at the start (a change of size raises RuntimeError).
    Dict(ObjId, u8, Rc<Vec<Key>>, usize, usize),
    Range(i64, i64, i64),
    /// A user iterator: `__next__` is called.
    User(Value),
    Count(i64, i64),
    Cycle(Rc<Vec<Value>>, usize),
    /// A generator collected eagerly whose body ended in an exception (or left the
    /// modelled subset) after these items: the end is reached only if the consumer gets there.
    Then(Rc<Vec<Value>>, usize, Rc<PendingEnd>),
    Exhausted,
}

#[derive(Debug, Clone)]
pub(crate) enum PendingEnd {
    Raise(super::interp::Raised),
    Stop(String),
}

#[derive(Debug, Clone)]
pub(crate) enum Obj<'t> {
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Dict),
    Set(Map<Key, Value>, bool),
    Deque(VecDeque<Value>, Option<usize>),
    Instance(ObjId, Map<Rc<str>, Value>),
    Class(Box<Class<'t>>),
    Function(Box<Function<'t>>),
    BoundMethod(Value, Value),
    /// A method of a builtin value (`items.append`) or module function, bound to its receiver.
    BuiltinMethod(Value, Rc<str>),
    Module(Rc<str>, FxHashMap<Rc<str>, Value>),
    Range(i64, i64, i64),
    Iterator(Iter),
    Env(Env),
    Property(Value, Option<Value>),
    StaticMethod(Value),
    ClassMethod(Value),
    /// A coroutine not awaited yet: the function and its bound environment.
    Coroutine(ObjId, ObjId),
    /// A generator: the function and its environment, collected on first use.
    Generator(ObjId, ObjId),
    Partial(Value, Vec<Value>, Vec<(Rc<str>, Value)>),
    Super(ObjId, Value),
    Slice(Value, Value, Value),
    /// `d.keys()` (0), `d.values()` (1), `d.items()` (2): live views of a dict.
    DictView(ObjId, u8),
}
