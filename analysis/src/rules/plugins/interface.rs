//! `plugin-interface-incomplete` (a concrete `IPlugin` subclass lacks lifecycle methods the
//! host calls) and `plugin-factory-missing` (a plugin entry module has no `create_plugin()`).
//!
//! ```python
//! from qtforge.core import IPlugin
//!
//! class WeatherPlugin(IPlugin):        # plugin-interface-incomplete: no `activate`, …
//!     def name(self): return "weather"
//!     def initialize(self): return True
//!                                      # plugin-factory-missing: no `create_plugin()`
//! ```
//!
//! A class derives from the interface when one of its bases is written `IPlugin` (or
//! `something.IPlugin`), directly or through classes Remedy can resolve. Methods count from
//! every class of the MRO except the interface itself. Classes with an unresolved base (a
//! mixin from an unknown module may provide the methods), abstract-looking classes
//! (`Base…`, `Abstract…`, `…Mixin`, `abstractmethod`, `NotImplementedError`) and classes
//! subclassed in the same file are skipped. An entry module is a module named by a
//! `plugin.json` or one defining a concrete plugin class. Findings are definite: the
//! namespaces are known (a star import or `__getattr__` makes them open: no finding).

use line_index::TextRange;
use smol_str::SmolStr;

use super::manifest::plugin_manifests;
use super::tool_info::has_open_namespace;
use crate::config::Confidence;
use crate::db::Db;
use crate::index::{DefinitionId, DefinitionKind, FileIndex, file_index};
use crate::infer::{class_bases, class_mro};
use crate::rules::context::RuleContext;
use crate::rules::{Check, Finding};
use crate::values::ClassRef;

pub(super) const CHECK: Check = Check {
    rules: &["plugin-interface-incomplete", "plugin-factory-missing"],
    run,
};

/// The interface class name of the plugin hosts.
const INTERFACE: &str = "IPlugin";

/// The methods the host calls on every plugin: identity and lifecycle.
pub(crate) const REQUIRED_METHODS: &[&str] = &[
    "name",
    "version",
    "initialize",
    "activate",
    "deactivate",
    "cleanup",
];

fn run(context: &mut RuleContext<'_>) {
    let db = context.db;
    let file = context.file;
    let index = context.index;
    let classes: Vec<(DefinitionId, ClassRef)> = index
        .definitions
        .iter()
        .enumerate()
        .filter(|(_, definition)| matches!(definition.kind, DefinitionKind::Class { .. }))
        .map(|(at, _)| {
            let id = DefinitionId(at as u32);
            (
                id,
                ClassRef::Defined {
                    file,
                    path: index.path_of(id),
                },
            )
        })
        .collect();
    let mut plugins = Vec::new();
    for (id, class) in &classes {
        let definition = index.definition(*id);
        if definition.scope != FileIndex::MODULE_SCOPE || definition.name == INTERFACE {
            continue;
        }
        if !derives_from_interface(db, class, 0) || looks_abstract(context, *id) {
            continue;
        }
        let subclassed = classes
            .iter()
            .any(|(_, other)| other != class && class_bases(db, other).contains(class));
        if subclassed {
            continue;
        }
        plugins.push((*id, class.clone()));
    }
    for (id, class) in &plugins {
        interface_incomplete(context, *id, class);
    }
    factory_missing(context, plugins.first().map(|(id, _)| *id));
}

/// The base texts of a class defined in source (keyword arguments such as `metaclass=`
/// left out).
fn base_texts(db: &dyn Db, class: &ClassRef) -> Option<Vec<String>> {
    let ClassRef::Defined { file, path } = class else {
        return None;
    };
    let index = file_index(db, *file);
    let definition = index.definition(index.definition_at_path(path)?);
    let DefinitionKind::Class { bases, .. } = &definition.kind else {
        return None;
    };
    let text = file.text(db);
    Some(
        bases
            .iter()
            .filter_map(|range| text.get(usize::from(range.start())..usize::from(range.end())))
            .filter(|base| !base.contains('='))
            .map(str::to_owned)
            .collect(),
    )
}

fn is_interface_text(base: &str) -> bool {
    base == INTERFACE || base.ends_with(&format!(".{INTERFACE}"))
}

fn derives_from_interface(db: &dyn Db, class: &ClassRef, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let Some(bases) = base_texts(db, class) else {
        return false;
    };
    bases.iter().any(|base| is_interface_text(base))
        || class_bases(db, class)
            .iter()
            .any(|base| base.name() != INTERFACE && derives_from_interface(db, base, depth + 1))
}

/// Whether every base of every class in the MRO is known: resolved, the interface, or `object`.
fn hierarchy_is_known(db: &dyn Db, mro: &[ClassRef]) -> bool {
    mro.iter().all(|class| match class {
        ClassRef::Builtin(_) => true,
        ClassRef::Defined { .. } => {
            if class.name() == INTERFACE {
                return true;
            }
            let texts = base_texts(db, class).unwrap_or_default();
            let resolved = class_bases(db, class).len();
            let plain = texts
                .iter()
                .filter(|base| is_interface_text(base) || base.as_str() == "object")
                .count();
            resolved + plain >= texts.len()
        }
    })
}

fn looks_abstract(context: &RuleContext<'_>, id: DefinitionId) -> bool {
    let definition = context.index.definition(id);
    let name = definition.name.as_str();
    let body = context.slice(definition.node_range);
    name.starts_with("Base")
        || name.starts_with("Abstract")
        || name.ends_with("Base")
        || name.ends_with("Mixin")
        || body.contains("abstractmethod")
        || body.contains("NotImplementedError")
}

/// Names bound in the bodies of the MRO's classes (the interface itself excluded).
fn available_methods(db: &dyn Db, mro: &[ClassRef]) -> Vec<SmolStr> {
    let mut names = Vec::new();
    for class in mro {
        let ClassRef::Defined { file, path } = class else {
            continue;
        };
        if class.name() == INTERFACE {
            continue;
        }
        let index = file_index(db, *file);
        let Some(definition) = index.definition_at_path(path) else {
            continue;
        };
        let DefinitionKind::Class { body, .. } = index.definition(definition).kind else {
            continue;
        };
        for &member in &index.scope(body).definitions {
            names.push(index.definition(member).name.clone());
        }
    }
    names
}

fn interface_incomplete(context: &mut RuleContext<'_>, id: DefinitionId, class: &ClassRef) {
    let db = context.db;
    let mro = class_mro(db, class);
    if !hierarchy_is_known(db, &mro) {
        return;
    }
    let methods = available_methods(db, &mro);
    if methods.iter().any(|name| name == "__getattr__") {
        return;
    }
    let missing: Vec<&str> = REQUIRED_METHODS
        .iter()
        .copied()
        .filter(|required| !methods.iter().any(|name| name == required))
        .collect();
    if missing.is_empty() {
        return;
    }
    let definition = context.index.definition(id);
    let list = missing
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    context.report(Finding {
        rule: SmolStr::new_static("plugin-interface-incomplete"),
        range: definition.name_range,
        message: format!(
            "Plugin class `{}` lacks {list} of the `{INTERFACE}` interface: the host fails when it calls them",
            definition.name
        ),
        confidence: Confidence::Definite,
        score: 90,
        related: Vec::new(),
        fix_parameters: vec![
            (SmolStr::new_static("class"), definition.name.to_string()),
            (SmolStr::new_static("methods"), missing.join(",")),
        ],
    });
}

fn factory_missing(context: &mut RuleContext<'_>, first_plugin: Option<DefinitionId>) {
    let db = context.db;
    let file = context.file;
    let index = context.index;
    let manifest = plugin_manifests(db)
        .iter()
        .find(|entry| entry.entry == Some(file));
    if first_plugin.is_none() && manifest.is_none() {
        return;
    }
    if has_open_namespace(index)
        || index
            .definitions_in_scope(FileIndex::MODULE_SCOPE, "create_plugin")
            .any(|id| index.definition(id).kind.binds())
    {
        return;
    }
    let main_class = manifest.and_then(|entry| entry.main_class.as_deref());
    let anchor = first_plugin
        .or_else(|| {
            main_class.and_then(|name| {
                index
                    .definitions_in_scope(FileIndex::MODULE_SCOPE, name)
                    .next()
            })
        })
        .map(|id| index.definition(id).name_range);
    let range = anchor.unwrap_or_else(|| {
        let first_line = context.text.find('\n').unwrap_or(context.text.len());
        TextRange::up_to((first_line as u32).into())
    });
    let class_name = anchor
        .map(|range| context.slice(range).to_owned())
        .unwrap_or_else(|| "the plugin class".to_owned());
    context.report(Finding {
        rule: SmolStr::new_static("plugin-factory-missing"),
        range,
        message: format!(
            "Plugin module defines no `create_plugin()`: the host cannot instantiate {}",
            if anchor.is_some() {
                format!("`{class_name}`")
            } else {
                class_name.clone()
            }
        ),
        confidence: Confidence::Definite,
        score: 90,
        related: Vec::new(),
        fix_parameters: vec![(SmolStr::new_static("class"), class_name)],
    });
}
