//! The `msp-hub` binary: migrate, seed, reset a password, serve and shut down on SIGTERM.

use std::{
    io::{BufRead as _, BufReader, Write as _},
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

struct DataDir(PathBuf);

impl DataDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("msp-hub-cli-{:016x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).expect("data dir");
        Self(dir)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn hub(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_msp-hub"));
    command
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env("HUB_DATA_DIR", data)
        .env("DATABASE_URL", "")
        // These tests issue licenses with the development key pair: trust it explicitly.
        .env("HUB_LICENSE_PUBLIC_KEY", "keys/dev/license-public.pem")
        .env("RUST_LOG", "warn");
    command
}

fn run(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = hub(data);
    command.args(args);
    run_command(command, stdin)
}

fn run_command(mut command: Command, stdin: Option<&str>) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn msp-hub");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The command failed, and its error output says `needle`.
fn assert_fails_with(output: &Output, needle: &str) {
    let stderr = text(&output.stderr);
    assert!(
        !output.status.success(),
        "expected a failure, stderr: {stderr}"
    );
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
}

#[test]
fn migrate_seed_and_reset_password() {
    let data = DataDir::new();
    let migrated = run(&data.0, &["migrate"], None);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    assert!(text(&migrated.stdout).contains("is migrated"));
    assert!(data.0.join("msp-hub.db").exists());
    assert!(
        data.0.join("session.key").exists(),
        "secrets are generated on first start"
    );
    assert!(data.0.join("vault-kek.key").exists());

    let seeded = run(&data.0, &["seed", "--demo"], None);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    assert!(text(&seeded.stdout).contains("admin@northwind-msp.example"));
    let again = run(&data.0, &["seed", "--demo"], None);
    assert!(again.status.success());
    assert!(text(&again.stdout).contains("already has data"));

    let reset = run(
        &data.0,
        &[
            "admin",
            "reset-password",
            "--email",
            "admin@northwind-msp.example",
        ],
        Some("a brand new password\n"),
    );
    assert!(reset.status.success(), "{}", text(&reset.stderr));
    let ghost = run(
        &data.0,
        &[
            "admin",
            "reset-password",
            "--email",
            "ghost@nowhere.example",
        ],
        Some("a brand new password\n"),
    );
    assert_fails_with(&ghost, "was not found");
    let short = run(
        &data.0,
        &[
            "admin",
            "reset-password",
            "--email",
            "admin@northwind-msp.example",
        ],
        Some("short\n"),
    );
    assert_fails_with(&short, "at least 12 characters");

    let no_flag = run(&data.0, &["seed"], None);
    assert_eq!(no_flag.status.code(), Some(2), "seed needs --demo");
}

#[test]
fn bad_configuration_is_refused_with_a_clear_message() {
    let data = DataDir::new();
    let config = data.0.join("bad.toml");
    std::fs::write(&config, "[server]\nsite_addr = \"nonsense\"\n").expect("write");
    let output = run(
        &data.0,
        &["--config", config.to_str().expect("path"), "migrate"],
        None,
    );
    assert_fails_with(&output, "is not valid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_the_url_and_logins_and_stops_on_sigterm() {
    let data = DataDir::new();
    let mut child = hub(&data.0)
        .args(["serve", "--demo"])
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut url = None;
    let mut logins = false;
    for line in lines.by_ref().take(10) {
        let line = line.expect("line");
        if let Some(rest) = line.trim().strip_prefix("MSP Hub is running at ") {
            url = Some(rest.to_owned());
        }
        logins |= line.contains("admin@northwind-msp.example  /  northwind-demo-admin");
        if url.is_some() && logins {
            break;
        }
    }
    let url = url.expect("the URL is printed");
    assert!(logins, "the demo logins are printed");
    let health = reqwest::get(format!("{url}/healthz"))
        .await
        .expect("healthz");
    assert_eq!(health.status(), reqwest::StatusCode::OK);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
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

#[test]
fn license_issue_then_show_and_each_refusal() {
    let data = DataDir::new();
    let issued = run(
        &data.0,
        &[
            "license",
            "issue",
            "--private-key",
            "keys/dev/license-private.pem",
            "--licensee",
            "Northwind MSP",
            "--days",
            "30",
            "--max-tenants",
            "12",
            "--automs",
            "40",
            "--users",
            "8",
            "--agents",
            "3",
        ],
        None,
    );
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    let key = text(&issued.stdout).trim().to_owned();
    assert_eq!(key.split('.').count(), 3, "a JWT: {key}");

    let shown = run(&data.0, &["license", "show"], Some(&format!("{key}\n")));
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let shown = text(&shown.stdout);
    assert!(
        shown.contains("Northwind MSP") && shown.contains("max tenants  12"),
        "{shown}"
    );
    assert!(shown.contains("40 Automs, 8 users, 3 AI agents"), "{shown}");

    let garbage = run(&data.0, &["license", "show"], Some("not-a-license\n"));
    assert_fails_with(&garbage, "not a valid license key");

    let mut altered = key.into_bytes();
    let last = altered.len() - 3;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).expect("ascii");
    let tampered = run(&data.0, &["license", "show"], Some(&format!("{altered}\n")));
    assert!(
        text(&tampered.stderr).contains("signature is invalid"),
        "{}",
        text(&tampered.stderr)
    );

    let no_tenants = run(
        &data.0,
        &[
            "license",
            "issue",
            "--private-key",
            "keys/dev/license-private.pem",
            "--licensee",
            "X",
            "--max-tenants",
            "0",
        ],
        None,
    );
    assert_fails_with(&no_tenants, "invalid limits");
}

/// A key from `license issue` with the development key pair.
fn issue(data: &Path, max_tenants: &str) -> String {
    let issued = run(
        data,
        &[
            "license",
            "issue",
            "--private-key",
            "keys/dev/license-private.pem",
            "--licensee",
            "Contoso MSP",
            "--max-tenants",
            max_tenants,
        ],
        None,
    );
    assert!(issued.status.success(), "{}", text(&issued.stderr));
    text(&issued.stdout).trim().to_owned()
}

#[test]
fn license_activate_upgrades_then_updates_and_refuses_bad_keys() {
    let data = DataDir::new();
    let key = issue(&data.0, "12");
    let before_setup = run(&data.0, &["license", "activate"], Some(&format!("{key}\n")));
    assert_fails_with(&before_setup, "not set up yet");

    // The demo seed activates its own license: a newer key then only updates it.
    let seeded = run(&data.0, &["seed", "--demo"], None);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    assert!(text(&seeded.stdout).contains("MSP Admin"));
    let garbage = run(&data.0, &["license", "activate"], Some("not-a-license\n"));
    assert_fails_with(&garbage, "not a valid license key");
    // Keys are dated to the second: make sure the newer one is issued later than the demo's.
    std::thread::sleep(Duration::from_millis(1100));
    let newer = issue(&data.0, "99");
    let updated = run(
        &data.0,
        &["license", "activate"],
        Some(&format!("{newer}\n")),
    );
    assert!(updated.status.success(), "{}", text(&updated.stderr));
    assert!(text(&updated.stdout).contains("MSP license updated"));
}

// Regression: the default configuration trusted the development key, whose private half is in
// the repository, so anyone could mint a license for any hub that kept the default.
#[test]
fn a_hub_without_a_configured_key_refuses_every_license() {
    let data = DataDir::new();
    let key = issue(&data.0, "100000");
    let unconfigured = |args: &[&str], stdin: Option<&str>| {
        let mut command = hub(&data.0);
        command.env_remove("HUB_LICENSE_PUBLIC_KEY").args(args);
        run_command(command, stdin)
    };
    let set_up = unconfigured(&["seed", "--demo"], None);
    assert!(set_up.status.success(), "{}", text(&set_up.stderr));
    // The demo trusts the development key explicitly; nothing else does.
    let minted = unconfigured(&["license", "activate"], Some(&format!("{key}\n")));
    assert_fails_with(&minted, "no license public key configured");
    let shown = unconfigured(&["license", "show"], Some(&format!("{key}\n")));
    assert_fails_with(&shown, "no license public key is configured");
    let migrate = unconfigured(&["migrate"], None);
    assert!(
        text(&migrate.stderr).contains("no license public key is configured"),
        "start-up says so: {}",
        text(&migrate.stderr)
    );
}

/// A hub over the data directory's SQLite database whose vault has exactly `kek`.
async fn hub_with_kek(data: &Path, kek: Vec<u8>) -> hub_core::Hub {
    let db = hub_core::db::Db::open(&hub_core::db::DbSettings {
        url: format!("sqlite://{}", data.join("msp-hub.db").display()),
        runtime_role: String::new(),
        runtime_password: String::new(),
        max_connections: 2,
    })
    .await
    .expect("db");
    let settings = hub_core::HubSettings {
        vault_keks: hub_core::vault::KekFiles::new(kek),
        ..hub_core::testing::test_settings()
    };
    hub_core::Hub::new(db, &[7u8; 32], &[8u8; 32], settings).expect("hub")
}

/// Every demo vault secret of the first tenant revealed as the demo admin, or the first error.
async fn reveal_demo(hub: &hub_core::Hub) -> Result<usize, hub_core::HubError> {
    let admin = hub
        .login(
            "admin@northwind-msp.example",
            "northwind-demo-admin",
            &hub_core::ClientInfo::default(),
        )
        .await?
        .principal;
    let first = hub.workspaces_for(&admin, None, "").await?.entries[0]
        .slug
        .clone();
    let items = hub
        .vault_items(&admin, &first, &hub_model::vault::VaultQuery::default())
        .await?;
    for item in &items.items {
        hub.reveal_vault_secret(&admin, &first, item.id).await?;
    }
    Ok(items.items.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_vault_kek_rewraps_the_keys_and_keeps_the_old_file() {
    let data = DataDir::new();
    let seeded = run(&data.0, &["seed", "--demo"], None);
    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let key_file = data.0.join("vault-kek.key");
    let read = |path: &Path| {
        use base64::Engine as _;
        let text = std::fs::read_to_string(path).expect("key file");
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .expect("base64")
    };
    let old = read(&key_file);
    assert_eq!(
        reveal_demo(&hub_with_kek(&data.0, old.clone()).await)
            .await
            .expect("before"),
        4
    );

    let rotated = run(&data.0, &["vault", "rotate-kek"], None);
    assert!(rotated.status.success(), "{}", text(&rotated.stderr));
    assert!(
        text(&rotated.stdout).contains("Re-wrapped 3 tenant data keys"),
        "{}",
        text(&rotated.stdout)
    );
    let new = read(&key_file);
    assert_ne!(new, old);
    assert_eq!(read(&data.0.join("vault-kek.key.old")), old);
    assert!(!data.0.join("vault-kek.key.new").exists());
    // The new key alone opens every secret; the old one alone none.
    assert_eq!(
        reveal_demo(&hub_with_kek(&data.0, new).await)
            .await
            .expect("after"),
        4
    );
    assert!(reveal_demo(&hub_with_kek(&data.0, old).await)
        .await
        .is_err());
    // The server starts with the files as they are now (current plus .old).
    let migrated = run(&data.0, &["migrate"], None);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
}
