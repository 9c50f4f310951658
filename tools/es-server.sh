#!/usr/bin/env bash
# Start/stop the Elasticsearch-API-compatible test server (noida-db, pinned in the dev extras).
#
#   tools/es-server.sh start|stop|status
#
# Binds 127.0.0.1:${WILDTRACE_TEST_ES_PORT:-9200}; data in ${WILDTRACE_TEST_ES_DIR:-var/es-test}.
# `start` waits until `GET /` answers (up to 30 s) and is a no-op when it already answers;
# `stop` is idempotent. When WILDTRACE_ES_URL is set, tests use that (real) cluster and this
# script does nothing. noida-db 0.2.3 prints a harmless "weak version GLIBC_2.39" linker
# warning on Debian 12 (glibc 2.36); it runs correctly.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${WILDTRACE_TEST_ES_PORT:-9200}"
DIR="${WILDTRACE_TEST_ES_DIR:-var/es-test}"
NOIDA="${NOIDA_DB:-.venv/bin/noida-db}"
URL="http://127.0.0.1:${PORT}"

answers() { curl -fs -o /dev/null --max-time 2 "$URL/"; }

case "${1:-}" in
  start)
    if [ -n "${WILDTRACE_ES_URL:-}" ]; then echo "es-server: using WILDTRACE_ES_URL"; exit 0; fi
    if answers; then echo "es-server: already answering at $URL"; exit 0; fi
    mkdir -p "$DIR"
    "$NOIDA" up --only elasticsearch --host 127.0.0.1 --elasticsearch-port "$PORT" \
      --data-dir "$DIR" >"$DIR/up.out" 2>&1 || { cat "$DIR/up.out" >&2; exit 1; }
    for _ in $(seq 1 60); do
      if answers; then echo "es-server: up at $URL (data: $DIR)"; exit 0; fi
      sleep 0.5
    done
    echo "es-server: no answer from $URL after 30 s; log: $DIR/noida.log" >&2
    exit 1
    ;;
  stop)
    if [ -n "${WILDTRACE_ES_URL:-}" ]; then exit 0; fi
    if [ -d "$DIR" ]; then "$NOIDA" down --data-dir "$DIR" >/dev/null 2>&1 || true; fi
    echo "es-server: stopped ($URL)"
    ;;
  status)
    if answers; then echo "es-server: up at $URL"; else echo "es-server: down ($URL)"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
