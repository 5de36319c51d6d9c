//! The syntax pass: tree-sitter ERROR/MISSING nodes and Python 2 constructs CPython 3 rejects.
//!
//! tree-sitter never fails: broken code comes back as a tree with ERROR nodes (tokens it could
//! not place) and zero-width MISSING nodes (tokens it pretended to see). This module turns those
//! into a short list of [`SyntaxError`]s, one per mistake, each with a one-sentence message and
//! the tightest range we can justify. It also reports what tree-sitter-python accepts but CPython
//! 3 rejects: Python 2 statements and literals, bad indentation, blocks left empty, lines cut
//! after an operator, statements jammed on one line, argument and parameter order, and
//! `return`/`yield`/`break`/`continue` out of place.
//!
//! Terminology:
//! - A *token* is a non-empty leaf of the tree (comments excluded), with the bracket depth the
//!   tokenizer scan saw before it.
//! - A *logical line* is what CPython calls one: a line break inside brackets or after a `\`
//!   continuation does not start a new one.
//! - An *error site* is an ERROR node with no ERROR ancestor; everything inside it is explained
//!   by the one error reported for the site. Statements tree-sitter kept whole inside an ERROR
//!   node (it sometimes wraps a whole module into one) are checked like any other.
//! - The *header* of an error site is its tokens up to the end of its first logical line: the
//!   part of the statement the user was writing when tree-sitter gave up.
//! - A *cascade* is an error caused by another one (often by tree-sitter's recovery from it):
//!   it is not reported.
//!
//! The pipeline, in order:
//! 1. One iterative walk (a `TreeCursor`, never recursion: inputs may nest 5,000 brackets deep)
//!    collects tokens, error sites, MISSING nodes, empty blocks, statement starts, and the
//!    findings that need only one node (Python 2 shapes, argument order, `return` placement).
//! 2. A scan over the tokens, like CPython's tokenizer, reports unclosed, unmatched and
//!    mismatched brackets and strings never closed. For CPython everything after an unclosed
//!    bracket or triple-quoted string is inside it: errors there are cascades.
//! 3. Logical lines are marked, then checked: indentation (CPython's indentation stack), lines
//!    ending with an operator, two statements on one line.
//! 4. Each error site and MISSING node gets one message (see [`diagnose_error_site`]).
//! 5. Cascades are dropped (see [`assemble_errors`]) and the rest is sorted.
//!
//! ```python
//! x = (1, 2          # "`(` was never closed" on the `(`
//! if ready           # "Expected `:`", zero-width after `ready`
//!     go()
//! print "done"       # "`print` is a function in Python 3: use `print(...)`" on `print`
//! ```
//!
//! tree-sitter-python 0.25 rejects PEP 696 type-parameter defaults (`def f[T = int](): ...`),
//! which are valid Python 3.13: a type-parameter list whose tokens read as a valid list of
//! parameters with defaults is recognised by hand, its bounds and defaults are re-parsed on
//! their own, and the ERROR nodes inside it are not reported.

use crate::index::{child_by_field, kind_of};
use std::collections::HashSet;

use line_index::{TextRange, TextSize};

/// One syntax problem with a tight range and a one-sentence message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// Collects every syntax error of `tree` (parsed from `text`), in source order.
pub fn syntax_errors(tree: &tree_sitter::Tree, text: &str) -> Vec<SyntaxError> {
    syntax_errors_cancellable(tree, text, &|| ())
}

/// [`syntax_errors`], calling `check_cancelled` every few thousand nodes and between
/// phases: on a huge file the search takes a third of a second, and a caller that is
/// cancelled (a salsa query under a pending write) unwinds from there.
pub fn syntax_errors_cancellable(
    tree: &tree_sitter::Tree,
    text: &str,
    check_cancelled: &dyn Fn(),
) -> Vec<SyntaxError> {
    syntax_errors_in(
        &crate::node_table::NodeTable::new(tree.root_node()),
        text,
        check_cancelled,
    )
}

/// [`syntax_errors_cancellable`] of the tree whose node table is `nodes` (the parse's
/// own table: no walk of the tree).
pub fn syntax_errors_in<'tree>(
    nodes: &'tree crate::node_table::NodeTable<'tree>,
    text: &str,
    check_cancelled: &dyn Fn(),
) -> Vec<SyntaxError> {
    let mut facts = collect_syntax_facts(nodes, text, check_cancelled);
    check_cancelled();
    let tokenizer_scan = scan_tokenizer_errors(&mut facts.tokens, text);
    mark_logical_line_starts(&mut facts.tokens, text);
    check_cancelled();
    let context = DiagnosisContext::new(text, &facts.tokens);
    let accepted_type_parameter_lists: Vec<bool> = facts
        .type_parameter_lists
        .iter()
        .map(|list| type_parameter_list_is_valid_with_defaults(&context, list))
        .collect();
    let is_in_accepted_type_parameter_list = |list_index: Option<usize>| {
        list_index.is_some_and(|index| accepted_type_parameter_lists.get(index) == Some(&true))
    };
    let cutoff = tokenizer_scan.cascade_cutoff;

    let mut structural_candidates: Vec<Candidate> = Vec::new();
    let mut reported_error_parents: HashSet<usize> = HashSet::new();
    for site in &facts.error_sites {
        if is_in_accepted_type_parameter_list(site.type_parameter_list)
            || cutoff.is_some_and(|cutoff| site.node.start_byte() >= cutoff)
        {
            continue;
        }
        if !site.parent_is_statement_container {
            // One error per non-statement parent: a second ERROR in the same `if` header or
            // argument list is nearly always the same mistake seen twice.
            if !reported_error_parents.insert(site.parent_id) {
                continue;
            }
        }
        let token_limit = cutoff
            .filter(|&cutoff| site.node.start_byte() < cutoff && cutoff < site.node.end_byte())
            .map(|cutoff| context.first_token_at_or_after(cutoff));
        let Some(mut candidate) = diagnose_error_site(&context, site, token_limit) else {
            continue;
        };
        if let Some(cutoff) = cutoff.filter(|_| token_limit.is_some()) {
            // The site runs into a bracket that is never closed: only a specific finding made
            // before the bracket is worth keeping.
            if candidate.is_generic || candidate.range.1 > cutoff {
                continue;
            }
            candidate.span = candidate.range;
        }
        candidate.is_tree_error = true;
        structural_candidates.push(candidate);
    }
    for site in &facts.missing_sites {
        if is_in_accepted_type_parameter_list(site.type_parameter_list)
            || cutoff.is_some_and(|cutoff| site.offset >= cutoff)
        {
            continue;
        }
        if !reported_error_parents.insert(site.parent_id) {
            continue;
        }
        let mut candidate = diagnose_missing_site(&context, site);
        candidate.is_tree_error = true;
        structural_candidates.push(candidate);
    }
    for block in &facts.empty_blocks {
        structural_candidates.push(block.to_candidate());
    }
    check_cancelled();
    structural_candidates.extend(check_indentation(&context));
    check_cancelled();
    structural_candidates.extend(check_logical_lines(&context, &facts.statement_starts));
    check_cancelled();
    structural_candidates.extend(facts.unenforced_rule_candidates);

    // On a logical line with tokens tree-sitter could not place, a Python 2 shape is most
    // likely prose or a broken string read as code (a backtick in a docstring).
    let mut python2_candidates: Vec<Candidate> = facts
        .python2_candidates
        .into_iter()
        .filter(|candidate| {
            !context
                .logical_line_has_error_tokens(context.first_token_at_or_after(candidate.range.0))
        })
        .collect();
    python2_candidates.extend(check_python2_statement_lines(&context));
    assemble_errors(
        &context,
        tokenizer_scan,
        structural_candidates,
        facts.compiler_candidates,
        python2_candidates,
    )
}

// ---------------------------------------------------------------------------------------------
// Collection: one walk over the tree.
// ---------------------------------------------------------------------------------------------

/// A non-empty, non-comment leaf of the tree.
#[derive(Debug, Clone)]
struct Token {
    kind: &'static str,
    start: usize,
    end: usize,
    /// Whether the token's parent is an ERROR node (a token tree-sitter could not place).
    parent_is_error: bool,
    /// Whether the token is inside an ERROR node and outside any statement kept whole there:
    /// the logical line holding it is not trustworthy.
    in_error_region: bool,
    /// Whether the token is inside a string (its quotes excluded): it never starts a line.
    inside_string: bool,
    /// The bracket depth before this token, as counted by [`scan_tokenizer_errors`].
    bracket_depth: usize,
    /// Whether this token begins a logical line (set by [`mark_logical_line_starts`]).
    starts_logical_line: bool,
}

/// An ERROR node with no ERROR ancestor.
struct ErrorSite<'tree> {
    node: tree_sitter::Node<'tree>,
    parent_kind: &'static str,
    /// The start of the nearest compound statement or clause around the node, within its
    /// statement (`class C(object)` when the ERROR is in its argument list).
    enclosing_compound_start: Option<usize>,
    parent_id: usize,
    /// Whether the parent is a module or a block, where ERROR siblings are separate statements.
    parent_is_statement_container: bool,
    type_parameter_list: Option<usize>,
}

/// A MISSING node with no ERROR ancestor.
struct MissingSite {
    kind: &'static str,
    is_named: bool,
    offset: usize,
    parent_id: usize,
    type_parameter_list: Option<usize>,
}

/// A type-parameter list (`[T, *Ts = ...]` of a class, a function or a `type` alias) that
/// contains an error, kept for the PEP 696 check.
struct TypeParameterList {
    start: usize,
    end: usize,
}

/// A compound statement or clause whose body tree-sitter left empty (`if x:` then nothing
/// indented).
struct EmptyBlock {
    keyword: &'static str,
    colon: Option<(usize, usize)>,
    offset: usize,
}

impl EmptyBlock {
    fn to_candidate(&self) -> Candidate {
        let (start, end) = self.colon.unwrap_or((self.offset, self.offset));
        Candidate {
            span: (start, end),
            range: (start, end),
            message: format!("Expected an indented block after `{}`", self.keyword),
            is_generic: false,
            is_tree_error: false,
        }
    }
}

/// A possible error, before cascades are dropped.
#[derive(Debug, Clone)]
struct Candidate {
    /// The region this error explains: later errors inside it are cascades.
    span: (usize, usize),
    /// The range shown to the user.
    range: (usize, usize),
    message: String,
    /// Whether this is a fallback message ("Unexpected `x`", "Invalid syntax"): it gives way to
    /// any specific error on the same lines.
    is_generic: bool,
    /// Whether this explains an ERROR or MISSING node: after another error, such a node may be
    /// a trail of tree-sitter's recovery, and is checked by re-parsing its lines alone.
    is_tree_error: bool,
}

struct SyntaxFacts<'tree> {
    tokens: Vec<Token>,
    error_sites: Vec<ErrorSite<'tree>>,
    missing_sites: Vec<MissingSite>,
    type_parameter_lists: Vec<TypeParameterList>,
    empty_blocks: Vec<EmptyBlock>,
    python2_candidates: Vec<Candidate>,
    /// Errors for rules tree-sitter does not enforce (argument order, annotated targets).
    unenforced_rule_candidates: Vec<Candidate>,
    /// The start of each statement that is a child of a module or a block.
    statement_starts: Vec<usize>,
    /// Errors CPython's compiler reports once the file parses (`return` outside a function).
    compiler_candidates: Vec<Candidate>,
}

/// The ancestors of the cursor's node, as the walk keeps them (`Node::parent` costs a walk
/// down from the root, so it is never called in the loop).
struct Frame<'tree> {
    node: tree_sitter::Node<'tree>,
    kind: &'static str,
    /// Whether this node or one of its ancestors is an ERROR node, with no statement in
    /// between (see [`is_statement_in_error`]).
    inside_error: bool,
    /// Whether this node or one of its ancestors is an ERROR node, statements or not.
    below_error: bool,
    inside_string: bool,
    type_parameter_list: Option<usize>,
}

fn collect_syntax_facts<'tree>(
    nodes: &'tree crate::node_table::NodeTable<'tree>,
    text: &str,
    check_cancelled: &dyn Fn(),
) -> SyntaxFacts<'tree> {
    let mut facts = SyntaxFacts {
        tokens: Vec::new(),
        error_sites: Vec::new(),
        missing_sites: Vec::new(),
        type_parameter_lists: Vec::new(),
        empty_blocks: Vec::new(),
        python2_candidates: Vec::new(),
        unenforced_rule_candidates: Vec::new(),
        statement_starts: Vec::new(),
        compiler_candidates: Vec::new(),
    };
    // The ancestors of the current node, root first, and where each one's subtree ends
    // in the preorder.
    let mut frames: Vec<Frame<'tree>> = Vec::new();
    let mut frame_ends: Vec<usize> = Vec::new();
    for (index, &node) in nodes.preorder().iter().enumerate() {
        if (index + 1).is_multiple_of(8192) {
            check_cancelled();
        }
        while frame_ends.last().is_some_and(|&end| end <= index) {
            frame_ends.pop();
            frames.pop();
        }
        let visit = visit_node(&mut facts, &frames, node, text);
        let subtree_end = nodes.subtree_end(index);
        if subtree_end > index + 1 {
            let kind = crate::index::kind_of(node);
            let parent_inside_string = frames.last().is_some_and(|frame| frame.inside_string);
            let parent_below_error = frames.last().is_some_and(|frame| frame.below_error);
            frames.push(Frame {
                node,
                kind,
                inside_error: visit.inside_error || node.is_error(),
                below_error: parent_below_error || node.is_error(),
                inside_string: parent_inside_string || kind == "string",
                type_parameter_list: visit.type_parameter_list,
            });
            frame_ends.push(subtree_end);
        }
    }
    facts
}

/// What [`visit_node`] tells the walk about a node's children.
struct Visit {
    inside_error: bool,
    type_parameter_list: Option<usize>,
}

/// Whether `node` is a statement that ended up directly inside an ERROR node: tree-sitter
/// sometimes wraps a whole module into one ERROR. Such a statement is checked like any other,
/// and the ERROR nodes inside it are sites of their own.
fn is_statement_in_error(node: tree_sitter::Node<'_>, parent: Option<&Frame<'_>>) -> bool {
    parent.is_some_and(|frame| frame.node.is_error()) && is_statement(node)
}

fn is_statement(node: tree_sitter::Node<'_>) -> bool {
    let kind = kind_of(node);
    kind.ends_with("_statement") || kind.ends_with("_definition")
}

/// Records what one node contributes.
fn visit_node<'tree>(
    facts: &mut SyntaxFacts<'tree>,
    frames: &[Frame<'tree>],
    node: tree_sitter::Node<'tree>,
    text: &str,
) -> Visit {
    let parent = frames.last();
    let parent_kind = parent.map_or("", |frame| frame.kind);
    let parent_id = parent.map_or(usize::MAX, |frame| frame.node.id());
    let inside_error =
        parent.is_some_and(|frame| frame.inside_error) && !is_statement_in_error(node, parent);
    let mut type_parameter_list = parent.and_then(|frame| frame.type_parameter_list);
    let kind = crate::index::kind_of(node);

    if node.child_count() == 0 && node.start_byte() < node.end_byte() && kind != "comment" {
        facts.tokens.push(Token {
            kind,
            start: node.start_byte(),
            end: node.end_byte(),
            parent_is_error: parent.is_some_and(|frame| frame.node.is_error()),
            in_error_region: inside_error || node.is_error(),
            inside_string: parent.is_some_and(|frame| frame.inside_string)
                && kind != "string_start",
            bracket_depth: 0,
            starts_logical_line: false,
        });
    }
    if inside_error {
        return Visit {
            inside_error,
            type_parameter_list,
        };
    }
    if node.is_error() {
        facts.error_sites.push(ErrorSite {
            node,
            parent_kind,
            enclosing_compound_start: frames
                .iter()
                .rev()
                .take_while(|frame| !matches!(frame.kind, "block" | "module" | "ERROR"))
                .find(|frame| is_compound_kind(frame.kind))
                .map(|frame| frame.node.start_byte()),
            parent_id,
            parent_is_statement_container: matches!(parent_kind, "" | "module" | "block"),
            type_parameter_list,
        });
        return Visit {
            inside_error,
            type_parameter_list,
        };
    }
    if node.is_missing() {
        facts.missing_sites.push(MissingSite {
            kind,
            is_named: node.is_named(),
            offset: node.start_byte(),
            parent_id,
            type_parameter_list,
        });
        return Visit {
            inside_error,
            type_parameter_list,
        };
    }

    if type_parameter_list.is_none()
        && kind == "type_parameter"
        && node.has_error()
        && is_declaration_type_parameter_list(frames)
    {
        facts.type_parameter_lists.push(TypeParameterList {
            start: node.start_byte(),
            end: node.end_byte(),
        });
        type_parameter_list = Some(facts.type_parameter_lists.len() - 1);
    }

    if kind == "block"
        && node.child_count() == 0
        && let Some(frame) = parent
        && !frame.node.has_error()
    {
        facts.empty_blocks.push(EmptyBlock {
            keyword: block_header_keyword(frame.kind),
            colon: last_colon_before(frame.node, node.start_byte()),
            offset: node.start_byte(),
        });
    }

    if node.is_named() && kind != "comment" && matches!(parent_kind, "module" | "block") {
        facts.statement_starts.push(node.start_byte());
    }
    check_python2_node(&mut facts.python2_candidates, node, parent, text);
    check_unenforced_rules(&mut facts.unenforced_rule_candidates, node, parent);
    if !parent.is_some_and(|frame| frame.below_error) {
        check_keyword_placement(&mut facts.compiler_candidates, node, frames);
    }
    Visit {
        inside_error,
        type_parameter_list,
    }
}

/// Whether the `type_parameter` node on top of `frames` (its parent is the last frame) declares
/// type parameters: `class C[...]`, `def f[...]` or `type A[...] = ...`, rather than being the
/// arguments of a generic type such as `dict[str, int]`.
fn is_declaration_type_parameter_list(frames: &[Frame<'_>]) -> bool {
    let Some(parent) = frames.last() else {
        return false;
    };
    if matches!(parent.kind, "class_definition" | "function_definition") {
        return true;
    }
    // `type A[T = int] = ...` nests the list as type_alias_statement > type > generic_type.
    if parent.kind != "generic_type" || frames.len() < 3 {
        return false;
    }
    let type_node = &frames[frames.len() - 2];
    let statement = &frames[frames.len() - 3];
    statement.kind == "type_alias_statement"
        && type_node.kind == "type"
        && statement
            .node
            .child_by_field_name("left")
            .map(|left| left.id())
            == Some(type_node.node.id())
}

fn last_colon_before(node: tree_sitter::Node<'_>, offset: usize) -> Option<(usize, usize)> {
    let mut cursor = node.walk();

    node.children(&mut cursor)
        .filter(|child| kind_of(*child) == ":" && !child.is_missing() && child.end_byte() <= offset)
        .last()
        .map(|child| (child.start_byte(), child.end_byte()))
}

fn block_header_keyword(statement_kind: &str) -> &'static str {
    match statement_kind {
        "if_statement" => "if",
        "elif_clause" => "elif",
        "else_clause" => "else",
        "for_statement" => "for",
        "while_statement" => "while",
        "try_statement" => "try",
        "except_clause" | "except_group_clause" => "except",
        "finally_clause" => "finally",
        "with_statement" => "with",
        "function_definition" => "def",
        "class_definition" => "class",
        "match_statement" => "match",
        "case_clause" => "case",
        _ => ":",
    }
}

// ---------------------------------------------------------------------------------------------
// Python 2 constructs.
// ---------------------------------------------------------------------------------------------

/// Flags the Python 2 constructs tree-sitter-python parses without an error.
fn check_python2_node(
    candidates: &mut Vec<Candidate>,
    node: tree_sitter::Node<'_>,
    parent: Option<&Frame<'_>>,
    text: &str,
) {
    let mut push = |start: usize, end: usize, message: String| {
        candidates.push(Candidate {
            span: (start, end),
            range: (start, end),
            message,
            is_generic: false,
            is_tree_error: false,
        });
    };
    match kind_of(node) {
        "print_statement" | "exec_statement" => {
            if let Some(keyword) = node.child(0) {
                let name = kind_of(keyword);
                push(
                    keyword.start_byte(),
                    keyword.end_byte(),
                    format!("`{name}` is a function in Python 3: use `{name}(...)`"),
                );
            }
        }
        "<>" => push(
            node.start_byte(),
            node.end_byte(),
            "`<>` was removed in Python 3: use `!=`".to_string(),
        ),
        "except_clause" => check_python2_except_comma(&mut push, node, text),
        "raise_statement" => check_python2_raise_comma(&mut push, node, text),
        "integer" => check_python2_integer(&mut push, node, text),
        "string_start" => {
            let prefix_text = slice(text, node.start_byte(), node.end_byte());
            let quote_offset = prefix_text
                .find(['\'', '"', '`'])
                .unwrap_or(prefix_text.len());
            let prefix = &prefix_text[..quote_offset];
            if prefix_text[quote_offset..].starts_with('`') {
                let (start, end) = parent
                    .filter(|frame| frame.kind == "string")
                    .map_or((node.start_byte(), node.end_byte()), |frame| {
                        (frame.node.start_byte(), frame.node.end_byte())
                    });
                push(
                    start,
                    end,
                    "Backticks were removed in Python 3: use `repr(...)`".to_string(),
                );
            } else if let Some(message) = invalid_string_prefix_message(prefix) {
                push(node.start_byte(), node.start_byte() + prefix.len(), message);
            }
        }
        _ => {}
    }
}

/// `print "x"` and `exec "code"` found on the tokens, for when tree-sitter did not make a
/// `print_statement` of them: after `return x +`, it joins the next line to the expression.
/// The keyword must start a logical line and be followed by an operand, and nothing else on
/// the line may be a token tree-sitter could not place (prose read as code often starts with
/// "print the").
fn check_python2_statement_lines(context: &DiagnosisContext<'_>) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    for (index, token) in context.tokens.iter().enumerate() {
        let keyword = context.token_text(index);
        if !token.starts_logical_line || !matches!(keyword, "print" | "exec") {
            continue;
        }
        let Some(next) = context.tokens.get(index + 1) else {
            continue;
        };
        let is_statement_shape = !next.starts_logical_line
            && matches!(
                next.kind,
                "string_start"
                    | "identifier"
                    | "integer"
                    | "float"
                    | "true"
                    | "false"
                    | "none"
                    | ">>"
            );
        let line_end = context
            .logical_line_ends
            .get(index)
            .copied()
            .unwrap_or(index);
        let rest_is_placed = context
            .tokens
            .get(index + 1..line_end)
            .is_some_and(|rest| rest.iter().all(|token| !token.in_error_region));
        if is_statement_shape && rest_is_placed {
            candidates.push(Candidate {
                span: (token.start, token.end),
                range: (token.start, token.end),
                message: format!("`{keyword}` is a function in Python 3: use `{keyword}(...)`"),
                is_generic: false,
                is_tree_error: false,
            });
        }
    }
    candidates
}

/// `except E, e:` bound the exception to `e` in Python 2. Python 3.14 reads
/// `except A, B:` as catching either class, so only a lowercase last name is flagged: an
/// exception class name starts with a capital letter by convention.
fn check_python2_except_comma(
    push: &mut impl FnMut(usize, usize, String),
    node: tree_sitter::Node<'_>,
    text: &str,
) {
    let mut cursor = node.walk();
    let children: Vec<tree_sitter::Node<'_>> = node.children(&mut cursor).collect();
    if children
        .iter()
        .any(|child| matches!(kind_of(*child), "*" | "as"))
    {
        return;
    }
    let values: Vec<&tree_sitter::Node<'_>> = children
        .iter()
        .filter(|child| child.is_named() && !matches!(kind_of(**child), "block" | "comment"))
        .collect();
    let comma = children.iter().find(|child| kind_of(**child) == ",");
    let (Some(comma), [caught, bound]) = (comma, values.as_slice()) else {
        return;
    };
    let bound_name = slice(text, bound.start_byte(), bound.end_byte());
    if kind_of(**bound) != "identifier" || bound_name.starts_with(|c: char| c.is_uppercase()) {
        return;
    }
    let caught_text = short_snippet(slice(text, caught.start_byte(), caught.end_byte()));
    let message = match caught_text {
        Some(caught_text) => format!(
            "`except {caught_text}, {bound_name}:` is Python 2 syntax: use `except {caught_text} as {bound_name}:`"
        ),
        None => {
            format!("Python 3 binds the exception with `as`: use `except ... as {bound_name}:`")
        }
    };
    push(comma.start_byte(), bound.end_byte(), message);
}

/// `raise E, V` (and `raise E, V, tb`) raised `E(V)` in Python 2.
fn check_python2_raise_comma(
    push: &mut impl FnMut(usize, usize, String),
    node: tree_sitter::Node<'_>,
    text: &str,
) {
    let mut cursor = node.walk();
    let Some(list) = node
        .children(&mut cursor)
        .find(|child| kind_of(*child) == "expression_list")
    else {
        return;
    };
    let mut list_cursor = list.walk();
    let items: Vec<tree_sitter::Node<'_>> = list.named_children(&mut list_cursor).collect();
    let item_texts: Vec<Option<&str>> = items
        .iter()
        .map(|item| short_snippet(slice(text, item.start_byte(), item.end_byte())))
        .collect();
    let message = match item_texts.as_slice() {
        [Some(class), Some(value)] => {
            format!("`raise {class}, {value}` is Python 2 syntax: use `raise {class}({value})`")
        }
        [Some(class), Some(value), Some(traceback)] => format!(
            "`raise {class}, {value}, {traceback}` is Python 2 syntax: use `raise {class}({value}).with_traceback({traceback})`"
        ),
        _ => "`raise E, V` is Python 2 syntax: use `raise E(V)`".to_string(),
    };
    push(list.start_byte(), list.end_byte(), message);
}

/// Octal literals without `0o` (`0777`), decimal literals with leading zeros (`08`) and long
/// literals (`10L`).
fn check_python2_integer(
    push: &mut impl FnMut(usize, usize, String),
    node: tree_sitter::Node<'_>,
    text: &str,
) {
    let literal = slice(text, node.start_byte(), node.end_byte());
    if literal.ends_with(['j', 'J']) {
        // Imaginary literals may have leading zeros: `0777j` is valid.
        return;
    }
    let has_long_suffix = literal.ends_with(['l', 'L']);
    let digits = literal.trim_end_matches(['l', 'L']);
    let has_leading_zero = digits.len() > 1
        && digits.starts_with('0')
        && digits[1..].starts_with(|c: char| c.is_ascii_digit() || c == '_');
    let is_all_zeros = digits.chars().all(|c| c == '0' || c == '_');
    let python3_form = if has_leading_zero && !is_all_zeros {
        let significant = digits.trim_start_matches(['0', '_']);
        if significant.chars().all(|c| matches!(c, '0'..='7' | '_')) {
            format!("0o{significant}")
        } else {
            significant.to_string()
        }
    } else {
        digits.to_string()
    };
    let (start, end) = (node.start_byte(), node.end_byte());
    if has_long_suffix {
        push(
            start,
            end,
            format!("`{literal}` is a Python 2 long integer: use `{python3_form}`"),
        );
    } else if has_leading_zero && !is_all_zeros {
        if python3_form.starts_with("0o") {
            push(
                start,
                end,
                format!("`{literal}` is a Python 2 octal literal: use `{python3_form}`"),
            );
        } else {
            push(
                start,
                end,
                format!("Leading zeros are not allowed in decimal integers: use `{python3_form}`"),
            );
        }
    }
}

/// The message for a string prefix Python 3 rejects, or `None` for a valid one.
fn invalid_string_prefix_message(prefix: &str) -> Option<String> {
    let lowercase = prefix.to_ascii_lowercase();
    let is_valid = matches!(
        lowercase.as_str(),
        "" | "r" | "u" | "b" | "br" | "rb" | "f" | "fr" | "rf" | "t" | "tr" | "rt"
    );
    if is_valid {
        return None;
    }
    if lowercase == "ur" {
        let raw = &prefix[1..];
        return Some(format!(
            "The `{prefix}` prefix is not allowed in Python 3: use `{raw}` (strings are Unicode already)"
        ));
    }
    Some(format!("Invalid string prefix `{prefix}`"))
}

// ---------------------------------------------------------------------------------------------
// Rules tree-sitter-python does not enforce.
// ---------------------------------------------------------------------------------------------

fn error_at(node: tree_sitter::Node<'_>, message: &str) -> Candidate {
    Candidate {
        span: (node.start_byte(), node.end_byte()),
        range: (node.start_byte(), node.end_byte()),
        message: message.to_string(),
        is_generic: false,
        is_tree_error: false,
    }
}

/// Argument and parameter order, and annotations in chained assignments: tree-sitter parses
/// `f(a=1, b)`, `def f(a=1, b)` and `x = y: int = 1` without an error.
fn check_unenforced_rules(
    candidates: &mut Vec<Candidate>,
    node: tree_sitter::Node<'_>,
    parent: Option<&Frame<'_>>,
) {
    match kind_of(node) {
        "argument_list" => check_argument_order(candidates, node),
        "parameters" | "lambda_parameters" => check_parameter_order(candidates, node),
        "assignment" if parent.is_some_and(|frame| frame.kind == "assignment") => {
            if let Some(annotation) = child_by_field(node, "type") {
                let mut cursor = node.walk();
                let colon = node
                    .children(&mut cursor)
                    .find(|child| kind_of(*child) == ":")
                    .unwrap_or(annotation);
                candidates.push(error_at(
                    colon,
                    "Only a single assignment target can have an annotation",
                ));
            }
        }
        _ => {}
    }
}

/// `return` and `yield` outside a function, `break` and `continue` outside a loop: CPython's
/// compiler rejects them, tree-sitter parses them anywhere.
fn check_keyword_placement(
    candidates: &mut Vec<Candidate>,
    node: tree_sitter::Node<'_>,
    frames: &[Frame<'_>],
) {
    let is_in_function = |allow_lambda: bool| {
        frames
            .iter()
            .rev()
            .find(|frame| {
                matches!(
                    frame.kind,
                    "function_definition" | "class_definition" | "lambda"
                )
            })
            .is_some_and(|frame| {
                frame.kind == "function_definition" || (allow_lambda && frame.kind == "lambda")
            })
    };
    let is_in_loop = || {
        for (index, frame) in frames.iter().enumerate().rev() {
            match frame.kind {
                "for_statement" | "while_statement" => {
                    // The `else:` of a loop is not part of the loop.
                    let in_else = frames
                        .get(index + 1)
                        .is_some_and(|child| child.kind == "else_clause");
                    if !in_else {
                        return true;
                    }
                }
                "function_definition" | "class_definition" | "lambda" => return false,
                _ => {}
            }
        }
        false
    };
    let message = match kind_of(node) {
        "return_statement" if !is_in_function(false) => "`return` outside of a function",
        "yield" if node.is_named() && !is_in_function(true) => "`yield` outside of a function",
        "break_statement" if !is_in_loop() => "`break` outside of a loop",
        "continue_statement" if !is_in_loop() => "`continue` outside of a loop",
        _ => return,
    };
    if let Some(keyword) = node.child(0) {
        candidates.push(error_at(keyword, message));
    }
}

fn check_argument_order(candidates: &mut Vec<Candidate>, node: tree_sitter::Node<'_>) {
    let mut seen_keyword = false;
    let mut seen_keyword_unpacking = false;
    let mut cursor = node.walk();
    for argument in node.named_children(&mut cursor) {
        let message = match kind_of(argument) {
            "comment" => continue,
            "keyword_argument" => {
                seen_keyword = true;
                continue;
            }
            "dictionary_splat" => {
                seen_keyword_unpacking = true;
                continue;
            }
            "list_splat" if seen_keyword_unpacking => {
                "Iterable argument unpacking follows keyword argument unpacking"
            }
            "list_splat" => continue,
            _ if seen_keyword_unpacking => "Positional argument follows keyword argument unpacking",
            _ if seen_keyword => "Positional argument follows keyword argument",
            _ => continue,
        };
        candidates.push(error_at(argument, message));
        return;
    }
}

fn check_parameter_order(candidates: &mut Vec<Candidate>, node: tree_sitter::Node<'_>) {
    let mut seen_default = false;
    let mut cursor = node.walk();
    for parameter in node.named_children(&mut cursor) {
        // `*args: int` and `**kwargs: int` are typed parameters around a splat pattern.
        let kind =
            match kind_of(parameter) {
                "typed_parameter" => parameter.named_child(0).map_or("typed_parameter", |inner| {
                    match kind_of(inner) {
                        "list_splat_pattern" | "dictionary_splat_pattern" => kind_of(inner),
                        _ => "typed_parameter",
                    }
                }),
                kind => kind,
            };
        match kind {
            "default_parameter" | "typed_default_parameter" => seen_default = true,
            // Parameters after `*` or `*args` are keyword-only: they need no default.
            "list_splat_pattern" | "keyword_separator" | "dictionary_splat_pattern" => return,
            "identifier" | "typed_parameter" if seen_default => {
                candidates.push(error_at(
                    parameter,
                    "Parameter without a default follows parameter with a default",
                ));
                return;
            }
            _ => {}
        }
    }
}

/// Two checks on logical lines, which tree-sitter's newline handling lets through:
/// - a logical line cannot end with an operator or a keyword that needs an operand
///   (`x =`, `a +`, `import`): tree-sitter joins it to the next line;
/// - two statements on one logical line need a `;` between them (`import a  b`).
fn check_logical_lines(
    context: &DiagnosisContext<'_>,
    statement_starts: &[usize],
) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    let mut line_first = 0;
    // A run of lines that all end with an operator (a `(` lost above them) is one mistake.
    let mut previous_line_was_cut = false;
    for index in 1..context.tokens.len() {
        if !context.tokens[index].starts_logical_line {
            continue;
        }
        let last = index - 1;
        // A token tree-sitter could not place is explained by its ERROR node.
        let is_placed = !context.tokens[last].in_error_region;
        let message = expected_after_message(context, last, line_first);
        let line_is_cut = message.is_some();
        if let Some(message) = message.filter(|_| is_placed && !previous_line_was_cut) {
            let token = &context.tokens[last];
            candidates.push(Candidate {
                span: (token.start, token.end),
                range: (token.start, token.end),
                message,
                is_generic: false,
                is_tree_error: false,
            });
        }
        previous_line_was_cut = line_is_cut;
        line_first = index;
    }
    for &start in statement_starts {
        let index = context.first_token_at_or_after(start);
        let Some(token) = context.tokens.get(index) else {
            continue;
        };
        // Inside brackets no statement can start: tree-sitter's recovery made that one up, and
        // its ERROR node is reported instead.
        if token.start != start
            || token.starts_logical_line
            || index == 0
            || token.bracket_depth > 0
        {
            continue;
        }
        let previous = &context.tokens[index - 1];
        if matches!(context.kind(index - 1), ";" | ":")
            || previous.in_error_region
            || token.in_error_region
        {
            continue;
        }
        let both_operands = ends_operand(context.kind(index - 1))
            && starts_operand_after_operand(context.kind(index));
        let (range, message) = match (
            context.describe_operand(index - 1),
            short_snippet(context.token_text(index)),
        ) {
            (Some(before), Some(after)) if both_operands => (
                (previous.start, token.end),
                format!("Expected `,` or an operator between {before} and `{after}`"),
            ),
            (_, Some(after)) => (
                (token.start, token.end),
                format!("Expected a line break or `;` before `{after}`"),
            ),
            _ => (
                (token.start, token.end),
                "Expected a line break or `;` before this statement".to_string(),
            ),
        };
        candidates.push(Candidate {
            span: range,
            range,
            message,
            is_generic: false,
            is_tree_error: false,
        });
    }
    candidates
}

// ---------------------------------------------------------------------------------------------
// Tokens: logical lines and brackets.
// ---------------------------------------------------------------------------------------------

/// What CPython's tokenizer would reject: brackets and strings never closed, closers with no
/// opener.
struct TokenizerScan {
    /// Errors that are always reported, each with the region it explains.
    candidates: Vec<Candidate>,
    /// The outermost bracket or triple-quoted string never closed: for CPython everything after
    /// it is inside it, so every other error after it is a cascade.
    cascade_cutoff: Option<usize>,
    /// Whether a triple-quoted string is never closed. Then the quotes were likely broken
    /// earlier, and tree-sitter read the text of strings as code: only the first structural
    /// error is worth showing.
    has_unclosed_triple_quoted_string: bool,
}

fn opening_bracket_for(closing: &str) -> Option<&'static str> {
    match closing {
        ")" => Some("("),
        "]" => Some("["),
        "}" => Some("{"),
        _ => None,
    }
}

fn opening_closer(opening: &str) -> Option<&'static str> {
    match opening {
        "(" => Some(")"),
        "[" => Some("]"),
        "{" => Some("}"),
        _ => None,
    }
}

/// The first closing bracket in `kinds` that closes nothing opened within `kinds`, looking at
/// a bounded number of tokens.
fn next_closer_at_depth(kinds: &[&'static str]) -> Option<&'static str> {
    let mut depth = 0usize;
    for &kind in kinds.iter().take(200) {
        match kind {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" if depth == 0 => return Some(kind),
            ")" | "]" | "}" => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Whether a `string_start` token opens a string tree-sitter found no end for: tree-sitter then
/// puts the opening quote alone into an ERROR node and reads the rest as code.
fn is_unclosed_string_start(token: &Token) -> bool {
    token.kind == "string_start" && token.parent_is_error
}

/// Scans the tokens the way CPython's tokenizer does: matches brackets, records each token's
/// depth, and finds strings never closed.
fn scan_tokenizer_errors(tokens: &mut [Token], text: &str) -> TokenizerScan {
    let following_kinds: Vec<&'static str> = tokens.iter().map(|token| token.kind).collect();
    let mut open: Vec<(&'static str, usize, usize)> = Vec::new();
    let mut candidates = Vec::new();
    let mut unclosed_triple_quoted_string: Option<usize> = None;
    // After a one-line string that is never closed, the rest of its line is text, not tokens.
    let mut skipping_rest_of_line = false;
    let mut previous_end: Option<usize> = None;
    for (index, token) in tokens.iter_mut().enumerate() {
        token.bracket_depth = open.len();
        if skipping_rest_of_line {
            let gap =
                previous_end.map_or("", |previous_end| slice(text, previous_end, token.start));
            skipping_rest_of_line = !gap.contains(['\n', '\r']);
        }
        previous_end = Some(token.end);
        if skipping_rest_of_line {
            continue;
        }
        if is_unclosed_string_start(token) {
            let opening = slice(text, token.start, token.end);
            let is_triple_quoted = opening.ends_with("\"\"\"") || opening.ends_with("'''");
            candidates.push(Candidate {
                span: (token.start, token.end),
                range: (token.start, token.end),
                message: if is_triple_quoted {
                    "Triple-quoted string is never closed".to_string()
                } else {
                    "String is never closed".to_string()
                },
                is_generic: false,
                is_tree_error: false,
            });
            if is_triple_quoted {
                unclosed_triple_quoted_string = Some(token.start);
                break;
            }
            skipping_rest_of_line = true;
            continue;
        }
        match token.kind {
            "(" | "[" | "{" => open.push((token.kind, token.start, token.end)),
            ")" | "]" | "}" => {
                let Some(expected_opening) = opening_bracket_for(token.kind) else {
                    continue;
                };
                match open.last() {
                    None => candidates.push(Candidate {
                        span: (token.start, token.end),
                        range: (token.start, token.end),
                        message: format!("Unmatched `{}`", token.kind),
                        is_generic: false,
                        is_tree_error: false,
                    }),
                    Some(&(kind, _, _)) if kind == expected_opening => {
                        open.pop();
                    }
                    Some(&(kind, opening_start, _)) => {
                        candidates.push(Candidate {
                            span: (opening_start, token.end),
                            range: (token.start, token.end),
                            message: format!(
                                "`{}` does not match the opening `{kind}`",
                                token.kind
                            ),
                            is_generic: false,
                            is_tree_error: false,
                        });
                        // Close up to a matching bracket if there is one (`f(a, [b)`). Else
                        // the closer is either a typo for the innermost one (`[1, 2)`) or a
                        // stray one whose opener was deleted (`[(1, 2), 3, 4), (5, 6)]`): the
                        // next closer tells which.
                        match open
                            .iter()
                            .rposition(|&(kind, _, _)| kind == expected_opening)
                        {
                            Some(position) => open.truncate(position),
                            None if next_closer_at_depth(&following_kinds[index + 1..])
                                == opening_closer(kind) => {}
                            None => {
                                open.pop();
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let unclosed_bracket = open.first().map(|&(_, start, _)| start);
    // CPython reports the innermost unclosed bracket; so do we, and only that one. Before a
    // triple-quoted string never closed, a bracket left open is likely prose read as code.
    if let Some(&(kind, start, end)) = open
        .last()
        .filter(|_| unclosed_triple_quoted_string.is_none())
    {
        candidates.push(Candidate {
            span: (start, end),
            range: (start, end),
            message: format!("`{kind}` was never closed"),
            is_generic: false,
            is_tree_error: false,
        });
    }
    let cascade_cutoff = match (unclosed_bracket, unclosed_triple_quoted_string) {
        (Some(bracket), Some(string)) => Some(bracket.min(string)),
        (bracket, string) => bracket.or(string),
    };
    TokenizerScan {
        candidates,
        cascade_cutoff,
        has_unclosed_triple_quoted_string: unclosed_triple_quoted_string.is_some(),
    }
}

/// Whether the text between two tokens ends a logical line: it holds a line break that is not
/// a `\` continuation. Comments are not tokens, so the gap may hold one.
fn gap_has_line_break(gap: &str) -> bool {
    let mut characters = gap.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '#' => {
                // A comment runs to the end of its line, and that line break is real.
                for comment_character in characters.by_ref() {
                    if comment_character == '\n' || comment_character == '\r' {
                        return true;
                    }
                }
                return false;
            }
            '\\' => {
                if characters.peek() == Some(&'\r') {
                    characters.next();
                }
                if characters.peek() == Some(&'\n') {
                    characters.next();
                }
            }
            '\n' | '\r' => return true,
            _ => {}
        }
    }
    false
}

fn mark_logical_line_starts(tokens: &mut [Token], text: &str) {
    let mut previous_end: Option<usize> = None;
    for token in tokens.iter_mut() {
        token.starts_logical_line = match previous_end {
            None => true,
            Some(previous_end) => {
                token.bracket_depth == 0
                    && !token.inside_string
                    && gap_has_line_break(slice(text, previous_end, token.start))
            }
        };
        previous_end = Some(token.end);
    }
}

fn line_start_offsets(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, byte)| byte == b'\n')
            .map(|(index, _)| index + 1),
    );
    starts
}

// ---------------------------------------------------------------------------------------------
// Diagnosis of ERROR and MISSING nodes.
// ---------------------------------------------------------------------------------------------

struct DiagnosisContext<'a> {
    text: &'a str,
    tokens: &'a [Token],
    line_starts: Vec<usize>,
    /// For each token, the index of the first token of its logical line.
    logical_line_firsts: Vec<usize>,
    /// For each token, the index just past the last token of its logical line.
    logical_line_ends: Vec<usize>,
    /// For each token index, how many tokens before it are in an error region.
    error_tokens_before: Vec<usize>,
}

impl<'a> DiagnosisContext<'a> {
    fn new(text: &'a str, tokens: &'a [Token]) -> Self {
        let mut logical_line_firsts = Vec::with_capacity(tokens.len());
        let mut line_first = 0;
        for (index, token) in tokens.iter().enumerate() {
            if token.starts_logical_line {
                line_first = index;
            }
            logical_line_firsts.push(line_first);
        }
        let mut logical_line_ends = vec![tokens.len(); tokens.len()];
        let mut line_end = tokens.len();
        for (index, token) in tokens.iter().enumerate().rev() {
            logical_line_ends[index] = line_end;
            if token.starts_logical_line {
                line_end = index;
            }
        }
        let mut error_tokens_before = Vec::with_capacity(tokens.len() + 1);
        let mut count = 0;
        error_tokens_before.push(0);
        for token in tokens {
            count += usize::from(token.in_error_region);
            error_tokens_before.push(count);
        }
        DiagnosisContext {
            text,
            tokens,
            line_starts: line_start_offsets(text),
            logical_line_firsts,
            logical_line_ends,
            error_tokens_before,
        }
    }

    /// The index of the first token of the logical line holding token `index`.
    fn logical_line_first(&self, index: usize) -> usize {
        self.logical_line_firsts.get(index).copied().unwrap_or(0)
    }

    /// Whether the logical line holding token `index` has a token in an error region.
    fn logical_line_has_error_tokens(&self, index: usize) -> bool {
        let first = self.logical_line_first(index);
        let end = self.logical_line_ends.get(index).copied().unwrap_or(first);
        let before = |position: usize| self.error_tokens_before.get(position).copied().unwrap_or(0);
        before(end) > before(first)
    }

    fn token_text(&self, index: usize) -> &str {
        self.tokens
            .get(index)
            .map_or("", |token| slice(self.text, token.start, token.end))
    }

    /// The token's kind, with a keyword that tree-sitter lexed as an identifier (it does so
    /// in error recovery: `class C(object)` then `def` on the next line) read as the keyword.
    fn kind(&self, index: usize) -> &'static str {
        let Some(token) = self.tokens.get(index) else {
            return "";
        };
        if token.kind == "identifier"
            && let Some(keyword) = keyword_kind(slice(self.text, token.start, token.end))
        {
            return keyword;
        }
        if token.kind == "_" {
            // The wildcard of `case _:` is a token of its own.
            return "identifier";
        }
        token.kind
    }

    /// The index of the first token starting at or after `offset`.
    fn first_token_at_or_after(&self, offset: usize) -> usize {
        self.tokens.partition_point(|token| token.start < offset)
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// How a token reads in a message: its text in backticks when short, else what it is.
    fn describe_token(&self, index: usize) -> String {
        let kind = self.kind(index);
        let token_text = self.token_text(index);
        match kind {
            "string_start" | "string_content" | "string_end" | "escape_sequence" => {
                "string".to_string()
            }
            _ if token_text.contains('`') => "backtick".to_string(),
            _ => match short_snippet(token_text) {
                Some(snippet) => format!("`{snippet}`"),
                None if kind == "identifier" => "name".to_string(),
                None => "token".to_string(),
            },
        }
    }

    /// How the token at one end of an operand reads in "between X and Y": its text in
    /// backticks, or "the string" for a quote.
    fn describe_operand(&self, index: usize) -> Option<String> {
        match self.kind(index) {
            "string_start" | "string_end" => Some("the string".to_string()),
            _ => short_snippet(self.token_text(index)).map(|text| format!("`{text}`")),
        }
    }

    /// The tokens from `first` to the end of its logical line, capped at `end`.
    fn logical_line_end(&self, first: usize, end: usize) -> usize {
        let line_end = self
            .logical_line_ends
            .get(first)
            .copied()
            .unwrap_or(first + 1);
        line_end.min(end).max(first + 1)
    }
}

/// The tree-sitter kind of a hard keyword, for an identifier token whose text is one.
fn keyword_kind(text: &str) -> Option<&'static str> {
    const KEYWORDS: &[&str] = &[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
        "yield",
    ];
    match text {
        "True" => Some("true"),
        "False" => Some("false"),
        "None" => Some("none"),
        _ => KEYWORDS.iter().find(|&&keyword| keyword == text).copied(),
    }
}

const CLAUSE_KEYWORDS: &[&str] = &["else", "elif", "except", "finally"];
const COMPOUND_KEYWORDS: &[&str] = &["if", "while", "for", "def", "class", "with", "try", "async"];
const CLOSING_TOKENS: &[&str] = &[")", "]", "}", ",", ";"];

/// Tokens that end an operand (`a`, `1`, `"s"`, `f(x)`, `[1]`), so that another operand right
/// after them is missing a comma or an operator.
fn ends_operand(kind: &str) -> bool {
    matches!(
        kind,
        "identifier"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "ellipsis"
            | "string_end"
            | ")"
            | "]"
            | "}"
    )
}

/// Tokens that begin an operand and cannot continue one: right after an operand they are
/// missing a comma or an operator. `(`, `[`, `-` and `not` are left out, since `f(x)`, `a[1]`,
/// `a - b` and `a not in b` are fine; so are soft keywords, which may start a statement.
fn starts_operand_after_operand(kind: &str) -> bool {
    matches!(
        kind,
        "identifier"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "ellipsis"
            | "string_start"
            | "{"
            | "lambda"
    )
}

/// Binary operators: an operand must follow.
fn is_binary_operator(kind: &str) -> bool {
    matches!(
        kind,
        "+" | "-"
            | "*"
            | "/"
            | "//"
            | "%"
            | "**"
            | "@"
            | "<<"
            | ">>"
            | "&"
            | "|"
            | "^"
            | "<"
            | ">"
            | "<="
            | ">="
            | "=="
            | "!="
            | "<>"
            | "and"
            | "or"
    )
}

/// Tokens that cannot come right after a binary operator.
fn cannot_follow_binary_operator(kind: &str) -> bool {
    matches!(
        kind,
        "*" | "/"
            | "//"
            | "%"
            | "**"
            | "@"
            | "<<"
            | ">>"
            | "&"
            | "|"
            | "^"
            | "<"
            | ">"
            | "<="
            | ">="
            | "=="
            | "!="
            | "="
            | "and"
            | "or"
            | "is"
            | "in"
            | "."
    )
}

fn is_assignment_operator(kind: &str) -> bool {
    matches!(
        kind,
        "=" | "+="
            | "-="
            | "*="
            | "/="
            | "//="
            | "%="
            | "**="
            | "@="
            | "<<="
            | ">>="
            | "&="
            | "|="
            | "^="
            | ":="
    )
}

/// The message for a statement that ends right after `last`, when `last` needs something after
/// it (`x = `, `a +`, `import`), or `None` when ending there is not the problem.
fn expected_after_message(
    context: &DiagnosisContext<'_>,
    last: usize,
    header_first: usize,
) -> Option<String> {
    let kind = context.kind(last);
    let previous_kind = if last > header_first {
        context.kind(last - 1)
    } else {
        ""
    };
    let first_kind = context.kind(header_first);
    let name_after = |what: &str| Some(format!("Expected {what} after `{kind}`"));
    match kind {
        "." => name_after("a name"),
        "import" if first_kind == "from" => name_after("a name"),
        "import" => name_after("a module name"),
        "from" if last == header_first => name_after("a module name"),
        "as" | "global" | "nonlocal" | "def" | "class" => name_after("a name"),
        "for" => name_after("a target"),
        "->" => name_after("a return type"),
        "lambda" => Some("Expected `:` after `lambda`".to_string()),
        ":" if !COMPOUND_KEYWORDS.contains(&first_kind)
            && !CLAUSE_KEYWORDS.contains(&first_kind)
            && (header_first..last).any(|index| {
                context.kind(index) == "lambda"
                    && context.tokens[index].bracket_depth == context.tokens[last].bracket_depth
            }) =>
        {
            name_after("an expression")
        }
        "*" | "**" if previous_kind == "import" => None,
        "else" if last == header_first => None,
        "from" | "if" | "elif" | "while" | "with" | "else" | "in" | "not" | "is" | "assert"
        | "del" | "await" | "~" => name_after("an expression"),
        _ if is_binary_operator(kind) || is_assignment_operator(kind) => {
            name_after("an expression")
        }
        _ => None,
    }
}

/// A clause keyword with no statement to attach to. Often a cascade (the `if` it belongs to
/// lost its `:`), so the message is a generic one.
fn clause_out_of_place(
    context: &DiagnosisContext<'_>,
    span: (usize, usize),
    index: usize,
) -> Option<Candidate> {
    let token = context.tokens.get(index)?;
    Some(Candidate {
        span,
        range: (token.start, token.end),
        message: clause_message(context.kind(index)),
        is_generic: true,
        is_tree_error: false,
    })
}

fn clause_message(keyword: &str) -> String {
    let owners = match keyword {
        "else" => "an `if`, `for`, `while` or `try` block",
        "elif" => "an `if` block",
        _ => "a `try` block",
    };
    format!("`{keyword}` must follow {owners} at the same indentation")
}

/// Whether the parent of an ERROR node separates its items with commas, so that two operands
/// in a row are missing a comma rather than an operator.
fn is_comma_container(kind: &str) -> bool {
    matches!(
        kind,
        "argument_list"
            | "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "parameters"
            | "lambda_parameters"
            | "import_statement"
            | "import_from_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "subscript"
            | "type_parameter"
            | "expression_list"
            | "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
    )
}

/// Picks one message and a tight range for an ERROR node, trying shapes from the most to the
/// least specific:
/// 1. an invalid character (`$`, a NUL byte), a string never closed;
/// 2. a misplaced `else`/`elif`/`except`/`finally`, `else if`;
/// 3. a compound statement header without its `:`;
/// 4. a statement that ends where an operand is needed (`x =`, `a +`, `import`);
/// 5. `=` in a condition, two operators in a row, two operands in a row;
/// 6. a conditional expression without `else`;
/// 7. otherwise the first unexpected token.
fn diagnose_error_site(
    context: &DiagnosisContext<'_>,
    site: &ErrorSite<'_>,
    token_limit: Option<usize>,
) -> Option<Candidate> {
    let node_start = site.node.start_byte();
    let node_end = site.node.end_byte();
    let span = (node_start, node_end.max(node_start));
    let mut first = context.first_token_at_or_after(node_start);
    let mut end = context.first_token_at_or_after(node_end).max(first);
    if let Some(limit) = token_limit {
        end = end.min(limit).max(first);
    }
    // tree-sitter sometimes wraps statements into the ERROR node before the broken part (a
    // whole module can end up inside one ERROR): the mistake is after them. A statement with
    // an error inside reports that error itself (see [`is_statement_in_error`]).
    let mut cursor = site.node.walk();
    let mut skipped_statement_with_error = false;
    for child in site.node.children(&mut cursor) {
        if kind_of(child) == "comment" {
            continue;
        }
        if !is_statement(child) {
            break;
        }
        let after_child = context.first_token_at_or_after(child.end_byte());
        if after_child >= end {
            if child.has_error() || skipped_statement_with_error {
                return None;
            }
            break;
        }
        skipped_statement_with_error |= child.has_error();
        first = after_child;
    }
    // The region this site explains starts at the broken statement.
    let span = (
        context
            .tokens
            .get(first)
            .map_or(span.0, |token| token.start.max(span.0)),
        span.1,
    );
    if let Some(candidate) = diagnose_error_tokens(context, site, span, first, end) {
        return Some(candidate);
    }

    // Nothing specific: the whole logical line when tree-sitter rejected a statement that looks
    // complete, else the first token.
    Some(if first == end {
        Candidate {
            span,
            range: span,
            message: "Invalid syntax".to_string(),
            is_generic: true,
            is_tree_error: false,
        }
    } else {
        let header_end = context.logical_line_end(first, end);
        let last = header_end - 1;
        let line_ends_after_header = context
            .tokens
            .get(header_end)
            .is_none_or(|token| token.starts_logical_line);
        if context.tokens[first].starts_logical_line
            && header_end == end
            && line_ends_after_header
            && last > first
        {
            Candidate {
                span,
                range: (context.tokens[first].start, context.tokens[last].end),
                message: "Invalid syntax".to_string(),
                is_generic: true,
                is_tree_error: false,
            }
        } else {
            let token = &context.tokens[first];
            Candidate {
                span,
                range: (token.start, token.end),
                message: format!("Unexpected {}", context.describe_token(first)),
                is_generic: true,
                is_tree_error: false,
            }
        }
    })
}

/// The specific shapes of [`diagnose_error_site`], over the tokens `first..end`.
fn diagnose_error_tokens(
    context: &DiagnosisContext<'_>,
    site: &ErrorSite<'_>,
    span: (usize, usize),
    first: usize,
    end: usize,
) -> Option<Candidate> {
    let at_token = |index: usize, message: String| {
        let token = &context.tokens[index];
        Some(Candidate {
            span,
            range: (token.start, token.end),
            message,
            is_generic: false,
            is_tree_error: false,
        })
    };
    let at_offset = |offset: usize, message: String| {
        Some(Candidate {
            span,
            range: (offset, offset),
            message,
            is_generic: false,
            is_tree_error: false,
        })
    };

    if first == end {
        return None;
    }

    // 1. Characters the lexer could not read, and strings never closed.
    if let Some(index) = (first..end).find(|&index| context.kind(index) == "ERROR") {
        let token = &context.tokens[index];
        let character = slice(context.text, token.start, token.end)
            .chars()
            .next()
            .unwrap_or('\u{fffd}');
        let message = if character == '\0' {
            "Null bytes are not allowed in source code".to_string()
        } else if character.is_control() || character.is_whitespace() {
            format!("Invalid character U+{:04X}", u32::from(character))
        } else {
            format!("Invalid character `{character}`")
        };
        return Some(Candidate {
            span,
            range: (token.start, token.start + character.len_utf8()),
            message,
            is_generic: false,
            is_tree_error: false,
        });
    }
    if let Some(index) = (first..end).find(|&index| {
        context.kind(index) == "string_start" && context.tokens[index].parent_is_error
    }) {
        let opening = context.token_text(index);
        let message = if opening.ends_with("\"\"\"") || opening.ends_with("'''") {
            "Triple-quoted string is never closed"
        } else {
            "String is never closed"
        };
        return at_token(index, message.to_string());
    }

    if let Some(candidate) = missing_colon_in_parent_header(context, site, span) {
        return Some(candidate);
    }
    if let Some(candidate) = statement_cut_at_line_end(context, site, span, first) {
        return Some(candidate);
    }

    let header_end = context.logical_line_end(first, end);
    let last = header_end - 1;
    let first_kind = context.kind(first);
    let statement_level = context.tokens[first].starts_logical_line;
    let token_after_header = header_end;
    let header_is_at_end = token_after_header >= context.tokens.len()
        || context.tokens[token_after_header].starts_logical_line
        || CLOSING_TOKENS.contains(&context.kind(token_after_header));
    let has_colon = (first..header_end).any(|index| {
        context.kind(index) == ":"
            && context.tokens[index].bracket_depth == context.tokens[first].bracket_depth
    });
    let last_token_end = context.tokens[last].end;

    // 2. Clauses out of place.
    if statement_level && CLAUSE_KEYWORDS.contains(&first_kind) {
        let if_follows_on_same_line = context.kind(first + 1) == "if"
            && context
                .tokens
                .get(first + 1)
                .is_some_and(|token| !token.starts_logical_line);
        if first_kind == "else" && if_follows_on_same_line {
            let if_token = &context.tokens[first + 1];
            return Some(Candidate {
                span,
                range: (context.tokens[first].start, if_token.end),
                message: "Use `elif` instead of `else if`".to_string(),
                is_generic: false,
                is_tree_error: false,
            });
        }
        if !has_colon {
            if last != first
                && let Some(message) = expected_after_message(context, last, first)
            {
                return at_token(last, message);
            }
            return at_offset(last_token_end, "Expected `:`".to_string());
        }
        return clause_out_of_place(context, span, first);
    }
    // 3. Compound statement headers.
    if statement_level && COMPOUND_KEYWORDS.contains(&first_kind) {
        if last != first
            && header_is_at_end
            && let Some(message) = expected_after_message(context, last, first)
        {
            return at_token(last, message);
        }
        let keyword = if first_kind == "async" && first + 1 < header_end {
            first + 1
        } else {
            first
        };
        let keyword_kind = context.kind(keyword);
        if matches!(keyword_kind, "def" | "class") {
            let name = keyword + 1;
            if name >= header_end || context.kind(name) != "identifier" {
                return at_token(keyword, format!("Expected a name after `{keyword_kind}`"));
            }
        }
        if !has_colon {
            return at_offset(last_token_end, "Expected `:`".to_string());
        }
    }
    if let Some(index) = (first + 1..end).find(|&index| {
        let token = &context.tokens[index];
        CLAUSE_KEYWORDS.contains(&context.kind(index))
            && token.starts_logical_line
            && token.parent_is_error
    }) {
        return clause_out_of_place(context, span, index);
    }
    // 4. A statement cut short.
    if header_is_at_end && let Some(message) = expected_after_message(context, last, first) {
        return at_token(last, message);
    }
    if context.kind(last) == ":"
        && CLOSING_TOKENS.contains(&context.kind(token_after_header))
        && !context
            .tokens
            .get(token_after_header)
            .is_some_and(|token| token.starts_logical_line)
    {
        return at_token(last, "Expected an expression after `:`".to_string());
    }

    // 5. Tokens in a row that cannot be.
    if first_kind == "="
        && matches!(
            site.parent_kind,
            "if_statement" | "elif_clause" | "while_statement"
        )
    {
        return at_token(
            first,
            "Unexpected `=`: use `==` to compare or `:=` to assign".to_string(),
        );
    }
    if let Some(index) = (first + 1..header_end).find(|&index| {
        is_binary_operator(context.kind(index - 1))
            && cannot_follow_binary_operator(context.kind(index))
    }) {
        return at_token(
            index,
            format!("Unexpected {}", context.describe_token(index)),
        );
    }
    let pair_end = end.min(context.tokens.len().saturating_sub(1));
    if let Some(second) = (first.max(1)..=pair_end).find(|&index| {
        let (before, after) = (&context.tokens[index - 1], &context.tokens[index]);
        !after.starts_logical_line
            && ends_operand(context.kind(index - 1))
            && starts_operand_after_operand(context.kind(index))
            && !(before.kind == "string_end" && after.kind == "string_start")
    }) {
        let separator = if is_comma_container(site.parent_kind) {
            "`,`"
        } else {
            "`,` or an operator"
        };
        let message = match (
            context.describe_operand(second - 1),
            context.describe_operand(second),
        ) {
            (Some(before), Some(after)) => {
                format!("Expected {separator} between {before} and {after}")
            }
            _ => format!("Expected {separator} between two expressions"),
        };
        return Some(Candidate {
            span,
            range: (context.tokens[second - 1].start, context.tokens[second].end),
            message,
            is_generic: false,
            is_tree_error: false,
        });
    }

    // 6. `a if b` without `else`.
    let depth = context.tokens[first].bracket_depth;
    let at_depth = |index: usize, kind: &str| {
        context.kind(index) == kind && context.tokens[index].bracket_depth == depth
    };
    if header_is_at_end
        && let Some(if_index) = (first + 1..header_end).find(|&index| at_depth(index, "if"))
    {
        let has_for_before = (first..if_index).any(|index| at_depth(index, "for"));
        let has_else_after = (if_index..header_end).any(|index| at_depth(index, "else"));
        if !has_for_before && !has_else_after {
            return at_offset(
                last_token_end,
                "Expected `else` in the conditional expression".to_string(),
            );
        }
    }

    None
}

fn is_compound_kind(kind: &str) -> bool {
    matches!(
        kind,
        "class_definition"
            | "function_definition"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "for_statement"
            | "while_statement"
            | "with_statement"
            | "try_statement"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
    )
}

/// An ERROR inside a compound statement that runs past the end of the statement's first line
/// usually means the header lost its `:` (`class C(object)` then an indented body):
/// "Expected `:`" at the end of the header line.
fn missing_colon_in_parent_header(
    context: &DiagnosisContext<'_>,
    site: &ErrorSite<'_>,
    span: (usize, usize),
) -> Option<Candidate> {
    let header_first = context.first_token_at_or_after(site.enclosing_compound_start?);
    let header_end = context.logical_line_end(header_first, context.tokens.len());
    let site_end = context.first_token_at_or_after(site.node.end_byte());
    if header_first >= header_end || site_end <= header_end {
        return None;
    }
    let depth = context.tokens[header_first].bracket_depth;
    let has_colon = (header_first..header_end)
        .any(|index| context.kind(index) == ":" && context.tokens[index].bracket_depth == depth);
    if has_colon {
        return None;
    }
    let header_line_end = context.tokens[header_end - 1].end;
    Some(Candidate {
        span: (span.0.min(header_line_end), span.1),
        range: (header_line_end, header_line_end),
        message: "Expected `:`".to_string(),
        is_generic: false,
        is_tree_error: false,
    })
}

/// An ERROR that starts a logical line inside a simple statement begun on an earlier line:
/// tree-sitter joined an incomplete line to the next one (`from a.b` then `from c import d`).
fn statement_cut_at_line_end(
    context: &DiagnosisContext<'_>,
    site: &ErrorSite<'_>,
    span: (usize, usize),
    first: usize,
) -> Option<Candidate> {
    let starts_line = context.tokens.get(first)?.starts_logical_line;
    if !starts_line
        || first == 0
        || site.parent_is_statement_container
        || is_compound_kind(site.parent_kind)
    {
        return None;
    }
    let previous = first - 1;
    let line_first = context.logical_line_first(previous);
    let previous_token = &context.tokens[previous];
    if let Some(message) = expected_after_message(context, previous, line_first) {
        return Some(Candidate {
            span: (previous_token.start, span.1),
            range: (previous_token.start, previous_token.end),
            message,
            is_generic: false,
            is_tree_error: false,
        });
    }
    let lacks_import = context.kind(line_first) == "from"
        && !(line_first..first).any(|index| context.kind(index) == "import");
    let message = if lacks_import {
        "Expected `import`"
    } else {
        "Incomplete statement"
    };
    Some(Candidate {
        span: (previous_token.end, span.1),
        range: (previous_token.end, previous_token.end),
        message: message.to_string(),
        is_generic: false,
        is_tree_error: false,
    })
}

fn diagnose_missing_site(context: &DiagnosisContext<'_>, site: &MissingSite) -> Candidate {
    let offset = site.offset.min(context.text.len());
    let span = (offset, offset);
    let previous = context.first_token_at_or_after(offset).checked_sub(1);
    if site.kind == "identifier" {
        if let Some(previous) = previous {
            let header_first = context.logical_line_first(previous);
            if let Some(message) = expected_after_message(context, previous, header_first) {
                let token = &context.tokens[previous];
                return Candidate {
                    span,
                    range: (token.start, token.end),
                    message,
                    is_generic: false,
                    is_tree_error: false,
                };
            }
        }
        return Candidate {
            span,
            range: span,
            message: "Expected a name".to_string(),
            is_generic: false,
            is_tree_error: false,
        };
    }
    let message = match site.kind {
        "_newline" | "newline" => "Expected a new line".to_string(),
        "_indent" | "indent" => "Expected an indented block".to_string(),
        "string_end" => "String is never closed".to_string(),
        kind if site.is_named => {
            let words = kind.trim_start_matches('_').replace('_', " ");
            let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("Expected {article} {words}")
        }
        kind => format!("Expected `{kind}`"),
    };
    Candidate {
        span,
        range: span,
        message,
        is_generic: false,
        is_tree_error: false,
    }
}

// ---------------------------------------------------------------------------------------------
// PEP 696 type-parameter defaults.
// ---------------------------------------------------------------------------------------------

/// Whether a type-parameter list that tree-sitter rejected is a valid PEP 695/696 list:
/// `[` (`*`|`**`)? NAME (`:` bound)? (`=` default)? (`,` ...)* `,`? `]`, with every bound and
/// default re-parsed on its own without an error.
fn type_parameter_list_is_valid_with_defaults(
    context: &DiagnosisContext<'_>,
    list: &TypeParameterList,
) -> bool {
    let first = context.first_token_at_or_after(list.start);
    let end = context.first_token_at_or_after(list.end);
    if end < first + 2 || context.kind(first) != "[" || context.kind(end - 1) != "]" {
        return false;
    }
    let last = end - 1;
    let mut expressions: Vec<(usize, usize, bool)> = Vec::new();
    let mut has_default = false;
    let mut index = first + 1;
    while index < last {
        if matches!(context.kind(index), "*" | "**") {
            index += 1;
        }
        if index >= last || context.kind(index) != "identifier" {
            return false;
        }
        index += 1;
        if context.kind(index) == ":" {
            let expression_end = expression_run_end(context, index + 1, last);
            if expression_end == index + 1 {
                return false;
            }
            expressions.push((index + 1, expression_end, false));
            index = expression_end;
        }
        if context.kind(index) == "=" {
            has_default = true;
            let starred = context.kind(index + 1) == "*";
            let expression_start = if starred { index + 2 } else { index + 1 };
            let expression_end = expression_run_end(context, expression_start, last);
            if expression_end == expression_start {
                return false;
            }
            expressions.push((expression_start, expression_end, starred));
            index = expression_end;
        }
        match context.kind(index) {
            "," => index += 1,
            "]" if index == last => {}
            _ => return false,
        }
    }
    has_default && expressions_parse_cleanly(context, &expressions)
}

/// The end of an expression starting at token `start`: the first `,`, `=`, `:` or the list's
/// closing `]` outside brackets.
fn expression_run_end(context: &DiagnosisContext<'_>, start: usize, last: usize) -> usize {
    let mut depth = 0usize;
    let mut index = start;
    while index < last {
        match context.kind(index) {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                if depth == 0 {
                    return index;
                }
                depth -= 1;
            }
            "," | "=" | ":" if depth == 0 => return index,
            _ => {}
        }
        index += 1;
    }
    index
}

fn expressions_parse_cleanly(
    context: &DiagnosisContext<'_>,
    expressions: &[(usize, usize, bool)],
) -> bool {
    let mut source = String::new();
    for &(start, end, starred) in expressions {
        let expression_text = slice(
            context.text,
            context.tokens[start].start,
            context.tokens[end - 1].end,
        );
        if starred {
            source.push_str(&format!("_ = [*{expression_text}\n]\n"));
        } else {
            source.push_str(&format!("_ = ({expression_text}\n)\n"));
        }
    }
    let mut parser = tree_sitter::Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return false;
    }
    parser
        .parse(&source, None)
        .is_some_and(|tree| !tree.root_node().has_error())
}

// ---------------------------------------------------------------------------------------------
// Indentation.
// ---------------------------------------------------------------------------------------------

/// The indentation width of a line prefix, as CPython counts it: tabs to the next multiple of
/// 8, a form feed resets the count.
fn indentation_width(prefix: &str) -> usize {
    let mut width = 0;
    for character in prefix.chars() {
        match character {
            '\t' => width = (width / 8 + 1) * 8,
            '\x0c' => width = 0,
            '\u{feff}' => {}
            _ => width += 1,
        }
    }
    width
}

/// Replays CPython's indentation stack over the logical lines: tree-sitter-python accepts
/// `    y = 2` under `x = 1`, and a dedent to a column no outer block uses; CPython does not.
///
/// A line may indent one level deeper only after a line ending in `:`. After a line holding
/// tokens tree-sitter could not place, any indentation is accepted: that line's error is the
/// one worth reporting.
fn check_indentation(context: &DiagnosisContext<'_>) -> Vec<Candidate> {
    let mut candidates = Vec::new();
    let mut levels: Vec<usize> = vec![0];
    // The width of the last line reported as a bad dedent: the lines after it at the same
    // width are the same mistake.
    let mut mismatched_width: Option<usize> = None;
    let mut previous_line_is_untrusted = false;
    let mut current_line_is_untrusted = false;
    for (index, token) in context.tokens.iter().enumerate() {
        if !token.starts_logical_line {
            current_line_is_untrusted |= token.in_error_region;
            continue;
        }
        if index > 0 {
            previous_line_is_untrusted = current_line_is_untrusted;
        }
        current_line_is_untrusted = token.in_error_region;
        let line_start = context.line_starts[context.line_of(token.start)];
        let prefix = slice(context.text, line_start, token.start);
        if !prefix
            .chars()
            .all(|c| matches!(c, ' ' | '\t' | '\x0c' | '\u{feff}'))
        {
            continue;
        }
        let width = indentation_width(prefix);
        let follows_colon = index > 0 && context.tokens[index - 1].kind == ":";
        let is_lenient = previous_line_is_untrusted;
        let current = levels.last().copied().unwrap_or(0);
        let range = if line_start < token.start {
            (line_start, token.start)
        } else {
            (token.start, token.end)
        };
        if width > current {
            if !follows_colon && !is_lenient {
                candidates.push(Candidate {
                    span: range,
                    range,
                    message: "Unexpected indentation".to_string(),
                    is_generic: false,
                    is_tree_error: false,
                });
            }
            // Pushing the level keeps the rest of an over-indented run from being reported.
            levels.push(width);
        } else if width < current {
            let kept_levels = levels.iter().filter(|&&level| level <= width).count();
            if levels.get(kept_levels.wrapping_sub(1)) == Some(&width) {
                levels.truncate(kept_levels);
            } else if is_lenient || follows_colon {
                // After a `:` the missing block is reported on the `:` (see [`EmptyBlock`]).
                levels.truncate(kept_levels);
                levels.push(width);
            } else if mismatched_width != Some(width) {
                // The levels are left alone: the lines after this one likely use them.
                mismatched_width = Some(width);
                candidates.push(Candidate {
                    span: range,
                    range,
                    message: "Unindent does not match any outer indentation level".to_string(),
                    is_generic: false,
                    is_tree_error: false,
                });
            }
        }
    }
    candidates
}

// ---------------------------------------------------------------------------------------------
// Assembly.
// ---------------------------------------------------------------------------------------------

/// Drops cascades and orders what is left:
/// - bracket errors are always kept (CPython's tokenizer reports them first);
/// - after a bracket that is never closed, everything is a cascade;
/// - a structural error on the lines of a bracket error, or on the lines of the previous kept
///   structural error, is a cascade;
/// - a generic structural error ("Unexpected `x`", a clause out of place) is kept only on
///   lines no other error touches, and only before any other error;
/// - an ERROR after another error whose lines parse cleanly on their own is a trail of
///   tree-sitter's recovery, not a mistake;
/// - after a triple-quoted string never closed, only the first structural error is kept;
/// - compiler errors (`return` outside a function) are kept only before the first parse error;
/// - Python 2 findings are independent of the rest, except for the unclosed bracket.
fn assemble_errors(
    context: &DiagnosisContext<'_>,
    tokenizer_scan: TokenizerScan,
    mut structural_candidates: Vec<Candidate>,
    compiler_candidates: Vec<Candidate>,
    python2_candidates: Vec<Candidate>,
) -> Vec<SyntaxError> {
    let cutoff = tokenizer_scan.cascade_cutoff.unwrap_or(usize::MAX);
    let mut kept = KeptErrors::new(context);
    let mut last_tokenizer_line: Option<usize> = None;
    for candidate in tokenizer_scan.candidates {
        let line = context.line_of(candidate.range.0);
        if last_tokenizer_line == Some(line) {
            continue;
        }
        last_tokenizer_line = Some(line);
        kept.keep(candidate);
    }

    structural_candidates
        .retain(|candidate| candidate.span.1 <= cutoff && candidate.range.1 <= cutoff);
    structural_candidates.sort_by_key(|candidate| (candidate.span.0, candidate.span.1));
    let (generic_candidates, specific_candidates): (Vec<Candidate>, Vec<Candidate>) =
        structural_candidates
            .into_iter()
            .partition(|candidate| candidate.is_generic);
    let structural_limit = if tokenizer_scan.has_unclosed_triple_quoted_string {
        1
    } else {
        usize::MAX
    };
    let mut structural_count = 0;
    let mut reparse_budget = 200usize;
    let mut last_kept_line: Option<usize> = None;
    for candidate in specific_candidates {
        if structural_count >= structural_limit {
            break;
        }
        let (first_line, last_line) = kept.lines_of(candidate.span);
        if kept.overlaps(first_line, last_line)
            || last_kept_line.is_some_and(|line| first_line <= line)
        {
            continue;
        }
        if candidate.is_tree_error && kept.precedes(candidate.range.0) && reparse_budget > 0 {
            reparse_budget -= 1;
            if lines_parse_cleanly_alone(context, candidate.span) {
                continue;
            }
        }
        last_kept_line = Some(last_line);
        kept.keep(candidate);
        structural_count += 1;
    }
    for candidate in generic_candidates {
        if structural_count >= structural_limit {
            break;
        }
        // tree-sitter's recovery after a mistake often leaves a trail of odd ERROR nodes: a
        // fallback message after another error is most likely one of them.
        let (first_line, last_line) = kept.lines_of(candidate.span);
        if !kept.overlaps(first_line, last_line) && !kept.precedes(candidate.range.0) {
            kept.keep(candidate);
            structural_count += 1;
        }
    }
    // CPython reports these only once the file parses. After a parse error they are often
    // cascades (a `def` that lost its `:` leaves its `return` at module level), so only those
    // before the first parse error are kept.
    for candidate in compiler_candidates {
        let (first_line, last_line) = kept.lines_of(candidate.span);
        if !kept.overlaps(first_line, last_line) && !kept.precedes(candidate.range.1) {
            kept.candidates.push(candidate);
        }
    }
    let mut kept = kept.candidates;
    kept.extend(
        python2_candidates
            .into_iter()
            .filter(|candidate| candidate.span.1 <= cutoff),
    );

    let text_length = context.text.len();
    let mut errors: Vec<SyntaxError> = kept
        .into_iter()
        .map(|candidate| {
            let start = candidate.range.0.min(text_length);
            let end = candidate.range.1.clamp(start, text_length);
            SyntaxError {
                range: TextRange::new(text_size(start), text_size(end)),
                message: candidate.message,
            }
        })
        .collect();
    errors.sort_by_key(|error| (error.range.start(), error.range.end()));
    errors.dedup();
    errors
}

/// The errors kept so far, with the lines they cover, in linear time overall: kept spans
/// barely overlap, so marking and checking their lines costs about one pass over the file.
struct KeptErrors<'a, 'context> {
    context: &'a DiagnosisContext<'context>,
    candidates: Vec<Candidate>,
    covered_lines: Vec<bool>,
    earliest_start: usize,
}

impl<'a, 'context> KeptErrors<'a, 'context> {
    fn new(context: &'a DiagnosisContext<'context>) -> Self {
        KeptErrors {
            context,
            candidates: Vec::new(),
            covered_lines: vec![false; context.line_starts.len()],
            earliest_start: usize::MAX,
        }
    }

    fn lines_of(&self, span: (usize, usize)) -> (usize, usize) {
        (
            self.context.line_of(span.0),
            self.context.line_of(span.1.max(span.0)),
        )
    }

    fn overlaps(&self, first_line: usize, last_line: usize) -> bool {
        self.covered_lines
            .get(first_line..=last_line)
            .is_some_and(|lines| lines.iter().any(|&covered| covered))
    }

    /// Whether a kept error starts before `offset`.
    fn precedes(&self, offset: usize) -> bool {
        self.earliest_start < offset
    }

    fn keep(&mut self, candidate: Candidate) {
        let (first_line, last_line) = self.lines_of(candidate.span);
        if let Some(lines) = self.covered_lines.get_mut(first_line..=last_line) {
            lines.fill(true);
        }
        self.earliest_start = self.earliest_start.min(candidate.range.0);
        self.candidates.push(candidate);
    }
}

/// Whether the whole lines covering `span`, parsed alone, have no error. Indented lines are
/// wrapped into an `if True:` block, and a last line ending in `:` gets a `pass` body.
fn lines_parse_cleanly_alone(context: &DiagnosisContext<'_>, span: (usize, usize)) -> bool {
    let first_line = context.line_of(span.0);
    let last_line = context.line_of(span.1.max(span.0));
    let start = context.line_starts[first_line];
    let end = context
        .line_starts
        .get(last_line + 1)
        .copied()
        .unwrap_or(context.text.len());
    let lines = slice(context.text, start, end).trim_end();
    // A long region is not a stray ERROR of tree-sitter's recovery; parsing it is not worth it.
    if lines.is_empty() || last_line - first_line > 40 || lines.len() > 4_000 {
        return false;
    }
    let mut source = String::new();
    if lines.starts_with([' ', '\t']) {
        source.push_str("if True:\n");
    }
    source.push_str(lines);
    source.push('\n');
    if lines.ends_with(':') {
        let last_line_text = lines.rsplit('\n').next().unwrap_or("");
        let indentation_length = last_line_text.len() - last_line_text.trim_start().len();
        source.push_str(&last_line_text[..indentation_length]);
        source.push_str("    pass\n");
    }
    let mut parser = tree_sitter::Parser::new();
    if parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .is_err()
    {
        return false;
    }
    parser
        .parse(&source, None)
        .is_some_and(|tree| !tree.root_node().has_error())
}

// ---------------------------------------------------------------------------------------------
// Small helpers.
// ---------------------------------------------------------------------------------------------

/// `text[start..end]`, or `""` when the offsets do not fit the text (a tree parsed from a
/// different text must not panic us).
fn slice(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

fn text_size(offset: usize) -> TextSize {
    TextSize::from(u32::try_from(offset).unwrap_or(u32::MAX))
}

/// The text itself when it is short and on one line, for quoting in a message.
fn short_snippet(text: &str) -> Option<&str> {
    let is_short = !text.is_empty() && text.len() <= 32 && !text.contains(['\n', '\r', '`']);
    is_short.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    fn parse(text: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .expect("the Python grammar matches the tree-sitter version");
        parser
            .parse(text, None)
            .expect("parsing without a timeout always returns a tree")
    }

    /// Each error as `(sliced text, message)`.
    fn errors_with_text(text: &str) -> Vec<(String, String)> {
        let tree = parse(text);
        syntax_errors(&tree, text)
            .into_iter()
            .map(|error| {
                let sliced = text[usize::from(error.range.start())..usize::from(error.range.end())]
                    .to_string();
                (sliced, error.message)
            })
            .collect()
    }

    fn render(text: &str) -> String {
        let tree = parse(text);
        let index = line_index::LineIndex::new(text);
        let mut rendered = String::new();
        for error in syntax_errors(&tree, text) {
            let start = index.line_col(error.range.start());
            let end = index.line_col(error.range.end());
            rendered.push_str(&format!(
                "{}:{}..{}:{} {}\n",
                start.line + 1,
                start.col + 1,
                end.line + 1,
                end.col + 1,
                error.message
            ));
        }
        rendered
    }

    fn check(text: &str, expect: Expect) {
        expect.assert_eq(&render(text));
    }

    /// The sliced text of each error's range.
    fn flagged_texts(text: &str) -> Vec<String> {
        errors_with_text(text)
            .into_iter()
            .map(|(sliced, _)| sliced)
            .collect()
    }

    #[test]
    fn print_statements_are_flagged_on_the_keyword() {
        let text = "print \"x\"\nprint x, y\nprint >>f, x\n";
        let errors = errors_with_text(text);
        assert_eq!(errors.len(), 3, "{errors:?}");
        for (sliced, message) in &errors {
            assert_eq!(sliced, "print");
            assert_eq!(
                message,
                "`print` is a function in Python 3: use `print(...)`"
            );
        }
    }

    #[test]
    fn exec_statement_is_flagged_on_the_keyword() {
        assert_eq!(
            errors_with_text("exec \"code\" in scope\n"),
            vec![(
                "exec".to_string(),
                "`exec` is a function in Python 3: use `exec(...)`".to_string()
            )]
        );
    }

    #[test]
    fn backticks_are_flagged_over_the_whole_expression() {
        assert_eq!(
            errors_with_text("x = `y` + 'a'\n"),
            vec![(
                "`y`".to_string(),
                "Backticks were removed in Python 3: use `repr(...)`".to_string()
            )]
        );
    }

    #[test]
    fn not_equal_diamond_is_flagged_on_the_operator() {
        assert_eq!(
            errors_with_text("if a <> b:\n    pass\n"),
            vec![(
                "<>".to_string(),
                "`<>` was removed in Python 3: use `!=`".to_string()
            )]
        );
    }

    #[test]
    fn except_comma_binding_is_flagged_from_the_comma() {
        let text =
            "try:\n    pass\nexcept ValueError, error:\n    pass\nexcept (A, B), e:\n    pass\n";
        assert_eq!(
            errors_with_text(text),
            vec![
                (
                    ", error".to_string(),
                    "`except ValueError, error:` is Python 2 syntax: use `except ValueError as error:`".to_string()
                ),
                (
                    ", e".to_string(),
                    "`except (A, B), e:` is Python 2 syntax: use `except (A, B) as e:`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn raise_with_comma_is_flagged_over_the_expression_list() {
        assert_eq!(
            errors_with_text("raise ValueError, \"bad\"\nraise E, v, tb\n"),
            vec![
                (
                    "ValueError, \"bad\"".to_string(),
                    "`raise ValueError, \"bad\"` is Python 2 syntax: use `raise ValueError(\"bad\")`".to_string()
                ),
                (
                    "E, v, tb".to_string(),
                    "`raise E, v, tb` is Python 2 syntax: use `raise E(v).with_traceback(tb)`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn python2_integer_literals_are_flagged() {
        let text = "a = 0777\nb = 08\nc = 10L\nd = 0777L\ne = 0x1FL\n";
        check(
            text,
            expect![[r#"
                1:5..1:9 `0777` is a Python 2 octal literal: use `0o777`
                2:5..2:7 Leading zeros are not allowed in decimal integers: use `8`
                3:5..3:8 `10L` is a Python 2 long integer: use `10`
                4:5..4:10 `0777L` is a Python 2 long integer: use `0o777`
                5:5..5:10 `0x1FL` is a Python 2 long integer: use `0x1F`
            "#]],
        );
        assert_eq!(
            flagged_texts(text),
            vec!["0777", "08", "10L", "0777L", "0x1FL"]
        );
    }

    #[test]
    fn unicode_raw_prefix_is_flagged_on_the_prefix() {
        let text = "a = ur'x'\nb = UR'x'\nc = Ur\"x\"\nd = uR'''x'''\n";
        assert_eq!(flagged_texts(text), vec!["ur", "UR", "Ur", "uR"]);
        assert_eq!(
            errors_with_text("a = ur'x'\n")[0].1,
            "The `ur` prefix is not allowed in Python 3: use `r` (strings are Unicode already)"
        );
    }

    #[test]
    fn python3_counterparts_are_not_flagged() {
        let text = r#"
print(x)
print(x, file=sys.stderr)
print (x), y
print
exec(code)
a = 0
b = 00
c = 0o777
d = 0x1F
e = 0_0 + 0b101 + 0e5 + 0.5 + 0777j + 09.5 + 1_000
f = rb"" + br"" + Rb"" + f"{a!r:>{w}} {{x}}" + rf"" + u"" + r"" + b"" + t"{a}"
try:
    pass
except (A, B) as e:
    raise E("m")
except ValueError:
    raise E from e
except* OSError as group:
    pass
if a != b:
    pass
# print "comment", `x`, 0777, a <> b, ur"x"
s = "print 'x'; exec 'y'; `z` 0777 <>"
"#;
        assert_eq!(errors_with_text(text), Vec::new());
    }

    #[test]
    fn python2_checks_ignore_comments_and_strings() {
        let text = "x = 1  # print 'x'  `y`  0777  a <> b  raise E, 'm'\ny = '''\nprint 'x'\nexcept E, e:\n'''\n";
        assert_eq!(errors_with_text(text), Vec::new());
    }

    #[test]
    fn type_parameter_defaults_are_not_flagged_but_other_errors_are() {
        let text = r#"
def f[T = int, *Ts = *tuple[int, str], **P = [int, str]](): pass
class C[T: int = str, U = dict[str, int], V = int | None]: pass
class D[*Ts = tuple[int]]: pass
type A[T = int] = list[T]
x = (1 2)
"#;
        check(
            text,
            expect![[r#"
            6:6..6:9 Expected `,` or an operator between `1` and `2`
        "#]],
        );
    }

    #[test]
    fn broken_type_parameter_default_is_still_flagged() {
        check(
            "class C[T =]: pass\ndef f[T = 1 +](): pass\n",
            expect![[r#"
            1:11..1:12 Expected an expression after `=`
            2:13..2:14 Expected an expression after `+`
        "#]],
        );
    }

    #[test]
    fn unclosed_bracket_points_at_the_bracket() {
        assert_eq!(
            errors_with_text("x = foo(1, 2\ny = 3\nz = [4, 5]\n"),
            vec![("(".to_string(), "`(` was never closed".to_string())]
        );
        assert_eq!(
            errors_with_text("items = [\n    1,\n    2,\n"),
            vec![("[".to_string(), "`[` was never closed".to_string())]
        );
    }

    #[test]
    fn mismatched_and_stray_closers_point_at_the_closer() {
        assert_eq!(
            errors_with_text("x = 1)\n"),
            vec![(")".to_string(), "Unmatched `)`".to_string())]
        );
        assert_eq!(
            errors_with_text("x = [1, 2)\ny = f(a, [b)\n"),
            vec![
                (
                    ")".to_string(),
                    "`)` does not match the opening `[`".to_string()
                ),
                (
                    ")".to_string(),
                    "`)` does not match the opening `[`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn missing_colon_is_a_zero_width_error_after_the_header() {
        let text = "if ready\n    go()\n";
        let tree = parse(text);
        let errors = syntax_errors(&tree, text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "Expected `:`");
        assert_eq!(errors[0].range, TextRange::empty(TextSize::from(8)));
        check(
            "def f()\n    return 1\nclass C\n    pass\nfor x in y\n    pass\n",
            expect![[r#"
                1:8..1:8 Expected `:`
            "#]],
        );
    }

    #[test]
    fn missing_name_after_keyword_and_missing_expression() {
        check(
            "x = [i for i in]\nfrom os import\n",
            expect![[r#"
            1:14..1:16 Expected an expression after `in`
            2:9..2:15 Expected a name after `import`
        "#]],
        );
    }

    #[test]
    fn incomplete_assignment_at_end_of_file_points_at_the_operator() {
        assert_eq!(
            errors_with_text("x ="),
            vec![(
                "=".to_string(),
                "Expected an expression after `=`".to_string()
            )]
        );
    }

    #[test]
    fn deeply_nested_brackets_do_not_overflow_the_stack() {
        let unclosed = "(".repeat(5_000);
        let errors = errors_with_text(&unclosed);
        assert_eq!(
            errors,
            vec![("(".to_string(), "`(` was never closed".to_string())]
        );
        assert_eq!(
            syntax_errors(&parse(&unclosed), &unclosed)[0].range.start(),
            TextSize::from(4_999)
        );

        let balanced = format!("x = {}1{}\n", "(".repeat(5_000), ")".repeat(5_000));
        assert_eq!(errors_with_text(&balanced), Vec::new());

        let nested_lists = format!("x = {}\n", "[".repeat(5_000));
        assert_eq!(errors_with_text(&nested_lists).len(), 1);
    }

    #[test]
    fn empty_and_blank_files_have_no_errors() {
        assert_eq!(errors_with_text(""), Vec::new());
        assert_eq!(errors_with_text("\n\n   \n# only a comment\n"), Vec::new());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let huge_line = format!("x = [{}]\n", "1, ".repeat(50_000));
        let statements_on_one_line = format!("{}\n", "a = 1; ".repeat(20_000));
        let indented_semicolons =
            format!("{}b = 1;{}\n", " ".repeat(10_000), " c = 2;".repeat(10_000));
        let inputs = [
            "\0".to_string(),
            "x = \0\0\0 + \u{fffd}\u{fffd}\n".to_string(),
            "\u{feff}x = 1\n".to_string(),
            "def f(\n\t\x0c  x\r\n):\r\n\tpass\r\n".to_string(),
            "'".to_string(),
            "\"\"\"".to_string(),
            "f'{'".to_string(),
            "\\".to_string(),
            ")]}".repeat(100),
            "else".to_string(),
            huge_line,
            statements_on_one_line,
            indented_semicolons,
        ];
        for text in &inputs {
            let errors = syntax_errors(&parse(text), text);
            for error in &errors {
                assert!(usize::from(error.range.end()) <= text.len());
                assert!(!error.message.is_empty() && !error.message.ends_with('.'));
            }
        }
        assert_eq!(errors_with_text(&inputs[10]), Vec::new());
        assert_eq!(errors_with_text(&inputs[11]), Vec::new());
    }

    #[test]
    fn a_tree_from_another_text_does_not_panic() {
        let tree = parse("def f(:\n    x = (1, 2\n    print 'é'\n");
        for text in ["", "x", "é", "def"] {
            let errors = syntax_errors(&tree, text);
            for error in errors {
                assert!(usize::from(error.range.end()) <= text.len());
            }
        }
    }

    #[test]
    fn bad_indentation_is_flagged_on_the_leading_whitespace() {
        check(
            "  x = 1\ndef f():\n    a = 1\n        b = 2\n    c = 3\n  d = 4\n",
            expect![[r#"
                1:1..1:3 Unexpected indentation
                4:1..4:9 Unexpected indentation
                6:1..6:3 Unindent does not match any outer indentation level
            "#]],
        );
    }

    #[test]
    fn valid_indentation_is_not_flagged() {
        let text = "if a:\n\tx = 1\n\tif b:\n\t\ty = 2\n\telse: z = 3\nx = (1,\n        2)\ny = 1 + \\\n    2\n@dec\nclass C:\n    '''Doc.'''\n\n    def f(self): return 1\n    # comment at a strange indentation\n  # another\n    def g(self):\n        pass\n";
        assert_eq!(errors_with_text(text), Vec::new());
    }

    #[test]
    fn empty_block_is_flagged_on_the_colon() {
        assert_eq!(
            errors_with_text("if x:\npass\n"),
            vec![(
                ":".to_string(),
                "Expected an indented block after `if`".to_string()
            )]
        );
        assert_eq!(
            errors_with_text("def f():\n"),
            vec![(
                ":".to_string(),
                "Expected an indented block after `def`".to_string()
            )]
        );
    }

    #[test]
    fn typical_typos_get_one_error_each() {
        let typos = [
            "x = (1, 2\n",
            "x = [1, 2\ny = 3\n",
            "def f(:\n    pass\n",
            "if x\n    pass\n",
            "x = 1)\n",
            "x = \n",
            "x = = 2\n",
            "foo(\n",
            "x = 1 +\n",
            "for x in y\n    pass\n",
            "def f():\n        x = 1\n    y = 2\n",
            "x = [1, 2)\n",
            "def f(x y): pass\n",
            "import\n",
            "while True print(1)\n",
            "@\n",
            "x = 1 2\n",
            "lambda: \n",
            "else:\n    pass\n",
            "x = \"abc\n",
            "x = '''abc\n",
            "x = 1 if y\n",
            "def (): pass\n",
            "x.\n",
            "def f(x):\n    return x +\ny = 2\n",
            "if x:\n    y = 1\n  else:\n    pass\n",
            "f(a b)\n",
            "if x = 1:\n    pass\n",
            "def f(x=):\n    pass\n",
            "x = {1: }\n",
            "if a:\n    pass\nelse if x:\n    pass\n",
            "return x y\n",
            "a = 1 +* 2\n",
            "foo bar baz\n",
            "if x:\n    pass\n    else:\n        pass\n",
            "x = 1\0\n",
            "x = 1 $ 2\n",
            "a = 1;; b = 2\n",
        ];
        let mut rendered = String::new();
        for text in typos {
            let errors = errors_with_text(text);
            assert_eq!(errors.len(), 1, "{text:?} gave {errors:?}");
            let (sliced, message) = &errors[0];
            rendered.push_str(&format!("{text:?} -> {sliced:?}: {message}\n"));
        }
        expect![[r#"
            "x = (1, 2\n" -> "(": `(` was never closed
            "x = [1, 2\ny = 3\n" -> "[": `[` was never closed
            "def f(:\n    pass\n" -> "(": `(` was never closed
            "if x\n    pass\n" -> "": Expected `:`
            "x = 1)\n" -> ")": Unmatched `)`
            "x = \n" -> "=": Expected an expression after `=`
            "x = = 2\n" -> "=": Unexpected `=`
            "foo(\n" -> "(": `(` was never closed
            "x = 1 +\n" -> "+": Expected an expression after `+`
            "for x in y\n    pass\n" -> "": Expected `:`
            "def f():\n        x = 1\n    y = 2\n" -> "    ": Unindent does not match any outer indentation level
            "x = [1, 2)\n" -> ")": `)` does not match the opening `[`
            "def f(x y): pass\n" -> "x y": Expected `,` between `x` and `y`
            "import\n" -> "import": Expected a module name after `import`
            "while True print(1)\n" -> "": Expected `:`
            "@\n" -> "@": Expected an expression after `@`
            "x = 1 2\n" -> "1 2": Expected `,` or an operator between `1` and `2`
            "lambda: \n" -> ":": Expected an expression after `:`
            "else:\n    pass\n" -> "else": `else` must follow an `if`, `for`, `while` or `try` block at the same indentation
            "x = \"abc\n" -> "\"": String is never closed
            "x = '''abc\n" -> "'''": Triple-quoted string is never closed
            "x = 1 if y\n" -> "": Expected `else` in the conditional expression
            "def (): pass\n" -> "def": Expected a name after `def`
            "x.\n" -> ".": Expected a name after `.`
            "def f(x):\n    return x +\ny = 2\n" -> "+": Expected an expression after `+`
            "if x:\n    y = 1\n  else:\n    pass\n" -> "  ": Unindent does not match any outer indentation level
            "f(a b)\n" -> "a b": Expected `,` between `a` and `b`
            "if x = 1:\n    pass\n" -> "=": Unexpected `=`: use `==` to compare or `:=` to assign
            "def f(x=):\n    pass\n" -> "=": Expected an expression after `=`
            "x = {1: }\n" -> ":": Expected an expression after `:`
            "if a:\n    pass\nelse if x:\n    pass\n" -> "else if": Use `elif` instead of `else if`
            "return x y\n" -> "x y": Expected `,` or an operator between `x` and `y`
            "a = 1 +* 2\n" -> "*": Unexpected `*`
            "foo bar baz\n" -> "foo bar": Expected `,` or an operator between `foo` and `bar`
            "if x:\n    pass\n    else:\n        pass\n" -> "else": `else` must follow an `if`, `for`, `while` or `try` block at the same indentation
            "x = 1\0\n" -> "\0": Null bytes are not allowed in source code
            "x = 1 $ 2\n" -> "$": Invalid character `$`
            "a = 1;; b = 2\n" -> ";": Unexpected `;`
        "#]].assert_eq(&rendered);
    }

    #[test]
    fn several_mistakes_in_one_file() {
        check(
            r#"import os
print "starting"

def load(path)
    with open(path) as f:
        return f.read(

def save(path, data):
    if data = None:
        return
    value = 0777
"#,
            expect![[r#"
                2:1..2:6 `print` is a function in Python 3: use `print(...)`
                4:15..4:15 Expected `:`
                6:22..6:23 `(` was never closed
            "#]],
        );
        check(
            r#"class Config:
    def __init__(self, name):
        self.name = name
      self.size = 10

    def describe(self)
        return "config " + self.name +

items = [1, 2 3]
try:
    run()
except OSError, e:
    raise RuntimeError, "failed"
total = sum(items))
"#,
            expect![[r#"
                4:1..4:7 Unindent does not match any outer indentation level
                6:23..6:23 Expected `:`
                9:13..9:16 Expected `,` between `2` and `3`
                12:15..12:18 `except OSError, e:` is Python 2 syntax: use `except OSError as e:`
                13:11..13:33 `raise RuntimeError, "failed"` is Python 2 syntax: use `raise RuntimeError("failed")`
                14:19..14:20 Unmatched `)`
            "#]],
        );
    }

    #[test]
    fn argument_and_parameter_order_is_checked() {
        check(
            "f(a=1, b)\nf(**k, b)\nf(**k, *a)\ndef g(a=1, b): pass\nh = lambda a=1, b: 0\n",
            expect![[r#"
                1:8..1:9 Positional argument follows keyword argument
                2:8..2:9 Positional argument follows keyword argument unpacking
                3:8..3:10 Iterable argument unpacking follows keyword argument unpacking
                4:12..4:13 Parameter without a default follows parameter with a default
                5:17..5:18 Parameter without a default follows parameter with a default
            "#]],
        );
        let valid = "f(a, *b, c=1, **d)\nf(a=1, *b)\nf(x for x in y)\ndef g(a, b=1, *args, c, d=2, **kw): pass\ndef h(a=1, /, b=2, *, c): pass\ndef i(a=1, *args: int, b, **kw: str): pass\n";
        assert_eq!(errors_with_text(valid), Vec::new());
    }

    #[test]
    fn keywords_out_of_place_are_flagged() {
        check(
            "return 1\nyield 2\nbreak\nfor x in y:\n    pass\nelse:\n    continue\nclass C:\n    return 3\n",
            expect![[r#"
                1:1..1:7 `return` outside of a function
                2:1..2:6 `yield` outside of a function
                3:1..3:6 `break` outside of a loop
                7:5..7:13 `continue` outside of a loop
                9:5..9:11 `return` outside of a function
            "#]],
        );
        let valid = "def f():\n    return 1\n\ndef g():\n    yield 2\n\nh = lambda: (yield)\nfor x in y:\n    if x:\n        break\n    try:\n        pass\n    finally:\n        continue\nwhile True:\n    def inner():\n        return\n    break\n";
        assert_eq!(errors_with_text(valid), Vec::new());
    }

    #[test]
    fn a_line_ending_with_an_operator_is_flagged_even_when_tree_sitter_joins_it() {
        check(
            "x = 1 +\n2\nclass A:\n    compatible = \n    y = 1\nimport a.\nb = 2\n",
            expect![[r#"
                1:7..1:8 Expected an expression after `+`
                4:16..4:17 Expected an expression after `=`
                6:9..6:10 Expected a name after `.`
            "#]],
        );
    }

    #[test]
    fn statements_jammed_on_one_line_are_flagged() {
        check(
            "import a  b\n\"\"\"Doc.\"\"\" x = 1\n",
            expect![[r#"
                1:8..1:12 Expected `,` between `a` and `b`
                2:8..2:13 Expected `,` or an operator between the string and `x`
            "#]],
        );
        assert_eq!(
            errors_with_text("x = 1; y = 2\nif x: pass\nclass C: pass\n"),
            Vec::new()
        );
    }

    #[test]
    fn annotation_in_a_chained_assignment_is_flagged() {
        assert_eq!(
            errors_with_text("x = protocol:l\n"),
            vec![(
                ":".to_string(),
                "Only a single assignment target can have an annotation".to_string()
            )]
        );
        assert_eq!(errors_with_text("x: int = 1\ny = z = 2\n"), Vec::new());
    }

    #[test]
    fn missing_colon_after_a_header_is_found_through_tree_sitter_recovery() {
        check(
            "class Tracker(object)\n\n    def __init__(self):\n        self.lock = None\n",
            expect![[r#"
                1:22..1:22 Expected `:`
            "#]],
        );
        check(
            "try:\n    import a\nexcept ImportError\n    # Bootstrapping.\n    def _(s): return s\n",
            expect![[r#"
                3:19..3:19 Expected `:`
            "#]],
        );
        check(
            "from a.b\nfrom c import d\n",
            expect![[r#"
            1:9..1:9 Expected `import`
        "#]],
        );
    }

    #[test]
    fn a_broken_docstring_does_not_flood_the_file() {
        let text = "\"\"Module docstring with `code` and print \"x\".\n\nMore prose, (with brackets.\n\"\"\"\n\nimport os\n\n\ndef f():\n    \"\"\"Docstring.\"\"\"\n    return os\n";
        let errors = errors_with_text(text);
        assert!(errors.len() <= 2, "{errors:?}");
        assert!(
            errors
                .iter()
                .any(|(_, message)| message == "Triple-quoted string is never closed"),
            "{errors:?}"
        );
    }

    #[test]
    fn one_bad_dedent_is_one_error() {
        check(
            "def f():\n    if x:\n        a = 1\n      b = 2\n        c = 3\n    return a\n",
            expect![[r#"
                4:1..4:7 Unindent does not match any outer indentation level
            "#]],
        );
        check(
            "class A:\n    x = 1\n NotFound(Base):\n    code = 1\n\n\nclass B(Base):\n    code = 2\n\n\nclass C(Base):\n    code = 3\n",
            expect![[r#"
                3:1..3:2 Unindent does not match any outer indentation level
            "#]],
        );
    }

    #[test]
    fn unclosed_strings_are_tokenizer_errors() {
        check(
            "x = 'abc\ny = (1, 2)\nz = \"\"\"never\nclosed (\n",
            expect![[r#"
            1:5..1:6 String is never closed
            3:5..3:8 Triple-quoted string is never closed
        "#]],
        );
    }

    #[test]
    fn modern_python_is_not_flagged() {
        let text = r#"
match command.split():
    case [action]:
        pass
    case Point(x=0, y=0) | {"x": 0, **rest}:
        pass
    case _:
        pass
type Alias = list[int]
def identity[T](x: T) -> T: return x
class Box[T: int, *Ts, **P]: ...
async def run():
    async with a as b, c as d:
        await x
    async for i in y:
        yield i
    return [i async for i in y]
x = f"{a!r:>{width}} {b=} {'nested'}"
print(*args, sep="", **kw)
handler = lambda *a, **k: 0
def positional(a, /, b, *, c): ...
with (open(a) as f, open(b) as g):
    pass
if (n := len(a)) > 10: pass
declared: int
merged = [*a, *b], {**a, "k": 1}
del x, y
assert x, "message"
try:
    pass
except* ValueError:
    pass
@decorator.attr(arg)
class D: ...
value = ...
"#;
        assert_eq!(errors_with_text(text), Vec::new());
    }

    #[test]
    fn print_statement_joined_to_a_broken_line_is_still_flagged() {
        check(
            "def broken(x)  # comment\n    return x +  # comment\n\n\nprint \"hello\"  # comment\n",
            expect![[r#"
                1:14..1:14 Expected `:`
                2:14..2:15 Expected an expression after `+`
                5:1..5:6 `print` is a function in Python 3: use `print(...)`
            "#]],
        );
        let prose = errors_with_text("\"\"Docstring broken.\nprint the value\n\"\"\"\n");
        assert!(
            !prose.iter().any(|(_, message)| message.contains("print")),
            "{prose:?}"
        );
    }
}
