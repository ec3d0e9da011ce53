#!/usr/bin/env bash
# deploy/compose/e2e.sh — run docker-compose.yml for real, end to end, and leave the machine as it was.
#
# Usage: deploy/compose/e2e.sh          (root; also: ./deploy/platform compose-test)
#
#   1. Installs what is missing of Debian's docker.io, docker-compose, debootstrap and jq (apt, the machine's sources).
#   2. Starts its own dockerd (data root .local/docker/data, socket, pid file and log in .local/docker/), unless
#      DOCKER_HOST or /var/run/docker.sock already answers: then that daemon is used and left running.
#   3. Makes sure every image the compose file and deploy/docker/Service.Dockerfile name is present: an image that is
#      missing is pulled, and where no registry answers, built as a stand-in from deploy/compose/offline/ (a debootstrap
#      debian:bookworm-slim; postgres:15 and rabbitmq:3.10-management from Debian packages; the .NET images from the
#      machine's own dotnet). An image already present is used as it is, so the same script runs unchanged with real
#      registries, and a second run builds nothing.
#   4. Writes an env file with random passwords and keys (.local/docker/compose.env, never the checkout's .env) and a
#      free loopback GATEWAY_PORT, then runs the repository's docker-compose.yml as it is (project platform_e2e): build
#      (BuildKit where the CLI has it), up (after removing what a killed earlier run left), and waits until every
#      container is healthy and rabbitmq-init exited 0.
#   5. Drives the platform through the gateway with keys: the admin key creates an ingest and a marketer key; a
#      customer and an order are ingested; the profile (with the order) is read from Segmentation; a segment and a
#      campaign are created and the campaign is previewed.
#   6. `down -v`, then stops its dockerd by pid and restores what dockerd changed (docker0 and the compose bridges,
#      iptables, ip_forward and the bridge netfilter switches, /var/run/docker, /etc/docker/key.json, its cgroups) —
#      also on failure and Ctrl-C — and checks that it did. The data root stays: the next run builds nothing.
# Prints "N passed, N failed" last; exit code 0 only when nothing failed.
#
# Environment: GATEWAY_PORT (default: the first free port from 18080), COMPOSE_E2E_PULL=0 (never try a registry),
# COMPOSE_E2E_TIMEOUT (seconds to wait for healthy containers and for asynchronous outcomes, default 300).
# Logs: .local/docker/logs/ (dockerd, image builds, compose build/up, container logs on failure).

set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
OFFLINE="$ROOT/deploy/compose/offline"
STATE="$ROOT/.local/docker"
LOGS="$STATE/logs"
BEFORE="$STATE/before"
PROJECT=platform_e2e
TIMEOUT="${COMPOSE_E2E_TIMEOUT:-300}"
PULL="${COMPOSE_E2E_PULL:-1}"

passed=0
failed=0
own_dockerd=""        # pid of the dockerd this script started (empty: none, or an existing daemon is used)
project_up=0          # 1 once `up` ran: the trap brings the project down
started_at=$SECONDS
step_started_at=$SECONDS

log()  { printf '[compose-e2e] %s\n' "$*"; }
pass() { passed=$((passed + 1)); printf '[compose-e2e] ok   %s (%ss)\n' "$1" "$((SECONDS - step_started_at))"; step_started_at=$SECONDS; }
fail() { failed=$((failed + 1)); printf '[compose-e2e] FAIL %s\n' "$*" >&2; step_started_at=$SECONDS; }
# A step that later steps depend on: on failure the run stops (the EXIT trap cleans up and prints the summary).
must() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; exit 1; fi; }

# ---------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------
install_packages() {
    local -a missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    command -v jq >/dev/null 2>&1 || missing+=(jq)
    local -a wanted=()
    local p
    for p in "${missing[@]}"; do
        # A daemon that is already running needs no dockerd of ours (nor its package, which could clash with it).
        [[ "$p" == docker.io ]] && external_daemon && continue
        wanted+=("$p")
    done
    (( ${#wanted[@]} == 0 )) && return 0
    log "apt-get install ${wanted[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${wanted[@]}" > "$LOGS/apt.log" 2>&1 \
        || { apt-get update -q >> "$LOGS/apt.log" 2>&1 && apt-get install -y -q --no-install-recommends "${wanted[@]}" >> "$LOGS/apt.log" 2>&1; } \
        || { tail -n 20 "$LOGS/apt.log" >&2; return 1; }
}

external_daemon() { # a daemon that was there before us: DOCKER_HOST, or one answering on the default socket
    [[ -n "${DOCKER_HOST:-}" && "$DOCKER_HOST" != "unix://$STATE/docker.sock" ]] && return 0
    [[ -z "${DOCKER_HOST:-}" && -S /var/run/docker.sock ]] && command -v docker >/dev/null 2>&1 \
        && timeout 20 docker -H unix:///var/run/docker.sock info >/dev/null 2>&1
}

choose_clients() {
    # Debian's docker CLI (20.10) has BuildKit built in; a CLI earlier in PATH may lack the buildx plugin and would
    # fall back to the slow legacy builder. Compose v1 builds through the CLI with COMPOSE_DOCKER_CLI_BUILD=1.
    if [[ -x /usr/bin/docker ]]; then export PATH="/usr/bin:$PATH"; fi
    if docker buildx version >/dev/null 2>&1 || docker version --format '{{.Client.Version}}' 2>/dev/null | grep -q '^20\.'; then
        export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
    fi
    if command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose); else COMPOSE=(docker compose); fi
    COMPOSE+=(--project-directory "$ROOT" -f "$ROOT/docker-compose.yml" -p "$PROJECT" --env-file "$STATE/compose.env")
}

# ---------------------------------------------------------------------------
# dockerd and what it changes on the host
# ---------------------------------------------------------------------------
IPTABLES_TOOLS=(iptables-nft iptables-legacy ip6tables-nft ip6tables-legacy)
SYSCTLS=(net/ipv4/ip_forward net/ipv6/conf/all/forwarding net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables)

rules_of() { # TOOL -> its rules, without counters and comments (what "as before" compares)
    command -v "$1-save" >/dev/null 2>&1 || return 0
    "$1-save" 2>/dev/null | sed -E '/^#/d; s/ *\[[0-9]+:[0-9]+\]//' || true
}

snapshot_host() { # what dockerd may change, before it starts
    rm -rf "$BEFORE"; mkdir -p "$BEFORE"
    local t s
    for t in "${IPTABLES_TOOLS[@]}"; do rules_of "$t" > "$BEFORE/$t.rules"; done
    for s in "${SYSCTLS[@]}"; do [[ -f "/proc/sys/$s" ]] && cat "/proc/sys/$s" > "$BEFORE/${s//\//.}"; done
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort > "$BEFORE/links"
    [[ -e /var/run/docker ]] && touch "$BEFORE/var-run-docker"
    [[ -e /etc/docker/key.json ]] && touch "$BEFORE/etc-docker-key"
    find /sys/fs/cgroup -maxdepth 2 -name docker -type d 2>/dev/null | sort > "$BEFORE/cgroups"
    return 0
}

start_dockerd() {
    mkdir -p "$STATE/data"
    rm -f "$STATE/docker.sock" "$STATE/dockerd.pid"
    # Its own socket: nothing else on the machine talks to it by accident. Its state: /var/run/docker (exec root).
    # Its own session: a Ctrl-C reaches this script and the docker clients, not dockerd, which must stay up for
    # `down -v` and is then stopped by its pid.
    setsid dockerd --data-root "$STATE/data" --pidfile "$STATE/dockerd.pid" -H "unix://$STATE/docker.sock" \
        > "$LOGS/dockerd.log" 2>&1 &
    own_dockerd=$!
    export DOCKER_HOST="unix://$STATE/docker.sock"
    local i
    for ((i = 0; i < 60; i++)); do
        if docker info >/dev/null 2>&1; then
            # The pid dockerd wrote itself (the same as $! unless setsid had to fork).
            [[ -s "$STATE/dockerd.pid" ]] && own_dockerd="$(cat "$STATE/dockerd.pid")"
            return 0
        fi
        kill -0 "$own_dockerd" 2>/dev/null || { tail -n 20 "$LOGS/dockerd.log" >&2; return 1; }
        sleep 0.5
    done
    tail -n 20 "$LOGS/dockerd.log" >&2
    return 1
}

stop_dockerd() { # SIGTERM to our dockerd (it stops containerd and the shims), SIGKILL after 60 s
    [[ -n "$own_dockerd" ]] || return 0
    local children i
    children="$(pgrep -P "$own_dockerd" 2>/dev/null | tr '\n' ' ' || true)"
    kill "$own_dockerd" 2>/dev/null || true
    for ((i = 0; i < 120; i++)); do kill -0 "$own_dockerd" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$own_dockerd" 2>/dev/null; then
        log "dockerd (pid $own_dockerd) still running after 60 s: SIGKILL"
        kill -9 "$own_dockerd" 2>/dev/null || true
    fi
    wait "$own_dockerd" 2>/dev/null || true
    local c
    for c in $children; do   # containerd, started by dockerd; it normally exits with it
        for ((i = 0; i < 20; i++)); do kill -0 "$c" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$c" 2>/dev/null && kill -9 "$c" 2>/dev/null || true
    done
    return 0
}

restore_host() { # undo what dockerd changed, from the snapshot
    local t s link table
    # Interfaces dockerd created (docker0, br-<network>, leftover veths).
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort > "$STATE/links.after"
    while IFS= read -r link; do
        [[ "$link" == docker0 || "$link" == br-* || "$link" == veth* ]] && ip link delete "$link" 2>/dev/null || true
    done < <(comm -13 "$BEFORE/links" "$STATE/links.after")
    # Firewall rules: each table that existed before gets its old contents back; a table dockerd created is emptied
    # (chains deleted, built-in policies back to ACCEPT).
    for t in "${IPTABLES_TOOLS[@]}"; do
        command -v "$t" >/dev/null 2>&1 || continue
        [[ "$(rules_of "$t")" == "$(cat "$BEFORE/$t.rules")" ]] && continue
        for table in $(rules_of "$t" | sed -n 's/^\*//p'); do
            if grep -qx "\*$table" "$BEFORE/$t.rules"; then continue; fi
            "$t" -t "$table" -F; "$t" -t "$table" -X
            "$t" -t "$table" -S | awk '$1 == "-P" { print $2 }' | while read -r chain; do "$t" -t "$table" -P "$chain" ACCEPT; done
        done
        if [[ -s "$BEFORE/$t.rules" ]]; then "$t-restore" < "$BEFORE/$t.rules"; fi
    done
    for s in "${SYSCTLS[@]}"; do
        [[ -f "$BEFORE/${s//\//.}" && -f "/proc/sys/$s" ]] && cat "$BEFORE/${s//\//.}" > "/proc/sys/$s"
    done
    [[ -e "$BEFORE/var-run-docker" ]] || rm -rf /var/run/docker
    # The identity dockerd 20.10 writes on its first start (the package only ships the empty /etc/docker).
    [[ -e "$BEFORE/etc-docker-key" ]] || rm -f /etc/docker/key.json
    local dir
    while IFS= read -r dir; do
        grep -qxF "$dir" "$BEFORE/cgroups" || find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done < <(find /sys/fs/cgroup -maxdepth 2 -name docker -type d 2>/dev/null)
    return 0
}

check_restored() { # each thing the cleanup promises, as a check
    local t s bad
    bad=""; pgrep -x dockerd >/dev/null && bad+=" dockerd"; pgrep -x containerd >/dev/null && bad+=" containerd"
    pgrep -f containerd-shim >/dev/null && bad+=" containerd-shim"
    if [[ -z "$bad" ]]; then pass "no dockerd, containerd or shim left"; else fail "still running:$bad"; fi
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort > "$STATE/links.after"
    bad="$(comm -13 "$BEFORE/links" "$STATE/links.after" | tr '\n' ' ')"
    if [[ -z "$bad" ]]; then pass "network interfaces as before (no docker0, no compose bridge)"; else fail "interfaces left: $bad"; fi
    bad=""
    for t in "${IPTABLES_TOOLS[@]}"; do
        command -v "$t" >/dev/null 2>&1 || continue
        # An empty table with ACCEPT policies is no rule at all: compare only chains, rules and non-ACCEPT policies.
        diff <(rules_of "$t" | grep -Ev '^(\*|COMMIT$|:[A-Z]+ ACCEPT$)') <(grep -Ev '^(\*|COMMIT$|:[A-Z]+ ACCEPT$)' "$BEFORE/$t.rules") \
            > "$STATE/$t.diff" || bad+=" $t (see $STATE/$t.diff)"
    done
    if [[ -z "$bad" ]]; then pass "iptables rules as before"; else fail "iptables rules differ:$bad"; fi
    bad=""
    for s in "${SYSCTLS[@]}"; do
        [[ -f "$BEFORE/${s//\//.}" ]] || continue
        [[ "$(cat "/proc/sys/$s")" == "$(cat "$BEFORE/${s//\//.}")" ]] || bad+=" $s=$(cat "/proc/sys/$s")"
    done
    if [[ -z "$bad" ]]; then pass "ip_forward and bridge netfilter switches as before ($(cat /proc/sys/net/ipv4/ip_forward))"; else fail "sysctls differ:$bad"; fi
    if [[ -e "$BEFORE/var-run-docker" || ! -e /var/run/docker ]] && [[ -e "$BEFORE/etc-docker-key" || ! -e /etc/docker/key.json ]]; then
        pass "/var/run/docker and /etc/docker/key.json as before"
    else
        fail "/var/run/docker or /etc/docker/key.json left"
    fi
}

# ---------------------------------------------------------------------------
# Images: present, pulled, or built as stand-ins
# ---------------------------------------------------------------------------
image_present() { docker image inspect "$1" >/dev/null 2>&1; }

image_log() { printf '%s/%s-%s.log' "$LOGS" "$1" "$(tr -c 'a-zA-Z0-9.\n' '_' <<<"$2")"; } # KIND IMAGE

dotnet_root() {
    local d; d="$(dirname -- "$(readlink -f -- "$(command -v dotnet)")")"
    [[ -d "$d/shared/Microsoft.AspNetCore.App" ]] || { echo "no dotnet installation with ASP.NET Core found (dotnet: $d)" >&2; return 1; }
    printf '%s' "$d"
}

newest_dir() { # DIR MAJOR -> the newest version folder in DIR that starts with MAJOR.
    find "$1" -mindepth 1 -maxdepth 1 -type d -name "$2.*" -printf '%f\n' | sort -V | tail -n 1
}

build_standin() { # IMAGE: the stand-in recipe for one official image name
    local image="$1" root major
    local blog; blog="$(image_log image "$image")"
    case "$image" in
        debian:bookworm-slim)
            "$OFFLINE/debian-base.sh" "$STATE/work" "$image" > "$blog" 2>&1 || { tail -n 30 "$blog" >&2; return 1; } ;;
        postgres:15)
            ensure_image debian:bookworm-slim || return 1
            docker build -f "$OFFLINE/postgres.Dockerfile" -t "$image" "$OFFLINE" > "$blog" 2>&1 || { tail -n 30 "$blog" >&2; return 1; } ;;
        rabbitmq:3.10-management)
            ensure_image debian:bookworm-slim || return 1
            docker build -f "$OFFLINE/rabbitmq.Dockerfile" -t "$image" "$OFFLINE" > "$blog" 2>&1 || { tail -n 30 "$blog" >&2; return 1; } ;;
        mcr.microsoft.com/dotnet/runtime-deps:*)
            ensure_image debian:bookworm-slim || return 1
            docker build -f "$OFFLINE/dotnet-runtime-deps.Dockerfile" -t "$image" "$OFFLINE" > "$blog" 2>&1 || { tail -n 30 "$blog" >&2; return 1; } ;;
        mcr.microsoft.com/dotnet/aspnet:*)
            major="${image##*:}"; root="$(dotnet_root)" || return 1
            ensure_image "mcr.microsoft.com/dotnet/runtime-deps:$major" || return 1
            docker build -f "$OFFLINE/dotnet-aspnet.Dockerfile" -t "$image" \
                --build-arg "BASE=mcr.microsoft.com/dotnet/runtime-deps:$major" \
                --build-arg "DOTNET_VERSION=$(newest_dir "$root/shared/Microsoft.NETCore.App" "$major")" \
                --build-arg "ASPNET_VERSION=$(newest_dir "$root/shared/Microsoft.AspNetCore.App" "$major")" \
                "$root" > "$blog" 2>&1 || { tail -n 30 "$blog" >&2; return 1; } ;;
        mcr.microsoft.com/dotnet/sdk:*)
            major="${image##*:}"; root="$(dotnet_root)" || return 1
            ensure_image "mcr.microsoft.com/dotnet/aspnet:$major" || return 1
            docker build -f "$OFFLINE/dotnet-sdk.Dockerfile" -t "$image" \
                --build-arg "BASE=mcr.microsoft.com/dotnet/aspnet:$major" \
                --build-arg "SDK_VERSION=$(newest_dir "$root/sdk" "${major%%.*}")" \
                "$root" > "$blog" 2>&1 || { tail -n 30 "$blog" >&2; return 1; } ;;
        *)
            echo "no stand-in recipe for $image in deploy/compose/offline (and it could not be pulled)" >&2
            return 1 ;;
    esac
}

ensure_image() { # IMAGE: present as it is, else pulled, else built as a stand-in
    local image="$1" started=$SECONDS
    image_present "$image" && return 0
    if [[ "$PULL" != 0 ]] && timeout 600 docker pull -q "$image" > "$(image_log pull "$image")" 2>&1; then
        log "pulled $image ($((SECONDS - started))s)"
        return 0
    fi
    log "building stand-in $image"
    build_standin "$image" || return 1
    log "built stand-in $image ($((SECONDS - started))s)"
}

needed_images() { # the images docker-compose.yml runs and the FROM images of the Dockerfiles it builds
    "${COMPOSE[@]}" config | awk '$1 == "image:" { print $2 }'
    local f
    for f in $("${COMPOSE[@]}" config | awk '$1 == "dockerfile:" { print $2 }' | sort -u); do
        [[ "$f" == /* ]] || f="$ROOT/$f"
        # FROM lines, without build stages (FROM build) and build-arg images (FROM ${BASE})
        awk 'toupper($1) == "FROM" { if ($2 !~ /^\$/ && !($2 in stages)) print $2; if (toupper($3) == "AS") stages[$4] = 1 }' "$f"
    done
}

ensure_images() {
    # Missing images are made in three parallel lines (PostgreSQL, RabbitMQ, the .NET chain), once the common base
    # exists; each line logs to $LOGS/image-*.log.
    local image base_needed=0 rc=0
    local -a missing=() pids=() dotnet=()
    for image in $(needed_images | sort -u); do image_present "$image" || missing+=("$image"); done
    (( ${#missing[@]} == 0 )) && { log "every image present"; return 0; }
    log "missing: ${missing[*]}"
    for image in "${missing[@]}"; do [[ "$image" != debian:* ]] && base_needed=1; done
    # Before the parallel lines, so that they do not race to make it (where registries answer: a small pull).
    if (( base_needed )); then ensure_image debian:bookworm-slim || return 1; fi
    for image in "${missing[@]}"; do
        if [[ "$image" == mcr.microsoft.com/dotnet/* ]]; then dotnet+=("$image"); continue; fi
        ensure_image "$image" & pids+=($!)
    done
    if (( ${#dotnet[@]} > 0 )); then
        ( for image in "${dotnet[@]}"; do ensure_image "$image" || exit 1; done ) & pids+=($!)
    fi
    local pid; for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    return "$rc"
}

# ---------------------------------------------------------------------------
# Compose
# ---------------------------------------------------------------------------
free_port() {
    local p
    for ((p = 18080; p < 18180; p++)); do
        [[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]] && { printf '%s' "$p"; return 0; }
    done
    return 1
}

write_env() {
    local port="${GATEWAY_PORT:-}"
    [[ -n "$port" ]] || port="$(free_port)" || { echo "no free port in 18080-18179" >&2; return 1; }
    secret() { openssl rand -hex 24; }
    umask 077
    cat > "$STATE/compose.env" <<EOF
# Written by deploy/compose/e2e.sh for one run (random values; see deploy/compose/env.example).
GATEWAY_PORT=$port
POSTGRES_PASSWORD=$(secret)
INGESTION_DB_PASSWORD=$(secret)
SEGMENTATION_DB_PASSWORD=$(secret)
CAMPAIGNS_DB_PASSWORD=$(secret)
MEASUREMENT_DB_PASSWORD=$(secret)
GATEWAY_DB_PASSWORD=$(secret)
RABBITMQ_USER=platform
RABBITMQ_PASSWORD=$(secret)
PLATFORM_ADMIN_API_KEY=pk_$(openssl rand -hex 32)
OTEL_EXPORTER_OTLP_ENDPOINT=
EOF
    umask 022
    GATEWAY="http://127.0.0.1:$port"
    ADMIN_KEY="$(sed -n 's/^PLATFORM_ADMIN_API_KEY=//p' "$STATE/compose.env")"
}

compose_build() { "${COMPOSE[@]}" build --parallel > "$LOGS/compose-build.log" 2>&1 || { tail -n 40 "$LOGS/compose-build.log" >&2; return 1; }; }

compose_up() {
    project_up=1
    # A run killed before its `down -v` (SIGKILL, power) leaves its containers and volumes in the data root; the
    # volumes would keep that run's passwords.
    "${COMPOSE[@]}" down -v --remove-orphans > "$LOGS/compose-down-before.log" 2>&1 || { tail -n 20 "$LOGS/compose-down-before.log" >&2; return 1; }
    "${COMPOSE[@]}" up -d --no-build > "$LOGS/compose-up.log" 2>&1 || { tail -n 20 "$LOGS/compose-up.log" >&2; return 1; }
}

wait_healthy() { # every container healthy (or, one-shot, exited 0); compose v1 has no --wait
    local deadline=$((SECONDS + TIMEOUT)) services ids line waiting name state health code
    services="$("${COMPOSE[@]}" config --services | wc -l)"
    while :; do
        ids="$("${COMPOSE[@]}" ps -a -q 2>/dev/null | tr '\n' ' ')"
        waiting=0
        local count=0
        for id in $ids; do
            count=$((count + 1))
            line="$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")"
            read -r name state health code <<<"$line"
            if [[ "$state" == exited && "$health" == none ]]; then
                [[ "$code" == 0 ]] || { echo "$name exited with $code" >&2; return 1; }
            elif [[ "$health" == unhealthy || "$state" == exited || "$state" == dead ]]; then
                echo "$name is $state/$health" >&2; return 1
            elif [[ "$health" != healthy ]]; then
                waiting=$((waiting + 1))
            fi
        done
        (( count == services && waiting == 0 )) && { log "$count containers: every one healthy, rabbitmq-init exited 0"; return 0; }
        (( SECONDS < deadline )) || { echo "after ${TIMEOUT}s: $count of $services containers, $waiting not healthy yet" >&2; return 1; }
        sleep 2
    done
}

dump_logs() {
    [[ "$project_up" == 1 ]] || return 0
    "${COMPOSE[@]}" ps > "$LOGS/compose-ps.log" 2>&1 || true
    "${COMPOSE[@]}" logs --no-color --timestamps > "$LOGS/containers.log" 2>&1 || true
    log "container logs: $LOGS/containers.log"
}

compose_down() {
    "${COMPOSE[@]}" down -v --remove-orphans > "$LOGS/compose-down.log" 2>&1 || { tail -n 20 "$LOGS/compose-down.log" >&2; return 1; }
    project_up=0
}

# ---------------------------------------------------------------------------
# The platform, through the gateway
# ---------------------------------------------------------------------------
# api METHOD PATH KEY [JSON] -> $status and $body. The key reaches curl through a file descriptor, never argv.
api() {
    local method="$1" path="$2" key="$3" data="${4:-}"
    local -a args=(-sS -o "$STATE/body" -w '%{http_code}' -X "$method" --max-time 30 -H @-)
    [[ -n "$data" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
    # Headers from stdin (-H @-): the key never shows in the process list.
    status="$(curl "${args[@]}" "$GATEWAY$path" 2>"$STATE/curl.err" <<<"${key:+Authorization: Bearer $key}")" \
        || status="curl: $(cat "$STATE/curl.err")"
    body="$(cat "$STATE/body" 2>/dev/null || true)"
}

expect() { # STATUS: the last answer had it, else print it
    [[ "$status" == "$1" ]] && return 0
    echo "expected $1, got $status: ${body:0:500}" >&2
    return 1
}

# eventually DESCRIPTION COMMAND...: COMMAND succeeds within TIMEOUT seconds (asynchronous outcomes: events between services)
eventually() {
    local what="$1" deadline=$((SECONDS + TIMEOUT)); shift
    while ! "$@" 2>/dev/null; do
        (( SECONDS < deadline )) || { echo "not within ${TIMEOUT}s: $what; last answer $status: ${body:0:500}" >&2; return 1; }
        sleep 1
    done
}

gateway_ready()   { api GET /health/ready ""; expect 200; }
keyless_refused() { api GET /admin/keys ""; expect 401; }

create_key() { # VARIABLE SCOPE
    api POST /admin/keys "$ADMIN_KEY" "{\"name\":\"compose e2e $2\",\"scopes\":[\"$2\"]}" && expect 201 || return 1
    printf -v "$1" '%s' "$(jq -r .key <<<"$body")"
    [[ "${!1}" == pk_* ]] || { echo "no key in: $body" >&2; return 1; }
}

marketer_refused_on_ingestion() { api POST /ingestion/v1/customers "$MARKETER_KEY" '{"source":"compose-e2e","externalId":"nope"}'; expect 403; }

post_customer() {
    api POST /ingestion/v1/customers "$INGEST_KEY" \
        '{"source":"compose-e2e","externalId":"c-1","country":"SE","email":"c-1@example.com","consents":{"email":{"granted":true}}}' \
        && expect 201 || return 1
    CUSTOMER_ID="$(jq -r .customerId <<<"$body")"
}

post_order() {
    local at; at="$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)"
    api POST /ingestion/v1/transactions "$INGEST_KEY" \
        "{\"source\":\"compose-e2e\",\"orderId\":\"o-1\",\"customerExternalId\":\"c-1\",\"occurredAt\":\"$at\",\"grossAmount\":42.50,\"currency\":\"USD\"}" \
        && expect 201
}

profile_with_order() {
    api GET "/segmentation/v1/profiles/$CUSTOMER_ID" "$MARKETER_KEY" && expect 200 \
        && jq -e '.country == "SE" and .purchases.ordersCount == 1 and .purchases.grossRevenue == 42.5' <<<"$body" >/dev/null
}

create_segment() {
    api POST /segmentation/v1/segments "$MARKETER_KEY" \
        '{"name":"compose e2e everyone","rule":{"field":"acquisition_campaign","op":"is_null"}}' && expect 201 || return 1
    SEGMENT_ID="$(jq -r .id <<<"$body")"
}

create_campaign() { # refused (400 naming segmentId) until the segment's event reached Campaigns' catalog
    api POST /campaigns/v1/campaigns "$MARKETER_KEY" "$(jq -nc --arg s "$SEGMENT_ID" '{
        code: "COMPOSE-E2E", name: "compose e2e", objective: "retention", segmentId: $s, responseWindowDays: 14,
        currency: "USD", controlShare: 0.2,
        cells: [{code: "mail", share: 0.8, steps: [{channel: "email", dayOffset: 0, condition: "always", costPerContact: 0.02}]}]}')" \
        && expect 201 || return 1
    CAMPAIGN_ID="$(jq -r .id <<<"$body")"
}

request_preview() {
    api POST "/campaigns/v1/campaigns/$CAMPAIGN_ID/preview" "$MARKETER_KEY" '{"baselineResponseRate":0.05,"relativeLiftToDetect":0.2}' \
        && expect 202 || return 1
    PREVIEW_ID="$(jq -r .previewId <<<"$body")"
}

preview_complete() {
    api GET "/campaigns/v1/campaigns/$CAMPAIGN_ID/previews/$PREVIEW_ID" "$MARKETER_KEY" && expect 200 \
        && jq -e '.status == "complete" and .figures.memberCount == 1' <<<"$body" >/dev/null
}

# ---------------------------------------------------------------------------
# Cleanup (EXIT trap): down -v, dockerd stopped, the host restored, checked; the summary last
# ---------------------------------------------------------------------------
cleanup() {
    local rc=$?
    set +e
    trap '' INT TERM
    trap - EXIT
    step_started_at=$SECONDS
    (( rc != 0 && failed == 0 )) && fail "stopped (exit code $rc)"
    if [[ "$project_up" == 1 ]]; then
        (( failed > 0 )) && dump_logs
        if compose_down; then pass "down -v"; else fail "down -v"; fi
    fi
    if [[ -n "$own_dockerd" ]]; then
        # Images that a rebuild replaced; the stand-ins, the current images and the build cache stay for the next run.
        docker image prune -f > /dev/null 2>&1
        docker system df > "$LOGS/system-df.log" 2>&1
        stop_dockerd
        restore_host
        check_restored
    fi
    # The run's secrets are worthless once its volumes are gone; a failed down -v keeps them for a look.
    [[ "$project_up" == 0 ]] && rm -f "$STATE/compose.env"
    rm -f "$STATE/body" "$STATE/curl.err"
    log "total $((SECONDS - started_at))s; image store $(du -sh "$STATE/data" 2>/dev/null | cut -f1)"
    printf '%d passed, %d failed\n' "$passed" "$failed"
    (( failed == 0 )) && exit 0
    exit 1
}

main() {
    [[ "$(id -u)" == 0 ]] || { echo "compose-e2e: run as root (it installs packages and starts dockerd)" >&2; exit 1; }
    mkdir -p "$STATE" "$LOGS"
    # One run at a time per checkout's .local (the data root and the host snapshot are shared).
    exec 9> "$STATE/e2e.lock"
    flock -n 9 || { echo "compose-e2e: another run holds $STATE/e2e.lock" >&2; exit 1; }
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    must "packages (docker.io, docker-compose, debootstrap, jq)" install_packages
    if external_daemon; then
        log "using the docker daemon that is already running (${DOCKER_HOST:-/var/run/docker.sock}); it is left running"
    else
        snapshot_host
        must "dockerd started (data root $STATE/data)" start_dockerd
    fi
    choose_clients
    must "env file with random passwords (${STATE#"$ROOT"/}/compose.env)" write_env
    must "compose file valid" "${COMPOSE[@]}" config -q
    must "images present, pulled or built as stand-ins" ensure_images
    must "compose build" compose_build
    must "compose up" compose_up
    must "every container healthy" wait_healthy
    must "gateway /health/ready 200 on $GATEWAY" gateway_ready
    must "no key: 401" keyless_refused
    must "admin key creates an ingest key" create_key INGEST_KEY ingest
    must "admin key creates a marketer key" create_key MARKETER_KEY marketer
    must "marketer key on ingestion: 403" marketer_refused_on_ingestion
    must "customer ingested" post_customer
    must "order ingested" post_order
    must "profile with the order in Segmentation" eventually "the profile with its order" profile_with_order
    must "segment created" create_segment
    must "campaign created on the segment" eventually "the segment in Campaigns' catalog" create_campaign
    must "preview requested" request_preview
    must "preview complete: 1 member" eventually "the preview's figures" preview_complete
}

main "$@"
