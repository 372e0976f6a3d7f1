#!/usr/bin/env bash
# A local Citus cluster for the scale-out test tier: one coordinator and two workers on PostgreSQL 15.
#
#   scripts/citus-cluster.sh build    build and install Citus from the vendored source (only when citus.so is missing)
#   scripts/citus-cluster.sh start    build if needed, init (first time) and start the three nodes, print the URLs
#   scripts/citus-cluster.sh stop     stop the three nodes (data kept)
#   scripts/citus-cluster.sh status   which nodes run, and the active workers
#   scripts/citus-cluster.sh wipe     stop, then delete the cluster's data (the build stays installed)
#
# Not for production: the nodes listen on 127.0.0.1 only and trust every local connection (so that the nodes
# reach each other without a password file). Users run Citus from their distribution or a managed service:
# see docs/scale-out.md.
#
# Environment (all optional):
#   CITUS_SOURCE      the Citus source tarball (default: ../shared/vendor/citus/citus-13.2.2.tar.gz beside the repo)
#   CITUS_DATA_DIR    where the three data directories live (default: .data/citus)
#   CITUS_BUILD_DIR   where the source is unpacked and built (default: .data/citus-build)
#   CITUS_PORT        the coordinator's port on first start; workers take the next two (default: free ports from 9700)
#   CITUS_DATABASE    the database created on every node for DATABASE_URL (default: cxconnect)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_CONFIG="$PG_BIN/pg_config"
CITUS_VERSION=13.2.2
SOURCE="${CITUS_SOURCE:-$ROOT/../shared/vendor/citus/citus-$CITUS_VERSION.tar.gz}"
DATA="${CITUS_DATA_DIR:-$ROOT/.data/citus}"
BUILD="${CITUS_BUILD_DIR:-$ROOT/.data/citus-build}"
DATABASE="${CITUS_DATABASE:-cxconnect}"
NODES=(coordinator worker1 worker2)
# Debian 12 packages Citus needs to compile (PostgreSQL's own build flags link these).
BUILD_DEPS=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR build-essential liblz4-dev libzstd-dev libkrb5-dev
  libselinux1-dev libxslt1-dev libpam0g-dev libssl-dev libreadline-dev flex bison)

log() { echo "citus-cluster: $*" >&2; }
die() {
  log "$*"
  exit 1
}

is_built() {
  [ -x "$PG_CONFIG" ] && [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ] && [ -f "$("$PG_CONFIG" --sharedir)/extension/citus.control" ]
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

cmd_build() {
  if is_built; then
    log "Citus is installed for PostgreSQL $PG_MAJOR ($("$PG_CONFIG" --pkglibdir)/citus.so): nothing to build"
    return
  fi
  [ -f "$SOURCE" ] || die "Citus source not found at $SOURCE (set CITUS_SOURCE to citus-$CITUS_VERSION.tar.gz)"
  command -v apt-get >/dev/null || die "no apt-get: install PostgreSQL $PG_MAJOR with its server headers and Citus yourself"
  log "installing PostgreSQL $PG_MAJOR and the build dependencies (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${BUILD_DEPS[@]}"
  rm -rf "$BUILD"
  mkdir -p "$BUILD"
  tar -xzf "$SOURCE" -C "$BUILD" --strip-components=1
  local started=$SECONDS
  log "building Citus $CITUS_VERSION in $BUILD (log: $BUILD/build.log)"
  (
    cd "$BUILD"
    # libcurl only serves Citus's anonymous usage statistics; with_llvm=no skips the JIT bitcode, which is
    # most of the compile time and only matters for PostgreSQL's JIT inlining of Citus functions.
    ./configure PG_CONFIG="$PG_CONFIG" --without-libcurl
    make with_llvm=no -j"$(nproc)"
    as_root make with_llvm=no install
  ) >"$BUILD/build.log" 2>&1 || {
    tail -n 40 "$BUILD/build.log" >&2
    die "the Citus build failed (full log: $BUILD/build.log)"
  }
  log "built and installed Citus in $((SECONDS - started))s"
}

# PostgreSQL refuses to run as root: as root, the nodes run as the `postgres` OS user (created if missing).
run_pg() {
  # From /, which the postgres user can always read (the caller's directory may not be).
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

ensure_postgres_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id postgres >/dev/null 2>&1 && return 0
  getent group postgres >/dev/null || groupadd postgres
  useradd -g postgres postgres
}

# The postgres user must reach the data directory through every parent.
make_traversable() {
  [ "$(id -u)" -eq 0 ] || return 0
  local dir="$1"
  while [ "$dir" != "/" ]; do
    chmod o+x "$dir" 2>/dev/null || true
    dir="$(dirname "$dir")"
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Three free ports in a row from CITUS_PORT (or 9700), chosen once when the cluster is created.
choose_ports() {
  local base="${CITUS_PORT:-9700}"
  if [ -n "${CITUS_PORT:-}" ]; then
    echo "$base $((base + 1)) $((base + 2))"
    return
  fi
  while port_in_use "$base" || port_in_use $((base + 1)) || port_in_use $((base + 2)); do base=$((base + 3)); done
  echo "$base $((base + 1)) $((base + 2))"
}

port_of() { cat "$DATA/$1.port"; }

node_running() { [ -f "$DATA/$1/PG_VERSION" ] && run_pg "$PG_BIN/pg_ctl" -D "$DATA/$1" status >/dev/null 2>&1; }

psql_on() {
  local node="$1" db="$2"
  shift 2
  PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(port_of "$node")" -U postgres -d "$db" "$@"
}

init_node() {
  local node="$1" port="$2" dir="$DATA/$1"
  [ -f "$dir/PG_VERSION" ] && return 0
  log "initdb $node (port $port)"
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
  chmod 700 "$dir"
  run_pg "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 >"$DATA/$node.initdb.log"
  cat >>"$dir/postgresql.conf" <<EOF
# citus-cluster.sh: a local test node (loopback only, trust auth)
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DATA/run'
shared_preload_libraries = 'citus'
max_connections = 300
EOF
  echo "$port" >"$DATA/$node.port"
}

# Citus does not propagate CREATE DATABASE: the database, the extension and the node registrations are made
# on every node (the same steps as test/support/citus-database.ts).
ensure_database() {
  local db="$1" node
  for node in "${NODES[@]}"; do
    if [ "$(psql_on "$node" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
      psql_on "$node" postgres -c "CREATE DATABASE \"$db\""
    fi
    psql_on "$node" "$db" -c "CREATE EXTENSION IF NOT EXISTS citus"
  done
  psql_on coordinator "$db" -c "SELECT citus_set_coordinator_host('127.0.0.1', $(port_of coordinator))" \
    -c "SELECT citus_add_node('127.0.0.1', $(port_of worker1))" -c "SELECT citus_add_node('127.0.0.1', $(port_of worker2))" >/dev/null
}

print_urls() {
  echo "CITUS_COORDINATOR_URL=postgres://postgres@127.0.0.1:$(port_of coordinator)/postgres"
  echo "CITUS_WORKER_URLS=postgres://postgres@127.0.0.1:$(port_of worker1)/postgres,postgres://postgres@127.0.0.1:$(port_of worker2)/postgres"
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$(port_of coordinator)/$DATABASE"
}

cmd_start() {
  cmd_build
  ensure_postgres_user
  mkdir -p "$DATA/run"
  make_traversable "$DATA"
  # The nodes write their logs and sockets here.
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$DATA" "$DATA/run"
  if [ ! -f "$DATA/coordinator.port" ]; then
    read -r -a ports <<<"$(choose_ports)"
    for i in 0 1 2; do init_node "${NODES[$i]}" "${ports[$i]}"; done
  fi
  local node
  for node in "${NODES[@]}"; do
    [ -f "$DATA/$node/PG_VERSION" ] || die "$DATA/$node is incomplete: run '$0 wipe' and start again"
    if node_running "$node"; then continue; fi
    port_in_use "$(port_of "$node")" && die "port $(port_of "$node") for $node is taken by another program: wipe and start with CITUS_PORT=<free port>"
    run_pg "$PG_BIN/pg_ctl" -D "$DATA/$node" -l "$DATA/$node.log" -w -t 60 start >/dev/null ||
      die "$node failed to start (log: $DATA/$node.log)"
  done
  ensure_database "$DATABASE"
  print_urls
}

cmd_stop() {
  local node
  for node in "${NODES[@]}"; do
    if node_running "$node"; then run_pg "$PG_BIN/pg_ctl" -D "$DATA/$node" -m fast -w stop >/dev/null; fi
  done
  log "stopped"
}

cmd_status() {
  local node state=0
  is_built && log "Citus installed: $("$PG_CONFIG" --pkglibdir)/citus.so" || log "Citus not built (run: $0 build)"
  for node in "${NODES[@]}"; do
    if node_running "$node"; then log "$node: running on port $(port_of "$node")"; else
      log "$node: stopped"
      state=1
    fi
  done
  if [ "$state" -eq 0 ]; then
    log "active workers: $(psql_on coordinator "$DATABASE" -tAc "SELECT string_agg(node_name || ':' || node_port, ' ') FROM citus_get_active_worker_nodes()")"
    print_urls
  fi
  return "$state"
}

cmd_wipe() {
  cmd_stop
  rm -rf "$DATA"
  log "deleted $DATA"
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wipe) cmd_wipe ;;
  *) die "usage: $0 build|start|stop|status|wipe" ;;
esac
