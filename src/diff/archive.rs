//! Reading tar archives (plain, .gz, .xz, .zst) into a [`Snapshot`]'s
//! files: the payload of a .deb and the tar backends' own artifacts.

use std::io::{self, Read};

use super::snapshot::{digest, FileInfo, FileType, Snapshot};

/// A decompressing reader chosen by the file name's suffix.
pub fn decompress<'a>(name: &str, reader: impl Read + 'a) -> io::Result<Box<dyn Read + 'a>> {
    Ok(if name.ends_with(".gz") || name.ends_with(".tgz") {
        Box::new(flate2::read::MultiGzDecoder::new(reader))
    } else if name.ends_with(".xz") || name.ends_with(".txz") {
        Box::new(liblzma::read::XzDecoder::new_multi_decoder(reader))
    } else if name.ends_with(".zst") || name.ends_with(".tzst") {
        Box::new(zstd::stream::read::Decoder::new(reader)?)
    } else {
        Box::new(reader)
    })
}

/// Adds every entry of a tar stream to `snapshot.files`, content digested
/// on the way (streaming: nothing is held but the digest).
pub fn read_tar(reader: impl Read, snapshot: &mut Snapshot) -> io::Result<()> {
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let raw = entry.path()?.to_string_lossy().into_owned();
        let path = format!("/{}", raw.trim_start_matches("./").trim_matches('/'));
        if path == "/" {
            continue;
        }
        let header = entry.header().clone();
        let kind = match header.entry_type() {
            tar::EntryType::Regular | tar::EntryType::Continuous => FileType::File,
            tar::EntryType::Directory => FileType::Dir,
            tar::EntryType::Symlink => FileType::Symlink(
                entry
                    .link_name()?
                    .map(|l| l.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
            _ => FileType::Other,
        };
        let (size, sum) = if kind == FileType::File {
            digest(&mut entry)?
        } else {
            (0, String::new())
        };
        let name = |n: io::Result<Option<&str>>, id: u64| match n {
            Ok(Some(n)) if !n.is_empty() => n.to_string(),
            _ => id.to_string(),
        };
        snapshot.files.insert(
            path,
            FileInfo {
                kind,
                size,
                mode: header.mode()? & 0o7777,
                owner: name(header.username().map_err(io::Error::other), header.uid()?),
                group: name(header.groupname().map_err(io::Error::other), header.gid()?),
                digest: sum,
            },
        );
    }
    Ok(())
}
