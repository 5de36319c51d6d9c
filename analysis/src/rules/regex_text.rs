//! What text a regular expression's match can hold: the groups of a match of a literal
//! pattern (`re.match(r'\s+("(?:\\\d\d\d)*")},$', line).group(1)`) can only contain the
//! characters the pattern lets through. `eval` of such text cannot call anything when no
//! `(` can occur in it, whatever the text it was cut from.

use crate::index::{child_by_field, kind_of};
use tree_sitter::Node;

use super::context::RuleContext;
use super::dotted::{callee_path, positional_argument};
use crate::index::DefinitionKind;

/// Characters without which evaluated text can neither call a function nor build a huge
/// value (`9**9**9`, `1<<10**9`).
const CALL_OR_BLOWUP: &[char] = &['(', '*', '<'];

/// How far names and matches are followed.
const MAX_DEPTH: usize = 4;

/// Whether `node` can only be text that cannot call code when evaluated: a group of a
/// match of a literal pattern that admits none of `(`, `*`, `<`, or a literal, or a name
/// every reaching binding of which is one of those.
pub(super) fn is_inert_eval_text(context: &RuleContext<'_>, node: Node<'_>) -> bool {
    is_inert(context, node, 0)
}

fn is_inert(context: &RuleContext<'_>, node: Node<'_>, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match kind_of(node) {
        "none" | "integer" | "float" | "true" | "false" => true,
        "string" => {
            let mut cursor = node.walk();
            !node
                .named_children(&mut cursor)
                .any(|child| kind_of(child) == "interpolation")
        }
        "parenthesized_expression" => node
            .named_child(0)
            .is_some_and(|inner| is_inert(context, inner, depth + 1)),
        "identifier" => reaching_values(context, node).is_some_and(|values| {
            values
                .into_iter()
                .all(|value| is_inert(context, value, depth + 1))
        }),
        // `mo.group(1)`, `mo.groups()`, `mo.groupdict()`.
        "call" => {
            let Some(function) = child_by_field(node, "function")
                .filter(|function| kind_of(*function) == "attribute")
            else {
                return false;
            };
            let method =
                child_by_field(function, "attribute").map(|attribute| context.node_text(attribute));
            matches!(method, Some("group" | "groups" | "groupdict"))
                && child_by_field(function, "object")
                    .and_then(|receiver| match_pattern(context, receiver, depth + 1))
                    .is_some_and(|pattern| !may_match_any(&pattern, CALL_OR_BLOWUP))
        }
        // `mo[1]`
        "subscript" => child_by_field(node, "value")
            .and_then(|receiver| match_pattern(context, receiver, depth + 1))
            .is_some_and(|pattern| !may_match_any(&pattern, CALL_OR_BLOWUP)),
        _ => false,
    }
}

/// The value expressions of the bindings of `name` that may reach it (each an
/// assignment of a value), or None when one of them is something else.
fn reaching_values<'db>(context: &RuleContext<'db>, name: Node<'_>) -> Option<Vec<Node<'db>>> {
    let (reaching, _) = super::taint::reaching_definitions(context, name)?;
    let mut values = Vec::new();
    for id in reaching {
        let definition = context.index.definition(id);
        if definition.kind != DefinitionKind::Assignment {
            return None;
        }
        values.push(context.node(definition.value_range?)?);
    }
    (!values.is_empty()).then_some(values)
}

/// The pattern (as the regex engine reads it) of the match `receiver` holds: a call of
/// `re.match`/`search`/`fullmatch` with a literal pattern, or of a method of a pattern
/// compiled from a literal, possibly through a name.
fn match_pattern(context: &RuleContext<'_>, receiver: Node<'_>, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    match kind_of(receiver) {
        "identifier" => {
            // Every binding must be a match of a known pattern; the most permissive one
            // stands for all of them.
            let patterns = reaching_values(context, receiver)?
                .into_iter()
                .map(|value| match_pattern(context, value, depth + 1))
                .collect::<Option<Vec<String>>>()?;
            patterns
                .iter()
                .find(|pattern| may_match_any(pattern, CALL_OR_BLOWUP))
                .or(patterns.first())
                .cloned()
        }
        "call" => {
            let path = callee_path(context, receiver);
            if let Some(path) = &path
                && matches!(path.as_str(), "re.match" | "re.search" | "re.fullmatch")
            {
                return literal_pattern(context, positional_argument(receiver, 0)?);
            }
            let function = child_by_field(receiver, "function")
                .filter(|function| kind_of(*function) == "attribute")?;
            let method = child_by_field(function, "attribute")
                .map(|attribute| context.node_text(attribute))?;
            if !matches!(method, "match" | "search" | "fullmatch") {
                return None;
            }
            compiled_pattern(context, child_by_field(function, "object")?, depth + 1)
        }
        _ => None,
    }
}

/// The pattern of `re.compile(LITERAL)`, directly or through a name.
fn compiled_pattern(context: &RuleContext<'_>, node: Node<'_>, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    match kind_of(node) {
        "identifier" => match reaching_values(context, node)?.as_slice() {
            [value] => compiled_pattern(context, *value, depth + 1),
            _ => None,
        },
        "call" if callee_path(context, node).is_some_and(|path| path == "re.compile") => {
            literal_pattern(context, positional_argument(node, 0)?)
        }
        _ => None,
    }
}

/// The text the regex engine receives from a string literal: raw strings as written;
/// plain ones with `\\` read as one backslash. Escapes that can spell any character
/// (`\x28`, octal, `\N{…}`, `\u…`) give None.
fn literal_pattern(context: &RuleContext<'_>, node: Node<'_>) -> Option<String> {
    if kind_of(node) != "string" {
        return None;
    }
    let raw = context.node_text(node);
    let prefix_len = raw.find(['\'', '"'])?;
    let is_raw = raw[..prefix_len].to_ascii_lowercase().contains('r');
    let body = crate::index::string_value(raw)?;
    if is_raw {
        return Some(body);
    }
    let mut pattern = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            pattern.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => pattern.push('\\'),
            'n' => pattern.push('\n'),
            't' => pattern.push('\t'),
            'r' => pattern.push('\r'),
            '\'' => pattern.push('\''),
            '"' => pattern.push('"'),
            'x' | 'u' | 'U' | 'N' | '0'..='7' => return None,
            // Python keeps an unknown escape as written: the regex engine reads it.
            other => {
                pattern.push('\\');
                pattern.push(other);
            }
        }
    }
    Some(pattern)
}

/// Whether the regular expression `pattern` may match text containing one of
/// `characters`. Conservative: anything it does not understand may match.
pub(super) fn may_match_any(pattern: &str, characters: &[char]) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        match chars[at] {
            '\\' => {
                let Some(&escaped) = chars.get(at + 1) else {
                    return true;
                };
                if escape_may_match(escaped, characters) {
                    return true;
                }
                at += 2;
            }
            '[' => {
                let Some(end) = class_may_match(&chars, at, characters) else {
                    return true;
                };
                at = end;
            }
            '.' => return true,
            '(' if chars.get(at + 1) == Some(&'?') => {
                at += 2;
                match chars.get(at) {
                    // `(?P<name>…)`, `(?P=name)`, `(?<=…)`, `(?<!…)`: skip the name.
                    Some('P') if chars.get(at + 1) == Some(&'<') => {
                        while at < chars.len() && chars[at] != '>' {
                            at += 1;
                        }
                        at += 1;
                    }
                    Some('P') => {
                        while at < chars.len() && chars[at] != ')' {
                            at += 1;
                        }
                    }
                    Some('#') => {
                        while at < chars.len() && chars[at] != ')' {
                            at += 1;
                        }
                    }
                    Some('<') => at += 2,
                    // `(?:`, `(?=`, `(?!`, flags `(?i)` / `(?i-s:…)`.
                    _ => {
                        while chars
                            .get(at)
                            .is_some_and(|c| c.is_ascii_alphabetic() || *c == '-')
                        {
                            at += 1;
                        }
                        if chars.get(at).is_some_and(|c| matches!(c, ':' | '=' | '!')) {
                            at += 1;
                        }
                    }
                }
            }
            '(' | ')' | '|' | '*' | '+' | '?' | '^' | '$' => at += 1,
            '{' => {
                // A repetition `{m}`, `{m,n}`; otherwise a literal brace.
                let close = chars[at..].iter().position(|&c| c == '}');
                let is_repeat = close.is_some_and(|close| {
                    close > 1
                        && chars[at + 1..at + close]
                            .iter()
                            .all(|c| c.is_ascii_digit() || *c == ',')
                });
                if is_repeat {
                    at += close.unwrap_or(0) + 1;
                } else {
                    if characters.contains(&'{') {
                        return true;
                    }
                    at += 1;
                }
            }
            literal => {
                if characters.contains(&literal) {
                    return true;
                }
                at += 1;
            }
        }
    }
    false
}

/// Whether `\escaped` outside a class may match one of `characters`.
fn escape_may_match(escaped: char, characters: &[char]) -> bool {
    match escaped {
        'd' => characters.iter().any(char::is_ascii_digit),
        's' => characters.iter().any(|c| c.is_whitespace()),
        'w' => characters.iter().any(|c| c.is_alphanumeric() || *c == '_'),
        'b' | 'B' | 'A' | 'Z' => false,
        '1'..='9' => false,
        'D' | 'S' | 'W' | 'x' | 'u' | 'U' | 'N' | '0' => true,
        literal => characters.contains(&literal),
    }
}

/// For the class opening at `start`: the index after its closing `]`, or None when it
/// may match one of `characters` (or cannot be read).
fn class_may_match(chars: &[char], start: usize, characters: &[char]) -> Option<usize> {
    let mut at = start + 1;
    if chars.get(at) == Some(&'^') {
        return None;
    }
    let mut members: Vec<char> = Vec::new();
    let mut first = true;
    while at < chars.len() {
        let c = chars[at];
        if c == ']' && !first {
            break;
        }
        first = false;
        let member = if c == '\\' {
            let escaped = *chars.get(at + 1)?;
            at += 2;
            match escaped {
                'd' | 's' | 'w' => {
                    if escape_may_match(escaped, characters) {
                        return None;
                    }
                    continue;
                }
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'D' | 'S' | 'W' | 'x' | 'u' | 'U' | 'N' | '0'..='9' => return None,
                literal => literal,
            }
        } else {
            at += 1;
            c
        };
        // A range `a-z`.
        if chars.get(at) == Some(&'-') && chars.get(at + 1).is_some_and(|&end| end != ']') {
            let end = chars[at + 1];
            if end == '\\' {
                return None;
            }
            if characters.iter().any(|&c| member <= c && c <= end) {
                return None;
            }
            at += 2;
            continue;
        }
        members.push(member);
    }
    if at >= chars.len() {
        return None;
    }
    if members.iter().any(|member| characters.contains(member)) {
        return None;
    }
    Some(at + 1)
}

#[cfg(test)]
mod tests {
    use super::{CALL_OR_BLOWUP, may_match_any};

    #[test]
    fn patterns_that_cannot_produce_a_call() {
        for pattern in [
            r#"\s+("(?:\\\d\d\d)*")},$"#,
            r#"\s+{(\d+), (0|"\w+")},$"#,
            r"(?P<name>[A-Za-z_]\w*)=(\d{1,3})",
            r"[a-z0-9 ,.+-]+",
            r"(?i)(true|false)",
        ] {
            assert!(!may_match_any(pattern, CALL_OR_BLOWUP), "{pattern}");
        }
    }

    #[test]
    fn patterns_that_may_produce_a_call() {
        for pattern in [
            r"(.*)",
            r"(\S+)",
            r"([^,]+)",
            r"([\w()]+)",
            r"(\()",
            r"([ -/]+)",
            r"(\x28)",
            r"(a\W)",
            r"[",
            r"(\d+\*\d+)",
        ] {
            assert!(may_match_any(pattern, CALL_OR_BLOWUP), "{pattern}");
        }
    }
}
