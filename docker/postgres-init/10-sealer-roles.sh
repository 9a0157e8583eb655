#!/bin/sh
# Run once by the postgres image at first init (/docker-entrypoint-initdb.d): the owner role the
# migrations run as, the service role that may only read and append, and the database
# (docs/operations.md, "Database roles"). Passwords come from the compose file's environment.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_pw="$SEALER_DB_OWNER_PASSWORD" -v app_pw="$SEALER_DB_PASSWORD" <<'SQL'
create role sealer_owner login password :'owner_pw' nosuperuser nocreaterole nocreatedb;
create role sealer_app   login password :'app_pw'   nosuperuser nocreaterole nocreatedb;
create database sealer owner sealer_owner;
SQL
