//! Typed ids: no raw `Uuid` or `String` id crosses a module boundary.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// Parses the hyphenated text form stored in the database.
            pub fn parse(text: &str) -> Option<Self> {
                Uuid::parse_str(text).ok().map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

typed_id!(
    /// A user account (MSP Admin, technician or tenant user).
    UserId
);
typed_id!(
    /// A signed-in session; revoking it signs that browser out on its next request.
    SessionId
);
typed_id!(
    /// A customer tenant (or, before an MSP license, the organization's own workspace).
    TenantId
);
typed_id!(
    /// A tenant API key (automation runners); its secret is never stored.
    ApiKeyId
);
typed_id!(
    /// A role inside one tenant (its permission matrix for the tenant's users).
    RoleId
);
typed_id!(
    /// An Autom (a tenant's automation).
    AutomId
);
typed_id!(
    /// One run of an Autom.
    RunId
);
typed_id!(
    /// An alert of a tenant.
    AlertId
);
typed_id!(
    /// An item of a tenant's vault.
    VaultItemId
);
