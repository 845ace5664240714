//! The wasm bundles judged by skopeo (OCI layout) and wabt (every module
//! extracted from either layout), with fixtures built by clang/wasm-ld
//! (`tests/fixtures/wasm/build.sh`).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use sha2::{Digest, Sha256};
use vitte_buildkit_formats::model::{EntryKind, Package};
use vitte_buildkit_formats::wasm::WasmBundle;
use vitte_buildkit_formats::{Format, NoEvents, Target, WriteContext};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wasm")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A bundle: one module from the fixtures (at /usr/lib/hello/), a README and
/// a JavaScript loader.
fn wasm_package(modules: &[&str]) -> Package {
    let mut pkg = sample_package("1.2.3");
    pkg.entries = modules
        .iter()
        .map(|m| {
            file(
                &format!("/usr/lib/hello/{m}"),
                0o644,
                EntryKind::File,
                &fixture(m),
            )
        })
        .chain([
            file(
                "/usr/share/doc/hello/README",
                0o644,
                EntryKind::Doc,
                b"Say hello.\n",
            ),
            file(
                "/usr/lib/hello/loader.js",
                0o644,
                EntryKind::File,
                b"export default 1;\n",
            ),
        ])
        .collect();
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    pkg.has_binaries = true;
    pkg
}

fn oci(pkg: &Package, target: &str, dir: &Path) -> PathBuf {
    write_artifact(&WasmBundle::new(), pkg, target, dir)
}

fn archive(pkg: &Package, target: &str, dir: &Path) -> PathBuf {
    write_artifact(&WasmBundle::archive(), pkg, target, dir)
}

/// `wasm-validate` (wabt) on one module, memory64 enabled for wasm64.
fn wabt_validates(path: &Path, wasm64: bool) {
    let mut cmd = tool("wasm-validate");
    if wasm64 {
        cmd.arg("--enable-memory64");
    }
    run_ok(cmd.arg(path));
}

/// (name, kind) pairs.
type Listing = BTreeSet<(String, String)>;

/// Imports and exports as `wasm-objdump -x` lists them: (`module.name`,
/// kind) and (name, kind). wasm-objdump reads memory64 without a flag.
fn objdump(path: &Path) -> (Listing, Listing) {
    let text = stdout(&run_ok(tool("wasm-objdump").arg("-x").arg(path)));
    let mut imports = BTreeSet::new();
    let mut exports = BTreeSet::new();
    let mut section = "";
    for line in text.lines() {
        if !line.starts_with(" - ") {
            section = line.split('[').next().unwrap_or("");
            continue;
        }
        let kind = line[3..].split('[').next().unwrap_or("").to_string();
        match section {
            // ` - func[0] sig=0 <host_log> <- env.host_log`
            "Import" => {
                let from = line.rsplit("<- ").next().unwrap().trim().to_string();
                imports.insert((from, kind));
            }
            // ` - func[2] <add> -> "add"`
            "Export" => {
                let name = line.rsplit("-> ").next().unwrap().trim().trim_matches('"');
                exports.insert((name.to_string(), kind));
            }
            _ => {}
        }
    }
    (imports, exports)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn skopeo_reads_the_oci_artifact_and_copies_the_module_blob() {
    let dir = tempfile::tempdir().unwrap();
    for (module, target, arch) in [
        ("hello32.wasm", "wasm32", "wasm32"),
        ("hello64.wasm", "wasm64-unknown-unknown", "wasm64"),
        ("wasi32.wasm", "wasm32-wasip1", "wasm32"),
    ] {
        let pkg = wasm_package(&[module]);
        let path = oci(&pkg, target, dir.path());
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("hello-1.2.3-{arch}.oci.tar")
        );
        let location = format!("oci-archive:{}", path.display());
        let inspected: Value = serde_json::from_str(&stdout(&run_ok(
            tool("skopeo").args(["inspect", "--raw", &location]),
        )))
        .unwrap();
        assert_eq!(
            inspected["artifactType"],
            "application/vnd.wasm.config.v0+json"
        );
        assert_eq!(
            inspected["config"]["mediaType"],
            "application/vnd.wasm.config.v0+json"
        );
        let layers = inspected["layers"].as_array().unwrap();
        assert_eq!(layers.len(), 3, "{inspected}");
        assert_eq!(layers[0]["mediaType"], "application/wasm");
        assert_eq!(
            layers[0]["annotations"]["org.opencontainers.image.title"],
            format!("usr/lib/hello/{module}")
        );
        assert_eq!(layers[1]["mediaType"], "text/javascript");
        assert_eq!(layers[2]["mediaType"], "text/plain");
        let module_sha = sha256(&fixture(module));
        assert_eq!(layers[0]["digest"], format!("sha256:{module_sha}"));
        let annotations = &inspected["annotations"];
        assert_eq!(annotations["org.opencontainers.image.version"], "1.2.3");
        assert_eq!(
            annotations["org.opencontainers.image.created"],
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            annotations["org.opencontainers.image.source"],
            "https://example.org/hello"
        );

        // The config as skopeo fetches it. (Plain `skopeo inspect` refuses
        // every non-image artifact: "unsupported image-specific operation".)
        let config: Value = serde_json::from_str(&stdout(&run_ok(
            tool("skopeo").args(["inspect", "--config", "--raw", &location]),
        )))
        .unwrap();
        assert_eq!(config["architecture"], "wasm", "{config}");
        assert_eq!(config["os"], "wasip1", "{config}");

        let out = dir.path().join(format!("copy-{arch}-{module}"));
        run_ok(tool("skopeo").args([
            "--insecure-policy",
            "copy",
            &location,
            &format!("dir:{}", out.display()),
        ]));
        let blob = out.join(&module_sha);
        assert_eq!(
            sha256(&std::fs::read(&blob).unwrap()),
            module_sha,
            "the copied layer is the module"
        );
        wabt_validates(&blob, arch == "wasm64");

        // The config blob skopeo copied is the Wasm config the spec describes.
        let manifest = read_json(&out.join("manifest.json"));
        let config_hex = manifest["config"]["digest"]
            .as_str()
            .unwrap()
            .trim_start_matches("sha256:")
            .to_string();
        let config = read_json(&out.join(config_hex));
        assert_eq!(config["architecture"], "wasm");
        assert_eq!(config["os"], "wasip1");
        assert_eq!(config["author"], "Jane Doe <jane@example.org>");
        let digests: Vec<&Value> = layers.iter().map(|l| &l["digest"]).collect();
        assert_eq!(
            config["layerDigests"]
                .as_array()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            digests
        );
        assert!(config.get("component").is_none(), "{config}");
    }
}

#[test]
fn the_oci_tar_is_an_image_layout_with_every_blob_named_by_its_digest() {
    let dir = tempfile::tempdir().unwrap();
    let path = oci(&wasm_package(&["hello32.wasm"]), "wasm32", dir.path());
    let out = dir.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    run_ok(tool("bsdtar").arg("-xf").arg(&path).arg("-C").arg(&out));
    assert_eq!(
        std::fs::read_to_string(out.join("oci-layout")).unwrap(),
        r#"{"imageLayoutVersion":"1.0.0"}"#
    );
    let index = read_json(&out.join("index.json"));
    assert_eq!(index["schemaVersion"], 2);
    let manifests = index["manifests"].as_array().unwrap();
    assert_eq!(manifests.len(), 1);
    assert_eq!(
        manifests[0]["annotations"]["org.opencontainers.image.ref.name"],
        "1.2.3"
    );
    let blobs = out.join("blobs/sha256");
    let mut count = 0;
    for blob in std::fs::read_dir(&blobs).unwrap() {
        let blob = blob.unwrap();
        let name = blob.file_name().to_string_lossy().into_owned();
        assert_eq!(sha256(&std::fs::read(blob.path()).unwrap()), name);
        count += 1;
    }
    // Config, manifest, module, README, loader.js.
    assert_eq!(count, 5);
    // A tag in index.json lets skopeo pick the manifest by its version.
    run_ok(tool("skopeo").args([
        "inspect",
        "--raw",
        &format!("oci-archive:{}:1.2.3", path.display()),
    ]));
}

#[test]
fn wabt_accepts_every_module_from_the_archive_and_bundle_json_agrees_with_objdump() {
    let dir = tempfile::tempdir().unwrap();
    for (modules, target, wasm64) in [
        (&["hello32.wasm", "wasi32.wasm"][..], "wasm32-wasip1", false),
        (&["hello64.wasm"][..], "wasm64", true),
    ] {
        let pkg = wasm_package(modules);
        let path = archive(&pkg, target, dir.path());
        let arch = if wasm64 { "wasm64" } else { "wasm32" };
        let top = format!("hello-1.2.3-{arch}");
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("{top}.wasm.tar.gz")
        );
        run_ok(tool("gzip").arg("-t").arg(&path));
        let out = dir.path().join(format!("x-{arch}"));
        std::fs::create_dir_all(&out).unwrap();
        run_ok(tool("tar").arg("-xzf").arg(&path).arg("-C").arg(&out));
        let bundle = read_json(&out.join(&top).join("bundle.json"));
        assert_eq!(bundle["name"], "hello");
        assert_eq!(bundle["arch"], arch);
        let records = bundle["modules"].as_array().unwrap();
        assert_eq!(records.len(), modules.len(), "{bundle}");
        for record in records {
            let installed = record["path"].as_str().unwrap();
            let extracted = out.join(&top).join(installed.trim_start_matches('/'));
            wabt_validates(&extracted, wasm64);
            let bytes = std::fs::read(&extracted).unwrap();
            assert_eq!(record["sha256"], sha256(&bytes));
            assert_eq!(record["size"], bytes.len() as u64);
            assert_eq!(record["kind"], "core-module");
            assert_eq!(record["arch"], arch);
            let (imports, exports) = objdump(&extracted);
            let ours_imports: Listing = record["imports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        format!(
                            "{}.{}",
                            i["module"].as_str().unwrap(),
                            i["name"].as_str().unwrap()
                        ),
                        i["kind"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            let ours_exports: Listing = record["exports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["name"].as_str().unwrap().to_string(),
                        e["kind"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(ours_imports, imports, "{installed}");
            assert_eq!(ours_exports, exports, "{installed}");
            assert!(!exports.is_empty() && !imports.is_empty());
            let wasi = if installed.ends_with("wasi32.wasm") {
                Value::from("wasip1")
            } else {
                Value::Null
            };
            assert_eq!(record["wasi"], wasi, "{installed}");
        }
        let files = bundle["files"].as_array().unwrap();
        assert_eq!(files.len(), 2, "{bundle}");
        let readme = out.join(&top).join("usr/share/doc/hello/README");
        assert_eq!(std::fs::read(readme).unwrap(), b"Say hello.\n");
    }
}

#[test]
fn wrong_width_and_native_binaries_are_refused_with_the_file_named() {
    let wasm32 = Target::parse("wasm32").unwrap();
    let wasm64 = Target::parse("wasm64").unwrap();
    for format in [WasmBundle::new(), WasmBundle::archive()] {
        let err = format
            .validate(&wasm_package(&["hello64.wasm"]), &wasm32)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/usr/lib/hello/hello64.wasm") && err.contains("wasm64 (memory64)"),
            "{err}"
        );
        let err = format
            .validate(&wasm_package(&["hello32.wasm"]), &wasm64)
            .unwrap_err()
            .to_string();
        assert!(err.contains("/usr/lib/hello/hello32.wasm"), "{err}");

        for target in [&wasm32, &wasm64] {
            let mut pkg = wasm_package(&[]);
            pkg.entries.push(file(
                "/usr/lib/hello/native",
                0o755,
                EntryKind::File,
                &std::fs::read("/bin/true").unwrap(),
            ));
            let err = format.validate(&pkg, target).unwrap_err().to_string();
            assert!(
                err.contains("/usr/lib/hello/native") && err.contains("ELF"),
                "{err}"
            );
            // Nothing WebAssembly at all.
            let err = format
                .validate(&wasm_package(&[]), target)
                .unwrap_err()
                .to_string();
            assert!(err.contains("no WebAssembly module"), "{err}");
        }
        // A corrupt module: named, with wasmparser's reason.
        let mut pkg = wasm_package(&["hello32.wasm"]);
        let mut broken = fixture("hello32.wasm");
        broken.truncate(broken.len() - 10);
        let module = pkg
            .entries
            .iter_mut()
            .find(|e| e.path.ends_with("hello32.wasm"))
            .unwrap();
        *module = file(&module.path.clone(), 0o644, EntryKind::File, &broken);
        let err = format.validate(&pkg, &wasm32).unwrap_err().to_string();
        assert!(
            err.contains("/usr/lib/hello/hello32.wasm is not a valid WebAssembly binary"),
            "{err}"
        );
        // Not a wasm target at all.
        assert!(format
            .accepts(&Target::parse("x86_64-linux").unwrap())
            .is_err());
    }
}

/// Writes with a given epoch and thread count.
fn write_with(format: &dyn Format, pkg: &Package, epoch: u64, threads: u32, dir: &Path) -> Vec<u8> {
    let target = Target::parse("wasm32").unwrap();
    let path = dir.join(format!(
        "{epoch}-{threads}-{}",
        format.file_name(pkg, &target)
    ));
    let mut out = std::fs::File::create(&path).unwrap();
    let ctx = WriteContext {
        source_date_epoch: epoch,
        threads,
        scratch_dir: dir,
        events: &NoEvents,
        openpgp_key: None,
    };
    format.write(pkg, &target, &ctx, &mut out).unwrap();
    std::fs::read(path).unwrap()
}

#[test]
fn both_layouts_are_reproducible_and_follow_the_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = wasm_package(&["hello32.wasm", "wasi32.wasm"]);
    for format in [WasmBundle::new(), WasmBundle::archive()] {
        let a = write_with(&format, &pkg, EPOCH, 1, dir.path());
        let b = write_with(&format, &pkg, EPOCH, 2, dir.path());
        assert!(
            a == b,
            "{}: output depends on the thread count",
            format.id()
        );
        let c = write_with(&format, &pkg, EPOCH + 1, 1, dir.path());
        assert!(a != c, "{}: the epoch is not used", format.id());
    }
}

#[test]
fn the_layout_option_picks_what_wasm_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = wasm_package(&["hello32.wasm"]);
    pkg.formats.wasm.layout = Some("archive".into());
    let path = oci(&pkg, "wasm32", dir.path());
    assert!(path
        .to_str()
        .unwrap()
        .ends_with("hello-1.2.3-wasm32.wasm.tar.gz"));
    run_ok(tool("gzip").arg("-t").arg(&path));
    pkg.formats.wasm.layout = Some("zip".into());
    let err = WasmBundle::new()
        .validate(&pkg, &Target::parse("wasm32").unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("[wasm] layout `zip`"), "{err}");
}

#[test]
fn a_component_makes_a_wasip2_artifact_with_its_imports_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = wasm_package(&["component.wasm", "hello32.wasm"]);
    let path = oci(&pkg, "wasm32", dir.path());
    let location = format!("oci-archive:{}", path.display());
    let config: Value = serde_json::from_str(&stdout(&run_ok(
        tool("skopeo").args(["inspect", "--config", "--raw", &location]),
    )))
    .unwrap();
    assert_eq!(config["os"], "wasip2", "{config}");
    assert_eq!(
        config["component"]["imports"],
        serde_json::json!(["wasi:cli/environment@0.2.0"])
    );
    assert_eq!(config["component"]["exports"], serde_json::json!(["env"]));
    let manifest: Value = serde_json::from_str(&stdout(&run_ok(
        tool("skopeo").args(["inspect", "--raw", &location]),
    )))
    .unwrap();
    let wasm_layers: Vec<&Value> = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["mediaType"] == "application/wasm")
        .collect();
    assert_eq!(wasm_layers.len(), 2, "{manifest}");
    assert_eq!(
        wasm_layers[0]["digest"],
        format!("sha256:{}", sha256(&fixture("component.wasm")))
    );
    let out = dir.path().join("copy");
    run_ok(tool("skopeo").args([
        "--insecure-policy",
        "copy",
        &location,
        &format!("dir:{}", out.display()),
    ]));
    assert!(out.join(sha256(&fixture("component.wasm"))).is_file());

    let path = archive(&pkg, "wasm32", dir.path());
    let out = dir.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    run_ok(tool("tar").arg("-xzf").arg(&path).arg("-C").arg(&out));
    let bundle = read_json(&out.join("hello-1.2.3-wasm32/bundle.json"));
    assert_eq!(bundle["os"], "wasip2");
    let record = &bundle["modules"][0];
    assert_eq!(record["path"], "/usr/lib/hello/component.wasm");
    assert_eq!(record["kind"], "component");
    assert_eq!(record["wasi"], "wasip2");
    assert_eq!(
        record["imports"],
        serde_json::json!([{"module": null, "name": "wasi:cli/environment@0.2.0", "kind": "instance"}])
    );
}

#[test]
fn identical_files_share_a_blob_and_symlinks_only_fit_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let mut pkg = wasm_package(&["hello32.wasm"]);
    pkg.entries.push(file(
        "/usr/lib/hello/copy.wasm",
        0o644,
        EntryKind::File,
        &fixture("hello32.wasm"),
    ));
    pkg.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let path = oci(&pkg, "wasm32", dir.path());
    let location = format!("oci-archive:{}", path.display());
    let manifest: Value = serde_json::from_str(&stdout(&run_ok(
        tool("skopeo").args(["inspect", "--raw", &location]),
    )))
    .unwrap();
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 4);
    assert_eq!(layers[0]["digest"], layers[1]["digest"]);
    let out = dir.path().join("copy");
    run_ok(tool("skopeo").args([
        "--insecure-policy",
        "copy",
        &location,
        &format!("dir:{}", out.display()),
    ]));
    assert!(out.join(sha256(&fixture("hello32.wasm"))).is_file());

    let mut linked = wasm_package(&["hello32.wasm"]);
    linked
        .entries
        .push(symlink("/usr/lib/hello/current.wasm", "hello32.wasm"));
    linked.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let target = Target::parse("wasm32").unwrap();
    let err = WasmBundle::new()
        .validate(&linked, &target)
        .unwrap_err()
        .to_string();
    assert!(err.contains("/usr/lib/hello/current.wasm"), "{err}");
    let path = archive(&linked, "wasm32", dir.path());
    let listing = stdout(&run_ok(tool("tar").arg("-tvzf").arg(&path)));
    assert!(
        listing.contains("hello-1.2.3-wasm32/usr/lib/hello/current.wasm -> hello32.wasm"),
        "{listing}"
    );
}

#[test]
fn a_target_naming_a_wasi_version_refuses_the_other_one() {
    let p1 = Target::parse("wasm32-wasip1").unwrap();
    let p2 = Target::parse("wasm32-wasip2").unwrap();
    let format = WasmBundle::new();
    let err = format
        .validate(&wasm_package(&["component.wasm"]), &p1)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/usr/lib/hello/component.wasm") && err.contains("wasm32-wasip2"),
        "{err}"
    );
    let err = format
        .validate(&wasm_package(&["wasi32.wasm"]), &p2)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/usr/lib/hello/wasi32.wasm") && err.contains("wasm32-wasip1"),
        "{err}"
    );
    // Each fits its own, and a module without WASI imports fits both.
    format
        .validate(&wasm_package(&["component.wasm"]), &p2)
        .unwrap();
    format
        .validate(&wasm_package(&["wasi32.wasm"]), &p1)
        .unwrap();
    format
        .validate(&wasm_package(&["hello32.wasm"]), &p2)
        .unwrap();
    // os wasip2 always comes with a `component` object, as the spec wants.
    let dir = tempfile::tempdir().unwrap();
    let path = oci(
        &wasm_package(&["hello32.wasm"]),
        "wasm32-wasip2",
        dir.path(),
    );
    let config: Value = serde_json::from_str(&stdout(&run_ok(tool("skopeo").args([
        "inspect",
        "--config",
        "--raw",
        &format!("oci-archive:{}", path.display()),
    ]))))
    .unwrap();
    assert_eq!(config["os"], "wasip2");
    assert_eq!(
        config["component"],
        serde_json::json!({"exports": [], "imports": [], "target": null})
    );
}

/// A CNCF Distribution registry (Debian's `docker-registry`) on a free
/// local port, stopped when dropped.
struct Registry {
    child: std::process::Child,
    address: String,
}

impl Registry {
    fn start(dir: &Path) -> Registry {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let config = dir.join("registry.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    \
                 rootdirectory: {}\nhttp:\n  addr: {address}\n",
                dir.join("registry").display()
            ),
        )
        .unwrap();
        let child = tool("docker-registry")
            .arg("serve")
            .arg(&config)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let registry = Registry { child, address };
        for _ in 0..100 {
            if std::net::TcpStream::connect(&registry.address).is_ok() {
                return registry;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("docker-registry did not listen on {}", registry.address);
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_registry_takes_the_artifact_and_gives_back_the_same_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = wasm_package(&["component.wasm", "hello32.wasm"]);
    let path = oci(&pkg, "wasm32-wasip2", dir.path());
    let registry = Registry::start(dir.path());
    let remote = format!("docker://{}/hello:1.2.3", registry.address);
    run_ok(tool("skopeo").args([
        "--insecure-policy",
        "copy",
        "--dest-tls-verify=false",
        &format!("oci-archive:{}", path.display()),
        &remote,
    ]));
    let local_manifest = stdout(&run_ok(tool("skopeo").args([
        "inspect",
        "--raw",
        &format!("oci-archive:{}", path.display()),
    ])));
    let remote_manifest = stdout(&run_ok(tool("skopeo").args([
        "inspect",
        "--raw",
        "--tls-verify=false",
        &remote,
    ])));
    assert_eq!(local_manifest, remote_manifest);
    let out = dir.path().join("pulled");
    run_ok(tool("skopeo").args([
        "--insecure-policy",
        "copy",
        "--src-tls-verify=false",
        &remote,
        &format!("dir:{}", out.display()),
    ]));
    for module in ["component.wasm", "hello32.wasm"] {
        let blob = out.join(sha256(&fixture(module)));
        assert_eq!(std::fs::read(blob).unwrap(), fixture(module), "{module}");
    }
    drop(registry);
}

#[test]
fn a_component_made_by_wasm_tools_is_recorded_and_its_core_memory_sets_its_width() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = wasm_package(&["clock.wasm"]);
    let path = oci(&pkg, "wasm32-wasip2", dir.path());
    let config: Value = serde_json::from_str(&stdout(&run_ok(tool("skopeo").args([
        "inspect",
        "--config",
        "--raw",
        &format!("oci-archive:{}", path.display()),
    ]))))
    .unwrap();
    assert_eq!(config["os"], "wasip2");
    assert_eq!(
        config["component"],
        serde_json::json!({
            "exports": ["elapsed-ms"],
            "imports": ["wasi:clocks/monotonic-clock@0.2.0"],
            "target": null,
        })
    );

    let path = archive(&pkg, "wasm32-wasip2", dir.path());
    let out = dir.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    run_ok(tool("tar").arg("-xzf").arg(&path).arg("-C").arg(&out));
    let bundle = read_json(&out.join("hello-1.2.3-wasm32/bundle.json"));
    assert_eq!(
        bundle["modules"][0],
        serde_json::json!({
            "path": "/usr/lib/hello/clock.wasm",
            "kind": "component",
            "arch": "wasm32",
            "wasi": "wasip2",
            "size": fixture("clock.wasm").len(),
            "sha256": sha256(&fixture("clock.wasm")),
            "imports": [{"module": null, "name": "wasi:clocks/monotonic-clock@0.2.0", "kind": "instance"}],
            "exports": [{"name": "elapsed-ms", "kind": "func"}],
        })
    );

    // Its core module's 32-bit memory makes it a wasm32 component.
    let err = WasmBundle::new()
        .validate(&pkg, &Target::parse("wasm64").unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/usr/lib/hello/clock.wasm")
            && err.contains("wasm32 (32-bit memory) component"),
        "{err}"
    );
}
