-- Sealer schema, version 1. Every table here is append-only (WORM): the triggers at the end
-- reject UPDATE, DELETE and TRUNCATE with SQLSTATE 'SW001', which the service reports as
-- WORM_VIOLATION. Current state (suite status, log size) is derived from the rows, never updated.

create function sealer_reject_mutation() returns trigger
language plpgsql as $$
begin
  raise exception 'WORM_VIOLATION: % on append-only table % is not allowed', tg_op, tg_table_name
    using errcode = 'SW001';
end
$$;

-- Signature suite lifecycle, one row per event (DESIGN §3).
create table suite_events (
  event_seq     bigint generated always as identity primary key,
  suite_id      text        not null,
  event_type    text        not null check (event_type in ('CREATED', 'ACTIVATED', 'OVERLAP', 'RETIRED', 'REVOKED')),
  effective_at  timestamptz not null,
  recorded_at   timestamptz not null default clock_timestamp(),
  actor         text        not null,
  payload       text        not null  -- RFC 8785 canonical JSON of the event
);
create index suite_events_suite on suite_events (suite_id, event_seq);

-- Receipts: the canonical receipt bytes are what was signed and what the log leaf hashes.
create table receipts (
  seal_id       uuid        primary key,
  request_id    text        not null unique,
  leaf_index    bigint      not null unique,
  committed_at  timestamptz not null,
  subject       text        not null,
  signer        text        not null,
  suite_id      text        not null,
  receipt       bytea       not null,
  sig_ed25519   bytea,                  -- null for seals anchored only by a checkpoint (batched mode)
  sig_ml_dsa    bytea
);
create index receipts_committed_at on receipts (committed_at, seal_id);
create index receipts_subject on receipts (subject, committed_at);
create index receipts_signer on receipts (signer, committed_at);

-- Merkle log: one row per complete (perfect) subtree node, so a proof for any tree size is
-- served by fetching nodes (level 0 = leaf hashes).
create table log_nodes (
  level         smallint    not null,
  idx           bigint      not null,
  hash          bytea       not null,
  primary key (level, idx)
);

-- Signed checkpoints (C2SP signed-note text), kept forever.
create table checkpoints (
  tree_size     bigint      primary key,
  root_hash     bytea       not null,
  issued_at     timestamptz not null,
  suite_id      text        not null,
  note          text        not null
);

-- Re-seals made by the compromise playbook: old record kept, linked to its replacement.
create table reseals (
  new_seal_id   uuid        primary key,
  old_seal_id   uuid        not null,
  resealed_at   timestamptz not null,
  actor         text        not null
);
create index reseals_old on reseals (old_seal_id);

-- Audit trail of admin actions and denied calls.
create table audit_events (
  event_seq     bigint generated always as identity primary key,
  occurred_at   timestamptz not null default clock_timestamp(),
  actor         text        not null,
  action        text        not null,
  target        text,
  outcome       text        not null,
  detail        text
);
create index audit_events_time on audit_events (occurred_at);

do $$
declare t text;
begin
  foreach t in array array['suite_events', 'receipts', 'log_nodes', 'checkpoints', 'reseals', 'audit_events'] loop
    execute format('create trigger %I before update or delete on %I for each row execute function sealer_reject_mutation()',
                   t || '_worm', t);
    execute format('create trigger %I before truncate on %I for each statement execute function sealer_reject_mutation()',
                   t || '_worm_truncate', t);
  end loop;
end
$$;
