//! Code actions: verified healing patches per diagnostic, "fix all" for the safe ones,
//! and a suppression comment.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use analysis::Analysis;
use analysis::patches::{Applicability, Fix};
use analysis::text_edit::TextEdit;
use line_index::TextRange;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    Diagnostic, NumberOrString, TextEdit as LspTextEdit, Uri, WorkspaceEdit,
};

use crate::convert::position::{self, LineTable, PositionEncoding};
use crate::convert::{path_to_uri, uri_to_path};
use crate::dispatch::read_fresh_or_none;
use crate::state::{ServerState, lock};

/// The kind of the action applying every safe patch of a file.
pub const FIX_ALL_KIND: &str = "source.fixAll.remedy";

pub async fn code_action(
    state: &Arc<ServerState>,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let encoding = state.encoding();
    let roots = lock(&state.roots).clone();
    let uri = params.text_document.uri;
    let requested = params.context.only.clone();
    let wants = |kind: &CodeActionKind| {
        requested.as_ref().is_none_or(|only| {
            only.iter().any(|allowed| {
                kind.as_str() == allowed.as_str()
                    || kind.as_str().starts_with(&format!("{}.", allowed.as_str()))
            })
        })
    };
    let quick_fixes = wants(&CodeActionKind::QUICKFIX);
    let fix_all = wants(&CodeActionKind::from(FIX_ALL_KIND));
    let client_diagnostics = params.context.diagnostics;
    let lsp_range = params.range;
    let crashes = state.traceback_findings_for(&uri_to_path(&uri));
    let limited = state.is_limited(&uri);
    let requested_uri = uri.clone();
    let compute = move |analysis: &Analysis| {
        let path = uri_to_path(&uri);
        let Some(file) = analysis.file_id(&path) else {
            return Ok(None);
        };
        let text = analysis.file_text(file);
        let lines = LineTable::of(&text);
        let start = position::offset(&text, &lines, lsp_range.start, encoding);
        let end = position::offset(&text, &lines, lsp_range.end, encoding);
        let mut range = TextRange::new(start.min(end), start.max(end));
        // Clients send the diagnostics at the cursor's line, which may lie beside the
        // cursor: their fixes belong to this request too.
        for diagnostic in &client_diagnostics {
            if diagnostic.source.as_deref() != Some("remedy") {
                continue;
            }
            let start = position::offset(&text, &lines, diagnostic.range.start, encoding);
            let end = position::offset(&text, &lines, diagnostic.range.end, encoding);
            range = range.cover(TextRange::new(start.min(end), start.max(end)));
        }
        let converter = EditConverter {
            analysis,
            encoding,
            roots: &roots,
        };
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        if quick_fixes {
            for fix in analysis.fixes(file, range)? {
                let Some(edit) = converter.workspace_edit(&fix) else {
                    continue;
                };
                let diagnostic_range = position::range(&text, &lines, fix.finding_range, encoding);
                let diagnostics: Vec<Diagnostic> = client_diagnostics
                    .iter()
                    .filter(|diagnostic| {
                        diagnostic.range == diagnostic_range
                            && diagnostic.code == Some(NumberOrString::String(fix.rule.clone()))
                    })
                    .cloned()
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: title(&fix),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: (!diagnostics.is_empty()).then_some(diagnostics),
                    edit: Some(edit),
                    is_preferred: fix.preferred.then_some(true),
                    data: Some(serde_json::json!({
                        "fix": fix.fix_id,
                        "rule": fix.rule,
                        "applicability": fix.applicability.as_str(),
                    })),
                    ..Default::default()
                }));
            }
        }
        // Crashes placed by `remedy.healTraceback`: their patches, whatever the confidence
        // of the static finding on that line.
        if quick_fixes {
            for crash in &crashes {
                if crash.range.end() < range.start() || range.end() < crash.range.start() {
                    continue;
                }
                for fix in analysis.crash_fixes(file, &crash.rule, crash.range)? {
                    let Some(edit) = converter.workspace_edit(&fix) else {
                        continue;
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("Heal the crash: {}", title(&fix)),
                        kind: Some(CodeActionKind::QUICKFIX),
                        edit: Some(edit),
                        is_preferred: fix.preferred.then_some(true),
                        ..Default::default()
                    }));
                }
            }
        }
        if fix_all {
            let edits = analysis.fix_all(file, false)?;
            if !edits.is_empty() {
                if let Some(edit) = converter.single_file_edit(&path, &edits) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: "Remedy: apply every safe fix".to_owned(),
                        kind: Some(CodeActionKind::from(FIX_ALL_KIND)),
                        edit: Some(edit),
                        ..Default::default()
                    }));
                }
            }
        }
        Ok(Some(actions))
    };
    // A file over the limits gets no rules, so no fixes; an older tree has none either.
    read_fresh_or_none(state, &requested_uri, limited, compute).await
}

/// The fix's title, marked when applying it changes behaviour on the path that works.
fn title(fix: &Fix) -> String {
    match fix.applicability {
        Applicability::Unsafe => format!("{} (unsafe: changes behaviour)", fix.title),
        Applicability::Safe | Applicability::DisplayOnly => fix.title.clone(),
    }
}

struct EditConverter<'a> {
    analysis: &'a Analysis,
    encoding: PositionEncoding,
    roots: &'a [std::path::PathBuf],
}

impl EditConverter<'_> {
    /// The fix as a workspace edit; `None` when it would touch a file outside the
    /// workspace folders (or a file the analysis does not know).
    fn workspace_edit(&self, fix: &Fix) -> Option<WorkspaceEdit> {
        let mut changes: HashMap<Uri, Vec<LspTextEdit>> = HashMap::new();
        for file_edits in &fix.edits {
            let (uri, edits) = self.convert(&file_edits.path, &file_edits.edits)?;
            changes.insert(uri, edits);
        }
        Some(WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        })
    }

    fn single_file_edit(&self, path: &Path, edits: &[TextEdit]) -> Option<WorkspaceEdit> {
        let (uri, edits) = self.convert(path, edits)?;
        Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, edits)])),
            ..Default::default()
        })
    }

    fn convert(&self, path: &Path, edits: &[TextEdit]) -> Option<(Uri, Vec<LspTextEdit>)> {
        if !self.roots.is_empty() && !self.roots.iter().any(|root| path.starts_with(root)) {
            return None;
        }
        let file = self.analysis.file_id(path)?;
        let text = self.analysis.file_text(file);
        let lines = LineTable::of(&text);
        let uri = path_to_uri(path)?;
        let edits = edits
            .iter()
            .map(|edit| LspTextEdit {
                range: position::range(&text, &lines, edit.range, self.encoding),
                new_text: edit.insert.clone(),
            })
            .collect();
        Some((uri, edits))
    }
}
