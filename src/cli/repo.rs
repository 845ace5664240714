//! `vitte-buildkit repo apt|rpm`: add packages to a signed apt or rpm-md
//! repository (the work is in [`crate::repo`]); prints what was added,
//! as status lines or, with `--message-format json`, one object per line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::keys::signing_options;
use super::MessageFormat;
use crate::keys;
use crate::repo::{self, apt, rpmmd, MetadataSigner};

#[derive(Subcommand, Debug)]
pub(super) enum RepoCommand {
    /// Add .debs to an apt repository (pool/ + dists/), signed InRelease and Release.gpg.
    Apt(AptArgs),
    /// Add .rpms to an rpm-md repository (repodata/), signed repomd.xml.asc.
    Rpm(RpmArgs),
}

/// What both kinds of repository take.
#[derive(clap::Args, Debug)]
pub(super) struct CommonArgs {
    /// The repository folder (created if missing).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Package files, or folders whose packages are added (an output folder).
    #[arg(required = true, value_name = "PACKAGES")]
    packages: Vec<PathBuf>,
    /// Sign with this minisign secret key's OpenPGP form (default: VITTE_BUILDKIT_SECRET_KEY; without either the repository is unsigned).
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
    /// human, or json: one JSON object per line on stdout.
    #[arg(long, value_enum, default_value = "human")]
    message_format: MessageFormat,
}

#[derive(clap::Args, Debug)]
pub(super) struct AptArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The suite (and codename) in dists/.
    #[arg(long, default_value = "stable")]
    suite: String,
    /// The component the packages go to.
    #[arg(long, default_value = "main")]
    component: String,
    /// The Release's Origin field.
    #[arg(long)]
    origin: Option<String>,
    /// The Release's Label field.
    #[arg(long)]
    label: Option<String>,
}

#[derive(clap::Args, Debug)]
pub(super) struct RpmArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// List the zstd metadata under the standard names (gzip as *_gz); default: gzip, which every dnf and yum reads.
    #[arg(long)]
    prefer_zstd: bool,
}

/// What a run did, for the report.
struct Outcome {
    added: Vec<String>,
    unchanged: Vec<String>,
    dir: PathBuf,
    fingerprint: Option<String>,
    signatures: &'static str,
}

pub(super) fn run(command: RepoCommand) -> ExitCode {
    let (format, result) = match command {
        RepoCommand::Apt(args) => (args.common.message_format, apt(&args)),
        RepoCommand::Rpm(args) => (args.common.message_format, rpm(&args)),
    };
    match (format, result) {
        (MessageFormat::Human, Ok(outcome)) => human(&outcome),
        (MessageFormat::Json, Ok(outcome)) => json(&outcome),
        (MessageFormat::Human, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        (MessageFormat::Json, Err(e)) => {
            println!("{}", json!({"reason": "error", "message": e}));
            println!("{}", json!({"reason": "finished", "success": false}));
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// The metadata signer for `--key`, or `None` without one.
fn signer(key: Option<&Path>, time: u64) -> Result<Option<MetadataSigner>, String> {
    let Some(options) = signing_options(key).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let keys = keys::load(&options).map_err(|e| e.to_string())?;
    let key = keys.minisign.openpgp().map_err(|e| e.to_string())?;
    Ok(Some(MetadataSigner {
        key,
        time: u32::try_from(time).unwrap_or(u32::MAX),
    }))
}

fn apt(args: &AptArgs) -> Result<Outcome, String> {
    let time = repo::update_time();
    let signer = signer(args.common.key.as_deref(), time)?;
    let debs = repo::collect_inputs(&args.common.packages, "deb").map_err(|e| e.to_string())?;
    let options = apt::AptOptions {
        suite: args.suite.clone(),
        component: args.component.clone(),
        origin: args.origin.clone(),
        label: args.label.clone(),
        date: time,
    };
    let report = apt::update(&args.common.dir, &options, &debs, signer.as_ref())
        .map_err(|e| e.to_string())?;
    Ok(Outcome {
        added: report.added,
        unchanged: report.unchanged,
        dir: report.suite_dir,
        fingerprint: signer.map(|s| s.key.fingerprint()),
        signatures: "InRelease and Release.gpg",
    })
}

fn rpm(args: &RpmArgs) -> Result<Outcome, String> {
    let time = repo::update_time();
    let signer = signer(args.common.key.as_deref(), time)?;
    let rpms = repo::collect_inputs(&args.common.packages, "rpm").map_err(|e| e.to_string())?;
    let options = rpmmd::RpmOptions {
        time,
        prefer_zstd: args.prefer_zstd,
    };
    let report = rpmmd::update(&args.common.dir, &rpms, &options, signer.as_ref())
        .map_err(|e| e.to_string())?;
    Ok(Outcome {
        added: report.added,
        unchanged: report.unchanged,
        dir: report.repodata,
        fingerprint: signer.map(|s| s.key.fingerprint()),
        signatures: "repomd.xml.asc",
    })
}

fn status(word: &str, text: &str) {
    eprintln!("{word:>12} {text}");
}

fn human(outcome: &Outcome) {
    for added in &outcome.added {
        status("Added", added);
    }
    for same in &outcome.unchanged {
        status(
            "Unchanged",
            &format!("{same} (already there with the same bytes)"),
        );
    }
    let dir = outcome.dir.display();
    match &outcome.fingerprint {
        Some(fingerprint) => status(
            "Signed",
            &format!(
                "{dir} ({} by OpenPGP key {fingerprint})",
                outcome.signatures
            ),
        ),
        None => status(
            "Warning",
            &format!("{dir} is unsigned: clients refuse it unless told to trust it; pass --key"),
        ),
    }
}

fn json(outcome: &Outcome) {
    for (status, paths) in [("added", &outcome.added), ("unchanged", &outcome.unchanged)] {
        for path in paths {
            println!(
                "{}",
                json!({"reason": "package", "status": status, "path": path})
            );
        }
    }
    println!(
        "{}",
        json!({"reason": "repository", "path": outcome.dir, "openpgp_fingerprint": outcome.fingerprint})
    );
    println!("{}", json!({"reason": "finished", "success": true}));
}
