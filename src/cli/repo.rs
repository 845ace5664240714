//! `vitte-buildkit repo apt|rpm`: add packages to a signed apt or rpm-md
//! repository (the work is in [`crate::repo`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::keys::signing_options;
use crate::keys;
use crate::repo::{self, apt, rpmmd, MetadataSigner};

#[derive(Subcommand, Debug)]
pub(super) enum RepoCommand {
    /// Add .debs to an apt repository (pool/ + dists/), signed InRelease and Release.gpg.
    Apt(AptArgs),
    /// Add .rpms to an rpm-md repository (repodata/), signed repomd.xml.asc.
    Rpm(RpmArgs),
}

#[derive(clap::Args, Debug)]
pub(super) struct AptArgs {
    /// The repository folder (created if missing).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// .deb files, or folders whose .debs are added (an output folder).
    #[arg(required = true, value_name = "PACKAGES")]
    packages: Vec<PathBuf>,
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
    /// Sign with this minisign secret key's OpenPGP form (default: VITTE_BUILDKIT_SECRET_KEY; without either the repository is unsigned).
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub(super) struct RpmArgs {
    /// The repository folder (created if missing).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// .rpm files, or folders whose .rpms are added (an output folder).
    #[arg(required = true, value_name = "PACKAGES")]
    packages: Vec<PathBuf>,
    /// Sign repomd.xml with this minisign secret key's OpenPGP form (default: VITTE_BUILDKIT_SECRET_KEY).
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
    /// List the zstd metadata under the standard names (gzip as *_gz); default: gzip, which every dnf and yum reads.
    #[arg(long)]
    prefer_zstd: bool,
}

pub(super) fn run(command: RepoCommand) -> ExitCode {
    let result = match command {
        RepoCommand::Apt(args) => apt(&args),
        RepoCommand::Rpm(args) => rpm(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn status(word: &str, text: &str) {
    eprintln!("{word:>12} {text}");
}

/// The metadata signer for `--key`, or `None` (with a warning) without one.
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

fn apt(args: &AptArgs) -> Result<(), String> {
    let time = repo::update_time();
    let signer = signer(args.key.as_deref(), time)?;
    let debs = repo::collect_inputs(&args.packages, "deb").map_err(|e| e.to_string())?;
    let options = apt::AptOptions {
        suite: args.suite.clone(),
        component: args.component.clone(),
        origin: args.origin.clone(),
        label: args.label.clone(),
        date: time,
    };
    let report =
        apt::update(&args.dir, &options, &debs, signer.as_ref()).map_err(|e| e.to_string())?;
    for added in &report.added {
        status("Added", added);
    }
    for same in &report.unchanged {
        status(
            "Unchanged",
            &format!("{same} (already in the pool with the same bytes)"),
        );
    }
    finish(
        &report.suite_dir,
        report.indexes,
        signer.as_ref(),
        "InRelease and Release.gpg",
    );
    Ok(())
}

fn rpm(args: &RpmArgs) -> Result<(), String> {
    let time = repo::update_time();
    let signer = signer(args.key.as_deref(), time)?;
    let rpms = repo::collect_inputs(&args.packages, "rpm").map_err(|e| e.to_string())?;
    let options = rpmmd::RpmOptions {
        time,
        prefer_zstd: args.prefer_zstd,
    };
    let report =
        rpmmd::update(&args.dir, &rpms, &options, signer.as_ref()).map_err(|e| e.to_string())?;
    for added in &report.added {
        status("Added", added);
    }
    for same in &report.unchanged {
        status(
            "Unchanged",
            &format!("{same} (already in the repository with the same bytes)"),
        );
    }
    finish(&report.repodata, 4, signer.as_ref(), "repomd.xml.asc");
    Ok(())
}

fn finish(dir: &Path, indexes: usize, signer: Option<&MetadataSigner>, signatures: &str) {
    match signer {
        Some(s) => status(
            "Signed",
            &format!(
                "{} ({indexes} indexes; {signatures} by OpenPGP key {})",
                dir.display(),
                s.key.fingerprint()
            ),
        ),
        None => status(
            "Warning",
            &format!(
                "{} is unsigned ({indexes} indexes): clients refuse it unless told to trust it; pass --key",
                dir.display()
            ),
        ),
    }
}
