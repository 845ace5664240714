//! The build: manifest → one `Package` per target → checks → each format
//! writes into the staging folder → checksums → atomic rename → report.
//!
//! Every check (manifest, targets, formats, binaries) runs for every target
//! and format before the first byte of any artifact is written.

mod binaries;

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use vitte_buildkit_formats::{all_formats, Format, Package, Target, WriteContext};

use crate::cache::digest::{ContentDigests, StatIndex};
use crate::cache::key::{JobSpec, KeyInputs};
use crate::cache::local::LocalStore;
use crate::cache::{Cache, CacheConfig, CacheOptions, JobKey, Outcome};
use crate::error::{Error, Result};
use crate::events::{Artifact, Event, FormatEvents, Listener};
use crate::keys::{self, SigningKeys, SigningOptions};
use crate::lint::{Gate, LintMode};
use crate::manifest;
use crate::output::{Staging, SHA256SUMS};

/// Which formats to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatSelection {
    /// Every format that can serve each target.
    All,
    /// These, by id; each must serve every target.
    Only(Vec<String>),
}

/// Everything a build needs to know.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub manifest: PathBuf,
    /// Select a package (a Cargo workspace member) by name.
    pub package: Option<String>,
    pub formats: FormatSelection,
    pub targets: Vec<Target>,
    pub out_dir: PathBuf,
    pub threads: u32,
    /// Overrides the manifest's; normally from `SOURCE_DATE_EPOCH`.
    pub source_date_epoch: Option<u64>,
    /// Sign every artifact and SHA256SUMS with this key; `None`: unsigned.
    pub signing: Option<SigningOptions>,
    /// What the lint gate does with its findings.
    pub lint: LintMode,
    /// The previous release: each artifact of its format is compared with
    /// it before anything is moved into place; an error stops the build.
    pub against: Option<PathBuf>,
    /// The target's dpkg database root for computed deb dependencies;
    /// overrides `[deb] sysroot`.
    pub sysroot: Option<PathBuf>,
    /// Cache settings from the caller; the manifest's `[cache]` fills the rest.
    pub cache: CacheConfig,
    /// Cache settings below the manifest's `[cache]`: the user
    /// configuration file's.
    pub cache_defaults: CacheConfig,
}

/// The ids every backend answers to, for messages.
pub fn format_ids() -> Vec<&'static str> {
    all_formats().iter().map(|f| f.id()).collect()
}

/// Parses `SOURCE_DATE_EPOCH` from the environment, if set.
pub fn source_date_epoch_from_env() -> Result<Option<u64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text.trim().parse().map(Some).map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH `{text}` is not a number of seconds since 1970-01-01"
            ))
        }),
        Err(_) => Ok(None),
    }
}

/// One artifact to write: a resolved package, its target, its format.
struct Job {
    /// Shared by the jobs of one target: a package with many files is
    /// held once, not once per format.
    package: Arc<Package>,
    target: Target,
    format: Box<dyn Format>,
    epoch: u64,
}

/// A job's cache key, for `cache key`.
pub struct PlannedKey {
    pub file_name: String,
    pub key: JobKey,
    /// What changed since the job's last run in this cache.
    pub changes: Vec<(String, Option<String>, Option<String>)>,
}

/// Builds every selected format for every target; returns what was written.
pub fn build(options: &BuildOptions, listener: &dyn Listener) -> Result<Vec<Artifact>> {
    let loaded = manifest::load(&options.manifest, options.package.as_deref())?;
    let jobs = plan(options, &loaded, listener)?;
    // A wrong password or a bad key stops the build before anything is written.
    let keys = options.signing.as_ref().map(keys::load).transpose()?;
    let mut staging =
        Staging::new(&options.out_dir).map_err(|e| output_error("output folder", e))?;
    // Stripped copies live in the staging folder, which goes with the run.
    let jobs = binaries::prepare(jobs, options, &staging.dir().join("binaries"), listener)?;
    // Keys are taken from the prepared packages: the computed dependencies,
    // the stripped files and the debug-symbols jobs decide the bytes too.
    let cache = Cache::open(&cache_options(options, &loaded)?, listener);
    let fingerprint = keys.as_ref().map(|k| k.openpgp_fingerprint.as_str());
    let job_keys: Vec<Option<JobKey>> = match &cache {
        Some(cache) => job_keys(&jobs, fingerprint, |p| cache.content_digests(p))
            .into_iter()
            .map(|key| {
                key.map_err(|e| listener.event(Event::Warning(&format!("cache left out: {e}"))))
                    .ok()
            })
            .collect(),
        None => jobs.iter().map(|_| None).collect(),
    };
    let mut artifacts = Vec::new();
    for (job, job_key) in jobs.iter().zip(&job_keys) {
        let cached = cache.as_ref().zip(job_key.as_ref());
        artifacts.push(write_job(
            job,
            options,
            keys.as_ref(),
            cached,
            &mut staging,
            listener,
        )?);
    }
    if let Some(cache) = &cache {
        cache.finish(listener);
    }
    if let Some(old) = &options.against {
        let staged: Vec<PathBuf> = artifacts
            .iter()
            .map(|a| staging.dir().join(file_name(&a.path)))
            .collect();
        crate::diff::check_against(old, &staged, listener)?;
    }
    let sums: Vec<(String, String)> = artifacts
        .iter()
        .map(|a| (file_name(&a.path), a.sha256.clone()))
        .collect();
    let sums_path = staging
        .stage_checksums(&sums)
        .map_err(|e| output_error("cannot write SHA256SUMS", e))?;
    if let Some(keys) = &keys {
        let epoch = jobs.iter().map(|j| j.epoch).max().unwrap_or_default();
        sign_staged(keys, &sums_path, epoch, &mut staging)?;
    }
    let sums_signature = vitte_buildkit_signing::signature_path(&staging.final_path(SHA256SUMS));
    staging
        .commit()
        .map_err(|e| output_error("cannot move the artifacts into place", e))?;
    match &keys {
        Some(keys) => listener.event(Event::Signed {
            key_id: &keys.minisign.id().to_string(),
            openpgp_fingerprint: &keys.openpgp_fingerprint,
        }),
        None => {
            // Signatures left by an earlier signed run no longer match.
            for path in artifacts.iter().map(|a| &a.path) {
                let _ = std::fs::remove_file(vitte_buildkit_signing::signature_path(path));
            }
            let _ = std::fs::remove_file(sums_signature);
            listener.event(Event::Unsigned);
        }
    }
    for artifact in &artifacts {
        listener.event(Event::Artifact(artifact));
    }
    Ok(artifacts)
}

/// The cache settings: the caller's over the manifest's `[cache]` (whose
/// relative folder is taken from the manifest's folder) over the defaults.
fn cache_options(
    options: &BuildOptions,
    loaded: &manifest::LoadedManifest,
) -> Result<CacheOptions> {
    let mut from_manifest = loaded.manifest.cache.clone();
    if let Some(dir) = from_manifest.dir.as_mut().filter(|d| *d != "off") {
        *dir = loaded.dir.join(&*dir).to_string_lossy().into_owned();
    }
    options
        .cache
        .clone()
        .over(from_manifest.over(options.cache_defaults.clone()))
        .resolve(Path::new("."))
        .map_err(|e| Error::Usage(format!("{}: {e}", loaded.path.display())))
}

/// The cache key of every job, hashing each package's sources once with
/// `digests_of`; an error says why a job has none.
fn job_keys(
    jobs: &[Job],
    fingerprint: Option<&str>,
    mut digests_of: impl FnMut(&Package) -> std::io::Result<ContentDigests>,
) -> Vec<std::result::Result<JobKey, String>> {
    let mut digests: Vec<(*const Package, std::result::Result<ContentDigests, String>)> =
        Vec::new();
    jobs.iter()
        .map(|job| {
            let at = Arc::as_ptr(&job.package);
            if !digests.iter().any(|(p, _)| *p == at) {
                let found = digests_of(&job.package).map_err(|e| e.to_string());
                digests.push((at, found));
            }
            let found = digests.iter().find(|(p, _)| *p == at).map(|(_, d)| d);
            let found = found
                .expect("hashed above")
                .as_ref()
                .map_err(Clone::clone)?;
            let spec = JobSpec {
                target: &job.target,
                format: job.format.id(),
                epoch: job.epoch,
                signing_fingerprint: fingerprint,
            };
            let inputs = KeyInputs::of(&job.package, found, &spec);
            Ok(JobKey {
                key: inputs.key(),
                inputs,
                job: format!(
                    "{} {} {}",
                    job.package.name,
                    job.target.triple(),
                    job.format.id()
                ),
                format: job.format.id().to_string(),
                target: job.target.to_string(),
                file_name: job.format.file_name(&job.package, &job.target),
            })
        })
        .collect()
}

/// The cache key of every job the options select; builds nothing and
/// touches no registry. With a local cache folder, its stat index spares
/// unchanged files and its records give the changes since each job's last run.
pub fn plan_keys(options: &BuildOptions, listener: &dyn Listener) -> Result<Vec<PlannedKey>> {
    let loaded = manifest::load(&options.manifest, options.package.as_deref())?;
    let jobs = plan(options, &loaded, listener)?;
    let keys = options.signing.as_ref().map(keys::load).transpose()?;
    // The same prepared packages as a build's: stripped copies go to a
    // scratch folder that goes with this call.
    let scratch = tempfile::tempdir().map_err(|e| output_error("scratch folder", e))?;
    let jobs = binaries::prepare(jobs, options, scratch.path(), listener)?;
    let local = cache_options(options, &loaded)?
        .dir
        .and_then(|dir| LocalStore::open(&dir).ok());
    let mut index = local
        .as_ref()
        .map_or_else(StatIndex::in_memory, |l| StatIndex::load(&l.index_path()));
    let fingerprint = keys.as_ref().map(|k| k.openpgp_fingerprint.as_str());
    let job_keys = job_keys(&jobs, fingerprint, |p| {
        crate::cache::digest::content_digests(p, &mut index)
    });
    let mut planned = Vec::new();
    for key in job_keys {
        let key = key.map_err(|e| Error::Usage(format!("cannot hash the sources: {e}")))?;
        planned.push(PlannedKey {
            file_name: key.file_name.clone(),
            changes: crate::cache::explain(local.as_ref(), &key),
            key,
        });
    }
    if let Err(e) = index.save() {
        listener.event(Event::Warning(&format!(
            "cannot save the cache's stat index: {e}"
        )));
    }
    Ok(planned)
}

/// Resolves the manifest for every target and checks every binary it lists
/// against the target (the architecture check); writes nothing. `cross`
/// calls this after a build that packages nothing.
pub fn check(options: &BuildOptions, listener: &dyn Listener) -> Result<()> {
    let loaded = manifest::load(&options.manifest, options.package.as_deref())?;
    for target in &options.targets {
        let package = manifest::resolve(&loaded, target, options.source_date_epoch)?;
        crate::inspect::check_package(&package, target, listener)?;
    }
    Ok(())
}

/// Resolves and checks everything; writes nothing.
fn plan(
    options: &BuildOptions,
    loaded: &manifest::LoadedManifest,
    listener: &dyn Listener,
) -> Result<Vec<Job>> {
    if options.targets.is_empty() {
        return Err(Error::Usage("no target given".into()));
    }
    let selected: Vec<Box<dyn Format>> = match &options.formats {
        FormatSelection::All => all_formats(),
        FormatSelection::Only(ids) => ids
            .iter()
            .map(|id| {
                vitte_buildkit_formats::format_by_id(id).ok_or_else(|| {
                    Error::Usage(format!(
                        "unknown format `{id}`; expected one of {}, or all",
                        format_ids().join(", ")
                    ))
                })
            })
            .collect::<Result<_>>()?,
    };
    let gate = Gate::new(options.lint, loaded)?;
    let mut jobs: Vec<Job> = Vec::new();
    for target in &options.targets {
        let mut checked: Vec<&'static str> = Vec::new();
        let mut package = manifest::resolve(loaded, target, options.source_date_epoch)?;
        package.has_binaries = crate::inspect::check_package(&package, target, listener)?;
        let package = Arc::new(package);
        let epoch = package.entries.first().map(|e| e.mtime).unwrap_or_else(|| {
            options
                .source_date_epoch
                .or(loaded.manifest.package.source_date_epoch)
                .unwrap_or(manifest::DEFAULT_SOURCE_DATE_EPOCH)
        });
        for format in &selected {
            let id = format.id();
            if let Err(e) = format.accepts(target) {
                if options.formats == FormatSelection::All {
                    listener.event(Event::Skipped {
                        format: id,
                        target: target.triple(),
                        reason: &e.to_string(),
                    });
                    continue;
                }
                return Err(Error::Format {
                    format: id.into(),
                    target: target.to_string(),
                    source: e,
                });
            }
            format
                .validate(&package, target)
                .map_err(|source| Error::Format {
                    format: id.into(),
                    target: target.to_string(),
                    source,
                })?;
            checked.push(id);
            // Two ids may name one artifact (`wasm` with `[wasm] layout =
            // "archive"` is `wasm-archive`), and an architecture-independent
            // package (deb `all`, rpm `noarch`) has one name for every
            // target: build it once, unless its contents differ per target.
            let name = format.file_name(&package, target);
            if let Some(first) = jobs
                .iter()
                .find(|j| j.format.file_name(&j.package, &j.target) == name)
            {
                if first.target != *target && first.package.entries != package.entries {
                    return Err(Error::Usage(format!(
                        "{name} would be written for both {} and {} with different files; \
                         package these targets in separate runs with different --out folders",
                        first.target.triple(),
                        target.triple()
                    )));
                }
                let reason = if first.target == *target {
                    format!("same artifact as `{}`: {name}", first.format.id())
                } else {
                    format!(
                        "architecture-independent, already built for {}: {name}",
                        first.target.triple()
                    )
                };
                listener.event(Event::Skipped {
                    format: id,
                    target: target.triple(),
                    reason: &reason,
                });
                continue;
            }
            let format = vitte_buildkit_formats::format_by_id(id).expect("listed format exists");
            jobs.push(Job {
                package: Arc::clone(&package),
                target: target.clone(),
                format,
                epoch,
            });
        }
        gate.run(&package, &checked, listener)?;
    }
    if jobs.is_empty() {
        return Err(Error::Usage(
            "no selected format can serve the selected targets".into(),
        ));
    }
    Ok(jobs)
}

fn write_job(
    job: &Job,
    options: &BuildOptions,
    keys: Option<&SigningKeys>,
    cache: Option<(&Cache, &JobKey)>,
    staging: &mut Staging,
    listener: &dyn Listener,
) -> Result<Artifact> {
    let id = job.format.id();
    let name = job.format.file_name(&job.package, &job.target);
    listener.event(Event::Packaging {
        name: &job.package.name,
        version: &job.package.version.upstream.to_string(),
        format: id,
        target: job.target.triple(),
        payload_bytes: job.package.payload_size(),
    });
    let (mut file, path) = staging
        .create(&name)
        .map_err(|e| output_error("staging", e))?;
    let events = FormatEvents(listener);
    let ctx = WriteContext {
        source_date_epoch: job.epoch,
        threads: options.threads.max(1),
        scratch_dir: staging.dir(),
        events: &events,
        openpgp_key: keys.map(|k| k.openpgp_secret.as_str()),
    };
    let format_error = |source| Error::Format {
        format: id.into(),
        target: job.target.to_string(),
        source,
    };
    let outcome = cache.map(|(cache, key)| cache.lookup(key, &mut file, staging.dir(), listener));
    if matches!(outcome, None | Some(Outcome::Miss)) {
        job.format
            .write(&job.package, &job.target, &ctx, &mut file)
            .map_err(format_error)?;
    }
    file.sync_all()
        .map_err(|e| output_error(&format!("cannot write {}", path.display()), e))?;
    drop(file);
    if let (Some((cache, key)), Some(Outcome::Miss)) = (cache, outcome) {
        cache.store(key, &path, listener);
    }
    let (size, sha256, signature) = match keys {
        Some(keys) => {
            let digests = sign_staged(keys, &path, job.epoch, staging)?;
            let signature = vitte_buildkit_signing::signature_path(&staging.final_path(&name));
            (digests.size, digests.sha256_hex(), Some(signature))
        }
        None => {
            let (size, sha256) = sha256_file(&path)?;
            (size, sha256, None)
        }
    };
    Ok(Artifact {
        format: id.to_string(),
        target: job.target.to_string(),
        path: staging.final_path(&name),
        size,
        sha256,
        signature,
        cache: outcome,
    })
}

/// Signs a staged file into `<file>.minisig` beside it, staged too, and
/// checks the signature with the public key before going on.
fn sign_staged(
    keys: &SigningKeys,
    path: &Path,
    epoch: u64,
    staging: &mut Staging,
) -> Result<vitte_buildkit_signing::Digests> {
    let signing_error =
        |e: vitte_buildkit_signing::Error| Error::Signing(format!("{}: {e}", file_name(path)));
    let (signature, digests) = keys
        .minisign
        .sign_file(path, epoch)
        .map_err(signing_error)?;
    keys.minisign
        .public_key()
        .verify_digests(&signature, &digests)
        .map_err(signing_error)?;
    let name = format!(
        "{}{}",
        file_name(path),
        vitte_buildkit_signing::SIGNATURE_SUFFIX
    );
    let (mut file, staged) = staging
        .create(&name)
        .map_err(|e| output_error("staging", e))?;
    file.write_all(signature.to_text().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| output_error(&format!("cannot write {}", staged.display()), e))?;
    Ok(digests)
}

/// Size and lower-case hex SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut file = File::open(path).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    let mut hasher = Sha256::new();
    let size = io::copy(&mut file, &mut hasher).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    Ok((
        size,
        vitte_buildkit_formats::write::hash::hex(&hasher.finalize()),
    ))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn output_error(context: &str, source: io::Error) -> Error {
    Error::Output {
        context: context.into(),
        source,
    }
}
