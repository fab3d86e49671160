//! The database: SQLite (embedded default) or PostgreSQL, chosen by URL at run time.
//!
//! Queries are written once, with `$n` placeholders that both drivers accept, and run
//! through `sqlx::Any`. Migrations run with the concrete driver, one folder per database.

mod postgres;

pub use postgres::runtime_role_for;
pub(crate) mod scope;

use hub_model::HubError;
use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
    AnyPool, ConnectOptions as _, Connection as _, Executor as _,
};
use std::{str::FromStr as _, time::Duration};
use thiserror::Error;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a writer waits for SQLite's lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Which database engine is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to reach the database.
#[derive(Clone, Debug)]
pub struct DbSettings {
    /// `sqlite://path` or `postgres://owner@host/db`. On PostgreSQL this account runs the
    /// migrations; the server then works as `runtime_role`.
    pub url: String,
    /// PostgreSQL only: the role the server connects as. It owns no table and has no BYPASSRLS.
    /// Empty: `msp_hub_` and the database's name ([`runtime_role_for`]), one per database.
    pub runtime_role: String,
    /// PostgreSQL only: that role's password (generated into the data directory).
    pub runtime_password: String,
    /// Pool size.
    pub max_connections: u32,
}

/// Why the database could not be opened.
#[derive(Debug, Error)]
pub enum DbOpenError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    #[error("invalid PostgreSQL runtime role {0:?}: use lowercase letters, digits and _")]
    InvalidRole(String),
    #[error("the PostgreSQL runtime role must differ from the migration (owner) account {0:?}")]
    RoleIsOwner(String),
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "the PostgreSQL runtime role {role:?} already has rights on database {database:?} \
         (another hub's): give each hub's database its own role (database.runtime_role, or \
         leave it empty for msp_hub_<database>)"
    )]
    RoleInUse { role: String, database: String },
    #[error("could not make the database file private: {0}")]
    Private(#[source] std::io::Error),
    #[error("could not prepare the runtime role: {0}")]
    Bootstrap(#[source] sqlx::Error),
}

/// The open database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// What the pool connects to (on PostgreSQL the runtime role's URL), for another pool.
    url: String,
    max_connections: u32,
}

impl Db {
    /// Migrates the database, prepares the runtime role on PostgreSQL, and opens the pool.
    pub async fn open(settings: &DbSettings) -> Result<Self, DbOpenError> {
        sqlx::any::install_default_drivers();
        let url = match backend_of(&settings.url)? {
            Backend::Sqlite => {
                migrate_sqlite(&settings.url).await?;
                settings.url.clone()
            }
            Backend::Postgres => postgres::migrate_and_bootstrap(settings).await?,
        };
        Self::connect(url, settings.max_connections).await
    }

    /// Another pool on the same database, for another runtime (a pool's connections belong
    /// to the runtime that opened them). No migration: [`Db::open`] ran them.
    pub async fn another_pool(&self) -> Result<Self, DbOpenError> {
        Self::connect(self.url.clone(), self.max_connections).await
    }

    async fn connect(url: String, max_connections: u32) -> Result<Self, DbOpenError> {
        match backend_of(&url)? {
            Backend::Sqlite => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                                 PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
                    .map_err(DbOpenError::Connect)?;
                Ok(Self {
                    pool,
                    backend: Backend::Sqlite,
                    url,
                    max_connections,
                })
            }
            Backend::Postgres => {
                let options = AnyConnectOptions::from_str(&url)
                    .map_err(DbOpenError::Connect)?
                    .disable_statement_logging();
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections)
                    .connect_with(options)
                    .await
                    .map_err(DbOpenError::Connect)?;
                Ok(Self {
                    pool,
                    backend: Backend::Postgres,
                    url,
                    max_connections,
                })
            }
        }
    }

    /// The pool, for tests that inspect or arrange the database directly. The hub itself
    /// reaches it only through the scope types of [`crate::access`].
    #[cfg(feature = "testing")]
    pub fn pool_for_tests(&self) -> &AnyPool {
        &self.pool
    }

    /// One pooled connection, outside any transaction. For [`crate::access`] only.
    pub(crate) async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, HubError> {
        self.pool.acquire().await.db()
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), waiting out other writers within the busy timeout: a deferred
    /// transaction that has read and then tries to write cannot wait, and fails with
    /// `database is locked` when another writer got in between. PostgreSQL needs nothing
    /// special. Do slow work (password hashing) before calling this. For [`crate::access`]
    /// only: everything else gets its transaction from a scope type.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, HubError> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await.db(),
            Backend::Postgres => self.pool.begin().await.db(),
        }
    }

    /// Begins a transaction that only reads (one consistent snapshot). For [`crate::access`].
    pub(crate) async fn begin_read(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, HubError> {
        self.pool.begin().await.db()
    }

    /// Round-trips a trivial query: the readiness probe.
    pub async fn ping(&self) -> Result<(), HubError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .db()
    }

    /// Closes every connection (graceful shutdown, tests).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The engine a URL names.
pub fn backend_of(url: &str) -> Result<Backend, DbOpenError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(DbOpenError::UnsupportedUrl(url.to_owned()))
    }
}

async fn migrate_sqlite(url: &str) -> Result<(), DbOpenError> {
    let options = SqliteConnectOptions::from_str(url).map_err(DbOpenError::Connect)?;
    // The database holds password hashes and every tenant's data: owner-only, like the
    // secrets beside it (also tightening a file an older version created 0644).
    let file = options.get_filename();
    if file != std::path::Path::new(":memory:") {
        crate::secrets::make_private_file(file).map_err(DbOpenError::Private)?;
    }
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    let mut conn = options.connect().await.map_err(DbOpenError::Connect)?;
    SQLITE_MIGRATIONS.run(&mut conn).await?;
    conn.close().await.map_err(DbOpenError::Connect)
}

/// Maps database errors to the wire error: the details go to the log under a reference,
/// the user sees the reference only.
pub trait DbResultExt<T> {
    /// Turns a database error into [`HubError::Internal`].
    fn db(self) -> Result<T, HubError>;
}

impl<T> DbResultExt<T> for Result<T, sqlx::Error> {
    fn db(self) -> Result<T, HubError> {
        self.map_err(|e| internal(&e))
    }
}

/// Logs an unexpected error and returns the user-facing form with a reference.
pub fn internal(error: &dyn std::fmt::Display) -> HubError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    tracing::error!(reference = %reference, error = %error, "internal error");
    HubError::Internal { reference }
}

/// Whether an error is the protected-MSP-Admin trigger refusing a change (DESIGN §1).
pub fn is_protected_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.message().contains("protected MSP Admin"))
}

/// Whether an error is a unique-constraint violation (a lost race or a duplicate).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}
