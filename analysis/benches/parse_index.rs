//! Parse + index throughput over the CPython standard library found on the machine.
//!
//! `cargo bench -p remedy-analysis --bench parse_index [-- PATH] [--runs N] [--verify-pieces]`
//!
//! Reports, for the same corpus: tree-sitter alone (the floor), and parse + index
//! through the salsa database (what Remedy does), as files, MB, seconds (median of
//! the runs), MB/s, the index/parse cost ratio, and the process's peak RSS.
//!
//! `--verify-pieces` instead checks, file by file, that the index and the call summary
//! built from the pieces of the last build (what a server does after an edit) equal
//! those built from scratch: for the file as it is, after a line is inserted at the top level near its
//! middle, and after a statement is added inside the block of the last `…:` line.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use analysis::index::file_index;
use analysis::{AnalysisHost, Change};

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut corpus: Option<PathBuf> = None;
    let mut runs = 3usize;
    let mut verify_pieces = false;
    while let Some(arg) = args.next() {
        if arg == "--verify-pieces" {
            verify_pieces = true;
        } else if arg == "--runs" {
            runs = args
                .next()
                .and_then(|value| value.parse().ok())
                .unwrap_or(runs);
        } else {
            corpus = Some(PathBuf::from(arg));
        }
    }
    let corpus = corpus
        .or_else(common::stdlib_path)
        .expect("no corpus: pass a folder or install python3");
    let files = common::python_files(&corpus);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            Some((path, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect();
    if verify_pieces {
        verify_index_pieces(&texts);
        return;
    }
    let megabytes = texts.iter().map(|(_, text)| text.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "corpus: {} ({} files, {megabytes:.1} MB), {runs} runs, one thread",
        corpus.display(),
        texts.len()
    );

    let parse_only = median(runs, || {
        let start = Instant::now();
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("grammar loads");
        for (_, text) in &texts {
            let tree = parser.parse(text, None).expect("parse succeeds");
            std::hint::black_box(tree.root_node().child_count());
        }
        start.elapsed()
    });

    let parse_and_index = median(runs, || {
        let mut host = AnalysisHost::new();
        // A first build: no earlier pieces to reuse, so do not keep any.
        host.set_reuse_across_edits(false);
        let mut change = Change::default();
        for (path, text) in &texts {
            change.set_file(path.as_path(), text.as_str());
        }
        host.apply_change(change);
        let start = Instant::now();
        host.analysis()
            .with_database(|db| {
                for (path, _) in &texts {
                    let file = analysis::modules::file_at(db, path).expect("file was added");
                    std::hint::black_box(file_index(db, file).definitions.len());
                }
            })
            .expect("no writer runs during the benchmark");
        start.elapsed()
    });

    let row = |label: &str, elapsed: Duration| {
        let seconds = elapsed.as_secs_f64();
        println!(
            "{label:<28} {seconds:>8.3} s {:>8.2} MB/s",
            megabytes / seconds
        );
    };
    row("tree-sitter parse", parse_only);
    row("parse + index (salsa)", parse_and_index);
    let index_cost = parse_and_index.as_secs_f64() - parse_only.as_secs_f64();
    println!(
        "index cost / parse cost      {:>8.2}  (target ≤ 1.00: the index must not cost more than the parse)",
        index_cost / parse_only.as_secs_f64()
    );
    println!("peak RSS                     {:>8.1} MB", peak_rss_mb());
}

/// See the module docs: `--verify-pieces`.
fn verify_index_pieces(texts: &[(PathBuf, String)]) {
    // Whether the index and the call summary of `path` are equal in both hosts.
    let same = |reusing: &AnalysisHost, scratch: &AnalysisHost, path: &Path| {
        reusing
            .analysis()
            .with_database(|reusing_db| {
                scratch
                    .analysis()
                    .with_database(|scratch_db| {
                        let reused =
                            analysis::modules::file_at(reusing_db, path).expect("file was added");
                        let built =
                            analysis::modules::file_at(scratch_db, path).expect("file was added");
                        **file_index(reusing_db, reused) == **file_index(scratch_db, built)
                            && *analysis::index::call_sites(reusing_db, reused)
                                == *analysis::index::call_sites(scratch_db, built)
                    })
                    .expect("no writer runs during the check")
            })
            .expect("no writer runs during the check")
    };
    let mut compared = 0usize;
    let mut differ = 0usize;
    for (path, text) in texts {
        let mut versions = vec![text.clone()];
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let top_level = |line: &&str| {
            line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '@' || c == '_')
        };
        if let Some(at) = (lines.len() / 2..lines.len())
            .chain(0..lines.len() / 2)
            .find(|&at| top_level(&lines[at]))
        {
            let mut edited = lines[..at].concat();
            edited.push_str("x_0 = 0\n");
            edited.push_str(&lines[at..].concat());
            versions.push(edited);
        }
        if let Some(at) = (0..lines.len())
            .rev()
            .find(|&at| lines[at].trim_end().ends_with(':'))
        {
            let indent = lines[at].len() - lines[at].trim_start().len();
            let mut edited = lines[..=at].concat();
            edited.push_str(&" ".repeat(indent + 4));
            edited.push_str("y_0 = x_0\n");
            edited.push_str(&lines[at + 1..].concat());
            versions.push(edited);
        }
        let mut reusing = AnalysisHost::new();
        for version in versions {
            let mut change = Change::default();
            change.set_file(path.as_path(), version.as_str());
            reusing.apply_change(change.clone());
            let mut scratch = AnalysisHost::new();
            scratch.set_reuse_across_edits(false);
            scratch.apply_change(change);
            compared += 1;
            if !same(&reusing, &scratch, path) {
                differ += 1;
                println!("differs: {}", path.display());
            }
        }
    }
    println!("{compared} indexes and call summaries compared, {differ} differ");
}

fn median(runs: usize, mut run: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1)).map(|_| run()).collect();
    times.sort();
    times[times.len() / 2]
}

/// The high-water mark of resident memory (Linux `VmHWM`), in MB; 0 elsewhere.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map(|kilobytes| kilobytes / 1024.0)
        .unwrap_or(0.0)
}
