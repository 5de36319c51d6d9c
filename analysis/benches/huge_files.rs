//! Time and memory of the pathological files of the session fuzz, phase by phase.
//!
//! `cargo bench -p remedy-analysis --bench huge_files [-- KIND...]` with KIND among
//! `lines` (100,000 lines, 100 functions), `flat` (100,000 top-level assignments),
//! `megaline` (a 1 MB line) and `chain` (a 20,000-term `x + x + …`). For each: the
//! first diagnostics, hover and symbols, then an edit in the middle and the same again,
//! with the process's RSS after each step, its peak and the bytes allocated.
//! `HUGE_LINES=N` changes the line count of `lines` and `flat`; `HUGE_TREE_SITTER=1`
//! first times a bare tree-sitter parse.

use std::time::Instant;

use analysis::text_edit::TextEdit;
use analysis::{AnalysisHost, Change, TextRange, TextSize};

fn generate(kind: &str) -> String {
    // `HUGE_LINES=20000` sizes the line-based kinds below the analysis limits.
    let lines: usize = std::env::var("HUGE_LINES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100_000);
    match kind {
        "lines" => {
            let mut text = String::from("import os\n");
            for line in 0..lines - 1 {
                match line % 1000 {
                    0 => text.push_str(&format!("def f{line}(a, b=1):\n")),
                    999 => text.push_str("    return a\n"),
                    _ => text.push_str(&format!("    v{} = a + {line}\n", line % 97)),
                }
            }
            text
        }
        "flat" => {
            let mut text = String::from("import os\n");
            for line in 0..lines - 1 {
                text.push_str(&format!("v{} = v{} + {line}\n", line % 97, (line + 1) % 97));
            }
            text
        }
        "megaline" => format!("data = [{}]\nprint(data)\n", vec!["1"; 333_333].join(", ")),
        "chain" => format!("y = {}\n", vec!["x"; 20_000].join(" + ")),
        other => panic!("unknown kind {other}"),
    }
}

fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!(
        "rss {:4} MB, peak {:4} MB, in use {:4} MB",
        field("VmRSS:"),
        field("VmHWM:"),
        heap_in_use() / (1024 * 1024)
    )
}

/// glibc's count of bytes allocated and not freed (RSS keeps freed pages).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_in_use() -> usize {
    #[repr(C)]
    struct MallInfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    unsafe extern "C" {
        fn mallinfo2() -> MallInfo2;
    }
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let info = unsafe { mallinfo2() };
    info.uordblks + info.hblkhd
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_in_use() -> usize {
    0
}

fn step<T>(label: &str, run: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = run();
    println!(
        "  {label:<24} {:>9.1} ms   {}",
        start.elapsed().as_secs_f64() * 1000.0,
        memory()
    );
    result
}

fn tree_sitter_alone(text: &str) {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("grammar loads");
    let tree = step("tree-sitter alone", || {
        parser.parse(text, None).expect("parses")
    });
    let mut cursor = tree.walk();
    let mut nodes = 0usize;
    'walk: loop {
        nodes += 1;
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    println!("  ({nodes} nodes)");
    drop(cursor);
    // A one-line insert in the middle, reparsed incrementally.
    let middle = text[..text.len() / 2].rfind('\n').map_or(0, |at| at + 1);
    let insert = "    zz = 1\n";
    let mut edited_text = text.to_owned();
    edited_text.insert_str(middle, insert);
    let row = text[..middle].matches('\n').count();
    let mut edited = tree.clone();
    edited.edit(&tree_sitter::InputEdit {
        start_byte: middle,
        old_end_byte: middle,
        new_end_byte: middle + insert.len(),
        start_position: tree_sitter::Point::new(row, 0),
        old_end_position: tree_sitter::Point::new(row, 0),
        new_end_position: tree_sitter::Point::new(row + 1, 0),
    });
    let reparsed = step("tree-sitter reparse", || {
        parser.parse(&edited_text, Some(&edited)).expect("parses")
    });
    drop(reparsed);
    drop(edited);
    drop(tree);
    step("(tree dropped)", || ());
}

fn main() {
    let kinds: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    let kinds = if kinds.is_empty() {
        ["lines", "flat", "megaline", "chain"]
            .map(String::from)
            .to_vec()
    } else {
        kinds
    };
    for kind in kinds {
        let text = generate(&kind);
        println!(
            "{kind}: {} bytes, {} lines",
            text.len(),
            text.lines().count()
        );
        if std::env::var_os("HUGE_TREE_SITTER").is_some() {
            tree_sitter_alone(&text);
        }
        let path = std::path::PathBuf::from("/huge/big.py");
        let mut host = AnalysisHost::new();
        let mut change = Change::default();
        change.set_file(path.as_path(), text.as_str());
        host.apply_change(change);
        let middle = TextSize::from((text.len() / 2) as u32);
        let middle = TextSize::from(
            text[..u32::from(middle) as usize]
                .rfind('\n')
                .map_or(0, |at| at + 1) as u32,
        );
        let last = TextSize::from(text.trim_end().len().saturating_sub(2) as u32);
        for round in 0..2 {
            let analysis = host.analysis();
            let file = analysis.file_id(&path).expect("file was added");
            analysis
                .with_database(|db| {
                    let source = analysis::modules::file_at(db, &path).expect("file was added");
                    step("(before parse)", || ());
                    step("parse", || {
                        analysis::parse_file(db, source).root().child_count()
                    });
                    let index = step("index", || analysis::index::file_index(db, source));
                    step("infer module", || {
                        analysis::infer::infer_scope(
                            db,
                            source,
                            analysis::index::FileIndex::MODULE_SCOPE,
                        )
                        .loads
                        .len()
                    });
                    step("infer all scopes", || {
                        (0..index.scopes.len())
                            .map(|scope| {
                                analysis::infer::infer_scope(
                                    db,
                                    source,
                                    analysis::index::ScopeId(scope as u32),
                                )
                                .loads
                                .len()
                            })
                            .sum::<usize>()
                    });
                    step("rules", || analysis::rules::file_findings(db, source).len());
                })
                .unwrap();
            let diagnostics = step("diagnostics", || analysis.diagnostics(file).unwrap());
            step("hover middle", || {
                analysis.hover(file, middle + TextSize::from(5)).unwrap()
            });
            step("hover last", || analysis.hover(file, last).unwrap());
            step("symbols", || analysis.document_symbols(file).unwrap());
            step("fixes middle", || {
                analysis
                    .fixes(file, TextRange::new(middle, middle + TextSize::from(3)))
                    .unwrap()
            });
            println!("  ({} diagnostics)", diagnostics.len());
            drop(analysis);
            if round == 0 {
                let mut change = Change::default();
                change.edit_file(
                    path.as_path(),
                    vec![TextEdit {
                        range: TextRange::empty(middle),
                        insert: "    zz = 1\n".to_owned(),
                    }],
                );
                step("edit", || host.apply_change(change));
            }
        }
    }
}
