//! The file version of a Windows executable or library, for the File
//! table's Version column: Windows Installer's file-versioning rules treat
//! versioned files (PE files with a VS_VERSIONINFO resource) differently
//! from unversioned ones.
//!
//! Only the few headers on the way to the version resource are read, with
//! bounded seeks; anything short, strange or not a PE simply has no version.

use std::io::{self, Cursor, Read, Seek, SeekFrom};

use crate::{Entry, Source};

/// RT_VERSION, the resource type of VS_VERSIONINFO.
const RT_VERSION: u32 = 16;
/// VS_FIXEDFILEINFO.dwSignature.
const FIXED_SIGNATURE: u32 = 0xfeef_04bd;

/// The entry's `a.b.c.d` file version, if it is a PE file that has one.
pub fn of(entry: &Entry) -> io::Result<Option<String>> {
    match &entry.source {
        Source::Path(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            Ok(read(&mut io::BufReader::new(file)))
        }
        Source::Bytes(bytes) => Ok(read(&mut Cursor::new(bytes))),
        Source::None => Ok(None),
    }
}

/// The version from any seekable reader; `None` on anything unexpected.
pub fn read<R: Read + Seek>(r: &mut R) -> Option<String> {
    let dos = bytes_at(r, 0, 64)?;
    if &dos[..2] != b"MZ" {
        return None;
    }
    let pe = u64::from(u32_at(&dos, 0x3c)?);
    let coff = bytes_at(r, pe, 24)?;
    if &coff[..4] != b"PE\0\0" {
        return None;
    }
    let sections = u16_at(&coff, 6)?;
    let optional_size = u16_at(&coff, 20)?;
    let optional = pe + 24;
    let head = bytes_at(r, optional, usize::from(optional_size))?;
    let directories = match u16_at(&head, 0)? {
        0x10b => 96,
        0x20b => 112,
        _ => return None,
    };
    if u32_at(&head, directories - 4)? < 3 {
        return None;
    }
    let resource_rva = u32_at(&head, directories + 16)?;
    let table = bytes_at(
        r,
        optional + u64::from(optional_size),
        usize::from(sections) * 40,
    )?;
    let to_offset = |rva: u32| -> Option<u64> {
        table.chunks_exact(40).find_map(|s| {
            let size = u32_at(s, 8)?.max(u32_at(s, 16)?);
            let start = u32_at(s, 12)?;
            let within = rva.checked_sub(start).filter(|d| *d < size)?;
            Some(u64::from(u32_at(s, 20)?) + u64::from(within))
        })
    };
    let base = to_offset(resource_rva)?;
    // Type RT_VERSION → its first name → its first language → data.
    let by_type = entry_in(r, base, 0, Some(RT_VERSION))?;
    let by_name = entry_in(r, base, subdirectory(by_type)?, None)?;
    let data = entry_in(r, base, subdirectory(by_name)?, None)?;
    if data & 0x8000_0000 != 0 {
        return None;
    }
    let leaf = bytes_at(r, base + u64::from(data), 8)?;
    let info = bytes_at(r, to_offset(u32_at(&leaf, 0)?)?, 92)?;
    // VS_VERSIONINFO: three u16s, the key "VS_VERSION_INFO" in UTF-16,
    // padding to 4 bytes, then VS_FIXEDFILEINFO.
    let fixed = (0..info.len() - 16)
        .step_by(4)
        .find(|&at| u32_at(&info, at) == Some(FIXED_SIGNATURE))?;
    let ms = u32_at(&info, fixed + 8)?;
    let ls = u32_at(&info, fixed + 12)?;
    Some(format!(
        "{}.{}.{}.{}",
        ms >> 16,
        ms & 0xffff,
        ls >> 16,
        ls & 0xffff
    ))
}

/// The OffsetToData of the entry with `id` (or the first entry) in the
/// resource directory at `base + dir`.
fn entry_in<R: Read + Seek>(r: &mut R, base: u64, dir: u32, id: Option<u32>) -> Option<u32> {
    let at = base + u64::from(dir);
    let head = bytes_at(r, at, 16)?;
    let count = usize::from(u16_at(&head, 12)?) + usize::from(u16_at(&head, 14)?);
    let entries = bytes_at(r, at + 16, count.min(4096) * 8)?;
    entries.chunks_exact(8).find_map(|e| {
        let name = u32_at(e, 0)?;
        match id {
            Some(id) if name != id => None,
            _ => u32_at(e, 4),
        }
    })
}

/// The offset of a subdirectory, if the entry points at one.
fn subdirectory(offset: u32) -> Option<u32> {
    (offset & 0x8000_0000 != 0).then_some(offset & 0x7fff_ffff)
}

fn bytes_at<R: Read + Seek>(r: &mut R, at: u64, len: usize) -> Option<Vec<u8>> {
    r.seek(SeekFrom::Start(at)).ok()?;
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).ok()?;
    Some(buf)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strange_input_has_no_version() {
        // A DOS header whose PE offset points far past the end.
        let mut far = vec![0u8; 64];
        far[..2].copy_from_slice(b"MZ");
        far[0x3c..].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        // A PE header with no optional header.
        let mut bare = far.clone();
        bare[0x3c..].copy_from_slice(&64u32.to_le_bytes());
        bare.extend_from_slice(b"PE\0\0");
        bare.extend_from_slice(&[0u8; 20]);
        for bytes in [&b""[..], b"MZ", b"#!/bin/sh\necho hello\n", &far, &bare] {
            assert_eq!(read(&mut Cursor::new(bytes)), None);
        }
    }
}
