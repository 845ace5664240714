//! A deterministic tar writer over the `tar` crate.
//!
//! Every header is ustar with fixed owner, mode and mtime; what does not fit
//! ustar (long paths or link targets, sizes of 8 GiB and more) goes into a PAX
//! extended header before the entry, as POSIX.1-2001 describes, or, for
//! readers that know only GNU tar's extensions (dpkg), into GNU long-name
//! records and a base-256 size field.

use std::io::{self, Read, Write};
use std::sync::Arc;

use tar::{EntryType, Header};

use crate::error::{Error, Result};
use crate::model::{Entry, EntryKind};
use crate::Events;

use super::exact::{changed, ExactReader};

/// Owner, mode and time of one tar entry.
#[derive(Clone, Debug)]
pub struct TarMeta {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub owner: Arc<str>,
    pub group: Arc<str>,
    pub mtime: u64,
}

impl TarMeta {
    /// root:root, with the given mode and time.
    pub fn root(mode: u32, mtime: u64) -> Self {
        Self {
            mode,
            uid: 0,
            gid: 0,
            owner: "root".into(),
            group: "root".into(),
            mtime,
        }
    }

    /// The owner, mode and time of a model entry.
    pub fn of(entry: &Entry) -> Self {
        Self {
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
            owner: entry.owner.clone(),
            group: entry.group.clone(),
            mtime: entry.mtime,
        }
    }
}

/// Largest size the ustar octal field holds.
const USTAR_MAX_SIZE: u64 = 0o77777777777;

/// How a path, link target or size that does not fit a ustar header is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LongNames {
    /// PAX extended headers (POSIX.1-2001): GNU tar, bsdtar and most
    /// libraries read them.
    Pax,
    /// GNU `././@LongLink` records (`L` for a path, `K` for a link target)
    /// and base-256 sizes: the only forms dpkg's own extractor reads.
    Gnu,
}

/// Writes tar entries into `W`.
pub struct TarWriter<W: Write> {
    builder: tar::Builder<W>,
    long_names: LongNames,
}

impl<W: Write> TarWriter<W> {
    /// A writer that uses PAX headers for what ustar cannot hold.
    pub fn new(inner: W) -> Self {
        Self::with_long_names(inner, LongNames::Pax)
    }

    /// A writer that stores what ustar cannot hold as `long_names` says.
    pub fn with_long_names(inner: W, long_names: LongNames) -> Self {
        let mut builder = tar::Builder::new(inner);
        builder.mode(tar::HeaderMode::Deterministic);
        Self {
            builder,
            long_names,
        }
    }

    /// A directory; `path` gets a trailing `/` as GNU tar and dpkg write it.
    pub fn append_dir(&mut self, path: &str, meta: &TarMeta) -> io::Result<()> {
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        self.append(&path, meta, EntryType::Directory, 0, None, io::empty())
    }

    /// A symbolic link to `target`.
    pub fn append_symlink(&mut self, path: &str, target: &str, meta: &TarMeta) -> io::Result<()> {
        self.append(path, meta, EntryType::Symlink, 0, Some(target), io::empty())
    }

    /// A regular file of exactly `size` bytes read from `data`.
    pub fn append_file(
        &mut self,
        path: &str,
        meta: &TarMeta,
        size: u64,
        data: impl Read,
    ) -> io::Result<()> {
        self.append(path, meta, EntryType::Regular, size, None, data)
    }

    /// One model entry at `path` (the entry's path as the archive names it),
    /// streaming its content and failing if the source changed size.
    pub fn append_entry(&mut self, path: &str, entry: &Entry, events: &dyn Events) -> Result<()> {
        self.append_entry_observed(path, entry, events, &mut |_| {})
    }

    /// Like [`TarWriter::append_entry`], handing every content byte to
    /// `observe` on the way (for digests computed in the same pass).
    pub fn append_entry_observed(
        &mut self,
        path: &str,
        entry: &Entry,
        events: &dyn Events,
        observe: &mut dyn FnMut(&[u8]),
    ) -> Result<()> {
        let meta = TarMeta::of(entry);
        let result = match &entry.kind {
            EntryKind::Dir => self.append_dir(path, &meta),
            EntryKind::Symlink { target } => self.append_symlink(path, target, &meta),
            _ => {
                let mut counted = ExactReader::open(entry, events, observe)?;
                let r = self.append_file(path, &meta, entry.size, &mut counted);
                if r.is_ok() && counted.source_has_more()? {
                    return Err(changed(entry));
                }
                r
            }
        };
        result.map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => changed(entry),
            _ => Error::Io {
                context: format!("cannot write {path} into the archive"),
                source: e,
            },
        })
    }

    fn append(
        &mut self,
        path: &str,
        meta: &TarMeta,
        kind: EntryType,
        size: u64,
        link: Option<&str>,
        data: impl Read,
    ) -> io::Result<()> {
        let mut header = Header::new_ustar();
        header.set_entry_type(kind);
        header.set_mode(meta.mode & 0o7777);
        header.set_uid(meta.uid.into());
        header.set_gid(meta.gid.into());
        header
            .set_username(&meta.owner)
            .map_err(too_long("owner"))?;
        header
            .set_groupname(&meta.group)
            .map_err(too_long("group"))?;
        header.set_mtime(meta.mtime);
        let gnu = self.long_names == LongNames::Gnu;
        // tar-rs writes sizes past the octal field in base-256, as GNU tar does.
        header.set_size(if gnu { size } else { size.min(USTAR_MAX_SIZE) });

        let mut pax: Vec<(&str, Vec<u8>)> = Vec::new();
        let mut long: Vec<(EntryType, &str)> = Vec::new();
        if !set_ustar_path(&mut header, path) {
            if gnu {
                long.push((EntryType::GNULongName, path));
            } else {
                pax.push(("path", path.as_bytes().to_vec()));
            }
            set_ustar_path(&mut header, short_stand_in(path));
        }
        if let Some(target) = link {
            if !set_field(&mut header.as_old_mut().linkname, target) {
                if gnu {
                    long.push((EntryType::GNULongLink, target));
                } else {
                    pax.push(("linkpath", target.as_bytes().to_vec()));
                }
                set_field(&mut header.as_old_mut().linkname, short_stand_in(target));
            }
        }
        if size > USTAR_MAX_SIZE && !gnu {
            pax.push(("size", size.to_string().into_bytes()));
        }
        if !pax.is_empty() {
            self.builder
                .append_pax_extensions(pax.iter().map(|(k, v)| (*k, v.as_slice())))?;
        }
        for (kind, value) in long {
            self.append_gnu_long(kind, value)?;
        }
        header.set_cksum();
        self.builder.append(&header, data)
    }

    /// A GNU `././@LongLink` record carrying the next entry's path or link
    /// target, NUL-terminated as GNU tar writes it.
    fn append_gnu_long(&mut self, kind: EntryType, value: &str) -> io::Result<()> {
        let mut header = Header::new_gnu();
        set_field(&mut header.as_old_mut().name, "././@LongLink");
        header.set_mode(0o644);
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(0);
        header.set_size(value.len() as u64 + 1);
        header.set_entry_type(kind);
        header.set_cksum();
        self.builder
            .append(&header, value.as_bytes().chain(&[0u8][..]))
    }

    /// Writes the end-of-archive blocks and hands back the inner writer.
    pub fn finish(self) -> io::Result<W> {
        self.builder.into_inner()
    }
}

/// Stores `path` in the ustar name and prefix fields, byte for byte (the
/// `tar` crate would drop a leading `./`, which dpkg's data.tar wants);
/// false when it does not fit.
fn set_ustar_path(header: &mut Header, path: &str) -> bool {
    let Some(ustar) = header.as_ustar_mut() else {
        return false;
    };
    if path.len() <= 100 {
        ustar.prefix = [0; 155];
        return set_field(&mut ustar.name, path);
    }
    // Split at a `/` so that the prefix holds at most 155 bytes and the name 100.
    let bytes = path.as_bytes();
    let split = (0..bytes.len())
        .filter(|&i| bytes[i] == b'/')
        .find(|&i| i <= 155 && bytes.len() - i - 1 <= 100 && i > 0);
    match split {
        Some(i) => {
            set_field(&mut ustar.prefix, &path[..i]) && set_field(&mut ustar.name, &path[i + 1..])
        }
        None => false,
    }
}

/// Copies `value` into a NUL-padded field; false when it does not fit.
fn set_field(field: &mut [u8], value: &str) -> bool {
    if value.len() > field.len() || value.contains('\0') {
        return false;
    }
    field.fill(0);
    field[..value.len()].copy_from_slice(value.as_bytes());
    true
}

/// What goes in the ustar field when the real value is in a PAX record:
/// the last 99 bytes, cut at a character boundary.
fn short_stand_in(path: &str) -> &str {
    let mut start = path.len().saturating_sub(99);
    while !path.is_char_boundary(start) {
        start += 1;
    }
    &path[start..]
}

fn too_long(what: &'static str) -> impl Fn(io::Error) -> io::Error {
    move |e| {
        io::Error::new(
            e.kind(),
            format!("{what} name too long for tar (32 bytes at most): {e}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_and_link_targets_round_trip_through_pax() {
        let long = format!("top/{}/file.txt", "d".repeat(180));
        let target = format!("/{}", "t".repeat(150));
        let mut w = TarWriter::new(Vec::new());
        let meta = TarMeta::root(0o644, 1_700_000_000);
        w.append_file(&long, &meta, 3, &b"abc"[..]).unwrap();
        w.append_symlink("top/link", &target, &meta).unwrap();
        w.append_dir("top", &TarMeta::root(0o755, 1)).unwrap();
        let bytes = w.finish().unwrap();
        let mut archive = tar::Archive::new(&bytes[..]);
        let found: Vec<(String, Option<String>, u32)> = archive
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    e.link_name()
                        .unwrap()
                        .map(|l| l.to_string_lossy().into_owned()),
                    e.header().mode().unwrap(),
                )
            })
            .collect();
        assert_eq!(found[0], (long, None, 0o644));
        assert_eq!(found[1], ("top/link".to_string(), Some(target), 0o644));
        assert_eq!(found[2], ("top/".to_string(), None, 0o755));
    }

    #[test]
    fn gnu_long_names_round_trip_without_pax_headers() {
        let long = format!("./{}/file.txt", "d".repeat(300));
        let target = format!("/{}", "t".repeat(150));
        let mut w = TarWriter::with_long_names(Vec::new(), LongNames::Gnu);
        let meta = TarMeta::root(0o644, 1_700_000_000);
        w.append_file(&long, &meta, 3, &b"abc"[..]).unwrap();
        w.append_symlink("./link", &target, &meta).unwrap();
        let bytes = w.finish().unwrap();
        let kinds: Vec<u8> = tar::Archive::new(&bytes[..])
            .entries()
            .unwrap()
            .raw(true)
            .map(|e| e.unwrap().header().entry_type().as_byte())
            .collect();
        assert_eq!(kinds, [b'L', b'0', b'K', b'2'], "no PAX `x` record");
        let found: Vec<(String, Option<String>)> = tar::Archive::new(&bytes[..])
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.path().unwrap().to_string_lossy().into_owned(),
                    e.link_name()
                        .unwrap()
                        .map(|l| l.to_string_lossy().into_owned()),
                )
            })
            .collect();
        assert_eq!(found[0], (long, None));
        assert_eq!(found[1], ("./link".to_string(), Some(target)));
    }
}
