-- Sealer schema, version 2: the database is not trusted (docs/security.md).
--
-- Every row that matters carries an authenticator (row_mac): the first 16 bytes of
-- HMAC-SHA256 under a key derived in the HSM from the root (core.integrity.RowAuthenticator),
-- over the row's fields as laid out in docs/security.md. The database never sees the key, so
-- nobody with write access to it can produce a row that verifies. Columns are nullable only
-- so that rows written before this version can be reported (as unauthenticated) by the sweep;
-- the service writes every row with its authenticator.

-- The receipt row's authenticator covers its leaf hash, which replaces the 8-byte leaf tag.
alter table receipts drop column leaf_tag;
alter table receipts add column row_mac bytea;
alter table seal_signatures add column row_mac bytea;
alter table log_nodes add column row_mac bytea;
-- previous_size chains each checkpoint to the one before it; suite_events and audit_events are
-- the lengths of the suite history and the audit trail when it was issued (so the newest rows of
-- either cannot be removed unnoticed).
alter table checkpoints add column previous_size bigint, add column suite_events bigint, add column audit_events bigint,
  add column row_mac bytea;
-- position: the event's place in the suite history (0, 1, ...), chained: each authenticator
-- covers the previous event's authenticator.
alter table suite_events add column position bigint, add column row_mac bytea;
create unique index suite_events_position on suite_events (position);
alter table reseals add column row_mac bytea;
-- the audit trail is chained like the suite history
alter table audit_events add column position bigint, add column row_mac bytea;
create unique index audit_events_position on audit_events (position);

-- Least privilege: the service's role may read and append, nothing else. It owns nothing, so it
-- cannot alter tables, disable triggers or truncate. The migration runs as the owner role.
do $$
declare
  app text := '${app_role}';
  t text;
begin
  if app <> '' and exists (select 1 from pg_roles where rolname = app) and app <> current_user then
    execute format('grant usage on schema %I to %I', current_schema(), app);
    foreach t in array array['suite_events', 'suites', 'receipts', 'seal_signatures', 'log_nodes', 'checkpoints', 'reseals', 'audit_events'] loop
      execute format('revoke all on %I from %I', t, app);
      execute format('grant select, insert on %I to %I', t, app);
    end loop;
    -- the service checks at start that its schema is current
    execute format('grant select on %I to %I', '${flyway:table}', app);
  end if;
end
$$;
