//! Builds a [`FileIndex`] in one walk over the tree with an explicit work stack, so
//! 5,000 nested brackets or 200 nested `if`s cost heap, not native stack.

use line_index::{TextRange, TextSize};
use tree_sitter::Node;

use super::pieces::{Piece, Pieces};
use super::{
    Branch, BranchId, BranchKind, Definition, DefinitionId, DefinitionKind, FileIndex, Import,
    Name, NameContext, NameRef, ParameterKind, Scope, ScopeId, ScopeKind,
};

/// Where a node is visited: its scope and innermost branch.
#[derive(Clone, Copy)]
struct Place {
    scope: ScopeId,
    branch: BranchId,
}

/// How a target binds: the definition kind and the statement around it.
#[derive(Clone)]
struct Binding {
    kind: DefinitionKind,
    node_range: TextRange,
    value_range: Option<TextRange>,
    annotation: Option<TextRange>,
}

enum Task<'tree> {
    /// An expression or statement: loads, nested definitions, branches.
    Visit(Node<'tree>, Place),
    /// An assignment target.
    Bind(Node<'tree>, Place, Binding),
    /// A `case` pattern: captures bind, dotted names load.
    Pattern(Node<'tree>, Place, TextRange),
}

pub(super) struct IndexBuilder<'text> {
    text: &'text str,
    index: FileIndex,
    /// Tasks run so far, for the cancellation check.
    tasks: usize,
    /// Whether a module-level `__all__ = …` was visited (it sets `dunder_all`, to
    /// `None` too when the value is not a literal list).
    dunder_all_assigned: bool,
}

impl<'text> IndexBuilder<'text> {
    pub(super) fn new(text: &'text str) -> Self {
        IndexBuilder {
            text,
            index: FileIndex::default(),
            tasks: 0,
            dunder_all_assigned: false,
        }
    }

    #[cfg(test)]
    pub(super) fn build(self, root: Node<'_>) -> FileIndex {
        self.build_cancellable(root, &|| ())
    }

    /// [`Self::build`], calling `check_cancelled` every few thousand tasks: indexing a
    /// 100,000-line file takes ~0.4 s, and a cancelled query unwinds from there.
    pub(super) fn build_cancellable(
        mut self,
        root: Node<'_>,
        check_cancelled: &dyn Fn(),
    ) -> FileIndex {
        let place = self.start_module(root);
        self.index.scopes[0].docstring = docstring(root, self.text);
        let mut stack = Vec::new();
        push_children(&mut stack, root, place);
        self.drain(&mut stack, check_cancelled);
        self.finish()
    }

    /// [`Self::build_cancellable`], taking the part of the index each top-level statement
    /// adds from `previous` when a statement of the same kind and text was indexed
    /// before (see [`super::pieces`]); the parts of this build go to `next`. The result
    /// is equal to [`Self::build_cancellable`]'s.
    pub(super) fn build_reusing(
        mut self,
        root: Node<'_>,
        check_cancelled: &dyn Fn(),
        previous: Option<&Pieces>,
        next: &mut Pieces,
    ) -> FileIndex {
        let place = self.start_module(root);
        self.index.scopes[0].docstring = docstring(root, self.text);
        let mut stack = Vec::new();
        let mut cursor = root.walk();
        for statement in root.named_children(&mut cursor) {
            if !Piece::may_reuse(statement) {
                // A statement holding a syntax error may parse differently in another
                // context: indexed in place, as the plain build does.
                stack.push(Task::Visit(statement, place));
                self.drain(&mut stack, check_cancelled);
                continue;
            }
            let text = self.slice(range_of(statement));
            let kind = statement.kind_id();
            let start = u32::from(range_of(statement).start());
            let piece = match previous.and_then(|previous| previous.get(kind, text)) {
                Some(piece) => piece,
                None => {
                    let mut builder = IndexBuilder::new(self.text);
                    builder.tasks = self.tasks;
                    let piece_place = builder.start_module(root);
                    stack.push(Task::Visit(statement, piece_place));
                    builder.drain(&mut stack, check_cancelled);
                    self.tasks = builder.tasks;
                    std::sync::Arc::new(Piece::capture(
                        kind,
                        text,
                        start,
                        builder.index,
                        builder.dunder_all_assigned,
                    ))
                }
            };
            piece.append_to(&mut self.index, start);
            next.insert(piece);
        }
        self.finish()
    }

    /// Adds the module scope (id 0, body branch 0).
    fn start_module(&mut self, root: Node<'_>) -> Place {
        let module = self.new_scope(
            ScopeKind::Module,
            "<module>".into(),
            None,
            range_of(root),
            None,
        );
        Place {
            scope: module,
            branch: self.index.scope(module).body_branch,
        }
    }

    fn drain<'tree>(&mut self, stack: &mut Vec<Task<'tree>>, check_cancelled: &dyn Fn()) {
        while let Some(task) = stack.pop() {
            self.tasks += 1;
            if self.tasks.is_multiple_of(8192) {
                check_cancelled();
            }
            match task {
                Task::Visit(node, place) => self.visit(stack, node, place),
                Task::Bind(node, place, binding) => self.bind(stack, node, place, binding),
                Task::Pattern(node, place, case_range) => {
                    self.pattern(stack, node, place, case_range)
                }
            }
        }
    }

    fn finish(mut self) -> FileIndex {
        // Pieces hold their occurrences sorted, and their statements follow each other:
        // an index made of pieces is sorted already.
        let key = |name_ref: &NameRef| (name_ref.range.start(), name_ref.range.end());
        if !self.index.name_refs.is_sorted_by_key(key) {
            self.index.name_refs.sort_by_key(key);
        }
        let definitions = &self.index.definitions;
        for scope in &mut self.index.scopes {
            scope
                .definitions
                .sort_by_key(|&id| definitions[id.index()].name_range.start());
        }
        self.index.index_definitions_by_name();
        self.index
    }

    fn visit<'tree>(&mut self, stack: &mut Vec<Task<'tree>>, node: Node<'tree>, place: Place) {
        match kind_of(node) {
            "identifier" => self.name_ref(node, place, NameContext::Load, None),
            "comment" | "string_content" | "escape_sequence" => {}
            "decorated_definition" => {
                let decorators: Vec<Node<'tree>> = children(node)
                    .into_iter()
                    .filter(|child| kind_of(*child) == "decorator")
                    .collect();
                let decorator_ranges = decorators
                    .iter()
                    .map(|&decorator| range_of(decorator))
                    .collect();
                if let Some(definition) = node.child_by_field_id(fields().definition) {
                    match kind_of(definition) {
                        "function_definition" => {
                            self.function(stack, definition, place, decorator_ranges)
                        }
                        "class_definition" => {
                            self.class(stack, definition, place, decorator_ranges)
                        }
                        _ => stack.push(Task::Visit(definition, place)),
                    }
                }
                for decorator in decorators.into_iter().rev() {
                    push_children(stack, decorator, place);
                }
            }
            "function_definition" => self.function(stack, node, place, Vec::new()),
            "class_definition" => self.class(stack, node, place, Vec::new()),
            "lambda" => self.lambda(stack, node, place),
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => self.comprehension(stack, node, place),
            "assignment" => self.assignment(stack, node, place),
            "augmented_assignment" => {
                let binding = Binding {
                    kind: DefinitionKind::AugmentedAssignment,
                    node_range: range_of(node),
                    value_range: node.child_by_field_id(fields().right).map(range_of),
                    annotation: None,
                };
                if let Some(left) = node.child_by_field_id(fields().left) {
                    if kind_of(left) == "identifier" {
                        // `x += 1` reads `x` before it rebinds it.
                        self.name_ref(left, place, NameContext::Load, None);
                    }
                    stack.push(Task::Bind(left, place, binding));
                }
                push_field(stack, node, fields().right, place);
            }
            "named_expression" => {
                let binding = Binding {
                    kind: DefinitionKind::NamedExpression,
                    node_range: range_of(node),
                    value_range: node.child_by_field_id(fields().value).map(range_of),
                    annotation: None,
                };
                if let Some(name) = node.child_by_field_id(fields().name) {
                    // PEP 572: a walrus in a comprehension binds in the enclosing scope.
                    let mut target = place;
                    while self.index.scope(target.scope).kind == ScopeKind::Comprehension {
                        let Some(parent) = self.index.scope(target.scope).parent else {
                            break;
                        };
                        target = Place {
                            scope: parent,
                            branch: self.index.scope(parent).body_branch,
                        };
                    }
                    stack.push(Task::Bind(name, target, binding));
                }
                push_field(stack, node, fields().value, place);
            }
            "if_statement" => self.if_statement(stack, node, place),
            "while_statement" => {
                let body_branch =
                    self.loop_branch(node, place, BranchKind::WhileBody, fields().condition);
                push_field(stack, node, fields().alternative, place);
                push_field(
                    stack,
                    node,
                    fields().body,
                    Place {
                        branch: body_branch,
                        ..place
                    },
                );
                push_field(stack, node, fields().condition, place);
            }
            "for_statement" => {
                let body_branch =
                    self.loop_branch(node, place, BranchKind::ForBody, fields().right);
                let body_place = Place {
                    branch: body_branch,
                    ..place
                };
                push_field(stack, node, fields().alternative, place);
                push_field(stack, node, fields().body, body_place);
                if let Some(left) = node.child_by_field_id(fields().left) {
                    let binding = Binding {
                        kind: DefinitionKind::ForTarget,
                        node_range: range_of(node),
                        value_range: node.child_by_field_id(fields().right).map(range_of),
                        annotation: None,
                    };
                    stack.push(Task::Bind(left, body_place, binding));
                }
                push_field(stack, node, fields().right, place);
            }
            "else_clause" => {
                let kind = match node.parent().map(|parent| kind_of(parent)) {
                    Some("while_statement") => BranchKind::WhileElse,
                    Some("for_statement") => BranchKind::ForElse,
                    Some("try_statement") => BranchKind::TryElse,
                    _ => BranchKind::Else,
                };
                let body = node
                    .child_by_field_id(fields().body)
                    .or_else(|| last_named_child(node));
                let branch = self.new_branch(kind, place, node, body, None);
                push_children(stack, node, Place { branch, ..place });
            }
            "try_statement" => self.try_statement(stack, node, place),
            "with_statement" => self.with_statement(stack, node, place),
            "match_statement" => self.match_statement(stack, node, place),
            "conditional_expression" => {
                let parts = named_children(node);
                if let [when_true, condition, when_false, ..] = parts[..] {
                    let header = self.snippet(range_of(condition));
                    let true_branch = self.new_branch_with_header(
                        BranchKind::ConditionalTrue,
                        place,
                        range_of(condition),
                        header.clone(),
                        Some(range_of(condition)),
                        range_of(when_true),
                    );
                    let false_branch = self.new_branch_with_header(
                        BranchKind::ConditionalFalse,
                        place,
                        range_of(condition),
                        header,
                        Some(range_of(condition)),
                        range_of(when_false),
                    );
                    stack.push(Task::Visit(
                        when_false,
                        Place {
                            branch: false_branch,
                            ..place
                        },
                    ));
                    stack.push(Task::Visit(
                        when_true,
                        Place {
                            branch: true_branch,
                            ..place
                        },
                    ));
                    stack.push(Task::Visit(condition, place));
                } else {
                    push_children(stack, node, place);
                }
            }
            "import_statement" => self.import_statement(node, place),
            "import_from_statement" => self.import_from_statement(node, place),
            "future_import_statement" => {}
            "global_statement" | "nonlocal_statement" => {
                let names: Vec<Name> = named_children(node)
                    .into_iter()
                    .filter(|child| kind_of(*child) == "identifier")
                    .map(|child| self.name_of(child))
                    .collect();
                let scope = &mut self.index.scopes[place.scope.index()];
                if kind_of(node) == "global_statement" {
                    scope.globals.extend(names);
                } else {
                    scope.nonlocals.extend(names);
                }
            }
            "delete_statement" => {
                for child in named_children(node).into_iter().rev() {
                    self.delete_target(stack, child, place);
                }
            }
            "return_statement" => {
                self.index.scopes[place.scope.index()]
                    .returns
                    .push(range_of(node));
                push_children(stack, node, place);
            }
            "raise_statement" => {
                self.index.scopes[place.scope.index()]
                    .raises
                    .push(range_of(node));
                push_children(stack, node, place);
            }
            "yield" => {
                self.index.scopes[place.scope.index()].is_generator = true;
                push_children(stack, node, place);
            }
            "attribute" => push_field(stack, node, fields().object, place),
            "keyword_argument" => push_field(stack, node, fields().value, place),
            "type_alias_statement" => {
                if let Some(left) = node.child_by_field_id(fields().left) {
                    let name = first_identifier(left);
                    if let Some(name) = name {
                        let binding = Binding {
                            kind: DefinitionKind::TypeAlias,
                            node_range: range_of(node),
                            value_range: node.child_by_field_id(fields().right).map(range_of),
                            annotation: None,
                        };
                        self.define(name, place, binding);
                    }
                }
                push_field(stack, node, fields().right, place);
            }
            _ => push_children(stack, node, place),
        }
    }

    fn assignment<'tree>(&mut self, stack: &mut Vec<Task<'tree>>, node: Node<'tree>, place: Place) {
        let left = node.child_by_field_id(fields().left);
        let right = node.child_by_field_id(fields().right);
        let annotation = node.child_by_field_id(fields().type_);
        let kind = if right.is_none() && annotation.is_some() {
            DefinitionKind::Annotation
        } else {
            DefinitionKind::Assignment
        };
        let binding = Binding {
            kind,
            node_range: range_of(node),
            value_range: right.map(range_of),
            annotation: annotation.map(range_of),
        };
        if let (Some(left), Some(right)) = (left, right) {
            if place.scope == FileIndex::MODULE_SCOPE && self.slice(range_of(left)) == "__all__" {
                self.index.dunder_all = string_list(right, self.text);
                self.dunder_all_assigned = true;
            }
        }
        // Python evaluates the value, then binds the targets; annotations are evaluated too.
        if let Some(left) = left {
            stack.push(Task::Bind(left, place, binding));
        }
        if let Some(annotation) = annotation {
            stack.push(Task::Visit(annotation, place));
        }
        if let Some(right) = right {
            stack.push(Task::Visit(right, place));
        }
    }

    fn function<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
        decorators: Vec<TextRange>,
    ) {
        let is_async = children(node)
            .iter()
            .any(|child| kind_of(*child) == "async");
        let name = node.child_by_field_id(fields().name);
        let scope_name = name
            .map(|name| self.name_of(name))
            .unwrap_or_else(|| "<function>".into());
        let scope = self.new_scope(
            ScopeKind::Function,
            scope_name,
            Some(place.scope),
            range_of(node),
            None,
        );
        let body = node.child_by_field_id(fields().body);
        {
            let data = &mut self.index.scopes[scope.index()];
            data.is_async = is_async;
        }
        self.index.scopes[scope.index()].docstring =
            body.and_then(|body| docstring(body, self.text));
        if let Some(name) = name {
            let binding = Binding {
                kind: DefinitionKind::Function {
                    is_async,
                    body: scope,
                    decorators,
                },
                node_range: range_of(node),
                value_range: None,
                annotation: node.child_by_field_id(fields().return_type).map(range_of),
            };
            let definition = self.define(name, place, binding);
            self.index.scopes[scope.index()].definition = Some(definition);
        }
        let inner = Place {
            scope,
            branch: self.index.scope(scope).body_branch,
        };
        if let Some(body) = body {
            push_children(stack, body, inner);
        }
        if let Some(parameters) = node.child_by_field_id(fields().parameters) {
            self.parameters(stack, parameters, place, inner);
        }
        push_field(stack, node, fields().return_type, place);
        push_field(stack, node, fields().type_parameters, place);
    }

    fn class<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
        decorators: Vec<TextRange>,
    ) {
        let name = node.child_by_field_id(fields().name);
        let scope_name = name
            .map(|name| self.name_of(name))
            .unwrap_or_else(|| "<class>".into());
        let scope = self.new_scope(
            ScopeKind::Class,
            scope_name,
            Some(place.scope),
            range_of(node),
            None,
        );
        let body = node.child_by_field_id(fields().body);
        self.index.scopes[scope.index()].docstring =
            body.and_then(|body| docstring(body, self.text));
        let superclasses = node.child_by_field_id(fields().superclasses);
        let bases = superclasses
            .map(|arguments| {
                named_children(arguments)
                    .into_iter()
                    .filter(|argument| {
                        !matches!(kind_of(*argument), "keyword_argument" | "comment")
                    })
                    .map(range_of)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(name) = name {
            let binding = Binding {
                kind: DefinitionKind::Class {
                    body: scope,
                    bases,
                    decorators,
                },
                node_range: range_of(node),
                value_range: None,
                annotation: None,
            };
            let definition = self.define(name, place, binding);
            self.index.scopes[scope.index()].definition = Some(definition);
        }
        if let Some(body) = body {
            push_children(
                stack,
                body,
                Place {
                    scope,
                    branch: self.index.scope(scope).body_branch,
                },
            );
        }
        if let Some(superclasses) = superclasses {
            push_children(stack, superclasses, place);
        }
        push_field(stack, node, fields().type_parameters, place);
    }

    fn lambda<'tree>(&mut self, stack: &mut Vec<Task<'tree>>, node: Node<'tree>, place: Place) {
        let scope = self.new_scope(
            ScopeKind::Lambda,
            "<lambda>".into(),
            Some(place.scope),
            range_of(node),
            None,
        );
        let inner = Place {
            scope,
            branch: self.index.scope(scope).body_branch,
        };
        push_field(stack, node, fields().body, inner);
        if let Some(parameters) = node.child_by_field_id(fields().parameters) {
            self.parameters(stack, parameters, place, inner);
        }
    }

    /// Defines the parameters in `inner`; defaults and annotations are evaluated in `outer`.
    fn parameters<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        parameters: Node<'tree>,
        outer: Place,
        inner: Place,
    ) {
        let mut kind = ParameterKind::PositionalOrKeyword;
        let mut defined: Vec<DefinitionId> = Vec::new();
        let mut evaluated: Vec<Node<'tree>> = Vec::new();
        for parameter in named_children(parameters) {
            let (name, default, annotation, this_kind) = match kind_of(parameter) {
                "identifier" => (Some(parameter), None, None, kind),
                "typed_parameter" => {
                    let annotation = parameter.child_by_field_id(fields().type_);
                    let inner_node = named_children(parameter)
                        .into_iter()
                        .find(|child| Some(*child) != annotation);
                    match inner_node {
                        Some(splat) if kind_of(splat) == "list_splat_pattern" => (
                            first_identifier(splat),
                            None,
                            annotation,
                            ParameterKind::VarPositional,
                        ),
                        Some(splat) if kind_of(splat) == "dictionary_splat_pattern" => (
                            first_identifier(splat),
                            None,
                            annotation,
                            ParameterKind::VarKeyword,
                        ),
                        other => (
                            other.filter(|node| kind_of(*node) == "identifier"),
                            None,
                            annotation,
                            kind,
                        ),
                    }
                }
                "default_parameter" | "typed_default_parameter" => (
                    parameter
                        .child_by_field_id(fields().name)
                        .filter(|name| kind_of(*name) == "identifier"),
                    parameter.child_by_field_id(fields().value),
                    parameter.child_by_field_id(fields().type_),
                    kind,
                ),
                "list_splat_pattern" => (
                    first_identifier(parameter),
                    None,
                    None,
                    ParameterKind::VarPositional,
                ),
                "dictionary_splat_pattern" => (
                    first_identifier(parameter),
                    None,
                    None,
                    ParameterKind::VarKeyword,
                ),
                "keyword_separator" => {
                    kind = ParameterKind::KeywordOnly;
                    continue;
                }
                "positional_separator" => {
                    for &id in &defined {
                        if let DefinitionKind::Parameter { kind, .. } =
                            &mut self.index.definitions[id.index()].kind
                        {
                            if *kind == ParameterKind::PositionalOrKeyword {
                                *kind = ParameterKind::PositionalOnly;
                            }
                        }
                    }
                    continue;
                }
                _ => {
                    evaluated.push(parameter);
                    continue;
                }
            };
            if this_kind == ParameterKind::VarPositional {
                kind = ParameterKind::KeywordOnly;
            }
            evaluated.extend(default);
            evaluated.extend(annotation);
            if let Some(name) = name {
                let binding = Binding {
                    kind: DefinitionKind::Parameter {
                        kind: this_kind,
                        default: default.map(range_of),
                        annotation: annotation.map(range_of),
                    },
                    node_range: range_of(parameter),
                    value_range: default.map(range_of),
                    annotation: annotation.map(range_of),
                };
                defined.push(self.define(name, inner, binding));
            }
        }
        for node in evaluated.into_iter().rev() {
            stack.push(Task::Visit(node, outer));
        }
    }

    fn comprehension<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
    ) {
        let name = match kind_of(node) {
            "list_comprehension" => "<listcomp>",
            "set_comprehension" => "<setcomp>",
            "dictionary_comprehension" => "<dictcomp>",
            _ => "<genexpr>",
        };
        let scope = self.new_scope(
            ScopeKind::Comprehension,
            name.into(),
            Some(place.scope),
            range_of(node),
            None,
        );
        let inner = Place {
            scope,
            branch: self.index.scope(scope).body_branch,
        };
        let mut is_first_clause = true;
        let mut tasks = Vec::new();
        for child in named_children(node) {
            if kind_of(child) == "for_in_clause" {
                // The first iterable is evaluated in the enclosing scope.
                if let Some(right) = child.child_by_field_id(fields().right) {
                    tasks.push(Task::Visit(
                        right,
                        if is_first_clause { place } else { inner },
                    ));
                }
                if let Some(left) = child.child_by_field_id(fields().left) {
                    let binding = Binding {
                        kind: DefinitionKind::ComprehensionTarget,
                        node_range: range_of(child),
                        value_range: child.child_by_field_id(fields().right).map(range_of),
                        annotation: None,
                    };
                    tasks.push(Task::Bind(left, inner, binding));
                }
                is_first_clause = false;
            } else if kind_of(child) != "comment" {
                tasks.push(Task::Visit(child, inner));
            }
        }
        // The element expression comes first in the source but runs last.
        if let Some(first) = tasks.first() {
            if matches!(first, Task::Visit(..)) {
                let element = tasks.remove(0);
                tasks.push(element);
            }
        }
        stack.extend(tasks.into_iter().rev());
    }

    fn if_statement<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
    ) {
        let condition = node.child_by_field_id(fields().condition);
        let consequence = node.child_by_field_id(fields().consequence);
        let true_branch = self.new_branch(BranchKind::IfTrue, place, node, consequence, condition);
        let mut alternatives = Vec::new();
        let mut cursor = node.walk();
        for alternative in node.children_by_field_name("alternative", &mut cursor) {
            alternatives.push(alternative);
        }
        for alternative in alternatives.into_iter().rev() {
            if kind_of(alternative) == "elif_clause" {
                let elif_condition = alternative.child_by_field_id(fields().condition);
                let elif_body = alternative.child_by_field_id(fields().consequence);
                let branch = self.new_branch(
                    BranchKind::Elif,
                    place,
                    alternative,
                    elif_body,
                    elif_condition,
                );
                let elif_place = Place { branch, ..place };
                if let Some(elif_body) = elif_body {
                    stack.push(Task::Visit(elif_body, elif_place));
                }
                if let Some(elif_condition) = elif_condition {
                    stack.push(Task::Visit(elif_condition, elif_place));
                }
            } else {
                stack.push(Task::Visit(alternative, place));
            }
        }
        if let Some(consequence) = consequence {
            stack.push(Task::Visit(
                consequence,
                Place {
                    branch: true_branch,
                    ..place
                },
            ));
        }
        if let Some(condition) = condition {
            stack.push(Task::Visit(condition, place));
        }
        // Branch ids follow source order: renumbering is avoided by creating the elif
        // branches after the `if` branch (they appear after it in the source).
    }

    fn loop_branch(
        &mut self,
        node: Node<'_>,
        place: Place,
        kind: BranchKind,
        condition_field: u16,
    ) -> BranchId {
        let body = node.child_by_field_id(fields().body);
        let condition = if kind == BranchKind::WhileBody {
            node.child_by_field_id(condition_field)
        } else {
            None
        };
        self.new_branch(kind, place, node, body, condition)
    }

    fn try_statement<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
    ) {
        let body = node.child_by_field_id(fields().body);
        let try_branch = self.new_branch(BranchKind::TryBody, place, node, body, None);
        let mut tasks = Vec::new();
        if let Some(body) = body {
            tasks.push(Task::Visit(
                body,
                Place {
                    branch: try_branch,
                    ..place
                },
            ));
        }
        for clause in named_children(node) {
            match kind_of(clause) {
                "except_clause" | "except_group_clause" => {
                    let handler_body =
                        last_named_child(clause).filter(|child| kind_of(*child) == "block");
                    let branch = self.new_branch(
                        BranchKind::ExceptHandler,
                        place,
                        clause,
                        handler_body,
                        None,
                    );
                    let handler_place = Place { branch, ..place };
                    let mut value = clause.child_by_field_id(fields().value);
                    let mut alias = clause.child_by_field_id(fields().alias);
                    // `except (A, B) as e:` may parse as one `as_pattern` expression.
                    if let Some(pattern) = value.filter(|value| kind_of(*value) == "as_pattern") {
                        value = named_children(pattern).into_iter().next();
                        alias = pattern
                            .child_by_field_id(fields().alias)
                            .map(|target| first_identifier(target).unwrap_or(target));
                    }
                    if let Some(value) = value {
                        tasks.push(Task::Visit(value, handler_place));
                    }
                    if let Some(alias) = alias {
                        let binding = Binding {
                            kind: DefinitionKind::ExceptHandler,
                            node_range: range_of(clause),
                            value_range: value.map(range_of),
                            annotation: None,
                        };
                        tasks.push(Task::Bind(alias, handler_place, binding));
                    }
                    for child in named_children(clause) {
                        let is_header = Some(child) == value
                            || Some(child) == alias
                            || (kind_of(child) == "as_pattern"
                                && child.start_byte()
                                    < handler_body.map_or(0, |body| body.start_byte()));
                        if !is_header {
                            tasks.push(Task::Visit(child, handler_place));
                        }
                    }
                }
                "finally_clause" => {
                    let finally_body = last_named_child(clause);
                    let branch =
                        self.new_branch(BranchKind::Finally, place, clause, finally_body, None);
                    tasks.push(Task::Visit(clause, Place { branch, ..place }));
                }
                "else_clause" => tasks.push(Task::Visit(clause, place)),
                _ => {}
            }
        }
        stack.extend(tasks.into_iter().rev());
    }

    fn with_statement<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
    ) {
        let mut tasks = Vec::new();
        for clause in named_children(node) {
            if kind_of(clause) != "with_clause" {
                continue;
            }
            for item in named_children(clause) {
                let Some(value) = item.child_by_field_id(fields().value) else {
                    continue;
                };
                if kind_of(value) == "as_pattern" {
                    let target = value.child_by_field_id(fields().alias);
                    for part in named_children(value) {
                        if Some(part) != target {
                            tasks.push(Task::Visit(part, place));
                        }
                    }
                    if let Some(target) = target {
                        let binding = Binding {
                            kind: DefinitionKind::WithTarget,
                            node_range: range_of(item),
                            value_range: named_children(value).first().map(|&node| range_of(node)),
                            annotation: None,
                        };
                        let target = named_children(target).into_iter().next().unwrap_or(target);
                        tasks.push(Task::Bind(target, place, binding));
                    }
                } else {
                    tasks.push(Task::Visit(value, place));
                }
            }
        }
        if let Some(body) = node.child_by_field_id(fields().body) {
            tasks.push(Task::Visit(body, place));
        }
        stack.extend(tasks.into_iter().rev());
    }

    fn match_statement<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
    ) {
        let mut tasks = Vec::new();
        if let Some(subject) = node.child_by_field_id(fields().subject) {
            tasks.push(Task::Visit(subject, place));
        }
        let cases = node
            .child_by_field_id(fields().body)
            .map(named_children)
            .unwrap_or_default();
        for case in cases {
            if kind_of(case) != "case_clause" {
                continue;
            }
            let consequence = case.child_by_field_id(fields().consequence);
            let branch = self.new_branch(BranchKind::MatchCase, place, case, consequence, None);
            let case_place = Place { branch, ..place };
            for child in named_children(case) {
                match kind_of(child) {
                    "case_pattern" => tasks.push(Task::Pattern(child, case_place, range_of(case))),
                    _ => tasks.push(Task::Visit(child, case_place)),
                }
            }
        }
        stack.extend(tasks.into_iter().rev());
    }

    fn pattern<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
        case_range: TextRange,
    ) {
        let capture = |builder: &mut Self, name: Node<'_>| {
            if builder.slice(range_of(name)) != "_" {
                let binding = Binding {
                    kind: DefinitionKind::MatchCapture,
                    node_range: case_range,
                    value_range: None,
                    annotation: None,
                };
                builder.define(name, place, binding);
            }
        };
        match kind_of(node) {
            "identifier" => capture(self, node),
            "dotted_name" => {
                let parts = named_children(node);
                match parts[..] {
                    [single] => capture(self, single),
                    // `case Color.RED:` compares against a value.
                    [first, ..] => self.name_ref(first, place, NameContext::Load, None),
                    [] => {}
                }
            }
            "class_pattern" => {
                for (position, child) in named_children(node).into_iter().enumerate() {
                    if position == 0 && kind_of(child) == "dotted_name" {
                        if let Some(first) = named_children(child).first() {
                            self.name_ref(*first, place, NameContext::Load, None);
                        }
                    } else {
                        stack.push(Task::Pattern(child, place, case_range));
                    }
                }
            }
            "keyword_pattern" => {
                // `x=pattern`: the keyword names an attribute, not a variable.
                for child in named_children(node).into_iter().skip(1) {
                    stack.push(Task::Pattern(child, place, case_range));
                }
            }
            "as_pattern" => {
                let alias = node.child_by_field_id(fields().alias);
                for child in named_children(node) {
                    if Some(child) == alias {
                        if let Some(name) = first_identifier(child) {
                            capture(self, name);
                        }
                    } else {
                        stack.push(Task::Pattern(child, place, case_range));
                    }
                }
            }
            "splat_pattern" => {
                if let Some(name) = first_identifier(node) {
                    capture(self, name);
                }
            }
            "string"
            | "concatenated_string"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "complex_pattern" => {}
            _ => {
                for child in named_children(node).into_iter().rev() {
                    stack.push(Task::Pattern(child, place, case_range));
                }
            }
        }
    }

    fn bind<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
        binding: Binding,
    ) {
        match kind_of(node) {
            "identifier" => {
                self.define(node, place, binding);
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "expression_list"
            | "tuple"
            | "list"
            | "parenthesized_expression"
            | "list_splat_pattern"
            | "list_splat"
            | "as_pattern_target" => {
                for child in named_children(node).into_iter().rev() {
                    stack.push(Task::Bind(child, place, binding.clone()));
                }
            }
            // `obj.attr = …` and `obj[key] = …` read `obj` (and `key`).
            "attribute" => {
                self.record_self_attribute_store(node, place);
                stack.push(Task::Visit(node, place));
            }
            _ => stack.push(Task::Visit(node, place)),
        }
    }

    /// Records `self.x = …` in a method (the first parameter of a function in a class).
    fn record_self_attribute_store(&mut self, target: Node<'_>, place: Place) {
        let scope = self.index.scope(place.scope);
        let in_method = scope.kind == ScopeKind::Function
            && scope
                .parent
                .is_some_and(|parent| self.index.scope(parent).kind == ScopeKind::Class);
        if !in_method {
            return;
        }
        let (Some(object), Some(attribute)) = (
            target.child_by_field_id(fields().object),
            target.child_by_field_id(fields().attribute),
        ) else {
            return;
        };
        let first_parameter = scope
            .definitions
            .iter()
            .map(|&id| &self.index.definitions[id.index()])
            .find(|definition| matches!(definition.kind, DefinitionKind::Parameter { .. }))
            .map(|definition| definition.name.clone());
        if kind_of(object) == "identifier"
            && first_parameter.as_deref() == Some(self.slice(range_of(object)))
        {
            let name = self.name_of(attribute);
            self.index.scopes[place.scope.index()]
                .attribute_stores
                .push(name);
        }
    }

    fn delete_target<'tree>(
        &mut self,
        stack: &mut Vec<Task<'tree>>,
        node: Node<'tree>,
        place: Place,
    ) {
        match kind_of(node) {
            "identifier" => self.name_ref(node, place, NameContext::Del, None),
            "expression_list" | "tuple" | "list" | "parenthesized_expression" => {
                for child in named_children(node).into_iter().rev() {
                    self.delete_target(stack, child, place);
                }
            }
            _ => stack.push(Task::Visit(node, place)),
        }
    }

    fn import_statement(&mut self, node: Node<'_>, place: Place) {
        let mut cursor = node.walk();
        let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            let (module_node, alias) = match kind_of(name) {
                "aliased_import" => (
                    name.child_by_field_id(fields().name),
                    name.child_by_field_id(fields().alias),
                ),
                _ => (Some(name), None),
            };
            let Some(module_node) = module_node else {
                continue;
            };
            let module = self.dotted(module_node);
            let bound = alias.or_else(|| named_children(module_node).into_iter().next());
            let definition = bound.map(|bound| {
                let binding = Binding {
                    kind: DefinitionKind::Import {
                        module: module.clone(),
                        alias: alias.is_some(),
                    },
                    node_range: range_of(node),
                    value_range: None,
                    annotation: None,
                };
                self.define(bound, place, binding)
            });
            self.index.imports.push(Import {
                level: 0,
                module,
                name: None,
                range: range_of(name),
                module_range: range_of(module_node),
                definition,
            });
        }
    }

    fn import_from_statement(&mut self, node: Node<'_>, place: Place) {
        let Some(module_node) = node.child_by_field_id(fields().module_name) else {
            return;
        };
        let (level, module) = if kind_of(module_node) == "relative_import" {
            let mut level = 0;
            let mut module = String::new();
            for child in named_children(module_node) {
                match kind_of(child) {
                    "import_prefix" => {
                        level = self
                            .slice(range_of(child))
                            .chars()
                            .filter(|&c| c == '.')
                            .count() as u32
                    }
                    "dotted_name" => module = self.dotted(child),
                    _ => {}
                }
            }
            (level, module)
        } else {
            (0, self.dotted(module_node))
        };
        if named_children(node)
            .iter()
            .any(|child| kind_of(*child) == "wildcard_import")
        {
            self.index.imports.push(Import {
                level,
                module: module.clone(),
                name: Some("*".into()),
                range: range_of(node),
                module_range: range_of(module_node),
                definition: None,
            });
        }
        let mut cursor = node.walk();
        let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut cursor).collect();
        for name in names {
            let (imported, alias) = match kind_of(name) {
                "aliased_import" => (
                    name.child_by_field_id(fields().name),
                    name.child_by_field_id(fields().alias),
                ),
                _ => (Some(name), None),
            };
            let Some(imported) = imported else { continue };
            let imported_name: Name = self.dotted(imported).into();
            let bound = alias.or_else(|| named_children(imported).into_iter().next());
            let definition = bound.map(|bound| {
                let binding = Binding {
                    kind: DefinitionKind::ImportFrom {
                        level,
                        module: module.clone(),
                        name: imported_name.clone(),
                    },
                    node_range: range_of(node),
                    value_range: None,
                    annotation: None,
                };
                self.define(bound, place, binding)
            });
            self.index.imports.push(Import {
                level,
                module: module.clone(),
                name: Some(imported_name),
                range: range_of(name),
                module_range: range_of(module_node),
                definition,
            });
        }
    }

    fn new_scope(
        &mut self,
        kind: ScopeKind,
        name: Name,
        parent: Option<ScopeId>,
        range: TextRange,
        definition: Option<DefinitionId>,
    ) -> ScopeId {
        let id = ScopeId(self.index.scopes.len() as u32);
        let body_branch = BranchId(self.index.branches.len() as u32);
        self.index.branches.push(Branch {
            kind: BranchKind::ScopeBody,
            parent: None,
            scope: id,
            header_range: range,
            header: name.to_string(),
            condition: None,
            range,
        });
        self.index.scopes.push(Scope {
            kind,
            name,
            parent,
            range,
            body_branch,
            definition,
            docstring: None,
            globals: Vec::new(),
            nonlocals: Vec::new(),
            definitions: Vec::new(),
            is_async: false,
            is_generator: false,
            returns: Vec::new(),
            raises: Vec::new(),
            attribute_stores: Vec::new(),
        });
        id
    }

    /// A branch whose header runs from `node`'s start to its `body`.
    fn new_branch(
        &mut self,
        kind: BranchKind,
        place: Place,
        node: Node<'_>,
        body: Option<Node<'_>>,
        condition: Option<Node<'_>>,
    ) -> BranchId {
        let node_range = range_of(node);
        let header_end = body
            .map(|body| range_of(body).start())
            .unwrap_or(node_range.end())
            .max(node_range.start());
        let header_range = TextRange::new(node_range.start(), header_end);
        let header = self.snippet(header_range);
        self.new_branch_with_header(
            kind,
            place,
            header_range,
            header,
            condition.map(range_of),
            node_range,
        )
    }

    fn new_branch_with_header(
        &mut self,
        kind: BranchKind,
        place: Place,
        header_range: TextRange,
        header: String,
        condition: Option<TextRange>,
        range: TextRange,
    ) -> BranchId {
        let id = BranchId(self.index.branches.len() as u32);
        self.index.branches.push(Branch {
            kind,
            parent: Some(place.branch),
            scope: place.scope,
            header_range,
            header,
            condition,
            range,
        });
        id
    }

    fn define(&mut self, name: Node<'_>, place: Place, binding: Binding) -> DefinitionId {
        let id = DefinitionId(self.index.definitions.len() as u32);
        let name_text = self.name_of(name);
        self.index.definitions.push(Definition {
            name: name_text,
            scope: place.scope,
            kind: binding.kind,
            name_range: range_of(name),
            node_range: binding.node_range,
            value_range: binding.value_range,
            annotation: binding.annotation,
            branch: place.branch,
        });
        self.index.scopes[place.scope.index()].definitions.push(id);
        self.name_ref(name, place, NameContext::Store, Some(id));
        id
    }

    fn name_ref(
        &mut self,
        node: Node<'_>,
        place: Place,
        context: NameContext,
        definition: Option<DefinitionId>,
    ) {
        self.index.name_refs.push(NameRef {
            name: self.name_of(node),
            range: range_of(node),
            scope: place.scope,
            branch: place.branch,
            context,
            definition,
        });
    }

    fn slice(&self, range: TextRange) -> &'text str {
        self.text.get(range_usize(range)).unwrap_or("")
    }

    fn name_of(&self, node: Node<'_>) -> Name {
        Name::new(self.slice(range_of(node)))
    }

    fn dotted(&self, node: Node<'_>) -> String {
        self.slice(range_of(node))
            .split('.')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The source of `range` on one line, shortened for labels.
    fn snippet(&self, range: TextRange) -> String {
        let mut snippet = String::new();
        for word in self.slice(range).split_whitespace() {
            if !snippet.is_empty() {
                snippet.push(' ');
            }
            snippet.push_str(word);
        }
        const MAX_CHARS: usize = 48;
        if snippet.chars().count() > MAX_CHARS {
            let mut shortened: String = snippet.chars().take(MAX_CHARS - 1).collect();
            shortened.push('…');
            return shortened;
        }
        snippet
    }
}

macro_rules! grammar_fields {
    ($($field:ident = $name:literal),* $(,)?) => {
        /// Field ids of the Python grammar, looked up once: `child_by_field_name` scans the
        /// grammar's field names with `strncmp` on every call, which was a tenth of the
        /// index build.
        pub(crate) struct Fields {
            $(pub(crate) $field: u16,)*
        }

        pub(crate) fn fields() -> &'static Fields {
            static FIELDS: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
            FIELDS.get_or_init(|| {
                let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
                // The names are literals of this file, checked against the grammar the
                // first time any index is built (every index test does).
                Fields {
                    $($field: language
                        .field_id_for_name($name)
                        .expect("the Python grammar has this field")
                        .get(),)*
                }
            })
        }
    };
}

grammar_fields!(
    alias = "alias",
    alternative = "alternative",
    arguments = "arguments",
    attribute = "attribute",
    body = "body",
    condition = "condition",
    consequence = "consequence",
    definition = "definition",
    function = "function",
    left = "left",
    module_name = "module_name",
    name = "name",
    object = "object",
    parameters = "parameters",
    return_type = "return_type",
    right = "right",
    subject = "subject",
    superclasses = "superclasses",
    type_ = "type",
    type_parameters = "type_parameters",
    value = "value",
);

pub(crate) fn range_of(node: Node<'_>) -> TextRange {
    TextRange::new(
        TextSize::from(node.start_byte() as u32),
        TextSize::from(node.end_byte() as u32),
    )
}

pub(crate) fn range_usize(range: TextRange) -> std::ops::Range<usize> {
    u32::from(range.start()) as usize..u32::from(range.end()) as usize
}

/// The node's kind (alias-aware, as `Node::kind`) from a table built once: `Node::kind`
/// measures and validates the C string on every call.
pub(crate) fn kind_of(node: Node<'_>) -> &'static str {
    static KINDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        (0..language.node_kind_count() as u16)
            .map(|id| language.node_kind_for_id(id).unwrap_or(""))
            .collect()
    });
    kinds
        .get(usize::from(node.kind_id()))
        .copied()
        .unwrap_or_else(|| node.kind())
}

/// `node.child_by_field_name(name)` with the field's id from a table built once:
/// tree-sitter looks the name up by comparing it with every field name of the grammar.
pub(crate) fn child_by_field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    static IDS: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, u16>> =
        std::sync::OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
        (1..=language.field_count() as u16)
            .filter_map(|id| Some((language.field_name_for_id(id)?, id)))
            .collect()
    });
    match ids.get(name) {
        Some(&id) => node.child_by_field_id(id),
        None => node.child_by_field_name(name),
    }
}

/// How many children a node may have for lookups by index to beat a cursor.
const FEW_CHILDREN: usize = 4;

fn children(node: Node<'_>) -> Vec<Node<'_>> {
    let count = node.child_count();
    if count <= FEW_CHILDREN {
        return (0..count).filter_map(|index| node.child(index)).collect();
    }
    let mut cursor = node.walk();
    node.children(&mut cursor).collect()
}

fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let count = node.named_child_count();
    if count <= FEW_CHILDREN {
        return (0..count)
            .filter_map(|index| node.named_child(index))
            .collect();
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

fn last_named_child(node: Node<'_>) -> Option<Node<'_>> {
    named_children(node).into_iter().last()
}

fn first_identifier(node: Node<'_>) -> Option<Node<'_>> {
    if kind_of(node) == "identifier" {
        return Some(node);
    }
    named_children(node)
        .into_iter()
        .find_map(first_identifier_shallow)
}

fn first_identifier_shallow(node: Node<'_>) -> Option<Node<'_>> {
    if kind_of(node) == "identifier" {
        Some(node)
    } else {
        named_children(node)
            .into_iter()
            .find(|child| kind_of(*child) == "identifier")
    }
}

fn push_children<'tree>(stack: &mut Vec<Task<'tree>>, node: Node<'tree>, place: Place) {
    // A few children by index: `named_child(i)` walks from the first child, so it
    // costs i steps, but needs no cursor (whose creation allocates).
    let count = node.named_child_count();
    if count <= FEW_CHILDREN {
        for index in (0..count).rev() {
            stack.extend(
                node.named_child(index)
                    .map(|child| Task::Visit(child, place)),
            );
        }
        return;
    }
    let mut cursor = node.walk();
    let start = stack.len();
    stack.extend(
        node.named_children(&mut cursor)
            .map(|child| Task::Visit(child, place)),
    );
    stack[start..].reverse();
}

fn push_field<'tree>(stack: &mut Vec<Task<'tree>>, node: Node<'tree>, field: u16, place: Place) {
    if let Some(child) = node.child_by_field_id(field) {
        stack.push(Task::Visit(child, place));
    }
}

/// The docstring of a module, class or function body: its first statement, when that
/// is a string literal, cleaned like `inspect.cleandoc`.
fn docstring(body: Node<'_>, text: &str) -> Option<String> {
    let mut cursor = body.walk();
    let first = body
        .named_children(&mut cursor)
        .find(|child| kind_of(*child) != "comment")?;
    if kind_of(first) != "expression_statement" {
        return None;
    }
    let string = first.named_child(0)?;
    if kind_of(string) != "string" || first.named_child_count() != 1 {
        return None;
    }
    let raw = text.get(range_usize(range_of(string)))?;
    string_value(raw).map(|value| clean_docstring(&value))
}

/// The value of a plain string literal (no f-string interpolation), escapes kept as written.
pub(crate) fn string_value(raw: &str) -> Option<String> {
    let prefix_len = raw.find(['\'', '"'])?;
    let prefix = raw[..prefix_len].to_ascii_lowercase();
    if prefix.contains('f') || prefix.contains('b') || prefix.contains('t') {
        return None;
    }
    let body = &raw[prefix_len..];
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if body.len() >= 2 * quote.len() && body.starts_with(quote) && body.ends_with(quote) {
            return Some(body[quote.len()..body.len() - quote.len()].to_owned());
        }
    }
    None
}

fn clean_docstring(raw: &str) -> String {
    let expanded = raw.replace('\t', "        ");
    let lines: Vec<&str> = expanded.lines().collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut cleaned: Vec<String> = Vec::with_capacity(lines.len());
    for (position, line) in lines.iter().enumerate() {
        if position == 0 {
            cleaned.push(line.trim_start().to_owned());
        } else {
            cleaned.push(line.get(indent..).unwrap_or("").trim_end().to_owned());
        }
    }
    while cleaned.first().is_some_and(|line| line.trim().is_empty()) {
        cleaned.remove(0);
    }
    while cleaned.last().is_some_and(|line| line.trim().is_empty()) {
        cleaned.pop();
    }
    cleaned.join("\n")
}

/// The strings of a literal list or tuple (`__all__ = ["a", "b"]`).
fn string_list(node: Node<'_>, text: &str) -> Option<Vec<Name>> {
    if !matches!(kind_of(node), "list" | "tuple") {
        return None;
    }
    named_children(node)
        .into_iter()
        .filter(|child| kind_of(*child) != "comment")
        .map(|child| {
            if kind_of(child) != "string" {
                return None;
            }
            text.get(range_usize(range_of(child)))
                .and_then(string_value)
                .map(Name::from)
        })
        .collect()
}
