#!/usr/bin/env python3
"""Record the Rust HTTP clients: hyper-util's proxy matcher, reqwest and ureq.

Usage:
  record_rust.py [--flavor ID|all] [--cases FILE] [--out-dir DIR]   record
  record_rust.py --check [--flavor ID|all] ...                     re-record into memory and
                                                                   compare; exit 1 + diff on drift

Each flavor is a small crate under rust/ (its own Cargo.toml with an empty [workspace], so
it is not part of the noproxy build, and its own Cargo.lock), built with
`cargo build --release --locked` into target/recorders/. The crates come from crates.io.

* hyper-util@0.1.21, hyper-util@0.1.19: `Matcher::from_env().intercept(&uri)` per case with
  the case env as the whole process environment. No network at all.
* reqwest@0.13.5, reqwest@0.12.15, ureq@3.5.2: the real client sends the request, inside
  `unshare -n` (a fresh network namespace where only `lo` is brought up with `ip link set lo
  up`). Listeners on 127.0.0.1/::1 see what was dialled; the DNS resolver maps every name to
  127.0.0.1. Non-loopback IP targets are never run (`skipped`).

Prints a line starting with `SKIPPED:` and exits 0 when cargo is missing, a crate cannot be
built (no registry), or `unshare -n`/`ip` do not work.
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TARGET = os.path.join(REPO, "target", "recorders")

# flavor recorded -> (crate dir, binary, model flavor id, needs network namespace)
FLAVORS = {
    "hyper-util@0.1.21": ("hyper-util", "record-hyper-util", "hyper-util", False),
    "hyper-util@0.1.19": ("hyper-util-0.1.19", "record-hyper-util-0-1-19", "hyper-util@0.1.19", False),
    "reqwest@0.13.5": ("reqwest", "record-reqwest", "reqwest", True),
    "reqwest@0.12.15": ("reqwest-0.12.15", "record-reqwest-0-12-15", "reqwest@0.12.15", True),
    "ureq@3.5.2": ("ureq", "record-ureq", "ureq", True),
}


def skip(msg):
    print("SKIPPED: " + msg)
    sys.exit(0)


def build(flavor):
    d, binary, _, _ = FLAVORS[flavor]
    env = dict(os.environ, CARGO_TARGET_DIR=TARGET)
    r = subprocess.run(["cargo", "build", "--release", "--locked", "--quiet",
                        "--manifest-path", os.path.join(HERE, "rust", d, "Cargo.toml")],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        skip("cannot build the %s recorder: %s" % (flavor, r.stderr.strip()[-500:]))
    return os.path.join(TARGET, "release", binary)


def run(flavor, binary, cases):
    _, _, model, net = FLAVORS[flavor]
    rel_cases = os.path.relpath(os.path.abspath(cases), REPO)
    argv = [binary, flavor, model, rel_cases]
    if net:
        argv = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"] + argv
    r = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=1800)
    if r.returncode != 0:
        if net and ("unshare" in r.stderr or "ip:" in r.stderr or "Operation not permitted" in r.stderr):
            skip("`unshare -n` + `ip link set lo up` do not work here: " + r.stderr.strip()[-300:])
        raise SystemExit("%s recorder failed:\n%s" % (flavor, r.stderr[-2000:]))
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--flavor", default="all")
    ap.add_argument("--cases", default=os.path.join(REPO, "tests/conformance/cases/core.jsonl"))
    ap.add_argument("--out-dir", default=os.path.join(REPO, "tests/conformance/recorded"))
    a = ap.parse_args()
    if shutil.which("cargo") is None:
        skip("cargo not found")
    flavors = list(FLAVORS) if a.flavor == "all" else [a.flavor]
    for f in flavors:
        if f not in FLAVORS:
            raise SystemExit("unknown flavor %s (known: %s)" % (f, ", ".join(FLAVORS)))
    if any(FLAVORS[f][3] for f in flavors):
        for tool in ("unshare", "ip"):
            if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
                skip("%s not found" % tool)
    drift = False
    for f in flavors:
        out = run(f, build(f), a.cases)
        path = os.path.join(a.out_dir, f + ".jsonl")
        if not a.check:
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(out)
            print("recorded %d cases into %s" % (out.count("\n") - 1, os.path.relpath(path, REPO)))
            continue
        with open(path, encoding="utf-8") as fh:
            old = fh.read()
        if old == out:
            print("OK: %s matches a fresh recording" % os.path.relpath(path, REPO))
        else:
            drift = True
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), out.splitlines(True), path, "fresh"))
            print("DRIFT: %s differs from a fresh recording" % path)
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
