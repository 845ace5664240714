//! Stripping, as debhelper's dh_strip does it: executables lose their
//! symbol tables and debug sections (`--strip-all`), shared libraries what
//! is not needed to load them (`--strip-unneeded`), both the `.comment` and
//! `.note` sections; the debug information first moves into a separate
//! compressed file named by the GNU build-id, which a `.gnu_debuglink` in
//! the stripped file points to. Static libraries, object files, files
//! already stripped and files the manifest marks `strip = false` are left
//! alone; only ELF files are touched (signed PE and Mach-O never).
//!
//! The tool is the target's objcopy (`aarch64-linux-gnu-objcopy`, or the
//! host's own for a native target), else `llvm-objcopy`, which handles
//! every architecture; never the host's GNU objcopy for a foreign target.
//! Stripped copies go into a scratch folder; the sources are not changed.

pub mod debug;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use vitte_buildkit_formats::{Package, Source, Target};

use crate::elfdeps::Scanned;
use crate::error::{Error, Result};

/// The debug information of one stripped file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugFile {
    pub build_id: String,
    /// The `.debug` file in the scratch folder.
    pub path: PathBuf,
    pub size: u64,
}

/// What stripping a package gave.
#[derive(Debug, Default)]
pub struct Stripped {
    /// Entry index → the stripped copy and its size.
    pub replaced: Vec<(usize, PathBuf, u64)>,
    /// Sorted by build-id, one per build-id.
    pub debug: Vec<DebugFile>,
    pub warnings: Vec<String>,
}

/// The objcopy that writes ELF files of `target`.
pub fn objcopy_for(target: &Target) -> Result<PathBuf> {
    let native = target.arch == Target::host().arch;
    let prefixed = format!("{}-objcopy", crate::toolchain::gnu_prefix(target));
    let mut names = vec![prefixed.clone()];
    if native {
        names.push("objcopy".into());
    }
    names.push("llvm-objcopy".into());
    names.extend((13..=21).rev().map(|v| format!("llvm-objcopy-{v}")));
    names
        .iter()
        .find_map(|n| which::which(n).ok())
        .ok_or_else(|| {
            Error::Binaries(format!(
                "stripping for {target} needs `{prefixed}` or `llvm-objcopy`: install the Debian package binutils-{} or llvm, or set [package] strip = false",
                crate::toolchain::gnu_prefix(target).replace('_', "-")
            ))
        })
}

/// Strips every unstripped ELF executable and shared library of the package
/// (those whose entry allows it) into `scratch`, `threads` at a time.
/// `keep_debug`: also write the debug files.
pub fn strip(
    package: &Package,
    scanned: &[Scanned],
    target: &Target,
    scratch: &Path,
    threads: u32,
    keep_debug: bool,
) -> Result<Stripped> {
    let todo: Vec<&Scanned> = scanned
        .iter()
        .filter(|s| {
            let entry = &package.entries[s.index];
            entry.strip
                && s.facts.is_unstripped()
                && !entry.path.starts_with("/usr/lib/debug/")
                && matches!(entry.source, Source::Path(_))
        })
        .collect();
    let mut out = Stripped::default();
    if todo.is_empty() {
        return Ok(out);
    }
    let tool = objcopy_for(target)?;
    let output_error = |e: std::io::Error| Error::Output {
        context: format!("cannot create the stripping folder {}", scratch.display()),
        source: e,
    };
    std::fs::create_dir_all(scratch.join("debug")).map_err(output_error)?;
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(todo.len() as u32) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = todo.get(i) else { break };
                let result = strip_one(package, item, &tool, scratch, keep_debug);
                results
                    .lock()
                    .expect("no panic holds the lock")
                    .push(result);
            });
        }
    });
    let mut seen = std::collections::BTreeMap::new();
    for result in results.into_inner().expect("no panic holds the lock") {
        let one = result?;
        out.replaced.push((one.index, one.stripped, one.size));
        out.warnings.extend(one.warning);
        if let Some(debug) = one.debug {
            seen.entry(debug.build_id.clone()).or_insert(debug);
        }
    }
    out.replaced.sort_by_key(|r| r.0);
    out.debug = seen.into_values().collect();
    Ok(out)
}

/// The result of stripping one file.
struct One {
    index: usize,
    stripped: PathBuf,
    size: u64,
    debug: Option<DebugFile>,
    warning: Option<String>,
}

fn strip_one(
    package: &Package,
    item: &Scanned,
    tool: &Path,
    scratch: &Path,
    keep_debug: bool,
) -> Result<One> {
    let entry = &package.entries[item.index];
    let Source::Path(source) = &entry.source else {
        return Err(Error::Binaries(format!("{}: no file to strip", entry.path)));
    };
    let facts = &item.facts;
    let stripped = scratch.join(format!("{}.stripped", item.index));
    let mut debug = None;
    let mut warning = None;
    let mut strip = Command::new(tool);
    if facts.is_dyn && !facts.dt_debug {
        strip.arg("--strip-unneeded");
    } else {
        strip.arg("--strip-all");
    }
    strip.args(["--remove-section=.comment", "--remove-section=.note"]);
    match (&facts.build_id, keep_debug && facts.has_debug_info) {
        (Some(id), true) if id.len() > 2 => {
            let folder = scratch.join("debug").join(&id[..2]);
            std::fs::create_dir_all(&folder).map_err(|source| Error::Output {
                context: format!("cannot create {}", folder.display()),
                source,
            })?;
            let file = folder.join(format!("{}.debug", &id[2..]));
            run(
                Command::new(tool)
                    .args(["--only-keep-debug", "--compress-debug-sections"])
                    .arg(source)
                    .arg(&file),
                &entry.path,
            )?;
            strip.arg(format!("--add-gnu-debuglink={}", file.display()));
            let size = file_size(&file)?;
            debug = Some(DebugFile {
                build_id: id.clone(),
                path: file,
                size,
            });
        }
        (None, true) => {
            warning = Some(format!(
                "{}: has debug information but no GNU build-id (link with -Wl,--build-id), so its debug symbols cannot be packaged; stripped without them",
                entry.relative_path()
            ));
        }
        _ => {}
    }
    run(strip.arg(source).arg(&stripped), &entry.path)?;
    let size = file_size(&stripped)?;
    Ok(One {
        index: item.index,
        stripped,
        size,
        debug,
        warning,
    })
}

fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|source| Error::Read {
            path: path.into(),
            source,
        })
}

fn run(command: &mut Command, what: &str) -> Result<()> {
    let output = command.output().map_err(|e| {
        Error::Binaries(format!(
            "{}: cannot run {:?} to strip it: {e}",
            what.trim_start_matches('/'),
            command.get_program()
        ))
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(Error::Binaries(format!(
        "{}: {:?} failed to strip it ({}): {}; set `strip = false` on its [[files]] entry to package it as it is",
        what.trim_start_matches('/'),
        command.get_program(),
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    )))
}
