//! The cache key of a job (one package × target × format): a BLAKE3 digest
//! over everything that decides the artifact's bytes, and nothing else.
//!
//! In: this tool's version, the backend's format revision, the resolved
//! package (metadata, relations, scripts, per-format sections, and every
//! entry's destination, kind, mode, owner, link target and *content
//! digest*), the target, the format id (which names the compression), the
//! epoch, and, for formats that embed a signature, the signing key's
//! fingerprint. Not in: where the sources are, the manifest's path, the
//! working folder, mtimes of sources, the host, the thread count. The
//! inputs are kept as labelled lines so `cache key --explain` can show
//! them and name the ones that changed.

use vitte_buildkit_formats::{EntryKind, Package, Target};

use super::digest::{hex, ContentDigests};

/// Formats whose artifact embeds a signature made during the write: their
/// key includes the signing key's fingerprint (see docs/cache.md); so does
/// a .deb with `[deb] embed-signature = true`.
pub const EMBEDS_SIGNATURE: &[&str] = &["rpm"];

/// Bumped for a backend whenever its bytes change for the same inputs
/// between two builds of the same tool version (a development build).
fn format_revision(format: &str) -> u32 {
    match format {
        "tar.gz" | "tar.xz" | "tar.zst" | "deb" | "pkg" | "wasm" | "wasm-archive" => 1,
        // rpm: man, info and doc files marked %doc; msi: compound file v3.
        "rpm" | "msi" => 2,
        _ => 0,
    }
}

/// The per-format sections (`[deb]`, …) a backend reads; `None`: all of
/// them, for a backend this table does not know yet.
fn sections_read_by(format: &str) -> Option<&'static [&'static str]> {
    match format {
        "deb" => Some(&["deb"]),
        "rpm" => Some(&["rpm"]),
        "msi" => Some(&["msi"]),
        "pkg" => Some(&["pkg"]),
        "wasm" | "wasm-archive" => Some(&["wasm"]),
        "tar.gz" | "tar.xz" | "tar.zst" => Some(&["archive"]),
        _ => None,
    }
}

/// A 32-byte key, shown as 64 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub [u8; 32]);

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

/// Everything that went into a key, as `(label, value)` lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInputs {
    pub lines: Vec<(String, String)>,
}

/// What a job's key is computed from besides the package.
pub struct JobSpec<'a> {
    pub target: &'a Target,
    pub format: &'a str,
    pub epoch: u64,
    /// The OpenPGP fingerprint of this run's key, when signing.
    pub signing_fingerprint: Option<&'a str>,
}

impl KeyInputs {
    /// Collects the inputs of one job.
    pub fn of(package: &Package, digests: &ContentDigests, job: &JobSpec<'_>) -> Self {
        let mut lines: Vec<(String, String)> = Vec::new();
        let mut add = |label: &str, value: String| lines.push((label.to_string(), value));
        add(
            "tool",
            format!("vitte-buildkit {}", env!("CARGO_PKG_VERSION")),
        );
        add("format", job.format.to_string());
        add("format-revision", format_revision(job.format).to_string());
        add("target", job.target.triple().to_string());
        add("epoch", job.epoch.to_string());
        let embeds_origin_signature =
            job.format == "deb" && package.formats.deb.embed_signature == Some(true);
        if EMBEDS_SIGNATURE.contains(&job.format) || embeds_origin_signature {
            let signer = job.signing_fingerprint.unwrap_or("unsigned");
            add("signing-key", signer.to_string());
        }
        add("name", package.name.clone());
        add("version", format!("{:?}", package.version));
        add("summary", package.summary.clone());
        add("description", package.description.clone());
        add("license", package.license.clone());
        add("maintainer", package.maintainer.clone());
        add("vendor", format!("{:?}", package.vendor));
        add("homepage", format!("{:?}", package.homepage));
        add("has-binaries", package.has_binaries.to_string());
        add("relations", format!("{:?}", package.relations));
        add("scripts", format!("{:?}", package.scripts));
        add("system", format!("{:?}", package.system));
        add("debug-symbols", format!("{:?}", package.debug_symbols));
        let f = &package.formats;
        // The sysroot was read when the dependencies were computed (they are
        // in the relations); where it lies on this machine decides nothing.
        let deb = vitte_buildkit_formats::model::DebOptions {
            sysroot: None,
            ..f.deb.clone()
        };
        let sections = [
            ("deb", format!("{deb:?}")),
            ("rpm", format!("{:?}", f.rpm)),
            ("msi", format!("{:?}", f.msi)),
            ("pkg", format!("{:?}", f.pkg)),
            ("wasm", format!("{:?}", f.wasm)),
            ("archive", format!("{:?}", f.archive)),
        ];
        let read = sections_read_by(job.format);
        for (name, value) in sections {
            if read.is_none_or(|r| r.contains(&name)) {
                add(&format!("section {name}"), value);
            }
        }
        for entry in &package.entries {
            let kind = match &entry.kind {
                EntryKind::Symlink { target } => format!("symlink -> {target}"),
                other => format!("{other:?}").to_lowercase(),
            };
            let content = digests
                .get(&entry.path)
                .map(|d| format!(" blake3:{}", hex(d)))
                .unwrap_or_default();
            add(
                &format!("entry {}", entry.path),
                format!(
                    "{kind} {:04o} {}:{} ({}:{}) mtime {} size {}{content}",
                    entry.mode,
                    entry.owner,
                    entry.group,
                    entry.uid,
                    entry.gid,
                    entry.mtime,
                    entry.size,
                ),
            );
        }
        Self { lines }
    }

    /// The key: BLAKE3 over the length-prefixed lines.
    pub fn key(&self) -> Key {
        let mut hasher = blake3::Hasher::new_derive_key("vitte-buildkit cache key v1");
        for (label, value) in &self.lines {
            for part in [label, value] {
                hasher.update(&(part.len() as u64).to_le_bytes());
                hasher.update(part.as_bytes());
            }
        }
        Key(*hasher.finalize().as_bytes())
    }

    /// As text, one `label: value` line each, for `--explain` and for the
    /// record kept beside the cache.
    pub fn to_text(&self) -> String {
        self.lines
            .iter()
            .map(|(label, value)| format!("{label}: {}\n", value.escape_debug()))
            .collect()
    }

    /// Reads [`KeyInputs::to_text`] back.
    pub fn from_text(text: &str) -> Self {
        let lines = text
            .lines()
            .filter_map(|l| l.split_once(": "))
            .map(|(label, value)| (label.to_string(), value.to_string()))
            .collect();
        Self { lines }
    }

    /// The labels whose value differs from `earlier`, or that only one has,
    /// each with the earlier and the current value.
    pub fn changes_since(
        &self,
        earlier: &KeyInputs,
    ) -> Vec<(String, Option<String>, Option<String>)> {
        let now = self.escaped();
        let before = earlier
            .lines
            .iter()
            .cloned()
            .collect::<std::collections::BTreeMap<_, _>>();
        let mut changes = Vec::new();
        for (label, value) in &now {
            match before.get(label) {
                Some(old) if old == value => {}
                old => changes.push((label.clone(), old.cloned(), Some(value.clone()))),
            }
        }
        for (label, old) in &before {
            if !now.contains_key(label) {
                changes.push((label.clone(), Some(old.clone()), None));
            }
        }
        changes
    }

    fn escaped(&self) -> std::collections::BTreeMap<String, String> {
        self.lines
            .iter()
            .map(|(l, v)| (l.clone(), v.escape_debug().to_string()))
            .collect()
    }
}
