//! Verification: a candidate patch is applied to a scratch copy of the database and kept
//! only when every patched file still parses as well as before, the findings it targets
//! are gone and no other finding at or above the threshold appears.

use std::path::Path;
use std::sync::Arc;

use line_index::TextRange;
use rustc_hash::FxHashMap;

use super::{Applicability, Fix, apply_edits, candidate_fixes, reported_findings, suppression_fix};
use crate::config::Confidence;
use crate::db::{Db, RootDatabase};
use crate::ide;
use crate::input::SourceFile;
use crate::rules::{Finding, file_findings};
use crate::text_edit::TextEdit;

/// How many candidates are verified per finding before giving up on it.
const CANDIDATES_PER_FINDING: usize = 6;

/// The verified patches for the findings of `file` overlapping `range`, best first per
/// finding (the first is `preferred`), then one suppression per finding.
pub fn verified_fixes(db: &dyn Db, file: SourceFile, range: TextRange) -> Vec<Fix> {
    let findings: Vec<&Finding> = reported_findings(db, file)
        .into_iter()
        .filter(|finding| {
            finding.range.start() <= range.end() && range.start() <= finding.range.end()
        })
        .collect();
    let mut verifier = Verifier::new(db);
    let mut fixes = Vec::new();
    for finding in &findings {
        fixes.extend(verifier.verified_for(file, finding));
    }
    for finding in &findings {
        fixes.push(suppression_fix(db, file, &finding.rule, finding.range));
    }
    fixes
}

/// Verified patches for a crash a traceback located: the findings of `rule` (or a rule
/// it specialises, or one specialising it) on `line`, whatever their confidence.
pub fn fixes_for_crash(db: &dyn Db, file: SourceFile, rule: &str, line: TextRange) -> Vec<Fix> {
    let related = |finding: &Finding| {
        let parent = crate::rules::rule_metadata(&finding.rule).and_then(|m| m.parent.as_deref());
        let rule_parent = crate::rules::rule_metadata(rule).and_then(|m| m.parent.as_deref());
        finding.rule == rule || parent == Some(rule) || rule_parent == Some(finding.rule.as_str())
    };
    let findings: Vec<&Finding> = file_findings(db, file)
        .iter()
        .filter(|finding| {
            related(finding)
                && finding.range.start() <= line.end()
                && line.start() <= finding.range.end()
        })
        .collect();
    let mut fixes = Vec::new();
    for finding in findings {
        let mut verifier = Verifier::new(db);
        verifier.min_confidence = verifier.min_confidence.min(finding.confidence);
        fixes.extend(verifier.verified_for(file, finding));
    }
    fixes
}

/// The edits of one round of "fix all" for `file`: the preferred verified patch of each
/// finding, safe ones only unless `include_unsafe`, without overlaps, verified together.
pub fn fix_all_edits(db: &dyn Db, file: SourceFile, include_unsafe: bool) -> Vec<TextEdit> {
    let path = file.path(db).clone();
    let mut verifier = Verifier::new(db);
    let mut chosen: Vec<(Fix, Key)> = Vec::new();
    for finding in reported_findings(db, file) {
        let usable = |fix: &Fix| match fix.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => include_unsafe,
            Applicability::DisplayOnly => false,
        };
        let Some(fix) = verifier
            .verified_for(file, finding)
            .into_iter()
            .find(|fix| usable(fix) && fix.edits.iter().all(|edits| edits.path == path))
        else {
            continue;
        };
        let overlaps = chosen.iter().any(|(taken, _)| {
            taken.edits[0].edits.iter().any(|a| {
                fix.edits[0].edits.iter().any(|b| {
                    a.range.start() < b.range.end() && b.range.start() < a.range.end()
                        || a.range.start() == b.range.start()
                })
            })
        });
        if !overlaps {
            chosen.push((fix, key_of(&finding.rule, &finding.message)));
        }
    }
    let combine = |fixes: &[(Fix, Key)]| -> Vec<TextEdit> {
        let mut edits: Vec<TextEdit> = fixes
            .iter()
            .flat_map(|(fix, _)| fix.edits[0].edits.iter().cloned())
            .collect();
        edits.sort_by_key(|edit| (edit.range.start(), edit.range.end()));
        edits
    };
    let all = combine(&chosen);
    if chosen.len() > 1 {
        let targets: Vec<Key> = chosen.iter().map(|(_, key)| key.clone()).collect();
        let patched = [(path.clone(), all.clone())];
        if !verifier.accepts(&patched, &path, &targets) {
            // Patches that are fine alone may clash together: keep the first, the next
            // round re-analyses and continues.
            return combine(&chosen[..1]);
        }
    }
    all
}

/// A finding's identity across a patch: its rule and message, without line numbers
/// (inserted lines shift them).
type Key = (String, String);

fn key_of(rule: &str, message: &str) -> Key {
    (rule.to_owned(), strip_line_numbers(message))
}

fn strip_line_numbers(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.char_indices().peekable();
    let bytes = message.as_bytes();
    while let Some((at, c)) = chars.next() {
        let starts_word = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        if c == 'L' && starts_word && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
            while chars.peek().is_some_and(|(_, next)| next.is_ascii_digit()) {
                chars.next();
            }
            out.push_str("L#");
            continue;
        }
        out.push(c);
    }
    out
}

struct Verifier<'a> {
    db: &'a dyn Db,
    /// Findings below this confidence are ignored on both sides of the comparison.
    min_confidence: Confidence,
    scratch: Option<RootDatabase>,
    before: FxHashMap<Arc<Path>, Vec<Key>>,
}

impl<'a> Verifier<'a> {
    fn new(db: &'a dyn Db) -> Self {
        Verifier {
            db,
            min_confidence: db.settings().config(db).min_confidence,
            scratch: None,
            before: FxHashMap::default(),
        }
    }

    /// The candidates for `finding` that pass, the best marked preferred.
    fn verified_for(&mut self, file: SourceFile, finding: &Finding) -> Vec<Fix> {
        let target = key_of(&finding.rule, &finding.message);
        let path = file.path(self.db).clone();
        let mut verified: Vec<Fix> = Vec::new();
        for fix in candidate_fixes(self.db, file, finding)
            .into_iter()
            .take(CANDIDATES_PER_FINDING)
        {
            let patched: Vec<(Arc<Path>, Vec<TextEdit>)> = fix
                .edits
                .iter()
                .map(|edits| (edits.path.clone(), edits.edits.clone()))
                .collect();
            if self.accepts(&patched, &path, std::slice::from_ref(&target)) {
                verified.push(Fix {
                    preferred: verified.is_empty(),
                    ..fix
                });
            }
        }
        verified
    }

    /// Whether applying `patched` removes every `targets` finding of `target_path` and
    /// adds no finding (syntax errors included) to any patched file.
    fn accepts(
        &mut self,
        patched: &[(Arc<Path>, Vec<TextEdit>)],
        target_path: &Arc<Path>,
        targets: &[Key],
    ) -> bool {
        let files = self.db.workspace().files(self.db).clone();
        let mut originals = Vec::new();
        for (path, _) in patched {
            let Some(file) = files.get(path) else {
                return false;
            };
            if !self.before.contains_key(path) {
                let keys = diagnostic_keys(self.db, *file, self.min_confidence);
                self.before.insert(path.clone(), keys);
            }
            originals.push((path.clone(), file.text(self.db).clone()));
        }
        let db = self.db;
        let scratch = self
            .scratch
            .get_or_insert_with(|| RootDatabase::scratch_copy(db));
        for ((path, edits), (_, original)) in patched.iter().zip(&originals) {
            let text = apply_edits(original, edits);
            scratch.set_file_text(path, Arc::from(text));
        }
        let mut accepted = true;
        for (path, _) in patched {
            let Some(file) = scratch.file(path) else {
                accepted = false;
                break;
            };
            let after = diagnostic_keys(scratch, file, self.min_confidence);
            let before = &self.before[path];
            if !no_new_keys(before, &after) {
                accepted = false;
                break;
            }
            if path == target_path
                && targets
                    .iter()
                    .any(|target| count(&after, target) >= count(before, target))
            {
                accepted = false;
                break;
            }
        }
        for (path, original) in originals {
            scratch.set_file_text(&path, original);
        }
        accepted
    }
}

/// The syntax errors and the findings at or above `min_confidence` of `file`.
fn diagnostic_keys(db: &dyn Db, file: SourceFile, min_confidence: Confidence) -> Vec<Key> {
    let mut keys: Vec<Key> = ide::syntax_diagnostics(db, file)
        .iter()
        .map(|diagnostic| key_of(&diagnostic.rule, &diagnostic.message))
        .collect();
    keys.extend(
        file_findings(db, file)
            .iter()
            .filter(|finding| finding.confidence >= min_confidence)
            .map(|finding| key_of(&finding.rule, &finding.message)),
    );
    keys
}

fn count(keys: &[Key], key: &Key) -> usize {
    keys.iter().filter(|candidate| *candidate == key).count()
}

fn no_new_keys(before: &[Key], after: &[Key]) -> bool {
    after
        .iter()
        .all(|key| count(after, key) <= count(before, key))
}

#[cfg(test)]
mod tests {
    use super::strip_line_numbers;

    #[test]
    fn line_numbers_do_not_tell_findings_apart() {
        assert_eq!(
            strip_line_numbers("`x` may be None (set at L12, `else`)"),
            "`x` may be None (set at L#, `else`)"
        );
        assert_eq!(
            strip_line_numbers("HTML5 and L2x"),
            "HTML5 and L2x".replace("L2", "L#")
        );
    }
}
