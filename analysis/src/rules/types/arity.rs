//! `call-arity`: a call whose arguments do not fit the callee's parameters (too many or
//! too few positional arguments, a missing required argument, an unexpected keyword, a
//! keyword for a parameter already filled by position).
//!
//! ```python
//! def greet(name):
//!     return "hi " + name
//! greet("ada", "lovelace")   # `greet()` takes 1 positional argument but 2 were given
//! ```
//!
//! Callees: functions and methods defined in source (plain, `staticmethod`,
//! `classmethod`, or decorated by a decorator known to keep the signature), lambdas,
//! classes (`__init__` along the MRO, `@dataclass` fields, `NamedTuple` fields) and a
//! table of builtin functions. Calls with `*args`/`**kwargs` are skipped, and so are
//! callees whose members disagree (one fits, another does not).

use crate::index::{child_by_field, kind_of};
use rustc_hash::FxHashMap;
use smol_str::SmolStr;

use super::{
    DefinedClass, attach_parameters, decorator_name, defined_class, is_user_source, quoted_list,
};
use crate::db::Db;
use crate::index::{DefinitionKind, ParameterKind, ScopeId, ScopeKind, file_index};
use crate::infer::{CallSite, class_mro, function_scope};
use crate::input::SourceFile;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Tally};
use crate::values::{ClassRef, FunctionRef, Value};

pub(crate) const ARITY_CHECK: Check = Check {
    rules: &["call-arity"],
    run,
};

#[derive(Debug, Clone)]
struct Parameter {
    name: SmolStr,
    kind: ParameterKind,
    /// The default's source text, when there is one.
    default: Option<String>,
}

/// What a callee accepts.
#[derive(Debug, Clone)]
struct Signature {
    /// The callee as messages name it (`greet`, `Invoice`, `len`).
    name: String,
    parameters: Vec<Parameter>,
}

impl Signature {
    fn render(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut star_written = false;
        for (at, parameter) in self.parameters.iter().enumerate() {
            let text = match parameter.kind {
                ParameterKind::VarPositional => {
                    star_written = true;
                    format!("*{}", parameter.name)
                }
                ParameterKind::VarKeyword => format!("**{}", parameter.name),
                ParameterKind::KeywordOnly if !star_written => {
                    star_written = true;
                    parts.push("*".to_owned());
                    parameter.name.to_string()
                }
                _ => parameter.name.to_string(),
            };
            let text = match &parameter.default {
                Some(default) => format!("{text}={default}"),
                None => text,
            };
            parts.push(text);
            let next_is_positional_only = self
                .parameters
                .get(at + 1)
                .is_some_and(|next| next.kind == ParameterKind::PositionalOnly);
            if parameter.kind == ParameterKind::PositionalOnly && !next_is_positional_only {
                parts.push("/".to_owned());
            }
        }
        format!("{}({})", self.name, parts.join(", "))
    }

    /// The error CPython would raise for these arguments, if any.
    fn mismatch(&self, positional: usize, keywords: &[SmolStr]) -> Option<String> {
        let name = &self.name;
        let positional_slots: Vec<&Parameter> = self
            .parameters
            .iter()
            .filter(|parameter| {
                matches!(
                    parameter.kind,
                    ParameterKind::PositionalOnly | ParameterKind::PositionalOrKeyword
                )
            })
            .collect();
        let has_var_positional = self
            .parameters
            .iter()
            .any(|parameter| parameter.kind == ParameterKind::VarPositional);
        let has_var_keyword = self
            .parameters
            .iter()
            .any(|parameter| parameter.kind == ParameterKind::VarKeyword);
        if positional > positional_slots.len() && !has_var_positional {
            let most = positional_slots.len();
            let least = positional_slots
                .iter()
                .filter(|parameter| parameter.default.is_none())
                .count();
            if most == 0 && !has_var_keyword && self.parameters.is_empty() {
                return Some(format!(
                    "`{name}()` takes no arguments but {positional} were given"
                ));
            }
            let takes = if least == most {
                format!("{most} positional argument{}", plural(most))
            } else {
                format!("from {least} to {most} positional arguments")
            };
            let were = if positional == 1 { "was" } else { "were" };
            return Some(format!(
                "`{name}()` takes {takes} but {positional} {were} given"
            ));
        }
        let mut filled: Vec<&str> = positional_slots
            .iter()
            .take(positional)
            .map(|parameter| parameter.name.as_str())
            .collect();
        for keyword in keywords {
            let target = self
                .parameters
                .iter()
                .find(|parameter| parameter.name == *keyword);
            match target.map(|parameter| parameter.kind) {
                Some(ParameterKind::PositionalOrKeyword | ParameterKind::KeywordOnly) => {
                    if filled.contains(&keyword.as_str()) {
                        return Some(format!(
                            "`{name}()` got multiple values for argument '{keyword}'"
                        ));
                    }
                    filled.push(keyword);
                }
                Some(ParameterKind::PositionalOnly) if !has_var_keyword => {
                    return Some(format!(
                        "`{name}()` got positional-only argument '{keyword}' passed as a keyword"
                    ));
                }
                _ if has_var_keyword => {}
                _ => {
                    return Some(format!(
                        "`{name}()` got an unexpected keyword argument '{keyword}'"
                    ));
                }
            }
        }
        let missing = |kind: &[ParameterKind]| -> Vec<String> {
            self.parameters
                .iter()
                .filter(|parameter| {
                    kind.contains(&parameter.kind)
                        && parameter.default.is_none()
                        && !filled.contains(&parameter.name.as_str())
                })
                .map(|parameter| parameter.name.to_string())
                .collect()
        };
        let missing_positional = missing(&[
            ParameterKind::PositionalOnly,
            ParameterKind::PositionalOrKeyword,
        ]);
        if !missing_positional.is_empty() {
            let count = missing_positional.len();
            return Some(format!(
                "`{name}()` missing {count} required positional argument{}: {}",
                plural(count),
                quoted_list(&missing_positional)
            ));
        }
        let missing_keyword = missing(&[ParameterKind::KeywordOnly]);
        if !missing_keyword.is_empty() {
            let count = missing_keyword.len();
            return Some(format!(
                "`{name}()` missing {count} required keyword-only argument{}: {}",
                plural(count),
                quoted_list(&missing_keyword)
            ));
        }
        None
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Function decorators that return the function itself or keep its parameters.
fn is_signature_preserving(decorator: &str) -> bool {
    matches!(
        decorator,
        "staticmethod"
            | "classmethod"
            | "lru_cache"
            | "cache"
            | "abstractmethod"
            | "override"
            | "final"
            | "contextmanager"
            | "asynccontextmanager"
    )
}

/// The parameters of a function or lambda body scope.
fn scope_parameters(db: &dyn Db, file: SourceFile, scope: ScopeId) -> Vec<Parameter> {
    let index = file_index(db, file);
    let text = file.text(db);
    index
        .scope(scope)
        .definitions
        .iter()
        .filter_map(|&id| match &index.definition(id).kind {
            DefinitionKind::Parameter { kind, default, .. } => Some(Parameter {
                name: index.definition(id).name.clone(),
                kind: *kind,
                default: default.map(|range| {
                    text.get(usize::from(range.start())..usize::from(range.end()))
                        .unwrap_or("...")
                        .to_owned()
                }),
            }),
            _ => None,
        })
        .collect()
}

/// How the callee was reached: `Function` values take every parameter, bound methods
/// fill the first one with the receiver.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Plain,
    Bound,
}

fn function_signature(db: &dyn Db, function: &FunctionRef, access: Access) -> Option<Signature> {
    let (file, scope) = function_scope(db, function)?;
    if !is_user_source(db, file) {
        return None;
    }
    let mut parameters = scope_parameters(db, file, scope);
    let mut skip_first = access == Access::Bound;
    if let FunctionRef::Defined { path, .. } = function {
        let index = file_index(db, file);
        let definition = index.definition_at_path(path)?;
        let data = index.definition(definition);
        let DefinitionKind::Function { decorators, .. } = &data.kind else {
            return None;
        };
        // Redefined under conditions (`if`/`try` fallbacks, `@overload`): which one runs
        // is not known here.
        let functions = index
            .definitions_in_scope(data.scope, &data.name)
            .filter(|&id| matches!(index.definition(id).kind, DefinitionKind::Function { .. }))
            .count();
        if functions > 1 {
            return None;
        }
        let text = file.text(db);
        let names: Vec<String> = decorators
            .iter()
            .map(|range| {
                decorator_name(
                    text.get(usize::from(range.start())..usize::from(range.end()))
                        .unwrap_or(""),
                )
            })
            .collect();
        if !names.iter().all(|name| is_signature_preserving(name)) {
            return None;
        }
        let is_method = index.scope(data.scope).kind == ScopeKind::Class;
        if is_method {
            // `__init_subclass__` and `__class_getitem__` are class methods without
            // the decorator; `__new__` is a static method taking the class.
            let implicit_classmethod = matches!(
                data.name.as_str(),
                "__init_subclass__" | "__class_getitem__"
            );
            if names.iter().any(|name| name == "staticmethod") {
                skip_first = false;
            } else if implicit_classmethod || names.iter().any(|name| name == "classmethod") {
                skip_first = true;
            }
        }
    }
    if skip_first {
        match parameters.first().map(|parameter| parameter.kind) {
            Some(ParameterKind::PositionalOnly | ParameterKind::PositionalOrKeyword) => {
                parameters.remove(0);
            }
            // `def m(*args)` takes the receiver in `args`; `def m()` fails on any call,
            // a mistake of the definition rather than of the call.
            _ => return None,
        }
    }
    Some(Signature {
        name: function.name().to_owned(),
        parameters,
    })
}

/// What calling a class accepts: its `__init__` (minus `self`) along the MRO, or the
/// fields `@dataclass` / `NamedTuple` generate.
fn class_signature(db: &dyn Db, class: &ClassRef) -> Option<Signature> {
    let root = defined_class(db, class)?;
    if !is_user_source(db, root.file) {
        return None;
    }
    let name = class.name().to_owned();
    let mro = class_mro(db, class);
    for (position, current) in mro.iter().enumerate() {
        let Some(defined) = defined_class(db, current) else {
            if current.name() == "object" {
                return Some(Signature {
                    name,
                    parameters: Vec::new(),
                });
            }
            return None;
        };
        if defined.defines("__new__") {
            return None;
        }
        if let Some(metaclass) = defined.metaclass(db)
            && !metaclass.ends_with("ABCMeta")
        {
            return None;
        }
        let decorators = defined.decorator_names(db);
        if decorators
            .iter()
            .any(|name| !matches!(name.as_str(), "dataclass" | "total_ordering" | "final"))
        {
            return None;
        }
        if defined.defines("__init__") {
            let init = defined
                .index
                .definitions_in_scope(defined.body, "__init__")
                .last()?;
            if !matches!(
                defined.index.definition(init).kind,
                DefinitionKind::Function { .. }
            ) {
                return None;
            }
            let function = FunctionRef::Defined {
                file: defined.file,
                path: defined.index.path_of(init),
            };
            let mut signature = function_signature(db, &function, Access::Bound)?;
            signature.name = name;
            return Some(signature);
        }
        if decorators.iter().any(|name| name == "dataclass") {
            if dataclass_option(db, &defined, "init") == Some(false) {
                return None;
            }
            return dataclass_signature(db, &mro[position..], name);
        }
        let unresolved_bases: Vec<&str> = unresolved_base_texts(db, &defined, current);
        if !unresolved_bases.is_empty() {
            let is_named_tuple = unresolved_bases
                .iter()
                .all(|base| base.ends_with("NamedTuple"))
                && position == 0;
            if is_named_tuple {
                let parameters = class_fields(db, &defined, false)?;
                return Some(Signature { name, parameters });
            }
            return None;
        }
    }
    None
}

/// The base expressions of a class whose value is not a known class (by text).
fn unresolved_base_texts<'a>(
    db: &'a dyn Db,
    defined: &DefinedClass<'_>,
    class: &ClassRef,
) -> Vec<&'a str> {
    let resolved = crate::infer::class_bases(db, class);
    if resolved.len() >= defined.bases.len() {
        return Vec::new();
    }
    let text = defined.file.text(db);
    defined
        .bases
        .iter()
        .map(|range| {
            text.get(usize::from(range.start())..usize::from(range.end()))
                .unwrap_or("")
        })
        .filter(|base| {
            let name = base.rsplit('.').next().unwrap_or(base);
            !resolved.iter().any(|class| class.name() == name)
        })
        .collect()
}

/// `True`/`False` for `@dataclass(option=True)`, `None` when not given.
fn dataclass_option(db: &dyn Db, defined: &DefinedClass<'_>, option: &str) -> Option<bool> {
    defined.decorators.iter().find_map(|range| {
        let text = defined.text(db, *range);
        let at = text.find(&format!("{option}="))?;
        let value = &text[at + option.len() + 1..];
        if value.trim_start().starts_with("True") {
            Some(true)
        } else if value.trim_start().starts_with("False") {
            Some(false)
        } else {
            None
        }
    })
}

/// The `__init__` parameters `@dataclass` generates, from the fields of every dataclass
/// of `mro` (base classes first).
fn dataclass_signature(db: &dyn Db, mro: &[ClassRef], name: String) -> Option<Signature> {
    let mut parameters: Vec<Parameter> = Vec::new();
    for class in mro.iter().rev() {
        let Some(defined) = defined_class(db, class) else {
            if class.name() == "object" {
                continue;
            }
            return None;
        };
        if !defined
            .decorator_names(db)
            .iter()
            .any(|name| name == "dataclass")
        {
            continue;
        }
        let keyword_only = dataclass_option(db, &defined, "kw_only") == Some(true);
        for field in class_fields(db, &defined, keyword_only)? {
            match parameters
                .iter_mut()
                .find(|existing| existing.name == field.name)
            {
                Some(existing) => *existing = field,
                None => parameters.push(field),
            }
        }
    }
    // Keyword-only fields go after the others in the generated `__init__`.
    parameters.sort_by_key(|parameter| parameter.kind == ParameterKind::KeywordOnly);
    Some(Signature { name, parameters })
}

/// Annotated names of a class body, in order, as `__init__` parameters.
fn class_fields(
    db: &dyn Db,
    defined: &DefinedClass<'_>,
    keyword_only: bool,
) -> Option<Vec<Parameter>> {
    let mut keyword_only = keyword_only;
    let mut fields = Vec::new();
    for &id in &defined.index.scope(defined.body).definitions {
        let data = defined.index.definition(id);
        if !matches!(
            data.kind,
            DefinitionKind::Annotation | DefinitionKind::Assignment
        ) {
            continue;
        }
        let Some(annotation) = data.annotation else {
            continue;
        };
        let annotation = defined.text(db, annotation);
        if annotation.contains("ClassVar") {
            continue;
        }
        if annotation.ends_with("KW_ONLY") {
            keyword_only = true;
            continue;
        }
        let value = data.value_range.map(|range| defined.text(db, range));
        let default = match value {
            None => None,
            Some(value) if is_field_call(value) => {
                if value.contains("init=False") {
                    continue;
                }
                if value.contains("kw_only=True") {
                    return None;
                }
                if value.contains("default") {
                    Some("...".to_owned())
                } else {
                    None
                }
            }
            Some(value) => Some(value.to_owned()),
        };
        fields.push(Parameter {
            name: data.name.clone(),
            kind: if keyword_only {
                ParameterKind::KeywordOnly
            } else {
                ParameterKind::PositionalOrKeyword
            },
            default,
        });
    }
    Some(fields)
}

fn is_field_call(value: &str) -> bool {
    let callee = value.split('(').next().unwrap_or("");
    value.contains('(') && matches!(callee.rsplit('.').next(), Some("field" | "Field"))
}

/// Builtin functions: (name, least, most positional arguments; `None` = no limit).
const BUILTIN_ARITY: &[(&str, usize, Option<usize>)] = &[
    ("abs", 1, Some(1)),
    ("all", 1, Some(1)),
    ("any", 1, Some(1)),
    ("ascii", 1, Some(1)),
    ("bin", 1, Some(1)),
    ("callable", 1, Some(1)),
    ("chr", 1, Some(1)),
    ("delattr", 2, Some(2)),
    ("divmod", 2, Some(2)),
    ("getattr", 2, Some(3)),
    ("hasattr", 2, Some(2)),
    ("hash", 1, Some(1)),
    ("hex", 1, Some(1)),
    ("id", 1, Some(1)),
    ("input", 0, Some(1)),
    ("isinstance", 2, Some(2)),
    ("issubclass", 2, Some(2)),
    ("iter", 1, Some(2)),
    ("len", 1, Some(1)),
    ("next", 1, Some(2)),
    ("oct", 1, Some(1)),
    ("ord", 1, Some(1)),
    ("repr", 1, Some(1)),
    ("round", 1, Some(2)),
    ("setattr", 3, Some(3)),
    ("sorted", 1, Some(1)),
    ("sum", 1, Some(2)),
    ("max", 1, None),
    ("min", 1, None),
];

/// The positional-count mismatch of a builtin call, if any.
fn builtin_mismatch(name: &str, positional: usize) -> Option<String> {
    let &(_, least, most) = BUILTIN_ARITY
        .iter()
        .find(|(builtin, ..)| *builtin == name)?;
    let given = positional;
    let were = if given == 1 { "was" } else { "were" };
    if given < least {
        return Some(match most {
            Some(most) if most == least => format!(
                "`{name}()` takes exactly {least} argument{} but {given} {were} given",
                plural(least)
            ),
            _ => format!(
                "`{name}()` takes at least {least} argument{} but {given} {were} given",
                plural(least)
            ),
        });
    }
    match most {
        Some(most) if given > most => Some(if most == least {
            format!(
                "`{name}()` takes exactly {most} argument{} but {given} {were} given",
                plural(most)
            )
        } else {
            format!("`{name}()` takes at most {most} arguments but {given} {were} given")
        }),
        _ => None,
    }
}

/// A verdict on one callee member.
enum Verdict {
    Fits,
    Mismatch(String, Option<String>),
    Unknown,
}

/// Class answers the calls of one file ask again and again (`self.method(...)` in every
/// method of a class), computed once per run of the rule.
#[derive(Default)]
struct ClassAnswers {
    mros: FxHashMap<ClassRef, Vec<ClassRef>>,
    overridden_below: FxHashMap<(ClassRef, SmolStr), bool>,
}

impl ClassAnswers {
    fn mro(&mut self, db: &dyn Db, class: &ClassRef) -> &[ClassRef] {
        if !self.mros.contains_key(class) {
            self.mros.insert(class.clone(), class_mro(db, class));
        }
        &self.mros[class]
    }

    fn is_overridden_below(&mut self, db: &dyn Db, class: &ClassRef, method: &str) -> bool {
        let key = (class.clone(), SmolStr::new(method));
        if let Some(answer) = self.overridden_below.get(&key) {
            return *answer;
        }
        let answer = is_overridden_below(db, self, class, method);
        self.overridden_below.insert(key, answer);
        answer
    }
}

/// `silence`: a method call that a subclass may override or provide gets
/// [`Verdict::Unknown`]. Those lookups visit other files (the subclass lookup outlines
/// every file naming the class in a class header, parsing the closed ones), and they
/// only matter for a call some member of whose callee does not fit: [`run`] judges
/// without them first, and again with them only then.
fn judge(
    db: &dyn Db,
    answers: &mut ClassAnswers,
    value: &Value,
    call: &CallSite,
    keywords: &[SmolStr],
    silence: bool,
) -> Verdict {
    let positional = call.positional.len();
    let signature = match value {
        Value::Function(function) => function_signature(db, function, Access::Plain),
        Value::BoundMethod {
            function, class, ..
        } => {
            // A protocol's methods describe what implementations accept at least; the
            // object behind it is some other class (`SimplePath.joinpath()`).
            let mut is_protocol = || {
                answers.mro(db, class).iter().any(|ancestor| {
                    ancestor.name() == "Protocol"
                        || defined_class(db, ancestor).is_some_and(|defined| {
                            unresolved_base_texts(db, &defined, ancestor)
                                .iter()
                                .any(|base| {
                                    let base = base.split('[').next().unwrap_or(base);
                                    base.rsplit('.').next() == Some("Protocol")
                                })
                        })
                })
            };
            if silence
                && (is_protocol()
                    || answers.is_overridden_below(db, class, function.name())
                    || crate::rules::subclasses::provided_by_subclass(
                        db,
                        class.name(),
                        function.name(),
                    ))
            {
                return Verdict::Unknown;
            }
            function_signature(db, function, Access::Bound)
        }
        Value::Class(class @ ClassRef::Defined { .. }) => class_signature(db, class),
        Value::BuiltinFunction(name) => {
            if !keywords.is_empty() && !matches!(name.as_str(), "sorted" | "max" | "min" | "sum") {
                return Verdict::Unknown;
            }
            return match builtin_mismatch(name, positional) {
                Some(message) => Verdict::Mismatch(message, None),
                None if BUILTIN_ARITY.iter().any(|(builtin, ..)| builtin == name) => Verdict::Fits,
                None => Verdict::Unknown,
            };
        }
        Value::Unknown => return Verdict::Unknown,
        // Other members fail differently (not-callable, none-call) or are not judged.
        _ => return Verdict::Unknown,
    };
    let Some(signature) = signature else {
        return Verdict::Unknown;
    };
    match signature.mismatch(positional, keywords) {
        Some(message) => Verdict::Mismatch(message, Some(signature.render())),
        None => Verdict::Fits,
    }
}

/// Whether a class of the method's file derives from `class` and redefines `method`:
/// `self.method(...)` in the base may run the subclass's version.
fn is_overridden_below(
    db: &dyn Db,
    answers: &mut ClassAnswers,
    class: &ClassRef,
    method: &str,
) -> bool {
    let ClassRef::Defined { file, .. } = class else {
        return false;
    };
    let index = file_index(db, *file);
    index
        .definitions
        .iter()
        .enumerate()
        .filter(|(_, data)| matches!(data.kind, DefinitionKind::Class { .. }))
        .any(|(id, _)| {
            let candidate = ClassRef::Defined {
                file: *file,
                path: index.path_of(crate::index::DefinitionId(id as u32)),
            };
            candidate != *class
                && answers.mro(db, &candidate).contains(class)
                && defined_class(db, &candidate).is_some_and(|defined| defined.defines(method))
        })
}

fn run(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .map(|(run, call)| (run.call, call))
        .collect();
    let mut answers = ClassAnswers::default();
    for (run_call, call) in calls {
        if call.has_unpacking {
            continue;
        }
        let range = call.range();
        let keywords: Vec<SmolStr> = call.keywords.iter().map(|(name, _)| name.clone()).collect();
        let mut tally = Tally {
            pruned: call.callee.pruned(),
            ..Tally::default()
        };
        let mut first: Option<(String, Option<String>)> = None;
        let mut mismatched: Option<&Value> = None;
        // Without the subclass lookups first: a call all of whose members fit or are
        // unknown reports nothing either way (the lookups only turn verdicts unknown).
        let any_mismatch = call.callee.members().iter().any(|member| {
            !super::is_from_parameter(context.db, member, run_call.is_some())
                && matches!(
                    judge(
                        context.db,
                        &mut answers,
                        &member.value,
                        call,
                        &keywords,
                        false
                    ),
                    Verdict::Mismatch(..)
                )
        });
        if !any_mismatch {
            continue;
        }
        for member in call.callee.members() {
            let value = &member.value;
            // `cls(...)` in a classmethod may build a subclass with another `__init__`.
            let verdict = if super::is_from_parameter(context.db, member, run_call.is_some()) {
                Verdict::Unknown
            } else {
                judge(context.db, &mut answers, value, call, &keywords, true)
            };
            match verdict {
                Verdict::Fits => tally.good += 1,
                Verdict::Unknown => {
                    if matches!(
                        value,
                        Value::Unknown
                            | Value::Function(_)
                            | Value::BoundMethod { .. }
                            | Value::Class(_)
                            | Value::BuiltinFunction(_)
                    ) {
                        tally.unknown += 1;
                    }
                }
                Verdict::Mismatch(message, signature) => {
                    tally.bad += 1;
                    first.get_or_insert((message, signature));
                    mismatched.get_or_insert(value);
                }
            }
        }
        // Members that disagree: one of them fits, so the call may be right.
        if tally.good > 0 {
            continue;
        }
        let Some((message, signature)) = first else {
            continue;
        };
        if context.is_caught(range, "TypeError") {
            continue;
        }
        let message = match &signature {
            Some(signature) => format!("{message} (signature: `{signature}`)"),
            None => message,
        };
        // The message names the one missing positional parameter: `…: 'currency'`.
        let missing_one = message
            .split_once("missing 1 required positional argument: '")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(name, _)| name.to_owned());
        context.report_tally("call-arity", range, tally, message, Vec::new(), run_call);
        let callee = context
            .node(range)
            .and_then(|node| child_by_field(node, "function"))
            .map(|function| context.node_text(function).to_owned())
            .unwrap_or_default();
        let mut parameters = vec![("callee", callee)];
        if let Some(signature) = signature {
            parameters.push(("signature", signature));
        }
        if let Some(target) = mismatched.and_then(CallTarget::of)
            && let Some(parameter) = missing_one.filter(|_| call.keywords.is_empty())
            && let Some(completed) = completed_call(context, call, &target)
        {
            parameters.push(("parameter", parameter));
            parameters.extend(completed);
        }
        attach_parameters(context, "call-arity", range, parameters);
    }
}

/// What a call reaches, to find the other calls of the same function or class.
#[derive(PartialEq)]
enum CallTarget<'a> {
    Function(&'a FunctionRef),
    Class(&'a ClassRef),
}

impl<'a> CallTarget<'a> {
    fn of(value: &'a Value) -> Option<CallTarget<'a>> {
        match value {
            Value::Function(function) | Value::BoundMethod { function, .. } => {
                Some(CallTarget::Function(function))
            }
            Value::Class(class) => Some(CallTarget::Class(class)),
            _ => None,
        }
    }
}

/// `Money(1.5)` missing its last positional argument, where the other calls of this file
/// pass a literal there: the call with the literal they agree on (`Money(1.5, "EUR")`), or
/// the empty container when they pass different ones of one kind (`[]` for tag lists).
/// Parameters `argument` and `completed_call`, for the `pass-missing-argument` fix.
fn completed_call(
    context: &RuleContext<'_>,
    call: &CallSite,
    target: &CallTarget<'_>,
) -> Option<Vec<(&'static str, String)>> {
    let position = call.positional.len();
    let mut seen = Vec::new();
    let mut literals: Vec<(&str, &str)> = Vec::new();
    for (_, other) in context.calls() {
        let range = other.range();
        if range == call.range() || seen.contains(&range) || !other.keywords.is_empty() {
            continue;
        }
        let same_target = other
            .callee
            .values()
            .any(|value| CallTarget::of(value).is_some_and(|other_target| other_target == *target));
        if !same_target || other.positional.len() != position + 1 {
            continue;
        }
        seen.push(range);
        let Some(argument) = context
            .node(range)
            .and_then(|node| child_by_field(node, "arguments"))
            .and_then(|arguments| arguments.named_child(position))
        else {
            continue;
        };
        if let Some(kind) = literal_kind(kind_of(argument)) {
            literals.push((kind, context.node_text(argument)));
        }
    }
    let (kind, text) = *literals.first()?;
    let argument = if literals.iter().all(|(_, other)| *other == text) {
        text.to_owned()
    } else if literals.iter().all(|(other, _)| *other == kind) {
        match kind {
            "list" => "[]".to_owned(),
            "dictionary" => "{}".to_owned(),
            "tuple" => "()".to_owned(),
            _ => return None,
        }
    } else {
        return None;
    };
    let node = context.node(call.range())?;
    let function = child_by_field(node, "function")?;
    let arguments = child_by_field(node, "arguments")?;
    if kind_of(arguments) != "argument_list" {
        return None;
    }
    let inside = context.node_text(arguments);
    let inside = inside.strip_prefix('(')?.strip_suffix(')')?.trim_end();
    let inside = inside.strip_suffix(',').unwrap_or(inside);
    let separator = if inside.trim().is_empty() { "" } else { ", " };
    let completed = format!(
        "{}({inside}{separator}{argument})",
        context.node_text(function)
    );
    Some(vec![("argument", argument), ("completed_call", completed)])
}

/// The literal kinds whose text can be passed again elsewhere.
fn literal_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "string" | "concatenated_string" => "string",
        "integer" | "float" => "number",
        "true" | "false" => "bool",
        "none" => "none",
        "list" => "list",
        "dictionary" => "dictionary",
        "tuple" => "tuple",
        _ => return None,
    })
}
