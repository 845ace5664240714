//! What the MSI tests share: the Windows sample package, writing it (every
//! MSI written is checked to be a version-3 compound file, by hand and by
//! olefile at its strictest), reading tables with msiinfo, and a headless
//! wine prefix that runs msiexec.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use vitte_buildkit_formats::model::{EntryKind, Package};
use vitte_buildkit_formats::msi::Msi;

use crate::common::*;

pub const UPGRADE_CODE: &str = "{0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9}";

/// A Windows package: a program, a helper with a long name, a config file,
/// a doc, an empty folder, and `extra` files.
pub fn win_package(version: &str, exe: &[u8], extra: &[(&str, &[u8])]) -> Package {
    let mut pkg = sample_package(version);
    pkg.entries = vec![
        file("/usr/bin/hello.exe", 0o755, EntryKind::File, exe),
        file(
            "/usr/bin/hello-helper.exe",
            0o755,
            EntryKind::File,
            b"helper bytes",
        ),
        file(
            "/etc/hello/hello.conf",
            0o644,
            EntryKind::Config,
            b"greeting = hello\n",
        ),
        file(
            "/usr/share/doc/hello/README",
            0o644,
            EntryKind::Doc,
            b"Say hello.\n",
        ),
        {
            let mut dir = file("/var/lib/hello", 0o755, EntryKind::Dir, b"");
            dir.source = vitte_buildkit_formats::Source::None;
            dir
        },
    ];
    for (path, bytes) in extra {
        pkg.entries.push(file(path, 0o644, EntryKind::File, bytes));
    }
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    pkg.formats.msi.upgrade_code = Some(UPGRADE_CODE.into());
    pkg.formats.msi.path = true;
    pkg
}

/// `msiinfo export` as rows of fields, without the three header lines.
pub fn export(msi: &Path, table: &str) -> Vec<Vec<String>> {
    let out = stdout(&run_ok(tool("msiinfo").arg("export").arg(msi).arg(table)));
    out.lines()
        .skip(3)
        .map(|l| {
            l.trim_end_matches('\r')
                .split('\t')
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// The rows of a table keyed by their first column.
pub fn by_key(rows: &[Vec<String>]) -> BTreeMap<String, Vec<String>> {
    rows.iter().map(|r| (r[0].clone(), r.clone())).collect()
}

/// Writes the package as an MSI for `target` into `dir` and checks that it
/// is a version-3 compound file.
pub fn write_msi(pkg: &Package, target: &str, dir: &Path) -> PathBuf {
    let msi = write_artifact(&Msi, pkg, target, dir);
    assert_compound_file_v3(&msi);
    msi
}

/// The compound file header as MS-CFB lays it out (version 3: 512-byte
/// sectors, 64-byte mini sectors, no directory sector count, 4096-byte
/// mini-stream cutoff), then olefile, with every defect it can find raised,
/// reading every stream to its end.
pub fn assert_compound_file_v3(msi: &Path) {
    let bytes = std::fs::read(msi).unwrap();
    let name = msi.display();
    assert!(
        bytes.len() >= 512 && bytes.len().is_multiple_of(512),
        "{name}: {} bytes",
        bytes.len()
    );
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(
        bytes[..8],
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        "{name}"
    );
    assert_eq!(u16_at(24), 0x3E, "{name}: minor version");
    assert_eq!(u16_at(26), 3, "{name}: major version");
    assert_eq!(u16_at(28), 0xFFFE, "{name}: byte order");
    assert_eq!(u16_at(30), 9, "{name}: sector shift (512 bytes)");
    assert_eq!(u16_at(32), 6, "{name}: mini sector shift (64 bytes)");
    assert_eq!(u32_at(40), 0, "{name}: directory sectors (0 in version 3)");
    assert_eq!(u32_at(56), 4096, "{name}: mini stream cutoff");
    let out = olefile(msi);
    assert_eq!(
        out.lines().next(),
        Some("3 512 64 4096"),
        "{name}: olefile says\n{out}"
    );
}

/// What olefile reads: the version and sizes, then each stream and its length.
pub fn olefile(msi: &Path) -> String {
    const READ: &str = r#"
import sys, olefile
ole = olefile.OleFileIO(sys.argv[1], raise_defects=olefile.DEFECT_UNSURE)
print(ole.dll_version, ole.sector_size, ole.mini_sector_size, ole.minisectorcutoff)
for entry in ole.listdir(streams=True, storages=False):
    data = ole.openstream(entry).read()
    assert len(data) == ole.get_size(entry), entry
    print("/".join(entry), len(data))
"#;
    // Debian's python3 (not another one on PATH) has python3-olefile.
    let python = "/usr/bin/python3";
    let out = Command::new(python)
        .arg("-c")
        .arg(READ)
        .arg(msi)
        .output()
        .unwrap_or_else(|e| {
            panic!("{python}: {e}; install it with `apt-get install python3-olefile`")
        });
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("No module named 'olefile'"),
        "olefile is missing: `apt-get install python3-olefile`"
    );
    assert!(
        out.status.success(),
        "olefile refused {}:\n{err}",
        msi.display()
    );
    stdout(&out)
}

/// A Windows prefix of its own, headless, shared by one test's steps.
pub struct Wine {
    pub prefix: tempfile::TempDir,
}

impl Wine {
    /// Creates the prefix. Its wineserver stays up between the steps
    /// (each command is faster) and is ended when the `Wine` is dropped.
    pub fn new() -> Wine {
        let prefix = tempfile::tempdir().unwrap();
        let wine = Wine { prefix };
        run_ok(wine.cmd("wineboot").arg("-i"));
        wine
    }

    pub fn cmd(&self, program: &str) -> Command {
        let mut cmd = tool(program);
        cmd.env("WINEPREFIX", self.prefix.path().join("pfx"))
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("DISPLAY", "");
        cmd
    }

    /// Runs msiexec in the MSI's folder; returns whether it succeeded and its log.
    pub fn msiexec(&self, action: &str, msi: &Path) -> (bool, String) {
        let log = self.prefix.path().join("msiexec.log");
        let _ = std::fs::remove_file(&log);
        let out = self
            .cmd("wine")
            .current_dir(msi.parent().unwrap())
            .arg("msiexec")
            .arg(action)
            .arg(msi.file_name().unwrap())
            .arg("/qn")
            .arg("/l*v")
            .arg(&log)
            .output()
            .unwrap();
        let bytes = std::fs::read(&log).unwrap_or_default();
        (out.status.success(), decode_log(&bytes))
    }

    pub fn program_files(&self) -> PathBuf {
        self.prefix.path().join("pfx/drive_c/Program Files")
    }

    pub fn reg_query(&self, key: &str) -> String {
        let out = self
            .cmd("wine")
            .args(["reg", "query", key, "/s"])
            .output()
            .unwrap();
        stdout(&out)
    }

    /// DisplayVersion of every registered product, 64- and 32-bit.
    pub fn installed(&self) -> Vec<String> {
        let uninstall = r"Microsoft\Windows\CurrentVersion\Uninstall";
        let text = self.reg_query(&format!(r"HKLM\Software\{uninstall}"))
            + &self.reg_query(&format!(r"HKLM\Software\Wow6432Node\{uninstall}"));
        text.lines()
            .filter_map(|l| l.trim().strip_prefix("DisplayVersion"))
            .map(|v| v.trim().trim_start_matches("REG_SZ").trim().to_string())
            .collect()
    }

    pub fn system_path(&self) -> String {
        self.reg_query(r"HKLM\System\CurrentControlSet\Control\Session Manager\Environment")
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        // End the prefix's wineserver and every program it still runs.
        let _ = self.cmd("wineserver").arg("-k").status();
        let _ = self.cmd("wineserver").arg("-w").status();
    }
}

/// msiexec logs may be UTF-16.
pub fn decode_log(bytes: &[u8]) -> String {
    if bytes.len() > 1 && bytes.iter().skip(1).step_by(2).take(64).all(|b| *b == 0) {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// A real Windows console program, built with mingw.
pub fn windows_program(dir: &Path, greeting: &str) -> Vec<u8> {
    let src = dir.join("hello.c");
    std::fs::write(
        &src,
        format!("#include <stdio.h>\nint main(void) {{ puts(\"{greeting}\"); return 0; }}\n"),
    )
    .unwrap();
    let exe = dir.join("hello.exe");
    run_ok(
        tool("x86_64-w64-mingw32-gcc")
            .arg("-O2")
            .arg("-s")
            .arg("-o")
            .arg(&exe)
            .arg(&src),
    );
    std::fs::read(exe).unwrap()
}

/// Every path below `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            found.push(entry.path());
            found.extend(walk(&entry.path()));
        }
    }
    found.sort();
    found
}
