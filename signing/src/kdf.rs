//! minisign's password-based encryption of secret keys: scrypt
//! (libsodium's `crypto_pwhash_scryptsalsa208sha256`) turns the password,
//! a 32-byte salt and the key file's opslimit/memlimit into a keystream that
//! is XORed over the key id, secret key and checksum.
//!
//! libsodium does not store N, r and p: it derives them from the two limits
//! (its `pickparams`), so this module does the same to read and write keys
//! that minisign reads and writes.

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// minisign's defaults (libsodium's `*_SENSITIVE` limits): N = 2^20, r = 8, p = 1, 1 GiB.
pub const DEFAULT_OPSLIMIT: u64 = 33_554_432;
/// See [`DEFAULT_OPSLIMIT`].
pub const DEFAULT_MEMLIMIT: u64 = 1_073_741_824;

/// Keys asking for more memory than this are refused rather than attempted.
const MAX_MEMORY: u64 = 4 << 30;

/// scrypt's cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScryptParams {
    pub log_n: u8,
    pub r: u32,
    pub p: u32,
}

impl ScryptParams {
    /// libsodium's mapping from (opslimit, memlimit) to (N, r, p).
    pub fn from_limits(opslimit: u64, memlimit: u64) -> Self {
        let opslimit = opslimit.max(32_768);
        let r: u32 = 8;
        let first_log_n_above = |max_n: u64| {
            (1u8..63)
                .find(|&log_n| (1u64 << log_n) > max_n / 2)
                .unwrap_or(63)
        };
        if opslimit < memlimit / 32 {
            let log_n = first_log_n_above(opslimit / (u64::from(r) * 4));
            Self { log_n, r, p: 1 }
        } else {
            let log_n = first_log_n_above(memlimit / (u64::from(r) * 128));
            let max_rp = ((opslimit / 4) >> log_n).min(0x3fff_ffff);
            Self {
                log_n,
                r,
                p: ((max_rp as u32) / r).max(1),
            }
        }
    }

    /// Bytes of memory scrypt needs with these parameters.
    pub fn memory(&self) -> u64 {
        128u64
            .saturating_mul(u64::from(self.r))
            .saturating_mul(1u64 << self.log_n.min(63))
    }
}

/// The `len`-byte keystream for `password`, `salt` and the key's limits.
pub fn keystream(
    password: &[u8],
    salt: &[u8],
    opslimit: u64,
    memlimit: u64,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    let params = ScryptParams::from_limits(opslimit, memlimit);
    if params.memory() > MAX_MEMORY {
        return Err(Error::Kdf(format!(
            "the key's limits (opslimit {opslimit}, memlimit {memlimit}) need {} MiB, more than the {} MiB allowed",
            params.memory() >> 20,
            MAX_MEMORY >> 20
        )));
    }
    // `len` of Params only matters to the password-hash API, not to scrypt().
    let scrypt_params = scrypt::Params::new(params.log_n, params.r, params.p, 64)
        .map_err(|e| Error::Kdf(format!("invalid scrypt parameters {params:?}: {e}")))?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    scrypt::scrypt(password, salt, &scrypt_params, &mut out)
        .map_err(|e| Error::Kdf(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minisign_defaults_map_to_n_2_20_r_8_p_1() {
        let p = ScryptParams::from_limits(DEFAULT_OPSLIMIT, DEFAULT_MEMLIMIT);
        assert_eq!(
            p,
            ScryptParams {
                log_n: 20,
                r: 8,
                p: 1
            }
        );
        assert_eq!(p.memory(), 1 << 30);
    }

    #[test]
    fn small_opslimit_takes_the_first_branch() {
        // libsodium's interactive limits: opslimit 524288, memlimit 16 MiB.
        let p = ScryptParams::from_limits(524_288, 16_777_216);
        assert_eq!(
            p,
            ScryptParams {
                log_n: 14,
                r: 8,
                p: 1
            }
        );
    }

    #[test]
    fn huge_limits_are_refused() {
        let err = keystream(b"pw", &[0; 32], u64::MAX, u64::MAX, 104).unwrap_err();
        assert!(err.to_string().contains("more than"), "{err}");
    }
}
