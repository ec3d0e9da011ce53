#!/usr/bin/env bash
# Offline checks of the compose deployment (no Docker engine needed):
#   - docker-compose.yml parses and interpolates with deploy/compose/env.example;
#   - only the gateway publishes a port, on 127.0.0.1;
#   - the shell scripts mounted into containers have valid syntax.
# Usage: deploy/compose/check.sh   (from any directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

compose=(docker-compose --env-file deploy/compose/env.example -f docker-compose.yml)
if ! command -v docker-compose >/dev/null 2>&1; then
  if docker compose version >/dev/null 2>&1; then
    compose=(docker compose --env-file deploy/compose/env.example -f docker-compose.yml)
  else
    echo "check: neither docker-compose nor 'docker compose' is installed" >&2
    exit 1
  fi
fi

echo "check: ${compose[*]} config -q"
"${compose[@]}" config -q

# `config` prints the resolved file; published ports appear as `ports:` items.
# Expect exactly one service with ports (gateway) and one 127.0.0.1:<port>:8080 item.
resolved="$("${compose[@]}" config)"
with_ports="$(printf '%s\n' "$resolved" | awk '
  /^services:/ { in_services = 1; next }
  /^[^ ]/ { in_services = 0 }
  in_services && /^  [^ ]/ { service = $1; sub(":", "", service) }
  in_services && /^    ports:/ { print service }')"
if [[ "$with_ports" != "gateway" ]]; then
  echo "check: expected only gateway to publish ports, got: ${with_ports:-none}" >&2
  exit 1
fi
if ! printf '%s\n' "$resolved" | grep -Eq '127\.0\.0\.1:[0-9]+:8080|host_ip: 127\.0\.0\.1'; then
  echo "check: the gateway port is not bound to 127.0.0.1" >&2
  exit 1
fi
echo "check: only gateway publishes a port (127.0.0.1)"

for script in deploy/compose/init-databases.sh deploy/compose/rabbitmq-init.sh; do
  echo "check: bash -n $script"
  bash -n "$script"
done

echo "check: ok"
