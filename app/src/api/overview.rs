//! The overview pages' data.

use hub_model::{
    overview::{MspAttention, TenantAccess},
    HubError,
};
use leptos::prelude::*;

/// What needs the MSP Admin's attention now.
#[server(endpoint = "overview/attention")]
pub async fn get_msp_attention() -> Result<MspAttention, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.msp_attention(&principal).await
}

/// A technician's tenants with their access in each.
#[server(endpoint = "overview/my_tenants")]
pub async fn get_my_tenants() -> Result<Vec<TenantAccess>, HubError> {
    let principal = crate::ssr::principal()?;
    crate::ssr::hub()?.my_tenants(&principal).await
}
