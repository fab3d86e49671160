//! Tenant API keys (`/t/{tenant}/api-keys`): MSP Admin only (the core checks). The full key
//! exists only in the answer to its creation.

use hub_model::{
    api_keys::{ApiKeyList, ApiKeySummary, CreatedApiKey},
    HubError,
};
use leptos::prelude::*;

/// The keys of a tenant, newest first.
#[server(endpoint = "t/api_keys")]
pub async fn get_api_keys(tenant: String) -> Result<ApiKeyList, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.api_keys(&principal, &tenant).await
}

/// Creates a key: `scopes` are names separated by spaces or commas (`runs:write`),
/// `expires_in_days` a number of days or empty for no expiry.
#[server(endpoint = "t/api_keys/create")]
pub async fn create_api_key(
    tenant: String,
    name: String,
    scopes: String,
    expires_in_days: String,
) -> Result<CreatedApiKey, HubError> {
    use hub_model::api_keys::{ApiScopes, NewApiKey};
    let principal = crate::ssr::principal()?;
    let hub = crate::ssr::hub()?;
    let action = hub_model::audit::AuditAction::ApiKeyCreate;
    // Authorize first: a caller who may not create keys is refused whatever they send.
    let input = match (
        ApiScopes::parse(&scopes),
        expires_in_days.trim().parse::<i64>(),
    ) {
        (Ok(scopes), Ok(days)) => NewApiKey {
            name,
            scopes,
            expires_in_days: Some(days),
        },
        (Ok(scopes), Err(_)) if expires_in_days.trim().is_empty() => NewApiKey {
            name,
            scopes,
            expires_in_days: None,
        },
        (Err(unknown), _) => {
            return Err(hub
                .refuse_input_msp(
                    &principal,
                    action,
                    HubError::invalid("scopes", format!("{unknown:?} is not a scope.")),
                )
                .await)
        }
        (Ok(_), Err(_)) => {
            return Err(hub
                .refuse_input_msp(
                    &principal,
                    action,
                    HubError::invalid("expires_in_days", "Give the expiry as a number of days."),
                )
                .await)
        }
    };
    hub.create_api_key(&principal, &tenant, &input).await
}

/// Revokes a key; runners using it are refused from their next request.
#[server(endpoint = "t/api_keys/revoke")]
pub async fn revoke_api_key(tenant: String, id: String) -> Result<ApiKeySummary, HubError> {
    let principal = crate::ssr::principal()?;
    let hub = crate::ssr::hub()?;
    match hub_model::ApiKeyId::parse(&id) {
        Some(id) => hub.revoke_api_key(&principal, &tenant, id).await,
        None => Err(hub
            .refuse_input_msp(
                &principal,
                hub_model::audit::AuditAction::ApiKeyRevoke,
                HubError::not_found("The API key"),
            )
            .await),
    }
}
