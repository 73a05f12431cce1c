# Throwaway PostgreSQL 15 clusters for tests and benchmarks. Source it, then:
#   pg_start PORT     starts a cluster on 127.0.0.1:PORT (installs postgresql-15 if missing); sets PG_BIN, PG_DIR, PG_URL
#   pg_stop           stops and deletes it (pg_start registers this on EXIT)
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` OS user.

pg_find_bin() {
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

pg_start() {
  local port="$1"
  if ! PG_BIN="$(pg_find_bin)"; then
    echo "==> PostgreSQL server not found; installing Debian's postgresql-15"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-15 >/dev/null
    PG_BIN="$(pg_find_bin)"
  fi
  PG_DIR="$(mktemp -d /tmp/gradebench-pg.XXXXXX)"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" postgres
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  else
    PG_AS=()
  fi
  trap pg_stop EXIT
  echo "==> Starting a throwaway PostgreSQL cluster ($("$PG_BIN/postgres" --version)) on 127.0.0.1:$port"
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o \
    "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTIONS:-}" \
    start >/dev/null
  PG_PORT="$port"
  PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}

# psql against the cluster: pg_psql DATABASE [psql args...]
pg_psql() {
  local db="$1"; shift
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" -v ON_ERROR_STOP=1 -q "$@"
}
