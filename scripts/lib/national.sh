# Shared by the benchmarks: a release build, the national-scale synthetic fixtures, a throwaway PostgreSQL cluster
# and a GradeBench database loaded the way schools load it (registry, school users, consent, submissions over HTTP).
# Source it from the repository root; set SCHOOLS, SEED, CONCURRENCY, PORT, WORK, PGPORT_BENCH as needed.

SCHOOLS="${SCHOOLS:-3000}"
SEED="${SEED:-1}"
CONCURRENCY="${CONCURRENCY:-4}"
PORT="${PORT:-18480}"
WORK="${WORK:-/tmp/gradebench-bench}"
COLLECTION="ks4-2026"
mkdir -p "$WORK"

# Builds the release binary: BIN.
national_build() {
  echo "==> Release build"
  swift build -c release --product gradebench >/dev/null
  BIN="$(swift build -c release --show-bin-path)/gradebench"
}

# Generates (once) the synthetic schools and their files: FIX, ROWS.
national_fixtures() {
  FIX="$WORK/fixtures-$SCHOOLS-$SEED"
  if [ ! -f "$FIX/schools.csv" ]; then
    echo "==> Generating $SCHOOLS synthetic schools (seed $SEED)"
    rm -rf "$FIX"
    "$BIN" fixtures generate --schools "$SCHOOLS" --seed "$SEED" --out "$FIX"
  fi
  ROWS=$(find "$FIX/$COLLECTION" -name '*.csv' -exec tail -q -n +2 {} + | wc -l)
  echo "    $ROWS KS4 grade rows in $(ls "$FIX/$COLLECTION" | wc -l) files"
}

# Starts the cluster and creates DATABASE (and any further databases named): DB is GradeBench's URL. Stops the
# cluster and any server on exit.
national_database() {
  # shellcheck source=postgres.sh
  source scripts/lib/postgres.sh
  pg_start "${PGPORT_BENCH:-54339}"
  SERVER_PID=""
  trap 'national_stop_server; pg_stop' EXIT
  for name in "$@"; do pg_psql postgres -c "CREATE DATABASE $name"; done
  DB="postgres://postgres@127.0.0.1:$PG_PORT/$1?max_connections=16"
}

# Registry, an operator, the collection, the server (SERVER_PID); OPERATOR is the operator's token.
national_serve() {
  echo "==> GradeBench: registry, users, consent (untimed)"
  "$BIN" migrate --db "$DB" >/dev/null 2>&1
  "$BIN" schools import --db "$DB" "$FIX/schools.csv" 2>/dev/null
  "$BIN" collections create --db "$DB" --id "$COLLECTION" --name "KS4 bench" --key-stage KS4 --academic-year 2025/26 2>/dev/null
  OPERATOR=$("$BIN" users create --db "$DB" --name bench-operator --role operator 2>/dev/null | tail -1)
  CONSENT_HASH=$("$BIN" policy check | awk '/consent text/ {print $NF}')
  rm -f "$WORK/bench.secrets"
  LOG_LEVEL=warning "$BIN" serve --db "$DB" --port "$PORT" --secrets "$WORK/bench.secrets" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/health')" 2>/dev/null && break; sleep 0.2; done
}

# Every school opts in and submits its file over HTTP; prints the client's JSON summary.
national_submit() {
  python3 scripts/bench/ingest_client.py --port "$PORT" --operator-token "$OPERATOR" --fixtures "$FIX" \
    --collection "$COLLECTION" --consent-hash "$CONSENT_HASH" --concurrency "$CONCURRENCY"
}

national_stop_server() {
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=""
}
