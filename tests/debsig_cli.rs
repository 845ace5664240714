//! The debsigs origin signature inside signed .debs, judged by
//! debsig-verify with the policy docs/repositories.md tells users to
//! install, and by dpkg, which must still read the package.
mod common;
mod delivery;

use std::path::Path;

use common::*;
use delivery::*;

/// Installs the documented policy and keyring for `key` under `root`:
/// `etc/debsig/policies/KEYID/vitte-buildkit.pol` and
/// `usr/share/debsig/keyrings/KEYID/debsig.gpg`.
fn install_policy(root: &Path, key: &Key) {
    let id = key.key_id();
    let policies = root.join("etc/debsig/policies").join(&id);
    let keyrings = root.join("usr/share/debsig/keyrings").join(&id);
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::create_dir_all(&keyrings).unwrap();
    key.binary(&keyrings.join("debsig.gpg"));
    let policy = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE Policy SYSTEM "https://www.debian.org/debsig/1.0/policy.dtd">
<Policy xmlns="https://www.debian.org/debsig/1.0/">
  <Origin Name="vitte-buildkit" id="{id}" Description="vitte-buildkit release key"/>
  <Selection>
    <Required Type="origin" File="debsig.gpg" id="{id}"/>
  </Selection>
  <Verification MinOptional="0">
    <Required Type="origin" File="debsig.gpg" id="{id}"/>
  </Verification>
</Policy>
"#
    );
    std::fs::write(policies.join("vitte-buildkit.pol"), policy).unwrap();
}

fn debsig_verify(root: &Path, deb: &Path) -> std::process::Output {
    run(tool("debsig-verify")
        .arg("--policies-dir")
        .arg(root.join("etc/debsig/policies"))
        .arg("--keyrings-dir")
        .arg(root.join("usr/share/debsig/keyrings"))
        .arg(deb))
}

fn members(deb: &Path) -> Vec<String> {
    text(&run_ok(tool("ar").arg("t").arg(deb)).stdout)
        .lines()
        .map(String::from)
        .collect()
}

/// The manifest lines that ask for the origin signature.
const EMBED: &str = "\n[deb]\nembed-signature = true\n";

#[test]
fn debsig_verify_accepts_the_signed_deb_and_refuses_a_tampered_one() {
    let key = Key::new();
    let signed = project("signed-hello", "1.0.0", EMBED);
    let deb = build(&signed, "deb", Some(&key));
    assert_eq!(
        members(&deb),
        [
            "debian-binary",
            "control.tar.xz",
            "data.tar.xz",
            "_gpgorigin"
        ]
    );
    run_ok(tool("dpkg-deb").arg("--info").arg(&deb));
    let root = tempfile::tempdir().unwrap();
    // dpkg installs it: the extra member is ignored.
    let dpkg_root = root.path().join("dpkg");
    std::fs::create_dir_all(dpkg_root.join("var/lib/dpkg/info")).unwrap();
    std::fs::create_dir_all(dpkg_root.join("var/lib/dpkg/updates")).unwrap();
    std::fs::write(dpkg_root.join("var/lib/dpkg/status"), "").unwrap();
    run_ok(
        tool("dpkg")
            .arg(format!("--root={}", dpkg_root.display()))
            .args(["--force-script-chrootless", "--force-not-root", "-i"])
            .arg(&deb),
    );
    assert!(dpkg_root.join("usr/bin/signed-hello").is_file());
    install_policy(root.path(), &key);
    let good = debsig_verify(root.path(), &deb);
    assert!(
        good.status.success(),
        "debsig-verify refused our signed .deb:\n{}{}",
        text(&good.stdout),
        text(&good.stderr)
    );
    assert!(
        text(&good.stdout).contains("Verified"),
        "{}",
        text(&good.stdout)
    );

    // One byte of data.tar changed: the member is still there, the signature no longer holds.
    let mut bytes = std::fs::read(&deb).unwrap();
    let at = bytes.len() - 900;
    bytes[at] ^= 0x40;
    let tampered = root.path().join("tampered.deb");
    std::fs::write(&tampered, &bytes).unwrap();
    let bad = debsig_verify(root.path(), &tampered);
    assert!(
        !bad.status.success(),
        "a tampered .deb passed debsig-verify"
    );

    // Signed by another key: no policy matches it.
    let other = Key::new();
    let stranger = project("signed-hello", "1.0.1", EMBED);
    let foreign = build(&stranger, "deb", Some(&other));
    assert!(!debsig_verify(root.path(), &foreign).status.success());
}

#[test]
fn unsigned_builds_and_embed_signature_false_have_no_origin_member() {
    let plain = project("plain-hello", "1.0.0", "");
    let deb = build(&plain, "deb", None);
    assert_eq!(members(&deb).len(), 3);

    let key = Key::new();
    // Signed, not asked for: lintian would report the extra member as an error.
    assert_eq!(members(&build(&plain, "deb", Some(&key))).len(), 3);
    let off = project("plain-hello", "1.0.0", "\n[deb]\nembed-signature = false\n");
    assert_eq!(members(&build(&off, "deb", Some(&key))).len(), 3);

    let wanted = project("plain-hello", "1.0.0", "\n[deb]\nembed-signature = true\n");
    wanted.assert_refused(
        &["--target", "x86_64-linux", "--format", "deb"],
        &["embed-signature", "--key"],
    );
}
