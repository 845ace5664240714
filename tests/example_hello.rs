//! The README's example runs where it is installed: the x86_64 Linux program
//! unpacked from the .deb prints its greeting, and the .msi installs under
//! Program Files with wine's msiexec, which then runs the Windows program.
//! (The universal macOS program cannot run here; the README test checks its
//! two slices with `file`.)

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// The example packaged for `target` as `format` into `out`; the artifact.
fn package(format: &str, target: &str, out: &Path) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello/buildkit.toml");
    run_ok(
        buildkit()
            .args([
                "package",
                "-q",
                "--format",
                format,
                "--target",
                target,
                "--manifest",
            ])
            .arg(manifest)
            .arg("--out")
            .arg(out),
    );
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == format))
        .unwrap()
}

#[test]
fn the_linux_program_from_the_deb_greets() {
    let dir = tempfile::tempdir().unwrap();
    let deb = package("deb", "x86_64-linux", &dir.path().join("dist"));
    let root = dir.path().join("root");
    run_ok(tool("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    let ran = run_ok(&mut std::process::Command::new(root.join("usr/bin/hello")));
    assert_eq!(text(&ran.stdout), "hello\n");
}

#[test]
fn wine_installs_the_msi_under_program_files_and_runs_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let msi = package("msi", "x86_64-windows", &dir.path().join("dist"));
    let prefix = dir.path().join("pfx");
    let wine = |program: &str| {
        let mut cmd = tool(program);
        cmd.env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("DISPLAY", "");
        cmd
    };
    run_ok(wine("wineboot").arg("-i"));
    let installed = run(wine("wine")
        .current_dir(msi.parent().unwrap())
        .arg("msiexec")
        .arg("/i")
        .arg(msi.file_name().unwrap())
        .arg("/qn"));
    let program = prefix.join("drive_c/Program Files/Example Org/hello/bin/hello.exe");
    let exists = program.is_file();
    let ran =
        exists.then(|| run(wine("wine").arg(r"C:\Program Files\Example Org\hello\bin\hello.exe")));
    let _ = wine("wineserver").arg("-k").status();
    let _ = wine("wineserver").arg("-w").status();
    assert!(installed.status.success(), "{}", text(&installed.stderr));
    assert!(exists, "msiexec installed no {}", program.display());
    let ran = ran.unwrap();
    assert!(ran.status.success(), "{}", text(&ran.stderr));
    assert_eq!(text(&ran.stdout).replace("\r\n", "\n"), "hello\n");
}
