//! minisign signatures: sign and verify files, streamed.
//!
//! A `.minisig` file has four lines:
//!
//! ```text
//! untrusted comment: <free text, not signed>
//! base64("ED" | key id[8] | Ed25519(BLAKE2b-512(file))[64])
//! trusted comment: <text>
//! base64(Ed25519(signature[64] | trusted comment))
//! ```
//!
//! `"ED"` is minisign's prehashed mode (the default since minisign 0.8):
//! the file is hashed with BLAKE2b-512 while it streams and the 64-byte
//! digest is signed, so no file is ever held in memory. The older `"Ed"`
//! mode signs the whole file and is refused here, as `minisign -V` refuses it
//! without `-l`. The trusted comment written by [`trusted_comment`] holds
//! the time (`SOURCE_DATE_EPOCH`), the file name and its SHA-256;
//! [`PublicKey::verify_file`] checks the name and digest it names as well.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use base64::Engine;
use blake2::{Blake2b512, Digest};
use ed25519_dalek::Signer;
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::key::{decode, KeyId, PublicKey, SecretKey, COMMENT_PREFIX};

/// What a detached signature's file name adds to the signed file's.
pub const SIGNATURE_SUFFIX: &str = ".minisig";
const TRUSTED_PREFIX: &str = "trusted comment: ";
const PREHASHED: &[u8; 2] = b"ED";
const LEGACY: &[u8; 2] = b"Ed";
const SIGNATURE_LEN: usize = 2 + 8 + 64;
/// minisign refuses longer trusted comments.
const TRUSTED_COMMENT_MAX: usize = 8192 - TRUSTED_PREFIX.len() - 1;

/// `<path>.minisig`.
pub fn signature_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(SIGNATURE_SUFFIX);
    PathBuf::from(name)
}

/// The BLAKE2b-512 minisign signs and the SHA-256 the trusted comment
/// names, computed in one pass over a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digests {
    pub blake2b512: [u8; 64],
    pub sha256: [u8; 32],
    pub size: u64,
}

impl Digests {
    pub fn of_reader(mut reader: impl Read) -> io::Result<Self> {
        let mut blake = Blake2b512::new();
        let mut sha = Sha256::new();
        let mut buf = vec![0u8; 256 << 10];
        let mut size = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            blake.update(&buf[..n]);
            sha.update(&buf[..n]);
            size += n as u64;
        }
        Ok(Self {
            blake2b512: blake.finalize().into(),
            sha256: sha.finalize().into(),
            size,
        })
    }

    pub fn of_file(path: &Path) -> io::Result<Self> {
        Self::of_reader(File::open(path)?)
    }

    /// The SHA-256 in lower-case hex, as `sha256sum` prints it.
    pub fn sha256_hex(&self) -> String {
        self.sha256.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The trusted comment vitte-buildkit signs: time, file name, SHA-256, and
/// minisign's `hashed` marker for prehashed signatures.
pub fn trusted_comment(file_name: &str, digests: &Digests, timestamp: u64) -> String {
    format!(
        "timestamp:{timestamp}\tfile:{file_name}\tsha256:{}\thashed",
        digests.sha256_hex()
    )
}

/// A parsed `.minisig` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    untrusted_comment: String,
    key_id: KeyId,
    prehashed: bool,
    signature: [u8; 64],
    trusted_comment: String,
    global: [u8; 64],
}

impl Signature {
    /// Reads a `.minisig` file's text.
    pub fn parse(text: &str) -> Result<Self> {
        let lines: Vec<&str> = text.lines().collect();
        let line = |i: usize, what: &str| {
            lines.get(i).copied().ok_or_else(|| {
                Error::Malformed(format!(
                    "the signature is truncated: it has {} lines, the {what} is missing",
                    lines.len()
                ))
            })
        };
        let untrusted = line(0, "untrusted comment")?;
        let untrusted_comment = untrusted
            .strip_prefix(COMMENT_PREFIX)
            .ok_or_else(|| {
                Error::Malformed("the signature does not start with `untrusted comment:`".into())
            })?
            .to_string();
        let bytes = decode(
            line(1, "signature line")?.trim(),
            SIGNATURE_LEN,
            "signature",
        )?;
        let prehashed = match &bytes[..2] {
            b if b == PREHASHED => true,
            b if b == LEGACY => false,
            other => {
                return Err(Error::Unsupported(format!(
                "the signature uses algorithm {:?}; only Ed25519 (\"ED\", prehashed) is supported",
                String::from_utf8_lossy(other)
            )))
            }
        };
        let trusted_comment = line(2, "trusted comment")?
            .strip_prefix(TRUSTED_PREFIX)
            .ok_or_else(|| {
                Error::Malformed("the signature's third line is not a `trusted comment:`".into())
            })?
            .to_string();
        let global = decode(line(3, "global signature")?.trim(), 64, "global signature")?;
        Ok(Self {
            untrusted_comment,
            key_id: KeyId(bytes[2..10].try_into().expect("8 bytes")),
            prehashed,
            signature: bytes[10..].try_into().expect("64 bytes"),
            trusted_comment,
            global: global.try_into().expect("64 bytes"),
        })
    }

    /// Reads `path` (a `.minisig` file).
    pub fn read(path: &Path) -> Result<Self> {
        Self::parse(&std::fs::read_to_string(path)?)
    }

    /// The text of the `.minisig` file.
    pub fn to_text(&self) -> String {
        let mut bytes = Vec::with_capacity(SIGNATURE_LEN);
        bytes.extend_from_slice(if self.prehashed { PREHASHED } else { LEGACY });
        bytes.extend_from_slice(&self.key_id.0);
        bytes.extend_from_slice(&self.signature);
        let b64 = &base64::engine::general_purpose::STANDARD;
        format!(
            "{COMMENT_PREFIX}{}\n{}\n{TRUSTED_PREFIX}{}\n{}\n",
            self.untrusted_comment,
            b64.encode(bytes),
            self.trusted_comment,
            b64.encode(self.global)
        )
    }

    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The signed comment.
    pub fn trusted_comment(&self) -> &str {
        &self.trusted_comment
    }

    /// A `name:value` field of the trusted comment (fields are tab separated).
    pub fn trusted_field(&self, name: &str) -> Option<&str> {
        self.trusted_comment.split('\t').find_map(|field| {
            field
                .split_once(':')
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v)
        })
    }
}

impl SecretKey {
    /// Signs data whose digests are `digests`, with `trusted_comment`.
    pub fn sign_digests(&self, digests: &Digests, trusted_comment: &str) -> Result<Signature> {
        if trusted_comment.contains(['\n', '\r']) || trusted_comment.len() > TRUSTED_COMMENT_MAX {
            return Err(Error::Malformed(format!(
                "a trusted comment must be one line of at most {TRUSTED_COMMENT_MAX} bytes"
            )));
        }
        let key = self.signing_key();
        let signature = key.sign(&digests.blake2b512).to_bytes();
        let mut global_message = signature.to_vec();
        global_message.extend_from_slice(trusted_comment.as_bytes());
        let global = key.sign(&global_message).to_bytes();
        Ok(Signature {
            untrusted_comment: format!("signature from vitte-buildkit secret key {}", self.id()),
            key_id: self.id(),
            prehashed: true,
            signature,
            trusted_comment: trusted_comment.to_string(),
            global,
        })
    }

    /// Signs the file at `path`, streamed, with [`trusted_comment`] for its
    /// name and `timestamp`; returns the signature and the file's digests.
    pub fn sign_file(&self, path: &Path, timestamp: u64) -> Result<(Signature, Digests)> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(Error::Malformed(format!(
                "cannot sign {}: the file name must be non-empty, without control characters",
                path.display()
            )));
        }
        let digests = Digests::of_file(path)?;
        let signature =
            self.sign_digests(&digests, &trusted_comment(&name, &digests, timestamp))?;
        Ok((signature, digests))
    }
}

impl PublicKey {
    /// Checks `signature` against data with `digests`: key id, the signature
    /// of the data, and the global signature over the trusted comment.
    pub fn verify_digests(&self, signature: &Signature, digests: &Digests) -> Result<()> {
        if signature.key_id != self.id() {
            return Err(Error::KeyMismatch {
                signed_by: signature.key_id,
                public_key: self.id(),
            });
        }
        if !signature.prehashed {
            return Err(Error::Unsupported(
                "legacy (non-prehashed \"Ed\") signature: sign again with a current minisign or vitte-buildkit"
                    .into(),
            ));
        }
        let key = self.verifying_key();
        let sig = ed25519_dalek::Signature::from_bytes(&signature.signature);
        key.verify_strict(&digests.blake2b512, &sig).map_err(|_| {
            Error::BadSignature("the signature does not match the file's content".into())
        })?;
        let mut global_message = signature.signature.to_vec();
        global_message.extend_from_slice(signature.trusted_comment.as_bytes());
        let global = ed25519_dalek::Signature::from_bytes(&signature.global);
        key.verify_strict(&global_message, &global).map_err(|_| {
            Error::BadSignature("the trusted comment's signature does not match".into())
        })?;
        Ok(())
    }

    /// Verifies the file at `path`, streamed, against `signature`; also
    /// checks the file name and SHA-256 the trusted comment names, if any.
    pub fn verify_file(&self, path: &Path, signature: &Signature) -> Result<Digests> {
        let digests = Digests::of_file(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.verify_named(&name, signature, &digests)?;
        Ok(digests)
    }

    /// [`PublicKey::verify_digests`], then checks the file name and SHA-256
    /// the trusted comment names, if any, against `name` and `digests`.
    pub fn verify_named(&self, name: &str, signature: &Signature, digests: &Digests) -> Result<()> {
        self.verify_digests(signature, digests)?;
        if let Some(signed) = signature.trusted_field("file") {
            if signed != name {
                return Err(Error::BadSignature(format!(
                    "the signature is for file `{signed}`, not `{name}`"
                )));
            }
        }
        if let Some(sha256) = signature.trusted_field("sha256") {
            if sha256 != digests.sha256_hex() {
                return Err(Error::BadSignature(format!(
                    "the trusted comment names SHA-256 {sha256}, the file's is {}",
                    digests.sha256_hex()
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digests(data: &[u8]) -> Digests {
        Digests::of_reader(data).unwrap()
    }

    #[test]
    fn sign_then_verify_and_detect_changes() {
        let key = SecretKey::generate().unwrap();
        let public = key.public_key();
        let d = digests(b"hello");
        let sig = key
            .sign_digests(&d, &trusted_comment("a.txt", &d, 1_700_000_000))
            .unwrap();
        let parsed = Signature::parse(&sig.to_text()).unwrap();
        assert_eq!(parsed, sig);
        assert_eq!(parsed.trusted_field("file"), Some("a.txt"));
        assert_eq!(parsed.trusted_field("timestamp"), Some("1700000000"));
        public.verify_digests(&parsed, &d).unwrap();
        let err = public
            .verify_digests(&parsed, &digests(b"hellO"))
            .unwrap_err();
        assert!(matches!(err, Error::BadSignature(_)), "{err}");

        let mut tampered = parsed.clone();
        tampered.trusted_comment = tampered.trusted_comment.replace("a.txt", "b.txt");
        let err = public.verify_digests(&tampered, &d).unwrap_err();
        assert!(err.to_string().contains("trusted comment"), "{err}");

        let other = SecretKey::generate().unwrap().public_key();
        let err = other.verify_digests(&parsed, &d).unwrap_err();
        assert!(matches!(err, Error::KeyMismatch { .. }), "{err}");
    }

    #[test]
    fn truncated_signature_is_named() {
        let key = SecretKey::generate().unwrap();
        let d = digests(b"x");
        let text = key.sign_digests(&d, "t").unwrap().to_text();
        let two_lines: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
        let err = Signature::parse(&two_lines).unwrap_err().to_string();
        assert!(
            err.contains("truncated") && err.contains("trusted comment"),
            "{err}"
        );
        assert!(key.sign_digests(&d, "a\nb").is_err());
    }
}
