//! minisign keys: the public key (`Ed` + 8-byte key id + 32-byte Ed25519
//! key), the secret key file (encrypted with a password by minisign's scrypt
//! scheme, or not), generation from the operating system's random source,
//! and reading both from their text form with errors that say what is wrong.
//!
//! The secret key file, after its base64 is decoded, is 158 bytes:
//!
//! ```text
//! "Ed" | kdf "Sc" or 00 00 | "B2" | salt[32] | opslimit u64 LE | memlimit u64 LE
//!      | key id[8] | seed[32] | public key[32] | checksum[32]
//! ```
//!
//! The last 104 bytes are XORed with the scrypt keystream when the key is
//! encrypted. The checksum is BLAKE2b-256 of `"Ed" | key id | seed | public key`.

use std::fmt;

use base64::Engine;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::kdf;

const SIG_ALG: &[u8; 2] = b"Ed";
const KDF_SCRYPT: &[u8; 2] = b"Sc";
const KDF_NONE: &[u8; 2] = b"\0\0";
const CHK_ALG: &[u8; 2] = b"B2";
pub(crate) const COMMENT_PREFIX: &str = "untrusted comment: ";

const PUBLIC_LEN: usize = 2 + 8 + 32;
const SECRET_LEN: usize = 2 + 2 + 2 + 32 + 8 + 8 + SECRET_TAIL;
/// Key id, seed, public key and checksum: the part that is encrypted.
const SECRET_TAIL: usize = 8 + 64 + 32;
const TAIL_START: usize = SECRET_LEN - SECRET_TAIL;

/// A key's 8-byte id, shown as minisign shows it: the bytes read as a
/// little-endian number, in upper-case hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 8]);

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// A minisign public key.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PublicKey {
    id: KeyId,
    key: VerifyingKey,
}

impl PublicKey {
    /// Reads a public key file (`untrusted comment:` line, then the base64
    /// line) or the base64 line alone, as `minisign -P` takes it.
    pub fn parse(text: &str) -> Result<Self> {
        let line = key_line(text, "public key")?;
        let bytes = decode(line, PUBLIC_LEN, "public key")?;
        if &bytes[..2] != SIG_ALG {
            return Err(unknown_algorithm("public key", &bytes[..2]));
        }
        let id = KeyId(bytes[2..10].try_into().expect("8 bytes"));
        let key = VerifyingKey::from_bytes(bytes[10..].try_into().expect("32 bytes"))
            .map_err(|_| Error::Malformed("the public key is not a valid Ed25519 point".into()))?;
        Ok(Self { id, key })
    }

    /// The key file's text, as minisign writes it.
    pub fn to_text(&self) -> String {
        format!(
            "{COMMENT_PREFIX}minisign public key {}\n{}\n",
            self.id,
            self.to_base64()
        )
    }

    /// The base64 line alone (what `minisign -P` takes).
    pub fn to_base64(&self) -> String {
        let mut bytes = Vec::with_capacity(PUBLIC_LEN);
        bytes.extend_from_slice(SIG_ALG);
        bytes.extend_from_slice(&self.id.0);
        bytes.extend_from_slice(self.key.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// A decrypted minisign secret key. Its bytes are wiped when it is dropped,
/// and it is never printed: `Debug` shows only the key id.
pub struct SecretKey {
    id: KeyId,
    key: SigningKey,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.id)
    }
}

impl SecretKey {
    /// A new key pair from the operating system's random source.
    pub fn generate() -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        let mut id = [0u8; 8];
        random(seed.as_mut())?;
        random(&mut id)?;
        Ok(Self {
            id: KeyId(id),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Reads and decrypts a secret key file's text in one step.
    pub fn parse(text: &str, password: Option<&str>) -> Result<Self> {
        SecretKeyFile::parse(text)?.decrypt(password)
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            id: self.id,
            key: self.key.verifying_key(),
        }
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// The key file's text: encrypted with `password` using minisign's
    /// default scrypt limits, or unencrypted when `password` is `None`.
    pub fn to_text(&self, password: Option<&str>) -> Result<Zeroizing<String>> {
        let mut bytes = Zeroizing::new(vec![0u8; SECRET_LEN]);
        bytes[..2].copy_from_slice(SIG_ALG);
        bytes[4..6].copy_from_slice(CHK_ALG);
        bytes[TAIL_START..TAIL_START + 8].copy_from_slice(&self.id.0);
        bytes[TAIL_START + 8..TAIL_START + 40].copy_from_slice(self.key.as_bytes());
        bytes[TAIL_START + 40..TAIL_START + 72]
            .copy_from_slice(self.key.verifying_key().as_bytes());
        let checksum = checksum(&bytes[TAIL_START..TAIL_START + 72]);
        bytes[TAIL_START + 72..].copy_from_slice(&checksum);
        let comment = match password {
            None => {
                bytes[2..4].copy_from_slice(KDF_NONE);
                "minisign unencrypted secret key"
            }
            Some(password) => {
                bytes[2..4].copy_from_slice(KDF_SCRYPT);
                let mut salt = [0u8; 32];
                random(&mut salt)?;
                bytes[6..38].copy_from_slice(&salt);
                bytes[38..46].copy_from_slice(&kdf::DEFAULT_OPSLIMIT.to_le_bytes());
                bytes[46..54].copy_from_slice(&kdf::DEFAULT_MEMLIMIT.to_le_bytes());
                let stream = kdf::keystream(
                    password.as_bytes(),
                    &salt,
                    kdf::DEFAULT_OPSLIMIT,
                    kdf::DEFAULT_MEMLIMIT,
                    SECRET_TAIL,
                )?;
                xor(&mut bytes[TAIL_START..], &stream);
                "minisign encrypted secret key"
            }
        };
        let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(&bytes[..]));
        Ok(Zeroizing::new(format!(
            "{COMMENT_PREFIX}{comment}\n{}\n",
            encoded.as_str()
        )))
    }
}

/// A secret key file that has been read but not decrypted yet: its
/// structure is checked, so a bad file is refused before a password is asked.
pub struct SecretKeyFile {
    bytes: Zeroizing<Vec<u8>>,
}

impl SecretKeyFile {
    /// Checks the text's structure: comment and base64 lines, length,
    /// signature, key-derivation and checksum algorithms.
    pub fn parse(text: &str) -> Result<Self> {
        let line = key_line(text, "secret key")?;
        if line.len() == PUBLIC_LEN.div_ceil(3) * 4 {
            return Err(Error::Malformed(
                "this is a public key, not a secret key: pass the secret key file (vitte-buildkit.key)"
                    .into(),
            ));
        }
        let bytes = Zeroizing::new(decode(line, SECRET_LEN, "secret key")?);
        if &bytes[..2] != SIG_ALG {
            return Err(unknown_algorithm("secret key", &bytes[..2]));
        }
        if &bytes[4..6] != CHK_ALG {
            return Err(Error::Unsupported(format!(
                "the secret key uses checksum algorithm {:?}; only BLAKE2b (\"B2\") is supported",
                String::from_utf8_lossy(&bytes[4..6])
            )));
        }
        let kdf = &bytes[2..4];
        if kdf != KDF_SCRYPT && kdf != KDF_NONE {
            return Err(Error::Unsupported(format!(
                "the secret key uses key derivation {:?}; only scrypt (\"Sc\") or none is supported",
                String::from_utf8_lossy(kdf)
            )));
        }
        Ok(Self { bytes })
    }

    /// Whether a password is needed to decrypt the key.
    pub fn is_encrypted(&self) -> bool {
        &self.bytes[2..4] == KDF_SCRYPT
    }

    /// Decrypts (when encrypted) and checks the key.
    pub fn decrypt(&self, password: Option<&str>) -> Result<SecretKey> {
        let mut tail = Zeroizing::new(self.bytes[TAIL_START..].to_vec());
        let encrypted = self.is_encrypted();
        if encrypted {
            let password = password.ok_or(Error::PasswordRequired)?;
            let salt = &self.bytes[6..38];
            let opslimit = u64::from_le_bytes(self.bytes[38..46].try_into().expect("8 bytes"));
            let memlimit = u64::from_le_bytes(self.bytes[46..54].try_into().expect("8 bytes"));
            let stream =
                kdf::keystream(password.as_bytes(), salt, opslimit, memlimit, SECRET_TAIL)?;
            xor(&mut tail, &stream);
        }
        let stored = &tail[72..];
        // minisign leaves the checksum of an unencrypted key zeroed.
        let unchecked = !encrypted && stored.iter().all(|&b| b == 0);
        if !unchecked && checksum(&tail[..72])[..] != stored[..] {
            return Err(if encrypted {
                Error::WrongPassword
            } else {
                Error::Corrupted("its checksum does not match".into())
            });
        }
        let id = KeyId(tail[..8].try_into().expect("8 bytes"));
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&tail[8..40]);
        let key = SigningKey::from_bytes(&seed);
        if key.verifying_key().as_bytes()[..] != tail[40..72] {
            return Err(Error::Corrupted(
                "its public half does not belong to its secret half".into(),
            ));
        }
        Ok(SecretKey { id, key })
    }
}

/// BLAKE2b-256 of `"Ed" | key id | seed | public key`.
fn checksum(id_and_keys: &[u8]) -> [u8; 32] {
    let mut hasher = Blake2b::<U32>::new();
    hasher.update(SIG_ALG);
    hasher.update(id_and_keys);
    hasher.finalize().into()
}

fn xor(data: &mut [u8], stream: &[u8]) {
    for (d, s) in data.iter_mut().zip(stream) {
        *d ^= s;
    }
}

fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf).map_err(|e| Error::Random(e.to_string()))
}

fn unknown_algorithm(what: &str, alg: &[u8]) -> Error {
    Error::Unsupported(format!(
        "the {what} is for signature algorithm {:?}; only Ed25519 (\"Ed\") is supported",
        String::from_utf8_lossy(alg)
    ))
}

/// The base64 line of a key file: the line after the `untrusted comment:`
/// line, or the only line.
fn key_line<'t>(text: &'t str, what: &str) -> Result<&'t str> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines
        .next()
        .ok_or_else(|| Error::Malformed(format!("the {what} is empty")))?;
    if first.starts_with(COMMENT_PREFIX.trim_end()) {
        lines.next().ok_or_else(|| {
            Error::Malformed(format!(
                "the {what} is truncated: nothing follows its `untrusted comment:` line"
            ))
        })
    } else if first.starts_with("trusted comment:") {
        Err(Error::Malformed(format!(
            "this is a signature, not a {what}"
        )))
    } else {
        Ok(first)
    }
}

/// Decodes a base64 line that must hold exactly `len` bytes.
pub(crate) fn decode(line: &str, len: usize, what: &str) -> Result<Vec<u8>> {
    let expected_chars = len.div_ceil(3) * 4;
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(line)
        .map_err(|e| {
            if line.len() < expected_chars
                && line.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            {
                Error::Malformed(format!(
                    "the {what} is truncated: its base64 line has {} of {expected_chars} characters",
                    line.len()
                ))
            } else {
                Error::Malformed(format!("the {what} is not valid base64: {e}"))
            }
        })?;
    if bytes.len() != len {
        let n = bytes.len();
        bytes.zeroize();
        return Err(Error::Malformed(if n < len {
            format!("the {what} is truncated: {n} of {len} bytes")
        } else {
            format!("the {what} is {n} bytes long, {len} expected: is it really a minisign {what}?")
        }));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unencrypted_round_trip() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_text(None).unwrap();
        let file = SecretKeyFile::parse(&text).unwrap();
        assert!(!file.is_encrypted());
        let back = file.decrypt(None).unwrap();
        assert_eq!(back.id(), key.id());
        assert_eq!(back.public_key(), key.public_key());
        let public = PublicKey::parse(&key.public_key().to_text()).unwrap();
        assert_eq!(public, key.public_key());
        assert_eq!(PublicKey::parse(&public.to_base64()).unwrap(), public);
    }

    #[test]
    fn bad_texts_get_clear_errors() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_text(None).unwrap();
        let cut = &text[..text.len() - 40];
        let err = SecretKeyFile::parse(cut).err().unwrap().to_string();
        assert!(err.contains("truncated"), "{err}");
        let err = SecretKeyFile::parse("untrusted comment: x\n")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("truncated"), "{err}");
        let err = SecretKeyFile::parse("untrusted comment: x\n!!!!\n")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("base64"), "{err}");
        let public = key.public_key().to_text();
        let err = SecretKeyFile::parse(&public).err().unwrap().to_string();
        assert!(err.contains("this is a public key"), "{err}");
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(public.lines().nth(1).unwrap())
            .unwrap();
        bytes[0] = b'X';
        let other = base64::engine::general_purpose::STANDARD.encode(bytes);
        let err = PublicKey::parse(&other).unwrap_err().to_string();
        assert!(err.contains("signature algorithm \"Xd\""), "{err}");
    }

    #[test]
    fn corrupted_unencrypted_key_is_refused() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_text(None).unwrap();
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(text.lines().nth(1).unwrap())
            .unwrap();
        bytes[TAIL_START + 20] ^= 1;
        let text = format!(
            "untrusted comment: x\n{}\n",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        );
        let err = SecretKey::parse(&text, None).unwrap_err().to_string();
        assert!(err.contains("corrupted"), "{err}");
    }
}
