//! The embedded cabinet: every file, in File-table sequence order, in one
//! MSZIP folder, spooled to a temporary file so memory stays flat.

use std::fs::File;
use std::io::{BufWriter, Read, Write};

use cab::{CabinetBuilder, CompressionType};

use super::layout::Layout;
use crate::error::{Error, IoContext, Result};
use crate::{Package, WriteContext};

/// The cabinet's stream name; Media.Cabinet refers to it as `#product.cab`.
pub const STREAM_NAME: &str = "product.cab";

/// Writes the cabinet into a new temporary file in the scratch folder and
/// returns it, positioned at its end.
pub fn spool(package: &Package, layout: &Layout, ctx: &WriteContext<'_>) -> Result<File> {
    let spool = tempfile::tempfile_in(ctx.scratch_dir).context_with(|| {
        format!(
            "cannot create a spool file in {}",
            ctx.scratch_dir.display()
        )
    })?;
    let stamp = crate::write::date::dos(ctx.source_date_epoch);
    let mut builder = CabinetBuilder::new();
    let folder = builder.add_folder(CompressionType::MsZip);
    for file in &layout.files {
        folder.add_file(file.id.as_str()).set_datetime(stamp);
    }
    let cab_error = || "cannot write the cabinet".to_string();
    let mut writer = builder
        .build(BufWriter::with_capacity(1 << 16, spool))
        .context_with(cab_error)?;
    let mut rows = layout.files.iter();
    let mut buf = vec![0u8; 1 << 16];
    while let Some(mut cab_file) = writer.next_file().context_with(cab_error)? {
        let row = rows.next().expect("one cabinet file per File row");
        let entry = &package.entries[row.entry];
        let mut source = entry
            .open()
            .context_with(|| format!("cannot open {}", entry.source_name()))?;
        let mut copied = 0u64;
        loop {
            let n = source
                .read(&mut buf)
                .context_with(|| format!("cannot read {}", entry.source_name()))?;
            if n == 0 {
                break;
            }
            cab_file.write_all(&buf[..n]).context_with(cab_error)?;
            copied += n as u64;
            ctx.events.progress(n as u64);
        }
        if copied != row.size {
            return Err(Error::Invalid(format!(
                "{}: read {copied} bytes, but it had {} when the package was resolved; \
                 was it changed during the build?",
                entry.source_name(),
                row.size
            )));
        }
    }
    let buffered = writer.finish().context_with(cab_error)?;
    buffered
        .into_inner()
        .map_err(|e| e.into_error())
        .context_with(cab_error)
}
