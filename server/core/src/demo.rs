//! Demo data for `serve --demo` and `seed --demo`: only ever written to an empty database.
//!
//! The demo shows every feature that exists: an activated MSP license (signed with the
//! repository's development key), the Default Tenant, a few dozen customer tenants with
//! some deactivated, technicians with per-tenant permissions (one deactivated, one not yet
//! assigned), tenant users under the built-in and a custom role (the first tenant near its
//! user limit), API keys of a tenant (one revoked; the live one printed once at start-up for
//! trying the API), Automs with runs in three tenants (the third at its Autom limit), alerts
//! from a monitoring tool, from failed runs and from the limit, vault items of every kind in
//! the same three tenants, and the activation notice
//! waiting to be read: the overview has something in every list.

use crate::{
    license::{LicenseClaims, LicenseIssuer, DEVELOPMENT_PRIVATE_KEY, DEVELOPMENT_PUBLIC_KEY},
    setup::SetupInput,
    ClientInfo, Hub,
};
use hub_model::{session::SystemRole, tenants::TenantLimits, HubResult};

/// A demo login to print for people trying the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

/// The demo MSP Admin.
pub const DEMO_ADMIN: DemoLogin = DemoLogin {
    role: "MSP Admin",
    email: "admin@northwind-msp.example",
    password: "northwind-demo-admin",
};

/// A demo technician with full access to three tenants and view-only access to two.
pub const DEMO_TECHNICIAN: DemoLogin = DemoLogin {
    role: "Technician",
    email: "tara@northwind-msp.example",
    password: "northwind-demo-tech",
};

/// The demo Tenant Admin of Adatum Corporation.
pub const DEMO_TENANT_ADMIN: DemoLogin = DemoLogin {
    role: "Tenant Admin",
    email: "irene@adatum.example",
    password: "adatum-demo-admin",
};

/// Every demo login, as printed at start-up.
pub const DEMO_LOGINS: [DemoLogin; 3] = [DEMO_ADMIN, DEMO_TECHNICIAN, DEMO_TENANT_ADMIN];

/// The demo's customer tenants; the last two are deactivated.
const DEMO_TENANTS: &[&str] = &[
    "Adatum Corporation",
    "Alpine Ski House",
    "Bellows College",
    "Best For You Organics",
    "Coho Winery",
    "Consolidated Messenger",
    "Contoso Pharmaceuticals",
    "Fabrikam Residences",
    "First Up Consultants",
    "Fourth Coffee",
    "Graphic Design Institute",
    "Humongous Insurance",
    "Lamna Healthcare",
    "Liberty's Delightful Sinful Bakery",
    "Lucerne Publishing",
    "Margie's Travel",
    "Munson's Pickles and Preserves",
    "Nod Publishers",
    "Northwind Traders",
    "Proseware",
    "Relecloud",
    "School of Fine Art",
    "Southridge Video",
    "Tailspin Toys",
    "Trey Research",
    "VanArsdel",
    "Wide World Importers",
    "Wingtip Toys",
    "Woodgrove Bank",
    "World Wide Importers",
];

/// What seeding did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemoSeed {
    /// The database was empty and now holds the demo data.
    Seeded {
        logins: Vec<DemoLogin>,
        /// A live API key of the first tenant (shown now only: it is stored as a hash).
        api_key: Option<String>,
        /// The keys of the demo runners (one per tenant with Automs), for `serve --demo` to
        /// start them in-process.
        runner_keys: Vec<String>,
    },
    /// The database already had data; nothing was written.
    AlreadyPopulated,
}

impl Hub {
    /// Seeds the demo organization when the database is empty.
    pub async fn seed_demo(&self) -> HubResult<DemoSeed> {
        if !self.setup_required().await? {
            return Ok(DemoSeed::AlreadyPopulated);
        }
        let input = SetupInput {
            organization_name: "Northwind MSP".to_owned(),
            display_name: "Alex Morgan".to_owned(),
            email: DEMO_ADMIN.email.to_owned(),
            password: DEMO_ADMIN.password.to_owned(),
        };
        let client = ClientInfo {
            ip: "demo-seed".to_owned(),
            user_agent: "msp-hub seed".to_owned(),
        };
        let signed_in = self.set_up(&input, &client).await?;
        // The seed signs nobody in: end the session setup opened.
        self.revoke_session(signed_in.principal.session_id).await?;

        let now = crate::clock::now_ms() / 1000;
        let claims = LicenseClaims {
            sub: "Northwind MSP".to_owned(),
            jti: "demo-license".to_owned(),
            iat: now,
            exp: now + 365 * 86_400,
            max_tenants: 50,
            limits: TenantLimits {
                automs: 100,
                users: 25,
                agents: 10,
            },
        };
        let key = LicenseIssuer::from_pem(DEVELOPMENT_PRIVATE_KEY, DEVELOPMENT_PUBLIC_KEY)?
            .issue(&claims, now)?;
        match self.activate_license(None, &key).await {
            Ok(_) => {}
            // A hub configured with another vendor key cannot take the demo license: the demo
            // then stays in single-organization mode.
            Err(error) => {
                tracing::warn!(%error, "the demo license was not activated");
                return Ok(DemoSeed::Seeded {
                    logins: vec![DemoLogin {
                        role: "Administrator",
                        ..DEMO_ADMIN
                    }],
                    api_key: None,
                    runner_keys: Vec::new(),
                });
            }
        }
        let mut admin = signed_in.principal;
        admin.role = SystemRole::MspAdmin;
        let mut created = Vec::new();
        for name in DEMO_TENANTS {
            created.push(self.create_tenant(&admin, name).await?);
        }
        for tenant in created.iter().rev().take(2) {
            self.set_tenant_active(&admin, tenant.id, false).await?;
        }
        self.seed_demo_people(&admin, &created).await?;
        let api_key = self.seed_demo_keys(&admin, &created[0].slug).await?;
        // The third tenant's Autom limit is what its demo Automs use: it shows a tenant at its
        // limit, and the limit alert the MSP Admin gets for it.
        let third = &created[2];
        self.update_tenant(
            &admin,
            third.id,
            &third.name,
            TenantLimits {
                automs: 5,
                ..third.limits
            },
        )
        .await?;
        let mut runner_keys = Vec::new();
        for tenant in created.iter().take(3) {
            runner_keys.push(self.seed_demo_automs(&admin, tenant).await?);
            self.seed_demo_vault(&admin, &tenant.slug).await?;
        }
        Ok(DemoSeed::Seeded {
            logins: DEMO_LOGINS.to_vec(),
            api_key: Some(api_key),
            runner_keys,
        })
    }

    /// Automs of every trigger kind in `tenant`, with a run history that went through the
    /// runner's path (claimed, logged, completed by the tenant's demo runner key): some
    /// succeeded, one failed, one still queued; and two on short schedules, one of which
    /// fails, so that the demo's in-process runner always has fresh runs to show. Returns
    /// the demo runner key.
    async fn seed_demo_automs(
        &self,
        admin: &crate::Principal,
        tenant: &hub_model::tenants::TenantSummary,
    ) -> HubResult<String> {
        use crate::automs::runs::Outcome;
        use hub_model::{
            alerts::Severity,
            api_keys::{ApiScope, ApiScopes, NewApiKey},
            automs::{AutomInput, Trigger},
        };
        let autom =
            |name: &str, description: &str, trigger: Trigger, definition: &str| AutomInput {
                name: name.to_owned(),
                description: description.to_owned(),
                trigger,
                definition: definition.to_owned(),
                alert_on_failure: Some(Severity::Warning),
            };
        let backup = self
            .create_autom(
                admin,
                &tenant.slug,
                &autom(
                    "Nightly backup check",
                    "Confirms last night's backup job finished and reports its size.",
                    Trigger::Schedule {
                        cron: "30 2 * * *".to_owned(),
                        timezone: "Europe/London".to_owned(),
                    },
                    r#"{"steps":[{"kind":"log","name":"Start","message":"Checking the backup of {{input.host}}"},{"kind":"wait","seconds":2},{"kind":"log","message":"Backup found"}]}"#,
                ),
            )
            .await?;
        let disk = self
            .create_autom(
                admin,
                &tenant.slug,
                &autom(
                    "Disk space report",
                    "Lists volumes under 15% free.",
                    Trigger::Manual,
                    r#"{"steps":[{"kind":"log","message":"Collecting volumes"},{"kind":"fail","message":"Volume D: has 4% free"}]}"#,
                ),
            )
            .await?;
        self.create_autom(
            admin,
            &tenant.slug,
            &autom(
                "New ticket intake",
                "Started by the helpdesk's webhook for every new ticket.",
                Trigger::Webhook,
                r#"{"steps":[{"kind":"log","message":"Ticket {{input.ticket}} received"}]}"#,
            ),
        )
        .await?;
        for (name, cron, definition) in [
            (
                "Heartbeat",
                "*/2 * * * *",
                r#"{"steps":[{"kind":"log","message":"Runner alive"},{"kind":"wait","seconds":1},{"kind":"log","message":"All services answered"}]}"#,
            ),
            (
                "Certificate expiry check",
                "*/5 * * * *",
                r#"{"steps":[{"kind":"log","message":"Checking certificates"},{"kind":"fail","message":"The certificate of mail.example.com expires in 6 days"}]}"#,
            ),
        ] {
            self.create_autom(
                admin,
                &tenant.slug,
                &autom(
                    name,
                    "Runs every few minutes in the demo.",
                    Trigger::Schedule {
                        cron: cron.to_owned(),
                        timezone: "UTC".to_owned(),
                    },
                    definition,
                ),
            )
            .await?;
        }
        let created = self
            .create_api_key(
                admin,
                &tenant.slug,
                &NewApiKey {
                    name: "Demo runner".to_owned(),
                    scopes: ApiScopes::new([ApiScope::RunsWrite]),
                    expires_in_days: None,
                },
            )
            .await?;
        let key = self
            .authenticate_api_key(&created.secret)
            .await?
            .ok_or_else(|| crate::db::internal(&"the demo runner key"))?;
        let history = [
            (
                backup.id,
                r#"{"host":"fs01"}"#,
                Some((Outcome::Succeeded, None)),
            ),
            (
                backup.id,
                r#"{"host":"fs01"}"#,
                Some((Outcome::Succeeded, None)),
            ),
            (
                disk.id,
                "{}",
                Some((Outcome::Failed, Some("Volume D: has 4% free"))),
            ),
            (backup.id, r#"{"host":"fs02"}"#, None),
        ];
        for (id, input, outcome) in history {
            self.run_autom(admin, &tenant.slug, id, Some(input)).await?;
            let Some((outcome, error)) = outcome else {
                continue;
            };
            let Some(run) = self.claim_run(&key).await? else {
                continue;
            };
            let lines = [
                "step 1 (log): started".to_owned(),
                "step 2: done".to_owned(),
            ];
            self.append_run_log(&key, run.id, &lines).await?;
            self.complete_run(&key, run.id, outcome, error).await?;
        }
        Ok(created.secret)
    }

    /// A tenant's vault: one item of each kind (demo secrets, encrypted like any other).
    async fn seed_demo_vault(&self, admin: &crate::Principal, slug: &str) -> HubResult<()> {
        use hub_model::vault::{ItemKind, VaultItemInput};
        let items = [
            (
                "Domain admin",
                ItemKind::Password,
                "administrator",
                "https://dc01.corp.example",
                "demo-Domain-Adm1n!",
                "ad windows",
            ),
            (
                "Backup portal token",
                ItemKind::ApiToken,
                "",
                "https://backup.example.com",
                "bk_live_demo_7f3a9c2e",
                "backup",
            ),
            (
                "Wildcard certificate",
                ItemKind::Certificate,
                "",
                "https://mail.example.com",
                "-----BEGIN PRIVATE KEY-----\nZGVtbyBrZXk=\n-----END PRIVATE KEY-----",
                "tls",
            ),
            (
                "Server room door",
                ItemKind::Note,
                "",
                "",
                "Door code 4-7-1-9, alarm off with the blue key",
                "site",
            ),
        ];
        for (name, kind, username, url, secret, tags) in items {
            self.create_vault_item(
                admin,
                slug,
                &VaultItemInput {
                    name: name.to_owned(),
                    kind,
                    username: username.to_owned(),
                    url: url.to_owned(),
                    notes: "Demo data.".to_owned(),
                    tags: tags.split_whitespace().map(str::to_owned).collect(),
                    secret: Some(secret.to_owned()),
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Two API keys of the first tenant: a live one (returned) and a revoked one; and the
    /// alerts a monitoring tool raised with the live one.
    async fn seed_demo_keys(&self, admin: &crate::Principal, slug: &str) -> HubResult<String> {
        use hub_model::{
            alerts::{AlertChange, AlertInput, Severity},
            api_keys::{ApiScope, ApiScopes, NewApiKey},
        };
        let key = |name: &str, scopes: &[ApiScope], days| NewApiKey {
            name: name.to_owned(),
            scopes: ApiScopes::new(scopes.iter().copied()),
            expires_in_days: days,
        };
        let old = self
            .create_api_key(
                admin,
                slug,
                &key("Old office runner", &[ApiScope::RunsWrite], None),
            )
            .await?;
        self.revoke_api_key(admin, slug, old.key.id).await?;
        let live = self
            .create_api_key(
                admin,
                slug,
                &key(
                    "Office runner",
                    &[ApiScope::RunsWrite, ApiScope::AlertsWrite],
                    Some(365),
                ),
            )
            .await?;
        // Alerts a monitoring tool raised with it: one repeated (deduplicated), one acknowledged.
        let monitor = self
            .authenticate_api_key(&live.secret)
            .await?
            .ok_or_else(|| crate::db::internal(&"the demo API key"))?;
        let alert = |severity, title: &str, details: &str, dedup: &str| AlertInput {
            severity,
            title: title.to_owned(),
            details: details.to_owned(),
            source: "backup-monitor".to_owned(),
            dedup_key: Some(dedup.to_owned()),
        };
        for _ in 0..3 {
            self.raise_alert(
                &monitor,
                &alert(
                    Severity::Critical,
                    "Backup job FS01-nightly did not finish",
                    "The job stopped at 02:47 with 'target volume offline'.\nLast good backup: two days ago.",
                    "veeam:fs01-nightly",
                ),
            )
            .await?;
        }
        let (ups, _) = self
            .raise_alert(
                &monitor,
                &alert(
                    Severity::Info,
                    "UPS in rack B on battery for 40 s",
                    "Mains power came back; the UPS reports 98% charge.",
                    "ups:rack-b",
                ),
            )
            .await?;
        self.change_alerts(admin, slug, &[ups.id], AlertChange::Acknowledge)
            .await?;
        Ok(live.secret)
    }

    /// Technicians with assignments, and the users and roles of the first tenant.
    async fn seed_demo_people(
        &self,
        admin: &crate::Principal,
        tenants: &[hub_model::tenants::TenantSummary],
    ) -> HubResult<()> {
        use crate::tenant_users::NewTenantUser;
        use hub_model::{
            permissions::{Action, Permission, PermissionSet, ResourceKind},
            technicians::TechnicianProfile,
        };
        let ids = |range: std::ops::Range<usize>| -> Vec<_> {
            tenants[range].iter().map(|t| t.id).collect()
        };
        let technician = |name: &str, email: &str, phone: &str| TechnicianProfile {
            display_name: name.to_owned(),
            email: email.to_owned(),
            phone: phone.to_owned(),
        };
        let tara = self
            .create_technician(
                admin,
                &technician("Tara Singh", DEMO_TECHNICIAN.email, "+1 425 555 0142"),
                DEMO_TECHNICIAN.password,
            )
            .await?;
        self.assign_tenants(admin, tara.id, &ids(0..3), PermissionSet::all())
            .await?;
        self.assign_tenants(admin, tara.id, &ids(3..5), PermissionSet::view_only())
            .await?;
        let leo = self
            .create_technician(
                admin,
                &technician("Leo Park", "leo@northwind-msp.example", "+1 425 555 0177"),
                "northwind-demo-leo",
            )
            .await?;
        let mut alerts_desk = PermissionSet::view_only();
        alerts_desk.insert(Permission::new(ResourceKind::Alerts, Action::Update));
        self.assign_tenants(admin, leo.id, &ids(0..10), alerts_desk)
            .await?;
        let ivan = self
            .create_technician(
                admin,
                &technician("Ivan Petrov", "ivan@northwind-msp.example", ""),
                "northwind-demo-ivan",
            )
            .await?;
        self.assign_tenants(admin, ivan.id, &ids(5..8), PermissionSet::view_only())
            .await?;
        self.set_technician_active(admin, ivan.id, false).await?;
        self.create_technician(
            admin,
            &technician("Nora Newhire", "nora@northwind-msp.example", ""),
            "northwind-demo-nora",
        )
        .await?;

        let first = &tenants[0].slug;
        let roles = self.tenant_users(admin, first).await?.roles;
        let role = |name: &str| {
            roles
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.id)
                .ok_or_else(|| crate::db::internal(&format!("the built-in role {name} is missing")))
        };
        let mut helpdesk = PermissionSet::view_only();
        helpdesk.insert(Permission::new(ResourceKind::Alerts, Action::Update));
        helpdesk.insert(Permission::new(ResourceKind::Automs, Action::Create));
        let helpdesk = self
            .create_tenant_role(admin, first, "Helpdesk", helpdesk)
            .await?;
        for (name, email, password, role_id) in [
            (
                "Irene Adams",
                DEMO_TENANT_ADMIN.email,
                DEMO_TENANT_ADMIN.password,
                role("Tenant Admin")?,
            ),
            (
                "Victor Vale",
                "victor@adatum.example",
                "adatum-demo-viewer",
                role("Viewer")?,
            ),
            (
                "Hana Ito",
                "hana@adatum.example",
                "adatum-demo-helpdesk",
                helpdesk.id,
            ),
            (
                "Omar Okafor",
                "omar@adatum.example",
                "adatum-demo-viewer-2",
                role("Viewer")?,
            ),
        ] {
            let user = NewTenantUser {
                display_name: name.to_owned(),
                email: email.to_owned(),
                password: password.to_owned(),
                role_id,
            };
            self.create_tenant_user(admin, first, &user).await?;
        }
        // Adatum's admins may only add users at Adatum's own domain; with 4 of 5 seats used,
        // Adatum is near its user limit (the overview lists it).
        self.set_tenant_email_domains(admin, tenants[0].id, "adatum.example")
            .await?;
        let limits = TenantLimits {
            users: 5,
            ..tenants[0].limits
        };
        self.update_tenant(admin, tenants[0].id, &tenants[0].name, limits)
            .await?;
        Ok(())
    }
}
