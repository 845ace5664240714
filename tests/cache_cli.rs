//! The local artifact cache through the CLI: keys that change with every
//! input that decides the bytes and with nothing else, `--explain`, hits
//! byte-identical to the build, damaged entries, concurrent builds, LRU
//! eviction, a full disk. Artifacts served from the cache are handed to
//! dpkg-deb and rpm.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use common::{buildkit, run, run_ok, text, tool, Project, PACKAGE};
use serde_json::Value;

const FILES: &str = r#"
[[files]]
src = "hello.sh"
dst = "/usr/bin/hello"
mode = "0755"

[[files]]
src = "data.bin"
dst = "/usr/share/hello/data.bin"

[[files]]
dst = "/usr/bin/hi"
kind = "symlink"
target = "hello"

[scripts]
post-install = "postinst.sh"

[relations]
depends = ["coreutils (>= 8.0)"]
"#;

/// 300 KB that do not compress: artifacts larger than the full-disk test's file system.
fn noise() -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..300_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn project() -> Project {
    Project::new(
        &format!("{PACKAGE}{FILES}"),
        &[
            ("hello.sh", b"#!/bin/sh\necho hello\n", 0o755),
            ("data.bin", &noise(), 0o644),
            ("postinst.sh", b"#!/bin/sh\ntrue\n", 0o755),
        ],
    )
}

/// The JSON lines of a run.
fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `cache key` for deb, rpm and tar.gz on x86_64-linux: file name → key.
fn keys(project: &Project, cache: &Path, extra: &[&str]) -> BTreeMap<String, String> {
    let out = run_ok(
        buildkit()
            .args(["cache", "key", "-f", "deb,rpm,tar.gz", "-t", "x86_64-linux"])
            .args(["--message-format", "json", "--manifest"])
            .arg(project.manifest())
            .arg("--cache")
            .arg(cache)
            .args(extra),
    );
    json_lines(&out)
        .into_iter()
        .filter(|v| v["reason"] == "cache-key")
        .map(|v| {
            let kind = v["file"]
                .as_str()
                .unwrap()
                .rsplit('.')
                .next()
                .unwrap()
                .to_string();
            (kind, v["key"].as_str().unwrap().to_string())
        })
        .collect()
}

/// `package` with a cache folder, JSON output: (format, cache, sha256) per artifact.
fn package(
    project: &Project,
    cache: &Path,
    out: &Path,
    extra: &[&str],
) -> (Output, Vec<(String, String, String)>) {
    let output = run(buildkit()
        .args(["package", "-f", "deb,rpm,tar.gz", "-t", "x86_64-linux"])
        .args(["--message-format", "json", "--manifest"])
        .arg(project.manifest())
        .arg("--out")
        .arg(out)
        .arg("--cache")
        .arg(cache)
        .args(extra));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let artifacts = json_lines(&output)
        .into_iter()
        .filter(|v| v["reason"] == "artifact")
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            (s("format"), s("cache"), s("sha256"))
        })
        .collect();
    (output, artifacts)
}

fn warnings(out: &Output) -> Vec<String> {
    json_lines(out)
        .into_iter()
        .filter(|v| v["reason"] == "warning")
        .map(|v| v["message"].as_str().unwrap().to_string())
        .collect()
}

fn edit(project: &Project, from: &str, to: &str) {
    let path = project.manifest();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_input_changes_the_key_and_nothing_else_does() {
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    let base = keys(&project, cache.path(), &[]);
    assert_eq!(base.len(), 3, "{base:?}");
    let changed = |what: &str, now: BTreeMap<String, String>, formats: &[&str]| {
        for (kind, key) in &base {
            let differs = now[kind] != *key;
            assert_eq!(differs, formats.contains(&kind.as_str()), "{what}: {kind}");
        }
    };
    let all = ["deb", "rpm", "gz"];
    // Manifest edits, each undone afterwards.
    let manifest_edits: [(&str, &str, &str, &[&str]); 9] = [
        ("mode", "mode = \"0755\"", "mode = \"0750\"", &all),
        (
            "destination",
            "dst = \"/usr/share/hello/data.bin\"",
            "dst = \"/usr/share/hello/d.bin\"",
            &all,
        ),
        (
            "link target",
            "target = \"hello\"",
            "target = \"/usr/bin/hello\"",
            &all,
        ),
        (
            "owner",
            "mode = \"0755\"",
            "mode = \"0755\"\nowner = \"daemon\"",
            &all,
        ),
        ("relation", "coreutils (>= 8.0)", "coreutils (>= 9.0)", &all),
        (
            "version",
            "version = \"1.2.3\"",
            "version = \"1.2.4\"",
            &all,
        ),
        (
            "description",
            "Prints a greeting.",
            "Prints a greeting!",
            &all,
        ),
        (
            "deb section",
            "[relations]",
            "[deb]\ncompression = \"gzip\"\n\n[relations]",
            &["deb"],
        ),
        (
            "rpm section",
            "[relations]",
            "[rpm]\ncompression = \"xz\"\n\n[relations]",
            &["rpm"],
        ),
    ];
    let original = std::fs::read_to_string(project.manifest()).unwrap();
    for (what, from, to, formats) in manifest_edits {
        edit(&project, from, to);
        changed(what, keys(&project, cache.path(), &[]), formats);
        std::fs::write(project.manifest(), &original).unwrap();
    }
    // One byte of content, same size.
    let data = project.path().join("data.bin");
    let mut bytes = std::fs::read(&data).unwrap();
    bytes[1000] ^= 1;
    std::fs::write(&data, &bytes).unwrap();
    changed("content", keys(&project, cache.path(), &[]), &all);
    bytes[1000] ^= 1;
    std::fs::write(&data, &bytes).unwrap();
    std::fs::write(project.path().join("postinst.sh"), "#!/bin/sh\nfalse\n").unwrap();
    changed("script", keys(&project, cache.path(), &[]), &all);
    std::fs::write(project.path().join("postinst.sh"), "#!/bin/sh\ntrue\n").unwrap();
    assert_eq!(
        keys(&project, cache.path(), &[]),
        base,
        "restored inputs, same keys"
    );
    // The epoch.
    let out = run_ok(
        buildkit()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args([
                "cache",
                "key",
                "-f",
                "deb",
                "-t",
                "x86_64-linux",
                "--manifest",
            ])
            .arg(project.manifest()),
    );
    assert!(!text(&out.stdout).contains(&base["deb"]), "epoch");
    // The target: another triple, another key.
    let out = run_ok(
        buildkit()
            .args([
                "cache",
                "key",
                "-f",
                "deb",
                "-t",
                "aarch64-linux",
                "--manifest",
            ])
            .arg(project.manifest()),
    );
    assert!(!text(&out.stdout).contains(&base["deb"]), "target");

    // What must not matter: where the project is, the manifest's path, the
    // working folder, the sources' mtimes.
    let elsewhere = tempfile::tempdir().unwrap();
    for name in ["buildkit.toml", "hello.sh", "data.bin", "postinst.sh"] {
        std::fs::copy(project.path().join(name), elsewhere.path().join(name)).unwrap();
        filetime::set_file_mtime(
            elsewhere.path().join(name),
            filetime::FileTime::from_unix_time(1_000_000, 0),
        )
        .unwrap();
    }
    let moved = Project { dir: elsewhere };
    assert_eq!(keys(&moved, cache.path(), &[]), base, "moved, touched");
    let out = run_ok(buildkit().current_dir(moved.path()).args([
        "cache",
        "key",
        "-f",
        "deb,rpm,tar.gz",
        "-t",
        "x86_64-linux",
        "--cache",
        "off",
    ]));
    for key in base.values() {
        assert!(
            text(&out.stdout).contains(key),
            "cwd, no cache folder: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn explain_names_the_one_input_that_changed() {
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    package(&project, cache.path(), &project.dist(), &[]);
    let data = project.path().join("data.bin");
    let mut bytes = std::fs::read(&data).unwrap();
    bytes[5] = 9;
    std::fs::write(&data, &bytes).unwrap();
    let out = run_ok(
        buildkit()
            .args([
                "cache",
                "key",
                "--explain",
                "-f",
                "deb",
                "-t",
                "x86_64-linux",
                "--manifest",
            ])
            .arg(project.manifest())
            .arg("--cache")
            .arg(cache.path()),
    );
    let stdout = text(&out.stdout);
    let changed: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("changed since the last run"))
        .collect();
    assert_eq!(changed.len(), 1, "{stdout}");
    assert!(
        changed[0].contains("entry /usr/share/hello/data.bin"),
        "{stdout}"
    );
    assert!(stdout.contains("    format: deb"), "{stdout}");
    assert!(stdout.contains("    epoch: "), "{stdout}");
}

#[test]
fn a_rebuild_is_a_hit_with_the_same_bytes_and_damage_is_never_served() {
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    let (_, cold) = package(&project, cache.path(), &project.dist(), &[]);
    assert!(cold.iter().all(|(_, c, _)| c == "miss"), "{cold:?}");
    let warm_dir = project.path().join("warm");
    let (out, warm) = package(&project, cache.path(), &warm_dir, &["-j", "1"]);
    assert!(warm.iter().all(|(_, c, _)| c == "hit-local"), "{warm:?}");
    assert!(warnings(&out).is_empty(), "{:?}", warnings(&out));
    let sums = |(f, _, s): &(String, String, String)| (f.clone(), s.clone());
    assert_eq!(
        cold.iter().map(sums).collect::<Vec<_>>(),
        warm.iter().map(sums).collect::<Vec<_>>()
    );
    // Real tools read what the cache served.
    let deb = warm_dir.join("hello_1.2.3-1_all.deb");
    let info = run_ok(tool("dpkg-deb").arg("--info").arg(&deb));
    assert!(text(&info.stdout).contains("Package: hello"));
    let rpm = warm_dir.join("hello-1.2.3-1.noarch.rpm");
    run_ok(tool("rpm").args(["-K", "--nosignature"]).arg(&rpm));

    // Damage every entry: each is reported, deleted, and built again.
    for entry in std::fs::read_dir(cache.path().join("entries"))
        .unwrap()
        .flatten()
    {
        let artifact = entry.path().join("artifact");
        let mut bytes = std::fs::read(&artifact).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&artifact, &bytes).unwrap();
    }
    let again = project.path().join("again");
    let (out, rebuilt) = package(&project, cache.path(), &again, &[]);
    assert_eq!(
        cold.iter().map(sums).collect::<Vec<_>>(),
        rebuilt.iter().map(sums).collect::<Vec<_>>()
    );
    assert!(rebuilt.iter().all(|(_, c, _)| c == "miss"), "{rebuilt:?}");
    let warned = warnings(&out);
    assert_eq!(
        warned
            .iter()
            .filter(|w| w.contains("damaged and is deleted"))
            .count(),
        3,
        "{warned:?}"
    );
    // Stored again, whole: the next run hits.
    let (_, hit) = package(&project, cache.path(), &project.path().join("third"), &[]);
    assert!(hit.iter().all(|(_, c, _)| c == "hit-local"), "{hit:?}");
}

#[test]
fn four_builds_at_once_share_one_cache() {
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..4)
        .map(|i| {
            buildkit()
                .args([
                    "package",
                    "-f",
                    "deb,rpm,tar.gz",
                    "-t",
                    "x86_64-linux",
                    "-q",
                    "--manifest",
                ])
                .arg(project.manifest())
                .arg("--out")
                .arg(project.path().join(format!("out{i}")))
                .arg("--cache")
                .arg(cache.path())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        assert!(child.wait_with_output().unwrap().status.success());
    }
    let sums: Vec<String> = (0..4)
        .map(|i| {
            std::fs::read_to_string(project.path().join(format!("out{i}/SHA256SUMS"))).unwrap()
        })
        .collect();
    assert!(sums.iter().all(|s| *s == sums[0]), "{sums:?}");
    assert_eq!(sums[0].lines().count(), 3);
    let entries = std::fs::read_dir(cache.path().join("entries"))
        .unwrap()
        .count();
    assert_eq!(entries, 3, "one entry per key");
    assert_eq!(
        std::fs::read_dir(cache.path().join("tmp"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("entry-")
            })
            .count(),
        0,
        "no half-written entry left"
    );
}

/// `cache stats` as (entries, bytes).
fn stats(cache: &Path) -> (u64, u64) {
    let out = run_ok(
        buildkit()
            .args(["cache", "stats", "--message-format", "json", "--cache"])
            .arg(cache),
    );
    let v = &json_lines(&out)[0];
    (v["entries"].as_u64().unwrap(), v["bytes"].as_u64().unwrap())
}

#[test]
fn least_recently_used_entries_go_first_and_clear_empties() {
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    let build = |format: &str, out: &str| {
        run_ok(
            buildkit()
                .args([
                    "package",
                    "-t",
                    "x86_64-linux",
                    "-q",
                    "-f",
                    format,
                    "--manifest",
                ])
                .arg(project.manifest())
                .arg("--out")
                .arg(project.path().join(out))
                .arg("--cache")
                .arg(cache.path()),
        );
        std::thread::sleep(std::time::Duration::from_millis(30));
    };
    build("deb", "a");
    build("tar.gz", "b");
    build("deb", "c"); // a hit: the deb entry is now the most recently used
    let (entries, bytes) = stats(cache.path());
    assert_eq!(entries, 2);
    let deb_size = std::fs::metadata(project.path().join("c/hello_1.2.3-1_all.deb"))
        .unwrap()
        .len();
    let out = run_ok(
        buildkit()
            .args(["cache", "gc", "--message-format", "json", "--max-size"])
            .arg((bytes - 1).to_string())
            .arg("--cache")
            .arg(cache.path()),
    );
    assert_eq!(json_lines(&out)[0]["entries"], 1);
    assert_eq!(stats(cache.path()), (1, deb_size), "the tar.gz entry went");
    // The manifest's [cache] max-size trims after every build.
    edit(
        &project,
        "[relations]",
        "[cache]\nmax-size = 1\n\n[relations]",
    );
    build("tar.gz", "d");
    assert_eq!(stats(cache.path()).0, 0);
    build("deb", "e");
    let out = run_ok(
        buildkit()
            .args(["cache", "clear", "--cache"])
            .arg(cache.path()),
    );
    assert!(
        text(&out.stderr).contains("removed"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(stats(cache.path()), (0, 0));
}

/// A cache folder on a 256 KiB tmpfs: storing a 300 KB artifact fails.
#[test]
fn a_full_disk_is_a_warning_and_leaves_no_partial_entry() {
    let project = project();
    let mount_point = tempfile::tempdir().unwrap();
    run_ok(
        tool("mount")
            .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
            .arg(mount_point.path()),
    );
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(mount_point.path());
    let cache = mount_point.path().join("cache");
    let (out, artifacts) = package(&project, &cache, &project.dist(), &[]);
    let warned = warnings(&out);
    assert!(
        warned
            .iter()
            .any(|w| w.contains("cannot store") && w.contains("No space left")),
        "{warned:?}"
    );
    // The artifacts are right: the same bytes as a build without a cache.
    let plain = project.path().join("plain");
    let (_, uncached) = package(&project, Path::new("off"), &plain, &[]);
    let sums = |a: &Vec<(String, String, String)>| {
        a.iter()
            .map(|(f, _, s)| (f.clone(), s.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(sums(&artifacts), sums(&uncached));
    assert_eq!(
        std::fs::read_dir(cache.join("tmp")).unwrap().count(),
        0,
        "no partial entry in tmp/"
    );
    for entry in std::fs::read_dir(cache.join("entries")).unwrap().flatten() {
        let meta = std::fs::read_to_string(entry.path().join("meta")).unwrap();
        let size: u64 = meta
            .lines()
            .find_map(|l| l.strip_prefix("size "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            std::fs::metadata(entry.path().join("artifact"))
                .unwrap()
                .len(),
            size
        );
    }
}

/// One cached artifact serves unsigned and signed builds (the `.minisig` is
/// made after the lookup), except the RPM, whose header signature is part
/// of its bytes: its key holds the signing key's fingerprint.
#[test]
fn signed_builds_reuse_unsigned_entries_except_the_rpm() {
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    let keys = project.path().join("keys");
    run_ok(
        buildkit()
            .args(["keygen", "--unencrypted", "--openpgp", "--out"])
            .arg(&keys)
            .env_remove("VITTE_BUILDKIT_PASSWORD")
            .stdin(std::process::Stdio::null()),
    );
    let (_, unsigned) = package(&project, cache.path(), &project.dist(), &[]);
    assert!(unsigned.iter().all(|(_, c, _)| c == "miss"));
    let secret = keys.join("vitte-buildkit.key");
    let signed_dir = project.path().join("signed");
    let signed_args = ["--key", secret.to_str().unwrap()];
    let (_, signed) = package(&project, cache.path(), &signed_dir, &signed_args);
    let outcome = |list: &[(String, String, String)], f: &str| {
        list.iter()
            .find(|(format, _, _)| format == f)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(outcome(&signed, "deb"), "hit-local");
    assert_eq!(outcome(&signed, "tar.gz"), "hit-local");
    assert_eq!(outcome(&signed, "rpm"), "miss");
    let public = keys.join("vitte-buildkit.pub");
    for name in ["hello_1.2.3-1_all.deb", "hello-1.2.3-1.noarch.rpm"] {
        run_ok(
            tool("minisign")
                .arg("-Vm")
                .arg(signed_dir.join(name))
                .arg("-p")
                .arg(&public),
        );
    }
    // The signed RPM from the cache carries a signature rpm accepts.
    let (_, again) = package(
        &project,
        cache.path(),
        &project.path().join("again"),
        &signed_args,
    );
    assert_eq!(outcome(&again, "rpm"), "hit-local");
    let root = project.path().join("rpmroot");
    std::fs::create_dir_all(&root).unwrap();
    let rpm_root = || {
        let mut cmd = tool("rpm");
        cmd.arg("--root").arg(&root);
        cmd
    };
    run_ok(rpm_root().arg("--initdb"));
    run_ok(
        rpm_root()
            .arg("--import")
            .arg(keys.join("vitte-buildkit.asc")),
    );
    let rpm = project.path().join("again/hello-1.2.3-1.noarch.rpm");
    let checked = text(&run_ok(rpm_root().arg("-Kv").arg(&rpm)).stdout);
    assert!(
        checked.contains("Signature") && !checked.contains("NOT OK"),
        "{checked}"
    );
}

#[test]
fn cross_packages_through_the_cache() {
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    let cross = |out: &str| {
        let output = run_ok(
            buildkit()
                .current_dir(project.path())
                .args([
                    "cross",
                    "-t",
                    "x86_64-linux",
                    "-f",
                    "deb",
                    "--message-format",
                    "json",
                ])
                .arg("--cache")
                .arg(cache.path())
                .arg("--out")
                .arg(project.path().join(out))
                .args(["--", "true"]),
        );
        json_lines(&output)
            .into_iter()
            .find(|v| v["reason"] == "artifact")
            .map(|v| {
                (
                    v["cache"].as_str().unwrap().to_string(),
                    v["sha256"].clone(),
                )
            })
            .unwrap()
    };
    let (first, sha) = cross("a");
    let (second, again) = cross("b");
    assert_eq!((first.as_str(), second.as_str()), ("miss", "hit-local"));
    assert_eq!(sha, again);
}

#[test]
fn the_rust_api_takes_cache_settings() {
    use vitte_buildkit::cache::{CacheConfig, Outcome};
    let project = project();
    let cache = tempfile::tempdir().unwrap();
    let build = |out: &str| {
        vitte_buildkit::BuildKit::new()
            .manifest(project.manifest())
            .target("x86_64-linux")
            .format("tar.gz")
            .cache(CacheConfig {
                dir: Some(cache.path().to_string_lossy().into_owned()),
                remote: Some("off".into()),
                ..Default::default()
            })
            .build_and_export(project.path().join(out))
            .unwrap()
    };
    assert_eq!(build("a")[0].cache, Some(Outcome::Miss));
    let again = build("b");
    assert_eq!(again[0].cache, Some(Outcome::HitLocal));
    let off = vitte_buildkit::BuildKit::new()
        .manifest(project.manifest())
        .target("x86_64-linux")
        .format("tar.gz")
        .cache(CacheConfig {
            dir: Some("off".into()),
            ..Default::default()
        })
        .build_and_export(project.path().join("c"))
        .unwrap();
    assert_eq!(off[0].cache, None);
    assert_eq!(off[0].sha256, again[0].sha256);
}
