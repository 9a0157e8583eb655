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

-- Signature suites that signed receipts, numbered so each receipt row names its suite in 4 bytes.
create table suites (
  suite_no      integer     generated always as identity primary key,
  suite_id      text        not null unique
);

-- Receipts, one row per seal, stored as their fields: the canonical receipt bytes (what was
-- signed and what the log leaf hashes) are rebuilt from them exactly (RFC 8785 is a function of
-- the fields), so the JSON is not stored twice. leaf_tag, the first 8 bytes of the leaf hash,
-- lets the integrity sweep name the row that no longer hashes to its leaf.
--
-- seal_id is time-ordered (UUIDv7 layout built from committed_at, microseconds in rand_a), so
-- ordering by seal_id IS ordering by (committed_at, seal_id): the primary key serves the
-- committed_at range query and no separate time index is needed. request_id, subject and signer
-- are looked up through 8-byte hashes (the exact value is rechecked on the row); request_id
-- uniqueness is enforced by the single log writer under the log lock (CommitQueue), which
-- checks every request_id before it inserts.
create table receipts (
  seal_id       uuid        primary key,
  leaf_index    bigint      not null unique,
  committed_at  timestamptz not null,
  leaf_tag      bigint      not null,
  suite_no      integer     not null,
  digest_alg    smallint    not null,
  stage         smallint    not null,
  request_id    text        not null,
  subject       text        not null,
  signer        text        not null,
  digest        bytea       not null,
  labels        text        not null,  -- canonical JSON object of the labels, '' when there are none
  parents       bytea       not null   -- parent seal ids, 16 bytes each, '' when there are none
);
create index receipts_request_id on receipts (hashtextextended(request_id, 0));
create index receipts_subject on receipts (hashtextextended(subject, 0), committed_at);
create index receipts_signer on receipts (hashtextextended(signer, 0), committed_at);

-- Per-seal signatures (SIGNED mode); ANCHORED seals have none: a checkpoint signs them.
create table seal_signatures (
  leaf_index    bigint      primary key,
  sig_ed25519   bytea       not null,
  sig_ml_dsa    bytea       not null
);

-- Merkle log: complete (perfect) subtree nodes at the levels that are positive multiples of 4
-- (core.merkle.StoredLevels). Leaf hashes are recomputed from the receipts and every other
-- node is hashed up from at most 8 nodes of the stored level below it, so a proof for any tree
-- size is served from these rows and the receipts.
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
  foreach t in array array['suite_events', 'suites', 'receipts', 'seal_signatures', 'log_nodes', 'checkpoints', 'reseals', 'audit_events'] loop
    execute format('create trigger %I before update or delete on %I for each row execute function sealer_reject_mutation()',
                   t || '_worm', t);
    execute format('create trigger %I before truncate on %I for each statement execute function sealer_reject_mutation()',
                   t || '_worm_truncate', t);
  end loop;
end
$$;
