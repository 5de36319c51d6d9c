//! The interpreter state: the heap, the frames, name resolution, exceptions, and the
//! object protocol (attributes, calls, truth, equality, hashing, iteration, `str`/`repr`).
//! Statements and expressions are in `exec.rs`, builtins and methods in `builtins.rs`,
//! modelled modules in `modules.rs`.

use std::rc::Rc;

use line_index::{TextRange, TextSize};
use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::value::*;

/// Statements plus expressions evaluated before the replay gives up.
pub(crate) const STEP_BUDGET: u64 = 400_000;
/// Objects allocated before the replay gives up.
const HEAP_LIMIT: usize = 1_000_000;
/// Python's default recursion limit.
const RECURSION_LIMIT: usize = 1000;
/// Nested expression evaluation (in Rust frames) before the replay gives up.
const NESTING_LIMIT: u32 = 40_000;

/// How control leaves a statement or expression other than normally.
#[derive(Debug)]
pub(crate) enum Flow {
    Raise(Box<Raised>),
    /// Outside the modelled subset, or over a budget: the replay ends without a finding.
    Stop(String),
    Return(Value),
    Break,
    Continue,
}

#[derive(Debug, Clone)]
pub(crate) struct Raised {
    pub(crate) value: Value,
    /// Outermost first: where each frame was when the exception was raised.
    pub(crate) frames: Vec<(TextRange, Rc<str>)>,
}

pub(crate) type R<T> = Result<T, Flow>;

pub(crate) fn stop<T>(reason: impl Into<String>) -> R<T> {
    Err(Flow::Stop(reason.into()))
}

/// Which names a function body binds (its locals) and declares global or nonlocal.
#[derive(Debug, Default)]
pub(crate) struct ScopeInfo {
    pub(crate) locals: rustc_hash::FxHashSet<Rc<str>>,
    pub(crate) globals: rustc_hash::FxHashSet<Rc<str>>,
    pub(crate) nonlocals: rustc_hash::FxHashSet<Rc<str>>,
    pub(crate) is_generator: bool,
}

pub(crate) struct Frame {
    pub(crate) name: Rc<str>,
    pub(crate) at: TextRange,
    /// The locals (`None` at module level: the globals are the locals).
    pub(crate) env: Option<ObjId>,
    pub(crate) info: Option<Rc<ScopeInfo>>,
    /// A class body's namespace (an `Env`), looked up before the enclosing scopes.
    pub(crate) class_ns: Option<ObjId>,
    /// The running function (for `super()`).
    pub(crate) function: Option<ObjId>,
}

pub(crate) struct Interp<'t> {
    pub(crate) text: &'t str,
    pub(crate) heap: Vec<Obj<'t>>,
    pub(crate) globals: ObjId,
    pub(crate) classes: FxHashMap<&'static str, ObjId>,
    pub(crate) modules: FxHashMap<&'static str, Value>,
    pub(crate) frames: Vec<Frame>,
    pub(crate) steps: u64,
    pub(crate) nesting: u32,
    pub(crate) scope_infos: FxHashMap<usize, Rc<ScopeInfo>>,
    /// Values yielded by the generators being collected, innermost last.
    pub(crate) yields: Vec<Vec<Value>>,
    /// The exception being handled (for a bare `raise`), innermost last.
    pub(crate) handling: Vec<Raised>,
    pub(crate) script_path: Rc<str>,
}

/// The builtin exception hierarchy: (class, base).
pub(crate) const EXCEPTION_CLASSES: &[(&str, &str)] = &[
    ("BaseException", "object"),
    ("SystemExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("GeneratorExit", "BaseException"),
    ("Exception", "BaseException"),
    ("ArithmeticError", "Exception"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("FloatingPointError", "ArithmeticError"),
    ("AssertionError", "Exception"),
    ("AttributeError", "Exception"),
    ("BufferError", "Exception"),
    ("EOFError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("MemoryError", "Exception"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("OSError", "Exception"),
    ("FileNotFoundError", "OSError"),
    ("FileExistsError", "OSError"),
    ("PermissionError", "OSError"),
    ("IsADirectoryError", "OSError"),
    ("NotADirectoryError", "OSError"),
    ("TimeoutError", "OSError"),
    ("ConnectionError", "OSError"),
    ("ReferenceError", "Exception"),
    ("RuntimeError", "Exception"),
    ("NotImplementedError", "RuntimeError"),
    ("RecursionError", "RuntimeError"),
    ("StopIteration", "Exception"),
    ("StopAsyncIteration", "Exception"),
    ("SyntaxError", "Exception"),
    ("SystemError", "Exception"),
    ("TypeError", "Exception"),
    ("ValueError", "Exception"),
    ("UnicodeError", "ValueError"),
    ("UnicodeDecodeError", "UnicodeError"),
    ("UnicodeEncodeError", "UnicodeError"),
    ("JSONDecodeError", "ValueError"),
    ("Warning", "Exception"),
    ("UserWarning", "Warning"),
    ("DeprecationWarning", "Warning"),
    ("ABC", "object"),
    ("Enum", "object"),
    ("IntEnum", "Enum"),
    ("StrEnum", "Enum"),
];

impl<'t> Interp<'t> {
    pub(crate) fn new(text: &'t str, script_path: &str) -> Interp<'t> {
        let mut interp = Interp {
            text,
            heap: Vec::new(),
            globals: 0,
            classes: FxHashMap::default(),
            modules: FxHashMap::default(),
            frames: Vec::new(),
            steps: 0,
            nesting: 0,
            scope_infos: FxHashMap::default(),
            yields: Vec::new(),
            handling: Vec::new(),
            script_path: Rc::from(script_path),
        };
        let object = interp.alloc_raw(Obj::Class(Box::new(Class {
            name: Rc::from("object"),
            bases: Vec::new(),
            mro: Vec::new(),
            attrs: Map::default(),
            builtin: true,
            annotations: Vec::new(),
            dataclass: None,
            enum_members: None,
            namedtuple: None,
            node: None,
        })));
        interp.set_mro(object, vec![object]);
        interp.classes.insert("object", object);
        for (name, base) in EXCEPTION_CLASSES {
            let base = interp.classes[base];
            let mut mro = vec![];
            if let Obj::Class(class) = &interp.heap[base as usize] {
                mro = class.mro.clone();
            }
            let id = interp.alloc_raw(Obj::Class(Box::new(Class {
                name: Rc::from(*name),
                bases: vec![base],
                mro: Vec::new(),
                attrs: Map::default(),
                builtin: true,
                annotations: Vec::new(),
                dataclass: None,
                enum_members: None,
                namedtuple: None,
                node: None,
            })));
            mro.insert(0, id);
            interp.set_mro(id, mro);
            interp.classes.insert(name, id);
        }
        let mut vars = FxHashMap::default();
        vars.insert(Rc::from("__name__"), Value::str("__main__"));
        vars.insert(Rc::from("__file__"), Value::str(script_path));
        vars.insert(Rc::from("__doc__"), Value::None);
        interp.globals = interp.alloc_raw(Obj::Env(Env { vars, parent: None }));
        interp
    }

    fn set_mro(&mut self, class: ObjId, mro: Vec<ObjId>) {
        if let Obj::Class(data) = &mut self.heap[class as usize] {
            data.mro = mro;
        }
    }

    fn alloc_raw(&mut self, obj: Obj<'t>) -> ObjId {
        self.heap.push(obj);
        (self.heap.len() - 1) as ObjId
    }

    pub(crate) fn alloc(&mut self, obj: Obj<'t>) -> R<Value> {
        if self.heap.len() >= HEAP_LIMIT {
            return stop("heap limit");
        }
        Ok(Value::Obj(self.alloc_raw(obj)))
    }

    pub(crate) fn alloc_id(&mut self, obj: Obj<'t>) -> R<ObjId> {
        match self.alloc(obj)? {
            Value::Obj(id) => Ok(id),
            _ => unreachable!("alloc returns an object"),
        }
    }

    pub(crate) fn obj(&self, id: ObjId) -> &Obj<'t> {
        &self.heap[id as usize]
    }

    pub(crate) fn obj_mut(&mut self, id: ObjId) -> &mut Obj<'t> {
        &mut self.heap[id as usize]
    }

    pub(crate) fn step(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > STEP_BUDGET {
            return stop("step budget");
        }
        Ok(())
    }

    pub(crate) fn enter(&mut self) -> R<()> {
        self.nesting += 1;
        if self.nesting > NESTING_LIMIT {
            self.nesting -= 1;
            return stop("nesting limit");
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.nesting -= 1;
    }

    pub(crate) fn node_text(&self, node: Node<'_>) -> &'t str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    pub(crate) fn set_position(&mut self, node: Node<'_>) {
        if let Some(frame) = self.frames.last_mut() {
            frame.at = range_of(node);
        }
    }

    // ---- values ---------------------------------------------------------------------

    pub(crate) fn list(&mut self, items: Vec<Value>) -> R<Value> {
        self.alloc(Obj::List(items))
    }

    pub(crate) fn tuple(&mut self, items: Vec<Value>) -> R<Value> {
        self.alloc(Obj::Tuple(items))
    }

    /// The class of an instance (`None` for everything else).
    pub(crate) fn instance_class(&self, value: &Value) -> Option<ObjId> {
        match value {
            Value::Obj(id) => match self.obj(*id) {
                Obj::Instance(class, _) => Some(*class),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn class(&self, id: ObjId) -> &Class<'t> {
        match self.obj(id) {
            Obj::Class(class) => class,
            _ => panic!("not a class"),
        }
    }

    pub(crate) fn is_class(&self, value: &Value) -> Option<ObjId> {
        match value {
            Value::Obj(id) if matches!(self.obj(*id), Obj::Class(_)) => Some(*id),
            _ => None,
        }
    }

    pub(crate) fn is_subclass(&self, class: ObjId, ancestor: ObjId) -> bool {
        self.class(class).mro.contains(&ancestor)
    }

    /// The Python type name of a value, as error messages print it.
    pub(crate) fn type_name(&self, value: &Value) -> Rc<str> {
        let name: &str = match value {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Builtin(name) => {
                if builtin_is_type(name) {
                    "type"
                } else {
                    "builtin_function_or_method"
                }
            }
            Value::Opaque => "object",
            Value::Obj(id) => match self.obj(*id) {
                Obj::List(_) => "list",
                Obj::Tuple(_) => "tuple",
                Obj::Dict(dict) => match dict.kind {
                    DictKind::Plain => "dict",
                    DictKind::DefaultDict => "collections.defaultdict",
                    DictKind::Counter => "Counter",
                    DictKind::OrderedDict => "OrderedDict",
                },
                Obj::Set(_, frozen) => {
                    if *frozen {
                        "frozenset"
                    } else {
                        "set"
                    }
                }
                Obj::Deque(..) => "collections.deque",
                Obj::Instance(class, _) => return self.class(*class).name.clone(),
                Obj::Class(_) => "type",
                Obj::Function(_) => "function",
                Obj::BoundMethod(..) => "method",
                Obj::BuiltinMethod(..) => "builtin_function_or_method",
                Obj::Module(..) => "module",
                Obj::Range(..) => "range",
                Obj::Iterator(_) => "iterator",
                Obj::Env(_) => "dict",
                Obj::Property(..) => "property",
                Obj::StaticMethod(_) => "staticmethod",
                Obj::ClassMethod(_) => "classmethod",
                Obj::Coroutine(..) => "coroutine",
                Obj::Generator(..) => "generator",
                Obj::Partial(..) => "functools.partial",
                Obj::Super(..) => "super",
                Obj::Slice(..) => "slice",
                Obj::DictView(_, 0) => "dict_keys",
                Obj::DictView(_, 1) => "dict_values",
                Obj::DictView(..) => "dict_items",
            },
        };
        Rc::from(name)
    }

    // ---- exceptions -----------------------------------------------------------------

    /// Raises the builtin exception `class` with a message, at `node`.
    pub(crate) fn error<T>(
        &mut self,
        node: Node<'_>,
        class: &str,
        message: impl Into<String>,
    ) -> R<T> {
        let message = Value::str(&message.into());
        self.raise_with_args(node, class, vec![message])
    }

    pub(crate) fn raise_with_args<T>(
        &mut self,
        node: Node<'_>,
        class: &str,
        args: Vec<Value>,
    ) -> R<T> {
        let class = match self.classes.get(class) {
            Some(class) => *class,
            None => return stop(format!("unmodelled exception {class}")),
        };
        let args = self.tuple(args)?;
        let mut attrs = Map::default();
        attrs.insert(Rc::from("args"), args);
        let value = self.alloc(Obj::Instance(class, attrs))?;
        self.set_position(node);
        Err(self.raise_value(value))
    }

    pub(crate) fn raise_value(&self, value: Value) -> Flow {
        let frames = self
            .frames
            .iter()
            .map(|frame| (frame.at, frame.name.clone()))
            .collect();
        Flow::Raise(Box::new(Raised { value, frames }))
    }

    /// Whether the exception `value` is an instance of `class` (a class or a tuple of them).
    pub(crate) fn exception_matches(&self, value: &Value, class: &Value) -> R<bool> {
        let Some(exception_class) = self.instance_class(value) else {
            return stop("raised a non-exception");
        };
        match class {
            Value::Obj(id) => match self.obj(*id) {
                Obj::Class(_) => Ok(self.is_subclass(exception_class, *id)),
                Obj::Tuple(items) => {
                    for item in items.clone() {
                        if self.exception_matches(value, &item)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
                _ => stop("except with a non-class"),
            },
            _ => stop("except with an unknown class"),
        }
    }

    // ---- names ----------------------------------------------------------------------

    pub(crate) fn scope_info(&mut self, node: Node<'t>) -> Rc<ScopeInfo> {
        if let Some(info) = self.scope_infos.get(&node.id()) {
            return info.clone();
        }
        let info = Rc::new(super::scope::scope_info(self.text, node));
        self.scope_infos.insert(node.id(), info.clone());
        info
    }

    fn env_get(&self, env: ObjId, name: &str) -> Option<Value> {
        match self.obj(env) {
            Obj::Env(env) => env.vars.get(name).cloned(),
            _ => None,
        }
    }

    fn env_parent(&self, env: ObjId) -> Option<ObjId> {
        match self.obj(env) {
            Obj::Env(env) => env.parent,
            _ => None,
        }
    }

    pub(crate) fn env_set(&mut self, env: ObjId, name: Rc<str>, value: Value) {
        if let Obj::Env(env) = self.obj_mut(env) {
            env.vars.insert(name, value);
        }
    }

    fn env_remove(&mut self, env: ObjId, name: &str) -> bool {
        match self.obj_mut(env) {
            Obj::Env(env) => env.vars.remove(name).is_some(),
            _ => false,
        }
    }

    pub(crate) fn global(&self, name: &str) -> Option<Value> {
        self.env_get(self.globals, name)
    }

    pub(crate) fn load_name(&mut self, name: &str, node: Node<'_>) -> R<Value> {
        let frame = self.frames.last().expect("a frame runs");
        let (env, info, class_ns) = (frame.env, frame.info.clone(), frame.class_ns);
        if let Some(ns) = class_ns
            && let Some(value) = self.env_get(ns, name)
        {
            return Ok(value);
        }
        if let (Some(env), Some(info)) = (env, &info) {
            if info.globals.contains(name) {
                return self.load_global(name, node);
            }
            if info.locals.contains(name) && class_ns.is_none() {
                return match self.env_get(env, name) {
                    Some(value) => Ok(value),
                    None => self.error(
                        node,
                        "UnboundLocalError",
                        format!(
                            "cannot access local variable '{name}' where it is not associated with a value"
                        ),
                    ),
                };
            }
            let mut current = Some(env);
            while let Some(scope) = current {
                if let Some(value) = self.env_get(scope, name) {
                    return Ok(value);
                }
                current = self.env_parent(scope);
            }
        }
        self.load_global(name, node)
    }

    fn load_global(&mut self, name: &str, node: Node<'_>) -> R<Value> {
        if let Some(value) = self.global(name) {
            return Ok(value);
        }
        if let Some(value) = self.builtin_name(name) {
            return Ok(value);
        }
        if name.starts_with("__") {
            return stop(format!("unmodelled name {name}"));
        }
        self.error(node, "NameError", format!("name '{name}' is not defined"))
    }

    pub(crate) fn builtin_name(&self, name: &str) -> Option<Value> {
        if matches!(name, "IOError" | "EnvironmentError") {
            return Some(Value::Obj(self.classes["OSError"]));
        }
        if let Some(class) = self.classes.get(name)
            && !matches!(
                name,
                "ABC" | "Enum" | "IntEnum" | "StrEnum" | "JSONDecodeError"
            )
        {
            return Some(Value::Obj(*class));
        }
        super::builtins::BUILTIN_FUNCTIONS
            .iter()
            .find(|builtin| **builtin == name)
            .map(|builtin| Value::Builtin(builtin))
    }

    pub(crate) fn store_name(&mut self, name: &str, value: Value) -> R<()> {
        let frame = self.frames.last().expect("a frame runs");
        let (env, info, class_ns) = (frame.env, frame.info.clone(), frame.class_ns);
        let name: Rc<str> = Rc::from(name);
        if let Some(ns) = class_ns {
            self.env_set(ns, name, value);
            return Ok(());
        }
        match (env, info) {
            (Some(env), Some(info)) => {
                if info.globals.contains(&name) {
                    let globals = self.globals;
                    self.env_set(globals, name, value);
                } else if info.nonlocals.contains(&name) {
                    let mut current = self.env_parent(env);
                    while let Some(scope) = current {
                        if self.env_get(scope, &name).is_some() {
                            self.env_set(scope, name, value);
                            return Ok(());
                        }
                        current = self.env_parent(scope);
                    }
                    return stop("nonlocal not found");
                } else {
                    self.env_set(env, name, value);
                }
            }
            _ => {
                let globals = self.globals;
                self.env_set(globals, name, value);
            }
        }
        Ok(())
    }

    pub(crate) fn delete_name(&mut self, name: &str, node: Node<'_>) -> R<()> {
        let frame = self.frames.last().expect("a frame runs");
        let target = frame.class_ns.or(frame.env).unwrap_or(self.globals);
        if !self.env_remove(target, name) {
            return self.error(node, "NameError", format!("name '{name}' is not defined"));
        }
        Ok(())
    }

    // ---- attributes -----------------------------------------------------------------

    /// `name` looked up along the class's MRO: (the class that defines it, the value).
    pub(crate) fn class_lookup(&self, class: ObjId, name: &str) -> Option<(ObjId, Value)> {
        for ancestor in &self.class(class).mro {
            if let Some(value) = self.class(*ancestor).attrs.get(name) {
                return Some((*ancestor, value.clone()));
            }
        }
        None
    }

    pub(crate) fn user_method(&self, value: &Value, name: &str) -> Option<Value> {
        let class = self.instance_class(value)?;
        let (_, method) = self.class_lookup(class, name)?;
        Some(method)
    }

    /// `__name` written in a class body's method means `_Class__name`.
    pub(crate) fn mangle(&self, name: &'t str) -> std::borrow::Cow<'t, str> {
        if !name.starts_with("__") || name.ends_with("__") {
            return std::borrow::Cow::Borrowed(name);
        }
        // The innermost frame decides: a method of a class mangles, anything else does not.
        let owner =
            self.frames
                .last()
                .and_then(|frame| match frame.function.map(|id| self.obj(id)) {
                    Some(Obj::Function(function)) => function.owner,
                    _ => None,
                });
        match owner {
            Some(owner) => {
                let class = self.class(owner).name.trim_start_matches('_').to_owned();
                std::borrow::Cow::Owned(format!("_{class}{name}"))
            }
            None => std::borrow::Cow::Borrowed(name),
        }
    }

    pub(crate) fn get_attr(&mut self, object: &Value, name: &str, node: Node<'_>) -> R<Value> {
        match object {
            Value::Opaque => stop("attribute of an unknown value"),
            Value::None => self.error(
                node,
                "AttributeError",
                format!("'NoneType' object has no attribute '{name}'"),
            ),
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id) {
                    Obj::Instance(class, attrs) => {
                        let class = *class;
                        let own = attrs.get(name).cloned();
                        if let Some((_, attribute)) = self.class_lookup(class, name) {
                            if let Value::Obj(attribute_id) = attribute
                                && let Obj::Property(getter, _) = self.obj(attribute_id)
                            {
                                let getter = getter.clone();
                                return self.call(&getter, vec![object.clone()], Vec::new(), node);
                            }
                            if let Some(own) = own {
                                return Ok(own);
                            }
                            return self.bind(attribute, object.clone(), class);
                        }
                        if let Some(own) = own {
                            return Ok(own);
                        }
                        if name == "__class__" {
                            return Ok(Value::Obj(class));
                        }
                        if name == "__dict__" || name.starts_with("__") {
                            return stop(format!("unmodelled attribute {name}"));
                        }
                        let library_class = self.class(class).namedtuple.is_some()
                            || self.class(class).enum_members.is_some()
                            || self.dataclass_of(class).is_some();
                        if library_class && name.starts_with('_') {
                            return stop(format!("library instance attribute {name}"));
                        }
                        if let Some((_, getattr)) = self.class_lookup(class, "__getattr__") {
                            let getattr = self.bind(getattr, object.clone(), class)?;
                            return self.call(&getattr, vec![Value::str(name)], Vec::new(), node);
                        }
                        let class_name = self.class(class).name.clone();
                        self.error(
                            node,
                            "AttributeError",
                            format!("'{class_name}' object has no attribute '{name}'"),
                        )
                    }
                    Obj::Class(class) => {
                        if name == "__name__" || name == "__qualname__" {
                            return Ok(Value::Str(class.name.clone()));
                        }
                        if let Some((_, attribute)) = self.class_lookup(id, name) {
                            return match attribute {
                                Value::Obj(attribute_id) => match self.obj(attribute_id) {
                                    Obj::StaticMethod(function) => Ok(function.clone()),
                                    Obj::ClassMethod(function) => {
                                        let function = function.clone();
                                        self.alloc(Obj::BoundMethod(Value::Obj(id), function))
                                    }
                                    _ => Ok(attribute),
                                },
                                _ => Ok(attribute),
                            };
                        }
                        // Classes made by the library carry attributes the replay does not
                        // model (a namedtuple's field descriptors, an enum's `_member_map_`).
                        if class.namedtuple.is_some()
                            || (class.enum_members.is_some() && name.starts_with('_'))
                        {
                            return stop(format!("library class attribute {name}"));
                        }
                        if class.enum_members.is_some() || !class.builtin {
                            if name.starts_with("__") {
                                return stop(format!("unmodelled class attribute {name}"));
                            }
                            let class_name = class.name.clone();
                            return self.error(
                                node,
                                "AttributeError",
                                format!("type object '{class_name}' has no attribute '{name}'"),
                            );
                        }
                        stop(format!("attribute {name} of a builtin class"))
                    }
                    Obj::Module(module, attrs) => match attrs.get(name) {
                        Some(value) => Ok(value.clone()),
                        None => {
                            let module = module.clone();
                            super::modules::module_attribute(self, object, &module, name, node)
                        }
                    },
                    Obj::Super(owner, receiver) => {
                        let (owner, receiver) = (*owner, receiver.clone());
                        self.super_attr(owner, receiver, name, node)
                    }
                    Obj::Function(function) => match name {
                        "__name__" | "__qualname__" => Ok(Value::Str(function.name.clone())),
                        _ => stop(format!("function attribute {name}")),
                    },
                    Obj::Property(getter, _) if name == "setter" => {
                        let getter = getter.clone();
                        self.alloc(Obj::BuiltinMethod(
                            Value::Obj(id),
                            Rc::from(format!("property.setter:{}", getter_id(&getter)).as_str()),
                        ))
                    }
                    _ => super::builtins::builtin_attr(self, object, name, node),
                }
            }
            _ => super::builtins::builtin_attr(self, object, name, node),
        }
    }

    /// A class attribute read through an instance: functions become bound methods.
    pub(crate) fn bind(&mut self, attribute: Value, receiver: Value, class: ObjId) -> R<Value> {
        let Value::Obj(id) = attribute else {
            return Ok(attribute);
        };
        match self.obj(id) {
            Obj::Function(_) => self.alloc(Obj::BoundMethod(receiver, attribute)),
            Obj::StaticMethod(function) => Ok(function.clone()),
            Obj::ClassMethod(function) => {
                let function = function.clone();
                self.alloc(Obj::BoundMethod(Value::Obj(class), function))
            }
            _ => Ok(attribute),
        }
    }

    fn super_attr(
        &mut self,
        owner: ObjId,
        receiver: Value,
        name: &str,
        node: Node<'_>,
    ) -> R<Value> {
        let class = match self.instance_class(&receiver) {
            Some(class) => class,
            None => match self.is_class(&receiver) {
                Some(class) => class,
                None => return stop("super() of a non-instance"),
            },
        };
        let mro = self.class(class).mro.clone();
        let start = mro
            .iter()
            .position(|entry| *entry == owner)
            .map_or(mro.len(), |at| at + 1);
        for ancestor in &mro[start..] {
            let ancestor_class = self.class(*ancestor);
            if ancestor_class.builtin {
                // `super().__init__(message)` of an exception, `object.__init__`.
                return match name {
                    "__init__" => {
                        self.alloc(Obj::BuiltinMethod(receiver, Rc::from("super.__init__")))
                    }
                    _ => stop(format!("super().{name} of a builtin class")),
                };
            }
            if let Some(value) = ancestor_class.attrs.get(name).cloned() {
                return self.bind(value, receiver, class);
            }
        }
        let _ = node;
        stop(format!("super().{name} not found"))
    }

    pub(crate) fn set_attr(
        &mut self,
        object: &Value,
        name: &str,
        value: Value,
        node: Node<'_>,
    ) -> R<()> {
        match object {
            Value::None => self.error(
                node,
                "AttributeError",
                format!("'NoneType' object has no attribute '{name}'"),
            ),
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id) {
                    Obj::Instance(class, _) => {
                        let class = *class;
                        if self.class_lookup(class, "__setattr__").is_some()
                            || self.class_lookup(class, "__slots__").is_some()
                        {
                            return stop("custom __setattr__ or __slots__");
                        }
                        if let Some((_, Value::Obj(attribute))) = self.class_lookup(class, name)
                            && let Obj::Property(_, setter) = self.obj(attribute)
                        {
                            return match setter.clone() {
                                Some(setter) => {
                                    self.call(
                                        &setter,
                                        vec![object.clone(), value],
                                        Vec::new(),
                                        node,
                                    )?;
                                    Ok(())
                                }
                                None => {
                                    let class_name = self.class(class).name.clone();
                                    self.error(
                                            node,
                                            "AttributeError",
                                            format!("property '{name}' of '{class_name}' object has no setter"),
                                        )
                                }
                            };
                        }
                        if let Obj::Instance(_, attrs) = self.obj_mut(id) {
                            attrs.insert(Rc::from(name), value);
                        }
                        Ok(())
                    }
                    Obj::Class(class) if !class.builtin => {
                        if let Obj::Class(class) = self.obj_mut(id) {
                            class.attrs.insert(Rc::from(name), value);
                        }
                        Ok(())
                    }
                    Obj::Function(_) => Ok(()),
                    _ => stop("attribute store on a builtin value"),
                }
            }
            _ => stop("attribute store on a builtin value"),
        }
    }

    // ---- calls ----------------------------------------------------------------------

    pub(crate) fn call(
        &mut self,
        callee: &Value,
        mut args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
        node: Node<'_>,
    ) -> R<Value> {
        self.step()?;
        match callee {
            Value::Builtin(name) => super::builtins::call_builtin(self, name, args, kwargs, node),
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id) {
                    Obj::Function(_) => self.call_function(id, args, kwargs, node),
                    Obj::BoundMethod(receiver, function) => {
                        let (receiver, function) = (receiver.clone(), function.clone());
                        args.insert(0, receiver);
                        self.call(&function, args, kwargs, node)
                    }
                    Obj::BuiltinMethod(receiver, name) => {
                        let (receiver, name) = (receiver.clone(), name.clone());
                        super::builtins::call_method(self, &receiver, &name, args, kwargs, node)
                    }
                    Obj::Class(_) => self.instantiate(id, args, kwargs, node),
                    Obj::Partial(function, bound, bound_kwargs) => {
                        let function = function.clone();
                        let mut all = bound.clone();
                        all.extend(args);
                        let mut all_kwargs = bound_kwargs.clone();
                        for (key, value) in kwargs {
                            all_kwargs.retain(|(name, _)| *name != key);
                            all_kwargs.push((key, value));
                        }
                        self.call(&function, all, all_kwargs, node)
                    }
                    Obj::Instance(class, _) => {
                        let class = *class;
                        match self.class_lookup(class, "__call__") {
                            Some((_, method)) => {
                                let method = self.bind(method, callee.clone(), class)?;
                                self.call(&method, args, kwargs, node)
                            }
                            None => {
                                let name = self.class(class).name.clone();
                                self.error(
                                    node,
                                    "TypeError",
                                    format!("'{name}' object is not callable"),
                                )
                            }
                        }
                    }
                    _ => {
                        let name = self.type_name(callee);
                        self.error(
                            node,
                            "TypeError",
                            format!("'{name}' object is not callable"),
                        )
                    }
                }
            }
            Value::Opaque => stop("call of an unknown value"),
            _ => {
                let name = self.type_name(callee);
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object is not callable"),
                )
            }
        }
    }

    pub(crate) fn call_function(
        &mut self,
        function_id: ObjId,
        args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
        node: Node<'_>,
    ) -> R<Value> {
        let Obj::Function(function) = self.obj(function_id) else {
            return stop("not a function");
        };
        let function = function.clone();
        let env = self.alloc_id(Obj::Env(Env {
            vars: FxHashMap::default(),
            parent: function.closure,
        }))?;
        self.bind_arguments(&function, env, args, kwargs, node)?;
        if function.is_generator {
            return self.alloc(Obj::Generator(function_id, env));
        }
        if function.is_async {
            return self.alloc(Obj::Coroutine(function_id, env));
        }
        self.run_function(function_id, env, node)
    }

    /// Runs the body of a function whose arguments are bound in `env`.
    pub(crate) fn run_function(
        &mut self,
        function_id: ObjId,
        env: ObjId,
        node: Node<'_>,
    ) -> R<Value> {
        let Obj::Function(function) = self.obj(function_id) else {
            return stop("not a function");
        };
        let function = function.clone();
        if self.frames.len() >= RECURSION_LIMIT {
            return self.error(node, "RecursionError", "maximum recursion depth exceeded");
        }
        self.set_position(node);
        let info = self.scope_info(function.node);
        self.frames.push(Frame {
            name: function.name.clone(),
            at: range_of(function.node),
            env: Some(env),
            info: Some(info),
            class_ns: None,
            function: Some(function_id),
        });
        let Some(body) = function.node.child_by_field_name("body") else {
            self.frames.pop();
            return stop("function without a body");
        };
        let result = if function.node.kind() == "lambda" {
            self.eval(body)
        } else {
            match self.exec_block(body) {
                Ok(()) => Ok(Value::None),
                Err(Flow::Return(value)) => Ok(value),
                Err(Flow::Break | Flow::Continue) => stop("break outside a loop"),
                Err(other) => Err(other),
            }
        };
        self.frames.pop();
        result
    }

    fn bind_arguments(
        &mut self,
        function: &Function<'t>,
        env: ObjId,
        args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
        node: Node<'_>,
    ) -> R<()> {
        let params = function.params.clone();
        let qualname = function.qualname.clone();
        let positional: Vec<&Param> = params
            .iter()
            .filter(|param| {
                matches!(
                    param.kind,
                    ParamKind::Positional | ParamKind::PositionalOnly
                )
            })
            .collect();
        let var_args = params.iter().find(|param| param.kind == ParamKind::VarArgs);
        let var_kwargs = params
            .iter()
            .find(|param| param.kind == ParamKind::VarKeywords);
        let mut bound: FxHashMap<Rc<str>, Value> = FxHashMap::default();
        let given = args.len();
        let mut args = args.into_iter();
        for param in &positional {
            match args.next() {
                Some(value) => {
                    bound.insert(param.name.clone(), value);
                }
                None => break,
            }
        }
        let extra: Vec<Value> = args.collect();
        if !extra.is_empty() && var_args.is_none() {
            let required = positional
                .iter()
                .filter(|param| param.default.is_none())
                .count();
            let takes = if required == positional.len() {
                format!(
                    "{} positional argument{}",
                    positional.len(),
                    plural(positional.len())
                )
            } else {
                format!(
                    "from {} to {} positional arguments",
                    required,
                    positional.len()
                )
            };
            let were = if given == 1 { "was" } else { "were" };
            return self.error(
                node,
                "TypeError",
                format!("{qualname}() takes {takes} but {given} {were} given"),
            );
        }
        if let Some(var_args) = var_args {
            let tuple = self.tuple(extra)?;
            bound.insert(var_args.name.clone(), tuple);
        }
        let mut extra_kwargs = Vec::new();
        for (key, value) in kwargs {
            let param = params.iter().find(|param| {
                param.name == key
                    && matches!(param.kind, ParamKind::Positional | ParamKind::KeywordOnly)
            });
            match param {
                Some(param) => {
                    if bound.contains_key(&param.name) {
                        return self.error(
                            node,
                            "TypeError",
                            format!("{qualname}() got multiple values for argument '{key}'"),
                        );
                    }
                    bound.insert(param.name.clone(), value);
                }
                None if var_kwargs.is_some() => extra_kwargs.push((key, value)),
                None => {
                    return self.error(
                        node,
                        "TypeError",
                        format!("{qualname}() got an unexpected keyword argument '{key}'"),
                    );
                }
            }
        }
        let mut missing = Vec::new();
        let mut missing_keyword = Vec::new();
        for param in params.iter() {
            if matches!(param.kind, ParamKind::VarArgs | ParamKind::VarKeywords)
                || bound.contains_key(&param.name)
            {
                continue;
            }
            match &param.default {
                Some(default) => {
                    bound.insert(param.name.clone(), default.clone());
                }
                None if param.kind == ParamKind::KeywordOnly => {
                    missing_keyword.push(param.name.clone())
                }
                None => missing.push(param.name.clone()),
            }
        }
        if !missing.is_empty() || !missing_keyword.is_empty() {
            let (names, kind) = if missing.is_empty() {
                (missing_keyword, "keyword-only")
            } else {
                (missing, "positional")
            };
            let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
            let list = match quoted.len() {
                1 => quoted[0].clone(),
                _ => format!(
                    "{} and {}",
                    quoted[..quoted.len() - 1].join(", "),
                    quoted[quoted.len() - 1]
                ),
            };
            return self.error(
                node,
                "TypeError",
                format!(
                    "{qualname}() missing {} required {kind} argument{}: {list}",
                    names.len(),
                    plural(names.len())
                ),
            );
        }
        if let Some(var_kwargs) = var_kwargs {
            let mut dict = Dict::new(DictKind::Plain);
            for (key, value) in extra_kwargs {
                dict.entries
                    .insert(Key::Str(key.clone()), (Value::Str(key), value));
            }
            let dict = self.alloc(Obj::Dict(dict))?;
            bound.insert(var_kwargs.name.clone(), dict);
        }
        for (name, value) in bound {
            self.env_set(env, name, value);
        }
        Ok(())
    }

    pub(crate) fn instantiate(
        &mut self,
        class: ObjId,
        args: Vec<Value>,
        kwargs: Vec<(Rc<str>, Value)>,
        node: Node<'_>,
    ) -> R<Value> {
        let data = self.class(class).clone();
        if data.builtin && !self.is_subclass(class, self.classes["BaseException"]) {
            if data.name.as_ref() == "object" && args.is_empty() && kwargs.is_empty() {
                return self.alloc(Obj::Instance(class, Map::default()));
            }
            return stop(format!("instantiating {}", data.name));
        }
        if let Some(members) = &data.enum_members {
            return super::modules::enum_lookup(self, class, members.clone(), args, node);
        }
        if self.class_lookup(class, "__new__").is_some() {
            return stop("custom __new__");
        }
        if let Some(abc) = self.classes.get("ABC").copied()
            && self.is_subclass(class, abc)
        {
            let mut abstract_names = Vec::new();
            let mut seen = rustc_hash::FxHashSet::default();
            for ancestor in data.mro.clone() {
                let names: Vec<(Rc<str>, Value)> = self
                    .class(ancestor)
                    .attrs
                    .iter()
                    .map(|(name, value)| (name.clone(), value.clone()))
                    .collect();
                for (name, value) in names {
                    if !seen.insert(name.clone()) {
                        continue;
                    }
                    if self.is_abstract(&value) {
                        abstract_names.push(name);
                    }
                }
            }
            if !abstract_names.is_empty() {
                abstract_names.sort();
                let quoted: Vec<String> = abstract_names
                    .iter()
                    .map(|name| format!("'{name}'"))
                    .collect();
                let noun = if quoted.len() == 1 {
                    "method"
                } else {
                    "methods"
                };
                return self.error(
                        node,
                        "TypeError",
                        format!(
                            "Can't instantiate abstract class {} without an implementation for abstract {noun} {}",
                            data.name,
                            quoted.join(", ")
                        ),
                    );
            }
        }
        let mut attrs = Map::default();
        let is_exception = self.is_subclass(class, self.classes["BaseException"]);
        if is_exception {
            let tuple = self.tuple(args.clone())?;
            attrs.insert(Rc::from("args"), tuple);
        }
        let instance = self.alloc(Obj::Instance(class, attrs))?;
        let init = data
            .mro
            .iter()
            .find_map(|ancestor| {
                let ancestor = self.class(*ancestor);
                if ancestor.builtin {
                    return Some(None);
                }
                ancestor.attrs.get("__init__").cloned().map(Some)
            })
            .flatten();
        match init {
            Some(init) => {
                let init = self.bind(init, instance.clone(), class)?;
                self.call(&init, args, kwargs, node)?;
            }
            None => {
                if let Some(fields) = self.dataclass_of(class) {
                    super::modules::dataclass_init(
                        self, &instance, class, fields, args, kwargs, node,
                    )?;
                } else if let Some(fields) = data.namedtuple.clone() {
                    super::modules::namedtuple_init(
                        self, &instance, &data.name, fields, args, kwargs, node,
                    )?;
                } else if !is_exception && (!args.is_empty() || !kwargs.is_empty()) {
                    return self.error(
                        node,
                        "TypeError",
                        format!("{}() takes no arguments", data.name),
                    );
                }
            }
        }
        Ok(instance)
    }

    pub(crate) fn dataclass_of(&self, class: ObjId) -> Option<Vec<DataclassField>> {
        self.class(class)
            .mro
            .iter()
            .find_map(|ancestor| self.class(*ancestor).dataclass.clone())
    }

    pub(crate) fn is_abstract(&self, value: &Value) -> bool {
        let Value::Obj(id) = value else {
            return false;
        };
        match self.obj(*id) {
            Obj::Function(function) => function.is_abstract,
            Obj::Property(getter, _) => self.is_abstract(getter),
            Obj::StaticMethod(inner) | Obj::ClassMethod(inner) => self.is_abstract(inner),
            _ => false,
        }
    }
}

fn getter_id(getter: &Value) -> u32 {
    match getter {
        Value::Obj(id) => *id,
        _ => 0,
    }
}

pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

pub(crate) fn range_of(node: Node<'_>) -> TextRange {
    TextRange::new(
        TextSize::from(node.start_byte() as u32),
        TextSize::from(node.end_byte() as u32),
    )
}

pub(crate) fn builtin_is_type(name: &str) -> bool {
    matches!(
        name,
        "int"
            | "float"
            | "str"
            | "bool"
            | "list"
            | "dict"
            | "set"
            | "tuple"
            | "frozenset"
            | "type"
            | "range"
            | "bytes"
            | "complex"
            | "object"
            | "enumerate"
            | "zip"
            | "reversed"
            | "map"
            | "filter"
    )
}
