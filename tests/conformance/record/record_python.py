#!/usr/bin/env python3
"""Record how CPython urllib.request (urlopen) and requests (requests.get) pick a proxy.

Usage:
  record_python.py [--tool TOOL] [--jobs N]          record into tests/conformance/recorded/
  record_python.py --check [--tool TOOL]             re-record in memory, diff, exit 1 on drift
  record_python.py --install                         pip-install the pinned requests releases
                                                     (into /tmp/noproxy-python/requests-VER)
  TOOL: all (default) | python-urllib@3.11 | python-urllib@3.12 | python-urllib@3.13
        | python-requests@2.34.2 | python-requests@2.33.1

How one case is run (one process per case, because the real program reads the
process environment):

  unshare -n PYTHON -I -c CHILD MODE URL [REQUESTS_DIR]

with the case's `env` as the *whole* process environment (names in sorted order,
the order `noproxy-check batch` sees them; urllib's result can depend on it),
plus PATH, HOME=/nonexistent and LC_ALL=C.UTF-8 (none of them end in _proxy).
`-I` (isolated mode) ignores PYTHON* variables and the user site directory.

The child runs the real client: `urllib.request.urlopen(url, timeout=5)` with the
default opener (ProxyHandler built from the environment), or `requests.get(url,
timeout=5)` with a default Session (trust_env). Before that it replaces
`socket.getaddrinfo` with a hook that logs `(host, port)` and raises
`socket.gaierror` (the same for `socket.gethostbyname`, which urllib's FTP handler
calls first), and `socket.socket.connect` with one that logs and raises, so
nothing is ever resolved or dialled (and `unshare -n` leaves no network anyway).
The first logged `(host, port)` is the address the client decided to connect to.
It also wraps, without changing them, `urllib.request.ProxyHandler.proxy_open`
(logs the proxy value and whether it was applied to the request) and
`requests.adapters.select_proxy` (logs the proxy chosen for the URL).

Decision: `proxy` if a proxy was applied/selected and an address was looked up;
`direct` if an address was looked up with no proxy; `error` if the client
raised before looking anything up (evidence: the exception). `variable` is the
one environment variable whose value is the proxy string the client used (null
when zero or several hold it). `proxy_addr`/`dial_addr` is the looked-up
`host:port` (IPv6 in brackets).

Prints `SKIPPED: ...` and exits 0 for a tool whose interpreter or requests
release is missing, or when `unshare -n` does not work.
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import subprocess
import sys

REPO_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
CASES = ["tests/conformance/cases/core.jsonl", "tests/conformance/cases/python.jsonl"]
OUT_DIR = os.path.join(REPO_ROOT, "tests/conformance/recorded")
LIB_DIR = "/tmp/noproxy-python"
RECORDER_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/nonexistent", "LC_ALL": "C.UTF-8"}

# Interpreters, first found wins. /usr/bin/python3.11 is Debian 12's python3.11 (apt);
# 3.12 and 3.13 are pyenv builds on the recording machine (neither is in Debian 12's apt
# nor on PyPI): --check prints SKIPPED where they are absent.
PYTHONS = {
    "3.11": ["/usr/bin/python3.11"],
    "3.12": ["/root/.pyenv/versions/3.12.1/bin/python3.12", "/usr/bin/python3.12"],
    "3.13": ["/root/.pyenv/versions/3.13.0/bin/python3.13", "/usr/bin/python3.13"],
}
REQUESTS = ["2.34.2", "2.33.1"]
# requests' own dependencies, pinned so a re-recording uses the same code.
REQUESTS_DEPS = ["urllib3==2.8.0", "idna==3.20", "charset-normalizer==3.5.3", "certifi==2026.10.19.post1"]

TOOLS = {}
for minor in ["3.11", "3.12", "3.13"]:
    TOOLS["python-urllib@" + minor] = {"mode": "urllib", "python": minor, "model": "python-urllib@" + minor}
for ver in REQUESTS:
    TOOLS["python-requests@" + ver] = {"mode": "requests", "python": "3.11", "requests": ver,
                                       "model": "python-requests@" + ver}

CHILD = r'''
import json, socket, sys
mode, url = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    sys.path.insert(0, sys.argv[3])
log = {"lookups": [], "connects": [], "proxy_open": [], "selected": [], "exception": None}

def fake_getaddrinfo(host, port, *a, **k):
    if isinstance(host, bytes):
        host = host.decode("ascii", "backslashreplace")
    log["lookups"].append([host, port])
    raise socket.gaierror(socket.EAI_NONAME, "noproxy recorder: name lookup blocked")

def fake_gethostbyname(host):
    log["lookups"].append([host, None])
    raise socket.gaierror(socket.EAI_NONAME, "noproxy recorder: name lookup blocked")

def fake_connect(self, address):
    log["connects"].append(repr(address))
    raise OSError("noproxy recorder: connect blocked")

socket.getaddrinfo = fake_getaddrinfo
socket.gethostbyname = fake_gethostbyname
socket.gethostbyname_ex = fake_gethostbyname
socket.socket.connect = fake_connect
socket.socket.connect_ex = fake_connect
try:
    if mode == "urllib":
        import urllib.request
        real_proxy_open = urllib.request.ProxyHandler.proxy_open
        def proxy_open(self, req, proxy, type):
            entry = {"proxy": proxy, "type": type, "host": req.host, "applied": False}
            log["proxy_open"].append(entry)
            try:
                return real_proxy_open(self, req, proxy, type)
            finally:
                entry["applied"] = req.has_proxy() or req._tunnel_host is not None
        urllib.request.ProxyHandler.proxy_open = proxy_open
        urllib.request.urlopen(url, timeout=5)
    else:
        import requests, requests.adapters
        log["version"] = requests.__version__
        real_select = requests.adapters.select_proxy
        def select_proxy(u, proxies):
            p = real_select(u, proxies)
            log["selected"].append(p)
            return p
        requests.adapters.select_proxy = select_proxy
        requests.get(url, timeout=5)
except BaseException as e:
    chain, seen = [], e
    while seen is not None and len(chain) < 6:
        chain.append("%s: %s" % (type(seen).__name__, str(seen)[:200]))
        seen = seen.__cause__ or seen.__context__
    log["exception"] = chain
print(json.dumps(log))
'''


def skip(reason):
    print("SKIPPED: " + reason)


def find_python(minor):
    for p in PYTHONS[minor]:
        if os.access(p, os.X_OK):
            return p
    return None


def python_version(py):
    out = subprocess.run([py, "-I", "-c", "import sys; print(sys.version.split()[0])"],
                         capture_output=True, text=True, env=RECORDER_ENV, timeout=60)
    return out.stdout.strip()


def debian_package(py):
    """`python3.11 3.11.2-6+deb12u6` when the interpreter belongs to a Debian package."""
    try:
        owner = subprocess.run(["dpkg", "-S", py], capture_output=True, text=True, timeout=30)
        pkg = owner.stdout.split(":", 1)[0].strip() if owner.returncode == 0 else ""
        if not pkg:
            return None
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True, timeout=30)
        return "%s %s" % (pkg, v.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return None


def requests_dir(ver):
    return os.path.join(LIB_DIR, "requests-" + ver)


def install():
    py = find_python("3.11")
    if py is None and os.path.exists("/usr/bin/apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "python3.11", "python3-pip"])
        py = find_python("3.11")
    if py is None:
        skip("no /usr/bin/python3.11 to install requests for (apt-get install python3.11 python3-pip)")
        return 0
    rc = 0
    for ver in REQUESTS:
        target = requests_dir(ver)
        cmd = [py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
               "--no-deps", "--target", target, "requests==" + ver] + REQUESTS_DEPS
        print("+ " + " ".join(cmd))
        r = subprocess.run(cmd)
        if r.returncode != 0:
            print("SKIPPED: pip could not install requests==%s" % ver)
            rc = 0
    return rc


def unshare_works():
    try:
        r = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


def read_cases():
    cases = []
    for rel in CASES:
        with open(os.path.join(REPO_ROOT, rel), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    cases.append((rel, json.loads(line)))
    return cases


def addr(host, port):
    host = str(host)
    if ":" in host and not host.startswith("["):
        host = "[%s]" % host
    return host if port is None else "%s:%s" % (host, port)


def variable_for(env, proxy):
    names = [k for k, v in env.items() if v == proxy and k.lower().endswith("_proxy")]
    return names[0] if len(names) == 1 else None


def run_case(tool, py, case):
    env = dict(sorted(case["env"].items()))
    for k in RECORDER_ENV:
        if k in env:
            raise SystemExit("case %s sets recorder variable %s" % (case["id"], k))
    env.update(RECORDER_ENV)
    argv = ["unshare", "-n", py, "-I", "-c", CHILD, tool["mode"], case["url"]]
    if tool["mode"] == "requests":
        argv.append(requests_dir(tool["requests"]))
    p = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    try:
        log = json.loads(p.stdout.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SystemExit("case %s: child printed no log (exit %d): %s"
                         % (case["id"], p.returncode, p.stderr.decode(errors="replace")[-500:]))
    if log["connects"]:
        raise SystemExit("case %s: a socket connect was attempted: %r" % (case["id"], log["connects"]))
    first = log["lookups"][0] if log["lookups"] else None
    if tool["mode"] == "urllib":
        applied = [e for e in log["proxy_open"] if e["applied"]]
        # A proxy of another scheme makes the opener start over, and ProxyHandler can apply a
        # second proxy: the last one applied is the one connected to.
        proxy = applied[-1]["proxy"] if applied else None
        trace = ["proxy_open(%r, %r) on host %r: %s" % (e["proxy"], e["type"], e["host"],
                                                          "applied" if e["applied"] else "bypassed")
                 for e in log["proxy_open"]]
    else:
        proxy = next((s for s in log["selected"] if s), None)
        trace = ["select_proxy -> %r" % s for s in log["selected"]]
    rec = {"id": case["id"], "decision": None, "variable": None, "proxy_addr": None, "dial_addr": None}
    if first is not None:
        # gethostbyname (urllib's FTP handler) shows no port: proxy_addr is then the host only.
        looked_up = addr(*first)
        rec["dial_addr"] = looked_up if first[1] is not None else None
        if proxy is not None:
            rec.update(decision="proxy", variable=variable_for(case["env"], proxy), proxy_addr=looked_up)
        else:
            rec["decision"] = "direct"
        trace.append(("getaddrinfo(%r, %r)" if first[1] is not None else "gethostbyname(%r)") % tuple(first[:2 if first[1] is not None else 1]))
    else:
        rec["decision"] = "error"
        if proxy is not None:
            rec["variable"] = variable_for(case["env"], proxy)
    if first is None or rec["decision"] == "error":
        trace.extend((log["exception"] or ["(no exception)"])[:2])
    rec["evidence"] = " | ".join(trace)
    return rec


def tool_line(tool, py):
    ver = python_version(py)
    deb = debian_package(py)
    line = "CPython %s (%s)" % (ver, py + (", Debian " + deb if deb else ""))
    if tool["mode"] == "requests":
        line = "requests %s (pip --target, deps %s) on %s" % (tool["requests"], " ".join(REQUESTS_DEPS), line)
    return line


def record(name, jobs):
    """Return {file name: lines} (one recording per case file), or None (after printing SKIPPED)."""
    tool = TOOLS[name]
    py = find_python(tool["python"])
    if py is None:
        skip("%s: no CPython %s interpreter (%s)" % (name, tool["python"], ", ".join(PYTHONS[tool["python"]])))
        return None
    if tool["mode"] == "requests":
        init = os.path.join(requests_dir(tool["requests"]), "requests", "__version__.py")
        if not os.path.exists(init):
            skip("%s: requests not installed in %s (run --install)" % (name, requests_dir(tool["requests"])))
            return None
    if not unshare_works():
        skip("`unshare -n` does not work here")
        return None
    cases = read_cases()
    ids = [c["id"] for _, c in cases]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate case ids")
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        recs = list(ex.map(lambda rc: run_case(tool, py, rc[1]), cases))
    out = {}
    for rel in CASES:
        header = {"recorded": {"flavor": name, "model": tool["model"], "tool": tool_line(tool, py),
                               "command": "python3 tests/conformance/record/record_python.py --tool " + name,
                               "cases": rel}}
        lines = [json.dumps(header, ensure_ascii=False) + "\n"]
        lines += [json.dumps(r, ensure_ascii=False) + "\n" for (src, _), r in zip(cases, recs) if src == rel]
        out[out_name(name, rel)] = lines
    return out


def out_name(name, rel):
    """core.jsonl -> NAME.jsonl; cases/X.jsonl -> NAME+X.jsonl (the harness reads one case file per recording)."""
    stem = os.path.splitext(os.path.basename(rel))[0]
    return name + (".jsonl" if stem == "core" else "+%s.jsonl" % stem)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tool", default="all", choices=["all"] + sorted(TOOLS))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--install", action="store_true")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--out-dir", default=OUT_DIR)
    a = ap.parse_args(argv)
    if a.install:
        return install()
    names = sorted(TOOLS) if a.tool == "all" else [a.tool]
    rc = 0
    for name in names:
        files = record(name, a.jobs)
        for fname, lines in (files or {}).items():
            rc |= write_or_check(os.path.join(a.out_dir, fname), lines, a.check)
    return rc


def write_or_check(path, lines, check):
    if not check:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(lines)
        print("recorded %d cases into %s" % (len(lines) - 1, path))
        return 0
    try:
        with open(path, encoding="utf-8") as f:
            old = f.read().splitlines(keepends=True)
    except FileNotFoundError:
        old = []
    if old == lines:
        print("OK: %s matches a fresh recording (%d lines)" % (path, len(old)))
        return 0
    sys.stdout.writelines(difflib.unified_diff(old, lines, path, "fresh recording"))
    print("DRIFT: %s differs from a fresh recording" % path)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
