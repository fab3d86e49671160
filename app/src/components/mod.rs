//! Widgets shared by the pages.

pub mod auth_card;
pub mod brand;
pub mod error_view;
pub mod meter;
pub mod permission_matrix;
pub mod shell;
pub mod tenant_switcher;
pub mod user_menu;
