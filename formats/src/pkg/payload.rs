//! The Payload and Scripts archives of a component package: cpio streams
//! in the POSIX portable ASCII ("odc") form the macOS installer reads, to be
//! gzip-compressed by the caller.
//!
//! Headers are encoded by the `cpio-archive` crate; this module decides the
//! entries (`.` for the install location first, then every path sorted,
//! each directory before what it holds), streams file content through
//! without holding it, and records what the Bom needs of each path (mode,
//! owner, size, `cksum` CRC), so the Bom matches the Payload by construction.

use std::collections::BTreeMap;
use std::io::{self, Write};

use cpio_archive::odc::OdcHeader;

use super::bom::{BomKind, BomPath};
use super::cksum::Cksum;
use crate::error::{Error, IoContext, Result};
use crate::write::exact;
use crate::{Entry, EntryKind, Events, Package};

const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;
/// The largest value of a six-digit octal field (uid, gid, inode).
pub const ODC_MAX_ID: u32 = 0o777_777;

/// A cpio odc stream being written.
pub struct OdcWriter<W: Write> {
    inner: W,
    entries: u32,
}

impl<W: Write> OdcWriter<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, entries: 0 }
    }

    /// Writes the header of one entry; exactly `size` bytes of content must follow.
    fn header(
        &mut self,
        name: &str,
        mode: u32,
        uid: u32,
        gid: u32,
        mtime: u32,
        size: u64,
    ) -> io::Result<()> {
        // Inode numbers only need to differ between entries that could be hard
        // links (nlink > 1), which this writer never makes; the field has six
        // octal digits, so they wrap.
        let inode = self.entries % ODC_MAX_ID + 1;
        self.entries = self.entries.wrapping_add(1);
        OdcHeader {
            dev: 0,
            inode,
            mode,
            uid,
            gid,
            nlink: if mode & 0o170000 == S_IFDIR { 2 } else { 1 },
            rdev: 0,
            mtime,
            file_size: size,
            name: name.to_string(),
        }
        .write(&mut self.inner)
        .map(drop)
        .map_err(io::Error::other)
    }

    /// Writes the `TRAILER!!!` entry and hands back the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        OdcHeader {
            dev: 0,
            inode: 0,
            mode: 0,
            uid: 0,
            gid: 0,
            nlink: 1,
            rdev: 0,
            mtime: 0,
            file_size: 0,
            name: "TRAILER!!!".into(),
        }
        .write(&mut self.inner)
        .map_err(io::Error::other)?;
        Ok(self.inner)
    }
}

/// What the Payload holds, for the Bom and PackageInfo.
pub struct PayloadSummary {
    /// Every path of the Payload, in its order, `.` first.
    pub paths: Vec<BomPath>,
    /// Sum over regular files of their size in KiB, rounded up.
    pub install_kbytes: u64,
}

/// Where `path` lands inside a payload installed at `location`: `.` or
/// `./rest`; `None` when the path is not below the location.
pub fn payload_path(path: &str, location: &str) -> Option<String> {
    let rest = if location == "/" {
        path
    } else {
        path.strip_prefix(location)?
    };
    match rest {
        "" | "/" => Some(".".into()),
        _ => rest.strip_prefix('/').map(|r| format!("./{r}")),
    }
}

/// Seconds as the 32-bit times cpio odc and the Bom store.
pub fn time32(seconds: u64, what: &str) -> Result<u32> {
    u32::try_from(seconds).map_err(|_| {
        Error::Invalid(format!(
            "{what}: time {seconds} is after 2106, which a .pkg cannot store; set SOURCE_DATE_EPOCH or the mtime to an earlier date"
        ))
    })
}

/// Writes the Payload of `package` installed at `location` into `out`.
pub fn write_payload<W: Write>(
    package: &Package,
    location: &str,
    epoch: u32,
    out: W,
    events: &dyn Events,
) -> Result<(W, PayloadSummary)> {
    let mut listed: BTreeMap<String, Option<&Entry>> = BTreeMap::new();
    listed.insert(".".into(), None);
    for dir in package.parent_directories() {
        if let Some(p) = payload_path(&dir, location) {
            listed.insert(p, None);
        }
    }
    for entry in &package.entries {
        let p = payload_path(&entry.path, location).ok_or_else(|| outside(entry, location))?;
        listed.insert(p, Some(entry));
    }
    let mut odc = OdcWriter::new(out);
    let mut paths = Vec::with_capacity(listed.len());
    let mut install_kbytes = 0u64;
    for (path, entry) in listed {
        let mut bom = match entry {
            Some(entry) => describe(path, entry)?,
            // A folder the manifest does not list: root's, 0755, like pkgbuild's.
            None => BomPath {
                path,
                kind: BomKind::Dir,
                mode: 0o755,
                uid: 0,
                gid: 0,
                mtime: epoch,
                size: 0,
                checksum: 0,
            },
        };
        let wrote = |e| Error::Io {
            context: format!("cannot write {} into the Payload", bom.path),
            source: e,
        };
        let file_type = match bom.kind {
            BomKind::File => S_IFREG,
            BomKind::Dir => S_IFDIR,
            BomKind::Symlink(_) => S_IFLNK,
        };
        let content = if bom.kind == BomKind::Dir {
            0
        } else {
            u64::from(bom.size)
        };
        odc.header(
            &bom.path,
            file_type | bom.mode,
            bom.uid,
            bom.gid,
            bom.mtime,
            content,
        )
        .map_err(wrote)?;
        match (&bom.kind, entry) {
            (BomKind::Symlink(target), _) => {
                odc.inner.write_all(target.as_bytes()).map_err(wrote)?
            }
            (BomKind::File, Some(entry)) => {
                bom.checksum = copy_file(entry, &mut odc.inner, events)?;
                install_kbytes += entry.size.div_ceil(1024);
            }
            _ => {}
        }
        paths.push(bom);
    }
    let out = odc
        .finish()
        .context_with(|| "cannot finish the Payload".into())?;
    Ok((
        out,
        PayloadSummary {
            paths,
            install_kbytes,
        },
    ))
}

/// What the Bom says of a model entry at payload path `path`; a file's
/// checksum is filled in when its content is streamed.
fn describe(path: String, entry: &Entry) -> Result<BomPath> {
    let mut bom = BomPath {
        path,
        kind: BomKind::Dir,
        mode: entry.mode & 0o7777,
        uid: entry.uid,
        gid: entry.gid,
        mtime: time32(entry.mtime, &entry.path)?,
        size: 0,
        checksum: 0,
    };
    match &entry.kind {
        EntryKind::Dir => {}
        EntryKind::Symlink { target } => {
            bom.size = u32::try_from(target.len()).map_err(|_| too_big(entry))?;
            bom.checksum = Cksum::of(target.as_bytes());
            bom.kind = BomKind::Symlink(target.clone());
        }
        _ => {
            bom.size = u32::try_from(entry.size).map_err(|_| too_big(entry))?;
            bom.kind = BomKind::File;
        }
    }
    Ok(bom)
}

/// Streams one file's content into `out`; returns its `cksum`.
fn copy_file(entry: &Entry, out: &mut impl Write, events: &dyn Events) -> Result<u32> {
    let mut sum = Cksum::new();
    exact::copy(
        entry,
        out,
        events,
        &mut |bytes| sum.update(bytes),
        "the Payload",
    )?;
    Ok(sum.finish())
}

/// Writes the Scripts archive: `.` and each `(name, text)` as a 0755 file.
pub fn write_scripts<W: Write>(scripts: &[(&str, String)], epoch: u32, out: W) -> io::Result<W> {
    let mut odc = OdcWriter::new(out);
    odc.header(".", S_IFDIR | 0o755, 0, 0, epoch, 0)?;
    for (name, text) in scripts {
        odc.header(
            &format!("./{name}"),
            S_IFREG | 0o755,
            0,
            0,
            epoch,
            text.len() as u64,
        )?;
        odc.inner.write_all(text.as_bytes())?;
    }
    odc.finish()
}

fn too_big(entry: &Entry) -> Error {
    Error::Invalid(format!(
        "{}: {} bytes; the .pkg Bom stores 32-bit sizes, so files must be under 4 GiB",
        entry.path, entry.size
    ))
}

fn outside(entry: &Entry, location: &str) -> Error {
    Error::Invalid(format!(
        "{}: not under the [pkg] install-location `{location}`; install every file below it or set install-location = \"/\"",
        entry.path
    ))
}

/// Checks what the odc headers and the Bom can hold, before anything is written.
pub fn check_entry(entry: &Entry, location: &str) -> Result<()> {
    let path = payload_path(&entry.path, location).ok_or_else(|| outside(entry, location))?;
    if path == "." && entry.kind != EntryKind::Dir {
        return Err(Error::Invalid(format!(
            "{}: is the [pkg] install-location itself, which must be a folder; install the file inside it",
            entry.path
        )));
    }
    if entry.kind.is_regular() && entry.size > u64::from(u32::MAX) {
        return Err(too_big(entry));
    }
    if entry.uid > ODC_MAX_ID || entry.gid > ODC_MAX_ID {
        return Err(Error::Invalid(format!(
            "{}: uid {} / gid {} too large for a .pkg Payload (cpio odc holds at most {ODC_MAX_ID}); use a smaller id",
            entry.path, entry.uid, entry.gid
        )));
    }
    time32(entry.mtime, &entry.path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_paths_are_relative_to_the_install_location() {
        let cases = [
            ("/usr/bin/hello", "/", Some("./usr/bin/hello")),
            ("/opt/hello/bin/x", "/opt/hello", Some("./bin/x")),
            ("/opt/hello", "/opt/hello", Some(".")),
            ("/opt/helloworld/x", "/opt/hello", None),
            ("/usr/bin/x", "/opt/hello", None),
        ];
        for (path, location, want) in cases {
            assert_eq!(
                payload_path(path, location).as_deref(),
                want,
                "{path} in {location}"
            );
        }
    }

    #[test]
    fn odc_headers_are_76_bytes_plus_name() {
        let mut odc = OdcWriter::new(Vec::new());
        odc.header("./a", S_IFREG | 0o644, 0, 0, 1_700_000_000, 0)
            .unwrap();
        let bytes = odc.finish().unwrap();
        assert_eq!(&bytes[..6], b"070707");
        assert_eq!(&bytes[76..80], b"./a\0");
        assert_eq!(&bytes[80..86], b"070707");
        assert!(bytes.ends_with(b"TRAILER!!!\0"));
    }
}
