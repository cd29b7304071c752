#!/usr/bin/env bash
# The one test command for Gamme: the README and CI (.ci/run) both run it.
#
#   scripts/test.sh           everything: Rust tests, broker-restart tests, browser suite,
#                             cross-service (e2e) tests, backup round trip, API contract fuzzing,
#                             compose file check
#   scripts/test.sh --quick   only the Rust tests (no broker restarts, no stack, no browser)
#
# It finds or starts Postgres and RabbitMQ (local servers, else Docker), installs the tools
# that are missing (apt-get, cargo install), keeps going after a failed step so one run shows
# every failure, and ends with `gamme: N passed, M failed` (exit status 1 if M > 0).
#
# Settings (environment; values already set are respected):
#   GAMME_TEST_DATABASE_URL        (postgres://postgres@127.0.0.1:5432/postgres) server the tests
#                                  create their throwaway databases on
#   GAMME_TEST_AMQP_URL            (amqp://guest:guest@127.0.0.1:5672/%2f)
#   GAMME_TEST_BROKER_RESTART_CMD  how the broker-restart tests restart RabbitMQ (set here when
#                                  the broker is local or started with Docker)
#   GAMME_PORT (18080)             nginx port of the stack started for the browser and e2e tests;
#                                  not 8080, so a running development app is left alone
#   GAMME_STACK_DIR (.stack/test), GAMME_STACK_DB (gamme_test_stack),
#   GAMME_STACK_PORT_BASE (18280)  keep the test stack apart from a development `stack.sh up`
#   CARGO_TARGET_DIR               honoured by cargo and by scripts/stack.sh
#   CI=true                        nextest profile `ci`, no colours, no incremental builds
set -euo pipefail
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

usage() {
    sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

quick=0
while (($#)); do
    case $1 in
        --quick) quick=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "unknown option: $1" >&2
            usage >&2
            exit 2
            ;;
    esac
    shift
done

nextest_profile=()
if [[ ${CI:-} == true ]]; then
    export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0
    nextest_profile=(--profile ci)
fi

export GAMME_TEST_DATABASE_URL=${GAMME_TEST_DATABASE_URL:-}
export GAMME_TEST_AMQP_URL=${GAMME_TEST_AMQP_URL:-}
db_url_given=${GAMME_TEST_DATABASE_URL:+1}
amqp_url_given=${GAMME_TEST_AMQP_URL:+1}
: "${GAMME_TEST_DATABASE_URL:=postgres://postgres@127.0.0.1:5432/postgres}"
: "${GAMME_TEST_AMQP_URL:=amqp://guest:guest@127.0.0.1:5672/%2f}"

test_compose_files=(-f "$repo/docker-compose.yml" -f "$repo/scripts/test-services.compose.yml")

# ---------------------------------------------------------------------------------------------
# Output helpers

log() { printf '[test %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

duration() {
    local s=$1
    if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

section_name="" section_start=0
section() {
    section_name=$1
    section_start=$SECONDS
    printf '\n==> %s\n' "$section_name" >&2
}
section_done() {
    printf '<== %s: %s in %s\n' "$section_name" "${1:-done}" "$(duration $((SECONDS - section_start)))" >&2
}

# The counted steps, in order, with their outcome and duration.
step_names=() step_results=() step_times=()
record() {
    step_names+=("$1")
    step_results+=("$2")
    step_times+=("$3")
}

# run_step NAME COMMAND...: a counted step; a failure is recorded, not fatal.
run_step() {
    local name=$1 result
    shift
    section "$name"
    if "$@"; then result=passed; else result=failed; fi
    record "$name" "$result" "$(duration $((SECONDS - section_start)))"
    section_done "$result"
}

# skip_step NAME REASON: a step that cannot run counts as failed, with the reason shown.
skip_step() {
    printf '\n==> %s\n<== %s: failed (not run: %s)\n' "$1" "$1" "$2" >&2
    record "$1" "failed (not run: $2)" "-"
}

summary() {
    local i passed=0 failed=0
    printf '\n==> Summary\n' >&2
    for i in "${!step_names[@]}"; do
        printf '  %-26s %-8s %s\n' "${step_names[$i]}" "${step_times[$i]}" "${step_results[$i]}" >&2
        if [[ ${step_results[$i]} == passed ]]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done
    echo "gamme: $passed passed, $failed failed"
    ((failed == 0))
}

as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        log "needs root, and there is no sudo: $*"
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
# Tools

apt_updated=0
apt_install() {
    command -v apt-get >/dev/null ||
        die "missing: $* (no apt-get here: install them with your package manager)"
    if ((apt_updated == 0)); then
        as_root apt-get update -q
        apt_updated=1
    fi
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

deb_installed() {
    command -v dpkg-query >/dev/null || return 1
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

have_libpq() {
    if command -v dpkg-query >/dev/null; then
        deb_installed libpq-dev
    else
        # Not Debian: any libpq with its headers will do for Diesel.
        command -v pg_config >/dev/null || pkg-config --exists libpq 2>/dev/null
    fi
}

have_nginx() { command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; }

install_tools() {
    local missing=()
    # Diesel links libpq; pg_isready/psql find Postgres and set up the stack's database.
    have_libpq || missing+=(libpq-dev)
    if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null; then
        missing+=(postgresql-client)
    fi
    if ((quick == 0)); then
        have_nginx || missing+=(nginx)
        [[ -x ${GAMME_CHROMIUM:-/usr/bin/chromium} ]] || missing+=(chromium)
        command -v curl >/dev/null || missing+=(curl)
        command -v envsubst >/dev/null || missing+=(gettext-base)
        # The contract check makes a virtual environment for schemathesis.
        python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
    fi
    if ((${#missing[@]})); then
        apt_install "${missing[@]}"
    fi
    # The work service's email tests send to a real SMTP server: Python's aiosmtpd.
    if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
        log "pip install aiosmtpd (the email tests' SMTP server)"
        python3 -m pip install --quiet aiosmtpd || die "cannot install aiosmtpd with pip"
    fi

    command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (https://rustup.rs)"
    if ! cargo nextest --version >/dev/null 2>&1; then
        log "cargo install cargo-nextest --locked"
        cargo install cargo-nextest --locked
    fi

    if ((quick == 0)); then
        local major
        if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
            die "node >= 20 and npm are required (the web UI build and the browser suite): https://nodejs.org"
        fi
        major=$(node -p 'process.versions.node.split(".")[0]')
        ((major >= 20)) || die "node >= 20 is required, found $(node --version)"
    fi
}

# ---------------------------------------------------------------------------------------------
# Postgres and RabbitMQ

docker_works() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

compose() {
    if docker compose version >/dev/null 2>&1; then
        docker compose "$@"
    elif command -v docker-compose >/dev/null; then
        docker-compose "$@"
    else
        die "docker works but neither 'docker compose' nor 'docker-compose' is installed"
    fi
}

# The same command as text, for the broker-restart tests (they run it from their crate's folder).
compose_command_text() {
    local cmd
    if docker compose version >/dev/null 2>&1; then cmd="docker compose"; else cmd="docker-compose"; fi
    printf '%s' "$cmd"
    printf ' %q' "${test_compose_files[@]}"
}

# A URL fit for a log line: the password, if any, is masked.
redact() { sed -E 's#^([a-z]+://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"; }

# Whether the compose project of a previous run has this service running.
compose_running() {
    docker_works && compose "${test_compose_files[@]}" ps --services --filter status=running 2>/dev/null | grep -qx "$1"
}

port_open() { timeout 1 bash -c "</dev/tcp/$1/$2" 2>/dev/null; }

pg_ready() { pg_isready -q -t 2 -d "$GAMME_TEST_DATABASE_URL" >/dev/null 2>&1; }
pg_login() { psql "$GAMME_TEST_DATABASE_URL" -qtAX -c 'SELECT 1' >/dev/null 2>&1; }
docker_db_url() { printf 'postgres://gamme:%s@127.0.0.1:5432/gamme' "${GAMME_DB_PASSWORD:-gamme}"; }
docker_amqp_url() { printf 'amqp://gamme:%s@127.0.0.1:5672/%%2f' "${GAMME_AMQP_PASSWORD:-gamme}"; }

wait_for() {
    local what=$1 seconds=$2 deadline
    shift 2
    deadline=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < deadline)) || {
            log "$what did not come up within ${seconds}s"
            return 1
        }
        sleep 1
    done
}

# host and port of the broker in GAMME_TEST_AMQP_URL
amqp_host_port() {
    local rest=${GAMME_TEST_AMQP_URL#*://}
    rest=${rest%%/*}
    rest=${rest##*@}
    [[ $rest == *:* ]] || rest=$rest:5672
    printf '%s %s' "${rest%:*}" "${rest##*:}"
}
amqp_ready() {
    local host port
    read -r host port < <(amqp_host_port)
    port_open "$host" "$port"
}
docker_amqp_ready() {
    amqp_ready && compose "${test_compose_files[@]}" exec -T rabbitmq rabbitmq-diagnostics -q ping >/dev/null 2>&1
}

start_local_postgres() {
    [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null || return 1
    local version
    version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
    [[ -n $version ]] || return 1
    log "starting the local Postgres $version cluster"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start &&
        wait_for Postgres 30 pg_ready
}

start_docker_postgres() {
    docker_works || return 1
    log "starting Postgres with Docker (docker-compose.yml + scripts/test-services.compose.yml)"
    compose "${test_compose_files[@]}" up -d --no-deps postgres || return 1
    [[ -n $db_url_given ]] || GAMME_TEST_DATABASE_URL=$(docker_db_url)
    # The image restarts the server once after initialising the database: wait for a login.
    wait_for Postgres 90 pg_login
}

find_postgres() {
    if pg_ready; then
        # pg_isready does not sign in: the server may be the Docker one of an earlier run.
        if [[ -z $db_url_given ]] && ! pg_login && compose_running postgres; then
            GAMME_TEST_DATABASE_URL=$(docker_db_url)
        fi
    elif ! start_local_postgres && ! start_docker_postgres; then
        die "no Postgres answers at $(redact "$GAMME_TEST_DATABASE_URL"). Start one (apt-get install postgresql), or install Docker, or set GAMME_TEST_DATABASE_URL"
    fi
    pg_login || die "Postgres answers but refuses $(redact "$GAMME_TEST_DATABASE_URL"): set GAMME_TEST_DATABASE_URL"
    log "Postgres: $(redact "$GAMME_TEST_DATABASE_URL")"
}

# local | docker | "" (unknown): how the broker-restart tests can restart it.
broker_kind=""
local_broker_answers() { command -v rabbitmqctl >/dev/null && rabbitmq-diagnostics -q ping >/dev/null 2>&1; }

start_local_rabbitmq() {
    command -v rabbitmq-server >/dev/null || return 1
    log "starting the local RabbitMQ (rabbitmq-server -detached)"
    as_root rabbitmq-server -detached &&
        wait_for RabbitMQ 60 as_root rabbitmq-diagnostics -q ping &&
        wait_for RabbitMQ 10 amqp_ready &&
        broker_kind=local
}

start_docker_rabbitmq() {
    docker_works || return 1
    log "starting RabbitMQ with Docker (docker-compose.yml + scripts/test-services.compose.yml)"
    compose "${test_compose_files[@]}" up -d --no-deps rabbitmq || return 1
    [[ -n $amqp_url_given ]] || GAMME_TEST_AMQP_URL=$(docker_amqp_url)
    wait_for RabbitMQ 90 docker_amqp_ready && broker_kind=docker
}

find_rabbitmq() {
    if amqp_ready; then
        if local_broker_answers; then
            broker_kind=local
        elif [[ -z $amqp_url_given ]] && compose_running rabbitmq; then
            # The Docker broker of an earlier run.
            broker_kind=docker
            GAMME_TEST_AMQP_URL=$(docker_amqp_url)
        fi
    elif ! start_local_rabbitmq && ! start_docker_rabbitmq; then
        die "no RabbitMQ answers at $(redact "$GAMME_TEST_AMQP_URL"). Start one (apt-get install rabbitmq-server), or install Docker, or set GAMME_TEST_AMQP_URL"
    fi
    log "RabbitMQ: $(redact "$GAMME_TEST_AMQP_URL")"
}

set_broker_restart_cmd() {
    if [[ -n ${GAMME_TEST_BROKER_RESTART_CMD:-} ]]; then
        return 0
    fi
    if [[ $broker_kind == docker ]]; then
        GAMME_TEST_BROKER_RESTART_CMD="$(compose_command_text) restart rabbitmq"
    elif [[ $broker_kind == local ]]; then
        GAMME_TEST_BROKER_RESTART_CMD="rabbitmqctl stop_app && sleep 2 && rabbitmqctl start_app"
    else
        log "warning: cannot tell how to restart the broker; set GAMME_TEST_BROKER_RESTART_CMD"
        return 0
    fi
    export GAMME_TEST_BROKER_RESTART_CMD
}

# ---------------------------------------------------------------------------------------------
# Steps

rust_tests() {
    cargo nextest run "${nextest_profile[@]}" --workspace --exclude gamme-e2e --no-fail-fast
}

# #[ignore]d because they restart the shared broker: alone, one at a time.
broker_restart_tests() {
    [[ -n ${GAMME_TEST_BROKER_RESTART_CMD:-} ]] ||
        log "warning: GAMME_TEST_BROKER_RESTART_CMD is not set: tests that restart the broker will fail"
    cargo nextest run "${nextest_profile[@]}" --workspace --exclude gamme-e2e --no-fail-fast \
        --run-ignored only --test-threads 1 --no-tests warn
}

# The stack for the browser and e2e tests: its own folder, database and ports, so that a
# development `scripts/stack.sh up` (on .stack, gamme_stack, 8080) keeps running untouched.
export GAMME_PORT=${GAMME_PORT:-18080}
export GAMME_STACK_DIR=${GAMME_STACK_DIR:-$repo/.stack/test}
export GAMME_STACK_DB=${GAMME_STACK_DB:-gamme_test_stack}
export GAMME_STACK_PORT_BASE=${GAMME_STACK_PORT_BASE:-18280}
# Broker names of this run only, deleted by the broker once unused: a queue declared by an
# older checkout with other arguments can never get in the way.
export GAMME_BUS_PREFIX=${GAMME_BUS_PREFIX:-gamme-test-$$}
export GAMME_BUS_QUEUE_EXPIRY_SECS=${GAMME_BUS_QUEUE_EXPIRY_SECS:-300}
# Two work replicas: the e2e suite checks that two schedulers make one order per occurrence.
export GAMME_STACK_WORK_REPLICAS=${GAMME_STACK_WORK_REPLICAS:-2}
# …and does not wait a minute for a plan's order.
export GAMME_WORK_SCHEDULER_INTERVAL_SECS=${GAMME_WORK_SCHEDULER_INTERVAL_SECS:-2}
# The e2e suite uploads a GiB through nginx (streamed; the files service must stay under 64 MiB).
export GAMME_MAX_UPLOAD_BYTES=${GAMME_MAX_UPLOAD_BYTES:-2147483648}
base_url=http://127.0.0.1:$GAMME_PORT

stack_attempted=0 stack_up=0 stack_trouble=0

# stack.sh wants the server URL without a database (it appends its own).
server_url_of() {
    local url=${1%%\?*}
    if [[ $url =~ ^[a-z]+://[^/]+/ ]]; then url=${url%/*}; fi
    printf '%s' "$url"
}

stack() {
    env -u GAMME_ADMIN_EMAIL -u GAMME_ADMIN_PASSWORD -u GAMME_ADMIN_PASSWORD_FILE -u GAMME_ENV \
        GAMME_STACK_PG_URL="$(server_url_of "$GAMME_TEST_DATABASE_URL")" \
        GAMME_STACK_AMQP_URL="$GAMME_TEST_AMQP_URL" \
        "$repo/scripts/stack.sh" "$@"
}

stack_up() {
    stack_attempted=1
    # Only stops a test stack left over from an interrupted run (its own pid files).
    stack down || true
    if port_open 127.0.0.1 "$GAMME_PORT"; then
        log "port $GAMME_PORT is taken by another program; set GAMME_PORT to a free port"
        return 1
    fi
    # Empty database: the browser suite does the first-run setup through the UI.
    GAMME_STACK_RESET_DB=1 stack up
}

show_stack_logs() {
    local file
    for file in "$GAMME_STACK_DIR"/logs/*.log; do
        [[ -f $file ]] || continue
        printf '\n----- last 80 lines of %s\n' "$file" >&2
        tail -n 80 "$file" >&2
    done
}

stack_stop() {
    ((stack_attempted)) || return 0
    stack_attempted=0
    if ((stack_trouble)); then show_stack_logs; fi
    section "Stop the test stack"
    stack down || log "warning: scripts/stack.sh down failed"
    section_done
}

# Whatever happens (a failure, Ctrl-C), the test stack does not outlive the run.
cleanup() {
    local rc=$?
    # Still attempted here means interrupted, or died mid-way: the logs may say why.
    ((rc == 0)) || stack_trouble=1
    stack_stop
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

browser_tests() {
    (
        cd "$repo/tests/browser" &&
            npm ci --no-audit --no-fund &&
            GAMME_E2E_BASE_URL=$base_url \
                GAMME_E2E_DATABASE_URL="$(server_url_of "$GAMME_TEST_DATABASE_URL")/$GAMME_STACK_DB" npm test
    ) || {
        stack_trouble=1
        return 1
    }
}

e2e_tests() {
    GAMME_E2E_BASE_URL=$base_url \
        GAMME_E2E_ADMIN_EMAIL=${GAMME_E2E_ADMIN_EMAIL:-admin@gamme.test} \
        GAMME_E2E_ADMIN_PASSWORD=${GAMME_E2E_ADMIN_PASSWORD:-Admin-password-1} \
        cargo nextest run "${nextest_profile[@]}" -p gamme-e2e --no-fail-fast || {
        stack_trouble=1
        return 1
    }
}

# The backup round trip (scripts/backup-check.sh) on a stack of its own, with the binaries the
# test stack was built with.
backup_check() {
    env -u GAMME_ADMIN_EMAIL -u GAMME_ADMIN_PASSWORD -u GAMME_ADMIN_PASSWORD_FILE -u GAMME_ENV \
        GAMME_PORT="${GAMME_BACKUP_CHECK_PORT:-18480}" GAMME_STACK_PORT_BASE="${GAMME_BACKUP_CHECK_PORT_BASE:-18580}" \
        GAMME_STACK_DIR="$repo/.stack/backup-check" GAMME_STACK_DB=gamme_backup_check \
        GAMME_STACK_WORK_REPLICAS=1 GAMME_STACK_NO_BUILD=1 \
        GAMME_STACK_PG_URL="$(server_url_of "$GAMME_TEST_DATABASE_URL")" GAMME_STACK_AMQP_URL="$GAMME_TEST_AMQP_URL" \
        "$repo/scripts/backup-check.sh"
}

# Every OpenAPI document fuzzed with schemathesis (scripts/contract-check.sh) on a stack of its
# own, with the binaries the test stack was built with.
contract_check() {
    env -u GAMME_ADMIN_EMAIL -u GAMME_ADMIN_PASSWORD -u GAMME_ADMIN_PASSWORD_FILE -u GAMME_ENV \
        GAMME_PORT="${GAMME_CONTRACT_CHECK_PORT:-18880}" GAMME_STACK_PORT_BASE="${GAMME_CONTRACT_CHECK_PORT_BASE:-18980}" \
        GAMME_STACK_DIR="$repo/.stack/contract-check" GAMME_STACK_DB=gamme_contract_check GAMME_STACK_NO_BUILD=1 \
        GAMME_STACK_PG_URL="$(server_url_of "$GAMME_TEST_DATABASE_URL")" GAMME_STACK_AMQP_URL="$GAMME_TEST_AMQP_URL" \
        "$repo/scripts/contract-check.sh"
}

compose_check() {
    if docker compose version >/dev/null 2>&1; then
        docker compose -f docker-compose.yml config -q
    elif command -v docker-compose >/dev/null; then
        docker-compose -f docker-compose.yml config -q
    else
        if ! python3 -c 'import yaml' 2>/dev/null; then
            python3 -m pip install --quiet pyyaml 2>/dev/null || apt_install python3-yaml
        fi
        python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' docker-compose.yml || return 1
        log "docker-compose.yml is valid YAML; the full check was skipped (no docker compose / docker-compose here)"
    fi
}

# ---------------------------------------------------------------------------------------------

section "Tools"
install_tools
section_done

section "Postgres and RabbitMQ"
find_postgres
find_rabbitmq
((quick)) || set_broker_restart_cmd
export GAMME_TEST_DATABASE_URL GAMME_TEST_AMQP_URL
log "GAMME_TEST_DATABASE_URL=$(redact "$GAMME_TEST_DATABASE_URL")"
log "GAMME_TEST_AMQP_URL=$(redact "$GAMME_TEST_AMQP_URL")"
((quick)) || log "GAMME_TEST_BROKER_RESTART_CMD=${GAMME_TEST_BROKER_RESTART_CMD:-}"
section_done

run_step "Rust tests" rust_tests

if ((quick == 0)); then
    run_step "Broker restart tests" broker_restart_tests

    section "Start the stack on $base_url"
    if stack_up; then
        stack_up=1
        section_done "up"
    else
        stack_trouble=1
        section_done "failed"
    fi

    if ((stack_up)); then
        run_step "Browser tests" browser_tests
        run_step "E2E tests" e2e_tests
    else
        skip_step "Browser tests" "the stack did not come up"
        skip_step "E2E tests" "the stack did not come up"
    fi
    stack_stop

    if ((stack_up)); then
        run_step "Backup round trip" backup_check
        run_step "API contracts" contract_check
    else
        skip_step "Backup round trip" "the stack did not come up"
        skip_step "API contracts" "the stack did not come up"
    fi

    run_step "Compose check" compose_check
fi

summary
