//! Tests of the plugin-contract rules.

use crate::testing::check_fixture_expectations;

#[track_caller]
fn check(fixture: &str) {
    let result = check_fixture_expectations(fixture);
    assert!(result.passed(), "{}", result.report());
}
