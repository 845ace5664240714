//! The embedded cabinets: the files, in File-table sequence order, cut into
//! runs of at most `[msi] max-cabinet-mib` uncompressed (64 MiB unless set;
//! a larger file gets a cabinet of its own) and at most 65535 files (the
//! cabinet format's own count), one MSZIP cabinet per run,
//! each with its Media row. The cabinets are compressed in parallel on the
//! build's threads and spooled to temporary files, so memory stays flat.
//! Where the cuts fall depends only on the files and the option, never on
//! the thread count, so the package is the same on any machine.

use std::fs::File;
use std::io::BufWriter;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use cab::{CabinetBuilder, CompressionType};

use super::layout::{FileRow, Layout};
use crate::error::{Error, IoContext, Result};
use crate::write::exact;
use crate::{Package, WriteContext};

/// Uncompressed bytes per cabinet unless `[msi] max-cabinet-mib` says.
pub const DEFAULT_MAX_CABINET_MIB: u32 = 64;

/// The largest `[msi] max-cabinet-mib`: a cabinet's offsets are 32-bit.
pub const MAX_CABINET_MIB: u32 = 1024;

/// One embedded cabinet and the Media row that points at it.
pub struct Cabinet {
    /// The stream name; Media.Cabinet refers to it as `#name`.
    pub stream: String,
    /// The sequence number of its last file.
    pub last_sequence: i32,
    /// The compressed cabinet, positioned at its end.
    pub spool: File,
}

/// The stream names: `product.cab` alone, `product1.cab`, `product2.cab`…
/// when there are several.
pub fn stream_names(count: usize) -> Vec<String> {
    match count {
        1 => vec!["product.cab".into()],
        _ => (1..=count).map(|i| format!("product{i}.cab")).collect(),
    }
}

/// Files one cabinet can hold: its header counts them in 16 bits.
pub const MAX_FILES: usize = 0xffff;

/// Cuts the files into runs of at most `max_bytes` (at least one file each)
/// and at most [`MAX_FILES`] files.
pub fn runs(files: &[FileRow], max_bytes: u64) -> Vec<&[FileRow]> {
    runs_of(files, max_bytes, MAX_FILES)
}

fn runs_of(files: &[FileRow], max_bytes: u64, max_files: usize) -> Vec<&[FileRow]> {
    let mut runs = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, file) in files.iter().enumerate() {
        let full = bytes + file.size > max_bytes || i - start == max_files;
        if i > start && full {
            runs.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += file.size;
    }
    if start < files.len() {
        runs.push(&files[start..]);
    }
    runs
}

/// Writes every cabinet of the layout, up to `ctx.threads` at a time.
pub fn spool_all(
    package: &Package,
    layout: &Layout,
    max_mib: u32,
    ctx: &WriteContext<'_>,
) -> Result<Vec<Cabinet>> {
    let runs = runs(&layout.files, u64::from(max_mib) << 20);
    let results: Mutex<Vec<Option<Result<File>>>> = Mutex::new(runs.iter().map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let workers = (ctx.threads.max(1) as usize).min(runs.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(run) = runs.get(i) else { break };
                let result = spool(package, run, ctx);
                let failed = result.is_err();
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                if failed {
                    // Let the other workers stop at their next run.
                    next.store(runs.len(), Ordering::Relaxed);
                }
            });
        }
    });
    let names = stream_names(runs.len());
    let mut cabinets = Vec::with_capacity(runs.len());
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    for ((run, name), result) in runs.iter().zip(names).zip(results) {
        // A run without a result was skipped after an earlier failure,
        // whose error comes first in this loop.
        let spool = result
            .unwrap_or_else(|| Err(Error::Invalid("msi: a cabinet was not written".into())))?;
        cabinets.push(Cabinet {
            stream: name,
            last_sequence: run.last().map_or(0, |f| f.sequence),
            spool,
        });
    }
    Ok(cabinets)
}

/// Writes one cabinet with `files` into a new temporary file in the
/// scratch folder and returns it, positioned at its end.
fn spool(package: &Package, files: &[FileRow], ctx: &WriteContext<'_>) -> Result<File> {
    let spool = tempfile::tempfile_in(ctx.scratch_dir).context_with(|| {
        format!(
            "cannot create a spool file in {}",
            ctx.scratch_dir.display()
        )
    })?;
    let stamp = crate::write::date::dos(ctx.source_date_epoch);
    let mut builder = CabinetBuilder::new();
    let folder = builder.add_folder(CompressionType::MsZip);
    for file in files {
        folder.add_file(file.id.as_str()).set_datetime(stamp);
    }
    let cab_error = || "cannot write the cabinet".to_string();
    let mut writer = builder
        .build(BufWriter::with_capacity(1 << 16, spool))
        .context_with(cab_error)?;
    let mut rows = files.iter();
    while let Some(mut cab_file) = writer.next_file().context_with(cab_error)? {
        let row = rows.next().expect("one cabinet file per File row");
        let entry = &package.entries[row.entry];
        exact::copy(entry, &mut cab_file, ctx.events, &mut |_| {}, "the cabinet")?;
    }
    let buffered = writer.finish().context_with(cab_error)?;
    buffered
        .into_inner()
        .map_err(|e| e.into_error())
        .context_with(cab_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(size: u64) -> FileRow {
        FileRow {
            id: String::new(),
            component: String::new(),
            file_name: String::new(),
            size,
            version: None,
            sequence: 1,
            entry: 0,
        }
    }

    #[test]
    fn runs_end_at_the_byte_or_the_file_limit() {
        let files: Vec<FileRow> = [5, 5, 5, 20, 1, 1, 1, 1, 1].map(row).into();
        let lengths = |runs: Vec<&[FileRow]>| runs.iter().map(|r| r.len()).collect::<Vec<_>>();
        assert_eq!(lengths(runs_of(&files, 10, 100)), [2, 1, 1, 5]);
        assert_eq!(lengths(runs_of(&files, 10, 2)), [2, 1, 1, 2, 2, 1]);
        assert_eq!(lengths(runs_of(&files, 1000, 4)), [4, 4, 1]);
        assert!(runs_of(&[], 10, 2).is_empty());
    }
}
