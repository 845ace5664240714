//! `vitte-buildkit package --format pkg` end to end: the example project,
//! `[pkg]` options from the manifest, refused targets, reproducibility.
//! The artifacts are read with bsdtar, GNU cpio and xmllint.

mod common;

use std::path::Path;

use common::*;

const HELLO: &[u8] = b"#!/bin/sh\necho hello\n";

fn xpath(file: &Path, expr: &str) -> String {
    text(&run_ok(tool("xmllint").arg("--xpath").arg(expr).arg(file)).stdout)
        .trim()
        .to_string()
}

fn unpack(pkg: &Path, into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    run_ok(tool("bsdtar").arg("-xf").arg(pkg).arg("-C").arg(into));
}

fn payload_names(payload: &Path) -> Vec<String> {
    let out = run_ok(tool("sh").arg("-c").arg(format!(
        "gzip -dc '{}' | cpio -it --quiet -H odc",
        payload.display()
    )));
    text(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn the_example_packages_as_a_universal_pkg_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let run = run_ok(
        buildkit()
            .arg("package")
            .arg("--manifest")
            .arg(root.join("examples/hello/buildkit.toml"))
            .args(["--format", "pkg", "--target", "universal-macos", "--out"])
            .arg(out.path()),
    );
    let err = text(&run.stderr);
    assert!(!err.contains("warning"), "{err}");
    let pkg = out.path().join("hello-1.2.3-universal.pkg");
    assert!(
        pkg.is_file(),
        "{:?}",
        std::fs::read_dir(out.path()).unwrap().collect::<Vec<_>>()
    );
    let x = out.path().join("x");
    unpack(&pkg, &x);
    // The macOS destinations of the manifest's per-system `dst`; the Linux
    // configuration file and scripts are left out.
    let names = payload_names(&x.join("hello.pkg/Payload"));
    for want in [
        "./usr/local/bin/hello",
        "./usr/local/share/man/man1/hello.1.gz",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("etc")), "{names:?}");
    assert!(!x.join("hello.pkg/Scripts").exists());
    assert_eq!(
        xpath(
            &x.join("Distribution"),
            "string(/installer-gui-script/options/@hostArchitectures)"
        ),
        "arm64,x86_64"
    );
}

#[test]
fn macos_locations_config_files_and_remove_scripts_are_warned_about() {
    let project = Project::new(
        &format!(
            "{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n\n[[files]]\nsrc = \"hello.conf\"\ndst = \"/etc/hello/hello.conf\"\nkind = \"config\"\n\n[scripts]\npost-install = \"postinst.sh\"\npost-remove = \"postrm.sh\"\n"
        ),
        &[
            ("bin/hello", HELLO, 0o755),
            ("hello.conf", b"greeting = hello\n", 0o644),
            ("postinst.sh", b"#!/bin/sh\necho installed\n", 0o755),
            ("postrm.sh", b"#!/bin/sh\necho removed\n", 0o755),
        ],
    );
    let run = project.package(&["--format", "pkg", "--target", "aarch64-macos"]);
    let err = text(&run.stderr);
    assert!(run.status.success(), "{err}");
    for want in [
        "/usr/bin/hello: macOS System Integrity Protection",
        "/etc/hello/hello.conf: on macOS this folder is a symbolic link into /private",
        "/etc/hello/hello.conf: the macOS installer has no configuration files",
        "post-remove",
    ] {
        assert!(err.contains(want), "{want}: {err}");
    }
    let pkg = project.dist().join("hello-1.2.3-arm64.pkg");
    let x = project.path().join("x");
    unpack(&pkg, &x);
    let names = payload_names(&x.join("hello.pkg/Payload"));
    for want in [".", "./usr/bin/hello", "./etc/hello/hello.conf"] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    let info = x.join("hello.pkg/PackageInfo");
    assert_eq!(
        xpath(&info, "string(/pkg-info/scripts/postinstall/@file)"),
        "./postinstall"
    );
    assert_eq!(
        xpath(
            &x.join("Distribution"),
            "string(/installer-gui-script/options/@hostArchitectures)"
        ),
        "arm64"
    );
}

fn options_project() -> Project {
    Project::new(
        &format!(
            "{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/local/bin/hello\"\nmode = \"0755\"\n\n[pkg]\nidentifier = \"com.example.hello\"\ninstall-location = \"/usr/local\"\n"
        ),
        &[("bin/hello", HELLO, 0o755)],
    )
}

#[test]
fn pkg_options_from_the_manifest_reach_package_info() {
    let project = options_project();
    let out = project.package(&["--format", "pkg", "--target", "universal-macos"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        project.dist_files(),
        ["SHA256SUMS", "hello-1.2.3-universal.pkg"]
    );
    let x = project.path().join("x");
    unpack(&project.dist().join("hello-1.2.3-universal.pkg"), &x);
    let info = x.join("hello.pkg/PackageInfo");
    assert_eq!(
        xpath(&info, "string(/pkg-info/@identifier)"),
        "com.example.hello"
    );
    assert_eq!(
        xpath(&info, "string(/pkg-info/@install-location)"),
        "/usr/local"
    );
    assert_eq!(
        payload_names(&x.join("hello.pkg/Payload")),
        [".", "./bin", "./bin/hello"]
    );
    assert_eq!(
        xpath(
            &x.join("Distribution"),
            "string(/installer-gui-script/options/@hostArchitectures)"
        ),
        "arm64,x86_64"
    );
}

#[test]
fn non_macos_targets_and_bad_pkg_options_are_refused() {
    let project = options_project();
    let out = project.package(&["--format", "pkg", "--target", "x86_64-linux"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("format `pkg` cannot package for target `x86_64-unknown-linux-gnu`")
            && err.contains("aarch64-apple-darwin"),
        "{err}"
    );
    assert!(project.dist_files().is_empty());

    let outside = Project::new(
        &format!(
            "{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/opt/hello\"\n\n[pkg]\ninstall-location = \"/usr/local\"\n"
        ),
        &[("bin/hello", HELLO, 0o755)],
    );
    let out = outside.package(&["--format", "pkg", "--target", "aarch64-macos"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("/opt/hello") && err.contains("install-location"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(outside.dist_files().is_empty());
}

#[test]
fn same_manifest_same_pkg_bytes() {
    let project = options_project();
    let mut builds = Vec::new();
    for (jobs, tz) in [("1", "UTC"), ("2", "Asia/Tokyo")] {
        let dist = project.path().join(format!("dist-{jobs}"));
        run_ok(
            buildkit()
                .env("SOURCE_DATE_EPOCH", "1700000000")
                .env("TZ", tz)
                .arg("package")
                .arg("--manifest")
                .arg(project.manifest())
                .args([
                    "--format",
                    "pkg",
                    "--target",
                    "aarch64-macos",
                    "--jobs",
                    jobs,
                    "--out",
                ])
                .arg(&dist),
        );
        builds.push(std::fs::read(dist.join("hello-1.2.3-arm64.pkg")).unwrap());
    }
    assert!(builds[0] == builds[1], "two builds differ");
}

fn macho_project(fixture: &str) -> Project {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bin")
            .join(fixture),
    )
    .unwrap();
    Project::new(
        &format!(
            "{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/local/bin/hello\"\nmode = \"0755\"\n"
        ),
        &[("bin/hello", &bytes, 0o755)],
    )
}

#[test]
fn a_mach_o_binary_must_fit_the_pkg_target() {
    let x86 = macho_project("macho-x86_64");
    let out = x86.package(&["--format", "pkg", "--target", "aarch64-macos"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("usr/local/bin/hello") && err.contains("x86_64"),
        "{err}"
    );
    assert!(x86.dist_files().is_empty(), "{:?}", x86.dist_files());
    let out = x86.package(&["--format", "pkg", "--target", "x86_64-macos"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(x86.dist_files(), ["SHA256SUMS", "hello-1.2.3-x86_64.pkg"]);

    // The FAT_MAGIC_64 form of a universal binary fits every pkg target too.
    let fat64 = macho_project("macho-universal64");
    let out = fat64.package(&[
        "--format",
        "pkg",
        "--target",
        "aarch64-macos,x86_64-macos,universal-macos",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(fat64.dist_files().len(), 4, "{:?}", fat64.dist_files());

    let fat = macho_project("macho-universal");
    let out = fat.package(&[
        "--format",
        "pkg",
        "--target",
        "aarch64-macos,x86_64-macos,universal-macos",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        fat.dist_files(),
        [
            "SHA256SUMS",
            "hello-1.2.3-arm64.pkg",
            "hello-1.2.3-universal.pkg",
            "hello-1.2.3-x86_64.pkg"
        ]
    );
    // The binary travels unchanged into the Payload.
    let x = fat.path().join("x");
    unpack(&fat.dist().join("hello-1.2.3-universal.pkg"), &x);
    let files = fat.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    run_ok(
        tool("sh")
            .arg("-c")
            .arg(format!(
                "gzip -dc '{}' | cpio -id --quiet -H odc",
                x.join("hello.pkg/Payload").display()
            ))
            .current_dir(&files),
    );
    assert!(
        std::fs::read(files.join("usr/local/bin/hello")).unwrap()
            == std::fs::read(fat.path().join("bin/hello")).unwrap()
    );
}
