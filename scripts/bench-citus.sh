#!/usr/bin/env bash
# Cluster vs single node, in one run: bench:sync (ingest rows/s, no rate limit), bench:query (a)/(b) req/s of
# the gateway, bench:feed (live lag p95), each once on an embedded PostgreSQL and once on the Citus test
# cluster (scripts/citus-cluster.sh; started here if it is not running, and stopped after if so). Prints the
# benches' own lines; figures against the cluster are never written to docs/benchmarks.md (bench/bench-report.ts).
# Sizes are smaller than the benches' defaults (env below) so that the six runs take minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=scripts/citus-cluster.sh
started=0
bash "$cluster" status >/dev/null 2>&1 || started=1
urls=$(bash "$cluster" start | grep '^[A-Z_]*=')
coordinator=$(sed -n 's/^CITUS_COORDINATOR_URL=//p' <<<"$urls")
export CITUS_WORKER_URLS=$(sed -n 's/^CITUS_WORKER_URLS=//p' <<<"$urls")
export BENCH_PRINT_ONLY=1
trap '[ "$started" = 1 ] && bash "$cluster" stop' EXIT

export BENCH_TICKETS_SYNC=${BENCH_TICKETS_SYNC:-2000} BENCH_MESSAGES_SYNC=${BENCH_MESSAGES_SYNC:-10000}
export BENCH_TICKETS_QUERY=${BENCH_TICKETS_QUERY:-20000} BENCH_TICKETS_FEED=${BENCH_TICKETS_FEED:-5000}
for target in single citus; do
  server=()
  [ "$target" = citus ] && server=(env "BENCH_DATABASE_URL=$coordinator")
  echo "=== $target: bench:sync --only ingest ($BENCH_TICKETS_SYNC tickets, $BENCH_MESSAGES_SYNC messages)"
  "${server[@]}" env BENCH_TICKETS="$BENCH_TICKETS_SYNC" BENCH_MESSAGES="$BENCH_MESSAGES_SYNC" npm run -s bench:sync -- --only ingest 2>&1 | grep '^ingest:'
  echo "=== $target: bench:query, gateway only ($BENCH_TICKETS_QUERY tickets)"
  "${server[@]}" env BENCH_ONLY=api BENCH_PROFILE=0 BENCH_TICKETS="$BENCH_TICKETS_QUERY" BENCH_DURATION=5 BENCH_REPEAT=3 \
    npm run -s bench:query 2>&1 | grep '^| (a)\|^| (b)'
  echo "=== $target: bench:feed ($BENCH_TICKETS_FEED tickets, 500 changes/s for 10 s)"
  "${server[@]}" env BENCH_TICKETS="$BENCH_TICKETS_FEED" BENCH_SECONDS=10 npm run -s bench:feed 2>&1 | grep 'lag p50 / p95\|unthrottled: delivered\|live: writer rate'
done
