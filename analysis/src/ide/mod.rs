//! IDE features over the analysis: plain domain data out (byte ranges, markdown
//! strings), never protocol types.

mod diagnostics;
mod hover;
mod symbols;
mod targets;

use std::sync::Arc;

use ::line_index::LineIndex;

use crate::db::Db;
use crate::input::SourceFile;
use crate::modules::module_resolver;

pub use diagnostics::{Diagnostic, Severity, diagnostics};
pub use hover::{HoverResult, hover};
pub use symbols::{
    DocumentSymbol, NavigationTarget, SymbolKind, document_symbols, goto_definition,
};

/// Line starts of `file`, for offset ↔ line/column conversions.
#[salsa::tracked(returns(ref))]
pub fn line_index(db: &dyn Db, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

/// The dotted module name of `file`, or its file stem when it lies outside every root.
pub fn module_name(db: &dyn Db, file: SourceFile) -> String {
    let path = file.path(db);
    module_resolver(db).module_name(path).unwrap_or_else(|| {
        path.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_else(|| "<unknown>".to_owned())
    })
}
