//! The archive layout: `{name}-{version}-{arch}.wasm.tar.gz`, one top folder
//! holding the package's files at their install paths and `bundle.json`,
//! which records the package and, for every WebAssembly binary, what it is
//! (core module or component, wasm32/wasm64, imports, exports, WASI version,
//! size, SHA-256). Written with the shared tar writer and parallel gzip;
//! each file is hashed again as it is copied, so the archive never holds
//! bytes other than those `bundle.json` describes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::BufWriter;

use serde::Serialize;

use super::inspect::{Export, Import, MemoryWidth, WasmKind};
use super::{arch_name, copy_checked, wasi_os, Item};
use crate::error::{IoContext, Result};
use crate::model::Entry;
use crate::write::date::rfc3339;
use crate::write::{Compression, TarMeta, TarWriter};
use crate::{Package, Target, WriteContext};

/// The name of the description file inside the top folder.
pub const BUNDLE_JSON: &str = "bundle.json";

/// `bundle.json`; fields serialize in declaration order.
#[derive(Serialize)]
pub struct Bundle<'a> {
    pub name: &'a str,
    pub version: String,
    pub target: &'a str,
    pub arch: &'static str,
    pub os: &'static str,
    pub created: String,
    pub modules: Vec<ModuleRecord<'a>>,
    pub files: Vec<FileRecord<'a>>,
}

/// One WebAssembly module or component.
#[derive(Serialize)]
pub struct ModuleRecord<'a> {
    pub path: &'a str,
    pub kind: WasmKind,
    /// From its memories; a binary without memory gets the bundle's arch.
    pub arch: &'static str,
    pub wasi: Option<&'static str>,
    pub size: u64,
    pub sha256: &'a str,
    pub imports: &'a [Import],
    pub exports: &'a [Export],
}

/// Any other regular file.
#[derive(Serialize)]
pub struct FileRecord<'a> {
    pub path: &'a str,
    pub size: u64,
    pub sha256: &'a str,
}

/// The description of the bundle, as `bundle.json` holds it.
pub fn bundle<'a>(
    package: &'a Package,
    target: &'a Target,
    epoch: u64,
    items: &'a [Item<'a>],
) -> Bundle<'a> {
    let mut modules = Vec::new();
    let mut files = Vec::new();
    for item in items {
        match &item.module {
            Some(info) => modules.push(ModuleRecord {
                path: &item.entry.path,
                kind: info.kind,
                arch: match info.width {
                    MemoryWidth::Bits64 => "wasm64",
                    MemoryWidth::Bits32 => "wasm32",
                    MemoryWidth::None => arch_name(target),
                },
                wasi: info.wasi,
                size: info.size,
                sha256: &item.sha256,
                imports: &info.imports,
                exports: &info.exports,
            }),
            None => files.push(FileRecord {
                path: &item.entry.path,
                size: item.entry.size,
                sha256: &item.sha256,
            }),
        }
    }
    Bundle {
        name: &package.name,
        version: package.version.to_string(),
        target: target.triple(),
        arch: arch_name(target),
        os: wasi_os(target, items),
        created: rfc3339(epoch),
        modules,
        files,
    }
}

/// Writes the archive; `items` come from [`super::scan`] in the write pass.
pub fn write(
    package: &Package,
    target: &Target,
    ctx: &WriteContext<'_>,
    items: &[Item<'_>],
    out: &mut File,
) -> Result<()> {
    let top = format!("{}-{}-{}", package.name, package.version, arch_name(target));
    let mut json =
        serde_json::to_vec_pretty(&bundle(package, target, ctx.source_date_epoch, items))
            .expect("bundle.json always serializes");
    json.push(b'\n');

    let encoder = Compression::gzip()
        .encoder(BufWriter::with_capacity(1 << 16, out), ctx.threads)
        .context_with(|| "cannot start the compressor".into())?;
    let mut tar = TarWriter::new(encoder);
    let dir_meta = TarMeta::root(0o755, ctx.source_date_epoch);
    let failed = |name: &str| format!("cannot write {name} into the archive");

    // Every path under the top folder, sorted: folders the manifest does not
    // list, the entries, and bundle.json.
    enum Node<'a> {
        Dir,
        Entry(&'a Entry),
        Bundle,
    }
    // Regular files are copied checking the digest bundle.json records.
    let digests: BTreeMap<&str, &str> = items
        .iter()
        .map(|i| (i.entry.path.as_str(), i.sha256.as_str()))
        .collect();
    let listed: BTreeSet<&str> = package.entries.iter().map(|e| e.path.as_str()).collect();
    let mut nodes: Vec<(String, Node<'_>)> = package
        .parent_directories()
        .into_iter()
        .filter(|d| !listed.contains(d.as_str()))
        .map(|d| (d, Node::Dir))
        .chain(
            package
                .entries
                .iter()
                .map(|e| (e.path.clone(), Node::Entry(e))),
        )
        .chain(std::iter::once((format!("/{BUNDLE_JSON}"), Node::Bundle)))
        .collect();
    nodes.sort_by(|a, b| a.0.cmp(&b.0));

    tar.append_dir(&top, &dir_meta)
        .context_with(|| failed(&top))?;
    for (path, node) in nodes {
        let name = format!("{top}{path}");
        match node {
            Node::Dir => tar
                .append_dir(&name, &dir_meta)
                .context_with(|| failed(&name))?,
            Node::Entry(entry) => match digests.get(entry.path.as_str()) {
                Some(sha256) => copy_checked(
                    &mut tar,
                    &name,
                    &TarMeta::of(entry),
                    entry,
                    sha256,
                    ctx.events,
                )?,
                None => tar.append_entry(&name, entry, ctx.events)?,
            },
            Node::Bundle => tar
                .append_file(
                    &name,
                    &TarMeta::root(0o644, ctx.source_date_epoch),
                    json.len() as u64,
                    &json[..],
                )
                .context_with(|| failed(&name))?,
        }
    }
    tar.finish()
        .context_with(|| "cannot finish the tar stream".into())?
        .finish()
        .context_with(|| "cannot finish the compressed stream".into())?
        .into_inner()
        .map_err(|e| e.into_error())
        .context_with(|| "cannot write the archive".into())?;
    Ok(())
}
