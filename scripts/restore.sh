#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an empty Gamme deployment.
#
#   scripts/restore.sh FROM [--compose] [--force]
#
#   FROM        a backup folder or a .tar.gz archive
#   --compose   restore into the docker compose deployment (start only postgres first:
#               `docker compose up -d postgres`) instead of the local stack of scripts/stack.sh
#   --force     replace a database or files folder that is not empty (everything in it is lost)
#
# It checks the manifest's checksums, refuses a target that holds data (unless --force) or that
# services are connected to, creates the roles the database grants to when the server lacks them,
# loads the dump (objects owned by the restoring user, grants kept), unpacks the files, checks the
# row counts and the files' checksums against the backup, and applies the migrations this checkout
# has that the backup predates. Start the services afterwards (`scripts/stack.sh up`,
# `docker compose up -d`). Settings (environment): see scripts/backup-target.sh.
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=scripts/backup-target.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-target.sh"
log_name=restore

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

from="" force=0
while (($#)); do
    case $1 in
        --compose) target_mode=compose ;;
        --force) force=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        -*)
            usage >&2
            exit 2
            ;;
        *)
            [[ -z $from ]] || die "one backup at a time"
            from=$1
            ;;
    esac
    shift
done
[[ -n $from ]] || {
    usage >&2
    exit 2
}
[[ -e $from ]] || die "$from does not exist"
started=$SECONDS

unpacked=""
trap 'if [[ -n $unpacked ]]; then rm -rf "$unpacked"; fi' EXIT
if [[ -f $from && $from == *.tar.gz ]]; then
    unpacked=$(mktemp -d "${TMPDIR:-/tmp}/gamme-restore.XXXXXX")
    tar -C "$unpacked" --numeric-owner -xzf "$from"
    backup=$(find "$unpacked" -mindepth 2 -maxdepth 2 -name manifest -printf '%h\n' | head -n 1)
    [[ -n $backup ]] || die "$from holds no manifest"
else
    backup=$(realpath "$from")
fi
[[ -f $backup/manifest ]] || die "$backup has no manifest: not a Gamme backup"
header() { sed -n "s/^# $1: //p" "$backup/manifest"; }
[[ $(head -n 1 "$backup/manifest") == "# gamme-backup 1" ]] || die "unknown manifest format in $backup"

# Every file the manifest names is there with its checksum, and nothing else is.
log "checking $backup against its manifest"
(cd "$backup" && grep -v '^#' manifest | sha256sum --quiet --strict -c -) || die "the backup is damaged: checksums differ"
listed=$(grep -vc '^#' "$backup/manifest")
present=$(cd "$backup" && find . -type f ! -name manifest | wc -l)
((listed == present)) || die "the backup holds $present files but its manifest lists $listed"

backup_schema=$(header schema_version)
checkout_schema=$(checkout_schema_version)
[[ $backup_schema =~ ^[0-9]+$ ]] || die "the manifest has no schema version"
if [[ $backup_schema > $checkout_schema ]]; then
    die "the backup's schema ($backup_schema) is newer than this checkout's ($checkout_schema): restore with the Gamme it came from ($(header gamme_version)), then upgrade"
fi
log "backup of $(header created), Gamme $(header gamme_version), schema $backup_schema, $(header files) files"

target_setup
log "restoring into $target_label"

if ! database_exists; then
    log "creating database $db_name"
    pg_server_tool psql -v ON_ERROR_STOP=1 -qtAX -c "CREATE DATABASE \"$db_name\"" >/dev/null
fi
connected=$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
((connected == 0)) || die "$connected sessions are connected to $db_name: stop the services first"

relations=$(sql -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'")
stored=$(files_count)
if ((relations > 0 || stored > 0)); then
    ((force)) || die "the target is not empty ($relations relations in $db_name, $stored stored files): --force replaces them"
    log "--force: dropping database $db_name and $stored stored files"
    pg_server_tool psql -v ON_ERROR_STOP=1 -qtAX -c "DROP DATABASE \"$db_name\"" -c "CREATE DATABASE \"$db_name\"" >/dev/null
    files_clear
fi

# Roles belong to the server, not to the dump. Those the backup names and this server lacks are
# created: from their definition in roles.sql, else (a superuser of the old server, which owns
# nothing here because of --no-owner) as a role that cannot log in.
IFS=, read -r -a roles <<<"$(header roles)"
created=()
for role in "${roles[@]}"; do
    [[ -n $role ]] || continue
    exists=$(pg_server_tool psql -v ON_ERROR_STOP=1 -qtAX -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")
    [[ -z $exists ]] || continue
    definition=$(awk -v r="$role" '/^(CREATE|ALTER) ROLE / { n = $3; gsub(/[";]/, "", n); if (n == r) print }' "$backup/roles.sql")
    [[ -n $definition ]] || definition="CREATE ROLE \"$role\" NOLOGIN;"
    pg_server_tool psql -v ON_ERROR_STOP=1 -qtAX >/dev/null <<<"$definition"
    created+=("$role")
done
if ((${#created[@]})); then
    log "created roles: ${created[*]}"
    memberships=$(awk -v names=" ${created[*]} " '/^GRANT / { m = $4; gsub(/[";]/, "", m); if (index(names, " " m " ")) print }' "$backup/roles.sql")
    [[ -z $memberships ]] || pg_server_tool psql -v ON_ERROR_STOP=1 -qtAX >/dev/null <<<"$memberships"
fi

db_start=$SECONDS
pg_tool pg_restore --no-owner --exit-on-error --single-transaction <"$backup/database.dump"
log "database restored in $((SECONDS - db_start)) s"

files_start=$SECONDS
tar -C "$backup/files" --numeric-owner -cf - . | files_tar_in
log "$(header files) files restored in $((SECONDS - files_start)) s"

# What was restored is what was backed up.
diff <(sql -c "$row_counts_sql") "$backup/rows" >&2 || die "row counts differ from the backup's"
grep -v '^#' "$backup/manifest" | sed -n 's#^\([0-9a-f]\{64\}\)  files/#\1  ./#p' | files_check ||
    die "restored files differ from the backup's"
log "row counts of $(wc -l <"$backup/rows") tables and checksums of $(header files) files match the backup"

if [[ $backup_schema < $checkout_schema ]]; then
    log "the backup's schema ($backup_schema) predates this checkout's ($checkout_schema): migrating"
    if [[ $target_mode == compose ]]; then
        compose run --rm --no-deps migrate
    else
        migrate_bin=${GAMME_MIGRATE_BIN:-${CARGO_TARGET_DIR:-$target_repo/target}/debug/gamme-migrate}
        if [[ ! -x $migrate_bin ]]; then
            (cd "$target_repo" && cargo build --bin gamme-migrate)
        fi
        env GAMME_ENV=development GAMME_DATABASE_URL="$db_url" GAMME_AMQP_URL="${GAMME_STACK_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}" \
            GAMME_AUTH_JWKS_URL=http://127.0.0.1:9/jwks.json "$migrate_bin" >&2
    fi
    log "schema now $(schema_version)"
else
    log "schema $backup_schema is this checkout's: no migration to apply"
fi
log "restore done in $((SECONDS - started)) s; start the services now"
