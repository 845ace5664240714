//! `vitte`, the dispatcher: its help lists the `vitte-*` commands found
//! beside it and on PATH (like `cargo --list`), `vitte help <cmd>` shows the
//! command's own help, and unknown commands are refused with exit code 2.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;

fn vitte_beside_buildkit() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_vitte-buildkit")).with_file_name("vitte")
}

fn write_program(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn help_lists_the_commands_beside_vitte_and_on_path() {
    let dir = tempfile::tempdir().unwrap();
    let beside = dir.path().join("beside");
    let on_path = dir.path().join("on-path");
    std::fs::create_dir_all(&beside).unwrap();
    std::fs::create_dir_all(&on_path).unwrap();
    let vitte = beside.join("vitte");
    std::fs::copy(vitte_beside_buildkit(), &vitte).unwrap();
    write_program(
        &beside.join("vitte-hello"),
        "#!/bin/sh\necho hello from beside\n",
        0o755,
    );
    write_program(
        &on_path.join("vitte-hello"),
        "#!/bin/sh\necho hello from PATH\n",
        0o755,
    );
    write_program(
        &on_path.join("vitte-other"),
        "#!/bin/sh\necho \"other $*\"\n",
        0o755,
    );
    write_program(&on_path.join("vitte-notes"), "not a program\n", 0o644);
    // Only this folder on PATH: whatever vitte-* the machine has stays out.
    let path = on_path.clone();
    let vitte_cmd = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&vitte);
        cmd.args(args).env("PATH", &path);
        cmd
    };
    for args in [&["--help"][..], &["-h"], &[], &["help"]] {
        let out = run_ok(&mut vitte_cmd(args));
        let help = text(&out.stdout);
        assert!(help.contains("Usage: vitte <command>"), "{args:?}: {help}");
        let listed: Vec<&str> = help
            .lines()
            .skip_while(|l| !l.starts_with("Installed commands:"))
            .skip(1)
            .collect();
        assert_eq!(listed.len(), 2, "{args:?}: {help}");
        // Beside vitte wins over PATH, as when dispatching.
        assert!(listed[0].trim_start().starts_with("hello"), "{help}");
        assert!(
            listed[0].ends_with(&beside.join("vitte-hello").display().to_string()),
            "{help}"
        );
        assert!(listed[1].trim_start().starts_with("other"), "{help}");
    }
    let list = text(&run_ok(&mut vitte_cmd(&["--list"])).stdout);
    assert!(list.contains("other") && !list.contains("notes"), "{list}");
    let hello = run_ok(&mut vitte_cmd(&["hello"]));
    assert_eq!(text(&hello.stdout), "hello from beside\n");
    let other = run_ok(&mut vitte_cmd(&["other", "a", "b"]));
    assert_eq!(text(&other.stdout), "other a b\n");
    let version = run_ok(&mut vitte_cmd(&["--version"]));
    assert!(text(&version.stdout).starts_with("vitte 0."));
    let unknown = run(&mut vitte_cmd(&["nosuch"]));
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("vitte --list"));
    let flag = run(&mut vitte_cmd(&["--nosuch"]));
    assert_eq!(flag.status.code(), Some(2));
}

#[test]
fn help_buildkit_shows_vitte_buildkit_help() {
    let via_vitte =
        run_ok(std::process::Command::new(vitte_beside_buildkit()).args(["help", "buildkit"]));
    let direct = run_ok(buildkit().arg("--help"));
    assert_eq!(text(&via_vitte.stdout), text(&direct.stdout));
    assert!(text(&direct.stdout).contains("completions"));
    let sub = run_ok(
        std::process::Command::new(vitte_beside_buildkit()).args(["help", "buildkit", "init"]),
    );
    assert_eq!(
        text(&sub.stdout),
        text(&run_ok(buildkit().args(["init", "--help"])).stdout)
    );
    let listing = text(&run_ok(&mut std::process::Command::new(vitte_beside_buildkit())).stdout);
    assert!(
        listing
            .lines()
            .any(|l| l.trim_start().starts_with("buildkit ")),
        "{listing}"
    );
}
