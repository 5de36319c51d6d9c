//! The keystroke path in process, without the server or the machine's other load in the
//! way: insert `x_i = i` above the top-level statement nearest the middle of a file, then
//! hover at once on an identifier further down (the scenario of `lspbench.py --edits`).
//!
//! `cargo bench -p remedy-analysis --bench edit_hover [-- FILE] [--edits N] [--diagnostics]
//! [--insert-line LINE] [--targets TARGETS] [--count-queries] [--workspace FOLDER]`
//!
//! FILE defaults to the stdlib's `_pydecimal.py`. Prints p50/p95/max of the write (the
//! edit applied to the database) and of the hover, and the hovers that took longest.
//! With `--diagnostics` the file's diagnostics are computed after every hover, as the
//! server does once the typing pauses. `--insert-line` (0-based) and `--targets` (a file
//! of `LINE COLUMN` rows, 0-based, in the unedited text, hovered in order) replay the
//! exact edits and hovers of a `lspbench.py` run, whose insertion line and targets this
//! bench otherwise only approximates. `--count-queries` records the queries each hover
//! runs and prints, with the slowest hovers, how many of them were `infer_scope` and
//! `infer_call`. `--workspace` adds every `.py` file under FOLDER as a workspace root, as
//! the server does (`lspbench.py` runs on the bench corpus's `Lib`): the hover then also
//! verifies and resolves what the file imports.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use analysis::resolve::{SearchRoot, SearchRootKind};
use analysis::text_edit::TextEdit;
use analysis::{AnalysisHost, Change, TextRange, TextSize};

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    let mut file: Option<PathBuf> = None;
    let mut edits = 100usize;
    let mut with_diagnostics = false;
    let mut insert_line_argument: Option<usize> = None;
    let mut targets_file: Option<PathBuf> = None;
    let mut count_queries = false;
    let mut verify_every = 0usize;
    let mut workspace: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--edits" => {
                edits = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(edits)
            }
            "--diagnostics" => with_diagnostics = true,
            "--insert-line" => {
                insert_line_argument = args.next().and_then(|value| value.parse().ok())
            }
            "--targets" => targets_file = args.next().map(PathBuf::from),
            "--count-queries" => count_queries = true,
            "--workspace" => workspace = args.next().map(PathBuf::from),
            "--verify" => {
                verify_every = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(10)
            }
            _ => file = Some(PathBuf::from(arg)),
        }
    }
    let file = file.unwrap_or_else(|| {
        common::stdlib_path()
            .expect("python3 runs")
            .join("_pydecimal.py")
    });
    let mut text = std::fs::read_to_string(&file).expect("the file is readable UTF-8");
    let mut host = if count_queries {
        AnalysisHost::with_event_log()
    } else {
        AnalysisHost::new()
    };
    let mut change = Change::default();
    if let Some(folder) = &workspace {
        change.search_roots = Some(vec![SearchRoot {
            path: folder.clone(),
            kind: SearchRootKind::Workspace,
        }]);
        let mut loaded = 0usize;
        for path in common::python_files(folder) {
            if path != file
                && let Ok(content) = std::fs::read_to_string(&path)
            {
                change.set_file(path.as_path(), content);
                loaded += 1;
            }
        }
        println!("workspace: {loaded} other files under {}", folder.display());
    }
    change.set_file(file.as_path(), text.clone());
    host.apply_change(change);
    let id = host.file_id(&file).expect("the file was just added");
    // Warm: what the server has computed by the time the user types.
    let warm = Instant::now();
    let _ = host.analysis().diagnostics(id);
    println!(
        "warm-up (diagnostics): {:.0} ms",
        warm.elapsed().as_secs_f64() * 1e3
    );

    let insert_line = insert_line_argument.unwrap_or_else(|| insertion_line(&text));
    let targets: Vec<(usize, usize)> = match &targets_file {
        Some(path) => std::fs::read_to_string(path)
            .expect("the targets file is readable")
            .lines()
            .filter_map(|row| {
                let mut fields = row.split_whitespace().map(|field| field.parse().ok());
                Some((fields.next()??, fields.next()??))
            })
            .collect(),
        None => {
            let targets: Vec<(usize, usize)> = identifier_positions(&text)
                .into_iter()
                .filter(|&(line, _)| line > insert_line + 20)
                .collect();
            let step = (targets.len() / edits.max(1)).max(1);
            targets.into_iter().step_by(step).collect()
        }
    };
    if targets.is_empty() {
        println!("no identifier 20 lines below the insertion point: nothing to hover");
        return;
    }

    let mut writes: Vec<Duration> = Vec::new();
    let mut hovers: Vec<(Duration, usize, String)> = Vec::new();
    for i in 0..edits {
        let offset = line_start(&text, insert_line + i);
        let insert = format!("x_{i} = {i}\n");
        let edit = TextEdit::replace(
            TextRange::empty(TextSize::from(offset as u32)),
            insert.clone(),
        );
        text.insert_str(offset, &insert);
        let mut change = Change::default();
        change.edit_file(file.as_path(), vec![edit]);
        let started = Instant::now();
        host.apply_change(change);
        writes.push(started.elapsed());

        let (line, column) = targets[i % targets.len()];
        let hover_offset = (line_start(&text, line + i + 1) + column).min(text.len());
        if count_queries {
            let _ = host.take_executed_queries();
        }
        let analysis = host.analysis();
        let started = Instant::now();
        let hover = analysis.hover(id, TextSize::from(hover_offset as u32));
        let elapsed = started.elapsed();
        let executed = if count_queries {
            let log = host.take_executed_queries();
            let count = |prefix: &str| log.iter().filter(|query| query.starts_with(prefix)).count();
            format!(
                " [{} queries: infer_scope {}, infer_call {}]",
                log.len(),
                count("infer_scope"),
                count("infer_call")
            )
        } else {
            String::new()
        };
        let word_start = text[..hover_offset]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |at| at + 1);
        let word: String = text[word_start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let answered = matches!(hover, Ok(Some(_)));
        hovers.push((
            elapsed,
            line + i + 2,
            format!("{word}{}{executed}", if answered { "" } else { " (empty)" }),
        ));
        if with_diagnostics {
            let _ = analysis.diagnostics(id);
        }
        drop(analysis);
        if verify_every > 0 && (i + 1) % verify_every == 0 {
            verify_against_fresh(&host, &file, &text);
        }
    }
    writes.sort();
    let mut latencies: Vec<Duration> = hovers.iter().map(|(elapsed, ..)| *elapsed).collect();
    latencies.sort();
    let ms = |duration: Duration| duration.as_secs_f64() * 1e3;
    let percentile =
        |sorted: &[Duration], p: f64| sorted[((sorted.len() as f64 - 1.0) * p) as usize];
    println!(
        "write  p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        ms(percentile(&writes, 0.5)),
        ms(percentile(&writes, 0.95)),
        ms(percentile(&writes, 1.0))
    );
    println!(
        "hover  p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms, mean {:.2} ms",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 1.0)),
        ms(latencies.iter().sum::<Duration>()) / latencies.len().max(1) as f64
    );
    hovers.sort_by_key(|(elapsed, ..)| std::cmp::Reverse(*elapsed));
    for (elapsed, line, word) in hovers.iter().take(8) {
        println!("  {:.1} ms  L{line} `{word}`", ms(*elapsed));
    }
}

/// `--verify N`: every N edits, the hovers on a sample of identifiers (every 97th) and the
/// diagnostics must equal those of a fresh database holding the same text (warmed up the
/// same way); prints the differences.
fn verify_against_fresh(host: &AnalysisHost, file: &std::path::Path, text: &str) {
    let mut fresh = AnalysisHost::new();
    let mut change = Change::default();
    change.set_file(file, text.to_owned());
    fresh.apply_change(change);
    let (id, fresh_id) = (
        host.file_id(file).expect("the file is known"),
        fresh.file_id(file).expect("the file was just added"),
    );
    let (analysis, fresh_analysis) = (host.analysis(), fresh.analysis());
    let diagnostics = format!("{:?}", analysis.diagnostics(id));
    let fresh_diagnostics = format!("{:?}", fresh_analysis.diagnostics(fresh_id));
    let positions: Vec<(usize, usize)> =
        identifier_positions(text).into_iter().step_by(97).collect();
    let mut differences = 0;
    for &(line, column) in &positions {
        let offset = TextSize::from((line_start(text, line) + column) as u32);
        let hover = format!(
            "{:?}",
            analysis.hover(id, offset).map(|h| h.map(|h| h.markdown))
        );
        let expected = format!(
            "{:?}",
            fresh_analysis
                .hover(fresh_id, offset)
                .map(|h| h.map(|h| h.markdown))
        );
        if hover != expected {
            differences += 1;
            if differences <= 3 {
                println!(
                    "  DIFF L{} C{column}:\n    {hover}\n    {expected}",
                    line + 1
                );
            }
        }
    }
    println!(
        "verify: {} hovers, {differences} differ; diagnostics {}",
        positions.len(),
        if diagnostics == fresh_diagnostics {
            "equal"
        } else {
            "DIFFER"
        }
    );
}

/// The line (0-based) of the top-level statement nearest the middle of the file.
fn insertion_line(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let middle = lines.len() / 2;
    (0..lines.len())
        .map(|distance| [middle.saturating_sub(distance), middle + distance])
        .flat_map(|candidates| candidates.into_iter())
        .find(|&line| {
            lines.get(line).is_some_and(|content| {
                content
                    .chars()
                    .next()
                    .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
            })
        })
        .unwrap_or(0)
}

fn line_start(text: &str, line: usize) -> usize {
    if line == 0 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 1)
        .map_or(text.len(), |(at, _)| at + 1)
}

/// (line, column) of identifiers that are not keywords, outside comments (rough lexer).
fn identifier_positions(text: &str) -> Vec<(usize, usize)> {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    let mut positions = Vec::new();
    for (line_number, line) in text.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("");
        if code.contains('"') || code.contains('\'') {
            continue;
        }
        let bytes = code.as_bytes();
        let mut column = 0;
        while column < bytes.len() {
            let byte = bytes[column];
            if byte.is_ascii_alphabetic() || byte == b'_' {
                let start = column;
                while column < bytes.len()
                    && (bytes[column].is_ascii_alphanumeric() || bytes[column] == b'_')
                {
                    column += 1;
                }
                if !KEYWORDS.contains(&&code[start..column]) {
                    positions.push((line_number, start));
                }
            } else if byte.is_ascii_digit() {
                while column < bytes.len() && bytes[column].is_ascii_alphanumeric() {
                    column += 1;
                }
            } else {
                column += 1;
            }
        }
    }
    positions
}
