//! Real CPython tracebacks, read as text: frames, the exception, chained exceptions and
//! exception groups; each exception classified with the same rule ids the static rules
//! use, so a crash seen in a log meets the finding (and later the patch) for its line.
//!
//! ```text
//! Traceback (most recent call last):
//!   File "/app/main.py", line 9, in <module>
//!     port = cfg["port"]
//! KeyError: 'port'
//! ```
//! is one exception (`KeyError`, rule `key-error`) whose innermost frame is `main.py:9`.

/// One `File "…", line N, in name` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracebackFrame {
    pub path: String,
    /// 1-based.
    pub line: u32,
    pub function: String,
    /// The source line CPython printed under the frame, if any.
    pub source: Option<String>,
}

/// One exception of a traceback, innermost frame last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracebackException {
    /// As printed: `KeyError`, `werkzeug.exceptions.BadRequestKeyError`.
    pub exception: String,
    pub message: String,
    pub frames: Vec<TracebackFrame>,
    /// The rule id this exception corresponds to, if any.
    pub rule: Option<&'static str>,
}

/// Every exception in `text`, in the order printed (for chains, the cause comes first
/// and the exception that ended the program last).
pub fn parse_traceback(text: &str) -> Vec<TracebackException> {
    let mut exceptions = Vec::new();
    let mut frames: Vec<TracebackFrame> = Vec::new();
    let mut in_traceback = false;
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    while at < lines.len() {
        // Exception groups prefix their nested tracebacks with `|` and `+-+---- 1 ----`.
        let line = strip_group_prefix(lines[at]);
        let trimmed = line.trim();
        at += 1;
        if trimmed.starts_with("Traceback (most recent call last)") {
            in_traceback = true;
            frames.clear();
            continue;
        }
        if let Some(frame) = parse_frame_line(trimmed) {
            let mut frame = frame;
            // The next line is the source when it is not another frame or marker.
            if let Some(next) = lines.get(at).map(|next| strip_group_prefix(next).trim()) {
                if !next.is_empty()
                    && !next.starts_with("File \"")
                    && !is_exception_line(next)
                    && !next.chars().all(|char| matches!(char, '^' | '~' | ' '))
                {
                    frame.source = Some(next.to_owned());
                    at += 1;
                }
            }
            frames.push(frame);
            continue;
        }
        if in_traceback && is_exception_line(trimmed) {
            let (exception, message) = match trimmed.split_once(':') {
                Some((name, message)) => (name.trim().to_owned(), message.trim().to_owned()),
                None => (trimmed.to_owned(), String::new()),
            };
            let rule = classify(&exception, &message);
            exceptions.push(TracebackException {
                exception,
                message,
                frames: std::mem::take(&mut frames),
                rule,
            });
            in_traceback = false;
        }
    }
    exceptions
}

fn strip_group_prefix(line: &str) -> &str {
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start();
        if let Some(after) = trimmed.strip_prefix('|') {
            rest = after;
        } else if trimmed.starts_with("+-") || trimmed.starts_with("+ ") {
            return "";
        } else {
            return rest;
        }
    }
}

fn parse_frame_line(line: &str) -> Option<TracebackFrame> {
    let rest = line.strip_prefix("File \"")?;
    let (path, rest) = rest.split_once('"')?;
    let rest = rest.trim_start_matches(',').trim();
    let rest = rest.strip_prefix("line ")?;
    let (number, rest) = match rest.split_once(',') {
        Some((number, rest)) => (number.trim(), rest.trim()),
        None => (rest.trim(), ""),
    };
    let line: u32 = number.parse().ok()?;
    let function = rest.strip_prefix("in ").unwrap_or(rest).trim().to_owned();
    Some(TracebackFrame {
        path: path.to_owned(),
        line,
        function,
        source: None,
    })
}

/// `KeyError: 'x'`, `ValueError`, `pkg.errors.Custom: …`: a dotted identifier that ends in
/// `Error`, `Exception`, `Exit`, `Interrupt`, `Iteration`, `Warning`, `Group` or names
/// a known framework exception, optionally followed by `:`.
fn is_exception_line(line: &str) -> bool {
    let name = line.split(':').next().unwrap_or("").trim();
    if name.is_empty() || name.contains(' ') {
        return false;
    }
    let valid = name
        .split('.')
        .all(|part| !part.is_empty() && crate::resolve::is_python_identifier(part));
    let last = name.rsplit('.').next().unwrap_or(name);
    valid
        && (last.ends_with("Error")
            || last.ends_with("Exception")
            || last.ends_with("Exit")
            || last.ends_with("Interrupt")
            || last.ends_with("Iteration")
            || last.ends_with("Warning")
            || last.ends_with("Group")
            || matches!(
                last,
                "DoesNotExist" | "NoResultFound" | "MultipleResultsFound"
            ))
}

/// The rule id for an exception class and message.
pub fn classify(exception: &str, message: &str) -> Option<&'static str> {
    let name = exception.rsplit('.').next().unwrap_or(exception);
    let none = message.contains("NoneType");
    Some(match name {
        "KeyError" => "key-error",
        "BadRequestKeyError" => "flask-request-key-error",
        "MultiValueDictKeyError" => "django-querydict-key-error",
        "DoesNotExist" | "ObjectDoesNotExist" => "django-get-does-not-exist",
        "NoResultFound" => "sqlalchemy-one-no-result",
        "IndexError" => "index-error",
        "StopIteration" => "stop-iteration",
        "ZeroDivisionError" => "division-by-zero",
        "RecursionError" => "unbounded-recursion",
        "UnboundLocalError" => "unbound-local",
        "NameError" if message.contains("before assignment") => "unbound-local",
        "NameError" => "undefined-name",
        "ModuleNotFoundError" => "unresolved-import",
        "ImportError" if message.contains("partially initialized") => "circular-import",
        "ImportError" => "missing-import-name",
        "AttributeError" if none => "none-attribute",
        "AttributeError" if message.contains("partially initialized") => "circular-import",
        "AttributeError" => "unknown-attribute",
        "TypeError" if message.contains("not subscriptable") => {
            if none {
                "none-subscript"
            } else {
                "not-subscriptable"
            }
        }
        "TypeError" if message.contains("not callable") => {
            if none {
                "none-call"
            } else {
                "not-callable"
            }
        }
        "TypeError" if message.contains("not iterable") || message.contains("cannot unpack") => {
            if none {
                "none-iteration"
            } else {
                "not-iterable"
            }
        }
        "TypeError" if message.contains("unhashable type") => "unhashable-key",
        "TypeError"
            if message.contains("unsupported operand")
                || message.contains("can only concatenate")
                || message.contains("can't multiply")
                || message.contains("must be str, not") =>
        {
            if none {
                "none-operand"
            } else {
                "bad-operand"
            }
        }
        "TypeError"
            if message.contains("positional argument")
                || message.contains("required positional")
                || message.contains("required keyword")
                || message.contains("unexpected keyword")
                || message.contains("multiple values for") =>
        {
            "call-arity"
        }
        "TypeError" if message.contains("abstract") => "abstract-instantiation",
        "TypeError" => "bad-builtin-arg",
        "ValueError"
            if message.contains("values to unpack") || message.contains("too many values") =>
        {
            "unpack-mismatch"
        }
        "ValueError" if message.contains("not in list") || message.contains("x not in list") => {
            "list-value-missing"
        }
        "ValueError"
            if message.contains("invalid literal")
                || message.contains("could not convert")
                || message.contains("math domain error") =>
        {
            "bad-builtin-arg"
        }
        "JSONDecodeError" => "bad-builtin-arg",
        "SyntaxError" | "IndentationError" | "TabError" => "syntax-error",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_traceback() {
        let text = r#"Traceback (most recent call last):
  File "/srv/app/main.py", line 14, in <module>
    print(connect())
          ^^^^^^^^^
  File "/srv/app/main.py", line 9, in connect
    port = settings["port"]
           ~~~~~~~~^^^^^^^^
KeyError: 'port'
"#;
        let parsed = parse_traceback(text);
        assert_eq!(parsed.len(), 1);
        let exception = &parsed[0];
        assert_eq!(exception.exception, "KeyError");
        assert_eq!(exception.message, "'port'");
        assert_eq!(exception.rule, Some("key-error"));
        assert_eq!(exception.frames.len(), 2);
        assert_eq!(exception.frames[1].line, 9);
        assert_eq!(exception.frames[1].function, "connect");
        assert_eq!(
            exception.frames[1].source.as_deref(),
            Some("port = settings[\"port\"]")
        );
    }

    #[test]
    fn chained_and_grouped_exceptions() {
        let text = r#"Traceback (most recent call last):
  File "a.py", line 3, in load
    return cfg["x"]
KeyError: 'x'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "a.py", line 5, in load
    raise ValueError("bad config")
ValueError: bad config
  + Exception Group Traceback (most recent call last):
  |   File "b.py", line 7, in <module>
  |     run()
  | ExceptionGroup: errors (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | Traceback (most recent call last):
    |   File "b.py", line 2, in one
    |     return 1 / 0
    | ZeroDivisionError: division by zero
    +---------------- 2 ----------------
    | Traceback (most recent call last):
    |   File "b.py", line 4, in two
    |     return None.x
    | AttributeError: 'NoneType' object has no attribute 'x'
    +------------------------------------
"#;
        let parsed = parse_traceback(text);
        let summary: Vec<(&str, Option<&str>, u32)> = parsed
            .iter()
            .map(|exception| {
                (
                    exception.exception.as_str(),
                    exception.rule,
                    exception.frames.last().map_or(0, |frame| frame.line),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("KeyError", Some("key-error"), 3),
                ("ValueError", None, 5),
                ("ZeroDivisionError", Some("division-by-zero"), 2),
                ("AttributeError", Some("none-attribute"), 4),
            ]
        );
    }

    #[test]
    fn messages_pick_the_specific_rule() {
        assert_eq!(
            classify(
                "TypeError",
                "unsupported operand type(s) for +: 'NoneType' and 'int'"
            ),
            Some("none-operand")
        );
        assert_eq!(
            classify(
                "TypeError",
                "greet() missing 1 required positional argument: 'name'"
            ),
            Some("call-arity")
        );
        assert_eq!(
            classify(
                "NameError",
                "cannot access local variable 'x' where it is not associated with a value"
            ),
            Some("undefined-name")
        );
        assert_eq!(
            classify("UnboundLocalError", "cannot access local variable 'x'"),
            Some("unbound-local")
        );
        assert_eq!(classify("SystemExit", "1"), None);
    }
}
