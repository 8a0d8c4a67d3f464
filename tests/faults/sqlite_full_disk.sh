#!/usr/bin/env bash
# SQLite on a full file system (issue 22): a small tmpfs is mounted for the test and a store
# on it is filled by Python appends, then by the CLI.
#
#   tests/faults/sqlite_full_disk.sh [SIZE=1m]
#
# What must hold: the append that finds the disk full is a typed error (StoreError
# `unavailable`, naming the full disk), as is every later one, and nothing panics; the file
# still verifies and holds exactly the acknowledged records (nothing half-written); the CLI's
# `store load` exits 2 (its error exit) naming the kind and the full disk; once there is room again, appends carry on.
# Mounting needs root (CAP_SYS_ADMIN): without it the test is skipped with that reason, or
# fails where LG_REQUIRE_SERVERS=1 (as scripts/test sets).
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE=${1:-1m}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/lg-full.XXXXXX")
DISK=$DIR/disk
mkdir -p "$DISK"
cleanup() { mountpoint -q "$DISK" && umount "$DISK"; rm -rf "$DIR"; }
trap cleanup EXIT
if ! mount -t tmpfs -o "size=$SIZE" tmpfs "$DISK" 2>"$DIR/mount.err"; then
  reason="cannot mount a tmpfs ($(cat "$DIR/mount.err")): needs root"
  [ "${LG_REQUIRE_SERVERS:-}" = 1 ] && { echo "FAIL: $reason, and LG_REQUIRE_SERVERS=1" >&2; exit 1; }
  echo "SKIPPED: $reason"; exit 0
fi
URL="sqlite:$DISK/store.db"
CLI=target/debug/liberation-gates
[ -x "$CLI" ] || cargo build --quiet -p liberation-gates-cli

.venv/bin/python - "$URL" "$DIR/acked" <<'PY'
import sys
import liberation_gates as lg
url, acked_file = sys.argv[1], sys.argv[2]
store = lg.Store(url)
acked = []
body = {"note": "x" * 2000}
for i in range(100_000):
    try:
        store.append("orders", f"o-{i}", body)
        acked.append(f"o-{i}")
    except lg.StoreError as e:
        first = e
        break
else:
    raise SystemExit("FAIL: the disk never filled")
assert first.kind == "unavailable" and "full" in str(first), (first.kind, str(first))
for j in range(3):  # still full: still a typed error, and no record appears
    try:
        store.append("orders", f"after-{j}", body)
        raise SystemExit("FAIL: an append succeeded on a full disk")
    except lg.StoreError as e:
        assert e.kind == "unavailable", e.kind
open(acked_file, "w").write("\n".join(acked) + "\n")
print(f"Python: {len(acked)} appends acknowledged, then {type(first).__name__} {first}")
PY
acked=$(wc -l < "$DIR/acked")

python3 -c "import json; [print(json.dumps({'id': f'cli-{i}', 'note': 'y' * 2000})) for i in range(200)]" > "$DIR/cli.jsonl"
set +e
"$CLI" store load --store "$URL" --stream cli "$DIR/cli.jsonl" > "$DIR/cli.out" 2> "$DIR/cli.err"
code=$?
set -e
echo "CLI store load on the full disk: exit $code: $(head -c 300 "$DIR/cli.err")"
[ "$code" = 2 ] || { echo "FAIL: expected the CLI's error exit, 2" >&2; exit 1; }
grep -q "unavailable: .*full" "$DIR/cli.err" || { echo "FAIL: the CLI's error does not name the kind and the full disk" >&2; exit 1; }
grep -qi "panick" "$DIR/cli.err" && { echo "FAIL: the CLI panicked" >&2; exit 1; }

check() {  # the store verifies and holds exactly the acknowledged records (+ the CLI's, if any)
  local verified
  verified=$("$CLI" store verify --store "$URL")
  echo "$verified"
  "$CLI" store dump --store "$URL" --stream orders | python3 -c "
import json, sys
ids = [json.loads(l)['id'] for l in sys.stdin if l.strip()]
acked = [l.strip() for l in open('$DIR/acked') if l.strip()] + sys.argv[1:]
assert ids == acked, f'the store holds {len(ids)} orders, {len(acked)} were acknowledged'
" "$@"
}
check
cli_kept=$("$CLI" store dump --store "$URL" --stream cli | grep -c . || true)
echo "the CLI's load committed $cli_kept of 200 lines before the disk was full"

mount -o remount,size=16m "$DISK"
.venv/bin/python -c "
import sys, liberation_gates as lg
lg.Store(sys.argv[1]).append('orders', 'after-room', {'note': 'room again'})
" "$URL"
check after-room
echo "full disk: typed errors, $acked acknowledged appends kept, nothing half-written; appends carry on once there is room"
