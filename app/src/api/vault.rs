//! The tenant's vault (`/t/{tenant}/vault`). The core checks the Vault permissions; only
//! [`reveal_vault_secret`] ever answers with a secret (the Reveal permission, audited).

// The editor posts one plain form field per argument; the browser build's generated client
// functions carry no attribute we could put on them one by one.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
use hub_model::{
    audit::AuditAction,
    permissions::{Action, Permission, ResourceKind},
    vault::{ItemKind, VaultItemInput, VaultQuery},
    VaultItemId,
};
use hub_model::{
    vault::{RevealedSecret, VaultGovernance, VaultItemSummary, VaultPage},
    HubError,
};
use leptos::prelude::*;

/// The item `text` names; a malformed id is refused (and audited) like a missing item, after
/// the principal is checked for `needed` on the Vault.
#[cfg(feature = "ssr")]
async fn item_id(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    text: &str,
) -> Result<VaultItemId, HubError> {
    crate::ssr::id_in_tenant(
        principal,
        tenant,
        action,
        Permission::new(ResourceKind::Vault, needed),
        "The vault item",
        text,
        VaultItemId::parse,
    )
    .await
}

/// The editor's fields as the core's input (`tags` separated by commas or spaces); an
/// unknown kind is refused by name.
#[cfg(feature = "ssr")]
fn input(
    name: String,
    kind: &str,
    username: String,
    url: String,
    notes: String,
    tags: &str,
    secret: Option<String>,
) -> Result<VaultItemInput, HubError> {
    Ok(VaultItemInput {
        name,
        kind: ItemKind::parse(kind).ok_or_else(|| {
            HubError::invalid(
                "kind",
                "Choose a password, an API token, a certificate or key, or a secure note.",
            )
        })?,
        username,
        url,
        notes,
        tags: tags
            .split([',', ' '])
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        secret,
    })
}

/// `input`, or its refusal only after the principal is checked as the operation would check
/// them (entering the tenant, then `needed` on the Vault): a caller who may not act learns
/// only that, whatever they send.
#[cfg(feature = "ssr")]
async fn checked(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    input: Result<VaultItemInput, HubError>,
) -> Result<VaultItemInput, HubError> {
    if input.is_err() {
        drop(
            crate::ssr::hub()?
                .tenant_tx(
                    principal,
                    hub_core::access::TenantKey::Slug(tenant),
                    action,
                    Permission::new(ResourceKind::Vault, needed),
                )
                .await?,
        );
    }
    input
}

/// One page of the tenant's vault items (never their secrets).
#[server(endpoint = "t/vault")]
pub async fn list_vault(
    tenant: String,
    search: String,
    kind: String,
    page: i64,
    per_page: i64,
) -> Result<VaultPage, HubError> {
    let principal = crate::ssr::principal()?;
    let query = VaultQuery {
        search,
        kind: ItemKind::parse(&kind),
        page,
        per_page,
    };
    crate::ssr::hub()?
        .vault_items(&principal, &tenant, &query)
        .await
}

/// Creates an item.
#[server(endpoint = "t/vault/create")]
pub async fn create_vault_item(
    tenant: String,
    name: String,
    kind: String,
    username: String,
    url: String,
    notes: String,
    tags: String,
    secret: String,
) -> Result<VaultItemSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let input = input(name, &kind, username, url, notes, &tags, Some(secret));
    let input = checked(
        &principal,
        &tenant,
        AuditAction::VaultCreate,
        Action::Create,
        input,
    )
    .await?;
    crate::ssr::hub()?
        .create_vault_item(&principal, &tenant, &input)
        .await
}

/// Edits an item; an empty `secret` keeps the stored one.
#[server(endpoint = "t/vault/update")]
pub async fn update_vault_item(
    tenant: String,
    id: String,
    name: String,
    kind: String,
    username: String,
    url: String,
    notes: String,
    tags: String,
    secret: String,
) -> Result<VaultItemSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let id = item_id(
        &principal,
        &tenant,
        AuditAction::VaultUpdate,
        Action::Update,
        &id,
    )
    .await?;
    let secret = (!secret.is_empty()).then_some(secret);
    let input = input(name, &kind, username, url, notes, &tags, secret);
    let input = checked(
        &principal,
        &tenant,
        AuditAction::VaultUpdate,
        Action::Update,
        input,
    )
    .await?;
    crate::ssr::hub()?
        .update_vault_item(&principal, &tenant, id, &input)
        .await
}

/// Deletes an item.
#[server(endpoint = "t/vault/delete")]
pub async fn delete_vault_item(tenant: String, id: String) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    let id = item_id(
        &principal,
        &tenant,
        AuditAction::VaultDelete,
        Action::Delete,
        &id,
    )
    .await?;
    crate::ssr::hub()?
        .delete_vault_item(&principal, &tenant, id)
        .await
}

/// Shows an item's secret (the Reveal permission; audited).
#[server(endpoint = "t/vault/reveal")]
pub async fn reveal_vault_secret(tenant: String, id: String) -> Result<RevealedSecret, HubError> {
    let principal = crate::ssr::principal()?;
    let id = item_id(
        &principal,
        &tenant,
        AuditAction::VaultReveal,
        Action::Reveal,
        &id,
    )
    .await?;
    crate::ssr::hub()?
        .reveal_vault_secret(&principal, &tenant, id)
        .await
}

/// Every tenant's vault at a glance, metadata only (MSP Admin): items whose secret is older
/// than `stale_days` count as not rotated.
#[server(endpoint = "vault/governance")]
pub async fn get_vault_governance(stale_days: i64) -> Result<VaultGovernance, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .vault_governance(&principal, stale_days)
        .await
}
