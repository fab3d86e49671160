//! First run: the setup page creates the organization and its single Administrator.
//! It can only ever happen once: the organization table holds at most one row.

use crate::{
    audit::{AuditEvent, Outcome},
    auth::{login::SignedIn, principal::Principal},
    clock::now_ms,
    db::{is_unique_violation, DbResultExt as _},
    validate::{validate_email, validate_name},
    ClientInfo, Hub,
};
use hub_model::audit::AuditAction;
use hub_model::{session::SystemRole, HubError, HubResult, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What this module does as the hub itself (no caller's rights decide it).
const SETUP: crate::caller::SystemTask = crate::caller::SystemTask::new("setup");

/// What the setup page submits.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SetupInput {
    pub organization_name: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
}

impl Hub {
    /// Whether setup still has to run.
    pub async fn setup_required(&self) -> HubResult<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organization")
            .fetch_one(self.system_conn(SETUP).await?.conn())
            .await
            .db()?;
        Ok(count == 0)
    }

    /// The organization's name, once set up.
    pub async fn organization_name(&self) -> HubResult<Option<String>> {
        self.organization_name_in(self.system_conn(SETUP).await?.conn())
            .await
    }

    /// The organization's name, read with `executor` (inside a transaction).
    pub(crate) async fn organization_name_in(
        &self,
        executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    ) -> HubResult<Option<String>> {
        sqlx::query_scalar("SELECT name FROM organization WHERE id = 1")
            .fetch_optional(executor)
            .await
            .db()
    }

    /// The one-time setup token while setup has not run (made on first call, the same for
    /// every server process on the database); `None` once set up. The server prints it at
    /// start-up; the setup page needs it.
    pub async fn setup_token(&self) -> HubResult<Option<String>> {
        if !self.setup_required().await? {
            return Ok(None);
        }
        let token = format!("{:032x}", rand::random::<u128>());
        sqlx::query(
            "INSERT INTO setup_token (id, token, created_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&token)
        .bind(now_ms())
        .execute(self.system_conn(SETUP).await?.conn())
        .await
        .db()?;
        sqlx::query_scalar("SELECT token FROM setup_token WHERE id = 1")
            .fetch_optional(self.system_conn(SETUP).await?.conn())
            .await
            .db()
    }

    /// Setup from the web: refused unless `token` is the one printed at start-up, checked
    /// before anything else is read or written.
    pub async fn set_up_with_token(
        &self,
        token: &str,
        input: &SetupInput,
        client: &ClientInfo,
    ) -> HubResult<SignedIn> {
        if !self.setup_required().await? {
            return Err(HubError::AlreadySetUp);
        }
        let expected: Option<String> =
            sqlx::query_scalar("SELECT token FROM setup_token WHERE id = 1")
                .fetch_optional(self.system_conn(SETUP).await?.conn())
                .await
                .db()?;
        let matches = expected.is_some_and(|expected| same_secret(&expected, token.trim()));
        if !matches {
            self.audit(AuditEvent {
                actor: None,
                api_key: None,
                tenant: None,
                acting_as: "anonymous",
                action: AuditAction::SetupComplete,
                target: "setup",
                outcome: Outcome::Denied,
                detail: format!("wrong setup token from {}", client.ip),
            })
            .await?;
            return Err(HubError::invalid(
                "setup_token",
                "This is not the setup token. Open the link the server printed when it started, \
                 or copy the token from that line (also in the data directory's setup-token file).",
            ));
        }
        self.set_up(input, client).await
    }

    /// Creates the organization and the Administrator, and signs them in. Trusted callers
    /// only (the CLI, the demo seed, tests): the web goes through [`Hub::set_up_with_token`].
    pub async fn set_up(&self, input: &SetupInput, client: &ClientInfo) -> HubResult<SignedIn> {
        let organization = validate_name(
            "organization_name",
            &input.organization_name,
            "organization name",
        )?;
        let display_name = validate_name("display_name", &input.display_name, "name")?;
        let email = validate_email(&input.email)?;
        if !self.setup_required().await? {
            return Err(HubError::AlreadySetUp);
        }
        let hash = self.passwords().hash(&input.password).await?;

        let now = now_ms();
        let user_id = UserId(Uuid::new_v4());
        let mut tx = self.system_write(SETUP).await?;
        let inserted =
            sqlx::query("INSERT INTO organization (id, name, created_at) VALUES (1, $1, $2)")
                .bind(&organization)
                .bind(now)
                .execute(&mut *tx)
                .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(HubError::AlreadySetUp),
            other => other.db()?,
        };
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, system_role, active, \
             security_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
        )
        .bind(user_id.to_string())
        .bind(&email)
        .bind(&display_name)
        .bind(&hash)
        .bind(SystemRole::Administrator.as_str())
        .bind(1_i64)
        .bind(now)
        .execute(&mut *tx)
        .await
        .db()?;
        crate::tenants::insert_organization_workspace(tx.tx(), &organization, now).await?;
        let brand_version = crate::branding::version(&mut *tx).await?;
        let (session_id, token) = self
            .start_session(&mut *tx, user_id, 1, brand_version, client)
            .await?;
        sqlx::query("DELETE FROM setup_token")
            .execute(&mut *tx)
            .await
            .db()?;
        // The Administrator signed in from here: a familiar address from now on.
        self.remember_address(&mut *tx, &email, &client.ip).await?;
        AuditEvent {
            actor: Some(user_id),
            api_key: None,
            tenant: None,
            acting_as: SystemRole::Administrator.as_str(),
            action: AuditAction::SetupComplete,
            target: &organization,
            outcome: Outcome::Allowed,
            detail: format!("organization and Administrator {email} created"),
        }
        .record(&mut *tx)
        .await?;
        match tx.into_inner().commit().await {
            Err(e) if is_unique_violation(&e) => return Err(HubError::AlreadySetUp),
            other => other.db()?,
        }
        Ok(SignedIn {
            principal: Principal {
                user_id,
                session_id,
                email,
                display_name,
                role: SystemRole::Administrator,
                brand_version,
            },
            token,
        })
    }
}

/// Compares two secrets in time that depends only on their lengths.
fn same_secret(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}
