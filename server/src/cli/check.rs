//! `remedy check PATH...`: analyse a project on all cores and report its findings.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use analysis::config::Confidence;
use analysis::ide::Diagnostic;
use analysis::{AnalysisHost, FileId};
use clap::{Args, ValueEnum};

use super::project_root_for;
use super::render::{self, Report};
use crate::workspace::load_project;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Report only findings at or above this confidence (default: the project's setting).
    #[arg(long, value_parser = ["definite", "likely", "possible"])]
    pub min_confidence: Option<String>,
    /// Never draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Print the slowest files and the time spent on each to stderr (profiling aid).
    #[arg(long, hide = true)]
    pub timings: bool,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for path in &paths {
        if !path.exists() {
            eprintln!("remedy: {}: no such file or folder", path.display());
            return ExitCode::from(2);
        }
    }
    let show_progress =
        !args.no_progress && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let mut by_root: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in &paths {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        by_root
            .entry(project_root_for(&absolute))
            .or_default()
            .push(absolute);
    }
    let mut output = String::new();
    let mut found_any = false;
    let mut json_reports = Vec::new();
    let mut checked_files = 0usize;
    for (root, selected) in by_root {
        let mut progress = Progress::new(show_progress, "loading");
        let loaded = load_project(&root, None, |done, total| progress.update(done, total));
        progress.finish();
        let mut config = loaded.layout.config.clone();
        if let Some(level) = &args.min_confidence {
            config.min_confidence = match level.as_str() {
                "definite" => Confidence::Definite,
                "likely" => Confidence::Likely,
                _ => Confidence::Possible,
            };
        }
        for (path, error) in &loaded.layout.config_errors {
            eprintln!(
                "remedy: {}: {} (defaults are used)",
                path.display(),
                error.message
            );
        }
        let mut change = loaded.change;
        change.config = Some(config.clone());
        let mut host = AnalysisHost::new();
        // One revision: what keeps inference valid across edits only costs memory here.
        host.set_reuse_across_edits(false);
        // Each file is analysed once: a table of each tree's nodes saves the interpreter
        // and the rules most of their tree walking (see `analysis::node_table`).
        host.set_node_tables(true);
        host.apply_change(change);
        let files: Vec<(PathBuf, FileId)> = loaded
            .workspace_files
            .iter()
            // User rule files apply to the selected files: their problems are reported too.
            .filter(|file| {
                selected.iter().any(|selected| file.starts_with(selected))
                    || analysis::rules::user::is_user_rule_path(file)
            })
            .filter_map(|file| host.file_id(file).map(|id| (file.clone(), id)))
            .collect();
        checked_files += files.len();
        let results = check_files(&mut host, &files, show_progress, args.timings);
        let analysis = host.analysis();
        for (path, file, findings) in &results {
            if findings.is_empty() {
                continue;
            }
            // Notes (information, such as `analysis-limited`) do not fail the check.
            found_any |= findings.iter().any(|finding| {
                finding.confidence >= config.min_confidence
                    && finding.severity != analysis::ide::Severity::Information
            });
            let text = analysis.file_text(*file);
            let lines = analysis::LineIndex::new(&text);
            let display_path = path
                .strip_prefix(std::env::current_dir().unwrap_or_default())
                .unwrap_or(path);
            for finding in findings {
                let report = Report {
                    path: display_path,
                    text: &text,
                    lines: &lines,
                    finding,
                };
                match args.format {
                    OutputFormat::Human => render::human(&mut output, &report),
                    OutputFormat::Github => render::github(&mut output, &report),
                    OutputFormat::Json | OutputFormat::Sarif => {
                        json_reports.push(match args.format {
                            OutputFormat::Json => render::json(std::slice::from_ref(&report)),
                            _ => render::sarif(std::slice::from_ref(&report)),
                        })
                    }
                }
            }
        }
        // Freeing every memo of a large project takes seconds on one thread, and the
        // process ends right after the report: the memory goes back to the system then.
        std::mem::forget(analysis);
        std::mem::forget(host);
    }
    match args.format {
        OutputFormat::Json => {
            let merged: Vec<serde_json::Value> = json_reports
                .into_iter()
                .flat_map(|value| value.as_array().cloned().unwrap_or_default())
                .collect();
            output = serde_json::to_string_pretty(&merged).unwrap_or_default();
            output.push('\n');
        }
        OutputFormat::Sarif => {
            let mut results = Vec::new();
            for value in json_reports {
                if let Some(found) = value["runs"][0]["results"].as_array() {
                    results.extend(found.iter().cloned());
                }
            }
            let mut sarif = render::sarif(&[]);
            sarif["runs"][0]["results"] = serde_json::Value::Array(results);
            output = serde_json::to_string_pretty(&sarif).unwrap_or_default();
            output.push('\n');
        }
        OutputFormat::Human => {
            let summary = if found_any {
                "findings reported above"
            } else {
                "no findings"
            };
            eprintln!("remedy: checked {checked_files} files: {summary}");
        }
        OutputFormat::Github => {}
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(output.as_bytes());
    let _ = stdout.flush();
    if found_any {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

type FileFindings = (PathBuf, FileId, Vec<Diagnostic>);

/// Files checked between two evictions of unused parse trees and indexes: bounds the
/// memory of large checks while files checked together still share their imports. The
/// capacity of the `parse` and `file_index` caches, so that the trees the preparation
/// leaves are all those of the first batch checked (a tree also carries its node table,
/// which made batches of 512 files peak some 300 MB higher on the stdlib).
const FILES_PER_BATCH: usize = 256;

/// Diagnostics of every file, computed on all cores (one snapshot per thread).
///
/// First every file is parsed, indexed and has its imports resolved and its part of the
/// workspace-wide queries computed (the circular-import simulation, subclass outlines),
/// in parallel: those queries then find that work done instead of doing it on one thread
/// while the others wait. Both passes go in batches, evicting least recently used trees
/// and indexes between batches, so that at most a few batches of trees are alive at
/// once. The preparation visits the batches last to first, so the trees it leaves are
/// those of the first batch checked.
fn check_files(
    host: &mut AnalysisHost,
    files: &[(PathBuf, FileId)],
    show_progress: bool,
    timings: bool,
) -> Vec<FileFindings> {
    let mut progress = Progress::new(show_progress, "indexing");
    progress.total = files.len();
    let batches: Vec<Vec<(PathBuf, FileId)>> = files
        .chunks(FILES_PER_BATCH)
        .map(|batch| largest_first(host, batch))
        .collect();
    for batch in batches.iter().rev() {
        on_all_cores(host, batch, &mut progress, |analysis, _, file| {
            // No writer runs during `check`, so nothing can cancel these queries.
            let _ = analysis.prepare(file);
        });
        progress.offset += batch.len();
        host.evict_least_recently_used();
    }
    progress.finish();
    let mut progress = Progress::new(show_progress, "checking");
    progress.total = files.len();
    let mut results: Vec<FileFindings> = Vec::with_capacity(files.len());
    let mut durations: Vec<(std::time::Duration, PathBuf)> = Vec::new();
    for batch in &batches {
        progress.offset = results.len();
        let checked = on_all_cores(host, batch, &mut progress, |analysis, path, file| {
            let started = std::time::Instant::now();
            let findings = analysis.diagnostics(file).unwrap_or_default();
            (path.clone(), file, findings, started.elapsed())
        });
        for (path, file, findings, duration) in checked {
            if timings {
                durations.push((duration, path.clone()));
            }
            results.push((path, file, findings));
        }
        host.evict_least_recently_used();
    }
    progress.finish();
    if timings {
        durations.sort_by(|left, right| right.cmp(left));
        for (duration, path) in durations.iter().take(30) {
            eprintln!(
                "{:>10.1} ms  {}",
                duration.as_secs_f64() * 1e3,
                path.display()
            );
        }
    }
    results.sort_by(|left, right| left.0.cmp(&right.0));
    results
}

/// `batch` with its largest files first: the threads take files in order, so a slow
/// file taken last would keep one core busy while the others wait for the batch to end.
fn largest_first(host: &AnalysisHost, batch: &[(PathBuf, FileId)]) -> Vec<(PathBuf, FileId)> {
    let mut sized: Vec<(usize, &(PathBuf, FileId))> = batch
        .iter()
        .map(|entry| (host.file_text(entry.1).len(), entry))
        .collect();
    // Stable: files of one size keep their path order.
    sized.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    sized.into_iter().map(|(_, entry)| entry.clone()).collect()
}

/// Runs `work` on every file, one snapshot per core, and returns the results in any order.
fn on_all_cores<T: Send>(
    host: &AnalysisHost,
    files: &[(PathBuf, FileId)],
    progress: &mut Progress,
    work: impl Fn(&analysis::Analysis, &PathBuf, FileId) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<T>> = Mutex::new(Vec::with_capacity(files.len()));
    let progress = Mutex::new(progress);
    let threads = std::thread::available_parallelism()
        .map(|count| count.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let analysis = host.analysis();
            let (next, done, results, progress, work) = (&next, &done, &results, &progress, &work);
            let worker = std::thread::Builder::new().stack_size(crate::ANALYSIS_STACK_BYTES);
            let spawned = worker.spawn_scoped(scope, move || {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, file)) = files.get(at) else {
                        break;
                    };
                    let result = work(&analysis, path, *file);
                    crate::state::lock(results).push(result);
                    let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                    crate::state::lock(progress).update(done, files.len());
                }
            });
            if let Err(error) = spawned {
                eprintln!("remedy: cannot start a checking thread: {error}");
            }
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A one-line progress bar on stderr, drawn only on a terminal.
struct Progress {
    enabled: bool,
    label: &'static str,
    drawn: bool,
    /// Files done before the current batch, and all files of the run (0: the batch's).
    offset: usize,
    total: usize,
}

impl Progress {
    fn new(enabled: bool, label: &'static str) -> Self {
        Progress {
            enabled,
            label,
            drawn: false,
            offset: 0,
            total: 0,
        }
    }

    fn update(&mut self, done: usize, total: usize) {
        let (done, total) = (self.offset + done, self.total.max(total));
        if !self.enabled || total == 0 {
            return;
        }
        const WIDTH: usize = 30;
        let filled = done.min(total) * WIDTH / total;
        eprint!(
            "\r{:>8} [{}{}] {done}/{total} files",
            self.label,
            "#".repeat(filled),
            " ".repeat(WIDTH - filled)
        );
        self.drawn = true;
    }

    fn finish(&mut self) {
        if self.drawn {
            eprint!("\r{}\r", " ".repeat(70));
            self.drawn = false;
        }
    }
}
