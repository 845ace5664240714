//! The distribution formats' extra work on binaries, done after planning
//! and before any backend writes: for each target's deb and rpm jobs, the
//! ELF files are read once ([`crate::elfdeps`]), the computed relations are
//! merged into the model (a hand-written relation on the same package
//! wins), the files are stripped into the staging folder ([`crate::strip`])
//! and a debug-symbols package is planned as a job of its own, right after
//! the package it belongs to. Other formats keep the files as they are.

use std::path::Path;
use std::sync::Arc;

use vitte_buildkit_formats::model::{Dependency, Relation};
use vitte_buildkit_formats::{Package, Source, Target};

use super::{BuildOptions, Job};
use crate::elfdeps::{self, Scanned};
use crate::error::{Error, Result};
use crate::events::{Event, Listener};
use crate::strip::{self, Stripped};

/// The formats this applies to.
const DISTRO_FORMATS: [&str; 2] = ["deb", "rpm"];

/// One target's package as scanned, and what stripping it gave.
struct Prepared {
    target: Target,
    base: Arc<Package>,
    scanned: Vec<Scanned>,
    stripped: Stripped,
}

/// Rewrites the deb and rpm jobs with computed relations and stripped
/// files, and adds their debug-symbols jobs; every new package is
/// validated by its format.
pub fn prepare(
    jobs: Vec<Job>,
    options: &BuildOptions,
    scratch: &Path,
    listener: &dyn Listener,
) -> Result<Vec<Job>> {
    let mut out = Vec::with_capacity(jobs.len());
    // The package of one target is scanned and stripped once for both
    // formats; dependencies come first, so that a missing sysroot is
    // reported before anything is stripped.
    let mut done: Vec<Prepared> = Vec::new();
    for job in jobs {
        let id = job.format.id();
        if !DISTRO_FORMATS.contains(&id) || !job.package.has_binaries {
            out.push(job);
            continue;
        }
        let at = match done
            .iter()
            .position(|d| d.target == job.target && Arc::ptr_eq(&d.base, &job.package))
        {
            Some(at) => at,
            None => {
                done.push(Prepared {
                    target: job.target.clone(),
                    base: Arc::clone(&job.package),
                    scanned: elfdeps::scan(&job.package)?,
                    stripped: Stripped::default(),
                });
                done.len() - 1
            }
        };
        let Prepared { base, scanned, .. } = &done[at];
        let mut package = (**base).clone();
        if id == "deb" && package.formats.deb.auto_depends {
            let sysroot = options
                .sysroot
                .as_deref()
                .or(package.formats.deb.sysroot.as_deref());
            let outcome = elfdeps::deb_depends(&package, scanned, &job.target, sysroot)?;
            for warning in &outcome.warnings {
                listener.event(Event::Warning(warning));
            }
            let mut depends = package.relations_for("deb").depends;
            merge(&mut depends, outcome.depends);
            package.formats.deb.relations.depends = Some(depends);
        }
        if id == "rpm" && package.formats.rpm.auto_requires {
            rpm_relations(&mut package, scanned);
        }
        out.push(job_with(&job, package));
    }
    strip_jobs(out, &mut done, options, scratch, listener)
}

/// Strips each target's files once and points its deb and rpm jobs at the
/// stripped copies; plans the debug-symbols jobs.
fn strip_jobs(
    jobs: Vec<Job>,
    done: &mut [Prepared],
    options: &BuildOptions,
    scratch: &Path,
    listener: &dyn Listener,
) -> Result<Vec<Job>> {
    for (index, prepared) in done.iter_mut().enumerate() {
        let base = &prepared.base;
        if !base.binaries.strip {
            continue;
        }
        let keep_debug = base.binaries.debug_symbols != Some(false);
        let folder = scratch.join(format!("binaries-{index}"));
        prepared.stripped = strip::strip(
            base,
            &prepared.scanned,
            &prepared.target,
            &folder,
            options.threads,
            keep_debug,
        )?;
        for warning in &prepared.stripped.warnings {
            listener.event(Event::Warning(warning));
        }
    }
    let mut out = Vec::with_capacity(jobs.len());
    for job in jobs {
        let id = job.format.id();
        let Some(Prepared { base, stripped, .. }) = done
            .iter()
            .find(|d| d.target == job.target && d.base.name == job.package.name)
            .filter(|_| DISTRO_FORMATS.contains(&id) && job.package.has_binaries)
        else {
            out.push(job);
            continue;
        };
        let mut package = (*job.package).clone();
        for (index, path, size) in &stripped.replaced {
            package.entries[*index].source = Source::Path(path.clone());
            package.entries[*index].size = *size;
        }
        let debug = (!stripped.debug.is_empty() && base.binaries.debug_symbols != Some(false))
            .then(|| strip::debug::package(&package, &stripped.debug, id));
        let main = job_with(&job, package);
        validate(&main)?;
        out.push(main);
        if let Some(debug) = debug {
            let debug_job = job_with(&job, debug);
            validate(&debug_job)?;
            out.push(debug_job);
        }
    }
    Ok(out)
}

/// The same job for another package.
fn job_with(job: &Job, package: Package) -> Job {
    Job {
        package: Arc::new(package),
        target: job.target.clone(),
        format: vitte_buildkit_formats::format_by_id(job.format.id())
            .expect("a planned format exists"),
        epoch: job.epoch,
    }
}

fn validate(job: &Job) -> Result<()> {
    job.format
        .validate(&job.package, &job.target)
        .map_err(|source| Error::Format {
            format: job.format.id().into(),
            target: job.target.to_string(),
            source,
        })
}

/// Adds computed relations whose package the hand-written ones do not name.
fn merge(hand: &mut Vec<Relation>, computed: Vec<Relation>) {
    let named = |name: &str, list: &[Relation]| {
        list.iter()
            .any(|r| r.alternatives.iter().any(|d| d.name == name))
    };
    let wanted: Vec<Relation> = computed
        .into_iter()
        .filter(|r| !r.alternatives.iter().any(|d| named(&d.name, hand)))
        .collect();
    hand.extend(wanted);
}

/// elfdeps' Requires and Provides, after the hand-written ones.
fn rpm_relations(package: &mut Package, scanned: &[Scanned]) {
    let binaries: Vec<elfdeps::rpm::Binary<'_>> = scanned
        .iter()
        .map(|s| elfdeps::rpm::Binary {
            path: &package.entries[s.index].path,
            mode: package.entries[s.index].mode,
            facts: &s.facts,
        })
        .collect();
    let generated = elfdeps::rpm::generate(&binaries);
    let plain = |name: String| Relation {
        alternatives: vec![Dependency {
            name,
            constraint: None,
        }],
    };
    let relations = package.relations_for("rpm");
    let mut requires = relations.depends;
    merge(
        &mut requires,
        generated.requires.into_iter().map(plain).collect(),
    );
    let mut provides = relations.provides;
    merge(
        &mut provides,
        generated.provides.into_iter().map(plain).collect(),
    );
    package.formats.rpm.relations.depends = Some(requires);
    package.formats.rpm.relations.provides = Some(provides);
}
