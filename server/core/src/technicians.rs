//! Technician management (MSP Admin only): accounts, and tenant assignments each with a
//! permission matrix (DESIGN §1, §5). Every change takes effect on the technician's next
//! request: assignments are re-read by [`Hub::enter_tenant`], and deactivation and password
//! resets end their sessions.

use crate::access::msp::MspRole;
use crate::{
    audit::AuditEvent,
    auth::password::validate_new_password,
    clock::now_ms,
    db::{is_unique_violation, DbResultExt as _},
    tenants::list::search_pattern,
    users::protected_or_internal,
    validate::{validate_email, validate_name, validate_phone},
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{
    permissions::PermissionSet,
    technicians::{
        AssignmentPage, AssignmentRow, TechnicianDetail, TechnicianPage, TechnicianProfile,
        TechnicianQuery, TechnicianSort, TechnicianSummary, TECHNICIAN_PAGE_SIZES,
    },
    HubError, HubResult, TenantId, UserId,
};
use uuid::Uuid;

/// Most tenants one "apply to the selected tenants" may name.
pub const MAX_BATCH: usize = 1000;

const SUMMARY: &str = "u.id, u.display_name, u.email, u.phone, u.active, u.created_at, \
    (SELECT COUNT(*) FROM technician_assignments a WHERE a.user_id = u.id) AS tenants";

/// The `ORDER BY` of a sort; only these fixed strings ever reach the SQL. Each ends in the
/// id, so ties never make rows jump between pages.
fn technician_order(sort: TechnicianSort, descending: bool) -> &'static str {
    match (sort, descending) {
        (TechnicianSort::Name, false) => "LOWER(u.display_name) ASC, u.id ASC",
        (TechnicianSort::Name, true) => "LOWER(u.display_name) DESC, u.id DESC",
        (TechnicianSort::Email, false) => "LOWER(u.email) ASC, u.id ASC",
        (TechnicianSort::Email, true) => "LOWER(u.email) DESC, u.id DESC",
        (TechnicianSort::Tenants, false) => "tenants ASC, LOWER(u.display_name) ASC, u.id ASC",
        (TechnicianSort::Tenants, true) => "tenants DESC, LOWER(u.display_name) ASC, u.id ASC",
        (TechnicianSort::Status, false) => "u.active DESC, LOWER(u.display_name) ASC, u.id ASC",
        (TechnicianSort::Status, true) => "u.active ASC, LOWER(u.display_name) ASC, u.id ASC",
    }
}

/// A technician as [`SUMMARY`] reads them.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    display_name: String,
    email: String,
    phone: String,
    active: i64,
    created_at: i64,
    tenants: i64,
}

fn summary(row: &SummaryRow) -> HubResult<TechnicianSummary> {
    Ok(TechnicianSummary {
        id: UserId::parse(&row.id).ok_or_else(|| crate::db::internal(&"user id"))?,
        display_name: row.display_name.clone(),
        email: row.email.clone(),
        phone: row.phone.clone(),
        active: row.active == 1,
        created_at: row.created_at,
        tenants: row.tenants,
    })
}

/// A tenant with the technician's permissions there, if assigned.
#[derive(sqlx::FromRow)]
struct AssignmentDbRow {
    id: String,
    slug: String,
    name: String,
    active: i64,
    permissions: Option<i64>,
}

fn assignment_row(row: &AssignmentDbRow) -> HubResult<AssignmentRow> {
    Ok(AssignmentRow {
        tenant_id: TenantId::parse(&row.id).ok_or_else(|| crate::db::internal(&"tenant id"))?,
        slug: row.slug.clone(),
        name: row.name.clone(),
        active: row.active == 1,
        permissions: row.permissions.map(PermissionSet::from_bits),
    })
}

fn validate_profile(profile: &TechnicianProfile) -> HubResult<TechnicianProfile> {
    Ok(TechnicianProfile {
        display_name: validate_name("display_name", &profile.display_name, "name")?,
        email: validate_email(&profile.email)?,
        phone: validate_phone(&profile.phone)?,
    })
}

fn email_taken(error: sqlx::Error) -> HubError {
    if is_unique_violation(&error) {
        HubError::invalid(
            "email",
            "An account with this email address already exists.",
        )
    } else {
        protected_or_internal(error)
    }
}

/// The page size, clamped to what the list offers.
fn per_page(requested: i64) -> i64 {
    crate::tenants::list::page_size(requested, &TECHNICIAN_PAGE_SIZES)
}

impl Hub {
    /// One page of technicians, by name, optionally searched by name, email or phone.
    pub async fn list_technicians(
        &self,
        principal: &Principal,
        query: &TechnicianQuery,
    ) -> HubResult<TechnicianPage> {
        let grant = self
            .msp_grant(principal, AuditAction::TechnicianList, MspRole::MspAdmin)
            .await?;
        let pattern = search_pattern(&query.search);
        let per_page = per_page(query.per_page);
        let page = query.page.max(1);
        let filter = "u.system_role = 'technician' AND ($1 = '%%' OR LOWER(u.display_name) LIKE $1 ESCAPE '\\' \
             OR LOWER(u.email) LIKE $1 ESCAPE '\\' OR u.phone LIKE $1 ESCAPE '\\')";
        let mut tx = grant.read(self).await?;
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users u WHERE {filter}"))
                .bind(&pattern)
                .fetch_one(&mut *tx)
                .await
                .db()?;
        let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
            "SELECT {SUMMARY} FROM users u WHERE {filter} \
             ORDER BY {} LIMIT $2 OFFSET $3",
            technician_order(query.sort, query.descending)
        ))
        .bind(&pattern)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(&mut *tx)
        .await
        .db()?;
        tx.commit().await?;
        Ok(TechnicianPage {
            items: rows.iter().map(summary).collect::<HubResult<_>>()?,
            total,
            page,
            per_page,
        })
    }

    /// Creates a technician with an initial password. They see no tenant until assigned.
    pub async fn create_technician(
        &self,
        principal: &Principal,
        profile: &TechnicianProfile,
        password: &str,
    ) -> HubResult<TechnicianSummary> {
        let grant = self
            .msp_grant(principal, AuditAction::TechnicianCreate, MspRole::MspAdmin)
            .await?;
        let profile = validate_profile(profile)?;
        validate_new_password(password)?;
        let hash = self.passwords().hash(password).await?;
        let now = now_ms();
        let id = Uuid::new_v4().to_string();
        let mut tx = grant.write(self).await?;
        sqlx::query(
            "INSERT INTO users (id, email, display_name, phone, password_hash, system_role, \
             active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'technician', 1, $6, $6)",
        )
        .bind(&id)
        .bind(&profile.email)
        .bind(&profile.display_name)
        .bind(&profile.phone)
        .bind(&hash)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(email_taken)?;
        AuditEvent::allowed(
            principal,
            AuditAction::TechnicianCreate,
            None,
            &profile.email,
            profile.display_name.clone(),
        )
        .record(&mut *tx)
        .await?;
        let created = technician_in(&mut *tx, &id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes a technician's name, email and phone.
    pub async fn update_technician(
        &self,
        principal: &Principal,
        id: UserId,
        profile: &TechnicianProfile,
    ) -> HubResult<TechnicianSummary> {
        let grant = self
            .msp_grant(principal, AuditAction::TechnicianUpdate, MspRole::MspAdmin)
            .await?;
        let profile = validate_profile(profile)?;
        let mut tx = grant.write(self).await?;
        let updated = sqlx::query(
            "UPDATE users SET display_name = $1, email = $2, phone = $3, updated_at = $4 \
             WHERE id = $5 AND system_role = 'technician'",
        )
        .bind(&profile.display_name)
        .bind(&profile.email)
        .bind(&profile.phone)
        .bind(now_ms())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(email_taken)?
        .rows_affected();
        if updated != 1 {
            return Err(HubError::not_found("The technician"));
        }
        AuditEvent::allowed(
            principal,
            AuditAction::TechnicianUpdate,
            None,
            &profile.email,
            format!("{profile:?}"),
        )
        .record(&mut *tx)
        .await?;
        let technician = technician_in(&mut *tx, &id.to_string()).await?;
        tx.commit().await?;
        Ok(technician)
    }

    /// Deactivates (every session ends at once; assignments are kept) or reactivates.
    pub async fn set_technician_active(
        &self,
        principal: &Principal,
        id: UserId,
        active: bool,
    ) -> HubResult<TechnicianSummary> {
        let grant = self
            .msp_grant(
                principal,
                AuditAction::TechnicianSetActive,
                MspRole::MspAdmin,
            )
            .await?;
        let now = now_ms();
        let mut tx = grant.write(self).await?;
        let updated = sqlx::query(
            "UPDATE users SET active = $1, security_version = security_version + 1, updated_at = $2 \
             WHERE id = $3 AND system_role = 'technician'",
        )
        .bind(i64::from(active))
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(protected_or_internal)?
        .rows_affected();
        if updated != 1 {
            return Err(HubError::not_found("The technician"));
        }
        if !active {
            end_sessions(&mut tx, id, now).await?;
        }
        let technician = technician_in(&mut *tx, &id.to_string()).await?;
        let action = if active {
            AuditAction::TechnicianReactivate
        } else {
            AuditAction::TechnicianDeactivate
        };
        AuditEvent::allowed(principal, action, None, &technician.email, String::new())
            .record(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(technician)
    }

    /// Sets a new password for a technician; their sessions end.
    pub async fn reset_technician_password(
        &self,
        principal: &Principal,
        id: UserId,
        password: &str,
    ) -> HubResult<()> {
        let grant = self
            .msp_grant(
                principal,
                AuditAction::TechnicianResetPassword,
                MspRole::MspAdmin,
            )
            .await?;
        validate_new_password(password)?;
        let hash = self.passwords().hash(password).await?;
        let now = now_ms();
        let mut tx = grant.write(self).await?;
        let email: Option<String> = sqlx::query_scalar(
            "UPDATE users SET password_hash = $1, security_version = security_version + 1, \
             updated_at = $2 WHERE id = $3 AND system_role = 'technician' RETURNING email",
        )
        .bind(&hash)
        .bind(now)
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(protected_or_internal)?;
        let Some(email) = email else {
            return Err(HubError::not_found("The technician"));
        };
        end_sessions(&mut tx, id, now).await?;
        AuditEvent::allowed(
            principal,
            AuditAction::TechnicianResetPassword,
            None,
            &email,
            "password reset; all sessions ended".to_owned(),
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// Deletes a technician with their assignments and sessions (audit events stay).
    pub async fn delete_technician(&self, principal: &Principal, id: UserId) -> HubResult<()> {
        let grant = self
            .msp_grant(principal, AuditAction::TechnicianDelete, MspRole::MspAdmin)
            .await?;
        let mut tx = grant.write(self).await?;
        let email: Option<String> = sqlx::query_scalar(
            "DELETE FROM users WHERE id = $1 AND system_role = 'technician' RETURNING email",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(protected_or_internal)?;
        let Some(email) = email else {
            return Err(HubError::not_found("The technician"));
        };
        AuditEvent::allowed(
            principal,
            AuditAction::TechnicianDelete,
            None,
            &email,
            String::new(),
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// A technician with the tenants they are assigned to.
    pub async fn technician_detail(
        &self,
        principal: &Principal,
        id: UserId,
    ) -> HubResult<TechnicianDetail> {
        let grant = self
            .msp_grant(principal, AuditAction::TechnicianView, MspRole::MspAdmin)
            .await?;
        let mut tx = grant.read(self).await?;
        let technician = technician_in(&mut *tx, &id.to_string()).await?;
        let rows: Vec<AssignmentDbRow> = sqlx::query_as(
            "SELECT t.id, t.slug, t.name, t.active, a.permissions FROM technician_assignments a \
             JOIN tenants t ON t.id = a.tenant_id WHERE a.user_id = $1 ORDER BY t.name_key, t.id",
        )
        .bind(id.to_string())
        .fetch_all(&mut *tx)
        .await
        .db()?;
        tx.commit().await?;
        Ok(TechnicianDetail {
            technician,
            assignments: rows.iter().map(assignment_row).collect::<HubResult<_>>()?,
        })
    }

    /// Every tenant (searched, paged), with the technician's permissions where assigned:
    /// what the assignment editor picks from.
    pub async fn assignment_candidates(
        &self,
        principal: &Principal,
        id: UserId,
        search: &str,
        page: i64,
        per_page_requested: i64,
    ) -> HubResult<AssignmentPage> {
        let grant = self
            .msp_grant(principal, AuditAction::TechnicianView, MspRole::MspAdmin)
            .await?;
        let pattern = search_pattern(search);
        let per_page = per_page(per_page_requested);
        let page = page.max(1);
        let mut tx = grant.read(self).await?;
        technician_in(&mut *tx, &id.to_string()).await?;
        let filter = "t.kind = 'tenant' AND ($1 = '%%' OR t.name_key LIKE $1 ESCAPE '\\' OR t.slug LIKE $1 ESCAPE '\\')";
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM tenants t WHERE {filter}"))
                .bind(&pattern)
                .fetch_one(&mut *tx)
                .await
                .db()?;
        let rows: Vec<AssignmentDbRow> = sqlx::query_as(&format!(
            "SELECT t.id, t.slug, t.name, t.active, a.permissions FROM tenants t \
             LEFT JOIN technician_assignments a ON a.tenant_id = t.id AND a.user_id = $2 \
             WHERE {filter} ORDER BY t.name_key, t.id LIMIT $3 OFFSET $4"
        ))
        .bind(&pattern)
        .bind(id.to_string())
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(&mut *tx)
        .await
        .db()?;
        tx.commit().await?;
        Ok(AssignmentPage {
            rows: rows.iter().map(assignment_row).collect::<HubResult<_>>()?,
            total,
            page,
            per_page,
        })
    }

    /// Assigns the technician to each of `tenants` with `permissions` (replacing what they
    /// had there): "apply these permissions to the selected tenants", as one transaction.
    /// An unknown tenant refuses the whole batch.
    pub async fn assign_tenants(
        &self,
        principal: &Principal,
        id: UserId,
        tenants: &[TenantId],
        permissions: PermissionSet,
    ) -> HubResult<TechnicianDetail> {
        let grant = self
            .msp_grant(principal, AuditAction::TechnicianAssign, MspRole::MspAdmin)
            .await?;
        let tenants = validate_batch(tenants)?;
        let now = now_ms();
        let mut tx = grant.write(self).await?;
        let technician = technician_in(&mut *tx, &id.to_string()).await?;
        for tenant in &tenants {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM tenants WHERE id = $1 AND kind = 'tenant'")
                    .bind(tenant.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .db()?;
            if exists.is_none() {
                return Err(HubError::not_found("The tenant"));
            }
            sqlx::query(
                "INSERT INTO technician_assignments (user_id, tenant_id, permissions, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) \
                 ON CONFLICT (user_id, tenant_id) DO UPDATE SET permissions = $3, updated_at = $4",
            )
            .bind(id.to_string())
            .bind(tenant.to_string())
            .bind(permissions.bits())
            .bind(now)
            .execute(&mut *tx)
            .await
            .db()?;
            AuditEvent::allowed(
                principal,
                AuditAction::TechnicianAssign,
                Some(*tenant),
                &technician.email,
                permissions.summary(),
            )
            .record(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.technician_detail(principal, id).await
    }

    /// Removes the technician from each of `tenants` (unknown or unassigned ones are skipped).
    pub async fn unassign_tenants(
        &self,
        principal: &Principal,
        id: UserId,
        tenants: &[TenantId],
    ) -> HubResult<TechnicianDetail> {
        let grant = self
            .msp_grant(
                principal,
                AuditAction::TechnicianUnassign,
                MspRole::MspAdmin,
            )
            .await?;
        let tenants = validate_batch(tenants)?;
        let mut tx = grant.write(self).await?;
        let technician = technician_in(&mut *tx, &id.to_string()).await?;
        for tenant in &tenants {
            let removed = sqlx::query(
                "DELETE FROM technician_assignments WHERE user_id = $1 AND tenant_id = $2",
            )
            .bind(id.to_string())
            .bind(tenant.to_string())
            .execute(&mut *tx)
            .await
            .db()?
            .rows_affected();
            if removed > 0 {
                AuditEvent::allowed(
                    principal,
                    AuditAction::TechnicianUnassign,
                    Some(*tenant),
                    &technician.email,
                    String::new(),
                )
                .record(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        self.technician_detail(principal, id).await
    }
}

/// One to [`MAX_BATCH`] distinct tenants.
fn validate_batch(tenants: &[TenantId]) -> HubResult<Vec<TenantId>> {
    let mut unique: Vec<TenantId> = Vec::with_capacity(tenants.len());
    for tenant in tenants {
        if !unique.contains(tenant) {
            unique.push(*tenant);
        }
    }
    if unique.is_empty() {
        return Err(HubError::invalid("tenants", "Select at least one tenant."));
    }
    if unique.len() > MAX_BATCH {
        return Err(HubError::invalid(
            "tenants",
            format!("Select at most {MAX_BATCH} tenants at once."),
        ));
    }
    Ok(unique)
}

/// Ends every session of a user (inside the caller's transaction).
pub(crate) async fn end_sessions(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    now: i64,
) -> HubResult<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(user.to_string())
        .execute(conn)
        .await
        .db()?;
    Ok(())
}

/// One technician by id (`NotFound` for anyone who is not a technician).
async fn technician_in(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    id: &str,
) -> HubResult<TechnicianSummary> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY} FROM users u WHERE u.id = $1 AND u.system_role = 'technician'"
    ))
    .bind(id)
    .fetch_optional(executor)
    .await
    .db()?;
    match row {
        Some(row) => summary(&row),
        None => Err(HubError::not_found("The technician")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_optional_and_plain() {
        assert_eq!(
            validate_phone("  +1 (555) 010-2000 ").as_deref(),
            Ok("+1 (555) 010-2000")
        );
        assert_eq!(validate_phone("").as_deref(), Ok(""));
        assert!(validate_phone("call me").is_err());
        assert!(validate_phone(&"1".repeat(33)).is_err());
    }

    #[test]
    fn batches_are_distinct_and_bounded() {
        let a = TenantId::parse("00000000-0000-0000-0000-000000000001").expect("id");
        assert_eq!(validate_batch(&[a, a]), Ok(vec![a]));
        assert!(validate_batch(&[]).is_err());
    }
}
