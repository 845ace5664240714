//! `vitte-buildkit package --format rpm` end to end: the bundled example read,
//! installed and linted by Debian's rpm 4.18 and rpmlint, reproducibility
//! across environments, and bad input refused before anything is written.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello")
}

/// Builds the example (or a copy of it) as rpm for x86_64-linux into `out`,
/// with any `extra` arguments (a signing key).
fn package_example(manifest: &Path, out: &Path, extra: &[&std::ffi::OsStr]) -> PathBuf {
    run_ok(
        buildkit()
            .args(["package", "--format", "rpm", "--target", "x86_64-linux"])
            .arg("--manifest")
            .arg(manifest)
            .arg("--out")
            .arg(out)
            .args(extra),
    );
    let rpms: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rpm"))
        .collect();
    assert_eq!(rpms.len(), 1, "{rpms:?}");
    rpms[0].clone()
}

fn rpm_query(path: &Path, args: &[&str]) -> String {
    text(&run_ok(tool("rpm").arg("-qp").args(args).arg(path)).stdout)
}

#[test]
fn the_example_reads_back_installs_and_lints_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    run_ok(
        buildkit()
            .args(["keygen", "--unencrypted", "--openpgp", "--out"])
            .arg(&keys),
    );
    let rpm = package_example(
        &example_dir().join("buildkit.toml"),
        &dir.path().join("dist"),
        &[
            "--key".as_ref(),
            keys.join("vitte-buildkit.key").as_os_str(),
        ],
    );
    let name = rpm.file_name().unwrap().to_str().unwrap();
    // The example's program is an x86_64 ELF executable.
    assert_eq!(name, "hello-1.2.3-1.x86_64.rpm");
    let info = rpm_query(&rpm, &["-i"]);
    for want in [
        "Name        : hello",
        "Version     : 1.2.3",
        "Release     : 1",
        "Group       : Applications/Text",
        "License     : MIT",
        "Build Date  : Mon Jan  1 00:00:00 2024",
        "Packager    : Jane Doe <jane@example.org>",
        "Vendor      : Example Org",
        "URL         : https://example.org/hello",
        "Summary     : Greets the world",
        "Prints a greeting, read from /etc/hello/hello.conf on Linux.",
    ] {
        assert!(info.contains(want), "rpm -qpi lacks `{want}`:\n{info}");
    }
    let flags = rpm_query(&rpm, &["--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]"]);
    assert_eq!(
        flags.lines().collect::<Vec<_>>(),
        [
            "/etc/hello ",
            "/etc/hello/hello.conf cn",
            "/usr/bin/hello ",
            "/usr/share/man/man1/hello.1.gz d",
        ]
    );
    let scripts = rpm_query(&rpm, &["--scripts"]);
    let postinst = std::fs::read_to_string(example_dir().join("scripts/postinst.sh")).unwrap();
    let postrm = std::fs::read_to_string(example_dir().join("scripts/postrm.sh")).unwrap();
    assert!(
        scripts.contains(&format!(
            "postinstall scriptlet (using /bin/sh):\n{postinst}"
        )),
        "{scripts}"
    );
    assert!(
        scripts.contains(&format!(
            "postuninstall scriptlet (using /bin/sh):\n{postrm}"
        )),
        "{scripts}"
    );
    let k = text(&run_ok(tool("rpm").args(["-K", "--nosignature"]).arg(&rpm)).stdout);
    assert!(k.trim_end().ends_with("digests OK"), "{k}");

    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy("/bin/busybox", root.join("bin/busybox")).expect("busybox-static is installed");
    std::os::unix::fs::symlink("busybox", root.join("bin/sh")).unwrap();
    let rpm_root = || {
        let mut cmd = tool("rpm");
        cmd.arg("--root").arg(&root);
        cmd
    };
    run_ok(rpm_root().arg("--initdb"));
    // The header's OpenPGP signature is made with the key `keygen` exported:
    // unknown to rpm before the import, verified after it.
    let unknown = run(rpm_root().arg("-K").arg(&rpm));
    assert!(!unknown.status.success(), "{}", text(&unknown.stdout));
    run_ok(
        rpm_root()
            .arg("--import")
            .arg(keys.join("vitte-buildkit.asc")),
    );
    let checked = text(&run_ok(rpm_root().arg("-Kv").arg(&rpm)).stdout);
    assert!(
        checked.contains("Header V4 EdDSA/SHA256 Signature") && checked.contains(": OK"),
        "{checked}"
    );
    assert!(!checked.contains("NOT OK"), "{checked}");
    let installed = run_ok(rpm_root().args(["-ivh", "--nodeps"]).arg(&rpm));
    assert!(text(&installed.stdout).contains("hello installed"));
    assert_eq!(
        std::fs::read(root.join("etc/hello/hello.conf")).unwrap(),
        std::fs::read(example_dir().join("etc/hello.conf")).unwrap()
    );
    let verify = run(rpm_root().args(["-V", "--nodeps", "hello"]));
    assert!(
        verify.status.success() && verify.stdout.is_empty(),
        "{}",
        text(&verify.stdout)
    );
    let removed = run_ok(rpm_root().args(["-e", "hello"]));
    assert!(text(&removed.stdout).contains("hello removed"));
    assert!(!root.join("etc/hello").exists());

    // Signed through the command line: rpmlint has no error left.
    // It checks the signature against the rpm database of $HOME (Debian's
    // %_dbpath is ~/.rpmdb): give it one that knows the key.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let public_key = keys.join("vitte-buildkit.asc");
    run_ok(
        tool("rpm")
            .env("HOME", &home)
            .arg("--import")
            .arg(&public_key),
    );
    let lint = text(&run(tool("rpmlint").env("HOME", &home).arg(&rpm)).stdout);
    let errors: Vec<&str> = lint.lines().filter(|l| l.contains(": E: ")).collect();
    assert!(errors.is_empty(), "rpmlint errors:\n{lint}");
    assert!(lint.contains(" 0 errors"), "{lint}");
}

#[test]
fn rpm_output_is_reproducible_across_environments() {
    let build = |umask: &str, tz: &str, touch: &str, epoch: &str| {
        let copy = tempfile::tempdir().unwrap();
        run_ok(
            tool("cp")
                .arg("-a")
                .arg(example_dir())
                .arg(copy.path().join("hello")),
        );
        run_ok(
            tool("touch")
                .arg("-d")
                .arg(touch)
                .arg(copy.path().join("hello/bin/x86_64-unknown-linux-gnu/hello")),
        );
        let cwd = tempfile::tempdir().unwrap();
        let out = copy.path().join("dist");
        let status = run(std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_vitte-buildkit"))
            // No artifact cache: this run must package, not find an earlier result.
            .env("VITTE_BUILDKIT_CACHE_DIR", "off")
            .args(["package", "--format", "rpm", "--target", "x86_64-linux"])
            .arg("--manifest")
            .arg(copy.path().join("hello/buildkit.toml"))
            .arg("--out")
            .arg(&out)
            .current_dir(cwd.path())
            .env("TZ", tz)
            .env("LC_ALL", if tz == "UTC" { "C" } else { "C.UTF-8" })
            .env("HOSTNAME", format!("host-{tz}"))
            .env("SOURCE_DATE_EPOCH", epoch));
        assert!(status.status.success(), "{}", text(&status.stderr));
        let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
        let rpm = out.join(sums.split_whitespace().nth(1).unwrap());
        (
            sums,
            rpm_query(&rpm, &["--qf", "%{BUILDTIME} %{BUILDHOST}"]),
        )
    };
    let first = build("022", "UTC", "2001-01-01", "1700000000");
    let second = build("077", "Asia/Tokyo", "2021-06-01", "1700000000");
    assert_eq!(first, second);
    assert_eq!(first.1, "1700000000 reproducible");
    let later = build("022", "UTC", "2001-01-01", "1700000100");
    assert_ne!(first.0, later.0, "SOURCE_DATE_EPOCH changes the bytes");
    assert_eq!(later.1, "1700000100 reproducible");
}

#[test]
fn what_rpm_cannot_express_is_refused_before_anything_is_written() {
    let file = "[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n";
    let cases: [(&str, &[&str]); 4] = [
        (
            "[rpm.relations]\ndepends = [\"libfoo >= 1.0-2-3\"]\n",
            &["[rpm.relations] depends[0]", "1.0-2-3"],
        ),
        (
            "[relations]\nprovides = [\"a | b\"]\n",
            &["[relations] provides[0]", "alternatives"],
        ),
        (
            "[rpm]\nghost = [\"var/log/hello.log\"]\n",
            &["[rpm] ghost[0]", "var/log/hello.log"],
        ),
        (
            "[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello/inner\"\n",
            &["`/usr/bin/hello` is not a directory"],
        ),
    ];
    for (extra, needles) in cases {
        let project = Project::new(
            &format!("{PACKAGE}\n{file}\n{extra}"),
            &[("bin/hello", b"#!/bin/sh\necho hello\n", 0o755)],
        );
        let out = project.package(&["--format", "rpm", "--target", "x86_64-linux"]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{extra}: {err}");
        for needle in needles {
            assert!(
                err.contains(needle),
                "{extra}: stderr lacks `{needle}`:\n{err}"
            );
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            project.dist_files().is_empty(),
            "{:?}",
            project.dist_files()
        );
    }
    let project = Project::new(
        &format!("{PACKAGE}\n{file}"),
        &[("bin/hello", b"#!/bin/sh\necho hello\n", 0o755)],
    );
    let out = project.package(&["--format", "rpm", "--target", "x86_64-windows"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("armv7hl"), "{err}");
    assert!(project.dist_files().is_empty());
}
