//! What the subclasses of a class provide, across the workspace's files.
//!
//! A base class often reads attributes its subclasses define (`ParserBase` reads
//! `self.rawdata`, which `HTMLParser` in another module sets). Before judging such a read,
//! the rules ask whether any class of the workspace deriving from the reader's class, by
//! name, defines the attribute. Each file contributes a small outline of its classes
//! (names, base names, attribute names) computed from its index alone; the workspace
//! aggregate is rebuilt from those outlines, so an edit re-reads one file's outline.
//!
//! Matching is by the base's last name segment (`class HTMLParser(_markupbase.ParserBase)`
//! derives from every class called `ParserBase`): wrong only in the silencing direction.

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

/// The workspace's class outlines grouped by base name.
#[salsa::tracked(returns(ref))]
pub(crate) fn subclasses_by_base(db: &dyn Db) -> Arc<FxHashMap<SmolStr, Vec<ClassOutline>>> {
    let resolver = crate::modules::module_resolver(db);
    let mut by_base: FxHashMap<SmolStr, Vec<ClassOutline>> = FxHashMap::default();
    for (path, file) in db.workspace().files(db).iter() {
        if !super::is_python_path(path) || !super::imports::is_workspace_path(resolver, path) {
            continue;
        }
        for outline in class_outlines(db, *file) {
            for base in &outline.bases {
                by_base
                    .entry(base.clone())
                    .or_default()
                    .push(outline.clone());
            }
        }
    }
    Arc::new(by_base)
}

/// Whether some workspace class deriving (directly or not) from a class called
/// `class_name` defines `attribute`, or may have any attribute.
pub(crate) fn provided_by_subclass(db: &dyn Db, class_name: &str, attribute: &str) -> bool {
    let by_base = subclasses_by_base(db);
    let mut seen: FxHashSet<SmolStr> = FxHashSet::default();
    let mut pending = vec![SmolStr::new(class_name)];
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) || seen.len() > 256 {
            continue;
        }
        for outline in by_base.get(&name).into_iter().flatten() {
            if outline.open || outline.attributes.iter().any(|known| known == attribute) {
                return true;
            }
            pending.push(outline.name.clone());
        }
    }
    false
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

    /// The workspace-wide merge reads every file's outline, but a file whose tree is not
    /// in memory is parsed privately: no parse or index memo is left behind.
    #[test]
    fn the_merge_over_closed_files_memoizes_no_tree_or_index() {
        let host = host();
        let db = host.raw_database();
        assert!(super::provided_by_subclass(db, "Base", "rate"));
        let log = host.take_executed_queries();
        let count = |query: &str| log.iter().filter(|key| key.starts_with(query)).count();
        assert_eq!(count("class_outlines("), 3, "{log:?}");
        assert_eq!(count("parse("), 0, "{log:?}");
        assert_eq!(count("file_index("), 0, "{log:?}");
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
