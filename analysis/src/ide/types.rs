//! The type names a group of files gives its functions (returns), parameters and bound
//! names, for tools and benchmarks (`remedy types FILE... --format json`).
//!
//! Hovers answer for one point; this answers for every definition at once, and joins
//! what the interpreter learnt in every context a scope ran in:
//!
//! ```python
//! def call(f):          # parameter `f`: function (what the calls pass)
//!     return f()        # returns: str (from the run specialised for `call(greet)`)
//!
//! def greet():
//!     return "hi"
//!
//! text = call(greet)    # variable `text`: str
//! ```
//!
//! A scope's *views* are its context-free inference and every specialised run
//! ([`specialised_call`]) reached from the calls of the given files, nested calls of
//! those runs included. A fact's types are the type names of the known members of its
//! unions over all views; an unknown member is dropped, and a fact with no known member
//! has no types (`unknown` is set).

use rustc_hash::{FxHashMap, FxHashSet};

use crate::db::Db;
use crate::index::{
    DefinitionId, DefinitionKind, NameContext, ParameterKind, ScopeId, ScopeKind, file_index,
};
use crate::infer::{CallArguments, ScopeInference, function_scope, infer_scope, specialised_call};
use crate::input::SourceFile;
use crate::values::{FunctionRef, Union, Value};

use super::line_index;
use super::values::evaluating_scope;

/// What a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeSubject {
    /// A function's return values (`def` or `lambda`).
    Function,
    /// A parameter: the values callers pass, and its default.
    Parameter,
    /// A name bound by an assignment, loop, `with`, import, … (one fact per binding).
    Variable,
}

/// The type names inferred for one definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredType {
    pub subject: TypeSubject,
    /// The bound name (for functions, the dotted path inside the module: `Shape.area`).
    pub name: String,
    /// The dotted path of the enclosing function (for parameters and names bound in a
    /// function), `None` at module or class level.
    pub function: Option<String>,
    /// 0-based line and UTF-8 column of the name.
    pub line: u32,
    pub column: u32,
    /// `type(x).__name__` of every known member, deduplicated, in union order.
    pub types: Vec<String>,
    /// The same members with the item type of lists, sets and iterators when every
    /// known item has one type: `list[str]`; other members as in `types`.
    pub parameterized: Vec<String>,
    /// Some member (or every one, when `types` is empty) is unknown.
    pub unknown: bool,
}

/// How many specialised runs are followed at most, over all the files.
const MAX_VIEWS: usize = 4096;

/// The facts of each file of `files`, in the order given; call sites are gathered from
/// all of them (the calls of `main.py` tell the parameters of an imported module).
pub fn inferred_types(db: &dyn Db, files: &[SourceFile]) -> Vec<(SourceFile, Vec<InferredType>)> {
    let views = ScopeViews::collect(db, files);
    files
        .iter()
        .map(|&file| (file, facts_of_file(db, file, &views)))
        .collect()
}

/// Every inference a scope has: its own and its specialised runs, plus the argument
/// values of each call of the function whose body it is.
#[derive(Default)]
struct ScopeViews<'db> {
    runs: FxHashMap<(SourceFile, ScopeId), Vec<&'db ScopeInference>>,
    /// Argument values by call, receiver already dropped.
    arguments: FxHashMap<(SourceFile, ScopeId), Vec<CallArguments>>,
}

impl<'db> ScopeViews<'db> {
    fn collect(db: &'db dyn Db, files: &[SourceFile]) -> ScopeViews<'db> {
        let mut views = ScopeViews::default();
        let mut seen: FxHashSet<*const ScopeInference> = FxHashSet::default();
        let mut queue: Vec<(&'db ScopeInference, u8)> = Vec::new();
        for &file in files {
            let index = file_index(db, file);
            for (position, scope) in index.scopes.iter().enumerate() {
                if scope.kind == ScopeKind::Comprehension {
                    continue;
                }
                let scope = ScopeId(position as u32);
                let inference = infer_scope(db, file, scope);
                views.runs.entry((file, scope)).or_default().push(inference);
                if seen.insert(inference as *const ScopeInference) {
                    queue.push((inference, 0));
                }
            }
        }
        let mut followed = 0;
        while let Some((inference, depth)) = queue.pop() {
            for call in &inference.calls {
                for value in call.callee.values() {
                    views.record_arguments(db, value, call, depth);
                    let function = match value {
                        Value::Function(function) | Value::BoundMethod { function, .. } => {
                            function.clone()
                        }
                        // A constructor call runs the class's own `__init__`.
                        Value::Class(crate::values::ClassRef::Defined { file, path }) => {
                            FunctionRef::Defined {
                                file: *file,
                                path: format!("{path}.__init__").into(),
                            }
                        }
                        _ => continue,
                    };
                    if followed >= MAX_VIEWS {
                        continue;
                    }
                    let Some((file, scope, run)) = specialised_call(db, &function, call, depth)
                    else {
                        continue;
                    };
                    if seen.insert(run as *const ScopeInference) {
                        followed += 1;
                        views.runs.entry((file, scope)).or_default().push(run);
                        queue.push((run, depth.saturating_add(1)));
                    }
                }
            }
        }
        views
    }

    /// Remembers the arguments `call` passes to the function (or the `__init__` of the
    /// class) `callee` is.
    fn record_arguments(
        &mut self,
        db: &dyn Db,
        callee: &Value,
        call: &crate::infer::CallSite,
        depth: u8,
    ) {
        let (function, drops_receiver) = match callee {
            Value::Function(function) => (function.clone(), false),
            Value::BoundMethod { function, .. } => (function.clone(), true),
            Value::Class(crate::values::ClassRef::Defined { file, path }) => {
                let init = FunctionRef::Defined {
                    file: *file,
                    path: format!("{path}.__init__").into(),
                };
                (init, true)
            }
            _ => return,
        };
        let Some((file, scope)) = function_scope(db, &function) else {
            return;
        };
        let mut positional: &[Union] = &call.positional;
        // `Class.method(instance, …)` passes the receiver first.
        if !drops_receiver
            && crate::infer::is_unbound_method(db, file, scope)
            && !positional.is_empty()
        {
            positional = &positional[1..];
        }
        let arguments = CallArguments::new(positional, &call.keywords, None, depth);
        self.arguments
            .entry((file, scope))
            .or_default()
            .push(arguments);
    }
}

fn facts_of_file(db: &dyn Db, file: SourceFile, views: &ScopeViews) -> Vec<InferredType> {
    let index = file_index(db, file);
    let lines = line_index(db, file);
    let runs_of = |scope: ScopeId| -> &[&ScopeInference] {
        views
            .runs
            .get(&(file, evaluating_scope(index, scope)))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let function_path = |scope: ScopeId| -> Option<String> {
        let mut current = scope;
        loop {
            let data = index.scope(current);
            match data.kind {
                ScopeKind::Function => {
                    return data
                        .definition
                        .map(|definition| index.path_of(definition).to_string());
                }
                ScopeKind::Lambda => return Some("lambda".to_owned()),
                ScopeKind::Comprehension => current = data.parent?,
                _ => return None,
            }
        }
    };
    let mut facts = Vec::new();
    // Functions and lambdas: what their views return.
    for (position, scope) in index.scopes.iter().enumerate() {
        let id = ScopeId(position as u32);
        let (name, name_start) = match scope.kind {
            ScopeKind::Function => {
                let Some(definition) = scope.definition else {
                    continue;
                };
                let data = index.definition(definition);
                (
                    index.path_of(definition).to_string(),
                    data.name_range.start(),
                )
            }
            ScopeKind::Lambda => ("lambda".to_owned(), scope.range.start()),
            _ => continue,
        };
        let runs = runs_of(id);
        // Calling a generator or `async` function returns the generator or coroutine.
        let made = match (scope.is_async, scope.is_generator) {
            (true, true) => Some("async_generator"),
            (false, true) => Some("generator"),
            (true, false) => Some("coroutine"),
            (false, false) => None,
        };
        let names = match made {
            Some(name) => TypeNames {
                names: vec![name.to_owned()],
                parameterized: vec![name.to_owned()],
                unknown: false,
            },
            None => type_names(runs.iter().filter_map(|run| run.returns.as_ref())),
        };
        let position = lines.line_col(name_start);
        facts.push(InferredType {
            subject: TypeSubject::Function,
            name,
            function: None,
            line: position.line,
            column: position.col,
            types: names.names,
            parameterized: names.parameterized,
            unknown: names.unknown,
        });
    }
    // Parameters and other bindings, in source order.
    for name_ref in &index.name_refs {
        if name_ref.context != NameContext::Store {
            continue;
        }
        let Some(definition) = name_ref.definition else {
            continue;
        };
        let data = index.definition(definition);
        if !data.kind.binds() {
            continue;
        }
        let subject = match data.kind {
            DefinitionKind::Parameter { .. } => TypeSubject::Parameter,
            DefinitionKind::Function { .. } | DefinitionKind::Class { .. } => continue,
            _ => TypeSubject::Variable,
        };
        let runs = runs_of(data.scope);
        let mut unions: Vec<Union> = runs
            .iter()
            .filter_map(|run| run.binding(definition).cloned())
            .collect();
        if let DefinitionKind::Parameter { kind, .. } = data.kind {
            unions.extend(passed_values(
                db, views, file, index, data.scope, definition, kind,
            ));
        }
        let names = type_names(unions.iter());
        let position = lines.line_col(name_ref.range.start());
        let function = function_path(data.scope);
        let mut items = Vec::new();
        item_facts(&name_ref.name, &unions, 2, &mut items);
        facts.push(InferredType {
            subject,
            name: name_ref.name.to_string(),
            function: function.clone(),
            line: position.line,
            column: position.col,
            types: names.names,
            parameterized: names.parameterized,
            unknown: names.unknown,
        });
        for (name, unions) in items {
            let names = type_names(unions.iter());
            facts.push(InferredType {
                subject: TypeSubject::Variable,
                name,
                function: function.clone(),
                line: position.line,
                column: position.col,
                types: names.names,
                parameterized: names.parameterized,
                unknown: names.unknown,
            });
        }
    }
    attribute_store_facts(db, file, views, &mut facts);
    facts.sort_by_key(|fact| (fact.line, fact.column));
    facts
}

/// `obj.attr = value` statements: a variable fact named `obj.attr` at the attribute's
/// name, with the stored value's types in every view of the scope.
fn attribute_store_facts(
    db: &dyn Db,
    file: SourceFile,
    views: &ScopeViews,
    facts: &mut Vec<InferredType>,
) {
    let index = file_index(db, file);
    let lines = line_index(db, file);
    let parsed = crate::parse::parse(db, file);
    let text = file.text(db);
    let mut stack = vec![parsed.root()];
    while let Some(node) = stack.pop() {
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
        if !matches!(node.kind(), "assignment" | "augmented_assignment") {
            continue;
        }
        let Some(target) = node.child_by_field_name("left") else {
            continue;
        };
        let targets: Vec<tree_sitter::Node<'_>> = match target.kind() {
            "attribute" => vec![target],
            "pattern_list" | "tuple_pattern" => {
                let mut cursor = target.walk();
                target
                    .named_children(&mut cursor)
                    .filter(|child| child.kind() == "attribute")
                    .collect()
            }
            _ => Vec::new(),
        };
        for target in targets {
            let Some(attribute) = target.child_by_field_name("attribute") else {
                continue;
            };
            let offset = ::line_index::TextSize::from(attribute.start_byte() as u32);
            let scope = evaluating_scope(index, index.scope_at(offset));
            let Some(runs) = views.runs.get(&(file, scope)) else {
                continue;
            };
            let unions: Vec<&Union> = runs.iter().filter_map(|run| run.load_at(offset)).collect();
            if unions.is_empty() {
                continue;
            }
            let names = type_names(unions.into_iter());
            let position = lines.line_col(offset);
            let function = (index.scope(scope).kind == ScopeKind::Function)
                .then(|| index.scope(scope).definition)
                .flatten()
                .map(|definition| index.path_of(definition).to_string());
            facts.push(InferredType {
                subject: TypeSubject::Variable,
                name: text
                    .get(target.start_byte()..target.end_byte())
                    .unwrap_or_default()
                    .to_owned(),
                function,
                line: position.line,
                column: position.col,
                types: names.names,
                parameterized: names.parameterized,
                unknown: names.unknown,
            });
        }
    }
}

/// The values the recorded calls pass for the parameter `definition` of the function
/// whose body is `scope`.
fn passed_values(
    db: &dyn Db,
    views: &ScopeViews,
    file: SourceFile,
    index: &crate::index::FileIndex,
    scope: ScopeId,
    definition: DefinitionId,
    kind: ParameterKind,
) -> Vec<Union> {
    let Some(calls) = views.arguments.get(&(file, scope)) else {
        return Vec::new();
    };
    let parameters: Vec<DefinitionId> = index
        .scope(scope)
        .definitions
        .iter()
        .copied()
        .filter(|&id| matches!(index.definition(id).kind, DefinitionKind::Parameter { .. }))
        .collect();
    let is_method = index
        .scope(scope)
        .parent
        .is_some_and(|parent| index.scope(parent).kind == ScopeKind::Class);
    // `self` (or `cls`) is bound by the call, not passed.
    let skip = usize::from(is_method && !crate::infer::is_static_method(db, file, scope));
    let Some(position) = parameters.iter().position(|&id| id == definition) else {
        return Vec::new();
    };
    if position < skip {
        return Vec::new();
    }
    let name = index.definition(definition).name.as_str();
    calls
        .iter()
        .filter_map(|arguments| arguments.value_for(position - skip, name, kind))
        .collect()
}

/// The type names of the known members of `unions`.
struct TypeNames {
    names: Vec<String>,
    parameterized: Vec<String>,
    /// Some member is unknown, or there is no member at all.
    unknown: bool,
}

fn type_names<'a>(unions: impl Iterator<Item = &'a Union>) -> TypeNames {
    let mut result = TypeNames {
        names: Vec::new(),
        parameterized: Vec::new(),
        unknown: false,
    };
    let mut any = false;
    for union in unions {
        for value in union.values() {
            any = true;
            if *value == Value::Unknown {
                result.unknown = true;
                continue;
            }
            let name = value.type_name();
            if !result.names.iter().any(|known| known == name) {
                result.names.push(name.to_owned());
            }
            let parameterized = parameterized_name(value);
            if !result.parameterized.contains(&parameterized) {
                result.parameterized.push(parameterized);
            }
        }
    }
    if !any {
        result.unknown = true;
    }
    result
}

/// `list[str]` for a list, set or iterator whose known items all have one type; the
/// plain type name otherwise.
fn parameterized_name(value: &Value) -> String {
    let items = match value {
        Value::List(items) | Value::Set(items) | Value::Iterator(items) => items,
        _ => return value.type_name().to_owned(),
    };
    let mut item_types = items
        .items
        .iter()
        .flat_map(Union::values)
        .map(Value::type_name);
    match item_types.next() {
        Some(first) if first != "unknown" && item_types.all(|name| name == first) => {
            format!("{}[{first}]", value.type_name())
        }
        _ => value.type_name().to_owned(),
    }
}

/// Facts for the items of the containers a binding holds (`ls[0]`, `d['a']`), two
/// levels deep: exact lists and tuples by position, dicts by literal key.
fn item_facts(name: &str, unions: &[Union], depth: u8, out: &mut Vec<(String, Vec<Union>)>) {
    if depth == 0 {
        return;
    }
    let mut items: Vec<(String, Vec<Union>)> = Vec::new();
    let mut add = |key: String, union: &Union| match items.iter_mut().find(|(k, _)| *k == key) {
        Some((_, unions)) => unions.push(union.clone()),
        None => items.push((key, vec![union.clone()])),
    };
    for value in unions.iter().flat_map(Union::values) {
        match value {
            Value::List(list) | Value::Tuple(list) if list.exact => {
                for (position, item) in list.items.iter().enumerate() {
                    add(format!("{name}[{position}]"), item);
                }
            }
            Value::Dict(dict) => {
                for (key, item) in &dict.entries {
                    let key = match key {
                        crate::values::Key::Str(text) => format!("'{text}'"),
                        crate::values::Key::Int(number) => number.to_string(),
                        crate::values::Key::Bool(true) => "True".to_owned(),
                        crate::values::Key::Bool(false) => "False".to_owned(),
                        crate::values::Key::None => "None".to_owned(),
                    };
                    add(format!("{name}[{key}]"), item);
                }
            }
            _ => {}
        }
    }
    for (key, unions) in items {
        item_facts(&key, &unions, depth - 1, out);
        out.push((key, unions));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixture::{fixture_files, host_with_files};

    /// The facts of every file of `fixture`, by path, calls gathered from all of them.
    fn facts(fixture: &str) -> Vec<(String, Vec<InferredType>)> {
        let files = fixture_files(fixture).expect("the fixture is well formed");
        let (host, ids) = host_with_files(&files);
        let ordered: Vec<_> = ids.values().copied().collect();
        let facts = host
            .analysis()
            .inferred_types(&ordered)
            .expect("nothing cancels this analysis");
        ids.keys()
            .zip(facts)
            .map(|(path, (_, facts))| (path.display().to_string(), facts))
            .collect()
    }

    /// The type names of the fact about `name` of `subject` on 1-based `line`.
    fn types_of(
        facts: &[InferredType],
        subject: TypeSubject,
        name: &str,
        line: u32,
    ) -> Vec<String> {
        let fact = facts
            .iter()
            .find(|fact| fact.subject == subject && fact.name == name && fact.line + 1 == line)
            .unwrap_or_else(|| panic!("no {subject:?} fact `{name}` on L{line}: {facts:#?}"));
        fact.types.clone()
    }

    #[test]
    fn parameters_and_returns_come_from_the_calls() {
        let files = facts(
            r#"
def call(f):
    return f()

def greet():
    return "hi"

text = call(greet)
"#,
        );
        let facts = &files[0].1;
        assert_eq!(types_of(facts, TypeSubject::Function, "call", 1), ["str"]);
        assert_eq!(
            types_of(facts, TypeSubject::Parameter, "f", 1),
            ["function"]
        );
        assert_eq!(types_of(facts, TypeSubject::Function, "greet", 4), ["str"]);
        assert_eq!(types_of(facts, TypeSubject::Variable, "text", 7), ["str"]);
    }

    #[test]
    fn calls_in_one_file_tell_the_parameters_of_another() {
        let files = facts(
            r#"
#- /main.py
from shapes import Square

square = Square(3)
area = square.area(2.5)
#- /shapes.py
class Square:
    def __init__(self, side):
        self.side = side

    def area(self, scale):
        return self.side * self.side * scale
"#,
        );
        let (path, shapes) = &files[1];
        assert!(path.ends_with("shapes.py"), "{path}");
        assert_eq!(types_of(shapes, TypeSubject::Parameter, "side", 2), ["int"]);
        assert_eq!(
            types_of(shapes, TypeSubject::Parameter, "scale", 5),
            ["float"]
        );
        assert_eq!(
            types_of(shapes, TypeSubject::Variable, "self.side", 3),
            ["int"]
        );
        assert_eq!(
            types_of(&files[0].1, TypeSubject::Variable, "area", 4),
            ["float"]
        );
    }

    #[test]
    fn container_items_and_generators_have_facts() {
        let files = facts(
            r#"
pair = [len, {"id": 1}]

def numbers():
    yield 1
"#,
        );
        let facts = &files[0].1;
        assert_eq!(types_of(facts, TypeSubject::Variable, "pair", 1), ["list"]);
        assert_eq!(
            types_of(facts, TypeSubject::Variable, "pair[0]", 1),
            ["builtin_function_or_method"]
        );
        assert_eq!(
            types_of(facts, TypeSubject::Variable, "pair[1]['id']", 1),
            ["int"]
        );
        assert_eq!(
            types_of(facts, TypeSubject::Function, "numbers", 3),
            ["generator"]
        );
    }

    #[test]
    fn a_parameter_no_call_reaches_has_no_types() {
        let files = facts(
            r#"
def unused(value):
    return value
"#,
        );
        let facts = &files[0].1;
        assert!(types_of(facts, TypeSubject::Parameter, "value", 1).is_empty());
        let fact = facts.iter().find(|fact| fact.name == "value").unwrap();
        assert!(fact.unknown);
    }
}
