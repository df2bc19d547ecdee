#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a log of SIZE MB made of whole OTA updates repeated (not a test).

The updates are the real logs of fixtures/corpus (an update each, some
failing, some succeeding), concatenated in order and repeated until the
size is reached: the input of a monitor that watched a device retry an
update for days.  Same arguments, same bytes.

usage: gen-updates.py --size MB -o FILE
"""
import argparse
import glob
import os

ap = argparse.ArgumentParser()
ap.add_argument("--size", type=int, default=150)
ap.add_argument("-o", required=True)
a = ap.parse_args()
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
files = sorted(glob.glob(os.path.join(root, "fixtures/corpus/*.log")))[:40]
chunk = b"".join(open(f, "rb").read() for f in files)
want = a.size * 2**20
with open(a.o, "wb") as out:
    n = 0
    while n < want:
        out.write(chunk)
        n += len(chunk)
