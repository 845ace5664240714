//! The MSI backend judged by msitools (msiinfo, msiextract), cabextract and
//! Windows Installer itself, as wine's msiexec runs it.

mod common;
mod msi_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use msi_common::*;
use vitte_buildkit_formats::model::{EntryKind, Package};
use vitte_buildkit_formats::msi::Msi;
use vitte_buildkit_formats::{Format, Target};

fn is_braced_guid(text: &str) -> bool {
    text.len() == 38 && text.starts_with('{') && text.ends_with('}') && uuid_like(&text[1..37])
}

fn uuid_like(text: &str) -> bool {
    text.split('-').map(str::len).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && text
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('A'..='F').contains(&c))
}

#[test]
fn msiinfo_reads_the_summary_and_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = win_package("1.2.3", b"MZ not really a program", &[]);
    let msi = write_msi(&pkg, "x86_64-pc-windows-msvc", dir.path());
    assert_eq!(
        msi.file_name().unwrap().to_str().unwrap(),
        "hello-1.2.3-x64.msi"
    );

    let summary = stdout(&run_ok(tool("msiinfo").arg("suminfo").arg(&msi)));
    let field = |name: &str| {
        summary
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in\n{summary}"))
            .to_string()
    };
    assert_eq!(field("Template"), "x64;1033");
    assert_eq!(field("Version"), "200 (c8)", "page count");
    assert_eq!(field("Source"), "2 (2)", "word count: compressed");
    assert_eq!(field("Author"), "Example Org");
    assert_eq!(field("Subject"), "hello");
    assert_eq!(field("Title"), "Installation Database");
    assert_eq!(field("Created"), "Tue Nov 14 22:13:20 2023");
    assert_eq!(field("Last saved"), "Tue Nov 14 22:13:20 2023");
    let package_code = field("Revision number (UUID)");
    assert!(is_braced_guid(&package_code), "{package_code}");

    let tables = stdout(&run_ok(tool("msiinfo").arg("tables").arg(&msi)));
    for table in [
        "_Validation",
        "Property",
        "Directory",
        "Component",
        "Feature",
        "FeatureComponents",
        "File",
        "Media",
        "Upgrade",
        "InstallExecuteSequence",
        "InstallUISequence",
        "AdminExecuteSequence",
        "AdvtExecuteSequence",
        "Environment",
        "CreateFolder",
        "LaunchCondition",
    ] {
        assert!(
            tables.lines().any(|l| l == table),
            "no {table} in\n{tables}"
        );
    }
    let codepage = stdout(&run_ok(
        tool("msiinfo")
            .arg("export")
            .arg(&msi)
            .arg("_ForceCodepage"),
    ));
    assert!(codepage.contains("1252\t_ForceCodepage"), "{codepage}");

    let props = by_key(&export(&msi, "Property"));
    let prop = |k: &str| props.get(k).map(|r| r[1].as_str()).unwrap_or("");
    assert_eq!(prop("UpgradeCode"), UPGRADE_CODE);
    assert!(is_braced_guid(prop("ProductCode")));
    assert_ne!(prop("ProductCode"), package_code);
    assert_eq!(prop("ProductVersion"), "1.2.3");
    assert_eq!(prop("ProductName"), "hello");
    assert_eq!(prop("Manufacturer"), "Example Org");
    assert_eq!(prop("ALLUSERS"), "1");
    assert_eq!(prop("ARPURLINFOABOUT"), "https://example.org/hello");
    assert_eq!(prop("ARPCONTACT"), "Jane Doe <jane@example.org>");
    assert_eq!(prop("ProductLanguage"), "1033");

    // Directory: TARGETDIR → ProgramFiles64Folder → vendor → INSTALLDIR → …
    let dirs = by_key(&export(&msi, "Directory"));
    assert_eq!(dirs["TARGETDIR"][2], "SourceDir");
    assert_eq!(dirs["ProgramFiles64Folder"][1], "TARGETDIR");
    let vendor = &dirs["INSTALLDIR"][1];
    assert_eq!(dirs["INSTALLDIR"][2], "hello");
    assert_eq!(dirs[vendor][1], "ProgramFiles64Folder");
    assert_eq!(dirs[vendor][2], "EXAMPL~1|Example Org");
    let child = |parent: &str, name: &str| {
        dirs.values()
            .find(|r| r[1] == parent && r[2] == name)
            .unwrap_or_else(|| panic!("no folder {name} under {parent} in {dirs:?}"))[0]
            .clone()
    };
    let bin = child("INSTALLDIR", "bin");
    let etc_hello = child(&child("INSTALLDIR", "etc"), "hello");
    let lib_hello = child(&child(&child("INSTALLDIR", "var"), "lib"), "hello");

    // File: one row per file, short|long names, sizes, sequence 1..n.
    let files = export(&msi, "File");
    assert_eq!(files.len(), 4, "{files:?}");
    let file_named = |name: &str| {
        files
            .iter()
            .find(|r| r[2] == name)
            .unwrap_or_else(|| panic!("no file {name} in {files:?}"))
            .clone()
    };
    let exe = file_named("hello.exe");
    assert_eq!(exe[3], "23");
    let helper = file_named("HELLO-~1.EXE|hello-helper.exe");
    assert_eq!(helper[3], "12");
    file_named("HELLO~1.CON|hello.conf");
    file_named("README");
    let mut sequences: Vec<i32> = files.iter().map(|r| r[7].parse().unwrap()).collect();
    sequences.sort_unstable();
    assert_eq!(sequences, [1, 2, 3, 4]);

    // Component: one per file with the file as KeyPath, 64-bit, plus one
    // that owns the folders (its key path is INSTALLDIR).
    let comps = by_key(&export(&msi, "Component"));
    assert_eq!(comps.len(), 5, "{comps:?}");
    for row in comps.values() {
        assert!(is_braced_guid(&row[1]), "{row:?}");
        assert_eq!(row[3], "256", "{row:?}");
    }
    for f in &files {
        let comp = &comps[&f[1]];
        assert_eq!(comp[5], f[0], "KeyPath of {comp:?}");
    }
    assert_eq!(comps[&exe[1]][2], bin);
    assert_eq!(
        comps[&file_named("HELLO~1.CON|hello.conf")[1]][2],
        etc_hello
    );
    assert_eq!(comps["InstallFolders"][2], "INSTALLDIR");
    assert_eq!(comps["InstallFolders"][5], "");
    let guids: std::collections::BTreeSet<&String> = comps.values().map(|r| &r[1]).collect();
    assert_eq!(guids.len(), 5, "component GUIDs are distinct");

    // Every folder from the vendor's down is created and removed by it.
    let create = export(&msi, "CreateFolder");
    let mut created: Vec<&str> = create.iter().map(|r| r[0].as_str()).collect();
    created.sort_unstable();
    let mut want: Vec<&str> = dirs
        .keys()
        .map(String::as_str)
        .filter(|d| !["TARGETDIR", "ProgramFiles64Folder"].contains(d))
        .collect();
    want.sort_unstable();
    assert_eq!(created, want);
    assert!(created.contains(&lib_hello.as_str()));
    assert!(create.iter().all(|r| r[1] == "InstallFolders"));

    let features = export(&msi, "Feature");
    assert_eq!(features.len(), 1);
    assert_eq!(features[0][0], "Complete");
    assert_eq!(features[0][5], "1", "level");
    let fc = export(&msi, "FeatureComponents");
    assert_eq!(fc.len(), 5);
    assert!(fc
        .iter()
        .all(|r| r[0] == "Complete" && comps.contains_key(&r[1])));

    let media = export(&msi, "Media");
    assert_eq!(media, [vec!["1", "4", "", "#product.cab", "", ""]]);

    let env = export(&msi, "Environment");
    assert_eq!(
        env,
        [vec![
            "PATH".to_string(),
            "=-*PATH".into(),
            format!("[~];[{bin}]"),
            "InstallFolders".into()
        ]]
    );

    let mut upgrade = export(&msi, "Upgrade");
    upgrade.sort();
    assert_eq!(
        upgrade,
        [
            vec![
                UPGRADE_CODE,
                "",
                "1.2.3",
                "",
                "1",
                "",
                "OLDERVERSIONDETECTED"
            ],
            vec![
                UPGRADE_CODE,
                "1.2.3",
                "",
                "",
                "2",
                "",
                "NEWERVERSIONDETECTED"
            ],
        ]
    );
    let launch = export(&msi, "LaunchCondition");
    assert_eq!(launch.len(), 1);
    assert_eq!(launch[0][0], "NOT NEWERVERSIONDETECTED OR Installed");
    assert!(launch[0][1].contains("newer version"), "{launch:?}");

    let seq = |table: &str| -> BTreeMap<String, i32> {
        export(&msi, table)
            .into_iter()
            .map(|r| (r[0].clone(), r[2].parse().unwrap()))
            .collect()
    };
    let exec = seq("InstallExecuteSequence");
    let order = [
        "FindRelatedProducts",
        "LaunchConditions",
        "CostInitialize",
        "FileCost",
        "CostFinalize",
        "InstallValidate",
        "RemoveExistingProducts",
        "InstallInitialize",
        "ProcessComponents",
        "RemoveEnvironmentStrings",
        "RemoveFiles",
        "RemoveFolders",
        "CreateFolders",
        "InstallFiles",
        "WriteEnvironmentStrings",
        "RegisterProduct",
        "PublishFeatures",
        "PublishProduct",
        "InstallFinalize",
    ];
    let numbers: Vec<i32> = order
        .iter()
        .map(|a| *exec.get(*a).unwrap_or_else(|| panic!("no {a} in {exec:?}")))
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{exec:?}");
    let ui = seq("InstallUISequence");
    assert!(ui["FindRelatedProducts"] < ui["LaunchConditions"]);
    assert!(ui.contains_key("ExecuteAction"));
    assert!(seq("AdminExecuteSequence").contains_key("InstallAdminPackage"));
    assert!(seq("AdvtExecuteSequence").contains_key("PublishProduct"));

    // _Validation describes every column of every table.
    let validation = export(&msi, "_Validation");
    for (table, column) in [
        ("File", "FileName"),
        ("Component", "ComponentId"),
        ("Upgrade", "ActionProperty"),
    ] {
        assert!(
            validation.iter().any(|r| r[0] == table && r[1] == column),
            "no _Validation row for {table}.{column}"
        );
    }
}

#[test]
fn x86_and_arm64_packages_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = win_package("2.0.1", b"MZ", &[]);
    for (target, file, template, pages, folder, attributes) in [
        (
            "i686-pc-windows-msvc",
            "hello-2.0.1-x86.msi",
            "Intel;1033",
            "200 (c8)",
            "ProgramFilesFolder",
            "0",
        ),
        (
            "aarch64-pc-windows-msvc",
            "hello-2.0.1-arm64.msi",
            "Arm64;1033",
            "500 (1f4)",
            "ProgramFiles64Folder",
            "256",
        ),
    ] {
        let msi = write_msi(&pkg, target, dir.path());
        assert_eq!(msi.file_name().unwrap().to_str().unwrap(), file);
        let summary = stdout(&run_ok(tool("msiinfo").arg("suminfo").arg(&msi)));
        assert!(
            summary.contains(&format!("Template: {template}\n")),
            "{summary}"
        );
        assert!(
            summary.contains(&format!("Version: {pages}\n")),
            "{summary}"
        );
        let dirs = by_key(&export(&msi, "Directory"));
        assert_eq!(dirs[folder][1], "TARGETDIR", "{dirs:?}");
        assert!(export(&msi, "Component").iter().all(|r| r[3] == attributes));
    }
    // x64 and Arm64 install the same paths, but their components differ.
    let x64 = write_msi(&pkg, "x86_64-windows", dir.path());
    let arm64 = dir.path().join("hello-2.0.1-arm64.msi");
    let guids = |msi: &Path| -> std::collections::BTreeSet<String> {
        export(msi, "Component")
            .into_iter()
            .map(|r| r[1].clone())
            .collect()
    };
    assert!(guids(&x64).is_disjoint(&guids(&arm64)));
}

#[test]
fn msiextract_and_cabextract_give_every_file_back() {
    let dir = tempfile::tempdir().unwrap();
    // Several MSZIP blocks of barely compressible bytes.
    let big: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let pkg = win_package(
        "1.0.0",
        b"MZ program",
        &[
            ("/usr/share/hello/data/big.bin", &big),
            ("/usr/share/hello/empty", b""),
        ],
    );
    let msi = write_msi(&pkg, "x86_64-windows", dir.path());
    let out = dir.path().join("x");
    run_ok(tool("msiextract").arg("-C").arg(&out).arg(&msi));
    let root = out.join("PFiles/Example Org/hello");
    for entry in pkg.entries.iter().filter(|e| e.kind.is_regular()) {
        let rel = entry
            .path
            .trim_start_matches("/usr/")
            .trim_start_matches('/');
        let got = std::fs::read(root.join(rel))
            .unwrap_or_else(|e| panic!("{}: {e}", root.join(rel).display()));
        let vitte_buildkit_formats::Source::Bytes(want) = &entry.source else {
            unreachable!()
        };
        assert!(&got == want, "{} differs", entry.path);
    }
    let cab = dir.path().join("product.cab");
    let bytes = run_ok(tool("msiinfo").arg("extract").arg(&msi).arg("product.cab")).stdout;
    std::fs::write(&cab, bytes).unwrap();
    let test = stdout(&run_ok(tool("cabextract").arg("-t").arg(&cab)));
    assert!(test.contains("All done, no errors."), "{test}");
    assert_eq!(test.matches("  OK  ").count(), 6, "{test}");
    let gcab = stdout(&run_ok(tool("gcab").arg("-t").arg(&cab)));
    assert_eq!(gcab.lines().count(), 6, "{gcab}");
}

#[test]
fn builds_are_reproducible() {
    let pkg = win_package("1.0.0", b"MZ", &[]);
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let first = std::fs::read(write_msi(&pkg, "x86_64-windows", a.path())).unwrap();
    let second = std::fs::read(write_msi(&pkg, "x86_64-windows", b.path())).unwrap();
    assert!(first == second, "two builds differ");
    // A change of content changes the package code, not the product code.
    let changed = win_package("1.0.0", b"MZ changed", &[]);
    let c = tempfile::tempdir().unwrap();
    let third = write_msi(&changed, "x86_64-windows", c.path());
    let package_code = |path: &Path| {
        let s = stdout(&run_ok(tool("msiinfo").arg("suminfo").arg(path)));
        s.lines()
            .find_map(|l| l.strip_prefix("Revision number (UUID): "))
            .unwrap()
            .to_string()
    };
    let first_path = a.path().join("hello-1.0.0-x64.msi");
    assert_ne!(package_code(&first_path), package_code(&third));
    assert_eq!(
        by_key(&export(&first_path, "Property"))["ProductCode"],
        by_key(&export(&third, "Property"))["ProductCode"]
    );
}

#[test]
fn a_package_of_empty_folders_has_no_cabinet() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = win_package("1.0.0", b"", &[]);
    pkg.formats.msi.path = false;
    pkg.entries.retain(|e| e.kind == EntryKind::Dir);
    let msi = write_msi(&pkg, "x86_64-windows", dir.path());
    assert!(export(&msi, "File").is_empty());
    assert_eq!(export(&msi, "Media"), [vec!["1", "0", "", "", "", ""]]);
    let streams = stdout(&run_ok(tool("msiinfo").arg("streams").arg(&msi)));
    assert!(!streams.contains("product.cab"), "{streams}");
    let create = export(&msi, "CreateFolder");
    assert_eq!(
        create.len(),
        5,
        "vendor, INSTALLDIR, var, lib, hello: {create:?}"
    );
}

fn refused(pkg: &Package, target: &str) -> String {
    let target = Target::parse(target).unwrap();
    Msi.accepts(&target)
        .and_then(|_| Msi.validate(pkg, &target))
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn bad_input_is_refused_before_writing() {
    let good = win_package("1.0.0", b"MZ", &[]);
    let mut pkg = good.clone();
    pkg.formats.msi.upgrade_code = Some("not-a-guid".into());
    let err = refused(&pkg, "x86_64-windows");
    assert!(
        err.contains("upgrade-code `not-a-guid` is not a GUID"),
        "{err}"
    );

    for (version, needle) in [
        ("256.0.0", "major 256 is above 255"),
        ("1.256.0", "minor 256 is above 255"),
        ("1.0.65536", "patch 65536 is above 65535"),
        ("1.0.0-rc.1", "pre-release part `rc.1`"),
    ] {
        let mut pkg = good.clone();
        pkg.version.upstream = semver::Version::parse(version).unwrap();
        let err = refused(&pkg, "x86_64-windows");
        assert!(
            err.contains(needle) && err.contains("ProductVersion"),
            "{version}: {err}"
        );
    }

    for mib in [0, 1025] {
        let mut pkg = good.clone();
        pkg.formats.msi.max_cabinet_mib = Some(mib);
        let err = refused(&pkg, "x86_64-windows");
        assert!(
            err.contains(&format!("[msi] max-cabinet-mib = {mib}: give 1 to 1024")),
            "{err}"
        );
    }

    let err = refused(&good, "x86_64-linux");
    assert!(
        err.contains("cannot package for target `x86_64-unknown-linux-gnu`")
            && err.contains("x86_64-pc-windows-msvc (x64)")
            && err.contains("aarch64-pc-windows-msvc (Arm64)"),
        "{err}"
    );

    let mut pkg = good.clone();
    pkg.entries.push(symlink("/usr/bin/hi", "hello.exe"));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(refused(&pkg, "x86_64-windows").contains("/usr/bin/hi: a symlink"));

    let mut pkg = good.clone();
    pkg.entries
        .push(file("/usr/bin/HELLO.exe", 0o755, EntryKind::File, b"x"));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let err = refused(&pkg, "x86_64-windows");
    assert!(err.contains("install to the same Windows path"), "{err}");

    let mut pkg = good.clone();
    pkg.entries
        .push(file("/usr/share/a:b", 0o644, EntryKind::File, b"x"));
    assert!(refused(&pkg, "x86_64-windows").contains("Windows forbids"));

    let mut pkg = good.clone();
    pkg.entries.retain(|e| !e.path.starts_with("/usr/bin/"));
    let err = refused(&pkg, "x86_64-windows");
    assert!(err.contains("[msi] path = true"), "{err}");

    let mut pkg = good.clone();
    pkg.vendor = Some("日本".into());
    assert!(refused(&pkg, "x86_64-windows").contains("Windows-1252"));

    let mut pkg = good.clone();
    pkg.formats.msi.install_dir = Some("../x".into());
    assert!(refused(&pkg, "x86_64-windows").contains("[msi] install-dir"));

    let mut pkg = good.clone();
    pkg.vendor = Some("A/B".into());
    let err = refused(&pkg, "x86_64-windows");
    assert!(
        err.contains("package.vendor") && err.contains("[msi] install-dir"),
        "{err}"
    );

    let mut pkg = good.clone();
    let deep = format!("/usr/share/{}/file", "d".repeat(240));
    pkg.entries.push(file(&deep, 0o644, EntryKind::File, b"x"));
    let err = refused(&pkg, "x86_64-windows");
    assert!(
        err.contains("above the 259 Windows Installer handles"),
        "{err}"
    );
    let mut pkg = good.clone();
    pkg.vendor = Some("v".repeat(250));
    pkg.entries.clear();
    pkg.formats.msi.path = false;
    let err = refused(&pkg, "x86_64-windows");
    assert!(
        err.contains("the install folder: installs as a path"),
        "{err}"
    );
    let mut pkg = good.clone();
    let mut deep_dir = file(
        &format!("/opt/{}", "e".repeat(250)),
        0o755,
        EntryKind::Dir,
        b"",
    );
    deep_dir.source = vitte_buildkit_formats::Source::None;
    pkg.entries.push(deep_dir);
    let err = refused(&pkg, "x86_64-windows");
    assert!(
        err.contains("/opt/eee") && err.contains("above the 259"),
        "{err}"
    );

    // More files than the database's string pool holds (3 strings a file).
    // More files than two-byte string references or one cabinet can hold
    // are accepted: long string references, several cabinets.
    let mut pkg = good.clone();
    pkg.formats.msi.path = false;
    pkg.entries = (0..65_536)
        .map(|i| {
            file(
                &format!("/usr/share/many/f{i:05}"),
                0o644,
                EntryKind::File,
                b"",
            )
        })
        .collect();
    Msi.validate(&pkg, &Target::parse("x86_64-windows").unwrap())
        .expect("65536 files fit");
}

#[test]
fn wine_msiexec_installs_upgrades_refuses_downgrade_and_uninstalls() {
    let dir = tempfile::tempdir().unwrap();
    let v1_dir = dir.path().join("v1");
    let v2_dir = dir.path().join("v2");
    std::fs::create_dir_all(&v1_dir).unwrap();
    std::fs::create_dir_all(&v2_dir).unwrap();
    let exe1 = windows_program(&v1_dir, "hello from 1.0.0");
    let exe2 = windows_program(&v2_dir, "hello from 1.1.0");
    let v1 = win_package("1.0.0", &exe1, &[("/usr/share/hello/old-only.txt", b"old")]);
    let v2 = win_package("1.1.0", &exe2, &[("/usr/share/hello/new-only.txt", b"new")]);
    let msi1 = write_msi(&v1, "x86_64-windows", &v1_dir);
    let msi2 = write_msi(&v2, "x86_64-windows", &v2_dir);

    let wine = Wine::new();
    let root = wine.program_files().join("Example Org/hello");

    // Install 1.0.0.
    let (ok, log) = wine.msiexec("/i", &msi1);
    assert!(ok, "install 1.0.0 failed:\n{log}");
    assert_eq!(std::fs::read(root.join("bin/hello.exe")).unwrap(), exe1);
    assert_eq!(
        std::fs::read(root.join("bin/hello-helper.exe")).unwrap(),
        b"helper bytes"
    );
    assert_eq!(
        std::fs::read(root.join("etc/hello/hello.conf")).unwrap(),
        b"greeting = hello\n"
    );
    assert_eq!(
        std::fs::read(root.join("share/doc/hello/README")).unwrap(),
        b"Say hello.\n"
    );
    assert_eq!(
        std::fs::read(root.join("share/hello/old-only.txt")).unwrap(),
        b"old"
    );
    assert!(
        root.join("var/lib/hello").is_dir(),
        "the empty folder is created"
    );
    assert_eq!(wine.installed(), ["1.0.0"]);
    let path = wine.system_path();
    assert!(path.contains(r"Example Org\hello\bin"), "PATH:\n{path}");
    let ran = wine
        .cmd("wine")
        .arg(r"C:\Program Files\Example Org\hello\bin\hello.exe")
        .output()
        .unwrap();
    assert_eq!(stdout(&ran).trim(), "hello from 1.0.0");

    // 1.1.0 replaces it: one product left, the old-only file gone.
    let (ok, log) = wine.msiexec("/i", &msi2);
    assert!(ok, "upgrade to 1.1.0 failed:\n{log}");
    assert_eq!(wine.installed(), ["1.1.0"]);
    assert_eq!(std::fs::read(root.join("bin/hello.exe")).unwrap(), exe2);
    assert_eq!(
        std::fs::read(root.join("share/hello/new-only.txt")).unwrap(),
        b"new"
    );
    assert!(
        !root.join("share/hello/old-only.txt").exists(),
        "old-only file left behind"
    );

    // 1.0.0 over 1.1.0 is refused, with the message, and changes nothing.
    let (ok, log) = wine.msiexec("/i", &msi1);
    assert!(!ok, "the downgrade was accepted:\n{log}");
    // Wine's quiet mode does not log the launch condition's message (the
    // table test checks its text); the log shows why the install stopped.
    let newer = &by_key(&export(&msi2, "Property"))["ProductCode"][1];
    assert!(
        log.contains(&format!("NEWERVERSIONDETECTED = {newer}"))
            && log.contains("LaunchConditions")
            && !log.contains("InstallFiles"),
        "the downgrade did not stop at the launch condition:\n{log}"
    );
    assert_eq!(wine.installed(), ["1.1.0"]);
    assert_eq!(std::fs::read(root.join("bin/hello.exe")).unwrap(), exe2);

    // Uninstall removes everything.
    let (ok, log) = wine.msiexec("/x", &msi2);
    assert!(ok, "uninstall failed:\n{log}");
    assert!(wine.installed().is_empty());
    let left: Vec<PathBuf> = walk(&root);
    assert!(!root.exists(), "{} left behind: {left:?}", root.display());
    assert!(!wine.program_files().join("Example Org").exists());
    assert!(!wine.system_path().contains(r"Example Org\hello\bin"));

    // The x86 package installs into the 32-bit Program Files, and leaves.
    let x86_dir = dir.path().join("x86");
    std::fs::create_dir_all(&x86_dir).unwrap();
    let msi32 = write_msi(&v2, "i686-pc-windows-msvc", &x86_dir);
    let (ok, log) = wine.msiexec("/i", &msi32);
    assert!(ok, "install of the x86 package failed:\n{log}");
    let root32 = wine
        .prefix
        .path()
        .join("pfx/drive_c/Program Files (x86)/Example Org/hello");
    assert_eq!(
        std::fs::read(root32.join("etc/hello/hello.conf")).unwrap(),
        b"greeting = hello\n"
    );
    assert!(!root.exists());
    assert_eq!(wine.installed(), ["1.1.0"]);
    let (ok, log) = wine.msiexec("/x", &msi32);
    assert!(ok, "uninstall of the x86 package failed:\n{log}");
    assert!(wine.installed().is_empty());
    assert!(!root32.exists(), "{:?} left behind", walk(&root32));
}

/// A WiX source with one of each row kind we write, for wixl.
const REFERENCE_WXS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="hello" Language="1033" Version="1.0.0" Manufacturer="Example Org"
           UpgradeCode="0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine"/>
    <MajorUpgrade DowngradeErrorMessage="A newer version is installed"/>
    <Media Id="1" Cabinet="product.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="hello">
          <Component Id="C1" Guid="11111111-2222-3333-4444-555555555555" Win64="yes">
            <File Id="F1" Source="hello.exe" KeyPath="yes"/>
            <CreateFolder/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Complete" Level="1"><ComponentRef Id="C1"/></Feature>
  </Product>
</Wix>
"#;

#[test]
fn column_names_and_types_match_what_wixl_writes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.exe"), b"MZ").unwrap();
    std::fs::write(dir.path().join("ref.wxs"), REFERENCE_WXS).unwrap();
    run_ok(
        tool("wixl")
            .current_dir(dir.path())
            .args(["-a", "x64", "-o", "ref.msi", "ref.wxs"]),
    );
    let reference = dir.path().join("ref.msi");
    // wixl writes version-3 compound files too.
    assert_compound_file_v3(&reference);
    let ours = write_msi(
        &win_package("1.0.0", b"MZ", &[]),
        "x86_64-windows",
        dir.path(),
    );
    let header = |msi: &Path, table: &str| -> Vec<String> {
        let out = stdout(&run_ok(tool("msiinfo").arg("export").arg(msi).arg(table)));
        out.lines().take(3).map(str::to_string).collect()
    };
    for table in [
        "Property",
        "Directory",
        "Component",
        "Feature",
        "FeatureComponents",
        "File",
        "Media",
        "Upgrade",
        "CreateFolder",
        "LaunchCondition",
        "InstallExecuteSequence",
        "InstallUISequence",
        "AdminExecuteSequence",
        "AdminUISequence",
        "AdvtExecuteSequence",
    ] {
        assert_eq!(header(&ours, table), header(&reference, table), "{table}");
    }
    let template = |msi: &Path| {
        stdout(&run_ok(tool("msiinfo").arg("suminfo").arg(msi)))
            .lines()
            .find(|l| l.starts_with("Template: "))
            .map(str::to_string)
    };
    assert_eq!(template(&ours), template(&reference));
}

/// A Windows program with a version resource, built with mingw for `arch`
/// (`x86_64` makes a PE32+, `i686` a PE32).
fn versioned_program(dir: &Path, arch: &str) -> Vec<u8> {
    std::fs::write(
        dir.join("ver.rc"),
        "1 VERSIONINFO\nFILEVERSION 1,2,3,4\nPRODUCTVERSION 1,2,3,4\nBEGIN\n  BLOCK \"StringFileInfo\"\n  BEGIN\n    BLOCK \"040904b0\"\n    BEGIN\n      VALUE \"FileVersion\", \"1.2.3.4\"\n    END\n  END\n  BLOCK \"VarFileInfo\"\n  BEGIN\n    VALUE \"Translation\", 0x409, 1200\n  END\nEND\n",
    )
    .unwrap();
    std::fs::write(dir.join("main.c"), "int main(void) { return 0; }\n").unwrap();
    run_ok(
        tool(&format!("{arch}-w64-mingw32-windres"))
            .current_dir(dir)
            .args(["ver.rc", "-O", "coff", "-o", "ver.o"]),
    );
    run_ok(
        tool(&format!("{arch}-w64-mingw32-gcc"))
            .current_dir(dir)
            .args(["-s", "-o", "prog.exe", "main.c", "ver.o"]),
    );
    std::fs::read(dir.join("prog.exe")).unwrap()
}

#[test]
fn pe_file_versions_fill_the_version_column() {
    let dir = tempfile::tempdir().unwrap();
    for (arch, target) in [("x86_64", "x86_64-windows"), ("i686", "i686-windows")] {
        let build = dir.path().join(arch);
        std::fs::create_dir_all(&build).unwrap();
        let exe = versioned_program(&build, arch);
        let unversioned = windows_program(&build, "hi");
        let pkg = win_package("1.0.0", &unversioned, &[("/usr/bin/prog.exe", &exe)]);
        let msi = write_msi(&pkg, target, &build);
        let files = export(&msi, "File");
        let version_of = |name: &str| {
            files
                .iter()
                .find(|r| r[2] == name)
                .unwrap_or_else(|| panic!("no {name} in {files:?}"))[4]
                .clone()
        };
        assert_eq!(version_of("prog.exe"), "1.2.3.4", "{arch}");
        assert_eq!(version_of("hello.exe"), "", "{arch}: no version resource");
        assert_eq!(version_of("README"), "", "{arch}: not a PE");
    }
}

/// `[msi] max-cabinet-mib` cuts the files into several embedded cabinets
/// (compressed in parallel), one Media row each: msitools, cabextract and
/// wine's msiexec read them all back.
#[test]
fn several_cabinets_each_with_its_media_row() {
    let dir = tempfile::tempdir().unwrap();
    let noise = |seed: u32| -> Vec<u8> {
        (0..1_500_000u32)
            .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect()
    };
    let (a, b, c) = (noise(1), noise(2), noise(3));
    let mut pkg = win_package(
        "1.0.0",
        b"MZ program",
        &[
            ("/usr/share/hello/a.bin", &a),
            ("/usr/share/hello/b.bin", &b),
            ("/usr/share/hello/c.bin", &c),
        ],
    );
    pkg.formats.msi.max_cabinet_mib = Some(1);
    let msi = write_msi(&pkg, "x86_64-windows", dir.path());

    let files = export(&msi, "File");
    let media = export(&msi, "Media");
    assert!(media.len() >= 3, "{media:?}");
    let mut last = 0;
    for (disk, row) in media.iter().enumerate() {
        assert_eq!(row[0], (disk + 1).to_string(), "{media:?}");
        let sequence: usize = row[1].parse().unwrap();
        assert!(sequence > last, "LastSequence must grow: {media:?}");
        last = sequence;
        assert_eq!(row[3], format!("#product{}.cab", disk + 1), "{media:?}");
    }
    assert_eq!(
        last,
        files.len(),
        "the last cabinet ends with the last file"
    );

    let streams = stdout(&run_ok(tool("msiinfo").arg("streams").arg(&msi)));
    let mut in_cabinets = 0;
    for disk in 1..=media.len() {
        let name = format!("product{disk}.cab");
        assert!(streams.contains(&name), "{streams}");
        let cab = dir.path().join(&name);
        let bytes = run_ok(tool("msiinfo").arg("extract").arg(&msi).arg(&name)).stdout;
        std::fs::write(&cab, bytes).unwrap();
        let test = stdout(&run_ok(tool("cabextract").arg("-t").arg(&cab)));
        assert!(test.contains("All done, no errors."), "{test}");
        in_cabinets += test.matches("  OK  ").count();
    }
    assert_eq!(
        in_cabinets,
        files.len(),
        "every file in exactly one cabinet"
    );

    let out = dir.path().join("x");
    run_ok(tool("msiextract").arg("-C").arg(&out).arg(&msi));
    let extracted = out.join("PFiles/Example Org/hello/share/hello");
    for (name, want) in [("a.bin", &a), ("b.bin", &b), ("c.bin", &c)] {
        assert!(
            std::fs::read(extracted.join(name)).unwrap() == *want,
            "{name}"
        );
    }

    let wine = Wine::new();
    let (ok, log) = wine.msiexec("/i", &msi);
    assert!(ok, "install failed:\n{log}");
    let root = wine.program_files().join("Example Org/hello");
    for (name, want) in [("a.bin", &a), ("b.bin", &b), ("c.bin", &c)] {
        let got = std::fs::read(root.join("share/hello").join(name)).unwrap();
        assert!(got == *want, "{name} installed with other bytes");
    }
    assert_eq!(
        std::fs::read(root.join("etc/hello/hello.conf")).unwrap(),
        b"greeting = hello\n"
    );
    let (ok, log) = wine.msiexec("/x", &msi);
    assert!(ok, "uninstall failed:\n{log}");
    assert!(!root.exists(), "{:?} left behind", walk(&root));
}
