//! Content digests of a package's source files, for the cache key: BLAKE3,
//! files hashed in parallel on every core (and a large file's blocks too),
//! with a stat index as git's index and sccache keep one: (path, size,
//! mtime, ctime, inode, device) → digest, so an unchanged tree is not read
//! again. A file whose stat changed is hashed again.
//!
//! A file changed within the same clock tick as its indexing could keep its
//! stat; entries younger than [`SETTLE`] are therefore never indexed (git's
//! "racily clean" rule). A file that changes while it is packaged is
//! refused by the backends' exact copy.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use vitte_buildkit_formats::{Package, Source};

/// Files changed more recently than this are hashed but not indexed.
const SETTLE: Duration = Duration::from_secs(2);
/// Above this size a file is hashed with BLAKE3's own parallelism too, in
/// blocks of this size.
const LARGE_FILE: usize = 4 << 20;
const INDEX_HEADER: &str = "vitte-buildkit stat index 1";

/// A file's identity as the index sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stat {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    inode: u64,
    device: u64,
}

impl Stat {
    fn of(meta: &fs::Metadata) -> Self {
        Self {
            size: meta.size(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        }
    }

    fn settled(&self) -> bool {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos() as i128;
        let newest = self.mtime_ns.max(self.ctime_ns);
        now - newest > SETTLE.as_nanos() as i128
    }
}

/// The stat index, kept in one file of the cache folder.
pub struct StatIndex {
    path: Option<PathBuf>,
    entries: HashMap<PathBuf, (Stat, [u8; 32])>,
    changed: bool,
}

impl StatIndex {
    /// An index that is neither read nor saved.
    pub fn in_memory() -> Self {
        Self {
            path: None,
            entries: HashMap::new(),
            changed: false,
        }
    }

    /// Reads the index at `path`; a missing or unreadable one is empty.
    pub fn load(path: &Path) -> Self {
        let mut index = Self {
            path: Some(path.to_path_buf()),
            ..Self::in_memory()
        };
        let Ok(text) = fs::read_to_string(path) else {
            return index;
        };
        let mut lines = text.lines();
        if lines.next() != Some(INDEX_HEADER) {
            return index;
        }
        for line in lines {
            if let Some((file, stat, digest)) = parse_line(line) {
                index.entries.insert(file, (stat, digest));
            }
        }
        index
    }

    /// Writes the index back (temp file + rename) if anything changed.
    pub fn save(&self) -> io::Result<()> {
        let Some(path) = self.path.as_deref().filter(|_| self.changed) else {
            return Ok(());
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        let mut out = io::BufWriter::new(temp.as_file_mut());
        writeln!(out, "{INDEX_HEADER}")?;
        let sorted: BTreeMap<_, _> = self.entries.iter().collect();
        for (file, (s, digest)) in sorted {
            // The path goes last: it is the one field that may hold tabs.
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                s.size,
                s.mtime_ns,
                s.ctime_ns,
                s.inode,
                s.device,
                hex(digest),
                file.display()
            )?;
        }
        out.flush()?;
        drop(out);
        temp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

fn parse_line(line: &str) -> Option<(PathBuf, Stat, [u8; 32])> {
    let mut f = line.splitn(7, '\t');
    let stat = Stat {
        size: f.next()?.parse().ok()?,
        mtime_ns: f.next()?.parse().ok()?,
        ctime_ns: f.next()?.parse().ok()?,
        inode: f.next()?.parse().ok()?,
        device: f.next()?.parse().ok()?,
    };
    let digest = blake3::Hash::from_hex(f.next()?).ok()?;
    Some((PathBuf::from(f.next()?), stat, *digest.as_bytes()))
}

/// The content digest of every entry's source, by install path.
pub type ContentDigests = BTreeMap<String, [u8; 32]>;

/// Hashes every regular entry's content; files whose stat the index knows
/// are not read. Errors name the source file.
pub fn content_digests(package: &Package, index: &mut StatIndex) -> io::Result<ContentDigests> {
    let files: Vec<(&str, &Path)> = package
        .entries
        .iter()
        .filter_map(|e| match &e.source {
            Source::Path(p) if e.kind.is_regular() => Some((e.path.as_str(), p.as_path())),
            _ => None,
        })
        .collect();
    let hashed: Vec<(String, PathBuf, Stat, [u8; 32], bool)> = files
        .par_iter()
        .map(|(dest, source)| {
            let named =
                |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", source.display()));
            let absolute = fs::canonicalize(source).map_err(named)?;
            let stat = Stat::of(&fs::metadata(&absolute).map_err(named)?);
            if let Some((known, digest)) = index.entries.get(&absolute) {
                if *known == stat {
                    return Ok((dest.to_string(), absolute, stat, *digest, false));
                }
            }
            let digest = hash_file(&absolute, stat.size).map_err(named)?;
            Ok((dest.to_string(), absolute, stat, digest, true))
        })
        .collect::<io::Result<_>>()?;
    let mut digests = ContentDigests::new();
    for (dest, absolute, stat, digest, fresh) in hashed {
        if fresh && stat.settled() {
            index.entries.insert(absolute, (stat, digest));
            index.changed = true;
        }
        digests.insert(dest, digest);
    }
    for entry in &package.entries {
        if let Source::Bytes(bytes) = &entry.source {
            digests.insert(entry.path.clone(), *blake3::hash(bytes).as_bytes());
        }
    }
    Ok(digests)
}

/// Large files are read in [`LARGE_FILE`] blocks, each hashed on every
/// core; no memory map, so memory stays flat whatever the file's size.
fn hash_file(path: &Path, size: u64) -> io::Result<[u8; 32]> {
    let mut hasher = blake3::Hasher::new();
    let mut file = fs::File::open(path)?;
    if size < LARGE_FILE as u64 {
        hasher.update_reader(file)?;
        return Ok(*hasher.finalize().as_bytes());
    }
    let mut block = vec![0u8; LARGE_FILE];
    loop {
        let mut filled = 0;
        while filled < block.len() {
            match file.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled == 0 {
            break;
        }
        hasher.update_rayon(&block[..filled]);
    }
    Ok(*hasher.finalize().as_bytes())
}

/// Lower-case hex of a digest.
pub fn hex(digest: &[u8; 32]) -> String {
    blake3::Hash::from_bytes(*digest).to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitte_buildkit_formats::model::{Entry, EntryKind, FormatSections, Version};

    fn package_of(path: &Path) -> Package {
        Package {
            name: "p".into(),
            version: Version {
                upstream: semver::Version::new(1, 0, 0),
                epoch: None,
                release: "1".into(),
            },
            summary: String::new(),
            description: String::new(),
            license: "MIT".into(),
            maintainer: "m <m@example.org>".into(),
            vendor: None,
            homepage: None,
            relations: Default::default(),
            scripts: Default::default(),
            entries: vec![Entry {
                path: "/usr/share/p/data".into(),
                kind: EntryKind::File,
                mode: 0o644,
                owner: "root".into(),
                group: "root".into(),
                uid: 0,
                gid: 0,
                mtime: 0,
                source: Source::Path(path.to_path_buf()),
                size: 3,
                arch_check: true,
                strip: true,
            }],
            has_binaries: false,
            system: Default::default(),
            formats: FormatSections::default(),
            binaries: Default::default(),
            debug_symbols: None,
        }
    }

    #[test]
    fn an_unchanged_file_is_not_read_again_and_a_changed_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("data");
        let index_path = dir.path().join("index");
        fs::write(&file, "one").unwrap();
        let package = package_of(&file);
        let wanted = |text: &str| *blake3::hash(text.as_bytes()).as_bytes();

        // Too fresh to trust its stat: hashed, not indexed.
        let mut index = StatIndex::load(&index_path);
        let digests = content_digests(&package, &mut index).unwrap();
        assert_eq!(digests["/usr/share/p/data"], wanted("one"));
        assert!(index.entries.is_empty());

        std::thread::sleep(SETTLE + Duration::from_millis(200));
        content_digests(&package, &mut index).unwrap();
        index.save().unwrap();
        let mut index = StatIndex::load(&index_path);
        assert_eq!(index.entries.len(), 1);
        // Plant another digest: it is what comes back, so the file was not read.
        for (_, digest) in index.entries.values_mut() {
            *digest = [7; 32];
        }
        let digests = content_digests(&package, &mut index).unwrap();
        assert_eq!(digests["/usr/share/p/data"], [7; 32]);

        // Same size, new bytes, even with the old mtime: ctime moved, so it is read.
        let mtime = filetime::FileTime::from_last_modification_time(&fs::metadata(&file).unwrap());
        fs::write(&file, "two").unwrap();
        filetime::set_file_mtime(&file, mtime).unwrap();
        let digests = content_digests(&package, &mut index).unwrap();
        assert_eq!(digests["/usr/share/p/data"], wanted("two"));
    }

    #[test]
    fn index_lines_round_trip_paths_with_tabs() {
        let stat = Stat {
            size: 5,
            mtime_ns: -3,
            ctime_ns: 1_700_000_000_123_456_789,
            inode: 42,
            device: 7,
        };
        let digest = *blake3::hash(b"x").as_bytes();
        let line = format!("5\t-3\t1700000000123456789\t42\t7\t{}\ta\tb", hex(&digest));
        let (path, parsed, d) = parse_line(&line).unwrap();
        assert_eq!((path, parsed, d), (PathBuf::from("a\tb"), stat, digest));
        assert!(parse_line("5\tx").is_none());
    }
}
