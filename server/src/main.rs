//! `remedy`: the Python language server (`remedy lsp`) and its command line
//! (`remedy check`, `remedy hover`).
//!
//! stdout carries only protocol (or the command's report); logs go to stderr.

mod backend;
mod cli;
mod convert;
mod dispatch;
mod framing;
mod handlers;
mod project;
mod state;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "remedy",
    version,
    about = "Python language server: values flowing through your code, crashes healed before they run"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Speak the Language Server Protocol over stdio.
    Lsp {
        /// Accepted for clients that pass it (VS Code); stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Analyse files or folders and report findings (exit code 1 when a finding at or above the threshold exists).
    Check(cli::check::CheckArgs),
    /// Print what the editor would show when hovering FILE:LINE:COL (1-based line and column).
    Hover {
        /// `path/to/file.py:LINE:COL`
        location: String,
    },
    /// Print every name occurrence of FILE with its inferred values (--json for tools).
    Infer(cli::infer::InferArgs),
    /// Print the type names inferred for every function return, parameter and bound name of FILE...
    Types(cli::types::TypesArgs),
    /// List every rule with its documentation.
    Rules(cli::rules::RulesArgs),
    /// Map a real traceback onto the workspace: the failing line, its rule, the prediction.
    Heal(cli::heal::HealArgs),
    /// Apply verified healing patches (safe ones unless --unsafe); --diff prints them instead.
    Fix(cli::fix::FixArgs),
    /// Print the settings schema for editor packages (the VS Code extension's settings).
    ConfigSchema(cli::schema::SchemaArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    read_analysis_limits();
    match cli.command {
        Command::Lsp { stdio: _ } => run_lsp(),
        Command::Check(args) => cli::check::run(args),
        Command::Hover { location } => cli::hover::run(&location),
        Command::Infer(args) => cli::infer::run(args),
        Command::Types(args) => cli::types::run(args),
        Command::Rules(args) => cli::rules::run(args),
        Command::Heal(args) => cli::heal::run(args),
        Command::Fix(args) => cli::fix::run(args),
        Command::ConfigSchema(args) => cli::schema::run(args),
    }
}

/// `REMEDY_FULL_ANALYSIS_MAX_BYTES` and `REMEDY_FULL_ANALYSIS_MAX_LINES` move the size
/// limits of full analysis (see `analysis::limits`); the session fuzz lowers them.
fn read_analysis_limits() {
    let read = |name: &str| {
        let value = std::env::var(name).ok()?;
        match value.trim().parse::<usize>() {
            Ok(number) => Some(number),
            Err(_) => {
                tracing::warn!(%value, "{name} is not a number; ignored");
                None
            }
        }
    };
    let bytes = read("REMEDY_FULL_ANALYSIS_MAX_BYTES");
    let lines = read("REMEDY_FULL_ANALYSIS_MAX_LINES");
    if bytes.is_some() || lines.is_some() {
        let (default_bytes, default_lines) = analysis::limits::full_analysis_limits();
        analysis::limits::set_full_analysis_limits(
            bytes.unwrap_or(default_bytes),
            lines.unwrap_or(default_lines),
        );
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REMEDY_LOG")
        // salsa warns when a query cycle unwinds a second time after an edit cancelled
        // it ("propagating panic for cycle head"): a cancellation the request handlers
        // contain and answer, not a fault worth a warning on every keystroke.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,salsa=error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

/// The stack of every thread that runs the analysis. Its expression and block depth
/// guards (150 and 120 levels) keep recursion bounded, but a debug build's frames need
/// more than the 2 MiB that threads get by default; the pages are only touched when used.
pub(crate) const ANALYSIS_STACK_BYTES: usize = 16 * 1024 * 1024;

/// glibc gives threads that allocate their own arenas (up to eight per core), and what
/// one arena frees serves no other: trees parsed on different blocking threads then add
/// up in the resident set. Two arenas keep the peak of a session on a 1 MB line ~20 MB
/// lower (measured with `MALLOC_ARENA_MAX`, which this equals).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_allocator_arenas() {
    const M_ARENA_MAX: std::ffi::c_int = -8;
    unsafe extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    // SAFETY: `mallopt` only tunes the allocator; it runs before any other thread starts.
    unsafe {
        mallopt(M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_allocator_arenas() {}

fn run_lsp() -> ExitCode {
    limit_allocator_arenas();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(ANALYSIS_STACK_BYTES)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("remedy: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let shutdown_requested = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = shutdown_requested.clone();
    runtime.block_on(async move {
        let (service, socket) =
            tower_lsp_server::LspService::build(move |client| backend::Backend::new(client, flag))
                .custom_method(
                    "remedy/malformedMessage",
                    backend::Backend::malformed_message,
                )
                .finish();
        // The framing guard sits between stdin and the framework, so an undecodable
        // frame is answered or skipped instead of ending the session.
        let (guarded_writer, guarded_reader) = tokio::io::duplex(1 << 20);
        let guard = tokio::spawn(framing::guard_incoming(tokio::io::stdin(), guarded_writer));
        let serve = tower_lsp_server::Server::new(guarded_reader, tokio::io::stdout(), socket)
            .concurrency_level(32)
            .serve(service);
        tokio::pin!(serve);
        tokio::select! {
            () = &mut serve => {}
            // The guard ends after forwarding `exit` or at EOF: give the framework a moment
            // to answer what is pending, then stop even if a handler is still waiting.
            _ = guard => {
                let _ = tokio::time::timeout(std::time::Duration::from_secs(1), serve).await;
            }
        }
    });
    // Blocking reads may still run; do not wait for them after `exit`.
    runtime.shutdown_background();
    if shutdown_requested.load(std::sync::atomic::Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Splits `path:line:col` from the right, so paths with colons still work.
pub(crate) fn parse_location(location: &str) -> Option<(PathBuf, u32, u32)> {
    let (rest, column) = location.rsplit_once(':')?;
    let (path, line) = rest.rsplit_once(':')?;
    Some((
        PathBuf::from(path),
        line.parse().ok()?,
        column.parse().ok()?,
    ))
}
