#!/usr/bin/env python3
"""Record what the real docker CLI sends to the daemon for `docker run` / `docker build`
(DOCKER_BUILDKIT=0) given a config.json with "proxies": the container's Env list and the
classic builder's buildargs. The daemon is a fake on a unix socket (this script); everything
runs inside `unshare -n` (no network at all). Hosts are *.invalid.

    record_docker_inject.py            write tests/sources/recorded/docker-inject@VERSION.jsonl
    record_docker_inject.py --check    re-record into a temp file and fail on any drift
"""
import json, os, shutil, socket, subprocess, sys, tempfile, threading, urllib.parse

import shutil as _shutil
_missing = [t for t in ['docker', 'unshare'] if _shutil.which(t) is None]
if _missing:
    print("SKIPPED: record_docker_inject.py needs " + ", ".join(_missing))
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "recorded")

def fake_daemon(sock_path, log):
    s = socket.socket(socket.AF_UNIX)
    s.bind(sock_path)
    s.listen(8)
    def handle(c):
        data = b""
        while b"\r\n\r\n" not in data:
            d = c.recv(65536)
            if not d:
                return
            data += d
        head, body = data.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        hdrs = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        n = int(hdrs.get("content-length", "0"))
        if hdrs.get("transfer-encoding") != "chunked":
            while len(body) < n:
                body += c.recv(65536)
        log.append((lines[0], body))
        if "/_ping" in lines[0]:
            resp = b"HTTP/1.1 200 OK\r\nApi-Version: 1.49\r\nOstype: linux\r\nContent-Length: 2\r\n\r\nOK"
        else:
            msg = b'{"message":"fake daemon: recorded"}'
            resp = (b"HTTP/1.1 500 Internal Server Error\r\nApi-Version: 1.49\r\nContent-Type: application/json\r\n"
                    b"Connection: close\r\nContent-Length: " + str(len(msg)).encode() + b"\r\n\r\n" + msg)
        try:
            c.sendall(resp)
        finally:
            c.close()
    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return s

CONFIG = {
    "proxies": {
        "default": {"httpProxy": "http://p.invalid:3128", "noProxy": "internal", "allProxy": "socks5://s.invalid:1080"},
        "HOSTBLOCK": {"HttpsProxy": "http://q.invalid:1"},
    }
}

# (id, kind, host_key_matches, args, env_file, cli_env)
CASES = [
    ("run-plain", "run", False, [], None, {}),
    ("run-e-upper", "run", False, ["-e", "HTTP_PROXY=http://mine.invalid"], None, {}),
    ("run-e-lower-empty", "run", False, ["-e", "http_proxy="], None, {}),
    ("run-e-passthrough-set", "run", False, ["-e", "HTTP_PROXY"], None, {"HTTP_PROXY": "http://cli.invalid"}),
    ("run-e-passthrough-unset", "run", False, ["-e", "HTTP_PROXY"], None, {}),
    ("run-e-mixed-case", "run", False, ["-e", "Http_Proxy=http://mixed.invalid"], None, {}),
    ("run-e-twice", "run", False, ["-e", "NO_PROXY=a", "--env", "NO_PROXY=b"], None, {}),
    ("run-env-file", "run", False, [], "HTTP_PROXY=http://file.invalid\nno_proxy=fromfile\n", {}),
    ("run-host-block", "run", True, [], None, {}),
    ("run-host-block-e", "run", True, ["-e", "https_proxy=http://mine.invalid"], None, {}),
    ("build-classic", "build", False, [], None, {}),
    ("build-classic-arg-lower", "build", False, ["--build-arg", "http_proxy=http://mine.invalid"], None, {}),
]

def record():
    version = subprocess.run(["docker", "--version"], capture_output=True, text=True).stdout.strip()
    ver = version.split()[2].rstrip(",")
    rows = [{"recorded": {"tool": version, "command": "tests/sources/record/record_docker_inject.py (fake daemon on a unix socket, unshare -n)",
                          "config": CONFIG}}]
    for cid, kind, host_match, args, env_file, cli_env in CASES:
        tmp = tempfile.mkdtemp()
        try:
            sock = os.path.join(tmp, "d.sock")
            host = "unix://" + sock
            cfg = json.loads(json.dumps(CONFIG))
            block = cfg["proxies"].pop("HOSTBLOCK")
            cfg["proxies"][host if host_match else host + "-other"] = block
            os.makedirs(os.path.join(tmp, "cfg"))
            with open(os.path.join(tmp, "cfg", "config.json"), "w") as f:
                json.dump(cfg, f)
            log = []
            srv = fake_daemon(sock, log)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "DOCKER_CONFIG": os.path.join(tmp, "cfg"), "DOCKER_HOST": host}
            env.update(cli_env)
            argv = ["docker"]
            if kind == "run":
                argv += ["run"] + args
                if env_file is not None:
                    with open(os.path.join(tmp, "envfile"), "w") as f:
                        f.write(env_file)
                    argv += ["--env-file", os.path.join(tmp, "envfile")]
                argv += ["img.invalid", "env"]
            else:
                env["DOCKER_BUILDKIT"] = "0"
                ctx = os.path.join(tmp, "ctx")
                os.makedirs(ctx)
                with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                    f.write("FROM scratch\n")
                argv += ["build"] + args + [ctx]
            subprocess.run(argv, env=env, capture_output=True, timeout=60)
            srv.close()
            got = None
            for req, body in log:
                if kind == "run" and "/containers/create" in req:
                    got = json.loads(body)["Env"]
                if kind == "build" and "/build?" in req:
                    q = urllib.parse.parse_qs(urllib.parse.urlsplit(req.split()[1]).query)
                    got = json.loads(q.get("buildargs", ["{}"])[0])
            row = {"id": cid, "kind": kind, "host_block_matches": host_match, "args": args, "env_file": env_file, "cli_env": cli_env}
            if kind == "run":
                # Go map order is random: keep the --env-file prefix, sort the rest.
                k = len([l for l in (env_file or "").split("\n") if l]) if got else 0
                row["env"] = got[:k] + sorted(got[k:]) if got is not None else None
            else:
                row["buildargs"] = got
            rows.append(row)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return ver, rows

def main():
    if os.environ.get("NOPROXY_IN_NETNS") != "1":
        os.execvp("unshare", ["unshare", "-n", "env", "NOPROXY_IN_NETNS=1", sys.executable] + sys.argv)
    ver, rows = record()
    text = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
    path = os.path.join(OUT_DIR, f"docker-inject@{ver}.jsonl")
    if "--check" in sys.argv:
        with open(path) as f:
            if f.read() != text:
                print(f"DRIFT: {path} differs from a fresh recording", file=sys.stderr)
                sys.exit(1)
        print(f"ok: {path} matches docker {ver}")
        return
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {path} ({len(rows) - 1} cases)")

if __name__ == "__main__":
    main()
