//! Healing patches: fixes rendered from the templates of `analysis/rules/fixes.json`,
//! fitted to the code around the finding, and verified before they are offered.
//!
//! For each finding, the templates of its rule are tried best rank first. A template
//! applies when its framework is in use, its `when` conditions hold at the finding and
//! every parameter it names has a value. Parameters come from the rule (`default`,
//! `suggestion`, …) and from the syntax around the finding (`object`, `key`, `operator`,
//! `indent`, …). Its strategy turns the rendered text into minimal edits; imports the
//! text needs are added after the module's imports.
//!
//! Verification ([`verify`]) applies a candidate in a scratch copy of the database and
//! keeps it only when the patched files parse, the finding is gone and no other finding
//! at or above the threshold appears.
//!
//! ```python
//! counts = {}
//! for word in words:
//!     counts[word] += 1            # key-error
//!     counts[word] = counts.get(word, 0) + 1    # after `dict-get-augmented`
//! ```

mod layout;
mod templates;
mod verify;

use std::path::Path;
use std::sync::Arc;

use line_index::TextRange;
use rustc_hash::FxHashMap;
use tree_sitter::Node;

use crate::db::Db;
use crate::index::{DefinitionKind, FileIndex, ScopeKind, file_index, range_of};
use crate::input::SourceFile;
use crate::parse::parse;
use crate::rules::{Finding, file_findings, framework_enabled_by_name};
use crate::text_edit::TextEdit;
use crate::values::{Union, Value};

pub use templates::Applicability;
pub(crate) use templates::render as render_template;
pub use verify::{fix_all_edits, fixes_for_crash, verified_fixes};

use layout::{Layout, own_line_statement, range};
use templates::{FixTemplate, Strategy, render, templates_for};

/// One healing patch: what it does, and the edits (against the current texts) that do it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the patch does, for a code action's title.
    pub title: String,
    /// The template it came from (`dict-get`, `guard-not-none`, …, or `suppress`).
    pub fix_id: String,
    /// The rule of the finding it heals.
    pub rule: String,
    /// The finding's range in its file.
    pub finding_range: TextRange,
    pub applicability: Applicability,
    /// The best verified patch for its finding.
    pub preferred: bool,
    /// Sorted, non-overlapping edits per file, each against that file's current text.
    pub edits: Vec<FileEdits>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdits {
    pub path: Arc<Path>,
    pub edits: Vec<TextEdit>,
}

/// Applies edits given against `text` (sorted, non-overlapping), back to front.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_owned();
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
    for edit in sorted.into_iter().rev() {
        let range = crate::text_edit::clamp_range(&out, edit.range);
        out.replace_range(
            usize::from(range.start())..usize::from(range.end()),
            &edit.insert,
        );
    }
    out
}

/// Every candidate patch for `finding` of `file`, best first, not yet verified.
pub fn candidate_fixes(db: &dyn Db, file: SourceFile, finding: &Finding) -> Vec<Fix> {
    let text = file.text(db);
    let parsed = parse(db, file);
    let root = parsed.root();
    let Some(site) = Site::new(db, file, text, root, finding) else {
        return Vec::new();
    };
    let mut fixes: Vec<Fix> = Vec::new();
    // A user rule's fix is rendered by the rule itself (`.remedy/rules/*.json`).
    fixes.extend(crate::rules::user::user_rule_fix(db, file, finding));
    for template in templates_for(&finding.rule) {
        if let Some(fix) = site.instantiate(template) {
            // Two templates may render the same edits (a variant and its parent).
            if !fixes.iter().any(|seen| seen.edits == fix.edits) {
                fixes.push(fix);
            }
        }
    }
    fixes
}

/// The patch that silences `rule` on the finding's line with a suppression comment.
pub fn suppression_fix(db: &dyn Db, file: SourceFile, rule: &str, finding: TextRange) -> Fix {
    let text = file.text(db);
    let start = usize::from(finding.start()).min(text.len());
    let end = layout::line_end(text, start);
    let line = &text[layout::line_start(text, start)..end];
    let edit = match line.find("# remedy: ignore[") {
        // Extend an existing list.
        Some(at) => {
            let close = line[at..].find(']').map(|close| at + close);
            match close {
                Some(close) => TextEdit::replace(
                    range(end - line.len() + close, end - line.len() + close),
                    format!(", {rule}"),
                ),
                None => TextEdit::replace(range(end, end), format!("  # remedy: ignore[{rule}]")),
            }
        }
        None => TextEdit::replace(range(end, end), format!("  # remedy: ignore[{rule}]")),
    };
    Fix {
        title: format!("Suppress `{rule}` on this line"),
        fix_id: "suppress".to_owned(),
        rule: rule.to_owned(),
        finding_range: finding,
        applicability: Applicability::DisplayOnly,
        preferred: false,
        edits: vec![FileEdits {
            path: file.path(db).clone(),
            edits: vec![edit],
        }],
    }
}

/// The code around one finding, and the parameters its templates may use.
struct Site<'a> {
    db: &'a dyn Db,
    file: SourceFile,
    text: &'a str,
    root: Node<'a>,
    layout: Layout,
    finding: &'a Finding,
    /// The smallest node covering the finding.
    node: Node<'a>,
    parameters: FxHashMap<&'static str, String>,
}

impl<'a> Site<'a> {
    fn new(
        db: &'a dyn Db,
        file: SourceFile,
        text: &'a str,
        root: Node<'a>,
        finding: &'a Finding,
    ) -> Option<Site<'a>> {
        let start = usize::from(finding.range.start());
        let end = usize::from(finding.range.end());
        if end > text.len() {
            return None;
        }
        let node = root.descendant_for_byte_range(start, end)?;
        let layout = Layout::detect(text);
        let mut site = Site {
            db,
            file,
            text,
            root,
            layout,
            finding,
            node,
            parameters: FxHashMap::default(),
        };
        site.collect_parameters();
        Some(site)
    }

    fn slice(&self, node: Node<'_>) -> &'a str {
        &self.text[node.start_byte()..node.end_byte()]
    }

    fn set(&mut self, name: &'static str, value: impl Into<String>) {
        self.parameters.insert(name, value.into());
    }

    fn parameter(&self, name: &str) -> Option<String> {
        if let Some(value) = self.parameters.get(name) {
            return Some(value.clone());
        }
        if name == "return_value" {
            return Some(self.return_value());
        }
        self.finding
            .fix_parameters
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }

    fn collect_parameters(&mut self) {
        let node = self.node;
        self.set("indent", self.layout.unit.clone());
        self.set("target", self.slice(node));
        self.set(
            "found",
            &self.text
                [usize::from(self.finding.range.start())..usize::from(self.finding.range.end())],
        );
        if node.kind() == "subscript" {
            if let (Some(object), Some(key)) = (
                node.child_by_field_name("value"),
                node.child_by_field_name("subscript"),
            ) {
                self.set("object", self.slice(object));
                self.set("key", self.slice(key));
            }
        }
        // `counts[k] += 1`: the statement's operator, right side and a starting value.
        if let Some(parent) = node.parent() {
            if parent.kind() == "augmented_assignment"
                && parent.child_by_field_name("left") == Some(node)
            {
                if let (Some(operator), Some(value)) = (
                    parent.child_by_field_name("operator"),
                    parent.child_by_field_name("right"),
                ) {
                    let operator = self.slice(operator).trim_end_matches('=');
                    self.set("operator", operator);
                    self.set("value", parenthesised(self.slice(value), value));
                    if let Some(zero) = starting_value(operator, value) {
                        self.set("zero", zero);
                    }
                }
            }
            // `groups[k].append(x)`: the empty container the method expects.
            if parent.kind() == "attribute" && parent.child_by_field_name("object") == Some(node) {
                if let Some(method) = parent.child_by_field_name("attribute") {
                    let method = self.slice(method);
                    self.set("method", method);
                    if let Some(empty) = empty_container_for(method) {
                        self.set("empty", empty);
                    }
                }
            }
        }
        if let Some(default) = self.parameter("default") {
            let argument = if default == "None" {
                String::new()
            } else {
                format!(", {default}")
            };
            self.set("default_argument", argument);
        }
        if self.finding.rule == "index-error" {
            if let (Some(object), Some(index)) = (
                node.child_by_field_name("value"),
                node.child_by_field_name("subscript"),
            ) {
                let object = self.slice(object);
                let index_text = self.slice(index);
                let condition = match index_text.trim().parse::<i64>() {
                    Ok(0) | Ok(-1) => object.to_owned(),
                    Ok(index) if index > 0 => format!("len({object}) > {index}"),
                    Ok(index) => format!("len({object}) >= {}", -index),
                    Err(_) => format!("-len({object}) <= {index_text} < len({object})"),
                };
                self.set("in_range", condition);
                self.set("index", index_text);
            }
        }
        if self.finding.rule == "stop-iteration" {
            // `next(x for x in xs)`: the generator expression keeps its parentheses.
            if let Some(arguments) = node.child_by_field_name("arguments") {
                let iterator = if arguments.kind() == "generator_expression" {
                    Some(arguments)
                } else {
                    arguments.named_child(0)
                };
                if let Some(iterator) = iterator {
                    self.set("iterator", self.slice(iterator));
                }
            }
        }
        if self.finding.rule == "bad-builtin-arg" {
            self.parse_fallback();
        }
        if self.finding.rule == "none-iteration" {
            self.set("operand", parenthesised(self.slice(node), node));
        }
        if self.finding.rule == "bad-operand" {
            self.bad_operand();
        }
        if self.finding.rule == "is-literal" {
            if let Some(replacement) = self.parameter("replacement") {
                self.set("equality", replacement);
            }
            if let Some(operator) = self.parameter("operator") {
                self.set("identity", operator);
            }
        }
        if self.finding.rule == "unbound-local" {
            self.unbound_local();
        }
        if self.finding.rule == "tool-info-unknown-function" {
            // `get_tool_info()` names functions of its own module.
            self.set(
                "module_file",
                self.file.path(self.db).to_string_lossy().into_owned(),
            );
        }
        if self.finding.rule == "missing-import-name" {
            self.imported_module_file();
        }
        if let Some(function) = self.enclosing_function() {
            if let Some(name) = function.child_by_field_name("name") {
                self.set("enclosing_function", &self.text[name.byte_range()]);
            }
        }
    }

    /// ` [], []` after `return` in a function returning a pair of lists elsewhere; empty
    /// (a plain `return`) when its callers may get None anyway or its values disagree.
    /// Computed only for templates that use it: it runs the rules' call specialisation.
    fn return_value(&self) -> String {
        self.enclosing_function_returns()
            .iter()
            .find_map(|returns| neutral_value_text(returns, 0))
            .map(|value| format!(" {value}"))
            .unwrap_or_default()
    }

    /// What the function holding the finding returns on its other paths: first as run for
    /// the calls of this file (their arguments are known), then as run on its own.
    fn enclosing_function_returns(&self) -> Vec<Union> {
        let index = file_index(self.db, self.file);
        let mut scope = index.scope_at(self.finding.range.start());
        while index.scope(scope).kind != ScopeKind::Function {
            let Some(parent) = index.scope(scope).parent else {
                return Vec::new();
            };
            if matches!(
                index.scope(scope).kind,
                ScopeKind::Class | ScopeKind::Module
            ) {
                return Vec::new();
            }
            scope = parent;
        }
        let context = crate::rules::RuleContext::new(self.db, self.file);
        let specialised = Union::join_all(
            context
                .runs()
                .iter()
                .filter(|run| run.scope == scope && run.call.is_some())
                .filter_map(|run| run.inference.returns.clone()),
        );
        let generic = crate::infer::infer_scope(self.db, self.file, scope)
            .returns
            .clone();
        specialised.into_iter().chain(generic).collect()
    }

    /// `int(text)` that may not parse: the statement as it would read with a neutral
    /// number in place of the call (`total += int(raw)` → `total += 0`), for a handler.
    fn parse_fallback(&mut self) {
        let fallback = match self.parameter("function").as_deref() {
            Some("int") => "0",
            Some("float") => "0.0",
            _ => return,
        };
        let Some(statement) = own_line_statement(self.text, self.node) else {
            return;
        };
        let statement_text = self.slice(statement);
        if statement_text.contains('\n') || layout::first_block(statement).is_some() {
            return;
        }
        let relative = |offset: line_index::TextSize| {
            usize::from(offset)
                .checked_sub(statement.start_byte())
                .filter(|at| *at <= statement_text.len())
        };
        let (Some(start), Some(end)) = (
            relative(self.finding.range.start()),
            relative(self.finding.range.end()),
        ) else {
            return;
        };
        let rewritten = format!(
            "{}{fallback}{}",
            &statement_text[..start],
            &statement_text[end..]
        );
        self.set("fallback_statement", rewritten);
    }

    /// `"total: " + count`: the non-string side gets `str()`.
    fn bad_operand(&mut self) {
        let (Some(left_type), Some(right_type)) =
            (self.parameter("left_type"), self.parameter("right_type"))
        else {
            return;
        };
        // The rule describes types for people (`a str`, `an int`): keep the type name.
        let type_name = |described: &str| {
            described
                .rsplit(' ')
                .next()
                .unwrap_or(described)
                .trim_matches('`')
                .to_owned()
        };
        let (left_type, right_type) = (type_name(&left_type), type_name(&right_type));
        let binary = self.node;
        if binary.kind() != "binary_operator"
            || binary
                .child_by_field_name("operator")
                .is_none_or(|operator| self.slice(operator) != "+")
        {
            return;
        }
        let numeric = |name: &str| matches!(name, "int" | "float" | "bool");
        let side = if left_type == "str" && numeric(&right_type) {
            "right"
        } else if right_type == "str" && numeric(&left_type) {
            "left"
        } else {
            return;
        };
        if let Some(operand) = binary.child_by_field_name(side) {
            self.set("operand", self.slice(operand));
        }
    }

    /// `global name` only fixes a function that means the module's variable.
    fn unbound_local(&mut self) {
        let Some(name) = self.parameter("name") else {
            return;
        };
        let index = file_index(self.db, self.file);
        let scope = index.scope_at(self.finding.range.start());
        if index.scope(scope).kind != crate::index::ScopeKind::Function {
            return;
        }
        let module_binds = index
            .definitions_in_scope(FileIndex::MODULE_SCOPE, &name)
            .any(|id| !matches!(index.definition(id).kind, DefinitionKind::Import { .. }));
        if module_binds && index.scope(scope).parent == Some(FileIndex::MODULE_SCOPE) {
            self.set("module_global", "yes");
        }
    }

    /// The workspace file of the module a `from module import name` names.
    fn imported_module_file(&mut self) {
        let Some(module) = self.parameter("module") else {
            return;
        };
        let files = self.db.workspace().files(self.db);
        let relative = module.trim_start_matches('.').replace('.', "/");
        let own_folder = self.file.path(self.db).parent().map(Path::to_path_buf);
        let candidates = [format!("{relative}.py"), format!("{relative}/__init__.py")];
        let mut found = files.keys().filter(|path| {
            candidates.iter().any(|candidate| path.ends_with(candidate))
                && (!module.starts_with('.')
                    || own_folder
                        .as_ref()
                        .is_some_and(|folder| path.starts_with(folder)))
        });
        if let (Some(path), None) = (found.next(), found.next()) {
            self.set("module_file", path.to_string_lossy().into_owned());
        }
    }

    fn enclosing_function(&self) -> Option<Node<'a>> {
        let mut node = self.node.parent();
        while let Some(current) = node {
            match current.kind() {
                "function_definition" => return Some(current),
                "class_definition" | "lambda" => return None,
                _ => node = current.parent(),
            }
        }
        None
    }

    /// Whether the enclosing function is a route handler: a decorator calling `.get(…)`,
    /// `.route(…)` and the like on an app or router.
    fn in_route(&self) -> bool {
        let Some(function) = self.enclosing_function() else {
            return false;
        };
        let Some(decorated) = function
            .parent()
            .filter(|parent| parent.kind() == "decorated_definition")
        else {
            return false;
        };
        let mut cursor = decorated.walk();
        let found = decorated
            .named_children(&mut cursor)
            .filter(|child| child.kind() == "decorator")
            .any(|decorator| {
                let Some(call) = decorator
                    .named_child(0)
                    .filter(|call| call.kind() == "call")
                else {
                    return false;
                };
                call.child_by_field_name("function")
                    .filter(|function| function.kind() == "attribute")
                    .and_then(|function| function.child_by_field_name("attribute"))
                    .is_some_and(|method| {
                        matches!(
                            self.slice(method),
                            "get"
                                | "post"
                                | "put"
                                | "patch"
                                | "delete"
                                | "head"
                                | "options"
                                | "route"
                                | "api_route"
                        )
                    })
            });
        found
    }

    /// The kind of the innermost loop around the finding in its function, if any.
    fn enclosing_loop_kind(&self) -> Option<&'static str> {
        let mut node = self.node.parent();
        while let Some(current) = node {
            match current.kind() {
                "for_statement" => return Some("for_statement"),
                "while_statement" => return Some("while_statement"),
                "function_definition" | "class_definition" | "lambda" => return None,
                _ => node = current.parent(),
            }
        }
        None
    }

    /// Whether the finding's node is read (not assigned, deleted or a loop target).
    fn is_load(&self) -> bool {
        let mut node = self.node;
        while let Some(parent) = node.parent() {
            match parent.kind() {
                "pattern_list"
                | "tuple_pattern"
                | "list_pattern"
                | "parenthesized_expression"
                | "tuple"
                | "list" => node = parent,
                "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                    return parent.child_by_field_name("left") != Some(node);
                }
                "delete_statement" => return false,
                _ => return true,
            }
        }
        true
    }

    /// The node named by the `object` parameter inside the finding's node.
    fn object_node(&self) -> Option<Node<'a>> {
        let object = self.parameter("object")?;
        find_descendant(self.node, |node| self.slice(node) == object)
    }

    fn condition_holds(&self, condition: &str) -> bool {
        match condition {
            "load" => self.is_load(),
            "augmented" => self.parameters.contains_key("operator"),
            "not-augmented" => self.node.kind() != "augmented_assignment",
            "method-receiver" => self.parameters.contains_key("method"),
            "pure-target" => is_pure(self, self.node),
            "pure-object" => self.object_node().is_some_and(|node| is_pure(self, node)),
            "pure-divisor" => self
                .node
                .child_by_field_name("right")
                .is_some_and(|node| is_pure(self, node)),
            "route" => self.in_route(),
            "pattern-list" => self.node.kind() == "pattern_list",
            "loop" => self.enclosing_loop_kind().is_some(),
            // `continue` in a `while` loop may skip the step that ends it (`i += 1`).
            "for-loop" => self.enclosing_loop_kind() == Some("for_statement"),
            "function" => self.enclosing_function().is_some(),
            "async-function" => self
                .enclosing_function()
                .is_some_and(|function| self.slice(function).starts_with("async")),
            "single-argument" => {
                self.node
                    .child_by_field_name("arguments")
                    .is_some_and(|arguments| {
                        arguments.kind() == "generator_expression"
                            || arguments.named_child_count() == 1
                    })
            }
            "not-call" => self.node.parent().is_none_or(|parent| {
                parent.kind() != "call" || parent.child_by_field_name("function") != Some(self.node)
            }),
            _ if condition.starts_with("pure:") => {
                // `pure:object,value`: those parameters' code may be evaluated again.
                condition["pure:".len()..].split(',').all(|name| {
                    self.parameter(name).is_some_and(|text| {
                        find_descendant(self.node, |node| self.slice(node) == text)
                            .is_some_and(|node| is_pure(self, node))
                    })
                })
            }
            _ if condition.starts_with("raises:") => {
                // `raises:ValueError|StopIteration`: the finding's exception is one of these.
                self.parameter("exception").is_some_and(|exception| {
                    condition["raises:".len()..]
                        .split('|')
                        .any(|name| name == exception)
                })
            }
            _ => match condition.strip_prefix("method:") {
                Some(method) => self
                    .node
                    .child_by_field_name("function")
                    .and_then(|function| function.child_by_field_name("attribute"))
                    .is_some_and(|attribute| self.slice(attribute) == method),
                None => false,
            },
        }
    }

    fn instantiate(&self, template: &FixTemplate) -> Option<Fix> {
        if !template.frameworks.is_empty()
            && !template
                .frameworks
                .iter()
                .any(|framework| framework_enabled_by_name(self.db, self.file, framework))
        {
            return None;
        }
        if !template
            .when
            .iter()
            .all(|condition| self.condition_holds(condition))
        {
            return None;
        }
        if !template
            .requires
            .iter()
            .all(|name| self.parameter(name).is_some())
        {
            return None;
        }
        let lookup = |name: &str| self.parameter(name);
        let title = render(&template.title, lookup)?;
        let text = render(&template.text, lookup)?;
        let path = self.file.path(self.db).clone();
        let mut edits = self.strategy_edits(template, &text)?;
        let mut other_files = Vec::new();
        if template.strategy == Strategy::AppendToModule {
            other_files = self.append_to_module(&text)?;
            edits.clear();
        }
        for import in &template.imports {
            if let Some(edit) = self.import_edit(import) {
                edits.push(edit);
            }
        }
        edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
        if edits
            .windows(2)
            .any(|pair| pair[0].range.end() > pair[1].range.start())
        {
            return None;
        }
        let mut files = Vec::new();
        if !edits.is_empty() {
            files.push(FileEdits { path, edits });
        }
        files.extend(other_files);
        if files.is_empty() {
            return None;
        }
        Some(Fix {
            title,
            fix_id: template.id.clone(),
            rule: self.finding.rule.to_string(),
            finding_range: self.finding.range,
            applicability: template.applicability,
            preferred: false,
            edits: files,
        })
    }

    fn strategy_edits(&self, template: &FixTemplate, text: &str) -> Option<Vec<TextEdit>> {
        match template.strategy {
            Strategy::Replace => {
                let target = self.target_range(&template.target)?;
                let text = if template.target == "finding" || template.target == "operand" {
                    self.fit_parentheses(text, self.target_node(&template.target))
                } else {
                    text.to_owned()
                };
                Some(vec![TextEdit::replace(target, text)])
            }
            Strategy::WrapStatement => {
                let statement = own_line_statement(self.text, self.node)?;
                Some(layout::wrap_statement(
                    self.text,
                    &self.layout,
                    self.root,
                    statement,
                    text,
                ))
            }
            Strategy::TryStatement => {
                // A compound statement would take its whole body into the `try:`.
                let statement = own_line_statement(self.text, self.node)
                    .filter(|statement| layout::first_block(*statement).is_none())?;
                Some(layout::try_statement(
                    self.text,
                    &self.layout,
                    self.root,
                    statement,
                    text,
                ))
            }
            Strategy::InsertBeforeStatement => {
                let statement = own_line_statement(self.text, self.node)?;
                Some(vec![layout::insert_before(
                    self.text,
                    &self.layout,
                    statement,
                    text,
                )])
            }
            Strategy::InsertBodyStart => {
                let statement = self.first_body_statement()?;
                Some(vec![layout::insert_before(
                    self.text,
                    &self.layout,
                    statement,
                    text,
                )])
            }
            Strategy::ReplaceDefault => {
                let first = self.first_body_statement()?;
                Some(vec![
                    TextEdit::replace(self.finding.range, "None"),
                    layout::insert_before(self.text, &self.layout, first, text),
                ])
            }
            Strategy::AddImport => self.import_edit(text).map(|edit| vec![edit]),
            Strategy::AppendToModule => Some(Vec::new()),
        }
    }

    fn first_body_statement(&self) -> Option<Node<'a>> {
        let function = self.enclosing_function()?;
        let body = function.child_by_field_name("body")?;
        let first = first_statement_after_docstring(body)?;
        (layout::line_start(self.text, first.start_byte()) > function.start_byte()).then_some(first)
    }

    fn target_node(&self, target: &str) -> Option<Node<'a>> {
        match target {
            "finding" => Some(self.node),
            "statement" => {
                let statement = own_line_statement(self.text, self.node)?;
                Some(statement)
            }
            "operand" => {
                let operand = self.parameter("operand")?;
                find_descendant(self.node, |node| self.slice(node) == operand)
            }
            _ => None,
        }
    }

    fn target_range(&self, target: &str) -> Option<TextRange> {
        match target {
            "operator" => {
                // Between the comparison's operands: `is` / `is not`.
                let identity = self.parameter("identity")?;
                let span = &self.text[self.node.byte_range()];
                let at = span.find(&format!(" {identity} "))? + 1;
                let start = self.node.start_byte() + at;
                Some(range(start, start + identity.len()))
            }
            "bare-except" => {
                let mut clause = Some(self.node);
                while let Some(node) = clause {
                    if node.kind() == "except_clause" {
                        break;
                    }
                    clause = node.parent();
                }
                let clause = clause?;
                let header = &self.text[clause.start_byte()..];
                let colon = header.find(':')?;
                if header[..colon].trim() != "except" {
                    return None;
                }
                Some(range(clause.start_byte(), clause.start_byte() + colon + 1))
            }
            "statement" => self.target_node(target).map(range_of),
            "finding" => Some(self.finding.range),
            _ => self.target_node(target).map(range_of),
        }
    }

    /// A conditional expression in parentheses loses them where the context is already
    /// delimited (an argument, the right side of an assignment, a statement of its own).
    fn fit_parentheses(&self, text: &str, node: Option<Node<'_>>) -> String {
        let Some(inner) = text
            .strip_prefix('(')
            .and_then(|text| text.strip_suffix(')'))
        else {
            return text.to_owned();
        };
        if !balanced(inner) {
            return text.to_owned();
        }
        let delimited = node.and_then(|node| node.parent()).is_some_and(|parent| {
            matches!(
                parent.kind(),
                "argument_list"
                    | "expression_statement"
                    | "return_statement"
                    | "keyword_argument"
                    | "parenthesized_expression"
            ) || (parent.kind() == "assignment" && parent.child_by_field_name("right") == node)
        });
        if delimited {
            inner.to_owned()
        } else {
            text.to_owned()
        }
    }

    /// An edit adding `import` after the module's imports, unless the name is bound.
    fn import_edit(&self, import: &str) -> Option<TextEdit> {
        let bound = import
            .rsplit([' ', ','])
            .next()
            .unwrap_or(import)
            .split('.')
            .next()
            .unwrap_or(import);
        let index = file_index(self.db, self.file);
        if index
            .definitions_in_scope(FileIndex::MODULE_SCOPE, bound)
            .next()
            .is_some()
        {
            return None;
        }
        let offset = layout::import_insertion_offset(self.text, self.root);
        let mut line = format!("{import}{}", self.layout.eol);
        // A file without a final newline gets one before the import.
        if offset == self.text.len() && !self.text.is_empty() && !self.text.ends_with('\n') {
            line.insert_str(0, self.layout.eol);
        }
        Some(TextEdit::replace(range(offset, offset), line))
    }

    /// The rendered definition appended to the workspace module named by `module_file`.
    fn append_to_module(&self, text: &str) -> Option<Vec<FileEdits>> {
        let target = self.parameter("module_file")?;
        let files = self.db.workspace().files(self.db);
        let (path, file) = files
            .iter()
            .find(|(path, _)| path.to_string_lossy() == target)?;
        let existing = file.text(self.db);
        let layout = Layout::detect(existing);
        let mut insert = String::new();
        if !existing.is_empty() && !existing.ends_with('\n') {
            insert.push_str(layout.eol);
        }
        if !existing.trim().is_empty() {
            insert.push_str(layout.eol);
            insert.push_str(layout.eol);
        }
        insert.push_str(&layout.lines(&text.replace(&self.layout.unit, &layout.unit), ""));
        let end = existing.len();
        Some(vec![FileEdits {
            path: path.clone(),
            edits: vec![TextEdit::replace(range(end, end), insert)],
        }])
    }
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

fn first_statement_after_docstring(body: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = body.walk();
    let statements: Vec<Node<'_>> = body
        .named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .collect();
    let first = *statements.first()?;
    let is_docstring = first.kind() == "expression_statement"
        && first
            .named_child(0)
            .is_some_and(|expression| expression.kind() == "string");
    if is_docstring {
        statements.get(1).copied()
    } else {
        Some(first)
    }
}

fn find_descendant<'t>(node: Node<'t>, matches: impl Fn(Node<'t>) -> bool) -> Option<Node<'t>> {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if matches(current) {
            return Some(current);
        }
        let mut cursor = current.walk();
        let children: Vec<Node<'t>> = current.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    None
}

/// Whether evaluating `node` twice is harmless: names, attributes, literals, subscripts,
/// operators and `len()` of such.
fn is_pure(site: &Site<'_>, node: Node<'_>) -> bool {
    let mut stack = vec![node];
    let mut seen = 0;
    while let Some(current) = stack.pop() {
        seen += 1;
        if seen > 200 {
            return false;
        }
        match current.kind() {
            "call" => {
                let is_len = current
                    .child_by_field_name("function")
                    .is_some_and(|function| site.slice(function) == "len");
                if !is_len {
                    return false;
                }
            }
            "await"
            | "yield"
            | "named_expression"
            | "lambda"
            | "list_comprehension"
            | "generator_expression"
            | "set_comprehension"
            | "dictionary_comprehension" => {
                return false;
            }
            _ => {}
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    true
}

/// The empty value of the shape a function returns, as code: `return [], []` for a
/// function returning a pair of lists, `return 0` for a count. `None` when the function
/// may already return None (a plain `return` fits its callers), or its values disagree.
fn neutral_value_text(returns: &Union, depth: usize) -> Option<String> {
    if depth > 2 {
        return None;
    }
    let mut found: Option<String> = None;
    for value in returns.values() {
        let text = match value {
            Value::Bool(_) => "False".to_owned(),
            Value::Int(_) => "0".to_owned(),
            Value::Float(_) => "0.0".to_owned(),
            Value::Str(_) => "\"\"".to_owned(),
            Value::List(_) => "[]".to_owned(),
            Value::Dict(_) => "{}".to_owned(),
            Value::Set(_) => "set()".to_owned(),
            Value::Tuple(items) if items.exact && depth == 0 && !items.items.is_empty() => {
                let parts: Option<Vec<String>> = items
                    .items
                    .iter()
                    .map(|item| neutral_value_text(item, depth + 1))
                    .collect();
                let parts = parts?;
                if parts.len() == 1 {
                    format!("{},", parts[0])
                } else {
                    parts.join(", ")
                }
            }
            Value::Tuple(items) if items.exact && items.items.is_empty() => "()".to_owned(),
            _ => return None,
        };
        match &found {
            Some(seen) if *seen != text => return None,
            _ => found = Some(text),
        }
    }
    found
}

/// `text` of `node` in parentheses when an operator could bind into it.
fn parenthesised(text: &str, node: Node<'_>) -> String {
    match node.kind() {
        "identifier"
        | "attribute"
        | "call"
        | "subscript"
        | "integer"
        | "float"
        | "string"
        | "true"
        | "false"
        | "none"
        | "list"
        | "tuple"
        | "dictionary"
        | "set"
        | "parenthesized_expression"
        | "concatenated_string" => text.to_owned(),
        _ => format!("({text})"),
    }
}

/// The value a missing entry starts from for `d[k] <operator>= value`.
fn starting_value(operator: &str, value: Node<'_>) -> Option<&'static str> {
    let by_kind = match value.kind() {
        "integer" => "0",
        "float" => "0.0",
        "string" | "concatenated_string" => "\"\"",
        "list" | "list_comprehension" => "[]",
        "tuple" => "()",
        _ => "0",
    };
    match operator {
        "+" | "-" | "|" | "^" => Some(by_kind),
        "*" if by_kind == "0" || by_kind == "0.0" => Some("1"),
        _ => None,
    }
}

/// The empty container a method called on a missing entry would need.
fn empty_container_for(method: &str) -> Option<&'static str> {
    Some(match method {
        "append" | "extend" | "insert" | "sort" | "reverse" => "[]",
        "add" | "discard" => "set()",
        "update" | "setdefault" | "items" | "keys" | "values" => "{}",
        _ => return None,
    })
}

/// Every finding of `file` that a fix could target: enabled, at or above the threshold.
pub(crate) fn reported_findings(db: &dyn Db, file: SourceFile) -> Vec<&Finding> {
    let min_confidence = db.settings().config(db).min_confidence;
    file_findings(db, file)
        .iter()
        .filter(|finding| finding.confidence >= min_confidence)
        .collect()
}

#[cfg(test)]
mod tests;
