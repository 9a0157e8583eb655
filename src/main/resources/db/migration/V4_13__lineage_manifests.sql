-- Sealer schema, version 4_13: lineage (docs/lineage.md).
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
