# How scripts/backup.sh and scripts/restore.sh reach a deployment's database and files: a local
# stack (scripts/stack.sh's settings), a database URL and folder given directly (the compose
# `backup` service), or a compose deployment through `docker compose exec`/`run`.
# Sourced, not run. Nothing here prints a password: URLs are shown without their user part.
#
# Settings (environment):
#   GAMME_BACKUP_DATABASE_URL   libpq URL of the database (direct mode); else the stack's
#                               GAMME_STACK_PG_URL/GAMME_STACK_DB (postgres://postgres@127.0.0.1:5432, gamme_stack)
#   GAMME_BACKUP_FILES_DIR      the files service's folder; else $GAMME_STACK_DIR/files (<repo>/.stack/files)
#   GAMME_BACKUP_COMPOSE_DB, GAMME_BACKUP_COMPOSE_USER (gamme, gamme)   --compose: database and
#                               the postgres container's superuser (POSTGRES_DB, POSTGRES_USER)
#   GAMME_COMPOSE_FILES         --compose: extra `-f` files, space separated (default: docker-compose.yml)

target_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target_mode=local # local | compose
# The files folder inside the compose `backup` service (files-data is mounted there).
compose_files_dir=/var/lib/gamme/files
# Session advisory lock the files service takes exclusively before it removes a blob
# (gamme_db::locks::FILES_BLOBS, "gammeBLB"): held shared from before the database snapshot until
# the files are copied, no blob that the snapshot's rows point at can disappear meanwhile.
files_blobs_lock=$((0x67616d6d65424c42))

log() { printf '[%s %s] %s\n' "${log_name:-backup}" "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
    log "error: $*"
    exit 1
}

# A URL without its credentials, for messages.
redact_url() { sed -E 's#(://)[^@/]*@#\1#' <<<"$1"; }

target_setup() {
    if [[ $target_mode == compose ]]; then
        command -v docker >/dev/null || die "docker is required for --compose"
        db_name=${GAMME_BACKUP_COMPOSE_DB:-gamme}
        db_user=${GAMME_BACKUP_COMPOSE_USER:-gamme}
        compose_args=()
        local f
        for f in ${GAMME_COMPOSE_FILES:-$target_repo/docker-compose.yml}; do
            compose_args+=(-f "$f")
        done
        target_label="compose database $db_name and volume files-data"
        return 0
    fi
    if [[ -n ${GAMME_BACKUP_DATABASE_URL:-} ]]; then
        db_url=$GAMME_BACKUP_DATABASE_URL
    else
        local server=${GAMME_STACK_PG_URL:-postgres://postgres@127.0.0.1:5432}
        db_url=${server%/}/${GAMME_STACK_DB:-gamme_stack}
    fi
    db_name=${db_url##*/}
    db_name=${db_name%%\?*}
    # The maintenance database on the same server, for CREATE DATABASE.
    admin_url=${db_url%/*}/postgres
    if [[ -n ${GAMME_BACKUP_FILES_DIR:-} ]]; then
        files_dir=$GAMME_BACKUP_FILES_DIR
    else
        local stack_dir=${GAMME_STACK_DIR:-$target_repo/.stack}
        [[ $stack_dir == /* ]] || stack_dir=$PWD/$stack_dir
        files_dir=$stack_dir/files
    fi
    command -v psql >/dev/null || die "psql is required (apt-get install postgresql-client)"
    target_label="database $(redact_url "$db_url") and folder $files_dir"
}

compose() {
    if docker compose version >/dev/null 2>&1; then
        docker compose "${compose_args[@]}" "$@"
    else
        docker-compose "${compose_args[@]}" "$@"
    fi
}

# The Postgres client tools, against the target database (stdin and stdout pass through).
pg_tool() {
    local tool=$1
    shift
    if [[ $target_mode == compose ]]; then
        # The official image trusts local socket connections: no password crosses the command line.
        compose exec -T postgres "$tool" -U "$db_user" -d "$db_name" "$@"
    else
        "$tool" -d "$db_url" "$@"
    fi
}

# pg_dumpall and CREATE DATABASE need the server rather than the database.
pg_server_tool() {
    local tool=$1
    shift
    if [[ $target_mode == compose ]]; then
        compose exec -T postgres "$tool" -U "$db_user" -d dbname=postgres "$@"
    else
        "$tool" -d "$admin_url" "$@"
    fi
}

sql() { pg_tool psql -v ON_ERROR_STOP=1 -qtAX "$@"; }

database_exists() {
    [[ -n $(pg_server_tool psql -v ON_ERROR_STOP=1 -qtAX -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'") ]]
}

# tar of the files folder on stdout; staged uploads (tmp/) are not data.
files_tar_out() {
    if [[ $target_mode == compose ]]; then
        compose --profile backup run --rm --no-deps -T --entrypoint tar backup \
            -C "$compose_files_dir" --exclude=./tmp --numeric-owner -cf - .
    else
        tar -C "$files_dir" --exclude=./tmp --numeric-owner -cf - .
    fi
}

# Unpacks a tar from stdin into the files folder.
files_tar_in() {
    if [[ $target_mode == compose ]]; then
        compose --profile backup run --rm --no-deps -T --entrypoint tar backup \
            -C "$compose_files_dir" --same-permissions --numeric-owner -xf -
    else
        mkdir -p "$files_dir"
        tar -C "$files_dir" --same-permissions --numeric-owner -xf -
    fi
}

# How many regular files the files folder holds outside tmp/.
files_count() {
    local script="find . -path ./tmp -prune -o -type f -print | wc -l"
    if [[ $target_mode == compose ]]; then
        compose --profile backup run --rm --no-deps -T --entrypoint sh backup -c "cd $compose_files_dir && $script"
    elif [[ -d $files_dir ]]; then
        (cd "$files_dir" && eval "$script")
    else
        echo 0
    fi
}

# Checks the files folder against `sha256sum` lines (paths relative to it) on stdin.
files_check() {
    local script="sha256sum --quiet --strict -c -"
    if [[ $target_mode == compose ]]; then
        compose --profile backup run --rm --no-deps -T --entrypoint sh backup -c "cd $compose_files_dir && $script"
    else
        (cd "$files_dir" && $script)
    fi
}

# Removes what the files folder holds (restore --force).
files_clear() {
    local script="find . -mindepth 1 -maxdepth 1 -exec rm -rf {} +"
    if [[ $target_mode == compose ]]; then
        compose --profile backup run --rm --no-deps -T --entrypoint sh backup -c "cd $compose_files_dir && $script"
    elif [[ -d $files_dir ]]; then
        (cd "$files_dir" && eval "$script")
    fi
}

# The latest applied migration, as Diesel records it (e.g. 20261203000001); empty when none.
schema_version() {
    sql -c "SELECT CASE WHEN to_regclass('public.__diesel_schema_migrations') IS NULL THEN ''
                        ELSE (SELECT coalesce(max(version), '') FROM __diesel_schema_migrations) END"
}

# The latest migration this checkout has, in the same form.
checkout_schema_version() {
    local last
    last=$(find "$target_repo/migrations" -mindepth 1 -maxdepth 1 -type d -name '20*' -printf '%f\n' | sort | tail -n 1)
    last=${last%%_*}
    echo "${last//-/}"
}

gamme_version() {
    local version rev
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$target_repo/Cargo.toml" 2>/dev/null | head -n 1)
    rev=$(git -C "$target_repo" describe --tags --always --dirty 2>/dev/null || true)
    echo "${version:-unknown}${rev:+ ($rev)}"
}

# Every table of the public schema with its exact row count, "name count" per line.
# shellcheck disable=SC2034 # used by backup.sh and restore.sh
row_counts_sql="SELECT c.relname || ' ' || (xpath('/row/n/text()',
    query_to_xml(format('SELECT count(*) AS n FROM public.%I', c.relname), false, true, '')))[1]::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
