//! Sign-in with rate limits per account and per address, kept in the database so that any
//! number of server processes enforce the same limits.

use super::{
    normalize_email, password::MAX_PASSWORD_LEN, principal::Principal, sessions::IssuedToken,
};
use crate::{
    audit::{AuditEvent, Outcome},
    clock::now_ms,
    db::DbResultExt as _,
    ClientInfo, Hub,
};
use hub_model::{session::SystemRole, HubError, HubResult, UserId};

/// A successful sign-in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub principal: Principal,
    pub token: IssuedToken,
}

/// id, email, display name, role, active, security version, password hash.
type UserRow = (String, String, String, String, i64, i64, String);

impl Hub {
    /// Signs in with email and password. Unknown accounts and wrong passwords get the same
    /// error after the same amount of work.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &ClientInfo,
    ) -> HubResult<SignedIn> {
        let account = normalize_email(email);
        if account.is_empty() {
            return Err(HubError::invalid("email", "Enter your email address."));
        }
        if password.is_empty() {
            return Err(HubError::invalid("password", "Enter your password."));
        }
        if account.len() > 254 || password.chars().count() > MAX_PASSWORD_LEN {
            return Err(HubError::InvalidCredentials);
        }
        self.check_login_rate(&account, &client.ip).await?;

        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id, email, display_name, system_role, active, security_version, password_hash \
             FROM users WHERE email = $1",
        )
        .bind(&account)
        .fetch_optional(self.db().pool())
        .await
        .db()?;
        let usable = row.as_ref().filter(|user| user.4 == 1);
        let hash = usable.map(|user| user.6.as_str());
        let verified = self.passwords().verify(password, hash).await?;

        let user = match (verified, usable) {
            (true, Some(user)) => user.clone(),
            _ => {
                self.record_attempt(&account, &client.ip, false).await?;
                self.audit(AuditEvent {
                    actor: row.as_ref().and_then(|r| UserId::parse(&r.0)),
                    tenant: None,
                    acting_as: "anonymous",
                    action: "auth.login",
                    target: &account,
                    outcome: Outcome::Denied,
                    detail: format!("failed sign-in from {}", client.ip),
                })
                .await?;
                return Err(HubError::InvalidCredentials);
            }
        };
        let (id, email, display_name, role, _, version, _) = user;
        let user_id = UserId::parse(&id).ok_or(HubError::InvalidCredentials)?;
        let role = SystemRole::parse(&role).ok_or(HubError::InvalidCredentials)?;

        let mut tx = self.db().begin_write().await?;
        let brand_version = crate::branding::version(&mut *tx).await?;
        let (session_id, token) = self
            .start_session(&mut *tx, user_id, version, brand_version, client)
            .await?;
        record_attempt(&mut *tx, &account, &client.ip, true).await?;
        AuditEvent {
            actor: Some(user_id),
            tenant: None,
            acting_as: role.as_str(),
            action: "auth.login",
            target: &account,
            outcome: Outcome::Allowed,
            detail: format!("signed in from {}", client.ip),
        }
        .record(&mut *tx)
        .await?;
        tx.commit().await.db()?;
        Ok(SignedIn {
            principal: Principal {
                user_id,
                session_id,
                email,
                display_name,
                role,
                brand_version,
            },
            token,
        })
    }

    /// Refuses when the account or the address has too many recent failures.
    async fn check_login_rate(&self, account: &str, ip: &str) -> HubResult<()> {
        let policy = &self.settings().login;
        let now = now_ms();
        let window_start = now - policy.window_secs * 1000;
        let last_success: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(at) FROM login_attempts WHERE account = $1 AND succeeded = $2",
        )
        .bind(account)
        .bind(1_i64)
        .fetch_one(self.db().pool())
        .await
        .db()?;
        let since = window_start.max(last_success.unwrap_or(0));
        let (account_failures, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE account = $1 AND succeeded = $2 AND at > $3",
        )
        .bind(account)
        .bind(0_i64)
        .bind(since)
        .fetch_one(self.db().pool())
        .await
        .db()?;
        let (ip_failures, ip_oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE ip = $1 AND succeeded = $2 AND at > $3",
        )
        .bind(ip)
        .bind(0_i64)
        .bind(window_start)
        .fetch_one(self.db().pool())
        .await
        .db()?;
        let retry_after = |oldest: Option<i64>| {
            let until = oldest.unwrap_or(now) + policy.window_secs * 1000;
            u64::try_from(((until - now) / 1000).max(1)).unwrap_or(1)
        };
        if account_failures >= policy.max_failures_per_account {
            return Err(HubError::RateLimited {
                retry_after_secs: retry_after(oldest),
            });
        }
        if ip_failures >= policy.max_failures_per_ip {
            return Err(HubError::RateLimited {
                retry_after_secs: retry_after(ip_oldest),
            });
        }
        Ok(())
    }

    async fn record_attempt(&self, account: &str, ip: &str, succeeded: bool) -> HubResult<()> {
        record_attempt(self.db().pool(), account, ip, succeeded).await
    }
}

async fn record_attempt(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    account: &str,
    ip: &str,
    succeeded: bool,
) -> HubResult<()> {
    sqlx::query("INSERT INTO login_attempts (account, ip, at, succeeded) VALUES ($1, $2, $3, $4)")
        .bind(account)
        .bind(ip)
        .bind(now_ms())
        .bind(i64::from(succeeded))
        .execute(executor)
        .await
        .db()?;
    Ok(())
}
