#!/usr/bin/env python3
"""Legitimate HTTP clients for the synguard namespace lab (stdlib only).

Open loop: request i is scheduled at start + i/RATE, whatever happened to the
ones before, so a slow server shows up as latency and failures, not as a lower
offered rate. Each request is a new TCP connection through the kernel's stack
(socket.create_connection with a connect timeout), "GET /" with
"Connection: close", read to EOF, status 200 = success.

  http_clients.py --host 198.18.0.1 --port 80 --rate 200 --seconds 5 --out FILE

FILE gets one CSV row per request:
  seq,start_unix,sched_lag_ms,connect_ms,total_ms,ok,reason
(connect_ms/total_ms empty when that step did not complete; reason is "ok",
"connect_timeout", "connect_refused", "connect_<errno>", "read_timeout",
"read_<errno>", "short_response", "status_<code>").

stdout: one summary line of key=value pairs:
  requests ok success_pct offered_rps ok_rps connect_p50_ms connect_p99_ms
  connect_max_ms total_p50_ms total_p99_ms sched_lag_max_ms failures
Exit 0, or 1 when --min-success is given and not met, 2 on bad arguments.
Bounded: runs at most SECONDS + connect timeout + io timeout (+ scheduling slack).
"""

import argparse
import concurrent.futures
import errno
import socket
import sys
import threading
import time

from labutil import percentile


def one_request(seq, sched, host, port, connect_timeout, io_timeout, request):
    start = time.monotonic()
    start_unix = time.time()
    lag_ms = (start - sched) * 1000.0
    connect_ms = total_ms = None
    reason = "ok"
    sock = None
    try:
        try:
            sock = socket.create_connection((host, port), timeout=connect_timeout)
        except socket.timeout:
            return (seq, start_unix, lag_ms, None, None, False, "connect_timeout")
        except ConnectionRefusedError:
            return (seq, start_unix, lag_ms, None, None, False, "connect_refused")
        except OSError as e:
            return (seq, start_unix, lag_ms, None, None, False,
                    "connect_" + errno.errorcode.get(e.errno or 0, str(e.errno)))
        connect_ms = (time.monotonic() - start) * 1000.0
        sock.settimeout(io_timeout)
        chunks = []
        try:
            sock.sendall(request)
            while True:
                b = sock.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except socket.timeout:
            return (seq, start_unix, lag_ms, connect_ms, None, False, "read_timeout")
        except OSError as e:
            return (seq, start_unix, lag_ms, connect_ms, None, False,
                    "read_" + errno.errorcode.get(e.errno or 0, str(e.errno)))
        total_ms = (time.monotonic() - start) * 1000.0
        data = b"".join(chunks)
        line = data.split(b"\r\n", 1)[0].split()
        if len(line) < 2 or not line[0].startswith(b"HTTP/"):
            reason = "short_response"
        elif line[1] != b"200":
            reason = "status_" + line[1].decode("ascii", "replace")
        return (seq, start_unix, lag_ms, connect_ms, total_ms, reason == "ok", reason)
    finally:
        if sock is not None:
            sock.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="198.18.0.1")
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--rate", type=float, required=True, help="requests per second")
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--out", required=True, help="CSV file, one row per request")
    ap.add_argument("--connect-timeout", type=float, default=3.0)
    ap.add_argument("--io-timeout", type=float, default=3.0)
    ap.add_argument("--workers", type=int, default=0,
                    help="threads (default: enough for RATE x connect timeout, 32..512)")
    ap.add_argument("--min-success", type=float, default=None, help="exit 1 below this percentage")
    a = ap.parse_args()
    if a.rate <= 0 or a.seconds <= 0 or a.seconds > 3600:
        ap.error("need 0 < rate and 0 < seconds <= 3600")
    total = int(round(a.rate * a.seconds))
    workers = a.workers or max(32, min(512, int(a.rate * min(a.connect_timeout, 1.5))))
    host_hdr = ("[%s]" % a.host) if ":" in a.host else a.host
    request = ("GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: synguard-lab\r\nConnection: close\r\n\r\n"
               % host_hdr).encode("ascii")

    results = []
    lock = threading.Lock()

    def done(fut):
        r = fut.result()
        with lock:
            results.append(r)

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
    t0 = time.monotonic() + 0.05
    deadline = t0 + a.seconds + 1.0  # never schedule past this (a stalled scheduler cannot run long)
    try:
        for i in range(total):
            sched = t0 + i / a.rate
            now = time.monotonic()
            if now > deadline:
                break
            if sched > now:
                time.sleep(sched - now)
            f = pool.submit(one_request, i, sched, a.host, a.port, a.connect_timeout, a.io_timeout, request)
            f.add_done_callback(done)
    finally:
        # Every request ends within connect + io timeout after it starts.
        pool.shutdown(wait=True)
    end = time.monotonic()

    results.sort()
    with open(a.out, "w") as f:
        f.write("seq,start_unix,sched_lag_ms,connect_ms,total_ms,ok,reason\n")
        for seq, su, lag, c, t, ok, why in results:
            f.write("%d,%.6f,%.3f,%s,%s,%d,%s\n" % (
                seq, su, lag, "" if c is None else "%.3f" % c, "" if t is None else "%.3f" % t, ok, why))

    n = len(results)
    ok = sum(1 for r in results if r[5])
    conn = sorted(r[3] for r in results if r[3] is not None)
    tot = sorted(r[4] for r in results if r[4] is not None)
    starts = sorted(r[1] for r in results)
    offered = (n - 1) / (starts[-1] - starts[0]) if n > 1 and starts[-1] > starts[0] else 0.0
    fails = {}
    for r in results:
        if not r[5]:
            fails[r[6]] = fails.get(r[6], 0) + 1
    fmt = lambda v: "nan" if v is None else "%.3f" % v
    pct = 100.0 * ok / n if n else 0.0
    print(" ".join([
        "requests=%d" % n,
        "ok=%d" % ok,
        "success_pct=%.2f" % pct,
        "offered_rps=%.1f" % offered,
        "ok_rps=%.1f" % (ok / (end - t0) if end > t0 else 0.0),
        "connect_p50_ms=" + fmt(percentile(conn, 50)),
        "connect_p99_ms=" + fmt(percentile(conn, 99)),
        "connect_max_ms=" + fmt(conn[-1] if conn else None),
        "total_p50_ms=" + fmt(percentile(tot, 50)),
        "total_p99_ms=" + fmt(percentile(tot, 99)),
        "sched_lag_max_ms=" + fmt(max((r[2] for r in results), default=None)),
        "failures=" + (",".join("%s:%d" % kv for kv in sorted(fails.items())) or "none"),
    ]), flush=True)
    if a.min_success is not None and pct < a.min_success:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
