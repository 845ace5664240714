//! The OCI layout: a Wasm OCI artifact (CNCF TAG Runtime, "Wasm OCI Artifact
//! layout") in an OCI image layout, packed as one tar.
//!
//! ```text
//! blobs/sha256/<config>     application/vnd.wasm.config.v0+json
//! blobs/sha256/<manifest>   the image manifest, artifactType = the config type
//! blobs/sha256/<layer>…     one per file: application/wasm for modules and
//!                           components first, then the other files
//! index.json                the manifest, ref.name = the version
//! oci-layout                {"imageLayoutVersion":"1.0.0"}
//! ```
//!
//! Blobs are the files themselves, digest-addressed (identical files share
//! one blob); their digests come from the scan, and each is hashed again while
//! it is copied into the tar, so a file that changed in between is an error,
//! never a blob with a wrong name.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::inspect::WasmKind;
use super::{copy_checked, wasi_os, Item};
use crate::error::{IoContext, Result};
use crate::model::Entry;
use crate::write::date::rfc3339;
use crate::write::hash::hex;
use crate::write::{TarMeta, TarWriter};
use crate::{Package, Target, WriteContext};

pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.wasm.config.v0+json";
pub const WASM_MEDIA_TYPE: &str = "application/wasm";

/// Where a blob's bytes come from.
enum Blob<'a> {
    Json(Vec<u8>),
    File(&'a Entry),
}

/// Writes the artifact; `items` come from [`super::scan`] in the write pass.
pub fn write(
    package: &Package,
    target: &Target,
    ctx: &WriteContext<'_>,
    items: &[Item<'_>],
    out: &mut File,
) -> Result<()> {
    let created = rfc3339(ctx.source_date_epoch);
    let mut blobs: BTreeMap<String, Blob<'_>> = BTreeMap::new();

    // Modules and components first, the spec's layers; then the other files.
    let ordered = items
        .iter()
        .filter(|i| i.module.is_some())
        .chain(items.iter().filter(|i| i.module.is_none()));
    let mut layers = Vec::new();
    let mut layer_digests = Vec::new();
    for item in ordered {
        let digest = format!("sha256:{}", item.sha256);
        layers.push(json!({
            "mediaType": media_type(item),
            "digest": digest,
            "size": item.entry.size,
            "annotations": {
                "org.opencontainers.image.title": item.entry.relative_path(),
            },
        }));
        layer_digests.push(Value::String(digest));
        blobs.insert(item.sha256.clone(), Blob::File(item.entry));
    }

    let mut config = Map::new();
    config.insert("created".into(), created.clone().into());
    config.insert("author".into(), package.maintainer.clone().into());
    config.insert("architecture".into(), "wasm".into());
    let os = wasi_os(target, items);
    config.insert("os".into(), os.into());
    config.insert("layerDigests".into(), layer_digests.into());
    // The spec wants `component` with os `wasip2`; core modules have none.
    if os == "wasip2" {
        config.insert("component".into(), component_summary(items));
    }
    let config = to_json(&Value::Object(config));
    let config_descriptor = json!({
        "mediaType": CONFIG_MEDIA_TYPE,
        "digest": format!("sha256:{}", sha256(&config)),
        "size": config.len(),
    });
    blobs.insert(sha256(&config), Blob::Json(config));

    let mut annotations = Map::new();
    let mut annotate = |key: &str, value: &str| {
        annotations.insert(format!("org.opencontainers.image.{key}"), value.into());
    };
    annotate("title", &package.name);
    annotate("version", &package.version.to_string());
    annotate("created", &created);
    annotate("description", &package.summary);
    annotate("licenses", &package.license);
    annotate("authors", &package.maintainer);
    if let Some(homepage) = &package.homepage {
        annotate("source", homepage);
        annotate("url", homepage);
    }
    if let Some(vendor) = &package.vendor {
        annotate("vendor", vendor);
    }
    let manifest = to_json(&json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "artifactType": CONFIG_MEDIA_TYPE,
        "config": config_descriptor,
        "layers": layers,
        "annotations": annotations,
    }));
    let manifest_hex = sha256(&manifest);
    let index = to_json(&json!({
        "schemaVersion": 2,
        "mediaType": INDEX_MEDIA_TYPE,
        "manifests": [{
            "mediaType": MANIFEST_MEDIA_TYPE,
            "artifactType": CONFIG_MEDIA_TYPE,
            "digest": format!("sha256:{manifest_hex}"),
            "size": manifest.len(),
            "annotations": {
                "org.opencontainers.image.ref.name": package.version.to_string(),
            },
        }],
    }));
    blobs.insert(manifest_hex, Blob::Json(manifest));

    let mut tar = TarWriter::new(BufWriter::with_capacity(1 << 16, out));
    let dir = TarMeta::root(0o755, ctx.source_date_epoch);
    let file = TarMeta::root(0o644, ctx.source_date_epoch);
    let failed = |what: &str| format!("cannot write {what} into the OCI archive");
    for name in ["blobs", "blobs/sha256"] {
        tar.append_dir(name, &dir).context_with(|| failed(name))?;
    }
    for (hex_digest, blob) in &blobs {
        let name = format!("blobs/sha256/{hex_digest}");
        match blob {
            Blob::Json(bytes) => tar
                .append_file(&name, &file, bytes.len() as u64, &bytes[..])
                .context_with(|| failed(&name))?,
            Blob::File(entry) => {
                copy_checked(&mut tar, &name, &file, entry, hex_digest, ctx.events)?
            }
        }
    }
    tar.append_file("index.json", &file, index.len() as u64, &index[..])
        .context_with(|| failed("index.json"))?;
    let layout = br#"{"imageLayoutVersion":"1.0.0"}"#;
    tar.append_file("oci-layout", &file, layout.len() as u64, &layout[..])
        .context_with(|| failed("oci-layout"))?;
    tar.finish()
        .context_with(|| "cannot finish the OCI archive".into())?
        .into_inner()
        .map_err(|e| e.into_error())
        .context_with(|| "cannot write the OCI archive".into())?;
    Ok(())
}

/// The `component` object of the config: the exports and imports of every
/// component in the bundle, each once, in order.
fn component_summary(items: &[Item<'_>]) -> Value {
    let components: Vec<_> = items
        .iter()
        .filter_map(|i| i.module.as_ref())
        .filter(|m| m.kind == WasmKind::Component)
        .collect();
    let unique = |names: Vec<&String>| {
        let mut seen = std::collections::BTreeSet::new();
        names
            .into_iter()
            .filter(|n| seen.insert(*n))
            .cloned()
            .collect::<Vec<_>>()
    };
    let exports = unique(
        components
            .iter()
            .flat_map(|m| m.exports.iter().map(|e| &e.name))
            .collect(),
    );
    let imports = unique(
        components
            .iter()
            .flat_map(|m| m.imports.iter().map(|i| &i.name))
            .collect(),
    );
    json!({ "exports": exports, "imports": imports, "target": null })
}

/// The layer media type: `application/wasm` for modules and components, else
/// by the file's extension.
fn media_type(item: &Item<'_>) -> &'static str {
    if item.module.is_some() {
        return WASM_MEDIA_TYPE;
    }
    let path = item.entry.path.as_str();
    let extension = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "js" | "mjs" | "cjs" => "text/javascript",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "md" => "text/markdown",
        "txt" | "wit" | "wat" | "toml" | "yaml" | "yml" => "text/plain",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gz" => "application/gzip",
        _ if matches!(
            item.entry.kind,
            crate::EntryKind::Doc | crate::EntryKind::License
        ) && extension.is_empty() =>
        {
            "text/plain"
        }
        _ => "application/octet-stream",
    }
}

fn to_json(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("a JSON value always serializes")
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
