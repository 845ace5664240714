//! `vitte`: dispatches `vitte <sub> …` to the `vitte-<sub>` program, the way
//! git and cargo do, so `vitte buildkit package` runs `vitte-buildkit package`.
//! The folder of this executable is searched first, then PATH. `vitte`,
//! `vitte -h`/`--help` and `vitte --list` list the commands found;
//! `vitte help <sub>` shows `vitte-<sub> --help`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

const USAGE: &str = "\
vitte: runs the Vitte tools (`vitte <command>` runs `vitte-<command>`)

Usage: vitte <command> [args…]
       vitte help <command> [sub…]  show the command's own help
       vitte --list            list the commands found
       vitte --version

Example: vitte buildkit package --format deb";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(sub) = args.next() else {
        print_usage();
        return ExitCode::SUCCESS;
    };
    let sub = sub.to_string_lossy().into_owned();
    match sub.as_str() {
        "-h" | "--help" => {
            print_usage();
            return ExitCode::SUCCESS;
        }
        "--list" => {
            print_commands();
            return ExitCode::SUCCESS;
        }
        "-V" | "--version" => {
            println!("vitte {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        "help" => {
            return match args.next() {
                None => {
                    print_usage();
                    ExitCode::SUCCESS
                }
                // `vitte help buildkit package` → `vitte-buildkit package --help`.
                Some(cmd) => {
                    let mut rest: Vec<OsString> = args.collect();
                    rest.push(OsString::from("--help"));
                    dispatch(&cmd.to_string_lossy(), rest)
                }
            };
        }
        _ => {}
    }
    dispatch(&sub, args.collect())
}

/// Runs `vitte-<sub>` with `args`, returning its exit code.
fn dispatch(sub: &str, args: Vec<OsString>) -> ExitCode {
    if sub.is_empty() || sub.starts_with('-') || sub.contains(['/', '\\']) {
        eprintln!("error: `{sub}` is not a vitte command; see `vitte --help`");
        return ExitCode::from(2);
    }
    let program = format!("vitte-{sub}");
    let Some(path) = find(&program) else {
        eprintln!(
            "error: no such command `{sub}`: `{program}` is neither beside vitte nor on PATH; `vitte --list` shows the commands found"
        );
        return ExitCode::from(2);
    };
    match Command::new(&path).args(args).status() {
        Ok(status) => ExitCode::from(status.code().map(|c| c as u8).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: cannot run {}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

fn print_usage() {
    println!("{USAGE}\n");
    print_commands();
}

/// Prints every `vitte-*` command found, once each, with where it is.
fn print_commands() {
    let commands = commands();
    if commands.is_empty() {
        println!("No commands found: no vitte-* program beside vitte or on PATH.");
        return;
    }
    println!("Installed commands:");
    let width = commands.keys().map(String::len).max().unwrap_or(0);
    for (name, path) in commands {
        println!("    {name:width$}    {}", path.display());
    }
}

/// The folders searched, in order: this executable's, then PATH's.
fn search_dirs() -> Vec<PathBuf> {
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(PathBuf::from));
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    beside.into_iter().chain(on_path).collect()
}

fn find(program: &str) -> Option<PathBuf> {
    let file = format!("{program}{}", std::env::consts::EXE_SUFFIX);
    search_dirs()
        .into_iter()
        .map(|d| d.join(&file))
        .find(|p| is_program(p))
}

/// The commands found, by name (`buildkit`), each at the first place that
/// has it: the one `vitte <name>` runs.
fn commands() -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    for dir in search_dirs() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let Some(name) = file
                .strip_prefix("vitte-")
                .and_then(|n| n.strip_suffix(std::env::consts::EXE_SUFFIX))
            else {
                continue;
            };
            // cargo leaves vitte-buildkit.d and hashed copies beside the binary.
            if name.is_empty() || name.contains('.') || !is_program(&entry.path()) {
                continue;
            }
            found.entry(name.to_string()).or_insert(entry.path());
        }
    }
    found
}

/// A regular file (or a link to one) that may be executed.
fn is_program(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
