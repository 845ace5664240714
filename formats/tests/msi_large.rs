//! Large packages. 23,000 files (`VITTE_BUILDKIT_MSI_LARGE_FILES` sets
//! another count, e.g. 50000): more than 65,535 strings, so the database is
//! written with long (3-byte) string references; msiinfo reads it,
//! msiextract gives every file back, and wine's msiexec installs and removes
//! it (wine's time grows with the component count: 50,000 files took about
//! half an hour on a loaded 2-core machine; each step's time is printed).
//! 65,536 files: a second cabinet.

mod common;
mod msi_common;

use std::path::Path;
use std::time::Instant;

use common::*;
use msi_common::*;
use vitte_buildkit_formats::model::EntryKind;

/// Just over the count whose strings need long references.
const FILES: usize = 23_000;

fn file_count() -> usize {
    std::env::var("VITTE_BUILDKIT_MSI_LARGE_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(FILES)
}

fn path_of(i: usize) -> String {
    format!("/usr/share/many/d{:02}/file-{i:05}.txt", i / 1000)
}

fn content_of(i: usize) -> Vec<u8> {
    format!("file {i}\n").into_bytes()
}

/// The string pool header and entry count, read with olefile from the
/// `_StringPool` stream (its name encoded as MSI encodes table streams).
fn string_pool(msi: &Path) -> (u32, usize) {
    const READ: &str = r#"
import sys, olefile
chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"
def encode(name):
    out, i = chr(0x4840), 0
    while i < len(name):
        if i + 1 < len(name):
            out += chr(0x3800 + chars.index(name[i]) + (chars.index(name[i + 1]) << 6))
            i += 2
        else:
            out += chr(0x4800 + chars.index(name[i]))
            i += 1
    return out
ole = olefile.OleFileIO(sys.argv[1], raise_defects=olefile.DEFECT_UNSURE)
pool = ole.openstream(encode("_StringPool")).read()
print(int.from_bytes(pool[:4], "little"), (len(pool) - 4) // 4)
"#;
    let out = run_ok(
        std::process::Command::new("/usr/bin/python3")
            .arg("-c")
            .arg(READ)
            .arg(msi),
    );
    let text = stdout(&out);
    let mut words = text.split_whitespace().map(|w| w.parse::<u64>().unwrap());
    (words.next().unwrap() as u32, words.next().unwrap() as usize)
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    eprintln!("msi_large: {what}: {:.1} s", start.elapsed().as_secs_f64());
    value
}

#[test]
fn long_string_references_install_and_uninstall_under_wine() {
    let count = file_count();
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = win_package("1.0.0", b"MZ program", &[]);
    pkg.formats.msi.path = false;
    pkg.entries = (0..count)
        .map(|i| file(&path_of(i), 0o644, EntryKind::File, &content_of(i)))
        .collect();
    let msi = timed("build", || write_msi(&pkg, "x86_64-windows", dir.path()));

    let (header, entries) = string_pool(&msi);
    assert_eq!(
        header,
        0x8000_0000 | 1252,
        "long string references, code page 1252"
    );
    assert!(entries > 65_535, "{entries} strings need long references");

    let files = timed("msiinfo export File", || export(&msi, "File"));
    assert_eq!(files.len(), count);
    let media = export(&msi, "Media");
    assert_eq!(media.len(), 1, "{media:?}");
    assert_eq!(media[0][1], count.to_string());

    let out = dir.path().join("x");
    timed("msiextract", || {
        run_ok(tool("msiextract").arg("-C").arg(&out).arg(&msi))
    });
    let extracted = out.join("PFiles/Example Org/hello");
    for i in 0..count {
        let rel = path_of(i).trim_start_matches("/usr/").to_string();
        let got = std::fs::read(extracted.join(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(got, content_of(i), "{rel}");
    }

    let wine = Wine::new();
    let root = wine.program_files().join("Example Org/hello");
    let (ok, log) = timed("wine msiexec /i", || wine.msiexec("/i", &msi));
    assert!(ok, "install failed:\n{}", tail(&log));
    assert_eq!(wine.installed(), ["1.0.0"]);
    let installed = walk(&root).iter().filter(|p| p.is_file()).count();
    assert_eq!(installed, count);
    for i in [0, 1, 999, 1000, count / 2, count - 1] {
        let rel = path_of(i).trim_start_matches("/usr/").to_string();
        assert_eq!(
            std::fs::read(root.join(&rel)).unwrap(),
            content_of(i),
            "{rel}"
        );
    }
    let (ok, log) = timed("wine msiexec /x", || wine.msiexec("/x", &msi));
    assert!(ok, "uninstall failed:\n{}", tail(&log));
    assert!(wine.installed().is_empty());
    assert!(!root.exists(), "{} paths left behind", walk(&root).len());
}

/// A cabinet counts its files in 16 bits: file 65,536 starts a second
/// cabinet, with its own Media row; msiinfo, cabextract and msiextract
/// agree.
#[test]
fn file_65536_starts_a_second_cabinet() {
    let dir = tempfile::tempdir().unwrap();
    let count = 65_536;
    let mut pkg = win_package("1.0.0", b"MZ program", &[]);
    pkg.formats.msi.path = false;
    pkg.entries = (0..count)
        .map(|i| file(&path_of(i), 0o644, EntryKind::File, &content_of(i)))
        .collect();
    let msi = timed("build 65,536 files", || {
        write_msi(&pkg, "x86_64-windows", dir.path())
    });
    let media = export(&msi, "Media");
    let rows: Vec<(&str, &str, &str)> = media
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("1", "65535", "#product1.cab"),
            ("2", "65536", "#product2.cab")
        ]
    );
    for (name, files) in [("product1.cab", 65_535), ("product2.cab", 1)] {
        let cab = dir.path().join(name);
        let bytes = run_ok(tool("msiinfo").arg("extract").arg(&msi).arg(name)).stdout;
        std::fs::write(&cab, bytes).unwrap();
        let test = stdout(&run_ok(tool("cabextract").arg("-t").arg(&cab)));
        assert!(test.contains("All done, no errors."), "{name}");
        assert_eq!(test.matches("  OK  ").count(), files, "{name}");
    }
    let out = dir.path().join("x");
    run_ok(tool("msiextract").arg("-C").arg(&out).arg(&msi));
    let extracted = out.join("PFiles/Example Org/hello");
    for i in [0, 65_534, 65_535] {
        let rel = path_of(i).trim_start_matches("/usr/").to_string();
        assert_eq!(
            std::fs::read(extracted.join(&rel)).unwrap(),
            content_of(i),
            "{rel}"
        );
    }
    assert_eq!(
        walk(&extracted).iter().filter(|p| p.is_file()).count(),
        count
    );
}

/// The end of an msiexec log, where the failure is.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(60)..].join("\n")
}
