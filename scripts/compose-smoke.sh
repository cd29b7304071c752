#!/usr/bin/env bash
# Smoke-tests docker-compose.yml for real: build, start, first-run setup, sign-in, scale the AI worker, tear down.
#
# Settings: GAMME_PORT (8080), GAMME_SMOKE_TIMEOUT (600 s to wait for the stack),
# GAMME_SMOKE_KEEP=1 leaves the stack running (and its volumes) for a look afterwards.
# The stack is always started from empty volumes and removed with them (`down -v`).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

port=${GAMME_PORT:-8080}
base=http://127.0.0.1:$port
timeout=${GAMME_SMOKE_TIMEOUT:-600}
email=admin@example.com
password="correct horse battery"
workers=3

if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
else
    compose=(docker-compose)
fi

started=$SECONDS
body_file=$(mktemp)
step() { printf '\n==> [%4ds] %s\n' "$((SECONDS - started))" "$*"; }
fail() {
    printf '\nFAIL: %s\n' "$*" >&2
    exit 1
}

cleanup() {
    local rc=$?
    rm -f "$body_file"
    if ((rc != 0)); then
        printf '\n==> service status and logs\n' >&2
        "${compose[@]}" ps >&2 || true
        "${compose[@]}" logs --no-color --tail 50 >&2 || true
    fi
    if [[ ${GAMME_SMOKE_KEEP:-0} == 1 ]]; then
        printf '\n==> GAMME_SMOKE_KEEP=1: stack left running; remove it with: %s down -v\n' "${compose[*]}"
    else
        step "${compose[*]} down -v"
        "${compose[@]}" down -v --remove-orphans || true
    fi
    if ((rc == 0)); then
        printf '\nPASS in %ds\n' "$((SECONDS - started))"
    fi
    exit "$rc"
}
trap cleanup EXIT

# Reads one top-level field of a JSON document on stdin.
json_field() {
    python3 -c 'import json, sys; v = json.load(sys.stdin).get(sys.argv[1]); print(json.dumps(v) if isinstance(v, bool) else (v if v is not None else ""))' "$1"
}

# request METHOD PATH [BODY] [extra curl args...]: sets $status and $body.
request() {
    local method=$1 path=$2 data=${3:-}
    shift 3 || shift $#
    local out args=(-sS -m 20 -o "$body_file" -w '%{http_code}' -X "$method" "$@")
    if [[ -n $data ]]; then
        args+=(-H 'Content-Type: application/json' --data "$data")
    fi
    out=$(curl "${args[@]}" "$base$path") || out=000
    status=$out
    body=$(cat "$body_file")
    printf '    %s %s -> %s %s\n' "$method" "$path" "$status" "${body:0:200}"
}

expect_status() {
    [[ $status == "$1" ]] || fail "expected HTTP $1, got $status: $body"
}

step "${compose[*]} up -d --build (compose file check first)"
"${compose[@]}" config -q
build_started=$SECONDS
"${compose[@]}" up -d --build
echo "    up returned after $((SECONDS - build_started))s"

step "waiting (max ${timeout}s) for GET $base/api/auth/setup"
deadline=$((SECONDS + timeout))
needed=""
while :; do
    # 3 s between polls keeps well under the login rate limit this endpoint shares.
    if body=$(curl -fsS -m 5 "$base/api/auth/setup" 2>/dev/null) &&
        needed=$(json_field needed <<<"$body" 2>/dev/null) && [[ $needed == true || $needed == false ]]; then
        echo "    answered after $((SECONDS - build_started))s from up: $body"
        break
    fi
    ((SECONDS < deadline)) || fail "no JSON answer from $base/api/auth/setup within ${timeout}s"
    sleep 3
done

if [[ $needed == true ]]; then
    step "POST /api/auth/setup (first admin)"
    request POST /api/auth/setup "{\"email\":\"$email\",\"password\":\"$password\",\"display_name\":\"Admin\"}"
    expect_status 201
else
    # Setup is closed when GAMME_ADMIN_EMAIL/PASSWORD seeded the admin.
    email=${GAMME_ADMIN_EMAIL:?setup reports needed=false; export GAMME_ADMIN_EMAIL and GAMME_ADMIN_PASSWORD}
    password=${GAMME_ADMIN_PASSWORD:?GAMME_ADMIN_PASSWORD is required when setup is not needed}
    echo "    setup not needed: signing in as $email"
fi

step "POST /api/auth/login"
request POST /api/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}"
expect_status 200
token=$(json_field access_token <<<"$body")
[[ -n $token ]] || fail "login answered 200 without access_token"

step "GET /api/auth/me"
request GET /api/auth/me "" -H "Authorization: Bearer $token"
expect_status 200

step "security headers and request id through nginx"
headers=$(curl -sS -D - -o /dev/null -H 'X-Request-Id: smoke-test-0001' "$base/")
for h in 'X-Request-Id: smoke-test-0001' 'X-Content-Type-Options: nosniff' 'X-Frame-Options: DENY' 'Content-Security-Policy:'; do
    grep -qi "^$h" <<<"$headers" || fail "missing header '$h' on /: $headers"
done
request GET /metrics
expect_status 404
echo "    ok"

step "upload a manual, download it through nginx, draft a procedure from it (offline assistant)"
manual=$(mktemp --suffix=.txt)
printf '%s\n' '# Consignation' 'DANGER : tension 400 V.' '1. Consigner la pompe.' \
    '2. Serrer les vis à 45–55 N·m.' >"$manual"
request POST /api/files "" -H "Authorization: Bearer $token" -F "files=@$manual;filename=manuel.txt"
rm -f "$manual"
expect_status 201
file_id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["files"][0]["id"])' <<<"$body")
headers=$(curl -sS -D - -o /dev/null -H "Authorization: Bearer $token" "$base/api/files/$file_id/content")
grep -q '^HTTP/1.1 200' <<<"$headers" || fail "download through nginx: $headers"
grep -qi '^X-Content-Type-Options: nosniff' <<<"$headers" || fail "download without nosniff: $headers"
request POST /api/ai/jobs "{\"kind\":\"draft_procedure\",\"file_ids\":[\"$file_id\"],\"language\":\"fr\"}" \
    -H "Authorization: Bearer $token"
expect_status 202
job_id=$(json_field id <<<"$body")
deadline=$((SECONDS + 120))
while :; do
    request GET "/api/ai/jobs/$job_id" "" -H "Authorization: Bearer $token"
    job_status=$(json_field status <<<"$body")
    [[ $job_status == succeeded ]] && break
    [[ $job_status == failed ]] && fail "the AI job failed: $body"
    ((SECONDS < deadline)) || fail "the AI job did not finish within 120 s"
    sleep 2
done
request POST /api/procedures "{\"code\":\"SMOKE-1\",\"title\":\"Pompe\",\"language\":\"fr\"}" \
    -H "Authorization: Bearer $token"
expect_status 201

step "${compose[*]} up -d --scale ai-worker=$workers"
"${compose[@]}" up -d --scale "ai-worker=$workers"

step "waiting (max 180s) for $workers healthy ai-worker containers"
deadline=$((SECONDS + 180))
while :; do
    mapfile -t ids < <("${compose[@]}" ps -q ai-worker)
    healthy=0
    states=()
    for id in "${ids[@]}"; do
        state=$(docker inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' "$id")
        states+=("$state")
        [[ $state == running/healthy ]] && healthy=$((healthy + 1))
    done
    if ((${#ids[@]} == workers && healthy == workers)); then
        echo "    ${states[*]}"
        break
    fi
    ((SECONDS < deadline)) || fail "ai-worker containers: ${#ids[@]}, healthy: $healthy (${states[*]})"
    sleep 3
done

step "GET /api/auth/me again after scaling"
request GET /api/auth/me "" -H "Authorization: Bearer $token"
expect_status 200
