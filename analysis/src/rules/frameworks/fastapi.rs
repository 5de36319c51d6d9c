//! FastAPI routes: `fastapi-missing-path-param` (a `{name}` of the route path that the
//! handler does not take) and `fastapi-blocking-in-async-route` (a blocking call inside an
//! `async def` route, which stalls the event loop for every request).
//!
//! ```python
//! @app.get("/items/{item_id}")
//! def read_item(id: int): ...          # fastapi-missing-path-param: `item_id` is dropped
//!
//! @app.get("/report")
//! async def report():
//!     time.sleep(2)                    # fastapi-blocking-in-async-route
//! ```
//!
//! Confidence: the pattern is in the source, so a missing parameter is definite unless a
//! dependency (`Depends`) or the raw `Request` may read the path instead (possible). A
//! blocking call is definite when the callee resolves to the blocking import.

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use smol_str::SmolStr;
use tree_sitter::Node;

use super::{
    Framework, FunctionDef, attach_parameters, decorator_call, framework_enabled, functions,
    imported_from, nodes_of_kind, parameters, range_of, route_path,
};
use crate::config::Confidence;
use crate::index::ParameterKind;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Finding};

pub(super) const CHECK: Check = Check {
    rules: &[
        "fastapi-missing-path-param",
        "fastapi-blocking-in-async-route",
    ],
    run,
};

/// The route decorators of FastAPI applications and routers.
const ROUTE_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "trace",
    "api_route",
    "websocket",
];

fn run(context: &mut RuleContext<'_>) {
    if !framework_enabled(context.db, context.file, Framework::FastApi) {
        return;
    }
    let index = context.index;
    let routes: Vec<(FunctionDef<'_>, TextRange, String, bool)> = functions(index)
        .filter_map(|function| {
            let mut found = None;
            for &decorator in function.decorators {
                let Some(call) = decorator_call(context, decorator) else {
                    continue;
                };
                if !ROUTE_METHODS.contains(&call.method) {
                    continue;
                }
                let has_dependencies = context.node_text(call.arguments).contains("dependencies");
                if let Some((range, path)) = route_path(context, call.arguments) {
                    found = Some((range, path.to_owned(), has_dependencies));
                }
            }
            let (range, path, has_dependencies) = found?;
            Some((function, range, path, has_dependencies))
        })
        .collect();
    for (function, path_range, path, has_dependencies) in &routes {
        missing_path_parameters(context, function, *path_range, path, *has_dependencies);
        if function.is_async {
            blocking_calls(context, function);
        }
    }
}

/// The `{name}` parameters of a route path (`{path:path}` converters stripped).
fn path_parameter_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = after[..close].split(':').next().unwrap_or("").trim();
        if crate::resolve::is_python_identifier(name) && !names.contains(&name) {
            names.push(name);
        }
        rest = &after[close + 1..];
    }
    names
}

fn missing_path_parameters(
    context: &mut RuleContext<'_>,
    function: &FunctionDef<'_>,
    path_range: TextRange,
    path: &str,
    has_dependencies: bool,
) {
    let index = context.index;
    let parameters = parameters(index, function.body);
    if parameters
        .iter()
        .any(|(_, kind, _)| *kind == ParameterKind::VarKeyword)
    {
        return;
    }
    let missing: Vec<&str> = path_parameter_names(path)
        .into_iter()
        .filter(|name| !parameters.iter().any(|(parameter, ..)| parameter == name))
        .collect();
    let Some(first) = missing.first() else {
        return;
    };
    // A dependency or the raw request may read the path parameter instead.
    let signature_text = function_signature_text(context, function);
    let indirect = has_dependencies
        || signature_text.contains("Depends(")
        || signature_text.contains("Request")
        || signature_text.contains("WebSocket");
    let (confidence, score) = if indirect {
        (Confidence::Possible, 40)
    } else {
        (Confidence::Definite, 95)
    };
    let names = missing
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let message = format!(
        "Route path `{path}` declares {names} but `{}` takes no such parameter",
        function.name
    );
    context.report(Finding {
        rule: SmolStr::new_static("fastapi-missing-path-param"),
        range: path_range,
        message,
        confidence,
        score,
        related: Vec::new(),
        fix_parameters: Vec::new(),
    });
    attach_parameters(
        context,
        "fastapi-missing-path-param",
        path_range,
        vec![
            ("function", function.name.to_owned()),
            ("parameter", (*first).to_owned()),
        ],
    );
}

/// The text of a function's parameter list.
fn function_signature_text<'db>(
    context: &RuleContext<'db>,
    function: &FunctionDef<'_>,
) -> &'db str {
    let scope = context.index.scope(function.body);
    context
        .node(scope.range)
        .and_then(|node| child_by_field(node, "parameters"))
        .map(|parameters| context.node_text(parameters))
        .unwrap_or("")
}

/// What a blocking callee is, when `call` resolves to one: (description, replacement).
fn blocking_callee(
    context: &RuleContext<'_>,
    function: &FunctionDef<'_>,
    call: Node<'_>,
) -> Option<(String, &'static str)> {
    let callee = child_by_field(call, "function")?;
    let index = context.index;
    let at = range_of(callee).start();
    match kind_of(callee) {
        "attribute" => {
            let object = child_by_field(callee, "object")?;
            let attribute = context.node_text(child_by_field(callee, "attribute")?);
            if kind_of(object) == "call" {
                // `open(path).read()`.
                let inner = child_by_field(object, "function")?;
                if context.node_text(inner) == "open"
                    && matches!(attribute, "read" | "write" | "readlines")
                    && imported_from(index, function.body, "open", at).is_none()
                {
                    return Some((
                        format!("open(…).{attribute}()"),
                        "read the file with `await asyncio.to_thread(...)` or `aiofiles`",
                    ));
                }
                return None;
            }
            if kind_of(object) != "identifier" {
                // `urllib.request.urlopen(...)`.
                let text = context.node_text(callee);
                if text == "urllib.request.urlopen" {
                    let root = text.split('.').next().unwrap_or("");
                    if imported_from(index, function.body, root, at)
                        .is_some_and(|(module, _)| module.starts_with("urllib"))
                    {
                        return Some((
                            text.to_owned(),
                            "use an async HTTP client such as `httpx.AsyncClient`",
                        ));
                    }
                }
                return None;
            }
            let object_name = context.node_text(object);
            let (module, name) = imported_from(index, function.body, object_name, at)?;
            if name.is_some() {
                return None;
            }
            let replacement = match (module.as_str(), attribute) {
                ("time", "sleep") => "use `await asyncio.sleep(...)`",
                ("requests", "get" | "post" | "put" | "patch" | "delete" | "head" | "request") => {
                    "use an async HTTP client such as `httpx.AsyncClient`"
                }
                ("subprocess", "run" | "call" | "check_call" | "check_output") => {
                    "use `await asyncio.create_subprocess_exec(...)`"
                }
                _ => return None,
            };
            Some((format!("{object_name}.{attribute}()"), replacement))
        }
        "identifier" => {
            let name = context.node_text(callee);
            let (module, imported) = imported_from(index, function.body, name, at)?;
            let imported = imported?;
            let replacement = match (module.as_str(), imported.as_str()) {
                ("time", "sleep") => "use `await asyncio.sleep(...)`",
                ("requests", "get" | "post" | "put" | "patch" | "delete" | "head" | "request") => {
                    "use an async HTTP client such as `httpx.AsyncClient`"
                }
                ("subprocess", "run" | "call" | "check_call" | "check_output") => {
                    "use `await asyncio.create_subprocess_exec(...)`"
                }
                ("urllib.request", "urlopen") => {
                    "use an async HTTP client such as `httpx.AsyncClient`"
                }
                _ => return None,
            };
            Some((format!("{name}()"), replacement))
        }
        _ => None,
    }
}

fn blocking_calls(context: &mut RuleContext<'_>, function: &FunctionDef<'_>) {
    let scope = context.index.scope(function.body);
    let Some(node) = context.node(scope.range) else {
        return;
    };
    let Some(body) = child_by_field(node, "body") else {
        return;
    };
    for call in nodes_of_kind(body, &["call"]) {
        // Calls inside nested functions and lambdas do not run in the route.
        if super::enclosing_function(context.index, range_of(call).start()) != Some(function.body) {
            continue;
        }
        if is_lambda_body(context, call, body) {
            continue;
        }
        let Some((what, replacement)) = blocking_callee(context, function, call) else {
            continue;
        };
        let range = range_of(call);
        context.report(Finding {
            rule: SmolStr::new_static("fastapi-blocking-in-async-route"),
            range,
            message: format!(
                "`{what}` blocks the event loop inside the async route `{}`",
                function.name
            ),
            confidence: Confidence::Definite,
            score: 90,
            related: Vec::new(),
            fix_parameters: Vec::new(),
        });
        attach_parameters(
            context,
            "fastapi-blocking-in-async-route",
            range,
            vec![
                ("call", what),
                ("replacement", replacement.to_owned()),
                ("function", function.name.to_owned()),
            ],
        );
    }
}

/// Whether `node` sits inside a lambda below `top`.
fn is_lambda_body<'t>(context: &RuleContext<'t>, node: Node<'t>, top: Node<'t>) -> bool {
    for parent in context.ancestors(node) {
        if parent.id() == top.id() {
            return false;
        }
        if kind_of(parent) == "lambda" {
            return true;
        }
    }
    false
}
