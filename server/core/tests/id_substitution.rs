//! Property test: ids substituted across tenants never leak data or change anything.
//!
//! Tenants A and B each have users and a custom role. Principals of A (a Tenant Admin, a
//! Viewer, a technician with full rights and one with view-only rights on A) call every
//! tenant-scoped and MSP-level operation with generated inputs: each id slot the operation
//! takes (tenant slug or id, user, role, technician, Autom or run) is A's own, B's, or
//! garbage (random ids, system role names), and at least one slot is not A's own. Every such call must be refused
//! with `NotFound` or `Forbidden` (no data returned), and a fingerprint of every account,
//! membership, role, tenant, assignment, session, Autom, run and alert must be unchanged. 1,000 cases per run
//! on each database.

use hub_core::{
    access::TenantKey,
    db::Backend,
    tenant_users::NewTenantUser,
    testing::{licensed_admin, TestDb},
    ClientInfo, Hub, HubError, Principal,
};
use hub_model::{
    alerts::{AlertChange, AlertInput, AlertQuery, Severity},
    api_keys::{ApiScope, ApiScopes, NewApiKey},
    automs::{AutomInput, AutomQuery, Trigger},
    permissions::PermissionSet,
    technicians::{TechnicianProfile, TechnicianQuery},
    tenants::TENANT_PAGE_SIZES,
    vault::{ItemKind, VaultItemInput, VaultQuery},
    AlertId, AutomId, RoleId, RunId, TenantId, UserId, VaultItemId,
};
use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};

const PASSWORD: &str = "a long enough password";
const CASES: u32 = 1000;

/// Whose id goes into a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Own,
    Foreign,
    Garbage(u8),
}

fn slot() -> impl Strategy<Value = Slot> {
    prop_oneof![
        Just(Slot::Own),
        Just(Slot::Foreign),
        (0_u8..4).prop_map(Slot::Garbage)
    ]
}

/// Every operation that takes an id, with the slots it uses.
#[derive(Clone, Copy, Debug)]
enum Op {
    Context,
    Users,
    CreateUser,
    UpdateUser,
    ResetUserPassword,
    DeleteUser,
    CreateRole,
    UpdateRole,
    DeleteRole,
    TenantDetail,
    UpdateTenant,
    SetTenantActive,
    TechnicianDetail,
    UpdateTechnician,
    DeleteTechnician,
    AssignTenants,
    UnassignTenants,
    Candidates,
    ListTechnicians,
    ListAutoms,
    AutomDetail,
    UpdateAutom,
    SetAutomEnabled,
    DeleteAutom,
    RunAutom,
    AutomWebhook,
    ListRuns,
    RunDetail,
    CancelRun,
    ListAlerts,
    ChangeAlert,
    AssignAlert,
    ListVault,
    UpdateVaultItem,
    DeleteVaultItem,
    RevealVaultSecret,
}

impl Op {
    const ALL: [Self; 36] = [
        Self::Context,
        Self::Users,
        Self::CreateUser,
        Self::UpdateUser,
        Self::ResetUserPassword,
        Self::DeleteUser,
        Self::CreateRole,
        Self::UpdateRole,
        Self::DeleteRole,
        Self::TenantDetail,
        Self::UpdateTenant,
        Self::SetTenantActive,
        Self::TechnicianDetail,
        Self::UpdateTechnician,
        Self::DeleteTechnician,
        Self::AssignTenants,
        Self::UnassignTenants,
        Self::Candidates,
        Self::ListTechnicians,
        Self::ListAutoms,
        Self::AutomDetail,
        Self::UpdateAutom,
        Self::SetAutomEnabled,
        Self::DeleteAutom,
        Self::RunAutom,
        Self::AutomWebhook,
        Self::ListRuns,
        Self::RunDetail,
        Self::CancelRun,
        Self::ListAlerts,
        Self::ChangeAlert,
        Self::AssignAlert,
        Self::ListVault,
        Self::UpdateVaultItem,
        Self::DeleteVaultItem,
        Self::RevealVaultSecret,
    ];

    /// (tenant, user, role, technician, Autom, run or alert) slots used.
    fn slots(self) -> [bool; 5] {
        match self {
            Self::Context
            | Self::Users
            | Self::CreateRole
            | Self::ListAutoms
            | Self::ListAlerts
            | Self::ListVault => [true, false, false, false, false],
            Self::CreateUser | Self::UpdateRole | Self::DeleteRole => {
                [true, false, true, false, false]
            }
            Self::UpdateUser => [true, true, true, false, false],
            Self::ResetUserPassword | Self::DeleteUser => [true, true, false, false, false],
            Self::TenantDetail | Self::UpdateTenant | Self::SetTenantActive => {
                [true, false, false, false, false]
            }
            Self::TechnicianDetail
            | Self::UpdateTechnician
            | Self::DeleteTechnician
            | Self::Candidates => [false, false, false, true, false],
            Self::AssignTenants | Self::UnassignTenants => [true, false, false, true, false],
            Self::AutomDetail
            | Self::UpdateAutom
            | Self::SetAutomEnabled
            | Self::DeleteAutom
            | Self::RunAutom
            | Self::AutomWebhook
            | Self::ListRuns
            | Self::RunDetail
            | Self::CancelRun
            | Self::ChangeAlert
            | Self::UpdateVaultItem
            | Self::DeleteVaultItem
            | Self::RevealVaultSecret => [true, false, false, false, true],
            Self::AssignAlert => [true, true, false, false, true],
            // MSP-level and id-free: always refused for these principals.
            Self::ListTechnicians => [false, false, false, false, false],
        }
    }
}

#[derive(Clone, Debug)]
struct Case {
    principal: usize,
    op: Op,
    tenant: Slot,
    user: Slot,
    role: Slot,
    tech: Slot,
    autom: Slot,
    permissions: i64,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        0_usize..4,
        proptest::sample::select(Op::ALL.to_vec()),
        slot(),
        slot(),
        slot(),
        slot(),
        slot(),
        0_i64..(1 << 24),
    )
        .prop_map(
            |(principal, op, tenant, user, role, tech, autom, permissions)| Case {
                principal,
                op,
                tenant,
                user,
                role,
                tech,
                autom,
                permissions,
            },
        )
        .prop_filter("at least one id is not the caller's own", |c| {
            let used = c.op.slots();
            let slots = [c.tenant, c.user, c.role, c.tech, c.autom];
            used.iter().all(|u| !u) || used.iter().zip(slots).any(|(&u, s)| u && s != Slot::Own)
        })
}

/// One tenant's ids.
struct Side {
    id: TenantId,
    slug: String,
    user: UserId,
    role: RoleId,
    autom: AutomId,
    run: RunId,
    alert: AlertId,
    vault_item: VaultItemId,
}

/// id, email, name, active, password hash, security version, home tenant.
type UserRow = (String, String, String, i64, String, i64, Option<String>);

struct World {
    hub: Hub,
    db: TestDb,
    a: Side,
    b: Side,
    tech: UserId,
    principals: Vec<Principal>,
}

fn autom_input(name: &str, trigger: Trigger) -> AutomInput {
    AutomInput {
        name: name.to_owned(),
        description: String::new(),
        trigger,
        definition: r#"{"steps":[{"kind":"log","message":"hi"}]}"#.to_owned(),
        alert_on_failure: None,
    }
}

async fn side(hub: &Hub, admin: &Principal, name: &str, users: &[(&str, &str)]) -> Side {
    let tenant = hub.create_tenant(admin, name).await.expect("tenant");
    let roles = hub
        .tenant_users(admin, &tenant.slug)
        .await
        .expect("roles")
        .roles;
    let role_named = |n: &str| roles.iter().find(|r| r.name == n).expect("role").id;
    let mut first = None;
    for (email, role) in users {
        let member = hub
            .create_tenant_user(
                admin,
                &tenant.slug,
                &NewTenantUser {
                    display_name: "Member".to_owned(),
                    email: (*email).to_owned(),
                    password: PASSWORD.to_owned(),
                    role_id: role_named(role),
                },
            )
            .await
            .expect("member");
        first.get_or_insert(member.id);
    }
    let custom = hub
        .create_tenant_role(admin, &tenant.slug, "Custom", PermissionSet::view_only())
        .await
        .expect("custom role");
    let autom = hub
        .create_autom(
            admin,
            &tenant.slug,
            &autom_input("Backup", Trigger::Webhook),
        )
        .await
        .expect("autom");
    let run = hub
        .run_autom(admin, &tenant.slug, autom.id, None)
        .await
        .expect("run");
    let created = hub
        .create_api_key(
            admin,
            &tenant.slug,
            &NewApiKey {
                name: "Monitor".to_owned(),
                scopes: ApiScopes::new([ApiScope::AlertsWrite]),
                expires_in_days: None,
            },
        )
        .await
        .expect("key");
    let monitor = hub
        .authenticate_api_key(&created.secret)
        .await
        .expect("auth")
        .expect("live key");
    let (alert, _) = hub
        .raise_alert(
            &monitor,
            &AlertInput {
                severity: Severity::Warning,
                title: "Disk almost full".to_owned(),
                details: String::new(),
                source: "monitor".to_owned(),
                dedup_key: None,
            },
        )
        .await
        .expect("alert");
    let vault_item = hub
        .create_vault_item(
            admin,
            &tenant.slug,
            &VaultItemInput {
                name: "Router".to_owned(),
                kind: ItemKind::Password,
                username: "admin".to_owned(),
                url: String::new(),
                notes: String::new(),
                tags: Vec::new(),
                secret: Some(format!("secret of {name}")),
            },
        )
        .await
        .expect("vault item");
    Side {
        id: tenant.id,
        slug: tenant.slug,
        user: first.expect("a user"),
        role: custom.id,
        autom: autom.id,
        run: run.id,
        alert: alert.id,
        vault_item: vault_item.id,
    }
}

impl World {
    async fn build(backend: Backend) -> Self {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 5).await;
        let a = side(
            &hub,
            &admin,
            "Tenant A",
            &[
                ("target@a.example", "Viewer"),
                ("admin@a.example", "Tenant Admin"),
                ("viewer@a.example", "Viewer"),
            ],
        )
        .await;
        let b = side(
            &hub,
            &admin,
            "Tenant B",
            &[
                ("target@b.example", "Viewer"),
                ("admin@b.example", "Tenant Admin"),
            ],
        )
        .await;
        let mut tech = None;
        for (email, permissions) in [
            ("full@msp.example", PermissionSet::all()),
            ("view@msp.example", PermissionSet::view_only()),
        ] {
            let created = hub
                .create_technician(
                    &admin,
                    &TechnicianProfile {
                        display_name: "Tech".to_owned(),
                        email: email.to_owned(),
                        phone: String::new(),
                    },
                    PASSWORD,
                )
                .await
                .expect("technician");
            hub.assign_tenants(&admin, created.id, &[a.id], permissions)
                .await
                .expect("assign");
            tech.get_or_insert(created.id);
        }
        let mut principals = Vec::new();
        for email in [
            "admin@a.example",
            "viewer@a.example",
            "full@msp.example",
            "view@msp.example",
        ] {
            principals.push(
                hub.login(email, PASSWORD, &ClientInfo::default())
                    .await
                    .expect("login")
                    .principal,
            );
        }
        Self {
            hub,
            db,
            a,
            b,
            tech: tech.expect("tech"),
            principals,
        }
    }

    fn slug(&self, slot: Slot) -> String {
        match slot {
            Slot::Own => self.a.slug.clone(),
            Slot::Foreign => self.b.slug.clone(),
            Slot::Garbage(0) => "organization".to_owned(),
            Slot::Garbage(n) => format!("no-such-tenant-{n}"),
        }
    }

    fn tenant_id(&self, slot: Slot) -> TenantId {
        match slot {
            Slot::Own => self.a.id,
            Slot::Foreign => self.b.id,
            Slot::Garbage(_) => TenantId(uuid::Uuid::new_v4()),
        }
    }

    fn user(&self, slot: Slot) -> UserId {
        match slot {
            Slot::Own => self.a.user,
            Slot::Foreign => self.b.user,
            // The caller itself is not a user of "A's users" operations' targets here, and
            // garbage includes another principal's own id through `tech`.
            Slot::Garbage(0) => self.tech,
            Slot::Garbage(_) => UserId(uuid::Uuid::new_v4()),
        }
    }

    fn role(&self, slot: Slot) -> RoleId {
        // System roles ("msp_admin", "technician") are not role ids at all here: a `RoleId`
        // cannot name one (server/tests/msp.rs sends them over HTTP).
        match slot {
            Slot::Own => self.a.role,
            Slot::Foreign => self.b.role,
            Slot::Garbage(0) => RoleId(uuid::Uuid::nil()),
            Slot::Garbage(_) => RoleId(uuid::Uuid::new_v4()),
        }
    }

    fn tech(&self, slot: Slot) -> UserId {
        match slot {
            Slot::Own | Slot::Foreign => self.tech,
            Slot::Garbage(_) => UserId(uuid::Uuid::new_v4()),
        }
    }

    fn autom(&self, slot: Slot) -> AutomId {
        match slot {
            Slot::Own => self.a.autom,
            Slot::Foreign => self.b.autom,
            // A run's id where an Autom's is expected is no Autom either.
            Slot::Garbage(0) => AutomId(self.a.run.0),
            Slot::Garbage(_) => AutomId(uuid::Uuid::new_v4()),
        }
    }

    fn alert(&self, slot: Slot) -> AlertId {
        match slot {
            Slot::Own => self.a.alert,
            Slot::Foreign => self.b.alert,
            Slot::Garbage(0) => AlertId(self.a.run.0),
            Slot::Garbage(_) => AlertId(uuid::Uuid::new_v4()),
        }
    }

    fn vault_item(&self, slot: Slot) -> VaultItemId {
        match slot {
            Slot::Own => self.a.vault_item,
            Slot::Foreign => self.b.vault_item,
            Slot::Garbage(0) => VaultItemId(self.a.alert.0),
            Slot::Garbage(_) => VaultItemId(uuid::Uuid::new_v4()),
        }
    }

    fn run(&self, slot: Slot) -> RunId {
        match slot {
            Slot::Own => self.a.run,
            Slot::Foreign => self.b.run,
            Slot::Garbage(0) => RunId(self.a.autom.0),
            Slot::Garbage(_) => RunId(uuid::Uuid::new_v4()),
        }
    }

    /// Everything a call could change, as the owner sees it (row-level security aside).
    async fn fingerprint(&self, owner: &sqlx::AnyPool) -> String {
        let users: Vec<UserRow> = sqlx::query_as(
            "SELECT id, email, display_name, active, password_hash, security_version, tenant_id \
                 FROM users ORDER BY id",
        )
        .fetch_all(owner)
        .await
        .expect("users");
        let members: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT user_id, tenant_id, role_id FROM tenant_members ORDER BY user_id",
        )
        .fetch_all(owner)
        .await
        .expect("members");
        let roles: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT id, tenant_id, name, permissions FROM tenant_roles ORDER BY id")
                .fetch_all(owner)
                .await
                .expect("roles");
        let tenants: Vec<(String, String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT id, name, active, max_users, used_users, max_automs FROM tenants ORDER BY id",
        )
        .fetch_all(owner)
        .await
        .expect("tenants");
        let assignments: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT user_id, tenant_id, permissions FROM technician_assignments ORDER BY 1, 2",
        )
        .fetch_all(owner)
        .await
        .expect("assignments");
        let sessions: Vec<(String, Option<i64>)> =
            sqlx::query_as("SELECT id, revoked_at FROM sessions ORDER BY id")
                .fetch_all(owner)
                .await
                .expect("sessions");
        type AutomRow = (
            String,
            String,
            String,
            i64,
            String,
            Option<String>,
            Option<i64>,
            i64,
        );
        let automs: Vec<AutomRow> = sqlx::query_as(
            "SELECT id, tenant_id, name, enabled, definition, webhook_token, next_run_at, updated_at \
             FROM automs ORDER BY id",
        )
        .fetch_all(owner)
        .await
        .expect("automs");
        let runs: Vec<(String, String, String, Option<i64>)> =
            sqlx::query_as("SELECT id, tenant_id, status, finished_at FROM autom_runs ORDER BY id")
                .fetch_all(owner)
                .await
                .expect("runs");
        type AlertRow = (String, String, String, Option<String>, i64, i64);
        let alerts: Vec<AlertRow> = sqlx::query_as(
            "SELECT id, tenant_id, status, assignee_id, count, updated_at FROM alerts ORDER BY id",
        )
        .fetch_all(owner)
        .await
        .expect("alerts");
        type VaultRow = (String, String, String, String, i64, Option<i64>);
        let vault: Vec<VaultRow> = sqlx::query_as(
            "SELECT id, tenant_id, name, secret, updated_at, last_revealed_at FROM vault_items ORDER BY id",
        )
        .fetch_all(owner)
        .await
        .expect("vault");
        format!(
            "{users:?}{members:?}{roles:?}{tenants:?}{assignments:?}{sessions:?}{automs:?}{runs:?}{alerts:?}{vault:?}"
        )
    }

    /// Runs one case; the error is the first broken promise.
    async fn check(&self, case: &Case, owner: &sqlx::AnyPool) -> Result<(), String> {
        let before = self.fingerprint(owner).await;
        let p = &self.principals[case.principal];
        let hub = &self.hub;
        let slug = self.slug(case.tenant);
        let tenant_id = self.tenant_id(case.tenant);
        let user = self.user(case.user);
        let role = self.role(case.role);
        let tech = self.tech(case.tech);
        let autom = self.autom(case.autom);
        let run = self.run(case.autom);
        let alert = self.alert(case.autom);
        let vault_item = self.vault_item(case.autom);
        let permissions = PermissionSet::from_bits(case.permissions);
        let profile = TechnicianProfile {
            display_name: "Changed".to_owned(),
            email: "changed@msp.example".to_owned(),
            phone: String::new(),
        };
        // Each outcome as Ok(debug of the data) or the error.
        let outcome: Result<String, HubError> = match case.op {
            Op::Context => hub.tenant_context(p, &slug).await.map(|v| format!("{v:?}")),
            Op::Users => hub.tenant_users(p, &slug).await.map(|v| format!("{v:?}")),
            Op::CreateUser => hub
                .create_tenant_user(
                    p,
                    &slug,
                    &NewTenantUser {
                        display_name: "Injected".to_owned(),
                        email: format!("{}@injected.example", uuid::Uuid::new_v4().simple()),
                        password: PASSWORD.to_owned(),
                        role_id: role,
                    },
                )
                .await
                .map(|v| format!("{v:?}")),
            Op::UpdateUser => hub
                .update_tenant_user(p, &slug, user, "Injected", role, false)
                .await
                .map(|()| String::new()),
            Op::ResetUserPassword => hub
                .reset_tenant_user_password(p, &slug, user, "an injected password")
                .await
                .map(|()| String::new()),
            Op::DeleteUser => hub
                .delete_tenant_user(p, &slug, user)
                .await
                .map(|()| String::new()),
            Op::CreateRole => hub
                .create_tenant_role(p, &slug, "Injected", permissions)
                .await
                .map(|v| format!("{v:?}")),
            Op::UpdateRole => hub
                .update_tenant_role(p, &slug, role, "Injected", permissions)
                .await
                .map(|()| String::new()),
            Op::DeleteRole => hub
                .delete_tenant_role(p, &slug, role)
                .await
                .map(|()| String::new()),
            Op::TenantDetail => hub
                .tenant_detail(p, tenant_id)
                .await
                .map(|v| format!("{v:?}")),
            Op::UpdateTenant => hub
                .update_tenant(p, tenant_id, "Injected", hub_core::testing::TEST_LIMITS)
                .await
                .map(|v| format!("{v:?}")),
            Op::SetTenantActive => hub
                .set_tenant_active(p, tenant_id, false)
                .await
                .map(|v| format!("{v:?}")),
            Op::TechnicianDetail => hub
                .technician_detail(p, tech)
                .await
                .map(|v| format!("{v:?}")),
            Op::UpdateTechnician => hub
                .update_technician(p, tech, &profile)
                .await
                .map(|v| format!("{v:?}")),
            Op::DeleteTechnician => hub.delete_technician(p, tech).await.map(|()| String::new()),
            Op::AssignTenants => hub
                .assign_tenants(p, tech, &[tenant_id], permissions)
                .await
                .map(|v| format!("{v:?}")),
            Op::UnassignTenants => hub
                .unassign_tenants(p, tech, &[tenant_id])
                .await
                .map(|v| format!("{v:?}")),
            Op::Candidates => hub
                .assignment_candidates(p, tech, "", 1, TENANT_PAGE_SIZES[0].into())
                .await
                .map(|v| format!("{v:?}")),
            Op::ListTechnicians => hub
                .list_technicians(p, &TechnicianQuery::default())
                .await
                .map(|v| format!("{v:?}")),
            Op::ListAutoms => hub
                .automs(p, &slug, &AutomQuery::default())
                .await
                .map(|v| format!("{v:?}")),
            Op::AutomDetail => hub.autom(p, &slug, autom).await.map(|v| format!("{v:?}")),
            Op::UpdateAutom => hub
                .update_autom(p, &slug, autom, &autom_input("Injected", Trigger::Manual))
                .await
                .map(|v| format!("{v:?}")),
            Op::SetAutomEnabled => hub
                .set_autom_enabled(p, &slug, autom, false)
                .await
                .map(|v| format!("{v:?}")),
            Op::DeleteAutom => hub
                .delete_autom(p, &slug, autom)
                .await
                .map(|()| String::new()),
            Op::RunAutom => hub
                .run_autom(p, &slug, autom, None)
                .await
                .map(|v| format!("{v:?}")),
            Op::AutomWebhook => hub
                .autom_webhook(p, &slug, autom, true)
                .await
                .map(|v| format!("{v:?}")),
            Op::ListRuns => hub
                .runs(
                    p,
                    &slug,
                    &hub_core::automs::runs::RunQuery {
                        autom: Some(autom),
                        ..Default::default()
                    },
                )
                .await
                .map(|v| format!("{v:?}")),
            Op::RunDetail => hub.run(p, &slug, run).await.map(|v| format!("{v:?}")),
            Op::CancelRun => hub
                .cancel_run(p, &slug, run)
                .await
                .map(|v| format!("{v:?}")),
            Op::ListAlerts => hub
                .alerts(p, &slug, &AlertQuery::default())
                .await
                .map(|v| format!("{v:?}")),
            Op::ChangeAlert => hub
                .change_alerts(p, &slug, &[alert], AlertChange::Resolve)
                .await
                .map(|v| format!("{v:?}")),
            // The full-rights technician (garbage 0 elsewhere) may see A's alerts: a rightful
            // assignee here, so that slot names nobody instead.
            Op::ListVault => hub
                .vault_items(p, &slug, &VaultQuery::default())
                .await
                .map(|v| format!("{v:?}")),
            Op::UpdateVaultItem => hub
                .update_vault_item(
                    p,
                    &slug,
                    vault_item,
                    &VaultItemInput {
                        name: "Changed".to_owned(),
                        kind: ItemKind::Note,
                        username: String::new(),
                        url: String::new(),
                        notes: String::new(),
                        tags: Vec::new(),
                        secret: Some("changed".to_owned()),
                    },
                )
                .await
                .map(|v| format!("{v:?}")),
            Op::DeleteVaultItem => hub
                .delete_vault_item(p, &slug, vault_item)
                .await
                .map(|()| String::new()),
            // Its Debug never shows the secret: the data shown is the secret itself.
            Op::RevealVaultSecret => hub
                .reveal_vault_secret(p, &slug, vault_item)
                .await
                .map(|v| v.secret),
            Op::AssignAlert => hub
                .change_alerts(
                    p,
                    &slug,
                    &[alert],
                    AlertChange::Assign(Some(if case.user == Slot::Garbage(0) {
                        UserId(uuid::Uuid::new_v4())
                    } else {
                        user
                    })),
                )
                .await
                .map(|v| format!("{v:?}")),
        };
        match outcome {
            Ok(data) => return Err(format!("{case:?} succeeded: {data}")),
            Err(HubError::NotFound { .. } | HubError::Forbidden) => {}
            // Someone of another tenant (or no one) as the assignee: refused by name, the same
            // words whether the person exists or not.
            Err(HubError::InvalidInput { field, .. })
                if field == "assignee" && matches!(case.op, Op::AssignAlert) => {}
            Err(other) => return Err(format!("{case:?} failed with {other:?}")),
        }
        // The scoped transaction of the real path too: entering B as an A principal fails.
        if case.tenant == Slot::Foreign {
            let entered = hub
                .enter_tenant(
                    p,
                    TenantKey::Slug(&slug),
                    hub_model::audit::AuditAction::TenantOpen,
                )
                .await;
            if entered.is_ok() {
                return Err(format!("{case:?}: entered tenant B"));
            }
        }
        let after = self.fingerprint(owner).await;
        if before != after {
            return Err(format!("{case:?} changed the database"));
        }
        Ok(())
    }
}

fn run(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let world = runtime.block_on(World::build(backend));
    let owner = runtime.block_on(world.db.owner_pool());
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        // About a third of generated cases name only the caller's own ids and are filtered.
        max_global_rejects: 100_000,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&cases(), |case| {
        ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        runtime
            .block_on(world.check(&case, &owner))
            .map_err(TestCaseError::fail)
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let ran = ran.into_inner();
    assert!(ran >= CASES, "only {ran} cases ran");
    // The refusals were audited.
    let denied: i64 = runtime
        .block_on(
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
                .fetch_one(&owner),
        )
        .expect("audit");
    assert!(denied > 0);
    drop(world);
}

#[test]
fn substituted_ids_never_leak_or_change_anything_sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn substituted_ids_never_leak_or_change_anything_postgres() {
    run(Backend::Postgres);
}
