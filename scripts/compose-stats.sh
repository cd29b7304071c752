#!/usr/bin/env bash
# Prints every container's memory (docker stats) idle, then after a burst of use, for sizing.
#
# Against a running compose stack with an admin account: waits GAMME_STATS_IDLE_SECS (30) and
# samples, then signs in GAMME_STATS_LOGINS times (19, 8 at once, and once more for a token: nginx lets an address make 20
# quickly), lists and searches procedures, uploads GAMME_STATS_UPLOADS text manuals (5) and has
# the offline AI drafter draft from each, and samples again. The limits in docker-compose.yml
# (mem_limit) come from these figures; docs/deploy.md has them.
#
# Settings: GAMME_STATS_EMAIL / GAMME_STATS_PASSWORD (the admin), GAMME_HTTPS_PORT (8443),
# COMPOSE_PROJECT_NAME (the stack's project name, gamme-smoke), GAMME_STATS_LOGINS,
# GAMME_STATS_UPLOADS, GAMME_STATS_IDLE_SECS.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
project=${COMPOSE_PROJECT_NAME:-gamme-smoke}
https_port=${GAMME_HTTPS_PORT:-8443}
email=${GAMME_STATS_EMAIL:?set GAMME_STATS_EMAIL to an admin email}
password=${GAMME_STATS_PASSWORD:?set GAMME_STATS_PASSWORD to that admin password}
logins=${GAMME_STATS_LOGINS:-19}
uploads=${GAMME_STATS_UPLOADS:-5}
base=https://localhost:$https_port
api() { curl -sk -m 60 --resolve "localhost:$https_port:127.0.0.1" "$@"; }

sample() {
    echo "== $1"
    docker stats --no-stream --format '{{.Name}}\t{{.MemUsage}}\t{{.CPUPerc}}\t{{.PIDs}}' \
        $(docker ps -q --filter "label=com.docker.compose.project=$project") | sort | column -t -s $'\t'
}

sleep "${GAMME_STATS_IDLE_SECS:-30}"
sample "idle"

body=$(printf '{"email":"%s","password":"%s"}' "$email" "$password")
export -f api
export base body https_port
seq "$logins" | xargs -P 8 -I{} bash -c 'api -o /dev/null -w "%{http_code}\n" -H "Content-Type: application/json" --data "$body" "$base/api/auth/login"' |
    sort | uniq -c | sed 's/^/   sign-ins answered: /'
token=$(api -H 'Content-Type: application/json' --data "$body" "$base/api/auth/login" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
auth=(-H "Authorization: Bearer $token")
for i in $(seq 50); do
    api -o /dev/null "${auth[@]}" "$base/api/procedures?q=pompe&limit=50"
done
manual=$(mktemp --suffix=.txt)
for i in $(seq "$uploads"); do
    {
        echo "# Pompe P-$i : maintenance préventive"
        echo "DANGER : tension 400 V. Consigner avant toute intervention."
        for n in $(seq 40); do echo "$n. Contrôler le serrage de la bride $n à 45–55 N·m."; done
    } >"$manual"
    file_id=$(api "${auth[@]}" -F "files=@$manual;filename=manuel-$i.txt" "$base/api/files" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["files"][0]["id"])')
    api -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' \
        --data "{\"kind\":\"draft_procedure\",\"file_ids\":[\"$file_id\"],\"language\":\"fr\"}" "$base/api/ai/jobs"
done
rm -f "$manual"
sleep 10
sample "after $logins sign-ins, 50 searches, $uploads uploads and AI drafts"
