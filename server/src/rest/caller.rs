//! The one extractor for whoever calls a route, resolved by [`crate::middleware::auth`]:
//! the session's person on browser routes, the API key on `/api/v1` (see also
//! [`super::v1::ApiKey`], which also answers the API's problem format).

use crate::middleware::error_response;
use hub_core::{Caller, HubError, RequestContext};

/// The caller the authentication middleware resolved for this request, if any.
pub fn resolved(parts: &http::request::Parts) -> Option<&Caller> {
    parts
        .extensions
        .get::<RequestContext>()
        .and_then(|context| context.caller.as_ref())
}

/// Whoever calls; anonymous callers are refused with 401.
#[derive(Clone, Debug)]
pub struct RequestCaller(pub Caller);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestCaller {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        resolved(parts)
            .cloned()
            .map(Self)
            .ok_or_else(|| error_response(&HubError::Unauthenticated))
    }
}
