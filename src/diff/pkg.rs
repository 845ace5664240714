//! Reading an Apple flat package (.pkg): the xar table of contents (XML,
//! read with quick-xml), PackageInfo's identifier and version, the files of
//! the gzip'd cpio Payload and the scripts of the Scripts archive (read
//! with cpio-archive). Members are streamed from the heap; only the TOC
//! and PackageInfo are held in memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use quick_xml::events::Event;

use super::snapshot::{digest, FileInfo, FileType, Kind, Snapshot};

/// A table of contents larger than this is refused rather than inflated.
const MAX_TOC: u64 = 64 << 20;

/// Where one member's bytes are in the heap.
#[derive(Default, Clone)]
struct Member {
    offset: u64,
    length: u64,
    zlib: bool,
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// Reads `path` as a .pkg.
pub fn read(path: &Path) -> io::Result<Snapshot> {
    let mut file = File::open(path)?;
    let mut header = [0u8; 28];
    file.read_exact(&mut header)?;
    if &header[..4] != b"xar!" {
        return Err(invalid("not a xar archive"));
    }
    let header_size = u64::from(u16::from_be_bytes([header[4], header[5]]));
    let toc_compressed = u64::from_be_bytes(header[8..16].try_into().unwrap_or_default());
    let toc_size = u64::from_be_bytes(header[16..24].try_into().unwrap_or_default());
    if toc_size > MAX_TOC {
        return Err(invalid(format!("table of contents of {toc_size} bytes")));
    }
    file.seek(SeekFrom::Start(header_size))?;
    let mut toc = String::new();
    flate2::read::ZlibDecoder::new((&mut file).take(toc_compressed))
        .take(toc_size)
        .read_to_string(&mut toc)?;
    let members = members(&toc)?;
    let heap = header_size + toc_compressed;
    let open = |member: &Member| -> io::Result<Box<dyn Read>> {
        let mut f = File::open(path)?;
        f.seek(SeekFrom::Start(heap + member.offset))?;
        let raw = BufReader::new(f.take(member.length));
        Ok(if member.zlib {
            Box::new(flate2::read::ZlibDecoder::new(raw))
        } else {
            Box::new(raw)
        })
    };
    let (prefix, info) = members
        .iter()
        .find(|(name, _)| name.ends_with("PackageInfo"))
        .map(|(n, m)| (n.trim_end_matches("PackageInfo").to_string(), m.clone()))
        .ok_or_else(|| invalid("no PackageInfo member"))?;
    let mut text = String::new();
    open(&info)?.take(MAX_TOC).read_to_string(&mut text)?;
    let attrs = pkg_info(&text)?;
    let location = attrs
        .get("install-location")
        .cloned()
        .unwrap_or_else(|| "/".into());
    let mut snapshot = Snapshot {
        kind: Some(Kind::Pkg),
        name: attrs.get("identifier").cloned().unwrap_or_default(),
        version: attrs.get("version").cloned().unwrap_or_default(),
        ..Snapshot::default()
    };
    snapshot
        .identity
        .insert("identifier".into(), snapshot.name.clone());
    if let Some(payload) = members.get(&format!("{prefix}Payload")) {
        read_cpio(open(payload)?, &mut |name, info| {
            let joined = format!("{}/{}", location.trim_end_matches('/'), name);
            snapshot.files.insert(joined, info);
        })?;
    }
    if let Some(scripts) = members.get(&format!("{prefix}Scripts")) {
        read_cpio(open(scripts)?, &mut |name, info| {
            if info.kind == FileType::File {
                snapshot.scripts.insert(name.to_string(), info.digest);
            }
        })?;
    }
    Ok(snapshot)
}

/// Every `<file>` of the TOC with data, by its path inside the archive.
fn members(toc: &str) -> io::Result<BTreeMap<String, Member>> {
    let mut reader = quick_xml::Reader::from_str(toc);
    let mut names: Vec<String> = Vec::new();
    let mut current: Vec<Member> = Vec::new();
    let mut element = String::new();
    let mut out = BTreeMap::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| invalid(format!("table of contents: {e}")))?;
        match event {
            Event::Start(e) => {
                element = e.name().as_ref().to_string();
                if element == "file" {
                    names.push(String::new());
                    current.push(Member::default());
                }
            }
            Event::Empty(e) if e.name().as_ref() == "encoding" => {
                let style = e
                    .try_get_attribute("style")
                    .ok()
                    .flatten()
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
                if let Some(member) = current.last_mut() {
                    member.zlib = style == "application/x-gzip";
                }
            }
            Event::Text(t) => {
                let value = t.as_ref().trim().to_string();
                if let (Some(name), Some(member)) = (names.last_mut(), current.last_mut()) {
                    match element.as_str() {
                        "name" => name.push_str(&value),
                        "offset" => member.offset = value.parse().unwrap_or(0),
                        "length" => member.length = value.parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            Event::End(e) => {
                element.clear();
                if e.name().as_ref() == "file" {
                    let full = names.join("/");
                    names.pop();
                    if let Some(member) = current.pop() {
                        if member.length > 0 {
                            out.insert(full, member);
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The attributes of PackageInfo's `<pkg-info>`.
fn pkg_info(text: &str) -> io::Result<BTreeMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader
            .read_event()
            .map_err(|e| invalid(format!("PackageInfo: {e}")))?
        {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "pkg-info" => {
                return Ok(e
                    .attributes()
                    .flatten()
                    .map(|a| (a.key.as_ref().to_string(), a.value.to_string()))
                    .collect());
            }
            Event::Eof => return Err(invalid("PackageInfo has no <pkg-info>")),
            _ => {}
        }
    }
}

/// Streams a gzip'd cpio archive, handing each entry (name without `./`)
/// with its content digested.
fn read_cpio(reader: Box<dyn Read>, each: &mut dyn FnMut(&str, FileInfo)) -> io::Result<()> {
    let cpio_error = |e: cpio_archive::Error| invalid(format!("cpio: {e}"));
    let mut archive =
        cpio_archive::reader(flate2::read::MultiGzDecoder::new(reader)).map_err(cpio_error)?;
    while let Some(header) = archive.next() {
        let header = header.map_err(cpio_error)?;
        let name = header
            .name()
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string();
        let mode = header.mode();
        let kind = match mode & 0o170000 {
            0o040000 => FileType::Dir,
            0o120000 => FileType::Symlink(String::new()),
            0o100000 => FileType::File,
            _ => FileType::Other,
        };
        let (kind, size, sum) = match kind {
            FileType::Symlink(_) => {
                let mut target = String::new();
                Read::take(&mut archive, 4096).read_to_string(&mut target)?;
                (FileType::Symlink(target), 0, String::new())
            }
            other => {
                let (size, sum) = digest(&mut archive)?;
                (other, size, sum)
            }
        };
        if name.is_empty() || name == "." {
            continue;
        }
        each(
            &name,
            FileInfo {
                size: if kind == FileType::File { size } else { 0 },
                digest: if kind == FileType::File {
                    sum
                } else {
                    String::new()
                },
                kind,
                mode: mode & 0o7777,
                owner: header.uid().to_string(),
                group: header.gid().to_string(),
            },
        );
    }
    Ok(())
}
