//! The credentials vault (DESIGN §4, issue 13): each tenant's secrets, encrypted at rest under
//! a per-tenant data key ([`crypto`]).

pub mod crypto;
pub mod items;

use hub_model::HubResult;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The bytes of the key-encryption key files, as the server read them: the current KEK and,
/// while a rotation has not finished, the previous one. Never printed.
#[derive(Clone, Default)]
pub struct KekFiles {
    pub current: Option<Arc<Zeroizing<Vec<u8>>>>,
    pub previous: Option<Arc<Zeroizing<Vec<u8>>>>,
}

impl std::fmt::Debug for KekFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KekFiles")
            .field("current", &self.current.is_some())
            .field("previous", &self.previous.is_some())
            .finish()
    }
}

impl KekFiles {
    /// From the current key file's bytes.
    pub fn new(current: Vec<u8>) -> Self {
        Self {
            current: Some(Arc::new(Zeroizing::new(current))),
            previous: None,
        }
    }

    /// The ring the hub works with. Without a configured KEK (a hub built without one, e.g.
    /// by a tool) a random one stands in: nothing it seals outlives the process, and a vault
    /// written by a configured hub does not open with it (the fingerprints differ).
    pub(crate) fn key_ring(&self) -> HubResult<crypto::KeyRing> {
        let current = match &self.current {
            Some(bytes) => crypto::Kek::from_bytes(bytes)?,
            None => crypto::Kek::generate().0,
        };
        let previous = self
            .previous
            .as_ref()
            .map(|bytes| crypto::Kek::from_bytes(bytes))
            .transpose()?;
        Ok(crypto::KeyRing::new(current, previous))
    }
}
