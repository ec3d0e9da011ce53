#!/usr/bin/env bash
# deploy/infra.sh — project-local PostgreSQL 15 + RabbitMQ 3.10, without Docker.
#
# Usage: deploy/infra.sh {install|test-tools|up|down|status|env}
#
#   install  apt-get install postgresql (15) and rabbitmq-server (3.10) if missing,
#            without letting their system services start.
#   test-tools  apt-get install what the test suite drives besides the servers if
#            missing: chromium and chromium-driver (the results pages' browser test).
#   up       install if needed, generate credentials once, start both servers
#            (daemonized) bound to 127.0.0.1, wait until ready, then ensure roles,
#            databases, vhost, users and policies. Idempotent.
#   down     stop both servers (fine if not running).
#   status   say whether each server is running (exit 0 if both are, 3 otherwise).
#   env      print the path of the credentials/env file (source it).
#
# Everything lives in <repo>/.local/ (git-ignored):
#   .local/postgres      PostgreSQL data directory (owned by the postgres OS user)
#   .local/rabbitmq      RabbitMQ config, cookie, mnesia (owned by the rabbitmq OS user)
#   .local/logs          server logs
#   .local/run           PostgreSQL unix socket
#   .local/platform.env  credentials (mode 0600), generated once and kept
#
# Ports (all on 127.0.0.1 only): PostgreSQL 54320, AMQP 56720, RabbitMQ management
# HTTP 56721, Erlang distribution 56722, epmd 43690.
#
# Tunables (environment): INFRA_WAIT_SECONDS (default 60) bounds each readiness wait.

set -euo pipefail

# ---------------------------------------------------------------------------
# Layout and constants
# ---------------------------------------------------------------------------
SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
LOCAL="$ROOT/.local"
PG_DATA="$LOCAL/postgres"
RMQ_DIR="$LOCAL/rabbitmq"
LOG_DIR="$LOCAL/logs"
PG_LOG_DIR="$LOG_DIR/postgres"
RMQ_LOG_DIR="$LOG_DIR/rabbitmq"
PG_LOG="$PG_LOG_DIR/postgres.log"
RMQ_STDOUT_LOG="$RMQ_LOG_DIR/server-stdout.log"
ENV_FILE="$LOCAL/platform.env"
LOCK_FILE="$LOCAL/.infra.lock"

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PG_HOST=127.0.0.1
PG_PORT=54320
PG_ADMIN_USER=platform_admin
SERVICES=(ingestion segmentation campaigns measurement gateway) # gateway: its API keys (hashed)

RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_HOST=127.0.0.1
RMQ_PORT=56720
RMQ_MGMT_PORT=56721
RMQ_DIST_PORT=56722
RMQ_EPMD_PORT=43690
RMQ_NODENAME=rabbit@localhost
RMQ_USER=platform
RMQ_VHOST=platform
RMQ_PID_FILE="$RMQ_DIR/rabbit.pid"

WAIT_SECONDS="${INFRA_WAIT_SECONDS:-60}"
RMQ_LAUNCH_PID=""

# Unix socket directory: inside .local unless the path would be too long for
# sun_path (108 bytes incl. ".s.PGSQL.54320"), then fall back to /tmp.
PG_SOCK_DIR="$LOCAL/run"
if (( ${#PG_SOCK_DIR} + 20 > 100 )); then
    PG_SOCK_DIR=/tmp
fi

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
log()  { printf '[infra] %s\n' "$*"; }
warn() { printf '[infra] WARNING: %s\n' "$*" >&2; }
die()  { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

tail_log() { # tail_log FILE...
    local f
    for f in "$@"; do
        if [[ -f "$f" ]]; then
            printf '[infra] ---- last lines of %s ----\n' "$f" >&2
            tail -n 40 -- "$f" >&2 || true
            printf '[infra] ---- end of %s ----\n' "$f" >&2
        else
            printf '[infra] (no log file %s)\n' "$f" >&2
        fi
    done
}

require_root() {
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (it installs packages and switches to the postgres/rabbitmq users)"
}

# Run a command as an OS user with a clean environment (no PAM session, exec's directly).
# as_user USER [VAR=VALUE...] -- CMD [ARGS...]
as_user() {
    local user="$1"; shift
    local -a envs=()
    while [[ $# -gt 0 && "$1" != "--" ]]; do envs+=("$1"); shift; done
    [[ "${1:-}" == "--" ]] && shift
    local home
    home="$(getent passwd "$user" | cut -d: -f6)"
    setpriv --reuid="$user" --regid="$user" --init-groups -- \
        env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
               LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$home" USER="$user" LOGNAME="$user" \
               "${envs[@]}" "$@"
}

port_open() { # port_open PORT -> 0 if something accepts on 127.0.0.1:PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

random_alnum() { # random_alnum LEN
    local len="$1" out="" chunk
    while (( ${#out} < len )); do
        chunk="$(LC_ALL=C tr -dc 'A-Za-z0-9' < <(head -c 512 /dev/urandom))"
        out+="$chunk"
    done
    printf '%s' "${out:0:len}"
}

take_lock() {
    mkdir -p "$LOCAL"
    exec 9>"$LOCK_FILE"
    if ! flock -w 300 9; then
        die "another infra.sh is running (lock $LOCK_FILE held for 300 s)"
    fi
}

# ---------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------
pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing_pkgs() { # prints the apt packages still to install (one per line)
    if ! pkg_installed "postgresql-$PG_VERSION" || [[ ! -x "$PG_BIN/initdb" ]]; then
        echo postgresql
    fi
    if ! pkg_installed rabbitmq-server || [[ ! -x "$RMQ_BIN/rabbitmq-server" ]]; then
        echo rabbitmq-server
    fi
}

need_install() { [[ -n "$(missing_pkgs)" ]]; }

TEST_TOOL_PKGS=(chromium chromium-driver)

cmd_test_tools() { # the browser test runs Debian's chromium through /usr/bin/chromedriver (no download at test time)
    local -a missing=()
    local p
    for p in "${TEST_TOOL_PKGS[@]}"; do
        pkg_installed "$p" || missing+=("$p")
    done
    if (( ${#missing[@]} == 0 )); then
        log "test tools already installed (${TEST_TOOL_PKGS[*]})"
        return 0
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        # The rest of the suite can still run; the browser test fails saying what is missing.
        warn "${missing[*]} not installed and not root: the results pages' browser test will fail (run as root: $0 test-tools)"
        return 0
    fi
    command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"
    log "installing ${missing[*]} (apt-get update + install)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        die "apt-get failed installing ${missing[*]}"
    [[ -x /usr/bin/chromedriver && -x /usr/bin/chromium ]] || die "/usr/bin/chromium or /usr/bin/chromedriver missing after install"
    log "test tools installed"
}

cmd_install() {
    require_root
    local -a pkgs
    mapfile -t pkgs < <(missing_pkgs)
    if (( ${#pkgs[@]} == 0 )); then
        log "postgresql-$PG_VERSION and rabbitmq-server already installed"
        return 0
    fi
    command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"

    local created_policy=0 rc=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        # Keep the packages' system services (default cluster on 5432, system
        # RabbitMQ on 5672) from being started by their postinst scripts.
        printf '#!/bin/sh\n# temporary, created by deploy/infra.sh: keep services from auto-starting\nexit 101\n' \
            > /usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        created_policy=1
    fi

    log "installing ${pkgs[*]} (apt-get update + install)"
    {
        DEBIAN_FRONTEND=noninteractive apt-get update -q &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            "${pkgs[@]}"
    } || rc=$?

    if (( created_policy )); then
        rm -f /usr/sbin/policy-rc.d
        trap - EXIT
    fi
    (( rc == 0 )) || die "apt-get failed (exit $rc)"

    [[ -x "$PG_BIN/initdb" ]] || die "$PG_BIN/initdb missing after install (is this Debian 12?)"
    [[ -x "$RMQ_BIN/rabbitmq-server" ]] || die "$RMQ_BIN/rabbitmq-server missing after install"
    log "packages installed"
}

# ---------------------------------------------------------------------------
# Directories, permissions, credentials
# ---------------------------------------------------------------------------
make_ancestors_traversable() {
    # The checkout may live under a 0700 directory (mktemp -d): the service users
    # need to traverse every ancestor of .local. Only add o+x, only where missing.
    local d="$LOCAL"
    while [[ "$d" != "/" ]]; do
        d="$(dirname -- "$d")"
        if [[ -d "$d" ]] && [[ "$(( 0$(stat -c '%a' -- "$d") & 01 ))" -eq 0 ]]; then
            log "chmod o+x $d (so postgres/rabbitmq can reach .local)"
            chmod o+x -- "$d"
        fi
    done
}

prepare_dirs() {
    mkdir -p "$LOCAL" "$LOG_DIR"
    chmod 0755 "$LOCAL" "$LOG_DIR"
    make_ancestors_traversable

    mkdir -p "$PG_DATA" "$PG_LOG_DIR" "$RMQ_DIR" "$RMQ_DIR/mnesia" "$RMQ_DIR/conf.d" "$RMQ_LOG_DIR"
    chown postgres:postgres "$PG_DATA" "$PG_LOG_DIR"
    chmod 0700 "$PG_DATA"
    chmod 0750 "$PG_LOG_DIR"
    if [[ "$PG_SOCK_DIR" != /tmp ]]; then
        mkdir -p "$PG_SOCK_DIR"
        chown postgres:postgres "$PG_SOCK_DIR"
        chmod 0755 "$PG_SOCK_DIR"
    fi
    chown -R rabbitmq:rabbitmq "$RMQ_DIR" "$RMQ_LOG_DIR"
    chmod 0750 "$RMQ_DIR" "$RMQ_LOG_DIR"
}

ENV_KEYS=(PLATFORM_PG_HOST PLATFORM_PG_PORT PLATFORM_PG_ADMIN_USER PLATFORM_PG_ADMIN_PASSWORD
          PLATFORM_RABBIT_HOST PLATFORM_RABBIT_PORT PLATFORM_RABBIT_MGMT_PORT
          PLATFORM_RABBIT_USER PLATFORM_RABBIT_PASSWORD PLATFORM_RABBIT_VHOST
          INGESTION_DB_PASSWORD SEGMENTATION_DB_PASSWORD CAMPAIGNS_DB_PASSWORD MEASUREMENT_DB_PASSWORD
          GATEWAY_DB_PASSWORD PLATFORM_ADMIN_API_KEY)
# PLATFORM_ADMIN_API_KEY: the services' /admin/** key (Admin__ApiKey) and, at the gateway, the first key with scope
# admin (it creates the others through POST /admin/keys). Like the passwords it is generated once, when missing, and an
# existing file keeps every value it has.
# Kept when present, never generated here: the API keys `deploy/platform up` creates through the gateway's admin API.
KEPT_KEYS=(PLATFORM_INGEST_API_KEY PLATFORM_MARKETER_API_KEY)

ensure_env_file() {
    local -A val=()
    local k line changed=0
    if [[ -f "$ENV_FILE" ]]; then
        # Parse (not source) the existing file: only `export KEY=alnum` lines matter.
        while IFS= read -r line || [[ -n "$line" ]]; do
            if [[ "$line" =~ ^export\ ([A-Z_]+)=([A-Za-z0-9._@-]*)$ ]]; then
                val["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
            fi
        done < "$ENV_FILE"
    else
        changed=1
    fi

    # Fixed values (always the truth of this script).
    local -A fixed=(
        [PLATFORM_PG_HOST]="$PG_HOST" [PLATFORM_PG_PORT]="$PG_PORT"
        [PLATFORM_PG_ADMIN_USER]="$PG_ADMIN_USER"
        [PLATFORM_RABBIT_HOST]="$RMQ_HOST" [PLATFORM_RABBIT_PORT]="$RMQ_PORT"
        [PLATFORM_RABBIT_MGMT_PORT]="$RMQ_MGMT_PORT"
        [PLATFORM_RABBIT_USER]="$RMQ_USER" [PLATFORM_RABBIT_VHOST]="$RMQ_VHOST"
    )
    for k in "${ENV_KEYS[@]}"; do
        if [[ -n "${fixed[$k]:-}" ]]; then
            if [[ "${val[$k]:-}" != "${fixed[$k]}" ]]; then val[$k]="${fixed[$k]}"; changed=1; fi
        elif [[ -z "${val[$k]:-}" ]]; then
            val[$k]="$(random_alnum 32)"; changed=1
        fi
    done

    if (( changed )); then
        local tmp
        tmp="$(mktemp "$LOCAL/.platform.env.XXXXXX")"
        {
            printf '# Generated by deploy/infra.sh — local dev/test credentials. Keep private.\n'
            for k in "${ENV_KEYS[@]}"; do printf 'export %s=%s\n' "$k" "${val[$k]}"; done
            for k in "${KEPT_KEYS[@]}"; do
                if [[ -n "${val[$k]:-}" ]]; then printf 'export %s=%s\n' "$k" "${val[$k]}"; fi
            done
        } > "$tmp"
        chmod 0600 "$tmp"
        mv -f -- "$tmp" "$ENV_FILE"
        log "wrote credentials to $ENV_FILE"
    fi
    chmod 0600 "$ENV_FILE"

    # shellcheck disable=SC1090
    source "$ENV_FILE"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
pg_as() { (cd / && as_user postgres -- "$@"); }

pg_pid() { # prints the postmaster pid if our PostgreSQL is running
    local pid
    [[ -s "$PG_DATA/postmaster.pid" ]] || return 1
    pid="$(head -n1 "$PG_DATA/postmaster.pid" | tr -dc '0-9')"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    # Guard against a recycled pid (e.g. after a machine restart).
    [[ "$(stat -c '%U' "/proc/$pid" 2>/dev/null)" == postgres ]] || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] || return 1
    printf '%s' "$pid"
}

pg_running() { pg_pid >/dev/null; }

pg_init() {
    if [[ -f "$PG_DATA/PG_VERSION" ]]; then
        local v; v="$(cat "$PG_DATA/PG_VERSION")"
        [[ "$v" == "$PG_VERSION" ]] || die "$PG_DATA holds a PostgreSQL $v cluster, expected $PG_VERSION"
        return 0
    fi
    if [[ -n "$(ls -A -- "$PG_DATA")" ]]; then
        die "$PG_DATA is not empty but has no PG_VERSION; move it away and rerun"
    fi
    log "initializing PostgreSQL data directory $PG_DATA"
    pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C \
        --auth-local=peer --auth-host=scram-sha-256 >"$PG_LOG_DIR/initdb.log" 2>&1 \
        || { tail_log "$PG_LOG_DIR/initdb.log"; die "initdb failed"; }
}

pg_configure() {
    # Our settings go in an included file, rewritten every time (the truth is here).
    local conf="$PG_DATA/postgresql.conf" inc="$PG_DATA/platform.conf"
    if ! grep -q "^include_if_exists = 'platform.conf'" "$conf"; then
        printf "\n# Added by deploy/infra.sh\ninclude_if_exists = 'platform.conf'\n" >> "$conf"
    fi
    cat > "$inc" <<EOF
# Managed by deploy/infra.sh — rewritten on every 'up'.
listen_addresses = '$PG_HOST'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK_DIR'
unix_socket_permissions = 0700
max_connections = 400
# 512MB: a quarter of this machine's memory (6GB, without huge pages) let the consumers work off a 1M-row import ~20%
# sooner but made Segmentation's freshness p95 worse (1.3-1.7 s in two runs of three against 0.43-0.54 s;
# docs/ingestion-performance.md).
shared_buffers = 512MB
# Checkpoints far apart, and full-page images compressed: after each checkpoint the first change to a page writes the
# whole page to the WAL, so frequent checkpoints under bulk writes into large indexes made the WAL mostly page images
# (6.1 GB of WAL for 1M imported orders with the defaults, 1.25 GB with these; docs/ingestion-performance.md).
max_wal_size = 4GB
checkpoint_timeout = 15min
wal_compression = lz4
password_encryption = 'scram-sha-256'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
EOF
    cat > "$PG_DATA/pg_hba.conf" <<EOF
# Managed by deploy/infra.sh — rewritten on every 'up'.
# TYPE  DATABASE  USER      ADDRESS         METHOD
local   all       postgres                  peer
host    all       all       127.0.0.1/32    scram-sha-256
EOF
    chown postgres:postgres "$inc" "$PG_DATA/pg_hba.conf"
    chmod 0600 "$inc" "$PG_DATA/pg_hba.conf"
}

pg_start() {
    if pg_running; then
        log "PostgreSQL already running; reloading config"
        pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" reload >/dev/null
        sleep 1 # the reload is asynchronous
        local pending
        pending="$(pg_as "$PG_BIN/psql" -X -At -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres -d postgres \
            -c "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart" 2>/dev/null || true)"
        if [[ -n "$pending" ]]; then
            log "PostgreSQL needs a restart to apply: $pending (deploy/platform infra-down, then infra-up)"
        fi
        return 0
    fi
    if port_open "$PG_PORT"; then
        die "port $PG_HOST:$PG_PORT is already in use by another process (not our PostgreSQL)"
    fi
    if [[ -e "$PG_DATA/postmaster.pid" ]]; then
        log "removing stale $PG_DATA/postmaster.pid (no live postmaster)"
        rm -f "$PG_DATA/postmaster.pid"
    fi
    log "starting PostgreSQL on $PG_HOST:$PG_PORT (log: $PG_LOG)"
    # setsid: own session, so the postmaster survives this script and its process group.
    if ! setsid -w bash -c 'cd / && exec "$@"' _ \
            setpriv --reuid=postgres --regid=postgres --init-groups -- \
            env -i PATH=/usr/bin:/bin LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=/var/lib/postgresql \
            "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$WAIT_SECONDS" start \
            </dev/null >"$PG_LOG_DIR/pg_ctl.out" 2>&1 9>&-; then
        tail_log "$PG_LOG_DIR/pg_ctl.out" "$PG_LOG"
        die "PostgreSQL did not start within ${WAIT_SECONDS}s"
    fi
    pg_wait_ready
}

pg_wait_ready() {
    local deadline=$(( SECONDS + WAIT_SECONDS ))
    until pg_as "$PG_BIN/pg_isready" -q -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres; do
        if (( SECONDS >= deadline )); then
            tail_log "$PG_LOG"
            die "PostgreSQL not ready after ${WAIT_SECONDS}s"
        fi
        sleep 1
    done
    log "PostgreSQL is ready"
}

pg_psql() { # SQL on stdin
    pg_as "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres -d postgres
}

pg_provision() {
    log "ensuring PostgreSQL roles and databases"
    local s pw_var pw
    {
        printf 'SET client_min_messages = warning;\n'
        # Admin role used by tests to create a database per test class.
        printf "SELECT 'CREATE ROLE %s' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s') \\gexec\n" \
            "$PG_ADMIN_USER" "$PG_ADMIN_USER"
        printf "ALTER ROLE %s WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD '%s';\n" \
            "$PG_ADMIN_USER" "$PLATFORM_PG_ADMIN_PASSWORD"
        # Dropping a test database WITH (FORCE) must be able to end an autovacuum worker busy in it.
        printf 'GRANT pg_signal_backend TO %s;\n' "$PG_ADMIN_USER"
        for s in "${SERVICES[@]}"; do
            pw_var="${s^^}_DB_PASSWORD"
            pw="${!pw_var}"
            printf "SELECT 'CREATE ROLE %s' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s') \\gexec\n" "$s" "$s"
            printf "ALTER ROLE %s WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '%s';\n" "$s" "$pw"
            printf "SELECT 'CREATE DATABASE %s OWNER %s' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '%s') \\gexec\n" "$s" "$s" "$s"
            printf 'ALTER DATABASE %s OWNER TO %s;\n' "$s" "$s"
            printf 'REVOKE CONNECT, TEMPORARY ON DATABASE %s FROM PUBLIC;\n' "$s"
            printf 'GRANT CONNECT, TEMPORARY ON DATABASE %s TO %s;\n' "$s" "$s"
        done
    } | pg_psql || die "PostgreSQL provisioning failed"
}

pg_stop() {
    if ! pg_running; then
        log "PostgreSQL is not running"
        return 0
    fi
    log "stopping PostgreSQL"
    if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null; then
        tail_log "$PG_LOG"
        die "PostgreSQL did not stop within ${WAIT_SECONDS}s"
    fi
    log "PostgreSQL stopped"
}

# ---------------------------------------------------------------------------
# RabbitMQ
# ---------------------------------------------------------------------------
rmq_env() { # prints VAR=VALUE words for as_user
    printf '%s\n' \
        "HOME=$RMQ_DIR" \
        "RABBITMQ_NODENAME=$RMQ_NODENAME" \
        "RABBITMQ_USE_LONGNAME=false" \
        "RABBITMQ_CONF_ENV_FILE=$RMQ_DIR/rabbitmq-env.conf" \
        "RABBITMQ_CONFIG_FILE=$RMQ_DIR/rabbitmq.conf" \
        "RABBITMQ_CONFIG_FILES=$RMQ_DIR/conf.d" \
        "RABBITMQ_ADVANCED_CONFIG_FILE=$RMQ_DIR/advanced.config" \
        "RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ_DIR/enabled_plugins" \
        "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia" \
        "RABBITMQ_LOG_BASE=$RMQ_LOG_DIR" \
        "RABBITMQ_PID_FILE=$RMQ_PID_FILE" \
        "RABBITMQ_NODE_IP_ADDRESS=$RMQ_HOST" \
        "RABBITMQ_NODE_PORT=$RMQ_PORT" \
        "RABBITMQ_DIST_PORT=$RMQ_DIST_PORT" \
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}" \
        "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}" \
        "ERL_EPMD_ADDRESS=127.0.0.1" \
        "ERL_EPMD_PORT=$RMQ_EPMD_PORT" \
        "ERL_CRASH_DUMP=$RMQ_LOG_DIR/erl_crash.dump"
}

rmq_as() { # rmq_as CMD ARGS... (CMD relative to $RMQ_BIN, or absolute)
    local cmd="$1"; shift
    [[ "$cmd" == /* ]] || cmd="$RMQ_BIN/$cmd"
    local -a envs
    mapfile -t envs < <(rmq_env)
    (cd "$RMQ_DIR" && as_user rabbitmq "${envs[@]}" -- "$cmd" "$@")
}

rmqctl() { rmq_as /usr/bin/timeout 120 "$RMQ_BIN/rabbitmqctl" -q "$@"; }

rmq_configure() {
    local cookie="$RMQ_DIR/.erlang.cookie"
    if [[ ! -s "$cookie" ]]; then
        (umask 077; random_alnum 32 | tr '[:lower:]' '[:upper:]' > "$cookie")
    fi
    chown rabbitmq:rabbitmq "$cookie"
    chmod 0400 "$cookie"

    # Keeps /etc/rabbitmq/rabbitmq-env.conf out of the picture.
    printf '# Managed by deploy/infra.sh — intentionally empty (settings come from the environment).\n' \
        > "$RMQ_DIR/rabbitmq-env.conf"
    cat > "$RMQ_DIR/rabbitmq.conf" <<EOF
# Managed by deploy/infra.sh — rewritten on every 'up'.
listeners.tcp.1 = $RMQ_HOST:$RMQ_PORT
management.tcp.ip = $RMQ_HOST
management.tcp.port = $RMQ_MGMT_PORT
loopback_users.guest = true
log.console = false
log.file.level = info
EOF
    printf '[].\n' > "$RMQ_DIR/advanced.config"
    # Offline equivalent of `rabbitmq-plugins enable rabbitmq_management`.
    printf '[rabbitmq_management].\n' > "$RMQ_DIR/enabled_plugins"
    chown rabbitmq:rabbitmq "$RMQ_DIR/rabbitmq-env.conf" "$RMQ_DIR/rabbitmq.conf" \
        "$RMQ_DIR/advanced.config" "$RMQ_DIR/enabled_plugins"
    chmod 0640 "$RMQ_DIR/rabbitmq-env.conf" "$RMQ_DIR/rabbitmq.conf" \
        "$RMQ_DIR/advanced.config" "$RMQ_DIR/enabled_plugins"
}

rmq_pid() { # prints the pid from the pid file if that process is alive
    local pid
    [[ -s "$RMQ_PID_FILE" ]] || return 1
    pid="$(tr -dc '0-9' < "$RMQ_PID_FILE")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    # Guard against a recycled pid: it must be an Erlang VM of the rabbitmq user.
    # (/proc instead of ps: procps is not on a minimal Debian image.)
    [[ "$(stat -c '%U' "/proc/$pid" 2>/dev/null)" == rabbitmq ]] || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == beam* ]] || return 1
    printf '%s' "$pid"
}

rmq_running() { rmq_pid >/dev/null; }

rmq_start() {
    if rmq_running; then
        log "RabbitMQ already running (pid $(rmq_pid))"
    else
        rm -f "$RMQ_PID_FILE"
        local p
        for p in "$RMQ_PORT" "$RMQ_MGMT_PORT" "$RMQ_DIST_PORT"; do
            if port_open "$p"; then
                die "port 127.0.0.1:$p is already in use by another process (not our RabbitMQ)"
            fi
        done
        log "starting RabbitMQ node $RMQ_NODENAME on $RMQ_HOST:$RMQ_PORT (logs: $RMQ_LOG_DIR)"
        local -a envs
        mapfile -t envs < <(rmq_env)
        # setsid + nohup-like redirections: daemonized, survives this script.
        (
            cd "$RMQ_DIR"
            exec setsid setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups -- \
                env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
                       LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=rabbitmq LOGNAME=rabbitmq "${envs[@]}" \
                "$RMQ_BIN/rabbitmq-server"
        ) </dev/null >>"$RMQ_STDOUT_LOG" 2>&1 9>&- &
        RMQ_LAUNCH_PID=$!
    fi
    rmq_wait_ready
}

rmq_wait_ready() {
    local deadline=$(( SECONDS + WAIT_SECONDS ))
    # node log first, then stdout (where boot crashes such as epmd/dist errors land)
    local -a logs=("$RMQ_LOG_DIR/${RMQ_NODENAME}.log" "$RMQ_STDOUT_LOG")
    # 1) the node boots (await_startup needs the node to be reachable first)
    until rmqctl await_startup --timeout 5 >/dev/null 2>&1; do
        if (( SECONDS >= deadline )); then
            tail_log "${logs[@]}"
            die "RabbitMQ not ready after ${WAIT_SECONDS}s"
        fi
        if [[ -n "$RMQ_LAUNCH_PID" ]] && ! kill -0 "$RMQ_LAUNCH_PID" 2>/dev/null; then
            tail_log "${logs[@]}"
            die "RabbitMQ exited during startup"
        fi
        sleep 2
    done
    # 2) listeners accept connections
    until port_open "$RMQ_PORT" && port_open "$RMQ_MGMT_PORT"; do
        if (( SECONDS >= deadline )); then
            tail_log "${logs[@]}"
            die "RabbitMQ listeners ($RMQ_PORT/$RMQ_MGMT_PORT) not open after ${WAIT_SECONDS}s"
        fi
        sleep 1
    done
    log "RabbitMQ is ready"
}

rmq_provision() {
    log "ensuring RabbitMQ vhost, user, permissions and policy"
    local users
    users="$(rmqctl list_users --no-table-headers 2>/dev/null | awk '{print $1}')" \
        || die "rabbitmqctl list_users failed"
    if ! grep -qx "$RMQ_USER" <<<"$users"; then
        printf '%s' "$PLATFORM_RABBIT_PASSWORD" | rmqctl add_user "$RMQ_USER" >/dev/null \
            || die "rabbitmqctl add_user failed"
    fi
    printf '%s' "$PLATFORM_RABBIT_PASSWORD" | rmqctl change_password "$RMQ_USER" >/dev/null \
        || die "rabbitmqctl change_password failed"
    rmqctl set_user_tags "$RMQ_USER" administrator >/dev/null || die "rabbitmqctl set_user_tags failed"
    if grep -qx guest <<<"$users"; then
        rmqctl delete_user guest >/dev/null || warn "could not delete the default guest user"
    fi
    rmqctl add_vhost "$RMQ_VHOST" >/dev/null 2>&1 || true   # errors if it exists; verified below
    rmqctl list_vhosts --no-table-headers | grep -qx "$RMQ_VHOST" || die "vhost $RMQ_VHOST missing"
    rmqctl set_permissions -p "$RMQ_VHOST" "$RMQ_USER" '.*' '.*' '.*' >/dev/null \
        || die "rabbitmqctl set_permissions failed"
    # apply-to 'quorum_queues' exists only from RabbitMQ 3.12; Debian 12 ships 3.10,
    # which knows only queues/exchanges/all. There, apply to 'queues': classic queues
    # ignore delivery-limit, so the effect is the same.
    local out
    if ! out="$(rmqctl set_policy -p "$RMQ_VHOST" --apply-to quorum_queues --priority 0 \
            quorum-delivery-limit '.*' '{"delivery-limit":20}' 2>&1)"; then
        if grep -q "unrecognised" <<<"$out"; then
            rmqctl set_policy -p "$RMQ_VHOST" --apply-to queues --priority 0 \
                quorum-delivery-limit '.*' '{"delivery-limit":20}' >/dev/null \
                || die "rabbitmqctl set_policy failed"
        else
            printf '%s\n' "$out" >&2
            die "rabbitmqctl set_policy failed"
        fi
    fi
    rmq_drop_queues_without_dead_letter
}

# Every service queue (and its _error queue) is declared with x-dead-letter-exchange=<queue>_error, so that a
# message over the delivery limit is parked in <queue>_error instead of dropped. A quorum queue declared before
# that (without the argument) makes the service's declaration fail with PRECONDITION_FAILED: delete such queues
# while they are empty (the service declares them anew, bindings included, when it starts); name the others,
# which an operator must drain first (e.g. let the old version consume them, or move them with shovel).
rmq_drop_queues_without_dead_letter() {
    local listing name type messages arguments stuck=0
    listing="$(rmqctl list_queues -p "$RMQ_VHOST" --no-table-headers name type messages arguments)" \
        || die "rabbitmqctl list_queues failed"
    while IFS=$'\t' read -r name type messages arguments; do
        [[ -n "$name" && "$type" == quorum ]] || continue
        [[ "$arguments" == *x-dead-letter-exchange* ]] && continue
        if [[ "$messages" == 0 ]]; then
            log "deleting empty queue $name (declared without x-dead-letter-exchange; its service declares it again)"
            rmqctl delete_queue -p "$RMQ_VHOST" --if-empty "$name" >/dev/null \
                || warn "could not delete queue $name"
        else
            warn "queue $name holds $messages message(s) and lacks x-dead-letter-exchange: its service will not start until it is drained and deleted"
            stuck=1
        fi
    done <<<"$listing"
    (( stuck == 0 )) || warn "see above: non-empty queues without a dead-letter target were kept"
}

rmq_stop() {
    if ! rmq_running; then
        log "RabbitMQ is not running"
        rmq_stop_epmd
        return 0
    fi
    local pid; pid="$(rmq_pid)"
    log "stopping RabbitMQ (pid $pid)"
    if ! rmq_as /usr/bin/timeout "$WAIT_SECONDS" "$RMQ_BIN/rabbitmqctl" -q stop "$RMQ_PID_FILE" >/dev/null 2>&1; then
        warn "rabbitmqctl stop failed or timed out; sending SIGTERM to pid $pid"
        kill -TERM "$pid" 2>/dev/null || true
    fi
    local deadline=$(( SECONDS + WAIT_SECONDS ))
    while kill -0 "$pid" 2>/dev/null; do
        if (( SECONDS >= deadline )); then
            tail_log "$RMQ_LOG_DIR/${RMQ_NODENAME}.log"
            die "RabbitMQ (pid $pid) did not stop within ${WAIT_SECONDS}s"
        fi
        sleep 1
    done
    rm -f "$RMQ_PID_FILE"
    rmq_stop_epmd
    log "RabbitMQ stopped"
}

rmq_stop_epmd() {
    # Our private epmd (port 43690) is left behind by the Erlang VM; stop it if no
    # node is registered any more (epmd -kill refuses while nodes are alive).
    if port_open "$RMQ_EPMD_PORT"; then
        as_user rabbitmq ERL_EPMD_PORT="$RMQ_EPMD_PORT" -- timeout 10 epmd -kill >/dev/null 2>&1 || true
    fi
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
cmd_up() {
    require_root
    need_install && cmd_install
    take_lock
    prepare_dirs
    ensure_env_file

    pg_init
    pg_configure
    pg_start
    rmq_configure
    rmq_start

    pg_provision
    rmq_provision

    log "up: PostgreSQL $PG_HOST:$PG_PORT (admin $PG_ADMIN_USER; databases: ${SERVICES[*]})"
    log "up: RabbitMQ amqp://$RMQ_HOST:$RMQ_PORT/$RMQ_VHOST, management http://$RMQ_HOST:$RMQ_MGMT_PORT (user $RMQ_USER)"
    log "up: credentials: source $ENV_FILE"
}

cmd_down() {
    require_root
    if [[ ! -d "$LOCAL" ]]; then
        log "nothing to stop ($LOCAL does not exist)"
        return 0
    fi
    take_lock
    if [[ -x "$PG_BIN/pg_ctl" ]]; then pg_stop; else log "PostgreSQL is not installed"; fi
    if [[ -x "$RMQ_BIN/rabbitmqctl" ]]; then rmq_stop; else log "RabbitMQ is not installed"; fi
}

cmd_status() {
    local rc=0 pid
    if pid="$(pg_pid)"; then
        log "postgres: running (pid $pid) on $PG_HOST:$PG_PORT, data $PG_DATA"
    else
        log "postgres: not running"
        rc=3
    fi
    if pid="$(rmq_pid)"; then
        log "rabbitmq: running (pid $pid) node $RMQ_NODENAME, amqp $RMQ_HOST:$RMQ_PORT, management $RMQ_HOST:$RMQ_MGMT_PORT"
    else
        log "rabbitmq: not running"
        rc=3
    fi
    return "$rc"
}

cmd_env() {
    [[ -f "$ENV_FILE" ]] || warn "$ENV_FILE does not exist yet (run: $0 up)"
    printf '%s\n' "$ENV_FILE"
}

usage() {
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
    local cmd="${1:-}"
    case "$cmd" in
        install) cmd_install ;;
        test-tools) cmd_test_tools ;;
        up)      cmd_up ;;
        down)    cmd_down ;;
        status)  cmd_status ;;
        env)     cmd_env ;;
        -h|--help|help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
