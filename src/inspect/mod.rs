//! The architecture check: what each packaged file is, and whether it can
//! run on the target.
//!
//! [`identify`] recognises ELF, Mach-O (thin and universal), PE/COFF,
//! WebAssembly and static archives from their bytes (goblin and wasmparser do
//! the parsing) and never panics; everything else is [`Identity::Other`] and
//! passes. [`Identity::fits`] compares what a file is with what a
//! [`Target`] needs: architecture, bit width, byte order and operating
//! system. [`check_package`] runs both over every regular file of a package
//! and returns one error naming every file that does not fit; the pipeline
//! calls it for every target before any format writes.

mod archive;
mod elf;
mod macho;
mod pe;
mod wasm;

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;
use vitte_buildkit_formats::model::Source;
use vitte_buildkit_formats::target::Os;
use vitte_buildkit_formats::{Package, Target};

use crate::error::{Error, Result};
use crate::events::{Event, Listener};

pub use archive::{Archive, Member};
pub use elf::Elf;
pub use macho::{MachO, Slice};
pub use pe::Pe;
pub use wasm::Wasm;

/// Files shorter than this are never binaries.
pub const MIN_BINARY_SIZE: usize = 16;

/// How much of a file [`identify_file`] reads to tell its family.
const SNIFF_SIZE: u64 = 64;

/// How far archives and universal binaries may nest (a fat archive holds
/// archives that hold objects); deeper is reported as malformed.
const MAX_DEPTH: u32 = 3;

/// What a file is, as far as the architecture check cares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "format", rename_all = "kebab-case")]
pub enum Identity {
    /// An ELF executable, shared object, relocatable object or core file.
    Elf(Elf),
    /// A Mach-O file: one slice, or several in a universal (fat) file.
    #[serde(rename = "mach-o")]
    MachO(MachO),
    /// A PE image (EXE, DLL, EFI application) or a COFF object / import member.
    Pe(Pe),
    /// A WebAssembly core module or component.
    Wasm(Wasm),
    /// A static library (`ar` archive: `.a`, `.lib`) holding object files.
    Archive(Archive),
    /// It starts like a binary of this kind but cannot be parsed.
    Malformed { kind: &'static str, error: String },
    /// Anything else: scripts, text, data. Always fits.
    Other,
}

/// The binary families, told apart by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Elf,
    MachO,
    Fat,
    Pe,
    Wasm,
    Archive,
}

/// The family a file's first bytes announce, if any.
fn sniff(bytes: &[u8]) -> Option<Family> {
    if bytes.len() < MIN_BINARY_SIZE {
        return None;
    }
    let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
    match magic {
        [0x7f, b'E', b'L', b'F'] => Some(Family::Elf),
        [0, b'a', b's', b'm'] => Some(Family::Wasm),
        [0xca, 0xfe, 0xba, 0xbe] | [0xca, 0xfe, 0xba, 0xbf] => Some(Family::Fat),
        _ if macho::is_thin_magic(magic) => Some(Family::MachO),
        [b'M', b'Z', ..] => Some(Family::Pe),
        _ if bytes.starts_with(archive::MAGIC) => Some(Family::Archive),
        _ => None,
    }
}

/// What these bytes are. Never panics; fewer than 16 bytes are `Other`.
pub fn identify(bytes: &[u8]) -> Identity {
    identify_at_depth(bytes, 0)
}

fn identify_at_depth(bytes: &[u8], depth: u32) -> Identity {
    match sniff(bytes) {
        None => Identity::Other,
        Some(Family::Elf) => elf::identify(bytes),
        Some(Family::MachO) => macho::identify_thin(bytes),
        Some(Family::Fat) => macho::identify_fat(bytes, depth),
        Some(Family::Pe) => pe::identify(bytes),
        Some(Family::Wasm) => wasm::identify(bytes),
        Some(Family::Archive) => archive::identify(bytes, depth),
    }
}

/// What the file at `path` is. Files that are not binaries are judged from
/// their first 64 bytes; of an ELF file only the headers, the interpreter
/// path and the dynamic segment are read, of a PE file only its headers and
/// .NET header; other binaries are read whole (their parsers need them).
pub fn identify_file(path: &Path) -> Result<Identity> {
    let read_error = |source: io::Error| Error::Read {
        path: path.into(),
        source,
    };
    let mut file = File::open(path).map_err(read_error)?;
    let mut head = Vec::with_capacity(SNIFF_SIZE as usize);
    (&mut file)
        .take(SNIFF_SIZE)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    match sniff(&head) {
        None => Ok(Identity::Other),
        Some(family @ (Family::Elf | Family::Pe)) => {
            let size = file.metadata().map_err(read_error)?.len();
            let mut ranges = FileRanges { reader: file, size };
            match family {
                Family::Elf => elf::identify_ranges(&mut ranges),
                _ => pe::identify_ranges(&mut ranges),
            }
            .map_err(read_error)
        }
        Some(_) => {
            file.read_to_end(&mut head).map_err(read_error)?;
            Ok(identify(&head))
        }
    }
}

/// Where the parts of a binary come from: bytes in memory, or a file read
/// range by range (so a large binary is never read whole).
pub(crate) trait Ranges {
    /// The file's size.
    fn size(&self) -> u64;
    /// The bytes at `offset..offset + len`; `None` when not all in the file.
    fn range(&mut self, offset: u64, len: u64) -> io::Result<Option<Vec<u8>>>;
}

impl Ranges for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }
    fn range(&mut self, offset: u64, len: u64) -> io::Result<Option<Vec<u8>>> {
        let range = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(start, len)| Some(start..start.checked_add(len)?));
        Ok(range.and_then(|r| self.get(r)).map(<[u8]>::to_vec))
    }
}

/// A file (or anything seekable) of a known size, read on demand.
pub(crate) struct FileRanges<R> {
    pub reader: R,
    pub size: u64,
}

impl<R: Read + Seek> Ranges for FileRanges<R> {
    fn size(&self) -> u64 {
        self.size
    }
    fn range(&mut self, offset: u64, len: u64) -> io::Result<Option<Vec<u8>>> {
        match offset.checked_add(len) {
            Some(end) if end <= self.size => {
                let mut bytes = vec![0; len as usize];
                self.reader.seek(SeekFrom::Start(offset))?;
                self.reader.read_exact(&mut bytes)?;
                Ok(Some(bytes))
            }
            _ => Ok(None),
        }
    }
}

impl Identity {
    /// Whether this is machine code or a module (anything but `Other`).
    pub fn is_binary(&self) -> bool {
        !matches!(self, Identity::Other)
    }

    /// Whether this file can run on `target`; the error says what the target
    /// needs instead.
    pub fn fits(&self, target: &Target) -> Result<(), String> {
        match self {
            Identity::Elf(elf) => elf.fits(target),
            Identity::MachO(macho) => macho.fits(target),
            Identity::Pe(pe) => pe.fits(target),
            Identity::Wasm(wasm) => wasm.fits(target),
            Identity::Archive(archive) => archive.fits(target),
            Identity::Malformed { .. } => Err(format!(
                "{} that can be inspected (set arch-check = false if this file is deliberate)",
                wanted(target)
            )),
            Identity::Other => Ok(()),
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Elf(elf) => elf.fmt(f),
            Identity::MachO(macho) => macho.fmt(f),
            Identity::Pe(pe) => pe.fmt(f),
            Identity::Wasm(wasm) => wasm.fmt(f),
            Identity::Archive(archive) => archive.fmt(f),
            Identity::Malformed { kind, error } => write!(f, "malformed {kind} ({error})"),
            Identity::Other => f.write_str("not a binary"),
        }
    }
}

/// The binary a target runs, in words: `an ELF x86_64 binary`.
pub(crate) fn wanted(target: &Target) -> String {
    match target.os {
        Os::Linux => format!("an ELF {} binary", elf::arch_name(target.arch)),
        Os::MacOs => format!("a Mach-O {} binary", macho::wanted_arches(target.arch)),
        Os::Windows => format!("a PE {} binary", pe::arch_name(target.arch)),
        Os::Wasm => format!("a WebAssembly {} module", target.arch),
    }
}

/// Inspects every regular file of `package` for `target`. Entries with
/// `arch_check == false` are skipped and reported as [`Event::Unchecked`].
/// Returns whether any inspected file is a binary; fails with one
/// [`Error::Inspection`] naming every file that does not fit.
pub fn check_package(package: &Package, target: &Target, listener: &dyn Listener) -> Result<bool> {
    let mut has_binaries = false;
    let mut refused = Vec::new();
    for entry in package.entries.iter().filter(|e| e.kind.is_regular()) {
        if matches!(entry.source, Source::None) {
            continue;
        }
        if !entry.arch_check {
            listener.event(Event::Unchecked {
                path: entry.relative_path(),
                target: target.triple(),
            });
            continue;
        }
        let identity = match &entry.source {
            Source::Path(path) => identify_file(path)?,
            Source::Bytes(bytes) => identify(bytes),
            Source::None => continue,
        };
        has_binaries |= identity.is_binary();
        if let Err(needs) = identity.fits(target) {
            refused.push(format!(
                "{}: {identity}, but target {target} needs {needs}",
                entry.relative_path()
            ));
        }
    }
    if refused.is_empty() {
        Ok(has_binaries)
    } else {
        refused.push(
            "if a file is meant for another platform (firmware, a WebAssembly plugin \
             run by a runtime), set `arch-check = false` on its [[files]] entry"
                .into(),
        );
        Err(Error::Inspection(refused.join("\n")))
    }
}
