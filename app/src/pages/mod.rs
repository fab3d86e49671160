//! The pages, in folders that mirror their URLs:
//! - `msp/`: the MSP as a whole, at the root (`/`, `/tenants`, `/technicians/{id}`, …);
//! - `tenant/`: inside one tenant, `/t/{tenant}/…`;
//! - the rest are the person's own pages (`/account`) and the pages outside the shell
//!   (`/login`, `/setup`, the 404).

pub mod account;
pub mod login;
pub mod msp;
pub mod not_found;
pub mod setup;
pub mod tenant;
