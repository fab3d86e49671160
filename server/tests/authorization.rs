//! The authorization matrix (STYLE.md's omicron anchor): every server function and REST
//! endpoint, called as each kind of principal, against a resource of tenant A and one of
//! tenant B where the endpoint takes one. The HTTP status of every call is written as a
//! table and compared with the committed snapshot `tests/snapshots/authorization_matrix.txt`;
//! a coverage check fails when an endpoint has no row. Runs on SQLite and PostgreSQL, which
//! must agree.
//!
//! Principals: anonymous; the Administrator of an unlicensed hub (before activation); the MSP
//! Admin; technicians with full rights on A, view-only on A, assigned only to B, and with no
//! tenant; a Tenant Admin of A and a Viewer of A; and tenant API keys (`Authorization: Bearer`,
//! no cookie): a key of A with every scope, a key of A with no scope a route needs (only
//! `secrets:use`, which no route takes yet), a key of B, and a revoked key of A. A tenant
//! the caller may not enter answers 404 (its existence does not leak). Keys open no page and
//! no server function (401); people's cookies open nothing under `/api/v1` (401).
//!
//! To accept an intended change: `UPDATE_SNAPSHOTS=1 cargo nextest run -p msp-hub --test authorization`,
//! then review the diff.

mod common;

use common::*;
use hub_core::testing::valid_license;
use hub_model::permissions::PermissionSet;
use std::{collections::HashMap, fmt::Write as _};

const PASSWORD: &str = "principal password";
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/authorization_matrix.txt"
);
const NIL: &str = "00000000-0000-0000-0000-000000000000";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    Anonymous,
    Administrator,
    MspAdmin,
    TechFullA,
    TechViewA,
    TechOnlyB,
    TechNone,
    TenantAdminA,
    ViewerA,
    KeyAllA,
    KeyNoScopeA,
    KeyB,
    KeyRevokedA,
}

const COLUMNS: [(Who, &str); 13] = [
    (Who::Anonymous, "anonymous"),
    (Who::Administrator, "administrator (unlicensed)"),
    (Who::MspAdmin, "msp admin"),
    (Who::TechFullA, "tech full A"),
    (Who::TechViewA, "tech view A"),
    (Who::TechOnlyB, "tech only B"),
    (Who::TechNone, "tech no tenant"),
    (Who::TenantAdminA, "tenant admin A"),
    (Who::ViewerA, "viewer A"),
    (Who::KeyAllA, "key A all scopes"),
    (Who::KeyNoScopeA, "key A no scope"),
    (Who::KeyB, "key B"),
    (Who::KeyRevokedA, "key A revoked"),
];

impl Who {
    fn email(self) -> Option<&'static str> {
        match self {
            Self::Anonymous
            | Self::KeyAllA
            | Self::KeyNoScopeA
            | Self::KeyB
            | Self::KeyRevokedA => None,
            Self::Administrator | Self::MspAdmin => Some(ADMIN_EMAIL),
            Self::TechFullA => Some("full-a@msp.example"),
            Self::TechViewA => Some("view-a@msp.example"),
            Self::TechOnlyB => Some("only-b@msp.example"),
            Self::TechNone => Some("none@msp.example"),
            Self::TenantAdminA => Some("admin@a.example"),
            Self::ViewerA => Some("viewer@a.example"),
        }
    }
}

/// Which tenant's resource a call names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    A,
    B,
}

/// How a call is made. Form values may hold placeholders, filled per call (see `fill`):
/// `{tenant_id}`, `{tenant}` (slug), `{viewer_role}`, `{custom_role}`, `{target_user}` (a
/// tenant user of the target tenant), `{tech}` (a technician no principal is), `{unique}`,
/// and victims created fresh for each call because the call may delete them:
/// `{victim_user}`, `{victim_role}`, `{victim_tech}`, `{victim_key}`, `{victim_autom}`,
/// `{victim_run}` (a queued run) and `{run_id}` (a run the target tenant's all-scope key has
/// just claimed). `{autom}` and `{run}` name the target tenant's webhook Autom and a run of it.
#[derive(Clone, Copy)]
enum Body {
    Form(&'static [(&'static str, &'static str)]),
    /// A JSON body (placeholders filled as in forms).
    Json(&'static str),
    Png,
    Empty,
}

struct Case {
    method: &'static str,
    path: &'static str,
    targets: &'static [Target],
    body: Body,
}

const NONE: &[Target] = &[Target::None];
/// The definition the matrix's Automs run.
const STEPS: &str = r#"{"steps":[{"kind":"log","message":"hi"}]}"#;
const BOTH: &[Target] = &[Target::A, Target::B];

fn cases() -> Vec<Case> {
    let post = |path, body| Case {
        method: "POST",
        path,
        targets: NONE,
        body,
    };
    let both = |path, form| Case {
        method: "POST",
        path,
        targets: BOTH,
        body: Body::Form(form),
    };
    vec![
        post("/api/session_info", Body::Empty),
        post(
            "/api/setup",
            Body::Form(&[
                ("organization_name", "Evil"),
                ("display_name", "Mallory"),
                ("email", "m@evil.example"),
                ("password", "another long password"),
            ]),
        ),
        post(
            "/api/login",
            Body::Form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]),
        ),
        post("/api/logout", Body::Empty),
        post("/api/workspaces", Body::Form(&[("search", "tenant")])),
        both("/api/t/context", &[("tenant", "{tenant}")]),
        post("/api/license", Body::Empty),
        post(
            "/api/license/activate",
            Body::Form(&[("license_key", "not-a-key")]),
        ),
        post("/api/license/dismiss_notice", Body::Empty),
        post("/api/security/throttles", Body::Empty),
        post("/api/overview/attention", Body::Empty),
        post("/api/overview/my_tenants", Body::Empty),
        post(
            "/api/tenants/list",
            Body::Form(&[
                ("search", ""),
                ("status", "all"),
                ("sort", "name"),
                ("descending", "false"),
                ("page", "1"),
                ("per_page", "25"),
            ]),
        ),
        post(
            "/api/tenants/create",
            Body::Form(&[("name", "Matrix Tenant")]),
        ),
        both("/api/tenants/detail", &[("id", "{tenant_id}")]),
        // Empty: clears the domains, so the matrix's later user creations stay unrestricted.
        both(
            "/api/tenants/email_domains",
            &[("id", "{tenant_id}"), ("domains", "")],
        ),
        both(
            "/api/tenants/update",
            &[
                ("id", "{tenant_id}"),
                ("name", "{tenant_name}"),
                ("max_automs", "50"),
                ("max_users", "20"),
                ("max_agents", "2"),
            ],
        ),
        both(
            "/api/tenants/set_active",
            &[("id", "{tenant_id}"), ("active", "true")],
        ),
        post(
            "/api/technicians/list",
            Body::Form(&[
                ("search", ""),
                ("sort", "name"),
                ("descending", "false"),
                ("page", "1"),
                ("per_page", "25"),
            ]),
        ),
        post(
            "/api/technicians/create",
            Body::Form(&[
                ("display_name", "Matrix Tech"),
                ("email", "{unique}@msp.example"),
                ("phone", ""),
                ("password", "a long enough password"),
            ]),
        ),
        post("/api/technicians/detail", Body::Form(&[("id", "{tech}")])),
        post(
            "/api/technicians/update",
            Body::Form(&[
                ("id", "{tech}"),
                ("display_name", "Target Tech"),
                ("email", "target-tech@msp.example"),
                ("phone", "+1 555 0100"),
            ]),
        ),
        post(
            "/api/technicians/set_active",
            Body::Form(&[("id", "{tech}"), ("active", "true")]),
        ),
        post(
            "/api/technicians/reset_password",
            Body::Form(&[("id", "{tech}"), ("password", "a reset long password")]),
        ),
        post(
            "/api/technicians/delete",
            Body::Form(&[("id", "{victim_tech}")]),
        ),
        post(
            "/api/technicians/candidates",
            Body::Form(&[
                ("id", "{tech}"),
                ("search", ""),
                ("page", "1"),
                ("per_page", "25"),
            ]),
        ),
        both(
            "/api/technicians/assign",
            &[
                ("id", "{tech}"),
                ("tenants", "{tenant_id}"),
                ("permissions", "1"),
            ],
        ),
        both(
            "/api/technicians/unassign",
            &[("id", "{tech}"), ("tenants", "{tenant_id}")],
        ),
        both("/api/t/users", &[("tenant", "{tenant}")]),
        both(
            "/api/t/users/create",
            &[
                ("tenant", "{tenant}"),
                ("display_name", "Matrix User"),
                ("email", "{unique}@users.example"),
                ("password", "a long enough password"),
                ("role_id", "{viewer_role}"),
            ],
        ),
        both(
            "/api/t/users/update",
            &[
                ("tenant", "{tenant}"),
                ("id", "{target_user}"),
                ("display_name", "Target User"),
                ("role_id", "{viewer_role}"),
                ("active", "true"),
            ],
        ),
        both(
            "/api/t/users/reset_password",
            &[
                ("tenant", "{tenant}"),
                ("id", "{target_user}"),
                ("password", "a reset long password"),
            ],
        ),
        both(
            "/api/t/users/delete",
            &[("tenant", "{tenant}"), ("id", "{victim_user}")],
        ),
        both(
            "/api/t/roles/create",
            &[
                ("tenant", "{tenant}"),
                ("name", "Role {unique}"),
                ("permissions", "1"),
            ],
        ),
        both(
            "/api/t/roles/update",
            &[
                ("tenant", "{tenant}"),
                ("id", "{custom_role}"),
                ("name", "Matrix Role"),
                ("permissions", "1"),
            ],
        ),
        both(
            "/api/t/roles/delete",
            &[("tenant", "{tenant}"), ("id", "{victim_role}")],
        ),
        post("/api/brand", Body::Empty),
        post("/api/brand/update", Body::Form(&[("known_version", "0")])),
        post(
            "/api/brand/save",
            Body::Form(&[
                ("product_name", "Matrix"),
                ("primary_color", "#123456"),
                ("accent_color", "#654321"),
            ]),
        ),
        post("/api/brand/reset", Body::Empty),
        post(
            "/api/account/name",
            Body::Form(&[("display_name", "Renamed Person")]),
        ),
        // A wrong current password: signed-in callers get through authorization to validation.
        post(
            "/api/account/password",
            Body::Form(&[
                ("current_password", "not the password"),
                ("new_password", "a brand new password"),
            ]),
        ),
        both(
            "/api/t/automs",
            &[
                ("tenant", "{tenant}"),
                ("search", ""),
                ("trigger", ""),
                ("enabled", ""),
                ("page", "1"),
                ("per_page", "25"),
            ],
        ),
        both(
            "/api/t/automs/get",
            &[("tenant", "{tenant}"), ("id", "{autom}")],
        ),
        both(
            "/api/t/automs/create",
            &[
                ("tenant", "{tenant}"),
                ("name", "Autom {unique}"),
                ("description", ""),
                ("trigger", "manual"),
                ("cron", ""),
                ("timezone", ""),
                ("definition", STEPS),
                ("alert", "none"),
            ],
        ),
        both(
            "/api/t/automs/update",
            &[
                ("tenant", "{tenant}"),
                ("id", "{autom}"),
                ("name", "Target Autom"),
                ("description", "The matrix's target"),
                ("trigger", "webhook"),
                ("cron", ""),
                ("timezone", ""),
                ("definition", STEPS),
                ("alert", "warning"),
            ],
        ),
        both(
            "/api/t/automs/set_enabled",
            &[
                ("tenant", "{tenant}"),
                ("id", "{autom}"),
                ("enabled", "true"),
            ],
        ),
        both(
            "/api/t/automs/delete",
            &[("tenant", "{tenant}"), ("id", "{victim_autom}")],
        ),
        both(
            "/api/t/automs/webhook",
            &[
                ("tenant", "{tenant}"),
                ("id", "{autom}"),
                ("rotate", "false"),
            ],
        ),
        both(
            "/api/t/automs/run",
            &[("tenant", "{tenant}"), ("id", "{autom}"), ("input", "")],
        ),
        post(
            "/api/automs/schedule_preview",
            Body::Form(&[("cron", "0 3 * * *"), ("timezone", "UTC")]),
        ),
        both(
            "/api/t/runs",
            &[
                ("tenant", "{tenant}"),
                ("autom", ""),
                ("status", ""),
                ("trigger", ""),
                ("range", ""),
                ("page", "1"),
                ("per_page", "25"),
            ],
        ),
        both(
            "/api/t/runs/get",
            &[("tenant", "{tenant}"), ("id", "{run}")],
        ),
        both(
            "/api/t/runs/cancel",
            &[("tenant", "{tenant}"), ("id", "{victim_run}")],
        ),
        both(
            "/api/t/alerts",
            &[
                ("tenant", "{tenant}"),
                ("search", ""),
                ("severity", ""),
                ("status", ""),
                ("source", ""),
                ("assignee", ""),
                ("page", "1"),
                ("per_page", "25"),
            ],
        ),
        both("/api/t/alerts/assignees", &[("tenant", "{tenant}")]),
        both(
            "/api/t/alerts/change",
            &[
                ("tenant", "{tenant}"),
                ("ids", "{alert}"),
                ("change", "acknowledge"),
                ("assignee", ""),
            ],
        ),
        both(
            "/api/t/vault",
            &[
                ("tenant", "{tenant}"),
                ("search", ""),
                ("kind", ""),
                ("page", "1"),
                ("per_page", "25"),
            ],
        ),
        both(
            "/api/t/vault/create",
            &[
                ("tenant", "{tenant}"),
                ("name", "Item {unique}"),
                ("kind", "password"),
                ("username", "admin"),
                ("url", ""),
                ("notes", ""),
                ("tags", "matrix"),
                ("secret", "matrix-secret"),
            ],
        ),
        both(
            "/api/t/vault/update",
            &[
                ("tenant", "{tenant}"),
                ("id", "{vault_item}"),
                ("name", "Target item"),
                ("kind", "password"),
                ("username", "root"),
                ("url", ""),
                ("notes", "edited"),
                ("tags", ""),
                ("secret", ""),
            ],
        ),
        both(
            "/api/t/vault/reveal",
            &[("tenant", "{tenant}"), ("id", "{vault_item}")],
        ),
        both(
            "/api/t/vault/delete",
            &[("tenant", "{tenant}"), ("id", "{victim_vault}")],
        ),
        post("/api/vault/governance", Body::Form(&[("stale_days", "90")])),
        both("/api/t/api_keys", &[("tenant", "{tenant}")]),
        both(
            "/api/t/api_keys/create",
            &[
                ("tenant", "{tenant}"),
                ("name", "Matrix key"),
                ("scopes", "runs:write"),
                ("expires_in_days", "30"),
            ],
        ),
        both(
            "/api/t/api_keys/revoke",
            &[("tenant", "{tenant}"), ("id", "{victim_key}")],
        ),
        Case {
            method: "GET",
            path: "/api/v1/whoami",
            targets: NONE,
            body: Body::Empty,
        },
        Case {
            method: "GET",
            path: "/api/v1/openapi.json",
            targets: NONE,
            body: Body::Empty,
        },
        Case {
            method: "GET",
            path: "/api/v1/schemas/autom-definition.json",
            targets: NONE,
            body: Body::Empty,
        },
        // The runner's routes act in the key's own tenant: the claim names none; the others
        // name a run the target tenant's key holds (a key of another tenant finds nothing).
        post("/api/v1/runs/claim", Body::Empty),
        Case {
            method: "POST",
            path: "/api/v1/runs/report",
            targets: BOTH,
            body: Body::Json(
                r#"{"autom_id":"{autom}","idempotency_key":"{unique}","status":"succeeded","started_at":1700000000000,"finished_at":1700000001000}"#,
            ),
        },
        Case {
            method: "POST",
            path: "/api/v1/runs/{run_id}/heartbeat",
            targets: BOTH,
            body: Body::Empty,
        },
        Case {
            method: "POST",
            path: "/api/v1/runs/{run_id}/log",
            targets: BOTH,
            body: Body::Json(r#"{"lines":["step 1 (log): hi"]}"#),
        },
        Case {
            method: "POST",
            path: "/api/v1/runs/{run_id}/complete",
            targets: BOTH,
            body: Body::Json(r#"{"status":"succeeded"}"#),
        },
        Case {
            method: "POST",
            path: "/api/v1/alerts",
            targets: NONE,
            body: Body::Json(
                r#"{"severity":"critical","title":"Backup failed","source":"matrix","dedup_key":"matrix"}"#,
            ),
        },
        // The address is the credential: whoever holds it queues a run, cookie or key or not.
        Case {
            method: "POST",
            path: "/hooks/automs/{token}",
            targets: BOTH,
            body: Body::Json(r#"{"ticket":"42"}"#),
        },
        post("/api/branding/logo", Body::Png),
        Case {
            method: "GET",
            path: "/brand/logo/{file}",
            targets: NONE,
            body: Body::Empty,
        },
        Case {
            method: "GET",
            path: "/brand/theme.css",
            targets: NONE,
            body: Body::Empty,
        },
        // Pages whose reach is a decision of its own: the audit log and the API keys of a
        // tenant are the MSP Admin's only (README, "Who sees what"): a technician or a
        // tenant's own admin gets 403 in a tenant they may enter, 404 in any other.
        Case {
            method: "GET",
            path: "/t/{tenant}/audit",
            targets: BOTH,
            body: Body::Empty,
        },
        Case {
            method: "GET",
            path: "/t/{tenant}/api-keys",
            targets: BOTH,
            body: Body::Empty,
        },
    ]
}

fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
        8,
        8,
        image::Rgba([9, 9, 9, 255]),
    ))
    .write_to(&mut out, image::ImageFormat::Png)
    .expect("png");
    out.into_inner()
}

/// One tenant's resources the calls name.
#[derive(Clone, Default)]
struct TenantIds {
    id: String,
    slug: String,
    name: String,
    viewer_role: String,
    custom_role: String,
    target_user: String,
    /// A webhook Autom and one of its runs.
    autom: String,
    run: String,
    /// An alert the tenant's all-scope key raised.
    alert: String,
    /// A vault item.
    vault_item: String,
    /// The name of the tenant's all-scope key (it claims `{run_id}`).
    key: &'static str,
}

impl TenantIds {
    fn missing(slug: &str) -> Self {
        Self {
            id: NIL.to_owned(),
            slug: slug.to_owned(),
            name: slug.to_owned(),
            viewer_role: NIL.to_owned(),
            custom_role: NIL.to_owned(),
            target_user: NIL.to_owned(),
            autom: NIL.to_owned(),
            run: NIL.to_owned(),
            alert: NIL.to_owned(),
            vault_item: NIL.to_owned(),
            key: "all-a",
        }
    }
}

/// What the calls need to know about the hub.
struct Ids {
    a: TenantIds,
    b: TenantIds,
    tech: String,
    logo_path: String,
    /// The MSP Admin's session, to create victims (absent before the license).
    admin: Option<Client>,
    /// Reads the audit log.
    owner: sqlx::AnyPool,
    /// The API keys of the key principals (absent before the license).
    keys: HashMap<&'static str, String>,
}

async fn client_for(server: &TestServer, who: Who) -> Client {
    let client = server.client();
    let Some(email) = who.email() else {
        return client;
    };
    let password = if email == ADMIN_EMAIL {
        ADMIN_PASSWORD
    } else {
        PASSWORD
    };
    let response = server.login(&client, email, password).await;
    assert_eq!(response.status(), StatusCode::OK, "sign-in of {email}");
    client
}

async fn created_id(response: reqwest::Response, what: &str) -> String {
    let status = response.status();
    let body = json(response).await;
    assert_eq!(status, StatusCode::OK, "creating {what}: {body}");
    body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{what} id"))
        .to_owned()
}

/// Fills the placeholders of one call, creating fresh victims where the form names one.
async fn fill(server: &TestServer, value: &str, tenant: &TenantIds, ids: &Ids) -> String {
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let mut out = value
        .replace("{tenant_id}", &tenant.id)
        .replace("{tenant_name}", &tenant.name)
        .replace("{tenant}", &tenant.slug)
        .replace("{viewer_role}", &tenant.viewer_role)
        .replace("{custom_role}", &tenant.custom_role)
        .replace("{target_user}", &tenant.target_user)
        .replace("{autom}", &tenant.autom)
        .replace("{run}", &tenant.run)
        .replace("{alert}", &tenant.alert)
        .replace("{vault_item}", &tenant.vault_item)
        .replace("{tech}", &ids.tech)
        .replace("{unique}", &unique[..12]);
    for victim in [
        "{victim_user}",
        "{victim_role}",
        "{victim_tech}",
        "{victim_key}",
        "{victim_autom}",
        "{victim_run}",
        "{victim_vault}",
        "{run_id}",
        "{token}",
    ] {
        if !out.contains(victim) {
            continue;
        }
        let id = match (&ids.admin, victim) {
            (None, _) => NIL.to_owned(),
            (Some(admin), "{victim_user}") => {
                let email = format!("victim-{unique}@users.example");
                created_id(
                    server
                        .post_form(
                            admin,
                            "/api/t/users/create",
                            &[
                                ("tenant", tenant.slug.as_str()),
                                ("display_name", "Victim"),
                                ("email", &email),
                                ("password", PASSWORD),
                                ("role_id", &tenant.viewer_role),
                            ],
                        )
                        .await,
                    "a victim user",
                )
                .await
            }
            (Some(admin), "{victim_role}") => {
                let name = format!("Victim {unique}");
                created_id(
                    server
                        .post_form(
                            admin,
                            "/api/t/roles/create",
                            &[
                                ("tenant", tenant.slug.as_str()),
                                ("name", &name),
                                ("permissions", "1"),
                            ],
                        )
                        .await,
                    "a victim role",
                )
                .await
            }
            (Some(admin), "{victim_key}") => {
                let created = json(
                    server
                        .post_form(
                            admin,
                            "/api/t/api_keys/create",
                            &[
                                ("tenant", tenant.slug.as_str()),
                                ("name", "Victim key"),
                                ("scopes", "runs:write"),
                                ("expires_in_days", ""),
                            ],
                        )
                        .await,
                )
                .await;
                created["key"]["id"]
                    .as_str()
                    .expect("victim key id")
                    .to_owned()
            }
            (Some(admin), "{victim_autom}") => {
                let name = format!("Victim {unique}");
                created_id(
                    server
                        .post_form(
                            admin,
                            "/api/t/automs/create",
                            &autom_form(&tenant.slug, &name, "manual"),
                        )
                        .await,
                    "a victim Autom",
                )
                .await
            }
            (Some(admin), "{victim_run}") => queue_run(server, admin, tenant).await,
            (Some(admin), "{victim_vault}") => {
                let name = format!("Victim {unique}");
                created_id(
                    server
                        .post_form(
                            admin,
                            "/api/t/vault/create",
                            &vault_form(&tenant.slug, &name),
                        )
                        .await,
                    "a victim vault item",
                )
                .await
            }
            (Some(admin), "{token}") => {
                let address = json(
                    server
                        .post_form(
                            admin,
                            "/api/t/automs/webhook",
                            &[
                                ("tenant", tenant.slug.as_str()),
                                ("id", tenant.autom.as_str()),
                                ("rotate", "false"),
                            ],
                        )
                        .await,
                )
                .await;
                address
                    .as_str()
                    .and_then(|a| a.strip_prefix("/hooks/automs/"))
                    .expect("a webhook address")
                    .to_owned()
            }
            (Some(admin), "{run_id}") => {
                queue_run(server, admin, tenant).await;
                let claimed = server
                    .client()
                    .post(server.url("/api/v1/runs/claim"))
                    .bearer_auth(ids.keys.get(tenant.key).map_or("", String::as_str))
                    .send()
                    .await
                    .expect("claim");
                assert_eq!(claimed.status(), StatusCode::OK, "claiming a run to hold");
                json(claimed).await["run_id"]
                    .as_str()
                    .expect("claimed run id")
                    .to_owned()
            }
            (Some(admin), _) => {
                let email = format!("victim-{unique}@msp.example");
                created_id(
                    server
                        .post_form(
                            admin,
                            "/api/technicians/create",
                            &[
                                ("display_name", "Victim Tech"),
                                ("email", &email),
                                ("phone", ""),
                                ("password", PASSWORD),
                            ],
                        )
                        .await,
                    "a victim technician",
                )
                .await
            }
        };
        out = out.replace(victim, &id);
    }
    out
}

/// The fields that create an Autom named `name` in tenant `slug`.
fn autom_form<'a>(slug: &'a str, name: &'a str, trigger: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("tenant", slug),
        ("name", name),
        ("description", ""),
        ("trigger", trigger),
        ("cron", ""),
        ("timezone", ""),
        ("definition", STEPS),
        ("alert", "none"),
    ]
}

/// Queues a run of the tenant's target Autom as the MSP Admin; returns its id.
async fn queue_run(server: &TestServer, admin: &Client, tenant: &TenantIds) -> String {
    created_id(
        server
            .post_form(
                admin,
                "/api/t/automs/run",
                &[
                    ("tenant", tenant.slug.as_str()),
                    ("id", tenant.autom.as_str()),
                    ("input", ""),
                ],
            )
            .await,
        "a queued run",
    )
    .await
}

/// One call as a fresh session of `who` (so that logouts and renames never leak into the next cell).
async fn status(server: &TestServer, who: Who, case: &Case, target: Target, ids: &Ids) -> u16 {
    let tenant = match target {
        Target::B => &ids.b,
        _ => &ids.a,
    };
    let mut form: Vec<(String, String)> = Vec::new();
    if let Body::Form(fields) = case.body {
        for (name, value) in fields {
            form.push(((*name).to_owned(), fill(server, value, tenant, ids).await));
        }
    }
    let json_body = match case.body {
        Body::Json(text) => Some(fill(server, text, tenant, ids).await),
        _ => None,
    };
    let client = client_for(server, who).await;
    let denied_before = denied_count(&ids.owner).await;
    let allowed_before = allowed_count(&ids.owner).await;
    let path = fill(
        server,
        &case.path.replace("{file}", &ids.logo_path),
        tenant,
        ids,
    )
    .await;
    let request = match case.method {
        "GET" => client.get(server.url(&path)),
        _ => client.post(server.url(&path)),
    };
    let request = match key_name(who) {
        Some(name) => request.bearer_auth(ids.keys.get(name).map_or("", String::as_str)),
        None => request,
    };
    let request = match case.body {
        Body::Form(_) => request.form(&form),
        Body::Json(_) => request
            .header("content-type", "application/json")
            .body(json_body.unwrap_or_default()),
        Body::Png => request.body(png()),
        Body::Empty => request.form(&[] as &[(&str, &str)]),
    };
    let code = request.send().await.expect("request").status().as_u16();
    // Every refusal of a signed-in principal or a live key is in the audit log (who, tenant,
    // action).
    if who != Who::Anonymous
        && case.method == "POST"
        && matches!(code, 403 | 404)
        && !UNATTRIBUTED.contains(&case.path)
    {
        assert!(
            denied_count(&ids.owner).await > denied_before,
            "{who:?} refused {} with {code} but no denied attempt was audited",
            case.path
        );
    }
    // Every write that was carried out is in the audit log too.
    if (200..300).contains(&code)
        && !READS.contains(&case.path)
        && !UNAUDITED_WRITES.contains(&case.path)
    {
        assert!(
            allowed_count(&ids.owner).await > allowed_before,
            "{who:?} carried out {} ({code}) but no allowed event was audited",
            case.path
        );
    }
    code
}

/// Calls that only read: everything else that answers 2xx must have written an allowed
/// audit event.
const READS: &[&str] = &[
    "/api/session_info",
    "/api/workspaces",
    "/api/t/context",
    "/api/license",
    "/api/security/throttles",
    "/api/overview/attention",
    "/api/overview/my_tenants",
    "/api/tenants/list",
    "/api/tenants/detail",
    "/api/technicians/list",
    "/api/technicians/detail",
    "/api/technicians/candidates",
    "/api/t/users",
    "/api/brand",
    "/api/brand/update",
    "/brand/logo/{file}",
    "/brand/theme.css",
    "/api/t/api_keys",
    "/api/v1/whoami",
    "/api/v1/openapi.json",
    "/api/v1/schemas/autom-definition.json",
    "/api/t/automs",
    "/api/t/automs/get",
    "/api/automs/schedule_preview",
    "/api/t/runs",
    "/api/t/runs/get",
    "/api/t/alerts",
    "/api/t/alerts/assignees",
    "/api/t/vault",
    "/api/vault/governance",
    "/t/{tenant}/audit",
    "/t/{tenant}/api-keys",
];

/// Routes where the caller's identity plays no part, so a refusal is nobody's to audit: an
/// Autom's webhook address is itself the credential (an unknown address names no tenant).
const UNATTRIBUTED: &[&str] = &["/hooks/automs/{token}"];

/// Writes a runner makes every few seconds, not audited one by one (the claim that starts
/// holding a run and the completion that ends it are): renewing a lease, appending log
/// lines. Also a claim that found nothing to run (204) writes nothing.
const UNAUDITED_WRITES: &[&str] = &[
    "/api/v1/runs/{run_id}/heartbeat",
    "/api/v1/runs/{run_id}/log",
];

/// The key a key principal sends.
fn key_name(who: Who) -> Option<&'static str> {
    match who {
        Who::KeyAllA => Some("all-a"),
        Who::KeyNoScopeA => Some("no-scope-a"),
        Who::KeyB => Some("b"),
        Who::KeyRevokedA => Some("revoked-a"),
        _ => None,
    }
}

/// The fields that create a vault item named `name` in tenant `slug`.
fn vault_form<'a>(slug: &'a str, name: &'a str) -> [(&'static str, &'a str); 8] {
    [
        ("tenant", slug),
        ("name", name),
        ("kind", "password"),
        ("username", "admin"),
        ("url", ""),
        ("notes", ""),
        ("tags", ""),
        ("secret", "matrix-secret"),
    ]
}

/// Creates the key principals' keys as the MSP Admin (the revoked one revoked at once).
async fn create_keys(
    server: &TestServer,
    admin: &Client,
    a: &TenantIds,
    b: &TenantIds,
) -> HashMap<&'static str, String> {
    let mut keys = HashMap::new();
    // "No scope a route needs": no route takes `secrets:use` yet.
    for (name, tenant, scopes) in [
        ("all-a", a, "runs:write alerts:write secrets:use"),
        ("no-scope-a", a, "secrets:use"),
        ("b", b, "runs:write alerts:write secrets:use"),
        ("revoked-a", a, "runs:write alerts:write secrets:use"),
    ] {
        let created = json(
            server
                .post_form(
                    admin,
                    "/api/t/api_keys/create",
                    &[
                        ("tenant", tenant.slug.as_str()),
                        ("name", name),
                        ("scopes", scopes),
                        ("expires_in_days", ""),
                    ],
                )
                .await,
        )
        .await;
        let secret = created["secret"].as_str().expect("key").to_owned();
        if name == "revoked-a" {
            let id = created["key"]["id"].as_str().expect("id");
            let revoked = server
                .post_form(
                    admin,
                    "/api/t/api_keys/revoke",
                    &[("tenant", tenant.slug.as_str()), ("id", id)],
                )
                .await;
            assert_eq!(revoked.status(), StatusCode::OK, "revoking a key");
        }
        keys.insert(name, secret);
    }
    keys
}

async fn allowed_count(owner: &sqlx::AnyPool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE outcome = 'allowed'")
        .fetch_one(owner)
        .await
        .expect("audit count")
}

async fn denied_count(owner: &sqlx::AnyPool) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied' \
         AND (actor_user_id IS NOT NULL OR actor_api_key_id IS NOT NULL) AND action <> ''",
    )
    .fetch_one(owner)
    .await
    .expect("audit count")
}

fn row_label(case: &Case, target: Target) -> String {
    let target = match target {
        Target::None => "",
        Target::A => " [tenant A]",
        Target::B => " [tenant B]",
    };
    format!("{} {}{target}", case.method, case.path)
}

/// Creates tenants A and B with their resources and every principal, as the MSP Admin.
async fn populate(server: &TestServer, admin: &Client) -> (TenantIds, TenantIds, String) {
    let mut tenants = Vec::new();
    for name in ["Tenant A", "Tenant B"] {
        let created = json(
            server
                .post_form(admin, "/api/tenants/create", &[("name", name)])
                .await,
        )
        .await;
        let slug = created["slug"].as_str().expect("slug").to_owned();
        let id = created["id"].as_str().expect("id").to_owned();
        let users = json(
            server
                .post_form(admin, "/api/t/users", &[("tenant", slug.as_str())])
                .await,
        )
        .await;
        let role = |wanted: &str| -> String {
            users["roles"]
                .as_array()
                .expect("roles")
                .iter()
                .find(|r| r["name"] == wanted)
                .and_then(|r| r["id"].as_str())
                .expect("role")
                .to_owned()
        };
        let (viewer_role, admin_role) = (role("Viewer"), role("Tenant Admin"));
        let custom_role = created_id(
            server
                .post_form(
                    admin,
                    "/api/t/roles/create",
                    &[
                        ("tenant", slug.as_str()),
                        ("name", "Matrix Role"),
                        ("permissions", "1"),
                    ],
                )
                .await,
            "a custom role",
        )
        .await;
        let target_email = format!("target@{slug}.example");
        let target_user = created_id(
            server
                .post_form(
                    admin,
                    "/api/t/users/create",
                    &[
                        ("tenant", slug.as_str()),
                        ("display_name", "Target User"),
                        ("email", &target_email),
                        ("password", PASSWORD),
                        ("role_id", &viewer_role),
                    ],
                )
                .await,
            "a target user",
        )
        .await;
        if name == "Tenant A" {
            for (who, role_id) in [
                (Who::TenantAdminA, &admin_role),
                (Who::ViewerA, &viewer_role),
            ] {
                created_id(
                    server
                        .post_form(
                            admin,
                            "/api/t/users/create",
                            &[
                                ("tenant", slug.as_str()),
                                ("display_name", "Principal"),
                                ("email", who.email().expect("email")),
                                ("password", PASSWORD),
                                ("role_id", role_id),
                            ],
                        )
                        .await,
                    "a tenant principal",
                )
                .await;
            }
        }
        let autom = created_id(
            server
                .post_form(
                    admin,
                    "/api/t/automs/create",
                    &autom_form(&slug, "Target Autom", "webhook"),
                )
                .await,
            "the target Autom",
        )
        .await;
        let mut tenant = TenantIds {
            id,
            slug,
            name: name.to_owned(),
            viewer_role,
            custom_role,
            target_user,
            autom,
            run: String::new(),
            alert: String::new(),
            vault_item: String::new(),
            key: if name == "Tenant A" { "all-a" } else { "b" },
        };
        tenant.run = queue_run(server, admin, &tenant).await;
        tenant.vault_item = created_id(
            server
                .post_form(
                    admin,
                    "/api/t/vault/create",
                    &vault_form(&tenant.slug, "Target item"),
                )
                .await,
            "the target vault item",
        )
        .await;
        tenants.push(tenant);
    }
    let (a, b) = (tenants[0].clone(), tenants[1].clone());
    let mut tech_ids: HashMap<&str, String> = HashMap::new();
    for who in [
        Who::TechFullA,
        Who::TechViewA,
        Who::TechOnlyB,
        Who::TechNone,
    ] {
        let email = who.email().expect("email");
        let id = created_id(
            server
                .post_form(
                    admin,
                    "/api/technicians/create",
                    &[
                        ("display_name", "Principal Tech"),
                        ("email", email),
                        ("phone", ""),
                        ("password", PASSWORD),
                    ],
                )
                .await,
            "a technician",
        )
        .await;
        tech_ids.insert(email, id);
    }
    let full = PermissionSet::all().bits().to_string();
    let view = PermissionSet::view_only().bits().to_string();
    for (who, tenant, permissions) in [
        (Who::TechFullA, &a.id, &full),
        (Who::TechViewA, &a.id, &view),
        (Who::TechOnlyB, &b.id, &full),
    ] {
        let response = server
            .post_form(
                admin,
                "/api/technicians/assign",
                &[
                    ("id", tech_ids[who.email().expect("email")].as_str()),
                    ("tenants", tenant.as_str()),
                    ("permissions", permissions.as_str()),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "assigning {who:?}");
    }
    let target_tech = created_id(
        server
            .post_form(
                admin,
                "/api/technicians/create",
                &[
                    ("display_name", "Target Tech"),
                    ("email", "target-tech@msp.example"),
                    ("phone", ""),
                    ("password", PASSWORD),
                ],
            )
            .await,
        "the target technician",
    )
    .await;
    (a, b, target_tech)
}

on_both_databases!(
    every_endpoint_answers_every_principal_as_the_snapshot_says,
    |server: TestServer| async move {
        let cases = cases();

        // Coverage: every registered server function and REST endpoint has a row.
        let mut endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| format!("{method} {path}"))
            .collect();
        endpoints.extend(
            server::rest::ENDPOINTS
                .iter()
                .map(|(m, p)| format!("{m} {p}")),
        );
        endpoints.extend(
            server::rest::api_endpoints()
                .into_iter()
                .map(|(m, p)| format!("{m} {p}")),
        );
        let covered: Vec<String> = cases
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect();
        // Every API route the matrix calls is in the OpenAPI document (but the document).
        let documented: Vec<String> = server::rest::api_endpoints()
            .into_iter()
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        let undocumented: Vec<&String> = covered
            .iter()
            .filter(|c| c.contains(" /api/v1/") && !c.ends_with("/openapi.json"))
            .filter(|c| !documented.contains(c))
            .collect();
        assert!(
            undocumented.is_empty(),
            "API routes missing from the OpenAPI document: {undocumented:?}"
        );
        let missing: Vec<&String> = endpoints.iter().filter(|e| !covered.contains(e)).collect();
        assert!(
            missing.is_empty(),
            "endpoints missing from the authorization matrix: {missing:?}"
        );

        // Phase 1: the Administrator of an unlicensed hub. No tenant exists yet.
        let admin = server.client();
        assert_eq!(server.set_up(&admin).await.status(), StatusCode::OK);
        let mut ids = Ids {
            a: TenantIds::missing("tenant-a"),
            b: TenantIds::missing("tenant-b"),
            tech: NIL.to_owned(),
            logo_path: "0".repeat(64) + ".png",
            admin: None,
            owner: server.db.owner_pool().await,
            keys: HashMap::new(),
        };
        let mut cells: Vec<Vec<u16>> = Vec::new();
        for case in &cases {
            for &target in case.targets {
                cells.push(vec![
                    status(&server, Who::Administrator, case, target, &ids).await,
                ]);
            }
        }

        // Phase 2: a licensed hub with tenants A and B, their users and roles, the
        // technicians, and a logo.
        let key = valid_license(100);
        let activated = server
            .post_form(&admin, "/api/license/activate", &[("license_key", &key)])
            .await;
        assert_eq!(activated.status(), StatusCode::OK);
        let (mut a, mut b, tech) = populate(&server, &admin).await;
        let keys = create_keys(&server, &admin, &a, &b).await;
        for tenant in [&mut a, &mut b] {
            let raised = server
                .client()
                .post(server.url("/api/v1/alerts"))
                .bearer_auth(&keys[tenant.key])
                .json(&serde_json::json!({"severity": "warning", "title": "Matrix alert"}))
                .send()
                .await
                .expect("raise");
            assert_eq!(
                raised.status(),
                StatusCode::CREATED,
                "raising the target alert"
            );
            tenant.alert = json(raised).await["id"]
                .as_str()
                .expect("alert id")
                .to_owned();
        }
        let brand = json(
            admin
                .post(server.url("/api/branding/logo"))
                .body(png())
                .send()
                .await
                .expect("logo"),
        )
        .await;
        ids = Ids {
            a,
            b,
            tech,
            logo_path: brand["logo_url"]
                .as_str()
                .expect("logo")
                .trim_start_matches("/brand/logo/")
                .to_owned(),
            admin: Some(admin.clone()),
            owner: ids.owner.clone(),
            keys,
        };

        let mut row = 0;
        for case in &cases {
            for &target in case.targets {
                let mut line = Vec::new();
                for (who, _) in COLUMNS {
                    line.push(match who {
                        Who::Administrator => cells[row][0],
                        _ => status(&server, who, case, target, &ids).await,
                    });
                }
                cells[row] = line;
                row += 1;
            }
        }

        let mut table = String::from(
            "# Authorization matrix: the HTTP status of every endpoint for every principal.\n",
        );
        table.push_str("# 2xx and 422 (input checked) mean the call was authorized; 401/403/409 that it was not;\n");
        table.push_str("# 404 that the resource is not visible to the caller (foreign tenants look like missing ones).\n");
        table.push_str(
            "# Generated by server/tests/authorization.rs; review changes as a diff.\n\n",
        );
        let width = cases
            .iter()
            .flat_map(|c| c.targets.iter().map(move |t| row_label(c, *t).len()))
            .max()
            .unwrap_or(0);
        let _ = write!(table, "{:width$}", "endpoint");
        for (_, name) in COLUMNS {
            let _ = write!(table, " | {name}");
        }
        table.push('\n');
        let mut row = 0;
        for case in &cases {
            for &target in case.targets {
                let _ = write!(table, "{:width$}", row_label(case, target));
                for ((_, name), code) in COLUMNS.iter().zip(&cells[row]) {
                    let _ = write!(table, " | {code:<w$}", w = name.len());
                }
                table.push('\n');
                row += 1;
            }
        }
        let table = table
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(SNAPSHOT, &table).expect("write snapshot");
        }
        let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
        assert_eq!(table, committed, "the authorization matrix changed; if intended, run with UPDATE_SNAPSHOTS=1 and review the diff");
    }
);
