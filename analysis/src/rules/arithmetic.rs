//! `division-by-zero`: `/`, `//`, `%` (and `divmod`) with a divisor that is zero on some
//! path: a literal `0`, `len()` of an empty container, a sum that folds to zero.
//!
//! ```python
//! def mean(xs):
//!     return sum(xs) / len(xs)
//! mean([])            # division-by-zero in `mean`, when called here
//! ```

use super::context::RuleContext;
use super::{Check, Tally};
use crate::index::child_by_field;
use crate::infer::OperationKind;
use crate::values::{Union, Value};

pub(crate) const DIVISION_CHECK: Check = Check {
    rules: &["division-by-zero"],
    run,
};

fn is_zero(value: &Value) -> bool {
    match value {
        Value::Int(Some(0)) | Value::Bool(Some(false)) => true,
        Value::Float(Some(bits)) => f64::from_bits(*bits) == 0.0,
        _ => false,
    }
}

fn zero_tally(divisor: &Union) -> Tally {
    let mut tally = Tally {
        pruned: divisor.pruned(),
        ..Tally::default()
    };
    for value in divisor.values() {
        match value {
            value if is_zero(value) => tally.bad += 1,
            Value::Unknown => tally.unknown += 1,
            _ => tally.good += 1,
        }
    }
    tally
}

fn run(context: &mut RuleContext<'_>) {
    let operations: Vec<_> = context
        .operations()
        .filter_map(|(run, operation)| match &operation.kind {
            OperationKind::Binary {
                operator,
                left,
                right,
            } if matches!(operator.as_str(), "/" | "//" | "%") => {
                Some((run.call, operation.range, operator, left, right))
            }
            _ => None,
        })
        .collect();
    for (call, range, operator, left, right) in operations {
        // `"%d" % 0` formats a string.
        if operator == "%"
            && left
                .values()
                .any(|value| matches!(value, Value::Str(_) | Value::Bytes))
        {
            continue;
        }
        let tally = zero_tally(right);
        if tally.assess().is_none() || context.is_caught(range, "ZeroDivisionError") {
            continue;
        }
        let Some(node) = context.node(range) else {
            continue;
        };
        let divisor = child_by_field(node, "right")
            .map(|right| context.node_text(right))
            .unwrap_or("the divisor");
        let message = if tally.good + tally.unknown == 0 {
            format!("`{divisor}` is zero here, so `{operator}` raises ZeroDivisionError")
        } else {
            format!("`{divisor}` may be zero here, so `{operator}` raises ZeroDivisionError")
        };
        let related =
            context.related_origins(right, is_zero, |_| "zero comes from here".to_owned());
        context.report_tally("division-by-zero", range, tally, message, related, call);
        let divisor = divisor.to_owned();
        context.with_finding("division-by-zero", range, |finding| {
            finding.fix_parameters = vec![("divisor".into(), divisor)];
        });
    }
}
