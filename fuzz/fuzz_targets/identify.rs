//! `inspect::identify` on arbitrary bytes must never panic, and neither may
//! what is done with its answer: printing it, serialising it, checking it
//! against every kind of target.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run identify fuzz/corpus/identify tests/fixtures/bin`
//! (the fixtures are a good seed corpus).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vitte_buildkit::inspect::identify;
use vitte_buildkit::Target;

fn targets() -> &'static [Target] {
    static TARGETS: OnceLock<Vec<Target>> = OnceLock::new();
    TARGETS.get_or_init(|| {
        [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-musl",
            "armv7-unknown-linux-gnueabihf",
            "s390x-unknown-linux-gnu",
            "x86_64-pc-windows-msvc",
            "aarch64-pc-windows-msvc",
            "aarch64-apple-darwin",
            "universal-apple-darwin",
            "wasm32-unknown-unknown",
            "wasm32-wasip2",
            "wasm64-unknown-unknown",
        ]
        .iter()
        .map(|t| Target::parse(t).expect("a known target"))
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let identity = identify(data);
    let _ = identity.to_string();
    let _ = serde_json::to_string(&identity);
    for target in targets() {
        let _ = identity.fits(target);
    }
});
