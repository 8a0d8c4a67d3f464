#!/usr/bin/env bash
# Load across languages (issue 22): 8 Python threads on one breaker and 8 Node worker threads
# on another, at the same time, CALLS calls each (default 10^7). Each half checks that every
# call is counted once, nothing crashes, and the time window stays within its bucket bound
# (see breaker_threads.py and breaker_workers.mjs).
#
#   tests/load/breaker_threads.sh [CALLS=10000000]
set -euo pipefail
cd "$(dirname "$0")/../.."
CALLS=${1:-10000000}
.venv/bin/python tests/load/breaker_threads.py "$CALLS" &
PY_PID=$!
node tests/load/breaker_workers.mjs "$CALLS" &
NODE_PID=$!
status=0
wait "$PY_PID" || status=1
wait "$NODE_PID" || status=1
exit "$status"
