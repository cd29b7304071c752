#!/usr/bin/env bash
# Scores the AI worker's drafter on the corpus of manual excerpts (services/ai-worker/corpus,
# described in its README): readings kept with value, unit and limits, per language and in
# total; DANGER/WARNING/CAUTION kept at their level; limits the excerpts do not state; then
# every miss.
#
#   scripts/score-drafter.sh          the offline provider on the repository's corpus
#   scripts/score-drafter.sh DIR      another corpus in the same format (e.g. a held-out set)
#   GAMME_LLM_API_KEY=… GAMME_LLM_BASE_URL=… GAMME_LLM_MODEL=… scripts/score-drafter.sh
#                                     the OpenAI-compatible model, through the worker's client
#
# No database or broker is needed. The goal is enforced by the test `corpus` of gamme-ai-worker.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
fi
# Only the drafter's settings are read (no database or broker is reached): development mode, so
# the defaults of the connection settings are not refused as development secrets.
export GAMME_ENV=${GAMME_ENV:-development}
exec cargo run --quiet -p gamme-ai-worker --example score_drafter -- "$@"
