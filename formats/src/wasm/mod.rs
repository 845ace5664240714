//! WebAssembly bundles for the wasm32 and wasm64 targets, in two layouts:
//!
//! - an OCI image layout packed as a tar (`{name}-{version}-{arch}.oci.tar`),
//!   following the CNCF "Wasm OCI Artifact layout" ([`oci`]);
//! - a plain `{name}-{version}-{arch}.wasm.tar.gz` with the files and a
//!   `bundle.json` describing every module ([`archive`]).
//!
//! Two format ids: `wasm` writes the layout `[wasm] layout` picks (`oci` by
//! default), `wasm-archive` always writes the archive. When the manifest picks
//! `archive`, both ids name the same artifact, and the pipeline builds it once.
//!
//! Every file that starts with the `\0asm` magic is validated in full by
//! wasmparser ([`inspect`]) and must fit the target's memory width: memory64
//! memories or tables make a module wasm64, 32-bit ones wasm32, and a module
//! without any fits both. A target naming a WASI version refuses binaries
//! made for the other one (a component for `wasip1`, a module importing
//! `wasi_snapshot_preview1` for `wasip2`). Native binaries (ELF, PE, Mach-O)
//! are refused.

pub mod archive;
pub mod inspect;
pub mod oci;

use std::io::{self, Read};

use sha2::{Digest, Sha256};

use crate::error::{Error, IoContext, Result};
use crate::model::{Entry, EntryKind};
use crate::target::{Arch, Os};
use crate::write::hash::hex;
use crate::write::{TarMeta, TarWriter};
use crate::{Events, Format, Package, Target, WriteContext};

use inspect::{InspectError, MemoryWidth, WasmInfo, WasmKind};

/// The targets the wasm formats accept, for messages.
const ACCEPTS: &str = "WebAssembly targets only: wasm32, wasm64, wasm32-wasip1, wasm32-wasip2, \
wasm32-unknown-unknown, wasm64-unknown-unknown";

/// The two layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Oci,
    Archive,
}

impl Layout {
    /// Parses `[wasm] layout`; `None` means the default, OCI.
    pub fn parse(value: Option<&str>) -> Result<Layout> {
        match value {
            None | Some("oci") => Ok(Layout::Oci),
            Some("archive") => Ok(Layout::Archive),
            Some(other) => Err(Error::Invalid(format!(
                "[wasm] layout `{other}` is not a layout; expected `oci` (the default) or `archive`"
            ))),
        }
    }
}

/// A WebAssembly bundle writer.
pub struct WasmBundle {
    /// `None`: the layout comes from `[wasm] layout`.
    forced: Option<Layout>,
}

impl WasmBundle {
    /// `wasm`: the layout `[wasm] layout` picks, OCI by default.
    pub fn new() -> Self {
        Self { forced: None }
    }

    /// `wasm-archive`: always the `.wasm.tar.gz` archive.
    pub fn archive() -> Self {
        Self {
            forced: Some(Layout::Archive),
        }
    }

    fn layout(&self, package: &Package) -> Result<Layout> {
        match self.forced {
            Some(layout) => Ok(layout),
            None => Layout::parse(package.formats.wasm.layout.as_deref()),
        }
    }
}

impl Default for WasmBundle {
    fn default() -> Self {
        Self::new()
    }
}

/// `wasm32` or `wasm64`, as file names and records spell it.
fn arch_name(target: &Target) -> &'static str {
    target.arch.as_str()
}

impl Format for WasmBundle {
    fn id(&self) -> &'static str {
        match self.forced {
            Some(_) => "wasm-archive",
            None => "wasm",
        }
    }

    fn file_name(&self, package: &Package, target: &Target) -> String {
        let stem = format!("{}-{}-{}", package.name, package.version, arch_name(target));
        match self.layout(package).unwrap_or(Layout::Oci) {
            Layout::Oci => format!("{stem}.oci.tar"),
            Layout::Archive => format!("{stem}.wasm.tar.gz"),
        }
    }

    fn accepts(&self, target: &Target) -> Result<()> {
        if target.os == Os::Wasm && matches!(target.arch, Arch::Wasm32 | Arch::Wasm64) {
            return Ok(());
        }
        Err(Error::UnsupportedTarget {
            format: self.id().into(),
            target: target.to_string(),
            accepts: ACCEPTS.into(),
        })
    }

    fn validate(&self, package: &Package, target: &Target) -> Result<()> {
        let layout = self.layout(package)?;
        if layout == Layout::Oci {
            if let Some(link) = package
                .entries
                .iter()
                .find(|e| matches!(e.kind, EntryKind::Symlink { .. }))
            {
                return Err(Error::Invalid(format!(
                    "{}: an OCI artifact holds files only, not symbolic links; \
                     install a copy instead, or set [wasm] layout = \"archive\"",
                    link.path
                )));
            }
        } else if package
            .entries
            .iter()
            .any(|e| e.path == format!("/{}", archive::BUNDLE_JSON))
        {
            return Err(Error::Invalid(format!(
                "/{}: the archive writes its own description there; install the file elsewhere",
                archive::BUNDLE_JSON
            )));
        }
        scan(package, target, Pass::Validate).map(|_| ())
    }

    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut std::fs::File,
    ) -> Result<()> {
        let items = scan(package, target, Pass::Write)?;
        match self.layout(package)? {
            Layout::Oci => oci::write(package, target, ctx, &items, out),
            Layout::Archive => archive::write(package, target, ctx, &items, out),
        }
    }
}

/// One regular file of the package, as the scan found it.
pub struct Item<'a> {
    pub entry: &'a Entry,
    /// Set when the file is a WebAssembly module or component.
    pub module: Option<WasmInfo>,
    /// Lower-case hex; empty after a [`Pass::Validate`] scan of a non-module.
    pub sha256: String,
}

/// Why the files are scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// `Format::validate`: full validation, other files only sniffed.
    Validate,
    /// `write`, after `validate`: every file hashed; function bodies, which
    /// validation already checked, are skipped.
    Write,
}

/// Reads every regular file: validates the WebAssembly ones against the
/// target, refuses native binaries, and in the write pass hashes the rest.
/// Fails when the package holds no WebAssembly binary at all.
pub fn scan<'a>(package: &'a Package, target: &Target, pass: Pass) -> Result<Vec<Item<'a>>> {
    let depth = match pass {
        Pass::Validate => inspect::Depth::Full,
        Pass::Write => inspect::Depth::Sections,
    };
    let mut items = Vec::new();
    for entry in package.entries.iter().filter(|e| e.kind.is_regular()) {
        let name = || describe(entry);
        let mut reader = entry
            .open()
            .context_with(|| format!("cannot read {}", name()))?;
        let mut head = [0u8; inspect::HEAD];
        let got =
            read_head(&mut reader, &mut head).context_with(|| format!("cannot read {}", name()))?;
        let head = &head[..got];
        let chained = head.chain(reader);
        if entry.arch_check && head.starts_with(inspect::MAGIC) {
            let info = inspect::inspect(chained, depth).map_err(|e| match e {
                InspectError::Read(source) => Error::Io {
                    context: format!("cannot read {}", name()),
                    source,
                },
                InspectError::Invalid(why) => Error::Invalid(format!(
                    "{} is not a valid WebAssembly binary: {why}; rebuild it",
                    name()
                )),
            })?;
            check_width(&info, entry, target)?;
            check_wasi(&info, entry, target)?;
            let sha256 = info.sha256.clone();
            items.push(Item {
                entry,
                module: Some(info),
                sha256,
            });
            continue;
        }
        if entry.arch_check {
            if let Some(kind) = inspect::native_kind(head) {
                return Err(Error::Invalid(format!(
                    "{} is {kind}, not WebAssembly; a {} bundle holds only WebAssembly \
                     modules and components (and data files): remove it, or mark it \
                     arch-check = false if it is deliberately foreign",
                    name(),
                    arch_name(target)
                )));
            }
            if entry.path.ends_with(".wasm") {
                return Err(Error::Invalid(format!(
                    "{} ends in .wasm but does not start with the WebAssembly magic `\\0asm`; \
                     rebuild it or rename it",
                    name()
                )));
            }
        }
        let sha256 = if pass == Pass::Write {
            hash(chained).context_with(|| format!("cannot read {}", name()))?
        } else {
            String::new()
        };
        items.push(Item {
            entry,
            module: None,
            sha256,
        });
    }
    if !items.iter().any(|i| i.module.is_some()) {
        return Err(Error::Invalid(format!(
            "the package holds no WebAssembly module or component; a {} bundle needs at \
             least one file starting with the `\\0asm` magic (add the .wasm in [[files]])",
            arch_name(target)
        )));
    }
    Ok(items)
}

/// `/usr/lib/x.wasm (from /src/x.wasm)`: what error messages call an entry.
fn describe(entry: &Entry) -> String {
    match &entry.source {
        crate::Source::Path(path) => format!("{} (from {})", entry.path, path.display()),
        _ => entry.path.clone(),
    }
}

/// Refuses a module whose memories do not match the target's width.
fn check_width(info: &WasmInfo, entry: &Entry, target: &Target) -> Result<()> {
    let (found, other) = match (info.width, target.arch) {
        (MemoryWidth::Bits64, Arch::Wasm32) => ("a wasm64 (memory64)", "wasm64"),
        (MemoryWidth::Bits32, Arch::Wasm64) => ("a wasm32 (32-bit memory)", "wasm32"),
        _ => return Ok(()),
    };
    let what = match info.kind {
        WasmKind::CoreModule => "module",
        WasmKind::Component => "component",
    };
    Err(Error::Invalid(format!(
        "{} is {found} {what}, but the target {target} takes {arch} binaries only; \
         build it for {arch}, or package it for a {other} target",
        describe(entry),
        arch = arch_name(target),
    )))
}

/// Refuses a binary built for the other WASI version than the target names:
/// a component (WASI 0.2) for `wasip1`, a WASI preview 1 module for `wasip2`.
fn check_wasi(info: &WasmInfo, entry: &Entry, target: &Target) -> Result<()> {
    let found = match (target.abi.as_str(), info.kind, info.wasi) {
        ("wasip1", WasmKind::Component, _) => "a component (WASI 0.2, wasip2)",
        ("wasip2", WasmKind::CoreModule, Some("wasip1")) => {
            "a core module importing WASI preview 1 (wasi_snapshot_preview1)"
        }
        _ => return Ok(()),
    };
    let fits = if info.kind == WasmKind::Component {
        "wasip2"
    } else {
        "wasip1"
    };
    Err(Error::Invalid(format!(
        "{} is {found}, but the target {target} is {}; package it for {}-{fits} \
         (or {}-unknown-unknown), or rebuild it for {target}",
        describe(entry),
        target.abi,
        arch_name(target),
        arch_name(target),
    )))
}

/// Fills `buf` as far as the source allows; returns how many bytes it got.
fn read_head(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// SHA-256 of everything `reader` yields, streamed.
fn hash(mut reader: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut reader, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// Copies a file into the tar as `name`, checking that its size and SHA-256
/// still are what the scan found (`expected`, hex).
fn copy_checked<W: io::Write>(
    tar: &mut TarWriter<W>,
    name: &str,
    meta: &TarMeta,
    entry: &Entry,
    expected: &str,
    events: &dyn Events,
) -> Result<()> {
    let reader = entry
        .open()
        .context_with(|| format!("cannot read {}", entry.source_name()))?;
    let mut checked = CheckedReader {
        inner: reader,
        left: entry.size,
        hasher: Sha256::new(),
        events,
    };
    let result = tar.append_file(name, meta, entry.size, &mut checked);
    let changed = || {
        Error::Invalid(format!(
            "{} changed while it was being packaged; rebuild and try again",
            entry.source_name()
        ))
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Err(changed()),
        other => other.context_with(|| format!("cannot write {name} into the bundle"))?,
    }
    let mut more = [0u8; 1];
    let has_more = checked
        .inner
        .read(&mut more)
        .context_with(|| format!("cannot read {}", entry.source_name()))?
        > 0;
    if has_more || hex(&checked.hasher.finalize()) != expected {
        return Err(changed());
    }
    Ok(())
}

/// Yields exactly `left` bytes, hashing them and reporting progress.
struct CheckedReader<'a, R> {
    inner: R,
    left: u64,
    hasher: Sha256,
    events: &'a dyn Events,
}

impl<R: Read> Read for CheckedReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "source shrank",
            ));
        }
        self.hasher.update(&buf[..n]);
        self.left -= n as u64;
        self.events.progress(n as u64);
        Ok(n)
    }
}

/// `os` in the OCI config and in bundle.json: the target's WASI version when
/// it names one, else `wasip2` when a component is inside, else `wasip1`
/// (the spec's value for core modules, WASI or not).
pub fn wasi_os(target: &Target, items: &[Item<'_>]) -> &'static str {
    match target.abi.as_str() {
        "wasip1" => "wasip1",
        "wasip2" => "wasip2",
        _ if items
            .iter()
            .filter_map(|i| i.module.as_ref())
            .any(|m| m.kind == WasmKind::Component) =>
        {
            "wasip2"
        }
        _ => "wasip1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_values() {
        assert_eq!(Layout::parse(None).unwrap(), Layout::Oci);
        assert_eq!(Layout::parse(Some("archive")).unwrap(), Layout::Archive);
        let err = Layout::parse(Some("zip")).unwrap_err().to_string();
        assert!(err.contains("[wasm] layout `zip`"), "{err}");
    }
}
