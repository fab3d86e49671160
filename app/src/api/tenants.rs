//! Tenant Management: list, create, edit, deactivate and detail. MSP Admin only.

use hub_model::{
    tenants::{TenantDetail, TenantPage, TenantSummary},
    HubError,
};
use leptos::prelude::*;

/// Parses a tenant id from the wire (a malformed id is simply "not found").
#[cfg(feature = "ssr")]
fn tenant_id(id: &str) -> Result<hub_model::TenantId, HubError> {
    hub_model::TenantId::parse(id).ok_or_else(|| HubError::not_found("The tenant"))
}

/// One page of tenants: search, status filter, sort and page, all done on the server.
#[server(endpoint = "tenants/list")]
pub async fn list_tenants(
    search: String,
    status: String,
    sort: String,
    descending: bool,
    page: u32,
    per_page: u32,
) -> Result<TenantPage, HubError> {
    use hub_model::tenants::{StatusFilter, TenantQuery, TenantSort};
    let principal = crate::ssr::principal()?;
    let query = TenantQuery {
        search,
        status: StatusFilter::parse(&status),
        sort: TenantSort::parse(&sort),
        descending,
        page,
        per_page,
    };
    crate::ssr::hub()?.list_tenants(&principal, &query).await
}

/// Creates a tenant from a name.
#[server(endpoint = "tenants/create")]
pub async fn create_tenant(name: String) -> Result<TenantSummary, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.create_tenant(&principal, &name).await
}

/// Renames a tenant and sets its limits.
#[server(endpoint = "tenants/update")]
pub async fn update_tenant(
    id: String,
    name: String,
    max_automs: i64,
    max_users: i64,
    max_agents: i64,
) -> Result<TenantSummary, HubError> {
    let principal = crate::ssr::principal()?;
    let limits = hub_model::tenants::TenantLimits {
        automs: max_automs,
        users: max_users,
        agents: max_agents,
    };
    crate::ssr::hub()?
        .update_tenant(&principal, tenant_id(&id)?, &name, limits)
        .await
}

/// Deactivates or reactivates a tenant.
#[server(endpoint = "tenants/set_active")]
pub async fn set_tenant_active(id: String, active: bool) -> Result<TenantSummary, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .set_tenant_active(&principal, tenant_id(&id)?, active)
        .await
}

/// The tenant detail page's data.
#[server(endpoint = "tenants/detail")]
pub async fn get_tenant_detail(id: String) -> Result<TenantDetail, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .tenant_detail(&principal, tenant_id(&id)?)
        .await
}

/// Sets the email domains a tenant's users must have addresses at (commas, spaces or lines).
#[server(endpoint = "tenants/email_domains")]
pub async fn set_tenant_email_domains(
    id: String,
    domains: String,
) -> Result<Vec<String>, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .set_tenant_email_domains(&principal, tenant_id(&id)?, &domains)
        .await
}
