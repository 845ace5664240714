//! The `.pkg` backend read by readers that share no code with the writer:
//! a xar reader and a Bom walker written in these tests from the format
//! descriptions (xar's, bomutils' `bom.h`, apple-bom's notes), checked
//! against GNU cpio and POSIX `cksum` on the extracted Payload; and
//! apple-platform-rs's own readers (apple-bom here, apple-flat-package with
//! apple-xar through `tools/pkg-reader`).

mod common;
mod pkg_common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;
use pkg_common::*;
use sha1::{Digest, Sha1};
use vitte_buildkit_formats::model::Package;
use vitte_buildkit_formats::EntryKind;

#[test]
fn toc_checksum_and_every_member_checksum_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let path = build(&package(), "aarch64-apple-darwin", dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let (toc, heap, members) = read_xar(&bytes);
    let toc_len = heap - 28;
    assert_eq!(
        between(&toc, "<checksum style=\"sha1\">", "</checksum>")
            .trim()
            .replace([' ', '\n'], ""),
        "<offset>0</offset><size>20</size>"
    );
    assert_eq!(
        &bytes[heap..heap + 20],
        &Sha1::digest(&bytes[28..28 + toc_len])[..],
        "the heap opens with the SHA-1 of the compressed TOC"
    );
    let paths: Vec<&str> = members.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Distribution",
            "hello.pkg/Bom",
            "hello.pkg/Payload",
            "hello.pkg/Scripts",
            "hello.pkg/PackageInfo"
        ]
    );
    let xar = extract(&path, dir.path());
    let mut end = 20u64;
    for m in &members {
        let start = heap + m.offset as usize;
        let archived = &bytes[start..start + m.length as usize];
        assert_eq!(
            sha1_hex(archived),
            m.archived,
            "{}: archived checksum",
            m.path
        );
        let extracted = match m.encoding.as_str() {
            "application/x-gzip" => {
                let mut out = Vec::new();
                flate2::read::ZlibDecoder::new(archived)
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            "application/octet-stream" => archived.to_vec(),
            other => panic!("{}: unexpected encoding {other}", m.path),
        };
        assert_eq!(extracted.len() as u64, m.size, "{}: size", m.path);
        assert_eq!(
            sha1_hex(&extracted),
            m.extracted,
            "{}: extracted checksum",
            m.path
        );
        // bsdtar extracted the same bytes, and `sha1sum` agrees.
        let on_disk = xar.join(&m.path);
        assert!(std::fs::read(&on_disk).unwrap() == extracted, "{}", m.path);
        let sum = stdout(&run_ok(tool("sha1sum").arg(&on_disk)));
        assert!(sum.starts_with(&m.extracted), "{}: {sum}", m.path);
        let expected_encoding = if m.path.ends_with("Payload") || m.path.ends_with("Scripts") {
            "application/octet-stream"
        } else {
            "application/x-gzip"
        };
        assert_eq!(m.encoding, expected_encoding, "{}", m.path);
        assert_eq!(
            m.offset, end,
            "{}: members follow each other in the heap",
            m.path
        );
        end += m.length;
    }
    assert_eq!(
        heap as u64 + end,
        bytes.len() as u64,
        "nothing after the last member"
    );
}

// ---- an independent Bom walker, from bomutils' bom.h and apple-bom's notes

#[derive(Debug, PartialEq)]
struct BomRecord {
    path: String,
    kind: u8,
    mode: u16,
    uid: u32,
    gid: u32,
    size: u32,
    checksum: u32,
    link: Option<String>,
}

struct BomReader<'a> {
    bytes: &'a [u8],
    table: usize,
}

impl<'a> BomReader<'a> {
    fn u32(&self, at: usize) -> u32 {
        u32::from_be_bytes(self.bytes[at..at + 4].try_into().unwrap())
    }
    fn block(&self, index: u32) -> &'a [u8] {
        let count = self.u32(self.table);
        assert!(
            index > 0 && index < count,
            "block {index} outside the table of {count}"
        );
        let at = self.table + 4 + 8 * index as usize;
        let (addr, len) = (self.u32(at) as usize, self.u32(at + 4) as usize);
        assert!(
            addr + len <= self.bytes.len(),
            "block {index} runs past the end"
        );
        &self.bytes[addr..addr + len]
    }
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
}

/// Every path record of the Bom, in leaf order, full paths rebuilt from parent ids.
fn walk_bom(bytes: &[u8]) -> (Vec<BomRecord>, usize) {
    let bom = BomReader { bytes, table: 0 };
    assert_eq!(&bytes[..8], b"BOMStore");
    assert_eq!(bom.u32(8), 1);
    let table = bom.u32(16) as usize;
    assert_eq!(table + bom.u32(20) as usize, bytes.len());
    let bom = BomReader { bytes, table };
    assert_eq!(bom.u32(12) + 1, bom.u32(table), "non-null blocks");
    let vars_at = bom.u32(24) as usize;
    let mut vars = BTreeMap::new();
    let mut at = vars_at + 4;
    for _ in 0..bom.u32(vars_at) {
        let index = bom.u32(at);
        let len = bytes[at + 4] as usize;
        let name = String::from_utf8(bytes[at + 5..at + 5 + len].to_vec()).unwrap();
        vars.insert(name, index);
        at += 5 + len;
    }
    assert_eq!(at - vars_at, bom.u32(28) as usize, "vars length");
    let names: Vec<&str> = vars.keys().map(String::as_str).collect();
    assert_eq!(names, ["BomInfo", "HLIndex", "Paths", "Size64", "VIndex"]);

    let tree = bom.block(vars["Paths"]);
    assert_eq!(&tree[..4], b"tree");
    let path_count = be32(tree, 16);
    let info = bom.block(vars["BomInfo"]);
    assert_eq!(be32(info, 0), 1);
    assert_eq!(be32(info, 4), path_count + 1);
    for empty in ["HLIndex", "Size64"] {
        let t = bom.block(vars[empty]);
        assert_eq!(be32(t, 16), 0, "{empty} is empty");
        assert_eq!(
            &bom.block(be32(t, 8))[..4],
            &[0, 1, 0, 0],
            "{empty}: empty leaf"
        );
    }
    let vindex = bom.block(vars["VIndex"]);
    assert_eq!(&bom.block(be32(vindex, 4))[..4], b"tree");

    // Find the first leaf, then follow the forward links.
    let mut node = be32(tree, 8);
    loop {
        let n = bom.block(node);
        if bom_u16(n, 0) == 1 {
            break;
        }
        assert!(bom_u16(n, 2) > 0, "empty branch");
        node = be32(n, 12);
    }
    let mut full_paths: BTreeMap<u32, String> = BTreeMap::new();
    let mut records = Vec::new();
    let mut last_key = (0u32, Vec::new());
    let mut leaves = 0;
    loop {
        leaves += 1;
        let leaf = bom.block(node);
        let count = bom_u16(leaf, 2) as usize;
        for k in 0..count {
            let info1 = bom.block(be32(leaf, 12 + 8 * k));
            let file = bom.block(be32(leaf, 16 + 8 * k));
            let (id, record) = (be32(info1, 0), bom.block(be32(info1, 4)));
            let parent = be32(file, 0);
            let name = &file[4..file.len() - 1];
            assert_eq!(file[file.len() - 1], 0, "names end in NUL");
            let key = (parent, name.to_vec());
            assert!(key > last_key, "keys rise through the leaves");
            last_key = key;
            let name = String::from_utf8(name.to_vec()).unwrap();
            let path = if parent == 0 {
                name.clone()
            } else {
                let dir = full_paths
                    .get(&parent)
                    .unwrap_or_else(|| panic!("{name}: parent {parent} not seen before it"));
                format!("{dir}/{name}")
            };
            assert!(
                full_paths.insert(id, path.clone()).is_none(),
                "id {id} twice"
            );
            let kind = record[0];
            let link_len = be32(record, 27) as usize;
            let link = (kind == 3)
                .then(|| String::from_utf8(record[31..31 + link_len - 1].to_vec()).unwrap());
            records.push(BomRecord {
                path,
                kind,
                mode: bom_u16(record, 4),
                uid: be32(record, 6),
                gid: be32(record, 10),
                size: be32(record, 18),
                checksum: be32(record, 23),
                link,
            });
        }
        node = be32(leaf, 4);
        if node == 0 {
            break;
        }
    }
    assert_eq!(records.len() as u32, path_count);
    (records, leaves)
}

/// apple-platform-rs's `apple-bom` reader sees the same paths and fields.
fn apple_bom_agrees(bytes: &[u8], records: &[BomRecord]) {
    let parsed = apple_bom::ParsedBom::parse(bytes).expect("apple-bom parses the Bom");
    let paths = parsed.paths().expect("apple-bom walks the Paths tree");
    assert!(parsed.hl_index().unwrap().is_empty());
    assert!(parsed.size64().unwrap().is_empty());
    assert_eq!(paths.len(), records.len());
    for (theirs, ours) in paths.iter().zip(records) {
        assert_eq!(theirs.path(), ours.path);
        assert_eq!(theirs.file_mode(), ours.mode, "{}", ours.path);
        assert_eq!((theirs.user_id(), theirs.group_id()), (ours.uid, ours.gid));
        assert_eq!(theirs.size(), ours.size as usize, "{}", ours.path);
        let crc = (ours.kind != 2).then_some(ours.checksum);
        assert_eq!(theirs.crc32(), crc, "{}", ours.path);
        assert_eq!(theirs.link_name(), ours.link.as_deref(), "{}", ours.path);
        assert_eq!(theirs.modified_time().timestamp(), EPOCH as i64);
    }
}

fn bom_u16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn ls_mode(mode: u16) -> String {
    let kind = match mode & 0o170000 {
        0o040000 => 'd',
        0o120000 => 'l',
        0o100000 => '-',
        _ => '?',
    };
    let mut s = String::from(kind);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

/// `cksum` of a file, or of a string given on stdin.
fn posix_cksum(file: Option<&Path>, text: &str) -> u32 {
    let out = match file {
        Some(f) => run_ok(tool("cksum").arg(f)),
        None => run_ok(
            tool("sh")
                .arg("-c")
                .arg("printf '%s' \"$1\" | cksum")
                .arg("sh")
                .arg(text),
        ),
    };
    stdout(&out)
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Checks the Bom against the Payload; returns (regular files checked, leaves walked).
fn check_bom_against_payload(pkg: &Package, target: &str) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = build(pkg, target, dir.path());
    let xar = extract(&path, dir.path());
    let bom_bytes = std::fs::read(xar.join(format!("{}.pkg/Bom", pkg.name))).unwrap();
    let (records, leaves) = walk_bom(&bom_bytes);
    apple_bom_agrees(&bom_bytes, &records);
    let payload = xar.join(format!("{}.pkg/Payload", pkg.name));
    let listing = cpio_listing(&payload);
    let files = dir.path().join("payload");
    cpio_extract(&payload, &files);

    let mut bom_paths: Vec<&str> = records.iter().map(|r| r.path.as_str()).collect();
    bom_paths.sort();
    let cpio_paths: Vec<&str> = listing.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        bom_paths, cpio_paths,
        "the Bom lists exactly the Payload's paths"
    );
    let by_name: BTreeMap<&str, _> = listing.iter().map(|e| (e.0.as_str(), e)).collect();
    let mut checked_files = 0;
    for r in &records {
        let (_, mode, uid, gid, size, link) = by_name[r.path.as_str()];
        assert_eq!(&ls_mode(r.mode), mode, "{}: mode", r.path);
        assert_eq!((r.uid, r.gid), (*uid, *gid), "{}: owner", r.path);
        let expected_kind = match mode.as_bytes()[0] {
            b'd' => 2,
            b'l' => 3,
            _ => 1,
        };
        assert_eq!(r.kind, expected_kind, "{}: type", r.path);
        match r.kind {
            1 => {
                assert_eq!(u64::from(r.size), *size, "{}: size", r.path);
                let on_disk = files.join(&r.path);
                assert_eq!(
                    r.checksum,
                    posix_cksum(Some(&on_disk), ""),
                    "{}: cksum",
                    r.path
                );
                checked_files += 1;
            }
            3 => {
                let target = link.as_deref().unwrap();
                assert_eq!(r.link.as_deref(), Some(target), "{}: link", r.path);
                assert_eq!(r.size as usize, target.len(), "{}: link size", r.path);
                assert_eq!(
                    r.checksum,
                    posix_cksum(None, target),
                    "{}: link cksum",
                    r.path
                );
            }
            _ => assert_eq!((r.size, r.checksum), (0, 0), "{}: directory", r.path),
        }
    }
    assert_eq!(records[0].path, ".");
    (checked_files, leaves)
}

#[test]
fn bom_walked_independently_matches_the_payload() {
    let (files, leaves) = check_bom_against_payload(&package(), "aarch64-apple-darwin");
    assert_eq!((files, leaves), (3, 1));
}

#[test]
fn bom_with_several_leaves_matches_the_payload() {
    // 600 files in 30 folders: more paths than one leaf holds, so the walker
    // goes through a branch node and follows the leaves' forward links.
    let mut pkg = package();
    for d in 0..30 {
        for f in 0..20 {
            let body = format!("file {d}/{f}\n").repeat(f + 1);
            pkg.entries.push(file(
                &format!("/usr/local/share/many/d{d:02}/f{f:02}.txt"),
                if f % 2 == 0 { 0o644 } else { 0o600 },
                EntryKind::File,
                body.as_bytes(),
            ));
        }
    }
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let (files, leaves) = check_bom_against_payload(&pkg, "x86_64-apple-darwin");
    assert_eq!(files, 603);
    assert!(leaves > 1, "{leaves} leaf");
}

// ---- apple-platform-rs's readers (tools/pkg-reader, built outside the main build)

/// Builds `tools/pkg-reader` once (its own workspace and lock file) and returns the binary.
fn pkg_reader() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/pkg-reader");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            run_ok(
                std::process::Command::new(cargo)
                    .args(["build", "--locked", "--quiet", "--manifest-path"])
                    .arg(dir.join("Cargo.toml"))
                    .env("CARGO_TARGET_DIR", dir.join("target")),
            );
            dir.join("target/debug/vitte-buildkit-pkg-reader")
        })
        .clone()
}

#[test]
fn apple_platform_rs_readers_accept_the_package() {
    for (target, arches) in [
        ("aarch64-apple-darwin", "arm64"),
        ("universal-apple-darwin", "arm64,x86_64"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let pkg = package();
        let path = build(&pkg, target, dir.path());
        let out = stdout(&run_ok(std::process::Command::new(pkg_reader()).arg(&path)));
        let lines: Vec<&str> = out.lines().collect();
        let kbytes: u64 = pkg
            .entries
            .iter()
            .filter(|e| e.kind.is_regular())
            .map(|e| e.size.div_ceil(1024))
            .sum();
        for want in [
            "flavor Product".to_string(),
            format!("host-architectures {arches}"),
            format!("pkg-ref org.example-org.hello 1.2.3 {kbytes}"),
            "identifier org.example-org.hello".into(),
            "version 1.2.3".into(),
            "install-location /".into(),
            format!("number-of-files {}", expected_payload().len()),
            "script preinstall ./preinstall".into(),
            "script postinstall ./postinstall".into(),
            format!(
                "scripts-archive ./preinstall 100755 {}",
                "#!/bin/sh\n".len() + PREINSTALL.len()
            ),
            format!("scripts-archive ./postinstall 100755 {}", POSTINSTALL.len()),
        ] {
            assert!(
                lines.contains(&want.as_str()),
                "{target}: no `{want}` in\n{out}"
            );
        }
        // Its Bom paths and its Payload entries agree with what the sample installs.
        let mut bom: Vec<(String, String, u64)> = Vec::new();
        let mut payload: Vec<(String, String, u64)> = Vec::new();
        for line in &lines {
            let f: Vec<&str> = line.split(' ').collect();
            let item = || (f[1].to_string(), f[2].to_string(), f[3].parse().unwrap());
            match f[0] {
                "bom" => bom.push(item()),
                "payload" => payload.push(item()),
                _ => {}
            }
        }
        bom.sort();
        let expected: Vec<(String, String, u64)> = expected_payload()
            .into_iter()
            .map(|(name, mode, size, _)| {
                let kind = match mode.as_bytes()[0] {
                    b'd' => 0o040000,
                    b'l' => 0o120000,
                    _ => 0o100000,
                };
                let perm = mode[1..]
                    .bytes()
                    .fold(0u32, |m, c| (m << 1) | u32::from(c != b'-'));
                (name.to_string(), format!("{:o}", kind | perm), size)
            })
            .collect();
        assert_eq!(payload, expected, "{target}: payload");
        assert_eq!(bom, expected, "{target}: bom");
    }
}

#[test]
fn an_empty_package_has_only_the_root() {
    let mut pkg = package();
    pkg.entries.clear();
    let (files, leaves) = check_bom_against_payload(&pkg, "aarch64-apple-darwin");
    assert_eq!((files, leaves), (0, 1));
}
