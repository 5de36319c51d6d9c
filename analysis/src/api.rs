//! The public face of the crate: [`AnalysisHost`] applies changes, [`Analysis`] is a
//! snapshot answering queries.
//!
//! Every `Analysis` method returns [`Cancellable`]: when the host applies a change
//! while a query runs, salsa unwinds that query with [`Cancelled`], which the method
//! turns into `Err`. Callers retry or answer "content modified".

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;

use line_index::{LineIndex, TextRange, TextSize};
use salsa::{Cancelled, Setter};

use crate::config::Config;
use crate::db::{Db, RootDatabase};
use crate::ide;
use crate::input::SourceFile;
use crate::parse::ParseBase;
use crate::patches;
use crate::resolve::SearchRoot;
use crate::text_edit::{TextEdit, apply_edit, diff_edit};

pub type Cancellable<T> = Result<T, Cancelled>;

/// A file known to the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(pub(crate) SourceFile);

#[derive(Debug, Clone)]
pub enum FileChange {
    /// Create the file or replace its whole text.
    Set {
        path: Arc<Path>,
        text: Arc<str>,
    },
    /// Apply edits in order (each range refers to the text left by the edits before it).
    Edit {
        path: Arc<Path>,
        edits: Vec<TextEdit>,
    },
    Remove {
        path: Arc<Path>,
    },
}

/// A batch of changes applied as one new revision.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub files: Vec<FileChange>,
    pub search_roots: Option<Vec<SearchRoot>>,
    pub config: Option<Config>,
}

impl Change {
    pub fn set_file(&mut self, path: impl Into<Arc<Path>>, text: impl Into<Arc<str>>) {
        self.files.push(FileChange::Set {
            path: path.into(),
            text: text.into(),
        });
    }

    pub fn edit_file(&mut self, path: impl Into<Arc<Path>>, edits: Vec<TextEdit>) {
        self.files.push(FileChange::Edit {
            path: path.into(),
            edits,
        });
    }

    pub fn remove_file(&mut self, path: impl Into<Arc<Path>>) {
        self.files.push(FileChange::Remove { path: path.into() });
    }
}

/// Owns the database; the single writer.
#[derive(Default)]
pub struct AnalysisHost {
    db: RootDatabase,
    /// Trees of huge files released by the last change (see [`AnalysisHost::take_released_trees`]).
    released_trees: Vec<tree_sitter::Tree>,
}

/// Trees that a change released; dropping them frees their memory (a tenth of a second
/// for a million nodes).
pub struct ReleasedTrees(Vec<tree_sitter::Tree>);

impl ReleasedTrees {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl AnalysisHost {
    pub fn new() -> Self {
        Self::default()
    }

    /// A host whose database records executed queries (see [`AnalysisHost::take_executed_queries`]).
    pub fn with_event_log() -> Self {
        AnalysisHost {
            db: RootDatabase::with_event_log(),
            released_trees: Vec::new(),
        }
    }

    /// A snapshot for reading. Drop it soon: the next change waits for every snapshot.
    pub fn analysis(&self) -> Analysis {
        Analysis {
            db: self.db.clone(),
        }
    }

    /// Drops the parse trees and indexes used least recently beyond the caches' capacity
    /// (they are recomputed when asked for again). Waits for every snapshot to be dropped.
    pub fn evict_least_recently_used(&mut self) {
        salsa::Database::trigger_lru_eviction(&mut self.db);
    }

    /// The queries executed since the last call, as salsa prints their keys
    /// (`parse(Id(0))`, `file_index(Id(1))`, …). Empty unless built with an event log.
    pub fn take_executed_queries(&self) -> Vec<String> {
        self.db.take_event_log()
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.db
            .workspace()
            .files(&self.db)
            .get(path)
            .copied()
            .map(FileId)
    }

    pub fn file_text(&self, file: FileId) -> Arc<str> {
        file.0.text(&self.db).clone()
    }

    /// The trees of huge files that the last change released, for the caller to drop
    /// off its hot path (a server: on another thread). Not taken, they are dropped by
    /// the next change.
    pub fn take_released_trees(&mut self) -> ReleasedTrees {
        ReleasedTrees(std::mem::take(&mut self.released_trees))
    }

    /// Turns on or off what keeps scope inference valid across edits elsewhere in a file
    /// (on by default). Off, a revision analysed once costs less time and memory: `remedy
    /// check` turns it off, a server too (and on per file, for the files the user edits,
    /// see [`AnalysisHost::set_reuse_across_edits_for`]). Changing it re-runs the
    /// inference on the next request; results are the same either way.
    pub fn set_reuse_across_edits(&mut self, on: bool) {
        let settings = self.db.settings();
        if *settings.reuse_across_edits(&self.db) != on {
            settings.set_reuse_across_edits(&mut self.db).to(on);
        }
    }

    /// [`AnalysisHost::set_reuse_across_edits`] for the file at `path` alone (when the
    /// setting for all files is off): a server turns it on for a document at its first
    /// edit, so that neither the inference of the other files nor their memory changes.
    /// Nothing happens for an unknown path.
    pub fn set_reuse_across_edits_for(&mut self, path: &Path, on: bool) {
        let Some(file) = self.db.file(path) else {
            return;
        };
        if *file.reuse_across_edits(&self.db) != on {
            file.set_reuse_across_edits(&mut self.db).to(on);
        }
    }

    /// Turns on or off the node tables of parse trees (off by default; see
    /// [`crate::node_table`]). On, a batch analysis (`remedy check`) spends less time
    /// walking trees and keeps a table next to every tree in memory; results are the
    /// same either way.
    pub fn set_node_tables(&mut self, on: bool) {
        self.db.node_tables = on;
    }

    pub fn apply_change(&mut self, change: Change) {
        self.released_trees.clear();
        if let Some(config) = change.config {
            let settings = self.db.settings();
            if *settings.config(&self.db) != config {
                settings.set_config(&mut self.db).to(config);
            }
        }
        if let Some(roots) = change.search_roots {
            let workspace = self.db.workspace();
            if *workspace.search_roots(&self.db) != roots {
                workspace.set_search_roots(&mut self.db).to(roots);
            }
        }
        let workspace = self.db.workspace();
        // The file map is cloned only when a file is added or removed.
        let mut files: Option<BTreeMap<Arc<Path>, SourceFile>> = None;
        for file_change in change.files {
            let known = |db: &RootDatabase,
                         files: &Option<BTreeMap<Arc<Path>, SourceFile>>,
                         path: &Path| match files {
                Some(files) => files.get(path).copied(),
                None => workspace.files(db).get(path).copied(),
            };
            match file_change {
                FileChange::Set { path, text } => match known(&self.db, &files, &path) {
                    Some(file) => self.replace_text(file, text),
                    None => {
                        let file = SourceFile::new(&self.db, path.clone(), text);
                        files
                            .get_or_insert_with(|| workspace.files(&self.db).as_ref().clone())
                            .insert(path, file);
                    }
                },
                FileChange::Edit { path, edits } => {
                    if let Some(file) = known(&self.db, &files, &path) {
                        self.edit_file(file, &edits);
                    }
                }
                FileChange::Remove { path } => {
                    files
                        .get_or_insert_with(|| workspace.files(&self.db).as_ref().clone())
                        .remove(&path);
                }
            }
        }
        if let Some(files) = files {
            workspace.set_files(&mut self.db).to(Arc::new(files));
        }
    }

    /// Applies `edits` to the text and to the latest tree, so the next parse is
    /// incremental. Never parses: a parse of a huge file would hold up the edit (and every
    /// request behind it) for a second.
    fn edit_file(&mut self, file: SourceFile, edits: &[TextEdit]) {
        let old_base = file.parse_base(&self.db).clone();
        let mut text = file.text(&self.db).to_string();
        let over_limits = is_over_limits(file.text(&self.db));
        let mut tree = if over_limits {
            None
        } else {
            old_base.latest_tree()
        };
        for edit in edits {
            let input_edit = apply_edit(&mut text, edit);
            if let Some(tree) = &mut tree {
                tree.edit(&input_edit);
            }
        }
        let over_limits = over_limits || is_over_limits(&text);
        file.set_text(&mut self.db).to(Arc::from(text));
        file.set_parse_base(&mut self.db)
            .to(tree.map(ParseBase::edited).unwrap_or_default());
        if over_limits {
            self.release_old_tree(&old_base);
        }
    }

    /// For a file over the analysis limits, frees the tree of its previous text now
    /// rather than after the next parse and the next write: a reparse that reuses little
    /// of it would hold two trees (~270 MB for a 1 MB line). Such a file is then parsed
    /// from scratch, which costs its background analysis ~1 s instead of ~0.3 s.
    fn release_old_tree(&mut self, old_base: &ParseBase) {
        // SAFETY: the text setter just called waited until every snapshot was dropped,
        // and no reference into the database is held here (`&mut self`); the released
        // tree belongs to the previous text, which no query reads again.
        let released = unsafe { old_base.release_parsed_tree() };
        self.released_trees.extend(released);
    }

    /// Replaces the whole text of `file`. The span between the common prefix and suffix
    /// of the old and new text becomes one edit of the latest tree, so a client sending
    /// whole documents still gets incremental parses (and a huge file does not hold two
    /// unrelated trees while it is parsed again). An unchanged text changes nothing.
    fn replace_text(&mut self, file: SourceFile, text: Arc<str>) {
        let old_text = file.text(&self.db);
        let Some(edit) = diff_edit(old_text, &text) else {
            return;
        };
        let over_limits = is_over_limits(old_text) || is_over_limits(&text);
        let old_base = file.parse_base(&self.db).clone();
        let base = match old_base.latest_tree().filter(|_| !over_limits) {
            Some(mut tree) => {
                tree.edit(&edit);
                ParseBase::edited(tree)
            }
            None => ParseBase::default(),
        };
        file.set_text(&mut self.db).to(text);
        file.set_parse_base(&mut self.db).to(base);
        if over_limits {
            self.release_old_tree(&old_base);
        }
    }

    /// Direct database access for tests and benchmarks inside the crate's users.
    pub fn raw_database(&self) -> &RootDatabase {
        &self.db
    }
}

/// Whether a text gets only a limited analysis (see [`crate::limits`]).
fn is_over_limits(text: &str) -> bool {
    crate::limits::limit_message(text).is_some()
}

/// A snapshot of the database.
pub struct Analysis {
    db: RootDatabase,
}

impl Analysis {
    fn with_db<T>(&self, f: impl FnOnce(&RootDatabase) -> T) -> Cancellable<T> {
        Cancelled::catch(AssertUnwindSafe(|| f(&self.db)))
    }

    /// Cancels the running queries of this snapshot (used for `$/cancelRequest`).
    pub fn cancellation_token(&self) -> salsa::CancellationToken {
        salsa::Database::cancellation_token(&self.db)
    }

    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.db
            .workspace()
            .files(&self.db)
            .get(path)
            .copied()
            .map(FileId)
    }

    pub fn files(&self) -> Vec<FileId> {
        self.db
            .workspace()
            .files(&self.db)
            .values()
            .copied()
            .map(FileId)
            .collect()
    }

    pub fn file_path(&self, file: FileId) -> Arc<Path> {
        file.0.path(&self.db).clone()
    }

    pub fn file_text(&self, file: FileId) -> Arc<str> {
        file.0.text(&self.db).clone()
    }

    pub fn config(&self) -> Config {
        self.db.settings().config(&self.db).clone()
    }

    pub fn line_index(&self, file: FileId) -> Cancellable<Arc<LineIndex>> {
        self.with_db(|db| ide::line_index(db, file.0).clone())
    }

    /// Parses, indexes and resolves the imports of `file`, and computes its part of the
    /// whole-workspace queries (the circular-import simulation, subclass outlines, ...),
    /// so that those find that work done. A warm-up that batch checks run on all cores
    /// before asking for diagnostics.
    pub fn prepare(&self, file: FileId) -> Cancellable<()> {
        self.with_db(|db| {
            crate::modules::import_targets(db, file.0);
            crate::rules::prepare_workspace_summaries(db, file.0);
        })
    }

    pub fn diagnostics(&self, file: FileId) -> Cancellable<Vec<ide::Diagnostic>> {
        self.with_db(|db| ide::diagnostics(db, file.0))
    }

    /// The workspace locations of the exceptions in a pasted traceback.
    pub fn traceback_diagnostics(
        &self,
        traceback: &str,
    ) -> Cancellable<Vec<(FileId, ide::TracebackDiagnostic)>> {
        self.with_db(|db| {
            ide::traceback_diagnostics(db, traceback)
                .into_iter()
                .map(|diagnostic| (FileId(diagnostic.file), diagnostic))
                .collect()
        })
    }

    pub fn hover(&self, file: FileId, offset: TextSize) -> Cancellable<Option<ide::HoverResult>> {
        self.with_db(|db| ide::hover(db, file.0, offset))
    }

    /// Every name occurrence of `file` with its inferred members (`remedy infer`).
    pub fn inferred_names(&self, file: FileId) -> Cancellable<Vec<ide::InferredName>> {
        self.with_db(|db| ide::inferred_names(db, file.0))
    }

    /// The type names inferred for the functions, parameters and bound names of each of
    /// `files`, with call sites gathered from all of them (`remedy types`).
    pub fn inferred_types(
        &self,
        files: &[FileId],
    ) -> Cancellable<Vec<(FileId, Vec<ide::InferredType>)>> {
        self.with_db(|db| {
            let sources: Vec<_> = files.iter().map(|file| file.0).collect();
            ide::inferred_types(db, &sources)
                .into_iter()
                .map(|(file, facts)| (FileId(file), facts))
                .collect()
        })
    }

    pub fn document_symbols(&self, file: FileId) -> Cancellable<Vec<ide::DocumentSymbol>> {
        self.with_db(|db| ide::document_symbols(db, file.0))
    }

    pub fn goto_definition(
        &self,
        file: FileId,
        offset: TextSize,
    ) -> Cancellable<Vec<ide::NavigationTarget>> {
        self.with_db(|db| ide::goto_definition(db, file.0, offset))
    }

    /// Verified healing patches for the findings overlapping `range`, best first per
    /// finding, then a suppression per finding.
    pub fn fixes(&self, file: FileId, range: TextRange) -> Cancellable<Vec<patches::Fix>> {
        self.with_db(|db| patches::verified_fixes(db, file.0, range))
    }

    /// Verified patches for a crash that a traceback located at `line` of `file` and
    /// classified as `rule`.
    pub fn crash_fixes(
        &self,
        file: FileId,
        rule: &str,
        line: TextRange,
    ) -> Cancellable<Vec<patches::Fix>> {
        self.with_db(|db| patches::fixes_for_crash(db, file.0, rule, line))
    }

    /// The edits of one "fix all" round for `file` (safe patches, or unsafe ones too).
    pub fn fix_all(&self, file: FileId, include_unsafe: bool) -> Cancellable<Vec<TextEdit>> {
        self.with_db(|db| patches::fix_all_edits(db, file.0, include_unsafe))
    }

    /// The module name of a file (`pkg.mod`), as the resolver sees it.
    pub fn module_name(&self, file: FileId) -> Cancellable<String> {
        self.with_db(|db| ide::module_name(db, file.0))
    }

    /// Runs `f` against the database, catching cancellation.
    pub fn with_database<T>(&self, f: impl FnOnce(&dyn Db) -> T) -> Cancellable<T> {
        self.with_db(|db| f(db))
    }
}
