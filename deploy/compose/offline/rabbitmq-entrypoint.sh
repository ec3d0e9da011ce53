#!/usr/bin/env bash
# Entrypoint of the rabbitmq:3.10-management stand-in (rabbitmq.Dockerfile), self-written: as root,
# hand the data directory to rabbitmq and run the command as that user. RABBITMQ_DEFAULT_USER/PASS/VHOST
# are read by the server itself on its first start.
set -euo pipefail
if [[ "$1" == rabbitmq* && "$(id -u)" == 0 ]]; then
  if [[ "$1" == rabbitmq-server ]]; then chown -R rabbitmq:rabbitmq /var/lib/rabbitmq; fi
  exec gosu rabbitmq "$BASH_SOURCE" "$@"
fi
exec "$@"
