-- Two new permissions (issue 10): Run on Automs (bit 24) and Reveal on the Vault (bit 25).
-- Existing roles and assignments keep exactly their meaning: a set that held every permission
-- there was (all 24 bits, "Full access", as the built-in Tenant Admin does) still holds every
-- permission; any other set gains nothing, since running and revealing are new powers to be
-- granted on purpose.
UPDATE tenant_roles SET permissions = 67108863 WHERE permissions = 16777215;
UPDATE technician_assignments SET permissions = 67108863 WHERE permissions = 16777215;
