//! asyncio mistakes: `coroutine-not-awaited` (a coroutine made and dropped),
//! `await-outside-async` (a SyntaxError), `blocking-call-in-async` (the event loop
//! stalls), `task-not-referenced` (a task only the loop's weak set holds) and
//! `run-non-coroutine` (`asyncio.run` given something that is not a coroutine).
//!
//! ```python
//! async def fetch(url): ...
//! async def main():
//!     fetch("a")                  # coroutine-not-awaited
//!     time.sleep(1)               # blocking-call-in-async
//!     asyncio.create_task(fetch("b"))  # task-not-referenced
//! asyncio.run(main)               # run-non-coroutine: `main` is not called
//! ```
//!
//! Library calls are recognised by their dotted path through the file's imports
//! (`from time import sleep` makes `sleep` `time.sleep`); coroutines by the values the
//! interpreter gives calls of `async def` functions.

use crate::index::kind_of;
use tree_sitter::Node;

use super::context::RuleContext;
use super::dotted::{callee_path, enclosing_function, is_async_def, positional_argument};
use super::pitfalls::{range_of, report_syntactic};
use super::{Check, Tally};
use crate::config::Confidence;
use crate::index::NameContext;
use crate::values::Value;

pub(crate) const ASYNCIO_CHECK: Check = Check {
    rules: &[
        "coroutine-not-awaited",
        "await-outside-async",
        "blocking-call-in-async",
        "task-not-referenced",
        "run-non-coroutine",
    ],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    coroutine_not_awaited(context);
    run_non_coroutine(context);
    for &node in context.nodes().iter() {
        match kind_of(node) {
            "await" => await_outside_async(context, node),
            "call" => {
                blocking_call_in_async(context, node);
                task_not_referenced(context, node);
            }
            _ => {}
        }
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}

// ---------------------------------------------------------------------------------------
// coroutine-not-awaited

fn coroutine_not_awaited(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .filter(|(_, call)| {
            call.result
                .values()
                .any(|value| matches!(value, Value::Coroutine(_)))
        })
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        let range = call.range();
        let Some(node) = context.node(range).filter(|node| kind_of(*node) == "call") else {
            continue;
        };
        let Some(parent) = context.parent(node) else {
            continue;
        };
        let dropped = match kind_of(parent) {
            "expression_statement" => true,
            "assignment" => {
                let target = context
                    .field(parent, "left")
                    .filter(|left| kind_of(*left) == "identifier");
                let is_statement = context
                    .parent(parent)
                    .is_some_and(|grand| kind_of(grand) == "expression_statement");
                match target {
                    Some(target) if is_statement => {
                        !is_read_after(context, context.node_text(target), node.end_byte())
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        if !dropped {
            continue;
        }
        let mut tally = Tally {
            pruned: call.result.pruned(),
            ..Tally::default()
        };
        let mut function_name = String::new();
        for value in call.result.values() {
            match value {
                Value::Coroutine(function) => {
                    tally.bad += 1;
                    function_name = function.name().to_owned();
                }
                Value::Unknown => tally.unknown += 1,
                _ => tally.good += 1,
            }
        }
        let call_text = first_line(context.node_text(node)).to_owned();
        let message = format!(
            "`{call_text}` makes a coroutine of `async def {function_name}` that is never awaited, so its body never runs"
        );
        context.report_tally(
            "coroutine-not-awaited",
            range,
            tally,
            message,
            Vec::new(),
            run_call,
        );
        context.with_finding("coroutine-not-awaited", range, |finding| {
            finding.fix_parameters = vec![
                ("call".into(), call_text),
                ("function".into(), function_name),
            ];
        });
    }
}

/// Whether `name` is read anywhere after `offset` (any scope: closures count).
fn is_read_after(context: &RuleContext<'_>, name: &str, offset: usize) -> bool {
    context.index.name_refs.iter().any(|name_ref| {
        name_ref.name == name
            && name_ref.context == NameContext::Load
            && usize::from(name_ref.range.start()) >= offset
    })
}

// ---------------------------------------------------------------------------------------
// await-outside-async

fn await_outside_async(context: &mut RuleContext<'_>, node: Node<'_>) {
    let keyword = node.child(0).unwrap_or(node);
    let message = match enclosing_function(context, node) {
        Some(function) if is_async_def(function) => return,
        Some(function) if kind_of(function) == "lambda" => {
            "`await` inside a lambda is a SyntaxError: lambdas cannot be async".to_owned()
        }
        Some(function) => {
            let name = context
                .field(function, "name")
                .map(|name| context.node_text(name))
                .unwrap_or("the function");
            format!("`await` inside `def {name}` is a SyntaxError: make it `async def {name}`")
        }
        None => {
            // Notebooks and the asyncio REPL accept a top-level `await`; modules do not.
            let path = context.file.path(context.db);
            let is_module = path
                .extension()
                .is_some_and(|extension| extension == "py" || extension == "pyi");
            if !is_module {
                return;
            }
            "`await` at module level is a SyntaxError outside an `async def`".to_owned()
        }
    };
    let function = enclosing_function(context, node)
        .and_then(|function| context.field(function, "name"))
        .map(|name| context.node_text(name).to_owned())
        .unwrap_or_default();
    report_syntactic(
        context,
        "await-outside-async",
        range_of(keyword),
        Confidence::Definite,
        message,
        vec![("function", function)],
    );
}

// ---------------------------------------------------------------------------------------
// blocking-call-in-async

/// Blocking calls and what to use instead.
const BLOCKING_CALLS: &[(&str, &str)] = &[
    ("time.sleep", "await asyncio.sleep(...)"),
    (
        "requests.get",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "requests.post",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "requests.put",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "requests.patch",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "requests.delete",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "requests.head",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "requests.request",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "urllib.request.urlopen",
        "an async HTTP client (httpx.AsyncClient, aiohttp)",
    ),
    (
        "subprocess.run",
        "await asyncio.create_subprocess_exec(...)",
    ),
    (
        "subprocess.call",
        "await asyncio.create_subprocess_exec(...)",
    ),
    (
        "subprocess.check_call",
        "await asyncio.create_subprocess_exec(...)",
    ),
    (
        "subprocess.check_output",
        "await asyncio.create_subprocess_exec(...)",
    ),
    ("os.system", "await asyncio.create_subprocess_shell(...)"),
    ("input", "await asyncio.to_thread(input, ...)"),
];

fn blocking_call_in_async(context: &mut RuleContext<'_>, call: Node<'_>) {
    let Some(function) = enclosing_function(context, call) else {
        return;
    };
    if !is_async_def(function) {
        return;
    }
    let Some((name, instead)) = blocking_call(context, call) else {
        return;
    };
    let async_name = context
        .field(function, "name")
        .map(|name| context.node_text(name))
        .unwrap_or("the coroutine");
    let call_text = first_line(context.node_text(call)).to_owned();
    let replacement = if name == "time.sleep" {
        let arguments = context
            .field(call, "arguments")
            .map(|arguments| context.node_text(arguments))
            .unwrap_or("()");
        format!("await asyncio.sleep{arguments}")
    } else {
        instead.to_owned()
    };
    report_syntactic(
        context,
        "blocking-call-in-async",
        range_of(call),
        Confidence::Definite,
        format!(
            "`{call_text}` blocks the event loop inside `async def {async_name}`: use {}",
            if name == "time.sleep" {
                format!("`{replacement}`")
            } else {
                replacement.clone()
            }
        ),
        vec![
            ("call", call_text),
            ("replacement", replacement),
            ("function", async_name.to_owned()),
        ],
    );
}

/// The blocking function `call` makes, with its async alternative.
fn blocking_call(context: &RuleContext<'_>, call: Node<'_>) -> Option<(String, &'static str)> {
    let function = context.field(call, "function")?;
    // `open(path).read()`: a whole file read on the loop's thread.
    if kind_of(function) == "attribute" {
        let method = context.field(function, "attribute")?;
        let object = context.field(function, "object")?;
        if matches!(context.node_text(method), "read" | "readlines" | "write")
            && kind_of(object) == "call"
            && callee_path(context, object).as_deref() == Some("open")
        {
            return Some((
                "open".to_owned(),
                "`await asyncio.to_thread(...)` or an async file library (aiofiles)",
            ));
        }
    }
    let path = callee_path(context, call)?;
    BLOCKING_CALLS
        .iter()
        .find(|(blocking, _)| *blocking == path)
        .map(|(blocking, instead)| ((*blocking).to_owned(), *instead))
}

// ---------------------------------------------------------------------------------------
// task-not-referenced

fn task_not_referenced(context: &mut RuleContext<'_>, call: Node<'_>) {
    if context
        .parent(call)
        .is_none_or(|parent| kind_of(parent) != "expression_statement")
    {
        return;
    }
    // A dotted path ends with the callee's own last part unless the callee is a bare name
    // (an import may rename it): an attribute call whose name differs cannot match, and
    // resolving its path is most of this check's cost.
    if let Some(function) = context.field(call, "function")
        && kind_of(function) == "attribute"
        && context
            .field(function, "attribute")
            .is_none_or(|attribute| {
                !matches!(
                    context.node_text(attribute),
                    "create_task" | "ensure_future"
                )
            })
    {
        return;
    }
    let Some(path) = callee_path(context, call) else {
        return;
    };
    if !matches!(
        path.as_str(),
        "asyncio.create_task" | "asyncio.ensure_future"
    ) {
        return;
    }
    let call_text = first_line(context.node_text(call)).to_owned();
    report_syntactic(
        context,
        "task-not-referenced",
        range_of(call),
        Confidence::Likely,
        format!(
            "The task from `{call_text}` is not kept: the event loop holds it weakly, so it may be garbage-collected before it finishes"
        ),
        vec![("call", call_text)],
    );
}

// ---------------------------------------------------------------------------------------
// run-non-coroutine

fn run_non_coroutine(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        let range = call.range();
        let Some(node) = context.node(range).filter(|node| kind_of(*node) == "call") else {
            continue;
        };
        if callee_path(context, node).as_deref() != Some("asyncio.run") {
            continue;
        }
        let (Some(argument), Some(values)) =
            (positional_argument(node, 0), call.positional.first())
        else {
            continue;
        };
        let mut tally = Tally {
            pruned: values.pruned(),
            ..Tally::default()
        };
        let mut not_called = false;
        let mut bad_type = None;
        for value in values.values() {
            match value {
                Value::Coroutine(_)
                | Value::Unknown
                | Value::Instance(_, ..)
                | Value::Module(_) => {
                    if matches!(value, Value::Coroutine(_)) {
                        tally.good += 1;
                    } else {
                        tally.unknown += 1;
                    }
                }
                Value::Function(_) | Value::BoundMethod { .. } => {
                    tally.bad += 1;
                    not_called = true;
                }
                other => {
                    tally.bad += 1;
                    bad_type.get_or_insert_with(|| other.type_name().to_owned());
                }
            }
        }
        let argument_text = first_line(context.node_text(argument)).to_owned();
        let message = if not_called {
            format!(
                "`asyncio.run` needs a coroutine object, but `{argument_text}` is the function itself: call it, `{argument_text}()`"
            )
        } else {
            format!(
                "`asyncio.run` needs a coroutine object, but `{argument_text}` is {}: it raises ValueError",
                bad_type
                    .as_deref()
                    .map_or("not one".to_owned(), |name| format!("a `{name}`"))
            )
        };
        let argument_range = range_of(argument);
        context.report_tally(
            "run-non-coroutine",
            argument_range,
            tally,
            message,
            Vec::new(),
            run_call,
        );
        let replacement = if not_called {
            format!("{argument_text}()")
        } else {
            argument_text.clone()
        };
        context.with_finding("run-non-coroutine", argument_range, |finding| {
            finding.fix_parameters = vec![
                ("argument".into(), argument_text),
                ("replacement".into(), replacement),
            ];
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check_fixture_expectations;

    #[track_caller]
    fn check(fixture: &str) {
        let result = check_fixture_expectations(fixture);
        assert!(result.passed(), "{}", result.report());
    }

    #[test]
    fn coroutines_dropped_or_awaited() {
        check(
            r#"
import asyncio

async def fetch(url):
    await asyncio.sleep(0.1)
    return url

async def main():
    # expect: coroutine-not-awaited confidence=definite
    fetch("a")
    # expect: coroutine-not-awaited confidence=definite
    pending = fetch("b")
    result = await fetch("c")
    later = fetch("d")
    results = await asyncio.gather(later, fetch("e"))
    tasks = [asyncio.create_task(fetch(u)) for u in ("f", "g")]
    await asyncio.wait(tasks)
    return result, results

# expect: run-non-coroutine confidence=definite
asyncio.run(main)
asyncio.run(main())
"#,
        );
    }

    #[test]
    fn await_needs_an_async_function() {
        check(
            r#"
import asyncio

def load():
    # expect: await-outside-async confidence=definite
    data = await asyncio.sleep(1)
    return data

async def fine():
    values = [await asyncio.sleep(0) for _ in range(2)]
    return values
"#,
        );
    }

    #[test]
    fn blocking_calls_and_dropped_tasks() {
        check(
            r#"
import asyncio
import time
from subprocess import run

async def tick():
    # expect: blocking-call-in-async confidence=definite
    time.sleep(1)
    # expect: blocking-call-in-async confidence=definite
    run(["ls"])
    await asyncio.sleep(1)
    await asyncio.to_thread(time.sleep, 1)

    def helper():
        time.sleep(1)

    return helper

def sync_tick():
    time.sleep(1)

async def spawn():
    # expect: task-not-referenced confidence=likely
    asyncio.create_task(tick())
    task = asyncio.create_task(tick())
    await task
"#,
        );
    }
}
