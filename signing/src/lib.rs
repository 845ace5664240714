//! Keys and signatures for vitte-buildkit.
//!
//! Detached minisign-compatible signatures for every artifact and for
//! `SHA256SUMS`, and OpenPGP signatures where a format embeds one (RPM).
//! This crate knows nothing of packages or formats: it signs bytes and files.
