//! `vitte-buildkit toolchains` and `targets`: what they report is checked
//! against what the tools themselves print.

mod common;

use std::collections::BTreeSet;

use common::{buildkit, run_ok, text, tool};
use serde_json::Value;

fn json_lines(args: &[&str]) -> Vec<Value> {
    let out = run_ok(buildkit().args(args).args(["--message-format", "json"]));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn first_line(program: &str, args: &[&str]) -> String {
    let out = run_ok(tool(program).args(args));
    text(&out.stdout).lines().next().unwrap_or("").to_string()
}

fn which(program: &str) -> String {
    let out = run_ok(tool("sh").arg("-c").arg(format!("command -v {program}")));
    text(&out.stdout).trim().to_string()
}

#[test]
fn every_installed_tool_is_found_with_the_version_it_prints() {
    let found = json_lines(&["toolchains"]);
    let by_name = |name: &str| -> &Value {
        found
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("{name} not reported: {found:?}"))
    };
    let tools = [
        ("clang", "llvm", "--version"),
        ("ld.lld", "llvm", "--version"),
        ("lld-link", "llvm", "--version"),
        ("wasm-ld", "llvm", "--version"),
        ("llvm-ar", "llvm", "--version"),
        ("gcc", "gcc", "--version"),
        ("aarch64-linux-gnu-gcc", "gcc", "--version"),
        ("x86_64-w64-mingw32-gcc", "gcc", "--version"),
        ("i686-w64-mingw32-gcc", "gcc", "--version"),
        ("i686-linux-gnu-gcc", "gcc", "--version"),
        ("riscv64-linux-gnu-gcc", "gcc", "--version"),
        ("musl-gcc", "gcc", "--version"),
        ("rustc", "rust", "--version"),
        ("cargo", "rust", "--version"),
        ("zig", "zig", "version"),
    ];
    for (name, family, flag) in tools {
        let own = first_line(name, &[flag]);
        let reported = by_name(name);
        assert_eq!(reported["reason"], "toolchain");
        assert_eq!(reported["family"], family, "{name}");
        assert_eq!(reported["path"], which(name), "{name}");
        let version = reported["version"].as_str().unwrap();
        assert!(
            !version.is_empty() && own.contains(version),
            "{name}: reported `{version}`, the tool says `{own}`"
        );
    }
    // Every tool reported, whatever its name on PATH (Debian's ld64.lld is
    // ld64.lld-14), prints the version reported for it.
    for reported in &found {
        let name = reported["name"].as_str().unwrap();
        let flag = match name {
            "zig" => "version",
            "rustc-codegen-cranelift" => continue,
            _ => "--version",
        };
        let path = reported["path"].as_str().unwrap();
        let own = text(&run_ok(std::process::Command::new(path).arg(flag)).stdout);
        let version = reported["version"].as_str().unwrap();
        assert!(
            !version.is_empty() && own.lines().next().unwrap_or("").contains(version),
            "{name} ({path}): reported `{version}`, the tool says `{own}`"
        );
    }

    // A cross GCC's target is its prefix, which its own -dumpmachine confirms.
    let aarch64 = by_name("aarch64-linux-gnu-gcc");
    let machine = first_line("aarch64-linux-gnu-gcc", &["-dumpmachine"]);
    assert_eq!(aarch64["targets"], serde_json::json!([machine]));
}

#[test]
fn clang_targets_match_llc_and_rust_targets_match_rustup() {
    let found = json_lines(&["toolchains"]);
    let clang = found.iter().find(|t| t["name"] == "clang").unwrap();
    let reported: BTreeSet<String> = clang["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    let llc = text(&run_ok(tool("llc").arg("--version")).stdout);
    let listed: BTreeSet<String> = llc
        .lines()
        .skip_while(|l| !l.contains("Registered Targets"))
        .skip(1)
        .filter_map(|l| l.split(" - ").next())
        .map(|n| n.trim().to_string())
        .collect();
    assert_eq!(reported, listed);
    for backend in ["aarch64", "x86-64", "wasm32"] {
        assert!(reported.contains(backend), "{backend}");
    }

    let rustc = found.iter().find(|t| t["name"] == "rustc").unwrap();
    let installed = text(&run_ok(tool("rustup").args(["target", "list", "--installed"])).stdout);
    let installed: Vec<&str> = installed.lines().collect();
    assert_eq!(rustc["targets"], serde_json::json!(installed));
    let components =
        text(&run_ok(tool("rustup").args(["component", "list", "--installed"])).stdout);
    assert_eq!(
        found.iter().any(|t| t["name"] == "rustc-codegen-cranelift"),
        components.contains("rustc-codegen-cranelift"),
    );
}

#[test]
fn targets_name_the_toolchain_or_what_to_install() {
    let targets = json_lines(&["targets"]);
    let get = |t: &str| -> &Value {
        targets
            .iter()
            .find(|v| v["target"] == t)
            .unwrap_or_else(|| panic!("{t} not listed"))
    };
    assert_eq!(targets.len(), 21);
    assert_eq!(
        get("aarch64-unknown-linux-gnu")["compiler"],
        which("aarch64-linux-gnu-gcc")
    );
    assert_eq!(
        get("x86_64-pc-windows-msvc")["compiler"],
        which("x86_64-w64-mingw32-gcc")
    );
    assert_eq!(
        get("i686-pc-windows-gnu")["compiler"],
        which("i686-w64-mingw32-gcc")
    );
    assert_eq!(get("wasm32-unknown-unknown")["compiler"], which("clang"));
    assert!(get("wasm32-unknown-unknown")["toolchain"]
        .as_str()
        .unwrap()
        .contains("--target=wasm32-unknown-unknown"));
    assert_eq!(get("x86_64-unknown-linux-musl")["missing"], Value::Null);

    // With nothing on PATH, each target names its Debian package.
    let empty = tempfile::tempdir().unwrap();
    let out =
        run_ok(
            buildkit()
                .env("PATH", empty.path())
                .args(["targets", "--message-format", "json"]),
        );
    let bare: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let missing = |t: &str| {
        bare.iter().find(|v| v["target"] == t).unwrap()["missing"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(missing("aarch64-unknown-linux-gnu").contains("gcc-aarch64-linux-gnu"));
    assert!(missing("armv7-unknown-linux-gnueabihf").contains("gcc-arm-linux-gnueabihf"));
    assert!(missing("x86_64-pc-windows-gnu").contains("gcc-mingw-w64-x86-64"));
    assert!(missing("wasm32-unknown-unknown").contains("clang lld"));
    assert!(missing("aarch64-apple-darwin").contains("SDKROOT"));
    let human = text(&run_ok(buildkit().env("PATH", empty.path()).arg("toolchains")).stdout);
    assert!(human.contains("no compiler found"), "{human}");
}
