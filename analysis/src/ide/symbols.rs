//! Document symbols (the outline) and go-to-definition.

use std::path::Path;
use std::sync::Arc;

use ::line_index::{TextRange, TextSize};

use crate::db::Db;
use crate::index::{DefinitionKind, FileIndex, ScopeId, ScopeKind, file_index};
use crate::input::SourceFile;
use crate::resolve::ResolvedModule;

use super::targets::{Target, follow_imports, module_source, targets_at};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Module,
    Class,
    Function,
    Method,
    Variable,
    Constant,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The whole definition.
    pub range: TextRange,
    /// The name.
    pub selection_range: TextRange,
    pub children: Vec<DocumentSymbol>,
}

/// The outline of `file`: classes, functions and module/class-level variables, nested.
pub fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<DocumentSymbol> {
    let index = file_index(db, file);
    symbols_of_scope(index, FileIndex::MODULE_SCOPE)
}

fn symbols_of_scope(index: &FileIndex, scope: ScopeId) -> Vec<DocumentSymbol> {
    // Iterative over scopes would need parent links in the output; nesting depth of
    // defs is bounded by Python's own parser limits (~100 levels), so recursion is fine
    // here only because it follows `def`/`class` nesting, not expression nesting.
    let scope_data = index.scope(scope);
    let mut symbols: Vec<DocumentSymbol> = Vec::new();
    let mut seen_variables: Vec<&str> = Vec::new();
    for &id in &scope_data.definitions {
        let definition = index.definition(id);
        let (kind, children) = match &definition.kind {
            DefinitionKind::Function { body, .. } => {
                let kind = if scope_data.kind == ScopeKind::Class {
                    SymbolKind::Method
                } else {
                    SymbolKind::Function
                };
                (kind, symbols_of_scope(index, *body))
            }
            DefinitionKind::Class { body, .. } => {
                (SymbolKind::Class, symbols_of_scope(index, *body))
            }
            DefinitionKind::Assignment | DefinitionKind::Annotation | DefinitionKind::TypeAlias
                if matches!(scope_data.kind, ScopeKind::Module | ScopeKind::Class) =>
            {
                if seen_variables.contains(&definition.name.as_str()) {
                    continue;
                }
                seen_variables.push(definition.name.as_str());
                let is_constant = definition
                    .name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
                (
                    if is_constant {
                        SymbolKind::Constant
                    } else {
                        SymbolKind::Variable
                    },
                    Vec::new(),
                )
            }
            _ => continue,
        };
        symbols.push(DocumentSymbol {
            name: definition.name.to_string(),
            kind,
            range: definition.node_range.cover(definition.name_range),
            selection_range: definition.name_range,
            children,
        });
    }
    symbols
}

/// A place to jump to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavigationTarget {
    pub path: Arc<Path>,
    /// The whole definition (empty at the file start for modules).
    pub range: TextRange,
    /// The name to select.
    pub focus_range: TextRange,
}

/// Where the name at `offset` is defined, following imports to their source.
pub fn goto_definition(db: &dyn Db, file: SourceFile, offset: TextSize) -> Vec<NavigationTarget> {
    let Some((_, targets)) = targets_at(db, file, offset) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for target in targets {
        match follow_imports(db, target) {
            Target::Definition { file, definition } => {
                let data = file_index(db, file).definition(definition);
                found.push(NavigationTarget {
                    path: file.path(db).clone(),
                    range: data.node_range.cover(data.name_range),
                    focus_range: data.name_range,
                });
            }
            Target::Module(module) => {
                if let Some(module_file) = module_source(db, &module) {
                    let empty = TextRange::empty(TextSize::from(0));
                    found.push(NavigationTarget {
                        path: module_file.path(db).clone(),
                        range: empty,
                        focus_range: empty,
                    });
                } else if let ResolvedModule::File { path, .. } = module {
                    let empty = TextRange::empty(TextSize::from(0));
                    found.push(NavigationTarget {
                        path: Arc::from(path.as_path()),
                        range: empty,
                        focus_range: empty,
                    });
                }
            }
            Target::Builtin { .. } | Target::UnresolvedImport { .. } | Target::Undefined { .. } => {
            }
        }
    }
    found.dedup();
    found
}
