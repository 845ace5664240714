//! The order backends write entries in: sorted by install path, with the
//! folders the manifest does not list merged in. Built for a million
//! entries: nothing here copies a path or an entry.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use super::Entry;

/// Sorts entries by install path, stably (of two entries for one path the
/// first stays first), in place: a permutation of 4 bytes an entry is sorted
/// and applied by swapping along its cycles, where `sort_by` would borrow
/// half the slice again (a million entries: 68 MB at the peak).
pub fn sort_by_path(entries: &mut [Entry]) {
    let mut order: Vec<u32> = (0..entries.len() as u32).collect();
    order.sort_by(|&a, &b| entries[a as usize].path.cmp(&entries[b as usize].path));
    // Entry `order[i]` belongs at `i`; a visited slot is marked u32::MAX.
    for start in 0..entries.len() {
        let mut current = start;
        while order[current] != u32::MAX {
            let next = order[current] as usize;
            order[current] = u32::MAX;
            if next == start {
                break;
            }
            entries.swap(current, next);
            current = next;
        }
    }
}

/// The folders that hold entries of `entries` (sorted by path) without
/// being entries themselves, sorted; `/` is left out. Found by binary
/// search, so nothing per entry is built besides the result.
pub fn implicit_directories<E: Borrow<Entry>>(entries: &[E]) -> Vec<String> {
    let mut dirs = BTreeSet::new();
    for entry in entries {
        let mut path = entry.borrow().path.as_str();
        while let Some(cut) = path.rfind('/') {
            path = &path[..cut];
            if path.is_empty() || dirs.contains(path) {
                break;
            }
            dirs.insert(path.to_string());
        }
    }
    dirs.into_iter()
        .filter(|d| {
            entries
                .binary_search_by(|e| e.borrow().path.as_str().cmp(d))
                .is_err()
        })
        .collect()
}

/// `entries` and the `implicit` folders (both sorted by path) merged in
/// path order: `(path, Some(entry))` or `(folder, None)`.
pub fn with_implicit_directories<'a, E: Borrow<Entry>>(
    entries: &'a [E],
    implicit: &'a [String],
) -> impl Iterator<Item = (&'a str, Option<&'a Entry>)> + 'a {
    let mut dirs = implicit.iter().peekable();
    let mut files = entries.iter().map(Borrow::borrow).peekable();
    std::iter::from_fn(move || {
        let dir_first = match (dirs.peek(), files.peek()) {
            (Some(d), Some(e)) => d.as_str() < e.path.as_str(),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if dir_first {
            dirs.next().map(|d| (d.as_str(), None))
        } else {
            files.next().map(|e| (e.path.as_str(), Some(e)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryKind, Source};

    #[test]
    fn implicit_directories_merge_into_path_order() {
        let entry = |path: &str, kind: EntryKind| Entry {
            path: path.into(),
            kind,
            mode: 0o644,
            owner: "root".into(),
            group: "root".into(),
            uid: 0,
            gid: 0,
            mtime: 0,
            source: Source::None,
            size: 0,
            arch_check: true,
            strip: true,
        };
        let entries = [
            entry("/opt/a", EntryKind::Dir),
            entry("/opt/a/b/c.txt", EntryKind::File),
            entry("/opt/a/b.txt", EntryKind::File),
            entry("/usr/bin/x", EntryKind::File),
        ];
        let mut sorted = entries.to_vec();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        let implicit = implicit_directories(&sorted);
        assert_eq!(implicit, ["/opt", "/opt/a/b", "/usr", "/usr/bin"]);
        let merged: Vec<(&str, bool)> = with_implicit_directories(&sorted, &implicit)
            .map(|(p, e)| (p, e.is_some()))
            .collect();
        let mut want: Vec<(&str, bool)> = implicit.iter().map(|d| (d.as_str(), false)).collect();
        want.extend(sorted.iter().map(|e| (e.path.as_str(), true)));
        want.sort();
        assert_eq!(merged, want);
    }

    #[test]
    fn sort_by_path_is_stable_and_complete() {
        let entry = |path: &str, mode: u32| Entry {
            path: path.into(),
            kind: EntryKind::File,
            mode,
            owner: "root".into(),
            group: "root".into(),
            uid: 0,
            gid: 0,
            mtime: 0,
            source: Source::None,
            size: 0,
            arch_check: true,
            strip: true,
        };
        let mut entries: Vec<Entry> = [5, 3, 9, 1, 3, 7, 0, 2, 3, 8]
            .iter()
            .enumerate()
            .map(|(i, n)| entry(&format!("/p{n}"), i as u32))
            .collect();
        let mut want = entries.clone();
        want.sort_by(|a, b| a.path.cmp(&b.path));
        sort_by_path(&mut entries);
        assert_eq!(entries, want, "same order as the standard stable sort");
        let threes: Vec<u32> = entries
            .iter()
            .filter(|e| e.path == "/p3")
            .map(|e| e.mode)
            .collect();
        assert_eq!(threes, [1, 4, 8], "equal paths keep their listed order");
    }
}
