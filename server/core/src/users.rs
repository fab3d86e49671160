//! User accounts: the operations the CLI and later the Technicians page share.

use crate::{
    audit::{AuditEvent, Outcome},
    auth::normalize_email,
    clock::now_ms,
    db::DbResultExt as _,
    Hub,
};
use hub_model::{HubError, HubResult};

impl Hub {
    /// Sets a new password, bumps the security version and ends every session of the user.
    pub async fn reset_password(&self, email: &str, new_password: &str, by: &str) -> HubResult<()> {
        let email = normalize_email(email);
        let hash = self.passwords().hash(new_password).await?;
        let now = now_ms();
        let mut tx = self.db().pool().begin().await.db()?;
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
            acting_as: by,
            action: "user.password_reset",
            target: &email,
            outcome: Outcome::Allowed,
            detail: "password reset; all sessions ended".to_owned(),
        }
        .record(&mut *tx)
        .await?;
        tx.commit().await.db()
    }
}
