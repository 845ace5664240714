//! `vitte-buildkit package --format deb` end to end: the example package
//! judged by lintian and installed by dpkg, byte-for-byte reproducible
//! builds for every compression, input Debian forbids refused before
//! anything is written, warnings for what it merely frowns on, and a peak
//! RSS that does not grow with the payload.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello")
}

/// Packages the example (or a copy of it) as deb for x86_64-linux into `out`.
fn package_example(manifest: &Path, out: &Path) -> PathBuf {
    run_ok(
        buildkit()
            .args([
                "package",
                "-q",
                "--format",
                "deb",
                "--target",
                "x86_64-linux",
            ])
            .arg("--manifest")
            .arg(manifest)
            .arg("--out")
            .arg(out),
    );
    the_deb(out)
}

/// The one .deb in `out`: `_amd64` while the example counts as holding a
/// binary, `_all` once the inspection sees only scripts; the Architecture
/// field must agree with the name.
fn the_deb(out: &Path) -> PathBuf {
    let debs: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "{debs:?}");
    let name = debs[0].file_name().unwrap().to_str().unwrap().to_string();
    let arch = name
        .strip_prefix("hello_1.2.3-1_")
        .and_then(|a| a.strip_suffix(".deb"))
        .unwrap_or_else(|| panic!("unexpected name {name}"));
    assert!(["amd64", "all"].contains(&arch), "{name}");
    let field = run_ok(
        tool("dpkg-deb")
            .arg("--field")
            .arg(&debs[0])
            .arg("Architecture"),
    );
    assert_eq!(text(&field.stdout).trim(), arch);
    debs[0].clone()
}

#[test]
fn lintian_reports_no_error_or_warning_on_the_example() {
    let out = tempfile::tempdir().unwrap();
    let deb = package_example(&example().join("buildkit.toml"), out.path());
    let report = text(
        &run_ok(
            tool("lintian")
                .args(["--tag-display-limit", "0", "--display-info", "--pedantic"])
                .args(["--display-experimental", "--show-overrides"])
                .arg(&deb),
        )
        .stdout,
    );
    // Kept in the test log: the info, pedantic and experimental tags.
    eprintln!("lintian on the example:\n{report}");
    let bad: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("E:") || l.starts_with("W:"))
        .collect();
    assert!(bad.is_empty(), "lintian errors or warnings:\n{report}");
    // The only override is the justified one (see templates/deb/lintian-overrides).
    let overrides: Vec<&str> = report.lines().filter(|l| l.starts_with("O:")).collect();
    assert_eq!(
        overrides,
        ["O: hello: initial-upload-closes-no-bugs [usr/share/doc/hello/changelog.Debian.gz:1]"],
        "{report}"
    );
}

#[test]
fn dpkg_installs_and_removes_the_example_running_its_scripts() {
    let out = tempfile::tempdir().unwrap();
    let deb = package_example(&example().join("buildkit.toml"), out.path());
    let root = out.path().join("root");
    std::fs::create_dir_all(root.join("var/lib/dpkg/info")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg/updates")).unwrap();
    std::fs::write(root.join("var/lib/dpkg/status"), "").unwrap();
    let dpkg = || {
        let mut cmd = tool("dpkg");
        cmd.arg(format!("--root={}", root.display()))
            .args(["--force-script-chrootless", "--force-not-root"])
            // The scratch root has no libc6 for the example's `depends`.
            .arg("--force-depends");
        cmd
    };
    let installed = run_ok(dpkg().arg("--install").arg(&deb));
    assert!(text(&installed.stdout).contains("hello installed"));
    assert!(root.join("var/lib/hello").is_dir(), "postinst did not run");
    assert!(root.join("usr/share/man/man1/hello.1.gz").is_file());
    let conffiles = text(&run_ok(dpkg().args(["--status", "hello"])).stdout);
    assert!(
        conffiles.contains("Conffiles:\n /etc/hello/hello.conf "),
        "{conffiles}"
    );
    run_ok(dpkg().args(["--remove", "hello"]));
    assert!(!root.join("var/lib/hello").exists(), "postrm did not run");
    assert!(!root.join("usr/bin/hello").exists());
}

/// Copies the example into a fresh folder, with `[deb] compression` set.
fn example_copy(compression: &str, touch: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        tool("cp")
            .arg("-r")
            .arg(example())
            .arg(dir.path().join("hello")),
    );
    let manifest = dir.path().join("hello/buildkit.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}\n[deb]\ncompression = \"{compression}\"\n"),
    )
    .unwrap();
    run_ok(
        tool("sh")
            .arg("-c")
            .arg(format!("find . -exec touch -h -d '{touch}' {{}} +"))
            .current_dir(dir.path()),
    );
    dir
}

#[test]
fn debs_are_reproducible_across_environments_for_every_compression() {
    for compression in ["xz", "gzip", "zstd", "none"] {
        let build = |umask: &str, tz: &str, touch: &str| {
            let project = example_copy(compression, touch);
            let cwd = tempfile::tempdir().unwrap();
            let out = project.path().join("dist");
            let result = run(std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
                .arg(env!("CARGO_BIN_EXE_vitte-buildkit"))
                // No artifact cache: this run must package, not find an earlier result.
                .env("VITTE_BUILDKIT_CACHE_DIR", "off")
                .args(["package", "--format", "deb", "--target", "x86_64-linux"])
                .arg("--manifest")
                .arg(project.path().join("hello/buildkit.toml"))
                .arg("--out")
                .arg(&out)
                .current_dir(cwd.path())
                .env_remove("SOURCE_DATE_EPOCH")
                .env("TZ", tz));
            assert!(result.status.success(), "{}", text(&result.stderr));
            std::fs::read(the_deb(&out)).unwrap()
        };
        let first = build("022", "UTC", "2001-01-01");
        let second = build("077", "Asia/Tokyo", "2021-06-01 12:34:56");
        assert!(first == second, "{compression}: the two builds differ");
        let members = std::str::from_utf8(&first[8..8 + 16]).unwrap();
        assert_eq!(members, "debian-binary   ", "{compression}");
    }
}

#[test]
fn input_debian_forbids_is_refused_and_nothing_is_written() {
    const HELLO: &[u8] = b"#!/bin/sh\necho hello\n";
    let files = "[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n";
    let deb = ["--format", "deb", "--target", "x86_64-linux"];
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "name = \"hello\"",
            "name = \"Hello\"",
            &[
                "deb",
                "`Hello` is not a Debian package name",
                "e.g. `hello`",
            ],
        ),
        (
            "name = \"hello\"",
            "name = \"my_hello\"",
            &["`my_hello` is not a Debian package name", "e.g. `my-hello`"],
        ),
        (
            "version = \"1.2.3\"",
            "version = \"1.2.3\"\nrelease = \"1_2\"",
            &["release `1_2` is not a Debian revision"],
        ),
        (
            "maintainer = \"Jane Doe <jane@example.org>\"",
            "maintainer = \"Jane Doe\"",
            &["maintainer `Jane Doe`", "Name <user@example.org>"],
        ),
    ];
    for (from, to, needles) in cases {
        let project = Project::new(
            &format!("{}\n{files}", PACKAGE.replace(from, to)),
            &[("bin/hello", HELLO, 0o755)],
        );
        project.assert_refused(&deb, needles);
    }
    let extras: &[(&str, &[&str])] = &[
        (
            "[scripts]\npost-install = \"scripts/missing.sh\"\n",
            &["[scripts] post-install `scripts/missing.sh` cannot be read"],
        ),
        (
            "[scripts]\npost-install = \"bin/plain.txt\"\n",
            &[
                "[scripts] post-install does not start with an interpreter line",
                "#!/bin/sh",
            ],
        ),
        (
            "[deb]\npriority = \"extra\"\n",
            &["[deb] priority `extra` is not one of required, important, standard, optional"],
        ),
        (
            "[deb.relations]\ndepends = [\"libfoo (>= a1)\"]\n",
            &["[relations] depends[0]", "`a1` is not a Debian version"],
        ),
    ];
    for (extra, needles) in extras {
        let project = Project::new(
            &format!("{PACKAGE}\n{files}\n{extra}"),
            &[
                ("bin/hello", HELLO, 0o755),
                ("bin/plain.txt", b"echo hi\n", 0o644),
            ],
        );
        project.assert_refused(&deb, needles);
    }
    // A target dpkg cannot serve: the error lists what deb accepts.
    let project = Project::new(
        &format!("{PACKAGE}\n{files}"),
        &[("bin/hello", HELLO, 0o755)],
    );
    project.assert_refused(
        &["--format", "deb", "--target", "x86_64-windows"],
        &[
            "format `deb` cannot package for target `x86_64-pc-windows-msvc`",
            "Linux targets only",
            "amd64",
        ],
    );
    // With every format, a target deb cannot serve is skipped, not an error.
    let out = project.package(&["--format", "all", "--target", "x86_64-windows"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!project.dist_files().iter().any(|f| f.ends_with(".deb")));
}

#[test]
fn what_dpkg_takes_but_debian_frowns_on_is_written_with_a_warning() {
    let project = Project::new(
        &format!(
            "{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/local/bin/hello\"\n[relations]\nobsoletes = [\"hello-old\"]\nconflicts = [\"hello-old\"]\n"
        ),
        &[("bin/hello", b"#!/bin/sh\necho hello\n", 0o755)],
    );
    // The lint gate stops /usr/local (lintian: file-in-usr-local) by default.
    project.assert_refused(
        &["--format", "deb", "--target", "x86_64-linux"],
        &[
            "[file-in-usr-local]",
            "/usr/local/bin/hello",
            "install under /usr",
        ],
    );
    let out = project.package(&[
        "--format",
        "deb",
        "--target",
        "x86_64-linux",
        "--lint",
        "warn",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("warning: [relations] obsoletes is RPM's"),
        "{err}"
    );
    assert!(
        err.contains("warning: [file-in-usr-local] error (deb): /usr/local/bin/hello: /usr/local belongs to the administrator"),
        "{err}"
    );
    let deb = the_deb(&project.dist());
    let control = text(&run_ok(tool("dpkg-deb").arg("--info").arg(&deb)).stdout);
    assert!(control.contains(" Conflicts: hello-old\n"), "{control}");
    assert!(!control.contains("Obsoletes"), "{control}");
}

#[test]
fn memory_stays_flat_as_the_payload_grows() {
    // Peak RSS of one deb build (gzip, whose own need is small) with `mb`
    // MiB of payload, as /usr/bin/time measures it.
    let peak_kib = |mb: usize| -> u64 {
        let project = Project::new(
            &format!(
                "{PACKAGE}\n[[files]]\nsrc = \"big.bin\"\ndst = \"/usr/share/hello/big.bin\"\n[deb]\ncompression = \"gzip\"\n"
            ),
            &[],
        );
        let mut file = std::fs::File::create(project.path().join("big.bin")).unwrap();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..mb {
            let chunk: Vec<u8> = (0..1 << 20)
                .map(|i: u32| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    // Half random, half text-like: gzip has work to do.
                    if i & 1 == 0 {
                        (state >> 56) as u8
                    } else {
                        b'a' + (i % 26) as u8
                    }
                })
                .collect();
            std::io::Write::write_all(&mut file, &chunk).unwrap();
        }
        drop(file);
        let report = project.path().join("time");
        run_ok(
            tool("/usr/bin/time")
                .args(["-f", "%M", "-o"])
                .arg(&report)
                .arg(env!("CARGO_BIN_EXE_vitte-buildkit"))
                // No artifact cache: this run must package, not find an earlier result.
                .env("VITTE_BUILDKIT_CACHE_DIR", "off")
                .args([
                    "package",
                    "-q",
                    "--format",
                    "deb",
                    "--target",
                    "x86_64-linux",
                    "-j",
                    "2",
                ])
                .arg("--manifest")
                .arg(project.manifest())
                .arg("--out")
                .arg(project.dist())
                .env_remove("SOURCE_DATE_EPOCH"),
        );
        the_deb(&project.dist());
        std::fs::read_to_string(&report)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    let small = peak_kib(2);
    let large = peak_kib(24);
    eprintln!("peak RSS: {small} KiB with 2 MiB, {large} KiB with 24 MiB of payload");
    assert!(
        large < small + 12 * 1024,
        "peak RSS grew from {small} KiB to {large} KiB with the payload"
    );
}

#[test]
fn an_interrupted_deb_build_leaves_nothing_behind() {
    let project = Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"big.bin\"\ndst = \"/usr/share/hello/big.bin\"\n"),
        &[],
    );
    // Large enough that xz is still busy when the signal comes.
    let big: Vec<u8> = (0..24_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(project.path().join("big.bin"), &big).unwrap();
    let mut child = buildkit()
        .args([
            "package",
            "--format",
            "deb",
            "--target",
            "x86_64-linux",
            "-j",
            "1",
        ])
        .arg("--manifest")
        .arg(project.manifest())
        .arg("--out")
        .arg(project.dist())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has staged its output (the .deb and the data.tar
    // spool live in the staging folder), then interrupt it.
    project.wait_for_staging(std::time::Duration::from_secs(60));
    std::thread::sleep(std::time::Duration::from_millis(300));
    run_ok(tool("kill").arg("-INT").arg(child.id().to_string()));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(
        project.dist_files().is_empty(),
        "left behind: {:?}",
        project.dist_files()
    );
}
