//! Server functions: each reads the principal, calls one core function and returns.
//! Authorization is checked on the server in every one of them.

pub mod auth;
pub mod workspace;
