//! Debian binary packages (`.deb`), written natively (no dpkg-deb).
//!
//! A `.deb` is an `ar` archive of three members, in this order:
//! `debian-binary` (`2.0\n`), `control.tar.*` and `data.tar.*`, each tar
//! compressed with `[deb] compression` (xz by default). data.tar is streamed
//! through the compressor into a spool file beside the output (the ar header
//! needs its size first) while each file's md5 is taken; control.tar
//! (control, md5sums, conffiles, maintainer scripts) is spooled the same
//! way; then the members are written. Policy files a package must carry
//! (copyright, changelog.Debian.gz) are generated when the manifest lacks
//! them, so that lintian is clean out of the box. A signed build also gets
//! the debsigs origin signature (`_gpgorigin`, see [`origin`]).

mod control;
mod data;
mod docs;
mod origin;
mod rules;
mod services;

use std::fs::File;
use std::io::Read;

use crate::error::{Error, IoContext, Result};
use crate::model::{Entry, Package, Relation};
use crate::write::Compression;
use crate::{Format, Target, WriteContext};

use control::{deb_version, file_version};

/// The largest member an ar header can describe: ten decimal digits.
const AR_MAX_SIZE: u64 = 9_999_999_999;

/// The first member's content: the format version.
const DEBIAN_BINARY: &[u8] = b"2.0\n";

/// The `.deb` backend.
pub struct DebPackage;

impl DebPackage {
    /// The Architecture field: the target's Debian name, or `all` when the
    /// package holds no binary.
    fn architecture(package: &Package, target: &Target) -> Result<&'static str> {
        let arch = rules::deb_arch(target).ok_or_else(|| unsupported(target))?;
        Ok(if package.has_binaries { arch } else { "all" })
    }

    fn compression(package: &Package) -> Result<Compression> {
        let name = package.formats.deb.compression.as_deref().unwrap_or("xz");
        Compression::parse(name).ok_or_else(|| {
            Error::Invalid(format!(
                "[deb] compression `{name}` is not one of xz, gzip, zstd, none"
            ))
        })
    }
}

fn unsupported(target: &Target) -> Error {
    Error::UnsupportedTarget {
        format: "deb".into(),
        target: target.to_string(),
        accepts: rules::ACCEPTED.into(),
    }
}

impl Format for DebPackage {
    fn id(&self) -> &'static str {
        "deb"
    }

    fn file_name(&self, package: &Package, target: &Target) -> String {
        let arch = Self::architecture(package, target).unwrap_or("unknown");
        format!(
            "{}_{}_{arch}.deb",
            package.name,
            file_version(&package.version)
        )
    }

    fn accepts(&self, target: &Target) -> Result<()> {
        rules::deb_arch(target)
            .map(|_| ())
            .ok_or_else(|| unsupported(target))
    }

    fn validate(&self, package: &Package, _target: &Target) -> Result<()> {
        let invalid = |key: &str, e: String| Error::Invalid(format!("{key} {e}"));
        rules::check_package_name(&package.name).map_err(|e| invalid("[package] name", e))?;
        rules::check_revision(&package.version.release).map_err(|e| invalid("[package]", e))?;
        rules::check_version(&deb_version(&package.version))
            .map_err(|e| invalid("[package] version", e))?;
        rules::check_maintainer(&package.maintainer).map_err(|e| invalid("[package]", e))?;
        if let Some(url) = &package.homepage {
            if url.is_empty() || url.contains(char::is_whitespace) {
                return Err(invalid(
                    "[package] homepage",
                    format!("`{url}` must be one URL without spaces"),
                ));
            }
        }
        Self::compression(package)?;
        let deb = &package.formats.deb;
        if let Some(section) = &deb.section {
            rules::check_section(section).map_err(Error::Invalid)?;
        }
        if let Some(priority) = &deb.priority {
            if !rules::PRIORITIES.contains(&priority.as_str()) {
                return Err(Error::Invalid(format!(
                    "[deb] priority `{priority}` is not one of {}",
                    rules::PRIORITIES.join(", ")
                )));
            }
        }
        if package.summary.trim().is_empty() || package.summary.contains('\n') {
            return Err(Error::Invalid(
                "[package] summary must be one non-empty line: it is the Description synopsis"
                    .into(),
            ));
        }
        check_relations(package)?;
        check_scripts(&*services::with_services(package)?)?;
        check_paths(package)
    }

    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut File,
    ) -> Result<()> {
        let architecture = Self::architecture(package, target)?;
        let compression = Self::compression(package)?;
        let epoch = ctx.source_date_epoch;
        if !package.relations_for("deb").obsoletes.is_empty() {
            ctx.events.warning(
                "[relations] obsoletes is RPM's and is left out of the .deb; Debian says it with `replaces` and `breaks`",
            );
        }
        let package = &*services::with_services(package)?;
        let extra = docs::policy_files(package, epoch)
            .context_with(|| "cannot generate the Debian copyright and changelog".into())?;
        let mut entries: Vec<&Entry> = package.entries.iter().chain(&extra).collect();
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let data = data::write(&entries, compression, ctx)?;
        if data.size > AR_MAX_SIZE {
            return Err(Error::Invalid(format!(
                "the compressed data.tar is {} bytes; a .deb member holds at most {AR_MAX_SIZE}: use a stronger [deb] compression or split the package",
                data.size
            )));
        }
        let installed = control::installed_size(&entries, data.implicit_dirs);
        let mut md5sums = control::md5sums(&entries, &data.md5s, ctx.scratch_dir)?;
        let members = control::members(
            package,
            control::control_file(package, architecture, installed),
            &mut md5sums,
            control::conffiles(&entries),
        );
        let control_tar =
            control::control_tar(members, compression, epoch, ctx.threads, ctx.scratch_dir)?;
        let mut control_file = control_tar.file;
        let mut spool = data.file;
        let origin = origin::signature(package, ctx, DEBIAN_BINARY, &mut control_file, &mut spool)?;
        let suffix = match compression.extension() {
            "" => String::new(),
            ext => format!(".{ext}"),
        };
        let mut ar = ar::Builder::new(out);
        let mut member = |name: String, size: u64, content: &mut dyn Read| {
            let mut header = ar::Header::new(name.clone().into_bytes(), size);
            header.set_mtime(epoch);
            header.set_mode(0o100644);
            ar.append(&header, content)
                .context_with(|| format!("cannot write {name} into the .deb"))
        };
        member("debian-binary".into(), 4, &mut &DEBIAN_BINARY[..])?;
        member(
            format!("control.tar{suffix}"),
            control_tar.size,
            &mut control_file,
        )?;
        member(format!("data.tar{suffix}"), data.size, &mut spool)?;
        if let Some(signature) = origin {
            member(
                origin::MEMBER.into(),
                signature.len() as u64,
                &mut signature.as_bytes(),
            )?;
        }
        Ok(())
    }
}

/// Every relation as dpkg will parse it; `obsoletes` is RPM's and left out.
fn check_relations(package: &Package) -> Result<()> {
    let relations = package.relations_for("deb");
    let lists: [(&str, &Vec<Relation>); 8] = [
        ("pre-depends", &relations.pre_depends),
        ("depends", &relations.depends),
        ("recommends", &relations.recommends),
        ("suggests", &relations.suggests),
        ("breaks", &relations.breaks),
        ("conflicts", &relations.conflicts),
        ("replaces", &relations.replaces),
        ("provides", &relations.provides),
    ];
    for (key, list) in lists {
        for (index, relation) in list.iter().enumerate() {
            let at = |e: String| Error::Invalid(format!("[relations] {key}[{index}]: {e}"));
            for dep in &relation.alternatives {
                rules::check_relation_name(&dep.name).map_err(at)?;
                if let Some((op, version)) = &dep.constraint {
                    rules::check_version(version).map_err(at)?;
                    if key == "provides" && *op != crate::model::Op::Eq {
                        return Err(at(format!(
                            "`{}` may only provide an exact version (`=`)",
                            dep.name
                        )));
                    }
                }
            }
            if key == "provides" && relation.alternatives.len() > 1 {
                return Err(at("provides cannot list alternatives (`|`)".into()));
            }
        }
    }
    Ok(())
}

/// Paths go one a line into md5sums and conffiles; conffile paths may not
/// hold white space at all (dpkg reads flags after a space).
fn check_paths(package: &Package) -> Result<()> {
    for entry in &package.entries {
        if entry.path.contains(['\n', '\r']) {
            return Err(Error::Invalid(format!(
                "{:?}: a path in a .deb cannot hold a line break; rename it",
                entry.path
            )));
        }
        if control::is_conffile(entry) && entry.path.contains(char::is_whitespace) {
            return Err(Error::Invalid(format!(
                "{}: a conffile path cannot hold white space (dpkg's conffiles list is one path a line); rename it",
                entry.path
            )));
        }
    }
    Ok(())
}

/// dpkg runs maintainer scripts directly, so each needs an interpreter line.
fn check_scripts(package: &Package) -> Result<()> {
    let s = &package.scripts;
    for (key, script) in [
        ("pre-install", &s.pre_install),
        ("post-install", &s.post_install),
        ("pre-remove", &s.pre_remove),
        ("post-remove", &s.post_remove),
    ] {
        if let Some(text) = script {
            if !text.starts_with("#!") {
                return Err(Error::Invalid(format!(
                    "[scripts] {key} does not start with an interpreter line; add `#!/bin/sh` as its first line"
                )));
            }
            if text.contains('\r') {
                return Err(Error::Invalid(format!(
                    "[scripts] {key} has Windows line endings (CRLF), which /bin/sh cannot run; convert it to LF"
                )));
            }
        }
    }
    Ok(())
}
