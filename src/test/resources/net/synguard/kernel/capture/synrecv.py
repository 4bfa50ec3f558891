# Runs inside netns sgk-test. Listeners never accept; an nft rule drops the clients' final ACK,
# so the server side stays in SYN_RECV. Prints "ready" and waits for stdin to close.
import socket, sys, subprocess, shutil, time
out = sys.argv[1]
def sysctl(v): subprocess.run(["sysctl", "-qw", "net.ipv4.tcp_syncookies=" + v], check=True)
def listen(fam, addr, port, backlog):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(backlog); return s
def connect(fam, addr, port, n, keep):
    for _ in range(n):
        c = socket.socket(fam, socket.SOCK_STREAM); c.setblocking(False)
        try: c.connect((addr, port))
        except BlockingIOError: pass
        keep.append(c)
def snap(tag):
    time.sleep(0.3)
    for f in ("netstat", "tcp", "tcp6"):
        shutil.copyfile("/proc/net/" + f, out + "/" + tag + "-" + f)
    with open(out + "/" + tag + "-ss.txt", "w") as fh:
        fh.write(subprocess.run(["ss", "-tanH"], capture_output=True, text=True).stdout)
    with open(out + "/" + tag + "-nstat.txt", "w") as fh:
        fh.write(subprocess.run(["nstat", "-az", "--json"], capture_output=True, text=True).stdout)
keep = []
sysctl("0")
snap("ns-before")
ls = [listen(socket.AF_INET, "127.0.0.1", 8080, 128),
      listen(socket.AF_INET6, "::1", 8080, 128),
      listen(socket.AF_INET, "127.0.0.1", 8081, 2),
      listen(socket.AF_INET6, "::", 8083, 128)]
connect(socket.AF_INET, "127.0.0.1", 8080, 5, keep)
connect(socket.AF_INET6, "::1", 8080, 3, keep)
connect(socket.AF_INET, "127.0.0.1", 8081, 8, keep)   # request queue of 2 fills: TCPReqQFullDrop
connect(socket.AF_INET, "127.0.0.1", 8083, 2, keep)   # v4-mapped into an IPv6 listener
snap("ns-nocookies")
sysctl("1")
ls.append(listen(socket.AF_INET, "127.0.0.1", 8082, 2))
connect(socket.AF_INET, "127.0.0.1", 8082, 8, keep)   # queue full with cookies on: cookies sent
snap("ns-cookies")
print("ready", flush=True)
sys.stdin.read()
