//! Document and workspace notifications, the initial workspace scan and pushed
//! diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use analysis::Change;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileChangeType, NumberOrString, ProgressToken, Uri,
};

use crate::convert::position::LineTable;
use crate::convert::{self, uri_to_path};
use crate::dispatch::read;
use crate::state::{ServerState, lock};
use crate::workspace::{load_project, read_text};

pub fn did_open(state: &Arc<ServerState>, client: &Client, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let path = uri_to_path(&document.uri);
    state.open(document.uri.clone(), path, document.version, document.text);
    if *state.workspace_loading.borrow() {
        // The load refreshes every open document once it is done, this one included.
        return;
    }
    if !analyse_limited_document_after_edit(state, client, &document.uri, document.version) {
        schedule_diagnostics(state, client, document.uri, Some(document.version));
    }
}

pub fn did_change(state: &Arc<ServerState>, client: &Client, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let version = params.text_document.version;
    // A recorded crash no longer describes an edited file.
    lock(&state.traceback_findings).remove(uri_to_path(&uri).as_ref());
    if state
        .change(&uri, version, params.content_changes)
        .is_none()
    {
        tracing::warn!(
            uri = uri.as_str(),
            "didChange for a document that is not open; ignored"
        );
        return;
    }
    if !analyse_limited_document_after_edit(state, client, &uri, version) {
        schedule_diagnostics_after_edit(state, client, uri, version);
    }
}

/// Analyses `version` of a document over the analysis limits in the background once its
/// edits pause for [`EDIT_DEBOUNCE`], and returns `true`; returns `false` for any other
/// document. Requests about such a document start no computation until this analysis is
/// complete (`dispatch::read_within_budget`): they get the answers it keeps (symbols and
/// diagnostics) from the last version analysed. When it completes, a pulling client is
/// told to pull again, and a client that does not pull gets the diagnostics pushed.
///
/// In order: free the trees that the edits released (not earlier: it holds up the
/// allocator, and so the answers, for a quarter of a second), parse and index, drop the
/// replaced results (before the syntax-error search, whose scratch data would come on
/// top of them), then diagnostics and symbols. A computation cancelled by a write that
/// left this version the latest (another file changed) starts again.
fn analyse_limited_document_after_edit(
    state: &Arc<ServerState>,
    client: &Client,
    uri: &Uri,
    version: i32,
) -> bool {
    if !state.is_limited(uri) {
        return false;
    }
    let state = state.clone();
    let client = client.clone();
    let uri = uri.clone();
    tokio::spawn(async move {
        tokio::time::sleep(EDIT_DEBOUNCE).await;
        if state.document_version(&uri) != Some(version)
            || !state.begin_limited_analysis(&uri, version)
        {
            return;
        }
        analyse_limited_document(&state, &client, &uri, version).await;
        state.end_limited_analysis(&uri, version);
    });
    true
}

/// The background analysis of [`analyse_limited_document_after_edit`], for `version`.
async fn analyse_limited_document(
    state: &Arc<ServerState>,
    client: &Client,
    uri: &Uri,
    version: i32,
) {
    let is_current = |state: &ServerState| state.document_version(uri) == Some(version);
    let released = state.take_released_trees(uri);
    let _ = tokio::task::spawn_blocking(move || crate::state::free_trees(released)).await;
    for _attempt in 0..MAX_DIAGNOSTICS_ATTEMPTS {
        if !is_current(state) {
            return;
        }
        let parsed_path = uri_to_path(uri);
        let parsed = read(state, move |analysis| {
            match analysis.file_id(&parsed_path) {
                Some(file) => analysis.prepare(file),
                None => Ok(()),
            }
        })
        .await;
        match parsed {
            Ok(()) => {}
            Err(error) if is_cancellation(&error) => continue,
            Err(_) => return,
        }
        if !is_current(state) {
            return;
        }
        let releasing_state = state.clone();
        let _ =
            tokio::task::spawn_blocking(move || releasing_state.release_replaced_results()).await;
        let encoding = state.encoding();
        let crashes = state.traceback_findings_for(&uri_to_path(uri));
        let analysed_uri = uri.clone();
        let answers = read(state, move |analysis| {
            let diagnostics =
                super::document_diagnostics(analysis, &analysed_uri, encoding, crashes)?;
            let symbols = super::document_symbols(analysis, &analysed_uri, encoding)?;
            Ok((diagnostics, symbols))
        })
        .await;
        let (diagnostics, symbols) = match answers {
            Ok(answers) => answers,
            Err(error) if is_cancellation(&error) => continue,
            Err(_) => return,
        };
        // A newer edit analyses its own version.
        if !state.record_limited_analysis(uri, version, diagnostics.clone(), symbols) {
            return;
        }
        if state.pull_diagnostics.load(Ordering::Relaxed) {
            let _ = client.workspace_diagnostic_refresh().await;
        } else {
            client
                .publish_diagnostics(uri.clone(), diagnostics, Some(version))
                .await;
        }
        return;
    }
    tracing::warn!(
        uri = uri.as_str(),
        "the analysis of a document over the limits was cancelled too often; giving up"
    );
}

/// How long the diagnostics of an edited document wait for the next keystroke. While the
/// user types, the cores go to the requests that follow each edit (hover, completion)
/// instead of diagnostics that the next edit would cancel.
const EDIT_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(120);

/// [`schedule_diagnostics`] for `version` of an edited document, unless a newer edit
/// arrives within [`EDIT_DEBOUNCE`] (that edit schedules its own).
fn schedule_diagnostics_after_edit(
    state: &Arc<ServerState>,
    client: &Client,
    uri: Uri,
    version: i32,
) {
    if state.pull_diagnostics.load(Ordering::Relaxed) {
        return;
    }
    let state = state.clone();
    let client = client.clone();
    tokio::spawn(async move {
        tokio::time::sleep(EDIT_DEBOUNCE).await;
        if state.document_version(&uri) == Some(version) {
            schedule_diagnostics(&state, &client, uri, Some(version));
        }
    });
}

pub fn did_close(state: &Arc<ServerState>, client: &Client, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let path = uri_to_path(&uri);
    let disk_text = read_text(&path);
    if state.close(&uri, disk_text).is_some() && !state.pull_diagnostics.load(Ordering::Relaxed) {
        let client = client.clone();
        tokio::spawn(async move { client.publish_diagnostics(uri, Vec::new(), None).await });
    }
}

pub fn did_change_watched_files(
    state: &Arc<ServerState>,
    client: &Client,
    params: DidChangeWatchedFilesParams,
) {
    let mut change = Change::default();
    let mut config_changed = false;
    let mut rules_changed = false;
    for event in params.changes {
        let path = uri_to_path(&event.uri);
        if analysis::rules::user::is_user_rule_path(&path) {
            rules_changed = true;
            if event.typ == FileChangeType::DELETED {
                // The file's own diagnostics go with it.
                let client = client.clone();
                let uri = event.uri.clone();
                tokio::spawn(
                    async move { client.publish_diagnostics(uri, Vec::new(), None).await },
                );
            }
        }
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if name == "pyproject.toml" || name == "remedy.toml" {
            config_changed = true;
            continue;
        }
        if !is_analysed_file(&path) {
            continue;
        }
        if event.typ == FileChangeType::DELETED {
            change.remove_file(path);
        } else if let Some(text) = read_text(&path) {
            change.set_file(path, text);
        }
    }
    state.apply_from_disk(change);
    if config_changed {
        reload_configuration(state, client);
    }
    if rules_changed {
        publish_rule_file_diagnostics(state, client);
    }
    refresh_open_documents(state, client);
}

/// A saved user rule file is re-read from disk, like a watched change: clients that do
/// not watch files still reload their rules on save.
pub fn did_save(state: &Arc<ServerState>, client: &Client, params: DidSaveTextDocumentParams) {
    let uri = params.text_document.uri;
    let path = uri_to_path(&uri);
    if !analysis::rules::user::is_user_rule_path(&path) {
        return;
    }
    if let Some(text) = params.text.or_else(|| read_text(&path)) {
        let mut change = Change::default();
        change.set_file(path, text);
        // The saved text is the open document's text too: apply it whether open or not.
        state.apply(change);
    }
    publish_rule_file_diagnostics(state, client);
    refresh_open_documents(state, client);
}

/// Publishes the problems of every user rule file that is not open (open ones get their
/// diagnostics with the document's version), so an invalid rule shows on its file.
fn publish_rule_file_diagnostics(state: &Arc<ServerState>, client: &Client) {
    let state = state.clone();
    let client = client.clone();
    let encoding = state.encoding();
    let open: Vec<Arc<Path>> = state
        .open_documents()
        .into_iter()
        .map(|(_, path, _)| path)
        .collect();
    tokio::spawn(async move {
        let published = read(&state, move |analysis| {
            let mut published = Vec::new();
            for file in analysis.files() {
                let path = analysis.file_path(file);
                if !analysis::rules::user::is_user_rule_path(&path) || open.contains(&path) {
                    continue;
                }
                let Some(uri) = convert::path_to_uri(&path) else {
                    continue;
                };
                let text = analysis.file_text(file);
                let lines = LineTable::of(&text);
                let findings = analysis.diagnostics(file)?;
                let diagnostics =
                    convert::diagnostics(analysis, &text, &lines, encoding, &findings);
                published.push((uri, diagnostics));
            }
            Ok(published)
        })
        .await;
        for (uri, diagnostics) in published.unwrap_or_default() {
            client.publish_diagnostics(uri, diagnostics, None).await;
        }
    });
}

pub fn did_change_configuration(
    state: &Arc<ServerState>,
    client: &Client,
    params: DidChangeConfigurationParams,
) {
    if !params.settings.is_null() {
        *lock(&state.client_settings) = Some(params.settings);
    }
    reload_configuration(state, client);
    refresh_open_documents(state, client);
}

/// Files the analysis reads: Python sources, plugin manifests and user rule files.
fn is_analysed_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension == "py" || extension == "pyi")
        || path.file_name().is_some_and(|name| name == "plugin.json")
        || analysis::rules::user::is_user_rule_path(path)
}

/// Re-reads the configuration files and client settings of the first workspace root.
fn reload_configuration(state: &Arc<ServerState>, client: &Client) {
    let Some(root) = lock(&state.roots).first().cloned() else {
        return;
    };
    let settings = lock(&state.client_settings).clone();
    let layout = crate::project::discover(
        &root,
        settings.as_ref(),
        std::env::var_os("VIRTUAL_ENV").as_deref(),
    );
    publish_config_errors(client, &layout);
    state.apply(Change {
        config: Some(layout.config),
        ..Change::default()
    });
}

fn publish_config_errors(client: &Client, layout: &crate::project::ProjectLayout) {
    let mut by_file: std::collections::BTreeMap<PathBuf, Vec<analysis::config::ConfigError>> =
        Default::default();
    if let Some(source) = &layout.config_source {
        by_file.entry(source.clone()).or_default();
    }
    for (path, error) in &layout.config_errors {
        by_file.entry(path.clone()).or_default().push(error.clone());
    }
    for (path, errors) in by_file {
        let Some(uri) = convert::path_to_uri(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines = LineTable::new(&text);
        let encoding = crate::convert::position::PositionEncoding::Utf16;
        let diagnostics = errors
            .iter()
            .map(|error| {
                let range = error.range.unwrap_or_default();
                tower_lsp_server::ls_types::Diagnostic {
                    range: crate::convert::position::range(&text, &lines, range, encoding),
                    severity: Some(tower_lsp_server::ls_types::DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String("invalid-config".to_owned())),
                    source: Some("remedy".to_owned()),
                    message: format!("{} (defaults are used)", error.message),
                    ..Default::default()
                }
            })
            .collect();
        let client = client.clone();
        tokio::spawn(async move { client.publish_diagnostics(uri, diagnostics, None).await });
    }
}

/// Scans every workspace root, loads its files with `$/progress` reports, then
/// refreshes the diagnostics of open documents.
pub async fn load_workspace(state: Arc<ServerState>, client: Client) {
    /// Ends the load however the task ends (a panic in the loader included).
    struct Loaded(Arc<ServerState>);
    impl Drop for Loaded {
        fn drop(&mut self) {
            self.0.workspace_loading.send_replace(false);
        }
    }
    let loaded = Loaded(state.clone());
    let roots = lock(&state.roots).clone();
    if roots.is_empty() {
        return;
    }
    let token = ProgressToken::String("remedy/indexing".to_owned());
    let progress_supported = client
        .create_work_done_progress(token.clone())
        .await
        .is_ok();
    let progress = if progress_supported {
        Some(
            client
                .progress(token, "Remedy: indexing")
                .with_percentage(0)
                .begin()
                .await,
        )
    } else {
        None
    };
    let settings = lock(&state.client_settings).clone();
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
    let loader_state = state.clone();
    let loader = tokio::task::spawn_blocking(move || {
        let mut layouts = Vec::new();
        for root in roots {
            let loaded = load_project(&root, settings.as_ref(), |done, total| {
                let _ = sender.send((done, total));
            });
            loader_state.apply_from_disk(loaded.change);
            layouts.push(loaded.layout);
        }
        layouts
    });
    while let Some((done, total)) = receiver.recv().await {
        if let Some(progress) = &progress {
            let percent = if total == 0 {
                100
            } else {
                (done * 100 / total) as u32
            };
            progress
                .report_with_message(format!("{done}/{total} files"), percent)
                .await;
        }
    }
    let layouts = loader.await.unwrap_or_default();
    if let Some(progress) = progress {
        progress.finish_with_message("done").await;
    }
    for layout in &layouts {
        publish_config_errors(&client, layout);
    }
    drop(loaded);
    publish_rule_file_diagnostics(&state, &client);
    refresh_open_documents(&state, &client);
}

fn refresh_open_documents(state: &Arc<ServerState>, client: &Client) {
    if state.pull_diagnostics.load(Ordering::Relaxed) {
        // A pulling client asks again only when told to: its earlier pulls may have been
        // answered before this change, or cancelled by it (VS Code then shows nothing).
        let client = client.clone();
        tokio::spawn(async move {
            let _ = client.workspace_diagnostic_refresh().await;
        });
        return;
    }
    for (uri, _, version) in state.open_documents() {
        // A document over the limits is analysed in the background only (a computation
        // of its diagnostics here would build its tree beside the one being released).
        if !analyse_limited_document_after_edit(state, client, &uri, version) {
            schedule_diagnostics(state, client, uri, Some(version));
        }
    }
}

/// Computes and pushes the diagnostics of one document in the background (unless the
/// client pulls them). A computation cancelled by a newer edit of this document publishes
/// nothing: that edit scheduled its own. One cancelled by a write that leaves this
/// document as it was (another file opened or changed, the workspace loaded) starts again,
/// or those diagnostics would never arrive.
pub fn schedule_diagnostics(
    state: &Arc<ServerState>,
    client: &Client,
    uri: Uri,
    version: Option<i32>,
) {
    if state.pull_diagnostics.load(Ordering::Relaxed) {
        return;
    }
    let state = state.clone();
    let client = client.clone();
    let encoding = state.encoding();
    tokio::spawn(async move {
        let path = uri_to_path(&uri);
        let crashes = state.traceback_findings_for(&path);
        // A slower computation for an older version must not overwrite a newer one.
        let is_current =
            |state: &ServerState| version.is_none() || state.document_version(&uri) == version;
        for _attempt in 0..MAX_DIAGNOSTICS_ATTEMPTS {
            // Started during a burst of writes, the computation would be cancelled; more
            // at once than there are cores, they would only hold more memory.
            state.wait_until_quiet().await;
            let Ok(permit) = state.background_permits.acquire().await else {
                return;
            };
            if !is_current(&state) {
                return;
            }
            let path = path.clone();
            let crashes = crashes.clone();
            let diagnostics = read(&state, move |analysis| {
                let Some(file) = analysis.file_id(&path) else {
                    return Ok(None);
                };
                let text = analysis.file_text(file);
                let lines = LineTable::of(&text);
                let mut findings = analysis.diagnostics(file)?;
                findings.extend(crashes);
                Ok(Some(convert::diagnostics(
                    analysis, &text, &lines, encoding, &findings,
                )))
            })
            .await;
            drop(permit);
            match diagnostics {
                Ok(Some(diagnostics)) => {
                    if is_current(&state) {
                        client.publish_diagnostics(uri, diagnostics, version).await;
                        // Now, rather than in the next keystroke's write.
                        let idle_state = state.clone();
                        let _ = tokio::task::spawn_blocking(move || {
                            idle_state.free_replaced_results_when_idle()
                        })
                        .await;
                    }
                    return;
                }
                Ok(None) => return,
                Err(error) if is_cancellation(&error) && is_current(&state) => continue,
                Err(_) => return,
            }
        }
        tracing::warn!(
            uri = uri.as_str(),
            "diagnostics cancelled too often; giving up"
        );
    });
}

/// How often the diagnostics of an unchanged document start again after cancellations.
const MAX_DIAGNOSTICS_ATTEMPTS: usize = 1_000;

fn is_cancellation(error: &tower_lsp_server::jsonrpc::Error) -> bool {
    error.code == crate::dispatch::CONTENT_MODIFIED_CODE
}
