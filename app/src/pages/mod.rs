//! One file per page.

pub mod login;
pub mod not_found;
pub mod overview;
pub mod section;
pub mod setup;
pub mod tenant;
