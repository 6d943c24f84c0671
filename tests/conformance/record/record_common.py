"""Shared plumbing for record_ruby.py, record_wget.py and record_java.py.

Each recorder supplies: FLAVOR (tool@version), MODEL (our flavor id), a `tool_line()` that
returns the exact version string or calls skip(), a COMMAND string, the case files it records
and a `run_case(case) -> dict` function. This module writes the header, runs the cases in
order, and implements `--check` (re-record into memory, diff, exit 1 on drift) and
`--install` (apt-get, the only registry used).
"""
import difflib
import ipaddress
import json
import os
import re
import subprocess
import sys

REPO_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
CASES_DIR = os.path.join(REPO_ROOT, "tests", "conformance", "cases")
RECORDED_DIR = os.path.join(REPO_ROOT, "tests", "conformance", "recorded")


def skip(reason):
    print("SKIPPED: " + reason)
    sys.exit(0)


def check_unshare(extra=()):
    """Exit via skip() unless `unshare -n` (plus extra flags) works."""
    try:
        r = subprocess.run(["unshare", "-n", *extra, "true"], capture_output=True, timeout=30)
    except FileNotFoundError:
        skip("unshare not found")
    if r.returncode != 0:
        skip("`unshare -n %s` does not work here: %s" % (" ".join(extra), r.stderr.decode(errors="replace").strip()))


def apt_install(packages):
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], check=True)


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                raise SystemExit("%s:%d: blank line" % (path, n))
            cases.append(json.loads(line))
    ids = [c["id"] for c in cases]
    if len(set(ids)) != len(ids):
        raise SystemExit("%s: duplicate case ids" % path)
    return cases


def is_loopback_literal(host):
    """True for 127/8, ::1 and ::ffff:127/104 written as plain literals."""
    h = host.strip("[]").split("%", 1)[0]
    try:
        a = ipaddress.ip_address(h)
    except ValueError:
        return False
    if a.is_loopback:
        return True
    return getattr(a, "ipv4_mapped", None) is not None and a.ipv4_mapped.is_loopback


def check_dialled(addr_host, what):
    """Abort the whole run if a tool tried a non-loopback IP address."""
    try:
        a = ipaddress.ip_address(addr_host.strip("[]").split("%", 1)[0])
    except ValueError:
        return  # a name that failed to resolve: nothing was dialled
    if not (a.is_loopback or (getattr(a, "ipv4_mapped", None) and a.ipv4_mapped.is_loopback)):
        raise SystemExit("%s tried non-loopback address %r -- aborting" % (what, addr_host))


def render(flavor, model, tool, command, cases_path, rows, extra=None):
    header = {"recorded": {"flavor": flavor, "model": model, "tool": tool, "command": command,
                           "cases": os.path.relpath(os.path.abspath(cases_path), REPO_ROOT)}}
    if extra:
        header["recorded"].update(extra)
    lines = [json.dumps(header, ensure_ascii=False) + "\n"]
    lines += [json.dumps(r, ensure_ascii=False) + "\n" for r in rows]
    return lines


def main(argv, *, flavor, model, tool_line, command, files, run_case, install, extra=None, doc=""):
    """files: list of (cases file name in cases/, recorded file name in recorded/)."""
    if argv and argv[0] == "--install":
        install()
        return 0
    check = bool(argv) and argv[0] == "--check"
    if check:
        argv = argv[1:]
    if argv:
        print(doc, file=sys.stderr)
        return 2
    tool = tool_line()
    status = 0
    for cases_name, out_name in files:
        cases_path = os.path.join(CASES_DIR, cases_name)
        out_path = os.path.join(RECORDED_DIR, out_name)
        rows = []
        for c in load_cases(cases_path):
            r = {"id": c["id"]}
            r.update(run_case(c))
            rows.append(r)
        new = render(flavor, model, tool, command, cases_path, rows, extra)
        if not check:
            with open(out_path, "w", encoding="utf-8", newline="\n") as f:
                f.writelines(new)
            print("recorded %d cases into %s" % (len(rows), os.path.relpath(out_path, REPO_ROOT)))
            continue
        with open(out_path, encoding="utf-8") as f:
            old = f.read().splitlines(keepends=True)
        if old == new:
            print("OK: %s matches a fresh recording (%d lines)" % (os.path.relpath(out_path, REPO_ROOT), len(old)))
        else:
            sys.stdout.writelines(difflib.unified_diff(old, new, out_path, "fresh recording"))
            print("DRIFT: %s differs from a fresh recording" % out_path)
            status = 1
    return status


def url_authority_host(url):
    """Rough host of a URL (for safety checks and evidence matching), brackets kept."""
    rest = url.split("://", 1)[1] if "://" in url else url
    for sep in "/?#":
        rest = rest.split(sep, 1)[0]
    rest = rest.rsplit("@", 1)[-1]
    if rest.startswith("["):
        return rest.split("]", 1)[0] + "]"
    return rest.rsplit(":", 1)[0] if ":" in rest else rest


SAFE_NAME = re.compile(r"^(localhost|docker|[^.]+|.*\.invalid\.?)$", re.I)
