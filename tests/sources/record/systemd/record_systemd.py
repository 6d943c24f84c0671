#!/usr/bin/env python3
"""Record which Environment= assignments systemd rejects, and with which message, using
`systemd-analyze verify` (inside `unshare -n`). One unit per case; the messages are matched to
noproxy's findings in tests/sources_recorded.rs.

    record_systemd.py          write tests/sources/recorded/systemd-environment@VERSION.jsonl
    record_systemd.py --check  re-record and fail on drift
"""
import json, os, re, subprocess, sys, tempfile

import shutil as _shutil
_missing = [t for t in ['systemd-analyze', 'systemctl', 'unshare'] if _shutil.which(t) is None]
if _missing:
    print("SKIPPED: record_systemd.py needs " + ", ".join(_missing))
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "recorded")

def main():
    ver = subprocess.run(["systemctl", "--version"], capture_output=True, text=True).stdout.split()[1]
    rows = [{"recorded": {"tool": f"systemd {ver} (systemd-analyze verify)", "command": "tests/sources/record/systemd/record_systemd.py (unshare -n)"}}]
    for line in open(os.path.join(HERE, "cases.txt"), encoding="utf-8"):
        cid, directive = line.rstrip("\n").split("\t", 1)
        with tempfile.TemporaryDirectory() as d:
            unit = os.path.join(d, "t.service")
            with open(unit, "w") as f:
                f.write("[Unit]\nDescription=t\n[Service]\nExecStart=/bin/true\n" + directive + "\n")
            r = subprocess.run(["unshare", "-n", "systemd-analyze", "verify", "--man=no", unit], capture_output=True, text=True, errors="backslashreplace")
            msgs = []
            for m in r.stderr.splitlines():
                mm = re.match(r".*t\.service:5: (.*)$", m)
                if mm:
                    msgs.append(mm.group(1))
            rows.append({"id": cid, "directive": directive, "messages": msgs})
    text = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows)
    path = os.path.join(OUT, f"systemd-environment@{ver}.jsonl")
    if "--check" in sys.argv:
        if open(path, encoding="utf-8").read() != text:
            sys.exit(f"DRIFT: {path}")
        print(f"ok: {path}")
        return
    open(path, "w", encoding="utf-8").write(text)
    print(f"wrote {path} ({len(rows) - 1} cases)")

main()
