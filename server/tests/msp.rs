//! Integration tests of MSP administration over HTTP (server functions, REST routes and
//! pages), on SQLite and on PostgreSQL, including bad input.

mod common;

use common::*;
use hub_core::testing::{license_key, valid_license, TEST_LIMITS};
use serde_json::{json, Value};

/// A signed-in Administrator's client on a set-up hub.
async fn admin(server: &TestServer) -> Client {
    let client = server.client();
    assert_eq!(server.set_up(&client).await.status(), StatusCode::OK);
    client
}

/// A signed-in MSP Admin's client on a hub with a license for `max_tenants`.
async fn msp_admin(server: &TestServer, max_tenants: i64) -> Client {
    let client = admin(server).await;
    let key = valid_license(max_tenants);
    let response = server
        .post_form(&client, "/api/license/activate", &[("license_key", &key)])
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{:?}",
        response.text().await
    );
    client
}

async fn call(
    server: &TestServer,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = server.post_form(client, path, form).await;
    let status = response.status();
    (status, json(response).await)
}

/// Creates a technician as the MSP Admin; returns their id.
async fn create_technician(
    server: &TestServer,
    client: &Client,
    name: &str,
    email: &str,
) -> String {
    let (status, tech) = call(
        server,
        client,
        "/api/technicians/create",
        &[
            ("display_name", name),
            ("email", email),
            ("phone", ""),
            ("password", "a long enough password"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tech}");
    tech["id"].as_str().expect("id").to_owned()
}

async fn create(server: &TestServer, client: &Client, name: &str) -> Value {
    let (status, body) = call(server, client, "/api/tenants/create", &[("name", name)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn list_form<'a>(search: &'a str, sort: &'a str, page: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("search", search),
        ("status", "all"),
        ("sort", sort),
        ("descending", "false"),
        ("page", page),
        ("per_page", "25"),
    ]
}

on_both_databases!(
    license_activation_and_its_notice,
    |server: TestServer| async move {
        let client = admin(&server).await;
        let anonymous = server.client();
        assert_eq!(
            call(&server, &anonymous, "/api/license", &[]).await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            call(
                &server,
                &anonymous,
                "/api/license/activate",
                &[("license_key", &valid_license(5))]
            )
            .await
            .0,
            StatusCode::UNAUTHORIZED
        );

        let (status, body) = call(
            &server,
            &client,
            "/api/license/activate",
            &[("license_key", "garbage")],
        )
        .await;
        assert_eq!(
            (status, body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"kind": "license_invalid", "problem": {"problem": "malformed"}})
            )
        );
        let expired = license_key(5, TEST_LIMITS, 10 * 86_400, -86_400);
        let (status, body) = call(
            &server,
            &client,
            "/api/license/activate",
            &[("license_key", &expired)],
        )
        .await;
        assert_eq!(
            (status, body["problem"]["problem"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("expired"))
        );
        let (_, overview) = call(&server, &client, "/api/license", &[]).await;
        assert_eq!(
            overview,
            json!({"license": null, "activation_notice": false, "verification": "development"})
        );

        let (status, body) = call(
            &server,
            &client,
            "/api/license/activate",
            &[("license_key", &valid_license(7))],
        )
        .await;
        assert_eq!((status, body), (StatusCode::OK, json!("Activated")));
        let (_, overview) = call(&server, &client, "/api/license", &[]).await;
        assert_eq!(
            overview["license"]["tenants"],
            json!({"used": 1, "allowed": 7})
        );
        let (_, session) = call(&server, &client, "/api/session_info", &[]).await;
        assert_eq!(session["user"]["role"], "msp_admin");
        assert_eq!(session["activation_notice"], true);
        let page = client
            .get(server.url("/license"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(
            page.contains("MSP License Activation Notice") && page.contains("Contoso MSP"),
            "{page}"
        );

        assert_eq!(
            call(&server, &client, "/api/license/dismiss_notice", &[])
                .await
                .0,
            StatusCode::OK
        );
        let (_, session) = call(&server, &client, "/api/session_info", &[]).await;
        assert_eq!(session["activation_notice"], false);
        let (_, workspaces) = call(&server, &client, "/api/workspaces", &[]).await;
        assert_eq!(workspaces["entries"][0]["slug"], "default-tenant");
    }
);

on_both_databases!(
    tenants_are_managed_over_http_with_typed_errors,
    |server: TestServer| async move {
        let client = msp_admin(&server, 3).await;
        let (status, body) =
            call(&server, &client, "/api/tenants/create", &[("name", "   ")]).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
        );
        let acme = create(&server, &client, "Acme").await;
        let id = acme["id"].as_str().expect("id").to_owned();
        create(&server, &client, "Beta").await;
        let (status, body) = call(
            &server,
            &client,
            "/api/tenants/create",
            &[("name", "Gamma")],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(
            body,
            json!({"kind": "limit_reached", "resource": "tenants", "used": 3, "limit": 3})
        );

        let (status, page) = call(
            &server,
            &client,
            "/api/tenants/list",
            &list_form("ac", "name", "1"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (page["total"].as_i64(), page["count"]["used"].as_i64()),
            (Some(1), Some(3))
        );
        assert_eq!(page["items"][0]["slug"], "acme");
        let (status, _) = call(
            &server,
            &client,
            "/api/tenants/list",
            &list_form("", "name", "not-a-number"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let (status, body) = call(
            &server,
            &client,
            "/api/tenants/update",
            &[
                ("id", &id),
                ("name", "Acme Ltd"),
                ("max_automs", "9999"),
                ("max_users", "5"),
                ("max_agents", "1"),
            ],
        )
        .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("max_automs"))
        );
        let (status, body) = call(
            &server,
            &client,
            "/api/tenants/update",
            &[
                ("id", &id),
                ("name", "Acme Ltd"),
                ("max_automs", "10"),
                ("max_users", "5"),
                ("max_agents", "1"),
            ],
        )
        .await;
        assert_eq!(
            (
                status,
                body["name"].as_str(),
                body["limits"]["automs"].as_i64()
            ),
            (StatusCode::OK, Some("Acme Ltd"), Some(10))
        );

        let (status, body) = call(
            &server,
            &client,
            "/api/tenants/set_active",
            &[("id", &id), ("active", "false")],
        )
        .await;
        assert_eq!(
            (status, body["active"].as_bool()),
            (StatusCode::OK, Some(false))
        );
        let (status, body) = call(&server, &client, "/api/tenants/detail", &[("id", &id)]).await;
        assert_eq!(
            (status, body["tenant"]["active"].as_bool()),
            (StatusCode::OK, Some(false))
        );
        assert_eq!(body["roles"], json!(["Tenant Admin", "Viewer"]));
        for bad in ["not-a-uuid", "00000000-0000-0000-0000-000000000000"] {
            let (status, body) =
                call(&server, &client, "/api/tenants/detail", &[("id", bad)]).await;
            assert_eq!(
                (status, body["kind"].as_str()),
                (StatusCode::NOT_FOUND, Some("not_found"))
            );
        }

        // Pages render on the server with the data.
        let html = client
            .get(server.url("/tenants"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("html");
        assert!(
            html.contains("Acme Ltd") && html.contains("Deactivated"),
            "tenants page"
        );
        let detail = client
            .get(server.url(&format!("/tenants/{id}")))
            .send()
            .await
            .expect("get");
        assert_eq!(detail.status(), StatusCode::OK);
        assert!(detail.text().await.expect("html").contains("Acme Ltd"));
        let missing = client
            .get(server.url("/tenants/00000000-0000-0000-0000-000000000000"))
            .send()
            .await
            .expect("get");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);

        // Without a session nothing answers.
        let anonymous = server.client();
        for path in [
            "/api/tenants/list",
            "/api/tenants/create",
            "/api/tenants/detail",
            "/api/tenants/set_active",
            "/api/tenants/update",
        ] {
            let mut form = list_form("", "name", "1");
            form.extend([
                ("name", "x"),
                ("id", id.as_str()),
                ("active", "true"),
                ("max_automs", "1"),
                ("max_users", "1"),
                ("max_agents", "1"),
            ]);
            assert_eq!(
                call(&server, &anonymous, path, &form).await.0,
                StatusCode::UNAUTHORIZED,
                "{path}"
            );
        }
    }
);

fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
        width,
        height,
        image::Rgba([200, 10, 10, 255]),
    ))
    .write_to(&mut out, image::ImageFormat::Png)
    .expect("png");
    out.into_inner()
}

on_both_databases!(
    branding_logo_upload_serving_and_brand_version,
    |server: TestServer| async move {
        let client = msp_admin(&server, 3).await;
        // A second browser of the same admin, signed in before the brand changes.
        let other = server.client();
        assert_eq!(
            server
                .login(&other, ADMIN_EMAIL, ADMIN_PASSWORD)
                .await
                .status(),
            StatusCode::OK
        );
        let (_, before) = call(&server, &client, "/api/brand", &[]).await;
        let version = before["version"].as_i64().expect("version");

        let (status, body) = call(
            &server,
            &client,
            "/api/brand/save",
            &[
                ("product_name", "Contoso Cloud"),
                ("primary_color", "javascript:alert(1)"),
                ("accent_color", "#00aa00"),
            ],
        )
        .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("primary_color"))
        );
        let (status, brand) = call(
            &server,
            &client,
            "/api/brand/save",
            &[
                ("product_name", "Contoso Cloud"),
                ("primary_color", "#aa3300"),
                ("accent_color", "#00aa00"),
            ],
        )
        .await;
        assert_eq!(
            (status, brand["product_name"].as_str()),
            (StatusCode::OK, Some("Contoso Cloud"))
        );

        let upload = |body: Vec<u8>, client: &Client| {
            client
                .post(server.url("/api/branding/logo"))
                .body(body)
                .send()
        };
        let anonymous = upload(png_bytes(10, 10), &server.client())
            .await
            .expect("post");
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        let svg = upload(
            br#"<svg xmlns="http://www.w3.org/2000/svg"/>"#.to_vec(),
            &client,
        )
        .await
        .expect("post");
        assert_eq!(svg.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json(svg).await["message"]
            .as_str()
            .expect("message")
            .contains("SVG"));
        let ok = upload(png_bytes(600, 300), &client).await.expect("post");
        assert_eq!(ok.status(), StatusCode::OK);
        let brand = json(ok).await;
        let url = brand["logo_url"].as_str().expect("logo url");
        let logo = server
            .client()
            .get(server.url(url))
            .send()
            .await
            .expect("logo");
        assert_eq!(logo.status(), StatusCode::OK);
        let h = logo.headers();
        assert_eq!(h[header::CONTENT_TYPE], "image/png");
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let decoded =
            image::load_from_memory(&logo.bytes().await.expect("bytes")).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (512, 256));
        let missing = server
            .client()
            .get(server.url("/brand/logo/0000.png"))
            .send()
            .await
            .expect("get");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);

        let css = server
            .client()
            .get(server.url("/brand/theme.css?v=9"))
            .send()
            .await
            .expect("css");
        assert_eq!(
            css.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8"
        );
        assert!(css
            .text()
            .await
            .expect("css")
            .contains("--brand-primary: #aa3300"));
        let login = server
            .client()
            .get(server.url("/login"))
            .send()
            .await
            .expect("login")
            .text()
            .await
            .expect("html");
        assert!(
            login.contains("Contoso Cloud") && login.contains(url),
            "the login page is branded"
        );

        // The other browser's token still names the old version: it learns of the change on
        // its next request, which also re-issues its token with the new version.
        let stale = server
            .post_form(
                &other,
                "/api/brand/update",
                &[("known_version", &version.to_string())],
            )
            .await;
        assert!(
            session_cookie(&stale).is_some(),
            "a stale brand version re-issues the token"
        );
        assert_eq!(json(stale).await["logo_url"].as_str(), Some(url));
        let current = brand["version"].as_i64().expect("v").to_string();
        let (_, unchanged) = call(
            &server,
            &other,
            "/api/brand/update",
            &[("known_version", &current)],
        )
        .await;
        assert_eq!(unchanged, Value::Null);

        let (status, reset) = call(&server, &client, "/api/brand/reset", &[]).await;
        assert_eq!(
            (
                status,
                reset["logo_url"].clone(),
                reset["product_name"].as_str()
            ),
            (StatusCode::OK, Value::Null, Some("MSP Hub"))
        );
    }
);

on_both_databases!(
    the_msp_admin_changes_their_own_name_and_password,
    |server: TestServer| async move {
        let client = msp_admin(&server, 3).await;
        let other = server.client();
        assert_eq!(
            server
                .login(&other, ADMIN_EMAIL, ADMIN_PASSWORD)
                .await
                .status(),
            StatusCode::OK
        );
        let (status, body) = call(
            &server,
            &client,
            "/api/account/name",
            &[("display_name", "")],
        )
        .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("display_name"))
        );
        let (status, body) = call(
            &server,
            &client,
            "/api/account/name",
            &[("display_name", "Dana Owner")],
        )
        .await;
        assert_eq!((status, body), (StatusCode::OK, json!("Dana Owner")));
        let (status, body) = call(
            &server,
            &client,
            "/api/account/password",
            &[
                ("current_password", "wrong password"),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password"))
        );
        let changed = server
            .post_form(
                &client,
                "/api/account/password",
                &[
                    ("current_password", ADMIN_PASSWORD),
                    ("new_password", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(changed.status(), StatusCode::OK);
        assert!(
            session_cookie(&changed).is_some(),
            "this session continues with a new token"
        );
        let (_, session) = call(&server, &client, "/api/session_info", &[]).await;
        assert_eq!(
            (
                session["user"]["display_name"].as_str(),
                session["user"]["role"].as_str()
            ),
            (Some("Dana Owner"), Some("msp_admin"))
        );
        let (_, session) = call(&server, &other, "/api/session_info", &[]).await;
        assert_eq!(session["user"], Value::Null, "the other session ended");
    }
);

on_both_databases!(
    technician_and_tenant_user_endpoints_refuse_bad_input_with_typed_errors,
    |server: TestServer| async move {
        let client = msp_admin(&server, 5).await;
        let tenant = create(&server, &client, "Acme").await;
        let slug = tenant["slug"].as_str().expect("slug").to_owned();
        let tech = create_technician(&server, &client, "Tom", "tom@msp.example").await;
        let tenant_id = tenant["id"].as_str().expect("id").to_owned();
        // The first bit past the layout (bits 24 and 25 are Run and Reveal).
        let too_big = (1_i64 << 26).to_string();
        for (path, form, want, kind) in [
            // Permission bits that name no cell of the matrix.
            (
                "/api/technicians/assign",
                vec![
                    ("id", tech.as_str()),
                    ("tenants", tenant_id.as_str()),
                    ("permissions", "-1"),
                ],
                422,
                "invalid_input",
            ),
            (
                "/api/technicians/assign",
                vec![
                    ("id", tech.as_str()),
                    ("tenants", tenant_id.as_str()),
                    ("permissions", too_big.as_str()),
                ],
                422,
                "invalid_input",
            ),
            // Malformed or unknown ids are simply not found.
            (
                "/api/technicians/assign",
                vec![
                    ("id", tech.as_str()),
                    ("tenants", "not-an-id"),
                    ("permissions", "1"),
                ],
                404,
                "not_found",
            ),
            (
                "/api/technicians/detail",
                vec![("id", "../../etc")],
                404,
                "not_found",
            ),
            (
                "/api/technicians/assign",
                vec![("id", tech.as_str()), ("tenants", ""), ("permissions", "1")],
                422,
                "invalid_input",
            ),
            (
                "/api/t/users/delete",
                vec![("tenant", slug.as_str()), ("id", "x")],
                404,
                "not_found",
            ),
            (
                "/api/t/roles/update",
                vec![
                    ("tenant", slug.as_str()),
                    ("id", "msp_admin"),
                    ("name", "Root"),
                    ("permissions", "1"),
                ],
                404,
                "not_found",
            ),
            (
                "/api/t/users",
                vec![("tenant", "no-such-tenant")],
                404,
                "not_found",
            ),
            // A missing field is a bad request, not a server error.
            (
                "/api/t/roles/create",
                vec![("tenant", slug.as_str())],
                400,
                "bad_request",
            ),
        ] {
            let (status, body) = call(&server, &client, path, &form).await;
            assert_eq!(status.as_u16(), want, "{path} {form:?}: {body}");
            assert_eq!(body["kind"], kind, "{path}: {body}");
        }
        // Nothing was assigned by any of it.
        let (_, detail) = call(
            &server,
            &client,
            "/api/technicians/detail",
            &[("id", tech.as_str())],
        )
        .await;
        assert_eq!(detail["assignments"], json!([]));
        // The Users page of the tenant renders for the MSP Admin, with its built-in roles.
        let page = client
            .get(server.url(&format!("/t/{slug}/users")))
            .send()
            .await
            .expect("page");
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.expect("html");
        assert!(
            html.contains("Tenant Admin") && html.contains("Viewer"),
            "roles listed"
        );
        let tech_page = client
            .get(server.url(&format!("/technicians/{tech}")))
            .send()
            .await
            .expect("page");
        assert_eq!(tech_page.status(), StatusCode::OK);
        assert!(tech_page
            .text()
            .await
            .expect("html")
            .contains("No tenant yet"));
    }
);

// Regression: the default configuration trusted the development key (whose private half is in
// the repository). Without a configured key every license is refused, and the License page
// says why.
on_both_databases_with!(
    a_hub_without_a_license_key_refuses_activation_and_says_so,
    |c: &mut server::config::Config| c.keys.license_public_key = std::path::PathBuf::new(),
    |server: TestServer| async move {
        let client = admin(&server).await;
        let (_, overview) = call(&server, &client, "/api/license", &[]).await;
        assert_eq!(overview["verification"], "not_configured");
        let (status, body) = call(
            &server,
            &client,
            "/api/license/activate",
            &[("license_key", &valid_license(100_000))],
        )
        .await;
        assert_eq!(
            (status, body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"kind": "license_invalid", "problem": {"problem": "not_configured"}})
            )
        );
        let page = client
            .get(server.url("/license"))
            .send()
            .await
            .expect("page");
        let html = page.text().await.expect("html");
        assert!(html.contains("no license public key configured"), "{html}");
    }
);

/// Fires `requests` at once; returns each answer's status and body.
async fn all_at_once(
    server: &TestServer,
    client: &Client,
    path: &str,
    requests: Vec<Vec<(&str, String)>>,
) -> Vec<(StatusCode, Value)> {
    let calls = requests.into_iter().map(|form| async move {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        call(server, client, path, &form).await
    });
    futures_util::future::join_all(calls).await
}

/// Every answer is a success or the typed limit error: never a 500 or a lock error.
fn successes_or_limit(answers: &[(StatusCode, Value)], what: &str) -> usize {
    for (status, body) in answers {
        assert!(
            *status == StatusCode::OK
                || (*status == StatusCode::CONFLICT && body["kind"] == "limit_reached"),
            "{what}: {status} {body}"
        );
    }
    answers.iter().filter(|(s, _)| *s == StatusCode::OK).count()
}

// Regression: on SQLite, concurrent writes answered 500 "database is locked (517)": a deferred
// transaction that had read could not take the write lock once another writer committed.
on_both_databases!(
    fifty_concurrent_writes_of_each_kind_succeed_or_meet_the_limit,
    |server: TestServer| async move {
        let client = msp_admin(&server, 12).await;
        let (_, overview) = call(&server, &client, "/api/license", &[]).await;
        let free = overview["license"]["tenants"]["allowed"]
            .as_i64()
            .expect("allowed")
            - overview["license"]["tenants"]["used"]
                .as_i64()
                .expect("used");

        // Tenant creation against the license maximum.
        let answers = all_at_once(
            &server,
            &client,
            "/api/tenants/create",
            (0..50)
                .map(|i| vec![("name", format!("Concurrent {i:02}"))])
                .collect(),
        )
        .await;
        let created = successes_or_limit(&answers, "tenant creation");
        assert_eq!(created as i64, free, "the license maximum holds exactly");
        let tenants: Vec<(String, String)> = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::OK)
            .map(|(_, b)| {
                (
                    b["id"].as_str().expect("id").to_owned(),
                    b["slug"].as_str().expect("slug").to_owned(),
                )
            })
            .collect();

        // User creation across two tenants, each with a limit of 5 users.
        let mut viewer = Vec::new();
        for (id, slug) in &tenants[..2] {
            let (status, body) = call(
                &server,
                &client,
                "/api/tenants/update",
                &[
                    ("id", id),
                    ("name", slug),
                    ("max_automs", "10"),
                    ("max_users", "5"),
                    ("max_agents", "1"),
                ],
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            viewer.push(role_id(&server, &client, slug, "Viewer").await);
        }
        let answers = all_at_once(
            &server,
            &client,
            "/api/t/users/create",
            (0..50)
                .map(|i| {
                    let t = i % 2;
                    vec![
                        ("tenant", tenants[t].1.clone()),
                        ("display_name", format!("User {i}")),
                        ("email", format!("user{i}@concurrent.example")),
                        ("password", "a long enough password".to_owned()),
                        ("role_id", viewer[t].clone()),
                    ]
                })
                .collect(),
        )
        .await;
        assert_eq!(
            successes_or_limit(&answers, "user creation"),
            10,
            "5 per tenant"
        );
        for (_, slug) in &tenants[..2] {
            let (_, users) = call(&server, &client, "/api/t/users", &[("tenant", slug)]).await;
            assert_eq!(users["members"].as_array().expect("members").len(), 5);
            assert_eq!(users["used"], 5);
        }

        // Assignment changes: assign and unassign the same technician at once.
        let tech = create_technician(&server, &client, "Tess", "tess@msp.example").await;
        let ids: Vec<String> = tenants.iter().map(|(id, _)| id.clone()).collect();
        let calls = (0..50).map(|i| {
            let (tech, ids, client, server) = (&tech, &ids, &client, &server);
            async move {
                let tenants = ids[i % ids.len()..].join(",");
                if i % 3 == 2 {
                    call(
                        server,
                        client,
                        "/api/technicians/unassign",
                        &[("id", tech), ("tenants", &tenants)],
                    )
                    .await
                } else {
                    call(
                        server,
                        client,
                        "/api/technicians/assign",
                        &[("id", tech), ("tenants", &tenants), ("permissions", "1")],
                    )
                    .await
                }
            }
        });
        let answers = futures_util::future::join_all(calls).await;
        assert_eq!(successes_or_limit(&answers, "assignment"), 50);
    }
);

/// Refusals in the audit log.
async fn denied_count(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'")
        .fetch_one(&server.db.owner_pool().await)
        .await
        .expect("count")
}

/// The id of the role `name` in `tenant` (a slug).
async fn role_id(server: &TestServer, client: &Client, tenant: &str, name: &str) -> String {
    let (_, users) = call(server, client, "/api/t/users", &[("tenant", tenant)]).await;
    users["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["name"] == name)
        .and_then(|r| r["id"].as_str())
        .expect("role")
        .to_owned()
}

// Regression: another tenant's user or role ids, and garbage ids, inside a tenant the caller
// may enter were refused with 404 but not written to the audit log.
on_both_databases!(
    foreign_and_garbage_ids_inside_a_tenant_are_refused_and_audited,
    |server: TestServer| async move {
        let client = msp_admin(&server, 5).await;
        let a = create(&server, &client, "Tenant A").await["slug"]
            .as_str()
            .expect("slug")
            .to_owned();
        let b = create(&server, &client, "Tenant B").await["slug"]
            .as_str()
            .expect("slug")
            .to_owned();
        let a_viewer = role_id(&server, &client, &a, "Viewer").await;
        let b_viewer = role_id(&server, &client, &b, "Viewer").await;
        let (status, b_user) = call(
            &server,
            &client,
            "/api/t/users/create",
            &[
                ("tenant", &b),
                ("display_name", "Bea"),
                ("email", "bea@b.example"),
                ("password", "a long enough password"),
                ("role_id", &b_viewer),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b_user}");
        let b_user = b_user["id"].as_str().expect("id").to_owned();

        let mut attempts: Vec<(&str, Vec<(&str, &str)>)> = vec![
            (
                "/api/t/users/update",
                vec![
                    ("tenant", &a),
                    ("id", &b_user),
                    ("display_name", "X"),
                    ("role_id", &a_viewer),
                    ("active", "true"),
                ],
            ),
            (
                "/api/t/users/update",
                vec![
                    ("tenant", &a),
                    ("id", "garbage"),
                    ("display_name", "X"),
                    ("role_id", &a_viewer),
                    ("active", "true"),
                ],
            ),
            (
                "/api/t/users/reset_password",
                vec![
                    ("tenant", &a),
                    ("id", &b_user),
                    ("password", "another long password"),
                ],
            ),
            (
                "/api/t/users/delete",
                vec![("tenant", &a), ("id", "garbage")],
            ),
            (
                "/api/t/roles/update",
                vec![
                    ("tenant", &a),
                    ("id", &b_viewer),
                    ("name", "X"),
                    ("permissions", "1"),
                ],
            ),
            (
                "/api/t/roles/delete",
                vec![("tenant", &a), ("id", "garbage")],
            ),
            (
                "/api/t/users/create",
                vec![
                    ("tenant", &a),
                    ("display_name", "Y"),
                    ("email", "y@a.example"),
                    ("password", "a long enough password"),
                    ("role_id", &b_viewer),
                ],
            ),
        ];
        // System roles are no tenant's roles: naming one (or no id at all) as a user's role
        // is refused like a missing role.
        for system in ["msp_admin", "technician", "administrator", "garbage"] {
            attempts.push((
                "/api/t/users/create",
                vec![
                    ("tenant", &a),
                    ("display_name", "Y"),
                    ("email", "y@a.example"),
                    ("password", "a long enough password"),
                    ("role_id", system),
                ],
            ));
            attempts.push((
                "/api/t/roles/update",
                vec![
                    ("tenant", &a),
                    ("id", system),
                    ("name", "X"),
                    ("permissions", "1"),
                ],
            ));
        }
        for (path, form) in attempts {
            let before = denied_count(&server).await;
            let (status, body) = call(&server, &client, path, &form).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} {form:?}: {body}");
            assert_eq!(
                denied_count(&server).await,
                before + 1,
                "{path} {form:?}: the refusal is audited"
            );
        }
    }
);

// Regression (found in review): a malformed user or role id was refused as "not found" after
// checking only that the caller may enter the tenant, so a Viewer (no Users rights) got 404
// for a garbage id but 403 for a well-formed one. Authorization comes first, whatever is sent.
on_both_databases!(
    malformed_ids_meet_the_same_authorization_as_well_formed_ones,
    |server: TestServer| async move {
        let admin = msp_admin(&server, 5).await;
        let a = create(&server, &admin, "Tenant A").await["slug"]
            .as_str()
            .expect("slug")
            .to_owned();
        let viewer_role = role_id(&server, &admin, &a, "Viewer").await;
        let (status, body) = call(
            &server,
            &admin,
            "/api/t/users/create",
            &[
                ("tenant", &a),
                ("display_name", "Vic Viewer"),
                ("email", "vic@a.example"),
                ("password", "a long enough password"),
                ("role_id", &viewer_role),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let member = body["id"].as_str().expect("id").to_owned();
        let viewer = server.client();
        let signed_in = server
            .login(&viewer, "vic@a.example", "a long enough password")
            .await;
        assert_eq!(signed_in.status(), StatusCode::OK);

        let unknown = uuid::Uuid::new_v4().to_string();
        for id in ["garbage", unknown.as_str(), member.as_str()] {
            let attempts: Vec<(&str, Vec<(&str, &str)>)> = vec![
                (
                    "/api/t/users/create",
                    vec![
                        ("tenant", &a),
                        ("display_name", "Y"),
                        ("email", "y@a.example"),
                        ("password", "a long enough password"),
                        ("role_id", id),
                    ],
                ),
                (
                    "/api/t/users/update",
                    vec![
                        ("tenant", &a),
                        ("id", id),
                        ("display_name", "X"),
                        ("role_id", &viewer_role),
                        ("active", "true"),
                    ],
                ),
                (
                    "/api/t/users/reset_password",
                    vec![
                        ("tenant", &a),
                        ("id", id),
                        ("password", "another long password"),
                    ],
                ),
                ("/api/t/users/delete", vec![("tenant", &a), ("id", id)]),
                (
                    "/api/t/roles/update",
                    vec![
                        ("tenant", &a),
                        ("id", id),
                        ("name", "X"),
                        ("permissions", "1"),
                    ],
                ),
                ("/api/t/roles/delete", vec![("tenant", &a), ("id", id)]),
            ];
            for (path, form) in attempts {
                let before = denied_count(&server).await;
                let (status, body) = call(&server, &viewer, path, &form).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{path} {form:?}: {body}");
                assert_eq!(
                    denied_count(&server).await,
                    before + 1,
                    "{path} {form:?}: the refusal is audited"
                );
            }
        }
    }
);

// Regression (found by probing the hub): the product name went into every page's `<title>`
// unescaped (leptos_meta writes the server-rendered title as is), so an MSP Admin's brand
// name could inject markup into the login page of everyone.
on_both_databases!(
    names_in_the_page_title_are_text_not_markup,
    |server: TestServer| async move {
        let client = msp_admin(&server, 5).await;
        let injected = "</title><h1 id=injected>X</h1>";
        let (status, body) = call(
            &server,
            &client,
            "/api/brand/save",
            &[
                ("product_name", injected),
                ("primary_color", "#2f5bea"),
                ("accent_color", "#12b5a5"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let tenant = create(&server, &client, "<b>Bold</b> & Co").await;
        for (who, path) in [
            (server.client(), "/login".to_owned()),
            (
                client.clone(),
                format!("/tenants/{}", tenant["id"].as_str().expect("id")),
            ),
        ] {
            let html = who
                .get(server.url(&path))
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html");
            let title = html
                .split("<title>")
                .nth(1)
                .and_then(|rest| rest.split("</title>").next())
                .expect("a title");
            assert!(!html.contains("<h1 id=injected>"), "{path}: {title}");
            assert!(title.contains("&lt;/title&gt;"), "{path}: {title}");
            assert!(!title.contains('<'), "{path}: {title}");
        }
    }
);

// Regression (found by probing the hub): `/brand/theme.css?v=N` was cached for a year for any
// N, so a browser that once asked for a future version kept today's colors under it.
on_both_databases!(
    only_the_current_theme_is_cached_for_good,
    |server: TestServer| async move {
        server.set_up(&server.client()).await;
        let session = json(
            server
                .client()
                .post(server.url("/api/session_info"))
                .send()
                .await
                .expect("session"),
        )
        .await;
        let version = session["brand"]["version"].as_i64().expect("brand version");
        let cache = |v: i64| {
            let client = server.client();
            let url = server.url(&format!("/brand/theme.css?v={v}"));
            async move {
                let response = client.get(url).send().await.expect("theme");
                assert_eq!(response.status(), StatusCode::OK);
                response.headers()[header::CACHE_CONTROL]
                    .to_str()
                    .expect("header")
                    .to_owned()
            }
        };
        assert!(cache(version).await.contains("immutable"));
        assert_eq!(cache(version + 1).await, "no-cache");
    }
);
