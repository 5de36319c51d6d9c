//! `remedy fix PATH... [--unsafe] [--diff]`: apply verified healing patches in rounds
//! until nothing more can be healed, then write the files or print the diff.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use analysis::{AnalysisHost, Change, FileId};
use clap::Args;

use super::project_root_for;
use crate::workspace::load_project;

/// Rounds of "apply every fix, re-analyse": patches that clash or enable each other
/// converge within a few.
const MAX_ROUNDS: usize = 5;

#[derive(Args)]
pub struct FixArgs {
    /// Files or folders to heal (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Also apply fixes that change behaviour on the path that works (renames, early returns).
    #[arg(long = "unsafe")]
    pub include_unsafe: bool,
    /// Print a unified diff instead of writing the files.
    #[arg(long)]
    pub diff: bool,
}

pub fn run(args: FixArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut by_root: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for path in &paths {
        if !path.exists() {
            eprintln!("remedy: {}: no such file or folder", path.display());
            return ExitCode::from(2);
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        by_root
            .entry(project_root_for(&absolute))
            .or_default()
            .push(absolute);
    }
    let mut changed_files = 0usize;
    let mut applied_rounds = 0usize;
    let mut diff_output = String::new();
    for (root, selected) in by_root {
        let loaded = load_project(&root, None, |_, _| {});
        let mut host = AnalysisHost::new();
        host.apply_change(loaded.change);
        let files: Vec<(PathBuf, FileId)> = loaded
            .workspace_files
            .iter()
            .filter(|file| selected.iter().any(|selected| file.starts_with(selected)))
            .filter(|file| file.extension().is_some_and(|extension| extension == "py"))
            .filter_map(|file| host.file_id(file).map(|id| (file.clone(), id)))
            .collect();
        let originals: Vec<(PathBuf, FileId, std::sync::Arc<str>)> = files
            .iter()
            .map(|(path, id)| (path.clone(), *id, host.file_text(*id)))
            .collect();
        for _ in 0..MAX_ROUNDS {
            let analysis = host.analysis();
            let mut change = Change::default();
            let mut any = false;
            for (path, file) in &files {
                let Ok(edits) = analysis.fix_all(*file, args.include_unsafe) else {
                    continue;
                };
                if edits.is_empty() {
                    continue;
                }
                let text = analysis.file_text(*file);
                change.set_file(
                    path.as_path(),
                    analysis::patches::apply_edits(&text, &edits),
                );
                any = true;
            }
            drop(analysis);
            if !any {
                break;
            }
            applied_rounds += 1;
            host.apply_change(change);
        }
        for (path, file, original) in originals {
            let patched = host.file_text(file);
            if *patched == *original {
                continue;
            }
            changed_files += 1;
            let shown = path
                .strip_prefix(std::env::current_dir().unwrap_or_default())
                .unwrap_or(&path)
                .display()
                .to_string();
            if args.diff {
                diff_output.push_str(&unified_diff(&shown, &original, &patched));
            } else if let Err(error) = std::fs::write(&path, patched.as_bytes()) {
                eprintln!("remedy: cannot write {shown}: {error}");
                return ExitCode::from(2);
            } else {
                eprintln!("remedy: healed {shown}");
            }
        }
    }
    if args.diff {
        print!("{diff_output}");
    }
    eprintln!(
        "remedy: {changed_files} file(s) {} in {applied_rounds} round(s)",
        if args.diff { "would change" } else { "changed" }
    );
    if args.diff && changed_files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A unified diff of two texts with three lines of context.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}
