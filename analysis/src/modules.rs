//! Salsa glue for module resolution: the resolver built from the workspace input, and
//! the resolution of every import of a file against other files' export summaries.

use std::path::Path;
use std::sync::Arc;

use crate::db::Db;
use crate::index::{file_index, module_exports};
use crate::input::SourceFile;
use crate::resolve::{ModuleResolver, ResolvedModule};

/// The resolver over every known file. Rebuilt when files are added or removed, equal
/// (and so backdated) when only texts change.
#[salsa::tracked(returns(ref))]
pub fn module_resolver(db: &dyn Db) -> Arc<ModuleResolver> {
    let workspace = db.workspace();
    let files = workspace.files(db);
    Arc::new(ModuleResolver::new(
        workspace.search_roots(db).clone(),
        files.keys().map(|path| path.to_path_buf()),
    ))
}

/// The known file at `path`.
pub fn file_at(db: &dyn Db, path: &Path) -> Option<SourceFile> {
    db.workspace().files(db).get(path).copied()
}

/// The file of a resolved module (its `__init__` for a package), if known.
pub fn module_file(db: &dyn Db, module: &ResolvedModule) -> Option<SourceFile> {
    match module {
        ResolvedModule::File { path, .. } => file_at(db, path),
        ResolvedModule::Namespace { .. } => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportTarget {
    /// The module could not be found.
    Unresolved,
    /// The module was found (and, for `from m import n`, `n` is a name or submodule of it).
    Module(ResolvedModule),
    /// `from m import n` where `m` was found but defines no `n` and has no submodule `n`.
    MissingName(ResolvedModule),
    /// `from m import n` where `n` is a submodule.
    Submodule(ResolvedModule),
}

/// The resolution of each import of `file`, in the order of `FileIndex::imports`.
#[salsa::tracked(returns(ref))]
pub fn import_targets(db: &dyn Db, file: SourceFile) -> Vec<ImportTarget> {
    resolve_import_targets(db, file, file_index(db, file))
}

/// [`import_targets`] of `file`, whose index is `index` (a summary may hold a private
/// one: see `index::SummarySyntax`).
pub(crate) fn resolve_import_targets(
    db: &dyn Db,
    file: SourceFile,
    index: &crate::index::FileIndex,
) -> Vec<ImportTarget> {
    let resolver = module_resolver(db);
    let path = file.path(db);
    index
        .imports
        .iter()
        .map(|import| {
            let Some(module) = resolver.resolve(path, import.level, &import.module) else {
                return ImportTarget::Unresolved;
            };
            let Some(name) = import.name.as_deref().filter(|&name| name != "*") else {
                return ImportTarget::Module(module);
            };
            if let Some(target) = module_file(db, &module) {
                let exports = module_exports(db, target);
                if exports.get(name).is_some()
                    || exports
                        .names
                        .iter()
                        .any(|exported| exported.name == "__getattr__")
                {
                    return ImportTarget::Module(module);
                }
                // A star import may re-export the name; do not claim it is missing.
                if !exports.star_imports.is_empty() {
                    return ImportTarget::Module(module);
                }
            }
            match resolver.resolve_submodule(&module, name) {
                Some(submodule) => ImportTarget::Submodule(submodule),
                None if module_file(db, &module).is_some() => ImportTarget::MissingName(module),
                // A namespace package without the submodule: nothing to look into.
                None => ImportTarget::MissingName(module),
            }
        })
        .collect()
}

/// The files the `from m import *` statements of `file` read, in source order
/// (unresolved ones and the file itself left out).
pub fn star_import_sources(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    file_index(db, file)
        .imports
        .iter()
        .zip(import_targets(db, file))
        .filter(|(import, _)| import.name.as_deref() == Some("*"))
        .filter_map(|(_, target)| match target {
            ImportTarget::Module(module) => module_file(db, module),
            _ => None,
        })
        .filter(|source| *source != file)
        .collect()
}

/// The dotted module name of every known file that has one, with its path, sorted by
/// name. Rules that list modules (submodule attributes, import suggestions) read this
/// instead of naming every file again for each question.
#[salsa::tracked(returns(ref))]
pub fn known_module_names(db: &dyn Db) -> Vec<(String, Arc<Path>)> {
    let resolver = module_resolver(db);
    let mut names: Vec<(String, Arc<Path>)> = db
        .workspace()
        .files(db)
        .keys()
        .filter_map(|path| Some((resolver.module_name(path)?, path.clone())))
        .collect();
    names.sort();
    names
}

/// The known modules whose dotted name starts with `prefix` (`"pkg."` for submodules).
pub fn known_modules_with_prefix<'db>(
    db: &'db dyn Db,
    prefix: &str,
) -> impl Iterator<Item = &'db (String, Arc<Path>)> {
    let names = known_module_names(db);
    let start = names.partition_point(|(name, _)| name.as_str() < prefix);
    names[start..]
        .iter()
        .take_while(move |(name, _)| name.starts_with(prefix))
}
