//! Read requests: hover, definition, document symbols, pull diagnostics.

use std::sync::Arc;

use analysis::Analysis;
use analysis::ide::{DocumentSymbol as DomainSymbol, SymbolKind as DomainSymbolKind};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, FullDocumentDiagnosticReport,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location,
    RelatedFullDocumentDiagnosticReport, SymbolKind, Uri,
};

use crate::convert::position::{self, LineTable, PositionEncoding};
use crate::convert::{self, uri_to_path};
use crate::dispatch::read;
use crate::state::ServerState;

/// The analysis file of a document URI, with its text and line table.
fn file_context(analysis: &Analysis, uri: &Uri) -> Option<(analysis::FileId, Arc<str>, LineTable)> {
    let file = analysis.file_id(&uri_to_path(uri))?;
    let text = analysis.file_text(file);
    let lines = LineTable::new(&text);
    Some((file, text, lines))
}

pub async fn hover(state: &Arc<ServerState>, params: HoverParams) -> Result<Option<Hover>> {
    let encoding = state.encoding();
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    read(state, move |analysis| {
        let Some((file, text, lines)) = file_context(analysis, &uri) else {
            return Ok(None);
        };
        let offset = position::offset(&text, &lines, position, encoding);
        Ok(analysis.hover(file, offset)?.map(|result| Hover {
            contents: HoverContents::Markup(convert::markdown(result.markdown)),
            range: Some(position::range(&text, &lines, result.range, encoding)),
        }))
    })
    .await
}

pub async fn goto_definition(
    state: &Arc<ServerState>,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let encoding = state.encoding();
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    read(state, move |analysis| {
        let Some((file, text, lines)) = file_context(analysis, &uri) else {
            return Ok(None);
        };
        let offset = position::offset(&text, &lines, position, encoding);
        let mut locations = Vec::new();
        for target in analysis.goto_definition(file, offset)? {
            let Some(target_uri) = convert::path_to_uri(&target.path) else {
                continue;
            };
            let range = match analysis.file_id(&target.path) {
                Some(target_file) => {
                    let target_text = analysis.file_text(target_file);
                    let target_lines = LineTable::new(&target_text);
                    position::range(&target_text, &target_lines, target.focus_range, encoding)
                }
                None => Default::default(),
            };
            locations.push(Location {
                uri: target_uri,
                range,
            });
        }
        Ok(if locations.is_empty() {
            None
        } else {
            Some(GotoDefinitionResponse::Array(locations))
        })
    })
    .await
}

pub async fn document_symbol(
    state: &Arc<ServerState>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let encoding = state.encoding();
    let uri = params.text_document.uri;
    read(state, move |analysis| {
        let Some((file, text, lines)) = file_context(analysis, &uri) else {
            return Ok(None);
        };
        let symbols = analysis.document_symbols(file)?;
        let converted = symbols
            .iter()
            .map(|symbol| document_symbol_of(&text, &lines, encoding, symbol))
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(converted)))
    })
    .await
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
fn document_symbol_of(
    text: &str,
    lines: &LineTable,
    encoding: PositionEncoding,
    symbol: &DomainSymbol,
) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: None,
        kind: match symbol.kind {
            DomainSymbolKind::Module => SymbolKind::MODULE,
            DomainSymbolKind::Class => SymbolKind::CLASS,
            DomainSymbolKind::Function => SymbolKind::FUNCTION,
            DomainSymbolKind::Method => SymbolKind::METHOD,
            DomainSymbolKind::Variable => SymbolKind::VARIABLE,
            DomainSymbolKind::Constant => SymbolKind::CONSTANT,
        },
        tags: None,
        deprecated: None,
        range: position::range(text, lines, symbol.range, encoding),
        selection_range: position::range(text, lines, symbol.selection_range, encoding),
        children: Some(
            symbol
                .children
                .iter()
                .map(|child| document_symbol_of(text, lines, encoding, child))
                .collect(),
        ),
    }
}

pub async fn pull_diagnostics(
    state: &Arc<ServerState>,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let encoding = state.encoding();
    let uri = params.text_document.uri;
    let items = read(state, move |analysis| {
        let Some((file, text, lines)) = file_context(analysis, &uri) else {
            return Ok(Vec::new());
        };
        let findings = analysis.diagnostics(file)?;
        Ok(findings
            .iter()
            .map(|finding| convert::diagnostic(analysis, &text, &lines, encoding, finding))
            .collect())
    })
    .await?;
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        }),
    ))
}
