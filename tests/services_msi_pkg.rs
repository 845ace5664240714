//! `[[services]]` for Windows and macOS, end to end from the CLI with
//! `examples/hello-daemon`: the .msi's ServiceInstall/ServiceControl rows
//! read by msiinfo, and the service installed, started and removed by
//! Windows Installer under wine (judged by `sc query` and the registry);
//! the .pkg's launchd property list parsed by python3's plistlib and its
//! scripts checked by `sh -n`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn example_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hello-daemon/buildkit.toml")
}

/// Packages `manifest` as `format` for `target` into `out`; returns the artifact.
fn build(manifest: &Path, format: &str, target: &str, out: &Path) -> PathBuf {
    run_ok(
        buildkit()
            .args(["package", "--format", format, "--target", target])
            .arg("--manifest")
            .arg(manifest)
            .arg("--out")
            .arg(out),
    );
    std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == format))
        .unwrap_or_else(|| panic!("no .{format} in {}", out.display()))
}

/// One table of the MSI as msiinfo exports it: the rows after the three
/// header lines, split at tabs.
fn msi_table(msi: &Path, table: &str) -> Vec<Vec<String>> {
    let out = text(&run_ok(tool("msiinfo").arg("export").arg(msi).arg(table)).stdout);
    out.lines()
        .skip(3)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// A wine prefix of its own, headless.
struct Wine {
    prefix: tempfile::TempDir,
}

impl Wine {
    fn new() -> Self {
        let wine = Wine {
            prefix: tempfile::tempdir().unwrap(),
        };
        run_ok(&mut wine.cmd("wineboot", &["-i"]));
        wine.settle();
        wine
    }

    fn cmd(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = tool(program);
        cmd.env("WINEPREFIX", self.prefix.path().join("pfx"))
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("DISPLAY", "")
            .args(args);
        cmd
    }

    fn settle(&self) {
        run(&mut self.cmd("wineserver", &["-w"]));
    }

    fn service(&self) -> (String, String) {
        let query = run(&mut self.cmd("wine", &["sc", "query", "hello-daemon"]));
        let key = run(&mut self.cmd(
            "wine",
            &[
                "reg",
                "query",
                "HKLM\\System\\CurrentControlSet\\Services\\hello-daemon",
            ],
        ));
        let key = if key.status.success() {
            text(&key.stdout)
        } else {
            String::new()
        };
        (text(&query.stdout), key)
    }
}

#[test]
fn msi_service_rows_install_start_upgrade_and_uninstall_under_wine() {
    let dir = tempfile::tempdir().unwrap();
    let msi = build(&example_manifest(), "msi", "x86_64-windows", dir.path());

    let installs = msi_table(&msi, "ServiceInstall");
    assert_eq!(installs.len(), 1, "{installs:?}");
    let row = &installs[0];
    // Name, DisplayName, own process, automatic start, normal errors.
    assert_eq!(&row[1..6], ["hello-daemon", "hello-daemon", "16", "2", "1"]);
    assert_eq!(row[12], "Hello daemon: greets the world every minute");
    let files = msi_table(&msi, "File");
    let exe = files
        .iter()
        .find(|f| f[2].ends_with("hello-daemon.exe"))
        .unwrap_or_else(|| panic!("{files:?}"));
    assert_eq!(row[11], exe[1], "the service lives in the exe's component");
    let controls = msi_table(&msi, "ServiceControl");
    assert_eq!(controls.len(), 1, "{controls:?}");
    // Start on install, stop on install and uninstall, delete on uninstall; wait.
    assert_eq!(
        &controls[0][1..],
        ["hello-daemon", "163", "", "1", &row[11]]
    );
    let sequence = msi_table(&msi, "InstallExecuteSequence");
    for action in [
        "StopServices",
        "DeleteServices",
        "InstallServices",
        "StartServices",
    ] {
        assert!(sequence.iter().any(|r| r[0] == action), "{action} missing");
    }

    let wine = Wine::new();
    let install = run(&mut wine.cmd("wine", &["msiexec", "/i", msi.to_str().unwrap(), "/qn"]));
    wine.settle();
    assert!(install.status.success(), "{}", text(&install.stderr));
    let (query, key) = wine.service();
    assert!(query.contains("WIN32_OWN_PROCESS"), "{query}");
    assert!(
        query.contains("RUNNING"),
        "the service did not start:\n{query}"
    );
    assert!(key.contains("Start    REG_DWORD    0x2"), "{key}");
    assert!(key.contains("hello-daemon\\bin\\hello-daemon.exe"), "{key}");

    // A major upgrade stops and removes the old service, installs and
    // starts the new one: one product, its service running.
    let copy = dir.path().join("v2");
    run_ok(
        tool("cp")
            .arg("-a")
            .arg(example_manifest().parent().unwrap())
            .arg(&copy),
    );
    let manifest = std::fs::read_to_string(copy.join("buildkit.toml")).unwrap();
    std::fs::write(
        copy.join("buildkit.toml"),
        manifest.replace("version = \"1.0.0\"", "version = \"1.0.1\""),
    )
    .unwrap();
    let msi = build(
        &copy.join("buildkit.toml"),
        "msi",
        "x86_64-windows",
        &copy.join("out"),
    );
    let upgrade = run(&mut wine.cmd("wine", &["msiexec", "/i", msi.to_str().unwrap(), "/qn"]));
    wine.settle();
    assert!(upgrade.status.success(), "{}", text(&upgrade.stderr));
    let (query, _) = wine.service();
    assert!(
        query.contains("RUNNING"),
        "not running after the upgrade:\n{query}"
    );
    let products = text(
        &run_ok(&mut wine.cmd(
            "wine",
            &[
                "reg",
                "query",
                "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
                "/s",
            ],
        ))
        .stdout,
    );
    let versions: Vec<&str> = products
        .lines()
        .filter(|l| l.contains("DisplayVersion"))
        .collect();
    assert_eq!(versions.len(), 1, "{products}");
    assert!(versions[0].ends_with("1.0.1"), "{products}");

    let uninstall = run(&mut wine.cmd("wine", &["msiexec", "/x", msi.to_str().unwrap(), "/qn"]));
    wine.settle();
    assert!(uninstall.status.success(), "{}", text(&uninstall.stderr));
    let (query, key) = wine.service();
    assert!(!query.contains("hello-daemon"), "{query}");
    assert!(key.is_empty(), "the service key is left:\n{key}");
}

#[test]
fn msi_service_not_enabled_starts_on_demand_is_not_started_and_runs_as_local_service() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = std::fs::read_to_string(example_manifest()).unwrap();
    let manifest = manifest.replace(
        "restart = \"on-failure\"",
        "restart = \"on-failure\"\nenable = false\nstart = false\nwindows-account = \"LocalService\"",
    );
    let copy = dir.path().join("hello-daemon");
    run_ok(
        tool("cp")
            .arg("-a")
            .arg(example_manifest().parent().unwrap())
            .arg(&copy),
    );
    std::fs::write(copy.join("buildkit.toml"), manifest).unwrap();
    let msi = build(
        &copy.join("buildkit.toml"),
        "msi",
        "x86_64-windows",
        &dir.path().join("out"),
    );
    let installs = msi_table(&msi, "ServiceInstall");
    assert_eq!(installs[0][4], "3", "demand start: {installs:?}");
    assert_eq!(installs[0][8], "NT AUTHORITY\\LocalService", "{installs:?}");
    let controls = msi_table(&msi, "ServiceControl");
    assert_eq!(controls[0][2], "162", "no start on install: {controls:?}");

    let wine = Wine::new();
    let install = run(&mut wine.cmd("wine", &["msiexec", "/i", msi.to_str().unwrap(), "/qn"]));
    wine.settle();
    assert!(install.status.success(), "{}", text(&install.stderr));
    let (query, key) = wine.service();
    assert!(
        query.contains("STOPPED"),
        "started although start = false:\n{query}"
    );
    assert!(key.contains("Start    REG_DWORD    0x3"), "{key}");
    assert!(
        key.contains("ObjectName    REG_SZ    NT AUTHORITY\\LocalService"),
        "{key}"
    );
}

#[test]
fn pkg_has_a_launchd_plist_and_scripts_that_load_it() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = build(&example_manifest(), "pkg", "universal-macos", dir.path());
    let xar = dir.path().join("xar");
    std::fs::create_dir(&xar).unwrap();
    run_ok(tool("bsdtar").arg("-xf").arg(&pkg).arg("-C").arg(&xar));
    let component = xar.join("hello-daemon.pkg");
    for (archive, into) in [("Payload", "payload"), ("Scripts", "scripts")] {
        let to = dir.path().join(into);
        std::fs::create_dir(&to).unwrap();
        run_ok(
            tool("bsdtar")
                .arg("-xf")
                .arg(component.join(archive))
                .arg("-C")
                .arg(&to),
        );
    }
    let plist = dir
        .path()
        .join("payload/Library/LaunchDaemons/org.example-org.hello-daemon.plist");
    let check = r#"
import plistlib, sys
with open(sys.argv[1], "rb") as f:
    p = plistlib.load(f)
assert p["Label"] == "org.example-org.hello-daemon", p
assert p["ProgramArguments"] == ["/usr/local/bin/hello-daemon"], p
assert p["RunAtLoad"] is True, p
assert p["KeepAlive"] == {"SuccessfulExit": False}, p
assert p["UserName"] == "hello-daemon" and p["GroupName"] == "hello-daemon", p
assert p["EnvironmentVariables"] == {"HELLO_INTERVAL": "60"}, p
assert p["WorkingDirectory"] == "/var/lib/hello-daemon", p
assert "Disabled" not in p, p
print("ok")
"#;
    let out = run_ok(tool("python3").arg("-c").arg(check).arg(&plist));
    assert_eq!(text(&out.stdout).trim(), "ok");
    let listing = text(&run_ok(tool("bsdtar").arg("-tvf").arg(component.join("Payload"))).stdout);
    let line = listing
        .lines()
        .find(|l| l.ends_with("org.example-org.hello-daemon.plist"))
        .unwrap();
    assert!(line.starts_with("-rw-r--r--"), "launchd wants 0644: {line}");
    let scripts = dir.path().join("scripts");
    let pre = std::fs::read_to_string(scripts.join("preinstall")).unwrap();
    let post = std::fs::read_to_string(scripts.join("postinstall")).unwrap();
    assert!(
        pre.contains("/bin/launchctl bootout 'system/org.example-org.hello-daemon'"),
        "{pre}"
    );
    assert!(post.contains("/bin/launchctl bootstrap system '/Library/LaunchDaemons/org.example-org.hello-daemon.plist'"), "{post}");
    for script in ["preinstall", "postinstall"] {
        run_ok(tool("sh").arg("-n").arg(scripts.join(script)));
        run_ok(tool("busybox").args(["sh", "-n"]).arg(scripts.join(script)));
    }
    // Run as the installer would on another volume: nothing may call launchctl.
    let out = run_ok(tool("sh").arg(scripts.join("postinstall")).args([
        pkg.to_str().unwrap(),
        "/Volumes/Other",
        "/Volumes/Other",
    ]));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}
