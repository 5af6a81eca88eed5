#!/usr/bin/env bash
# Measures the shop on this machine (bench/): starts it against a database and a RabbitMQ virtual
# host of its own, runs every measurement, writes bench/results/ and stops the shop again
# (PostgreSQL and RabbitMQ stay up).
#   bench.sh           the full run (under 10 minutes)
#   bench.sh --quick   every measurement at a tiny size, to check that the benchmark works
#   bench.sh [--quick] --replicas 2   then the order load again with two processes of every service
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${SHOP_DATA_DIR:-$root/.local}"
logs="$data/logs"
pg_host="${SHOP_PG_HOST:-127.0.0.1}"
pg_port="${SHOP_PG_PORT:-5432}"
pg_user="${SHOP_PG_USER:-shop}"
pg_password="${SHOP_PG_PASSWORD:-shop}"
rabbit_port="${SHOP_RABBIT_PORT:-5672}"
rabbit_mgmt_port="${SHOP_RABBIT_MANAGEMENT_PORT:-15672}"
rabbit_user="${SHOP_RABBIT_USER:-shop}"
rabbit_password="${SHOP_RABBIT_PASSWORD:-shop}"
database=shop_bench
vhost=shop-bench

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# The benchmark starts a shop of its own on the usual ports; it cannot share them.
for port in 3000 3001 3002 3003 3004 3005; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is taken: stop the running shop first (./shop stop)"
done

"$root/scripts/infra.sh" up
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo -n apt-get install -y -qq wrk >/dev/null; fi
fi

# A fresh database and virtual host each run: the numbers do not depend on what earlier runs or
# the tests left behind, and the tests' database does not grow.
fresh_database() {
  PGPASSWORD="$pg_password" psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qc \
    "drop database if exists $database with (force)" -c "create database $database" >/dev/null
  local rabbit_api="http://127.0.0.1:$rabbit_mgmt_port/api/vhosts/$vhost"
  curl -sf -o /dev/null -u "$rabbit_user:$rabbit_password" -X DELETE "$rabbit_api" || true
  curl -sf -o /dev/null -u "$rabbit_user:$rabbit_password" -X PUT "$rabbit_api" || die "could not create RabbitMQ virtual host $vhost"
}
fresh_database

log "building (Release)"
mkdir -p "$logs"
dotnet build "$root/Shop.sln" -c Release -v quiet -nologo >"$logs/bench-build.log" 2>&1 || die "build failed; see $logs/bench-build.log"

export ConnectionStrings__Postgres="Host=$pg_host;Port=$pg_port;Database=$database;Username=$pg_user;Password=$pg_password"
export ConnectionStrings__RabbitMq="amqp://$rabbit_user:$rabbit_password@127.0.0.1:$rabbit_port/$vhost"
# Every simulated customer comes from 127.0.0.1: the per-address limits would measure the limiter.
export RateLimits__PerMinute=10000000 RateLimits__TokenPerMinute=10000000 RateLimits__CheckoutPerMinute=10000000
# The trace viewer would share the two cores with what is measured.
export SHOP_TRACE_VIEWER=off SHOP_SKIP_BUILD=1 SHOP_KEEP_INFRA=1

# --replicas N: after the whole run, the order load again with N processes of every service, beside it in the report.
replicas=1 args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --replicas ]; then replicas=${2:?--replicas needs a number}; shift; else args+=("$1"); fi
  shift
done

shop_pid=""
trap '"$root/scripts/run.sh" stop >/dev/null 2>&1 || true; [ -z "$shop_pid" ] || wait "$shop_pid" 2>/dev/null || true' EXIT
start_shop() { # start_shop <replicas>
  rm -f "$logs/bench-shop.log"
  SHOP_REPLICAS=$1 "$root/scripts/run.sh" start >"$logs/bench-shop.log" 2>&1 &
  shop_pid=$!
  local deadline=$((SECONDS + 300))
  until grep -q "Shop is running" "$logs/bench-shop.log" 2>/dev/null; do
    kill -0 "$shop_pid" 2>/dev/null || die "the shop did not start; see $logs/bench-shop.log"
    [ "$SECONDS" -lt "$deadline" ] || die "the shop did not start in time; see $logs/bench-shop.log"
    sleep 1
  done
  log "shop running ($1 replica(s) of every service)"
}

bench() {
  dotnet "$root/bench/bin/Release/net10.0/Shop.Bench.dll" --root "$root" --data "$data" \
    --postgres "$ConnectionStrings__Postgres" --pg-bin "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)" "$@"
}

# The benchmark starts as a new build does: no JIT profiles (Shop__JitProfileDirectory), so the start
# trains them first (scripts/run.sh, train); the cold starts then remove them again.
rm -rf "$data/jit"
start_shop 1
bench ${args[@]+"${args[@]}"}
if [ "$replicas" -gt 1 ]; then
  "$root/scripts/run.sh" stop >/dev/null 2>&1 || true
  wait "$shop_pid" 2>/dev/null || true
  fresh_database
  start_shop "$replicas"
  bench ${args[@]+"${args[@]}"} --replicas "$replicas"
fi
