//! `abstract-instantiation`: calling a class that still has abstract methods: a method
//! decorated `@abstractmethod` somewhere along the MRO of a class deriving from `ABC`
//! (or with `metaclass=ABCMeta`) that no class before it in the MRO overrides.
//!
//! ```python
//! class Exporter(ABC):
//!     @abstractmethod
//!     def export(self, rows): ...
//! class CsvExporter(Exporter):
//!     def write(self, rows): ...
//! CsvExporter()      # TypeError: can't instantiate abstract class with method export
//! ```

use super::{DefinedClass, attach_parameters, decorator_name, defined_class, quoted_list};
use crate::db::Db;
use crate::index::DefinitionKind;
use crate::infer::{class_bases, class_mro};
use crate::rules::context::RuleContext;
use crate::rules::{Check, Tally};
use crate::values::{ClassRef, Value};

pub(crate) const ABSTRACT_CHECK: Check = Check {
    rules: &["abstract-instantiation"],
    run,
};

/// Whether a base expression names `ABC` (or `Generic`/`Protocol`-free plumbing that
/// adds no methods) when it did not resolve to a class.
fn is_abc_base(text: &str) -> bool {
    let name = text.rsplit('.').next().unwrap_or(text);
    name == "ABC" || name == "object"
}

/// Whether a definition of `name` in the class body is decorated `@abstractmethod`.
fn is_abstract(db: &dyn Db, defined: &DefinedClass<'_>, name: &str) -> bool {
    defined
        .index
        .definitions_in_scope(defined.body, name)
        .any(|id| match &defined.index.definition(id).kind {
            DefinitionKind::Function { decorators, .. } => decorators.iter().any(|range| {
                matches!(
                    decorator_name(defined.text(db, *range)).as_str(),
                    "abstractmethod" | "abstractproperty"
                )
            }),
            _ => false,
        })
}

/// The abstract methods `class` leaves unimplemented; `None` when the hierarchy is not
/// fully known or the class is not abstract-aware (`ABC` / `ABCMeta`).
fn missing_methods(db: &dyn Db, class: &ClassRef) -> Option<Vec<String>> {
    let mro = class_mro(db, class);
    let mut defined_classes = Vec::new();
    let mut abstract_aware = false;
    for current in &mro {
        let Some(defined) = defined_class(db, current) else {
            if current.name() == "object" {
                continue;
            }
            return None;
        };
        if !super::is_user_source(db, defined.file) {
            return None;
        }
        if let Some(metaclass) = defined.metaclass(db) {
            if !metaclass.ends_with("ABCMeta") {
                return None;
            }
            abstract_aware = true;
        }
        let resolved = class_bases(db, current);
        let text = defined.file.text(db);
        for base in defined.bases {
            let base_text = text
                .get(usize::from(base.start())..usize::from(base.end()))
                .unwrap_or("");
            if base_text.starts_with("metaclass") {
                continue;
            }
            let name = base_text.rsplit('.').next().unwrap_or(base_text);
            if resolved.iter().any(|class| class.name() == name) {
                continue;
            }
            if is_abc_base(base_text) {
                abstract_aware |= base_text.ends_with("ABC");
                continue;
            }
            return None;
        }
        if defined
            .decorator_names(db)
            .iter()
            .any(|name| !matches!(name.as_str(), "dataclass" | "total_ordering" | "final"))
        {
            return None;
        }
        defined_classes.push(defined);
    }
    if !abstract_aware {
        return None;
    }
    let mut abstract_names: Vec<String> = Vec::new();
    for defined in &defined_classes {
        for &id in &defined.index.scope(defined.body).definitions {
            let name = defined.index.definition(id).name.to_string();
            if !abstract_names.contains(&name) && is_abstract(db, defined, &name) {
                abstract_names.push(name);
            }
        }
    }
    let missing: Vec<String> = abstract_names
        .into_iter()
        .filter(|name| {
            // The first class along the MRO that defines the name decides.
            defined_classes
                .iter()
                .find(|defined| defined.defines(name))
                .is_some_and(|defined| is_abstract(db, defined, name))
        })
        .collect();
    Some(missing)
}

fn run(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        let mut tally = Tally {
            pruned: call.callee.pruned(),
            ..Tally::default()
        };
        let mut example: Option<(String, Vec<String>)> = None;
        for member in call.callee.members() {
            if super::is_from_parameter(context.db, member, run_call.is_some()) {
                // `cls()` in a classmethod of the base: called on concrete subclasses.
                tally.unknown += 1;
                continue;
            }
            match &member.value {
                Value::Class(class @ ClassRef::Defined { .. }) => {
                    match missing_methods(context.db, class) {
                        Some(missing) if !missing.is_empty() => {
                            tally.bad += 1;
                            example.get_or_insert((class.name().to_owned(), missing));
                        }
                        Some(_) => tally.good += 1,
                        None => tally.unknown += 1,
                    }
                }
                Value::Unknown => tally.unknown += 1,
                Value::None => {}
                _ => tally.good += 1,
            }
        }
        let Some((class_name, missing)) = example else {
            continue;
        };
        let range = call.range();
        if context.is_caught(range, "TypeError") {
            continue;
        }
        let methods = quoted_list(&missing);
        let noun = if missing.len() == 1 {
            "method"
        } else {
            "methods"
        };
        let message = format!(
            "Cannot instantiate abstract class `{class_name}`: abstract {noun} {methods} not implemented"
        );
        context.report_tally(
            "abstract-instantiation",
            range,
            tally,
            message,
            Vec::new(),
            run_call,
        );
        attach_parameters(
            context,
            "abstract-instantiation",
            range,
            vec![("class", class_name), ("methods", missing.join(", "))],
        );
    }
}
