//! Server functions: each reads the principal, calls one core function and returns.
//! Authorization is checked on the server in every one of them.

pub mod account;
pub mod alerts;
pub mod api_keys;
pub mod auth;
pub mod automs;
pub mod branding;
pub mod license;
pub mod overview;
pub mod security;
pub mod technicians;
pub mod tenant_users;
pub mod tenants;
pub mod vault;
pub mod workspace;
