//! Imports that fail when they run: `unresolved-import` (ModuleNotFoundError),
//! `missing-import-name` (ImportError: the module has no such name) and
//! `circular-import` (ImportError from a partially initialised module).
//!
//! ```python
//! # app/models.py
//! from app.services import notify     # app.services imports app.models back …
//! class User: ...
//! # app/services.py
//! from app.models import User         # circular-import: `User` is not defined yet
//! from app.utils import slugfy        # missing-import-name: did you mean `slugify`?
//! import app.helpers                  # unresolved-import: no such workspace module
//! ```
//!
//! How each decides:
//! - `unresolved-import`: the resolver finds no module. A relative import, or an absolute
//!   import below a package of the workspace, is definite: the workspace is fully known.
//!   A stdlib module name never gets a finding. Other top-level modules are likely
//!   missing only when an environment (site-packages or stdlib roots) was searched; with
//!   none configured the module may simply be installed, so the finding is possible.
//! - `missing-import-name`: `from m import n` where `m` is a workspace file whose exports
//!   have no `n`, no `__getattr__`, no star import and no `global n` writer, and `n` is no
//!   submodule (see `modules::import_targets`).
//! - `circular-import`: the module-level imports of the workspace files are simulated in
//!   source order from every file taken as the entry point. A `from m import n` (or a
//!   module-level `m.n`) that runs while `m` is still initialising, before `m` binds `n`,
//!   fails. Definite when an entry that nothing imports reaches it, likely otherwise
//!   (it depends on which module is imported first). Imports inside functions, under
//!   `if TYPE_CHECKING:` or inside a `try` body do not count. A file's own import cycle
//!   is simulated first (see `cycle_failures`); only a file on a failing cycle waits for
//!   the workspace-wide run.
//!
//! Guards: `try`/`except ImportError` (or a base) around the import.

use crate::index::{child_by_field, kind_of};
use std::path::Path;

use line_index::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};
use smol_str::SmolStr;
use tree_sitter::Node;

use super::attributes::closest_name;
use super::context::RuleContext;
use super::stdlib_modules::{STDLIB_MODULES, is_stdlib_module};
use super::{Check, Finding, Related};
use crate::config::Confidence;
use crate::db::Db;
use crate::index::range_of;
use crate::index::{
    BranchKind, DefinitionKind, FileIndex, Import, NameContext, ScopeKind, file_index,
    module_exports,
};
use crate::input::SourceFile;
use crate::modules::{ImportTarget, import_targets, module_file, module_resolver};
use crate::resolve::{ModuleResolver, ResolvedModule, SearchRootKind};

pub(crate) const CHECK: Check = Check {
    rules: &[
        "unresolved-import",
        "missing-import-name",
        "circular-import",
    ],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    let db = context.db;
    let targets = import_targets(db, context.file);
    let imports: Vec<(Import, ImportTarget)> = context
        .index
        .imports
        .iter()
        .cloned()
        .zip(targets.iter().cloned())
        .collect();
    for (import, target) in imports {
        if is_type_checking_only(context, import.range) {
            continue;
        }
        match target {
            ImportTarget::Unresolved => report_unresolved(context, &import),
            ImportTarget::MissingName(module) => report_missing_name(context, &import, &module),
            ImportTarget::Module(_) | ImportTarget::Submodule(_) => {}
        }
    }
    report_cycles(context);
}

fn dotted_display(import: &Import) -> String {
    format!("{}{}", ".".repeat(import.level as usize), import.module)
}

fn report_unresolved(context: &mut RuleContext<'_>, import: &Import) {
    if context.is_caught(import.range, "ModuleNotFoundError") {
        return;
    }
    let db = context.db;
    let resolver: &ModuleResolver = module_resolver(db);
    let display = dotted_display(import);
    let top = import.module.split('.').next().unwrap_or("");
    let (confidence, score, why) = if import.level > 0 {
        (Confidence::Definite, 95, "inside the workspace")
    } else {
        if top.is_empty() || is_stdlib_module(top) {
            return;
        }
        let path = context.file.path(db);
        match resolver.resolve(path, 0, top) {
            // A package of the workspace without the submodule.
            Some(ResolvedModule::File { path, .. }) if is_workspace_path(resolver, &path) => {
                (Confidence::Definite, 95, "in the workspace package")
            }
            Some(ResolvedModule::Namespace { dirs })
                if dirs.iter().all(|dir| is_workspace_path(resolver, dir)) =>
            {
                (Confidence::Likely, 70, "in the workspace package")
            }
            // The package comes from the environment, whose files may be partly known.
            Some(_) => (Confidence::Possible, 35, "in the environment"),
            None if has_environment(resolver) && !is_conditional(context, import.range) => (
                Confidence::Likely,
                70,
                "in the workspace or the environment",
            ),
            None => (
                Confidence::Possible,
                30,
                "in the workspace (no environment is configured)",
            ),
        }
    };
    let suggestion = closest_module(context, import);
    let mut message = format!("Module `{display}` is not found {why}");
    if let Some(suggestion) = &suggestion {
        message.push_str(&format!(" (did you mean `{suggestion}`?)"));
    }
    let mut fix_parameters = vec![(SmolStr::new_static("module"), display)];
    if let Some(suggestion) = suggestion {
        fix_parameters.push((SmolStr::new_static("suggestion"), suggestion));
    }
    context.report(Finding {
        rule: SmolStr::new_static("unresolved-import"),
        range: import.module_range,
        message,
        confidence,
        score,
        related: Vec::new(),
        fix_parameters,
    });
}

fn report_missing_name(context: &mut RuleContext<'_>, import: &Import, module: &ResolvedModule) {
    let Some(name) = import.name.clone() else {
        return;
    };
    if context.is_caught(import.range, "ImportError") {
        return;
    }
    // Every module has these (`from pkg import __doc__`).
    if matches!(
        name.as_str(),
        "__doc__"
            | "__name__"
            | "__file__"
            | "__path__"
            | "__spec__"
            | "__loader__"
            | "__package__"
            | "__dict__"
            | "__builtins__"
            | "__cached__"
    ) {
        return;
    }
    let db = context.db;
    let resolver: &ModuleResolver = module_resolver(db);
    let display = dotted_display(import);
    let (candidates, confidence, score) = match module {
        ResolvedModule::File { path, .. } => {
            if !is_workspace_path(resolver, path) {
                return;
            }
            let Some(target) = module_file(db, module) else {
                return;
            };
            if binds_names_dynamically(db, target, &name) {
                return;
            }
            let exports = module_exports(db, target);
            let candidates: Vec<String> = exports
                .names
                .iter()
                .map(|exported| exported.name.to_string())
                .collect();
            (candidates, Confidence::Definite, 95)
        }
        ResolvedModule::Namespace { dirs } => {
            if !dirs.iter().all(|dir| is_workspace_path(resolver, dir)) {
                return;
            }
            (Vec::new(), Confidence::Likely, 70)
        }
    };
    let suggestion = closest_name(&name, &candidates);
    let message = match &suggestion {
        Some(suggestion) => {
            format!("`{display}` has no `{name}` (did you mean `{suggestion}`?)")
        }
        None => format!("`{display}` defines no `{name}` and has no submodule `{name}`"),
    };
    let mut fix_parameters = vec![
        (SmolStr::new_static("module"), display),
        (SmolStr::new_static("name"), name.to_string()),
    ];
    if let Some(suggestion) = suggestion {
        fix_parameters.push((SmolStr::new_static("suggestion"), suggestion));
    }
    let range = context
        .node(import.range)
        .and_then(|node| match kind_of(node) {
            "aliased_import" => child_by_field(node, "name"),
            _ => Some(node),
        })
        .map_or(import.range, range_of);
    context.report(Finding {
        rule: SmolStr::new_static("missing-import-name"),
        range,
        message,
        confidence,
        score,
        related: Vec::new(),
        fix_parameters,
    });
}

/// `setattr`/`globals()` writers or a function declaring `global name` bind names the
/// export summary does not list.
fn binds_names_dynamically(db: &dyn Db, target: SourceFile, name: &str) -> bool {
    if crate::index::module_exports(db, target).dynamic {
        return true;
    }
    let index = file_index(db, target);
    index
        .scopes
        .iter()
        .any(|scope| scope.globals.iter().any(|global| global == name))
}

fn has_environment(resolver: &ModuleResolver) -> bool {
    resolver.roots().iter().any(|root| {
        matches!(
            root.kind,
            SearchRootKind::SitePackages | SearchRootKind::Stdlib
        )
    })
}

/// Whether `path` lies under a workspace root (the workspace, its `src/`, an extra path)
/// and not in a deeper environment root.
pub(super) fn is_workspace_path(resolver: &ModuleResolver, path: &Path) -> bool {
    resolver
        .roots()
        .iter()
        .filter(|root| path.starts_with(&root.path))
        .max_by_key(|root| root.path.components().count())
        .is_some_and(|root| {
            matches!(
                root.kind,
                SearchRootKind::Workspace | SearchRootKind::Src | SearchRootKind::Extra
            )
        })
}

/// Whether the import statement runs only under a condition (`if sys.version_info …:`).
fn is_conditional(context: &RuleContext<'_>, range: TextRange) -> bool {
    ancestors(context, range).any(|node| {
        matches!(
            kind_of(node),
            "if_statement" | "elif_clause" | "else_clause" | "try_statement"
        )
    })
}

fn is_type_checking_only(context: &RuleContext<'_>, range: TextRange) -> bool {
    ancestors(context, range).any(|node| {
        kind_of(node) == "if_statement"
            && child_by_field(node, "condition")
                .is_some_and(|condition| is_type_checking_condition(context.node_text(condition)))
    })
}

/// `__name__ == "__main__"` (either quote, either side).
fn is_main_guard(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.replace('\'', "\"");
    compact == "__name__==\"__main__\"" || compact == "\"__main__\"==__name__"
}

fn is_type_checking_condition(text: &str) -> bool {
    text == "TYPE_CHECKING" || text.ends_with(".TYPE_CHECKING")
}

/// The ancestors of the node at `range`, up to the enclosing function or the module.
fn ancestors<'t>(context: &RuleContext<'t>, range: TextRange) -> impl Iterator<Item = Node<'t>> {
    context
        .node(range)
        .into_iter()
        .flat_map(|node| context.ancestors(node))
        .take_while(|node| !matches!(kind_of(*node), "function_definition" | "lambda"))
}

/// The closest known module: among the workspace modules beside the missing one, or the
/// top-level workspace and stdlib modules.
fn closest_module(context: &RuleContext<'_>, import: &Import) -> Option<String> {
    let db = context.db;
    let resolver: &ModuleResolver = module_resolver(db);
    let (parent, last) = match import.module.rsplit_once('.') {
        Some((parent, last)) => (Some(parent), last),
        None => (None, import.module.as_str()),
    };
    if last.is_empty() {
        return None;
    }
    let path = context.file.path(db);
    let mut candidates: Vec<String> = Vec::new();
    // The directory the last component is searched in.
    let directory = if import.level > 0 || parent.is_some() {
        let package = resolver.resolve(path, import.level, parent.unwrap_or(""))?;
        match package {
            ResolvedModule::File {
                path,
                is_package: true,
                ..
            } => Some(path.parent()?.to_path_buf()),
            ResolvedModule::Namespace { dirs } => dirs.first().cloned(),
            ResolvedModule::File { .. } => return None,
        }
    } else {
        candidates.extend(STDLIB_MODULES.iter().map(|module| (*module).to_owned()));
        None
    };
    for known in db.workspace().files(db).keys() {
        if !is_workspace_path(resolver, known) {
            continue;
        }
        let candidate = match &directory {
            Some(directory) => sibling_module_name(directory, known),
            None => resolver
                .module_name(known)
                .and_then(|name| name.split('.').next().map(str::to_owned)),
        };
        candidates.extend(candidate);
    }
    candidates.sort();
    candidates.dedup();
    let closest = closest_name(last, &candidates)?;
    Some(match (import.level, parent) {
        (0, None) => closest,
        (_, Some(parent)) => format!("{}{parent}.{closest}", ".".repeat(import.level as usize)),
        (level, None) => format!("{}{closest}", ".".repeat(level as usize)),
    })
}

/// The module name of `file` when it is a module or package directly in `directory`.
fn sibling_module_name(directory: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(directory).ok()?;
    let mut components = relative.components();
    let first = components.next()?.as_os_str().to_str()?;
    match components.next() {
        None => first
            .strip_suffix(".py")
            .or_else(|| first.strip_suffix(".pyi"))
            .filter(|stem| *stem != "__init__")
            .map(str::to_owned),
        Some(second) => {
            let second = second.as_os_str().to_str()?;
            (components.next().is_none() && second.starts_with("__init__.py"))
                .then(|| first.to_owned())
        }
    }
}

// ---- circular imports -------------------------------------------------------------

/// One module-level step of a workspace file that may need another module's names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ImportEvent {
    /// Runs the listed modules (packages first); with `name`, then reads `name` from the
    /// last of them.
    Import {
        offset: u32,
        range: TextRange,
        modules: Vec<SourceFile>,
        name: Option<SmolStr>,
    },
    /// A module-level read of `alias.attribute` where `alias` is an imported module.
    Attribute {
        offset: u32,
        range: TextRange,
        module: SourceFile,
        attribute: SmolStr,
    },
}

impl ImportEvent {
    fn offset(&self) -> u32 {
        match self {
            ImportEvent::Import { offset, .. } | ImportEvent::Attribute { offset, .. } => *offset,
        }
    }
}

/// A failure found by the simulation, in `file` at `range`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleFailure {
    pub file: SourceFile,
    pub range: TextRange,
    /// The partially initialised module and the name it lacks.
    pub module: SourceFile,
    pub name: SmolStr,
    /// The modules on the cycle, from the partial one to the failing importer.
    pub cycle: Vec<SourceFile>,
    /// Reached from an entry file that no workspace module imports.
    pub from_root: bool,
}

/// The workspace files the simulation takes as modules with import-time steps, in path
/// order: the first [`MAX_SIMULATED_FILES`] files under a workspace root. Depends on the
/// file list only, not on any text.
#[salsa::tracked(returns(ref))]
fn simulated_files(db: &dyn Db) -> Vec<SourceFile> {
    let resolver: &ModuleResolver = module_resolver(db);
    db.workspace()
        .files(db)
        .iter()
        .filter(|(path, _)| is_workspace_path(resolver, path))
        .map(|(_, file)| *file)
        .take(MAX_SIMULATED_FILES)
        .collect()
}

/// [`simulated_files`] as a set.
#[salsa::tracked(returns(ref))]
fn simulated_set(db: &dyn Db) -> FxHashSet<SourceFile> {
    simulated_files(db).iter().copied().collect()
}

/// The import-time steps of one file; equal (and so backdated) after an edit that moves
/// no import and no module-level read of an imported module.
#[salsa::tracked(returns(ref))]
fn import_events(db: &dyn Db, file: SourceFile) -> Vec<ImportEvent> {
    module_level_events(db, file)
}

/// Computes the import-time events of `file` if the simulation takes it as a module, ahead
/// of the simulation that reads the events of many files.
pub(super) fn prepare_import_events(db: &dyn Db, file: SourceFile) {
    if simulated_set(db).contains(&file) {
        import_events(db, file);
    }
}

/// The modules an import-time step runs (the edges the simulation follows).
fn imported_modules(events: &[ImportEvent]) -> impl Iterator<Item = SourceFile> + '_ {
    events
        .iter()
        .flat_map(|event| match event {
            ImportEvent::Import { modules, .. } => modules.as_slice(),
            ImportEvent::Attribute { .. } => &[],
        })
        .copied()
}

/// The files on an import cycle with `file` (its strongly connected component in the
/// graph of import-time imports), `file` included, in path order of the workspace.
fn import_cycle_of(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    let simulated = simulated_set(db);
    let successors = |node: SourceFile| -> &[ImportEvent] {
        if simulated.contains(&node) {
            import_events(db, node)
        } else {
            &[]
        }
    };
    // Everything reachable from `file`, with the reversed edges among them.
    let mut reached: FxHashSet<SourceFile> = FxHashSet::default();
    let mut importers: FxHashMap<SourceFile, Vec<SourceFile>> = FxHashMap::default();
    let mut pending = vec![file];
    reached.insert(file);
    while let Some(node) = pending.pop() {
        for module in imported_modules(successors(node)) {
            importers.entry(module).or_default().push(node);
            if reached.insert(module) {
                pending.push(module);
            }
        }
    }
    // Of those, the ones that lead back to `file`.
    let mut cycle: FxHashSet<SourceFile> = FxHashSet::default();
    cycle.insert(file);
    let mut pending = vec![file];
    while let Some(node) = pending.pop() {
        for &importer in importers.get(&node).map(Vec::as_slice).unwrap_or(&[]) {
            if cycle.insert(importer) {
                pending.push(importer);
            }
        }
    }
    simulated_files(db)
        .iter()
        .copied()
        .filter(|member| cycle.contains(member))
        .collect()
}

/// The failures in `file`, in the order the workspace-wide simulation finds them.
///
/// A failure in `file` needs the module it reads from to be initialising, that is on the
/// import stack below `file`: both are on one import cycle. Modules off the cycle cannot
/// change the state of the cycle's modules, so the simulation of the cycle alone, from
/// each of its modules as the first one entered, finds every failure the workspace-wide
/// simulation can find in `file`. Only when it finds some does the workspace-wide one run
/// (which entry reaches the cycle first, and whether any root does, decide the reported
/// cycle and the confidence); a file off every failing cycle never waits for it.
pub fn cycle_failures(db: &dyn Db, file: SourceFile) -> Vec<CycleFailure> {
    if !simulated_set(db).contains(&file) || !cycle_has_failures(db, file) {
        return Vec::new();
    }
    circular_import_failures(db)
        .iter()
        .filter(|failure| failure.file == file)
        .cloned()
        .collect()
}

/// Whether simulating `file`'s import cycle alone, entered at any of its modules, finds a
/// failure in `file`.
#[salsa::tracked]
fn cycle_has_failures(db: &dyn Db, file: SourceFile) -> bool {
    let cycle = import_cycle_of(db, file);
    let events: FxHashMap<SourceFile, &[ImportEvent]> = cycle
        .iter()
        .map(|&member| (member, import_events(db, member).as_slice()))
        .collect();
    if cycle.len() == 1 && !imported_modules(events[&file]).any(|module| module == file) {
        return false;
    }
    cycle.iter().any(|&entry| {
        let mut simulation = Simulation {
            db,
            events: &events,
            status: FxHashMap::default(),
            stack: Vec::new(),
            from_root: false,
            failures: Vec::new(),
        };
        simulation.run(entry);
        simulation
            .failures
            .iter()
            .any(|failure| failure.file == file)
    })
}

/// Every failure of a partially initialised module in the workspace.
#[salsa::tracked(returns(ref))]
fn circular_import_failures(db: &dyn Db) -> Vec<CycleFailure> {
    let resolver: &ModuleResolver = module_resolver(db);
    let files = simulated_files(db);
    let events: FxHashMap<SourceFile, &[ImportEvent]> = files
        .iter()
        .map(|&file| (file, import_events(db, file).as_slice()))
        .collect();
    let imported: FxHashSet<SourceFile> = events
        .values()
        .flat_map(|events| imported_modules(events))
        .collect();
    let mut failures: Vec<CycleFailure> = Vec::new();
    for &entry in files {
        let mut simulation = Simulation {
            db,
            events: &events,
            status: FxHashMap::default(),
            stack: Vec::new(),
            from_root: !imported.contains(&entry),
            failures: Vec::new(),
        };
        // Importing `pkg.sub.mod` first runs `pkg/__init__.py`, then `pkg/sub/__init__.py`:
        // the parents of the entry are initialised before it (and may import it).
        for package in parent_packages(db, resolver, entry).into_iter().rev() {
            if !simulation.status.contains_key(&package) {
                simulation.run(package);
            }
        }
        if !simulation.status.contains_key(&entry) {
            simulation.run(entry);
        }
        for failure in simulation.failures {
            match failures
                .iter_mut()
                .find(|known| known.file == failure.file && known.range == failure.range)
            {
                Some(known) => known.from_root |= failure.from_root,
                None => failures.push(failure),
            }
        }
    }
    failures
}

/// The files of the packages holding `file`, innermost first (`pkg/sub/__init__.py`,
/// then `pkg/__init__.py`), by its dotted module name; namespace packages (no
/// `__init__.py`) run nothing and are skipped.
fn parent_packages(db: &dyn Db, resolver: &ModuleResolver, file: SourceFile) -> Vec<SourceFile> {
    let path = file.path(db);
    let Some(name) = resolver.module_name(path) else {
        return Vec::new();
    };
    let parts: Vec<&str> = name.split('.').collect();
    let mut packages = Vec::new();
    for end in (1..parts.len()).rev() {
        let dotted = parts[..end].join(".");
        if let Some(package) = resolver
            .resolve(path, 0, &dotted)
            .and_then(|module| module_file(db, &module))
            .filter(|package| *package != file)
        {
            packages.push(package);
        }
    }
    packages
}

/// Workspaces larger than this are not simulated.
const MAX_SIMULATED_FILES: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModuleStatus {
    /// Executing its import statement at this offset.
    Initialising(u32),
    Done,
}

struct Simulation<'a> {
    db: &'a dyn Db,
    /// The modules that run their steps; any other module finishes at once.
    events: &'a FxHashMap<SourceFile, &'a [ImportEvent]>,
    status: FxHashMap<SourceFile, ModuleStatus>,
    stack: Vec<SourceFile>,
    from_root: bool,
    failures: Vec<CycleFailure>,
}

impl Simulation<'_> {
    fn run(&mut self, file: SourceFile) {
        // Without events (an environment file) a module finishes at once.
        let Some(&events) = self.events.get(&file) else {
            self.status.insert(file, ModuleStatus::Done);
            return;
        };
        if self.stack.len() > 200 {
            return;
        }
        self.status.insert(file, ModuleStatus::Initialising(0));
        self.stack.push(file);
        for event in events {
            self.status
                .insert(file, ModuleStatus::Initialising(event.offset()));
            match event {
                ImportEvent::Import {
                    range,
                    modules,
                    name,
                    ..
                } => {
                    for (position, &module) in modules.iter().enumerate() {
                        match self.status.get(&module).copied() {
                            None => self.run(module),
                            Some(ModuleStatus::Initialising(progress)) => {
                                let is_last = position + 1 == modules.len();
                                if let (true, Some(name)) = (is_last, name) {
                                    self.check(file, *range, module, progress, name);
                                }
                            }
                            Some(ModuleStatus::Done) => {}
                        }
                    }
                }
                ImportEvent::Attribute {
                    range,
                    module,
                    attribute,
                    ..
                } => {
                    if let Some(ModuleStatus::Initialising(progress)) =
                        self.status.get(module).copied()
                    {
                        self.check(file, *range, *module, progress, attribute);
                    }
                }
            }
        }
        self.stack.pop();
        self.status.insert(file, ModuleStatus::Done);
    }

    /// `file` reads `name` from `module`, which is initialising at `progress`.
    fn check(
        &mut self,
        file: SourceFile,
        range: TextRange,
        module: SourceFile,
        progress: u32,
        name: &SmolStr,
    ) {
        let index = file_index(self.db, module);
        let module_scope = index.scope(FileIndex::MODULE_SCOPE);
        let definitions: Vec<_> = module_scope
            .definitions
            .iter()
            .map(|&id| index.definition(id))
            .filter(|definition| definition.name == *name && definition.kind.binds())
            .collect();
        // A name the module never binds is missing-import-name's concern; a module with
        // `__getattr__` or star imports may provide it any time.
        if definitions.is_empty()
            || !module_exports(self.db, module).star_imports.is_empty()
            || module_exports(self.db, module).get("__getattr__").is_some()
        {
            return;
        }
        if definitions
            .iter()
            .any(|definition| u32::from(definition.name_range.end()) <= progress)
        {
            return;
        }
        let start = self
            .stack
            .iter()
            .position(|&on_stack| on_stack == module)
            .unwrap_or(0);
        self.failures.push(CycleFailure {
            file,
            range,
            module,
            name: name.clone(),
            cycle: self.stack[start..].to_vec(),
            from_root: self.from_root,
        });
    }
}

/// The import statements and module-imported attribute reads that run when `file` is
/// imported, in source order.
fn module_level_events(db: &dyn Db, file: SourceFile) -> Vec<ImportEvent> {
    let syntax = crate::index::summary_syntax(db, file);
    let index = syntax.index();
    let targets = match &syntax {
        crate::index::SummarySyntax::Memoized { .. } => {
            std::borrow::Cow::Borrowed(import_targets(db, file).as_slice())
        }
        crate::index::SummarySyntax::Private { index, .. } => {
            std::borrow::Cow::Owned(crate::modules::resolve_import_targets(db, file, index))
        }
    };
    let resolver: &ModuleResolver = module_resolver(db);
    let path = file.path(db);
    let text = file.text(db);
    // Not under `if TYPE_CHECKING:`, nor under `if __name__ == "__main__":` (run as a
    // script, the module is `__main__`: what it imports then finds its own module
    // fresh, not half initialised).
    let runs_at_import = |branch: crate::index::BranchId| {
        index.branch_path(branch).all(|(_, branch)| {
            branch.kind != BranchKind::TryBody
                && !(branch.kind == BranchKind::IfTrue
                    && branch.condition.is_some_and(|condition| {
                        let condition = text
                            .get(usize::from(condition.start())..usize::from(condition.end()))
                            .unwrap_or("");
                        is_type_checking_condition(condition) || is_main_guard(condition)
                    }))
        })
    };
    let mut events = Vec::new();
    // Module aliases bound by `import x` / `import x.y as z` / `from p import submodule`.
    let mut module_aliases: FxHashMap<SmolStr, SourceFile> = FxHashMap::default();
    for (import, target) in index.imports.iter().zip(targets.iter()) {
        let Some(definition) = import.definition else {
            continue;
        };
        let definition_data = index.definition(definition);
        if definition_data.scope != FileIndex::MODULE_SCOPE
            || !runs_at_import(definition_data.branch)
        {
            continue;
        }
        // The packages on the way run first.
        let mut modules: Vec<SourceFile> = Vec::new();
        let components: Vec<&str> = if import.module.is_empty() {
            Vec::new()
        } else {
            import.module.split('.').collect()
        };
        for end in 1..=components.len().max(usize::from(import.level > 0)) {
            let dotted = components[..end.min(components.len())].join(".");
            if let Some(file) = resolver
                .resolve(path, import.level, &dotted)
                .and_then(|module| module_file(db, &module))
                && !modules.contains(&file)
            {
                modules.push(file);
            }
        }
        let offset = u32::from(import.range.start());
        match (target, &definition_data.kind) {
            (ImportTarget::Submodule(submodule), _) => {
                if let Some(file) = module_file(db, submodule) {
                    modules.push(file);
                    module_aliases.insert(definition_data.name.clone(), file);
                }
                events.push(ImportEvent::Import {
                    offset,
                    range: import.range,
                    modules,
                    name: None,
                });
            }
            (ImportTarget::Module(module), DefinitionKind::ImportFrom { name, .. }) => {
                // `from pkg import sub` where `sub` is also a submodule: when `pkg` lacks
                // the attribute, Python imports `pkg.sub` instead of failing.
                if let Some(file) = resolver
                    .resolve_submodule(module, name)
                    .and_then(|submodule| module_file(db, &submodule))
                {
                    modules.push(file);
                    events.push(ImportEvent::Import {
                        offset,
                        range: import.range,
                        modules,
                        name: None,
                    });
                    continue;
                }
                events.push(ImportEvent::Import {
                    offset,
                    range: import.range,
                    modules,
                    name: Some(name.clone()),
                });
            }
            (ImportTarget::Module(module), DefinitionKind::Import { alias, .. }) => {
                // `import a.b` binds `a`; `import a.b as c` binds `a.b`.
                let bound = if *alias {
                    module_file(db, module)
                } else {
                    modules.first().copied()
                };
                if let Some(bound) = bound {
                    module_aliases.insert(definition_data.name.clone(), bound);
                }
                events.push(ImportEvent::Import {
                    offset,
                    range: import.range,
                    modules,
                    name: None,
                });
            }
            _ => {}
        }
    }
    // Module-level reads of `alias.attribute` (class bodies run at import time too).
    for name_ref in &index.name_refs {
        if name_ref.context != NameContext::Load {
            continue;
        }
        let Some(&module) = module_aliases.get(&name_ref.name) else {
            continue;
        };
        let scope = index.scope(name_ref.scope);
        let at_import_time = match scope.kind {
            ScopeKind::Module => true,
            ScopeKind::Class => scope.parent == Some(FileIndex::MODULE_SCOPE),
            _ => false,
        };
        if !at_import_time || !runs_at_import(name_ref.branch) {
            continue;
        }
        // Still bound to the module here (the only binding of the alias in the module).
        if index
            .definitions_in_scope(FileIndex::MODULE_SCOPE, &name_ref.name)
            .count()
            != 1
        {
            continue;
        }
        let Some(node) = syntax.root().descendant_for_byte_range(
            usize::from(name_ref.range.start()),
            usize::from(name_ref.range.end()),
        ) else {
            continue;
        };
        let Some(parent) = node
            .parent()
            .filter(|parent| kind_of(*parent) == "attribute")
        else {
            continue;
        };
        if child_by_field(parent, "object").is_none_or(|object| object.id() != node.id()) {
            continue;
        }
        let Some(attribute) = child_by_field(parent, "attribute") else {
            continue;
        };
        let attribute = text.get(attribute.byte_range()).unwrap_or("");
        events.push(ImportEvent::Attribute {
            offset: u32::from(name_ref.range.start()),
            range: range_of(parent),
            module,
            attribute: SmolStr::new(attribute),
        });
    }
    events.sort_by_key(ImportEvent::offset);
    events
}

fn report_cycles(context: &mut RuleContext<'_>) {
    let db = context.db;
    let failures = cycle_failures(db, context.file);
    if failures.is_empty() {
        return;
    }
    let resolver: &ModuleResolver = module_resolver(db);
    let module_name = |file: SourceFile| -> String {
        let path = file.path(db);
        resolver.module_name(path).unwrap_or_else(|| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
    };
    for failure in failures {
        if context.is_caught(failure.range, "ImportError")
            || context.is_caught(failure.range, "AttributeError")
        {
            continue;
        }
        let partial = module_name(failure.module);
        let mut cycle: Vec<String> = failure
            .cycle
            .iter()
            .map(|&file| module_name(file))
            .collect();
        cycle.push(partial.clone());
        let name = &failure.name;
        let message = format!(
            "Circular import: `{partial}` is only partly initialised here ({}), so `{name}` is not defined yet",
            cycle.join(" → ")
        );
        let (confidence, score) = if failure.from_root {
            (Confidence::Definite, 90)
        } else {
            (Confidence::Likely, 70)
        };
        let mut related = Vec::new();
        let module_index = file_index(db, failure.module);
        if let Some(definition) = module_index
            .definitions_in_scope(FileIndex::MODULE_SCOPE, name)
            .next()
        {
            let range = module_index.definition(definition).name_range;
            related.push(Related {
                file: failure.module,
                range,
                message: format!(
                    "`{name}` is defined here, after the import that closes the cycle"
                ),
            });
        }
        context.report(Finding {
            rule: SmolStr::new_static("circular-import"),
            range: failure.range,
            message,
            confidence,
            score,
            related,
            fix_parameters: vec![
                (SmolStr::new_static("module"), partial),
                (SmolStr::new_static("name"), name.to_string()),
            ],
        });
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::resolve::{SearchRoot, SearchRootKind};
    use crate::testing::{check_fixture_expectations, check_workspace, fixture_files};

    #[track_caller]
    fn check(fixture: &str) {
        let result = check_fixture_expectations(fixture);
        assert!(result.passed(), "{}", result.report());
    }

    #[test]
    fn unresolved_relative_and_workspace_submodule_imports() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /shop/__init__.py
#- /shop/cart.py
import os.path
import tomllib
from . import pricing
from .pricng import total  # expect: unresolved-import confidence=definite
import shop.checkout  # expect: unresolved-import confidence=definite
import numpy  # expect: unresolved-import confidence=possible
try:
    import orjson as json
except ImportError:
    import json
#- /shop/pricing.py
def total(items):
    return sum(items)
"#,
        );
    }

    #[test]
    fn unresolved_third_party_is_likely_only_with_an_environment() {
        let fixture = r#"
#- /project/app.py
import requests
import flask  # expect: unresolved-import confidence=likely
if __debug__:
    import debugpy
#- /env/site-packages/requests/__init__.py
def get(url):
    return url
"#;
        let files: Vec<(PathBuf, String)> = fixture_files(fixture)
            .unwrap()
            .into_iter()
            .map(|file| (file.path, file.text))
            .collect();
        let check = check_workspace(
            Path::new("/"),
            &files,
            vec![
                SearchRoot {
                    path: PathBuf::from("/project"),
                    kind: SearchRootKind::Workspace,
                },
                SearchRoot {
                    path: PathBuf::from("/env/site-packages"),
                    kind: SearchRootKind::SitePackages,
                },
            ],
        );
        assert!(check.passed(), "{}", check.report());
    }

    #[test]
    fn missing_import_names_with_suggestions_and_escapes() {
        check(
            r#"
#- /pkg/__init__.py
#- /pkg/util.py
def slugify(text):
    return text.lower()
#- /pkg/lazy.py
def __getattr__(name):
    return name
#- /pkg/reexport.py
from pkg.util import *
#- /pkg/app.py
from pkg.util import slugfy  # expect: missing-import-name confidence=definite
from pkg.util import slugify
from pkg.lazy import anything
from pkg.reexport import whatever
from pkg import util, lazy
from pkg import nothing_here  # expect: missing-import-name confidence=definite
try:
    from pkg.util import fast_slugify
except ImportError:
    fast_slugify = slugify
"#,
        );
    }

    #[test]
    fn missing_import_name_message_names_the_closest_name() {
        let fixture = crate::testing::Fixture::parse(
            "#- /util.py\ndef slugify(text):\n    return text\n#- /app.py\nfrom util import slugfy$0\n",
        );
        let messages: Vec<String> = fixture
            .analysis()
            .diagnostics(fixture.position.file)
            .unwrap()
            .into_iter()
            .map(|diagnostic| diagnostic.message)
            .collect();
        assert_eq!(
            messages,
            vec!["`util` has no `slugfy` (did you mean `slugify`?)".to_owned()]
        );
    }

    #[test]
    fn circular_imports_that_read_names_too_early() {
        check(
            r#"
#- /main.py
import orders
#- /orders.py
# expect: circular-import confidence=likely
from customers import Customer
class Order:
    pass
#- /customers.py
# expect: circular-import confidence=definite
from orders import Order
class Customer:
    pass
"#,
        );
    }

    #[test]
    fn packages_initialise_before_their_submodules() {
        // `import shop.api` runs `shop/__init__.py` first, which binds `VERSION` before
        // importing `api`; `api` reading `shop.VERSION` back is fine. `from . import
        // models` names a submodule: Python imports it even while `shop` is partial.
        check(
            r#"
#- /shop/__init__.py
VERSION = "1.0"
from . import models
from .api import get
#- /shop/models.py
from shop import VERSION
class Item:
    pass
#- /shop/api.py
from . import models, VERSION
def get():
    return models.Item()
#- /main.py
import shop.api
"#,
        );
        // A namespace folder (no `__init__.py`) inside a package: `web` still runs first.
        check(
            r#"
#- /web/__init__.py
VERSION = 1
from .core.app import App
#- /web/core/app.py
from .. import VERSION
class App:
    pass
#- /main.py
import web.core.app
"#,
        );
        // The same package reading a name it binds only later still fails.
        check(
            r#"
#- /shop/__init__.py
from .api import get
VERSION = "1.0"
#- /shop/api.py
# expect: circular-import
from shop import VERSION
def get():
    return VERSION
#- /main.py
import shop.api
"#,
        );
    }

    #[test]
    fn benign_cycles_are_not_reported() {
        check(
            r#"
#- /main.py
import late
import lazy
import typed
import dialog
#- /late.py
def helper():
    return 1
from late_partner import partner  # expect-not: circular-import
#- /late_partner.py
def partner():
    return helper()
from late import helper  # expect-not: circular-import
#- /lazy.py
def run():
    from lazy_partner import value
    return value
#- /lazy_partner.py
import lazy
value = 1
def call():
    return lazy.run()
#- /typed.py
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from typed_partner import Thing
def make() -> "Thing":
    return None
#- /typed_partner.py
from typed import make
class Thing:
    pass
#- /dialog.py
from dialog_demo import show
class Dialog:
    pass
#- /dialog_demo.py
def show():
    return 1
import dialog
if __name__ == '__main__':
    from dialog import Dialog  # expect-not: circular-import
    Dialog()
"#,
        );
    }

    #[test]
    fn module_attribute_read_during_a_cycle() {
        check(
            r#"
#- /main.py
import settings
#- /settings.py
import defaults
DEBUG = True
#- /defaults.py
import settings
TIMEOUT = 30
# expect: circular-import confidence=definite
VERBOSE = settings.DEBUG
def later():
    return settings.DEBUG
"#,
        );
    }
}
