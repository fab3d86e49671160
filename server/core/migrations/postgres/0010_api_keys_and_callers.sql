-- Tenant API keys (DESIGN §4): the secret is never stored, only a keyed hash (HMAC-SHA256
-- under the hub's api-key secret); the public id finds the row. MSP administration data:
-- read when a request presents a key, before any tenant scope exists.
CREATE TABLE api_keys (
    id            TEXT    PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    tenant_id     TEXT    NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    scopes        TEXT    NOT NULL,
    secret_hash   TEXT    NOT NULL,
    created_by    TEXT    REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT  NOT NULL,
    expires_at    BIGINT,
    last_used_at  BIGINT,
    revoked_at    BIGINT,
    revoked_by    TEXT    REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);

-- The audit log names the key that acted (keys are no users).
ALTER TABLE audit_events ADD COLUMN actor_api_key_id TEXT;

-- The cross-tenant read scope (DESIGN §6): a READ ONLY transaction may read the rows of
-- exactly the tenants it names in app.read_tenants (a text array, '{id,id}'), or of every
-- tenant when app.read_all_tenants is 'on' (set only for callers who may see every tenant:
-- the MSP Admin and the hub itself). Writes still need app.tenant_id (policy
-- tenant_isolation). With nothing set, no rows; a tenant transaction switches both off.
CREATE POLICY tenant_read_scope ON tenant_roles FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));
CREATE POLICY tenant_read_scope ON dashboards FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));
CREATE POLICY tenant_read_scope ON dashboard_widgets FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));
CREATE POLICY tenant_read_scope ON tenant_members FOR SELECT USING (
    current_setting('transaction_read_only') = 'on' AND (
        current_setting('app.read_all_tenants', true) = 'on'
        OR tenant_id = ANY (NULLIF(current_setting('app.read_tenants', true), '')::text[])));
