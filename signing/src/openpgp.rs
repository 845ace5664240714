//! The minisign key as an OpenPGP key, for formats and tools that speak
//! OpenPGP: the RPM header signature (`rpm --import` / `rpm -K`) and apt's
//! `signed-by`.
//!
//! The same Ed25519 secret becomes an OpenPGP v4 primary key (algorithm 22,
//! EdDSA on Ed25519) that can certify and sign, with one user id and its
//! positive self-certification. Everything that goes into the key is
//! derived from the minisign key or fixed: the key's creation time and the
//! self-signature's time are [`CREATION_TIME`], and Ed25519 signatures are
//! deterministic, so one minisign key always gives the same OpenPGP key,
//! byte for byte, with the same fingerprint.

use pgp::composed::{ArmorOptions, SignedKeyDetails, SignedSecretKey};
use pgp::crypto::ed25519::{Mode, SecretKey as PgpEd25519};
use pgp::crypto::eddsa_legacy::SecretKey as PgpEddsaLegacy;
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::packet::{
    KeyFlags, PacketTrait, PubKeyInner, PublicKey as PgpPublicKey, SecretKey as PgpSecretKey,
    SignatureConfig, SignatureType, Subpacket, SubpacketData, UserId,
};
use pgp::types::{
    EddsaLegacyPublicParams, KeyDetails, KeyVersion, PacketHeaderVersion, Password,
    PlainSecretParams, PublicParams, SecretParams, Timestamp,
};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::key::SecretKey;

/// The OpenPGP key's creation time, and its self-signature's: 2020-01-01
/// 00:00:00 UTC. Fixed, because the fingerprint hashes it: a changing time
/// would give the same minisign key a new OpenPGP fingerprint on each export.
pub const CREATION_TIME: u32 = 1_577_836_800;

/// A signed OpenPGP secret key derived from a minisign [`SecretKey`].
pub struct OpenPgpKey {
    key: SignedSecretKey,
}

impl std::fmt::Debug for OpenPgpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OpenPgpKey({})", self.fingerprint())
    }
}

impl OpenPgpKey {
    /// The OpenPGP form of `key`, with user id `user_id`.
    pub fn new(key: &SecretKey, user_id: &str) -> Result<Self> {
        let created = Timestamp::from_secs(CREATION_TIME);
        let seed = Zeroizing::new(key.signing_key().to_bytes());
        let secret = PgpEd25519::try_from_bytes(*seed, Mode::EdDSALegacy).map_err(pgp_error)?;
        let public_params = PublicParams::EdDSALegacy(EddsaLegacyPublicParams::Ed25519 {
            key: key.signing_key().verifying_key(),
        });
        let inner = PubKeyInner::new(
            KeyVersion::V4,
            PublicKeyAlgorithm::EdDSALegacy,
            created,
            None,
            public_params,
        )
        .map_err(pgp_error)?;
        let public = PgpPublicKey::from_inner(inner).map_err(pgp_error)?;
        let primary = PgpSecretKey::new(
            public,
            SecretParams::Plain(PlainSecretParams::EdDSALegacy(PgpEddsaLegacy::Ed25519(
                secret,
            ))),
        )
        .map_err(pgp_error)?;

        let user = UserId::from_str(PacketHeaderVersion::New, user_id).map_err(pgp_error)?;
        let mut flags = KeyFlags::default();
        flags.set_certify(true);
        flags.set_sign(true);
        let mut config = SignatureConfig::v4(
            SignatureType::CertPositive,
            PublicKeyAlgorithm::EdDSALegacy,
            HashAlgorithm::Sha256,
        );
        config.hashed_subpackets = vec![
            Subpacket::regular(SubpacketData::SignatureCreationTime(created)).map_err(pgp_error)?,
            Subpacket::regular(SubpacketData::IssuerFingerprint(primary.fingerprint()))
                .map_err(pgp_error)?,
            Subpacket::regular(SubpacketData::KeyFlags(flags)).map_err(pgp_error)?,
            Subpacket::regular(SubpacketData::PreferredHashAlgorithms(
                [HashAlgorithm::Sha256, HashAlgorithm::Sha512]
                    .into_iter()
                    .collect(),
            ))
            .map_err(pgp_error)?,
            Subpacket::regular(SubpacketData::IsPrimary(true)).map_err(pgp_error)?,
        ];
        config.unhashed_subpackets =
            vec![
                Subpacket::regular(SubpacketData::IssuerKeyId(primary.legacy_key_id()))
                    .map_err(pgp_error)?,
            ];
        let certification = config
            .sign_certification(
                &primary,
                primary.public_key(),
                &Password::empty(),
                user.tag(),
                &user,
            )
            .map_err(pgp_error)?;
        let details = SignedKeyDetails::new(
            Vec::new(),
            Vec::new(),
            vec![user.into_signed(certification)],
            Vec::new(),
        );
        let key = SignedSecretKey::new(primary, details, Vec::new(), Vec::new());
        key.verify_bindings().map_err(pgp_error)?;
        Ok(Self { key })
    }

    /// The v4 fingerprint, upper-case hex (40 digits).
    pub fn fingerprint(&self) -> String {
        self.key
            .primary_key
            .fingerprint()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }

    /// The armored secret key, unprotected (no passphrase): what the RPM
    /// backend signs with. Wiped from memory when dropped.
    pub fn secret_armored(&self) -> Result<Zeroizing<String>> {
        self.key
            .to_armored_string(ArmorOptions::default())
            .map(Zeroizing::new)
            .map_err(pgp_error)
    }

    /// The armored public key (`.asc`), for `rpm --import`, `gpg --import`
    /// and apt's `signed-by`.
    pub fn public_armored(&self) -> Result<String> {
        self.key
            .to_public_key()
            .to_armored_string(ArmorOptions::default())
            .map_err(pgp_error)
    }
}

impl SecretKey {
    /// This key as an OpenPGP key with the default user id
    /// `vitte-buildkit release key <KEY ID>`.
    pub fn openpgp(&self) -> Result<OpenPgpKey> {
        OpenPgpKey::new(self, &format!("vitte-buildkit release key {}", self.id()))
    }
}

fn pgp_error(e: pgp::errors::Error) -> Error {
    Error::OpenPgp(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgp::composed::Deserializable;
    use pgp::types::KeyDetails;

    #[test]
    fn export_is_deterministic_and_reads_back() {
        let key = SecretKey::generate().unwrap();
        let a = key.openpgp().unwrap();
        let b = key.openpgp().unwrap();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(*a.secret_armored().unwrap(), *b.secret_armored().unwrap());
        assert_eq!(a.public_armored().unwrap(), b.public_armored().unwrap());
        let (read, _) = SignedSecretKey::from_string(&a.secret_armored().unwrap()).unwrap();
        read.verify_bindings().unwrap();
        assert_eq!(
            read.primary_key.public_key().created_at().as_secs(),
            CREATION_TIME
        );
        let other = SecretKey::generate().unwrap().openpgp().unwrap();
        assert_ne!(a.fingerprint(), other.fingerprint());
    }
}
