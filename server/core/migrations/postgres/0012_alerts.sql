-- Alerts (issue 12, DESIGN §4): what needs someone's attention in a tenant. Tenant data: every
-- row carries tenant_id. A deduplication key is unique among a tenant's unresolved alerts, so
-- a repeat counts on the alert that is still being handled instead of opening another.
CREATE TABLE alerts (
    id             TEXT    PRIMARY KEY,
    tenant_id      TEXT    NOT NULL REFERENCES tenants (id),
    severity       TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
    source         TEXT    NOT NULL CHECK (source IN ('api', 'autom', 'limit')),
    source_name    TEXT    NOT NULL,
    title          TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    details        TEXT    NOT NULL DEFAULT '',
    -- Lowercased title and source name: case-insensitive search.
    search_key     TEXT    NOT NULL,
    dedup_key      TEXT,
    count          BIGINT  NOT NULL DEFAULT 1 CHECK (count >= 1),
    first_seen_at  BIGINT  NOT NULL,
    last_seen_at   BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL,
    resolved_at    BIGINT ,
    assignee_id    TEXT    REFERENCES users (id) ON DELETE SET NULL,
    -- A failed run's Autom and run (kept as text: the alert outlives a deleted Autom).
    autom_id       TEXT,
    run_id         TEXT,
    -- The key that raised it (API alerts).
    api_key_id     TEXT    REFERENCES api_keys (id) ON DELETE SET NULL,
    UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX alerts_dedup ON alerts (tenant_id, dedup_key)
    WHERE dedup_key IS NOT NULL AND status <> 'resolved';
CREATE INDEX alerts_tenant_status ON alerts (tenant_id, status, last_seen_at);
CREATE INDEX alerts_assignee ON alerts (assignee_id) WHERE assignee_id IS NOT NULL;

-- Row-level security as on every tenant table (0003, 0010, 0011).
ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON alerts
    USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
CREATE POLICY tenant_read_scope ON alerts FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));
