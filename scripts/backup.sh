#!/usr/bin/env bash
# Backs up a running Gamme: the database (pg_dump, custom format, one snapshot) and the stored
# files, with a manifest of sha256 checksums, the schema version and Gamme's version.
#
#   scripts/backup.sh [--to DIR | --to FILE.tar.gz] [--compose] [--keep-days N]
#
#   --to PATH       a new folder, or an archive when PATH ends in .tar.gz; an existing folder
#                   receives a new gamme-backup-<UTC time> inside it (default: <repo>/backups)
#   --compose       back up the docker compose deployment (postgres container, files-data volume)
#                   instead of the local stack of scripts/stack.sh
#   --keep-days N   then delete gamme-backup-* older than N days next to the new backup
#
# The services keep running. The database is dumped first, then the files are copied: every file
# row in the dump was committed after its file was written (uploads keep the blob before the row),
# so each row finds its file; a file uploaded after the snapshot is an unreferenced extra, which
# the files service's sweep removes after a day. While the dump and the copy run, a shared
# advisory lock keeps the files service from removing blobs (deleting a file waits for it).
# Settings (environment): see scripts/backup-target.sh. Nothing prints a password.
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=scripts/backup-target.sh
source "$(dirname "${BASH_SOURCE[0]}")/backup-target.sh"
log_name=backup

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

to="" keep_days=""
while (($#)); do
    case $1 in
        --to)
            to=${2:?--to needs a path}
            shift
            ;;
        --compose) target_mode=compose ;;
        --keep-days)
            keep_days=${2:?--keep-days needs a number}
            [[ $keep_days =~ ^[1-9][0-9]*$ ]] || die "--keep-days wants a whole number of days, at least 1"
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
    shift
done

target_setup
database_exists || die "the database $db_name does not exist"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
to=${to:-$target_repo/backups}
archive=""
if [[ $to == *.tar.gz ]]; then
    archive=$(realpath -m "$to")
    [[ -e $archive ]] && die "$archive already exists"
    mkdir -p "$(dirname "$archive")"
    parent=$(dirname "$archive")
    name=$(basename "$archive" .tar.gz)
elif [[ -d $to ]]; then
    parent=$(realpath "$to")
    name=gamme-backup-$stamp
else
    parent=$(realpath -m "$(dirname "$to")")
    name=$(basename "$to")
    mkdir -p "$parent"
fi
final=$parent/$name
[[ -e $final ]] && die "$final already exists"
# Built under a temporary name, renamed when complete: a backup folder that exists is whole.
work=$(mktemp -d "$parent/.$name.partial.XXXXXX")
lock_pid=""
cleanup() {
    if [[ -n $lock_pid ]]; then kill "$lock_pid" 2>/dev/null || true; fi
    if [[ -n ${work:-} && -d $work ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
umask 077
started=$SECONDS
log "backing up $target_label"

# One session holds the blob lock and the snapshot that pg_dump and the row counts share.
# The lock is taken outside the transaction, so the snapshot starts after it is held.
coproc SESSION { pg_tool psql -v ON_ERROR_STOP=1 -qtAX 2>&1; }
lock_pid=$SESSION_PID
session() {
    local line
    printf '%s\n' "$1" "\\echo __end__" >&"${SESSION[1]}"
    while IFS= read -r -t 600 line <&"${SESSION[0]}"; do
        [[ $line == __end__ ]] && return 0
        [[ $line == *ERROR* || $line == *FATAL* ]] && die "database: $line"
        [[ -n $line ]] && printf '%s\n' "$line"
    done
    die "the database session ended"
}
session "SELECT pg_advisory_lock_shared($files_blobs_lock);" >/dev/null
session "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" >/dev/null
snapshot=$(session "SELECT pg_export_snapshot();")
schema=$(session "SELECT CASE WHEN to_regclass('public.__diesel_schema_migrations') IS NULL THEN ''
                  ELSE (SELECT coalesce(max(version), '') FROM __diesel_schema_migrations) END;")
[[ -n $schema ]] || die "$db_name has no migrations applied: not a Gamme database"
session "$row_counts_sql;" >"$work/rows"

dump_start=$SECONDS
pg_tool pg_dump --snapshot="$snapshot" --format=custom --compress=6 >"$work/database.dump"
session "COMMIT;" >/dev/null
log "database dumped in $((SECONDS - dump_start)) s ($(du -h "$work/database.dump" | cut -f1))"

files_start=$SECONDS
mkdir -p "$work/files"
files_tar_out | tar -C "$work/files" --numeric-owner -xf -
session "SELECT pg_advisory_unlock_shared($files_blobs_lock);" >/dev/null
printf '\\q\n' >&"${SESSION[1]}"
wait "$lock_pid" || true
lock_pid=""
file_count=$(find "$work/files" -type f | wc -l)
log "$file_count files copied in $((SECONDS - files_start)) s ($(du -sh "$work/files" | cut -f1))"

# Roles are not part of one database's dump. The definitions of the ordinary roles the database
# grants to (and their members) go along, so restore can create those a new server lacks.
roles_sql="WITH granted AS (
    SELECT (aclexplode(relacl)).grantee AS oid FROM pg_class WHERE relacl IS NOT NULL
    UNION SELECT (aclexplode(nspacl)).grantee FROM pg_namespace WHERE nspacl IS NOT NULL
    UNION SELECT (aclexplode(proacl)).grantee FROM pg_proc WHERE proacl IS NOT NULL
    UNION SELECT (aclexplode(typacl)).grantee FROM pg_type WHERE typacl IS NOT NULL
    UNION SELECT (aclexplode(defaclacl)).grantee FROM pg_default_acl
    UNION SELECT defaclrole FROM pg_default_acl
    UNION SELECT (aclexplode(datacl)).grantee FROM pg_database
          WHERE datname = current_database() AND datacl IS NOT NULL
    UNION SELECT c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
), referenced AS (
    SELECT oid FROM granted UNION SELECT m.member FROM pg_auth_members m JOIN granted g ON g.oid = m.roleid
)
SELECT r.rolname || ' ' || CASE WHEN r.rolsuper THEN 'superuser' ELSE 'role' END
FROM pg_roles r JOIN referenced USING (oid) WHERE r.rolname NOT LIKE 'pg\\_%' ORDER BY 1"
sql -c "$roles_sql" >"$work/roles"
mapfile -t ordinary < <(awk '$2 == "role" { print $1 }' "$work/roles")
: >"$work/roles.sql"
if ((${#ordinary[@]})); then
    # Password hashes need a superuser; without one the roles go without passwords.
    { pg_server_tool pg_dumpall --roles-only 2>/dev/null ||
        pg_server_tool pg_dumpall --roles-only --no-role-passwords; } |
        awk -v names="${ordinary[*]}" '
            BEGIN { n = split(names, list, " "); for (i = 1; i <= n; i++) keep[list[i]] = 1 }
            function bare(s) { gsub(/[";]/, "", s); return s }
            /^(CREATE|ALTER) ROLE / { if (bare($3) in keep) print; next }
            /^GRANT / { if ((bare($2) in keep) && (bare($4) in keep)) { sub(/ GRANTED BY [^;]*/, ""); print } }
        ' >"$work/roles.sql"
fi

{
    echo "# gamme-backup 1"
    echo "# created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# gamme_version: $(gamme_version)"
    echo "# schema_version: $schema"
    echo "# database: $db_name"
    echo "# files: $file_count"
    echo "# roles: $(awk '{ printf "%s%s", sep, $1; sep = "," }' "$work/roles")"
    echo "# The lines below are \`sha256sum -c\` input; 'rows' has every table's row count in the dump."
    (cd "$work" && find . -type f ! -name manifest -printf '%P\n' | LC_ALL=C sort | xargs -r -d '\n' sha256sum)
} >"$work/manifest"

if [[ -n $archive ]]; then
    tar -C "$work" --numeric-owner -czf "$work.tar.gz" --transform "s#^\\.#$name#" .
    mv "$work.tar.gz" "$archive"
    rm -rf "$work"
    result=$archive
else
    mv "$work" "$final"
    result=$final
fi
work=""
log "backup done in $((SECONDS - started)) s: $result ($(du -sh "$result" | cut -f1); schema $schema, $file_count files)"

if [[ -n $keep_days ]]; then
    while IFS= read -r -d '' old; do
        log "removing $(basename "$old") (older than $keep_days days)"
        rm -rf "$old"
    done < <(find "$parent" -mindepth 1 -maxdepth 1 -name 'gamme-backup-*' -mtime +"$((keep_days - 1))" ! -path "$result" -print0)
fi
echo "$result"
