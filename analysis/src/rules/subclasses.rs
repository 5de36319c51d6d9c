//! What the subclasses of a class provide, across the workspace's files.
//!
//! A base class often reads attributes its subclasses define (`ParserBase` reads
//! `self.rawdata`, which `HTMLParser` in another module sets). Before judging such a read,
//! the rules ask whether any class of the workspace deriving from the reader's class, by
//! name, defines the attribute. Each file contributes a small outline of its classes
//! (names, base names, attribute names) computed from its index.
//!
//! Matching is by the base's last name segment (`class HTMLParser(_markupbase.ParserBase)`
//! derives from every class called `ParserBase`): wrong only in the silencing direction.
//!
//! Only a few files can hold a subclass of a given class, and outlining a closed file
//! costs a parse, so the lookup first narrows the files by words: a file can only derive
//! a class from `ParserBase` if the word `ParserBase` appears inside the brackets of one of
//! its `class` headers, or before an `as` (`from _markupbase import ParserBase as Base`).
//! Those words come from a scan of the text without a parse ([`class_header_words`]), and
//! they rarely change with a keystroke, so the workspace-wide merge of them backdates.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use smol_str::SmolStr;

use crate::db::Db;
use crate::index::{DefinitionKind, summary_syntax};
use crate::input::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClassOutline {
    name: SmolStr,
    /// The last name segment of each base expression (`models.Model` → `Model`).
    bases: Vec<SmolStr>,
    /// Names bound in the class body and stored on `self`/`cls` in its methods.
    attributes: Vec<SmolStr>,
    /// The class may have any attribute (`__getattr__`, `setattr`, a metaclass).
    open: bool,
}

/// The outline of every class a file defines, at any depth.
#[salsa::tracked(returns(ref))]
pub(crate) fn class_outlines(db: &dyn Db, file: SourceFile) -> Vec<ClassOutline> {
    let syntax = summary_syntax(db, file);
    let index = syntax.index();
    let text = file.text(db);
    let slice = |range: line_index::TextRange| {
        text.get(usize::from(range.start())..usize::from(range.end()))
            .unwrap_or("")
    };
    // `from .base import Blueprint as SansioBlueprint`: the class is `Blueprint`.
    let aliases: FxHashMap<&str, &str> = index
        .imports
        .iter()
        .filter_map(|import| {
            let original = import.name.as_deref()?;
            let bound = &index.definition(import.definition?).name;
            (bound.as_str() != original).then_some((bound.as_str(), original))
        })
        .collect();
    let mut outlines = Vec::new();
    for definition in &index.definitions {
        let DefinitionKind::Class { body, bases, .. } = &definition.kind else {
            continue;
        };
        let class_text = slice(definition.node_range);
        let header = class_text.split(':').next().unwrap_or("");
        let mut open = header.contains("metaclass")
            || class_text.contains("setattr(")
            || class_text.contains("__dict__");
        let mut attributes = Vec::new();
        for &member in &index.scope(*body).definitions {
            let member = index.definition(member);
            if matches!(member.name.as_str(), "__getattr__" | "__getattribute__") {
                open = true;
            }
            attributes.push(member.name.clone());
            if let DefinitionKind::Function { body, .. } = member.kind {
                attributes.extend(index.scope(body).attribute_stores.iter().cloned());
            }
        }
        attributes.sort();
        attributes.dedup();
        let bases = bases
            .iter()
            .filter_map(|&base| base_name(slice(base)))
            .map(|base| match aliases.get(base.as_str()) {
                Some(original) => SmolStr::new(original),
                None => base,
            })
            .collect();
        outlines.push(ClassOutline {
            name: definition.name.clone(),
            bases,
            attributes,
            open,
        });
    }
    outlines
}

/// `pkg.Base[T]` → `Base`; keyword arguments (`metaclass=M`) and calls give nothing.
fn base_name(text: &str) -> Option<SmolStr> {
    let text = text.split('[').next().unwrap_or(text).trim();
    if text.contains('=') || text.contains('(') {
        return None;
    }
    let last = text.rsplit('.').next()?.trim();
    crate::resolve::is_python_identifier(last).then(|| SmolStr::new(last))
}

/// The words a file's class outlines can name as bases: every word inside the brackets of
/// a `class` header, and the word before each `as` (the original name of an aliased
/// import). Sorted and deduplicated; a superset is harmless (it only costs the outline of
/// a file that turns out to hold no subclass), a missing word would hide a subclass.
///
/// Read from the text without a parse: comments and string literals are skipped, words
/// are runs of `_` and alphanumeric characters (what [`base_name`] accepts).
#[salsa::tracked(returns(ref))]
pub(crate) fn class_header_words(db: &dyn Db, file: SourceFile) -> Vec<SmolStr> {
    header_words(file.text(db))
}

/// The workspace files whose [`class_header_words`] hold each word.
#[salsa::tracked(returns(ref))]
pub(crate) fn files_by_class_header_word(db: &dyn Db) -> Arc<FxHashMap<SmolStr, Vec<SourceFile>>> {
    let resolver = crate::modules::module_resolver(db);
    let mut by_word: FxHashMap<SmolStr, Vec<SourceFile>> = FxHashMap::default();
    for (path, file) in db.workspace().files(db).iter() {
        if !super::is_python_path(path) || !super::imports::is_workspace_path(resolver, path) {
            continue;
        }
        for word in class_header_words(db, *file) {
            by_word.entry(word.clone()).or_default().push(*file);
        }
    }
    Arc::new(by_word)
}

/// A class name the subclass lookup follows, interned so that the outlines of the classes
/// deriving from it are one memo (one dependency of each rule that asks).
#[salsa::interned(debug)]
struct BaseName<'db> {
    #[returns(ref)]
    text: String,
}

/// The outlines of the workspace classes with a base called `base`, in workspace file
/// order. Only the files whose [`class_header_words`] hold the name are outlined.
#[salsa::tracked(returns(ref))]
fn subclass_outlines<'db>(db: &'db dyn Db, base: BaseName<'db>) -> Vec<ClassOutline> {
    let name = base.text(db).as_str();
    let files = files_by_class_header_word(db).get(name);
    let mut outlines = Vec::new();
    for &file in files.into_iter().flatten() {
        let deriving = class_outlines(db, file)
            .iter()
            .filter(|outline| outline.bases.iter().any(|base| base == name));
        outlines.extend(deriving.cloned());
    }
    outlines
}

/// Whether some workspace class deriving (directly or not) from a class called
/// `class_name` defines `attribute`, or may have any attribute.
pub(crate) fn provided_by_subclass(db: &dyn Db, class_name: &str, attribute: &str) -> bool {
    let mut seen: FxHashSet<SmolStr> = FxHashSet::default();
    let mut pending = vec![SmolStr::new(class_name)];
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) || seen.len() > 256 {
            continue;
        }
        for outline in subclass_outlines(db, BaseName::new(db, name.to_string())) {
            if outline.open || outline.attributes.iter().any(|known| known == attribute) {
                return true;
            }
            pending.push(outline.name.clone());
        }
    }
    false
}

/// See [`class_header_words`].
fn header_words(text: &str) -> Vec<SmolStr> {
    #[derive(Clone, Copy)]
    enum State {
        Code,
        /// After the keyword `class`.
        Class,
        /// After `class NAME` (or its type parameters).
        Name,
        /// Inside the type parameters of `class NAME[T]`, at this bracket depth.
        TypeParameters(u32),
        /// Inside the bases of `class NAME(...)`, at this bracket depth.
        Bases(u32),
    }
    let mut words: Vec<SmolStr> = Vec::new();
    let mut state = State::Code;
    let mut previous_word: Option<&str> = None;
    for token in Tokens::new(text) {
        if let (Token::Word("as"), Some(original)) = (token, previous_word) {
            words.push(SmolStr::new(original));
        }
        previous_word = match token {
            Token::Word(word) => Some(word),
            _ => None,
        };
        state = match (state, token) {
            (State::Class, Token::Word(_)) => State::Name,
            (State::Name, Token::Open(b'[')) => State::TypeParameters(1),
            (State::Name, Token::Open(b'(')) => State::Bases(1),
            (State::TypeParameters(depth), Token::Open(_)) => State::TypeParameters(depth + 1),
            (State::TypeParameters(1), Token::Close) => State::Name,
            (State::TypeParameters(depth), Token::Close) => State::TypeParameters(depth - 1),
            (State::TypeParameters(depth), _) => State::TypeParameters(depth),
            (State::Bases(depth), Token::Word(word)) => {
                words.push(SmolStr::new(word));
                State::Bases(depth)
            }
            (State::Bases(depth), Token::Open(_)) => State::Bases(depth + 1),
            (State::Bases(1), Token::Close) => State::Code,
            (State::Bases(depth), Token::Close) => State::Bases(depth - 1),
            (State::Bases(depth), Token::Other) => State::Bases(depth),
            // Anything else ends a header; the token may start the next one.
            (State::Code | State::Name, Token::Word("class")) => State::Class,
            (State::Code | State::Class | State::Name, _) => State::Code,
        };
    }
    words.sort_unstable();
    words.dedup();
    words
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    /// `(`, `[` or `{`.
    Open(u8),
    /// `)`, `]` or `}`.
    Close,
    /// Any other character that is not white space (a backslash counts as white space).
    Other,
}

/// The words and brackets of Python source, with comments and string literals left out.
/// Total on any text: an unterminated string ends at its line's end (one quote) or at the
/// end of the text (three quotes).
struct Tokens<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        Tokens { text, position: 0 }
    }

    fn word_end(&self, mut position: usize) -> usize {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(position) {
            if byte == b'_' || byte.is_ascii_alphanumeric() {
                position += 1;
            } else if byte.is_ascii() {
                break;
            } else {
                match self.text[position..].chars().next() {
                    Some(character) if character.is_alphanumeric() => {
                        position += character.len_utf8();
                    }
                    _ => break,
                }
            }
        }
        position
    }

    /// The position after the string literal whose opening quote is at `position`.
    fn string_end(&self, position: usize) -> usize {
        let bytes = self.text.as_bytes();
        let quote = bytes[position];
        let triple =
            bytes.get(position + 1) == Some(&quote) && bytes.get(position + 2) == Some(&quote);
        let mut cursor = position + if triple { 3 } else { 1 };
        while let Some(&byte) = bytes.get(cursor) {
            if byte == b'\\' {
                cursor += 2;
            } else if byte == quote {
                if !triple {
                    return cursor + 1;
                }
                if bytes.get(cursor + 1) == Some(&quote) && bytes.get(cursor + 2) == Some(&quote) {
                    return cursor + 3;
                }
                cursor += 1;
            } else if byte == b'\n' && !triple {
                return cursor;
            } else {
                cursor += 1;
            }
        }
        bytes.len()
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.text.as_bytes();
        loop {
            let &byte = bytes.get(self.position)?;
            let start = self.position;
            match byte {
                b'#' => {
                    self.position = bytes[start..]
                        .iter()
                        .position(|&byte| byte == b'\n')
                        .map_or(bytes.len(), |offset| start + offset);
                }
                b'"' | b'\'' => self.position = self.string_end(start),
                b'(' | b'[' | b'{' => {
                    self.position += 1;
                    return Some(Token::Open(byte));
                }
                b')' | b']' | b'}' => {
                    self.position += 1;
                    return Some(Token::Close);
                }
                b'\\' => self.position += 1,
                _ if byte.is_ascii_whitespace() => self.position += 1,
                _ if byte.is_ascii() && byte != b'_' && !byte.is_ascii_alphanumeric() => {
                    self.position += 1;
                    return Some(Token::Other);
                }
                _ => {
                    let end = self.word_end(start);
                    if end > start {
                        self.position = end;
                        return Some(Token::Word(&self.text[start..end]));
                    }
                    // A character that is neither part of a word nor ASCII.
                    let character = self.text[start..].chars().next()?;
                    self.position += character.len_utf8();
                    if !character.is_whitespace() {
                        return Some(Token::Other);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::resolve::{SearchRoot, SearchRootKind};
    use crate::{AnalysisHost, Change};

    const FILES: &[(&str, &str)] = &[
        (
            "/ws/base.py",
            "class Base:\n    def run(self):\n        return self.rate\n",
        ),
        (
            "/ws/fast.py",
            "from base import Base as Parent\n\nclass Fast(Parent):\n    def __init__(self):\n        self.rate = 2\n",
        ),
        (
            "/ws/other.py",
            "import base\n\nclass Other(base.Base, metaclass=type):\n    pass\n",
        ),
    ];

    fn host() -> AnalysisHost {
        let mut host = AnalysisHost::with_event_log();
        let mut change = Change {
            search_roots: Some(vec![SearchRoot {
                path: PathBuf::from("/ws"),
                kind: SearchRootKind::Workspace,
            }]),
            ..Change::default()
        };
        for (path, text) in FILES {
            change.set_file(Path::new(path), *text);
        }
        host.apply_change(change);
        host
    }

    fn executed(host: &AnalysisHost, query: &str) -> usize {
        host.take_executed_queries()
            .iter()
            .filter(|key| key.starts_with(query))
            .count()
    }

    /// The lookup outlines only the files whose header words name the class: `base.py`
    /// (no bases) is never outlined, and a file whose tree is not in memory is parsed
    /// privately, leaving no parse or index memo behind.
    #[test]
    fn the_lookup_outlines_only_candidate_files_and_memoizes_no_tree_or_index() {
        let host = host();
        let db = host.raw_database();
        assert!(super::provided_by_subclass(db, "Base", "rate"));
        let log = host.take_executed_queries();
        let count = |query: &str| log.iter().filter(|key| key.starts_with(query)).count();
        assert_eq!(count("class_header_words("), 3, "{log:?}");
        assert_eq!(count("class_outlines("), 2, "{log:?}");
        assert_eq!(count("parse("), 0, "{log:?}");
        assert_eq!(count("file_index("), 0, "{log:?}");

        // `Other` (through `base.Base`) has a metaclass: it may have any attribute.
        assert!(super::provided_by_subclass(db, "Base", "missing"));
        assert_eq!(executed(&host, "class_outlines("), 0);
        assert!(!super::provided_by_subclass(db, "Fast", "rate"));
        assert!(!super::provided_by_subclass(db, "Unknown", "rate"));
    }

    /// Through a chain of subclasses, an open class (a metaclass) provides anything.
    #[test]
    fn a_subclass_of_a_subclass_provides() {
        let mut host = host();
        let mut change = Change::default();
        change.set_file(
            Path::new("/ws/deeper.py"),
            "import fast\nclass Deeper(\n    fast.Fast,  # the fast one\n):\n    limit = 3\n",
        );
        host.apply_change(change);
        let db = host.raw_database();
        assert!(super::provided_by_subclass(db, "Base", "limit"));
        assert!(super::provided_by_subclass(db, "Fast", "limit"));
        assert!(!super::provided_by_subclass(db, "Deeper", "limit"));
    }

    /// `call-arity` asks whether a subclass provides a method only for a call that does
    /// not fit: a fitting call outlines no file; a misfit one does, and the open subclass
    /// (`Other`, with a metaclass) keeps it from being reported.
    #[test]
    fn call_arity_looks_for_subclasses_only_for_calls_that_do_not_fit() {
        let mut host = host();
        let mut change = Change::default();
        change.set_file(
            Path::new("/ws/use.py"),
            "from base import Base

Base().run()
",
        );
        change.set_file(
            Path::new("/ws/misuse.py"),
            "from base import Base

Base().run(1)
",
        );
        host.apply_change(change);
        let fits = host.file_id(Path::new("/ws/use.py")).unwrap();
        let misfits = host.file_id(Path::new("/ws/misuse.py")).unwrap();
        host.take_executed_queries();
        let rules = |diagnostics: Vec<crate::ide::Diagnostic>| -> Vec<String> {
            diagnostics.into_iter().map(|found| found.rule).collect()
        };
        assert_eq!(
            rules(host.analysis().diagnostics(fits).unwrap()),
            Vec::<String>::new()
        );
        assert_eq!(executed(&host, "class_outlines("), 0);
        assert!(
            !rules(host.analysis().diagnostics(misfits).unwrap())
                .contains(&"call-arity".to_owned())
        );
        assert!(executed(&host, "class_outlines(") > 0);
    }

    /// Editing a function body leaves the header words and the outlines equal: the workspace
    /// merge and the lookup by name backdate, no other file's outline is read again. A new
    /// base changes the words.
    #[test]
    fn an_edit_outside_the_headers_does_not_rebuild_the_word_merge() {
        let mut host = host();
        assert!(super::provided_by_subclass(
            host.raw_database(),
            "Base",
            "rate"
        ));
        host.take_executed_queries();
        let mut change = Change::default();
        change.set_file(
            Path::new("/ws/fast.py"),
            "from base import Base as Parent\n\nclass Fast(Parent):\n    def __init__(self):\n        self.rate = 3 + 4\n",
        );
        host.apply_change(change);
        assert!(super::provided_by_subclass(
            host.raw_database(),
            "Base",
            "rate"
        ));
        let log = host.take_executed_queries();
        let count = |query: &str| log.iter().filter(|key| key.starts_with(query)).count();
        assert_eq!(count("class_header_words("), 1, "{log:?}");
        assert_eq!(count("files_by_class_header_word("), 0, "{log:?}");
        // The edited file's outline is computed again and equal: the lookup by name backdates.
        assert_eq!(count("class_outlines("), 1, "{log:?}");
        assert_eq!(count("subclass_outlines("), 0, "{log:?}");

        let mut change = Change::default();
        change.set_file(
            Path::new("/ws/fast.py"),
            "class Fast(Mixin):\n    def __init__(self):\n        self.rate = 2\n",
        );
        host.apply_change(change);
        let db = host.raw_database();
        assert!(super::provided_by_subclass(db, "Mixin", "rate"));
        assert!(!super::provided_by_subclass(db, "Mixin", "missing"));
        assert_eq!(executed(&host, "files_by_class_header_word("), 1);
    }

    #[test]
    fn header_words_skip_comments_and_strings() {
        let text = r#"
from pkg import (Alpha as A,
    Beta)  # Gamma as G
import os.path as osp
class One(A, "Delta", metaclass=Meta):  # class Epsilon(Zeta)
    doc = """class Eta(Theta)"""
class Two[T: Iota](  # ) class
    pkg.Kappa[T], Lambda \
    , Ωmega):
    pass
class Three: x = f'{y["class Mu(Nu)"]}'
class Four \
  (Xi): pass
class Broken(Omicron
"#;
        let words: Vec<String> = super::header_words(text)
            .into_iter()
            .map(|word| word.to_string())
            .collect();
        assert_eq!(
            words,
            [
                "A",
                "Alpha",
                "Kappa",
                "Lambda",
                "Meta",
                "Omicron",
                "T",
                "Xi",
                "metaclass",
                "path",
                "pkg",
                "Ωmega"
            ]
        );
    }

    /// Every base of every class outline in the test workspaces (and in the directory
    /// `REMEDY_OUTLINE_CORPUS` names, if set) is among its file's header words.
    #[test]
    fn outline_bases_are_header_words() {
        let root = std::env::var_os("REMEDY_OUTLINE_CORPUS").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-workspaces"),
            PathBuf::from,
        );
        let mut paths = Vec::new();
        let mut pending = vec![root.clone()];
        while let Some(directory) = pending.pop() {
            for entry in std::fs::read_dir(&directory).expect("the corpus is readable") {
                let path = entry.expect("the corpus is readable").path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|extension| extension == "py") {
                    paths.push(path);
                }
            }
        }
        let mut host = AnalysisHost::default();
        let mut change = Change {
            search_roots: Some(vec![SearchRoot {
                path: root,
                kind: SearchRootKind::Workspace,
            }]),
            ..Change::default()
        };
        for path in &paths {
            let bytes = std::fs::read(path).expect("the corpus is readable");
            change.set_file(path.as_path(), String::from_utf8_lossy(&bytes).into_owned());
        }
        host.apply_change(change);
        let db = host.raw_database();
        let mut bases = 0;
        for path in &paths {
            let file = db.file(path).expect("the file was added");
            let words = super::class_header_words(db, file);
            for outline in super::class_outlines(db, file) {
                for base in &outline.bases {
                    bases += 1;
                    assert!(
                        words.binary_search(base).is_ok(),
                        "{}: `{base}` of `{}` is not in {words:?}",
                        path.display(),
                        outline.name
                    );
                }
            }
        }
        assert!(bases > 20, "only {bases} bases in {} files", paths.len());
    }

    /// A file whose tree is in memory (open, being analysed) reads the memoized index,
    /// and both ways give the same outlines.
    #[test]
    fn memoized_and_private_syntax_give_the_same_outlines() {
        let private_host = host();
        let memoized_host = host();
        for (path, _) in FILES {
            let private_db = private_host.raw_database();
            let file = private_db
                .file(Path::new(path))
                .expect("the file was added");
            let private = super::class_outlines(private_db, file).clone();
            assert_eq!(executed(&private_host, "file_index("), 0);

            let memoized_db = memoized_host.raw_database();
            let file = memoized_db
                .file(Path::new(path))
                .expect("the file was added");
            crate::parse::parse(memoized_db, file);
            memoized_host.take_executed_queries();
            let memoized = super::class_outlines(memoized_db, file).clone();
            assert_eq!(executed(&memoized_host, "file_index("), 1, "{path}");
            assert!(!private.is_empty());
            assert_eq!(private, memoized, "{path}");
        }
    }
}
