//! `cross`: builds the project for a target with the toolchain detected for
//! it, then checks what the build produced against the target before
//! anything is packaged.
//!
//! The build command comes from the caller (after `--` on the command line,
//! run as given in the current folder) or from the manifest's
//! `[build] command` (run by `sh -c` in the manifest's folder); both take
//! the `[[files]]` placeholders `{triple}`, `{arch}`, `{os}`, `{name}` and
//! `{version}`. It runs with `CC`, `CXX`, `AR`, `LD`, `CFLAGS`/`CXXFLAGS`/
//! `LDFLAGS` (clang's `--target=` and sysroot), the `cc` crate's per-target
//! copies, `CARGO_BUILD_TARGET`, `CARGO_TARGET_<TRIPLE>_LINKER` and
//! `VITTE_BUILDKIT_TARGET` set from [`crate::toolchain`]. Afterwards the
//! manifest is resolved for the target and every file it lists goes through
//! the architecture check, so a build that silently produced host binaries
//! fails; with formats selected, the pipeline then packages in the same run.

use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use vitte_buildkit_formats::Target;

use crate::error::{Error, Result};
use crate::events::{Artifact, Listener};
use crate::manifest::{self, LoadedManifest};
use crate::pipeline::{self, BuildOptions};
use crate::toolchain::{Builder, Toolchains};

/// What `cross` is asked to do.
#[derive(Clone, Debug)]
pub struct CrossOptions {
    /// The manifest, the single target, and (when `package` is set) the
    /// formats and output folder for packaging afterwards.
    pub build: BuildOptions,
    /// The build command as program and arguments; empty for the
    /// manifest's `[build] command`.
    pub command: Vec<String>,
    /// Package the selected formats after a successful build and check.
    pub package: bool,
}

/// A cross build ready to run: the toolchain chosen and the command.
pub struct Cross {
    options: CrossOptions,
    target: Target,
    builder: Builder,
    program: String,
    args: Vec<String>,
    dir: Option<PathBuf>,
    shown: String,
    /// Added to a failed build's error when rustup lacks the target.
    rust_hint: Option<String>,
}

/// Chooses the toolchain and the command for `options`; runs nothing.
/// A target no installed toolchain can build for is an error naming what
/// to install.
pub fn prepare(options: CrossOptions) -> Result<Cross> {
    let target = match options.build.targets.as_slice() {
        [target] => target.clone(),
        [] => return Err(Error::Usage("cross needs a target: pass --target".into())),
        _ => {
            return Err(Error::Usage(
                "cross builds for one target at a time; run it once per target".into(),
            ))
        }
    };
    let loaded = manifest::load(&options.build.manifest, options.build.package.as_deref())?;
    let toolchains = Toolchains::detect();
    let builder = toolchains.builder_for(&target).map_err(|missing| {
        Error::Usage(format!(
            "no toolchain on this machine builds for {target}: {missing}"
        ))
    })?;
    let rust_hint = toolchains.get("rustc").and_then(|rustc| {
        let (_, wanted) = builder.env.iter().find(|(k, _)| k == "CARGO_BUILD_TARGET")?;
        (!rustc.targets.contains(wanted)).then(|| {
            format!(
                "; if it is a Rust build: the Rust target {wanted} is not installed (rustup target add {wanted})"
            )
        })
    });
    let apply = |text: &str| placeholders(&loaded, &target, text);
    let (program, args, dir, shown) = match options.command.split_first() {
        Some((program, args)) => {
            let args: Vec<String> = args.iter().map(|a| apply(a)).collect();
            let program = apply(program);
            let shown = std::iter::once(program.clone())
                .chain(args.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ");
            (program, args, None, shown)
        }
        None if loaded.manifest.build.command.is_none() && is_cargo(&loaded) => (
            "cargo".to_string(),
            vec!["build".to_string(), "--release".to_string()],
            Some(loaded.dir.clone()),
            "cargo build --release".to_string(),
        ),
        None => {
            let command = loaded
                .manifest
                .build
                .command
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "no build command: pass it after `--`, or set `command = \"…\"` under [build] in {}",
                        loaded.path.display()
                    ))
                })?;
            let command = apply(command);
            (
                "sh".to_string(),
                vec!["-c".to_string(), command.clone()],
                Some(loaded.dir.clone()),
                command,
            )
        }
    };
    Ok(Cross {
        options,
        target,
        builder,
        program,
        args,
        dir,
        shown,
        rust_hint,
    })
}

impl Cross {
    /// The toolchain chosen and the environment the command gets.
    pub fn builder(&self) -> &Builder {
        &self.builder
    }

    /// The target built for.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The command as it will run, placeholders applied.
    pub fn command_line(&self) -> &str {
        &self.shown
    }

    /// Runs the build (its output goes to stderr, leaving stdout to the
    /// report), checks every file the manifest lists against the target,
    /// then packages when asked. Returns the artifacts written.
    pub fn run(&self, listener: &dyn Listener) -> Result<Vec<Artifact>> {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        for (key, value) in &self.builder.env {
            let value = match std::env::var(key) {
                // The user's own flags come after the toolchain's.
                Ok(own) if key.ends_with("FLAGS") && !own.trim().is_empty() => {
                    format!("{value} {own}")
                }
                _ => value.clone(),
            };
            command.env(key, value);
        }
        if let Ok(stderr) = std::io::stderr().as_fd().try_clone_to_owned() {
            command.stdout(Stdio::from(stderr));
        }
        let status = command.status().map_err(|e| {
            Error::Build(format!(
                "cannot run the build command `{}`: {e}",
                self.shown
            ))
        })?;
        if !status.success() {
            return Err(Error::Build(format!(
                "the build command `{}` failed ({status}) building for {} with {}{}",
                self.shown,
                self.target,
                self.builder.description,
                self.rust_hint.as_deref().unwrap_or_default()
            )));
        }
        if self.options.package {
            pipeline::build(&self.options.build, listener)
        } else {
            pipeline::check(&self.options.build, listener)?;
            Ok(Vec::new())
        }
    }
}

/// The `[[files]]` placeholders, with the manifest's name and version.
fn placeholders(loaded: &LoadedManifest, target: &Target, text: &str) -> String {
    let package = &loaded.manifest.package;
    text.replace("{triple}", target.triple())
        .replace("{arch}", target.arch.as_str())
        .replace("{os}", &target.os.to_string())
        .replace("{name}", package.name.as_deref().unwrap_or_default())
        .replace("{version}", package.version.as_deref().unwrap_or_default())
}

/// Whether the manifest is a Cargo.toml: then `cargo build --release` is
/// the default build (cargo reads `CARGO_BUILD_TARGET`).
fn is_cargo(loaded: &LoadedManifest) -> bool {
    loaded.path.file_name().is_some_and(|n| n == "Cargo.toml")
}
