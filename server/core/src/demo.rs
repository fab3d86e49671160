//! Demo data for `serve --demo` and `seed --demo`: only ever written to an empty database.

use crate::{setup::SetupInput, ClientInfo, Hub};
use hub_model::HubResult;

/// A demo login to print for people trying the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

/// The demo organization's Administrator.
pub const DEMO_ADMIN: DemoLogin = DemoLogin {
    role: "Administrator",
    email: "admin@northwind-msp.example",
    password: "northwind-demo-admin",
};

/// What seeding did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DemoSeed {
    /// The database was empty and now holds the demo data.
    Seeded(Vec<DemoLogin>),
    /// The database already had data; nothing was written.
    AlreadyPopulated,
}

impl Hub {
    /// Seeds the demo organization when the database is empty.
    pub async fn seed_demo(&self) -> HubResult<DemoSeed> {
        if !self.setup_required().await? {
            return Ok(DemoSeed::AlreadyPopulated);
        }
        let input = SetupInput {
            organization_name: "Northwind MSP".to_owned(),
            display_name: "Alex Morgan".to_owned(),
            email: DEMO_ADMIN.email.to_owned(),
            password: DEMO_ADMIN.password.to_owned(),
        };
        let client = ClientInfo {
            ip: "demo-seed".to_owned(),
            user_agent: "msp-hub seed".to_owned(),
        };
        let signed_in = self.set_up(&input, &client).await?;
        // The seed signs nobody in: end the session setup opened.
        self.revoke_session(signed_in.principal.session_id).await?;
        Ok(DemoSeed::Seeded(vec![DEMO_ADMIN]))
    }
}
