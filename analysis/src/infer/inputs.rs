//! What the interpreter of a scope inside a top-level `def` or `class` reads of its own
//! file, behind a query that edits elsewhere leave equal: the firewall that keeps the
//! inference of the scopes an edit did not touch valid within the edited file.
//!
//! ```python
//! def total(items):            # region 1 (see `anchors`)
//!     return sum(items)
//! x_i = i                      # inserted: module code, region 2
//! class Ledger:                # region 3: moved down, unchanged
//!     def add(self, item):
//!         return total([item])
//! ```
//!
//! The interpreter of `add` reads the tree, the index and the text of the whole file;
//! all three change with the inserted line. It reads them through [`scope_input`], whose
//! value holds handles to the current ones but compares only what the interpreter may
//! read of them, stated without positions: the text of every top-level `def` and
//! `class` (not the module code between them), how the regions and their first scope
//! ids are laid out, and for each name the scope's region loads whether the module binds
//! it. The module's values come from [`module_global`], one name at a time, with anchored
//! origins. So after the inserted line `scope_input` of `add` comes out equal, salsa
//! backdates it, and `add`'s inference is reused.
//!
//! For that reuse to be correct the inference of such a scope holds no coordinates of
//! the revision it ran in: its offsets count from its region's start, its bindings by
//! position among the region's definitions, and its origins of this file are anchored
//! (`ScopeInference::relative`); [`super::infer_scope`] resolves them for everyone
//! outside the inference. The module scope reads the file directly and keeps absolute
//! coordinates: every edit of module code changes it anyway.

use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashSet;

use crate::db::Db;
use crate::index::{FileIndex, Name, NameContext, ScopeId, file_index};
use crate::input::SourceFile;
use crate::parse::{ParsedFile, parse};
use crate::values::{Origin, Union};

use super::anchors::OriginAnchors;

/// Whether the inference keeps what makes a scope's result valid across edits elsewhere
/// in its file (relative results and their resolved copies, the module's run's own
/// copies). A process analysing one revision (`remedy check`), or a server before the
/// first edit, pays their memory and time for nothing: see
/// `AnalysisHost::set_reuse_across_edits`. It is decided per file (the setting for all
/// files, or the file's own switch): a scope only reads its own file's inference as is,
/// other files' through position-free summaries, so files of either kind mix. Results
/// are the same either way.
pub(crate) fn reuse_across_edits(db: &dyn Db, file: SourceFile) -> bool {
    *db.settings().reuse_across_edits(db) || *file.reuse_across_edits(db)
}

/// The current tree, index, text and regions of one file, and the position-free
/// fingerprint of what scopes inside top-level definitions may read outside their own
/// region. Never equal to an earlier revision's (`no_eq`): readers compare
/// [`scope_input`]s. It holds the file's tree and index, so it is dropped as [`parse`]
/// and [`file_index`] are (least recently used).
#[salsa::tracked(returns(ref), no_eq, lru = 256)]
pub(crate) fn file_inputs(db: &dyn Db, file: SourceFile) -> FileInputs {
    let index = file_index(db, file).clone();
    let parsed = parse(db, file).clone();
    let text = file.text(db).clone();
    let anchors = Arc::new(OriginAnchors::new(&index, line_index::TextSize::of(&*text)));
    let regions = anchors.region_count();
    // Per region: the first definition whose name lies in it, and whether the region's
    // definitions have consecutive ids (so that a binding can be named by position).
    let mut first_definitions: Vec<Option<(u32, u32, u32)>> = vec![None; regions];
    for (id, definition) in index.definitions.iter().enumerate() {
        let region = anchors.region_of(definition.name_range.start());
        let id = id as u32;
        first_definitions[region] = Some(match first_definitions[region] {
            None => (id, id, 1),
            Some((first, last, count)) => (first.min(id), last.max(id), count + 1),
        });
    }
    let first_definitions = first_definitions
        .into_iter()
        .map(|entry| {
            entry.and_then(|(first, last, count)| (last - first + 1 == count).then_some(first))
        })
        .collect::<Vec<_>>();
    let mut first_scopes: Vec<Option<u32>> = vec![None; regions];
    for (id, scope) in index.scopes.iter().enumerate().skip(1) {
        let region = anchors.region_of(scope.range.start());
        first_scopes[region].get_or_insert(id as u32);
    }
    // What the scopes of top-level definitions may read outside their region, without
    // positions: the text of every region inside a top-level scope, their number and
    // first scope ids; for top-level scopes inside module statements (`if`, `try`),
    // whose origins name a branch of module code and stay in coordinates, where they
    // are.
    let mut hasher = Fingerprint::default();
    regions.hash(&mut hasher);
    index.scopes.len().hash(&mut hasher);
    for region in (1..regions).step_by(2) {
        let range = anchors.region_range(region);
        text.get(usize::from(range.start())..usize::from(range.end()))
            .hash(&mut hasher);
        first_scopes[region].hash(&mut hasher);
    }
    let module_body = index.scope(FileIndex::MODULE_SCOPE).body_branch;
    for scope in &index.scopes {
        if scope.parent != Some(FileIndex::MODULE_SCOPE) {
            continue;
        }
        let branch = scope
            .definition
            .map(|definition| index.definition(definition).branch);
        if branch.is_some_and(|branch| branch != module_body) {
            u32::from(scope.range.start()).hash(&mut hasher);
            branch.hash(&mut hasher);
        }
    }
    FileInputs {
        fingerprint: hasher.finish128(),
        index,
        parsed,
        text,
        anchors,
        first_definitions,
        module_names: (0..regions).map(|_| OnceLock::new()).collect(),
    }
}

pub(crate) struct FileInputs {
    fingerprint: (u64, u64),
    pub(crate) index: Arc<FileIndex>,
    pub(crate) parsed: ParsedFile,
    pub(crate) text: Arc<str>,
    pub(crate) anchors: Arc<OriginAnchors>,
    first_definitions: Vec<Option<u32>>,
    /// Per region, computed when a scope of it first asks: see [`Self::module_names`].
    module_names: Vec<OnceLock<ModuleNames>>,
}

/// The names a region loads, sorted, each with whether the module binds it.
type ModuleNames = Arc<Vec<(Name, bool)>>;

impl FileInputs {
    /// The names the code of `region` loads (or deletes), sorted, each with whether the
    /// module binds it. Shared by the region's scopes: a large class has a hundred
    /// methods, all in its region.
    fn module_names(&self, region: usize) -> &ModuleNames {
        self.module_names[region].get_or_init(|| {
            let index = &self.index;
            let region_range = self.anchors.region_range(region);
            let from = index
                .name_refs
                .partition_point(|name_ref| name_ref.range.start() < region_range.start());
            let mut seen: FxHashSet<&Name> = FxHashSet::default();
            let mut names: Vec<&Name> = index.name_refs[from..]
                .iter()
                .take_while(|name_ref| name_ref.range.start() < region_range.end())
                .filter(|name_ref| !matches!(name_ref.context, NameContext::Store))
                .map(|name_ref| &name_ref.name)
                .filter(|name| seen.insert(*name))
                .collect();
            names.sort_unstable();
            Arc::new(
                names
                    .into_iter()
                    .map(|name| {
                        let bound = index
                            .definitions_in_scope(FileIndex::MODULE_SCOPE, name)
                            .next()
                            .is_some();
                        (name.clone(), bound)
                    })
                    .collect(),
            )
        })
    }

    /// Where the inference of `scope` counts from, when it is held relative (a scope
    /// inside a top-level definition whose definitions have consecutive ids): the
    /// region's start offset and first definition id.
    pub(crate) fn base(&self, scope: ScopeId) -> Option<Base> {
        if scope == FileIndex::MODULE_SCOPE {
            return None;
        }
        let start = self.index.scope(scope).range.start();
        let region = self.anchors.region_of(start);
        if region.is_multiple_of(2) {
            return None;
        }
        let first_definition = match self.first_definitions[region] {
            Some(first) => first,
            // No definitions: nothing to count from.
            None if self.definitions_in(region) == 0 => 0,
            None => return None,
        };
        Some(Base {
            offset: u32::from(self.anchors.region_range(region).start()),
            first_definition,
        })
    }

    fn definitions_in(&self, region: usize) -> usize {
        self.index
            .definitions
            .iter()
            .filter(|definition| self.anchors.region_of(definition.name_range.start()) == region)
            .count()
    }
}

/// The origin of a relative inference's coordinates (see [`FileInputs::base`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Base {
    pub(crate) offset: u32,
    pub(crate) first_definition: u32,
}

/// What the interpreter of one scope reads of its file (see the module docs). Equal
/// when what it may read is, wherever it now lies; the handles are those of the
/// revision that computed it.
pub(crate) struct ScopeInput {
    pub(crate) file: Arc<FileInputsHandle>,
    pub(crate) base: Option<Base>,
    key: InputKey,
}

/// The handles of [`FileInputs`], shared by the scopes of one revision.
pub(crate) struct FileInputsHandle {
    pub(crate) index: Arc<FileIndex>,
    pub(crate) parsed: ParsedFile,
    pub(crate) text: Arc<str>,
    pub(crate) anchors: Arc<OriginAnchors>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum InputKey {
    /// A scope held relative: the file's fingerprint, the scope's region's text and
    /// where the scope lies in it, and whether the module binds each name the region
    /// loads.
    Relative {
        fingerprint: (u64, u64),
        region: u32,
        relative_range: (u32, u32),
        module_names: ModuleNames,
    },
    /// Anything else (the module): never equal to another revision's input.
    Absolute,
}

impl PartialEq for ScopeInput {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.key != InputKey::Absolute
    }
}

impl Eq for ScopeInput {}

impl std::fmt::Debug for ScopeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopeInput")
            .field("base", &self.base)
            .field("key", &self.key)
            .finish()
    }
}

/// The input of the interpreter of `scope` of `file` (see the module docs). Each holds
/// its file's tree and index: the least recently used are dropped between revisions, so
/// that the trees of files no longer analysed are freed (a dropped one is computed
/// again, and its readers run again).
#[salsa::tracked(returns(ref), lru = 4096)]
pub(crate) fn scope_input(db: &dyn Db, file: SourceFile, scope: ScopeId) -> ScopeInput {
    let inputs = file_inputs(db, file);
    let handle = Arc::new(FileInputsHandle {
        index: inputs.index.clone(),
        parsed: inputs.parsed.clone(),
        text: inputs.text.clone(),
        anchors: inputs.anchors.clone(),
    });
    let base = inputs.base(scope);
    let key = match base {
        Some(base) => {
            let range = inputs.index.scope(scope).range;
            let region = inputs.anchors.region_of(range.start());
            let module_names = inputs.module_names(region).clone();
            InputKey::Relative {
                fingerprint: inputs.fingerprint,
                region: region as u32,
                relative_range: (
                    u32::from(range.start()) - base.offset,
                    u32::from(range.end()) - base.offset,
                ),
                module_names,
            }
        }
        None => InputKey::Absolute,
    };
    ScopeInput {
        file: handle,
        base,
        key,
    }
}

/// The value of the module global `name` of `file` when the module finishes, with the
/// origins of `file` anchored: what a function reading the global depends on, rather
/// than the module's whole inference.
///
/// Read by scopes outside the module's run; a salsa cycle only when the module's run
/// reads a scope that is not a copy of its run (a class body inside a function).
#[salsa::tracked(returns(ref), cycle_initial = module_global_initial)]
pub(crate) fn module_global(db: &dyn Db, file: SourceFile, name: Name) -> Option<Union> {
    let inference = super::infer_scope_raw(db, file, FileIndex::MODULE_SCOPE);
    global_value(db, file, inference, &name)
}

/// [`module_global`] as the functions that the module's code calls read it in the
/// module's inference: the global when the draft run of that code finishes (see
/// [`super::ModuleRun`]).
#[salsa::tracked(returns(ref), cycle_initial = module_global_initial)]
pub(crate) fn module_global_in_run(db: &dyn Db, file: SourceFile, name: Name) -> Option<Union> {
    global_value(db, file, super::infer_module_draft(db, file), &name)
}

fn global_value(
    db: &dyn Db,
    file: SourceFile,
    inference: &super::ScopeInference,
    name: &Name,
) -> Option<Union> {
    let value = inference.exit_value(name)?;
    let anchors = super::origin_anchors(db, file);
    Some(value.map_origins(&mut |origin: Origin| {
        if origin.file == file {
            anchors.anchor(origin)
        } else {
            origin
        }
    }))
}

/// A function the module calls while it runs reads its globals: the cycle starts from
/// "not bound yet", as the module's own inference does.
fn module_global_initial(
    _db: &dyn Db,
    _id: salsa::Id,
    _file: SourceFile,
    _name: Name,
) -> Option<Union> {
    None
}

/// The files the `from m import *` statements of `file` read (a query, so that readers
/// do not depend on the file's index).
#[salsa::tracked(returns(ref))]
pub(crate) fn star_sources(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    crate::modules::star_import_sources(db, file)
}

/// A 128-bit fingerprint: two SipHash states with different keys.
struct Fingerprint(std::hash::DefaultHasher, std::hash::DefaultHasher);

impl Default for Fingerprint {
    fn default() -> Self {
        let mut second = std::hash::DefaultHasher::new();
        0x5eed_u32.hash(&mut second);
        Fingerprint(std::hash::DefaultHasher::new(), second)
    }
}

impl Fingerprint {
    fn finish128(&self) -> (u64, u64) {
        (self.0.finish(), self.1.finish())
    }
}

impl Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0.finish()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
        self.1.write(bytes);
    }
}
