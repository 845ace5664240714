//! vitte-buildkit: native OS packages from one manifest.
//!
//! The flow: [`manifest`] reads `buildkit.toml` (or Cargo.toml metadata) and
//! resolves a `Package` per target; the [`pipeline`] checks everything (the
//! [`inspect`] module matches every binary against the target), lets
//! each format backend (crate `vitte-buildkit-formats`) write into a staging
//! folder, and moves the artifacts into place only when all succeeded
//! ([`output`]). [`BuildKit`] is the facade for Rust callers; the CLI in
//! [`cli`] is a thin layer over the same. The library never prints: it
//! reports through [`events::Listener`].

pub mod buildkit;
pub mod cache;
pub mod cli;
pub mod config;
pub mod cross;
pub mod diff;
pub mod elfdeps;
pub mod error;
pub mod events;
pub mod export;
pub mod init;
pub mod inspect;
pub mod keys;
pub mod lint;
pub mod manifest;
pub mod output;
pub mod pipeline;
pub mod registry;
pub mod repo;
pub mod strip;
pub mod toolchain;

pub use buildkit::BuildKit;
pub use error::{Error, Result};
pub use events::{Artifact, Event, Listener};
pub use vitte_buildkit_formats as formats;
pub use vitte_buildkit_formats::Target;
