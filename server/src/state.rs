//! Server state: the single writer (the analysis host), open documents with their
//! versions, and the negotiated protocol options.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use analysis::text_edit::TextEdit;
use analysis::{Analysis, AnalysisHost, Change};
use tower_lsp_server::ls_types::{
    Diagnostic, DocumentSymbolResponse, TextDocumentContentChangeEvent, Uri,
};

use crate::convert::position::{LineTable, PositionEncoding, text_range};

/// One open document: what the client believes the text is.
pub struct Document {
    pub path: Arc<Path>,
    pub version: i32,
}

/// An open document over the analysis limits (see `analysis::limits`): its parse and
/// index take a second, so it is analysed in the background once its edits pause
/// (`handlers::analyse_limited_document_after_edit`). Until that analysis of its latest
/// version is complete, its requests get the last complete answers, moved into the
/// latest text, at once and without starting a computation
/// (`dispatch::read_within_budget`).
pub struct LimitedDocument {
    /// The latest text, kept here so that a stale answer never waits for a write.
    pub text: Arc<str>,
    /// The version of `text`.
    pub version: i32,
    /// The version whose background analysis completed, if any.
    pub analysed_version: Option<i32>,
    /// The version whose background analysis is running, if any: a second one for the
    /// same version (a refresh of the open documents) would cancel the first at every
    /// step, and be cancelled by it, for ever.
    analysing_version: Option<i32>,
    pub symbols: Option<DocumentSymbolResponse>,
    pub diagnostics: Option<Vec<Diagnostic>>,
    /// Trees of older texts that edits released, freed by the next background analysis
    /// before it parses: freeing and returning ~120 MB to the system takes a quarter of
    /// a second, during which the allocator's lock holds up the answers of the server
    /// (the request right after an edit waited for it).
    released: Vec<analysis::ReleasedTrees>,
}

pub struct ServerState {
    host: Mutex<AnalysisHost>,
    documents: Mutex<HashMap<Uri, Document>>,
    pub encoding: Mutex<PositionEncoding>,
    pub pull_diagnostics: std::sync::atomic::AtomicBool,
    pub roots: Mutex<Vec<PathBuf>>,
    pub client_settings: Mutex<Option<serde_json::Value>>,
    /// Crashes from the last `remedy.healTraceback`, by file, until the file is edited.
    pub traceback_findings: Mutex<HashMap<PathBuf, Vec<analysis::ide::Diagnostic>>>,
    /// Open documents over the analysis limits. Locked last, and never while waiting.
    limited: Mutex<HashMap<Uri, LimitedDocument>>,
    /// Reads that hold, or are about to take, a snapshot (`dispatch::read`).
    reads_in_flight: std::sync::atomic::AtomicUsize,
    /// When the analysis inputs last changed (see [`ServerState::wait_until_quiet`]).
    last_write: Mutex<std::time::Instant>,
    /// A write happened since the results it made the reads replace were last freed
    /// (see [`ServerState::free_replaced_results_after_reads`]).
    replaced_since_free: std::sync::atomic::AtomicBool,
    /// Background diagnostics computing at once: one per core (see
    /// `handlers::schedule_diagnostics`).
    pub background_permits: tokio::sync::Semaphore,
    /// `true` while the workspace's files are read from disk (see
    /// [`ServerState::wait_until_quiet`]).
    pub workspace_loading: tokio::sync::watch::Sender<bool>,
    /// The last diagnostics pulled for each document, with their result id (see
    /// [`ServerState::diagnostics_result_id`]).
    pulled: Mutex<HashMap<Uri, PulledDiagnostics>>,
    /// Result ids are this prefix (unique to the process) and a counter.
    result_ids: (String, std::sync::atomic::AtomicU64),
}

/// What [`ServerState::pulled`] keeps of a document's last pulled diagnostics.
struct PulledDiagnostics {
    result_id: String,
    items: Vec<tower_lsp_server::ls_types::Diagnostic>,
}

/// Counts one read in [`ServerState::reads_in_flight`] while it lives.
pub struct ReadInFlight<'state>(&'state ServerState);

impl Drop for ReadInFlight<'_> {
    fn drop(&mut self) {
        self.0
            .reads_in_flight
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: every writer
/// leaves the guarded data consistent between statements.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ServerState {
    pub fn new() -> Self {
        ServerState {
            host: Mutex::new({
                // Only for the documents the user edits (see `ServerState::change`):
                // opening a session's files analyses each revision once.
                let mut host = AnalysisHost::new();
                host.set_reuse_across_edits(false);
                host
            }),
            documents: Mutex::new(HashMap::new()),
            encoding: Mutex::new(PositionEncoding::Utf16),
            pull_diagnostics: Default::default(),
            roots: Mutex::new(Vec::new()),
            client_settings: Mutex::new(None),
            traceback_findings: Mutex::new(HashMap::new()),
            limited: Mutex::new(HashMap::new()),
            reads_in_flight: Default::default(),
            last_write: Mutex::new(std::time::Instant::now()),
            replaced_since_free: Default::default(),
            background_permits: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |cores| cores.get()),
            ),
            workspace_loading: tokio::sync::watch::Sender::new(false),
            pulled: Mutex::new(HashMap::new()),
            result_ids: (
                format!(
                    "{}-{}-",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |since| since.as_nanos())
                ),
                Default::default(),
            ),
        }
    }

    /// The result id of `items`, the diagnostics just computed for `uri`: the id of the
    /// last pull when they are equal to its items, a new one otherwise. A client that
    /// sends it back as `previousResultId` gets an `unchanged` report instead of the
    /// items again (VS Code pulls every open document after any change). The prefix
    /// keeps the ids of an earlier server process from matching.
    pub fn diagnostics_result_id(
        &self,
        uri: &Uri,
        items: &[tower_lsp_server::ls_types::Diagnostic],
    ) -> String {
        let mut pulled = lock(&self.pulled);
        if let Some(last) = pulled.get(uri)
            && last.items == items
        {
            return last.result_id.clone();
        }
        let number = self
            .result_ids
            .1
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let result_id = format!("{}{number}", self.result_ids.0);
        pulled.insert(
            uri.clone(),
            PulledDiagnostics {
                result_id: result_id.clone(),
                items: items.to_vec(),
            },
        );
        result_id
    }

    /// Returns once the workspace is loaded and the inputs have not changed for
    /// [`QUIET_PERIOD`]. A write cancels every computation in flight and waits for them
    /// to stop, so work started during a burst of writes (an editor opening its
    /// session's files) is thrown away, and it slows the burst down: on the 167 files of
    /// the standard library, sending the `didOpen`s took 2–3 s with diagnostics starting
    /// after each. Work started before the workspace is loaded is thrown away too, and
    /// would find the imports unresolved.
    pub async fn wait_until_quiet(&self) {
        let mut loading = self.workspace_loading.subscribe();
        let _ = loading.wait_for(|loading| !loading).await;
        loop {
            let quiet_for = lock(&self.last_write).elapsed();
            if quiet_for >= QUIET_PERIOD {
                return;
            }
            tokio::time::sleep(QUIET_PERIOD - quiet_for).await;
        }
    }

    fn note_write(&self) {
        *lock(&self.last_write) = std::time::Instant::now();
        self.replaced_since_free
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Called when a read ends: once no read is in flight after a write, frees what the
    /// reads since the write replaced (the previous revision's index, module inference,
    /// tree of the edited file) on the blocking pool, instead of in the next keystroke's
    /// write, which the hover behind it waits for (lspbench edit scenario, two
    /// interleaved pairs: `didChange` applied in p50 / p95 1.5–1.7 / 5.1–6.6 ms before,
    /// 0.56 / 0.8–1.5 ms after).
    pub fn free_replaced_results_after_reads(self: &Arc<Self>) {
        use std::sync::atomic::Ordering;
        if self.reads_in_flight.load(Ordering::SeqCst) != 0
            || !self.replaced_since_free.swap(false, Ordering::SeqCst)
        {
            return;
        }
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            if !state.free_replaced_results_when_idle() {
                // A read started meanwhile; the one that ends last frees them.
                state.replaced_since_free.store(true, Ordering::SeqCst);
            }
        });
    }

    /// Marks a read in flight until the guard drops: take it before the snapshot and
    /// drop it after the snapshot (see [`ServerState::free_replaced_results_when_idle`]).
    pub fn read_in_flight(&self) -> ReadInFlight<'_> {
        self.reads_in_flight
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        ReadInFlight(self)
    }

    /// Frees the results that the last computations replaced, unless a read is in flight,
    /// and returns whether it did. Salsa frees them in the next write otherwise: after the
    /// diagnostics of a new version (every scope of the file inferred again), the next
    /// keystroke's `didChange`, and the hover behind it, waited for that (0.7–2.2 s for
    /// the first edit after the workspace loaded). Here it happens while nobody waits:
    /// no snapshot exists (a read takes its snapshot under the host lock held here, after
    /// counting itself in flight), so nothing is cancelled. The memory stays with the
    /// allocator for the next computations (no `malloc_trim`).
    pub fn free_replaced_results_when_idle(&self) -> bool {
        let mut host = lock(&self.host);
        if self
            .reads_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
            != 0
        {
            return false;
        }
        let started = std::time::Instant::now();
        host.evict_least_recently_used();
        tracing::debug!(elapsed = ?started.elapsed(), "replaced results freed while idle");
        true
    }

    /// Records the latest text of an open document, and whether it is over the limits.
    fn note_text(&self, uri: &Uri, version: i32, text: &str) {
        let mut limited = lock(&self.limited);
        if analysis::limits::limit_message(text).is_none() {
            if let Some(document) = limited.remove(uri) {
                document.released.into_iter().for_each(drop_off_thread);
            }
            return;
        }
        let text = Arc::from(text);
        match limited.get_mut(uri) {
            Some(document) => {
                document.text = text;
                document.version = version;
            }
            None => {
                limited.insert(
                    uri.clone(),
                    LimitedDocument {
                        text,
                        version,
                        analysed_version: None,
                        analysing_version: None,
                        symbols: None,
                        diagnostics: None,
                        released: Vec::new(),
                    },
                );
            }
        }
    }

    /// Whether `uri` is a document over the analysis limits whose latest version has
    /// been analysed: only then may a request about it start a computation.
    pub fn has_current_analysis(&self, uri: &Uri) -> bool {
        lock(&self.limited)
            .get(uri)
            .is_some_and(|document| document.analysed_version == Some(document.version))
    }

    /// Claims the background analysis of `version` of a document over the limits;
    /// `false` when one is already running for that version (or the document is not
    /// over the limits). The claim ends with [`ServerState::end_limited_analysis`].
    pub fn begin_limited_analysis(&self, uri: &Uri, version: i32) -> bool {
        let mut limited = lock(&self.limited);
        let Some(document) = limited.get_mut(uri) else {
            return false;
        };
        if document.analysing_version == Some(version) {
            return false;
        }
        document.analysing_version = Some(version);
        true
    }

    /// Ends the claim of [`ServerState::begin_limited_analysis`].
    pub fn end_limited_analysis(&self, uri: &Uri, version: i32) {
        if let Some(document) = lock(&self.limited).get_mut(uri)
            && document.analysing_version == Some(version)
        {
            document.analysing_version = None;
        }
    }

    /// Records the answers of the complete background analysis of `version` of a
    /// document over the limits. Returns `false`, recording nothing, when that version is
    /// no longer the latest (a newer edit analyses its own).
    pub fn record_limited_analysis(
        &self,
        uri: &Uri,
        version: i32,
        diagnostics: Vec<Diagnostic>,
        symbols: Option<DocumentSymbolResponse>,
    ) -> bool {
        let mut limited = lock(&self.limited);
        let Some(document) = limited
            .get_mut(uri)
            .filter(|document| document.version == version)
        else {
            return false;
        };
        document.diagnostics = Some(diagnostics);
        document.symbols = symbols;
        document.analysed_version = Some(version);
        true
    }

    /// Takes the trees released by the edits of a document over the limits (see
    /// [`LimitedDocument::released`]), to be freed with [`free_trees`].
    pub fn take_released_trees(&self, uri: &Uri) -> Vec<analysis::ReleasedTrees> {
        lock(&self.limited)
            .get_mut(uri)
            .map(|document| std::mem::take(&mut document.released))
            .unwrap_or_default()
    }

    /// Whether `uri` is an open document over the analysis limits.
    pub fn is_limited(&self, uri: &Uri) -> bool {
        lock(&self.limited).contains_key(uri)
    }

    /// Reads (`f(None)` when `uri` is not a limited document) or updates the record of a
    /// document over the limits.
    pub fn with_limited<T>(
        &self,
        uri: &Uri,
        f: impl FnOnce(Option<&mut LimitedDocument>) -> T,
    ) -> T {
        f(lock(&self.limited).get_mut(uri))
    }

    /// The traceback crashes recorded for `path`.
    pub fn traceback_findings_for(&self, path: &std::path::Path) -> Vec<analysis::ide::Diagnostic> {
        lock(&self.traceback_findings)
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    pub fn encoding(&self) -> PositionEncoding {
        *lock(&self.encoding)
    }

    pub fn snapshot(&self) -> Analysis {
        lock(&self.host).analysis()
    }

    /// Frees the results that the last computations replaced (salsa keeps them until the
    /// next write): after a reparse of a huge file that reused little of the previous
    /// tree, the two trees would otherwise stay in memory together. Like a write, it
    /// cancels the running reads and waits for them; unlike one, it changes no input, so
    /// nothing is computed again.
    pub fn release_replaced_results(&self) {
        let started = std::time::Instant::now();
        lock(&self.host).evict_least_recently_used();
        let evicted = started.elapsed();
        return_free_memory();
        tracing::debug!(?evicted, total = ?started.elapsed(), "replaced results released");
    }

    pub fn apply(&self, change: Change) {
        let mut host = lock(&self.host);
        host.apply_change(change);
        self.note_write();
        drop_off_thread(host.take_released_trees());
    }

    pub fn document_version(&self, uri: &Uri) -> Option<i32> {
        lock(&self.documents)
            .get(uri)
            .map(|document| document.version)
    }

    pub fn open_documents(&self) -> Vec<(Uri, Arc<Path>, i32)> {
        lock(&self.documents)
            .iter()
            .map(|(uri, document)| (uri.clone(), document.path.clone(), document.version))
            .collect()
    }

    pub fn open(&self, uri: Uri, path: Arc<Path>, version: i32, text: String) {
        let mut documents = lock(&self.documents);
        self.note_text(&uri, version, &text);
        let mut change = Change::default();
        change.set_file(path.clone(), text);
        self.apply(change);
        documents.insert(uri, Document { path, version });
    }

    /// Applies content changes in order. Called synchronously from the notification
    /// handler, before any `.await`, so changes are applied in arrival order.
    /// Returns the document path, or `None` for a document that is not open.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Option<Arc<Path>> {
        let mut documents = lock(&self.documents);
        let document = documents.get_mut(uri)?;
        if version <= document.version {
            tracing::warn!(
                uri = uri.as_str(),
                version,
                known = document.version,
                "didChange with a stale version"
            );
        }
        document.version = version;
        let encoding = self.encoding();
        let started = std::time::Instant::now();
        let mut host = lock(&self.host);
        // Typing has begun in this document: from now on its inference keeps what
        // survives edits elsewhere in it (turning that on re-runs its inference once, as
        // this edit does anyway; the other files' inference stays as it is).
        host.set_reuse_across_edits_for(&document.path, true);
        let Some(file) = host.file_id(&document.path) else {
            return Some(document.path.clone());
        };
        let current = host.file_text(file);
        let mut text = current.to_string();
        let mut edits = Vec::with_capacity(changes.len());
        let mut full_text = None;
        for (at, content_change) in changes.into_iter().enumerate() {
            match content_change.range {
                Some(range) => {
                    // The first change applies to the analysis text, whose table the
                    // requests before it built.
                    let lines = if at == 0 {
                        LineTable::of(&current)
                    } else {
                        Arc::new(LineTable::new(&text))
                    };
                    let range = text_range(&text, &lines, range, encoding);
                    let byte_range =
                        u32::from(range.start()) as usize..u32::from(range.end()) as usize;
                    text.replace_range(byte_range, &content_change.text);
                    edits.push(TextEdit::replace(range, content_change.text));
                }
                None => {
                    // A full replacement discards earlier edits of this batch.
                    edits.clear();
                    text = content_change.text;
                    full_text = Some(text.clone());
                }
            }
        }
        self.note_text(uri, version, &text);
        let mut change = Change::default();
        if let Some(full_text) = full_text {
            change.set_file(document.path.clone(), full_text);
        }
        if !edits.is_empty() {
            change.edit_file(document.path.clone(), edits);
        }
        host.apply_change(change);
        self.note_write();
        let applied = started.elapsed();
        let released = host.take_released_trees();
        drop(host);
        if !released.is_empty() {
            let mut limited = lock(&self.limited);
            match limited.get_mut(uri) {
                Some(document) => document.released.push(released),
                None => drop_off_thread(released),
            }
        }
        tracing::debug!(version, ?applied, elapsed = ?started.elapsed(), "didChange applied");
        Some(document.path.clone())
    }

    /// Forgets an open document; its analysis text goes back to `disk_text` (or the file
    /// is dropped when it does not exist on disk).
    pub fn close(&self, uri: &Uri, disk_text: Option<String>) -> Option<Arc<Path>> {
        let document = lock(&self.documents).remove(uri)?;
        lock(&self.pulled).remove(uri);
        if let Some(limited) = lock(&self.limited).remove(uri) {
            limited.released.into_iter().for_each(drop_off_thread);
        }
        let mut change = Change::default();
        match disk_text {
            Some(text) => change.set_file(document.path.clone(), text),
            None => change.remove_file(document.path.clone()),
        }
        // No more typing there: its inference goes back to costing less memory.
        lock(&self.host).set_reuse_across_edits_for(&document.path, false);
        self.apply(change);
        Some(document.path)
    }

    /// Applies a change read from disk, skipping files the editor has open: their text
    /// is the editor's. Checked and applied under the documents lock, so a `didOpen`
    /// cannot slip in between.
    pub fn apply_from_disk(&self, mut change: Change) {
        let documents = lock(&self.documents);
        change.files.retain(|file_change| match file_change {
            analysis::FileChange::Set { path, .. } | analysis::FileChange::Remove { path } => {
                !documents.values().any(|document| &document.path == path)
            }
            analysis::FileChange::Edit { .. } => true,
        });
        let mut host = lock(&self.host);
        host.apply_change(change);
        self.note_write();
        drop_off_thread(host.take_released_trees());
    }
}

/// How long background diagnostics wait after the last change of the inputs.
const QUIET_PERIOD: std::time::Duration = std::time::Duration::from_millis(30);

/// Drops the trees a change released on a thread of their own: freeing the tree of a
/// huge file takes a tenth of a second, which an edit (and every message behind it)
/// must not wait for.
fn drop_off_thread(trees: analysis::ReleasedTrees) {
    if trees.is_empty() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("remedy-drop".to_owned())
        .spawn(move || free_trees(vec![trees]));
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start a thread to free a tree; freeing it here");
    }
}

/// Frees released trees, then hands their pages back to the system, or the next tree,
/// built on another thread's arena, would come on top of them. Takes a quarter of a
/// second for the tree of a huge file, holding the allocator's lock for part of it: call
/// it where nobody waits for an answer.
pub fn free_trees(trees: Vec<analysis::ReleasedTrees>) {
    if trees.iter().all(analysis::ReleasedTrees::is_empty) {
        return;
    }
    let started = std::time::Instant::now();
    drop(trees);
    let dropped = started.elapsed();
    return_free_memory();
    tracing::debug!(?dropped, total = ?started.elapsed(), "released trees freed");
}

/// Hands the pages that the allocator holds free back to the system. A tree of a huge
/// file is a million small allocations; once freed, glibc keeps their pages, and the next
/// tree, allocated from another thread's arena, adds its own on top.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_free_memory() {
    unsafe extern "C" {
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: `malloc_trim` only returns free memory to the system; it is thread-safe.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_free_memory() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn background_work_waits_for_a_quiet_period_after_the_last_write() {
        let state = ServerState::new();
        state.note_write();
        let started = std::time::Instant::now();
        state.wait_until_quiet().await;
        assert!(started.elapsed() >= QUIET_PERIOD - std::time::Duration::from_millis(1));
        // Quiet already: no wait.
        let again = std::time::Instant::now();
        state.wait_until_quiet().await;
        assert!(again.elapsed() < QUIET_PERIOD);
        // A write during the wait starts the period again.
        let waiting = std::sync::Arc::new(state);
        let writer = waiting.clone();
        let started = std::time::Instant::now();
        waiting.note_write();
        let write_later = tokio::spawn(async move {
            tokio::time::sleep(QUIET_PERIOD / 2).await;
            writer.note_write();
        });
        waiting.wait_until_quiet().await;
        write_later.await.unwrap();
        assert!(started.elapsed() >= QUIET_PERIOD + QUIET_PERIOD / 2);
    }
}
