#!/usr/bin/env bash
# The backup round trip on a local stack: start it, put a team's data in through the API, back it
# up while it runs, destroy the database and the files folder, restore, and find every table's
# row count, every stored file's checksum, a valid audit chain, the files downloadable and
# sign-in working. Exit status 0 when all of that holds.
#
#   scripts/backup-check.sh
#
# Settings (environment): GAMME_PORT (18480), GAMME_STACK_PORT_BASE (18580),
# GAMME_STACK_DIR (<repo>/.stack/backup-check), GAMME_STACK_DB (gamme_backup_check),
# GAMME_STACK_PG_URL, GAMME_STACK_AMQP_URL, GAMME_STACK_NO_BUILD=1 (binaries already built),
# CARGO_TARGET_DIR. The database and folder named here are dropped at the start and the end.
set -euo pipefail
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/sample-data.sh
source "$repo/scripts/sample-data.sh"
# shellcheck source=scripts/backup-target.sh
source "$repo/scripts/backup-target.sh"

export GAMME_PORT=${GAMME_PORT:-18480}
export GAMME_STACK_PORT_BASE=${GAMME_STACK_PORT_BASE:-18580}
export GAMME_STACK_DIR=${GAMME_STACK_DIR:-$repo/.stack/backup-check}
[[ $GAMME_STACK_DIR == /* ]] || GAMME_STACK_DIR=$PWD/$GAMME_STACK_DIR
export GAMME_STACK_DB=${GAMME_STACK_DB:-gamme_backup_check}
export GAMME_STACK_NO_WEB=${GAMME_STACK_NO_WEB:-1}
pg_server=${GAMME_STACK_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_server=${pg_server%/}
base=http://127.0.0.1:$GAMME_PORT
files_dir=$GAMME_STACK_DIR/files
work=$(mktemp -d "${TMPDIR:-/tmp}/gamme-backup-check.XXXXXX")

log() { printf '[backup-check %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fail() {
    log "FAILED: $*"
    exit 1
}
admin_sql() { PGOPTIONS=--client-min-messages=warning psql "$pg_server/postgres" -v ON_ERROR_STOP=1 -qtAX "$@"; }
drop_everything() {
    admin_sql -c "DROP DATABASE IF EXISTS \"$GAMME_STACK_DB\" WITH (FORCE)" >/dev/null
    rm -rf "$files_dir"
}
finish() {
    local rc=$?
    "$repo/scripts/stack.sh" down >/dev/null 2>&1 || true
    if ((rc == 0)); then
        drop_everything
        rm -rf "$work"
    else
        log "left for a look: $work, database $GAMME_STACK_DB, $GAMME_STACK_DIR"
    fi
}
trap finish EXIT

snapshot() { sample_snapshot "$pg_server/$GAMME_STACK_DB" "$files_dir" "$1"; }

started=$SECONDS
drop_everything
log "starting a stack on $base (database $GAMME_STACK_DB)"
"$repo/scripts/stack.sh" up >"$work/stack-up.log" 2>&1 || {
    tail -n 30 "$work/stack-up.log" >&2
    fail "the stack did not start"
}

populate_start=$SECONDS
# Not in a `||` list: errexit must stop at the first request that fails.
sample_populate "$base" "$work/sample"
log "populated through the API in $((SECONDS - populate_start)) s: AI job $(jq -r .ai_job_status "$work/sample/sample.json")"
# Some rows come a moment after the requests that caused them (audit entries other services send
# through the broker, the audit chain's seals): count once two counts a second apart agree.
snapshot "$work/before"
for _ in $(seq 30); do
    sleep 1
    snapshot "$work/settled"
    cmp -s "$work/before.rows" "$work/settled.rows" && break
    mv "$work/settled.rows" "$work/before.rows"
    mv "$work/settled.files" "$work/before.files"
done
log "$(wc -l <"$work/before.rows") tables, $(awk '{ s += $2 } END { print s }' "$work/before.rows") rows, $(wc -l <"$work/before.files") stored files"

backup_start=$SECONDS
archive=$work/backups/gamme-backup.tar.gz
"$repo/scripts/backup.sh" --to "$archive" >/dev/null 2>"$work/backup.log" || {
    cat "$work/backup.log" >&2
    fail "backup.sh"
}
backup_secs=$((SECONDS - backup_start))
cat "$work/backup.log" >&2
log "backup took ${backup_secs} s, archive $(stat -c %s "$archive") bytes"

log "destroying the database and the files folder"
"$repo/scripts/stack.sh" down >/dev/null 2>&1
drop_everything

restore_start=$SECONDS
# No --force: the target must count as empty once destroyed.
"$repo/scripts/restore.sh" "$archive" || fail "restore.sh"
restore_secs=$((SECONDS - restore_start))
snapshot "$work/after"
diff "$work/before.rows" "$work/after.rows" >&2 || fail "row counts differ after the restore"
diff "$work/before.files" "$work/after.files" >&2 || fail "stored files differ after the restore"
log "every table's row count and every stored file's checksum are as before"

if "$repo/scripts/restore.sh" "$archive" >"$work/again.log" 2>&1; then
    fail "restore.sh restored over a database that holds data"
fi
grep -q 'not empty' "$work/again.log" || fail "restore.sh refused for another reason: $(tail -n 1 "$work/again.log")"
log "a second restore without --force is refused"

"$repo/scripts/stack.sh" up >"$work/stack-up-2.log" 2>&1 || {
    tail -n 30 "$work/stack-up-2.log" >&2
    fail "the stack did not start on the restored data"
}
sample=$work/sample/sample.json
served=$(sample_served "$base" "$work/sample") || fail "the restored data is not served as it was"
log "$served"
tech=$(sample_login "$base" "$(jq -r .technician "$sample")" "$(jq -r .password "$sample")")
procedure=$(sample_api GET "$base/api/procedures/$(jq -r .procedure "$sample")" "$tech" 200) || fail "the procedure"
[[ $(jq -r .revision.title <<<"$procedure") == "Inspection pompe P-101" ]] || fail "the procedure's title: $(jq -c .revision.title <<<"$procedure")"
log "the procedure reads as it was written"
log "passed in $((SECONDS - started)) s (backup ${backup_secs} s, restore ${restore_secs} s)"
