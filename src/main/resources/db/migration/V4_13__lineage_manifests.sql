-- Sealer schema, version 4_13: lineage (docs/lineage.md): meta-seal manifests, lineage and label/stage query indexes.
--
-- lineage_manifests holds the manifest each meta-seal commits to, content-addressed: sha256 is
-- SHA-256 of the manifest bytes, which is the digest of the meta-seal's receipt. A manifest is
-- authenticated by that digest (the receipt row is), so it needs no row_mac of its own: a manifest
-- whose bytes do not hash to its meta-seal's digest is a finding. It is stored before its meta-seal
-- is committed; a manifest whose meta-seal failed to commit stays behind, named by no receipt.
create table lineage_manifests (
  sha256     bytea primary key,
  manifest   bytea not null
);

create trigger lineage_manifests_worm before update or delete on lineage_manifests
  for each row execute function sealer_reject_mutation();
create trigger lineage_manifests_worm_truncate before truncate on lineage_manifests
  for each statement execute function sealer_reject_mutation();

-- Lineage and auditor queries: the children of a seal (descendants) through its parents, and
-- seals by stage and by label, each through an index. Both functions are pure functions of the
-- stored column; the rows they find are the receipts themselves, checked by their authenticators
-- when they are read, like any other.
create function sealer_parent_ids(parents bytea) returns uuid[]
language sql immutable strict parallel safe as $$
  select coalesce(array_agg(encode(substring(parents from i * 16 + 1 for 16), 'hex')::uuid order by i), '{}')
  from generate_series(0, length(parents) / 16 - 1) as i
$$;
-- sealer_labels never fails: a labels value that is not JSON (only a tampered row has one) indexes
-- as no labels, so the row can still be written and the sweep names it, rather than every write failing.
-- (PL/pgSQL, not SQL: a SQL function's body is planned with its argument folded in, and the cast of a
-- value that is not JSON would fail at planning even in the branch that is not taken.)
create function sealer_labels(labels text) returns jsonb
language plpgsql immutable strict parallel safe as $$
begin
  if labels = '' or not pg_input_is_valid(labels, 'jsonb') then
    return '{}'::jsonb;
  end if;
  return labels::jsonb;
end
$$;
-- A small GIN pending list (256 kB, default 4 MB): every query scans the whole pending list, so a
-- large one costs each lookup some 470 pages on a busy table; inserts still go into it in batches.
create index receipts_parents on receipts using gin (sealer_parent_ids(parents)) with (gin_pending_list_limit = 256);
create index receipts_stage on receipts (stage, seal_id);
create index receipts_labels on receipts using gin (sealer_labels(labels) jsonb_path_ops) with (gin_pending_list_limit = 256);

do $$
declare
  app text := '${app_role}';
begin
  if app <> '' and exists (select 1 from pg_roles where rolname = app) and app <> current_user then
    execute format('revoke all on %I from %I', 'lineage_manifests', app);
    execute format('grant select, insert on %I to %I', 'lineage_manifests', app);
  end if;
end
$$;
