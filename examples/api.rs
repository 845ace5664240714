//! The Rust API: package the bundled `vitte-compiler` example for Apple
//! silicon, into every format that serves that target.
//!
//! Run with `cargo run --example api`; artifacts land in
//! `examples/vitte-compiler/dist/`.

use vitte_buildkit::BuildKit;

fn main() -> anyhow::Result<()> {
    std::env::set_current_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/vitte-compiler"
    ))?;
    let kit = BuildKit::new()
        .target("aarch64-apple-darwin")
        .package("vitte-compiler");
    for artifact in kit.build_and_export("dist/")? {
        println!("{} {}", artifact.sha256, artifact.path.display());
    }
    Ok(())
}
