//! The Tenant Management list: search, status filter, Sort By and pages, all in SQL.
//!
//! Each order has its own index (`tenants_by_*`, migration 0002) ending in `id`, so a page
//! is an index range scan and ties never make rows jump between pages. The search matches
//! anywhere in the name or slug, ignoring case; at 10,000 tenants that scan is measured in
//! BENCHMARKS.md.

use super::{count, summary_from_row, SUMMARY_COLUMNS};
use crate::{db::DbResultExt as _, Hub, Principal};
use hub_model::audit::AuditAction;
use hub_model::{
    tenants::{StatusFilter, TenantCount, TenantPage, TenantQuery, TenantSort, TENANT_PAGE_SIZES},
    HubResult,
};

/// Longest search text accepted (longer input is cut, not refused).
const MAX_SEARCH_LEN: usize = 100;

/// A requested page size clamped to what a list offers (`sizes`, smallest first); none asked
/// (zero or less) is the smallest.
pub(crate) fn page_size(requested: i64, sizes: &[i64]) -> i64 {
    let smallest = sizes.first().copied().unwrap_or(25);
    let largest = sizes.last().copied().unwrap_or(smallest);
    if requested <= 0 {
        smallest
    } else {
        requested.clamp(smallest, largest)
    }
}

/// The `LIKE` pattern of a search box's text: trimmed, cut to [`MAX_SEARCH_LEN`] characters,
/// wildcards escaped. An empty search gives `%%` (matches everything).
pub(crate) fn search_pattern(raw: &str) -> String {
    let search: String = raw.trim().chars().take(MAX_SEARCH_LEN).collect();
    contains_pattern(&search)
}

/// `LIKE` pattern for "contains", with the wildcards in the input escaped.
fn contains_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.chars().flat_map(char::to_lowercase) {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The `ORDER BY` of a sort; only these fixed strings ever reach the SQL.
fn order_by(sort: TenantSort, descending: bool) -> &'static str {
    match (sort, descending) {
        (TenantSort::Name, false) => "name_key ASC, id ASC",
        (TenantSort::Name, true) => "name_key DESC, id DESC",
        (TenantSort::Created, false) => "created_at ASC, id ASC",
        (TenantSort::Created, true) => "created_at DESC, id DESC",
        // Active first by default; names keep each group in a stable order.
        (TenantSort::Status, false) => "active DESC, name_key ASC, id ASC",
        (TenantSort::Status, true) => "active ASC, name_key ASC, id ASC",
        (TenantSort::Usage, false) => {
            "(used_automs + used_users + used_agents) ASC, name_key ASC, id ASC"
        }
        (TenantSort::Usage, true) => {
            "(used_automs + used_users + used_agents) DESC, name_key DESC, id DESC"
        }
    }
}

/// The page size, clamped to what the list offers.
fn per_page(requested: u32) -> u32 {
    let smallest = TENANT_PAGE_SIZES[0];
    let largest = TENANT_PAGE_SIZES[TENANT_PAGE_SIZES.len() - 1];
    if requested == 0 {
        smallest
    } else {
        requested.clamp(smallest, largest)
    }
}

impl Hub {
    /// One page of tenants for the Tenant Management page.
    pub async fn list_tenants(
        &self,
        principal: &Principal,
        query: &TenantQuery,
    ) -> HubResult<TenantPage> {
        let (mut tx, license) = self
            .tenants_tx(principal, AuditAction::TenantList, false)
            .await?;
        let search: String = query.search.trim().chars().take(MAX_SEARCH_LEN).collect();
        let per_page = per_page(query.per_page);
        let page = query.page.max(1);

        let mut filter = String::from("kind = 'tenant'");
        let mut next = 1;
        match query.status {
            StatusFilter::All => {}
            StatusFilter::Active => filter.push_str(" AND active = 1"),
            StatusFilter::Inactive => filter.push_str(" AND active = 0"),
        }
        if !search.is_empty() {
            filter.push_str(&format!(
                " AND (name_key LIKE ${next} ESCAPE '\\' OR slug LIKE ${next} ESCAPE '\\')"
            ));
            next += 1;
        }
        let pattern = contains_pattern(&search);

        let count_sql = format!("SELECT COUNT(*) FROM tenants WHERE {filter}");
        let mut total = sqlx::query_scalar::<_, i64>(&count_sql);
        if !search.is_empty() {
            total = total.bind(pattern.clone());
        }
        let total = total.fetch_one(&mut *tx).await.db()?;

        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM tenants WHERE {filter} ORDER BY {} LIMIT ${} OFFSET ${}",
            order_by(query.sort, query.descending),
            next,
            next + 1
        );
        let mut rows = sqlx::query_as::<_, super::SummaryRow>(&sql);
        if !search.is_empty() {
            rows = rows.bind(pattern);
        }
        let rows = rows
            .bind(i64::from(per_page))
            .bind(i64::from(page - 1) * i64::from(per_page))
            .fetch_all(&mut *tx)
            .await
            .db()?;
        let items = rows
            .iter()
            .map(summary_from_row)
            .collect::<HubResult<_>>()?;
        let used = if query.status == StatusFilter::All && search.is_empty() {
            total
        } else {
            count(&mut *tx).await?
        };
        tx.commit().await?;
        Ok(TenantPage {
            items,
            total,
            page,
            per_page,
            count: TenantCount {
                used,
                allowed: license.max_tenants,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_wildcards_are_literal() {
        assert_eq!(contains_pattern("Acme"), "%acme%");
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn page_sizes_are_clamped() {
        assert_eq!(per_page(0), 25);
        assert_eq!(per_page(10), 25);
        assert_eq!(per_page(50), 50);
        assert_eq!(per_page(100_000), 100);
    }
}
