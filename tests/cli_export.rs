//! `vitte-buildkit export`: archives of an output folder, judged by bsdtar,
//! unzip and 7-Zip; reproducible whatever the time zone, umask and mtimes.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::{buildkit, run, run_ok, text, tool};

const FORMATS: [&str; 4] = ["tar.gz", "tar.xz", "tar.zst", "zip"];

/// An output folder like `package` leaves: artifacts, signatures, SHA256SUMS,
/// plus a sub-folder, with the given file mode and mtime (`touch -d`).
fn output_folder(parent: &Path, mode: u32, touch: &str) -> PathBuf {
    let dist = parent.join("dist");
    fs::create_dir_all(dist.join("repo/pool")).unwrap();
    let big: Vec<u8> = (0..600_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    let files: [(&str, &[u8]); 5] = [
        ("hello_1.2.3_amd64.deb", &big),
        (
            "hello_1.2.3_amd64.deb.minisig",
            b"untrusted comment: sig\nRWQ...\n",
        ),
        ("SHA256SUMS", b"0000  hello_1.2.3_amd64.deb\n"),
        ("repo/pool/a.txt", b"a\n"),
        ("repo/empty", b""),
    ];
    for (name, content) in files {
        let path = dist.join(name);
        fs::write(&path, content).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    }
    run_ok(
        tool("touch")
            .arg("-d")
            .arg(touch)
            .arg(dist.join("SHA256SUMS")),
    );
    run_ok(tool("touch").arg("-d").arg(touch).arg(&dist));
    dist
}

fn export(dir: &Path, format: &str, out: &Path, tz: &str, umask_mode: u32) -> Vec<u8> {
    // The umask is inherited: run through sh so each export gets its own.
    run_ok(
        tool("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask_mode:03o} && exec \"$0\" export --format {format} --out \"$1\" \"$2\""
            ))
            .arg(env!("CARGO_BIN_EXE_vitte-buildkit"))
            .arg(out)
            .arg(dir)
            .env("TZ", tz)
            .env_remove("SOURCE_DATE_EPOCH"),
    );
    fs::read(out).unwrap()
}

#[test]
fn every_format_lists_everything_with_fixed_owner_mode_and_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = output_folder(tmp.path(), 0o600, "2031-05-06 07:08:09");
    for format in FORMATS {
        let out = tmp.path().join(format!("out.{format}"));
        export(&dist, format, &out, "UTC", 0o077);
        assert_eq!(
            fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600,
            "{format}: the archive follows the umask, as every artifact does"
        );
        let listing = text(&run_ok(tool("bsdtar").arg("-tvf").arg(&out)).stdout);
        let lines: Vec<&str> = listing.lines().collect();
        let names: Vec<&str> = lines
            .iter()
            .map(|l| l.split_whitespace().last().unwrap())
            .collect();
        let want = [
            "dist/",
            "dist/SHA256SUMS",
            "dist/hello_1.2.3_amd64.deb",
            "dist/hello_1.2.3_amd64.deb.minisig",
            "dist/repo/",
            "dist/repo/empty",
            "dist/repo/pool/",
            "dist/repo/pool/a.txt",
        ];
        let names: Vec<String> = names
            .iter()
            .map(|n| {
                // bsdtar shows zip folders without their slash.
                if !n.ends_with('/') && want.contains(&format!("{n}/").as_str()) {
                    format!("{n}/")
                } else {
                    n.to_string()
                }
            })
            .collect();
        assert_eq!(names, want, "{format}:\n{listing}");
        for line in &lines {
            let is_dir = line.starts_with('d');
            let wanted_mode = if is_dir { "drwxr-xr-x" } else { "-rw-r--r--" };
            assert!(line.starts_with(wanted_mode), "{format}: {line}");
            assert!(line.contains("Jan  1  2024"), "{format}: {line}");
            if format != "zip" {
                assert!(line.contains("root   root"), "{format}: {line}");
            }
        }
        // Contents survive: extract with bsdtar and compare.
        let x = tmp.path().join(format!("x-{format}"));
        fs::create_dir_all(&x).unwrap();
        run_ok(tool("bsdtar").arg("-xf").arg(&out).arg("-C").arg(&x));
        for name in ["hello_1.2.3_amd64.deb", "repo/pool/a.txt", "SHA256SUMS"] {
            assert!(
                fs::read(x.join("dist").join(name)).unwrap() == fs::read(dist.join(name)).unwrap(),
                "{format}: {name} differs after extraction"
            );
        }
    }
}

#[test]
fn zip_passes_unzip_and_7z() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = output_folder(tmp.path(), 0o644, "2020-01-01");
    let out = tmp.path().join("dist.zip");
    export(&dist, "zip", &out, "UTC", 0o022);
    let tested = text(&run_ok(tool("unzip").arg("-t").arg(&out)).stdout);
    assert!(tested.contains("No errors detected"), "{tested}");
    assert_eq!(tested.matches("OK").count(), 8, "{tested}");
    let listed = text(&run_ok(tool("7z").arg("l").arg(&out)).stdout);
    assert!(listed.contains("5 files, 3 folders"), "{listed}");
    assert!(listed.contains("2024-01-01 00:00:00"), "{listed}");
    let verbose = text(&run_ok(tool("zipinfo").arg("-v").arg(&out)).stdout);
    assert_eq!(
        verbose.matches("length of extra field:").count(),
        verbose
            .matches("length of extra field:                          0 bytes")
            .count(),
        "no extra fields that could vary:\n{verbose}"
    );
}

#[test]
fn exports_are_byte_identical_whatever_tz_umask_and_mtimes() {
    let tmp = tempfile::tempdir().unwrap();
    let a = output_folder(&tmp.path().join("a"), 0o600, "1999-12-31 23:59:59");
    let b = output_folder(&tmp.path().join("b"), 0o755, "2030-06-01 12:00:00");
    for format in FORMATS {
        let first = export(
            &a,
            format,
            &tmp.path().join(format!("1.{format}")),
            "UTC",
            0o077,
        );
        let second = export(
            &b,
            format,
            &tmp.path().join(format!("2.{format}")),
            "Pacific/Kiritimati",
            0o002,
        );
        assert!(first == second, "{format}: two exports differ");
    }
}

#[test]
fn source_date_epoch_sets_every_timestamp() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = output_folder(tmp.path(), 0o644, "2020-01-01");
    let out = tmp.path().join("dist.tar.zst");
    run_ok(
        buildkit()
            .env("SOURCE_DATE_EPOCH", "951827696")
            .args(["export", "-f", "tar.zst", "--out"])
            .arg(&out)
            .arg(&dist),
    );
    let listing = text(&run_ok(tool("bsdtar").arg("-tvf").arg(&out)).stdout);
    assert!(
        listing.lines().all(|l| l.contains("Feb 29  2000")),
        "{listing}"
    );
}

#[test]
fn default_out_is_beside_the_folder_and_never_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = output_folder(tmp.path(), 0o644, "2020-01-01");
    let out = run(buildkit().current_dir(tmp.path()).args([
        "export",
        "--format",
        "tar.gz",
        "--message-format",
        "json",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let artifact: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(artifact["reason"], "artifact");
    let path = PathBuf::from(artifact["path"].as_str().unwrap());
    assert_eq!(
        path,
        fs::canonicalize(tmp.path()).unwrap().join("dist.tar.gz")
    );
    let (size, sha) = (
        artifact["size"].as_u64().unwrap(),
        artifact["sha256"].as_str().unwrap(),
    );
    assert_eq!(size, fs::metadata(&path).unwrap().len());
    let sum = text(&run_ok(tool("sha256sum").arg(&path)).stdout);
    assert!(sum.starts_with(sha), "{sum} vs {sha}");

    let inside = run(buildkit()
        .args(["export", "--format", "zip", "--out"])
        .arg(dist.join("sub/all.zip"))
        .arg(&dist));
    assert!(!inside.status.success());
    assert!(
        text(&inside.stderr).contains("inside the folder it archives"),
        "{}",
        text(&inside.stderr)
    );
    assert!(!dist.join("sub").exists());
}

#[test]
fn a_failed_export_keeps_the_earlier_archive_and_leaves_no_temp_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = output_folder(tmp.path(), 0o644, "2020-01-01");
    let out = tmp.path().join("out/dist.tar.xz");
    let before = {
        run_ok(
            buildkit()
                .args(["export", "-f", "tar.xz", "--out"])
                .arg(&out)
                .arg(&dist),
        );
        fs::read(&out).unwrap()
    };
    run_ok(tool("mkfifo").arg(dist.join("pipe")));
    let failed = run(buildkit()
        .args(["export", "-f", "tar.xz", "--out"])
        .arg(&out)
        .arg(&dist));
    assert!(!failed.status.success());
    let stderr = text(&failed.stderr);
    assert!(
        stderr.contains("pipe") && stderr.contains("only files, folders"),
        "{stderr}"
    );
    assert!(
        fs::read(&out).unwrap() == before,
        "the earlier archive changed"
    );
    let left: Vec<_> = fs::read_dir(out.parent().unwrap())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(left.len(), 1, "temp files left: {left:?}");

    let folder = run(buildkit()
        .args(["export", "-f", "zip", "--out"])
        .arg(tmp.path())
        .arg(&dist));
    assert!(
        text(&folder.stderr).contains("is a folder; name the archive file"),
        "{}",
        text(&folder.stderr)
    );

    let unknown = run(buildkit().args(["export", "-f", "rar"]).arg(&dist));
    assert!(text(&unknown.stderr).contains("expected one of tar.gz, tar.xz, tar.zst, zip"));
}

#[test]
fn staging_folders_of_a_running_build_are_not_exported() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = output_folder(tmp.path(), 0o644, "2020-01-01");
    fs::create_dir(dist.join(".vitte-buildkit-staging-1")).unwrap();
    fs::write(dist.join(".vitte-buildkit-staging-1/half.deb"), b"x").unwrap();
    let out = tmp.path().join("d.tar.gz");
    run_ok(
        buildkit()
            .args(["export", "-f", "tar.gz", "--out"])
            .arg(&out)
            .arg(&dist),
    );
    let listing = text(&run_ok(tool("bsdtar").arg("-tf").arg(&out)).stdout);
    assert!(!listing.contains("staging"), "{listing}");
    assert!(listing.contains("dist/SHA256SUMS"), "{listing}");
}

#[test]
fn the_rust_api_exports_the_same_bytes_as_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = output_folder(tmp.path(), 0o644, "2020-01-01");
    let cli = export(
        &dist,
        "tar.gz",
        &tmp.path().join("cli.tar.gz"),
        "UTC",
        0o022,
    );
    let api_out = tmp.path().join("api.tar.gz");
    let artifact = vitte_buildkit::BuildKit::new()
        .threads(1)
        .source_date_epoch(1_704_067_200)
        .export(&dist, "tar.gz", Some(&api_out))
        .unwrap();
    assert_eq!(artifact.size, fs::metadata(&api_out).unwrap().len());
    assert!(
        fs::read(&api_out).unwrap() == cli,
        "API and CLI archives differ"
    );
}

#[test]
fn an_interrupted_export_leaves_the_earlier_archive_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    // Large enough that xz is still busy when the signal comes.
    let big: Vec<u8> = (0..40_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    fs::write(dist.join("big.bin"), &big).unwrap();
    let out_dir = tmp.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join("dist.tar.xz");
    fs::write(&out, b"the earlier archive").unwrap();
    let mut child = buildkit()
        .args(["export", "-f", "tar.xz", "-j", "1", "--out"])
        .arg(&out)
        .arg(&dist)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while fs::read_dir(&out_dir).unwrap().count() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the export never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    run_ok(tool("kill").arg("-INT").arg(child.id().to_string()));
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    let left: Vec<String> = fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["dist.tar.xz"]);
    assert_eq!(fs::read(&out).unwrap(), b"the earlier archive");
}
