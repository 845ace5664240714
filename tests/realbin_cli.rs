//! A real program as a distribution packages it: `gcc -O2 -g`, dynamically
//! linked, with a configuration file, a doc and a man page and no
//! hand-written dependency. Judged by lintian (the .deb and its -dbgsym),
//! rpmlint (the .rpm and its -debuginfo, next to rpmbuild's own debuginfo
//! of the same program), dpkg in a scratch root (refused without libc6,
//! installed with it), gdb (function names and source lines of the
//! stripped program from the installed debug symbols), and the cross case
//! (an aarch64 program against an arm64 sysroot's dpkg database).

mod common;

use std::path::{Path, PathBuf};

use common::*;

const HELLO_C: &str = r#"#include <stdio.h>
#include <string.h>

__attribute__((noinline)) static int greet(const char *who)
{
    printf("hello %s\n", who);
    return (int)strlen(who);
}

int main(int argc, char **argv)
{
    return greet(argc > 1 ? argv[1] : "world") > 100;
}
"#;

/// The project: the program built by `compiler`, and the manifest.
fn project(compiler: &str) -> Project {
    let project = Project::new(
        &format!(
            "{PACKAGE}
# rpmlint counts rpmbuild's default group (Unspecified) as none.
[rpm]
group = \"Applications/Text\"

[[files]]
src = \"hello\"
dst = \"/usr/bin/hello\"

[[files]]
src = \"hello.conf\"
dst = \"/etc/hello/hello.conf\"
kind = \"config\"

[[files]]
src = \"README\"
dst = \"/usr/share/doc/hello/README\"
kind = \"doc\"

[[files]]
src = \"hello.1.gz\"
dst = \"/usr/share/man/man1/hello.1.gz\"
kind = \"doc\"
"
        ),
        &[
            ("hello.c", HELLO_C.as_bytes(), 0o644),
            ("hello.conf", b"greeting = hello\n", 0o644),
            ("README", b"Greets the world.\n", 0o644),
        ],
    );
    let dir = project.path();
    run_ok(
        tool(compiler)
            .current_dir(dir)
            .args(["-O2", "-g", "-o", "hello", "hello.c"]),
    );
    let man = ".TH HELLO 1\n.SH NAME\nhello \\- greets the world\n.SH SYNOPSIS\n.B hello\n[NAME]\n.SH DESCRIPTION\nPrints a greeting.\n";
    std::fs::write(dir.join("hello.1"), man).unwrap();
    run_ok(tool("gzip").current_dir(dir).args(["-9n", "hello.1"]));
    project
}

/// A minisign key for the build, and `HOME` with an rpm database that
/// trusts it (rpmlint checks signatures against `~/.rpmdb`).
fn key_and_home(dir: &Path) -> (PathBuf, PathBuf) {
    let keys = dir.join("keys");
    run_ok(
        buildkit()
            .args(["keygen", "--unencrypted", "--openpgp", "--out"])
            .arg(&keys),
    );
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    run_ok(
        tool("rpm")
            .env("HOME", &home)
            .arg("--import")
            .arg(keys.join("vitte-buildkit.asc")),
    );
    (keys.join("vitte-buildkit.key"), home)
}

fn lintian_clean(deb: &Path) {
    let report = text(&run_ok(tool("lintian").args(["--tag-display-limit", "0"]).arg(deb)).stdout);
    let bad: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("E:") || l.starts_with("W:"))
        .collect();
    assert!(bad.is_empty(), "lintian on {}:\n{report}", deb.display());
}

/// rpmlint's error lines about `rpm`.
fn rpmlint_errors(rpm: &Path, home: &Path) -> Vec<String> {
    let lint = text(&run(tool("rpmlint").env("HOME", home).arg(rpm)).stdout);
    eprintln!("rpmlint {}:\n{lint}", rpm.display());
    lint.lines()
        .filter(|l| l.contains(": E: "))
        .map(|l| l.split(": E: ").nth(1).unwrap_or(l).to_string())
        .map(|tag| tag.split_whitespace().next().unwrap_or("").to_string())
        .collect()
}

/// rpmbuild's own -debuginfo package of the same program, for comparison.
fn rpmbuild_debuginfo(dir: &Path) -> PathBuf {
    let top = dir.join("rpmbuild");
    std::fs::create_dir_all(&top).unwrap();
    let spec = dir.join("hello.spec");
    std::fs::write(
        &spec,
        format!(
            "Name: hello\nVersion: 1.2.3\nRelease: 1\nSummary: Greets the world\nLicense: MIT\n\
             Group: Applications/Text\nURL: https://example.org\n%description\nPrints a greeting.\n\
             %debug_package\n%install\nmkdir -p %{{buildroot}}/usr/bin\n\
             gcc -O2 -g -o %{{buildroot}}/usr/bin/hello {}/hello.c\n%files\n/usr/bin/hello\n",
            dir.display()
        ),
    )
    .unwrap();
    run_ok(
        tool("rpmbuild")
            .arg("--define")
            .arg(format!("_topdir {}", top.display()))
            .arg("-bb")
            .arg(&spec),
    );
    top.join("RPMS/x86_64/hello-debuginfo-1.2.3-1.x86_64.rpm")
}

/// An empty dpkg database under `root`.
fn dpkg_root(root: &Path) {
    std::fs::create_dir_all(root.join("var/lib/dpkg/info")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg/updates")).unwrap();
    std::fs::write(root.join("var/lib/dpkg/status"), "").unwrap();
}

fn dpkg_install(root: &Path, debs: &[&Path], extra: &[&str]) -> std::process::Output {
    run(tool("dpkg")
        .arg(format!("--root={}", root.display()))
        .args(["--force-script-chrootless", "--force-not-root"])
        .args(extra)
        .arg("-i")
        .args(debs))
}

/// A package named libc6 at this machine's libc6 version, holding nothing:
/// registers libc6 in a scratch root the way the real one would.
fn fake_libc6(dir: &Path) -> PathBuf {
    let version =
        text(&run_ok(tool("dpkg-query").args(["-W", "-f", "${Version}", "libc6"])).stdout);
    let tree = dir.join("libc6-tree");
    std::fs::create_dir_all(tree.join("DEBIAN")).unwrap();
    std::fs::write(
        tree.join("DEBIAN/control"),
        format!(
            "Package: libc6\nVersion: {version}\nArchitecture: amd64\nMulti-Arch: same\n\
             Maintainer: Test <test@example.org>\nDescription: stands in for the C library\n"
        ),
    )
    .unwrap();
    let deb = dir.join("libc6.deb");
    run_ok(
        tool("dpkg-deb")
            .args(["--root-owner-group", "-b"])
            .arg(&tree)
            .arg(&deb),
    );
    deb
}

#[test]
fn a_gcc_program_with_debug_info_is_packaged_as_distributions_do() {
    let project = project("gcc");
    let dir = project.path();
    let (key, home) = key_and_home(dir);
    let out = project.package(&["--format", "deb,rpm", "--key", key.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dist = project.dist();
    let deb = dist.join("hello_1.2.3-1_amd64.deb");
    let dbgsym = dist.join("hello-dbgsym_1.2.3-1_amd64.deb");
    let rpm = dist.join("hello-1.2.3-1.x86_64.rpm");
    let debuginfo = dist.join("hello-debuginfo-1.2.3-1.x86_64.rpm");
    // Every artifact signed and in SHA256SUMS.
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    for artifact in [&deb, &dbgsym, &rpm, &debuginfo] {
        let name = artifact.file_name().unwrap().to_str().unwrap();
        assert!(sums.contains(name), "{name} not in SHA256SUMS:\n{sums}");
        run_ok(
            tool("minisign")
                .arg("-Vm")
                .arg(artifact)
                .arg("-p")
                .arg(dir.join("keys/vitte-buildkit.pub")),
        );
    }

    let field = |deb: &Path, name: &str| {
        text(&run_ok(tool("dpkg-deb").arg("--field").arg(deb).arg(name)).stdout)
            .trim()
            .to_string()
    };
    assert!(field(&deb, "Depends").starts_with("libc6 (>= 2."));
    assert_eq!(field(&dbgsym, "Depends"), "hello (= 1.2.3-1)");
    assert_eq!(field(&dbgsym, "Section"), "debug");
    assert_eq!(field(&dbgsym, "Auto-Built-Package"), "debug-symbols");
    let build_id = field(&dbgsym, "Build-Ids");
    assert_eq!(build_id.len(), 40, "{build_id}");
    lintian_clean(&deb);
    lintian_clean(&dbgsym);

    assert!(rpmlint_errors(&rpm, &home).is_empty());
    // rpmlint 2.4 calls every separated debug file a shared library without
    // dependency information — rpmbuild's own debuginfo package of this
    // program included: that, and nothing else, is allowed.
    let reference = rpmlint_errors(&rpmbuild_debuginfo(dir), &home);
    for error in rpmlint_errors(&debuginfo, &home) {
        assert!(
            error == "shared-library-without-dependency-information" && reference.contains(&error),
            "rpmlint error {error} on our debuginfo; rpmbuild's has {reference:?}"
        );
    }
    let provides = text(&run_ok(tool("rpm").args(["-qp", "--provides"]).arg(&debuginfo)).stdout);
    assert!(
        provides.contains(&format!("debuginfo(build-id) = {build_id}")),
        "{provides}"
    );
    let requires = text(&run_ok(tool("rpm").args(["-qp", "--requires"]).arg(&rpm)).stdout);
    assert!(requires.contains("libc.so.6()(64bit)"), "{requires}");
    let docs = text(&run_ok(tool("rpm").args(["-qpd"]).arg(&rpm)).stdout);
    assert!(docs.contains("/usr/share/man/man1/hello.1.gz"), "{docs}");

    // dpkg refuses the package until libc6 is installed in the root.
    let root = dir.join("root");
    dpkg_root(&root);
    let refused = dpkg_install(&root, &[&deb], &[]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("depends on libc6"),
        "{}",
        text(&refused.stderr)
    );
    run_ok(
        tool("dpkg")
            .arg(format!("--root={}", root.display()))
            .args(["--force-not-root", "--purge", "hello"]),
    );
    let libc6 = fake_libc6(dir);
    assert!(dpkg_install(&root, &[&libc6], &[]).status.success());
    let installed = dpkg_install(&root, &[&deb, &dbgsym], &[]);
    assert!(installed.status.success(), "{}", text(&installed.stderr));

    // The installed program is stripped; gdb finds its names and lines
    // through the debug symbols package, and not without them.
    let program = root.join("usr/bin/hello");
    let sections = text(&run_ok(tool("readelf").args(["-S", "-W"]).arg(&program)).stdout);
    assert!(!sections.contains(".debug_info") && !sections.contains(".symtab"));
    assert!(sections.contains(".gnu_debuglink"), "{sections}");
    let gdb = |debug_dir: &Path| {
        text(
            &run_ok(
                tool("gdb")
                    .args(["-batch", "-nx"])
                    .arg("-ex")
                    .arg(format!("set debug-file-directory {}", debug_dir.display()))
                    .arg("-ex")
                    .arg(format!("file {}", program.display()))
                    .args(["-ex", "info line greet", "-ex", "info functions ^greet$"]),
            )
            .stdout,
        )
    };
    let found = gdb(&root.join("usr/lib/debug"));
    assert!(
        found.contains("Line 6 of \"hello.c\" starts at address"),
        "{found}"
    );
    assert!(
        found.contains("4:\tstatic int greet(const char *);"),
        "{found}"
    );
    let missing = gdb(&dir.join("nowhere"));
    assert!(!missing.contains("hello.c"), "{missing}");
}

#[test]
fn an_aarch64_program_gets_libc6_from_an_arm64_sysroot_and_fails_clearly_without_one() {
    let project = project("aarch64-linux-gnu-gcc");
    let dir = project.path();
    project.assert_refused(
        &["--format", "deb", "--target", "aarch64-linux"],
        &[
            "usr/bin/hello needs libc.so.6",
            "--sysroot",
            "auto-depends = false",
        ],
    );

    // An arm64 sysroot: the cross C library registered as libc6:arm64 by
    // dpkg, with the symbols file dpkg-gensymbols writes for it.
    let tree = dir.join("libc6-arm64");
    let lib = tree.join("lib/aarch64-linux-gnu");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::create_dir_all(tree.join("DEBIAN")).unwrap();
    for name in ["libc.so.6", "ld-linux-aarch64.so.1"] {
        std::fs::copy(
            Path::new("/usr/aarch64-linux-gnu/lib").join(name),
            lib.join(name),
        )
        .unwrap();
    }
    std::fs::create_dir_all(dir.join("debian")).unwrap();
    std::fs::write(
        dir.join("debian/control"),
        "Source: glibc\n\nPackage: libc6\nArchitecture: any\n",
    )
    .unwrap();
    run_ok(
        tool("dpkg-gensymbols")
            .current_dir(dir)
            .env("DEB_HOST_ARCH", "arm64")
            .args(["-q", "-plibc6", "-Plibc6-arm64", "-v2.36-9"])
            .arg("-Olibc6-arm64/DEBIAN/symbols"),
    );
    std::fs::write(
        tree.join("DEBIAN/control"),
        "Package: libc6\nVersion: 2.36-9\nArchitecture: arm64\nMulti-Arch: same\n\
         Maintainer: Test <test@example.org>\nDescription: GNU C Library for the test sysroot\n",
    )
    .unwrap();
    let deb = dir.join("libc6-arm64.deb");
    run_ok(
        tool("dpkg-deb")
            .args(["--root-owner-group", "-b"])
            .arg(&tree)
            .arg(&deb),
    );
    let sysroot = dir.join("sysroot");
    dpkg_root(&sysroot);
    let registered = dpkg_install(&sysroot, &[&deb], &["--force-architecture"]);
    assert!(registered.status.success(), "{}", text(&registered.stderr));

    let out = project.package(&[
        "--format",
        "deb",
        "--target",
        "aarch64-linux",
        "--sysroot",
        sysroot.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let arm = project.dist().join("hello_1.2.3-1_arm64.deb");
    let depends = text(&run_ok(tool("dpkg-deb").arg("--field").arg(&arm).arg("Depends")).stdout);
    assert_eq!(depends.trim(), "libc6 (>= 2.36-9)");
    // Stripped by the aarch64 objcopy, its debug symbols beside it.
    assert!(project
        .dist()
        .join("hello-dbgsym_1.2.3-1_arm64.deb")
        .is_file());
    lintian_clean(&arm);
}

/// The sha256 lines of SHA256SUMS.
fn sums(project: &Project) -> String {
    std::fs::read_to_string(project.dist().join("SHA256SUMS")).unwrap()
}

#[test]
fn stripping_is_reproducible_and_each_part_can_be_turned_off() {
    let project = project("gcc");
    let dir = project.path();
    let deb = project.dist().join("hello_1.2.3-1_amd64.deb");
    let extract = |name: &str| {
        let x = dir.join(name);
        run_ok(tool("dpkg-deb").arg("-x").arg(&deb).arg(&x));
        std::fs::read(x.join("usr/bin/hello")).unwrap()
    };
    // Two runs, the same bytes: deb, dbgsym, rpm, debuginfo.
    assert!(project.package(&["--format", "deb,rpm"]).status.success());
    let first = sums(&project);
    assert_eq!(first.lines().count(), 4, "{first}");
    std::fs::remove_dir_all(project.dist()).unwrap();
    assert!(project.package(&["--format", "deb,rpm"]).status.success());
    assert_eq!(sums(&project), first);
    let original = std::fs::read(dir.join("hello")).unwrap();
    let has_link = |bytes: &[u8]| bytes.windows(14).any(|w| w == b".gnu_debuglink");
    let stripped = extract("x1");
    assert!(stripped.len() < original.len() && has_link(&stripped));

    // strip = false on the file: packaged as built, no debug package.
    let manifest = std::fs::read_to_string(project.manifest()).unwrap();
    let unstripped = manifest.replace(
        "dst = \"/usr/bin/hello\"\n",
        "dst = \"/usr/bin/hello\"\nstrip = false\n",
    );
    std::fs::write(project.manifest(), &unstripped).unwrap();
    std::fs::remove_dir_all(project.dist()).unwrap();
    assert!(project.package(&["--format", "deb"]).status.success());
    assert!(extract("x2") == original, "strip = false changed the file");
    assert_eq!(
        project.dist_files(),
        ["SHA256SUMS", "hello_1.2.3-1_amd64.deb"]
    );

    // debug-symbols = false: stripped, no debug package; auto-depends =
    // false: only the hand-written relation.
    let no_debug = manifest
        .replace(
            "maintainer = \"Jane Doe <jane@example.org>\"\n",
            "maintainer = \"Jane Doe <jane@example.org>\"\ndebug-symbols = false\n\n[deb]\nauto-depends = false\n\n[relations]\ndepends = [\"libc6\"]\n",
        );
    std::fs::write(project.manifest(), &no_debug).unwrap();
    std::fs::remove_dir_all(project.dist()).unwrap();
    let out = project.package(&["--format", "deb"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Stripped, without a link to debug symbols that are not shipped.
    let no_link = extract("x3");
    assert!(no_link.len() < original.len() && !has_link(&no_link));
    assert_eq!(
        project.dist_files(),
        ["SHA256SUMS", "hello_1.2.3-1_amd64.deb"]
    );
    let depends = text(&run_ok(tool("dpkg-deb").arg("--field").arg(&deb).arg("Depends")).stdout);
    assert_eq!(depends.trim(), "libc6");
}

#[test]
fn a_binary_without_build_id_is_stripped_with_a_warning_and_musl_static_needs_nothing() {
    let project = project("gcc");
    let dir = project.path();
    run_ok(tool("gcc").current_dir(dir).args([
        "-O2",
        "-g",
        "-Wl,--build-id=none",
        "-o",
        "hello",
        "hello.c",
    ]));
    let out = project.package(&["--format", "deb"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("usr/bin/hello: has debug information but no GNU build-id"),
        "{err}"
    );
    assert_eq!(
        project.dist_files(),
        ["SHA256SUMS", "hello_1.2.3-1_amd64.deb"]
    );

    // A static musl program: no shared library, no dependency.
    run_ok(
        tool("musl-gcc")
            .current_dir(dir)
            .args(["-O2", "-static", "-o", "hello", "hello.c"]),
    );
    std::fs::remove_dir_all(project.dist()).unwrap();
    let out = project.package(&["--format", "deb,rpm"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let deb = project.dist().join("hello_1.2.3-1_amd64.deb");
    let fields = text(&run_ok(tool("dpkg-deb").arg("--field").arg(&deb)).stdout);
    assert!(!fields.contains("Depends:"), "{fields}");
    let rpm = project.dist().join("hello-1.2.3-1.x86_64.rpm");
    let requires = text(&run_ok(tool("rpm").args(["-qp", "--requires"]).arg(&rpm)).stdout);
    assert!(!requires.contains(".so"), "{requires}");
}
