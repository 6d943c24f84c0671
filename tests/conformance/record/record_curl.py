#!/usr/bin/env python3
"""Record how the system curl (7.88.1, Debian 12) picks a proxy for each case.

Usage:
  record_curl.py CASES.jsonl OUT.jsonl           record
  record_curl.py --check CASES.jsonl RECORDED.jsonl
                                                 re-record into a temp file and
                                                 compare; exit 1 with a diff on drift

Every curl run happens inside `unshare -n` (a fresh network namespace whose
loopback is down), so no packet can leave the machine.  Cases whose URL host
is a non-loopback IP literal are never run (recorded as "skipped").

If curl is missing / not 7.88.1, or `unshare -n` does not work, the script
prints a line starting with `SKIPPED:` and exits 0.
"""
import difflib
import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import unicodedata

EXPECTED_VERSION = "7.88.1"
FLAVOR = "curl@" + EXPECTED_VERSION
# -q: no .curlrc (must be first).  -g: no URL globbing, so "[...]" IPv6 hosts
# (e.g. zone ids) reach libcurl instead of the CLI's glob parser.  -S: print
# the final "curl: (N) ..." error even with -s (used as error evidence).
CURL_ARGS = ["-q", "-g", "-v", "-s", "-S", "-o", "/dev/null", "--max-time", "5"]
COMMAND = "unshare -n curl " + " ".join(CURL_ARGS) + " URL"
REPO_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
# Added to each case env (never proxy variables):
#  PATH  - to find curl
#  HOME  - a non-existent dir, so no ~/.curlrc (and -q disables it anyway)
#  LC_ALL=C.UTF-8 - without a UTF-8 locale curl/libidn2 rejects every
#                   non-ASCII URL host (exit 3), which would hide IDN behaviour
RECORDER_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/nonexistent",
                "LC_ALL": "C.UTF-8"}

RE_USES = re.compile(r"^Uses proxy env variable (\S+) == '")
RE_TRYING = re.compile(r"^Trying (\S+?)\.\.\.$")
RE_RES_PROXY = re.compile(r"^Could not resolve proxy: (.*)$")
RE_RES_HOST = re.compile(r"^Could not resolve host: (.*)$")
RE_CURL_ERR = re.compile(r"^curl: \(\d+\) ")
RE_TIMING = re.compile(r"after \d+ ms")
# stderr lines that never decide anything
NOISE = [
    re.compile(r"^Closing connection"),
    re.compile(r"^Immediate connect fail"),
    re.compile(r"^Failed to connect to "),
    re.compile(r"^space-separated NOPROXY patterns are deprecated"),
    re.compile(r"^Uses proxy env variable"),
]


def skip(reason):
    print("SKIPPED: " + reason)
    sys.exit(0)


def environment_check():
    """Return the first line of `curl --version`, or exit via skip()."""
    try:
        out = subprocess.run(["curl", "--version"], capture_output=True, text=True,
                             env=RECORDER_ENV, timeout=30)
    except FileNotFoundError:
        skip("curl not found on PATH")
    first = out.stdout.splitlines()[0] if out.stdout else ""
    m = re.match(r"^curl (\S+) ", first)
    if not m or m.group(1) != EXPECTED_VERSION:
        skip("curl is %r, need %s" % (first, EXPECTED_VERSION))
    try:
        r = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30)
    except FileNotFoundError:
        skip("unshare not found")
    if r.returncode != 0:
        skip("`unshare -n` does not work here (needs root/user namespaces): %s"
             % r.stderr.decode(errors="replace").strip())
    return first


# ------------------------------------------------------------ safety checks
DOTS = {"\u3002": ".", "\uff0e": ".", "\uff61": "."}


def url_host(url):
    """Rough authority-host extraction (good enough for the safety check)."""
    rest = url.split("://", 1)[1] if "://" in url else url
    for sep in "/?#":
        rest = rest.split(sep, 1)[0]
    rest = rest.rsplit("@", 1)[-1]
    if rest.startswith("["):
        return rest[1:].split("]", 1)[0], True
    return rest.rsplit(":", 1)[0] if rest.count(":") == 1 else rest, False


def non_loopback_ip(host, bracketed):
    """True if host is an IP literal that is not loopback (curl would dial it).
    None if it cannot be judged (treated as unsafe by callers)."""
    if bracketed or host.count(":") >= 2:
        h = host.split("%", 1)[0]
        try:
            a = ipaddress.IPv6Address(h)
        except ValueError:
            return None
        if a.is_loopback:
            return False
        if a.ipv4_mapped is not None:
            return not a.ipv4_mapped.is_loopback
        return True
    h = unicodedata.normalize("NFKC", host)
    for k, v in DOTS.items():
        h = h.replace(k, ".")
    h = h.rstrip(".")
    if not h or not re.fullmatch(r"[0-9a-fA-FxX.]+", h):
        return False  # a name, not an IP literal
    try:
        packed = socket.inet_aton(h)
    except OSError:
        return False  # not an IPv4 literal either -> curl resolves it as a name
    return packed[0] != 127


def unsafe_reason(case):
    host, br = url_host(case["url"])
    r = non_loopback_ip(host, br)
    if r is None:
        return "unparseable IP literal target: not run"
    if r:
        return "non-loopback IP target: curl would dial it"
    for k, v in case["env"].items():
        if k.lower().endswith("proxy") and k.lower() != "no_proxy" and v:
            ph, pbr = url_host(v.strip())
            if non_loopback_ip(ph, pbr):
                return "non-loopback IP proxy: curl would dial it"
    return None


# ------------------------------------------------------------------ parsing
def parse(stderr, rc):
    lines = []
    final = []  # the "curl: (N) message" line(s) printed because of -S
    for raw in stderr.splitlines():
        if raw.startswith("* "):
            lines.append(raw[2:].strip())
        elif RE_CURL_ERR.match(raw):
            final.append(RE_TIMING.sub("after N ms", raw.strip()))
    var = None
    var_line = None
    for ln in lines:
        m = RE_USES.match(ln)
        if m and m.group(1).lower() != "no_proxy":
            var, var_line = m.group(1), ln
    trying = [m.group(1) for m in (RE_TRYING.match(l) for l in lines) if m]
    first_trying = next((l for l in lines if RE_TRYING.match(l)), None)
    res_proxy = next((l for l in lines if RE_RES_PROXY.match(l)), None)
    res_host = next((l for l in lines if RE_RES_HOST.match(l)), None)
    others = [l for l in lines if not any(p.match(l) for p in NOISE)
              and not RE_TRYING.match(l)]
    rec = {"decision": None, "variable": var, "proxy_addr": None,
           "target_addr": None, "exit": rc}
    if var is not None:
        if res_proxy:
            rec.update(decision="proxy", proxy_addr=RE_RES_PROXY.match(res_proxy).group(1))
            ev = [var_line, res_proxy]
        elif first_trying:
            rec.update(decision="proxy", proxy_addr=trying[0])
            ev = [var_line, first_trying]
        elif res_host:
            # SOCKS proxies: a failed proxy-name lookup is reported as
            # "Could not resolve host: <proxy>" (curl resolves the SOCKS proxy
            # first; the target is never looked up before the proxy answers)
            rec.update(decision="proxy", proxy_addr=RE_RES_HOST.match(res_host).group(1))
            ev = [var_line, res_host]
        else:
            rec.update(decision="error")
            ev = [var_line] + (others[:1] or final[:1])
    else:
        if res_host:
            rec.update(decision="direct", target_addr=RE_RES_HOST.match(res_host).group(1))
            ev = [res_host]
        elif first_trying:
            rec.update(decision="direct", target_addr=trying[0])
            ev = [first_trying]
        else:
            rec.update(decision="error")
            ev = others[:1] or final[:1]
    rec["evidence"] = " | ".join(ev) if ev else "(no stderr; exit %d)" % rc
    # belt and braces: everything curl tried must be loopback
    for addr in trying:
        host = addr.rsplit(":", 1)[0].strip("[]")
        try:
            a = ipaddress.ip_address(host)
        except ValueError:
            raise SystemExit("unexpected Trying address %r" % addr)
        if not (a.is_loopback or (getattr(a, "ipv4_mapped", None) and a.ipv4_mapped.is_loopback)):
            raise SystemExit("curl tried a non-loopback address %r -- aborting" % addr)
    return rec


def run_case(case):
    reason = unsafe_reason(case)
    if reason:
        return {"id": case["id"], "decision": "skipped", "variable": None,
                "proxy_addr": None, "target_addr": None, "exit": None,
                "evidence": reason}
    env = dict(case["env"])
    for k in env:
        if k in RECORDER_ENV:
            raise SystemExit("case %s sets recorder variable %s" % (case["id"], k))
    env.update(RECORDER_ENV)
    argv = ["unshare", "-n", "curl"] + CURL_ARGS + [case["url"]]
    p = subprocess.run(argv, env=env, capture_output=True, timeout=60)
    stderr = p.stderr.decode("utf-8", errors="backslashreplace")
    rec = parse(stderr, p.returncode)
    out = {"id": case["id"]}
    out.update(rec)
    return out


def record(cases_path, out_path, tool_line):
    cases = []
    with open(cases_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                raise SystemExit("%s:%d: blank line" % (cases_path, n))
            cases.append(json.loads(line))
    ids = [c["id"] for c in cases]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate case ids")
    header = {"recorded": {"flavor": FLAVOR, "tool": tool_line, "command": COMMAND,
                           "env_added": "PATH=%s HOME=%s LC_ALL=%s" % (
                               RECORDER_ENV["PATH"], RECORDER_ENV["HOME"], RECORDER_ENV["LC_ALL"]),
                           "cases": os.path.relpath(os.path.abspath(cases_path), REPO_ROOT)}}
    with open(out_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(header, ensure_ascii=False) + "\n")
        for c in cases:
            f.write(json.dumps(run_case(c), ensure_ascii=False) + "\n")
    return len(cases)


def main(argv):
    check = False
    if argv and argv[0] == "--check":
        check, argv = True, argv[1:]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    cases_path, out_path = argv
    tool_line = environment_check()
    if not check:
        n = record(cases_path, out_path, tool_line)
        print("recorded %d cases into %s" % (n, out_path))
        return 0
    with tempfile.TemporaryDirectory() as td:
        fresh = os.path.join(td, "fresh.jsonl")
        record(cases_path, fresh, tool_line)
        with open(fresh, encoding="utf-8") as f:
            new = f.read().splitlines(keepends=True)
    with open(out_path, encoding="utf-8") as f:
        old = f.read().splitlines(keepends=True)
    if old == new:
        print("OK: %s matches a fresh recording (%d lines)" % (out_path, len(old)))
        return 0
    sys.stdout.writelines(difflib.unified_diff(old, new, out_path, "fresh recording"))
    print("DRIFT: %s differs from a fresh recording" % out_path)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
