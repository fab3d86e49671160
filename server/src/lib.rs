//! The MSP Hub server: configuration, router, middleware and start-up.
//!
//! `main.rs` is the CLI over this library; the integration tests start the same server.

pub mod config;
pub mod health;
pub mod middleware;
pub mod rest;
pub mod router;
pub mod runner;
pub mod state;
pub mod telemetry;

use axum::serve::ListenerExt as _;
use config::Config;
use hub_core::{
    db::{Db, DbOpenError, DbSettings},
    license::{LicenseVerifier, DEVELOPMENT_PUBLIC_KEY},
    secrets, Hub, HubError,
};
use std::{future::Future, net::SocketAddr};
use thiserror::Error;
use tokio::net::TcpListener;

/// Why the server could not start.
#[derive(Debug, Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("could not use the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("could not read or create the secret {path}: {source}")]
    Secret {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not an Ed25519 public key in PEM form (keys.license_public_key)")]
    LicenseKey { path: String },
    #[error(transparent)]
    Database(#[from] DbOpenError),
    #[error("{0}")]
    Hub(HubError),
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Opens the data directory, the secrets and the database, and builds the core.
pub async fn open_hub(config: &Config) -> Result<Hub, StartError> {
    let data_dir = &config.server.data_dir;
    std::fs::create_dir_all(data_dir).map_err(|source| StartError::DataDir {
        path: data_dir.display().to_string(),
        source,
    })?;
    let secret = |file: &std::path::Path, len: usize| {
        let path = config.secret_path(file);
        secrets::load_or_generate(&path, len).map_err(|source| StartError::Secret {
            path: path.display().to_string(),
            source,
        })
    };
    let session_key = secret(&config.keys.session_key, 32)?;
    let api_key_secret = secret(&config.keys.api_key_secret, 32)?;
    let vault_kek = secret(&config.keys.vault_kek, 32)?;
    let runtime_password_path = config.secret_path(&config.keys.db_runtime_password);
    let runtime_password =
        secrets::load_or_generate_text(&runtime_password_path).map_err(|source| {
            StartError::Secret {
                path: runtime_password_path.display().to_string(),
                source,
            }
        })?;
    let mut settings = config.hub_settings();
    settings.license_public_key = license_public_key(config)?;
    settings.vault_keks = hub_core::vault::KekFiles::new(vault_kek);
    // A rotation's other key files, accepted until removed: the key before it (`.old`) and
    // the one an unfinished rotation moves to (`.new`).
    let kek_path = config.secret_path(&config.keys.vault_kek);
    for other in [kek_sibling(&kek_path, "old"), kek_sibling(&kek_path, "new")] {
        if other.exists() {
            let bytes =
                secrets::load_or_generate(&other, 32).map_err(|source| StartError::Secret {
                    path: other.display().to_string(),
                    source,
                })?;
            settings
                .vault_keks
                .others
                .push(std::sync::Arc::new(bytes.into()));
        }
    }
    let db = Db::open(&DbSettings {
        url: config.database_url(),
        runtime_role: config.database.runtime_role.clone(),
        runtime_password,
        max_connections: config.pool_per_worker(),
    })
    .await?;
    let hub = Hub::new(db, &session_key, &api_key_secret, settings).map_err(StartError::Hub)?;
    hub.ensure_organization_workspace()
        .await
        .map_err(StartError::Hub)?;
    Ok(hub)
}

/// `vault-kek.key` → `vault-kek.key.<suffix>`: where a rotation keeps the key before it
/// (`old`) and the one it moves to (`new`).
pub fn kek_sibling(path: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    name.into()
}

/// The key that verifies license keys: the configured one; else, for the demo only, the
/// repository's development key; else none (activation is refused). Says which at start-up.
fn license_public_key(config: &Config) -> Result<Option<Vec<u8>>, StartError> {
    let path = &config.keys.license_public_key;
    let pem = if path.as_os_str().is_empty() {
        if !config.keys.trust_development_license_key {
            tracing::warn!(
                "no license public key is configured (keys.license_public_key): MSP license \
                 activation is refused until it names your vendor's public key"
            );
            return Ok(None);
        }
        DEVELOPMENT_PUBLIC_KEY.to_vec()
    } else {
        std::fs::read(path).map_err(|source| StartError::Secret {
            path: path.display().to_string(),
            source,
        })?
    };
    let verifier = LicenseVerifier::from_public_pem(&pem).map_err(|_| StartError::LicenseKey {
        path: path.display().to_string(),
    })?;
    if verifier.is_development() {
        tracing::warn!(
            "this hub trusts the DEVELOPMENT license key, whose private half is public: anyone \
             can issue licenses for it. For demos and tests only."
        );
    }
    Ok(Some(pem))
}

/// The file in the data directory that holds the one-time setup token while setup has not run.
pub const SETUP_TOKEN_FILE: &str = "setup-token";

/// While setup has not run: the one-time setup token, also written (0600) to the data
/// directory for scripts; once set up, `None`, and a leftover file is removed.
pub async fn setup_token(hub: &Hub, config: &Config) -> Result<Option<String>, StartError> {
    let path = config.server.data_dir.join(SETUP_TOKEN_FILE);
    let token = hub.setup_token().await.map_err(StartError::Hub)?;
    let written = match &token {
        Some(token) => secrets::replace_private(&path, token),
        None => match std::fs::remove_file(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        },
    };
    written.map_err(|source| StartError::Secret {
        path: path.display().to_string(),
        source,
    })?;
    Ok(token)
}

/// Binds the listener for the configured address.
pub async fn bind(config: &Config) -> Result<TcpListener, StartError> {
    let addr = config.server.site_addr;
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen { addr, source })
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: TcpListener,
    hub: Hub,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = state::AppState::new(hub.clone(), config);
    let draining = state.draining.clone();
    let router = router::build_with(state, hub);
    // When the stop begins, runners' long-polls end at once (a claim may wait 30 s).
    let shutdown = async move {
        shutdown.await;
        draining.store(true, std::sync::atomic::Ordering::Relaxed);
    };
    // Without TCP_NODELAY a response written in more than one piece (headers, then a body
    // chunk) waits for the client's delayed ACK, about 40 ms, on every reused connection.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY on an accepted connection");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Serves on `workers` threads until `shutdown` resolves: this runtime and `workers - 1`
/// more, each a single-threaded runtime with its own copy of the hub on its own database
/// pool, all accepting on the one listening socket (the kernel hands each connection to one
/// of them). Why not one multi-threaded runtime: leptos 0.8's reactive graph can deadlock
/// when one server render's tasks run on two threads at once (leptos-rs/leptos#4673); here
/// every render stays on the thread that started it, and the threads share nothing but the
/// socket and the database, as separate processes would.
pub async fn serve_on_workers(
    listener: TcpListener,
    hub: Hub,
    config: &Config,
    workers: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let listener = listener.into_std()?;
    let mut threads = Vec::new();
    for index in 1..workers.max(1) {
        let socket = listener.try_clone()?;
        let (hub, config, mut stopped) = (hub.clone(), config.clone(), stopped.clone());
        let thread = std::thread::Builder::new()
            .name(format!("hub-worker-{index}"))
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        tracing::error!(%error, index, "could not start a serving thread");
                        return;
                    }
                };
                runtime.block_on(async move {
                    let served = async {
                        let hub = hub
                            .on_another_pool()
                            .await
                            .map_err(|e| std::io::Error::other(e.to_string()))?;
                        let listener = TcpListener::from_std(socket)?;
                        let shutdown = async move {
                            let _ = stopped.wait_for(|stop| *stop).await;
                        };
                        serve(listener, hub.clone(), &config, shutdown).await?;
                        hub.db().close().await;
                        Ok::<(), std::io::Error>(())
                    };
                    if let Err(error) = served.await {
                        tracing::error!(%error, index, "a serving thread stopped");
                    }
                });
            })?;
        threads.push(thread);
    }
    let mut stopped_here = stopped;
    let shutdown_all = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    let here = async move {
        let _ = stopped_here.wait_for(|stop| *stop).await;
    };
    let listener = TcpListener::from_std(listener)?;
    let (served, ()) = tokio::join!(serve(listener, hub, config, here), shutdown_all);
    // The other threads finish their in-flight requests too.
    let _ = tokio::task::spawn_blocking(move || {
        for thread in threads {
            let _ = thread.join();
        }
    })
    .await;
    served
}

/// Runs the scheduler ([`hub_core::automs::scheduler`]) every few seconds until the task is
/// aborted. Every server process runs one: passes of several processes queue each due
/// schedule once.
pub fn spawn_scheduler(hub: Hub) -> tokio::task::JoinHandle<()> {
    use hub_core::automs::scheduler::EVERY_MS;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(EVERY_MS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            match hub.queue_due_schedules(hub_core::clock::now_ms()).await {
                Ok(pass) if pass.queued > 0 => {
                    tracing::info!(queued = pass.queued, "queued scheduled runs");
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "a scheduler pass failed; the next one retries");
                }
            }
        }
    })
}

/// Where `serve --demo` keeps the demo runners' keys (0600, like the setup token).
const DEMO_RUNNER_KEYS_FILE: &str = "demo-runner-keys";

/// Keeps the keys of a freshly seeded demo's runners in the data directory.
pub fn save_demo_runner_keys(config: &Config, keys: &[String]) -> Result<(), StartError> {
    let path = config.server.data_dir.join(DEMO_RUNNER_KEYS_FILE);
    secrets::replace_private(&path, &keys.join("\n")).map_err(|source| StartError::Secret {
        path: path.display().to_string(),
        source,
    })
}

/// Starts one in-process runner per key in the data directory's demo runner keys, against
/// this hub at `url`; returns the flag that stops them after their current run (none when
/// there are no keys: a database seeded by an older version).
pub fn spawn_demo_runners(
    config: &Config,
    url: &str,
) -> Option<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    let path = config.server.data_dir.join(DEMO_RUNNER_KEYS_FILE);
    let keys = std::fs::read_to_string(&path).ok()?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for key in keys.lines().map(str::trim).filter(|k| !k.is_empty()) {
        let config = runner::RunnerConfig {
            url: url.to_owned(),
            key: key.to_owned(),
            allow_private_networks: false,
        };
        let stop = stop.clone();
        tokio::spawn(async move {
            if let Err(error) = runner::run_until(config, stop).await {
                tracing::warn!(%error, "a demo runner stopped");
            }
        });
    }
    tracing::info!("demo runners started");
    Some(stop)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
