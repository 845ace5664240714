//! The tar backends judged by GNU tar and bsdtar.

mod common;

use common::*;
use vitte_buildkit_formats::targz::TarArchive;
use vitte_buildkit_formats::write::Compression;

#[test]
fn gnu_tar_and_bsdtar_list_paths_modes_and_owners() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = sample_package("1.2.3");
    for (compression, flag) in [
        (Compression::gzip(), "-z"),
        (Compression::xz(), "-J"),
        (Compression::zstd(), "--zstd"),
    ] {
        let path = write_artifact(
            &TarArchive::new(compression),
            &pkg,
            "x86_64-linux",
            dir.path(),
        );
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            name.starts_with("hello-1.2.3-x86_64-unknown-linux-gnu.tar."),
            "{name}"
        );
        let listing = stdout(&run_ok(
            tool("tar")
                .args([flag, "-tvf"])
                .arg(&path)
                .arg("--numeric-owner"),
        ));
        let top = "hello-1.2.3-x86_64-unknown-linux-gnu";
        let expect = [
            format!("drwxr-xr-x 0/0               0 2023-11-14 22:13 {top}/"),
            format!("drwxr-xr-x 0/0               0 2023-11-14 22:13 {top}/etc/"),
            format!("drwxr-xr-x 0/0               0 2023-11-14 22:13 {top}/etc/hello/"),
            format!("-rw-r--r-- 0/0              17 2023-11-14 22:13 {top}/etc/hello/hello.conf"),
            format!("drwxr-xr-x 0/0               0 2023-11-14 22:13 {top}/usr/"),
            format!("drwxr-xr-x 0/0               0 2023-11-14 22:13 {top}/usr/bin/"),
            format!("-rwxr-xr-x 0/0              21 2023-11-14 22:13 {top}/usr/bin/hello"),
            format!("lrwxrwxrwx 0/0               0 2023-11-14 22:13 {top}/usr/bin/hi -> hello"),
        ];
        let lines: Vec<&str> = listing.lines().collect();
        for want in &expect {
            assert!(
                lines.contains(&want.as_str()),
                "{name}: missing line\n{want}\nin\n{listing}"
            );
        }
        assert_eq!(lines.len(), 12, "{name}: {listing}");
        let bsd = stdout(&run_ok(tool("bsdtar").arg("-tvf").arg(&path)));
        assert!(
            bsd.contains("root   root") || bsd.contains("root  root"),
            "{bsd}"
        );
        // Extracted bytes equal the sources.
        let out = dir.path().join(format!("x-{}", compression.extension()));
        std::fs::create_dir_all(&out).unwrap();
        run_ok(tool("bsdtar").arg("-xf").arg(&path).arg("-C").arg(&out));
        assert_eq!(
            std::fs::read(out.join(top).join("usr/bin/hello")).unwrap(),
            b"#!/bin/sh\necho hello\n"
        );
        assert_eq!(
            std::fs::read_link(out.join(top).join("usr/bin/hi"))
                .unwrap()
                .to_str(),
            Some("hello")
        );
    }
}

#[test]
fn gzip_output_passes_gzip_test() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = sample_package("1.0.0");
    // Several parallel blocks' worth of content.
    let big: Vec<u8> = (0..5_000_000u32)
        .map(|i| (i % 97) as u8 ^ (i >> 16) as u8)
        .collect();
    pkg.entries.push(file(
        "/usr/share/hello/big.bin",
        0o644,
        vitte_buildkit_formats::EntryKind::File,
        &big,
    ));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let path = write_artifact(
        &TarArchive::new(Compression::gzip()),
        &pkg,
        "x86_64-linux",
        dir.path(),
    );
    run_ok(tool("gzip").arg("-t").arg(&path));
    let out = dir.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    run_ok(tool("tar").arg("-xzf").arg(&path).arg("-C").arg(&out));
    assert!(
        std::fs::read(out.join("hello-1.0.0-x86_64-unknown-linux-gnu/usr/share/hello/big.bin"))
            .unwrap()
            == big
    );
}
