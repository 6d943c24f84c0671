#!/usr/bin/env python3
"""Record what the JDK's default ProxySelector (sun.net.spi.DefaultProxySelector) selects.

Usage:
  record_java.py [--jdk 17|25]             record cases/java.jsonl into recorded/java@<jdk>.jsonl
  record_java.py [--jdk 17|25] --check     re-record in memory, diff against the committed file
  record_java.py --install                 apt-get install openjdk-17-jdk-headless util-linux

--jdk 17 (default) uses Debian's OpenJDK 17 (/usr/lib/jvm/java-17-openjdk-*); --jdk 25 uses a
Temurin 25 JDK at /usr/lib/jvm/temurin-25-jdk-* when present (not in Debian's registry: CI
prints SKIPPED where it is missing). The bare `java` flavor models JDK 25.

`java/Recorder.java` is compiled with the JDK 17 `javac` into a temp dir and run once:

  unshare -n java -cp TMP Recorder < cases

For each case it clears the previous case's system properties, sets the case's
`properties`, and prints `ProxySelector.getDefault().select(new URI(url)).get(0)`.
One JVM serves all cases: `NetProperties` reads `System.getProperty` on every call and the
`nonProxyHosts` pattern is cached keyed by its source string (DefaultProxySelector.java,
JDK 17); `--per-case-jvm` runs one JVM per case instead, to confirm that nothing carries
over. The case's `env` is NOT given to Java (the JVM runs with PATH and HOME only): the JDK
ignores proxy environment variables, which the cases with an env check.

Decision: DIRECT → `direct`; HTTP/SOCKS → `proxy` with `proxy_addr` = host:port of the
unresolved InetSocketAddress and `variable` = the one *proxyHost property whose value is
that host (null if several); an exception (URISyntaxException, IllegalArgumentException)
→ `error`. Nothing is connected to.

Prints `SKIPPED:` and exits 0 when java/javac are not 17 or `unshare -n` does not work.
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record_common as rc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "java", "Recorder.java")
RECORDER_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/nonexistent"}
COMMAND = "unshare -n java -cp TMP Recorder  # ProxySelector.getDefault().select(new URI(url)), one JVM"
HOST_PROPS = ["http.proxyHost", "https.proxyHost", "ftp.proxyHost", "ftpProxyHost", "proxyHost", "socksProxyHost"]
PER_CASE = False
JDKS = {
    "17": {"dirs": ["/usr/lib/jvm/java-17-openjdk-amd64/bin", "/usr/lib/jvm/java-17-openjdk-arm64/bin"],
           "flavor": "java@17", "model": "java@17", "out": "java@17.jsonl"},
    "25": {"dirs": ["/usr/lib/jvm/temurin-25-jdk-amd64/bin", "/usr/lib/jvm/temurin-25-jdk-arm64/bin"],
           "flavor": "java@25", "model": "java@25.0.3", "out": "java@25.jsonl"},
}
JDK = JDKS["17"]


def java_bin(name):
    for d in JDK["dirs"]:
        if os.path.exists(os.path.join(d, name)):
            return os.path.join(d, name)
    return shutil.which(name) if JDK is JDKS["17"] else None


def tool_line():
    java = java_bin("java")
    want = JDK["flavor"].split("@")[1]
    if not java or not java_bin("javac"):
        rc.skip("java/javac %s not found" % want)
    out = subprocess.run([java, "-version"], capture_output=True, text=True, env=RECORDER_ENV, timeout=60)
    lines = out.stderr.strip().splitlines()
    if not lines or (' version "%s.' % want) not in lines[0]:
        rc.skip("java is %r, need %s" % (lines[:1], want))
    rc.check_unshare()
    return " / ".join(lines[:2])


def b64(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def encode(case):
    fields = [case["id"], case["url"]]
    for k, v in (case.get("properties") or {}).items():
        fields += [k, v]
    return " ".join(b64(x) for x in fields) + "\n"


def run_java(cases):
    with tempfile.TemporaryDirectory() as td:
        subprocess.run([java_bin("javac"), "-d", td, SOURCE], check=True, env=RECORDER_ENV, timeout=300)
        argv = ["unshare", "-n", java_bin("java"), "-cp", td, "Recorder"]
        chunks = [[c] for c in cases] if PER_CASE else [cases]
        out = []
        for chunk in chunks:
            p = subprocess.run(argv, input="".join(encode(c) for c in chunk).encode("utf-8"), capture_output=True,
                               env=RECORDER_ENV, timeout=600, check=True)
            out += p.stdout.decode("utf-8").splitlines()
    return {ln.split("\t", 1)[0]: ln.split("\t")[1:] for ln in out}


RESULTS = {}


def run_case(case):
    r = RESULTS[case["id"]]
    props = case.get("properties") or {}
    if r[0] == "DIRECT":
        return {"decision": "direct", "variable": None, "proxy_addr": None, "evidence": "DIRECT"}
    if r[0] == "ERROR":
        return {"decision": "error", "variable": None, "proxy_addr": None, "evidence": r[1]}
    kind, host, port = r[0], r[1], r[2]
    h = "[%s]" % host if ":" in host and not host.startswith("[") else host
    names = [k for k in HOST_PROPS if props.get(k) == host]
    return {"decision": "proxy", "variable": names[0] if len(names) == 1 else None,
            "proxy_addr": "%s:%s" % (h, port), "evidence": "%s @ %s:%s" % (kind, host, port) + "".join(r[3:])}


def install():
    rc.apt_install(["openjdk-17-jdk-headless", "util-linux"])


def main(argv):
    global PER_CASE, JDK
    if "--per-case-jvm" in argv:
        PER_CASE = True
        argv = [a for a in argv if a != "--per-case-jvm"]
    if "--jdk" in argv:
        i = argv.index("--jdk")
        if i + 1 >= len(argv) or argv[i + 1] not in JDKS:
            print(__doc__, file=sys.stderr)
            return 2
        JDK = JDKS[argv[i + 1]]
        argv = argv[:i] + argv[i + 2:]
    orig = rc.load_cases

    def loader(path):
        cases = orig(path)
        RESULTS.clear()
        RESULTS.update(run_java(cases))
        return cases

    rc.load_cases = loader
    return rc.main(argv, flavor=JDK["flavor"], model=JDK["model"], tool_line=tool_line, command=COMMAND,
                   files=[("java.jsonl", JDK["out"])], run_case=run_case, install=install,
                   extra={"env_added": "PATH=%s HOME=%s (the case env is not passed)" % tuple(RECORDER_ENV.values())},
                   doc=__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
