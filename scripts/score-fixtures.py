#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Scores otadiag on the real, labelled logs in fixtures/.

Usage: scripts/score-fixtures.py [--bin PATH] [--set all|fresh|old]
                                 [--table] [-- extra otadiag args]

For every log named in a labels*.jsonl under fixtures/corpus and
fixtures/field (never the synthetic fixtures/logs), runs
`otadiag analyze --format json LOG` and compares the outcome and the
primary cause with the label (a cause in "also_acceptable" counts as
right; a success must have no primary cause).  Prints one line per log
that is wrong (or every log with --table, as Markdown) and the totals.
"""
import glob
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def labels(which):
    out = []
    pats = []
    if which in ("all", "old"):
        pats += ["fixtures/corpus/labels.jsonl",
                 "fixtures/field/idf/labels.jsonl",
                 "fixtures/field/platforms/labels.jsonl",
                 "fixtures/field/sessions/labels.jsonl"]
    if which in ("all", "fresh"):
        pats += ["fixtures/field/fresh/labels-*.jsonl"]
    for pat in pats:
        for path in sorted(glob.glob(os.path.join(here, pat))):
            d = os.path.dirname(path)
            with open(path, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line:
                        rec = json.loads(line)
                        rec["_path"] = os.path.join(d, rec["file"])
                        out.append(rec)
    return out


def run(binary, path, extra):
    p = subprocess.run([binary, "analyze", "--format", "json"] + extra +
                       [path], capture_output=True, text=True)
    try:
        inp = json.loads(p.stdout)["inputs"][0]
    except (ValueError, KeyError, IndexError):
        return "error", None
    return inp.get("outcome"), inp.get("primary_cause")


def main():
    args = sys.argv[1:]
    binary = os.path.join(here, "build", "otadiag")
    which = "all"
    table = False
    extra = []
    while args:
        a = args.pop(0)
        if a == "--bin":
            binary = args.pop(0)
        elif a == "--set":
            which = args.pop(0)
        elif a == "--table":
            table = True
        elif a == "--":
            extra = args
            break
        else:
            sys.exit("score-fixtures: unknown argument " + a)
    recs = labels(which)
    n = ok_out = ok_cause = 0
    if table:
        print("| file | label | otadiag |")
        print("|---|---|---|")
    for r in recs:
        out, cause = run(binary, r["_path"], extra)
        want_cause = r.get("primary_cause")
        accept = [want_cause] + list(r.get("also_acceptable") or [])
        o_ok = out == r["outcome"]
        c_ok = (cause is None) if want_cause is None else cause in accept
        n += 1
        ok_out += o_ok
        ok_cause += c_ok
        rel = os.path.relpath(r["_path"], here)
        if table:
            mark = "" if o_ok and c_ok else " ✗"
            print("| %s | %s / %s | %s / %s%s |" % (
                rel, r["outcome"], want_cause or "-", out, cause or "-",
                mark))
        elif not (o_ok and c_ok):
            print("WRONG %s: label %s/%s, got %s/%s" % (
                rel, r["outcome"], want_cause, out, cause))
    print("%d logs: outcome %d/%d (%.0f %%), primary cause %d/%d (%.0f %%)" % (
        n, ok_out, n, 100.0 * ok_out / max(n, 1), ok_cause, n,
        100.0 * ok_cause / max(n, 1)))


if __name__ == "__main__":
    main()
