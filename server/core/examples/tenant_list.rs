//! Benchmark: the Tenant Management list at 10,000 tenants, on SQLite and PostgreSQL.
//!
//! Seeds tenants through the real `create_tenant` (each with its roles and dashboard), then
//! times every Sort By order in both directions, the status filter, a search, a deep page,
//! and one more creation at that size. Run by `scripts/bench.sh`, or alone:
//!   cargo run --release -p hub-core --features testing --example tenant_list [-- N]

use hub_core::{
    db::Backend,
    testing::{licensed_admin, TestDb},
};
use hub_model::tenants::{StatusFilter, TenantQuery, TenantSort};
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
            .execute(hub.db().pool())
            .await
            .expect("deactivate");
        sqlx::query("UPDATE tenants SET used_automs = LENGTH(slug) % 7 WHERE kind = 'tenant'")
            .execute(hub.db().pool())
            .await
            .expect("usage");
        if backend == Backend::Postgres {
            sqlx::query("ANALYZE tenants")
                .execute(hub.db().pool())
                .await
                .ok();
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
    }
}
