//! Keys and signatures for vitte-buildkit.
//!
//! Detached minisign-compatible signatures for every artifact and for
//! `SHA256SUMS`, and OpenPGP signatures where a format embeds one (RPM).
//! This crate knows nothing of packages or formats: it signs bytes and files.
//!
//! - [`key`]: minisign public and secret keys, generation, reading and
//!   writing their files, password encryption ([`kdf`]).
//! - [`signature`]: prehashed Ed25519 (`"ED"`) signatures over BLAKE2b-512
//!   with a signed trusted comment, streamed over files, and their checks.
//! - [`openpgp`]: the same Ed25519 secret as a deterministic OpenPGP v4 key.
//!
//! Key generation is the only use of randomness in vitte-buildkit; a
//! signature depends only on the key, the bytes and the trusted comment.
//!
//! ```
//! use vitte_buildkit_signing::{Digests, SecretKey, PublicKey, Signature, trusted_comment};
//! let key = SecretKey::generate()?;
//! let text = key.to_text(None)?; // an unencrypted key file
//! let key = SecretKey::parse(&text, None)?;
//! let digests = Digests::of_reader(&b"payload"[..])?;
//! let signature = key.sign_digests(&digests, &trusted_comment("payload.bin", &digests, 0))?;
//! let public = PublicKey::parse(&key.public_key().to_text())?;
//! public.verify_digests(&Signature::parse(&signature.to_text())?, &digests)?;
//! # Ok::<(), vitte_buildkit_signing::Error>(())
//! ```

pub mod error;
pub mod kdf;
pub mod key;
pub mod openpgp;
pub mod signature;

pub use error::{Error, Result};
pub use key::{KeyId, PublicKey, SecretKey, SecretKeyFile};
pub use openpgp::OpenPgpKey;
pub use signature::{signature_path, trusted_comment, Digests, Signature, SIGNATURE_SUFFIX};
