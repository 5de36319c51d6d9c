//! Dotted paths of names through the file's imports, for rules that recognise library
//! calls by name: `sp.run` is `subprocess.run` after `import subprocess as sp`, `sleep`
//! is `time.sleep` after `from time import sleep`, `eval` is the builtin unless rebound.
//!
//! ```python
//! import subprocess as sp
//! from time import sleep
//! sp.run(cmd, shell=True)   # subprocess.run
//! sleep(1)                  # time.sleep
//! ```

use crate::index::{child_by_field, kind_of};
use line_index::TextSize;
use tree_sitter::Node;

use super::context::RuleContext;
use crate::index::{DefinitionKind, NameResolution};

/// The dotted path `node` (an identifier or a chain of attributes on one) names, with its
/// first part resolved through the imports of the file. `None` when the first part is a
/// local value, an undefined name, or bound differently on different paths.
pub(super) fn dotted_path(context: &RuleContext<'_>, node: Node<'_>) -> Option<String> {
    let mut parts = Vec::new();
    let mut current = node;
    loop {
        match kind_of(current) {
            "identifier" => {
                parts.push(context.node_text(current));
                break;
            }
            "attribute" => {
                parts.push(context.node_text(child_by_field(current, "attribute")?));
                current = child_by_field(current, "object")?;
            }
            _ => return None,
        }
    }
    parts.reverse();
    let first = parts[0];
    let rest = &parts[1..];
    let offset = TextSize::from(node.start_byte() as u32);
    let scope = context.index.scope_at(offset);
    let resolved = match context.index.resolve_name(scope, first, offset) {
        NameResolution::Unbound => {
            crate::builtins::builtin(first)?;
            first.to_owned()
        }
        NameResolution::Scope { definitions, .. } => {
            let mut resolved: Option<String> = None;
            for definition in definitions {
                let path = match &context.index.definition(definition).kind {
                    // `import a.b.c` binds `a`; `import a.b as c` binds `c` to `a.b`.
                    DefinitionKind::Import { module, alias } => {
                        if *alias {
                            module.clone()
                        } else {
                            module.split('.').next().unwrap_or(module).to_owned()
                        }
                    }
                    DefinitionKind::ImportFrom {
                        level: 0,
                        module,
                        name,
                    } => format!("{module}.{name}"),
                    _ => return None,
                };
                match &resolved {
                    Some(earlier) if *earlier != path => return None,
                    _ => resolved = Some(path),
                }
            }
            resolved?
        }
    };
    let mut path = resolved;
    for part in rest {
        path.push('.');
        path.push_str(part);
    }
    Some(path)
}

/// The dotted path of the function a `call` node calls.
pub(super) fn callee_path(context: &RuleContext<'_>, call: Node<'_>) -> Option<String> {
    dotted_path(context, child_by_field(call, "function")?)
}

/// A keyword argument of `call` by name.
pub(super) fn keyword_argument<'t>(call: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let arguments = child_by_field(call, "arguments")?;
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| kind_of(*argument) == "keyword_argument")
        .find(|argument| {
            child_by_field(*argument, "name")
                .is_some_and(|key| text.get(key.byte_range()) == Some(name))
        })
        .and_then(|argument| child_by_field(argument, "value"))
}

/// The `index`th positional argument of `call`.
pub(super) fn positional_argument(call: Node<'_>, index: usize) -> Option<Node<'_>> {
    let arguments = child_by_field(call, "arguments")?;
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| {
            !matches!(
                kind_of(*argument),
                "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
            )
        })
        .nth(index)
}

/// Every node of the subtree of `root` (itself included), in source order, without
/// recursion, one at a time (a list of every node of a 100,000-line file would hold a
/// million of them).
pub(super) fn descendants(root: Node<'_>) -> Descendants<'_> {
    Descendants {
        cursor: root.walk(),
        root: root.id(),
        done: false,
    }
}

pub(super) struct Descendants<'t> {
    cursor: tree_sitter::TreeCursor<'t>,
    root: usize,
    done: bool,
}

impl<'t> Iterator for Descendants<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.done {
            return None;
        }
        let node = self.cursor.node();
        if !self.cursor.goto_first_child() {
            loop {
                if self.cursor.node().id() == self.root {
                    self.done = true;
                    break;
                }
                if self.cursor.goto_next_sibling() {
                    break;
                }
                if !self.cursor.goto_parent() {
                    self.done = true;
                    break;
                }
            }
        }
        Some(node)
    }
}

/// The nearest enclosing `def` or `lambda` of `node` (not `node` itself).
pub(super) fn enclosing_function<'t>(
    context: &RuleContext<'t>,
    node: Node<'t>,
) -> Option<Node<'t>> {
    context
        .ancestors(node)
        .find(|ancestor| matches!(kind_of(*ancestor), "function_definition" | "lambda"))
}

/// Whether a `def` node is `async def`.
pub(super) fn is_async_def(function: Node<'_>) -> bool {
    kind_of(function) == "function_definition"
        && function
            .child(0)
            .is_some_and(|first| kind_of(first) == "async")
}
