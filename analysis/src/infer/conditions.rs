//! Propositional reasoning over the tests of an `if`/`elif` chain.
//!
//! An `elif` is only reached when every earlier test was false. Reading each test as a
//! formula over atoms (comparisons in a canonical polarity, other expressions by their
//! text), the chain can be exhaustive even when no value is known:
//!
//! ```python
//! if f.default is MISSING and f.default_factory is MISSING: ...
//! elif f.default is not MISSING: ...
//! elif f.default_factory is not MISSING: ...   # always true when reached
//! ```
//!
//! Atoms are compared by text, so a test is only related to another when they read the
//! same expressions; nothing between two tests of one chain can rebind them (a walrus in
//! a test is the exception, and a chain with one is left alone).

use tree_sitter::Node;

/// At most this many distinct atoms are reasoned about (2^n assignments are tried).
const MAX_ATOMS: usize = 8;

#[derive(Debug, Clone)]
enum Formula {
    Atom(usize),
    Not(Box<Formula>),
    And(Box<Formula>, Box<Formula>),
    Or(Box<Formula>, Box<Formula>),
}

impl Formula {
    fn eval(&self, assignment: u32) -> bool {
        match self {
            Formula::Atom(atom) => assignment & (1 << atom) != 0,
            Formula::Not(inner) => !inner.eval(assignment),
            Formula::And(left, right) => left.eval(assignment) && right.eval(assignment),
            Formula::Or(left, right) => left.eval(assignment) || right.eval(assignment),
        }
    }
}

/// The tests of one chain, read so far.
#[derive(Default)]
pub(crate) struct ConditionChain {
    atoms: Vec<String>,
    tests: Vec<Formula>,
    /// A test could not be read (a walrus, too many atoms): no conclusion is drawn.
    unreadable: bool,
}

/// What the earlier tests of a chain say about the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Implied {
    /// True whenever it is reached.
    AlwaysTrue,
    /// False whenever it is reached.
    AlwaysFalse,
    Unknown,
}

impl ConditionChain {
    /// Adds the test of the `if` or of an `elif`, and tells what the earlier tests being
    /// false imply for it.
    pub(crate) fn add(&mut self, test: Node<'_>, text: &str) -> Implied {
        let formula = if self.unreadable {
            None
        } else {
            self.formula(test, text, 0)
        };
        let Some(formula) = formula else {
            self.unreadable = true;
            return Implied::Unknown;
        };
        let implied = self.implied(&formula);
        self.tests.push(formula);
        implied
    }

    fn implied(&self, formula: &Formula) -> Implied {
        if self.tests.is_empty() || self.atoms.len() > MAX_ATOMS {
            return Implied::Unknown;
        }
        let (mut can_be_true, mut can_be_false, mut reachable) = (false, false, false);
        for assignment in 0..(1u32 << self.atoms.len()) {
            if self.tests.iter().any(|test| test.eval(assignment)) {
                continue;
            }
            reachable = true;
            if formula.eval(assignment) {
                can_be_true = true;
            } else {
                can_be_false = true;
            }
            if can_be_true && can_be_false {
                return Implied::Unknown;
            }
        }
        match (reachable, can_be_true, can_be_false) {
            (true, true, false) => Implied::AlwaysTrue,
            (true, false, true) => Implied::AlwaysFalse,
            _ => Implied::Unknown,
        }
    }

    /// The atom read from `node` with text `key`. Two tests that call something other
    /// than a pure builtin (`next(it) == "a"`) may see different values: such an atom
    /// is never the same as another.
    fn atom_of(&mut self, node: Node<'_>, text: &str, key: String) -> Option<Formula> {
        if has_impure_call(node, text) {
            let unique = format!("{key}#{}", self.atoms.len());
            return self.atom(unique);
        }
        self.atom(key)
    }

    fn atom(&mut self, key: String) -> Option<Formula> {
        let index = match self.atoms.iter().position(|atom| *atom == key) {
            Some(index) => index,
            None => {
                if self.atoms.len() == MAX_ATOMS {
                    return None;
                }
                self.atoms.push(key);
                self.atoms.len() - 1
            }
        };
        Some(Formula::Atom(index))
    }

    fn formula(&mut self, node: Node<'_>, text: &str, depth: usize) -> Option<Formula> {
        if depth > 32 {
            return None;
        }
        let slice = |node: Node<'_>| -> String {
            text.get(node.start_byte()..node.end_byte())
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        match node.kind() {
            "named_expression" => None,
            "parenthesized_expression" => self.formula(node.named_child(0)?, text, depth + 1),
            "not_operator" => Some(Formula::Not(Box::new(self.formula(
                node.child_by_field_name("argument")?,
                text,
                depth + 1,
            )?))),
            "boolean_operator" => {
                let left = self.formula(node.child_by_field_name("left")?, text, depth + 1)?;
                let right = self.formula(node.child_by_field_name("right")?, text, depth + 1)?;
                let operator = slice(node.child_by_field_name("operator")?);
                Some(match operator.as_str() {
                    "and" => Formula::And(Box::new(left), Box::new(right)),
                    "or" => Formula::Or(Box::new(left), Box::new(right)),
                    _ => return None,
                })
            }
            "comparison_operator" => {
                let mut cursor = node.walk();
                let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
                let mut cursor = node.walk();
                let operators: Vec<String> = node
                    .children_by_field_name("operators", &mut cursor)
                    .map(&slice)
                    .collect();
                // `a not in b` has two operator tokens; `a < b < c` is read by its text.
                let operator = operators.join(" ");
                if operands.len() != 2 {
                    return self.atom_of(node, text, slice(node));
                }
                let (left, right) = (slice(operands[0]), slice(operands[1]));
                let (canonical, negated) = match operator.as_str() {
                    "is" => ("is", false),
                    "is not" => ("is", true),
                    "==" => ("==", false),
                    "!=" => ("==", true),
                    "in" => ("in", false),
                    "not in" => ("in", true),
                    "<" => ("<", false),
                    ">=" => ("<", true),
                    ">" => (">", false),
                    "<=" => (">", true),
                    _ => return self.atom_of(node, text, slice(node)),
                };
                let atom = self.atom_of(node, text, format!("{left} {canonical} {right}"))?;
                Some(if negated {
                    Formula::Not(Box::new(atom))
                } else {
                    atom
                })
            }
            _ => self.atom_of(node, text, slice(node)),
        }
    }
}

/// Builtins whose result depends only on their arguments.
const PURE_BUILTINS: &[&str] = &[
    "len",
    "isinstance",
    "issubclass",
    "hasattr",
    "callable",
    "type",
    "bool",
    "str",
    "int",
    "float",
    "abs",
    "min",
    "max",
    "any",
    "all",
];

/// Whether `node` contains a call of anything but a pure builtin.
fn has_impure_call(node: Node<'_>, text: &str) -> bool {
    let mut stack = vec![node];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = node.walk();
    while let Some(current) = stack.pop() {
        if current.kind() == "call" {
            let pure = current
                .child_by_field_name("function")
                .filter(|function| function.kind() == "identifier")
                .and_then(|function| text.get(function.start_byte()..function.end_byte()))
                .is_some_and(|name| PURE_BUILTINS.contains(&name));
            if !pure {
                return true;
            }
        }
        stack.extend(current.named_children(&mut cursor));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{ConditionChain, Implied};

    /// The verdict on the last test of `chain` (tests separated by `|`).
    fn last_verdict(chain: &str) -> Implied {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_python::LANGUAGE.into())
            .unwrap();
        let mut conditions = ConditionChain::default();
        let mut verdict = Implied::Unknown;
        for test in chain.split('|') {
            let tree = parser.parse(test.trim(), None).unwrap();
            let expression = tree
                .root_node()
                .named_child(0)
                .and_then(|statement| statement.named_child(0))
                .unwrap();
            verdict = conditions.add(expression, test.trim());
        }
        verdict
    }

    #[test]
    fn exhaustive_and_impossible_tests() {
        assert_eq!(
            last_verdict("x is None | x is not None"),
            Implied::AlwaysTrue
        );
        assert_eq!(last_verdict("not ok | ok"), Implied::AlwaysTrue);
        assert_eq!(last_verdict("n < 0 | n >= 0"), Implied::AlwaysTrue);
        assert_eq!(
            last_verdict("a is M and b is M | a is not M | b is not M"),
            Implied::AlwaysTrue
        );
        assert_eq!(
            last_verdict("mode == 'r' | mode == 'r'"),
            Implied::AlwaysFalse
        );
        assert_eq!(last_verdict("a or b | a"), Implied::AlwaysFalse);
        assert_eq!(last_verdict("x > 0 | x < 0"), Implied::Unknown);
        assert_eq!(last_verdict("x == 1 | x == 2"), Implied::Unknown);
        assert_eq!(last_verdict("(y := f()) | y"), Implied::Unknown);
        assert_eq!(last_verdict("x"), Implied::Unknown);
        assert_eq!(
            last_verdict("len(xs) == 0 | len(xs) != 0"),
            Implied::AlwaysTrue
        );
        assert_eq!(
            last_verdict("next(it) == 'a' | next(it) != 'a'"),
            Implied::Unknown
        );
    }
}
