//! The leafhub edit of `bench.py` in process: every `.py` file of a folder open (a
//! workspace root), then `--edits` × (insert a line at the start of the body of the first
//! `def` past the middle of one file, then compute the diagnostics of every file, the
//! edited one first), as a server does once the typing pauses.
//!
//! `cargo bench -p remedy-analysis --bench edit_workspace [-- FOLDER] [--file NAME]
//! [--edits N] [--count-queries]`
//!
//! FOLDER defaults to `/tmp/remedy-bench-corpus/leafhub` (written by `bench.py`), NAME to
//! `core.py`, the module every other one imports. Prints p50/max of the write and of the
//! diagnostics of all files after it; `--count-queries` also prints, per edit, how many
//! scope inferences (`infer_scope*`, `infer_call*`) ran again (with the importers'
//! inference kept, only the edited file's), and which queries ran most after the last.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use analysis::resolve::{SearchRoot, SearchRootKind};
use analysis::text_edit::TextEdit;
use analysis::{AnalysisHost, Change, TextRange, TextSize};

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut folder = PathBuf::from("/tmp/remedy-bench-corpus/leafhub");
    let mut edited_name = String::from("core.py");
    let mut edits = 20usize;
    let mut count_queries = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--file" => edited_name = args.next().unwrap_or(edited_name),
            "--edits" => {
                edits = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(edits)
            }
            "--count-queries" => count_queries = true,
            _ => folder = PathBuf::from(arg),
        }
    }
    let edits = edits.max(1);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the folder is readable")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "py"))
        .collect();
    paths.sort();
    let edited = folder.join(&edited_name);
    assert!(
        paths.contains(&edited),
        "{} is not in the folder",
        edited.display()
    );
    // The edited file first, as `bench.py` pulls its diagnostics first.
    paths.retain(|path| *path != edited);
    paths.insert(0, edited.clone());

    let mut host = if count_queries {
        AnalysisHost::with_event_log()
    } else {
        AnalysisHost::new()
    };
    let mut change = Change {
        search_roots: Some(vec![SearchRoot {
            path: folder.clone(),
            kind: SearchRootKind::Workspace,
        }]),
        ..Change::default()
    };
    let mut text = String::new();
    for path in &paths {
        let content = std::fs::read_to_string(path).expect("the file is readable UTF-8");
        if *path == edited {
            text = content.clone();
        }
        change.set_file(path.as_path(), content);
    }
    host.apply_change(change);
    let ids: Vec<_> = paths
        .iter()
        .map(|path| host.file_id(path).expect("the file was just added"))
        .collect();
    let diagnose_all = |host: &AnalysisHost| {
        let analysis = host.analysis();
        for id in &ids {
            let _ = analysis.diagnostics(*id);
        }
    };
    let warm = Instant::now();
    diagnose_all(&host);
    println!(
        "{} files, warm-up (all diagnostics): {:.0} ms",
        ids.len(),
        warm.elapsed().as_secs_f64() * 1e3
    );

    let lines: Vec<&str> = text.lines().collect();
    let body_line = 1
        + (lines.len() / 2..lines.len())
            .find(|&line| lines[line].starts_with("def "))
            .expect("a `def` past the middle of the edited file");
    let mut writes: Vec<Duration> = Vec::new();
    let mut diagnostics: Vec<Duration> = Vec::new();
    let mut reinferred: Vec<usize> = Vec::new();
    for i in 0..edits {
        let offset: usize = text
            .split_inclusive('\n')
            .take(body_line)
            .map(str::len)
            .sum();
        let insert = format!("    edit_{i} = {i}\n");
        text.insert_str(offset, &insert);
        let mut change = Change::default();
        change.edit_file(
            edited.as_path(),
            vec![TextEdit::replace(
                TextRange::empty(TextSize::from(offset as u32)),
                insert,
            )],
        );
        if count_queries {
            let _ = host.take_executed_queries();
        }
        let started = Instant::now();
        host.apply_change(change);
        writes.push(started.elapsed());
        let started = Instant::now();
        diagnose_all(&host);
        diagnostics.push(started.elapsed());
        if count_queries {
            let log = host.take_executed_queries();
            if i + 1 == edits {
                print_most_run(&log);
            }
            reinferred.push(
                log.iter()
                    .filter(|query| {
                        query.starts_with("infer_scope") || query.starts_with("infer_call")
                    })
                    .count(),
            );
        }
    }
    writes.sort();
    diagnostics.sort();
    let ms = |duration: Duration| duration.as_secs_f64() * 1e3;
    let p50 = |sorted: &[Duration]| sorted[(sorted.len() - 1) / 2];
    let max = |sorted: &[Duration]| sorted[sorted.len() - 1];
    println!(
        "write  p50 {:.2} ms, max {:.2} ms",
        ms(p50(&writes)),
        ms(max(&writes))
    );
    println!(
        "all diagnostics after the edit  p50 {:.2} ms, max {:.2} ms",
        ms(p50(&diagnostics)),
        ms(max(&diagnostics))
    );
    if count_queries {
        println!("scope inferences run per edit: {reinferred:?}");
    }
}

/// The queries run most often in `log`, by name (`infer_scope(Id(400))` counts as
/// `infer_scope`).
fn print_most_run(log: &[String]) {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for query in log {
        let name = query.split('(').next().unwrap_or(query);
        *counts.entry(name).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by_key(|(name, count)| (std::cmp::Reverse(*count), *name));
    let listed: Vec<String> = counts
        .iter()
        .take(12)
        .map(|(name, count)| format!("{name} {count}"))
        .collect();
    println!(
        "queries run after the last edit: {} ({})",
        log.len(),
        listed.join(", ")
    );
}
