#!/usr/bin/env python3
"""Load driver for scripts/bench/ingest: sets up one school-admin per school (untimed), then submits every
school's file over HTTP with N keep-alive connections through curl (timed). Prints one JSON line of figures."""
import argparse, glob, http.client, json, os, subprocess, sys, threading, time
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

# The timed phase: curl (C, one process, keep-alive connections) sends every school's file, so the load driver's
# own CPU takes as little as possible from the two cores the server and PostgreSQL share.
rows_expected = 0
config = os.path.join(os.path.dirname(files[0]), "..", "curl-submissions.conf") if files else None
with open(config, "w") as out:
    for index, (path, (token, body)) in enumerate(zip(files, prepared)):
        if index > 0:
            out.write("next\n")
        rows_expected += body.count(b"\n") - 1 + (0 if body.endswith(b"\n") else 1)
        out.write(f'url = "http://127.0.0.1:{args.port}/v1/collections/{args.collection}/submissions"\n')
        out.write(f'header = "Authorization: Bearer {token}"\nheader = "Content-Type: text/csv"\nheader = "Expect:"\n')
        out.write(f'data-binary = "@{os.path.abspath(path)}"\noutput = "/dev/null"\nwrite-out = "%{{http_code}}\\n"\n')

print("timed phase starts", file=sys.stderr, flush=True)
start = time.perf_counter()
result = subprocess.run(["curl", "--silent", "--show-error", "--parallel", "--parallel-max", str(args.concurrency), "--config", config],
                        capture_output=True, text=True)
seconds = time.perf_counter() - start
statuses = result.stdout.split()
errors = [s for s in statuses if s != "201"] + ([] if len(statuses) == len(files) else ["missing responses"])
rows = rows_expected if not errors else 0
print(json.dumps({"files": len(files), "rows": rows, "seconds": round(seconds, 3),
                  "rows_per_second": round(rows / seconds), "errors": len(errors),
                  "bytes": sum(len(b) for _, b in prepared)}))
if errors:
    print("first error:", errors[0], [l for l in result.stderr.splitlines() if l.startswith("curl") and "(42)" not in l][:5], file=sys.stderr)
    sys.exit(1)
