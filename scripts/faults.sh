#!/usr/bin/env bash
# Fault runs: the whole shop under a bounded workload through the gateway, one fault injected at a
# random moment and healed, then the invariant checker (tools/Faults) on everything the services
# stored and every request and answer recorded.
#   faults.sh [--quick] [--replicas N] [fault...]
#                                    run the given faults (default: all; --quick: a service kill,
#                                    a broker kill and a database crash, with a smaller workload);
#                                    with N replicas of every service, the replica faults (--quick: one
#                                    replica kill and one rolling restart), then the audit trail verified
#   faults.sh inject|heal <fault>    what the harness calls at the random moment, and after the hold
# Faults: kill-<Service> (Identity, Inventory, Payments, Ordering, Notifications, Gateway),
# kill-rabbitmq, close-connections, restart-postgres, terminate-sessions, pause-payments,
# partition-<Service>. With replicas, a replica is named as run.sh names it (Ordering-2 is Ordering's
# second): kill-<replica>, partition-<replica>, kill-agents-<Service> (whichever replica runs the most
# agents of the service, chosen by the harness) and rolling-<Service> (every replica restarted in turn).
# The runs use PostgreSQL and RabbitMQ instances of their own (other ports, data made afresh under
# .local/faults), because they kill and restart them; the services use ports 3000-3005 as usual.
# Results: .local/faults/results/ (a report and the request log per fault, and results.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SHOP_DATA_DIR="$root/.local/faults"
export SHOP_PG_PORT=5442 SHOP_RABBIT_PORT=5682 SHOP_RABBIT_MANAGEMENT_PORT=15682 SHOP_RABBIT_NODE=shop-faults@localhost
export ConnectionStrings__RabbitMq="amqp://shop:shop@127.0.0.1:$SHOP_RABBIT_PORT"
# The services run as their app roles (as ./shop start runs them); the checker reads as the auditor.
export SHOP_AUDITOR_CONNECTION="${SHOP_AUDITOR_CONNECTION:-Host=127.0.0.1;Port=$SHOP_PG_PORT;Database=shop;Username=shop_auditor;Password=shop_auditor}"
# Short saga timeouts so a run sees timeouts and late replies in seconds; slow cards outlast the
# payment timeout on purpose (their captures arrive late and must be refunded).
export Ordering__PaymentTimeoutSeconds=10 Ordering__ReservationTimeoutSeconds=10 Payments__SlowCardDelaySeconds=12
export RateLimits__PerMinute=100000 RateLimits__TokenPerMinute=10000 RateLimits__CheckoutPerMinute=10000 SHOP_TRACE_VIEWER=off SHOP_ROOT="$root"
# Every run starts a shop on fresh data: no training run first (it would add half a minute to each
# start, and what the runs check is delivery, not how fast the first order goes).
export SHOP_JIT_TRAINING=off

run="$SHOP_DATA_DIR/run"
results="$SHOP_DATA_DIR/results"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
all_faults=(kill-Identity kill-Inventory kill-Payments kill-Ordering kill-Notifications kill-Gateway
  kill-rabbitmq close-connections restart-postgres terminate-sessions pause-payments partition-Ordering)
quick_faults=(kill-Ordering kill-rabbitmq restart-postgres)
replica_faults=(kill-Identity-2 kill-Inventory-2 kill-Payments-2 kill-Notifications-2 kill-Gateway-2 kill-Ordering-2
  kill-agents-Ordering kill-agents-Inventory partition-Ordering-2 rolling-Ordering)
quick_replica_faults=(kill-agents-Ordering rolling-Inventory)

log() { printf '[faults] %s\n' "$*" >&2; }
die() { printf '[faults] error: %s\n' "$*" >&2; exit 1; }

port_of() { # port_of <Service> or <Service>-<k>: replica k listens on the service's port + 100 * (k - 1)
  local k=1 base
  [[ "$1" != *-* ]] || k=${1##*-}
  case ${1%%-*} in Gateway) base=3000 ;; Identity) base=3001 ;; Ordering) base=3002 ;; Inventory) base=3003 ;;
    Payments) base=3004 ;; Notifications) base=3005 ;; *) die "unknown service $1" ;; esac
  echo $((base + 100 * (k - 1)))
}

wait_ready() { # wait_ready <Service>: the supervisor has restarted it and it answers ready
  local deadline=$((SECONDS + 180))
  until curl -sf "http://127.0.0.1:$(port_of "$1")/health/ready" >/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || die "$1 did not become ready again"
    sleep 0.5
  done
}

pid_of() { cat "$run/$1.pid"; }

# A service cut off from the broker: its packets to and from the AMQP port are dropped, for the
# connections it has and (through its cgroup) for any it opens meanwhile.
partition() {
  local name=$1 pid ports
  pid=$(pid_of "$name")
  mkdir -p /sys/fs/cgroup/unified/shop-faults
  echo "$pid" >/sys/fs/cgroup/unified/shop-faults/cgroup.procs
  ports=$(ss -tnpH "( dport = :$SHOP_RABBIT_PORT )" | grep "pid=$pid," | awk '{split($4, a, ":"); print a[length(a)]}' | paste -sd, -)
  local open_connections=""
  if [ -n "$ports" ]; then
    open_connections="tcp dport $SHOP_RABBIT_PORT tcp sport { $ports } drop
    tcp sport $SHOP_RABBIT_PORT tcp dport { $ports } drop"
  fi
  nft -f - <<NFT
table inet shop_faults {
  chain output {
    type filter hook output priority 0; policy accept;
    socket cgroupv2 level 1 "unified/shop-faults" tcp dport $SHOP_RABBIT_PORT drop
    $open_connections
  }
}
NFT
}

unpartition() {
  nft delete table inet shop_faults 2>/dev/null || true
  local pid
  for pid in $(cat /sys/fs/cgroup/unified/shop-faults/cgroup.procs 2>/dev/null); do
    echo "$pid" >/sys/fs/cgroup/unified/cgroup.procs
  done
}

inject() {
  case $1 in
    kill-rabbitmq) kill -9 "$(cat "$SHOP_DATA_DIR/rabbitmq/rabbitmq.pid")" ;;
    kill-*) kill -9 "$(pid_of "${1#kill-}")" ;;
    close-connections) "$root/scripts/infra.sh" ctl close_all_connections "fault injection" >/dev/null ;;
    restart-postgres) runuser -u postgres -- "$pg_bin/pg_ctl" -D "$SHOP_DATA_DIR/postgres" -m immediate -w stop >/dev/null ;;
    terminate-sessions)
      PGPASSWORD=shop psql -h 127.0.0.1 -p "$SHOP_PG_PORT" -U shop -d shop -qtAc \
        "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = 'shop' and pid <> pg_backend_pid()" >/dev/null ;;
    pause-payments) kill -STOP "$(pid_of Payments)" ;;
    partition-*) partition "${1#partition-}" ;;
    rolling-*) "$root/scripts/run.sh" restart "${1#rolling-}" >/dev/null ;;
    *) die "unknown fault $1" ;;
  esac
  log "injected $1"
}

heal() {
  case $1 in
    kill-rabbitmq | restart-postgres) "$root/scripts/infra.sh" up 2>/dev/null ;;
    kill-*) wait_ready "${1#kill-}" ;;
    close-connections | terminate-sessions | rolling-*) ;;
    pause-payments) kill -CONT "$(pid_of Payments)" ;;
    partition-*) unpartition ;;
  esac
  log "healed $1"
}

hold_of() { # seconds a fault lasts before it is healed
  case $1 in pause-payments) echo 15 ;; partition-*) echo 20 ;; *) echo 8 ;; esac
}

start_shop() {
  "$root/scripts/run.sh" stop >/dev/null 2>&1 || true
  rm -rf "$SHOP_DATA_DIR"
  mkdir -p "$results"
  log "starting the shop on private PostgreSQL ($SHOP_PG_PORT) and RabbitMQ ($SHOP_RABBIT_PORT)"
  "$root/scripts/run.sh" start >"$results/shop.log" 2>&1 &
  local deadline=$((SECONDS + 900))
  until grep -qs "Shop is running" "$results/shop.log"; do
    [ "$SECONDS" -lt "$deadline" ] || die "the shop did not start; see $results/shop.log"
    kill -0 $! 2>/dev/null || die "the shop did not start; see $results/shop.log"
    sleep 1
  done
}

stop_shop() {
  unpartition
  [ ! -f "$run/Payments.pid" ] || kill -CONT "$(pid_of Payments)" 2>/dev/null || true
  "$root/scripts/run.sh" stop >/dev/null 2>&1 || true
}

row() { # one line of the results table from a report
  python3 - "$1" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
r = run["report"]
seconds = lambda value: "-" if value is None else f'{value:.1f}'
print(f'| {run["fault"]} | {run["checkouts"]} | {r["accepted"]} | {r["confirmed"]} | {r["cancelled"]} | {r["unknown"]} '
      f'| {seconds(r["allTerminalAfterSeconds"])} | {seconds(r["drainedAfterSeconds"])} | {len(r["violations"])} |')
PY
}

explain() { # explain <fault>: what a failed run saw, into the log (CI keeps only the log)
  local report="$results/$1.report.json"
  if [ -f "$report" ]; then
    python3 - "$report" <<'PY' >&2
import json, sys
run = json.load(open(sys.argv[1]))
for v in run["report"]["violations"]:
    print(f'[faults]   {v["rule"]}: {v["subject"]}: {v["detail"]}')
if run.get("agents"):
    print(f'[faults]   agents of {run["agents"]["replica"]} resumed after {run["agents"]["resumedAfterSeconds"]} s')
PY
  else
    tail -n 20 "$results/$1.out" | sed 's/^/[faults]   /' >&2
  fi
}

main() {
  local checkouts=120 seconds=40 faults=() quick="" replicas=1
  while [ $# -gt 0 ]; do
    case $1 in
      --quick) checkouts=40 seconds=20 quick=1 ;;
      --replicas) replicas=${2:?--replicas needs a number}; shift ;;
      *) faults+=("$1") ;;
    esac
    shift
  done
  export SHOP_REPLICAS="$replicas"
  if [ ${#faults[@]} -eq 0 ]; then
    if [ "$replicas" -gt 1 ] && [ -n "$quick" ]; then faults=("${quick_replica_faults[@]}")
    elif [ "$replicas" -gt 1 ]; then faults=("${replica_faults[@]}")
    elif [ -n "$quick" ]; then faults=("${quick_faults[@]}")
    else faults=("${all_faults[@]}"); fi
  fi
  # The broker partition drops packets with nftables.
  if [[ " ${faults[*]} " == *" partition-"* ]] && ! command -v nft >/dev/null; then
    log "installing nftables from the OS packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nftables >/dev/null || die "apt-get install nftables failed (needs root)"
  fi
  trap stop_shop EXIT
  start_shop
  local tool="$root/tools/Faults/bin/${SHOP_CONFIGURATION:-Release}/net10.0/Shop.Faults.dll" failed=0 fault
  printf '| fault | checkouts | accepted | confirmed | cancelled | unknown answers | all terminal after heal (s) | drained after heal (s) | violations |\n|---|---|---|---|---|---|---|---|---|\n' >"$results/results.md"
  for fault in "${faults[@]}"; do
    log "running $fault ($checkouts checkouts over ${seconds}s)"
    if ! dotnet "$tool" run --fault "$fault" --checkouts "$checkouts" --seconds "$seconds" --hold "$(hold_of "$fault")" \
      --replicas "$replicas" --out "$results" >"$results/$fault.out" 2>&1; then
      failed=1
      log "$fault: violations or failure; see $results/$fault.out"
      explain "$fault"
    fi
    [ ! -f "$results/$fault.report.json" ] || row "$results/$fault.report.json" >>"$results/results.md"
  done
  # Every replica signs checkpoints under one lock with the same keys: the trail must verify after replicas were killed.
  if [ "$replicas" -gt 1 ]; then
    if "$root/scripts/run.sh" audit-verify >"$results/audit-verify.out" 2>&1; then
      log "audit trail verified"
    else
      failed=1
      log "the audit trail does not verify; see $results/audit-verify.out"
    fi
  fi
  cat "$results/results.md"
  return $failed
}

case "${1:-}" in
  inject) inject "${2:?which fault?}" ;;
  heal) heal "${2:?which fault?}" ;;
  *) main "$@" ;;
esac
