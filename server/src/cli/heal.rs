//! `remedy heal --traceback FILE`: map a real traceback onto the workspace and show,
//! for each exception, the failing line, the rule it corresponds to and what the static
//! analysis predicted there.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use analysis::AnalysisHost;

use crate::workspace::load_project;

#[derive(Debug, clap::Args)]
pub struct HealArgs {
    /// A file holding a CPython traceback (`-` reads standard input).
    #[arg(long)]
    pub traceback: String,
    /// The project folder whose files the traceback names (default: the current folder).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

pub fn run(args: HealArgs) -> ExitCode {
    let traceback = if args.traceback == "-" {
        let mut text = String::new();
        if std::io::stdin().read_to_string(&mut text).is_err() {
            eprintln!("remedy: standard input is not UTF-8 text");
            return ExitCode::from(2);
        }
        text
    } else {
        match std::fs::read(&args.traceback) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => {
                eprintln!("remedy: cannot read {}: {error}", args.traceback);
                return ExitCode::from(2);
            }
        }
    };
    let root = std::path::absolute(&args.root).unwrap_or(args.root.clone());
    if !root.is_dir() {
        eprintln!("remedy: {}: not a folder", root.display());
        return ExitCode::from(2);
    }
    let loaded = load_project(&root, None, |_, _| {});
    let mut host = AnalysisHost::new();
    host.apply_change(loaded.change);
    let analysis = host.analysis();
    let Ok(located) = analysis.traceback_diagnostics(&traceback) else {
        return ExitCode::from(2);
    };
    if located.is_empty() {
        eprintln!(
            "remedy: no frame of the traceback is in {} (or no traceback was found)",
            root.display()
        );
        return ExitCode::from(1);
    }
    let mut out = String::new();
    for (file, diagnostic) in located {
        let path = analysis.file_path(file);
        let shown = path.strip_prefix(&root).unwrap_or(&path);
        let rule = diagnostic.rule.unwrap_or("unclassified");
        out.push_str(&format!(
            "{}:{}: {rule}: {}{}{}\n",
            shown.display(),
            diagnostic.line,
            diagnostic.exception,
            if diagnostic.message.is_empty() {
                ""
            } else {
                ": "
            },
            diagnostic.message
        ));
        let text = analysis.file_text(file);
        out.push_str(&format!(
            "    {}\n",
            &text[usize::from(diagnostic.range.start())..usize::from(diagnostic.range.end())]
        ));
        let predicted: Vec<_> = analysis
            .diagnostics(file)
            .unwrap_or_default()
            .into_iter()
            .filter(|finding| {
                finding.range.start() <= diagnostic.range.end()
                    && diagnostic.range.start() <= finding.range.end()
            })
            .collect();
        if predicted.is_empty() {
            out.push_str("    predicted: nothing on this line\n");
        }
        for finding in predicted {
            out.push_str(&format!(
                "    predicted: {} ({}): {}\n",
                finding.rule,
                finding.confidence.as_str(),
                finding.message
            ));
        }
        let fixes = match diagnostic.rule {
            Some(rule) => analysis
                .crash_fixes(file, rule, diagnostic.range)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        match fixes.first() {
            None => out.push_str("    patch: none verified for this crash\n"),
            Some(fix) => {
                out.push_str(&format!(
                    "    patch: {} ({})\n",
                    fix.title,
                    fix.applicability.as_str()
                ));
                for file_edits in &fix.edits {
                    let Some(patched_file) = analysis.file_id(&file_edits.path) else {
                        continue;
                    };
                    let original = analysis.file_text(patched_file);
                    let patched = analysis::patches::apply_edits(&original, &file_edits.edits);
                    let shown = file_edits
                        .path
                        .strip_prefix(&root)
                        .unwrap_or(&file_edits.path)
                        .display()
                        .to_string();
                    out.push_str(&super::fix::unified_diff(&shown, &original, &patched));
                }
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
