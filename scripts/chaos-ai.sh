#!/usr/bin/env bash
# Chaos for AI jobs: N jobs through the real RabbitMQ queue, K gamme-ai-worker processes, a fake
# OpenAI-compatible model that answers in D ms, and a random worker SIGKILLed (restarted at
# once) every T ms, M times. Then it waits up to a minute for every job to settle and reports:
# succeeded, failed (by reason), unsettled (must be 0), results and ai.job.finished events per
# job (exactly 1 each; counted in the outbox and from a queue bound to the event), messages left
# in the job queue and its dead-letter queue. Exits non-zero when one of these is wrong.
#
#   scripts/chaos-ai.sh                          200 jobs, 3 workers, 1200 ms, every 400 ms, 100 kills
#   CHAOS_JOBS=50 CHAOS_KILLS=20 scripts/chaos-ai.sh
#   CHAOS_PROFILE=release scripts/chaos-ai.sh    (debug by default)
#
# Settings: CHAOS_JOBS (200), CHAOS_WORKERS (3), CHAOS_MODEL_DELAY_MS (1200),
# CHAOS_KILL_EVERY_MS (400), CHAOS_KILLS (100), CHAOS_CONCURRENCY (2, GAMME_AI_CONCURRENCY per
# worker), CHAOS_LEASE_SECS (30, GAMME_AI_LEASE_SECS), CHAOS_SETTLE_SECS (60).
# Needs the local Postgres and RabbitMQ (GAMME_TEST_DATABASE_URL, GAMME_TEST_AMQP_URL, as the
# tests). The run uses its own database and broker names, so nothing else is touched.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
fi
profile=${CHAOS_PROFILE:-debug}
flag=(); [[ $profile == release ]] && flag=(--release)
cargo build "${flag[@]}" -p gamme-ai-worker --bin gamme-ai-worker --example chaos_jobs >&2
target=${CARGO_TARGET_DIR:-target}
settings=()
for name in CHAOS_JOBS CHAOS_WORKERS CHAOS_MODEL_DELAY_MS CHAOS_KILL_EVERY_MS CHAOS_KILLS CHAOS_CONCURRENCY CHAOS_LEASE_SECS CHAOS_SETTLE_SECS; do
    [[ -n ${!name:-} ]] && settings+=("$name=${!name}")
done
echo "command: ${settings[*]:+${settings[*]} }scripts/chaos-ai.sh ($profile build, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ))"
"$target/$profile/examples/chaos_jobs"
