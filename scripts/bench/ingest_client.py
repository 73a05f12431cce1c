#!/usr/bin/env python3
"""Load driver for scripts/bench/ingest: sets up one school-admin per school (untimed), then submits every
school's file over HTTP with N keep-alive connections (timed). Prints one JSON line of figures."""
import argparse, glob, http.client, json, os, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--operator-token", required=True)
parser.add_argument("--fixtures", required=True)
parser.add_argument("--collection", required=True)
parser.add_argument("--consent-hash", required=True)
parser.add_argument("--concurrency", type=int, default=4)
args = parser.parse_args()

local = threading.local()

def connection():
    if not hasattr(local, "conn"):
        local.conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
    return local.conn

def call(method, path, token, body=None, content_type="application/json", headers=None):
    h = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    h.update(headers or {})
    for attempt in range(2):
        conn = connection()
        try:
            conn.request(method, path, body=body, headers=h)
            response = conn.getresponse()
            data = response.read()
            return response.status, data
        except (ConnectionError, http.client.HTTPException):
            local.conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
    raise RuntimeError("connection failed twice")

files = sorted(glob.glob(os.path.join(args.fixtures, args.collection, "*.csv")))

def setup(path):
    urn = int(os.path.basename(path)[:-4])
    status, data = call("POST", "/v1/users", args.operator_token,
                        json.dumps({"name": f"bench-admin-{urn}", "role": "school-admin", "school": urn}).encode())
    assert status == 201, (status, data[:200])
    token = json.loads(data)["token"]["token"]
    status, data = call("POST", f"/v1/schools/{urn}/consents", token,
                        json.dumps({"action": "grant", "collection": args.collection, "textHash": args.consent_hash}).encode())
    assert status == 201, (status, data[:200])
    with open(path, "rb") as f:
        body = f.read()
    return token, body

with ThreadPoolExecutor(args.concurrency) as pool:
    prepared = list(pool.map(setup, files))

errors = []
def submit(item):
    token, body = item
    status, data = call("POST", f"/v1/collections/{args.collection}/submissions", token, body, "text/csv")
    if status != 201:
        errors.append((status, data[:200]))
        return 0
    return json.loads(data)["rows"]

print("timed phase starts", file=sys.stderr, flush=True)
start = time.perf_counter()
with ThreadPoolExecutor(args.concurrency) as pool:
    rows = sum(pool.map(submit, prepared))
seconds = time.perf_counter() - start
print(json.dumps({"files": len(files), "rows": rows, "seconds": round(seconds, 3),
                  "rows_per_second": round(rows / seconds), "errors": len(errors),
                  "bytes": sum(len(b) for _, b in prepared)}))
if errors:
    print("first error:", errors[0], file=sys.stderr)
    sys.exit(1)
