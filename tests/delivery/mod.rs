//! Helpers the delivery tests share (debsigs, apt and rpm-md repositories):
//! a signing key made by `keygen`, packages built by `package`, and what gpg
//! says about the key.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::common::*;

/// The fixed build time of the packages these tests make.
pub const EPOCH: &str = "1700000000";

/// A key pair from `vitte-buildkit keygen --unencrypted --openpgp`.
pub struct Key {
    pub dir: tempfile::TempDir,
}

impl Key {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        run_ok(
            buildkit()
                .args(["keygen", "--unencrypted", "--openpgp", "--out"])
                .arg(dir.path())
                .stdin(Stdio::null()),
        );
        Self { dir }
    }

    /// The secret key file.
    pub fn secret(&self) -> PathBuf {
        self.dir.path().join("vitte-buildkit.key")
    }

    /// The armored OpenPGP public key.
    pub fn asc(&self) -> PathBuf {
        self.dir.path().join("vitte-buildkit.asc")
    }

    /// The binary (dearmored) public key, as gpg writes it.
    pub fn binary(&self, out: &Path) {
        run_ok(
            tool("gpg")
                .args(["--batch", "--yes", "--output"])
                .arg(out)
                .arg("--dearmor")
                .arg(self.asc()),
        );
    }

    /// The 16-digit key id, as gpg reads it from the .asc.
    pub fn key_id(&self) -> String {
        let home = tempfile::tempdir().unwrap();
        let out = run_ok(
            tool("gpg")
                .arg("--homedir")
                .arg(home.path())
                .args(["--batch", "--with-colons", "--show-keys"])
                .arg(self.asc()),
        );
        text(&out.stdout)
            .lines()
            .find(|l| l.starts_with("pub:"))
            .and_then(|l| l.split(':').nth(4))
            .expect("gpg shows the key id")
            .to_string()
    }
}

/// A manifest for package `name` `version` holding one script (arch `all`
/// unless the file is a binary) at /usr/bin/NAME.
pub fn project(name: &str, version: &str, extra: &str) -> Project {
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nsummary = \"Test package {name}\"\ndescription = \"A package for the delivery tests.\"\nlicense = \"MIT\"\nmaintainer = \"Jane Doe <jane@example.org>\"\n\n[[files]]\nsrc = \"bin/tool\"\ndst = \"/usr/bin/{name}\"\n{extra}"
    );
    let script = format!("#!/bin/sh\necho {name} {version}\n");
    Project::new(&manifest, &[("bin/tool", script.as_bytes(), 0o755)])
}

/// A manifest for package `name` `version` holding the real binary
/// `tests/fixtures/bin/FIXTURE` at /usr/bin/NAME. Its shared-library
/// dependencies are not computed: the scratch roots apt and dnf install
/// into hold no C library, and cross targets would need a sysroot.
pub fn binary_project(name: &str, version: &str, fixture: &str) -> Project {
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nsummary = \"Binary package {name}\"\ndescription = \"A binary for the delivery tests.\"\nlicense = \"MIT\"\nmaintainer = \"Jane Doe <jane@example.org>\"\n\n[[files]]\nsrc = \"bin/tool\"\ndst = \"/usr/bin/{name}\"\n\n[deb]\nauto-depends = false\n\n[rpm]\nauto-requires = false\n"
    );
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bin")
            .join(fixture),
    )
    .unwrap();
    Project::new(&manifest, &[("bin/tool", &bytes, 0o755)])
}

/// Builds `format` for x86_64-linux into the project's dist/, signed with
/// `key` when given; returns the artifact's path.
pub fn build(project: &Project, format: &str, key: Option<&Key>) -> PathBuf {
    build_for(project, format, "x86_64-linux", key)
}

/// Builds `format` for `target` into the project's dist/, signed with
/// `key` when given; returns the artifact's path.
pub fn build_for(project: &Project, format: &str, target: &str, key: Option<&Key>) -> PathBuf {
    let mut cmd = buildkit();
    cmd.arg("package")
        .arg("--manifest")
        .arg(project.manifest())
        .arg("--out")
        .arg(project.dist())
        .args(["--target", target, "--format", format])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("VITTE_BUILDKIT_SECRET_KEY")
        .stdin(Stdio::null());
    if let Some(key) = key {
        cmd.arg("--key").arg(key.secret());
    }
    run_ok(&mut cmd);
    let ext = format!(".{format}");
    project
        .dist_files()
        .into_iter()
        .find(|f| f.ends_with(&ext))
        .map(|f| project.dist().join(f))
        .expect("the artifact is in dist/")
}
