#!/usr/bin/env bash
# The compose `backup` service's loop: every day at GAMME_BACKUP_AT (HH:MM, the container's
# time zone, UTC unless TZ is set) it runs backup.sh into /backups and deletes the backups older
# than GAMME_BACKUP_KEEP_DAYS. A failed backup is logged and tried again the next day; the
# container's healthcheck is not involved, so watch its logs (or the age of the newest backup).
#
# Settings (environment): GAMME_BACKUP_AT (02:30), GAMME_BACKUP_KEEP_DAYS (14),
# GAMME_BACKUP_ON_START=1 (one backup when the container starts), GAMME_BACKUP_DATABASE_URL and
# GAMME_BACKUP_FILES_DIR (see backup-target.sh), PGPASSWORD or GAMME_DB_PASSWORD_FILE.
set -euo pipefail
shopt -s inherit_errexit

scripts=$(dirname "${BASH_SOURCE[0]}")
at=${GAMME_BACKUP_AT:-02:30}
keep=${GAMME_BACKUP_KEEP_DAYS:-14}
[[ $at =~ ^([01][0-9]|2[0-3]):[0-5][0-9]$ ]] || { echo "GAMME_BACKUP_AT must be HH:MM, got '$at'" >&2; exit 2; }
[[ $keep =~ ^[1-9][0-9]*$ ]] || { echo "GAMME_BACKUP_KEEP_DAYS must be a number of days, got '$keep'" >&2; exit 2; }
if [[ -n ${GAMME_DB_PASSWORD_FILE:-} ]]; then
    PGPASSWORD=$(<"$GAMME_DB_PASSWORD_FILE")
    export PGPASSWORD
fi

log() { printf '[backup-daily %s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
once() {
    "$scripts/backup.sh" --to /backups --keep-days "$keep" >/dev/null || log "the backup failed; next try at $at tomorrow"
}

log "daily backups at $at into /backups, kept $keep days"
[[ ${GAMME_BACKUP_ON_START:-0} == 1 ]] && once
while :; do
    now=$(date +%s)
    next=$(date -d "today $at" +%s)
    ((next > now)) || next=$(date -d "tomorrow $at" +%s)
    sleep $((next - now))
    once
done
