#!/usr/bin/env bash
# Makes PostgreSQL and RabbitMQ available for Shop, idempotently.
#   infra.sh up     reuse reachable servers, else install the Debian packages and start
#                   private instances with their data under .local/ (git-ignored)
#   infra.sh down   stop the private instances this script started
#   infra.sh status say what is reachable
#   infra.sh roles  (again) the database roles and their rights, after the services' schemas are applied
#   infra.sh ctl <args>  rabbitmqctl against the private RabbitMQ node
#   infra.sh docker  a running Docker daemon with docker-compose and debootstrap (for the compose test),
#                   installed from the Debian packages and started if missing; fails if it cannot start
#   infra.sh training up|down
#                   a scratch database and RabbitMQ virtual host for a build's training run (scripts/run.sh),
#                   created empty, and dropped afterwards
#   infra.sh queues declare anew Shop's queues on the virtual host / whose type or arguments differ
#                   from the quorum queues the services declare, moving their messages across
#                   (RabbitMQ refuses to redeclare a queue with another type or other arguments)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${SHOP_DATA_DIR:-$root/.local}"

pg_host="${SHOP_PG_HOST:-127.0.0.1}"
pg_port="${SHOP_PG_PORT:-5432}"
pg_user="${SHOP_PG_USER:-shop}"
pg_password="${SHOP_PG_PASSWORD:-shop}"
pg_db="${SHOP_PG_DATABASE:-shop}"
rabbit_port="${SHOP_RABBIT_PORT:-5672}"
rabbit_mgmt_port="${SHOP_RABBIT_MANAGEMENT_PORT:-15672}"
rabbit_user="${SHOP_RABBIT_USER:-shop}"
rabbit_password="${SHOP_RABBIT_PASSWORD:-shop}"
rabbit_node="${SHOP_RABBIT_NODE:-shop@localhost}"

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() { # wait_for <seconds> <description> <command...>
  local deadline=$((SECONDS + $1)) what="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "$what did not come up in time"
    sleep 0.5
  done
}

# Servers outlive this script: they must not keep its caller's files open (a lock, a CI log pipe).
detached() { (
  for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  "$@"
) }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

install_packages() {
  local missing=()
  [ -n "$pg_bin" ] || missing+=(postgresql)
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  # promtool checks the alert rules in deploy/prometheus (a test needs it).
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  # The browser tests drive the system's Chromium (Playwright downloads none).
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ ${#missing[@]} -gt 0 ] || return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get here: install them yourself"
  log "installing ${missing[*]} from the OS packages"
  # The packages' own services stay down: Shop runs private instances.
  as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d' || true
  as_root apt-get update -qq || die "apt-get update failed (needs root or passwordless sudo)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
}

# ---------- PostgreSQL ----------
pg_sql() { PGOPTIONS=--client-min-messages=warning PGPASSWORD="$pg_password" psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$1" -v ON_ERROR_STOP=1 -qtAc "$2"; }

pg_usable() { pg_sql postgres "select 1" >/dev/null 2>&1; }

pg_ensure_database() {
  if [ "$(pg_sql postgres "select 1 from pg_database where datname = '$pg_db'")" != "1" ]; then
    pg_sql postgres "create database \"$pg_db\"" >/dev/null
    log "created database $pg_db"
  fi
}

# Least-privilege roles per service and a read-only auditor (see deploy/postgres/db-roles.sql); each
# service's `db-setup` command then applies its schema as the owner and grants its app role.
pg_roles() {
  PGOPTIONS=--client-min-messages=warning PGPASSWORD="$pg_password" psql -h "$pg_host" -p "$pg_port" -U "$pg_user" \
    -d "$pg_db" -v ON_ERROR_STOP=1 -q -f "$root/deploy/postgres/db-roles.sql" >/dev/null
}

pg_run() { # run a PostgreSQL tool as the owner of the private cluster
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_up() {
  if port_open "$pg_host" "$pg_port"; then
    pg_usable || die "port $pg_port on $pg_host is taken by a server that does not accept user '$pg_user' (password from SHOP_PG_PASSWORD). Stop it, or point SHOP_PG_PORT/SHOP_PG_USER/SHOP_PG_PASSWORD at a usable server."
    log "PostgreSQL reachable at $pg_host:$pg_port"
    pg_ensure_database
    pg_roles
    return
  fi
  install_packages
  local dir="$data/postgres"
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "initialising a private PostgreSQL cluster in $dir"
    local pwfile; pwfile="$(mktemp)"; printf '%s\n' "$pg_password" > "$pwfile"; chmod 644 "$pwfile"
    pg_run "$pg_bin/initdb" -D "$dir" -U "$pg_user" --pwfile="$pwfile" -A scram-sha-256 -E UTF8 >/dev/null
    rm -f "$pwfile"
    {
      echo "listen_addresses = '$pg_host'"
      echo "unix_socket_directories = ''"
      echo "max_connections = 300"
      echo "shared_buffers = 256MB"
      echo "fsync = on"
      echo "synchronous_commit = on"
    } >> "$dir/postgresql.conf"
  fi
  rm -f "$dir/postmaster.pid.stale"
  log "starting PostgreSQL on $pg_host:$pg_port"
  detached pg_run "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -o "-p $pg_port" -w -t 60 start >/dev/null \
    || die "PostgreSQL did not start; see $dir/server.log"
  wait_for 60 "PostgreSQL" pg_usable
  pg_ensure_database
  pg_roles
}

pg_down() {
  local dir="$data/postgres"
  if [ -f "$dir/postmaster.pid" ]; then
    pg_run "$pg_bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null && log "PostgreSQL stopped"
  fi
}

# ---------- RabbitMQ ----------
rabbit_env() {
  local dir="$data/rabbitmq"
  export HOME="$dir" RABBITMQ_NODENAME="$rabbit_node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$rabbit_port" RABBITMQ_DIST_PORT=$((rabbit_port + 20000)) \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
}

rabbitctl() { ( rabbit_env; /usr/lib/rabbitmq/bin/rabbitmqctl -n "$rabbit_node" "$@" ); }

rabbit_up() {
  if port_open 127.0.0.1 "$rabbit_port"; then
    log "RabbitMQ reachable at 127.0.0.1:$rabbit_port"
    return
  fi
  install_packages
  local dir="$data/rabbitmq"
  mkdir -p "$dir/mnesia" "$dir/log"
  printf '[rabbitmq_management].\n' > "$dir/enabled_plugins"
  cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.local = 127.0.0.1:$rabbit_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $rabbit_mgmt_port
loopback_users = none
CONF
  log "starting RabbitMQ on 127.0.0.1:$rabbit_port (management UI on $rabbit_mgmt_port)"
  ( rabbit_env; cd "$dir"; detached nohup /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"$dir/log/console.log" 2>&1 & )
  wait_for 120 "RabbitMQ" rabbitctl await_startup
  if ! rabbitctl list_users 2>/dev/null | grep -q "^$rabbit_user\b"; then
    rabbitctl add_user "$rabbit_user" "$rabbit_password" >/dev/null
    rabbitctl set_user_tags "$rabbit_user" administrator >/dev/null
    rabbitctl set_permissions -p / "$rabbit_user" '.*' '.*' '.*' >/dev/null
    log "created RabbitMQ user $rabbit_user"
  fi
  wait_for 30 "RabbitMQ listener" port_open 127.0.0.1 "$rabbit_port"
}

rabbit_down() {
  [ -f "$data/rabbitmq/rabbitmq.pid" ] || return 0
  rabbitctl stop >/dev/null 2>&1 && log "RabbitMQ stopped" || true
  rm -f "$data/rabbitmq/rabbitmq.pid"
}

status() {
  port_open "$pg_host" "$pg_port" && echo "postgres: up ($pg_host:$pg_port)" || echo "postgres: down"
  port_open 127.0.0.1 "$rabbit_port" && echo "rabbitmq: up (127.0.0.1:$rabbit_port)" || echo "rabbitmq: down"
}

# ---------- The training run's scratch database and virtual host ----------
training_db="${pg_db}_training"
training_vhost="shop-training"

rabbit_api() { # rabbit_api <method> <path> [json]
  curl -sf -o /dev/null -u "$rabbit_user:$rabbit_password" -X "$1" -H 'content-type: application/json' \
    "http://127.0.0.1:$rabbit_mgmt_port/api/$2" ${3:+-d "$3"}
}

training_down() {
  pg_sql postgres "drop database if exists \"$training_db\" with (force)" >/dev/null
  rabbit_api DELETE "vhosts/$training_vhost" || true
}

training_up() {
  training_down
  pg_sql postgres "create database \"$training_db\"" >/dev/null
  rabbit_api PUT "vhosts/$training_vhost" || die "could not create RabbitMQ virtual host $training_vhost (management API on port $rabbit_mgmt_port)"
  rabbit_api PUT "permissions/$training_vhost/$rabbit_user" '{"configure":".*","write":".*","read":".*"}'
  printf 'Host=%s;Port=%s;Database=%s;Username=%s;Password=%s\namqp://%s:%s@127.0.0.1:%s/%s\n' \
    "$pg_host" "$pg_port" "$training_db" "$pg_user" "$pg_password" "$rabbit_user" "$rabbit_password" "$rabbit_port" "$training_vhost"
}

# ---------- Docker (the compose test) ----------
docker_up() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /usr/bin/docker-compose ] || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get here"
    log "installing ${missing[*]} from the OS packages"
    as_root apt-get update -qq || die "apt-get update failed (needs root or passwordless sudo)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  fi
  docker info >/dev/null 2>&1 && return 0
  mkdir -p "$data/logs"
  log "starting the Docker daemon (log: $data/logs/dockerd.log)"
  as_root true || die "the Docker daemon is not running and starting it needs root"
  detached as_root sh -c "nohup dockerd >>'$data/logs/dockerd.log' 2>&1 &"
  wait_for 60 "the Docker daemon" docker info
}

case "${1:-up}" in
  up) pg_up; rabbit_up ;;
  down) rabbit_down; pg_down ;;
  status) status ;;
  roles) pg_roles ;;
  queues) python3 "$root/scripts/quorum-queues.py" "http://127.0.0.1:$rabbit_mgmt_port/api" "$rabbit_user" "$rabbit_password" / ;;
  ctl) shift; rabbitctl "$@" ;;
  docker) docker_up ;;
  training) case "${2:-}" in up) training_up ;; down) training_down ;; *) die "usage: infra.sh training up|down" ;; esac ;;
  *) die "usage: infra.sh up|down|status|roles|queues|ctl <args>|docker|training up|down" ;;
esac
