//! Sign-in, with guesses throttled per account and address ([`super::throttle`]), counted in
//! the database so that any number of server processes enforce the same limits.

use super::{
    password::MAX_PASSWORD_LEN, principal::Principal, sessions::IssuedToken, throttle::Key,
};
use crate::{
    audit::{AuditEvent, Outcome},
    db::DbResultExt as _,
    validate::normalize_email,
    ClientInfo, Hub,
};
use hub_model::audit::AuditAction;
use hub_model::{session::SystemRole, HubError, HubResult, UserId};

/// What this module does as the hub itself (no caller's rights decide it).
const SIGN_IN: crate::caller::SystemTask = crate::caller::SystemTask::new("sign-in");

/// A successful sign-in.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub principal: Principal,
    pub token: IssuedToken,
}

/// An account as sign-in reads it.
#[derive(Clone, sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    system_role: String,
    active: i64,
    security_version: i64,
    password_hash: String,
}

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
        // Counted before the password is checked: parallel guesses cannot pass a limit.
        let pair = Key::pair(&account, &client.ip);
        let address = Key::address(&client.ip);
        let known = self.is_known_address(&account, &client.ip).await?;
        let keys = if known {
            vec![pair.clone(), address]
        } else {
            vec![pair.clone(), Key::account(&account), address]
        };
        let reservation = match self.reserve_attempt(&keys).await {
            Ok(reservation) => reservation,
            Err(error) => {
                if let HubError::RateLimited { retry_after_secs } = error {
                    self.audit(AuditEvent {
                        actor: None,
                        api_key: None,
                        tenant: None,
                        acting_as: "anonymous",
                        action: AuditAction::AuthLogin,
                        target: &account,
                        outcome: Outcome::Denied,
                        detail: format!(
                            "sign-in slowed down from {} (retry in {retry_after_secs} s)",
                            client.ip
                        ),
                    })
                    .await?;
                }
                return Err(error);
            }
        };

        let row: Option<UserRow> = sqlx::query_as(
            "SELECT id, email, display_name, system_role, active, security_version, password_hash \
             FROM users WHERE email = $1",
        )
        .bind(&account)
        .fetch_optional(self.system_conn(SIGN_IN).await?.conn())
        .await
        .db()?;
        let usable = row.as_ref().filter(|user| user.active == 1);
        let hash = usable.map(|user| user.password_hash.as_str());
        let verified = self.passwords().verify(password, hash).await?;

        let user = match (verified, usable) {
            (true, Some(user)) => user.clone(),
            _ => {
                self.audit(AuditEvent {
                    actor: row.as_ref().and_then(|r| UserId::parse(&r.id)),
                    api_key: None,
                    tenant: None,
                    acting_as: "anonymous",
                    action: AuditAction::AuthLogin,
                    target: &account,
                    outcome: Outcome::Denied,
                    detail: format!("failed sign-in from {}", client.ip),
                })
                .await?;
                return Err(HubError::InvalidCredentials);
            }
        };
        let UserRow {
            id,
            email,
            display_name,
            system_role,
            security_version: version,
            ..
        } = user;
        let user_id = UserId::parse(&id).ok_or(HubError::InvalidCredentials)?;
        let role = SystemRole::parse(&system_role).ok_or(HubError::InvalidCredentials)?;

        let mut tx = self.system_write(SIGN_IN).await?;
        let brand_version = crate::branding::version(&mut *tx).await?;
        let (session_id, token) = self
            .start_session(&mut *tx, user_id, version, brand_version, client)
            .await?;
        self.remember_address(&mut *tx, &account, &client.ip)
            .await?;
        AuditEvent {
            actor: Some(user_id),
            api_key: None,
            tenant: None,
            acting_as: role.as_str(),
            action: AuditAction::AuthLogin,
            target: &account,
            outcome: Outcome::Allowed,
            detail: format!("signed in from {}", client.ip),
        }
        .record(&mut *tx)
        .await?;
        tx.commit().await?;
        // The owner is in: their pair starts afresh, and this attempt is not a failure.
        self.attempt_succeeded(reservation, &[pair]).await?;
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
}
