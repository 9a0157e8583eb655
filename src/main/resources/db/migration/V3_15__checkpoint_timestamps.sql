-- Sealer schema, version 3_15: trusted time (docs/keys.md, "Time-stamping authority").
--
-- checkpoint_timestamps holds the RFC 3161 time-stamp token of each checkpoint: its message
-- imprint is SHA-256 of the checkpoint body (core.tsa.CheckpointStamp). Append-only like every
-- table here, and authenticated: row_mac covers tree_size, the TSA's name, gen_time and the token
-- (core.integrity.Rows.checkpointTimestamp). A checkpoint without a row is untimestamped; its
-- token is added when the TSA answers again. Two instances may race to stamp one checkpoint:
-- the primary key keeps the first.
create table checkpoint_timestamps (
  tree_size  bigint      primary key references checkpoints (tree_size),
  tsa        text        not null,
  gen_time   timestamptz not null,
  token      bytea       not null,
  stamped_at timestamptz not null,
  row_mac    bytea       not null
);
create index checkpoint_timestamps_gen_time on checkpoint_timestamps (gen_time);

create trigger checkpoint_timestamps_worm before update or delete on checkpoint_timestamps
  for each row execute function sealer_reject_mutation();
create trigger checkpoint_timestamps_worm_truncate before truncate on checkpoint_timestamps
  for each statement execute function sealer_reject_mutation();

-- Serial numbers of time-stamp tokens come in blocks: each instance takes the next block from
-- this sequence (nextval) and numbers its tokens block * block_size + 0 .. block_size - 1, so a
-- serial is never issued twice and grows across restarts (core.tsa, app.tsa.SerialBlocks).
create sequence tsa_serial_blocks start with 1 increment by 1 no cycle;

do $$
declare
  app text := '${app_role}';
begin
  if app <> '' and exists (select 1 from pg_roles where rolname = app) and app <> current_user then
    execute format('revoke all on %I from %I', 'checkpoint_timestamps', app);
    execute format('grant select, insert on %I to %I', 'checkpoint_timestamps', app);
    -- usage allows nextval only: the service cannot setval or reset the sequence
    execute format('grant usage on sequence %I to %I', 'tsa_serial_blocks', app);
  end if;
end
$$;
