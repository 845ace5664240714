//! The facade: a builder over the pipeline for use from Rust.

use std::path::{Path, PathBuf};

use vitte_buildkit_formats::Target;

use crate::cache::CacheConfig;
use crate::error::{Error, Result};
use crate::events::{Artifact, Listener, Quiet};
use crate::keys::{KeySource, SigningOptions, PASSWORD_ENV};
use crate::lint::LintMode;
use crate::pipeline::{self, BuildOptions, FormatSelection};

/// Packages a project from Rust, the way `vitte-buildkit package` does.
///
/// ```no_run
/// use vitte_buildkit::BuildKit;
/// fn main() -> anyhow::Result<()> {
///     let kit = BuildKit::new().target("aarch64-apple-darwin").package("vitte-compiler");
///     kit.build_and_export("dist/")?;
///     Ok(())
/// }
/// ```
///
/// Without `.manifest(…)` the manifest is `./buildkit.toml`, else
/// `./Cargo.toml`; without `.target(…)`, the host; without `.format(…)`,
/// every format that can serve each target. Errors are all reported by
/// [`BuildKit::build_and_export`], nothing is checked earlier.
#[derive(Default)]
pub struct BuildKit<'a> {
    manifest: Option<PathBuf>,
    package: Option<String>,
    targets: Vec<String>,
    formats: Vec<String>,
    threads: Option<u32>,
    source_date_epoch: Option<u64>,
    listener: Option<&'a dyn Listener>,
    key: Option<KeySource>,
    password: Option<zeroize::Zeroizing<String>>,
    lint: LintMode,
    against: Option<PathBuf>,
    sysroot: Option<PathBuf>,
    cache: CacheConfig,
    cache_defaults: CacheConfig,
}

impl<'a> BuildKit<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The manifest to read: a `buildkit.toml` or a Cargo.toml.
    pub fn manifest(mut self, path: impl AsRef<Path>) -> Self {
        self.manifest = Some(path.as_ref().to_path_buf());
        self
    }

    /// Selects the package by name (checked against the manifest; for a
    /// Cargo workspace, the member of that name).
    pub fn package(mut self, name: &str) -> Self {
        self.package = Some(name.to_string());
        self
    }

    /// Adds a target, as a triple (`aarch64-apple-darwin`) or a short form (`x86_64-linux`).
    pub fn target(mut self, target: &str) -> Self {
        self.targets.push(target.to_string());
        self
    }

    /// Adds a format by id (`deb`, `rpm`, `tar.gz`, …).
    pub fn format(mut self, id: &str) -> Self {
        self.formats.push(id.to_string());
        self
    }

    /// Compression threads; the default is every core.
    pub fn threads(mut self, threads: u32) -> Self {
        self.threads = Some(threads);
        self
    }

    /// The timestamp of every entry; the default is `SOURCE_DATE_EPOCH`,
    /// then the manifest's, then a fixed date.
    pub fn source_date_epoch(mut self, seconds: u64) -> Self {
        self.source_date_epoch = Some(seconds);
        self
    }

    /// Signs every artifact and SHA256SUMS with the minisign secret key in
    /// this file (mode 0600), and RPMs with its OpenPGP form. Without it,
    /// the key text in `VITTE_BUILDKIT_SECRET_KEY` is used, if set.
    pub fn key(mut self, path: impl AsRef<Path>) -> Self {
        self.key = Some(KeySource::File(path.as_ref().to_path_buf()));
        self
    }

    /// Signs with the secret key given as the key file's text.
    pub fn key_text(mut self, text: &str) -> Self {
        self.key = Some(KeySource::Text(zeroize::Zeroizing::new(text.to_string())));
        self
    }

    /// The secret key's password; the default is `VITTE_BUILDKIT_PASSWORD`.
    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(zeroize::Zeroizing::new(password.to_string()));
        self
    }

    /// What the lint gate does: errors stop the build ([`LintMode::Deny`],
    /// the default), are only reported ([`LintMode::Warn`]), or the gate
    /// does not run ([`LintMode::Off`]).
    pub fn lint(mut self, mode: LintMode) -> Self {
        self.lint = mode;
        self
    }

    /// Compares every artifact of the same format with this previous
    /// release before anything is moved into place; an unsafe upgrade
    /// (see [`crate::diff`]) stops the build.
    pub fn against(mut self, old: impl AsRef<Path>) -> Self {
        self.against = Some(old.as_ref().to_path_buf());
        self
    }

    /// A root holding the target's dpkg database (`var/lib/dpkg`), from
    /// which the .deb's shared-library dependencies are computed for a
    /// foreign architecture; overrides the manifest's `[deb] sysroot`.
    pub fn sysroot(mut self, path: impl AsRef<Path>) -> Self {
        self.sysroot = Some(path.as_ref().to_path_buf());
        self
    }

    /// Cache settings (folder or `off`, `oci://` remote, mode, size limit):
    /// each field given wins over the manifest's `[cache]`; the rest come
    /// from there or the defaults (a local cache in
    /// `$VITTE_BUILDKIT_CACHE_DIR`, `$XDG_CACHE_HOME/vitte-buildkit` or
    /// `~/.cache/vitte-buildkit`; no remote). See docs/cache.md.
    ///
    /// ```no_run
    /// use vitte_buildkit::{cache::CacheConfig, BuildKit};
    /// let kit = BuildKit::new().cache(CacheConfig {
    ///     remote: Some("oci://ghcr.io/acme/buildkit-cache".into()),
    ///     ..Default::default()
    /// });
    /// ```
    pub fn cache(mut self, config: CacheConfig) -> Self {
        self.cache = config.over(std::mem::take(&mut self.cache));
        self
    }

    /// Cache settings below the manifest's `[cache]` (what a user
    /// configuration file sets): the manifest and [`Self::cache`] win.
    pub fn cache_defaults(mut self, config: CacheConfig) -> Self {
        self.cache_defaults = config;
        self
    }

    /// Receives progress, warnings and finished artifacts.
    pub fn listener(mut self, listener: &'a dyn Listener) -> Self {
        self.listener = Some(listener);
        self
    }

    /// The options the pipeline gets, with every default filled in.
    pub fn options(&self, out_dir: impl AsRef<Path>) -> Result<BuildOptions> {
        let manifest = match &self.manifest {
            Some(path) => path.clone(),
            None => crate::manifest::find_default(Path::new(".")).ok_or_else(|| {
                Error::Usage(
                    "no buildkit.toml or Cargo.toml in the current folder; pass a manifest path"
                        .into(),
                )
            })?,
        };
        let targets = if self.targets.is_empty() {
            vec![Target::host()]
        } else {
            self.targets
                .iter()
                .map(|t| Target::parse(t).map_err(Error::Usage))
                .collect::<Result<_>>()?
        };
        let formats = if self.formats.is_empty() || self.formats.iter().any(|f| f == "all") {
            FormatSelection::All
        } else {
            FormatSelection::Only(self.formats.clone())
        };
        let source_date_epoch = match self.source_date_epoch {
            Some(s) => Some(s),
            None => pipeline::source_date_epoch_from_env()?,
        };
        let key = self
            .key
            .clone()
            .or_else(|| KeySource::from_path_or_env(None));
        let signing = key.map(|key| SigningOptions {
            key,
            password: self.password.clone().or_else(|| {
                std::env::var(PASSWORD_ENV)
                    .ok()
                    .map(zeroize::Zeroizing::new)
            }),
        });
        Ok(BuildOptions {
            manifest,
            package: self.package.clone(),
            formats,
            targets,
            out_dir: out_dir.as_ref().to_path_buf(),
            threads: self.threads.unwrap_or_else(default_threads),
            source_date_epoch,
            signing,
            lint: self.lint,
            against: self.against.clone(),
            sysroot: self.sysroot.clone(),
            cache: self.cache.clone(),
            cache_defaults: self.cache_defaults.clone(),
        })
    }

    /// Builds every artifact into `out_dir`, atomically: on error nothing
    /// new is there and earlier artifacts are untouched.
    pub fn build_and_export(&self, out_dir: impl AsRef<Path>) -> Result<Vec<Artifact>> {
        let options = self.options(out_dir)?;
        pipeline::build(&options, self.listener.unwrap_or(&Quiet))
    }

    /// Runs the lint gate for every target and selected format, writing
    /// nothing; see [`crate::lint`].
    pub fn lint_only(&self) -> Result<Vec<crate::lint::Finding>> {
        let options = self.options("dist")?;
        crate::lint::lint_project(&options, self.listener.unwrap_or(&Quiet))
    }

    /// The cache key of every job the settings select, with its inputs and
    /// what changed since the job's last run in the local cache; builds nothing.
    /// The lint gate does not run: a key is asked for what the build would
    /// be, whatever the gate would say of it.
    pub fn cache_keys(&self) -> Result<Vec<pipeline::PlannedKey>> {
        let mut options = self.options(std::env::temp_dir())?;
        options.lint = LintMode::Off;
        pipeline::plan_keys(&options, self.listener.unwrap_or(&Quiet))
    }

    /// What `.cross(…)` gets: the build options for the one `.target(…)`,
    /// `command` (program and arguments; empty for the manifest's
    /// `[build] command`), and packaging only when `.format(…)` was given.
    pub fn cross_options(
        &self,
        command: &[String],
        out_dir: impl AsRef<Path>,
    ) -> Result<crate::cross::CrossOptions> {
        Ok(crate::cross::CrossOptions {
            build: self.options(out_dir)?,
            command: command.to_vec(),
            package: !self.formats.is_empty(),
        })
    }

    /// Builds the project for the target with the detected toolchain, checks
    /// every file the manifest lists against the target, then packages the
    /// `.format(…)`s into `out_dir` (none given: build and check only); see
    /// [`crate::cross`].
    pub fn cross(&self, command: &[String], out_dir: impl AsRef<Path>) -> Result<Vec<Artifact>> {
        crate::cross::prepare(self.cross_options(command, out_dir)?)?
            .run(self.listener.unwrap_or(&Quiet))
    }

    /// Archives an output folder (`tar.gz`, `tar.xz`, `tar.zst` or `zip`)
    /// reproducibly into `out`, by default `DIR.<format>` beside it; see
    /// [`crate::export`]. Uses `.threads(…)` and `.source_date_epoch(…)`.
    pub fn export(
        &self,
        dir: impl AsRef<Path>,
        format: &str,
        out: Option<&Path>,
    ) -> Result<Artifact> {
        let options = crate::export::ExportOptions {
            dir: dir.as_ref().to_path_buf(),
            format: crate::export::ExportFormat::parse(format)?,
            out: out.map(Path::to_path_buf),
            threads: self.threads.unwrap_or_else(default_threads),
            source_date_epoch: match self.source_date_epoch {
                Some(s) => Some(s),
                None => pipeline::source_date_epoch_from_env()?,
            },
        };
        crate::export::export(&options, self.listener.unwrap_or(&Quiet))
    }
}

/// Every core the machine has.
pub fn default_threads() -> u32 {
    std::thread::available_parallelism()
        .map(|n| n.get() as u32)
        .unwrap_or(1)
}
