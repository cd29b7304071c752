#!/usr/bin/env bash
# AI worker throughput: jobs per second through the real RabbitMQ queue for 1, 2 and 4
# gamme-ai-worker processes, with a fake OpenAI-compatible model that answers in 200 ms.
#
#   scripts/bench-ai.sh            200 jobs per run, GAMME_AI_CONCURRENCY=2 per worker
#   BENCH_JOBS=400 BENCH_CONCURRENCY=4 scripts/bench-ai.sh
#
# Needs the local Postgres and RabbitMQ (GAMME_TEST_DATABASE_URL, GAMME_TEST_AMQP_URL, as the
# tests). Every run uses its own database and queue names, so nothing else is touched. The time
# counted starts when the workers start, with every job already queued.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
fi
profile=${BENCH_PROFILE:-release}
flag=(); [[ $profile == release ]] && flag=(--release)
cargo build "${flag[@]}" -p gamme-ai-worker --bin gamme-ai-worker --example bench_jobs
target=${CARGO_TARGET_DIR:-target}
echo "command: BENCH_JOBS=${BENCH_JOBS:-200} BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-2} scripts/bench-ai.sh ($profile build)"
"$target/$profile/examples/bench_jobs"
