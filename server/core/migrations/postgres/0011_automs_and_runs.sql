-- Automs and their runs (issue 12, DESIGN §4). Both are tenant data: every row carries
-- tenant_id, and a run refers to its Autom through (tenant_id, autom_id), so a run can never
-- belong to another tenant's Autom.
CREATE TABLE automs (
    id               TEXT    PRIMARY KEY,
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id),
    name             TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    -- Lowercased name: case-insensitive search, sort and uniqueness.
    name_key         TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    trigger_kind     TEXT    NOT NULL CHECK (trigger_kind IN ('manual', 'schedule', 'webhook')),
    cron             TEXT,
    timezone         TEXT,
    -- The secret part of the webhook address (revealed to those who may edit the Autom).
    webhook_token    TEXT    UNIQUE,
    definition       TEXT    NOT NULL,
    enabled          BIGINT  NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- Severity of the alert a failed run raises; NULL: none.
    alert_severity   TEXT    CHECK (alert_severity IN ('info', 'warning', 'critical')),
    -- When an enabled schedule is due next (ms); the scheduler moves it forward.
    next_run_at      BIGINT ,
    created_by       TEXT    REFERENCES users (id) ON DELETE SET NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    CHECK ((trigger_kind = 'schedule') = (cron IS NOT NULL AND timezone IS NOT NULL)),
    CHECK ((trigger_kind = 'webhook') = (webhook_token IS NOT NULL)),
    UNIQUE (tenant_id, name_key),
    UNIQUE (tenant_id, id)
);
CREATE INDEX automs_due ON automs (next_run_at) WHERE next_run_at IS NOT NULL;

CREATE TABLE autom_runs (
    id               TEXT    PRIMARY KEY,
    tenant_id        TEXT    NOT NULL,
    autom_id         TEXT    NOT NULL,
    trigger_kind     TEXT    NOT NULL CHECK (trigger_kind IN ('manual', 'schedule', 'webhook', 'reported')),
    status           TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
    attempt          BIGINT  NOT NULL DEFAULT 0,
    input            TEXT    NOT NULL DEFAULT '{}',
    queued_at        BIGINT  NOT NULL,
    started_at       BIGINT ,
    finished_at      BIGINT ,
    -- The key of the runner that holds the run now (its lease) or ran it last.
    runner_key_id    TEXT    REFERENCES api_keys (id) ON DELETE SET NULL,
    runner_name      TEXT,
    lease_expires_at BIGINT ,
    error            TEXT,
    log_lines        BIGINT  NOT NULL DEFAULT 0,
    log_bytes        BIGINT  NOT NULL DEFAULT 0,
    log_truncated    BIGINT  NOT NULL DEFAULT 0 CHECK (log_truncated IN (0, 1)),
    -- For a schedule: the due time it was queued for (queued once per due time).
    scheduled_for    BIGINT ,
    -- For a reported run: the runner's key for it (a retried report is the same run).
    idempotency_key  TEXT,
    requested_by     TEXT    REFERENCES users (id) ON DELETE SET NULL,
    FOREIGN KEY (tenant_id, autom_id) REFERENCES automs (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (autom_id, scheduled_for),
    UNIQUE (tenant_id, idempotency_key)
);
-- The queue: a tenant's oldest queued run first; running runs by lease for the reaper.
CREATE INDEX autom_runs_queue ON autom_runs (tenant_id, status, queued_at);
CREATE INDEX autom_runs_leases ON autom_runs (lease_expires_at) WHERE status = 'running';
CREATE INDEX autom_runs_autom ON autom_runs (autom_id, queued_at);
CREATE INDEX autom_runs_tenant ON autom_runs (tenant_id, queued_at);

CREATE TABLE autom_run_log (
    run_id     TEXT    NOT NULL REFERENCES autom_runs (id) ON DELETE CASCADE,
    tenant_id  TEXT    NOT NULL,
    seq        BIGINT  NOT NULL,
    at         BIGINT  NOT NULL,
    line       TEXT    NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- Row-level security as on every tenant table (0003, 0010): writes inside the tenant's own
-- transaction only; reads also in a read scope naming the tenant.
ALTER TABLE automs ENABLE ROW LEVEL SECURITY;
ALTER TABLE automs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON automs
    USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY tenant_read_scope ON automs FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));

ALTER TABLE autom_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE autom_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON autom_runs
    USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY tenant_read_scope ON autom_runs FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));

ALTER TABLE autom_run_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE autom_run_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON autom_run_log
    USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY tenant_read_scope ON autom_run_log FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));
