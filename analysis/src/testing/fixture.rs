//! The fixture language of unit tests: several Python files and a cursor in one Rust string.
//!
//! ```text
//! #- /pkg/__init__.py
//! #- /pkg/util.py
//! def greet(name): ...
//! #- /main.py
//! from pkg.util import greet
//! gr$0eet("world")
//! ```
//!
//! - A line `#- /path.py` starts a file; without any header the whole text is `/main.py`.
//! - `$0` marks the cursor and is removed from the text. [`Fixture::parse`] wants exactly
//!   one; [`fixture_files`] leaves `$0` alone (for fixtures that only carry expectations).
//! - The fixture is dedented by its common indentation and one leading newline is dropped,
//!   so a fixture can follow the indentation of the Rust code around it.
//!
//! Files live under the virtual root `/`, which is the single `Workspace` search root.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use line_index::TextSize;

use crate::api::{Analysis, AnalysisHost, Change, FileId};
use crate::resolve::{SearchRoot, SearchRootKind};

/// The cursor marker of fixtures.
pub const CURSOR_MARKER: &str = "$0";
/// The prefix of a line that starts a new file.
pub const FILE_HEADER_PREFIX: &str = "#- ";
/// The path of the only file of a fixture without headers.
pub const DEFAULT_FIXTURE_PATH: &str = "/main.py";
/// The virtual root every fixture file lives under.
pub const FIXTURE_ROOT: &str = "/";

/// One file of a fixture, its text as written (after dedenting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureFile {
    pub path: PathBuf,
    pub text: String,
}

/// A position in a fixture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilePosition {
    pub file: FileId,
    pub offset: TextSize,
}

/// What is wrong with a fixture, as one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError(pub String);

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parsed fixture: a host holding its files and the cursor position.
pub struct Fixture {
    pub host: AnalysisHost,
    pub position: FilePosition,
    /// Every file of the fixture by path.
    pub files: BTreeMap<PathBuf, FileId>,
}

impl Fixture {
    /// Parses `fixture`, which must hold exactly one `$0`.
    ///
    /// Panics with a message naming the mistake when the fixture is malformed: fixtures
    /// are written by test authors, never by users.
    pub fn parse(fixture: &str) -> Fixture {
        Fixture::try_parse(fixture).unwrap_or_else(|error| panic!("{error}"))
    }

    /// Parses `fixture`, which must hold exactly one `$0`.
    pub fn try_parse(fixture: &str) -> Result<Fixture, FixtureError> {
        let mut files = fixture_files(fixture)?;
        let mut cursor: Option<(PathBuf, TextSize)> = None;
        for file in &mut files {
            let Some(offset) = file.text.find(CURSOR_MARKER) else {
                continue;
            };
            if cursor.is_some() || file.text[offset + CURSOR_MARKER.len()..].contains(CURSOR_MARKER)
            {
                return Err(FixtureError(format!(
                    "a fixture holds exactly one `{CURSOR_MARKER}` cursor; found more"
                )));
            }
            file.text
                .replace_range(offset..offset + CURSOR_MARKER.len(), "");
            cursor = Some((file.path.clone(), text_size(offset)));
        }
        let Some((cursor_path, cursor_offset)) = cursor else {
            return Err(FixtureError(format!(
                "a fixture holds exactly one `{CURSOR_MARKER}` cursor; found none"
            )));
        };
        let (host, files) = host_with_files(&files);
        let position = FilePosition {
            file: files[&cursor_path],
            offset: cursor_offset,
        };
        Ok(Fixture {
            host,
            position,
            files,
        })
    }

    pub fn analysis(&self) -> Analysis {
        self.host.analysis()
    }

    /// The file at `path`; panics when the fixture has no such file.
    pub fn file(&self, path: &str) -> FileId {
        match self.files.get(Path::new(path)) {
            Some(&file) => file,
            None => panic!(
                "the fixture has no file `{path}`; it has {:?}",
                self.files.keys().collect::<Vec<_>>()
            ),
        }
    }
}

/// A host holding `files` under the virtual root `/`, and their ids by path.
pub fn host_with_files(files: &[FixtureFile]) -> (AnalysisHost, BTreeMap<PathBuf, FileId>) {
    let mut host = AnalysisHost::new();
    let mut change = Change {
        search_roots: Some(vec![SearchRoot {
            path: PathBuf::from(FIXTURE_ROOT),
            kind: SearchRootKind::Workspace,
        }]),
        ..Change::default()
    };
    for file in files {
        change.set_file(Arc::<Path>::from(file.path.as_path()), file.text.as_str());
    }
    host.apply_change(change);
    let ids = files
        .iter()
        .map(|file| {
            let id = host
                .file_id(&file.path)
                .expect("every fixture file was set in the change applied above");
            (file.path.clone(), id)
        })
        .collect();
    (host, ids)
}

/// Splits `fixture` into its files at the `#- /path` headers, without touching `$0`.
///
/// A header repeating a path or naming a relative path is an error, and so is text other
/// than blank lines before the first header.
pub fn fixture_files(fixture: &str) -> Result<Vec<FixtureFile>, FixtureError> {
    let text = dedent(fixture);
    let has_headers = text
        .lines()
        .any(|line| line.trim_start().starts_with(FILE_HEADER_PREFIX));
    if !has_headers {
        return Ok(vec![FixtureFile {
            path: PathBuf::from(DEFAULT_FIXTURE_PATH),
            text,
        }]);
    }
    let mut files: Vec<FixtureFile> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.trim_start().strip_prefix(FILE_HEADER_PREFIX) {
            let path = path.trim();
            if !path.starts_with('/') {
                return Err(FixtureError(format!(
                    "fixture paths are absolute under the virtual root: `{path}`"
                )));
            }
            if files.iter().any(|file| file.path == Path::new(path)) {
                return Err(FixtureError(format!("the fixture names `{path}` twice")));
            }
            files.push(FixtureFile {
                path: PathBuf::from(path),
                text: String::new(),
            });
            continue;
        }
        match files.last_mut() {
            Some(file) => file.text.push_str(line),
            None if line.trim().is_empty() => {}
            None => {
                return Err(FixtureError(format!(
                    "text before the first `{FILE_HEADER_PREFIX}` header: {line:?}"
                )));
            }
        }
    }
    Ok(files)
}

/// Drops one leading newline and the indentation common to every non-blank line.
fn dedent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            // Blank lines may be shorter than the indentation; keep only their newline.
            if line.ends_with('\n') {
                out.push('\n');
            }
        } else {
            out.push_str(&line[indent..]);
        }
    }
    out
}

fn text_size(offset: usize) -> TextSize {
    // Invariant: fixtures are small test strings, far below 4 GiB.
    TextSize::from(u32::try_from(offset).expect("fixture texts are shorter than 4 GiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_file_without_header_is_main_py() {
        let fixture = Fixture::parse("x = 1\nprint(x$0)\n");
        assert_eq!(fixture.files.len(), 1);
        let main = fixture.file("/main.py");
        assert_eq!(fixture.position.file, main);
        assert_eq!(fixture.position.offset, TextSize::from(13));
        assert_eq!(&*fixture.host.file_text(main), "x = 1\nprint(x)\n");
    }

    #[test]
    fn headers_start_files_and_the_cursor_can_be_in_any() {
        let fixture = Fixture::parse(
            r#"
#- /pkg/__init__.py
#- /pkg/util.py
def greet(name):
    return name
#- /main.py
from pkg.util import greet
gr$0eet("world")
"#,
        );
        let paths: Vec<&Path> = fixture.files.keys().map(PathBuf::as_path).collect();
        assert_eq!(
            paths,
            [
                Path::new("/main.py"),
                Path::new("/pkg/__init__.py"),
                Path::new("/pkg/util.py")
            ]
        );
        assert_eq!(
            &*fixture.host.file_text(fixture.file("/pkg/__init__.py")),
            ""
        );
        assert_eq!(
            &*fixture.host.file_text(fixture.file("/pkg/util.py")),
            "def greet(name):\n    return name\n"
        );
        let main = fixture.file("/main.py");
        assert_eq!(fixture.position.file, main);
        let text = fixture.host.file_text(main);
        assert_eq!(&*text, "from pkg.util import greet\ngreet(\"world\")\n");
        assert_eq!(
            &text[u32::from(fixture.position.offset) as usize..][..5],
            "eet(\""
        );
    }

    #[test]
    fn fixtures_are_dedented_keeping_relative_indentation() {
        let fixture = Fixture::parse(
            "
            def f():

                return $01
            ",
        );
        let text = fixture.host.file_text(fixture.position.file);
        assert_eq!(&*text, "def f():\n\n    return 1\n");
        assert_eq!(fixture.position.offset, TextSize::from(21));
    }

    #[test]
    fn the_analysis_sees_the_files_under_the_workspace_root() {
        let fixture = Fixture::parse(
            r#"
#- /lib.py
def compute(x):
    return x
#- /main.py
from lib import compute
comp$0ute(1)
"#,
        );
        let analysis = fixture.analysis();
        assert_eq!(analysis.files().len(), 2);
        let hover = analysis
            .hover(fixture.position.file, fixture.position.offset)
            .expect("no concurrent writer")
            .expect("a name is under the cursor");
        assert!(hover.markdown.contains("compute"), "{}", hover.markdown);
    }

    #[test]
    fn fixture_files_leaves_the_cursor_marker_alone() {
        let files = fixture_files("#- /a.py\nx = '$0'\n");
        assert_eq!(
            files,
            Ok(vec![FixtureFile {
                path: PathBuf::from("/a.py"),
                text: "x = '$0'\n".to_owned()
            }])
        );
    }

    #[test]
    fn malformed_fixtures_are_rejected_with_a_reason() {
        let error = |fixture: &str| match Fixture::try_parse(fixture) {
            Ok(_) => panic!("{fixture:?} was accepted"),
            Err(error) => error.0,
        };
        assert_eq!(
            error("x = 1\n"),
            "a fixture holds exactly one `$0` cursor; found none"
        );
        assert_eq!(
            error("#- /a.py\n$0\n#- /b.py\n$0\n"),
            "a fixture holds exactly one `$0` cursor; found more"
        );
        assert_eq!(
            error("x = $0 + $0\n"),
            "a fixture holds exactly one `$0` cursor; found more"
        );
        assert_eq!(
            error("#- a.py\n$0\n"),
            "fixture paths are absolute under the virtual root: `a.py`"
        );
        assert_eq!(
            error("#- /a.py\n$0\n#- /a.py\n"),
            "the fixture names `/a.py` twice"
        );
        assert_eq!(
            error("x = 1\n#- /a.py\n$0\n"),
            "text before the first `#- ` header: \"x = 1\\n\""
        );
    }
}
