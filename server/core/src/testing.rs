//! Test support: a fresh, migrated database per test, on SQLite or PostgreSQL.
//!
//! PostgreSQL tests never skip: when the server is unreachable they fail with a message
//! saying how to point them at one (`HUB_TEST_POSTGRES_URL`).

use crate::{
    auth::{LoginPolicy, SessionPolicy},
    db::{Backend, Db, DbSettings},
    Hub, HubSettings,
};
use sqlx::{postgres::PgConnection, Connection as _, Executor as _};
use std::path::PathBuf;
use uuid::Uuid;

/// Where PostgreSQL tests create their databases (a superuser account).
pub fn postgres_admin_url() -> String {
    std::env::var("HUB_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A throw-away database, dropped (PostgreSQL) or deleted (SQLite) at the end of the test.
pub struct TestDb {
    pub settings: DbSettings,
    pub backend: Backend,
    /// The data directory for this test (SQLite file, secrets).
    pub dir: PathBuf,
    pg_name: Option<String>,
}

impl TestDb {
    /// A fresh database of the given kind.
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite(),
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A fresh SQLite file in a temporary directory.
    pub fn sqlite() -> Self {
        let dir = temp_dir();
        let url = format!("sqlite://{}", dir.join("hub.db").display());
        Self {
            settings: DbSettings {
                url,
                runtime_role: String::new(),
                runtime_password: String::new(),
                max_connections: 5,
            },
            backend: Backend::Sqlite,
            dir,
            pg_name: None,
        }
    }

    /// A fresh PostgreSQL database with its own runtime role.
    pub async fn postgres() -> Self {
        let admin_url = postgres_admin_url();
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL tests need a server: could not connect to {admin_url} ({e}). \
                 Start PostgreSQL or set HUB_TEST_POSTGRES_URL to a superuser URL."
            )
        });
        let name = format!("hub_test_{}", Uuid::new_v4().simple());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("could not create test database {name}: {e}"));
        let _ = admin.close().await;
        let mut url = url::Url::parse(&admin_url)
            .unwrap_or_else(|e| panic!("bad HUB_TEST_POSTGRES_URL: {e}"));
        url.set_path(&name);
        Self {
            settings: DbSettings {
                url: url.to_string(),
                runtime_role: format!("{name}_app"),
                runtime_password: Uuid::new_v4().simple().to_string(),
                max_connections: 5,
            },
            backend: Backend::Postgres,
            dir: temp_dir(),
            pg_name: Some(name),
        }
    }

    /// Opens (migrates) the database.
    pub async fn open(&self) -> Db {
        Db::open(&self.settings)
            .await
            .unwrap_or_else(|e| panic!("could not open test database: {e}"))
    }

    /// A pool as the migration account, to inspect what the server cannot see: on PostgreSQL
    /// a superuser, which row-level security does not restrict. Call after [`Self::open`].
    pub async fn owner_pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.settings.url)
            .await
            .unwrap_or_else(|e| panic!("owner pool: {e}"))
    }

    /// A hub over the database with test policies.
    pub async fn hub(&self) -> Hub {
        let db = self.open().await;
        Hub::new(db, &[7u8; 32], &[8u8; 32], test_settings()).unwrap_or_else(|e| panic!("hub: {e}"))
    }
}

/// The repository's development license key pair: tests trust it explicitly.
pub use crate::license::{
    DEVELOPMENT_PRIVATE_KEY as DEV_LICENSE_PRIVATE_KEY,
    DEVELOPMENT_PUBLIC_KEY as DEV_LICENSE_PUBLIC_KEY,
};

/// Policies for tests: the production defaults.
pub fn test_settings() -> HubSettings {
    HubSettings {
        session: SessionPolicy::default(),
        login: LoginPolicy::default(),
        license_public_key: Some(DEV_LICENSE_PUBLIC_KEY.to_vec()),
        vault_keks: crate::vault::KekFiles::new(vec![5u8; 32]),
    }
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("msp-hub-test-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
    dir
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let Some(name) = self.pg_name.take() else {
            return;
        };
        let role = self.settings.runtime_role.clone();
        // Drop runs outside any runtime; clean up on a thread of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&postgres_admin_url()).await {
                    let _ = admin
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    let _ = admin
                        .execute(format!("DROP ROLE IF EXISTS \"{role}\"").as_str())
                        .await;
                }
            });
        })
        .join();
    }
}

/// Runs one async test body on both databases: `conformance!(name, |backend| async move { ... })`.
#[macro_export]
macro_rules! conformance {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::db::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)($crate::db::Backend::Postgres).await;
            }
        }
    };
}

/// A license key signed with the development key: `max_tenants`, the given default limits,
/// issued `issued_ago_secs` ago and valid for `valid_secs` from now (negative: expired).
pub fn license_key(
    max_tenants: i64,
    limits: hub_model::tenants::TenantLimits,
    issued_ago_secs: i64,
    valid_secs: i64,
) -> String {
    use crate::license::{LicenseClaims, LicenseIssuer};
    let now = crate::clock::now_ms() / 1000;
    let claims = LicenseClaims {
        sub: "Contoso MSP".to_owned(),
        jti: format!("lic-{}", Uuid::new_v4().simple()),
        iat: now - issued_ago_secs,
        exp: now + valid_secs,
        max_tenants,
        limits,
    };
    let issuer = LicenseIssuer::from_pem(DEV_LICENSE_PRIVATE_KEY, DEV_LICENSE_PUBLIC_KEY)
        .unwrap_or_else(|e| panic!("dev key pair: {e}"));
    // Expired keys cannot pass the issuer's self-check, so sign them "as of" their validity.
    let as_of = if valid_secs > 0 { now } else { claims.iat };
    issuer
        .issue(&claims, as_of)
        .unwrap_or_else(|e| panic!("issue: {e}"))
}

/// The per-tenant defaults test licenses carry.
pub const TEST_LIMITS: hub_model::tenants::TenantLimits = hub_model::tenants::TenantLimits {
    automs: 50,
    users: 20,
    agents: 5,
};

/// A valid year-long license for `max_tenants` tenants.
pub fn valid_license(max_tenants: i64) -> String {
    license_key(max_tenants, TEST_LIMITS, 60, 365 * 86_400)
}

/// Runs setup and returns the Administrator's principal.
pub async fn set_up_admin(hub: &Hub) -> crate::Principal {
    let input = crate::setup::SetupInput {
        organization_name: "Contoso MSP".to_owned(),
        display_name: "Dana Admin".to_owned(),
        email: "dana@contoso.example".to_owned(),
        password: "a long enough password".to_owned(),
    };
    hub.set_up(&input, &crate::ClientInfo::default())
        .await
        .unwrap_or_else(|e| panic!("setup: {e}"))
        .principal
}

/// Runs setup and activates a license for `max_tenants`; returns the MSP Admin.
pub async fn licensed_admin(hub: &Hub, max_tenants: i64) -> crate::Principal {
    let mut admin = set_up_admin(hub).await;
    hub.activate_license(Some(&admin), &valid_license(max_tenants))
        .await
        .unwrap_or_else(|e| panic!("activate: {e}"));
    admin.role = hub_model::session::SystemRole::MspAdmin;
    admin
}

/// The password of the accounts these helpers create.
pub const TEST_PASSWORD: &str = "a long enough password";

/// Creates a technician `name` <`email`> as `admin` and signs them in.
pub async fn signed_in_technician(
    hub: &Hub,
    admin: &crate::Principal,
    name: &str,
    email: &str,
) -> crate::Principal {
    let profile = hub_model::technicians::TechnicianProfile {
        display_name: name.to_owned(),
        email: email.to_owned(),
        phone: String::new(),
    };
    hub.create_technician(admin, &profile, TEST_PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("technician {email}: {e}"));
    hub.login(email, TEST_PASSWORD, &crate::ClientInfo::default())
        .await
        .unwrap_or_else(|e| panic!("login {email}: {e}"))
        .principal
}

/// Creates an API key `name` of tenant `slug` with `scopes` as `admin`, and authenticates it.
pub async fn live_key(
    hub: &Hub,
    admin: &crate::Principal,
    slug: &str,
    name: &str,
    scopes: &[hub_model::api_keys::ApiScope],
) -> crate::KeyCaller {
    let created = hub
        .create_api_key(
            admin,
            slug,
            &hub_model::api_keys::NewApiKey {
                name: name.to_owned(),
                scopes: hub_model::api_keys::ApiScopes::new(scopes.iter().copied()),
                expires_in_days: None,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("key {name}: {e}"));
    hub.authenticate_api_key(&created.secret)
        .await
        .unwrap_or_else(|e| panic!("auth {name}: {e}"))
        .unwrap_or_else(|| panic!("{name} is not live"))
}
