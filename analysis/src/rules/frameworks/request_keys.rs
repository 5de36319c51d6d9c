//! Request data read with `[]`: `flask-request-key-error` (`request.args["q"]` and the
//! other Werkzeug multi-dicts raise `BadRequestKeyError`, a 400) and
//! `django-querydict-key-error` (`request.GET["q"]` raises `MultiValueDictKeyError`, a 500).
//!
//! ```python
//! from flask import request
//! page = request.args["page"]          # flask-request-key-error
//! page = request.args.get("page", 1)   # fine
//!
//! def search(request):
//!     term = request.GET["q"]          # django-querydict-key-error
//! ```
//!
//! Confidence: the client decides what the request holds, so a missing key is likely
//! rather than certain. A `try` catching the error (or a base class), a `"q" in
//! request.args` guard or an early exit on `"q" not in request.args` silence the finding.

use crate::index::{child_by_field, kind_of};
use smol_str::SmolStr;
use tree_sitter::Node;

use super::{
    Framework, attach_parameters, enclosing_function, framework_enabled, imported_from,
    is_caught_any, is_key_guarded, nodes_of_kind, range_of,
};
use crate::config::Confidence;
use crate::index::{DefinitionKind, NameResolution};
use crate::rules::context::RuleContext;
use crate::rules::{Check, Finding};

pub(super) const CHECK: Check = Check {
    rules: &["flask-request-key-error", "django-querydict-key-error"],
    run,
};

/// Werkzeug multi-dicts of a Flask request whose `[]` raises `BadRequestKeyError`.
const FLASK_CONTAINERS: &[&str] = &["args", "form", "files", "values", "cookies", "headers"];
/// Django `QueryDict`/`MultiValueDict` attributes whose `[]` raises `MultiValueDictKeyError`.
const DJANGO_CONTAINERS: &[&str] = &["GET", "POST", "FILES"];

fn run(context: &mut RuleContext<'_>) {
    let flask = framework_enabled(context.db, context.file, Framework::Flask);
    let django = framework_enabled(context.db, context.file, Framework::Django);
    if !flask && !django {
        return;
    }
    for subscript in nodes_of_kind(context.root(), &["subscript"]) {
        if is_store_target(context, subscript) {
            continue;
        }
        let Some(value) = child_by_field(subscript, "value") else {
            continue;
        };
        if kind_of(value) != "attribute" {
            continue;
        }
        let (Some(object), Some(attribute)) = (
            child_by_field(value, "object"),
            child_by_field(value, "attribute"),
        ) else {
            continue;
        };
        let attribute = context.node_text(attribute);
        if flask && FLASK_CONTAINERS.contains(&attribute) && is_flask_request(context, object) {
            report(context, subscript, value, Kind::Flask);
        } else if django
            && DJANGO_CONTAINERS.contains(&attribute)
            && is_django_request(context, object)
        {
            report(context, subscript, value, Kind::Django);
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Flask,
    Django,
}

/// `request` imported from flask (`from flask import request`, or `flask.request`).
fn is_flask_request(context: &RuleContext<'_>, object: Node<'_>) -> bool {
    let index = context.index;
    let at = range_of(object).start();
    let scope = index.scope_at(at);
    match kind_of(object) {
        "identifier" => {
            let name = context.node_text(object);
            imported_from(index, scope, name, at).is_some_and(|(module, imported)| {
                module == "flask" && imported.as_deref() == Some("request")
            })
        }
        "attribute" => {
            let (Some(module), Some(attribute)) = (
                child_by_field(object, "object"),
                child_by_field(object, "attribute"),
            ) else {
                return false;
            };
            kind_of(module) == "identifier"
                && context.node_text(attribute) == "request"
                && imported_from(index, scope, context.node_text(module), at)
                    .is_some_and(|(module, imported)| module == "flask" && imported.is_none())
        }
        _ => false,
    }
}

/// The `request` parameter of the enclosing function, or `self.request` in a method.
fn is_django_request(context: &RuleContext<'_>, object: Node<'_>) -> bool {
    let index = context.index;
    let at = range_of(object).start();
    match kind_of(object) {
        "identifier" if context.node_text(object) == "request" => {
            let Some(function) = enclosing_function(index, at) else {
                return false;
            };
            let NameResolution::Scope { definitions, .. } =
                index.resolve_name(function, "request", at)
            else {
                return false;
            };
            definitions
                .iter()
                .all(|&id| matches!(index.definition(id).kind, DefinitionKind::Parameter { .. }))
        }
        "attribute" => context.node_text(object) == "self.request",
        _ => false,
    }
}

fn is_store_target<'t>(context: &RuleContext<'t>, subscript: Node<'t>) -> bool {
    let Some(parent) = context.parent(subscript) else {
        return false;
    };
    match kind_of(parent) {
        "assignment" | "augmented_assignment" => {
            child_by_field(parent, "left").is_some_and(|left| left.id() == subscript.id())
        }
        "delete_statement" => true,
        _ => false,
    }
}

fn report(context: &mut RuleContext<'_>, subscript: Node<'_>, container: Node<'_>, kind: Kind) {
    let range = range_of(subscript);
    let Some(key) = child_by_field(subscript, "subscript") else {
        return;
    };
    let key_text = context.node_text(key);
    let container_text = context.node_text(container);
    let (rule, caught_by, exception): (&'static str, &[&str], &str) = match kind {
        Kind::Flask => (
            "flask-request-key-error",
            &["BadRequestKeyError", "BadRequest", "HTTPException"],
            "BadRequestKeyError",
        ),
        Kind::Django => (
            "django-querydict-key-error",
            &["MultiValueDictKeyError"],
            "MultiValueDictKeyError",
        ),
    };
    if is_caught_any(context, range, caught_by) {
        return;
    }
    if is_key_guarded(context, subscript, key_text, container_text) {
        return;
    }
    let consequence = match kind {
        Kind::Flask => "the request fails with 400 Bad Request",
        Kind::Django => "the view fails with a 500",
    };
    context.report(Finding {
        rule: SmolStr::new_static(rule),
        range,
        message: format!(
            "`{container_text}[{key_text}]` raises `{exception}` when the request has no {key_text}: {consequence}"
        ),
        confidence: Confidence::Likely,
        score: 70,
        related: Vec::new(),
        fix_parameters: Vec::new(),
    });
    attach_parameters(
        context,
        rule,
        range,
        vec![
            ("object", container_text.to_owned()),
            ("key", key_text.to_owned()),
        ],
    );
}
