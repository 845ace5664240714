//! The signing layer against the real tools: minisign reads our keys and
//! signatures and we read its; gpg/gpgv accept the OpenPGP export. A missing
//! tool fails the test (scripts/test.sh installs them).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use vitte_buildkit_signing::{
    signature_path, Error, OpenPgpKey, PublicKey, SecretKey, SecretKeyFile, Signature,
};

fn tool(name: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is not installed: run scripts/test.sh, which installs every validator"
    );
    let mut cmd = Command::new(name);
    cmd.env("LC_ALL", "C.UTF-8").env("TZ", "UTC");
    cmd
}

/// Runs with `stdin` fed in, returns the output whatever the status.
fn run(cmd: &mut Command, stdin: &str) -> Output {
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
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn run_ok(cmd: &mut Command, stdin: &str) -> Output {
    let out = run(cmd, stdin);
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A file of `len` bytes that are not all alike.
fn payload(dir: &Path, name: &str, len: usize) -> PathBuf {
    let path = dir.join(name);
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn write_signature(key: &SecretKey, file: &Path, epoch: u64) -> Signature {
    let (signature, _) = key.sign_file(file, epoch).unwrap();
    std::fs::write(signature_path(file), signature.to_text()).unwrap();
    signature
}

fn minisign_verify(file: &Path, public: &Path) -> Output {
    run(
        tool("minisign").arg("-Vm").arg(file).arg("-p").arg(public),
        "",
    )
}

#[test]
fn minisign_verifies_our_signatures_and_trusted_comment() {
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate().unwrap();
    let public = dir.path().join("k.pub");
    std::fs::write(&public, key.public_key().to_text()).unwrap();
    let file = payload(dir.path(), "hello_1.2.3_amd64.deb", 300_000);
    let signature = write_signature(&key, &file, 1_700_000_000);
    let out = minisign_verify(&file, &public);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Signature and comment signature verified"),
        "{stdout}"
    );
    let sha = text(&run_ok(Command::new("sha256sum").arg(&file), "").stdout);
    let sha = sha.split_whitespace().next().unwrap();
    let expected =
        format!("timestamp:1700000000\tfile:hello_1.2.3_amd64.deb\tsha256:{sha}\thashed");
    assert_eq!(signature.trusted_comment(), expected);
    assert!(
        stdout.contains(&format!("Trusted comment: {expected}")),
        "{stdout}"
    );
    // Same key, same file, same time: the same signature bytes.
    let again = key.sign_file(&file, 1_700_000_000).unwrap().0;
    assert_eq!(again.to_text(), signature.to_text());
}

#[test]
fn flipping_any_sampled_byte_fails_both_verifiers() {
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate().unwrap();
    let public_path = dir.path().join("k.pub");
    std::fs::write(&public_path, key.public_key().to_text()).unwrap();
    let len = 70_001;
    let file = payload(dir.path(), "a.tar.gz", len);
    let signature = write_signature(&key, &file, 1);
    let original = std::fs::read(&file).unwrap();
    let public = key.public_key();
    for pos in [0, 1, 2, 511, 512, 4096, len / 2, len - 2, len - 1] {
        let mut bytes = original.clone();
        bytes[pos] ^= 0x01;
        std::fs::write(&file, &bytes).unwrap();
        let ours = public.verify_file(&file, &signature);
        assert!(
            matches!(ours, Err(Error::BadSignature(_))),
            "byte {pos}: {ours:?}"
        );
        let out = minisign_verify(&file, &public_path);
        assert!(!out.status.success(), "minisign accepted a flip at {pos}");
    }
    std::fs::write(&file, &original).unwrap();
    public.verify_file(&file, &signature).unwrap();
    assert!(minisign_verify(&file, &public_path).status.success());
}

#[test]
fn unencrypted_minisign_key_signs_through_us() {
    let dir = tempfile::tempdir().unwrap();
    let (pk, sk) = (dir.path().join("m.pub"), dir.path().join("m.key"));
    run_ok(
        tool("minisign")
            .args(["-G", "-W", "-p"])
            .arg(&pk)
            .arg("-s")
            .arg(&sk),
        "",
    );
    let file_text = std::fs::read_to_string(&sk).unwrap();
    let parsed = SecretKeyFile::parse(&file_text).unwrap();
    assert!(!parsed.is_encrypted());
    let key = parsed.decrypt(None).unwrap();
    let public = PublicKey::parse(&std::fs::read_to_string(&pk).unwrap()).unwrap();
    assert_eq!(key.public_key(), public);
    let file = payload(dir.path(), "x.rpm", 1000);
    let signature = write_signature(&key, &file, 5);
    assert!(minisign_verify(&file, &pk).status.success());
    public.verify_file(&file, &signature).unwrap();
}

#[test]
fn password_protected_minisign_key_signs_through_us() {
    let dir = tempfile::tempdir().unwrap();
    let (pk, sk) = (dir.path().join("m.pub"), dir.path().join("m.key"));
    // minisign reads the password (twice) from stdin when it is not a tty.
    run_ok(
        tool("minisign")
            .args(["-G", "-p"])
            .arg(&pk)
            .arg("-s")
            .arg(&sk),
        "correct horse\ncorrect horse\n",
    );
    let file_text = std::fs::read_to_string(&sk).unwrap();
    let parsed = SecretKeyFile::parse(&file_text).unwrap();
    assert!(parsed.is_encrypted());
    assert!(matches!(parsed.decrypt(None), Err(Error::PasswordRequired)));
    let wrong = parsed.decrypt(Some("battery staple")).unwrap_err();
    assert!(matches!(wrong, Error::WrongPassword), "{wrong}");
    assert!(wrong.to_string().contains("wrong password"), "{wrong}");
    let key = parsed.decrypt(Some("correct horse")).unwrap();
    let file = payload(dir.path(), "y.msi", 1000);
    write_signature(&key, &file, 6);
    assert!(minisign_verify(&file, &pk).status.success());
}

#[test]
fn our_keys_work_with_minisign_sign() {
    let dir = tempfile::tempdir().unwrap();
    let key = SecretKey::generate().unwrap();
    let pk = dir.path().join("v.pub");
    std::fs::write(&pk, key.public_key().to_text()).unwrap();
    let file = payload(dir.path(), "z.pkg", 5000);
    for (name, password) in [("plain.key", None), ("enc.key", Some("s3cret pass"))] {
        let sk = dir.path().join(name);
        std::fs::write(&sk, key.to_text(password).unwrap().as_bytes()).unwrap();
        run_ok(
            tool("minisign")
                .arg("-S")
                .arg("-s")
                .arg(&sk)
                .arg("-m")
                .arg(&file)
                .args(["-t", "made by minisign"]),
            &password.map(|p| format!("{p}\n")).unwrap_or_default(),
        );
        assert!(minisign_verify(&file, &pk).status.success());
        let signature = Signature::read(&signature_path(&file)).unwrap();
        assert_eq!(signature.trusted_comment(), "made by minisign");
        key.public_key().verify_file(&file, &signature).unwrap();
    }
    // A wrong password makes minisign fail too: the checksum is minisign's.
    let out = run(
        tool("minisign")
            .arg("-S")
            .arg("-s")
            .arg(dir.path().join("enc.key"))
            .arg("-m")
            .arg(&file),
        "nope\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Wrong password"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn signature_for_another_key_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let signer = SecretKey::generate().unwrap();
    let other = SecretKey::generate().unwrap();
    let file = payload(dir.path(), "f.bin", 100);
    let signature = write_signature(&signer, &file, 1);
    let err = other
        .public_key()
        .verify_file(&file, &signature)
        .unwrap_err()
        .to_string();
    assert!(err.contains(&signer.id().to_string()), "{err}");
    assert!(err.contains(&other.id().to_string()), "{err}");
    let pk = dir.path().join("other.pub");
    std::fs::write(&pk, other.public_key().to_text()).unwrap();
    assert!(!minisign_verify(&file, &pk).status.success());
}

/// gpg with its own home folder, quiet and non-interactive.
fn gpg(home: &Path) -> Command {
    let mut cmd = tool("gpg");
    cmd.arg("--homedir")
        .arg(home)
        .args(["--batch", "--no-tty", "--pinentry-mode", "loopback"]);
    cmd
}

/// A detached signature made with the pgp crate from the exported secret
/// key's armored text, the way the RPM backend signs.
fn pgp_detached_signature(secret_armored: &str, data: &[u8]) -> String {
    use pgp::composed::{Deserializable, DetachedSignature, SignedSecretKey};
    use pgp::crypto::hash::HashAlgorithm;
    use pgp::packet::{SignatureConfig, SignatureType, Subpacket, SubpacketData};
    use pgp::types::{KeyDetails, Password};
    let (key, _) = SignedSecretKey::from_string(secret_armored).unwrap();
    let mut config = SignatureConfig::v4(
        SignatureType::Binary,
        key.primary_key.algorithm(),
        HashAlgorithm::Sha256,
    );
    config.hashed_subpackets = vec![
        Subpacket::regular(SubpacketData::SignatureCreationTime(
            pgp::types::Timestamp::from_secs(1_700_000_000),
        ))
        .unwrap(),
        Subpacket::regular(SubpacketData::IssuerFingerprint(
            key.primary_key.fingerprint(),
        ))
        .unwrap(),
    ];
    let signature = config
        .sign(&key.primary_key, &Password::empty(), data)
        .unwrap();
    DetachedSignature::new(signature)
        .to_armored_string(Default::default())
        .unwrap()
}

#[test]
fn gpg_accepts_the_openpgp_export_and_its_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("gnupg");
    std::fs::create_dir(&home).unwrap();
    std::fs::set_permissions(&home, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let key = SecretKey::generate().unwrap();
    let openpgp: OpenPgpKey = key.openpgp().unwrap();
    let asc = dir.path().join("key.asc");
    std::fs::write(&asc, openpgp.public_armored().unwrap()).unwrap();
    assert!(openpgp
        .public_armored()
        .unwrap()
        .starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));

    let imported = run_ok(gpg(&home).arg("--import").arg(&asc), "");
    assert!(
        text(&imported.stderr).contains("imported: 1"),
        "{}",
        text(&imported.stderr)
    );
    let listing = text(
        &run_ok(
            gpg(&home).args(["--with-colons", "--fingerprint", "--list-keys"]),
            "",
        )
        .stdout,
    );
    assert!(
        listing.contains(&format!("fpr:::::::::{}:", openpgp.fingerprint())),
        "{listing}"
    );
    assert!(
        listing.contains("pub:-:255:22:"),
        "EdDSA, 255 bits: {listing}"
    );
    assert!(
        listing.contains(&format!("vitte-buildkit release key {}", key.id())),
        "{listing}"
    );

    // gpgv checks a detached signature made by the pgp crate against a keyring made from the .asc.
    let data = payload(dir.path(), "data.bin", 10_000);
    let sig = dir.path().join("data.bin.asc");
    std::fs::write(
        &sig,
        pgp_detached_signature(
            &openpgp.secret_armored().unwrap(),
            &std::fs::read(&data).unwrap(),
        ),
    )
    .unwrap();
    let keyring = dir.path().join("keyring.gpg");
    run_ok(
        gpg(&home)
            .arg("--output")
            .arg(&keyring)
            .arg("--dearmor")
            .arg(&asc),
        "",
    );
    let verified = run_ok(
        tool("gpgv")
            .arg("--keyring")
            .arg(&keyring)
            .arg(&sig)
            .arg(&data),
        "",
    );
    assert!(
        text(&verified.stderr).contains("Good signature"),
        "{}",
        text(&verified.stderr)
    );
    let mut tampered = std::fs::read(&data).unwrap();
    tampered[5000] ^= 1;
    std::fs::write(&data, tampered).unwrap();
    let bad = run(
        tool("gpgv")
            .arg("--keyring")
            .arg(&keyring)
            .arg(&sig)
            .arg(&data),
        "",
    );
    assert!(!bad.status.success(), "gpgv accepted a changed file");

    // gpg takes the unprotected secret key too, and what it signs verifies against the .asc.
    let secret = dir.path().join("secret.asc");
    std::fs::write(&secret, openpgp.secret_armored().unwrap().as_bytes()).unwrap();
    run_ok(gpg(&home).arg("--import").arg(&secret), "");
    let message = payload(dir.path(), "m.txt", 100);
    run_ok(
        gpg(&home)
            .args(["--passphrase", "", "--detach-sign", "--armor"])
            .arg(&message),
        "",
    );
    run_ok(
        tool("gpgv")
            .arg("--keyring")
            .arg(&keyring)
            .arg(dir.path().join("m.txt.asc"))
            .arg(&message),
        "",
    );
}
