"""signal-run.py - runs `finsync run job.json` (stdout run.out, stderr run.err)
and signals it once the ledger shows the load under way; the signal tests'
shared driver (t79xx).

    python3 signal-run.py FINSYNC "SQL" MIN SIGNAL [SECOND_SIGNAL]

Waits (at most 60 s) until SQL, a count over state/ledger.sqlite, reaches MIN,
then sends SIGNAL; with SECOND_SIGNAL, sends that 1 s later.  Prints the exit
code and the seconds from the last signal to the exit.  SIGINT is restored to
its default first: a background job of a non-interactive shell ignores it.
With SIGNAL_RUN_PTY=1 in the environment, finsync runs on a pseudo-terminal
(so it draws its progress line) and run.err gets all the terminal got.
"""
import os
import pty
import signal
import sqlite3
import subprocess
import sys
import threading
import time

finsync, sql, least, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
second = sys.argv[5] if len(sys.argv) > 5 else None
argv = [finsync, "run", "job.json"]


class OnPty:
    """The child on a pseudo-terminal, its output read as it comes (a full terminal would block it)."""

    def __init__(self):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execv(argv[0], argv)
        self.data = b""
        self.status = None
        self.reader = threading.Thread(target=self.read)
        self.reader.start()

    def read(self):
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.data += chunk

    def poll(self):
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def send_signal(self, sig):
        os.kill(self.pid, sig)

    def wait(self):
        while self.poll() is None:
            time.sleep(0.01)
        self.reader.join()
        open("run.err", "wb").write(self.data)
        return self.status


if os.environ.get("SIGNAL_RUN_PTY"):
    p = OnPty()
else:
    p = subprocess.Popen(argv, stdout=open("run.out", "w"), stderr=open("run.err", "w"),
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def count():
    try:
        db = sqlite3.connect("file:state/ledger.sqlite?mode=ro", uri=True, timeout=0.2)
        return db.execute(sql).fetchone()[0]
    except sqlite3.Error:
        return 0


start = time.time()
while time.time() - start < 60 and p.poll() is None and count() < least:
    time.sleep(0.1)
p.send_signal(getattr(signal, first))
if second:
    time.sleep(1)
    p.send_signal(getattr(signal, second))
last = time.time()
rc = p.wait()
print(rc, round(time.time() - last, 2))
