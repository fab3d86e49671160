//! Benchmark: the run queue and the scheduler, on SQLite and PostgreSQL.
//!
//! - Claim-and-complete throughput: N runs queued by "Run now" (over N/100 Automs: an Autom
//!   holds at most 100 waiting runs), then 1, 4 and 16 runners
//!   (tasks with the tenant's API key, through the same core calls `/api/v1` makes) claim
//!   and complete until the queue is empty. Every run must be completed exactly once.
//! - The scheduler: 10,000 schedules due in the same minute (inserted directly, spread over
//!   100 tenants), queued by scheduler passes until all are; the time until the last one.
//!
//! Run by `scripts/bench.sh` (section `queue`), or alone:
//!   cargo run --release -p hub-core --features testing --example run_queue [-- RUNS SCHEDULES]

use hub_core::{
    automs::runs::Outcome,
    db::Backend,
    testing::{licensed_admin, TestDb},
};
use hub_model::{
    api_keys::{ApiScope, ApiScopes, NewApiKey},
    automs::{AutomInput, Trigger},
};
use std::time::Instant;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let schedules: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    println!("| database | runners | runs | seconds | runs/s |");
    println!("|---|---:|---:|---:|---:|");
    let mut scheduler_rows = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 200).await;
        let tenant = hub.create_tenant(&admin, "Bench").await.expect("tenant");
        let created = hub
            .create_api_key(
                &admin,
                &tenant.slug,
                &NewApiKey {
                    name: "Bench runner".to_owned(),
                    scopes: ApiScopes::new([ApiScope::RunsWrite]),
                    expires_in_days: None,
                },
            )
            .await
            .expect("key");
        let key = hub
            .authenticate_api_key(&created.secret)
            .await
            .expect("auth")
            .expect("key");
        // An Autom holds at most 100 waiting runs: spread the runs over enough Automs.
        let mut automs = Vec::new();
        for i in 0..runs.div_ceil(100) {
            automs.push(
                hub.create_autom(
                    &admin,
                    &tenant.slug,
                    &AutomInput {
                        name: format!("Bench {i}"),
                        description: String::new(),
                        trigger: Trigger::Manual,
                        definition: r#"{"steps":[{"kind":"log","message":"hi"}]}"#.to_owned(),
                        alert_on_failure: None,
                    },
                )
                .await
                .expect("autom")
                .id,
            );
        }
        for runners in [1_usize, 4, 16] {
            for i in 0..runs {
                hub.run_autom(&admin, &tenant.slug, automs[i % automs.len()], None)
                    .await
                    .expect("queue");
            }
            let started = Instant::now();
            let tasks = (0..runners).map(|_| {
                let (hub, key) = (hub.clone(), key.clone());
                tokio::spawn(async move {
                    let mut done = 0_usize;
                    while let Some(run) = hub.claim_run(&key).await.expect("claim") {
                        hub.complete_run(&key, run.id, Outcome::Succeeded, None)
                            .await
                            .expect("complete");
                        done += 1;
                    }
                    done
                })
            });
            let done: usize = futures_util::future::join_all(tasks)
                .await
                .into_iter()
                .map(|r| r.expect("join"))
                .sum();
            let seconds = started.elapsed().as_secs_f64();
            assert_eq!(done, runs, "every run completed exactly once");
            println!(
                "| {backend:?} | {runners} | {runs} | {seconds:.2} | {:.0} |",
                runs as f64 / seconds
            );
        }

        // 10,000 schedules due at once, over 100 tenants.
        let owner = db.owner_pool().await;
        let mut tenants = Vec::new();
        for i in 0..100 {
            tenants.push(
                hub.create_tenant(&admin, &format!("Scheduled {i:03}"))
                    .await
                    .expect("tenant")
                    .id
                    .to_string(),
            );
        }
        sqlx::query("UPDATE tenants SET max_automs = 1000")
            .execute(&owner)
            .await
            .expect("limits");
        let now = hub_core::clock::now_ms();
        for chunk in (0..schedules).collect::<Vec<_>>().chunks(500) {
            let mut sql = String::from(
                "INSERT INTO automs (id, tenant_id, name, name_key, trigger_kind, cron, timezone, \
                 definition, enabled, next_run_at, created_at, updated_at) VALUES ",
            );
            for (n, i) in chunk.iter().enumerate() {
                if n > 0 {
                    sql.push(',');
                }
                let tenant = &tenants[i % tenants.len()];
                sql.push_str(&format!(
                    "('{}', '{tenant}', 's{i}', 's{i}', 'schedule', '* * * * *', 'UTC', \
                     '{{\"steps\":[{{\"kind\":\"log\",\"message\":\"hi\"}}]}}', 1, {}, {now}, {now})",
                    uuid::Uuid::new_v4(),
                    now - 1_000
                ));
            }
            sqlx::query(&sql).execute(&owner).await.expect("schedules");
        }
        let started = Instant::now();
        let (mut queued, mut passes) = (0, 0);
        while queued < schedules {
            let pass = hub.queue_due_schedules(now).await.expect("pass");
            assert!(
                pass.queued > 0,
                "a pass queued nothing with {queued} of {schedules} done"
            );
            queued += pass.queued;
            passes += 1;
        }
        scheduler_rows.push(format!(
            "| {backend:?} | {schedules} | {passes} | {:.2} |",
            started.elapsed().as_secs_f64()
        ));
    }
    println!();
    println!("| database | schedules due | passes | seconds to queue all |");
    println!("|---|---:|---:|---:|");
    for row in scheduler_rows {
        println!("{row}");
    }
}
