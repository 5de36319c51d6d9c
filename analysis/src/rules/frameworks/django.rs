//! `django-get-does-not-exist`: `Model.objects.get(...)` in a view, outside a `try` that
//! catches `DoesNotExist`. A URL naming a missing row becomes a 500 instead of a 404.
//!
//! ```python
//! def post_detail(request, pk):
//!     post = Post.objects.get(pk=pk)           # django-get-does-not-exist
//!     post = get_object_or_404(Post, pk=pk)    # fine
//! ```
//!
//! A view is a function of a views module, or any function taking `request`. Confidence:
//! whether the row exists depends on the database, so the finding is likely.

use crate::index::{child_by_field, kind_of};
use smol_str::SmolStr;
use tree_sitter::Node;

use super::{
    Framework, attach_parameters, enclosing_function, framework_enabled, is_caught_any,
    is_views_module, nodes_of_kind, parameters, range_of,
};
use crate::config::Confidence;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Finding};

pub(super) const CHECK: Check = Check {
    rules: &["django-get-does-not-exist"],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    if !framework_enabled(context.db, context.file, Framework::Django) {
        return;
    }
    let views_module = is_views_module(context.file.path(context.db));
    for call in nodes_of_kind(context.root(), &["call"]) {
        let Some(model) = manager_get_model(context, call) else {
            continue;
        };
        let range = range_of(call);
        let Some(function) = enclosing_function(context.index, range.start()) else {
            continue;
        };
        let takes_request = parameters(context.index, function)
            .iter()
            .take(2)
            .any(|(name, ..)| name == "request");
        if !views_module && !takes_request {
            continue;
        }
        if is_caught_any(context, range, &["DoesNotExist", "ObjectDoesNotExist"]) {
            continue;
        }
        let call_text = context.node_text(call);
        let call_text = if call_text.len() > 60 {
            format!("{}…", &call_text[..call_text.floor_char_boundary(57)])
        } else {
            call_text.to_owned()
        };
        context.report(Finding {
            rule: SmolStr::new_static("django-get-does-not-exist"),
            range,
            message: format!(
                "`{call_text}` raises `{model}.DoesNotExist` when no row matches: the view fails with a 500 instead of a 404"
            ),
            confidence: Confidence::Likely,
            score: 65,
            related: Vec::new(),
            fix_parameters: Vec::new(),
        });
        let arguments = child_by_field(call, "arguments")
            .map(|arguments| context.node_text(arguments))
            .unwrap_or("()");
        let arguments = arguments
            .strip_prefix('(')
            .and_then(|inner| inner.strip_suffix(')'))
            .unwrap_or(arguments);
        attach_parameters(
            context,
            "django-get-does-not-exist",
            range,
            vec![("model", model), ("arguments", arguments.to_owned())],
        );
    }
}

/// For `Model.objects.get(...)` (also through `Model.objects.filter(...).get(...)` and
/// `self.model.objects`), the model's text.
fn manager_get_model(context: &RuleContext<'_>, call: Node<'_>) -> Option<String> {
    let function = child_by_field(call, "function")?;
    if kind_of(function) != "attribute"
        || context.node_text(child_by_field(function, "attribute")?) != "get"
    {
        return None;
    }
    // Walk down the receiver chain to `<model>.objects`.
    let mut receiver = child_by_field(function, "object")?;
    loop {
        match kind_of(receiver) {
            "call" => receiver = child_by_field(receiver, "function")?,
            "attribute" => {
                let attribute = context.node_text(child_by_field(receiver, "attribute")?);
                let object = child_by_field(receiver, "object")?;
                if attribute == "objects" {
                    let model = context.node_text(object);
                    let last = model.rsplit('.').next().unwrap_or(model);
                    let is_model = last.chars().next().is_some_and(char::is_uppercase)
                        || model == "self.model";
                    return is_model.then(|| model.to_owned());
                }
                receiver = object;
            }
            _ => return None,
        }
    }
}
