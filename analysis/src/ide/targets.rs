//! What a name occurrence refers to: definitions in this or other files (following
//! imports), modules, builtins.

use ::line_index::TextSize;

use crate::builtins::{BuiltinKind, builtin};
use crate::db::Db;
use crate::index::{
    DefinitionId, DefinitionKind, FileIndex, NameContext, NameRef, NameResolution, file_index,
};
use crate::input::SourceFile;
use crate::modules::{file_at, module_file, module_resolver};
use crate::resolve::ResolvedModule;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A definition in `file`.
    Definition {
        file: SourceFile,
        definition: DefinitionId,
    },
    Module(ResolvedModule),
    Builtin {
        name: String,
        kind: BuiltinKind,
    },
    /// An import whose module or name could not be found.
    UnresolvedImport {
        module: String,
        name: Option<String>,
    },
    Undefined {
        name: String,
    },
}

/// How many `from a import b` hops are followed before giving up (cycles, long re-export chains).
const MAX_IMPORT_HOPS: usize = 16;

/// The targets of the name occurrence at `offset`, with the occurrence itself.
pub(crate) fn targets_at(
    db: &dyn Db,
    file: SourceFile,
    offset: TextSize,
) -> Option<(NameRef, Vec<Target>)> {
    let index = file_index(db, file);
    let name_ref = index.name_ref_at(offset)?.clone();
    let definitions = match (name_ref.context, name_ref.definition) {
        (NameContext::Store, Some(definition)) => vec![definition],
        _ => match index.resolve_name(name_ref.scope, &name_ref.name, name_ref.range.start()) {
            NameResolution::Scope { definitions, .. } => definitions,
            NameResolution::Unbound => {
                let target = match builtin(&name_ref.name) {
                    Some(kind) => Target::Builtin {
                        name: name_ref.name.to_string(),
                        kind,
                    },
                    None => star_imported(db, file, &name_ref.name).unwrap_or_else(|| {
                        Target::Undefined {
                            name: name_ref.name.to_string(),
                        }
                    }),
                };
                return Some((name_ref, vec![target]));
            }
        },
    };
    let targets = definitions
        .into_iter()
        .map(|definition| Target::Definition { file, definition })
        .collect();
    Some((name_ref, targets))
}

/// Follows an import definition to what it imports; other definitions are returned as is.
pub(crate) fn follow_imports(db: &dyn Db, target: Target) -> Target {
    let mut current = target;
    for _ in 0..MAX_IMPORT_HOPS {
        let Target::Definition { file, definition } = current else {
            return current;
        };
        let index = file_index(db, file);
        let next = match &index.definition(definition).kind {
            DefinitionKind::Import { module, alias } => {
                // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
                let bound = if *alias {
                    module.as_str()
                } else {
                    module.split('.').next().unwrap_or(module)
                };
                match module_resolver(db).resolve(file.path(db), 0, bound) {
                    Some(resolved) => Target::Module(resolved),
                    None => Target::UnresolvedImport {
                        module: bound.to_owned(),
                        name: None,
                    },
                }
            }
            DefinitionKind::ImportFrom {
                level,
                module,
                name,
            } => {
                let resolver = module_resolver(db);
                let Some(resolved) = resolver.resolve(file.path(db), *level, module) else {
                    let dots = ".".repeat(*level as usize);
                    return Target::UnresolvedImport {
                        module: format!("{dots}{module}"),
                        name: Some(name.to_string()),
                    };
                };
                match module_file(db, &resolved)
                    .and_then(|target| module_level_definition(db, target, name))
                {
                    Some(next) => next,
                    None => match resolver.resolve_submodule(&resolved, name) {
                        Some(submodule) => Target::Module(submodule),
                        None => Target::UnresolvedImport {
                            module: module.clone(),
                            name: Some(name.to_string()),
                        },
                    },
                }
            }
            _ => return Target::Definition { file, definition },
        };
        current = next;
    }
    current
}

/// The definition a `from m import *` of `file` brings in for `name` (the last such
/// import exporting it).
fn star_imported(db: &dyn Db, file: SourceFile, name: &str) -> Option<Target> {
    crate::modules::star_import_sources(db, file)
        .into_iter()
        .rev()
        .filter(|source| crate::index::module_exports(db, *source).star_exports(name))
        .find_map(|source| module_level_definition(db, source, name))
}

/// The last module-level binding of `name` in `file`.
fn module_level_definition(db: &dyn Db, file: SourceFile, name: &str) -> Option<Target> {
    let index = file_index(db, file);
    let definition = index
        .definitions_in_scope(FileIndex::MODULE_SCOPE, name)
        .last()?;
    Some(Target::Definition { file, definition })
}

/// The file holding a resolved module, if it is known.
pub(crate) fn module_source(db: &dyn Db, module: &ResolvedModule) -> Option<SourceFile> {
    match module {
        ResolvedModule::File { path, .. } => file_at(db, path),
        ResolvedModule::Namespace { .. } => None,
    }
}
