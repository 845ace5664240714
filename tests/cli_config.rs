//! The user configuration file and `vitte-buildkit config`: each setting is
//! reported with where it came from (flag, env, manifest, user config,
//! default), `package` takes its targets, formats and key from the file
//! when no flag gives them (minisign checks the signature made with that
//! key), and a bad file is refused naming the file and the key.

mod common;

use std::path::Path;

use common::*;

/// Writes `text` as the user configuration under `xdg`.
fn write_config(xdg: &Path, text: &str) -> std::path::PathBuf {
    let dir = xdg.join("vitte-buildkit");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// `vitte-buildkit config --message-format json` in `project` with `xdg`:
/// name → (value, origin kind).
fn settings(
    project: &Project,
    xdg: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::collections::BTreeMap<String, (String, serde_json::Value)> {
    let mut cmd = buildkit();
    cmd.current_dir(project.path())
        .args(["config", "--message-format", "json"])
        .args(args)
        .env("XDG_CONFIG_HOME", xdg)
        .env_remove("VITTE_BUILDKIT_CACHE_DIR")
        .env_remove("VITTE_BUILDKIT_MONITOR")
        .env_remove("VITTE_BUILDKIT_SECRET_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run_ok(&mut cmd);
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            assert_eq!(v["reason"], "setting");
            (
                v["name"].as_str().unwrap().to_string(),
                (
                    v["value"].as_str().unwrap().to_string(),
                    v["origin"].clone(),
                ),
            )
        })
        .collect()
}

fn simple(extra: &str) -> Project {
    Project::new(
        &format!("{PACKAGE}{extra}\n[[files]]\nsrc = \"bin/hello\"\ndst = \"/usr/bin/hello\"\n"),
        &[("bin/hello", b"#!/bin/sh\necho hello\n", 0o755)],
    )
}

#[test]
fn config_names_where_each_setting_comes_from() {
    let project = simple("source-date-epoch = 1700000000\n");
    let xdg = tempfile::tempdir().unwrap();
    let defaults = settings(&project, xdg.path(), &[], &[]);
    for name in [
        "targets",
        "formats",
        "key",
        "out",
        "cache.dir",
        "cache.mode",
        "monitor",
    ] {
        assert_eq!(defaults[name].1["kind"], "default", "{name}: {defaults:?}");
    }
    assert!(
        defaults["config"].0.ends_with("(not present)"),
        "{defaults:?}"
    );
    assert_eq!(defaults["source-date-epoch"].0, "1700000000");
    assert_eq!(defaults["source-date-epoch"].1["kind"], "manifest");

    let file = write_config(
        xdg.path(),
        "key = \"/keys/release.key\"\nformats = [\"deb\", \"rpm\"]\ntargets = [\"aarch64-linux\"]\nmonitor = \"http://127.0.0.1:7878\"\n\n[cache]\ndir = \"/var/cache/vb\"\nremote = \"oci://localhost:5000/cache\"\nmode = \"read\"\nmax-size = \"2GiB\"\n",
    );
    let from_file = settings(&project, xdg.path(), &[], &[]);
    let in_file = serde_json::json!({"kind": "user-config", "path": file.display().to_string()});
    for (name, value) in [
        ("key", "/keys/release.key"),
        ("formats", "deb,rpm"),
        ("targets", "aarch64-linux"),
        ("monitor", "http://127.0.0.1:7878"),
        ("cache.dir", "/var/cache/vb"),
        ("cache.remote", "oci://localhost:5000/cache"),
        ("cache.mode", "read"),
        ("cache.max-size", "2GiB"),
    ] {
        assert_eq!(
            from_file[name],
            (value.to_string(), in_file.clone()),
            "{name}"
        );
    }
    assert_eq!(from_file["config"].0, file.display().to_string());

    let overridden = settings(
        &project,
        xdg.path(),
        &[
            "--format",
            "tar.gz",
            "--target",
            "x86_64-linux",
            "--out",
            "elsewhere",
        ],
        &[
            ("SOURCE_DATE_EPOCH", "5"),
            ("VITTE_BUILDKIT_CACHE_DIR", "/tmp/c"),
            ("VITTE_BUILDKIT_MONITOR", "http://m:1"),
            ("VITTE_BUILDKIT_SECRET_KEY", "key text"),
        ],
    );
    let flag = |f: &str| serde_json::json!({"kind": "flag", "flag": f});
    let env = |v: &str| serde_json::json!({"kind": "env", "var": v});
    assert_eq!(overridden["formats"], ("tar.gz".into(), flag("--format")));
    assert_eq!(
        overridden["targets"],
        ("x86_64-linux".into(), flag("--target"))
    );
    assert_eq!(overridden["out"], ("elsewhere".into(), flag("--out")));
    assert_eq!(
        overridden["source-date-epoch"],
        ("5".into(), env("SOURCE_DATE_EPOCH"))
    );
    assert_eq!(
        overridden["cache.dir"],
        ("/tmp/c".into(), env("VITTE_BUILDKIT_CACHE_DIR"))
    );
    assert_eq!(
        overridden["monitor"],
        ("http://m:1".into(), env("VITTE_BUILDKIT_MONITOR"))
    );
    assert_eq!(overridden["key"].1, env("VITTE_BUILDKIT_SECRET_KEY"));
    assert_eq!(overridden["cache.mode"].1, in_file);

    // The human form: one line per setting, with its origin.
    let human = run_ok(
        buildkit()
            .current_dir(project.path())
            .arg("config")
            .env("XDG_CONFIG_HOME", xdg.path()),
    );
    let human = text(&human.stdout);
    assert!(
        human.lines().any(|l| l.starts_with("cache.mode")
            && l.contains("= read ")
            && l.ends_with(&format!("# user config {}", file.display()))),
        "{human}"
    );
}

#[test]
fn without_xdg_config_home_the_file_is_under_home() {
    let project = simple("");
    let home = tempfile::tempdir().unwrap();
    let file = write_config(&home.path().join(".config"), "formats = [\"rpm\"]\n");
    let out = run_ok(
        buildkit()
            .current_dir(project.path())
            .args(["config", "--message-format", "json"])
            .env_remove("XDG_CONFIG_HOME")
            .env("HOME", home.path()),
    );
    let out = text(&out.stdout);
    assert!(
        out.contains(&format!("\"value\":\"{}\"", file.display())),
        "{out}"
    );
    assert!(out.contains("\"value\":\"rpm\""), "{out}");
}

#[test]
fn package_takes_targets_formats_and_key_from_the_user_config() {
    let project = simple("");
    let xdg = tempfile::tempdir().unwrap();
    let keys = xdg.path().join("keys");
    run_ok(
        buildkit()
            .args(["keygen", "--unencrypted", "--out"])
            .arg(&keys),
    );
    write_config(
        xdg.path(),
        &format!(
            "key = \"{}\"\nformats = [\"tar.gz\"]\ntargets = [\"aarch64-linux\"]\n",
            keys.join("vitte-buildkit.key").display()
        ),
    );
    let out = run(buildkit()
        .arg("package")
        .arg("--manifest")
        .arg(project.manifest())
        .arg("--out")
        .arg(project.dist())
        .env("XDG_CONFIG_HOME", xdg.path())
        .env_remove("VITTE_BUILDKIT_SECRET_KEY"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let archive = "hello-1.2.3-aarch64-unknown-linux-gnu.tar.gz";
    assert_eq!(
        project.dist_files(),
        [
            "SHA256SUMS",
            "SHA256SUMS.minisig",
            archive,
            &format!("{archive}.minisig"),
        ]
    );
    run_ok(
        tool("minisign")
            .arg("-Vm")
            .arg(project.dist().join(archive))
            .arg("-p")
            .arg(keys.join("vitte-buildkit.pub")),
    );
}

#[test]
fn a_bad_user_config_is_refused_naming_the_file_and_key() {
    let project = simple("");
    let xdg = tempfile::tempdir().unwrap();
    for (config, want) in [
        ("formats = [\"zip\"]\n", "formats[0] `zip`"),
        ("[cache]\nmode = \"write\"\n", "[cache] mode `write`"),
        ("colour = true\n", "colour"),
        ("targets = \"x86_64-linux\"\n", "targets"),
    ] {
        let file = write_config(xdg.path(), config);
        for command in ["package", "config"] {
            let out = run(buildkit()
                .current_dir(project.path())
                .arg(command)
                .env("XDG_CONFIG_HOME", xdg.path()));
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{command} {config}: {err}");
            assert!(
                err.contains(&file.display().to_string()) && err.contains(want),
                "{command} {config}: {err}"
            );
        }
    }
    assert!(project.dist_files().is_empty());
}

#[test]
fn package_caches_where_the_user_config_says_unless_the_environment_says_otherwise() {
    let project = simple("");
    let xdg = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    write_config(
        xdg.path(),
        &format!("[cache]\ndir = \"{}\"\n", cache.path().display()),
    );
    let build = |env_dir: Option<&str>| {
        let mut cmd = buildkit();
        cmd.args(["package", "-q", "--message-format", "json", "--manifest"])
            .arg(project.manifest())
            .args(["--format", "tar.gz", "--target", "x86_64-linux", "--out"])
            .arg(project.dist())
            .env("XDG_CONFIG_HOME", xdg.path())
            .env_remove("VITTE_BUILDKIT_CACHE_DIR");
        if let Some(dir) = env_dir {
            cmd.env("VITTE_BUILDKIT_CACHE_DIR", dir);
        }
        let out = run_ok(&mut cmd);
        text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["reason"] == "artifact")
            .expect("an artifact line")["cache"]
            .clone()
    };
    assert_eq!(build(None), "miss");
    assert!(
        std::fs::read_dir(cache.path().join("entries"))
            .unwrap()
            .count()
            == 1,
        "the user config's cache folder holds the entry"
    );
    assert_eq!(build(None), "hit-local");
    // The environment wins over the user config: `off` means no cache.
    assert!(build(Some("off")).is_null());
}
