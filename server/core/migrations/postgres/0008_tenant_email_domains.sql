-- The email domains a tenant's users have addresses at, set by the MSP Admin (issue 9). Once a
-- tenant has any, whoever manages its users below the MSP Admin can only create users at
-- those domains: they can neither probe whether an address exists elsewhere on the hub nor
-- claim another customer's addresses. A domain belongs to one tenant at most.
CREATE TABLE tenant_email_domains (
    domain      TEXT    PRIMARY KEY,
    tenant_id   TEXT    NOT NULL REFERENCES tenants (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX tenant_email_domains_tenant ON tenant_email_domains (tenant_id, domain);
