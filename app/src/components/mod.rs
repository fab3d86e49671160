//! Widgets shared by the pages.

pub mod auth_card;
pub mod brand;
pub mod clipboard;
pub mod confirm;
pub mod data_table;
pub mod error_view;
pub mod live;
pub mod meter;
pub mod permission_matrix;
pub mod progress;
pub mod shell;
pub mod tenant_switcher;
pub mod toast;
pub mod user_menu;
