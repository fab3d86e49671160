//! Conformance tests of setup, sign-in, sessions and audit, run on SQLite and PostgreSQL.

use hub_core::{
    conformance, db::Backend, setup::SetupInput, testing::TestDb, ClientInfo, HubError,
};

fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.to_owned(),
        user_agent: "test".to_owned(),
    }
}

fn admin_input() -> SetupInput {
    SetupInput {
        organization_name: "Contoso MSP".to_owned(),
        display_name: "Dana Admin".to_owned(),
        email: "Dana@Contoso.example".to_owned(),
        password: "a long enough password".to_owned(),
    }
}

conformance!(setup_happens_exactly_once, |backend: Backend| async move {
    let db = TestDb::new(backend).await;
    let hub = db.hub().await;
    assert!(hub.setup_required().await.expect("status"));
    let signed_in = hub
        .set_up(&admin_input(), &client("10.0.0.1"))
        .await
        .expect("setup");
    assert_eq!(signed_in.principal.email, "dana@contoso.example");
    assert!(!hub.setup_required().await.expect("status"));

    let mut again = admin_input();
    again.email = "other@contoso.example".to_owned();
    assert_eq!(
        hub.set_up(&again, &client("10.0.0.1")).await.err(),
        Some(HubError::AlreadySetUp)
    );
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(hub.db().pool_for_tests())
        .await
        .expect("count");
    assert_eq!(users, 1, "a refused setup writes nothing");
});

conformance!(
    concurrent_setups_create_one_administrator,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let mut tasks = Vec::new();
        for i in 0..4 {
            let hub = hub.clone();
            tasks.push(tokio::spawn(async move {
                let mut input = admin_input();
                input.email = format!("admin{i}@contoso.example");
                hub.set_up(&input, &client("10.0.0.1")).await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.expect("join") {
                Ok(_) => ok += 1,
                Err(e) => assert_eq!(e, HubError::AlreadySetUp),
            }
        }
        assert_eq!(ok, 1);
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(hub.db().pool_for_tests())
            .await
            .expect("count");
        assert_eq!(users, 1);
    }
);

conformance!(
    invalid_setup_changes_nothing,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let mut input = admin_input();
        input.password = "short".to_owned();
        assert!(matches!(
            hub.set_up(&input, &client("10.0.0.1")).await,
            Err(HubError::InvalidInput { ref field, .. }) if field == "password"
        ));
        let mut input = admin_input();
        input.email = "not-an-email".to_owned();
        assert!(matches!(
            hub.set_up(&input, &client("10.0.0.1")).await,
            Err(HubError::InvalidInput { ref field, .. }) if field == "email"
        ));
        assert!(hub.setup_required().await.expect("status"));
    }
);

conformance!(
    login_sessions_and_revocation,
    |backend: Backend| async move {
        let (_db, hub) = set_up_hub(backend).await;

        let wrong = hub
            .login(
                "dana@contoso.example",
                "wrong password!!",
                &client("10.0.0.2"),
            )
            .await;
        assert_eq!(wrong.err(), Some(HubError::InvalidCredentials));
        let unknown = hub
            .login(
                "nobody@contoso.example",
                "wrong password!!",
                &client("10.0.0.2"),
            )
            .await;
        assert_eq!(unknown.err(), Some(HubError::InvalidCredentials));

        let signed_in = hub
            .login(
                " DANA@contoso.example ",
                "a long enough password",
                &client("10.0.0.2"),
            )
            .await
            .expect("login");
        let auth = hub
            .authenticate(&signed_in.token.token)
            .await
            .expect("auth")
            .expect("signed in");
        assert_eq!(auth.principal, signed_in.principal);

        hub.revoke_session(signed_in.principal.session_id)
            .await
            .expect("revoke");
        assert!(hub
            .authenticate(&signed_in.token.token)
            .await
            .expect("auth")
            .is_none());
        assert!(hub.authenticate("garbage").await.expect("auth").is_none());
    }
);

conformance!(
    password_reset_ends_every_session,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let first = hub
            .set_up(&admin_input(), &client("10.0.0.1"))
            .await
            .expect("setup");
        hub.reset_password("dana@contoso.example", "a brand new password", "cli")
            .await
            .expect("reset");
        assert!(hub
            .authenticate(&first.token.token)
            .await
            .expect("auth")
            .is_none());
        assert_eq!(
            hub.login(
                "dana@contoso.example",
                "a long enough password",
                &client("10.0.0.1")
            )
            .await
            .err(),
            Some(HubError::InvalidCredentials)
        );
        hub.login(
            "dana@contoso.example",
            "a brand new password",
            &client("10.0.0.1"),
        )
        .await
        .expect("login");
        assert!(matches!(
            hub.reset_password("ghost@contoso.example", "a brand new password", "cli")
                .await,
            Err(HubError::NotFound { .. })
        ));
    }
);

/// A fresh hub that Dana set up from 10.0.0.1 (a familiar address for her from then on).
async fn set_up_hub(backend: Backend) -> (TestDb, hub_core::Hub) {
    let db = TestDb::new(backend).await;
    let hub = db.hub().await;
    hub.set_up(&admin_input(), &client("10.0.0.1"))
        .await
        .expect("setup");
    (db, hub)
}

/// How many wrong passwords were actually checked (audited as failed sign-ins).
async fn checked_failures(db: &TestDb) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'auth.login' AND detail LIKE 'failed sign-in%'",
    )
    .fetch_one(&db.owner_pool().await)
    .await
    .expect("count")
}

conformance!(
    failed_logins_slow_down_per_pair_account_and_address_without_locking_the_owner_out,
    |backend: Backend| async move {
        let (db, hub) = set_up_hub(backend).await;
        let policy = hub.settings().login.clone();
        let dana = "dana@contoso.example";
        for _ in 0..policy.max_failures_per_account {
            let result = hub
                .login(dana, "wrong password!!", &client("10.0.0.3"))
                .await;
            assert_eq!(result.err(), Some(HubError::InvalidCredentials));
        }
        // The stranger is slowed down, even with the right password, and so is any other
        // unfamiliar address guessing at Dana...
        for ip in ["10.0.0.3", "10.0.0.4"] {
            let slowed = hub.login(dana, "a long enough password", &client(ip)).await;
            assert!(
                matches!(slowed, Err(HubError::RateLimited { retry_after_secs }) if retry_after_secs > 0),
                "{ip}: {slowed:?}"
            );
        }
        // ...but Dana at her familiar address signs in at once.
        hub.login(dana, "a long enough password", &client("10.0.0.1"))
            .await
            .expect("the owner at a familiar address is never slowed down by strangers");
        assert_eq!(checked_failures(&db).await, policy.max_failures_per_account);

        // Per address: many accounts from one address.
        for i in 0..policy.max_failures_per_ip {
            let result = hub
                .login(
                    &format!("user{i}@elsewhere.example"),
                    "wrong password!!",
                    &client("10.0.0.9"),
                )
                .await;
            assert_eq!(result.err(), Some(HubError::InvalidCredentials));
        }
        let by_ip = hub
            .login(
                "fresh@elsewhere.example",
                "wrong password!!",
                &client("10.0.0.9"),
            )
            .await;
        assert!(matches!(by_ip, Err(HubError::RateLimited { .. })));
        let other_ip = hub
            .login(
                "fresh@elsewhere.example",
                "wrong password!!",
                &client("10.0.0.10"),
            )
            .await;
        assert_eq!(other_ip.err(), Some(HubError::InvalidCredentials));

        // The administrator sees who is being slowed down.
        let admin = hub
            .login(dana, "a long enough password", &client("10.0.0.1"))
            .await
            .expect("sign in")
            .principal;
        let throttled = hub.throttled_keys(&admin).await.expect("throttles");
        assert!(
            throttled
                .iter()
                .any(|k| k.ip == "10.0.0.9" && k.blocked_for_secs > 0),
            "{throttled:?}"
        );
        assert!(
            throttled
                .iter()
                .any(|k| k.account == dana && k.blocked_for_secs > 0),
            "{throttled:?}"
        );
    }
);

// Regression: the limit was checked, the password hashed, then the attempt recorded, so 30
// parallel wrong passwords got 9 checked against a limit of 5, and an address 23 against 20.
conformance!(
    parallel_guesses_never_pass_a_limit,
    |backend: Backend| async move {
        let (db, hub) = set_up_hub(backend).await;
        let policy = hub.settings().login.clone();
        let guesses = (0..30).map(|_| {
            let hub = hub.clone();
            tokio::spawn(async move {
                hub.login(
                    "dana@contoso.example",
                    "wrong password!!",
                    &client("10.0.0.3"),
                )
                .await
            })
        });
        for result in futures_util::future::join_all(guesses).await {
            let result = result.expect("task");
            assert!(
                matches!(
                    result,
                    Err(HubError::InvalidCredentials | HubError::RateLimited { .. })
                ),
                "{result:?}"
            );
        }
        assert_eq!(checked_failures(&db).await, policy.max_failures_per_account);

        let guesses = (0..30).map(|i| {
            let hub = hub.clone();
            tokio::spawn(async move {
                hub.login(
                    &format!("user{i}@elsewhere.example"),
                    "wrong password!!",
                    &client("10.0.0.9"),
                )
                .await
            })
        });
        futures_util::future::join_all(guesses).await;
        assert_eq!(
            checked_failures(&db).await,
            policy.max_failures_per_account + policy.max_failures_per_ip
        );
    }
);

// Regression: wrong current passwords when changing one's own password were neither limited
// nor audited.
conformance!(
    wrong_current_passwords_are_slowed_down_and_audited,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = hub
            .set_up(&admin_input(), &client("10.0.0.1"))
            .await
            .expect("setup")
            .principal;
        let policy = hub.settings().login.clone();
        for _ in 0..policy.max_failures_per_account {
            let wrong = hub
                .change_own_password(&admin, "not my password", "a brand new password")
                .await;
            assert!(
                matches!(wrong, Err(HubError::InvalidInput { .. })),
                "{wrong:?}"
            );
        }
        let slowed = hub
            .change_own_password(&admin, "a long enough password", "a brand new password")
            .await;
        assert!(
            matches!(slowed, Err(HubError::RateLimited { .. })),
            "{slowed:?}"
        );
        let denied: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'user.password_change' AND outcome = 'denied'",
        )
        .fetch_one(&db.owner_pool().await)
        .await
        .expect("count");
        assert_eq!(denied, policy.max_failures_per_account + 1);
    }
);

conformance!(audit_log_is_append_only, |backend: Backend| async move {
    let db = TestDb::new(backend).await;
    let hub = db.hub().await;
    hub.set_up(&admin_input(), &client("10.0.0.1"))
        .await
        .expect("setup");
    let _ = hub
        .login(
            "dana@contoso.example",
            "wrong password!!",
            &client("10.0.0.2"),
        )
        .await;
    let events = hub.recent_audit_events(10).await.expect("events");
    assert_eq!(events[0].action, "auth.login");
    assert_eq!(events[0].outcome, "denied");
    assert!(events
        .iter()
        .any(|e| e.action == "setup.complete" && e.outcome == "allowed"));

    let update = sqlx::query("UPDATE audit_events SET outcome = 'allowed'")
        .execute(hub.db().pool_for_tests())
        .await;
    assert!(update.is_err(), "audit rows cannot be changed");
    let delete = sqlx::query("DELETE FROM audit_events")
        .execute(hub.db().pool_for_tests())
        .await;
    assert!(delete.is_err(), "audit rows cannot be deleted");
    assert_eq!(
        hub.recent_audit_events(10).await.expect("events").len(),
        events.len()
    );
});

conformance!(
    demo_seed_only_fills_an_empty_database,
    |backend: Backend| async move {
        use hub_core::demo::{DemoSeed, DEMO_ADMIN, DEMO_LOGINS};
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let DemoSeed::Seeded {
            logins,
            api_key,
            runner_keys,
        } = hub.seed_demo().await.expect("seed")
        else {
            panic!("an empty database is seeded");
        };
        assert_eq!(logins, DEMO_LOGINS.to_vec());
        // The printed key works, for the first tenant.
        let key = hub
            .authenticate_api_key(&api_key.expect("a demo key"))
            .await
            .expect("auth")
            .expect("a live key");
        assert_eq!(key.name, "Office runner");
        // A live runner key for each tenant with Automs.
        assert_eq!(runner_keys.len(), 3);
        for secret in &runner_keys {
            let runner = hub
                .authenticate_api_key(secret)
                .await
                .expect("auth")
                .expect("a live runner key");
            assert_eq!(runner.name, "Demo runner");
        }
        assert_eq!(
            hub.seed_demo().await.expect("seed"),
            DemoSeed::AlreadyPopulated
        );
        let admin = hub
            .login(DEMO_ADMIN.email, DEMO_ADMIN.password, &client("10.0.0.1"))
            .await
            .expect("demo login")
            .principal;
        // The overview has something in every list.
        let attention = hub.msp_attention(&admin).await.expect("attention");
        assert_eq!(
            (
                attention.near_limit_count,
                attention.deactivated_count,
                attention.idle_technician_count
            ),
            // Near a limit: the first tenant's users, the third tenant's Automs.
            (2, 2, 1)
        );
        // Automs of every trigger kind, with runs that succeeded, failed and wait in the queue.
        let first = hub
            .workspaces_for(&admin, None, "")
            .await
            .expect("workspaces")
            .entries[0]
            .slug
            .clone();
        let automs = hub
            .automs(&admin, &first, &hub_model::automs::AutomQuery::default())
            .await
            .expect("automs");
        assert_eq!(automs.total, 5);
        let runs = hub
            .runs(&admin, &first, &hub_core::automs::runs::RunQuery::default())
            .await
            .expect("runs");
        let mut statuses: Vec<&str> = runs.items.iter().map(|r| r.status.as_str()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, ["failed", "queued", "succeeded", "succeeded"]);
        // Alerts from the monitoring tool (one repeated, one acknowledged) and the failed run.
        let alerts = hub
            .alerts(&admin, &first, &hub_model::alerts::AlertQuery::default())
            .await
            .expect("alerts");
        let mut seen: Vec<(&str, &str, i64)> = alerts
            .items
            .iter()
            .map(|a| (a.source.as_str(), a.status.as_str(), a.count))
            .collect();
        seen.sort_unstable();
        assert_eq!(
            seen,
            [
                ("api", "acknowledged", 1),
                ("api", "open", 3),
                ("autom", "open", 1)
            ]
        );
        // The third tenant is at its Autom limit, and the MSP Admin has the alert for it.
        let third = hub
            .workspaces_for(&admin, None, "")
            .await
            .expect("workspaces")
            .entries[2]
            .slug
            .clone();
        let limit = hub_model::alerts::AlertQuery {
            source: Some(hub_model::alerts::AlertSource::Limit),
            ..Default::default()
        };
        let at_limit = hub.alerts(&admin, &third, &limit).await.expect("alerts");
        assert_eq!(at_limit.items.len(), 1, "{:?}", at_limit.items);
        // Every printed login works, and the demo shows technicians and tenant users.
        for login in DEMO_LOGINS {
            let signed_in = hub
                .login(login.email, login.password, &client("10.0.0.2"))
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", login.email));
            let visible = hub
                .workspaces_for(&signed_in.principal, None, "")
                .await
                .expect("workspaces");
            assert!(visible.total >= 1, "{} sees a tenant", login.email);
        }
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_runtime_role_owns_nothing_and_cannot_bypass_rls() {
    let db = TestDb::new(Backend::Postgres).await;
    let hub = db.hub().await;
    let (user, superuser, bypass): (String, bool, bool) = sqlx::query_as(
        "SELECT current_user::text, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(hub.db().pool_for_tests())
    .await
    .expect("role");
    assert_eq!(user, db.settings.runtime_role);
    assert!(!superuser);
    assert!(!bypass);
    let owned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE tableowner = current_user")
            .fetch_one(hub.db().pool_for_tests())
            .await
            .expect("owned");
    assert_eq!(owned, 0);
    // Reopening (a second server start) is idempotent.
    db.open().await;

    // The runtime role appends audit events, but the database stamps their time: a row
    // written as from 1970 lands now.
    sqlx::query(
        "INSERT INTO audit_events (id, at, actor_user_id, acting_as, tenant_id, action, target, \
         outcome, detail) VALUES ('forged', 1, NULL, 'x', NULL, 'x', 'x', 'allowed', 'x')",
    )
    .execute(hub.db().pool_for_tests())
    .await
    .expect("the runtime role may append");
    let at: i64 = sqlx::query_scalar("SELECT at FROM audit_events WHERE id = 'forged'")
        .fetch_one(hub.db().pool_for_tests())
        .await
        .expect("at");
    assert!(at > hub_core::clock::now_ms() - 60_000, "backdated to {at}");
    let truncate = sqlx::query("TRUNCATE audit_events")
        .execute(hub.db().pool_for_tests())
        .await;
    assert!(
        truncate.is_err(),
        "the runtime role cannot truncate the audit log"
    );
}

// Regression: every hub granted the one role `msp_hub_app` on its own database and reset its
// password, so two hubs on a cluster shared a role with rights in both databases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hubs_on_one_cluster_get_a_role_each() {
    use hub_core::db::{runtime_role_for, Db, DbOpenError};
    let mut one = TestDb::new(Backend::Postgres).await;
    let mut two = TestDb::new(Backend::Postgres).await;
    // The default: no role configured.
    one.settings.runtime_role = String::new();
    two.settings.runtime_role = String::new();
    let first = Db::open(&one.settings).await.expect("first hub");
    let second = Db::open(&two.settings).await.expect("second hub");
    // Drop cleans up the roles the hubs made.
    one.settings.runtime_role = runtime_role_for(&one.settings.url).expect("role");
    two.settings.runtime_role = runtime_role_for(&two.settings.url).expect("role");
    let whoami = |db: &Db| {
        let pool = db.pool_for_tests().clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT current_user::text")
                .fetch_one(&pool)
                .await
                .expect("current user")
        }
    };
    assert_eq!(whoami(&first).await, one.settings.runtime_role);
    assert_eq!(whoami(&second).await, two.settings.runtime_role);
    assert_ne!(one.settings.runtime_role, two.settings.runtime_role);

    // The first hub's role cannot reach the second hub's database, and the second hub's
    // start-up left the first hub's password alone.
    let mut foreign = url::Url::parse(&two.settings.url).expect("url");
    foreign
        .set_username(&one.settings.runtime_role)
        .expect("user");
    foreign
        .set_password(Some(&one.settings.runtime_password))
        .expect("password");
    let reach = sqlx::AnyPool::connect(foreign.as_str()).await;
    assert!(
        reach.is_err(),
        "the first hub's role connects to the second database"
    );
    first.close().await;
    let reopened = Db::open(&one.settings).await.expect("first hub again");
    assert_eq!(whoami(&reopened).await, one.settings.runtime_role);

    // Configuring the second hub with the first hub's role is refused.
    let mut shared = two.settings.clone();
    shared.runtime_role = one.settings.runtime_role.clone();
    assert!(matches!(
        Db::open(&shared).await,
        Err(DbOpenError::RoleInUse { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let db = TestDb::sqlite();
    let hub = db.hub().await;
    let mut conn = hub.db().pool_for_tests().acquire().await.expect("conn");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .expect("mode");
    assert_eq!(mode.to_lowercase(), "wal");
    let fks: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .expect("fk");
    assert_eq!(fks, 1);
    let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .expect("bt");
    assert!(timeout >= 5000);
}

// Regression: the SQLite database was created 0644 (readable by every local user) while the
// secrets beside it are 0600.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_database_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let db = TestDb::sqlite();
    let file = db.dir.join("hub.db");
    // A database an older version created world-readable is tightened too.
    std::fs::write(&file, b"").expect("create");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let hub = db.hub().await;
    hub.set_up(&admin_input(), &client("10.0.0.1"))
        .await
        .expect("setup writes");
    for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
        let mode = std::fs::metadata(db.dir.join(name))
            .expect(name)
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}: {mode:o}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_sessions_get_a_fresh_token_and_a_sliding_expiry() {
    use hub_core::{auth::SessionPolicy, Hub, HubSettings};
    let db = TestDb::sqlite();
    let settings = HubSettings {
        session: SessionPolicy {
            token_ttl_secs: 3,
            idle_timeout_secs: 3600,
        },
        ..hub_core::testing::test_settings()
    };
    let hub = Hub::new(db.open().await, &[9u8; 32], &[8u8; 32], settings).expect("hub");
    let signed_in = hub
        .set_up(&admin_input(), &client("10.0.0.1"))
        .await
        .expect("setup");
    let fresh = hub
        .authenticate(&signed_in.token.token)
        .await
        .expect("auth")
        .expect("valid");
    assert!(
        fresh.refreshed.is_none(),
        "a new token is not re-issued at once"
    );

    // Once a third of the token's life has passed, the next request carries a new token.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let later = hub
        .authenticate(&signed_in.token.token)
        .await
        .expect("auth")
        .expect("valid");
    let renewed = later.refreshed.expect("re-issued while active");
    assert_ne!(renewed.token, signed_in.token.token);
    let again = hub
        .authenticate(&renewed.token)
        .await
        .expect("auth")
        .expect("valid");
    assert_eq!(again.principal, later.principal);
}

// The owner's own successful sign-in from a new address is not a failure: it neither counts
// against the account nor starts a delay for anyone.
conformance!(
    a_success_takes_its_own_count_back,
    |backend: Backend| async move {
        let (_db, hub) = set_up_hub(backend).await;
        let free = hub.settings().login.max_failures_per_account;
        let dana = "dana@contoso.example";
        for _ in 1..free {
            let result = hub
                .login(dana, "wrong password!!", &client("10.0.0.3"))
                .await;
            assert_eq!(result.err(), Some(HubError::InvalidCredentials));
        }
        // One short of a delay; Dana signs in from a new place (her attempt reaches the limit
        // while it is checked, and is taken back).
        hub.login(dana, "a long enough password", &client("10.0.0.4"))
            .await
            .expect("the owner signs in");
        let stranger = hub
            .login(dana, "wrong password!!", &client("10.0.0.5"))
            .await;
        assert_eq!(
            stranger.err(),
            Some(HubError::InvalidCredentials),
            "no delay was started by the owner's success"
        );
        let next = hub
            .login(dana, "wrong password!!", &client("10.0.0.6"))
            .await;
        assert!(
            matches!(next, Err(HubError::RateLimited { .. })),
            "{next:?}"
        );
    }
);
