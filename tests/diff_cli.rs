//! `vitte-buildkit diff` judged by the real tools: the file lists of two
//! .debs equal debdiff's; a version that sorts lower fails the diff; an MSI
//! whose UpgradeCode drifted leaves two products installed under wine's
//! msiexec, and the diff flags exactly that case; services added and removed
//! are reported for deb, rpm and msi.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;

/// A manifest with `version`, the given extra TOML, and these files.
fn project(version: &str, extra: &str, files: &[(&str, &str, &str)]) -> Project {
    let mut manifest = format!(
        "[package]\nname = \"hello\"\nversion = \"{version}\"\nsummary = \"Greets the world\"\n\
         description = \"Prints a greeting, for the diff tests.\"\nlicense = \"MIT\"\n\
         maintainer = \"Jane Doe <jane@example.org>\"\nvendor = \"Example Org\"\n{extra}\n"
    );
    let mut sources = Vec::new();
    for (i, (dst, attrs, content)) in files.iter().enumerate() {
        let src = format!("src/f{i}");
        manifest.push_str(&format!(
            "[[files]]\nsrc = \"{src}\"\ndst = \"{dst}\"\n{attrs}\n"
        ));
        sources.push((src, content.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8], u32)> = sources
        .iter()
        .map(|(s, c)| (s.as_str(), c.as_slice(), 0o644))
        .collect();
    Project::new(&manifest, &refs)
}

fn build(project: &Project, format: &str, target: &str) -> PathBuf {
    let out = project.package(&["--lint", "off", "-q", "-f", format, "-t", target]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ext = format.rsplit('.').next().unwrap();
    let found = std::fs::read_dir(project.dist())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == ext))
        .unwrap();
    // Keep the artifact outside dist/, which the next build replaces.
    let kept = project.path().join(found.file_name().unwrap());
    std::fs::copy(&found, &kept).unwrap();
    kept
}

fn diff_json(old: &Path, new: &Path, extra: &[&str]) -> (Value, i32) {
    let out = run(buildkit()
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(["--message-format", "json"])
        .args(extra));
    let line = text(&out.stdout);
    let value = serde_json::from_str(line.lines().next().unwrap_or("{}"))
        .unwrap_or_else(|e| panic!("{e}: {line}{}", text(&out.stderr)));
    (value, out.status.code().unwrap_or(-1))
}

/// Paths of regular files and links in a JSON list (debdiff leaves folders out).
fn paths(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["info"]["kind"] != "dir")
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect()
}

fn ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["level"].as_str().unwrap(),
                f["id"].as_str().unwrap()
            )
        })
        .collect()
}

/// debdiff's two file lists: (in second not first, in first not second).
fn debdiff(old: &Path, new: &Path) -> (Vec<String>, Vec<String>) {
    let out = run(tool("debdiff").arg(old).arg(new));
    let report = text(&out.stdout);
    let section = |title: &str| -> Vec<String> {
        let mut lines = report.lines().skip_while(|l| !l.starts_with(title)).skip(2);
        let mut found = Vec::new();
        for line in lines.by_ref() {
            if line.trim().is_empty() {
                break;
            }
            let path = line.split_whitespace().last().unwrap();
            // debdiff lists control members (DEBIAN/conffiles) too: they
            // are not installed files, the diff reports them as findings.
            if !path.starts_with("DEBIAN/") {
                found.push(path.to_string());
            }
        }
        found.sort();
        found
    };
    (
        section("Files in second .deb but not in first"),
        section("Files in first .deb but not in second"),
    )
}

#[test]
fn the_file_lists_of_two_debs_equal_debdiffs() {
    let v1 = project(
        "1.0.0",
        "",
        &[
            ("/usr/share/hello/kept.txt", "", "same"),
            ("/usr/share/hello/dropped.txt", "", "old"),
            ("/usr/share/hello/mode.txt", "", "mode"),
            ("/usr/share/hello/grows.txt", "", "small"),
            ("/usr/share/hello/owner.txt", "", "owner"),
            ("/etc/hello/hello.conf", "kind = \"config\"", "a = 1"),
        ],
    );
    let v2 = project(
        "1.1.0",
        "[deb.relations]\ndepends = [\"libc6 (>= 2.30)\"]\n",
        &[
            ("/usr/share/hello/kept.txt", "", "same"),
            ("/usr/share/hello/mode.txt", "mode = \"0755\"", "mode"),
            ("/usr/share/hello/grows.txt", "", "much larger now"),
            (
                "/usr/share/hello/owner.txt",
                "owner = \"daemon\"\ngroup = \"daemon\"\nuid = 1\ngid = 1",
                "owner",
            ),
            ("/usr/share/hello/new/added.txt", "", "new"),
        ],
    );
    let (old, new) = (
        build(&v1, "deb", "x86_64-linux"),
        build(&v2, "deb", "x86_64-linux"),
    );
    let (report, code) = diff_json(&old, &new, &[]);
    assert_eq!(code, 0, "{report}");
    let metadata: Vec<String> = report["changed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["metadata"] == true)
        .map(|c| c["path"].as_str().unwrap().to_string())
        .collect();
    let mut added = [paths(&report["added"]), metadata.clone()].concat();
    let mut removed = [paths(&report["removed"]), metadata].concat();
    added.sort();
    removed.sort();
    let (second, first) = debdiff(&old, &new);
    assert_eq!(
        added, second,
        "files added (and re-permissioned): ours vs debdiff"
    );
    assert_eq!(
        removed, first,
        "files removed (and re-permissioned): ours vs debdiff"
    );
    assert!(added.contains(&"/usr/share/hello/new/added.txt".to_string()));
    let found = ids(&report);
    for want in [
        "warning:conffile-removed",
        "warning:file-removed",
        "warning:file-owner-changed",
        "info:file-mode-changed",
        "info:relation-added",
    ] {
        assert!(found.iter().any(|f| f == want), "{want} missing: {found:?}");
    }
    let changed = report["changed"].to_string();
    assert!(
        changed.contains("grows.txt") && changed.contains("size 5"),
        "{changed}"
    );
    // Warnings fail the diff only when asked.
    let (_, code) = diff_json(&old, &new, &["--fail-on", "warning"]);
    assert_eq!(code, 1);
    // Going back is a downgrade by dpkg's rules: an error.
    let (back, code) = diff_json(&new, &old, &[]);
    assert_eq!(code, 1, "{back}");
    assert!(
        ids(&back).contains(&"error:version-not-newer".to_string()),
        "{back}"
    );
}

#[test]
fn an_rpm_that_sorts_lower_fails_the_diff() {
    let v1 = project("1.0.0", "", &[("/usr/share/hello/a.txt", "", "a")]);
    let v2 = project("1.0.0-rc.1", "", &[("/usr/share/hello/a.txt", "", "a")]);
    let (old, new) = (
        build(&v1, "rpm", "x86_64-linux"),
        build(&v2, "rpm", "x86_64-linux"),
    );
    // rpm itself agrees that the release candidate sorts first.
    let cmp = run_ok(tool("rpm").arg("--eval").arg(format!(
        "%{{lua: print(rpm.vercmp(\"{}\", \"{}\"))}}",
        "1.0.0~rc.1-1", "1.0.0-1"
    )));
    assert_eq!(text(&cmp.stdout).trim(), "-1");
    let (report, code) = diff_json(&old, &new, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["new"]["version"], "1.0.0~rc.1-1");
    assert!(
        ids(&report).contains(&"error:version-not-newer".to_string()),
        "{report}"
    );
    let human = run(buildkit().arg("diff").arg(&old).arg(&new));
    assert!(
        text(&human.stdout).contains(
            "error: [version-not-newer] version 1.0.0~rc.1-1 sorts before 1.0.0-1 by rpm's rules"
        ),
        "{}",
        text(&human.stdout)
    );
}

/// A headless wine prefix of its own.
struct Wine(tempfile::TempDir);

impl Wine {
    fn new() -> Wine {
        let wine = Wine(tempfile::tempdir().unwrap());
        run_ok(&mut wine.cmd("wineboot", &["-i"]));
        wine
    }

    fn cmd(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = tool(program);
        cmd.env("WINEPREFIX", self.0.path().join("pfx"))
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("DISPLAY", "")
            .args(args);
        cmd
    }

    fn install(&self, msi: &Path) {
        let mut cmd = self.cmd("wine", &["msiexec", "/i"]);
        cmd.arg(msi.file_name().unwrap())
            .arg("/qn")
            .current_dir(msi.parent().unwrap());
        run_ok(&mut cmd);
        let _ = self.cmd("wineserver", &["-w"]).status();
    }

    /// DisplayVersion of every registered product.
    fn installed(&self) -> Vec<String> {
        let key = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall";
        let out = run(&mut self.cmd("wine", &["reg", "query", key, "/s"]));
        text(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().strip_prefix("DisplayVersion"))
            .map(|v| v.trim().trim_start_matches("REG_SZ").trim().to_string())
            .collect()
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        let _ = self.cmd("wineserver", &["-k"]).status();
        let _ = self.cmd("wineserver", &["-w"]).status();
    }
}

#[test]
fn a_drifted_upgrade_code_leaves_two_products_under_wine_and_only_that_is_flagged() {
    let code_a = "[msi]\nupgrade-code = \"{3E6B0C55-2A4D-4E1B-9F7C-8D2A61B4C0E9}\"\n";
    let code_b = "[msi]\nupgrade-code = \"{9A1F7E21-5C3B-4D8E-A2F6-1B7C9D0E3F45}\"\n";
    let files = [("/usr/share/hello/readme.txt", "", "hello")];
    let projects = [
        project("1.0.0", code_a, &files),
        project("1.1.0", code_a, &files),
        project("1.1.0", code_b, &files),
    ];
    let [v1, kept, drifted] = projects
        .each_ref()
        .map(|p| build(p, "msi", "x86_64-windows"));

    let (same, code) = diff_json(&v1, &kept, &[]);
    assert_eq!(code, 0, "{same}");
    assert!(
        !ids(&same).iter().any(|f| f.starts_with("error:")),
        "{same}"
    );
    let (moved, code) = diff_json(&v1, &drifted, &[]);
    assert_eq!(code, 1, "{moved}");
    let errors: Vec<String> = ids(&moved)
        .into_iter()
        .filter(|f| f.starts_with("error:"))
        .collect();
    assert!(
        errors.contains(&"error:upgrade-code-changed".to_string()),
        "{moved}"
    );

    // Windows Installer agrees: the kept code upgrades in place…
    let wine = Wine::new();
    wine.install(&v1);
    wine.install(&kept);
    assert_eq!(wine.installed(), ["1.1.0"]);
    drop(wine);
    // …the drifted one leaves both products installed.
    let wine = Wine::new();
    wine.install(&v1);
    wine.install(&drifted);
    let mut installed = wine.installed();
    installed.sort();
    assert_eq!(installed, ["1.0.0", "1.1.0"]);
}

#[test]
fn package_against_the_previous_release_stops_a_downgrade_before_writing() {
    let files = [
        ("/usr/share/hello/a.txt", "", "a"),
        ("/usr/share/hello/b.txt", "", "b"),
    ];
    let first = project("1.2.0", "", &files);
    let previous = build(&first, "deb", "x86_64-linux");
    // A lower version: refused, nothing in dist/.
    let lower = project("1.1.0", "", &files);
    let against = previous.to_string_lossy().into_owned();
    lower.assert_refused(
        &[
            "--lint",
            "off",
            "-f",
            "deb",
            "-t",
            "x86_64-linux",
            "--against",
            &against,
        ],
        &[
            "unsafe upgrade",
            "[version-not-newer]",
            "1.1.0-1 sorts before 1.2.0-1",
        ],
    );
    // A higher version that drops a file: written, with a warning.
    let higher = project("1.3.0", "", &files[..1]);
    let out = higher.package(&[
        "--lint",
        "off",
        "-f",
        "deb",
        "-t",
        "x86_64-linux",
        "--against",
        &against,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("[file-removed] /usr/share/hello/b.txt"),
        "{}",
        text(&out.stderr)
    );
    assert!(higher.dist_files().iter().any(|f| f.ends_with(".deb")));
}

/// The paths in a .pkg's Payload as bsdtar, gzip and GNU cpio list them.
fn pkg_payload(pkg: &Path) -> Vec<String> {
    let member = run_ok(tool("bsdtar").arg("-tf").arg(pkg));
    let payload = text(&member.stdout)
        .lines()
        .find(|l| l.ends_with("/Payload"))
        .unwrap()
        .to_string();
    let gz = run_ok(tool("bsdtar").arg("-xOf").arg(pkg).arg(&payload)).stdout;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.gz"), gz).unwrap();
    let cpio = run_ok(tool("gzip").arg("-dc").arg(dir.path().join("p.gz"))).stdout;
    std::fs::write(dir.path().join("p.cpio"), cpio).unwrap();
    let list = run_ok(
        tool("cpio")
            .args(["-it", "--quiet", "-F"])
            .arg(dir.path().join("p.cpio")),
    );
    let mut paths: Vec<String> = text(&list.stdout)
        .lines()
        .filter(|l| *l != ".")
        .map(|l| l.trim_start_matches('.').to_string())
        .collect();
    paths.sort();
    paths
}

#[test]
fn a_changed_pkg_identifier_is_an_error_and_the_payload_is_read_as_cpio_lists_it() {
    let files = [
        ("/usr/local/share/hello/a.txt", "", "a"),
        ("/usr/local/share/hello/b.txt", "", "b"),
    ];
    let projects = [
        project(
            "1.0.0",
            "[pkg]\nidentifier = \"com.example.hello\"\n",
            &files,
        ),
        project(
            "1.1.0",
            "[pkg]\nidentifier = \"com.example.hello\"\n",
            &files[..1],
        ),
        project(
            "1.1.0",
            "[pkg]\nidentifier = \"org.example.hello\"\n",
            &files[..1],
        ),
    ];
    let [v1, kept, moved] = projects
        .each_ref()
        .map(|p| build(p, "pkg", "aarch64-macos"));
    let (same, code) = diff_json(&v1, &kept, &[]);
    assert_eq!(code, 0, "{same}");
    // Our reading of the Payload equals GNU cpio's listing of it.
    let ours = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap().to_string())
            .collect()
    };
    let (old_all, _) = diff_json(&kept, &v1, &[]);
    let mut after_all = ours(&old_all["added"]);
    after_all.extend(pkg_payload(&kept));
    after_all.sort();
    assert_eq!(
        after_all,
        pkg_payload(&v1),
        "our added files plus kept's payload are v1's payload"
    );
    assert!(
        ids(&same).contains(&"warning:file-removed".to_string()),
        "{same}"
    );
    let (report, code) = diff_json(&v1, &moved, &[]);
    assert_eq!(code, 1, "{report}");
    assert!(
        ids(&report).contains(&"error:identifier-changed".to_string()),
        "{report}"
    );
    let info = run_ok(
        tool("bsdtar")
            .arg("-xOf")
            .arg(&moved)
            .arg("hello.pkg/PackageInfo"),
    );
    assert!(text(&info.stdout).contains("identifier=\"org.example.hello\""));
}

/// Builds `format` of a bundled example for `target` into `out`; returns the artifact.
fn build_example(example: &str, format: &str, target: &str, out: &Path) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(example)
        .join("buildkit.toml");
    let dist = out.join(example);
    run_ok(
        buildkit()
            .args(["package", "-q", "-f", format, "-t", target, "--manifest"])
            .arg(&manifest)
            .arg("--out")
            .arg(&dist),
    );
    std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == format))
        .unwrap()
}

#[test]
fn services_added_and_removed_are_reported_for_deb_rpm_and_msi() {
    let scratch = tempfile::tempdir().unwrap();
    for (format, target) in [
        ("deb", "x86_64-linux"),
        ("rpm", "x86_64-linux"),
        ("msi", "x86_64-windows"),
    ] {
        let plain = build_example("hello", format, target, scratch.path());
        let daemon = build_example("hello-daemon", format, target, scratch.path());
        // The daemon example's service, as its manifest names it.
        let (report, _) = diff_json(&plain, &daemon, &[]);
        let found = ids(&report);
        assert!(
            found.contains(&"info:service-added".to_string()),
            "{format}: {found:?}"
        );
        let (report, code) = diff_json(&daemon, &plain, &["--fail-on", "warning"]);
        let removed: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"] == "service-removed")
            .collect();
        assert_eq!(removed.len(), 1, "{format}: {report}");
        assert_eq!(removed[0]["path"], "hello-daemon", "{format}");
        assert_eq!(removed[0]["level"], "warning");
        assert_ne!(
            code, 0,
            "{format}: --fail-on warning fails on a removed service"
        );
    }
}
