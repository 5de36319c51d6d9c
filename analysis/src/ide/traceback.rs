//! A pasted or logged traceback, mapped onto the workspace: for each exception, the
//! innermost frame whose file is one of ours, as a diagnostic on that line with the rule
//! id the exception corresponds to.

use std::path::{Component, Path};

use ::line_index::{TextRange, TextSize};

use crate::db::Db;
use crate::input::SourceFile;
use crate::rules::traceback::{TracebackException, parse_traceback};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracebackDiagnostic {
    pub file: SourceFile,
    /// The failing line's text without its indentation.
    pub range: TextRange,
    /// 1-based.
    pub line: u32,
    pub rule: Option<&'static str>,
    pub exception: String,
    pub message: String,
}

/// The workspace locations of every exception in `traceback`, in the order printed.
pub fn traceback_diagnostics(db: &dyn Db, traceback: &str) -> Vec<TracebackDiagnostic> {
    let files = db.workspace().files(db);
    parse_traceback(traceback)
        .into_iter()
        .filter_map(|exception| locate(db, files, exception))
        .collect()
}

fn locate(
    db: &dyn Db,
    files: &std::collections::BTreeMap<std::sync::Arc<Path>, SourceFile>,
    exception: TracebackException,
) -> Option<TracebackDiagnostic> {
    for frame in exception.frames.iter().rev() {
        let Some(file) = matching_file(files, Path::new(&frame.path)) else {
            continue;
        };
        let text = file.text(db);
        let Some(range) = line_range(text, frame.line) else {
            continue;
        };
        return Some(TracebackDiagnostic {
            file,
            range,
            line: frame.line,
            rule: exception.rule,
            exception: exception.exception.clone(),
            message: exception.message.clone(),
        });
    }
    None
}

/// The workspace file a traceback path names: the same path, or else the file sharing
/// the longest tail of path components (the traceback may come from another machine).
fn matching_file(
    files: &std::collections::BTreeMap<std::sync::Arc<Path>, SourceFile>,
    path: &Path,
) -> Option<SourceFile> {
    if let Some(file) = files.get(path) {
        return Some(*file);
    }
    let wanted: Vec<Component<'_>> = path.components().rev().collect();
    let mut best: Option<(usize, SourceFile, &Path)> = None;
    for (candidate, file) in files {
        let shared = candidate
            .components()
            .rev()
            .zip(wanted.iter())
            .take_while(|(left, right)| left == *right)
            .count();
        if shared == 0 {
            continue;
        }
        let better = match &best {
            None => true,
            Some((best_shared, _, best_path)) => {
                shared > *best_shared || (shared == *best_shared && candidate.as_ref() < *best_path)
            }
        };
        if better {
            best = Some((shared, *file, candidate.as_ref()));
        }
    }
    best.map(|(_, file, _)| file)
}

fn line_range(text: &str, line: u32) -> Option<TextRange> {
    let mut offset = 0usize;
    for (index, content) in text.split_inclusive('\n').enumerate() {
        if index + 1 == line as usize {
            let body = content.trim_end_matches(['\n', '\r']);
            let indent = body.len() - body.trim_start().len();
            let start = offset + indent;
            let end = offset + body.len();
            return Some(TextRange::new(
                TextSize::from(start as u32),
                TextSize::from(end as u32),
            ));
        }
        offset += content.len();
    }
    None
}
