//! What the `.pkg` tests share: the sample package with install scripts,
//! building it, unpacking it with bsdtar and GNU cpio, and a small xar
//! reader written from the format description (header by hand, TOC by
//! flate2, tags by string search), sharing no code with the writer.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};
use vitte_buildkit_formats::model::Package;
use vitte_buildkit_formats::pkg::FlatPackage;

use crate::common::*;

pub const PREINSTALL: &str = "echo before\n";
pub const POSTINSTALL: &str = "#!/bin/bash\necho after\n";

pub fn package() -> Package {
    let mut pkg = sample_package("1.2.3");
    pkg.scripts.pre_install = Some(PREINSTALL.into());
    pkg.scripts.post_install = Some(POSTINSTALL.into());
    pkg
}

pub fn build(pkg: &Package, target: &str, dir: &Path) -> PathBuf {
    write_artifact(&FlatPackage, pkg, target, dir)
}

/// Extracts the xar with bsdtar (which checks the archived and extracted SHA-1s).
pub fn extract(pkg_file: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("xar");
    std::fs::create_dir_all(&out).unwrap();
    run_ok(tool("bsdtar").arg("-xf").arg(pkg_file).arg("-C").arg(&out));
    out
}

/// `gzip -dc ARCHIVE | cpio -itv --numeric-uid-gid -H odc` as (name, ls mode, uid, gid, size, link).
pub fn cpio_listing(archive: &Path) -> Vec<(String, String, u32, u32, u64, Option<String>)> {
    let raw = run_ok(tool("gzip").arg("-dc").arg(archive)).stdout;
    let mut cmd = tool("cpio");
    cmd.args(["-itv", "--numeric-uid-gid", "-H", "odc", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &raw).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "cpio failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let rest = f[8..].join(" ");
            let (name, link) = match rest.split_once(" -> ") {
                Some((n, l)) => (n.to_string(), Some(l.to_string())),
                None => (rest, None),
            };
            (
                name,
                f[0].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
                link,
            )
        })
        .collect()
}

/// Unpacks a gzip'd cpio archive into `dir` with GNU cpio.
pub fn cpio_extract(archive: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let script = format!(
        "gzip -dc '{}' | cpio -idm --quiet -H odc",
        archive.display()
    );
    run_ok(tool("sh").arg("-c").arg(script).current_dir(dir));
}

/// The installed files the sample package describes, as `cpio -tv` shows them.
pub fn expected_payload() -> Vec<(&'static str, &'static str, u64, Option<&'static str>)> {
    vec![
        (".", "drwxr-xr-x", 0, None),
        ("./etc", "drwxr-xr-x", 0, None),
        ("./etc/hello", "drwxr-xr-x", 0, None),
        ("./etc/hello/hello.conf", "-rw-r--r--", 17, None),
        ("./usr", "drwxr-xr-x", 0, None),
        ("./usr/bin", "drwxr-xr-x", 0, None),
        ("./usr/bin/hello", "-rwxr-xr-x", 21, None),
        ("./usr/bin/hi", "lrwxrwxrwx", 5, Some("hello")),
        ("./usr/share", "drwxr-xr-x", 0, None),
        ("./usr/share/doc", "drwxr-xr-x", 0, None),
        ("./usr/share/doc/hello", "drwxr-xr-x", 0, None),
        ("./usr/share/doc/hello/README", "-rw-r--r--", 11, None),
    ]
}

// ---- an independent xar reader: header by hand, TOC by flate2, tags by string search

pub struct Member {
    pub path: String,
    pub length: u64,
    pub offset: u64,
    pub size: u64,
    pub encoding: String,
    pub archived: String,
    pub extracted: String,
}

pub fn be64(b: &[u8]) -> u64 {
    u64::from_be_bytes(b[..8].try_into().unwrap())
}

pub fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in {text}"))
        + open.len();
    let end = start + text[start..].find(close).unwrap();
    &text[start..end]
}

/// The TOC text, the heap's start, and every file member with its full path.
pub fn read_xar(bytes: &[u8]) -> (String, usize, Vec<Member>) {
    assert_eq!(&bytes[..4], b"xar!");
    assert_eq!(u16::from_be_bytes([bytes[4], bytes[5]]), 28);
    assert_eq!(u16::from_be_bytes([bytes[6], bytes[7]]), 1);
    let toc_len = be64(&bytes[8..]) as usize;
    let toc_plain_len = be64(&bytes[16..]) as usize;
    assert_eq!(
        u32::from_be_bytes(bytes[24..28].try_into().unwrap()),
        1,
        "SHA-1"
    );
    let mut toc = String::new();
    flate2::read::ZlibDecoder::new(&bytes[28..28 + toc_len])
        .read_to_string(&mut toc)
        .unwrap();
    assert_eq!(toc.len(), toc_plain_len);
    let heap = 28 + toc_len;

    // Walk the tags: a stack of <file> names gives each member's path.
    let mut members = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = toc.as_str();
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if let Some(r) = rest.strip_prefix("</file>") {
            stack.pop();
            rest = r;
        } else if rest.starts_with("<file ") {
            let name = between(rest, "<name>", "</name>").to_string();
            stack.push(name);
            rest = &rest[5..];
        } else if rest.starts_with("<data>") {
            let data = between(rest, "<data>", "</data>");
            members.push(Member {
                path: stack.join("/"),
                length: between(data, "<length>", "</length>").parse().unwrap(),
                offset: between(data, "<offset>", "</offset>").parse().unwrap(),
                size: between(data, "<size>", "</size>").parse().unwrap(),
                encoding: between(data, "<encoding style=\"", "\"").to_string(),
                archived: between(data, "<archived-checksum style=\"sha1\">", "<").to_string(),
                extracted: between(data, "<extracted-checksum style=\"sha1\">", "<").to_string(),
            });
            rest = &rest[6..];
        } else {
            rest = &rest[1..];
        }
    }
    (toc, heap, members)
}

pub fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
