//! Computed shared-library relations judged by the reference tools: for a C
//! program, a C++ program, a Rust program, a program linking zlib and
//! OpenSSL, and a package shipping its own shared library, the .deb's
//! Depends equal `dpkg-shlibdeps -O` on the same files laid out as a
//! debhelper package tree, and the .rpm's generated Requires and Provides
//! equal what rpm's own generator (`/usr/lib/rpm/elfdeps`) gives. Every
//! binary is built here by the real compilers (gcc, g++, rustc).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{run_ok, text, tool, Project, PACKAGE};

/// One file of a test package: where it is built, where it installs.
struct File {
    built: PathBuf,
    dst: &'static str,
    mode: u32,
}

/// Compiles with `compiler` and `args` into `dir/name`.
fn build(dir: &Path, compiler: &str, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    run_ok(
        tool(compiler)
            .current_dir(dir)
            .args(args)
            .arg("-o")
            .arg(&out),
    );
    out
}

fn source(dir: &Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).unwrap();
    name.to_string()
}

/// Packages `files` as deb and rpm; returns the project and the artifacts.
fn package(files: &[File]) -> (Project, PathBuf, PathBuf) {
    let mut manifest = PACKAGE.to_string();
    let mut copies = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let name = format!("f{i}");
        manifest.push_str(&format!(
            "\n[[files]]\nsrc = \"{name}\"\ndst = \"{}\"\nmode = \"{:o}\"\n",
            file.dst, file.mode
        ));
        copies.push((name, std::fs::read(&file.built).unwrap(), file.mode));
    }
    let borrowed: Vec<(&str, &[u8], u32)> = copies
        .iter()
        .map(|(n, b, m)| (n.as_str(), b.as_slice(), *m))
        .collect();
    let project = Project::new(&manifest, &borrowed);
    let out = project.package(&["--format", "deb,rpm"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let deb = project.dist().join("hello_1.2.3-1_amd64.deb");
    let rpm = project.dist().join("hello-1.2.3-1.x86_64.rpm");
    (project, deb, rpm)
}

/// What dpkg-shlibdeps says, with the files in a debhelper-style package
/// tree (`debian/hello/…` with a DEBIAN folder), so that libraries the
/// package ships are found in it as they are in ours.
fn shlibdeps(dir: &Path, files: &[File]) -> String {
    let work = dir.join("oracle");
    let tree = work.join("debian/hello");
    std::fs::create_dir_all(tree.join("DEBIAN")).unwrap();
    std::fs::write(
        work.join("debian/control"),
        "Source: hello\n\nPackage: hello\nArchitecture: any\n",
    )
    .unwrap();
    let mut args = Vec::new();
    for file in files {
        let at = tree.join(file.dst.trim_start_matches('/'));
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::copy(&file.built, &at).unwrap();
        args.push(at);
    }
    let out = run_ok(
        tool("dpkg-shlibdeps")
            .current_dir(&work)
            .arg("-O")
            .args(&args),
    );
    let line = text(&out.stdout);
    line.trim()
        .strip_prefix("shlibs:Depends=")
        .unwrap_or_else(|| panic!("dpkg-shlibdeps printed {line:?}"))
        .to_string()
}

/// What rpm's elfdeps generator gives for the files, one direction.
fn elfdeps(files: &[File], direction: &str) -> BTreeSet<String> {
    use std::io::Write;
    let mut child = std::process::Command::new("/usr/lib/rpm/elfdeps")
        .arg(direction)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("/usr/lib/rpm/elfdeps (Debian package rpm) runs");
    let mut stdin = child.stdin.take().unwrap();
    for file in files {
        writeln!(stdin, "{}", file.built.display()).unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    text(&out.stdout).lines().map(str::to_string).collect()
}

/// The rpm's requires or provides, without what rpmbuild adds on its own
/// (rpmlib features, the package's own name, config(…)).
fn rpm_list(rpm: &Path, query: &str) -> BTreeSet<String> {
    let out = run_ok(tool("rpm").args(["-qp", query]).arg(rpm));
    text(&out.stdout)
        .lines()
        .filter(|l| {
            !l.starts_with("rpmlib(") && !l.starts_with("config(") && !l.starts_with("hello")
        })
        .map(str::to_string)
        .collect()
}

/// Packages `files` and compares both formats with their reference tools;
/// returns the Depends for further checks.
fn judge(files: &[File]) -> String {
    for file in files {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file.built, std::fs::Permissions::from_mode(file.mode)).unwrap();
    }
    let (project, deb, rpm) = package(files);
    let depends = text(&run_ok(tool("dpkg-deb").arg("--field").arg(&deb).arg("Depends")).stdout)
        .trim()
        .to_string();
    assert_eq!(depends, shlibdeps(project.path(), files));
    assert_eq!(rpm_list(&rpm, "--requires"), elfdeps(files, "--requires"));
    assert_eq!(rpm_list(&rpm, "--provides"), elfdeps(files, "--provides"));
    depends
}

#[test]
fn a_c_program_depends_on_libc_as_dpkg_shlibdeps_and_elfdeps_say() {
    let dir = tempfile::tempdir().unwrap();
    let c = source(
        dir.path(),
        "hello.c",
        "#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) { printf(\"%zu\\n\", strlen(v[0])); return c > 5; }\n",
    );
    let built = build(dir.path(), "gcc", "hello", &["-O2", "-g", &c]);
    let depends = judge(&[File {
        built,
        dst: "/usr/bin/hello",
        mode: 0o755,
    }]);
    assert!(depends.starts_with("libc6 (>= 2."), "{depends}");
}

#[test]
fn a_cpp_program_depends_on_libstdcxx_and_libgcc() {
    let dir = tempfile::tempdir().unwrap();
    let cpp = source(
        dir.path(),
        "hello.cpp",
        "#include <iostream>\n#include <vector>\n#include <stdexcept>\nint main(int c, char **) { std::vector<int> v(c); try { if (c > 3) throw std::runtime_error(\"x\"); } catch (const std::exception &e) { std::cout << e.what(); } std::cout << v.size() << std::endl; }\n",
    );
    let built = build(dir.path(), "g++", "hello", &["-O2", "-g", &cpp]);
    let depends = judge(&[File {
        built,
        dst: "/usr/bin/hello",
        mode: 0o755,
    }]);
    assert!(depends.contains("libstdc++6 (>= "), "{depends}");
}

#[test]
fn a_rust_program_depends_on_libc_and_libgcc_s() {
    let dir = tempfile::tempdir().unwrap();
    let rs = source(
        dir.path(),
        "hello.rs",
        "fn main() { let v: Vec<String> = std::env::args().collect(); println!(\"{}\", v.len()); }\n",
    );
    let built = build(dir.path(), "rustc", "hello", &["-O", "-g", &rs]);
    let depends = judge(&[File {
        built,
        dst: "/usr/bin/hello",
        mode: 0o755,
    }]);
    assert!(depends.contains("libgcc-s1"), "{depends}");
}

#[test]
fn a_program_linking_zlib_and_openssl_depends_on_both() {
    let dir = tempfile::tempdir().unwrap();
    let c = source(
        dir.path(),
        "tls.c",
        "#include <stdio.h>\n#include <zlib.h>\n#include <openssl/ssl.h>\n#include <openssl/evp.h>\nint main(void) { SSL_CTX *ctx = SSL_CTX_new(TLS_client_method()); unsigned char d[32]; unsigned n; EVP_Digest(\"x\", 1, d, &n, EVP_sha256(), NULL); printf(\"%s %u %p\\n\", zlibVersion(), n, (void *)ctx); return 0; }\n",
    );
    let built = build(
        dir.path(),
        "gcc",
        "tls",
        &["-O2", "-g", &c, "-lz", "-lssl", "-lcrypto"],
    );
    let depends = judge(&[File {
        built,
        dst: "/usr/bin/tls",
        mode: 0o755,
    }]);
    assert!(
        depends.contains("libssl3 (>= ") && depends.contains("zlib1g (>= "),
        "{depends}"
    );
}

#[test]
fn a_shared_library_the_package_ships_needs_no_dependency_and_is_provided() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lib = source(
        d,
        "greet.c",
        "#include <stdio.h>\nvoid greet(const char *w) { printf(\"hello %s\\n\", w); }\nvoid greet2(void) { greet(\"again\"); }\n",
    );
    std::fs::write(
        d.join("greet.map"),
        "GREET_1 { global: greet; local: *; };\nGREET_2 { global: greet2; } GREET_1;\n",
    )
    .unwrap();
    let so = build(
        d,
        "gcc",
        "libgreet.so.1",
        &[
            "-O2",
            "-g",
            "-shared",
            "-fPIC",
            "-Wl,-soname,libgreet.so.1",
            "-Wl,--version-script=greet.map",
            &lib,
        ],
    );
    std::os::unix::fs::symlink("libgreet.so.1", d.join("libgreet.so")).unwrap();
    let main = source(
        d,
        "main.c",
        "void greet(const char *); void greet2(void);\nint main(void) { greet(\"world\"); greet2(); return 0; }\n",
    );
    let exe = build(d, "gcc", "greeter", &["-O2", "-g", &main, "-L.", "-lgreet"]);
    let depends = judge(&[
        File {
            built: so,
            dst: "/usr/lib/x86_64-linux-gnu/libgreet.so.1",
            mode: 0o644,
        },
        File {
            built: exe,
            dst: "/usr/bin/greeter",
            mode: 0o755,
        },
    ]);
    assert!(
        depends.starts_with("libc6 (>= ") && !depends.contains("greet"),
        "{depends}"
    );
}
