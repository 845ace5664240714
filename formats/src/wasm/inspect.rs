//! Reads one WebAssembly binary as a stream: full validation with wasmparser
//! and what the bundle records about it (core module or component, memory
//! width, imports, exports, WASI version, size, SHA-256).
//!
//! The parser is fed from a reader in pieces: function bodies arrive one by
//! one, other sections whole, and the contents of large top-level custom
//! sections (debug information), which validation ignores, are hashed and
//! dropped before the parser sees them. Memory holds at most one data,
//! element or similar section, never the whole file.

use std::io::{self, Read};

use serde::Serialize;
use sha2::{Digest, Sha256};
use wasmparser::{
    Chunk, ComponentExternalKind, ExternalKind, FuncValidatorAllocations, Parser, Payload, TypeRef,
    ValidPayload, Validator, WasmFeatures,
};

use crate::write::hash::hex;

/// The four bytes every WebAssembly binary starts with.
pub const MAGIC: &[u8; 4] = b"\0asm";

/// Whether the binary is a core module or a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WasmKind {
    CoreModule,
    Component,
}

/// The width of the linear memories a binary declares or imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryWidth {
    /// No memory and no table at all: runs on wasm32 and wasm64 alike.
    None,
    /// 32-bit memories (or tables) only.
    Bits32,
    /// At least one memory64 memory or table64 table.
    Bits64,
}

/// One import: `module` is the core module name (`None` for a component's
/// imports, which have a single name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Import {
    pub module: Option<String>,
    pub name: String,
    pub kind: &'static str,
}

/// One export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Export {
    pub name: String,
    pub kind: &'static str,
}

/// What a validated binary is.
#[derive(Clone, Debug)]
pub struct WasmInfo {
    pub kind: WasmKind,
    pub width: MemoryWidth,
    /// Top-level imports, in binary order.
    pub imports: Vec<Import>,
    /// Top-level exports, in binary order.
    pub exports: Vec<Export>,
    /// `wasip1` for imports from `wasi_snapshot_preview1`, `wasip2` for a
    /// component importing `wasi:` interfaces, else `None`.
    pub wasi: Option<&'static str>,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// Why a binary was refused.
#[derive(Debug)]
pub enum InspectError {
    Read(io::Error),
    /// Not valid WebAssembly: wasmparser's message, with the byte offset.
    Invalid(String),
}

/// The features every bundle accepts: the WebAssembly 3.0 set (which holds
/// memory64) plus the component model. Which memory width fits the target is
/// checked on the result, so the message can say what was found.
fn features() -> WasmFeatures {
    WasmFeatures::WASM3 | WasmFeatures::COMPONENT_MODEL
}

/// Bytes asked of the reader at least, and at most, per read.
const READ_SIZE: usize = 64 * 1024;
const MAX_READ: usize = 1 << 20;

/// How much of the binary to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    /// Full validation: every section and every function body.
    Full,
    /// Every section, but not the function bodies: for a binary that was
    /// validated in full moments before (`Format::validate`), when only its
    /// description and digest are wanted again.
    Sections,
}

/// Validates the binary read from `reader` and describes it.
pub fn inspect(reader: impl Read, depth: Depth) -> Result<WasmInfo, InspectError> {
    let mut reader = CustomSkipper::new(reader);
    let mut validator = Validator::new_with_features(features());
    let mut parser = Parser::new(0);
    let mut parents: Vec<Parser> = Vec::new();
    let mut allocations = FuncValidatorAllocations::default();
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = false;
    let mut info = WasmInfo {
        kind: WasmKind::CoreModule,
        width: MemoryWidth::None,
        imports: Vec::new(),
        exports: Vec::new(),
        wasi: None,
        size: 0,
        sha256: String::new(),
    };
    // `buf[pos..]` is read but not yet parsed; what is before `pos` is
    // dropped only when more is read, so each byte moves at most once.
    let mut pos = 0;
    loop {
        let chunk = parser
            .parse(&buf[pos..], eof)
            .map_err(|e| reader.invalid(&e))?;
        let (payload, consumed) = match chunk {
            Chunk::NeedMoreData(hint) => {
                buf.drain(..pos);
                pos = 0;
                let start = buf.len();
                let want = hint.clamp(READ_SIZE, MAX_READ);
                buf.resize(start + want, 0);
                let n = read_some(&mut reader, &mut buf[start..]).map_err(InspectError::Read)?;
                buf.truncate(start + n);
                eof = n == 0;
                continue;
            }
            Chunk::Parsed { consumed, payload } => (payload, consumed),
        };
        let top = parents.is_empty();
        record(&mut info, &payload, top).map_err(|e| reader.invalid(&e))?;
        let end = match validator
            .payload(&payload)
            .map_err(|e| reader.invalid(&e))?
        {
            ValidPayload::Ok => false,
            ValidPayload::Parser(nested) => {
                parents.push(std::mem::replace(&mut parser, nested));
                false
            }
            ValidPayload::Func(_, _) if depth == Depth::Sections => false,
            ValidPayload::Func(func, body) => {
                let mut func = func.into_validator(std::mem::take(&mut allocations));
                func.validate(&body).map_err(|e| reader.invalid(&e))?;
                allocations = func.into_allocations();
                false
            }
            ValidPayload::End(_) => match parents.pop() {
                Some(parent) => {
                    parser = parent;
                    false
                }
                None => true,
            },
        };
        pos += consumed;
        if end {
            break;
        }
    }
    // Anything after the end of the binary is an error, as in a file reader.
    if pos < buf.len() || read_some(&mut reader, &mut [0u8; 1]).map_err(InspectError::Read)? > 0 {
        return Err(InspectError::Invalid(
            "unexpected bytes after the end of the binary".into(),
        ));
    }
    info.size = reader.size;
    info.sha256 = hex(&reader.hasher.finalize());
    Ok(info)
}

/// Custom sections larger than this are cut down to their name before the
/// parser sees them: wasmparser takes every section but the code section
/// whole, and debug information (`.debug_info`, …) can be most of a file.
const CUSTOM_KEEP: u64 = 64 * 1024;
/// Longest custom-section name kept; a longer one disables the cut.
const CUSTOM_NAME_MAX: u64 = 4096;

/// A reader between the file and the parser: hashes and counts every byte
/// of the file, and passes it on, except the contents of large top-level
/// custom sections, which validation ignores. Such a section reaches the
/// parser as a custom section with the same name and no contents, so the
/// name is still checked; `drops` maps the parser's offsets back to the file's.
struct CustomSkipper<R> {
    inner: R,
    hasher: Sha256,
    /// Bytes read from the file.
    size: u64,
    /// Bytes handed to the parser.
    emitted: u64,
    /// Bytes to hand on before the next section header.
    pending: Vec<u8>,
    pending_at: usize,
    /// Bytes of the current section's contents still to pass through.
    passing: u64,
    state: SkipState,
    /// (offset in the parser's stream, bytes dropped before it), ascending.
    drops: Vec<(u64, u64)>,
}

#[derive(PartialEq, Eq)]
enum SkipState {
    /// Before the 8-byte preamble.
    Preamble,
    /// At a top-level section boundary.
    Sections,
    /// Something unexpected: pass everything through for the parser to judge.
    Raw,
}

impl<R: Read> CustomSkipper<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            size: 0,
            emitted: 0,
            pending: Vec::new(),
            pending_at: 0,
            passing: 0,
            state: SkipState::Preamble,
            drops: Vec::new(),
        }
    }

    /// A parser error with the offset in the file.
    fn invalid(&self, e: &wasmparser::BinaryReaderError) -> InspectError {
        let dropped = self
            .drops
            .iter()
            .take_while(|(at, _)| *at <= e.offset())
            .last()
            .map_or(0, |(_, total)| *total);
        InspectError::Invalid(format!(
            "{} (at offset {:#x})",
            e.message(),
            e.offset() + dropped
        ))
    }

    /// Reads from the file, hashing and counting.
    fn raw(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_some(&mut self.inner, buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    /// Reads one byte of the file into `taken`; false at the end.
    fn take_byte(&mut self, taken: &mut Vec<u8>) -> io::Result<bool> {
        let mut byte = [0u8; 1];
        if self.raw(&mut byte)? == 0 {
            return Ok(false);
        }
        taken.push(byte[0]);
        Ok(true)
    }

    /// Reads an unsigned LEB128 of at most 5 bytes into `taken`.
    fn take_leb(&mut self, taken: &mut Vec<u8>) -> io::Result<Option<u64>> {
        let mut value = 0u64;
        for shift in (0..35).step_by(7) {
            if !self.take_byte(taken)? {
                return Ok(None);
            }
            let byte = taken[taken.len() - 1];
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// Reads the next section header and decides what the parser gets.
    fn next_section(&mut self) -> io::Result<()> {
        let mut taken = Vec::new();
        if !self.take_byte(&mut taken)? {
            return Ok(());
        }
        let id = taken[0];
        let Some(size) = self.take_leb(&mut taken)? else {
            self.state = SkipState::Raw;
            self.pending = taken;
            return Ok(());
        };
        if id != 0 || size <= CUSTOM_KEEP {
            self.pending = taken;
            self.passing = size;
            return Ok(());
        }
        let header = taken.len() as u64;
        let name_start = taken.len();
        let name_len = match self.take_leb(&mut taken)? {
            Some(len) if len <= CUSTOM_NAME_MAX => len,
            _ => {
                // Let the parser see the section as it is.
                self.passing = size - (taken.len() - name_start) as u64;
                self.pending = taken;
                return Ok(());
            }
        };
        let name_field = (taken.len() - name_start) as u64 + name_len;
        if name_field > size {
            self.passing = size - (taken.len() - name_start) as u64;
            self.pending = taken;
            return Ok(());
        }
        for _ in 0..name_len {
            if !self.take_byte(&mut taken)? {
                self.state = SkipState::Raw;
                self.pending = taken;
                return Ok(());
            }
        }
        let mut left = size - name_field;
        let mut sink = vec![0u8; READ_SIZE];
        while left > 0 {
            let want = usize::try_from(left.min(READ_SIZE as u64)).unwrap_or(READ_SIZE);
            let n = self.raw(&mut sink[..want])?;
            if n == 0 {
                // Truncated: hand on the header as read, the parser reports it.
                self.state = SkipState::Raw;
                self.pending = taken;
                return Ok(());
            }
            left -= n as u64;
        }
        let mut out = vec![0u8];
        leb(&mut out, name_field);
        out.extend_from_slice(&taken[name_start..]);
        let dropped = header + size - out.len() as u64;
        let before = self.drops.last().map_or(0, |(_, total)| *total);
        self.drops
            .push((self.emitted + out.len() as u64, before + dropped));
        self.pending = out;
        Ok(())
    }
}

impl<R: Read> Read for CustomSkipper<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pending_at < self.pending.len() {
                let n = buf.len().min(self.pending.len() - self.pending_at);
                buf[..n].copy_from_slice(&self.pending[self.pending_at..self.pending_at + n]);
                self.pending_at += n;
                self.emitted += n as u64;
                return Ok(n);
            }
            self.pending.clear();
            self.pending_at = 0;
            if self.passing > 0 {
                let max = buf
                    .len()
                    .min(usize::try_from(self.passing).unwrap_or(usize::MAX));
                let n = self.raw(&mut buf[..max])?;
                // At the end of the file the parser reports the short section.
                self.passing = if n == 0 { 0 } else { self.passing - n as u64 };
                self.emitted += n as u64;
                return Ok(n);
            }
            match self.state {
                SkipState::Raw => {
                    let n = self.raw(buf)?;
                    self.emitted += n as u64;
                    return Ok(n);
                }
                SkipState::Preamble => {
                    let mut taken = Vec::new();
                    while taken.len() < 8 && self.take_byte(&mut taken)? {}
                    self.state = if taken.len() == 8 && taken.starts_with(MAGIC) {
                        SkipState::Sections
                    } else {
                        SkipState::Raw
                    };
                    self.pending = taken;
                }
                SkipState::Sections => {
                    self.next_section()?;
                    if self.pending.is_empty() && self.passing == 0 {
                        // The end of the file, at a section boundary.
                        return Ok(0);
                    }
                }
            }
        }
    }
}

/// Appends `value` as unsigned LEB128.
fn leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads at least one byte unless at the end, retrying on interruption.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Notes what a payload says about the binary; `top` is false inside nested
/// modules and components, whose imports and exports stay internal.
fn record(
    info: &mut WasmInfo,
    payload: &Payload<'_>,
    top: bool,
) -> Result<(), wasmparser::BinaryReaderError> {
    match payload {
        Payload::Version {
            encoding: wasmparser::Encoding::Component,
            ..
        } if top => info.kind = WasmKind::Component,
        Payload::ImportSection(section) => {
            for import in section.clone().into_imports() {
                let import = import?;
                match import.ty {
                    TypeRef::Memory(m) => widen(info, m.memory64),
                    TypeRef::Table(t) => widen(info, t.table64),
                    _ => {}
                }
                if top {
                    if import.module == "wasi_snapshot_preview1" {
                        info.wasi = Some("wasip1");
                    }
                    info.imports.push(Import {
                        module: Some(import.module.to_string()),
                        name: import.name.to_string(),
                        kind: core_type_kind(&import.ty),
                    });
                }
            }
        }
        Payload::MemorySection(section) => {
            for memory in section.clone() {
                widen(info, memory?.memory64);
            }
        }
        Payload::TableSection(section) => {
            for table in section.clone() {
                widen(info, table?.ty.table64);
            }
        }
        Payload::ExportSection(section) if top => {
            for export in section.clone() {
                let export = export?;
                info.exports.push(Export {
                    name: export.name.to_string(),
                    kind: core_export_kind(export.kind),
                });
            }
        }
        Payload::ComponentImportSection(section) if top => {
            for import in section.clone() {
                let import = import?;
                if import.name.name.starts_with("wasi:") {
                    info.wasi = Some("wasip2");
                }
                info.imports.push(Import {
                    module: None,
                    name: import.name.name.to_string(),
                    kind: component_kind(import.ty.kind()),
                });
            }
        }
        Payload::ComponentExportSection(section) if top => {
            for export in section.clone() {
                let export = export?;
                info.exports.push(Export {
                    name: export.name.name.to_string(),
                    kind: component_kind(export.kind),
                });
            }
        }
        _ => {}
    }
    Ok(())
}

fn widen(info: &mut WasmInfo, is64: bool) {
    info.width = match (info.width, is64) {
        (_, true) | (MemoryWidth::Bits64, _) => MemoryWidth::Bits64,
        _ => MemoryWidth::Bits32,
    };
}

fn core_type_kind(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Func(_) | TypeRef::FuncExact(_) => "func",
        TypeRef::Table(_) => "table",
        TypeRef::Memory(_) => "memory",
        TypeRef::Global(_) => "global",
        TypeRef::Tag(_) => "tag",
    }
}

fn core_export_kind(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "func",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}

fn component_kind(kind: ComponentExternalKind) -> &'static str {
    match kind {
        ComponentExternalKind::Module => "module",
        ComponentExternalKind::Func => "func",
        ComponentExternalKind::Value => "value",
        ComponentExternalKind::Type => "type",
        ComponentExternalKind::Instance => "instance",
        ComponentExternalKind::Component => "component",
    }
}

/// Bytes of a file's start [`native_kind`] looks at.
pub const HEAD: usize = 64;

/// What the first bytes of a file (up to [`HEAD`]) say it is, when it is a
/// native binary a WebAssembly bundle must not hold.
pub fn native_kind(head: &[u8]) -> Option<&'static str> {
    let be32 = |at: usize| {
        head.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let le32 = |at: usize| {
        head.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    match head {
        [0x7f, b'E', b'L', b'F', ..] => Some("an ELF binary"),
        // DOS header whose e_lfanew points just past itself, where PE
        // headers start: text that happens to begin with `MZ` does not.
        [b'M', b'Z', ..] if le32(0x3c).is_some_and(|at| (0x40..0x1000).contains(&at)) => {
            Some("a PE (Windows) binary")
        }
        [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => {
            Some("a Mach-O binary")
        }
        // A fat header counts its architectures; Java class files, which share
        // the magic, have their version (45 and up) there instead.
        [0xca, 0xfe, 0xba, 0xbe | 0xbf, ..] if be32(4).is_some_and(|n| (1..20).contains(&n)) => {
            Some("a Mach-O universal binary")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A component importing one WASI instance and exporting it again
    /// (written by `tests/fixtures/wasm/build.sh`).
    fn component() -> Vec<u8> {
        include_bytes!("../../tests/fixtures/wasm/component.wasm").to_vec()
    }

    #[test]
    fn a_component_is_recognised_with_its_wasi_imports() {
        let info = inspect(&component()[..], Depth::Full).unwrap();
        assert_eq!(info.kind, WasmKind::Component);
        assert_eq!(info.wasi, Some("wasip2"));
        assert_eq!(info.width, MemoryWidth::None);
        assert_eq!(info.imports[0].name, "wasi:cli/environment@0.2.0");
        assert_eq!(info.imports[0].kind, "instance");
        assert_eq!(info.exports[0].name, "env");
    }

    #[test]
    fn native_binaries_are_told_from_text_that_starts_alike() {
        let mut pe = vec![0u8; HEAD];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        assert_eq!(native_kind(&pe), Some("a PE (Windows) binary"));
        let text = b"MZ is how this README starts, and it goes on for a while longer.";
        assert_eq!(native_kind(text), None);
        assert_eq!(native_kind(b"\x7fELF\x02\x01"), Some("an ELF binary"));
        assert_eq!(
            native_kind(&[0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]),
            Some("a Mach-O binary")
        );
        assert_eq!(
            native_kind(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]),
            Some("a Mach-O universal binary")
        );
        // A Java class file, version 52.
        assert_eq!(native_kind(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), None);
    }

    fn hello32() -> Vec<u8> {
        include_bytes!("../../tests/fixtures/wasm/hello32.wasm").to_vec()
    }

    /// A custom section `name` holding `len` bytes.
    fn custom(name: &str, len: usize) -> Vec<u8> {
        let mut contents = Vec::new();
        leb(&mut contents, name.len() as u64);
        contents.extend(name.as_bytes());
        contents.extend((0..len).map(|i| (i % 251) as u8));
        let mut section = vec![0u8];
        leb(&mut section, contents.len() as u64);
        section.extend(contents);
        section
    }

    #[test]
    fn large_custom_sections_are_hashed_but_not_held() {
        for (before, after) in [(1, 0), (0, 1), (1, 1)] {
            let mut bytes = hello32();
            // Custom sections may stand between any two sections: put one
            // right after the preamble and/or at the end.
            if before == 1 {
                let big = custom(".debug_info", 3 << 20);
                bytes.splice(8..8, big);
            }
            if after == 1 {
                bytes.extend(custom(".debug_line", 200_000));
                bytes.extend(custom("small", 100));
            }
            let info = inspect(&bytes[..], Depth::Full).unwrap();
            assert_eq!(info.size, bytes.len() as u64);
            assert_eq!(info.sha256, hex(&Sha256::digest(&bytes)));
            assert_eq!(info.exports.len(), 10);
        }
    }

    #[test]
    fn errors_after_a_cut_section_give_the_offset_in_the_file() {
        let mut bytes = hello32();
        bytes.extend(custom(".debug_info", 300_000));
        // A section id no proposal uses.
        bytes.extend([0x7e, 0x00]);
        let Err(InspectError::Invalid(message)) = inspect(&bytes[..], Depth::Full) else {
            panic!("accepted a bad section id");
        };
        // wasmparser on the whole file in memory, nothing cut, says the same.
        let Err(whole) = Validator::new_with_features(features()).validate_all(&bytes) else {
            panic!("wasmparser accepted a bad section id");
        };
        let whole = whole.to_string();
        assert_eq!(message, whole);
        // A custom section whose name is not UTF-8 is still refused.
        let mut bad_name = hello32();
        let mut section = custom("x", 100_000);
        section[5] = 0xff;
        bad_name.extend(section);
        assert!(matches!(
            inspect(&bad_name[..], Depth::Full),
            Err(InspectError::Invalid(_))
        ));
        // A cut section the file ends inside of is refused too.
        let mut short = hello32();
        let section = custom(".debug_info", 100_000);
        short.extend(&section[..50_000]);
        assert!(matches!(
            inspect(&short[..], Depth::Full),
            Err(InspectError::Invalid(_))
        ));
    }

    #[test]
    fn broken_and_truncated_binaries_are_invalid() {
        let good = component();
        for bad in [
            &good[..good.len() - 3],
            &b"\0asm\x01\0\0\0\x01\xff"[..],
            b"\0asm",
        ] {
            assert!(matches!(
                inspect(bad, Depth::Full),
                Err(InspectError::Invalid(_))
            ));
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(matches!(
            inspect(&trailing[..], Depth::Full),
            Err(InspectError::Invalid(_))
        ));
    }
}
