//! `[[services]]` in the manifest, from the CLI: bad entries refused before
//! anything is written, and a hand-written unit shipped as it is, with the
//! snippets merged at the `#DEBHELPER#` line of the user's script (read back
//! with dpkg-deb).

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// Packages `manifest` as a .deb for x86_64-linux into `out`.
fn build_deb(manifest: &Path, out: &Path) -> PathBuf {
    run_ok(
        buildkit()
            .args(["package", "--format", "deb", "--target", "x86_64-linux"])
            .arg("--manifest")
            .arg(manifest)
            .arg("--out")
            .arg(out),
    );
    std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .unwrap()
}

#[test]
fn bad_services_are_refused_before_anything_is_written() {
    let files: &[(&str, &[u8], u32)] = &[
        ("d", b"#!/bin/sh\n", 0o755),
        ("plain", b"x", 0o644),
        ("x.socket", b"", 0o644),
    ];
    let cases: &[(&str, &[&str])] = &[
        ("[[services]]\nname = \"d\"\nexec = \"/usr/bin/missing\"\n", &["services.d.exec `/usr/bin/missing` is not a file this package installs"]),
        ("[[services]]\nname = \"d\"\nexec = \"/usr/share/plain\"\n", &["is not executable"]),
        ("[[services]]\nname = \"bad name\"\nexec = \"/usr/bin/d\"\n", &["services[0].name `bad name`"]),
        ("[[services]]\nname = \"d\"\nexec = \"/usr/bin/d\"\nrestart = \"sometimes\"\n", &["services.d.restart `sometimes`"]),
        ("[[services]]\nname = \"d\"\n", &["services.d: add `exec"]),
        ("[[services]]\nunit = \"x.socket\"\n", &["must be a `.service` file"]),
        ("[[services]]\nname = \"d\"\nexec = \"/usr/bin/d\"\nuser = \"Root!\"\n", &["services.d.user `Root!`"]),
        ("[[services]]\nname = \"d\"\nexec = \"/usr/bin/d\"\n[[services]]\nname = \"d\"\nexec = \"/usr/bin/d\"\n", &["names `d` twice"]),
        ("[[users]]\nname = \"d\"\nsystem = false\n", &["only system users"]),
        ("[[files]]\nsrc = \"plain\"\ndst = \"/usr/bin/foreign\"\nmode = \"0755\"\narch-check = false\n[[services]]\nname = \"d\"\nexec = \"/usr/bin/foreign\"\n", &["turns the architecture check off"]),
        ("[[services]]\nname = \"d\"\nexec = \"/usr/bin/d\"\nwindows-account = \"Administrator\"\n", &["services.d.windows-account `Administrator`"]),
        ("[[tmpfiles]]\ntype = \"y\"\npath = \"/run/d\"\n", &["tmpfiles[0].type `y`"]),
    ];
    for (extra, needles) in cases {
        let manifest = format!(
            "{PACKAGE}\n[[files]]\nsrc = \"d\"\ndst = \"/usr/bin/d\"\nmode = \"0755\"\n\n[[files]]\nsrc = \"plain\"\ndst = \"/usr/share/plain\"\n\n{extra}"
        );
        let project = Project::new(&manifest, files);
        project.assert_refused(&["--format", "deb", "--target", "x86_64-linux"], needles);
    }
}

#[test]
fn a_hand_written_unit_is_shipped_as_it_is() {
    let unit = b"[Unit]\nDescription=Mine\n\n[Service]\nExecStart=/usr/bin/d\n\n[Install]\nWantedBy=multi-user.target\n";
    let project = Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"d\"\ndst = \"/usr/bin/d\"\nmode = \"0755\"\n\n[[services]]\nunit = \"mine.service\"\n\n[scripts]\npost-install = \"postinst.sh\"\n"),
        &[
            ("d", b"#!/bin/sh\n", 0o755),
            ("mine.service", unit, 0o644),
            ("postinst.sh", b"#!/bin/sh\nset -e\necho before\n#DEBHELPER#\necho after\n", 0o755),
        ],
    );
    let deb = build_deb(&project.manifest(), &project.path().join("out"));
    let root = project.path().join("root");
    run_ok(tool("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    assert_eq!(
        std::fs::read(root.join("usr/lib/systemd/system/mine.service")).unwrap(),
        unit
    );
    let control = project.path().join("control");
    run_ok(tool("dpkg-deb").arg("-e").arg(&deb).arg(&control));
    let postinst = std::fs::read_to_string(control.join("postinst")).unwrap();
    // The snippets take the place of the user's #DEBHELPER# line.
    let at = |needle: &str| {
        postinst
            .find(needle)
            .unwrap_or_else(|| panic!("{needle}: {postinst}"))
    };
    assert!(at("echo before") < at("deb-systemd-helper enable 'mine.service'"));
    assert!(at("deb-systemd-helper enable 'mine.service'") < at("echo after"));
    assert!(!postinst.contains("#DEBHELPER#"), "{postinst}");
    // Windows has no use for a systemd unit: it needs the program.
    project.assert_refused(
        &["--format", "msi", "--target", "x86_64-windows"],
        &["a hand-written unit only serves Linux"],
    );
}
