#!/usr/bin/env bash
# Creates one role and one database per service in the compose Postgres.
#
# Mounted into /docker-entrypoint-initdb.d of the postgres image, so it runs once,
# when the data volume is first initialised (as the superuser, over the local
# socket). Changing a *_DB_PASSWORD later does not change the role's password:
# either ALTER ROLE by hand or remove the volume (`docker-compose down -v`).
#
# For each service s: role s (LOGIN, no other privileges) with the password from
# ${S}_DB_PASSWORD, database s owned by s, and CONNECT revoked from PUBLIC so that
# no service can connect to another service's database. With Postgres 15 the
# public schema belongs to the database owner, so each role can create its tables
# there and nobody else can.
#
# The entrypoint either executes this file or sources it (when it is not
# executable), so it sets no shell options of its own and keeps its names local.
# Values reach SQL only through psql variables (:'lit' and :"ident"), which quote them.

init_service_database() {
  local service="$1"
  local var="${service^^}_DB_PASSWORD"
  local password="${!var:-}"
  if [[ -z "$password" ]]; then
    echo "init-databases: $var is not set" >&2
    return 1
  fi

  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v svc="$service" -v pw="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'svc')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'svc') \gexec
ALTER ROLE :"svc" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'svc', :'svc')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'svc') \gexec
REVOKE CONNECT, TEMPORARY ON DATABASE :"svc" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"svc" TO :"svc";
SQL
  echo "init-databases: role and database '$service' ready"
}

for init_db_service in ingestion segmentation campaigns measurement gateway; do
  init_service_database "$init_db_service" || exit 1
done
unset init_db_service
