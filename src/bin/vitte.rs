//! `vitte`: dispatches `vitte <sub> …` to the `vitte-<sub>` program, the way
//! git and cargo do, so `vitte buildkit package` runs `vitte-buildkit package`.
//! The folder of this executable is searched first, then PATH.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(sub) = args.next() else {
        eprintln!(
            "usage: vitte <command> [args…]   (runs vitte-<command>; e.g. vitte buildkit package)"
        );
        return ExitCode::from(2);
    };
    let sub = sub.to_string_lossy().into_owned();
    if sub.is_empty() || sub.starts_with('-') || sub.contains(['/', '\\']) {
        eprintln!("error: `{sub}` is not a vitte command; usage: vitte <command> [args…]");
        return ExitCode::from(2);
    }
    let program = format!("vitte-{sub}");
    let Some(path) = find(&program) else {
        eprintln!(
            "error: no such command `{sub}`: `{program}` is neither beside vitte nor on PATH"
        );
        return ExitCode::from(2);
    };
    match Command::new(&path)
        .args(args.collect::<Vec<OsString>>())
        .status()
    {
        Ok(status) => ExitCode::from(status.code().map(|c| c as u8).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

fn find(program: &str) -> Option<PathBuf> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(program)));
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(program))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    beside.into_iter().chain(on_path).find(|p| p.is_file())
}
