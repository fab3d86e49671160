//! User accounts: the operations the CLI and later the Technicians page share.

use crate::{
    audit::{AuditEvent, Outcome},
    auth::{sessions::IssuedToken, throttle::Key},
    clock::now_ms,
    db::{is_protected_violation, DbResultExt as _},
    validate::{normalize_email, validate_name},
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{HubError, HubResult};

/// What this module does as the hub itself (no caller's rights decide it).
const ACCOUNTS: crate::caller::SystemTask = crate::caller::SystemTask::new("own account");

/// Maps the protected-MSP-Admin trigger to its typed error; other failures stay internal.
pub(crate) fn protected_or_internal(error: sqlx::Error) -> HubError {
    if is_protected_violation(&error) {
        HubError::ProtectedAccount
    } else {
        crate::db::internal(&error)
    }
}

impl Hub {
    /// Sets a new password, bumps the security version and ends every session of the user.
    pub async fn reset_password(&self, email: &str, new_password: &str, by: &str) -> HubResult<()> {
        let email = normalize_email(email);
        let hash = self.passwords().hash(new_password).await?;
        let now = now_ms();
        let mut tx = self.system_write(ACCOUNTS).await?;
        let user_id: Option<String> = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1, security_version = security_version + 1, updated_at = $2 \
             WHERE email = $3 RETURNING id",
        )
        .bind(&hash)
        .bind(now)
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let Some(user_id) = user_id else {
            return Err(HubError::not_found(format!("The account {email}")));
        };
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(&user_id)
        .execute(&mut *tx)
        .await
        .db()?;
        AuditEvent {
            actor: None,
            api_key: None,
            tenant: None,
            acting_as: by,
            action: AuditAction::UserPasswordReset,
            target: &email,
            outcome: Outcome::Allowed,
            detail: "password reset; all sessions ended".to_owned(),
        }
        .record(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Changes the signed-in user's own display name (the MSP Admin may, like everyone).
    pub async fn update_own_name(
        &self,
        principal: &Principal,
        display_name: &str,
    ) -> HubResult<String> {
        let name = validate_name("display_name", display_name, "name")?;
        let mut tx = self.system_write(ACCOUNTS).await?;
        sqlx::query("UPDATE users SET display_name = $1, updated_at = $2 WHERE id = $3")
            .bind(&name)
            .bind(now_ms())
            .bind(principal.user_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(protected_or_internal)?;
        AuditEvent::allowed(
            principal,
            AuditAction::UserRename,
            None,
            &principal.email,
            format!("display name set to {name:?}"),
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(name)
    }

    /// Changes the signed-in user's own password after checking the current one. Every other
    /// session of the user ends; this one continues with the returned token.
    pub async fn change_own_password(
        &self,
        principal: &Principal,
        current: &str,
        new_password: &str,
    ) -> HubResult<IssuedToken> {
        let hash: Option<String> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(principal.user_id.to_string())
                .fetch_optional(self.system_conn(ACCOUNTS).await?.conn())
                .await
                .db()?;
        // Guesses at the current password are throttled and audited like sign-ins.
        let key = Key::password(&principal.user_id.to_string());
        let reservation = match self.reserve_attempt(std::slice::from_ref(&key)).await {
            Ok(reservation) => reservation,
            Err(error) => {
                if let HubError::RateLimited { retry_after_secs } = error {
                    self.audit(AuditEvent::denied(
                        principal,
                        AuditAction::UserPasswordChange,
                        None,
                        &principal.email,
                        format!(
                            "slowed down after wrong current passwords (retry in {retry_after_secs} s)"
                        ),
                    ))
                    .await?;
                }
                return Err(error);
            }
        };
        if !self.passwords().verify(current, hash.as_deref()).await? {
            self.audit(AuditEvent::denied(
                principal,
                AuditAction::UserPasswordChange,
                None,
                &principal.email,
                "wrong current password".to_owned(),
            ))
            .await?;
            return Err(HubError::invalid(
                "current_password",
                "The current password is incorrect.",
            ));
        }
        let new_hash = self.passwords().hash(new_password).await?;
        let now = now_ms();
        let mut tx = self.system_write(ACCOUNTS).await?;
        let version: i64 = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1, security_version = security_version + 1, \
             updated_at = $2 WHERE id = $3 RETURNING security_version",
        )
        .bind(&new_hash)
        .bind(now)
        .bind(principal.user_id.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(protected_or_internal)?;
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(principal.user_id.to_string())
        .bind(principal.session_id.to_string())
        .execute(&mut *tx)
        .await
        .db()?;
        AuditEvent::allowed(
            principal,
            AuditAction::UserPasswordChange,
            None,
            &principal.email,
            "own password changed; other sessions ended".to_owned(),
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await?;
        self.attempt_succeeded(reservation, &[key]).await?;
        self.reissue_token(principal, version, now)
    }
}
