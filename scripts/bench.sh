#!/usr/bin/env bash
# Gamme's API under load, next to nginx serving the same bytes from a file: one table, one run.
#
#   scripts/bench.sh                        build release, start a stack of its own, seed 10,000
#                                           procedures, measure, print, stop the stack
#   scripts/bench.sh --procedures 100000    the large library
#   scripts/bench.sh --seed sql             the library from an SQL file (GAMME_BENCH_SEED_SQL)
#   scripts/bench.sh --help                 this text
#
# Measured through the stack's nginx with wrk (-t2, a bounded time each, loopback only):
#   GET /api/procedures/{id}        the published 30-step procedure, c=64; and again sending
#                                   If-None-Match with the ETag of the first answer, when the
#                                   answer has one (a 304 is then the expected answer)
#   GET /api/procedures?q=pompe     a search matching a tenth of the library, c=16
#   GET /api/procedures?q=inspection  one matching all of it, c=16
#   PUT /api/runs/{id}/steps/{step_id}  a step result, c=16, spread over every step of
#                                   GAMME_BENCH_RUNS runs (scripts/bench/put.lua): "replay"
#                                   sends the result id already stored, which the service
#                                   answers from what it has, writing nothing; "fresh" sends a
#                                   new one each time, so every PUT stores the step's result
#                                   and an audit event: the cost of a technician's entry
# Each row has a ceiling: a second nginx on this machine answering the same request (same wrk
# settings, same Authorization header) with the exact bytes the Gamme answer had, saved by curl,
# from a static file, with the security headers Gamme's nginx adds and the same access log.
# For the PUTs nginx's static module refuses the method with 405, so the ceiling turns that
# into the saved answer with `error_page 405 =200` (the bytes still come from the file).
# Printed: req/s, p50 and p99 of both and their ratios, answers >= 400 and socket errors during
# the load, then each process's memory (VmRSS, VmHWM) after the load, the commit, cores, load
# average before and after, and every wrk command, so the output can be quoted as it is.
# Each endpoint must answer 2xx (304 for If-None-Match) before it is measured, or the script
# stops; any answer >= 400 during the load makes it exit 1 after printing.
#
# Seeding: a reviewing editor, a technician and the 30-step procedure go through the API
# (scripts/bench/seed.py), and the technician starts the runs and records every step once.
# The library of small procedures (procedure n is about one of ten machines, so `pompe`
# matches a tenth and `inspection` all) comes either through the API too (the default; the
# service writes the search documents), or, with `--seed sql`, from an SQL file run by psql
# as the database owner with `-v procedures=N`, which must write the same rows and
# revision_search documents as the service does (scripts/bench/seed-library.sql, from the
# search work, writes procedures of 30 steps where the API seeding writes 3: searches over the
# two libraries are not the same measurement). Both times are printed. Then VACUUM ANALYZE.
#
# Throttling: the measured routes have no nginx rate limit (only sign-in and first-run setup
# do, which seeding meets and waits out); the auth service's sign-in limits are lifted for this
# stack only, through GAMME_LOGIN_MAX_FAILURES and GAMME_LOGIN_MAX_FAILURES_PER_ADDRESS.
#
# Settings (environment):
#   GAMME_BENCH_PROCEDURES (10000)     library size (--procedures);  GAMME_BENCH_WORKERS (8)
#                                      parallel API clients while seeding
#   GAMME_BENCH_SEED (api)             api or sql (--seed); GAMME_BENCH_SEED_SQL
#                                      (scripts/bench/seed-library.sql) the file for sql
#   GAMME_BENCH_RUNS (100)             runs the PUTs are spread over (30 steps each)
#   GAMME_BENCH_DURATION (20s), GAMME_BENCH_WARMUP (2s, not counted), GAMME_BENCH_THREADS (2)
#   GAMME_BENCH_CONNECTIONS_GET (64), GAMME_BENCH_CONNECTIONS_SEARCH (16),
#   GAMME_BENCH_CONNECTIONS_PUT (16)   wrk connections per kind of request
#   GAMME_BENCH_PORT (17700)           nginx of the bench stack on 127.0.0.1
#   GAMME_BENCH_PORT_BASE (17710)      its services listen on base+1 .. base+5
#   GAMME_BENCH_CEILING_PORT (17790)   the ceiling nginx
#   GAMME_BENCH_STACK_DIR (<repo>/.stack/bench-api), GAMME_BENCH_DB (gamme_bench_api)
#                                      state (logs, wrk outputs, saved answers) and database,
#                                      dropped and recreated each run
#   GAMME_BENCH_KEEP=1                 leave the stack and the ceiling running afterwards
#   GAMME_E2E_ADMIN_EMAIL, GAMME_E2E_ADMIN_PASSWORD   the admin set up on the new stack
#   CARGO_TARGET_DIR                   honoured by the release build
#
# Needs: wrk (installed with apt-get when missing and run as root), nginx, python3, curl, psql,
# and what scripts/stack.sh needs (Postgres, RabbitMQ).
set -euo pipefail
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

procedures=${GAMME_BENCH_PROCEDURES:-10000}
seed_mode=${GAMME_BENCH_SEED:-api}
while (($#)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --procedures) procedures=${2:?--procedures needs a number}; shift ;;
        --seed) seed_mode=${2:?--seed needs api or sql}; shift ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
[[ $procedures =~ ^[0-9]+$ ]] || die "--procedures must be a number, got '$procedures'"
[[ $seed_mode == api || $seed_mode == sql ]] || die "--seed must be api or sql, got '$seed_mode'"

workers=${GAMME_BENCH_WORKERS:-8}
runs=${GAMME_BENCH_RUNS:-100}
duration=${GAMME_BENCH_DURATION:-20s}
warmup=${GAMME_BENCH_WARMUP:-2s}
threads=${GAMME_BENCH_THREADS:-2}
c_get=${GAMME_BENCH_CONNECTIONS_GET:-64}
c_search=${GAMME_BENCH_CONNECTIONS_SEARCH:-16}
c_put=${GAMME_BENCH_CONNECTIONS_PUT:-16}
port=${GAMME_BENCH_PORT:-17700}
port_base=${GAMME_BENCH_PORT_BASE:-17710}
ceiling_port=${GAMME_BENCH_CEILING_PORT:-17790}
stack_dir=${GAMME_BENCH_STACK_DIR:-$repo/.stack/bench-api}
[[ $stack_dir == /* ]] || stack_dir=$PWD/$stack_dir
db=${GAMME_BENCH_DB:-gamme_bench_api}
seed_sql=${GAMME_BENCH_SEED_SQL:-$repo/scripts/bench/seed-library.sql}
admin_email=${GAMME_E2E_ADMIN_EMAIL:-admin@gamme.test}
admin_password=${GAMME_E2E_ADMIN_PASSWORD:-Admin-password-1}
pg_url=${GAMME_STACK_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_url=${pg_url%/}
base=http://127.0.0.1:$port
ceiling=http://127.0.0.1:$ceiling_port
work=$stack_dir/bench
# The bench stack's sign-in limits, lifted: seeding signs in again and again from one address.
lifted_limits=(GAMME_LOGIN_MAX_FAILURES=1000000 GAMME_LOGIN_MAX_FAILURES_PER_ADDRESS=1000000)

if ! command -v wrk >/dev/null; then
    ((EUID == 0)) || die "wrk is required (apt-get install wrk)"
    log "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null ||
        { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null; } ||
        die "apt-get install wrk failed"
fi
for tool in python3 curl psql; do
    command -v "$tool" >/dev/null || die "$tool is required"
done
if [[ -n ${GAMME_STACK_NGINX:-} ]]; then
    nginx_bin=$GAMME_STACK_NGINX
elif command -v nginx >/dev/null; then
    nginx_bin=$(command -v nginx)
else
    nginx_bin=/usr/sbin/nginx
fi
[[ -x $nginx_bin ]] || die "nginx not found (apt-get install nginx-light, or set GAMME_STACK_NGINX)"
if [[ $seed_mode == sql ]]; then
    [[ -f $seed_sql ]] || die "no SQL seeder at $seed_sql (set GAMME_BENCH_SEED_SQL, or --seed api)"
fi

commit=$(git -C "$repo" rev-parse --short HEAD)
[[ -z $(git -C "$repo" status --porcelain --untracked-files=no) ]] || commit+=-dirty
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

stack() {
    env GAMME_PORT="$port" GAMME_STACK_PORT_BASE="$port_base" GAMME_STACK_DIR="$stack_dir" \
        GAMME_STACK_DB="$db" GAMME_STACK_RESET_DB=1 GAMME_STACK_NO_WEB=1 \
        GAMME_BUS_PREFIX="gamme-bench-api-$$" GAMME_BUS_QUEUE_EXPIRY_SECS=300 \
        "${lifted_limits[@]}" "$repo/scripts/stack.sh" "$@"
}

ceiling_pid=""
stop_ceiling() {
    if [[ -n $ceiling_pid && $(ps -o args= -p "$ceiling_pid" 2>/dev/null) == *nginx* ]]; then
        kill -TERM "$ceiling_pid" 2>/dev/null || true
    fi
}
if [[ ${GAMME_BENCH_KEEP:-0} != 1 ]]; then
    trap 'stop_ceiling; stack down >/dev/null 2>&1 || true' EXIT
fi

log "building release and starting a stack on $base (database $db, reset)"
stack up --release
rm -rf "$work"
mkdir -p "$work/ceiling/root/ceiling" "$work/wrk"

psql_db() { psql "$pg_url/$db" -v ON_ERROR_STOP=1 -qtAX "$@"; }

api_procedures=$procedures
sql_seconds=""
if [[ $seed_mode == sql ]]; then
    # First-run setup before the SQL rows: once any user exists, setup is closed for good.
    setup=$(python3 -c 'import json,sys; print(json.dumps({"email": sys.argv[1], "password": sys.argv[2], "display_name": "Admin"}))' \
        "$admin_email" "$admin_password")
    curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "$setup" "$base/api/auth/setup" ||
        die "the first-run setup of the bench stack failed"
    log "seeding $procedures procedures from $seed_sql"
    started=$(date +%s.%N)
    psql_db -v procedures="$procedures" -f "$seed_sql" >"$work/seed-sql.log" ||
        die "$seed_sql failed (see $work/seed-sql.log)"
    sql_seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)")
    api_procedures=0
fi

log "seeding through the API: $api_procedures procedures, the 30-step procedure, $runs runs"
seeded=$(python3 "$repo/scripts/bench/seed.py" --base "$base" --admin-email "$admin_email" \
    --admin-password "$admin_password" --procedures "$api_procedures" --workers "$workers" \
    --runs "$runs")
printf '%s\n' "$seeded" >"$work/seeded.json"
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/seeded.json" "$1"; }
procedure_id=$(field procedure_id)
seed_seconds=$(field seed_seconds)
runs_seconds=$(field runs_seconds)
GAMME_BENCH_TOKEN=$(field token)
export GAMME_BENCH_TOKEN
log "vacuum analyze"
psql_db -c 'VACUUM ANALYZE' >/dev/null
library=$(psql_db -c 'SELECT count(*) FROM procedures')

# The (run, step) pairs for put.lua, with the value each step takes and the stored result id.
export GAMME_BENCH_PUT_DATA=$work/put-pairs.lua
python3 - "$work/seeded.json" "$GAMME_BENCH_PUT_DATA" <<'PY'
import json, sys
seeded = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as out:
    out.write("return {\n")
    for run in seeded["runs"]:
        for step, result_id in zip(seeded["steps"], run["result_ids"]):
            out.write(f'  {{ path = "/api/runs/{run["id"]}/steps/{step["id"]}", '
                      f'value = [==[{json.dumps(step["value"], ensure_ascii=False)}]==], '
                      f'result_id = "{result_id}" }},\n')
    out.write("}\n")
PY
# Two (run, step) pairs: the first for the replayed PUT, the last for the check of a fresh one
# (which replaces that pair's stored result, so it is not the pair replayed).
pair_of() {
    python3 - "$work/seeded.json" "$1" <<'PY'
import json, sys
seeded, which = json.load(open(sys.argv[1])), int(sys.argv[2])
run, step = seeded["runs"][which], seeded["steps"][which]
print(f"/api/runs/{run['id']}/steps/{step['id']}", run["result_ids"][which], json.dumps(step["value"]))
PY
}
read -r put_path put_stored_id put_value <<<"$(pair_of 0)"
read -r fresh_path _ fresh_value <<<"$(pair_of -1)"

# ---- the rows ------------------------------------------------------------------------------
# name | label | method | path | connections | extra request header | wrk script | put mode
names=() labels=() methods=() paths=() conns=() extras=() scripts=() modes=()
add_row() {
    names+=("$1") labels+=("$2") methods+=("$3") paths+=("$4") conns+=("$5") extras+=("$6")
    scripts+=("$7") modes+=("$8")
}

# Saves an answer's body and headers; prints its status.
fetch() {
    local out=$1 method=$2 url=$3 extra=$4 body=${5:-}
    local args=(-sS -X "$method" -o "$out.body" -D "$out.headers" -w '%{http_code}'
        -H "Authorization: Bearer $GAMME_BENCH_TOKEN")
    [[ -n $extra ]] && args+=(-H "$extra")
    [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
    curl "${args[@]}" "$url"
}
header_of() { awk -v h="$2" 'BEGIN{IGNORECASE=1} tolower($1) == tolower(h) ":" {sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print}' "$1"; }

expect_status() {
    local what=$1 got=$2 want=$3
    [[ $got == "$want" ]] || die "$what answered $got, not $want: $(head -c 400 "${4:-/dev/null}")"
}

status=$(fetch "$work/procedure" GET "$base/api/procedures/$procedure_id" "")
expect_status "GET /api/procedures/$procedure_id" "$status" 200 "$work/procedure.body"
add_row procedure "GET /api/procedures/{id} (30 steps)" GET "/api/procedures/$procedure_id" "$c_get" "" auth.lua ""
etag=$(header_of "$work/procedure.headers" ETag)
if [[ -n $etag ]]; then
    status=$(fetch "$work/procedure-304" GET "$base/api/procedures/$procedure_id" "If-None-Match: $etag")
    expect_status "GET /api/procedures/$procedure_id with If-None-Match" "$status" 304 "$work/procedure-304.body"
    add_row procedure-304 "  same, If-None-Match (304)" GET "/api/procedures/$procedure_id" "$c_get" "If-None-Match: $etag" auth.lua ""
    etag_note="the procedure answer has an ETag ($etag): the If-None-Match row is measured"
else
    etag_note="the procedure answer has no ETag: no If-None-Match row"
fi
for word in pompe inspection; do
    status=$(fetch "$work/search-$word" GET "$base/api/procedures?q=$word" "")
    expect_status "GET /api/procedures?q=$word" "$status" 200 "$work/search-$word.body"
    add_row "search-$word" "GET /api/procedures?q=$word" GET "/api/procedures?q=$word" "$c_search" "" auth.lua ""
done
# The pair's stored result id, sent again: the answer is what was stored.
status=$(fetch "$work/put-replay" PUT "$base$put_path" "" "{\"result_id\":\"$put_stored_id\",\"value\":$put_value}")
expect_status "PUT $put_path (stored result id)" "$status" 200 "$work/put-replay.body"
add_row put-replay "PUT /api/runs/{id}/steps/{id} replay" PUT "$put_path" "$c_put" "" put.lua replay
status=$(fetch "$work/put-fresh" PUT "$base$fresh_path" "" "{\"result_id\":\"$(python3 -c 'import uuid; print(uuid.uuid4())')\",\"value\":$fresh_value}")
expect_status "PUT $fresh_path (new result id)" "$status" 200 "$work/put-fresh.body"
add_row put-fresh "PUT /api/runs/{id}/steps/{id} fresh" PUT "$put_path" "$c_put" "" put.lua fresh
# The GET rows ran once; the PUT replay row must answer with what was stored, not a new write.
replay_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["result_id"])' "$work/put-replay.body")
[[ $replay_id == "$put_stored_id" ]] || die "the replayed PUT answered result $replay_id, not the stored $put_stored_id"

# ---- the ceiling nginx ---------------------------------------------------------------------
for i in "${!names[@]}"; do
    # The 304 has no body: its ceiling is the full answer, which nginx then answers 304 for.
    from=${names[i]}
    [[ $from == procedure-304 ]] && from=procedure
    cp "$work/$from.body" "$work/ceiling/root/ceiling/${names[i]}.json"
done
# The headers Gamme's nginx adds to every answer (nginx/gamme.conf.template), so both answers
# carry about as many bytes.
security_headers='
        add_header X-Request-Id $request_id always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Referrer-Policy same-origin always;
        add_header Permissions-Policy "camera=(self), microphone=(), geolocation=()" always;'
ceiling_locations=""
for i in "${!names[@]}"; do
    if [[ ${methods[i]} == PUT ]]; then
        continue
    fi
    ceiling_locations+="
    location = /ceiling/${names[i]}.json {$security_headers
    }"
done
user_line=""
((EUID == 0)) && user_line="user root;"
mkdir -p "$work/ceiling/temp"
cat >"$work/ceiling/nginx.conf" <<CONF
# Written by scripts/bench.sh: the saved Gamme answers as static files, the ceiling of each row.
$user_line
worker_processes 2;
daemon off;
pid $work/ceiling/nginx.pid;
error_log $work/ceiling/error.log notice;
events {
    worker_connections 1024;
}
http {
    default_type application/json;
    types { }
    client_body_temp_path $work/ceiling/temp/client_body;
    proxy_temp_path $work/ceiling/temp/proxy;
    fastcgi_temp_path $work/ceiling/temp/fastcgi;
    uwsgi_temp_path $work/ceiling/temp/uwsgi;
    scgi_temp_path $work/ceiling/temp/scgi;
    # The same JSON line per request as Gamme's nginx writes.
    log_format gamme escape=json
        '{"time":"\$time_iso8601","request_id":"\$request_id",'
        '"remote_addr":"\$remote_addr","request":"\$request",'
        '"status":\$status,"bytes_sent":\$body_bytes_sent,"request_length":\$request_length,'
        '"request_time":\$request_time,"upstream":"\$upstream_addr",'
        '"upstream_status":"\$upstream_status","upstream_time":"\$upstream_response_time",'
        '"user_agent":"\$http_user_agent","referer":"\$http_referer"}';
    server {
        listen 127.0.0.1:$ceiling_port;
        server_tokens off;
        sendfile on;
        tcp_nopush on;
        access_log $work/ceiling/access.log gamme;
        root $work/ceiling/root;
        $ceiling_locations
        # Static files refuse PUT with 405; the saved PUT answer is served instead, as a 200.
        location /api/runs/ {
            error_page 405 =200 /ceiling/put-fresh.json;
        }
        location = /ceiling/put-fresh.json {$security_headers
        }
    }
}
CONF
"$nginx_bin" -p "$work/ceiling" -c "$work/ceiling/nginx.conf" -e "$work/ceiling/error.log" -t -q ||
    die "nginx rejected $work/ceiling/nginx.conf"
setsid "$nginx_bin" -p "$work/ceiling" -c "$work/ceiling/nginx.conf" -e "$work/ceiling/error.log" \
    >"$work/ceiling/stdout.log" 2>&1 </dev/null &
# The master's own pid file: setsid forks when it is started as a group leader.
for _ in $(seq 50); do
    curl -fsS -o /dev/null "$ceiling/ceiling/procedure.json" 2>/dev/null && break
    sleep 0.1
done
ceiling_pid=$(cat "$work/ceiling/nginx.pid" 2>/dev/null) || die "the ceiling nginx did not start: $(tail -5 "$work/ceiling/error.log")"

# The ceiling's URL of each row, checked to answer the same bytes.
ceiling_paths=() ceiling_extras=()
for i in "${!names[@]}"; do
    name=${names[i]}
    if [[ ${methods[i]} == PUT ]]; then
        ceiling_paths+=("$put_path") ceiling_extras+=("")
        status=$(fetch "$work/ceiling-$name" PUT "$ceiling$put_path" "" "{\"result_id\":\"$put_stored_id\",\"value\":$put_value}")
        expect_status "ceiling PUT" "$status" 200 "$work/ceiling-$name.body"
        cmp -s "$work/ceiling-$name.body" "$work/put-fresh.body" || die "the ceiling's PUT answer differs"
        continue
    fi
    ceiling_paths+=("/ceiling/${names[i]}.json")
    if [[ $name == procedure-304 ]]; then
        # nginx's own ETag of the file, as a client would have been given it.
        fetch "$work/ceiling-procedure" GET "$ceiling/ceiling/procedure-304.json" "" >/dev/null
        ceiling_etag=$(header_of "$work/ceiling-procedure.headers" ETag)
        ceiling_extras+=("If-None-Match: $ceiling_etag")
        status=$(fetch "$work/ceiling-$name" GET "$ceiling/ceiling/$name.json" "If-None-Match: $ceiling_etag")
        expect_status "ceiling If-None-Match" "$status" 304 "$work/ceiling-$name.body"
        continue
    fi
    ceiling_extras+=("")
    status=$(fetch "$work/ceiling-$name" GET "$ceiling/ceiling/$name.json" "")
    expect_status "ceiling $name" "$status" 200 "$work/ceiling-$name.body"
    cmp -s "$work/ceiling-$name.body" "$work/$name.body" || die "the ceiling's answer for $name differs"
done

# ---- load ----------------------------------------------------------------------------------
commands=()
failed=0
# Runs wrk (after a warm-up that is not counted) and sets m=(requests rps p50_us p99_us
# answers>=400 socket_errors).
measure() {
    local out=$1 url=$2 conns=$3 extra=$4 script=$5 mode=$6 cmd warm shown
    cmd=(wrk --latency -t"$threads" -c"$conns" -d"$duration" -s "scripts/bench/$script")
    warm=(wrk -t"$threads" -c"$conns" -d"$warmup" -s "scripts/bench/$script")
    if [[ -n $extra ]]; then
        cmd+=(-H "$extra")
        warm+=(-H "$extra")
    fi
    cmd+=("$url")
    warm+=("$url")
    shown="GAMME_BENCH_TOKEN=<technician token>"
    [[ $script == put.lua ]] && shown+=" GAMME_BENCH_PUT_DATA=$GAMME_BENCH_PUT_DATA GAMME_BENCH_PUT_MODE=$mode"
    shown+=" $(printf '%q ' "${cmd[@]}")"
    commands+=("${shown% }")
    log "${cmd[*]}"
    (cd "$repo" && GAMME_BENCH_PUT_MODE=$mode "${warm[@]}") >"$out.warmup"
    (cd "$repo" && GAMME_BENCH_PUT_MODE=$mode "${cmd[@]}") >"$out"
    read -r -a m < <(awk '/^GAMME_BENCH / {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%d %.1f %d %d %d %d\n", v["requests"], v["requests"] / (v["duration_us"] / 1e6),
            v["p50_us"], v["p99_us"], v["non2xx"], v["socket_errors"] }' "$out")
    ((${#m[@]} == 6)) || die "no figures from wrk in $out"
}

results=()
for i in "${!names[@]}"; do
    name=${names[i]}
    measure "$work/wrk/$name.txt" "$base${paths[i]}" "${conns[i]}" "${extras[i]}" "${scripts[i]}" "${modes[i]}"
    gamme=("${m[@]}")
    measure "$work/wrk/ceiling-$name.txt" "$ceiling${ceiling_paths[i]}" "${conns[i]}" "${ceiling_extras[i]}" \
        "${scripts[i]}" "${modes[i]}"
    ((gamme[4] + m[4] == 0)) || failed=1
    results+=("${labels[i]}|${conns[i]}|$(IFS='|'; echo "${gamme[*]:1}")|$(IFS='|'; echo "${m[*]:1}")")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
postgres=$(psql_db -c "SELECT split_part(version(), ' ', 2) || ', ' || string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
    FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_connections')")

# ---- memory after the load -----------------------------------------------------------------
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# A process and its children (nginx's workers), summed.
tree_kb() {
    local pid=$1 key=$2 total kid
    total=$(status_kb "$pid" "$key")
    for kid in $(ps -o pid= --ppid "$pid"); do
        total=$((total + $(status_kb "$kid" "$key")))
    done
    echo "${total:-0}"
}
memory_rows=()
for svc in auth procedures files ai-worker work nginx; do
    pid=$(cat "$stack_dir/run/$svc.pid" 2>/dev/null || true)
    [[ -n $pid && -d /proc/$pid ]] || { memory_rows+=("$svc|-|-|-"); continue; }
    memory_rows+=("$svc|$pid|$(tree_kb "$pid" VmRSS)|$(tree_kb "$pid" VmHWM)")
done
memory_rows+=("ceiling nginx|$ceiling_pid|$(tree_kb "$ceiling_pid" VmRSS)|$(tree_kb "$ceiling_pid" VmHWM)")

# ---- the report ----------------------------------------------------------------------------
# A 304 has no body: curl writes no file for it.
size_of() { if [[ -f $1 ]]; then stat -c %s "$1"; else echo 0; fi; }
echo
echo "Gamme API through nginx at $base, next to nginx serving the same bytes from a file at $ceiling"
echo "commit $commit, release build, $(nproc) cores; load average before $load_before, after $load_after"
echo "library: $library procedures ($procedures seeded, the rest the bench's own), $runs runs of the 30-step procedure"
if [[ $seed_mode == sql ]]; then
    echo "seeding: $procedures procedures by $(realpath --relative-to="$repo" "$seed_sql") in ${sql_seconds} s;" \
        "users, the 30-step procedure and the runs through the API"
else
    echo "seeding: $procedures procedures through the API in ${seed_seconds} s ($workers parallel clients)"
fi
echo "runs: $runs started and $((runs * 30)) step results recorded through the API in ${runs_seconds} s"
echo "throttling: auth's sign-in limits lifted for this stack (${lifted_limits[*]});" \
    "nginx limits only sign-in and setup, never the measured routes"
echo "postgres $postgres; services' pools: GAMME_DB_POOL_SIZE=${GAMME_DB_POOL_SIZE:-10 (default)}"
echo "$etag_note"
echo "wrk -t$threads, ${duration} per row after a ${warmup} warm-up, loopback; ceiling PUT: error_page 405 =200 to the saved file"
echo
python3 - "${results[@]}" <<'PY'
import sys
ms = lambda us: f"{int(us) / 1000:.2f}"
head = ("request", "c", "req/s", "p50 ms", "p99 ms", ">=400", "sock", "ceil req/s", "p50 ms", "p99 ms",
        "req/s ratio", "p99 ratio")
rows = []
for line in sys.argv[1:]:
    label, c, rps, p50, p99, bad, sock, crps, cp50, cp99, cbad, csock = line.split("|")
    rows.append((label, c, f"{float(rps):.0f}", ms(p50), ms(p99), bad if bad == cbad == "0" else f"{bad}/{cbad}",
                 sock if sock == csock == "0" else f"{sock}/{csock}", f"{float(crps):.0f}", ms(cp50), ms(cp99),
                 f"{float(rps) / float(crps):.3f}", f"{int(p99) / max(int(cp99), 1):.1f}"))
widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
for r in [head] + rows:
    print("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths))))
PY
echo "(>=400 and sock: answers of 400 and above, and socket errors, during the load; Gamme/ceiling when not both 0)"
echo
echo "answer sizes in bytes, Gamme / ceiling:"
for i in "${!names[@]}"; do
    name=${names[i]}
    printf '  %-40s body %7s / %-7s headers %4s / %s\n' "${labels[i]}" \
        "$(size_of "$work/$name.body")" "$(size_of "$work/ceiling-$name.body")" \
        "$(size_of "$work/$name.headers")" "$(size_of "$work/ceiling-$name.headers")"
done
echo
echo "memory after the load (kB; nginx: master and workers):"
printf '  %-14s %8s %10s %10s\n' process pid VmRSS VmHWM
for row in "${memory_rows[@]}"; do
    IFS='|' read -r name pid rss hwm <<<"$row"
    printf '  %-14s %8s %10s %10s\n' "$name" "$pid" "$rss" "$hwm"
done
echo
echo "commands (from $repo; the token is the technician's; wrk outputs in $work/wrk):"
printf '  %s\n' "${commands[@]}"
if ((failed)); then
    echo
    echo "SOME ANSWERS WERE 400 OR ABOVE DURING THE LOAD: the figures of those rows are not valid"
    exit 1
fi
