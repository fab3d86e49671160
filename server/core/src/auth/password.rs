//! Password hashing with argon2id (the crate's default parameters, OWASP's minimum).

use crate::db::internal;
use argon2::{
    password_hash::{
        rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString,
    },
    Argon2,
};
use hub_model::{session::MIN_PASSWORD_LEN, HubError, HubResult};

/// Longest password accepted: bounds the hashing work a request can cause.
pub const MAX_PASSWORD_LEN: usize = 256;

/// Hashes and verifies passwords off the async threads.
pub struct PasswordHasher {
    /// Verified against when the account does not exist, so both cases take the same time.
    dummy_hash: String,
}

impl PasswordHasher {
    /// Prepares the hasher (computes the dummy hash once).
    pub fn new() -> HubResult<Self> {
        Ok(Self {
            dummy_hash: hash_blocking("not-a-real-password-used-for-timing")?,
        })
    }

    /// Hashes a new password after checking its length.
    pub async fn hash(&self, password: &str) -> HubResult<String> {
        validate_new_password(password)?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|e| internal(&e))?
    }

    /// Verifies `password` against `hash`, or against the dummy hash when there is no account.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> HubResult<bool> {
        let known = hash.is_some();
        let hash = hash.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let matched = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .map_err(|e| internal(&e))?;
        Ok(known && matched)
    }
}

/// Checks a password someone is setting.
pub fn validate_new_password(password: &str) -> HubResult<()> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(HubError::invalid(
            "password",
            format!("Use at least {MIN_PASSWORD_LEN} characters for the password."),
        ));
    }
    if len > MAX_PASSWORD_LEN {
        return Err(HubError::invalid(
            "password",
            format!("Use at most {MAX_PASSWORD_LEN} characters for the password."),
        ));
    }
    Ok(())
}

fn hash_blocking(password: &str) -> HubResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| internal(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_with_argon2id_and_verifies() {
        let hasher = PasswordHasher::new().expect("hasher");
        let hash = hasher.hash("correct horse battery").await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher
            .verify("correct horse battery", Some(&hash))
            .await
            .expect("verify"));
        assert!(!hasher
            .verify("wrong horse battery", Some(&hash))
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn unknown_accounts_never_verify_even_with_the_dummy_password() {
        let hasher = PasswordHasher::new().expect("hasher");
        let verified = hasher
            .verify("not-a-real-password-used-for-timing", None)
            .await;
        assert_eq!(verified, Ok(false));
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(matches!(
            validate_new_password("short"),
            Err(HubError::InvalidInput { .. })
        ));
        assert!(validate_new_password(&"x".repeat(MAX_PASSWORD_LEN + 1)).is_err());
        assert!(validate_new_password("twelve chars").is_ok());
    }
}
