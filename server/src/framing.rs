//! JSON-RPC framing guard (STUB: being written; interface fixed).

use tokio::io::{AsyncRead, AsyncWrite};

pub async fn guard_incoming<R, W>(mut input: R, mut forward: W) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    tokio::io::copy(&mut input, &mut forward).await.map(|_| ())
}
