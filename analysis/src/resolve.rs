//! Module resolution: maps `import a.b` and `from ..x import y` to known files, without touching the filesystem.
//!
//! Terminology, following Python's import system (PEP 420 for namespace packages, PEP 561 for stubs):
//!
//! - A *search root* is one entry of `sys.path`: the workspace, a `src/` folder, a configured extra
//!   path, site-packages, or a stdlib/typeshed stubs folder. Roots are searched in order.
//! - A *regular package* is a directory holding `__init__.pyi` or `__init__.py`. A *module* is a
//!   `name.pyi` or `name.py` file. Inside one directory a regular package wins over a module, and a
//!   `.pyi` file wins over the `.py` file next to it.
//! - A *namespace portion* is a directory without `__init__` that holds Python files somewhere below.
//!   Portions found in every root merge into one namespace package, but a regular package or a module
//!   found in any root, even a later one, wins over them.
//! - A *stub-only package* `foo-stubs/` in site-packages describes `foo` and is preferred over `foo`
//!   itself. Submodules that the stubs do not cover fall back to the runtime package, which is what
//!   a partial stub package asks for and is the more useful answer for a language server otherwise.
//!
//! ```python
//! import pkg.sub      # level 0, dotted "pkg.sub"
//! from ..x import y   # level 2, dotted "x"
//! from . import y     # level 1, dotted ""
//! ```
//!
//! Resolution is hierarchical like the runtime's: `a.b.c` first finds `a`, then looks for `b` only in
//! the directories of `a` (one directory for a regular package, every portion for a namespace
//! package). So a regular package in an early root shadows the same package in later roots entirely.
//!
//! The resolver interns every directory on the way to a known file once, as a tree of directory
//! listings. Each dotted component then costs one hash lookup per directory on the search path.

use std::path::{Component, Path, PathBuf};

use rustc_hash::FxHashMap;

/// What a search root is, which decides a few lookup rules (stub-only packages live in site-packages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchRootKind {
    /// The workspace folder itself.
    Workspace,
    /// A `src/` layout folder inside the workspace.
    Src,
    /// A configured extra path.
    Extra,
    /// A site-packages folder of the selected environment, or a folder named by one of its `.pth` files.
    SitePackages,
    /// A stdlib or typeshed stubs folder.
    Stdlib,
}

/// One entry of the module search path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRoot {
    pub path: PathBuf,
    pub kind: SearchRootKind,
}

/// What an import names: one file, or the merged directories of a namespace package.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResolvedModule {
    /// A module file, or the `__init__` file of a regular package.
    File {
        path: PathBuf,
        is_package: bool,
        is_stub: bool,
    },
    /// A namespace package, with every portion in search-root order.
    Namespace { dirs: Vec<PathBuf> },
}

impl ResolvedModule {
    /// Whether the module can have submodules.
    pub fn is_package(&self) -> bool {
        match self {
            ResolvedModule::File { is_package, .. } => *is_package,
            ResolvedModule::Namespace { .. } => true,
        }
    }

    /// The file to analyse, if the module has one (namespace packages have none).
    pub fn file_path(&self) -> Option<&Path> {
        match self {
            ResolvedModule::File { path, .. } => Some(path),
            ResolvedModule::Namespace { .. } => None,
        }
    }
}

/// Precomputed lookup tables for resolving imports against a fixed set of roots and files.
/// The default resolver has no roots and resolves nothing but relative imports of no file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleResolver {
    roots: Vec<SearchRoot>,
    /// The ordered places where a top-level name is looked up.
    top_level_locations: Vec<TopLevelLocation>,
    directories: Vec<DirectoryNode>,
    directory_ids: FxHashMap<PathBuf, DirectoryId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DirectoryId(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TopLevelLocation {
    directory: DirectoryId,
    /// When set, `name` is looked up as `name-stubs` in this directory.
    stub_only_packages: bool,
}

/// One directory that contains known Python files somewhere below it (or is a search root).
#[derive(Debug, Clone, PartialEq, Eq)]
struct DirectoryNode {
    path: PathBuf,
    /// Keyed by file stem (`mod` for `mod.py`) or directory name.
    children: FxHashMap<Box<str>, DirectoryChild>,
    /// Whether this directory is registered as a child of its parent. Search roots are interned
    /// without that link, so an empty `src/` root does not become an importable `src` package.
    linked_to_parent: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct DirectoryChild {
    has_py: bool,
    has_pyi: bool,
    subdirectory: Option<DirectoryId>,
}

/// The internal form of a resolved module, which keeps directory ids for further descent.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FoundModule {
    File {
        path: PathBuf,
        package_directory: Option<DirectoryId>,
    },
    Namespace {
        directories: Vec<DirectoryId>,
    },
}

impl FoundModule {
    /// The directories searched for submodules (`__path__`), or `None` for a plain module.
    fn submodule_directories(&self) -> Option<&[DirectoryId]> {
        match self {
            FoundModule::File {
                package_directory: Some(directory),
                ..
            } => Some(std::slice::from_ref(directory)),
            FoundModule::File {
                package_directory: None,
                ..
            } => None,
            FoundModule::Namespace { directories } => Some(directories),
        }
    }
}

enum DirectoryLookup {
    Found(FoundModule),
    NamespacePortion(DirectoryId),
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PythonFileKind {
    Source,
    Stub,
}

impl ModuleResolver {
    /// Builds the lookup tables. `files` are absolute paths of every known `.py`/`.pyi` file; other
    /// paths are ignored, and files outside every root still serve relative imports.
    pub fn new(roots: Vec<SearchRoot>, files: impl IntoIterator<Item = PathBuf>) -> Self {
        let mut resolver = ModuleResolver {
            roots: Vec::new(),
            top_level_locations: Vec::new(),
            directories: Vec::new(),
            directory_ids: FxHashMap::default(),
        };

        let root_directories: Vec<DirectoryId> = roots
            .iter()
            .map(|root| resolver.intern_directory_unlinked(&root.path))
            .collect();
        let site_packages_roots: Vec<DirectoryId> = roots
            .iter()
            .zip(&root_directories)
            .filter(|(root, _)| root.kind == SearchRootKind::SitePackages)
            .map(|(_, &directory)| directory)
            .collect();
        let mut stub_locations_added = false;
        for (root, &directory) in roots.iter().zip(&root_directories) {
            // PEP 561: stub-only packages from every site-packages folder come before the
            // runtime packages, but after user code and extra paths that precede site-packages.
            if root.kind == SearchRootKind::SitePackages && !stub_locations_added {
                stub_locations_added = true;
                resolver
                    .top_level_locations
                    .extend(
                        site_packages_roots
                            .iter()
                            .map(|&directory| TopLevelLocation {
                                directory,
                                stub_only_packages: true,
                            }),
                    );
            }
            resolver.top_level_locations.push(TopLevelLocation {
                directory,
                stub_only_packages: false,
            });
        }
        resolver.roots = roots;

        for file in files {
            resolver.add_file(&file);
        }
        resolver
    }

    /// The roots this resolver was built with, in search order.
    pub fn roots(&self) -> &[SearchRoot] {
        &self.roots
    }

    /// Resolves `import a.b.c` (level 0) or `from ..x import y` (level 2, dotted "x").
    ///
    /// `from . import y` is level 1 with dotted "" and resolves to the current package; the caller
    /// then asks [`ModuleResolver::resolve_submodule`] about `y`.
    pub fn resolve(
        &self,
        importing_file: &Path,
        level: u32,
        dotted: &str,
    ) -> Option<ResolvedModule> {
        if level == 0 {
            return self
                .resolve_absolute(dotted)
                .map(|found| self.to_resolved_module(found));
        }
        let components: Vec<&str> = if dotted.is_empty() {
            Vec::new()
        } else {
            split_dotted_name(dotted)?
        };

        let anchor_directory = self.relative_import_anchor(importing_file, level)?;
        let Some(&anchor_id) = self.directory_ids.get(anchor_directory) else {
            // No known file lives in the anchor directory, so only the directory itself can be named.
            return components.is_empty().then(|| ResolvedModule::Namespace {
                dirs: vec![anchor_directory.to_path_buf()],
            });
        };

        let mut found = self.package_for_directory(anchor_id);
        for component in components {
            found = self.search_directories(found.submodule_directories()?, component)?;
        }
        Some(self.to_resolved_module(found))
    }

    /// The fully qualified module name of a file (`pkg/sub/__init__.py` -> "pkg.sub",
    /// `src/pkg/m.py` -> "pkg.m"), taken relative to the deepest search root that contains it.
    ///
    /// Returns `None` when the file is outside every root, is not a `.py`/`.pyi` file, is the
    /// `__init__` of a root itself, or when a path component is not a Python identifier.
    pub fn module_name(&self, file: &Path) -> Option<String> {
        let root = self.deepest_root_containing(file)?;
        let relative = file.strip_prefix(&root.path).ok()?;
        let mut components = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(name) => components.push(name.to_str()?),
                _ => return None,
            }
        }
        let file_name = components.pop()?;
        let (stem, _) = split_python_file_name(file_name)?;
        if stem != "__init__" {
            components.push(stem);
        }
        let first = components.first_mut()?;
        if root.kind == SearchRootKind::SitePackages
            && let Some(stubbed) = first.strip_suffix("-stubs")
        {
            *first = stubbed;
        }
        if !components
            .iter()
            .all(|component| is_python_identifier(component))
        {
            return None;
        }
        Some(components.join("."))
    }

    /// Resolves `name` as a submodule of `package`, for `from package import name` where `name` may
    /// be a submodule or an attribute. Returns `None` when it is not a submodule.
    pub fn resolve_submodule(
        &self,
        package: &ResolvedModule,
        name: &str,
    ) -> Option<ResolvedModule> {
        if !is_python_identifier(name) {
            return None;
        }
        let directories: Vec<DirectoryId> = match package {
            ResolvedModule::File {
                path,
                is_package: true,
                ..
            } => {
                vec![*self.directory_ids.get(path.parent()?)?]
            }
            ResolvedModule::File {
                is_package: false, ..
            } => return None,
            ResolvedModule::Namespace { dirs } => dirs
                .iter()
                .filter_map(|directory| self.directory_ids.get(directory.as_path()).copied())
                .collect(),
        };
        if let Some(found) = self.search_directories(&directories, name) {
            return Some(self.to_resolved_module(found));
        }
        // A stub-only package falls back to the runtime package for submodules it does not cover;
        // the absolute lookup implements that fallback.
        if let ResolvedModule::File { path, .. } = package
            && self.is_inside_stub_only_package(path)
        {
            let package_name = self.module_name(path)?;
            return self
                .resolve_absolute(&format!("{package_name}.{name}"))
                .map(|found| self.to_resolved_module(found));
        }
        None
    }

    fn resolve_absolute(&self, dotted: &str) -> Option<FoundModule> {
        let components = split_dotted_name(dotted)?;
        let (first, rest) = components.split_first()?;

        let (mut found, found_in_stub_only_package) = self.search_top_level(first, true)?;
        // Where the runtime package lives when `found` came from a stub-only package.
        let mut fallback_directories: Vec<DirectoryId> = if found_in_stub_only_package {
            self.search_top_level(first, false)
                .and_then(|(runtime, _)| {
                    runtime.submodule_directories().map(<[DirectoryId]>::to_vec)
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };

        for component in rest {
            let primary = found
                .submodule_directories()
                .and_then(|directories| self.search_directories(directories, component));
            let fallback = if fallback_directories.is_empty() {
                None
            } else {
                self.search_directories(&fallback_directories, component)
            };
            (found, fallback_directories) = match (primary, fallback) {
                // A regular package or module wins over namespace portions, across stubs too.
                (Some(FoundModule::Namespace { .. }), Some(module @ FoundModule::File { .. })) => {
                    (module, Vec::new())
                }
                (Some(primary), fallback) => {
                    let next_fallback = fallback
                        .as_ref()
                        .and_then(FoundModule::submodule_directories)
                        .map(<[DirectoryId]>::to_vec)
                        .unwrap_or_default();
                    (primary, next_fallback)
                }
                (None, Some(fallback)) => (fallback, Vec::new()),
                (None, None) => return None,
            };
        }
        Some(found)
    }

    /// Looks a top-level name up in every search root. The flag says whether the result came from
    /// a stub-only package.
    fn search_top_level(
        &self,
        name: &str,
        include_stub_only_packages: bool,
    ) -> Option<(FoundModule, bool)> {
        // Built on first use: most projects have no site-packages root, hence no stub locations.
        let mut stub_package_name: Option<String> = None;
        let mut portions = Vec::new();
        for location in &self.top_level_locations {
            let lookup = if location.stub_only_packages {
                if !include_stub_only_packages {
                    continue;
                }
                let stub_package_name =
                    stub_package_name.get_or_insert_with(|| format!("{name}-stubs"));
                self.lookup_in_directory(location.directory, stub_package_name)
            } else {
                self.lookup_in_directory(location.directory, name)
            };
            match lookup {
                DirectoryLookup::Found(found) => return Some((found, location.stub_only_packages)),
                DirectoryLookup::NamespacePortion(directory) => {
                    if !portions.contains(&directory) {
                        portions.push(directory);
                    }
                }
                DirectoryLookup::Missing => {}
            }
        }
        (!portions.is_empty()).then_some((
            FoundModule::Namespace {
                directories: portions,
            },
            false,
        ))
    }

    /// Looks `name` up in each directory of a package's `__path__`, in order.
    fn search_directories(&self, directories: &[DirectoryId], name: &str) -> Option<FoundModule> {
        let mut portions = Vec::new();
        for &directory in directories {
            match self.lookup_in_directory(directory, name) {
                DirectoryLookup::Found(found) => return Some(found),
                DirectoryLookup::NamespacePortion(portion) => {
                    if !portions.contains(&portion) {
                        portions.push(portion);
                    }
                }
                DirectoryLookup::Missing => {}
            }
        }
        (!portions.is_empty()).then_some(FoundModule::Namespace {
            directories: portions,
        })
    }

    fn lookup_in_directory(&self, directory: DirectoryId, name: &str) -> DirectoryLookup {
        let node = self.node(directory);
        let Some(child) = node.children.get(name) else {
            return DirectoryLookup::Missing;
        };
        if let Some(subdirectory) = child.subdirectory
            && let Some(init) = self.package_init_file(subdirectory)
        {
            return DirectoryLookup::Found(FoundModule::File {
                path: init,
                package_directory: Some(subdirectory),
            });
        }
        if child.has_pyi {
            return DirectoryLookup::Found(FoundModule::File {
                path: node.path.join(format!("{name}.pyi")),
                package_directory: None,
            });
        }
        if child.has_py {
            return DirectoryLookup::Found(FoundModule::File {
                path: node.path.join(format!("{name}.py")),
                package_directory: None,
            });
        }
        match child.subdirectory {
            Some(subdirectory) => DirectoryLookup::NamespacePortion(subdirectory),
            None => DirectoryLookup::Missing,
        }
    }

    fn package_init_file(&self, directory: DirectoryId) -> Option<PathBuf> {
        let node = self.node(directory);
        let init = node.children.get("__init__")?;
        if init.has_pyi {
            Some(node.path.join("__init__.pyi"))
        } else if init.has_py {
            Some(node.path.join("__init__.py"))
        } else {
            None
        }
    }

    /// The package a directory stands for: its `__init__` file, or the namespace package it is a
    /// portion of (with the portions of every root merged, as `__path__` would be at runtime).
    fn package_for_directory(&self, directory: DirectoryId) -> FoundModule {
        if let Some(init) = self.package_init_file(directory) {
            return FoundModule::File {
                path: init,
                package_directory: Some(directory),
            };
        }
        let merged = self
            .module_name_of_directory(&self.node(directory).path)
            .and_then(|name| self.resolve_absolute(&name));
        match merged {
            Some(FoundModule::Namespace { directories }) if directories.contains(&directory) => {
                FoundModule::Namespace { directories }
            }
            _ => FoundModule::Namespace {
                directories: vec![directory],
            },
        }
    }

    fn module_name_of_directory(&self, directory: &Path) -> Option<String> {
        let root = self.deepest_root_containing(directory)?;
        let relative = directory.strip_prefix(&root.path).ok()?;
        let mut components = Vec::new();
        for component in relative.components() {
            match component {
                Component::Normal(name) => components.push(name.to_str()?),
                _ => return None,
            }
        }
        if components.is_empty()
            || !components
                .iter()
                .all(|component| is_python_identifier(component))
        {
            return None;
        }
        Some(components.join("."))
    }

    /// The directory a relative import starts from: the importing file's package for level 1,
    /// its parent package for level 2, and so on. `None` when the level climbs above the top-level
    /// package of the deepest root holding the file. Files outside every root resolve by directory.
    fn relative_import_anchor<'file>(
        &self,
        importing_file: &'file Path,
        level: u32,
    ) -> Option<&'file Path> {
        let mut directory = importing_file.parent()?;
        if let Some(root) = self.deepest_root_containing(importing_file) {
            let package_depth = directory
                .strip_prefix(&root.path)
                .ok()?
                .components()
                .count();
            if usize::try_from(level).ok()? > package_depth {
                return None;
            }
        }
        for _ in 1..level {
            directory = directory.parent()?;
        }
        Some(directory)
    }

    fn deepest_root_containing(&self, path: &Path) -> Option<&SearchRoot> {
        self.roots
            .iter()
            .filter(|root| path.starts_with(&root.path) && path != root.path)
            .max_by_key(|root| root.path.components().count())
    }

    fn is_inside_stub_only_package(&self, file: &Path) -> bool {
        let Some(root) = self.deepest_root_containing(file) else {
            return false;
        };
        root.kind == SearchRootKind::SitePackages
            && file
                .strip_prefix(&root.path)
                .ok()
                .and_then(|relative| relative.components().next())
                .and_then(|first| first.as_os_str().to_str())
                .is_some_and(|first| first.ends_with("-stubs"))
    }

    fn to_resolved_module(&self, found: FoundModule) -> ResolvedModule {
        match found {
            FoundModule::File {
                path,
                package_directory,
            } => {
                let is_stub = path.extension().is_some_and(|extension| extension == "pyi");
                ResolvedModule::File {
                    path,
                    is_package: package_directory.is_some(),
                    is_stub,
                }
            }
            FoundModule::Namespace { directories } => ResolvedModule::Namespace {
                dirs: directories
                    .into_iter()
                    .map(|directory| self.node(directory).path.clone())
                    .collect(),
            },
        }
    }

    fn node(&self, directory: DirectoryId) -> &DirectoryNode {
        // Invariant: every `DirectoryId` is created by `intern_directory_unlinked` as an index into
        // `self.directories`, which only grows.
        &self.directories[directory.0 as usize]
    }

    fn add_file(&mut self, file: &Path) {
        let Some((stem, kind)) = file
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(split_python_file_name)
        else {
            return;
        };
        let Some(parent) = file.parent() else {
            return;
        };
        let parent_id = self.intern_directory_linked(parent);
        let child = self.directories[parent_id.0 as usize]
            .children
            .entry(stem.into())
            .or_default();
        match kind {
            PythonFileKind::Source => child.has_py = true,
            PythonFileKind::Stub => child.has_pyi = true,
        }
    }

    fn intern_directory_unlinked(&mut self, directory: &Path) -> DirectoryId {
        if let Some(&id) = self.directory_ids.get(directory) {
            return id;
        }
        // More than four billion directories cannot be indexed in memory anyway.
        let id = DirectoryId(u32::try_from(self.directories.len()).unwrap_or(u32::MAX));
        self.directories.push(DirectoryNode {
            path: directory.to_path_buf(),
            children: FxHashMap::default(),
            linked_to_parent: false,
        });
        self.directory_ids.insert(directory.to_path_buf(), id);
        id
    }

    /// Interns `directory` and registers it, and every ancestor not yet registered, as a child of
    /// its parent. Stops early at the first ancestor that is already registered.
    fn intern_directory_linked(&mut self, directory: &Path) -> DirectoryId {
        let mut pending = Vec::new();
        let mut current = directory;
        loop {
            if let Some(&id) = self.directory_ids.get(current)
                && self.node(id).linked_to_parent
            {
                break;
            }
            pending.push(current);
            match (current.parent(), current.file_name()) {
                (Some(parent), Some(_)) => current = parent,
                _ => break,
            }
        }
        for &pending_directory in pending.iter().rev() {
            let id = self.intern_directory_unlinked(pending_directory);
            self.directories[id.0 as usize].linked_to_parent = true;
            if let (Some(parent), Some(name)) = (
                pending_directory.parent(),
                pending_directory.file_name().and_then(|name| name.to_str()),
            ) {
                let parent_id = self.intern_directory_unlinked(parent);
                self.directories[parent_id.0 as usize]
                    .children
                    .entry(name.into())
                    .or_default()
                    .subdirectory = Some(id);
            }
        }
        self.intern_directory_unlinked(directory)
    }
}

/// Splits `a.b.c` into components, or `None` if any component is not an identifier.
fn split_dotted_name(dotted: &str) -> Option<Vec<&str>> {
    let components: Vec<&str> = dotted.split('.').collect();
    components
        .iter()
        .all(|component| is_python_identifier(component))
        .then_some(components)
}

/// Splits `mod.pyi` into (`mod`, stub). Names with more dots (`mod.cpython-312.pyi`) never match an
/// identifier, so they need no special case here.
fn split_python_file_name(file_name: &str) -> Option<(&str, PythonFileKind)> {
    if let Some(stem) = file_name.strip_suffix(".pyi") {
        Some((stem, PythonFileKind::Stub))
    } else {
        file_name
            .strip_suffix(".py")
            .map(|stem| (stem, PythonFileKind::Source))
    }
    .filter(|(stem, _)| !stem.is_empty())
}

/// An approximation of Python's identifier rule (XID_Start followed by XID_Continue).
pub fn is_python_identifier(text: &str) -> bool {
    let mut characters = text.chars();
    characters
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && characters.all(|character| character == '_' || character.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(path: &str, kind: SearchRootKind) -> SearchRoot {
        SearchRoot {
            path: PathBuf::from(path),
            kind,
        }
    }

    fn resolver(roots: Vec<SearchRoot>, files: &[&str]) -> ModuleResolver {
        ModuleResolver::new(roots, files.iter().map(PathBuf::from))
    }

    fn file(path: &str, is_package: bool) -> Option<ResolvedModule> {
        let is_stub = path.ends_with(".pyi");
        Some(ResolvedModule::File {
            path: PathBuf::from(path),
            is_package,
            is_stub,
        })
    }

    fn namespace(dirs: &[&str]) -> Option<ResolvedModule> {
        Some(ResolvedModule::Namespace {
            dirs: dirs.iter().map(PathBuf::from).collect(),
        })
    }

    fn absolute(resolver: &ModuleResolver, dotted: &str) -> Option<ResolvedModule> {
        resolver.resolve(Path::new("/anywhere/main.py"), 0, dotted)
    }

    #[test]
    fn resolves_modules_and_regular_packages() {
        let resolver = resolver(
            vec![root("/ws", SearchRootKind::Workspace)],
            &[
                "/ws/a.py",
                "/ws/pkg/__init__.py",
                "/ws/pkg/sub.py",
                "/ws/pkg/inner/__init__.py",
                "/ws/pkg/inner/deep.py",
                "/ws/README.md",
            ],
        );
        assert_eq!(absolute(&resolver, "a"), file("/ws/a.py", false));
        assert_eq!(
            absolute(&resolver, "pkg"),
            file("/ws/pkg/__init__.py", true)
        );
        assert_eq!(
            absolute(&resolver, "pkg.sub"),
            file("/ws/pkg/sub.py", false)
        );
        assert_eq!(
            absolute(&resolver, "pkg.inner.deep"),
            file("/ws/pkg/inner/deep.py", false)
        );
        assert_eq!(absolute(&resolver, "pkg.missing"), None);
        assert_eq!(
            absolute(&resolver, "a.b"),
            None,
            "a plain module has no submodules"
        );
        assert_eq!(absolute(&resolver, "README"), None);
        assert_eq!(absolute(&resolver, ""), None);
        assert_eq!(absolute(&resolver, "pkg..sub"), None);
        assert_eq!(absolute(&resolver, "pkg.sub."), None);
    }

    #[test]
    fn stub_files_win_over_sources_in_the_same_directory() {
        let resolver = resolver(
            vec![root("/ws", SearchRootKind::Workspace)],
            &[
                "/ws/m.py",
                "/ws/m.pyi",
                "/ws/pkg/__init__.py",
                "/ws/pkg/__init__.pyi",
                "/ws/pkg/only_source.py",
            ],
        );
        assert_eq!(absolute(&resolver, "m"), file("/ws/m.pyi", false));
        assert_eq!(
            absolute(&resolver, "pkg"),
            file("/ws/pkg/__init__.pyi", true)
        );
        assert_eq!(
            absolute(&resolver, "pkg.only_source"),
            file("/ws/pkg/only_source.py", false)
        );
    }

    #[test]
    fn a_package_directory_wins_over_a_module_of_the_same_name() {
        let resolver = resolver(
            vec![root("/ws", SearchRootKind::Workspace)],
            &[
                "/ws/thing.py",
                "/ws/thing/__init__.py",
                "/ws/portion.py",
                "/ws/portion/inside.py",
            ],
        );
        assert_eq!(
            absolute(&resolver, "thing"),
            file("/ws/thing/__init__.py", true)
        );
        // A namespace portion loses to a module in the same directory.
        assert_eq!(
            absolute(&resolver, "portion"),
            file("/ws/portion.py", false)
        );
    }

    #[test]
    fn namespace_packages_merge_portions_across_roots() {
        let resolver = resolver(
            vec![
                root("/r1", SearchRootKind::Workspace),
                root("/r2", SearchRootKind::Extra),
            ],
            &["/r1/ns/a.py", "/r2/ns/b.py", "/r2/ns/deeper/c.py"],
        );
        let ns = absolute(&resolver, "ns");
        assert_eq!(ns, namespace(&["/r1/ns", "/r2/ns"]));
        assert_eq!(absolute(&resolver, "ns.a"), file("/r1/ns/a.py", false));
        assert_eq!(absolute(&resolver, "ns.b"), file("/r2/ns/b.py", false));
        assert_eq!(
            absolute(&resolver, "ns.deeper"),
            namespace(&["/r2/ns/deeper"])
        );
        assert_eq!(
            absolute(&resolver, "ns.deeper.c"),
            file("/r2/ns/deeper/c.py", false)
        );
        let ns = ns.expect("checked above");
        assert_eq!(
            resolver.resolve_submodule(&ns, "b"),
            file("/r2/ns/b.py", false)
        );
        assert_eq!(resolver.resolve_submodule(&ns, "nope"), None);
    }

    #[test]
    fn a_regular_package_in_a_later_root_wins_over_earlier_namespace_portions() {
        let resolver = resolver(
            vec![
                root("/r1", SearchRootKind::Workspace),
                root("/r2", SearchRootKind::SitePackages),
            ],
            &["/r1/pkg/x.py", "/r2/pkg/__init__.py", "/r2/pkg/y.py"],
        );
        assert_eq!(
            absolute(&resolver, "pkg"),
            file("/r2/pkg/__init__.py", true)
        );
        assert_eq!(absolute(&resolver, "pkg.y"), file("/r2/pkg/y.py", false));
        // The regular package's `__path__` is its own directory only, as at runtime.
        assert_eq!(absolute(&resolver, "pkg.x"), None);
    }

    #[test]
    fn earlier_roots_shadow_later_ones() {
        let resolver = resolver(
            vec![
                root("/r1", SearchRootKind::Workspace),
                root("/r2", SearchRootKind::SitePackages),
            ],
            &[
                "/r1/mod.py",
                "/r2/mod.py",
                "/r1/pkg/__init__.py",
                "/r2/pkg/__init__.py",
                "/r2/pkg/only_in_r2.py",
            ],
        );
        assert_eq!(absolute(&resolver, "mod"), file("/r1/mod.py", false));
        assert_eq!(
            absolute(&resolver, "pkg"),
            file("/r1/pkg/__init__.py", true)
        );
        assert_eq!(absolute(&resolver, "pkg.only_in_r2"), None);
    }

    #[test]
    fn stub_only_packages_are_preferred_in_site_packages() {
        let resolver = resolver(
            vec![
                root("/ws", SearchRootKind::Workspace),
                root("/sp1", SearchRootKind::SitePackages),
                root("/sp2", SearchRootKind::SitePackages),
            ],
            &[
                "/sp1/foo/__init__.py",
                "/sp1/foo/core.py",
                "/sp1/foo/api.py",
                "/sp1/foo-stubs/__init__.pyi",
                "/sp1/foo-stubs/api.pyi",
                "/sp1/bar/__init__.py",
                "/sp2/bar-stubs/__init__.pyi",
                "/ws/local-stubs/__init__.pyi",
            ],
        );
        let foo = absolute(&resolver, "foo");
        assert_eq!(foo, file("/sp1/foo-stubs/__init__.pyi", true));
        assert_eq!(
            absolute(&resolver, "foo.api"),
            file("/sp1/foo-stubs/api.pyi", false)
        );
        // Submodules missing from the stubs fall back to the runtime package.
        assert_eq!(
            absolute(&resolver, "foo.core"),
            file("/sp1/foo/core.py", false)
        );
        let foo = foo.expect("checked above");
        assert_eq!(
            resolver.resolve_submodule(&foo, "core"),
            file("/sp1/foo/core.py", false)
        );
        assert_eq!(
            resolver.resolve_submodule(&foo, "api"),
            file("/sp1/foo-stubs/api.pyi", false)
        );
        assert_eq!(resolver.resolve_submodule(&foo, "missing"), None);
        // A stub package in a later site-packages still beats the runtime package in an earlier one.
        assert_eq!(
            absolute(&resolver, "bar"),
            file("/sp2/bar-stubs/__init__.pyi", true)
        );
        // The `-stubs` suffix means nothing outside site-packages.
        assert_eq!(absolute(&resolver, "local"), None);
        assert_eq!(
            resolver
                .module_name(Path::new("/sp1/foo-stubs/api.pyi"))
                .as_deref(),
            Some("foo.api")
        );
    }

    #[test]
    fn workspace_code_wins_over_stub_only_packages() {
        let resolver = resolver(
            vec![
                root("/ws", SearchRootKind::Workspace),
                root("/sp", SearchRootKind::SitePackages),
            ],
            &["/ws/foo.py", "/sp/foo-stubs/__init__.pyi"],
        );
        assert_eq!(absolute(&resolver, "foo"), file("/ws/foo.py", false));
    }

    #[test]
    fn relative_imports_climb_packages() {
        let resolver = resolver(
            vec![root("/ws", SearchRootKind::Workspace)],
            &[
                "/ws/top.py",
                "/ws/pkg/__init__.py",
                "/ws/pkg/a.py",
                "/ws/pkg/sub/__init__.py",
                "/ws/pkg/sub/b.py",
                "/ws/pkg/sub/deeper/c.py",
            ],
        );
        let b = Path::new("/ws/pkg/sub/b.py");
        assert_eq!(
            resolver.resolve(b, 1, ""),
            file("/ws/pkg/sub/__init__.py", true)
        );
        assert_eq!(
            resolver.resolve(b, 1, "deeper.c"),
            file("/ws/pkg/sub/deeper/c.py", false)
        );
        assert_eq!(
            resolver.resolve(b, 1, "deeper"),
            namespace(&["/ws/pkg/sub/deeper"])
        );
        assert_eq!(resolver.resolve(b, 2, "a"), file("/ws/pkg/a.py", false));
        assert_eq!(
            resolver.resolve(b, 2, ""),
            file("/ws/pkg/__init__.py", true)
        );
        assert_eq!(
            resolver.resolve(b, 2, "sub.b"),
            file("/ws/pkg/sub/b.py", false)
        );
        assert_eq!(
            resolver.resolve(b, 3, ""),
            None,
            "level 3 climbs above the top-level package"
        );
        assert_eq!(resolver.resolve(b, 1, "missing"), None);
        assert_eq!(resolver.resolve(b, 1, "a..b"), None);

        let init = Path::new("/ws/pkg/__init__.py");
        assert_eq!(resolver.resolve(init, 1, "a"), file("/ws/pkg/a.py", false));
        assert_eq!(resolver.resolve(init, 2, ""), None);

        let c = Path::new("/ws/pkg/sub/deeper/c.py");
        assert_eq!(
            resolver.resolve(c, 1, ""),
            namespace(&["/ws/pkg/sub/deeper"])
        );
        assert_eq!(resolver.resolve(c, 3, "a"), file("/ws/pkg/a.py", false));

        let top = Path::new("/ws/top.py");
        assert_eq!(
            resolver.resolve(top, 1, ""),
            None,
            "a top-level module has no parent package"
        );
    }

    #[test]
    fn relative_imports_inside_a_namespace_package_see_every_portion() {
        let resolver = resolver(
            vec![
                root("/r1", SearchRootKind::Workspace),
                root("/r2", SearchRootKind::Extra),
            ],
            &["/r1/ns/a.py", "/r2/ns/b.py"],
        );
        let a = Path::new("/r1/ns/a.py");
        assert_eq!(resolver.resolve(a, 1, "b"), file("/r2/ns/b.py", false));
        assert_eq!(resolver.resolve(a, 1, ""), namespace(&["/r1/ns", "/r2/ns"]));
    }

    #[test]
    fn relative_imports_outside_every_root_resolve_by_directory() {
        let resolver = resolver(
            vec![root("/ws", SearchRootKind::Workspace)],
            &["/scratch/x/a.py", "/scratch/x/b.py"],
        );
        assert_eq!(
            resolver.resolve(Path::new("/scratch/x/a.py"), 1, "b"),
            file("/scratch/x/b.py", false)
        );
        assert_eq!(resolver.module_name(Path::new("/scratch/x/a.py")), None);
    }

    #[test]
    fn a_relative_import_from_an_unknown_directory_names_only_that_directory() {
        let resolver = resolver(
            vec![root("/ws", SearchRootKind::Workspace)],
            &["/ws/pkg/__init__.py"],
        );
        let unsaved = Path::new("/ws/pkg/new/unsaved.py");
        assert_eq!(
            resolver.resolve(unsaved, 1, ""),
            namespace(&["/ws/pkg/new"])
        );
        assert_eq!(resolver.resolve(unsaved, 1, "x"), None);
        assert_eq!(
            resolver.resolve(unsaved, 2, ""),
            file("/ws/pkg/__init__.py", true)
        );
    }

    #[test]
    fn src_layout_roots_resolve_and_name_modules() {
        let resolver = resolver(
            vec![
                root("/ws", SearchRootKind::Workspace),
                root("/ws/src", SearchRootKind::Src),
            ],
            &[
                "/ws/src/pkg/__init__.py",
                "/ws/src/pkg/m.py",
                "/ws/tests/test_m.py",
            ],
        );
        assert_eq!(
            absolute(&resolver, "pkg.m"),
            file("/ws/src/pkg/m.py", false)
        );
        assert_eq!(
            resolver
                .module_name(Path::new("/ws/src/pkg/m.py"))
                .as_deref(),
            Some("pkg.m")
        );
        assert_eq!(
            resolver
                .module_name(Path::new("/ws/src/pkg/__init__.py"))
                .as_deref(),
            Some("pkg")
        );
        assert_eq!(
            resolver
                .module_name(Path::new("/ws/tests/test_m.py"))
                .as_deref(),
            Some("tests.test_m")
        );
        assert_eq!(resolver.resolve(Path::new("/ws/src/pkg/m.py"), 2, ""), None);
        // `src` itself is importable as a namespace package from the workspace root, as at runtime.
        assert_eq!(absolute(&resolver, "src"), namespace(&["/ws/src"]));
    }

    #[test]
    fn an_empty_search_root_does_not_become_a_package() {
        let resolver = resolver(
            vec![
                root("/ws", SearchRootKind::Workspace),
                root("/ws/src", SearchRootKind::Src),
            ],
            &["/ws/main.py"],
        );
        assert_eq!(absolute(&resolver, "src"), None);
        assert_eq!(absolute(&resolver, "main"), file("/ws/main.py", false));
    }

    #[test]
    fn module_names_use_the_deepest_root() {
        let resolver = resolver(
            vec![
                root("/ws", SearchRootKind::Workspace),
                root(
                    "/ws/.venv/lib/python3.12/site-packages",
                    SearchRootKind::SitePackages,
                ),
            ],
            &[],
        );
        let name = |path: &str| resolver.module_name(Path::new(path));
        assert_eq!(
            name("/ws/.venv/lib/python3.12/site-packages/requests/api.py").as_deref(),
            Some("requests.api")
        );
        assert_eq!(name("/ws/pkg/sub/__init__.pyi").as_deref(), Some("pkg.sub"));
        assert_eq!(name("/ws/__init__.py"), None);
        assert_eq!(name("/ws/my-scripts/x.py"), None);
        assert_eq!(name("/ws/notes.txt"), None);
        assert_eq!(name("/elsewhere/x.py"), None);
        assert_eq!(name("/ws"), None);
    }

    #[test]
    fn resolve_submodule_distinguishes_modules_from_attributes() {
        let resolver = resolver(
            vec![root("/ws", SearchRootKind::Workspace)],
            &["/ws/pkg/__init__.py", "/ws/pkg/sub.py", "/ws/plain.py"],
        );
        let package = absolute(&resolver, "pkg").expect("pkg is a package");
        assert_eq!(
            resolver.resolve_submodule(&package, "sub"),
            file("/ws/pkg/sub.py", false)
        );
        assert_eq!(resolver.resolve_submodule(&package, "some_function"), None);
        assert_eq!(
            resolver.resolve_submodule(&package, "not-an-identifier"),
            None
        );
        let plain = absolute(&resolver, "plain").expect("plain is a module");
        assert_eq!(resolver.resolve_submodule(&plain, "anything"), None);
    }

    #[test]
    fn many_files_build_and_resolve() {
        let mut files = Vec::new();
        for package in 0..200 {
            files.push(PathBuf::from(format!("/sp/package{package}/__init__.py")));
            for module in 0..50 {
                files.push(PathBuf::from(format!(
                    "/sp/package{package}/module{module}.py"
                )));
            }
        }
        let resolver = ModuleResolver::new(vec![root("/sp", SearchRootKind::SitePackages)], files);
        for package in 0..200 {
            assert_eq!(
                absolute(&resolver, &format!("package{package}.module49")),
                file(&format!("/sp/package{package}/module49.py"), false)
            );
        }
    }
}
