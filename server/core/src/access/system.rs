//! The hub's own work, which no caller's rights decide: authenticating a request's session or
//! key, signing in, throttling, setting up, serving the public brand, reading the license
//! state, remembering a user's last tenant. Each names what it does ([`SystemTask`]); none
//! may touch tenant data (on PostgreSQL no tenant scope is set, so row-level security shows
//! no tenant rows), with one exception that must span every tenant in one transaction: the
//! vault's key rotation, which enters each tenant's scope in turn ([`SystemTx::enter_tenant`]).

use crate::{caller::SystemTask, db::DbResultExt as _, Hub};
use hub_model::HubResult;

/// A transaction of the hub's own work.
pub struct SystemTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    task: SystemTask,
}

impl std::fmt::Debug for SystemTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemTx")
            .field("task", &self.task.what)
            .finish_non_exhaustive()
    }
}

impl SystemTx {
    /// The transaction itself, for helpers that take one.
    pub(crate) fn tx(&mut self) -> &mut sqlx::Transaction<'static, sqlx::Any> {
        &mut self.tx
    }

    /// Commits.
    pub async fn commit(self) -> HubResult<()> {
        self.tx.commit().await.db()
    }

    /// Scopes the rest of this transaction to `tenant` (until the next call), for work that
    /// must change every tenant's rows atomically (the vault's key rotation only).
    pub(crate) async fn enter_tenant(&mut self, tenant: hub_model::TenantId) -> HubResult<()> {
        crate::db::scope::enter_tenant(&mut self.tx, tenant).await
    }

    /// The transaction, to commit it where a database error has a meaning (a lost race).
    pub(crate) fn into_inner(self) -> sqlx::Transaction<'static, sqlx::Any> {
        self.tx
    }
}

/// One pooled connection for a single statement of the hub's own work (no transaction:
/// the hot path of every request's authentication).
pub struct SystemConn {
    conn: sqlx::pool::PoolConnection<sqlx::Any>,
    task: SystemTask,
}

impl std::fmt::Debug for SystemConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemConn")
            .field("task", &self.task.what)
            .finish_non_exhaustive()
    }
}

impl SystemConn {
    /// The connection.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.conn
    }
}

impl Hub {
    /// A transaction of the hub's own work that writes (the write lock up front on SQLite).
    pub(crate) async fn system_write(&self, task: SystemTask) -> HubResult<SystemTx> {
        Ok(SystemTx {
            tx: self.db().begin_write().await?,
            task,
        })
    }

    /// A connection for one statement of the hub's own work.
    pub(crate) async fn system_conn(&self, task: SystemTask) -> HubResult<SystemConn> {
        Ok(SystemConn {
            conn: self.db().acquire().await?,
            task,
        })
    }
}

impl std::ops::Deref for SystemTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for SystemTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}
