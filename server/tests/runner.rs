//! The reference runner against a real hub: it claims, executes and reports runs; `http`
//! steps reach the hub's own `/healthz` only when private networks are allowed.

mod common;

use common::*;
use hub_core::testing::valid_license;
use server::runner::{Runner, RunnerConfig, Turn};

async fn autom(
    server: &TestServer,
    admin: &Client,
    slug: &str,
    name: &str,
    definition: &str,
) -> String {
    let created = create_autom(server, admin, slug, name, "manual", definition).await;
    created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned()
}

/// A licensed hub with tenant Fabrikam and a runner key of it: the MSP Admin, the slug, the key.
async fn licensed_tenant_with_runner_key(server: &TestServer) -> (Client, String, String) {
    let admin = server.client();
    assert_eq!(server.set_up(&admin).await.status(), StatusCode::OK);
    let activated = server
        .post_form(
            &admin,
            "/api/license/activate",
            &[("license_key", &valid_license(5))],
        )
        .await;
    assert_eq!(activated.status(), StatusCode::OK);
    let tenant = json(
        server
            .post_form(&admin, "/api/tenants/create", &[("name", "Fabrikam")])
            .await,
    )
    .await;
    let slug = tenant["slug"].as_str().expect("slug").to_owned();
    let key = json(
        server
            .post_form(
                &admin,
                "/api/t/api_keys/create",
                &[
                    ("tenant", slug.as_str()),
                    ("name", "Runner"),
                    ("scopes", "runs:write"),
                    ("expires_in_days", ""),
                ],
            )
            .await,
    )
    .await["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    (admin, slug, key)
}

async fn run_now(server: &TestServer, admin: &Client, slug: &str, id: &str, input: &str) {
    let queued = server
        .post_form(
            admin,
            "/api/t/automs/run",
            &[("tenant", slug), ("id", id), ("input", input)],
        )
        .await;
    assert_eq!(queued.status(), StatusCode::OK);
}

async fn run_detail(
    server: &TestServer,
    admin: &Client,
    slug: &str,
    run: &str,
) -> serde_json::Value {
    json(
        server
            .post_form(admin, "/api/t/runs/get", &[("tenant", slug), ("id", run)])
            .await,
    )
    .await
}

on_both_databases!(
    the_reference_runner_runs_steps_and_keeps_automs_out_of_private_networks,
    |server: TestServer| async move {
        let (admin, slug, key) = licensed_tenant_with_runner_key(&server).await;
        let health = format!(
            r#"{{"steps":[{{"kind":"log","message":"checking {{{{input.who}}}}"}},{{"kind":"http","url":"{}","expect_status":200,"timeout_secs":5}}]}}"#,
            server.url("/healthz")
        );
        let ping = autom(&server, &admin, &slug, "Ping the hub", &health).await;
        let failing = autom(
            &server,
            &admin,
            &slug,
            "Always fails",
            r#"{"steps":[{"kind":"wait","seconds":1},{"kind":"fail","message":"disk {{input.disk}} is full"}]}"#,
        )
        .await;
        let config = |allow| RunnerConfig {
            url: server.url(""),
            key: key.clone(),
            allow_private_networks: allow,
        };
        let allowed = Runner::new(config(true)).expect("runner");
        let strict = Runner::new(config(false)).expect("runner");

        assert_eq!(allowed.turn(0).await.expect("idle"), Turn::Idle);

        run_now(&server, &admin, &slug, &ping, r#"{"who":"Ada"}"#).await;
        let Turn::Ran { run, status } = allowed.turn(0).await.expect("turn") else {
            panic!("a run was queued");
        };
        assert_eq!(status, "succeeded");
        let detail = run_detail(&server, &admin, &slug, &run).await;
        assert_eq!(detail["summary"]["status"], "succeeded", "{detail}");
        let log: Vec<&str> = detail["log"]
            .as_array()
            .expect("log")
            .iter()
            .filter_map(|l| l["line"].as_str())
            .collect();
        assert_eq!(log[0], "step 1 (log): checking Ada");
        assert!(
            log[1].starts_with("step 2 (http): GET http://127.0.0.1:") && log[1].contains("→ 200"),
            "{log:?}"
        );

        // The same Autom, from a runner that keeps to public networks: refused, and said why.
        run_now(&server, &admin, &slug, &ping, r#"{"who":"Ada"}"#).await;
        let Turn::Ran { run, status } = strict.turn(0).await.expect("turn") else {
            panic!("a run was queued");
        };
        assert_eq!(status, "failed");
        let detail = run_detail(&server, &admin, &slug, &run).await;
        let error = detail["summary"]["error"].as_str().expect("error");
        assert!(error.contains("private or local address"), "{error}");

        run_now(&server, &admin, &slug, &failing, r#"{"disk":"D:"}"#).await;
        let Turn::Ran { run, status } = allowed.turn(0).await.expect("turn") else {
            panic!("a run was queued");
        };
        assert_eq!(status, "failed");
        let detail = run_detail(&server, &admin, &slug, &run).await;
        assert_eq!(detail["summary"]["error"], "disk D: is full");
        assert!(detail["summary"]["duration_ms"].as_i64().expect("duration") >= 1000);
    }
);

on_both_databases!(
    a_run_cancelled_mid_step_stops_on_the_runner_at_once,
    |server: TestServer| async move {
        let (admin, slug, key) = licensed_tenant_with_runner_key(&server).await;
        let slow = autom(
            &server,
            &admin,
            &slug,
            "Long wait",
            r#"{"steps":[{"kind":"log","message":"waiting"},{"kind":"wait","seconds":120},{"kind":"log","message":"never"}]}"#,
        )
        .await;
        run_now(&server, &admin, &slug, &slow, "").await;
        let runner = Runner::new(RunnerConfig {
            url: server.url(""),
            key,
            allow_private_networks: false,
        })
        .expect("runner");
        let started = std::time::Instant::now();
        let turn = tokio::spawn(async move { runner.turn(0).await });

        // Once it runs, cancel it from the hub.
        let runs = json(
            server
                .post_form(
                    &admin,
                    "/api/t/runs",
                    &[
                        ("tenant", slug.as_str()),
                        ("autom", slow.as_str()),
                        ("status", ""),
                        ("trigger", ""),
                        ("range", ""),
                        ("page", "1"),
                        ("per_page", "25"),
                    ],
                )
                .await,
        )
        .await;
        let run = runs["items"][0]["id"].as_str().expect("run").to_owned();
        while run_detail(&server, &admin, &slug, &run).await["summary"]["status"] != "running" {
            assert!(started.elapsed().as_secs() < 10, "the runner never started");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let cancelled = server
            .post_form(
                &admin,
                "/api/t/runs/cancel",
                &[("tenant", slug.as_str()), ("id", run.as_str())],
            )
            .await;
        assert_eq!(cancelled.status(), StatusCode::OK);

        // The runner stops within a heartbeat, not after the two-minute wait.
        let turn = tokio::time::timeout(std::time::Duration::from_secs(15), turn)
            .await
            .expect("the runner stopped the cancelled run's steps within 15 s")
            .expect("join")
            .expect("turn");
        let Turn::Dropped {
            run: dropped,
            reason,
        } = turn
        else {
            panic!("expected the run to be dropped, got {turn:?}");
        };
        assert_eq!(dropped, run);
        assert!(reason.contains("cancel"), "{reason}");
        let detail = run_detail(&server, &admin, &slug, &run).await;
        assert_eq!(detail["summary"]["status"], "cancelled");
        let log: Vec<&str> = detail["log"]
            .as_array()
            .expect("log")
            .iter()
            .filter_map(|l| l["line"].as_str())
            .collect();
        assert!(!log.iter().any(|l| l.contains("never")), "{log:?}");
    }
);
