//! Inside one tenant (`/t/{tenant}/users`): its users and roles. The tenant is named by its
//! slug; the core checks that the principal may enter it and holds the Users permission.

#[cfg(feature = "ssr")]
use hub_model::{
    audit::AuditAction,
    permissions::{Action, Permission, ResourceKind},
};
use hub_model::{
    tenant_users::{TenantMember, TenantRole, TenantUsers},
    HubError,
};
use leptos::prelude::*;

/// The id `text` names; a malformed one is refused (and audited) like a missing one
/// ([`crate::ssr::id_in_tenant`]), checking `needed` on Users.
#[cfg(feature = "ssr")]
async fn id_in_tenant<T>(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    what: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, HubError> {
    let permission = Permission::new(ResourceKind::Users, needed);
    crate::ssr::id_in_tenant(principal, tenant, action, permission, what, text, parse).await
}

/// The user `id` names; a malformed id is refused (and audited) like a missing user.
#[cfg(feature = "ssr")]
async fn user_id(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    id: &str,
) -> Result<hub_model::UserId, HubError> {
    id_in_tenant(
        principal,
        tenant,
        action,
        needed,
        "The user",
        id,
        hub_model::UserId::parse,
    )
    .await
}

/// The role `id` names; a malformed id is refused (and audited) like a missing role.
#[cfg(feature = "ssr")]
async fn role_by_id(
    principal: &hub_core::Principal,
    tenant: &str,
    action: AuditAction,
    needed: Action,
    id: &str,
) -> Result<hub_model::RoleId, HubError> {
    id_in_tenant(
        principal,
        tenant,
        action,
        needed,
        "The role",
        id,
        hub_model::RoleId::parse,
    )
    .await
}

/// The tenant's users, roles and user limit.
#[server(endpoint = "t/users")]
pub async fn get_tenant_users(tenant: String) -> Result<TenantUsers, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.tenant_users(&principal, &tenant).await
}

/// Creates a user of the tenant with one of its roles.
#[server(endpoint = "t/users/create")]
pub async fn create_tenant_user(
    tenant: String,
    display_name: String,
    email: String,
    password: String,
    role_id: String,
) -> Result<TenantMember, HubError> {
    let principal = crate::ssr::principal()?;
    let role_id = role_by_id(
        &principal,
        &tenant,
        AuditAction::TenantUserCreate,
        Action::Create,
        &role_id,
    )
    .await?;
    let input = hub_core::tenant_users::NewTenantUser {
        display_name,
        email,
        password,
        role_id,
    };
    crate::ssr::hub()?
        .create_tenant_user(&principal, &tenant, &input)
        .await
}

/// Changes a tenant user's name, role and whether they may sign in.
#[server(endpoint = "t/users/update")]
pub async fn update_tenant_user(
    tenant: String,
    id: String,
    display_name: String,
    role_id: String,
    active: bool,
) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .update_tenant_user(
            &principal,
            &tenant,
            user_id(
                &principal,
                &tenant,
                AuditAction::TenantUserUpdate,
                Action::Update,
                &id,
            )
            .await?,
            &display_name,
            role_by_id(
                &principal,
                &tenant,
                AuditAction::TenantUserUpdate,
                Action::Update,
                &role_id,
            )
            .await?,
            active,
        )
        .await
}

/// Sets a tenant user's password; their sessions end.
#[server(endpoint = "t/users/reset_password")]
pub async fn reset_tenant_user_password(
    tenant: String,
    id: String,
    password: String,
) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .reset_tenant_user_password(
            &principal,
            &tenant,
            user_id(
                &principal,
                &tenant,
                AuditAction::TenantUserResetPassword,
                Action::Update,
                &id,
            )
            .await?,
            &password,
        )
        .await
}

/// Deletes a tenant user.
#[server(endpoint = "t/users/delete")]
pub async fn delete_tenant_user(tenant: String, id: String) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .delete_tenant_user(
            &principal,
            &tenant,
            user_id(
                &principal,
                &tenant,
                AuditAction::TenantUserDelete,
                Action::Delete,
                &id,
            )
            .await?,
        )
        .await
}

/// Creates a custom role.
#[server(endpoint = "t/roles/create")]
pub async fn create_tenant_role(
    tenant: String,
    name: String,
    permissions: i64,
) -> Result<TenantRole, HubError> {
    let principal = crate::ssr::principal()?;
    let set = crate::api::technicians::permissions(permissions)?;
    crate::ssr::hub()?
        .create_tenant_role(&principal, &tenant, &name, set)
        .await
}

/// Renames a custom role and sets its permissions.
#[server(endpoint = "t/roles/update")]
pub async fn update_tenant_role(
    tenant: String,
    id: String,
    name: String,
    permissions: i64,
) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    let set = crate::api::technicians::permissions(permissions)?;
    crate::ssr::hub()?
        .update_tenant_role(
            &principal,
            &tenant,
            role_by_id(
                &principal,
                &tenant,
                AuditAction::TenantRoleUpdate,
                Action::Update,
                &id,
            )
            .await?,
            &name,
            set,
        )
        .await
}

/// Deletes a custom role nobody holds.
#[server(endpoint = "t/roles/delete")]
pub async fn delete_tenant_role(tenant: String, id: String) -> Result<(), HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?
        .delete_tenant_role(
            &principal,
            &tenant,
            role_by_id(
                &principal,
                &tenant,
                AuditAction::TenantRoleDelete,
                Action::Delete,
                &id,
            )
            .await?,
        )
        .await
}
