//! `/api/v1` over real HTTP: tenant API keys as the MSP Admin creates and revokes them, the
//! one 401 for every kind of bad key, problem details, and the OpenAPI document as a
//! committed snapshot (`tests/snapshots/openapi.json`; `UPDATE_SNAPSHOTS=1` rewrites it).

mod common;

use common::*;
use hub_core::testing::valid_license;

const OPENAPI_SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

/// A licensed hub with one tenant; the MSP Admin's client and the tenant's slug.
async fn hub_with_tenant(server: &TestServer) -> (Client, String) {
    let admin = server.client();
    assert_eq!(server.set_up(&admin).await.status(), StatusCode::OK);
    let key = valid_license(10);
    let activated = server
        .post_form(&admin, "/api/license/activate", &[("license_key", &key)])
        .await;
    assert_eq!(activated.status(), StatusCode::OK);
    let tenant = json(
        server
            .post_form(&admin, "/api/tenants/create", &[("name", "Fabrikam")])
            .await,
    )
    .await;
    (admin, tenant["slug"].as_str().expect("slug").to_owned())
}

async fn create_key(
    server: &TestServer,
    admin: &Client,
    slug: &str,
    scopes: &str,
) -> serde_json::Value {
    let response = server
        .post_form(
            admin,
            "/api/t/api_keys/create",
            &[
                ("tenant", slug),
                ("name", "Runner one"),
                ("scopes", scopes),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "creating a key");
    json(response).await
}

async fn whoami(server: &TestServer, key: Option<&str>) -> reqwest::Response {
    let request = server.client().get(server.url("/api/v1/whoami"));
    let request = match key {
        Some(key) => request.header(header::AUTHORIZATION, format!("Bearer {key}")),
        None => request,
    };
    request.send().await.expect("whoami")
}

/// Status, content type, WWW-Authenticate and body of a response.
async fn parts(response: reqwest::Response) -> (u16, String, String, serde_json::Value) {
    let text = |name: header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let status = response.status().as_u16();
    let (content_type, challenge) = (text(header::CONTENT_TYPE), text(header::WWW_AUTHENTICATE));
    (
        status,
        content_type,
        challenge,
        response.json().await.expect("json"),
    )
}

on_both_databases!(
    a_key_answers_whoami_until_it_is_revoked_and_every_bad_key_gets_the_same_401,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let created = create_key(&server, &admin, &slug, "runs:write secrets:use").await;
        let secret = created["secret"].as_str().expect("secret").to_owned();
        assert!(
            secret.starts_with("msphub_") && secret.len() == 58,
            "{secret}"
        );
        let key_id = created["key"]["id"].as_str().expect("id").to_owned();

        // The list never carries the secret.
        let list = server
            .post_form(&admin, "/api/t/api_keys", &[("tenant", slug.as_str())])
            .await
            .text()
            .await
            .expect("list");
        assert!(
            list.contains("Runner one") && !list.contains(&secret[7..]),
            "{list}"
        );

        let me = whoami(&server, Some(&secret)).await;
        assert_eq!(me.status(), StatusCode::OK);
        let me = json(me).await;
        assert_eq!(me["tenant"]["slug"], slug.as_str());
        assert_eq!(
            me["scopes"],
            serde_json::json!(["runs:write", "secrets:use"])
        );
        assert!(me["expires_at"].as_i64().is_some());
        // Using the key is recorded (the list shows when it was last used).
        let listed = json(
            server
                .post_form(&admin, "/api/t/api_keys", &[("tenant", slug.as_str())])
                .await,
        )
        .await;
        assert!(listed["items"][0]["last_used_at"].as_i64().is_some());

        // A browser session does not authenticate the API; the key does not open server
        // functions or pages.
        let with_cookie = admin
            .get(server.url("/api/v1/whoami"))
            .send()
            .await
            .expect("cookie");
        assert_eq!(with_cookie.status(), StatusCode::UNAUTHORIZED);
        let key_on_server_fn = server
            .client()
            .post(server.url("/api/t/api_keys"))
            .bearer_auth(&secret)
            .form(&[("tenant", slug.as_str())])
            .send()
            .await
            .expect("server fn");
        assert_eq!(key_on_server_fn.status(), StatusCode::UNAUTHORIZED);

        // Missing, malformed, mistyped (checksum), unknown, revoked and expired: one answer.
        let mut typo = secret.clone().into_bytes();
        typo[20] = if typo[20] == b'a' { b'b' } else { b'a' };
        let typo = String::from_utf8(typo).expect("ascii");
        let expired = create_key(&server, &admin, &slug, "runs:write").await;
        let expired_secret = expired["secret"].as_str().expect("secret").to_owned();
        sqlx::query("UPDATE api_keys SET expires_at = 1 WHERE id = $1")
            .bind(expired["key"]["id"].as_str().expect("id"))
            .execute(&server.db.owner_pool().await)
            .await
            .expect("expire");
        let unknown = {
            // Well formed, checksum right, never issued: made by the same rules.
            let other = TestServer::start(Backend::Sqlite).await;
            let (other_admin, other_slug) = hub_with_tenant(&other).await;
            create_key(&other, &other_admin, &other_slug, "runs:write").await["secret"]
                .as_str()
                .expect("secret")
                .to_owned()
        };
        let revoked = server
            .post_form(
                &admin,
                "/api/t/api_keys/revoke",
                &[("tenant", slug.as_str()), ("id", key_id.as_str())],
            )
            .await;
        assert_eq!(revoked.status(), StatusCode::OK);
        assert_eq!(json(revoked).await["status"], "revoked");

        let reference = parts(whoami(&server, None).await).await;
        assert_eq!(reference.0, 401);
        assert_eq!(reference.1, "application/problem+json");
        assert_eq!(reference.2, "Bearer realm=\"msp-hub\"");
        assert_eq!(reference.3["type"], "urn:msp-hub:problem:unauthenticated");
        assert_eq!(reference.3["status"], 401);
        for bad in [
            "not-a-key".to_owned(),
            format!("{secret}x"),
            typo,
            unknown,
            secret.clone(),
            expired_secret,
        ] {
            assert_eq!(
                parts(whoami(&server, Some(&bad)).await).await,
                reference,
                "{bad}"
            );
        }

        // Presenting a known key that is turned away is audited under that key.
        let refused: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'api.authenticate' \
             AND outcome = 'denied' AND actor_api_key_id = $1",
        )
        .bind(&key_id)
        .fetch_one(&server.db.owner_pool().await)
        .await
        .expect("audit");
        assert_eq!(refused, 1, "the revoked key was tried once");

        // A wrong method and an oversized body are problems too.
        let wrong_method = server
            .client()
            .post(server.url("/api/v1/whoami"))
            .send()
            .await
            .expect("post");
        let (status, content_type, _, body) = parts(wrong_method).await;
        assert_eq!(
            (status, content_type.as_str()),
            (405, "application/problem+json")
        );
        assert_eq!(body["type"], "urn:msp-hub:problem:method_not_allowed");
        let oversized = server
            .client()
            .post(server.url("/api/v1/whoami"))
            .body(vec![b'x'; 128 * 1024])
            .send()
            .await
            .expect("big");
        let (status, content_type, _, _) = parts(oversized).await;
        assert_eq!(
            (status, content_type.as_str()),
            (413, "application/problem+json")
        );

        // Unknown API paths are problems too.
        let missing = server
            .client()
            .get(server.url("/api/v1/no-such-thing"))
            .send()
            .await
            .expect("missing");
        let (status, content_type, _, body) = parts(missing).await;
        assert_eq!(
            (status, content_type.as_str()),
            (404, "application/problem+json")
        );
        assert_eq!(body["type"], "urn:msp-hub:problem:not_found");
    }
);

on_both_databases!(
    bad_key_input_is_refused_with_the_field_and_nothing_is_written,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        for (name, scopes, days, field) in [
            ("", "runs:write", "30", "name"),
            ("Runner", "", "30", "scopes"),
            ("Runner", "runs:write admin", "30", "scopes"),
            ("Runner", "runs:write", "0", "expires_in_days"),
            ("Runner", "runs:write", "soon", "expires_in_days"),
            (&"x".repeat(81), "runs:write", "30", "name"),
        ] {
            let response = server
                .post_form(
                    &admin,
                    "/api/t/api_keys/create",
                    &[
                        ("tenant", slug.as_str()),
                        ("name", name),
                        ("scopes", scopes),
                        ("expires_in_days", days),
                    ],
                )
                .await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}"
            );
            assert_eq!(json(response).await["field"], field);
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_keys")
            .fetch_one(&server.db.owner_pool().await)
            .await
            .expect("count");
        assert_eq!(count, 0);
    }
);

on_both_databases!(
    a_key_of_a_deactivated_tenant_is_refused_and_the_refusal_names_the_key,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let created = create_key(&server, &admin, &slug, "runs:write").await;
        let secret = created["secret"].as_str().expect("secret");
        let tenant_id = created["key"]["tenant_id"].as_str().expect("tenant");
        let off = server
            .post_form(
                &admin,
                "/api/tenants/set_active",
                &[("id", tenant_id), ("active", "false")],
            )
            .await;
        assert_eq!(off.status(), StatusCode::OK);
        let (status, content_type, _, body) = parts(whoami(&server, Some(secret)).await).await;
        assert_eq!(
            (status, content_type.as_str()),
            (403, "application/problem+json")
        );
        assert_eq!(body["type"], "urn:msp-hub:problem:tenant_deactivated");
        let audited: (Option<String>, Option<String>, String) = sqlx::query_as(
            "SELECT actor_user_id, actor_api_key_id, acting_as FROM audit_events \
             WHERE action = 'api.whoami' AND outcome = 'denied'",
        )
        .fetch_one(&server.db.owner_pool().await)
        .await
        .expect("audited refusal");
        assert_eq!(
            audited,
            (
                None,
                created["key"]["id"].as_str().map(str::to_owned),
                "api_key".to_owned()
            )
        );
    }
);

/// The document the server serves is the committed one, and names every `/api/v1` route.
#[tokio::test]
async fn the_openapi_document_matches_the_snapshot_and_covers_every_route() {
    let server = TestServer::start(Backend::Sqlite).await;
    let response = server
        .client()
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("openapi");
    assert_eq!(response.status(), StatusCode::OK);
    let document = json(response).await;
    assert_eq!(document["openapi"], "3.1.0");
    let served = serde_json::to_string_pretty(&document).expect("pretty") + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(OPENAPI_SNAPSHOT, &served).expect("write snapshot");
    }
    let committed = std::fs::read_to_string(OPENAPI_SNAPSHOT).unwrap_or_default();
    assert_eq!(
        served, committed,
        "the OpenAPI document changed; if intended, run with UPDATE_SNAPSHOTS=1 and review the diff"
    );
    // Every documented operation is served. (The other way round, every `/api/v1` route the
    // authorization matrix calls must be documented: checked there.)
    let documented: Vec<(String, String)> = server::rest::api_endpoints();
    for (method, path) in &documented {
        let url = server.url(path);
        let request = match method.as_str() {
            "GET" => server.client().get(url),
            _ => server.client().post(url),
        };
        let status = request.send().await.expect("route").status();
        assert_ne!(
            status,
            StatusCode::NOT_FOUND,
            "{method} {path} is documented but not served"
        );
    }
}

/// POSTs `body` (JSON, when given) to `path` with `key` as the bearer.
async fn call(
    server: &TestServer,
    key: &str,
    path: &str,
    body: Option<&str>,
) -> (u16, String, String, serde_json::Value) {
    let request = server
        .client()
        .post(server.url(path))
        .header(header::AUTHORIZATION, format!("Bearer {key}"));
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.to_owned()),
        None => request,
    };
    let response = request.send().await.expect("request");
    if response.status() == StatusCode::NO_CONTENT {
        return (204, String::new(), String::new(), serde_json::Value::Null);
    }
    parts(response).await
}

on_both_databases!(
    a_runner_claims_logs_and_completes_over_http_and_bad_calls_change_nothing,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let key = create_key(&server, &admin, &slug, "runs:write").await["secret"]
            .as_str()
            .expect("secret")
            .to_owned();
        let autom = create_autom(
            &server,
            &admin,
            &slug,
            "Ping",
            "manual",
            r#"{"steps":[{"kind":"log","message":"hi {{input.who}}"}]}"#,
        )
        .await;
        let autom_id = autom["id"].as_str().expect("autom id").to_owned();

        // An unreadable wait is a problem like every error here.
        let (status, content_type, _, problem) =
            call(&server, &key, "/api/v1/runs/claim?wait=abc", None).await;
        assert_eq!(
            (status, content_type.as_str(), problem["field"].as_str()),
            (422, "application/problem+json", Some("wait"))
        );
        // Nothing queued: an immediate 204, and a bounded wait that also ends in 204.
        let (status, ..) = call(&server, &key, "/api/v1/runs/claim", None).await;
        assert_eq!(status, 204);
        let started = std::time::Instant::now();
        let (status, ..) = call(&server, &key, "/api/v1/runs/claim?wait=1", None).await;
        assert_eq!(status, 204);
        assert!(started.elapsed() >= std::time::Duration::from_millis(700));

        let queued = server
            .post_form(
                &admin,
                "/api/t/automs/run",
                &[
                    ("tenant", slug.as_str()),
                    ("id", autom_id.as_str()),
                    ("input", r#"{"who":"Ada"}"#),
                ],
            )
            .await;
        assert_eq!(queued.status(), StatusCode::OK);
        let (status, _, _, claim) = call(&server, &key, "/api/v1/runs/claim", None).await;
        assert_eq!(status, 200, "{claim}");
        assert_eq!(claim["attempt"], 1);
        assert_eq!(claim["input"]["who"], "Ada");
        assert_eq!(claim["definition"]["steps"][0]["kind"], "log");
        let run = claim["run_id"].as_str().expect("run id").to_owned();

        // Bad calls: a malformed id, an unreadable body, an unknown status; each a problem.
        let (status, content_type, _, problem) =
            call(&server, &key, "/api/v1/runs/not-a-run/heartbeat", None).await;
        assert_eq!(
            (status, content_type.as_str()),
            (404, "application/problem+json")
        );
        assert_eq!(problem["type"], "urn:msp-hub:problem:not_found");
        let (status, _, _, problem) = call(
            &server,
            &key,
            &format!("/api/v1/runs/{run}/log"),
            Some("{\"lines\": 3}"),
        )
        .await;
        assert_eq!(status, 400, "{problem}");
        let (status, _, _, problem) = call(
            &server,
            &key,
            &format!("/api/v1/runs/{run}/complete"),
            Some(r#"{"status":"exploded"}"#),
        )
        .await;
        assert_eq!((status, problem["field"].as_str()), (422, Some("status")));

        let (status, _, _, kept) = call(
            &server,
            &key,
            &format!("/api/v1/runs/{run}/log"),
            Some(r#"{"lines":["step 1 (log): hi Ada"]}"#),
        )
        .await;
        assert_eq!((status, kept["kept"].as_u64()), (200, Some(1)));
        let (status, _, _, done) = call(
            &server,
            &key,
            &format!("/api/v1/runs/{run}/complete"),
            Some(r#"{"status":"failed","error":"the backup host did not answer"}"#),
        )
        .await;
        assert_eq!(status, 200, "{done}");
        assert_eq!(done["status"], "failed");

        // A replayed completion is a 409 problem and changes nothing.
        let (status, _, _, problem) = call(
            &server,
            &key,
            &format!("/api/v1/runs/{run}/complete"),
            Some(r#"{"status":"succeeded"}"#),
        )
        .await;
        assert_eq!(status, 409, "{problem}");
        assert_eq!(problem["type"], "urn:msp-hub:problem:conflict");
        let detail = json(
            server
                .post_form(
                    &admin,
                    "/api/t/runs/get",
                    &[("tenant", slug.as_str()), ("id", run.as_str())],
                )
                .await,
        )
        .await;
        assert_eq!(detail["summary"]["status"], "failed");
        assert_eq!(detail["summary"]["error"], "the backup host did not answer");
        assert_eq!(detail["log"][0]["line"], "step 1 (log): hi Ada");

        // The published definition schema is JSON Schema.
        let schema = server
            .client()
            .get(server.url("/api/v1/schemas/autom-definition.json"))
            .send()
            .await
            .expect("schema");
        assert_eq!(schema.status(), StatusCode::OK);
        let schema: serde_json::Value = schema.json().await.expect("schema json");
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }
);

on_both_databases!(
    a_key_revoked_mid_run_loses_the_run_on_its_next_call,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let created = create_key(&server, &admin, &slug, "runs:write").await;
        let key = created["secret"].as_str().expect("secret").to_owned();
        let key_id = created["key"]["id"].as_str().expect("key id").to_owned();
        let autom = create_autom(
            &server,
            &admin,
            &slug,
            "Ping",
            "manual",
            r#"{"steps":[{"kind":"log","message":"hi"}]}"#,
        )
        .await;
        let queued = server
            .post_form(
                &admin,
                "/api/t/automs/run",
                &[
                    ("tenant", slug.as_str()),
                    ("id", autom["id"].as_str().expect("id")),
                    ("input", ""),
                ],
            )
            .await;
        assert_eq!(queued.status(), StatusCode::OK);
        let (status, _, _, claim) = call(&server, &key, "/api/v1/runs/claim", None).await;
        assert_eq!(status, 200);
        let run = claim["run_id"].as_str().expect("run").to_owned();
        let revoked = server
            .post_form(
                &admin,
                "/api/t/api_keys/revoke",
                &[("tenant", slug.as_str()), ("id", key_id.as_str())],
            )
            .await;
        assert_eq!(revoked.status(), StatusCode::OK);
        let (status, _, challenge, _) = call(
            &server,
            &key,
            &format!("/api/v1/runs/{run}/complete"),
            Some(r#"{"status":"succeeded"}"#),
        )
        .await;
        assert_eq!(
            (status, challenge.as_str()),
            (401, "Bearer realm=\"msp-hub\"")
        );
        let detail = json(
            server
                .post_form(
                    &admin,
                    "/api/t/runs/get",
                    &[("tenant", slug.as_str()), ("id", run.as_str())],
                )
                .await,
        )
        .await;
        assert_eq!(
            detail["summary"]["status"], "running",
            "the revoked key completed nothing"
        );
    }
);

on_both_databases!(
    a_webhook_queues_a_run_with_its_body_and_refuses_what_it_cannot_take,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let autom = create_autom(
            &server,
            &admin,
            &slug,
            "Ticket intake",
            "webhook",
            r#"{"steps":[{"kind":"log","message":"{{input.ticket}}"}]}"#,
        )
        .await;
        let id = autom["id"].as_str().expect("id").to_owned();
        let address = json(
            server
                .post_form(
                    &admin,
                    "/api/t/automs/webhook",
                    &[
                        ("tenant", slug.as_str()),
                        ("id", id.as_str()),
                        ("rotate", "false"),
                    ],
                )
                .await,
        )
        .await;
        let address = address.as_str().expect("address").to_owned();
        let hook = |path: String, body: Vec<u8>| {
            let request = server.client().post(server.url(&path)).body(body);
            async move {
                let response = request.send().await.expect("webhook");
                let status = response.status().as_u16();
                (
                    status,
                    response
                        .json::<serde_json::Value>()
                        .await
                        .unwrap_or_default(),
                )
            }
        };
        let runs = || async {
            json(
                server
                    .post_form(
                        &admin,
                        "/api/t/runs",
                        &[
                            ("tenant", slug.as_str()),
                            ("autom", ""),
                            ("status", ""),
                            ("trigger", ""),
                            ("range", ""),
                            ("page", "1"),
                            ("per_page", "25"),
                        ],
                    )
                    .await,
            )
            .await["total"]
                .as_i64()
                .expect("total")
        };

        let (status, queued) = hook(address.clone(), br#"{"ticket":"T-1042"}"#.to_vec()).await;
        assert_eq!(
            (status, queued["status"].as_str()),
            (202, Some("queued")),
            "{queued}"
        );
        let run = queued["run_id"].as_str().expect("run id").to_owned();
        let detail = json(
            server
                .post_form(
                    &admin,
                    "/api/t/runs/get",
                    &[("tenant", slug.as_str()), ("id", run.as_str())],
                )
                .await,
        )
        .await;
        assert_eq!(detail["summary"]["trigger"], "webhook");
        assert!(detail["input"].as_str().expect("input").contains("T-1042"));

        // Refusals, each a problem that queues nothing.
        let wrong = format!("/hooks/automs/{}", "A".repeat(32));
        assert_eq!(hook(wrong, b"{}".to_vec()).await.0, 404);
        assert_eq!(
            hook("/hooks/automs/short".to_owned(), b"{}".to_vec())
                .await
                .0,
            404
        );
        let (status, problem) = hook(address.clone(), b"[1,2]".to_vec()).await;
        assert_eq!((status, problem["field"].as_str()), (422, Some("input")));
        let big = format!("{{\"x\":\"{}\"}}", "y".repeat(70 * 1024));
        let (status, problem) = hook(address.clone(), big.into_bytes()).await;
        assert_eq!(
            (status, problem["detail"].as_str()),
            (
                413,
                Some("The request is too large (the limit is 65536 bytes).")
            ),
            "{problem}"
        );
        // Other systems call webhooks: a foreign Origin is no reason to refuse (the address is
        // the credential, no cookie is read).
        let from_elsewhere = server
            .client()
            .post(server.url(&address))
            .header("origin", "https://helpdesk.example")
            .header("sec-fetch-site", "cross-site")
            .body(r#"{"ticket":"T-2"}"#)
            .send()
            .await
            .expect("webhook");
        assert_eq!(from_elsewhere.status(), StatusCode::ACCEPTED);
        assert_eq!(runs().await, 2);

        // Replacing the address ends the old one at once; a disabled Autom queues nothing.
        let rotated = json(
            server
                .post_form(
                    &admin,
                    "/api/t/automs/webhook",
                    &[
                        ("tenant", slug.as_str()),
                        ("id", id.as_str()),
                        ("rotate", "true"),
                    ],
                )
                .await,
        )
        .await;
        let rotated = rotated.as_str().expect("address").to_owned();
        assert_eq!(hook(address.clone(), b"{}".to_vec()).await.0, 404);
        let off = server
            .post_form(
                &admin,
                "/api/t/automs/set_enabled",
                &[
                    ("tenant", slug.as_str()),
                    ("id", id.as_str()),
                    ("enabled", "false"),
                ],
            )
            .await;
        assert_eq!(off.status(), StatusCode::OK);
        assert_eq!(hook(rotated, Vec::new()).await.0, 409);
        assert_eq!(runs().await, 2);
    }
);

on_both_databases!(
    a_reported_run_is_recorded_once_however_often_it_is_retried,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let key = create_key(&server, &admin, &slug, "runs:write").await["secret"]
            .as_str()
            .expect("secret")
            .to_owned();
        let mut ids = Vec::new();
        for name in ["Patch Tuesday", "Inventory"] {
            let autom = create_autom(
                &server,
                &admin,
                &slug,
                name,
                "manual",
                r#"{"steps":[{"kind":"log","message":"hi"}]}"#,
            )
            .await;
            ids.push(autom["id"].as_str().expect("id").to_owned());
        }
        let now = hub_core::clock::now_ms();
        let report = |autom: &str, status: &str| {
            serde_json::json!({
                "autom_id": autom, "idempotency_key": "office-runner:2026-11-28:17", "status": status,
                "started_at": now - 5_000, "finished_at": now - 1_000,
                "error": "two updates failed", "log": ["installed 14 updates", "2 failed"]
            })
            .to_string()
        };
        // Five retries at once of one report: one run.
        let body = report(&ids[0], "failed");
        let sends = (0..5).map(|_| call(&server, &key, "/api/v1/runs/report", Some(&body)));
        let answers = futures_util::future::join_all(sends).await;
        let created = answers.iter().filter(|a| a.0 == 201).count();
        let replays = answers.iter().filter(|a| a.0 == 200).count();
        assert_eq!((created, replays), (1, 4), "{answers:?}");
        let run = answers[0].3["run_id"].as_str().expect("run").to_owned();
        assert!(answers.iter().all(|a| a.3["run_id"] == run.as_str()));
        let detail = json(
            server
                .post_form(
                    &admin,
                    "/api/t/runs/get",
                    &[("tenant", slug.as_str()), ("id", run.as_str())],
                )
                .await,
        )
        .await;
        assert_eq!(detail["summary"]["trigger"], "reported");
        assert_eq!(detail["summary"]["status"], "failed");
        assert_eq!(detail["summary"]["duration_ms"], 4000);
        assert_eq!(detail["log"].as_array().expect("log").len(), 2);

        // The same key for another Autom, bad times, an unknown Autom: refused, nothing recorded.
        let (status, ..) = call(
            &server,
            &key,
            "/api/v1/runs/report",
            Some(&report(&ids[1], "succeeded")),
        )
        .await;
        assert_eq!(status, 409);
        let mut backwards: serde_json::Value =
            serde_json::from_str(&report(&ids[1], "succeeded")).expect("json");
        backwards["idempotency_key"] = "another".into();
        backwards["finished_at"] = (now - 9_000).into();
        let (status, _, _, problem) = call(
            &server,
            &key,
            "/api/v1/runs/report",
            Some(&backwards.to_string()),
        )
        .await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (422, Some("finished_at"))
        );
        let (status, ..) = call(
            &server,
            &key,
            "/api/v1/runs/report",
            Some(&report("not-an-id", "failed")),
        )
        .await;
        assert_eq!(status, 404);
        let total = json(
            server
                .post_form(
                    &admin,
                    "/api/t/runs",
                    &[
                        ("tenant", slug.as_str()),
                        ("autom", ""),
                        ("status", ""),
                        ("trigger", ""),
                        ("range", ""),
                        ("page", "1"),
                        ("per_page", "25"),
                    ],
                )
                .await,
        )
        .await["total"]
            .as_i64();
        assert_eq!(total, Some(1));
    }
);

// With the default 2 MiB body limit (the tests' own is 64 KB): the old messages echoed the
// whole value and passed the 64 KB cap on error bodies, which answered an empty 500.
on_both_databases_with!(
    an_overlong_cron_or_time_zone_is_a_clear_422_not_an_empty_500,
    |config: &mut server::config::Config| config.server.body_limit_bytes = 2 * 1024 * 1024,
    |server: TestServer| async move {
        let (admin, _) = hub_with_tenant(&server).await;
        for (cron, zone, field) in [
            ("1,".repeat(40_000) + "1 * * * *", "UTC".to_owned(), "cron"),
            ("0 3 * * *".to_owned(), "A".repeat(65_400), "timezone"),
        ] {
            let response = server
                .post_form(
                    &admin,
                    "/api/automs/schedule_preview",
                    &[("cron", cron.as_str()), ("timezone", zone.as_str())],
                )
                .await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let body = json(response).await;
            assert_eq!(body["field"], field, "{body}");
            assert!(
                body["message"].as_str().expect("message").len() < 300,
                "{body}"
            );
        }
    }
);

// A runner's long-poll does not hold a graceful stop back for its whole wait (the server's
// SIGTERM test found a stop taking over 15 s while the demo runners were polling).
on_both_databases!(
    a_waiting_claim_ends_at_once_when_the_server_begins_to_stop,
    |server: TestServer| async move {
        let mut server = server;
        let (admin, slug) = hub_with_tenant(&server).await;
        let key = create_key(&server, &admin, &slug, "runs:write").await["secret"]
            .as_str()
            .expect("secret")
            .to_owned();
        let request = server
            .client()
            .post(server.url("/api/v1/runs/claim?wait=30"))
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .send();
        let waiting = tokio::spawn(request);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let stopping = std::time::Instant::now();
        server.begin_stop();
        let answer = tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("the claim ended within 5 s of the stop")
            .expect("join")
            .expect("response");
        assert_eq!(answer.status(), StatusCode::NO_CONTENT);
        assert!(stopping.elapsed() < std::time::Duration::from_secs(2));
    }
);

on_both_databases!(
    monitoring_tools_raise_alerts_over_http_and_bad_alerts_change_nothing,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let key = create_key(&server, &admin, &slug, "alerts:write").await;
        let key = key["secret"].as_str().expect("secret").to_owned();
        let runner = create_key(&server, &admin, &slug, "runs:write").await;
        let runner = runner["secret"].as_str().expect("secret").to_owned();
        let body = r#"{"severity":"critical","title":"Backup failed","details":"job 17","source":"veeam","dedup_key":"backup-17"}"#;

        let (status, content_type, _, first) =
            call(&server, &key, "/api/v1/alerts", Some(body)).await;
        assert_eq!(
            (status, content_type.as_str()),
            (201, "application/json"),
            "{first}"
        );
        assert_eq!(
            (&first["status"], &first["count"], &first["source"]),
            (
                &serde_json::json!("open"),
                &serde_json::json!(1),
                &serde_json::json!("veeam")
            )
        );
        let (status, _, _, again) = call(&server, &key, "/api/v1/alerts", Some(body)).await;
        assert_eq!(status, 200, "a repeat counts on the open alert");
        assert_eq!(
            (&again["id"], &again["count"]),
            (&first["id"], &serde_json::json!(2))
        );

        // Refused without the scope, with bad fields, or a body that is not the JSON described:
        // problem details that name what is wrong, and nothing is written.
        let (status, content_type, _, problem) =
            call(&server, &runner, "/api/v1/alerts", Some(body)).await;
        assert_eq!(
            (status, content_type.as_str()),
            (403, "application/problem+json"),
            "{problem}"
        );
        for (bad, code, field) in [
            (r#"{"severity":"panic","title":"x"}"#, 422, Some("severity")),
            (r#"{"severity":"info","title":""}"#, 422, Some("title")),
            (
                r#"{"severity":"info","title":"x","source":"a\u0000b"}"#,
                422,
                Some("source"),
            ),
            (r#"{"severity":"info"}"#, 400, None),
            (r#"{"severity":"info","title":"x""#, 400, None),
        ] {
            let (status, content_type, _, problem) =
                call(&server, &key, "/api/v1/alerts", Some(bad)).await;
            assert_eq!(
                (status, content_type.as_str()),
                (code, "application/problem+json"),
                "{bad}: {problem}"
            );
            if let Some(field) = field {
                assert_eq!(problem["field"], field, "{bad}: {problem}");
            }
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alerts")
            .fetch_one(&server.db.owner_pool().await)
            .await
            .expect("count");
        assert_eq!(count, 1);

        // The alert is on the tenant's page, for the MSP Admin to acknowledge.
        let page = json(
            server
                .post_form(
                    &admin,
                    "/api/t/alerts",
                    &[
                        ("tenant", slug.as_str()),
                        ("search", "backup"),
                        ("severity", "critical"),
                        ("status", ""),
                        ("source", "api"),
                        ("assignee", ""),
                        ("page", "1"),
                        ("per_page", "25"),
                    ],
                )
                .await,
        )
        .await;
        assert_eq!(page["total"], 1, "{page}");
        assert_eq!(page["open"], 1, "{page}");
        let id = first["id"].as_str().expect("id");
        for (ids, change, assignee, code) in [
            (id.to_owned(), "acknowledge", "", 200),
            (format!("{id},not-an-id"), "resolve", "", 404),
            (id.to_owned(), "explode", "", 422),
            (id.to_owned(), "assign", "not-a-person", 404),
            (id.to_owned(), "resolve", "", 200),
        ] {
            let response = server
                .post_form(
                    &admin,
                    "/api/t/alerts/change",
                    &[
                        ("tenant", slug.as_str()),
                        ("ids", ids.as_str()),
                        ("change", change),
                        ("assignee", assignee),
                    ],
                )
                .await;
            assert_eq!(response.status().as_u16(), code, "{change} {ids}");
        }
        let status: String = sqlx::query_scalar("SELECT status FROM alerts")
            .fetch_one(&server.db.owner_pool().await)
            .await
            .expect("status");
        assert_eq!(status, "resolved");
        // Resolved: the same key again opens a new alert.
        let (status, _, _, fresh) = call(&server, &key, "/api/v1/alerts", Some(body)).await;
        assert_eq!(status, 201);
        assert_ne!(fresh["id"], first["id"]);
    }
);

on_both_databases!(
    run_history_filters_by_trigger_status_and_time_range,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let key = create_key(&server, &admin, &slug, "runs:write").await["secret"]
            .as_str()
            .expect("secret")
            .to_owned();
        let autom = create_autom(
            &server,
            &admin,
            &slug,
            "Ping",
            "manual",
            r#"{"steps":[{"kind":"log","message":"hi"}]}"#,
        )
        .await;
        let autom = autom["id"].as_str().expect("autom id").to_owned();
        for _ in 0..2 {
            let queued = server
                .post_form(
                    &admin,
                    "/api/t/automs/run",
                    &[
                        ("tenant", slug.as_str()),
                        ("id", autom.as_str()),
                        ("input", ""),
                    ],
                )
                .await;
            assert_eq!(queued.status(), StatusCode::OK);
        }
        // A run a runner reports from 40 days ago, failed.
        let day = 86_400_000_i64;
        let long_ago = hub_core::clock::now_ms() - 40 * day;
        let report = serde_json::json!({
            "autom_id": autom,
            "idempotency_key": "old-1",
            "status": "failed",
            "started_at": long_ago,
            "finished_at": long_ago + 1_000,
            "error": "exit 3",
        })
        .to_string();
        let (status, ..) = call(&server, &key, "/api/v1/runs/report", Some(&report)).await;
        assert_eq!(status, 201);

        let list = |autom: &str, status: &str, trigger: &str, range: &str| {
            let (server, admin, slug) = (&server, &admin, slug.clone());
            let (autom, status, trigger, range) = (
                autom.to_owned(),
                status.to_owned(),
                trigger.to_owned(),
                range.to_owned(),
            );
            async move {
                let response = server
                    .post_form(
                        admin,
                        "/api/t/runs",
                        &[
                            ("tenant", slug.as_str()),
                            ("autom", autom.as_str()),
                            ("status", status.as_str()),
                            ("trigger", trigger.as_str()),
                            ("range", range.as_str()),
                            ("page", "1"),
                            ("per_page", "25"),
                        ],
                    )
                    .await;
                assert_eq!(response.status(), StatusCode::OK);
                json(response).await["total"].as_i64().expect("total")
            }
        };
        assert_eq!(list("", "", "", "").await, 3);
        assert_eq!(list(&autom, "", "", "").await, 3);
        assert_eq!(list("", "", "manual", "").await, 2);
        assert_eq!(list("", "", "reported", "").await, 1);
        assert_eq!(list("", "failed", "", "").await, 1);
        assert_eq!(list("", "queued", "manual", "24h").await, 2);
        assert_eq!(
            list("", "", "", "30d").await,
            2,
            "the reported run is 40 days old"
        );
        assert_eq!(list("", "failed", "", "7d").await, 0);
    }
);

on_both_databases!(
    bad_vault_input_over_http_is_refused_by_name_and_writes_nothing,
    |server: TestServer| async move {
        let (admin, slug) = hub_with_tenant(&server).await;
        let form = |name: &'static str, kind: &'static str, secret: &'static str| {
            vec![
                ("tenant", slug.clone()),
                ("name", name.to_owned()),
                ("kind", kind.to_owned()),
                ("username", String::new()),
                ("url", String::new()),
                ("notes", String::new()),
                ("tags", String::new()),
                ("secret", secret.to_owned()),
            ]
        };
        for (fields, field) in [
            (form("Router", "spaceship", "pw"), "kind"),
            (form("Router", "password", ""), "secret"),
            (form("a.b", "password", "pw"), "name"),
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = server
                .post_form(&admin, "/api/t/vault/create", &fields)
                .await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}"
            );
            assert_eq!(json(response).await["field"], field);
        }
        for path in ["/api/t/vault/reveal", "/api/t/vault/delete"] {
            let response = server
                .post_form(
                    &admin,
                    path,
                    &[("tenant", slug.as_str()), ("id", "not-an-id")],
                )
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let response = server
            .post_form(&admin, "/api/vault/governance", &[("stale_days", "0")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM vault_items")
            .fetch_one(&server.db.owner_pool().await)
            .await
            .expect("count");
        assert_eq!(count, 0);
    }
);
