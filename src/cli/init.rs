//! `vitte-buildkit init [DIR] [--force]`: writes a first, commented
//! `buildkit.toml` for the project in DIR (see `crate::init`).

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub(super) struct InitArgs {
    /// The project's folder: a Rust crate (Cargo.toml) or a folder of built files.
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// Replace an existing buildkit.toml.
    #[arg(long)]
    force: bool,
}

pub(super) fn run(args: InitArgs) -> ExitCode {
    match write(&args) {
        Ok(message) => {
            eprintln!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn write(args: &InitArgs) -> Result<String, String> {
    let path = args.dir.join("buildkit.toml");
    if path.exists() && !args.force {
        return Err(format!(
            "{} already exists; edit it, or pass --force to replace it",
            path.display()
        ));
    }
    let scaffold = crate::init::scaffold(&args.dir).map_err(|e| e.to_string())?;
    // Through a temporary file renamed into place: never half a manifest.
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut tmp = tempfile::NamedTempFile::new_in(&args.dir).map_err(fail)?;
    tmp.write_all(scaffold.text.as_bytes()).map_err(fail)?;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644)).map_err(fail)?;
    if args.force {
        tmp.persist(&path).map_err(|e| fail(e.error))?;
    } else {
        tmp.persist_noclobber(&path).map_err(|e| fail(e.error))?;
    }
    Ok(format!(
        "     Written {} from {}; read it, fill in what it marks, then run `vitte-buildkit package --manifest {}`",
        path.display(),
        scaffold.from,
        path.display()
    ))
}
