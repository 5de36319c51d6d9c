//! Hand models of the standard-library calls whose values decide crashes: the ones that
//! return `None` on failure (`re.match`, `os.environ.get`, `shutil.which`), and a few
//! whose arguments are checked (`math.sqrt(-1)`, `json.loads`). A model wins over the
//! module's source, which says too little about these values.
//!
//! ```python
//! m = re.match(r"\d+", text)     # Match | None
//! home = os.environ.get("HOME")  # str | None
//! ```

use smol_str::SmolStr;

use super::builtins::Arguments;
use crate::values::{ClassRef, Shape, Union, Value};

/// Module attributes with a model: functions (by qualified name) and a few objects.
pub fn module_attribute(module: &str, attribute: &str) -> Option<Value> {
    let qualified = format!("{module}.{attribute}");
    if MODELLED_FUNCTIONS.contains(&qualified.as_str())
        || NEVER_RETURNING.contains(&qualified.as_str())
    {
        return Some(Value::BuiltinFunction(SmolStr::new(qualified)));
    }
    match qualified.as_str() {
        "os.environ" => Some(Value::Instance(ClassRef::builtin("os._Environ"), None)),
        "os.path" => Some(Value::Module(SmolStr::new("os.path"))),
        // The platform's name: code analysed once for every platform has no one value
        // here (`os.py` reads `'posix'` or `'nt'`, and a branch written for one platform
        // never sees the other's).
        "os.name" | "sys.platform" => Some(Value::Str(None)),
        "sys.argv" => Some(Value::List(crate::values::Items::of(Some(Union::new(
            Value::Str(None),
            None,
        ))))),
        _ => None,
    }
}

/// Functions that never return normally: they exit or raise on every call.
pub const NEVER_RETURNING: &[&str] = &[
    "sys.exit",
    "os._exit",
    "os.abort",
    "pytest.fail",
    "pytest.skip",
    "pytest.exit",
    "flask.abort",
    "werkzeug.exceptions.abort",
];

const MODELLED_FUNCTIONS: &[&str] = &[
    "re.match",
    "re.search",
    "re.fullmatch",
    "re.compile",
    "os.getenv",
    "shutil.which",
    "math.sqrt",
    "math.log",
    "json.loads",
    "json.load",
    "json.dumps",
    "os.path.join",
    "os.path.basename",
    "os.path.dirname",
    "os.path.exists",
    "os.path.isfile",
    "os.path.isdir",
];

fn optional(value: Value) -> Union {
    Union::new(value, None).join(&Union::new(Value::None, None))
}

fn instance(name: &str) -> Value {
    Value::Instance(ClassRef::builtin(name), None)
}

/// The text of a value known to be one string.
fn known_str(value: Option<&Union>) -> Option<&str> {
    match value?.single()? {
        Value::Str(Some(text)) => Some(text.as_str()),
        _ => None,
    }
}

/// A match object, None, or either, from what is known of the outcome.
fn match_result(found: Value, outcome: Option<bool>) -> Union {
    match outcome {
        Some(true) => Union::new(found, None),
        Some(false) => Union::new(Value::None, None),
        None => optional(found),
    }
}

/// The longest subject text a known-text regex call is evaluated on.
const MAX_REGEX_SUBJECT: usize = 10_000;

/// Whether `re.<method>(pattern, subject)` finds a match: evaluated when the subject is
/// known, or `true` for any subject when the pattern matches the empty string at the start
/// (`^([ \t]*)`). `None` when the pattern uses what the regex engine here reads
/// differently from Python's `re` (then nothing is claimed).
pub(crate) fn regex_outcome(method: &str, pattern: &str, subject: Option<&str>) -> Option<bool> {
    // Set operations (`&&`, `--`, `~~`) and nested classes (`[[`) mean other things in
    // Python's character classes; backreferences and lookarounds are not supported here.
    if ["&&", "--", "~~", "[[", "(?=", "(?!", "(?<=", "(?<!", "(?P="]
        .iter()
        .any(|construct| pattern.contains(construct))
    {
        return None;
    }
    let pattern = pattern.replace("\\Z", "\\z");
    let anchored = match method {
        "match" => format!("\\A(?:{pattern})"),
        "fullmatch" => format!("\\A(?:{pattern})\\z"),
        "search" => pattern.clone(),
        _ => return None,
    };
    if let Some(subject) = subject {
        // Python's `$` also matches before a final newline.
        if subject.len() > MAX_REGEX_SUBJECT || (pattern.contains('$') && subject.ends_with('\n')) {
            return None;
        }
        let regex = regex::RegexBuilder::new(&anchored)
            .size_limit(1 << 20)
            .build()
            .ok()?;
        return Some(regex.is_match(subject));
    }
    if method == "fullmatch" {
        return None;
    }
    let hir = regex_syntax::Parser::new().parse(&anchored).ok()?;
    let properties = hir.properties();
    let only_start_anchor = properties
        .look_set()
        .iter()
        .all(|look| look == regex_syntax::hir::Look::Start);
    (properties.minimum_len() == Some(0) && only_start_anchor).then_some(true)
}

/// Marks the bytes flavour of `re.Pattern` and `re.Match` in their class names.
const BYTES_SUFFIX: &str = "[bytes]";

fn regex_class(name: &str, over_bytes: bool) -> Value {
    if over_bytes {
        instance(&format!("{name}{BYTES_SUFFIX}"))
    } else {
        instance(name)
    }
}

/// Whether every member of `value` is bytes or a bytes pattern.
fn is_bytes(value: &Union) -> bool {
    value.values().all(|value| match value {
        Value::Bytes => true,
        Value::Instance(ClassRef::Builtin(name), _) => name.ends_with(BYTES_SUFFIX),
        _ => false,
    })
}

/// The result of calling a modelled function (`re.match`) or a method of a modelled
/// object (`os._Environ.get`, `re.Pattern.match`), and the exceptions it may raise.
///
/// `pattern` is the text of the receiver's pattern for `re.Pattern` methods, when known.
pub fn call(
    qualified: &str,
    arguments: &Arguments,
    pattern: Option<&str>,
) -> Option<(Union, Vec<&'static str>)> {
    let first = arguments.positional.first();
    // Patterns and matches over bytes are their own classes (`re.Match[bytes]`): their
    // groups are bytes.
    let (qualified, over_bytes) = match qualified.split_once(BYTES_SUFFIX) {
        Some((class, method)) => (format!("{class}{method}"), true),
        None => (qualified.to_owned(), false),
    };
    let bytes_argument = |index: usize| arguments.positional.get(index).is_some_and(is_bytes);
    Some(match qualified.as_str() {
        "re.match" | "re.search" | "re.fullmatch" => {
            let found = regex_class("re.Match", bytes_argument(0) || bytes_argument(1));
            let outcome = if arguments.positional.len() == 2 && arguments.keywords.is_empty() {
                let method = qualified.trim_start_matches("re.");
                known_str(arguments.positional.first()).and_then(|pattern| {
                    regex_outcome(method, pattern, known_str(arguments.positional.get(1)))
                })
            } else {
                None
            };
            (match_result(found, outcome), Vec::new())
        }
        "re.Pattern.match" | "re.Pattern.search" | "re.Pattern.fullmatch" => {
            let found = regex_class("re.Match", over_bytes || bytes_argument(0));
            let outcome = if arguments.positional.len() == 1 && arguments.keywords.is_empty() {
                let method = qualified.trim_start_matches("re.Pattern.");
                pattern.and_then(|pattern| {
                    regex_outcome(method, pattern, known_str(arguments.positional.first()))
                })
            } else {
                None
            };
            (match_result(found, outcome), Vec::new())
        }
        "re.compile" => {
            // The pattern's text rides along as its `pattern` attribute, so its methods
            // can tell whether they match (flags change how it reads: then it does not).
            let shape = if arguments.positional.len() == 1 && arguments.keywords.is_empty() {
                arguments
                    .positional
                    .first()
                    .filter(|pattern| known_str(Some(pattern)).is_some())
                    .and_then(|pattern| {
                        Shape::new(vec![(SmolStr::new_static("pattern"), pattern.clone())])
                    })
            } else {
                None
            };
            let class = if bytes_argument(0) {
                format!("re.Pattern{BYTES_SUFFIX}")
            } else {
                "re.Pattern".to_owned()
            };
            (
                Union::new(Value::Instance(ClassRef::builtin(&class), shape), None),
                Vec::new(),
            )
        }
        "os.getenv" | "os._Environ.get" => {
            let found = Union::new(Value::Str(None), None);
            let missing = arguments
                .positional
                .get(1)
                .cloned()
                .or_else(|| {
                    arguments
                        .keywords
                        .iter()
                        .find(|(name, _)| name == "default")
                        .map(|(_, value)| value.clone())
                })
                .unwrap_or_else(|| Union::new(Value::None, None));
            (found.join(&missing), Vec::new())
        }
        "shutil.which" => (optional(Value::Str(None)), Vec::new()),
        "math.sqrt" | "math.log" => {
            let negative = first.is_some_and(|value| {
                value.values().any(|value| match value {
                    Value::Int(Some(number)) => *number < 0,
                    Value::Float(Some(bits)) => f64::from_bits(*bits) < 0.0,
                    _ => false,
                })
            });
            let raises = if negative {
                vec!["ValueError"]
            } else {
                Vec::new()
            };
            (Union::new(Value::Float(None), None), raises)
        }
        "json.loads" | "json.load" => (Union::unknown(), vec!["json.JSONDecodeError"]),
        "json.dumps" | "os.path.join" | "os.path.basename" | "os.path.dirname" => {
            (Union::new(Value::Str(None), None), Vec::new())
        }
        "os.path.exists" | "os.path.isfile" | "os.path.isdir" => {
            (Union::new(Value::Bool(None), None), Vec::new())
        }
        // A group in an optional part of the pattern may be None; most groups are not,
        // and guessing None everywhere would flag every `int(m.group(1))`.
        "re.Match.group" => (
            Union::new(
                if over_bytes {
                    Value::Bytes
                } else {
                    Value::Str(None)
                },
                None,
            ),
            vec!["IndexError"],
        ),
        "re.Match.groups" => (
            Union::new(Value::Tuple(crate::values::Items::of(None)), None),
            Vec::new(),
        ),
        "re.Match.groupdict" => (
            Union::new(
                Value::Dict(Box::new(crate::values::DictValue {
                    entries: Vec::new(),
                    open: true,
                })),
                None,
            ),
            Vec::new(),
        ),
        "re.Match.start" | "re.Match.end" => (Union::new(Value::Int(None), None), Vec::new()),
        name if NEVER_RETURNING.contains(&name) => {
            let raises = match name {
                "sys.exit" => vec!["SystemExit"],
                "flask.abort" | "werkzeug.exceptions.abort" => vec!["HTTPException"],
                _ => Vec::new(),
            };
            (Union::unknown(), raises)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::regex_outcome;

    #[test]
    fn regex_outcomes_on_known_and_unknown_text() {
        // Known subjects are matched.
        assert_eq!(
            regex_outcome("match", r"(\d+)\.(\d+)", Some("3.11")),
            Some(true)
        );
        assert_eq!(
            regex_outcome("match", r"(\d+)\.(\d+)", Some("v3.11")),
            Some(false)
        );
        assert_eq!(
            regex_outcome("search", r"(\d+)\.(\d+)", Some("v3.11")),
            Some(true)
        );
        assert_eq!(
            regex_outcome("fullmatch", r"\d+", Some("311a")),
            Some(false)
        );
        assert_eq!(regex_outcome("fullmatch", r"\d+", Some("311")), Some(true));
        assert_eq!(
            regex_outcome("match", r"(?P<key>\w+)=", Some("port=80")),
            Some(true)
        );
        // Patterns that match the empty string at the start never fail.
        assert_eq!(regex_outcome("match", r"^([ \t]*)", None), Some(true));
        assert_eq!(regex_outcome("search", r"[^:]*", None), Some(true));
        // Others may fail on unknown text.
        assert_eq!(regex_outcome("match", r"\d*$", None), None);
        assert_eq!(regex_outcome("match", r"\s+", None), None);
        assert_eq!(regex_outcome("fullmatch", r".*", None), None);
        // What Python reads differently is left alone.
        assert_eq!(regex_outcome("match", r"[[a]", Some("[")), None);
        assert_eq!(regex_outcome("match", r"(a)(?P=x)", Some("aa")), None);
        assert_eq!(regex_outcome("match", r"a$", Some("a\n")), None);
    }
}
