//! The signing layer's error type. Messages say what is wrong with a key or
//! a signature and how to fix it; callers add the file they came from.

use crate::key::KeyId;

/// Why a key could not be read, or a signature made or checked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is not a well-formed key or signature (truncated, bad base64, …).
    #[error("{0}")]
    Malformed(String),
    /// A well-formed key or signature for an algorithm this crate does not implement.
    #[error("{0}")]
    Unsupported(String),
    /// The secret key is encrypted and no password was given.
    #[error("the secret key is encrypted: a password is needed (set VITTE_BUILDKIT_PASSWORD or type it when asked)")]
    PasswordRequired,
    /// The decrypted secret key does not match its checksum.
    #[error("wrong password for this secret key (its checksum does not match after decryption)")]
    WrongPassword,
    /// The secret key's checksum or its embedded public half is wrong.
    #[error("the secret key is corrupted: {0}")]
    Corrupted(String),
    /// A signature made by one key checked against another.
    #[error("signed by key {signed_by}, but the public key is {public_key}")]
    KeyMismatch { signed_by: KeyId, public_key: KeyId },
    /// The signature does not match the data or its trusted comment.
    #[error("{0}")]
    BadSignature(String),
    /// The operating system's random source failed.
    #[error("cannot get random bytes from the operating system: {0}")]
    Random(String),
    /// The password-based key derivation could not run (parameters too large).
    #[error("key derivation: {0}")]
    Kdf(String),
    /// Building or armoring the OpenPGP key failed.
    #[error("OpenPGP: {0}")]
    OpenPgp(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The signing layer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
