//! Sign-in protection as the hub's administrator sees it.

use serde::{Deserialize, Serialize};

/// What a throttle counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThrottleKind {
    /// Guesses at one account from one address.
    Pair,
    /// Guesses at one account from addresses it never signed in from.
    Account,
    /// Guesses from one address, at any account.
    Address,
    /// Wrong current passwords when changing one's own password.
    Password,
}

impl ThrottleKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pair => "pair",
            Self::Account => "account",
            Self::Address => "address",
            Self::Password => "password",
        }
    }

    /// From the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pair, Self::Account, Self::Address, Self::Password]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pair => "Account from one address",
            Self::Account => "Account from unfamiliar addresses",
            Self::Address => "Address, any account",
            Self::Password => "Password change",
        }
    }
}

/// An account or address whose failed attempts are being slowed down (or about to be).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottledKey {
    pub kind: ThrottleKind,
    /// The account (email) concerned; empty for an address.
    pub account: String,
    /// The address concerned; empty for an account.
    pub ip: String,
    /// Failures within the window.
    pub failures: i64,
    /// How long new attempts are refused; 0 when not blocked right now.
    pub blocked_for_secs: u64,
}
