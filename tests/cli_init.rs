//! `vitte-buildkit init`: the manifest it writes for a `cargo new` crate
//! (built by cargo here) and for a folder holding a C program, a shared
//! library and a man page packages for the host without an error, and
//! dpkg-deb reads the .deb; an existing manifest is kept unless `--force`.

mod common;

use std::path::Path;

use common::*;

fn cargo() -> std::process::Command {
    let mut cmd = std::process::Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
    cmd.env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("RUSTFLAGS");
    cmd
}

fn init(dir: &Path, extra: &[&str]) -> std::process::Output {
    run(buildkit()
        .arg("init")
        .arg(dir)
        .args(extra)
        .env_remove("DEBEMAIL")
        .env_remove("EMAIL"))
}

/// Packages `dir`'s new manifest for the host into `dir/dist` and returns
/// the .deb, after dpkg-deb has read it.
fn package_for_host(dir: &Path) -> std::path::PathBuf {
    let out = run(buildkit()
        .arg("package")
        .arg("--manifest")
        .arg(dir.join("buildkit.toml"))
        .args(["--target", "x86_64-linux", "--out"])
        .arg(dir.join("dist")));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let deb = std::fs::read_dir(dir.join("dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .expect("a .deb");
    let info = text(&run_ok(tool("dpkg-deb").arg("--info").arg(&deb)).stdout);
    assert!(info.contains("Architecture: amd64"), "{info}");
    deb
}

fn deb_paths(deb: &Path) -> String {
    text(&run_ok(tool("dpkg-deb").arg("--contents").arg(deb)).stdout)
}

#[test]
fn a_cargo_new_crate_gets_a_manifest_that_packages() {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("hello_init");
    run_ok(
        cargo()
            .args(["new", "--quiet", "--vcs", "none"])
            .arg(&krate),
    );
    let toml = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        toml.replace(
            "edition",
            "description = \"Says hello. Twice.\"\nlicense = \"MIT\"\nhomepage = \"https://example.org/h\"\nauthors = [\"Jane Doe <jane@example.org>\"]\nedition",
        ),
    )
    .unwrap();
    std::fs::write(krate.join("LICENSE"), "MIT\n").unwrap();
    std::fs::create_dir(krate.join("src/bin")).unwrap();
    std::fs::write(krate.join("src/bin/helper.rs"), "fn main() {}\n").unwrap();
    run_ok(
        cargo()
            .args(["build", "--quiet", "--release"])
            .current_dir(&krate),
    );

    let out = init(&krate, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let manifest = std::fs::read_to_string(krate.join("buildkit.toml")).unwrap();
    for want in [
        "name = \"hello-init\"",
        "version = \"0.1.0\"",
        "summary = \"Says hello\"",
        "license = \"MIT\"",
        "maintainer = \"Jane Doe <jane@example.org>\"",
        "homepage = \"https://example.org/h\"",
        "src = \"target/release/hello_init\"",
        "src = \"target/release/helper\"",
        "src = \"LICENSE\"",
    ] {
        assert!(manifest.contains(want), "{want}:\n{manifest}");
    }
    let deb = package_for_host(&krate);
    let paths = deb_paths(&deb);
    for want in [
        "./usr/bin/hello_init",
        "./usr/bin/helper",
        "./usr/share/doc/hello-init/LICENSE",
    ] {
        assert!(paths.contains(want), "{want}:\n{paths}");
    }

    // A second init keeps the (edited) manifest; --force replaces it.
    std::fs::write(krate.join("buildkit.toml"), "# mine\n").unwrap();
    let again = init(&krate, &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(krate.join("buildkit.toml")).unwrap(),
        "# mine\n"
    );
    let forced = init(&krate, &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert_eq!(
        std::fs::read_to_string(krate.join("buildkit.toml")).unwrap(),
        manifest
    );
}

#[test]
fn a_folder_of_built_files_gets_a_manifest_that_packages() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Greeter");
    std::fs::create_dir_all(folder.join("man")).unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("greet.c"),
        "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n",
    )
    .unwrap();
    std::fs::write(
        src.join("add.c"),
        "int add(int a, int b) { return a + b; }\n",
    )
    .unwrap();
    run_ok(
        tool("gcc")
            .arg("-O2")
            .arg("-o")
            .arg(folder.join("greet"))
            .arg(src.join("greet.c")),
    );
    run_ok(
        tool("gcc")
            .args(["-O2", "-shared", "-fPIC", "-Wl,-soname,libadd.so.1", "-o"])
            .arg(folder.join("libadd.so.1"))
            .arg(src.join("add.c")),
    );
    std::fs::write(
        folder.join("man/greet.1"),
        ".TH GREET 1\n.SH NAME\ngreet \\- says hi\n",
    )
    .unwrap();
    std::fs::write(folder.join("COPYING"), "GPL\n").unwrap();
    std::fs::write(
        folder.join("greet.service"),
        "[Service]\nExecStart=/usr/bin/greet\n",
    )
    .unwrap();
    std::fs::write(folder.join("notes.xyz"), "?\n").unwrap();

    let out = init(&folder, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let manifest = std::fs::read_to_string(folder.join("buildkit.toml")).unwrap();
    for want in [
        "name = \"greet\"",
        "src = \"greet\"\ndst = \"/usr/bin/\"",
        "src = \"libadd.so.1\"\ndst = { linux = \"/usr/lib/\" }",
        "# Not placed: man/greet.1, a manual page: gzip -9n it",
        "src = \"COPYING\"\ndst = \"/usr/share/doc/{name}/\"\nkind = \"license\"",
        "src = \"greet.service\"",
        "# Not placed: notes.xyz",
    ] {
        assert!(manifest.contains(want), "{want}:\n{manifest}");
    }
    let deb = package_for_host(&folder);
    let paths = deb_paths(&deb);
    for want in [
        "./usr/bin/greet",
        "./usr/lib/libadd.so.1",
        "./usr/lib/systemd/system/greet.service",
    ] {
        assert!(paths.contains(want), "{want}:\n{paths}");
    }
}

#[test]
fn what_init_cannot_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = init(&dir.path().join("nope"), &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("is not a folder"),
        "{}",
        text(&missing.stderr)
    );
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"a\"]\n",
    )
    .unwrap();
    let workspace = init(dir.path(), &[]);
    assert_eq!(workspace.status.code(), Some(1));
    assert!(
        text(&workspace.stderr).contains("is a workspace"),
        "{}",
        text(&workspace.stderr)
    );
    assert!(!dir.path().join("buildkit.toml").exists());
}
