#!/usr/bin/env python3
"""Record what the real docker CLI does with the proxy environment.

The docker CLI (client 28.2.2, built with go1.24.3) talks HTTP to a tcp://
daemon through Go's net/http with Proxy: http.ProxyFromEnvironment. For each
case whose URL is http(s)://HOST[:PORT]/ it runs

    docker -H tcp://HOST:PORT version --format x          (http)
    docker --tls -H tcp://HOST:PORT version --format x    (https; throw-away
                                                           self-signed certs
                                                           in DOCKER_CERT_PATH)

inside `unshare -n -m` (empty network namespace, loopback down; a private
mount namespace where /etc/resolv.conf says `nameserver 127.0.0.1` and
/etc/hosts only maps localhost, so even DNS lookups aim at loopback), with
env = case env + PATH + HOME/DOCKER_CONFIG (empty temp dirs) [+ DOCKER_CERT_PATH],
under `timeout 10`, and reads the error message, e.g.

    error during connect: Get "http://docker.invalid:2375/v1.50/version":
        proxyconnect tcp: dial tcp 127.0.0.1:3001: connect: network is unreachable
    => proxy, dial_addr 127.0.0.1:3001
    error during connect: Get "...": dial tcp: lookup docker.invalid on 127.0.0.1:53: ...
    => direct (dial_addr null: a name lookup failure shows no port)

Cases it cannot express, or whose target/proxy hosts are not `.invalid`
names, single-label names, localhost or loopback IPs, are "skipped".
`proxy_url` is always null (the CLI never prints it). `variable` is inferred
by matching dial_addr against each env value read the way Go reads proxy
values (scheme http/https/socks5, else "http://" prepended; default ports
80/443/1080); null unless exactly one name matches.

Usage:
  python3 tests/conformance/record/record_docker.py [--cases FILE] [--out-dir DIR]
  python3 tests/conformance/record/record_docker.py --check
"""

import argparse
import concurrent.futures
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.parse

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_go import (DEFAULT_CASES, DEFAULT_OUT, Skip, load_cases, rel,  # noqa: E402
                       render, write_or_check)

DOCKER = "/usr/local/bin/docker"
FLAVOR = "docker-cli@28.2.2"
TIMEOUT = 10
DEFAULT_PORTS = {"http": 80, "https": 443, "socks5": 1080}


def eligible_host(host):
    """True for hosts we may aim the CLI at: .invalid, single label, loopback."""
    if host is None or host == "":
        return False
    h = host.lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(h.split("%")[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        return ip.is_loopback or bool(mapped and mapped.is_loopback)
    except ValueError:
        pass
    try:  # inet_aton forms such as 127.1, 0x7f.1, 0177.0.0.1, 2130706433
        if socket.inet_aton(h)[0] == 127:
            return True
        if re.fullmatch(r"[0-9a-fx.]+", h) and "." in h:
            return False  # a non-loopback address in some notation
    except OSError:
        pass
    if h == "localhost" or h == "invalid" or h.endswith(".invalid"):
        return True
    return "." not in h and re.fullmatch(r"[a-z0-9_-]+", h) is not None


def proxy_readings(value):
    """Every (scheme, host, port) a Go version may read from a proxy value:
    Go 1.19 prepends "http://" unless the scheme is http/https/socks5; newer
    Go (the CLI's go1.24) keeps any scheme that comes with a host. Default
    ports as in net/http's portMap. Used only to name `variable`."""
    out = []
    for v in (value, "http://" + value):
        try:
            u = urllib.parse.urlsplit(v)
            host, port = u.hostname, u.port
        except ValueError:
            continue
        scheme = u.scheme.lower()
        if not scheme or not host:
            continue
        port = port or {"socks5h": 1080}.get(scheme) or DEFAULT_PORTS.get(scheme)
        if port:
            out.append((scheme, host, port))
    return out


def why_not_eligible(case):
    """None if the docker CLI can express this case safely, else the reason."""
    try:
        u = urllib.parse.urlsplit(case["url"])
        port = u.port
        host = u.hostname
    except ValueError as e:
        return f"URL not expressible as a docker host: {e}"
    if u.scheme not in ("http", "https"):
        return f"scheme {u.scheme!r}: the docker CLI only speaks http/https to a tcp:// daemon"
    if u.username is not None or u.password is not None or "@" in u.netloc:
        return "URL has userinfo; docker -H cannot express it"
    if u.path not in ("", "/") or u.query or u.fragment or case["url"].endswith("?") \
            or case["url"].endswith("#"):
        return "URL has a path/query/fragment; docker -H cannot express it"
    if not eligible_host(host):
        return f"target host {host!r} is not .invalid, single-label or loopback"
    if re.search(r"[^A-Za-z0-9.\-_\[\]:]", u.netloc) or not re.fullmatch(
            r"(\[[^\]]*\]|[^:\[\]]*)(?::(\d*))?", u.netloc):
        return "URL host has characters docker -H would not keep"
    for name, value in sorted(case["env"].items()):
        n = name.lower()
        if not n.endswith("_proxy") or n == "no_proxy" or value == "":
            continue
        readings = proxy_readings(value)
        if not readings:
            return f"cannot tell which host {name}={value!r} would aim at"
        for _, host, _ in readings:
            if not eligible_host(host):
                return f"{name} host {host!r} is not .invalid, single-label or loopback"
    return None


def docker_host_arg(case):
    """tcp://HOST:PORT for docker -H, keeping the host exactly as the case
    spells it (case and all); default port filled in from the scheme."""
    u = urllib.parse.urlsplit(case["url"])
    m = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]*)(?::(\d*))?", u.netloc)
    host, port = m.group(1), m.group(2)
    if not port:
        port = str(DEFAULT_PORTS[u.scheme])
    return f"tcp://{host}:{port}", u.scheme == "https"


GET_RE = re.compile(r'Get "(?P<url>[^"]*)": (?P<rest>.*)$')
DIAL_ADDR_RE = re.compile(r"^dial tcp (?P<addr>\S+): ")
LOOKUP_RE = re.compile(r"^dial tcp: lookup (?P<host>\S+)")
SOCKS_RE = re.compile(r"^socks connect tcp (?P<proxy>\S+)->(?P<target>\S+): (?P<rest>.*)$")


def infer_variable(env, dial_addr=None, lookup_host=None):
    """The one env name whose value reads as dial_addr (or, when the proxy
    name failed to resolve, whose host is lookup_host); else None."""
    names = set()
    for name, value in env.items():
        for _, host, port in (proxy_readings(value) if value else []):
            hp = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            if (dial_addr and hp == dial_addr) or (lookup_host and host == lookup_host):
                names.add(name)
    return names.pop() if len(names) == 1 else None


def interpret(case, out):
    """Map docker's output to a record."""
    lines = [l for l in out.splitlines() if l.strip() and l.strip() != "x"]
    msg = " | ".join(lines)
    rec = {"id": case["id"], "decision": "skipped", "proxy_url": None, "dial_addr": None,
           "variable": None, "evidence": msg}
    m = None
    for l in lines:
        m = GET_RE.search(l)
        if m:
            break
    if not m:
        rec["evidence"] = "unrecognised docker output: " + msg
        return rec
    rest = m.group("rest")
    hostarg, tls = docker_host_arg(case)
    want = ("https://" if tls else "http://") + hostarg[len("tcp://"):] + "/"
    if not m.group("url").startswith(want):
        rec["evidence"] = (f"docker requested {m.group('url')!r}, not {want}...: the case URL "
                           f"is not expressed faithfully; " + msg)
        return rec
    if rest.startswith("proxyconnect tcp: "):
        rec["decision"] = "proxy"
        d = DIAL_ADDR_RE.match(rest[len("proxyconnect tcp: "):])
        lk = LOOKUP_RE.match(rest[len("proxyconnect tcp: "):])
        if d:
            rec["dial_addr"] = d.group("addr")
        elif lk:
            rec["variable"] = infer_variable(case["env"], lookup_host=lk.group("host"))
    elif SOCKS_RE.match(rest):
        s = SOCKS_RE.match(rest)
        rec["decision"] = "proxy"
        rec["dial_addr"] = s.group("proxy")
    elif DIAL_ADDR_RE.match(rest):
        rec["decision"] = "direct"
        rec["dial_addr"] = DIAL_ADDR_RE.match(rest).group("addr")
    elif LOOKUP_RE.match(rest):
        rec["decision"] = "direct"
    elif "refusing to use HTTP_PROXY value in CGI environment" in rest \
            or rest.startswith("proxy ") or "invalid proxy" in rest:
        rec["decision"] = "error"
    else:
        rec["evidence"] = "unrecognised docker output: " + msg
        return rec
    if rec["decision"] == "proxy" and rec["dial_addr"]:
        rec["variable"] = infer_variable(case["env"], dial_addr=rec["dial_addr"])
    return rec


def make_certs(d):
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", key, "-out", cert, "-days", "36500",
                        "-subj", "/CN=noproxy-recorder"], capture_output=True)
    if r.returncode != 0:
        return False
    shutil.copy(cert, os.path.join(d, "ca.pem"))
    return True


def docker_version():
    try:
        r = subprocess.run([DOCKER, "version", "--format", "{{.Client.Version}} {{.Client.GoVersion}}"],
                           env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent",
                                "DOCKER_HOST": "unix:///nonexistent.sock"},
                           capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Skip(f"docker CLI not runnable at {DOCKER}: {e}")
    first = r.stdout.strip().splitlines()[0] if r.stdout.strip() else ""
    if not first.startswith("28.2.2 "):
        raise Skip(f"docker CLI at {DOCKER} is not client 28.2.2 ({first or r.stderr.strip()!r})")
    return first


def check_sandbox():
    try:
        r = subprocess.run(["unshare", "-n", "-m", "--propagation", "private", "/bin/sh", "-c",
                            "mount --bind /dev/null /etc/hosts && true"],
                           env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                           capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Skip(f"cannot run `unshare -n -m`: {e}")
    if r.returncode != 0:
        raise Skip("`unshare -n -m` + bind mounts not permitted here (needs root): "
                   + r.stderr.decode(errors="replace").strip())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=DEFAULT_CASES)
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--jobs", type=int, default=4)
    a = ap.parse_args(argv)
    try:
        if not os.access(DOCKER, os.X_OK):
            raise Skip(f"docker CLI not found at {DOCKER}")
        ver = docker_version()
        check_sandbox()
        cases = load_cases(a.cases)
        with tempfile.TemporaryDirectory(prefix="noproxy-docker-rec-") as tmp:
            home = os.path.join(tmp, "home")
            cfg = os.path.join(tmp, "config")
            certs = os.path.join(tmp, "certs")
            for d in (home, cfg, certs):
                os.mkdir(d)
            have_tls = make_certs(certs)
            resolv = os.path.join(tmp, "resolv.conf")
            hosts = os.path.join(tmp, "hosts")
            with open(resolv, "w") as f:
                f.write("nameserver 127.0.0.1\n")
            with open(hosts, "w") as f:
                f.write("127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n")
            wrapper = ('mount --bind "$0" /etc/resolv.conf && mount --bind "$1" /etc/hosts '
                       '&& shift && exec /usr/bin/env -i -- "$@"')

            def one(c):
                why = why_not_eligible(c)
                if why is None:
                    hostarg, tls = docker_host_arg(c)
                    if tls and not have_tls:
                        why = "https needs throw-away certs and openssl failed"
                if why is not None:
                    return {"id": c["id"], "decision": "skipped", "evidence": why}
                env = dict(c["env"])
                env.update({"PATH": "/usr/bin:/bin", "HOME": home, "DOCKER_CONFIG": cfg})
                args = [DOCKER]
                if tls:
                    env["DOCKER_CERT_PATH"] = certs
                    args.append("--tls")
                args += ["-H", hostarg, "version", "--format", "x"]
                cmd = (["timeout", str(TIMEOUT), "unshare", "-n", "-m", "--propagation", "private",
                        "/bin/sh", "-c", wrapper, resolv, hosts]
                       + [f"{k}={v}" for k, v in env.items()] + args)
                try:
                    r = subprocess.run(cmd, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                                       capture_output=True, text=True, timeout=TIMEOUT + 20)
                except ValueError as e:
                    return {"id": c["id"], "decision": "skipped",
                            "evidence": f"cannot pass case to a process: {e}"}
                if r.returncode == 124:
                    return {"id": c["id"], "decision": "skipped",
                            "evidence": f"docker did not finish within {TIMEOUT}s"}
                rec = interpret(c, r.stdout + r.stderr)
                rec["evidence"] = f"docker {' '.join(args[1:])}: {rec['evidence']}"
                return rec

            with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
                recs = list(ex.map(one, cases))
        header = {
            "flavor": FLAVOR,
            "tool": f"docker CLI {ver} (/usr/local/bin/docker)",
            "command": "python3 tests/conformance/record/record_docker.py"
                       + ("" if os.path.abspath(a.cases) == DEFAULT_CASES else f" --cases {rel(a.cases)}"),
            "cases": rel(a.cases),
        }
        return write_or_check(os.path.join(a.out_dir, FLAVOR + ".jsonl"), render(header, recs), a.check)
    except Skip as s:
        print(f"SKIPPED: {s}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
