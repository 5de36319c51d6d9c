//! The `types` family: operations a value's type does not support, each a `TypeError`
//! (or `ValueError`) at run time.
//!
//! - `call-arity` ([`arity`]): arguments that do not fit the callee's parameters.
//! - `bad-operand` ([`operands`]): `"Total: " + 3`, `[1] + (2,)`.
//! - `not-callable` / `not-subscriptable` / `not-iterable` ([`capabilities`]).
//! - `unhashable-key` ([`hashing`]): a list, dict or set as a dict key or set member.
//! - `bad-builtin-arg` ([`builtin_args`]): `len(5)`, `int("abc")`, `math.sqrt(-1)`.
//! - `builtin-shadowed-call` ([`shadowed`]): `list = [1]` and later `list(x)`.
//! - `abstract-instantiation` ([`abstract_classes`]).
//!
//! Terminology used by the helpers below:
//! - A class is *closed* when every class of its MRO is known: each base expression
//!   resolved to a class, no class decorator that may replace it (other than `dataclass`
//!   and `total_ordering`), and no builtin base other than `object`.
//! - An instance is *exact* when none of its origins is a parameter: `self`, or an
//!   annotated parameter, may hold a subclass that defines what the class lacks.
//!
//! ```python
//! class Money:
//!     def __init__(self, cents):
//!         self.cents = cents
//! Money(5) + Money(6)     # bad-operand: Money defines no __add__
//! ```

mod abstract_classes;
mod arity;
mod builtin_args;
mod capabilities;
mod hashing;
mod operands;
mod shadowed;

#[cfg(test)]
mod tests;

use smol_str::SmolStr;

use super::context::RuleContext;
use crate::builtins::builtin_type_has_attribute;
use crate::db::Db;
use crate::index::{DefinitionId, DefinitionKind, FileIndex, ScopeId, file_index};
use crate::infer::{class_bases, class_mro};
use crate::input::SourceFile;
use crate::values::{ClassRef, Member, Origin};

pub(crate) use abstract_classes::ABSTRACT_CHECK;
pub(crate) use arity::ARITY_CHECK;
pub(crate) use builtin_args::BUILTIN_ARG_CHECK;
pub(crate) use capabilities::CAPABILITY_CHECK;
pub(crate) use hashing::UNHASHABLE_CHECK;
pub(crate) use operands::OPERAND_CHECK;
pub(crate) use shadowed::SHADOWED_CHECK;

/// Whether an attribute is found on a class along its MRO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lookup {
    Found,
    Missing,
    /// Part of the hierarchy is not known.
    Unknown,
}

/// A class defined in source: its file, definition and body scope.
pub(super) struct DefinedClass<'db> {
    pub file: SourceFile,
    pub index: &'db FileIndex,
    pub definition: DefinitionId,
    pub body: ScopeId,
    pub bases: &'db [line_index::TextRange],
    pub decorators: &'db [line_index::TextRange],
}

impl DefinedClass<'_> {
    /// The text of a range of the class's file.
    pub fn text<'a>(&self, db: &'a dyn Db, range: line_index::TextRange) -> &'a str {
        self.file
            .text(db)
            .get(usize::from(range.start())..usize::from(range.end()))
            .unwrap_or("")
    }

    /// The decorator names (`dataclass` for `@dataclasses.dataclass(frozen=True)`).
    pub fn decorator_names(&self, db: &dyn Db) -> Vec<String> {
        self.decorators
            .iter()
            .map(|range| decorator_name(self.text(db, *range)))
            .collect()
    }

    /// The text of the `class` header up to the body (`class A(B, metaclass=M):`).
    pub fn header<'a>(&self, db: &'a dyn Db) -> &'a str {
        let data = self.index.definition(self.definition);
        let start = data.node_range.start();
        let end = self.index.scope(self.body).range.end();
        let text = self.text(db, line_index::TextRange::new(start, end));
        let close = text.find("):").map_or(0, |at| at + 1);
        text.get(..close).unwrap_or("")
    }

    pub fn metaclass<'a>(&self, db: &'a dyn Db) -> Option<&'a str> {
        let header = self.header(db);
        let at = header.find("metaclass")?;
        let rest = header[at + "metaclass".len()..].trim_start();
        let rest = rest.strip_prefix('=')?.trim_start();
        let end = rest.find([',', ')']).unwrap_or(rest.len());
        Some(rest[..end].trim())
    }

    /// Whether every base expression resolved to a class.
    pub fn bases_resolved(&self, db: &dyn Db, class: &ClassRef) -> bool {
        class_bases(db, class).len() >= self.bases.len()
    }

    /// The body's definitions of `name`.
    pub fn defines(&self, name: &str) -> bool {
        self.index
            .definitions_in_scope(self.body, name)
            .next()
            .is_some()
    }
}

/// The last part of a decorator's dotted name, without `@` and call arguments.
pub(super) fn decorator_name(text: &str) -> String {
    let text = text.trim_start_matches('@').trim();
    let text = text.split('(').next().unwrap_or(text).trim();
    text.rsplit('.').next().unwrap_or(text).to_owned()
}

pub(super) fn defined_class<'db>(db: &'db dyn Db, class: &ClassRef) -> Option<DefinedClass<'db>> {
    let ClassRef::Defined { file, path } = class else {
        return None;
    };
    let index = file_index(db, *file);
    let definition = index.definition_at_path(path)?;
    let DefinitionKind::Class {
        body,
        bases,
        decorators,
    } = &index.definition(definition).kind
    else {
        return None;
    };
    Some(DefinedClass {
        file: *file,
        index,
        definition,
        body: *body,
        bases,
        decorators,
    })
}

/// Class decorators that keep the class a class with the same members.
fn is_transparent_class_decorator(name: &str) -> bool {
    matches!(name, "dataclass" | "total_ordering" | "final" | "unique")
}

/// Whether `attribute` is defined on instances of `class` through its type (dunder
/// lookup skips the instance dictionary and `__getattr__`).
pub(super) fn class_defines(db: &dyn Db, class: &ClassRef, attribute: &str) -> Lookup {
    for class in class_mro(db, class) {
        let Some(defined) = defined_class(db, &class) else {
            match class.name() {
                "object" if builtin_type_has_attribute("object", attribute) == Some(true) => {
                    return Lookup::Found;
                }
                "object" => continue,
                _ => return Lookup::Unknown,
            }
        };
        if defined.defines(attribute) {
            return Lookup::Found;
        }
        if !is_user_source(db, defined.file) {
            // Library classes may get members from C code or `__getattr__` plumbing.
            return Lookup::Unknown;
        }
        if !defined.bases_resolved(db, &class)
            || defined
                .decorator_names(db)
                .iter()
                .any(|name| !is_transparent_class_decorator(name))
        {
            return Lookup::Unknown;
        }
    }
    Lookup::Missing
}

/// Whether a member is only a claim about a parameter: `self` or an annotated class
/// may hold a subclass instance, and outside a specialised run (`specialised`) an
/// annotation says what callers should pass, not what they do. In a specialised run the
/// other parameters hold the call's arguments.
pub(super) fn is_from_parameter(db: &dyn Db, member: &Member, specialised: bool) -> bool {
    let may_be_subclass = matches!(
        member.value,
        crate::values::Value::Instance(_, ..) | crate::values::Value::Class(_)
    );
    (may_be_subclass || !specialised)
        && member
            .origins
            .iter()
            .any(|origin| origin_is_parameter(db, origin))
}

fn origin_is_parameter(db: &dyn Db, origin: &Origin) -> bool {
    let ranges = parameter_name_ranges(db, origin.file);
    let key = (origin.range.start(), origin.range.end());
    ranges
        .binary_search_by_key(&key, |range| (range.start(), range.end()))
        .is_ok()
}

/// The name ranges of every parameter of `file`, sorted. Asked once per operand member:
/// scanning every definition each time made a 100,000-line file take minutes.
#[salsa::tracked(returns(ref))]
fn parameter_name_ranges(db: &dyn Db, file: SourceFile) -> Vec<line_index::TextRange> {
    let mut ranges: Vec<line_index::TextRange> = file_index(db, file)
        .definitions
        .iter()
        .filter(|definition| matches!(definition.kind, DefinitionKind::Parameter { .. }))
        .map(|definition| definition.name_range)
        .collect();
    ranges.sort_by_key(|range| (range.start(), range.end()));
    ranges
}

/// The source text at an origin.
pub(super) fn origin_text<'a>(db: &'a dyn Db, origin: &Origin) -> &'a str {
    origin
        .file
        .text(db)
        .get(usize::from(origin.range.start())..usize::from(origin.range.end()))
        .unwrap_or("")
}

/// Adds fix-template parameters to the finding of `rule` at `range`.
pub(super) fn attach_parameters(
    context: &mut RuleContext<'_>,
    rule: &str,
    range: line_index::TextRange,
    parameters: Vec<(&str, String)>,
) {
    context.with_finding(rule, range, |finding| {
        finding.fix_parameters = parameters
            .into_iter()
            .map(|(name, value)| (SmolStr::new(name), value))
            .collect();
    });
}

/// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`.
pub(super) fn quoted_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Whether a function value is the plain function its definition makes: no decorator
/// (a `@property` read is its return value, a wrapper may define anything).
pub(super) fn is_plain_function(db: &dyn Db, function: &crate::values::FunctionRef) -> bool {
    let crate::values::FunctionRef::Defined { file, path } = function else {
        return true;
    };
    let index = file_index(db, *file);
    let Some(definition) = index.definition_at_path(path) else {
        return false;
    };
    matches!(
        &index.definition(definition).kind,
        DefinitionKind::Function { decorators, .. } if decorators.is_empty()
    )
}

/// A value's type for messages: "an int", "a `Money` instance", "a function".
pub(super) fn describe_with_article(value: &crate::values::Value) -> String {
    use crate::values::Value;
    match value {
        Value::Instance(class, ..) => format!("a `{}` instance", class.name()),
        Value::Class(class) => format!("the class `{}`", class.name()),
        Value::BoundMethod { .. } | Value::BuiltinFunction(_) => "a method or function".to_owned(),
        other => {
            let name = other.type_name();
            let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {name}")
        }
    }
}

/// Whether `file` is the user's code: not a stub, not under site-packages or the stdlib
/// (their signatures use overloads and C implementations the index does not see).
pub(super) fn is_user_source(db: &dyn Db, file: SourceFile) -> bool {
    use crate::resolve::SearchRootKind;
    let path = file.path(db);
    if path.extension().is_some_and(|extension| extension == "pyi") {
        return false;
    }
    !db.workspace().search_roots(db).iter().any(|root| {
        matches!(
            root.kind,
            SearchRootKind::SitePackages | SearchRootKind::Stdlib
        ) && path.starts_with(&root.path)
    })
}
