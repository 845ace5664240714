//! `vitte-buildkit toolchains` (the compilers and linkers found, with their
//! versions) and `vitte-buildkit targets` (per supported target, the
//! toolchain `cross` would use, or what to install). Results go to stdout.

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use super::MessageFormat;
use crate::toolchain::{Toolchains, SUPPORTED_TARGETS};
use crate::Target;

#[derive(clap::Args, Debug)]
pub(super) struct ListArgs {
    /// human, or json: one JSON object per line.
    #[arg(long, value_enum, default_value = "human")]
    message_format: MessageFormat,
}

pub(super) fn toolchains(args: ListArgs) -> ExitCode {
    let found = Toolchains::detect();
    let mut out = std::io::stdout().lock();
    for tool in &found.tools {
        let _ = match args.message_format {
            MessageFormat::Json => {
                let mut value = json!({"reason": "toolchain"});
                if let (Some(line), Ok(serde_json::Value::Object(fields))) =
                    (value.as_object_mut(), serde_json::to_value(tool))
                {
                    line.extend(fields);
                }
                writeln!(out, "{value}")
            }
            MessageFormat::Human => {
                let targets = if tool.targets.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", tool.targets.join(", "))
                };
                writeln!(
                    out,
                    "{:<5} {:<24} {:<8} {}{targets}",
                    tool.family,
                    tool.name,
                    tool.version,
                    tool.path.display()
                )
            }
        };
    }
    if found.tools.is_empty() && args.message_format == MessageFormat::Human {
        let _ = writeln!(out, "no compiler found on PATH (looked for clang, gcc and cross gcc, musl-gcc, rustc, cargo, zig)");
    }
    ExitCode::SUCCESS
}

pub(super) fn targets(args: ListArgs) -> ExitCode {
    let found = Toolchains::detect();
    let mut out = std::io::stdout().lock();
    for triple in SUPPORTED_TARGETS {
        let Ok(target) = Target::parse(triple) else {
            continue;
        };
        let builder = found.builder_for(&target);
        let _ = match (args.message_format, &builder) {
            (MessageFormat::Json, Ok(b)) => writeln!(
                out,
                "{}",
                json!({"reason": "target", "target": triple, "toolchain": b.description, "compiler": b.compiler, "missing": null})
            ),
            (MessageFormat::Json, Err(missing)) => writeln!(
                out,
                "{}",
                json!({"reason": "target", "target": triple, "toolchain": null, "compiler": null, "missing": missing.hint})
            ),
            (MessageFormat::Human, Ok(b)) => writeln!(out, "{triple:<30} {}", b.description),
            (MessageFormat::Human, Err(missing)) => {
                writeln!(out, "{triple:<30} missing: {missing}")
            }
        };
    }
    ExitCode::SUCCESS
}
