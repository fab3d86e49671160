//! The vault's cryptography (DESIGN §4): envelope encryption with XChaCha20-Poly1305.
//!
//! - Each tenant has a random 256-bit **data key** per key version; item secrets are sealed
//!   with it. Associated data binds the tenant, the item and the key version, so a ciphertext
//!   copied to another row, another tenant or another version does not open.
//! - A data key is stored only **wrapped** by the key-encryption key (KEK) from the data
//!   directory (`keys.vault_kek`); the associated data binds the tenant and the version. A
//!   wrapped key names its KEK by a fingerprint, so during a KEK rotation both the old and the
//!   new KEK open what they wrapped ([`KeyRing`]).
//! - Keys in memory are zeroized when dropped. Sealed values are `nonce ‖ ciphertext ‖ tag`,
//!   base64 (standard, padded) in the database.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use chacha20poly1305::{
    aead::{Aead, KeyInit, Payload},
    XChaCha20Poly1305, XNonce,
};
use hub_model::{HubError, TenantId};
use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize, Zeroizing};

const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

/// Why something did not open: never which byte, never a key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the sealed value is not readable (damaged, or not ours)")]
    Malformed,
    #[error("the sealed value does not open with this key and context")]
    Rejected,
    #[error("no key-encryption key with fingerprint {0} is configured")]
    UnknownKek(String),
    #[error("a key must be {KEY_LEN} bytes")]
    KeyLength,
}

impl From<CryptoError> for HubError {
    fn from(error: CryptoError) -> Self {
        crate::db::internal(&format!("vault: {error}"))
    }
}

/// 32 secret bytes, zeroized when dropped.
struct SecretKey(Zeroizing<[u8; KEY_LEN]>);

impl SecretKey {
    fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        if bytes.len() != KEY_LEN {
            return Err(CryptoError::KeyLength);
        }
        key.copy_from_slice(bytes);
        Ok(Self(key))
    }

    fn random() -> Self {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rand::Rng::fill(&mut rand::thread_rng(), &mut key[..]);
        Self(key)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.0).into())
    }
}

/// Seals `plain` under `key` with `aad`: `nonce ‖ ciphertext ‖ tag`, base64.
fn seal(key: &SecretKey, plain: &[u8], aad: &[u8]) -> Result<String, CryptoError> {
    let nonce: [u8; NONCE_LEN] = rand::random();
    let sealed = key
        .cipher()
        .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad })
        .map_err(|_| CryptoError::Rejected)?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(STANDARD.encode(out))
}

/// Opens what [`seal`] made, with the same key and `aad`.
fn open(key: &SecretKey, sealed: &str, aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let bytes = STANDARD
        .decode(sealed)
        .map_err(|_| CryptoError::Malformed)?;
    if bytes.len() < NONCE_LEN + 16 {
        return Err(CryptoError::Malformed);
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
    key.cipher()
        .decrypt(&XNonce::from(nonce), Payload { msg: body, aad })
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Rejected)
}

/// A key-encryption key and its fingerprint (what wrapped keys name it by).
pub struct Kek {
    key: SecretKey,
    fingerprint: String,
}

impl Kek {
    /// From the 32 bytes of the key file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let key = SecretKey::from_slice(bytes)?;
        let digest = Sha256::new()
            .chain_update(b"msp-hub vault kek fingerprint v1")
            .chain_update(&key.0[..])
            .finalize();
        let fingerprint = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self { key, fingerprint })
    }

    /// A new random KEK (for `vault rotate-kek`), with its bytes to write to the key file.
    pub fn generate() -> (Self, Zeroizing<Vec<u8>>) {
        let key = SecretKey::random();
        let bytes = Zeroizing::new(key.0.to_vec());
        let kek = Self::from_bytes(&bytes).unwrap_or_else(|_| unreachable!("32 bytes"));
        (kek, bytes)
    }

    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

impl std::fmt::Debug for Kek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kek")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// The KEKs the hub accepts: the current one wraps new data keys; others (the one before a
/// rotation, the one a rotation is moving to) still open what they wrapped.
#[derive(Debug)]
pub struct KeyRing {
    current: Kek,
    others: Vec<Kek>,
}

/// A data key's place: its tenant and version.
fn key_aad(tenant: TenantId, version: i64) -> Vec<u8> {
    format!("msp-hub vault data key v1|{tenant}|{version}").into_bytes()
}

/// An item secret's place: its tenant, item and key version.
fn item_aad(tenant: TenantId, item: &str, version: i64) -> Vec<u8> {
    format!("msp-hub vault item v1|{tenant}|{item}|{version}").into_bytes()
}

impl KeyRing {
    pub fn new(current: Kek, others: Vec<Kek>) -> Self {
        Self { current, others }
    }

    /// The fingerprint new wrapped keys carry.
    pub fn current_fingerprint(&self) -> &str {
        self.current.fingerprint()
    }

    fn kek(&self, fingerprint: &str) -> Result<&Kek, CryptoError> {
        std::iter::once(&self.current)
            .chain(&self.others)
            .find(|k| k.fingerprint == fingerprint)
            .ok_or_else(|| CryptoError::UnknownKek(fingerprint.to_owned()))
    }

    /// A new data key for `tenant` at `version`, wrapped by the current KEK: (the key, the
    /// wrapped form to store, the KEK's fingerprint).
    pub fn new_data_key(
        &self,
        tenant: TenantId,
        version: i64,
    ) -> Result<(DataKey, String), CryptoError> {
        let key = SecretKey::random();
        let wrapped = seal(&self.current.key, &key.0[..], &key_aad(tenant, version))?;
        Ok((
            DataKey {
                key,
                tenant,
                version,
            },
            wrapped,
        ))
    }

    /// Opens a stored data key, with whichever configured KEK wrapped it.
    pub fn unwrap(
        &self,
        tenant: TenantId,
        version: i64,
        wrapped: &str,
        fingerprint: &str,
    ) -> Result<DataKey, CryptoError> {
        let plain = open(
            &self.kek(fingerprint)?.key,
            wrapped,
            &key_aad(tenant, version),
        )?;
        Ok(DataKey {
            key: SecretKey::from_slice(&plain)?,
            tenant,
            version,
        })
    }

    /// Re-wraps a stored data key under `to` (a rotation): what to store instead.
    pub fn rewrap(
        &self,
        tenant: TenantId,
        version: i64,
        wrapped: &str,
        fingerprint: &str,
        to: &Kek,
    ) -> Result<String, CryptoError> {
        let key = self.unwrap(tenant, version, wrapped, fingerprint)?;
        seal(&to.key, &key.key.0[..], &key_aad(tenant, version))
    }
}

/// One tenant's data key at one version, open in memory (zeroized when dropped).
pub struct DataKey {
    key: SecretKey,
    tenant: TenantId,
    version: i64,
}

impl DataKey {
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Seals an item's secret.
    pub fn seal(&self, item: &str, secret: &str) -> Result<String, CryptoError> {
        seal(
            &self.key,
            secret.as_bytes(),
            &item_aad(self.tenant, item, self.version),
        )
    }

    /// Opens an item's secret.
    pub fn open(&self, item: &str, sealed: &str) -> Result<Zeroizing<String>, CryptoError> {
        let mut plain = open(
            &self.key,
            sealed,
            &item_aad(self.tenant, item, self.version),
        )?;
        let text = String::from_utf8(std::mem::take(&mut *plain)).map_err(|e| {
            let mut bytes = e.into_bytes();
            bytes.zeroize();
            CryptoError::Malformed
        })?;
        Ok(Zeroizing::new(text))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKey")
            .field("tenant", &self.tenant)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> TenantId {
        TenantId(uuid::Uuid::new_v4())
    }

    #[test]
    fn a_secret_round_trips_and_every_displacement_is_refused() {
        let (kek, _) = Kek::generate();
        let ring = KeyRing::new(kek, Vec::new());
        let (a, b) = (tenant(), tenant());
        let (key, wrapped) = ring.new_data_key(a, 1).expect("key");
        let sealed = key.seal("item-1", "hunter2").expect("seal");
        assert!(!sealed.contains("hunter2"));
        let reopened = ring
            .unwrap(a, 1, &wrapped, ring.current_fingerprint())
            .expect("unwrap");
        assert_eq!(
            reopened.open("item-1", &sealed).expect("open").as_str(),
            "hunter2"
        );
        // Two seals of one secret differ (a fresh nonce each).
        assert_ne!(key.seal("item-1", "hunter2").expect("seal"), sealed);

        // Another row, another version, another tenant: refused.
        assert_eq!(
            key.open("item-2", &sealed).err(),
            Some(CryptoError::Rejected)
        );
        let fp = ring.current_fingerprint().to_owned();
        assert_eq!(
            ring.unwrap(a, 2, &wrapped, &fp).err(),
            Some(CryptoError::Rejected)
        );
        assert_eq!(
            ring.unwrap(b, 1, &wrapped, &fp).err(),
            Some(CryptoError::Rejected)
        );
        let (b_key, _) = ring.new_data_key(b, 1).expect("b key");
        assert_eq!(
            b_key.open("item-1", &sealed).err(),
            Some(CryptoError::Rejected)
        );

        // Tampered: any flipped bit, a cut, garbage.
        let mut bytes = STANDARD.decode(&sealed).expect("b64");
        for at in [0, NONCE_LEN, bytes.len() - 1] {
            bytes[at] ^= 1;
            assert_eq!(
                key.open("item-1", &STANDARD.encode(&bytes)).err(),
                Some(CryptoError::Rejected),
                "bit at {at}"
            );
            bytes[at] ^= 1;
        }
        assert_eq!(
            key.open("item-1", &STANDARD.encode(&bytes[..20])).err(),
            Some(CryptoError::Malformed)
        );
        assert_eq!(
            key.open("item-1", "not base64!").err(),
            Some(CryptoError::Malformed)
        );
    }

    #[test]
    fn a_rotation_keeps_both_keys_working_until_it_finishes() {
        let (old, old_bytes) = Kek::generate();
        let old_fp = old.fingerprint().to_owned();
        let a = tenant();
        let ring = KeyRing::new(old, Vec::new());
        let (key, wrapped) = ring.new_data_key(a, 1).expect("key");
        let sealed = key.seal("item", "s3cret").expect("seal");

        let (new, new_bytes) = Kek::generate();
        let new_fp = new.fingerprint().to_owned();
        assert_ne!(old_fp, new_fp);
        let rewrapped = ring.rewrap(a, 1, &wrapped, &old_fp, &new).expect("rewrap");
        // Mid-rotation: the new KEK is current, the old one still opens what it wrapped.
        let during = KeyRing::new(
            Kek::from_bytes(&new_bytes).expect("new"),
            vec![Kek::from_bytes(&old_bytes).expect("old")],
        );
        for (wrapped, fp) in [(&wrapped, &old_fp), (&rewrapped, &new_fp)] {
            let key = during.unwrap(a, 1, wrapped, fp).expect("either opens");
            assert_eq!(key.open("item", &sealed).expect("open").as_str(), "s3cret");
        }
        // After: only the new one.
        let after = KeyRing::new(Kek::from_bytes(&new_bytes).expect("new"), Vec::new());
        assert!(matches!(
            after.unwrap(a, 1, &wrapped, &old_fp),
            Err(CryptoError::UnknownKek(_))
        ));
        assert!(after.unwrap(a, 1, &rewrapped, &new_fp).is_ok());
        // A wrapped key claiming the new KEK but made by the old one does not open.
        assert_eq!(
            after.unwrap(a, 1, &wrapped, &new_fp).err(),
            Some(CryptoError::Rejected)
        );
        assert_eq!(
            Kek::from_bytes(&[0; 31]).err().map(|e| e.to_string()),
            Some(CryptoError::KeyLength.to_string())
        );
    }
}
