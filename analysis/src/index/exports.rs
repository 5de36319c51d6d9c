//! The range-free summary of what a module exports: the firewall between files.
//!
//! Other files depend on this summary, never on the index itself. It holds names and
//! kinds only, so edits inside a function body (which shift ranges) leave it equal and
//! salsa stops invalidation here.

use crate::db::Db;
use crate::input::SourceFile;

use super::{DefinitionKind, FileIndex, Name};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportKind {
    Function,
    Class,
    Variable,
    /// A name bound by `import` / `from … import`.
    Import,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExportedName {
    pub name: Name,
    pub kind: ExportKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleExports {
    /// Every module-level binding, sorted by name, one entry per name (the last binding wins).
    pub names: Vec<ExportedName>,
    pub dunder_all: Option<Vec<Name>>,
    /// `from m import *` sources: (level, module).
    pub star_imports: Vec<(u32, String)>,
    /// The module binds names no statement shows (`globals()` writes, `exec`, enum
    /// `_convert_`, `sys.modules` tricks) or computes `__all__`: its names are an open set.
    pub dynamic: bool,
}

impl ModuleExports {
    pub fn get(&self, name: &str) -> Option<&ExportedName> {
        self.names
            .binary_search_by(|exported| exported.name.as_str().cmp(name))
            .ok()
            .map(|at| &self.names[at])
    }

    /// The names `from m import *` binds: those `__all__` lists, else the public
    /// module-level names.
    pub fn star_names(&self) -> Vec<Name> {
        match &self.dunder_all {
            Some(all) => all.clone(),
            None => self
                .names
                .iter()
                .filter(|exported| !exported.name.starts_with('_'))
                .map(|exported| exported.name.clone())
                .collect(),
        }
    }

    /// Whether `from m import *` binds `name` (see [`Self::star_names`]).
    pub fn star_exports(&self, name: &str) -> bool {
        match &self.dunder_all {
            Some(all) => all.iter().any(|listed| listed == name),
            None => !name.starts_with('_') && self.get(name).is_some(),
        }
    }
}

#[salsa::tracked(returns(ref))]
pub fn module_exports(db: &dyn Db, file: SourceFile) -> ModuleExports {
    // The import-time events of every workspace file read the exports of what it
    // imports: a private parse unless the module's tree is in memory anyway.
    let syntax = super::summary_syntax(db, file);
    let index = syntax.index();
    let module = index.scope(FileIndex::MODULE_SCOPE);
    let mut names: Vec<ExportedName> = Vec::new();
    for &id in &module.definitions {
        let definition = index.definition(id);
        let kind = match definition.kind {
            DefinitionKind::Function { .. } => ExportKind::Function,
            DefinitionKind::Class { .. } => ExportKind::Class,
            DefinitionKind::Import { .. } | DefinitionKind::ImportFrom { .. } => ExportKind::Import,
            _ => ExportKind::Variable,
        };
        names.push(ExportedName {
            name: definition.name.clone(),
            kind,
        });
    }
    // Keep the last binding of each name: stable sort by name, then dedup from the back.
    names.reverse();
    names.sort_by(|left, right| left.name.cmp(&right.name));
    names.dedup_by(|later, earlier| later.name == earlier.name);
    let star_imports = index
        .imports
        .iter()
        .filter(|import| import.name.as_deref() == Some("*"))
        .map(|import| (import.level, import.module.clone()))
        .collect();
    let text = file.text(db);
    let computed_all =
        index.dunder_all.is_none() && names.iter().any(|exported| exported.name == "__all__");
    ModuleExports {
        names,
        dunder_all: index.dunder_all.clone(),
        star_imports,
        dynamic: computed_all || binds_names_dynamically(text),
    }
}

/// Whether the module text binds globals behind the index's back, or extends `__all__`.
fn binds_names_dynamically(text: &str) -> bool {
    const MARKERS: &[&str] = &[
        "globals()",
        "exec(",
        "__builtins__",
        "sys.modules",
        "._convert_(",
        "vars()[",
        "__all__.extend",
        "__all__.append",
        "__all__ +=",
        "__all__ = __all__",
        // `enum.global_enum` copies the members into the module's globals.
        "global_enum",
    ];
    MARKERS.iter().any(|marker| text.contains(marker))
}
