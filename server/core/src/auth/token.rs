//! The session token: a short-lived HS256 JWT naming the user, the session and the
//! security version. It is only a pointer: every request re-checks all three in the database.

use hub_model::{SessionId, UserId};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// What the token carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: UserId,
    /// The session.
    pub sid: SessionId,
    /// The user's security version when the token was issued.
    pub ver: i64,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expires at (seconds).
    pub exp: i64,
    /// The brand version the browser was last served: when the brand changes, the token is
    /// re-issued and the client told to refresh its logo and colors.
    #[serde(default)]
    pub brv: i64,
}

/// Signing and verifying keys for session tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Keys from the secret in the data directory.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Signs claims.
    pub fn sign(&self, claims: &Claims) -> Option<String> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding).ok()
    }

    /// Verifies signature and expiry; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn claims(exp_offset: i64) -> Claims {
        let now = crate::clock::now_ms() / 1000;
        Claims {
            sub: UserId(Uuid::new_v4()),
            sid: SessionId(Uuid::new_v4()),
            ver: 3,
            iat: now,
            exp: now + exp_offset,
            brv: 1,
        }
    }

    #[test]
    fn round_trips_valid_tokens() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let claims = claims(60);
        let token = keys.sign(&claims).expect("sign");
        assert_eq!(keys.verify(&token), Some(claims));
    }

    #[test]
    fn rejects_expired_forged_and_garbage_tokens() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let expired = keys.sign(&claims(-1)).expect("sign");
        assert_eq!(keys.verify(&expired), None);
        let other = TokenKeys::new(b"another-secret-another-secret-xx");
        let forged = other.sign(&claims(60)).expect("sign");
        assert_eq!(keys.verify(&forged), None);
        assert_eq!(keys.verify("not.a.token"), None);
    }
}
