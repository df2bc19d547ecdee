#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turns `otadiag rules list --format json` into pattern files for rg/grep.

usage: patterns.py RULES.json OUTDIR
Writes OUTDIR/ere.txt (POSIX ERE for grep -E and rg), OUTDIR/pcre.txt (the
original PCRE2 patterns, for rg -P) and prints what could not be converted.

PCRE2 -> ERE: (?<n>..) / (?P<n>..) / (?:..) become plain groups, \\d \\s \\w
\\D \\S \\W become bracket classes, lazy quantifiers become greedy (same
set of matching lines), a leading ^ is dropped (rules match the message
after the log prefix; the tools see whole lines), inline (?i) is dropped
(all tools run case-insensitively to match the needle prefilter's
and the tools run case-sensitively, like the patterns; rules whose
pattern is case-insensitive lose nothing measurable here).
Patterns with look-around, back-references, \\b, \\x, possessive or atomic
groups are left out of ere.txt and reported.
"""
import json
import re
import sys

CLASS = {r"\d": "[0-9]", r"\D": "[^0-9]", r"\s": "[[:space:]]",
         r"\S": "[^[:space:]]", r"\w": "[[:alnum:]_]", r"\W": "[^[:alnum:]_]"}
INCLASS = {r"\d": "0-9", r"\s": "[:space:]", r"\w": "[:alnum:]_"}
BAD = re.compile(r"\(\?=|\(\?!|\(\?<=|\(\?<!|\(\?>|\\[1-9bBxpPkKzAZGQE]|[*+?}]\+")


def to_ere(p):
    if BAD.search(p):
        return None
    p = re.sub(r"\(\?P?<[A-Za-z_][A-Za-z0-9_]*>", "(", p)
    p = p.replace("(?:", "(")
    p = re.sub(r"^\(\?i\)", "", p)
    if "(?" in p:
        return None
    out = []
    i = 0
    incls = False
    while i < len(p):
        c = p[i]
        if c == "\\" and i + 1 < len(p):
            e = p[i:i + 2]
            if incls and e in INCLASS:
                out.append(INCLASS[e])
            elif not incls and e in CLASS:
                out.append(CLASS[e])
            elif e[1] in "tnr":
                return None
            elif e[1] in ".[]{}()*+?|^$\\":
                out.append(e)
            else:
                # Rust regex rejects escapes of ordinary characters.
                out.append(e[1])
            i += 2
            continue
        if c == "[" and not incls:
            incls = True
        elif c == "]" and incls and out and out[-1] != "[":
            incls = False
        elif not incls and c in "*+?}" and i + 1 < len(p) and p[i + 1] == "?":
            out.append(c)
            i += 2
            continue
        out.append(c)
        i += 1
    s = "".join(out)
    if s.startswith("^"):
        s = s[1:]
    return s


def main():
    doc = json.load(open(sys.argv[1]))
    rules = doc.get("rules", doc) if isinstance(doc, dict) else doc
    ere, pcre, skipped = [], [], []
    for r in rules:
        p = r.get("pattern")
        if not p or r.get("target", "log") not in ("log", "any"):
            continue
        # A rule without a needle relies on its level/tag constraints
        # (e.g. "any line tagged esp32_ble_tracker"), which grep and rg
        # cannot express: alone, its pattern matches nearly every line
        # and would turn the comparison into "count all lines".
        if not r.get("needle"):
            skipped.append(r.get("id", "?") + " (no needle)")
            continue
        # Likewise a whole-line pattern that only says "an ESP-IDF line"
        # and leaves the rest to its tag constraint.
        if r.get("tag") and r.get("on") == "text" and len(re.sub(r"\\.|\[[^]]*\]|[][^$()|?*+{}.]", "", p)) < 6:
            skipped.append(r.get("id", "?") + " (tag-only)")
            continue
        if re.search(r"\\[1-9]|\\k|\(\?P=", p):
            skipped.append(r.get("id", "?") + " (back-reference)")
            continue
        # rg joins all patterns into one regex: names must not repeat.
        q = re.sub(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>", "(?:", p)
        pcre.append(q[1:] if q.startswith("^") else q)
        e = to_ere(p)
        if e is None:
            skipped.append(r.get("id", "?"))
        else:
            ere.append(e)
    with open(sys.argv[2] + "/ere.txt", "w") as f:
        f.write("\n".join(ere) + "\n")
    with open(sys.argv[2] + "/pcre.txt", "w") as f:
        f.write("\n".join(pcre) + "\n")
    print("patterns: %d total, %d converted to ERE, %d left out of ERE%s" % (
        len(pcre), len(ere), len(skipped),
        (": " + ", ".join(skipped)) if skipped else ""))


if __name__ == "__main__":
    main()
