//! Fix templates: data in `analysis/rules/fixes.json`, compiled in.
//!
//! A template names the rules it heals, a *strategy* (how its text becomes edits: replace
//! a node, wrap the statement in an `if`, insert lines before it, …), conditions on the
//! code around the finding (`when`), the parameters it needs (`requires`), the imports
//! its text uses, an applicability and a rank (lower comes first). `extends` inherits
//! every field the child does not set, so a framework variant only states what differs:
//!
//! ```json
//! { "id": "fastapi-key-404", "extends": "guard-key", "frameworks": ["fastapi"],
//!   "when": ["route"], "strategy": "insert-before-statement",
//!   "text": "if {key} not in {object}:\n{indent}raise HTTPException(status_code=404)" }
//! ```

use std::sync::OnceLock;

use serde::Deserialize;

const FIXES_JSON: &str = include_str!("../../rules/fixes.json");

/// Does the rewrite keep behaviour on the path that did not crash?
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Same behaviour wherever the old code did not raise: applied by fix-all.
    Safe,
    /// A plausible repair that changes behaviour (a rename, an early return): offered, never
    /// applied in bulk unless asked.
    Unsafe,
    /// Shown for the user to finish (a stub); never applied in bulk.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Strategy {
    /// Replace the `target` node with the rendered text.
    Replace,
    /// `if <text>:` around the statement holding the finding.
    WrapStatement,
    /// The statement holding the finding in a `try:`; the rendered lines are its handlers
    /// (`except ValueError:` and their bodies), at the statement's indentation.
    TryStatement,
    /// The rendered lines before the statement holding the finding, at its indentation.
    InsertBeforeStatement,
    /// The rendered lines first in the enclosing function's body (after its docstring).
    InsertBodyStart,
    /// The rendered text as an import statement of the module.
    AddImport,
    /// A mutable default becomes `None`; the rendered lines create the value per call.
    ReplaceDefault,
    /// The rendered lines appended to another module of the workspace.
    AppendToModule,
}

/// A template as written in the data file; every field but `id` may be inherited.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    id: String,
    extends: Option<String>,
    rules: Option<Vec<String>>,
    title: Option<String>,
    strategy: Option<Strategy>,
    target: Option<String>,
    when: Option<Vec<String>>,
    requires: Option<Vec<String>>,
    text: Option<String>,
    imports: Option<Vec<String>>,
    frameworks: Option<Vec<String>>,
    applicability: Option<Applicability>,
    rank: Option<u32>,
}

/// A template with its inheritance resolved.
#[derive(Debug, Clone)]
pub(crate) struct FixTemplate {
    pub id: String,
    pub rules: Vec<String>,
    pub title: String,
    pub strategy: Strategy,
    /// Which node `Replace` rewrites: `finding`, `statement`, `operator`, `operand`, …
    pub target: String,
    pub when: Vec<String>,
    pub requires: Vec<String>,
    pub text: String,
    pub imports: Vec<String>,
    /// Empty: any code; otherwise the template applies only where one of these is in use.
    pub frameworks: Vec<String>,
    pub applicability: Applicability,
    pub rank: u32,
}

/// Every template, sorted by rank.
pub(crate) fn all_templates() -> &'static [FixTemplate] {
    static TEMPLATES: OnceLock<Vec<FixTemplate>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        // The file is compiled in and checked by `fix_templates_resolve`.
        resolve(FIXES_JSON).unwrap_or_else(|error| panic!("rules/fixes.json: {error}"))
    })
}

/// The templates that heal `rule`, best first.
pub(crate) fn templates_for(rule: &str) -> impl Iterator<Item = &'static FixTemplate> {
    all_templates()
        .iter()
        .filter(move |template| template.rules.iter().any(|id| id == rule))
}

fn resolve(json: &str) -> Result<Vec<FixTemplate>, String> {
    let raw: Vec<RawTemplate> = serde_json::from_str(json).map_err(|error| error.to_string())?;
    let mut resolved = Vec::with_capacity(raw.len());
    for template in &raw {
        let mut chain = vec![template];
        let mut current = template;
        while let Some(parent) = &current.extends {
            current = raw
                .iter()
                .find(|candidate| &candidate.id == parent)
                .ok_or_else(|| format!("`{}` extends unknown `{parent}`", template.id))?;
            if chain.len() > raw.len() {
                return Err(format!("`{}` extends itself", template.id));
            }
            chain.push(current);
        }
        // The nearest definition of each field wins.
        macro_rules! field {
            ($name:ident) => {
                chain.iter().find_map(|link| link.$name.clone())
            };
        }
        let missing = |field: &str| format!("`{}` has no {field}", template.id);
        resolved.push(FixTemplate {
            id: template.id.clone(),
            rules: field!(rules).ok_or_else(|| missing("rules"))?,
            title: field!(title).ok_or_else(|| missing("title"))?,
            strategy: field!(strategy).ok_or_else(|| missing("strategy"))?,
            target: field!(target).unwrap_or_else(|| "finding".to_owned()),
            when: field!(when).unwrap_or_default(),
            requires: field!(requires).unwrap_or_default(),
            text: field!(text).ok_or_else(|| missing("text"))?,
            imports: field!(imports).unwrap_or_default(),
            frameworks: field!(frameworks).unwrap_or_default(),
            applicability: field!(applicability).unwrap_or(Applicability::Unsafe),
            rank: field!(rank).unwrap_or(50),
        });
    }
    resolved.sort_by_key(|template| template.rank);
    Ok(resolved)
}

/// Fills `{name}` placeholders from `lookup`; `{{` and `}}` are literal braces. `None` when
/// a placeholder has no value (the template does not apply).
pub(crate) fn render(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let brace = rest.as_bytes()[at];
        rest = &rest[at + 1..];
        if rest.as_bytes().first() == Some(&brace) {
            out.push(brace as char);
            rest = &rest[1..];
            continue;
        }
        if brace == b'}' {
            // A lone `}`: keep it, the data file is checked by tests.
            out.push('}');
            continue;
        }
        let end = rest.find('}')?;
        out.push_str(&lookup(&rest[..end])?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::all_rule_metadata;

    #[test]
    fn fix_templates_resolve() {
        let templates = resolve(FIXES_JSON).unwrap();
        assert!(!templates.is_empty());
        let mut ids: Vec<_> = templates.iter().map(|template| &template.id).collect();
        ids.sort();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "template ids are unique");
        for template in &templates {
            for rule in &template.rules {
                assert!(
                    all_rule_metadata()
                        .iter()
                        .any(|metadata| &metadata.id == rule),
                    "`{}` heals unknown rule `{rule}`",
                    template.id
                );
            }
        }
    }

    #[test]
    fn inheritance_takes_the_nearest_field() {
        let templates = resolve(
            r#"[{"id": "a", "rules": ["key-error"], "title": "A", "strategy": "replace", "text": "x", "rank": 3},
                {"id": "b", "extends": "a", "title": "B"}]"#,
        )
        .unwrap();
        let b = templates
            .iter()
            .find(|template| template.id == "b")
            .unwrap();
        assert_eq!((b.title.as_str(), b.text.as_str(), b.rank), ("B", "x", 3));
        assert!(resolve(r#"[{"id": "a", "extends": "a"}]"#).is_err());
    }

    #[test]
    fn render_fills_placeholders_and_keeps_doubled_braces() {
        let lookup = |name: &str| (name == "key").then(|| "'k'".to_owned());
        assert_eq!(
            render("f\"{{{key}}} missing\"", lookup).as_deref(),
            Some("f\"{'k'} missing\"")
        );
        assert_eq!(render("{unknown}", lookup), None);
    }
}
