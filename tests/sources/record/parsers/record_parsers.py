#!/usr/bin/env python3
"""Record how real parsers read the files noproxy reads: dotenv/shell files sourced by dash
and bash (`env -i`, `set -a`, `env -0`), and TOML strings decoded by Python's tomllib. Runs
inside `unshare -n`.

    record_parsers.py          write tests/sources/recorded/parsers.jsonl
    record_parsers.py --check  re-record and fail on drift
"""
import json, os, subprocess, sys, tempfile, tomllib

import shutil as _shutil
_missing = [t for t in ['dash', 'bash', 'unshare'] if _shutil.which(t) is None]
if _missing:
    print("SKIPPED: record_parsers.py needs " + ", ".join(_missing))
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cases import DOTENV, TOML

OUT = os.path.join(HERE, "..", "..", "recorded", "parsers.jsonl")

def source(shell, text):
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "f")
        open(f, "w", encoding="utf-8").write(text)
        r = subprocess.run(["unshare", "-n", "env", "-i", shell, "-c", 'set -a; . "$1"; env -0', "sh", f], capture_output=True, check=True)
    env = {}
    for item in r.stdout.split(b"\0"):
        if b"=" in item:
            k, v = item.split(b"=", 1)
            k = k.decode()
            if k.lower().endswith("_proxy"):
                env[k] = v.decode("utf-8", "backslashreplace")
    return env

def main():
    if os.environ.get("NOPROXY_IN_NETNS") != "1":
        os.execvp("unshare", ["unshare", "-n", "env", "NOPROXY_IN_NETNS=1", sys.executable] + sys.argv)
    vers = {}
    for sh in ["dash", "bash"]:
        vers[sh] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", sh], capture_output=True, text=True).stdout
    rows = [{"recorded": {"tool": f"dash {vers['dash']}, bash {vers['bash']}, Python {sys.version.split()[0]} tomllib", "command": "tests/sources/record/parsers/record_parsers.py (unshare -n)"}}]
    for cid, text in DOTENV.items():
        rows.append({"id": cid, "kind": "dotenv", "text": text, "dash": source("dash", text), "bash": source("bash", text)})
    for cid, text in TOML.items():
        rows.append({"id": cid, "kind": "toml", "text": text, "value": tomllib.loads(text)})
    data = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows)
    if "--check" in sys.argv:
        if open(OUT, encoding="utf-8").read() != data:
            sys.exit(f"DRIFT: {OUT}")
        print(f"ok: {OUT}")
        return
    open(OUT, "w", encoding="utf-8").write(data)
    print(f"wrote {OUT} ({len(rows) - 1} cases)")

main()
