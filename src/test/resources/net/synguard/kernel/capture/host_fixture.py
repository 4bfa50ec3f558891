# Captures the host-* fixtures: holds real sockets open in both families while the /proc files
# are copied and ss/nstat look at the same moment. Usage: python3 host_fixture.py OUTDIR
import socket, subprocess, shutil, sys, time
out = sys.argv[1]
l4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l4.bind(("127.0.0.1", 18080)); l4.listen(16)
l6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
l6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l6.bind(("::1", 18081)); l6.listen(16)
c4 = [socket.create_connection(("127.0.0.1", 18080)) for _ in range(3)]
c6 = [socket.create_connection(("::1", 18081)) for _ in range(2)]
a4, _ = l4.accept()   # one accepted, two left in the accept queue
a6, _ = l6.accept()   # one accepted, one left in the accept queue
time.sleep(0.2)
for f in ("netstat", "tcp", "tcp6"):
    shutil.copyfile("/proc/net/" + f, out + "/host-" + f)
with open(out + "/host-ss.txt", "w") as fh:
    fh.write(subprocess.run(["ss", "-tanH"], capture_output=True, text=True).stdout)
with open(out + "/host-nstat.txt", "w") as fh:
    fh.write(subprocess.run(["nstat", "-az", "--json"], capture_output=True, text=True).stdout)
