//! The command line: `remedy check`, `hover`, `infer`, `types`, `rules`, `heal`, `fix` and
//! `config-schema`.

pub mod check;
pub mod fix;
pub mod heal;
pub mod hover;
pub mod infer;
mod render;
pub mod rules;
pub mod schema;
pub mod types;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use analysis::{AnalysisHost, FileId};

/// One Python file loaded with its project (search roots, settings, the other files),
/// for the commands that answer about a single file; a message and exit code 2 when it
/// cannot be.
pub fn load_single_file(path: &Path) -> Result<(AnalysisHost, FileId), ExitCode> {
    let Ok(path) = std::path::absolute(path) else {
        eprintln!("remedy: {}: invalid path", path.display());
        return Err(ExitCode::from(2));
    };
    if !path.is_file() {
        eprintln!("remedy: {}: no such file", path.display());
        return Err(ExitCode::from(2));
    }
    let loaded = crate::workspace::load_project(&project_root_for(&path), None, |_, _| {});
    let mut change = loaded.change;
    if let Some(text) = crate::workspace::read_text(&path) {
        change.set_file(path.as_path(), text);
    }
    let mut host = AnalysisHost::new();
    host.apply_change(change);
    match host.file_id(&path) {
        Some(file) => Ok((host, file)),
        None => {
            eprintln!("remedy: {}: not a Python file", path.display());
            Err(ExitCode::from(2))
        }
    }
}

/// The project root for a path: the nearest ancestor folder holding `pyproject.toml`,
/// `remedy.toml`, `setup.py` or `.git`, else the path itself (a folder) or its parent.
pub fn project_root_for(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if absolute.is_dir() {
        absolute.clone()
    } else {
        absolute.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    if absolute.is_dir() {
        return absolute;
    }
    let mut current = Some(start.as_path());
    while let Some(dir) = current {
        if ["pyproject.toml", "remedy.toml", "setup.py", ".git"]
            .iter()
            .any(|marker| dir.join(marker).exists())
        {
            return dir.to_path_buf();
        }
        current = dir.parent();
    }
    start
}
