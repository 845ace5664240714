//! `vitte-buildkit repo rpm` judged by dnf in a scratch root with
//! `gpgcheck=1` and `repo_gpgcheck=1`: our signed repository installs our
//! signed package; a tampered primary, or a repomd.xml changed to match it,
//! is refused; createrepo_c's repodata of the same .rpms is the oracle for
//! what `dnf repoquery` answers. Updates are incremental and never change a
//! published version.
mod common;
mod delivery;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use delivery::*;

fn repo_rpm(repo: &Path, packages: &[&Path], key: Option<&Key>, extra: &[&str]) -> Output {
    let mut cmd = buildkit();
    cmd.args(["repo", "rpm"])
        .arg(repo)
        .args(packages)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("VITTE_BUILDKIT_SECRET_KEY");
    if let Some(key) = key {
        cmd.arg("--key").arg(key.secret());
    }
    run(&mut cmd)
}

/// A dnf scratch root with one repository.
struct DnfRoot {
    dir: tempfile::TempDir,
}

impl DnfRoot {
    /// `repo` with `gpgcheck=1`, `repo_gpgcheck=1` and `key` (or none of
    /// the checks, for the oracle).
    fn new(repo: &Path, key: Option<&Key>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("repos")).unwrap();
        std::fs::create_dir_all(dir.path().join("root")).unwrap();
        let checks = match key {
            Some(key) => format!(
                "gpgcheck=1\nrepo_gpgcheck=1\ngpgkey=file://{}\n",
                key.asc().display()
            ),
            None => "gpgcheck=0\nrepo_gpgcheck=0\n".to_string(),
        };
        std::fs::write(
            dir.path().join("repos/test.repo"),
            format!(
                "[test]\nname=test\nbaseurl=file://{}\n{checks}",
                repo.display()
            ),
        )
        .unwrap();
        Self { dir }
    }

    fn dnf(&self) -> Command {
        let mut cmd = tool("dnf");
        cmd.arg("-y")
            .arg(format!(
                "--installroot={}",
                self.dir.path().join("root").display()
            ))
            .arg(format!(
                "--setopt=reposdir={}",
                self.dir.path().join("repos").display()
            ))
            .args([
                "--releasever=1",
                "--setopt=install_weak_deps=0",
                "--nodocs",
                "--setopt=tsflags=noscripts",
                "--forcearch=x86_64",
            ]);
        cmd
    }

    fn installed(&self, name: &str) -> bool {
        run(tool("rpm")
            .arg("--root")
            .arg(self.dir.path().join("root"))
            .args(["-q", name]))
        .status
        .success()
    }

    fn repoquery(&self, args: &[&str]) -> String {
        let out = run_ok(self.dnf().arg("repoquery").args(args));
        let mut lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
        lines.sort();
        lines.join("\n")
    }
}

/// A signed noarch script package and a signed x86_64 binary that needs it.
struct Rpms {
    _projects: Vec<Project>,
    files: Vec<PathBuf>,
}

fn rpms(key: &Key) -> Rpms {
    let doc = project("rpm-doc", "2.1.0", "");
    let bin = binary_project("rpm-bin", "1.0.0", "elf-x86_64");
    std::fs::write(
        bin.manifest(),
        std::fs::read_to_string(bin.manifest()).unwrap()
            + "\n[relations]\ndepends = [\"rpm-doc >= 2.0\"]\n",
    )
    .unwrap();
    let files = vec![build(&doc, "rpm", Some(key)), build(&bin, "rpm", Some(key))];
    Rpms {
        _projects: vec![doc, bin],
        files,
    }
}

fn paths(files: &[PathBuf]) -> Vec<&Path> {
    files.iter().map(PathBuf::as_path).collect()
}

fn repodata_files(repo: &Path, suffix: &str) -> Vec<PathBuf> {
    std::fs::read_dir(repo.join("repodata"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect()
}

#[test]
fn dnf_installs_from_our_signed_repository_gzip_and_zstd() {
    let key = Key::new();
    let rpms = rpms(&key);
    for extra in [&[][..], &["--prefer-zstd"][..]] {
        let repo = tempfile::tempdir().unwrap();
        let out = repo_rpm(repo.path(), &paths(&rpms.files), Some(&key), extra);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(repo.path().join("repodata/repomd.xml.asc").is_file());
        for file in walk(repo.path()) {
            let mode = std::os::unix::fs::PermissionsExt::mode(
                &std::fs::metadata(&file).unwrap().permissions(),
            );
            assert_eq!(mode & 0o644, 0o644, "{} has mode {mode:o}", file.display());
        }
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(repo.path().join("repodata"))
                .unwrap()
                .permissions(),
        );
        assert_eq!(mode & 0o755, 0o755, "repodata/ has mode {mode:o}");
        assert_eq!(repodata_files(repo.path(), "-primary.xml.zst").len(), 1);
        assert_eq!(repodata_files(repo.path(), "-primary.xml.gz").len(), 1);
        // gpgv on the repomd signature, as librepo checks it.
        let keyring = repo.path().join("key.gpg");
        key.binary(&keyring);
        run_ok(
            tool("gpgv")
                .arg("--keyring")
                .arg(&keyring)
                .arg(repo.path().join("repodata/repomd.xml.asc"))
                .arg(repo.path().join("repodata/repomd.xml")),
        );
        let again = tempfile::tempdir().unwrap();
        assert!(
            repo_rpm(again.path(), &paths(&rpms.files), Some(&key), extra)
                .status
                .success()
        );
        for file in walk(&repo.path().join("repodata")) {
            let twin = again.path().join(file.strip_prefix(repo.path()).unwrap());
            assert_eq!(
                std::fs::read(&file).unwrap(),
                std::fs::read(&twin).unwrap(),
                "{}",
                file.display()
            );
        }
        let root = DnfRoot::new(repo.path(), Some(&key));
        let out = run(root.dnf().args(["install", "rpm-bin"]));
        assert!(
            out.status.success(),
            "dnf install failed ({extra:?}):\n{}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(root.installed("rpm-bin"), "{extra:?}");
        assert!(
            root.installed("rpm-doc"),
            "the dependency came along ({extra:?})"
        );
    }
}

#[test]
fn a_tampered_primary_or_repomd_is_refused() {
    let key = Key::new();
    let rpms = rpms(&key);
    let repo = tempfile::tempdir().unwrap();
    assert!(repo_rpm(repo.path(), &paths(&rpms.files), Some(&key), &[])
        .status
        .success());

    // Every form of primary rewritten in place: the checksum in repomd no longer holds.
    let primary = repodata_files(repo.path(), "-primary.xml.gz").remove(0);
    let mut xml = String::new();
    use std::io::Read;
    flate2::read::GzDecoder::new(std::fs::File::open(&primary).unwrap())
        .read_to_string(&mut xml)
        .unwrap();
    let forged = xml.replace("ver=\"2.1.0\"", "ver=\"2.1.9\"");
    assert_ne!(forged, xml);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, forged.as_bytes()).unwrap();
    let forged_gz = gz.finish().unwrap();
    std::fs::write(&primary, &forged_gz).unwrap();
    let zst = repodata_files(repo.path(), "-primary.xml.zst").remove(0);
    std::fs::write(
        &zst,
        run_ok(
            tool("zstd")
                .arg("-c")
                .arg("-q")
                .stdin(stdin_of(forged.as_bytes())),
        )
        .stdout,
    )
    .unwrap();
    let root = DnfRoot::new(repo.path(), Some(&key));
    let out = run(root.dnf().args(["install", "rpm-doc"]));
    assert!(!out.status.success(), "dnf accepted a tampered primary");
    let said = text(&out.stderr);
    assert!(said.contains("checksum doesn't match"), "{said}");
    assert!(!root.installed("rpm-doc"));

    // repomd.xml changed to match the forged primary: its signature fails.
    let repomd_path = repo.path().join("repodata/repomd.xml");
    let repomd = std::fs::read_to_string(&repomd_path).unwrap();
    let old_sum = primary
        .file_name()
        .unwrap()
        .to_string_lossy()
        .split('-')
        .next()
        .unwrap()
        .to_string();
    let new_sum = sha256_hex(&forged_gz);
    let renamed = primary.with_file_name(format!("{new_sum}-primary.xml.gz"));
    std::fs::rename(&primary, &renamed).unwrap();
    let forged_repomd = repomd
        .replace(&old_sum, &new_sum)
        .replace(&sha256_hex(xml.as_bytes()), &sha256_hex(forged.as_bytes()));
    std::fs::write(&repomd_path, forged_repomd).unwrap();
    let root = DnfRoot::new(repo.path(), Some(&key));
    let out = run(root.dnf().args(["install", "rpm-doc"]));
    assert!(
        !out.status.success(),
        "dnf accepted a repomd.xml that is not the signed one"
    );
    let said = text(&out.stderr);
    assert!(
        said.contains("repomd.xml GPG signature verification error"),
        "{said}"
    );
    assert!(!root.installed("rpm-doc"));
}

fn stdin_of(bytes: &[u8]) -> std::process::Stdio {
    use std::io::{Seek, Write};
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(bytes).unwrap();
    file.rewind().unwrap();
    file.into()
}

fn sha256_hex(bytes: &[u8]) -> String {
    let out = run_ok(tool("sha256sum").stdin(stdin_of(bytes)));
    text(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn createrepo_c_oracle_gives_the_same_repoquery_answers() {
    let key = Key::new();
    let rpms = rpms(&key);
    let ours = tempfile::tempdir().unwrap();
    assert!(repo_rpm(ours.path(), &paths(&rpms.files), Some(&key), &[])
        .status
        .success());
    // createrepo_c over the same files at the same places.
    let theirs = tempfile::tempdir().unwrap();
    for entry in walk(&ours.path().join("Packages")) {
        let relative = entry.strip_prefix(ours.path()).unwrap();
        let to = theirs.path().join(relative);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    run_ok(tool("createrepo_c").arg("-q").arg(theirs.path()));
    let (a, b) = (
        DnfRoot::new(ours.path(), None),
        DnfRoot::new(theirs.path(), None),
    );
    let queries: [&[&str]; 6] = [
        &["--qf", "%{name}|%{epoch}|%{version}|%{release}|%{arch}|%{summary}|%{license}|%{url}|%{sourcerpm}|%{location}|%{size}|%{installsize}|%{buildtime}|%{packager}"],
        &["--requires", "rpm-bin"],
        &["--provides", "rpm-bin", "rpm-doc"],
        &["--list", "rpm-bin", "rpm-doc"],
        &["--whatprovides", "/usr/bin/rpm-doc"],
        &["--whatrequires", "rpm-doc"],
    ];
    for query in queries {
        let (ours, theirs) = (a.repoquery(query), b.repoquery(query));
        assert!(
            !theirs.is_empty(),
            "{query:?}: createrepo_c's answer is empty"
        );
        assert_eq!(ours, theirs, "{query:?}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn rpm_updates_are_incremental_and_never_change_a_published_version() {
    let key = Key::new();
    let first = project("rinc-one", "1.0.0", "");
    let one = build(&first, "rpm", Some(&key));
    let repo = tempfile::tempdir().unwrap();
    assert!(repo_rpm(repo.path(), &[&one], Some(&key), &[])
        .status
        .success());
    let pooled = repo.path().join("Packages/r/rinc-one-1.0.0-1.noarch.rpm");
    let good = std::fs::read(&pooled).unwrap();
    std::fs::write(&pooled, b"not an rpm").unwrap();
    let second = project("rinc-two", "1.0.0", "");
    let two = build(&second, "rpm", Some(&key));
    let out = repo_rpm(
        repo.path(),
        &[&two],
        Some(&key),
        &["--message-format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["reason"], "package");
    assert_eq!(lines[0]["status"], "added");
    assert_eq!(lines[0]["path"], "Packages/r/rinc-two-1.0.0-1.noarch.rpm");
    assert_eq!(lines[1]["reason"], "repository");
    assert_eq!(lines[1]["openpgp_fingerprint"].as_str().unwrap().len(), 40);
    assert_eq!(
        lines[2],
        serde_json::json!({"reason": "finished", "success": true})
    );
    std::fs::write(&pooled, &good).unwrap();
    let root = DnfRoot::new(repo.path(), Some(&key));
    assert_eq!(
        root.repoquery(&["--qf", "%{name}-%{version}"]),
        "rinc-one-1.0.0\nrinc-two-1.0.0"
    );

    let repomd = std::fs::read(repo.path().join("repodata/repomd.xml")).unwrap();
    let changed = project("rinc-one", "1.0.0", "\n[rpm]\ngroup = \"Tools\"\n");
    let other = build(&changed, "rpm", Some(&key));
    let out = repo_rpm(repo.path(), &[&other], Some(&key), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("rinc-one-0:1.0.0-1.noarch is already published"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(repo.path().join("repodata/repomd.xml")).unwrap(),
        repomd
    );
    assert_eq!(std::fs::read(&pooled).unwrap(), good);

    let bad = repo.path().join("bad.rpm");
    std::fs::write(&bad, b"\xed\xab\xee\xdb nonsense").unwrap();
    let out = repo_rpm(repo.path(), &[&bad], Some(&key), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.rpm is not a readable .rpm"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::fs::read(repo.path().join("repodata/repomd.xml")).unwrap(),
        repomd
    );
}
