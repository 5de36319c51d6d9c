//! Hover: what a name is, where it is defined (with the branch that binds it) and its
//! docstring, following imports across files.
//!
//! The value unions of the data-flow inference will join this text; the shape stays:
//! a code block with the kind and signature, the qualified name, then the bindings.

use std::fmt::Write as _;

use ::line_index::{TextRange, TextSize};

use crate::config::HoverVerbosity;
use crate::db::Db;
use crate::index::{
    BranchKind, DefinitionId, DefinitionKind, FileIndex, ScopeKind, file_index, range_of,
};
use crate::input::SourceFile;
use crate::resolve::ResolvedModule;

use super::line_index;
use super::module_name;
use super::targets::{Target, follow_imports, module_source, targets_at};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverResult {
    /// The hovered name.
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<HoverResult> {
    let Some((name_ref, targets)) = targets_at(db, file, offset) else {
        return attribute_hover(db, file, offset)
            .or_else(|| keyword_argument_hover(db, file, offset))
            .or_else(|| aliased_import_hover(db, file, offset));
    };
    let described_targets = targets.clone();
    let verbosity = db.settings().config(db).hover_verbosity;
    let index = file_index(db, file);
    let mut markdown = String::new();
    let is_local_binding = |target: &Target| match target {
        Target::Definition {
            file: target_file,
            definition,
        } => {
            *target_file == file
                && !matches!(
                    index.definition(*definition).kind,
                    DefinitionKind::Import { .. } | DefinitionKind::ImportFrom { .. }
                )
        }
        _ => false,
    };
    if targets.len() > 1 && targets.iter().all(is_local_binding) {
        // One name bound on several branches: one header, one line per binding.
        let definitions: Vec<DefinitionId> = targets
            .iter()
            .filter_map(|target| match target {
                Target::Definition { definition, .. } => Some(*definition),
                _ => None,
            })
            .collect();
        let last = *definitions.last()?;
        render_definition_header(db, &mut markdown, file, last);
        markdown.push('\n');
        for &definition in &definitions {
            render_binding_line(db, &mut markdown, file, index, definition);
        }
        if verbosity != HoverVerbosity::Compact {
            if let Some(docstring) = definition_docstring(index, last) {
                let _ = write!(
                    markdown,
                    "\n---\n{}\n",
                    docstring_text(docstring, verbosity)
                );
            }
        }
    } else {
        for target in targets {
            let followed = follow_imports(db, target.clone());
            render_target(db, &mut markdown, followed.clone(), verbosity);
            if followed != target && verbosity != HoverVerbosity::Compact {
                if let Target::Definition {
                    definition: import, ..
                } = target
                {
                    markdown.push_str("\nImported here:\n");
                    render_binding_line(db, &mut markdown, file, index, import);
                }
            }
        }
    }
    // What the name holds here, then what the function or class it names does.
    if let Some(values) = super::values::value_section(db, file, &name_ref) {
        let _ = write!(markdown, "\n---\n{values}");
    }
    if let Some(call) = super::values::call_section(db, file, &name_ref) {
        let _ = write!(markdown, "\n---\n{call}");
    }
    if verbosity != HoverVerbosity::Compact {
        let mut described: Vec<(SourceFile, DefinitionId)> = Vec::new();
        for target in described_targets {
            if let Target::Definition {
                file: target_file,
                definition,
            } = follow_imports(db, target)
            {
                if described.contains(&(target_file, definition)) {
                    continue;
                }
                described.push((target_file, definition));
                let section = super::values::function_section(db, target_file, definition)
                    .or_else(|| super::values::class_section(db, target_file, definition))
                    .or_else(|| super::values::parameter_section(db, target_file, definition));
                if let Some(section) = section {
                    let _ = write!(markdown, "\n---\n{section}");
                }
            }
        }
    }
    let markdown = markdown.trim_end().to_owned();
    if markdown.is_empty() {
        return None;
    }
    Some(HoverResult {
        range: name_ref.range,
        markdown,
    })
}

/// The identifier at `offset`, when the hover falls on one the index does not list.
fn identifier_at(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<tree_sitter::Node<'_>> {
    let at = u32::from(offset) as usize;
    crate::parse::parse(db, file)
        .root()
        .named_descendant_for_byte_range(at, at)
        .filter(|node| node.kind() == "identifier")
}

/// The identifier at `offset` and its parent, when it fills the `field` of a `kind` node
/// (`attr` of `obj.attr`, the name of `name=value`).
fn identifier_filling<'db>(
    db: &'db dyn Db,
    file: SourceFile,
    offset: TextSize,
    kind: &str,
    field: &str,
) -> Option<(tree_sitter::Node<'db>, tree_sitter::Node<'db>)> {
    let node = identifier_at(db, file, offset)?;
    let parent = node.parent().filter(|parent| parent.kind() == kind)?;
    (parent.child_by_field_name(field) == Some(node)).then_some((node, parent))
}

/// The hover on the name of an attribute read (`attr` in `obj.attr`): the value the
/// read gives there, with its members; for a method, what the method does.
fn attribute_hover(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<HoverResult> {
    let (node, attribute) = identifier_filling(db, file, offset, "attribute", "attribute")?;
    let index = file_index(db, file);
    let scope = super::values::evaluating_scope(index, index.scope_at(offset));
    let inference = crate::infer::infer_scope(db, file, scope);
    let union = inference
        .load_at(TextSize::from(node.start_byte() as u32))?
        .clone();
    let text = file.text(db);
    let expression = text.get(attribute.byte_range()).unwrap_or_default();
    let expression: String = expression.split_whitespace().collect();
    let mut markdown = format!("```python\n(attribute) {expression}\n```\n\n---\n");
    let _ = writeln!(
        markdown,
        "**Value**: `{}`\n",
        crate::values::render_union(&union)
    );
    super::values::render_members(db, file, &union, &mut markdown);
    // `obj.method(…)`: the call's result.
    if let Some(call) = attribute
        .parent()
        .filter(|parent| {
            parent.kind() == "call" && parent.child_by_field_name("function") == Some(attribute)
        })
        .and_then(|call| inference.call_at(TextSize::from(call.start_byte() as u32)))
    {
        let _ = writeln!(
            markdown,
            "\n---\n**Call** → `{}`\n",
            crate::values::render_union(&call.result)
        );
        super::values::render_members(db, file, &call.result, &mut markdown);
    }
    if db.settings().config(db).hover_verbosity != HoverVerbosity::Compact {
        // A method or function read through the attribute: its summary.
        if let Some(
            crate::values::Value::BoundMethod { function, .. }
            | crate::values::Value::Function(function),
        ) = union.single()
            && let Some((target_file, scope)) = crate::infer::function_scope(db, function)
            && let Some(definition) = file_index(db, target_file).scope(scope).definition
            && let Some(section) = super::values::function_section(db, target_file, definition)
        {
            let _ = write!(markdown, "\n---\n{section}");
        }
    }
    Some(HoverResult {
        range: range_of(node),
        markdown: markdown.trim_end().to_owned(),
    })
}

/// The hover on the imported name of an aliased import (`join` in `from os.path import
/// join as pjoin`, `path` in `import os.path as osp`): what the alias binds, shown on
/// the name.
fn aliased_import_hover(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<HoverResult> {
    let node = identifier_at(db, file, offset)?;
    let dotted = node
        .parent()
        .filter(|parent| parent.kind() == "dotted_name")?;
    // The module the alias binds is the whole dotted name: only its last part names it.
    if dotted.named_child(dotted.named_child_count().checked_sub(1)?) != Some(node) {
        return None;
    }
    let aliased = dotted
        .parent()
        .filter(|parent| parent.kind() == "aliased_import")?;
    if aliased.child_by_field_name("name") != Some(dotted) {
        return None;
    }
    let alias = aliased.child_by_field_name("alias")?;
    let mut result = hover(db, file, TextSize::from(alias.start_byte() as u32))?;
    result.range = range_of(node);
    Some(result)
}

/// The hover on the name of a keyword argument (`context` in `f(x, context=ctx)`): the
/// parameter it binds in the function the call resolves to (for a class, its
/// `__init__`), and the value passed for it here.
fn keyword_argument_hover(db: &dyn Db, file: SourceFile, offset: TextSize) -> Option<HoverResult> {
    let (node, argument) = identifier_filling(db, file, offset, "keyword_argument", "name")?;
    let call = argument
        .parent()
        .filter(|list| list.kind() == "argument_list")?
        .parent()
        .filter(|call| call.kind() == "call")?;
    let text = file.text(db);
    let name = text.get(node.byte_range())?;
    let index = file_index(db, file);
    let scope = super::values::evaluating_scope(index, index.scope_at(offset));
    let inference = crate::infer::infer_scope(db, file, scope);
    let site = inference.call_at(TextSize::from(call.start_byte() as u32))?;
    let parameters: Vec<(SourceFile, DefinitionId)> = site
        .callee
        .members()
        .iter()
        .filter_map(|member| keyword_parameter(db, &member.value, name))
        .fold(Vec::new(), |mut found, parameter| {
            if !found.contains(&parameter) {
                found.push(parameter);
            }
            found
        });
    let passed = site
        .keywords
        .iter()
        .find(|(keyword, _)| keyword == name)
        .map(|(_, union)| union);
    if parameters.is_empty() && passed.is_none() {
        return None;
    }
    let mut markdown = String::new();
    for (parameter_file, parameter) in &parameters {
        if !markdown.is_empty() {
            markdown.push_str("\n---\n");
        }
        render_definition_header(db, &mut markdown, *parameter_file, *parameter);
        markdown.push('\n');
        let parameter_index = file_index(db, *parameter_file);
        render_binding_line(
            db,
            &mut markdown,
            *parameter_file,
            parameter_index,
            *parameter,
        );
    }
    if parameters.is_empty() {
        let _ = writeln!(markdown, "```python\n(keyword argument) {name}\n```");
    }
    if let Some(passed) = passed {
        let _ = writeln!(
            markdown,
            "\n---\n**Passed here**: `{}`\n",
            crate::values::render_union(passed)
        );
        super::values::render_members(db, file, passed, &mut markdown);
    }
    Some(HoverResult {
        range: range_of(node),
        markdown: markdown.trim_end().to_owned(),
    })
}

/// The parameter named `name` of what calling `callee` runs: a function's or a bound
/// method's own, a class's `__init__` (the first class of its MRO that defines one).
fn keyword_parameter(
    db: &dyn Db,
    callee: &crate::values::Value,
    name: &str,
) -> Option<(SourceFile, DefinitionId)> {
    use crate::values::{ClassRef, Value};
    let parameter_of = |function_file: SourceFile, body| {
        let function_index = file_index(db, function_file);
        function_index
            .scope(body)
            .definitions
            .iter()
            .copied()
            .find(|&definition| {
                let data = function_index.definition(definition);
                data.name == name && matches!(data.kind, DefinitionKind::Parameter { .. })
            })
            .map(|definition| (function_file, definition))
    };
    match callee {
        Value::Function(function) | Value::BoundMethod { function, .. } => {
            let (function_file, body) = crate::infer::function_scope(db, function)?;
            parameter_of(function_file, body)
        }
        // The first `__init__` of the MRO runs, whether or not it has the parameter.
        Value::Class(class) => crate::infer::class_mro(db, class)
            .iter()
            .find_map(|ancestor| {
                let ClassRef::Defined {
                    file: ancestor_file,
                    path,
                } = ancestor
                else {
                    return None;
                };
                let ancestor_index = file_index(db, *ancestor_file);
                let DefinitionKind::Class { body, .. } = ancestor_index
                    .definition(ancestor_index.definition_at_path(path)?)
                    .kind
                else {
                    return None;
                };
                let init = ancestor_index
                    .scope(body)
                    .definitions
                    .iter()
                    .copied()
                    .find(|&member| ancestor_index.definition(member).name == "__init__")?;
                let DefinitionKind::Function {
                    body: init_body, ..
                } = ancestor_index.definition(init).kind
                else {
                    return Some(None);
                };
                Some(parameter_of(*ancestor_file, init_body))
            })?,
        _ => None,
    }
}

fn render_target(db: &dyn Db, out: &mut String, target: Target, verbosity: HoverVerbosity) {
    if !out.is_empty() {
        out.push_str("\n---\n");
    }
    match target {
        Target::Definition { file, definition } => {
            render_definition_header(db, out, file, definition);
            let index = file_index(db, file);
            out.push('\n');
            render_binding_line(db, out, file, index, definition);
            if verbosity != HoverVerbosity::Compact {
                if let Some(docstring) = definition_docstring(index, definition) {
                    let _ = write!(out, "\n---\n{}\n", docstring_text(docstring, verbosity));
                }
            }
        }
        Target::Module(module) => {
            let (name, path) = match &module {
                ResolvedModule::File { path, .. } => (
                    module_source(db, &module)
                        .map(|file| module_name(db, file))
                        .unwrap_or_default(),
                    path.display().to_string(),
                ),
                ResolvedModule::Namespace { dirs } => (
                    String::new(),
                    dirs.iter()
                        .map(|dir| dir.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            };
            let kind = if matches!(module, ResolvedModule::Namespace { .. }) {
                "namespace package"
            } else {
                "module"
            };
            let _ = writeln!(out, "```python\n({kind}) {name}\n```\n`{path}`");
            if verbosity != HoverVerbosity::Compact {
                let docstring = module_source(db, &module).and_then(|file| {
                    file_index(db, file)
                        .scope(FileIndex::MODULE_SCOPE)
                        .docstring
                        .clone()
                });
                if let Some(docstring) = docstring {
                    let _ = write!(out, "\n---\n{}\n", docstring_text(&docstring, verbosity));
                }
            }
        }
        Target::Builtin { name, kind } => {
            let kind = match kind {
                crate::builtins::BuiltinKind::Class => "class",
                crate::builtins::BuiltinKind::Exception => "exception class",
                crate::builtins::BuiltinKind::Function => "function",
                crate::builtins::BuiltinKind::Constant => "constant",
            };
            let _ = writeln!(
                out,
                "```python\n(builtin {kind}) {name}\n```\n`builtins.{name}`"
            );
        }
        Target::UnresolvedImport { module, name } => {
            let what = match name {
                Some(name) => format!("`{name}` from `{module}`"),
                None => format!("`{module}`"),
            };
            let _ = writeln!(
                out,
                "```python\n(import) unresolved\n```\n{what} was not found in the workspace or its environment"
            );
        }
        Target::Undefined { name } => {
            let _ = writeln!(
                out,
                "```python\n(undefined) {name}\n```\n`{name}` is not bound in any enclosing scope nor a builtin"
            );
        }
    }
}

/// "```python\n(function) def f(a, b=1) -> int\n```\n`pkg.mod.f`"
fn render_definition_header(
    db: &dyn Db,
    out: &mut String,
    file: SourceFile,
    definition: DefinitionId,
) {
    let index = file_index(db, file);
    let data = index.definition(definition);
    let text = file.text(db);
    let signature = match &data.kind {
        DefinitionKind::Function { .. } => {
            let header = signature_of(&header_source(db, file, data.node_range));
            let is_method = index.scope(data.scope).kind == ScopeKind::Class;
            format!(
                "({}) {}",
                if is_method { "method" } else { "function" },
                header
            )
        }
        DefinitionKind::Class { .. } => {
            format!(
                "(class) {}",
                signature_of(&header_source(db, file, data.node_range))
            )
        }
        DefinitionKind::Parameter {
            annotation,
            default,
            ..
        } => {
            let mut rendered = format!("(parameter) {}", data.name);
            if let Some(annotation) = annotation {
                let _ = write!(rendered, ": {}", signature_of(slice(text, *annotation)));
            }
            if let Some(default) = default {
                let _ = write!(rendered, " = {}", signature_of(slice(text, *default)));
            }
            rendered
        }
        kind => {
            let mut rendered = format!("({}) {}", kind.describe(), data.name);
            if let Some(annotation) = data.annotation {
                let _ = write!(rendered, ": {}", signature_of(slice(text, annotation)));
            }
            rendered
        }
    };
    let _ = writeln!(
        out,
        "```python\n{signature}\n```\n`{}`",
        qualified_name(db, file, definition)
    );
}

/// "- L3 `ratio = a / b` — `if exact:` true branch (L2)"
fn render_binding_line(
    db: &dyn Db,
    out: &mut String,
    file: SourceFile,
    index: &FileIndex,
    definition: DefinitionId,
) {
    let data = index.definition(definition);
    let lines = line_index(db, file);
    let line = lines.line_col(data.name_range.start()).line + 1;
    // Only the statement's first line is shown: a statement as long as a 1 MB list
    // literal is read no further than that line, and at most a few hundred bytes of it.
    let text = file.text(db);
    let start = usize::from(data.node_range.start()).min(text.len());
    let mut end = text[start..]
        .find('\n')
        .map_or(text.len(), |at| start + at)
        .min(usize::from(data.node_range.end()))
        .min(start + 512);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let shown = TextRange::new(data.node_range.start(), TextSize::from(end as u32));
    let statement = first_line(&without_comments(db, file, shown));
    let _ = write!(out, "- L{line} `{statement}`");
    let branch = index.branch(data.branch);
    if branch.kind != BranchKind::ScopeBody {
        let branch_line = lines.line_col(branch.header_range.start()).line + 1;
        let _ = write!(out, " — L{branch_line}, {}", branch.label());
    }
    out.push('\n');
}

fn definition_docstring(index: &FileIndex, definition: DefinitionId) -> Option<&str> {
    match index.definition(definition).kind {
        DefinitionKind::Function { body, .. } | DefinitionKind::Class { body, .. } => {
            index.scope(body).docstring.as_deref()
        }
        _ => None,
    }
}

fn docstring_text(docstring: &str, verbosity: HoverVerbosity) -> String {
    match verbosity {
        HoverVerbosity::Verbose => docstring.to_owned(),
        // The summary paragraph is what a hover needs; the rest is one click away.
        _ => docstring
            .split("\n\n")
            .next()
            .unwrap_or(docstring)
            .to_owned(),
    }
}

/// `pkg.mod.Class.method.name` for a definition.
pub(crate) fn qualified_name(db: &dyn Db, file: SourceFile, definition: DefinitionId) -> String {
    let index = file_index(db, file);
    let data = index.definition(definition);
    let mut parts = vec![data.name.to_string()];
    let mut scope = Some(data.scope);
    while let Some(id) = scope {
        let scope_data = index.scope(id);
        if scope_data.kind != ScopeKind::Module {
            parts.push(scope_data.name.to_string());
        }
        scope = scope_data.parent;
    }
    parts.push(module_name(db, file));
    parts.reverse();
    parts.join(".")
}

fn slice(text: &str, range: TextRange) -> &str {
    text.get(u32::from(range.start()) as usize..u32::from(range.end()) as usize)
        .unwrap_or("")
}

/// The source of a `def`/`class` header (up to its body, without the colon), comments removed.
fn header_source(db: &dyn Db, file: SourceFile, node_range: TextRange) -> String {
    let parsed = crate::parse::parse(db, file);
    let start = u32::from(node_range.start()) as usize;
    let end = u32::from(node_range.end()) as usize;
    let node = parsed
        .root()
        .descendant_for_byte_range(start, end)
        .and_then(|mut node| {
            loop {
                if matches!(node.kind(), "function_definition" | "class_definition")
                    && node.start_byte() == start
                {
                    return Some(node);
                }
                node = node.parent()?;
            }
        });
    let header_end = node
        .and_then(|node| node.child_by_field_name("body"))
        .map(|body| body.start_byte())
        .unwrap_or(end);
    let range = TextRange::new(
        node_range.start(),
        TextSize::from(header_end.max(start) as u32),
    );
    let source = without_comments(db, file, range);
    source
        .trim_end()
        .trim_end_matches(':')
        .trim_end()
        .to_owned()
}

/// The source of `range` with its comments cut out (using the tree, so `#` in strings stays).
fn without_comments(db: &dyn Db, file: SourceFile, range: TextRange) -> String {
    let text = file.text(db);
    let parsed = crate::parse::parse(db, file);
    let start = u32::from(range.start()) as usize;
    let end = (u32::from(range.end()) as usize).min(text.len());
    let mut comments = Vec::new();
    if let Some(node) = parsed.root().descendant_for_byte_range(start, end) {
        // Comments inside the range are descendants of the smallest node covering it (or
        // of its ancestors, when they trail the header).
        let container = node.parent().unwrap_or(node);
        let mut stack = vec![container];
        while let Some(current) = stack.pop() {
            if current.end_byte() <= start || current.start_byte() >= end {
                continue;
            }
            if current.kind() == "comment" {
                comments.push(current.start_byte()..current.end_byte());
                continue;
            }
            // Only the children that overlap the range (a list of 300,000 items has
            // just a few there).
            let mut cursor = current.walk();
            if cursor.goto_first_child_for_byte(start).is_none() {
                continue;
            }
            loop {
                let child = cursor.node();
                if child.start_byte() >= end {
                    break;
                }
                stack.push(child);
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }
    comments.sort_by_key(|comment| comment.start);
    let mut out = String::new();
    let mut at = start;
    for comment in comments {
        if comment.start > at {
            out.push_str(text.get(at..comment.start).unwrap_or(""));
        }
        at = at.max(comment.end);
    }
    if at < end {
        out.push_str(text.get(at..end).unwrap_or(""));
    }
    out
}

/// Collapses whitespace so a multi-line signature fits one line.
fn signature_of(source: &str) -> String {
    let mut out = String::new();
    for word in source.split_whitespace() {
        if !out.is_empty()
            && !out.ends_with('(')
            && !out.ends_with('[')
            && !word.starts_with(')')
            && !word.starts_with(']')
        {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.replace(", )", ")").replace(",)", ")")
}

fn first_line(source: &str) -> String {
    const MAX_CHARS: usize = 60;
    let line = source.lines().next().unwrap_or("").trim();
    if line.chars().count() > MAX_CHARS {
        let mut short: String = line.chars().take(MAX_CHARS - 1).collect();
        short.push('…');
        short
    } else {
        line.to_owned()
    }
}
