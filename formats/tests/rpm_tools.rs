//! The rpm backend judged by Debian's rpm 4.18, rpm2cpio, cpio, rpmlint and
//! gpg: metadata, file list and flags, scripts, relations, digests, install
//! into a scratch root, upgrade, removal, signatures, reproducibility.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use vitte_buildkit_formats::model::{EntryKind, Package, Relation};
use vitte_buildkit_formats::rpm::RpmPackage;
use vitte_buildkit_formats::{Format, NoEvents, Target, WriteContext};

const SCRIPT_LOG: &str = "/tmp/hello-scripts";

fn rel(items: &[&str]) -> Vec<Relation> {
    items.iter().map(|t| Relation::parse(t).unwrap()).collect()
}

/// The sample package with every kind of entry, scripts that log their
/// argument, relations of every kind, a group and a ghost.
fn rich_package(version: &str, config: &[u8]) -> Package {
    let mut pkg = sample_package(version);
    pkg.entries.retain(|e| e.path != "/etc/hello/hello.conf");
    pkg.entries.extend([
        file("/etc/hello/hello.conf", 0o644, EntryKind::Config, config),
        file(
            "/usr/share/licenses/hello/LICENSE",
            0o644,
            EntryKind::License,
            b"MIT License\n",
        ),
        {
            let mut dir = file("/var/lib/hello", 0o750, EntryKind::Dir, b"");
            dir.source = vitte_buildkit_formats::Source::None;
            dir.size = 0;
            dir
        },
    ]);
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let log = |phase: &str| Some(format!("echo \"{phase} $1\" >> {SCRIPT_LOG}\n"));
    pkg.scripts.pre_install = log("pre");
    pkg.scripts.post_install = log("post");
    pkg.scripts.pre_remove = log("preun");
    pkg.scripts.post_remove = log("postun");
    let r = &mut pkg.relations;
    r.depends = rel(&["bash >= 4.0", "coreutils | busybox (>= 1.30)"]);
    r.pre_depends = rel(&["shadow-utils"]);
    r.recommends = rel(&["less"]);
    r.suggests = rel(&["man-db (>> 2)"]);
    r.conflicts = rel(&["hello-old < 1.0"]);
    r.breaks = rel(&["hello-plugin <= 0.5"]);
    r.provides = rel(&["greeter = 1.2"]);
    r.obsoletes = rel(&["hello-legacy < 1.0"]);
    pkg.formats.rpm.group = Some("Applications/Text".into());
    pkg.formats.rpm.ghost = vec!["/var/log/hello.log".into()];
    pkg
}

/// Writes the package for `target` into `dir`, signed when `key` is given.
fn write_rpm(pkg: &Package, target: &str, dir: &Path, key: Option<&str>) -> PathBuf {
    write_signed_artifact(&RpmPackage::new(), pkg, target, dir, key)
}

/// Runs a command whatever its exit status.
fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn rpm_query(path: &Path, args: &[&str]) -> String {
    stdout(&run_ok(tool("rpm").arg("-qp").args(args).arg(path)))
}

/// A scratch root rpm can install into: a shell for the scriptlets
/// (rpm runs them chrooted), /tmp for their log, an empty database.
fn scratch_root(dir: &Path) -> PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    std::fs::copy("/bin/busybox", root.join("bin/busybox")).expect("busybox-static is installed");
    std::os::unix::fs::symlink("busybox", root.join("bin/sh")).unwrap();
    run_ok(tool("rpm").arg("--root").arg(&root).arg("--initdb"));
    root
}

fn rpm_in(root: &Path) -> Command {
    let mut cmd = tool("rpm");
    cmd.arg("--root").arg(root);
    cmd
}

#[test]
fn rpm_shows_the_metadata_the_package_holds() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = rich_package("1.2.3-rc.1", b"greeting = hello\n");
    pkg.version.epoch = Some(2);
    pkg.version.release = "3.el9".into();
    pkg.has_binaries = true;
    let path = write_rpm(&pkg, "aarch64-linux", dir.path(), None);
    assert_eq!(
        path.file_name().unwrap(),
        "hello-1.2.3~rc.1-3.el9.aarch64.rpm"
    );
    let info = rpm_query(&path, &["-i"]);
    for want in [
        "Name        : hello",
        "Epoch       : 2",
        "Version     : 1.2.3~rc.1",
        "Release     : 3.el9",
        "Architecture: aarch64",
        "Group       : Applications/Text",
        "License     : MIT",
        "Signature   : (none)",
        "Build Date  : Tue Nov 14 22:13:20 2023",
        "Build Host  : reproducible",
        "Source RPM  : hello-1.2.3~rc.1-3.el9.src.rpm",
        "Packager    : Jane Doe <jane@example.org>",
        "Vendor      : Example Org",
        "URL         : https://example.org/hello",
        "Summary     : Say hello",
        "Prints a greeting.\n\nA small program used to test the package writers.",
    ] {
        assert!(info.contains(want), "rpm -qpi lacks `{want}`:\n{info}");
    }
    // Like rpmbuild, an architecture package provides itself with and
    // without its ISA, at its full EVR.
    let provides = rpm_query(&path, &["--provides"]);
    for want in [
        "hello = 2:1.2.3~rc.1-3.el9",
        "hello(aarch-64) = 2:1.2.3~rc.1-3.el9",
    ] {
        assert!(
            provides.lines().any(|l| l == want),
            "rpm -qp --provides lacks `{want}`:\n{provides}"
        );
    }
    // rpm's own comparison puts the pre-release before the release.
    let cmp =
        stdout(&run_ok(tool("rpm").args([
            "--eval",
            "%{lua: print(rpm.vercmp('1.2.3~rc.1', '1.2.3'))}",
        ])));
    assert_eq!(cmp.trim(), "-1");
}

#[test]
fn file_list_modes_owners_flags_and_ghosts() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = rich_package("1.2.3", b"greeting = hello\n");
    pkg.entries
        .iter_mut()
        .find(|e| e.path == "/var/lib/hello")
        .unwrap()
        .owner = "daemon".into();
    let path = write_rpm(&pkg, "x86_64-linux", dir.path(), None);
    assert_eq!(path.file_name().unwrap(), "hello-1.2.3-1.noarch.rpm");
    let listing = rpm_query(&path, &["-l", "-v"]);
    for want in [
        "drwxr-xr-x    2 root     root                        0 Nov 14  2023 /etc/hello",
        "-rw-r--r--    1 root     root                       17 Nov 14  2023 /etc/hello/hello.conf",
        "-rwxr-xr-x    1 root     root                       21 Nov 14  2023 /usr/bin/hello",
        "lrwxrwxrwx    1 root     root                        5 Nov 14  2023 /usr/bin/hi -> hello",
        "drwxr-xr-x    2 root     root                        0 Nov 14  2023 /usr/share/doc/hello",
        "drwxr-x---    2 daemon   root                        0 Nov 14  2023 /var/lib/hello",
    ] {
        assert!(
            listing.lines().any(|l| l == want),
            "rpm -qpl -v lacks\n{want}\nin\n{listing}"
        );
    }
    // %dir only for the package's own folders, never /usr, /usr/bin, /etc…
    let flags = rpm_query(&path, &["--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]"]);
    let lines: Vec<&str> = flags.lines().collect();
    assert_eq!(
        lines,
        [
            "/etc/hello ",
            "/etc/hello/hello.conf cn",
            "/usr/bin/hello ",
            "/usr/bin/hi ",
            "/usr/share/doc/hello ",
            "/usr/share/doc/hello/README d",
            "/usr/share/licenses/hello ",
            "/usr/share/licenses/hello/LICENSE l",
            "/var/lib/hello ",
            "/var/log/hello.log g",
        ],
        "{flags}"
    );
    let cpio = Command::new("sh")
        .arg("-c")
        .arg(format!("rpm2cpio '{}' | cpio -t --quiet", path.display()))
        .output()
        .unwrap();
    assert!(cpio.status.success(), "{cpio:?}");
    let payload: Vec<String> = stdout(&cpio).lines().map(str::to_string).collect();
    assert_eq!(
        payload,
        [
            "./etc/hello",
            "./etc/hello/hello.conf",
            "./usr/bin/hello",
            "./usr/bin/hi",
            "./usr/share/doc/hello",
            "./usr/share/doc/hello/README",
            "./usr/share/licenses/hello",
            "./usr/share/licenses/hello/LICENSE",
            "./var/lib/hello",
        ],
        "the ghost stays out of the payload"
    );
}

#[test]
fn scripts_and_relations_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_rpm(
        &rich_package("1.2.3", b"x\n"),
        "x86_64-linux",
        dir.path(),
        None,
    );
    let scripts = rpm_query(&path, &["--scripts"]);
    for phase in ["preinstall", "postinstall", "preuninstall", "postuninstall"] {
        assert!(
            scripts.contains(&format!("{phase} scriptlet (using /bin/sh):")),
            "{phase} missing:\n{scripts}"
        );
    }
    assert!(scripts.contains("echo \"postun $1\" >> /tmp/hello-scripts"));
    let lines = |args: &[&str]| -> Vec<String> {
        rpm_query(&path, args).lines().map(str::to_string).collect()
    };
    let requires = lines(&["--requires"]);
    for want in [
        "bash >= 4.0",
        "(coreutils or busybox >= 1.30)",
        "shadow-utils",
        "rpmlib(RichDependencies) <= 4.12.0-1",
    ] {
        assert!(requires.iter().any(|l| l == want), "{want}: {requires:?}");
    }
    let pre = rpm_query(
        &path,
        &["--qf", "[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]"],
    );
    assert!(pre.lines().any(|l| l == "shadow-utils pre"), "{pre}");
    assert_eq!(lines(&["--recommends"]), ["less"]);
    assert_eq!(lines(&["--suggests"]), ["man-db > 2"]);
    assert_eq!(
        lines(&["--conflicts"]),
        ["hello-old < 1.0", "hello-plugin <= 0.5"]
    );
    assert_eq!(lines(&["--obsoletes"]), ["hello-legacy < 1.0"]);
    let provides = lines(&["--provides"]);
    for want in [
        "greeter = 1.2",
        "hello = 1.2.3-1",
        "config(hello) = 1.2.3-1",
    ] {
        assert!(provides.iter().any(|l| l == want), "{want}: {provides:?}");
    }
}

#[test]
fn digests_check_out_for_every_compression() {
    let dir = tempfile::tempdir().unwrap();
    for (name, compressor) in [
        (None, "zstd"),
        (Some("xz"), "xz"),
        (Some("gzip"), "gzip"),
        // No compressor tag: rpm then reads with its gzip reader, which
        // passes an uncompressed payload through.
        (Some("none"), "(none)"),
    ] {
        let mut pkg = rich_package("1.2.3", b"x\n");
        pkg.formats.rpm.compression = name.map(str::to_string);
        let sub = dir.path().join(compressor);
        std::fs::create_dir(&sub).unwrap();
        let path = write_rpm(&pkg, "x86_64-linux", &sub, None);
        let k = stdout(&run_ok(
            tool("rpm").args(["-K", "--nosignature"]).arg(&path),
        ));
        assert!(k.trim_end().ends_with(": digests OK"), "{compressor}: {k}");
        assert_eq!(
            rpm_query(&path, &["--qf", "%{PAYLOADCOMPRESSOR}"]),
            compressor
        );
        let cpio = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "rpm2cpio '{}' | cpio -t --quiet | wc -l",
                path.display()
            ))
            .output()
            .unwrap();
        assert_eq!(stdout(&cpio).trim(), "9", "{compressor}");
    }
}

#[test]
fn installs_runs_scripts_verifies_upgrades_keeping_config_and_removes() {
    let dir = tempfile::tempdir().unwrap();
    let root = scratch_root(dir.path());
    let v1 = write_rpm(
        &rich_package("1.2.3", b"greeting = hello\n"),
        "x86_64-linux",
        dir.path(),
        None,
    );
    run_ok(rpm_in(&root).args(["-ivh", "--nodeps"]).arg(&v1));
    assert_eq!(
        std::fs::read(root.join("usr/bin/hello")).unwrap(),
        b"#!/bin/sh\necho hello\n"
    );
    assert_eq!(
        std::fs::read_link(root.join("usr/bin/hi")).unwrap(),
        Path::new("hello")
    );
    let log = || std::fs::read_to_string(root.join(SCRIPT_LOG.trim_start_matches('/'))).unwrap();
    assert_eq!(log(), "pre 1\npost 1\n");
    // Verification is clean: sizes, digests, modes, owners, times, links.
    let verify = run(rpm_in(&root).args(["-V", "--nodeps", "hello"]));
    assert!(
        verify.status.success() && stdout(&verify).is_empty(),
        "rpm -V: {}\n{}",
        stdout(&verify),
        String::from_utf8_lossy(&verify.stderr)
    );

    // The user edits the configuration; the next version ships a new one.
    let conf = root.join("etc/hello/hello.conf");
    std::fs::write(&conf, "greeting = edited\n").unwrap();
    let v2 = write_rpm(
        &rich_package("1.2.4", b"greeting = new default\n"),
        "x86_64-linux",
        dir.path(),
        None,
    );
    run_ok(rpm_in(&root).args(["-Uvh", "--nodeps"]).arg(&v2));
    assert_eq!(
        std::fs::read_to_string(&conf).unwrap(),
        "greeting = edited\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("etc/hello/hello.conf.rpmnew")).unwrap(),
        "greeting = new default\n"
    );
    let version = stdout(&run_ok(rpm_in(&root).args(["-q", "hello"])));
    assert_eq!(version.trim(), "hello-1.2.4-1.noarch");
    assert_eq!(
        log(),
        "pre 1\npost 1\npre 2\npost 2\npreun 1\npostun 1\n",
        "upgrade scriptlets"
    );

    std::fs::remove_file(root.join("etc/hello/hello.conf.rpmnew")).unwrap();
    run_ok(rpm_in(&root).args(["-e", "hello"]));
    assert_eq!(
        log(),
        "pre 1\npost 1\npre 2\npost 2\npreun 1\npostun 1\npreun 0\npostun 0\n"
    );
    assert!(!root.join("usr/bin/hello").exists());
    // The edited config is saved, the package's own folders go; /usr/bin stays.
    assert_eq!(
        std::fs::read_to_string(root.join("etc/hello/hello.conf.rpmsave")).unwrap(),
        "greeting = edited\n"
    );
    assert!(!root.join("var/lib/hello").exists());
    assert!(!root.join("usr/share/doc/hello").exists());
    assert!(root.join("usr/bin").is_dir());
    let gone = run(rpm_in(&root).args(["-q", "hello"]));
    assert!(!gone.status.success());
}

/// An Ed25519 key made by gpg in a throw-away home: (armored secret key,
/// armored public key, long key id).
fn gpg_key(dir: &Path) -> (String, PathBuf, String) {
    let home = dir.join("gnupg");
    std::fs::create_dir(&home).unwrap();
    std::fs::set_permissions(&home, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let gpg = || {
        let mut cmd = tool("gpg");
        cmd.env("GNUPGHOME", &home).args([
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
        ]);
        cmd
    };
    run_ok(gpg().args([
        "--quick-gen-key",
        "Release Signer <release@example.org>",
        "ed25519",
        "sign",
        "never",
    ]));
    let secret = stdout(&run_ok(gpg().args([
        "--armor",
        "--export-secret-keys",
        "release@example.org",
    ])));
    let public = dir.join("pub.asc");
    let exported = run_ok(gpg().args(["--armor", "--export", "release@example.org"]));
    std::fs::write(&public, &exported.stdout).unwrap();
    let colons = stdout(&run_ok(gpg().args([
        "--with-colons",
        "--list-keys",
        "release@example.org",
    ])));
    let key_id = colons
        .lines()
        .find(|l| l.starts_with("pub:"))
        .and_then(|l| l.split(':').nth(4))
        .unwrap()
        .to_lowercase();
    // gpg started an agent for this home; stop it.
    run_ok(
        tool("gpgconf")
            .env("GNUPGHOME", &home)
            .args(["--kill", "all"]),
    );
    (secret, public, key_id)
}

#[test]
fn a_signed_package_verifies_with_the_imported_key_and_installs() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, public, key_id) = gpg_key(dir.path());
    let pkg = rich_package("1.2.3", b"greeting = hello\n");
    let signed = write_rpm(&pkg, "x86_64-linux", dir.path(), Some(&secret));
    let again_dir = dir.path().join("again");
    std::fs::create_dir(&again_dir).unwrap();
    let again = write_rpm(&pkg, "x86_64-linux", &again_dir, Some(&secret));
    assert_eq!(
        std::fs::read(&signed).unwrap(),
        std::fs::read(&again).unwrap(),
        "signed builds are reproducible"
    );

    let root = scratch_root(dir.path());
    let before = run(rpm_in(&root).arg("-K").arg(&signed));
    assert!(
        !before.status.success() && stdout(&before).contains("SIGNATURES NOT OK"),
        "without the key: {}",
        stdout(&before)
    );
    run_ok(rpm_in(&root).arg("--import").arg(&public));
    let after = stdout(&run_ok(rpm_in(&root).arg("-K").arg(&signed)));
    assert!(
        after.trim_end().ends_with(": digests signatures OK"),
        "{after}"
    );
    let sig = rpm_query(
        &signed,
        &["--qf", "%{RSAHEADER:pgpsig}\n%{DSAHEADER:pgpsig}"],
    );
    assert!(sig.contains("EdDSA/SHA"), "{sig}");
    assert!(sig.contains(&format!("Key ID {key_id}")), "{key_id}: {sig}");
    run_ok(rpm_in(&root).args(["-ivh", "--nodeps"]).arg(&signed));
}

/// What a packager would ship: no scripts writing to /tmp, standard modes.
fn lint_package() -> Package {
    let mut pkg = sample_package("1.2.3");
    pkg.entries.push(file(
        "/usr/share/licenses/hello/LICENSE",
        0o644,
        EntryKind::License,
        b"MIT License\n",
    ));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    pkg.scripts.post_install = Some("echo \"hello installed\"\n".into());
    pkg.scripts.post_remove = Some("echo \"hello removed\"\n".into());
    pkg.relations.depends = rel(&["bash >= 4.0"]);
    pkg.formats.rpm.group = Some("Applications/Text".into());
    pkg
}

#[test]
fn rpmlint_finds_no_error_in_a_signed_package() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, public, _) = gpg_key(dir.path());
    let signed = write_rpm(&lint_package(), "x86_64-linux", dir.path(), Some(&secret));
    // rpmlint checks the signature against the rpm database of $HOME
    // (Debian's %_dbpath is ~/.rpmdb): give it one that knows the key.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    run_ok(tool("rpm").env("HOME", &home).arg("--import").arg(&public));
    let lint = run(tool("rpmlint").env("HOME", &home).arg(&signed));
    let report = stdout(&lint);
    let errors: Vec<&str> = report.lines().filter(|l| l.contains(": E: ")).collect();
    assert!(errors.is_empty(), "rpmlint errors:\n{report}");
    assert!(report.contains(" 0 errors"), "{report}");
}

#[test]
fn a_key_that_does_not_parse_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = sample_package("1.0.0");
    let target = Target::parse("x86_64-linux").unwrap();
    let path = dir.path().join("x.rpm");
    let mut out = std::fs::File::create(&path).unwrap();
    let ctx = WriteContext {
        source_date_epoch: EPOCH,
        threads: 1,
        scratch_dir: dir.path(),
        events: &NoEvents,
        openpgp_key: Some("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nnot a key\n"),
    };
    let err = RpmPackage::new()
        .write(&pkg, &target, &ctx, &mut out)
        .unwrap_err()
        .to_string();
    assert!(err.contains("OpenPGP key"), "{err}");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
}

#[test]
fn same_input_same_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let pkg = rich_package("1.2.3", b"x\n");
    let first = std::fs::read(write_rpm(&pkg, "x86_64-linux", a.path(), None)).unwrap();
    let second = std::fs::read(write_rpm(&pkg, "x86_64-linux", b.path(), None)).unwrap();
    assert_eq!(first, second);
}

#[test]
fn targets_name_the_rpm_arch_and_others_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = sample_package("1.0.0");
    pkg.has_binaries = true;
    for (target, arch) in [
        ("x86_64-linux", "x86_64"),
        ("i686-linux", "i686"),
        ("aarch64-linux", "aarch64"),
        ("armv7-linux", "armv7hl"),
        ("riscv64-linux", "riscv64"),
        ("powerpc64le-linux", "ppc64le"),
        ("s390x-linux", "s390x"),
    ] {
        let path = write_rpm(&pkg, target, dir.path(), None);
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("hello-1.0.0-1.{arch}.rpm")
        );
        assert_eq!(rpm_query(&path, &["--qf", "%{ARCH}"]), arch);
    }
    for target in ["x86_64-windows", "aarch64-macos", "wasm32"] {
        let err = RpmPackage::new()
            .accepts(&Target::parse(target).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("armv7hl"), "{target}: {err}");
    }
}

/// Makes a good package bad in one way.
type Breaker = fn(&mut Package);

#[test]
fn what_rpm_would_refuse_is_caught_by_validate() {
    let target = Target::parse("x86_64-linux").unwrap();
    let cases: Vec<(Breaker, &str)> = vec![
        (|p| p.name = "hello world".into(), "name `hello world`"),
        (|p| p.version.release = "1-2".into(), "release `1-2`"),
        (
            |p| p.relations.depends = rel(&["libfoo >= 1.0-2-3"]),
            "[relations] depends[0]",
        ),
        (
            |p| p.relations.provides = rel(&["a | b"]),
            "[relations] provides[0]",
        ),
        (
            |p| p.formats.rpm.ghost = vec!["var/log/x".into()],
            "[rpm] ghost[0]",
        ),
        (
            |p| p.formats.rpm.compression = Some("bzip2".into()),
            "[rpm] compression",
        ),
        (|p| p.summary = "bell\u{7}".into(), "[package] summary"),
    ];
    for (break_it, needle) in cases {
        let mut pkg = sample_package("1.0.0");
        break_it(&mut pkg);
        let err = RpmPackage::new()
            .validate(&pkg, &target)
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "`{needle}` not in: {err}");
    }
}

/// Collects the warnings a backend reports.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<String>>);

impl vitte_buildkit_formats::Events for Recorder {
    fn warning(&self, message: &str) {
        self.0.lock().unwrap().push(message.to_string());
    }
}

#[test]
fn what_rpm_leaves_out_is_reported_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = sample_package("1.0.0");
    let mut usr_bin = file("/usr/bin", 0o755, EntryKind::Dir, b"");
    usr_bin.source = vitte_buildkit_formats::Source::None;
    usr_bin.size = 0;
    pkg.entries.push(usr_bin);
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    pkg.relations.replaces = rel(&["hello-old"]);
    let target = Target::parse("x86_64-linux").unwrap();
    let path = dir.path().join("hello.rpm");
    let recorder = Recorder::default();
    let ctx = WriteContext {
        source_date_epoch: EPOCH,
        threads: 1,
        scratch_dir: dir.path(),
        events: &recorder,
        openpgp_key: None,
    };
    RpmPackage::new()
        .write(
            &pkg,
            &target,
            &ctx,
            &mut std::fs::File::create(&path).unwrap(),
        )
        .unwrap();
    let warnings = recorder.0.lock().unwrap().join("\n");
    assert!(
        warnings.contains("`/usr/bin` is a system directory"),
        "{warnings}"
    );
    assert!(warnings.contains("replaces"), "{warnings}");
    let files = rpm_query(&path, &["-l"]);
    assert!(!files.lines().any(|l| l == "/usr/bin"), "{files}");
    assert!(files.lines().any(|l| l == "/usr/bin/hello"), "{files}");
    assert!(rpm_query(&path, &["--obsoletes"]).is_empty());
}

#[test]
fn a_script_runs_with_the_interpreter_its_shebang_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = sample_package("1.0.0");
    pkg.scripts.pre_install = Some("#!/bin/bash -e\n[[ -n x ]] && echo pre\n".into());
    pkg.scripts.post_install = Some("echo post\n".into());
    let path = write_rpm(&pkg, "x86_64-linux", dir.path(), None);
    let scripts = rpm_query(&path, &["--scripts"]);
    assert!(
        scripts.contains("preinstall scriptlet (using /bin/bash -e):\n#!/bin/bash -e\n"),
        "{scripts}"
    );
    assert!(
        scripts.contains("postinstall scriptlet (using /bin/sh):\necho post\n"),
        "{scripts}"
    );
    let requires = rpm_query(
        &path,
        &["--qf", "[%{REQUIRENAME} %{REQUIREFLAGS:deptype}\n]"],
    );
    assert!(
        requires.lines().any(|l| l == "/bin/bash pre,interp"),
        "{requires}"
    );
    assert!(
        requires.lines().any(|l| l == "/bin/sh post,interp"),
        "{requires}"
    );
}

/// A package of one file, /usr/share/NAME/README.
fn small_package(name: &str, version: &str) -> Package {
    let mut pkg = sample_package(version);
    pkg.name = name.into();
    pkg.entries = vec![file(
        &format!("/usr/share/{name}/README"),
        0o644,
        EntryKind::Doc,
        b"readme\n",
    )];
    pkg
}

#[test]
fn rpm_resolves_relations_the_way_the_manifest_says() {
    let dir = tempfile::tempdir().unwrap();
    let root = scratch_root(dir.path());
    let build = |pkg: &Package| write_rpm(pkg, "x86_64-linux", dir.path(), None);
    // `base` provides the capability and the shell the others' scripts need.
    let mut base = small_package("base", "1.0.0");
    base.relations.provides = rel(&["greeter = 1.2", "/bin/sh"]);
    run_ok(rpm_in(&root).arg("-i").arg(build(&base)));

    let install = |pkg: &Package| run(rpm_in(&root).arg("-i").arg(build(pkg)));
    let refused = |pkg: &Package, why: &str| {
        let out = install(pkg);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success() && err.contains(why),
            "{}: {err}",
            pkg.name
        );
    };
    let mut too_new = small_package("wants-new", "1.0.0");
    too_new.relations.depends = rel(&["greeter > 1.2"]);
    refused(&too_new, "greeter > 1.2 is needed by");
    let mut either = small_package("either", "1.0.0");
    either.relations.depends = rel(&["missing | greeter >= 1.0"]);
    assert!(install(&either).status.success());
    let mut rival = small_package("rival", "1.0.0");
    rival.relations.conflicts = rel(&["base < 2"]);
    refused(&rival, "base < 2 conflicts with rival");

    // Obsoletes: upgrading to the successor removes `base`.
    let mut successor = small_package("successor", "2.0.0");
    successor.relations.provides = rel(&["greeter = 2.0", "/bin/sh"]);
    successor.relations.obsoletes = rel(&["base < 2"]);
    run_ok(rpm_in(&root).arg("-U").arg(build(&successor)));
    let installed = stdout(&run_ok(rpm_in(&root).args(["-qa", "--qf", "%{NAME}\n"])));
    let mut names: Vec<&str> = installed.lines().collect();
    names.sort();
    assert_eq!(names, ["either", "successor"]);
}

/// A source whose size differs from the planned one (it was written to
/// while packaging) is an error naming it, in both directions.
#[test]
fn a_source_that_changed_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("data");
    std::fs::write(&source, b"0123456789").unwrap();
    let target = Target::parse("x86_64-linux").unwrap();
    for planned in [5, 20] {
        let mut pkg = sample_package("1.0.0");
        let mut entry = file("/usr/share/hello/data", 0o644, EntryKind::File, b"");
        entry.source = vitte_buildkit_formats::Source::Path(source.clone());
        entry.size = planned;
        pkg.entries.push(entry);
        pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
        let ctx = WriteContext {
            source_date_epoch: EPOCH,
            threads: 2,
            scratch_dir: dir.path(),
            events: &NoEvents,
            openpgp_key: None,
        };
        let mut out = std::fs::File::create(dir.path().join("out.rpm")).unwrap();
        let error = RpmPackage::new()
            .write(&pkg, &target, &ctx, &mut out)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("changed size") && error.contains(&source.display().to_string()),
            "{error}"
        );
    }
}
