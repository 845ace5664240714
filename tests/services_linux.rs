//! `[[services]]`, `[[users]]` and `[[tmpfiles]]` on Linux, end to end from
//! the CLI with `examples/hello-daemon`: the generated units judged by
//! `systemd-analyze verify`; the .deb installed, upgraded, removed and
//! purged by real dpkg in scratch roots (chrootless with the real
//! deb-systemd-helper, systemd-sysusers and systemd-tmpfiles; and chrooted
//! with a "running" systemd whose commands are recorded); the .rpm by real
//! rpm in a busybox root holding the real systemctl and systemd-sysusers;
//! judged by `systemctl --root`, the root's /etc/passwd, lintian and rpmlint.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello-daemon")
}

/// A copy of the example at `version`, with `restart-on-upgrade` set.
fn example_copy(dir: &Path, version: &str, restart_on_upgrade: bool) -> PathBuf {
    let copy = dir.join(format!("src-{version}-{restart_on_upgrade}"));
    std::fs::create_dir_all(dir).unwrap();
    run_ok(tool("cp").arg("-a").arg(example_dir()).arg(&copy));
    let manifest = copy.join("buildkit.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replace("version = \"1.0.0\"", &format!("version = \"{version}\""));
    let text = text.replace(
        "working-directory = \"/var/lib/hello-daemon\"",
        &format!(
            "working-directory = \"/var/lib/hello-daemon\"\nrestart-on-upgrade = {restart_on_upgrade}"
        ),
    );
    std::fs::write(&manifest, text).unwrap();
    manifest
}

/// Packages `manifest` as `format` for x86_64-linux; returns the artifact.
fn build(manifest: &Path, format: &str, out: &Path, extra: &[&str]) -> PathBuf {
    run_ok(
        buildkit()
            .args(["package", "--format", format, "--target", "x86_64-linux"])
            .arg("--manifest")
            .arg(manifest)
            .arg("--out")
            .arg(out)
            .args(extra),
    );
    std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == format))
        .unwrap_or_else(|| panic!("no .{format} in {}", out.display()))
}

fn write_script(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `systemctl --root R is-enabled hello-daemon`: its answer.
fn is_enabled(root: &Path) -> String {
    let out = run(tool("systemctl")
        .arg("--root")
        .arg(root)
        .args(["is-enabled", "hello-daemon.service"]));
    text(&out.stdout).trim().to_string()
}

/// Reads and empties the call log.
fn take_calls(log: &Path) -> String {
    let calls = std::fs::read_to_string(log).unwrap_or_default();
    let _ = std::fs::remove_file(log);
    calls
}

/// An empty dpkg database, where `systemd` counts as installed (the
/// package depends on it for systemd-sysusers).
fn dpkg_root(root: &Path) {
    std::fs::create_dir_all(root.join("var/lib/dpkg/info")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg/updates")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("var/lib/dpkg/status"),
        "Package: systemd\nStatus: install ok installed\nMaintainer: x <x@example.org>\n\
         Architecture: amd64\nVersion: 252\nDescription: stand-in\n\n",
    )
    .unwrap();
}

#[test]
fn generated_units_pass_systemd_analyze_verify() {
    let dir = tempfile::tempdir().unwrap();
    let tricky = Project::new(
        &format!(
            "{PACKAGE}\n[[files]]\nsrc = \"d\"\ndst = \"/usr/bin/d\"\nmode = \"0755\"\n\n\
             [[services]]\nname = \"tricky\"\ndescription = \"100% tricky\"\n\
             exec = [\"/usr/bin/d\", \"two words\", \"$HOME\", \"50%\", \"say \\\"hi\\\"\"]\n\
             restart = \"always\"\nafter = [\"network-online.target\"]\nwants = [\"network-online.target\"]\n\
             environment = {{ GREETING = \"a \\\"quoted\\\" value\", PERCENT = \"5%\" }}\n"
        ),
        &[("d", b"#!/bin/sh\nexec sleep 1000\n", 0o755)],
    );
    for (manifest, unit) in [
        (example_dir().join("buildkit.toml"), "hello-daemon.service"),
        (tricky.manifest(), "tricky.service"),
    ] {
        let out = dir.path().join(unit);
        let deb = build(&manifest, "deb", &out, &[]);
        // The package's files in a root beside the host's own units, which
        // the verifier follows (multi-user.target, network.target, …).
        let root = out.join("root");
        run_ok(tool("dpkg-deb").arg("-x").arg(&deb).arg(&root));
        let units = root.join("usr/lib/systemd/system");
        for host in std::fs::read_dir("/usr/lib/systemd/system")
            .unwrap()
            .flatten()
        {
            let name = host.file_name();
            if !units.join(&name).exists() && host.path().is_file() {
                std::fs::copy(host.path(), units.join(&name)).unwrap();
            }
        }
        let verify = run(tool("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(format!("--root={}", root.display()))
            .arg(unit));
        let said = format!("{}{}", text(&verify.stdout), text(&verify.stderr));
        assert!(
            said.trim().is_empty(),
            "systemd-analyze verify {unit}:\n{said}"
        );
    }
    let unit = std::fs::read_to_string(
        dir.path()
            .join("tricky.service/root/usr/lib/systemd/system/tricky.service"),
    )
    .unwrap();
    assert!(
        unit.contains("Restart=always") && unit.contains("Wants=network-online.target"),
        "{unit}"
    );
}

#[test]
fn deb_installs_enables_creates_the_user_upgrades_and_purges_chrootless() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = build(
        &example_copy(dir.path(), "1.0.0", true),
        "deb",
        &dir.path().join("v1"),
        &[],
    );
    let v2 = build(
        &example_copy(dir.path(), "1.0.1", true),
        "deb",
        &dir.path().join("v2"),
        &[],
    );
    let root = dir.path().join("root");
    dpkg_root(&root);
    // Wrappers record every call; the helpers that act on the root run for
    // real, the two that would talk to this machine's systemd only record.
    let bin = dir.path().join("wrappers");
    let log = dir.path().join("calls.log");
    for (name, real) in [
        ("deb-systemd-helper", true),
        ("systemd-sysusers", true),
        ("systemd-tmpfiles", true),
        ("deb-systemd-invoke", false),
        ("systemctl", false),
    ] {
        let exec = if real {
            format!("exec /usr/bin/{name} \"$@\"")
        } else {
            "exit 0".into()
        };
        write_script(
            &bin.join(name),
            &format!(
                "#!/bin/sh\necho \"{name} $*\" >>'{}'\n{exec}\n",
                log.display()
            ),
        );
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let dpkg = |args: &[&str], deb: Option<&Path>| {
        let mut cmd = tool("dpkg");
        cmd.env("PATH", &path)
            .arg(format!("--root={}", root.display()))
            .args(["--force-script-chrootless", "--force-not-root"])
            .args(args);
        if let Some(deb) = deb {
            cmd.arg(deb);
        }
        run_ok(&mut cmd)
    };

    dpkg(&["-i"], Some(&v1));
    assert_eq!(is_enabled(&root), "enabled");
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
    let user = passwd
        .lines()
        .find(|l| l.starts_with("hello-daemon:"))
        .unwrap_or_else(|| panic!("{passwd}"));
    assert!(
        user.ends_with(":hello-daemon service:/var/lib/hello-daemon:/usr/sbin/nologin"),
        "{user}"
    );
    let state = std::fs::metadata(root.join("var/lib/hello-daemon")).unwrap();
    assert!(state.is_dir() && state.permissions().mode() & 0o7777 == 0o750);
    let calls = take_calls(&log);
    let root_arg = format!("--root={}", root.display());
    assert!(
        calls.contains(&format!("systemd-sysusers {root_arg} hello-daemon.conf")),
        "{calls}"
    );
    assert!(
        calls.contains(&format!(
            "systemd-tmpfiles {root_arg} --create hello-daemon.conf"
        )),
        "{calls}"
    );
    assert!(
        calls.contains("deb-systemd-helper enable hello-daemon.service"),
        "{calls}"
    );
    // DPKG_ROOT is set: nothing may talk to this machine's systemd.
    assert!(
        !calls.contains("deb-systemd-invoke") && !calls.contains("systemctl"),
        "{calls}"
    );

    dpkg(&["-i"], Some(&v2));
    assert_eq!(is_enabled(&root), "enabled");
    let calls = take_calls(&log);
    assert!(
        calls.contains("deb-systemd-helper --quiet was-enabled hello-daemon.service"),
        "{calls}"
    );
    assert!(
        !calls.contains("deb-systemd-invoke") && !calls.contains("systemctl"),
        "{calls}"
    );

    let unit = root.join("usr/lib/systemd/system/hello-daemon.service");
    let wants = root.join("etc/systemd/system/multi-user.target.wants/hello-daemon.service");
    assert!(unit.is_file() && wants.symlink_metadata().is_ok());
    dpkg(&["-r", "hello-daemon"], None);
    assert!(!unit.exists());
    assert_ne!(is_enabled(&root), "enabled");
    dpkg(&["-P", "hello-daemon"], None);
    assert!(
        wants.symlink_metadata().is_err(),
        "purge left {}",
        wants.display()
    );
    assert!(take_calls(&log).contains("deb-systemd-helper purge hello-daemon.service"));
}

/// A root dpkg chroots into to run the scripts: busybox for the shell, and
/// stand-ins for the systemd tools that record their calls in /calls.log;
/// `/run/systemd/system` says systemd is running.
fn chroot_root(root: &Path) {
    dpkg_root(root);
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::copy("/bin/busybox", root.join("bin/busybox")).expect("busybox-static is installed");
    std::os::unix::fs::symlink("busybox", root.join("bin/sh")).unwrap();
    std::fs::create_dir_all(root.join("run/systemd/system")).unwrap();
    dev_null(root);
    for name in [
        "deb-systemd-helper",
        "deb-systemd-invoke",
        "systemctl",
        "systemd-sysusers",
        "systemd-tmpfiles",
    ] {
        write_script(
            &root.join("usr/bin").join(name),
            &format!("#!/bin/sh\necho \"{name} $*\" >>/calls.log\nexit 0\n"),
        );
    }
}

#[test]
fn deb_upgrade_restarts_the_running_service_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    for restart in [true, false] {
        let out = dir.path().join(format!("restart-{restart}"));
        let v1 = build(
            &example_copy(&out, "1.0.0", restart),
            "deb",
            &out.join("v1"),
            &[],
        );
        let v2 = build(
            &example_copy(&out, "1.0.1", restart),
            "deb",
            &out.join("v2"),
            &[],
        );
        let root = out.join("root");
        chroot_root(&root);
        let log = root.join("calls.log");
        let dpkg = |args: &[&str]| {
            run_ok(
                tool("dpkg")
                    .arg(format!("--root={}", root.display()))
                    .args(args),
            )
        };

        dpkg(&["-i", v1.to_str().unwrap()]);
        let install = take_calls(&log);
        assert!(
            install.contains("systemctl --system daemon-reload"),
            "{install}"
        );
        assert!(
            install.contains("deb-systemd-invoke start hello-daemon.service"),
            "{install}"
        );

        dpkg(&["-i", v2.to_str().unwrap()]);
        let upgrade = take_calls(&log);
        let restarted = upgrade.contains("deb-systemd-invoke restart hello-daemon.service");
        assert_eq!(
            restarted, restart,
            "restart-on-upgrade = {restart}:\n{upgrade}"
        );
        assert!(!upgrade.contains("deb-systemd-invoke stop"), "{upgrade}");
        if !restart {
            assert!(!upgrade.contains("restart"), "{upgrade}");
        }

        dpkg(&["-r", "hello-daemon"]);
        let remove = take_calls(&log);
        assert!(
            remove.contains("deb-systemd-invoke stop hello-daemon.service"),
            "{remove}"
        );
    }
}

/// Copies `binaries` and every library `ldd` names into `root`.
fn copy_with_libraries(root: &Path, binaries: &[&str]) {
    for binary in binaries {
        let ldd = text(&run_ok(tool("ldd").arg(binary)).stdout);
        let libraries = ldd
            .split_whitespace()
            .filter(|w| w.starts_with('/'))
            .map(str::to_string);
        for file in std::iter::once(binary.to_string()).chain(libraries) {
            let to = root.join(file.trim_start_matches('/'));
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&file, &to).unwrap();
        }
    }
}

/// A root rpm chroots into: busybox, the real systemctl, systemd-sysusers
/// and systemd-tmpfiles with their libraries, wrappers in /usr/sbin (before
/// /usr/bin on rpm's PATH) that record each call, and /dev/null.
fn rpm_root(root: &Path) {
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::copy("/bin/busybox", root.join("bin/busybox")).expect("busybox-static is installed");
    std::os::unix::fs::symlink("busybox", root.join("bin/sh")).unwrap();
    let tools = [
        "/usr/bin/systemctl",
        "/usr/bin/systemd-sysusers",
        "/usr/bin/systemd-tmpfiles",
    ];
    copy_with_libraries(root, &tools);
    for real in tools {
        let name = real.rsplit('/').next().unwrap();
        write_script(
            &root.join("usr/sbin").join(name),
            &format!("#!/bin/sh\necho \"{name} $*\" >>/calls.log\nexec {real} \"$@\"\n"),
        );
    }
    dev_null(root);
}

/// The scripts send output to /dev/null, which a chroot needs too.
fn dev_null(root: &Path) {
    std::fs::create_dir_all(root.join("dev")).unwrap();
    run_ok(
        tool("mknod")
            .args(["-m", "666"])
            .arg(root.join("dev/null"))
            .args(["c", "1", "3"]),
    );
}

#[test]
fn rpm_presets_creates_the_user_restarts_only_when_asked_and_disables_on_erase() {
    let dir = tempfile::tempdir().unwrap();
    for restart in [true, false] {
        let out = dir.path().join(format!("restart-{restart}"));
        let v1 = build(
            &example_copy(&out, "1.0.0", restart),
            "rpm",
            &out.join("v1"),
            &[],
        );
        let v2 = build(
            &example_copy(&out, "1.0.1", restart),
            "rpm",
            &out.join("v2"),
            &[],
        );
        let requires = text(
            &run_ok(
                tool("rpm")
                    .args(["-qp", "--qf", "[%{REQUIREFLAGS:deptype} %{REQUIRENAME}\n]"])
                    .arg(&v1),
            )
            .stdout,
        );
        for phase in ["pre", "post", "preun", "postun"] {
            assert!(
                requires.contains(&format!("{phase} systemd\n")),
                "Requires({phase}): systemd missing:\n{requires}"
            );
        }
        let root = out.join("root");
        rpm_root(&root);
        let log = root.join("calls.log");
        let rpm = |args: &[&str]| run_ok(tool("rpm").arg("--root").arg(&root).args(args));
        rpm(&["--initdb"]);

        rpm(&["-i", "--nodeps", v1.to_str().unwrap()]);
        assert_eq!(is_enabled(&root), "enabled");
        let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
        assert!(
            passwd
                .lines()
                .any(|l| l.starts_with("hello-daemon:x:") && l.contains(":/var/lib/hello-daemon:")),
            "{passwd}"
        );
        let install = take_calls(&log);
        assert!(
            install.contains("systemd-sysusers --replace=/usr/lib/sysusers.d/hello-daemon.conf -"),
            "{install}"
        );
        assert!(
            install.contains("systemd-tmpfiles --create hello-daemon.conf"),
            "{install}"
        );
        assert!(
            install.contains("systemctl --no-reload preset hello-daemon.service"),
            "{install}"
        );

        // Now systemd "runs": the upgrade may talk to it.
        std::fs::create_dir_all(root.join("run/systemd/system")).unwrap();
        rpm(&["-U", "--nodeps", v2.to_str().unwrap()]);
        assert_eq!(is_enabled(&root), "enabled");
        let upgrade = take_calls(&log);
        assert!(
            !upgrade.contains("preset") && !upgrade.contains("disable"),
            "{upgrade}"
        );
        assert_eq!(
            upgrade.contains("systemctl try-restart hello-daemon.service"),
            restart,
            "restart-on-upgrade = {restart}:\n{upgrade}"
        );
        if !restart {
            assert!(!upgrade.contains("restart"), "{upgrade}");
        }

        // Offline again (the real systemctl would look for the bus): the
        // erase disables the unit in the root's files.
        std::fs::remove_dir_all(root.join("run/systemd")).unwrap();
        rpm(&["-e", "hello-daemon"]);
        let erase = take_calls(&log);
        assert!(
            erase.contains("systemctl --no-reload disable --now hello-daemon.service"),
            "{erase}"
        );
        assert!(!root
            .join("usr/lib/systemd/system/hello-daemon.service")
            .exists());
        assert!(root
            .join("etc/systemd/system/multi-user.target.wants/hello-daemon.service")
            .symlink_metadata()
            .is_err());
        assert_ne!(is_enabled(&root), "enabled");
    }
}

#[test]
fn the_daemon_example_is_lintian_and_rpmlint_clean() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = example_dir().join("buildkit.toml");
    let deb = build(&manifest, "deb", &dir.path().join("deb"), &[]);
    let lintian = run(tool("lintian").args(["--tag-display-limit", "0"]).arg(&deb));
    let said = text(&lintian.stdout);
    let bad: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("E:") || l.starts_with("W:"))
        .collect();
    assert!(bad.is_empty(), "lintian:\n{said}");

    let keys = dir.path().join("keys");
    run_ok(
        buildkit()
            .args(["keygen", "--unencrypted", "--openpgp", "--out"])
            .arg(&keys),
    );
    let key = keys.join("vitte-buildkit.key");
    let rpm = build(
        &manifest,
        "rpm",
        &dir.path().join("rpm"),
        &["--key", key.to_str().unwrap()],
    );
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    run_ok(
        tool("rpm")
            .env("HOME", &home)
            .arg("--import")
            .arg(keys.join("vitte-buildkit.asc")),
    );
    let lint = text(&run(tool("rpmlint").env("HOME", &home).arg(&rpm)).stdout);
    assert!(
        !lint.contains(": E: ") && lint.contains(" 0 errors"),
        "rpmlint:\n{lint}"
    );
}

#[test]
fn deb_with_enable_false_installs_the_unit_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = example_copy(dir.path(), "1.0.0", true);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "restart = \"on-failure\"",
            "restart = \"on-failure\"\nenable = false",
        ),
    )
    .unwrap();
    let deb = build(&manifest, "deb", &dir.path().join("out"), &[]);
    let root = dir.path().join("root");
    dpkg_root(&root);
    run_ok(
        tool("dpkg")
            .arg(format!("--root={}", root.display()))
            .args(["--force-script-chrootless", "--force-not-root", "-i"])
            .arg(&deb),
    );
    assert!(root
        .join("usr/lib/systemd/system/hello-daemon.service")
        .is_file());
    assert_eq!(is_enabled(&root), "disabled");
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
    assert!(passwd.contains("hello-daemon:"), "{passwd}");
}
