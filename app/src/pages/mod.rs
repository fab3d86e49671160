//! One file per page.

pub mod account;
pub mod api_keys;
pub mod branding;
pub mod license;
pub mod login;
pub mod not_found;
pub mod overview;
pub mod section;
pub mod setup;
pub mod technician_detail;
pub mod technicians;
pub mod tenant;
pub mod tenant_detail;
pub mod tenant_users;
pub mod tenants;
