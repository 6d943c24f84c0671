#!/usr/bin/env python3
"""Record what the real Go code decides for each conformance case.

Two flavors, both from Debian 12 packages (never the Go module proxy):

  go@1.19          net/http in Go 1.19 (golang-go 2:1.19~1 = go1.19.8).
                   One process per case (net/http reads the environment
                   once per process). http.ProxyFromEnvironment gives
                   decision/proxy_url; a real http.Transport.RoundTrip with a
                   DialContext hook that records the address and fails
                   (nothing is dialled) gives dial_addr.
  go-x-net@0.7.0   golang.org/x/net/http/httpproxy from
                   golang-golang-x-net-dev 1:0.7.0. One process for all
                   cases: os.Clearenv, set env, FromEnvironment().ProxyFunc().

Every recorded process runs inside `unshare -n` (an empty network
namespace with loopback down).

Usage (paths relative to the repository root):
  python3 tests/conformance/record/record_go.py            # record both flavors
  python3 tests/conformance/record/record_go.py --check    # re-record, diff, exit 1 on drift
  python3 tests/conformance/record/record_go.py --install  # apt-get the Debian packages
  options: --flavor go@1.19|go-x-net@0.7.0|all  --cases FILE  --out-dir DIR

When Go 1.19 / x/net cannot be found, prints one line starting "SKIPPED:"
and exits 0.
"""

import argparse
import concurrent.futures
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DEFAULT_CASES = os.path.join(REPO, "tests", "conformance", "cases", "core.jsonl")
DEFAULT_OUT = os.path.join(REPO, "tests", "conformance", "recorded")
GO_SRC = os.path.join(HERE, "go", "main.go")

GO_CANDIDATES = ["/usr/lib/go-1.19/bin/go"]
XNET_SRC = "/usr/share/gocode/src/golang.org/x/net/http/httpproxy/proxy.go"
GOPATH = "/usr/share/gocode"

FLAVOR_NETHTTP = "go@1.19"
FLAVOR_XNET = "go-x-net@0.7.0"
FLAVORS = [FLAVOR_NETHTTP, FLAVOR_XNET]

FIELDS = ["id", "decision", "proxy_url", "dial_addr", "variable", "evidence"]
DECISIONS = {"direct", "proxy", "error", "skipped"}


class Skip(Exception):
    """The tool is not available: print SKIPPED: and exit 0."""


# ---------------------------------------------------------------- shared helpers
# (record_docker.py imports these)

def rel(path):
    """Path relative to the repo root when inside it (for headers)."""
    ap = os.path.abspath(path)
    if ap == REPO or ap.startswith(REPO + os.sep):
        return os.path.relpath(ap, REPO)
    return path


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            c = json.loads(line)
            if not isinstance(c.get("id"), str) or not isinstance(c.get("url"), str) \
                    or not isinstance(c.get("env", {}), dict):
                raise SystemExit(f"{path}:{n}: case needs string id, string url, object env")
            c.setdefault("env", {})
            cases.append(c)
    return cases


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def normalise(rec):
    out = {k: rec.get(k) for k in FIELDS}
    if out["decision"] not in DECISIONS:
        raise SystemExit(f"bad decision in record {rec!r}")
    if out["evidence"] is None:
        out["evidence"] = ""
    return out


def render(header, records):
    lines = [dumps({"recorded": header})]
    lines += [dumps(normalise(r)) for r in records]
    return "\n".join(lines) + "\n"


def write_or_check(path, text, check):
    """Write text to path, or (check) compare with it. Returns exit code."""
    if not check:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {rel(path)} ({text.count(chr(10)) - 1} cases)")
        return 0
    try:
        with open(path, encoding="utf-8") as f:
            old = f.read()
    except FileNotFoundError:
        print(f"DRIFT: {rel(path)} does not exist (record it first)")
        return 1
    if old == text:
        print(f"ok: {rel(path)} matches a fresh recording")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        old.splitlines(True), text.splitlines(True),
        fromfile=rel(path) + " (committed)", tofile=rel(path) + " (re-recorded)"))
    print(f"DRIFT: {rel(path)} differs from a fresh recording")
    return 1


def unshare_prefix():
    """Command prefix giving an empty network namespace, or raise Skip."""
    exe = shutil.which("unshare") or "/usr/bin/unshare"
    for pre in ([exe, "-n"], [exe, "-r", "-n"]):
        try:
            r = subprocess.run(pre + ["true"], env={}, capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0:
            return pre
    raise Skip("cannot create an empty network namespace with `unshare -n` (needs root or user namespaces)")


def dpkg_version(pkg):
    try:
        r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", pkg],
                           capture_output=True, text=True, timeout=20)
    except OSError:
        return None
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else None


# ---------------------------------------------------------------- Go specifics

def find_go():
    for cand in GO_CANDIDATES:
        if os.access(cand, os.X_OK):
            return cand
    raise Skip("Go 1.19 not found at /usr/lib/go-1.19/bin/go "
               "(run: python3 tests/conformance/record/record_go.py --install)")


def go_version(go):
    r = subprocess.run([go, "version"], capture_output=True, text=True,
                       env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
    v = r.stdout.strip()
    if r.returncode != 0 or not v.startswith("go version go1.19"):
        raise Skip(f"{go} is not Go 1.19: {v or r.stderr.strip()}")
    return v


def build(go, workdir):
    if not os.path.exists(XNET_SRC):
        raise Skip("golang.org/x/net/http/httpproxy not found under /usr/share/gocode "
                   "(Debian package golang-golang-x-net-dev)")
    binpath = os.path.join(workdir, "noproxy-go-recorder")
    env = {
        "PATH": os.path.dirname(go) + ":/usr/bin:/bin",
        "HOME": workdir,
        "GO111MODULE": "off",      # GOPATH mode: no module proxy, no go.mod
        "GOPATH": GOPATH,          # Debian's golang-*-dev sources
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOTOOLCHAIN": "local",
        "GOCACHE": os.path.join(workdir, "gocache"),
        "CGO_ENABLED": "0",
    }
    r = subprocess.run([go, "build", "-o", binpath, GO_SRC], cwd=os.path.dirname(GO_SRC),
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("go build failed:\n" + r.stdout + r.stderr)
    return binpath


def parse_one(out, what):
    lines = [l for l in out.splitlines() if l.strip()]
    if len(lines) != 1:
        raise SystemExit(f"{what}: expected one JSON line, got {out!r}")
    return json.loads(lines[0])


def record_nethttp(binpath, ns, cases, jobs):
    def one(c):
        env = {str(k): str(v) for k, v in c["env"].items()}
        try:
            r = subprocess.run(ns + [binpath, "nethttp", c["id"], c["url"]], env=env,
                               capture_output=True, text=True, timeout=60)
        except ValueError as e:  # e.g. NUL byte in env or argv
            return {"id": c["id"], "decision": "skipped", "evidence": f"cannot pass case to a process: {e}"}
        if r.returncode != 0:
            raise SystemExit(f"case {c['id']}: recorder exited {r.returncode}: {r.stderr}")
        return parse_one(r.stdout, c["id"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(one, cases))


def record_xnet(binpath, ns, cases):
    payload = "".join(dumps({"id": c["id"], "env": c["env"], "url": c["url"]}) + "\n" for c in cases)
    r = subprocess.run(ns + [binpath, "xnet"], input=payload, env={},
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SystemExit(f"xnet recorder exited {r.returncode}: {r.stderr}")
    recs = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    if [x["id"] for x in recs] != [c["id"] for c in cases]:
        raise SystemExit("xnet recorder: output ids do not match the cases")
    return recs


def install():
    cmds = [["apt-get", "update"],
            ["apt-get", "install", "-y", "--no-install-recommends",
             "golang-go", "golang-golang-x-net-dev"]]
    for c in cmds:
        print("+", " ".join(c), flush=True)
        r = subprocess.run(c, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        if r.returncode != 0:
            return r.returncode
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flavor", choices=FLAVORS + ["all"], default="all")
    ap.add_argument("--cases", default=DEFAULT_CASES)
    ap.add_argument("--out-dir", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true",
                    help="re-record into memory and diff against the committed files")
    ap.add_argument("--install", action="store_true",
                    help="apt-get install golang-go golang-golang-x-net-dev and exit")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--name-suffix", default="",
                    help="write recorded/<flavor><suffix>.jsonl (for case files other than core)")
    a = ap.parse_args(argv)

    if a.install:
        return install()

    flavors = FLAVORS if a.flavor == "all" else [a.flavor]
    try:
        go = find_go()
        gover = go_version(go)
        ns = unshare_prefix()
        pkg_go = dpkg_version("golang-go")
        pkg_xnet = dpkg_version("golang-golang-x-net-dev")
        cases = load_cases(a.cases)
        with tempfile.TemporaryDirectory(prefix="noproxy-go-rec-") as tmp:
            binpath = build(go, tmp)
            rc = 0
            for fl in flavors:
                if fl == FLAVOR_NETHTTP:
                    tool = gover + (f" (Debian golang-go {pkg_go})" if pkg_go else "")
                    recs = record_nethttp(binpath, ns, cases, a.jobs)
                else:
                    tool = ("golang.org/x/net/http/httpproxy"
                            + (f" (Debian golang-golang-x-net-dev {pkg_xnet})" if pkg_xnet else "")
                            + f" built with {gover}")
                    recs = record_xnet(binpath, ns, cases)
                header = {
                    "flavor": fl,
                    "tool": tool,
                    "command": f"python3 tests/conformance/record/record_go.py --flavor {fl}"
                               + ("" if os.path.abspath(a.cases) == DEFAULT_CASES
                                  else f" --cases {rel(a.cases)}")
                               + (f" --name-suffix={a.name_suffix}" if a.name_suffix else ""),
                    "cases": rel(a.cases),
                }
                text = render(header, recs)
                rc |= write_or_check(os.path.join(a.out_dir, fl + a.name_suffix + ".jsonl"), text, a.check)
            return rc
    except Skip as s:
        print(f"SKIPPED: {s}")
        return 0


if __name__ == "__main__":
    sys.exit(main())
