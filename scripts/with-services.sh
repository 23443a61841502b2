#!/usr/bin/env bash
# Run a command with PostgreSQL and Redis reachable, exporting DATABASE_URL and REDIS_URL.
#
# Uses the servers already listening on 127.0.0.1:5432 / :6379 when there are some (trust auth,
# user postgres); otherwise starts throwaway ones (PostgreSQL on :55432, Redis on :56379) under
# $BRIDGE_SERVICES_DIR, installing the Debian packages first if they are missing.
# Variables already set in the environment are respected.
set -euo pipefail

STATE="${BRIDGE_SERVICES_DIR:-/tmp/bridge-services}"
mkdir -p "$STATE"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "with-services: installing $* from Debian packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "with-services: please install $* (needs root)" >&2
    exit 1
  fi
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then return; fi
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
     && psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    return
  fi
  local port=55432 dir="$STATE/pg"
  if ! pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$bin" ]; then
      apt_install postgresql
      bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
    fi
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
    echo "with-services: started a throwaway PostgreSQL on 127.0.0.1:$port ($dir)" >&2
  fi
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then return; fi
  # Tests use database 9 so they never touch the data of a Redis used for something else.
  if command -v redis-cli >/dev/null && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; then
    export REDIS_URL="redis://127.0.0.1:6379/9"
    return
  fi
  local port=56379 dir="$STATE/redis"
  command -v redis-server >/dev/null || apt_install redis-server
  if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" != PONG ]; then
    mkdir -p "$dir"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 50); do
      [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] && break
      sleep 0.1
    done
    echo "with-services: started a throwaway Redis on 127.0.0.1:$port" >&2
  fi
  export REDIS_URL="redis://127.0.0.1:$port/9"
}

ensure_postgres
ensure_redis
exec "$@"
