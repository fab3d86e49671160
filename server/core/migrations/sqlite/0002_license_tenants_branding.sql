-- The MSP license: one row once activated. Dates of the key are Unix seconds.
CREATE TABLE license (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    license_id          TEXT    NOT NULL,
    licensee            TEXT    NOT NULL,
    license_key         TEXT    NOT NULL,
    issued_at           INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    max_tenants         INTEGER NOT NULL CHECK (max_tenants >= 1),
    default_max_automs  INTEGER NOT NULL CHECK (default_max_automs >= 0),
    default_max_users   INTEGER NOT NULL CHECK (default_max_users >= 1),
    default_max_agents  INTEGER NOT NULL CHECK (default_max_agents >= 0),
    activated_at        INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    -- The MSP License Activation Notice shows until this is set, then never again.
    notice_dismissed_at INTEGER
);

-- Tenants. Before a license, the organization's own workspace is the one row of kind
-- 'organization'; activation moves its records to the new Default Tenant and removes it.
CREATE TABLE tenants (
    id              TEXT    PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('organization', 'tenant')),
    slug            TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    -- Lowercased name: case-insensitive search and sort through an index.
    name_key        TEXT    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    is_default      INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    max_automs      INTEGER NOT NULL CHECK (max_automs >= 0),
    max_users       INTEGER NOT NULL CHECK (max_users >= 1),
    max_agents      INTEGER NOT NULL CHECK (max_agents >= 0),
    -- Usage counters, changed in the same statement that checks the limit (DESIGN §3).
    used_automs     INTEGER NOT NULL DEFAULT 0 CHECK (used_automs >= 0 AND used_automs <= max_automs),
    used_users      INTEGER NOT NULL DEFAULT 0 CHECK (used_users >= 0 AND used_users <= max_users),
    used_agents     INTEGER NOT NULL DEFAULT 0 CHECK (used_agents >= 0 AND used_agents <= max_agents),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deactivated_at  INTEGER
);
CREATE UNIQUE INDEX tenants_one_organization ON tenants (kind) WHERE kind = 'organization';
-- One index per Sort By order (ties broken by id so pages never overlap).
CREATE INDEX tenants_by_name ON tenants (kind, name_key, id);
CREATE INDEX tenants_by_created ON tenants (kind, created_at, id);
CREATE INDEX tenants_by_status ON tenants (kind, active, name_key, id);
CREATE INDEX tenants_by_usage ON tenants (kind, (used_automs + used_users + used_agents), name_key, id);

-- Roles inside one tenant; `permissions` is a bit mask of resource kind x action.
CREATE TABLE tenant_roles (
    id           TEXT    PRIMARY KEY,
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id),
    name         TEXT    NOT NULL,
    builtin      INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    permissions  INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE dashboards (
    id          TEXT    PRIMARY KEY,
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id),
    name        TEXT    NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  INTEGER NOT NULL
);
CREATE INDEX dashboards_tenant ON dashboards (tenant_id);

CREATE TABLE dashboard_widgets (
    id            TEXT    PRIMARY KEY,
    tenant_id     TEXT    NOT NULL REFERENCES tenants (id),
    dashboard_id  TEXT    NOT NULL REFERENCES dashboards (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('usage_vs_limits', 'runs_over_time',
                      'success_rate', 'alerts_by_severity', 'recent_activity')),
    position      INTEGER NOT NULL
);
CREATE INDEX dashboard_widgets_dashboard ON dashboard_widgets (dashboard_id, position);

-- Uploaded logos by content hash; the URL of a logo never changes its bytes.
CREATE TABLE brand_logos (
    sha256        TEXT    PRIMARY KEY,
    content_type  TEXT    NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    bytes         BLOB    NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);

-- The one brand. NULL columns mean "the default".
CREATE TABLE branding (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    version        INTEGER NOT NULL,
    product_name   TEXT,
    primary_color  TEXT,
    accent_color   TEXT,
    logo_sha256    TEXT REFERENCES brand_logos (sha256),
    updated_at     INTEGER NOT NULL
);
INSERT INTO branding (id, version, updated_at) VALUES (1, 1, 0);

-- The protected MSP Admin (DESIGN §1), enforced here as well as in code: the role is only
-- ever reached by upgrading the Administrator at activation, and is never given away.
CREATE UNIQUE INDEX users_one_msp_admin ON users (system_role) WHERE system_role = 'msp_admin';
CREATE UNIQUE INDEX users_one_administrator ON users (system_role) WHERE system_role = 'administrator';

CREATE TRIGGER msp_admin_no_insert BEFORE INSERT ON users
WHEN NEW.system_role = 'msp_admin'
BEGIN
    SELECT RAISE(ABORT, 'protected MSP Admin: the role is only granted by license activation');
END;

CREATE TRIGGER msp_admin_no_demote BEFORE UPDATE ON users
WHEN OLD.system_role = 'msp_admin'
     AND (NEW.system_role <> 'msp_admin' OR NEW.active <> 1 OR NEW.id <> OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'protected MSP Admin: the holder cannot be demoted or deactivated');
END;

CREATE TRIGGER msp_admin_no_grant BEFORE UPDATE ON users
WHEN NEW.system_role = 'msp_admin' AND OLD.system_role <> 'msp_admin'
     AND (OLD.system_role <> 'administrator' OR OLD.active <> 1)
BEGIN
    SELECT RAISE(ABORT, 'protected MSP Admin: the role cannot be given to another user');
END;

CREATE TRIGGER msp_admin_no_delete BEFORE DELETE ON users
WHEN OLD.system_role = 'msp_admin'
BEGIN
    SELECT RAISE(ABORT, 'protected MSP Admin: the holder cannot be deleted');
END;
