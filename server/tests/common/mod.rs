//! The integration-test harness: the real server on a random port, on SQLite or PostgreSQL.
#![allow(dead_code)] // Each test binary uses its own part of the harness.

pub use hub_core::{db::Backend, testing::TestDb};
pub use reqwest::{header, redirect::Policy, Client, StatusCode};
use server::config::Config;
use tokio::{net::TcpListener, sync::oneshot};

pub const ADMIN_EMAIL: &str = "dana@contoso.example";
pub const ADMIN_PASSWORD: &str = "a long enough password";

pub struct TestServer {
    pub base: String,
    pub db: TestDb,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let db = TestDb::new(backend).await;
        let mut config = Config::default();
        config.server.data_dir = db.dir.clone();
        config.server.site_root = db.dir.join("site").display().to_string();
        config.database.url = db.settings.url.clone();
        config.database.runtime_role = db.settings.runtime_role.clone();
        config.server.body_limit_bytes = 64 * 1024;
        config.keys.license_public_key = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../keys/dev/license-public.pem"
        ));
        tweak(&mut config);
        let hub = server::open_hub(&config).await.expect("open hub");
        server::setup_token(&hub, &config)
            .await
            .expect("setup token");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            let _ = server::serve(listener, hub, &config, shutdown).await;
        });
        Self {
            base,
            db,
            stop: Some(stop),
        }
    }

    /// Begins the server's graceful stop (as SIGTERM does), keeping the database.
    pub fn begin_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    pub async fn post_form(
        &self,
        client: &Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn set_up(&self, client: &Client) -> reqwest::Response {
        let token = self.setup_token().await;
        self.post_form(
            client,
            "/api/setup",
            &[
                ("organization_name", "Contoso MSP"),
                ("display_name", "Dana Admin"),
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("setup_token", &token),
            ],
        )
        .await
    }

    /// The one-time setup token, as the server printed it (empty once set up).
    pub async fn setup_token(&self) -> String {
        sqlx::query_scalar::<_, String>("SELECT token FROM setup_token WHERE id = 1")
            .fetch_optional(&self.db.owner_pool().await)
            .await
            .expect("setup token")
            .unwrap_or_default()
    }

    pub async fn login(&self, client: &Client, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            client,
            "/api/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn setup_required(&self) -> bool {
        let response = self.client().get(self.url("/")).send().await.expect("get");
        location(&response) == Some("/setup")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn location(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
}

pub async fn json(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("json body")
}

pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hub_session="))
        .map(str::to_owned)
}

/// Runs one test body against a server on each database.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            // The server's own runtime flavor (see main.rs).
            #[tokio::test]
            async fn sqlite() {
                ($body)(TestServer::start(Backend::Sqlite).await).await;
            }

            // The server's own runtime flavor (see main.rs).
            #[tokio::test]
            async fn postgres() {
                ($body)(TestServer::start(Backend::Postgres).await).await;
            }
        }
    };
}

/// Runs one test body against a server on each database, with the configuration tweaked.
#[macro_export]
macro_rules! on_both_databases_with {
    ($name:ident, $tweak:expr, $body:expr) => {
        mod $name {
            use super::*;

            // The server's own runtime flavor (see main.rs).
            #[tokio::test]
            async fn sqlite() {
                ($body)(TestServer::start_with(Backend::Sqlite, $tweak).await).await;
            }

            // The server's own runtime flavor (see main.rs).
            #[tokio::test]
            async fn postgres() {
                ($body)(TestServer::start_with(Backend::Postgres, $tweak).await).await;
            }
        }
    };
}

/// Creates an Autom `name` in tenant `slug` as `admin`: `trigger` manual or webhook, no alert;
/// the server's answer (the Autom, or the error).
pub async fn create_autom(
    server: &TestServer,
    admin: &Client,
    slug: &str,
    name: &str,
    trigger: &str,
    definition: &str,
) -> serde_json::Value {
    json(
        server
            .post_form(
                admin,
                "/api/t/automs/create",
                &[
                    ("tenant", slug),
                    ("name", name),
                    ("description", ""),
                    ("trigger", trigger),
                    ("cron", ""),
                    ("timezone", ""),
                    ("definition", definition),
                    ("alert", "none"),
                ],
            )
            .await,
    )
    .await
}
