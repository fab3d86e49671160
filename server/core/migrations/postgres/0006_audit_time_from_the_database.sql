-- The runtime role may append audit events (it is the application), but not choose when they
-- happened: the database's clock stamps every row, so history cannot be backdated or dated
-- ahead. Updates and deletes stay refused (0001) and the role has no UPDATE, DELETE or
-- TRUNCATE grant.
CREATE FUNCTION audit_events_stamp_time() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.at := (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_events_stamp_time BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_stamp_time();
