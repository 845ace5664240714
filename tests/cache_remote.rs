//! The remote cache on a real OCI registry (Debian's docker-registry, with
//! and without htpasswd auth): entries pushed after a miss are OCI
//! artifacts skopeo reads; a fresh machine pulls them; and every fault —
//! a registry that is down, one that never answers, refused credentials, a
//! blob whose bytes do not match its digest — ends in a warning and the
//! right artifact.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use common::registry::{free_port, Registry};
use common::{buildkit, run, run_ok, text, tool, Project, PACKAGE};
use serde_json::Value;

fn project() -> Project {
    let mut x: u32 = 12345;
    let data: Vec<u8> = (0..200_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    Project::new(
        &format!("{PACKAGE}\n[[files]]\nsrc = \"data.bin\"\ndst = \"/usr/share/hello/data.bin\"\n"),
        &[("data.bin", &data, 0o644)],
    )
}

/// `package -f deb,tar.gz` with JSON output into `out`.
fn package(project: &Project, out: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = buildkit();
    cmd.args([
        "package",
        "-f",
        "deb,tar.gz",
        "-t",
        "x86_64-linux",
        "--message-format",
        "json",
    ])
    .arg("--manifest")
    .arg(project.manifest())
    .arg("--out")
    .arg(out)
    .args(args)
    .env_remove("VITTE_BUILDKIT_REGISTRY_USER")
    .env_remove("VITTE_BUILDKIT_REGISTRY_PASSWORD")
    .env("DOCKER_CONFIG", project.path().join("no-docker-config"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(&mut cmd);
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

fn lines(out: &Output, reason: &str) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["reason"] == reason)
        .collect()
}

/// (format, cache outcome, sha256) of each artifact.
fn artifacts(out: &Output) -> Vec<(String, String, String)> {
    lines(out, "artifact")
        .iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            (s("format"), s("cache"), s("sha256"))
        })
        .collect()
}

fn outcomes(out: &Output) -> Vec<String> {
    artifacts(out).into_iter().map(|(_, c, _)| c).collect()
}

fn sums(out: &Output) -> Vec<(String, String)> {
    artifacts(out).into_iter().map(|(f, _, s)| (f, s)).collect()
}

fn warnings(out: &Output) -> Vec<String> {
    lines(out, "warning")
        .iter()
        .map(|v| v["message"].as_str().unwrap().to_string())
        .collect()
}

/// The reference build: no cache at all.
fn uncached(project: &Project) -> Vec<(String, String)> {
    sums(&package(
        project,
        &project.path().join("plain"),
        &["--cache", "off"],
        &[],
    ))
}

fn tags(registry: &Registry, repo: &str, creds: Option<&str>) -> Vec<String> {
    let mut cmd = tool("skopeo");
    cmd.args(["list-tags", "--tls-verify=false"]);
    if let Some(creds) = creds {
        cmd.args(["--creds", creds]);
    }
    let out = run_ok(cmd.arg(format!("docker://127.0.0.1:{}/{repo}", registry.port)));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut tags: Vec<String> = v["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    tags.sort();
    tags
}

#[test]
fn a_miss_is_pushed_as_an_oci_artifact_and_a_fresh_cache_pulls_it() {
    let registry = Registry::start(None);
    let project = project();
    let remote = registry.location("team/cache");
    let first_cache = project.path().join("cache1");
    let cold = package(
        &project,
        &project.dist(),
        &[
            "--cache",
            first_cache.to_str().unwrap(),
            "--cache-remote",
            &remote,
        ],
        &[],
    );
    assert_eq!(outcomes(&cold), ["miss", "miss"]);
    assert!(warnings(&cold).is_empty(), "{:?}", warnings(&cold));
    assert_eq!(sums(&cold), uncached(&project));

    // skopeo reads what was pushed: one artifact per key, the artifact as its layer.
    let tags = tags(&registry, "team/cache", None);
    assert_eq!(tags.len(), 2, "{tags:?}");
    let mut layer_digests = Vec::new();
    for tag in &tags {
        let out = run_ok(
            tool("skopeo")
                .args(["inspect", "--raw", "--tls-verify=false"])
                .arg(registry.skopeo_ref("team/cache", tag)),
        );
        let manifest: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            manifest["artifactType"],
            "application/vnd.vitte-buildkit.cache.v1"
        );
        assert_eq!(
            manifest["config"]["mediaType"],
            "application/vnd.oci.empty.v1+json"
        );
        let layers = manifest["layers"].as_array().unwrap();
        assert_eq!(layers.len(), 1);
        layer_digests.push(
            layers[0]["digest"]
                .as_str()
                .unwrap()
                .trim_start_matches("sha256:")
                .to_string(),
        );
    }
    layer_digests.sort();
    let mut artifact_sums: Vec<String> = sums(&cold).into_iter().map(|(_, s)| s).collect();
    artifact_sums.sort();
    assert_eq!(
        layer_digests, artifact_sums,
        "each layer is the artifact itself"
    );

    // Another machine: an empty local cache, the same remote.
    let second_cache = project.path().join("cache2");
    let args = [
        "--cache",
        second_cache.to_str().unwrap(),
        "--cache-remote",
        remote.as_str(),
    ];
    let warm = package(&project, &project.path().join("warm"), &args, &[]);
    assert_eq!(outcomes(&warm), ["hit-remote", "hit-remote"]);
    assert_eq!(sums(&warm), sums(&cold));
    let deb = project.path().join("warm/hello_1.2.3-1_all.deb");
    run_ok(tool("dpkg-deb").arg("--info").arg(deb));
    // The pull filled the local cache.
    let again = package(&project, &project.path().join("again"), &args, &[]);
    assert_eq!(outcomes(&again), ["hit-local", "hit-local"]);
}

#[test]
fn read_mode_pulls_but_never_pushes() {
    let registry = Registry::start(None);
    let project = project();
    let remote = registry.location("ro");
    let out = package(
        &project,
        &project.dist(),
        &[
            "--cache",
            "off",
            "--cache-remote",
            &remote,
            "--cache-mode",
            "read",
        ],
        &[],
    );
    assert_eq!(outcomes(&out), ["miss", "miss"]);
    assert!(warnings(&out).is_empty(), "{:?}", warnings(&out));
    let listed = run(tool("skopeo")
        .args(["list-tags", "--tls-verify=false"])
        .arg(format!("docker://127.0.0.1:{}/ro", registry.port)));
    assert!(
        !listed.status.success(),
        "the repository exists: {}",
        text(&listed.stdout)
    );
}

#[test]
fn credentials_come_from_the_environment_or_docker_config_and_a_refusal_is_a_warning() {
    let registry = Registry::start(Some(("ci", "s3cret")));
    let project = project();
    let remote = registry.location("private");
    let expected = uncached(&project);
    let env = [
        ("VITTE_BUILDKIT_REGISTRY_USER", "ci"),
        ("VITTE_BUILDKIT_REGISTRY_PASSWORD", "s3cret"),
    ];
    let pushed = package(
        &project,
        &project.dist(),
        &["--cache", "off", "--cache-remote", &remote],
        &env,
    );
    assert!(warnings(&pushed).is_empty(), "{:?}", warnings(&pushed));
    assert_eq!(tags(&registry, "private", Some("ci:s3cret")).len(), 2);

    // docker login's config.json: {"auths": {"HOST": {"auth": base64("ci:s3cret")}}}.
    let docker = project.path().join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let auth = "Y2k6czNjcmV0";
    std::fs::write(
        docker.join("config.json"),
        format!(
            r#"{{"auths": {{"127.0.0.1:{}": {{"auth": "{auth}"}}}}}}"#,
            registry.port
        ),
    )
    .unwrap();
    let mut cmd = buildkit();
    let out = run_ok(
        cmd.args([
            "package",
            "-f",
            "deb,tar.gz",
            "-t",
            "x86_64-linux",
            "--message-format",
            "json",
            "--cache",
            "off",
        ])
        .arg("--cache-remote")
        .arg(&remote)
        .arg("--manifest")
        .arg(project.manifest())
        .arg("--out")
        .arg(project.path().join("from-config"))
        .env_remove("VITTE_BUILDKIT_REGISTRY_USER")
        .env("DOCKER_CONFIG", &docker),
    );
    assert_eq!(outcomes(&out), ["hit-remote", "hit-remote"]);

    // A wrong password: a warning, then an ordinary build.
    let bad = [
        ("VITTE_BUILDKIT_REGISTRY_USER", "ci"),
        ("VITTE_BUILDKIT_REGISTRY_PASSWORD", "wrong"),
    ];
    let out = package(
        &project,
        &project.path().join("refused"),
        &["--cache", "off", "--cache-remote", &remote],
        &bad,
    );
    assert_eq!(outcomes(&out), ["miss", "miss"]);
    assert_eq!(sums(&out), expected);
    let warned = warnings(&out);
    assert_eq!(warned.len(), 1, "one warning for the run: {warned:?}");
    assert!(
        warned[0].contains("Not authorized")
            && warned[0].contains("VITTE_BUILDKIT_REGISTRY_PASSWORD"),
        "{warned:?}"
    );
}

#[test]
fn a_registry_that_is_down_is_a_warning() {
    let project = project();
    let remote = format!("oci://127.0.0.1:{}/cache", free_port());
    let out = package(
        &project,
        &project.dist(),
        &["--cache", "off", "--cache-remote", &remote],
        &[],
    );
    assert_eq!(outcomes(&out), ["miss", "miss"]);
    assert_eq!(sums(&out), uncached(&project));
    let warned = warnings(&out);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].contains(&remote), "{warned:?}");
}

#[test]
fn a_registry_that_never_answers_times_out_into_a_warning() {
    // Accepts connections and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(8) {
            open.push(stream);
        }
        std::thread::sleep(Duration::from_secs(60));
    });
    let project = project();
    let manifest = std::fs::read_to_string(project.manifest()).unwrap();
    std::fs::write(
        project.manifest(),
        format!("{manifest}\n[cache]\ntimeout-secs = 1\n"),
    )
    .unwrap();
    let remote = format!("oci://127.0.0.1:{port}/cache");
    let started = Instant::now();
    let out = package(
        &project,
        &project.dist(),
        &["--cache", "off", "--cache-remote", &remote],
        &[],
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(outcomes(&out), ["miss", "miss"]);
    assert_eq!(sums(&out), uncached(&project));
    let warned = warnings(&out);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].contains("within 1 s") || warned[0].contains("timed out"),
        "{warned:?}"
    );
    drop(held);
}

#[test]
fn a_blob_that_does_not_match_its_digest_is_never_served() {
    let registry = Registry::start(None);
    let project = project();
    let remote = registry.location("cache");
    let pushed = package(
        &project,
        &project.dist(),
        &["--cache", "off", "--cache-remote", &remote],
        &[],
    );
    // Damage the stored blobs of both artifacts, keeping their size.
    for (_, sha) in sums(&pushed) {
        let blob = registry.blob_path(&sha);
        let mut bytes = std::fs::read(&blob).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        std::fs::write(&blob, &bytes).unwrap();
    }
    let cache = project.path().join("fresh");
    let out = package(
        &project,
        &project.path().join("after"),
        &[
            "--cache",
            cache.to_str().unwrap(),
            "--cache-remote",
            &remote,
        ],
        &[],
    );
    assert_eq!(outcomes(&out), ["miss", "miss"]);
    assert_eq!(sums(&out), sums(&pushed));
    let warned = warnings(&out);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].to_lowercase().contains("digest"), "{warned:?}");
    // Nothing damaged reached the local cache: what is there is the rebuilt artifact.
    let again = package(
        &project,
        &project.path().join("again"),
        &["--cache", cache.to_str().unwrap()],
        &[],
    );
    assert_eq!(outcomes(&again), ["hit-local", "hit-local"]);
    assert_eq!(sums(&again), sums(&pushed));
}
