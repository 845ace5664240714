//! `vitte-buildkit keygen` and `vitte-buildkit verify`, and how `package`
//! gets the secret key's password (environment, else asked on the terminal).

use std::fs::OpenOptions;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vitte_buildkit_signing::{SecretKey, SecretKeyFile};
use zeroize::Zeroizing;

use serde_json::json;

use super::MessageFormat;
use crate::buildkit::BuildKit;
use crate::error::{Error, Result};
use crate::keys::{
    self, KeySource, OPENPGP_KEY_FILE, PASSWORD_ENV, PUBLIC_KEY_FILE, SECRET_KEY_FILE,
};

#[derive(clap::Args, Debug)]
pub(super) struct KeygenArgs {
    /// Folder for vitte-buildkit.key (secret, mode 0600) and vitte-buildkit.pub.
    #[arg(long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// Do not encrypt the secret key with a password.
    #[arg(long)]
    unencrypted: bool,
    /// Replace existing key files.
    #[arg(long)]
    force: bool,
    /// Also write the OpenPGP public key vitte-buildkit.asc (for rpm --import, apt signed-by).
    #[arg(long)]
    openpgp: bool,
}

#[derive(clap::Args, Debug)]
pub(super) struct VerifyArgs {
    /// The minisign public key (default: ./vitte-buildkit.pub).
    #[arg(long, value_name = "PUB")]
    key: Option<PathBuf>,
    /// Artifacts, .minisig files, SHA256SUMS, or output folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// human, or json: one JSON object per line on stdout.
    #[arg(long, value_enum, default_value = "human")]
    message_format: MessageFormat,
}

fn status(word: &str, text: &str) {
    eprintln!("{word:>12} {text}");
}

fn fail(error: &Error) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}

pub(super) fn keygen(args: KeygenArgs) -> ExitCode {
    match keygen_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn keygen_inner(args: &KeygenArgs) -> Result<()> {
    let secret_path = args.out.join(SECRET_KEY_FILE);
    let public_path = args.out.join(PUBLIC_KEY_FILE);
    let openpgp_path = args.out.join(OPENPGP_KEY_FILE);
    let mut outputs = vec![&secret_path, &public_path];
    if args.openpgp {
        outputs.push(&openpgp_path);
    }
    if !args.force {
        if let Some(existing) = outputs.iter().find(|p| p.exists()) {
            return Err(Error::Usage(format!(
                "{} already exists; pass --force to replace the key pair (the old key cannot sign again)",
                existing.display()
            )));
        }
    }
    let password = if args.unencrypted {
        None
    } else {
        Some(new_password()?)
    };
    let key = SecretKey::generate().map_err(signing)?;
    let secret_text = key
        .to_text(password.as_deref().map(String::as_str))
        .map_err(signing)?;
    std::fs::create_dir_all(&args.out).map_err(|e| output(&args.out, e))?;
    write_new(&secret_path, secret_text.as_bytes(), 0o600, args.force)?;
    let public = key.public_key();
    write_new(&public_path, public.to_text().as_bytes(), 0o644, args.force)?;
    status(
        "Created",
        &format!(
            "{} ({}, keep it secret) and {} (key id {})",
            secret_path.display(),
            if password.is_some() {
                "encrypted"
            } else {
                "unencrypted"
            },
            public_path.display(),
            public.id()
        ),
    );
    if args.openpgp {
        let openpgp = key.openpgp().map_err(signing)?;
        let armored = openpgp.public_armored().map_err(signing)?;
        write_new(&openpgp_path, armored.as_bytes(), 0o644, args.force)?;
        status(
            "Created",
            &format!(
                "{} (OpenPGP fingerprint {})",
                openpgp_path.display(),
                openpgp.fingerprint()
            ),
        );
    }
    status(
        "Verify",
        &format!("with `minisign -Vm FILE -P {}`", public.to_base64()),
    );
    Ok(())
}

/// Creates `path` with `mode`; never replaces a file unless `force`.
fn write_new(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<()> {
    if force {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(output(path, e)),
            _ => {}
        }
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| output(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| output(path, e))
}

/// The new key's password: `VITTE_BUILDKIT_PASSWORD`, else typed twice.
fn new_password() -> Result<Zeroizing<String>> {
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return non_empty(Zeroizing::new(password));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(format!(
            "no password for the new key: set {PASSWORD_ENV}, or pass --unencrypted"
        )));
    }
    let first = Zeroizing::new(prompt("Password for the new secret key: ")?);
    let second = Zeroizing::new(prompt("Password (again): ")?);
    if first != second {
        return Err(Error::Usage("the two passwords differ".into()));
    }
    non_empty(first)
}

fn non_empty(password: Zeroizing<String>) -> Result<Zeroizing<String>> {
    if password.is_empty() {
        return Err(Error::Usage(
            "empty password: choose one, or pass --unencrypted".into(),
        ));
    }
    Ok(password)
}

fn prompt(text: &str) -> Result<String> {
    rpassword::prompt_password(text)
        .map_err(|e| Error::Usage(format!("cannot read the password: {e}")))
}

/// Adds `--key PATH` (or `VITTE_BUILDKIT_SECRET_KEY`) to `kit`; asks for the
/// password on the terminal when the key is encrypted and
/// `VITTE_BUILDKIT_PASSWORD` is not set.
pub(super) fn with_key<'a>(kit: BuildKit<'a>, path: Option<&Path>) -> Result<BuildKit<'a>> {
    let Some(source) = KeySource::from_path_or_env(path) else {
        return Ok(kit);
    };
    let file = source.read()?;
    let kit = match &source {
        KeySource::File(path) => kit.key(path),
        KeySource::Text(text) => kit.key_text(text),
    };
    Ok(match password_for(&file)? {
        Some(password) => kit.password(&password),
        None => kit,
    })
}

/// `--key PATH` (or `VITTE_BUILDKIT_SECRET_KEY`) with its password, for
/// commands that sign without building (`repo`); `None` without a key.
pub(super) fn signing_options(path: Option<&Path>) -> Result<Option<keys::SigningOptions>> {
    let Some(source) = KeySource::from_path_or_env(path) else {
        return Ok(None);
    };
    let file = source.read()?;
    Ok(Some(keys::SigningOptions {
        password: password_for(&file)?,
        key: source,
    }))
}

/// The password of an encrypted key: `VITTE_BUILDKIT_PASSWORD`, else asked
/// on the terminal; `None` for an unencrypted key.
fn password_for(file: &SecretKeyFile) -> Result<Option<Zeroizing<String>>> {
    if !file.is_encrypted() {
        return Ok(None);
    }
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return Ok(Some(Zeroizing::new(password)));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Signing(format!(
            "the secret key is encrypted: set {PASSWORD_ENV} (no terminal to ask on)"
        )));
    }
    Ok(Some(Zeroizing::new(prompt(
        "Password for the secret key: ",
    )?)))
}

#[derive(clap::Args, Debug)]
pub(super) struct ExportOpenpgpArgs {
    /// The minisign secret key (default: the key text in VITTE_BUILDKIT_SECRET_KEY).
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
    /// Where to write the armored OpenPGP public key; `-` for stdout.
    #[arg(long, value_name = "FILE", default_value = OPENPGP_KEY_FILE)]
    out: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
}

/// Writes the OpenPGP public key (`.asc`) of an existing secret key, for
/// keys made by minisign or by `keygen` without `--openpgp`.
pub(super) fn export_openpgp(args: ExportOpenpgpArgs) -> ExitCode {
    let result = (|| {
        let source = KeySource::from_path_or_env(args.key.as_deref()).ok_or_else(|| {
            Error::Usage(format!(
                "no secret key: pass --key PATH or set {}",
                keys::SECRET_KEY_ENV
            ))
        })?;
        let file = source.read()?;
        let password = password_for(&file)?;
        let key = file
            .decrypt(password.as_deref().map(String::as_str))
            .map_err(signing)?;
        let openpgp = key.openpgp().map_err(signing)?;
        let armored = openpgp.public_armored().map_err(signing)?;
        if args.out.as_os_str() == "-" {
            print!("{armored}");
        } else {
            if !args.force && args.out.exists() {
                return Err(Error::Usage(format!(
                    "{} already exists; pass --force to replace it",
                    args.out.display()
                )));
            }
            write_new(&args.out, armored.as_bytes(), 0o644, args.force)?;
            status(
                "Created",
                &format!(
                    "{} (OpenPGP fingerprint {}, minisign key {})",
                    args.out.display(),
                    openpgp.fingerprint(),
                    key.id()
                ),
            );
        }
        Ok(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

pub(super) fn verify(args: VerifyArgs) -> ExitCode {
    let json = args.message_format == MessageFormat::Json;
    let fail = |error: &Error| {
        if json {
            json_line(json!({"reason": "error", "message": error.to_string()}));
            json_line(json!({"reason": "finished", "success": false}));
            ExitCode::FAILURE
        } else {
            fail(error)
        }
    };
    let key_path = args
        .key
        .clone()
        .unwrap_or_else(|| PathBuf::from(PUBLIC_KEY_FILE));
    if args.key.is_none() && !key_path.is_file() {
        return fail(&Error::Usage(format!(
            "no public key: pass --key PUB (there is no ./{PUBLIC_KEY_FILE})"
        )));
    }
    let public = match keys::read_public_key(&key_path) {
        Ok(public) => public,
        Err(e) => return fail(&e),
    };
    let checked = keys::verify(&public, &args.paths);
    let mut failed: Vec<String> = Vec::new();
    for check in &checked {
        let path = check.path.display().to_string();
        match (&check.outcome, json) {
            (Ok(comment), true) => {
                json_line(json!({"reason": "verified", "path": path, "trusted_comment": comment}))
            }
            (Ok(comment), false) => status(
                "Verified",
                &format!("{path} ({})", comment.replace('\t', " ")),
            ),
            (Err(reason), true) => {
                json_line(json!({"reason": "verify-failed", "path": path, "message": reason}))
            }
            (Err(reason), false) => eprintln!("error: {path}: {reason}"),
        }
        if check.outcome.is_err() && !failed.contains(&path) {
            failed.push(path);
        }
    }
    if json {
        json_line(json!({"reason": "finished", "success": failed.is_empty()}));
    } else if failed.is_empty() {
        status(
            "Finished",
            &format!("{} checks passed with key {}", checked.len(), public.id()),
        );
    } else {
        eprintln!(
            "error: verification failed for {} file(s): {}",
            failed.len(),
            failed.join(", ")
        );
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn json_line(value: serde_json::Value) {
    println!("{value}");
}

fn signing(e: vitte_buildkit_signing::Error) -> Error {
    Error::Signing(e.to_string())
}

fn output(path: &Path, source: std::io::Error) -> Error {
    Error::Output {
        context: format!("cannot write {}", path.display()),
        source,
    }
}
