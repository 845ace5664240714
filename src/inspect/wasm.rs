//! WebAssembly (wasmparser): a core module or a component; wasm64 when any
//! memory it defines or imports is 64-bit (memory64), else wasm32. The
//! module is validated in full with the features its target enables
//! (the default feature set, without memory64 for wasm32).

use std::fmt;

use serde::Serialize;
use vitte_buildkit_formats::target::Os;
use vitte_buildkit_formats::Target;
use wasmparser::{Encoding, Parser, Payload, TypeRef, Validator, WasmFeatures};

use super::{wanted, Identity};

/// What a WebAssembly file is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Wasm {
    /// `true` for a component (component model), `false` for a core module.
    pub component: bool,
    /// 64 when a memory is 64-bit, else 32.
    pub bits: u32,
    /// Why validation failed, if it did.
    pub invalid: Option<String>,
}

pub(super) fn identify(bytes: &[u8]) -> Identity {
    let mut component = false;
    let mut memory64 = false;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = match payload {
            Ok(payload) => payload,
            Err(e) => {
                return Identity::Malformed {
                    kind: "WebAssembly",
                    error: e.to_string(),
                }
            }
        };
        match payload {
            Payload::Version { encoding, .. } => component |= encoding == Encoding::Component,
            Payload::MemorySection(reader) => {
                memory64 |= reader.into_iter().flatten().any(|m| m.memory64);
            }
            Payload::ImportSection(reader) => {
                memory64 |= reader
                    .into_imports()
                    .flatten()
                    .any(|i| matches!(i.ty, TypeRef::Memory(m) if m.memory64));
            }
            _ => {}
        }
    }
    let mut features = WasmFeatures::default();
    if !memory64 {
        features.remove(WasmFeatures::MEMORY64);
    }
    let invalid = Validator::new_with_features(features)
        .validate_all(bytes)
        .err()
        .map(|e| e.to_string());
    Identity::Wasm(Wasm {
        component,
        bits: if memory64 { 64 } else { 32 },
        invalid,
    })
}

impl Wasm {
    pub(super) fn fits(&self, target: &Target) -> Result<(), String> {
        if target.os != Os::Wasm {
            return Err(wanted(target));
        }
        if self.bits != target.arch.bits() {
            return Err(target.arch.to_string());
        }
        if self.component && target.abi != "wasip2" {
            return Err("a core module (components need a wasm32-wasip2 target)".into());
        }
        match &self.invalid {
            Some(error) => Err(format!("a valid module ({error})")),
            None => Ok(()),
        }
    }
}

impl fmt::Display for Wasm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.component {
            "component"
        } else {
            "core module"
        };
        write!(f, "WebAssembly wasm{} {what}", self.bits)?;
        if self.invalid.is_some() {
            f.write_str(" (invalid)")?;
        }
        Ok(())
    }
}
