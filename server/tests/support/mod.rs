//! A stdio LSP client that drives the `remedy` binary in end-to-end tests.
//!
//! The client spawns `remedy lsp --stdio` and talks the base protocol over its
//! pipes with only `std` and `serde_json`. Four threads keep the server from
//! ever blocking on the test:
//! - a writer thread owns the server's stdin, so sending never blocks the test;
//! - a reader thread parses frames from stdout, answers server-to-client
//!   requests at once (`workspace/configuration` from the settings given to
//!   [`LspClient::set_settings`], `workspace/applyEdit` with `applied: false`,
//!   everything else with `null`) and hands every other message to the test;
//! - a stderr thread keeps the server's logs, shown when a wait times out;
//! - the test thread itself, which waits on a channel with a timeout.
//!
//! Anything on stdout that is not a clean frame (`Content-Length` with `\r\n`
//! line ends, a JSON object body with `"jsonrpc": "2.0"`) is recorded in
//! [`LspClient::protocol_errors`]: the server must write protocol only.

// Each test file uses a different part of the client.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a wait lasts before the test fails.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of the server's stderr a failure message shows.
const STDERR_TAIL: usize = 6000;

/// A running `remedy lsp --stdio` and the test's end of its pipes.
pub struct LspClient {
    child: Child,
    outgoing: Sender<Outgoing>,
    incoming: Receiver<Value>,
    /// Messages received while waiting for something else, in arrival order.
    stash: VecDeque<Value>,
    shared: Arc<Shared>,
    next_id: i64,
    timeout: Duration,
}

/// What the writer thread is asked to do.
enum Outgoing {
    Bytes(Vec<u8>),
    Close,
}

/// State the reader, stderr and test threads share.
#[derive(Default)]
struct Shared {
    stderr: Mutex<Vec<u8>>,
    protocol_errors: Mutex<Vec<String>>,
    server_requests: Mutex<Vec<Value>>,
    settings: Mutex<Value>,
}

impl Shared {
    fn protocol_error(&self, error: String) {
        lock(&self.protocol_errors).push(error);
    }
}

/// Locks a mutex, ignoring poisoning: a panicking test thread must not hide the server's state.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Frames a JSON body with a `Content-Length` header.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

impl LspClient {
    /// Spawns `remedy lsp --stdio` in the current directory.
    pub fn spawn() -> LspClient {
        LspClient::spawn_with(&["lsp", "--stdio"], None)
    }

    /// Spawns `remedy lsp --stdio` with `dir` as its working directory.
    pub fn spawn_in(dir: &std::path::Path) -> LspClient {
        LspClient::spawn_with(&["lsp", "--stdio"], Some(dir))
    }

    /// Spawns the `remedy` binary with the given arguments.
    pub fn spawn_with(args: &[&str], dir: Option<&std::path::Path>) -> LspClient {
        LspClient::spawn_with_env(args, dir, &[])
    }

    /// Spawns the `remedy` binary with the given arguments and extra environment variables.
    pub fn spawn_with_env(
        args: &[&str],
        dir: Option<&std::path::Path>,
        env: &[(&str, std::ffi::OsString)],
    ) -> LspClient {
        let mut command = Command::new(env!("CARGO_BIN_EXE_remedy"));
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_BACKTRACE", "1");
        for (name, value) in env {
            command.env(name, value);
        }
        if let Some(dir) = dir {
            command.current_dir(dir);
        }
        let mut child = command.spawn().expect("the remedy binary starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");

        let shared = Arc::new(Shared::default());
        let (outgoing, outgoing_receiver) = mpsc::channel();
        let (incoming_sender, incoming) = mpsc::channel();

        thread::spawn(move || write_frames(stdin, outgoing_receiver));
        let reader_shared = Arc::clone(&shared);
        let answers = outgoing.clone();
        thread::spawn(move || read_frames(stdout, incoming_sender, answers, reader_shared));
        let stderr_shared = Arc::clone(&shared);
        thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(read) = stderr.read(&mut chunk) {
                if read == 0 {
                    break;
                }
                lock(&stderr_shared.stderr).extend_from_slice(&chunk[..read]);
            }
        });

        LspClient {
            child,
            outgoing,
            incoming,
            stash: VecDeque::new(),
            shared,
            next_id: 1,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Changes how long waits last before failing the test.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Sets the settings that answer `workspace/configuration`.
    ///
    /// Each requested `section` is looked up as a dotted path in `settings`
    /// (`"remedy.diagnostics"` reads `settings["remedy"]["diagnostics"]`); a
    /// missing section and an item without one are answered with `null`.
    pub fn set_settings(&self, settings: Value) {
        *lock(&self.shared.settings) = settings;
    }

    /// Sends a request and waits for its response; returns the whole response message.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request_id(method, params);
        self.wait_response(id)
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request_id(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Waits for the response to request `id`; returns the whole response message.
    pub fn wait_response(&mut self, id: i64) -> Value {
        let id = json!(id);
        self.wait_for(&format!("the response to request {id}"), |message| {
            message.get("method").is_none() && message.get("id") == Some(&id)
        })
    }

    /// Waits up to `timeout` for a response to request `id`; `None` when none arrives.
    ///
    /// Used to check that a request got no second answer.
    pub fn try_wait_response(&mut self, id: i64, timeout: Duration) -> Option<Value> {
        let id = json!(id);
        self.try_wait_for(
            |message| message.get("method").is_none() && message.get("id") == Some(&id),
            timeout,
        )
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends bytes as they are, for malformed frames.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        // A send fails only when the writer thread is gone, which a later wait reports.
        let _ = self.outgoing.send(Outgoing::Bytes(bytes.to_vec()));
    }

    /// Waits for a notification of `method` whose params satisfy `predicate`; returns the params.
    ///
    /// Notifications that do not match stay available to later waits.
    pub fn wait_notification(
        &mut self,
        method: &str,
        predicate: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        match self.try_wait_notification(method, predicate, timeout) {
            Some(params) => params,
            None => self.fail(&format!(
                "no `{method}` notification matched within {timeout:?}"
            )),
        }
    }

    /// Like [`LspClient::wait_notification`], but returns `None` on timeout.
    pub fn try_wait_notification(
        &mut self,
        method: &str,
        predicate: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let matches = |message: &Value| {
            message.get("id").is_none()
                && message.get("method").and_then(Value::as_str) == Some(method)
                && predicate(message.get("params").unwrap_or(&Value::Null))
        };
        let message = self.try_wait_for(matches, timeout)?;
        Some(message.get("params").cloned().unwrap_or(Value::Null))
    }

    /// Sends `initialize` with these client capabilities, then `initialized`; returns the result.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        self.initialize_with(json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "remedy-e2e"},
            "rootUri": null,
            "capabilities": capabilities,
        }))
    }

    /// Sends `initialize` for the workspace folder `root_uri` as a client that pulls
    /// diagnostics and, with `refresh_support`, can be told to pull again (VS Code; Neovim
    /// 0.11 has no refresh support), then `initialized`; returns the result.
    pub fn initialize_pulling(
        &mut self,
        root_uri: &str,
        name: &str,
        refresh_support: bool,
    ) -> Value {
        self.initialize_with(json!({
            "processId": std::process::id(),
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": name}],
            "capabilities": {
                "textDocument": {"diagnostic": {"dynamicRegistration": false}},
                "workspace": {"diagnostics": {"refreshSupport": refresh_support}},
            },
        }))
    }

    /// Sends `initialize` with these params, then `initialized`; returns the result.
    pub fn initialize_with(&mut self, params: Value) -> Value {
        let response = self.request("initialize", params);
        let Some(result) = response.get("result").cloned() else {
            self.fail(&format!("initialize failed: {response}"));
        };
        self.notify("initialized", json!({}));
        result
    }

    /// Sends `shutdown` and `exit`, closes stdin and waits for the process to end.
    pub fn shutdown_and_exit(&mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        if response.get("error").is_some() {
            self.fail(&format!("shutdown failed: {response}"));
        }
        self.notify("exit", Value::Null);
        self.close_stdin();
        self.wait_exit(self.timeout)
    }

    /// Closes the server's stdin.
    pub fn close_stdin(&mut self) {
        let _ = self.outgoing.send(Outgoing::Close);
    }

    /// Waits for the process to end; kills it and fails the test after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                Ok(None) => {
                    let _ = self.child.kill();
                    self.fail(&format!("the server did not exit within {timeout:?}"));
                }
                Err(error) => self.fail(&format!("cannot wait for the server: {error}")),
            }
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next message from the server (stashed ones first), waiting at most `timeout`.
    pub fn next_message(&mut self, timeout: Duration) -> Option<Value> {
        if let Some(message) = self.stash.pop_front() {
            return Some(message);
        }
        self.incoming.recv_timeout(timeout).ok()
    }

    /// Whether the server process is still running.
    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything the server wrote on stdout that was not a clean frame.
    pub fn protocol_errors(&self) -> Vec<String> {
        lock(&self.shared.protocol_errors).clone()
    }

    /// The server-to-client requests answered so far, in arrival order.
    pub fn server_requests(&self) -> Vec<Value> {
        lock(&self.shared.server_requests).clone()
    }

    /// The server's stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&lock(&self.shared.stderr)).into_owned()
    }

    /// Takes every message received so far without waiting.
    pub fn drain_messages(&mut self) -> Vec<Value> {
        while let Ok(message) = self.incoming.try_recv() {
            self.stash.push_back(message);
        }
        self.stash.drain(..).collect()
    }

    fn send(&mut self, message: &Value) {
        let _ = self
            .outgoing
            .send(Outgoing::Bytes(frame(message.to_string().as_bytes())));
    }

    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let timeout = self.timeout;
        match self.try_wait_for(matches, timeout) {
            Some(message) => message,
            None => self.fail(&format!("timed out after {timeout:?} waiting for {what}")),
        }
    }

    /// Returns the first stashed or incoming message that `matches`, stashing the others.
    fn try_wait_for(
        &mut self,
        matches: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        if let Some(position) = self.stash.iter().position(&matches) {
            return self.stash.remove(position);
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if matches(&message) => return Some(message),
                Ok(message) => self.stash.push_back(message),
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    self.fail("the server closed its stdout");
                }
            }
        }
    }

    /// Fails the test with the server's state: exit status, stray messages and stderr tail.
    fn fail(&mut self, what: &str) -> ! {
        let status = match self.child.try_wait() {
            Ok(Some(status)) => format!("exited with {status}"),
            Ok(None) => "still running".to_owned(),
            Err(error) => format!("unknown ({error})"),
        };
        let unmatched: Vec<String> = self
            .stash
            .iter()
            .map(|message| {
                let text = message.to_string();
                text.chars().take(300).collect()
            })
            .collect();
        let stderr = self.stderr();
        let tail_start = stderr.len().saturating_sub(STDERR_TAIL);
        let tail_start = (tail_start..stderr.len())
            .find(|&index| stderr.is_char_boundary(index))
            .unwrap_or(stderr.len());
        panic!(
            "{what}\nserver: {status}\nprotocol errors: {:?}\nunmatched messages: {unmatched:#?}\n--- server stderr (tail) ---\n{}",
            self.protocol_errors(),
            &stderr[tail_start..],
        );
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Owns the server's stdin: writes queued bytes until told to close or the pipe breaks.
fn write_frames(mut stdin: ChildStdin, outgoing: Receiver<Outgoing>) {
    for message in outgoing {
        match message {
            Outgoing::Bytes(bytes) => {
                if stdin
                    .write_all(&bytes)
                    .and_then(|()| stdin.flush())
                    .is_err()
                {
                    return;
                }
            }
            Outgoing::Close => return,
        }
    }
}

/// Parses frames from the server's stdout until it closes.
fn read_frames(
    stdout: ChildStdout,
    incoming: Sender<Value>,
    answers: Sender<Outgoing>,
    shared: Arc<Shared>,
) {
    let mut reader = BufReader::new(stdout);
    while let Some(body) = read_one_frame(&mut reader, &shared) {
        let message: Value = match serde_json::from_slice(&body) {
            Ok(message) => message,
            Err(error) => {
                shared.protocol_error(format!(
                    "a body that is not JSON ({error}): {}",
                    String::from_utf8_lossy(&body)
                ));
                continue;
            }
        };
        if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            shared.protocol_error(format!("a message without \"jsonrpc\": \"2.0\": {message}"));
        }
        let is_server_request =
            message.get("method").is_some_and(Value::is_string) && message.get("id").is_some();
        if is_server_request {
            let answer = answer_server_request(&message, &shared);
            let _ = answers.send(Outgoing::Bytes(frame(answer.to_string().as_bytes())));
            lock(&shared.server_requests).push(message);
            continue;
        }
        if incoming.send(message).is_err() {
            return;
        }
    }
}

/// Reads one frame's body; returns `None` when stdout closes.
///
/// Lines that are not headers are recorded as protocol errors and skipped, so
/// stray output does not desynchronise the client.
fn read_one_frame(reader: &mut BufReader<ChildStdout>, shared: &Shared) -> Option<Vec<u8>> {
    let mut content_length: Option<usize> = None;
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => {
                if !line.is_empty() {
                    shared.protocol_error(format!(
                        "output ended inside a header: {:?}",
                        String::from_utf8_lossy(&line)
                    ));
                }
                return None;
            }
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line).into_owned();
        if !text.ends_with("\r\n") {
            shared.protocol_error(format!("a header line without \\r\\n: {text:?}"));
        }
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            match content_length {
                Some(length) => {
                    let mut body = vec![0u8; length];
                    if reader.read_exact(&mut body).is_err() {
                        shared.protocol_error(format!(
                            "output ended inside a body of {length} bytes"
                        ));
                        return None;
                    }
                    return Some(body);
                }
                None => {
                    shared.protocol_error("a blank line outside a header block".to_owned());
                    continue;
                }
            }
        }
        match text.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                match value.trim().parse() {
                    Ok(length) => content_length = Some(length),
                    Err(_) => shared.protocol_error(format!("an invalid Content-Length: {text:?}")),
                }
            }
            Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
            _ => shared.protocol_error(format!("a stray line on stdout: {text:?}")),
        }
    }
}

/// Builds the client's answer to a server-to-client request.
fn answer_server_request(request: &Value, shared: &Shared) -> Value {
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let result = match method {
        "workspace/configuration" => {
            let settings = lock(&shared.settings);
            let items = request
                .pointer("/params/items")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let answers: Vec<Value> = items
                .iter()
                .map(|item| match item.get("section").and_then(Value::as_str) {
                    Some(section) => section
                        .split('.')
                        .try_fold(&*settings, |value, key| value.get(key))
                        .cloned()
                        .unwrap_or(Value::Null),
                    None => Value::Null,
                })
                .collect();
            Value::Array(answers)
        }
        "workspace/applyEdit" => {
            json!({"applied": false, "failureReason": "the test client does not apply edits"})
        }
        _ => Value::Null,
    };
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}
