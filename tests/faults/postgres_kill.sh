#!/usr/bin/env bash
# PostgreSQL killed with SIGKILL while four processes append, then restarted (issue 22).
#
#   tests/faults/postgres_kill.sh [N=300] [KILLS=1]    N records per writer; KILLS outages
#
# What must hold:
# - every append a writer saw acknowledged is in the store exactly once, and the checksum
#   chain verifies;
# - while the server is down the writers get typed errors (StoreError `unavailable`), never
#   a crash, and carry on with the same Store object once it is back;
# - an append whose acknowledgement was lost with the connection is found on retry as
#   `duplicate_id` (it was written once), never written twice.
# Starts its own throw-away PostgreSQL (the shared test server is not killed); needs what
# scripts/test builds: the CLI (target/debug) and .venv with the wheel.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
N=${1:-300}
KILLS=${2:-1}
# shellcheck source=../../scripts/lib/servers.sh
. scripts/lib/servers.sh
lg_install_servers
DIR=$(mktemp -d "${TMPDIR:-/tmp}/lg-pgkill.XXXXXX")
chmod 755 "$DIR"
BIN=$(lg_pg_bin)
DATA=$DIR/pg/data
PORT=$(lg_free_port)
pg_start() {
  lg_pg_run "$BIN/pg_ctl" -D "$DATA" -l "$DIR/pg/log" -w \
    -o "-p $PORT -k $DIR/pg -c listen_addresses=127.0.0.1" start >/dev/null
}
cleanup() {
  [ -f "$DATA/postmaster.pid" ] && lg_pg_run "$BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1
  jobs -p | xargs -r kill 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT
mkdir -p "$DIR/pg"
[ "$(id -u)" -ne 0 ] || chown postgres "$DIR/pg"
lg_pg_run "$BIN/initdb" -D "$DATA" -U lg --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1
pg_start
lg_pg_run "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U lg lg_kill
URL="postgres://lg@127.0.0.1:$PORT/lg_kill?connect_timeout=2"
CLI=target/debug/liberation-gates
[ -x "$CLI" ] || cargo build --quiet -p liberation-gates-cli
# Create (migrate) the store first.
"$CLI" store load --store "$URL" --stream seed <(echo '{"id": "seed"}') >/dev/null

WRITER='
import sys, time
import liberation_gates as lg
url, k, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = lg.Store(url)
acked, errors, found_on_retry = [], {}, 0
for i in range(n):
    rid = f"w{k}-{i}"
    deadline = time.monotonic() + 60
    while True:
        try:
            store.append("orders", rid, {"writer": k, "i": i})
            acked.append(rid)
            break
        except lg.StoreError as e:
            if e.kind == "duplicate_id":
                # Written before the connection died, acknowledgement lost: there once.
                found_on_retry += 1
                acked.append(rid)
                break
            errors[e.kind] = errors.get(e.kind, 0) + 1
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    if i % 20 == 0:
        print(f"progress {k} {i}", flush=True)
with open(sys.argv[4], "w") as f:
    f.write("\n".join(acked) + "\n")
print(f"writer {k}: {len(acked)} acknowledged, errors {errors}, found on retry {found_on_retry}", flush=True)
'
PIDS=()
for k in 1 2 3 4; do
  .venv/bin/python -c "$WRITER" "$URL" "$k" "$N" "$DIR/acked-$k" > "$DIR/writer-$k.log" 2>&1 &
  PIDS+=($!)
done
progress() { cat "$DIR"/writer-*.log 2>/dev/null | grep -c '^progress' || true; }
for kill_no in $(seq 1 "$KILLS"); do
  # Kill while every writer is mid-run: after about a quarter (then three quarters) of the
  # progress lines have appeared.
  want=$(( (4 * N / 20) * (2 * kill_no - 1) / (2 * KILLS) ))
  for _ in $(seq 600); do [ "$(progress)" -ge "$want" ] && break; sleep 0.1; done
  pm=$(head -1 "$DATA/postmaster.pid")
  victims="$pm $(pgrep -P "$pm" | tr '\n' ' ')"
  echo "kill $kill_no: SIGKILL to the postmaster and its $(echo "$victims" | wc -w) processes after $(progress) progress lines"
  # shellcheck disable=SC2086
  kill -9 $victims
  rm -f "$DATA/postmaster.pid"
  sleep 2
  before=$(progress)
  pg_start
  echo "restarted (crash recovery) after 2 s; the writers had $before progress lines"
done
status=0
for pid in "${PIDS[@]}"; do wait "$pid" || status=1; done
cat "$DIR"/writer-*.log | grep -v '^progress' || true
[ "$status" = 0 ] || { echo "a writer failed" >&2; exit 1; }
grep -h "errors {" "$DIR"/writer-*.log | grep -q "unavailable" ||
  { echo "no writer saw the outage (unavailable): the kill missed the writes" >&2; exit 1; }

verified=$("$CLI" store verify --store "$URL")
echo "$verified"
expected=$((4 * N + 1))
case "$verified" in *": $expected records, checksum chain intact"*) ;; *) echo "expected $expected records, chain intact" >&2; exit 1 ;; esac
"$CLI" store dump --store "$URL" --stream orders | python3 -c "
import json, sys, glob
ids = [json.loads(l)['id'] for l in sys.stdin if l.strip()]
acked = [l.strip() for f in glob.glob('$DIR/acked-*') for l in open(f) if l.strip()]
assert len(acked) == 4 * $N, len(acked)
assert len(ids) == len(set(ids)), 'a record written twice'
missing = set(acked) - set(ids)
assert not missing, f'{len(missing)} acknowledged appends lost, e.g. {sorted(missing)[:3]}'
print(f'{len(acked)} acknowledged appends, each in the store once, after $KILLS SIGKILL(s)')
"
