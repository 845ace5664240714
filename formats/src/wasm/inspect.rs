//! Reads one WebAssembly binary as a stream: full validation with wasmparser
//! and what the bundle records about it (core module or component, memory
//! width, imports, exports, WASI version, size, SHA-256).
//!
//! The parser is fed from a reader in pieces, so memory holds at most one
//! section at a time (function bodies one by one), never the whole file.

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
pub fn inspect(mut reader: impl Read, depth: Depth) -> Result<WasmInfo, InspectError> {
    let mut validator = Validator::new_with_features(features());
    let mut parser = Parser::new(0);
    let mut parents: Vec<Parser> = Vec::new();
    let mut allocations = FuncValidatorAllocations::default();
    let mut hasher = Sha256::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut size = 0u64;
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
    let invalid = |e: wasmparser::BinaryReaderError| InspectError::Invalid(e.to_string());
    // `buf[pos..]` is read but not yet parsed; what is before `pos` is
    // dropped only when more is read, so each byte moves at most once.
    let mut pos = 0;
    loop {
        let (payload, consumed) = match parser.parse(&buf[pos..], eof).map_err(invalid)? {
            Chunk::NeedMoreData(hint) => {
                buf.drain(..pos);
                pos = 0;
                let start = buf.len();
                let want = hint.clamp(READ_SIZE, MAX_READ);
                buf.resize(start + want, 0);
                let n = read_some(&mut reader, &mut buf[start..]).map_err(InspectError::Read)?;
                buf.truncate(start + n);
                hasher.update(&buf[start..]);
                size += n as u64;
                eof = n == 0;
                continue;
            }
            Chunk::Parsed { consumed, payload } => (payload, consumed),
        };
        let top = parents.is_empty();
        record(&mut info, &payload, top).map_err(invalid)?;
        let end = match validator.payload(&payload).map_err(invalid)? {
            ValidPayload::Ok => false,
            ValidPayload::Parser(nested) => {
                parents.push(std::mem::replace(&mut parser, nested));
                false
            }
            ValidPayload::Func(_, _) if depth == Depth::Sections => false,
            ValidPayload::Func(func, body) => {
                let mut func = func.into_validator(std::mem::take(&mut allocations));
                func.validate(&body).map_err(invalid)?;
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
        let end = size - (buf.len() - pos) as u64;
        return Err(InspectError::Invalid(format!(
            "unexpected bytes after the end of the binary (offset {end})"
        )));
    }
    info.size = size;
    info.sha256 = hex(&hasher.finalize());
    Ok(info)
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
