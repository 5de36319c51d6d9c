//! The object protocol: truth, `str`/`repr`, hashing, equality and ordering, arithmetic,
//! item access, iteration and awaiting, with CPython's error messages.

use std::rc::Rc;

use tree_sitter::Node;

use super::format::float_repr;
use super::interp::{Flow, Interp, R, stop};
use super::value::*;

impl<'t> Interp<'t> {
    pub(crate) fn truthy(&mut self, value: &Value, node: Node<'_>) -> R<bool> {
        Ok(match value {
            Value::None => false,
            Value::Bool(value) => *value,
            Value::Int(value) => *value != 0,
            Value::Float(value) => *value != 0.0,
            Value::Str(text) => !text.is_empty(),
            Value::Builtin(_) => true,
            Value::Opaque => return stop("truth of an unknown value"),
            Value::Obj(id) => match self.obj(*id) {
                Obj::List(items) | Obj::Tuple(items) => !items.is_empty(),
                Obj::Dict(dict) => !dict.entries.is_empty(),
                Obj::Set(items, _) => !items.is_empty(),
                Obj::Deque(items, _) => !items.is_empty(),
                Obj::Range(..) => self.len_of(value, node)? != 0,
                Obj::DictView(dict, _) => match self.obj(*dict) {
                    Obj::Dict(dict) => !dict.entries.is_empty(),
                    _ => true,
                },
                Obj::Instance(class, _) => {
                    let class = *class;
                    if let Some((_, method)) = self.class_lookup(class, "__bool__") {
                        let method = self.bind(method, value.clone(), class)?;
                        let result = self.call(&method, Vec::new(), Vec::new(), node)?;
                        return match result {
                            Value::Bool(result) => Ok(result),
                            _ => stop("__bool__ returned a non-bool"),
                        };
                    }
                    if self.class_lookup(class, "__len__").is_some() {
                        return Ok(self.len_of(value, node)? != 0);
                    }
                    true
                }
                _ => true,
            },
        })
    }

    /// `str(value)`; `None` when the text cannot be known exactly (a default `repr` with an
    /// address, a float Python prints in exponent form).
    pub(crate) fn str_of(&mut self, value: &Value, node: Node<'_>) -> R<Option<String>> {
        match value {
            Value::Str(text) => Ok(Some(text.to_string())),
            Value::Opaque => Ok(None),
            Value::Obj(id) => match self.obj(*id) {
                Obj::Instance(class, _) => {
                    let class = *class;
                    if let Some((_, method)) = self.class_lookup(class, "__str__") {
                        let method = self.bind(method, value.clone(), class)?;
                        let result = self.call(&method, Vec::new(), Vec::new(), node)?;
                        return match result {
                            Value::Str(text) => Ok(Some(text.to_string())),
                            Value::Opaque => Ok(None),
                            _ => self.error(node, "TypeError", "__str__ returned non-string"),
                        };
                    }
                    if self.is_subclass(class, self.classes["BaseException"]) {
                        return self.exception_str(value, node);
                    }
                    self.repr_of(value, node)
                }
                _ => self.repr_of(value, node),
            },
            _ => self.repr_of(value, node),
        }
    }

    /// `str()` of an exception: its single argument, or the repr of its arguments.
    pub(crate) fn exception_str(&mut self, value: &Value, node: Node<'_>) -> R<Option<String>> {
        let Some(class) = self.instance_class(value) else {
            return Ok(None);
        };
        let args = match self.obj(super::builtins::obj_id(value)) {
            Obj::Instance(_, attrs) => attrs.get("args").cloned(),
            _ => None,
        };
        let Some(Value::Obj(args_id)) = args else {
            return Ok(Some(String::new()));
        };
        let Obj::Tuple(items) = self.obj(args_id).clone() else {
            return Ok(None);
        };
        let is_key_error = self.is_subclass(class, self.classes["KeyError"]);
        match items.len() {
            0 => Ok(Some(String::new())),
            1 if is_key_error => self.repr_of(&items[0], node),
            1 => self.str_of(&items[0], node),
            _ => self.repr_of(&Value::Obj(args_id), node),
        }
    }

    pub(crate) fn repr_of(&mut self, value: &Value, node: Node<'_>) -> R<Option<String>> {
        self.enter()?;
        let result = self.repr_of_inner(value, node);
        self.leave();
        result
    }

    fn repr_of_inner(&mut self, value: &Value, node: Node<'_>) -> R<Option<String>> {
        Ok(Some(match value {
            Value::None => "None".to_owned(),
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            Value::Int(value) => value.to_string(),
            Value::Float(value) => match float_repr(*value) {
                Some(text) => text,
                None => return Ok(None),
            },
            Value::Str(text) => string_repr(text),
            Value::Builtin(name) if super::interp::builtin_is_type(name) => {
                format!("<class '{name}'>")
            }
            Value::Builtin("Ellipsis") => "Ellipsis".to_owned(),
            Value::Builtin(_) | Value::Opaque => return Ok(None),
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id).clone() {
                    Obj::List(items) => match self.join_reprs(&items, node)? {
                        Some(text) => format!("[{text}]"),
                        None => return Ok(None),
                    },
                    Obj::Tuple(items) => match self.join_reprs(&items, node)? {
                        Some(text) if items.len() == 1 => format!("({text},)"),
                        Some(text) => format!("({text})"),
                        None => return Ok(None),
                    },
                    Obj::Set(items, frozen) => {
                        let items: Vec<Value> = items.values().cloned().collect();
                        if items.is_empty() {
                            return Ok(Some(
                                if frozen { "frozenset()" } else { "set()" }.to_owned(),
                            ));
                        }
                        // Set order follows hashes, which differ from insertion order.
                        if items.len() > 1 {
                            return Ok(None);
                        }
                        match self.join_reprs(&items, node)? {
                            Some(text) if frozen => format!("frozenset({{{text}}})"),
                            Some(text) => format!("{{{text}}}"),
                            None => return Ok(None),
                        }
                    }
                    Obj::Dict(dict) => {
                        let mut parts = Vec::new();
                        for (key, value) in dict.entries.values() {
                            let (Some(key), Some(value)) =
                                (self.repr_of(key, node)?, self.repr_of(value, node)?)
                            else {
                                return Ok(None);
                            };
                            parts.push(format!("{key}: {value}"));
                        }
                        let body = format!("{{{}}}", parts.join(", "));
                        match dict.kind {
                            DictKind::Plain => body,
                            DictKind::Counter => format!("Counter({body})"),
                            DictKind::OrderedDict => return Ok(None),
                            DictKind::DefaultDict => return Ok(None),
                        }
                    }
                    Obj::Deque(items, _) => {
                        let items: Vec<Value> = items.into_iter().collect();
                        match self.join_reprs(&items, node)? {
                            Some(text) => format!("deque([{text}])"),
                            None => return Ok(None),
                        }
                    }
                    Obj::Range(start, stop, step) => {
                        if step == 1 {
                            format!("range({start}, {stop})")
                        } else {
                            format!("range({start}, {stop}, {step})")
                        }
                    }
                    Obj::Instance(class, attrs) => {
                        if let Some((_, method)) = self.class_lookup(class, "__repr__") {
                            let method = self.bind(method, value.clone(), class)?;
                            let result = self.call(&method, Vec::new(), Vec::new(), node)?;
                            return match result {
                                Value::Str(text) => Ok(Some(text.to_string())),
                                Value::Opaque => Ok(None),
                                _ => self.error(node, "TypeError", "__repr__ returned non-string"),
                            };
                        }
                        let name = self.class(class).name.clone();
                        if self.is_subclass(class, self.classes["BaseException"])
                            && !self.class(class).builtin
                        {
                            return Ok(None);
                        }
                        if self.class(class).builtin {
                            let args = attrs.get("args").cloned().unwrap_or(Value::None);
                            let Some(args) = self.repr_of(&args, node)? else {
                                return Ok(None);
                            };
                            let args = args
                                .trim_end_matches(",)")
                                .trim_end_matches(')')
                                .trim_start_matches('(')
                                .to_owned();
                            return Ok(Some(format!("{name}({args})")));
                        }
                        if let Some(fields) = self.dataclass_of(class) {
                            let mut parts = Vec::new();
                            for field in fields {
                                let value = attrs.get(&field.name).cloned().unwrap_or(Value::None);
                                let Some(text) = self.repr_of(&value, node)? else {
                                    return Ok(None);
                                };
                                parts.push(format!("{}={text}", field.name));
                            }
                            return Ok(Some(format!("{name}({})", parts.join(", "))));
                        }
                        if let Some(fields) = self.class(class).namedtuple.clone() {
                            let mut parts = Vec::new();
                            for field in fields {
                                let value = attrs.get(&field).cloned().unwrap_or(Value::None);
                                let Some(text) = self.repr_of(&value, node)? else {
                                    return Ok(None);
                                };
                                parts.push(format!("{field}={text}"));
                            }
                            return Ok(Some(format!("{name}({})", parts.join(", "))));
                        }
                        if let Some(member) = attrs
                            .get("name")
                            .filter(|_| self.class(class).enum_members.is_some())
                            && let Value::Str(member) = member
                        {
                            let value = attrs.get("value").cloned().unwrap_or(Value::None);
                            let Some(text) = self.repr_of(&value, node)? else {
                                return Ok(None);
                            };
                            return Ok(Some(format!("<{name}.{member}: {text}>")));
                        }
                        return Ok(None);
                    }
                    Obj::Class(class) => {
                        if class.builtin {
                            format!("<class '{}'>", class.name)
                        } else {
                            format!("<class '__main__.{}'>", class.name)
                        }
                    }
                    _ => return Ok(None),
                }
            }
        }))
    }

    fn join_reprs(&mut self, items: &[Value], node: Node<'_>) -> R<Option<String>> {
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            match self.repr_of(item, node)? {
                Some(text) => parts.push(text),
                None => return Ok(None),
            }
        }
        Ok(Some(parts.join(", ")))
    }

    /// The dict key of a value, or `TypeError: unhashable type`.
    pub(crate) fn hash_key(&mut self, value: &Value, node: Node<'_>) -> R<Key> {
        Ok(match value {
            Value::None => Key::None,
            Value::Bool(value) => Key::Int(*value as i64),
            Value::Int(value) => Key::Int(*value),
            Value::Float(value) => {
                if value.fract() == 0.0 && value.abs() < 9.0e15 {
                    Key::Int(*value as i64)
                } else if value.is_nan() {
                    return stop("NaN key");
                } else {
                    Key::Float(value.to_bits())
                }
            }
            Value::Str(text) => Key::Str(text.clone()),
            Value::Builtin(name) => Key::Builtin(name),
            Value::Opaque => return stop("hash of an unknown value"),
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id).clone() {
                    Obj::Tuple(items) => {
                        let mut keys = Vec::with_capacity(items.len());
                        for item in &items {
                            keys.push(self.hash_key(item, node)?);
                        }
                        Key::Tuple(keys)
                    }
                    Obj::Set(items, true) => {
                        let mut keys: Vec<Key> = items.keys().cloned().collect();
                        keys.sort_by_key(|key| format!("{key:?}"));
                        Key::FrozenSet(keys)
                    }
                    Obj::List(_) | Obj::Dict(_) | Obj::Set(..) | Obj::Deque(..) => {
                        let name = self.type_name(value);
                        return self.error(node, "TypeError", format!("unhashable type: '{name}'"));
                    }
                    Obj::Instance(class, attrs) => {
                        if self.class_lookup(class, "__hash__").is_some() {
                            if let Some(fields) = self.class(class).namedtuple.clone() {
                                let mut keys = Vec::new();
                                for field in fields {
                                    let value = attrs.get(&field).cloned().unwrap_or(Value::None);
                                    keys.push(self.hash_key(&value, node)?);
                                }
                                return Ok(Key::Tuple(keys));
                            }
                            return stop("custom __hash__");
                        }
                        let defines_eq = self.class_lookup(class, "__eq__").is_some()
                            || self.dataclass_of(class).is_some();
                        if defines_eq {
                            if let Some(fields) = self.frozen_dataclass_fields(class) {
                                let mut keys = vec![Key::Id(class)];
                                for field in fields {
                                    let value = attrs.get(&field).cloned().unwrap_or(Value::None);
                                    keys.push(self.hash_key(&value, node)?);
                                }
                                return Ok(Key::Tuple(keys));
                            }
                            let name = self.class(class).name.clone();
                            return self.error(
                                node,
                                "TypeError",
                                format!("unhashable type: '{name}'"),
                            );
                        }
                        Key::Id(id)
                    }
                    _ => Key::Id(id),
                }
            }
        })
    }

    fn frozen_dataclass_fields(&self, class: ObjId) -> Option<Vec<Rc<str>>> {
        let frozen = self
            .class(class)
            .attrs
            .get("__frozen__")
            .is_some_and(|value| matches!(value, Value::Bool(true)));
        if !frozen {
            return None;
        }
        Some(
            self.dataclass_of(class)?
                .into_iter()
                .map(|field| field.name)
                .collect(),
        )
    }

    pub(crate) fn equal(&mut self, left: &Value, right: &Value, node: Node<'_>) -> R<bool> {
        self.enter()?;
        let result = self.equal_inner(left, right, node);
        self.leave();
        result
    }

    fn equal_inner(&mut self, left: &Value, right: &Value, node: Node<'_>) -> R<bool> {
        Ok(match (left, right) {
            (Value::Opaque, _) | (_, Value::Opaque) => {
                return stop("comparison with an unknown value");
            }
            (Value::None, Value::None) => true,
            (Value::Str(a), Value::Str(b)) => a == b,
            (a, b) if number(a).is_some() && number(b).is_some() => match (a, b) {
                (Value::Float(_), _) | (_, Value::Float(_)) => number(a) == number(b),
                _ => int_of(a) == int_of(b),
            },
            (Value::Builtin(a), Value::Builtin(b)) => a == b,
            (Value::Obj(a), Value::Obj(b)) if a == b => true,
            (Value::Obj(a), Value::Obj(b)) => {
                let (a, b) = (*a, *b);
                match (self.obj(a).clone(), self.obj(b).clone()) {
                    (Obj::List(x), Obj::List(y)) | (Obj::Tuple(x), Obj::Tuple(y)) => {
                        if x.len() != y.len() {
                            return Ok(false);
                        }
                        for (x, y) in x.iter().zip(&y) {
                            if !self.equal(x, y, node)? {
                                return Ok(false);
                            }
                        }
                        true
                    }
                    (Obj::Dict(x), Obj::Dict(y)) => {
                        if x.entries.len() != y.entries.len() {
                            return Ok(false);
                        }
                        for (key, (_, value)) in &x.entries {
                            match y.entries.get(key) {
                                Some((_, other)) => {
                                    if !self.equal(value, other, node)? {
                                        return Ok(false);
                                    }
                                }
                                None => return Ok(false),
                            }
                        }
                        true
                    }
                    (Obj::Set(x, _), Obj::Set(y, _)) => {
                        x.len() == y.len() && x.keys().all(|key| y.contains_key(key))
                    }
                    (Obj::Instance(class, _), _) | (_, Obj::Instance(class, _)) => {
                        let (receiver, other) = if matches!(self.obj(a), Obj::Instance(..)) {
                            (left, right)
                        } else {
                            (right, left)
                        };
                        if let Some((_, method)) = self.class_lookup(class, "__eq__") {
                            let method = self.bind(method, receiver.clone(), class)?;
                            let result =
                                self.call(&method, vec![other.clone()], Vec::new(), node)?;
                            return match result {
                                Value::Bool(result) => Ok(result),
                                Value::Builtin("NotImplemented") => Ok(false),
                                _ => stop("__eq__ returned a non-bool"),
                            };
                        }
                        let same_class = self.instance_class(other) == Some(class);
                        if same_class {
                            if let Some(fields) = self.dataclass_of(class) {
                                for field in fields {
                                    let x = self.get_attr(receiver, &field.name, node)?;
                                    let y = self.get_attr(other, &field.name, node)?;
                                    if !self.equal(&x, &y, node)? {
                                        return Ok(false);
                                    }
                                }
                                return Ok(true);
                            }
                            if let Some(fields) = self.class(class).namedtuple.clone() {
                                for field in fields {
                                    let x = self.get_attr(receiver, &field, node)?;
                                    let y = self.get_attr(other, &field, node)?;
                                    if !self.equal(&x, &y, node)? {
                                        return Ok(false);
                                    }
                                }
                                return Ok(true);
                            }
                        }
                        false
                    }
                    (Obj::Range(..), _) | (_, Obj::Range(..)) => return stop("range equality"),
                    _ => false,
                }
            }
            (Value::Obj(id), _) | (_, Value::Obj(id)) => {
                if let Obj::Instance(class, _) = self.obj(*id)
                    && self.class_lookup(*class, "__eq__").is_some()
                {
                    return stop("__eq__ against a builtin value");
                }
                false
            }
            _ => false,
        })
    }

    /// `left < right` (and friends), with `TypeError` for unorderable operands.
    pub(crate) fn less(
        &mut self,
        left: &Value,
        right: &Value,
        node: Node<'_>,
        operator: &str,
    ) -> R<bool> {
        match (left, right) {
            (Value::Opaque, _) | (_, Value::Opaque) => stop("comparison with an unknown value"),
            (Value::Str(a), Value::Str(b)) => Ok(a < b),
            (a, b) if number(a).is_some() && number(b).is_some() => match (a, b) {
                (Value::Float(_), _) | (_, Value::Float(_)) => Ok(number(a) < number(b)),
                _ => Ok(int_of(a) < int_of(b)),
            },
            (Value::Obj(a), Value::Obj(b)) => {
                let (a, b) = (*a, *b);
                match (self.obj(a).clone(), self.obj(b).clone()) {
                    (Obj::List(x), Obj::List(y)) | (Obj::Tuple(x), Obj::Tuple(y)) => {
                        for (x, y) in x.iter().zip(&y) {
                            if !self.equal(x, y, node)? {
                                return self.less(x, y, node, operator);
                            }
                        }
                        Ok(x.len() < y.len())
                    }
                    (Obj::Instance(class, _), _) => {
                        let method = match operator {
                            "<" | ">=" => "__lt__",
                            _ => "__gt__",
                        };
                        if let Some((_, function)) = self.class_lookup(class, method) {
                            let function = self.bind(function, left.clone(), class)?;
                            let result =
                                self.call(&function, vec![right.clone()], Vec::new(), node)?;
                            return match result {
                                Value::Bool(result) => Ok(result),
                                _ => stop("rich comparison returned a non-bool"),
                            };
                        }
                        if self.class_lookup(class, "__le__").is_some()
                            || self.class_lookup(class, "__ge__").is_some()
                            || self.class(class).dataclass.is_some()
                        {
                            return stop("rich comparison");
                        }
                        self.unorderable(left, right, node, operator)
                    }
                    (Obj::Set(..), Obj::Set(..)) => stop("set ordering"),
                    _ => self.unorderable(left, right, node, operator),
                }
            }
            _ => self.unorderable(left, right, node, operator),
        }
    }

    fn unorderable(
        &mut self,
        left: &Value,
        right: &Value,
        node: Node<'_>,
        operator: &str,
    ) -> R<bool> {
        if let Some(class) = self.instance_class(right)
            && (self.class_lookup(class, "__lt__").is_some()
                || self.class_lookup(class, "__gt__").is_some())
        {
            return stop("reflected comparison");
        }
        let (a, b) = (self.type_name(left), self.type_name(right));
        self.error(
            node,
            "TypeError",
            format!("'{operator}' not supported between instances of '{a}' and '{b}'"),
        )
    }

    pub(crate) fn compare(
        &mut self,
        operator: &str,
        left: &Value,
        right: &Value,
        node: Node<'_>,
    ) -> R<bool> {
        match operator {
            "==" => self.equal(left, right, node),
            "!=" => {
                if let Some(class) = self.instance_class(left)
                    && self.class_lookup(class, "__ne__").is_some()
                {
                    return stop("custom __ne__");
                }
                Ok(!self.equal(left, right, node)?)
            }
            "<" => self.less(left, right, node, "<"),
            ">" => self
                .less(right, left, node, ">")
                .or_else(|flow| self.swap_message(flow, ">")),
            "<=" => {
                if self.is_instance_with(left, "__le__") {
                    return stop("custom __le__");
                }
                Ok(!self.less(right, left, node, "<=")?)
            }
            ">=" => {
                if self.is_instance_with(left, "__ge__") {
                    return stop("custom __ge__");
                }
                Ok(!self.less(left, right, node, ">=")?)
            }
            "is" | "is not" => {
                let same = match identity(left, right) {
                    Some(same) => same,
                    None => return stop("identity of equal immutable values"),
                };
                Ok(if operator == "is" { same } else { !same })
            }
            "in" => self.contains(right, left, node),
            "not in" => Ok(!self.contains(right, left, node)?),
            _ => stop(format!("comparison {operator}")),
        }
    }

    fn swap_message(&mut self, flow: Flow, _operator: &str) -> R<bool> {
        // `a > b` is computed as `b < a`: the message names the operands in the written order.
        match flow {
            Flow::Raise(raised) => {
                let class = self.instance_class(&raised.value);
                if class == Some(self.classes["TypeError"]) {
                    return stop("reordered comparison error");
                }
                Err(Flow::Raise(raised))
            }
            other => Err(other),
        }
    }

    fn is_instance_with(&self, value: &Value, method: &str) -> bool {
        self.instance_class(value)
            .is_some_and(|class| self.class_lookup(class, method).is_some())
    }

    /// `item in container`.
    pub(crate) fn contains(&mut self, container: &Value, item: &Value, node: Node<'_>) -> R<bool> {
        match container {
            Value::Str(text) => match item {
                Value::Str(needle) => Ok(text.contains(needle.as_ref())),
                Value::Opaque => stop("unknown value"),
                _ => {
                    let name = self.type_name(item);
                    self.error(
                        node,
                        "TypeError",
                        format!("'in <string>' requires string as left operand, not {name}"),
                    )
                }
            },
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id).clone() {
                    Obj::Dict(dict) => {
                        let key = self.hash_key(item, node)?;
                        Ok(dict.entries.contains_key(&key))
                    }
                    Obj::DictView(dict, 0) => self.contains(&Value::Obj(dict), item, node),
                    Obj::Set(items, _) => {
                        let key = self.hash_key(item, node)?;
                        Ok(items.contains_key(&key))
                    }
                    Obj::Range(start, stop_at, step) => match item {
                        Value::Int(value) => Ok(if step > 0 {
                            *value >= start && *value < stop_at && (value - start) % step == 0
                        } else {
                            *value <= start && *value > stop_at && (start - value) % (-step) == 0
                        }),
                        _ => stop("range membership"),
                    },
                    Obj::Instance(class, _) => {
                        if let Some((_, method)) = self.class_lookup(class, "__contains__") {
                            let method = self.bind(method, container.clone(), class)?;
                            let result =
                                self.call(&method, vec![item.clone()], Vec::new(), node)?;
                            return self.truthy(&result, node);
                        }
                        self.contains_by_iteration(container, item, node)
                    }
                    _ => self.contains_by_iteration(container, item, node),
                }
            }
            Value::Opaque => stop("membership in an unknown value"),
            _ => {
                let name = self.type_name(container);
                self.error(
                    node,
                    "TypeError",
                    format!("argument of type '{name}' is not iterable"),
                )
            }
        }
    }

    fn contains_by_iteration(
        &mut self,
        container: &Value,
        item: &Value,
        node: Node<'_>,
    ) -> R<bool> {
        let iterator = self.iterate(container, node)?;
        while let Some(candidate) = self.next_item(&iterator, node)? {
            self.step()?;
            if identical(&candidate, item) || self.equal(&candidate, item, node)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    // ---- arithmetic -------------------------------------------------------------------

    pub(crate) fn binary(
        &mut self,
        operator: &str,
        left: Value,
        right: Value,
        node: Node<'_>,
    ) -> R<Value> {
        if matches!(left, Value::Opaque) || matches!(right, Value::Opaque) {
            return stop("arithmetic on an unknown value");
        }
        if let (Some(a), Some(b)) = (int_of(&left), int_of(&right)) {
            return self.int_binary(operator, a, b, node);
        }
        // `int | None` in an alias: a type union, harmless at run time.
        let is_type = |value: &Value| match value {
            Value::Builtin(name) => super::interp::builtin_is_type(name) || *name == "Generic",
            Value::None => true,
            _ => false,
        };
        if operator == "|"
            && (is_type(&left) || self.is_class(&left).is_some())
            && (is_type(&right) || self.is_class(&right).is_some())
        {
            return Ok(Value::Builtin("Generic"));
        }
        if let (Some(a), Some(b)) = (number(&left), number(&right)) {
            return self.float_binary(operator, a, b, node);
        }
        match (&left, &right) {
            (Value::Str(a), Value::Str(b)) if operator == "+" => {
                self.check_length(a.len() + b.len())?;
                return Ok(Value::str(&format!("{a}{b}")));
            }
            (Value::Str(text), count) | (count, Value::Str(text))
                if operator == "*" && int_of(count).is_some() =>
            {
                let count = int_of(count).unwrap_or(0).max(0) as usize;
                self.check_length(text.len().saturating_mul(count))?;
                return Ok(Value::str(&text.repeat(count)));
            }
            (Value::Str(format), _) if operator == "%" => {
                return super::format::percent_format(self, format, &right, node);
            }
            _ => {}
        }
        if let (Value::Obj(a), Value::Obj(b)) = (&left, &right) {
            let (a, b) = (*a, *b);
            match (self.obj(a).clone(), self.obj(b).clone(), operator) {
                (Obj::List(x), Obj::List(y), "+") => {
                    let mut items = x;
                    items.extend(y);
                    return self.list(items);
                }
                (Obj::Tuple(x), Obj::Tuple(y), "+") => {
                    let mut items = x;
                    items.extend(y);
                    return self.tuple(items);
                }
                (Obj::Set(x, frozen), Obj::Set(y, _), "|" | "&" | "-" | "^") => {
                    let mut result = Map::default();
                    match operator {
                        "|" => {
                            result = x.clone();
                            for (key, value) in y {
                                result.entry(key).or_insert(value);
                            }
                        }
                        "&" => {
                            for (key, value) in x {
                                if y.contains_key(&key) {
                                    result.insert(key, value);
                                }
                            }
                        }
                        "-" => {
                            for (key, value) in x {
                                if !y.contains_key(&key) {
                                    result.insert(key, value);
                                }
                            }
                        }
                        _ => {
                            for (key, value) in x.iter() {
                                if !y.contains_key(key) {
                                    result.insert(key.clone(), value.clone());
                                }
                            }
                            for (key, value) in y {
                                if !x.contains_key(&key) {
                                    result.insert(key, value);
                                }
                            }
                        }
                    }
                    return self.alloc(Obj::Set(result, frozen));
                }
                (Obj::Dict(x), Obj::Dict(y), "|") => {
                    let mut result = x;
                    for (key, entry) in y.entries {
                        match result.entries.get_mut(&key) {
                            Some(existing) => existing.1 = entry.1,
                            None => {
                                result.entries.insert(key, entry);
                            }
                        }
                    }
                    return self.alloc(Obj::Dict(result));
                }
                (Obj::Dict(x), Obj::Dict(y), "+" | "-")
                    if x.kind == DictKind::Counter && y.kind == DictKind::Counter =>
                {
                    let mut result = Dict::new(DictKind::Counter);
                    for (key, entry) in x.entries.iter() {
                        result.entries.insert(key.clone(), entry.clone());
                    }
                    for (key, (original, value)) in y.entries {
                        let current = result
                            .entries
                            .get(&key)
                            .map(|entry| entry.1.clone())
                            .unwrap_or(Value::Int(0));
                        let combined = self.binary(operator, current, value, node)?;
                        result.entries.insert(key, (original, combined));
                    }
                    let mut kept = Dict::new(DictKind::Counter);
                    for (key, (original, value)) in result.entries {
                        if matches!(value, Value::Int(count) if count > 0) {
                            kept.entries.insert(key, (original, value));
                        }
                    }
                    return self.alloc(Obj::Dict(kept));
                }
                _ => {}
            }
        }
        if let (Value::Obj(id), count) | (count, Value::Obj(id)) = (&left, &right)
            && operator == "*"
            && let Some(count) = int_of(count)
        {
            let count = count.max(0) as usize;
            match self.obj(*id).clone() {
                Obj::List(items) => {
                    self.check_length(items.len().saturating_mul(count))?;
                    let items: Vec<Value> =
                        (0..count).flat_map(|_| items.iter().cloned()).collect();
                    return self.list(items);
                }
                Obj::Tuple(items) => {
                    self.check_length(items.len().saturating_mul(count))?;
                    let items: Vec<Value> =
                        (0..count).flat_map(|_| items.iter().cloned()).collect();
                    return self.tuple(items);
                }
                _ => {}
            }
        }
        // User classes: `__add__` and friends, then the reflected `__radd__`.
        let dunder = super::builtins::dunder_name(operator);
        if let Some(class) = self.instance_class(&left)
            && let Some((_, method)) = self.class_lookup(class, &format!("__{dunder}__"))
        {
            let method = self.bind(method, left.clone(), class)?;
            let result = self.call(&method, vec![right.clone()], Vec::new(), node)?;
            if !matches!(result, Value::Builtin("NotImplemented")) {
                return Ok(result);
            }
            return stop("NotImplemented");
        }
        if let Some(class) = self.instance_class(&right)
            && let Some((_, method)) = self.class_lookup(class, &format!("__r{dunder}__"))
        {
            let method = self.bind(method, right.clone(), class)?;
            let result = self.call(&method, vec![left.clone()], Vec::new(), node)?;
            if !matches!(result, Value::Builtin("NotImplemented")) {
                return Ok(result);
            }
            return stop("NotImplemented");
        }
        let (a, b) = (self.type_name(&left), self.type_name(&right));
        let message = match (&left, operator) {
            (Value::Str(_), "+") => format!("can only concatenate str (not \"{b}\") to str"),
            (Value::Obj(id), "+") if matches!(self.obj(*id), Obj::List(_)) => {
                format!("can only concatenate list (not \"{b}\") to list")
            }
            (Value::Obj(id), "+") if matches!(self.obj(*id), Obj::Tuple(_)) => {
                format!("can only concatenate tuple (not \"{b}\") to tuple")
            }
            (_, "*") if matches!(left, Value::Str(_)) || matches!(right, Value::Str(_)) => {
                let other = if matches!(left, Value::Str(_)) {
                    &b
                } else {
                    &a
                };
                format!("can't multiply sequence by non-int of type '{other}'")
            }
            _ => format!("unsupported operand type(s) for {operator}: '{a}' and '{b}'"),
        };
        self.error(node, "TypeError", message)
    }

    fn check_length(&self, length: usize) -> R<()> {
        if length > 10_000_000 {
            return stop("value too large");
        }
        Ok(())
    }

    fn int_binary(&mut self, operator: &str, a: i64, b: i64, node: Node<'_>) -> R<Value> {
        let overflow = || stop::<Value>("integer overflow");
        let result = match operator {
            "+" => a.checked_add(b),
            "-" => a.checked_sub(b),
            "*" => a.checked_mul(b),
            "/" => {
                if b == 0 {
                    return self.error(node, "ZeroDivisionError", "division by zero");
                }
                return Ok(Value::Float(a as f64 / b as f64));
            }
            "//" => {
                if b == 0 {
                    return self.error(
                        node,
                        "ZeroDivisionError",
                        "integer division or modulo by zero",
                    );
                }
                a.checked_div(b).map(|quotient| {
                    if (a % b != 0) && ((a < 0) != (b < 0)) {
                        quotient - 1
                    } else {
                        quotient
                    }
                })
            }
            "%" => {
                if b == 0 {
                    return self.error(node, "ZeroDivisionError", "integer modulo by zero");
                }
                a.checked_rem(b).map(|remainder| {
                    if remainder != 0 && ((remainder < 0) != (b < 0)) {
                        remainder + b
                    } else {
                        remainder
                    }
                })
            }
            "**" => {
                if b < 0 {
                    if a == 0 {
                        return self.error(
                            node,
                            "ZeroDivisionError",
                            "0.0 cannot be raised to a negative power",
                        );
                    }
                    return Ok(Value::Float((a as f64).powf(b as f64)));
                }
                u32::try_from(b).ok().and_then(|b| a.checked_pow(b))
            }
            "&" => Some(a & b),
            "|" => Some(a | b),
            "^" => Some(a ^ b),
            "<<" => {
                if b < 0 {
                    return self.error(node, "ValueError", "negative shift count");
                }
                if b >= 63 || (a != 0 && a.abs().leading_zeros() <= b as u32 + 1) {
                    return overflow();
                }
                Some(a << b)
            }
            ">>" => {
                if b < 0 {
                    return self.error(node, "ValueError", "negative shift count");
                }
                Some(a >> b.min(63))
            }
            "@" => return stop("matrix multiplication"),
            _ => return stop(format!("operator {operator}")),
        };
        match result {
            Some(value) => Ok(Value::Int(value)),
            None => overflow(),
        }
    }

    fn float_binary(&mut self, operator: &str, a: f64, b: f64, node: Node<'_>) -> R<Value> {
        let value = match operator {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" => {
                if b == 0.0 {
                    return self.error(node, "ZeroDivisionError", "float division by zero");
                }
                a / b
            }
            "//" => {
                if b == 0.0 {
                    return self.error(node, "ZeroDivisionError", "float floor division by zero");
                }
                (a / b).floor()
            }
            "%" => {
                if b == 0.0 {
                    return self.error(node, "ZeroDivisionError", "float modulo by zero");
                }
                let remainder = a % b;
                if remainder != 0.0 && ((remainder < 0.0) != (b < 0.0)) {
                    remainder + b
                } else {
                    remainder
                }
            }
            "**" => {
                if a == 0.0 && b < 0.0 {
                    return self.error(
                        node,
                        "ZeroDivisionError",
                        "0.0 cannot be raised to a negative power",
                    );
                }
                if a < 0.0 && b.fract() != 0.0 {
                    return stop("complex power");
                }
                a.powf(b)
            }
            _ => {
                let (x, y) = (Value::Float(a), Value::Float(b));
                let (x, y) = (self.type_name(&x), self.type_name(&y));
                return self.error(
                    node,
                    "TypeError",
                    format!("unsupported operand type(s) for {operator}: '{x}' and '{y}'"),
                );
            }
        };
        if value.is_infinite() && a.is_finite() && b.is_finite() {
            return stop("float overflow");
        }
        Ok(Value::Float(value))
    }

    // ---- items ------------------------------------------------------------------------

    pub(crate) fn get_item(&mut self, object: &Value, index: &Value, node: Node<'_>) -> R<Value> {
        match object {
            Value::Str(text) => {
                if let Some(slice) = self.slice_of(index) {
                    let chars: Vec<char> = text.chars().collect();
                    let indices = self.slice_indices(slice, chars.len(), node)?;
                    return Ok(Value::str(
                        &indices.into_iter().map(|at| chars[at]).collect::<String>(),
                    ));
                }
                let Some(position) = self.index_of(index, "string", node)? else {
                    unreachable!("index_of raises or returns");
                };
                let count = text.chars().count();
                match normalize(position, count) {
                    Some(at) => Ok(Value::str(
                        &text.chars().nth(at).expect("in range").to_string(),
                    )),
                    None => self.error(node, "IndexError", "string index out of range"),
                }
            }
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id).clone() {
                    Obj::List(items) | Obj::Tuple(items) => {
                        let kind = if matches!(self.obj(id), Obj::List(_)) {
                            "list"
                        } else {
                            "tuple"
                        };
                        if let Some(slice) = self.slice_of(index) {
                            let indices = self.slice_indices(slice, items.len(), node)?;
                            let picked: Vec<Value> =
                                indices.into_iter().map(|at| items[at].clone()).collect();
                            return if kind == "list" {
                                self.list(picked)
                            } else {
                                self.tuple(picked)
                            };
                        }
                        let Some(position) = self.index_of(index, kind, node)? else {
                            unreachable!("index_of raises or returns");
                        };
                        match normalize(position, items.len()) {
                            Some(at) => Ok(items[at].clone()),
                            None => {
                                self.error(node, "IndexError", format!("{kind} index out of range"))
                            }
                        }
                    }
                    Obj::Deque(items, _) => {
                        let Some(position) = self.index_of(index, "deque", node)? else {
                            unreachable!("index_of raises or returns");
                        };
                        match normalize(position, items.len()) {
                            Some(at) => Ok(items[at].clone()),
                            None => self.error(node, "IndexError", "deque index out of range"),
                        }
                    }
                    Obj::Range(start, _, step) => {
                        let length = self.len_of(object, node)?;
                        let Some(position) = self.index_of(index, "range", node)? else {
                            unreachable!("index_of raises or returns");
                        };
                        match normalize(position, length) {
                            Some(at) => Ok(Value::Int(start + step * at as i64)),
                            None => {
                                self.error(node, "IndexError", "range object index out of range")
                            }
                        }
                    }
                    Obj::Dict(dict) => {
                        let key = self.hash_key(index, node)?;
                        if let Some((_, value)) = dict.entries.get(&key) {
                            return Ok(value.clone());
                        }
                        match dict.kind {
                            DictKind::Counter => Ok(Value::Int(0)),
                            DictKind::DefaultDict => match dict.default_factory.clone() {
                                Some(factory) => {
                                    let value =
                                        self.call(&factory, Vec::new(), Vec::new(), node)?;
                                    if let Obj::Dict(dict) = self.obj_mut(id) {
                                        dict.entries.insert(key, (index.clone(), value.clone()));
                                    }
                                    Ok(value)
                                }
                                None => self.raise_with_args(node, "KeyError", vec![index.clone()]),
                            },
                            _ => self.raise_with_args(node, "KeyError", vec![index.clone()]),
                        }
                    }
                    Obj::Instance(class, attrs) => {
                        if let Some((_, method)) = self.class_lookup(class, "__getitem__") {
                            let method = self.bind(method, object.clone(), class)?;
                            return self.call(&method, vec![index.clone()], Vec::new(), node);
                        }
                        if let Some(fields) = self.class(class).namedtuple.clone() {
                            let items: Vec<Value> = fields
                                .iter()
                                .map(|field| attrs.get(field).cloned().unwrap_or(Value::None))
                                .collect();
                            let tuple = self.tuple(items)?;
                            return self.get_item(&tuple, index, node);
                        }
                        let name = self.class(class).name.clone();
                        self.error(
                            node,
                            "TypeError",
                            format!("'{name}' object is not subscriptable"),
                        )
                    }
                    Obj::Class(class) => {
                        if class.enum_members.is_some() {
                            return super::modules::enum_by_name(self, id, index, node);
                        }
                        if class.builtin {
                            return stop("generic alias");
                        }
                        if self.class_lookup(id, "__class_getitem__").is_some() {
                            return stop("__class_getitem__");
                        }
                        let name = class.name.clone();
                        self.error(
                            node,
                            "TypeError",
                            format!("type '{name}' is not subscriptable"),
                        )
                    }
                    _ => {
                        let name = self.type_name(object);
                        self.error(
                            node,
                            "TypeError",
                            format!("'{name}' object is not subscriptable"),
                        )
                    }
                }
            }
            Value::Opaque => stop("subscript of an unknown value"),
            Value::Builtin(name) if super::interp::builtin_is_type(name) || *name == "Generic" => {
                Ok(Value::Builtin("Generic"))
            }
            Value::Builtin(_) => {
                let name = self.type_name(object);
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object is not subscriptable"),
                )
            }
            _ => {
                let name = self.type_name(object);
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object is not subscriptable"),
                )
            }
        }
    }

    fn slice_of(&self, index: &Value) -> Option<(Value, Value, Value)> {
        match index {
            Value::Obj(id) => match self.obj(*id) {
                Obj::Slice(start, stop, step) => Some((start.clone(), stop.clone(), step.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// The integer of an index, or `TypeError: list indices must be integers or slices`.
    fn index_of(&mut self, index: &Value, kind: &str, node: Node<'_>) -> R<Option<i64>> {
        match int_of(index) {
            Some(value) => Ok(Some(value)),
            None => {
                if matches!(index, Value::Opaque) {
                    return stop("unknown index");
                }
                let name = self.type_name(index);
                let message = match kind {
                    "string" => format!("string indices must be integers, not '{name}'"),
                    "deque" => format!("sequence index must be integer, not '{name}'"),
                    "range" => format!("range indices must be integers or slices, not {name}"),
                    _ => format!("{kind} indices must be integers or slices, not {name}"),
                };
                self.error(node, "TypeError", message)
            }
        }
    }

    /// The positions a slice selects from a sequence of `length`.
    pub(crate) fn slice_indices(
        &mut self,
        slice: (Value, Value, Value),
        length: usize,
        node: Node<'_>,
    ) -> R<Vec<usize>> {
        let as_int = |value: &Value| -> Result<Option<i64>, ()> {
            match value {
                Value::None => Ok(None),
                other => int_of(other).map(Some).ok_or(()),
            }
        };
        let (Ok(start), Ok(stop_at), Ok(step)) =
            (as_int(&slice.0), as_int(&slice.1), as_int(&slice.2))
        else {
            return self.error(
                node,
                "TypeError",
                "slice indices must be integers or None or have an __index__ method",
            );
        };
        let step = step.unwrap_or(1);
        if step == 0 {
            return self.error(node, "ValueError", "slice step cannot be zero");
        }
        let length = length as i64;
        let clamp = |value: i64, low: i64, high: i64| value.max(low).min(high);
        let resolve = |value: Option<i64>, default: i64, low: i64, high: i64| match value {
            None => default,
            Some(value) if value < 0 => clamp(value + length, low, high),
            Some(value) => clamp(value, low, high),
        };
        let mut indices = Vec::new();
        if step > 0 {
            let start = resolve(start, 0, 0, length);
            let end = resolve(stop_at, length, 0, length);
            let mut at = start;
            while at < end {
                indices.push(at as usize);
                at += step;
            }
        } else {
            let start = resolve(start, length - 1, -1, length - 1);
            let end = resolve(stop_at, -1, -1, length - 1);
            let mut at = start;
            while at > end {
                indices.push(at as usize);
                at += step;
            }
        }
        Ok(indices)
    }

    pub(crate) fn set_item(
        &mut self,
        object: &Value,
        index: Value,
        value: Value,
        node: Node<'_>,
    ) -> R<()> {
        let Value::Obj(id) = object else {
            if matches!(object, Value::Opaque) {
                return stop("item store on an unknown value");
            }
            let name = self.type_name(object);
            return self.error(
                node,
                "TypeError",
                format!("'{name}' object does not support item assignment"),
            );
        };
        let id = *id;
        match self.obj(id).clone() {
            Obj::List(items) => {
                if let Some(slice) = self.slice_of(&index) {
                    if !matches!(slice.2, Value::None) {
                        return stop("extended slice assignment");
                    }
                    let indices = self.slice_indices(slice.clone(), items.len(), node)?;
                    let replacement = self.collect(&value, node)?;
                    let start = match (&slice.0, indices.first()) {
                        (_, Some(first)) => *first,
                        (Value::None, None) => 0,
                        (start, None) => {
                            let start = int_of(start).unwrap_or(0);
                            let length = items.len() as i64;
                            (if start < 0 {
                                (start + length).max(0)
                            } else {
                                start.min(length)
                            }) as usize
                        }
                    };
                    let end = start + indices.len();
                    if let Obj::List(list) = self.obj_mut(id) {
                        list.splice(start..end, replacement);
                    }
                    return Ok(());
                }
                let Some(position) = self.index_of(&index, "list", node)? else {
                    unreachable!("index_of raises or returns");
                };
                match normalize(position, items.len()) {
                    Some(at) => {
                        if let Obj::List(list) = self.obj_mut(id) {
                            list[at] = value;
                        }
                        Ok(())
                    }
                    None => self.error(node, "IndexError", "list assignment index out of range"),
                }
            }
            Obj::Deque(items, _) => {
                let Some(position) = self.index_of(&index, "deque", node)? else {
                    unreachable!("index_of raises or returns");
                };
                match normalize(position, items.len()) {
                    Some(at) => {
                        if let Obj::Deque(items, _) = self.obj_mut(id) {
                            items[at] = value;
                        }
                        Ok(())
                    }
                    None => self.error(node, "IndexError", "deque index out of range"),
                }
            }
            Obj::Dict(_) => {
                let key = self.hash_key(&index, node)?;
                if let Obj::Dict(dict) = self.obj_mut(id) {
                    match dict.entries.get_mut(&key) {
                        Some(entry) => entry.1 = value,
                        None => {
                            dict.entries.insert(key, (index, value));
                        }
                    }
                }
                Ok(())
            }
            Obj::Instance(class, _) => {
                if let Some((_, method)) = self.class_lookup(class, "__setitem__") {
                    let method = self.bind(method, object.clone(), class)?;
                    self.call(&method, vec![index, value], Vec::new(), node)?;
                    return Ok(());
                }
                let name = self.class(class).name.clone();
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object does not support item assignment"),
                )
            }
            _ => {
                let name = self.type_name(object);
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object does not support item assignment"),
                )
            }
        }
    }

    pub(crate) fn del_item(&mut self, object: &Value, index: Value, node: Node<'_>) -> R<()> {
        let Value::Obj(id) = object else {
            return stop("del on a builtin value");
        };
        let id = *id;
        match self.obj(id).clone() {
            Obj::List(items) => {
                if let Some(slice) = self.slice_of(&index) {
                    let indices = self.slice_indices(slice, items.len(), node)?;
                    if let Obj::List(list) = self.obj_mut(id) {
                        let mut keep = Vec::new();
                        for (at, item) in list.drain(..).enumerate() {
                            if !indices.contains(&at) {
                                keep.push(item);
                            }
                        }
                        *list = keep;
                    }
                    return Ok(());
                }
                let Some(position) = self.index_of(&index, "list", node)? else {
                    unreachable!("index_of raises or returns");
                };
                match normalize(position, items.len()) {
                    Some(at) => {
                        if let Obj::List(list) = self.obj_mut(id) {
                            list.remove(at);
                        }
                        Ok(())
                    }
                    None => self.error(node, "IndexError", "list assignment index out of range"),
                }
            }
            Obj::Dict(_) => {
                let key = self.hash_key(&index, node)?;
                let removed = match self.obj_mut(id) {
                    Obj::Dict(dict) => dict.entries.shift_remove(&key).is_some(),
                    _ => false,
                };
                if !removed {
                    return self.raise_with_args(node, "KeyError", vec![index]);
                }
                Ok(())
            }
            Obj::Instance(class, _) => {
                if let Some((_, method)) = self.class_lookup(class, "__delitem__") {
                    let method = self.bind(method, object.clone(), class)?;
                    self.call(&method, vec![index], Vec::new(), node)?;
                    return Ok(());
                }
                let name = self.class(class).name.clone();
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object doesn't support item deletion"),
                )
            }
            _ => {
                let name = self.type_name(object);
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object doesn't support item deletion"),
                )
            }
        }
    }

    pub(crate) fn len_of(&mut self, value: &Value, node: Node<'_>) -> R<usize> {
        match value {
            Value::Str(text) => Ok(text.chars().count()),
            Value::Opaque => stop("len of an unknown value"),
            Value::Obj(id) => match self.obj(*id).clone() {
                Obj::List(items) | Obj::Tuple(items) => Ok(items.len()),
                Obj::Dict(dict) => Ok(dict.entries.len()),
                Obj::Set(items, _) => Ok(items.len()),
                Obj::Deque(items, _) => Ok(items.len()),
                Obj::DictView(dict, _) => self.len_of(&Value::Obj(dict), node),
                Obj::Range(start, stop_at, step) => Ok(if step > 0 {
                    if stop_at > start {
                        ((stop_at - start + step - 1) / step) as usize
                    } else {
                        0
                    }
                } else if start > stop_at {
                    ((start - stop_at - step - 1) / (-step)) as usize
                } else {
                    0
                }),
                Obj::Instance(class, attrs) => {
                    if let Some((_, method)) = self.class_lookup(class, "__len__") {
                        let method = self.bind(method, value.clone(), class)?;
                        let result = self.call(&method, Vec::new(), Vec::new(), node)?;
                        return match result {
                            Value::Int(length) if length >= 0 => Ok(length as usize),
                            _ => stop("__len__ result"),
                        };
                    }
                    if let Some(fields) = self.class(class).namedtuple.clone() {
                        let _ = attrs;
                        return Ok(fields.len());
                    }
                    let name = self.class(class).name.clone();
                    self.error(
                        node,
                        "TypeError",
                        format!("object of type '{name}' has no len()"),
                    )
                }
                _ => {
                    let name = self.type_name(value);
                    self.error(
                        node,
                        "TypeError",
                        format!("object of type '{name}' has no len()"),
                    )
                }
            },
            _ => {
                let name = self.type_name(value);
                self.error(
                    node,
                    "TypeError",
                    format!("object of type '{name}' has no len()"),
                )
            }
        }
    }

    // ---- iteration --------------------------------------------------------------------

    /// Whether a value can be iterated (`None` when unknown).
    pub(crate) fn is_iterable(&self, value: &Value) -> Option<bool> {
        match value {
            Value::Str(_) => Some(true),
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(false),
            Value::Builtin(_) | Value::Opaque => None,
            Value::Obj(id) => match self.obj(*id) {
                Obj::Instance(class, _) => {
                    if self.class_lookup(*class, "__iter__").is_some()
                        || self.class_lookup(*class, "__getitem__").is_some()
                        || self.class(*class).namedtuple.is_some()
                    {
                        Some(true)
                    } else {
                        Some(false)
                    }
                }
                Obj::Class(class) => Some(class.enum_members.is_some()),
                Obj::Function(_) | Obj::BoundMethod(..) | Obj::BuiltinMethod(..) => Some(false),
                _ => Some(true),
            },
        }
    }

    /// An iterator object over `value`, or `TypeError: 'X' object is not iterable`.
    pub(crate) fn iterate(&mut self, value: &Value, node: Node<'_>) -> R<ObjId> {
        let iterator = match value {
            Value::Str(text) => {
                let items: Vec<Value> = text
                    .chars()
                    .map(|char| Value::str(&char.to_string()))
                    .collect();
                Iter::Items(Rc::new(items), 0)
            }
            Value::Opaque => return stop("iteration over an unknown value"),
            Value::Obj(id) => {
                let id = *id;
                match self.obj(id).clone() {
                    Obj::List(_) => Iter::List(id, 0),
                    Obj::Tuple(items) => Iter::Items(Rc::new(items), 0),
                    Obj::Set(items, _) => Iter::Items(Rc::new(self.set_order(&items)?), 0),
                    Obj::Deque(items, _) => Iter::Items(Rc::new(items.into_iter().collect()), 0),
                    Obj::Dict(dict) => Iter::Dict(
                        id,
                        0,
                        Rc::new(dict.entries.keys().cloned().collect()),
                        0,
                        dict.entries.len(),
                    ),
                    Obj::DictView(dict_id, kind) => match self.obj(dict_id) {
                        Obj::Dict(dict) => Iter::Dict(
                            dict_id,
                            kind,
                            Rc::new(dict.entries.keys().cloned().collect()),
                            0,
                            dict.entries.len(),
                        ),
                        _ => return stop("dict view"),
                    },
                    Obj::Range(start, stop_at, step) => Iter::Range(start, stop_at, step),
                    Obj::Iterator(_) => return Ok(id),
                    Obj::Generator(function, env) => {
                        let iterator = self.collect_generator(function, env, node)?;
                        *self.obj_mut(id) = Obj::Iterator(iterator);
                        return Ok(id);
                    }
                    Obj::Instance(class, attrs) => {
                        if let Some((_, method)) = self.class_lookup(class, "__iter__") {
                            let method = self.bind(method, value.clone(), class)?;
                            let iterator = self.call(&method, Vec::new(), Vec::new(), node)?;
                            return match &iterator {
                                Value::Obj(inner) => match self.obj(*inner) {
                                    Obj::Instance(..) => {
                                        self.alloc_id(Obj::Iterator(Iter::User(iterator)))
                                    }
                                    _ => self.iterate(&iterator, node),
                                },
                                _ => stop("__iter__ result"),
                            };
                        }
                        if let Some(fields) = self.class(class).namedtuple.clone() {
                            let items: Vec<Value> = fields
                                .iter()
                                .map(|field| attrs.get(field).cloned().unwrap_or(Value::None))
                                .collect();
                            Iter::Items(Rc::new(items), 0)
                        } else if self.class_lookup(class, "__getitem__").is_some() {
                            return stop("iteration by __getitem__");
                        } else {
                            let name = self.class(class).name.clone();
                            return self.error(
                                node,
                                "TypeError",
                                format!("'{name}' object is not iterable"),
                            );
                        }
                    }
                    Obj::Class(class) if class.enum_members.is_some() => {
                        Iter::Items(Rc::new(class.enum_members.clone().unwrap_or_default()), 0)
                    }
                    _ => {
                        let name = self.type_name(value);
                        return self.error(
                            node,
                            "TypeError",
                            format!("'{name}' object is not iterable"),
                        );
                    }
                }
            }
            _ => {
                let name = self.type_name(value);
                return self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object is not iterable"),
                );
            }
        };
        self.alloc_id(Obj::Iterator(iterator))
    }

    /// A set's items in CPython's iteration order, where it is known: small non-negative
    /// ints hash to themselves and come out sorted; other sets of several items come out
    /// in an order set by hashes (randomised for strings), which the replay does not know.
    fn set_order(&self, items: &Map<Key, Value>) -> R<Vec<Value>> {
        if items.len() <= 1 {
            return Ok(items.values().cloned().collect());
        }
        let small_ints: Option<Vec<i64>> = items
            .keys()
            .map(|key| match key {
                Key::Int(value) if (0..8).contains(value) => Some(*value),
                _ => None,
            })
            .collect();
        match small_ints {
            Some(mut values) if items.len() <= 5 => {
                values.sort_unstable();
                Ok(values
                    .into_iter()
                    .map(|value| {
                        items
                            .get(&Key::Int(value))
                            .cloned()
                            .unwrap_or(Value::Int(value))
                    })
                    .collect())
            }
            _ => stop("set iteration order"),
        }
    }

    /// Runs a generator's body to its end, collecting what it yields.
    fn collect_generator(&mut self, function: ObjId, env: ObjId, node: Node<'_>) -> R<Iter> {
        self.yields.push(Vec::new());
        let result = self.run_function(function, env, node);
        let items = self.yields.pop().unwrap_or_default();
        Ok(match result {
            Ok(_) => Iter::Items(Rc::new(items), 0),
            Err(Flow::Raise(raised)) => {
                Iter::Then(Rc::new(items), 0, Rc::new(PendingEnd::Raise(*raised)))
            }
            Err(Flow::Stop(reason)) => {
                Iter::Then(Rc::new(items), 0, Rc::new(PendingEnd::Stop(reason)))
            }
            Err(other) => return Err(other),
        })
    }

    pub(crate) fn pending_iterator(&mut self, id: ObjId, end: Flow) -> R<Value> {
        let end = match end {
            Flow::Raise(raised) => PendingEnd::Raise(*raised),
            Flow::Stop(reason) => PendingEnd::Stop(reason),
            _ => return stop("pending end"),
        };
        if let Obj::Iterator(Iter::Items(items, at)) = self.obj(id).clone() {
            *self.obj_mut(id) = Obj::Iterator(Iter::Then(items, at, Rc::new(end)));
        }
        Ok(Value::Obj(id))
    }

    /// The next item of an iterator object, or `None` at its end.
    pub(crate) fn next_item(&mut self, iterator: &ObjId, node: Node<'_>) -> R<Option<Value>> {
        let id = *iterator;
        let Obj::Iterator(state) = self.obj(id).clone() else {
            return stop("not an iterator");
        };
        let (item, next) = match state {
            Iter::List(list, at) => {
                let Obj::List(items) = self.obj(list) else {
                    return stop("list iterator");
                };
                match items.get(at) {
                    Some(item) => (Some(item.clone()), Iter::List(list, at + 1)),
                    None => (None, Iter::Exhausted),
                }
            }
            Iter::Items(items, at) => match items.get(at) {
                Some(item) => (Some(item.clone()), Iter::Items(items.clone(), at + 1)),
                None => (None, Iter::Exhausted),
            },
            Iter::Then(items, at, end) => match items.get(at) {
                Some(item) => (Some(item.clone()), Iter::Then(items.clone(), at + 1, end)),
                None => {
                    *self.obj_mut(id) = Obj::Iterator(Iter::Exhausted);
                    return match end.as_ref() {
                        PendingEnd::Raise(raised) => Err(Flow::Raise(Box::new(raised.clone()))),
                        PendingEnd::Stop(reason) => stop(reason.clone()),
                    };
                }
            },
            Iter::Dict(dict, kind, keys, at, length) => {
                let Obj::Dict(current) = self.obj(dict) else {
                    return stop("dict iterator");
                };
                if current.entries.len() != length {
                    *self.obj_mut(id) = Obj::Iterator(Iter::Exhausted);
                    return self.error(
                        node,
                        "RuntimeError",
                        "dictionary changed size during iteration",
                    );
                }
                match keys.get(at) {
                    Some(key) => {
                        let Some((original, value)) = current.entries.get(key).cloned() else {
                            return stop("dict changed during iteration");
                        };
                        let item = match kind {
                            0 => original,
                            1 => value,
                            _ => self.tuple(vec![original, value])?,
                        };
                        (Some(item), Iter::Dict(dict, kind, keys, at + 1, length))
                    }
                    None => (None, Iter::Exhausted),
                }
            }
            Iter::Range(start, stop_at, step) => {
                if (step > 0 && start < stop_at) || (step < 0 && start > stop_at) {
                    (
                        Some(Value::Int(start)),
                        Iter::Range(start + step, stop_at, step),
                    )
                } else {
                    (None, Iter::Exhausted)
                }
            }
            Iter::Count(start, step) => (Some(Value::Int(start)), Iter::Count(start + step, step)),
            Iter::Cycle(items, at) => {
                if items.is_empty() {
                    (None, Iter::Exhausted)
                } else {
                    (
                        Some(items[at % items.len()].clone()),
                        Iter::Cycle(items.clone(), at + 1),
                    )
                }
            }
            Iter::User(object) => {
                let Some(class) = self.instance_class(&object) else {
                    return stop("user iterator");
                };
                let Some((_, method)) = self.class_lookup(class, "__next__") else {
                    let name = self.class(class).name.clone();
                    return self.error(
                        node,
                        "TypeError",
                        format!("iter() returned non-iterator of type '{name}'"),
                    );
                };
                let method = self.bind(method, object.clone(), class)?;
                return match self.call(&method, Vec::new(), Vec::new(), node) {
                    Ok(value) => Ok(Some(value)),
                    Err(Flow::Raise(raised))
                        if self.instance_class(&raised.value).is_some_and(|class| {
                            self.is_subclass(class, self.classes["StopIteration"])
                        }) =>
                    {
                        Ok(None)
                    }
                    Err(other) => Err(other),
                };
            }
            Iter::Exhausted => (None, Iter::Exhausted),
        };
        *self.obj_mut(id) = Obj::Iterator(next);
        Ok(item)
    }

    /// Every item of an iterable.
    pub(crate) fn collect(&mut self, value: &Value, node: Node<'_>) -> R<Vec<Value>> {
        if let Value::Obj(id) = value {
            match self.obj(*id) {
                Obj::List(items) | Obj::Tuple(items) => return Ok(items.clone()),
                _ => {}
            }
        }
        let iterator = self.iterate(value, node)?;
        let mut items = Vec::new();
        while let Some(item) = self.next_item(&iterator, node)? {
            self.step()?;
            items.push(item);
        }
        Ok(items)
    }

    /// The (key, value) pairs of a mapping (for `**mapping` and `dict(mapping)`).
    pub(crate) fn dict_pairs(&mut self, value: &Value, node: Node<'_>) -> R<Vec<(Value, Value)>> {
        match value {
            Value::Obj(id) => match self.obj(*id) {
                Obj::Dict(dict) => Ok(dict.entries.values().cloned().collect()),
                _ => stop("mapping"),
            },
            Value::Opaque => stop("unknown mapping"),
            _ => {
                let name = self.type_name(value);
                self.error(
                    node,
                    "TypeError",
                    format!("'{name}' object is not a mapping"),
                )
            }
        }
    }

    pub(crate) fn await_value(&mut self, value: Value, node: Node<'_>) -> R<Value> {
        let Value::Obj(id) = value else {
            if matches!(value, Value::Opaque) {
                return stop("await of an unknown value");
            }
            let name = self.type_name(&value);
            return self.error(
                node,
                "TypeError",
                format!("object {name} can't be used in 'await' expression"),
            );
        };
        match self.obj(id).clone() {
            Obj::Coroutine(function, env) => {
                *self.obj_mut(id) = Obj::Tuple(Vec::new());
                self.run_function(function, env, node)
            }
            Obj::BuiltinMethod(receiver, name) if name.starts_with("awaitable:") => {
                super::modules::resolve_awaitable(self, &receiver, &name, node)
            }
            _ => {
                let name = self.type_name(&value);
                self.error(
                    node,
                    "TypeError",
                    format!("object {name} can't be used in 'await' expression"),
                )
            }
        }
    }
}

/// `left is right`, or `None` where CPython's answer depends on constant sharing
/// (two equal strings, large ints or floats).
fn identity(left: &Value, right: &Value) -> Option<bool> {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) if a == b && !(-5..=256).contains(a) => None,
        (Value::Float(a), Value::Float(b)) if a == b => None,
        (Value::Str(a), Value::Str(b)) if a == b && !Rc::ptr_eq(a, b) && a.len() > 1 => None,
        (Value::Opaque, _) | (_, Value::Opaque) => None,
        _ => Some(identical(left, right)),
    }
}

pub(crate) fn identical(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::None, Value::None) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Int(a), Value::Int(b)) => a == b && (-5..=256).contains(a),
        (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b) || (a == b && a.len() <= 1),
        (Value::Builtin(a), Value::Builtin(b)) => a == b,
        (Value::Obj(a), Value::Obj(b)) => a == b,
        _ => false,
    }
}

pub(crate) fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Int(value) => Some(*value),
        Value::Bool(value) => Some(*value as i64),
        _ => None,
    }
}

pub(crate) fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(value) => Some(*value as f64),
        Value::Bool(value) => Some(*value as i64 as f64),
        Value::Float(value) => Some(*value),
        _ => None,
    }
}

pub(crate) fn normalize(position: i64, length: usize) -> Option<usize> {
    let length = length as i64;
    let at = if position < 0 {
        position + length
    } else {
        position
    };
    (0..length).contains(&at).then_some(at as usize)
}

pub(crate) fn string_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for char in text.chars() {
        match char {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            char if char == quote => {
                out.push('\\');
                out.push(char);
            }
            char if (char as u32) < 0x20 || char as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", char as u32))
            }
            char => out.push(char),
        }
    }
    out.push(quote);
    out
}
