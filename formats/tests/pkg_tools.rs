//! The `.pkg` backend judged by the tools Linux has: bsdtar (libarchive's
//! xar reader, which verifies every checksum it is given), 7-Zip, GNU cpio
//! on the Payload and Scripts, xmllint on PackageInfo and Distribution;
//! reproducibility and refused input. `pkg_readers.rs` holds the
//! independent readers. Installing on macOS has not been tried.

mod common;
mod pkg_common;

use std::path::Path;

use common::*;
use pkg_common::*;
use vitte_buildkit_formats::model::{Entry, Package};
use vitte_buildkit_formats::pkg::FlatPackage;
use vitte_buildkit_formats::{Format, NoEvents, Target, WriteContext};

#[test]
fn bsdtar_and_7z_list_the_members() {
    let dir = tempfile::tempdir().unwrap();
    let path = build(&package(), "aarch64-apple-darwin", dir.path());
    assert_eq!(
        path.file_name().unwrap().to_str(),
        Some("hello-1.2.3-arm64.pkg")
    );
    let listing = stdout(&run_ok(tool("bsdtar").arg("-tf").arg(&path)));
    let names: Vec<&str> = listing.lines().collect();
    assert_eq!(
        names,
        [
            "Distribution",
            "hello.pkg",
            "hello.pkg/Bom",
            "hello.pkg/Payload",
            "hello.pkg/Scripts",
            "hello.pkg/PackageInfo"
        ],
        "{listing}"
    );
    let verbose = stdout(&run_ok(tool("bsdtar").arg("-tvf").arg(&path)));
    assert!(
        verbose.lines().all(|l| l.contains("root   wheel")),
        "{verbose}"
    );
    let seven = stdout(&run_ok(tool("7z").arg("l").arg(&path)));
    for name in [
        "Distribution",
        "hello.pkg/Bom",
        "hello.pkg/Payload",
        "hello.pkg/Scripts",
        "hello.pkg/PackageInfo",
    ] {
        assert!(
            seven.lines().any(|l| l.ends_with(&format!(" {name}"))),
            "7z does not list {name}:\n{seven}"
        );
    }
    assert!(seven.to_lowercase().contains("type = xar"), "{seven}");
    let test = stdout(&run_ok(tool("7z").arg("t").arg(&path)));
    assert!(test.contains("Everything is Ok"), "{test}");
    // Extraction (which checks every member's SHA-1) works.
    let out = extract(&path, dir.path());
    assert!(out.join("hello.pkg/Payload").is_file());
}

#[test]
fn bsdtar_refuses_a_corrupted_member() {
    // Shows the extraction above really checks the TOC's checksums.
    let dir = tempfile::tempdir().unwrap();
    let path = build(&package(), "x86_64-apple-darwin", dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    // Inside the Payload, which is stored as it is: only the SHA-1 can tell.
    let (_, heap, members) = read_xar(&bytes);
    let payload = members
        .iter()
        .find(|m| m.path == "hello.pkg/Payload")
        .unwrap();
    let inside = heap + (payload.offset + payload.length / 2) as usize;
    bytes[inside] ^= 0xff;
    let bad = dir.path().join("bad.pkg");
    std::fs::write(&bad, &bytes).unwrap();
    let out = dir.path().join("badx");
    std::fs::create_dir_all(&out).unwrap();
    let status = tool("bsdtar")
        .arg("-xf")
        .arg(&bad)
        .arg("-C")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        !status.status.success(),
        "bsdtar accepted a corrupted member"
    );
    let err = String::from_utf8_lossy(&status.stderr);
    assert!(err.to_lowercase().contains("sumcheck"), "{err}");
}

#[test]
fn payload_and_scripts_are_odc_cpio_with_the_installed_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = build(&package(), "universal-apple-darwin", dir.path());
    assert_eq!(
        path.file_name().unwrap().to_str(),
        Some("hello-1.2.3-universal.pkg")
    );
    let xar = extract(&path, dir.path());
    let payload = xar.join("hello.pkg/Payload");
    run_ok(tool("gzip").arg("-t").arg(&payload));
    let magic = run_ok(tool("gzip").arg("-dc").arg(&payload)).stdout;
    assert_eq!(&magic[..6], b"070707", "odc magic");
    let listing = cpio_listing(&payload);
    let got: Vec<(&str, &str, u64, Option<&str>)> = listing
        .iter()
        .map(|(n, m, _, _, s, l)| {
            let size = if m.starts_with('d') { 0 } else { *s };
            (n.as_str(), m.as_str(), size, l.as_deref())
        })
        .collect();
    assert_eq!(got, expected_payload());
    assert!(listing.iter().all(|e| e.2 == 0 && e.3 == 0), "root:wheel");
    // libarchive's cpio reader (gzip and odc detected by itself) agrees.
    let bsd = stdout(&run_ok(tool("bsdtar").arg("-tvf").arg(&payload)));
    let bsd: Vec<(String, String)> = bsd
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[8].to_string(), f[0].to_string())
        })
        .collect();
    let want: Vec<(String, String)> = expected_payload()
        .into_iter()
        .map(|(n, m, ..)| (n.to_string(), m.to_string()))
        .collect();
    assert_eq!(bsd, want);

    let files = dir.path().join("payload");
    cpio_extract(&payload, &files);
    assert_eq!(
        std::fs::read(files.join("usr/bin/hello")).unwrap(),
        b"#!/bin/sh\necho hello\n"
    );
    assert_eq!(
        std::fs::read_link(files.join("usr/bin/hi")).unwrap(),
        Path::new("hello")
    );

    let scripts = xar.join("hello.pkg/Scripts");
    let listing = cpio_listing(&scripts);
    let got: Vec<(&str, &str)> = listing
        .iter()
        .map(|(n, m, ..)| (n.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (".", "drwxr-xr-x"),
            ("./postinstall", "-rwxr-xr-x"),
            ("./preinstall", "-rwxr-xr-x")
        ]
    );
    let unpacked = dir.path().join("scripts");
    cpio_extract(&scripts, &unpacked);
    assert_eq!(
        std::fs::read_to_string(unpacked.join("preinstall")).unwrap(),
        format!("#!/bin/sh\n{PREINSTALL}")
    );
    assert_eq!(
        std::fs::read_to_string(unpacked.join("postinstall")).unwrap(),
        POSTINSTALL
    );
    // The scripts run: the interpreter line is right.
    let ran = run_ok(&mut std::process::Command::new(unpacked.join("preinstall")));
    assert_eq!(stdout(&ran), "before\n");
}

#[test]
fn no_scripts_no_scripts_member() {
    let dir = tempfile::tempdir().unwrap();
    let path = build(&sample_package("2.0.0"), "x86_64-apple-darwin", dir.path());
    let listing = stdout(&run_ok(tool("bsdtar").arg("-tf").arg(&path)));
    assert!(!listing.contains("Scripts"), "{listing}");
    let xar = extract(&path, dir.path());
    let info = xar.join("hello.pkg/PackageInfo");
    run_ok(tool("xmllint").arg("--noout").arg(&info));
    assert_eq!(xpath(&info, "count(/pkg-info/scripts)"), "0");
    assert_eq!(xpath(&info, "count(/pkg-info/payload)"), "1");
}

// ---- PackageInfo and Distribution, read by xmllint

fn xpath(file: &Path, expr: &str) -> String {
    stdout(&run_ok(tool("xmllint").arg("--xpath").arg(expr).arg(file)))
        .trim()
        .to_string()
}

#[test]
fn package_info_and_distribution_are_valid_xml_with_the_fields() {
    for (target, arches) in [
        ("aarch64-apple-darwin", "arm64"),
        ("x86_64-apple-darwin", "x86_64"),
        ("universal-apple-darwin", "arm64,x86_64"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut pkg = package();
        pkg.formats.pkg.install_location = Some("/".into());
        let path = build(&pkg, target, dir.path());
        let xar = extract(&path, dir.path());
        let info = xar.join("hello.pkg/PackageInfo");
        let dist = xar.join("Distribution");
        run_ok(tool("xmllint").arg("--noout").arg(&info).arg(&dist));

        let entries = cpio_listing(&xar.join("hello.pkg/Payload")).len();
        let kbytes: u64 = pkg
            .entries
            .iter()
            .filter(|e| e.kind.is_regular())
            .map(|e| e.size.div_ceil(1024))
            .sum();
        let attr = |f: &Path, e: &str| xpath(f, &format!("string({e})"));
        assert_eq!(
            attr(&info, "/pkg-info/@identifier"),
            "org.example-org.hello"
        );
        assert_eq!(attr(&info, "/pkg-info/@version"), "1.2.3");
        assert_eq!(attr(&info, "/pkg-info/@install-location"), "/");
        assert_eq!(attr(&info, "/pkg-info/@format-version"), "2");
        assert_eq!(attr(&info, "/pkg-info/@auth"), "root");
        assert_eq!(
            attr(&info, "/pkg-info/payload/@numberOfFiles"),
            entries.to_string()
        );
        assert_eq!(
            attr(&info, "/pkg-info/payload/@installKBytes"),
            kbytes.to_string()
        );
        assert_eq!(
            attr(&info, "/pkg-info/scripts/preinstall/@file"),
            "./preinstall"
        );
        assert_eq!(
            attr(&info, "/pkg-info/scripts/postinstall/@file"),
            "./postinstall"
        );

        let root = "/installer-gui-script";
        assert_eq!(attr(&dist, &format!("{root}/title")), "hello");
        assert_eq!(
            attr(&dist, &format!("{root}/options/@hostArchitectures")),
            arches
        );
        assert_eq!(attr(&dist, &format!("{root}/options/@customize")), "never");
        assert_eq!(
            attr(&dist, &format!("{root}/options/@require-scripts")),
            "false"
        );
        assert_eq!(
            attr(&dist, &format!("{root}/choices-outline/line/line/@choice")),
            "org.example-org.hello"
        );
        assert_eq!(
            attr(
                &dist,
                &format!("{root}/choice[@id='org.example-org.hello']/pkg-ref/@id")
            ),
            "org.example-org.hello"
        );
        let pkg_ref = format!("{root}/pkg-ref[@version]");
        assert_eq!(attr(&dist, &format!("{pkg_ref}/@version")), "1.2.3");
        assert_eq!(
            attr(&dist, &format!("{pkg_ref}/@installKBytes")),
            kbytes.to_string()
        );
        assert_eq!(attr(&dist, &pkg_ref), "#hello.pkg");
        assert!(
            xar.join(&attr(&dist, &pkg_ref)[1..]).is_dir(),
            "pkg-ref names the component"
        );
    }
}

#[test]
fn identifier_and_install_location_options_with_xml_characters() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = package();
    pkg.formats.pkg.identifier = Some("com.example.Tools".into());
    pkg.formats.pkg.install_location = Some("/opt/A&B <x>".into());
    for e in &mut pkg.entries {
        e.path = format!("/opt/A&B <x>{}", e.path);
    }
    let path = build(&pkg, "aarch64-apple-darwin", dir.path());
    let xar = extract(&path, dir.path());
    let info = xar.join("hello.pkg/PackageInfo");
    run_ok(tool("xmllint").arg("--noout").arg(&info));
    assert_eq!(
        xpath(&info, "string(/pkg-info/@identifier)"),
        "com.example.Tools"
    );
    assert_eq!(
        xpath(&info, "string(/pkg-info/@install-location)"),
        "/opt/A&B <x>"
    );
    let names: Vec<String> = cpio_listing(&xar.join("hello.pkg/Payload"))
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(names[0], ".");
    assert!(names.contains(&"./usr/bin/hello".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("opt")), "{names:?}");
}

#[test]
fn same_input_same_bytes_whatever_the_thread_count() {
    let pkg = package();
    let target = Target::parse("universal-apple-darwin").unwrap();
    let mut outputs = Vec::new();
    for threads in [1, 2, 4] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pkg");
        let mut out = std::fs::File::create(&path).unwrap();
        let ctx = WriteContext {
            source_date_epoch: EPOCH,
            threads,
            scratch_dir: dir.path(),
            events: &NoEvents,
            openpgp_key: None,
        };
        FlatPackage.write(&pkg, &target, &ctx, &mut out).unwrap();
        drop(out);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "the spool file is gone");
        outputs.push(std::fs::read(&path).unwrap());
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    let toc = read_xar(&outputs[0]).0;
    assert!(
        toc.contains("<creation-time>2023-11-14T22:13:20</creation-time>"),
        "{toc}"
    );
    assert!(toc.contains("<mtime>2023-11-14T22:13:20Z</mtime>"));
}

#[test]
fn bad_input_is_refused_before_writing() {
    let pkg = package();
    let linux = Target::parse("x86_64-linux").unwrap();
    let err = FlatPackage.accepts(&linux).unwrap_err().to_string();
    assert!(err.contains("macOS"), "{err}");

    let mac = Target::parse("aarch64-macos").unwrap();
    let mut outside = pkg.clone();
    outside.formats.pkg.install_location = Some("/usr/local".into());
    let err = FlatPackage
        .validate(&outside, &mac)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/etc/hello/hello.conf") && err.contains("install-location"),
        "{err}"
    );

    let mut bad_id = pkg.clone();
    bad_id.formats.pkg.identifier = Some("org example".into());
    let err = FlatPackage.validate(&bad_id, &mac).unwrap_err().to_string();
    assert!(err.contains("[pkg] identifier"), "{err}");

    let mut bad_location = pkg.clone();
    bad_location.formats.pkg.install_location = Some("usr/local/".into());
    let err = FlatPackage
        .validate(&bad_location, &mac)
        .unwrap_err()
        .to_string();
    assert!(err.contains("install-location"), "{err}");

    let mut location_is_a_file = pkg.clone();
    location_is_a_file.formats.pkg.install_location = Some("/usr/bin/hello".into());
    location_is_a_file
        .entries
        .retain(|e| e.path == "/usr/bin/hello");
    let err = FlatPackage
        .validate(&location_is_a_file, &mac)
        .unwrap_err()
        .to_string();
    assert!(err.contains("must be a folder"), "{err}");

    let mut big_uid = pkg.clone();
    big_uid.entries[0].uid = 1_000_000;
    let err = FlatPackage
        .validate(&big_uid, &mac)
        .unwrap_err()
        .to_string();
    assert!(err.contains("uid"), "{err}");

    let mut huge: Package = pkg;
    let e: &mut Entry = &mut huge.entries[0];
    e.size = 5 << 30;
    let err = FlatPackage.validate(&huge, &mac).unwrap_err().to_string();
    assert!(err.contains("4 GiB"), "{err}");
}
