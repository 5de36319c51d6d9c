//! The replay's findings: the uncaught exception the file definitely raises when run as
//! a script with its own data.
//!
//! What it flags: the line where running `python file.py` (no arguments) ends in an
//! uncaught exception, found by the concrete evaluator in [`crate::replay`]: module-level
//! code, the functions and methods it calls, loops and instance state, all with exact
//! values. The rule id is the one the traceback classifier gives the exception
//! (`KeyError` → `key-error`); an exception without a more specific rule is
//! `uncaught-exception`.
//!
//! Why it matters: the program crashes every time it runs.
//!
//! Example:
//! ```python
//! class Editor:
//!     def __init__(self):
//!         self.history = []
//!     def undo(self):
//!         return self.history.pop()     # IndexError: pop from empty list
//! Editor().undo()
//! ```
//!
//! Healing: the rule of the exception's id heals it, where it has a fix.
//!
//! Confidence: definite. The replay reports only what it reached with every value known;
//! anything it cannot model stops it without a finding.

use smol_str::SmolStr;

use super::context::{RuleContext, exception_is_subclass};
use super::{Check, Finding, Related};
use crate::config::Confidence;
use crate::replay::{ReplayOutcome, replay_outcome};

pub(crate) const REPLAY_CHECK: Check = Check {
    rules: &[
        "uncaught-exception",
        "key-error",
        "index-error",
        "stop-iteration",
        "division-by-zero",
        "unbounded-recursion",
        "unbound-local",
        "undefined-name",
        "none-attribute",
        "unknown-attribute",
        "none-subscript",
        "not-subscriptable",
        "none-call",
        "not-callable",
        "none-iteration",
        "not-iterable",
        "unhashable-key",
        "none-operand",
        "bad-operand",
        "call-arity",
        "abstract-instantiation",
        "bad-builtin-arg",
        "unpack-mismatch",
        "list-value-missing",
    ],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    let ReplayOutcome::Raised(raised) = replay_outcome(context.db, context.file) else {
        return;
    };
    let Some(innermost) = raised.frames.last() else {
        return;
    };
    let rule = super::traceback::classify(&raised.exception, &raised.message)
        .or_else(|| super::traceback::classify(&raised.builtin_base, &raised.message))
        .filter(|rule| REPLAY_CHECK.rules.contains(rule))
        .unwrap_or("uncaught-exception");
    let path: Vec<String> = raised
        .frames
        .iter()
        .filter(|frame| frame.function != "<module>")
        .map(|frame| {
            format!(
                "{}() L{}",
                frame.function,
                context.line_of(frame.range.start())
            )
        })
        .collect();
    let path = if path.is_empty() {
        format!("L{}", context.line_of(innermost.range.start()))
    } else {
        path.join(" → ")
    };
    let shown = if raised.message.is_empty() {
        raised.exception.clone()
    } else {
        format!("{}: {}", raised.exception, raised.message)
    };
    let message = format!("Running this file with its own data raises {shown} ({path})");
    let related: Vec<Related> = raised
        .frames
        .iter()
        .rev()
        .skip(1)
        .map(|frame| Related {
            file: context.file,
            range: frame.range,
            message: if frame.function == "<module>" {
                "called from the module here".to_owned()
            } else {
                format!("called from `{}()` here", frame.function)
            },
        })
        .collect();
    // A finding of the same id on this line is the same problem: it becomes definite,
    // with the replay's account of how the run gets there. A finding of another rule
    // that predicts a related exception there (`possibly-unbound` for a `NameError`)
    // already names it: nothing is added.
    let on_line = context.findings_on_line(innermost.range.start());
    if let Some((_, range)) = on_line.iter().find(|(existing, _)| existing == rule) {
        // The message stays: patches are verified by comparing messages before and after.
        let account = Related {
            file: context.file,
            range: innermost.range,
            message: format!("{message}, so this is definite"),
        };
        context.with_finding(rule, *range, |finding| {
            if finding.confidence != Confidence::Definite {
                finding.confidence = Confidence::Definite;
                finding.score = finding.score.max(97);
                finding.related.push(account);
            }
        });
        return;
    }
    let related_exception = on_line.iter().any(|(existing, _)| {
        super::rule_metadata(existing)
            .and_then(|metadata| metadata.exception.as_deref())
            .is_some_and(|exception| {
                exception_is_subclass(&raised.builtin_base, exception)
                    || exception_is_subclass(exception, &raised.builtin_base)
            })
    });
    if related_exception {
        return;
    }
    context.report(Finding {
        rule: SmolStr::new_static(rule),
        range: innermost.range,
        message,
        confidence: Confidence::Definite,
        score: 97,
        related,
        fix_parameters: vec![("exception".into(), raised.exception.clone())],
    });
}
