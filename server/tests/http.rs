//! Integration tests: the real server on a random port, called over HTTP, on SQLite and
//! on PostgreSQL.

mod common;

use common::*;
use std::time::{Duration, Instant};

on_both_databases!(
    setup_happens_once_then_everyone_signs_in,
    |server: TestServer| async move {
        let client = server.client();
        let response = client.get(server.url("/")).send().await.expect("get");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), Some("/setup"));

        let response = server.set_up(&client).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = session_cookie(&response).expect("setup signs the Administrator in");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("Secure"),
            "plain http gets no Secure flag: {cookie}"
        );

        let response = client.get(server.url("/")).send().await.expect("get");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response
            .text()
            .await
            .expect("html")
            .contains("Welcome, Dana"));

        let again = server.set_up(&server.client()).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert_eq!(
            json(again).await,
            serde_json::json!({ "kind": "already_set_up" })
        );
        let response = server
            .client()
            .get(server.url("/setup"))
            .send()
            .await
            .expect("get");
        assert_eq!(location(&response), Some("/login"));
    }
);

on_both_databases!(
    wrong_password_and_unknown_user_look_the_same,
    |server: TestServer| async move {
        server.set_up(&server.client()).await;
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for _ in 0..3 {
            let started = Instant::now();
            let response = server
                .login(&server.client(), ADMIN_EMAIL, "not the password")
                .await;
            known.push(started.elapsed());
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            let wrong_password = json(response).await;

            let started = Instant::now();
            let response = server
                .login(
                    &server.client(),
                    "nobody@contoso.example",
                    "not the password",
                )
                .await;
            unknown.push(started.elapsed());
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(json(response).await, wrong_password);
            assert_eq!(
                wrong_password,
                serde_json::json!({ "kind": "invalid_credentials" })
            );
        }
        // Both paths verify an argon2 hash; without the dummy hash an unknown account would
        // answer many times faster. Medians, with a wide margin for a busy machine.
        known.sort();
        unknown.sort();
        assert!(
            unknown[1] * 3 >= known[1],
            "unknown account answered in {:?}, known in {:?}",
            unknown[1],
            known[1]
        );
    }
);

on_both_databases!(
    failed_logins_are_rate_limited,
    |server: TestServer| async move {
        server.set_up(&server.client()).await;
        for _ in 0..5 {
            let response = server
                .login(&server.client(), ADMIN_EMAIL, "not the password")
                .await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        let response = server
            .login(&server.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
            .await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let body = json(response).await;
        assert_eq!(body["kind"], "rate_limited");
        assert!(
            body["retry_after_secs"]
                .as_u64()
                .is_some_and(|s| s > 0 && s <= 900),
            "{body}"
        );
    }
);

on_both_databases!(
    logout_revokes_the_session_on_the_server,
    |server: TestServer| async move {
        server.set_up(&server.client()).await;
        let client = server.client();
        let response = server.login(&client, ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let token = session_cookie(&response).expect("cookie");
        let token = token.split(';').next().expect("pair").to_owned();

        let workspaces = server.post_form(&client, "/api/workspaces", &[]).await;
        assert_eq!(workspaces.status(), StatusCode::OK);
        let list = json(workspaces).await;
        assert_eq!(list["single_organization"], true);
        assert_eq!(list["entries"][0]["name"], "Contoso MSP");

        let logout = server.post_form(&client, "/api/logout", &[]).await;
        assert_eq!(logout.status(), StatusCode::OK);
        assert!(session_cookie(&logout).is_some_and(|c| c.contains("Max-Age=0")));

        // Replaying the old token from anywhere is refused: the session is dead in the database.
        let replay = Client::new()
            .post(server.url("/api/workspaces"))
            .header(header::COOKIE, &token)
            .send()
            .await
            .expect("replay");
        assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            json(replay).await,
            serde_json::json!({ "kind": "unauthenticated" })
        );
        let page = server
            .client()
            .get(server.url("/"))
            .header(header::COOKIE, &token)
            .send()
            .await
            .expect("get");
        assert_eq!(location(&page), Some("/login?next=%2F"));
    }
);

on_both_databases!(
    cross_site_requests_are_refused_and_change_nothing,
    |server: TestServer| async move {
        let form = [
            ("organization_name", "Evil"),
            ("display_name", "Mallory"),
            ("email", "m@evil.example"),
            ("password", "a long enough password"),
        ];
        let by_origin = server
            .client()
            .post(server.url("/api/setup"))
            .header(header::ORIGIN, "https://evil.example")
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(by_origin.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            json(by_origin).await,
            serde_json::json!({ "kind": "cross_site_request" })
        );
        let by_fetch_metadata = server
            .client()
            .post(server.url("/api/setup"))
            .header("sec-fetch-site", "cross-site")
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(by_fetch_metadata.status(), StatusCode::FORBIDDEN);
        assert!(server.setup_required().await, "nothing was written");
    }
);

on_both_databases!(
    oversized_and_malformed_bodies_are_refused_and_change_nothing,
    |server: TestServer| async move {
        let huge = "x".repeat(200 * 1024);
        let oversized = server
            .post_form(
                &server.client(),
                "/api/setup",
                &[
                    ("organization_name", huge.as_str()),
                    ("display_name", "A"),
                    ("email", "a@b.co"),
                    ("password", "p"),
                ],
            )
            .await;
        assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            json(oversized).await,
            serde_json::json!({ "kind": "payload_too_large", "limit_bytes": 65536 })
        );

        let malformed = server
            .client()
            .post(server.url("/api/setup"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("organization_name=%%%&display_name")
            .send()
            .await
            .expect("post");
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        assert_eq!(json(malformed).await["kind"], "bad_request");

        let token = server.setup_token().await;
        let invalid = server
            .post_form(
                &server.client(),
                "/api/setup",
                &[
                    ("organization_name", "Contoso"),
                    ("display_name", "Dana"),
                    ("email", "not-an-email"),
                    ("password", ADMIN_PASSWORD),
                    ("setup_token", &token),
                ],
            )
            .await;
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = json(invalid).await;
        assert_eq!(body["kind"], "invalid_input");
        assert_eq!(body["field"], "email");
        assert!(server.setup_required().await, "nothing was written");
    }
);

on_both_databases!(
    unknown_routes_get_the_404_page,
    |server: TestServer| async move {
        let response = server
            .client()
            .get(server.url("/no/such/page"))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(response
            .text()
            .await
            .expect("html")
            .contains("Page not found"));
        let unknown_fn = server
            .post_form(&server.client(), "/api/no_such_function", &[])
            .await;
        assert!(unknown_fn.status().is_client_error());
    }
);

// The server's own runtime flavor (see main.rs).
#[tokio::test]
async fn probes_and_security_headers() {
    let server = TestServer::start(Backend::Sqlite).await;
    let client = server.client();
    let health = client
        .get(server.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), StatusCode::OK);
    let ready = client
        .get(server.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);

    let compressed = client
        .get(server.url("/setup"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("setup page");
    assert_eq!(
        compressed.headers()[header::CONTENT_ENCODING],
        "gzip",
        "responses are compressed"
    );

    let page = client
        .get(server.url("/setup"))
        .send()
        .await
        .expect("setup page");
    let headers = page.headers().clone();
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("nonce");
    let html = page.text().await.expect("html");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the request's nonce"
    );

    // Every request gets its own nonce.
    let other = client
        .get(server.url("/setup"))
        .send()
        .await
        .expect("again");
    assert_ne!(
        other.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("csp"),
        csp
    );
}

// The server's own runtime flavor (see main.rs).
#[tokio::test]
async fn tokens_are_checked_against_the_database_on_every_request() {
    let server = TestServer::start(Backend::Sqlite).await;
    server.set_up(&server.client()).await;
    let response = server
        .login(&server.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    let token = session_cookie(&response)
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let forged = format!("{}x", token);
    let response = Client::new()
        .post(server.url("/api/workspaces"))
        .header(header::COOKIE, forged)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        session_cookie(&response).is_some_and(|c| c.contains("Max-Age=0")),
        "a bad cookie is cleared"
    );
    // Give the background tasks a moment to finish before the database is dropped.
    tokio::time::sleep(Duration::from_millis(10)).await;
}

// The server's own runtime flavor (see main.rs).
#[tokio::test]
async fn session_cookies_are_secure_under_https() {
    use server::config::SecureCookies;
    let always = TestServer::start_with(Backend::Sqlite, |c| {
        c.server.secure_cookies = SecureCookies::Always
    })
    .await;
    let response = always.set_up(&always.client()).await;
    assert!(session_cookie(&response).is_some_and(|c| c.contains("; Secure")));

    let behind_proxy =
        TestServer::start_with(Backend::Sqlite, |c| c.server.trust_proxy_headers = true).await;
    behind_proxy.set_up(&behind_proxy.client()).await;
    let https = behind_proxy
        .client()
        .post(behind_proxy.url("/api/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("login");
    assert!(session_cookie(&https).is_some_and(|c| c.contains("; Secure")));
    let http = behind_proxy
        .login(&behind_proxy.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert!(session_cookie(&http).is_some_and(|c| !c.contains("Secure")));
}

/// One HTTP/1.1 connection, kept alive across requests (as a browser keeps one).
struct KeepAlive {
    host: String,
    sender: hyper::client::conn::http1::SendRequest<http_body_util::Empty<hyper::body::Bytes>>,
}

impl KeepAlive {
    async fn open(server: &TestServer) -> Self {
        let host = server.base.trim_start_matches("http://").to_owned();
        let stream = tokio::net::TcpStream::connect(&host)
            .await
            .expect("connect");
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .expect("handshake");
        tokio::spawn(connection);
        Self { host, sender }
    }

    /// Fetches `path` and reads the whole body; returns how long that took.
    async fn get(&mut self, path: &str, cookie: Option<&str>) -> Duration {
        use http_body_util::BodyExt as _;
        let mut request = http::Request::get(path).header(header::HOST, &self.host);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request.body(http_body_util::Empty::new()).expect("request");
        let started = Instant::now();
        let response = self.sender.send_request(request).await.expect("send");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let body = response.into_body().collect().await.expect("body");
        let elapsed = started.elapsed();
        assert!(!body.to_bytes().is_empty(), "GET {path} has a body");
        elapsed
    }
}

// Regression: without TCP_NODELAY on accepted connections, a response written in more than
// one piece waited for the client's delayed ACK (≈40 ms) on every reused connection, while a
// fresh connection (still in quick-ACK mode) answered in about a millisecond.
// The server's own runtime flavor (see main.rs).
#[tokio::test]
async fn responses_on_a_reused_connection_do_not_stall() {
    let server = TestServer::start(Backend::Sqlite).await;
    // A static file the size of the stylesheet.
    let pkg = server.db.dir.join("site").join("pkg");
    std::fs::create_dir_all(&pkg).expect("site dir");
    let stylesheet: String = (0..600)
        .map(|i| format!(".rule-{i} {{ color: var(--accent); margin: {i}px; }}\n"))
        .collect();
    std::fs::write(pkg.join("msp-hub.css"), stylesheet).expect("stylesheet");
    server.set_up(&server.client()).await;
    let signed_in = server
        .login(&server.client(), ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    let cookie = session_cookie(&signed_in).expect("cookie");
    let cookie = cookie.split(';').next().expect("pair").to_owned();

    for (path, cookie) in [
        ("/pkg/msp-hub.css", None),
        ("/login", None),
        ("/", Some(cookie.as_str())),
    ] {
        // A stall happens on most reused requests; noise on a busy machine does not repeat
        // three rounds in a row.
        let mut rounds = Vec::new();
        for _ in 0..3 {
            let mut kept = KeepAlive::open(&server).await;
            kept.get(path, cookie).await; // The first response goes out in quick-ACK mode.
            let (mut reused, mut fresh) = (Vec::new(), Vec::new());
            // Interleaved, so that noise on the machine hits both kinds alike.
            for _ in 0..8 {
                reused.push(kept.get(path, cookie).await);
                fresh.push(KeepAlive::open(&server).await.get(path, cookie).await);
            }
            let slowest_fresh = fresh.iter().max().copied().unwrap_or_default();
            let stalled = reused
                .iter()
                .any(|t| *t > slowest_fresh + Duration::from_millis(20));
            rounds.push((reused, fresh));
            if !stalled {
                break;
            }
        }
        assert!(
            rounds.len() < 3 || {
                let (reused, fresh) = &rounds[2];
                let slowest_fresh = fresh.iter().max().copied().unwrap_or_default();
                reused
                    .iter()
                    .all(|t| *t <= slowest_fresh + Duration::from_millis(20))
            },
            "GET {path}: responses on a reused connection stalled in three rounds \
             (reused, fresh): {rounds:?}"
        );
    }
}

/// How many sessions the database holds.
async fn session_count(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&server.db.owner_pool().await)
        .await
        .expect("count sessions")
}

/// Signs the Administrator in with `next` as the page to return to.
async fn login_then(server: &TestServer, next: &str) -> reqwest::Response {
    server
        .post_form(
            &server.client(),
            "/api/login",
            &[
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("next", next),
            ],
        )
        .await
}

// Regression: `next=/\n/x` passed the old check, a session row was written, and then the
// redirect header could not be built: the connection dropped with a panic.
on_both_databases!(
    a_return_address_off_this_site_is_refused_before_anything_is_written,
    |server: TestServer| async move {
        server.set_up(&server.client()).await;
        let before = session_count(&server).await;
        for next in [
            "/\n/x",
            "/\r\nSet-Cookie: a=b",
            "/\t/127.0.0.1:4999/pwned",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/%2F/evil.example",
        ] {
            let response = login_then(&server, next).await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{next:?}"
            );
            assert!(session_cookie(&response).is_none(), "{next:?}");
            assert_eq!(
                json(response).await["field"],
                "next",
                "{next:?}: the typed error names the field"
            );
        }
        assert_eq!(
            session_count(&server).await,
            before,
            "no session was written"
        );

        // A path of this site is where the sign-in goes.
        let response = login_then(&server, "/tenants?q=contoso").await;
        assert_eq!(location(&response), Some("/tenants?q=contoso"));
    }
);

// Regression: behind a proxy the leftmost X-Forwarded-For entry (the client's own claim) was
// taken as its address, so a different forged value per attempt passed the per-address limit
// and the audit log recorded the forgery.
on_both_databases_with!(
    the_client_address_behind_a_proxy_cannot_be_forged,
    |c: &mut server::config::Config| {
        c.server.trust_proxy_headers = true;
        c.login.max_failures_per_ip = 3;
    },
    |server: TestServer| async move {
        server.set_up(&server.client()).await;
        let mut statuses = Vec::new();
        for attempt in 0..5 {
            let response = server
                .client()
                .post(server.url("/api/login"))
                .header("x-forwarded-for", format!("10.9.8.{attempt}, 203.0.113.7"))
                .form(&[
                    ("email", format!("nobody{attempt}@contoso.example").as_str()),
                    ("password", "not the password"),
                ])
                .send()
                .await
                .expect("login");
            statuses.push(response.status().as_u16());
        }
        assert_eq!(
            statuses,
            [401, 401, 401, 429, 429],
            "one address, one limit"
        );
        let forged: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%10.9.8.%'")
                .fetch_one(&server.db.owner_pool().await)
                .await
                .expect("audit");
        let real: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%203.0.113.7%'",
        )
        .fetch_one(&server.db.owner_pool().await)
        .await
        .expect("audit");
        // Three failed sign-ins and two slowed down, all under the real address.
        assert_eq!(
            (forged, real),
            (0, 5),
            "the audit log records the real address"
        );
    }
);

/// Sends a raw HTTP/1.1 request and returns the status code of the answer.
async fn raw_status(server: &TestServer, head: &str, body: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let host = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    stream
        .write_all(format!("{head}Host: {host}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .expect("head");
    // The server may answer (and close) before the whole body is sent.
    let _ = stream.write_all(body).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

// Regression: a server-function body that could not be read answered 503 `network` (a
// client-side error kind) instead of 413 past the limit or 400 when it is not text.
on_both_databases!(
    unreadable_server_function_bodies_get_413_or_400,
    |server: TestServer| async move {
        server.set_up(&server.client()).await;
        // Chunked past the 64 KiB limit of the test server: no Content-Length to refuse early.
        let chunk = format!("{:x}\r\n{}\r\n", 16 * 1024, "a".repeat(16 * 1024));
        let mut body = "4\r\nx=aa\r\n".to_owned();
        for _ in 0..8 {
            body.push_str(&chunk);
        }
        body.push_str("0\r\n\r\n");
        let status = raw_status(
            &server,
            "POST /api/login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Transfer-Encoding: chunked\r\n",
            body.as_bytes(),
        )
        .await;
        assert_eq!(status, 413, "chunked past the limit");

        let response = server
            .client()
            .post(server.url("/api/login"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(b"email=\xff\xfe%ff&password=\xc3\x28".to_vec())
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "not UTF-8");
        assert_eq!(json(response).await["kind"], "bad_request");
    }
);

// Regression: signed-in pages and JSON carried no Cache-Control, so a shared computer's
// browser cache (or a proxy) could keep another user's data.
on_both_databases!(
    pages_and_data_are_never_cached_but_assets_are,
    |server: TestServer| async move {
        let pkg = server.db.dir.join("site").join("pkg");
        std::fs::create_dir_all(&pkg).expect("site dir");
        std::fs::write(pkg.join("msp-hub.css"), "body { color: black; }").expect("css");
        let client = server.client();
        server.set_up(&client).await;
        for response in [
            client.get(server.url("/")).send().await.expect("page"),
            client.get(server.url("/login")).send().await.expect("page"),
            client
                .post(server.url("/api/workspaces"))
                .send()
                .await
                .expect("json"),
        ] {
            assert_eq!(
                response
                    .headers()
                    .get(header::CACHE_CONTROL)
                    .map(|v| v.to_str().ok()),
                Some(Some("no-store")),
                "{}",
                response.url()
            );
        }
        let asset = client
            .get(server.url("/pkg/msp-hub.css"))
            .send()
            .await
            .expect("asset");
        assert_eq!(asset.status(), StatusCode::OK);
        // A name without a content hash may change its bytes: revalidated, never stored blind.
        assert_eq!(
            asset
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("no-cache")
        );

        // The bundle as `cargo leptos build --release --precompress` with `hash-files` writes
        // it: hashed names, each with a brotli and a gzip copy made at build time.
        let name = "msp-hub.AbCdEfGhIjKlMnOpQrStUv.wasm";
        let raw = b"\0asm raw bytes".to_vec();
        std::fs::write(pkg.join(name), &raw).expect("wasm");
        std::fs::write(pkg.join(format!("{name}.br")), b"brotli bytes").expect("br");
        std::fs::write(pkg.join(format!("{name}.gz")), b"gzip bytes").expect("gz");
        for (accept, encoding, body) in [
            (
                Some("gzip, deflate, br, zstd"),
                Some("br"),
                b"brotli bytes".to_vec(),
            ),
            (Some("gzip"), Some("gzip"), b"gzip bytes".to_vec()),
            (None, None, raw.clone()),
        ] {
            let mut request = client.get(server.url(&format!("/pkg/{name}")));
            if let Some(accept) = accept {
                request = request.header(header::ACCEPT_ENCODING, accept);
            }
            let response = request.send().await.expect("asset");
            assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
            let headers = response.headers().clone();
            let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
            assert_eq!(
                text(header::CACHE_CONTROL),
                Some("public, max-age=31536000, immutable"),
                "{accept:?}"
            );
            assert_eq!(text(header::CONTENT_ENCODING), encoding, "{accept:?}");
            assert!(
                headers
                    .get_all(header::VARY)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .any(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                "{accept:?}: shared caches keep one copy per encoding"
            );
            assert_eq!(
                text(header::CONTENT_TYPE),
                Some("application/wasm"),
                "{accept:?}"
            );
            assert_eq!(
                response.bytes().await.expect("body").to_vec(),
                body,
                "{accept:?}: the file compressed at build time, not compressed again"
            );
        }
        // Revalidating it keeps it immutable, whether the answer is the file again (the
        // static file handler serves whole files) or a 304, whose headers would replace the
        // stored ones.
        let first = client
            .get(server.url(&format!("/pkg/{name}")))
            .send()
            .await
            .expect("asset");
        let modified = first
            .headers()
            .get(header::LAST_MODIFIED)
            .expect("Last-Modified")
            .clone();
        let again = client
            .get(server.url(&format!("/pkg/{name}")))
            .header(header::IF_MODIFIED_SINCE, modified)
            .send()
            .await
            .expect("revalidation");
        assert!(
            [StatusCode::OK, StatusCode::NOT_MODIFIED].contains(&again.status()),
            "{}",
            again.status()
        );
        assert_eq!(
            again
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("public, max-age=31536000, immutable")
        );
        // A hashed name that does not exist is not cached.
        let missing = client
            .get(server.url("/pkg/msp-hub.ZZZZZZZZZZZZZZZZZZZZZZ.wasm"))
            .send()
            .await
            .expect("missing");
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_ne!(
            missing
                .headers()
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("public, max-age=31536000, immutable")
        );
    }
);

// Regression: setup needed nothing but a reachable hub, so a page using DNS rebinding (same
// origin to the browser, so no CSRF check applies) could create the Administrator of a hub
// that was not set up yet. Setup now needs the one-time token printed at start-up.
on_both_databases!(
    setup_needs_the_token_printed_at_start_up,
    |server: TestServer| async move {
        let token = server.setup_token().await;
        assert_eq!(token.len(), 32, "a 128-bit token");
        let file = server.db.dir.join(server::SETUP_TOKEN_FILE);
        assert_eq!(
            std::fs::read_to_string(&file).expect("token file").trim(),
            token
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let form = |token: &'static str| {
            [
                ("organization_name", "Evil"),
                ("display_name", "Mallory"),
                ("email", "m@evil.example"),
                ("password", "a long enough password"),
                ("setup_token", token),
            ]
        };
        for wrong in ["", "0123456789abcdef0123456789abcdef"] {
            // Same origin, as a rebound page would be.
            let response = server
                .client()
                .post(server.url("/api/setup"))
                .header("sec-fetch-site", "same-origin")
                .form(&form(wrong))
                .send()
                .await
                .expect("post");
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(json(response).await["field"], "setup_token");
            assert!(server.setup_required().await, "nothing was written");
        }
        let denied: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'setup.complete' AND outcome = 'denied'",
        )
        .fetch_one(&server.db.owner_pool().await)
        .await
        .expect("count");
        assert_eq!(denied, 2, "each wrong token is audited");

        assert_eq!(
            server.set_up(&server.client()).await.status(),
            StatusCode::OK
        );
        assert_eq!(server.setup_token().await, "", "the token is spent");
    }
);
