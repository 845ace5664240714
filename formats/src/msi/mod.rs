//! Windows Installer packages (`.msi`), written natively: the database with
//! the `msi` crate, the embedded cabinet (MSZIP) with the `cab` crate.
//!
//! One feature, one component per file (the file is its KeyPath), files
//! under `<Program Files>\<vendor>\<name>`, per-machine (ALLUSERS=1), and a
//! major upgrade on every version change: installing 1.1.0 removes 1.0.0,
//! installing 1.0.0 over 1.1.0 is refused. Every GUID is derived, so builds
//! are reproducible. Only Windows targets on x86_64, i686 and aarch64.
//!
//! - `schema`: the table definitions;
//! - `identity`: architecture names, ProductVersion, GUIDs;
//! - `names`: 8.3 short names, Windows names, code page 1252;
//! - `peversion`: the version resource of PE files;
//! - `layout`: directories, components and files;
//! - `cabinet`: the spooled cabinet;
//! - `services`: ServiceInstall and ServiceControl rows for `[[services]]`;
//! - `database`: the rows, the streams and the summary information;
//! - `compound`: the final version-3 compound file, written in one pass.

mod cabinet;
mod compound;
mod database;
mod identity;
mod layout;
mod names;
mod peversion;
mod schema;
mod services;

use std::fs::File;

use crate::error::{Error, IoContext, Result};
use crate::{Package, Target, WriteContext};
use database::Identity;
use identity::MsiArch;
use layout::Layout;

/// The `.msi` backend.
pub struct Msi;

/// What `accepts` lists when a target is refused.
const ACCEPTS: &str = "Windows targets: x86_64-pc-windows-msvc (x64), i686-pc-windows-msvc \
(x86), aarch64-pc-windows-msvc (Arm64), or their -gnu forms";

impl Msi {
    fn arch(target: &Target) -> Result<MsiArch> {
        MsiArch::of(target).ok_or_else(|| Error::UnsupportedTarget {
            format: "msi".into(),
            target: target.to_string(),
            accepts: ACCEPTS.into(),
        })
    }

    /// Everything that identifies the product; fails on bad input.
    fn identity(package: &Package, arch: MsiArch) -> Result<(Identity, bool)> {
        let version = identity::product_version(package)?;
        let (upgrade_code, derived) = identity::upgrade_code(package)?;
        let manufacturer = package.vendor.clone().unwrap_or_else(|| {
            let name = package.maintainer.split('<').next().unwrap_or("").trim();
            if name.is_empty() {
                package.name.clone()
            } else {
                name.to_string()
            }
        });
        let identity = Identity {
            arch,
            upgrade_code,
            product_code: identity::product_code(upgrade_code, &version, arch),
            version,
            manufacturer,
        };
        Ok((identity, derived))
    }
}

/// Refuses text the database's code page (1252) cannot store.
fn check_text(package: &Package) -> Result<()> {
    let fields = [
        ("name", Some(&package.name)),
        ("summary", Some(&package.summary)),
        ("maintainer", Some(&package.maintainer)),
        ("vendor", package.vendor.as_ref()),
        ("homepage", package.homepage.as_ref()),
    ];
    for (field, value) in fields {
        if let Some(c) = value.and_then(|v| names::non_cp1252(v)) {
            return Err(Error::Invalid(format!(
                "package.{field} holds `{c}`, which an MSI database (code page \
                 Windows-1252) cannot store; use characters of Western European \
                 languages there"
            )));
        }
    }
    Ok(())
}

impl crate::Format for Msi {
    fn id(&self) -> &'static str {
        "msi"
    }

    fn file_name(&self, package: &Package, target: &Target) -> String {
        let arch = MsiArch::of(target).map_or(target.arch.as_str(), MsiArch::file_suffix);
        format!("{}-{}-{arch}.msi", package.name, package.version)
    }

    fn accepts(&self, target: &Target) -> Result<()> {
        Self::arch(target).map(|_| ())
    }

    fn validate(&self, package: &Package, target: &Target) -> Result<()> {
        let arch = Self::arch(target)?;
        check_text(package)?;
        let mib = max_cabinet_mib(package)?;
        let (identity, _) = Self::identity(package, arch)?;
        let layout = Layout::plan(package, arch, identity.upgrade_code)?;
        services::check(package, &layout)?;
        let cabinets = cabinet::runs(&layout.files, u64::from(mib) << 20).len();
        database::check_string_pool(package, &layout, &identity, cabinets).map(|_| ())
    }

    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut File,
    ) -> Result<()> {
        let arch = Self::arch(target)?;
        check_text(package)?;
        let (identity, derived) = Self::identity(package, arch)?;
        if derived {
            ctx.events.warning(&format!(
                "msi: no [msi] upgrade-code; using {} derived from the vendor and the name. \
                 Pin it with `upgrade-code = \"{}\"` under [msi], so a rename keeps upgrades working",
                identity::braced(identity.upgrade_code),
                identity::braced(identity.upgrade_code),
            ));
        }
        let mut layout = Layout::plan(package, arch, identity.upgrade_code)?;
        services::check(package, &layout)?;
        for file in &mut layout.files {
            let entry = &package.entries[file.entry];
            file.version = peversion::of(entry)
                .context_with(|| format!("cannot read {}", entry.source_name()))?;
        }
        let cabinets = if layout.files.is_empty() {
            Vec::new()
        } else {
            cabinet::spool_all(package, &layout, max_cabinet_mib(package)?, ctx)?
        };
        database::write(package, &layout, &identity, cabinets, ctx, out)
    }
}

/// `[msi] max-cabinet-mib`, checked.
fn max_cabinet_mib(package: &Package) -> Result<u32> {
    let mib = package
        .formats
        .msi
        .max_cabinet_mib
        .unwrap_or(cabinet::DEFAULT_MAX_CABINET_MIB);
    if !(1..=cabinet::MAX_CABINET_MIB).contains(&mib) {
        return Err(Error::Invalid(format!(
            "[msi] max-cabinet-mib = {mib}: give 1 to {} (MiB of files per embedded cabinet)",
            cabinet::MAX_CABINET_MIB
        )));
    }
    Ok(mib)
}
