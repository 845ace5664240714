//! Helpers for the CLI tests: run the built `vitte-buildkit`, make manifests
//! in temporary folders, and call real client tools (a missing tool fails
//! the test: it never skips).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod registry;

/// The `vitte-buildkit` binary built for these tests.
pub fn buildkit() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vitte-buildkit"));
    // No artifact cache unless a test asks for one (`--cache DIR`): a hit
    // from another test would skip the packaging a test means to watch.
    cmd.env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .env("VITTE_BUILDKIT_CACHE_DIR", "off");
    // No user configuration of the machine's running the tests leaks in.
    cmd.env("XDG_CONFIG_HOME", "/nonexistent/vitte-buildkit-tests");
    cmd
}

/// A real client tool; panics with the fix when it is not installed.
pub fn tool(name: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is not installed: run scripts/test.sh, which installs every validator"
    );
    let mut cmd = Command::new(name);
    // Also for our binary run under /usr/bin/time: no cache hit may stand
    // in for the packaging a test measures.
    cmd.env("LC_ALL", "C.UTF-8")
        .env("TZ", "UTC")
        .env("VITTE_BUILDKIT_CACHE_DIR", "off");
    cmd
}

/// Runs and returns the output, whatever the exit status.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// Runs, asserts success, returns the output.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{cmd:?} failed with {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A project folder with a manifest and the files it names.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// `files` are (relative path, content, mode).
    pub fn new(manifest: &str, files: &[(&str, &[u8], u32)]) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("buildkit.toml"), manifest).unwrap();
        for (path, content, mode) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, content).unwrap();
            std::fs::set_permissions(&full, std::fs::Permissions::from_mode(*mode)).unwrap();
        }
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn manifest(&self) -> PathBuf {
        self.dir.path().join("buildkit.toml")
    }

    /// `vitte-buildkit package --manifest … --out <dir>/dist` plus `args`.
    pub fn package(&self, args: &[&str]) -> Output {
        run(buildkit()
            .arg("package")
            .arg("--manifest")
            .arg(self.manifest())
            .arg("--out")
            .arg(self.dist())
            .args(args))
    }

    pub fn dist(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    /// Waits until a running build has put something (its staging folder)
    /// into the output folder; panics after `within`.
    pub fn wait_for_staging(&self, within: std::time::Duration) {
        let deadline = std::time::Instant::now() + within;
        while !std::fs::read_dir(self.dist())
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the run never started writing"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Runs `package` with `args` and asserts it was refused: see
    /// [`Project::assert_refused_output`].
    pub fn assert_refused(&self, args: &[&str], needles: &[&str]) {
        self.assert_refused_output(&self.package(args), needles);
    }

    /// Asserts a refused run: exit 1, every needle in stderr, no panic, and
    /// nothing written into dist/.
    pub fn assert_refused_output(&self, out: &Output, needles: &[&str]) {
        let err = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "expected exit 1, stderr:\n{err}"
        );
        for needle in needles {
            assert!(err.contains(needle), "stderr lacks `{needle}`:\n{err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            self.dist_files().is_empty(),
            "something was written: {:?}",
            self.dist_files()
        );
    }

    /// File names in dist/, sorted.
    pub fn dist_files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dist())
            .map(|r| {
                r.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// The manifest header most tests share.
pub const PACKAGE: &str = r#"
[package]
name = "hello"
version = "1.2.3"
summary = "Greets the world"
description = "Prints a greeting."
license = "MIT"
maintainer = "Jane Doe <jane@example.org>"
"#;
