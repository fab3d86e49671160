//! Every core serves: the binary runs several single-threaded runtimes on one listening
//! socket. A bounded liveness test drives concurrent signed-in loads of every page kind and
//! fails on any wrong answer or on a hang (the leptos reactive-graph freeze,
//! leptos-rs/leptos#4673, would show up as one), then checks a graceful stop.

use std::{
    io::{BufRead as _, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const WORKERS: usize = 3;
// The process's connection limit is this small (each worker's pool gets its share, at least
// 2), so the clients below outnumber every pool together:
// page renders must queue for connections without holding one another up. A page that read
// a resource outside Suspense (the Tenants page's create form did) held every concurrent
// load of it until the pool's acquire timeout.
const POOL: usize = 3;
const CLIENTS: usize = 16;
const ROUNDS: usize = 2;

struct Server {
    child: Child,
    url: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start() -> Server {
    let dir = std::env::temp_dir().join(format!("msp-hub-workers-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("data dir");
    let config = dir.join("hub.toml");
    std::fs::write(&config, format!("[database]\nmax_connections = {POOL}\n")).expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_msp-hub"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .args(["serve", "--demo"])
        .env("HUB_CONFIG", &config)
        .env("HUB_DATA_DIR", &dir)
        .env("DATABASE_URL", "")
        .env("HUB_WORKERS", WORKERS.to_string())
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn msp-hub");
    let stdout = child.stdout.take().expect("stdout");
    // Keep reading the banner to its end on a thread of its own: a closed pipe would make
    // the server's next line of output fail (and end it).
    let (found, url) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.trim().strip_prefix("MSP Hub is running at ") {
                let _ = found.send(rest.to_owned());
            }
        }
    });
    let url = url
        .recv_timeout(Duration::from_secs(60))
        .expect("the URL is printed");
    Server { child, url, dir }
}

/// The names of the process's threads.
fn thread_names(pid: u32) -> Vec<String> {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|tasks| {
            tasks
                .flatten()
                .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
                .map(|name| name.trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn first_id(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> String {
    let list: serde_json::Value = client
        .post(url)
        .form(form)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    list["items"][0]["id"].as_str().expect("an id").to_owned()
}

/// Loads `url`; an error names what was wrong: another status, a page that did not render to
/// its end, or the request failing (a timeout: the hang this test is about).
async fn load(client: &reqwest::Client, url: &str, expected: u16) -> Result<(), String> {
    let response = client.get(url).send().await.map_err(|e| format!("{e:?}"))?;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    if status == expected && body.contains("</html>") {
        Ok(())
    } else {
        Err(format!("{status}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_core_serves_every_page_kind_concurrently_without_a_hang() {
    let server = start();
    let base = server.url.clone();
    // The threads start right after the banner is printed.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let workers = thread_names(server.child.id())
            .iter()
            .filter(|name| name.starts_with("hub-worker-"))
            .count();
        if workers == WORKERS - 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{workers} serving threads besides the main one, expected {}",
            WORKERS - 1
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let signed_in = client
        .post(format!("{base}/api/login"))
        .form(&[
            ("email", "admin@northwind-msp.example"),
            ("password", "northwind-demo-admin"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(signed_in.status(), reqwest::StatusCode::OK);
    let tenant = first_id(
        &client,
        &format!("{base}/api/tenants/list"),
        &[
            ("search", "adatum"),
            ("status", "all"),
            ("sort", "name"),
            ("descending", "false"),
            ("page", "1"),
            ("per_page", "25"),
        ],
    )
    .await;
    let technician = first_id(
        &client,
        &format!("{base}/api/technicians/list"),
        &[
            ("search", ""),
            ("sort", "name"),
            ("descending", "false"),
            ("page", "1"),
            ("per_page", "25"),
        ],
    )
    .await;

    // Every page kind: MSP pages, detail pages, every tenant section, the account, a 404.
    let mut pages: Vec<(String, u16)> = [
        "/",
        "/tenants",
        "/technicians",
        "/summary",
        "/license",
        "/branding",
        "/account",
    ]
    .iter()
    .map(|p| ((*p).to_owned(), 200))
    .collect();
    pages.push((format!("/tenants/{tenant}"), 200));
    pages.push((format!("/technicians/{technician}"), 200));
    for section in [
        "dashboard",
        "automs",
        "alerts",
        "agents",
        "vault",
        "users",
        "api-keys",
        "audit",
    ] {
        pages.push((format!("/t/adatum-corporation/{section}"), 200));
    }
    pages.push(("/no-such-page".to_owned(), 404));

    let started = Instant::now();
    let mut tasks = Vec::new();
    for index in 0..CLIENTS {
        let (client, base, pages) = (client.clone(), base.clone(), pages.clone());
        tasks.push(tokio::spawn(async move {
            let mut wrong = Vec::new();
            for round in 0..ROUNDS {
                // Each client starts at a different page, so all kinds overlap in time.
                for step in 0..pages.len() {
                    let (path, expected) = &pages[(index + round + step) % pages.len()];
                    if let Err(what) = load(&client, &format!("{base}{path}"), *expected).await {
                        wrong.push(format!("{path}: {what}"));
                    }
                }
            }
            wrong
        }));
    }
    let all = tokio::time::timeout(
        Duration::from_secs(120),
        futures_util::future::join_all(tasks),
    )
    .await
    .expect("no hang: every page load finished within the bound");
    let wrong: Vec<String> = all
        .into_iter()
        .flat_map(|task| task.expect("task"))
        .collect();
    assert!(wrong.is_empty(), "wrong answers: {wrong:?}");
    eprintln!(
        "{} staggered page loads on {WORKERS} workers in {:?}",
        CLIENTS * ROUNDS * pages.len(),
        started.elapsed()
    );

    // Then bursts: every client loads the same page at the same moment, one page kind after
    // another, so each page's render meets a pool with no connection left.
    let started = Instant::now();
    for (path, expected) in &pages {
        let burst = (0..CLIENTS).map(|_| {
            let (client, url) = (client.clone(), format!("{base}{path}"));
            async move { load(&client, &url, *expected).await }
        });
        let answers = futures_util::future::join_all(burst).await;
        let wrong: Vec<&String> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
        assert!(
            wrong.is_empty(),
            "{} of {CLIENTS} simultaneous loads of {path} went wrong: {wrong:?}",
            wrong.len()
        );
    }
    eprintln!(
        "{} page loads in bursts of {CLIENTS} in {:?}",
        CLIENTS * pages.len(),
        started.elapsed()
    );

    // A graceful stop reaches every worker.
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}
