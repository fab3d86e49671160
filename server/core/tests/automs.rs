//! Conformance tests of Automs and the run queue, on SQLite and PostgreSQL: checked input
//! that changes nothing when refused, the Autom limit under concurrency, and the runner's
//! claim, lease, log and completion.

use hub_core::{
    automs::runs::{Outcome, RunQuery, MAX_ATTEMPTS},
    conformance,
    db::Backend,
    testing::{licensed_admin, live_key, signed_in_technician, TestDb},
    Hub, HubError, KeyCaller, Principal,
};
use hub_model::{
    alerts::Severity,
    api_keys::ApiScope,
    automs::{AutomInput, AutomQuery, RunStatus, Trigger},
    permissions::PermissionSet,
    tenants::TenantSummary,
};

const STEPS: &str = r#"{"steps":[{"kind":"log","message":"hello {{input.who}}"}]}"#;

fn input(name: &str, trigger: Trigger) -> AutomInput {
    AutomInput {
        name: name.to_owned(),
        description: "Checks the backups".to_owned(),
        trigger,
        definition: STEPS.to_owned(),
        alert_on_failure: Some(Severity::Warning),
    }
}

async fn scalar(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&db.owner_pool().await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn key(
    hub: &Hub,
    admin: &Principal,
    tenant: &TenantSummary,
    scopes: &[ApiScope],
) -> KeyCaller {
    live_key(
        hub,
        admin,
        &tenant.slug,
        &format!("Runner {}", tenant.slug),
        scopes,
    )
    .await
}

async fn technician(hub: &Hub, admin: &Principal, email: &str) -> Principal {
    signed_in_technician(hub, admin, "Tech", email).await
}

fn invalid_field(result: Result<impl std::fmt::Debug, HubError>) -> (String, String) {
    match result {
        Err(HubError::InvalidInput { field, message }) => (field, message),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

conformance!(
    automs_are_created_edited_and_deleted_and_bad_input_changes_nothing,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");

        let made = hub
            .create_autom(&admin, &a.slug, &input("Backup check", Trigger::Manual))
            .await
            .expect("create");
        assert!(made.enabled);
        assert_eq!(made.alert_on_failure, Some(Severity::Warning));
        assert_eq!(
            scalar(
                &db,
                "SELECT used_automs FROM tenants WHERE name = 'Tenant A'"
            )
            .await,
            1
        );

        // Refusals name the field (and, for definitions, the path) and write nothing.
        let bad = [
            (
                Trigger::Schedule {
                    cron: "0 3 * *".into(),
                    timezone: "UTC".into(),
                },
                STEPS,
                "cron",
            ),
            (
                Trigger::Schedule {
                    cron: "0 3 * * *".into(),
                    timezone: "Nowhere/City".into(),
                },
                STEPS,
                "timezone",
            ),
            (
                Trigger::Manual,
                r#"{"steps":[{"kind":"http","url":"gopher://x"}]}"#,
                "definition",
            ),
        ];
        for (trigger, definition, field) in bad {
            let mut attempt = input("Second", trigger);
            attempt.definition = definition.to_owned();
            let (got, message) = invalid_field(hub.create_autom(&admin, &a.slug, &attempt).await);
            assert_eq!(got, field, "{message}");
            if field == "definition" {
                assert!(message.starts_with("steps[0].url:"), "{message}");
            }
        }
        let mut hidden = input("Hidden", Trigger::Manual);
        hidden.description = "looks \u{1b}[2Jclean".to_owned();
        let (field, _) = invalid_field(hub.create_autom(&admin, &a.slug, &hidden).await);
        assert_eq!(field, "description");
        let (field, _) = invalid_field(
            hub.create_autom(&admin, &a.slug, &input("backup CHECK", Trigger::Manual))
                .await,
        );
        assert_eq!(field, "name", "names are unique per tenant, ignoring case");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM automs").await, 1);
        assert_eq!(
            scalar(
                &db,
                "SELECT used_automs FROM tenants WHERE name = 'Tenant A'"
            )
            .await,
            1
        );

        // A schedule knows its next run; disabling clears it; a webhook has a secret address.
        let nightly = hub
            .create_autom(
                &admin,
                &a.slug,
                &input(
                    "Nightly",
                    Trigger::Schedule {
                        cron: "0 3 * * *".into(),
                        timezone: "Europe/Berlin".into(),
                    },
                ),
            )
            .await
            .expect("schedule");
        assert!(nightly.next_run_at.is_some());
        let off = hub
            .set_autom_enabled(&admin, &a.slug, nightly.id, false)
            .await
            .expect("disable");
        assert_eq!((off.enabled, off.next_run_at), (false, None));
        let hook = hub
            .create_autom(&admin, &a.slug, &input("Hook", Trigger::Webhook))
            .await
            .expect("hook");
        let address = hub
            .autom_webhook(&admin, &a.slug, hook.id, false)
            .await
            .expect("reveal");
        let rotated = hub
            .autom_webhook(&admin, &a.slug, hook.id, true)
            .await
            .expect("rotate");
        assert!(address.starts_with("/hooks/automs/") && rotated != address);

        let mut edit = input("Backup check (daily)", Trigger::Manual);
        edit.alert_on_failure = None;
        let edited = hub
            .update_autom(&admin, &a.slug, made.id, &edit)
            .await
            .expect("update");
        assert_eq!(
            (edited.name.as_str(), edited.alert_on_failure),
            ("Backup check (daily)", None)
        );

        let page = hub
            .automs(
                &admin,
                &a.slug,
                &AutomQuery {
                    search: "back".into(),
                    ..AutomQuery::default()
                },
            )
            .await
            .expect("list");
        assert_eq!((page.total, page.used, page.limit), (1, 3, 50));

        hub.run_autom(&admin, &a.slug, made.id, None)
            .await
            .expect("run");
        hub.delete_autom(&admin, &a.slug, made.id)
            .await
            .expect("delete");
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM autom_runs").await,
            0,
            "runs go with it"
        );
        assert_eq!(
            scalar(
                &db,
                "SELECT used_automs FROM tenants WHERE name = 'Tenant A'"
            )
            .await,
            2
        );
    }
);

conformance!(
    sixty_four_concurrent_creations_with_one_slot_left_create_exactly_one,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let owner = db.owner_pool().await;
        for round in 0..20 {
            sqlx::query("UPDATE tenants SET max_automs = used_automs + 1 WHERE id = $1")
                .bind(a.id.to_string())
                .execute(&owner)
                .await
                .expect("one slot left");
            let tasks = (0..64).map(|i| {
                let (hub, admin, slug) = (hub.clone(), admin.clone(), a.slug.clone());
                tokio::spawn(async move {
                    hub.create_autom(
                        &admin,
                        &slug,
                        &input(&format!("r{round} n{i}"), Trigger::Manual),
                    )
                    .await
                })
            });
            let results = futures_util::future::join_all(tasks).await;
            let mut created = 0;
            for result in results {
                match result.expect("join") {
                    Ok(_) => created += 1,
                    Err(HubError::LimitReached {
                        resource,
                        used,
                        limit,
                    }) => {
                        assert_eq!(
                            (resource.as_str(), used, limit),
                            ("Automs", round + 1, round + 1)
                        );
                    }
                    Err(other) => panic!("round {round}: {other:?}"),
                }
            }
            assert_eq!(created, 1, "round {round}");
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM automs").await, 20);
        assert_eq!(
            scalar(
                &db,
                "SELECT used_automs FROM tenants WHERE name = 'Tenant A'"
            )
            .await,
            20
        );
    }
);

conformance!(
    a_runner_claims_logs_and_completes_once_and_keys_stay_in_their_tenant,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let runner_a = key(&hub, &admin, &a, &[ApiScope::RunsWrite]).await;
        let alerts_only = key(&hub, &admin, &a, &[ApiScope::AlertsWrite]).await;
        let runner_b = key(&hub, &admin, &b, &[ApiScope::RunsWrite]).await;
        let autom = hub
            .create_autom(&admin, &a.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");

        // A technician who may view Automs sees runs but may not start one.
        let tech = technician(&hub, &admin, "tech@msp.example").await;
        hub.assign_tenants(&admin, tech.user_id, &[a.id], PermissionSet::view_only())
            .await
            .expect("assign");
        assert_eq!(
            hub.run_autom(&tech, &a.slug, autom.id, None).await.err(),
            Some(HubError::Forbidden)
        );
        let (field, _) = invalid_field(hub.run_autom(&admin, &a.slug, autom.id, Some("[1]")).await);
        assert_eq!(field, "input");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM autom_runs").await, 0);

        let queued = hub
            .run_autom(&admin, &a.slug, autom.id, Some(r#"{"who":"world"}"#))
            .await
            .expect("run now");
        assert_eq!((queued.status, queued.attempt), (RunStatus::Queued, 0));

        assert_eq!(
            hub.claim_run(&alerts_only).await.err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.claim_run(&runner_b).await.expect("b claims"),
            None,
            "B never sees A's runs"
        );
        let claimed = hub
            .claim_run(&runner_a)
            .await
            .expect("claim")
            .expect("a run");
        assert_eq!((claimed.id, claimed.attempt), (queued.id, 1));
        assert_eq!(claimed.input["who"], "world");
        assert_eq!(
            hub.claim_run(&runner_a).await.expect("again"),
            None,
            "claimed once"
        );

        // Another tenant's key cannot touch it: to B, the run does not exist.
        assert!(matches!(
            hub.heartbeat_run(&runner_b, claimed.id).await,
            Err(HubError::NotFound { .. })
        ));
        hub.heartbeat_run(&runner_a, claimed.id)
            .await
            .expect("heartbeat");
        let kept = hub
            .append_run_log(
                &runner_a,
                claimed.id,
                &["step 1 (log): hello world".to_owned()],
            )
            .await
            .expect("log");
        assert_eq!(kept, 1);
        let done = hub
            .complete_run(&runner_a, claimed.id, Outcome::Succeeded, None)
            .await
            .expect("complete");
        assert_eq!(done.status, RunStatus::Succeeded);
        assert!(done.duration_ms.is_some());

        // A replayed completion changes nothing and says so.
        let replay = hub
            .complete_run(&runner_a, claimed.id, Outcome::Failed, Some("boom"))
            .await;
        assert!(
            matches!(replay, Err(HubError::Conflict { .. })),
            "{replay:?}"
        );
        let detail = hub
            .run(&tech, &a.slug, claimed.id)
            .await
            .expect("tech sees the run");
        assert_eq!(detail.summary.status, RunStatus::Succeeded);
        assert_eq!(detail.summary.error, None);
        assert_eq!(detail.log.len(), 1);
        let history = hub
            .runs(
                &tech,
                &a.slug,
                &RunQuery {
                    autom: Some(autom.id),
                    page: 1,
                    per_page: 25,
                    ..RunQuery::default()
                },
            )
            .await
            .expect("history");
        assert_eq!(history.total, 1);
        assert!(matches!(
            hub.run(&admin, &b.slug, claimed.id).await,
            Err(HubError::NotFound { .. })
        ));
    }
);

conformance!(
    a_lost_lease_is_requeued_as_a_new_attempt_then_fails_as_runner_lost,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let runner = key(&hub, &admin, &a, &[ApiScope::RunsWrite]).await;
        let autom = hub
            .create_autom(&admin, &a.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");
        let run = hub
            .run_autom(&admin, &a.slug, autom.id, None)
            .await
            .expect("run");
        let owner = db.owner_pool().await;
        let expire = || async {
            sqlx::query("UPDATE autom_runs SET lease_expires_at = 1 WHERE status = 'running'")
                .execute(&owner)
                .await
                .expect("expire the lease");
        };
        for attempt in 1..=MAX_ATTEMPTS {
            let claimed = hub
                .claim_run(&runner)
                .await
                .expect("claim")
                .expect("requeued");
            assert_eq!((claimed.id, claimed.attempt), (run.id, attempt));
            // Each attempt starts afresh: the start time is this claim's, not the first one's.
            let started = hub
                .run(&admin, &a.slug, run.id)
                .await
                .expect("run")
                .summary
                .started_at
                .expect("started");
            assert_eq!(
                started,
                claimed.lease_expires_at - hub_core::automs::runs::LEASE_MS
            );
            expire().await;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            let late = hub
                .complete_run(&runner, run.id, Outcome::Succeeded, None)
                .await;
            assert!(
                matches!(late, Err(HubError::Conflict { .. })),
                "an expired lease: {late:?}"
            );
        }
        assert_eq!(hub.claim_run(&runner).await.expect("claim"), None);
        let detail = hub.run(&admin, &a.slug, run.id).await.expect("run");
        assert_eq!(detail.summary.status, RunStatus::Failed);
        assert_eq!(detail.summary.error.as_deref(), Some("runner lost"));
    }
);

conformance!(
    concurrent_runners_claim_each_run_exactly_once,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let runner = key(&hub, &admin, &a, &[ApiScope::RunsWrite]).await;
        let autom = hub
            .create_autom(&admin, &a.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");
        for _ in 0..12 {
            hub.run_autom(&admin, &a.slug, autom.id, None)
                .await
                .expect("run");
        }
        let claimers = (0..16).map(|_| {
            let (hub, runner) = (hub.clone(), runner.clone());
            tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(run) = hub.claim_run(&runner).await.expect("claim") {
                    mine.push(run.id);
                }
                mine
            })
        });
        let mut all: Vec<_> = futures_util::future::join_all(claimers)
            .await
            .into_iter()
            .flat_map(|r| r.expect("join"))
            .collect();
        assert_eq!(all.len(), 12);
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 12, "no run handed out twice");
    }
);

conformance!(
    a_cancelled_run_is_not_claimed_and_its_runner_is_told,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let runner = key(&hub, &admin, &a, &[ApiScope::RunsWrite]).await;
        let autom = hub
            .create_autom(&admin, &a.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");
        let first = hub
            .run_autom(&admin, &a.slug, autom.id, None)
            .await
            .expect("run");
        let cancelled = hub
            .cancel_run(&admin, &a.slug, first.id)
            .await
            .expect("cancel");
        // Named by their name, not their email address (tenant viewers read it).
        assert_eq!(cancelled.error.as_deref(), Some("cancelled by Dana Admin"));
        assert_eq!(cancelled.status, RunStatus::Cancelled);
        assert_eq!(hub.claim_run(&runner).await.expect("claim"), None);
        assert!(matches!(
            hub.cancel_run(&admin, &a.slug, first.id).await,
            Err(HubError::Conflict { .. })
        ));

        let second = hub
            .run_autom(&admin, &a.slug, autom.id, None)
            .await
            .expect("run");
        let claimed = hub
            .claim_run(&runner)
            .await
            .expect("claim")
            .expect("second");
        assert_eq!(claimed.id, second.id);
        hub.cancel_run(&admin, &a.slug, second.id)
            .await
            .expect("cancel while running");
        let told = hub.heartbeat_run(&runner, second.id).await;
        assert!(
            matches!(told, Err(HubError::Conflict { ref message }) if message.contains("cancelled")),
            "{told:?}"
        );
        let detail = hub.run(&admin, &a.slug, second.id).await.expect("run");
        assert_eq!(detail.summary.status, RunStatus::Cancelled);
    }
);

conformance!(
    two_hubs_queue_each_due_schedule_exactly_once_and_a_missed_day_once,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        // A second server process on the same database.
        let other = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let every_minute = Trigger::Schedule {
            cron: "* * * * *".into(),
            timezone: "UTC".into(),
        };
        let mut automs = Vec::new();
        for (tenant, name) in [(&a, "One"), (&a, "Two"), (&b, "Three")] {
            automs.push(
                hub.create_autom(&admin, &tenant.slug, &input(name, every_minute.clone()))
                    .await
                    .expect("schedule"),
            );
        }
        let manual = hub
            .create_autom(&admin, &a.slug, &input("By hand", Trigger::Manual))
            .await
            .expect("manual");
        let owner = db.owner_pool().await;
        let now = hub_core::clock::now_ms();
        for round in 0..10_i64 {
            // Every schedule is due (the first round: missed for a whole day, as after an outage).
            let due = if round == 0 {
                now - 86_400_000
            } else {
                now + round * 60_000
            };
            sqlx::query("UPDATE automs SET next_run_at = $1 WHERE trigger_kind = 'schedule'")
                .bind(due)
                .execute(&owner)
                .await
                .expect("due");
            // Runners took every earlier run (a waiting scheduled run coalesces the next).
            sqlx::query("UPDATE autom_runs SET status = 'succeeded' WHERE status = 'queued'")
                .execute(&owner)
                .await
                .expect("runners took them");
            let at = now + round * 60_000 + 1;
            let passes = (0..8).map(|i| {
                let hub = if i % 2 == 0 {
                    hub.clone()
                } else {
                    other.clone()
                };
                tokio::spawn(async move { hub.queue_due_schedules(at).await })
            });
            let mut queued = 0;
            for pass in futures_util::future::join_all(passes).await {
                queued += pass.expect("join").expect("pass").queued;
            }
            assert_eq!(queued, 3, "round {round}: one run per due schedule");
            let later: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM automs WHERE trigger_kind = 'schedule' AND next_run_at > $1",
            )
            .bind(at)
            .fetch_one(&owner)
            .await
            .expect("next");
            assert_eq!(later, 3, "round {round}: every schedule moved past now");
        }
        assert_eq!(
            scalar(
                &db,
                "SELECT COUNT(*) FROM autom_runs WHERE trigger_kind = 'schedule'"
            )
            .await,
            30
        );
        assert_eq!(
            scalar(
                &db,
                &format!(
                    "SELECT COUNT(*) FROM autom_runs WHERE autom_id = '{}'",
                    manual.id
                )
            )
            .await,
            0
        );
        // While a scheduled run still waits for a runner, the next due time queues nothing.
        sqlx::query("UPDATE automs SET next_run_at = 1 WHERE trigger_kind = 'schedule'")
            .execute(&owner)
            .await
            .expect("due");
        let pass = hub
            .queue_due_schedules(now + 1_800_000)
            .await
            .expect("pass");
        assert_eq!((pass.queued, pass.coalesced), (0, 3));
        sqlx::query("UPDATE autom_runs SET status = 'succeeded' WHERE status = 'queued'")
            .execute(&owner)
            .await
            .expect("runners took them");
        // A deactivated tenant's schedules wait.
        hub.set_tenant_active(&admin, b.id, false)
            .await
            .expect("deactivate b");
        sqlx::query("UPDATE automs SET next_run_at = 2 WHERE trigger_kind = 'schedule'")
            .execute(&owner)
            .await
            .expect("due");
        let pass = hub
            .queue_due_schedules(now + 2_400_000)
            .await
            .expect("pass");
        assert_eq!(pass.queued, 2, "only tenant A's two schedules");
        hub.set_tenant_active(&admin, b.id, true)
            .await
            .expect("reactivate b");
        sqlx::query("UPDATE autom_runs SET status = 'succeeded' WHERE status = 'queued'")
            .execute(&owner)
            .await
            .expect("runners took them");
        // A disabled schedule is never queued.
        hub.set_autom_enabled(&admin, &a.slug, automs[0].id, false)
            .await
            .expect("disable");
        sqlx::query("UPDATE automs SET next_run_at = 3 WHERE trigger_kind = 'schedule'")
            .execute(&owner)
            .await
            .expect("due");
        let pass = hub
            .queue_due_schedules(now + 3_600_000)
            .await
            .expect("pass");
        assert_eq!(pass.queued, 2);
    }
);

conformance!(
    queues_are_bounded_and_self_starting_triggers_need_the_run_permission,
    |backend: Backend| async move {
        use hub_core::automs::runs::MAX_QUEUED_PER_AUTOM;
        use hub_model::permissions::{Action, Permission, ResourceKind};
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let autom = hub
            .create_autom(&admin, &a.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");
        for _ in 0..MAX_QUEUED_PER_AUTOM {
            hub.run_autom(&admin, &a.slug, autom.id, None)
                .await
                .expect("run");
        }
        let refused = hub.run_autom(&admin, &a.slug, autom.id, None).await;
        assert!(
            matches!(refused, Err(HubError::Conflict { .. })),
            "{refused:?}"
        );
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM autom_runs").await,
            MAX_QUEUED_PER_AUTOM
        );

        // Nothing is queued in a deactivated tenant, by hand or otherwise.
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let other = hub
            .create_autom(&admin, &b.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");
        hub.set_tenant_active(&admin, b.id, false)
            .await
            .expect("deactivate");
        assert_eq!(
            hub.run_autom(&admin, &b.slug, other.id, None).await.err(),
            Some(HubError::TenantDeactivated)
        );

        // Create without Run: by hand only; a schedule or a webhook is refused, naming the field.
        let tech = technician(&hub, &admin, "creator@msp.example").await;
        let mut create_only = PermissionSet::view_only();
        create_only.insert(Permission::new(ResourceKind::Automs, Action::Create));
        hub.assign_tenants(&admin, tech.user_id, &[a.id], create_only)
            .await
            .expect("assign");
        hub.create_autom(&tech, &a.slug, &input("By hand", Trigger::Manual))
            .await
            .expect("manual is fine");
        for trigger in [
            Trigger::Webhook,
            Trigger::Schedule {
                cron: "* * * * *".into(),
                timezone: "UTC".into(),
            },
        ] {
            let (field, _) = invalid_field(
                hub.create_autom(&tech, &a.slug, &input("Auto", trigger))
                    .await,
            );
            assert_eq!(field, "trigger");
        }
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM automs WHERE name = 'Auto'").await,
            0
        );
    }
);

conformance!(
    fifty_concurrent_run_nows_with_five_places_left_queue_exactly_five,
    |backend: Backend| async move {
        use hub_core::automs::runs::MAX_QUEUED_PER_AUTOM;
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let autom = hub
            .create_autom(&admin, &a.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");
        for _ in 0..MAX_QUEUED_PER_AUTOM - 5 {
            hub.run_autom(&admin, &a.slug, autom.id, None)
                .await
                .expect("run");
        }
        let tasks = (0..50).map(|_| {
            let (hub, admin, slug) = (hub.clone(), admin.clone(), a.slug.clone());
            tokio::spawn(async move { hub.run_autom(&admin, &slug, autom.id, None).await })
        });
        let mut queued = 0;
        for result in futures_util::future::join_all(tasks).await {
            match result.expect("join") {
                Ok(_) => queued += 1,
                Err(HubError::Conflict { .. }) => {}
                Err(other) => panic!("only successes and typed refusals: {other:?}"),
            }
        }
        assert_eq!(queued, 5);
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM autom_runs").await,
            MAX_QUEUED_PER_AUTOM
        );
    }
);

conformance!(
    control_characters_from_runners_are_kept_visible_not_refused_by_the_database,
    |backend: Backend| async move {
        // Found by probing: a NUL byte in a log line made PostgreSQL refuse the insert (a 500),
        // and terminal escapes were stored raw.
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let runner = key(&hub, &admin, &a, &[ApiScope::RunsWrite]).await;
        let autom = hub
            .create_autom(&admin, &a.slug, &input("Backup", Trigger::Manual))
            .await
            .expect("autom");
        let run = hub
            .run_autom(&admin, &a.slug, autom.id, None)
            .await
            .expect("run");
        hub.claim_run(&runner).await.expect("claim").expect("run");
        hub.append_run_log(
            &runner,
            run.id,
            &["a\u{0}b".to_owned(), "\u{1b}[31mred\ttab".to_owned()],
        )
        .await
        .expect("log");
        hub.complete_run(&runner, run.id, Outcome::Failed, Some("exit\u{0}2"))
            .await
            .expect("complete");
        let detail = hub.run(&admin, &a.slug, run.id).await.expect("run");
        let lines: Vec<&str> = detail.log.iter().map(|l| l.line.as_str()).collect();
        assert_eq!(lines, ["a\u{FFFD}b", "\u{FFFD}[31mred\ttab"]);
        assert_eq!(detail.summary.error.as_deref(), Some("exit\u{FFFD}2"));
        // Names that look empty are refused, wherever a name is given.
        let (field, _) = invalid_field(
            hub.create_autom(&admin, &a.slug, &input("\u{200B}\u{200B}", Trigger::Manual))
                .await,
        );
        assert_eq!(field, "name");
        assert!(hub.create_tenant(&admin, "\u{2060}").await.is_err());
    }
);
