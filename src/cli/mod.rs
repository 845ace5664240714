//! The `vitte-buildkit` command line: argument parsing and the commands,
//! each a thin layer over the library. Exit codes: 0 success, 1 a failed
//! build or bad input, 2 bad usage (clap's own).

mod cache;
mod cross;
mod export;
mod inspect;
mod keys;
mod report;
mod toolchains;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::buildkit::BuildKit;
use report::{Human, Json, Reporter};

/// Native OS-package generator: tar.gz, deb, rpm, msi, pkg and wasm bundles from one manifest.
#[derive(Parser, Debug)]
#[command(name = "vitte-buildkit", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Package the project described by a manifest.
    Package(PackageArgs),
    /// Build the project for a target with the right cross toolchain, check the binaries, and package.
    Cross(cross::CrossArgs),
    /// Archive an output folder (artifacts, signatures, SHA256SUMS) reproducibly.
    Export(export::ExportArgs),
    /// List the compilers and linkers found, with their versions.
    Toolchains(toolchains::ListArgs),
    /// List the supported targets and the toolchain that builds for each.
    Targets(toolchains::ListArgs),
    /// Print what each file is (ELF, Mach-O, PE, wasm, static library) and whether it fits a target.
    Inspect(inspect::InspectArgs),
    /// Create a minisign key pair (and its OpenPGP public key) for signing.
    Keygen(keys::KeygenArgs),
    /// Check .minisig signatures and SHA256SUMS of artifacts or output folders.
    Verify(keys::VerifyArgs),
    /// Write the OpenPGP public key (.asc) of a minisign secret key, for rpm --import and apt.
    ExportOpenpgp(keys::ExportOpenpgpArgs),
    /// Inspect and maintain the artifact cache: stats, gc, clear, key.
    #[command(subcommand)]
    Cache(cache::CacheCommand),
}

/// Which manifest and which package in it, for the commands that build.
#[derive(clap::Args, Debug)]
struct ProjectArgs {
    /// The manifest: buildkit.toml or a Cargo.toml (default: ./buildkit.toml, else ./Cargo.toml).
    #[arg(long, value_name = "PATH")]
    manifest: Option<PathBuf>,
    /// Select the package by name (a Cargo workspace member).
    #[arg(short, long, value_name = "NAME")]
    package: Option<String>,
}

impl ProjectArgs {
    /// Points `kit` at the chosen manifest and package.
    fn apply<'a>(&self, mut kit: BuildKit<'a>) -> BuildKit<'a> {
        if let Some(manifest) = &self.manifest {
            kit = kit.manifest(manifest);
        }
        if let Some(name) = &self.package {
            kit = kit.package(name);
        }
        kit
    }
}

#[derive(clap::Args, Debug)]
struct PackageArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Formats, comma separated, or `all` (default: all that serve the target).
    #[arg(short, long, value_name = "F[,F…]", value_delimiter = ',')]
    format: Vec<String>,
    /// Targets, comma separated: triples or short forms (default: the host).
    #[arg(short, long, value_name = "T[,T…]", value_delimiter = ',')]
    target: Vec<String>,
    /// Output folder.
    #[arg(short, long, value_name = "DIR", default_value = "dist")]
    out: PathBuf,
    /// Compression threads (default: every core).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<u32>,
    /// Sign with this minisign secret key (default: the key text in VITTE_BUILDKIT_SECRET_KEY; password from VITTE_BUILDKIT_PASSWORD or asked).
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
    #[command(flatten)]
    cache: cache::CacheArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Options every command shares for what it prints.
#[derive(clap::Args, Debug)]
struct OutputArgs {
    /// human, or json: one JSON object per line.
    #[arg(long, value_enum, default_value = "human")]
    message_format: MessageFormat,
    /// Print only errors.
    #[arg(short, long)]
    quiet: bool,
    /// Print more detail.
    #[arg(short, long)]
    verbose: bool,
}

impl OutputArgs {
    fn reporter(&self) -> Box<dyn Reporter> {
        match self.message_format {
            MessageFormat::Json => Box::new(Json),
            MessageFormat::Human => Box::new(Human::new(self.quiet, self.verbose)),
        }
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C or SIGTERM: remove what this run staged, then stop (128 + SIGINT).
    let _ = ctrlc::set_handler(|| {
        crate::output::remove_active_staging();
        std::process::exit(130);
    });
    match cli.command {
        Command::Package(args) => package(args),
        Command::Cross(args) => cross::run(args),
        Command::Export(args) => export::run(args),
        Command::Toolchains(args) => toolchains::toolchains(args),
        Command::Targets(args) => toolchains::targets(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Keygen(args) => keys::keygen(args),
        Command::Verify(args) => keys::verify(args),
        Command::ExportOpenpgp(args) => keys::export_openpgp(args),
        Command::Cache(command) => cache::run(command),
    }
}

fn package(args: PackageArgs) -> ExitCode {
    let reporter = args.output.reporter();
    let mut kit = args
        .project
        .apply(BuildKit::new().listener(reporter.listener()));
    for target in &args.target {
        kit = kit.target(target);
    }
    for format in &args.format {
        kit = kit.format(format);
    }
    if let Some(jobs) = args.jobs {
        kit = kit.threads(jobs);
    }
    kit = args.cache.apply(kit);
    kit = match keys::with_key(kit, args.key.as_deref()) {
        Ok(kit) => kit,
        Err(e) => return reporter.finish(Err(&e)),
    };
    let result = kit.build_and_export(&args.out);
    reporter.finish(
        result
            .as_ref()
            .map(|_| ())
            .map_err(|e| e as &dyn std::error::Error),
    )
}
