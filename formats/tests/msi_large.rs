//! A package of 50,000 files: more than 65,535 strings, so the database is
//! written with long (3-byte) string references. msiinfo reads it,
//! msiextract gives every file back, and wine's msiexec installs and removes
//! it. Slow (minutes under wine); each step's time is printed.

mod common;
mod msi_common;

use std::path::Path;
use std::time::Instant;

use common::*;
use msi_common::*;
use vitte_buildkit_formats::model::EntryKind;

const FILES: usize = 50_000;

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
fn fifty_thousand_files_install_and_uninstall_under_wine() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = win_package("1.0.0", b"MZ program", &[]);
    pkg.formats.msi.path = false;
    pkg.entries = (0..FILES)
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
    assert_eq!(files.len(), FILES);
    let media = export(&msi, "Media");
    assert_eq!(media.len(), 1, "{media:?}");
    assert_eq!(media[0][1], FILES.to_string());

    let out = dir.path().join("x");
    timed("msiextract", || {
        run_ok(tool("msiextract").arg("-C").arg(&out).arg(&msi))
    });
    let extracted = out.join("PFiles/Example Org/hello");
    for i in 0..FILES {
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
    assert_eq!(installed, FILES);
    for i in [0, 1, 999, 1000, 32_767, 32_768, 49_999] {
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

/// The end of an msiexec log, where the failure is.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(60)..].join("\n")
}
