//! Anchored origins: the provenance other files read, stated so that edits which only
//! move code leave it equal (see [`Origin`] and [`Anchor`]).
//!
//! A file is cut into regions that edits elsewhere move as one piece: the inside of each
//! scope defined at the top level, and the module code between them.
//!
//! ```python
//! import os              # region 0: module code before the first top-level scope
//! def scale(value):      # region 1: inside `scale`
//!     return value * 2
//! LIMIT = 10             # region 2: module code between `scale` and `Record`
//! class Record:          # region 3: inside `Record`
//!     def total(self):
//!         return self.left + self.right
//! ```
//!
//! An anchored origin counts its range from its region's start and names its branch by
//! position among the branches whose header starts in the region (0 is the module's
//! body). A line inserted into `scale` moves `Record` and everything in it, but the
//! anchored origin of `self.left + self.right` stays (region 3, the same offsets, the
//! same branch position), so a summary holding it comes out equal and salsa backdates it.
//!
//! [`OriginAnchors::anchor`] and [`OriginAnchors::resolve`] are inverse for the same
//! revision of the file: a memo holding anchored origins is only reused when the value
//! computed now would be equal, so resolving it against the current index gives the
//! coordinates a fresh run would have.

use line_index::{TextRange, TextSize};

use crate::db::Db;
use crate::index::{BranchId, FileIndex, file_index};
use crate::input::SourceFile;
use crate::values::{Anchor, Origin};

/// The regions of one file (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginAnchors {
    /// The start of each region, in order; a region ends where the next starts, the last
    /// at `end`.
    starts: Vec<TextSize>,
    end: TextSize,
    /// Per region: the branches whose header starts in it, by ascending id.
    branches: Vec<Vec<BranchId>>,
    module_body: BranchId,
}

/// The regions of `file`'s current index.
#[salsa::tracked(returns(ref))]
pub fn origin_anchors(db: &dyn Db, file: SourceFile) -> OriginAnchors {
    OriginAnchors::new(file_index(db, file), TextSize::of(&**file.text(db)))
}

impl OriginAnchors {
    pub(super) fn new(index: &FileIndex, end: TextSize) -> OriginAnchors {
        // Top-level scopes by start; one nested in another (a lambda in the default of a
        // `def`) belongs to the outer one's region.
        let mut top_level: Vec<TextRange> = index
            .scopes
            .iter()
            .filter(|scope| scope.parent == Some(FileIndex::MODULE_SCOPE))
            .map(|scope| scope.range)
            .collect();
        top_level.sort_by_key(|range| (range.start(), std::cmp::Reverse(range.end())));
        let mut starts = vec![TextSize::from(0)];
        let mut last_end = TextSize::from(0);
        for range in top_level {
            if range.start() < last_end || range.end() > end {
                continue;
            }
            starts.push(range.start());
            starts.push(range.end());
            last_end = range.end();
        }
        let mut branches = vec![Vec::new(); starts.len()];
        for (id, branch) in index.branches.iter().enumerate() {
            let region = region_containing(&starts, branch.header_range.start());
            branches[region].push(BranchId(id as u32));
        }
        OriginAnchors {
            starts,
            end,
            branches,
            module_body: index.scope(FileIndex::MODULE_SCOPE).body_branch,
        }
    }

    fn region_end(&self, region: usize) -> TextSize {
        self.starts.get(region + 1).copied().unwrap_or(self.end)
    }

    pub(super) fn region_count(&self) -> usize {
        self.starts.len()
    }

    /// The region holding `offset` (the last starting at or before it).
    pub(super) fn region_of(&self, offset: TextSize) -> usize {
        region_containing(&self.starts, offset)
    }

    pub(super) fn region_range(&self, region: usize) -> TextRange {
        TextRange::new(self.starts[region], self.region_end(region))
    }

    /// `origin` (of this anchors' file) anchored to the region holding it; unchanged
    /// when it is anchored already, or when its range or branch is not inside one region
    /// (a branch header in module code that encloses a top-level scope), which only
    /// costs reuse.
    pub fn anchor(&self, origin: Origin) -> Origin {
        if origin.anchor.is_some() {
            return origin;
        }
        let region = region_containing(&self.starts, origin.range.start());
        let anchored = self.anchor_in(origin, region).or_else(|| {
            // An empty range where a region ends (a function's implicit `return None`)
            // also starts the next one: it belongs to the region its branch is in.
            (region > 0 && origin.range.start() == self.starts[region])
                .then(|| self.anchor_in(origin, region - 1))
                .flatten()
        });
        anchored.unwrap_or(origin)
    }

    fn anchor_in(&self, origin: Origin, region: usize) -> Option<Origin> {
        if origin.range.end() > self.region_end(region) {
            return None;
        }
        let branch = if origin.branch == self.module_body {
            BranchId(0)
        } else {
            match self.branches[region].binary_search(&origin.branch) {
                Ok(position) => BranchId(position as u32 + 1),
                Err(_) => return None,
            }
        };
        let start = self.starts[region];
        Some(Origin {
            file: origin.file,
            range: TextRange::new(origin.range.start() - start, origin.range.end() - start),
            branch,
            anchor: Some(Anchor::region(region)),
        })
    }

    /// The coordinates of an anchored `origin` of this anchors' file; others unchanged.
    pub fn resolve(&self, origin: Origin) -> Origin {
        let Some(anchor) = origin.anchor else {
            return origin;
        };
        let region = anchor.index();
        // The anchored origin equals one `anchor` made from the current index (see the
        // module docs), so the region and branch exist; out of range would be a bug,
        // answered with the start of the file rather than a panic.
        let (Some(&start), Some(branches)) = (self.starts.get(region), self.branches.get(region))
        else {
            return Origin {
                range: TextRange::empty(TextSize::from(0)),
                branch: self.module_body,
                anchor: None,
                ..origin
            };
        };
        let branch = match origin.branch.0 {
            0 => self.module_body,
            position => branches
                .get(position as usize - 1)
                .copied()
                .unwrap_or(self.module_body),
        };
        Origin {
            file: origin.file,
            range: origin.range + start,
            branch,
            anchor: None,
        }
    }
}

/// The last region starting at or before `offset`.
fn region_containing(starts: &[TextSize], offset: TextSize) -> usize {
    starts
        .partition_point(|start| *start <= offset)
        .saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::db::RootDatabase;

    const SOURCE: &str = "\
import os
def scale(value):
    if value:
        return value * 2
    return 0
LIMIT = 10 if os else 20
class Record:
    def total(self):
        if self.left:
            return self.left + self.right
";

    #[test]
    fn anchoring_and_resolving_are_inverse_and_survive_a_move() {
        let db = RootDatabase::default();
        let file = SourceFile::new(&db, Arc::from(Path::new("/a.py")), Arc::from(SOURCE));
        let moved_source = SOURCE.replace(
            "    return 0\n",
            "    if value:\n        pass\n    return 0\n",
        );
        let moved_file = SourceFile::new(
            &db,
            Arc::from(Path::new("/b.py")),
            Arc::from(moved_source.as_str()),
        );
        let index = file_index(&db, file);
        let anchors = origin_anchors(&db, file);
        // Regions: before `scale`, `scale`, between, `Record`, after.
        assert_eq!(anchors.starts.len(), 5);
        let moved_index = file_index(&db, moved_file);
        let moved_anchors = origin_anchors(&db, moved_file);

        // Every branch's header, as an origin, comes back from anchoring and resolving;
        // those below the edit (whose ids and offsets the added `if` moved) anchor to the
        // same value before and after it.
        let below = SOURCE.find("LIMIT").expect("the fixture binds LIMIT") as u32;
        let mut compared = 0;
        for (id, branch) in index.branches.iter().enumerate() {
            let origin = Origin {
                file,
                range: branch.header_range,
                branch: BranchId(id as u32),
                anchor: None,
            };
            let anchored = anchors.anchor(origin);
            assert_eq!(anchors.resolve(anchored), origin);
            if u32::from(branch.header_range.start()) < below {
                continue;
            }
            assert!(anchored.anchor.is_some(), "{origin:?}");
            let moved_id = moved_index
                .branches
                .iter()
                .position(|candidate| {
                    candidate.header == branch.header
                        && candidate.kind == branch.kind
                        && candidate.header_range.len() == branch.header_range.len()
                        && candidate.header_range.start() > TextSize::from(below)
                })
                .expect("the branch is still there");
            assert_ne!(moved_id, id, "the edit added a branch above");
            let moved = Origin {
                file: moved_file,
                range: moved_index.branches[moved_id].header_range,
                branch: BranchId(moved_id as u32),
                anchor: None,
            };
            let moved_anchored = moved_anchors.anchor(moved);
            assert_eq!(
                (
                    moved_anchored.range,
                    moved_anchored.branch,
                    moved_anchored.anchor
                ),
                (anchored.range, anchored.branch, anchored.anchor)
            );
            assert_eq!(
                moved_anchors.resolve(Origin {
                    file: moved_file,
                    ..anchored
                }),
                moved
            );
            compared += 1;
        }
        assert!(
            compared >= 4,
            "the conditional, `Record`, `total` and its `if`: {compared}"
        );
    }
}
