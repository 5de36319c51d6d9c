//! What a rule sees: the file's syntax and index, every run of its scopes (context-free
//! and call-specialised) with their recorded operations and calls, and helpers to
//! judge guards (`try`/`except`) and to report findings once.

use crate::index::{child_by_field, kind_of};
use line_index::{TextRange, TextSize};
use rustc_hash::FxHashMap;
use smol_str::SmolStr;
use tree_sitter::Node;

use super::navigation::TreeNavigator;
use super::{Finding, Related, Tally};
use crate::config::Confidence;
use crate::db::Db;
use crate::index::{FileIndex, ScopeId, ScopeKind, file_index};
use crate::infer::{CallSite, Operation, ScopeInference, infer_scope, specialised_call};
use crate::input::SourceFile;
use crate::parse::{ParsedFile, parse};
use crate::values::{Origin, Union, Value};

/// At most this many runs are examined per file (specialised runs multiply quickly).
const MAX_RUNS: usize = 4_000;

/// One interpretation of a scope of the file.
pub struct Run<'db> {
    pub scope: ScopeId,
    pub inference: &'db ScopeInference,
    /// For a specialised run: the call (in this file) whose arguments it used, and how
    /// deep that call nests in other specialised runs.
    pub call: Option<(TextRange, u8)>,
    /// Whether everything the run starts from is known: module and class bodies,
    /// functions without parameters, and calls with known arguments made from such runs.
    /// A problem on some branch of a run whose inputs are unknown depends on those inputs
    /// (is that branch ever taken?), so it is only possible.
    pub known_inputs: bool,
}

pub struct RuleContext<'db> {
    pub db: &'db dyn Db,
    pub file: SourceFile,
    pub text: &'db str,
    pub index: &'db FileIndex,
    parsed: &'db ParsedFile,
    runs: Vec<Run<'db>>,
    /// The runs whose inputs are known, by scope and specialising call.
    known_runs: rustc_hash::FxHashSet<(ScopeId, Option<TextRange>)>,
    /// Findings by (rule, range): the most confident one wins.
    findings: FxHashMap<(SmolStr, TextRange), Finding>,
    /// Parents and nodes by range in constant time. (Built eagerly: a lazy cell would
    /// make the context invariant over `'db`.)
    navigator: TreeNavigator<'db>,
}

impl<'db> RuleContext<'db> {
    pub fn new(db: &'db dyn Db, file: SourceFile) -> RuleContext<'db> {
        let index = file_index(db, file);
        let mut runs: Vec<Run<'db>> = Vec::new();
        for (id, scope) in index.scopes.iter().enumerate() {
            if scope.kind == ScopeKind::Comprehension {
                // Comprehensions run inline in the scope that contains them.
                continue;
            }
            let scope = ScopeId(id as u32);
            runs.push(Run {
                scope,
                inference: infer_scope(db, file, scope),
                call: None,
                known_inputs: starts_known(index, scope),
            });
        }
        // A function called without arguments from code with known inputs runs with its
        // defaults: its own run starts from known values too (`if __name__ == "__main__":
        // main()`).
        loop {
            let called: Vec<ScopeId> = runs
                .iter()
                .filter(|run| run.known_inputs)
                .flat_map(|run| &run.inference.calls)
                .filter(|call| call.positional.is_empty() && call.keywords.is_empty())
                .flat_map(|call| call.callee.values())
                .filter_map(|value| match value {
                    Value::Function(function) => crate::infer::function_scope(db, function),
                    _ => None,
                })
                .filter(|&(callee_file, _)| callee_file == file)
                .map(|(_, scope)| scope)
                .collect();
            let mut changed = false;
            for run in &mut runs {
                if !run.known_inputs && called.contains(&run.scope) {
                    run.known_inputs = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // Specialised runs of this file's functions, breadth first.
        let mut next = 0;
        while next < runs.len() && runs.len() < MAX_RUNS {
            let depth = runs[next].call.map_or(0, |(_, depth)| depth + 1);
            let inference = runs[next].inference;
            let parent_known = runs[next].known_inputs;
            next += 1;
            for call in inference.calls.iter().chain(&inference.round_calls) {
                for value in call.callee.values() {
                    let function = match value {
                        Value::Function(function) | Value::BoundMethod { function, .. } => function,
                        _ => continue,
                    };
                    if function.file() != file {
                        continue;
                    }
                    if let Some((_, scope, inference)) = specialised_call(db, function, call, depth)
                    {
                        let range = call.range();
                        runs.push(Run {
                            scope,
                            inference,
                            call: Some((range, depth)),
                            known_inputs: parent_known && arguments_known(call),
                        });
                    }
                }
            }
        }
        let parsed = parse(db, file);
        let known_runs = runs
            .iter()
            .filter(|run| run.known_inputs)
            .map(|run| (run.scope, run.call.map(|(call, _)| call)))
            .collect();
        RuleContext {
            db,
            file,
            text: file.text(db),
            index,
            parsed,
            runs,
            known_runs,
            findings: FxHashMap::default(),
            navigator: if db.node_tables() {
                TreeNavigator::new(parsed.nodes())
            } else {
                TreeNavigator::with_own_table(parsed.root())
            },
        }
    }

    /// The parent of `node`, in time that does not grow with the file (see
    /// [`TreeNavigator`]). Rules use it instead of `Node::parent`.
    pub fn parent(&self, node: Node<'db>) -> Option<Node<'db>> {
        self.navigator.parent(node)
    }

    /// The sibling just before `node`, named or not (see [`TreeNavigator`]).
    pub fn previous_sibling(&self, node: Node<'db>) -> Option<Node<'db>> {
        self.navigator.previous_sibling(node)
    }

    /// The ancestors of `node`, nearest first, at most
    /// [`MAX_ANCESTOR_STEPS`](super::navigation::MAX_ANCESTOR_STEPS) of them.
    pub fn ancestors(&self, node: Node<'db>) -> impl Iterator<Item = Node<'db>> + '_ {
        // Walks start from every name and operation: a newer edit stops them here.
        self.db.unwind_if_revision_cancelled();
        self.navigator.ancestors(node)
    }

    pub fn runs(&self) -> &[Run<'db>] {
        &self.runs
    }

    /// Every recorded operation of every run.
    pub fn operations(&self) -> impl Iterator<Item = (&Run<'db>, &'db Operation)> {
        self.runs
            .iter()
            .flat_map(|run| run.inference.operations.iter().map(move |op| (run, op)))
    }

    /// Every call of every run, the earlier rounds of unrolled loops included (one call
    /// expression may appear once per distinct argument list).
    pub fn calls(&self) -> impl Iterator<Item = (&Run<'db>, &'db CallSite)> {
        self.runs.iter().flat_map(|run| {
            run.inference
                .calls
                .iter()
                .chain(&run.inference.round_calls)
                .map(move |call| (run, call))
        })
    }

    pub fn root(&self) -> Node<'db> {
        self.parsed.root()
    }

    /// Every node of the file, root first, in source order: what
    /// `descendants(context.root())` yields, from the walk the navigator already made.
    pub fn nodes(&self) -> crate::rules::navigation::Nodes<'db> {
        self.navigator.nodes()
    }

    /// `node` and its descendants in source order, from the navigator's walk (`None` for
    /// a node of another tree).
    pub fn subtree(&self, node: Node<'db>) -> Option<&[Node<'db>]> {
        self.navigator.subtree(node)
    }

    /// The smallest node spanning exactly `range`, if there is one.
    pub fn node(&self, range: TextRange) -> Option<Node<'db>> {
        self.db.unwind_if_revision_cancelled();
        self.navigator
            .node_at(usize::from(range.start()), usize::from(range.end()))
    }

    pub fn slice(&self, range: TextRange) -> &'db str {
        self.text
            .get(usize::from(range.start())..usize::from(range.end()))
            .unwrap_or("")
    }

    /// The child of `node` in grammar field `name` (`Node::child_by_field_name`), from
    /// the tree's node table.
    pub fn field(&self, node: Node<'db>, name: &str) -> Option<Node<'db>> {
        crate::parse::node_table(self.db, self.parsed).child_by_field(node, name)
    }

    pub fn node_text(&self, node: Node<'_>) -> &'db str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// 1-based line of an offset in this file.
    pub fn line_of(&self, offset: TextSize) -> usize {
        let offset = offset.min(TextSize::of(self.text));
        crate::ide::line_index(self.db, self.file)
            .line_col(offset)
            .line as usize
            + 1
    }

    /// Whether a `try` around `range` (in the same function) catches `exception`,
    /// directly or through a base class (`LookupError`, `Exception`, bare `except:`).
    pub fn is_caught(&self, range: TextRange, exception: &str) -> bool {
        let Some(mut node) = self.node(range).or_else(|| {
            self.root()
                .descendant_for_byte_range(range.start().into(), range.end().into())
        }) else {
            return false;
        };
        for parent in self.ancestors(node) {
            match kind_of(parent) {
                "function_definition" | "lambda" | "class_definition" => return false,
                "try_statement" => {
                    let in_body =
                        child_by_field(parent, "body").is_some_and(|body| body.id() == node.id());
                    if in_body && try_catches(self, parent, exception) {
                        return true;
                    }
                }
                _ => {}
            }
            node = parent;
        }
        false
    }

    /// Whether the run that saw the operation at `range` (the scope's own run, or the run
    /// specialised on the call `run`) starts from known inputs.
    pub fn inputs_known(&self, range: TextRange, run: Option<(TextRange, u8)>) -> bool {
        let mut scope = self.index.scope_at(range.start());
        // Comprehensions run inline in the scope that contains them.
        while self.index.scope(scope).kind == ScopeKind::Comprehension {
            match self.index.scope(scope).parent {
                Some(parent) => scope = parent,
                None => break,
            }
        }
        self.known_runs
            .contains(&(scope, run.map(|(call, _)| call)))
    }

    /// Whether `origin` is a call expression of this file (the member is the call's result).
    pub fn is_call_origin(&self, origin: &Origin) -> bool {
        origin.file == self.file
            && self
                .node(origin.range)
                .is_some_and(|node| kind_of(node) == "call")
    }

    /// Records a finding; the same rule at the same range keeps the most confident one.
    pub fn report(&mut self, finding: Finding) {
        let key = (finding.rule.clone(), finding.range);
        match self.findings.get(&key) {
            Some(existing) if existing.score >= finding.score => {}
            _ => {
                self.findings.insert(key, finding);
            }
        }
    }

    /// The findings already recorded on the line of `offset`: (rule, range).
    pub fn findings_on_line(&self, offset: TextSize) -> Vec<(SmolStr, TextRange)> {
        let line = self.line_of(offset);
        self.findings
            .values()
            .filter(|finding| self.line_of(finding.range.start()) == line)
            .map(|finding| (finding.rule.clone(), finding.range))
            .collect()
    }

    /// Changes the finding of `rule` recorded at `range`, if any.
    pub fn with_finding(
        &mut self,
        rule: &str,
        range: TextRange,
        change: impl FnOnce(&mut Finding),
    ) {
        if let Some(finding) = self.findings.get_mut(&(SmolStr::new(rule), range)) {
            change(finding);
        }
    }

    /// Builds and records a finding from a tally; nothing when the tally has no bad member.
    pub fn report_tally(
        &mut self,
        rule: &'static str,
        range: TextRange,
        tally: Tally,
        message: String,
        related: Vec<Related>,
        run: Option<(TextRange, u8)>,
    ) {
        let Some((mut confidence, mut score)) = tally.assess() else {
            return;
        };
        if confidence == Confidence::Likely && !tally.inherent && !self.inputs_known(range, run) {
            (confidence, score) = (Confidence::Possible, 45);
        }
        let mut related = related;
        if let Some((call, _)) = run {
            related.push(Related {
                file: self.file,
                range: call,
                message: format!("when called here (L{})", self.line_of(call.start())),
            });
        }
        self.report(Finding {
            rule: SmolStr::new_static(rule),
            range,
            message,
            confidence,
            score,
            related,
            fix_parameters: Vec::new(),
        });
    }

    /// Where the members of `union` that satisfy `is_bad` were produced, described by
    /// `describe` ("None returned here").
    pub fn related_origins(
        &self,
        union: &Union,
        mut is_bad: impl FnMut(&Value) -> bool,
        describe: impl Fn(&Value) -> String,
    ) -> Vec<Related> {
        let mut related = Vec::new();
        for member in union.members() {
            if !is_bad(&member.value) {
                continue;
            }
            for origin in member.origins.iter().take(3) {
                related.push(self.related_at(origin, describe(&member.value)));
            }
        }
        related.truncate(6);
        related
    }

    fn related_at(&self, origin: &Origin, what: String) -> Related {
        let index = file_index(self.db, origin.file);
        let branch = index.branch(origin.branch);
        let text = origin.file.text(self.db);
        let offset = origin.range.start().min(TextSize::of(text.as_ref()));
        let line = crate::ide::line_index(self.db, origin.file)
            .line_col(offset)
            .line
            + 1;
        let message = if branch.kind == crate::index::BranchKind::ScopeBody {
            format!("{what} (L{line})")
        } else {
            format!("{what} (L{line}, {})", branch.label())
        };
        Related {
            file: origin.file,
            range: origin.range,
            message,
        }
    }

    pub(super) fn finish(self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.findings.into_values().collect();
        findings.sort_by(|left, right| {
            (left.range.start(), left.range.end(), &left.rule).cmp(&(
                right.range.start(),
                right.range.end(),
                &right.rule,
            ))
        });
        let text = self.text;
        findings.retain(|finding| !is_suppressed(text, finding));
        findings
    }
}

/// `# remedy: ignore` or `# remedy: ignore[rule-a, rule-b]` on the finding's first line.
fn is_suppressed(text: &str, finding: &Finding) -> bool {
    let start = usize::from(finding.range.start()).min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |at| start + at);
    let line = &text[line_start..line_end];
    let Some(at) = line.find("# remedy: ignore") else {
        return false;
    };
    let rest = &line[at + "# remedy: ignore".len()..];
    match rest.strip_prefix('[') {
        Some(list) => {
            let list = list.split(']').next().unwrap_or("");
            list.split(',')
                .any(|rule| rule.trim() == finding.rule.as_str())
        }
        None => true,
    }
}

/// Whether one of the `except` clauses of `try_node` catches `exception`.
fn try_catches(context: &RuleContext<'_>, try_node: Node<'_>, exception: &str) -> bool {
    let mut cursor = try_node.walk();
    for clause in try_node.children(&mut cursor) {
        if kind_of(clause) != "except_clause" && kind_of(clause) != "except_group_clause" {
            continue;
        }
        let mut names = Vec::new();
        let mut clause_cursor = clause.walk();
        let mut has_type = false;
        for child in clause.named_children(&mut clause_cursor) {
            if kind_of(child) == "block" {
                break;
            }
            let caught = match kind_of(child) {
                "as_pattern" => child.named_child(0),
                _ => Some(child),
            };
            if let Some(caught) = caught {
                has_type = true;
                collect_exception_names(context, caught, &mut names);
            }
        }
        if !has_type {
            return true;
        }
        if names
            .iter()
            .any(|name| exception_is_subclass(exception, name))
        {
            return true;
        }
    }
    false
}

fn collect_exception_names<'t>(
    context: &RuleContext<'t>,
    node: Node<'_>,
    names: &mut Vec<&'t str>,
) {
    match kind_of(node) {
        "tuple" | "parenthesized_expression" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                collect_exception_names(context, child, names);
            }
        }
        "attribute" => {
            // `errors.NotFound`: the last part names the class.
            if let Some(attribute) = child_by_field(node, "attribute") {
                names.push(context.node_text(attribute));
            }
        }
        _ => names.push(context.node_text(node)),
    }
}

/// Whether the builtin exception `exception` is `ancestor` or derives from it.
pub fn exception_is_subclass(exception: &str, ancestor: &str) -> bool {
    let mut current = Some(exception);
    while let Some(name) = current {
        if name == ancestor {
            return true;
        }
        current = exception_parent(name);
    }
    false
}

/// The base class of a builtin exception (plus a few library ones the rules predict).
fn exception_parent(name: &str) -> Option<&'static str> {
    Some(match name {
        "BaseException" => return None,
        "Exception" | "KeyboardInterrupt" | "SystemExit" | "GeneratorExit"
        | "BaseExceptionGroup" => "BaseException",
        "KeyError" | "IndexError" => "LookupError",
        "ZeroDivisionError" | "OverflowError" | "FloatingPointError" => "ArithmeticError",
        "ModuleNotFoundError" => "ImportError",
        "UnboundLocalError" => "NameError",
        "RecursionError" | "NotImplementedError" => "RuntimeError",
        "UnicodeDecodeError" | "UnicodeEncodeError" => "UnicodeError",
        "UnicodeError" => "ValueError",
        "FileNotFoundError" | "PermissionError" | "IsADirectoryError" | "TimeoutError" => "OSError",
        "BadRequestKeyError" | "MultiValueDictKeyError" => "KeyError",
        _ => "Exception",
    })
}

/// Whether a run of `scope` without a call starts from known values: module and class
/// bodies run once at import, a function without parameters (and not a method) reads
/// only what its module binds.
fn starts_known(index: &FileIndex, scope: ScopeId) -> bool {
    let data = index.scope(scope);
    match data.kind {
        ScopeKind::Module | ScopeKind::Class => true,
        ScopeKind::Function | ScopeKind::Lambda => {
            let in_class = data
                .parent
                .is_some_and(|parent| index.scope(parent).kind == ScopeKind::Class);
            !in_class
                && !data.definitions.iter().any(|&id| {
                    matches!(
                        index.definition(id).kind,
                        crate::index::DefinitionKind::Parameter { .. }
                    )
                })
        }
        ScopeKind::Comprehension => false,
    }
}

/// Whether a call passes only known values: no argument is unknown.
fn arguments_known(call: &CallSite) -> bool {
    let known = |union: &Union| !union.values().any(|value| matches!(value, Value::Unknown));
    !call.has_unpacking
        && call.positional.iter().all(known)
        && call.keywords.iter().all(|(_, union)| known(union))
}
