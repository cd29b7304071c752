#!/usr/bin/env bash
# The upgrade check: start a released Gamme (v0.1.0 unless told), put a team's data in through its
# API, stop it, start this checkout on the same database, files folder and broker names (its
# migrations apply), and find the data intact: no table losing a row, the stored files'
# checksums, a procedure's content, the files downloadable, sign-in, the audit chain, and the
# schema at this checkout's latest migration. Slow (it builds the release too): not part of
# scripts/test.sh. Exit status 0 when all of that holds.
#
#   scripts/upgrade-check.sh [REF]     REF: a tag or commit (default v0.1.0)
#
# The release is built in a git worktree of REF under /var/cache/gamme-upgrade-check/<REF>, with
# its own target folder there (seeded once from $CARGO_TARGET_DIR, so the dependencies are not
# compiled again; GAMME_UPGRADE_SEED=0 does not seed). Settings (environment): GAMME_PORT (18680),
# GAMME_STACK_PORT_BASE (18780), GAMME_STACK_DIR (<repo>/.stack/upgrade-check), GAMME_STACK_DB
# (gamme_upgrade_check), GAMME_UPGRADE_CACHE (/var/cache/gamme-upgrade-check), CARGO_TARGET_DIR.
set -euo pipefail
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/sample-data.sh
source "$repo/scripts/sample-data.sh"
# shellcheck source=scripts/backup-target.sh
source "$repo/scripts/backup-target.sh"

from=${1:-v0.1.0}
commit=$(git -C "$repo" rev-parse --verify --quiet "$from^{commit}") || {
    echo "unknown release $from (git tag v0.1.0 <commit> names the first release)" >&2
    exit 2
}
cache=${GAMME_UPGRADE_CACHE:-/var/cache/gamme-upgrade-check}
old_tree=$cache/$from
old_target=$cache/$from-target

export GAMME_PORT=${GAMME_PORT:-18680}
export GAMME_STACK_PORT_BASE=${GAMME_STACK_PORT_BASE:-18780}
export GAMME_STACK_DIR=${GAMME_STACK_DIR:-$repo/.stack/upgrade-check}
[[ $GAMME_STACK_DIR == /* ]] || GAMME_STACK_DIR=$PWD/$GAMME_STACK_DIR
export GAMME_STACK_DB=${GAMME_STACK_DB:-gamme_upgrade_check}
export GAMME_STACK_NO_WEB=${GAMME_STACK_NO_WEB:-1}
pg_server=${GAMME_STACK_PG_URL:-postgres://postgres@127.0.0.1:5432}
pg_server=${pg_server%/}
base=http://127.0.0.1:$GAMME_PORT
files_dir=$GAMME_STACK_DIR/files
work=$(mktemp -d "${TMPDIR:-/tmp}/gamme-upgrade-check.XXXXXX")
log_name=upgrade-check

fail() {
    log "FAILED: $*"
    exit 1
}
admin_sql() { PGOPTIONS=--client-min-messages=warning psql "$pg_server/postgres" -v ON_ERROR_STOP=1 -qtAX "$@"; }
db_sql() { psql "$pg_server/$GAMME_STACK_DB" -v ON_ERROR_STOP=1 -qtAX "$@"; }
drop_everything() {
    admin_sql -c "DROP DATABASE IF EXISTS \"$GAMME_STACK_DB\" WITH (FORCE)" >/dev/null
    rm -rf "$files_dir"
}
old_stack() { (cd "$old_tree" && CARGO_TARGET_DIR=$old_target scripts/stack.sh "$@"); }
new_stack() { "$repo/scripts/stack.sh" "$@"; }
finish() {
    local rc=$?
    # This checkout's first: the release's stack.sh knows fewer services, yet removes every pid file.
    new_stack down >/dev/null 2>&1 || true
    old_stack down >/dev/null 2>&1 || true
    if ((rc == 0)); then
        drop_everything
        rm -rf "$work"
    else
        log "left for a look: $work, database $GAMME_STACK_DB, $GAMME_STACK_DIR"
    fi
}
trap finish EXIT

# The migrations table grows by design: checked on its own below.
snapshot() {
    sample_snapshot "$pg_server/$GAMME_STACK_DB" "$files_dir" "$1"
    sed -i '/^__diesel_schema_migrations /d' "$1.rows"
}
# What a procedure says, without what a newer version may add to its JSON.
procedure_content() {
    jq -S '{code, published_revision_number, assets: [.assets[].id], revision: (.revision
           | {number, status, title, language, description, tags, published_at, sections: [.content.sections[]
              | {title, steps: [.steps[] | {kind, title, body, unit, min, max, attachments: [(.attachments // [])[] | (.id? // .)]}]}]})}'
}

started=$SECONDS
mkdir -p "$cache"
if [[ ! -d $old_tree ]]; then
    git -C "$repo" worktree add --detach "$old_tree" "$commit" >/dev/null
fi
[[ $(git -C "$old_tree" rev-parse HEAD) == "$commit" ]] || git -C "$old_tree" checkout -q --detach "$commit"
if [[ ! -d $old_target && ${GAMME_UPGRADE_SEED:-1} == 1 && -d ${CARGO_TARGET_DIR:-$repo/target}/debug ]]; then
    log "seeding $old_target from ${CARGO_TARGET_DIR:-$repo/target} (dependencies only need no rebuild)"
    mkdir -p "$old_target"
    cp -a "${CARGO_TARGET_DIR:-$repo/target}/debug" "$old_target/"
fi

drop_everything
build_start=$SECONDS
log "building and starting $from ($(git -C "$repo" rev-parse --short "$commit")) on $base, database $GAMME_STACK_DB"
GAMME_STACK_RESET_DB=1 old_stack up >"$work/old-up.log" 2>&1 || {
    tail -n 30 "$work/old-up.log" >&2
    fail "$from did not start"
}
log "$from up in $((SECONDS - build_start)) s"
old_schema=$(db_sql -c "SELECT max(version) FROM __diesel_schema_migrations")
old_migrations=$(db_sql -c "SELECT count(*) FROM __diesel_schema_migrations")

# Not in a `||` list: errexit must stop at the first request that fails.
sample_populate "$base" "$work/sample"
sample=$work/sample/sample.json
token=$(sample_login "$base" "$(jq -r .technician "$sample")" "$(jq -r .password "$sample")")
sample_api GET "$base/api/procedures/$(jq -r .procedure "$sample")" "$token" 200 | procedure_content >"$work/before.procedure"
old_stack down >/dev/null 2>&1
snapshot "$work/before"
log "$from: schema $old_schema, $(awk '{ s += $2 } END { print s }' "$work/before.rows") rows in $(wc -l <"$work/before.rows") tables, $(wc -l <"$work/before.files") stored files"

build_start=$SECONDS
log "starting this checkout ($(git -C "$repo" describe --tags --always --dirty)) on the same database and files"
new_stack up >"$work/new-up.log" 2>&1 || {
    tail -n 30 "$work/new-up.log" >&2
    fail "this checkout did not start on $from's data"
}
log "this checkout up in $((SECONDS - build_start)) s"
new_schema=$(db_sql -c "SELECT max(version) FROM __diesel_schema_migrations")
new_migrations=$(db_sql -c "SELECT count(*) FROM __diesel_schema_migrations")
[[ $new_schema == "$(checkout_schema_version)" ]] || fail "the schema is at $new_schema, not this checkout's $(checkout_schema_version)"
expected=$(find "$repo/migrations" -mindepth 1 -maxdepth 1 -type d -name '20*' | wc -l)
((new_migrations == expected)) || fail "$new_migrations migrations applied, this checkout has $expected"
log "migrations: $old_migrations at $from, $new_migrations now ($((new_migrations - old_migrations)) applied by the upgrade), schema $new_schema"

snapshot "$work/after"
# Tables the upgrade added are new; no table the release had loses a row. New services may add
# rows on their own (the work service turns a run's noted out-of-limit reading into a follow-up
# order, and announces it in the outbox): listed, not failed.
LC_ALL=C join -a 1 -e missing -o 0,1.2,2.2 <(LC_ALL=C sort "$work/before.rows") <(LC_ALL=C sort "$work/after.rows") >"$work/rows"
awk '$3 == "missing" || $3 + 0 < $2 + 0' "$work/rows" >"$work/lost"
[[ ! -s $work/lost ]] || {
    cat "$work/lost" >&2
    fail "rows lost by the upgrade (table, before, after)"
}
grown=$(awk '$3 + 0 > $2 + 0 { printf "%s%s %s→%s", sep, $1, $2, $3; sep = ", " }' "$work/rows")
diff "$work/before.files" "$work/after.files" >&2 || fail "stored files changed by the upgrade"
log "no row lost${grown:+ (added since: $grown)}; every stored file's checksum as before ($(comm -13 <(cut -d' ' -f1 "$work/before.rows" | sort) <(cut -d' ' -f1 "$work/after.rows" | sort) | wc -l) new tables)"

tech=$(sample_login "$base" "$(jq -r .technician "$sample")" "$(jq -r .password "$sample")") || fail "the technician cannot sign in"
sample_api GET "$base/api/procedures/$(jq -r .procedure "$sample")" "$tech" 200 | procedure_content >"$work/after.procedure"
diff "$work/before.procedure" "$work/after.procedure" >&2 || fail "the procedure reads differently after the upgrade"
served=$(sample_served "$base" "$work/sample") || fail "the upgraded Gamme does not serve the data as it was"
log "the procedure reads the same; $served"
log "passed in $((SECONDS - started)) s"
