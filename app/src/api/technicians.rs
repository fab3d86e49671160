//! Technician Management: accounts and tenant assignments. MSP Admin only (the core checks).

use hub_model::{
    technicians::{AssignmentPage, TechnicianDetail, TechnicianPage, TechnicianSummary},
    HubError,
};
use leptos::prelude::*;

/// Parses a technician id from the wire (a malformed id is simply "not found").
#[cfg(feature = "ssr")]
fn technician_id(id: &str) -> Result<hub_model::UserId, HubError> {
    hub_model::UserId::parse(id).ok_or_else(|| HubError::not_found("The technician"))
}

/// Parses a comma-separated list of tenant ids (a malformed id is "not found").
#[cfg(feature = "ssr")]
pub(crate) fn tenant_ids(list: &str) -> Result<Vec<hub_model::TenantId>, HubError> {
    list.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| hub_model::TenantId::parse(id).ok_or_else(|| HubError::not_found("The tenant")))
        .collect()
}

/// A permission matrix from the wire: a bit mask of resource kind × action.
#[cfg(feature = "ssr")]
pub(crate) fn permissions(bits: i64) -> Result<hub_model::permissions::PermissionSet, HubError> {
    hub_model::permissions::PermissionSet::try_from_bits(bits).ok_or_else(|| {
        HubError::invalid(
            "permissions",
            "These permissions name no known resource or action.",
        )
    })
}

#[cfg(feature = "ssr")]
fn profile(
    display_name: String,
    email: String,
    phone: String,
) -> hub_model::technicians::TechnicianProfile {
    hub_model::technicians::TechnicianProfile {
        display_name,
        email,
        phone,
    }
}

/// One page of technicians, searched by name, email or phone.
#[server(endpoint = "technicians/list")]
pub async fn list_technicians(
    search: String,
    sort: String,
    descending: bool,
    page: i64,
    per_page: i64,
) -> Result<TechnicianPage, HubError> {
    let principal = crate::ssr::principal()?;
    let query = hub_model::technicians::TechnicianQuery {
        search,
        sort: hub_model::technicians::TechnicianSort::parse(&sort),
        descending,
        page,
        per_page,
    };
    crate::ssr::hub()?
        .list_technicians(&principal, &query)
        .await
}

/// Creates a technician with an initial password.
#[server(endpoint = "technicians/create")]
pub async fn create_technician(
    display_name: String,
    email: String,
    phone: String,
    password: String,
) -> Result<TechnicianSummary, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .create_technician(&principal, &profile(display_name, email, phone), &password)
        .await
}

/// Changes a technician's name, email and phone.
#[server(endpoint = "technicians/update")]
pub async fn update_technician(
    id: String,
    display_name: String,
    email: String,
    phone: String,
) -> Result<TechnicianSummary, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .update_technician(
            &principal,
            technician_id(&id)?,
            &profile(display_name, email, phone),
        )
        .await
}

/// Deactivates (sessions end at once) or reactivates a technician.
#[server(endpoint = "technicians/set_active")]
pub async fn set_technician_active(
    id: String,
    active: bool,
) -> Result<TechnicianSummary, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .set_technician_active(&principal, technician_id(&id)?, active)
        .await
}

/// Sets a new password for a technician; their sessions end.
#[server(endpoint = "technicians/reset_password")]
pub async fn reset_technician_password(id: String, password: String) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .reset_technician_password(&principal, technician_id(&id)?, &password)
        .await
}

/// Deletes a technician.
#[server(endpoint = "technicians/delete")]
pub async fn delete_technician(id: String) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .delete_technician(&principal, technician_id(&id)?)
        .await
}

/// A technician with their assignments.
#[server(endpoint = "technicians/detail")]
pub async fn get_technician_detail(id: String) -> Result<TechnicianDetail, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .technician_detail(&principal, technician_id(&id)?)
        .await
}

/// Tenants to pick from in the assignment editor, with the technician's permissions there.
#[server(endpoint = "technicians/candidates")]
pub async fn assignment_candidates(
    id: String,
    search: String,
    page: i64,
    per_page: i64,
) -> Result<AssignmentPage, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .assignment_candidates(&principal, technician_id(&id)?, &search, page, per_page)
        .await
}

/// Applies one permission matrix to the selected tenants (comma-separated ids), as one action.
#[server(endpoint = "technicians/assign")]
pub async fn assign_tenants(
    id: String,
    tenants: String,
    permissions: i64,
) -> Result<TechnicianDetail, HubError> {
    let principal = crate::ssr::principal()?;
    let set = self::permissions(permissions)?;
    crate::ssr::hub()?
        .assign_tenants(&principal, technician_id(&id)?, &tenant_ids(&tenants)?, set)
        .await
}

/// Removes the technician from the selected tenants.
#[server(endpoint = "technicians/unassign")]
pub async fn unassign_tenants(id: String, tenants: String) -> Result<TechnicianDetail, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .unassign_tenants(&principal, technician_id(&id)?, &tenant_ids(&tenants)?)
        .await
}
