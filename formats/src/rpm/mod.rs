//! `.rpm` packages in the v4 format that rpm 4.x reads (Debian's rpm 4.18
//! cannot read v6).
//!
//! The package is planned and checked first ([`Plan`]: names, versions,
//! relations, the file list), so `validate` refuses what rpm would before
//! anything is written. `write` then streams the cpio payload through the
//! shared multi-threaded compressor into a spool file next to the output
//! ([`payload`]), which yields every digest the header records; builds the
//! header ([`header`]) and the signature header around it; and writes lead,
//! headers and the spooled payload. The rpm crate supplies the binary
//! layout of headers, lead and OpenPGP signatures; its package builder is
//! not used because it keeps the compressed payload in memory and flushes
//! the compressor after every file, which defeats multi-threaded zstd.
//! Reproducible: BuildTime, file times and the signature time come from
//! `SOURCE_DATE_EPOCH`, the build host is fixed, entries are sorted.

mod files;
mod header;
mod naming;
mod payload;
mod relations;
mod services;
mod system_dirs;

use std::fs::File;
use std::io::{self, BufWriter, Write};

use ::rpm::signature::pgp::Signer;
use ::rpm::signature::Signing;
use ::rpm::{
    IndexSignatureTag, Lead, PackageMetadata, RpmFormat, SignatureHeaderBuilder, Timestamp,
};

use crate::error::IoContext;
use crate::write::{Codec, Compression};
use crate::{Error, Format, Package, Result, Target, WriteContext};
use files::FilePlan;
use naming::{check_name, check_text, check_version_part, rpm_arch, rpm_version};
use payload::Layout;
use relations::RpmRelations;

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

/// Everything the package is written from, checked.
struct Plan<'a> {
    arch: &'static str,
    version: String,
    compression: Compression,
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
        let mut relations = relations::convert(
            &package.relations_for("rpm"),
            &package.formats.rpm.relations,
        )?;
        relations.requires.extend(services::requires(package));
        let files = FilePlan::new(package)?;
        Ok(Self {
            arch,
            version,
            compression,
            relations,
            files,
        })
    }

    /// newc cpio unless the package is too large for its 32-bit sizes.
    fn layout(&self) -> Layout {
        if self.files.needs_large_files() {
            Layout::Stripped
        } else {
            Layout::Newc
        }
    }
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
fn payload_compression(value: Option<&str>) -> Result<Compression> {
    let text = value.unwrap_or("zstd");
    let mut c = Compression::parse(text).ok_or_else(|| {
        Error::Invalid(format!(
            "[rpm] compression `{text}` is not one of zstd, xz, gzip, none"
        ))
    })?;
    c.level = match c.codec {
        Codec::None => None,
        Codec::Gzip => Some(c.level.unwrap_or(9)),
        Codec::Xz => Some(c.level.unwrap_or(6)),
        Codec::Zstd => Some(c.level.unwrap_or(19)),
    };
    Ok(c)
}

/// Lead, signature header and main header, then the spooled payload.
///
/// The signature header holds the main header's SHA-1 and SHA-256, the
/// size of header and payload, the OpenPGP signature of the header when
/// the build is signed, and the 4 KiB of reserved space rpmsign uses to add
/// a signature later without rewriting the file.
fn write_package(
    out: &mut File,
    name: &str,
    header: ::rpm::Header<::rpm::IndexTag>,
    mut payload: payload::Payload,
    signer: Option<(Signer, u32)>,
) -> Result<()> {
    let invalid = |e: ::rpm::Error| Error::Invalid(format!("rpm: cannot write the header: {e}"));
    let mut metadata = PackageMetadata {
        lead: Lead::new(name),
        signature: ::rpm::Header::<IndexSignatureTag>::new_empty(),
        header,
    };
    let header_bytes = metadata.header_bytes().map_err(invalid)?;
    let mut signature = SignatureHeaderBuilder::new()
        .format(RpmFormat::V4)
        .reserved_space(Some(SignatureHeaderBuilder::DEFAULT_RESERVED_SPACE))
        .set_content_length(header_bytes.len() as u64 + payload.compressed_size)
        .calculate_digests(&header_bytes);
    if let Some((signer, time)) = signer {
        let sig = signer
            .sign(header_bytes.as_slice(), Timestamp(time))
            .map_err(|e| Error::Invalid(format!("rpm: cannot sign the header: {e}")))?;
        signature = signature.add_openpgp_signature(sig);
    }
    metadata.signature = signature.build().map_err(invalid)?;
    let context = || "cannot write the rpm".to_string();
    let mut writer = BufWriter::with_capacity(1 << 16, &mut *out);
    metadata.write(&mut writer).map_err(|e| match e {
        ::rpm::Error::Io(source) => Error::Io {
            context: context(),
            source,
        },
        other => invalid(other),
    })?;
    writer.flush().context_with(context)?;
    drop(writer);
    let copied = io::copy(&mut payload.spool, out).context_with(context)?;
    if copied != payload.compressed_size {
        return Err(Error::Invalid(format!(
            "rpm: the spooled payload has {copied} bytes, {} were written",
            payload.compressed_size
        )));
    }
    Ok(())
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
        Plan::new(&*services::with_services(package)?, target).map(|_| ())
    }

    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut File,
    ) -> Result<()> {
        write_rpm(package, target, ctx, out, |plan| plan.layout())
    }
}

/// Writes the package with the payload layout `layout_of` picks (tests
/// force the large-file layout on a small package).
fn write_rpm(
    package: &Package,
    target: &Target,
    ctx: &WriteContext<'_>,
    out: &mut File,
    layout_of: fn(&Plan<'_>) -> Layout,
) -> Result<()> {
    let package = &*services::with_services(package)?;
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
    // The key is checked before the payload is compressed.
    let signer = ctx
        .openpgp_key
        .map(|key| {
            Signer::from_asc(key).map_err(|e| {
                Error::Invalid(format!(
                    "the OpenPGP key for the RPM signature cannot be used: {e}"
                ))
            })
        })
        .transpose()?;
    let spool = tempfile::tempfile_in(ctx.scratch_dir).context_with(|| {
        format!(
            "cannot create a spool file in {}",
            ctx.scratch_dir.display()
        )
    })?;
    let layout = layout_of(&plan);
    let payload = payload::write(
        &plan.files,
        layout,
        plan.compression,
        ctx.threads,
        source_date,
        spool,
        ctx.events,
    )?;
    let header = header::build(&header::Input {
        package,
        plan: &plan,
        payload: &payload,
        layout,
        source_date,
    });
    // A signature dated in the future would not verify yet.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(u32::MAX, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX));
    let signer = signer.map(|s| (s, source_date.min(now)));
    write_package(out, &package.name, header, payload, signer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_names_map_to_levels() {
        let level = |text| payload_compression(text).map(|c| (c.codec, c.level));
        assert_eq!(level(None).unwrap(), (Codec::Zstd, Some(19)));
        assert_eq!(level(Some("xz")).unwrap(), (Codec::Xz, Some(6)));
        assert_eq!(level(Some("gzip")).unwrap(), (Codec::Gzip, Some(9)));
        assert_eq!(level(Some("none")).unwrap(), (Codec::None, None));
        assert!(payload_compression(Some("bzip2")).is_err());
    }

    /// Runs a tool, panicking with its output when it fails.
    fn run_ok(cmd: &mut std::process::Command) -> String {
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
        assert!(
            out.status.success(),
            "{cmd:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A file entry with `bytes` as content.
    fn file(path: &str, bytes: &[u8]) -> crate::model::Entry {
        let mut e = files::tests::entry(path, crate::model::EntryKind::File);
        e.source = crate::Source::Bytes(bytes.to_vec());
        e.size = bytes.len() as u64;
        e
    }

    /// The layout rpm uses past 4 GiB, forced on a small package so real
    /// rpm can judge it without writing gigabytes: rpm -K checks the
    /// digests, rpm installs and verifies it, rpm2archive reads the payload.
    #[test]
    fn the_large_file_layout_installs_with_rpm() {
        use crate::model::EntryKind;
        let link = EntryKind::Symlink {
            target: "data".into(),
        };
        let mut package = files::tests::package(
            vec![
                files::tests::entry("/opt/big", EntryKind::Dir),
                file("/opt/big/data", b"0123456789"),
                file("/opt/big/empty", b""),
                files::tests::entry("/opt/big/link", link),
            ],
            &[],
        );
        package.name = "big".into();
        package.entries[0].mode = 0o755;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.rpm");
        let ctx = WriteContext {
            source_date_epoch: 1_700_000_000,
            threads: 2,
            scratch_dir: dir.path(),
            events: &crate::NoEvents,
            openpgp_key: None,
        };
        let target = Target::parse("x86_64-linux").unwrap();
        let mut out = File::create(&path).unwrap();
        write_rpm(&package, &target, &ctx, &mut out, |_| Layout::Stripped).unwrap();
        drop(out);

        let rpm = || std::process::Command::new("rpm");
        let checked = run_ok(rpm().args(["-Kv", "--nosignature"]).arg(&path));
        assert!(checked.contains("Payload SHA256 digest: OK"), "{checked}");
        let requires = run_ok(rpm().args(["-qp", "--requires"]).arg(&path));
        assert!(requires.contains("rpmlib(LargeFiles)"), "{requires}");
        let sizes = run_ok(
            rpm()
                .args(["-qp", "--qf", "[%{FILENAMES} %{LONGFILESIZES}\\n]"])
                .arg(&path),
        );
        assert_eq!(
            sizes,
            "/opt/big 0\n/opt/big/data 10\n/opt/big/empty 0\n/opt/big/link 4\n"
        );

        let root = dir.path().join("root");
        std::fs::create_dir(&root).unwrap();
        run_ok(rpm().arg("--root").arg(&root).arg("--initdb"));
        run_ok(
            rpm()
                .arg("--root")
                .arg(&root)
                .args(["-i", "--nodeps", "--noscripts"])
                .arg(&path),
        );
        assert_eq!(
            std::fs::read(root.join("opt/big/data")).unwrap(),
            b"0123456789"
        );
        assert_eq!(std::fs::read(root.join("opt/big/empty")).unwrap(), b"");
        assert_eq!(
            std::fs::read_link(root.join("opt/big/link")).unwrap(),
            std::path::Path::new("data")
        );
        let verify = run_ok(
            rpm()
                .arg("--root")
                .arg(&root)
                .args(["-V", "--nodeps", "big"]),
        );
        assert_eq!(verify, "");

        let archive = dir.path().join("big.tar");
        run_ok(
            std::process::Command::new("sh")
                .arg("-c")
                .arg("rpm2archive -n < \"$1\" > \"$2\"")
                .arg("sh")
                .arg(&path)
                .arg(&archive),
        );
        let listed = run_ok(
            std::process::Command::new("bsdtar")
                .arg("-tf")
                .arg(&archive),
        );
        assert_eq!(
            listed,
            "./opt/big/\n./opt/big/data\n./opt/big/empty\n./opt/big/link\n"
        );
    }
}
