//! The credentials vault (DESIGN §4, issue 13): each tenant's secrets, encrypted at rest under
//! a per-tenant data key ([`crypto`]).

pub mod crypto;
