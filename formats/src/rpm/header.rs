//! The main header: every tag rpm reads from a binary package, built from
//! the checked plan and the facts the payload writer gathered (digests,
//! sizes), and serialized by the rpm crate's `Header`.
//!
//! Besides what the manifest says, the header holds what rpmbuild adds on
//! its own: the package provides itself (`name = evr`, and `name(x86-64)`
//! on an architecture), `config(name)` when it has configuration files, the
//! `rpmlib(…)` features its payload and dependencies use, and a requirement
//! on each scriptlet's interpreter.

use std::collections::BTreeSet;

use ::rpm::{
    Dependency, DependencyFlags, DigestAlgorithm, FileFlags, FileVerifyFlags, Header, HeaderEntry,
    IndexData, IndexTag,
};

use super::files::{FilePlan, Item};
use super::payload::{Layout, Payload};
use super::Plan;
use crate::write::{Codec, Compression};
use crate::{Package, Scripts};

/// The BuildHost tag of every package: the real host name would make
/// builds differ between machines.
const BUILD_HOST: &str = "reproducible";

/// Scriptlets without a `#!` line run with this interpreter.
pub const SHELL: &str = "/bin/sh";

/// The RPMVERSION tag: which program wrote the package.
const WRITER: &str = concat!("vitte-buildkit ", env!("CARGO_PKG_VERSION"));

/// Collects tags in any order; the crate sorts them when serializing.
#[derive(Default)]
struct Tags(Vec<HeaderEntry>);

impl Tags {
    fn put(&mut self, tag: IndexTag, data: IndexData) {
        self.0.push(HeaderEntry::new(tag as u32, data));
    }
    fn string(&mut self, tag: IndexTag, value: impl Into<String>) {
        self.put(tag, IndexData::StringTag(value.into()));
    }
    fn i18n(&mut self, tag: IndexTag, value: impl Into<String>) {
        self.put(tag, IndexData::I18NString(vec![value.into()]));
    }
    fn int32(&mut self, tag: IndexTag, value: u32) {
        self.put(tag, IndexData::Int32(vec![value]));
    }
    /// NAME, VERSION and FLAGS tags of one dependency list, left out when empty.
    fn dependencies(&mut self, tags: [IndexTag; 3], mut list: Vec<Dependency>) {
        if list.is_empty() {
            return;
        }
        // rpmbuild sorts by name, then version, then flags.
        list.sort_by(|a, b| {
            (&a.name, &a.version, a.flags.bits()).cmp(&(&b.name, &b.version, b.flags.bits()))
        });
        list.dedup();
        let [names, versions, flags] = tags;
        self.put(
            flags,
            IndexData::Int32(list.iter().map(|d| d.flags.bits()).collect()),
        );
        self.put(
            versions,
            IndexData::StringArray(list.iter().map(|d| d.version.clone()).collect()),
        );
        self.put(
            names,
            IndexData::StringArray(list.into_iter().map(|d| d.name).collect()),
        );
    }
}

/// Everything the header is built from.
pub struct Input<'a> {
    pub package: &'a Package,
    pub plan: &'a Plan<'a>,
    pub payload: &'a Payload,
    pub layout: Layout,
    pub source_date: u32,
}

/// The main header of the package.
pub fn build(input: &Input<'_>) -> Header<IndexTag> {
    let Input { package, plan, .. } = *input;
    let mut tags = Tags::default();
    let evr = evr(package, &plan.version);
    tags.string(
        IndexTag::RPMTAG_SOURCERPM,
        format!(
            "{}-{}-{}.src.rpm",
            package.name, plan.version, package.version.release
        ),
    );
    tags.put(
        IndexTag::RPMTAG_HEADERI18NTABLE,
        IndexData::StringArray(vec!["C".into()]),
    );
    tags.string(IndexTag::RPMTAG_NAME, package.name.as_str());
    if let Some(epoch) = package.version.epoch {
        tags.int32(IndexTag::RPMTAG_EPOCH, epoch);
    }
    tags.string(IndexTag::RPMTAG_VERSION, plan.version.as_str());
    tags.string(IndexTag::RPMTAG_RELEASE, package.version.release.as_str());
    tags.i18n(IndexTag::RPMTAG_SUMMARY, package.summary.as_str());
    tags.i18n(IndexTag::RPMTAG_DESCRIPTION, package.description.as_str());
    tags.int32(IndexTag::RPMTAG_BUILDTIME, input.source_date);
    tags.string(IndexTag::RPMTAG_BUILDHOST, BUILD_HOST);
    tags.string(IndexTag::RPMTAG_LICENSE, package.license.as_str());
    tags.string(IndexTag::RPMTAG_PACKAGER, package.maintainer.as_str());
    tags.i18n(
        IndexTag::RPMTAG_GROUP,
        package
            .formats
            .rpm
            .group
            .as_deref()
            .unwrap_or("Unspecified"),
    );
    if let Some(vendor) = &package.vendor {
        tags.string(IndexTag::RPMTAG_VENDOR, vendor.as_str());
    }
    if let Some(url) = &package.homepage {
        tags.string(IndexTag::RPMTAG_URL, url.as_str());
    }
    tags.string(IndexTag::RPMTAG_OS, "linux");
    tags.string(IndexTag::RPMTAG_ARCH, plan.arch);
    tags.string(IndexTag::RPMTAG_RPMVERSION, WRITER);
    tags.string(IndexTag::RPMTAG_ENCODING, "utf-8");
    changelog(&mut tags, package, &evr, input.source_date);
    scripts(&mut tags, &package.scripts);
    files(&mut tags, input);
    payload(&mut tags, plan.compression, input.payload);
    relations(&mut tags, input, &evr);
    Header::from_entries(tags.0, IndexTag::RPMTAG_HEADERIMMUTABLE)
}

/// `[epoch:]version-release`.
fn evr(package: &Package, version: &str) -> String {
    let release = &package.version.release;
    match package.version.epoch {
        Some(epoch) => format!("{epoch}:{version}-{release}"),
        None => format!("{version}-{release}"),
    }
}

/// rpm tools expect a %changelog; the manifest has none, so one entry
/// records who packaged which version, dated like everything else.
fn changelog(tags: &mut Tags, package: &Package, evr: &str, source_date: u32) {
    tags.put(
        IndexTag::RPMTAG_CHANGELOGTIME,
        IndexData::Int32(vec![source_date]),
    );
    tags.put(
        IndexTag::RPMTAG_CHANGELOGNAME,
        IndexData::StringArray(vec![format!("{} - {evr}", package.maintainer)]),
    );
    tags.put(
        IndexTag::RPMTAG_CHANGELOGTEXT,
        IndexData::StringArray(vec![format!(
            "- {} {evr}, packaged with vitte-buildkit",
            package.name
        )]),
    );
}

/// The scriptlets rpm runs, with the tags that hold them and the
/// dependency flag of their interpreter.
fn scriptlets(scripts: &Scripts) -> [(Option<&String>, IndexTag, IndexTag, DependencyFlags); 4] {
    [
        (
            scripts.pre_install.as_ref(),
            IndexTag::RPMTAG_PREIN,
            IndexTag::RPMTAG_PREINPROG,
            DependencyFlags::SCRIPT_PRE,
        ),
        (
            scripts.post_install.as_ref(),
            IndexTag::RPMTAG_POSTIN,
            IndexTag::RPMTAG_POSTINPROG,
            DependencyFlags::SCRIPT_POST,
        ),
        (
            scripts.pre_remove.as_ref(),
            IndexTag::RPMTAG_PREUN,
            IndexTag::RPMTAG_PREUNPROG,
            DependencyFlags::SCRIPT_PREUN,
        ),
        (
            scripts.post_remove.as_ref(),
            IndexTag::RPMTAG_POSTUN,
            IndexTag::RPMTAG_POSTUNPROG,
            DependencyFlags::SCRIPT_POSTUN,
        ),
    ]
}

/// %pre, %post, %preun, %postun, each with its interpreter. rpm stores a
/// lone program as a string and a program with arguments as an array.
fn scripts(tags: &mut Tags, scripts: &Scripts) {
    for (text, script_tag, program_tag, _) in scriptlets(scripts) {
        let Some(text) = text else { continue };
        tags.string(script_tag, text.as_str());
        let program = interpreter(text);
        let data = match program.as_slice() {
            [one] => IndexData::StringTag(one.to_string()),
            many => IndexData::StringArray(many.iter().map(|w| w.to_string()).collect()),
        };
        tags.put(program_tag, data);
    }
}

/// The program rpm runs a script with: its `#!` line when it names an
/// absolute path (`#!/bin/bash -e` → `/bin/bash -e`), else `/bin/sh`. rpm
/// hands the script to it as a file, so the `#!` line itself is not read.
pub fn interpreter(script: &str) -> Vec<&str> {
    script
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("#!"))
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|words| words.first().is_some_and(|w| w.starts_with('/')))
        .unwrap_or_else(|| vec![SHELL])
}

/// The file list as parallel arrays, in the plan's (sorted) order.
fn files(tags: &mut Tags, input: &Input<'_>) {
    let files: &FilePlan<'_> = &input.plan.files;
    let large = input.layout == Layout::Stripped;
    let installed = files.installed_size();
    if large {
        tags.put(IndexTag::RPMTAG_LONGSIZE, IndexData::Int64(vec![installed]));
    } else {
        // Stripped layout is chosen whenever the size exceeds 32 bits.
        tags.int32(IndexTag::RPMTAG_SIZE, installed as u32);
    }
    tags.int32(
        IndexTag::RPMTAG_FILEDIGESTALGO,
        DigestAlgorithm::Sha2_256 as u32,
    );
    let items = &files.items;
    if items.is_empty() {
        return;
    }
    let dirs: BTreeSet<&str> = items.iter().map(|i| parent(&i.path)).collect();
    let dirs: Vec<&str> = dirs.into_iter().collect();
    let each = |f: &dyn Fn(&Item<'_>) -> u32| items.iter().map(f).collect::<Vec<_>>();
    let strings = |f: &dyn Fn(&Item<'_>) -> String| items.iter().map(f).collect::<Vec<_>>();
    if large {
        tags.put(
            IndexTag::RPMTAG_LONGFILESIZES,
            IndexData::Int64(items.iter().map(|i| i.size).collect()),
        );
    } else {
        tags.put(
            IndexTag::RPMTAG_FILESIZES,
            IndexData::Int32(each(&|i| i.size as u32)),
        );
    }
    tags.put(
        IndexTag::RPMTAG_FILEMODES,
        IndexData::Int16(
            items
                .iter()
                .map(|i| (i.kind.type_bits() | i.mode) as u16)
                .collect(),
        ),
    );
    tags.put(
        IndexTag::RPMTAG_FILERDEVS,
        IndexData::Int16(vec![0; items.len()]),
    );
    tags.put(
        IndexTag::RPMTAG_FILEMTIMES,
        IndexData::Int32(each(&|i| i.stored_mtime(input.source_date))),
    );
    tags.put(
        IndexTag::RPMTAG_FILEDIGESTS,
        IndexData::StringArray(input.payload.file_digests.clone()),
    );
    tags.put(
        IndexTag::RPMTAG_FILELINKTOS,
        IndexData::StringArray(strings(&|i| match &i.kind {
            super::files::Kind::Symlink(target) => target.to_string(),
            _ => String::new(),
        })),
    );
    tags.put(
        IndexTag::RPMTAG_FILEFLAGS,
        IndexData::Int32(each(&|i| i.kind.flags().bits())),
    );
    tags.put(
        IndexTag::RPMTAG_FILEUSERNAME,
        IndexData::StringArray(strings(&|i| i.owner.to_string())),
    );
    tags.put(
        IndexTag::RPMTAG_FILEGROUPNAME,
        IndexData::StringArray(strings(&|i| i.group.to_string())),
    );
    // A ghost has no file behind it, so no device; the rest share device 1
    // and number their inodes from 1, as the cpio members do.
    tags.put(
        IndexTag::RPMTAG_FILEDEVICES,
        IndexData::Int32(each(&|i| u32::from(!i.kind.is_ghost()))),
    );
    tags.put(
        IndexTag::RPMTAG_FILEINODES,
        IndexData::Int32((1..=items.len() as u32).collect()),
    );
    tags.put(
        IndexTag::RPMTAG_FILELANGS,
        IndexData::StringArray(vec![String::new(); items.len()]),
    );
    tags.put(
        IndexTag::RPMTAG_FILEVERIFYFLAGS,
        IndexData::Int32(each(&|i| verify_flags(i).bits())),
    );
    tags.put(
        IndexTag::RPMTAG_DIRINDEXES,
        IndexData::Int32(each(&|i| {
            dirs.binary_search(&parent(&i.path)).unwrap_or_default() as u32
        })),
    );
    tags.put(
        IndexTag::RPMTAG_BASENAMES,
        IndexData::StringArray(strings(&|i| base_name(&i.path).to_string())),
    );
    tags.put(
        IndexTag::RPMTAG_DIRNAMES,
        IndexData::StringArray(dirs.iter().map(|d| d.to_string()).collect()),
    );
}

/// The folder of an install path with its trailing `/`: `/usr/bin/`.
fn parent(path: &str) -> &str {
    &path[..path.rfind('/').map_or(0, |cut| cut + 1)]
}

fn base_name(path: &str) -> &str {
    &path[path.rfind('/').map_or(0, |cut| cut + 1)..]
}

/// What `rpm -V` checks: everything, except, for a ghost (whose content
/// belongs to the running system), its digest, size, link and time.
fn verify_flags(item: &Item<'_>) -> FileVerifyFlags {
    let all = FileVerifyFlags::ALL_FLAGS;
    if item.kind.is_ghost() {
        all - (FileVerifyFlags::FILEDIGEST
            | FileVerifyFlags::FILESIZE
            | FileVerifyFlags::LINKTO
            | FileVerifyFlags::MTIME)
    } else {
        all
    }
}

/// Format, compressor and digests of the payload.
fn payload(tags: &mut Tags, compression: Compression, payload: &Payload) {
    tags.string(IndexTag::RPMTAG_PAYLOADFORMAT, "cpio");
    let name = match compression.codec {
        Codec::None => None,
        Codec::Gzip => Some("gzip"),
        Codec::Xz => Some("xz"),
        Codec::Zstd => Some("zstd"),
    };
    if let Some(name) = name {
        tags.string(IndexTag::RPMTAG_PAYLOADCOMPRESSOR, name);
    }
    tags.string(
        IndexTag::RPMTAG_PAYLOADFLAGS,
        compression.level.map(|l| l.to_string()).unwrap_or_default(),
    );
    // rpm reads these two as arrays of one string.
    tags.put(
        IndexTag::RPMTAG_PAYLOADSHA256,
        IndexData::StringArray(vec![payload.compressed_sha256.clone()]),
    );
    tags.put(
        IndexTag::RPMTAG_PAYLOADSHA256ALT,
        IndexData::StringArray(vec![payload.archive_sha256.clone()]),
    );
    tags.int32(
        IndexTag::RPMTAG_PAYLOADSHA256ALGO,
        DigestAlgorithm::Sha2_256 as u32,
    );
}

/// The manifest's relations and the ones rpmbuild adds itself.
fn relations(tags: &mut Tags, input: &Input<'_>, evr: &str) {
    let Input { package, plan, .. } = *input;
    let r = &plan.relations;
    let name = package.name.as_str();
    let has_config = plan
        .files
        .items
        .iter()
        .any(|i| i.kind.flags().contains(FileFlags::CONFIG));

    let mut provides = r.provides.clone();
    provides.push(Dependency::eq(name, evr));
    if let Some(isa) = isa(plan.arch) {
        provides.push(Dependency::eq(format!("{name}({isa})"), evr));
    }
    let mut requires = r.requires.clone();
    if has_config {
        provides.push(Dependency::config(name, evr));
        requires.push(Dependency::config(name, evr));
    }
    for (feature, version) in [
        ("CompressedFileNames", "3.0.4-1"),
        ("FileDigests", "4.6.0-1"),
        ("PayloadFilesHavePrefix", "4.0-1"),
    ] {
        requires.push(Dependency::rpmlib(feature, version));
    }
    if plan.compression.codec == Codec::Zstd {
        requires.push(Dependency::rpmlib("PayloadIsZstd", "5.4.18-1"));
    }
    if input.layout == Layout::Stripped {
        requires.push(Dependency::rpmlib("LargeFiles", "4.12.0-1"));
    }
    let rich = [&r.requires, &r.recommends, &r.suggests, &r.conflicts]
        .iter()
        .any(|list| list.iter().any(|d| d.name.starts_with('(')));
    if rich {
        requires.push(Dependency::rpmlib("RichDependencies", "4.12.0-1"));
    }
    for (text, _, _, phase) in scriptlets(&package.scripts) {
        if let Some(text) = text {
            requires.push(Dependency {
                name: interpreter(text)[0].to_string(),
                flags: DependencyFlags::INTERP | phase,
                version: String::new(),
            });
        }
    }
    // rpm 4.19 creates users and groups from sysusers.d and needs them to
    // exist first; older rpm does not know user()/group(), so a v4 package
    // only recommends them.
    let mut recommends = r.recommends.clone();
    let owners: BTreeSet<&str> = plan.files.items.iter().map(|i| i.owner).collect();
    let groups: BTreeSet<&str> = plan.files.items.iter().map(|i| i.group).collect();
    recommends.extend(
        owners
            .into_iter()
            .filter(|u| *u != "root")
            .map(Dependency::user),
    );
    recommends.extend(
        groups
            .into_iter()
            .filter(|g| *g != "root")
            .map(Dependency::group),
    );

    tags.dependencies(
        [
            IndexTag::RPMTAG_PROVIDENAME,
            IndexTag::RPMTAG_PROVIDEVERSION,
            IndexTag::RPMTAG_PROVIDEFLAGS,
        ],
        provides,
    );
    tags.dependencies(
        [
            IndexTag::RPMTAG_REQUIRENAME,
            IndexTag::RPMTAG_REQUIREVERSION,
            IndexTag::RPMTAG_REQUIREFLAGS,
        ],
        requires,
    );
    tags.dependencies(
        [
            IndexTag::RPMTAG_RECOMMENDNAME,
            IndexTag::RPMTAG_RECOMMENDVERSION,
            IndexTag::RPMTAG_RECOMMENDFLAGS,
        ],
        recommends,
    );
    tags.dependencies(
        [
            IndexTag::RPMTAG_SUGGESTNAME,
            IndexTag::RPMTAG_SUGGESTVERSION,
            IndexTag::RPMTAG_SUGGESTFLAGS,
        ],
        r.suggests.clone(),
    );
    tags.dependencies(
        [
            IndexTag::RPMTAG_CONFLICTNAME,
            IndexTag::RPMTAG_CONFLICTVERSION,
            IndexTag::RPMTAG_CONFLICTFLAGS,
        ],
        r.conflicts.clone(),
    );
    tags.dependencies(
        [
            IndexTag::RPMTAG_OBSOLETENAME,
            IndexTag::RPMTAG_OBSOLETEVERSION,
            IndexTag::RPMTAG_OBSOLETEFLAGS,
        ],
        r.obsoletes.clone(),
    );
}

/// rpm's `%{_isa}` suffix of an architecture (`x86_64` → `x86-64`); `None`
/// for noarch.
fn isa(arch: &str) -> Option<&'static str> {
    Some(match arch {
        "x86_64" => "x86-64",
        "i686" => "x86-32",
        "aarch64" => "aarch-64",
        "armv7hl" => "armv7hl-32",
        "riscv64" => "riscv-64",
        "ppc64le" => "ppc-64",
        "s390x" => "s390-64",
        _ => return None,
    })
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
    fn paths_split_into_folder_and_name() {
        assert_eq!(parent("/usr/bin/hello"), "/usr/bin/");
        assert_eq!(base_name("/usr/bin/hello"), "hello");
        assert_eq!(parent("/hello"), "/");
        assert_eq!(base_name("/hello"), "hello");
    }
}
