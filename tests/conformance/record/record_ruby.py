#!/usr/bin/env python3
"""Record how Ruby 3.1's Net::HTTP (Debian 12 `ruby`, uri 0.11.0, net-http 0.2.0) picks a proxy.

Usage:
  record_ruby.py             record cases/core.jsonl and cases/ruby.jsonl
  record_ruby.py --check     re-record in memory, diff against the committed files, exit 1 on drift
  record_ruby.py --install   apt-get install ruby util-linux

Each case runs `ruby --disable-gems ruby/record.rb URL`, which calls the real
`Net::HTTP.get_response(URI(url))` with `Net::HTTP#connect` wrapped to note `proxy?`,
`proxy_address`, `proxy_port` and `proxy_uri` before the real connect, inside

  unshare -n -m --propagation private /bin/sh -c
    'mount --bind RESOLV /etc/resolv.conf && mount --bind HOSTS /etc/hosts && exec env -i ... ruby ...'

RESOLV says `nameserver 127.0.0.1` (loopback is down: every DNS query fails at once); HOSTS is
the case's `resolve` table (empty when the case has none, so not even `localhost` resolves),
which is how Ruby's `IPSocket.getaddress` sees the table the model reads from
`ProxyEnv::resolve`. Tables may only map `.invalid` names or `localhost` to loopback
addresses. The process environment is the case's env plus PATH, HOME=/nonexistent and
LC_ALL=C.UTF-8.

Decision: `error` when URI() raises or the request fails before `connect`; otherwise `proxy`
when `proxy?` was true (proxy_addr = proxy_address:proxy_port, the address Net::HTTP then
failed to open), else `direct`. `variable` = the one env variable whose value `URI.parse`s to
the proxy URI used (null when several or none). Cases whose URL host or proxy is a
non-loopback IP literal are `skipped` (never run).

Prints `SKIPPED:` and exits 0 when ruby is not 3.1 or `unshare -n -m` with bind mounts fails.
"""
import concurrent.futures
import ipaddress
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record_common as rc  # noqa: E402
from record_curl import unsafe_reason  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "ruby", "record.rb")
EXPECTED = "ruby 3.1."
RECORDER_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/nonexistent", "LC_ALL": "C.UTF-8"}
COMMAND = ("unshare -n -m (hosts = case resolve table, resolv.conf = nameserver 127.0.0.1) "
           "ruby --disable-gems tests/conformance/record/ruby/record.rb URL  # Net::HTTP.get_response(URI(url))")
WRAPPER = ('mount --bind "$0" /etc/resolv.conf && mount --bind "$1" /etc/hosts && shift 1 && exec "$@"')


def tool_line():
    try:
        out = subprocess.run(["ruby", "-v"], capture_output=True, text=True, env=RECORDER_ENV, timeout=30)
    except FileNotFoundError:
        rc.skip("ruby not found on PATH")
    first = out.stdout.strip()
    if not first.startswith(EXPECTED):
        rc.skip("ruby is %r, need %sx" % (first, EXPECTED))
    rc.check_unshare(["-m", "--propagation", "private", "/bin/sh", "-c", "mount --bind /dev/null /etc/hosts"])
    libs = subprocess.run(["ruby", "--disable-gems", "-ruri", "-rnet/http", "-e",
                           "print URI::VERSION, ' ', Net::HTTP::VERSION"],
                          capture_output=True, text=True, env=RECORDER_ENV, timeout=30).stdout
    return "%s (uri %s, net-http %s)" % (first, *libs.split())


def hosts_file(case):
    lines = []
    for name, addrs in (case.get("resolve") or {}).items():
        if not (name.lower() == "localhost" or name.lower().rstrip(".").endswith(".invalid")):
            raise SystemExit("case %s: resolve name %r is not .invalid/localhost" % (case["id"], name))
        for a in ([addrs] if isinstance(addrs, str) else addrs):
            if not rc.is_loopback_literal(a):
                raise SystemExit("case %s: resolve address %r is not loopback" % (case["id"], a))
            lines.append("%s %s\n" % (ipaddress.ip_address(a), name))
    return "".join(lines)


def run_case(case):
    reason = unsafe_reason(case)
    if reason:
        return {"decision": "skipped", "variable": None, "proxy_addr": None,
                "evidence": reason.replace("curl", "Net::HTTP")}
    env = dict(case["env"])
    env.update(RECORDER_ENV)
    argv = ["env", "-i"] + ["%s=%s" % kv for kv in env.items()] + ["ruby", "--disable-gems", SCRIPT, case["url"]]
    with tempfile.TemporaryDirectory() as td:
        hosts, resolv = os.path.join(td, "hosts"), os.path.join(td, "resolv.conf")
        with open(hosts, "w") as f:
            f.write(hosts_file(case))
        with open(resolv, "w") as f:
            f.write("nameserver 127.0.0.1\n")
        p = subprocess.run(["unshare", "-n", "-m", "--propagation", "private", "/bin/sh", "-c", WRAPPER,
                            resolv, hosts] + argv, capture_output=True, timeout=60)
    out = p.stdout.decode("utf-8", errors="backslashreplace").strip().splitlines()
    warn = [ln for ln in p.stderr.decode("utf-8", errors="backslashreplace").splitlines() if "warning" in ln]
    if p.returncode != 0 or not out:
        return {"decision": "error", "variable": None, "proxy_addr": None,
                "evidence": "ruby exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace").strip()[-200:])}
    r = json.loads(out[-1])
    if "uri_error" in r:
        return {"decision": "error", "variable": None, "proxy_addr": None, "evidence": "URI(): " + r["uri_error"]}
    ev = r.get("error") or "(no exception)"
    ev = ev.split(" (", 1)[0] if ev.startswith("Errno::") or "Failed to open TCP" in ev else ev
    if not r["connect"]:
        return {"decision": "error", "variable": None, "proxy_addr": None, "evidence": ev}
    if r["proxy"]:
        host, port = r["proxy_address"], r["proxy_port"]
        if host:
            rc.check_dialled(host, "ruby")
        addr = None if host is None else ("[%s]" % host if ":" in host else host)
        if addr is not None and port is not None:
            addr += ":%s" % port
        vs = r.get("variables") or []
        evidence = "proxy? true, proxy_uri %s | %s" % (r["proxy_uri"], ev)
        if warn:
            evidence += " | " + warn[0].split("warning: ", 1)[-1]
        return {"decision": "proxy", "variable": vs[0] if len(vs) == 1 else None, "proxy_addr": addr,
                "evidence": evidence}
    return {"decision": "direct", "variable": None, "proxy_addr": None, "evidence": "proxy? false | " + ev}


def install():
    rc.apt_install(["ruby", "util-linux"])


def main(argv):
    # Run cases two at a time (each is its own namespace and process).
    orig = rc.load_cases
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    cache = {}

    def run_cached(case):
        return cache[case["id"]] if case["id"] in cache else run_case(case)

    def loader(path):
        cases = orig(path)
        cache.clear()
        for c, r in zip(cases, pool.map(run_case, cases)):
            cache[c["id"]] = r
        return cases

    rc.load_cases = loader
    return rc.main(argv, flavor="ruby@3.1.2", model="ruby@3.1", tool_line=tool_line, command=COMMAND,
                   files=[("core.jsonl", "ruby@3.1.jsonl"), ("ruby.jsonl", "ruby@3.1-extra.jsonl")],
                   run_case=run_cached, install=install,
                   extra={"env_added": "PATH=%s HOME=%s LC_ALL=%s" % tuple(RECORDER_ENV.values())}, doc=__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
