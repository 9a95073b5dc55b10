# Throwaway PostgreSQL cluster on a free port, owned by the `postgres` user. Source this file,
# then `pg_start` (exports PG_URL) and `pg_stop`.
pg_start() {
  local bin
  bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  PG_DIR=$(mktemp -d /tmp/wattwise-pg.XXXXXX)
  chown postgres "$PG_DIR"
  PG_PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  su postgres -c "$bin/initdb -D $PG_DIR/data -U postgres --auth=trust -E UTF8 >/dev/null"
  su postgres -c "$bin/pg_ctl -D $PG_DIR/data -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off' -l $PG_DIR/log -w start >/dev/null"
  su postgres -c "$bin/createdb -h 127.0.0.1 -p $PG_PORT -U postgres wattwise_test"
  PG_BIN=$bin
  export PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/wattwise_test"
  echo "PostgreSQL $($bin/postgres --version | awk '{print $3}') on port $PG_PORT"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  su postgres -c "$PG_BIN/pg_ctl -D $PG_DIR/data -m fast -w stop >/dev/null" || true
  rm -rf "$PG_DIR"
}
