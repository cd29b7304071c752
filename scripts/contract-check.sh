#!/usr/bin/env bash
# Fuzzes every committed OpenAPI document against a real local stack with schemathesis
# (`--checks all`), and prints each document's failures by check and the total. A step of
# scripts/test.sh ("API contracts"): every document must give 0 failures.
#
#   scripts/contract-check.sh [MAX_EXAMPLES]    (5 examples per operation by default)
#
# It makes a virtual environment with schemathesis (GAMME_SCHEMATHESIS_VERSION, 4.32.5; GAMME_SCHEMATHESIS_VENV,
# by default /var/cache/gamme-schemathesis; needs python3 with venv), starts a stack of its own
# (scripts/stack.sh on GAMME_PORT 18880, GAMME_STACK_PORT_BASE 18980, database
# gamme_contract_check, folder .stack/contract-check, all dropped and made anew), sets up its admin,
# runs every document as that admin, and stops the stack. The few settings where a document
# cannot say all the server checks (an opaque cursor, sniffed upload bytes, a rule between two
# parameters) are in scripts/contract-check.toml, each with its reason. Full reports:
# $GAMME_STACK_DIR/schemathesis/<document>.txt. Exit status 1 when any document has a failure.
set -euo pipefail
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
max_examples=${1:-5}
venv=${GAMME_SCHEMATHESIS_VENV:-/var/cache/gamme-schemathesis}
# Pinned: a new schemathesis brings new checks, which should come in as a change of their own.
schemathesis_version=${GAMME_SCHEMATHESIS_VERSION:-4.32.5}
export GAMME_PORT=${GAMME_PORT:-18880}
export GAMME_STACK_PORT_BASE=${GAMME_STACK_PORT_BASE:-18980}
export GAMME_STACK_DIR=${GAMME_STACK_DIR:-$repo/.stack/contract-check}
export GAMME_STACK_DB=${GAMME_STACK_DB:-gamme_contract_check}
export GAMME_STACK_RESET_DB=1 GAMME_STACK_NO_WEB=${GAMME_STACK_NO_WEB:-1}
export GAMME_BUS_PREFIX=${GAMME_BUS_PREFIX:-gamme-contract-check-$$}
base=http://127.0.0.1:$GAMME_PORT
reports=$GAMME_STACK_DIR/schemathesis

log() { printf '[contract-check %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [[ $("$venv/bin/schemathesis" --version 2>/dev/null) != *" $schemathesis_version" ]]; then
    log "making $venv with schemathesis $schemathesis_version"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$schemathesis_version"
fi

trap '"$repo/scripts/stack.sh" down >/dev/null 2>&1 || true' EXIT
log "starting a stack on $base"
mkdir -p "$GAMME_STACK_DIR"
"$repo/scripts/stack.sh" up >"$GAMME_STACK_DIR/stack-up.log" 2>&1 || {
    tail -20 "$GAMME_STACK_DIR/stack-up.log" >&2
    exit 1
}

email=contract-admin@gamme.test password=Contract-check-password-42
curl -fsS -X POST "$base/api/auth/setup" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"display_name\":\"Contract admin\"}" >/dev/null
token=$(curl -fsS -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

mkdir -p "$reports"
total=0
for doc in auth procedures files ai work; do
    # schemathesis keeps its own state in the working folder: keep it in the stack's.
    (cd "$reports" && "$venv/bin/schemathesis" --config-file "$repo/scripts/contract-check.toml" run "$repo/docs/openapi/$doc.json" --url "$base" \
        -H "Authorization: Bearer $token" --checks all --max-examples "$max_examples" --no-color \
        >"$reports/$doc.txt" 2>&1) || true
    failures=$(grep -oE '[0-9]+ failures?' "$reports/$doc.txt" | tail -1 | grep -oE '[0-9]+' || echo 0)
    total=$((total + failures))
    printf '%-11s %3d failures\n' "$doc" "$failures"
    # An operation schemathesis cannot generate a request for is not fuzzed at all: say so.
    sed -n '/^Errors:/,/^$/p' "$reports/$doc.txt" | grep -E '^ +. ' | sed 's/^ *[^ ]* /    not fuzzed: /' || true
    sed -n '/^Failures:/,/^$/p' "$reports/$doc.txt" | grep -E '^ +. ST' | sed 's/^ *[^ ]* /    /' || true
done
printf 'total       %3d failures (schemathesis --checks all --max-examples %s; reports in %s)\n' \
    "$total" "$max_examples" "$reports"
((total == 0))
