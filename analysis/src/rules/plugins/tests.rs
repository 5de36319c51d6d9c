//! Tests of the plugin-contract rules, and of the manifest expectation sidecars.

use crate::testing::{check_fixture_expectations, manifest_expectation_text};

#[track_caller]
fn check(fixture: &str) {
    let result = check_fixture_expectations(fixture);
    assert!(result.passed(), "{}", result.report());
}

#[test]
fn tool_info_lists_through_variables_and_branches() {
    check(
        r#"
NAMES = ["convert"]

def convert(value):
    return str(value)

def get_tool_info(full=False):
    if full:
        # expect: tool-info-unknown-function confidence=definite
        return {"name": "conv", "functions": ["convert", "describe"]}
    # expect-not: tool-info-unknown-function
    return {"name": "conv", "functions": NAMES}
"#,
    );
}

#[test]
fn star_imports_open_the_namespace() {
    check(
        r#"
from helpers import *

def get_tool_info():
    # expect-not: tool-info-unknown-function
    return {"name": "t", "functions": ["from_helpers"]}
"#,
    );
}

#[test]
fn interface_methods_come_from_local_bases_and_skip_unknown_mixins() {
    check(
        r#"
from qtforge.core import IPlugin
from vendor.mixins import LifecycleMixin

class Lifecycle(IPlugin):
    def initialize(self):
        return True

    def activate(self):
        return True

    def deactivate(self):
        return True

    def cleanup(self):
        pass

# expect: plugin-interface-incomplete confidence=definite
class Partial(Lifecycle):
    def name(self):
        return "partial"

# expect-not: plugin-interface-incomplete
class Mixed(LifecycleMixin, IPlugin):
    def name(self):
        return "mixed"

def create_plugin():
    return Partial()
"#,
    );
}

#[test]
fn manifests_are_checked_on_their_own_file() {
    check(
        r#"
#- /good/plugin.json
{"name": "good", "entry_point": "good.py", "main_class": "Good"}
#- /good/good.py
from qtforge.core import IPlugin

# expect-not: plugin-interface-incomplete
class Good(IPlugin):
    def name(self): return "good"
    def version(self): return "1"
    def initialize(self): return True
    def activate(self): return True
    def deactivate(self): return True
    def cleanup(self): pass

def create_plugin():
    return Good()
#- /dotted/plugin.json
{"name": "dotted", "entry_point": "pkg.entry", "main_class": "Missing"}
#- /dotted/plugin.json.expect
1: expect: plugin-manifest-mismatch confidence=definite
#- /dotted/pkg/__init__.py
#- /dotted/pkg/entry.py
def helper():  # expect: plugin-factory-missing confidence=definite
    return 1
#- /broken/plugin.json
{"name": "broken", "entry_point": }
#- /broken/plugin.json.expect
1: expect: plugin-manifest-mismatch confidence=definite
"#,
    );
}

#[test]
fn sidecar_expectations_catch_wrong_lines() {
    let result = check_fixture_expectations(
        r#"
#- /p/plugin.json
{
  "entry_point": "missing.py"
}
#- /p/plugin.json.expect
3: expect-not: plugin-manifest-mismatch
"#,
    );
    let report = result.report();
    // The finding is on line 2, the sidecar speaks about line 3: the finding is unexpected.
    assert!(
        report.contains("p/plugin.json:2:1: unexpected plugin-manifest-mismatch"),
        "{report}"
    );
    assert!(manifest_expectation_text("{}", "2: expect: x").is_err());
    assert!(manifest_expectation_text("{}", "one: expect: x").is_err());
}
