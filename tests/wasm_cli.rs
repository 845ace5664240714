//! `vitte-buildkit package --target wasm32` end to end: the OCI artifact and
//! the archive, judged by skopeo and wabt; `--format all` writes each
//! artifact once; wrong-width and native binaries are refused before
//! anything is written; the output does not depend on the environment.

mod common;

use std::path::Path;

use common::*;
use sha2::{Digest, Sha256};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("formats/tests/fixtures/wasm")
            .join(name),
    )
    .unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A project installing `module` (from the fixtures) as /usr/lib/hello/hello.wasm,
/// plus a README; `extra` is appended to the manifest.
fn project(module: &str, extra: &str) -> Project {
    Project::new(
        &format!(
            "{PACKAGE}homepage = \"https://example.org/hello\"\n\
             [[files]]\nsrc = \"hello.wasm\"\ndst = \"/usr/lib/hello/hello.wasm\"\n\
             [[files]]\nsrc = \"README\"\ndst = \"/usr/share/doc/hello/README\"\nkind = \"doc\"\n{extra}"
        ),
        &[
            ("hello.wasm", &fixture(module), 0o644),
            ("README", b"Say hello.\n", 0o644),
        ],
    )
}

fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "stderr:\n{}\nstdout:\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
}

#[test]
fn the_oci_artifact_from_the_cli_is_read_by_skopeo_and_wabt() {
    let project = project("hello32.wasm", "");
    assert_ok(&project.package(&["--format", "wasm", "--target", "wasm32"]));
    assert_eq!(
        project.dist_files(),
        ["SHA256SUMS", "hello-1.2.3-wasm32.oci.tar"]
    );
    let artifact = project.dist().join("hello-1.2.3-wasm32.oci.tar");
    let location = format!("oci-archive:{}", artifact.display());
    let manifest = text(&run_ok(tool("skopeo").args(["inspect", "--raw", &location])).stdout);
    let module_sha = sha256(&fixture("hello32.wasm"));
    assert!(
        manifest.contains(&format!("sha256:{module_sha}")),
        "{manifest}"
    );
    assert!(
        manifest.contains(r#""org.opencontainers.image.source":"https://example.org/hello""#),
        "{manifest}"
    );
    let out = project.path().join("copied");
    run_ok(tool("skopeo").args([
        "--insecure-policy",
        "copy",
        &location,
        &format!("dir:{}", out.display()),
    ]));
    let layer = out.join(&module_sha);
    assert_eq!(sha256(&std::fs::read(&layer).unwrap()), module_sha);
    run_ok(tool("wasm-validate").arg(&layer));
    // SHA256SUMS lists the artifact with its real digest.
    let sums = std::fs::read_to_string(project.dist().join("SHA256SUMS")).unwrap();
    let artifact_sha = sha256(&std::fs::read(&artifact).unwrap());
    assert!(
        sums.contains(&format!("{artifact_sha}  hello-1.2.3-wasm32.oci.tar")),
        "{sums}"
    );
}

#[test]
fn format_all_writes_each_wasm_artifact_once() {
    // Default layout: `wasm` is the OCI artifact, `wasm-archive` the archive.
    let both = project("hello64.wasm", "");
    assert_ok(&both.package(&["--target", "wasm64", "--format", "all"]));
    let files = both.dist_files();
    assert!(
        files.contains(&"hello-1.2.3-wasm64.oci.tar".to_string())
            && files.contains(&"hello-1.2.3-wasm64.wasm.tar.gz".to_string()),
        "{files:?}"
    );
    let extract = both.path().join("x");
    std::fs::create_dir_all(&extract).unwrap();
    run_ok(
        tool("tar")
            .arg("-xzf")
            .arg(both.dist().join("hello-1.2.3-wasm64.wasm.tar.gz"))
            .arg("-C")
            .arg(&extract),
    );
    run_ok(
        tool("wasm-validate")
            .arg("--enable-memory64")
            .arg(extract.join("hello-1.2.3-wasm64/usr/lib/hello/hello.wasm")),
    );

    // `layout = "archive"`: `wasm` and `wasm-archive` are one artifact.
    let archive = project("hello32.wasm", "[wasm]\nlayout = \"archive\"\n");
    assert_ok(&archive.package(&["--target", "wasm32", "--format", "all"]));
    let files = archive.dist_files();
    let wasm: Vec<&String> = files.iter().filter(|f| f.contains(".wasm.")).collect();
    assert_eq!(wasm, ["hello-1.2.3-wasm32.wasm.tar.gz"], "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with(".oci.tar")), "{files:?}");
    let sums = std::fs::read_to_string(archive.dist().join("SHA256SUMS")).unwrap();
    assert_eq!(sums.matches(".wasm.tar.gz").count(), 1, "{sums}");
}

#[test]
fn wrong_width_and_native_binaries_are_refused_before_anything_is_written() {
    let wasm64 = project("hello64.wasm", "");
    for format in ["wasm", "wasm-archive"] {
        wasm64.assert_refused(
            &["--format", format, "--target", "wasm32"],
            &["usr/lib/hello/hello.wasm", "wasm64"],
        );
    }
    let native = Project::new(
        &format!(
            "{PACKAGE}[[files]]\nsrc = \"hello.wasm\"\ndst = \"/usr/lib/hello/hello.wasm\"\n\
             [[files]]\nsrc = \"tool\"\ndst = \"/usr/bin/tool\"\n"
        ),
        &[
            ("hello.wasm", &fixture("hello32.wasm"), 0o644),
            ("tool", &std::fs::read("/bin/true").unwrap(), 0o755),
        ],
    );
    for target in ["wasm32", "wasm32-wasip1"] {
        native.assert_refused(&["--format", "wasm", "--target", target], &["usr/bin/tool"]);
    }
    // A wasm format for a native target is refused with what it accepts
    // (a data-only package, so no binary check speaks first).
    let data = Project::new(
        &format!("{PACKAGE}[[files]]\nsrc = \"README\"\ndst = \"/usr/share/doc/hello/README\"\n"),
        &[("README", b"Say hello.\n", 0o644)],
    );
    data.assert_refused(
        &["--format", "wasm", "--target", "x86_64-linux"],
        &["format `wasm` cannot package", "wasm32-wasip1"],
    );
}

#[test]
fn the_bundles_do_not_depend_on_the_environment() {
    let build = |umask: &str, tz: &str, epoch: &str| {
        let project = project("hello32.wasm", "");
        let cwd = tempfile::tempdir().unwrap();
        let out = run(std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_vitte-buildkit"))
            // No artifact cache: this run must package, not find an earlier result.
            .env("VITTE_BUILDKIT_CACHE_DIR", "off")
            .args([
                "package",
                "--format",
                "wasm,wasm-archive",
                "--target",
                "wasm32",
                "--manifest",
            ])
            .arg(project.manifest())
            .arg("--out")
            .arg(project.dist())
            .current_dir(cwd.path())
            .env("TZ", tz)
            .env("LC_ALL", "C")
            .env("SOURCE_DATE_EPOCH", epoch));
        assert_ok(&out);
        std::fs::read_to_string(project.dist().join("SHA256SUMS")).unwrap()
    };
    let first = build("022", "UTC", "1700000000");
    let second = build("077", "Asia/Tokyo", "1700000000");
    assert_eq!(first.lines().count(), 2, "{first}");
    assert_eq!(first, second);
    let later = build("022", "UTC", "1700000001");
    assert_ne!(first, later, "SOURCE_DATE_EPOCH is not used");
}

#[test]
fn the_wasm_example_packages_for_every_format_that_serves_wasi() {
    let dist = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello-wasm/buildkit.toml");
    assert_ok(&run(buildkit()
        .args(["package", "--target", "wasm32-wasip1", "--manifest"])
        .arg(&example)
        .arg("--out")
        .arg(dist.path())));
    let oci = dist.path().join("hello-wasm-1.2.3-wasm32.oci.tar");
    let archive = dist.path().join("hello-wasm-1.2.3-wasm32.wasm.tar.gz");
    assert!(oci.is_file() && archive.is_file());
    let config = text(
        &run_ok(tool("skopeo").args([
            "inspect",
            "--config",
            "--raw",
            &format!("oci-archive:{}", oci.display()),
        ]))
        .stdout,
    );
    assert!(config.contains(r#""os":"wasip1""#), "{config}");
    let out = dist.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    run_ok(tool("tar").arg("-xzf").arg(&archive).arg("-C").arg(&out));
    run_ok(
        tool("wasm-validate")
            .arg(out.join("hello-wasm-1.2.3-wasm32/usr/lib/hello-wasm/hello.wasm")),
    );
}
