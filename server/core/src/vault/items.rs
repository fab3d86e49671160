//! Vault items in the tenant's [`TenantTx`], with the Vault permissions (`reveal` apart from
//! `view`). Secrets are sealed before they reach SQL and opened only by [`Hub::reveal_vault_secret`]
//! (and, later, for a runner's claim): every other answer describes the item without it.

use super::crypto::DataKey;
use crate::{
    access::{TenantKey, TenantTx},
    clock::now_ms,
    db::{internal, is_unique_violation, DbResultExt as _},
    tenants::list::search_pattern,
    Hub, Principal,
};
use hub_model::{
    audit::AuditAction,
    permissions::{Action, Permission, ResourceKind},
    vault::{
        ItemKind, RevealedSecret, VaultItemInput, VaultItemSummary, VaultPage, VaultQuery,
        FIELD_MAX_CHARS, NOTES_MAX_CHARS, REVEAL_SECONDS, SECRET_MAX_BYTES, TAGS_MAX,
        TAG_MAX_CHARS, VAULT_PAGE_SIZES,
    },
    HubError, HubResult, VaultItemId,
};
use uuid::Uuid;

pub(crate) fn vault(action: Action) -> Permission {
    Permission::new(ResourceKind::Vault, action)
}

const COLUMNS: &str = "id, name, kind, username, url, notes, tags, created_at, updated_at, \
     secret_changed_at, last_revealed_at";

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    name: String,
    kind: String,
    username: String,
    url: String,
    notes: String,
    tags: String,
    created_at: i64,
    updated_at: i64,
    secret_changed_at: i64,
    last_revealed_at: Option<i64>,
}

impl ItemRow {
    fn summary(self) -> HubResult<VaultItemSummary> {
        let bad = |what: &str| internal(&format!("vault row: {what}"));
        Ok(VaultItemSummary {
            id: VaultItemId::parse(&self.id).ok_or_else(|| bad("id"))?,
            name: self.name,
            kind: ItemKind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            username: self.username,
            url: self.url,
            notes: self.notes,
            tags: self.tags.split_whitespace().map(str::to_owned).collect(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            secret_changed_at: self.secret_changed_at,
            last_revealed_at: self.last_revealed_at,
        })
    }
}

/// An input, checked: what is stored (the secret still in the clear, sealed by the caller).
struct Checked {
    name: String,
    username: String,
    url: String,
    notes: String,
    tags: Vec<String>,
}

fn text(field: &str, label: &str, value: &str, max: usize, lines: bool) -> HubResult<String> {
    let value = value.trim();
    if value
        .chars()
        .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\t' | '\r')))
    {
        return Err(HubError::invalid(
            field,
            format!("The {label} has control characters."),
        ));
    }
    if value.chars().count() > max {
        return Err(HubError::invalid(
            field,
            format!("The {label} is longer than {max} characters."),
        ));
    }
    Ok(value.to_owned())
}

fn check(input: &VaultItemInput) -> HubResult<Checked> {
    let name = crate::validate::validate_name("name", &input.name, "name")?;
    if name.contains(['.', '{', '}']) {
        return Err(HubError::invalid(
            "name",
            "Automs refer to items by name ({{vault.NAME.secret}}), so a name cannot contain dots or braces.",
        ));
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in &input.tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > TAG_MAX_CHARS
            || !tag
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        {
            return Err(HubError::invalid(
                "tags",
                format!("A tag is a word of at most {TAG_MAX_CHARS} letters, digits, - or _."),
            ));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > TAGS_MAX {
        return Err(HubError::invalid(
            "tags",
            format!("At most {TAGS_MAX} tags."),
        ));
    }
    Ok(Checked {
        name,
        username: text(
            "username",
            "username",
            &input.username,
            FIELD_MAX_CHARS,
            false,
        )?,
        url: text("url", "URL", &input.url, FIELD_MAX_CHARS, false)?,
        notes: text("notes", "notes", &input.notes, NOTES_MAX_CHARS, true)?,
        tags,
    })
}

/// A secret as given: kept exactly (never trimmed), bounded, and free of control characters
/// but line breaks and tabs (certificates have lines).
fn check_secret(secret: &str) -> HubResult<&str> {
    if secret.is_empty() {
        return Err(HubError::invalid("secret", "Enter the secret."));
    }
    if secret.len() > SECRET_MAX_BYTES {
        return Err(HubError::invalid(
            "secret",
            format!("The secret is larger than {} KB.", SECRET_MAX_BYTES / 1024),
        ));
    }
    if secret
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(HubError::invalid(
            "secret",
            "The secret has control characters other than line breaks and tabs.",
        ));
    }
    Ok(secret)
}

fn search_key(checked: &Checked) -> String {
    format!(
        "{} {} {} {}",
        checked.name,
        checked.username,
        checked.url,
        checked.tags.join(" ")
    )
    .to_lowercase()
}

fn name_taken() -> HubError {
    HubError::invalid(
        "name",
        "This tenant's vault already has an item with this name.",
    )
}

fn not_found() -> HubError {
    HubError::not_found("The vault item")
}

/// The page size, clamped to what the list offers.
fn per_page(requested: i64) -> i64 {
    crate::tenants::list::page_size(requested, &VAULT_PAGE_SIZES)
}

async fn item_in(scope: &mut TenantTx, id: VaultItemId) -> HubResult<Option<VaultItemSummary>> {
    let row: Option<ItemRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM vault_items WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(scope.tenant_key())
    .bind(id.to_string())
    .fetch_optional(scope.conn())
    .await
    .db()?;
    row.map(ItemRow::summary).transpose()
}

impl Hub {
    /// The tenant's current data key, made (version 1) with its first item. Concurrent first
    /// items agree on one key: the insert that loses the race does nothing (on PostgreSQL it
    /// waits for the winner), and every caller then reads the stored one.
    async fn current_data_key(&self, scope: &mut TenantTx) -> HubResult<DataKey> {
        let latest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM vault_keys WHERE tenant_id = $1")
                .bind(scope.tenant_key())
                .fetch_one(scope.conn())
                .await
                .db()?;
        if let Some(version) = latest {
            return self.data_key(scope, version).await;
        }
        let (_, wrapped) = self.vault_keys().new_data_key(scope.tenant_id(), 1)?;
        sqlx::query(
            "INSERT INTO vault_keys (tenant_id, version, wrapped, kek_fingerprint, created_at) \
             VALUES ($1, 1, $2, $3, $4) ON CONFLICT (tenant_id, version) DO NOTHING",
        )
        .bind(scope.tenant_key())
        .bind(wrapped)
        .bind(self.vault_keys().current_fingerprint())
        .bind(now_ms())
        .execute(scope.conn())
        .await
        .db()?;
        self.data_key(scope, 1).await
    }

    /// The tenant's data key at `version`.
    async fn data_key(&self, scope: &mut TenantTx, version: i64) -> HubResult<DataKey> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT wrapped, kek_fingerprint FROM vault_keys WHERE tenant_id = $1 AND version = $2",
        )
        .bind(scope.tenant_key())
        .bind(version)
        .fetch_optional(scope.conn())
        .await
        .db()?;
        let (wrapped, fingerprint) = row.ok_or_else(|| internal(&"vault key version missing"))?;
        Ok(self
            .vault_keys()
            .unwrap(scope.tenant_id(), version, &wrapped, &fingerprint)?)
    }

    /// Enters tenant `slug` needing `action` on the Vault and finds item `id` there; a missing
    /// one (or another tenant's) is refused as not found, audited.
    async fn vault_scope(
        &self,
        principal: &Principal,
        slug: &str,
        id: VaultItemId,
        audit: AuditAction,
        action: Action,
    ) -> HubResult<(TenantTx, VaultItemSummary)> {
        let mut scope = self
            .tenant_tx(principal, TenantKey::Slug(slug), audit, vault(action))
            .await?;
        match item_in(&mut scope, id).await? {
            Some(item) => Ok((scope, item)),
            None => Err(scope.deny(self, audit, not_found()).await),
        }
    }

    /// One page of the tenant's vault items, by name, without their secrets.
    pub async fn vault_items(
        &self,
        principal: &Principal,
        slug: &str,
        query: &VaultQuery,
    ) -> HubResult<VaultPage> {
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                AuditAction::VaultList,
                vault(Action::View),
            )
            .await?;
        let key = scope.tenant_key();
        let pattern = search_pattern(&query.search);
        let per_page = per_page(query.per_page);
        let page = query.page.max(1);
        let kind = query.kind.map(ItemKind::as_str).unwrap_or("");
        let filter = "tenant_id = $1 AND ($2 = '%%' OR search_key LIKE $2 ESCAPE '\\') \
             AND ($3 = '' OR kind = $3)";
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM vault_items WHERE {filter}"))
                .bind(&key)
                .bind(&pattern)
                .bind(kind)
                .fetch_one(scope.conn())
                .await
                .db()?;
        let rows: Vec<ItemRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM vault_items WHERE {filter} ORDER BY name_key, id LIMIT $4 OFFSET $5"
        ))
        .bind(&key)
        .bind(&pattern)
        .bind(kind)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(scope.conn())
        .await
        .db()?;
        scope.commit().await?;
        Ok(VaultPage {
            items: rows
                .into_iter()
                .map(ItemRow::summary)
                .collect::<HubResult<_>>()?,
            total,
            page,
            per_page,
        })
    }

    /// Creates an item, its secret sealed under the tenant's current data key.
    pub async fn create_vault_item(
        &self,
        principal: &Principal,
        slug: &str,
        input: &VaultItemInput,
    ) -> HubResult<VaultItemSummary> {
        let action = AuditAction::VaultCreate;
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(slug),
                action,
                vault(Action::Create),
            )
            .await?;
        let checked = check(input)?;
        let secret = check_secret(input.secret.as_deref().unwrap_or(""))?;
        let key = self.current_data_key(&mut scope).await?;
        let id = Uuid::new_v4().to_string();
        let sealed = key.seal(&id, secret)?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO vault_items (id, tenant_id, name, name_key, kind, username, url, notes, \
             tags, search_key, secret, key_version, created_by, created_at, updated_at, \
             secret_changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $14)",
        )
        .bind(&id)
        .bind(scope.tenant_key())
        .bind(&checked.name)
        .bind(checked.name.to_lowercase())
        .bind(input.kind.as_str())
        .bind(&checked.username)
        .bind(&checked.url)
        .bind(&checked.notes)
        .bind(checked.tags.join(" "))
        .bind(search_key(&checked))
        .bind(sealed)
        .bind(key.version())
        .bind(principal.user_id.to_string())
        .bind(now)
        .execute(scope.conn())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                name_taken()
            } else {
                internal(&e)
            }
        })?;
        scope
            .record(action, &checked.name, input.kind.as_str().to_owned())
            .await?;
        let id = VaultItemId::parse(&id).ok_or_else(|| internal(&"vault item id"))?;
        let item = item_in(&mut scope, id).await?.ok_or_else(not_found)?;
        scope.commit().await?;
        Ok(item)
    }

    /// Edits an item; a new secret (`Some`) is sealed under the current data key and restarts
    /// its rotation age, `None` keeps the stored one.
    pub async fn update_vault_item(
        &self,
        principal: &Principal,
        slug: &str,
        id: VaultItemId,
        input: &VaultItemInput,
    ) -> HubResult<VaultItemSummary> {
        let action = AuditAction::VaultUpdate;
        let (mut scope, before) = self
            .vault_scope(principal, slug, id, action, Action::Update)
            .await?;
        let checked = check(input)?;
        let now = now_ms();
        let new_secret = match input.secret.as_deref() {
            Some(secret) => {
                let secret = check_secret(secret)?;
                let key = self.current_data_key(&mut scope).await?;
                Some((key.seal(&id.to_string(), secret)?, key.version()))
            }
            None => None,
        };
        // One statement whatever is kept: a kept secret binds NULLs (every parameter is used,
        // as PostgreSQL needs).
        let sql = "UPDATE vault_items SET name = $3, name_key = $4, kind = $5, username = $6, \
             url = $7, notes = $8, tags = $9, search_key = $13, updated_at = $10, \
             secret = COALESCE($11, secret), key_version = COALESCE($12, key_version), \
             secret_changed_at = CASE WHEN $11 IS NULL THEN secret_changed_at ELSE $10 END \
             WHERE tenant_id = $1 AND id = $2";
        let (sealed, version) = match new_secret {
            Some((sealed, version)) => (Some(sealed), Some(version)),
            None => (None, None),
        };
        sqlx::query(sql)
            .bind(scope.tenant_key())
            .bind(id.to_string())
            .bind(&checked.name)
            .bind(checked.name.to_lowercase())
            .bind(input.kind.as_str())
            .bind(&checked.username)
            .bind(&checked.url)
            .bind(&checked.notes)
            .bind(checked.tags.join(" "))
            .bind(now)
            .bind(sealed)
            .bind(version)
            .bind(search_key(&checked))
            .execute(scope.conn())
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    name_taken()
                } else {
                    internal(&e)
                }
            })?;
        let detail = if input.secret.is_some() {
            "new secret"
        } else {
            "details"
        };
        scope
            .record(action, &before.name, detail.to_owned())
            .await?;
        let item = item_in(&mut scope, id).await?.ok_or_else(not_found)?;
        scope.commit().await?;
        Ok(item)
    }

    /// Deletes an item and its secret.
    pub async fn delete_vault_item(
        &self,
        principal: &Principal,
        slug: &str,
        id: VaultItemId,
    ) -> HubResult<()> {
        let action = AuditAction::VaultDelete;
        let (mut scope, before) = self
            .vault_scope(principal, slug, id, action, Action::Delete)
            .await?;
        sqlx::query("DELETE FROM vault_items WHERE tenant_id = $1 AND id = $2")
            .bind(scope.tenant_key())
            .bind(id.to_string())
            .execute(scope.conn())
            .await
            .db()?;
        scope.record(action, &before.name, String::new()).await?;
        scope.commit().await
    }

    /// Shows an item's secret (the Reveal permission), recorded in the audit log and as the
    /// item's last reveal.
    pub async fn reveal_vault_secret(
        &self,
        principal: &Principal,
        slug: &str,
        id: VaultItemId,
    ) -> HubResult<RevealedSecret> {
        let action = AuditAction::VaultReveal;
        let (mut scope, item) = self
            .vault_scope(principal, slug, id, action, Action::Reveal)
            .await?;
        let (sealed, version): (String, i64) = sqlx::query_as(
            "SELECT secret, key_version FROM vault_items WHERE tenant_id = $1 AND id = $2",
        )
        .bind(scope.tenant_key())
        .bind(id.to_string())
        .fetch_one(scope.conn())
        .await
        .db()?;
        let key = self.data_key(&mut scope, version).await?;
        let secret = key.open(&id.to_string(), &sealed)?;
        sqlx::query(
            "UPDATE vault_items SET last_revealed_at = $3 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(scope.tenant_key())
        .bind(id.to_string())
        .bind(now_ms())
        .execute(scope.conn())
        .await
        .db()?;
        scope.record(action, &item.name, String::new()).await?;
        scope.commit().await?;
        Ok(RevealedSecret {
            item: id,
            secret: secret.as_str().to_owned(),
            shown_for_secs: REVEAL_SECONDS,
        })
    }
}
