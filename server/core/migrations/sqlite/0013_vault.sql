-- The credentials vault (issue 13, DESIGN §4). Both tables are tenant data. A tenant's data
-- keys are stored only wrapped by the key-encryption key (named by its fingerprint); an item's
-- secret is sealed under one of its tenant's data keys, which the composite foreign key makes
-- impossible to take from another tenant.
CREATE TABLE vault_keys (
    tenant_id        TEXT    NOT NULL REFERENCES tenants (id),
    version          INTEGER NOT NULL CHECK (version >= 1),
    wrapped          TEXT    NOT NULL,
    kek_fingerprint  TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, version)
);

CREATE TABLE vault_items (
    id                 TEXT    PRIMARY KEY,
    tenant_id          TEXT    NOT NULL REFERENCES tenants (id),
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    -- Lowercased name: case-insensitive uniqueness, sort and references ({{vault.NAME}}).
    name_key           TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('password', 'api_token', 'certificate', 'note')),
    username           TEXT    NOT NULL DEFAULT '',
    url                TEXT    NOT NULL DEFAULT '',
    notes              TEXT    NOT NULL DEFAULT '',
    -- Lowercased tags, separated by single spaces.
    tags               TEXT    NOT NULL DEFAULT '',
    -- Lowercased name, username, URL and tags: search.
    search_key         TEXT    NOT NULL,
    -- nonce ‖ ciphertext ‖ tag, base64 (server/core/src/vault/crypto.rs).
    secret             TEXT    NOT NULL,
    key_version        INTEGER NOT NULL,
    created_by         TEXT    REFERENCES users (id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    secret_changed_at  INTEGER NOT NULL,
    last_revealed_at   INTEGER,
    UNIQUE (tenant_id, name_key),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, key_version) REFERENCES vault_keys (tenant_id, version)
);
CREATE INDEX vault_items_kind ON vault_items (tenant_id, kind);
