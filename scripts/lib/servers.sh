# Throw-away PostgreSQL and Redis servers for the store tests (issue 10), sourced by
# scripts/test: installed from Debian's packages when missing, started on 127.0.0.1 on free
# ports with data folders under a temporary directory, stopped (and the folders removed) by
# lg_stop_servers, which scripts/test runs on exit.
#
#   lg_start_servers   exports LG_TEST_POSTGRES_URL, LG_TEST_REDIS_URL and LG_REDIS_SERVER
#
# Prometheus and promtool are installed here too; the metrics tests start their own
# Prometheus on a free port with a throw-away data folder.

lg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

lg_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}

lg_install_servers() {
  local need=()
  command -v redis-server >/dev/null || need+=(redis-server)
  lg_pg_bin >/dev/null || need+=(postgresql)
  # Prometheus and promtool (issue 20): the server the metrics tests scrape through.
  command -v prometheus >/dev/null && command -v promtool >/dev/null || need+=(prometheus)
  [ ${#need[@]} -eq 0 ] && return 0
  echo "installing ${need[*]} from Debian's packages"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q "${need[@]}" >/dev/null ||
    { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "${need[@]}" >/dev/null; }
}

# PostgreSQL refuses to run as root: as root, run it as the package's postgres user.
lg_pg_run() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

lg_start_servers() {
  lg_install_servers
  LG_SERVERS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lg-servers.XXXXXX")
  chmod 755 "$LG_SERVERS_DIR"
  local bin pg_port redis_port
  bin=$(lg_pg_bin)
  pg_port=$(lg_free_port)
  mkdir -p "$LG_SERVERS_DIR/pg"
  [ "$(id -u)" -ne 0 ] || chown postgres "$LG_SERVERS_DIR/pg"
  lg_pg_run "$bin/initdb" -D "$LG_SERVERS_DIR/pg/data" -U lg --auth=trust -E UTF8 >"$LG_SERVERS_DIR/pg-initdb.log" 2>&1 ||
    { cat "$LG_SERVERS_DIR/pg-initdb.log" >&2; return 1; }
  lg_pg_run "$bin/pg_ctl" -D "$LG_SERVERS_DIR/pg/data" -l "$LG_SERVERS_DIR/pg/log" -w \
    -o "-p $pg_port -k $LG_SERVERS_DIR/pg -c listen_addresses=127.0.0.1" start >/dev/null ||
    { cat "$LG_SERVERS_DIR/pg/log" >&2; return 1; }
  LG_PG_BIN=$bin
  lg_pg_run "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U lg lg_test
  export LG_TEST_POSTGRES_URL="postgres://lg@127.0.0.1:$pg_port/lg_test"

  redis_port=$(lg_free_port)
  mkdir -p "$LG_SERVERS_DIR/redis"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$LG_SERVERS_DIR/redis" --daemonize yes --pidfile "$LG_SERVERS_DIR/redis/pid" \
    --logfile "$LG_SERVERS_DIR/redis/log" >/dev/null
  local i
  for i in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export LG_TEST_REDIS_URL="redis://127.0.0.1:$redis_port/"
  export LG_REDIS_SERVER
  LG_REDIS_SERVER=$(command -v redis-server)
  echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (data in $LG_SERVERS_DIR)"
}

lg_stop_servers() {
  [ -n "${LG_SERVERS_DIR:-}" ] && [ -d "$LG_SERVERS_DIR" ] || return 0
  if [ -f "$LG_SERVERS_DIR/pg/data/postmaster.pid" ]; then
    lg_pg_run "$LG_PG_BIN/pg_ctl" -D "$LG_SERVERS_DIR/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -f "$LG_SERVERS_DIR/redis/pid" ]; then
    local pid i
    pid=$(cat "$LG_SERVERS_DIR/redis/pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      # Redis writes its log and removes its pid file while it shuts down: wait for it to be
      # gone, or rm below races it ("Directory not empty") and fails a run that passed.
      for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  fi
  rm -rf "$LG_SERVERS_DIR" 2>/dev/null || { sleep 1; rm -rf "$LG_SERVERS_DIR"; }
  LG_SERVERS_DIR=
}
