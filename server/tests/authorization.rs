//! The authorization matrix (STYLE.md's omicron anchor): every server function and REST
//! endpoint, called as each principal that exists so far, against a resource of tenant A
//! and one of tenant B where the endpoint takes one. The HTTP status of every call is
//! written as a table and compared with the committed snapshot
//! `tests/snapshots/authorization_matrix.txt`; a coverage check fails when an endpoint has
//! no row. Runs on SQLite and PostgreSQL, which must agree.
//!
//! Principals: anonymous; the Administrator of an unlicensed hub (before activation); the
//! MSP Admin; a technician with no assignment. Technicians with rights, tenant admins and
//! tenant viewers join with technician management (issue 4).
//!
//! To accept an intended change: `UPDATE_SNAPSHOTS=1 cargo nextest run -p msp-hub --test authorization`,
//! then review the diff.

mod common;

use common::*;
use hub_core::testing::valid_license;
use std::fmt::Write as _;

const TECH_EMAIL: &str = "tom@contoso.example";
const TECH_PASSWORD: &str = "technician password";
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/authorization_matrix.txt"
);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Administrator,
    MspAdmin,
    Technician,
}

const COLUMNS: [(Who, &str); 4] = [
    (Who::Anonymous, "anonymous"),
    (Who::Administrator, "administrator (unlicensed)"),
    (Who::MspAdmin, "msp admin"),
    (Who::Technician, "technician (no tenant)"),
];

/// Which tenant's resource a call names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    A,
    B,
}

/// How a call is made.
#[derive(Clone, Copy)]
enum Body {
    Form(&'static [(&'static str, &'static str)]),
    /// A form with `id` set to the target tenant's id.
    TenantForm(&'static [(&'static str, &'static str)]),
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
const BOTH: &[Target] = &[Target::A, Target::B];

fn cases() -> Vec<Case> {
    let post = |path, body| Case {
        method: "POST",
        path,
        targets: NONE,
        body,
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
        post("/api/workspaces", Body::Empty),
        post("/api/license", Body::Empty),
        post(
            "/api/license/activate",
            Body::Form(&[("license_key", "not-a-key")]),
        ),
        post("/api/license/dismiss_notice", Body::Empty),
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
        Case {
            method: "POST",
            path: "/api/tenants/detail",
            targets: BOTH,
            body: Body::TenantForm(&[]),
        },
        Case {
            method: "POST",
            path: "/api/tenants/update",
            targets: BOTH,
            body: Body::TenantForm(&[
                ("name", "Renamed"),
                ("max_automs", "1"),
                ("max_users", "1"),
                ("max_agents", "1"),
            ]),
        },
        Case {
            method: "POST",
            path: "/api/tenants/set_active",
            targets: BOTH,
            body: Body::TenantForm(&[("active", "true")]),
        },
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

/// What the calls need to know about the hub.
struct Ids {
    tenant_a: String,
    tenant_b: String,
    logo_path: String,
}

async fn client_for(server: &TestServer, who: Who) -> Client {
    let client = server.client();
    let (email, password) = match who {
        Who::Anonymous => return client,
        Who::Administrator | Who::MspAdmin => (ADMIN_EMAIL, ADMIN_PASSWORD),
        Who::Technician => (TECH_EMAIL, TECH_PASSWORD),
    };
    let response = server.login(&client, email, password).await;
    assert_eq!(response.status(), StatusCode::OK, "sign-in of {email}");
    client
}

/// One call as a fresh session of `who` (so that logouts and renames never leak into the next cell).
async fn status(server: &TestServer, who: Who, case: &Case, target: Target, ids: &Ids) -> u16 {
    let client = client_for(server, who).await;
    let tenant = match target {
        Target::A => ids.tenant_a.as_str(),
        Target::B => ids.tenant_b.as_str(),
        Target::None => "",
    };
    let path = case.path.replace("{file}", &ids.logo_path);
    let request = match case.method {
        "GET" => client.get(server.url(&path)),
        _ => client.post(server.url(&path)),
    };
    let request = match case.body {
        Body::Form(form) => request.form(form),
        Body::TenantForm(form) => {
            let mut fields: Vec<(&str, &str)> = form.to_vec();
            fields.push(("id", tenant));
            request.form(&fields)
        }
        Body::Png => request.body(png()),
        Body::Empty => request.form(&[] as &[(&str, &str)]),
    };
    request.send().await.expect("request").status().as_u16()
}

fn row_label(case: &Case, target: Target) -> String {
    let target = match target {
        Target::None => "",
        Target::A => " [tenant A]",
        Target::B => " [tenant B]",
    };
    format!("{} {}{target}", case.method, case.path)
}

async fn add_technician(server: &TestServer) {
    let hash = hub_core::auth::password::PasswordHasher::new()
        .expect("hasher")
        .hash(TECH_PASSWORD)
        .await
        .expect("hash");
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, system_role, created_at, updated_at) \
         VALUES ($1, $2, 'Tom Tech', $3, 'technician', 1, 1)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(TECH_EMAIL)
    .bind(hash)
    .execute(&server.db.owner_pool().await)
    .await
    .expect("technician");
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
        let covered: Vec<String> = cases
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect();
        let missing: Vec<&String> = endpoints.iter().filter(|e| !covered.contains(e)).collect();
        assert!(
            missing.is_empty(),
            "endpoints missing from the authorization matrix: {missing:?}"
        );

        // Phase 1: the Administrator of an unlicensed hub. No tenant exists yet.
        let admin = server.client();
        assert_eq!(server.set_up(&admin).await.status(), StatusCode::OK);
        let nil = "00000000-0000-0000-0000-000000000000".to_owned();
        let mut ids = Ids {
            tenant_a: nil.clone(),
            tenant_b: nil,
            logo_path: "0".repeat(64) + ".png",
        };
        let mut cells: Vec<Vec<u16>> = Vec::new();
        for case in &cases {
            for &target in case.targets {
                cells.push(vec![
                    status(&server, Who::Administrator, case, target, &ids).await,
                ]);
            }
        }

        // Phase 2: a licensed hub with tenants A and B and a logo.
        let key = valid_license(100);
        let activated = server
            .post_form(&admin, "/api/license/activate", &[("license_key", &key)])
            .await;
        assert_eq!(activated.status(), StatusCode::OK);
        for (name, slot) in [("Tenant A", 0), ("Tenant B", 1)] {
            let created = json(
                server
                    .post_form(&admin, "/api/tenants/create", &[("name", name)])
                    .await,
            )
            .await;
            let id = created["id"].as_str().expect("id").to_owned();
            if slot == 0 {
                ids.tenant_a = id
            } else {
                ids.tenant_b = id
            }
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
        ids.logo_path = brand["logo_url"]
            .as_str()
            .expect("logo")
            .trim_start_matches("/brand/logo/")
            .to_owned();
        add_technician(&server).await;

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
        table.push_str("# 2xx and 422 (input checked) mean the call was authorized; 401/403/409 that it was not.\n");
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
