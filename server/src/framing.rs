//! The stdin guard: only well-formed JSON-RPC frames reach tower-lsp-server.
//!
//! tower-lsp-server reads its input through tokio-util's `FramedRead`. When the
//! codec fails to decode one frame (a body that is not JSON, a lone surrogate
//! escape such as `"\ud800"`, invalid UTF-8, a lowercase `content-length`
//! header, more than two headers, an `id` that is an object, ...), it writes a
//! `Parse error` response with `id: null` and the stream then yields `None`, so
//! the server stops reading and shuts down. A single bad frame from an editor
//! would kill Remedy.
//!
//! [`guard_incoming`] sits between the real stdin and the server. It parses the
//! base protocol itself, vets every body and writes only canonical frames
//! (`Content-Length` header, a blank line and a re-serialized JSON object) to
//! the server's side of a `tokio::io::duplex`.
//!
//! Terminology:
//! - A *frame* is a header block followed by a body of `Content-Length` bytes.
//! - A *well-formed* body is a JSON object that tower-lsp-server can deserialize:
//!   a request or notification (`method` is a string, `id` if present is an
//!   integer, a string or null) or a response (`id` plus `result` or `error`).
//! - A *malformed* body is anything else. If its request id can still be read,
//!   the guard forwards a *synthetic request* for [`MALFORMED_MESSAGE_METHOD`]
//!   with that id, so the server answers the client's id exactly once with an
//!   error. A malformed response to one of the server's own requests becomes an
//!   error response, so the server's pending request does not hang. Without a
//!   readable id the frame is logged and dropped.
//! - To *resynchronise* is to scan ahead for the next `Content-Length:` after
//!   bytes that are not a valid header block.
//!
//! Everything the guard rejects or repairs is logged with `tracing` (stderr);
//! nothing here writes to stdout.

use std::borrow::Cow;
use std::io;

use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc;

/// The method of the synthetic request that stands in for a malformed one.
///
/// The server registers it with `LspServiceBuilder::custom_method`. The name
/// deliberately lacks the `$/` prefix: tower-lsp-server drops `MethodNotFound`
/// errors for `$/` methods, so if the registration were ever missing, a `$/`
/// name would leave the client waiting forever instead of getting an error.
pub const MALFORMED_MESSAGE_METHOD: &str = "remedy/malformedMessage";

/// Bodies declaring more bytes than this are skipped without being buffered.
pub const MAX_CONTENT_LENGTH: u64 = 256 * 1024 * 1024;

/// The JSON-RPC code for a body that is not valid JSON.
pub const PARSE_ERROR: i64 = -32700;

/// The JSON-RPC code for valid JSON that is not a valid request.
pub const INVALID_REQUEST: i64 = -32600;

/// A header block longer than this is garbage, not headers.
const MAX_HEADER_BLOCK: usize = 16 * 1024;

/// How many bytes one read from the input asks for.
const READ_CHUNK: usize = 64 * 1024;

/// How much of an oversized body is kept to look for its request id.
const OVERSIZED_PREFIX: usize = 64 * 1024;

/// The header name searched for when resynchronising, in lowercase.
const CONTENT_LENGTH_MARKER: &[u8] = b"content-length:";

/// Copies LSP frames from `input` to `forward`, letting only well-formed ones through.
///
/// Returns `Ok(())` at the end of the input (even in the middle of a frame),
/// after forwarding an `exit` notification (tower-lsp-server stops reading
/// there), or when `forward` has been closed by the server. Returns an error
/// only when reading `input` or writing `forward` fails otherwise.
pub async fn guard_incoming<R, W>(input: R, forward: W) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    guard_incoming_with_config(input, forward, GuardConfig::default()).await
}

/// Builds the error that the server's handler for [`MALFORMED_MESSAGE_METHOD`] returns.
///
/// The synthetic request carries `{"reason": String, "code": i64}`; the error
/// reuses both, defaulting to a parse error when the params are not as expected.
///
/// ```text
/// async fn malformed_message(&self, params: serde_json::Value) -> jsonrpc::Result<()> {
///     Err(framing::malformed_message_error(&params))
/// }
/// ```
pub fn malformed_message_error(params: &Value) -> jsonrpc::Error {
    let code = params
        .get("code")
        .and_then(Value::as_i64)
        .unwrap_or(PARSE_ERROR);
    let reason = params
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("malformed message");
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::from(code),
        message: Cow::Owned(reason.to_owned()),
        data: None,
    }
}

/// Limits of the guard; tests shrink them to exercise the limits cheaply.
#[derive(Clone, Copy, Debug)]
struct GuardConfig {
    max_content_length: u64,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            max_content_length: MAX_CONTENT_LENGTH,
        }
    }
}

async fn guard_incoming_with_config<R, W>(
    input: R,
    mut forward: W,
    config: GuardConfig,
) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = FrameReader::new(input);
    loop {
        reader.skip_blank_lines();
        let content_length = match scan_headers(reader.pending()) {
            HeaderScan::Complete {
                content_length,
                header_len,
            } => {
                reader.consume(header_len);
                content_length
            }
            HeaderScan::Incomplete => {
                if reader.pending().len() > MAX_HEADER_BLOCK {
                    tracing::warn!("dropping a header block longer than {MAX_HEADER_BLOCK} bytes");
                    reader.resynchronise(1);
                } else if !reader.fill().await? {
                    if reader
                        .pending()
                        .iter()
                        .any(|byte| !byte.is_ascii_whitespace())
                    {
                        tracing::warn!("input ended inside a header block");
                    }
                    return Ok(());
                }
                continue;
            }
            HeaderScan::Invalid {
                reason,
                resume_from,
            } => {
                tracing::warn!("bad header block ({reason}); looking for the next Content-Length");
                reader.resynchronise(resume_from);
                continue;
            }
        };

        let vetted = if content_length > config.max_content_length {
            tracing::warn!(
                "skipping a body of {content_length} bytes (limit {})",
                config.max_content_length
            );
            let Some(prefix) = reader.skip_body(content_length).await? else {
                tracing::warn!("input ended inside a skipped body");
                return Ok(());
            };
            vet_oversized(&prefix, content_length)
        } else {
            // The cap keeps `content_length` far below `usize::MAX` on every supported target.
            let length = usize::try_from(content_length).unwrap_or(usize::MAX);
            if !reader.fill_to(length).await? {
                tracing::warn!(
                    "input ended inside a body ({} of {length} bytes)",
                    reader.pending().len()
                );
                return Ok(());
            }
            let vetted = vet_body(&reader.pending()[..length]);
            reader.consume(length);
            vetted
        };

        let message = match vetted {
            Vetted::Clean(message) => message,
            Vetted::Replaced { message, reason } => {
                tracing::warn!("malformed message ({reason}); forwarding an error for its id");
                message
            }
            Vetted::Dropped { reason } => {
                if !reason.is_empty() {
                    tracing::warn!("dropping a malformed message without a usable id ({reason})");
                }
                continue;
            }
        };
        let is_exit = message.get("method").and_then(Value::as_str) == Some("exit")
            && message.get("id").is_none();
        match write_frame(&mut forward, &message).await {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                tracing::debug!("the server stopped reading its input");
                return Ok(());
            }
            Err(error) => return Err(error),
        }
        if is_exit {
            return Ok(());
        }
    }
}

/// Writes one canonical frame: a `Content-Length` header and the compact JSON body.
async fn write_frame<W: AsyncWrite + Unpin>(forward: &mut W, message: &Value) -> io::Result<()> {
    let body = message.to_string();
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body.as_bytes());
    forward.write_all(&frame).await?;
    forward.flush().await
}

/// A growable window over the input: `buffer[start..]` is read but not yet consumed.
struct FrameReader<R> {
    input: R,
    buffer: Vec<u8>,
    start: usize,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    fn new(input: R) -> Self {
        FrameReader {
            input,
            buffer: Vec::new(),
            start: 0,
        }
    }

    fn pending(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    fn consume(&mut self, count: usize) {
        self.start = (self.start + count).min(self.buffer.len());
    }

    /// Drops line ends left between frames (some clients add one after the body).
    fn skip_blank_lines(&mut self) {
        let blank = self
            .pending()
            .iter()
            .take_while(|byte| matches!(byte, b'\r' | b'\n'))
            .count();
        self.consume(blank);
    }

    /// Drops bytes up to the next `Content-Length:` at or after `from` (at least 1).
    ///
    /// When no marker is pending, everything is dropped except a tail that could
    /// be the start of a marker split across two reads.
    fn resynchronise(&mut self, from: usize) {
        let pending = self.pending();
        match find_content_length_marker(pending, from.max(1)) {
            Some(position) => self.consume(position),
            None => {
                let keep = (CONTENT_LENGTH_MARKER.len() - 1).min(pending.len().saturating_sub(1));
                self.consume(pending.len() - keep);
            }
        }
    }

    /// Reads more input; returns `false` at the end of the input.
    async fn fill(&mut self) -> io::Result<bool> {
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        let old_len = self.buffer.len();
        self.buffer.resize(old_len + READ_CHUNK, 0);
        let result = loop {
            match self.input.read(&mut self.buffer[old_len..]).await {
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let read = match result {
            Ok(read) => read,
            Err(error) => {
                self.buffer.truncate(old_len);
                return Err(error);
            }
        };
        self.buffer.truncate(old_len + read);
        Ok(read > 0)
    }

    /// Reads until `length` bytes are pending; returns `false` if the input ends first.
    async fn fill_to(&mut self, length: usize) -> io::Result<bool> {
        while self.pending().len() < length {
            if !self.fill().await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Consumes a body of `length` bytes while keeping at most [`OVERSIZED_PREFIX`] of it.
    ///
    /// Returns the kept prefix, or `None` if the input ends inside the body.
    async fn skip_body(&mut self, length: u64) -> io::Result<Option<Vec<u8>>> {
        let prefix_len =
            usize::try_from(length).map_or(OVERSIZED_PREFIX, |len| len.min(OVERSIZED_PREFIX));
        let complete = self.fill_to(prefix_len).await?;
        let available = self.pending().len().min(prefix_len);
        let prefix = self.pending()[..available].to_vec();
        if !complete {
            return Ok(None);
        }
        let mut remaining = length;
        loop {
            let pending = self.pending().len() as u64;
            let taken = pending.min(remaining);
            // `taken` is at most the pending length, which is a `usize`.
            self.consume(taken as usize);
            remaining -= taken;
            if remaining == 0 {
                return Ok(Some(prefix));
            }
            if !self.fill().await? {
                return Ok(None);
            }
        }
    }
}

/// Finds the case-insensitive `Content-Length:` marker at or after `from`.
fn find_content_length_marker(bytes: &[u8], from: usize) -> Option<usize> {
    if bytes.len() < CONTENT_LENGTH_MARKER.len() {
        return None;
    }
    (from..=bytes.len() - CONTENT_LENGTH_MARKER.len()).find(|&position| {
        bytes[position..position + CONTENT_LENGTH_MARKER.len()]
            .eq_ignore_ascii_case(CONTENT_LENGTH_MARKER)
    })
}

#[derive(Debug, PartialEq)]
enum HeaderScan {
    /// A full header block with a usable length; `header_len` includes the blank line.
    Complete {
        content_length: u64,
        header_len: usize,
    },
    /// The blank line that ends the block has not arrived yet.
    Incomplete,
    /// The bytes are not a header block with a usable `Content-Length`; the
    /// next marker is searched from `resume_from`, which is at least 1.
    Invalid { reason: String, resume_from: usize },
}

/// Parses a header block, tolerating `\n` line ends and any letter case in names.
fn scan_headers(bytes: &[u8]) -> HeaderScan {
    let mut content_length: Option<Result<u64, String>> = None;
    let mut line_start = 0;
    loop {
        let Some(newline) = bytes[line_start..].iter().position(|&byte| byte == b'\n') else {
            return HeaderScan::Incomplete;
        };
        let line_end = line_start + newline;
        let mut line = &bytes[line_start..line_end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        let next_line = line_end + 1;
        if line.is_empty() {
            return match content_length {
                Some(Ok(content_length)) => HeaderScan::Complete {
                    content_length,
                    header_len: next_line,
                },
                // The block is over, so a bad length skips it whole.
                Some(Err(reason)) => HeaderScan::Invalid {
                    reason,
                    resume_from: next_line,
                },
                // The marker may be glued to garbage on a line of this block: rescan it.
                None => HeaderScan::Invalid {
                    reason: "no Content-Length header".to_owned(),
                    resume_from: 1,
                },
            };
        }
        let Some(colon) = line.iter().position(|&byte| byte == b':') else {
            return HeaderScan::Invalid {
                reason: format!(
                    "a header line without a colon: {:?}",
                    String::from_utf8_lossy(line)
                ),
                resume_from: line_start.max(1),
            };
        };
        let name = line[..colon].trim_ascii();
        let value = line[colon + 1..].trim_ascii();
        if name.is_empty() || !name.iter().all(|&byte| is_header_name_byte(byte)) {
            return HeaderScan::Invalid {
                reason: format!(
                    "an invalid header name: {:?}",
                    String::from_utf8_lossy(name)
                ),
                resume_from: line_start.max(1),
            };
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let parsed = std::str::from_utf8(value)
                .ok()
                .and_then(|text| text.parse::<u64>().ok())
                .ok_or_else(|| {
                    format!(
                        "an invalid Content-Length: {:?}",
                        String::from_utf8_lossy(value)
                    )
                });
            content_length = match (content_length, parsed) {
                (Some(Ok(previous)), Ok(current)) if previous != current => Some(Err(format!(
                    "conflicting Content-Length headers ({previous} and {current})"
                ))),
                (Some(Err(reason)), _) => Some(Err(reason)),
                (_, parsed) => Some(parsed),
            };
        } else if !name.eq_ignore_ascii_case(b"content-type") {
            tracing::debug!("ignoring header {:?}", String::from_utf8_lossy(name));
        }
        line_start = next_line;
    }
}

/// Whether `byte` may appear in a header name (an RFC 9110 token character).
fn is_header_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// What to do with one body.
#[derive(Debug, PartialEq)]
enum Vetted {
    /// A well-formed message, canonicalised.
    Clean(Value),
    /// A malformed message with a readable id, replaced by a synthetic message for that id.
    Replaced { message: Value, reason: String },
    /// Nothing to forward; an empty reason means there is nothing worth a warning.
    Dropped { reason: String },
}

/// Vets one complete body.
fn vet_body(body: &[u8]) -> Vetted {
    if body.iter().all(u8::is_ascii_whitespace) {
        tracing::debug!("ignoring an empty body");
        return Vetted::Dropped {
            reason: String::new(),
        };
    }
    let text = match std::str::from_utf8(body) {
        Ok(text) => Cow::Borrowed(text),
        Err(error) => {
            tracing::warn!("body is not valid UTF-8 ({error}); decoding it lossily");
            String::from_utf8_lossy(body)
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(stripped) => {
            tracing::debug!("ignoring a byte order mark at the start of a body");
            Cow::Owned(stripped.to_owned())
        }
        None => text,
    };
    let text = match repair_lone_surrogates(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(repaired) => {
            tracing::warn!("replaced lone surrogate escapes with \\ufffd");
            Cow::Owned(repaired)
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(value) => vet_value(value),
        Err(error) => {
            let reason = format!("the body is not valid JSON: {error}");
            replace_scraped(&scrape_top_level(&text), PARSE_ERROR, reason)
        }
    }
}

/// Vets the kept prefix of a body that was too large to read.
fn vet_oversized(prefix: &[u8], content_length: u64) -> Vetted {
    let text = String::from_utf8_lossy(prefix);
    let reason = format!("the message is {content_length} bytes long, above the limit");
    replace_scraped(&scrape_top_level(&text), INVALID_REQUEST, reason)
}

/// Builds the replacement for a body that could only be scraped.
fn replace_scraped(scraped: &ScrapedKeys, code: i64, reason: String) -> Vetted {
    match &scraped.id {
        Some(id) if scraped.looks_like_response() => Vetted::Replaced {
            message: failed_response(id.clone(), code, &reason),
            reason,
        },
        Some(id) => Vetted::Replaced {
            message: malformed_request(id.clone(), code, &reason),
            reason,
        },
        None => Vetted::Dropped { reason },
    }
}

/// Checks a parsed body against what tower-lsp-server can deserialize.
fn vet_value(value: Value) -> Vetted {
    let Value::Object(mut object) = value else {
        let kind = match value {
            Value::Array(_) => "an array (batches are not used by LSP)",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Vetted::Dropped {
            reason: format!("the body is {kind}, not an object"),
        };
    };

    match object.get("jsonrpc") {
        Some(Value::String(version)) if version == "2.0" => {}
        None => tracing::debug!("message without \"jsonrpc\"; assuming \"2.0\""),
        Some(other) => tracing::warn!("message with \"jsonrpc\": {other}; treating it as \"2.0\""),
    }

    let id = object.remove("id");
    let usable_id = id.as_ref().filter(|id| is_usable_id(id)).cloned();
    let invalid = |reason: String| match &usable_id {
        Some(id) if !id.is_null() => Vetted::Replaced {
            message: malformed_request(id.clone(), INVALID_REQUEST, &reason),
            reason,
        },
        _ => Vetted::Dropped { reason },
    };

    if let Some(method) = object.remove("method") {
        let Value::String(method) = method else {
            return invalid(format!("\"method\" is {method}, not a string"));
        };
        if let Some(id) = &id
            && usable_id.is_none()
        {
            return Vetted::Dropped {
                reason: format!("request {method:?} has an unusable id {id}"),
            };
        }
        let mut canonical = Map::new();
        canonical.insert("jsonrpc".to_owned(), Value::from("2.0"));
        canonical.insert("method".to_owned(), Value::String(method));
        if let Some(params) = object.remove("params") {
            canonical.insert("params".to_owned(), params);
        }
        if let Some(id) = usable_id {
            canonical.insert("id".to_owned(), id);
        }
        return Vetted::Clean(Value::Object(canonical));
    }

    let result = object.remove("result");
    let error = object.remove("error");
    if result.is_none() && error.is_none() {
        return invalid(
            "the message has neither \"method\" nor \"result\" nor \"error\"".to_owned(),
        );
    }
    let Some(id) = usable_id else {
        return Vetted::Dropped {
            reason: match id {
                Some(id) => format!("a response with an unusable id {id}"),
                None => "a response without an id".to_owned(),
            },
        };
    };
    if let Some(result) = result {
        if error.is_some() {
            tracing::warn!("response {id} has both \"result\" and \"error\"; keeping \"result\"");
        }
        return Vetted::Clean(json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }
    let error = error.unwrap_or(Value::Null);
    match canonical_error(&error) {
        Some(error) => Vetted::Clean(json!({"jsonrpc": "2.0", "id": id, "error": error})),
        None => {
            let reason = format!("response {id} has a malformed \"error\": {error}");
            Vetted::Replaced {
                message: failed_response(id, INVALID_REQUEST, &reason),
                reason,
            }
        }
    }
}

/// Whether tower-lsp-server can deserialize `id` as a request id (`i64`, string or null).
fn is_usable_id(id: &Value) -> bool {
    id.is_i64() || id.is_string() || id.is_null()
}

/// Keeps the fields of a JSON-RPC error object that tower-lsp-server accepts.
///
/// Its `Error` type denies unknown fields and needs an integer `code` and a string `message`.
fn canonical_error(error: &Value) -> Option<Value> {
    let code = error.get("code")?.as_i64()?;
    let message = error.get("message")?.as_str()?;
    let mut canonical = json!({"code": code, "message": message});
    if let Some(data) = error.get("data")
        && let Value::Object(fields) = &mut canonical
    {
        fields.insert("data".to_owned(), data.clone());
    }
    Some(canonical)
}

/// The request that stands in for a malformed one, so the server answers `id` once.
fn malformed_request(id: Value, code: i64, reason: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": MALFORMED_MESSAGE_METHOD,
        "params": {"reason": reason, "code": code},
    })
}

/// The error response that stands in for a malformed response to a server request.
fn failed_response(id: Value, code: i64, reason: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code, "message": format!("malformed response from the client: {reason}")},
    })
}

/// Rewrites `\uXXXX` escapes of unpaired UTF-16 surrogates to `\ufffd`.
///
/// serde_json rejects them, while JavaScript clients produce them from strings
/// cut in the middle of a surrogate pair. An escaped backslash (`\\ud800`) is
/// not an escape and is left alone. Works on bytes: every byte it looks at is
/// ASCII, so every replaced range lies on character boundaries.
fn repair_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut repaired: Option<String> = None;
    let mut copied = 0;
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] != b'\\' {
            index += 1;
            continue;
        }
        let Some(unit) = unicode_escape_at(bytes, index) else {
            // Any other escape is two bytes long; skipping both keeps `\\` from pairing with a `u`.
            index += 2;
            continue;
        };
        let is_lone = match unit {
            0xD800..=0xDBFF => {
                if matches!(unicode_escape_at(bytes, index + 6), Some(0xDC00..=0xDFFF)) {
                    index += 12;
                    continue;
                }
                true
            }
            0xDC00..=0xDFFF => true,
            _ => false,
        };
        if is_lone {
            let out = repaired.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..index]);
            out.push_str("\\ufffd");
            copied = index + 6;
        }
        index += 6;
    }
    match repaired {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// Decodes the code unit of a `\uXXXX` escape starting at `index`, if there is one.
fn unicode_escape_at(bytes: &[u8], index: usize) -> Option<u16> {
    let escape = bytes.get(index..index + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    if !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

/// What a scan of a body that does not parse found among its top-level keys.
#[derive(Debug, Default, PartialEq)]
struct ScrapedKeys {
    /// The first top-level `"id"` whose value is an `i64` or a string.
    id: Option<Value>,
    has_method: bool,
    has_result_or_error: bool,
}

impl ScrapedKeys {
    fn looks_like_response(&self) -> bool {
        self.has_result_or_error && !self.has_method
    }
}

/// Scans a body that does not parse for the keys of its top-level object.
///
/// Stops at the first thing it cannot follow, so a truncated body yields what
/// was seen before the cut. A number at the very end of the text is not
/// trusted: the cut may have shortened it.
fn scrape_top_level(text: &str) -> ScrapedKeys {
    let bytes = text.as_bytes();
    let mut scraped = ScrapedKeys::default();
    let mut index = skip_whitespace(bytes, 0);
    if bytes.get(index) != Some(&b'{') {
        return scraped;
    }
    index += 1;
    let mut depth = 1usize;
    let mut expect_key = true;
    while index < bytes.len() {
        match bytes[index] {
            b'{' | b'[' => {
                depth += 1;
                expect_key = false;
                index += 1;
            }
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                expect_key = false;
                index += 1;
            }
            b',' => {
                expect_key = depth == 1;
                index += 1;
            }
            b'"' => {
                let Some(end) = string_end(bytes, index) else {
                    break;
                };
                let was_key = expect_key;
                expect_key = false;
                let after = skip_whitespace(bytes, end);
                if !was_key || bytes.get(after) != Some(&b':') {
                    index = end;
                    continue;
                }
                let key: Option<String> = serde_json::from_str(&text[index..end]).ok();
                let value_start = skip_whitespace(bytes, after + 1);
                match key.as_deref() {
                    Some("id") if scraped.id.is_none() => scraped.id = scrape_id(text, value_start),
                    Some("method") => scraped.has_method = true,
                    Some("result" | "error") => scraped.has_result_or_error = true,
                    _ => {}
                }
                index = value_start;
            }
            _ => index += 1,
        }
    }
    scraped
}

/// Reads an integer or string id starting at `start`.
fn scrape_id(text: &str, start: usize) -> Option<Value> {
    let bytes = text.as_bytes();
    match bytes.get(start)? {
        b'"' => {
            let end = string_end(bytes, start)?;
            let id: String = serde_json::from_str(&text[start..end]).ok()?;
            Some(Value::String(id))
        }
        b'-' | b'0'..=b'9' => {
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|byte| {
                        byte.is_ascii_digit() || matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E')
                    })
                    .count();
            let delimited = matches!(
                bytes.get(end),
                Some(b',' | b'}' | b' ' | b'\t' | b'\r' | b'\n')
            );
            if !delimited {
                return None;
            }
            text[start..end].parse::<i64>().ok().map(Value::from)
        }
        _ => None,
    }
}

/// Returns the index just past the closing quote of the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut index = start + 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'"' => return Some(index + 1),
            _ => index += 1,
        }
    }
    None
}

fn skip_whitespace(bytes: &[u8], mut index: usize) -> usize {
    while bytes.get(index).is_some_and(u8::is_ascii_whitespace) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::io::ReadBuf;

    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body.as_bytes());
        out
    }

    /// Runs the guard over `input` with the default limits and returns the forwarded bodies.
    fn guard(input: &[u8]) -> Vec<Value> {
        guard_with(input, GuardConfig::default())
    }

    fn guard_with(input: &[u8], config: GuardConfig) -> Vec<Value> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime builds");
        let mut forwarded = Vec::new();
        runtime
            .block_on(guard_incoming_with_config(input, &mut forwarded, config))
            .expect("the guard does not fail on in-memory input");
        parse_frames(&forwarded)
    }

    /// Parses the complete frames at the start of `bytes`, leaving a partial one unparsed.
    fn parse_complete_frames(bytes: &[u8]) -> Vec<Value> {
        let mut complete = 0;
        while let Some(header_end) = bytes[complete..]
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
        {
            let header = String::from_utf8_lossy(&bytes[complete..complete + header_end]);
            let Some(length) = header
                .strip_prefix("Content-Length: ")
                .and_then(|n| n.parse::<usize>().ok())
            else {
                break;
            };
            let end = complete + header_end + 4 + length;
            if bytes.len() < end {
                break;
            }
            complete = end;
        }
        parse_frames(&bytes[..complete])
    }

    /// Parses the guard's output strictly: exact headers, exact lengths, nothing left over.
    fn parse_frames(mut bytes: &[u8]) -> Vec<Value> {
        let mut bodies = Vec::new();
        while !bytes.is_empty() {
            let text = std::str::from_utf8(bytes).expect("forwarded frames are UTF-8");
            let rest = text
                .strip_prefix("Content-Length: ")
                .expect("every forwarded frame starts with Content-Length");
            let (length, rest) = rest
                .split_once("\r\n\r\n")
                .expect("one header, then a blank line");
            let length: usize = length.parse().expect("the length is a number");
            let body: Value = serde_json::from_str(&rest[..length]).expect("the body is JSON");
            bodies.push(body);
            bytes = &rest.as_bytes()[length..];
        }
        bodies
    }

    const INITIALIZE: &str =
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    const HOVER: &str = r#"{"jsonrpc": "2.0", "id": "h-2", "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///a.py"}, "position": {"line": 0, "character": 3}}}"#;
    const NOTIFICATION: &str = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
    const RESPONSE: &str = r#"{"jsonrpc":"2.0","id":0,"result":null}"#;

    fn parsed(text: &str) -> Value {
        serde_json::from_str(text).expect("test JSON parses")
    }

    fn synthetic_id_and_code(message: &Value) -> (Value, i64) {
        assert_eq!(message["method"], MALFORMED_MESSAGE_METHOD, "{message}");
        assert_eq!(message["jsonrpc"], "2.0");
        assert!(message["params"]["reason"].is_string(), "{message}");
        let code = message["params"]["code"]
            .as_i64()
            .expect("the code is an integer");
        (message["id"].clone(), code)
    }

    #[test]
    fn good_frames_pass_with_the_same_content() {
        let mut input = frame(INITIALIZE);
        input.extend(frame(HOVER));
        input.extend(frame(NOTIFICATION));
        input.extend(frame(RESPONSE));
        let forwarded = guard(&input);
        assert_eq!(
            forwarded,
            vec![
                parsed(INITIALIZE),
                parsed(HOVER),
                parsed(NOTIFICATION),
                parsed(RESPONSE)
            ]
        );
    }

    #[test]
    fn content_type_and_header_case_are_tolerated() {
        let body = NOTIFICATION;
        let input = format!(
            "content-length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\nX-Extra: 1\r\n\r\n{body}",
            body.len()
        );
        assert_eq!(guard(input.as_bytes()), vec![parsed(body)]);
    }

    #[test]
    fn newline_only_headers_are_tolerated() {
        let input = format!(
            "Content-Length: {}\n\n{INITIALIZE}CONTENT-LENGTH:{}\n\n{HOVER}",
            INITIALIZE.len(),
            HOVER.len()
        );
        assert_eq!(
            guard(input.as_bytes()),
            vec![parsed(INITIALIZE), parsed(HOVER)]
        );
    }

    #[test]
    fn bad_json_with_an_id_becomes_a_synthetic_request_for_that_id() {
        let mut input =
            frame(r#"{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"#);
        input.extend(frame(r#"{"jsonrpc":"2.0","id":"abc","method":"x",}"#));
        input.extend(frame(INITIALIZE));
        let forwarded = guard(&input);
        assert_eq!(forwarded.len(), 3);
        assert_eq!(
            synthetic_id_and_code(&forwarded[0]),
            (json!(5), PARSE_ERROR)
        );
        assert_eq!(
            synthetic_id_and_code(&forwarded[1]),
            (json!("abc"), PARSE_ERROR)
        );
        assert_eq!(forwarded[2], parsed(INITIALIZE));
    }

    #[test]
    fn bad_json_without_an_id_is_skipped() {
        let mut input = frame(r#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"#);
        input.extend(frame("not json at all"));
        input.extend(frame(r#"{"params":{"id":3},"method":"x""#));
        input.extend(frame(NOTIFICATION));
        assert_eq!(guard(&input), vec![parsed(NOTIFICATION)]);
    }

    #[test]
    fn non_object_bodies_are_skipped() {
        let mut input = Vec::new();
        for body in [
            r#"[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]"#,
            r#""text""#,
            "42",
            "null",
            "true",
        ] {
            input.extend(frame(body));
        }
        input.extend(frame(NOTIFICATION));
        assert_eq!(guard(&input), vec![parsed(NOTIFICATION)]);
    }

    #[test]
    fn lone_surrogates_are_repaired() {
        let body = r#"{"jsonrpc":"2.0","method":"m","params":{"a":"x\ud800y","b":"\udc00","c":"\ud83d\ude00","d":"\uD800\uD83D\uDE00","e":"\ud800"}}"#;
        let forwarded = guard(&frame(body));
        assert_eq!(forwarded.len(), 1);
        let params = &forwarded[0]["params"];
        assert_eq!(params["a"], "x\u{fffd}y");
        assert_eq!(params["b"], "\u{fffd}");
        assert_eq!(params["c"], "\u{1F600}");
        assert_eq!(params["d"], "\u{fffd}\u{1F600}");
        assert_eq!(params["e"], "\u{fffd}");
    }

    #[test]
    fn escaped_backslashes_are_not_escapes() {
        let body = r#"{"jsonrpc":"2.0","method":"m","params":{"a":"\\ud800","b":"\\\ud800","c":"\\\\ud800"}}"#;
        let forwarded = guard(&frame(body));
        assert_eq!(forwarded.len(), 1);
        let params = &forwarded[0]["params"];
        assert_eq!(params["a"], r"\ud800");
        assert_eq!(params["b"], "\\\u{fffd}");
        assert_eq!(params["c"], r"\\ud800");
    }

    #[test]
    fn surrogate_repair_leaves_clean_text_borrowed() {
        assert!(matches!(
            repair_lone_surrogates(r#"{"a":"\u00e9\\u12"}"#),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            repair_lone_surrogates(r#""\udfff\u0041""#),
            r#""\ufffd\u0041""#
        );
        assert_eq!(repair_lone_surrogates(r#""é\ud800""#), r#""é\ufffd""#);
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily() {
        let mut body = br#"{"jsonrpc":"2.0","method":"m","params":""#.to_vec();
        body.extend_from_slice(b"a\xffb\"}");
        let mut input = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        input.extend(body);
        let forwarded = guard(&input);
        assert_eq!(forwarded.len(), 1);
        assert_eq!(forwarded[0]["params"], "a\u{fffd}b");
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let body = format!("\u{feff}{NOTIFICATION}");
        assert_eq!(guard(&frame(&body)), vec![parsed(NOTIFICATION)]);
    }

    #[test]
    fn deep_nesting_is_malformed() {
        let deep = format!(
            r#"{{"jsonrpc":"2.0","id":13,"method":"m","params":{}{}}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        let shallow = format!(
            r#"{{"jsonrpc":"2.0","id":14,"method":"m","params":{}{}}}"#,
            "[".repeat(100),
            "]".repeat(100)
        );
        let mut input = frame(&deep);
        input.extend(frame(&shallow));
        let forwarded = guard(&input);
        assert_eq!(forwarded.len(), 2);
        assert_eq!(
            synthetic_id_and_code(&forwarded[0]),
            (json!(13), PARSE_ERROR)
        );
        assert_eq!(forwarded[1], parsed(&shallow));
    }

    #[test]
    fn garbage_between_frames_resynchronises() {
        let mut input = b"garbage without newline ".to_vec();
        input.extend(frame(INITIALIZE));
        input.extend(b"\r\nsome: header\r\n\r\n{}");
        input.extend(b"Content-Length: twelve\r\n\r\n");
        input.extend(b"{\"key\": \"value\"}\n");
        input.extend(frame(HOVER));
        input.extend(b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n");
        input.extend(frame(NOTIFICATION));
        assert_eq!(
            guard(&input),
            vec![parsed(INITIALIZE), parsed(HOVER), parsed(NOTIFICATION)]
        );
    }

    #[test]
    fn a_long_run_of_garbage_is_dropped() {
        let mut input = vec![b'x'; 3 * MAX_HEADER_BLOCK];
        input.extend(frame(NOTIFICATION));
        assert_eq!(guard(&input), vec![parsed(NOTIFICATION)]);
    }

    #[test]
    fn huge_content_length_is_skipped_without_buffering() {
        let config = GuardConfig {
            max_content_length: 100,
        };
        let big = format!(
            r#"{{"jsonrpc":"2.0","id":21,"method":"m","params":"{}"}}"#,
            "a".repeat(200_000)
        );
        let big_without_id = format!(
            r#"{{"jsonrpc":"2.0","method":"m","params":"{}"}}"#,
            "a".repeat(200)
        );
        let mut input = frame(&big);
        input.extend(frame(&big_without_id));
        input.extend(frame(NOTIFICATION));
        let forwarded = guard_with(&input, config);
        assert_eq!(forwarded.len(), 2);
        assert_eq!(
            synthetic_id_and_code(&forwarded[0]),
            (json!(21), INVALID_REQUEST)
        );
        assert_eq!(forwarded[1], parsed(NOTIFICATION));
    }

    #[test]
    fn a_content_length_beyond_u64_resynchronises() {
        let mut input = b"Content-Length: 99999999999999999999999\r\n\r\n".to_vec();
        input.extend(frame(NOTIFICATION));
        assert_eq!(guard(&input), vec![parsed(NOTIFICATION)]);
    }

    #[test]
    fn eof_mid_frame_ends_cleanly() {
        let mut input = frame(INITIALIZE);
        input.extend(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
        assert_eq!(guard(&input), vec![parsed(INITIALIZE)]);

        let mut input = frame(INITIALIZE);
        input.extend(b"Content-Len");
        assert_eq!(guard(&input), vec![parsed(INITIALIZE)]);

        let config = GuardConfig {
            max_content_length: 10,
        };
        let mut input = frame(INITIALIZE);
        input.truncate(input.len() - 1);
        assert_eq!(guard_with(&input, config), Vec::<Value>::new());
        assert_eq!(guard(b""), Vec::<Value>::new());
    }

    #[test]
    fn empty_bodies_and_blank_lines_are_ignored() {
        let mut input = b"Content-Length: 0\r\n\r\n".to_vec();
        input.extend(frame(NOTIFICATION));
        input.extend(b"\r\n\n");
        input.extend(frame(RESPONSE));
        assert_eq!(guard(&input), vec![parsed(NOTIFICATION), parsed(RESPONSE)]);
    }

    #[test]
    fn requests_that_tower_lsp_cannot_deserialize_are_fixed_or_answered() {
        let bodies = [
            // A missing or wrong "jsonrpc" is tolerated and normalised.
            r#"{"id":1,"method":"shutdown"}"#,
            r#"{"jsonrpc":"1.0","id":2,"method":"shutdown"}"#,
            // A non-string method with an id is answered.
            r#"{"jsonrpc":"2.0","id":3,"method":7}"#,
            // Neither method nor result nor error, with an id, is answered.
            r#"{"jsonrpc":"2.0","id":4}"#,
            // Unusable ids cannot be answered, so these are dropped.
            r#"{"jsonrpc":"2.0","id":{},"method":"shutdown"}"#,
            r#"{"jsonrpc":"2.0","id":[1],"method":"shutdown"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
            r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"shutdown"}"#,
            r#"{"jsonrpc":"2.0","method":7}"#,
            // Wrong params are well-formed: tower-lsp answers InvalidParams itself.
            r#"{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":[1]}"#,
        ];
        let mut input = Vec::new();
        for body in bodies {
            input.extend(frame(body));
        }
        let forwarded = guard(&input);
        assert_eq!(forwarded.len(), 5, "{forwarded:#?}");
        assert_eq!(
            forwarded[0],
            json!({"jsonrpc":"2.0","id":1,"method":"shutdown"})
        );
        assert_eq!(
            forwarded[1],
            json!({"jsonrpc":"2.0","id":2,"method":"shutdown"})
        );
        assert_eq!(
            synthetic_id_and_code(&forwarded[2]),
            (json!(3), INVALID_REQUEST)
        );
        assert_eq!(
            synthetic_id_and_code(&forwarded[3]),
            (json!(4), INVALID_REQUEST)
        );
        assert_eq!(forwarded[4], parsed(bodies[9]));
    }

    #[test]
    fn responses_are_canonicalised_or_replaced() {
        let bodies = [
            r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32800,"message":"cancelled","data":[1],"extra":true}}"#,
            r#"{"jsonrpc":"2.0","id":8,"error":"boom"}"#,
            r#"{"jsonrpc":"2.0","id":9,"result":{"a":1},"error":{"code":1,"message":"m"}}"#,
            r#"{"jsonrpc":"2.0","result":1}"#,
            r#"{"jsonrpc":"2.0","id":10,"result":[1,2"#,
        ];
        let mut input = Vec::new();
        for body in bodies {
            input.extend(frame(body));
        }
        let forwarded = guard(&input);
        assert_eq!(forwarded.len(), 4, "{forwarded:#?}");
        assert_eq!(
            forwarded[0],
            json!({"jsonrpc":"2.0","id":7,"error":{"code":-32800,"message":"cancelled","data":[1]}})
        );
        assert_eq!(forwarded[1]["id"], 8);
        assert_eq!(forwarded[1]["error"]["code"], INVALID_REQUEST);
        assert_eq!(
            forwarded[2],
            json!({"jsonrpc":"2.0","id":9,"result":{"a":1}})
        );
        assert_eq!(forwarded[3]["id"], 10);
        assert_eq!(forwarded[3]["error"]["code"], PARSE_ERROR);
        assert!(forwarded[3].get("method").is_none());
    }

    #[test]
    fn the_guard_stops_after_exit() {
        let mut input = frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        input.extend(frame(NOTIFICATION));
        assert_eq!(
            guard(&input),
            vec![json!({"jsonrpc":"2.0","method":"exit"})]
        );
    }

    #[test]
    fn scraping_reads_only_top_level_keys() {
        let scraped =
            scrape_top_level(r#"{"params":{"id":1,"result":2},"id" : "a\"b", "method":"x", oops"#);
        assert_eq!(
            scraped,
            ScrapedKeys {
                id: Some(json!("a\"b")),
                has_method: true,
                has_result_or_error: false,
            }
        );
        assert_eq!(scrape_top_level(r#"{"id":123"#).id, None);
        assert_eq!(scrape_top_level(r#"{"id":-4}"#).id, Some(json!(-4)));
        assert_eq!(scrape_top_level(r#"{"x":"id","id":true}"#).id, None);
        assert_eq!(scrape_top_level(r#"[{"id":1}]"#).id, None);
        assert!(scrape_top_level(r#"{"id":2,"error":{"#).looks_like_response());
    }

    #[test]
    fn header_scanning() {
        assert_eq!(
            scan_headers(b"Content-Length: 12\r\nContent-Type: x\r\n\r\n{}"),
            HeaderScan::Complete {
                content_length: 12,
                header_len: 39,
            }
        );
        assert_eq!(
            scan_headers(b"Content-Length: 12\r\n"),
            HeaderScan::Incomplete
        );
        assert!(matches!(
            scan_headers(b"Content-Length: -1\r\n\r\n"),
            HeaderScan::Invalid { .. }
        ));
        assert!(matches!(
            scan_headers(b"{\"a\": 1}\r\n\r\n"),
            HeaderScan::Invalid { .. }
        ));
        assert!(matches!(
            scan_headers(b"Content-Type: x\r\n\r\n"),
            HeaderScan::Invalid { .. }
        ));
    }

    /// A reader that hands out one byte per read, to exercise every split point.
    struct Trickle {
        bytes: Vec<u8>,
        position: usize,
    }

    impl AsyncRead for Trickle {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            if let Some(&byte) = self.bytes.get(self.position) {
                buf.put_slice(&[byte]);
                self.position += 1;
            }
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn byte_at_a_time_input_gives_the_same_frames() {
        let mut input = b"junk".to_vec();
        input.extend(frame(INITIALIZE));
        input.extend(frame(r#"{"id":6,"method":"#));
        input.extend(format!("content-length: {}\n\n{HOVER}", HOVER.len()).into_bytes());
        let mut forwarded = Vec::new();
        let reader = Trickle {
            bytes: input,
            position: 0,
        };
        guard_incoming(reader, &mut forwarded)
            .await
            .expect("in-memory input");
        let forwarded = parse_frames(&forwarded);
        assert_eq!(forwarded.len(), 3);
        assert_eq!(forwarded[0], parsed(INITIALIZE));
        assert_eq!(
            synthetic_id_and_code(&forwarded[1]),
            (json!(6), PARSE_ERROR)
        );
        assert_eq!(forwarded[2], parsed(HOVER));
    }

    #[tokio::test]
    async fn a_closed_server_side_ends_the_guard_cleanly() {
        let (server_side, guard_side) = tokio::io::duplex(64);
        drop(server_side);
        let input = frame(INITIALIZE);
        let result = guard_incoming(input.as_slice(), guard_side).await;
        assert!(result.is_ok(), "{result:?}");
    }

    mod with_tower_lsp {
        //! Runs the guard in front of a real tower-lsp-server to check it survives every case.

        use tokio::io::AsyncReadExt;
        use tower_lsp_server::ls_types::{InitializeParams, InitializeResult};
        use tower_lsp_server::{LanguageServer, LspService, Server};

        use super::*;

        struct Stub;

        impl LanguageServer for Stub {
            async fn initialize(&self, _: InitializeParams) -> jsonrpc::Result<InitializeResult> {
                Ok(InitializeResult::default())
            }

            async fn shutdown(&self) -> jsonrpc::Result<()> {
                Ok(())
            }
        }

        impl Stub {
            async fn malformed_message(&self, params: Value) -> jsonrpc::Result<()> {
                Err(malformed_message_error(&params))
            }
        }

        #[tokio::test]
        async fn every_malformed_frame_is_survived_and_answered_once() {
            let malformed = [
                r#"{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{"#.to_owned(),
                r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"#.to_owned(),
                "[1,2,3]".to_owned(),
                r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"text":"\ud800"}}"#
                    .to_owned(),
                r#"{"jsonrpc":"2.0","id":6,"method":7}"#.to_owned(),
                r#"{"jsonrpc":"2.0","id":{},"method":"shutdown"}"#.to_owned(),
                r#"{"id":7,"method":"remedy/unknown"}"#.to_owned(),
                r#"{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":[1]}"#.to_owned(),
                r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":"nope"}"#.to_owned(),
                r#"{"jsonrpc":"2.0","id":77,"error":{"code":1,"message":"m","extra":1}}"#
                    .to_owned(),
                format!(
                    r#"{{"jsonrpc":"2.0","id":9,"method":"m","params":{}{}}}"#,
                    "[".repeat(300),
                    "]".repeat(300)
                ),
            ];
            let mut rest = frame(NOTIFICATION);
            for body in &malformed {
                rest.extend(frame(body));
            }
            rest.extend(b"content-length: 2\r\nX-A: 1\r\nX-B: 2\r\n\r\n{}");
            rest.extend(frame(r#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#));

            let (service, socket) = LspService::build(|_| Stub)
                .custom_method(MALFORMED_MESSAGE_METHOD, Stub::malformed_message)
                .finish();
            let (mut client_output, guard_input) = tokio::io::duplex(1 << 16);
            let (server_input, guard_output) = tokio::io::duplex(1 << 16);
            let (server_output, mut client_input) = tokio::io::duplex(1 << 16);
            let guard = guard_incoming(guard_input, guard_output);
            let serve = Server::new(server_input, server_output, socket).serve(service);
            // Like a real client, wait for the initialize response before sending anything
            // else, and wait for every answer before `exit` (which cancels pending requests).
            let client = async move {
                let mut bytes = Vec::new();
                let mut chunk = [0u8; 4096];
                let mut read_until = async |bytes: &mut Vec<u8>, count: usize| -> io::Result<()> {
                    while parse_complete_frames(bytes).len() < count {
                        let read = client_input.read(&mut chunk).await?;
                        assert!(
                            read > 0,
                            "the server ended early: {:?}",
                            String::from_utf8_lossy(bytes)
                        );
                        bytes.extend_from_slice(&chunk[..read]);
                    }
                    Ok(())
                };
                client_output.write_all(&frame(INITIALIZE)).await?;
                read_until(&mut bytes, 1).await?;
                client_output.write_all(&rest).await?;
                read_until(&mut bytes, 7).await?;
                client_output
                    .write_all(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#))
                    .await?;
                client_input.read_to_end(&mut bytes).await?;
                io::Result::Ok(bytes)
            };
            let (guarded, (), output) = tokio::join!(guard, serve, client);
            assert!(guarded.is_ok(), "{guarded:?}");
            let responses = parse_frames(&output.expect("talking to the server"));
            assert_eq!(responses[0]["id"], 1);

            let error_code = |id: i64| {
                let matching: Vec<&Value> = responses
                    .iter()
                    .filter(|response| response["id"] == id)
                    .collect();
                assert_eq!(
                    matching.len(),
                    1,
                    "one response for id {id}: {responses:#?}"
                );
                matching[0]["error"]["code"].as_i64()
            };
            assert_eq!(error_code(5), Some(PARSE_ERROR));
            assert_eq!(error_code(6), Some(INVALID_REQUEST));
            assert_eq!(error_code(7), Some(-32601));
            assert_eq!(error_code(8), Some(-32602));
            assert_eq!(error_code(9), Some(PARSE_ERROR));
            assert_eq!(error_code(99), None);
            assert_eq!(
                responses
                    .iter()
                    .filter(|response| response["id"] == 77)
                    .count(),
                0
            );
            assert!(
                responses.iter().all(|response| !response["id"].is_null()),
                "no Parse error with a null id: {responses:#?}"
            );
        }
    }
}
