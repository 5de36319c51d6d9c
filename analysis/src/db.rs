//! The salsa database: storage, the singleton inputs and an optional event log for tests.

use std::sync::{Arc, Mutex};

use salsa::Setter;

use crate::input::{Settings, SourceFile, Workspace};

/// The database trait every query takes as `db`.
#[salsa::db]
pub trait Db: salsa::Database {
    fn workspace(&self) -> Workspace;
    fn settings(&self) -> Settings;

    /// The pieces of recent index builds (see `index::pieces`), when the database keeps
    /// them.
    fn index_pieces(&self) -> Option<&crate::index::IndexPieceCache> {
        None
    }

    /// Whether parse trees carry node tables for the interpreter and the rules (see
    /// [`crate::node_table`]): answers are the same either way; on costs memory for
    /// every tree in memory and saves time when files are analysed once each.
    fn node_tables(&self) -> bool;
}

/// The concrete database. Cloning it yields a snapshot that shares memoized results;
/// a write on the original waits until every clone has been dropped (after cancelling
/// their queries).
#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    workspace: Option<Workspace>,
    settings: Option<Settings>,
    event_log: Option<Arc<Mutex<Vec<String>>>>,
    index_pieces: Arc<crate::index::IndexPieceCache>,
    /// See [`Db::node_tables`]; not an input, since it changes no result.
    pub(crate) node_tables: bool,
}

impl RootDatabase {
    pub fn new() -> Self {
        Self::build(None)
    }

    /// A database that records every query execution (`WillExecute`) for incremental tests.
    pub fn with_event_log() -> Self {
        Self::build(Some(Arc::new(Mutex::new(Vec::new()))))
    }

    fn build(event_log: Option<Arc<Mutex<Vec<String>>>>) -> Self {
        let callback: Option<Box<dyn Fn(salsa::Event) + Send + Sync>> =
            event_log.clone().map(|log| {
                Box::new(move |event: salsa::Event| {
                    if let salsa::EventKind::WillExecute { database_key } = event.kind {
                        if let Ok(mut log) = log.lock() {
                            log.push(format!("{database_key:?}"));
                        }
                    }
                }) as Box<dyn Fn(salsa::Event) + Send + Sync>
            });
        let mut db = RootDatabase {
            storage: salsa::Storage::new(callback),
            workspace: None,
            settings: None,
            event_log,
            index_pieces: Arc::default(),
            node_tables: false,
        };
        db.workspace = Some(Workspace::new(&db, Vec::new(), Arc::default()));
        db.settings = Some(Settings::new(&db, Default::default(), true));
        db
    }

    /// Takes the executed-query log recorded since the last call (empty without a log).
    pub fn take_event_log(&self) -> Vec<String> {
        match &self.event_log {
            Some(log) => log
                .lock()
                .map(|mut log| std::mem::take(&mut *log))
                .unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

impl RootDatabase {
    /// A fresh database holding the same inputs as `db` (file texts, search roots,
    /// settings) and none of its memos: patches are tried here without touching `db`.
    /// Files are parsed and analysed only when a query asks for them.
    pub(crate) fn scratch_copy(db: &dyn Db) -> RootDatabase {
        let scratch = RootDatabase::new();
        let workspace = db.workspace();
        let files: std::collections::BTreeMap<Arc<std::path::Path>, SourceFile> = workspace
            .files(db)
            .iter()
            .map(|(path, file)| {
                let copy = SourceFile::new(&scratch, path.clone(), file.text(db).clone());
                (path.clone(), copy)
            })
            .collect();
        let mut scratch = scratch;
        let copy = scratch.workspace();
        copy.set_search_roots(&mut scratch)
            .to(workspace.search_roots(db).clone());
        copy.set_files(&mut scratch).to(Arc::new(files));
        let settings = scratch.settings();
        settings
            .set_config(&mut scratch)
            .to(db.settings().config(db).clone());
        settings
            .set_reuse_across_edits(&mut scratch)
            .to(*db.settings().reuse_across_edits(db));
        scratch
    }

    /// The file at `path`, if the workspace has one.
    pub(crate) fn file(&self, path: &std::path::Path) -> Option<SourceFile> {
        self.workspace().files(self).get(path).copied()
    }

    /// Replaces the text of the file at `path` (parsed from scratch next time).
    pub(crate) fn set_file_text(&mut self, path: &std::path::Path, text: Arc<str>) {
        if let Some(file) = self.file(path) {
            if **file.text(self) != *text {
                file.set_text(self).to(text);
                file.set_parse_base(self).to(Default::default());
            }
        }
    }
}

impl Default for RootDatabase {
    fn default() -> Self {
        Self::new()
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl Db for RootDatabase {
    fn workspace(&self) -> Workspace {
        // Invariant: `build` sets both singletons before the database is handed out.
        self.workspace
            .expect("workspace input is created in RootDatabase::build")
    }

    fn settings(&self) -> Settings {
        self.settings
            .expect("settings input is created in RootDatabase::build")
    }

    fn index_pieces(&self) -> Option<&crate::index::IndexPieceCache> {
        Some(&self.index_pieces)
    }

    fn node_tables(&self) -> bool {
        self.node_tables
    }
}
