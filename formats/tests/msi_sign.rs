//! Authenticode signing of our MSI by osslsigncode, the usual signer on
//! Linux: it reads the compound file, signs it, and verifies the signature
//! against a test CA made here with openssl; wine's msiexec then installs,
//! upgrades and uninstalls the signed packages.

mod common;
mod msi_common;

use std::path::{Path, PathBuf};

use common::*;
use msi_common::*;

const PASSWORD: &str = "test-only";

/// A CA and a code-signing certificate it issued, made with openssl.
struct TestCa {
    root: PathBuf,
    p12: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    run_ok(tool("openssl").current_dir(dir).args(args));
}

fn test_ca(dir: &Path, name: &str) -> TestCa {
    let key = format!("{name}-root.key");
    let root = format!("{name}-root.pem");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &root,
            "-days",
            "3650",
            "-subj",
            &format!("/CN={name} Test Root CA"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    let ext = format!("{name}-cs.ext");
    std::fs::write(
        dir.join(&ext),
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n",
    )
    .unwrap();
    let (cs_key, csr, cert, p12) = (
        format!("{name}-cs.key"),
        format!("{name}-cs.csr"),
        format!("{name}-cs.pem"),
        format!("{name}-cs.p12"),
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &cs_key,
            "-out",
            &csr,
            "-subj",
            "/CN=Example Org Code Signing",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &root,
            "-CAkey",
            &key,
            "-CAcreateserial",
            "-days",
            "365",
            "-extfile",
            &ext,
            "-out",
            &cert,
        ],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            &cs_key,
            "-in",
            &cert,
            "-certfile",
            &root,
            "-out",
            &p12,
            "-passout",
            &format!("pass:{PASSWORD}"),
        ],
    );
    TestCa {
        root: dir.join(root),
        p12: dir.join(p12),
    }
}

/// `osslsigncode sign`, SHA-256, into `<stem>-signed.msi` beside it.
fn sign(msi: &Path, ca: &TestCa) -> PathBuf {
    let signed = msi.with_file_name(format!(
        "{}-signed.msi",
        msi.file_stem().unwrap().to_str().unwrap()
    ));
    let out = run_ok(
        tool("osslsigncode")
            .args(["sign", "-pkcs12"])
            .arg(&ca.p12)
            .args(["-pass", PASSWORD, "-h", "sha256", "-n", "hello"])
            .arg("-in")
            .arg(msi)
            .arg("-out")
            .arg(&signed),
    );
    assert!(stdout(&out).contains("Succeeded"), "{}", stdout(&out));
    signed
}

/// `osslsigncode verify` against `root`: whether it passed, and its output.
fn verify(msi: &Path, root: &Path) -> (bool, String) {
    let out = tool("osslsigncode")
        .arg("verify")
        .arg("-in")
        .arg(msi)
        .arg("-CAfile")
        .arg(root)
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn osslsigncode_signs_and_verifies_and_wine_installs_the_signed_msi() {
    let dir = tempfile::tempdir().unwrap();
    let ca = test_ca(dir.path(), "good");
    let other = test_ca(dir.path(), "other");
    let (v1_dir, v2_dir) = (dir.path().join("v1"), dir.path().join("v2"));
    std::fs::create_dir_all(&v1_dir).unwrap();
    std::fs::create_dir_all(&v2_dir).unwrap();
    let exe1 = windows_program(&v1_dir, "hello from 1.0.0");
    let exe2 = windows_program(&v2_dir, "hello from 1.1.0");
    let v1 = win_package("1.0.0", &exe1, &[("/usr/share/hello/old-only.txt", b"old")]);
    let v2 = win_package("1.1.0", &exe2, &[("/usr/share/hello/new-only.txt", b"new")]);
    let msi1 = write_msi(&v1, "x86_64-windows", &v1_dir);
    let msi2 = write_msi(&v2, "x86_64-windows", &v2_dir);

    let (ok, text) = verify(&msi1, &ca.root);
    assert!(!ok, "an unsigned msi verified:\n{text}");
    let signed1 = sign(&msi1, &ca);
    let signed2 = sign(&msi2, &ca);
    for (signed, unsigned) in [(&signed1, &msi1), (&signed2, &msi2)] {
        let (ok, text) = verify(signed, &ca.root);
        assert!(ok && text.contains("Signature verification: ok"), "{text}");
        // Another CA does not vouch for it.
        let (ok, text) = verify(signed, &other.root);
        assert!(
            !ok && !text.contains("Signature verification: ok"),
            "{text}"
        );
        let streams = stdout(&run_ok(tool("msiinfo").arg("streams").arg(signed)));
        assert!(streams.contains("DigitalSignature"), "{streams}");
        assert_eq!(export(signed, "File"), export(unsigned, "File"));
    }

    // Past 109 FAT sectors (about 7 MB) the header's FAT list is full and
    // the file needs DIFAT sectors: a package of 12 MB of incompressible
    // bytes, in two cabinets, signs and verifies too, and unpacks intact.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let big: Vec<u8> = (0..12_000_000)
        .map(|_| {
            // xorshift64: bytes MSZIP cannot shrink.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 56) as u8
        })
        .collect();
    let mut large = win_package("1.1.0", &exe2, &[("/usr/share/hello/big.bin", &big)]);
    large.formats.msi.max_cabinet_mib = Some(8);
    let large_dir = dir.path().join("large");
    std::fs::create_dir_all(&large_dir).unwrap();
    let msi3 = write_msi(&large, "x86_64-windows", &large_dir);
    assert!(std::fs::metadata(&msi3).unwrap().len() > 109 * 128 * 512);
    assert_eq!(export(&msi3, "Media").len(), 2);
    let signed3 = sign(&msi3, &ca);
    let (ok, text) = verify(&signed3, &ca.root);
    assert!(ok && text.contains("Signature verification: ok"), "{text}");
    let out = large_dir.join("x");
    run_ok(tool("msiextract").arg("-C").arg(&out).arg(&signed3));
    let got = std::fs::read(out.join("PFiles/Example Org/hello/share/hello/big.bin")).unwrap();
    assert!(got == big, "big.bin differs after signing");

    let wine = Wine::new();
    let root = wine.program_files().join("Example Org/hello");
    let (ok, log) = wine.msiexec("/i", &signed1);
    assert!(ok, "install of the signed 1.0.0 failed:\n{log}");
    assert_eq!(wine.installed(), ["1.0.0"]);
    assert_eq!(std::fs::read(root.join("bin/hello.exe")).unwrap(), exe1);
    assert_eq!(
        std::fs::read(root.join("share/hello/old-only.txt")).unwrap(),
        b"old"
    );

    let (ok, log) = wine.msiexec("/i", &signed2);
    assert!(ok, "upgrade to the signed 1.1.0 failed:\n{log}");
    assert_eq!(wine.installed(), ["1.1.0"]);
    assert_eq!(std::fs::read(root.join("bin/hello.exe")).unwrap(), exe2);
    assert_eq!(
        std::fs::read(root.join("share/hello/new-only.txt")).unwrap(),
        b"new"
    );
    assert!(!root.join("share/hello/old-only.txt").exists());

    let (ok, log) = wine.msiexec("/x", &signed2);
    assert!(ok, "uninstall of the signed 1.1.0 failed:\n{log}");
    assert!(wine.installed().is_empty());
    assert!(!root.exists(), "{:?} left behind", walk(&root));
}
