#!/usr/bin/env bash
# Upload throughput of the files service through nginx, next to `cp` of the same file on the
# same disk, and the files service's peak resident memory (VmHWM) after the upload.
#
#   scripts/bench-files.sh [--release] [size in MiB, default 1024]
#
# Starts a stack of its own with scripts/stack.sh (folder .stack/bench, database
# gamme_bench_stack, nginx on 127.0.0.1:19380, services on 19481..19484, uploads up to 2 GiB)
# and stops it at the end. The file is text (base64 of random bytes), so it is accepted as
# such and nothing is deduplicated. It is written inside the stack folder, on the same disk
# as the files volume, so `cp` and the upload write to the same file system.
# Settings: BENCH_PORT, BENCH_PORT_BASE, BENCH_STACK_DIR, BENCH_DB; CARGO_TARGET_DIR is honoured.
set -euo pipefail
shopt -s inherit_errexit

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size_mib=1024
stack_flags=()
for arg in "$@"; do
    case $arg in
        --release) stack_flags+=(--release) ;;
        *[!0-9]* | '') echo "usage: $0 [--release] [size in MiB]" >&2; exit 2 ;;
        *) size_mib=$arg ;;
    esac
done

export GAMME_PORT=${BENCH_PORT:-19380}
export GAMME_STACK_PORT_BASE=${BENCH_PORT_BASE:-19480}
export GAMME_STACK_DIR=${BENCH_STACK_DIR:-$repo/.stack/bench}
export GAMME_STACK_DB=${BENCH_DB:-gamme_bench_stack}
export GAMME_STACK_RESET_DB=1
export GAMME_STACK_NO_WEB=1
export GAMME_MAX_UPLOAD_BYTES=$(((size_mib + 16) * 1024 * 1024))
# Broker names of this run only: another stack on the same broker must not take its events.
export GAMME_BUS_PREFIX=gamme-bench-$$
export GAMME_BUS_QUEUE_EXPIRY_SECS=300
base=http://127.0.0.1:$GAMME_PORT
work=$GAMME_STACK_DIR/bench
email=bench@gamme.test
password=Bench-password-1

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
now() { date +%s.%N; }
mib_per_s() { python3 -c "import sys; print(f'{$1 / ($3 - $2):.0f}')"; }

cleanup() {
    rm -rf "$work"
    "$repo/scripts/stack.sh" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "starting a stack on $base"
"$repo/scripts/stack.sh" up "${stack_flags[@]}" >"$GAMME_STACK_DIR.up.log" 2>&1 || {
    tail -n 30 "$GAMME_STACK_DIR.up.log" >&2
    exit 1
}
mkdir -p "$work"

token=$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"display_name\":\"Bench\"}" \
    "$base/api/auth/setup" | json_field access_token)

log "writing $size_mib MiB of text to $work"
# head closes the pipe once it has enough: base64's SIGPIPE is expected.
{ base64 -w 76 /dev/urandom || true; } | head -c $((size_mib * 1024 * 1024)) >"$work/manual.txt"
sync "$work/manual.txt"

log "cp on the same disk"
start=$(now)
cp "$work/manual.txt" "$work/copy.txt"
sync "$work/copy.txt"
end=$(now)
cp_rate=$(mib_per_s "$size_mib" "$start" "$end")
rm -f "$work/copy.txt"

log "upload through nginx"
start=$(now)
status=$(curl -sS -o "$work/answer.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -F "files=@$work/manual.txt;filename=manual.txt" "$base/api/files")
end=$(now)
[[ $status == 201 ]] || { log "upload answered $status: $(cat "$work/answer.json")"; exit 1; }
upload_rate=$(mib_per_s "$size_mib" "$start" "$end")
upload_secs=$(python3 -c "print(f'{$end - $start:.1f}')")

pid=$(<"$GAMME_STACK_DIR/run/files.pid")
peak_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")

# Then the service extracts the text (of the first megabytes): measured again once done.
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["files"][0]["id"])' "$work/answer.json")
for _ in $(seq 1 240); do
    text_status=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/files/$id" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["text"]["status"])')
    [[ $text_status != pending ]] && break
    sleep 0.5
done
processed_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
# The GiB goes with its file (the stack's database is reset on the next run, its folder is not).
curl -fsS -o /dev/null -X DELETE -H "Authorization: Bearer $token" "$base/api/files/$id"

printf '\nfile: %s MiB of text, on %s\n' "$size_mib" "$(df --output=source "$work" | tail -n 1)"
printf 'cp (same disk, then sync):      %6s MiB/s\n' "$cp_rate"
printf 'upload through nginx (curl -F): %6s MiB/s  (%s s, 201 Created)\n' "$upload_rate" "$upload_secs"
printf 'gamme-files peak RSS (VmHWM):   %6s MiB after the upload, %s MiB after text extraction (%s)\n' \
    "$((peak_kib / 1024))" "$((processed_kib / 1024))" "$text_status"
printf 'load average during the run:    %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
