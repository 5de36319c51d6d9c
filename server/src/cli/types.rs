//! `remedy types FILE... [--format text|json]`: the type names inferred for every
//! function (its returns), parameter (what callers pass) and bound name of the files.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use analysis::ide::{InferredType, TypeSubject};
use analysis::{AnalysisHost, FileId};
use serde_json::json;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TypesFormat {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct TypesArgs {
    /// The Python files to report on; calls in any of them inform the others.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// `json`: one document with every file's facts, for tools and benchmarks.
    #[arg(long, value_enum, default_value_t)]
    pub format: TypesFormat,
}

pub fn run(args: TypesArgs) -> ExitCode {
    let (host, files) = match load_files(&args.files) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let ids: Vec<FileId> = files.iter().map(|(_, id)| *id).collect();
    let Ok(facts) = host.analysis().inferred_types(&ids) else {
        return ExitCode::from(2);
    };
    let mut stdout = std::io::stdout().lock();
    let named: Vec<(&Path, &[InferredType])> = files
        .iter()
        .zip(&facts)
        .map(|((path, _), (_, facts))| (path.as_path(), facts.as_slice()))
        .collect();
    // A closed pipe (`| head`) ends the output quietly.
    let _ = match args.format {
        TypesFormat::Json => writeln!(stdout, "{}", to_json(&named)),
        TypesFormat::Text => write_text(&mut stdout, &named),
    };
    ExitCode::SUCCESS
}

/// The files with the project of the first one (its search roots and settings).
fn load_files(paths: &[PathBuf]) -> Result<(AnalysisHost, Vec<(PathBuf, FileId)>), ExitCode> {
    let mut absolute = Vec::new();
    for path in paths {
        let Ok(path) = std::path::absolute(path) else {
            eprintln!("remedy: {}: invalid path", path.display());
            return Err(ExitCode::from(2));
        };
        if !path.is_file() {
            eprintln!("remedy: {}: no such file", path.display());
            return Err(ExitCode::from(2));
        }
        absolute.push(path);
    }
    let root = super::project_root_for(&absolute[0]);
    let loaded = crate::workspace::load_project(&root, None, |_, _| {});
    let mut change = loaded.change;
    for path in &absolute {
        if let Some(text) = crate::workspace::read_text(path) {
            change.set_file(path.as_path(), text);
        }
    }
    let mut host = AnalysisHost::new();
    host.apply_change(change);
    let mut files = Vec::new();
    for path in absolute {
        match host.file_id(&path) {
            Some(id) => files.push((path, id)),
            None => {
                eprintln!("remedy: {}: not a Python file", path.display());
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok((host, files))
}

fn subject_name(subject: TypeSubject) -> &'static str {
    match subject {
        TypeSubject::Function => "function",
        TypeSubject::Parameter => "parameter",
        TypeSubject::Variable => "variable",
    }
}

fn to_json(files: &[(&Path, &[InferredType])]) -> String {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(path, facts)| {
            let facts: Vec<serde_json::Value> = facts
                .iter()
                .map(|fact| {
                    json!({
                        "kind": subject_name(fact.subject),
                        "name": fact.name,
                        "function": fact.function,
                        "line": fact.line + 1,
                        "column": fact.column + 1,
                        "types": fact.types,
                        "parameterized": fact.parameterized,
                        "unknown": fact.unknown,
                    })
                })
                .collect();
            json!({"file": path.display().to_string(), "facts": facts})
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "files": files })).unwrap_or_default()
}

fn write_text(
    out: &mut impl std::io::Write,
    files: &[(&Path, &[InferredType])],
) -> std::io::Result<()> {
    for (path, facts) in files {
        writeln!(out, "{}", path.display())?;
        for fact in facts.iter() {
            let owner = match &fact.function {
                Some(function) if fact.subject != TypeSubject::Function => {
                    format!(" in {function}")
                }
                _ => String::new(),
            };
            let mut types = fact.types.join(" | ");
            if fact.unknown {
                types.push_str(if fact.types.is_empty() { "?" } else { " | ?" });
            }
            writeln!(
                out,
                "  {}:{} {} {}{} -> {}",
                fact.line + 1,
                fact.column + 1,
                subject_name(fact.subject),
                fact.name,
                owner,
                types
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lists_each_fact_with_one_based_positions() {
        let facts = vec![InferredType {
            subject: TypeSubject::Parameter,
            name: "a".to_owned(),
            function: Some("func".to_owned()),
            line: 3,
            column: 9,
            types: vec!["function".to_owned()],
            parameterized: vec!["function".to_owned()],
            unknown: false,
        }];
        let files = [(Path::new("main.py"), facts.as_slice())];
        let document: serde_json::Value = serde_json::from_str(&to_json(&files)).unwrap();
        let fact = &document["files"][0]["facts"][0];
        assert_eq!(document["files"][0]["file"], "main.py");
        assert_eq!(fact["kind"], "parameter");
        assert_eq!(fact["function"], "func");
        assert_eq!(fact["line"], 4);
        assert_eq!(fact["column"], 10);
        assert_eq!(fact["types"][0], "function");
    }
}
