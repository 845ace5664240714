//! The `vitte-buildkit` command line: argument parsing and the commands,
//! each a thin layer over the library. Exit codes: 0 success, 1 a failed
//! build or bad input, 2 bad usage (clap's own).

mod cache;
mod config;
mod cross;
mod diff;
mod docs;
mod export;
mod init;
mod inspect;
mod keys;
mod lint;
mod repo;
mod report;
mod toolchains;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::buildkit::BuildKit;
use crate::config::effective;
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
    /// Write a first, commented buildkit.toml from a Cargo.toml or a folder of built files.
    Init(init::InitArgs),
    /// Package the project described by a manifest.
    Package(PackageArgs),
    /// Print the settings a `package` run with these flags would use, and where each comes from.
    Config(PackageArgs),
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
    /// Check the package against the lint rules of each format (lintian, rpmlint, ICE-style); writes nothing.
    Lint(lint::LintArgs),
    /// Compare two releases (.deb, .rpm, .msi, .pkg or tar): what an upgrade adds, removes and changes, and whether it is safe.
    Diff(diff::DiffArgs),
    /// Create a minisign key pair (and its OpenPGP public key) for signing.
    Keygen(keys::KeygenArgs),
    /// Check .minisig signatures and SHA256SUMS of artifacts or output folders.
    Verify(keys::VerifyArgs),
    /// Write the OpenPGP public key (.asc) of a minisign secret key, for rpm --import and apt.
    ExportOpenpgp(keys::ExportOpenpgpArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(docs::CompletionsArgs),
    /// Print the manual page, or write one page per command into a folder.
    Man(docs::ManArgs),
    /// Add packages to a signed apt or rpm-md repository.
    #[command(subcommand)]
    Repo(repo::RepoCommand),
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
    /// A root with the target's dpkg database (var/lib/dpkg), for the .deb's
    /// shared-library dependencies on a foreign architecture (overrides [deb] sysroot).
    #[arg(long, value_name = "DIR")]
    sysroot: Option<PathBuf>,
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
        if let Some(dir) = &self.sysroot {
            kit = kit.sysroot(dir);
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
    /// Output folder (default: dist).
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Compression threads (default: every core).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<u32>,
    /// Sign with this minisign secret key (default: the key text in VITTE_BUILDKIT_SECRET_KEY, else the user config's `key`; password from VITTE_BUILDKIT_PASSWORD or asked).
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
    /// Compare with the previous release (.deb, .rpm, .msi or tar) before anything is written; an unsafe upgrade fails.
    #[arg(long, value_name = "OLD_ARTIFACT")]
    against: Option<PathBuf>,
    /// The lint gate: deny (errors stop the build, the default), warn (report only) or off.
    #[arg(long, value_name = "MODE", default_value = "deny")]
    lint: String,
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
        Command::Init(args) => init::run(args),
        Command::Package(args) => package(args),
        Command::Config(args) => config::run(args),
        Command::Cross(args) => cross::run(args),
        Command::Export(args) => export::run(args),
        Command::Toolchains(args) => toolchains::toolchains(args),
        Command::Targets(args) => toolchains::targets(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Keygen(args) => keys::keygen(args),
        Command::Verify(args) => keys::verify(args),
        Command::ExportOpenpgp(args) => keys::export_openpgp(args),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
        Command::Repo(command) => repo::run(command),
        Command::Cache(command) => cache::run(command),
    }
}

impl PackageArgs {
    /// What these flags set, for the effective settings.
    fn flags(&self) -> effective::Flags<'_> {
        effective::Flags {
            manifest: self.project.manifest.as_deref(),
            package: self.project.package.as_deref(),
            formats: &self.format,
            targets: &self.target,
            key: self.key.as_deref(),
            out: self.out.as_deref(),
            jobs: self.jobs,
        }
    }
}

/// `package`: the flags, else the user configuration's defaults.
fn package(args: PackageArgs) -> ExitCode {
    let reporter = args.output.reporter();
    let user_config = match crate::config::load_user_config() {
        Ok(loaded) => loaded,
        Err(e) => return reporter.finish(Err(&e)),
    };
    let flags = args.flags();
    let mode = match crate::lint::LintMode::parse(&args.lint) {
        Ok(mode) => mode,
        Err(e) => return reporter.finish(Err(&crate::Error::Usage(e))),
    };
    let mut kit = args
        .project
        .apply(BuildKit::new().listener(reporter.listener()));
    for target in effective::targets(&flags, user_config.as_ref()).0 {
        kit = kit.target(&target);
    }
    for format in effective::formats(&flags, user_config.as_ref()).0 {
        kit = kit.format(&format);
    }
    kit = kit.lint(mode);
    if let Some(old) = &args.against {
        kit = kit.against(old);
    }
    if let Some(jobs) = args.jobs {
        kit = kit.threads(jobs);
    }
    if let Some(loaded) = &user_config {
        kit = kit.cache_defaults(loaded.config.cache.as_cache_layer());
    }
    kit = args.cache.apply(kit);
    let key = effective::key_file(&flags, user_config.as_ref()).map(|k| k.0);
    kit = match keys::with_key(kit, key.as_deref()) {
        Ok(kit) => kit,
        Err(e) => return reporter.finish(Err(&e)),
    };
    let out = args.out.unwrap_or_else(|| PathBuf::from("dist"));
    let result = kit.build_and_export(&out);
    reporter.finish(
        result
            .as_ref()
            .map(|_| ())
            .map_err(|e| e as &dyn std::error::Error),
    )
}
