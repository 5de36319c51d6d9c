//! The second half of `unbounded-recursion`: a function that has a base case, but whose
//! recursive calls, from the integer arguments its callers pass, never reach it.
//!
//! ```python
//! def ways(n):
//!     if n == 1:
//!         return 1
//!     return ways(n - 1) + ways(n - 2)   # ways(2) calls ways(0): n steps past 1
//!
//! def search(low, high):
//!     if low == high:
//!         return low
//!     middle = (low + high) // 2
//!     if probe(middle):
//!         return search(low, middle)
//!     return search(middle, high)        # (4, 5) calls (4, 5) again: no progress
//! ```
//!
//! The function's top-level statements are replayed on small integer states: the integer
//! parameters take the literal values the file's other calls pass (the others must be
//! handed on unchanged), guards (`if test: return …`) whose test folds end the run, and
//! every recursive call gives a next state (a test that does not fold explores both
//! sides). A state met again on the same chain (no progress), or a chain longer than any
//! sane recursion from such small values, is a recursion that never stops. A test the
//! replay cannot fold on a path that may return stops it there: no finding.
//!
//! A memo test (`if n in memo: return memo[n]`) cannot end such a chain when `memo` is
//! handed on unchanged and every caller passes an empty dict: only calls that finished
//! store into it, and no call of a never-ending chain finishes.
//!
//! Confidence: likely (the data-dependent branch the program takes may avoid the chain).

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};
use smol_str::SmolStr;
use tree_sitter::Node;

use super::Finding;
use super::context::RuleContext;
use crate::config::Confidence;
use crate::index::{ScopeId, ScopeKind, range_of};
use crate::values::{FunctionRef, Value};

/// Chains deeper than this raise RecursionError under CPython's default limit (1,000)
/// whether or not they would end.
const MAX_CHAIN: usize = 1_100;
/// States explored per start before giving up (no finding).
const MAX_STATES: usize = 20_000;
/// Start states (combinations of the callers' literal arguments) per function.
const MAX_STARTS: usize = 16;

/// One parameter of the function: an integer tracked through the chain, or a value
/// handed on unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    Int,
    /// Handed on unchanged; `memo` when it is an empty dict at every outside call.
    Passed {
        memo: bool,
    },
}

struct Function<'t> {
    name: String,
    parameters: Vec<SmolStr>,
    slots: Vec<Slot>,
    body: Node<'t>,
}

pub(super) fn run(context: &mut RuleContext<'_>) {
    let index = context.index;
    // Functions whose body calls their own name: the only candidates.
    let mut candidates: Vec<(ScopeId, Node<'_>)> = Vec::new();
    for (id, scope) in index.scopes.iter().enumerate() {
        if scope.kind != ScopeKind::Function || scope.is_generator || scope.is_async {
            continue;
        }
        let Some(node) = context.node(scope.range) else {
            continue;
        };
        let (Some(name), Some(body)) = (child_by_field(node, "name"), child_by_field(node, "body"))
        else {
            continue;
        };
        if calls_name(context, body, context.node_text(name)) {
            candidates.push((ScopeId(id as u32), node));
        }
    }
    if candidates.is_empty() {
        return;
    }
    // The calls of each candidate, from every run of the file's scopes.
    let mut calls_by_scope: FxHashMap<ScopeId, Vec<&crate::infer::CallSite>> = FxHashMap::default();
    for (_, call) in context.calls() {
        let Some(Value::Function(function)) = call.callee.single() else {
            continue;
        };
        if let Some(&(scope, _)) = candidates
            .iter()
            .find(|(scope, _)| is_function(context, function, *scope))
        {
            calls_by_scope.entry(scope).or_default().push(call);
        }
    }
    for (scope, node) in candidates {
        let calls = calls_by_scope.remove(&scope).unwrap_or_default();
        check_function(context, scope, node, &calls);
    }
}

fn calls_name<'db>(context: &RuleContext<'db>, body: Node<'db>, name: &str) -> bool {
    let calls = |node: &Node<'_>| {
        kind_of(*node) == "call"
            && child_by_field(*node, "function").is_some_and(|function| {
                kind_of(function) == "identifier" && context.node_text(function) == name
            })
    };
    // Calls are named nodes below named nodes (anonymous nodes are tokens): the whole
    // subtree holds the same calls as a walk of named children would meet.
    if let Some(nodes) = context.subtree(body) {
        return nodes.iter().any(calls);
    }
    let mut stack = vec![body];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = body.walk();
    while let Some(node) = stack.pop() {
        if calls(&node) {
            return true;
        }
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn check_function(
    context: &mut RuleContext<'_>,
    scope: ScopeId,
    node: Node<'_>,
    calls: &[&crate::infer::CallSite],
) {
    let Some(name_node) = child_by_field(node, "name") else {
        return;
    };
    let name = context.node_text(name_node).to_owned();
    let (Some(parameters_node), Some(body)) = (
        child_by_field(node, "parameters"),
        child_by_field(node, "body"),
    ) else {
        return;
    };
    let Some(parameters) = plain_parameters(context, parameters_node) else {
        return;
    };
    if parameters.is_empty() {
        return;
    }
    // Every call of the function from outside its body, with the argument values.
    let function_range = range_of(node);
    let mut outside: Vec<Vec<Option<&crate::values::Union>>> = Vec::new();
    for call in calls {
        if function_range.contains_range(call.range()) {
            continue;
        }
        if call.has_unpacking || call.positional.len() > parameters.len() {
            return;
        }
        let mut arguments: Vec<Option<&crate::values::Union>> = vec![None; parameters.len()];
        for (position, value) in call.positional.iter().enumerate() {
            arguments[position] = Some(value);
        }
        for (keyword, value) in &call.keywords {
            let Some(position) = parameters.iter().position(|name| name == keyword) else {
                return;
            };
            arguments[position] = Some(value);
        }
        outside.push(arguments);
    }
    if outside.is_empty() {
        return;
    }
    // Integer slots: a literal int at every outside call; the others are handed on.
    let mut slots = Vec::new();
    for position in 0..parameters.len() {
        let values: Vec<&Value> = outside
            .iter()
            .filter_map(|arguments| arguments[position])
            .flat_map(|union| union.values())
            .collect();
        if values.len() < outside.len() {
            return;
        }
        if values
            .iter()
            .all(|value| matches!(value, Value::Int(Some(_))))
        {
            slots.push(Slot::Int);
        } else {
            let memo = values
                .iter()
                .all(|value| matches!(value, Value::Dict(dict) if dict.entries.is_empty()));
            slots.push(Slot::Passed { memo });
        }
    }
    if !slots.contains(&Slot::Int) {
        return;
    }
    let mut starts: FxHashSet<Vec<i64>> = FxHashSet::default();
    for arguments in &outside {
        let mut combinations: Vec<Vec<i64>> = vec![Vec::new()];
        for (position, slot) in slots.iter().enumerate() {
            if *slot != Slot::Int {
                continue;
            }
            let literals: Vec<i64> = arguments[position]
                .into_iter()
                .flat_map(|union| union.values())
                .filter_map(|value| match value {
                    Value::Int(Some(number)) => Some(*number),
                    _ => None,
                })
                .collect();
            combinations = combinations
                .into_iter()
                .flat_map(|prefix| {
                    literals.iter().map(move |literal| {
                        let mut longer = prefix.clone();
                        longer.push(*literal);
                        longer
                    })
                })
                .collect();
            if combinations.len() > MAX_STARTS {
                return;
            }
        }
        starts.extend(combinations);
    }
    if starts.len() > MAX_STARTS || starts.iter().flatten().any(|value| value.abs() > 1_000) {
        return;
    }
    let function = Function {
        name,
        parameters,
        slots,
        body,
    };
    let mut starts: Vec<Vec<i64>> = starts.into_iter().collect();
    starts.sort();
    let mut explorer = Explorer {
        context,
        function: &function,
        scope,
        steps: FxHashMap::default(),
        explored: 0,
    };
    for start in starts {
        if let Some(finding) = explorer.diverging_call(start) {
            if !context_is_caught(explorer.context, finding.0) {
                report(explorer.context, &function, finding);
            }
            return;
        }
    }
}

fn context_is_caught(context: &RuleContext<'_>, range: TextRange) -> bool {
    context.is_caught(range, "RecursionError")
}

fn report(context: &mut RuleContext<'_>, function: &Function<'_>, (range, why): (TextRange, Why)) {
    let call_text = context.slice(range).to_owned();
    let message = match why {
        Why::NoProgress(state) => format!(
            "`{call_text}` can call `{}` again with the same arguments ({}), so it never stops (RecursionError)",
            function.name,
            describe_state(function, &state)
        ),
        Why::PastBase(state) => format!(
            "`{call_text}` steps past the base case of `{}` (called with {}), so the recursion never stops (RecursionError)",
            function.name,
            describe_state(function, &state)
        ),
    };
    context.report(Finding {
        rule: "unbounded-recursion".into(),
        range,
        message,
        confidence: Confidence::Likely,
        score: 70,
        related: Vec::new(),
        fix_parameters: vec![("function".into(), function.name.clone())],
    });
}

fn describe_state(function: &Function<'_>, state: &[i64]) -> String {
    let mut values = state.iter();
    function
        .parameters
        .iter()
        .zip(&function.slots)
        .filter(|(_, slot)| **slot == Slot::Int)
        .filter_map(|(name, _)| values.next().map(|value| format!("{name}={value}")))
        .collect::<Vec<_>>()
        .join(", ")
}

enum Why {
    NoProgress(Vec<i64>),
    PastBase(Vec<i64>),
}

/// The plain parameter names, in order; `None` with `*args`, `**kwargs` or `self`-less
/// forms the replay does not model.
fn plain_parameters(context: &RuleContext<'_>, parameters: Node<'_>) -> Option<Vec<SmolStr>> {
    let mut names = Vec::new();
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor) {
        let name = match kind_of(parameter) {
            "identifier" => parameter,
            "default_parameter" | "typed_parameter" | "typed_default_parameter" => {
                match child_by_field(parameter, "name") {
                    Some(name) => name,
                    None => parameter.named_child(0)?,
                }
            }
            "comment" => continue,
            _ => return None,
        };
        if kind_of(name) != "identifier" {
            return None;
        }
        names.push(SmolStr::new(context.node_text(name)));
    }
    Some(names)
}

fn is_function(context: &RuleContext<'_>, function: &FunctionRef, scope: ScopeId) -> bool {
    let FunctionRef::Defined { file, path } = function else {
        return false;
    };
    if *file != context.file {
        return false;
    }
    context
        .index
        .definition_at_path(path)
        .is_some_and(|definition| {
            matches!(
                context.index.definition(definition).kind,
                crate::index::DefinitionKind::Function { body, .. } if body == scope
            )
        })
}

/// What one replay of the body from a state gives: the recursive calls it may make (with
/// the next states), or `None` when some path may leave in a way the replay cannot fold.
type Steps = Option<Vec<(TextRange, Vec<i64>)>>;

struct Explorer<'c, 'db, 't> {
    context: &'c mut RuleContext<'db>,
    function: &'c Function<'t>,
    scope: ScopeId,
    steps: FxHashMap<Vec<i64>, Steps>,
    explored: usize,
}

impl Explorer<'_, '_, '_> {
    /// A recursive call on a never-ending chain from `start`, and why it never ends.
    fn diverging_call(&mut self, start: Vec<i64>) -> Option<(TextRange, Why)> {
        // Depth-first, iteratively: (state, index of the next step to try).
        let mut finished: FxHashSet<Vec<i64>> = FxHashSet::default();
        let mut on_chain: FxHashSet<Vec<i64>> = FxHashSet::default();
        let mut stack: Vec<(Vec<i64>, usize)> = vec![(start.clone(), 0)];
        on_chain.insert(start.clone());
        while let Some((state, next)) = stack.pop() {
            self.explored += 1;
            if self.explored > MAX_STATES {
                return None;
            }
            let steps = self.steps_from(&state);
            let Some(steps) = steps else {
                // A path the replay cannot follow may return: no claim about this chain,
                // nor about the chains through it.
                return None;
            };
            if next >= steps.len() {
                on_chain.remove(&state);
                finished.insert(state);
                continue;
            }
            let (range, successor) = steps[next].clone();
            stack.push((state.clone(), next + 1));
            if on_chain.contains(&successor) {
                return Some((range, Why::NoProgress(successor)));
            }
            if stack.len() >= MAX_CHAIN {
                return Some((range, Why::PastBase(start)));
            }
            if finished.contains(&successor) {
                continue;
            }
            on_chain.insert(successor.clone());
            stack.push((successor, 0));
        }
        None
    }

    fn steps_from(&mut self, state: &[i64]) -> Steps {
        if let Some(steps) = self.steps.get(state) {
            return steps.clone();
        }
        let mut environment: FxHashMap<SmolStr, i64> = FxHashMap::default();
        let mut values = state.iter();
        for (name, slot) in self.function.parameters.iter().zip(&self.function.slots) {
            if *slot == Slot::Int {
                environment.insert(name.clone(), *values.next()?);
            }
        }
        let mut replay = Replay {
            context: self.context,
            function: self.function,
            scope: self.scope,
            steps: Vec::new(),
            environment,
        };
        let steps = match replay.block(self.function.body) {
            Some(_) => Some(replay.steps),
            None => None,
        };
        self.steps.insert(state.to_vec(), steps.clone());
        steps
    }
}

/// One replay of the body on one state.
struct Replay<'c, 'db, 't> {
    context: &'c RuleContext<'db>,
    function: &'c Function<'t>,
    scope: ScopeId,
    steps: Vec<(TextRange, Vec<i64>)>,
    environment: FxHashMap<SmolStr, i64>,
}

/// How a block ended on the replayed path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Fell off its end: the next statement runs.
    Next,
    /// Returned (a base case, or after its recursive calls).
    Left,
}

impl Replay<'_, '_, '_> {
    /// Replays a block; `None` when it cannot (an unknown way out).
    fn block(&mut self, block: Node<'_>) -> Option<Flow> {
        let mut cursor = block.walk();
        let statements: Vec<Node<'_>> = block.named_children(&mut cursor).collect();
        for statement in statements {
            if self.statement(statement)? == Flow::Left {
                return Some(Flow::Left);
            }
        }
        Some(Flow::Next)
    }

    fn statement(&mut self, statement: Node<'_>) -> Option<Flow> {
        match kind_of(statement) {
            "comment" | "pass_statement" => Some(Flow::Next),
            "if_statement" => self.if_statement(statement),
            "return_statement" => {
                self.calls_in(statement)?;
                Some(Flow::Left)
            }
            "raise_statement" => Some(Flow::Left),
            "expression_statement" => {
                let expression = statement.named_child(0)?;
                if kind_of(expression) == "assignment" {
                    let left = child_by_field(expression, "left")?;
                    let right = child_by_field(expression, "right")?;
                    self.calls_in(right)?;
                    if kind_of(left) == "identifier" {
                        let name = SmolStr::new(self.context.node_text(left));
                        match self.integer(right) {
                            Some(value) => self.environment.insert(name, value),
                            None => self.environment.remove(&name),
                        };
                    } else if has_call(left) {
                        return None;
                    }
                    return Some(Flow::Next);
                }
                if matches!(kind_of(expression), "yield" | "await") {
                    return None;
                }
                self.calls_in(statement)?;
                Some(Flow::Next)
            }
            // Loops, `try`, `with`, `match` and nested definitions: only when they hold
            // no way out and no recursive call.
            _ => {
                if has_exit(statement) || self.has_recursive_call(statement) {
                    None
                } else {
                    Some(Flow::Next)
                }
            }
        }
    }

    fn if_statement(&mut self, statement: Node<'_>) -> Option<Flow> {
        let mut arms: Vec<(Option<Node<'_>>, Node<'_>)> = Vec::new();
        let condition = child_by_field(statement, "condition")?;
        arms.push((Some(condition), child_by_field(statement, "consequence")?));
        let mut cursor = statement.walk();
        for alternative in statement.children_by_field_name("alternative", &mut cursor) {
            let body = child_by_field(alternative, "body")?;
            match kind_of(alternative) {
                "elif_clause" => arms.push((Some(child_by_field(alternative, "condition")?), body)),
                _ => arms.push((None, body)),
            }
        }
        // Each arm whose test may hold runs on its own copy of the state; the arms that
        // fall through agree to go on only when their end states agree.
        let mut through: Option<FxHashMap<SmolStr, i64>> = None;
        let mut any_through = false;
        let before = self.environment.clone();
        let mut decided = false;
        for (test, body) in arms {
            let truth = match test {
                Some(test) => {
                    self.calls_in(test)?;
                    self.truth(test)
                }
                None => Some(true),
            };
            if truth == Some(false) {
                continue;
            }
            if truth.is_none() && !has_recursive_call_node(self, body) && has_exit(body) {
                // A base case the replay cannot decide: the chain may stop here.
                return None;
            }
            self.environment = before.clone();
            let flow = self.block(body)?;
            if flow == Flow::Next {
                match &through {
                    Some(earlier) if *earlier != self.environment => return None,
                    _ => through = Some(self.environment.clone()),
                }
                any_through = true;
            }
            if truth == Some(true) {
                decided = true;
                break;
            }
        }
        if !decided {
            // No arm surely ran: the path that skips them all goes on.
            match &through {
                Some(earlier) if *earlier != before => return None,
                _ => through = Some(before.clone()),
            }
            any_through = true;
        }
        match (any_through, through) {
            (true, Some(environment)) => {
                self.environment = environment;
                Some(Flow::Next)
            }
            _ => Some(Flow::Left),
        }
    }

    /// Records the recursive calls under `node` as steps; `None` when one of them passes
    /// an argument the replay cannot follow.
    fn calls_in(&mut self, node: Node<'_>) -> Option<()> {
        let mut stack = vec![node];
        // One cursor for the whole walk: a fresh one per node allocates.
        let mut cursor = node.walk();
        while let Some(node) = stack.pop() {
            if matches!(
                kind_of(node),
                "lambda" | "function_definition" | "class_definition"
            ) {
                continue;
            }
            if kind_of(node) == "call" && self.is_recursive_call(node) {
                let next = self.next_state(node)?;
                self.steps.push((range_of(node), next));
            }
            stack.extend(node.named_children(&mut cursor));
        }
        Some(())
    }

    fn is_recursive_call(&self, call: Node<'_>) -> bool {
        let Some(function) = child_by_field(call, "function") else {
            return false;
        };
        kind_of(function) == "identifier"
            && self.context.node_text(function) == self.function.name
            && self
                .context
                .index
                .scope(self.scope)
                .range
                .contains_range(range_of(call))
    }

    fn has_recursive_call(&self, node: Node<'_>) -> bool {
        has_recursive_call_node(self, node)
    }

    fn next_state(&self, call: Node<'_>) -> Option<Vec<i64>> {
        let arguments = child_by_field(call, "arguments")?;
        let mut by_slot: Vec<Option<Node<'_>>> = vec![None; self.function.parameters.len()];
        let mut position = 0;
        let mut cursor = arguments.walk();
        for argument in arguments.named_children(&mut cursor) {
            match kind_of(argument) {
                "keyword_argument" => {
                    let name = self.context.node_text(child_by_field(argument, "name")?);
                    let slot = self.function.parameters.iter().position(|p| p == name)?;
                    by_slot[slot] = Some(child_by_field(argument, "value")?);
                }
                "list_splat" | "dictionary_splat" => return None,
                "comment" => {}
                _ => {
                    *by_slot.get_mut(position)? = Some(argument);
                    position += 1;
                }
            }
        }
        let mut next = Vec::new();
        for ((name, slot), argument) in self
            .function
            .parameters
            .iter()
            .zip(&self.function.slots)
            .zip(by_slot)
        {
            let argument = argument?;
            match slot {
                Slot::Int => next.push(self.integer(argument)?),
                // Handed on unchanged, or the replay cannot follow it.
                Slot::Passed { .. } => {
                    if kind_of(argument) != "identifier" || self.context.node_text(argument) != name
                    {
                        return None;
                    }
                }
            }
        }
        Some(next)
    }

    fn integer(&self, node: Node<'_>) -> Option<i64> {
        match kind_of(node) {
            "integer" => self.context.node_text(node).replace('_', "").parse().ok(),
            "identifier" => self.environment.get(self.context.node_text(node)).copied(),
            "parenthesized_expression" => self.integer(node.named_child(0)?),
            "unary_operator" => {
                let operand = self.integer(child_by_field(node, "argument")?)?;
                match self.context.node_text(child_by_field(node, "operator")?) {
                    "-" => operand.checked_neg(),
                    "+" => Some(operand),
                    _ => None,
                }
            }
            "binary_operator" => {
                let left = self.integer(child_by_field(node, "left")?)?;
                let right = self.integer(child_by_field(node, "right")?)?;
                match self.context.node_text(child_by_field(node, "operator")?) {
                    "+" => left.checked_add(right),
                    "-" => left.checked_sub(right),
                    "*" => left.checked_mul(right),
                    "//" if right != 0 => Some(
                        left.div_euclid(right)
                            - i64::from(right < 0 && left.rem_euclid(right) != 0),
                    ),
                    "%" if right != 0 => {
                        let remainder = left.rem_euclid(right.abs());
                        Some(if right < 0 && remainder != 0 {
                            remainder + right
                        } else {
                            remainder
                        })
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The truth of a test on the current state; `None` when it does not fold.
    fn truth(&self, node: Node<'_>) -> Option<bool> {
        match kind_of(node) {
            "parenthesized_expression" => self.truth(node.named_child(0)?),
            "not_operator" => self.truth(child_by_field(node, "argument")?).map(|t| !t),
            "boolean_operator" => {
                let left = self.truth(child_by_field(node, "left")?);
                let right = self.truth(child_by_field(node, "right")?);
                match self.context.node_text(child_by_field(node, "operator")?) {
                    "and" => match (left, right) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    },
                    "or" => match (left, right) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                    _ => None,
                }
            }
            "comparison_operator" => self.comparison(node),
            _ => self.integer(node).map(|value| value != 0),
        }
    }

    fn comparison(&self, node: Node<'_>) -> Option<bool> {
        let mut cursor = node.walk();
        let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
        let mut cursor = node.walk();
        let operators: Vec<&str> = node
            .children(&mut cursor)
            .filter(|child| !child.is_named())
            .map(|child| self.context.node_text(child))
            .collect();
        // `n in memo` with an empty memo handed on unchanged: false on a chain that
        // never finishes (see the module docs).
        if let ([left, right], ["in"]) = (operands.as_slice(), operators.as_slice()) {
            self.integer(*left)?;
            return self.is_memo(*right).then_some(false);
        }
        if operands.len() != operators.len() + 1 {
            return None;
        }
        let values: Vec<i64> = operands
            .iter()
            .map(|operand| self.integer(*operand))
            .collect::<Option<_>>()?;
        let mut result = true;
        for (at, operator) in operators.iter().enumerate() {
            let (left, right) = (values[at], values[at + 1]);
            result &= match *operator {
                "==" => left == right,
                "!=" => left != right,
                "<" => left < right,
                "<=" => left <= right,
                ">" => left > right,
                ">=" => left >= right,
                _ => return None,
            };
        }
        Some(result)
    }

    fn is_memo(&self, node: Node<'_>) -> bool {
        kind_of(node) == "identifier"
            && self
                .function
                .parameters
                .iter()
                .zip(&self.function.slots)
                .any(|(name, slot)| {
                    name == self.context.node_text(node) && *slot == Slot::Passed { memo: true }
                })
    }
}

fn has_recursive_call_node(replay: &Replay<'_, '_, '_>, node: Node<'_>) -> bool {
    let mut stack = vec![node];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = node.walk();
    while let Some(node) = stack.pop() {
        if kind_of(node) == "call" && replay.is_recursive_call(node) {
            return true;
        }
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

fn has_call(node: Node<'_>) -> bool {
    let mut stack = vec![node];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = node.walk();
    while let Some(node) = stack.pop() {
        if kind_of(node) == "call" {
            return true;
        }
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// A way out of the function (`return`, `raise`, `yield`) outside nested definitions.
fn has_exit(node: Node<'_>) -> bool {
    let mut stack = vec![node];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = node.walk();
    while let Some(node) = stack.pop() {
        match kind_of(node) {
            "return_statement" | "raise_statement" | "yield" => return true,
            "lambda" | "function_definition" | "class_definition" => continue,
            _ => {}
        }
        stack.extend(node.named_children(&mut cursor));
    }
    false
}
