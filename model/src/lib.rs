//! Typed ids, transfer objects and the one error enum that crosses the wire.
//!
//! This crate compiles for the server and for the browser (WASM), so it holds no I/O.

pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod automs;
pub mod branding;
pub mod dates;
pub mod error;
pub mod ids;
pub mod license;
pub mod overview;
pub mod permissions;
pub mod security;
pub mod session;
pub mod technicians;
pub mod tenant_users;
pub mod tenants;
pub mod vault;
pub mod workspace;

pub use error::{HubError, HubResult, LicenseProblem};
pub use ids::{
    AlertId, ApiKeyId, AutomId, RoleId, RunId, SessionId, TenantId, UserId, VaultItemId,
};
