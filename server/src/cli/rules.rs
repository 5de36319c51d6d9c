//! `remedy rules`: every rule with its documentation, as text, JSON or markdown, then the
//! user rules of the workspace (`.remedy/rules/*.json`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use analysis::rules::user::{UserRule, parse_rule_file};
use analysis::rules::{all_rule_metadata, rules_markdown};

use crate::project::collect_user_rule_files;
use crate::workspace::read_text;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RulesFormat {
    /// One block per rule: id, exception, summary and docs.
    Text,
    /// The metadata as a JSON array.
    Json,
    /// The reference page (`docs/rules.md`).
    Markdown,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
    /// Only this rule (by id).
    pub rule: Option<String>,
    /// The workspace whose user rules (`.remedy/rules/*.json`) are listed too.
    #[arg(long, default_value = ".")]
    pub workspace: PathBuf,
}

/// The valid user rules of the workspace with their files; problems go to stderr.
fn user_rules(workspace: &Path) -> Vec<(PathBuf, UserRule)> {
    let root = super::project_root_for(workspace);
    let mut rules = Vec::new();
    for path in collect_user_rule_files(&root) {
        let Some(text) = read_text(&path) else {
            continue;
        };
        let file = parse_rule_file(&text);
        let lines = analysis::LineIndex::new(&text);
        for error in &file.errors {
            let at = lines.line_col(error.range.start());
            eprintln!(
                "remedy: {}:{}:{}: {} (invalid-user-rule)",
                path.display(),
                at.line + 1,
                at.col + 1,
                error.message
            );
        }
        for rule in file.rules {
            let taken = rules
                .iter()
                .any(|(_, seen): &(PathBuf, UserRule)| seen.id == rule.id);
            if taken {
                eprintln!(
                    "remedy: {}: rule id `{}` is already defined by another rule file; ignored",
                    path.display(),
                    rule.id
                );
            } else {
                rules.push((path.clone(), (*rule).clone()));
            }
        }
    }
    rules
}

pub fn run(args: RulesArgs) -> ExitCode {
    let rules: Vec<_> = all_rule_metadata()
        .iter()
        .filter(|rule| args.rule.as_deref().is_none_or(|id| rule.id == id))
        .collect();
    let user: Vec<(PathBuf, UserRule)> = user_rules(&args.workspace)
        .into_iter()
        .filter(|(_, rule)| args.rule.as_deref().is_none_or(|id| rule.id == id))
        .collect();
    if rules.is_empty() && user.is_empty() {
        eprintln!(
            "remedy: no rule named `{}` (run `remedy rules` for the list)",
            args.rule.as_deref().unwrap_or("")
        );
        return ExitCode::from(2);
    }
    let out = match args.format {
        RulesFormat::Markdown => {
            let mut out = rules_markdown();
            if !user.is_empty() {
                out.push_str("\n## User rules of this workspace\n");
                for (path, rule) in &user {
                    out.push_str(&format!(
                        "\n### `{}`\n\n{}\n\n- File: `{}`\n- Message: {}\n- Query: `{}`\n",
                        rule.id,
                        rule.summary.as_deref().unwrap_or("(no summary)"),
                        path.display(),
                        rule.message,
                        rule.query_source().replace('`', "'")
                    ));
                }
            }
            out
        }
        RulesFormat::Json => {
            let values: Vec<serde_json::Value> = rules
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "id": rule.id,
                        "exception": rule.exception,
                        "category": rule.category,
                        "summary": rule.summary,
                        "parent": rule.parent,
                        "frameworks": rule.frameworks,
                        "fixes": rule.fixes,
                        "docs": {
                            "flags": rule.docs.flags,
                            "why": rule.docs.why,
                            "example": rule.docs.example,
                            "healing": rule.docs.healing,
                        },
                    })
                })
                .collect();
            let values: Vec<serde_json::Value> = values
                .into_iter()
                .chain(user.iter().map(|(path, rule)| {
                    serde_json::json!({
                        "id": rule.id.as_str(),
                        "user": true,
                        "file": path.display().to_string(),
                        "exception": rule.exception,
                        "summary": rule.summary,
                        "message": rule.message,
                        "query": rule.query_source(),
                        "confidence": rule.confidence.as_str(),
                        "has_fix": rule.has_fix(),
                    })
                }))
                .collect();
            serde_json::to_string_pretty(&values).unwrap_or_default() + "\n"
        }
        RulesFormat::Text => {
            let mut out = String::new();
            for rule in rules {
                let exception = rule.exception.as_deref().unwrap_or("-");
                out.push_str(&format!(
                    "{} ({}, {})\n  {}\n  flags: {}\n  why: {}\n  healing: {}\n\n",
                    rule.id,
                    rule.category,
                    exception,
                    rule.summary,
                    rule.docs.flags,
                    rule.docs.why,
                    rule.docs.healing
                ));
            }
            for (path, rule) in &user {
                out.push_str(&format!(
                    "{} (user rule, {}, {})\n  {}\n  message: {}\n  query: {}\n  file: {}\n\n",
                    rule.id,
                    rule.confidence.as_str(),
                    rule.exception.as_deref().unwrap_or("-"),
                    rule.summary.as_deref().unwrap_or("(no summary)"),
                    rule.message,
                    rule.query_source(),
                    path.display()
                ));
            }
            out
        }
    };
    // A closed pipe (`remedy rules | head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
