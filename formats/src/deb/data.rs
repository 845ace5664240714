//! The data area: every installed path as a `./`-prefixed entry of
//! data.tar, every parent directory as its own entry (dpkg needs them),
//! sorted (symlinks last, like dpkg-deb), streamed through the compressor
//! into a spool file, and the md5 of each file taken in the same pass for
//! `md5sums` (16 bytes a file: the lines are written from them later).

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom};

use md5::{Digest, Md5};

use crate::error::{IoContext, Result};
use crate::model::{implicit_directories, with_implicit_directories, Entry, EntryKind};
use crate::write::{Compression, LongNames, TarMeta, TarWriter};
use crate::WriteContext;

/// The compressed data.tar, spooled, with what the control area needs.
pub struct DataTar {
    /// Positioned at its start.
    pub file: File,
    pub size: u64,
    /// The md5 of every regular file, in path order.
    pub md5s: Vec<[u8; 16]>,
    /// Directories that hold entries without being listed themselves.
    pub implicit_dirs: usize,
}

/// Writes data.tar for `entries` (sorted by path) into a spool file in
/// `ctx.scratch_dir` (removed when dropped).
pub fn write(
    entries: &[&Entry],
    compression: Compression,
    ctx: &WriteContext<'_>,
) -> Result<DataTar> {
    let spool = tempfile::tempfile_in(ctx.scratch_dir).context_with(|| {
        format!(
            "cannot create a spool file in {}",
            ctx.scratch_dir.display()
        )
    })?;
    let encoder = compression
        .encoder(BufWriter::with_capacity(1 << 16, spool), ctx.threads)
        .context_with(|| "cannot start the compressor".into())?;
    // dpkg's extractor knows GNU long names, not PAX headers.
    let mut tar = TarWriter::with_long_names(encoder, LongNames::Gnu);
    let dir_meta = TarMeta::root(0o755, ctx.source_date_epoch);
    tar.append_dir("./", &dir_meta)
        .context_with(|| "cannot write data.tar".into())?;

    let implicit = implicit_directories(entries);
    let implicit_dirs = implicit.len();
    // In path order, symlinks after everything else, as dpkg-deb --build
    // orders them (dpkg creates links last either way).
    let is_link = |e: &Entry| matches!(e.kind, EntryKind::Symlink { .. });
    let others =
        with_implicit_directories(entries, &implicit).filter(|(_, e)| !e.is_some_and(is_link));
    let links = entries
        .iter()
        .filter(|e| is_link(e))
        .map(|e| (e.path.as_str(), Some(*e)));

    let mut md5s = Vec::new();
    for (path, entry) in others.chain(links) {
        let name = format!(".{path}");
        match entry {
            Some(entry) if entry.kind.is_regular() => {
                let mut md5 = Md5::new();
                tar.append_entry_observed(&name, entry, ctx.events, &mut |bytes| {
                    md5.update(bytes)
                })?;
                md5s.push(md5.finalize().into());
            }
            Some(entry) => tar.append_entry(&name, entry, ctx.events)?,
            None => tar
                .append_dir(&name, &dir_meta)
                .context_with(|| format!("cannot write {name} into data.tar"))?,
        }
    }
    let finish = || "cannot finish data.tar".to_string();
    let encoder = tar.finish().context_with(finish)?;
    let buffered = encoder.finish().context_with(finish)?;
    let mut file = buffered
        .into_inner()
        .map_err(|e| e.into_error())
        .context_with(finish)?;
    let size = file.stream_position().context_with(finish)?;
    file.seek(SeekFrom::Start(0)).context_with(finish)?;
    Ok(DataTar {
        file,
        size,
        md5s,
        implicit_dirs,
    })
}
