//! Module resolution over the known file set (STUB: being written; interface fixed).

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchRootKind {
    Workspace,
    Src,
    Extra,
    SitePackages,
    Stdlib,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRoot {
    pub path: PathBuf,
    pub kind: SearchRootKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResolvedModule {
    File {
        path: PathBuf,
        is_package: bool,
        is_stub: bool,
    },
    Namespace {
        dirs: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleResolver {
    roots: Vec<SearchRoot>,
}

impl ModuleResolver {
    pub fn new(roots: Vec<SearchRoot>, files: impl IntoIterator<Item = PathBuf>) -> Self {
        let _ = files.into_iter().count();
        ModuleResolver { roots }
    }

    pub fn resolve(
        &self,
        importing_file: &Path,
        level: u32,
        dotted: &str,
    ) -> Option<ResolvedModule> {
        let _ = (importing_file, level, dotted, &self.roots);
        None
    }

    pub fn module_name(&self, file: &Path) -> Option<String> {
        file.file_stem().map(|s| s.to_string_lossy().into_owned())
    }

    pub fn resolve_submodule(
        &self,
        package: &ResolvedModule,
        name: &str,
    ) -> Option<ResolvedModule> {
        let _ = (package, name);
        None
    }
}
