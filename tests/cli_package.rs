//! `vitte-buildkit package` end to end: manifests good and bad, globs and
//! placeholders, Cargo metadata, JSON output, atomic output, reproducibility.

mod common;

use common::*;

const HELLO: &[u8] = b"#!/bin/sh\necho hello\n";

fn simple() -> Project {
    Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n"),
        &[("bin/hello", HELLO, 0o755)],
    )
}

#[test]
fn bad_manifests_are_refused_with_the_file_and_key_named() {
    let bad_toml = Project::new("[package]\nname = \"hello\nversion = 1\n", &[]);
    bad_toml.assert_refused(&[], &["buildkit.toml", "line 2"]);

    let missing = Project::new("[package]\nname = \"hello\"\nsummary = \"x\"\n", &[]);
    missing.assert_refused(&[], &["buildkit.toml", "[package] version is missing"]);

    let cases: &[(&str, &[&str])] = &[
        ("[[files]]\nsrc = \"nope/hello\"\ndst = \"/usr/bin/hello\"\n", &["files[0].src `nope/hello` does not exist"]),
        ("[[files]]\nsrc = \"share/**/*.txt\"\ndst = \"/usr/share/hello/\"\n", &["files[0].src `share/**/*.txt` matches no file"]),
        ("[[files]]\nsrc = \"bin/hello\"\ndst = \"usr/bin/hello\"\n", &["files[0].dst `usr/bin/hello`", "absolute"]),
        ("[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/../../etc/passwd\"\n", &["files[0].dst", "escapes the install root"]),
        (
            "[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/./hello\"\n",
            &["two entries install to `/usr/bin/hello`"],
        ),
        ("[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\nmode = \"0999\"\n", &["files[0].mode `0999` is not an octal mode"]),
        ("[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\nkind = \"binary\"\n", &["files[0].kind `binary`"]),
        ("[relations]\ndepends = [\"libc6 (~ 2)\"]\n", &["[relations] depends[0]"]),
        (
            "[[files]]\nsrc = \"bin/hello\"\ndst = { linx = \"/usr/bin/\" }\n",
            &["files[0].dst has the key `linx`", "linux, macos, windows, wasm, default"],
        ),
        (
            "[[files]]\nsrc = \"bin/hello\"\ndst = 5\n",
            &["`dst = 5`", "a path, or a table of paths keyed by system"],
        ),
        (
            "[scripts]\npost-install = { mac = \"x.sh\" }\n",
            &["[scripts] post-install has the key `mac`"],
        ),
        ("[scripts]\npost-install = \"scripts/nope.sh\"\n", &["[scripts] post-install `scripts/nope.sh` cannot be read"]),
        ("[deb]\ncompression = \"lz4\"\n", &["[deb] compression `lz4`"]),
        ("[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\nowner = 5\n", &["buildkit.toml", "owner"]),
    ];
    for (extra, needles) in cases {
        let project = Project::new(
            &format!("{PACKAGE}\n{extra}"),
            &[("bin/hello", HELLO, 0o755)],
        );
        project.assert_refused(&[], needles);
    }

    let not_semver = Project::new(&PACKAGE.replace("1.2.3", "1.2"), &[]);
    not_semver.assert_refused(&[], &["[package] version `1.2` is not a semantic version"]);
}

#[test]
fn bad_options_are_refused() {
    let project = simple();
    project.assert_refused(&["--format", "zip"], &["unknown format `zip`", "tar.gz"]);
    project.assert_refused(
        &["--target", "sparc-solaris"],
        &["unknown target `sparc-solaris`", "x86_64-linux"],
    );
    // clap's usage errors exit 2.
    let out = project.package(&["--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_output_folder_that_is_a_file_is_refused() {
    let project = simple();
    std::fs::write(project.dist(), b"not a folder").unwrap();
    let out = project.package(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("is a file"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(project.dist()).unwrap(), b"not a folder");
}

#[test]
fn a_failed_run_leaves_earlier_artifacts_untouched() {
    let project = simple();
    run_ok(&mut std::process::Command::new("true"));
    let out = project.package(&["--format", "tar.gz"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before: Vec<(String, Vec<u8>)> = project
        .dist_files()
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(project.dist().join(&n)).unwrap()))
        .collect();
    std::fs::remove_file(project.path().join("bin/hello")).unwrap();
    let out = project.package(&["--format", "tar.gz,tar.xz"]);
    assert_eq!(out.status.code(), Some(1));
    let after: Vec<(String, Vec<u8>)> = project
        .dist_files()
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(project.dist().join(&n)).unwrap()))
        .collect();
    assert_eq!(before, after, "the failed run changed dist/");
}

#[test]
fn globs_placeholders_and_folders_expand_into_sorted_entries() {
    let manifest = format!(
        "{PACKAGE}
[[files]]
src = \"build/{{triple}}/hello\"
dst = \"/usr/bin/{{name}}\"
[[files]]
src = \"share/**/*.txt\"
dst = \"/usr/share/{{name}}/\"
[[files]]
src = \"doc\"
dst = \"/usr/share/doc/{{name}}-{{version}}/\"
kind = \"doc\"
[[files]]
dst = \"/var/lib/hello\"
kind = \"dir\"
mode = \"0700\"
[[files]]
dst = \"/usr/bin/hi\"
kind = \"symlink\"
target = \"hello\"
"
    );
    let project = Project::new(
        &manifest,
        &[
            ("build/aarch64-unknown-linux-gnu/hello", HELLO, 0o755),
            ("share/a.txt", b"a\n", 0o644),
            ("share/sub/b.txt", b"b\n", 0o600),
            ("share/skip.md", b"no\n", 0o644),
            ("doc/README", b"readme\n", 0o644),
        ],
    );
    let out = project.package(&["--format", "tar.gz", "--target", "aarch64-linux"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let archive = project
        .dist()
        .join("hello-1.2.3-aarch64-unknown-linux-gnu.tar.gz");
    let listing = text(&run_ok(tool("tar").arg("-tvzf").arg(&archive)).stdout);
    let top = "hello-1.2.3-aarch64-unknown-linux-gnu";
    let names: Vec<&str> = listing
        .lines()
        .map(|l| l.split_whitespace().nth(5).unwrap())
        .collect();
    let expected = [
        "",
        "usr/",
        "usr/bin/",
        "usr/bin/hello",
        "usr/bin/hi",
        "usr/share/",
        "usr/share/doc/",
        "usr/share/doc/hello-1.2.3/",
        "usr/share/doc/hello-1.2.3/README",
        "usr/share/hello/",
        "usr/share/hello/a.txt",
        "usr/share/hello/sub/",
        "usr/share/hello/sub/b.txt",
        "var/",
        "var/lib/",
        "var/lib/hello/",
    ];
    let expected: Vec<String> = expected.iter().map(|p| format!("{top}/{p}")).collect();
    assert_eq!(names, expected, "{listing}");
    let mode_of = |path: &str| {
        listing
            .lines()
            .find(|l| l.ends_with(path) || l.contains(&format!("{path} ->")))
            .unwrap()[..10]
            .to_string()
    };
    assert_eq!(mode_of("usr/bin/hello"), "-rwxr-xr-x");
    // Without `mode`, only the executable bit of the source counts.
    assert_eq!(mode_of("usr/share/hello/sub/b.txt"), "-rw-r--r--");
    assert_eq!(mode_of("var/lib/hello/"), "drwx------");
    assert_eq!(mode_of("usr/bin/hi"), "lrwxrwxrwx");
}

#[test]
fn json_messages_describe_each_artifact_and_sha256sums_checks() {
    let project = simple();
    let out = project.package(&["--format", "tar.gz,tar.zst", "--message-format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let artifacts: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["reason"] == "artifact").collect();
    assert_eq!(artifacts.len(), 2);
    for a in &artifacts {
        let path = std::path::Path::new(a["path"].as_str().unwrap());
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(a["size"].as_u64().unwrap(), bytes.len() as u64);
        let sum = text(&run_ok(tool("sha256sum").arg(path)).stdout);
        assert_eq!(
            sum.split_whitespace().next().unwrap(),
            a["sha256"].as_str().unwrap()
        );
        assert_eq!(a["target"], "x86_64-unknown-linux-gnu");
    }
    assert_eq!(
        lines.last().unwrap(),
        &serde_json::json!({"reason": "finished", "success": true})
    );
    run_ok(
        tool("sha256sum")
            .arg("-c")
            .arg("SHA256SUMS")
            .current_dir(project.dist()),
    );
    let failed = project.package(&["--format", "nope", "--message-format", "json"]);
    let last: Vec<serde_json::Value> = text(&failed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(last[0]["reason"], "error");
    assert!(last[0]["message"]
        .as_str()
        .unwrap()
        .contains("unknown format `nope`"));
    assert_eq!(
        last[1],
        serde_json::json!({"reason": "finished", "success": false})
    );
}

#[test]
fn cargo_metadata_fills_the_package() {
    let project = Project::new("", &[]);
    std::fs::remove_file(project.manifest()).unwrap();
    std::fs::write(
        project.path().join("Cargo.toml"),
        r#"[package]
name = "mytool"
version = "0.4.1-beta.2"
description = "A tool. It does things."
license = "Apache-2.0"
authors = ["Ann Dev <ann@example.org>"]
repository = "https://example.org/mytool"

[package.metadata.buildkit]
release = 3
"#,
    )
    .unwrap();
    std::fs::create_dir_all(project.path().join("target/release")).unwrap();
    std::fs::write(project.path().join("target/release/mytool"), HELLO).unwrap();
    let out = run(buildkit().current_dir(project.path()).args([
        "package",
        "--format",
        "tar.gz",
        "--message-format",
        "json",
        "--out",
        "out",
    ]));
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
    let archive = project
        .path()
        .join("out/mytool-0.4.1-beta.2-x86_64-unknown-linux-gnu.tar.gz");
    let listing = text(&run_ok(tool("tar").arg("-tvzf").arg(&archive)).stdout);
    assert!(listing.contains("-rwxr-xr-x root/root        21 2024-01-01 00:00 mytool-0.4.1-beta.2-x86_64-unknown-linux-gnu/usr/bin/mytool"), "{listing}");

    let wrong = run(buildkit().current_dir(project.path()).args([
        "package",
        "--package",
        "other",
        "--out",
        "out",
    ]));
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        text(&wrong.stderr).contains("no package named `other`"),
        "{}",
        text(&wrong.stderr)
    );
}

#[test]
fn archives_are_reproducible_across_environments() {
    let build = |umask: &str, tz: &str, touch: &str| {
        let project = Project::new(
            &format!("{PACKAGE}\n[[files]]\nsrc = \"share/*\"\ndst = \"/usr/share/hello/\"\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n"),
            &[("bin/hello", HELLO, 0o755), ("share/b", b"b", 0o644), ("share/a", b"a", 0o644)],
        );
        run_ok(
            tool("touch")
                .arg("-d")
                .arg(touch)
                .arg(project.path().join("share/a")),
        );
        let cwd = tempfile::tempdir().unwrap();
        let out = run(std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_vitte-buildkit"))
            // No artifact cache: this run must package, not find an earlier result.
            .env("VITTE_BUILDKIT_CACHE_DIR", "off")
            .args(["package", "--format", "tar.gz,tar.xz,tar.zst", "--manifest"])
            .arg(project.manifest())
            .arg("--out")
            .arg(project.dist())
            .current_dir(cwd.path())
            .env("TZ", tz)
            .env("SOURCE_DATE_EPOCH", "1700000000"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        std::fs::read_to_string(project.dist().join("SHA256SUMS")).unwrap()
    };
    let first = build("022", "UTC", "2001-01-01");
    let second = build("077", "Asia/Tokyo", "2021-06-01");
    assert_eq!(first.lines().count(), 3, "{first}");
    assert_eq!(first, second);
}

#[test]
fn an_interrupted_run_leaves_no_partial_file() {
    // Large enough that xz is still busy when the signal comes.
    let big: Vec<u8> = (0..40_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let project = simple();
    std::fs::write(project.path().join("big.bin"), &big).unwrap();
    std::fs::write(
        project.manifest(),
        format!("{PACKAGE}\n[[files]]\nsrc = \"big.bin\"\ndst = \"/usr/share/hello/big.bin\"\n"),
    )
    .unwrap();
    let mut child = buildkit()
        .args(["package", "--format", "tar.xz", "-j", "1", "--manifest"])
        .arg(project.manifest())
        .arg("--out")
        .arg(project.dist())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has staged its output, then interrupt it.
    project.wait_for_staging(std::time::Duration::from_secs(30));
    run_ok(tool("kill").arg("-INT").arg(child.id().to_string()));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(
        project.dist_files().is_empty(),
        "left behind: {:?}",
        project.dist_files()
    );
}

#[test]
fn vitte_dispatches_to_vitte_buildkit() {
    let project = simple();
    let vitte = std::path::Path::new(env!("CARGO_BIN_EXE_vitte-buildkit")).with_file_name("vitte");
    let out = run(std::process::Command::new(&vitte)
        .env("VITTE_BUILDKIT_CACHE_DIR", "off")
        .args(["buildkit", "package", "--format", "tar.gz", "--manifest"])
        .arg(project.manifest())
        .arg("--out")
        .arg(project.dist()));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        project.dist_files(),
        ["SHA256SUMS", "hello-1.2.3-x86_64-unknown-linux-gnu.tar.gz"]
    );
    let unknown = run(std::process::Command::new(&vitte).arg("nosuchcommand"));
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("vitte-nosuchcommand"));
}

/// The README's first set-up command, read from the README itself and run
/// with this build: every artifact it promises is written without a single
/// warning, each native package carries the architecture of the example's
/// compiled program, and each is accepted by the tool that consumes it.
#[test]
fn the_readme_command_packages_the_example_for_every_platform() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release --bin vitte-buildkit -- package"))
        .expect("the README has the packaging command");
    let args: Vec<&str> = command
        .split_once(" -- ")
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let out_at = args.iter().position(|a| *a == "--out").unwrap();
    let dist = tempfile::tempdir().unwrap();
    let mut cmd = buildkit();
    cmd.current_dir(root)
        .args(&args[..out_at])
        .arg("--out")
        .arg(dist.path())
        .args(&args[out_at + 2..]);
    let out = run_ok(&mut cmd);
    let err = text(&out.stderr);
    assert!(!err.contains("warning"), "the README command warns:\n{err}");
    let file = |name: &str| dist.path().join(name);
    let deb = file("hello_1.2.3-1_amd64.deb");
    let rpm = file("hello-1.2.3-1.x86_64.rpm");
    let msi = file("hello-1.2.3-x64.msi");
    let pkg = file("hello-1.2.3-universal.pkg");
    for path in [
        &deb,
        &rpm,
        &msi,
        &pkg,
        &file("hello-1.2.3-x86_64-unknown-linux-gnu.tar.gz"),
        &file("hello-1.2.3-x86_64-pc-windows-msvc.tar.xz"),
        &file("hello-1.2.3-universal-apple-darwin.tar.zst"),
    ] {
        assert!(
            path.is_file(),
            "the README command wrote no {}",
            path.display()
        );
    }
    let field = run_ok(
        tool("dpkg-deb")
            .arg("--field")
            .arg(&deb)
            .arg("Architecture"),
    );
    assert_eq!(text(&field.stdout).trim(), "amd64");
    run_ok(tool("rpm").args(["-K", "--nosignature"]).arg(&rpm));
    let arch = run_ok(tool("rpm").args(["-qp", "--qf", "%{ARCH}"]).arg(&rpm));
    assert_eq!(text(&arch.stdout), "x86_64");
    let summary = text(&run_ok(tool("msiinfo").arg("suminfo").arg(&msi)).stdout);
    assert!(
        summary.lines().any(|l| l == "Template: x64;1033"),
        "{summary}"
    );
    let files = text(&run_ok(tool("msiinfo").args(["export"]).arg(&msi).arg("File")).stdout);
    assert!(files.contains("\thello.exe\t"), "{files}");
    let x = dist.path().join("x");
    std::fs::create_dir(&x).unwrap();
    run_ok(tool("bsdtar").arg("-xf").arg(&pkg).arg("-C").arg(&x));
    let distribution = std::fs::read_to_string(x.join("Distribution")).unwrap();
    assert!(
        distribution.contains("hostArchitectures=\"arm64,x86_64\""),
        "{distribution}"
    );
    let info = std::fs::read_to_string(x.join("hello.pkg/PackageInfo")).unwrap();
    assert!(info.contains("install-location=\"/\""), "{info}");
    run_ok(
        tool("bsdtar")
            .arg("-xf")
            .arg(x.join("hello.pkg/Payload"))
            .arg("-C")
            .arg(&x),
    );
    let kind = text(&run_ok(tool("file").arg(x.join("usr/local/bin/hello"))).stdout);
    assert!(
        kind.contains("Mach-O universal binary with 2 architectures"),
        "{kind}"
    );
    run_ok(
        tool("sha256sum")
            .arg("-c")
            .arg("SHA256SUMS")
            .current_dir(dist.path()),
    );
}

/// An architecture-independent package (deb `all`, rpm `noarch`) has one
/// file name for every target: built once when its files are the same, and
/// refused, naming both targets, when they differ — never overwritten.
#[test]
fn an_architecture_independent_package_for_several_targets_is_built_once() {
    let project = simple();
    let out = project.package(&[
        "--format",
        "deb,rpm",
        "--target",
        "x86_64-linux,aarch64-linux",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        project.dist_files(),
        [
            "SHA256SUMS",
            "hello-1.2.3-1.noarch.rpm",
            "hello_1.2.3-1_all.deb"
        ]
    );

    let per_target = Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"bin/{{arch}}/hello\"\ndst = \"/usr/bin/hello\"\n"),
        &[
            ("bin/x86_64/hello", HELLO, 0o755),
            ("bin/aarch64/hello", b"#!/bin/sh\necho bonjour\n", 0o755),
        ],
    );
    let out = per_target.package(&["--format", "deb", "--target", "x86_64-linux,aarch64-linux"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("hello_1.2.3-1_all.deb would be written for both x86_64-unknown-linux-gnu and aarch64-unknown-linux-gnu"),
        "{err}"
    );
    assert!(per_target.dist_files().is_empty());
}
