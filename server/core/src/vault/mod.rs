//! The credentials vault (DESIGN §4, issue 13): each tenant's secrets, encrypted at rest under
//! a per-tenant data key ([`crypto`]).

pub mod crypto;
pub mod governance;
pub mod items;

use hub_model::HubResult;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The bytes of the key-encryption key files, as the server read them: the current KEK and
/// others still accepted (the one before a rotation, the one an unfinished rotation moves to).
/// Never printed.
#[derive(Clone, Default)]
pub struct KekFiles {
    pub current: Option<Arc<Zeroizing<Vec<u8>>>>,
    pub others: Vec<Arc<Zeroizing<Vec<u8>>>>,
}

impl std::fmt::Debug for KekFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KekFiles")
            .field("current", &self.current.is_some())
            .field("others", &self.others.len())
            .finish()
    }
}

impl KekFiles {
    /// From the current key file's bytes.
    pub fn new(current: Vec<u8>) -> Self {
        Self {
            current: Some(Arc::new(Zeroizing::new(current))),
            others: Vec::new(),
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
        let others = self
            .others
            .iter()
            .map(|bytes| crypto::Kek::from_bytes(bytes))
            .collect::<Result<_, _>>()?;
        Ok(crypto::KeyRing::new(current, others))
    }
}

/// What the rotation does as the hub itself.
const ROTATE: crate::SystemTask = crate::SystemTask::new("rotate the vault's key-encryption key");

impl crate::Hub {
    /// Re-wraps every tenant's data keys under `to`, in one transaction: all of them or none
    /// (an unreadable key anywhere stops it and changes nothing). Returns how many were
    /// re-wrapped. Keys already under `to` (a rotation run again) are left as they are.
    pub async fn rotate_vault_kek(&self, to: &crypto::Kek) -> HubResult<usize> {
        use crate::db::DbResultExt as _;
        #[derive(sqlx::FromRow)]
        struct KeyRow {
            version: i64,
            wrapped: String,
            kek_fingerprint: String,
        }
        let mut tx = self.system_write(ROTATE).await?;
        let tenants: Vec<String> = sqlx::query_scalar("SELECT id FROM tenants ORDER BY id")
            .fetch_all(&mut **tx.tx())
            .await
            .db()?;
        let mut rewrapped = 0;
        for tenant in tenants {
            let id = hub_model::TenantId::parse(&tenant)
                .ok_or_else(|| crate::db::internal(&"tenant id"))?;
            tx.enter_tenant(id).await?;
            let keys: Vec<KeyRow> = sqlx::query_as(
                "SELECT version, wrapped, kek_fingerprint FROM vault_keys WHERE tenant_id = $1",
            )
            .bind(&tenant)
            .fetch_all(&mut **tx.tx())
            .await
            .db()?;
            for key in keys {
                if key.kek_fingerprint == to.fingerprint() {
                    continue;
                }
                let wrapped = self.vault_keys().rewrap(
                    id,
                    key.version,
                    &key.wrapped,
                    &key.kek_fingerprint,
                    to,
                )?;
                sqlx::query(
                    "UPDATE vault_keys SET wrapped = $3, kek_fingerprint = $4 \
                     WHERE tenant_id = $1 AND version = $2",
                )
                .bind(&tenant)
                .bind(key.version)
                .bind(wrapped)
                .bind(to.fingerprint())
                .execute(&mut **tx.tx())
                .await
                .db()?;
                rewrapped += 1;
            }
        }
        let event = crate::audit::AuditEvent::allowed(
            &crate::Caller::System(ROTATE),
            hub_model::audit::AuditAction::VaultRotateKek,
            None,
            "vault",
            format!(
                "{rewrapped} data keys re-wrapped under {}",
                to.fingerprint()
            ),
        );
        event.record(&mut **tx.tx()).await?;
        tx.commit().await?;
        Ok(rewrapped)
    }
}
