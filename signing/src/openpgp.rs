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
//!
//! The key also signs: detached signatures (apt's `Release.gpg`, dnf's
//! `repomd.xml.asc`, the `_gpgorigin` member of a signed .deb) and
//! cleartext-signed text (apt's `InRelease`). The signature's time is given
//! by the caller (SOURCE_DATE_EPOCH), so a signature is reproducible too.

use std::io::Read;

use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, Deserializable, DetachedSignature, SignedKeyDetails,
    SignedSecretKey,
};
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

    /// Reads back an armored secret key from [`Self::secret_armored`].
    pub fn from_secret_armored(text: &str) -> Result<Self> {
        let (key, _) = SignedSecretKey::from_string(text).map_err(pgp_error)?;
        key.verify_bindings().map_err(pgp_error)?;
        Ok(Self { key })
    }

    /// The signature settings every signature of this key uses: v4, SHA-256,
    /// the creation time `time` and the issuer's fingerprint and key id.
    /// A time before the key's own creation is moved up to it: gpg refuses
    /// a signature older than its key.
    fn signature_config(&self, kind: SignatureType, time: u32) -> Result<SignatureConfig> {
        let primary = &self.key.primary_key;
        let time = time.max(CREATION_TIME);
        let mut config =
            SignatureConfig::v4(kind, PublicKeyAlgorithm::EdDSALegacy, HashAlgorithm::Sha256);
        config.hashed_subpackets = vec![
            Subpacket::regular(SubpacketData::SignatureCreationTime(Timestamp::from_secs(
                time,
            )))
            .map_err(pgp_error)?,
            Subpacket::regular(SubpacketData::IssuerFingerprint(primary.fingerprint()))
                .map_err(pgp_error)?,
        ];
        config.unhashed_subpackets =
            vec![
                Subpacket::regular(SubpacketData::IssuerKeyId(primary.legacy_key_id()))
                    .map_err(pgp_error)?,
            ];
        Ok(config)
    }

    /// An armored detached binary signature over everything `data` yields,
    /// made at `time` (seconds since the epoch): `gpg --armor --detach-sign`.
    pub fn sign_detached(&self, data: impl Read, time: u32) -> Result<String> {
        let signature = self
            .signature_config(SignatureType::Binary, time)?
            .sign(&self.key.primary_key, &Password::empty(), data)
            .map_err(pgp_error)?;
        DetachedSignature::new(signature)
            .to_armored_string(ArmorOptions::default())
            .map_err(pgp_error)
    }

    /// `text` cleartext-signed at `time`: `gpg --clearsign`, what apt reads
    /// as `InRelease`.
    pub fn clearsign(&self, text: &str, time: u32) -> Result<String> {
        let config = self.signature_config(SignatureType::Text, time)?;
        CleartextSignedMessage::new(text, config, &self.key.primary_key, &Password::empty())
            .and_then(|message| message.to_armored_string(ArmorOptions::default()))
            .map_err(pgp_error)
    }

    /// The key id gpg shows and debsig-verify names its folders by: the
    /// last 16 hex digits of the fingerprint.
    pub fn key_id(&self) -> String {
        let fingerprint = self.fingerprint();
        fingerprint[fingerprint.len() - 16..].to_string()
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

    #[test]
    fn signatures_are_deterministic_and_verify() {
        let key = SecretKey::generate().unwrap().openpgp().unwrap();
        let again = OpenPgpKey::from_secret_armored(&key.secret_armored().unwrap()).unwrap();
        assert_eq!(again.fingerprint(), key.fingerprint());
        let detached = key.sign_detached(&b"payload"[..], 1_700_000_000).unwrap();
        assert_eq!(
            detached,
            again.sign_detached(&b"payload"[..], 1_700_000_000).unwrap()
        );
        let (signature, _) = DetachedSignature::from_string(&detached).unwrap();
        let public = key.key.to_public_key();
        signature.verify(&public, b"payload").unwrap();
        assert!(signature.verify(&public, b"other").is_err());
        let signed = key.clearsign("Origin: x\nSuite: stable\n", 1).unwrap();
        let (message, _) = CleartextSignedMessage::from_string(&signed).unwrap();
        message.verify(&public).unwrap();
        assert_eq!(key.key_id().len(), 16);
        assert!(key.fingerprint().ends_with(&key.key_id()));
    }
}
