//! Rule metadata: the JSON files under `analysis/rules/`, compiled into the binary.
//!
//! Every rule Remedy knows is described there (id, exception, category, docs, parent,
//! frameworks, fix templates); the Rust side only holds each rule's logic. A test checks
//! that the two agree both ways.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::ide::Severity;

/// The metadata files, by name (one per rule category).
const METADATA_FILES: &[(&str, &str)] = &[
    ("lookup.json", include_str!("../../rules/lookup.json")),
    ("none.json", include_str!("../../rules/none.json")),
    ("names.json", include_str!("../../rules/names.json")),
    ("types.json", include_str!("../../rules/types.json")),
    (
        "arithmetic.json",
        include_str!("../../rules/arithmetic.json"),
    ),
    ("asyncio.json", include_str!("../../rules/asyncio.json")),
    ("pitfalls.json", include_str!("../../rules/pitfalls.json")),
    (
        "frameworks.json",
        include_str!("../../rules/frameworks.json"),
    ),
    ("plugins.json", include_str!("../../rules/plugins.json")),
    ("syntax.json", include_str!("../../rules/syntax.json")),
];

/// One rule's description.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleMetadata {
    /// Kebab-case id naming the bad pattern (`key-error`).
    pub id: String,
    /// The exception the pattern raises at run time, if any (`KeyError`).
    #[serde(default)]
    pub exception: Option<String>,
    /// The catalog section (`lookup`, `none`, `names`, …).
    pub category: String,
    /// A fixed severity; by default the severity follows the finding's confidence.
    #[serde(default)]
    pub severity: Option<SeverityName>,
    /// One line: what goes wrong.
    pub summary: String,
    pub docs: RuleDocs,
    /// The generic rule this one specialises (`flask-request-key-error` → `key-error`).
    #[serde(default)]
    pub parent: Option<String>,
    /// Frameworks whose import switches the rule on; empty for general rules.
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// Names of the fix templates the rule may use (see the healing patches).
    #[serde(default)]
    pub fixes: Vec<String>,
    /// Whether the rule runs without being listed in `enable`. Style-level pitfalls that
    /// do not predict a failure are opt-in.
    #[serde(default = "enabled_by_default")]
    pub default_enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RuleDocs {
    /// What the rule flags.
    pub flags: String,
    /// Why it matters at run time.
    pub why: String,
    /// A small Python example that triggers it.
    pub example: String,
    /// How the healing patch fixes it (or why there is none).
    pub healing: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Info,
    Hint,
}

impl SeverityName {
    pub fn severity(self) -> Severity {
        match self {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Info => Severity::Information,
            SeverityName::Hint => Severity::Hint,
        }
    }
}

/// Every rule's metadata, in catalog order.
pub fn all_rule_metadata() -> &'static [RuleMetadata] {
    static METADATA: OnceLock<Vec<RuleMetadata>> = OnceLock::new();
    METADATA.get_or_init(|| {
        let mut all = Vec::new();
        for (name, text) in METADATA_FILES {
            // The files are compiled in and checked by `metadata_files_parse`.
            let rules: Vec<RuleMetadata> = serde_json::from_str(text)
                .unwrap_or_else(|error| panic!("rules/{name} is not valid metadata: {error}"));
            all.extend(rules);
        }
        all
    })
}

pub fn rule_metadata(id: &str) -> Option<&'static RuleMetadata> {
    all_rule_metadata().iter().find(|rule| rule.id == id)
}

/// Where a rule's documentation lives online.
pub fn rule_docs_url(id: &str) -> String {
    format!("https://github.com/remedy-lsp/remedy/blob/main/docs/rules.md#{id}")
}

/// The rule reference as markdown (`docs/rules.md` is this text; a test keeps it current).
pub fn rules_markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Remedy rules\n\n\
         Generated from `analysis/rules/*.json` by `remedy rules --markdown`; do not edit by hand.\n\n\
         Every finding carries a confidence: **definite** (every path yields the bad value), \
         **likely** (some branch does), **possible** (it depends on a value Remedy cannot see). \
         Silence one line with `# remedy: ignore[rule-id]`.\n",
    );
    let mut rules: Vec<&RuleMetadata> = all_rule_metadata().iter().collect();
    rules.sort_by_key(|rule| category_rank(&rule.category));
    let mut category = "";
    for rule in rules {
        if rule.category != category {
            category = &rule.category;
            let _ = write!(out, "\n## {}\n", category_title(category));
        }
        let _ = write!(out, "\n### {}\n\n{}\n\n", rule.id, rule.summary);
        if let Some(exception) = &rule.exception {
            let _ = writeln!(out, "- Fails with: `{exception}`");
        }
        if let Some(parent) = &rule.parent {
            let _ = writeln!(out, "- Specialises: [`{parent}`](#{parent})");
        }
        if !rule.frameworks.is_empty() {
            let _ = writeln!(out, "- Frameworks: {}", rule.frameworks.join(", "));
        }
        if let Some(severity) = rule.severity {
            let _ = writeln!(out, "- Severity: {}", severity.severity().as_str());
        }
        if !rule.default_enabled {
            let _ = writeln!(
                out,
                "- Off by default: turn it on with `enable = [\"{}\"]`",
                rule.id
            );
        }
        let _ = write!(
            out,
            "\n**What it flags.** {}\n\n**Why it matters.** {}\n\n**Example.**\n\n```python\n{}\n```\n\n**Healing.** {}\n",
            rule.docs.flags,
            rule.docs.why,
            rule.docs.example.trim_end(),
            rule.docs.healing
        );
    }
    out
}

/// The catalog order of categories (unknown ones last).
const CATEGORIES: &[&str] = &[
    "lookup",
    "none",
    "names",
    "types",
    "arithmetic",
    "asyncio",
    "pitfalls",
    "frameworks",
    "plugins",
    "syntax",
];

fn category_rank(category: &str) -> usize {
    CATEGORIES
        .iter()
        .position(|known| *known == category)
        .unwrap_or(CATEGORIES.len())
}

fn category_title(category: &str) -> &str {
    match category {
        "lookup" => "Lookup",
        "none" => "Attributes and None",
        "names" => "Names and imports",
        "types" => "Types",
        "arithmetic" => "Arithmetic and recursion",
        "asyncio" => "asyncio",
        "pitfalls" => "Pitfalls",
        "frameworks" => "Frameworks",
        "plugins" => "Plugin contracts",
        "syntax" => "Syntax and version",
        other => other,
    }
}
