//! Throttling of password guesses (sign-in, and changing one's own password), counted in the
//! database so that every server process enforces one limit.
//!
//! An attempt is counted *before* its password is checked, in one transaction over every key
//! it falls under, so parallel guesses cannot slip past a limit. Past the free failures of a
//! key, each failure blocks that key for a delay that doubles (30 s, 1 min, 2 min, …) up to
//! the window; a key with no failure for a window is forgotten. Nothing is ever locked for good.
//!
//! Keys: the account and address pair; the account, only for addresses it never signed in
//! from (so strangers can slow down guesses against an account, but never the owner at a
//! place they signed in from before); and the address. A success clears its pair and account
//! and takes its own count back from the address.

use super::LoginPolicy;
use crate::access::msp::MspRole;
use crate::{clock::now_ms, db::DbResultExt as _, Hub};
use hub_model::audit::AuditAction;
use hub_model::{
    security::{ThrottleKind, ThrottledKey},
    HubError, HubResult,
};

/// What this module does as the hub itself (no caller's rights decide it).
const THROTTLE: crate::caller::SystemTask = crate::caller::SystemTask::new("sign-in throttling");

/// How often a contended counter is re-read before the attempt is refused.
const MAX_RETRIES: usize = 64;

/// The first delay once a key's free failures are used up: long enough to make guessing slow
/// (about a hundred guesses a day once the delays reach the window), short enough for someone
/// who mistyped five times.
const BASE_DELAY_MS: i64 = 30_000;

/// One thing that is counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    kind: ThrottleKind,
    account: String,
    ip: String,
}

impl Key {
    /// Guesses at `account` from `ip`.
    pub fn pair(account: &str, ip: &str) -> Self {
        Self::new(ThrottleKind::Pair, account, ip)
    }

    /// Guesses at `account` from addresses it never signed in from.
    pub fn account(account: &str) -> Self {
        Self::new(ThrottleKind::Account, account, "")
    }

    /// Guesses from `ip`, at any account.
    pub fn address(ip: &str) -> Self {
        Self::new(ThrottleKind::Address, "", ip)
    }

    /// Guesses at the current password of the signed-in `account` (changing one's password).
    pub fn password(account: &str) -> Self {
        Self::new(ThrottleKind::Password, account, "")
    }

    fn new(kind: ThrottleKind, account: &str, ip: &str) -> Self {
        Self {
            kind,
            account: account.to_owned(),
            ip: ip.to_owned(),
        }
    }

    /// The row's primary key.
    fn id(&self) -> String {
        format!("{}:{}|{}", self.kind.as_str(), self.account, self.ip)
    }

    /// Failures allowed before delays start.
    fn free(&self, policy: &LoginPolicy) -> i64 {
        match self.kind {
            ThrottleKind::Address => policy.max_failures_per_ip,
            _ => policy.max_failures_per_account,
        }
    }
}

/// How long a key is blocked after its `failures`-th failure.
fn delay_ms(failures: i64, free: i64, window_ms: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = u32::try_from(failures - free).unwrap_or(u32::MAX).min(30);
    BASE_DELAY_MS
        .saturating_mul(1_i64 << doublings)
        .min(window_ms.max(BASE_DELAY_MS))
}

/// The counter row as read.
#[derive(sqlx::FromRow)]
struct Counter {
    failures: i64,
    last_failure_at: i64,
    blocked_until: i64,
}

/// What one attempt counted, so that a success can take it back.
#[derive(Debug, Default)]
pub(crate) struct Reservation {
    /// Per key: its row id, the block this attempt set, and the block before it.
    counted: Vec<(String, i64, i64)>,
}

/// A throttled key as the overview lists it.
#[derive(sqlx::FromRow)]
struct ThrottledRow {
    kind: String,
    account: String,
    ip: String,
    failures: i64,
    blocked_until: i64,
}

impl Hub {
    /// Counts one attempt against every key (in this order, in one transaction), or refuses
    /// with [`HubError::RateLimited`], counting nothing, when any key is blocked.
    pub(crate) async fn reserve_attempt(&self, keys: &[Key]) -> HubResult<Reservation> {
        let policy = &self.settings().login;
        let window_ms = policy.window_secs.saturating_mul(1000);
        let now = now_ms();
        let mut tx = self.system_write(THROTTLE).await?;
        let mut reservation = Reservation::default();
        for key in keys {
            let id = key.id();
            sqlx::query(
                "INSERT INTO login_throttles \
                 (key, kind, account, ip, failures, last_failure_at, blocked_until) \
                 VALUES ($1, $2, $3, $4, 0, 0, 0) ON CONFLICT (key) DO NOTHING",
            )
            .bind(&id)
            .bind(key.kind.as_str())
            .bind(&key.account)
            .bind(&key.ip)
            .execute(&mut *tx)
            .await
            .db()?;
            let mut counted = false;
            for _ in 0..MAX_RETRIES {
                let counter: Counter = sqlx::query_as(
                    "SELECT failures, last_failure_at, blocked_until FROM login_throttles \
                     WHERE key = $1",
                )
                .bind(&id)
                .fetch_one(&mut *tx)
                .await
                .db()?;
                if counter.blocked_until > now {
                    let wait_ms = counter.blocked_until - now;
                    return Err(HubError::RateLimited {
                        retry_after_secs: u64::try_from(wait_ms).unwrap_or(1000).div_ceil(1000),
                    });
                }
                let failures = if counter.last_failure_at < now - window_ms {
                    1
                } else {
                    counter.failures + 1
                };
                let blocked_until = match delay_ms(failures, key.free(policy), window_ms) {
                    0 => 0,
                    delay => now + delay,
                };
                // Compare and set: a concurrent attempt that changed the row makes this one
                // read it again (PostgreSQL re-checks the condition after waiting for it).
                let updated = sqlx::query(
                    "UPDATE login_throttles SET failures = $1, last_failure_at = $2, \
                     blocked_until = $3 WHERE key = $4 AND failures = $5 \
                     AND last_failure_at = $6 AND blocked_until = $7",
                )
                .bind(failures)
                .bind(now)
                .bind(blocked_until)
                .bind(&id)
                .bind(counter.failures)
                .bind(counter.last_failure_at)
                .bind(counter.blocked_until)
                .execute(&mut *tx)
                .await
                .db()?
                .rows_affected();
                if updated == 1 {
                    reservation
                        .counted
                        .push((id.clone(), blocked_until, counter.blocked_until));
                    counted = true;
                    break;
                }
            }
            if !counted {
                return Err(HubError::RateLimited {
                    retry_after_secs: 1,
                });
            }
        }
        tx.commit().await?;
        // Forget counters idle for a window (outside the transaction: nobody waits on it).
        sqlx::query(
            "DELETE FROM login_throttles WHERE last_failure_at < $1 AND blocked_until < $2",
        )
        .bind(now - window_ms)
        .bind(now)
        .execute(self.system_conn(THROTTLE).await?.conn())
        .await
        .db()?;
        Ok(reservation)
    }

    /// After a success: deletes the keys in `clear`, and takes this attempt's count back from
    /// every other key it counted on, lifting a delay the attempt itself started (a delay
    /// someone else's failure started since stays).
    pub(crate) async fn attempt_succeeded(
        &self,
        reservation: Reservation,
        clear: &[Key],
    ) -> HubResult<()> {
        let cleared: Vec<String> = clear.iter().map(Key::id).collect();
        let mut tx = self.system_write(THROTTLE).await?;
        for id in &cleared {
            sqlx::query("DELETE FROM login_throttles WHERE key = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .db()?;
        }
        for (id, ours, before) in reservation.counted {
            if cleared.contains(&id) {
                continue;
            }
            sqlx::query(
                "UPDATE login_throttles SET failures = failures - 1, blocked_until = \
                 CASE WHEN blocked_until = $1 THEN $2 ELSE blocked_until END \
                 WHERE key = $3 AND failures > 0",
            )
            .bind(ours)
            .bind(before)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .db()?;
        }
        tx.commit().await
    }

    /// Whether `account` has signed in from `ip` before.
    pub(crate) async fn is_known_address(&self, account: &str, ip: &str) -> HubResult<bool> {
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT last_success_at FROM login_known_addresses WHERE account = $1 AND ip = $2",
        )
        .bind(account)
        .bind(ip)
        .fetch_optional(self.system_conn(THROTTLE).await?.conn())
        .await
        .db()?;
        Ok(known.is_some())
    }

    /// Remembers that `account` signed in from `ip`.
    pub(crate) async fn remember_address(
        &self,
        executor: impl sqlx::Executor<'_, Database = sqlx::Any>,
        account: &str,
        ip: &str,
    ) -> HubResult<()> {
        sqlx::query(
            "INSERT INTO login_known_addresses (account, ip, last_success_at) VALUES ($1, $2, $3) \
             ON CONFLICT (account, ip) DO UPDATE SET last_success_at = excluded.last_success_at",
        )
        .bind(account)
        .bind(ip)
        .bind(now_ms())
        .execute(executor)
        .await
        .db()?;
        Ok(())
    }

    /// Accounts and addresses being slowed down now, or close to it: for the hub's
    /// administrator, who should know who is guessing at whom.
    pub async fn throttled_keys(
        &self,
        principal: &crate::Principal,
    ) -> HubResult<Vec<ThrottledKey>> {
        let grant = self
            .msp_grant(principal, AuditAction::SecurityThrottles, MspRole::HubAdmin)
            .await?;
        let policy = &self.settings().login;
        let now = now_ms();
        let rows: Vec<ThrottledRow> = sqlx::query_as(
            "SELECT kind, account, ip, failures, blocked_until FROM login_throttles \
             WHERE last_failure_at >= $1 AND failures > 0 \
             ORDER BY blocked_until DESC, failures DESC LIMIT 100",
        )
        .bind(now - policy.window_secs.saturating_mul(1000))
        .fetch_all(&mut *grant.read(self).await?)
        .await
        .db()?;
        rows.into_iter()
            .filter(|row| {
                let free = if row.kind == "address" {
                    policy.max_failures_per_ip
                } else {
                    policy.max_failures_per_account
                };
                // Close to a delay or in one; a single typo is nobody's business.
                row.failures * 2 >= free || row.blocked_until > now
            })
            .map(|row| {
                Ok(ThrottledKey {
                    kind: ThrottleKind::parse(&row.kind)
                        .ok_or_else(|| crate::db::internal(&"throttle kind"))?,
                    account: row.account,
                    ip: row.ip,
                    failures: row.failures,
                    blocked_for_secs: u64::try_from(row.blocked_until - now)
                        .unwrap_or(0)
                        .div_ceil(1000),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_up_to_the_window() {
        let window = 15 * 60 * 1000;
        assert_eq!(delay_ms(4, 5, window), 0);
        assert_eq!(delay_ms(5, 5, window), 30_000);
        assert_eq!(delay_ms(6, 5, window), 60_000);
        assert_eq!(delay_ms(9, 5, window), 480_000);
        assert_eq!(delay_ms(20, 5, window), window);
        assert_eq!(delay_ms(i64::MAX, 5, window), window);
    }

    #[test]
    fn keys_of_different_kinds_never_collide() {
        let ids = [
            Key::pair("a@x", "1.2.3.4").id(),
            Key::account("a@x").id(),
            Key::address("1.2.3.4").id(),
            Key::password("a@x").id(),
        ];
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
