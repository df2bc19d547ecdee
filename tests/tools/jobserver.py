#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A fake ESP RainMaker API for otadiag's fetch tests (127.0.0.1 only).

Usage: jobserver.py --pages DIR [--cert PEM --key PEM] [--token TOKEN]

Prints "PORT <n>" on stdout once listening (port 0 = any free port), then
serves until killed.  The first path segment picks a scenario, so a test
passes --api http(s)://127.0.0.1:PORT/<scenario>/v1:

  ok         pages DIR/page1.json, page2.json ... following start_id=next_id;
             /user/nodes/ota_status serves DIR/node.json
  ratelimit  429 (Retry-After: 0) on the first request, then like ok
  error500   always 500 with an API error body
  truncated  Content-Length larger than the body, then the connection closes
  badjson    200 with a body that is not JSON
  slow       waits 5 s before answering
  huge       a 3 MiB body
  loop       page 1 again and again, always with the same next_id
  stale      page 1's nodes again and again, each time with a new next_id
  endless    one new node and a new next_id on every page
  endless-slow  the same, each page after 1 s
  dupkey     a page whose "node_ota_status" key appears twice
GET /hits/<scenario> (no token) answers {"hits": N}, the requests so far.
Every request must carry "Authorization: TOKEN", else 401 with the API's
error body.
"""
import argparse
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def error_body(status, code, desc):
    return json.dumps({"status": status, "error_code": code,
                       "description": desc}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="application/json", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        srv = self.server
        url = urlparse(self.path)
        parts = url.path.strip("/").split("/")
        scenario = parts[0] if parts else ""
        rest = "/" + "/".join(parts[2:])  # drop scenario and "v1"
        q = parse_qs(url.query)
        if scenario == "hits":
            with srv.lock:
                n = srv.hits.get(parts[1] if len(parts) > 1 else "", 0)
            return self.send(200, json.dumps({"hits": n}).encode())
        with srv.lock:
            srv.hits[scenario] = srv.hits.get(scenario, 0) + 1
            hits = srv.hits[scenario]
        if self.headers.get("Authorization") != srv.token:
            return self.send(401, error_body("failure", 100006,
                             "Unauthorized: invalid or expired token"))
        if scenario == "ratelimit" and hits == 1:
            return self.send(429, error_body("failure", 429,
                             "Too many requests"), extra={"Retry-After": "0"})
        if scenario == "error500":
            return self.send(500, error_body("failure", 500001,
                             "Internal server error"))
        if scenario == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"node_ota_status": [{"node_id": "a"')
            self.wfile.flush()
            self.close_connection = True
            return
        if scenario == "badjson":
            return self.send(200, b"<html>maintenance</html>", "text/html")
        if scenario == "slow":
            time.sleep(5)
            return self.send(200, b"{}")
        if scenario in ("loop", "stale"):
            with open(os.path.join(srv.pages, "page1.json")) as f:
                page = json.load(f)
            page["next_id"] = "same-cursor" if scenario == "loop" else \
                "cursor-%d" % hits
            return self.send(200, json.dumps(page).encode())
        if scenario in ("endless", "endless-slow"):
            if scenario == "endless-slow":
                time.sleep(1)
            page = {"ota_job_id": "job-fleet-1", "total": 1000000,
                    "next_id": "cursor-%d" % hits,
                    "node_ota_status": [{"node_id": "n-%d" % hits,
                                         "status": "in_progress"}]}
            return self.send(200, json.dumps(page).encode())
        if scenario == "dupkey":
            return self.send(200, b'{"node_ota_status": [{"node_id": "a",'
                             b' "status": "failed"}], "node_ota_status": []}')
        if scenario == "huge":
            return self.send(200, b'{"x": "' + b"a" * (3 << 20) + b'"}')
        if rest == "/user/nodes/ota_status":
            if "node_id" not in q or "ota_job_id" not in q:
                return self.send(400, error_body("failure", 100001,
                                 "node_id and ota_job_id are required"))
            with open(os.path.join(srv.pages, "node.json"), "rb") as f:
                return self.send(200, f.read())
        if rest != "/admin/otajob/status":
            return self.send(404, error_body("failure", 404, "Not found"))
        if q.get("ota_job_id") != ["job-fleet-1"]:
            return self.send(404, error_body("failure", 100014,
                             "OTA job not found"))
        start = q.get("start_id", [None])[0]
        page = 1
        if start is not None:
            page = srv.after.get(start)
            if page is None:
                return self.send(400, error_body("failure", 100002,
                                 "Invalid start_id"))
        with open(os.path.join(srv.pages, "page%d.json" % page), "rb") as f:
            return self.send(200, f.read())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--token", default="test-token")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    # refused TLS handshakes are expected in the tests: stay quiet
    srv.handle_error = lambda request, address: None
    srv.lock = threading.Lock()
    srv.hits = {}
    srv.token = a.token
    srv.pages = a.pages
    # next_id of page N leads to page N+1
    srv.after = {}
    n = 1
    while os.path.exists(os.path.join(a.pages, "page%d.json" % n)):
        with open(os.path.join(a.pages, "page%d.json" % n)) as f:
            nid = json.load(f).get("next_id")
        if nid:
            srv.after[nid] = n + 1
        n += 1
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
