#!/usr/bin/env python3
"""Record GitLab Runner's 429 header rules with the real Go (time.Parse(time.RFC1123),
strconv.Atoi, Duration arithmetic): runs main.go on cases.jsonl inside `unshare -n`.

    record_retry.py          write tests/sources/recorded/runner-retry@goVERSION.jsonl
    record_retry.py --check  re-record and fail on drift
"""
import json, os, subprocess, sys

import shutil as _shutil
_missing = [t for t in ['go', 'unshare'] if _shutil.which(t) is None]
if _missing:
    print("SKIPPED: record_retry.py needs " + ", ".join(_missing))
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "recorded")

def main():
    env = dict(os.environ, GO111MODULE="off", GOCACHE=os.environ.get("GOCACHE", "/tmp/noproxy-gocache"))
    ver = subprocess.run(["go", "version"], capture_output=True, text=True, check=True).stdout.split()[2]
    cases = open(os.path.join(HERE, "cases.jsonl")).read()
    res = subprocess.run(["unshare", "-n", "go", "run", "main.go"], cwd=HERE, input=cases, capture_output=True, text=True, env=env, check=True)
    rows = [{"recorded": {"tool": ver, "command": "tests/sources/record/retry/record_retry.py (gitlab-runner network/retry_requester.go @ d79f3e7b rules, unshare -n)"}}]
    for c, r in zip(cases.splitlines(), res.stdout.splitlines()):
        c, r = json.loads(c), json.loads(r)
        assert c["id"] == r["id"]
        c.update(r)
        rows.append(c)
    text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
    path = os.path.join(OUT, f"runner-retry@{ver}.jsonl")
    if "--check" in sys.argv:
        if open(path).read() != text:
            sys.exit(f"DRIFT: {path}")
        print(f"ok: {path}")
        return
    open(path, "w").write(text)
    print(f"wrote {path} ({len(rows) - 1} cases)")

main()
