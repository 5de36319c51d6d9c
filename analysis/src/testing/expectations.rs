//! Inline expectations in Python files, and checking them against the analysis in both
//! directions: every expectation must be met, every finding must be expected.
//!
//! Terminology:
//! - An *expectation comment* is a real comment (a tree-sitter `comment` node, so a `#`
//!   inside a string never counts) whose text, after `#` and optional carets, starts
//!   with a directive: `hover:`, `hover[NAME]:`, `expect:`, `expect-not:` or `heal:`.
//!   Any other comment is prose and is ignored.
//! - The *target line* is the line the expectation speaks about:
//!   - a *trailing* comment targets its own line;
//!   - an *own-line* comment targets the next code line, skipping blank lines and
//!     comment-only lines (other expectations, prose);
//!   - a *caret* comment (`#   ^^^ hover: …`) targets the code line above it, skipping
//!     the caret lines in between; its carets give the columns.
//!
//! ```python
//! cfg = {"host": "localhost"}
//! # expect: key-error confidence=definite
//! port = cfg["port"]
//! #      ^^^^^^^^^^^ heal: key-error "Use `cfg.get('port')`"
//! print(port)  # hover[port]: (variable) port
//! ```
//!
//! Directives:
//! - `hover[NAME]: TEXT`: the hover at the first whole-word occurrence of NAME on the
//!   target line (under the carets, with carets) contains TEXT, whitespace runs collapsed
//!   on both sides. `hover: TEXT` hovers the caret column, or without carets the first
//!   identifier of the line. `TEXT` = `none` asserts there is no hover.
//! - `expect: RULE-ID [confidence=definite|likely|possible]`: a finding of that rule
//!   starts on the target line (and overlaps the carets), with that confidence if given.
//! - `expect-not: RULE-ID`: no finding of that rule starts there (for guards).
//! - `heal: RULE-ID FIX-ID` or `heal: RULE-ID "TITLE"`: the first (preferred) verified
//!   fix offered for that rule's finding on the target line is the template `FIX-ID`
//!   (or has that title).

use std::fmt;
use std::ops::Range;

use line_index::{TextRange, TextSize};

use crate::api::{Analysis, Cancellable, FileId};
use crate::config::Confidence;
use crate::ide::Diagnostic;
use crate::parse::parse_text;

/// A fix offered for a finding, as `heal:` expectations see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedFix {
    pub rule: String,
    pub id: String,
    pub title: String,
}

/// One inline expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub kind: ExpectationKind,
    /// The 0-based line the expectation speaks about.
    pub target_line: u32,
    /// The columns marked by carets: 0-based character columns, end exclusive.
    pub columns: Option<Range<u32>>,
    /// The 0-based line of the comment stating the expectation.
    pub comment_line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectationKind {
    /// `hover[NAME]: TEXT`, `hover: TEXT`, `hover[NAME]: none`.
    Hover {
        name: Option<String>,
        expected: HoverExpectation,
    },
    /// `expect: RULE-ID [confidence=…]`.
    Finding {
        rule: String,
        confidence: Option<Confidence>,
    },
    /// `expect-not: RULE-ID`.
    NoFinding { rule: String },
    /// `heal: RULE-ID FIX-ID` or `heal: RULE-ID "TITLE"`; `fix` is the id or the title.
    Heal { rule: String, fix: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoverExpectation {
    /// The hover markdown contains this text (whitespace runs collapsed on both sides).
    Contains(String),
    /// There is no hover.
    Nothing,
}

/// A comment that starts like an expectation but cannot be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedExpectation {
    /// The 0-based line of the comment.
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedExpectations {
    /// In source order of their comments.
    pub expectations: Vec<Expectation>,
    pub malformed: Vec<MalformedExpectation>,
}

/// Every expectation of a Python file.
pub fn parse_expectations(text: &str) -> ParsedExpectations {
    ExpectationSource::new(text).parsed
}

/// A failed expectation or an unexpected finding, located in the file it concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// 1-based character column, when the failure points at one.
    pub column: Option<u32>,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What checking one file found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCheck {
    pub failures: Vec<Failure>,
    /// Remarks that are not failures (unchecked `heal:` expectations), same shape.
    pub notes: Vec<Failure>,
    pub expectation_count: usize,
    pub finding_count: usize,
}

/// Checks the expectations of `file` against the analysis, in both directions.
pub fn check_file(analysis: &Analysis, file: FileId, display_path: &str) -> Cancellable<FileCheck> {
    let text = analysis.file_text(file);
    let findings = analysis.diagnostics(file)?;
    check_text(
        display_path,
        &text,
        &findings,
        |offset| Ok(analysis.hover(file, offset)?.map(|hover| hover.markdown)),
        |range| {
            Ok(analysis
                .fixes(file, range)?
                .into_iter()
                .filter(|fix| fix.fix_id != "suppress")
                .map(|fix| OfferedFix {
                    rule: fix.rule,
                    id: fix.fix_id,
                    title: fix.title,
                })
                .collect())
        },
    )
}

/// Checks the expectations of `text` against `findings` and the hovers `hover` returns
/// (markdown at a byte offset). The analysis-free core of [`check_file`].
pub fn check_text(
    display_path: &str,
    text: &str,
    findings: &[Diagnostic],
    mut hover: impl FnMut(TextSize) -> Cancellable<Option<String>>,
    mut fixes: impl FnMut(TextRange) -> Cancellable<Vec<OfferedFix>>,
) -> Cancellable<FileCheck> {
    let source = ExpectationSource::new(text);
    let mut check = FileCheck {
        expectation_count: source.parsed.expectations.len(),
        finding_count: findings.len(),
        ..FileCheck::default()
    };
    let failure = |line: u32, column: Option<u32>, message: String| Failure {
        path: display_path.to_owned(),
        line: line + 1,
        column: column.map(|column| column + 1),
        message,
    };
    for malformed in &source.parsed.malformed {
        check.failures.push(failure(
            malformed.line,
            None,
            format!("malformed expectation: {}", malformed.message),
        ));
    }

    // Findings: expectations with carets first, as they are the most specific.
    let mut consumed = vec![false; findings.len()];
    let mut finding_expectations: Vec<&Expectation> = source
        .parsed
        .expectations
        .iter()
        .filter(|expectation| matches!(expectation.kind, ExpectationKind::Finding { .. }))
        .collect();
    finding_expectations.sort_by_key(|expectation| expectation.columns.is_none());
    for expectation in finding_expectations {
        let ExpectationKind::Finding { rule, confidence } = &expectation.kind else {
            continue;
        };
        let at_target = |index: usize| {
            let finding = &findings[index];
            !consumed[index]
                && finding.rule == *rule
                && source.lines.line_of(finding.range.start()) == expectation.target_line
        };
        let under_carets = |index: usize| {
            expectation.columns.as_ref().is_none_or(|columns| {
                source.overlaps_columns(expectation.target_line, columns, findings[index].range)
            })
        };
        let candidates: Vec<usize> = (0..findings.len())
            .filter(|&index| at_target(index) && under_carets(index))
            .collect();
        let matching = candidates.iter().copied().find(|&index| {
            confidence.is_none_or(|confidence| findings[index].confidence == confidence)
        });
        if let Some(index) = matching {
            consumed[index] = true;
            continue;
        }
        let mut wanted = rule.clone();
        if let Some(confidence) = confidence {
            wanted.push_str(&format!(" ({})", confidence.as_str()));
        }
        if let Some(columns) = &expectation.columns {
            wanted.push_str(&format!(
                " at columns {}-{}",
                columns.start + 1,
                columns.end
            ));
        }
        // A finding of the right rule with the wrong confidence or columns explains the
        // failure; it is named here once rather than again as unexpected.
        let message = if let Some(&index) = candidates.first() {
            consumed[index] = true;
            let found = &findings[index];
            format!(
                "expected {wanted}, found {} ({}): {}",
                found.rule,
                found.confidence.as_str(),
                found.message
            )
        } else if let Some(index) = (0..findings.len()).find(|&index| at_target(index)) {
            consumed[index] = true;
            let (_, column) = source.lines.line_column(findings[index].range.start());
            format!(
                "expected {wanted}, found it at column {}: {}",
                column + 1,
                findings[index].message
            )
        } else {
            format!("expected {wanted}, found nothing")
        };
        check
            .failures
            .push(failure(expectation.target_line, None, message));
    }

    for expectation in &source.parsed.expectations {
        match &expectation.kind {
            ExpectationKind::Finding { .. } => {}
            ExpectationKind::NoFinding { rule } => {
                for (index, finding) in findings.iter().enumerate() {
                    let (line, column) = source.lines.line_column(finding.range.start());
                    let under_carets = expectation.columns.as_ref().is_none_or(|columns| {
                        source.overlaps_columns(line, columns, finding.range)
                    });
                    if finding.rule == *rule && line == expectation.target_line && under_carets {
                        consumed[index] = true;
                        check.failures.push(failure(
                            line,
                            Some(column),
                            format!("expected no {rule}, found: {}", finding.message),
                        ));
                    }
                }
            }
            ExpectationKind::Hover { name, expected } => {
                if let Some(failed) =
                    check_hover(&source, expectation, name.as_deref(), expected, &mut hover)?
                {
                    check
                        .failures
                        .push(failure(expectation.target_line, None, failed));
                }
            }
            ExpectationKind::Heal { rule, fix } => {
                // A finding to heal is an expected finding.
                let target = findings.iter().position(|finding| {
                    finding.rule == *rule
                        && source.lines.line_of(finding.range.start()) == expectation.target_line
                });
                if let Some(index) = target {
                    consumed[index] = true;
                }
                let Some(target) = target.map(|index| &findings[index]) else {
                    check.failures.push(failure(
                        expectation.target_line,
                        None,
                        format!("expected a {rule} finding to heal, found none"),
                    ));
                    continue;
                };
                let offered: Vec<OfferedFix> = fixes(target.range)?
                    .into_iter()
                    .filter(|offered| offered.rule == *rule)
                    .collect();
                match offered.first() {
                    Some(first) if first.id == *fix || first.title == *fix => {}
                    _ => check.failures.push(failure(
                        expectation.target_line,
                        None,
                        format!(
                            "expected `{fix}` as the first fix for {rule}, offered: [{}]",
                            offered
                                .iter()
                                .map(|offered| offered.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                }
            }
        }
    }

    for (index, finding) in findings.iter().enumerate() {
        if consumed[index] {
            continue;
        }
        let (line, column) = source.lines.line_column(finding.range.start());
        check.failures.push(failure(
            line,
            Some(column),
            format!("unexpected {}: {}", finding.rule, finding.message),
        ));
    }
    check.failures.sort();
    check.notes.sort();
    Ok(check)
}

/// The failure of one hover expectation, if it fails.
fn check_hover(
    source: &ExpectationSource<'_>,
    expectation: &Expectation,
    name: Option<&str>,
    expected: &HoverExpectation,
    hover: &mut impl FnMut(TextSize) -> Cancellable<Option<String>>,
) -> Cancellable<Option<String>> {
    let line = expectation.target_line;
    let columns = expectation.columns.as_ref();
    // The hovered offset and how messages name it: "hover on `ratio`" or "hover at column 9".
    let target = match (name, columns) {
        (Some(name), _) => source
            .find_word(line, name, columns)
            .map(|offset| (offset, format!("hover on `{name}`"))),
        (None, Some(columns)) => {
            let offset = source.lines.offset_of_column(line, columns.start);
            let word = source.word_at(offset);
            let subject = if word.is_empty() {
                format!("hover at column {}", columns.start + 1)
            } else {
                format!("hover on `{word}`")
            };
            Some((offset, subject))
        }
        (None, None) => source
            .first_identifier(line)
            .map(|range| (range.start(), format!("hover on `{}`", &source.text[range]))),
    };
    let Some((offset, subject)) = target else {
        return Ok(Some(match (name, columns) {
            (Some(name), Some(_)) => format!("hover target `{name}` is not under the carets"),
            (Some(name), None) => format!("hover target `{name}` does not occur on this line"),
            (None, _) => "no name to hover on this line".to_owned(),
        }));
    };
    let markdown = hover(offset)?;
    Ok(match (expected, markdown) {
        (HoverExpectation::Nothing, None) => None,
        (HoverExpectation::Nothing, Some(markdown)) => {
            Some(format!("{subject} should show nothing; got:\n{markdown}"))
        }
        (HoverExpectation::Contains(text), None) => {
            Some(format!("{subject} lacks \"{text}\"; got no hover"))
        }
        (HoverExpectation::Contains(text), Some(markdown)) => {
            let shown = collapse_whitespace(&without_echoed_expectations(&markdown));
            if shown.contains(&collapse_whitespace(text)) {
                None
            } else {
                Some(format!("{subject} lacks \"{text}\"; got:\n{markdown}"))
            }
        }
    })
}

/// `markdown` without the expectation comments it echoes from the source.
///
/// A hover quotes source lines (signatures, binding statements), and a quoted line can
/// carry the trailing expectation that is being checked: `x = 1  # hover[x]: int` would
/// then hold because the hover shows the comment. Each `# hover…`, `# expect…` or
/// `# heal…` is cut up to the end of its inline code span or line.
pub fn without_echoed_expectations(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let mut rest = line;
        while let Some(hash) = rest.find('#') {
            let after = rest[hash + 1..].trim_start_matches([' ', '\t', '^']);
            let echoed = ["hover", "expect", "heal"]
                .iter()
                .any(|keyword| after.starts_with(keyword));
            if !echoed {
                out.push_str(&rest[..=hash]);
                rest = &rest[hash + 1..];
                continue;
            }
            out.push_str(&rest[..hash]);
            let cut = rest[hash..]
                .find(['`', '\n'])
                .map_or(rest.len(), |end| hash + end);
            rest = &rest[cut..];
        }
        out.push_str(rest);
    }
    out
}

/// `text` with every run of whitespace replaced by one space, trimmed.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A file's text with what the expectation checker needs from its parse: comments,
/// identifiers and lines, plus the expectations themselves.
struct ExpectationSource<'text> {
    text: &'text str,
    lines: SourceLines<'text>,
    /// Byte ranges of comment nodes, in source order.
    comments: Vec<TextRange>,
    /// Byte ranges of identifier nodes, in source order.
    identifiers: Vec<TextRange>,
    parsed: ParsedExpectations,
}

/// How a comment sits on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommentPlacement {
    Trailing,
    OwnLine,
    Caret,
}

impl<'text> ExpectationSource<'text> {
    fn new(text: &'text str) -> Self {
        let tree = parse_text(text, None);
        let mut comments = Vec::new();
        let mut identifiers = Vec::new();
        let mut cursor = tree.walk();
        // An iterative preorder walk: nesting depth is unbounded in user code.
        'walk: loop {
            let node = cursor.node();
            let range = TextRange::new(offset(node.start_byte()), offset(node.end_byte()));
            match node.kind() {
                "comment" => comments.push(range),
                "identifier" => identifiers.push(range),
                _ => {}
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        comments.sort_by_key(|range| range.start());
        identifiers.sort_by_key(|range| range.start());
        let mut source = ExpectationSource {
            text,
            lines: SourceLines::new(text),
            comments,
            identifiers,
            parsed: ParsedExpectations::default(),
        };
        source.parsed = source.collect_expectations();
        source
    }

    fn collect_expectations(&self) -> ParsedExpectations {
        let comment_only_lines: Vec<u32> = self
            .comments
            .iter()
            .filter(|range| self.is_own_line(**range))
            .map(|range| self.lines.line_of(range.start()))
            .collect();
        struct Stated {
            kind: ExpectationKind,
            line: u32,
            placement: CommentPlacement,
            columns: Option<Range<u32>>,
        }
        let mut parsed = ParsedExpectations::default();
        let mut stated: Vec<Stated> = Vec::new();
        for &range in &self.comments {
            let line = self.lines.line_of(range.start());
            let comment = &self.text[range];
            let body = comment.strip_prefix('#').unwrap_or(comment);
            let after_hash = body.trim_start();
            let carets = after_hash.len() - after_hash.trim_start_matches('^').len();
            let directive = after_hash[carets..].trim_start();
            let Some(kind) = parse_directive(directive) else {
                continue;
            };
            let kind = match kind {
                Ok(kind) => kind,
                Err(message) => {
                    parsed
                        .malformed
                        .push(MalformedExpectation { line, message });
                    continue;
                }
            };
            let own_line = self.is_own_line(range);
            let (placement, columns) = if carets == 0 {
                let placement = if own_line {
                    CommentPlacement::OwnLine
                } else {
                    CommentPlacement::Trailing
                };
                (placement, None)
            } else if !own_line {
                parsed.malformed.push(MalformedExpectation {
                    line,
                    message: "carets need a comment line of their own, below the code they mark"
                        .to_owned(),
                });
                continue;
            } else {
                let caret_start =
                    u32::from(range.start()) as usize + 1 + (body.len() - after_hash.len());
                let (_, start_column) = self.lines.line_column(offset(caret_start));
                let end_column = start_column + carets as u32;
                (CommentPlacement::Caret, Some(start_column..end_column))
            };
            stated.push(Stated {
                kind,
                line,
                placement,
                columns,
            });
        }
        let caret_lines: Vec<u32> = stated
            .iter()
            .filter(|stated| stated.placement == CommentPlacement::Caret)
            .map(|stated| stated.line)
            .collect();
        let is_code_line = |line: u32| {
            !self.lines.text_of(line).trim().is_empty() && !comment_only_lines.contains(&line)
        };
        for stated in stated {
            let target_line = match stated.placement {
                CommentPlacement::Trailing => Some(stated.line),
                CommentPlacement::OwnLine => {
                    (stated.line + 1..self.lines.count()).find(|&line| is_code_line(line))
                }
                CommentPlacement::Caret => {
                    let mut line = stated.line;
                    while line > 0 && caret_lines.contains(&(line - 1)) {
                        line -= 1;
                    }
                    line.checked_sub(1).filter(|&line| is_code_line(line))
                }
            };
            let Some(target_line) = target_line else {
                let message = match stated.placement {
                    CommentPlacement::Caret => {
                        "a caret line must sit right below a code line (or below other caret lines)"
                    }
                    _ => "no code line follows this expectation",
                };
                parsed.malformed.push(MalformedExpectation {
                    line: stated.line,
                    message: message.to_owned(),
                });
                continue;
            };
            parsed.expectations.push(Expectation {
                kind: stated.kind,
                target_line,
                columns: stated.columns,
                comment_line: stated.line,
            });
        }
        parsed.malformed.sort_by_key(|malformed| malformed.line);
        parsed
    }

    /// Whether only whitespace precedes the comment on its line.
    fn is_own_line(&self, comment: TextRange) -> bool {
        let line = self.lines.line_of(comment.start());
        let line_start = self.lines.starts[line as usize];
        self.text[line_start..u32::from(comment.start()) as usize]
            .trim()
            .is_empty()
    }

    /// The code part of `line`: its byte range up to the first comment starting on it.
    fn code_range(&self, line: u32) -> Range<usize> {
        let start = self.lines.starts[line as usize];
        let end = start + self.lines.text_of(line).len();
        let comment_start = self
            .comments
            .iter()
            .map(|range| u32::from(range.start()) as usize)
            .find(|&comment_start| (start..end).contains(&comment_start));
        start..comment_start.unwrap_or(end)
    }

    /// The offset of the first whole-word occurrence of `word` in the code of `line`,
    /// starting under `columns` when given.
    fn find_word(&self, line: u32, word: &str, columns: Option<&Range<u32>>) -> Option<TextSize> {
        let code = self.code_range(line);
        let allowed = columns.map(|columns| {
            let start = u32::from(self.lines.offset_of_column(line, columns.start)) as usize;
            let end = u32::from(self.lines.offset_of_column(line, columns.end)) as usize;
            start..end
        });
        let haystack = &self.text[code.clone()];
        haystack
            .match_indices(word)
            .map(|(index, _)| code.start + index)
            .filter(|&start| {
                let before = self.text[..start].chars().next_back();
                let after = self.text[start + word.len()..].chars().next();
                !before.is_some_and(is_identifier_char) && !after.is_some_and(is_identifier_char)
            })
            .find(|start| {
                allowed
                    .as_ref()
                    .is_none_or(|allowed| allowed.contains(start))
            })
            .map(offset)
    }

    /// The first identifier starting in the code of `line`.
    fn first_identifier(&self, line: u32) -> Option<TextRange> {
        let code = self.code_range(line);
        self.identifiers
            .iter()
            .copied()
            .find(|range| code.contains(&(u32::from(range.start()) as usize)))
    }

    /// The identifier covering `at`, or the word-ish text starting there, for messages.
    fn word_at(&self, at: TextSize) -> String {
        if let Some(range) = self
            .identifiers
            .iter()
            .find(|range| range.contains_inclusive(at))
        {
            return self.text[*range].to_owned();
        }
        self.text[u32::from(at) as usize..]
            .chars()
            .take_while(|&char| is_identifier_char(char))
            .collect()
    }

    /// Whether `range` overlaps the character `columns` of `line` (an empty range counts
    /// when it sits inside or at either edge of them).
    fn overlaps_columns(&self, line: u32, columns: &Range<u32>, range: TextRange) -> bool {
        let start = self.lines.offset_of_column(line, columns.start);
        let end = self.lines.offset_of_column(line, columns.end);
        if range.is_empty() {
            start <= range.start() && range.start() <= end
        } else {
            range.start() < end && start < range.end()
        }
    }
}

/// Parses the text after `#` (and after carets) as a directive. `None` when the comment
/// is prose, `Some(Err)` when it starts like a directive but is malformed.
fn parse_directive(directive: &str) -> Option<Result<ExpectationKind, String>> {
    if let Some(rest) = directive.strip_prefix("expect-not:") {
        return Some(parse_rule_only(rest).map(|rule| ExpectationKind::NoFinding { rule }));
    }
    if let Some(rest) = directive.strip_prefix("expect:") {
        return Some(parse_finding(rest));
    }
    if let Some(rest) = directive.strip_prefix("heal:") {
        return Some(parse_heal(rest));
    }
    if let Some(rest) = directive.strip_prefix("hover")
        && (rest.starts_with(':') || rest.starts_with('['))
    {
        return Some(parse_hover(rest));
    }
    None
}

fn parse_hover(rest: &str) -> Result<ExpectationKind, String> {
    let (name, rest) = match rest.strip_prefix('[') {
        Some(bracketed) => {
            let Some((name, rest)) = bracketed.split_once(']') else {
                return Err("`hover[` needs a closing `]`".to_owned());
            };
            let name = name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(format!(
                    "`hover[{name}]` needs one name between the brackets"
                ));
            }
            (Some(name.to_owned()), rest)
        }
        None => (None, rest),
    };
    let Some(text) = rest.strip_prefix(':') else {
        return Err("a hover expectation reads `hover[NAME]: TEXT`".to_owned());
    };
    let text = text.trim();
    let expected = match text {
        "" => return Err("a hover expectation needs a text (or `none`)".to_owned()),
        "none" => HoverExpectation::Nothing,
        text => HoverExpectation::Contains(text.to_owned()),
    };
    Ok(ExpectationKind::Hover { name, expected })
}

fn parse_finding(rest: &str) -> Result<ExpectationKind, String> {
    let mut words = rest.split_whitespace();
    let rule = parse_rule_id(words.next())?;
    let mut confidence = None;
    for word in words {
        let Some(value) = word.strip_prefix("confidence=") else {
            return Err(format!("unexpected `{word}` after the rule id"));
        };
        if confidence.is_some() {
            return Err("the confidence is given twice".to_owned());
        }
        confidence = Some(match value {
            "definite" => Confidence::Definite,
            "likely" => Confidence::Likely,
            "possible" => Confidence::Possible,
            _ => {
                return Err(format!(
                    "unknown confidence `{value}` (definite, likely or possible)"
                ));
            }
        });
    }
    Ok(ExpectationKind::Finding { rule, confidence })
}

fn parse_rule_only(rest: &str) -> Result<String, String> {
    let mut words = rest.split_whitespace();
    let rule = parse_rule_id(words.next())?;
    match words.next() {
        Some(word) => Err(format!("unexpected `{word}` after the rule id")),
        None => Ok(rule),
    }
}

fn parse_heal(rest: &str) -> Result<ExpectationKind, String> {
    let rest = rest.trim();
    let (rule, fix) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let rule = parse_rule_id(Some(rule).filter(|rule| !rule.is_empty()))?;
    let fix = fix.trim();
    let fix = match fix.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"').map(str::to_owned),
        None => (!fix.is_empty() && !fix.contains(char::is_whitespace)).then(|| fix.to_owned()),
    };
    let Some(fix) = fix else {
        return Err(
            "a heal expectation reads `heal: RULE-ID FIX-ID` or `heal: RULE-ID \"TITLE\"`"
                .to_owned(),
        );
    };
    Ok(ExpectationKind::Heal { rule, fix })
}

/// Rule ids are kebab-case: lowercase ASCII letters, digits and dashes, starting with a letter.
fn parse_rule_id(word: Option<&str>) -> Result<String, String> {
    let Some(word) = word else {
        return Err("a rule id is missing".to_owned());
    };
    let is_kebab_case = word.starts_with(|char: char| char.is_ascii_lowercase())
        && word
            .chars()
            .all(|char| char.is_ascii_lowercase() || char.is_ascii_digit() || char == '-');
    if is_kebab_case {
        Ok(word.to_owned())
    } else {
        Err(format!("`{word}` is not a kebab-case rule id"))
    }
}

fn is_identifier_char(char: char) -> bool {
    char.is_alphanumeric() || char == '_'
}

fn offset(byte: usize) -> TextSize {
    // Invariant: the analysis only holds texts shorter than 4 GiB (`TextSize` is a u32).
    TextSize::from(u32::try_from(byte).expect("texts are shorter than 4 GiB"))
}

/// Line starts of a text, with character-column conversions (carets count characters).
struct SourceLines<'text> {
    text: &'text str,
    starts: Vec<usize>,
}

impl<'text> SourceLines<'text> {
    fn new(text: &'text str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(index, _)| index + 1))
            .collect();
        SourceLines { text, starts }
    }

    fn count(&self) -> u32 {
        self.starts.len() as u32
    }

    fn line_of(&self, at: TextSize) -> u32 {
        let at = u32::from(at) as usize;
        (self.starts.partition_point(|&start| start <= at) - 1) as u32
    }

    /// The text of `line` without its line break.
    fn text_of(&self, line: u32) -> &'text str {
        let start = self.starts[line as usize];
        let end = self
            .starts
            .get(line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let line = &self.text[start..end];
        line.strip_suffix('\r').unwrap_or(line)
    }

    /// The 0-based line and character column of `at`.
    fn line_column(&self, at: TextSize) -> (u32, u32) {
        let line = self.line_of(at);
        let start = self.starts[line as usize];
        let end = (u32::from(at) as usize).min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(0, |prefix| prefix.chars().count());
        (line, column as u32)
    }

    /// The offset of character `column` of `line`, clamped to the line's end.
    fn offset_of_column(&self, line: u32, column: u32) -> TextSize {
        let start = self.starts[line as usize];
        let text = self.text_of(line);
        let within = text
            .char_indices()
            .nth(column as usize)
            .map_or(text.len(), |(index, _)| index);
        offset(start + within)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::Severity;

    /// Renders expectations one per line: `target[:columns] <- comment: kind`, 1-based lines.
    fn render(text: &str) -> String {
        let parsed = parse_expectations(text);
        let mut out = String::new();
        for expectation in &parsed.expectations {
            let columns = match &expectation.columns {
                Some(columns) => format!(":{}-{}", columns.start, columns.end),
                None => String::new(),
            };
            out.push_str(&format!(
                "L{}{columns} <- L{}: {:?}\n",
                expectation.target_line + 1,
                expectation.comment_line + 1,
                expectation.kind
            ));
        }
        for malformed in &parsed.malformed {
            out.push_str(&format!(
                "L{} malformed: {}\n",
                malformed.line + 1,
                malformed.message
            ));
        }
        out
    }

    #[test]
    fn trailing_expectations_target_their_own_line() {
        let text =
            "x = 1  # hover[x]: (variable) x\ny = 2  # expect: key-error confidence=likely\n";
        expect_test::expect![[r#"
            L1 <- L1: Hover { name: Some("x"), expected: Contains("(variable) x") }
            L2 <- L2: Finding { rule: "key-error", confidence: Some(Likely) }
        "#]]
        .assert_eq(&render(text));
    }

    #[test]
    fn own_line_expectations_skip_blank_lines_and_comment_lines() {
        let text = "\
# expect: key-error
# hover[port]: none

# a prose comment
port = cfg['port']
# expect-not: none-attribute
";
        expect_test::expect![[r#"
            L5 <- L1: Finding { rule: "key-error", confidence: None }
            L5 <- L2: Hover { name: Some("port"), expected: Nothing }
            L6 malformed: no code line follows this expectation
        "#]]
        .assert_eq(&render(text));
    }

    #[test]
    fn caret_lines_target_the_code_line_above_and_give_columns() {
        let text = "\
port = cfg['port']
#      ^^^^^^^^^^^ heal: key-error \"Use `cfg.get('port')`\"
#      ^^^ hover: (variable) cfg
#^^^ expect: key-error
    value = ratio  # trailing
#           ^^^^^ hover[ratio]: float | int
";
        expect_test::expect![[r#"
            L1:7-18 <- L2: Heal { rule: "key-error", fix: "Use `cfg.get('port')`" }
            L1:7-10 <- L3: Hover { name: None, expected: Contains("(variable) cfg") }
            L1:1-4 <- L4: Finding { rule: "key-error", confidence: None }
            L5:12-17 <- L6: Hover { name: Some("ratio"), expected: Contains("float | int") }
        "#]]
        .assert_eq(&render(text));
    }

    #[test]
    fn caret_columns_count_characters_not_bytes() {
        let text = "s = 'é'; t = s\n#            ^ hover: s\n";
        let parsed = parse_expectations(text);
        assert_eq!(parsed.expectations[0].columns, Some(13..14));
        let source = ExpectationSource::new(text);
        let at = u32::from(source.lines.offset_of_column(0, 13)) as usize;
        assert_eq!((at, &text[at..at + 1]), (14, "s"));
    }

    #[test]
    fn hashes_inside_strings_are_not_comments() {
        let text = "\
x = '# expect: key-error'
doc = \"\"\"
# hover[x]: nothing
\"\"\"
y = f\"{x} # expect: none-attribute\"  # expect-not: key-error
";
        expect_test::expect![[r#"
            L5 <- L5: NoFinding { rule: "key-error" }
        "#]]
        .assert_eq(&render(text));
    }

    #[test]
    fn prose_comments_are_ignored_and_malformed_directives_reported() {
        let text = "\
# expected to be fast; hovering is fine
# ^ points at nothing in particular
x = 1  # expect: KeyError
x = 2  # expect: key-error confidence=sure
x = 3  # expect: key-error extra
x = 4  # hover[x]
x = 5  # hover[]: x
x = 6  # hover:
x = 7  # heal: key-error Use get
x = 8  # expect:
x = 9  #  ^ hover: x

#^ hover: x
";
        expect_test::expect![[r#"
            L3 malformed: `KeyError` is not a kebab-case rule id
            L4 malformed: unknown confidence `sure` (definite, likely or possible)
            L5 malformed: unexpected `extra` after the rule id
            L6 malformed: a hover expectation reads `hover[NAME]: TEXT`
            L7 malformed: `hover[]` needs one name between the brackets
            L8 malformed: a hover expectation needs a text (or `none`)
            L9 malformed: a heal expectation reads `heal: RULE-ID FIX-ID` or `heal: RULE-ID "TITLE"`
            L10 malformed: a rule id is missing
            L11 malformed: carets need a comment line of their own, below the code they mark
            L13 malformed: a caret line must sit right below a code line (or below other caret lines)
        "#]]
        .assert_eq(&render(text));
    }

    fn diagnostic(text: &str, rule: &str, at: &str, confidence: Confidence) -> Diagnostic {
        let start = text.find(at).expect("the test names text that occurs");
        Diagnostic {
            rule: rule.to_owned(),
            message: format!("{rule} on `{at}`"),
            range: TextRange::at(offset(start), offset(at.len())),
            severity: Severity::Error,
            confidence,
            score: 50,
            exception: None,
            docs_url: None,
            related: Vec::new(),
        }
    }

    fn failures(text: &str, findings: &[Diagnostic], hover: &str) -> Vec<String> {
        let check = check_text(
            "app/main.py",
            text,
            findings,
            |_| Ok(Some(hover.to_owned()).filter(|hover| !hover.is_empty())),
            |_| Ok(Vec::new()),
        )
        .expect("no cancellation without a database");
        check.failures.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn findings_are_matched_in_both_directions() {
        let text = "\
cfg = {}
# expect: key-error confidence=definite
port = cfg['port']
host = cfg['host']
#      ^^^^^^^^^^^ expect: key-error
#   ^ expect-not: none-attribute
name = cfg['name']  # expect: key-error confidence=likely
";
        let findings = [
            diagnostic(text, "key-error", "cfg['port']", Confidence::Definite),
            diagnostic(text, "key-error", "cfg['host']", Confidence::Likely),
            diagnostic(text, "syntax-error", "= {}", Confidence::Definite),
        ];
        expect_test::expect![[r#"
            [
                "app/main.py:1:5: unexpected syntax-error: syntax-error on `= {}`",
                "app/main.py:7: expected key-error (likely), found nothing",
            ]
        "#]]
        .assert_debug_eq(&failures(text, &findings, ""));
    }

    #[test]
    fn wrong_confidence_columns_and_forbidden_findings_are_named_once() {
        let text = "\
port = cfg['port']  # expect: key-error confidence=definite
host = cfg['host']
#^^^ expect: key-error
x = y.z  # expect-not: none-attribute
";
        let findings = [
            diagnostic(text, "key-error", "cfg['port']", Confidence::Possible),
            diagnostic(text, "key-error", "cfg['host']", Confidence::Definite),
            diagnostic(text, "none-attribute", "y.z", Confidence::Likely),
        ];
        expect_test::expect![[r#"
            [
                "app/main.py:1: expected key-error (definite), found key-error (possible): key-error on `cfg['port']`",
                "app/main.py:2: expected key-error at columns 2-4, found it at column 8: key-error on `cfg['host']`",
                "app/main.py:4:5: expected no none-attribute, found: none-attribute on `y.z`",
            ]
        "#]]
        .assert_debug_eq(&failures(text, &findings, ""));
    }

    #[test]
    fn two_expectations_need_two_findings() {
        let text = "\
# expect: syntax-error
# expect: syntax-error
print 'hello'
";
        let findings = [diagnostic(
            text,
            "syntax-error",
            "print",
            Confidence::Definite,
        )];
        expect_test::expect![[r#"
            [
                "app/main.py:3: expected syntax-error, found nothing",
            ]
        "#]]
        .assert_debug_eq(&failures(text, &findings, ""));
    }

    #[test]
    fn hovers_compare_with_collapsed_whitespace() {
        let text = "ratio = 1  # hover[ratio]: 4 (int)   |  4.1 (float)\n";
        assert!(failures(text, &[], "```python\n4   (int) |\n4.1 (float)\n```").is_empty());
        expect_test::expect![[r#"
            [
                "app/main.py:1: hover on `ratio` lacks \"4 (int)   |  4.1 (float)\"; got:\n(variable) ratio",
            ]
        "#]]
        .assert_debug_eq(&failures(text, &[], "(variable) ratio"));
        expect_test::expect![[r#"
            [
                "app/main.py:1: hover on `ratio` lacks \"4 (int)   |  4.1 (float)\"; got no hover",
            ]
        "#]]
        .assert_debug_eq(&failures(text, &[], ""));
    }

    #[test]
    fn hovers_quoting_the_expectation_comment_do_not_count() {
        let text = "x = 1  # hover[x]: (class) X\n";
        let quoted = "```python\n(variable) x\n```\n- L1 `x = 1  # hover[x]: (class) X`\n";
        expect_test::expect![[r#"
            [
                "app/main.py:1: hover on `x` lacks \"(class) X\"; got:\n```python\n(variable) x\n```\n- L1 `x = 1  # hover[x]: (class) X`\n",
            ]
        "#]]
        .assert_debug_eq(&failures(text, &[], quoted));
        assert_eq!(
            without_echoed_expectations(
                "(function) def f(): # hover[f]: X return 1\n- L1 `f() #^ expect: e` # 2 #"
            ),
            "(function) def f(): \n- L1 `f() ` # 2 #"
        );
    }

    #[test]
    fn hover_none_and_missing_targets() {
        let text = "\
x = 1  # hover[x]: none
y = 2  # hover[z]: (variable) z
ab = abc
#^ hover[abc]: abc
ab = (1)
#    ^ hover: int
";
        expect_test::expect![[r#"
            [
                "app/main.py:1: hover on `x` should show nothing; got:\n(variable) x",
                "app/main.py:2: hover target `z` does not occur on this line",
                "app/main.py:3: hover target `abc` is not under the carets",
                "app/main.py:5: hover at column 6 lacks \"int\"; got:\n(variable) x",
            ]
        "#]]
        .assert_debug_eq(&failures(text, &[], "(variable) x"));
    }

    #[test]
    fn hover_positions_follow_names_carets_and_first_identifiers() {
        let text = "\
def label(ratio):  # hover: label
    return str(ratio)  # hover[ratio]: ratio
#              ^^^^^ hover: ratio
    x_ratio = ratio  # hover[ratio]: ratio
";
        let mut hovered = Vec::new();
        check_text(
            "main.py",
            text,
            &[],
            |at| {
                hovered.push(u32::from(at));
                Ok(None)
            },
            |_| Ok(Vec::new()),
        )
        .expect("no cancellation without a database");
        let words: Vec<&str> = hovered
            .iter()
            .map(|&at| &text[at as usize..][..5])
            .collect();
        // `def` is a keyword, not an identifier; `x_ratio` is not the whole word `ratio`.
        assert_eq!(words, ["label", "ratio", "ratio", "ratio"]);
        assert_eq!(hovered[1], hovered[2]);
        assert_eq!(&text[hovered[3] as usize - 2..][..7], "= ratio");
    }

    #[test]
    fn heal_expectations_check_the_first_offered_fix() {
        let text = "\
port = cfg['port']  # heal: key-error dict-get
host = cfg['host']  # heal: key-error guard-key
name = cfg['name']  # heal: key-error dict-get
";
        let findings: Vec<Diagnostic> = ["cfg['port']", "cfg['host']", "cfg['name']"]
            .iter()
            .map(|at| diagnostic(text, "key-error", at, Confidence::Definite))
            .collect();
        let check = check_text(
            "main.py",
            text,
            &findings,
            |_| Ok(None),
            |range| {
                // The third line offers nothing.
                Ok(if u32::from(range.start()) > 90 {
                    Vec::new()
                } else {
                    vec![OfferedFix {
                        rule: "key-error".into(),
                        id: "dict-get".into(),
                        title: "Use get".into(),
                    }]
                })
            },
        )
        .expect("no cancellation without a database");
        let failures: Vec<String> = check.failures.iter().map(ToString::to_string).collect();
        assert_eq!(
            failures,
            [
                "main.py:2: expected `guard-key` as the first fix for key-error, offered: [dict-get]",
                "main.py:3: expected `dict-get` as the first fix for key-error, offered: []",
            ]
        );
    }
}
