//! What several benches share: finding the standard library and its Python files.
// Each bench uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The standard library folder of the `python3` on the path.
pub fn stdlib_path() -> Option<PathBuf> {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .ok()?;
    let path = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(path.trim()))
}

/// Every `.py` file under `root` (outside `site-packages` folders), sorted.
pub fn python_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && !path.ends_with("site-packages") {
                pending.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|extension| extension == "py")
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
