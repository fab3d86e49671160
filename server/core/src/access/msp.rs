//! The MSP-scope transaction: MSP administration (tenants, technicians, license, branding,
//! API keys) gets its connection only from an [`MspTx`], and an `MspTx` exists only after
//! the caller passed the check, before any input is looked at: a caller who may not act is
//! refused (and audited) whatever they send. It sets no tenant scope, so on PostgreSQL
//! row-level security still hides every tenant's own rows from it.

use crate::{caller::Caller, db::DbResultExt as _, Hub};
use hub_model::{audit::AuditAction, HubResult};

/// Who may carry out an MSP-level operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MspRole {
    /// The MSP Admin (an unlicensed hub's Administrator is told to activate a license).
    MspAdmin,
    /// The MSP Admin or the unlicensed hub's Administrator (the license itself).
    HubAdmin,
}

/// Proof that the caller may carry out MSP-level operation `action`; the one way to an
/// [`MspTx`]. Slow work that needs no database (hashing a password) happens between the
/// check and the transaction, so that SQLite's write lock is not held through it.
#[derive(Debug)]
pub struct MspGrant {
    caller: Caller,
    action: AuditAction,
}

impl MspGrant {
    /// Who acts.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The operation it was granted for.
    pub fn action(&self) -> AuditAction {
        self.action
    }

    /// Begins the transaction that only reads.
    pub async fn read(self, hub: &Hub) -> HubResult<MspTx> {
        Ok(MspTx {
            tx: hub.db().begin_read().await?,
            grant: self,
        })
    }

    /// Begins the transaction that writes (the write lock up front on SQLite).
    pub async fn write(self, hub: &Hub) -> HubResult<MspTx> {
        Ok(MspTx {
            tx: hub.db().begin_write().await?,
            grant: self,
        })
    }
}

/// A transaction of MSP administration by a caller who may carry it out.
pub struct MspTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    grant: MspGrant,
}

impl std::fmt::Debug for MspTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MspTx")
            .field("caller", &self.grant.caller.describe())
            .field("action", &self.grant.action)
            .finish_non_exhaustive()
    }
}

impl MspTx {
    /// Who acts.
    pub fn caller(&self) -> &Caller {
        &self.grant.caller
    }

    /// The transaction itself, for helpers that take one (seeding a new tenant's rows).
    pub(crate) fn tx(&mut self) -> &mut sqlx::Transaction<'static, sqlx::Any> {
        &mut self.tx
    }

    /// Commits.
    pub async fn commit(self) -> HubResult<()> {
        self.tx.commit().await.db()
    }
}

impl Hub {
    /// Checks that `caller` may carry out the MSP-level operation `action` (refusals are
    /// audited) and grants it.
    pub async fn msp_grant(
        &self,
        caller: impl Into<Caller>,
        action: AuditAction,
        role: MspRole,
    ) -> HubResult<MspGrant> {
        let caller = caller.into();
        let allowed = match (&caller, role) {
            (Caller::User(principal), MspRole::MspAdmin) => principal.require_msp_admin(),
            (Caller::User(principal), MspRole::HubAdmin) => principal.require_hub_admin(),
            (Caller::ApiKey(_), _) => Err(hub_model::HubError::Forbidden),
            (Caller::System(_), _) => Ok(()),
        };
        match allowed {
            Ok(()) => Ok(MspGrant { caller, action }),
            Err(error) => {
                self.record_denial(&caller, None, action, "msp", &error)
                    .await;
                Err(error)
            }
        }
    }

    /// Answers input an MSP-level operation cannot even read (a malformed id, an unknown
    /// scope) with `error`, but only to a caller who may carry it out: anyone else gets the
    /// refusal (audited), whatever they sent.
    pub async fn refuse_input_msp(
        &self,
        caller: impl Into<Caller>,
        action: AuditAction,
        error: hub_model::HubError,
    ) -> hub_model::HubError {
        match self.msp_grant(caller, action, MspRole::MspAdmin).await {
            Ok(_) => error,
            Err(refusal) => refusal,
        }
    }

    /// [`Hub::msp_grant`], then a transaction that reads.
    pub async fn msp_read(
        &self,
        caller: impl Into<Caller>,
        action: AuditAction,
        role: MspRole,
    ) -> HubResult<MspTx> {
        self.msp_grant(caller, action, role).await?.read(self).await
    }

    /// [`Hub::msp_grant`], then a transaction that writes.
    pub async fn msp_write(
        &self,
        caller: impl Into<Caller>,
        action: AuditAction,
        role: MspRole,
    ) -> HubResult<MspTx> {
        self.msp_grant(caller, action, role)
            .await?
            .write(self)
            .await
    }
}

impl std::ops::Deref for MspTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for MspTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}
