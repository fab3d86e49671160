//! Benchmark: the Tenant Management list at 10,000 tenants, on SQLite and PostgreSQL.
//!
//! Seeds tenants through the real `create_tenant` (each with its roles and dashboard), then
//! times every Sort By order in both directions, the status filter, a search, a deep page,
//! and one more creation at that size; then the per-request access path at that size: entering
//! a tenant (the check a tenant page makes on every navigation) as the MSP Admin, a
//! technician assigned to 200 tenants and a refused technician (404 plus the audit row), and
//! the tenant switcher's list and server search. Run by `scripts/bench.sh`, or alone:
//!   cargo run --release -p hub-core --features testing --example tenant_list [-- N]

use hub_core::ClientInfo;
use hub_core::{
    db::Backend,
    testing::{licensed_admin, TestDb},
};
use hub_model::{
    permissions::PermissionSet,
    technicians::TechnicianProfile,
    tenants::{StatusFilter, TenantQuery, TenantSort},
};
use std::time::Instant;

const RUNS: usize = 50;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let hub = db.hub().await;
        let admin = licensed_admin(&hub, count as i64 + 10).await;
        let started = Instant::now();
        for i in 1..count {
            let name = format!(
                "Customer {i:05} {}",
                ["Labs", "Corp", "Group", "Health", "Retail"][i % 5]
            );
            hub.create_tenant(&admin, &name).await.expect("create");
        }
        let seeded = started.elapsed().as_secs_f64();
        // Deactivate every tenth, and give some usage, so status and usage orders mean something.
        sqlx::query("UPDATE tenants SET active = 0 WHERE kind = 'tenant' AND name LIKE '%0 %'")
            .execute(hub.db().pool_for_tests())
            .await
            .expect("deactivate");
        sqlx::query("UPDATE tenants SET used_automs = LENGTH(slug) % 7 WHERE kind = 'tenant'")
            .execute(hub.db().pool_for_tests())
            .await
            .expect("usage");
        if backend == Backend::Postgres {
            // As the owner: the runtime role owns no table, and PostgreSQL skips ANALYZE of
            // tables the caller does not own (with only a warning).
            sqlx::query("ANALYZE tenants")
                .execute(&db.owner_pool().await)
                .await
                .expect("analyze");
        }

        println!(
            "### {backend:?}: {count} tenants (seeded through create_tenant in {seeded:.1} s)"
        );
        println!();
        println!("| list request (25 per page) | p50 | p95 | rows matched |");
        println!("|---|---:|---:|---:|");
        let base = TenantQuery {
            page: 1,
            per_page: 25,
            ..TenantQuery::default()
        };
        let mut cases: Vec<(String, TenantQuery)> = Vec::new();
        for sort in TenantSort::ALL {
            for descending in [false, true] {
                let label = format!(
                    "sort by {} {}",
                    sort.as_str(),
                    if descending { "desc" } else { "asc" }
                );
                cases.push((
                    label,
                    TenantQuery {
                        sort,
                        descending,
                        ..base.clone()
                    },
                ));
            }
        }
        cases.push((
            "status = deactivated".to_owned(),
            TenantQuery {
                status: StatusFilter::Inactive,
                ..base.clone()
            },
        ));
        cases.push((
            "search \"health\" (name or slug)".to_owned(),
            TenantQuery {
                search: "health".to_owned(),
                ..base.clone()
            },
        ));
        cases.push((
            "search \"07777\"".to_owned(),
            TenantQuery {
                search: "07777".to_owned(),
                ..base.clone()
            },
        ));
        cases.push((
            "last page (page 400)".to_owned(),
            TenantQuery {
                page: 400,
                ..base.clone()
            },
        ));
        for (label, query) in cases {
            let mut times = Vec::with_capacity(RUNS);
            let mut total = 0;
            for _ in 0..RUNS {
                let t = Instant::now();
                let page = hub.list_tenants(&admin, &query).await.expect("list");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                total = page.total;
            }
            times.sort_by(f64::total_cmp);
            println!(
                "| {label} | {:.2} ms | {:.2} ms | {total} |",
                percentile(&times, 0.5),
                percentile(&times, 0.95)
            );
        }
        let mut times = Vec::new();
        for i in 0..5 {
            let t = Instant::now();
            hub.create_tenant(&admin, &format!("Late arrival {i}"))
                .await
                .expect("create");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!("| create one more tenant (count check, insert, roles, dashboard) | {:.2} ms | {:.2} ms | 5 runs |", percentile(&times, 0.5), percentile(&times, 1.0));
        println!();

        // The access path at this size.
        let slugs: Vec<(hub_model::TenantId, String)> = sqlx::query_as::<_, (String, String)>(
            "SELECT id, slug FROM tenants WHERE kind = 'tenant' AND active = 1 ORDER BY name_key LIMIT 400",
        )
        .fetch_all(hub.db().pool_for_tests())
        .await
        .expect("slugs")
        .into_iter()
        .map(|(id, slug)| (hub_model::TenantId::parse(&id).expect("id"), slug))
        .collect();
        let tech = hub
            .create_technician(
                &admin,
                &TechnicianProfile {
                    display_name: "Bench Tech".to_owned(),
                    email: "bench@msp.example".to_owned(),
                    phone: String::new(),
                },
                "a long enough password",
            )
            .await
            .expect("technician");
        let assigned: Vec<_> = slugs.iter().take(200).map(|(id, _)| *id).collect();
        hub.assign_tenants(&admin, tech.id, &assigned, PermissionSet::view_only())
            .await
            .expect("assign");
        if backend == Backend::Postgres {
            // As autovacuum would once the assignments were written.
            sqlx::query("ANALYZE technician_assignments")
                .execute(&db.owner_pool().await)
                .await
                .expect("analyze");
        }
        let tech = hub
            .login(
                "bench@msp.example",
                "a long enough password",
                &ClientInfo::default(),
            )
            .await
            .expect("login")
            .principal;
        println!(
            "| access path ({} tenants; technician assigned to 200) | p50 | p95 |",
            count
        );
        println!("|---|---:|---:|");
        let timed = |label: &str, mut times: Vec<f64>| {
            times.sort_by(f64::total_cmp);
            println!(
                "| {label} | {:.2} ms | {:.2} ms |",
                percentile(&times, 0.5),
                percentile(&times, 0.95)
            );
        };
        for (label, who) in [
            ("enter a tenant: MSP Admin", &admin),
            ("enter an assigned tenant: technician", &tech),
        ] {
            let mut times = Vec::with_capacity(RUNS);
            for (_, slug) in slugs.iter().take(RUNS) {
                let t = Instant::now();
                hub.tenant_context(who, slug).await.expect("enter");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            timed(label, times);
        }
        let mut times = Vec::with_capacity(RUNS);
        for (_, slug) in slugs.iter().skip(300).take(RUNS) {
            let t = Instant::now();
            let refused = hub.tenant_context(&tech, slug).await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(refused.is_err());
        }
        timed("refused (404, denial audited): technician", times);
        for (label, who, search) in [
            ("switcher list: MSP Admin", &admin, ""),
            ("switcher search \"07777\": MSP Admin", &admin, "07777"),
            ("switcher list: technician", &tech, ""),
            ("switcher search \"health\": technician", &tech, "health"),
        ] {
            let mut times = Vec::with_capacity(RUNS);
            for _ in 0..RUNS {
                let t = Instant::now();
                hub.workspaces_for(who, None, search)
                    .await
                    .expect("workspaces");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            timed(label, times);
        }
        println!();
    }
}
