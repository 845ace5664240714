//! A xar archive writer: the container of a flat package.
//!
//! Layout (from the xar project's format description and its reader):
//! a 28-byte big-endian header (`xar!`, header size 28, version 1, the
//! compressed and uncompressed lengths of the table of contents, checksum
//! algorithm 1 = SHA-1), the zlib-compressed XML table of contents, then the
//! heap. The heap opens with the 20-byte SHA-1 of the compressed TOC (the
//! TOC's `<checksum>` points at heap offset 0, size 20), followed by each
//! file's data. Every file's `<data>` gives its length in the heap, its
//! offset, its extracted size, its encoding, and the SHA-1 of both the
//! archived and the extracted bytes.
//!
//! Small members (Bom, PackageInfo, Distribution) are kept in memory and
//! stored zlib-compressed (`application/x-gzip`, which in xar means a zlib
//! stream); members that are already compressed (Payload, Scripts) are
//! stored as they are (`application/octet-stream`) from a spool file whose
//! length and SHA-1 the caller measured while writing it, so they are
//! never held in memory. Times are fixed, owners root:wheel: the same
//! members give the same bytes.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};

use flate2::write::ZlibEncoder;
use sha1::{Digest, Sha1};

use super::xml_escape;
use crate::write::hash::hex;

/// A member's content.
pub enum Data {
    /// Bytes held in memory, stored zlib-compressed.
    Zlib(Vec<u8>),
    /// Small already-compressed bytes, stored as they are.
    Raw(Vec<u8>),
    /// Already-compressed bytes spooled in `file` (from its start), stored as they are.
    Spooled { file: File, len: u64, sha1: Vec<u8> },
}

enum Node {
    File { name: String, data: Data },
    Dir { name: String, children: Vec<Node> },
}

/// A xar archive being assembled; [`XarWriter::write`] writes it.
pub struct XarWriter {
    mtime: u64,
    nodes: Vec<Node>,
}

/// A member as the TOC describes it.
struct Prepared {
    heap: Heap,
    length: u64,
    size: u64,
    encoding: &'static str,
    archived_sha1: Vec<u8>,
    extracted_sha1: Vec<u8>,
}

enum Heap {
    Bytes(Vec<u8>),
    File(File),
}

impl XarWriter {
    /// `mtime` (seconds since the epoch) is every member's time and the creation time.
    pub fn new(mtime: u64) -> Self {
        Self {
            mtime,
            nodes: Vec::new(),
        }
    }

    /// Adds a file at `path` (`dir/name`); directories are made on first use,
    /// and members keep the order they were added in.
    pub fn add(&mut self, path: &str, data: Data) {
        let mut parts: Vec<&str> = path.split('/').collect();
        let name = parts.pop().unwrap_or_default().to_string();
        let mut level = &mut self.nodes;
        for dir in parts {
            let at = level
                .iter()
                .position(|n| matches!(n, Node::Dir { name, .. } if name == dir));
            let at = at.unwrap_or_else(|| {
                level.push(Node::Dir {
                    name: dir.to_string(),
                    children: Vec::new(),
                });
                level.len() - 1
            });
            level = match &mut level[at] {
                Node::Dir { children, .. } => children,
                Node::File { .. } => unreachable!("position only matches directories"),
            };
        }
        level.push(Node::File { name, data });
    }

    /// Writes the archive into `out`.
    pub fn write(self, out: &mut impl Write) -> io::Result<()> {
        let time = crate::write::date::rfc3339(self.mtime);
        let mut toc = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xar>\n <toc>\n");
        toc.push_str("  <checksum style=\"sha1\">\n   <offset>0</offset>\n   <size>20</size>\n  </checksum>\n");
        toc.push_str(&format!(
            "  <creation-time>{}</creation-time>\n",
            &time[..time.len() - 1]
        ));
        let mut heap = Vec::new();
        let mut next_id = 1u64;
        let mut offset = 20u64;
        for node in self.nodes {
            describe(
                node,
                2,
                &time,
                &mut next_id,
                &mut offset,
                &mut toc,
                &mut heap,
            )?;
        }
        toc.push_str(" </toc>\n</xar>\n");

        let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(toc.as_bytes())?;
        let toc_z = z.finish()?;
        let mut header = Vec::with_capacity(28);
        header.extend_from_slice(b"xar!");
        header.extend_from_slice(&28u16.to_be_bytes());
        header.extend_from_slice(&1u16.to_be_bytes());
        header.extend_from_slice(&(toc_z.len() as u64).to_be_bytes());
        header.extend_from_slice(&(toc.len() as u64).to_be_bytes());
        header.extend_from_slice(&1u32.to_be_bytes());
        out.write_all(&header)?;
        out.write_all(&toc_z)?;
        out.write_all(&Sha1::digest(&toc_z))?;
        for member in heap {
            match member.heap {
                Heap::Bytes(bytes) => out.write_all(&bytes)?,
                Heap::File(mut file) => {
                    file.seek(SeekFrom::Start(0))?;
                    let copied = io::copy(&mut file, out)?;
                    if copied != member.length {
                        return Err(io::Error::other(format!(
                            "spooled member has {copied} bytes, {} expected",
                            member.length
                        )));
                    }
                }
            }
        }
        out.flush()
    }
}

/// Adds one node (and its children) to the TOC and its data to the heap list.
fn describe(
    node: Node,
    depth: usize,
    time: &str,
    next_id: &mut u64,
    offset: &mut u64,
    toc: &mut String,
    heap: &mut Vec<Prepared>,
) -> io::Result<()> {
    let pad = " ".repeat(depth);
    let id = *next_id;
    *next_id += 1;
    let (name, kind, mode) = match &node {
        Node::File { name, .. } => (name, "file", "0644"),
        Node::Dir { name, .. } => (name, "directory", "0755"),
    };
    toc.push_str(&format!("{pad}<file id=\"{id}\">\n"));
    toc.push_str(&format!("{pad} <name>{}</name>\n", xml_escape(name)));
    toc.push_str(&format!("{pad} <type>{kind}</type>\n"));
    toc.push_str(&format!(
        "{pad} <mode>{mode}</mode>\n{pad} <uid>0</uid>\n{pad} <user>root</user>\n{pad} <gid>0</gid>\n{pad} <group>wheel</group>\n"
    ));
    toc.push_str(&format!(
        "{pad} <atime>{time}</atime>\n{pad} <mtime>{time}</mtime>\n{pad} <ctime>{time}</ctime>\n"
    ));
    match node {
        Node::Dir { children, .. } => {
            for child in children {
                describe(child, depth + 1, time, next_id, offset, toc, heap)?;
            }
        }
        Node::File { data, .. } => {
            let member = prepare(data)?;
            toc.push_str(&format!(
                "{pad} <data>\n{pad}  <length>{}</length>\n{pad}  <offset>{}</offset>\n{pad}  <size>{}</size>\n{pad}  <encoding style=\"{}\"/>\n",
                member.length, offset, member.size, member.encoding
            ));
            toc.push_str(&format!(
                "{pad}  <archived-checksum style=\"sha1\">{}</archived-checksum>\n{pad}  <extracted-checksum style=\"sha1\">{}</extracted-checksum>\n{pad} </data>\n",
                hex(&member.archived_sha1),
                hex(&member.extracted_sha1)
            ));
            *offset += member.length;
            heap.push(member);
        }
    }
    toc.push_str(&format!("{pad}</file>\n"));
    Ok(())
}

fn prepare(data: Data) -> io::Result<Prepared> {
    Ok(match data {
        Data::Zlib(bytes) => {
            let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            z.write_all(&bytes)?;
            let archived = z.finish()?;
            Prepared {
                length: archived.len() as u64,
                size: bytes.len() as u64,
                encoding: "application/x-gzip",
                archived_sha1: Sha1::digest(&archived).to_vec(),
                extracted_sha1: Sha1::digest(&bytes).to_vec(),
                heap: Heap::Bytes(archived),
            }
        }
        Data::Raw(bytes) => Prepared {
            length: bytes.len() as u64,
            size: bytes.len() as u64,
            encoding: "application/octet-stream",
            archived_sha1: Sha1::digest(&bytes).to_vec(),
            extracted_sha1: Sha1::digest(&bytes).to_vec(),
            heap: Heap::Bytes(bytes),
        },
        Data::Spooled { file, len, sha1 } => Prepared {
            length: len,
            size: len,
            encoding: "application/octet-stream",
            archived_sha1: sha1.clone(),
            extracted_sha1: sha1,
            heap: Heap::File(file),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_toc_checksum() {
        let mut x = XarWriter::new(0);
        x.add("a/b", Data::Zlib(b"hello".to_vec()));
        let mut out = Vec::new();
        x.write(&mut out).unwrap();
        assert_eq!(&out[..4], b"xar!");
        assert_eq!(u16::from_be_bytes([out[4], out[5]]), 28);
        let toc_len = u64::from_be_bytes(out[8..16].try_into().unwrap()) as usize;
        let toc = &out[28..28 + toc_len];
        assert_eq!(
            &out[28 + toc_len..28 + toc_len + 20],
            &Sha1::digest(toc)[..]
        );
        assert_eq!(u32::from_be_bytes(out[24..28].try_into().unwrap()), 1);
    }
}
