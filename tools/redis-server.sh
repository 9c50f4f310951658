#!/usr/bin/env bash
# Start/stop the Redis server the distributed-mode tests use (Debian's redis-server).
#
#   tools/redis-server.sh start|stop|status
#
# Binds 127.0.0.1:${WILDTRACE_TEST_REDIS_PORT:-6379}, no persistence, pid and log in
# ${WILDTRACE_TEST_REDIS_DIR:-var/redis-test}. `start` installs Debian's redis-server when
# it is missing (apt-get update && apt-get install -y redis-server), waits for PING and is a
# no-op when a server already answers there; `stop` is idempotent and stops only the
# server this script started (by its pid file).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${WILDTRACE_TEST_REDIS_PORT:-6379}"
DIR="${WILDTRACE_TEST_REDIS_DIR:-var/redis-test}"
PIDFILE="$DIR/redis-$PORT.pid"

answers() { redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

install() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then return; fi
  echo "redis-server: installing Debian's redis-server"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
}

case "${1:-}" in
  install) install ;;
  start)
    install
    if answers; then echo "redis-server: already answering on 127.0.0.1:$PORT"; exit 0; fi
    mkdir -p "$DIR"
    redis-server --bind 127.0.0.1 --port "$PORT" --protected-mode yes --save '' \
      --appendonly no --daemonize yes --pidfile "$(pwd)/$PIDFILE" \
      --logfile "$(pwd)/$DIR/redis-$PORT.log" --dir "$(pwd)/$DIR"
    for _ in $(seq 1 50); do
      if answers; then echo "redis-server: up on 127.0.0.1:$PORT"; exit 0; fi
      sleep 0.2
    done
    echo "redis-server: no answer on 127.0.0.1:$PORT; log: $DIR/redis-$PORT.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$PIDFILE" ]; then
      kill "$(cat "$PIDFILE")" 2>/dev/null || true
      rm -f "$PIDFILE"
    fi
    echo "redis-server: stopped (127.0.0.1:$PORT)"
    ;;
  status)
    if answers; then echo "redis-server: up on 127.0.0.1:$PORT"; else echo "redis-server: down"; exit 1; fi
    ;;
  *)
    echo "usage: $0 install|start|stop|status" >&2
    exit 2
    ;;
esac
