#!/usr/bin/env python3
"""Record how GNU Wget 1.21.3 (Debian 12) picks a proxy for each case.

Usage:
  record_wget.py             record cases/core.jsonl and cases/wget.jsonl
  record_wget.py --check     re-record in memory, diff against the committed files, exit 1 on drift
  record_wget.py --install   apt-get install wget util-linux

Each case runs as
  unshare -n wget --no-config --no-hsts -d -O /dev/null --tries=1 --timeout=5 URL
with the case's env plus PATH, HOME=/nonexistent and LC_ALL=C.UTF-8 (IDN needs a UTF-8
locale). `unshare -n` gives a network namespace whose loopback is down: every connect and DNS
lookup fails at once. The debug log names the first host wget resolves or connects to:
  "Resolving NAME (NAME)... failed"      (a name: proxy or target)
  "Connecting to A:PORT... failed"        (an address)
That host (and port) is compared with the URL's host and port and with every *_proxy value
of the case: it is `proxy` when it is a proxy's and not the target's, `direct` when it is the
target's only. "Error parsing proxy URL" / "Error in proxy URL ... Must be HTTP" and URL
errors are `error`. Cases whose target or proxy is a non-loopback IP literal are `skipped`
(never run), as are ambiguous ones (proxy = target).

Prints `SKIPPED:` and exits 0 when wget is not 1.21.3 or `unshare -n` does not work.
"""
import ipaddress
import os
import re
import subprocess
import urllib.parse
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record_common as rc  # noqa: E402
from record_curl import unsafe_reason  # noqa: E402

EXPECTED = "1.21.3"
ARGS = ["--no-config", "--no-hsts", "-d", "-O", "/dev/null", "--tries=1", "--timeout=5"]
COMMAND = "unshare -n wget " + " ".join(ARGS) + " URL"
RECORDER_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/nonexistent", "LC_ALL": "C.UTF-8"}

RE_RESOLVING = re.compile(r"^Resolving (.+?) \(.*\)\.\.\.")
RE_CONNECTING = re.compile(r"^Connecting to (?:(\S+) \(\S+\)\|)?(\S+?):(\d+)\.\.\.")
RE_CONN_ADDR = re.compile(r"^Connecting to (\S+?)\|?:(\d+)\.\.\.")
RE_PROXY_ERR = re.compile(r"^Error (parsing proxy URL|in proxy URL) (.*)$")
DEFAULT_PORT = {"http": 80, "https": 443, "ftp": 21, "ftps": 21}


def tool_line():
    try:
        out = subprocess.run(["wget", "--version"], capture_output=True, text=True, env=RECORDER_ENV, timeout=30)
    except FileNotFoundError:
        rc.skip("wget not found on PATH")
    first = out.stdout.splitlines()[0] if out.stdout else ""
    if not first.startswith("GNU Wget %s " % EXPECTED):
        rc.skip("wget is %r, need %s" % (first, EXPECTED))
    rc.check_unshare()
    return first


def host_port(value, default_scheme="http"):
    """(host, port) of a URL or wget shorthand value, roughly as wget reads it; None if unusable."""
    v = value
    if "://" not in v:
        v = default_scheme + "://" + v
    scheme, rest = v.split("://", 1)
    scheme = scheme.lower()
    for sep in "/?#":
        rest = rest.split(sep, 1)[0]
    rest = rest.rsplit("@", 1)[-1]
    if rest.startswith("["):
        host, _, tail = rest[1:].partition("]")
        port = tail[1:] if tail.startswith(":") else ""
    elif ":" in rest:
        host, port = rest.rsplit(":", 1)
    else:
        host, port = rest, ""
    try:
        p = int(port) if port else DEFAULT_PORT.get(scheme)
    except ValueError:
        p = None
    return host.lower(), p


def same_host(a, b):
    if a == b:
        return True
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return False


def classify(case, host, port):
    """proxy/direct from the first host (and port) wget looked up or dialled."""
    th, tp = host_port(case["url"])
    th = urllib.parse.unquote(th)
    try:
        th = th.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    is_target = same_host(host, th) and (port is None or port == tp)
    proxies = []
    for k, v in case["env"].items():
        if k.lower().endswith("_proxy") and k.lower() != "no_proxy" and v:
            ph, pp = host_port(v.strip())
            if same_host(host, ph) and (port is None or port == pp):
                proxies.append(k)
    if proxies and not is_target:
        return "proxy", (proxies[0] if len(proxies) == 1 else None)
    if is_target and not proxies:
        return "direct", None
    return None, None


def run_case(case):
    reason = unsafe_reason(case)
    if reason:
        return {"decision": "skipped", "variable": None, "proxy_addr": None,
                "evidence": reason.replace("curl", "wget")}
    env = dict(case["env"])
    env.update(RECORDER_ENV)
    p = subprocess.run(["unshare", "-n", "wget", *ARGS, case["url"]], env=env, capture_output=True, timeout=60)
    lines = [ln.strip() for ln in p.stderr.decode("utf-8", errors="backslashreplace").splitlines()]
    for ln in lines:
        m = RE_PROXY_ERR.match(ln)
        if m:
            return {"decision": "error", "variable": None, "proxy_addr": None, "evidence": ln}
        m = RE_RESOLVING.match(ln)
        host, port = (m.group(1), None) if m else (None, None)
        if not m:
            m = RE_CONNECTING.match(ln)
            if m:
                host, port = m.group(2).strip("[]"), int(m.group(3))
                rc.check_dialled(host, "wget")
        if host is None:
            continue
        decision, var = classify(case, host.lower(), port)
        if decision is None:
            return {"decision": "skipped", "variable": None, "proxy_addr": None,
                    "evidence": "ambiguous (proxy and target share host:port): " + ln}
        addr = None
        if decision == "proxy":
            addr = host if port is None else ("[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port))
        return {"decision": decision, "variable": var, "proxy_addr": addr, "evidence": ln}
    # No lookup and no connect: wget refused the URL (unsupported scheme, bad port, ...).
    ev = [ln for ln in lines if ln and not ln.startswith(("Setting ", "DEBUG output", "URI encoding", "converted "))
          and "HSTS" not in ln]
    return {"decision": "error", "variable": None, "proxy_addr": None,
            "evidence": (ev[0] if ev else "(no output; exit %d)" % p.returncode)}


def install():
    rc.apt_install(["wget", "util-linux"])


if __name__ == "__main__":
    sys.exit(rc.main(sys.argv[1:], flavor="wget@" + EXPECTED, model="wget@1.21.3", tool_line=tool_line,
                     command=COMMAND, files=[("core.jsonl", "wget@1.21.3.jsonl"), ("wget.jsonl", "wget@1.21.3-extra.jsonl")],
                     run_case=run_case, install=install,
                     extra={"env_added": "PATH=%s HOME=%s LC_ALL=%s" % tuple(RECORDER_ENV.values())}, doc=__doc__))
