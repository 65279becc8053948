# Sourced by .ci/run: a throwaway PostgreSQL from Debian's package on 127.0.0.1.
# start_postgres exports DATABASE_URL; stop_postgres stops it and removes its files.

start_postgres() {
  local bin port as_pg=()
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  PG_TMP=$(mktemp -d /tmp/ci-postgres.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_TMP"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$bin/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 >"$PG_TMP/initdb.log"
  "${as_pg[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TMP -c fsync=off" start >/dev/null
  PG_STOP=("${as_pg[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -m fast -w stop)
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_postgres() {
  [ -n "${PG_TMP:-}" ] || return 0
  "${PG_STOP[@]}" >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
}
