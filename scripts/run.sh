#!/usr/bin/env bash
# Starts the whole shop on this machine and keeps it running until Ctrl-C:
# PostgreSQL and RabbitMQ, a trace viewer, the six services (each supervised: restarted with
# back-off when it dies), and demo data created through the public API.
#   run.sh start [--replicas N]
#                   build, start, wait for readiness, create demo data, supervise; with N replicas of
#                   every service, the second on its usual port + 100, the third + 200 (also SHOP_REPLICAS)
#   run.sh stop     stop what a running start started (services, trace viewer, infrastructure)
#   run.sh pause <Service> / run.sh resume <Service>
#                   stop one service without its supervisor restarting it (e.g. for a command-line
#                   projection rebuild), then let the supervisor start it again (a replica by its name: Ordering-2)
#   run.sh restart <Service>
#                   a rolling restart: each replica of the service stopped and started again in turn
#   run.sh audit-verify
#                   verify every service's event chain and signed checkpoints; non-zero if any fails
#   run.sh status   every service (port, pid, ready, restarts) and the infrastructure
#   run.sh logs [Service]
#                   follow one service's log, or all of them
#   run.sh cli <Service> <command...>
#                   the service's operator command line, run from the built output (no SDK needed)
#                   with the settings the running service has (its database role, keys, broker)
# A build's first start trains first: see train below (SHOP_JIT_TRAINING=off skips it).
# SHOP_SKIP_BUILD=1 runs what is already built; SHOP_KEEP_INFRA=1 leaves PostgreSQL and RabbitMQ
# running at stop; SHOP_TRACE_VIEWER=off starts no trace viewer (and exports no traces unless
# OTEL_EXPORTER_OTLP_ENDPOINT is set).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${SHOP_DATA_DIR:-$root/.local}"
logs="$data/logs"
run="$data/run"
configuration="${SHOP_CONFIGURATION:-Release}"
gateway="http://127.0.0.1:3000"
dashboard_port="${SHOP_TRACE_VIEWER_PORT:-18888}"
admin_email="admin@shop.local"
admin_password="${SHOP_DEMO_ADMIN_PASSWORD:-admin passphrase 1}"
customer_email="demo@shop.local"
customer_password="${SHOP_DEMO_PASSWORD:-demo passphrase 1}"
# name:port, in start order (Identity first: the others validate its tokens)
services=(Identity:3001 Inventory:3003 Payments:3004 Ordering:3002 Notifications:3005 Gateway:3000)
replicas="${SHOP_REPLICAS:-1}"

log() { printf '[shop] %s\n' "$*" >&2; }

# Every process to run, as name:port:id: replica k of a service listens on its port + 100 * (k - 1);
# the first is called by the service's name, the others name-k (their logs and pid files too).
instances() {
  local entry name port k
  for entry in "${services[@]}"; do
    name=${entry%%:*} port=${entry##*:}
    for ((k = 1; k <= replicas; k++)); do
      printf '%s:%s:%s\n' "$name" $((port + 100 * (k - 1))) "$([ "$k" = 1 ] && echo "$name" || echo "$name-$k")"
    done
  done
}
die() { printf '[shop] error: %s\n' "$*" >&2; exit 1; }

service_env() {
  export ASPNETCORE_ENVIRONMENT=Development
  export Identity__Keys__Directory="$data/identity-keys"
  export Audit__KeyDirectory="$data/audit-keys"
  export Notifications__PickupDirectory="$data/mail"
  # Without the trace viewer nothing listens on its port: export only to an endpoint given explicitly.
  if [ "${SHOP_TRACE_VIEWER:-}" != off ]; then
    export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:4317}"
  fi
  # Each gateway replica grants its share of the shop's rate limits.
  export RateLimits__GatewayReplicas="$replicas"
  # The gateway, and services calling each other, find every replica of a service through .NET service
  # discovery (Services:<name>:http:<i>).
  local name port i k
  for entry in "${services[@]}"; do
    name=${entry%%:*} port=${entry##*:}
    [ "$name" != Gateway ] || continue
    for ((k = 1; k <= replicas; k++)); do
      i=$((k - 1))
      export "Services__${name,,}__http__$i=http://127.0.0.1:$((port + 100 * i))"
    done
  done
}

# Each service runs as its own PostgreSQL app role (see scripts/infra.sh), which cannot change its
# schema or rewrite its events; the schema is applied first by the owner role. A caller that sets
# ConnectionStrings__Postgres itself runs every service on that connection instead.
pg_connection() { # pg_connection <role>
  printf 'Host=%s;Port=%s;Database=%s;Username=%s;Password=%s' \
    "${SHOP_PG_HOST:-127.0.0.1}" "${SHOP_PG_PORT:-5432}" "${SHOP_PG_DATABASE:-shop}" "$1" "$1"
}

with_roles() { [ -z "${ConnectionStrings__Postgres:-}" ]; }

# The connection a service process (or its command line) uses: its app role, unless the caller gave one.
as_service() {
  if with_roles && [ "$1" != Gateway ]; then
    export ConnectionStrings__Postgres
    ConnectionStrings__Postgres="$(pg_connection "shop_${1,,}_app")"
    export Shop__ApplySchemaOnStartup=false
  fi
}

apply_schemas() {
  with_roles || return 0
  log "applying the services' schemas as their owner roles"
  local name pids=()
  for entry in "${services[@]}"; do
    name=${entry%%:*}
    [ "$name" != Gateway ] || continue
    ( cd "$root/src/$name/bin/$configuration/net10.0" && service_env \
      && ConnectionStrings__Postgres="$(pg_connection "shop_${name,,}_owner")" dotnet "Shop.$name.dll" db-apply ) >>"$logs/schema.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "applying a schema failed; see $logs/schema.log"; done
  "$root/scripts/infra.sh" roles
}

# Runs one process of a service forever: when it exits (crash, kill -9), it is started again after a
# back-off that doubles up to 30 s, and resets once the process has stayed up for a minute. With
# replicas the first wait is 3 s, not 1: the other replicas take over the crashed one's agents first,
# without its start-up competing with them for this machine's cores.
supervise() { # supervise <Service> <port> <id>
  local name=$1 port=$2 id=$3 dll="$root/src/$1/bin/$configuration/net10.0/Shop.$1.dll" first_backoff=1
  [ "$replicas" -le 1 ] || first_backoff=3
  local backoff=$first_backoff
  as_service "$name"
  echo 0 >"$run/$id.restarts"
  while [ ! -f "$run/stopping" ]; do
    local started=$SECONDS
    ( cd "$(dirname "$dll")" && Shop__JitProfileDirectory="$data/jit/$id" Urls="http://127.0.0.1:$port" exec dotnet "$dll" ) >>"$logs/$id.log" 2>&1 &
    echo $! >"$run/$id.pid"
    local code=0
    wait $! || code=$?
    [ ! -f "$run/stopping" ] || break
    if [ -f "$run/$id.paused" ]; then
      printf '%s %s paused\n' "$(date -u +%FT%TZ)" "$id" >>"$logs/supervisor.log"
      while [ -f "$run/$id.paused" ] && [ ! -f "$run/stopping" ]; do sleep 0.5; done
      continue
    fi
    printf '%s %s exited with code %s; restarting in %ss\n' "$(date -u +%FT%TZ)" "$id" "$code" "$backoff" | tee -a "$logs/supervisor.log" >&2
    echo $(($(cat "$run/$id.restarts") + 1)) >"$run/$id.restarts"
    sleep "$backoff"
    if [ $((SECONDS - started)) -gt 60 ]; then backoff=$first_backoff; else backoff=$((backoff * 2 > 30 ? 30 : backoff * 2)); fi
  done
}

# A start beside a running shop would find every port answering: its supervisors would restart their
# services forever, and its pid files would hide the running shop from ./shop stop.
already_running() {
  local pidfile pid
  for pidfile in "$run"/*-supervisor.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill -0 "$pid" 2>/dev/null && grep -q run.sh "/proc/$pid/cmdline" 2>/dev/null && return 0
  done
  return 1
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ready_by() { # ready_by <port> <deadline in $SECONDS>: waits for the process on the port to answer ready
  until curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null; do
    [ "$SECONDS" -lt "$2" ] || return 1
    sleep 0.5
  done
}

wait_ready() {
  ready_by "$2" $((SECONDS + 180)) || die "$1 did not become ready; see $logs/$1.log"
}

start_trace_viewer() {
  dotnet restore "$root/tools/TraceViewer" -v quiet >/dev/null
  local viewer
  viewer="$(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/aspire.dashboard.sdk.linux-x64/*/tools/Aspire.Dashboard 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$viewer" ]; then
    log "trace viewer not available; traces are not collected"
    return
  fi
  # The viewer must not export its own telemetry: given the services' OTLP endpoint, every batch it
  # received made more of its own, and its traces pushed the shop's out.
  ( unset "${!OTEL_@}"
    ASPNETCORE_URLS="http://127.0.0.1:$dashboard_port" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:4317 \
    ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:4318 ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
    exec "$viewer" ) >>"$logs/trace-viewer.log" 2>&1 &
  echo $! >"$run/trace-viewer.pid"
}

json_field() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }

demo_data() {
  ( cd "$root/src/Identity/bin/$configuration/net10.0" && service_env && as_service Identity && SHOP_USER_PASSWORD="$admin_password" \
    dotnet Shop.Identity.dll add-user --email "$admin_email" --role admin --display-name "Shop admin" ) >>"$logs/demo-data.log" 2>&1 \
    || die "could not create the admin; see $logs/demo-data.log"
  curl -s -o /dev/null -X POST "$gateway/api/users" -H 'content-type: application/json' \
    -d "{\"email\":\"$customer_email\",\"password\":\"$customer_password\",\"displayName\":\"Demo Customer\"}"
  local token
  token=$(curl -sf -X POST "$gateway/api/oauth/token" -d grant_type=password \
    --data-urlencode "username=$admin_email" --data-urlencode "password=$admin_password" | json_field '["access_token"]')
  local product sku name price
  for product in "MUG-1|Coffee mug|12.50" "LAMP-1|Desk lamp|39.90" "BOOK-1|Event sourcing notebook|7.25"; do
    IFS='|' read -r sku name price <<<"$product"
    local answer
    answer=$(curl -s -X POST "$gateway/api/products" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
      -d "{\"sku\":\"$sku\",\"name\":\"$name\",\"price\":$price,\"currency\":\"EUR\"}")
    if id=$(printf '%s' "$answer" | json_field '["id"]' 2>/dev/null); then
      curl -sf -o /dev/null -X POST "$gateway/api/products/$id/stock" -H "Authorization: Bearer $token" \
        -H 'content-type: application/json' -d '{"quantity":100}'
    fi
  done
}

# The services' own assemblies: a new build of any of them needs a new training run.
build_stamp() { cat "$root"/src/*/bin/"$configuration"/net10.0/Shop.*.dll | sha256sum | cut -c1-16; }

# One customer's first walk, as the README's: register, log in, order, check out, wait for the
# confirmation, then read the order, its payment, its history and the dashboard; with "cancel", then
# cancel the order and wait until its stock is released and its payment refunded.
training_walk() { # training_walk <n> [cancel]
  local email="training-$1@shop.local" password="training passphrase $1" token product order status="" deadline history
  curl -sf -o /dev/null -X POST "$gateway/api/users" -H 'content-type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"displayName\":\"Training $1\"}"
  token=$(curl -sf -X POST "$gateway/api/oauth/token" -d grant_type=password \
    --data-urlencode "username=$email" --data-urlencode "password=$password" | json_field '["access_token"]')
  product=$(curl -sf "$gateway/api/products?name=lamp" | json_field '["items"][0]["id"]')
  order=$(curl -sf -X POST "$gateway/api/orders" -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"items\":[{\"productId\":\"$product\",\"quantity\":1}]}" | json_field '["id"]')
  curl -sf -o /dev/null -X POST "$gateway/api/orders/$order/checkout" -H "Authorization: Bearer $token" \
    -H 'content-type: application/json' -d '{"paymentMethod":"pm_card_visa"}'
  deadline=$((SECONDS + 60))
  until [ "$status" = Confirmed ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
    status=$(curl -sf "$gateway/api/orders/$order" -H "Authorization: Bearer $token" | json_field '["status"]')
  done
  for path in "orders/$order" "payments?orderId=$order" "orders/$order/history" "dashboard"; do
    curl -sf -o /dev/null "$gateway/api/$path" -H "Authorization: Bearer $token"
  done
  [ "${2:-}" = cancel ] || return 0
  curl -sf -o /dev/null -X POST "$gateway/api/orders/$order/cancel?reason=training" -H "Authorization: Bearer $token"
  deadline=$((SECONDS + 60))
  until history=$(curl -sf "$gateway/api/orders/$order/history" -H "Authorization: Bearer $token") \
    && [[ $history == *order_payment_refunded* && $history == *order_stock_released* ]]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# A new build's processes compile their order paths on first use: the first orders after a start
# took several times as long as the next ones. So a build's first start runs a training first: the
# services, one process each, on a scratch database and RabbitMQ virtual host, through a few first
# walks (the last one cancelled), then stopped, each writing the multicore JIT profile (src/ServiceDefaults/Hosting/JitProfile.cs)
# that every later start of this build plays. Nothing of it reaches the shop's own data.
train() {
  [ "${SHOP_JIT_TRAINING:-}" != off ] || return 0
  local stamp scratch="$data/training" name port id connections pids=() pid
  stamp="$(build_stamp)"
  [ ! -f "$data/jit/trained-$stamp" ] || return 0
  log "first start of this build: training its JIT profiles on a scratch database (once per build, about half a minute)"
  mapfile -t connections < <("$root/scripts/infra.sh" training up || true)
  if [ "${#connections[@]}" -ne 2 ]; then
    log "no scratch database or virtual host for the training run; this start plays no profile"
    return 0
  fi
  rm -rf "$scratch" && mkdir -p "$scratch"
  local scratch_env=(ConnectionStrings__Postgres="${connections[0]}" ConnectionStrings__RabbitMq="${connections[1]}"
    Identity__Keys__Directory="$scratch/identity-keys" Audit__KeyDirectory="$scratch/audit-keys" Notifications__PickupDirectory="$scratch/mail")
  while IFS=: read -r name port id; do
    [ "$id" = "$name" ] || continue
    ( unset "${!OTEL_@}"
      cd "$root/src/$name/bin/$configuration/net10.0"
      export "${scratch_env[@]}" Shop__JitProfileDirectory="$data/jit/$id" Urls="http://127.0.0.1:$port"
      exec dotnet "Shop.$name.dll" ) >>"$logs/training.log" 2>&1 &
    echo $! >"$run/training-$id.pid"
    pids+=($!)
  done < <(instances)
  local trained=true deadline=$((SECONDS + 180))
  while IFS=: read -r name port id; do
    [ "$id" != "$name" ] || ready_by "$port" "$deadline" || { trained=false; break; }
  done < <(instances)
  $trained && ( export "${scratch_env[@]}"
    demo_data && training_walk 1 && training_walk 2 && training_walk 3 cancel ) >>"$logs/training.log" 2>&1 || trained=false
  # A graceful stop writes the profile; one that hangs is killed after 30 s, as ./shop stop does.
  kill "${pids[@]}" 2>/dev/null || true
  local stop_by=$((SECONDS + 30))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$stop_by" ]; do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$run"/training-*.pid
  "$root/scripts/infra.sh" training down
  rm -rf "$scratch"
  if $trained; then
    # Every replica of a service plays its first process's profile.
    while IFS=: read -r name port id; do
      [ "$id" = "$name" ] || { mkdir -p "$data/jit/$id" && cp "$data/jit/$name"/* "$data/jit/$id"/; }
    done < <(instances)
    rm -f "$data"/jit/trained-*
    touch "$data/jit/trained-$stamp"
  else
    log "the training run did not finish (see $logs/training.log); this start plays no profile"
  fi
}

pause() {
  local name=${1:?which service?}
  [ -f "$run/$name.pid" ] || die "$name is not running"
  touch "$run/$name.paused"
  local pid
  pid=$(cat "$run/$name.pid")
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  log "$name paused"
}

resume() {
  local name=${1:?which service?} port="" service instance_port id
  running_replicas
  rm -f "$run/$name.paused"
  while IFS=: read -r service instance_port id; do [ "$id" != "$name" ] || port=$instance_port; done < <(instances)
  wait_ready "$name" "${port:?unknown service $name}"
  log "$name resumed"
}

# A rolling restart: one replica after the other is stopped (gracefully) and started again, the next only
# once the last answers ready, so the service keeps answering throughout.
restart() {
  local name=${1:?which service?} service port id ids=()
  running_replicas
  while IFS=: read -r service port id; do [ "$service" != "$name" ] || ids+=("$id"); done < <(instances)
  [ ${#ids[@]} -gt 0 ] || die "unknown service $name"
  for id in "${ids[@]}"; do
    pause "$id"
    resume "$id"
  done
}

stop() {
  mkdir -p "$run"
  touch "$run/stopping"
  local pids=() pid deadline=$((SECONDS + 30))
  for pidfile in "$run"/*.pid; do
    [ -e "$pidfile" ] || continue
    pids+=("$(cat "$pidfile")")
    kill "${pids[-1]}" 2>/dev/null || true
    rm -f "$pidfile"
  done
  # A service whose graceful shutdown hangs (its database already gone, say) must not outlive the
  # stop and keep its port.
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ "${SHOP_KEEP_INFRA:-}" = 1 ] || "$root/scripts/infra.sh" down
  log "stopped"
}

start() {
  mkdir -p "$logs" "$run"
  ! already_running || die "the shop is already running: ./shop status shows it, ./shop stop stops it"
  local name port id
  while IFS=: read -r name port id; do
    ! port_taken "$port" || die "port $port, where $id listens, is taken by another process; stop it first (README: Troubleshooting, A port is taken)"
  done < <(instances)
  rm -f "$run/stopping"
  "$root/scripts/infra.sh" up
  "$root/scripts/infra.sh" queues
  if [ "${SHOP_SKIP_BUILD:-}" != 1 ]; then
    log "building ($configuration)"
    dotnet build "$root/Shop.sln" -c "$configuration" -v quiet -nologo >"$logs/build.log" 2>&1 || die "build failed; see $logs/build.log"
  fi
  service_env
  train
  apply_schemas
  [ "${SHOP_TRACE_VIEWER:-}" = off ] || start_trace_viewer
  while IFS=: read -r name port id; do
    supervise "$name" "$port" "$id" &
    echo $! >"$run/$id-supervisor.pid"
  done < <(instances)
  while IFS=: read -r name port id; do
    wait_ready "$id" "$port"
    log "$id ready on port $port"
  done < <(instances)
  demo_data
  cat <<INFO

Shop is running$([ "$replicas" = 1 ] || echo ", $replicas replicas of every service").
  gateway        $gateway   (API under /api)
$(instances | while IFS=: read -r name port id; do printf '  %-16s http://127.0.0.1:%s\n' "$id" "$port"; done
  [ "${SHOP_TRACE_VIEWER:-}" = off ] || printf '  trace viewer   http://127.0.0.1:%s\n' "$dashboard_port")
  RabbitMQ UI    http://127.0.0.1:15672   (shop / shop)
  logs           $logs
  admin          $admin_email / $admin_password
  customer       $customer_email / $customer_password

Try:
  curl $gateway/api/products
  curl -X POST $gateway/api/oauth/token -d grant_type=password -d username=$customer_email --data-urlencode 'password=$customer_password'

Ctrl-C (or ./shop stop) stops everything; data is kept in $data.
INFO
  trap 'stop; exit 0' INT TERM
  wait
}

# The service whose name matches, ignoring case ("ordering" is Ordering).
service_named() {
  local entry candidate
  for entry in "${services[@]}"; do
    candidate=${entry%%:*}
    [ "${candidate,,}" = "${1,,}" ] || continue
    echo "$candidate"
    return 0
  done
  die "unknown service $1 (one of: ${services[*]%%:*})"
}

# The replicas a running start runs (its pid files), at least one of each service.
running_replicas() {
  local k
  replicas=1
  for k in 2 3 4 5 6 7 8 9; do
    if [ -f "$run/Gateway-$k.pid" ]; then replicas=$k; fi
  done
}

status() {
  local name port id pid ready restarts
  running_replicas
  printf '%-16s %-6s %-8s %-6s %s\n' service port pid ready restarts
  while IFS=: read -r name port id; do
    pid=- ready=no
    if [ -f "$run/$id.pid" ] && kill -0 "$(cat "$run/$id.pid")" 2>/dev/null; then pid=$(cat "$run/$id.pid"); fi
    if curl -sf -m 2 "http://127.0.0.1:$port/health/ready" >/dev/null; then ready=yes; fi
    restarts=$(cat "$run/$id.restarts" 2>/dev/null || echo 0)
    printf '%-16s %-6s %-8s %-6s %s\n' "$id" "$port" "$pid" "$ready" "$restarts"
  done < <(instances)
  "$root/scripts/infra.sh" status
}

follow_logs() {
  local name
  if [ -n "${1:-}" ]; then
    name=$(service_named "$1")
    tail -n 50 -F "$logs/$name.log"
  else
    tail -n 10 -F "$logs"/*.log
  fi
}

cli() {
  local name dll
  name=$(service_named "${1:?which service?}")
  shift
  dll="$root/src/$name/bin/$configuration/net10.0/Shop.$name.dll"
  [ -f "$dll" ] || die "$name is not built ($dll): run ./shop start once, or dotnet build -c $configuration"
  service_env
  if with_roles && [[ "${1:-}" == db-* ]]; then
    # Schema commands run as the schema's owner role; every other command as the service itself runs.
    export ConnectionStrings__Postgres
    ConnectionStrings__Postgres="$(pg_connection "shop_${name,,}_owner")"
  else
    as_service "$name"
  fi
  cd "$(dirname "$dll")"
  exec dotnet "$dll" "$@"
}

# Runs each service's own `audit verify` (built first if it is not): one JSON line per service.
audit_verify() {
  local failed=0 entry name dll
  service_env
  for entry in "${services[@]}"; do
    name=${entry%%:*}
    [ "$name" != Gateway ] || continue
    dll="$root/src/$name/bin/$configuration/net10.0/Shop.$name.dll"
    [ -f "$dll" ] || dotnet build "$root/src/$name" -c "$configuration" -v quiet -nologo >/dev/null
    # The JSON report is the one line starting with "{"; the rest is the command line's own chatter.
    if ! ( cd "$(dirname "$dll")" && as_service "$name" && Logging__LogLevel__Default=Warning dotnet "$dll" audit verify ) >"$run/audit-$name.log" 2>&1; then
      failed=1
    fi
    printf '%s: %s\n' "$name" "$(grep -m1 '^{' "$run/audit-$name.log" || tail -n 1 "$run/audit-$name.log")"
  done
  return "$failed"
}

case "${1:-start}" in
  start)
    if [ "${2:-}" = --replicas ]; then
      replicas=${3:?--replicas needs a number}
    fi
    [[ "$replicas" =~ ^[1-9]$ ]] || die "--replicas takes 1 to 9, not '$replicas'"
    start ;;
  stop) stop ;;
  pause) pause "${2:-}" ;;
  resume) resume "${2:-}" ;;
  restart) restart "${2:-}" ;;
  audit-verify) mkdir -p "$run" && audit_verify ;;
  status) status ;;
  logs) follow_logs "${2:-}" ;;
  cli) shift; cli "$@" ;;
  *) die "usage: run.sh start|stop|pause <Service>|resume <Service>|restart <Service>|audit-verify|status|logs [Service]|cli <Service> <command...>" ;;
esac
