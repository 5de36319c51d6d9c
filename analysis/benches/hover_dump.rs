//! Prints the hover on every `def` name and parameter of the files given, one file per
//! fresh database: `cargo bench -p remedy-analysis --bench hover_dump -- FILE...`. Two
//! builds' outputs compared with `diff` check that a speed-up left the hovers as they were.

use std::path::PathBuf;

use analysis::{AnalysisHost, Change, TextSize};

fn main() {
    let files: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .map(PathBuf::from)
        .collect();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let mut host = AnalysisHost::new();
        let mut change = Change::default();
        change.set_file(path.as_path(), text.clone());
        host.apply_change(change);
        let Some(file) = host.file_id(&path) else {
            continue;
        };
        let analysis = host.analysis();
        for offset in definition_positions(&text) {
            let hover = analysis
                .hover(file, TextSize::from(offset as u32))
                .ok()
                .flatten()
                .map(|hover| hover.markdown);
            println!("== {}:{offset}\n{hover:?}", path.display());
        }
    }
}

/// Offsets of the names of `def`s and of their parameters (first line of the header).
fn definition_positions(text: &str) -> Vec<usize> {
    let mut positions = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rest = trimmed.strip_prefix("async ").unwrap_or(trimmed);
        if let Some(after) = rest.strip_prefix("def ") {
            let name_at = offset + indent + (trimmed.len() - rest.len()) + 4;
            positions.push(name_at);
            if let Some(open) = after.find('(') {
                let parameters_start = name_at + open + 1;
                let parameters = &after[open + 1..];
                let end = parameters.find(')').unwrap_or(parameters.len());
                let mut at = 0;
                for part in parameters[..end].split(',') {
                    let bare = part.trim_start_matches([' ', '*']);
                    if bare
                        .chars()
                        .next()
                        .is_some_and(|first| first.is_alphabetic() || first == '_')
                    {
                        positions.push(parameters_start + at + (part.len() - bare.len()));
                    }
                    at += part.len() + 1;
                }
            }
        }
        offset += line.len();
    }
    positions
}
