//! The payload: a cpio archive of every path that is not a ghost, named
//! `./usr/bin/hello`, streamed through the shared multi-threaded compressor
//! into a spool file in one pass that also computes each file's digest, the
//! archive's digest and the compressed payload's digest for the header.
//!
//! The cpio layout is SVR4 "newc" (magic `070701`, thirteen 8-digit hex
//! fields, name and data each padded to 4 bytes, a `TRAILER!!!` entry), as
//! rpm's own writer produces. A package too large for newc's 32-bit size
//! field uses rpm's stripped headers instead (magic `07070X` and the file's
//! index in the header, whose LONGFILESIZES hold the sizes), which rpm reads
//! since 4.12 when the package requires `rpmlib(LargeFiles)`.
//!
//! Memory stays flat: content is read in blocks and the compressed bytes go
//! to the spool, never into a buffer the size of the package.

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use sha2::{Digest, Sha256};

use super::files::{FilePlan, Kind};
use crate::error::{Error, IoContext, Result};
use crate::write::exact;
use crate::write::{hash::hex, Compression, CountingWriter, HashingWriter};
use crate::Events;

/// What the header needs to know about the payload it describes.
pub struct Payload {
    /// The compressed payload, rewound to its start.
    pub spool: File,
    /// Bytes of compressed payload in the spool.
    pub compressed_size: u64,
    /// SHA-256 of the compressed payload (RPMTAG_PAYLOADDIGEST).
    pub compressed_sha256: String,
    /// SHA-256 of the uncompressed cpio archive (RPMTAG_PAYLOADDIGESTALT).
    pub archive_sha256: String,
    /// SHA-256 of each item's content, in item order; empty for anything
    /// that is not a regular file in the payload.
    pub file_digests: Vec<String>,
}

/// How a cpio entry header is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    /// SVR4 newc, with sizes in the entry header.
    Newc,
    /// rpm's stripped headers for large packages: the entry's index only.
    Stripped,
}

/// The newc magic; the stripped variant's differs in its last character.
const NEWC_MAGIC: &str = "070701";
const STRIPPED_MAGIC: &str = "07070X";
const TRAILER: &str = "TRAILER!!!";

/// One cpio member's header fields.
struct Member<'a> {
    name: &'a str,
    ino: u32,
    mode: u32,
    mtime: u32,
    size: u64,
}

/// Writes the payload of `plan` into `spool`, compressed with `compression`
/// on up to `threads` threads, with times clamped to `source_date`.
pub fn write(
    plan: &FilePlan<'_>,
    layout: Layout,
    compression: Compression,
    threads: u32,
    source_date: u32,
    spool: File,
    events: &dyn Events,
) -> Result<Payload> {
    let context = || "cannot write the rpm payload".to_string();
    let compressed = HashingWriter::<_, Sha256>::new(CountingWriter::new(
        BufWriter::with_capacity(1 << 20, spool),
    ));
    let encoder = compression
        .encoder(compressed, threads)
        .context_with(context)?;
    let mut archive = CpioWriter {
        out: HashingWriter::<_, Sha256>::new(encoder),
        written: 0,
    };
    let mut file_digests = Vec::with_capacity(plan.items.len());
    for (index, item) in plan.items.iter().enumerate() {
        let ino = u32::try_from(index + 1).map_err(|_| too_many())?;
        let member = Member {
            name: &format!(".{}", item.path),
            ino,
            mode: item.kind.type_bits() | item.mode,
            mtime: item.stored_mtime(source_date),
            size: item.size,
        };
        let digest = match &item.kind {
            Kind::GhostFile | Kind::GhostDir => String::new(),
            Kind::Dir => {
                archive.header(&member, layout, index)?;
                String::new()
            }
            Kind::Symlink(target) => {
                archive.header(&member, layout, index)?;
                archive.data(target.as_bytes())?;
                String::new()
            }
            Kind::Regular { entry, .. } => {
                archive.header(&member, layout, index)?;
                let mut hasher = Sha256::new();
                exact::copy(
                    entry,
                    &mut archive,
                    events,
                    &mut |bytes| hasher.update(bytes),
                    "the rpm payload",
                )?;
                archive.pad().context_with(context)?;
                hex(&hasher.finalize())
            }
        };
        file_digests.push(digest);
    }
    archive.trailer().context_with(context)?;
    let (encoder, archive_digest) = archive.out.finish();
    let compressed = encoder.finish().context_with(context)?;
    let (counted, compressed_digest) = compressed.finish();
    let compressed_size = counted.count();
    let mut spool = counted
        .into_inner()
        .into_inner()
        .map_err(|e| e.into_error())
        .context_with(context)?;
    spool.rewind().context_with(context)?;
    Ok(Payload {
        spool,
        compressed_size,
        compressed_sha256: hex(&compressed_digest),
        archive_sha256: hex(&archive_digest),
        file_digests,
    })
}

fn too_many() -> Error {
    Error::Invalid("rpm: more than 4294967295 paths in one package".into())
}

/// A cpio stream that keeps track of its length for the padding.
struct CpioWriter<W> {
    out: W,
    written: u64,
}

impl<W: Write> CpioWriter<W> {
    /// The member's header, its name and the padding after them.
    fn header(&mut self, member: &Member<'_>, layout: Layout, index: usize) -> Result<()> {
        let write = match layout {
            Layout::Stripped => {
                let index = u32::try_from(index).map_err(|_| too_many())?;
                self.put(format!("{STRIPPED_MAGIC}{index:08x}").as_bytes())
                    .and_then(|()| self.pad())
            }
            Layout::Newc => {
                let size = u32::try_from(member.size).map_err(|_| {
                    Error::Invalid(format!(
                        "rpm: `{}` is 4 GiB or larger but the package is not in large-file layout",
                        member.name
                    ))
                })?;
                self.newc_header(member.name, member.ino, member.mode, member.mtime, size)
            }
        };
        write.context_with(|| format!("cannot write {} into the rpm payload", member.name))
    }

    fn newc_header(
        &mut self,
        name: &str,
        ino: u32,
        mode: u32,
        mtime: u32,
        size: u32,
    ) -> io::Result<()> {
        let name_size = name.len() as u32 + 1;
        let nlink = 1;
        // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
        let fields = [
            ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, name_size, 0,
        ];
        let mut header = String::with_capacity(110);
        header.push_str(NEWC_MAGIC);
        for field in fields {
            header.push_str(&format!("{field:08x}"));
        }
        self.put(header.as_bytes())?;
        self.put(name.as_bytes())?;
        self.put(&[0])?;
        self.pad()
    }

    /// A member's content (already sized in its header) and its padding.
    fn data(&mut self, bytes: &[u8]) -> Result<()> {
        self.put(bytes)
            .and_then(|()| self.pad())
            .context_with(|| "cannot write the rpm payload".into())
    }

    /// The end-of-archive member.
    fn trailer(&mut self) -> io::Result<()> {
        self.newc_header(TRAILER, 0, 0, 0, 0)
    }

    /// Zeros up to the next multiple of 4.
    fn pad(&mut self) -> io::Result<()> {
        let zeros = (4 - (self.written % 4) as usize) % 4;
        self.put(&[0; 3][..zeros])
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

impl<W: Write> Write for CpioWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
