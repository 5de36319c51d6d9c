//! The replay: a concrete evaluator that runs a file's module-level code the way
//! `python file.py` would (no arguments, `__name__ == "__main__"`), with exact values, as
//! long as every value it needs is known, and reports the uncaught exception it reaches.
//!
//! Terminology:
//! - *Modelled subset*: the statements, expressions, builtins, methods and standard modules
//!   implemented here. Lists, dicts, instances and the rest live on a heap and are shared
//!   by id, so mutation through one name is seen through every other.
//! - *Stop*: anything outside the subset (IO, time, randomness, an unmodelled module or
//!   method, unsupported syntax) or over a budget ends the replay quietly: no finding.
//! - *Outcome*: [`ReplayOutcome`], a small `Eq` summary (ranges and names, no nodes).
//!
//! ```python
//! history = []
//! def undo():
//!     return history.pop()    # the replay reaches this with `history == []`
//! undo()                      # Raised { IndexError, "pop from empty list", frames }
//! ```
//!
//! Invariants: the replay never runs Python and never does IO; it is deterministic and
//! bounded by [`interp::STEP_BUDGET`] (statements plus expressions), a heap limit and a
//! nesting limit, whatever the machine's speed. It runs on its own thread with a large
//! stack, so Python recursion up to the 1,000-frame limit is safe on any caller's stack.

mod builtins;
mod csv;
mod exec;
mod format;
mod heap;
mod interp;
mod json;
mod modules;
mod protocol;
mod regex;
mod scope;
mod value;

#[cfg(test)]
mod tests;

use std::rc::Rc;

use line_index::TextRange;

use crate::db::Db;
use crate::input::SourceFile;

use interp::{Flow, Interp};

/// The stack of the replay thread: 1,000 Python frames take a few dozen Rust frames each.
const REPLAY_STACK_BYTES: usize = 512 * 1024 * 1024;

/// How running the file as a script ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// The module ran to its end (or exited through `SystemExit`).
    Completed,
    /// The replay left the modelled subset or ran over a budget.
    Stopped(String),
    Raised(ReplayException),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayException {
    /// The class name (`KeyError`, or a user class).
    pub exception: String,
    /// The builtin exception class it derives from (`KeyError` for `class MissingKey(KeyError)`).
    pub builtin_base: String,
    /// `str()` of the exception, when known.
    pub message: String,
    /// Outermost first: where each frame was, and its function name (`<module>` first).
    pub frames: Vec<ReplayFrame>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayFrame {
    pub range: TextRange,
    pub function: String,
}

/// The outcome of running `file` as a script.
#[salsa::tracked(returns(ref))]
pub fn replay_outcome(db: &dyn Db, file: SourceFile) -> ReplayOutcome {
    let parsed = crate::parse::parse(db, file);
    let text = file.text(db);
    let path = file.path(db).to_string_lossy();
    replay_tree(parsed.tree(), text, &path)
}

/// Runs the module of `tree` (the parse of `text`) on a thread of its own.
pub fn replay_tree(tree: &tree_sitter::Tree, text: &str, path: &str) -> ReplayOutcome {
    if tree.root_node().has_error() {
        return ReplayOutcome::Stopped("syntax error".to_owned());
    }
    let root = tree.root_node();
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("remedy-replay".to_owned())
            .stack_size(REPLAY_STACK_BYTES)
            .spawn_scoped(scope, move || replay_root(root, text, path));
        match handle {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| ReplayOutcome::Stopped("internal error".to_owned())),
            Err(_) => ReplayOutcome::Stopped("no thread for the replay".to_owned()),
        }
    })
}

fn replay_root(root: tree_sitter::Node<'_>, text: &str, path: &str) -> ReplayOutcome {
    let mut interp = Interp::new(text, path);
    match interp.run_module(root) {
        Ok(()) => ReplayOutcome::Completed,
        Err(Flow::Stop(reason)) => ReplayOutcome::Stopped(reason),
        Err(Flow::Raise(raised)) => {
            let Some(class) = interp.instance_class(&raised.value) else {
                return ReplayOutcome::Stopped("raised a non-exception".to_owned());
            };
            let exit_classes = [
                interp.classes["SystemExit"],
                interp.classes["KeyboardInterrupt"],
            ];
            if exit_classes
                .iter()
                .any(|exit| interp.is_subclass(class, *exit))
            {
                return ReplayOutcome::Completed;
            }
            let name = interp.class(class).name.to_string();
            let builtin_base = interp
                .class(class)
                .mro
                .iter()
                .find(|ancestor| interp.class(**ancestor).builtin)
                .map(|ancestor| interp.class(*ancestor).name.to_string())
                .unwrap_or_else(|| "Exception".to_owned());
            // `str()` of the exception may run user code: a failure there leaves it empty.
            let node = root;
            let message = match interp.str_of(&raised.value, node) {
                Ok(Some(message)) => message,
                _ => String::new(),
            };
            ReplayOutcome::Raised(ReplayException {
                exception: name,
                builtin_base,
                message,
                frames: raised
                    .frames
                    .iter()
                    .map(|(range, function): &(TextRange, Rc<str>)| ReplayFrame {
                        range: *range,
                        function: function.to_string(),
                    })
                    .collect(),
            })
        }
        Err(Flow::Return(_) | Flow::Break | Flow::Continue) => {
            ReplayOutcome::Stopped("control flow outside a function".to_owned())
        }
    }
}
