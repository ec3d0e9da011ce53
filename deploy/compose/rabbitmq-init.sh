#!/usr/bin/env bash
# One-shot broker setup, run by the `rabbitmq-init` compose service (rabbitmq
# management image, which ships rabbitmqadmin) once `rabbitmq` is healthy.
#
# Why not a definitions file loaded at boot: it would have to carry the user with
# a password hash, i.e. a second copy of RABBITMQ_PASSWORD, and it replaces the
# RABBITMQ_DEFAULT_USER/PASS/VHOST bootstrap. The broker creates user, vhost and
# permissions from the environment; this script only adds what the environment
# cannot express, through the management HTTP API (no Erlang cookie to share).
# Every step is idempotent, so it runs again harmlessly on each `up`.
set -euo pipefail

host="${RABBITMQ_HOST:-rabbitmq}"
vhost="${RABBITMQ_VHOST:-platform}"
: "${RABBITMQ_USER:?RABBITMQ_USER is required}"
: "${RABBITMQ_PASSWORD:?RABBITMQ_PASSWORD is required}"

admin() {
  rabbitmqadmin --host="$host" --port=15672 --vhost="$vhost" \
    --username="$RABBITMQ_USER" --password="$RABBITMQ_PASSWORD" "$@"
}

# `healthy` (rabbitmq-diagnostics ping) can come a moment before the management
# listener and the default vhost are up: wait for the vhost to be visible.
for attempt in $(seq 1 60); do
  if vhosts="$(admin --format=tsv list vhosts name 2>&1)" && grep -qxF "$vhost" <<<"$vhosts"; then
    break
  fi
  if [[ $attempt -eq 60 ]]; then
    echo "rabbitmq-init: vhost '$vhost' not reachable on $host:15672 after 120s; last answer:" >&2
    echo "$vhosts" >&2
    exit 1
  fi
  sleep 2
done

# Redelivery cap for quorum queues: a poison message is dead-lettered (or
# dropped) after 20 failed deliveries instead of looping forever.
# apply-to=quorum_queues exists since RabbitMQ 3.12; older brokers (3.10, 3.11)
# reject it ("apply-to 'quorum_queues' unrecognised"), so fall back to
# apply-to=queues there: delivery-limit only has an effect on quorum queues
# anyway, classic queues ignore the key.
policy=(declare policy name=quorum-delivery-limit pattern='.*' definition='{"delivery-limit":20}' priority=0)
if ! admin "${policy[@]}" apply-to=quorum_queues; then
  echo "rabbitmq-init: broker rejected apply-to=quorum_queues (needs RabbitMQ >= 3.12); using apply-to=queues" >&2
  admin "${policy[@]}" apply-to=queues
fi

# Service queues are declared with x-dead-letter-exchange=<queue>_error (messages
# over the delivery limit are parked there, not dropped). A quorum queue declared
# by an older version without it would refuse the services' declaration
# (PRECONDITION_FAILED): delete such queues while empty (the services declare
# them again), and name the non-empty ones, which must be drained first.
# Same rule as deploy/infra.sh (rmq_drop_queues_without_dead_letter).
admin --format=tsv list queues name type messages arguments |
while IFS=$'\t' read -r name type messages arguments; do
  [[ -n "$name" && "$type" == quorum ]] || continue   # also skips the header line
  [[ "$arguments" == *x-dead-letter-exchange* ]] && continue
  if [[ "$messages" == 0 ]]; then
    echo "rabbitmq-init: deleting empty queue $name (no x-dead-letter-exchange; its service declares it again)"
    admin delete queue name="$name"
  else
    echo "rabbitmq-init: WARNING queue $name holds $messages message(s) and lacks x-dead-letter-exchange; drain and delete it before starting its service" >&2
  fi
done

admin list policies
echo "rabbitmq-init: done"
