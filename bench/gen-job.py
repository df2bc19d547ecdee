#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes an ESP RainMaker job JSON with N nodes (not a test): statuses in
several spellings, failures with the additional_info texts of real jobs.

usage: gen-job.py --nodes N -o FILE
"""
import argparse
import json
import random

ap = argparse.ArgumentParser()
ap.add_argument("--nodes", type=int, default=80000)
ap.add_argument("-o", required=True)
a = ap.parse_args()
rng = random.Random(1)
statuses = ["success", "failed", "IN_PROGRESS", "In-Progress", "in_progress",
            "rejected"]
infos = ["Download failed: ESP_ERR_HTTP_CONNECT",
         "Image validation failed: invalid magic byte",
         "esp_https_ota_begin failed: timeout", ""]
nodes = []
for i in range(a.nodes):
    s = rng.choice(statuses)
    n = {"node_id": "node%07d" % i, "status": s}
    if s in ("failed", "rejected"):
        n["additional_info"] = rng.choice(infos)
    nodes.append(n)
with open(a.o, "w") as f:
    json.dump({"ota_job_id": "bench", "node_ota_status": nodes}, f)
