//! The lint gate in `package`: errors stop the build with nothing written,
//! `[lint] allow` and `--lint warn|off` let it through, warnings reach the
//! JSON listener, unknown rule ids are refused. (What the rules are worth
//! against lintian and rpmlint is tests/lint_corpus.rs.)

mod common;

use common::*;

const OPT: &str = "[[files]]\nsrc = \"bin/hello\"\ndst = \"/opt/hello/hello\"\nmode = \"0755\"\n";

fn project(extra: &str) -> Project {
    Project::new(
        &format!("{PACKAGE}\n{OPT}\n{extra}"),
        &[("bin/hello", b"#!/bin/sh\nset -e\necho hello\n", 0o755)],
    )
}

#[test]
fn an_error_stops_the_build_before_anything_is_written() {
    project("").assert_refused(
        &["-f", "deb", "-t", "x86_64-linux"],
        &[
            "lint gate found 1 error",
            "[file-in-opt] error (deb)",
            "/opt/hello/hello",
            "install under /usr",
        ],
    );
}

#[test]
fn allow_warn_and_off_let_it_through() {
    let allowed = project("[lint]\nallow = [\"file-in-opt\"]\n");
    let out = allowed.package(&["-f", "deb", "-t", "x86_64-linux"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("file-in-opt"),
        "{}",
        text(&out.stderr)
    );
    for mode in ["warn", "off"] {
        let p = project("");
        let out = p.package(&["-f", "deb", "-t", "x86_64-linux", "--lint", mode]);
        assert!(out.status.success(), "{mode}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stderr).contains("[file-in-opt]"),
            mode == "warn",
            "{mode}: {}",
            text(&out.stderr)
        );
        assert!(p.dist_files().iter().any(|f| f.ends_with(".deb")));
    }
    let bad = project("");
    let out = bad.package(&["-f", "deb", "-t", "x86_64-linux", "--lint", "loud"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("expected deny"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_unknown_rule_in_allow_is_refused_with_the_manifest_named() {
    let p = project("[lint]\nallow = [\"no-such-rule\"]\n");
    p.assert_refused(
        &["-f", "deb", "-t", "x86_64-linux"],
        &["buildkit.toml", "`no-such-rule` is not a lint rule"],
    );
}

#[test]
fn warnings_reach_the_json_listener_and_only_the_built_formats_count() {
    let p = Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\nmode = \"0755\"\n"),
        &[("bin/hello", b"#!/bin/sh\nset -e\necho hello\n", 0o755)],
    );
    let out = p.package(&[
        "-f",
        "deb",
        "-t",
        "x86_64-linux",
        "--message-format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lint: Vec<&serde_json::Value> = lines.iter().filter(|v| v["reason"] == "lint").collect();
    assert!(
        lint.iter().any(|v| v["rule"] == "no-manual-page"
            && v["level"] == "warning"
            && v["path"] == "/usr/bin/hello"),
        "{lines:?}"
    );
    // rpm-only rules (no-group-tag, no-url-tag) are not reported for a deb build.
    assert!(
        lint.iter()
            .all(|v| v["formats"] == serde_json::json!(["deb"])),
        "{lint:?}"
    );
    let listed = run_ok(
        buildkit()
            .args(["lint", "-f", "deb,rpm", "-t", "x86_64-linux", "--manifest"])
            .arg(p.manifest()),
    );
    assert!(
        text(&listed.stdout).contains("[no-group-tag] (rpm)"),
        "{}",
        text(&listed.stdout)
    );
}
