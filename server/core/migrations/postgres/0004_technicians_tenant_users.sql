-- Technicians and tenant users (DESIGN §1).

-- A phone number for technicians; the tenant a tenant user belongs to (exactly one, and
-- only tenant users have one); the tenant last opened, to land there at the next sign-in.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN tenant_id TEXT REFERENCES tenants (id);
ALTER TABLE users ADD CONSTRAINT users_tenant_user_home
    CHECK ((tenant_id IS NOT NULL) = (system_role = 'tenant_user'));
ALTER TABLE users ADD COLUMN last_tenant_id TEXT REFERENCES tenants (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX users_id_tenant ON users (id, tenant_id);
CREATE INDEX users_by_role_name ON users (system_role, display_name, id);

-- Which tenants a technician may enter, with a permission bit mask per tenant. This is
-- MSP-level data (the access list read before a tenant scope is entered), not tenant data:
-- only the MSP Admin's code writes it and tenant views never read it.
CREATE TABLE technician_assignments (
    user_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    TEXT    NOT NULL REFERENCES tenants (id),
    permissions  BIGINT  NOT NULL CHECK (permissions >= 0),
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX technician_assignments_tenant ON technician_assignments (tenant_id, user_id);

-- A tenant user's role in their tenant. The composite keys make a role of another tenant,
-- or a user of another tenant, impossible to reference.
CREATE UNIQUE INDEX tenant_roles_tenant_id ON tenant_roles (tenant_id, id);
CREATE TABLE tenant_members (
    user_id     TEXT    PRIMARY KEY,
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id),
    role_id     TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    FOREIGN KEY (user_id, tenant_id) REFERENCES users (id, tenant_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, role_id) REFERENCES tenant_roles (tenant_id, id)
);
CREATE INDEX tenant_members_role ON tenant_members (tenant_id, role_id);

-- Row-level security, as on every tenant table (migration 0003).
ALTER TABLE tenant_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_members
    USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
