//! Debug-symbol packages derived from a package whose binaries were
//! stripped: the `.debug` files at `/usr/lib/debug/.build-id/xx/yyyy.debug`,
//! where gdb and debuginfod clients look them up by build-id.
//!
//! - deb: `NAME-dbgsym` as debhelper builds it: Section debug, Depends on
//!   `NAME (= VERSION)`, `Auto-Built-Package: debug-symbols`, `Build-Ids`,
//!   and `/usr/share/doc/NAME-dbgsym` a link to the package's own.
//! - rpm: `NAME-debuginfo` as rpmbuild names it, providing
//!   `debuginfo(build-id) = ID` for each file.

use vitte_buildkit_formats::model::{
    BinaryOptions, DebugSymbols, Dependency, EntryKind, FormatSections, Op, Relation, Relations,
    Scripts,
};
use vitte_buildkit_formats::{Entry, Package, Source};

use super::DebugFile;

/// The folder gdb searches by build-id.
const BUILD_ID_DIR: &str = "/usr/lib/debug/.build-id";

/// The debug package of `main` for `format` (`deb` or `rpm`).
pub fn package(main: &Package, debug: &[DebugFile], format: &str) -> Package {
    let epoch = main.entries.iter().map(|e| e.mtime).max().unwrap_or(0);
    let mut entries: Vec<Entry> = debug
        .iter()
        .map(|d| {
            let path = format!(
                "{BUILD_ID_DIR}/{}/{}.debug",
                &d.build_id[..2],
                &d.build_id[2..]
            );
            entry(
                path,
                EntryKind::File,
                0o644,
                Source::Path(d.path.clone()),
                d.size,
                epoch,
            )
        })
        .collect();
    let build_ids: Vec<String> = debug.iter().map(|d| d.build_id.clone()).collect();
    let mut formats = FormatSections {
        deb: main.formats.deb.clone(),
        rpm: main.formats.rpm.clone(),
        ..FormatSections::default()
    };
    formats.deb.relations = Default::default();
    formats.rpm.relations = Default::default();
    formats.rpm.ghost = Vec::new();
    let mut relations = Relations::default();
    let (name, summary, description) = if format == "deb" {
        let name = format!("{}-dbgsym", main.name);
        entries.push(entry(
            format!("/usr/share/doc/{name}"),
            EntryKind::Symlink {
                target: main.name.clone(),
            },
            0o777,
            Source::None,
            0,
            epoch,
        ));
        formats.deb.section = Some("debug".into());
        formats.deb.priority = Some("optional".into());
        relations
            .depends
            .push(exact(&main.name, &deb_version(main)));
        let summary = format!("debug symbols for {}", main.name);
        (name, summary.clone(), summary)
    } else {
        formats.rpm.group = Some("Development/Debug".into());
        for id in &build_ids {
            relations.provides.push(exact("debuginfo(build-id)", id));
        }
        (
            format!("{}-debuginfo", main.name),
            format!("Debug information for package {}", main.name),
            format!(
                "This package provides debug information for package {}.\n\
                 Debug information is useful when developing applications that use this\n\
                 package or when debugging this package.",
                main.name
            ),
        )
    };
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Package {
        name,
        version: main.version.clone(),
        summary,
        description,
        license: main.license.clone(),
        maintainer: main.maintainer.clone(),
        vendor: main.vendor.clone(),
        homepage: main.homepage.clone(),
        relations,
        scripts: Scripts::default(),
        entries,
        has_binaries: true,
        system: Default::default(),
        formats,
        binaries: BinaryOptions::default(),
        debug_symbols: Some(DebugSymbols {
            of: main.name.clone(),
            build_ids,
        }),
    }
}

/// `name (= version)`.
fn exact(name: &str, version: &str) -> Relation {
    Relation {
        alternatives: vec![Dependency {
            name: name.into(),
            constraint: Some((Op::Eq, version.into())),
        }],
    }
}

/// The Debian version of the package: `[epoch:]upstream-revision`.
fn deb_version(package: &Package) -> String {
    let v = &package.version;
    match v.epoch {
        Some(epoch) => format!("{epoch}:{}-{}", v.upstream_tilde(), v.release),
        None => format!("{}-{}", v.upstream_tilde(), v.release),
    }
}

fn entry(path: String, kind: EntryKind, mode: u32, source: Source, size: u64, mtime: u64) -> Entry {
    Entry {
        path,
        kind,
        mode,
        owner: "root".into(),
        group: "root".into(),
        uid: 0,
        gid: 0,
        mtime,
        source,
        size,
        arch_check: false,
        strip: false,
    }
}
