//! `tool-info-unknown-function`: the `functions` list returned by `get_tool_info()` names a
//! function the module does not define. The host looks each name up on the module and
//! fails with `AttributeError` when it calls it.
//!
//! ```python
//! def process_data(data): ...
//!
//! def get_tool_info():
//!     return {"name": "my_tool", "functions": ["process_data", "export"]}  # no `export`
//! ```
//!
//! The interpreter's return value of `get_tool_info` gives the dict and the strings of its
//! list, each with the literal it came from; the finding sits on that literal. The module's
//! namespace is known from its definitions, so a missing name is definite (a star import or
//! a module `__getattr__` makes the namespace open: no finding).

use smol_str::SmolStr;

use crate::config::Confidence;
use crate::index::{DefinitionKind, FileIndex};
use crate::infer::infer_scope;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Finding};
use crate::values::{Key, Value};

pub(super) const CHECK: Check = Check {
    rules: &["tool-info-unknown-function"],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    let index = context.index;
    let Some(body) = index
        .definitions_in_scope(FileIndex::MODULE_SCOPE, "get_tool_info")
        .filter_map(|id| match index.definition(id).kind {
            DefinitionKind::Function { body, .. } => Some(body),
            _ => None,
        })
        .last()
    else {
        return;
    };
    if has_open_namespace(index) {
        return;
    }
    let Some(returns) = &infer_scope(context.db, context.file, body).returns else {
        return;
    };
    let mut reports = Vec::new();
    for value in returns.values() {
        let Value::Dict(dict) = value else {
            continue;
        };
        let Some((_, functions)) = dict
            .entries
            .iter()
            .find(|(key, _)| *key == Key::Str(SmolStr::new_static("functions")))
        else {
            continue;
        };
        for list in functions.values() {
            let (Value::List(items) | Value::Tuple(items)) = list else {
                continue;
            };
            for item in &items.items {
                for member in item.members() {
                    let Value::Str(Some(name)) = &member.value else {
                        continue;
                    };
                    if is_defined(index, name) {
                        continue;
                    }
                    for origin in &member.origins {
                        if origin.file == context.file {
                            reports.push((origin.range, name.clone()));
                        }
                    }
                }
            }
        }
    }
    for (range, name) in reports {
        context.report(Finding {
            rule: SmolStr::new_static("tool-info-unknown-function"),
            range,
            message: format!(
                "`get_tool_info()` lists `{name}` but the module defines no such function"
            ),
            confidence: Confidence::Definite,
            score: 95,
            related: Vec::new(),
            fix_parameters: vec![(SmolStr::new_static("function"), name.to_string())],
        });
    }
}

fn is_defined(index: &FileIndex, name: &str) -> bool {
    index
        .definitions_in_scope(FileIndex::MODULE_SCOPE, name)
        .any(|id| index.definition(id).kind.binds())
}

/// A star import or a module `__getattr__`: names may exist that the index cannot see.
pub(super) fn has_open_namespace(index: &FileIndex) -> bool {
    index
        .imports
        .iter()
        .any(|import| import.name.as_deref() == Some("*"))
        || is_defined(index, "__getattr__")
}
