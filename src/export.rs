//! `export`: one archive of an output folder (artifacts, `.minisig`
//! signatures, `SHA256SUMS`) for hand-off or upload.
//!
//! The archive is reproducible: entries sorted by name under one top-level
//! folder named after the exported folder, every timestamp from
//! `SOURCE_DATE_EPOCH` (or the fixed default), root:root, mode 0644 for files
//! and 0755 for folders, whatever the clock, umask, owner or time zone. It
//! is streamed (tar through the shared multi-threaded compressors; zip
//! deflates each file as it is read) into the pipeline's staging folder
//! beside the destination and renamed into place only when complete: a
//! failed or interrupted run leaves an earlier archive of the same name
//! untouched and nothing half-written.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use vitte_buildkit_formats::model::{Entry, EntryKind, Source};
use vitte_buildkit_formats::write::{Compression, TarMeta, TarWriter};
use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::events::{Artifact, Event, FormatEvents, Listener};
use crate::manifest::DEFAULT_SOURCE_DATE_EPOCH;
use crate::output::Staging;

/// Files from this size get zip64 sizes: a little below 4 GiB, because
/// deflate can make incompressible data slightly larger.
const ZIP64_FROM: u64 = u32::MAX as u64 - (64 << 20);

/// Hidden folders the pipeline stages artifacts in: never exported.
const STAGING_PREFIX: &str = ".vitte-buildkit-staging-";

/// The archive formats `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    TarGz,
    TarXz,
    TarZst,
    Zip,
}

impl ExportFormat {
    /// Every format, in the order messages list them.
    pub const ALL: [ExportFormat; 4] = [Self::TarGz, Self::TarXz, Self::TarZst, Self::Zip];

    /// The id on the command line, which is also the file extension.
    pub fn id(self) -> &'static str {
        match self {
            Self::TarGz => "tar.gz",
            Self::TarXz => "tar.xz",
            Self::TarZst => "tar.zst",
            Self::Zip => "zip",
        }
    }

    /// Parses an id; the error lists the accepted ones.
    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.id() == text)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "unknown export format `{text}`; expected one of {}",
                    Self::ALL.map(Self::id).join(", ")
                ))
            })
    }

    /// The codecs' own default levels (gzip 6, xz 6, zstd 3) rather than
    /// the packages' high ones: what is exported is mostly compressed
    /// already, and a higher level would cost time for nothing.
    fn compression(self) -> Option<Compression> {
        let (mut compression, level) = match self {
            Self::TarGz => (Compression::gzip(), 6),
            Self::TarXz => (Compression::xz(), 6),
            Self::TarZst => (Compression::zstd(), 3),
            Self::Zip => return None,
        };
        compression.level = Some(level);
        Some(compression)
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What to export, and where.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// The folder to archive.
    pub dir: PathBuf,
    pub format: ExportFormat,
    /// The archive to write; by default `DIR.<format>` beside the folder.
    pub out: Option<PathBuf>,
    /// Compression threads (tar formats).
    pub threads: u32,
    /// Every timestamp; `None` for the fixed default.
    pub source_date_epoch: Option<u64>,
}

/// One thing found in the folder, in archive order.
struct Item {
    /// The name in the archive, below the top-level folder; folders end in `/`.
    name: String,
    kind: ItemKind,
}

enum ItemKind {
    Dir,
    File { path: PathBuf, size: u64 },
    Symlink { target: String },
}

/// Archives `options.dir`; returns the archive written.
pub fn export(options: &ExportOptions, listener: &dyn Listener) -> Result<Artifact> {
    let dir = fs::canonicalize(&options.dir).map_err(|e| {
        Error::Usage(format!(
            "cannot export {}: {e}; pass the output folder to archive (default: dist)",
            options.dir.display()
        ))
    })?;
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "cannot export {}: not a folder",
            options.dir.display()
        )));
    }
    let root = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            Error::Usage(format!(
                "cannot export {}: the folder needs a UTF-8 name to use as the archive's top folder",
                dir.display()
            ))
        })?
        .to_string();
    let out = match &options.out {
        Some(out) => out.clone(),
        None => dir.with_file_name(format!("{root}.{}", options.format.id())),
    };
    if out.is_dir() {
        return Err(Error::Usage(format!(
            "--out {} is a folder; name the archive file (e.g. {}/{root}.{})",
            out.display(),
            out.display(),
            options.format.id()
        )));
    }
    let out_dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let out_dir = resolved(out_dir).map_err(|e| output_error(out_dir, "cannot open", e))?;
    if out_dir.starts_with(&dir) {
        return Err(Error::Usage(format!(
            "the archive {} would be inside the folder it archives ({}); pass --out with a path outside it",
            out.display(),
            options.dir.display()
        )));
    }
    let out = out_dir.join(
        out.file_name()
            .ok_or_else(|| Error::Usage(format!("--out {} names no file", out.display())))?,
    );
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();

    let items = collect(&dir, &root)?;
    let epoch = options
        .source_date_epoch
        .unwrap_or(DEFAULT_SOURCE_DATE_EPOCH);
    // The pipeline's staging folder: removed on failure and on Ctrl-C.
    let mut staging =
        Staging::new(&out_dir).map_err(|e| output_error(&out_dir, "cannot write into", e))?;
    let (mut file, staged) = staging
        .create(&name)
        .map_err(|e| output_error(&out_dir, "cannot write into", e))?;
    let events = FormatEvents(listener);
    match options.format.compression() {
        Some(compression) => write_tar(&items, &mut file, compression, options, epoch, &events)?,
        None => write_zip(&items, &mut file, epoch, &events)?,
    }
    file.sync_all()
        .map_err(|e| output_error(&out, "cannot write", e))?;
    drop(file);
    let (size, sha256) = crate::pipeline::sha256_file(&staged)?;
    staging
        .commit()
        .map_err(|e| output_error(&out, "cannot move into place", e))?;
    let artifact = Artifact {
        format: options.format.id().to_string(),
        target: String::new(),
        path: out,
        size,
        sha256,
        signature: None,
        cache: None,
    };
    listener.event(Event::Artifact(&artifact));
    Ok(artifact)
}

/// `path` made absolute with every link resolved, for the parts that exist
/// (the rest is created later, once the path is known to be acceptable).
fn resolved(path: &Path) -> io::Result<PathBuf> {
    let mut existing = path;
    let mut missing = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
            }
            _ => break,
        }
    }
    let mut full = fs::canonicalize(existing)?;
    full.extend(missing.iter().rev());
    Ok(full)
}

/// Everything below `dir`, sorted by name, with the top folder first.
fn collect(dir: &Path, root: &str) -> Result<Vec<Item>> {
    let mut items = vec![Item {
        name: format!("{root}/"),
        kind: ItemKind::Dir,
    }];
    let walker = WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() == 1 && e.file_name().to_string_lossy().starts_with(STAGING_PREFIX))
        });
    for found in walker {
        let found = found.map_err(|e| Error::Read {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e.into(),
        })?;
        let path = found.path();
        let relative = path
            .strip_prefix(dir)
            .ok()
            .and_then(|r| r.to_str())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "cannot export {}: archive names must be UTF-8; rename it",
                    path.display()
                ))
            })?;
        let name = format!("{root}/{relative}");
        let file_type = found.file_type();
        let kind = if file_type.is_dir() {
            items.push(Item {
                name: format!("{name}/"),
                kind: ItemKind::Dir,
            });
            continue;
        } else if file_type.is_file() {
            let meta = found.metadata().map_err(|e| Error::Read {
                path: path.to_path_buf(),
                source: e.into(),
            })?;
            ItemKind::File {
                path: path.to_path_buf(),
                size: meta.len(),
            }
        } else if file_type.is_symlink() {
            let target = fs::read_link(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let target = target.to_str().map(str::to_string).ok_or_else(|| {
                Error::Usage(format!(
                    "cannot export {}: the link target is not UTF-8",
                    path.display()
                ))
            })?;
            ItemKind::Symlink { target }
        } else {
            return Err(Error::Usage(format!(
                "cannot export {}: only files, folders and symbolic links can be archived; remove it",
                path.display()
            )));
        };
        items.push(Item { name, kind });
    }
    Ok(items)
}

fn write_tar(
    items: &[Item],
    file: &mut File,
    compression: Compression,
    options: &ExportOptions,
    epoch: u64,
    events: &FormatEvents<'_>,
) -> Result<()> {
    let write_error = |e: io::Error| Error::Output {
        context: format!("cannot write the {} archive", options.format),
        source: e,
    };
    let encoder = compression
        .encoder(BufWriter::new(file), options.threads)
        .map_err(write_error)?;
    let mut tar = TarWriter::new(encoder);
    for item in items {
        match &item.kind {
            ItemKind::Dir => tar
                .append_dir(&item.name, &TarMeta::root(0o755, epoch))
                .map_err(write_error)?,
            ItemKind::Symlink { target } => tar
                .append_symlink(&item.name, target, &TarMeta::root(0o777, epoch))
                .map_err(write_error)?,
            ItemKind::File { path, size } => {
                let entry = file_entry(&item.name, path, *size, epoch);
                tar.append_entry(&item.name, &entry, events)
                    .map_err(|e| export_error(path, e))?;
            }
        }
    }
    tar.finish()
        .and_then(|encoder| encoder.finish())
        .and_then(|mut buffered| buffered.flush())
        .map_err(write_error)
}

/// The model entry the tar writer streams a file from (it checks the size).
fn file_entry(name: &str, path: &Path, size: u64, epoch: u64) -> Entry {
    Entry {
        path: name.to_string(),
        kind: EntryKind::File,
        mode: 0o644,
        owner: "root".into(),
        group: "root".into(),
        uid: 0,
        gid: 0,
        mtime: epoch,
        source: Source::Path(path.to_path_buf()),
        size,
        arch_check: false,
        strip: false,
    }
}

fn write_zip(items: &[Item], file: &mut File, epoch: u64, events: &FormatEvents<'_>) -> Result<()> {
    let zip_error = |e: zip::result::ZipError| Error::Output {
        context: "cannot write the zip archive".into(),
        source: io::Error::other(e),
    };
    let time = dos_time(epoch);
    let options = |mode: u32, large: bool| {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(time)
            .unix_permissions(mode)
            .large_file(large)
    };
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    for item in items {
        match &item.kind {
            ItemKind::Dir => zip
                .add_directory(item.name.as_str(), options(0o755, false))
                .map_err(zip_error)?,
            ItemKind::Symlink { target } => zip
                .add_symlink(item.name.as_str(), target, options(0o777, false))
                .map_err(zip_error)?,
            ItemKind::File { path, size } => {
                zip.start_file(item.name.as_str(), options(0o644, *size >= ZIP64_FROM))
                    .map_err(zip_error)?;
                copy_exact(path, *size, &mut zip, events)?;
            }
        }
    }
    zip.finish()
        .map_err(zip_error)?
        .flush()
        .map_err(|e| zip_error(e.into()))
}

/// Streams exactly `size` bytes of `path` into `out`; a file that changed
/// size since it was listed is an error.
fn copy_exact(
    path: &Path,
    size: u64,
    out: &mut impl Write,
    events: &FormatEvents<'_>,
) -> Result<()> {
    let read_error = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_error)?;
    let mut buffer = vec![0u8; 256 << 10];
    let mut left = size;
    loop {
        let n = file.read(&mut buffer).map_err(read_error)?;
        if n == 0 {
            break;
        }
        if n as u64 > left {
            left = u64::MAX;
            break;
        }
        out.write_all(&buffer[..n]).map_err(|e| Error::Output {
            context: "cannot write the zip archive".into(),
            source: e,
        })?;
        left -= n as u64;
        vitte_buildkit_formats::Events::progress(events, n as u64);
    }
    if left != 0 {
        return Err(changed(path, size));
    }
    Ok(())
}

/// A zip time stamp (DOS date and time, no zone) for seconds since the
/// epoch, read as UTC; clamped to the range DOS dates hold (1980–2107).
fn dos_time(epoch: u64) -> zip::DateTime {
    let at = vitte_buildkit_formats::write::date::dos(epoch);
    zip::DateTime::from_date_and_time(
        at.year() as u16,
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
    )
    .unwrap_or_default()
}

fn changed(path: &Path, size: u64) -> Error {
    Error::Usage(format!(
        "{} changed size while it was being archived (expected {size} bytes); export again when nothing writes into the folder",
        path.display()
    ))
}

fn export_error(path: &Path, e: vitte_buildkit_formats::Error) -> Error {
    Error::Output {
        context: format!("cannot archive {}", path.display()),
        source: io::Error::other(e),
    }
}

fn output_error(path: &Path, what: &str, source: io::Error) -> Error {
    Error::Output {
        context: format!("{what} {}", path.display()),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_time_reads_the_epoch_as_utc() {
        let fields = |epoch| {
            let t = dos_time(epoch);
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
            )
        };
        assert_eq!(fields(DEFAULT_SOURCE_DATE_EPOCH), (2024, 1, 1, 0, 0, 0));
        // 2000-02-29T12:34:56Z
        assert_eq!(fields(951_827_696), (2000, 2, 29, 12, 34, 56));
        assert_eq!(dos_time(0).year(), 1980);
    }

    #[test]
    fn formats_parse_and_list_the_accepted_ones() {
        assert_eq!(
            ExportFormat::parse("tar.zst").unwrap(),
            ExportFormat::TarZst
        );
        let err = ExportFormat::parse("rar").unwrap_err().to_string();
        assert!(err.contains("tar.gz, tar.xz, tar.zst, zip"), "{err}");
    }
}
