//! `.rpm` packages, written with the rpm crate (rpm-rs) in the v4 format that
//! rpm 4.x reads (Debian's rpm 4.18 cannot read v6).
//!
//! The package is planned and checked first ([`Plan`]: names, versions,
//! relations, the file list), so `validate` refuses what rpm would before
//! anything is written; `write` hands the plan to the crate's builder.
//! Reproducible: BuildTime, file times and the signature time come from
//! `SOURCE_DATE_EPOCH`, the build host is fixed, entries are sorted.
//!
//! Known limits of the crate: it compresses the payload into memory before
//! writing the header (the header holds the payload's digests), so peak
//! memory grows with the compressed payload size; and it compresses on one
//! core. Its multi-threaded zstd (`zstdmt`) was measured and left off: the
//! crate flushes the compressor after every cpio entry, which ends a zstd
//! job each time, so on the benchmark payload (138 MB, 4167 files) it was
//! no faster (79.6 s wall for 79.5 s CPU) and 13% bigger than rpmbuild's.
//! Compressing on both cores needs a payload writer of our own.

mod files;
mod naming;
mod relations;
mod system_dirs;

use std::fs::File;
use std::io::{BufWriter, Write};

use ::rpm::{BuildConfig, CompressionWithLevel, PackageBuilder, Scriptlet};

use crate::error::IoContext;
use crate::write::{Codec, Compression};
use crate::{Error, Format, Package, Result, Scripts, Target, WriteContext};
use files::FilePlan;
use naming::{check_name, check_text, check_version_part, rpm_arch, rpm_version};
use relations::RpmRelations;

/// The BuildHost tag of every package: the real host name would make
/// builds differ between machines.
const BUILD_HOST: &str = "reproducible";

/// Scriptlets without a `#!` line run with this interpreter.
const SHELL: &str = "/bin/sh";

/// The `.rpm` backend.
pub struct RpmPackage;

impl RpmPackage {
    pub fn new() -> Self {
        Self
    }
}

impl Default for RpmPackage {
    fn default() -> Self {
        Self::new()
    }
}

/// Everything the builder needs, checked.
struct Plan<'a> {
    arch: &'static str,
    version: String,
    compression: CompressionWithLevel,
    relations: RpmRelations,
    files: FilePlan<'a>,
}

impl<'a> Plan<'a> {
    fn new(package: &'a Package, target: &Target) -> Result<Self> {
        let arch = package_arch(package, target)?;
        check_name(&package.name)?;
        let version = rpm_version(&package.version);
        check_version_part("[package] version", &version)?;
        check_version_part("[package] release", &package.version.release)?;
        check_text("[package] summary", &package.summary, false)?;
        if package.summary.trim().is_empty() {
            return Err(Error::Invalid(
                "[package] summary is empty; RPM needs a one-line Summary".into(),
            ));
        }
        check_text("[package] description", &package.description, true)?;
        check_text("[package] license", &package.license, false)?;
        check_text("[package] maintainer", &package.maintainer, false)?;
        for (what, value) in [
            ("[package] vendor", &package.vendor),
            ("[package] homepage", &package.homepage),
            ("[rpm] group", &package.formats.rpm.group),
        ] {
            if let Some(value) = value {
                check_text(what, value, false)?;
            }
        }
        let compression = payload_compression(package.formats.rpm.compression.as_deref())?;
        let relations = relations::convert(
            &package.relations_for("rpm"),
            &package.formats.rpm.relations,
        )?;
        let files = FilePlan::new(package)?;
        Ok(Self {
            arch,
            version,
            compression,
            relations,
            files,
        })
    }

    fn builder(&self, package: &Package, source_date: u32) -> Result<PackageBuilder> {
        let config = BuildConfig::v4()
            .compression(self.compression)
            .source_date(source_date);
        let mut b = PackageBuilder::new(
            &package.name,
            &self.version,
            &package.license,
            self.arch,
            &package.summary,
        );
        b.using_config(config)
            .release(package.version.release.as_str())
            .description(package.description.as_str())
            .packager(package.maintainer.as_str())
            .build_host(BUILD_HOST);
        let mut evr = format!("{}-{}", self.version, package.version.release);
        if let Some(epoch) = package.version.epoch {
            b.epoch(epoch);
            evr = format!("{epoch}:{evr}");
        }
        // rpm tools expect a %changelog; the manifest has none, so one entry
        // records who packaged which version, dated like everything else.
        b.add_changelog_entry(
            format!("{} - {evr}", package.maintainer),
            format!("- {} {evr}, packaged with vitte-buildkit", package.name),
            ::rpm::Timestamp(source_date),
        );
        if let Some(vendor) = &package.vendor {
            b.vendor(vendor.as_str());
        }
        if let Some(url) = &package.homepage {
            b.url(url.as_str());
        }
        if let Some(group) = &package.formats.rpm.group {
            b.group(group.as_str());
        }
        add_scripts(&mut b, &package.scripts);
        self.add_relations(&mut b);
        self.files.apply(&mut b, source_date)?;
        Ok(b)
    }

    fn add_relations(&self, b: &mut PackageBuilder) {
        let r = &self.relations;
        for d in &r.requires {
            b.requires(d.clone());
        }
        for d in &r.recommends {
            b.recommends(d.clone());
        }
        for d in &r.suggests {
            b.suggests(d.clone());
        }
        for d in &r.conflicts {
            b.conflicts(d.clone());
        }
        for d in &r.provides {
            b.provides(d.clone());
        }
        for d in &r.obsoletes {
            b.obsoletes(d.clone());
        }
    }
}

/// %pre, %post, %preun, %postun, each run by its interpreter.
fn add_scripts(b: &mut PackageBuilder, scripts: &Scripts) {
    let script = |text: &String| Scriptlet::new(text.as_str()).prog(interpreter(text));
    if let Some(s) = &scripts.pre_install {
        b.pre_install_script(script(s));
    }
    if let Some(s) = &scripts.post_install {
        b.post_install_script(script(s));
    }
    if let Some(s) = &scripts.pre_remove {
        b.pre_uninstall_script(script(s));
    }
    if let Some(s) = &scripts.post_remove {
        b.post_uninstall_script(script(s));
    }
}

/// The program rpm runs a script with: its `#!` line when it names an
/// absolute path (`#!/bin/bash -e` → `/bin/bash -e`), else `/bin/sh`. rpm
/// hands the script to it as a file, so the `#!` line itself is not read.
fn interpreter(script: &str) -> Vec<&str> {
    script
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("#!"))
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|words| words.first().is_some_and(|w| w.starts_with('/')))
        .unwrap_or_else(|| vec![SHELL])
}

/// `noarch` for a package without binaries, else the target's rpm arch.
fn package_arch(package: &Package, target: &Target) -> Result<&'static str> {
    let arch = rpm_arch(target).ok_or_else(|| Error::UnsupportedTarget {
        format: "rpm".into(),
        target: target.to_string(),
        accepts: naming::ACCEPTED_TARGETS.into(),
    })?;
    Ok(if package.has_binaries { arch } else { "noarch" })
}

/// `[rpm] compression`: zstd (default), xz, gzip or none, at the levels the
/// other backends use (zstd 19, xz 6, gzip 9).
fn payload_compression(value: Option<&str>) -> Result<CompressionWithLevel> {
    let text = value.unwrap_or("zstd");
    let c = Compression::parse(text).ok_or_else(|| {
        Error::Invalid(format!(
            "[rpm] compression `{text}` is not one of zstd, xz, gzip, none"
        ))
    })?;
    Ok(match c.codec {
        Codec::None => CompressionWithLevel::None,
        Codec::Gzip => CompressionWithLevel::Gzip(c.level.unwrap_or(9)),
        Codec::Xz => CompressionWithLevel::Xz(c.level.unwrap_or(6)),
        Codec::Zstd => CompressionWithLevel::Zstd(c.level.unwrap_or(19) as i32),
    })
}

/// An rpm crate error: I/O stays I/O, the rest says what was refused.
fn crate_error(what: &str, e: ::rpm::Error) -> Error {
    match e {
        ::rpm::Error::Io(source) => Error::Io {
            context: what.to_string(),
            source,
        },
        other => Error::Invalid(format!("{what}: {other}")),
    }
}

impl Format for RpmPackage {
    fn id(&self) -> &'static str {
        "rpm"
    }

    fn file_name(&self, package: &Package, target: &Target) -> String {
        let arch = package_arch(package, target).unwrap_or(target.arch.as_str());
        format!(
            "{}-{}-{}.{arch}.rpm",
            package.name,
            rpm_version(&package.version),
            package.version.release
        )
    }

    fn accepts(&self, target: &Target) -> Result<()> {
        rpm_arch(target)
            .map(|_| ())
            .ok_or_else(|| Error::UnsupportedTarget {
                format: "rpm".into(),
                target: target.to_string(),
                accepts: naming::ACCEPTED_TARGETS.into(),
            })
    }

    fn validate(&self, package: &Package, target: &Target) -> Result<()> {
        Plan::new(package, target).map(|_| ())
    }

    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut File,
    ) -> Result<()> {
        let plan = Plan::new(package, target)?;
        let source_date = u32::try_from(ctx.source_date_epoch).map_err(|_| {
            Error::Invalid(format!(
                "SOURCE_DATE_EPOCH {} does not fit RPM's 32-bit timestamps (after 2106)",
                ctx.source_date_epoch
            ))
        })?;
        for warning in plan.relations.warnings.iter().chain(&plan.files.warnings) {
            ctx.events.warning(warning);
        }
        let signer = ctx
            .openpgp_key
            .map(|key| {
                ::rpm::signature::pgp::Signer::from_asc(key).map_err(|e| {
                    Error::Invalid(format!(
                        "the OpenPGP key for the RPM signature cannot be used: {e}"
                    ))
                })
            })
            .transpose()?;
        let mut builder = plan.builder(package, source_date)?;
        let built = match signer {
            Some(signer) => builder.build_and_sign(signer),
            None => builder.build(),
        }
        .map_err(|e| crate_error("rpm: cannot build the package", e))?;
        ctx.events.progress(package.payload_size());
        let mut writer = BufWriter::with_capacity(1 << 16, out);
        built
            .write(&mut writer)
            .map_err(|e| crate_error("cannot write the rpm", e))?;
        writer
            .flush()
            .context_with(|| "cannot write the rpm".into())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_run_with_their_shebang_or_sh() {
        assert_eq!(interpreter("#!/bin/sh\nset -e\n"), ["/bin/sh"]);
        assert_eq!(interpreter("#!/bin/bash -e\necho\n"), ["/bin/bash", "-e"]);
        assert_eq!(
            interpreter("#! /usr/bin/env python3\n"),
            ["/usr/bin/env", "python3"]
        );
        assert_eq!(interpreter("echo hi\n"), ["/bin/sh"]);
        assert_eq!(interpreter("#!bash\n"), ["/bin/sh"]);
        assert_eq!(interpreter(""), ["/bin/sh"]);
    }

    #[test]
    fn compression_names_map_to_levels() {
        assert_eq!(
            payload_compression(None).unwrap(),
            CompressionWithLevel::Zstd(19)
        );
        assert_eq!(
            payload_compression(Some("xz")).unwrap(),
            CompressionWithLevel::Xz(6)
        );
        assert_eq!(
            payload_compression(Some("gzip")).unwrap(),
            CompressionWithLevel::Gzip(9)
        );
        assert_eq!(
            payload_compression(Some("none")).unwrap(),
            CompressionWithLevel::None
        );
        assert!(payload_compression(Some("bzip2")).is_err());
    }
}
