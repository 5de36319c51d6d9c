//! Project discovery (STUB: being written; interface fixed).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use analysis::config::{Config, ConfigError};
use analysis::resolve::{SearchRoot, SearchRootKind};

pub struct ProjectLayout {
    pub root: PathBuf,
    pub search_roots: Vec<SearchRoot>,
    pub venv: Option<PathBuf>,
    pub site_packages: Vec<PathBuf>,
    pub config: Config,
    pub config_errors: Vec<(PathBuf, ConfigError)>,
    pub config_source: Option<PathBuf>,
}

pub fn discover(
    root: &Path,
    client_settings: Option<&serde_json::Value>,
    env_virtual_env: Option<&OsStr>,
) -> ProjectLayout {
    let _ = (client_settings, env_virtual_env);
    ProjectLayout {
        root: root.to_path_buf(),
        search_roots: vec![SearchRoot {
            path: root.to_path_buf(),
            kind: SearchRootKind::Workspace,
        }],
        venv: None,
        site_packages: Vec::new(),
        config: Config::default(),
        config_errors: Vec::new(),
        config_source: None,
    }
}

pub fn collect_python_files(root: &Path, exclude_venvs: &[PathBuf], limit: usize) -> Vec<PathBuf> {
    let _ = exclude_venvs;
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|ext| ext == "py" || ext == "pyi")
                && found.len() < limit
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
