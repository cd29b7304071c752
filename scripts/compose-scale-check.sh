#!/usr/bin/env bash
# Checks that nginx spreads /api/ai over every ai-worker replica, and finds recreated ones.
#
# Against a running compose stack (scripts/compose-smoke.sh calls it; or `docker compose up -d`
# first): scales ai-worker to N (4), waits until all are healthy, sends requests through nginx's
# HTTPS port, and counts per replica the requests nginx's access log says it proxied there
# (its `upstream` field, matched to each container's address); every replica must have some.
# Then recreates every replica (new containers, new addresses) and counts again without
# touching nginx: it must find the new ones by itself.
#
# Settings: GAMME_SCALE_WORKERS (4), GAMME_SCALE_REQUESTS (80 per round), GAMME_HTTPS_PORT
# (8443), COMPOSE_PROJECT_NAME / GAMME_SMOKE_PROJECT (the stack's project name, gamme-smoke),
# GAMME_COMPOSE_FILES (extra `-f` files, space-separated), GAMME_COMPOSE_ENV_FILE (compose --env-file).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

workers=${GAMME_SCALE_WORKERS:-4}
requests=${GAMME_SCALE_REQUESTS:-80}
https_port=${GAMME_HTTPS_PORT:-8443}
project=${COMPOSE_PROJECT_NAME:-${GAMME_SMOKE_PROJECT:-gamme-smoke}}
files=(-f docker-compose.yml)
for f in ${GAMME_COMPOSE_FILES:-}; do files+=(-f "$f"); done
[[ -z ${GAMME_COMPOSE_ENV_FILE:-} ]] || files=(--env-file "$GAMME_COMPOSE_ENV_FILE" "${files[@]}")

if docker compose version >/dev/null 2>&1; then
    compose_cmd=(docker compose)
else
    compose_cmd=(docker-compose)
fi
compose() { "${compose_cmd[@]}" -p "$project" "${files[@]}" "$@"; }

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

wait_healthy() {
    local deadline=$((SECONDS + 300)) ids healthy states id state
    while :; do
        mapfile -t ids < <(compose ps -q ai-worker)
        healthy=0
        states=()
        for id in "${ids[@]}"; do
            state=$(docker inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id")
            states+=("$state")
            [[ $state == running/healthy ]] && healthy=$((healthy + 1))
        done
        if ((${#ids[@]} == workers && healthy == workers)); then
            echo "    $workers replicas: ${states[*]}"
            return
        fi
        ((SECONDS < deadline)) || fail "ai-worker: ${#ids[@]} containers, $healthy healthy (${states[*]})"
        sleep 3
    done
}

# round NAME: sends the requests and checks every replica's share.
round() {
    local name=$1 prefix i id ip count total=0 missing=0 code
    prefix="scale-$name-$(date +%s)"
    declare -A by_ip=()
    for id in $(compose ps -q ai-worker); do
        ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$id")
        by_ip[$ip]=$(docker inspect -f '{{.Name}}' "$id")
    done
    for ((i = 0; i < requests; i++)); do
        # No token: the worker itself answers 401, which is enough to know which one it was.
        code=$(curl -sk -o /dev/null -w '%{http_code}' -H "X-Request-Id: $prefix-$i" \
            --resolve "localhost:$https_port:127.0.0.1" \
            "https://localhost:$https_port/api/ai/jobs/00000000-0000-0000-0000-000000000000")
        [[ $code == 401 ]] || fail "request $i answered $code (the worker's 401 was expected)"
    done
    sleep 1
    local log
    log=$(compose logs --no-color nginx | grep -F "\"request_id\":\"$prefix-" || true)
    echo "    $name: $requests requests through nginx, per replica:"
    for ip in "${!by_ip[@]}"; do
        count=$(grep -cF "\"upstream\":\"$ip:8080\"" <<<"$log" || true)
        total=$((total + count))
        printf '      %-40s %-15s %3d\n' "${by_ip[$ip]#/}" "$ip" "$count"
        ((count > 0)) || missing=$((missing + 1))
    done
    ((total == requests)) || fail "$name: nginx logged $total of $requests requests to the replicas' addresses"
    ((missing == 0)) || fail "$name: $missing of $workers replicas got no request"
}

echo "==> up -d --scale ai-worker=$workers"
compose up -d --no-recreate --scale "ai-worker=$workers" ai-worker
wait_healthy
round scaled

echo "==> recreating every ai-worker replica (new containers and addresses), nginx untouched"
nginx_started=$(docker inspect -f '{{.State.StartedAt}}' "$(compose ps -q nginx)")
compose up -d --no-deps --force-recreate --scale "ai-worker=$workers" ai-worker
wait_healthy
# Docker's DNS answers change at once; nginx keeps an answer for at most 5 s.
sleep 6
round recreated
[[ $(docker inspect -f '{{.State.StartedAt}}' "$(compose ps -q nginx)") == "$nginx_started" ]] ||
    fail "nginx was restarted"
echo "PASS: every replica got requests, before and after being recreated, nginx never restarted"
