//! `remedy rules`: every rule with its documentation, as text, JSON or markdown.

use std::io::Write as _;
use std::process::ExitCode;

use analysis::rules::{all_rule_metadata, rules_markdown};

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
}

pub fn run(args: RulesArgs) -> ExitCode {
    let rules: Vec<_> = all_rule_metadata()
        .iter()
        .filter(|rule| args.rule.as_deref().is_none_or(|id| rule.id == id))
        .collect();
    if rules.is_empty() {
        eprintln!(
            "remedy: no rule named `{}` (run `remedy rules` for the list)",
            args.rule.as_deref().unwrap_or("")
        );
        return ExitCode::from(2);
    }
    let out = match args.format {
        RulesFormat::Markdown => rules_markdown(),
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
            out
        }
    };
    // A closed pipe (`remedy rules | head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
