#!/usr/bin/env bash
# Instructions per call of each operation in benches/profile/calls.rs, counted by callgrind:
# the difference between a run of 200,000 and one of 100,000 calls, divided by 100,000, so
# start-up and set-up cancel out. Counts are reproducible for the same binary; they are not
# times (a clock read and a lock are a few instructions that take many cycles).
#   benches/profile/callgrind.sh [OPERATION...]
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
cargo build --quiet --release -p liberation-gates-benches --example calls
OPS=("$@")
[ ${#OPS[@]} -gt 0 ] || OPS=(breaker-default breaker-system breaker-manual recloser failsafe split split-into split-strings rusty-money)
irefs() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/calls "$1" "$2" 2>&1 \
    | sed -n 's/.*I *refs: *//p' | tr -d ,
}
for op in "${OPS[@]}"; do
  a=$(irefs "$op" 100000)
  b=$(irefs "$op" 200000)
  echo "$op: $(( (b - a) / 100000 )) instructions per call"
done
