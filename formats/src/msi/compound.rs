//! Rewrites the compound file the `msi` crate built into a fresh one of
//! version 3 (512-byte sectors), stream by stream, in one forward pass.
//!
//! The crate rewrites a table's stream on every insert, so in the file it
//! builds, freed sectors and mini sectors are reused and a stream's chain
//! can loop back to an earlier one — mini sector 0 included. MS-CFB allows
//! that, but osslsigncode, the usual Authenticode signer on Linux, takes a
//! chain that leads to sector 0 for a corrupt file ("Failed to get a next
//! mini sector"). Written once, each stream in full, every chain of the new
//! file runs forward, as in files Windows Installer and msitools write.
//! Streams are copied in the directory's own order, so the bytes depend on
//! the content only.

use std::io::{self, Read, Seek, Write};
use std::path::PathBuf;

/// Copies every stream (and the root's class id) of the compound file in
/// `from` into a new version-3 compound file written to `to`, which should
/// be empty.
pub fn rewrite<F, G>(from: F, to: G) -> io::Result<()>
where
    F: Read + Seek,
    G: Read + Write + Seek,
{
    let mut source = cfb::CompoundFile::open(from)?;
    let mut target = cfb::CompoundFile::create_with_version(cfb::Version::V3, to)?;
    target.set_storage_clsid("/", *source.root_entry().clsid())?;
    let mut streams: Vec<PathBuf> = Vec::new();
    for entry in source.walk() {
        if entry.is_storage() && !entry.is_root() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("unexpected storage {} in the MSI", entry.path().display()),
            ));
        }
        if entry.is_stream() {
            streams.push(entry.path().to_path_buf());
        }
    }
    for path in streams {
        let mut reader = source.open_stream(&path)?;
        let mut writer = target.create_new_stream(&path)?;
        io::copy(&mut reader, &mut writer)?;
        writer.flush()?;
    }
    target.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// The next-sector entry of every mini sector in use.
    fn mini_chain_links(bytes: &[u8]) -> Vec<u32> {
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        let sector = |id: u32| 512 + id as usize * 512;
        let first_minifat = u32_at(60);
        assert!(u32_at(64) <= 1, "one mini FAT sector in this small file");
        if first_minifat == 0xFFFF_FFFE {
            return Vec::new();
        }
        (0..128)
            .map(|i| u32_at(sector(first_minifat) + i * 4))
            .filter(|&next| next != 0xFFFF_FFFF)
            .collect()
    }

    #[test]
    fn chains_run_forward_after_streams_were_rewritten() {
        let mut comp =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
                .unwrap();
        // Rewriting "a" frees its mini sectors, which "b" then reuses
        // after sectors of its own.
        comp.create_stream("a")
            .unwrap()
            .write_all(&[1; 200])
            .unwrap();
        comp.create_stream("b")
            .unwrap()
            .write_all(&[2; 200])
            .unwrap();
        comp.create_stream("a")
            .unwrap()
            .write_all(&[3; 300])
            .unwrap();
        {
            let mut b = comp.open_stream("b").unwrap();
            b.seek(io::SeekFrom::End(0)).unwrap();
            b.write_all(&[4; 500]).unwrap();
        }
        comp.flush().unwrap();
        let before = comp.into_inner().into_inner();
        assert!(
            mini_chain_links(&before).contains(&0),
            "the scratch file reuses mini sector 0"
        );

        let mut after = Cursor::new(Vec::new());
        rewrite(Cursor::new(before), &mut after).unwrap();
        let bytes = after.into_inner();
        let links = mini_chain_links(&bytes);
        assert!(!links.is_empty());
        for (sector, next) in links.iter().enumerate() {
            assert!(*next == 0xFFFF_FFFE || *next as usize > sector, "{links:?}");
        }
        let mut comp = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap();
        let mut a = Vec::new();
        comp.open_stream("a").unwrap().read_to_end(&mut a).unwrap();
        assert_eq!(a, [3; 300]);
        let mut b = Vec::new();
        comp.open_stream("b").unwrap().read_to_end(&mut b).unwrap();
        assert_eq!(b[..200], [2; 200]);
        assert_eq!(b[200..], [4; 500]);
    }
}
