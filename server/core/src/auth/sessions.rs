//! Sessions: created at sign-in, checked on every request, revoked at sign-out.

use super::{principal::Principal, token::Claims};
use crate::{
    clock::now_ms,
    db::{internal, DbResultExt as _},
    ClientInfo, Hub,
};
use hub_model::{session::SystemRole, HubResult, SessionId, UserId};
use uuid::Uuid;

/// What this module does as the hub itself (no caller's rights decide it).
const SESSIONS: crate::caller::SystemTask = crate::caller::SystemTask::new("sessions");

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "hub_session";

/// The `Set-Cookie` value that stores a session token.
pub fn session_cookie(token: &IssuedToken, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        token.token,
        token.max_age_secs,
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A freshly issued session token and how long the cookie holding it should live.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    pub token: String,
    pub max_age_secs: i64,
}

/// The outcome of checking a request's token.
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub principal: Principal,
    /// Set when the token is getting old: the response should carry this new one.
    pub refreshed: Option<IssuedToken>,
}

/// A session with its user and the brand version, as every request reads it.
#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: String,
    email: String,
    display_name: String,
    system_role: String,
    security_version: i64,
    revoked_at: Option<i64>,
    expires_at: i64,
    active: i64,
    brand_version: i64,
}

impl Hub {
    /// Starts a session for `user_id` and returns its token.
    pub async fn start_session(
        &self,
        executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
        user_id: UserId,
        security_version: i64,
        brand_version: i64,
        client: &ClientInfo,
    ) -> HubResult<(SessionId, IssuedToken)> {
        let session_id = SessionId(Uuid::new_v4());
        let now = now_ms();
        let expires = now + self.settings().session.idle_timeout_secs * 1000;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $3, $4, $5, $6)",
        )
        .bind(session_id.to_string())
        .bind(user_id.to_string())
        .bind(now)
        .bind(expires)
        .bind(&client.ip)
        .bind(&client.user_agent)
        .execute(executor)
        .await
        .db()?;
        let token = self.issue_token(user_id, session_id, security_version, brand_version, now)?;
        Ok((session_id, token))
    }

    fn issue_token(
        &self,
        user_id: UserId,
        session_id: SessionId,
        security_version: i64,
        brand_version: i64,
        now_ms: i64,
    ) -> HubResult<IssuedToken> {
        let ttl = self.settings().session.token_ttl_secs;
        let iat = now_ms / 1000;
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            ver: security_version,
            iat,
            exp: iat + ttl,
            brv: brand_version,
        };
        let token = self
            .tokens()
            .sign(&claims)
            .ok_or_else(|| internal(&"token signing failed"))?;
        Ok(IssuedToken {
            token,
            max_age_secs: ttl,
        })
    }

    /// Checks a token against the database: the session must be live and unrevoked, the
    /// user active, and the security version current. `None` means "not signed in".
    pub async fn authenticate(&self, token: &str) -> HubResult<Option<Authenticated>> {
        let Some(claims) = self.tokens().verify(token) else {
            return Ok(None);
        };
        let now = now_ms();
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT u.id AS user_id, u.email, u.display_name, u.system_role, u.security_version, \
                    s.revoked_at, s.expires_at, u.active, b.version AS brand_version \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN branding b ON b.id = 1 \
             WHERE s.id = $1 AND s.user_id = $2",
        )
        .bind(claims.sid.to_string())
        .bind(claims.sub.to_string())
        .fetch_optional(self.system_conn(SESSIONS).await?.conn())
        .await
        .db()?;
        let Some(SessionRow {
            user_id,
            email,
            display_name,
            system_role: role,
            security_version: version,
            revoked_at,
            expires_at,
            active,
            brand_version,
        }) = row
        else {
            return Ok(None);
        };
        let Some(role) = SystemRole::parse(&role) else {
            return Ok(None);
        };
        if active != 1 || revoked_at.is_some() || expires_at <= now || version != claims.ver {
            return Ok(None);
        }
        let Some(user_id) = UserId::parse(&user_id) else {
            return Ok(None);
        };
        let principal = Principal {
            user_id,
            session_id: claims.sid,
            email,
            display_name,
            role,
            brand_version,
        };

        // Re-issue once a third of the token's life has passed (sliding the idle timeout), or
        // when the brand changed since the token was issued.
        let age_secs = now / 1000 - claims.iat;
        let refreshed = if age_secs * 3 >= self.settings().session.token_ttl_secs
            || claims.brv != brand_version
        {
            let expires = now + self.settings().session.idle_timeout_secs * 1000;
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(expires)
            .bind(claims.sid.to_string())
            .execute(self.system_conn(SESSIONS).await?.conn())
            .await
            .db()?;
            Some(self.issue_token(user_id, claims.sid, version, brand_version, now)?)
        } else {
            None
        };
        Ok(Some(Authenticated {
            principal,
            refreshed,
        }))
    }

    /// A new token for the principal's own session (after their security version changed).
    pub(crate) fn reissue_token(
        &self,
        principal: &Principal,
        security_version: i64,
        now: i64,
    ) -> HubResult<IssuedToken> {
        self.issue_token(
            principal.user_id,
            principal.session_id,
            security_version,
            principal.brand_version,
            now,
        )
    }

    /// Signs `principal` out: their session ends everywhere, and the audit log says so.
    pub async fn sign_out(&self, principal: &super::principal::Principal) -> HubResult<()> {
        let mut tx = self.system_write(SESSIONS).await?;
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(principal.session_id.to_string())
            .execute(&mut *tx)
            .await
            .db()?;
        crate::audit::AuditEvent::allowed(
            principal,
            hub_model::audit::AuditAction::AuthLogout,
            None,
            &principal.email,
            "signed out".to_owned(),
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Ends a session: its token stops working on the next request.
    pub async fn revoke_session(&self, session_id: SessionId) -> HubResult<()> {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(session_id.to_string())
            .execute(self.system_conn(SESSIONS).await?.conn())
            .await
            .db()?;
        Ok(())
    }
}
