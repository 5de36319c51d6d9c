//! The open scenario of `bench.py` in process, on one thread: every `.py` file under a
//! workspace root loaded (as the server loads a workspace), then the diagnostics of the
//! top-level files of one folder of it, taken in turn by `--threads` threads (one by
//! default).
//!
//! `cargo bench -p remedy-analysis --bench open_files [-- ROOT] [--folder NAME]
//! [--threads N] [--slowest N] [--count-queries]`
//!
//! ROOT defaults to `/tmp/remedy-bench-corpus` (written by `bench.py`), NAME to `Lib`.
//! Prints the time of the load and of all diagnostics, and with `--slowest N` the N
//! files whose diagnostics took longest (with what they computed first); `--count-queries` also prints how
//! many times each query ran (by name) and on how many distinct keys (more runs than
//! keys: a cycle iterated, or a memo was evicted and computed again).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use analysis::resolve::{SearchRoot, SearchRootKind};
use analysis::{AnalysisHost, Change};

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut root = PathBuf::from("/tmp/remedy-bench-corpus");
    let mut folder = String::from("Lib");
    let mut count_queries = false;
    let mut threads = 1usize;
    let mut slowest = 0usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--folder" => folder = args.next().unwrap_or(folder),
            "--count-queries" => count_queries = true,
            "--slowest" => {
                slowest = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(10)
            }
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(threads)
                    .max(1)
            }
            _ => root = PathBuf::from(arg),
        }
    }
    let mut host = if count_queries {
        AnalysisHost::with_event_log()
    } else {
        AnalysisHost::new()
    };
    host.set_reuse_across_edits(false);
    let started = Instant::now();
    let mut change = Change {
        search_roots: Some(vec![SearchRoot {
            path: root.clone(),
            kind: SearchRootKind::Workspace,
        }]),
        ..Change::default()
    };
    let mut loaded = 0usize;
    for path in common::python_files(&root) {
        if let Ok(content) = std::fs::read_to_string(&path) {
            change.set_file(path.as_path(), content);
            loaded += 1;
        }
    }
    host.apply_change(change);
    println!(
        "loaded {loaded} files in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut opened: Vec<PathBuf> = std::fs::read_dir(root.join(&folder))
        .expect("the folder is readable")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "py"))
        .collect();
    opened.sort();
    let ids: Vec<_> = opened
        .iter()
        .map(|path| host.file_id(path).expect("the file was loaded"))
        .collect();
    let next = AtomicUsize::new(0);
    let findings = AtomicUsize::new(0);
    let times = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let analysis = host.analysis();
            let (ids, next, findings, times) = (&ids, &next, &findings, &times);
            scope.spawn(move || {
                while let Some(at) = Some(next.fetch_add(1, Ordering::Relaxed))
                    && let Some(id) = ids.get(at)
                {
                    let one = Instant::now();
                    let found = analysis.diagnostics(*id).map_or(0, |found| found.len());
                    findings.fetch_add(found, Ordering::Relaxed);
                    if let Ok(mut times) = times.lock() {
                        times.push((one.elapsed(), at));
                    }
                }
            });
        }
    });
    let findings = findings.into_inner();
    println!(
        "diagnostics of {} files ({findings} findings) in {:.0} ms",
        opened.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut times = times.into_inner().unwrap_or_default();
    times.sort_by_key(|(elapsed, _)| std::cmp::Reverse(*elapsed));
    for (elapsed, at) in times.iter().take(slowest) {
        println!(
            "{:>8.1} ms {}",
            elapsed.as_secs_f64() * 1e3,
            opened[*at].display()
        );
    }
    if count_queries {
        let log = host.take_executed_queries();
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        let mut distinct: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for query in &log {
            let name = query.split('(').next().unwrap_or(query);
            *by_name.entry(name).or_default() += 1;
            distinct.entry(name).or_default().insert(query);
        }
        let mut counts: Vec<_> = by_name.into_iter().collect();
        counts.sort_by_key(|(_, runs)| std::cmp::Reverse(*runs));
        println!("    runs distinct query");
        for (name, count) in counts {
            println!("{count:>8} {:>8} {name}", distinct[name].len());
        }
    }
}
