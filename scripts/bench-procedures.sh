#!/usr/bin/env bash
# Latency of Gamme's procedures service through nginx, as a technician's device sees it.
#
#   scripts/bench-procedures.sh           start a release stack of its own, seed it, measure, stop it
#   scripts/bench-procedures.sh --help    this text
#
# Measures with wrk (--latency), a few connections on loopback for a bounded time each:
#   GET /api/procedures/{id}          a published procedure of 30 steps in 3 sections
#   GET /api/procedures?q=<word>      a search over the seeded library (first page of 20)
# and prints: endpoint, requests, p50, p99, req/s, and the wrk command used.
#
# Seeding goes through the API (scripts/bench/seed.py), because the search documents in
# revision_search are written by the service: N procedures of 3 steps, each published by the
# admin and approved by a second editor. Procedure n is about one of ten machines
# (pompe, vanne, ...), so `pompe` matches a tenth of them and `inspection` all. Seeding time
# is printed.
#
# Settings (environment):
#   GAMME_BENCH_BASE_URL              measure this running stack instead (loopback only; it is
#                                     seeded too, with codes of their own, and left running)
#   GAMME_BENCH_PORT (17380)          nginx port of the bench stack
#   GAMME_BENCH_PORT_BASE (17480)     its services listen on base+1 .. base+4
#   GAMME_BENCH_STACK_DIR (<repo>/.stack/bench-procedures), GAMME_BENCH_DB (gamme_bench_procedures)
#                                     its state and database (dropped and recreated each run)
#   GAMME_BENCH_KEEP=1                leave the bench stack running afterwards
#   GAMME_BENCH_PROCEDURES (10000)    procedures to seed;  GAMME_BENCH_WORKERS (8) in parallel
#   GAMME_BENCH_WORDS (pompe inspection)  the searches measured, one row each
#   GAMME_BENCH_DURATION (20s), GAMME_BENCH_CONNECTIONS (4), GAMME_BENCH_THREADS (2)   wrk
#   GAMME_E2E_ADMIN_EMAIL, GAMME_E2E_ADMIN_PASSWORD   the admin (set up on a new stack)
#   CARGO_TARGET_DIR                  honoured by the build of the bench stack
#
# Needs: wrk (apt-get install wrk), python3, curl; for its own stack what scripts/stack.sh needs.
set -euo pipefail
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

case ${1:-} in
    -h | --help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac

procedures=${GAMME_BENCH_PROCEDURES:-10000}
workers=${GAMME_BENCH_WORKERS:-8}
words=${GAMME_BENCH_WORDS:-pompe inspection}
duration=${GAMME_BENCH_DURATION:-20s}
connections=${GAMME_BENCH_CONNECTIONS:-4}
threads=${GAMME_BENCH_THREADS:-2}
admin_email=${GAMME_E2E_ADMIN_EMAIL:-admin@gamme.test}
admin_password=${GAMME_E2E_ADMIN_PASSWORD:-Admin-password-1}

command -v wrk >/dev/null || die "wrk is required (apt-get install wrk)"
for tool in python3 curl; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

# The bench stack: its own port, ports, folder and database, so a development stack is untouched.
stack() {
    GAMME_PORT=${GAMME_BENCH_PORT:-17380} \
        GAMME_STACK_PORT_BASE=${GAMME_BENCH_PORT_BASE:-17480} \
        GAMME_STACK_DIR=${GAMME_BENCH_STACK_DIR:-$repo/.stack/bench-procedures} \
        GAMME_STACK_DB=${GAMME_BENCH_DB:-gamme_bench_procedures} \
        GAMME_STACK_RESET_DB=1 GAMME_STACK_NO_WEB=1 \
        "$repo/scripts/stack.sh" "$@"
}

if [[ -n ${GAMME_BENCH_BASE_URL:-} ]]; then
    base=${GAMME_BENCH_BASE_URL%/}
    [[ $base =~ ^http://(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?$ ]] ||
        die "GAMME_BENCH_BASE_URL must be a loopback http://host:port, got '$base'"
    profile="as running"
else
    base=http://127.0.0.1:${GAMME_BENCH_PORT:-17380}
    profile=release
    if [[ ${GAMME_BENCH_KEEP:-0} != 1 ]]; then
        trap 'stack down >/dev/null 2>&1 || true' EXIT
    fi
    log "starting a release stack on $base (database ${GAMME_BENCH_DB:-gamme_bench_procedures}, reset)"
    stack up --release
fi

log "seeding $procedures procedures through $base with $workers workers"
seeded=$(python3 "$repo/scripts/bench/seed.py" --base "$base" --admin-email "$admin_email" \
    --admin-password "$admin_password" --procedures "$procedures" --workers "$workers")
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$seeded" "$1"; }
procedure_id=$(field procedure_id)
seed_seconds=$(field seed_seconds)
GAMME_BENCH_TOKEN=$(field token)
export GAMME_BENCH_TOKEN
log "seeded in ${seed_seconds} s; the 30-step procedure is $procedure_id"

paths=("/api/procedures/$procedure_id")
labels=("GET /api/procedures/{id} (30 steps)")
for word in $words; do
    paths+=("/api/procedures?q=$word")
    labels+=("GET /api/procedures?q=$word")
done

# Each endpoint answers 200 before it is measured.
for path in "${paths[@]}"; do
    status=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $GAMME_BENCH_TOKEN" "$base$path")
    [[ $status == 200 ]] || die "GET $path answered $status"
done

rows=()
commands=()
for i in "${!paths[@]}"; do
    path=${paths[i]}
    cmd=(wrk --latency -t"$threads" -c"$connections" -d"$duration" -s scripts/bench/auth.lua "$base$path")
    log "${cmd[*]}"
    out=$(cd "$repo" && "${cmd[@]}")
    non2xx=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
    [[ -z $non2xx ]] || die "$non2xx answers were not 2xx for $path:"$'\n'"$out"
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    rows+=("$(printf '%-40s %9s %9s %9s %10s' "${labels[i]}" "$requests" "$p50" "$p99" "$rps")")
    commands+=("GAMME_BENCH_TOKEN=<technician token> ${cmd[*]}")
done

echo
echo "Gamme procedures through nginx at $base ($profile build, $(nproc) cores)"
echo "load average during the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews figures)"
echo "seeded: $procedures published procedures in ${seed_seconds} s ($workers parallel API clients)"
echo
printf '%-40s %9s %9s %9s %10s\n' endpoint requests p50 p99 req/s
printf '%s\n' "${rows[@]}"
echo
echo "commands (from $repo):"
printf '  %s\n' "${commands[@]}"
