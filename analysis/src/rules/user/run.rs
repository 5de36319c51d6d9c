//! Running user rules over a Python file: query matches, capture values, predicates,
//! findings and the rule's fix.
//!
//! A capture's value comes from the run (context-free or call-specialised) that
//! interpreted its scope: the object or key of a recorded subscript, the object of an
//! attribute, the value of a name load, the result of a call. A match is judged once per
//! run that knows a value for every capture its predicates read (with unknown values
//! when no run does); the most confident report wins, as for built-in rules.
//!
//! Confidence: each predicate tallies the members of a value (bad / good / unknown) like
//! the built-in rules, the finding takes the least sure predicate, capped by the rule's
//! `confidence`.

use crate::index::{child_by_field, kind_of};
use line_index::{TextRange, TextSize};
use smol_str::SmolStr;
use tree_sitter::{Node, QueryCursor, StreamingIterator};

use super::{FixSpec, Predicate, UserRule, WorkspaceRule, rules_for, user_rule};
use crate::config::Confidence;
use crate::db::Db;
use crate::infer::OperationKind;
use crate::input::SourceFile;
use crate::patches::{Applicability, FileEdits, Fix};
use crate::rules::context::{RuleContext, Run};
use crate::rules::{Finding, Related, Tally};
use crate::text_edit::TextEdit;
use crate::values::{Key, Union, Value, render_union};

/// At most this many findings per rule and file; at most this many matches in flight.
const MAX_FINDINGS_PER_RULE: usize = 500;
const MATCH_LIMIT: u32 = 256;

/// Fix parameters carrying a user rule's rendered fix from the finding to the patch
/// engine.
const FIX_TITLE: &str = "user_fix_title";
const FIX_TEXT: &str = "user_fix_text";
const FIX_RANGE: &str = "user_fix_range";

/// Runs every user rule that applies to the context's file.
pub(crate) fn run_user_rules(context: &mut RuleContext<'_>) {
    let rules = rules_for(context.db, context.file.path(context.db));
    for rule in &rules {
        run_rule(context, rule);
    }
}

/// One match, reduced to what the predicates and templates need.
struct Match<'t> {
    /// Capture index → first node captured under it.
    captures: Vec<Option<Node<'t>>>,
    at: Node<'t>,
}

fn run_rule(context: &mut RuleContext<'_>, workspace_rule: &WorkspaceRule) {
    let rule = &workspace_rule.rule;
    let query = &rule.query.query;
    let names = query.capture_names();
    let mut matches: Vec<Match<'_>> = Vec::new();
    {
        let mut cursor = QueryCursor::new();
        cursor.set_match_limit(MATCH_LIMIT);
        let text = context.text.as_bytes();
        let mut found = cursor.matches(query, context.root(), text);
        while let Some(found) = found.next() {
            context.db.unwind_if_revision_cancelled();
            let mut captures = vec![None; names.len()];
            for capture in found.captures {
                let slot = &mut captures[capture.index as usize];
                if slot.is_none() {
                    *slot = Some(capture.node);
                }
            }
            let at = match rule.at {
                Some(index) => captures[index as usize],
                None => found.captures.first().map(|capture| capture.node),
            };
            if let Some(at) = at {
                matches.push(Match { captures, at });
            }
            if matches.len() >= MAX_FINDINGS_PER_RULE {
                break;
            }
        }
    }
    for found in &matches {
        judge(context, workspace_rule, found);
    }
}

/// The capture index of `name` in the rule's query.
fn capture_index(rule: &UserRule, name: &str) -> Option<usize> {
    rule.query
        .query
        .capture_names()
        .iter()
        .position(|capture| *capture == name)
}

/// One run's view of a match: the run's call (for a specialised run) and the values of
/// the captures the predicates read, by capture index.
type Evaluation = (Option<(TextRange, u8)>, Vec<(usize, Union)>);

fn judge(context: &mut RuleContext<'_>, workspace_rule: &WorkspaceRule, found: &Match<'_>) {
    let rule = &workspace_rule.rule;
    let range = node_range(found.at);
    if let Some(exception) = &rule.exception
        && context.is_caught(range, exception)
    {
        return;
    }
    // The captures the predicates read, by index.
    let mut read: Vec<usize> = rule
        .predicates
        .iter()
        .flat_map(|predicate| predicate.captures())
        .filter_map(|name| capture_index(rule, name))
        .collect();
    read.sort_unstable();
    read.dedup();
    // Per run: the values of the read captures, when the run knows them all.
    let mut evaluations: Vec<Evaluation> = Vec::new();
    if !read.is_empty() {
        for run in context.runs() {
            let values: Option<Vec<(usize, Union)>> = read
                .iter()
                .map(|&index| {
                    let node = found.captures[index]?;
                    value_in_run(context, run, node).map(|union| (index, union))
                })
                .collect();
            if let Some(values) = values {
                evaluations.push((run.call, values));
            }
        }
    }
    if evaluations.is_empty() {
        let unknown = read
            .iter()
            .map(|&index| (index, Union::unknown()))
            .collect();
        evaluations.push((None, unknown));
    }
    for (call, values) in evaluations {
        let value_of = |name: &str| {
            let index = capture_index(rule, name)?;
            values
                .iter()
                .find(|(at, _)| *at == index)
                .map(|(_, union)| union)
        };
        let Some((confidence, score, bad)) = assess(&rule.predicates, &value_of) else {
            continue;
        };
        let (confidence, score) = cap(rule.confidence, confidence, score);
        let render = |name: &str| placeholder(context, rule, found, &value_of, name);
        let Some(message) = crate::patches::render_template(&rule.message, render) else {
            continue;
        };
        let mut related = Vec::new();
        if let Some(bad) = bad {
            related.extend(context.related_origins(
                &bad,
                |_| true,
                |value| format!("{} comes from here", crate::values::render_value(value)),
            ));
        }
        if let Some((call, _)) = call {
            related.push(Related {
                file: context.file,
                range: call,
                message: format!("when called here (L{})", context.line_of(call.start())),
            });
        }
        related.push(Related {
            file: workspace_rule.file,
            range: rule.definition,
            message: format!("user rule `{}` is defined here", rule.id),
        });
        let mut fix_parameters: Vec<(SmolStr, String)> = Vec::new();
        if let Some(exception) = &rule.exception {
            fix_parameters.push((SmolStr::new_static("exception"), exception.clone()));
        }
        if let Some(fix) = &rule.fix {
            fix_parameters.extend(render_fix(context, rule, found, &value_of, fix));
        }
        context.report(Finding {
            rule: rule.id.clone(),
            range,
            message,
            confidence,
            score,
            related,
            fix_parameters,
        });
    }
}

fn node_range(node: Node<'_>) -> TextRange {
    TextRange::new(
        TextSize::from(node.start_byte() as u32),
        TextSize::from(node.end_byte() as u32),
    )
}

/// The rule's confidence caps the predicates'; the score follows the cap.
fn cap(limit: Confidence, confidence: Confidence, score: u8) -> (Confidence, u8) {
    if confidence <= limit {
        return (confidence, score);
    }
    let score = match limit {
        Confidence::Definite => score,
        Confidence::Likely => score.min(85),
        Confidence::Possible => score.min(50),
    };
    (limit, score)
}

/// Whether every predicate holds, and if so the least sure confidence among them, its
/// score, and the value whose bad members the finding points at.
fn assess<'v>(
    predicates: &[Predicate],
    value_of: &dyn Fn(&str) -> Option<&'v Union>,
) -> Option<(Confidence, u8, Option<Union>)> {
    let mut result = (Confidence::Definite, 95, None);
    for predicate in predicates {
        let (tally, bad) = predicate_tally(predicate, value_of)?;
        let (confidence, score) = tally.assess()?;
        if (confidence, score) < (result.0, result.1) {
            result.0 = confidence;
            result.1 = score;
        }
        if result.2.is_none() {
            result.2 = bad;
        }
    }
    Some(result)
}

/// Tallies the members of a predicate's value; `None` when the predicate cannot hold.
fn predicate_tally<'v>(
    predicate: &Predicate,
    value_of: &dyn Fn(&str) -> Option<&'v Union>,
) -> Option<(Tally, Option<Union>)> {
    let tally_members = |union: &Union, is_bad: &dyn Fn(&Value) -> bool| {
        let mut tally = Tally {
            pruned: union.pruned(),
            ..Tally::default()
        };
        for value in union.values() {
            if is_bad(value) {
                tally.bad += 1;
            } else if matches!(value, Value::Unknown) {
                tally.unknown += 1;
            } else {
                tally.good += 1;
            }
        }
        let bad = union.filter(|value| is_bad(value));
        (tally, bad)
    };
    match predicate {
        Predicate::MayBeNone { capture } => {
            let union = value_of(capture)?;
            Some(tally_members(union, &|value| matches!(value, Value::None)))
        }
        Predicate::IsNone { capture } => {
            let union = value_of(capture)?;
            if !union.values().all(|value| matches!(value, Value::None)) {
                return None;
            }
            Some(tally_members(union, &|value| matches!(value, Value::None)))
        }
        Predicate::TypeIsOneOf { capture, types } => {
            let union = value_of(capture)?;
            Some(tally_members(union, &|value| {
                !matches!(value, Value::Unknown)
                    && types.iter().any(|name| name == value.type_name())
            }))
        }
        Predicate::IsUnknown { capture } => {
            let union = value_of(capture)?;
            union.is_unknown().then(|| {
                let tally = Tally {
                    bad: 1,
                    ..Tally::default()
                };
                (tally, None)
            })
        }
        Predicate::IsKnown { capture } => {
            let union = value_of(capture)?;
            let known = union.values().all(|value| !matches!(value, Value::Unknown));
            known.then(|| {
                let tally = Tally {
                    bad: 1,
                    pruned: union.pruned(),
                    ..Tally::default()
                };
                (tally, None)
            })
        }
        Predicate::KeyNotInKnownKeys { dict, key } => {
            let object = value_of(dict)?;
            let keys: Vec<Key> = value_of(key)?
                .values()
                .map(Key::from_value)
                .collect::<Option<_>>()?;
            let lacks = |value: &Value| match value {
                Value::Dict(dict) => keys
                    .iter()
                    .any(|key| !dict.entries.iter().any(|(entry, _)| entry == key)),
                _ => false,
            };
            let mut tally = Tally {
                pruned: object.pruned(),
                ..Tally::default()
            };
            for value in object.values() {
                match value {
                    Value::Dict(closed) if !closed.open && lacks(value) => tally.bad += 1,
                    Value::Dict(_) if lacks(value) => tally.unknown += 1,
                    Value::Unknown => tally.unknown += 1,
                    _ => tally.good += 1,
                }
            }
            let bad = object.filter(
                |value| matches!(value, Value::Dict(closed) if !closed.open && lacks(value)),
            );
            Some((tally, bad))
        }
    }
}

/// The value of the expression `node` in `run`, if the run interpreted it.
fn value_in_run(context: &RuleContext<'_>, run: &Run<'_>, node: Node<'_>) -> Option<Union> {
    let inference = run.inference;
    let range = node_range(node);
    if let Some(parent) = context.parent(node) {
        let parent_range = node_range(parent);
        let is_field = |field: &str| {
            child_by_field(parent, field).is_some_and(|child| child.id() == node.id())
        };
        for operation in &inference.operations {
            if operation.range != parent_range {
                continue;
            }
            match &operation.kind {
                OperationKind::Subscript { object, .. } if is_field("value") => {
                    return Some(object.clone());
                }
                OperationKind::Subscript { key: Some(key), .. } if is_field("subscript") => {
                    return Some(key.clone());
                }
                OperationKind::Attribute { object, .. } if is_field("object") => {
                    return Some(object.clone());
                }
                _ => {}
            }
        }
        // The key of a subscript the inference did not record as a read (an assignment
        // or `del` target): no value, so key predicates never judge a store.
        if kind_of(parent) == "subscript" && is_field("subscript") {
            return None;
        }
    }
    match kind_of(node) {
        "identifier" => inference.load_at(range.start()).cloned(),
        "call" => inference
            .calls
            .iter()
            .find(|call| call.range() == range)
            .map(|call| call.result.clone()),
        "parenthesized_expression" => node
            .named_child(0)
            .and_then(|inner| value_in_run(context, run, inner)),
        _ => literal_value(context, node),
    }
}

/// The value of a literal the inference records nowhere (a capture on `None`, `3`, `"x"`).
fn literal_value(context: &RuleContext<'_>, node: Node<'_>) -> Option<Union> {
    let value = match kind_of(node) {
        "none" => Value::None,
        "true" => Value::Bool(Some(true)),
        "false" => Value::Bool(Some(false)),
        "integer" => Value::Int(context.node_text(node).replace('_', "").parse().ok()),
        "float" => Value::Float(None),
        // The content of a plain string literal, escapes aside; f-strings are some `str`.
        "string" => {
            let text = context.node_text(node);
            let plain = text
                .strip_prefix('"')
                .and_then(|rest| rest.strip_suffix('"'))
                .or_else(|| {
                    text.strip_prefix('\'')
                        .and_then(|rest| rest.strip_suffix('\''))
                })
                .filter(|content| !content.contains(['\\', '"', '\'']));
            Value::Str(plain.map(smol_str::SmolStr::new))
        }
        _ => return None,
    };
    Some(Union::new(value, None))
}

/// A placeholder's text: `{name}` the capture's source, `{name.value}` its rendered
/// value, `{name.type}` the type names of its members.
fn placeholder<'v>(
    context: &RuleContext<'_>,
    rule: &UserRule,
    found: &Match<'_>,
    value_of: &dyn Fn(&str) -> Option<&'v Union>,
    name: &str,
) -> Option<String> {
    let (capture, suffix) = match name.split_once('.') {
        Some((capture, suffix)) => (capture, Some(suffix)),
        None => (name, None),
    };
    let index = capture_index(rule, capture)?;
    let node = found.captures[index]?;
    let value = || {
        value_of(capture).cloned().or_else(|| {
            context
                .runs()
                .iter()
                .find_map(|run| value_in_run(context, run, node))
        })
    };
    Some(match suffix {
        None => context.node_text(node).to_owned(),
        Some("value") => value().map_or_else(|| "unknown".to_owned(), |union| render_union(&union)),
        Some("type") => value().map_or_else(
            || "unknown".to_owned(),
            |union| {
                let mut names: Vec<&str> = union.values().map(Value::type_name).collect();
                names.dedup();
                names.join(" | ")
            },
        ),
        Some(_) => return None,
    })
}

/// The rendered fix of a finding, as fix parameters for [`user_rule_fix`].
fn render_fix<'v>(
    context: &RuleContext<'_>,
    rule: &UserRule,
    found: &Match<'_>,
    value_of: &dyn Fn(&str) -> Option<&'v Union>,
    fix: &FixSpec,
) -> Vec<(SmolStr, String)> {
    let render = |text: &str| {
        crate::patches::render_template(text, |name| {
            placeholder(context, rule, found, value_of, name)
        })
    };
    let target = capture_index(rule, &fix.target).and_then(|index| found.captures[index]);
    let (Some(title), Some(text), Some(target)) = (render(&fix.title), render(&fix.text), target)
    else {
        return Vec::new();
    };
    let target = node_range(target);
    vec![
        (SmolStr::new_static(FIX_TITLE), title),
        (SmolStr::new_static(FIX_TEXT), text),
        (
            SmolStr::new_static(FIX_RANGE),
            format!("{}:{}", u32::from(target.start()), u32::from(target.end())),
        ),
    ]
}

/// The fix a user rule's finding carries, unverified (the patch engine verifies it like
/// every candidate).
pub(crate) fn user_rule_fix(db: &dyn Db, file: SourceFile, finding: &Finding) -> Option<Fix> {
    let rule = user_rule(db, &finding.rule)?;
    let spec = rule.rule.fix.as_ref()?;
    let parameter = |name: &str| {
        finding
            .fix_parameters
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let (start, end) = parameter(FIX_RANGE)?.split_once(':')?;
    let (start, end): (u32, u32) = (start.parse().ok()?, end.parse().ok()?);
    if start > end || end as usize > file.text(db).len() {
        return None;
    }
    Some(Fix {
        title: parameter(FIX_TITLE)?.to_owned(),
        fix_id: format!("user:{}", rule.rule.id),
        rule: finding.rule.to_string(),
        finding_range: finding.range,
        applicability: spec.applicability.unwrap_or(Applicability::Unsafe),
        preferred: false,
        edits: vec![FileEdits {
            path: file.path(db).clone(),
            edits: vec![TextEdit::replace(
                TextRange::new(start.into(), end.into()),
                parameter(FIX_TEXT)?,
            )],
        }],
    })
}
