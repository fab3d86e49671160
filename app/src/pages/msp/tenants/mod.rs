//! `/tenants`: the list ([`list`]) and one tenant's detail, `/tenants/{id}` ([`detail`]).

pub mod detail;
pub mod list;
