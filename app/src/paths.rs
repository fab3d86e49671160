//! Where pages live: reading the tenant and section from a path, and building the links
//! between pages, so a URL's shape is written down once.

/// The workspace slug in the current URL (`/t/{slug}/...`), if any.
pub fn tenant_in_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/t/")?;
    let slug = rest.split('/').next().unwrap_or_default();
    (!slug.is_empty()).then(|| slug.to_owned())
}

/// The page kind after the workspace in the URL (`/t/{slug}/{section}`), if any.
pub fn section_in_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/t/")?;
    let section = rest.split('/').nth(1).unwrap_or_default();
    (!section.is_empty()).then(|| section.to_owned())
}

/// A page of a tenant: `/t/{slug}/{section}`.
pub fn tenant_page(slug: &str, section: &str) -> String {
    format!("/t/{slug}/{section}")
}

/// An MSP page by its section slug: `/{slug}` (the overview is `/`).
pub fn msp_page(slug: &str) -> String {
    format!("/{slug}")
}

/// One tenant's detail page (MSP Admin): `/tenants/{id}`.
pub fn tenant_detail(id: impl std::fmt::Display) -> String {
    format!("/tenants/{id}")
}

/// One technician's page (MSP Admin): `/technicians/{id}`.
pub fn technician_detail(id: impl std::fmt::Display) -> String {
    format!("/technicians/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_and_section_are_read_back_from_the_paths_built_here() {
        let path = tenant_page("adatum", "users");
        assert_eq!(tenant_in_path(&path).as_deref(), Some("adatum"));
        assert_eq!(section_in_path(&path).as_deref(), Some("users"));
        assert_eq!(tenant_in_path("/t/adatum").as_deref(), Some("adatum"));
        assert_eq!(section_in_path("/t/adatum"), None);
        assert_eq!(tenant_in_path("/tenants/adatum"), None);
        assert_eq!(tenant_in_path("/t/"), None);
        assert_eq!(msp_page(""), "/");
    }
}
