//! Plain archives: `.tar.gz`, `.tar.xz`, `.tar.zst`.
//!
//! Everything sits under one top folder `{name}-{version}-{triple}/`, with
//! every parent directory as its own entry, sorted, owners and times from the
//! model. Any target is accepted: an archive has no notion of a system.

use std::fs::File;
use std::io::BufWriter;

use crate::error::{IoContext, Result};
use crate::model::{implicit_directories, with_implicit_directories};
use crate::write::{Codec, Compression, TarMeta, TarWriter};
use crate::{Format, Package, Target, WriteContext};

/// A tar archive with one compression.
pub struct TarArchive {
    compression: Compression,
}

impl TarArchive {
    pub fn new(compression: Compression) -> Self {
        Self { compression }
    }

    fn top_folder(package: &Package, target: &Target) -> String {
        format!("{}-{}-{}", package.name, package.version, target.triple())
    }
}

impl Format for TarArchive {
    fn id(&self) -> &'static str {
        match self.compression.codec {
            Codec::Gzip => "tar.gz",
            Codec::Xz => "tar.xz",
            Codec::Zstd => "tar.zst",
            Codec::None => "tar",
        }
    }

    fn file_name(&self, package: &Package, target: &Target) -> String {
        format!("{}.{}", Self::top_folder(package, target), self.id())
    }

    fn accepts(&self, _target: &Target) -> Result<()> {
        Ok(())
    }

    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut File,
    ) -> Result<()> {
        let mut compression = self.compression;
        if compression.codec == Codec::Xz {
            compression.xz_block_size = package
                .formats
                .archive
                .xz_block_size_mib
                .map(|m| u64::from(m) << 20);
        }
        let top = Self::top_folder(package, target);
        let encoder = compression
            .encoder(BufWriter::with_capacity(1 << 16, out), ctx.threads)
            .context_with(|| "cannot start the compressor".into())?;
        let mut tar = TarWriter::new(encoder);
        let dir_meta = TarMeta::root(0o755, ctx.source_date_epoch);
        tar.append_dir(&top, &dir_meta)
            .context_with(|| "cannot write the archive".into())?;
        let implicit = implicit_directories(&package.entries);
        for (path, entry) in with_implicit_directories(&package.entries, &implicit) {
            let name = format!("{top}{path}");
            match entry {
                Some(entry) => tar.append_entry(&name, entry, ctx.events)?,
                None => tar
                    .append_dir(&name, &dir_meta)
                    .context_with(|| format!("cannot write {name}"))?,
            }
        }
        let encoder = tar
            .finish()
            .context_with(|| "cannot finish the tar stream".into())?;
        let buffered = encoder
            .finish()
            .context_with(|| "cannot finish the compressed stream".into())?;
        buffered
            .into_inner()
            .map_err(|e| e.into_error())
            .context_with(|| "cannot write the archive".into())?;
        Ok(())
    }
}
