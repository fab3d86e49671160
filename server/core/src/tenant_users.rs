//! Inside one tenant: its users and its roles (DESIGN §1). Everything here runs in a
//! [`TenantTx`] and needs the `Users` permissions there: view to list, create / update /
//! delete to change. Nobody grants what they do not hold, a user belongs to exactly one
//! tenant, and the tenant's user limit is checked and counted in the same statement.
//! System roles (MSP Admin, technician) never appear here: roles are rows of
//! `tenant_roles` of this tenant, and members are tenant users of this tenant.

use crate::tenants::email_domains::{check_address, domains_of};
use crate::{
    access::{TenantKey, TenantTx},
    auth::password::validate_new_password,
    clock::now_ms,
    db::{is_unique_violation, DbResultExt as _},
    technicians::end_sessions,
    validate::{validate_email, validate_name},
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    tenant_users::{TenantMember, TenantRole, TenantUsers},
    HubError, HubResult, RoleId, UserId,
};
use uuid::Uuid;

const fn users(action: Action) -> Permission {
    Permission::new(ResourceKind::Users, action)
}

/// A new tenant user.
#[derive(Clone, Debug)]
pub struct NewTenantUser {
    pub display_name: String,
    pub email: String,
    pub password: String,
    pub role_id: RoleId,
}

/// A role as `role_in` reads it.
#[derive(sqlx::FromRow)]
struct RoleRow {
    name: String,
    builtin: i64,
    permissions: i64,
}

/// A member as `member_in` reads it.
#[derive(sqlx::FromRow)]
struct MemberRow {
    email: String,
    permissions: i64,
}

/// One line of the users list.
#[derive(sqlx::FromRow)]
struct MemberListRow {
    id: String,
    display_name: String,
    email: String,
    active: i64,
    role_id: String,
    role_name: String,
}

/// One line of the roles list.
#[derive(sqlx::FromRow)]
struct RoleListRow {
    id: String,
    name: String,
    builtin: i64,
    permissions: i64,
    members: i64,
}

/// A tenant's user seats.
#[derive(sqlx::FromRow)]
struct Seats {
    used_users: i64,
    max_users: i64,
}

/// A role of this tenant by id, with its permissions (`NotFound` for anything else,
/// including system roles and other tenants' roles).
async fn role_in(
    scope: &mut TenantTx,
    role_id: RoleId,
) -> HubResult<Option<(String, bool, PermissionSet)>> {
    let tenant = scope.tenant_key();
    let row: Option<RoleRow> = sqlx::query_as(
        "SELECT name, builtin, permissions FROM tenant_roles WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(role_id.to_string())
    .fetch_optional(scope.conn())
    .await
    .db()?;
    Ok(row.map(|r| {
        (
            r.name,
            r.builtin == 1,
            PermissionSet::from_bits(r.permissions),
        )
    }))
}

/// A user of this tenant by id (`NotFound` for anyone else).
async fn member_in(
    scope: &mut TenantTx,
    user: UserId,
) -> HubResult<Option<(String, PermissionSet)>> {
    let tenant = scope.tenant_key();
    let row: Option<MemberRow> = sqlx::query_as(
        "SELECT u.email, r.permissions FROM tenant_members m \
         JOIN users u ON u.id = m.user_id AND u.tenant_id = m.tenant_id \
         JOIN tenant_roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id \
         WHERE m.tenant_id = $1 AND m.user_id = $2",
    )
    .bind(tenant)
    .bind(user.to_string())
    .fetch_optional(scope.conn())
    .await
    .db()?;
    Ok(row.map(|r| (r.email, PermissionSet::from_bits(r.permissions))))
}

fn validate_role_name(name: &str) -> HubResult<String> {
    validate_name("name", name, "role name")
}

impl Hub {
    /// Enters `tenant` needing `needed` on Users, finds `user` among its users, and refuses
    /// unless the actor holds every permission that user has: nobody manages someone who can
    /// do more than they can.
    async fn manage_member(
        &self,
        principal: &Principal,
        tenant: &str,
        user: UserId,
        action: AuditAction,
        needed: Action,
    ) -> HubResult<(TenantTx, String)> {
        let mut scope = self
            .tenant_tx(principal, TenantKey::Slug(tenant), action, users(needed))
            .await?;
        let Some((email, current)) = member_in(&mut scope, user).await? else {
            // Another tenant's user or nobody: refused like a missing one, and audited.
            return Err(scope
                .deny(self, action, HubError::not_found("The user"))
                .await);
        };
        let scope = scope.require_grantable(self, action, current).await?;
        Ok((scope, email))
    }

    /// Enters `tenant` needing `needed` on Users, finds the custom role `role_id`, and refuses
    /// unless the actor holds every permission the role has and every one in `granting`;
    /// built-in roles cannot be changed or deleted. Returns the scope and the role name.
    async fn manage_role(
        &self,
        principal: &Principal,
        tenant: &str,
        role_id: RoleId,
        action: AuditAction,
        needed: Action,
        granting: PermissionSet,
    ) -> HubResult<(TenantTx, String)> {
        let mut scope = self
            .tenant_tx(principal, TenantKey::Slug(tenant), action, users(needed))
            .await?;
        let Some((name, builtin, current)) = role_in(&mut scope, role_id).await? else {
            return Err(scope
                .deny(self, action, HubError::not_found("The role"))
                .await);
        };
        let scope = scope
            .require_grantable(self, action, granting.union(current))
            .await?;
        if builtin {
            let refusal = if needed == Action::Delete {
                "Tenant Admin and Viewer are built in and cannot be deleted."
            } else {
                "Tenant Admin and Viewer are built in and cannot be changed; create a custom role instead."
            };
            return Err(HubError::invalid("role", refusal));
        }
        Ok((scope, name))
    }

    /// The tenant's users and roles, and its user limit.
    pub async fn tenant_users(
        &self,
        principal: &Principal,
        tenant: &str,
    ) -> HubResult<TenantUsers> {
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(tenant),
                AuditAction::TenantUserList,
                users(Action::View),
            )
            .await?;
        let key = scope.tenant_key();
        let members: Vec<MemberListRow> = sqlx::query_as(
            "SELECT u.id, u.display_name, u.email, u.active, r.id AS role_id, r.name AS role_name \
             FROM tenant_members m \
             JOIN users u ON u.id = m.user_id AND u.tenant_id = m.tenant_id \
             JOIN tenant_roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id \
             WHERE m.tenant_id = $1 ORDER BY LOWER(u.display_name), u.id",
        )
        .bind(&key)
        .fetch_all(scope.conn())
        .await
        .db()?;
        let roles: Vec<RoleListRow> = sqlx::query_as(
            "SELECT r.id, r.name, r.builtin, r.permissions, \
             (SELECT COUNT(*) FROM tenant_members m WHERE m.tenant_id = r.tenant_id AND m.role_id = r.id) \
             AS members \
             FROM tenant_roles r WHERE r.tenant_id = $1 ORDER BY r.builtin DESC, LOWER(r.name), r.id",
        )
        .bind(&key)
        .fetch_all(scope.conn())
        .await
        .db()?;
        let seats: Seats =
            sqlx::query_as("SELECT used_users, max_users FROM tenants WHERE id = $1")
                .bind(&key)
                .fetch_one(scope.conn())
                .await
                .db()?;
        let email_domains = domains_of(scope.conn(), &key).await?;
        scope.commit().await?;
        Ok(TenantUsers {
            email_domains,
            // A row that cannot be read is an error, never silently left out.
            members: members
                .into_iter()
                .map(|row| {
                    Ok(TenantMember {
                        id: UserId::parse(&row.id)
                            .ok_or_else(|| crate::db::internal(&"unreadable user id"))?,
                        display_name: row.display_name,
                        email: row.email,
                        active: row.active == 1,
                        role_id: RoleId::parse(&row.role_id)
                            .ok_or_else(|| crate::db::internal(&"unreadable role id"))?,
                        role_name: row.role_name,
                    })
                })
                .collect::<HubResult<_>>()?,
            roles: roles
                .into_iter()
                .map(|row| {
                    Ok(TenantRole {
                        id: RoleId::parse(&row.id)
                            .ok_or_else(|| crate::db::internal(&"unreadable role id"))?,
                        name: row.name,
                        builtin: row.builtin == 1,
                        permissions: PermissionSet::from_bits(row.permissions),
                        members: row.members,
                    })
                })
                .collect::<HubResult<_>>()?,
            used: seats.used_users,
            limit: seats.max_users,
        })
    }

    /// Creates a user of this tenant with one of its roles, within the tenant's user limit.
    pub async fn create_tenant_user(
        &self,
        principal: &Principal,
        tenant: &str,
        input: &NewTenantUser,
    ) -> HubResult<TenantMember> {
        let display_name = validate_name("display_name", &input.display_name, "name")?;
        let email = validate_email(&input.email)?;
        validate_new_password(&input.password)?;
        // Hashing is slow: done before the transaction holds the write lock.
        let hash = self.passwords().hash(&input.password).await?;
        let action = AuditAction::TenantUserCreate;
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(tenant),
                action,
                users(Action::Create),
            )
            .await?;
        let Some((role_name, _, granted)) = role_in(&mut scope, input.role_id).await? else {
            return Err(scope
                .deny(self, action, HubError::not_found("The role"))
                .await);
        };
        let mut scope = scope.require_grantable(self, action, granted).await?;
        let key = scope.tenant_key();
        // Below the MSP Admin, only addresses at the tenant's own domains (once it has any):
        // nobody probes or claims another customer's addresses.
        if !principal.is_hub_admin() {
            let domains = domains_of(scope.conn(), &key).await?;
            check_address(&email, &domains, &scope.context().name)?;
        }
        crate::tenants::take_one(&mut scope, crate::tenants::Counted::Users).await?;
        let id = Uuid::new_v4().to_string();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, system_role, tenant_id, \
             active, created_at, updated_at) VALUES ($1, $2, $3, $4, 'tenant_user', $5, 1, $6, $6)",
        )
        .bind(&id)
        .bind(&email)
        .bind(&display_name)
        .bind(&hash)
        .bind(&key)
        .bind(now)
        .execute(scope.conn())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                HubError::invalid(
                    "email",
                    "An account with this email address already exists.",
                )
            } else {
                crate::db::internal(&e)
            }
        })?;
        sqlx::query(
            "INSERT INTO tenant_members (user_id, tenant_id, role_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(&key)
        .bind(input.role_id.to_string())
        .bind(now)
        .execute(scope.conn())
        .await
        .db()?;
        scope
            .record(action, &email, format!("role {role_name}"))
            .await?;
        scope.commit().await?;
        Ok(TenantMember {
            id: UserId::parse(&id).ok_or_else(|| crate::db::internal(&"user id"))?,
            display_name,
            email,
            active: true,
            role_id: input.role_id,
            role_name,
        })
    }

    /// Changes a tenant user's name, role and whether they may sign in. A new role or a
    /// deactivation applies on their next request (deactivation ends their sessions).
    pub async fn update_tenant_user(
        &self,
        principal: &Principal,
        tenant: &str,
        user: UserId,
        display_name: &str,
        role_id: RoleId,
        active: bool,
    ) -> HubResult<()> {
        let display_name = validate_name("display_name", display_name, "name")?;
        let action = AuditAction::TenantUserUpdate;
        let (mut scope, email) = self
            .manage_member(principal, tenant, user, action, Action::Update)
            .await?;
        let Some((role_name, _, granted)) = role_in(&mut scope, role_id).await? else {
            return Err(scope
                .deny(self, action, HubError::not_found("The role"))
                .await);
        };
        // Nor may the new role hold more than the actor has.
        let mut scope = scope.require_grantable(self, action, granted).await?;
        if user == principal.user_id && !active {
            return Err(HubError::invalid(
                "active",
                "You cannot deactivate your own account.",
            ));
        }
        let key = scope.tenant_key();
        let now = now_ms();
        sqlx::query(
            "UPDATE users SET display_name = $1, active = $2, \
             security_version = security_version + CASE WHEN active <> $2 THEN 1 ELSE 0 END, \
             updated_at = $3 WHERE id = $4 AND tenant_id = $5",
        )
        .bind(&display_name)
        .bind(i64::from(active))
        .bind(now)
        .bind(user.to_string())
        .bind(&key)
        .execute(scope.conn())
        .await
        .db()?;
        sqlx::query("UPDATE tenant_members SET role_id = $1 WHERE tenant_id = $2 AND user_id = $3")
            .bind(role_id.to_string())
            .bind(&key)
            .bind(user.to_string())
            .execute(scope.conn())
            .await
            .db()?;
        if !active {
            end_sessions(scope.conn(), user, now).await?;
        }
        scope
            .record(
                action,
                &email,
                format!("name {display_name:?}, role {role_name}, active {active}"),
            )
            .await?;
        scope.commit().await
    }

    /// Sets a tenant user's password; their sessions end.
    pub async fn reset_tenant_user_password(
        &self,
        principal: &Principal,
        tenant: &str,
        user: UserId,
        password: &str,
    ) -> HubResult<()> {
        validate_new_password(password)?;
        // Hashing is slow: done before the transaction holds the write lock.
        let hash = self.passwords().hash(password).await?;
        let action = AuditAction::TenantUserResetPassword;
        let (mut scope, email) = self
            .manage_member(principal, tenant, user, action, Action::Update)
            .await?;
        let key = scope.tenant_key();
        let now = now_ms();
        sqlx::query(
            "UPDATE users SET password_hash = $1, security_version = security_version + 1, \
             updated_at = $2 WHERE id = $3 AND tenant_id = $4",
        )
        .bind(&hash)
        .bind(now)
        .bind(user.to_string())
        .bind(&key)
        .execute(scope.conn())
        .await
        .db()?;
        end_sessions(scope.conn(), user, now).await?;
        scope
            .record(
                action,
                &email,
                "password reset; all sessions ended".to_owned(),
            )
            .await?;
        scope.commit().await
    }

    /// Deletes a tenant user; the tenant's user count goes down.
    pub async fn delete_tenant_user(
        &self,
        principal: &Principal,
        tenant: &str,
        user: UserId,
    ) -> HubResult<()> {
        let action = AuditAction::TenantUserDelete;
        let (mut scope, email) = self
            .manage_member(principal, tenant, user, action, Action::Delete)
            .await?;
        if user == principal.user_id {
            return Err(HubError::invalid(
                "user",
                "You cannot delete your own account.",
            ));
        }
        let key = scope.tenant_key();
        sqlx::query("DELETE FROM tenant_members WHERE tenant_id = $1 AND user_id = $2")
            .bind(&key)
            .bind(user.to_string())
            .execute(scope.conn())
            .await
            .db()?;
        sqlx::query(
            "DELETE FROM users WHERE id = $1 AND tenant_id = $2 AND system_role = 'tenant_user'",
        )
        .bind(user.to_string())
        .bind(&key)
        .execute(scope.conn())
        .await
        .db()?;
        sqlx::query(
            "UPDATE tenants SET used_users = used_users - 1 WHERE id = $1 AND used_users > 0",
        )
        .bind(&key)
        .execute(scope.conn())
        .await
        .db()?;
        scope.record(action, &email, String::new()).await?;
        scope.commit().await
    }

    /// Creates a custom role of this tenant.
    pub async fn create_tenant_role(
        &self,
        principal: &Principal,
        tenant: &str,
        name: &str,
        permissions: PermissionSet,
    ) -> HubResult<TenantRole> {
        let name = validate_role_name(name)?;
        let action = AuditAction::TenantRoleCreate;
        let mut scope = self
            .tenant_tx(
                principal,
                TenantKey::Slug(tenant),
                action,
                users(Action::Create),
            )
            .await?
            .require_grantable(self, action, permissions)
            .await?;
        let id = RoleId(Uuid::new_v4());
        let key = scope.tenant_key();
        sqlx::query(
            "INSERT INTO tenant_roles (id, tenant_id, name, builtin, permissions, created_at) \
             VALUES ($1, $2, $3, 0, $4, $5)",
        )
        .bind(id.to_string())
        .bind(&key)
        .bind(&name)
        .bind(permissions.bits())
        .bind(now_ms())
        .execute(scope.conn())
        .await
        .map_err(role_name_taken)?;
        scope.record(action, &name, permissions.summary()).await?;
        scope.commit().await?;
        Ok(TenantRole {
            id,
            name,
            builtin: false,
            permissions,
            members: 0,
        })
    }

    /// Renames a custom role and sets its permissions; its users have them on their next request.
    pub async fn update_tenant_role(
        &self,
        principal: &Principal,
        tenant: &str,
        role_id: RoleId,
        name: &str,
        permissions: PermissionSet,
    ) -> HubResult<()> {
        let name = validate_role_name(name)?;
        let action = AuditAction::TenantRoleUpdate;
        let (mut scope, _) = self
            .manage_role(
                principal,
                tenant,
                role_id,
                action,
                Action::Update,
                permissions,
            )
            .await?;
        let key = scope.tenant_key();
        sqlx::query(
            "UPDATE tenant_roles SET name = $1, permissions = $2 WHERE tenant_id = $3 AND id = $4",
        )
        .bind(&name)
        .bind(permissions.bits())
        .bind(&key)
        .bind(role_id.to_string())
        .execute(scope.conn())
        .await
        .map_err(role_name_taken)?;
        scope.record(action, &name, permissions.summary()).await?;
        scope.commit().await
    }

    /// Deletes a custom role nobody holds.
    pub async fn delete_tenant_role(
        &self,
        principal: &Principal,
        tenant: &str,
        role_id: RoleId,
    ) -> HubResult<()> {
        let action = AuditAction::TenantRoleDelete;
        let (mut scope, name) = self
            .manage_role(
                principal,
                tenant,
                role_id,
                action,
                Action::Delete,
                PermissionSet::empty(),
            )
            .await?;
        let key = scope.tenant_key();
        let holders: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tenant_members WHERE tenant_id = $1 AND role_id = $2",
        )
        .bind(&key)
        .bind(role_id.to_string())
        .fetch_one(scope.conn())
        .await
        .db()?;
        if holders > 0 {
            return Err(HubError::invalid(
                "role",
                format!("{holders} user(s) hold this role. Give them another role first."),
            ));
        }
        sqlx::query("DELETE FROM tenant_roles WHERE tenant_id = $1 AND id = $2")
            .bind(&key)
            .bind(role_id.to_string())
            .execute(scope.conn())
            .await
            .db()?;
        scope.record(action, &name, String::new()).await?;
        scope.commit().await
    }
}

fn role_name_taken(error: sqlx::Error) -> HubError {
    if is_unique_violation(&error) {
        HubError::invalid("name", "This tenant already has a role with that name.")
    } else {
        crate::db::internal(&error)
    }
}
