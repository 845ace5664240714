//! `vitte-buildkit repo apt` judged by apt itself in a scratch root: the
//! signed repository updates without any "insecure" option and resolves our
//! packages; tampered indexes and a Release signed by another key are
//! refused; reprepro's repository of the same .debs is the oracle for what
//! `apt-cache show` says. Updates are incremental and never change a
//! published version.
mod common;
mod delivery;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use delivery::*;

/// `repo apt DIR PACKAGES… --key KEY` at a fixed time.
fn repo_apt(repo: &Path, packages: &[&Path], key: Option<&Key>) -> Output {
    let mut cmd = buildkit();
    cmd.args(["repo", "apt"])
        .arg(repo)
        .args(packages)
        .args(["--origin", "Vitte", "--label", "Vitte tests"])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("VITTE_BUILDKIT_SECRET_KEY");
    if let Some(key) = key {
        cmd.arg("--key").arg(key.secret());
    }
    run(&mut cmd)
}

/// An apt scratch root whose only source is `line`.
struct AptRoot {
    dir: tempfile::TempDir,
}

impl AptRoot {
    fn new(line: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        for sub in [
            "etc/apt/sources.list.d",
            "etc/apt/preferences.d",
            "etc/apt/apt.conf.d",
            "var/lib/apt/lists/partial",
            "var/cache/apt/archives/partial",
            "var/lib/dpkg",
        ] {
            std::fs::create_dir_all(r.join(sub)).unwrap();
        }
        std::fs::write(r.join("var/lib/dpkg/status"), "").unwrap();
        std::fs::write(r.join("etc/apt/sources.list"), format!("{line}\n")).unwrap();
        Self { dir }
    }

    /// A root reading `repo`, trusting only `key`.
    fn signed(repo: &Path, key: &Key) -> Self {
        Self::new(&format!(
            "deb [signed-by={}] file://{} stable main",
            key.asc().display(),
            repo.display()
        ))
    }

    fn apt(&self, tool_name: &str) -> Command {
        let r = self.dir.path();
        let mut cmd = tool(tool_name);
        cmd.arg("-o")
            .arg(format!("Dir={}", r.display()))
            .arg("-o")
            .arg(format!(
                "Dir::State::status={}/var/lib/dpkg/status",
                r.display()
            ))
            .args(["-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root"])
            .args(["-o", "Dir::Etc::trusted=/dev/null"])
            .arg("-o")
            .arg(format!("Dir::Etc::trustedparts={}/none", r.display()))
            .args(["-o", "APT::Architecture=amd64"])
            .args([
                "-o",
                "APT::Architectures::=amd64",
                "-o",
                "APT::Architectures::=arm64",
            ]);
        cmd
    }

    /// `apt-get update`: success and no W:/E: line.
    fn update_ok(&self) {
        let out = run_ok(self.apt("apt-get").arg("update"));
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(
            !all.lines()
                .any(|l| l.starts_with("W:") || l.starts_with("E:")),
            "apt-get update warned:\n{all}"
        );
    }

    /// `apt-get update` failed, and said so.
    fn update_fails(&self) -> String {
        let out = run(self.apt("apt-get").arg("update"));
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        let refused = !out.status.success() || all.lines().any(|l| l.starts_with("E:"));
        assert!(refused, "apt-get update accepted a bad repository:\n{all}");
        all
    }

    /// `apt-cache show NAME` as field → value (continuations joined).
    fn show(&self, name: &str) -> BTreeMap<String, String> {
        let out = run_ok(self.apt("apt-cache").args(["show", name]));
        fields(&text(&out.stdout))
    }
}

fn fields(paragraph: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut last = String::new();
    for line in paragraph.lines().take_while(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix(' ') {
            map.entry(last.clone()).and_modify(|v: &mut String| {
                v.push('\n');
                v.push_str(rest)
            });
        } else if let Some((k, v)) = line.split_once(':') {
            last = k.to_string();
            map.insert(last.clone(), v.trim().to_string());
        }
    }
    map
}

/// Three packages: amd64, arm64 and `all`.
struct Debs {
    _projects: Vec<Project>,
    files: Vec<PathBuf>,
}

fn debs(key: &Key) -> Debs {
    let amd64 = binary_project("hello-bin", "1.0.0", "elf-x86_64");
    let arm64 = binary_project("hello-bin", "1.0.0", "elf-aarch64");
    let all = project("hello-doc", "2.1.0", "");
    let files = vec![
        build_for(&amd64, "deb", "x86_64-linux", Some(key)),
        build_for(&arm64, "deb", "aarch64-linux", Some(key)),
        build(&all, "deb", Some(key)),
    ];
    Debs {
        _projects: vec![amd64, arm64, all],
        files,
    }
}

fn paths(files: &[PathBuf]) -> Vec<&Path> {
    files.iter().map(PathBuf::as_path).collect()
}

#[test]
fn apt_updates_without_insecure_options_and_fetches_our_package() {
    let key = Key::new();
    let debs = debs(&key);
    let repo = tempfile::tempdir().unwrap();
    let out = repo_apt(repo.path(), &paths(&debs.files), Some(&key));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let suite = repo.path().join("dists/stable");
    // Everything is readable by the web server that will publish it.
    for file in walkdir(repo.path()) {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&file).unwrap().permissions(),
        );
        assert_eq!(mode & 0o644, 0o644, "{} has mode {mode:o}", file.display());
    }
    for dir in [
        repo.path().join("dists/stable/main"),
        repo.path().join("pool/main/h"),
    ] {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&dir).unwrap().permissions(),
        );
        assert_eq!(mode & 0o755, 0o755, "{} has mode {mode:o}", dir.display());
    }
    for file in [
        "InRelease",
        "Release.gpg",
        "main/binary-amd64/Packages.xz",
        "main/binary-arm64/Packages.gz",
        "main/binary-all/Packages",
        "main/Contents-amd64.gz",
        "main/Contents-all.gz",
    ] {
        assert!(suite.join(file).is_file(), "{file} is missing");
    }
    // gpgv, the verifier apt runs, on both signature forms.
    let keyring = repo.path().join("key.gpg");
    key.binary(&keyring);
    run_ok(
        tool("gpgv")
            .arg("--keyring")
            .arg(&keyring)
            .arg(suite.join("InRelease")),
    );
    run_ok(
        tool("gpgv")
            .arg("--keyring")
            .arg(&keyring)
            .arg(suite.join("Release.gpg"))
            .arg(suite.join("Release")),
    );

    // Reproducible: the same packages, key and SOURCE_DATE_EPOCH give the same bytes.
    let again = tempfile::tempdir().unwrap();
    assert!(repo_apt(again.path(), &paths(&debs.files), Some(&key))
        .status
        .success());
    for file in walkdir(&suite) {
        let twin = again.path().join(file.strip_prefix(repo.path()).unwrap());
        assert_eq!(
            std::fs::read(&file).unwrap(),
            std::fs::read(&twin).unwrap(),
            "{}",
            file.display()
        );
    }

    let root = AptRoot::signed(repo.path(), &key);
    root.update_ok();
    let out = run_ok(root.apt("apt-get").args([
        "install",
        "--download-only",
        "-y",
        "hello-bin",
        "hello-doc",
    ]));
    assert!(
        text(&out.stdout).contains("Download complete"),
        "{}",
        text(&out.stdout)
    );
    let shown = root.show("hello-doc");
    assert_eq!(shown["Version"], "2.1.0-1");
    assert_eq!(shown["Architecture"], "all");
    assert_eq!(root.show("hello-bin:arm64")["Architecture"], "arm64");
    assert_eq!(root.show("hello-bin:amd64")["Architecture"], "amd64");

    // apt-file's source of truth: the paths each package installs.
    let mut contents = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(suite.join("main/Contents-amd64.gz")).unwrap(),
    )
    .read_to_string(&mut contents)
    .unwrap();
    assert!(contents
        .lines()
        .any(|l| l.starts_with("usr/bin/hello-bin ") && l.ends_with("misc/hello-bin")));
    assert!(contents.contains("misc/hello-doc"));
}

/// Rewrites every form of every Packages index (plain, .gz, .xz and their
/// by-hash copies) so that `from` reads `to`.
fn tamper_packages(suite: &Path, from: &str, to: &str) {
    for entry in walkdir(suite) {
        let bytes = std::fs::read(&entry).unwrap();
        let (plain, kind) = decode(&bytes);
        if !plain.starts_with("Package:") {
            continue;
        }
        let changed = plain.replace(from, to);
        assert_ne!(changed, plain);
        std::fs::write(&entry, encode(&changed, kind)).unwrap();
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walkdir(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn decode(bytes: &[u8]) -> (String, u8) {
    let mut text = String::new();
    match bytes {
        [0x1f, 0x8b, ..] => {
            let _ = flate2::read::GzDecoder::new(bytes).read_to_string(&mut text);
            (text, 1)
        }
        [0xfd, b'7', b'z', b'X', b'Z', ..] => {
            let out = run_ok(tool("xz").arg("-dc").arg("-").stdin(piped(bytes)));
            (text_of(out), 2)
        }
        _ => (String::from_utf8_lossy(bytes).into_owned(), 0),
    }
}

fn text_of(out: Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A stdin holding `bytes` (through a temporary file).
fn piped(bytes: &[u8]) -> std::process::Stdio {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(bytes).unwrap();
    use std::io::Seek;
    file.rewind().unwrap();
    file.into()
}

fn encode(text: &str, kind: u8) -> Vec<u8> {
    match kind {
        1 => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(text.as_bytes()).unwrap();
            gz.finish().unwrap()
        }
        2 => run_ok(tool("xz").arg("-c").stdin(piped(text.as_bytes()))).stdout,
        _ => text.as_bytes().to_vec(),
    }
}

#[test]
fn tampered_indexes_and_a_foreign_signature_fail_apt_update() {
    let key = Key::new();
    let debs = debs(&key);
    let repo = tempfile::tempdir().unwrap();
    assert!(repo_apt(repo.path(), &paths(&debs.files), Some(&key))
        .status
        .success());
    let suite = repo.path().join("dists/stable");

    tamper_packages(&suite, "Version: 2.1.0-1", "Version: 2.1.0-9");
    let said = AptRoot::signed(repo.path(), &key).update_fails();
    assert!(
        said.contains("Hash Sum mismatch") || said.contains("File has unexpected size"),
        "{said}"
    );

    // The same repository re-signed by another key: apt trusts only ours.
    let fresh = tempfile::tempdir().unwrap();
    let other = Key::new();
    assert!(repo_apt(fresh.path(), &paths(&debs.files), Some(&other))
        .status
        .success());
    let said = AptRoot::signed(fresh.path(), &key).update_fails();
    assert!(
        said.contains("NO_PUBKEY") || said.contains("not signed"),
        "{said}"
    );

    // Unsigned: refused too (apt's default, no --allow-insecure-repositories).
    let unsigned = tempfile::tempdir().unwrap();
    let out = repo_apt(unsigned.path(), &paths(&debs.files), None);
    assert!(text(&out.stderr).contains("unsigned"));
    AptRoot::signed(unsigned.path(), &key).update_fails();
}

#[test]
fn reprepro_oracle_gives_the_same_apt_cache_show() {
    let key = Key::new();
    let debs = debs(&key);
    let ours = tempfile::tempdir().unwrap();
    assert!(repo_apt(ours.path(), &paths(&debs.files), Some(&key))
        .status
        .success());

    let theirs = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(theirs.path().join("conf")).unwrap();
    std::fs::write(
        theirs.path().join("conf/distributions"),
        "Origin: Vitte\nLabel: Vitte tests\nSuite: stable\nCodename: stable\nArchitectures: amd64 arm64\nComponents: main\n",
    )
    .unwrap();
    for deb in &debs.files {
        run_ok(
            tool("reprepro")
                .arg("-b")
                .arg(theirs.path())
                .args(["includedeb", "stable"])
                .arg(deb),
        );
    }
    let ours_root = AptRoot::signed(ours.path(), &key);
    ours_root.update_ok();
    let theirs_root = AptRoot::new(&format!(
        "deb [trusted=yes] file://{} stable main",
        theirs.path().display()
    ));
    run_ok(theirs_root.apt("apt-get").arg("update"));
    for name in ["hello-bin", "hello-bin:arm64", "hello-doc"] {
        let (a, b) = (ours_root.show(name), theirs_root.show(name));
        // reprepro lists no SHA512 nor SHA1 by default; every field it has, we have, equal.
        for (field, value) in &b {
            assert_eq!(a.get(field), Some(value), "{name}: {field} differs");
        }
        let extra: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        assert!(
            extra
                .iter()
                .all(|k| ["SHA1", "SHA512"].contains(&k.as_str())),
            "{name}: fields reprepro does not write: {extra:?}"
        );
    }
}

#[test]
fn updates_are_incremental_and_never_change_a_published_version() {
    let key = Key::new();
    let first = project("inc-one", "1.0.0", "");
    let one = build(&first, "deb", Some(&key));
    let repo = tempfile::tempdir().unwrap();
    assert!(repo_apt(repo.path(), &[&one], Some(&key)).status.success());

    // The pooled copy of inc-one is damaged: a new package must not read it.
    let pooled = repo
        .path()
        .join("pool/main/i/inc-one/inc-one_1.0.0-1_all.deb");
    let good = std::fs::read(&pooled).unwrap();
    std::fs::write(&pooled, b"not a deb").unwrap();
    let second = project("inc-two", "1.0.0", "");
    let two = build(&second, "deb", Some(&key));
    let out = repo_apt(repo.path(), &[&two], Some(&key));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Added pool/main/i/inc-two/"));
    std::fs::write(&pooled, &good).unwrap();
    let root = AptRoot::signed(repo.path(), &key);
    root.update_ok();
    assert_eq!(root.show("inc-one")["Version"], "1.0.0-1");
    assert_eq!(root.show("inc-two")["Version"], "1.0.0-1");

    // Adding the same file again changes nothing.
    let again = repo_apt(repo.path(), &[&one], Some(&key));
    assert!(
        text(&again.stderr).contains("Unchanged"),
        "{}",
        text(&again.stderr)
    );

    // The same file into another suite: published there from the same pool file.
    let out = run(buildkit()
        .args(["repo", "apt"])
        .arg(repo.path())
        .arg(&one)
        .args(["--suite", "testing", "--key"])
        .arg(key.secret()));
    let err = text(&out.stderr);
    assert!(err.contains("Added pool/main/i/inc-one/"), "{err}");
    let testing = AptRoot::new(&format!(
        "deb [signed-by={}] file://{} testing main",
        key.asc().display(),
        repo.path().display()
    ));
    testing.update_ok();
    assert_eq!(
        testing.show("inc-one")["Filename"],
        "pool/main/i/inc-one/inc-one_1.0.0-1_all.deb"
    );

    // inc-one 1.0.0 with other bytes: refused, the repository untouched.
    let release = std::fs::read(repo.path().join("dists/stable/InRelease")).unwrap();
    let changed = project("inc-one", "1.0.0", "\n[deb]\nsection = \"utils\"\n");
    let other = build(&changed, "deb", Some(&key));
    let out = repo_apt(repo.path(), &[&other], Some(&key));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("inc-one 1.0.0-1 (all) is already published"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    assert_eq!(
        std::fs::read(repo.path().join("dists/stable/InRelease")).unwrap(),
        release
    );
    assert_eq!(std::fs::read(&pooled).unwrap(), good);
    let left: Vec<String> = std::fs::read_dir(repo.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");

    // Not a .deb, and a missing path: named, refused, nothing changed.
    let bad = repo.path().join("bad.deb");
    std::fs::write(&bad, b"!<arch>\nnonsense").unwrap();
    for input in [bad.clone(), repo.path().join("missing.deb")] {
        let out = repo_apt(repo.path(), &[&input], Some(&key));
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(err.contains(&input.display().to_string()), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(
        std::fs::read(repo.path().join("dists/stable/InRelease")).unwrap(),
        release
    );

    // Another run holds the lock: refused, and the lock is not taken away.
    std::fs::write(repo.path().join("db/lock"), "1\n").unwrap();
    let out = repo_apt(repo.path(), &[&two], Some(&key));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("another run is updating"), "{err}");
    assert!(repo.path().join("db/lock").exists());
    std::fs::remove_file(repo.path().join("db/lock")).unwrap();
    // A killed run's staging folder goes with the next run.
    std::fs::create_dir(repo.path().join(".staging-killed")).unwrap();
    assert!(repo_apt(repo.path(), &[&two], Some(&key)).status.success());
    assert!(!repo.path().join("db/lock").exists());
    assert!(!repo.path().join(".staging-killed").exists());
}
