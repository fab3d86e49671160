//! `/tenants`: the list ([`list`]) and one tenant's detail, `/tenants/{id}` ([`detail`]), and
//! what both do the same way: deactivating asks first and says what it takes away; the toast
//! that answers offers to undo it.

pub mod detail;
pub mod list;

use crate::{
    api::tenants::{set_tenant_active, SetTenantActive},
    components::{
        confirm::{use_confirm, Confirmation},
        toast::{settle, use_toast},
    },
};
use hub_model::tenants::TenantSummary;
use leptos::prelude::*;
use std::sync::Arc;

/// "3 technicians and 12 users", with the right plurals.
fn who_loses_access(tenant: &TenantSummary) -> String {
    let count = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} and {}",
        count(tenant.technicians, "technician", "technicians"),
        count(tenant.usage.users, "user", "users")
    )
}

/// Deactivates after asking, or reactivates at once (nothing is lost by that).
pub fn toggle_tenant(tenant: &TenantSummary, toggle: ServerAction<SetTenantActive>) {
    let input = SetTenantActive {
        id: tenant.id.to_string(),
        active: !tenant.active,
    };
    if !tenant.active {
        toggle.dispatch(input);
        return;
    }
    use_confirm().ask(Confirmation {
        title: format!("Deactivate {}?", tenant.name),
        body: format!(
            "{} lose access to it; nothing is deleted, and you can reactivate it at any time.",
            who_loses_access(tenant)
        ),
        confirm: format!("Deactivate {}", tenant.name),
        destructive: true,
        run: Arc::new(move || {
            toggle.dispatch(input.clone());
        }),
    });
}

/// Answers each toggle with a toast; a deactivation's toast offers to undo it. The undo calls
/// the server itself and bumps `refresh`, because the toast may outlive the page.
pub fn announce_toggle(toggle: ServerAction<SetTenantActive>, refresh: RwSignal<u32>) {
    let toaster = use_toast();
    Effect::new(move |_| {
        toggle.value().with(|last| match last {
            Some(Ok(tenant)) if tenant.active => {
                toaster.success(format!("{} is active again.", tenant.name));
            }
            Some(Ok(tenant)) => {
                let (id, name) = (tenant.id.to_string(), tenant.name.clone());
                toaster.success_with_undo(
                    format!("{name} is deactivated. Its data is kept."),
                    Arc::new(move || {
                        let name = name.clone();
                        settle(
                            set_tenant_active(id.clone(), true),
                            move |_| format!("{name} is active again."),
                            move || {
                                refresh.try_update(|n| *n += 1);
                            },
                        );
                    }),
                );
            }
            Some(Err(error)) => toaster.error(error.to_string()),
            None => {}
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use hub_model::{
        ids::TenantId,
        tenants::{TenantLimits, TenantUsage},
    };

    #[test]
    fn the_impact_counts_technicians_and_users_with_plurals() {
        let mut tenant = TenantSummary {
            id: TenantId::parse("6f1c2b9e-5d0a-4c1e-9a7b-3e2f1d0c4b5a").expect("a uuid"),
            slug: "contoso".into(),
            name: "Contoso".into(),
            active: true,
            is_default: false,
            created_at_ms: 0,
            limits: TenantLimits {
                automs: 1,
                users: 20,
                agents: 1,
            },
            usage: TenantUsage {
                automs: 0,
                users: 12,
                agents: 0,
            },
            technicians: 3,
        };
        assert_eq!(who_loses_access(&tenant), "3 technicians and 12 users");
        tenant.technicians = 1;
        tenant.usage.users = 1;
        assert_eq!(who_loses_access(&tenant), "1 technician and 1 user");
    }
}
