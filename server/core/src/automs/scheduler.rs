//! The scheduler: queues one run per due schedule. Every server process may run it at once
//! (DESIGN §6: no correctness depends on process memory):
//!
//! - Due Automs are read across tenants in the system's read scope; each is then queued in
//!   its own tenant transaction, which moves `next_run_at` forward only if it still holds
//!   the due time that was read (a compare-and-set). The process that loses the race
//!   changes nothing; the run's `(autom_id, scheduled_for)` is unique besides.
//! - A hub that was down finds each schedule due once: it queues one catch-up run for the
//!   latest missed time and moves `next_run_at` to the first time after now, not one run
//!   per missed time.
//! - The same pass hands lost leases back to the queue in the tenants it visits, so runs do
//!   not wait for a runner's next claim to be found lost.

use super::{runs, schedule};
use crate::{
    caller::{Caller, SystemTask},
    clock::now_ms,
    db::DbResultExt as _,
    Hub,
};
use hub_model::{audit::AuditAction, automs::RunTrigger, AutomId, HubResult, TenantId};

const SCHEDULER: SystemTask = SystemTask::new("scheduler: queue due runs");
/// At most this many due Automs per pass (the next pass takes the rest).
pub const BATCH: i64 = 1_000;
/// How often `serve` runs a pass.
pub const EVERY_MS: u64 = 10_000;

#[derive(sqlx::FromRow)]
struct Due {
    id: String,
    tenant_id: String,
    cron: Option<String>,
    timezone: Option<String>,
    next_run_at: i64,
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Runs queued.
    pub queued: usize,
    /// Due schedules another process queued first.
    pub lost_races: usize,
    /// Due schedules whose previous scheduled run still waits for a runner: moved on
    /// without a second run (no pile-up while no runner is there).
    pub coalesced: usize,
}

impl Hub {
    /// Queues a run for every schedule due at `now` (ms), once each.
    pub async fn queue_due_schedules(&self, now: i64) -> HubResult<Pass> {
        let mut scope = self.read_scope(Caller::System(SCHEDULER)).await?;
        // Deactivated tenants run nothing: their schedules wait until reactivation.
        let due: Vec<Due> = sqlx::query_as(
            "SELECT a.id, a.tenant_id, a.cron, a.timezone, a.next_run_at FROM automs a \
             JOIN tenants t ON t.id = a.tenant_id AND t.active = 1 \
             WHERE a.next_run_at IS NOT NULL AND a.next_run_at <= $1 AND a.enabled = 1 \
             AND a.trigger_kind = 'schedule' ORDER BY a.next_run_at, a.id LIMIT $2",
        )
        .bind(now)
        .bind(BATCH)
        .fetch_all(scope.conn())
        .await
        .db()?;
        scope.finish().await?;
        let mut pass = Pass::default();
        for due in due {
            match self.queue_one(&due, now).await? {
                Queued::Run => pass.queued += 1,
                Queued::Coalesced => pass.coalesced += 1,
                Queued::LostRace => pass.lost_races += 1,
            }
        }
        Ok(pass)
    }

    async fn queue_one(&self, due: &Due, now: i64) -> HubResult<Queued> {
        let (Some(tenant), Some(autom)) =
            (TenantId::parse(&due.tenant_id), AutomId::parse(&due.id))
        else {
            return Err(crate::db::internal(&"scheduled autom ids"));
        };
        let mut scope = self
            .tenant_tx_for_key(Caller::System(SCHEDULER), tenant, AuditAction::RunSchedule)
            .await?;
        // The next time after now: missed times collapse into this one run.
        let next = match (&due.cron, &due.timezone) {
            (Some(cron), Some(zone)) => schedule::parse(cron, zone)
                .ok()
                .and_then(|s| s.next_after(now)),
            _ => None,
        };
        let moved = sqlx::query(
            "UPDATE automs SET next_run_at = $4 WHERE tenant_id = $1 AND id = $2 \
             AND next_run_at = $3 AND enabled = 1",
        )
        .bind(&due.tenant_id)
        .bind(&due.id)
        .bind(due.next_run_at)
        .bind(next)
        .execute(scope.conn())
        .await
        .db()?
        .rows_affected();
        if moved != 1 {
            return Ok(Queued::LostRace);
        }
        // A scheduled run still waiting, or this very due time queued already (a due time
        // set again by a process whose clock is behind): nothing more to queue.
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM autom_runs WHERE tenant_id = $1 AND autom_id = $2 \
             AND ((status = 'queued' AND trigger_kind = 'schedule') OR scheduled_for = $3)",
        )
        .bind(&due.tenant_id)
        .bind(&due.id)
        .bind(due.next_run_at)
        .fetch_one(scope.conn())
        .await
        .db()?;
        if waiting > 0 {
            scope.commit().await?;
            return Ok(Queued::Coalesced);
        }
        runs::queue(
            &mut scope,
            autom,
            RunTrigger::Schedule,
            "{}",
            Some(due.next_run_at),
            None,
        )
        .await?;
        runs::reap_lost(&mut scope, now_ms()).await?;
        scope.commit().await?;
        Ok(Queued::Run)
    }
}

/// What became of one due schedule.
enum Queued {
    Run,
    Coalesced,
    LostRace,
}
