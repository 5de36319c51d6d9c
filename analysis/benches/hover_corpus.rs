//! Hover latency and robustness over a real corpus: every file of the CPython standard
//! library (or a folder given as argument), hovers on a sample of identifiers per file.
//!
//! `cargo bench -p remedy-analysis --bench hover_corpus [-- PATH] [--per-file N]`
//!
//! Reports p50/p95/max latency of cold hovers (first query of a file pays its inference),
//! the share of non-empty answers, and any panic (with the file and offset).

mod common;

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use analysis::{AnalysisHost, Change, TextSize};

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut corpus: Option<PathBuf> = None;
    let mut per_file = 20usize;
    while let Some(arg) = args.next() {
        if arg == "--per-file" {
            per_file = args
                .next()
                .and_then(|value| value.parse().ok())
                .unwrap_or(per_file);
        } else {
            corpus = Some(PathBuf::from(arg));
        }
    }
    let corpus = corpus.unwrap_or_else(|| common::stdlib_path().expect("python3 runs"));
    let files = common::python_files(&corpus);
    let mut host = AnalysisHost::new();
    let mut change = Change::default();
    let mut texts = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        change.set_file(path.as_path(), text.clone());
        texts.push((path.clone(), text));
    }
    host.apply_change(change);
    let analysis = host.analysis();
    let mut latencies: Vec<Duration> = Vec::new();
    let mut answered = 0usize;
    let mut panics = Vec::new();
    for (path, text) in &texts {
        let Some(file) = analysis.file_id(path) else {
            continue;
        };
        let offsets: Vec<usize> = identifier_starts(text);
        let step = (offsets.len() / per_file.max(1)).max(1);
        for &offset in offsets.iter().step_by(step).take(per_file) {
            let start = Instant::now();
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                analysis.hover(file, TextSize::from(offset as u32))
            }));
            let elapsed = start.elapsed();
            latencies.push(elapsed);
            if elapsed > Duration::from_millis(500) {
                println!(
                    "slow: {:.1} s at {}:{offset}",
                    elapsed.as_secs_f64(),
                    path.display()
                );
            }
            match result {
                Ok(Ok(Some(_))) => answered += 1,
                Ok(_) => {}
                Err(_) => panics.push(format!("{}:{offset}", path.display())),
            }
        }
    }
    latencies.sort();
    let percentile = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p) as usize];
    println!(
        "corpus: {} ({} files), {} hovers",
        corpus.display(),
        texts.len(),
        latencies.len()
    );
    println!(
        "latency p50 {:.2} ms, p95 {:.2} ms, max {:.1} ms; non-empty {:.0}%",
        percentile(0.5).as_secs_f64() * 1e3,
        percentile(0.95).as_secs_f64() * 1e3,
        percentile(1.0).as_secs_f64() * 1e3,
        answered as f64 * 100.0 / latencies.len().max(1) as f64
    );
    println!("panics: {}", panics.len());
    for panic in panics.iter().take(20) {
        println!("  {panic}");
    }
}

/// Byte offsets where identifiers start (a rough lexer: good enough to sample names).
fn identifier_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut previous_is_word = false;
    for (index, &byte) in bytes.iter().enumerate() {
        let is_word = byte.is_ascii_alphanumeric() || byte == b'_';
        if is_word && !previous_is_word && !byte.is_ascii_digit() {
            starts.push(index);
        }
        previous_is_word = is_word;
    }
    starts
}
