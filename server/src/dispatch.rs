//! Running reads off the async runtime: take a snapshot, compute on the blocking pool,
//! and turn every failure into exactly one JSON-RPC answer.
//!
//! - salsa cancellation (a newer edit arrived) → `ContentModified` (-32801);
//! - a panic inside the analysis → `InternalError`, and the server keeps running;
//! - a request cancelled by the client drops the future here; the guard then cancels
//!   the snapshot's salsa queries so the blocking thread stops early and releases it;
//! - a request about a document over the analysis limits gets the last complete answer
//!   at once while its latest version is not analysed, and otherwise waits at most a
//!   budget for a fresh one ([`read_within_budget`]).

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use analysis::{Analysis, Cancellable};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::Uri;

use crate::state::{ServerState, lock};

const CONTENT_MODIFIED: i64 = -32801;

/// The error code of a read that a newer write cancelled.
pub const CONTENT_MODIFIED_CODE: ErrorCode = ErrorCode::ServerError(CONTENT_MODIFIED);

/// Cancels the snapshot of a read whose request was dropped (the client cancelled it).
/// The snapshot is taken on the blocking pool, so the token arrives there.
#[derive(Default)]
struct Cancellation {
    dropped: bool,
    token: Option<analysis::salsa_cancellation::Token>,
}

struct CancelOnDrop(Option<Arc<Mutex<Cancellation>>>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(cancellation) = self.0.take() {
            let mut cancellation = lock(&cancellation);
            cancellation.dropped = true;
            if let Some(token) = cancellation.token.take() {
                token.cancel();
            }
        }
    }
}

/// Runs `compute` against a fresh snapshot on the blocking pool. The snapshot is taken
/// there too: taking it waits for a write in progress, which must not hold up an async
/// worker (the other requests and the edits behind it).
pub async fn read<T, F>(state: &Arc<ServerState>, compute: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Analysis) -> Cancellable<T> + Send + 'static,
{
    let cancellation = Arc::new(Mutex::new(Cancellation::default()));
    let mut guard = CancelOnDrop(Some(cancellation.clone()));
    let reader = state.clone();
    let joined = tokio::task::spawn_blocking(move || {
        // Declared before the snapshot, so dropped after it.
        let _in_flight = reader.read_in_flight();
        let snapshot = reader.snapshot();
        {
            let mut cancellation = lock(&cancellation);
            if cancellation.dropped {
                return Ok(Err(salsa_cancelled()));
            }
            cancellation.token = Some(snapshot.cancellation_token());
        }
        std::panic::catch_unwind(AssertUnwindSafe(|| compute(&snapshot)))
    })
    .await;
    // The computation ended by itself: nothing to cancel.
    guard.0 = None;
    if let Ok(Ok(Err(_))) = &joined {
        tracing::debug!("a read was cancelled by a write");
    }
    state.free_replaced_results_after_reads();
    answer(joined)
}

/// How long a request about an analysed document over the analysis limits waits for a
/// fresh answer before it gets the last complete one (see [`read_within_budget`]).
pub const LIMITED_ANSWER_BUDGET: Duration = Duration::from_millis(100);

/// [`read`], or for `uri` over the analysis limits (`limited`), [`read_within_budget`]
/// with no answer when no fresh one comes in time: hovers, definitions and code actions
/// computed on an older tree may name another token.
pub async fn read_fresh_or_none<T, F>(
    state: &Arc<ServerState>,
    uri: &Uri,
    limited: bool,
    compute: F,
) -> Result<Option<T>>
where
    T: Send + 'static,
    F: FnOnce(&Analysis) -> Cancellable<Option<T>> + Clone + Send + 'static,
{
    if limited {
        read_within_budget(state, uri, LIMITED_ANSWER_BUDGET, compute, || None, |_| ()).await
    } else {
        read_document(state, uri, compute).await
    }
}

/// [`read`] for a request about `uri`, computed again when a write that left the
/// document as it was cancels it (another file opened or changed, the workspace loaded):
/// its positions still hold, and a client that gets `ContentModified` for a hover shows
/// nothing (Neovim does not ask again). A write to the document itself still answers
/// `ContentModified`.
pub async fn read_document<T, F>(state: &Arc<ServerState>, uri: &Uri, compute: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Analysis) -> Cancellable<T> + Clone + Send + 'static,
{
    let version = state.document_version(uri);
    for _attempt in 1..MAX_REQUEST_ATTEMPTS {
        match read(state, compute.clone()).await {
            Err(error)
                if error.code == CONTENT_MODIFIED_CODE
                    && state.document_version(uri) == version => {}
            answer => return answer,
        }
    }
    read(state, compute).await
}

/// How often [`read_document`] starts a request again after cancellations.
const MAX_REQUEST_ATTEMPTS: usize = 100;

/// [`read`] for a request about `uri`, a document over the analysis limits, where one
/// parse and index take a second.
///
/// Until the background analysis of its latest version is complete (see
/// `ServerState::has_current_analysis`), the request gets `stale()` (the last complete
/// answer, or an empty one) at once: it neither waits for that analysis nor starts one of
/// its own, which would compete for the cores with the analysis, the edits behind it and
/// the answers to the other requests. Otherwise `compute` runs; when it has not answered
/// within `budget`, the request gets `stale()` too and `compute` goes on in the
/// background, to hand its value to `on_fresh` (unless a newer edit cancels it first). A
/// request cancelled by the client does not stop it either.
pub async fn read_within_budget<T, F>(
    state: &Arc<ServerState>,
    uri: &Uri,
    budget: Duration,
    compute: F,
    stale: impl FnOnce() -> T,
    on_fresh: impl FnOnce(&T) + Send + 'static,
) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Analysis) -> Cancellable<T> + Send + 'static,
{
    if !state.has_current_analysis(uri) {
        return Ok(stale());
    }
    let started = std::time::Instant::now();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let background_state = state.clone();
    tokio::spawn(async move {
        let result = read(&background_state, compute).await;
        if let Ok(value) = &result {
            on_fresh(value);
        }
        // The request may have been answered (or dropped) already.
        let _ = sender.send(result);
    });
    match tokio::time::timeout(budget, receiver).await {
        Ok(Ok(result)) => result,
        // The background task always sends unless the runtime shuts down.
        Ok(Err(_closed)) => Err(Error::internal_error()),
        Err(_elapsed) => {
            tracing::debug!(
                elapsed = ?started.elapsed(),
                "an analysed document over the limits answered from its last analysis"
            );
            Ok(stale())
        }
    }
}

fn salsa_cancelled() -> analysis::Cancelled {
    analysis::Cancelled::Local
}

fn answer<T>(
    joined: std::result::Result<std::thread::Result<Cancellable<T>>, tokio::task::JoinError>,
) -> Result<T> {
    match joined {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(_cancelled))) => Err(Error {
            code: ErrorCode::ServerError(CONTENT_MODIFIED),
            message: "content modified".into(),
            data: None,
        }),
        Ok(Err(panic)) => {
            let message = panic_message(&panic);
            tracing::error!(%message, "request handler panicked");
            Err(Error {
                code: ErrorCode::InternalError,
                message: format!("internal error: {message}").into(),
                data: None,
            })
        }
        Err(join_error) => {
            tracing::error!(%join_error, "request task failed");
            Err(Error::internal_error())
        }
    }
}

pub fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "unknown panic".to_owned()
    }
}
