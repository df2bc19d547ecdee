#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The monitor in a real terminal: tmux runs 'otadiag monitor' on a pty that
a device stand-in feeds with a real log at 115200 baud; keys are typed with
'tmux send-keys' and the screen is read with 'tmux capture-pane'.  Nothing
is timed except the waits, which fail the test only after 20 s.

    tests/integ/test-tmux.py OTADIAG
"""
import os
import pty
import select
import subprocess
import sys
import tempfile
import threading
import time
import tty

BIN = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
tmp = tempfile.mkdtemp(prefix="otadiag-tmux-")
sock = os.path.join(tmp, "tmux.sock")
master, slave = pty.openpty()
tty.setraw(slave)
dev = os.ttyname(slave)
received = bytearray()
failures = []


def tmux(*args):
    return subprocess.run(["tmux", "-S", sock] + list(args),
                          capture_output=True, text=True, timeout=30)


def screen():
    return tmux("capture-pane", "-p", "-J", "-S", "-200").stdout


def wait_screen(text, what):
    end = time.time() + 20
    while time.time() < end:
        if text in screen():
            return True
        time.sleep(0.1)
    failures.append("%s: '%s' never on screen:\n%s" % (what, text, screen()))
    return False


def drain():
    while select.select([master], [], [], 0)[0]:
        received.extend(os.read(master, 4096))


def feed(data, baud=115200):
    """Writes data at a serial line's pace, 10 bits a byte."""
    for i in range(0, len(data), 64):
        os.write(master, data[i:i + 64])
        time.sleep(64 * 10 / baud)


log = open(os.path.join(SRC, "fixtures/corpus/tls-failed-1.log"), "rb").read()
status = os.path.join(tmp, "status")
cmd = ("OTADIAG_CONFIG=none NO_COLOR=1 %s monitor --timeout 120 --log %s/raw.log"
       " %s; echo EXIT=$? > %s.tmp; mv %s.tmp %s; sleep 30"
       % (BIN, tmp, dev, status, status, status))
try:
    tmux("new-session", "-d", "-x", "160", "-y", "50", cmd)
    if wait_screen("Ctrl-T Ctrl-H: menu", "start"):
        tmux("send-keys", "C-t", "C-h")
        wait_screen("Ctrl-T Ctrl-X  quit", "Ctrl-T Ctrl-H")
        tmux("send-keys", "-l", "ab")
        tmux("send-keys", "Enter")
        end = time.time() + 20
        while b"ab\r\n" not in received and time.time() < end:
            time.sleep(0.05)
            drain()
        if b"ab\r\n" not in received:
            failures.append("typed 'ab' Enter, the device got %r" % received)
        writer = threading.Thread(target=feed, args=(log,))
        writer.start()
        wait_screen("otadiag \u25b6 diagnosis at line", "live diagnosis")
        writer.join()
        raw_path = os.path.join(tmp, "raw.log")
        end = time.time() + 20
        while time.time() < end and (not os.path.exists(raw_path) or
                                     os.path.getsize(raw_path) < len(log)):
            time.sleep(0.05)
        tmux("send-keys", "C-t", "C-x")
        end = time.time() + 20
        while not os.path.exists(status) and time.time() < end:
            time.sleep(0.1)
        got = open(status).read().strip() if os.path.exists(status) else None
        if got != "EXIT=1":
            failures.append("Ctrl-T Ctrl-X after a TLS failure: %s, not "
                            "EXIT=1\n%s" % (got, screen()))
        if "stopped by the user" not in screen():
            failures.append("no 'stopped by the user':\n" + screen())
        raw = open(os.path.join(tmp, "raw.log"), "rb").read()
        if raw != log:
            failures.append("the --log file differs from what was fed "
                            "(%d of %d bytes)" % (len(raw), len(log)))
finally:
    tmux("kill-server")
    os.close(master)
    os.close(slave)
    subprocess.run(["rm", "-rf", tmp])
for f in failures:
    print("test-tmux: FAIL: " + f, file=sys.stderr)
if not failures:
    print("test-tmux: ok")
sys.exit(1 if failures else 0)
