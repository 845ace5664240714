//! The `BuildKit` facade does what the CLI does.

use vitte_buildkit::{BuildKit, Error};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/vitte-compiler/buildkit.toml"
);

#[test]
fn the_seed_example_builds_every_format_for_its_target() {
    let out = tempfile::tempdir().unwrap();
    let kit = BuildKit::new()
        .manifest(EXAMPLE)
        .target("aarch64-apple-darwin")
        .package("vitte-compiler");
    let artifacts = kit.build_and_export(out.path()).unwrap();
    let formats: Vec<&str> = artifacts.iter().map(|a| a.format.as_str()).collect();
    assert!(formats.contains(&"tar.gz"), "{formats:?}");
    for artifact in &artifacts {
        assert_eq!(artifact.target, "aarch64-apple-darwin");
        assert!(artifact.path.starts_with(out.path()));
        assert_eq!(
            std::fs::metadata(&artifact.path).unwrap().len(),
            artifact.size
        );
    }
    let sums = std::fs::read_to_string(out.path().join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), artifacts.len());
}

#[test]
fn a_wrong_package_name_is_an_error_and_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let kit = BuildKit::new().manifest(EXAMPLE).package("other");
    match kit.build_and_export(out.path().join("dist")) {
        Err(Error::Manifest(e)) => assert!(e.to_string().contains("not `other`"), "{e}"),
        other => panic!("expected a manifest error, got {other:?}"),
    }
    assert!(!out.path().join("dist").exists());
}
