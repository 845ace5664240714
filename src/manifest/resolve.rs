//! Resolution: placeholders, globs, defaults and checks, from the manifest as
//! written to a `Package` for one target.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use vitte_buildkit_formats::model::{
    sort_by_path, BinaryOptions, DebOptions, Entry, EntryKind, FormatSections, Package, Relation,
    Relations, RelationsOverride, RpmOptions, Scripts, Source, Version,
};
use vitte_buildkit_formats::write::Compression;
use vitte_buildkit_formats::Target;

use super::placeholders::Placeholders;
use super::schema::{FileSpec, PerOs, RelationsSection, Release, OS_KEYS};
use super::services;
use super::{LoadedManifest, ManifestError};

/// 2024-01-01T00:00:00Z: the timestamp when neither `SOURCE_DATE_EPOCH` nor
/// the manifest gives one, so that builds stay reproducible.
pub const DEFAULT_SOURCE_DATE_EPOCH: u64 = 1_704_067_200;

/// Resolves the manifest for `target`. `source_date_epoch` comes from the
/// environment; the manifest's own value and then a fixed default stand in.
pub fn resolve(
    loaded: &LoadedManifest,
    target: &Target,
    source_date_epoch: Option<u64>,
) -> Result<Package, ManifestError> {
    let r = Resolver { loaded, target };
    let m = &loaded.manifest;
    let p = &m.package;
    let epoch = source_date_epoch
        .or(p.source_date_epoch)
        .unwrap_or(DEFAULT_SOURCE_DATE_EPOCH);
    let name = r.required(&p.name, "name")?.to_string();
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+-._".contains(c))
        || name.starts_with(['-', '.'])
    {
        return Err(r.err(format!(
            "[package] name `{name}` may only hold letters, digits and + - . _ and must start with a letter or digit"
        )));
    }
    let version_text = r.required(&p.version, "version")?;
    let upstream = semver::Version::parse(version_text).map_err(|e| {
        r.err(format!("[package] version `{version_text}` is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.2.3-rc.1): {e}"))
    })?;
    let release = match &p.release {
        None => "1".to_string(),
        Some(Release::Number(n)) => n.to_string(),
        Some(Release::Text(t))
            if !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+._~".contains(c)) =>
        {
            t.clone()
        }
        Some(Release::Text(t)) => {
            return Err(r.err(format!(
                "[package] release `{t}` may only hold letters, digits and + . _ ~"
            )));
        }
    };
    let summary = r.required(&p.summary, "summary")?.trim().to_string();
    if summary.contains('\n') {
        return Err(r.err("[package] summary must be one line; put longer text in `description`"));
    }
    let vars = Placeholders {
        target,
        name: &name,
        version: version_text,
    };
    let mut entries = Vec::new();
    for (index, spec) in m.files.iter().enumerate() {
        r.file_entries(index, spec, &vars, epoch, &mut entries)?;
    }
    if let Some(binary) = &m.cargo_binary {
        entries.push(r.cargo_binary(binary, epoch)?);
    }
    let system = services::resolve(
        &services::Context {
            loaded,
            target,
            package_name: &name,
            summary: &summary,
            homepage: p.homepage.as_deref(),
            epoch,
            placeholders: &|text: &str| vars.apply(text),
        },
        &mut entries,
    )?;
    let entries = r.unique_sorted(entries)?;
    Ok(Package {
        version: Version {
            upstream,
            epoch: p.epoch,
            release,
        },
        description: p
            .description
            .clone()
            .unwrap_or_else(|| summary.clone())
            .trim()
            .to_string(),
        summary,
        license: r.required(&p.license, "license")?.to_string(),
        maintainer: r.required(&p.maintainer, "maintainer")?.to_string(),
        vendor: p.vendor.clone(),
        homepage: p.homepage.clone(),
        relations: r
            .relations(&m.relations, "relations")?
            .overridden_by(&RelationsOverride::default()),
        scripts: r.scripts()?,
        entries,
        has_binaries: true,
        system,
        formats: r.sections()?,
        binaries: BinaryOptions {
            strip: p.strip.unwrap_or(true),
            debug_symbols: p.debug_symbols,
        },
        debug_symbols: None,
        name,
    })
}

struct Resolver<'a> {
    loaded: &'a LoadedManifest,
    target: &'a Target,
}

/// A regular file or link found on disk for one `[[files]]` item.
struct Found {
    source: PathBuf,
    dst: String,
    link: Option<String>,
    size: u64,
    executable: bool,
}

impl Resolver<'_> {
    fn err(&self, message: impl Into<String>) -> ManifestError {
        ManifestError::new(&self.loaded.path, message)
    }

    /// The value of a per-system key for this target's system; `None`
    /// leaves the item out.
    fn for_os<'v>(&self, value: &'v PerOs, key: &str) -> Result<Option<&'v str>, ManifestError> {
        value.for_os(&self.target.os.to_string()).map_err(|bad| {
            self.err(format!(
                "{key} has the key `{bad}`; a per-system table takes {}",
                OS_KEYS.join(", ")
            ))
        })
    }

    fn required<'s>(&self, value: &'s Option<String>, key: &str) -> Result<&'s str, ManifestError> {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(self.err(format!(
                "[package] {key} is missing; add `{key} = \"…\"` to [package]"
            ))),
        }
    }

    fn file_entries(
        &self,
        index: usize,
        spec: &FileSpec,
        vars: &Placeholders<'_>,
        epoch: u64,
        out: &mut Vec<Entry>,
    ) -> Result<(), ManifestError> {
        let key = format!("files[{index}]");
        let kind_name = spec.kind.as_deref().unwrap_or("file");
        let Some(dst_raw) = self.for_os(&spec.dst, &format!("{key}.dst"))? else {
            return Ok(());
        };
        let dst_text = vars.apply(dst_raw);
        let into_folder = dst_text.ends_with('/');
        let dst =
            normalize_dst(&dst_text).map_err(|e| self.err(format!("{key}.dst `{dst_raw}` {e}")))?;
        let mode = spec
            .mode
            .as_deref()
            .map(|m| {
                parse_mode(m).ok_or_else(|| {
                    self.err(format!(
                        "{key}.mode `{m}` is not an octal mode like \"0755\" or \"644\""
                    ))
                })
            })
            .transpose()?;
        let owner: Arc<str> = spec.owner.as_deref().unwrap_or("root").into();
        let group: Arc<str> = spec.group.as_deref().unwrap_or("root").into();
        let base = |path: String, kind: EntryKind, mode: u32| Entry {
            path,
            kind,
            mode,
            owner: owner.clone(),
            group: group.clone(),
            uid: spec.uid.unwrap_or(0),
            gid: spec.gid.unwrap_or(0),
            mtime: epoch,
            source: Source::None,
            size: 0,
            arch_check: spec.arch_check.unwrap_or(true),
            strip: spec.strip.unwrap_or(true),
        };
        let kind = match kind_name {
            "file" => EntryKind::File,
            "config" => EntryKind::Config,
            "doc" => EntryKind::Doc,
            "license" => EntryKind::License,
            "dir" | "symlink" => {
                if spec.src.is_some() {
                    return Err(self.err(format!(
                        "{key}: a `{kind_name}` entry takes no `src`; remove it"
                    )));
                }
                if dst == "/" {
                    return Err(self.err(format!("{key}.dst must name a path below `/`")));
                }
                if kind_name == "dir" {
                    out.push(base(dst, EntryKind::Dir, mode.unwrap_or(0o755)));
                } else {
                    let target = spec
                        .target
                        .as_deref()
                        .map(|t| vars.apply(t))
                        .filter(|t| !t.is_empty())
                        .ok_or_else(|| {
                            self.err(format!(
                                "{key}: a symlink needs `target = \"/path/it/points/to\"`"
                            ))
                        })?;
                    out.push(base(dst, EntryKind::Symlink { target }, 0o777));
                }
                return Ok(());
            }
            other => {
                return Err(self.err(format!(
                    "{key}.kind `{other}` is not one of file, config, doc, license, dir, symlink"
                )))
            }
        };
        if spec.target.is_some() {
            return Err(self.err(format!("{key}: `target` is only for kind = \"symlink\"")));
        }
        let src = spec.src.as_deref().ok_or_else(|| {
            self.err(format!("{key}: `src` is missing; name the file to install"))
        })?;
        let src = vars.apply(src);
        // Each file found becomes its entry at once: a folder of a million
        // files is never held twice (found, then as entries).
        self.find_sources(&key, &src, &dst, into_folder, &mut |found| {
            let mut entry = base(found.dst, kind.clone(), 0);
            match found.link {
                Some(target) => {
                    entry.kind = EntryKind::Symlink { target };
                    entry.mode = 0o777;
                }
                None => {
                    entry.mode = mode.unwrap_or(if found.executable { 0o755 } else { 0o644 });
                    entry.size = found.size;
                    entry.source = Source::Path(found.source);
                }
            }
            out.push(entry);
        })?;
        Ok(())
    }

    /// Hands `sink` the files `src` names: one file, every file below a
    /// folder, or a glob's matches.
    fn find_sources(
        &self,
        key: &str,
        src: &str,
        dst: &str,
        into_folder: bool,
        sink: &mut dyn FnMut(Found),
    ) -> Result<(), ManifestError> {
        let full = self.loaded.dir.join(src);
        let is_glob = src.contains(['*', '?', '[', '{']);
        let join = |relative: &str| format!("{}/{relative}", dst.trim_end_matches('/'));
        if !is_glob {
            let meta = std::fs::symlink_metadata(&full).map_err(|_| {
                self.err(format!("{key}.src `{src}` does not exist (looked for {}); build it first or fix the path", full.display()))
            })?;
            if meta.is_dir() {
                return self.walk(key, src, &full, None, &join, sink).map(|_| ());
            }
            let name = full
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let dst = if into_folder || dst == "/" {
                join(&name)
            } else {
                dst.to_string()
            };
            sink(self.found(key, full, dst)?);
            return Ok(());
        }
        // The folder before the first component with a glob character is walked.
        let components: Vec<&str> = src.split('/').collect();
        let split = components
            .iter()
            .position(|c| c.contains(['*', '?', '[', '{']))
            .unwrap_or(0);
        let base_dir = self.loaded.dir.join(components[..split].join("/"));
        let pattern = components[split..].join("/");
        let glob = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| self.err(format!("{key}.src `{src}` is not a valid glob: {e}")))?
            .compile_matcher();
        let searched = || {
            self.err(format!(
                "{key}.src `{src}` matches no file (searched {})",
                base_dir.display()
            ))
        };
        if into_folder {
            let count = match base_dir.is_dir() {
                true => self.walk(key, src, &base_dir, Some(&glob), &join, sink)?,
                false => 0,
            };
            return if count == 0 { Err(searched()) } else { Ok(()) };
        }
        let mut found = Vec::new();
        if base_dir.is_dir() {
            self.walk(key, src, &base_dir, Some(&glob), &join, &mut |f| {
                found.push(f)
            })?;
        }
        match found.len() {
            0 => Err(searched()),
            1 => {
                let one = found.remove(0);
                sink(Found {
                    dst: dst.to_string(),
                    ..one
                });
                Ok(())
            }
            n => Err(self.err(format!(
                "{key}: `{src}` matches {n} files but dst `{dst}` names one; end dst with `/` to install them into that folder"
            ))),
        }
    }

    fn walk(
        &self,
        key: &str,
        src: &str,
        base: &Path,
        glob: Option<&globset::GlobMatcher>,
        join: &dyn Fn(&str) -> String,
        sink: &mut dyn FnMut(Found),
    ) -> Result<usize, ManifestError> {
        let mut count = 0;
        for item in walkdir::WalkDir::new(base).min_depth(1).sort_by_file_name() {
            let item = item.map_err(|e| {
                self.err(format!(
                    "{key}.src `{src}`: cannot read {}: {e}",
                    base.display()
                ))
            })?;
            if item.file_type().is_dir() {
                continue;
            }
            let Ok(relative) = item.path().strip_prefix(base) else {
                continue;
            };
            let relative = relative.to_string_lossy().into_owned();
            if glob.is_some_and(|g| !g.is_match(&relative)) {
                continue;
            }
            sink(self.found(key, item.path().to_path_buf(), join(&relative))?);
            count += 1;
        }
        Ok(count)
    }

    fn found(&self, key: &str, source: PathBuf, dst: String) -> Result<Found, ManifestError> {
        let meta = std::fs::symlink_metadata(&source)
            .map_err(|e| self.err(format!("{key}: cannot read {}: {e}", source.display())))?;
        let dst =
            normalize_dst(&dst).map_err(|e| self.err(format!("{key}: destination `{dst}` {e}")))?;
        if meta.file_type().is_symlink() {
            let link = std::fs::read_link(&source).map_err(|e| {
                self.err(format!("{key}: cannot read link {}: {e}", source.display()))
            })?;
            return Ok(Found {
                source,
                dst,
                link: Some(link.to_string_lossy().into_owned()),
                size: 0,
                executable: false,
            });
        }
        if !meta.is_file() {
            return Err(self.err(format!("{key}: {} is not a regular file", source.display())));
        }
        let executable = meta.permissions().mode() & 0o111 != 0;
        Ok(Found {
            source,
            dst,
            link: None,
            size: meta.len(),
            executable,
        })
    }

    fn cargo_binary(&self, name: &str, epoch: u64) -> Result<Entry, ManifestError> {
        let exe = if self.target.os == vitte_buildkit_formats::Os::Windows {
            ".exe"
        } else {
            ""
        };
        let file = format!("{name}{exe}");
        let mut candidates = vec![format!("target/{}/release/{file}", self.target.triple())];
        if self.target == &Target::host() {
            candidates.push(format!("target/release/{file}"));
        }
        let source = self
            .loaded
            .dir
            .ancestors()
            .take(4)
            .flat_map(|d| candidates.iter().map(move |c| d.join(c)))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                self.err(format!(
                    "no [[files]] in [package.metadata.buildkit] and no built binary `{}`; run `cargo build --release --target {}` or list the files to install",
                    candidates[0],
                    self.target.triple()
                ))
            })?;
        let found = self.found("package", source, format!("/usr/bin/{file}"))?;
        Ok(Entry {
            path: found.dst,
            kind: EntryKind::File,
            mode: 0o755,
            owner: "root".into(),
            group: "root".into(),
            uid: 0,
            gid: 0,
            mtime: epoch,
            source: Source::Path(found.source),
            size: found.size,
            arch_check: true,
            strip: true,
        })
    }

    /// Sorts the entries by install path in place (a stable sort, so of two
    /// entries for one path the first listed is named first) and refuses
    /// duplicates.
    fn unique_sorted(&self, mut entries: Vec<Entry>) -> Result<Vec<Entry>, ManifestError> {
        sort_by_path(&mut entries);
        if let Some(pair) = entries.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(self.err(format!(
                "two entries install to `{}` ({} and {}); give each its own dst",
                pair[0].path,
                pair[0].source_name(),
                pair[1].source_name()
            )));
        }
        entries.shrink_to_fit();
        Ok(entries)
    }

    fn scripts(&self) -> Result<Scripts, ManifestError> {
        let s = &self.loaded.manifest.scripts;
        let read = |path: &Option<PerOs>, key: &str| -> Result<Option<String>, ManifestError> {
            let Some(path) = path else { return Ok(None) };
            let Some(path) = self.for_os(path, &format!("[scripts] {key}"))? else {
                return Ok(None);
            };
            let full = self.loaded.dir.join(path);
            std::fs::read_to_string(&full).map(Some).map_err(|e| {
                self.err(format!(
                    "[scripts] {key} `{path}` cannot be read ({}: {e}); fix the path",
                    full.display()
                ))
            })
        };
        Ok(Scripts {
            pre_install: read(&s.pre_install, "pre-install")?,
            post_install: read(&s.post_install, "post-install")?,
            pre_remove: read(&s.pre_remove, "pre-remove")?,
            post_remove: read(&s.post_remove, "post-remove")?,
        })
    }

    fn relations(
        &self,
        section: &RelationsSection,
        table: &str,
    ) -> Result<Relations, ManifestError> {
        let o = self.relations_override(section, table)?;
        Ok(Relations::default().overridden_by(&o))
    }

    fn relations_override(
        &self,
        s: &RelationsSection,
        table: &str,
    ) -> Result<RelationsOverride, ManifestError> {
        let parse = |list: &Option<Vec<String>>,
                     key: &str|
         -> Result<Option<Vec<Relation>>, ManifestError> {
            list.as_ref()
                .map(|items| {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, text)| {
                            Relation::parse(text)
                                .map_err(|e| self.err(format!("[{table}] {key}[{i}]: {e}")))
                        })
                        .collect()
                })
                .transpose()
        };
        Ok(RelationsOverride {
            depends: parse(&s.depends, "depends")?,
            pre_depends: parse(&s.pre_depends, "pre-depends")?,
            recommends: parse(&s.recommends, "recommends")?,
            suggests: parse(&s.suggests, "suggests")?,
            conflicts: parse(&s.conflicts, "conflicts")?,
            breaks: parse(&s.breaks, "breaks")?,
            replaces: parse(&s.replaces, "replaces")?,
            provides: parse(&s.provides, "provides")?,
            obsoletes: parse(&s.obsoletes, "obsoletes")?,
        })
    }

    fn compression(
        &self,
        value: &Option<String>,
        table: &str,
    ) -> Result<Option<String>, ManifestError> {
        match value {
            Some(v) if Compression::parse(v).is_none() => Err(self.err(format!(
                "[{table}] compression `{v}` is not one of xz, gzip, zstd, none"
            ))),
            other => Ok(other.clone()),
        }
    }

    fn sections(&self) -> Result<FormatSections, ManifestError> {
        let m = &self.loaded.manifest;
        Ok(FormatSections {
            deb: DebOptions {
                compression: self.compression(&m.deb.compression, "deb")?,
                section: m.deb.section.clone(),
                priority: m.deb.priority.clone(),
                relations: self.relations_override(&m.deb.relations, "deb.relations")?,
                embed_signature: m.deb.embed_signature,
                auto_depends: m.deb.auto_depends.unwrap_or(true),
                sysroot: m.deb.sysroot.as_ref().map(|s| self.loaded.dir.join(s)),
            },
            rpm: RpmOptions {
                compression: self.compression(&m.rpm.compression, "rpm")?,
                group: m.rpm.group.clone(),
                ghost: m.rpm.ghost.clone(),
                relations: self.relations_override(&m.rpm.relations, "rpm.relations")?,
                auto_requires: m.rpm.auto_requires.unwrap_or(true),
            },
            msi: m.msi.clone(),
            pkg: m.pkg.clone(),
            wasm: m.wasm.clone(),
            archive: m.archive.clone(),
        })
    }
}

/// `0755`, `755`, `0o755` → 0o755.
fn parse_mode(text: &str) -> Option<u32> {
    let digits = text.trim_start_matches("0o");
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    u32::from_str_radix(digits, 8).ok().filter(|m| *m <= 0o7777)
}

/// Makes an install path absolute and canonical; refuses one that escapes `/`.
pub fn normalize_dst(path: &str) -> Result<String, String> {
    if !path.starts_with('/') {
        return Err("must be an absolute install path (start it with `/`)".into());
    }
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err("holds a control character or a backslash".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("escapes the install root through `..`".into());
                }
            }
            name => parts.push(name),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_normalize_or_are_refused() {
        assert_eq!(normalize_dst("/usr/bin/hello").unwrap(), "/usr/bin/hello");
        assert_eq!(
            normalize_dst("/usr//bin/./hello").unwrap(),
            "/usr/bin/hello"
        );
        assert_eq!(normalize_dst("/usr/lib/../bin/").unwrap(), "/usr/bin");
        assert!(normalize_dst("/usr/../../etc")
            .unwrap_err()
            .contains("escapes"));
        assert!(normalize_dst("usr/bin").unwrap_err().contains("absolute"));
        assert!(normalize_dst("/usr/bin\\x").is_err());
    }

    #[test]
    fn modes_are_octal() {
        assert_eq!(parse_mode("0755"), Some(0o755));
        assert_eq!(parse_mode("644"), Some(0o644));
        assert_eq!(parse_mode("0o4755"), Some(0o4755));
        for bad in ["", "rwx", "0999", "12345678", "-1"] {
            assert_eq!(parse_mode(bad), None, "{bad}");
        }
    }
}
