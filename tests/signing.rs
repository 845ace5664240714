//! Signed builds end to end through the CLI: `keygen`, `package --key`,
//! `verify`, judged by minisign and gpg; bad keys are refused before
//! anything is written.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;

const HELLO: &[u8] = b"#!/bin/sh\necho hello\n";
const EPOCH: &str = "1700000000";

fn project() -> Project {
    Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n"),
        &[("bin/hello", HELLO, 0o755)],
    )
}

/// Runs with `input` on stdin (not a terminal).
fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `vitte-buildkit keygen --out dir` plus `args`, with stdin closed.
fn keygen(dir: &Path, args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = buildkit();
    cmd.arg("keygen").arg("--out").arg(dir).args(args);
    cmd.env_remove("VITTE_BUILDKIT_PASSWORD");
    if let Some(p) = password {
        cmd.env("VITTE_BUILDKIT_PASSWORD", p);
    }
    run(cmd.stdin(Stdio::null()))
}

/// `package` of every format for x86_64-linux, at a fixed SOURCE_DATE_EPOCH.
fn package(project: &Project, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = buildkit();
    cmd.arg("package")
        .arg("--manifest")
        .arg(project.manifest())
        .arg("--out")
        .arg(project.dist())
        .args(["--target", "x86_64-linux"])
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("VITTE_BUILDKIT_SECRET_KEY")
        .env_remove("VITTE_BUILDKIT_PASSWORD")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd)
}

fn verify(public: &Path, paths: &[PathBuf]) -> Output {
    run(buildkit()
        .arg("verify")
        .arg("--key")
        .arg(public)
        .args(paths))
}

fn minisign_verify(file: &Path, public: &Path) -> Output {
    run(tool("minisign").arg("-Vm").arg(file).arg("-p").arg(public))
}

/// Artifacts in dist/ (not signatures, not SHA256SUMS).
fn artifacts(project: &Project) -> Vec<PathBuf> {
    project
        .dist_files()
        .into_iter()
        .filter(|n| !n.ends_with(".minisig") && n != "SHA256SUMS")
        .map(|n| project.dist().join(n))
        .collect()
}

#[test]
fn keygen_package_verify_and_minisign_agree() {
    let project = project();
    let keys = project.path().join("keys");
    let out = keygen(&keys, &["--unencrypted", "--openpgp"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (secret, public, asc) = (
        keys.join("vitte-buildkit.key"),
        keys.join("vitte-buildkit.pub"),
        keys.join("vitte-buildkit.asc"),
    );
    assert_eq!(mode(&secret), 0o600);
    assert_eq!(mode(&public), 0o644);
    assert!(std::fs::read_to_string(&asc)
        .unwrap()
        .starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));

    // Never overwritten without --force; replaced with it.
    let before = std::fs::read(&secret).unwrap();
    let again = keygen(&keys, &["--unencrypted"], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read(&secret).unwrap(), before);
    let forced = keygen(&keys, &["--unencrypted", "--force", "--openpgp"], None);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_ne!(std::fs::read(&secret).unwrap(), before);
    assert_eq!(mode(&secret), 0o600);

    let out = package(
        &project,
        &[
            "--key",
            secret.to_str().unwrap(),
            "--message-format",
            "json",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\"reason\":\"signed\""), "{stdout}");
    assert!(!stdout.contains("\"reason\":\"unsigned\""), "{stdout}");
    let built = artifacts(&project);
    assert!(built.len() >= 3, "{built:?}");
    let mut signed = built.clone();
    signed.push(project.dist().join("SHA256SUMS"));
    for file in &signed {
        let out = minisign_verify(file, &public);
        assert!(out.status.success(), "{file:?}: {}", text(&out.stderr));
        let sha = text(&run_ok(Command::new("sha256sum").arg(file)).stdout);
        let sha = sha.split_whitespace().next().unwrap().to_string();
        let name = file.file_name().unwrap().to_str().unwrap();
        let comment =
            format!("Trusted comment: timestamp:{EPOCH}\tfile:{name}\tsha256:{sha}\thashed");
        assert!(
            text(&out.stdout).contains(&comment),
            "{}",
            text(&out.stdout)
        );
    }
    let ok = verify(&public, &[project.dist()]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let ok = verify(&public, &built[..1]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));

    // The OpenPGP key the build used is the one in the .asc gpg imports.
    let fingerprint = signed_fingerprint(&stdout);
    assert_eq!(gpg_fingerprints(project.path(), &asc), vec![fingerprint]);

    // A rerun without a key removes the signatures that no longer match.
    let out = package(&project, &[], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !project.dist_files().iter().any(|n| n.ends_with(".minisig")),
        "{:?}",
        project.dist_files()
    );
    let unsigned = verify(&public, &[project.dist()]);
    assert_eq!(unsigned.status.code(), Some(1));
    assert!(
        text(&unsigned.stderr).contains("SHA256SUMS"),
        "{}",
        text(&unsigned.stderr)
    );
}

#[test]
fn flipped_bytes_fail_verify_and_minisign() {
    let project = project();
    let keys = project.path().join("keys");
    assert!(keygen(&keys, &["--unencrypted"], None).status.success());
    let public = keys.join("vitte-buildkit.pub");
    let out = package(
        &project,
        &[
            "--format",
            "tar.gz",
            "--key",
            keys.join("vitte-buildkit.key").to_str().unwrap(),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let artifact = artifacts(&project).remove(0);
    let name = artifact.file_name().unwrap().to_str().unwrap().to_string();
    let original = std::fs::read(&artifact).unwrap();
    let len = original.len();
    for pos in [0, 1, 10, len / 3, len / 2, len - 9, len - 1] {
        let mut bytes = original.clone();
        bytes[pos] ^= 0x80;
        std::fs::write(&artifact, &bytes).unwrap();
        let out = verify(&public, &[project.dist()]);
        let err = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "flip at {pos} passed verify:\n{err}"
        );
        assert!(err.contains(&name), "{err}");
        assert!(err.contains("verification failed for"), "{err}");
        assert!(
            !minisign_verify(&artifact, &public).status.success(),
            "flip at {pos} passed minisign"
        );
    }
    // The JSON report names the failing file too.
    let json = run(buildkit()
        .args(["verify", "--message-format", "json", "--key"])
        .arg(&public)
        .arg(project.dist()));
    let stdout = text(&json.stdout);
    assert_eq!(json.status.code(), Some(1));
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("\"reason\":\"verify-failed\"") && l.contains(&name)),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("{\"reason\":\"finished\",\"success\":false}\n"),
        "{stdout}"
    );
    std::fs::write(&artifact, &original).unwrap();
    assert!(verify(&public, &[project.dist()]).status.success());

    // SHA256SUMS is signed too: a changed line fails both verifiers.
    let sums = project.dist().join("SHA256SUMS");
    let sums_text = std::fs::read(&sums).unwrap();
    let mut changed = sums_text.clone();
    changed[3] = if changed[3] == b'0' { b'1' } else { b'0' };
    std::fs::write(&sums, &changed).unwrap();
    let out = verify(&public, std::slice::from_ref(&sums));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("SHA256SUMS"),
        "{}",
        text(&out.stderr)
    );
    assert!(!minisign_verify(&sums, &public).status.success());
    std::fs::write(&sums, &sums_text).unwrap();
    // Given the .minisig or SHA256SUMS itself, verify checks the same.
    let by_signature = project.dist().join(format!("{name}.minisig"));
    let out = verify(&public, &[by_signature, sums]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A missing signature and a signature by another key are both named.
    let other = project.path().join("other");
    assert!(keygen(&other, &["--unencrypted"], None).status.success());
    let out = verify(
        &other.join("vitte-buildkit.pub"),
        std::slice::from_ref(&artifact),
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("signed by key"), "{err}");
    std::fs::remove_file(project.dist().join(format!("{name}.minisig"))).unwrap();
    let out = verify(&public, &[project.dist()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{name}.minisig is missing")), "{err}");
}

#[test]
fn encrypted_keys_from_keygen_and_minisign_sign() {
    let project = project();
    let keys = project.path().join("keys");
    let out = keygen(&keys, &[], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("VITTE_BUILDKIT_PASSWORD"),
        "{}",
        text(&out.stderr)
    );
    assert!(!keys.join("vitte-buildkit.key").exists());
    let out = keygen(&keys, &[], Some("hunter22"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let secret = keys.join("vitte-buildkit.key");
    let public = keys.join("vitte-buildkit.pub");
    let key = secret.to_str().unwrap();

    // Wrong or missing password: clear error, nothing written.
    let wrong = package(
        &project,
        &["--key", key],
        &[("VITTE_BUILDKIT_PASSWORD", "hunter2")],
    );
    project.assert_refused_output(&wrong, &["wrong password"]);
    let missing = package(&project, &["--key", key], &[]);
    project.assert_refused_output(&missing, &["encrypted", "VITTE_BUILDKIT_PASSWORD"]);

    // The key text in the environment, as CI passes it.
    let text_key = std::fs::read_to_string(&secret).unwrap();
    let out = package(
        &project,
        &["--format", "tar.gz"],
        &[
            ("VITTE_BUILDKIT_SECRET_KEY", &text_key),
            ("VITTE_BUILDKIT_PASSWORD", "hunter22"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains(text_key.lines().nth(1).unwrap()));
    for file in artifacts(&project) {
        assert!(minisign_verify(&file, &public).status.success());
    }

    // minisign signs with the key keygen wrote (password on its stdin).
    let message = project.path().join("message.txt");
    std::fs::write(&message, b"signed by minisign\n").unwrap();
    let out = run_with_stdin(
        tool("minisign")
            .arg("-S")
            .arg("-s")
            .arg(&secret)
            .arg("-m")
            .arg(&message),
        "hunter22\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ok = verify(&public, std::slice::from_ref(&message));
    assert!(ok.status.success(), "{}", text(&ok.stderr));

    // A password-protected key made by minisign signs through vitte-buildkit.
    let (mpub, mkey) = (project.path().join("m.pub"), project.path().join("m.key"));
    let out = run_with_stdin(
        tool("minisign")
            .args(["-G", "-p"])
            .arg(&mpub)
            .arg("-s")
            .arg(&mkey),
        "pa55word\npa55word\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::remove_dir_all(project.dist()).unwrap();
    let out = package(
        &project,
        &["--format", "tar.xz", "--key", mkey.to_str().unwrap()],
        &[("VITTE_BUILDKIT_PASSWORD", "pa55word")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for file in artifacts(&project) {
        assert!(minisign_verify(&file, &mpub).status.success());
    }
    assert!(minisign_verify(&project.dist().join("SHA256SUMS"), &mpub)
        .status
        .success());
}

#[test]
fn unencrypted_minisign_key_signs() {
    let project = project();
    let (mpub, mkey) = (project.path().join("m.pub"), project.path().join("m.key"));
    run_ok(
        tool("minisign")
            .args(["-G", "-W", "-p"])
            .arg(&mpub)
            .arg("-s")
            .arg(&mkey),
    );
    let out = package(
        &project,
        &["--key", mkey.to_str().unwrap(), "--message-format", "json"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let fingerprint = signed_fingerprint(&text(&out.stdout));
    let built = artifacts(&project);
    assert!(!built.is_empty());
    for file in &built {
        assert!(minisign_verify(file, &mpub).status.success(), "{file:?}");
    }
    assert!(minisign_verify(&project.dist().join("SHA256SUMS"), &mpub)
        .status
        .success());
    assert!(verify(&mpub, &[project.dist()]).status.success());

    // The OpenPGP public key of a minisign-made key, for rpm --import.
    let asc = project.path().join("m.asc");
    let export = || {
        run(buildkit()
            .args(["export-openpgp", "--key"])
            .arg(&mkey)
            .arg("--out")
            .arg(&asc)
            .stdin(Stdio::null()))
    };
    let out = export();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&fingerprint),
        "{}",
        text(&out.stderr)
    );
    let again = export();
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(gpg_fingerprints(project.path(), &asc), vec![fingerprint]);
}

/// The OpenPGP fingerprint in the JSON `signed` line.
fn signed_fingerprint(stdout: &str) -> String {
    stdout
        .lines()
        .find(|l| l.contains("\"reason\":\"signed\""))
        .and_then(|l| l.split("\"openpgp_fingerprint\":\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no signed line in {stdout}"))
        .to_string()
}

/// Fingerprints gpg lists after importing `asc` into a fresh home in `dir`.
fn gpg_fingerprints(dir: &Path, asc: &Path) -> Vec<String> {
    let home = tempfile::tempdir_in(dir).unwrap();
    set_mode(home.path(), 0o700);
    let gpg = || {
        let mut cmd = tool("gpg");
        cmd.arg("--homedir").arg(home.path()).arg("--batch");
        cmd
    };
    run_ok(gpg().arg("--import").arg(asc));
    let listing =
        text(&run_ok(gpg().args(["--with-colons", "--fingerprint", "--list-keys"])).stdout);
    listing
        .lines()
        .filter_map(|l| l.strip_prefix("fpr:::::::::"))
        .map(|rest| rest.trim_end_matches(':').to_string())
        .collect()
}

#[test]
fn bad_keys_are_refused_before_anything_is_written() {
    let project = project();
    let keys = project.path().join("keys");
    assert!(keygen(&keys, &["--unencrypted"], None).status.success());
    let secret = keys.join("vitte-buildkit.key");
    let key_text = std::fs::read_to_string(&secret).unwrap();

    set_mode(&secret, 0o644);
    let out = package(&project, &["--key", secret.to_str().unwrap()], &[]);
    project.assert_refused_output(&out, &["mode 0644", "chmod 600"]);
    set_mode(&secret, 0o600);

    let out = package(&project, &["--key", keys.to_str().unwrap()], &[]);
    project.assert_refused_output(&out, &["is a folder"]);
    let out = package(&project, &["--key", "/nonexistent/vitte-buildkit.key"], &[]);
    project.assert_refused_output(&out, &["/nonexistent/vitte-buildkit.key"]);

    let truncated = project.path().join("truncated.key");
    std::fs::write(&truncated, &key_text[..key_text.len() - 30]).unwrap();
    set_mode(&truncated, 0o600);
    let out = package(&project, &["--key", truncated.to_str().unwrap()], &[]);
    project.assert_refused_output(&out, &["truncated.key", "truncated"]);

    let garbage = project.path().join("garbage.key");
    std::fs::write(&garbage, "untrusted comment: x\nnot base64 at all!\n").unwrap();
    set_mode(&garbage, 0o600);
    let out = package(&project, &["--key", garbage.to_str().unwrap()], &[]);
    project.assert_refused_output(&out, &["base64"]);

    // A key whose public key beside it belongs to another key.
    let other = project.path().join("other");
    assert!(keygen(&other, &["--unencrypted"], None).status.success());
    std::fs::copy(
        other.join("vitte-buildkit.pub"),
        keys.join("vitte-buildkit.pub"),
    )
    .unwrap();
    let out = package(&project, &["--key", secret.to_str().unwrap()], &[]);
    project.assert_refused_output(&out, &["vitte-buildkit.pub", "not a pair"]);

    let out = package(
        &project,
        &[],
        &[(
            "VITTE_BUILDKIT_SECRET_KEY",
            "untrusted comment: x\nRWQAAEIy\n",
        )],
    );
    project.assert_refused_output(&out, &["VITTE_BUILDKIT_SECRET_KEY", "truncated"]);
}

#[test]
fn the_facade_signs_with_key_text_reproducibly() {
    use vitte_buildkit::BuildKit;
    use vitte_buildkit_signing::{SecretKey, Signature};
    let project = project();
    let key = SecretKey::generate().unwrap();
    let key_text = key.to_text(Some("pw")).unwrap();
    let build = |out: PathBuf| {
        BuildKit::new()
            .manifest(project.manifest())
            .target("x86_64-linux")
            .format("tar.gz")
            .source_date_epoch(1_700_000_000)
            .key_text(&key_text)
            .password("pw")
            .build_and_export(out)
            .unwrap()
    };
    let first = build(project.path().join("a"));
    let second = build(project.path().join("b"));
    assert_eq!(first.len(), 1);
    for (a, b) in first.iter().zip(&second) {
        let sig_a = a.signature.as_ref().expect("signed");
        let sig_b = b.signature.as_ref().expect("signed");
        let text_a = std::fs::read_to_string(sig_a).unwrap();
        assert_eq!(text_a, std::fs::read_to_string(sig_b).unwrap());
        let signature = Signature::parse(&text_a).unwrap();
        key.public_key().verify_file(&a.path, &signature).unwrap();
        assert_eq!(signature.trusted_field("sha256"), Some(a.sha256.as_str()));
        assert_eq!(signature.trusted_field("timestamp"), Some("1700000000"));
    }
}
