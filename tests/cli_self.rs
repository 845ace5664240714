//! vitte-buildkit packages itself (examples/self): stage.sh stages the
//! programs, completions and manual pages from a built binary, and the
//! .deb, .rpm and .tar.gz install each where Debian and Fedora look for it,
//! judged by dpkg-deb, rpm, lintian, bash (completion from the unpacked
//! package) and man.
//!
//! The test stages a stripped copy of the test build (its debug information
//! is ~130 MB) and packages with gzip, to stay short; the README's flow
//! packages `target/release` with the default compressors.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const EXPECTED: [&str; 7] = [
    "usr/bin/vitte",
    "usr/bin/vitte-buildkit",
    "usr/share/bash-completion/completions/vitte-buildkit",
    "usr/share/zsh/vendor-completions/_vitte-buildkit",
    "usr/share/fish/vendor_completions.d/vitte-buildkit.fish",
    "usr/share/man/man1/vitte-buildkit.1.gz",
    "usr/share/man/man1/vitte-buildkit-package.1.gz",
];

/// Stripped copies of the built programs in `dir/bin`.
fn stripped_programs(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let built = Path::new(env!("CARGO_BIN_EXE_vitte-buildkit"));
    for name in ["vitte-buildkit", "vitte"] {
        run_ok(
            tool("strip")
                .arg("-o")
                .arg(bin.join(name))
                .arg(built.with_file_name(name)),
        );
    }
    bin
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/self")
}

/// Stages and packages the example in `dir`; returns the output folder.
fn package_self(dir: &Path) -> PathBuf {
    let bin = stripped_programs(dir);
    let project = dir.join("self");
    std::fs::create_dir_all(&project).unwrap();
    let manifest = std::fs::read_to_string(example().join("buildkit.toml")).unwrap();
    assert!(
        manifest.contains(&format!("version = \"{}\"", env!("CARGO_PKG_VERSION"))),
        "examples/self/buildkit.toml must carry the crate's version"
    );
    let fast = manifest
        .replace("[deb]\n", "[deb]\ncompression = \"gzip\"\n")
        .replace("[rpm]\n", "[rpm]\ncompression = \"gzip\"\n");
    std::fs::write(project.join("buildkit.toml"), fast).unwrap();
    run_ok(
        tool("bash")
            .arg(example().join("stage.sh"))
            .arg(&bin)
            .arg(project.join("stage"))
            .env("SOURCE_DATE_EPOCH", "1704067200"),
    );
    let dist = dir.join("dist");
    run_ok(
        buildkit()
            .args([
                "package",
                "-q",
                "--format",
                "deb,rpm,tar.gz",
                "--target",
                "x86_64-linux",
            ])
            .arg("--manifest")
            .arg(project.join("buildkit.toml"))
            .arg("--out")
            .arg(&dist),
    );
    dist
}

#[test]
fn vitte_buildkit_packages_itself_with_completions_and_man_pages() {
    let dir = tempfile::tempdir().unwrap();
    let dist = package_self(dir.path());
    let deb = dist.join(format!(
        "vitte-buildkit_{}-1_amd64.deb",
        env!("CARGO_PKG_VERSION")
    ));
    let rpm = dist.join(format!(
        "vitte-buildkit-{}-1.x86_64.rpm",
        env!("CARGO_PKG_VERSION")
    ));
    let tgz = dist.join(format!(
        "vitte-buildkit-{}-x86_64-unknown-linux-gnu.tar.gz",
        env!("CARGO_PKG_VERSION")
    ));

    let field = run_ok(
        tool("dpkg-deb")
            .arg("--field")
            .arg(&deb)
            .arg("Architecture"),
    );
    assert_eq!(text(&field.stdout).trim(), "amd64");
    let contents = text(&run_ok(tool("dpkg-deb").arg("--contents").arg(&deb)).stdout);
    let rpm_files = text(&run_ok(tool("rpm").arg("-qpl").arg(&rpm)).stdout);
    let tar_files = text(&run_ok(tool("tar").arg("-tzf").arg(&tgz)).stdout);
    for path in EXPECTED {
        assert!(
            contents.contains(&format!("./{path}\n")),
            "deb lacks {path}:\n{contents}"
        );
        assert!(
            rpm_files.lines().any(|l| l == format!("/{path}")),
            "rpm lacks {path}:\n{rpm_files}"
        );
        assert!(
            tar_files.lines().any(|l| l.ends_with(&format!("/{path}"))),
            "tar lacks {path}"
        );
    }
    let arch = run_ok(tool("rpm").args(["-qp", "--qf", "%{ARCH}"]).arg(&rpm));
    assert_eq!(text(&arch.stdout), "x86_64");
    run_ok(tool("rpm").args(["-K", "--nosignature"]).arg(&rpm));

    // From the unpacked .deb: bash completes through the installed script,
    // man renders the installed pages, vitte finds vitte-buildkit beside it.
    let root = dir.path().join("root");
    run_ok(tool("dpkg-deb").arg("-x").arg(&deb).arg(&root));
    let completion = root.join("usr/share/bash-completion/completions/vitte-buildkit");
    let offered = run_ok(tool("bash").arg("-c").arg(format!(
        "source '{}'; COMP_WORDS=(vitte-buildkit pa); COMP_CWORD=1; _vitte__buildkit vitte-buildkit pa vitte-buildkit; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        completion.display()
    )));
    assert_eq!(text(&offered.stdout).trim(), "package");
    let man_dir = root.join("usr/share/man/man1");
    for page in std::fs::read_dir(&man_dir).unwrap() {
        let page = page.unwrap().path();
        let man = run_ok(
            tool("man")
                .args(["--warnings", "-l"])
                .arg(&page)
                .env("MANWIDTH", "80"),
        );
        assert!(
            man.stderr.is_empty(),
            "{}: {}",
            page.display(),
            text(&man.stderr)
        );
    }
    let listed = run_ok(
        std::process::Command::new(root.join("usr/bin/vitte"))
            .arg("--list")
            .env("PATH", "/nonexistent"),
    );
    assert!(
        text(&listed.stdout).contains("buildkit"),
        "{}",
        text(&listed.stdout)
    );

    // What lintian says is kept in the test log; shared-library dependencies
    // are not computed yet (undeclared-elf-prerequisites), but no error.
    let lintian = run(tool("lintian").args(["--tag-display-limit", "0"]).arg(&deb));
    let report = text(&lintian.stdout);
    eprintln!("lintian on the self package:\n{report}");
    let errors: Vec<&str> = report.lines().filter(|l| l.starts_with("E:")).collect();
    assert!(errors.is_empty(), "{report}");
}
