//! Two server processes (the real binary) on one PostgreSQL database: the scheduler runs in
//! every process, and each due schedule is queued exactly once between them.

use hub_core::{
    db::Backend,
    testing::{licensed_admin, TestDb},
};
use hub_model::automs::{AutomInput, Trigger};
use std::{
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const TENANTS: usize = 3;
const AUTOMS_PER_TENANT: usize = 20;

struct Process {
    child: Child,
    /// What it wrote to its error output.
    errors: Arc<Mutex<String>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `msp-hub serve` on `database` with the shared data directory (two hosts of one hub share
/// their configuration and secrets).
fn serve(data: &Path, config: &Path, database: &str) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_msp-hub"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .arg("serve")
        .env("HUB_CONFIG", config)
        .env("HUB_DATA_DIR", data)
        .env("DATABASE_URL", database)
        .env("HUB_LICENSE_PUBLIC_KEY", "keys/dev/license-public.pem")
        .env("HUB_WORKERS", "1")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn msp-hub");
    let stderr = child.stderr.take().expect("stderr");
    let errors = Arc::new(Mutex::new(String::new()));
    let sink = errors.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // The browser bundle is not built for this test (pages are not what it is about).
            if line.contains("ERROR") && !line.contains("browser bundle") {
                if let Ok(mut errors) = sink.lock() {
                    errors.push_str(&line);
                    errors.push('\n');
                }
            }
        }
    });
    Process { child, errors }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_server_processes_queue_each_due_schedule_exactly_once() {
    let db = TestDb::new(Backend::Postgres).await;
    let hub = db.hub().await;
    let admin = licensed_admin(&hub, 10).await;
    for t in 0..TENANTS {
        let tenant = hub
            .create_tenant(&admin, &format!("Tenant {t}"))
            .await
            .expect("tenant");
        for a in 0..AUTOMS_PER_TENANT {
            hub.create_autom(
                &admin,
                &tenant.slug,
                &AutomInput {
                    name: format!("Nightly {a}"),
                    description: String::new(),
                    trigger: Trigger::Schedule {
                        cron: "0 3 * * *".to_owned(),
                        timezone: "UTC".to_owned(),
                    },
                    definition: r#"{"steps":[{"kind":"log","message":"hi"}]}"#.to_owned(),
                    alert_on_failure: None,
                },
            )
            .await
            .expect("autom");
        }
    }
    drop(hub);
    // Every schedule is due now (as after a night the hub was down).
    let owner = db.owner_pool().await;
    let due = hub_core::clock::now_ms() - 60_000;
    sqlx::query("UPDATE automs SET next_run_at = $1")
        .bind(due)
        .execute(&owner)
        .await
        .expect("due now");

    let data: PathBuf =
        std::env::temp_dir().join(format!("msp-hub-two-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&data).expect("data dir");
    let config = data.join("hub.toml");
    std::fs::write(
        &config,
        format!(
            "[database]\nruntime_role = \"{}\"\nmax_connections = 4\n",
            db.settings.runtime_role
        ),
    )
    .expect("config");
    let first = serve(&data, &config, &db.settings.url);
    let second = serve(&data, &config, &db.settings.url);

    let expected = i64::try_from(TENANTS * AUTOMS_PER_TENANT).expect("count");
    let count = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM autom_runs WHERE trigger_kind = 'schedule'",
        )
        .fetch_one(&owner)
        .await
        .expect("count")
    };
    let started = Instant::now();
    while count().await < expected {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "only {} of {expected} schedules were queued",
            count().await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Both schedulers pass again (every 10 s): nothing more is queued.
    tokio::time::sleep(Duration::from_secs(12)).await;
    assert_eq!(count().await, expected);
    let most: i64 = sqlx::query_scalar(
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM autom_runs GROUP BY autom_id) per_autom",
    )
    .fetch_one(&owner)
    .await
    .expect("per autom");
    assert_eq!(most, 1, "an Autom was queued twice");
    // Each schedule moved on to its next time, after now.
    let behind: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM automs WHERE next_run_at <= $1")
        .bind(hub_core::clock::now_ms())
        .fetch_one(&owner)
        .await
        .expect("next");
    assert_eq!(behind, 0);
    // Both processes were serving the whole time, and neither logged an error.
    for (name, process) in [("first", &first), ("second", &second)] {
        let errors = process.errors.lock().expect("errors").clone();
        assert!(errors.is_empty(), "the {name} process logged: {errors}");
    }
    drop((first, second));
    let _ = std::fs::remove_dir_all(&data);
}
