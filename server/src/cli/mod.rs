//! The command line: `remedy check`, `hover`, `rules`, `heal`, `fix` and `config-schema`.

pub mod check;
pub mod fix;
pub mod heal;
pub mod hover;
pub mod infer;
mod render;
pub mod rules;
pub mod schema;

use std::path::{Path, PathBuf};

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
