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
create function sealer_labels(labels text) returns jsonb
language sql immutable strict parallel safe as $$
  select case when labels = '' then '{}'::jsonb else labels::jsonb end
$$;
create index receipts_parents on receipts using gin (sealer_parent_ids(parents));
create index receipts_stage on receipts (stage, seal_id);
create index receipts_labels on receipts using gin (sealer_labels(labels) jsonb_path_ops);

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
