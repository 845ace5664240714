//! `vitte-buildkit export`: one reproducible archive of an output folder.

use std::path::PathBuf;
use std::process::ExitCode;

use super::OutputArgs;
use crate::buildkit::BuildKit;

#[derive(clap::Args, Debug)]
pub(super) struct ExportArgs {
    /// The archive format: tar.gz, tar.xz, tar.zst or zip.
    #[arg(short, long, value_name = "FORMAT")]
    format: String,
    /// The archive to write (default: DIR.<format> beside the folder); never inside DIR.
    #[arg(short, long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Compression threads (default: every core).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<u32>,
    /// The folder to archive.
    #[arg(value_name = "DIR", default_value = "dist")]
    dir: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
}

pub(super) fn run(args: ExportArgs) -> ExitCode {
    let reporter = args.output.reporter();
    let mut kit = BuildKit::new().listener(reporter.listener());
    if let Some(jobs) = args.jobs {
        kit = kit.threads(jobs);
    }
    let result = kit.export(&args.dir, &args.format, args.out.as_deref());
    reporter.finish(
        result
            .as_ref()
            .map(|_| ())
            .map_err(|e| e as &dyn std::error::Error),
    )
}
