//! Statements and expressions of the replay, evaluated on tree-sitter nodes.

use crate::index::{child_by_field, kind_of};
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::interp::{Flow, Frame, Interp, R, range_of, stop};
use super::scope::parameter_name;
use super::value::*;

/// Positional and keyword arguments of a call.
type Arguments = (Vec<Value>, Vec<(Rc<str>, Value)>);

impl<'t> Interp<'t> {
    /// Runs the module: the outcome of `python file.py`.
    pub(crate) fn run_module(&mut self, root: Node<'t>) -> R<()> {
        self.frames.push(Frame {
            name: Rc::from("<module>"),
            at: range_of(root),
            env: None,
            info: None,
            class_ns: None,
            function: None,
        });
        let result = self.exec_block(root);
        match result {
            Ok(()) => Ok(()),
            Err(Flow::Return(_) | Flow::Break | Flow::Continue) => {
                stop("control flow outside a function")
            }
            Err(other) => Err(other),
        }
    }

    pub(crate) fn exec_block(&mut self, block: Node<'t>) -> R<()> {
        let mut cursor = block.walk();
        let statements: Vec<Node<'t>> = block.named_children(&mut cursor).collect();
        for statement in statements {
            self.exec(statement)?;
        }
        Ok(())
    }

    fn exec(&mut self, node: Node<'t>) -> R<()> {
        self.step()?;
        if node.is_error() || node.is_missing() {
            return stop("syntax error");
        }
        match kind_of(node) {
            "comment" | "pass_statement" | "future_import_statement" => return Ok(()),
            _ => {}
        }
        self.set_position(node);
        match kind_of(node) {
            "expression_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for child in children {
                    match kind_of(child) {
                        "assignment" => self.exec_assignment(child)?,
                        "augmented_assignment" => self.exec_augmented(child)?,
                        _ => {
                            self.eval(child)?;
                        }
                    }
                }
                Ok(())
            }
            "return_statement" => {
                let value = match node.named_child(0) {
                    Some(child) => self.eval(child)?,
                    None => Value::None,
                };
                Err(Flow::Return(value))
            }
            "if_statement" => self.exec_if(node),
            "for_statement" => self.exec_for(node),
            "while_statement" => self.exec_while(node),
            "try_statement" => self.exec_try(node),
            "with_statement" => self.exec_with(node),
            "function_definition" => {
                let function = self.make_function(node, None)?;
                let name = self.field_text(node, "name");
                self.store_name(name, function)
            }
            "class_definition" => {
                let class = self.make_class(node)?;
                let name = self.field_text(node, "name");
                self.store_name(name, class)
            }
            "decorated_definition" => self.exec_decorated(node),
            "break_statement" => Err(Flow::Break),
            "continue_statement" => Err(Flow::Continue),
            "raise_statement" => self.exec_raise(node),
            "assert_statement" => {
                let condition = node.named_child(0).expect("assert has a condition");
                let value = self.eval(condition)?;
                if !self.truthy(&value, condition)? {
                    let args = match node.named_child(1) {
                        Some(message) => vec![self.eval(message)?],
                        None => Vec::new(),
                    };
                    self.set_position(node);
                    return self.raise_with_args(node, "AssertionError", args);
                }
                Ok(())
            }
            "delete_statement" => {
                let mut cursor = node.walk();
                let targets: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for target in targets {
                    self.delete(target)?;
                }
                Ok(())
            }
            "global_statement" | "nonlocal_statement" => Ok(()),
            "import_statement" | "import_from_statement" => super::modules::exec_import(self, node),
            _ => stop(format!("unsupported statement {}", kind_of(node))),
        }
    }

    pub(crate) fn field_text(&self, node: Node<'_>, field: &str) -> &'t str {
        child_by_field(node, field).map_or("", |child| self.node_text(child))
    }

    fn exec_if(&mut self, node: Node<'t>) -> R<()> {
        let condition = child_by_field(node, "condition").expect("if has a condition");
        let value = self.eval(condition)?;
        if self.truthy(&value, condition)? {
            return self.exec_block(child_by_field(node, "consequence").expect("if has a body"));
        }
        let mut cursor = node.walk();
        let alternatives: Vec<Node<'t>> = node
            .children_by_field_name("alternative", &mut cursor)
            .collect();
        for alternative in alternatives {
            if kind_of(alternative) == "elif_clause" {
                self.set_position(alternative);
                let condition =
                    child_by_field(alternative, "condition").expect("elif has a condition");
                let value = self.eval(condition)?;
                if self.truthy(&value, condition)? {
                    return self.exec_block(
                        child_by_field(alternative, "consequence").expect("elif body"),
                    );
                }
            } else {
                return self.exec_block(child_by_field(alternative, "body").expect("else body"));
            }
        }
        Ok(())
    }

    fn exec_for(&mut self, node: Node<'t>) -> R<()> {
        if node.child(0).is_some_and(|first| kind_of(first) == "async") {
            return stop("async for");
        }
        let left = child_by_field(node, "left").expect("for has a target");
        let right = child_by_field(node, "right").expect("for has an iterable");
        let body = child_by_field(node, "body").expect("for has a body");
        let iterable = self.eval(right)?;
        let iterator = self.iterate(&iterable, right)?;
        loop {
            self.set_position(node);
            let Some(item) = self.next_item(&iterator, right)? else {
                break;
            };
            self.assign(left, item)?;
            match self.exec_block(body) {
                Ok(()) | Err(Flow::Continue) => {}
                Err(Flow::Break) => return Ok(()),
                Err(other) => return Err(other),
            }
        }
        if let Some(alternative) = child_by_field(node, "alternative") {
            self.exec_block(child_by_field(alternative, "body").expect("else body"))?;
        }
        Ok(())
    }

    fn exec_while(&mut self, node: Node<'t>) -> R<()> {
        let condition = child_by_field(node, "condition").expect("while has a condition");
        let body = child_by_field(node, "body").expect("while has a body");
        loop {
            self.set_position(node);
            let value = self.eval(condition)?;
            if !self.truthy(&value, condition)? {
                break;
            }
            match self.exec_block(body) {
                Ok(()) | Err(Flow::Continue) => {}
                Err(Flow::Break) => return Ok(()),
                Err(other) => return Err(other),
            }
        }
        if let Some(alternative) = child_by_field(node, "alternative") {
            self.exec_block(child_by_field(alternative, "body").expect("else body"))?;
        }
        Ok(())
    }

    fn exec_try(&mut self, node: Node<'t>) -> R<()> {
        let body = child_by_field(node, "body").expect("try has a body");
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let mut result = self.exec_block(body);
        if let Err(Flow::Raise(raised)) = result {
            result = Err(Flow::Raise(raised));
            for clause in &clauses {
                match kind_of(*clause) {
                    "except_group_clause" => return stop("except*"),
                    "except_clause" => {}
                    _ => continue,
                }
                let Err(Flow::Raise(raised)) = &result else {
                    break;
                };
                let (value, alias) = match child_by_field(*clause, "value") {
                    Some(value) if kind_of(value) == "as_pattern" => (
                        value.named_child(0),
                        child_by_field(value, "alias")
                            .and_then(|alias| alias.named_child(0).or(Some(alias))),
                    ),
                    value => (value, child_by_field(*clause, "alias")),
                };
                let matches = match value {
                    None => true,
                    Some(value) => {
                        let class = self.eval(value)?;
                        self.exception_matches(&raised.value, &class)?
                    }
                };
                if !matches {
                    continue;
                }
                let raised = match result {
                    Err(Flow::Raise(raised)) => *raised,
                    _ => unreachable!("checked above"),
                };
                if let Some(alias) = alias {
                    self.assign(alias, raised.value.clone())?;
                }
                let mut block_cursor = clause.walk();
                let block = clause
                    .named_children(&mut block_cursor)
                    .find(|child| kind_of(*child) == "block")
                    .expect("except has a body");
                self.handling.push(raised);
                result = self.exec_block(block);
                self.handling.pop();
                if let Some(alias) = alias
                    && kind_of(alias) == "identifier"
                {
                    let name = self.node_text(alias);
                    let _ = self.delete_name(name, alias);
                }
                break;
            }
        } else if result.is_ok()
            && let Some(else_clause) = clauses
                .iter()
                .find(|clause| kind_of(**clause) == "else_clause")
        {
            result = self.exec_block(child_by_field(*else_clause, "body").expect("else body"));
        }
        if let Some(finally) = clauses
            .iter()
            .find(|clause| kind_of(**clause) == "finally_clause")
        {
            if matches!(result, Err(Flow::Stop(_))) {
                return result;
            }
            let mut block_cursor = finally.walk();
            let block = finally
                .named_children(&mut block_cursor)
                .find(|child| kind_of(*child) == "block")
                .expect("finally has a body");
            self.exec_block(block)?;
        }
        result
    }

    fn exec_with(&mut self, node: Node<'t>) -> R<()> {
        if node.child(0).is_some_and(|first| kind_of(first) == "async") {
            return stop("async with");
        }
        let mut items = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if kind_of(child) == "with_clause" {
                let mut clause_cursor = child.walk();
                items.extend(
                    child
                        .named_children(&mut clause_cursor)
                        .filter(|item| kind_of(*item) == "with_item"),
                );
            }
        }
        let body = child_by_field(node, "body").expect("with has a body");
        self.exec_with_items(&items, body)
    }

    fn exec_with_items(&mut self, items: &[Node<'t>], body: Node<'t>) -> R<()> {
        let Some((item, rest)) = items.split_first() else {
            return self.exec_block(body);
        };
        let value = child_by_field(*item, "value").expect("with item has a value");
        let (expression, target) = if kind_of(value) == "as_pattern" {
            (
                value.named_child(0).expect("as pattern"),
                child_by_field(value, "alias"),
            )
        } else {
            (value, None)
        };
        let manager = self.eval(expression)?;
        let Some(class) = self.instance_class(&manager) else {
            return stop("with on a builtin value");
        };
        let (Some((_, enter)), Some((_, exit))) = (
            self.class_lookup(class, "__enter__"),
            self.class_lookup(class, "__exit__"),
        ) else {
            return stop("with on an object without __enter__/__exit__");
        };
        let enter = self.bind(enter, manager.clone(), class)?;
        let exit = self.bind(exit, manager.clone(), class)?;
        let entered = self.call(&enter, Vec::new(), Vec::new(), expression)?;
        if let Some(target) = target {
            let target = if kind_of(target) == "as_pattern_target" {
                target.named_child(0).unwrap_or(target)
            } else {
                target
            };
            self.assign(target, entered)?;
        }
        let result = self.exec_with_items(rest, body);
        match result {
            Err(Flow::Raise(raised)) => {
                let class = self
                    .instance_class(&raised.value)
                    .map_or(Value::None, Value::Obj);
                let suppress = self.call(
                    &exit,
                    vec![class, raised.value.clone(), Value::None],
                    Vec::new(),
                    expression,
                )?;
                if self.truthy(&suppress, expression)? {
                    Ok(())
                } else {
                    Err(Flow::Raise(raised))
                }
            }
            Err(Flow::Stop(reason)) => Err(Flow::Stop(reason)),
            other => {
                self.call(
                    &exit,
                    vec![Value::None, Value::None, Value::None],
                    Vec::new(),
                    expression,
                )?;
                other
            }
        }
    }

    fn exec_raise(&mut self, node: Node<'t>) -> R<()> {
        let Some(expression) = node.named_child(0) else {
            return match self.handling.last() {
                Some(raised) => Err(Flow::Raise(Box::new(raised.clone()))),
                None => self.error(node, "RuntimeError", "No active exception to reraise"),
            };
        };
        if let Some(cause) = child_by_field(node, "cause") {
            self.eval(cause)?;
        }
        let value = self.eval(expression)?;
        let value = match self.is_class(&value) {
            Some(class) => self.instantiate(class, Vec::new(), Vec::new(), expression)?,
            None => value,
        };
        let Some(class) = self.instance_class(&value) else {
            return match value {
                Value::Opaque => stop("raise of an unknown value"),
                _ => self.error(
                    node,
                    "TypeError",
                    "exceptions must derive from BaseException",
                ),
            };
        };
        if !self.is_subclass(class, self.classes["BaseException"]) {
            return self.error(
                node,
                "TypeError",
                "exceptions must derive from BaseException",
            );
        }
        self.set_position(node);
        Err(self.raise_value(value))
    }

    fn exec_decorated(&mut self, node: Node<'t>) -> R<()> {
        let definition = child_by_field(node, "definition").expect("decorated definition");
        let mut cursor = node.walk();
        let decorators: Vec<Node<'t>> = node
            .named_children(&mut cursor)
            .filter(|child| kind_of(*child) == "decorator")
            .collect();
        let mut decorator_values = Vec::new();
        for decorator in &decorators {
            let expression = decorator.named_child(0).expect("decorator expression");
            decorator_values.push((self.eval(expression)?, expression));
        }
        let mut value = if kind_of(definition) == "class_definition" {
            self.make_class(definition)?
        } else {
            self.make_function(definition, None)?
        };
        for (decorator, expression) in decorator_values.into_iter().rev() {
            value = self.apply_decorator(&decorator, value, expression)?;
        }
        let name = self.field_text(definition, "name");
        self.store_name(name, value)
    }

    fn apply_decorator(&mut self, decorator: &Value, value: Value, node: Node<'_>) -> R<Value> {
        match decorator {
            Value::Builtin("staticmethod") => self.alloc(Obj::StaticMethod(value)),
            Value::Builtin("classmethod") => self.alloc(Obj::ClassMethod(value)),
            Value::Builtin("property") => self.alloc(Obj::Property(value, None)),
            _ => self.call(decorator, vec![value], Vec::new(), node),
        }
    }

    /// A `def` (or `lambda`) evaluated: defaults now, the body at each call.
    pub(crate) fn make_function(&mut self, node: Node<'t>, owner: Option<ObjId>) -> R<Value> {
        let is_lambda = kind_of(node) == "lambda";
        let name: Rc<str> = if is_lambda {
            Rc::from("<lambda>")
        } else {
            Rc::from(self.field_text(node, "name"))
        };
        let is_async = node.child(0).is_some_and(|first| kind_of(first) == "async");
        let mut params = Vec::new();
        let mut keyword_only = false;
        if let Some(parameters) = child_by_field(node, "parameters") {
            let mut cursor = parameters.walk();
            let children: Vec<Node<'t>> = parameters.named_children(&mut cursor).collect();
            for child in children {
                match kind_of(child) {
                    "keyword_separator" => {
                        keyword_only = true;
                        continue;
                    }
                    "positional_separator" => {
                        for param in params.iter_mut() {
                            let param: &mut Param = param;
                            param.kind = ParamKind::PositionalOnly;
                        }
                        continue;
                    }
                    _ => {}
                }
                let Some(name) = parameter_name(child) else {
                    return stop("unsupported parameter");
                };
                let is_var_args = kind_of(child) == "list_splat_pattern"
                    || (kind_of(child) == "typed_parameter"
                        && child
                            .named_child(0)
                            .is_some_and(|first| kind_of(first) == "list_splat_pattern"));
                let is_var_kwargs = kind_of(child) == "dictionary_splat_pattern"
                    || (kind_of(child) == "typed_parameter"
                        && child
                            .named_child(0)
                            .is_some_and(|first| kind_of(first) == "dictionary_splat_pattern"));
                let kind = if is_var_args {
                    keyword_only = true;
                    ParamKind::VarArgs
                } else if is_var_kwargs {
                    ParamKind::VarKeywords
                } else if keyword_only {
                    ParamKind::KeywordOnly
                } else {
                    ParamKind::Positional
                };
                let default = match child_by_field(child, "value") {
                    Some(value) => Some(self.eval(value)?),
                    None => None,
                };
                params.push(Param {
                    name: Rc::from(self.node_text(name)),
                    kind,
                    default,
                });
            }
        }
        let frame = self.frames.last().expect("a frame runs");
        let closure = frame.env;
        let info = self.scope_info(node);
        let qualname = match owner {
            Some(owner) => Rc::from(format!("{}.{}", self.class(owner).name, name).as_str()),
            None => name.clone(),
        };
        self.alloc(Obj::Function(Box::new(Function {
            name,
            qualname,
            node,
            params: Rc::new(params),
            closure,
            is_async,
            is_generator: info.is_generator,
            is_abstract: false,
            owner,
        })))
    }

    fn make_class(&mut self, node: Node<'t>) -> R<Value> {
        let name: Rc<str> = Rc::from(self.field_text(node, "name"));
        let mut bases = Vec::new();
        if let Some(arguments) = child_by_field(node, "superclasses") {
            let mut cursor = arguments.walk();
            let children: Vec<Node<'t>> = arguments.named_children(&mut cursor).collect();
            for child in children {
                if kind_of(child) == "keyword_argument" {
                    return stop("class keyword arguments (metaclass)");
                }
                let base = self.eval(child)?;
                match self.is_class(&base) {
                    Some(base) => bases.push(base),
                    None => match base {
                        Value::Builtin("object") => {}
                        Value::Builtin("Generic") => {}
                        _ => return stop("unmodelled base class"),
                    },
                }
            }
        }
        let object = self.classes["object"];
        if bases.is_empty() {
            bases.push(object);
        }
        for base in &bases {
            let base = self.class(*base);
            if base.builtin
                && !matches!(
                    base.name.as_ref(),
                    "object" | "ABC" | "Enum" | "IntEnum" | "StrEnum"
                )
                && !self.is_subclass(
                    *self
                        .class(*base.mro.first().expect("mro"))
                        .mro
                        .first()
                        .expect("mro"),
                    self.classes["BaseException"],
                )
            {
                return stop("subclass of an unmodelled builtin");
            }
        }
        let Some(mro) = self.linearize(&bases) else {
            return stop("inconsistent MRO");
        };
        let class = self.alloc_id(Obj::Class(Box::new(Class {
            name: name.clone(),
            bases: bases.clone(),
            mro: Vec::new(),
            attrs: Map::default(),
            builtin: false,
            annotations: Vec::new(),
            dataclass: None,
            enum_members: None,
            namedtuple: None,
            node: Some(node),
        })))?;
        let mut full_mro = vec![class];
        full_mro.extend(mro);
        if let Obj::Class(data) = self.obj_mut(class) {
            data.mro = full_mro;
        }
        // The body runs with its own namespace; functions defined there see the
        // enclosing function's scope, not the class's.
        let namespace = self.alloc_id(Obj::Env(Env {
            vars: FxHashMap::default(),
            parent: None,
        }))?;
        let outer = self.frames.last().expect("a frame runs");
        let (env, info) = (outer.env, outer.info.clone());
        self.frames.push(Frame {
            name: name.clone(),
            at: range_of(node),
            env,
            info,
            class_ns: Some(namespace),
            function: None,
        });
        let body = child_by_field(node, "body").expect("class has a body");
        let mut cursor = body.walk();
        let statements: Vec<Node<'t>> = body.named_children(&mut cursor).collect();
        let mut order: Vec<Rc<str>> = Vec::new();
        let mut result = Ok(());
        for statement in statements {
            let outcome = self.exec_class_statement(statement, class, &mut order);
            if outcome.is_err() {
                result = outcome;
                break;
            }
        }
        self.frames.pop();
        result?;
        let vars = match self.obj(namespace) {
            Obj::Env(env) => env.vars.clone(),
            _ => FxHashMap::default(),
        };
        let mut attrs = Map::default();
        for name in &order {
            if let Some(value) = vars.get(name) {
                attrs.insert(name.clone(), value.clone());
            }
        }
        for (name, value) in vars {
            if !attrs.contains_key(&name) {
                attrs.insert(name, value);
            }
        }
        if let Obj::Class(data) = self.obj_mut(class) {
            data.attrs = attrs;
        }
        super::modules::finish_enum(self, class)?;
        Ok(Value::Obj(class))
    }

    /// One statement of a class body: methods learn their class (for `super()`), and
    /// annotated names are recorded in order (dataclass fields).
    fn exec_class_statement(
        &mut self,
        statement: Node<'t>,
        class: ObjId,
        order: &mut Vec<Rc<str>>,
    ) -> R<()> {
        let definition = match kind_of(statement) {
            "function_definition" => Some(statement),
            "decorated_definition" => child_by_field(statement, "definition")
                .filter(|definition| kind_of(*definition) == "function_definition"),
            _ => None,
        };
        if let Some(definition) = definition {
            self.step()?;
            self.set_position(statement);
            let mut value = self.make_function(definition, Some(class))?;
            if kind_of(statement) == "decorated_definition" {
                let mut cursor = statement.walk();
                let decorators: Vec<Node<'t>> = statement
                    .named_children(&mut cursor)
                    .filter(|child| kind_of(*child) == "decorator")
                    .collect();
                let mut values = Vec::new();
                for decorator in &decorators {
                    let expression = decorator.named_child(0).expect("decorator expression");
                    values.push((self.eval(expression)?, expression));
                }
                for (decorator, expression) in values.into_iter().rev() {
                    value = self.apply_decorator(&decorator, value, expression)?;
                }
            }
            let name: Rc<str> = Rc::from(self.field_text(definition, "name"));
            order.push(name.clone());
            return self.store_name(&name, value);
        }
        if kind_of(statement) == "expression_statement"
            && let Some(assignment) = statement
                .named_child(0)
                .filter(|child| kind_of(*child) == "assignment")
            && let Some(left) =
                child_by_field(assignment, "left").filter(|left| kind_of(*left) == "identifier")
        {
            let name: Rc<str> = Rc::from(self.node_text(left));
            if child_by_field(assignment, "type").is_some()
                && let Obj::Class(data) = self.obj_mut(class)
                && !data.annotations.contains(&name)
            {
                data.annotations.push(name.clone());
            }
            if !order.contains(&name) {
                order.push(name);
            }
        }
        self.exec(statement)
    }

    /// C3 linearization of the bases' MROs.
    fn linearize(&self, bases: &[ObjId]) -> Option<Vec<ObjId>> {
        let mut sequences: Vec<Vec<ObjId>> = bases
            .iter()
            .map(|base| self.class(*base).mro.clone())
            .collect();
        sequences.push(bases.to_vec());
        let mut result = Vec::new();
        loop {
            sequences.retain(|sequence| !sequence.is_empty());
            if sequences.is_empty() {
                return Some(result);
            }
            let candidate = sequences
                .iter()
                .map(|sequence| sequence[0])
                .find(|candidate| {
                    !sequences
                        .iter()
                        .any(|sequence| sequence[1..].contains(candidate))
                })?;
            result.push(candidate);
            for sequence in &mut sequences {
                if sequence[0] == candidate {
                    sequence.remove(0);
                }
            }
        }
    }

    // ---- assignment -----------------------------------------------------------------

    fn exec_assignment(&mut self, node: Node<'t>) -> R<()> {
        let left = child_by_field(node, "left").expect("assignment target");
        let Some(right) = child_by_field(node, "right") else {
            // `x: int` declares without binding.
            return Ok(());
        };
        let value = self.eval_right(right)?;
        self.assign(left, value)
    }

    /// The right side of an assignment (a chained assignment binds its own target too).
    fn eval_right(&mut self, right: Node<'t>) -> R<Value> {
        match kind_of(right) {
            "assignment" => {
                let inner_left = child_by_field(right, "left").expect("assignment target");
                let inner_right = child_by_field(right, "right").expect("chained assignment value");
                let value = self.eval_right(inner_right)?;
                self.assign(inner_left, value.clone())?;
                Ok(value)
            }
            "augmented_assignment" => stop("augmented assignment as a value"),
            _ => self.eval(right),
        }
    }

    fn exec_augmented(&mut self, node: Node<'t>) -> R<()> {
        let left = child_by_field(node, "left").expect("target");
        let right = child_by_field(node, "right").expect("value");
        let operator = self.field_text(node, "operator");
        let operator = &operator[..operator.len() - 1];
        match kind_of(left) {
            "identifier" => {
                let current = self.load_name(self.node_text(left), left)?;
                let value = self.eval(right)?;
                let result = self.inplace(operator, current, value, node)?;
                self.store_name(self.node_text(left), result)
            }
            "attribute" => {
                let object = self.eval(child_by_field(left, "object").expect("object"))?;
                let name = self.mangle(self.field_text(left, "attribute"));
                let current = self.get_attr(&object, &name, left)?;
                let value = self.eval(right)?;
                let result = self.inplace(operator, current, value, node)?;
                self.set_attr(&object, &name, result, left)
            }
            "subscript" => {
                let object = self.eval(child_by_field(left, "value").expect("value"))?;
                let index_node = child_by_field(left, "subscript").expect("subscript");
                let index = self.eval_index(index_node)?;
                let current = self.get_item(&object, &index, left)?;
                let value = self.eval(right)?;
                let result = self.inplace(operator, current, value, node)?;
                self.set_item(&object, index, result, left)
            }
            _ => stop("augmented assignment target"),
        }
    }

    fn inplace(
        &mut self,
        operator: &str,
        current: Value,
        value: Value,
        node: Node<'_>,
    ) -> R<Value> {
        if let Value::Obj(id) = &current {
            let id = *id;
            match (self.obj(id), operator) {
                (Obj::List(_), "+") => {
                    let items = self.collect(&value, node)?;
                    if let Obj::List(list) = self.obj_mut(id) {
                        list.extend(items);
                    }
                    return Ok(current);
                }
                (Obj::Set(..), "|")
                | (Obj::Dict(_), "|")
                | (Obj::Set(..), "-")
                | (Obj::Set(..), "&") => {
                    let result = self.binary(operator, current.clone(), value, node)?;
                    let new = self.obj(super::builtins::obj_id(&result)).clone();
                    *self.obj_mut(id) = new;
                    return Ok(current);
                }
                (Obj::Instance(class, _), _) => {
                    let method = format!("__i{}__", super::builtins::dunder_name(operator));
                    let class = *class;
                    if let Some((_, method)) = self.class_lookup(class, &method) {
                        let method = self.bind(method, current.clone(), class)?;
                        return self.call(&method, vec![value], Vec::new(), node);
                    }
                }
                _ => {}
            }
        }
        self.binary(operator, current, value, node)
    }

    pub(crate) fn assign(&mut self, target: Node<'t>, value: Value) -> R<()> {
        match kind_of(target) {
            "identifier" => self.store_name(self.node_text(target), value),
            "attribute" => {
                let object = self.eval(child_by_field(target, "object").expect("object"))?;
                let name = self.mangle(self.field_text(target, "attribute"));
                self.set_attr(&object, &name, value, target)
            }
            "subscript" => {
                let object = self.eval(child_by_field(target, "value").expect("value"))?;
                let index =
                    self.eval_index(child_by_field(target, "subscript").expect("subscript"))?;
                self.set_item(&object, index, value, target)
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => self.assign_unpack(target, value),
            "parenthesized_expression" => match target.named_child(0) {
                Some(inner) => self.assign(inner, value),
                None => stop("empty target"),
            },
            "as_pattern_target" => match target.named_child(0) {
                Some(inner) => self.assign(inner, value),
                None => stop("empty target"),
            },
            _ => stop(format!("assignment to {}", kind_of(target))),
        }
    }

    fn assign_unpack(&mut self, target: Node<'t>, value: Value) -> R<()> {
        let mut cursor = target.walk();
        let targets: Vec<Node<'t>> = target
            .named_children(&mut cursor)
            .filter(|child| kind_of(*child) != "comment")
            .collect();
        if self.is_iterable(&value) == Some(false) {
            let name = self.type_name(&value);
            return self.error(
                target,
                "TypeError",
                format!("cannot unpack non-iterable {name} object"),
            );
        }
        let items = self.collect(&value, target)?;
        let star = targets
            .iter()
            .position(|child| matches!(kind_of(*child), "list_splat_pattern" | "list_splat"));
        match star {
            None => {
                if items.len() < targets.len() {
                    return self.error(
                        target,
                        "ValueError",
                        format!(
                            "not enough values to unpack (expected {}, got {})",
                            targets.len(),
                            items.len()
                        ),
                    );
                }
                if items.len() > targets.len() {
                    return self.error(
                        target,
                        "ValueError",
                        format!("too many values to unpack (expected {})", targets.len()),
                    );
                }
                for (child, item) in targets.into_iter().zip(items) {
                    self.assign(child, item)?;
                }
            }
            Some(at) => {
                let after = targets.len() - at - 1;
                if items.len() < targets.len() - 1 {
                    return self.error(
                        target,
                        "ValueError",
                        format!(
                            "not enough values to unpack (expected at least {}, got {})",
                            targets.len() - 1,
                            items.len()
                        ),
                    );
                }
                let mut items = items;
                let tail = items.split_off(items.len() - after);
                let middle = items.split_off(at);
                for (child, item) in targets[..at].iter().zip(items) {
                    self.assign(*child, item)?;
                }
                let middle = self.list(middle)?;
                let star_target = targets[at].named_child(0).expect("starred target");
                self.assign(star_target, middle)?;
                for (child, item) in targets[at + 1..].iter().zip(tail) {
                    self.assign(*child, item)?;
                }
            }
        }
        Ok(())
    }

    fn delete(&mut self, target: Node<'t>) -> R<()> {
        match kind_of(target) {
            "identifier" => self.delete_name(self.node_text(target), target),
            "subscript" => {
                let object = self.eval(child_by_field(target, "value").expect("value"))?;
                let index =
                    self.eval_index(child_by_field(target, "subscript").expect("subscript"))?;
                self.del_item(&object, index, target)
            }
            "attribute" => {
                let object = self.eval(child_by_field(target, "object").expect("object"))?;
                let name = self.field_text(target, "attribute");
                match &object {
                    Value::Obj(id) => {
                        let id = *id;
                        let removed = match self.obj_mut(id) {
                            Obj::Instance(_, attrs) => attrs.shift_remove(name).is_some(),
                            _ => return stop("del of a builtin attribute"),
                        };
                        if !removed {
                            let class = self.type_name(&object);
                            return self.error(
                                target,
                                "AttributeError",
                                format!("'{class}' object has no attribute '{name}'"),
                            );
                        }
                        Ok(())
                    }
                    _ => stop("del of a builtin attribute"),
                }
            }
            "expression_list" | "tuple" | "list" | "pattern_list" => {
                let mut cursor = target.walk();
                let children: Vec<Node<'t>> = target.named_children(&mut cursor).collect();
                for child in children {
                    self.delete(child)?;
                }
                Ok(())
            }
            _ => stop("del target"),
        }
    }

    // ---- expressions ----------------------------------------------------------------

    pub(crate) fn eval(&mut self, node: Node<'t>) -> R<Value> {
        self.step()?;
        self.enter()?;
        let result = self.eval_inner(node);
        self.leave();
        result
    }

    fn eval_inner(&mut self, node: Node<'t>) -> R<Value> {
        match kind_of(node) {
            "identifier" => self.load_name(self.node_text(node), node),
            "integer" => parse_integer(self.node_text(node)),
            "float" => {
                let text = self.node_text(node).replace('_', "");
                if text.ends_with(['j', 'J']) {
                    return stop("complex literal");
                }
                match text.parse::<f64>() {
                    Ok(value) => Ok(Value::Float(value)),
                    Err(_) => stop("float literal"),
                }
            }
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "none" => Ok(Value::None),
            "ellipsis" => Ok(Value::Builtin("Ellipsis")),
            "string" => self.eval_string(node),
            "concatenated_string" => {
                let mut text = String::new();
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for part in parts {
                    match self.eval_string(part)? {
                        Value::Str(part) => text.push_str(&part),
                        Value::Opaque => return Ok(Value::Opaque),
                        _ => return stop("bytes"),
                    }
                }
                Ok(Value::str(&text))
            }
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.eval(inner),
                None => self.tuple(Vec::new()),
            },
            "list" | "tuple" | "set" | "expression_list" => {
                let mut items = Vec::new();
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for child in children {
                    if kind_of(child) == "comment" {
                        continue;
                    }
                    if kind_of(child) == "list_splat" {
                        let inner = self.eval(child.named_child(0).expect("splat"))?;
                        items.extend(self.collect(&inner, child)?);
                    } else {
                        items.push(self.eval(child)?);
                    }
                }
                match kind_of(node) {
                    "list" => self.list(items),
                    "set" => super::builtins::make_set(self, items, false, node),
                    _ => self.tuple(items),
                }
            }
            "dictionary" => {
                let mut dict = Dict::new(DictKind::Plain);
                let mut cursor = node.walk();
                let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                for child in children {
                    match kind_of(child) {
                        "pair" => {
                            let key = self.eval(child_by_field(child, "key").expect("key"))?;
                            let value =
                                self.eval(child_by_field(child, "value").expect("value"))?;
                            let hashed = self.hash_key(&key, child)?;
                            match dict.entries.get_mut(&hashed) {
                                Some(entry) => entry.1 = value,
                                None => {
                                    dict.entries.insert(hashed, (key, value));
                                }
                            }
                        }
                        "dictionary_splat" => {
                            let inner = self.eval(child.named_child(0).expect("splat"))?;
                            for (key, value) in self.dict_pairs(&inner, child)? {
                                let hashed = self.hash_key(&key, child)?;
                                match dict.entries.get_mut(&hashed) {
                                    Some(entry) => entry.1 = value,
                                    None => {
                                        dict.entries.insert(hashed, (key, value));
                                    }
                                }
                            }
                        }
                        "comment" => {}
                        _ => return stop("dictionary element"),
                    }
                }
                self.alloc(Obj::Dict(dict))
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => self.eval_comprehension(node),
            "binary_operator" => {
                let left = self.eval(child_by_field(node, "left").expect("left"))?;
                let right = self.eval(child_by_field(node, "right").expect("right"))?;
                let operator = self.field_text(node, "operator");
                self.binary(operator, left, right, node)
            }
            "unary_operator" => {
                let value = self.eval(child_by_field(node, "argument").expect("argument"))?;
                let operator = self.field_text(node, "operator");
                super::builtins::unary(self, operator, value, node)
            }
            "not_operator" => {
                let argument = child_by_field(node, "argument").expect("argument");
                let value = self.eval(argument)?;
                Ok(Value::Bool(!self.truthy(&value, argument)?))
            }
            "boolean_operator" => {
                let left_node = child_by_field(node, "left").expect("left");
                let left = self.eval(left_node)?;
                let truth = self.truthy(&left, left_node)?;
                let operator = self.field_text(node, "operator");
                if (operator == "and" && !truth) || (operator == "or" && truth) {
                    return Ok(left);
                }
                self.eval(child_by_field(node, "right").expect("right"))
            }
            "comparison_operator" => self.eval_comparison(node),
            "conditional_expression" => {
                let body = node.named_child(0).expect("body");
                let condition = node.named_child(1).expect("condition");
                let alternative = node.named_child(2).expect("alternative");
                let value = self.eval(condition)?;
                if self.truthy(&value, condition)? {
                    self.eval(body)
                } else {
                    self.eval(alternative)
                }
            }
            "named_expression" => {
                let value = self.eval(child_by_field(node, "value").expect("value"))?;
                let name = self.field_text(node, "name");
                self.store_name(name, value.clone())?;
                Ok(value)
            }
            "lambda" => self.make_function(node, None),
            "attribute" => {
                let object = self.eval(child_by_field(node, "object").expect("object"))?;
                let name = self.mangle(self.field_text(node, "attribute"));
                self.get_attr(&object, &name, node)
            }
            "subscript" => {
                let object = self.eval(child_by_field(node, "value").expect("value"))?;
                let mut cursor = node.walk();
                let subscripts: Vec<Node<'t>> = node
                    .children_by_field_name("subscript", &mut cursor)
                    .collect();
                let index = if subscripts.len() == 1 {
                    self.eval_index(subscripts[0])?
                } else {
                    let mut items = Vec::new();
                    for subscript in subscripts {
                        items.push(self.eval_index(subscript)?);
                    }
                    self.tuple(items)?
                };
                self.get_item(&object, &index, node)
            }
            "call" => self.eval_call(node),
            "await" => {
                let value = self.eval(node.named_child(0).expect("awaited"))?;
                self.await_value(value, node)
            }
            "yield" => {
                let value = match node.named_child(0) {
                    Some(child) if kind_of(child) != "from" => {
                        let is_from = node
                            .child(1)
                            .is_some_and(|second| kind_of(second) == "from");
                        let value = self.eval(child)?;
                        if is_from {
                            let items = self.collect(&value, child)?;
                            self.push_yields(items)?;
                            return Ok(Value::None);
                        }
                        value
                    }
                    _ => Value::None,
                };
                self.push_yields(vec![value])?;
                Ok(Value::None)
            }
            "keyword_argument" | "list_splat" | "dictionary_splat" => stop("misplaced argument"),
            _ => stop(format!("unsupported expression {}", kind_of(node))),
        }
    }

    fn push_yields(&mut self, items: Vec<Value>) -> R<()> {
        let Some(sink) = self.yields.last_mut() else {
            return stop("yield outside a generator");
        };
        sink.extend(items);
        if sink.len() > 10_000 {
            return stop("generator too long");
        }
        Ok(())
    }

    /// A subscript's index: a value or a slice.
    pub(crate) fn eval_index(&mut self, node: Node<'t>) -> R<Value> {
        if kind_of(node) != "slice" {
            return self.eval(node);
        }
        let mut parts = [Value::None, Value::None, Value::None];
        let mut at = 0;
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        for child in children {
            if kind_of(child) == ":" {
                at += 1;
                if at > 2 {
                    return stop("slice");
                }
            } else if child.is_named() && kind_of(child) != "comment" {
                parts[at] = self.eval(child)?;
            }
        }
        let [start, stop_value, step] = parts;
        self.alloc(Obj::Slice(start, stop_value, step))
    }

    fn eval_comparison(&mut self, node: Node<'t>) -> R<Value> {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        let mut operands = Vec::new();
        let mut operators: Vec<String> = Vec::new();
        let mut pending = String::new();
        for child in children {
            if child.is_named() && kind_of(child) != "comment" {
                if !pending.is_empty() {
                    operators.push(std::mem::take(&mut pending));
                }
                operands.push(child);
            } else if !child.is_named() {
                if !pending.is_empty() {
                    pending.push(' ');
                }
                pending.push_str(self.node_text(child));
            }
        }
        if operands.len() != operators.len() + 1 {
            return stop("comparison shape");
        }
        let mut left = self.eval(operands[0])?;
        for (operator, right_node) in operators.iter().zip(&operands[1..]) {
            let right = self.eval(*right_node)?;
            let operator = operator.split_whitespace().collect::<Vec<_>>().join(" ");
            let result = self.compare(&operator, &left, &right, node)?;
            if !result {
                return Ok(Value::Bool(false));
            }
            left = right;
        }
        Ok(Value::Bool(true))
    }

    fn eval_call(&mut self, node: Node<'t>) -> R<Value> {
        let function = child_by_field(node, "function").expect("callee");
        let arguments = child_by_field(node, "arguments").expect("arguments");
        // `obj.method(...)` on builtin values goes straight to the method.
        let callee = self.eval(function)?;
        let (args, kwargs) = self.eval_arguments(arguments)?;
        if let Value::Builtin("super") = callee
            && args.is_empty()
        {
            return self.zero_argument_super(node);
        }
        self.set_position(node);
        let result = self.call(&callee, args, kwargs, node);
        self.set_position(node);
        result
    }

    pub(crate) fn eval_arguments(&mut self, arguments: Node<'t>) -> R<Arguments> {
        let mut args = Vec::new();
        let mut kwargs: Vec<(Rc<str>, Value)> = Vec::new();
        if kind_of(arguments) == "generator_expression" {
            args.push(self.eval(arguments)?);
            return Ok((args, kwargs));
        }
        let mut cursor = arguments.walk();
        let children: Vec<Node<'t>> = arguments.named_children(&mut cursor).collect();
        for child in children {
            match kind_of(child) {
                "comment" => {}
                "keyword_argument" => {
                    let name: Rc<str> = Rc::from(self.field_text(child, "name"));
                    let value = self.eval(child_by_field(child, "value").expect("value"))?;
                    if kwargs.iter().any(|(existing, _)| *existing == name) {
                        return stop("repeated keyword argument");
                    }
                    kwargs.push((name, value));
                }
                "list_splat" => {
                    let value = self.eval(child.named_child(0).expect("splat"))?;
                    args.extend(self.collect(&value, child)?);
                }
                "dictionary_splat" => {
                    let value = self.eval(child.named_child(0).expect("splat"))?;
                    for (key, value) in self.dict_pairs(&value, child)? {
                        let Value::Str(key) = key else {
                            return self.error(child, "TypeError", "keywords must be strings");
                        };
                        kwargs.push((key, value));
                    }
                }
                _ => args.push(self.eval(child)?),
            }
        }
        Ok((args, kwargs))
    }

    fn zero_argument_super(&mut self, node: Node<'_>) -> R<Value> {
        let frame = self.frames.last().expect("a frame runs");
        let (Some(function), Some(env)) = (frame.function, frame.env) else {
            return stop("super() outside a method");
        };
        let Obj::Function(function) = self.obj(function) else {
            return stop("super() outside a method");
        };
        let Some(owner) = function.owner else {
            return stop("super() outside a method");
        };
        let Some(first) = function.params.first().map(|param| param.name.clone()) else {
            return stop("super() without self");
        };
        let Some(receiver) = (match self.obj(env) {
            Obj::Env(env) => env.vars.get(&first).cloned(),
            _ => None,
        }) else {
            return stop("super() without self");
        };
        let _ = node;
        self.alloc(Obj::Super(owner, receiver))
    }

    fn eval_string(&mut self, node: Node<'t>) -> R<Value> {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        let prefix = children
            .first()
            .filter(|start| kind_of(**start) == "string_start")
            .map(|start| {
                self.node_text(*start)
                    .trim_end_matches(['"', '\''])
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        if prefix.contains('b') {
            return stop("bytes literal");
        }
        let raw = prefix.contains('r');
        let mut text = String::new();
        let mut opaque = false;
        for child in children {
            match kind_of(child) {
                "string_content" => {
                    let content = self.node_text(child);
                    if raw {
                        text.push_str(content);
                    } else {
                        match unescape(content) {
                            Some(unescaped) => text.push_str(&unescaped),
                            None => return stop("string escape"),
                        }
                    }
                }
                "interpolation" => match self.eval_interpolation(child)? {
                    Some(part) => text.push_str(&part),
                    None => opaque = true,
                },
                "escape_interpolation" => {
                    let content = self.node_text(child);
                    text.push_str(&content[..content.len() / 2]);
                }
                _ => {}
            }
        }
        if opaque {
            return Ok(Value::Opaque);
        }
        Ok(Value::str(&text))
    }

    /// One `{expression!r:spec}` of an f-string; `None` when it cannot be rendered exactly.
    fn eval_interpolation(&mut self, node: Node<'t>) -> R<Option<String>> {
        let expression = child_by_field(node, "expression").expect("interpolation expression");
        let value = self.eval(expression)?;
        let mut self_documenting = String::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if kind_of(child) == "=" {
                self_documenting = format!("{}=", self.node_text(expression));
            }
        }
        let conversion =
            child_by_field(node, "type_conversion").map(|conversion| self.node_text(conversion));
        let spec = match child_by_field(node, "format_specifier") {
            Some(specifier) => {
                // The spec's text, with each nested `{expression}` replaced by its value.
                let mut spec = String::new();
                let mut at = specifier.start_byte();
                let mut cursor = specifier.walk();
                let children: Vec<Node<'t>> = specifier.children(&mut cursor).collect();
                for child in children {
                    if kind_of(child) != "format_expression" {
                        continue;
                    }
                    spec.push_str(self.text.get(at..child.start_byte()).unwrap_or(""));
                    let inner = child_by_field(child, "expression").expect("format expression");
                    let inner = self.eval(inner)?;
                    match self.str_of(&inner, child)? {
                        Some(text) => spec.push_str(&text),
                        None => return Ok(None),
                    }
                    at = child.end_byte();
                }
                spec.push_str(self.text.get(at..specifier.end_byte()).unwrap_or(""));
                Some(spec.strip_prefix(':').unwrap_or(&spec).to_owned())
            }
            None => None,
        };
        let value = match conversion {
            Some("!r") | Some("!a") => match self.repr_of(&value, expression)? {
                Some(text) => Value::str(&text),
                None => return Ok(None),
            },
            Some("!s") => match self.str_of(&value, expression)? {
                Some(text) => Value::str(&text),
                None => return Ok(None),
            },
            _ => value,
        };
        let rendered = match spec {
            Some(spec) if !spec.is_empty() => {
                super::format::format_value(self, &value, &spec, node)?
            }
            _ if !self_documenting.is_empty() && conversion.is_none() => {
                self.repr_of(&value, expression)?
            }
            _ => self.str_of(&value, expression)?,
        };
        Ok(rendered.map(|text| format!("{self_documenting}{text}")))
    }

    // ---- comprehensions ---------------------------------------------------------------

    fn eval_comprehension(&mut self, node: Node<'t>) -> R<Value> {
        let body = child_by_field(node, "body").expect("comprehension body");
        let mut cursor = node.walk();
        let clauses: Vec<Node<'t>> = node
            .named_children(&mut cursor)
            .filter(|child| matches!(kind_of(*child), "for_in_clause" | "if_clause"))
            .collect();
        let Some(first) = clauses
            .first()
            .filter(|clause| kind_of(**clause) == "for_in_clause")
        else {
            return stop("comprehension shape");
        };
        if first
            .child(0)
            .is_some_and(|token| kind_of(token) == "async")
        {
            return stop("async comprehension");
        }
        // The first iterable runs in the enclosing scope, the rest in the comprehension's.
        let first_iterable = self.eval(child_by_field(*first, "right").expect("iterable"))?;
        let frame = self.frames.last().expect("a frame runs");
        let parent = frame.env;
        let saved = (frame.env, frame.info.clone(), frame.class_ns);
        let env = self.alloc_id(Obj::Env(Env {
            vars: FxHashMap::default(),
            parent,
        }))?;
        let mut info = super::interp::ScopeInfo::default();
        for clause in &clauses {
            if kind_of(*clause) == "for_in_clause" {
                collect_target_names(
                    self.text,
                    child_by_field(*clause, "left").expect("target"),
                    &mut info,
                );
            }
        }
        if let Some(outer) = &saved.1 {
            info.globals = outer.globals.clone();
        }
        {
            let frame = self.frames.last_mut().expect("a frame runs");
            frame.env = Some(env);
            frame.info = Some(Rc::new(info));
            frame.class_ns = None;
        }
        let mut results: Vec<Value> = Vec::new();
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        let is_generator = kind_of(node) == "generator_expression";
        let outcome = self.comprehension_loop(
            kind_of(node),
            body,
            &clauses,
            0,
            Some(first_iterable),
            &mut results,
            &mut pairs,
        );
        {
            let frame = self.frames.last_mut().expect("a frame runs");
            frame.env = saved.0;
            frame.info = saved.1;
            frame.class_ns = saved.2;
        }
        match outcome {
            Ok(()) => {}
            Err(Flow::Raise(raised)) if is_generator => {
                // A generator raises only when the consumer gets that far.
                let iterator = Iter::Items(Rc::new(results), 0);
                let id = self.alloc_id(Obj::Iterator(iterator))?;
                return self.pending_iterator(id, Flow::Raise(raised));
            }
            Err(Flow::Stop(reason)) if is_generator => {
                let iterator = Iter::Items(Rc::new(results), 0);
                let id = self.alloc_id(Obj::Iterator(iterator))?;
                return self.pending_iterator(id, Flow::Stop(reason));
            }
            Err(other) => return Err(other),
        }
        match kind_of(node) {
            "list_comprehension" => self.list(results),
            "set_comprehension" => super::builtins::make_set(self, results, false, node),
            "dictionary_comprehension" => {
                let mut dict = Dict::new(DictKind::Plain);
                for (key, value) in pairs {
                    let hashed = self.hash_key(&key, node)?;
                    match dict.entries.get_mut(&hashed) {
                        Some(entry) => entry.1 = value,
                        None => {
                            dict.entries.insert(hashed, (key, value));
                        }
                    }
                }
                self.alloc(Obj::Dict(dict))
            }
            _ => self.alloc(Obj::Iterator(Iter::Items(Rc::new(results), 0))),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn comprehension_loop(
        &mut self,
        kind: &str,
        body: Node<'t>,
        clauses: &[Node<'t>],
        at: usize,
        first: Option<Value>,
        results: &mut Vec<Value>,
        pairs: &mut Vec<(Value, Value)>,
    ) -> R<()> {
        let Some(clause) = clauses.get(at) else {
            if kind == "dictionary_comprehension" {
                let key = self.eval(child_by_field(body, "key").expect("key"))?;
                let value = self.eval(child_by_field(body, "value").expect("value"))?;
                pairs.push((key, value));
            } else {
                results.push(self.eval(body)?);
            }
            return Ok(());
        };
        if kind_of(*clause) == "if_clause" {
            let condition = clause.named_child(0).expect("condition");
            let value = self.eval(condition)?;
            if self.truthy(&value, condition)? {
                self.comprehension_loop(kind, body, clauses, at + 1, None, results, pairs)?;
            }
            return Ok(());
        }
        let right = child_by_field(*clause, "right").expect("iterable");
        let iterable = match first {
            Some(value) => value,
            None => self.eval(right)?,
        };
        let left = child_by_field(*clause, "left").expect("target");
        let iterator = self.iterate(&iterable, right)?;
        while let Some(item) = self.next_item(&iterator, right)? {
            self.step()?;
            self.assign(left, item)?;
            self.comprehension_loop(kind, body, clauses, at + 1, None, results, pairs)?;
        }
        Ok(())
    }
}

fn collect_target_names(text: &str, node: Node<'_>, info: &mut super::interp::ScopeInfo) {
    match kind_of(node) {
        "identifier" => {
            info.locals
                .insert(Rc::from(text.get(node.byte_range()).unwrap_or("")));
        }
        _ => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                collect_target_names(text, child, info);
            }
        }
    }
}

fn parse_integer(text: &str) -> R<Value> {
    let text = text.replace('_', "");
    let lower = text.to_ascii_lowercase();
    let parsed = if let Some(hex) = lower.strip_prefix("0x") {
        i64::from_str_radix(hex, 16)
    } else if let Some(octal) = lower.strip_prefix("0o") {
        i64::from_str_radix(octal, 8)
    } else if let Some(binary) = lower.strip_prefix("0b") {
        i64::from_str_radix(binary, 2)
    } else {
        lower.parse::<i64>()
    };
    match parsed {
        Ok(value) => Ok(Value::Int(value)),
        Err(_) => stop("integer literal"),
    }
}

/// The value of a non-raw string literal's content; `None` for escapes not modelled.
fn unescape(content: &str) -> Option<String> {
    if !content.contains('\\') {
        return Some(content.to_owned());
    }
    let mut out = String::new();
    let mut chars = content.chars().peekable();
    while let Some(char) = chars.next() {
        if char != '\\' {
            out.push(char);
            continue;
        }
        let escaped = chars.next()?;
        match escaped {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            '\n' => {}
            'x' => {
                let hex: String = (0..2).filter_map(|_| chars.next()).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'u' => {
                let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'U' => {
                let hex: String = (0..8).filter_map(|_| chars.next()).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            _ => {
                // Unknown escapes keep the backslash (and warn in Python).
                if matches!(escaped, 'a' | 'b' | 'f' | 'v' | 'N' | '1'..='7') {
                    return None;
                }
                out.push('\\');
                out.push(escaped);
            }
        }
    }
    Some(out)
}
