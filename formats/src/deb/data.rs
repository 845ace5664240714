//! The data area: every installed path as a `./`-prefixed entry of
//! data.tar, every parent directory as its own entry (dpkg needs them),
//! sorted (symlinks last, like dpkg-deb), streamed through the compressor into a spool file, and the md5 of
//! each file taken in the same pass for `md5sums`.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom};

use md5::{Digest, Md5};

use crate::error::{IoContext, Result};
use crate::model::{Entry, EntryKind, Package};
use crate::write::hash::hex;
use crate::write::{Compression, LongNames, TarMeta, TarWriter};
use crate::WriteContext;

/// The compressed data.tar, spooled, with what the control area needs.
pub struct DataTar {
    /// Positioned at its start.
    pub file: File,
    pub size: u64,
    /// (absolute path, md5 hex) of every regular file, in path order.
    pub md5sums: Vec<(String, String)>,
    /// Directories that hold entries without being listed themselves.
    pub implicit_dirs: usize,
}

/// Writes data.tar for every entry of `package` into a spool file in
/// `ctx.scratch_dir` (removed when dropped).
pub fn write(
    package: &Package,
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

    let listed: BTreeSet<&str> = package.entries.iter().map(|e| e.path.as_str()).collect();
    let implicit: Vec<String> = package
        .parent_directories()
        .into_iter()
        .filter(|d| !listed.contains(d.as_str()))
        .collect();
    let implicit_dirs = implicit.len();
    let mut paths: Vec<(&str, Option<&Entry>)> = implicit
        .iter()
        .map(|d| (d.as_str(), None))
        .chain(package.entries.iter().map(|e| (e.path.as_str(), Some(e))))
        .collect();
    // Sorted by path, symlinks after everything else, as dpkg-deb --build
    // orders them (dpkg creates links last either way).
    let is_link =
        |e: &Option<&Entry>| e.is_some_and(|e| matches!(e.kind, EntryKind::Symlink { .. }));
    paths.sort_by(|a, b| (is_link(&a.1), a.0).cmp(&(is_link(&b.1), b.0)));

    let mut md5sums = Vec::new();
    for (path, entry) in paths {
        let name = format!(".{path}");
        match entry {
            Some(entry) if entry.kind.is_regular() => {
                let mut md5 = Md5::new();
                tar.append_entry_observed(&name, entry, ctx.events, &mut |bytes| {
                    md5.update(bytes)
                })?;
                md5sums.push((entry.path.clone(), hex(&md5.finalize())));
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
        md5sums,
        implicit_dirs,
    })
}
