//! Demo data for `serve --demo` and `seed --demo`: only ever written to an empty database.
//!
//! The demo shows every feature that exists: an activated MSP license (signed with the
//! repository's development key), the Default Tenant, a few dozen customer tenants with
//! some deactivated, and the activation notice waiting to be read.

use crate::{
    license::{LicenseClaims, LicenseIssuer},
    setup::SetupInput,
    ClientInfo, Hub,
};
use hub_model::{session::SystemRole, tenants::TenantLimits, HubResult};

/// A demo login to print for people trying the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: &'static str,
    pub email: &'static str,
    pub password: &'static str,
}

/// The demo MSP Admin.
pub const DEMO_ADMIN: DemoLogin = DemoLogin {
    role: "MSP Admin",
    email: "admin@northwind-msp.example",
    password: "northwind-demo-admin",
};

/// The development key pair (also in `keys/dev/`): the demo's license is signed with it.
const DEV_PRIVATE_KEY: &[u8] = include_bytes!("../../../keys/dev/license-private.pem");
const DEV_PUBLIC_KEY: &[u8] = include_bytes!("../../../keys/dev/license-public.pem");

/// The demo's customer tenants; the last two are deactivated.
const DEMO_TENANTS: &[&str] = &[
    "Adatum Corporation",
    "Alpine Ski House",
    "Bellows College",
    "Best For You Organics",
    "Coho Winery",
    "Consolidated Messenger",
    "Contoso Pharmaceuticals",
    "Fabrikam Residences",
    "First Up Consultants",
    "Fourth Coffee",
    "Graphic Design Institute",
    "Humongous Insurance",
    "Lamna Healthcare",
    "Liberty's Delightful Sinful Bakery",
    "Lucerne Publishing",
    "Margie's Travel",
    "Munson's Pickles and Preserves",
    "Nod Publishers",
    "Northwind Traders",
    "Proseware",
    "Relecloud",
    "School of Fine Art",
    "Southridge Video",
    "Tailspin Toys",
    "Trey Research",
    "VanArsdel",
    "Wide World Importers",
    "Wingtip Toys",
    "Woodgrove Bank",
    "World Wide Importers",
];

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

        let now = crate::clock::now_ms() / 1000;
        let claims = LicenseClaims {
            sub: "Northwind MSP".to_owned(),
            jti: "demo-license".to_owned(),
            iat: now,
            exp: now + 365 * 86_400,
            max_tenants: 50,
            limits: TenantLimits {
                automs: 100,
                users: 25,
                agents: 10,
            },
        };
        let key = LicenseIssuer::from_pem(DEV_PRIVATE_KEY, DEV_PUBLIC_KEY)?.issue(&claims, now)?;
        match self.activate_license(None, &key).await {
            Ok(_) => {}
            // A hub configured with another vendor key cannot take the demo license: the demo
            // then stays in single-organization mode.
            Err(error) => {
                tracing::warn!(%error, "the demo license was not activated");
                return Ok(DemoSeed::Seeded(vec![DemoLogin {
                    role: "Administrator",
                    ..DEMO_ADMIN
                }]));
            }
        }
        let mut admin = signed_in.principal;
        admin.role = SystemRole::MspAdmin;
        let mut created = Vec::new();
        for name in DEMO_TENANTS {
            created.push(self.create_tenant(&admin, name).await?);
        }
        for tenant in created.iter().rev().take(2) {
            self.set_tenant_active(&admin, tenant.id, false).await?;
        }
        Ok(DemoSeed::Seeded(vec![DEMO_ADMIN]))
    }
}
