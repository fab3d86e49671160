//! The MSP license: keys ([`keys`]), activation and the state every MSP page shows.
//!
//! Activation is one transaction (DESIGN §2): verify the key, upgrade the Administrator to
//! MSP Admin, create the Default Tenant and move the organization workspace's records into
//! it. A later, newer key only replaces the license and its limits.

pub mod keys;

pub use keys::{
    iso_date, LicenseClaims, LicenseIssuer, LicenseVerifier, DEVELOPMENT_PRIVATE_KEY,
    DEVELOPMENT_PUBLIC_KEY,
};

use crate::access::msp::MspRole;
use crate::{
    audit::AuditEvent,
    clock::now_ms,
    db::DbResultExt as _,
    tenants::{self, NewTenant, TenantKind},
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{
    license::{Activation, ActiveLicense, LicenseOverview, LicenseState, LicenseVerification},
    session::SystemRole,
    tenants::{TenantCount, TenantLimits},
    HubError, HubResult,
};

/// The stored license.
#[derive(Clone, Debug)]
pub(crate) struct LicenseRow {
    pub license_id: String,
    pub licensee: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub max_tenants: i64,
    pub default_limits: TenantLimits,
    pub activated_at: i64,
    pub notice_dismissed: bool,
}

impl LicenseRow {
    /// Whether the license has run out at `now_ms`.
    pub fn expired_at(&self, now_ms: i64) -> bool {
        self.expires_at * 1000 <= now_ms
    }

    /// The state the shell and the License page show.
    pub fn state(&self, now_ms: i64) -> LicenseState {
        if self.expired_at(now_ms) {
            LicenseState::Expired {
                expired_on: iso_date(self.expires_at),
            }
        } else {
            LicenseState::Active {
                expires_on: iso_date(self.expires_at),
            }
        }
    }

    /// Refuses creating tenants (and other new things) once the license has expired.
    pub fn require_unexpired(&self) -> HubResult<()> {
        if self.expired_at(now_ms()) {
            return Err(HubError::LicenseExpired {
                expired_on: iso_date(self.expires_at),
            });
        }
        Ok(())
    }
}

/// Reads the license, if one was activated.
/// The license row as stored.
#[derive(sqlx::FromRow)]
struct StoredLicense {
    license_id: String,
    licensee: String,
    issued_at: i64,
    expires_at: i64,
    max_tenants: i64,
    default_max_automs: i64,
    default_max_users: i64,
    default_max_agents: i64,
    activated_at: i64,
    notice_dismissed_at: Option<i64>,
}

pub(crate) async fn load(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
) -> HubResult<Option<LicenseRow>> {
    let row: Option<StoredLicense> = sqlx::query_as(
        "SELECT license_id, licensee, issued_at, expires_at, max_tenants, default_max_automs, \
                default_max_users, default_max_agents, activated_at, notice_dismissed_at \
         FROM license WHERE id = 1",
    )
    .fetch_optional(executor)
    .await
    .db()?;
    Ok(row.map(|row| LicenseRow {
        license_id: row.license_id,
        licensee: row.licensee,
        issued_at: row.issued_at,
        expires_at: row.expires_at,
        max_tenants: row.max_tenants,
        default_limits: TenantLimits {
            automs: row.default_max_automs,
            users: row.default_max_users,
            agents: row.default_max_agents,
        },
        activated_at: row.activated_at,
        notice_dismissed: row.notice_dismissed_at.is_some(),
    }))
}

/// Stores the license: inserted at the first activation, replaced (keeping its activation
/// date and the notice's state) by a newer key.
async fn store(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    claims: &LicenseClaims,
    key: &str,
    now: i64,
) -> HubResult<()> {
    sqlx::query(
        "INSERT INTO license (id, license_id, licensee, license_key, issued_at, expires_at, \
         max_tenants, default_max_automs, default_max_users, default_max_agents, activated_at, \
         updated_at) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         ON CONFLICT (id) DO UPDATE SET license_id = excluded.license_id, \
         licensee = excluded.licensee, license_key = excluded.license_key, \
         issued_at = excluded.issued_at, expires_at = excluded.expires_at, \
         max_tenants = excluded.max_tenants, default_max_automs = excluded.default_max_automs, \
         default_max_users = excluded.default_max_users, \
         default_max_agents = excluded.default_max_agents, updated_at = excluded.updated_at",
    )
    .bind(&claims.jti)
    .bind(&claims.sub)
    .bind(key)
    .bind(claims.iat)
    .bind(claims.exp)
    .bind(claims.max_tenants)
    .bind(claims.limits.automs)
    .bind(claims.limits.users)
    .bind(claims.limits.agents)
    .bind(now)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

/// Reading the license state for every signed-in page.
const LICENSE_STATE: crate::caller::SystemTask =
    crate::caller::SystemTask::new("read the license state");

impl Hub {
    /// The license state, for the shell's banner (hub admins) and the MSP pages.
    pub async fn license_state(&self) -> HubResult<LicenseState> {
        Ok(
            match load(self.system_conn(LICENSE_STATE).await?.conn()).await? {
                Some(license) => license.state(now_ms()),
                None => LicenseState::Unlicensed,
            },
        )
    }

    /// Which key this hub verifies licenses with.
    pub fn license_verification(&self) -> LicenseVerification {
        match self.license_verifier() {
            Ok(verifier) if verifier.is_development() => LicenseVerification::Development,
            Ok(_) => LicenseVerification::Vendor,
            Err(_) => LicenseVerification::NotConfigured,
        }
    }

    /// The License page's data. Hub administrators only.
    pub async fn license_overview(&self, principal: &Principal) -> HubResult<LicenseOverview> {
        let grant = self
            .msp_grant(principal, AuditAction::LicenseView, MspRole::HubAdmin)
            .await?;
        let verification = self.license_verification();
        let mut tx = grant.read(self).await?;
        let Some(license) = load(&mut *tx).await? else {
            return Ok(LicenseOverview {
                license: None,
                activation_notice: false,
                verification,
            });
        };
        let used = tenants::count(&mut *tx).await?;
        tx.commit().await?;
        Ok(LicenseOverview {
            verification,
            activation_notice: !license.notice_dismissed,
            license: Some(ActiveLicense {
                expired: license.expired_at(now_ms()),
                licensee: license.licensee,
                license_id: license.license_id,
                issued_on: iso_date(license.issued_at),
                expires_on: iso_date(license.expires_at),
                tenants: TenantCount {
                    used,
                    allowed: license.max_tenants,
                },
                default_limits: license.default_limits,
                activated_on: iso_date(license.activated_at / 1000),
            }),
        })
    }

    /// Activates a license key, from the License page (`by` is the signed-in hub admin) or
    /// the CLI (`by` is `None`). A bad key changes nothing.
    pub async fn activate_license(
        &self,
        by: Option<&Principal>,
        key: &str,
    ) -> HubResult<Activation> {
        let caller = by.map_or(
            crate::Caller::System(crate::SystemTask::new(
                "activate a license from the command line",
            )),
            |principal| crate::Caller::User(principal.clone()),
        );
        let grant = self
            .msp_grant(caller, AuditAction::LicenseActivate, MspRole::HubAdmin)
            .await?;
        let now = now_ms();
        let claims = self.license_verifier()?.verify(key, now / 1000)?;

        let mut tx = grant.write(self).await?;
        // Take the write lock first, so two activations never interleave.
        sqlx::query("UPDATE organization SET name = name WHERE id = 1")
            .execute(&mut *tx)
            .await
            .db()?;
        if self.organization_name_in(&mut *tx).await?.is_none() {
            return Err(HubError::SetupRequired);
        }
        let existing = load(&mut *tx).await?;
        let outcome = match existing {
            Some(current) => {
                if claims.iat < current.issued_at {
                    return Err(HubError::invalid(
                        "license_key",
                        format!(
                            "This key was issued on {}, before the active license (issued on {}). \
                             Activate the newer key.",
                            iso_date(claims.iat),
                            iso_date(current.issued_at)
                        ),
                    ));
                }
                store(tx.tx(), &claims, key.trim(), now).await?;
                Activation::Updated
            }
            None => {
                self.first_activation(tx.tx(), &claims, key.trim(), now)
                    .await?;
                Activation::Activated
            }
        };
        AuditEvent::allowed(
            tx.caller(),
            match outcome {
                Activation::Activated => AuditAction::LicenseActivate,
                Activation::Updated => AuditAction::LicenseUpdate,
            },
            None,
            &claims.jti,
            format!(
                "licensee {}, {} tenants, expires {}",
                claims.sub,
                claims.max_tenants,
                iso_date(claims.exp)
            ),
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn first_activation(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        claims: &LicenseClaims,
        key: &str,
        now: i64,
    ) -> HubResult<()> {
        let upgraded = sqlx::query(
            "UPDATE users SET system_role = $1, updated_at = $2 WHERE system_role = $3 AND active = 1",
        )
        .bind(SystemRole::MspAdmin.as_str())
        .bind(now)
        .bind(SystemRole::Administrator.as_str())
        .execute(&mut **tx)
        .await
        .db()?
        .rows_affected();
        if upgraded != 1 {
            return Err(crate::db::internal(&format!(
                "activation found {upgraded} active Administrators instead of one"
            )));
        }

        // The organization workspace becomes the Default Tenant under the same id, so every
        // record it holds is linked to the Default Tenant without being copied or moved (and
        // row-level security never sees a row change tenant).
        match tenants::organization_workspace(&mut **tx).await? {
            Some(organization) => {
                tenants::promote_to_default(tx, &organization, claims.limits, now).await?;
            }
            None => {
                tenants::insert(
                    tx,
                    &NewTenant {
                        kind: TenantKind::Tenant,
                        name: tenants::DEFAULT_TENANT_NAME,
                        limits: claims.limits,
                        is_default: true,
                        seed_defaults: true,
                    },
                    now,
                )
                .await?;
            }
        }
        store(tx, claims, key, now).await
    }

    /// Whether the MSP License Activation Notice has yet to be dismissed.
    pub async fn activation_notice_pending(&self) -> HubResult<bool> {
        Ok(load(self.system_conn(LICENSE_STATE).await?.conn())
            .await?
            .is_some_and(|license| !license.notice_dismissed))
    }

    /// Dismisses the MSP License Activation Notice for good.
    pub async fn dismiss_activation_notice(&self, principal: &Principal) -> HubResult<()> {
        let action = AuditAction::LicenseDismissNotice;
        let grant = self.msp_grant(principal, action, MspRole::HubAdmin).await?;
        let mut tx = grant.write(self).await?;
        let dismissed = sqlx::query(
            "UPDATE license SET notice_dismissed_at = $1 WHERE id = 1 AND notice_dismissed_at IS NULL",
        )
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .db()?
        .rows_affected();
        let detail = if dismissed == 1 {
            "activation notice dismissed"
        } else {
            "no activation notice to dismiss"
        };
        AuditEvent::allowed(principal, action, None, "license", detail.to_owned())
            .record(&mut *tx)
            .await?;
        tx.commit().await
    }
}
