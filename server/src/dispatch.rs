//! Running reads off the async runtime: take a snapshot, compute on the blocking pool,
//! and turn every failure into exactly one JSON-RPC answer.
//!
//! - salsa cancellation (a newer edit arrived) → `ContentModified` (-32801);
//! - a panic inside the analysis → `InternalError`, and the server keeps running;
//! - a request cancelled by the client drops the future here; the guard then cancels
//!   the snapshot's salsa queries so the blocking thread stops early and releases it.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use analysis::{Analysis, Cancellable};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

use crate::state::ServerState;

const CONTENT_MODIFIED: i64 = -32801;

/// The error code of a read that a newer write cancelled.
pub const CONTENT_MODIFIED_CODE: ErrorCode = ErrorCode::ServerError(CONTENT_MODIFIED);

struct CancelOnDrop(Option<analysis::salsa_cancellation::Token>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(token) = self.0.take() {
            token.cancel();
        }
    }
}

/// Runs `compute` against a fresh snapshot on the blocking pool.
pub async fn read<T, F>(state: &Arc<ServerState>, compute: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Analysis) -> Cancellable<T> + Send + 'static,
{
    let snapshot = state.snapshot();
    let mut guard = CancelOnDrop(Some(snapshot.cancellation_token()));
    let joined = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(AssertUnwindSafe(|| compute(&snapshot)))
    })
    .await;
    // The computation ended by itself: nothing to cancel.
    guard.0 = None;
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
