-- Least-privilege PostgreSQL roles for Shop, run by a superuser on Shop's database (idempotent).
-- Per service schema: an owner that applies the schema (the service's `db-apply` command), an app role
-- the service runs as, and one read-only `shop_auditor` for every schema. Run it again after the
-- schemas are applied: the app roles then get their rights on every object, and the event log
-- becomes append-only for them.
-- Passwords: the SHOP_DB_ROLE_PASSWORD environment variable when set, else each role's own name
-- (development only: a service outside Development refuses to connect as a privileged role anyway).
\getenv role_password SHOP_DB_ROLE_PASSWORD
\if :{?role_password}
select set_config('shop.role_password', :'role_password', false) \gset
\else
select set_config('shop.role_password', '', false) \gset
\endif

do $$
declare
  schemas text[] := array['identity', 'inventory', 'ordering', 'payments', 'notifications'];
  schema_name text;
  role_name text;
  owner_role text;
  app_role text;
  o record;
  password text := current_setting('shop.role_password');
begin
  foreach role_name in array array['shop_auditor'] || array(
      select unnest(array['shop_' || s || '_owner', 'shop_' || s || '_app'])
      from unnest(schemas) s) loop
    if not exists (select from pg_roles where rolname = role_name) then
      execute format('create role %I login password %L', role_name, coalesce(nullif(password, ''), role_name));
    end if;
    execute format('grant connect on database %I to %I', current_database(), role_name);
  end loop;

  foreach schema_name in array schemas loop
    owner_role := 'shop_' || schema_name || '_owner';
    app_role := 'shop_' || schema_name || '_app';
    execute format('grant create on database %I to %I', current_database(), owner_role);
    execute format('create schema if not exists %I authorization %I', schema_name, owner_role);
    execute format('alter schema %I owner to %I', schema_name, owner_role);
    execute format('grant usage on schema %I to %I, shop_auditor', schema_name, app_role);
    execute format('alter default privileges for role %I in schema %I grant select on tables to shop_auditor',
      owner_role, schema_name);
    execute format('alter default privileges for role %I in schema %I grant select, insert, update, delete, truncate on tables to %I',
      owner_role, schema_name, app_role);
    execute format('alter default privileges for role %I in schema %I grant usage, select, update on sequences to %I',
      owner_role, schema_name, app_role);
    -- A schema applied earlier by another role is handed to its owner, object by object.
    for o in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = schema_name and c.relkind in ('r', 'p', 'S', 'v')
               and pg_get_userbyid(c.relowner) <> owner_role
               and not exists (select from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i'))
             order by c.relkind = 'S' loop
      execute format('alter %s %I.%I owner to %I',
        case o.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end, schema_name, o.relname, owner_role);
    end loop;
    for o in select p.oid::regprocedure as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = schema_name and pg_get_userbyid(p.proowner) <> owner_role loop
      execute format('alter routine %s owner to %I', o.signature, owner_role);
    end loop;

    execute format('grant select, insert, update, delete, truncate on all tables in schema %I to %I', schema_name, app_role);
    execute format('grant usage, select, update on all sequences in schema %I to %I', schema_name, app_role);
    execute format('grant execute on all routines in schema %I to %I', schema_name, app_role);
    execute format('grant select on all tables in schema %I to shop_auditor', schema_name);
    -- Events are appended and read, never changed or removed (Marten flags archived streams: one column).
    if to_regclass(schema_name || '.mt_events') is not null then
      execute format('revoke update, delete, truncate on %I.mt_events from %I', schema_name, app_role);
      execute format('grant update (is_archived) on %I.mt_events to %I', schema_name, app_role);
      execute format('revoke delete, truncate on %I.mt_streams from %I', schema_name, app_role);
    end if;
    -- The tamper-evidence chain is written by its trigger (as the owner); checkpoints are only added.
    if to_regclass(schema_name || '.mt_event_chain') is not null then
      execute format('revoke insert, update, delete, truncate on %I.mt_event_chain from %I', schema_name, app_role);
      execute format('revoke update, delete, truncate on %I.mt_event_checkpoints, %I.mt_event_checkpoint_heads from %I',
        schema_name, schema_name, app_role);
    end if;
    -- Personal-data keys are the service's alone: auditors see that an erasure happened, never a key.
    -- A forgotten subject's row stays as its mark (the key overwritten), so nothing removes rows.
    if to_regclass(schema_name || '.mt_personal_data_keys') is not null then
      execute format('revoke all on %I.mt_personal_data_keys from shop_auditor', schema_name);
      execute format('revoke delete, truncate on %I.mt_personal_data_keys from %I', schema_name, app_role);
    end if;
  end loop;
end
$$;
