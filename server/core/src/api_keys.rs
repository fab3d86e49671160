//! Tenant API keys (DESIGN §4): the MSP Admin creates a key for one tenant, sees it once,
//! and may revoke it; automation runners present it as `Authorization: Bearer <key>`.
//!
//! Key format: `msphub_` + a 12-character public id + `_` + 32 random characters + a
//! 6-character checksum, all base62 (58 characters in all, 190 random bits in the secret).
//! The prefix lets secret scanners recognise a leaked key; the checksum (CRC-32 of
//! everything before it) refuses a mistyped or truncated key without a database read. The
//! public id finds the row; the whole key is stored only as HMAC-SHA256 under the hub's
//! api-key secret (a file in the data directory), so a copy of the database alone cannot be
//! used to try keys offline.
//!
//! Keys are MSP administration data (read when a request presents one, before any tenant
//! scope exists), so the table has no row-level security; every query of the API Keys page
//! names the tenant, and authentication finds a key only by its unique public id.

use crate::{
    access::{
        msp::{MspRole, MspTx},
        TenantKey,
    },
    audit::AuditEvent,
    caller::{Caller, KeyCaller, SystemTask},
    clock::now_ms,
    db::{internal, DbResultExt as _},
    Hub, Principal,
};
use hmac::{Mac as _, SimpleHmac};
use hub_model::{
    api_keys::{
        ApiKeyList, ApiKeyStatus, ApiKeySummary, ApiScopes, CreatedApiKey, NewApiKey, KEY_PREFIX,
        MAX_EXPIRY_DAYS, NAME_MAX_CHARS,
    },
    audit::AuditAction,
    tenant_users::TenantContext,
    ApiKeyId, HubError, HubResult, TenantId,
};
use rand::Rng as _;
use sha2::Sha256;
use uuid::Uuid;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PUBLIC_ID_LEN: usize = 12;
const SECRET_LEN: usize = 32;
const CHECKSUM_LEN: usize = 6;
/// How often `last_used_at` is written for a key in steady use.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

/// Authenticating a presented key is the hub's own work.
const AUTHENTICATE: SystemTask = SystemTask::new("authenticate an API key");

pub(crate) fn random_base62(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(BASE62[rng.gen_range(0..BASE62.len())]))
        .collect()
}

/// CRC-32 of `body` as six base62 characters (62^6 > 2^32).
fn checksum(body: &str) -> String {
    let mut value = u64::from(crc32fast::hash(body.as_bytes()));
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[usize::try_from(value % 62).unwrap_or(0)];
        value /= 62;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// A new key's public id and full text.
fn generate() -> (String, String) {
    let public_id = random_base62(PUBLIC_ID_LEN);
    let body = format!("{KEY_PREFIX}{public_id}_{}", random_base62(SECRET_LEN));
    let key = format!("{body}{}", checksum(&body));
    (public_id, key)
}

/// The public id of a well-formed key whose checksum holds; `None` for anything else (no
/// database read needed to refuse it).
pub fn parse_key(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(KEY_PREFIX)?;
    let (public_id, tail) = rest.split_once('_')?;
    let base62 = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    if public_id.len() != PUBLIC_ID_LEN
        || tail.len() != SECRET_LEN + CHECKSUM_LEN
        || !base62(public_id)
        || !base62(tail)
    {
        return None;
    }
    let (body, sum) = key.split_at(key.len() - CHECKSUM_LEN);
    (checksum(body) == sum).then_some(public_id)
}

/// HMAC-SHA256 of the whole key under the hub's api-key secret, as hex.
fn keyed_hash(secret: &[u8], key: &str) -> HubResult<String> {
    let mut mac = SimpleHmac::<Sha256>::new_from_slice(secret).map_err(|e| internal(&e))?;
    mac.update(key.as_bytes());
    Ok(mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Compares two hashes in time that does not depend on where they differ.
fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A key as the API Keys page reads it.
#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    public_id: String,
    name: String,
    tenant_id: String,
    tenant_name: String,
    scopes: String,
    created_by: Option<String>,
    created_at: i64,
    last_used_at: Option<i64>,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
}

const KEY_COLUMNS: &str = "k.id, k.public_id, k.name, k.tenant_id, t.name AS tenant_name, \
     k.scopes, u.display_name AS created_by, k.created_at, k.last_used_at, k.expires_at, \
     k.revoked_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id \
     LEFT JOIN users u ON u.id = k.created_by";

fn status(revoked_at: Option<i64>, expires_at: Option<i64>, now: i64) -> ApiKeyStatus {
    if revoked_at.is_some() {
        ApiKeyStatus::Revoked
    } else if expires_at.is_some_and(|at| at <= now) {
        ApiKeyStatus::Expired
    } else {
        ApiKeyStatus::Active
    }
}

fn summary(row: KeyRow, now: i64) -> HubResult<ApiKeySummary> {
    Ok(ApiKeySummary {
        id: ApiKeyId::parse(&row.id).ok_or_else(|| internal(&"unreadable API key id"))?,
        tenant_id: TenantId::parse(&row.tenant_id)
            .ok_or_else(|| internal(&"unreadable API key tenant"))?,
        scopes: ApiScopes::parse(&row.scopes)
            .map_err(|scope| internal(&format!("unknown stored API scope {scope:?}")))?,
        status: status(row.revoked_at, row.expires_at, now),
        public_id: row.public_id,
        name: row.name,
        tenant_name: row.tenant_name,
        created_by: row
            .created_by
            .unwrap_or_else(|| "(deleted account)".to_owned()),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    })
}

/// A customer tenant named by slug, as key management sees it.
#[derive(sqlx::FromRow)]
struct TenantRow {
    id: String,
}

/// The customer tenant `slug` names, inside an MSP transaction.
async fn tenant_by_slug(tx: &mut MspTx, slug: &str) -> HubResult<TenantId> {
    let row: Option<TenantRow> =
        sqlx::query_as("SELECT id FROM tenants WHERE slug = $1 AND kind = 'tenant'")
            .bind(slug)
            .fetch_optional(&mut **tx)
            .await
            .db()?;
    row.and_then(|row| TenantId::parse(&row.id))
        .ok_or_else(|| HubError::not_found("The tenant"))
}

async fn key_in(tx: &mut MspTx, tenant: TenantId, id: &str, now: i64) -> HubResult<ApiKeySummary> {
    let row: Option<KeyRow> = sqlx::query_as(&format!(
        "SELECT {KEY_COLUMNS} WHERE k.id = $1 AND k.tenant_id = $2"
    ))
    .bind(id)
    .bind(tenant.to_string())
    .fetch_optional(&mut **tx)
    .await
    .db()?;
    summary(row.ok_or_else(|| HubError::not_found("The API key"))?, now)
}

fn validate(input: &NewApiKey) -> HubResult<(String, Option<i64>)> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(HubError::invalid(
            "name",
            "Give the key a name, such as the runner it is for.",
        ));
    }
    if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(HubError::invalid(
            "name",
            format!("Use at most {NAME_MAX_CHARS} characters, on one line."),
        ));
    }
    if input.scopes.is_empty() {
        return Err(HubError::invalid("scopes", "Choose at least one scope."));
    }
    let expires_in_days = match input.expires_in_days {
        None => None,
        Some(days) if (1..=MAX_EXPIRY_DAYS).contains(&days) => Some(days),
        Some(_) => {
            return Err(HubError::invalid(
                "expires_in_days",
                format!("Choose an expiry between 1 and {MAX_EXPIRY_DAYS} days, or none."),
            ))
        }
    };
    Ok((name.to_owned(), expires_in_days))
}

/// A key row as authentication reads it.
#[derive(sqlx::FromRow)]
struct AuthRow {
    id: String,
    name: String,
    tenant_id: String,
    scopes: String,
    secret_hash: String,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
}

impl Hub {
    /// The tenant a calling key acts in, entered as that key (a deactivated tenant refuses,
    /// audited like every refusal).
    pub async fn key_tenant(&self, caller: &Caller) -> HubResult<TenantContext> {
        let key = caller.key().ok_or(HubError::Unauthenticated)?;
        let scope = self
            .enter_tenant(
                caller.clone(),
                TenantKey::Id(key.tenant),
                AuditAction::ApiWhoami,
            )
            .await?;
        let context = scope.context().clone();
        scope.commit().await?;
        Ok(context)
    }

    /// The keys of tenant `slug`, newest first. MSP Admin only.
    pub async fn api_keys(&self, principal: &Principal, slug: &str) -> HubResult<ApiKeyList> {
        let mut tx = self
            .msp_read(principal, AuditAction::ApiKeyList, MspRole::MspAdmin)
            .await?;
        let tenant = tenant_by_slug(&mut tx, slug).await?;
        let rows: Vec<KeyRow> = sqlx::query_as(&format!(
            "SELECT {KEY_COLUMNS} WHERE k.tenant_id = $1 ORDER BY k.created_at DESC, k.id"
        ))
        .bind(tenant.to_string())
        .fetch_all(&mut *tx)
        .await
        .db()?;
        tx.commit().await?;
        let now = now_ms();
        Ok(ApiKeyList {
            items: rows
                .into_iter()
                .map(|row| summary(row, now))
                .collect::<HubResult<_>>()?,
        })
    }

    /// Creates a key for tenant `slug`; the answer holds the whole key, which is never
    /// stored or shown again. MSP Admin only.
    pub async fn create_api_key(
        &self,
        principal: &Principal,
        slug: &str,
        input: &NewApiKey,
    ) -> HubResult<CreatedApiKey> {
        let action = AuditAction::ApiKeyCreate;
        let mut tx = self.msp_write(principal, action, MspRole::MspAdmin).await?;
        let tenant = tenant_by_slug(&mut tx, slug).await?;
        let (name, expires_in_days) = validate(input)?;
        let now = now_ms();
        let (public_id, key) = generate();
        let id = Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO api_keys (id, public_id, tenant_id, name, scopes, secret_hash, \
             created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(&public_id)
        .bind(tenant.to_string())
        .bind(&name)
        .bind(input.scopes.to_text())
        .bind(keyed_hash(self.api_key_secret(), &key)?)
        .bind(principal.user_id.to_string())
        .bind(now)
        .bind(expires_in_days.map(|days| now + days * 86_400_000))
        .execute(&mut *tx)
        .await
        .db()?;
        AuditEvent::allowed(
            tx.caller(),
            action,
            Some(tenant),
            &public_id,
            format!("key {name:?} with {}", input.scopes.to_text()),
        )
        .record(&mut *tx)
        .await?;
        let created = key_in(&mut tx, tenant, &id, now).await?;
        tx.commit().await?;
        Ok(CreatedApiKey {
            key: created,
            secret: key,
        })
    }

    /// Revokes a key of tenant `slug`: its next request is refused. Revoking a revoked key
    /// changes nothing. MSP Admin only.
    pub async fn revoke_api_key(
        &self,
        principal: &Principal,
        slug: &str,
        id: ApiKeyId,
    ) -> HubResult<ApiKeySummary> {
        let action = AuditAction::ApiKeyRevoke;
        let mut tx = self.msp_write(principal, action, MspRole::MspAdmin).await?;
        let tenant = tenant_by_slug(&mut tx, slug).await?;
        let now = now_ms();
        let current = key_in(&mut tx, tenant, &id.to_string(), now).await?;
        if current.revoked_at.is_some() {
            return Ok(current);
        }
        let revoked = sqlx::query(
            "UPDATE api_keys SET revoked_at = $1, revoked_by = $2 \
             WHERE id = $3 AND tenant_id = $4 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(principal.user_id.to_string())
        .bind(id.to_string())
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await
        .db()?
        .rows_affected();
        if revoked == 0 {
            // A concurrent revocation got there first: nothing more to do or to record.
            let current = key_in(&mut tx, tenant, &id.to_string(), now).await?;
            tx.commit().await?;
            return Ok(current);
        }
        AuditEvent::allowed(
            tx.caller(),
            action,
            Some(tenant),
            &current.public_id,
            format!("key {:?}", current.name),
        )
        .record(&mut *tx)
        .await?;
        let revoked = key_in(&mut tx, tenant, &id.to_string(), now).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// The key `presented` names, when it is well formed, known, its secret matches, and it
    /// is neither revoked nor expired; `None` otherwise, without saying which. Read on every
    /// request, so a revocation acts on the very next one.
    pub async fn authenticate_api_key(&self, presented: &str) -> HubResult<Option<KeyCaller>> {
        let Some(public_id) = parse_key(presented) else {
            return Ok(None);
        };
        let mut conn = self.system_conn(AUTHENTICATE).await?;
        let row: Option<AuthRow> = sqlx::query_as(
            "SELECT id, name, tenant_id, scopes, secret_hash, expires_at, revoked_at, last_used_at \
             FROM api_keys WHERE public_id = $1",
        )
        .bind(public_id)
        .fetch_optional(conn.conn())
        .await
        .db()?;
        let now = now_ms();
        let Some(row) = row else {
            tracing::warn!(key = public_id, "refused an unknown API key");
            return Ok(None);
        };
        let secret_matches = same_hash(
            &row.secret_hash,
            &keyed_hash(self.api_key_secret(), presented)?,
        );
        let refusal = match (secret_matches, status(row.revoked_at, row.expires_at, now)) {
            (false, _) => Some("a wrong secret for the"),
            (true, ApiKeyStatus::Active) => None,
            (true, ApiKeyStatus::Revoked) => Some("the revoked"),
            (true, ApiKeyStatus::Expired) => Some("the expired"),
        };
        if let Some(reason) = refusal {
            // A known key turned away (a leaked revoked key being tried, say) is audited
            // under the key and the tenant it belongs to.
            let event = AuditEvent {
                actor: None,
                api_key: ApiKeyId::parse(&row.id),
                acting_as: "api_key",
                tenant: TenantId::parse(&row.tenant_id),
                action: AuditAction::ApiAuthenticate,
                target: public_id,
                outcome: crate::audit::Outcome::Denied,
                detail: format!("{reason} key was presented"),
            };
            if let Err(error) = event.record(conn.conn()).await {
                tracing::error!(%error, "could not record a refused API key");
            }
            return Ok(None);
        }
        if row
            .last_used_at
            .is_none_or(|at| at < now - LAST_USED_RESOLUTION_MS)
        {
            // Bookkeeping only: a busy database must not turn a valid key away.
            let noted = sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&row.id)
                .execute(conn.conn())
                .await;
            if let Err(error) = noted {
                tracing::warn!(%error, key = public_id, "could not record an API key's last use");
            }
        }
        Ok(Some(KeyCaller {
            id: ApiKeyId::parse(&row.id).ok_or_else(|| internal(&"unreadable API key id"))?,
            tenant: TenantId::parse(&row.tenant_id)
                .ok_or_else(|| internal(&"unreadable API key tenant"))?,
            scopes: ApiScopes::parse(&row.scopes)
                .map_err(|scope| internal(&format!("unknown stored API scope {scope:?}")))?,
            public_id: public_id.to_owned(),
            name: row.name,
            expires_at: row.expires_at,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_and_any_change_is_refused_without_a_lookup() {
        let (public_id, key) = generate();
        assert_eq!(key.len(), 58);
        assert!(key.starts_with("msphub_"));
        assert_eq!(parse_key(&key), Some(public_id.as_str()));
        // Every single-character substitution breaks the checksum or the shape.
        for index in KEY_PREFIX.len()..key.len() {
            let mut bytes = key.clone().into_bytes();
            bytes[index] = if bytes[index] == b'a' { b'b' } else { b'a' };
            let typo = String::from_utf8(bytes).expect("ascii");
            assert_eq!(parse_key(&typo), None, "typo at {index}");
        }
        for bad in [
            "",
            "msphub_",
            &key[..key.len() - 1],
            &format!("{key}x"),
            &key.replace("msphub_", "msphb_"),
            &format!(" {key}"),
        ] {
            assert_eq!(parse_key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_keyed_hash_depends_on_the_hub_secret() {
        let (_, key) = generate();
        let hash = |secret: &[u8]| keyed_hash(secret, &key).expect("hash");
        assert_eq!(hash(b"one"), hash(b"one"));
        assert_ne!(hash(b"one"), hash(b"two"));
        assert!(same_hash("abc", "abc") && !same_hash("abc", "abd") && !same_hash("abc", "ab"));
    }
}
