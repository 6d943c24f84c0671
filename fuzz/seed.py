#!/usr/bin/env python3
"""Seed the fuzz corpora from the conformance cases (recorded vectors' inputs) and examples.

    python3 fuzz/seed.py            # writes fuzz/corpus/<target>/seed-*
Input layout of decide/lint: NO_PROXY \\n URL \\n proxy value \\n selector byte.
"""
import glob, hashlib, json, os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(ROOT, "fuzz", "corpus")
seen = set()

def put(target, data: bytes):
    key = (target, data)
    if key in seen:
        return
    seen.add(key)
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

for path in sorted(glob.glob(os.path.join(ROOT, "tests/conformance/cases/*.jsonl")) +
                   glob.glob(os.path.join(ROOT, "tests/conformance/upstream/*.jsonl"))):
    for line in open(path, encoding="utf-8"):
        c = json.loads(line)
        env = c.get("env", {})
        np = env.get("NO_PROXY", env.get("no_proxy", ""))
        proxy = next((v for k, v in env.items() if k.lower().endswith("_proxy") and k.lower() != "no_proxy"), "")
        url = c.get("url", "")
        data = f"{np}\n{url}\n{proxy}\n".encode("utf-8", "surrogatepass") + b"\xff"
        put("decide", data)
        put("lint", data)
        put("target_parse", url.encode("utf-8", "surrogatepass"))
        put("matcher_equiv", data)
        vals = [v for v in env.values()][:8]
        put("render_roundtrip", "\x1f".join(vals).encode("utf-8", "surrogatepass"))

# Source files and scenario files shipped as examples and test fixtures.
for path in sorted(glob.glob(os.path.join(ROOT, "examples/**/*"), recursive=True) +
                   glob.glob(os.path.join(ROOT, "tests/sources/**/*"), recursive=True)):
    if not os.path.isfile(path) or os.path.getsize(path) > 65536:
        continue
    data = open(path, "rb").read()
    if path.endswith(".scenario"):
        put("scenario", data)
        continue
    for sel in range(16):  # every format selector: each file is tried as every format
        put("sources", bytes([sel]) + data)
print({t: len(os.listdir(os.path.join(out, t))) for t in os.listdir(out)})
