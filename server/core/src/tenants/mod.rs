//! Tenants: creation with their defaults, the management list, detail, edits and status.
//!
//! Every operation here is the MSP Admin's (DESIGN §1) and needs an activated license. The
//! organization's own workspace (single-organization mode) is a row of kind `organization`
//! that license activation turns into the Default Tenant.

mod defaults;
pub(crate) mod list;

pub mod email_domains;

pub use defaults::{ACCESS_TABLES, TENANT_TABLES};

use crate::access::msp::{MspRole, MspTx};
use crate::{
    access::TenantKey,
    audit::AuditEvent,
    clock::now_ms,
    db::{is_unique_violation, DbResultExt as _},
    license::{self, LicenseRow},
    validate::validate_name,
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{
    tenants::{AssignedTechnician, TenantDetail, TenantLimits, TenantSummary, TenantUsage},
    workspace::ORGANIZATION_SLUG,
    HubError, HubResult, TenantId,
};
use uuid::Uuid;

/// A technician assigned to a tenant, as the detail page reads it.
#[derive(sqlx::FromRow)]
struct AssignedRow {
    id: String,
    display_name: String,
    email: String,
    permissions: i64,
}

/// The name of the tenant that license activation creates.
pub const DEFAULT_TENANT_NAME: &str = "Default Tenant";

/// Limits of the organization workspace before any license.
pub const UNLICENSED_LIMITS: TenantLimits = TenantLimits {
    automs: 25,
    users: 10,
    agents: 3,
};

/// Longest slug generated from a name.
const MAX_SLUG_LEN: usize = 48;

/// Slugs that would collide with the URL scheme or the organization workspace.
const RESERVED_SLUGS: &[&str] = &[ORGANIZATION_SLUG, "new", "api", "admin"];

/// Which kind of workspace a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TenantKind {
    Organization,
    Tenant,
}

impl TenantKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Tenant => "tenant",
        }
    }
}

/// What [`insert`] creates.
pub(crate) struct NewTenant<'a> {
    pub kind: TenantKind,
    pub name: &'a str,
    pub limits: TenantLimits,
    pub is_default: bool,
    /// Create the default roles and dashboard.
    pub seed_defaults: bool,
}

/// The columns every tenant query reads ([`SummaryRow`]).
pub(crate) const SUMMARY_COLUMNS: &str = "id, slug, name, active, is_default, created_at, \
     max_automs, max_users, max_agents, used_automs, used_users, used_agents, \
     (SELECT COUNT(*) FROM technician_assignments a WHERE a.tenant_id = tenants.id) AS technicians";

/// A tenant as [`SUMMARY_COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    id: String,
    slug: String,
    name: String,
    active: i64,
    is_default: i64,
    created_at: i64,
    max_automs: i64,
    max_users: i64,
    max_agents: i64,
    used_automs: i64,
    used_users: i64,
    used_agents: i64,
    technicians: i64,
}

pub(crate) fn summary_from_row(row: &SummaryRow) -> HubResult<TenantSummary> {
    Ok(TenantSummary {
        id: TenantId::parse(&row.id)
            .ok_or_else(|| crate::db::internal(&"tenant id is not a uuid"))?,
        slug: row.slug.clone(),
        name: row.name.clone(),
        active: row.active == 1,
        is_default: row.is_default == 1,
        created_at_ms: row.created_at,
        limits: TenantLimits {
            automs: row.max_automs,
            users: row.max_users,
            agents: row.max_agents,
        },
        usage: TenantUsage {
            automs: row.used_automs,
            users: row.used_users,
            agents: row.used_agents,
        },
        technicians: row.technicians,
    })
}

/// A URL slug from a name: lowercase ASCII letters and digits separated by single dashes
/// (the `slug` crate transliterates other scripts), cut at a word boundary when long.
pub fn slugify(name: &str) -> String {
    let full = slug::slugify(name);
    let mut slug = String::new();
    for word in full.split('-') {
        if !slug.is_empty() && slug.len() + 1 + word.len() > MAX_SLUG_LEN {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    slug.truncate(MAX_SLUG_LEN);
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "tenant".to_owned()
    } else if RESERVED_SLUGS.contains(&slug.as_str()) {
        format!("tenant-{slug}")
    } else {
        slug
    }
}

/// The first free slug for `name` (`acme`, then `acme-2`, `acme-3`, ...).
async fn free_slug(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    name: &str,
) -> HubResult<String> {
    let base = slugify(name);
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM tenants WHERE slug = $1 OR slug LIKE $2")
            .bind(&base)
            .bind(format!("{base}-%"))
            .fetch_all(&mut **tx)
            .await
            .db()?;
    if !taken.contains(&base) {
        return Ok(base);
    }
    let next = (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| format!("{base}-{}", Uuid::new_v4().simple()));
    Ok(next)
}

/// Inserts a tenant (and, if asked, its default roles and dashboard) inside `tx`.
pub(crate) async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    new: &NewTenant<'_>,
    now: i64,
) -> HubResult<TenantId> {
    let id = TenantId(Uuid::new_v4());
    let slug = if new.kind == TenantKind::Organization {
        ORGANIZATION_SLUG.to_owned()
    } else {
        free_slug(tx, new.name).await?
    };
    sqlx::query(
        "INSERT INTO tenants (id, kind, slug, name, name_key, active, is_default, max_automs, \
         max_users, max_agents, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, $10)",
    )
    .bind(id.to_string())
    .bind(new.kind.as_str())
    .bind(&slug)
    .bind(new.name)
    .bind(new.name.to_lowercase())
    .bind(i64::from(new.is_default))
    .bind(new.limits.automs)
    .bind(new.limits.users)
    .bind(new.limits.agents)
    .bind(now)
    .execute(&mut **tx)
    .await
    .db()?;
    if new.seed_defaults {
        defaults::seed(tx, id, now).await?;
    }
    Ok(id)
}

/// Creates the organization workspace at setup.
pub(crate) async fn insert_organization_workspace(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    organization: &str,
    now: i64,
) -> HubResult<TenantId> {
    insert(
        tx,
        &NewTenant {
            kind: TenantKind::Organization,
            name: organization,
            limits: UNLICENSED_LIMITS,
            is_default: false,
            seed_defaults: true,
        },
        now,
    )
    .await
}

/// The organization workspace, while there is no license.
pub(crate) async fn organization_workspace(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
) -> HubResult<Option<TenantSummary>> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM tenants WHERE kind = 'organization'"
    ))
    .fetch_optional(executor)
    .await
    .db()?;
    row.as_ref().map(summary_from_row).transpose()
}

/// Turns the organization workspace into the Default Tenant (license activation): same id,
/// so its records stay linked; limits from the license, never below what it already uses.
pub(crate) async fn promote_to_default(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    organization: &TenantSummary,
    license_limits: TenantLimits,
    now: i64,
) -> HubResult<()> {
    let usage = organization.usage;
    let slug = free_slug(tx, DEFAULT_TENANT_NAME).await?;
    sqlx::query(
        "UPDATE tenants SET kind = 'tenant', slug = $1, name = $2, name_key = $3, is_default = 1, \
         max_automs = $4, max_users = $5, max_agents = $6, updated_at = $7 \
         WHERE id = $8 AND kind = 'organization'",
    )
    .bind(&slug)
    .bind(DEFAULT_TENANT_NAME)
    .bind(DEFAULT_TENANT_NAME.to_lowercase())
    .bind(license_limits.automs.max(usage.automs))
    .bind(license_limits.users.max(usage.users))
    .bind(license_limits.agents.max(usage.agents))
    .bind(now)
    .bind(organization.id.to_string())
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

/// Tenants under the license (deactivated ones included: they keep their data).
pub(crate) async fn count(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
) -> HubResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM tenants WHERE kind = 'tenant'")
        .fetch_one(executor)
        .await
        .db()
}

/// Records a tenant action of `principal` inside `tx`.
async fn audit_tenant(
    tx: &mut MspTx,
    id: TenantId,
    action: AuditAction,
    detail: String,
) -> HubResult<()> {
    AuditEvent::allowed(tx.caller(), action, Some(id), &id.to_string(), detail)
        .record(&mut **tx)
        .await
}

/// Checks limits against the license ceiling and the tenant's usage.
fn validate_limits(
    limits: TenantLimits,
    ceiling: TenantLimits,
    usage: TenantUsage,
) -> HubResult<TenantLimits> {
    let check = |field: &str, label: &str, value: i64, min: i64, max: i64, used: i64| {
        if value < min.max(used) || value > max {
            let floor = min.max(used);
            let why = if used > min {
                format!(" ({used} in use)")
            } else {
                String::new()
            };
            Err(HubError::invalid(
                field,
                format!("Set the {label} limit between {floor}{why} and {max}, the most the license allows."),
            ))
        } else {
            Ok(value)
        }
    };
    Ok(TenantLimits {
        automs: check(
            "max_automs",
            "Automs",
            limits.automs,
            0,
            ceiling.automs,
            usage.automs,
        )?,
        users: check(
            "max_users",
            "users",
            limits.users,
            1,
            ceiling.users,
            usage.users,
        )?,
        agents: check(
            "max_agents",
            "AI agents",
            limits.agents,
            0,
            ceiling.agents,
            usage.agents,
        )?,
    })
}

impl Hub {
    /// Creates the organization workspace for a hub set up before workspaces existed.
    /// Idempotent; run at start-up.
    pub async fn ensure_organization_workspace(&self) -> HubResult<()> {
        let mut tx = self
            .system_write(crate::SystemTask::new("create the organization workspace"))
            .await?;
        let Some(name) = self.organization_name_in(&mut *tx).await? else {
            return Ok(());
        };
        let licensed = license::load(&mut *tx).await?.is_some();
        if licensed || organization_workspace(&mut *tx).await?.is_some() {
            return Ok(());
        }
        insert_organization_workspace(tx.tx(), &name, now_ms()).await?;
        match tx.into_inner().commit().await {
            // Another server process created it first.
            Err(e) if is_unique_violation(&e) => Ok(()),
            other => other.db(),
        }
    }

    /// The MSP Admin, and the license: the gate of every tenant-management operation. The
    /// transaction (`write` or only reading) is the one the operation then uses.
    pub(crate) async fn tenants_tx(
        &self,
        principal: &Principal,
        action: AuditAction,
        write: bool,
    ) -> HubResult<(MspTx, LicenseRow)> {
        let grant = self.msp_grant(principal, action, MspRole::MspAdmin).await?;
        let mut tx = if write {
            grant.write(self).await?
        } else {
            grant.read(self).await?
        };
        let license = license::load(&mut *tx)
            .await?
            .ok_or(HubError::LicenseRequired)?;
        Ok((tx, license))
    }

    /// Creates a tenant from a name in one transaction: id, slug, limits from the license,
    /// default roles and dashboard. Refused at the license's maximum or after expiry.
    pub async fn create_tenant(
        &self,
        principal: &Principal,
        name: &str,
    ) -> HubResult<TenantSummary> {
        let (mut tx, _) = self
            .tenants_tx(principal, AuditAction::TenantCreate, true)
            .await?;
        let name = validate_name("name", name, "tenant name")?;
        let now = now_ms();
        // The write lock first: concurrent creations queue here, so the count below is exact
        // and the maximum can never be exceeded (SQLite: the database lock; PostgreSQL: the row).
        sqlx::query("UPDATE license SET updated_at = updated_at WHERE id = 1")
            .execute(&mut *tx)
            .await
            .db()?;
        let license = license::load(&mut *tx)
            .await?
            .ok_or(HubError::LicenseRequired)?;
        license.require_unexpired()?;
        let used = count(&mut *tx).await?;
        if used >= license.max_tenants {
            return Err(HubError::LimitReached {
                resource: "tenants".to_owned(),
                used,
                limit: license.max_tenants,
            });
        }
        let id = insert(
            tx.tx(),
            &NewTenant {
                kind: TenantKind::Tenant,
                name: &name,
                limits: license.default_limits,
                is_default: false,
                seed_defaults: true,
            },
            now,
        )
        .await?;
        let tenant = self.tenant_in(&mut *tx, id).await?;
        audit_tenant(
            &mut tx,
            id,
            AuditAction::TenantCreate,
            format!("created {} ({})", tenant.name, tenant.slug),
        )
        .await?;
        tx.commit().await?;
        Ok(tenant)
    }

    /// Renames a tenant and sets its limits (within the license, never below usage).
    pub async fn update_tenant(
        &self,
        principal: &Principal,
        id: TenantId,
        name: &str,
        limits: TenantLimits,
    ) -> HubResult<TenantSummary> {
        let (mut tx, license) = self
            .tenants_tx(principal, AuditAction::TenantUpdate, true)
            .await?;
        let name = validate_name("name", name, "tenant name")?;
        let current = self.tenant_in(&mut *tx, id).await?;
        let limits = validate_limits(limits, license.default_limits, current.usage)?;
        // The usage guard repeats the check in the statement, so a concurrent creation
        // between the read and this write cannot leave usage above a limit.
        let updated = sqlx::query(
            "UPDATE tenants SET name = $1, name_key = $2, max_automs = $3, max_users = $4, \
             max_agents = $5, updated_at = $6 WHERE id = $7 AND kind = 'tenant' \
             AND used_automs <= $3 AND used_users <= $4 AND used_agents <= $5",
        )
        .bind(&name)
        .bind(name.to_lowercase())
        .bind(limits.automs)
        .bind(limits.users)
        .bind(limits.agents)
        .bind(now_ms())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .db()?
        .rows_affected();
        if updated != 1 {
            return Err(HubError::invalid(
                "limits",
                "Usage changed while you were editing; reload and try again.",
            ));
        }
        let tenant = self.tenant_in(&mut *tx, id).await?;
        audit_tenant(
            &mut tx,
            id,
            AuditAction::TenantUpdate,
            format!(
                "name {:?}, limits automs {} users {} agents {}",
                tenant.name, limits.automs, limits.users, limits.agents
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(tenant)
    }

    /// Deactivates (all access blocked, data kept) or reactivates a tenant.
    pub async fn set_tenant_active(
        &self,
        principal: &Principal,
        id: TenantId,
        active: bool,
    ) -> HubResult<TenantSummary> {
        let (mut tx, _) = self
            .tenants_tx(principal, AuditAction::TenantSetActive, true)
            .await?;
        let now = now_ms();
        self.tenant_in(&mut *tx, id).await?;
        sqlx::query(
            "UPDATE tenants SET active = $1, deactivated_at = $2, updated_at = $3 \
             WHERE id = $4 AND kind = 'tenant'",
        )
        .bind(i64::from(active))
        .bind((!active).then_some(now))
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .db()?;
        let tenant = self.tenant_in(&mut *tx, id).await?;
        let action = if active {
            AuditAction::TenantReactivate
        } else {
            AuditAction::TenantDeactivate
        };
        audit_tenant(&mut tx, id, action, tenant.name.clone()).await?;
        tx.commit().await?;
        Ok(tenant)
    }

    /// Everything the tenant detail page shows.
    pub async fn tenant_detail(
        &self,
        principal: &Principal,
        id: TenantId,
    ) -> HubResult<TenantDetail> {
        let (mut tx, license) = self
            .tenants_tx(principal, AuditAction::TenantView, false)
            .await?;
        let tenant = self.tenant_in(&mut *tx, id).await?;
        let email_domains = email_domains::domains_of(&mut *tx, &id.to_string()).await?;
        tx.commit().await?;
        let mut scope = self
            .enter_tenant(principal, TenantKey::Id(id), AuditAction::TenantView)
            .await?;
        let roles = sqlx::query_scalar(
            "SELECT name FROM tenant_roles WHERE tenant_id = $1 ORDER BY builtin DESC, name",
        )
        .bind(scope.tenant_key())
        .fetch_all(scope.conn())
        .await
        .db()?;
        // The access list is MSP-level data, read beside the scope.
        let technicians: Vec<AssignedRow> = sqlx::query_as(
            "SELECT u.id, u.display_name, u.email, a.permissions FROM technician_assignments a \
             JOIN users u ON u.id = a.user_id WHERE a.tenant_id = $1 \
             ORDER BY LOWER(u.display_name), u.id",
        )
        .bind(scope.tenant_key())
        .fetch_all(scope.conn())
        .await
        .db()?;
        scope.commit().await?;
        Ok(TenantDetail {
            email_domains,
            tenant,
            max_limits: license.default_limits,
            // A row that cannot be read is an error, never silently left out.
            technicians: technicians
                .into_iter()
                .map(|row| {
                    Ok(AssignedTechnician {
                        id: hub_model::UserId::parse(&row.id)
                            .ok_or_else(|| crate::db::internal(&"unreadable user id"))?,
                        display_name: row.display_name,
                        email: row.email,
                        permissions: hub_model::permissions::PermissionSet::from_bits(
                            row.permissions,
                        ),
                    })
                })
                .collect::<HubResult<_>>()?,
            roles,
        })
    }

    /// One tenant by id (`NotFound` for the organization workspace and unknown ids).
    pub(crate) async fn tenant_in(
        &self,
        executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
        id: TenantId,
    ) -> HubResult<TenantSummary> {
        let row: Option<SummaryRow> = sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM tenants WHERE id = $1 AND kind = 'tenant'"
        ))
        .bind(id.to_string())
        .fetch_optional(executor)
        .await
        .db()?;
        match row {
            Some(row) => summary_from_row(&row),
            None => Err(HubError::not_found("The tenant")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe_and_never_reserved() {
        assert_eq!(slugify("Acme Corp."), "acme-corp");
        assert_eq!(slugify("  Ünïcode & Co -- Ltd "), "unicode-co-ltd");
        assert_eq!(slugify("Organization"), "tenant-organization");
        assert_eq!(slugify("!!!"), "tenant");
        assert!(slugify(&"x".repeat(200)).len() <= MAX_SLUG_LEN);
    }

    #[test]
    fn limits_stay_within_the_license_and_above_usage() {
        let ceiling = TenantLimits {
            automs: 50,
            users: 20,
            agents: 5,
        };
        let usage = TenantUsage {
            automs: 3,
            users: 2,
            agents: 0,
        };
        let ok = TenantLimits {
            automs: 10,
            users: 2,
            agents: 0,
        };
        assert_eq!(validate_limits(ok, ceiling, usage), Ok(ok));
        for bad in [
            TenantLimits { automs: 51, ..ok },
            TenantLimits { automs: 2, ..ok },
            TenantLimits { users: 1, ..ok },
            TenantLimits { agents: -1, ..ok },
        ] {
            assert!(validate_limits(bad, ceiling, usage).is_err(), "{bad:?}");
        }
    }
}

/// A per-tenant limit (DESIGN §3) with its usage counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counted {
    Users,
    Automs,
}

impl Counted {
    /// (used column, limit column, what the error calls it); fixed strings only reach SQL.
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Users => ("used_users", "max_users", "users"),
            Self::Automs => ("used_automs", "max_automs", "Automs"),
        }
    }
}

/// Counts one more of `counted` in the scope's tenant, or refuses with `LimitReached`
/// (resource, used, limit). The check and the count are one statement, so concurrent
/// creations cannot pass the limit together. The one that takes the last place raises the
/// limit alert, in the same transaction.
pub(crate) async fn take_one(
    scope: &mut crate::access::TenantTx,
    counted: Counted,
) -> HubResult<()> {
    let (used, max, resource) = counted.columns();
    let key = scope.tenant_key();
    #[derive(sqlx::FromRow)]
    struct Usage {
        used: i64,
        limit: i64,
    }
    let taken: Option<Usage> = sqlx::query_as(&format!(
        "UPDATE tenants SET {used} = {used} + 1 WHERE id = $1 AND {used} < {max} \
         RETURNING {used} AS used, {max} AS \"limit\""
    ))
    .bind(&key)
    .fetch_optional(scope.conn())
    .await
    .db()?;
    if let Some(usage) = taken {
        // This one took the last place: one alert for the MSP Admin per crossing.
        if usage.used == usage.limit {
            crate::alerts::raise_for_limit(scope, resource, usage.limit).await?;
        }
        return Ok(());
    }
    let usage: Usage = sqlx::query_as(&format!(
        "SELECT {used} AS used, {max} AS \"limit\" FROM tenants WHERE id = $1"
    ))
    .bind(&key)
    .fetch_one(scope.conn())
    .await
    .db()?;
    Err(HubError::LimitReached {
        resource: resource.to_owned(),
        used: usage.used,
        limit: usage.limit,
    })
}
