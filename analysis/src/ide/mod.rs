//! IDE features over the analysis: plain domain data out (byte ranges, markdown
//! strings), never protocol types.

mod diagnostics;
mod hover;
mod inferred;
mod symbols;
mod targets;
mod traceback;
mod types;
pub(crate) mod values;

use std::sync::Arc;

use ::line_index::LineIndex;

use crate::db::Db;
use crate::input::SourceFile;
use crate::modules::module_resolver;

pub use diagnostics::{Diagnostic, RelatedLocation, Severity, diagnostics, syntax_diagnostics};
pub use hover::{HoverResult, hover};
pub use inferred::{InferredMember, InferredName, inferred_names};
pub use symbols::{
    DocumentSymbol, NavigationTarget, SymbolKind, document_symbols, goto_definition,
};
pub use traceback::{TracebackDiagnostic, traceback_diagnostics};
pub use types::{InferredType, TypeSubject, inferred_types};

/// Line starts of `file`, for offset ↔ line/column conversions.
#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

/// The dotted module name of `file`. Outside every search root, the name is built from
/// the enclosing packages (folders with an `__init__` file), as Python would name it if
/// the outermost package's parent were on the path.
pub fn module_name(db: &dyn Db, file: SourceFile) -> String {
    let path = file.path(db);
    if let Some(name) = module_resolver(db).module_name(path) {
        return name;
    }
    let files = db.workspace().files(db);
    let is_package = |dir: &std::path::Path| {
        files.contains_key(dir.join("__init__.py").as_path())
            || files.contains_key(dir.join("__init__.pyi").as_path())
    };
    let stem = path
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "<unknown>".to_owned());
    let mut parts = if stem == "__init__" {
        Vec::new()
    } else {
        vec![stem]
    };
    let mut dir = path.parent();
    while let Some(current) = dir {
        if !is_package(current) {
            break;
        }
        match current.file_name() {
            Some(name) => parts.push(name.to_string_lossy().into_owned()),
            None => break,
        }
        dir = current.parent();
    }
    if parts.is_empty() {
        return "<unknown>".to_owned();
    }
    parts.reverse();
    parts.join(".")
}
