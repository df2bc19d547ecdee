#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The CI integrations as a CI system would run them, without one.

action.yml, templates/otadiag.gitlab-ci.yml, examples/*.yml and
.ci/otadiag-gate.yml are parsed; the examples' steps and the Action's gate
step (its env with the example's inputs substituted) and the GitLab job's
script (the template's variables under the example's) run in a scratch
workspace against the fixtures, with the built binary in place of the
install/build steps.  The reports they promise must be there and parse.

    tests/package/test-ci.py OTADIAG
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import yaml

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.abspath(sys.argv[1])
failures = []


def bad(msg):
    failures.append(msg)
    print("test-ci: FAIL: " + msg, file=sys.stderr)


def load(rel):
    with open(os.path.join(SRC, rel)) as f:
        return yaml.safe_load(f)


def workspace():
    ws = tempfile.mkdtemp(prefix="otadiag-ci-")
    os.symlink(os.path.join(SRC, "fixtures"), os.path.join(ws, "fixtures"))
    os.makedirs(os.path.join(ws, "build"))
    os.symlink(BIN, os.path.join(ws, "build", "otadiag"))
    return ws


def run(script, ws, env):
    e = dict(os.environ, OTADIAG_CONFIG="none", NO_COLOR="1")
    e.update(env)
    p = subprocess.run(["bash", "-e", "-c", script], cwd=ws, env=e,
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def expr(text, inputs, env):
    """${{ inputs.x }}, ${{ runner.temp }} ... as GitHub substitutes them."""
    def one(m):
        e = m.group(1).strip()
        if e.startswith("inputs."):
            return str(inputs[e[7:]])
        if e == "runner.temp":
            return env["RUNNER_TEMP"]
        raise ValueError("unknown expression " + e)
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))


# ---- the GitHub Action and the example that uses it ------------------------

action = load("action.yml")
example = load("examples/github-actions.yml")
if action.get("runs", {}).get("using") != "composite":
    bad("action.yml: runs.using is not composite")
steps = action["runs"]["steps"]
gate = [s for s in steps if "ci-gate.sh" in s.get("run", "")]
if len(gate) != 1:
    bad("action.yml: no single step runs scripts/ci-gate.sh")
upload = [s for s in steps if "upload-sarif" in s.get("uses", "")]
if len(upload) != 1:
    bad("action.yml: no SARIF upload step")
used = set(re.findall(r"inputs\.([a-z-]+)", yaml.safe_dump(action["runs"])))
used |= set(re.findall(r"inputs\.([a-z-]+)", yaml.safe_dump(
    action.get("outputs", {}))))
for name in action["inputs"]:
    if name not in used:
        bad("action.yml: input '%s' is used by no step" % name)
for name in used:
    if name not in action["inputs"]:
        bad("action.yml: steps use an undeclared input '%s'" % name)


def github_job(job_steps, logs_override=None):
    ws = workspace()
    env = {"GITHUB_ACTIONS": "true", "RUNNER_TEMP": ws + "/.runner",
           "GITHUB_STEP_SUMMARY": ws + "/summary.md",
           "GITHUB_ACTION_PATH": SRC, "OTADIAG": BIN}
    os.makedirs(env["RUNNER_TEMP"])
    result = None
    for st in job_steps:
        if st.get("uses") == "./":
            inputs = {k: v.get("default", "") for k, v in
                      action["inputs"].items()}
            for k, v in (st.get("with") or {}).items():
                if k not in inputs:
                    bad("example passes an unknown input '%s'" % k)
                inputs[k] = v
            if logs_override is not None:
                inputs["logs"] = logs_override
            genv = {k: expr(v, inputs, env) for k, v in gate[0]["env"].items()}
            genv.update(env)
            result = run(gate[0]["run"], ws, genv) + (ws, inputs)
            sarif = expr(upload[0]["with"]["sarif_file"], inputs, env)
            if not os.path.isfile(os.path.join(ws, sarif)):
                bad("the SARIF upload step's file %s was not written" % sarif)
        elif "run" in st and "ci-gate" not in st["run"]:
            rc, out, err = run(st["run"], ws, env)
            if rc != 0:
                bad("example step '%s' exits %d: %s" % (st.get("name"), rc,
                                                        err[-300:]))
    return result


job = list(example["jobs"].values())[0]
if not any(s.get("uses") == "./" for s in job["steps"]):
    bad("examples/github-actions.yml does not use the Action (uses: ./)")
res = github_job(job["steps"])
if res is not None:
    rc, out, err, ws, inputs = res
    if rc != 0:
        bad("the Action's gate on the example's logs exits %d: %s" %
            (rc, err[-400:]))
    rd = os.path.join(ws, inputs["report-dir"])
    try:
        with open(os.path.join(rd, "otadiag.sarif")) as f:
            if json.load(f).get("version") != "2.1.0":
                bad("the SARIF report is not version 2.1.0")
        ET.parse(os.path.join(rd, "otadiag.xml"))
    except (OSError, ValueError, ET.ParseError) as e:
        bad("a report of the Action is missing or broken: %s" % e)
    if not os.path.getsize(os.path.join(ws, "summary.md")):
        bad("the Action wrote no step summary")
    if "logs/success-1.log" not in out:
        bad("the text report is not in the job log: %s" % out[-300:])
    shutil.rmtree(ws)

# the same gate on a failed update fails the step, with an annotation
res = github_job(job["steps"], "fixtures/corpus/server-unreachable-1.log")
if res is not None:
    rc, out, err, ws, _ = res
    if rc != 1:
        bad("the Action's gate on a failed update exits %d, not 1" % rc)
    if "::error" not in out:
        bad("no ::error annotation for a failed update: %s" % out[-300:])
    shutil.rmtree(ws)

# ---- the GitLab template and the example that includes it -----------------

tmpl = load("templates/otadiag.gitlab-ci.yml")
gl = load("examples/gitlab-ci.yml")
if {"local": "templates/otadiag.gitlab-ci.yml"} not in gl.get("include", []):
    bad("examples/gitlab-ci.yml does not include the template")
jobs = [j for k, j in gl.items() if isinstance(j, dict) and
        j.get("extends") == ".otadiag-gate"]
if len(jobs) != 1:
    bad("examples/gitlab-ci.yml has no job extending .otadiag-gate")
else:
    base = tmpl[".otadiag-gate"]
    var = dict(base["variables"])
    var.update(jobs[0].get("variables", {}))
    var.update({"OTADIAG_DIR": SRC, "OTADIAG": BIN})
    script = jobs[0].get("script", base["script"])
    ws = workspace()
    rc, out, err = run("\n".join(script), ws, {k: str(v) for k, v in
                                               var.items()})
    if rc != 0:
        bad("the GitLab job's script exits %d: %s" % (rc, err[-400:]))
    junit = base["artifacts"]["reports"]["junit"].replace(
        "$OTADIAG_REPORT_DIR", var["OTADIAG_REPORT_DIR"])
    try:
        root = ET.parse(os.path.join(ws, junit)).getroot()
        if root.tag != "testsuites" or len(root) != 2:
            bad("the GitLab JUnit report has not one suite per log")
    except (OSError, ET.ParseError) as e:
        bad("the GitLab JUnit report %s: %s" % (junit, e))
    if "logs/success-2.log" not in out:
        bad("the GitLab job log has no text report")
    shutil.rmtree(ws)

# ---- .ci/otadiag-gate.yml: every step but the build ------------------------

corpus = load(".ci/otadiag-gate.yml")
ws = workspace()
for st in list(corpus["jobs"].values())[0]["steps"]:
    if "run" not in st or "cmake" in st["run"]:
        continue
    rc, out, err = run(st["run"], ws, {})
    if rc != 0:
        bad(".ci/otadiag-gate.yml step '%s' exits %d: %s" %
            (st.get("name"), rc, (out + err)[-300:]))
shutil.rmtree(ws)

if not failures:
    print("test-ci: ok")
sys.exit(1 if failures else 0)
