#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (the official
# image's /docker-entrypoint-initdb.d hook): creates the app's own role and
# database beside Temporal's two databases. The app migrates its schema itself
# at start.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" -v app_db="$APP_DB_NAME" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_user', :'app_password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'app_db', :'app_user')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'app_db') \gexec
SQL
echo "app database '$APP_DB_NAME' owned by '$APP_DB_USER' is ready"
