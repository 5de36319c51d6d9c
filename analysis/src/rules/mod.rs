//! Error-pattern rules: findings that predict runtime exceptions from the inferred values.
//!
//! Terminology:
//! - A *rule* has an id (`key-error`), metadata in `analysis/rules/*.json` and logic in
//!   one of the family modules below, registered in [`CHECKS`].
//! - A *run* is one interpretation of a scope: the context-free one ([`infer_scope`]) and,
//!   for functions of this file called with known arguments, the specialised ones
//!   ([`infer_call`]). A finding that only shows up in a specialised run names the call.
//! - A *finding* carries a [`Confidence`] and a 0–100 score computed from the members
//!   of the bad value: every member bad → definite; some → likely; an unknown member
//!   beside the bad ones → possible.
//!
//! ```python
//! cfg = {"host": "localhost"}
//! cfg["port"]          # key-error, definite: the only member lacks 'port'
//! ```

mod context;
pub mod metadata;

mod arithmetic;
mod asyncio;
mod attributes;
mod dotted;
mod frameworks;
mod imports;
mod iteration;
mod iterators;
mod lookup;
mod names;
mod navigation;
mod path_guards;
mod pitfalls;
mod plugins;
mod recursion;
mod recursion_progress;
mod recursive_property;
mod regex_text;
mod removed_names;
mod replay;
mod security;
mod stdlib_modules;
mod subclasses;
mod taint;
pub mod traceback;
mod types;
pub mod user;
mod versions;

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use smol_str::SmolStr;

use crate::config::Confidence;
use crate::db::Db;
use crate::input::SourceFile;

pub use context::RuleContext;
pub(crate) use frameworks::{framework_enabled_by_name, is_python_path};
pub use metadata::{RuleMetadata, all_rule_metadata, rule_docs_url, rule_metadata, rules_markdown};
pub(crate) use plugins::is_manifest_path;

/// One predicted failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: SmolStr,
    pub range: TextRange,
    /// One sentence naming the value, no trailing period.
    pub message: String,
    pub confidence: Confidence,
    /// 0–100: how sure the finding is, finer than `confidence`.
    pub score: u8,
    /// Where the bad value comes from (`None` returned here, the call that passed it).
    pub related: Vec<Related>,
    /// Named parameters for the rule's fix templates (`object`, `key`, …). An `exception`
    /// parameter overrides the rule's exception for this finding.
    pub fix_parameters: Vec<(SmolStr, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: SourceFile,
    pub range: TextRange,
    pub message: String,
}

/// One rule family's logic: the ids it may report and the function that looks.
pub(crate) struct Check {
    pub rules: &'static [&'static str],
    pub run: fn(&mut RuleContext<'_>),
}

/// Every check, in catalog order. The server has no rule-specific code: adding a rule
/// means its metadata entry, its module and one line here.
pub(crate) const CHECKS: &[Check] = &[
    lookup::CHECK,
    iteration::STOP_ITERATION_CHECK,
    iteration::LIST_VALUE_CHECK,
    attributes::NONE_CHECK,
    attributes::UNKNOWN_ATTRIBUTE_CHECK,
    types::ARITY_CHECK,
    types::OPERAND_CHECK,
    types::CAPABILITY_CHECK,
    types::UNHASHABLE_CHECK,
    types::BUILTIN_ARG_CHECK,
    types::ABSTRACT_CHECK,
    types::SHADOWED_CHECK,
    arithmetic::DIVISION_CHECK,
    recursion::CHECK,
    recursive_property::CHECK,
    asyncio::ASYNCIO_CHECK,
    pitfalls::PITFALLS_CHECK,
    iterators::ITERATION_CHECK,
    security::SECURITY_CHECK,
    versions::VERSION_CHECK,
    names::CHECK,
    imports::CHECK,
    removed_names::CHECK,
    frameworks::FASTAPI_CHECK,
    frameworks::REQUEST_KEYS_CHECK,
    frameworks::VIEWS_CHECK,
    frameworks::DJANGO_CHECK,
    frameworks::SQLALCHEMY_CHECK,
    plugins::TOOL_INFO_CHECK,
    plugins::INTERFACE_CHECK,
    plugins::MANIFEST_CHECK,
    // Last: it keeps one finding per rule and line with the rules above.
    replay::REPLAY_CHECK,
];

/// The rule ids that have logic.
pub fn implemented_rules() -> impl Iterator<Item = &'static str> {
    CHECKS.iter().flat_map(|check| check.rules.iter().copied())
}

/// Every finding of `file` (all rules, all confidences), suppressions applied, in
/// source order. Filtering by configuration happens in `ide::diagnostics`.
#[salsa::tracked(returns(ref))]
pub fn file_findings(db: &dyn Db, file: SourceFile) -> Vec<Finding> {
    let config = db.settings().config(db);
    let path = file.path(db);
    if !frameworks::is_python_path(path) {
        // Plugin manifests are JSON: only their own check applies. Other files have none.
        let mut findings = if plugins::is_manifest_path(path) {
            plugins::manifest_findings(db, file).clone()
        } else if user::is_user_rule_path(path) {
            user::rule_file_findings(db, file).clone()
        } else {
            Vec::new()
        };
        findings.retain(|finding| is_rule_enabled(&finding.rule, &config.enable, &config.disable));
        return findings;
    }
    if crate::limits::is_analysis_limited(db, file) {
        // The diagnostics say why (`analysis-limited`).
        return Vec::new();
    }
    let mut context = RuleContext::new(db, file);
    for check in CHECKS {
        let enabled = check
            .rules
            .iter()
            .any(|rule| is_rule_enabled(rule, &config.enable, &config.disable));
        if enabled {
            (check.run)(&mut context);
        }
    }
    // Rules of `.remedy/rules/*.json`: data only, after the built-in ones.
    user::run_user_rules(&mut context);
    let mut findings = context.finish();
    findings.retain(|finding| is_rule_enabled(&finding.rule, &config.enable, &config.disable));
    drop_type_checking_only(db, file, &mut findings);
    drop_generalisations(&mut findings);
    findings
}

/// Computes the per-file summaries that the workspace-wide queries merge or look up (class
/// outlines and class-header words, attributes stored from outside, frameworks imported,
/// import-time events), so that a batch check can compute them on all cores before the
/// first file's findings ask for the merged result, which would otherwise visit every
/// file on one thread.
pub(crate) fn prepare_workspace_summaries(db: &dyn Db, file: SourceFile) {
    let path = file.path(db);
    if !frameworks::is_python_path(path) {
        return;
    }
    frameworks::file_imports_any_framework(db, file);
    if imports::is_workspace_path(crate::modules::module_resolver(db), path) {
        subclasses::class_outlines(db, file);
        subclasses::class_header_words(db, file);
        attributes::prepare_external_attribute_stores(db, file);
    }
    imports::prepare_import_events(db, file);
}

/// Code under `if TYPE_CHECKING:` never runs: nothing there can fail at run time.
fn drop_type_checking_only(db: &dyn Db, file: SourceFile, findings: &mut Vec<Finding>) {
    let parsed = crate::parse::parse(db, file);
    let text = file.text(db);
    let is_type_checking = |condition: tree_sitter::Node<'_>| {
        let condition = text.get(condition.byte_range()).unwrap_or("");
        condition == "TYPE_CHECKING" || condition.ends_with(".TYPE_CHECKING")
    };
    findings.retain(|finding| {
        let start = usize::from(finding.range.start());
        let Some(mut node) = parsed.root().descendant_for_byte_range(start, start) else {
            return true;
        };
        // At most a few dozen levels: statements nest shallowly.
        for _ in 0..64 {
            let Some(parent) = node.parent() else {
                break;
            };
            if kind_of(parent) == "if_statement"
                && child_by_field(parent, "consequence").is_some_and(|body| body.id() == node.id())
                && child_by_field(parent, "condition").is_some_and(is_type_checking)
            {
                return false;
            }
            node = parent;
        }
        true
    });
}

/// A specialised rule (`flask-request-key-error`) and its parent (`key-error`) on the same
/// code are one problem: the parent's finding goes.
fn drop_generalisations(findings: &mut Vec<Finding>) {
    let specialised: Vec<(String, TextRange)> = findings
        .iter()
        .filter_map(|finding| {
            let parent = rule_metadata(&finding.rule)?.parent.clone()?;
            Some((parent, finding.range))
        })
        .collect();
    if specialised.is_empty() {
        return;
    }
    findings.retain(|finding| {
        !specialised.iter().any(|(parent, range)| {
            *parent == finding.rule.as_str()
                && range.start() <= finding.range.end()
                && finding.range.start() <= range.end()
        })
    });
}

/// A rule runs when it is on by default or listed in `enable`, and is not listed in
/// `disable`. Both lists accept rule ids and categories.
fn is_rule_enabled(rule: &str, enable: &[String], disable: &[String]) -> bool {
    let metadata = rule_metadata(rule);
    let category = metadata.map(|metadata| metadata.category.as_str());
    let matches = |entry: &String| entry == rule || Some(entry.as_str()) == category;
    let on_by_default = metadata.is_none_or(|metadata| metadata.default_enabled);
    (on_by_default || enable.iter().any(matches)) && !disable.iter().any(matches)
}

/// The confidence of a finding from a tally of the bad value's members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub bad: usize,
    pub good: usize,
    pub unknown: usize,
    /// The union was capped: some members are not known.
    pub pruned: bool,
    /// The bad members do not hinge on which branch unknown inputs select, so the finding
    /// stays likely in code whose inputs are unknown: what a call returns when it fails
    /// (`re.match(...)`, `d.get(k)`), or what a framework entry point returns, which
    /// every kind of request reaches.
    pub inherent: bool,
}

impl Tally {
    pub fn assess(&self) -> Option<(Confidence, u8)> {
        if self.bad == 0 {
            return None;
        }
        let total = (self.bad + self.good + self.unknown) as f32;
        let share = self.bad as f32 / total;
        if self.unknown > 0 {
            return Some((Confidence::Possible, 30 + (20.0 * share) as u8));
        }
        if self.good > 0 || self.pruned {
            return Some((Confidence::Likely, 55 + (30.0 * share) as u8));
        }
        Some((Confidence::Definite, 95))
    }
}

#[cfg(test)]
mod tests;
