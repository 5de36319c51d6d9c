//! The only things the outside world sets: file texts, the workspace layout and settings.
//!
//! A [`SourceFile`] keeps, beside its text, a [`ParseBase`]: the previous tree already
//! adjusted with `Tree::edit` for the latest edits. The `parse` query hands it to
//! tree-sitter so a one-character edit reparses in well under a millisecond instead of a
//! full parse.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::config::Config;
use crate::parse::ParseBase;
use crate::resolve::SearchRoot;

/// One Python source file known to the analysis (open in the editor or found on disk).
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: Arc<Path>,
    #[returns(ref)]
    pub text: Arc<str>,
    /// What the next parse starts from (by default: nothing, a parse from scratch).
    #[default]
    #[returns(ref)]
    pub parse_base: ParseBase,
    /// Whether this file's scope inference keeps what survives edits elsewhere in the
    /// file, whatever [`Settings::reuse_across_edits`] says: a server turns it on for
    /// the files the user types in, and only their inference runs again (see
    /// `infer::inputs::reuse_across_edits`).
    #[default]
    pub reuse_across_edits: bool,
}

/// The set of known files and where modules are searched for.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub search_roots: Vec<SearchRoot>,
    #[returns(ref)]
    pub files: Arc<BTreeMap<Arc<Path>, SourceFile>>,
}

/// User settings; kept apart from [`Workspace`] so a settings change does not
/// invalidate module resolution.
#[salsa::input(debug)]
pub struct Settings {
    #[returns(ref)]
    pub config: Config,
    /// Whether scope inference keeps what makes it valid across edits elsewhere in its
    /// file, for every file (see `infer::inputs`; [`SourceFile::reuse_across_edits`]
    /// turns it on for one). An input, so that turning it on or off re-runs the
    /// inference it changes.
    pub reuse_across_edits: bool,
}
