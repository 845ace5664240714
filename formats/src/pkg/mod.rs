//! Apple flat packages (`.pkg` product archives), written natively.
//!
//! What `pkgbuild` + `productbuild` make, for macOS targets only: a xar
//! archive ([`xar`]) holding a `Distribution` (the installer script:
//! title, host architectures, one choice) and one component package
//! `{name}.pkg/` with `PackageInfo` (identifier, version, install location,
//! payload size, scripts), `Bom` ([`bom`]: the receipt of every path),
//! `Payload` (gzip'd cpio odc of the files, [`payload`]) and, when the
//! package has install scripts, `Scripts` (the same form, holding
//! `preinstall` / `postinstall`). Services become launchd daemons
//! (`launchd`): a property list each and the scripts that load them.
//!
//! The Payload is streamed through the parallel gzip encoder into a spool
//! file in the scratch folder while its SHA-1 and length are measured, then
//! the xar header, TOC and heap are written: memory does not grow with the
//! payload (the Bom, a few dozen bytes per path, is built in memory).
//! Every time is `SOURCE_DATE_EPOCH`, entries are sorted: the same inputs
//! give the same bytes. Nothing here signs the package, runs Apple's tools
//! or looks at binaries: the architecture check happened before `write`.
//!
//! PackageInfo says `overwrite-permissions="false"`: the Payload lists every
//! parent folder (`./usr`, `./usr/local`, …) and the installer must not
//! reset the owner or mode of folders that already exist (Homebrew, for
//! one, owns folders under `/usr/local`).

pub mod bom;
pub mod cksum;
mod launchd;
pub mod payload;
pub mod xar;

use std::fs::File;
use std::io::{BufWriter, Write};

use sha1::Sha1;

use crate::error::{Error, IoContext, Result};
use crate::target::{Arch, Os};
use crate::write::{Compression, CountingWriter, HashingWriter};
use crate::{Format, Package, Target, WriteContext};

const PACKAGE_INFO: &str = include_str!("../../../templates/pkg/PackageInfo.xml");
const DISTRIBUTION: &str = include_str!("../../../templates/pkg/Distribution.xml");

/// The `.pkg` backend.
pub struct FlatPackage;

/// The installer's names for the architectures a target covers.
pub fn pkg_arches(target: &Target) -> &'static [&'static str] {
    match target.arch {
        Arch::Aarch64 => &["arm64"],
        Arch::X86_64 => &["x86_64"],
        _ => &["arm64", "x86_64"],
    }
}

/// The architecture part of the file name: `arm64`, `x86_64` or `universal`.
pub fn pkg_arch_name(target: &Target) -> &'static str {
    match pkg_arches(target) {
        [one] => one,
        _ => "universal",
    }
}

/// `[pkg] identifier`, or `org.<vendor>.<name>` (`org.<name>` without a
/// vendor), lower case, each run of other characters than letters and
/// digits made one `-`.
pub fn identifier(package: &Package) -> String {
    if let Some(id) = &package.formats.pkg.identifier {
        return id.clone();
    }
    let clean = |s: &str| {
        let mut out = String::new();
        for c in s.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        out.trim_end_matches('-').to_string()
    };
    let name = clean(&package.name);
    match package.vendor.as_deref().map(clean) {
        Some(vendor) if !vendor.is_empty() => format!("org.{vendor}.{name}"),
        _ => format!("org.{name}"),
    }
}

/// `[pkg] install-location`, `/` by default.
pub fn install_location(package: &Package) -> &str {
    package
        .formats
        .pkg
        .install_location
        .as_deref()
        .unwrap_or("/")
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// Fills `{{key}}` placeholders with values that are already XML.
fn render(template: &str, values: &[(&str, String)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

fn check_identifier(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && id.split('.').all(|part| !part.is_empty());
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "[pkg] identifier `{id}`: use a reverse-DNS name of letters, digits, `-`, `_` and dots, like `org.example.hello`"
        )))
    }
}

fn check_location(location: &str) -> Result<()> {
    let ok = location == "/"
        || (location.starts_with('/')
            && !location.ends_with('/')
            && location[1..]
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != ".."));
    if ok && !location.contains(['\0', '\n']) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "[pkg] install-location `{location}`: use an absolute, normalized folder such as `/` or `/usr/local`"
        )))
    }
}

/// The script text the installer runs: it executes the file, so a script
/// without an interpreter line gets `#!/bin/sh`.
fn script_text(text: &str) -> String {
    if text.starts_with("#!") {
        text.to_string()
    } else {
        format!("#!/bin/sh\n{text}")
    }
}

/// Where macOS would not let the installer write what the manifest puts
/// there. The lint gate of vitte-buildkit reports it (rule
/// `pkg-protected-path`) before anything is written.
pub fn macos_location_warning(path: &str) -> Option<String> {
    let under = |dir: &str| path == dir || path.starts_with(&format!("{dir}/"));
    if (under("/usr") && !under("/usr/local"))
        || ["/bin", "/sbin", "/System"].iter().any(|d| under(d))
    {
        Some(format!(
            "{path}: macOS System Integrity Protection keeps the installer from writing here; install under /usr/local or /Applications instead"
        ))
    } else if ["/etc", "/var", "/tmp"].iter().any(|d| under(d)) {
        Some(format!(
            "{path}: on macOS this folder is a symbolic link into /private; install under /private{path} or /usr/local instead"
        ))
    } else {
        None
    }
}

impl Format for FlatPackage {
    fn id(&self) -> &'static str {
        "pkg"
    }

    fn file_name(&self, package: &Package, target: &Target) -> String {
        format!(
            "{}-{}-{}.pkg",
            package.name,
            package.version,
            pkg_arch_name(target)
        )
    }

    fn accepts(&self, target: &Target) -> Result<()> {
        if target.os == Os::MacOs
            && matches!(target.arch, Arch::Aarch64 | Arch::X86_64 | Arch::Universal)
        {
            Ok(())
        } else {
            Err(Error::UnsupportedTarget {
                format: self.id().into(),
                target: target.to_string(),
                accepts: "macOS targets: aarch64-apple-darwin, x86_64-apple-darwin, universal-apple-darwin".into(),
            })
        }
    }

    fn validate(&self, package: &Package, target: &Target) -> Result<()> {
        self.accepts(target)?;
        check_identifier(&identifier(package))?;
        let location = install_location(package);
        check_location(location)?;
        if package.name.is_empty()
            || !package
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c))
        {
            return Err(Error::Invalid(format!(
                "package name `{}`: a .pkg names its component `{{name}}.pkg`, so use letters, digits, `-`, `_`, `.` and `+` only",
                package.name
            )));
        }
        let package = launchd::with_daemons(package, &identifier(package), 0)?;
        for entry in &package.entries {
            payload::check_entry(entry, location)?;
        }
        Ok(())
    }

    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut File,
    ) -> Result<()> {
        let epoch = payload::time32(ctx.source_date_epoch, "SOURCE_DATE_EPOCH")?;
        let location = install_location(package);
        warn_about_system_setup(package, ctx.events);
        let package = &launchd::with_daemons(package, &identifier(package), ctx.source_date_epoch)?;

        let payload = spool_payload(package, location, epoch, ctx)?;
        let bom = bom::write(&payload.summary.paths).map_err(Error::Invalid)?;
        let mut scripts = Vec::new();
        if let Some(text) = &package.scripts.pre_install {
            scripts.push(("preinstall", script_text(text)));
        }
        if let Some(text) = &package.scripts.post_install {
            scripts.push(("postinstall", script_text(text)));
        }
        scripts.sort();
        let scripts_archive = if scripts.is_empty() {
            None
        } else {
            let gzip = Compression::gzip()
                .encoder(Vec::new(), ctx.threads)
                .and_then(|enc| payload::write_scripts(&scripts, epoch, enc))
                .and_then(|enc| enc.finish())
                .context_with(|| "cannot write the Scripts archive".into())?;
            Some(gzip)
        };
        let script_names: Vec<&str> = scripts.iter().map(|(name, _)| *name).collect();
        let info = Info {
            identifier: identifier(package),
            version: package.version.to_string(),
            install_location: location,
            number_of_files: payload.summary.paths.len(),
            install_kbytes: payload.summary.install_kbytes,
        };

        let component = format!("{}.pkg", package.name);
        let mut archive = xar::XarWriter::new(u64::from(epoch));
        archive.add(
            "Distribution",
            xar::Data::Zlib(
                distribution_xml(&info, &package.name, target, &component).into_bytes(),
            ),
        );
        archive.add(&format!("{component}/Bom"), xar::Data::Zlib(bom));
        archive.add(
            &format!("{component}/Payload"),
            xar::Data::Spooled {
                file: payload.file,
                len: payload.len,
                sha1: payload.sha1,
            },
        );
        if let Some(bytes) = scripts_archive {
            archive.add(&format!("{component}/Scripts"), xar::Data::Raw(bytes));
        }
        archive.add(
            &format!("{component}/PackageInfo"),
            xar::Data::Zlib(package_info_xml(&info, &script_names).into_bytes()),
        );
        let mut buffered = BufWriter::with_capacity(1 << 16, out);
        archive
            .write(&mut buffered)
            .and_then(|()| buffered.flush())
            .context_with(|| "cannot write the .pkg archive".into())?;
        Ok(())
    }
}

/// Tells that macOS has no counterpart for the package's system users and
/// folders; the lint gate reports the other macOS differences.
fn warn_about_system_setup(package: &Package, events: &dyn crate::Events) {
    let setup = &package.system;
    if !setup.users.is_empty() || !setup.tmpfiles.is_empty() {
        events.warning(
            "[[users]] / [[tmpfiles]]: macOS has no sysusers or tmpfiles, so the .pkg leaves them out; the accounts and folders a daemon needs must exist",
        );
    }
}

/// The gzip'd Payload in an unnamed spool file, with its length and SHA-1.
struct SpooledPayload {
    file: File,
    len: u64,
    sha1: Vec<u8>,
    summary: payload::PayloadSummary,
}

/// Streams the Payload through the parallel gzip encoder into a spool file
/// in the scratch folder, measuring it on the way.
fn spool_payload(
    package: &Package,
    location: &str,
    epoch: u32,
    ctx: &WriteContext<'_>,
) -> Result<SpooledPayload> {
    let spool = tempfile::tempfile_in(ctx.scratch_dir)
        .context_with(|| format!("cannot make a spool file in {}", ctx.scratch_dir.display()))?;
    let sink = HashingWriter::<_, Sha1>::new(CountingWriter::new(BufWriter::with_capacity(
        1 << 16,
        spool,
    )));
    let gzip = Compression::gzip()
        .encoder(sink, ctx.threads)
        .context_with(|| "cannot start the compressor".into())?;
    let (gzip, summary) = payload::write_payload(package, location, epoch, gzip, ctx.events)?;
    let sink = gzip
        .finish()
        .context_with(|| "cannot finish the compressed Payload".into())?;
    let (counting, sha1) = sink.finish();
    let len = counting.count();
    let file = counting
        .into_inner()
        .into_inner()
        .map_err(|e| e.into_error())
        .context_with(|| "cannot write the Payload spool file".into())?;
    Ok(SpooledPayload {
        file,
        len,
        sha1,
        summary,
    })
}

/// What PackageInfo and Distribution both say.
struct Info<'a> {
    identifier: String,
    version: String,
    install_location: &'a str,
    /// Paths in the Payload, `.` included.
    number_of_files: usize,
    install_kbytes: u64,
}

/// The component's PackageInfo, from `templates/pkg/PackageInfo.xml`.
fn package_info_xml(info: &Info<'_>, scripts: &[&str]) -> String {
    // No element at all without scripts: an empty `<scripts/>` is refused by
    // apple-platform-rs's PackageInfo reader.
    let scripts_xml = if scripts.is_empty() {
        String::new()
    } else {
        let lines: String = scripts
            .iter()
            .map(|name| format!("        <{name} file=\"./{name}\"/>\n"))
            .collect();
        format!("    <scripts>\n{lines}    </scripts>\n")
    };
    render(
        PACKAGE_INFO,
        &[
            ("identifier", xml_escape(&info.identifier)),
            ("version", xml_escape(&info.version)),
            ("install_location", xml_escape(info.install_location)),
            ("number_of_files", info.number_of_files.to_string()),
            ("install_kbytes", info.install_kbytes.to_string()),
            ("scripts", scripts_xml),
        ],
    )
}

/// The product archive's Distribution, from `templates/pkg/Distribution.xml`.
fn distribution_xml(info: &Info<'_>, title: &str, target: &Target, component: &str) -> String {
    render(
        DISTRIBUTION,
        &[
            ("title", xml_escape(title)),
            ("host_architectures", pkg_arches(target).join(",")),
            ("identifier", xml_escape(&info.identifier)),
            ("version", xml_escape(&info.version)),
            ("install_kbytes", info.install_kbytes.to_string()),
            ("component", xml_escape(component)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arch_names() {
        for (target, name, arches) in [
            ("aarch64-apple-darwin", "arm64", "arm64"),
            ("x86_64-macos", "x86_64", "x86_64"),
            ("universal-macos", "universal", "arm64,x86_64"),
        ] {
            let t = Target::parse(target).unwrap();
            assert_eq!(pkg_arch_name(&t), name, "{target}");
            assert_eq!(pkg_arches(&t).join(","), arches, "{target}");
            assert!(FlatPackage.accepts(&t).is_ok(), "{target}");
        }
        for target in ["x86_64-linux", "x86_64-windows", "wasm32"] {
            let err = FlatPackage
                .accepts(&Target::parse(target).unwrap())
                .unwrap_err();
            assert!(err.to_string().contains("aarch64-apple-darwin"), "{err}");
        }
    }

    #[test]
    fn identifiers_and_locations_are_checked() {
        for good in ["org.example.hello", "com.Example-1.tool_x"] {
            assert!(check_identifier(good).is_ok(), "{good}");
        }
        for bad in ["", "org..x", ".org", "org.ex ample", "org/x", "org.x."] {
            assert!(check_identifier(bad).is_err(), "{bad:?}");
        }
        for good in ["/", "/usr/local", "/Applications/Hello"] {
            assert!(check_location(good).is_ok(), "{good}");
        }
        for bad in ["", "usr", "/usr/", "/usr//x", "/usr/../x", "/./x"] {
            assert!(check_location(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn escaping_and_rendering() {
        assert_eq!(xml_escape(r#"a&b<c>"d'"#), "a&amp;b&lt;c&gt;&quot;d&apos;");
        assert_eq!(
            render("<a x=\"{{v}}\">{{v}}</a>", &[("v", xml_escape("1<2"))]),
            "<a x=\"1&lt;2\">1&lt;2</a>"
        );
        for template in [PACKAGE_INFO, DISTRIBUTION] {
            assert!(template.contains("{{identifier}}"));
        }
    }

    #[test]
    fn script_gets_an_interpreter() {
        assert_eq!(script_text("echo hi\n"), "#!/bin/sh\necho hi\n");
        assert_eq!(script_text("#!/bin/bash\necho\n"), "#!/bin/bash\necho\n");
    }

    #[test]
    fn protected_locations_warn() {
        assert!(macos_location_warning("/usr/bin/hello").is_some());
        assert!(macos_location_warning("/etc/hello.conf").is_some());
        assert!(macos_location_warning("/usr/local/bin/hello").is_none());
        assert!(macos_location_warning("/Applications/Hello.app").is_none());
        assert!(macos_location_warning("/usrx").is_none());
    }
}
