#!/bin/bash
# Captures the ns-* fixtures: SYN_RECV sockets and SYN-queue overflows in a throw-away network
# namespace, loopback only. Needs root, nft, ss, nstat, python3. Usage: run_ns.sh OUTDIR
# Removes the namespace and stops its own python process on exit, also on failure.
set -u
NS=sgk-test
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: run_ns.sh OUTDIR}
PID=
cleanup() {
  exec 3>&-
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  ip netns del $NS 2>/dev/null
  rm -f "$OUT/hold"
  echo "cleaned up"
}
trap cleanup EXIT
ip netns add $NS || exit 1
ip netns exec $NS ip link set lo up
ip netns exec $NS nft -f - <<'NFT'
table inet sgk {
  chain in {
    type filter hook input priority 0; policy accept;
    tcp dport { 8080-8083 } tcp flags & (fin|syn|rst|ack) == ack drop
  }
}
NFT
ip netns exec $NS nft list ruleset
mkfifo $OUT/hold 2>/dev/null
ip netns exec $NS python3 "$HERE/synrecv.py" "$OUT" < $OUT/hold > $OUT/ns.log 2>&1 &
PID=$!
exec 3>$OUT/hold
for i in $(seq 50); do grep -q ready $OUT/ns.log && break; sleep 0.2; done
cat $OUT/ns.log
echo "syn-recv count (ss):"; ip netns exec $NS ss -tanH state syn-recv | wc -l
ip netns exec $NS ss -tanH state syn-recv
ip netns exec $NS nstat -az | grep -E 'Syncookies|Listen|ReqQFull'
exec 3>&-
