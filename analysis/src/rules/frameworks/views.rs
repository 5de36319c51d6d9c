//! `view-returns-none`: a Flask route or Django view with a path that returns `None`.
//! Flask raises `TypeError` ("The view function did not return a valid response"), Django
//! `ValueError` ("didn't return an HttpResponse object"): the request ends in a 500.
//!
//! ```python
//! @app.route("/posts/<int:post_id>")
//! def show_post(post_id):
//!     post = POSTS.get(post_id)
//!     if post is not None:
//!         return render_template("post.html", post=post)
//!     # falls off the end: view-returns-none (likely)
//! ```
//!
//! The interpreter's return union of the view says which paths return `None`: an explicit
//! `return`/`return None`, or falling off the end (the interpreter ends a path at `raise`,
//! `abort(404)`, `sys.exit()` and calls to functions that always raise). Confidence: every returned value is `None` → definite; some → likely; a
//! trailing `if request.method == …` chain without `else` (other methods never arrive) or
//! a `None` that comes from another function → possible.

use crate::index::{child_by_field, kind_of};
use line_index::{TextRange, TextSize};
use tree_sitter::Node;

use super::{
    Framework, FunctionDef, attach_parameters, decorator_call, file_imports_framework,
    framework_enabled, functions, is_django_view,
};
use crate::infer::infer_scope;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Related, Tally};
use crate::values::Value;

pub(super) const CHECK: Check = Check {
    rules: &["view-returns-none"],
    run,
};

/// Flask decorators that register a view (`app.route`, `bp.get`, …).
const FLASK_ROUTE_METHODS: &[&str] = &["route", "get", "post", "put", "patch", "delete"];

fn run(context: &mut RuleContext<'_>) {
    let flask = framework_enabled(context.db, context.file, Framework::Flask);
    let django = framework_enabled(context.db, context.file, Framework::Django);
    if !flask && !django {
        return;
    }
    // `@app.get` is FastAPI's spelling too, where returning None is fine.
    let fastapi_file = file_imports_framework(context.db, context.file, Framework::FastApi);
    let views: Vec<(FunctionDef<'_>, &'static str)> = functions(context.index)
        .filter_map(|function| {
            if context.index.scope(function.body).is_generator {
                return None;
            }
            let is_flask_view = flask
                && function.decorators.iter().any(|&decorator| {
                    decorator_call(context, decorator).is_some_and(|call| {
                        FLASK_ROUTE_METHODS.contains(&call.method)
                            && (call.method == "route" || !fastapi_file)
                    })
                });
            if is_flask_view {
                return Some((function, "Flask"));
            }
            if django && is_django_view(context, &function) {
                return Some((function, "Django"));
            }
            None
        })
        .collect();
    for (function, framework) in views {
        check_view(context, &function, framework);
    }
}

fn check_view(context: &mut RuleContext<'_>, function: &FunctionDef<'_>, framework: &str) {
    let db = context.db;
    let file = context.file;
    let index = context.index;
    let scope = index.scope(function.body);
    let Some(returns) = &infer_scope(db, file, function.body).returns else {
        return;
    };
    let Some(node) = context.node(scope.range) else {
        return;
    };
    let Some(body) = child_by_field(node, "body") else {
        return;
    };
    let end = scope.range.end();
    let inside = |range: TextRange| scope.range.start() <= range.start() && range.end() <= end;
    // The framework calls a view with every kind of request.
    let mut tally = Tally {
        pruned: returns.pruned(),
        inherent: true,
        ..Tally::default()
    };
    let mut places: Vec<(TextRange, &'static str)> = Vec::new();
    let mut uncertain = false;
    for member in returns.members() {
        if member.value != Value::None {
            tally.good += 1;
            continue;
        }
        let mut local = false;
        for origin in &member.origins {
            if origin.file != file || !inside(origin.range) {
                continue;
            }
            if origin.range.is_empty() && origin.range.start() == end {
                if ends_with_method_dispatch(context, body) {
                    uncertain = true;
                }
                places.push((origin.range, "falls off the end"));
            } else {
                places.push((origin.range, "returns None"));
            }
            local = true;
        }
        if local {
            tally.bad += 1;
        } else {
            // `return helper()` where the helper may return None: not this view's code.
            tally.unknown += 1;
        }
    }
    if places.is_empty() {
        return;
    }
    if uncertain {
        tally.unknown += 1;
    }
    let (exception, text) = match framework {
        "Flask" => ("TypeError", "Flask answers 500"),
        _ => ("ValueError", "Django answers 500"),
    };
    let describe = |range: TextRange, what: &str| {
        if what == "falls off the end" {
            let line = context.line_of(last_line_offset(context, range));
            format!("when it falls off the end (L{line})")
        } else {
            let statement = context.slice(range).trim();
            format!("at `{statement}` (L{})", context.line_of(range.start()))
        }
    };
    let summary: Vec<String> = places
        .iter()
        .map(|(range, what)| describe(*range, what))
        .collect();
    let message = format!(
        "{framework} view `{}` returns None {}: {text} with `{exception}`",
        function.name,
        summary.join(" or ")
    );
    let related: Vec<Related> = places
        .iter()
        .map(|(range, what)| Related {
            file,
            range: *range,
            message: format!("None {what} here"),
        })
        .collect();
    context.report_tally(
        "view-returns-none",
        function.name_range,
        tally,
        message,
        related,
        None,
    );
    attach_parameters(
        context,
        "view-returns-none",
        function.name_range,
        vec![
            ("function", function.name.to_owned()),
            ("framework", framework.to_lowercase()),
        ],
    );
}

/// The offset of the last non-blank character before `range` (falling off the end is
/// reported at the function's last line).
fn last_line_offset(context: &RuleContext<'_>, range: TextRange) -> TextSize {
    let end = usize::from(range.start()).min(context.text.len());
    let trimmed = context.text[..end].trim_end();
    TextSize::from(trimmed.len().saturating_sub(1) as u32)
}

/// The body ends with an `if`/`elif` chain on the request method and no `else`: methods the
/// route does not accept never reach the end.
fn ends_with_method_dispatch(context: &RuleContext<'_>, body: Node<'_>) -> bool {
    let mut cursor = body.walk();
    let Some(last) = body
        .named_children(&mut cursor)
        .filter(|statement| kind_of(*statement) != "comment")
        .last()
    else {
        return false;
    };
    kind_of(last) == "if_statement"
        && child_by_field(last, "condition")
            .is_some_and(|condition| context.node_text(condition).contains("method"))
}
