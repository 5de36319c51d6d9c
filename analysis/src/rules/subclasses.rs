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
