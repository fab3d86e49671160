//! The one error enum that crosses the wire. Every variant carries a message fit for users;
//! internal details (database errors, file paths) stay in the server log under a reference.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Result alias used across the core, the server functions and the REST API.
pub type HubResult<T> = Result<T, HubError>;

/// Everything that can go wrong, as a user should read it.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HubError {
    /// No valid session: sign in first.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// The thing does not exist, or is not visible to the caller (same answer, so existence does not leak).
    #[error("{what} was not found.")]
    NotFound { what: String },
    /// A field failed validation; nothing was changed.
    #[error("{message}")]
    InvalidInput { field: String, message: String },
    /// The request itself could not be read (malformed body, missing argument).
    #[error("The request could not be read: {message}")]
    BadRequest { message: String },
    /// The endpoint exists but does not take this HTTP method.
    #[error("This endpoint does not accept the {method} method.")]
    MethodNotAllowed { method: String },
    /// The request body is larger than the server accepts.
    #[error("The request is too large (the limit is {limit_bytes} bytes).")]
    PayloadTooLarge { limit_bytes: u64 },
    /// Unknown account or wrong password: one message for both, so accounts cannot be probed.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// Too many failed sign-in attempts.
    #[error("Too many failed sign-in attempts. Try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    /// A state-changing request came from another site.
    #[error("This request came from another site and was refused.")]
    CrossSiteRequest,
    /// Setup can only ever happen once.
    #[error("MSP Hub is already set up. Sign in instead.")]
    AlreadySetUp,
    /// Nothing works before the Administrator account exists.
    #[error("MSP Hub is not set up yet. Create the Administrator account first.")]
    SetupRequired,
    /// A license key that cannot be used; nothing was changed.
    #[error("{problem}")]
    LicenseInvalid { problem: LicenseProblem },
    /// MSP features (tenants, technicians, branding) need an activated license.
    #[error("This needs an MSP license. Activate one on the License page first.")]
    LicenseRequired,
    /// The license has expired: what exists keeps working, nothing new may be created.
    #[error(
        "Your MSP license expired on {expired_on}. Existing tenants keep working, but new \
         tenants cannot be created until you activate a renewed license on the License page."
    )]
    LicenseExpired { expired_on: String },
    /// A limit is reached; nothing was created and nothing that exists was touched.
    #[error("The {resource} limit is reached: {used} of {limit} in use.")]
    LimitReached {
        resource: String,
        used: i64,
        limit: i64,
    },
    /// The MSP Admin account is protected (DESIGN §1).
    #[error(
        "The MSP Admin account is protected: its role cannot be changed, given to anyone else \
         or removed, and the account cannot be deactivated or deleted."
    )]
    ProtectedAccount,
    /// The tenant is deactivated: its data is kept, but only the MSP Admin may open it.
    #[error("This tenant is deactivated. Its data is kept, but only the MSP Admin can open it.")]
    TenantDeactivated,
    /// A permission may only be granted by someone who holds it.
    #[error("You cannot grant permissions you do not have yourself.")]
    PermissionEscalation,
    /// The request does not fit the current state of what it names (a run another runner
    /// holds, one that already ended); nothing was changed.
    #[error("{message}")]
    Conflict { message: String },
    /// Something failed on the server; the reference finds the details in the server log.
    #[error("Something went wrong on our side. Reference: {reference}.")]
    Internal { reference: String },
    /// The client could not reach the server, or could not read its answer.
    #[error("The server could not be reached: {message}")]
    Network { message: String },
}

impl HubError {
    /// A validation error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// "X was not found."
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden
            | Self::CrossSiteRequest
            | Self::ProtectedAccount
            | Self::TenantDeactivated
            | Self::PermissionEscalation => 403,
            Self::NotFound { .. } => 404,
            Self::InvalidInput { .. } | Self::LicenseInvalid { .. } => 422,
            Self::BadRequest { .. } => 400,
            Self::AlreadySetUp
            | Self::SetupRequired
            | Self::LicenseRequired
            | Self::LicenseExpired { .. }
            | Self::LimitReached { .. }
            | Self::Conflict { .. } => 409,
            Self::MethodNotAllowed { .. } => 405,
            Self::PayloadTooLarge { .. } => 413,
            Self::RateLimited { .. } => 429,
            Self::Internal { .. } => 500,
            Self::Network { .. } => 503,
        }
    }

    /// The JSON body the REST API and middleware answer with.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"kind":"internal","reference":"serialization"}"#.to_owned())
    }
}

/// Why a license key was refused; each has its own message.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum LicenseProblem {
    /// Not a license key at all (truncated, not a JWT, wrong claims).
    #[error("This is not a valid license key. Paste the whole key exactly as you received it.")]
    Malformed,
    /// Signed for another public key than the one this hub trusts.
    #[error(
        "This license key was issued for a different MSP Hub vendor key and cannot be used here."
    )]
    WrongKey,
    /// Made for this hub's key, but the signature does not match: altered or corrupted.
    #[error("This license key's signature is invalid: it was altered or corrupted.")]
    BadSignature,
    /// Past its expiry.
    #[error("This license key expired on {expired_on}. Ask your vendor for a renewal.")]
    Expired { expired_on: String },
    /// Limits that make no sense (zero or negative).
    #[error("This license key has invalid limits: {detail}.")]
    InvalidLimits { detail: String },
    /// The hub has no public key configured to verify licenses with.
    #[error("This hub has no license public key configured, so it cannot verify license keys: set keys.license_public_key to your vendor's public key.")]
    NotConfigured,
}

#[cfg(feature = "server-fn")]
mod server_fn_error {
    use super::HubError;
    use server_fn::{
        codec::JsonEncoding,
        error::{FromServerFnError, ServerFnErrorErr},
    };

    impl FromServerFnError for HubError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                    HubError::BadRequest { message }
                }
                ServerFnErrorErr::Request(message)
                | ServerFnErrorErr::Deserialization(message)
                | ServerFnErrorErr::Serialization(message) => HubError::Network { message },
                ServerFnErrorErr::Registration(_)
                | ServerFnErrorErr::UnsupportedRequestMethod(_)
                | ServerFnErrorErr::ServerError(_)
                | ServerFnErrorErr::MiddlewareError(_)
                | ServerFnErrorErr::Response(_) => HubError::Internal {
                    reference: "server-fn".to_owned(),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_as_tagged_json() {
        let err = HubError::RateLimited {
            retry_after_secs: 42,
        };
        let json = err.to_json();
        assert_eq!(json, r#"{"kind":"rate_limited","retry_after_secs":42}"#);
        assert_eq!(serde_json::from_str::<HubError>(&json).ok(), Some(err));
    }

    #[test]
    fn messages_never_reveal_which_credential_was_wrong() {
        assert_eq!(
            HubError::InvalidCredentials.to_string(),
            "The email or password is incorrect."
        );
        assert_eq!(HubError::InvalidCredentials.status(), 401);
        assert_eq!(
            HubError::BadRequest {
                message: "x".into()
            }
            .status(),
            400
        );
        assert_eq!(HubError::PayloadTooLarge { limit_bytes: 1 }.status(), 413);
    }
}
