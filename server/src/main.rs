//! `msp-hub`: the server and its administration commands.

use clap::{Parser, Subcommand};
use hub_core::demo::DemoSeed;
use hub_model::license::Activation;
use server::{config::Config, StartError};
use std::{io::BufRead as _, path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
    name = "msp-hub",
    version,
    about = "MSP Hub: run every customer tenant from one place"
)]
struct Cli {
    /// The configuration file.
    #[arg(long, env = "HUB_CONFIG", default_value = "Leptos.toml", global = true)]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the hub.
    Serve {
        /// Seed demo data when the database is empty, and print the demo logins.
        #[arg(long)]
        demo: bool,
    },
    /// Migrate the database and exit.
    Migrate,
    /// Seed data into an empty database.
    Seed {
        /// The demo organization and its logins.
        #[arg(long, required = true)]
        demo: bool,
    },
    /// Run Automs for one tenant: claim its runs, execute their steps and report them.
    Runner {
        /// The hub's address, e.g. https://hub.example.com.
        #[arg(long, env = "HUB_RUNNER_URL")]
        url: String,
        /// A tenant API key with the runs:write scope.
        #[arg(long, env = "HUB_RUNNER_KEY", hide_env_values = true)]
        key: String,
        /// Let `http` steps reach loopback and private addresses (refused by default).
        #[arg(long)]
        allow_private_networks: bool,
    },
    /// Account administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// MSP license keys.
    License {
        #[command(subcommand)]
        command: LicenseCommand,
    },
    /// The credentials vault.
    Vault {
        #[command(subcommand)]
        command: VaultCommand,
    },
}

#[derive(Subcommand)]
enum VaultCommand {
    /// Replace the key-encryption key: every tenant's data key is re-wrapped under a new one
    /// in one transaction. The old key stays accepted (kept as `<key file>.old`) until you
    /// delete it; an interrupted rotation is finished by running this again.
    RotateKek,
}

#[derive(Subcommand)]
enum LicenseCommand {
    /// Issue a license key with the vendor's private key (prints the key).
    Issue {
        /// The Ed25519 private key (PEM).
        #[arg(long)]
        private_key: PathBuf,
        /// The matching public key (PEM); defaults to `keys.license_public_key`, which has
        /// no default.
        #[arg(long)]
        public_key: Option<PathBuf>,
        /// Who the license is for.
        #[arg(long)]
        licensee: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// Tenants the MSP may run.
        #[arg(long)]
        max_tenants: i64,
        /// Default Autom limit per tenant.
        #[arg(long, default_value_t = 100)]
        automs: i64,
        /// Default user limit per tenant.
        #[arg(long, default_value_t = 25)]
        users: i64,
        /// Default AI agent limit per tenant.
        #[arg(long, default_value_t = 10)]
        agents: i64,
    },
    /// Verify a license key (read from standard input) and print what it grants.
    Show,
    /// Activate a license key (read from standard input) on this hub: the first key upgrades
    /// the Administrator to MSP Admin and creates the Default Tenant; a newer key later only
    /// updates the license and its limits.
    Activate,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Set a new password (read from standard input) and end all of the account's sessions.
    ResetPassword {
        /// The account's email address.
        #[arg(long)]
        email: String,
    },
}

// A single-threaded runtime: leptos 0.8's reactive graph can deadlock (an RwLock ordering
// inversion, leptos-rs/leptos#4673) when one server render's tasks run on two threads at
// once. Every core still serves: `serve` starts one such runtime per core, sharing the
// listening socket (`server::serve_on_workers`).
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    server::telemetry::init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    if let Command::Runner {
        url,
        key,
        allow_private_networks,
    } = cli.command
    {
        // The runner needs no configuration file or database: only the hub's address.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let on_signal = stop.clone();
        tokio::spawn(async move {
            server::shutdown_signal().await;
            eprintln!("stopping after the current run…");
            on_signal.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        let config = server::runner::RunnerConfig {
            url,
            key,
            allow_private_networks,
        };
        return server::runner::run_until(config, stop)
            .await
            .map_err(|e| e.to_string());
    }
    let mut config = Config::load(&cli.config).map_err(|e| e.to_string())?;
    // The demo (and only the demo) trusts the development license key, unless the
    // configuration names a key of its own.
    if matches!(
        cli.command,
        Command::Serve { demo: true } | Command::Seed { demo: true }
    ) {
        config.keys.trust_development_license_key = true;
    }
    let text = |e: StartError| e.to_string();
    match cli.command {
        Command::Serve { demo } => {
            let hub = server::open_hub(&config).await.map_err(text)?;
            let seeded = if demo {
                Some(hub.seed_demo().await.map_err(|e| e.to_string())?)
            } else {
                None
            };
            let listener = server::bind(&config).await.map_err(text)?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            let shown = if addr.ip().is_unspecified() {
                format!("http://127.0.0.1:{}", addr.port())
            } else {
                format!("http://{addr}")
            };
            let setup_token = server::setup_token(&hub, &config).await.map_err(text)?;
            print_banner(&shown, seeded.as_ref(), setup_token.as_deref());
            for file in server::state::missing_bundle_files_of(&config) {
                tracing::error!(
                    file = %file.display(),
                    "a file of the browser bundle is missing: pages will render but never \
                     become interactive; build the site (`cargo leptos build --release`) or \
                     point server.site_root (LEPTOS_SITE_ROOT) at the one the build wrote"
                );
            }
            let workers = config.worker_count();
            tracing::info!(workers, "serving");
            let scheduler = server::spawn_scheduler(hub.clone());
            // The demo runs its Automs: one in-process runner per demo tenant, with the keys
            // the seed kept in the data directory, calling this hub like any runner would.
            let runners = if demo {
                if let Some(DemoSeed::Seeded { runner_keys, .. }) = &seeded {
                    server::save_demo_runner_keys(&config, runner_keys).map_err(text)?;
                }
                server::spawn_demo_runners(&config, &shown)
            } else {
                None
            };
            server::serve_on_workers(
                listener,
                hub.clone(),
                &config,
                workers,
                server::shutdown_signal(),
            )
            .await
            .map_err(|e| e.to_string())?;
            scheduler.abort();
            if let Some(stop) = runners {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            hub.db().close().await;
            Ok(())
        }
        Command::Migrate => {
            let hub = server::open_hub(&config).await.map_err(text)?;
            println!(
                "The database at {} is migrated.",
                redact(&config.database_url())
            );
            hub.db().close().await;
            Ok(())
        }
        Command::Seed { demo: _ } => {
            let hub = server::open_hub(&config).await.map_err(text)?;
            match hub.seed_demo().await.map_err(|e| e.to_string())? {
                DemoSeed::Seeded {
                    logins, api_key, ..
                } => {
                    println!("Demo data seeded. Logins:");
                    for login in logins {
                        println!(
                            "  {:<14} {}  /  {}",
                            login.role, login.email, login.password
                        );
                    }
                    if let Some(key) = api_key {
                        println!("  API key of Adatum Corporation (shown once): {key}");
                    }
                }
                DemoSeed::AlreadyPopulated => {
                    println!("The database already has data; demo data is only seeded into an empty one.");
                }
            }
            hub.db().close().await;
            Ok(())
        }
        Command::License { command } => license(&config, command).await,
        Command::Vault {
            command: VaultCommand::RotateKek,
        } => rotate_kek(&config).await,
        // Started above, before any configuration is read.
        Command::Runner { .. } => Ok(()),
        Command::Admin {
            command: AdminCommand::ResetPassword { email },
        } => {
            let hub = server::open_hub(&config).await.map_err(text)?;
            eprintln!("New password for {email} (one line on standard input):");
            let password = read_stdin_line()?;
            hub.reset_password(&email, &password, "cli")
                .await
                .map_err(|e| e.to_string())?;
            println!("The password of {email} is reset; all of its sessions have ended.");
            hub.db().close().await;
            Ok(())
        }
    }
}

/// `vault rotate-kek`: the new key is written first (`.new`), so a rotation that stops at any
/// point is finished by running it again; the servers accept the current, `.new` and `.old`
/// files at start-up, so none of them loses a key in between.
async fn rotate_kek(config: &Config) -> Result<(), String> {
    let path = config.secret_path(&config.keys.vault_kek);
    let new_path = server::kek_sibling(&path, "new");
    let old_path = server::kek_sibling(&path, "old");
    // Made once; a second run after an interruption takes the same one.
    let new_bytes = hub_core::secrets::load_or_generate(&new_path, 32)
        .map_err(|e| format!("could not write {}: {e}", new_path.display()))?;
    let new = hub_core::vault::crypto::Kek::from_bytes(&new_bytes).map_err(|e| e.to_string())?;
    let hub = server::open_hub(config).await.map_err(|e| e.to_string())?;
    let count = hub
        .rotate_vault_kek(&new)
        .await
        .map_err(|e| e.to_string())?;
    hub.db().close().await;
    std::fs::rename(&path, &old_path)
        .and_then(|()| std::fs::rename(&new_path, &path))
        .map_err(|e| format!("the keys are re-wrapped, but moving the key files failed ({e}): move {} to {} and {} to {}", path.display(), old_path.display(), new_path.display(), path.display()))?;
    println!(
        "Re-wrapped {count} tenant data keys under the new key-encryption key ({}).",
        new.fingerprint()
    );
    println!(
        "The new key is in {}; the old one is kept in {} and still accepted. Restart every \
         server of this hub now (each reads the key files at start-up), then delete the old \
         file and its backups.",
        path.display(),
        old_path.display()
    );
    Ok(())
}

async fn license(config: &Config, command: LicenseCommand) -> Result<(), String> {
    use hub_core::license::{iso_date, LicenseClaims, LicenseIssuer, LicenseVerifier};
    use hub_model::tenants::TenantLimits;
    let now = hub_core::clock::now_ms() / 1000;
    let read = |path: &std::path::Path| {
        std::fs::read(path).map_err(|e| format!("could not read {}: {e}", path.display()))
    };
    match command {
        LicenseCommand::Issue {
            private_key,
            public_key,
            licensee,
            days,
            max_tenants,
            automs,
            users,
            agents,
        } => {
            let public_key = public_key
                .or_else(|| configured_license_key(config))
                .ok_or("name the matching public key with --public-key")?;
            let issuer = LicenseIssuer::from_pem(&read(&private_key)?, &read(&public_key)?)
                .map_err(|e| e.to_string())?;
            let claims = LicenseClaims {
                sub: licensee,
                jti: uuid_text(),
                iat: now,
                exp: now.saturating_add(days.saturating_mul(86_400)),
                max_tenants,
                limits: TenantLimits {
                    automs,
                    users,
                    agents,
                },
            };
            println!("{}", issuer.issue(&claims, now).map_err(|e| e.to_string())?);
            Ok(())
        }
        LicenseCommand::Activate => {
            let hub = server::open_hub(config).await.map_err(|e| e.to_string())?;
            let key = read_stdin_line()?;
            let outcome = hub.activate_license(None, &key).await;
            hub.db().close().await;
            match outcome.map_err(|e| e.to_string())? {
                Activation::Activated => println!(
                    "MSP license activated: the Administrator is now the MSP Admin, and the \
                     Default Tenant holds the organization's existing data."
                ),
                Activation::Updated => {
                    println!("MSP license updated: the new license and limits are in force.")
                }
            }
            Ok(())
        }
        LicenseCommand::Show => {
            let public_key = configured_license_key(config).ok_or(NO_LICENSE_KEY)?;
            let verifier =
                LicenseVerifier::from_public_pem(&read(&public_key)?).map_err(|e| e.to_string())?;
            let key = read_stdin_line()?;
            let claims = verifier.verify(&key, now).map_err(|e| e.to_string())?;
            println!("Valid MSP license");
            println!("  licensee     {}", claims.sub);
            println!("  license id   {}", claims.jti);
            println!("  issued       {}", iso_date(claims.iat));
            println!("  expires      {}", iso_date(claims.exp));
            println!("  max tenants  {}", claims.max_tenants);
            println!(
                "  per tenant   {} Automs, {} users, {} AI agents",
                claims.limits.automs, claims.limits.users, claims.limits.agents
            );
            Ok(())
        }
    }
}

/// What the CLI says when no license public key is configured.
const NO_LICENSE_KEY: &str = "no license public key is configured: set keys.license_public_key \
     (or HUB_LICENSE_PUBLIC_KEY) to your vendor's Ed25519 public key";

/// The configured license public key, if any.
fn configured_license_key(config: &Config) -> Option<PathBuf> {
    let path = &config.keys.license_public_key;
    (!path.as_os_str().is_empty()).then(|| path.clone())
}

/// One line from standard input (a license key or a password), without its line end.
fn read_stdin_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A random license id.
fn uuid_text() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn print_banner(url: &str, seeded: Option<&DemoSeed>, setup_token: Option<&str>) {
    println!();
    println!("  MSP Hub is running at {url}");
    match seeded {
        Some(DemoSeed::Seeded {
            logins, api_key, ..
        }) => {
            println!("  Demo logins:");
            for login in logins {
                println!(
                    "    {:<14} {}  /  {}",
                    login.role, login.email, login.password
                );
            }
            if let Some(key) = api_key {
                println!("  Demo API key of Adatum Corporation (shown once; try it with");
                println!("    curl -H 'Authorization: Bearer {key}' {url}/api/v1/whoami )");
            }
        }
        Some(DemoSeed::AlreadyPopulated) => {
            println!(
                "  Demo logins (the database already had data; these work if it came from --demo):"
            );
            for login in hub_core::demo::DEMO_LOGINS {
                println!(
                    "    {:<14} {}  /  {}",
                    login.role, login.email, login.password
                );
            }
        }
        None => {}
    }
    if let Some(token) = setup_token {
        println!("  Create the Administrator account at {url}/setup?token={token}");
        println!(
            "  (setup needs this one-time token; it is also in the data directory's {} file)",
            server::SETUP_TOKEN_FILE
        );
    }
    println!();
}

/// Hides a password in a database URL.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
