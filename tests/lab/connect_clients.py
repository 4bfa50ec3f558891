#!/usr/bin/env python3
"""Legitimate HTTP clients that may reconnect once after a reset (stdlib only).

For the mitigation tests (tests/e2e/70-mitigation-lab.sh, bin/demo): WORKERS
threads, each doing requests back to back (at most RATE per second per worker,
so a fast server does not turn the test into a connection benchmark): a new
TCP connection through the kernel's stack, "GET /" with "Connection: close",
read to EOF, status 200 = success. Every attempt has one deadline (--timeout,
3 s) for connect + request + response.

Why the reconnect: synguard's `reset` handoff completes the handshake with a
SYN cookie, then resets the connection; the client's source is verified by
then, and its next connection goes to the server untouched. Browsers and most
HTTP clients retry a request that was reset before any response byte; so do
these clients, once, when --reconnect is given. First-attempt success and
success with that one reconnect are reported separately.

Why --sources: synguard verifies a source address once and lets it through
afterwards, and the kernel's tcp_metrics remembers "proven" peers; one client
address would test only its first handshake. With --sources CIDR every request
binds to the next address of CIDR (round robin), so each one is a client the
server has never seen while the pool lasts (the caller routes CIDR to the
client namespace; see lab_client_sources in lab.sh).

  connect_clients.py --host 198.18.0.1 --port 80 --workers 4 --seconds 5 \\
      [--rate 50] [--timeout 3] [--reconnect] [--sources 198.18.64.0/22] --out FILE

FILE: one CSV row per request:
  seq,worker,source,start_unix,attempts,first_ok,ok,first_connect_ms,connect_ms,total_ms,first_reason,reason
connect_ms: connect() start to established, of the last attempt (the one that
succeeded, when one did); total_ms: first attempt's start to the end of the
response (reconnect included); empty when the step did not complete. reasons:
"ok", "connect_timeout", "connect_refused", "connect_<errno>", "send_<errno>",
"read_timeout", "read_<errno>", "reset" (ECONNRESET/EPIPE before any response
byte, connect() included), "short_response", "status_<code>".

stdout: one summary line of key=value pairs:
  requests ok_first ok first_pct success_pct reconnects sources ok_rps
  connect_p50_ms connect_p99_ms connect_max_ms total_p50_ms total_p99_ms
  first_failures failures
Exit 0, or 1 when --min-success is given and success_pct is below it, 2 on bad
arguments. Bounded: at most SECONDS + 2 x TIMEOUT (+ scheduling slack).
"""

import argparse
import errno
import ipaddress
import socket
import sys
import threading
import time

from labutil import percentile

RESET_ERRNOS = (errno.ECONNRESET, errno.EPIPE)


def errname(e):
    return errno.errorcode.get(e.errno or 0, str(e.errno))


def attempt(host, port, source, timeout, request):
    """One connection: (ok, reason, connect_ms or None). Never longer than timeout."""
    start = time.monotonic()
    deadline = start + timeout
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if source is not None:
            sock.bind((source, 0))
        sock.settimeout(timeout)
        try:
            sock.connect((host, port))
        except socket.timeout:
            return False, "connect_timeout", None
        except ConnectionRefusedError:
            return False, "connect_refused", None
        except OSError as e:
            # ECONNRESET from connect(): the handshake completed and the reset came before the
            # socket was looked at (the reset handoff does that within microseconds).
            return False, ("reset" if e.errno in RESET_ERRNOS else "connect_" + errname(e)), None
        connect_ms = (time.monotonic() - start) * 1000.0
        got = bytearray()
        try:
            sock.sendall(request)
        except OSError as e:
            return False, ("reset" if e.errno in RESET_ERRNOS else "send_" + errname(e)), connect_ms
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False, "read_timeout", connect_ms
            sock.settimeout(left)
            try:
                b = sock.recv(65536)
            except socket.timeout:
                return False, "read_timeout", connect_ms
            except OSError as e:
                if e.errno in RESET_ERRNOS and not got:
                    return False, "reset", connect_ms
                return False, "read_" + errname(e), connect_ms
            if not b:
                break
            got += b
        line = bytes(got).split(b"\r\n", 1)[0].split()
        if len(line) < 2 or not line[0].startswith(b"HTTP/"):
            return False, "short_response", connect_ms
        if line[1] != b"200":
            return False, "status_" + line[1].decode("ascii", "replace"), connect_ms
        return True, "ok", connect_ms
    finally:
        sock.close()


class Sources:
    """Round robin over the addresses of a network, shared by the workers."""

    def __init__(self, cidr):
        self.net = ipaddress.ip_network(cidr, strict=False) if cidr else None
        self.lock = threading.Lock()
        self.next = 0
        self.used = 0

    def take(self):
        if self.net is None:
            return None
        with self.lock:
            n = self.net.num_addresses
            # Skip the network and broadcast addresses of IPv4 nets larger than /31.
            lo, span = (1, n - 2) if self.net.version == 4 and n > 2 else (0, n)
            addr = self.net.network_address + lo + (self.next % span)
            self.next += 1
            self.used = min(self.next, span)
            return str(addr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="198.18.0.1")
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--seconds", type=float, required=True, help="start requests for this long")
    ap.add_argument("--rate", type=float, default=50.0, help="most requests per second per worker")
    ap.add_argument("--timeout", type=float, default=3.0, help="seconds per attempt")
    ap.add_argument("--reconnect", action="store_true",
                    help="reconnect once after a reset that came before any response byte")
    ap.add_argument("--sources", default=None, help="bind each request to the next address of this CIDR")
    ap.add_argument("--out", required=True, help="CSV file, one row per request")
    ap.add_argument("--min-success", type=float, default=None, help="exit 1 below this percentage")
    a = ap.parse_args()
    if not (1 <= a.workers <= 256 and 0 < a.seconds <= 600 and a.rate > 0 and 0 < a.timeout <= 60):
        ap.error("need 1 <= workers <= 256, 0 < seconds <= 600, rate > 0, 0 < timeout <= 60")
    host_hdr = ("[%s]" % a.host) if ":" in a.host else a.host
    request = ("GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: synguard-lab\r\nConnection: close\r\n\r\n"
               % host_hdr).encode("ascii")
    sources = Sources(a.sources)
    results = []
    lock = threading.Lock()
    seq = [0]
    gap = 1.0 / a.rate
    t0 = time.monotonic() + 0.02
    stop_at = t0 + a.seconds

    def worker(w):
        # Stagger the workers across one gap so they do not connect in lockstep.
        sched = t0 + gap * w / a.workers
        while True:
            now = time.monotonic()
            if sched > now:
                time.sleep(sched - now)
            if time.monotonic() >= stop_at:
                return
            with lock:
                n = seq[0]
                seq[0] += 1
            src = sources.take()
            start = time.monotonic()
            start_unix = time.time()
            ok, why, conn = attempt(a.host, a.port, src, a.timeout, request)
            first_ok, first_why, first_conn, tries = ok, why, conn, 1
            if not ok and why == "reset" and a.reconnect:
                ok, why, conn = attempt(a.host, a.port, src, a.timeout, request)
                tries = 2
            total = (time.monotonic() - start) * 1000.0 if ok else None
            with lock:
                results.append((n, w, src or "", start_unix, tries, first_ok, ok, first_conn, conn, total,
                                first_why, why))
            # At most RATE per second per worker; a slow request is not made up for.
            sched = max(sched + gap, time.monotonic())

    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(a.workers)]
    for t in threads:
        t.start()
    for t in threads:
        # Every request ends within 2 x timeout after it starts.
        t.join(a.seconds + 2 * a.timeout + 5)
    end = time.monotonic()

    results.sort()
    fmt = lambda v: "" if v is None else "%.3f" % v
    with open(a.out, "w") as f:
        f.write("seq,worker,source,start_unix,attempts,first_ok,ok,first_connect_ms,connect_ms,total_ms,"
                "first_reason,reason\n")
        for n, w, src, su, tries, fok, ok, fc, c, t, fwhy, why in results:
            f.write("%d,%d,%s,%.6f,%d,%d,%d,%s,%s,%s,%s,%s\n" % (
                n, w, src, su, tries, fok, ok, fmt(fc), fmt(c), fmt(t), fwhy, why))

    n = len(results)
    ok_first = sum(1 for r in results if r[5])
    ok = sum(1 for r in results if r[6])
    conn = sorted(r[8] for r in results if r[6] and r[8] is not None)
    tot = sorted(r[9] for r in results if r[9] is not None)

    def tally(idx_ok, idx_why):
        fails = {}
        for r in results:
            if not r[idx_ok]:
                fails[r[idx_why]] = fails.get(r[idx_why], 0) + 1
        return ",".join("%s:%d" % kv for kv in sorted(fails.items())) or "none"

    num = lambda v: "nan" if v is None else "%.3f" % v
    pct = 100.0 * ok / n if n else 0.0
    print(" ".join([
        "requests=%d" % n,
        "ok_first=%d" % ok_first,
        "ok=%d" % ok,
        "first_pct=%.2f" % (100.0 * ok_first / n if n else 0.0),
        "success_pct=%.2f" % pct,
        "reconnects=%d" % sum(1 for r in results if r[4] > 1),
        "sources=%d" % (sources.used if sources.net is not None else 1),
        "ok_rps=%.1f" % (ok / (end - t0) if end > t0 else 0.0),
        "connect_p50_ms=" + num(percentile(conn, 50)),
        "connect_p99_ms=" + num(percentile(conn, 99)),
        "connect_max_ms=" + num(conn[-1] if conn else None),
        "total_p50_ms=" + num(percentile(tot, 50)),
        "total_p99_ms=" + num(percentile(tot, 99)),
        "first_failures=" + tally(5, 10),
        "failures=" + tally(6, 11),
    ]), flush=True)
    if a.min_success is not None and pct < a.min_success:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
