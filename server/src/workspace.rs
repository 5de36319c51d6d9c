//! Loading a project from disk into the analysis: discovery, file scan, file texts.
//! This is the server's IO; the analysis only ever sees the resulting `Change`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use analysis::Change;

use crate::project::{self, ProjectLayout};

/// Files larger than this are analysed as empty, with a warning: a generated 50 MB
/// module is not worth a frozen editor.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// The most files loaded from one workspace folder, and from the environment.
pub const MAX_WORKSPACE_FILES: usize = 50_000;
pub const MAX_ENVIRONMENT_FILES: usize = 100_000;

pub struct LoadedProject {
    pub layout: ProjectLayout,
    /// Workspace files (not the environment's), sorted.
    pub workspace_files: Vec<PathBuf>,
    pub change: Change,
}

/// Reads a file as text; invalid UTF-8 is replaced, oversized files become empty.
pub fn read_text(path: &Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    if metadata.len() > MAX_FILE_BYTES {
        tracing::warn!(path = %path.display(), bytes = metadata.len(), "file too large to analyse; treated as empty");
        return Some(String::new());
    }
    let bytes = std::fs::read(path).ok()?;
    Some(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

/// Discovers the project at `root` and reads every Python file of it and of its
/// environment. `progress` is called with (files read, files total).
pub fn load_project(
    root: &Path,
    client_settings: Option<&serde_json::Value>,
    mut progress: impl FnMut(usize, usize),
) -> LoadedProject {
    let virtual_env = std::env::var_os("VIRTUAL_ENV");
    let layout = project::discover(root, client_settings, virtual_env.as_deref());
    for warning in &layout.warnings {
        tracing::warn!(root = %root.display(), "{warning}");
    }
    let excluded: Vec<PathBuf> = layout.venv.iter().cloned().collect();
    let mut workspace_files =
        project::collect_python_files(&layout.root, &excluded, MAX_WORKSPACE_FILES);
    // Plugin manifests name Python entry modules; the analysis checks them too.
    workspace_files.extend(project::collect_plugin_manifests(
        &layout.root,
        &excluded,
        MAX_WORKSPACE_FILES,
    ));
    // User rules (`.remedy/rules/*.json`) are data the analysis validates and runs.
    workspace_files.extend(project::collect_user_rule_files(&layout.root));
    workspace_files.sort();
    // Extra paths, site-packages and the folders `.pth` files name; the workspace's own
    // files are already in `workspace_files`.
    let environment_files: Vec<PathBuf> = layout
        .collect_all_python_files(MAX_ENVIRONMENT_FILES)
        .into_iter()
        .filter(|path| workspace_files.binary_search(path).is_err())
        .collect();
    let total = workspace_files.len() + environment_files.len();
    let mut config = layout.config.clone();
    // Without a configured version, the environment's interpreter version applies.
    config.python_version = layout.python_version();
    let mut change = Change {
        search_roots: Some(layout.search_roots.clone()),
        config: Some(config),
        ..Change::default()
    };
    for (done, path) in workspace_files.iter().chain(&environment_files).enumerate() {
        if let Some(text) = read_text(path) {
            change.set_file(Arc::<Path>::from(path.as_path()), text);
        }
        if done % 64 == 0 {
            progress(done, total);
        }
    }
    progress(total, total);
    LoadedProject {
        layout,
        workspace_files,
        change,
    }
}
