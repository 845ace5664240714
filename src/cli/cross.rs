//! `vitte-buildkit cross --target T [-- COMMAND…]`: build for T with the
//! detected toolchain, check the outputs the manifest lists against T, and
//! package them when `--format` is given.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::{MessageFormat, OutputArgs};
use crate::buildkit::BuildKit;

#[derive(clap::Args, Debug)]
pub(super) struct CrossArgs {
    /// The target: a triple or a short form (aarch64-linux, x86_64-windows, wasm32).
    #[arg(short, long, value_name = "T")]
    target: String,
    #[command(flatten)]
    project: super::ProjectArgs,
    /// After the build, package these formats (comma separated, or `all`).
    #[arg(short, long, value_name = "F[,F…]", value_delimiter = ',')]
    format: Vec<String>,
    /// Output folder for the packages.
    #[arg(short, long, value_name = "DIR", default_value = "dist")]
    out: PathBuf,
    /// Compression threads (default: every core).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<u32>,
    #[command(flatten)]
    cache: super::cache::CacheArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// The build command (default: `[build] command` of the manifest).
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

pub(super) fn run(args: CrossArgs) -> ExitCode {
    let reporter = args.output.reporter();
    let mut kit = args.project.apply(
        BuildKit::new()
            .listener(reporter.listener())
            .target(&args.target),
    );
    for format in &args.format {
        kit = kit.format(format);
    }
    if let Some(jobs) = args.jobs {
        kit = kit.threads(jobs);
    }
    kit = args.cache.apply(kit);
    let json = args.output.message_format == MessageFormat::Json;
    let status = |word: &str, text: &str| {
        if !args.output.quiet && !json {
            eprintln!("{word:>12} {text}");
        }
    };
    let result = kit
        .cross_options(&args.command, &args.out)
        .and_then(crate::cross::prepare)
        .and_then(|cross| {
            let target = cross.target().to_string();
            if json {
                println!(
                    "{}",
                    json!({"reason": "build", "target": target, "toolchain": cross.builder().description, "command": cross.command_line()})
                );
            }
            status(
                "Building",
                &format!("for {target} with {}", cross.builder().description),
            );
            if args.output.verbose {
                for (key, value) in &cross.builder().env {
                    status("", &format!("{key}={value}"));
                }
                status("Running", cross.command_line());
            }
            let artifacts = cross.run(reporter.listener())?;
            if json {
                println!("{}", json!({"reason": "checked", "target": target}));
            }
            if artifacts.is_empty() {
                status("Checked", &format!("every file listed fits {target}"));
            }
            Ok(artifacts)
        });
    reporter.finish(
        result
            .as_ref()
            .map(|_| ())
            .map_err(|e| e as &dyn std::error::Error),
    )
}
