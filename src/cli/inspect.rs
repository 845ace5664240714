//! `vitte-buildkit inspect FILE…`: what each file is, as the architecture
//! check sees it, and optionally whether it fits a target.
//!
//! Human output: one line per file (`path: ELF x86_64 executable`) and the
//! details indented below it. JSON output (`--message-format json`): one
//! object per file on stdout, `{"reason": "inspected", "path", "description",
//! "binary", "format", …}` with the fields of the file's format (see
//! docs/inspect.md), plus `"target"`, `"fits"` and `"needs"` with `--target`;
//! a file that cannot be read gives `{"reason": "error", "path", "message"}`.
//! Exit code 1 when a file cannot be read or does not fit the target.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{json, Value};
use vitte_buildkit_formats::Target;

use super::MessageFormat;
use crate::inspect::{identify_file, Identity};

#[derive(clap::Args, Debug)]
pub(super) struct InspectArgs {
    /// Files to inspect.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Also check each file against this target (a triple or short form).
    #[arg(short, long, value_name = "T")]
    target: Option<String>,
    /// human, or json: one JSON object per file.
    #[arg(long, value_enum, default_value = "human")]
    message_format: MessageFormat,
}

pub(super) fn run(args: InspectArgs) -> ExitCode {
    let target = match args.target.as_deref().map(Target::parse).transpose() {
        Ok(target) => target,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let json = args.message_format == MessageFormat::Json;
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in &args.files {
        let shown = path.display().to_string();
        let identity = match identify_file(path) {
            Ok(identity) => identity,
            Err(e) => {
                failed = true;
                if json {
                    let _ = writeln!(
                        out,
                        "{}",
                        json!({"reason": "error", "path": shown, "message": e.to_string()})
                    );
                } else {
                    eprintln!("error: {e}");
                }
                continue;
            }
        };
        let fit = target.as_ref().map(|t| (t, identity.fits(t)));
        failed |= matches!(fit, Some((_, Err(_))));
        let line = if json {
            json_record(&shown, &identity, fit.as_ref()).to_string()
        } else {
            human_record(&shown, &identity, fit.as_ref())
        };
        let _ = writeln!(out, "{line}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

type Fit<'a> = (&'a Target, Result<(), String>);

fn json_record(path: &str, identity: &Identity, fit: Option<&Fit>) -> Value {
    let mut record = serde_json::Map::new();
    record.insert("reason".into(), "inspected".into());
    record.insert("path".into(), path.into());
    record.insert("description".into(), identity.to_string().into());
    record.insert("binary".into(), identity.is_binary().into());
    if let Ok(Value::Object(fields)) = serde_json::to_value(identity) {
        record.extend(fields);
    }
    if let Some((target, result)) = fit {
        record.insert("target".into(), target.triple().into());
        record.insert("fits".into(), result.is_ok().into());
        if let Err(needs) = result {
            record.insert("needs".into(), needs.as_str().into());
        }
    }
    Value::Object(record)
}

fn human_record(path: &str, identity: &Identity, fit: Option<&Fit>) -> String {
    let mut text = format!("{path}: {identity}");
    for (key, value) in details(identity) {
        text.push_str(&format!("\n    {key}: {value}"));
    }
    match fit {
        Some((target, Ok(()))) => text.push_str(&format!("\n    fits {target}")),
        Some((target, Err(needs))) => {
            text.push_str(&format!("\n    does not fit {target}, which needs {needs}"))
        }
        None => {}
    }
    text
}

/// The fields worth a line of their own in the human output.
fn details(identity: &Identity) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    match identity {
        Identity::Elf(elf) => {
            lines.push(("class", format!("{}-bit, {}-endian", elf.bits, elf.endian)));
            lines.push(("os-abi", elf.os_abi.clone()));
            if let Some(interpreter) = &elf.interpreter {
                lines.push(("interpreter", interpreter.clone()));
            }
            if let Some(libc) = elf.libc {
                lines.push(("libc", libc.to_string()));
            }
            if let Some(float) = elf.float_abi {
                lines.push(("float-abi", float.to_string()));
            }
        }
        Identity::MachO(macho) => {
            for slice in &macho.slices {
                let platform = slice.platform.map(|p| format!(", {p}")).unwrap_or_default();
                lines.push((
                    "slice",
                    format!(
                        "{} {}, {}-bit{platform}",
                        slice.arch, slice.kind, slice.bits
                    ),
                ));
            }
        }
        Identity::Pe(pe) => {
            lines.push(("bits", pe.bits.to_string()));
            if let Some(subsystem) = &pe.subsystem {
                lines.push(("subsystem", subsystem.clone()));
            }
            if let Some(platform) = pe.dotnet {
                lines.push((".net", platform.to_string()));
            }
        }
        Identity::Wasm(wasm) => {
            if let Some(error) = &wasm.invalid {
                lines.push(("invalid", error.clone()));
            }
        }
        Identity::Archive(archive) => {
            for member in &archive.members {
                lines.push((
                    "members",
                    format!(
                        "{} × {} (first: {})",
                        member.count, member.identity, member.name
                    ),
                ));
            }
        }
        Identity::Malformed { .. } | Identity::Other => {}
    }
    lines
}
