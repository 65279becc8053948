#!/bin/sh
# One-shot schema job (temporalio/admin-tools): creates Temporal's default and
# visibility stores in PostgreSQL and brings both schemas to the newest
# version. Safe to run again: a store whose schema exists is only updated.
# TEMPORAL_SCHEMA_DIR overrides the admin-tools image's schema directory
# (npm run test:stack points it at the Go module's schema/postgresql/v12).
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
export SQL_PASSWORD="$POSTGRES_PWD"
SCHEMA_ROOT=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" "$@"
}

setup_store() {
  db=$1
  dir=$SCHEMA_ROOT/$2/versioned
  if sql --db "$db" update-schema -d "$dir" >/dev/null 2>&1; then
    echo "$db: schema exists, updated to the newest version"
    return
  fi
  # A new store, or one left half-made by an interrupted run.
  sql --db "$db" create || echo "$db: database already exists"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$dir"
  echo "$db: schema created"
}

setup_store "${DBNAME:-temporal}" temporal
setup_store "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo 'Temporal schema setup complete'
