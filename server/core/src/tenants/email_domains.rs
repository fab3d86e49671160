//! A tenant's email domains (issue 9). An email address is one sign-in across the whole hub,
//! so whether one exists is visible to whoever can try to create it. Once the MSP Admin has
//! set a tenant's domains, everyone below the MSP Admin who manages its users (its Tenant
//! Admins, technicians with Users rights) can only create users at those domains: they can
//! neither probe other customers' addresses nor claim them. A domain belongs to one tenant.

use crate::{
    audit::AuditEvent,
    clock::now_ms,
    db::{is_unique_violation, DbResultExt as _},
    Hub, Principal,
};
use hub_model::audit::AuditAction;
use hub_model::{HubError, HubResult, TenantId};

/// Most domains one tenant may have.
const MAX_DOMAINS: usize = 20;

/// A domain as stored: lowercase, dot-separated labels of letters, digits and hyphens.
fn normalize_domain(domain: &str) -> HubResult<String> {
    let domain = domain.trim().trim_start_matches('@').to_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok) {
        Ok(domain)
    } else {
        Err(HubError::invalid(
            "email_domains",
            format!("{domain:?} is not a domain name, such as contoso.com."),
        ))
    }
}

/// Splits what the form sends (commas, spaces or lines) into normalized, distinct domains.
pub fn parse_domains(text: &str) -> HubResult<Vec<String>> {
    let mut domains = Vec::new();
    for part in text
        .split([',', ' ', '\n', '\r', '\t', ';'])
        .filter(|p| !p.is_empty())
    {
        let domain = normalize_domain(part)?;
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    if domains.len() > MAX_DOMAINS {
        return Err(HubError::invalid(
            "email_domains",
            format!("A tenant can have at most {MAX_DOMAINS} email domains."),
        ));
    }
    domains.sort();
    Ok(domains)
}

/// The domains of tenant `tenant` (a tenant id as text), in order.
pub(crate) async fn domains_of(
    executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
    tenant: &str,
) -> HubResult<Vec<String>> {
    sqlx::query_scalar(
        "SELECT domain FROM tenant_email_domains WHERE tenant_id = $1 ORDER BY domain",
    )
    .bind(tenant)
    .fetch_all(executor)
    .await
    .db()
}

/// Refuses `email` for a new user of a tenant with `domains` unless it is at one of them
/// (no domains: no restriction).
pub(crate) fn check_address(email: &str, domains: &[String], tenant_name: &str) -> HubResult<()> {
    let domain = email.rsplit_once('@').map_or("", |(_, domain)| domain);
    if domains.is_empty() || domains.iter().any(|d| d == domain) {
        return Ok(());
    }
    Err(HubError::invalid(
        "email",
        format!(
            "Users of {tenant_name} need an address at {}. Ask your MSP to add another domain.",
            domains.join(" or ")
        ),
    ))
}

impl Hub {
    /// Replaces tenant `id`'s email domains. MSP Admin only; a domain of another tenant is
    /// refused and nothing changes.
    pub async fn set_tenant_email_domains(
        &self,
        principal: &Principal,
        id: TenantId,
        domains: &str,
    ) -> HubResult<Vec<String>> {
        let action = AuditAction::TenantEmailDomains;
        let (mut tx, _) = self.tenants_tx(principal, action, true).await?;
        let domains = parse_domains(domains)?;
        let tenant = self.tenant_in(&mut *tx, id).await?;
        let key = id.to_string();
        sqlx::query("DELETE FROM tenant_email_domains WHERE tenant_id = $1")
            .bind(&key)
            .execute(&mut *tx)
            .await
            .db()?;
        let now = now_ms();
        for domain in &domains {
            sqlx::query(
                "INSERT INTO tenant_email_domains (domain, tenant_id, created_at) VALUES ($1, $2, $3)",
            )
            .bind(domain)
            .bind(&key)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|error| {
                if is_unique_violation(&error) {
                    HubError::invalid(
                        "email_domains",
                        format!("{domain} already belongs to another tenant."),
                    )
                } else {
                    crate::db::internal(&error)
                }
            })?;
        }
        AuditEvent::allowed(
            tx.caller(),
            action,
            Some(id),
            &tenant.slug,
            format!("email domains set to [{}]", domains.join(", ")),
        )
        .record(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(domains)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_normalized_and_bad_ones_named() {
        assert_eq!(
            parse_domains(" Adatum.example, @adatum.example\nmail.ADATUM.example ").ok(),
            Some(vec![
                "adatum.example".to_owned(),
                "mail.adatum.example".to_owned()
            ])
        );
        assert_eq!(parse_domains("").ok(), Some(Vec::new()));
        for bad in [
            "localhost",
            "-a.example",
            "a..example",
            "a_b.example",
            "ex ample.com@x",
        ] {
            assert!(parse_domains(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn addresses_must_be_at_a_domain_of_the_tenant_once_it_has_any() {
        let domains = ["adatum.example".to_owned()];
        assert!(check_address("irene@adatum.example", &domains, "Adatum").is_ok());
        assert!(check_address("eve@contoso.example", &domains, "Adatum").is_err());
        assert!(check_address("eve@sub.adatum.example", &domains, "Adatum").is_err());
        assert!(check_address("eve@contoso.example", &[], "Adatum").is_ok());
    }
}
