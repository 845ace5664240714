//! The gate in the build: which formats of a target are checked, what
//! stops the build, what is only reported. `vitte-buildkit lint` runs the
//! same gate without writing anything.

use std::collections::BTreeSet;
use std::sync::Mutex;

use vitte_buildkit_formats::{all_formats, Package};

use super::{capped, check, check_allow, errors_text, Finding, Level, LintMode};
use crate::error::{Error, Result};
use crate::events::{Event, Listener};
use crate::manifest::{self, LoadedManifest};
use crate::pipeline::{BuildOptions, FormatSelection};

/// Runs the gate for one resolved package in the build. Each finding is
/// reported once per build (a second target repeats none); with
/// [`LintMode::Deny`] errors stop the build before anything is written.
pub struct Gate<'a> {
    mode: LintMode,
    allow: &'a [String],
    seen: Mutex<BTreeSet<String>>,
}

impl<'a> Gate<'a> {
    /// Checks the manifest's `[lint] allow` ids first.
    pub fn new(mode: LintMode, loaded: &'a LoadedManifest) -> Result<Self> {
        let allow = &loaded.manifest.lint.allow;
        check_allow(allow)
            .map_err(|e| Error::Manifest(manifest::ManifestError::new(&loaded.path, e)))?;
        Ok(Self {
            mode,
            allow,
            seen: Mutex::new(BTreeSet::new()),
        })
    }

    /// Checks `package` for `formats`, reports the findings not reported
    /// yet, and fails on errors unless the mode lets them pass.
    pub fn run(
        &self,
        package: &Package,
        formats: &[&str],
        listener: &dyn Listener,
    ) -> Result<Vec<Finding>> {
        if self.mode == LintMode::Off {
            return Ok(Vec::new());
        }
        let findings = check(package, formats, self.allow);
        let stop = self.mode == LintMode::Deny && findings.iter().any(|f| f.level == Level::Error);
        if let Ok(mut seen) = self.seen.lock() {
            let fresh: Vec<Finding> = findings
                .iter()
                .filter(|f| !(stop && f.level == Level::Error))
                .filter(|f| seen.insert(f.to_string()))
                .cloned()
                .collect();
            let (shown, hidden) = capped(&fresh);
            for finding in shown {
                listener.event(Event::Lint(finding));
            }
            for (rule, level, n) in hidden {
                listener.event(Event::Warning(&format!(
                    "[{rule}] {level}: {n} more like the above; `vitte-buildkit lint` lists them all"
                )));
            }
        }
        if stop {
            return Err(Error::Lint(errors_text(&findings).unwrap_or_default()));
        }
        Ok(findings)
    }
}

/// `vitte-buildkit lint`: resolves the manifest for every target and runs
/// the gate for the selected formats that serve it; writes nothing. The
/// findings come back (and through the listener); errors do not fail here,
/// the caller decides.
pub fn lint_project(options: &BuildOptions, listener: &dyn Listener) -> Result<Vec<Finding>> {
    if let FormatSelection::Only(ids) = &options.formats {
        if let Some(id) = ids
            .iter()
            .find(|id| vitte_buildkit_formats::format_by_id(id).is_none())
        {
            return Err(Error::Usage(format!(
                "unknown format `{id}`; expected one of {}, or all",
                crate::pipeline::format_ids().join(", ")
            )));
        }
    }
    let loaded = manifest::load(&options.manifest, options.package.as_deref())?;
    let gate = Gate::new(LintMode::Warn, &loaded)?;
    let mut all = Vec::new();
    for target in &options.targets {
        let mut package = manifest::resolve(&loaded, target, options.source_date_epoch)?;
        package.has_binaries =
            crate::inspect::check_package(&package, target, &crate::events::Quiet).unwrap_or(true);
        let formats: Vec<&'static str> = all_formats()
            .iter()
            .filter(|f| match &options.formats {
                FormatSelection::All => true,
                FormatSelection::Only(ids) => ids.iter().any(|id| id == f.id()),
            })
            .filter(|f| f.accepts(target).is_ok())
            .map(|f| f.id())
            .collect();
        for finding in gate.run(&package, &formats, listener)? {
            if !all.contains(&finding) {
                all.push(finding);
            }
        }
    }
    Ok(all)
}
