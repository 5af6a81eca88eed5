#!/bin/bash
set -euo pipefail
if [ "${1:-}" = rabbitmq-server ]; then
  {
    echo "loopback_users = none"
    [ -z "${RABBITMQ_DEFAULT_USER:-}" ] || echo "default_user = $RABBITMQ_DEFAULT_USER"
    [ -z "${RABBITMQ_DEFAULT_PASS:-}" ] || echo "default_pass = $RABBITMQ_DEFAULT_PASS"
  } > /etc/rabbitmq/rabbitmq.conf
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
fi
exec "$@"
