//! Read requests: hover, definition, document symbols, pull diagnostics.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use analysis::Analysis;
use analysis::ide::{DocumentSymbol as DomainSymbol, SymbolKind as DomainSymbolKind};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    Diagnostic, DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, FullDocumentDiagnosticReport,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport, SymbolKind,
    UnchangedDocumentDiagnosticReport, Uri,
};

use crate::convert::position::{self, LineTable, PositionEncoding};
use crate::convert::{self, uri_to_path};
use crate::dispatch::{
    LIMITED_ANSWER_BUDGET, read, read_document, read_fresh_or_none, read_within_budget,
};
use crate::state::ServerState;

/// The analysis file of a document URI, with its text and line table.
fn file_context(
    analysis: &Analysis,
    uri: &Uri,
) -> Option<(analysis::FileId, Arc<str>, Arc<LineTable>)> {
    let file = analysis.file_id(&uri_to_path(uri))?;
    let text = analysis.file_text(file);
    let lines = LineTable::of(&text);
    Some((file, text, lines))
}

pub async fn hover(state: &Arc<ServerState>, params: HoverParams) -> Result<Option<Hover>> {
    let encoding = state.encoding();
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    let limited = state.is_limited(&uri);
    let requested_uri = uri.clone();
    let compute = move |analysis: &Analysis| {
        let Some((file, text, lines)) = file_context(analysis, &uri) else {
            return Ok(None);
        };
        let offset = position::offset(&text, &lines, position, encoding);
        Ok(analysis.hover(file, offset)?.map(|result| Hover {
            contents: HoverContents::Markup(convert::markdown(result.markdown)),
            range: Some(position::range(&text, &lines, result.range, encoding)),
        }))
    };
    // No hover until the new tree is there: an older one may name another token.
    read_fresh_or_none(state, &requested_uri, limited, compute).await
}

pub async fn goto_definition(
    state: &Arc<ServerState>,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let encoding = state.encoding();
    let uri = params.text_document_position_params.text_document.uri;
    let position = params.text_document_position_params.position;
    let limited = state.is_limited(&uri);
    let requested_uri = uri.clone();
    let compute = move |analysis: &Analysis| {
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
                    let target_lines = LineTable::of(&target_text);
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
    };
    read_fresh_or_none(state, &requested_uri, limited, compute).await
}

pub async fn document_symbol(
    state: &Arc<ServerState>,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let encoding = state.encoding();
    let uri = params.text_document.uri;
    let limited = state.is_limited(&uri);
    let compute = {
        let uri = uri.clone();
        move |analysis: &Analysis| document_symbols(analysis, &uri, encoding)
    };
    if !limited {
        return read(state, compute).await;
    }
    let stale = || {
        state.with_limited(&uri, |document| {
            let document = document?;
            let Some(DocumentSymbolResponse::Nested(symbols)) = &document.symbols else {
                return None;
            };
            let lines = LineTable::new(&document.text);
            let moved = symbols
                .iter()
                .map(|symbol| clamp_symbol(&document.text, &lines, encoding, symbol.clone()))
                .collect();
            Some(DocumentSymbolResponse::Nested(moved))
        })
    };
    let fresh_state = state.clone();
    let fresh_uri = uri.clone();
    let on_fresh = move |symbols: &Option<DocumentSymbolResponse>| {
        fresh_state.with_limited(&fresh_uri, |document| {
            if let Some(document) = document {
                document.symbols = symbols.clone();
            }
        });
    };
    read_within_budget(state, &uri, LIMITED_ANSWER_BUDGET, compute, stale, on_fresh).await
}

/// The document symbols of `uri`, converted.
pub(crate) fn document_symbols(
    analysis: &Analysis,
    uri: &Uri,
    encoding: PositionEncoding,
) -> analysis::Cancellable<Option<DocumentSymbolResponse>> {
    let Some((file, text, lines)) = file_context(analysis, uri) else {
        return Ok(None);
    };
    let symbols = analysis.document_symbols(file)?;
    let converted = symbols
        .iter()
        .map(|symbol| document_symbol_of(&text, &lines, encoding, symbol))
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(converted)))
}

/// The diagnostics of `uri` with `crashes` added, converted.
pub(crate) fn document_diagnostics(
    analysis: &Analysis,
    uri: &Uri,
    encoding: PositionEncoding,
    crashes: Vec<analysis::ide::Diagnostic>,
) -> analysis::Cancellable<Vec<Diagnostic>> {
    let Some((file, text, lines)) = file_context(analysis, uri) else {
        return Ok(Vec::new());
    };
    let mut findings = analysis.diagnostics(file)?;
    findings.extend(crashes);
    Ok(convert::diagnostics(
        analysis, &text, &lines, encoding, &findings,
    ))
}

/// A symbol of an older text moved into `text`.
fn clamp_symbol(
    text: &str,
    lines: &LineTable,
    encoding: PositionEncoding,
    mut symbol: DocumentSymbol,
) -> DocumentSymbol {
    symbol.range = position::clamp_range(text, lines, symbol.range, encoding);
    symbol.selection_range = position::clamp_range(text, lines, symbol.selection_range, encoding);
    // The selection stays inside the range, as the specification asks.
    symbol.selection_range.start = symbol
        .selection_range
        .start
        .clamp(symbol.range.start, symbol.range.end);
    symbol.selection_range.end = symbol
        .selection_range
        .end
        .clamp(symbol.selection_range.start, symbol.range.end);
    symbol.children = symbol.children.map(|children| {
        children
            .into_iter()
            .map(|child| clamp_symbol(text, lines, encoding, child))
            .collect()
    });
    symbol
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

/// A diagnostic of an older text moved into `text`.
fn clamp_diagnostic(
    text: &str,
    lines: &LineTable,
    encoding: PositionEncoding,
    uri: &Uri,
    diagnostic: &Diagnostic,
) -> Diagnostic {
    let mut diagnostic = diagnostic.clone();
    diagnostic.range = position::clamp_range(text, lines, diagnostic.range, encoding);
    for related in diagnostic.related_information.iter_mut().flatten() {
        if &related.location.uri == uri {
            related.location.range =
                position::clamp_range(text, lines, related.location.range, encoding);
        }
    }
    diagnostic
}

pub async fn pull_diagnostics(
    state: &Arc<ServerState>,
    client: &tower_lsp_server::Client,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let encoding = state.encoding();
    let uri = params.text_document.uri;
    let crashes = state.traceback_findings_for(&uri_to_path(&uri));
    let limited = state.is_limited(&uri);
    let compute = {
        let uri = uri.clone();
        move |analysis: &Analysis| document_diagnostics(analysis, &uri, encoding, crashes)
    };
    let items = if limited {
        let answered_stale = Arc::new(AtomicBool::new(false));
        let stale = {
            let answered_stale = answered_stale.clone();
            let uri = uri.clone();
            move || {
                answered_stale.store(true, Ordering::SeqCst);
                state
                    .with_limited(&uri, |document| {
                        let document = document?;
                        let lines = LineTable::new(&document.text);
                        let moved = document
                            .diagnostics
                            .as_ref()?
                            .iter()
                            .map(|diagnostic| {
                                clamp_diagnostic(&document.text, &lines, encoding, &uri, diagnostic)
                            })
                            .collect();
                        Some(moved)
                    })
                    .unwrap_or_default()
            }
        };
        let fresh_state = state.clone();
        let client = client.clone();
        let fresh_uri = uri.clone();
        let on_fresh = move |items: &Vec<Diagnostic>| {
            fresh_state.with_limited(&fresh_uri, |document| {
                if let Some(document) = document {
                    document.diagnostics = Some(items.clone());
                }
            });
            // The client shows the stale answer until told to pull again.
            if answered_stale.load(Ordering::SeqCst) {
                tokio::spawn(async move {
                    let _ = client.workspace_diagnostic_refresh().await;
                });
            }
        };
        read_within_budget(state, &uri, LIMITED_ANSWER_BUDGET, compute, stale, on_fresh).await?
    } else {
        read_document(state, &uri, compute).await?
    };
    let result_id = state.diagnostics_result_id(&uri, &items);
    if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
        return Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id,
                },
            }),
        ));
    }
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items,
            },
        }),
    ))
}

/// The commands `workspace/executeCommand` accepts.
pub const COMMANDS: &[&str] = &[HEAL_TRACEBACK_COMMAND];
pub const HEAL_TRACEBACK_COMMAND: &str = "remedy.healTraceback";

/// `remedy.healTraceback [text]`: the traceback's crashes become diagnostics on their
/// lines (until the file is edited); answers with where they landed.
pub async fn execute_command(
    state: &Arc<ServerState>,
    client: &tower_lsp_server::Client,
    params: tower_lsp_server::ls_types::ExecuteCommandParams,
) -> Result<Option<serde_json::Value>> {
    if params.command != HEAL_TRACEBACK_COMMAND {
        return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
            "unknown command `{}` (known: {})",
            params.command,
            COMMANDS.join(", ")
        )));
    }
    let traceback = match params.arguments.first() {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Object(object)) => match object.get("traceback") {
            Some(serde_json::Value::String(text)) => text.clone(),
            _ => {
                return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                    "remedy.healTraceback expects the traceback text (or {\"traceback\": text})",
                ));
            }
        },
        _ => {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "remedy.healTraceback expects the traceback text as its first argument",
            ));
        }
    };
    let located = read(state, move |analysis| {
        let located = analysis.traceback_diagnostics(&traceback)?;
        Ok(located
            .into_iter()
            .map(|(file, crash)| (analysis.file_path(file), crash))
            .collect::<Vec<_>>())
    })
    .await?;
    let mut by_path: std::collections::HashMap<std::path::PathBuf, Vec<analysis::ide::Diagnostic>> =
        std::collections::HashMap::new();
    let mut answer = Vec::new();
    for (path, crash) in located {
        let rule = crash.rule.unwrap_or("runtime-crash");
        let message = if crash.message.is_empty() {
            format!("Crashed here at run time with {}", crash.exception)
        } else {
            format!(
                "Crashed here at run time with {}: {}",
                crash.exception, crash.message
            )
        };
        answer.push(serde_json::json!({
            "uri": convert::path_to_uri(&path).map(|uri| uri.as_str().to_owned()),
            "line": crash.line,
            "rule": crash.rule,
            "exception": crash.exception,
        }));
        by_path
            .entry(path.to_path_buf())
            .or_default()
            .push(analysis::ide::Diagnostic {
                rule: rule.to_owned(),
                message,
                range: crash.range,
                severity: analysis::ide::Severity::Error,
                confidence: analysis::config::Confidence::Definite,
                score: 100,
                exception: Some(crash.exception.clone()),
                docs_url: crash.rule.map(analysis::rules::rule_docs_url),
                related: Vec::new(),
            });
    }
    let touched: Vec<std::path::PathBuf> = {
        let mut recorded = crate::state::lock(&state.traceback_findings);
        let mut touched: Vec<std::path::PathBuf> = recorded.keys().cloned().collect();
        touched.extend(by_path.keys().cloned());
        *recorded = by_path;
        touched
    };
    if state
        .pull_diagnostics
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        let client = client.clone();
        tokio::spawn(async move {
            let _ = client.workspace_diagnostic_refresh().await;
        });
    } else {
        for path in touched {
            if let Some(uri) = convert::path_to_uri(&path) {
                let version = state.document_version(&uri);
                crate::handlers::schedule_diagnostics(state, client, uri, version);
            }
        }
    }
    Ok(Some(serde_json::Value::Array(answer)))
}
