//! The .deb backend judged by dpkg-deb, dpkg (installing into a scratch
//! root, scripts run chrootless), md5sum and lintian.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use vitte_buildkit_formats::deb::DebPackage;
use vitte_buildkit_formats::model::{Package, Relation, Scripts};
use vitte_buildkit_formats::{EntryKind, Format, Target};

/// A maintainer script that logs its name and arguments into the root.
fn logging_script(name: &str) -> String {
    format!(
        "#!/bin/sh\nset -e\nmkdir -p \"$DPKG_ROOT/var/log/hello-test\"\necho \"{name} $*\" >> \"$DPKG_ROOT/var/log/hello-test/scripts\"\n"
    )
}

/// The common sample with scripts, relations and a configuration file.
fn package(version: &str) -> Package {
    let mut pkg = sample_package(version);
    pkg.scripts = Scripts {
        pre_install: Some(logging_script("preinst")),
        post_install: Some(logging_script("postinst")),
        pre_remove: Some(logging_script("prerm")),
        post_remove: Some(logging_script("postrm")),
    };
    pkg.relations.depends = vec![Relation::parse("libc6 (>= 2.31) | musl").unwrap()];
    pkg.relations.recommends = vec![Relation::parse("less").unwrap()];
    pkg.relations.obsoletes = vec![Relation::parse("hello-old").unwrap()];
    pkg.formats.deb.relations.suggests = Some(vec![Relation::parse("bash (> 4)").unwrap()]);
    pkg
}

/// The sample without relations, so that an empty root satisfies it.
fn installable(version: &str) -> Package {
    let mut pkg = package(version);
    pkg.relations = Default::default();
    pkg.formats.deb.relations = Default::default();
    pkg
}

fn field(deb: &Path, name: &str) -> String {
    stdout(&run_ok(tool("dpkg-deb").arg("--field").arg(deb).arg(name)))
        .trim_end()
        .to_string()
}

#[test]
fn dpkg_deb_shows_the_fields_contents_and_source_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = package("1.2.3-rc.1");
    pkg.version.epoch = Some(2);
    pkg.description = format!(
        "Prints a greeting.\n\nA small program {}used to test the package writers.",
        "that is ".repeat(12)
    );
    let deb = write_artifact(&DebPackage, &pkg, "x86_64-linux", dir.path());
    // No binary in the sample: architecture-independent; the epoch stays out of the name.
    assert_eq!(
        deb.file_name().unwrap().to_str().unwrap(),
        "hello_1.2.3~rc.1-1_all.deb"
    );

    let expect = [
        ("Package", "hello"),
        ("Version", "2:1.2.3~rc.1-1"),
        ("Architecture", "all"),
        ("Maintainer", "Jane Doe <jane@example.org>"),
        ("Depends", "libc6 (>= 2.31) | musl"),
        ("Recommends", "less"),
        ("Suggests", "bash (>> 4)"),
        ("Section", "misc"),
        ("Priority", "optional"),
        ("Homepage", "https://example.org/hello"),
    ];
    for (name, value) in expect {
        assert_eq!(field(&deb, name), value, "field {name}");
    }
    assert_eq!(
        field(&deb, "Conflicts"),
        "",
        "nothing was asked to conflict"
    );
    let description = field(&deb, "Description");
    let lines: Vec<&str> = description.lines().collect();
    assert_eq!(lines[0], "Say hello");
    assert_eq!(lines[1], " Prints a greeting.");
    assert_eq!(lines[2], " .");
    assert!(lines.len() > 4, "the long line is folded: {description}");
    assert!(lines.iter().all(|l| l.len() <= 80), "{description}");

    // dpkg-deb --info lists the control members; scripts are executable.
    let info = stdout(&run_ok(tool("dpkg-deb").arg("--info").arg(&deb)));
    for member in ["control", "md5sums", "conffiles"] {
        assert!(info.contains(&format!(" {member} ")), "{member}:\n{info}");
    }
    for script in ["preinst", "postinst", "prerm", "postrm"] {
        let line = info
            .lines()
            .find(|l| l.contains(&format!(" {script} ")))
            .unwrap_or_else(|| panic!("no {script} in\n{info}"));
        assert!(line.contains(" * "), "{script} not executable: {line}");
    }
    let control_listing = stdout(&run_ok(tool("sh").arg("-c").arg(format!(
        "dpkg-deb --ctrl-tarfile '{}' | tar -tvf - --numeric-owner",
        deb.display()
    ))));
    for line in control_listing.lines() {
        let mode = if line.ends_with("inst") || line.ends_with("rm") || line.ends_with("./") {
            if line.starts_with('d') {
                "drwxr-xr-x"
            } else {
                "-rwxr-xr-x"
            }
        } else {
            "-rw-r--r--"
        };
        assert!(line.starts_with(&format!("{mode} 0/0")), "{line}");
    }

    // --contents: every parent directory, sorted, root:root, the epoch's time.
    let contents = stdout(&run_ok(tool("dpkg-deb").arg("--contents").arg(&deb)));
    let paths: Vec<&str> = contents
        .lines()
        .map(|l| {
            assert!(l.contains(" root/root "), "{l}");
            assert!(l.contains(" 2023-11-14 22:13 "), "{l}");
            l.split_whitespace().nth(5).unwrap()
        })
        .collect();
    // Sorted, symlinks last (as dpkg-deb --build orders them).
    let mut sorted = paths.clone();
    sorted.sort_by_key(|p| {
        (
            contents.contains(&format!(" {p} -> ")),
            p.trim_end_matches('/'),
        )
    });
    assert_eq!(paths, sorted);
    assert_eq!(paths.last(), Some(&"./usr/bin/hi"));
    for want in [
        "./",
        "./etc/",
        "./etc/hello/",
        "./etc/hello/hello.conf",
        "./usr/",
        "./usr/bin/",
        "./usr/bin/hello",
        "./usr/bin/hi",
        "./usr/share/",
        "./usr/share/doc/",
        "./usr/share/doc/hello/",
        "./usr/share/doc/hello/README",
        "./usr/share/doc/hello/changelog.Debian.gz",
        "./usr/share/doc/hello/copyright",
        "./usr/share/lintian/overrides/hello",
    ] {
        assert!(paths.contains(&want), "missing {want} in\n{contents}");
    }
    assert!(contents.contains("./usr/bin/hi -> hello"), "{contents}");

    // --extract gives the source bytes, md5sums agree, conffiles lists /etc.
    let root = dir.path().join("x");
    run_ok(tool("dpkg-deb").arg("--extract").arg(&deb).arg(&root));
    for entry in pkg.entries.iter().filter(|e| e.kind.is_regular()) {
        let mut want = Vec::new();
        std::io::Read::read_to_end(&mut entry.open().unwrap(), &mut want).unwrap();
        let got = std::fs::read(root.join(entry.relative_path())).unwrap();
        assert!(got == want, "{} differs", entry.path);
        let mode = std::fs::metadata(root.join(entry.relative_path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, entry.mode, "{}", entry.path);
    }
    let control = dir.path().join("DEBIAN");
    run_ok(tool("dpkg-deb").arg("--control").arg(&deb).arg(&control));
    run_ok(
        tool("md5sum")
            .arg("--check")
            .arg("--strict")
            .arg(control.join("md5sums"))
            .current_dir(&root),
    );
    let md5_lines = std::fs::read_to_string(control.join("md5sums")).unwrap();
    assert_eq!(md5_lines.lines().count(), 6, "{md5_lines}");
    assert_eq!(
        std::fs::read_to_string(control.join("conffiles")).unwrap(),
        "/etc/hello/hello.conf\n"
    );
    assert_eq!(
        field(&deb, "Installed-Size"),
        gencontrol_installed_size(&root)
    );

    // The generated changelog is a gzip without name or time, for this version.
    let gz = std::fs::read(root.join("usr/share/doc/hello/changelog.Debian.gz")).unwrap();
    assert_eq!(&gz[3..8], &[0, 0, 0, 0, 0], "FNAME flag or mtime set");
    let changelog = stdout(&run_ok(
        tool("gzip")
            .arg("-dc")
            .arg(root.join("usr/share/doc/hello/changelog.Debian.gz")),
    ));
    assert!(
        changelog.starts_with("hello (2:1.2.3~rc.1-1) unstable; urgency=medium\n"),
        "{changelog}"
    );
    assert!(
        changelog.ends_with(" -- Jane Doe <jane@example.org>  Tue, 14 Nov 2023 22:13:20 +0000\n"),
        "{changelog}"
    );
    // dpkg-parsechangelog reads it back.
    let changelog_file = dir.path().join("changelog");
    std::fs::write(&changelog_file, &changelog).unwrap();
    let parsed = stdout(&run_ok(
        tool("dpkg-parsechangelog")
            .arg("-l")
            .arg(&changelog_file)
            .args(["--show-field", "Version"]),
    ));
    assert_eq!(parsed.trim(), "2:1.2.3~rc.1-1");
}

/// The Installed-Size dpkg-gencontrol itself computes for an extracted tree.
fn gencontrol_installed_size(tree: &Path) -> String {
    let source = tree.with_file_name("gencontrol");
    std::fs::create_dir_all(source.join("debian")).unwrap();
    std::fs::write(
        source.join("debian/control"),
        "Source: hello\nMaintainer: Jane Doe <jane@example.org>\n\nPackage: hello\nArchitecture: all\nDescription: Say hello\n x\n",
    )
    .unwrap();
    std::fs::write(
        source.join("debian/changelog"),
        "hello (1.0-1) unstable; urgency=medium\n\n  * x\n\n -- Jane Doe <jane@example.org>  Tue, 14 Nov 2023 22:13:20 +0000\n",
    )
    .unwrap();
    let control = stdout(&run_ok(
        tool("dpkg-gencontrol")
            .arg("-phello")
            .arg(format!("-P{}", tree.display()))
            .arg("-O")
            .current_dir(&source),
    ));
    control
        .lines()
        .find_map(|l| l.strip_prefix("Installed-Size: "))
        .unwrap_or_else(|| panic!("no Installed-Size in\n{control}"))
        .to_string()
}

#[test]
fn every_compression_is_read_by_dpkg_deb() {
    let dir = tempfile::tempdir().unwrap();
    for (name, suffix) in [
        ("xz", ".xz"),
        ("gzip", ".gz"),
        ("zstd", ".zst"),
        ("none", ""),
    ] {
        let mut pkg = package("1.0.0");
        pkg.formats.deb.compression = Some(name.into());
        let out = dir.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        let deb = write_artifact(&DebPackage, &pkg, "aarch64-linux", &out);
        let members = stdout(&run_ok(tool("ar").arg("t").arg(&deb)));
        assert_eq!(
            members,
            format!("debian-binary\ncontrol.tar{suffix}\ndata.tar{suffix}\n"),
            "{name}"
        );
        let contents = stdout(&run_ok(tool("dpkg-deb").arg("--contents").arg(&deb)));
        assert!(contents.contains("./usr/bin/hello"), "{name}: {contents}");
        assert_eq!(field(&deb, "Package"), "hello", "{name}");
    }
}

#[test]
fn architecture_follows_the_target_when_the_package_has_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = package("1.0.0");
    pkg.has_binaries = true;
    for (target, arch) in [
        ("x86_64-linux", "amd64"),
        ("aarch64-linux", "arm64"),
        ("i686-linux", "i386"),
        ("armv7-linux", "armhf"),
        ("riscv64gc-unknown-linux-gnu", "riscv64"),
        ("powerpc64le-linux", "ppc64el"),
        ("s390x-linux", "s390x"),
    ] {
        let deb = write_artifact(&DebPackage, &pkg, target, dir.path());
        assert_eq!(
            deb.file_name().unwrap().to_str().unwrap(),
            format!("hello_1.0.0-1_{arch}.deb")
        );
        assert_eq!(field(&deb, "Architecture"), arch, "{target}");
    }
    for other in ["x86_64-windows", "aarch64-macos", "wasm32"] {
        let err = DebPackage
            .accepts(&Target::parse(other).unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("amd64") && err.contains("Linux"),
            "{other}: {err}"
        );
    }
}

/// dpkg against a scratch root, scripts run outside a chroot with DPKG_ROOT set.
struct Root {
    dir: PathBuf,
}

impl Root {
    fn new(parent: &Path) -> Self {
        let dir = parent.join("root");
        std::fs::create_dir_all(dir.join("var/lib/dpkg/info")).unwrap();
        std::fs::create_dir_all(dir.join("var/lib/dpkg/updates")).unwrap();
        std::fs::write(dir.join("var/lib/dpkg/status"), "").unwrap();
        Self { dir }
    }

    fn dpkg(&self) -> Command {
        let mut cmd = tool("dpkg");
        cmd.arg(format!("--root={}", self.dir.display()))
            .arg("--force-script-chrootless")
            .arg("--force-not-root");
        cmd
    }

    fn install(&self, deb: &Path, extra: &[&str]) {
        run_ok(self.dpkg().args(extra).arg("--install").arg(deb));
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    fn status(&self, name: &str) -> BTreeMap<String, String> {
        let out = stdout(&run_ok(self.dpkg().arg("--status").arg(name)));
        out.lines()
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn script_log(&self) -> String {
        std::fs::read_to_string(self.path("var/log/hello-test/scripts")).unwrap_or_default()
    }
}

#[test]
fn dpkg_installs_runs_the_scripts_and_removes() {
    let dir = tempfile::tempdir().unwrap();
    // dpkg reads the Depends field: unmet, the package stays unconfigured.
    let unmet = write_artifact(&DebPackage, &package("1.2.3"), "x86_64-linux", dir.path());
    let other = tempfile::tempdir().unwrap();
    let refused = Root::new(other.path())
        .dpkg()
        .arg("--install")
        .arg(&unmet)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("hello depends on libc6 (>= 2.31) | musl"),
        "{refused:?}"
    );

    let deb = write_artifact(
        &DebPackage,
        &installable("1.2.3"),
        "x86_64-linux",
        dir.path(),
    );
    let root = Root::new(dir.path());
    root.install(&deb, &[]);

    let status = root.status("hello");
    assert_eq!(status["Status"], "install ok installed");
    assert_eq!(status["Version"], "1.2.3-1");
    assert_eq!(
        root.script_log(),
        "preinst install\npostinst configure \n",
        "preinst and postinst ran with dpkg's arguments"
    );
    let mode = |p: &str| {
        std::fs::symlink_metadata(root.path(p))
            .unwrap_or_else(|e| panic!("{p}: {e}"))
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode("usr/bin/hello"), 0o755);
    assert_eq!(mode("etc/hello/hello.conf"), 0o644);
    assert_eq!(mode("usr/share/doc/hello/copyright"), 0o644);
    assert_eq!(
        std::fs::read_link(root.path("usr/bin/hi")).unwrap(),
        Path::new("hello")
    );
    assert_eq!(
        std::fs::read(root.path("usr/bin/hello")).unwrap(),
        b"#!/bin/sh\necho hello\n"
    );
    let listed = stdout(&run_ok(root.dpkg().arg("--listfiles").arg("hello")));
    assert!(listed.lines().any(|l| l == "/usr/bin/hi"), "{listed}");

    run_ok(root.dpkg().arg("--remove").arg("hello"));
    assert!(!root.path("usr/bin/hello").exists());
    assert!(!root.path("usr/share/doc/hello").exists());
    assert!(
        root.path("etc/hello/hello.conf").exists(),
        "remove keeps conffiles"
    );
    assert_eq!(
        root.script_log(),
        "preinst install\npostinst configure \nprerm remove\npostrm remove\n"
    );
    run_ok(root.dpkg().arg("--purge").arg("hello"));
    assert!(
        !root.path("etc/hello/hello.conf").exists(),
        "purge removes them"
    );
}

#[test]
fn an_edited_conffile_survives_upgrades() {
    let dir = tempfile::tempdir().unwrap();
    let root = Root::new(dir.path());
    let build = |version: &str, conf: &[u8]| {
        let mut pkg = installable(version);
        for entry in &mut pkg.entries {
            if entry.kind == EntryKind::Config {
                *entry = file(&entry.path, 0o644, EntryKind::Config, conf);
            }
        }
        let out = dir.path().join(version);
        std::fs::create_dir_all(&out).unwrap();
        write_artifact(&DebPackage, &pkg, "x86_64-linux", &out)
    };
    root.install(&build("1.0.0", b"greeting = hello\n"), &[]);
    std::fs::write(root.path("etc/hello/hello.conf"), "greeting = edited\n").unwrap();

    // Same shipped conffile: dpkg keeps the edit without asking.
    root.install(&build("1.1.0", b"greeting = hello\n"), &[]);
    assert_eq!(root.status("hello")["Version"], "1.1.0-1");
    assert_eq!(
        std::fs::read_to_string(root.path("etc/hello/hello.conf")).unwrap(),
        "greeting = edited\n"
    );

    // A changed conffile: with --force-confold the edit stays and the new
    // version lands beside it.
    root.install(
        &build("1.2.0", b"greeting = bonjour\n"),
        &["--force-confold"],
    );
    assert_eq!(root.status("hello")["Version"], "1.2.0-1");
    assert_eq!(
        std::fs::read_to_string(root.path("etc/hello/hello.conf")).unwrap(),
        "greeting = edited\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.path("etc/hello/hello.conf.dpkg-dist")).unwrap(),
        "greeting = bonjour\n"
    );
    assert!(
        root.script_log().contains("postinst configure 1.1.0-1"),
        "postinst got the old version: {}",
        root.script_log()
    );
}

#[test]
fn lintian_finds_no_error_or_warning_in_an_architecture_independent_package() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = package("1.2.3");
    pkg.scripts = Scripts::default();
    pkg.relations = Default::default();
    pkg.formats.deb.relations = Default::default();
    // lintian wants a manual page for everything in /usr/bin.
    pkg.entries.retain(|e| !e.path.starts_with("/usr/bin/"));
    // One license Debian ships the text of, one it does not.
    pkg.license = "GPL-2.0-or-later OR MIT".into();
    let deb = write_artifact(&DebPackage, &pkg, "x86_64-linux", dir.path());
    let out = run_ok(
        tool("lintian")
            .args(["--tag-display-limit", "0", "--display-info", "--pedantic"])
            .arg("--show-overrides")
            .arg(&deb),
    );
    let report = stdout(&out);
    // lintian read the generated changelog and our one justified override.
    assert!(
        report.contains("O: hello: initial-upload-closes-no-bugs"),
        "{report}"
    );
    let bad: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("E:") || l.starts_with("W:"))
        .collect();
    assert!(bad.is_empty(), "lintian:\n{report}");
}

#[test]
fn what_debian_forbids_is_refused_before_writing() {
    let target = Target::parse("x86_64-linux").unwrap();
    let refused = |change: &dyn Fn(&mut Package), needle: &str| {
        let mut pkg = package("1.0.0");
        change(&mut pkg);
        let err = DebPackage
            .validate(&pkg, &target)
            .expect_err(needle)
            .to_string();
        assert!(err.contains(needle), "wanted `{needle}` in: {err}");
    };
    refused(
        &|p| p.name = "Hello".into(),
        "`Hello` is not a Debian package name",
    );
    refused(&|p| p.name = "my_tool".into(), "e.g. `my-tool`");
    refused(&|p| p.version.release = "1_2".into(), "release `1_2`");
    refused(&|p| p.maintainer = "jane@example.org".into(), "maintainer");
    refused(
        &|p| p.formats.deb.priority = Some("extra".into()),
        "[deb] priority `extra`",
    );
    refused(
        &|p| p.formats.deb.section = Some("Utils".into()),
        "[deb] section `Utils`",
    );
    refused(
        &|p| p.formats.deb.compression = Some("lz4".into()),
        "[deb] compression `lz4`",
    );
    refused(
        &|p| p.relations.depends = vec![Relation::parse("/bin/sh").unwrap()],
        "[relations] depends[0]",
    );
    refused(
        &|p| p.relations.depends = vec![Relation::parse("foo (>= x1)").unwrap()],
        "not a Debian version",
    );
    refused(
        &|p| p.relations.provides = vec![Relation::parse("foo (>= 1)").unwrap()],
        "exact version",
    );
    refused(
        &|p| p.scripts.post_install = Some("echo hi\n".into()),
        "add `#!/bin/sh`",
    );
    refused(
        &|p| p.scripts.pre_remove = Some("#!/bin/sh\r\necho hi\r\n".into()),
        "[scripts] pre-remove has Windows line endings",
    );
    assert!(DebPackage.validate(&package("1.0.0"), &target).is_ok());
}

#[test]
fn shipped_policy_files_and_a_linked_doc_folder_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = installable("1.0.0");
    pkg.entries.push(file(
        "/usr/share/doc/hello/copyright",
        0o644,
        EntryKind::Doc,
        b"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n",
    ));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let deb = write_artifact(&DebPackage, &pkg, "x86_64-linux", dir.path());
    let root = dir.path().join("x");
    run_ok(tool("dpkg-deb").arg("--extract").arg(&deb).arg(&root));
    assert_eq!(
        std::fs::read(root.join("usr/share/doc/hello/copyright")).unwrap(),
        b"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
    );
    assert!(root
        .join("usr/share/doc/hello/changelog.Debian.gz")
        .is_file());

    // A doc folder linked to another package's: nothing is added below it.
    let mut pkg = installable("1.0.0");
    pkg.entries
        .retain(|e| !e.path.starts_with("/usr/share/doc/"));
    pkg.entries
        .push(symlink("/usr/share/doc/hello", "hello-common"));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let deb = write_artifact(&DebPackage, &pkg, "x86_64-linux", dir.path());
    let contents = stdout(&run_ok(tool("dpkg-deb").arg("--contents").arg(&deb)));
    assert!(
        contents.contains("./usr/share/doc/hello -> hello-common"),
        "{contents}"
    );
    assert!(!contents.contains("./usr/share/doc/hello/"), "{contents}");
    let rootfs = Root::new(dir.path());
    rootfs.install(&deb, &[]);
    assert_eq!(
        std::fs::read_link(rootfs.path("usr/share/doc/hello")).unwrap(),
        Path::new("hello-common")
    );
}

#[test]
fn dpkg_installs_paths_and_link_targets_longer_than_ustar_holds() {
    let dir = tempfile::tempdir().unwrap();
    let long_dir = format!("/usr/share/hello/{}/{}", "d".repeat(90), "e".repeat(80));
    let long_file = format!("{long_dir}/file-{}.txt", "f".repeat(120));
    let mut pkg = installable("1.0.0");
    pkg.entries
        .push(file(&long_file, 0o644, EntryKind::File, b"far away\n"));
    pkg.entries
        .push(symlink("/usr/share/hello/far", &long_file));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let deb = write_artifact(&DebPackage, &pkg, "x86_64-linux", dir.path());
    // dpkg's own tar extractor (not GNU tar, which dpkg-deb --contents uses).
    let root = Root::new(dir.path());
    root.install(&deb, &[]);
    assert_eq!(
        std::fs::read(root.path(long_file.trim_start_matches('/'))).unwrap(),
        b"far away\n"
    );
    assert_eq!(
        std::fs::read_link(root.path("usr/share/hello/far")).unwrap(),
        Path::new(&long_file)
    );
    let listed = stdout(&run_ok(root.dpkg().arg("--listfiles").arg("hello")));
    assert!(listed.lines().any(|l| l == long_dir), "{listed}");
    let control = dir.path().join("ctl");
    run_ok(tool("dpkg-deb").arg("--control").arg(&deb).arg(&control));
    let md5sums = std::fs::read_to_string(control.join("md5sums")).unwrap();
    assert!(
        md5sums.contains(&format!("  {}\n", long_file.trim_start_matches('/'))),
        "{md5sums}"
    );
}

#[test]
fn dpkg_deb_rebuilds_our_tree_into_the_same_listing_and_control() {
    let dir = tempfile::tempdir().unwrap();
    let ours = write_artifact(&DebPackage, &package("1.2.3"), "x86_64-linux", dir.path());
    // Unpack with the reference tool and pack the tree again with it.
    let tree = dir.path().join("tree");
    run_ok(tool("dpkg-deb").arg("--raw-extract").arg(&ours).arg(&tree));
    let reference = dir.path().join("reference.deb");
    run_ok(
        tool("dpkg-deb")
            .args(["--root-owner-group", "-Zxz", "--build"])
            .arg(&tree)
            .arg(&reference)
            .env("SOURCE_DATE_EPOCH", EPOCH.to_string()),
    );
    let listing = |deb: &Path| stdout(&run_ok(tool("dpkg-deb").arg("--contents").arg(deb)));
    assert_eq!(listing(&ours), listing(&reference));
    // --info without its first two lines (archive and control sizes).
    let info = |deb: &Path| {
        let text = stdout(&run_ok(tool("dpkg-deb").arg("--info").arg(deb)));
        text.lines().skip(2).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(info(&ours), info(&reference));
}
