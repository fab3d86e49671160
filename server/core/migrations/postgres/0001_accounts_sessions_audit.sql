-- The single organization: the row exists once setup has run. The CHECK makes a second
-- setup impossible even when two requests race.
CREATE TABLE organization (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE users (
    id                TEXT    PRIMARY KEY,
    email             TEXT    NOT NULL UNIQUE,
    display_name      TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    system_role       TEXT    NOT NULL
        CHECK (system_role IN ('administrator', 'msp_admin', 'technician', 'tenant_user')),
    -- Flags are 0/1 integers on both databases (sqlx's Any driver reads no SQLite BOOLEAN).
    active            BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Bumped on password change, role change or deactivation: every token carrying an older
    -- version stops working on its next request.
    security_version  BIGINT  NOT NULL DEFAULT 1,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);

CREATE TABLE sessions (
    id            TEXT    PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT  NOT NULL,
    last_seen_at  BIGINT  NOT NULL,
    expires_at    BIGINT  NOT NULL,
    revoked_at    BIGINT,
    ip            TEXT    NOT NULL,
    user_agent    TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed and successful sign-ins, for rate limiting per account and per address.
CREATE TABLE login_attempts (
    id         BIGSERIAL PRIMARY KEY,
    account    TEXT    NOT NULL,
    ip         TEXT    NOT NULL,
    at         BIGINT  NOT NULL,
    succeeded  BIGINT NOT NULL CHECK (succeeded IN (0, 1))
);
CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);

-- Append-only: who, acting as what, which tenant, what, allowed or denied, when.
CREATE TABLE audit_events (
    id             TEXT    PRIMARY KEY,
    at             BIGINT  NOT NULL,
    actor_user_id  TEXT,
    acting_as      TEXT    NOT NULL,
    tenant_id      TEXT,
    action         TEXT    NOT NULL,
    target         TEXT    NOT NULL,
    outcome        TEXT    NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    detail         TEXT    NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
