//! Sign-in, sessions and the principal every request acts as.

pub mod login;
pub mod password;
pub mod principal;
pub mod sessions;
pub mod throttle;
pub mod token;

/// How long tokens and sessions live.
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    /// Lifetime of one signed token; it is re-issued while the user is active.
    pub token_ttl_secs: i64,
    /// A session unused for this long ends.
    pub idle_timeout_secs: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            token_ttl_secs: 30 * 60,
            idle_timeout_secs: 12 * 60 * 60,
        }
    }
}

/// Limits on failed sign-ins.
#[derive(Clone, Debug)]
pub struct LoginPolicy {
    /// Failed attempts on one account within the window before it is locked for the window.
    pub max_failures_per_account: i64,
    /// Failed attempts from one address within the window before it is refused.
    pub max_failures_per_ip: i64,
    /// The sliding window.
    pub window_secs: i64,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            max_failures_per_account: 5,
            max_failures_per_ip: 20,
            window_secs: 15 * 60,
        }
    }
}
