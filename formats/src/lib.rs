//! The artifact model of vitte-buildkit and the package-format backends.
//!
//! The manifest layer (in the `vitte-buildkit` crate) resolves a [`Package`]
//! for one [`Target`]; each backend listed in [`all_formats`] turns that model
//! into one artifact. Backends see only the model and the target: never TOML,
//! globs, CLI flags or the terminal. Shared streaming writers (tar, gzip in
//! parallel, xz, zstd, hashing) live in [`write`].

pub mod deb;
pub mod error;
pub mod model;
pub mod msi;
pub mod pkg;
pub mod rpm;
pub mod scripts;
pub mod target;
pub mod targz;
pub mod wasm;
pub mod write;

pub use error::{Error, Result};
pub use model::{
    Entry, EntryKind, FormatSections, Package, Relation, Relations, RelationsOverride,
    RestartPolicy, Scripts, Service, Source, SystemSetup, SystemUser, TmpFile,
};
pub use target::{Arch, Os, Target};

use std::fs::File;
use std::path::Path;

/// What a backend needs besides the package and the target.
pub struct WriteContext<'a> {
    /// Seconds since the epoch used for every timestamp the format stores.
    pub source_date_epoch: u64,
    /// Threads the compressor may use.
    pub threads: u32,
    /// A folder on the same file system as the output, for spooling.
    pub scratch_dir: &'a Path,
    /// Progress and warnings go here; the backend never prints.
    pub events: &'a dyn Events,
    /// An armored, unprotected OpenPGP secret key, for formats that embed a
    /// signature (RPM). `None` when the build is unsigned.
    pub openpgp_key: Option<&'a str>,
}

/// Where a backend reports progress and warnings.
pub trait Events: Sync {
    /// `bytes` more bytes of payload have been read.
    fn progress(&self, _bytes: u64) {}
    /// Something the user should know that does not stop the build.
    fn warning(&self, _message: &str) {}
}

/// An [`Events`] sink that drops everything.
pub struct NoEvents;
impl Events for NoEvents {}

/// One package format. Backends are listed in [`all_formats`].
pub trait Format: Sync {
    /// The name used on the command line and in reports (`deb`, `tar.gz`, …).
    fn id(&self) -> &'static str;
    /// The conventional file name of the artifact.
    fn file_name(&self, package: &Package, target: &Target) -> String;
    /// Whether the format can serve the target; the error lists what it accepts.
    fn accepts(&self, target: &Target) -> Result<()>;
    /// Checks the package against the format's rules before anything is written.
    fn validate(&self, _package: &Package, _target: &Target) -> Result<()> {
        Ok(())
    }
    /// Writes the artifact into `out`, which starts empty.
    fn write(
        &self,
        package: &Package,
        target: &Target,
        ctx: &WriteContext<'_>,
        out: &mut File,
    ) -> Result<()>;
}

/// Every backend, in the order `--format all` builds them.
pub fn all_formats() -> Vec<Box<dyn Format>> {
    vec![
        Box::new(targz::TarArchive::new(write::Compression::gzip())),
        Box::new(targz::TarArchive::new(write::Compression::xz())),
        Box::new(targz::TarArchive::new(write::Compression::zstd())),
        Box::new(deb::DebPackage),
        Box::new(rpm::RpmPackage::new()),
        Box::new(msi::Msi),
        Box::new(pkg::FlatPackage),
        Box::new(wasm::WasmBundle::new()),
        Box::new(wasm::WasmBundle::archive()),
    ]
}

/// Finds a backend by its id.
pub fn format_by_id(id: &str) -> Option<Box<dyn Format>> {
    all_formats().into_iter().find(|f| f.id() == id)
}
