"""signal-run.py - runs `finsync run job.json` (stdout run.out, stderr run.err)
and signals it once the ledger shows the load under way; the signal tests'
shared driver (t79xx).

    python3 signal-run.py FINSYNC "SQL" MIN SIGNAL [SECOND_SIGNAL]

Waits (at most 60 s) until SQL, a count over state/ledger.sqlite, reaches MIN,
then sends SIGNAL; with SECOND_SIGNAL, sends that 1 s later.  Prints the exit
code and the seconds from the last signal to the exit.  SIGINT is restored to
its default first: a background job of a non-interactive shell ignores it.
"""
import signal
import sqlite3
import subprocess
import sys
import time

finsync, sql, least, first = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
second = sys.argv[5] if len(sys.argv) > 5 else None
p = subprocess.Popen([finsync, "run", "job.json"], stdout=open("run.out", "w"), stderr=open("run.err", "w"),
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
