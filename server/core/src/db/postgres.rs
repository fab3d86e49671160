//! PostgreSQL bootstrap: migrations as the owner, then a runtime role that owns nothing.

use super::{DbOpenError, DbSettings, POSTGRES_MIGRATIONS};
use sqlx::{
    postgres::{PgConnectOptions, PgConnection},
    ConnectOptions as _, Connection as _, Executor as _,
};
use std::str::FromStr as _;

/// Runs the migrations as the URL's (owner) account, makes sure the runtime role exists with
/// exactly the grants it needs, and returns the URL the server should connect with.
pub(super) async fn migrate_and_bootstrap(settings: &DbSettings) -> Result<String, DbOpenError> {
    let role = &if settings.runtime_role.is_empty() {
        runtime_role_for(&settings.url)?
    } else {
        settings.runtime_role.clone()
    };
    if role.is_empty()
        || role.len() > 63
        || !role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || role.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(DbOpenError::InvalidRole(role.clone()));
    }
    let owner_options = PgConnectOptions::from_str(&settings.url).map_err(DbOpenError::Connect)?;
    if owner_options.get_username() == role {
        return Err(DbOpenError::RoleIsOwner(role.clone()));
    }
    let mut conn: PgConnection = owner_options
        .clone()
        .disable_statement_logging()
        .connect()
        .await
        .map_err(DbOpenError::Connect)?;

    // One bootstrap at a time per database (several servers may start together).
    conn.execute("SELECT pg_advisory_lock(7243001)")
        .await
        .map_err(DbOpenError::Bootstrap)?;
    let result = bootstrap(&mut conn, role, &settings.runtime_password).await;
    let unlock = conn.execute("SELECT pg_advisory_unlock(7243001)").await;
    result?;
    unlock.map_err(DbOpenError::Bootstrap)?;
    conn.close().await.map_err(DbOpenError::Connect)?;

    let mut url = url::Url::parse(&settings.url)
        .map_err(|e| DbOpenError::Connect(sqlx::Error::Configuration(Box::new(e))))?;
    url.set_username(role)
        .and_then(|()| url.set_password(Some(&settings.runtime_password)))
        .map_err(|()| DbOpenError::UnsupportedUrl(settings.url.clone()))?;
    Ok(url.to_string())
}

/// The runtime role a database gets when none is configured: `msp_hub_` and the database's
/// name, so every hub on a cluster has its own role (and its own password).
pub fn runtime_role_for(url: &str) -> Result<String, DbOpenError> {
    let options = PgConnectOptions::from_str(url).map_err(DbOpenError::Connect)?;
    let database = options
        .get_database()
        .map(str::to_owned)
        .unwrap_or_else(|| options.get_username().to_owned());
    let name: String = database
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    Ok(format!("msp_hub_{name}").chars().take(63).collect())
}

async fn bootstrap(conn: &mut PgConnection, role: &str, password: &str) -> Result<(), DbOpenError> {
    // A role that holds rights on another database belongs to another hub: sharing it would
    // give each hub's server the other's data and overwrite each other's password.
    let elsewhere: Option<String> = sqlx::query_scalar(
        "SELECT d.datname::text FROM pg_database d, aclexplode(d.datacl) a \
         JOIN pg_roles r ON r.oid = a.grantee \
         WHERE r.rolname = $1 AND d.datname <> current_database() LIMIT 1",
    )
    .bind(role)
    .fetch_optional(&mut *conn)
    .await
    .map_err(DbOpenError::Bootstrap)?;
    if let Some(database) = elsewhere {
        return Err(DbOpenError::RoleInUse {
            role: role.to_owned(),
            database,
        });
    }
    POSTGRES_MIGRATIONS.run(&mut *conn).await?;
    // The role name was checked to be [a-z0-9_]; the password is generated hex.
    let password = password.replace('\'', "''");
    let statements = format!(
        r#"
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE "{role}" LOGIN;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        ALTER ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '{password}';
        DO $$ BEGIN
            EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO "{role}"', current_database());
        END $$;
        GRANT USAGE ON SCHEMA public TO "{role}";
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}";
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}";
        REVOKE ALL ON _sqlx_migrations FROM "{role}";
        REVOKE UPDATE, DELETE ON audit_events FROM "{role}";
        "#
    );
    conn.execute(statements.as_str())
        .await
        .map_err(DbOpenError::Bootstrap)?;
    Ok(())
}
