#!/usr/bin/env bash
# Runs the whole Gamme stack as local processes behind a local nginx (no Docker): up|down|status|logs.
#
#   scripts/stack.sh up [--release]   build, migrate, start auth, procedures, files, ai-worker,
#                                      work and nginx on 127.0.0.1:$GAMME_PORT (restarts if running)
#   scripts/stack.sh down              stop everything this script started
#   scripts/stack.sh status            processes and whether they answer
#   scripts/stack.sh logs [service]    follow the logs (auth, procedures, files, ai-worker, work,
#                                      work-2, nginx, nginx-error, migrate)
#
# Settings (environment):
#   GAMME_PORT (8080)                  nginx port on 127.0.0.1
#   GAMME_STACK_DIR (<repo>/.stack)    pids, logs, rendered nginx config, uploaded files
#   GAMME_STACK_PG_URL (postgres://postgres@127.0.0.1:5432)   server URL, no database part; its
#                                      user migrates, each service connects as its own role
#                                      (gamme_auth, gamme_procedures, gamme_files, gamme_ai,
#                                      gamme_work) on the same server, without a password (the
#                                      local server trusts them)
#   GAMME_STACK_DB (gamme_stack)       database, created if missing
#   GAMME_STACK_RESET_DB=1             drop and recreate the database first
#   GAMME_STACK_AMQP_URL (amqp://guest:guest@127.0.0.1:5672/%2f)
#   GAMME_BUS_PREFIX (gamme-<database>)  broker names: two stacks on one broker never take
#                                      each other's events (a file id means nothing in the other database)
#   GAMME_STACK_PORT_BASE (18180)      services listen on base+1 (auth) .. base+5 (work), base+6 (work-2)
#   GAMME_STACK_WORK_REPLICAS (1)      2 starts a second gamme-work (work-2, not behind nginx): two
#                                      schedulers and two consumers on one database, as `--scale work=2`
#   GAMME_STACK_PROFILE (debug)        cargo profile; `up --release` means release
#   GAMME_STACK_NO_BUILD=1             use the binaries already in $CARGO_TARGET_DIR
#   GAMME_STACK_NO_WEB=1               do not build web/ (serve an existing web/dist, else a placeholder)
#   GAMME_STACK_NGINX (nginx on PATH, else /usr/sbin/nginx)
# Every other GAMME_* variable (GAMME_LLM_BASE_URL, GAMME_ADMIN_EMAIL, ...) reaches the services.
set -euo pipefail
# Failures inside $(...) must stop the script too (e.g. a failed web build in prepare_web).
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stack_dir=${GAMME_STACK_DIR:-$repo/.stack}
# nginx resolves relative paths against its prefix: make the state directory absolute.
[[ $stack_dir == /* ]] || stack_dir=$PWD/$stack_dir
log_dir=$stack_dir/logs
run_dir=$stack_dir/run
nginx_dir=$stack_dir/nginx
files_dir=$stack_dir/files
audit_checkpoint=$stack_dir/audit-checkpoint.json

port=${GAMME_PORT:-8080}
port_base=${GAMME_STACK_PORT_BASE:-18180}
pg_url=${GAMME_STACK_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_url=${pg_url%/}
db_name=${GAMME_STACK_DB:-gamme_stack}
amqp_url=${GAMME_STACK_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}
profile=${GAMME_STACK_PROFILE:-debug}
max_upload=${GAMME_MAX_UPLOAD_BYTES:-536870912}

# Order matters: auth first, because the others fetch its JWKS.
services=(auth procedures files ai-worker work)
if [[ ${GAMME_STACK_WORK_REPLICAS:-1} == 2 ]]; then
    services+=(work-2)
fi

log() { printf '[stack %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

service_port() {
    case $1 in
        auth) echo $((port_base + 1)) ;;
        procedures) echo $((port_base + 2)) ;;
        files) echo $((port_base + 3)) ;;
        ai-worker) echo $((port_base + 4)) ;;
        work) echo $((port_base + 5)) ;;
        work-2) echo $((port_base + 6)) ;;
        *) die "unknown service $1" ;;
    esac
}

bin_dir() { echo "${CARGO_TARGET_DIR:-$repo/target}/$profile"; }

# A pid file is only trusted while its process still runs the program it was written for,
# so a recycled pid is never signalled.
running_pid() {
    local name=$1 expect=$2 pid args
    [[ -f $run_dir/$name.pid ]] || return 1
    pid=$(<"$run_dir/$name.pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    args=$(ps -o args= -p "$pid" 2>/dev/null) || return 1
    [[ $args == *"$expect"* ]] || return 1
    echo "$pid"
}

# A replica runs its service's binary: work-2 is gamme-work.
binary_of() { echo "gamme-${1%-[0-9]}"; }

# name -> the string its command line contains
expect_of() {
    if [[ $1 == nginx ]]; then echo nginx; else binary_of "$1"; fi
}

show_log_tail() {
    local file=$log_dir/$1.log
    if [[ -f $file ]]; then
        log "last lines of $file:"
        tail -n 40 "$file" >&2
    fi
}

stop_all() {
    local name pid pids=() names=()
    for name in nginx "${services[@]}"; do
        if pid=$(running_pid "$name" "$(expect_of "$name")"); then
            # setsid made each process a group leader: the group takes any children along.
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            names+=("$name")
        fi
    done
    if ((${#pids[@]} == 0)); then
        rm -f "$run_dir"/*.pid 2>/dev/null || true
        return 0
    fi
    log "stopping ${names[*]}"
    local deadline=$((SECONDS + 10)) alive
    while :; do
        alive=()
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive+=("$pid")
        done
        ((${#alive[@]} == 0)) && break
        if ((SECONDS >= deadline)); then
            log "still running after 10 s, killing: ${alive[*]}"
            for pid in "${alive[@]}"; do
                kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
            done
            break
        fi
        sleep 0.2
    done
    rm -f "$run_dir"/*.pid
}

any_running() {
    local name
    for name in nginx "${services[@]}"; do
        running_pid "$name" "$(expect_of "$name")" >/dev/null && return 0
    done
    return 1
}

psql_admin() {
    psql "$pg_url/postgres" -v ON_ERROR_STOP=1 -qtAX "$@"
}

prepare_database() {
    [[ $db_name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "GAMME_STACK_DB must be a plain identifier, got '$db_name'"
    command -v psql >/dev/null || die "psql is required (apt-get install postgresql-client)"
    psql_admin -c 'SELECT 1' >/dev/null || die "cannot reach Postgres at $pg_url (set GAMME_STACK_PG_URL)"
    if [[ ${GAMME_STACK_RESET_DB:-0} == 1 ]]; then
        log "dropping database $db_name"
        psql_admin -c "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)"
    fi
    if [[ -z $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'") ]]; then
        log "creating database $db_name"
        psql_admin -c "CREATE DATABASE \"$db_name\""
        # The audit checkpoint of the database that was here names entries the new one lacks.
        rm -f "$audit_checkpoint"
    fi
}

build_binaries() {
    if [[ ${GAMME_STACK_NO_BUILD:-0} == 1 ]]; then
        return 0
    fi
    local flags=(--bins)
    case $profile in
        debug) ;;
        release) flags+=(--release) ;;
        *) flags+=(--profile "$profile") ;;
    esac
    log "cargo build ${flags[*]}"
    (cd "$repo" && cargo build "${flags[@]}")
}

# Prints the directory nginx serves as the web root.
prepare_web() {
    local web=$repo/web
    if [[ -f $web/package.json && ${GAMME_STACK_NO_WEB:-0} != 1 ]]; then
        log "building the web UI"
        (
            cd "$web"
            if [[ ! -d node_modules ]]; then
                if [[ -f package-lock.json ]]; then npm ci; else npm install; fi
            fi
            npm run build
        ) >&2 || die "web build failed (GAMME_STACK_NO_WEB=1 skips it)"
    fi
    if [[ -f $web/dist/index.html ]]; then
        echo "$web/dist"
        return 0
    fi
    log "no web/dist: serving a placeholder page"
    mkdir -p "$stack_dir/web"
    cat >"$stack_dir/web/index.html" <<'HTML'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gamme</title></head>
<body><h1>Gamme</h1><p>The web UI is not built. The API is under <code>/api/</code>.</p></body></html>
HTML
    echo "$stack_dir/web"
}

start_process() {
    local name=$1
    shift
    local logfile=$log_dir/$name.log
    [[ -f $logfile ]] && mv -f "$logfile" "$logfile.1"
    # Not a process group leader here (no job control), so setsid execs in place and $! is
    # the service itself; its own session keeps a terminal's Ctrl-C away from it.
    setsid nohup "$@" >"$logfile" 2>&1 </dev/null &
    echo $! >"$run_dir/$name.pid"
}

# The service's Postgres role (the migration makes it): work-2 is gamme_work, ai-worker gamme_ai.
role_of() {
    local svc=${1%-[0-9]}
    [[ $svc == ai-worker ]] && svc=ai
    echo "gamme_$svc"
}

# $pg_url with the user of the service's role instead of its own (and no password): the same
# server, which trusts local connections.
role_url() {
    local rest=${pg_url#*://}
    echo "${pg_url%%://*}://$(role_of "$1")@${rest##*@}"
}

# Runs migrations as the server URL's user (the tables' owner).
migrate_env() {
    service_env auth | grep -v '^GAMME_DATABASE_URL='
    echo "GAMME_DATABASE_URL=$pg_url/$db_name"
}

service_env() {
    local svc=$1
    # A local development stack: development secrets are accepted (the compose file is production).
    printf '%s\n' \
        "GAMME_ENV=${GAMME_ENV:-development}" \
        "GAMME_HTTP_ADDR=127.0.0.1:$(service_port "$svc")" \
        "GAMME_DATABASE_URL=$(role_url "$svc")/$db_name" \
        "GAMME_AMQP_URL=$amqp_url" \
        "GAMME_AUTH_JWKS_URL=http://127.0.0.1:$(service_port auth)/api/auth/jwks.json" \
        "GAMME_FILES_DIR=$files_dir" \
        "GAMME_AUDIT_CHECKPOINT=$audit_checkpoint" \
        "GAMME_BUS_PREFIX=${GAMME_BUS_PREFIX:-gamme-$db_name}" \
        "GAMME_MAX_UPLOAD_BYTES=$max_upload" \
        "GAMME_PUBLIC_URL=${GAMME_PUBLIC_URL:-http://127.0.0.1:$port}" \
        "GAMME_TRUSTED_PROXIES=${GAMME_TRUSTED_PROXIES:-127.0.0.1/32,::1/128}" \
        "GAMME_LOG_FORMAT=json"
}

start_service() {
    local svc=$1 bin vars=()
    bin=$(bin_dir)/$(binary_of "$svc")
    [[ -x $bin ]] || die "$bin not found (build it, or unset GAMME_STACK_NO_BUILD)"
    mapfile -t vars < <(service_env "$svc")
    start_process "$svc" env "${vars[@]}" "$bin"
}

# Waits until url answers 200 while the named process stays alive.
wait_http() {
    local name=$1 url=$2 timeout=${3:-30} pid deadline
    deadline=$((SECONDS + timeout))
    while :; do
        if ! pid=$(running_pid "$name" "$(expect_of "$name")"); then
            log "$name exited during start-up"
            show_log_tail "$name"
            [[ $name == nginx ]] && show_log_tail nginx-error
            return 1
        fi
        if curl -fsS -o /dev/null -m 2 "$url" 2>/dev/null; then
            return 0
        fi
        if ((SECONDS >= deadline)); then
            log "$name (pid $pid) did not answer $url within ${timeout}s"
            show_log_tail "$name"
            return 1
        fi
        sleep 0.3
    done
}

render_nginx() {
    local web_root=$1 nginx_bin=$2 mime user_line=""
    mkdir -p "$nginx_dir/temp"
    # Only these names are substituted; every other $word in the template belongs to nginx.
    # shellcheck disable=SC2016
    local template_vars='${GAMME_LISTEN} ${GAMME_AUTH_UPSTREAM} ${GAMME_PROCEDURES_UPSTREAM} ${GAMME_FILES_UPSTREAM} ${GAMME_AI_UPSTREAM} ${GAMME_WORK_UPSTREAM} ${GAMME_WEB_ROOT} ${GAMME_FILES_DIR} ${GAMME_MAX_UPLOAD_BYTES} ${GAMME_RESOLVER}'
    # Here the services' addresses are fixed, so each gets an upstream block that keeps
    # connections open (the template's proxy_pass names it through its variable; under Docker
    # the variable holds a name resolved per request instead, and connections are not reused).
    # No name is ever resolved; nginx needs a resolver named all the same.
    local service
    : >"$nginx_dir/upstreams.conf"
    for service in auth procedures files ai-worker work; do
        printf 'upstream gamme_%s_pool {\n    server 127.0.0.1:%s;\n    keepalive 32;\n}\n' \
            "${service//-/_}" "$(service_port "$service")" >>"$nginx_dir/upstreams.conf"
    done
    env GAMME_LISTEN="127.0.0.1:$port" \
        GAMME_RESOLVER=127.0.0.1 \
        GAMME_AUTH_UPSTREAM=gamme_auth_pool \
        GAMME_PROCEDURES_UPSTREAM=gamme_procedures_pool \
        GAMME_FILES_UPSTREAM=gamme_files_pool \
        GAMME_AI_UPSTREAM=gamme_ai_worker_pool \
        GAMME_WORK_UPSTREAM=gamme_work_pool \
        GAMME_WEB_ROOT="$web_root" \
        GAMME_FILES_DIR="$files_dir" \
        GAMME_MAX_UPLOAD_BYTES="$max_upload" \
        envsubst "$template_vars" \
        <"$repo/nginx/gamme.conf.template" >"$nginx_dir/gamme.conf"

    mime=/etc/nginx/mime.types
    if [[ ! -f $mime ]]; then
        # Enough for a Vite build when nginx came without its mime.types.
        mime=$nginx_dir/mime.types
        cat >"$mime" <<'TYPES'
types {
    text/html html;
    text/css css;
    application/javascript js mjs;
    application/json json map;
    application/manifest+json webmanifest;
    image/svg+xml svg;
    image/png png;
    image/jpeg jpg jpeg;
    image/webp webp;
    image/x-icon ico;
    font/woff2 woff2;
    font/woff woff;
    text/plain txt;
}
TYPES
    fi
    # As root, nginx would hand the workers to "nobody", who may not read a checkout under
    # /root; as anyone else the `user` directive is ignored with a warning, so leave it out.
    if ((EUID == 0)); then
        user_line="user root;"
    fi
    cat >"$nginx_dir/nginx.conf" <<CONF
# Written by scripts/stack.sh; the site itself is gamme.conf, rendered from nginx/gamme.conf.template.
$user_line
worker_processes 2;
daemon off;
pid $run_dir/nginx-master.pid;
error_log $log_dir/nginx-error.log notice;

events {
    worker_connections 1024;
}

http {
    include $mime;
    default_type application/octet-stream;
    client_body_temp_path $nginx_dir/temp/client_body;
    proxy_temp_path $nginx_dir/temp/proxy;
    fastcgi_temp_path $nginx_dir/temp/fastcgi;
    uwsgi_temp_path $nginx_dir/temp/uwsgi;
    scgi_temp_path $nginx_dir/temp/scgi;
    # gamme.conf logs each request to stdout, which is $log_dir/nginx.log.
    access_log off;
    include $nginx_dir/upstreams.conf;
    include $nginx_dir/gamme.conf;
}
CONF
    # stdout is where gamme.conf logs; the caller's stdout may not be writable by us.
    "$nginx_bin" -e "$log_dir/nginx-error.log" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" -t -q >/dev/null ||
        die "nginx rejected $nginx_dir/nginx.conf"
}

find_nginx() {
    if [[ -n ${GAMME_STACK_NGINX:-} ]]; then
        echo "$GAMME_STACK_NGINX"
    elif command -v nginx >/dev/null; then
        command -v nginx
    elif [[ -x /usr/sbin/nginx ]]; then
        echo /usr/sbin/nginx
    else
        die "nginx not found (apt-get install nginx-light, or set GAMME_STACK_NGINX)"
    fi
}

cmd_up() {
    while (($#)); do
        case $1 in
            --release) profile=release ;;
            *) die "unknown option for up: $1" ;;
        esac
        shift
    done
    command -v curl >/dev/null || die "curl is required"
    command -v envsubst >/dev/null || die "envsubst is required (apt-get install gettext-base)"
    local nginx_bin web_root svc
    nginx_bin=$(find_nginx)

    if any_running; then
        log "already running: restarting"
        stop_all
    fi
    mkdir -p "$log_dir" "$run_dir" "$nginx_dir" "$files_dir"

    build_binaries
    web_root=$(prepare_web)
    prepare_database

    log "running migrations"
    local migrate_vars=()
    mapfile -t migrate_vars < <(migrate_env)
    [[ -x $(bin_dir)/gamme-migrate ]] || die "$(bin_dir)/gamme-migrate not found"
    if ! env "${migrate_vars[@]}" "$(bin_dir)/gamme-migrate" >"$log_dir/migrate.log" 2>&1 </dev/null; then
        show_log_tail migrate
        die "gamme-migrate failed"
    fi

    # A service that fails to come up leaves nothing half-started behind.
    trap 'rc=$?; ((rc == 0)) || stop_all' EXIT

    start_service auth
    wait_http auth "http://127.0.0.1:$(service_port auth)/healthz" 30 || die "auth did not start"
    for svc in "${services[@]:1}"; do
        start_service "$svc"
    done
    for svc in "${services[@]:1}"; do
        wait_http "$svc" "http://127.0.0.1:$(service_port "$svc")/healthz" 30 || die "$svc did not start"
    done

    render_nginx "$web_root" "$nginx_bin"
    start_process nginx "$nginx_bin" -e "$log_dir/nginx-error.log" -p "$nginx_dir" -c "$nginx_dir/nginx.conf"
    wait_http nginx "http://127.0.0.1:$port/" 15 || die "nginx did not start (is port $port free?)"
    trap - EXIT

    log "up: http://127.0.0.1:$port/ (logs in $log_dir)"
}

cmd_down() {
    stop_all
    log "down"
}

cmd_status() {
    local name pid url state rc=0
    for name in "${services[@]}" nginx; do
        if [[ $name == nginx ]]; then
            url="http://127.0.0.1:$port/"
        else
            url="http://127.0.0.1:$(service_port "$name")/healthz"
        fi
        if pid=$(running_pid "$name" "$(expect_of "$name")"); then
            if curl -fsS -o /dev/null -m 2 "$url" 2>/dev/null; then
                state="up"
            else
                state="running, not answering"
                rc=1
            fi
            printf '%-11s pid %-8s %-24s %s\n' "$name" "$pid" "$state" "$url"
        else
            printf '%-11s %-12s %-24s %s\n' "$name" "-" "stopped" "$url"
            rc=1
        fi
    done
    return "$rc"
}

cmd_logs() {
    if (($# == 0)); then
        compgen -G "$log_dir/*.log" >/dev/null || die "no logs in $log_dir"
        exec tail -n 20 -F "$log_dir"/*.log
    fi
    [[ -f $log_dir/$1.log ]] || die "no log for '$1' in $log_dir"
    exec tail -n 100 -F "$log_dir/$1.log"
}

main() {
    local cmd=${1:-}
    (($#)) && shift
    case $cmd in
        up) cmd_up "$@" ;;
        down) cmd_down ;;
        status) cmd_status ;;
        logs) cmd_logs "$@" ;;
        *)
            echo "usage: $0 up [--release] | down | status | logs [service]" >&2
            exit 2
            ;;
    esac
}

main "$@"
