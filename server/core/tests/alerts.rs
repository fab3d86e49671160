//! Conformance tests of alerts, on SQLite and PostgreSQL: raised by keys (with
//! deduplication, also under concurrency), by failed runs of alerting Automs and by limit
//! crossings; acknowledged, resolved, reopened and assigned all-or-nothing, by people who may.

use hub_core::{
    automs::runs::{Outcome, Report, MAX_ATTEMPTS},
    conformance,
    db::Backend,
    testing::{licensed_admin, live_key, signed_in_technician, TestDb},
    Hub, HubError, KeyCaller, Principal,
};
use hub_model::{
    alerts::{
        AlertChange, AlertInput, AlertQuery, AlertSource, AlertStatus, AssigneeFilter, Severity,
        StatusFilter,
    },
    api_keys::ApiScope,
    automs::{AutomInput, Trigger},
    permissions::{Action, Permission, PermissionSet, ResourceKind},
    tenants::TenantSummary,
    AlertId,
};

const STEPS: &str = r#"{"steps":[{"kind":"fail","message":"disk full"}]}"#;

fn autom(name: &str, alert: Option<Severity>) -> AutomInput {
    AutomInput {
        name: name.to_owned(),
        description: String::new(),
        trigger: Trigger::Manual,
        definition: STEPS.to_owned(),
        alert_on_failure: alert,
    }
}

fn alert(title: &str, dedup: Option<&str>) -> AlertInput {
    AlertInput {
        severity: Severity::Critical,
        title: title.to_owned(),
        details: "Backup job 17 did not finish.\nSecond line.".to_owned(),
        source: "backup-monitor".to_owned(),
        dedup_key: dedup.map(str::to_owned),
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
        &format!("Monitor {}", tenant.slug),
        scopes,
    )
    .await
}

/// A technician named after the mailbox ("handler" for handler@…).
async fn technician(hub: &Hub, admin: &Principal, email: &str) -> Principal {
    let name = email.split('@').next().unwrap_or("Tech");
    signed_in_technician(hub, admin, name, email).await
}

fn unresolved() -> AlertQuery {
    AlertQuery::default()
}

conformance!(
    keys_raise_alerts_and_a_repeat_counts_on_the_unresolved_one,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let monitor = key(&hub, &admin, &a, &[ApiScope::AlertsWrite]).await;
        let runner_only = key(&hub, &admin, &a, &[ApiScope::RunsWrite]).await;
        let monitor_b = key(&hub, &admin, &b, &[ApiScope::AlertsWrite]).await;

        let (first, created) = hub
            .raise_alert(&monitor, &alert("Backup failed", Some("backup:17")))
            .await
            .expect("raise");
        assert!(created);
        assert_eq!(
            (first.count, first.status, first.source, first.severity),
            (1, AlertStatus::Open, AlertSource::Api, Severity::Critical)
        );
        assert_eq!(first.source_name, "backup-monitor");
        let (again, created) = hub
            .raise_alert(&monitor, &alert("Backup failed again", Some("backup:17")))
            .await
            .expect("repeat");
        assert!(!created);
        assert_eq!((again.id, again.count), (first.id, 2));
        assert_eq!(again.title, "Backup failed again", "the latest words win");
        assert!(again.last_seen_at >= first.last_seen_at);
        // No key: every one is new. No source: the key's name.
        let (plain, created) = hub
            .raise_alert(
                &monitor,
                &AlertInput {
                    source: "  ".into(),
                    ..alert("Disk 91% full", None)
                },
            )
            .await
            .expect("plain");
        assert!(created);
        assert_eq!(plain.source_name, "Monitor tenant-a");

        // Refusals change nothing.
        assert_eq!(
            hub.raise_alert(&runner_only, &alert("x", None)).await.err(),
            Some(HubError::Forbidden),
            "a key without alerts:write"
        );
        for (bad, field) in [
            (alert("   ", None), "title"),
            (alert(&"t".repeat(201), None), "title"),
            (alert("bell\u{7}", None), "title"),
            (alert("\u{200B}\u{FEFF}", None), "title"),
            (alert("\u{202E}gnp.exe", None), "title"),
            (
                AlertInput {
                    source: "mon\u{2066}itor".into(),
                    ..alert("ok", None)
                },
                "source",
            ),
            (
                AlertInput {
                    details: "x".repeat(4_001),
                    ..alert("ok", None)
                },
                "details",
            ),
            (alert("ok", Some(&"k".repeat(201))), "dedup_key"),
        ] {
            match hub.raise_alert(&monitor, &bad).await {
                Err(HubError::InvalidInput { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alerts").await, 2);

        // Tenant B's key raises in B, and the same deduplication key there is another alert.
        let (in_b, created) = hub
            .raise_alert(&monitor_b, &alert("Backup failed", Some("backup:17")))
            .await
            .expect("b");
        assert!(created);
        assert_ne!(in_b.id, first.id);
        let page_a = hub.alerts(&admin, &a.slug, &unresolved()).await.expect("a");
        assert_eq!(page_a.total, 2);
        assert_eq!(page_a.open, 2);
        assert!(page_a.items.iter().all(|x| x.id != in_b.id));

        // Resolved is history: the next repeat opens a new alert.
        hub.change_alerts(&admin, &a.slug, &[first.id], AlertChange::Resolve)
            .await
            .expect("resolve");
        let (fresh, created) = hub
            .raise_alert(&monitor, &alert("Backup failed", Some("backup:17")))
            .await
            .expect("after resolving");
        assert!(created);
        assert_ne!(fresh.id, first.id);
        // The resolved one cannot be reopened while the new one is unresolved: it says so.
        assert!(matches!(
            hub.change_alerts(&admin, &a.slug, &[first.id], AlertChange::Reopen)
                .await,
            Err(HubError::Conflict { .. })
        ));
    }
);

conformance!(
    fifty_concurrent_repeats_make_one_alert_and_concurrent_changes_only_succeed,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let monitor = key(&hub, &admin, &a, &[ApiScope::AlertsWrite]).await;
        let tasks = (0..50).map(|_| {
            let (hub, monitor) = (hub.clone(), monitor.clone());
            tokio::spawn(async move {
                hub.raise_alert(&monitor, &alert("Flapping", Some("flap")))
                    .await
            })
        });
        let mut new = 0;
        for result in futures_util::future::join_all(tasks).await {
            if result.expect("join").expect("raise").1 {
                new += 1;
            }
        }
        assert_eq!(new, 1, "exactly one call created it");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alerts").await, 1);
        assert_eq!(scalar(&db, "SELECT count FROM alerts").await, 50);
        // 50 people acting on it at once: every call answers, none fails.
        let id = hub
            .alerts(&admin, &a.slug, &AlertQuery::default())
            .await
            .expect("list")
            .items[0]
            .id;
        let changes = (0..50).map(|i| {
            let (hub, admin, slug) = (hub.clone(), admin.clone(), a.slug.clone());
            let change = match i % 4 {
                0 => AlertChange::Acknowledge,
                1 => AlertChange::Resolve,
                2 => AlertChange::Reopen,
                _ => AlertChange::Assign(Some(admin.user_id)),
            };
            tokio::spawn(async move { hub.change_alerts(&admin, &slug, &[id], change).await })
        });
        for result in futures_util::future::join_all(changes).await {
            match result.expect("join") {
                Ok(_) | Err(HubError::Conflict { .. }) => {}
                Err(other) => panic!("only successes and typed refusals: {other:?}"),
            }
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alerts").await, 1);
    }
);

conformance!(
    failed_runs_of_alerting_automs_raise_one_alert_per_autom,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let runner = key(&hub, &admin, &a, &[ApiScope::RunsWrite]).await;
        let loud = hub
            .create_autom(&admin, &a.slug, &autom("Backup", Some(Severity::Critical)))
            .await
            .expect("loud");
        let quiet = hub
            .create_autom(&admin, &a.slug, &autom("Cleanup", None))
            .await
            .expect("quiet");
        let run_once = |id, outcome| {
            let (hub, admin, runner, slug) =
                (hub.clone(), admin.clone(), runner.clone(), a.slug.clone());
            async move {
                let run = hub.run_autom(&admin, &slug, id, None).await.expect("run");
                let claimed = hub.claim_run(&runner).await.expect("claim").expect("one");
                assert_eq!(claimed.id, run.id);
                hub.complete_run(&runner, run.id, outcome, Some("disk full"))
                    .await
                    .expect("complete")
            }
        };
        run_once(loud.id, Outcome::Succeeded).await;
        run_once(quiet.id, Outcome::Failed).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alerts").await, 0);
        let failed = run_once(loud.id, Outcome::Failed).await;
        let page = hub
            .alerts(&admin, &a.slug, &unresolved())
            .await
            .expect("page");
        assert_eq!(page.items.len(), 1);
        let raised = &page.items[0];
        assert_eq!(
            (raised.source, raised.severity, raised.count),
            (AlertSource::Autom, Severity::Critical, 1)
        );
        assert_eq!(raised.title, "Backup failed");
        assert_eq!(
            (raised.autom_id, raised.run_id),
            (Some(loud.id), Some(failed.id))
        );
        assert!(raised.details.contains("disk full"), "{}", raised.details);
        // A timed-out run and a reported failure of the same Autom count on it.
        let timed_out = run_once(loud.id, Outcome::TimedOut).await;
        let now = hub_core::clock::now_ms();
        hub.report_run(
            &runner,
            &Report {
                autom: loud.id,
                idempotency_key: "nightly-1".into(),
                outcome: Outcome::Failed,
                started_at: now - 1_000,
                finished_at: now,
                error: Some("exit 2".into()),
                log: vec![],
            },
        )
        .await
        .expect("report");
        let page = hub
            .alerts(&admin, &a.slug, &unresolved())
            .await
            .expect("page");
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].count, 3);
        assert_ne!(page.items[0].run_id, Some(timed_out.id), "the latest run");

        // A run whose runner is lost for good raises too.
        hub.change_alerts(&admin, &a.slug, &[raised.id], AlertChange::Resolve)
            .await
            .expect("resolve");
        let lost = hub
            .run_autom(&admin, &a.slug, loud.id, None)
            .await
            .expect("run");
        let owner = db.owner_pool().await;
        for _ in 1..=MAX_ATTEMPTS {
            hub.claim_run(&runner).await.expect("claim").expect("again");
            sqlx::query("UPDATE autom_runs SET lease_expires_at = 1 WHERE status = 'running'")
                .execute(&owner)
                .await
                .expect("expire");
        }
        assert_eq!(hub.claim_run(&runner).await.expect("claim"), None);
        let page = hub
            .alerts(&admin, &a.slug, &unresolved())
            .await
            .expect("page");
        assert_eq!(page.items.len(), 1, "{:?}", page.items);
        assert_eq!(page.items[0].run_id, Some(lost.id));
        assert!(page.items[0].details.contains("runner lost"));
    }
);

conformance!(
    reaching_a_limit_raises_one_alert_per_crossing,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Contoso").await.expect("a");
        let owner = db.owner_pool().await;
        sqlx::query("UPDATE tenants SET max_automs = 2 WHERE id = $1")
            .bind(a.id.to_string())
            .execute(&owner)
            .await
            .expect("limit 2");
        hub.create_autom(&admin, &a.slug, &autom("One", None))
            .await
            .expect("one");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alerts").await, 0);
        let two = hub
            .create_autom(&admin, &a.slug, &autom("Two", None))
            .await
            .expect("two");
        // Refused creations at the limit raise nothing more.
        for name in ["Three", "Four"] {
            assert!(matches!(
                hub.create_autom(&admin, &a.slug, &autom(name, None)).await,
                Err(HubError::LimitReached { .. })
            ));
        }
        let query = AlertQuery {
            source: Some(AlertSource::Limit),
            ..AlertQuery::default()
        };
        let page = hub.alerts(&admin, &a.slug, &query).await.expect("page");
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].title, "Contoso has used 2 of 2 Automs");
        assert_eq!(page.items[0].count, 1);
        // Resolved, then a place frees and is taken again: a new crossing, a new alert.
        hub.change_alerts(&admin, &a.slug, &[page.items[0].id], AlertChange::Resolve)
            .await
            .expect("resolve");
        hub.delete_autom(&admin, &a.slug, two.id)
            .await
            .expect("delete");
        hub.create_autom(&admin, &a.slug, &autom("Two again", None))
            .await
            .expect("again");
        let all = AlertQuery {
            status: StatusFilter::All,
            ..query
        };
        let page = hub.alerts(&admin, &a.slug, &all).await.expect("page");
        assert_eq!(page.total, 2);
        assert_eq!(page.open, 1);
    }
);

conformance!(
    alerts_change_all_or_nothing_and_only_for_people_who_may,
    |backend: Backend| async move {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, 10).await;
        let a = hub.create_tenant(&admin, "Tenant A").await.expect("a");
        let b = hub.create_tenant(&admin, "Tenant B").await.expect("b");
        let monitor = key(&hub, &admin, &a, &[ApiScope::AlertsWrite]).await;
        let monitor_b = key(&hub, &admin, &b, &[ApiScope::AlertsWrite]).await;
        let mut ids = Vec::new();
        for i in 0..3 {
            let (raised, _) = hub
                .raise_alert(&monitor, &alert(&format!("Alert {i}"), None))
                .await
                .expect("raise");
            ids.push(raised.id);
        }
        let (foreign, _) = hub
            .raise_alert(&monitor_b, &alert("B's", None))
            .await
            .expect("b");

        // A viewer, a handler, and a technician of another tenant.
        let viewer = technician(&hub, &admin, "viewer@msp.example").await;
        hub.assign_tenants(&admin, viewer.user_id, &[a.id], PermissionSet::view_only())
            .await
            .expect("assign viewer");
        let handler = technician(&hub, &admin, "handler@msp.example").await;
        let mut handles = PermissionSet::view_only();
        handles.insert(Permission::new(ResourceKind::Alerts, Action::Update));
        hub.assign_tenants(&admin, handler.user_id, &[a.id], handles)
            .await
            .expect("assign handler");
        let elsewhere = technician(&hub, &admin, "elsewhere@msp.example").await;
        hub.assign_tenants(&admin, elsewhere.user_id, &[b.id], handles)
            .await
            .expect("assign elsewhere");
        let blind = technician(&hub, &admin, "blind@msp.example").await;
        let mut no_alerts = PermissionSet::view_only();
        no_alerts.remove(Permission::new(ResourceKind::Alerts, Action::View));
        hub.assign_tenants(&admin, blind.user_id, &[a.id], no_alerts)
            .await
            .expect("assign blind");

        // Those who can acknowledge and resolve them (found by probing: a Viewer could be
        // assigned an alert they could not act on).
        let people = hub.alert_assignees(&viewer, &a.slug).await.expect("people");
        let emails: Vec<&str> = people.iter().map(|p| p.email.as_str()).collect();
        assert!(emails.contains(&"handler@msp.example"), "{emails:?}");
        assert!(!emails.contains(&"viewer@msp.example"), "{emails:?}");
        assert!(!emails.contains(&"elsewhere@msp.example"), "{emails:?}");
        assert!(!emails.contains(&"blind@msp.example"), "{emails:?}");
        assert!(people.iter().any(|p| p.acting_as == "MSP Admin"));

        assert_eq!(
            hub.change_alerts(&viewer, &a.slug, &ids, AlertChange::Acknowledge)
                .await
                .err(),
            Some(HubError::Forbidden)
        );
        assert_eq!(
            hub.alerts(&blind, &a.slug, &unresolved()).await.err(),
            Some(HubError::Forbidden)
        );
        // Another tenant's alert in the batch: nothing changes, answered as not found.
        let mut mixed = ids.clone();
        mixed.push(foreign.id);
        assert!(matches!(
            hub.change_alerts(&handler, &a.slug, &mixed, AlertChange::Acknowledge)
                .await,
            Err(HubError::NotFound { .. })
        ));
        assert!(matches!(
            hub.change_alerts(
                &handler,
                &a.slug,
                &[AlertId(uuid::Uuid::new_v4())],
                AlertChange::Resolve
            )
            .await,
            Err(HubError::NotFound { .. })
        ));
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM alerts WHERE status = 'open'").await,
            4
        );
        // Assigning to someone who cannot see the tenant's alerts is refused by name.
        for who in [elsewhere.user_id, blind.user_id, viewer.user_id] {
            match hub
                .change_alerts(&handler, &a.slug, &ids, AlertChange::Assign(Some(who)))
                .await
            {
                Err(HubError::InvalidInput { field, .. }) => assert_eq!(field, "assignee"),
                other => panic!("{other:?}"),
            }
        }
        match hub
            .change_alerts(&handler, &a.slug, &[], AlertChange::Resolve)
            .await
        {
            Err(HubError::InvalidInput { field, .. }) => assert_eq!(field, "ids"),
            other => panic!("{other:?}"),
        }

        // The handler works the batch.
        let done = hub
            .change_alerts(&handler, &a.slug, &ids[..2], AlertChange::Acknowledge)
            .await
            .expect("acknowledge");
        assert_eq!((done.changed, done.unchanged, done.open), (2, 0, 1));
        let done = hub
            .change_alerts(&handler, &a.slug, &ids, AlertChange::Acknowledge)
            .await
            .expect("again");
        assert_eq!((done.changed, done.unchanged, done.open), (1, 2, 0));
        let done = hub
            .change_alerts(
                &handler,
                &a.slug,
                &ids[..1],
                AlertChange::Assign(Some(handler.user_id)),
            )
            .await
            .expect("assign");
        assert_eq!(done.changed, 1);
        let mine = AlertQuery {
            assignee: AssigneeFilter::Me,
            ..AlertQuery::default()
        };
        let page = hub.alerts(&handler, &a.slug, &mine).await.expect("mine");
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].assignee_name.as_deref(), Some("handler"));
        let nobody = AlertQuery {
            assignee: AssigneeFilter::Nobody,
            ..AlertQuery::default()
        };
        assert_eq!(
            hub.alerts(&handler, &a.slug, &nobody)
                .await
                .expect("nobody")
                .total,
            2
        );
        hub.change_alerts(&handler, &a.slug, &ids, AlertChange::Resolve)
            .await
            .expect("resolve");
        assert_eq!(
            hub.alerts(&handler, &a.slug, &unresolved())
                .await
                .expect("none")
                .total,
            0,
            "resolved alerts leave the default view"
        );
        let resolved = AlertQuery {
            status: StatusFilter::Is(AlertStatus::Resolved),
            severity: Some(Severity::Critical),
            search: "ALERT 1".into(),
            ..AlertQuery::default()
        };
        assert_eq!(
            hub.alerts(&handler, &a.slug, &resolved)
                .await
                .expect("search")
                .total,
            1
        );
        let reopened = hub
            .change_alerts(&handler, &a.slug, &ids[2..], AlertChange::Reopen)
            .await
            .expect("reopen");
        assert_eq!(reopened.open, 1);
        // The sidebar's count comes with the tenant, for those who may see alerts only.
        assert_eq!(
            hub.tenant_context(&handler, &a.slug)
                .await
                .expect("ctx")
                .open_alerts,
            Some(1)
        );
        assert_eq!(
            hub.tenant_context(&blind, &a.slug)
                .await
                .expect("ctx")
                .open_alerts,
            None
        );
        // Every change asked for is in the audit log, by who asked (also "already so").
        assert_eq!(
            scalar(
                &db,
                "SELECT COUNT(*) FROM audit_events WHERE action = 'alert.acknowledge' AND outcome = 'allowed'"
            )
            .await,
            5
        );
    }
);
