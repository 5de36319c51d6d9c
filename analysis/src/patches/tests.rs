//! Patch tests: the preferred verified fix of the finding at the cursor, as the patched
//! text, and what is refused.

use expect_test::{Expect, expect};
use line_index::TextRange;

use super::apply_edits;
use crate::testing::Fixture;

/// The fixes offered at `$0` (a single-file fixture at `/main.py` unless it says otherwise),
/// as `[preferred] title (applicability)` lines.
fn offered(fixture: &str) -> Vec<String> {
    let fixture = Fixture::parse(fixture);
    let analysis = fixture.analysis();
    let position = fixture.position;
    let fixes = analysis
        .fixes(position.file, TextRange::empty(position.offset))
        .unwrap();
    fixes
        .iter()
        .map(|fix| {
            format!(
                "{}{} ({})",
                if fix.preferred { "* " } else { "" },
                fix.title,
                fix.applicability.as_str()
            )
        })
        .collect()
}

/// The text of every file the first fix at `$0` changes, after applying it.
#[track_caller]
fn check_first_fix(fixture: &str, expect: Expect) {
    let fixture = Fixture::parse(fixture);
    let analysis = fixture.analysis();
    let position = fixture.position;
    let fixes = analysis
        .fixes(position.file, TextRange::empty(position.offset))
        .unwrap();
    let fix = fixes
        .iter()
        .find(|fix| fix.fix_id != "suppress")
        .unwrap_or_else(|| panic!("no fix offered; got {fixes:?}"));
    assert!(fix.preferred, "the first fix is the preferred one");
    let mut out = format!("# {} [{}]\n", fix.title, fix.fix_id);
    for file_edits in &fix.edits {
        let file = analysis.file_id(&file_edits.path).unwrap();
        let text = analysis.file_text(file);
        if fix.edits.len() > 1 {
            out.push_str(&format!("#- {}\n", file_edits.path.display()));
        }
        out.push_str(&apply_edits(&text, &file_edits.edits).replace('\r', "⏎"));
    }
    expect.assert_eq(&out);
}

#[test]
fn missing_key_reads_with_a_typed_default() {
    check_first_fix(
        r#"
ports = {"http": 80, "https": 443}
print(ports$0["ftp"] + 1)
"#,
        expect![[r#"
            # Use `ports.get("ftp", 0)` instead of indexing [dict-get]
            ports = {"http": 80, "https": 443}
            print(ports.get("ftp", 0) + 1)
        "#]],
    );
}

#[test]
fn counting_into_an_empty_dict_starts_at_zero() {
    check_first_fix(
        r#"
counts = {}
for word in ["a", "b", "a"]:
    counts$0[word] += 1
print(counts)
"#,
        expect![[r#"
            # Start `counts[word]` at 0 when the key is missing [dict-get-augmented]
            counts = {}
            for word in ["a", "b", "a"]:
                counts[word] = counts.get(word, 0) + 1
            print(counts)
        "#]],
    );
}

#[test]
fn grouping_into_an_empty_dict_uses_setdefault() {
    check_first_fix(
        r#"
groups = {}
groups$0["x"].append(1)
"#,
        expect![[r#"
            # Create `groups["x"]` on first use with `.setdefault()` [dict-setdefault]
            groups = {}
            groups.setdefault("x", []).append(1)
        "#]],
    );
}

#[test]
fn a_maybe_none_match_is_guarded_with_the_file_indentation() {
    check_first_fix(
        r#"
import re

def year(text):
  m = re.match(r"(\d{4})", text)
  print(m$0.group(1),
        "found")
  return 1
"#,
        expect![[r#"
            # Run this statement only when `m` is not None [guard-not-none]
            import re

            def year(text):
              m = re.match(r"(\d{4})", text)
              if m is not None:
                print(m.group(1),
                      "found")
              return 1
        "#]],
    );
}

#[test]
fn wrapping_keeps_multi_line_strings_and_crlf() {
    let fixture = "\n#- /main.py\r\nimport re\r\nm = re.match('a', 'b')\r\nprint(m.group(0), \"\"\"a\r\nb\"\"\")\r\n";
    let fixture_with_cursor = fixture.replacen("m.group", "m$0.group", 1);
    check_first_fix(
        &fixture_with_cursor,
        expect![[r#"
            # Run this statement only when `m` is not None [guard-not-none]
            import re⏎
            m = re.match('a', 'b')⏎
            if m is not None:⏎
                print(m.group(0), """a⏎
            b""")⏎
        "#]],
    );
}

#[test]
fn empty_list_index_gets_a_conditional_default() {
    check_first_fix(
        r#"
items = []
first = items$0[0]
print(first)
"#,
        expect![[r#"
            # Use None when `items` has no item 0 [index-or-default]
            items = []
            first = items[0] if items else None
            print(first)
        "#]],
    );
}

#[test]
fn division_by_zero_falls_back_to_zero() {
    check_first_fix(
        r#"
total = 0
print(10 $0/ total)
"#,
        expect![[r#"
            # Use 0 when `total` is zero [divide-or-zero]
            total = 0
            print(10 / total if total else 0)
        "#]],
    );
}

#[test]
fn exhausted_iterator_gets_a_default() {
    check_first_fix(
        r#"
it = iter([])
print(ne$0xt(it))
"#,
        expect![[r#"
            # Give `next()` a default: `next(it, None)` [next-default]
            it = iter([])
            print(next(it, None))
        "#]],
    );
}

#[test]
fn misspelt_name_is_renamed() {
    check_first_fix(
        r#"
total_price = 3
print($0total_pric)
"#,
        expect![[r#"
            # Change `total_pric` to `total_price` [rename-to-suggestion]
            total_price = 3
            print(total_price)
        "#]],
    );
}

#[test]
fn missing_stdlib_import_is_added_after_the_imports() {
    check_first_fix(
        r#"
"""Tool."""
import os

print(js$0on.dumps({}), os.sep)
"#,
        expect![[r#"
            # Add `import json` [add-import]
            """Tool."""
            import os
            import json

            print(json.dumps({}), os.sep)
        "#]],
    );
}

#[test]
fn mutable_default_becomes_none() {
    check_first_fix(
        r#"
def add(item, bucket=[$0]):
    """Adds."""
    bucket.append(item)
    return bucket
"#,
        expect![[r#"
            # Default `bucket` to None and create a fresh [] per call [mutable-default-none]
            def add(item, bucket=None):
                """Adds."""
                if bucket is None:
                    bucket = []
                bucket.append(item)
                return bucket
        "#]],
    );
}

#[test]
fn fastapi_route_answers_404_with_an_import() {
    check_first_fix(
        r#"
from fastapi import FastAPI

app = FastAPI()
ITEMS = {"a": 1}

@app.get("/items/{name}")
def read(name: str):
    items = {"a": 1}
    return {"value": items$0["b"]}
"#,
        expect![[r#"
            # Answer 404 when `"b"` is not in `items` [fastapi-key-404]
            from fastapi import FastAPI
            from fastapi import HTTPException

            app = FastAPI()
            ITEMS = {"a": 1}

            @app.get("/items/{name}")
            def read(name: str):
                items = {"a": 1}
                if "b" not in items:
                    raise HTTPException(status_code=404, detail="Not found")
                return {"value": items["b"]}
        "#]],
    );
}

#[test]
fn a_guard_that_would_leave_a_name_unbound_is_refused() {
    // Wrapping the assignment would make `v` possibly unbound below: only the
    // expression-level fix and the suppression are offered.
    let fixes = offered(
        r#"
import re
m = re.match("a", "b")
v = m$0.group(0)
print(v)
"#,
    );
    assert!(
        fixes.iter().all(|fix| !fix.contains("Run this statement")),
        "{fixes:?}"
    );
    assert_eq!(
        fixes.last().unwrap(),
        "Suppress `none-attribute` on this line (display-only)"
    );
}

#[test]
fn fixes_are_ranked_and_the_best_is_preferred() {
    let fixes = offered(
        r#"
cfg = {"host": "x"}
print(cfg$0["port"])
"#,
    );
    expect![[r#"
        [
            "* Use `cfg.get(\"port\", \"\")` instead of indexing (safe)",
            "Run this statement only when `\"port\"` is in `cfg` (safe)",
            "Suppress `key-error` on this line (display-only)",
        ]
    "#]]
    .assert_debug_eq(&fixes);
}

#[test]
fn next_of_a_generator_expression_keeps_its_parentheses() {
    check_first_fix(
        r#"
def first_negative(values):
    return n$0ext(v for v in values if v < 0)

print(first_negative([3, 5]))
"#,
        expect![[r#"
            # Give `next()` a default: `next((v for v in values if v < 0), None)` [next-default]
            def first_negative(values):
                return next((v for v in values if v < 0), None)

            print(first_negative([3, 5]))
        "#]],
    );
}

#[test]
fn a_len_divisor_gives_zero_instead_of_returning_none() {
    check_first_fix(
        r#"
def average(scores):
    return sum(scores) $0/ len(scores)

for scores in ([90, 85], []):
    print(average(scores))
"#,
        expect![[r#"
            # Use 0 when `len(scores)` is zero [divide-or-zero]
            def average(scores):
                return sum(scores) / len(scores) if len(scores) else 0

            for scores in ([90, 85], []):
                print(average(scores))
        "#]],
    );
}

#[test]
fn a_missing_imported_name_can_be_stubbed_in_the_other_module() {
    let fixture = Fixture::parse(
        r#"
#- /app/helpers.py
def load(path):
    return path
#- /app/main.py
from app.helpers import $0fetch_rows

print(fetch_rows())
"#,
    );
    let analysis = fixture.analysis();
    let position = fixture.position;
    let fixes = analysis
        .fixes(position.file, TextRange::empty(position.offset))
        .unwrap();
    let stub = fixes
        .iter()
        .find(|fix| fix.fix_id == "add-imported-stub")
        .unwrap_or_else(|| panic!("{fixes:#?}"));
    assert_eq!(stub.edits.len(), 1);
    assert_eq!(
        &*stub.edits[0].path,
        std::path::Path::new("/app/helpers.py")
    );
    let helpers = analysis
        .file_id(std::path::Path::new("/app/helpers.py"))
        .unwrap();
    expect![[r#"
        def load(path):
            return path


        def fetch_rows(*args, **kwargs):
            raise NotImplementedError("fetch_rows is not implemented yet")
    "#]]
    .assert_eq(&apply_edits(
        &analysis.file_text(helpers),
        &stub.edits[0].edits,
    ));
}

#[test]
fn a_statement_with_a_trailing_comment_can_be_guarded() {
    check_first_fix(
        r#"
import re
m = re.match("a", "b")
print(m$0.group(0))  # the year
"#,
        expect![[r#"
            # Run this statement only when `m` is not None [guard-not-none]
            import re
            m = re.match("a", "b")
            if m is not None:
                print(m.group(0))  # the year
        "#]],
    );
}

#[test]
fn an_unparsable_number_in_a_loop_skips_the_item_with_tabs_crlf_and_no_final_newline() {
    let fixture = "\n#- /main.py\r\nfor raw in [\"3\", \"x\"]:\r\n\tprint(int(raw))";
    let fixture_with_cursor = fixture.replacen("int(raw)", "int$0(raw)", 1);
    check_first_fix(
        &fixture_with_cursor,
        expect![[r##"
        # Skip to the next item when this statement raises ValueError [skip-item-on-error]
        for raw in ["3", "x"]:⏎
        	try:⏎
        		print(int(raw))⏎
        	except ValueError:⏎
        		continue⏎
    "##]],
    );
}

#[test]
fn an_unparsable_number_outside_a_loop_falls_back_to_zero_at_the_end_of_the_file() {
    check_first_fix(
        "\ndef parse():\n    return 2 * int$0(\"two\")\n\nprint(parse())",
        expect![[r##"
            # Fall back to `return 2 * 0` when `int()` cannot parse the text [fallback-on-parse-error]
            def parse():
                try:
                    return 2 * int("two")
                except ValueError:
                    return 2 * 0

            print(parse())"##]],
    );
}

#[test]
fn a_compound_statement_is_not_put_in_a_try() {
    let fixes = offered(
        r#"
def parse():
    if int$0("two") > 1:
        print("big")
"#,
    );
    assert!(
        fixes.iter().all(|fix| !fix.contains("Fall back")),
        "{fixes:?}"
    );
}

#[test]
fn a_while_loop_is_not_skipped_with_continue() {
    // `continue` could skip the step that ends a `while` loop: the fallback comes instead.
    check_first_fix(
        r#"
attempts = 0
while attempts < 3:
    count = int$0("x")
    attempts += 1
    print(count)
"#,
        expect![[r##"
            # Fall back to `count = 0` when `int()` cannot parse the text [fallback-on-parse-error]
            attempts = 0
            while attempts < 3:
                try:
                    count = int("x")
                except ValueError:
                    count = 0
                attempts += 1
                print(count)
        "##]],
    );
}
