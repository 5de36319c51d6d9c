//! Project discovery: a workspace folder's configuration, virtual environment, search roots and Python files.
//!
//! This is the IO half of module resolution; `analysis::resolve` is the pure half that receives the
//! search roots and file list built here. Nothing here spawns a process or runs user code: the
//! environment is read from `pyvenv.cfg` and the folder layout only.
//!
//! Precedence, highest first:
//! - configuration: client settings overlay `remedy.toml`, which replaces `pyproject.toml [tool.remedy]`;
//! - virtual environment: the configured `venv`, then `.venv` or `venv` in the root (a folder holding
//!   `pyvenv.cfg`), then `$VIRTUAL_ENV`;
//! - search roots: the workspace, `src/`, each extra path, each site-packages folder followed by the
//!   folders its `.pth` files name (editable installs).

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use analysis::config::{Config, ConfigError, apply_json, parse_pyproject, parse_remedy_toml};
use analysis::resolve::{SearchRoot, SearchRootKind, is_python_identifier};

/// Everything known about one workspace folder before any file is analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLayout {
    pub root: PathBuf,
    /// The module search path, in order.
    pub search_roots: Vec<SearchRoot>,
    /// The virtual environment in use, if any was found.
    pub venv: Option<PathBuf>,
    /// The environment's site-packages folders (not the folders named by `.pth` files).
    pub site_packages: Vec<PathBuf>,
    pub config: Config,
    /// Problems in configuration files, each with the file it was found in.
    pub config_errors: Vec<(PathBuf, ConfigError)>,
    /// The file the configuration came from, if any.
    pub config_source: Option<PathBuf>,
    /// The Python version recorded in the environment's `pyvenv.cfg`.
    pub venv_python_version: Option<(u8, u8)>,
    /// Whether `pyvenv.cfg` asks for the system site-packages, which are not searched because
    /// finding them would mean running the interpreter.
    pub include_system_site_packages: bool,
    /// Problems outside configuration files: bad client settings, missing folders.
    pub warnings: Vec<String>,
}

impl ProjectLayout {
    /// The Python version to analyse for as (major, minor): the configured one, else the
    /// environment's.
    pub fn python_version(&self) -> Option<(u8, u8)> {
        self.config.python_version.or(self.venv_python_version)
    }

    /// Every Python file on the search path: the workspace (without virtual environments), extra
    /// paths and site-packages, each walk capped at `limit_per_root` files. Sorted, no duplicates.
    pub fn collect_all_python_files(&self, limit_per_root: usize) -> Vec<PathBuf> {
        let venvs: Vec<PathBuf> = self.venv.iter().cloned().collect();
        let mut files = Vec::new();
        for root in &self.search_roots {
            match root.kind {
                // The `src/` folder is inside the workspace and walked with it.
                SearchRootKind::Src => {}
                SearchRootKind::Workspace | SearchRootKind::Extra | SearchRootKind::Stdlib => {
                    files.extend(collect_python_files(&root.path, &venvs, limit_per_root));
                }
                SearchRootKind::SitePackages => {
                    files.extend(collect_site_packages_files(&root.path, limit_per_root));
                }
            }
        }
        files.sort();
        files.dedup();
        files
    }
}

/// Discovers the layout of the project in `root`. `client_settings` are the editor's settings;
/// `env_virtual_env` is the server's `$VIRTUAL_ENV`, passed in so that tests stay hermetic.
pub fn discover(
    root: &Path,
    client_settings: Option<&serde_json::Value>,
    env_virtual_env: Option<&OsStr>,
) -> ProjectLayout {
    let mut layout = ProjectLayout {
        root: root.to_path_buf(),
        search_roots: Vec::new(),
        venv: None,
        site_packages: Vec::new(),
        config: Config::default(),
        config_errors: Vec::new(),
        config_source: None,
        venv_python_version: None,
        include_system_site_packages: false,
        warnings: Vec::new(),
    };

    load_config_file(&mut layout);
    if let Some(settings) = client_settings {
        layout
            .warnings
            .extend(apply_json(&mut layout.config, settings));
    }

    layout.venv = find_venv(
        root,
        layout.config.venv.as_deref(),
        env_virtual_env,
        &mut layout.warnings,
    );
    if let Some(venv) = &layout.venv {
        let pyvenv = match fs::read_to_string(venv.join("pyvenv.cfg")) {
            Ok(text) => parse_pyvenv_cfg(&text),
            Err(_) => PyvenvConfig::default(),
        };
        layout.venv_python_version = pyvenv.version;
        layout.include_system_site_packages = pyvenv.include_system_site_packages;
        layout.site_packages = find_site_packages(venv, pyvenv.version);
        if layout.site_packages.is_empty() {
            layout.warnings.push(format!(
                "No site-packages folder was found in the environment `{}`",
                venv.display()
            ));
        }
        if pyvenv.include_system_site_packages {
            layout.warnings.push(format!(
                "The environment `{}` includes the system site-packages, which Remedy does not search",
                venv.display()
            ));
        }
    }

    let mut warnings = Vec::new();
    layout.search_roots = build_search_roots(&layout, &mut warnings);
    layout.warnings.extend(warnings);

    tracing::debug!(
        root = %root.display(),
        venv = ?layout.venv,
        config_source = ?layout.config_source,
        search_roots = layout.search_roots.len(),
        "discovered project layout"
    );
    layout
}

fn load_config_file(layout: &mut ProjectLayout) {
    let remedy_toml = layout.root.join("remedy.toml");
    match fs::read_to_string(&remedy_toml) {
        Ok(text) => {
            let (config, errors) = parse_remedy_toml(&text);
            layout.config = config;
            layout
                .config_errors
                .extend(errors.into_iter().map(|error| (remedy_toml.clone(), error)));
            layout.config_source = Some(remedy_toml);
            return;
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => {
            layout
                .config_errors
                .push((remedy_toml.clone(), unreadable_file_error(&error)));
            layout.config_source = Some(remedy_toml);
            return;
        }
    }

    let pyproject = layout.root.join("pyproject.toml");
    match fs::read_to_string(&pyproject) {
        Ok(text) => {
            let (config, errors) = parse_pyproject(&text);
            layout
                .config_errors
                .extend(errors.into_iter().map(|error| (pyproject.clone(), error)));
            if let Some(config) = config {
                layout.config = config;
                layout.config_source = Some(pyproject);
            }
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => layout
            .config_errors
            .push((pyproject, unreadable_file_error(&error))),
    }
}

fn unreadable_file_error(error: &io::Error) -> ConfigError {
    ConfigError {
        range: None,
        message: format!("The file could not be read: {error}"),
    }
}

fn find_venv(
    root: &Path,
    configured: Option<&str>,
    env_virtual_env: Option<&OsStr>,
    warnings: &mut Vec<String>,
) -> Option<PathBuf> {
    if let Some(configured) = configured {
        let venv = root.join(configured);
        // A configured folder is trusted without `pyvenv.cfg`, which conda environments lack.
        if venv.is_dir() {
            return Some(venv);
        }
        warnings.push(format!(
            "The configured venv `{}` is not a folder",
            venv.display()
        ));
    }
    for name in [".venv", "venv"] {
        let venv = root.join(name);
        if venv.join("pyvenv.cfg").is_file() {
            return Some(venv);
        }
    }
    let from_environment = env_virtual_env
        .filter(|value| !value.is_empty())
        .map(|value| root.join(value))?;
    if from_environment.is_dir() {
        return Some(from_environment);
    }
    warnings.push(format!(
        "$VIRTUAL_ENV names `{}`, which is not a folder",
        from_environment.display()
    ));
    None
}

/// What Remedy reads from a `pyvenv.cfg`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PyvenvConfig {
    pub version: Option<(u8, u8)>,
    pub home: Option<PathBuf>,
    pub include_system_site_packages: bool,
}

/// Parses `pyvenv.cfg`'s `key = value` lines. `venv` writes `version = 3.12.1`, uv and virtualenv
/// write `version_info = 3.12.1` or `3.12.1.final.0`.
pub fn parse_pyvenv_cfg(text: &str) -> PyvenvConfig {
    let mut config = PyvenvConfig::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "version" | "version_info" if config.version.is_none() => {
                config.version = leading_python_version(value);
            }
            "home" if !value.is_empty() => config.home = Some(PathBuf::from(value)),
            "include-system-site-packages" => {
                config.include_system_site_packages = value.eq_ignore_ascii_case("true")
            }
            _ => {}
        }
    }
    config
}

/// The `major.minor` prefix of a version string such as `3.12.1.final.0`.
fn leading_python_version(text: &str) -> Option<(u8, u8)> {
    let mut components = text.split('.');
    let major = components.next()?.trim().parse().ok()?;
    let minor = components.next()?.trim().parse().ok()?;
    Some((major, minor))
}

/// The site-packages folders of an environment: `lib/pythonX.Y/site-packages` (and `lib64`, and
/// the free-threaded `pythonX.Yt`) when the version is known, any `lib/python*` or `lib/pypy*`
/// otherwise, and the Windows `Lib/site-packages`. Folders reached twice (`lib64 -> lib`) count once.
pub fn find_site_packages(venv: &Path, version: Option<(u8, u8)>) -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some((major, minor)) = version {
        for lib in ["lib", "lib64"] {
            for suffix in ["", "t"] {
                candidates.push(
                    venv.join(lib)
                        .join(format!("python{major}.{minor}{suffix}"))
                        .join("site-packages"),
                );
            }
        }
    }
    candidates.push(venv.join("Lib").join("site-packages"));
    let versioned_found = candidates.iter().any(|candidate| candidate.is_dir());
    if !versioned_found {
        for lib in ["lib", "lib64"] {
            let Ok(entries) = fs::read_dir(venv.join(lib)) else {
                continue;
            };
            let mut globbed: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|entry| {
                    entry
                        .file_name()
                        .to_str()
                        .is_some_and(|name| name.starts_with("python") || name.starts_with("pypy"))
                })
                .map(|entry| entry.path().join("site-packages"))
                .collect();
            globbed.sort();
            candidates.extend(globbed);
        }
    }

    let mut seen = HashSet::new();
    candidates
        .into_iter()
        .filter(|candidate| candidate.is_dir())
        .filter(|candidate| {
            seen.insert(fs::canonicalize(candidate).unwrap_or_else(|_| candidate.clone()))
        })
        .collect()
}

/// The existing folders named by the plain path lines of a site-packages folder's `.pth` files,
/// which is how most editable installs put their sources on the path. `import` lines are code and
/// are not run.
pub fn read_pth_paths(site_packages: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(site_packages) else {
        return Vec::new();
    };
    let mut pth_files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "pth"))
        .collect();
    pth_files.sort();

    let mut folders = Vec::new();
    for pth_file in pth_files {
        let Ok(text) = fs::read_to_string(&pth_file) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty()
                || line.starts_with('#')
                || line.starts_with("import ")
                || line.starts_with("import\t")
            {
                continue;
            }
            let folder = site_packages.join(line);
            if folder.is_dir() && !folders.contains(&folder) {
                folders.push(folder);
            }
        }
    }
    folders
}

fn build_search_roots(layout: &ProjectLayout, warnings: &mut Vec<String>) -> Vec<SearchRoot> {
    let mut roots = vec![SearchRoot {
        path: layout.root.clone(),
        kind: SearchRootKind::Workspace,
    }];

    let src = layout.root.join("src");
    // A `src/` folder with its own `__init__.py` is a package named `src`, not a layout root.
    let src_is_layout_root = src.is_dir()
        && !src.join("__init__.py").exists()
        && !src.join("__init__.pyi").exists()
        && !collect_python_files(&src, &[], 1).is_empty();
    if src_is_layout_root {
        roots.push(SearchRoot {
            path: src,
            kind: SearchRootKind::Src,
        });
    }

    for extra_path in &layout.config.extra_paths {
        let folder = layout.root.join(extra_path);
        if folder.is_dir() {
            roots.push(SearchRoot {
                path: folder,
                kind: SearchRootKind::Extra,
            });
        } else {
            warnings.push(format!(
                "The extra path `{}` is not a folder",
                folder.display()
            ));
        }
    }

    for site_packages in &layout.site_packages {
        roots.push(SearchRoot {
            path: site_packages.clone(),
            kind: SearchRootKind::SitePackages,
        });
        for folder in read_pth_paths(site_packages) {
            roots.push(SearchRoot {
                path: folder,
                kind: SearchRootKind::SitePackages,
            });
        }
    }

    // The same folder reached twice (an editable install of the workspace itself) keeps its first place.
    let mut seen = HashSet::new();
    roots.retain(|root| {
        seen.insert(fs::canonicalize(&root.path).unwrap_or_else(|_| root.path.clone()))
    });
    roots
}

/// Every `.py`/`.pyi` file under `root`, sorted, at most `limit` of them. Skips hidden folders,
/// `__pycache__`, `node_modules`, virtual environments (folders holding `pyvenv.cfg`, and every
/// folder in `exclude_venvs`), unreadable entries and dangling links. Symlinked folders are followed
/// once: a folder reached again through a link is not walked again.
pub fn collect_python_files(root: &Path, exclude_venvs: &[PathBuf], limit: usize) -> Vec<PathBuf> {
    let excluded: HashSet<PathBuf> = exclude_venvs
        .iter()
        .filter_map(|venv| fs::canonicalize(venv).ok())
        .collect();
    walk_project_files(root, limit, is_python_file_name, |name, path, _depth| {
        is_project_folder(name, path, &excluded)
    })
}

/// Every plugin manifest (`plugin.json`) under `root`, walked like [`collect_python_files`]:
/// plugin hosts name their Python entry modules there, and the analysis checks both sides.
pub fn collect_plugin_manifests(
    root: &Path,
    exclude_venvs: &[PathBuf],
    limit: usize,
) -> Vec<PathBuf> {
    let excluded: HashSet<PathBuf> = exclude_venvs
        .iter()
        .filter_map(|venv| fs::canonicalize(venv).ok())
        .collect();
    walk_project_files(
        root,
        limit,
        |name| name == "plugin.json",
        |name, path, _depth| is_project_folder(name, path, &excluded),
    )
}

/// The user rule files of a workspace: `root/.remedy/rules/*.json`, sorted. Only read as
/// data by the analysis (see `analysis::rules::user`); nothing in them is executed.
pub fn collect_user_rule_files(root: &Path) -> Vec<PathBuf> {
    let folder = root.join(".remedy").join("rules");
    let Ok(entries) = fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| analysis::rules::user::is_user_rule_path(path) && path.is_file())
        .collect();
    files.sort();
    files
}

fn is_python_file_name(name: &str) -> bool {
    name.ends_with(".py") || name.ends_with(".pyi")
}

/// Whether a workspace folder is walked: not hidden, not a cache, not an environment.
fn is_project_folder(name: &str, path: &Path, excluded: &HashSet<PathBuf>) -> bool {
    {
        !(name.starts_with('.')
            || name == "__pycache__"
            || name == "node_modules"
            || path.join("pyvenv.cfg").is_file()
            || (!excluded.is_empty()
                && fs::canonicalize(path).is_ok_and(|canonical| excluded.contains(&canonical))))
    }
}

/// Every `.py`/`.pyi` file of a site-packages folder, sorted, at most `limit` of them. Only folders
/// that can be imported are walked (so no `*.dist-info`), plus top-level `*-stubs` packages.
pub fn collect_site_packages_files(site_packages: &Path, limit: usize) -> Vec<PathBuf> {
    walk_project_files(
        site_packages,
        limit,
        is_python_file_name,
        |name, _path, depth| {
            (is_python_identifier(name) && name != "__pycache__")
                || (depth == 0
                    && name
                        .strip_suffix("-stubs")
                        .is_some_and(is_python_identifier))
        },
    )
}

/// Walks `root` depth-first in name order. `walk_into(name, path, depth)` decides whether a
/// folder is entered; `depth` is 0 for the root's own children.
fn walk_project_files(
    root: &Path,
    limit: usize,
    keep_file: impl Fn(&str) -> bool,
    walk_into: impl Fn(&str, &Path, usize) -> bool,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    match fs::canonicalize(root) {
        Ok(canonical_root) => visited.insert(canonical_root),
        Err(_) => return files,
    };

    let mut stack = vec![(root.to_path_buf(), 0_usize)];
    'walk: while let Some((directory, depth)) = stack.pop() {
        let Ok(entries) = fs::read_dir(&directory) else {
            continue;
        };
        let mut entries: Vec<fs::DirEntry> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(fs::DirEntry::file_name);

        let mut subdirectories = Vec::new();
        for entry in entries {
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            let (is_directory, is_file) = if file_type.is_symlink() {
                match fs::metadata(&path) {
                    Ok(target) => (target.is_dir(), target.is_file()),
                    // A dangling link.
                    Err(_) => continue,
                }
            } else {
                (file_type.is_dir(), file_type.is_file())
            };
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str() else {
                continue;
            };

            if is_file {
                if keep_file(name) {
                    files.push(path);
                    if files.len() >= limit {
                        break 'walk;
                    }
                }
            } else if is_directory && walk_into(name, &path, depth) {
                let Ok(canonical) = fs::canonicalize(&path) else {
                    continue;
                };
                if visited.insert(canonical) {
                    subdirectories.push(path);
                }
            }
        }
        // Reversed so that the stack pops subdirectories in name order.
        stack.extend(
            subdirectories
                .into_iter()
                .rev()
                .map(|path| (path, depth + 1)),
        );
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use analysis::config::Confidence;
    use analysis::resolve::{ModuleResolver, ResolvedModule};

    use super::*;

    /// A fresh folder under the system temp folder, removed on drop.
    struct TestFolder {
        path: PathBuf,
    }

    impl TestFolder {
        fn new() -> TestFolder {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let unique = format!(
                "remedy-project-test-{}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |time| time.as_nanos())
            );
            let path = std::env::temp_dir().join(unique);
            fs::create_dir_all(&path).expect("the temp folder is writable");
            // Canonical, so that paths compare equal to those the walker derives (macOS /var -> /private/var).
            let path = fs::canonicalize(&path).expect("the folder was just created");
            TestFolder { path }
        }

        fn write(&self, relative: &str, text: &str) -> PathBuf {
            let path = self.path.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).expect("the temp folder is writable");
            }
            fs::write(&path, text).expect("the temp folder is writable");
            path
        }

        fn mkdir(&self, relative: &str) -> PathBuf {
            let path = self.path.join(relative);
            fs::create_dir_all(&path).expect("the temp folder is writable");
            path
        }
    }

    impl Drop for TestFolder {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.path);
        }
    }

    fn relative_names(folder: &TestFolder, files: &[PathBuf]) -> Vec<String> {
        files
            .iter()
            .map(|file| {
                file.strip_prefix(&folder.path)
                    .unwrap_or(file)
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    }

    fn root_kinds(layout: &ProjectLayout) -> Vec<(PathBuf, SearchRootKind)> {
        layout
            .search_roots
            .iter()
            .map(|root| (root.path.clone(), root.kind))
            .collect()
    }

    #[test]
    fn pyvenv_cfg_formats_are_understood() {
        let from_venv = parse_pyvenv_cfg(
            "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n",
        );
        assert_eq!(
            from_venv,
            PyvenvConfig {
                version: Some((3, 12)),
                home: Some(PathBuf::from("/usr/bin")),
                include_system_site_packages: false,
            }
        );
        let from_virtualenv = parse_pyvenv_cfg(
            "home = C:\\Python310\nversion_info = 3.10.12.final.0\ninclude-system-site-packages = True\n",
        );
        assert_eq!(from_virtualenv.version, Some((3, 10)));
        assert!(from_virtualenv.include_system_site_packages);
        assert_eq!(
            parse_pyvenv_cfg("garbage\nversion = banana\n=\n"),
            PyvenvConfig::default()
        );
    }

    #[test]
    fn a_dot_venv_with_pyvenv_cfg_is_found_with_its_site_packages() {
        let folder = TestFolder::new();
        folder.write(".venv/pyvenv.cfg", "home = /usr/bin\nversion = 3.12.3\n");
        let site_packages = folder.mkdir(".venv/lib/python3.12/site-packages");
        folder.write(
            ".venv/lib/python3.12/site-packages/requests/__init__.py",
            "",
        );
        folder.write("main.py", "import requests\n");

        let layout = discover(&folder.path, None, None);
        assert_eq!(layout.venv, Some(folder.path.join(".venv")));
        assert_eq!(layout.venv_python_version, Some((3, 12)));
        assert_eq!(layout.site_packages, vec![site_packages.clone()]);
        assert!(!layout.include_system_site_packages);
        assert_eq!(
            root_kinds(&layout),
            vec![
                (folder.path.clone(), SearchRootKind::Workspace),
                (site_packages, SearchRootKind::SitePackages)
            ]
        );
        assert!(layout.warnings.is_empty(), "{:?}", layout.warnings);
    }

    #[test]
    fn a_folder_without_pyvenv_cfg_is_not_a_venv_and_virtual_env_is_the_fallback() {
        let folder = TestFolder::new();
        folder.mkdir(".venv/lib/python3.12/site-packages");
        let elsewhere = TestFolder::new();
        elsewhere.write("pyvenv.cfg", "version = 3.11.2\n");
        elsewhere.mkdir("lib/python3.11/site-packages");

        assert_eq!(discover(&folder.path, None, None).venv, None);
        let layout = discover(&folder.path, None, Some(elsewhere.path.as_os_str()));
        assert_eq!(layout.venv, Some(elsewhere.path.clone()));
        assert_eq!(
            layout.site_packages,
            vec![elsewhere.path.join("lib/python3.11/site-packages")]
        );

        let layout = discover(&folder.path, None, Some(OsStr::new("/no/such/remedy/venv")));
        assert_eq!(layout.venv, None);
        assert_eq!(layout.warnings.len(), 1, "{:?}", layout.warnings);
    }

    #[test]
    fn the_configured_venv_wins_over_dot_venv_and_virtual_env() {
        let folder = TestFolder::new();
        folder.write(".venv/pyvenv.cfg", "version = 3.12.0\n");
        folder.write("envs/dev/pyvenv.cfg", "version = 3.9.0\n");
        folder.mkdir("envs/dev/lib/python3.9/site-packages");
        folder.write("remedy.toml", "venv = \"envs/dev\"\n");
        let other = TestFolder::new();
        other.write("pyvenv.cfg", "version = 3.8.0\n");

        let layout = discover(&folder.path, None, Some(other.path.as_os_str()));
        assert_eq!(layout.venv, Some(folder.path.join("envs/dev")));
        assert_eq!(layout.python_version(), Some((3, 9)));

        // `venv` also beats `$VIRTUAL_ENV` when found by name.
        fs::remove_file(folder.path.join("remedy.toml")).expect("the file exists");
        let layout = discover(&folder.path, None, Some(other.path.as_os_str()));
        assert_eq!(layout.venv, Some(folder.path.join(".venv")));

        // A configured venv that does not exist is reported, and discovery falls back.
        let settings = serde_json::json!({"remedy": {"venv": "missing"}});
        let layout = discover(&folder.path, Some(&settings), None);
        assert_eq!(layout.venv, Some(folder.path.join(".venv")));
        assert!(
            layout
                .warnings
                .iter()
                .any(|warning| warning.contains("is not a folder")),
            "{:?}",
            layout.warnings
        );
    }

    #[test]
    fn site_packages_are_globbed_when_the_version_is_unknown_and_windows_layouts_work() {
        let unknown = TestFolder::new();
        unknown.write("pyvenv.cfg", "home = /usr/bin\n");
        unknown.mkdir("lib/python3.13t/site-packages");
        unknown.mkdir("lib/python3.13t/not-site-packages");
        unknown.mkdir("lib/pypy3.10/site-packages");
        assert_eq!(
            find_site_packages(&unknown.path, None),
            vec![
                unknown.path.join("lib/pypy3.10/site-packages"),
                unknown.path.join("lib/python3.13t/site-packages")
            ]
        );

        let windows = TestFolder::new();
        windows.mkdir("Lib/site-packages");
        assert_eq!(
            find_site_packages(&windows.path, None),
            vec![windows.path.join("Lib/site-packages")]
        );
    }

    #[cfg(unix)]
    #[test]
    fn lib64_linked_to_lib_counts_once() {
        let folder = TestFolder::new();
        folder.mkdir("lib/python3.12/site-packages");
        std::os::unix::fs::symlink(folder.path.join("lib"), folder.path.join("lib64"))
            .expect("symlinks work");
        assert_eq!(
            find_site_packages(&folder.path, Some((3, 12))),
            vec![folder.path.join("lib/python3.12/site-packages")]
        );
    }

    #[test]
    fn system_site_packages_are_noted_not_searched() {
        let folder = TestFolder::new();
        folder.write(
            ".venv/pyvenv.cfg",
            "include-system-site-packages = true\nversion = 3.12.0\n",
        );
        folder.mkdir(".venv/lib/python3.12/site-packages");
        let layout = discover(&folder.path, None, None);
        assert!(layout.include_system_site_packages);
        assert_eq!(layout.warnings.len(), 1, "{:?}", layout.warnings);
        assert!(layout.warnings[0].contains("system site-packages"));
        assert_eq!(layout.site_packages.len(), 1);
    }

    #[test]
    fn src_layout_adds_a_src_root_only_when_it_holds_python() {
        let folder = TestFolder::new();
        folder.write("src/pkg/__init__.py", "");
        let layout = discover(&folder.path, None, None);
        assert_eq!(
            root_kinds(&layout),
            vec![
                (folder.path.clone(), SearchRootKind::Workspace),
                (folder.path.join("src"), SearchRootKind::Src)
            ]
        );

        let javascript = TestFolder::new();
        javascript.write("src/index.js", "");
        assert_eq!(discover(&javascript.path, None, None).search_roots.len(), 1);

        let package_named_src = TestFolder::new();
        package_named_src.write("src/__init__.py", "");
        package_named_src.write("src/app.py", "");
        assert_eq!(
            discover(&package_named_src.path, None, None)
                .search_roots
                .len(),
            1
        );
    }

    #[test]
    fn remedy_toml_wins_over_pyproject_and_client_settings_overlay_both() {
        let folder = TestFolder::new();
        folder.write(
            "pyproject.toml",
            "[tool.remedy]\nmin_confidence = \"definite\"\n",
        );
        let layout = discover(&folder.path, None, None);
        assert_eq!(layout.config.min_confidence, Confidence::Definite);
        assert_eq!(
            layout.config_source,
            Some(folder.path.join("pyproject.toml"))
        );

        let remedy_toml = folder.write("remedy.toml", "min_confidence = \"likely\"\nbogus = 1\n");
        let layout = discover(&folder.path, None, None);
        assert_eq!(layout.config.min_confidence, Confidence::Likely);
        assert_eq!(layout.config_source, Some(remedy_toml.clone()));
        assert_eq!(layout.config_errors.len(), 1);
        assert_eq!(layout.config_errors[0].0, remedy_toml);
        assert_eq!(
            layout.config_errors[0].1.message,
            "Unknown key `bogus` in remedy.toml"
        );

        let settings =
            serde_json::json!({"remedy": {"min_confidence": "possible", "frobnicate": true}});
        let layout = discover(&folder.path, Some(&settings), None);
        assert_eq!(layout.config.min_confidence, Confidence::Possible);
        assert_eq!(
            layout.warnings,
            vec!["Unknown client setting `frobnicate`".to_owned()]
        );
    }

    #[test]
    fn a_pyproject_without_the_table_is_no_config_source() {
        let folder = TestFolder::new();
        folder.write("pyproject.toml", "[project]\nname = \"demo\"\n");
        let layout = discover(&folder.path, None, None);
        assert_eq!(layout.config_source, None);
        assert_eq!(layout.config, Config::default());
        assert!(layout.config_errors.is_empty());
    }

    #[test]
    fn extra_paths_become_roots_and_missing_ones_are_reported() {
        let folder = TestFolder::new();
        folder.mkdir("vendor");
        folder.write("remedy.toml", "extra_paths = [\"vendor\", \"missing\"]\n");
        let layout = discover(&folder.path, None, None);
        assert_eq!(
            root_kinds(&layout),
            vec![
                (folder.path.clone(), SearchRootKind::Workspace),
                (folder.path.join("vendor"), SearchRootKind::Extra)
            ]
        );
        assert_eq!(layout.warnings.len(), 1, "{:?}", layout.warnings);
        assert!(layout.warnings[0].contains("missing"));
    }

    #[test]
    fn pth_files_add_editable_install_folders() {
        let folder = TestFolder::new();
        folder.write(".venv/pyvenv.cfg", "version = 3.12.0\n");
        let site_packages = folder.mkdir(".venv/lib/python3.12/site-packages");
        let sibling = TestFolder::new();
        sibling.write("libpkg/__init__.py", "");
        folder.write(
            ".venv/lib/python3.12/site-packages/_editable.pth",
            &format!(
                "# comment\nimport sys; sys.path.append('x')\n{}\n/no/such/folder\n",
                sibling.path.display()
            ),
        );
        // An editable install of the workspace itself adds nothing new.
        folder.write(
            ".venv/lib/python3.12/site-packages/_self.pth",
            &format!("{}\n", folder.path.display()),
        );

        let layout = discover(&folder.path, None, None);
        assert_eq!(
            root_kinds(&layout),
            vec![
                (folder.path.clone(), SearchRootKind::Workspace),
                (site_packages, SearchRootKind::SitePackages),
                (sibling.path.clone(), SearchRootKind::SitePackages),
            ]
        );
    }

    #[test]
    fn collection_skips_tooling_folders_and_is_sorted() {
        let folder = TestFolder::new();
        for file in [
            "b.py",
            "a.pyi",
            "pkg/__init__.py",
            "pkg/mod.py",
            "pkg/data.json",
            "pkg/__pycache__/mod.cpython-312.pyc",
            "pkg/__pycache__/stray.py",
            ".git/hooks/x.py",
            ".venv/lib/python3.12/site-packages/dep.py",
            "node_modules/pkg/x.py",
            "env/pyvenv.cfg",
            "env/lib/python3.12/site-packages/dep.py",
            "tools-dir/script.py",
        ] {
            folder.write(file, "");
        }
        let files = collect_python_files(&folder.path, &[folder.path.join(".venv")], 100);
        assert_eq!(
            relative_names(&folder, &files),
            vec![
                "a.pyi",
                "b.py",
                "pkg/__init__.py",
                "pkg/mod.py",
                "tools-dir/script.py"
            ]
        );

        let limited = collect_python_files(&folder.path, &[], 2);
        assert_eq!(relative_names(&folder, &limited), vec!["a.pyi", "b.py"]);
        assert_eq!(
            collect_python_files(&folder.path.join("no-such-folder"), &[], 10),
            Vec::<PathBuf>::new()
        );
    }

    #[test]
    fn an_excluded_venv_without_pyvenv_cfg_is_skipped() {
        let folder = TestFolder::new();
        folder.write("conda-env/lib/site.py", "");
        folder.write("app.py", "");
        let files = collect_python_files(&folder.path, &[folder.path.join("conda-env")], 100);
        assert_eq!(relative_names(&folder, &files), vec!["app.py"]);
    }

    #[test]
    fn site_packages_collection_walks_only_importable_folders() {
        let folder = TestFolder::new();
        for file in [
            "requests/__init__.py",
            "requests/api.py",
            "requests-2.31.0.dist-info/x.py",
            "foo-stubs/__init__.pyi",
            "foo/bar-stubs/x.pyi",
            "six.py",
            "requests/__pycache__/api.py",
        ] {
            folder.write(file, "");
        }
        let files = collect_site_packages_files(&folder.path, 100);
        assert_eq!(
            relative_names(&folder, &files),
            vec![
                "foo-stubs/__init__.pyi",
                "requests/__init__.py",
                "requests/api.py",
                "six.py"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_terminates_and_files_are_not_repeated() {
        let folder = TestFolder::new();
        folder.write("pkg/mod.py", "");
        folder.write("pkg/inner/deep.py", "");
        std::os::unix::fs::symlink(&folder.path, folder.path.join("pkg/inner/loop"))
            .expect("symlinks work");
        std::os::unix::fs::symlink(folder.path.join("pkg"), folder.path.join("pkg_alias"))
            .expect("symlinks work");
        let files = collect_python_files(&folder.path, &[], 1000);
        assert_eq!(
            relative_names(&folder, &files),
            vec!["pkg/inner/deep.py", "pkg/mod.py"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn dangling_symlinks_are_skipped_and_linked_files_are_kept() {
        let folder = TestFolder::new();
        folder.write("real.py", "");
        std::os::unix::fs::symlink(
            folder.path.join("missing.py"),
            folder.path.join("dangling.py"),
        )
        .expect("symlinks work");
        std::os::unix::fs::symlink(
            folder.path.join("missing_dir"),
            folder.path.join("dangling_dir"),
        )
        .expect("symlinks work");
        std::os::unix::fs::symlink(folder.path.join("real.py"), folder.path.join("alias.py"))
            .expect("symlinks work");
        let files = collect_python_files(&folder.path, &[], 100);
        assert_eq!(relative_names(&folder, &files), vec!["alias.py", "real.py"]);
    }

    #[test]
    fn a_discovered_project_resolves_imports_end_to_end() {
        let folder = TestFolder::new();
        folder.write(".venv/pyvenv.cfg", "version = 3.12.0\n");
        folder.write(
            ".venv/lib/python3.12/site-packages/requests/__init__.py",
            "",
        );
        folder.write(
            ".venv/lib/python3.12/site-packages/requests-stubs/__init__.pyi",
            "",
        );
        folder.write("src/app/__init__.py", "");
        folder.write("src/app/main.py", "from . import util\nimport requests\n");
        folder.write("src/app/util.py", "");

        let layout = discover(&folder.path, None, None);
        let files = layout.collect_all_python_files(10_000);
        assert_eq!(files.len(), 5, "{files:?}");
        let resolver = ModuleResolver::new(layout.search_roots.clone(), files);
        let main = folder.path.join("src/app/main.py");
        assert_eq!(resolver.module_name(&main).as_deref(), Some("app.main"));
        assert_eq!(
            resolver.resolve(&main, 0, "requests"),
            Some(ResolvedModule::File {
                path: folder
                    .path
                    .join(".venv/lib/python3.12/site-packages/requests-stubs/__init__.pyi"),
                is_package: true,
                is_stub: true,
            })
        );
        let package = resolver
            .resolve(&main, 1, "")
            .expect("the importing file's package resolves");
        assert_eq!(
            resolver.resolve_submodule(&package, "util"),
            Some(ResolvedModule::File {
                path: folder.path.join("src/app/util.py"),
                is_package: false,
                is_stub: false
            })
        );
    }
}
