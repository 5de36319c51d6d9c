//! Imports and the modelled standard library: `sys`, `math`, `json`, `re`, `collections`,
//! `dataclasses`, `functools`, `itertools`, `string`, `typing`, `abc`, `enum`, `asyncio`,
//! `csv` readers and `io.StringIO` over text the program holds.
//! Any other module binds an opaque value: the replay stops when it is used.

use crate::index::{child_by_field, kind_of};
use std::collections::VecDeque;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::builtins::{counter_add, mapping_or_pairs};
use super::interp::{Flow, Interp, R, stop};
use super::protocol::{int_of, number};
use super::value::*;

const MODELLED: &[&str] = &[
    "sys",
    "math",
    "json",
    "re",
    "collections",
    "dataclasses",
    "functools",
    "itertools",
    "string",
    "typing",
    "abc",
    "enum",
    "asyncio",
    "__future__",
    "copy",
    "operator",
    "heapq",
    "bisect",
    "logging",
    "csv",
    "io",
];

fn module_value(interp: &mut Interp<'_>, name: &str) -> R<Value> {
    let Some(name) = MODELLED.iter().find(|modelled| **modelled == name) else {
        return Ok(Value::Opaque);
    };
    if let Some(value) = interp.modules.get(name) {
        return Ok(value.clone());
    }
    let mut attrs: FxHashMap<Rc<str>, Value> = FxHashMap::default();
    match *name {
        "sys" => {
            let argv = interp.list(vec![Value::Str(interp.script_path.clone())])?;
            attrs.insert(Rc::from("argv"), argv);
            let stdout = interp.alloc(Obj::Module(Rc::from("sys.stdout"), FxHashMap::default()))?;
            let stderr = interp.alloc(Obj::Module(Rc::from("sys.stderr"), FxHashMap::default()))?;
            attrs.insert(Rc::from("stdout"), stdout);
            attrs.insert(Rc::from("stderr"), stderr);
            attrs.insert(Rc::from("maxsize"), Value::Int(i64::MAX));
        }
        "math" => {
            attrs.insert(Rc::from("pi"), Value::Float(std::f64::consts::PI));
            attrs.insert(Rc::from("e"), Value::Float(std::f64::consts::E));
            attrs.insert(Rc::from("tau"), Value::Float(std::f64::consts::TAU));
            attrs.insert(Rc::from("inf"), Value::Float(f64::INFINITY));
            attrs.insert(Rc::from("nan"), Value::Float(f64::NAN));
        }
        "string" => {
            let constants = [
                (
                    "ascii_letters",
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                ),
                ("ascii_lowercase", "abcdefghijklmnopqrstuvwxyz"),
                ("ascii_uppercase", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                ("digits", "0123456789"),
                ("hexdigits", "0123456789abcdefABCDEF"),
                ("octdigits", "01234567"),
                ("punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
                ("whitespace", " \t\n\r\x0b\x0c"),
            ];
            for (key, value) in constants {
                attrs.insert(Rc::from(key), Value::str(value));
            }
        }
        "abc" => {
            attrs.insert(Rc::from("ABC"), Value::Obj(interp.classes["ABC"]));
        }
        "enum" => {
            attrs.insert(Rc::from("Enum"), Value::Obj(interp.classes["Enum"]));
            attrs.insert(Rc::from("IntEnum"), Value::Obj(interp.classes["IntEnum"]));
            attrs.insert(Rc::from("StrEnum"), Value::Obj(interp.classes["StrEnum"]));
        }
        "re" => {
            for (key, value) in [
                ("I", 2),
                ("IGNORECASE", 2),
                ("M", 8),
                ("MULTILINE", 8),
                ("S", 16),
                ("DOTALL", 16),
            ] {
                attrs.insert(Rc::from(key), Value::Int(value));
            }
        }
        "logging" => {
            for (key, value) in [
                ("DEBUG", 10),
                ("INFO", 20),
                ("WARNING", 30),
                ("ERROR", 40),
                ("CRITICAL", 50),
            ] {
                attrs.insert(Rc::from(key), Value::Int(value));
            }
        }
        "json" => {
            attrs.insert(
                Rc::from("JSONDecodeError"),
                Value::Obj(interp.classes["JSONDecodeError"]),
            );
        }
        _ => {}
    }
    let value = interp.alloc(Obj::Module(Rc::from(*name), attrs))?;
    interp.modules.insert(name, value.clone());
    Ok(value)
}

pub(crate) fn exec_import<'t>(interp: &mut Interp<'t>, node: Node<'t>) -> R<()> {
    let mut cursor = node.walk();
    let names: Vec<Node<'t>> = node.children_by_field_name("name", &mut cursor).collect();
    if kind_of(node) == "import_statement" {
        for name in names {
            let (dotted, alias) = match kind_of(name) {
                "aliased_import" => (
                    child_by_field(name, "name").expect("import name"),
                    child_by_field(name, "alias").map(|alias| interp.node_text(alias)),
                ),
                _ => (name, None),
            };
            let full = interp.node_text(dotted);
            let first = full.split('.').next().unwrap_or(full);
            match alias {
                Some(alias) => {
                    let value = if full.contains('.') {
                        Value::Opaque
                    } else {
                        module_value(interp, full)?
                    };
                    interp.store_name(alias, value)?;
                }
                None => {
                    let value = if full.contains('.') && MODELLED.contains(&first) {
                        // `import collections.abc` binds `collections`; its submodule is not modelled.
                        Value::Opaque
                    } else {
                        module_value(interp, first)?
                    };
                    interp.store_name(first, value)?;
                }
            }
        }
        return Ok(());
    }
    let module_node = child_by_field(node, "module_name").expect("from module");
    let module_name = interp.node_text(module_node);
    let mut wildcard = false;
    let mut all_cursor = node.walk();
    for child in node.children(&mut all_cursor) {
        if kind_of(child) == "wildcard_import" {
            wildcard = true;
        }
    }
    if wildcard {
        return stop("wildcard import");
    }
    let module = if kind_of(module_node) == "relative_import" || module_name.contains('.') {
        Value::Opaque
    } else {
        module_value(interp, module_name)?
    };
    for name in names {
        let (imported, alias) = match kind_of(name) {
            "aliased_import" => (
                interp.node_text(child_by_field(name, "name").expect("import name")),
                interp.node_text(child_by_field(name, "alias").expect("alias")),
            ),
            _ => {
                let text = interp.node_text(name);
                (text, text)
            }
        };
        let value = match &module {
            Value::Opaque => Value::Opaque,
            _ => match interp.get_attr(&module, imported, name) {
                Ok(value) => value,
                Err(Flow::Stop(_)) => Value::Opaque,
                Err(other) => return Err(other),
            },
        };
        interp.store_name(alias, value)?;
    }
    Ok(())
}

fn function(interp: &mut Interp<'_>, module: &str, name: &str) -> R<Value> {
    interp.alloc(Obj::BuiltinMethod(
        Value::str(module),
        Rc::from(format!("module:{module}.{name}").as_str()),
    ))
}

const FUNCTIONS: &[(&str, &[&str])] = &[
    ("sys", &["exit"]),
    (
        "math",
        &[
            "sqrt",
            "floor",
            "ceil",
            "fabs",
            "log",
            "log10",
            "log2",
            "exp",
            "pow",
            "isclose",
            "gcd",
            "hypot",
            "trunc",
            "isnan",
            "isinf",
            "isfinite",
            "prod",
            "fsum",
            "factorial",
            "comb",
            "copysign",
            "degrees",
            "radians",
        ],
    ),
    ("json", &["dumps", "loads"]),
    ("csv", &["reader", "DictReader"]),
    ("io", &["StringIO"]),
    (
        "re",
        &[
            "compile",
            "match",
            "search",
            "fullmatch",
            "findall",
            "sub",
            "split",
            "finditer",
        ],
    ),
    (
        "collections",
        &[
            "defaultdict",
            "Counter",
            "deque",
            "namedtuple",
            "OrderedDict",
        ],
    ),
    (
        "dataclasses",
        &["dataclass", "field", "asdict", "astuple", "replace"],
    ),
    (
        "functools",
        &[
            "reduce",
            "partial",
            "wraps",
            "lru_cache",
            "cache",
            "cmp_to_key",
        ],
    ),
    (
        "itertools",
        &[
            "count",
            "islice",
            "chain",
            "product",
            "permutations",
            "combinations",
            "accumulate",
            "cycle",
            "repeat",
            "zip_longest",
            "pairwise",
            "groupby",
            "takewhile",
            "dropwhile",
            "starmap",
        ],
    ),
    ("typing", &["cast", "TypeVar", "NewType"]),
    ("abc", &["abstractmethod"]),
    ("enum", &["auto"]),
    ("asyncio", &["run", "gather", "sleep", "wait_for"]),
    ("copy", &["copy", "deepcopy"]),
    (
        "heapq",
        &[
            "heappush",
            "heappop",
            "heapify",
            "heappushpop",
            "heapreplace",
            "nsmallest",
            "nlargest",
        ],
    ),
    (
        "bisect",
        &[
            "bisect",
            "bisect_left",
            "bisect_right",
            "insort",
            "insort_left",
            "insort_right",
        ],
    ),
    (
        "logging",
        &[
            "basicConfig",
            "getLogger",
            "debug",
            "info",
            "warning",
            "error",
            "exception",
            "critical",
        ],
    ),
    (
        "operator",
        &[
            "itemgetter",
            "attrgetter",
            "add",
            "sub",
            "mul",
            "truediv",
            "floordiv",
            "mod",
            "pow",
            "eq",
            "ne",
            "lt",
            "le",
            "gt",
            "ge",
            "neg",
            "contains",
            "getitem",
        ],
    ),
];

const TYPING_NAMES: &[&str] = &[
    "Any",
    "Optional",
    "Union",
    "List",
    "Dict",
    "Set",
    "FrozenSet",
    "Tuple",
    "Callable",
    "Iterable",
    "Iterator",
    "Sequence",
    "Mapping",
    "MutableMapping",
    "Generator",
    "Type",
    "ClassVar",
    "Final",
    "Literal",
    "Generic",
    "Protocol",
    "TYPE_CHECKING",
    "AsyncIterator",
    "Awaitable",
    "Coroutine",
    "DefaultDict",
    "Deque",
    "Counter",
    "NoReturn",
    "Self",
    "Annotated",
    "TypeAlias",
    "overload",
    "final",
    "runtime_checkable",
    "MutableSequence",
    "AbstractSet",
    "Hashable",
    "Sized",
    "Collection",
    "Container",
    "IO",
    "TextIO",
    "Pattern",
    "Match",
    "ParamSpec",
    "Concatenate",
    "TypeGuard",
    "Never",
    "LiteralString",
    "Required",
    "NotRequired",
    "Unpack",
];

pub(crate) fn module_attribute(
    interp: &mut Interp<'_>,
    object: &Value,
    module: &str,
    name: &str,
    node: Node<'_>,
) -> R<Value> {
    match module {
        "sys.stdout" | "sys.stderr" => {
            return match name {
                "write" | "flush" => interp.alloc(Obj::BuiltinMethod(
                    object.clone(),
                    Rc::from("module:stream.write"),
                )),
                _ => stop(format!("{module}.{name}")),
            };
        }
        "logging.Logger" => {
            return match name {
                "debug" | "info" | "warning" | "error" | "exception" | "critical" | "setLevel"
                | "addHandler" => interp.alloc(Obj::BuiltinMethod(
                    object.clone(),
                    Rc::from("module:logging.log"),
                )),
                _ => stop(format!("logger attribute {name}")),
            };
        }
        "re.Match" | "re.Pattern" => {
            return interp.alloc(Obj::BuiltinMethod(
                object.clone(),
                Rc::from(format!("module:{module}.{name}").as_str()),
            ));
        }
        "typing" => {
            if name == "TYPE_CHECKING" {
                return Ok(Value::Bool(false));
            }
            if name == "NamedTuple" || name == "TypedDict" {
                return Ok(Value::Builtin(if name == "NamedTuple" {
                    "NamedTuple"
                } else {
                    "TypedDict"
                }));
            }
            if TYPING_NAMES.contains(&name) {
                return Ok(Value::Builtin("Generic"));
            }
        }
        "collections" if name == "abc" => return Ok(Value::Opaque),
        "functools"
            if name == "cached_property"
                || name == "total_ordering"
                || name == "singledispatch" =>
        {
            return Ok(Value::Opaque);
        }
        _ => {}
    }
    if let Some((_, names)) = FUNCTIONS.iter().find(|(candidate, _)| *candidate == module)
        && names.contains(&name)
    {
        return function(interp, module, name);
    }
    let _ = node;
    stop(format!("{module}.{name} is not modelled"))
}

fn kwarg(kwargs: &[(Rc<str>, Value)], name: &str) -> Option<Value> {
    kwargs
        .iter()
        .find(|(key, _)| key.as_ref() == name)
        .map(|(_, value)| value.clone())
}

fn float_arg(
    interp: &mut Interp<'_>,
    value: Option<&Value>,
    function: &str,
    node: Node<'_>,
) -> R<f64> {
    match value {
        Some(value) => match number(value) {
            Some(number) => Ok(number),
            None => {
                if matches!(value, Value::Opaque) || interp.instance_class(value).is_some() {
                    return stop("math of an unknown value");
                }
                let name = interp.type_name(value);
                let _ = function;
                interp.error(
                    node,
                    "TypeError",
                    format!("must be real number, not {name}"),
                )
            }
        },
        None => interp.error(
            node,
            "TypeError",
            format!("{function}() takes exactly one argument (0 given)"),
        ),
    }
}

pub(crate) fn call_module_function(
    interp: &mut Interp<'_>,
    receiver: &Value,
    function_name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    match function_name {
        "stream.write" => return Ok(Value::None),
        "sys.exit" => return interp.raise_with_args(node, "SystemExit", args),
        "math.sqrt" | "math.log" | "math.log10" | "math.log2" | "math.exp" | "math.fabs"
        | "math.floor" | "math.ceil" | "math.trunc" | "math.isnan" | "math.isinf"
        | "math.isfinite" | "math.degrees" | "math.radians" => {
            let short = &function_name[5..];
            if let (Some(Value::Int(value)), "floor" | "ceil" | "trunc") = (args.first(), short) {
                return Ok(Value::Int(*value));
            }
            let value = float_arg(interp, args.first(), short, node)?;
            let domain = |interp: &mut Interp<'_>| {
                interp.error::<Value>(node, "ValueError", "math domain error")
            };
            return match short {
                "sqrt" if value < 0.0 => domain(interp),
                "sqrt" => Ok(Value::Float(value.sqrt())),
                "log" | "log10" | "log2" if value <= 0.0 => {
                    if value == 0.0 {
                        return interp.error(node, "ValueError", "math domain error");
                    }
                    domain(interp)
                }
                "log" => match args.get(1) {
                    Some(base) => {
                        let base = float_arg(interp, Some(base), "log", node)?;
                        if base <= 0.0 {
                            return domain(interp);
                        }
                        if base == 1.0 {
                            return interp.error(
                                node,
                                "ZeroDivisionError",
                                "float division by zero",
                            );
                        }
                        Ok(Value::Float(value.ln() / base.ln()))
                    }
                    None => Ok(Value::Float(value.ln())),
                },
                "log10" => Ok(Value::Float(value.log10())),
                "log2" => Ok(Value::Float(value.log2())),
                "exp" => Ok(Value::Float(value.exp())),
                "fabs" => Ok(Value::Float(value.abs())),
                "floor" | "ceil" | "trunc" => {
                    if !value.is_finite() {
                        return stop("floor of a non-finite float");
                    }
                    let rounded = match short {
                        "floor" => value.floor(),
                        "ceil" => value.ceil(),
                        _ => value.trunc(),
                    };
                    Ok(Value::Int(rounded as i64))
                }
                "isnan" => Ok(Value::Bool(value.is_nan())),
                "isinf" => Ok(Value::Bool(value.is_infinite())),
                "isfinite" => Ok(Value::Bool(value.is_finite())),
                "degrees" => Ok(Value::Float(value.to_degrees())),
                _ => Ok(Value::Float(value.to_radians())),
            };
        }
        "math.pow" => {
            let base = float_arg(interp, args.first(), "pow", node)?;
            let exponent = float_arg(interp, args.get(1), "pow", node)?;
            if base == 0.0 && exponent < 0.0 {
                return interp.error(node, "ValueError", "math domain error");
            }
            return Ok(Value::Float(base.powf(exponent)));
        }
        "math.hypot" => {
            let mut total = 0.0;
            for arg in &args {
                let value = float_arg(interp, Some(arg), "hypot", node)?;
                total += value * value;
            }
            return Ok(Value::Float(total.sqrt()));
        }
        "math.isclose" => {
            let a = float_arg(interp, args.first(), "isclose", node)?;
            let b = float_arg(interp, args.get(1), "isclose", node)?;
            let relative = kwarg(&kwargs, "rel_tol")
                .and_then(|value| number(&value))
                .unwrap_or(1e-9);
            let absolute = kwarg(&kwargs, "abs_tol")
                .and_then(|value| number(&value))
                .unwrap_or(0.0);
            return Ok(Value::Bool(
                (a - b).abs() <= (relative * a.abs().max(b.abs())).max(absolute),
            ));
        }
        "math.gcd" => {
            let mut result: i64 = 0;
            for arg in &args {
                let Some(mut value) = int_of(arg) else {
                    return stop("gcd of a non-int");
                };
                value = value.abs();
                let mut a = result;
                while value != 0 {
                    let next = a % value;
                    a = value;
                    value = next;
                }
                result = a;
            }
            return Ok(Value::Int(result));
        }
        "math.prod" | "math.fsum" => {
            let items = interp.collect(args.first().unwrap_or(&Value::None), node)?;
            let mut total = if function_name == "math.prod" {
                Value::Int(1)
            } else {
                Value::Float(0.0)
            };
            let operator = if function_name == "math.prod" {
                "*"
            } else {
                "+"
            };
            for item in items {
                total = interp.binary(operator, total, item, node)?;
            }
            if function_name == "math.fsum" {
                return Ok(Value::Float(number(&total).unwrap_or(0.0)));
            }
            return Ok(total);
        }
        "math.factorial" => {
            let Some(value) = args.first().and_then(int_of) else {
                return stop("factorial of a non-int");
            };
            if value < 0 {
                return interp.error(
                    node,
                    "ValueError",
                    "factorial() not defined for negative values",
                );
            }
            let mut result: i64 = 1;
            for factor in 2..=value {
                result = match result.checked_mul(factor) {
                    Some(result) => result,
                    None => return stop("integer overflow"),
                };
            }
            return Ok(Value::Int(result));
        }
        "json.dumps" => {
            if kwargs
                .iter()
                .any(|(key, _)| !matches!(key.as_ref(), "indent" | "sort_keys"))
            {
                return stop("json.dumps options");
            }
            if kwarg(&kwargs, "indent").is_some_and(|indent| !matches!(indent, Value::None)) {
                return stop("json.dumps indent");
            }
            let sort =
                kwarg(&kwargs, "sort_keys").is_some_and(|value| matches!(value, Value::Bool(true)));
            let Some(value) = args.first() else {
                return stop("json.dumps without a value");
            };
            let mut out = String::new();
            json_dump(interp, value, sort, &mut out, node)?;
            return Ok(Value::str(&out));
        }
        "io.StringIO" => return super::csv::string_io(interp, &args, &kwargs),
        "csv.reader" => return super::csv::reader(interp, &args, &kwargs, node),
        "csv.DictReader" => return super::csv::dict_reader(interp, &args, &kwargs, node),
        "json.loads" => {
            let Some(Value::Str(text)) = args.first() else {
                return stop("json.loads of a non-string");
            };
            return super::json::loads(interp, text, node);
        }
        "collections.defaultdict" => {
            let factory = args
                .first()
                .cloned()
                .filter(|value| !matches!(value, Value::None));
            if args.len() > 1 || !kwargs.is_empty() {
                return stop("defaultdict with contents");
            }
            let mut dict = Dict::new(DictKind::DefaultDict);
            dict.default_factory = factory;
            return interp.alloc(Obj::Dict(dict));
        }
        "collections.Counter" => {
            let id = interp.alloc_id(Obj::Dict(Dict::new(DictKind::Counter)))?;
            if let Some(source) = args.first() {
                let is_mapping = matches!(source, Value::Obj(source_id) if matches!(interp.obj(*source_id), Obj::Dict(_)));
                if is_mapping {
                    let pairs = mapping_or_pairs(interp, source, node)?;
                    for (key, value) in pairs {
                        let hashed = interp.hash_key(&key, node)?;
                        if let Obj::Dict(dict) = interp.obj_mut(id) {
                            dict.entries.insert(hashed, (key, value));
                        }
                    }
                } else {
                    let items = interp.collect(source, node)?;
                    counter_add(interp, id, items, node)?;
                }
            }
            for (key, value) in kwargs {
                if let Obj::Dict(dict) = interp.obj_mut(id) {
                    dict.entries
                        .insert(Key::Str(key.clone()), (Value::Str(key), value));
                }
            }
            return Ok(Value::Obj(id));
        }
        "collections.OrderedDict" => {
            let mut dict = Dict::new(DictKind::OrderedDict);
            if let Some(source) = args.first() {
                for (key, value) in mapping_or_pairs(interp, source, node)? {
                    let hashed = interp.hash_key(&key, node)?;
                    dict.entries.insert(hashed, (key, value));
                }
            }
            return interp.alloc(Obj::Dict(dict));
        }
        "collections.deque" => {
            let items = match args.first() {
                Some(source) => interp.collect(source, node)?,
                None => Vec::new(),
            };
            let maxlen = match kwarg(&kwargs, "maxlen").or_else(|| args.get(1).cloned()) {
                None | Some(Value::None) => None,
                Some(value) => {
                    Some(int_of(&value).map_or_else(|| stop("maxlen"), Ok)?.max(0) as usize)
                }
            };
            let mut deque: VecDeque<Value> = items.into_iter().collect();
            if let Some(limit) = maxlen {
                while deque.len() > limit {
                    deque.pop_front();
                }
            }
            return interp.alloc(Obj::Deque(deque, maxlen));
        }
        "collections.namedtuple" => {
            let (Some(Value::Str(name)), Some(fields)) = (args.first(), args.get(1)) else {
                return stop("namedtuple arguments");
            };
            if !kwargs.is_empty() {
                return stop("namedtuple options");
            }
            let fields: Vec<Rc<str>> = match fields {
                Value::Str(text) => text
                    .replace(',', " ")
                    .split_whitespace()
                    .map(Rc::from)
                    .collect(),
                other => {
                    let items = interp.collect(other, node)?;
                    let mut names = Vec::new();
                    for item in items {
                        match item {
                            Value::Str(text) => names.push(text),
                            _ => return stop("namedtuple field"),
                        }
                    }
                    names
                }
            };
            return make_namedtuple_class(interp, name.clone(), fields);
        }
        "dataclasses.dataclass" => match args.first() {
            Some(class) if interp.is_class(class).is_some() => {
                let class = interp.is_class(class).expect("checked");
                make_dataclass(interp, class, &kwargs, node)?;
                return Ok(Value::Obj(class));
            }
            None => {
                let function = receiver_function(interp, function_name)?;
                return interp.alloc(Obj::Partial(function, Vec::new(), kwargs));
            }
            _ => return stop("dataclass of a non-class"),
        },
        "dataclasses.field" => {
            let mut attrs: FxHashMap<Rc<str>, Value> = FxHashMap::default();
            for (key, value) in kwargs {
                if !matches!(
                    key.as_ref(),
                    "default" | "default_factory" | "init" | "repr" | "compare"
                ) {
                    return stop("field option");
                }
                attrs.insert(key, value);
            }
            return interp.alloc(Obj::Module(Rc::from("dataclasses.Field"), attrs));
        }
        "functools.reduce" => {
            let (Some(function), Some(iterable)) = (args.first(), args.get(1)) else {
                return stop("reduce arguments");
            };
            let items = interp.collect(iterable, node)?;
            let mut items = items.into_iter();
            let mut accumulator = match args.get(2) {
                Some(initial) => initial.clone(),
                None => match items.next() {
                    Some(first) => first,
                    None => {
                        return interp.error(
                            node,
                            "TypeError",
                            "reduce() of empty iterable with no initial value",
                        );
                    }
                },
            };
            for item in items {
                accumulator = interp.call(function, vec![accumulator, item], Vec::new(), node)?;
            }
            return Ok(accumulator);
        }
        "functools.partial" => {
            let Some((function, bound)) = args.split_first() else {
                return stop("partial without a function");
            };
            return interp.alloc(Obj::Partial(function.clone(), bound.to_vec(), kwargs));
        }
        "functools.wraps" | "functools.lru_cache" | "functools.cache" => {
            // Decorators that keep the function's behaviour (caching aside).
            if function_name != "functools.wraps"
                && let Some(function) = args.first()
                && matches!(function, Value::Obj(id) if matches!(interp.obj(*id), Obj::Function(_)))
            {
                return Ok(function.clone());
            }
            return interp.alloc(Obj::BuiltinMethod(Value::None, Rc::from("module:identity")));
        }
        "identity" => return Ok(args.into_iter().next().unwrap_or(Value::None)),
        "typing.cast" => return Ok(args.get(1).cloned().unwrap_or(Value::None)),
        "typing.TypeVar" | "typing.NewType" => {
            if function_name == "typing.NewType" {
                return stop("NewType");
            }
            return Ok(Value::Builtin("Generic"));
        }
        "abc.abstractmethod" => {
            let Some(Value::Obj(id)) = args.first() else {
                return stop("abstractmethod of a non-function");
            };
            let mut copy = interp.obj(*id).clone();
            match &mut copy {
                Obj::Function(function) => function.is_abstract = true,
                _ => return stop("abstractmethod of a descriptor"),
            }
            return interp.alloc(copy);
        }
        "enum.auto" => {
            return interp.alloc(Obj::Module(Rc::from("enum.auto"), FxHashMap::default()));
        }
        "asyncio.run" => {
            let Some(coroutine) = args.into_iter().next() else {
                return stop("asyncio.run without a coroutine");
            };
            let is_coroutine = matches!(&coroutine, Value::Obj(id) if matches!(interp.obj(*id), Obj::Coroutine(..)));
            if !is_coroutine {
                return stop("asyncio.run of a non-coroutine");
            }
            return interp.await_value(coroutine, node);
        }
        "asyncio.sleep" => {
            return interp.alloc(Obj::BuiltinMethod(Value::None, Rc::from("awaitable:sleep")));
        }
        "asyncio.wait_for" => return Ok(args.into_iter().next().unwrap_or(Value::None)),
        "asyncio.gather" => {
            if kwarg(&kwargs, "return_exceptions")
                .is_some_and(|value| !matches!(value, Value::Bool(false)))
            {
                return stop("gather with return_exceptions");
            }
            let tuple = interp.tuple(args)?;
            return interp.alloc(Obj::BuiltinMethod(tuple, Rc::from("awaitable:gather")));
        }
        "itertools.count" => {
            let start = args.first().and_then(int_of).unwrap_or(0);
            let step = args.get(1).and_then(int_of).unwrap_or(1);
            if args.iter().any(|arg| int_of(arg).is_none()) {
                return stop("count of floats");
            }
            return interp.alloc(Obj::Iterator(Iter::Count(start, step)));
        }
        "itertools.cycle" => {
            let items = interp.collect(args.first().unwrap_or(&Value::None), node)?;
            return interp.alloc(Obj::Iterator(Iter::Cycle(Rc::new(items), 0)));
        }
        "itertools.islice" => {
            let Some(source) = args.first() else {
                return stop("islice arguments");
            };
            let bound = |value: Option<&Value>| -> Option<Option<i64>> {
                match value {
                    None | Some(Value::None) => Some(None),
                    Some(value) => int_of(value).map(Some),
                }
            };
            let (start, end, step) = match args.len() {
                2 => (Some(0), bound(args.get(1)), Some(Some(1))),
                3 | 4 => (
                    bound(args.get(1)).map(|start| start.unwrap_or(0)),
                    bound(args.get(2)),
                    if args.len() == 4 {
                        bound(args.get(3))
                    } else {
                        Some(Some(1))
                    },
                ),
                _ => return stop("islice arguments"),
            };
            let (Some(start), Some(end), Some(step)) = (start, end, step) else {
                return stop("islice bounds");
            };
            let step = step.unwrap_or(1);
            if start < 0 || end.is_some_and(|end| end < 0) || step <= 0 {
                return interp.error(
                    node,
                    "ValueError",
                    "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.",
                );
            }
            let iterator = interp.iterate(source, node)?;
            let mut items = Vec::new();
            let mut position = 0;
            loop {
                if end.is_some_and(|end| position >= end) {
                    break;
                }
                let Some(item) = interp.next_item(&iterator, node)? else {
                    break;
                };
                interp.step()?;
                if position >= start && (position - start) % step == 0 {
                    items.push(item);
                }
                position += 1;
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(items), 0)));
        }
        "itertools.chain" => {
            let mut items = Vec::new();
            for arg in &args {
                items.extend(interp.collect(arg, node)?);
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(items), 0)));
        }
        "itertools.repeat" => {
            let Some(count) = args.get(1).and_then(int_of) else {
                return stop("endless repeat");
            };
            let items = vec![args[0].clone(); count.max(0) as usize];
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(items), 0)));
        }
        "itertools.accumulate" => {
            let items = interp.collect(args.first().unwrap_or(&Value::None), node)?;
            let function = args.get(1).cloned().or_else(|| kwarg(&kwargs, "func"));
            let mut results: Vec<Value> = Vec::new();
            let mut total: Option<Value> = kwarg(&kwargs, "initial");
            if let Some(initial) = &total {
                results.push(initial.clone());
            }
            for item in items {
                let next = match total {
                    None => item,
                    Some(previous) => match &function {
                        Some(function) => {
                            interp.call(function, vec![previous, item], Vec::new(), node)?
                        }
                        None => interp.binary("+", previous, item, node)?,
                    },
                };
                results.push(next.clone());
                total = Some(next);
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(results), 0)));
        }
        "itertools.pairwise" => {
            let items = interp.collect(args.first().unwrap_or(&Value::None), node)?;
            let mut pairs = Vec::new();
            for window in items.windows(2) {
                pairs.push(interp.tuple(window.to_vec())?);
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(pairs), 0)));
        }
        "itertools.zip_longest" => {
            let fill = kwarg(&kwargs, "fillvalue").unwrap_or(Value::None);
            let mut columns = Vec::new();
            for arg in &args {
                columns.push(interp.collect(arg, node)?);
            }
            let length = columns.iter().map(Vec::len).max().unwrap_or(0);
            let mut rows = Vec::new();
            for at in 0..length {
                let row = columns
                    .iter()
                    .map(|column| column.get(at).cloned().unwrap_or(fill.clone()))
                    .collect();
                rows.push(interp.tuple(row)?);
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(rows), 0)));
        }
        "itertools.product" | "itertools.permutations" | "itertools.combinations" => {
            return combinatorics(interp, function_name, args, kwargs, node);
        }
        "itertools.takewhile" | "itertools.dropwhile" => {
            let (Some(predicate), Some(source)) = (args.first(), args.get(1)) else {
                return stop("takewhile arguments");
            };
            let items = interp.collect(source, node)?;
            let mut results = Vec::new();
            let mut dropping = true;
            for item in items {
                let result = interp.call(predicate, vec![item.clone()], Vec::new(), node)?;
                let truth = interp.truthy(&result, node)?;
                if function_name == "itertools.takewhile" {
                    if !truth {
                        break;
                    }
                    results.push(item);
                } else {
                    if dropping && truth {
                        continue;
                    }
                    dropping = false;
                    results.push(item);
                }
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(results), 0)));
        }
        "itertools.starmap" => {
            let (Some(function), Some(source)) = (args.first(), args.get(1)) else {
                return stop("starmap arguments");
            };
            let items = interp.collect(source, node)?;
            let mut results = Vec::new();
            for item in items {
                let arguments = interp.collect(&item, node)?;
                results.push(interp.call(function, arguments, Vec::new(), node)?);
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(results), 0)));
        }
        "itertools.groupby" => {
            let Some(source) = args.first() else {
                return stop("groupby arguments");
            };
            let key = args
                .get(1)
                .cloned()
                .or_else(|| kwarg(&kwargs, "key"))
                .filter(|key| !matches!(key, Value::None));
            let items = interp.collect(source, node)?;
            let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
            for item in items {
                let item_key = match &key {
                    Some(key) => interp.call(key, vec![item.clone()], Vec::new(), node)?,
                    None => item.clone(),
                };
                let same = match groups.last() {
                    Some((last, _)) => interp.equal(last, &item_key, node)?,
                    None => false,
                };
                if same {
                    groups.last_mut().expect("a group").1.push(item);
                } else {
                    groups.push((item_key, vec![item]));
                }
            }
            let mut pairs = Vec::new();
            for (group_key, members) in groups {
                let members = interp.alloc(Obj::Iterator(Iter::Items(Rc::new(members), 0)))?;
                pairs.push(interp.tuple(vec![group_key, members])?);
            }
            return interp.alloc(Obj::Iterator(Iter::Items(Rc::new(pairs), 0)));
        }
        "logging.basicConfig"
        | "logging.log"
        | "logging.debug"
        | "logging.info"
        | "logging.warning"
        | "logging.error"
        | "logging.exception"
        | "logging.critical" => {
            // Logging writes to stderr; a bad format is reported by logging, not raised.
            return Ok(Value::None);
        }
        "logging.getLogger" => {
            return interp.alloc(Obj::Module(
                Rc::from("logging.Logger"),
                FxHashMap::default(),
            ));
        }
        "heapq.heappush" | "heapq.heappop" | "heapq.heapify" | "heapq.heappushpop"
        | "heapq.heapreplace" => {
            return super::heap::call(interp, &function_name["heapq.".len()..], args, node);
        }
        "heapq.nsmallest" | "heapq.nlargest" => {
            let (Some(count), Some(iterable)) = (args.first().and_then(int_of), args.get(1)) else {
                return stop("nsmallest arguments");
            };
            let items = interp.collect(iterable, node)?;
            let reverse = (function_name == "heapq.nlargest").then_some(Value::Bool(true));
            let mut sorted =
                super::builtins::sort_values(interp, items, kwarg(&kwargs, "key"), reverse, node)?;
            sorted.truncate(count.max(0) as usize);
            return interp.list(sorted);
        }
        "bisect.bisect"
        | "bisect.bisect_left"
        | "bisect.bisect_right"
        | "bisect.insort"
        | "bisect.insort_left"
        | "bisect.insort_right" => {
            return super::heap::bisect(
                interp,
                &function_name["bisect.".len()..],
                args,
                kwargs,
                node,
            );
        }
        "copy.copy" | "copy.deepcopy" => {
            let Some(value) = args.first() else {
                return stop("copy without a value");
            };
            return copy_value(interp, value, function_name == "copy.deepcopy", 0);
        }
        "operator.add" | "operator.sub" | "operator.mul" | "operator.truediv"
        | "operator.floordiv" | "operator.mod" | "operator.pow" | "operator.eq" | "operator.ne"
        | "operator.lt" | "operator.le" | "operator.gt" | "operator.ge" | "operator.contains"
        | "operator.getitem" => {
            let [left, right] = args.as_slice() else {
                let name = &function_name["operator.".len()..];
                return interp.error(
                    node,
                    "TypeError",
                    format!("{name} expected 2 arguments, got {}", args.len()),
                );
            };
            let (left, right) = (left.clone(), right.clone());
            let symbol = match &function_name["operator.".len()..] {
                "add" => "+",
                "sub" => "-",
                "mul" => "*",
                "truediv" => "/",
                "floordiv" => "//",
                "mod" => "%",
                "pow" => "**",
                "contains" => return Ok(Value::Bool(interp.contains(&left, &right, node)?)),
                "getitem" => return interp.get_item(&left, &right, node),
                comparison => {
                    let symbol = match comparison {
                        "eq" => "==",
                        "ne" => "!=",
                        "lt" => "<",
                        "le" => "<=",
                        "gt" => ">",
                        _ => ">=",
                    };
                    return Ok(Value::Bool(interp.compare(symbol, &left, &right, node)?));
                }
            };
            return interp.binary(symbol, left, right, node);
        }
        "operator.neg" => {
            let value = args.into_iter().next().unwrap_or(Value::None);
            return super::builtins::unary(interp, "-", value, node);
        }
        "operator.itemgetter" => {
            if args.len() != 1 {
                return stop("itemgetter of several items");
            }
            return interp.alloc(Obj::BuiltinMethod(
                args[0].clone(),
                Rc::from("module:itemgetter.call"),
            ));
        }
        "itemgetter.call" => {
            let Some(object) = args.first() else {
                return stop("itemgetter call");
            };
            return interp.get_item(object, receiver, node);
        }
        "operator.attrgetter" => {
            if args.len() != 1 {
                return stop("attrgetter of several attributes");
            }
            return interp.alloc(Obj::BuiltinMethod(
                args[0].clone(),
                Rc::from("module:attrgetter.call"),
            ));
        }
        "attrgetter.call" => {
            let (Some(object), Value::Str(name)) = (args.first(), receiver) else {
                return stop("attrgetter call");
            };
            if name.contains('.') {
                return stop("dotted attrgetter");
            }
            return interp.get_attr(object, name, node);
        }
        _ => {}
    }
    if let Some(method) = function_name.strip_prefix("re.") {
        return super::regex::call(interp, receiver, method, args, kwargs, node);
    }
    stop(format!("{function_name} is not modelled"))
}

fn receiver_function(interp: &mut Interp<'_>, function_name: &str) -> R<Value> {
    interp.alloc(Obj::BuiltinMethod(
        Value::None,
        Rc::from(format!("module:{function_name}").as_str()),
    ))
}

fn copy_value(interp: &mut Interp<'_>, value: &Value, deep: bool, depth: u32) -> R<Value> {
    if depth > 200 {
        return stop("deep copy too deep");
    }
    let Value::Obj(id) = value else {
        return Ok(value.clone());
    };
    let copy_items = |interp: &mut Interp<'_>, items: Vec<Value>| -> R<Vec<Value>> {
        if !deep {
            return Ok(items);
        }
        let mut copies = Vec::with_capacity(items.len());
        for item in &items {
            copies.push(copy_value(interp, item, deep, depth + 1)?);
        }
        Ok(copies)
    };
    match interp.obj(*id).clone() {
        Obj::List(items) => {
            let items = copy_items(interp, items)?;
            interp.list(items)
        }
        Obj::Tuple(items) => {
            let items = copy_items(interp, items)?;
            interp.tuple(items)
        }
        Obj::Dict(mut dict) => {
            if deep {
                let mut entries = Map::default();
                for (key, (original, value)) in dict.entries {
                    let value = copy_value(interp, &value, deep, depth + 1)?;
                    entries.insert(key, (original, value));
                }
                dict.entries = entries;
            }
            interp.alloc(Obj::Dict(dict))
        }
        Obj::Set(items, frozen) => interp.alloc(Obj::Set(items, frozen)),
        Obj::Instance(class, attrs) => {
            if interp.class_lookup(class, "__copy__").is_some()
                || interp.class_lookup(class, "__deepcopy__").is_some()
            {
                return stop("custom copy");
            }
            let mut copied = Map::default();
            for (name, value) in attrs {
                let value = if deep {
                    copy_value(interp, &value, deep, depth + 1)?
                } else {
                    value
                };
                copied.insert(name, value);
            }
            interp.alloc(Obj::Instance(class, copied))
        }
        Obj::Class(_) | Obj::Function(_) => Ok(value.clone()),
        _ => stop("copy of this object"),
    }
}

fn combinatorics(
    interp: &mut Interp<'_>,
    function_name: &str,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<Value> {
    let mut results: Vec<Vec<Value>> = Vec::new();
    match function_name {
        "itertools.product" => {
            let repeat = kwarg(&kwargs, "repeat")
                .and_then(|value| int_of(&value))
                .unwrap_or(1)
                .max(0) as usize;
            let mut pools = Vec::new();
            for arg in &args {
                pools.push(interp.collect(arg, node)?);
            }
            let pools: Vec<Vec<Value>> = (0..repeat).flat_map(|_| pools.clone()).collect();
            results.push(Vec::new());
            for pool in pools {
                let mut next = Vec::new();
                for prefix in &results {
                    for item in &pool {
                        let mut row = prefix.clone();
                        row.push(item.clone());
                        next.push(row);
                    }
                }
                results = next;
                if results.len() > 100_000 {
                    return stop("product too large");
                }
            }
        }
        _ => {
            let pool = interp.collect(args.first().unwrap_or(&Value::None), node)?;
            let size = match args.get(1) {
                Some(value) => int_of(value).map_or_else(|| stop("size"), Ok)?.max(0) as usize,
                None if function_name == "itertools.permutations" => pool.len(),
                None => {
                    return interp.error(
                        node,
                        "TypeError",
                        "combinations() missing required argument 'r' (pos 2)",
                    );
                }
            };
            let permutations = function_name == "itertools.permutations";
            fn walk(
                pool: &[Value],
                size: usize,
                permutations: bool,
                start: usize,
                used: &mut Vec<usize>,
                out: &mut Vec<Vec<Value>>,
            ) -> bool {
                if out.len() > 100_000 {
                    return false;
                }
                if used.len() == size {
                    out.push(used.iter().map(|at| pool[*at].clone()).collect());
                    return true;
                }
                let from = if permutations { 0 } else { start };
                for at in from..pool.len() {
                    if used.contains(&at) {
                        continue;
                    }
                    used.push(at);
                    let ok = walk(pool, size, permutations, at + 1, used, out);
                    used.pop();
                    if !ok {
                        return false;
                    }
                }
                true
            }
            if size <= pool.len()
                && !walk(&pool, size, permutations, 0, &mut Vec::new(), &mut results)
            {
                return stop("too many combinations");
            }
        }
    }
    let mut tuples = Vec::with_capacity(results.len());
    for row in results {
        tuples.push(interp.tuple(row)?);
    }
    interp.alloc(Obj::Iterator(Iter::Items(Rc::new(tuples), 0)))
}

fn json_dump(
    interp: &mut Interp<'_>,
    value: &Value,
    sort: bool,
    out: &mut String,
    node: Node<'_>,
) -> R<()> {
    interp.step()?;
    match value {
        Value::None => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(value) => out.push_str(&value.to_string()),
        Value::Float(value) => match super::format::float_repr(*value) {
            Some(text) if value.is_finite() => out.push_str(&text),
            _ => return stop("json float"),
        },
        Value::Str(text) => out.push_str(&json_string(text)),
        Value::Obj(id) => match interp.obj(*id).clone() {
            Obj::List(items) | Obj::Tuple(items) => {
                out.push('[');
                for (at, item) in items.iter().enumerate() {
                    if at > 0 {
                        out.push_str(", ");
                    }
                    json_dump(interp, item, sort, out, node)?;
                }
                out.push(']');
            }
            Obj::Dict(dict) => {
                let mut entries: Vec<(Value, Value)> = dict.entries.values().cloned().collect();
                if sort {
                    if entries.iter().any(|(key, _)| !matches!(key, Value::Str(_))) {
                        return stop("json sort_keys with non-string keys");
                    }
                    entries.sort_by(|a, b| match (&a.0, &b.0) {
                        (Value::Str(a), Value::Str(b)) => a.cmp(b),
                        _ => std::cmp::Ordering::Equal,
                    });
                }
                out.push('{');
                for (at, (key, value)) in entries.iter().enumerate() {
                    if at > 0 {
                        out.push_str(", ");
                    }
                    let key = match key {
                        Value::Str(text) => text.to_string(),
                        Value::Int(value) => value.to_string(),
                        Value::Bool(true) => "true".to_owned(),
                        Value::Bool(false) => "false".to_owned(),
                        Value::None => "null".to_owned(),
                        _ => {
                            let name = interp.type_name(key);
                            return interp.error(
                                node,
                                "TypeError",
                                format!("keys must be str, int, float, bool or None, not {name}"),
                            );
                        }
                    };
                    out.push_str(&json_string(&key));
                    out.push_str(": ");
                    json_dump(interp, value, sort, out, node)?;
                }
                out.push('}');
            }
            _ => {
                let name = interp.type_name(value);
                return interp.error(
                    node,
                    "TypeError",
                    format!("Object of type {name} is not JSON serializable"),
                );
            }
        },
        _ => return stop("json of an unknown value"),
    }
    Ok(())
}

fn json_string(text: &str) -> String {
    let mut out = String::from('"');
    for char in text.chars() {
        match char {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            char if (char as u32) < 0x20 || (char as u32) > 0x7e => {
                let mut buffer = [0u16; 2];
                for unit in char.encode_utf16(&mut buffer) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            char => out.push(char),
        }
    }
    out.push('"');
    out
}

// ---- classes made by the library ---------------------------------------------------------

fn make_namedtuple_class(interp: &mut Interp<'_>, name: Rc<str>, fields: Vec<Rc<str>>) -> R<Value> {
    let object = interp.classes["object"];
    let class = interp.alloc_id(Obj::Class(Box::new(Class {
        name,
        bases: vec![object],
        mro: Vec::new(),
        attrs: Map::default(),
        builtin: false,
        annotations: Vec::new(),
        dataclass: None,
        enum_members: None,
        namedtuple: Some(fields),
        node: None,
    })))?;
    if let Obj::Class(data) = interp.obj_mut(class) {
        data.mro = vec![class, object];
    }
    Ok(Value::Obj(class))
}

pub(crate) fn namedtuple_init(
    interp: &mut Interp<'_>,
    instance: &Value,
    name: &str,
    fields: Vec<Rc<str>>,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<()> {
    if args.len() > fields.len() {
        return interp.error(
            node,
            "TypeError",
            format!(
                "{name}.__new__() takes {} positional arguments but {} were given",
                fields.len() + 1,
                args.len() + 1
            ),
        );
    }
    let mut values: Vec<Option<Value>> = vec![None; fields.len()];
    for (at, value) in args.into_iter().enumerate() {
        values[at] = Some(value);
    }
    for (key, value) in kwargs {
        match fields.iter().position(|field| *field == key) {
            Some(at) if values[at].is_none() => values[at] = Some(value),
            Some(_) => {
                return interp.error(
                    node,
                    "TypeError",
                    format!("{name}.__new__() got multiple values for argument '{key}'"),
                );
            }
            None => {
                return interp.error(
                    node,
                    "TypeError",
                    format!("{name}.__new__() got an unexpected keyword argument '{key}'"),
                );
            }
        }
    }
    let missing: Vec<String> = fields
        .iter()
        .zip(&values)
        .filter(|(_, value)| value.is_none())
        .map(|(field, _)| format!("'{field}'"))
        .collect();
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            _ => format!(
                "{} and {}",
                missing[..missing.len() - 1].join(", "),
                missing[missing.len() - 1]
            ),
        };
        return interp.error(
            node,
            "TypeError",
            format!(
                "{name}.__new__() missing {} required positional argument{}: {list}",
                missing.len(),
                super::interp::plural(missing.len())
            ),
        );
    }
    if let Value::Obj(id) = instance
        && let Obj::Instance(_, attrs) = interp.obj_mut(*id)
    {
        for (field, value) in fields.into_iter().zip(values) {
            attrs.insert(field, value.expect("checked"));
        }
    }
    Ok(())
}

fn make_dataclass(
    interp: &mut Interp<'_>,
    class: ObjId,
    kwargs: &[(Rc<str>, Value)],
    node: Node<'_>,
) -> R<()> {
    for (key, value) in kwargs {
        match (key.as_ref(), value) {
            ("frozen", Value::Bool(true)) => {
                if let Obj::Class(data) = interp.obj_mut(class) {
                    data.attrs.insert(Rc::from("__frozen__"), Value::Bool(true));
                }
            }
            ("frozen" | "repr" | "eq" | "init", Value::Bool(_))
                if key.as_ref() != "eq" || matches!(value, Value::Bool(true)) =>
            {
                if key.as_ref() == "init" && matches!(value, Value::Bool(false)) {
                    return stop("dataclass(init=False)");
                }
            }
            ("order", Value::Bool(false)) => {}
            _ => return stop(format!("dataclass option {key}")),
        }
    }
    let data = interp.class(class).clone();
    let mut fields: Vec<DataclassField> = Vec::new();
    for base in data.mro.iter().skip(1).rev() {
        if let Some(base_fields) = interp.class(*base).dataclass.clone() {
            for field in base_fields {
                fields.retain(|existing| existing.name != field.name);
                fields.push(field);
            }
        }
    }
    for name in &data.annotations {
        let default = data.attrs.get(name).cloned();
        let mut field = DataclassField {
            name: name.clone(),
            default: None,
            factory: None,
            init: true,
        };
        match default {
            Some(Value::Obj(id)) if matches!(interp.obj(id), Obj::Module(kind, _) if kind.as_ref() == "dataclasses.Field") =>
            {
                if let Obj::Module(_, attrs) = interp.obj(id).clone() {
                    field.default = attrs.get("default").cloned();
                    field.factory = attrs.get("default_factory").cloned();
                    if let Some(Value::Bool(false)) = attrs.get("init") {
                        field.init = false;
                    }
                }
                if let Obj::Class(data) = interp.obj_mut(class) {
                    match &field.default {
                        Some(default) => {
                            data.attrs.insert(name.clone(), default.clone());
                        }
                        None => {
                            data.attrs.shift_remove(name);
                        }
                    }
                }
            }
            Some(value) => {
                if let Value::Obj(id) = &value
                    && matches!(interp.obj(*id), Obj::List(_) | Obj::Dict(_) | Obj::Set(..))
                {
                    let kind = interp.type_name(&value);
                    return interp.error(
                            node,
                            "ValueError",
                            format!("mutable default <class '{kind}'> for field {name} is not allowed: use default_factory"),
                        );
                }
                field.default = Some(value);
            }
            None => {}
        }
        if let Some(annotation) = field_annotation_is_classvar(interp, &data, name)
            && annotation
        {
            continue;
        }
        fields.retain(|existing| existing.name != field.name);
        fields.push(field);
    }
    let mut seen_default = false;
    for field in &fields {
        if !field.init {
            continue;
        }
        let has_default = field.default.is_some() || field.factory.is_some();
        if seen_default && !has_default {
            return interp.error(
                node,
                "TypeError",
                format!(
                    "non-default argument '{}' follows default argument",
                    field.name
                ),
            );
        }
        seen_default |= has_default;
    }
    if let Obj::Class(data) = interp.obj_mut(class) {
        data.dataclass = Some(fields);
    }
    Ok(())
}

/// Whether the annotation of a class attribute is `ClassVar[...]` (not a field).
fn field_annotation_is_classvar(interp: &Interp<'_>, data: &Class<'_>, name: &str) -> Option<bool> {
    let node = data.node?;
    let body = child_by_field(node, "body")?;
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        let Some(assignment) = statement
            .named_child(0)
            .filter(|child| kind_of(*child) == "assignment")
        else {
            continue;
        };
        let Some(left) = child_by_field(assignment, "left") else {
            continue;
        };
        if interp.node_text(left) != name {
            continue;
        }
        let annotation =
            child_by_field(assignment, "type").map(|annotation| interp.node_text(annotation))?;
        return Some(annotation.contains("ClassVar"));
    }
    None
}

pub(crate) fn dataclass_init(
    interp: &mut Interp<'_>,
    instance: &Value,
    class: ObjId,
    fields: Vec<DataclassField>,
    args: Vec<Value>,
    kwargs: Vec<(Rc<str>, Value)>,
    node: Node<'_>,
) -> R<()> {
    let name = interp.class(class).name.clone();
    let init_fields: Vec<&DataclassField> = fields.iter().filter(|field| field.init).collect();
    if args.len() > init_fields.len() {
        return interp.error(
            node,
            "TypeError",
            format!(
                "{name}.__init__() takes {} positional argument{} but {} were given",
                init_fields.len() + 1,
                super::interp::plural(init_fields.len() + 1),
                args.len() + 1
            ),
        );
    }
    let mut values: Vec<Option<Value>> = vec![None; init_fields.len()];
    for (at, value) in args.into_iter().enumerate() {
        values[at] = Some(value);
    }
    for (key, value) in kwargs {
        match init_fields.iter().position(|field| field.name == key) {
            Some(at) if values[at].is_none() => values[at] = Some(value),
            Some(_) => {
                return interp.error(
                    node,
                    "TypeError",
                    format!("{name}.__init__() got multiple values for argument '{key}'"),
                );
            }
            None => {
                return interp.error(
                    node,
                    "TypeError",
                    format!("{name}.__init__() got an unexpected keyword argument '{key}'"),
                );
            }
        }
    }
    let mut missing = Vec::new();
    for (field, value) in init_fields.iter().zip(values.iter_mut()) {
        if value.is_some() {
            continue;
        }
        if let Some(default) = &field.default {
            *value = Some(default.clone());
        } else if let Some(factory) = &field.factory {
            *value = Some(interp.call(factory, Vec::new(), Vec::new(), node)?);
        } else {
            missing.push(format!("'{}'", field.name));
        }
    }
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            _ => format!(
                "{} and {}",
                missing[..missing.len() - 1].join(", "),
                missing[missing.len() - 1]
            ),
        };
        return interp.error(
            node,
            "TypeError",
            format!(
                "{name}.__init__() missing {} required positional argument{}: {list}",
                missing.len(),
                super::interp::plural(missing.len())
            ),
        );
    }
    let mut assigned: Vec<(Rc<str>, Value)> = init_fields
        .iter()
        .zip(values)
        .map(|(field, value)| (field.name.clone(), value.expect("filled")))
        .collect();
    for field in fields.iter().filter(|field| !field.init) {
        let value = match (&field.default, &field.factory) {
            (Some(default), _) => default.clone(),
            (None, Some(factory)) => interp.call(factory, Vec::new(), Vec::new(), node)?,
            (None, None) => continue,
        };
        assigned.push((field.name.clone(), value));
    }
    if let Value::Obj(id) = instance
        && let Obj::Instance(_, attrs) = interp.obj_mut(*id)
    {
        for (field, value) in assigned {
            attrs.insert(field, value);
        }
    }
    if let Some((_, post_init)) = interp.class_lookup(class, "__post_init__") {
        let post_init = interp.bind(post_init, instance.clone(), class)?;
        interp.call(&post_init, Vec::new(), Vec::new(), node)?;
    }
    Ok(())
}

/// After an `Enum` subclass's body ran: its plain attributes become members.
pub(crate) fn finish_enum(interp: &mut Interp<'_>, class: ObjId) -> R<()> {
    let enum_class = interp.classes["Enum"];
    if !interp.is_subclass(class, enum_class) {
        return Ok(());
    }
    let data = interp.class(class).clone();
    if data.mro.iter().any(|ancestor| {
        let name = interp.class(*ancestor).name.clone();
        interp.class(*ancestor).builtin && matches!(name.as_ref(), "IntEnum" | "StrEnum")
    }) {
        return stop("IntEnum/StrEnum");
    }
    if data.bases.iter().any(|base| {
        interp
            .class(*base)
            .enum_members
            .as_ref()
            .is_some_and(|members| !members.is_empty())
    }) {
        return stop("extending an enum");
    }
    let mut members = Vec::new();
    let mut next_auto = 1;
    let mut attrs = data.attrs.clone();
    for (name, value) in data.attrs.iter() {
        if name.starts_with('_') {
            continue;
        }
        let is_member = match value {
            Value::Obj(id) => match interp.obj(*id) {
                Obj::Function(_)
                | Obj::Property(..)
                | Obj::StaticMethod(_)
                | Obj::ClassMethod(_)
                | Obj::Class(_) => false,
                Obj::Module(kind, _) if kind.as_ref() == "enum.auto" => true,
                _ => true,
            },
            _ => true,
        };
        if !is_member {
            continue;
        }
        let member_value = match value {
            Value::Obj(id) if matches!(interp.obj(*id), Obj::Module(kind, _) if kind.as_ref() == "enum.auto") => {
                Value::Int(next_auto)
            }
            other => other.clone(),
        };
        if let Value::Int(number) = member_value {
            next_auto = number + 1;
        }
        for existing in &members {
            let existing_value = match interp.obj(super::builtins::obj_id(existing)) {
                Obj::Instance(_, attrs) => attrs.get("value").cloned().unwrap_or(Value::None),
                _ => Value::None,
            };
            let node = data.node.expect("a class statement");
            if interp.equal(&existing_value, &member_value, node)? {
                return stop("enum alias");
            }
        }
        let mut member_attrs = Map::default();
        member_attrs.insert(Rc::from("name"), Value::Str(name.clone()));
        member_attrs.insert(Rc::from("value"), member_value);
        let member = interp.alloc(Obj::Instance(class, member_attrs))?;
        attrs.insert(name.clone(), member.clone());
        members.push(member);
    }
    if let Obj::Class(data) = interp.obj_mut(class) {
        data.attrs = attrs;
        data.enum_members = Some(members);
    }
    Ok(())
}

pub(crate) fn enum_lookup(
    interp: &mut Interp<'_>,
    class: ObjId,
    members: Vec<Value>,
    args: Vec<Value>,
    node: Node<'_>,
) -> R<Value> {
    let [value] = args.as_slice() else {
        return stop("enum functional API");
    };
    for member in &members {
        let member_value = match interp.obj(super::builtins::obj_id(member)) {
            Obj::Instance(_, attrs) => attrs.get("value").cloned().unwrap_or(Value::None),
            _ => Value::None,
        };
        if super::protocol::identical(member, value) || interp.equal(&member_value, value, node)? {
            return Ok(member.clone());
        }
    }
    if interp.class_lookup(class, "_missing_").is_some() {
        return stop("enum _missing_");
    }
    let name = interp.class(class).name.clone();
    let Some(shown) = interp.repr_of(value, node)? else {
        return stop("enum value repr");
    };
    interp.error(node, "ValueError", format!("{shown} is not a valid {name}"))
}

pub(crate) fn enum_by_name(
    interp: &mut Interp<'_>,
    class: ObjId,
    index: &Value,
    node: Node<'_>,
) -> R<Value> {
    let Value::Str(name) = index else {
        return interp.raise_with_args(node, "KeyError", vec![index.clone()]);
    };
    let members = interp.class(class).enum_members.clone().unwrap_or_default();
    for member in members {
        if let Obj::Instance(_, attrs) = interp.obj(super::builtins::obj_id(&member))
            && matches!(attrs.get("name"), Some(Value::Str(member_name)) if member_name == name)
        {
            return Ok(member);
        }
    }
    interp.raise_with_args(node, "KeyError", vec![index.clone()])
}

pub(crate) fn resolve_awaitable(
    interp: &mut Interp<'_>,
    receiver: &Value,
    name: &str,
    node: Node<'_>,
) -> R<Value> {
    match name {
        "awaitable:sleep" => Ok(Value::None),
        "awaitable:gather" => {
            let awaitables = interp.collect(receiver, node)?;
            let mut results = Vec::with_capacity(awaitables.len());
            for awaitable in awaitables {
                results.push(interp.await_value(awaitable, node)?);
            }
            interp.list(results)
        }
        _ => stop("awaitable"),
    }
}
