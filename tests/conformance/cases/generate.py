#!/usr/bin/env python3
"""Generate tests/conformance/cases/core.jsonl deterministically.

Run:  python3 tests/conformance/cases/generate.py
It rewrites core.jsonl next to this script; running it twice gives identical bytes.

Ids are <PREFIX><NN> numbered in generation order within each prefix.
To keep ids stable, only ever APPEND new cases at the end of a group.
Safety rules: proxy hosts and target hosts are *.invalid names, the bare
name `docker`, `localhost` or loopback IPs.  Non-loopback IP literals appear
only as URL hosts (for CIDR semantics); the curl recorder skips those.
"""
import json
import os
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "core.jsonl")

# Distinct proxy value per variable, so the winner can be identified.
PX = OrderedDict([
    ("HTTP_PROXY", "http://127.0.0.1:3001"),
    ("http_proxy", "http://127.0.0.1:3002"),
    ("HTTPS_PROXY", "http://127.0.0.1:3003"),
    ("https_proxy", "http://127.0.0.1:3004"),
    ("ALL_PROXY", "http://127.0.0.1:3005"),
    ("all_proxy", "http://127.0.0.1:3006"),
    ("ftp_proxy", "http://127.0.0.1:3007"),
    ("FTP_PROXY", "http://127.0.0.1:3008"),
    ("ws_proxy", "http://127.0.0.1:3009"),
    ("WS_PROXY", "http://127.0.0.1:3010"),
    ("wss_proxy", "http://127.0.0.1:3011"),
    ("WSS_PROXY", "http://127.0.0.1:3012"),
])

# scheme -> (UPPER var, lower var)
SCHEME_VARS = OrderedDict([
    ("http", ("HTTP_PROXY", "http_proxy")),
    ("https", ("HTTPS_PROXY", "https_proxy")),
    ("ftp", ("FTP_PROXY", "ftp_proxy")),
    ("ws", ("WS_PROXY", "ws_proxy")),
    ("wss", ("WSS_PROXY", "wss_proxy")),
])

BASE_NAMES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"]

cases = []
counters = {}


def add(prefix, env, url, note):
    counters[prefix] = counters.get(prefix, 0) + 1
    cid = "%s%02d" % (prefix, counters[prefix])
    cases.append(OrderedDict([("id", cid), ("env", OrderedDict(env)),
                              ("url", url), ("note", note)]))


def base(**extra):
    env = OrderedDict((k, PX[k]) for k in BASE_NAMES)
    for k, v in extra.items():
        env[k] = v
    return env


def np_both(value, **extra):
    env = base()
    env["NO_PROXY"] = value
    env["no_proxy"] = value
    env.update(extra)
    return env


def px(*names):
    return OrderedDict((n, PX[n]) for n in names)


# ---------------------------------------------------------------- V: variables
for scheme, (up, lo) in SCHEME_VARS.items():
    url = "%s://example.invalid/" % scheme
    add("V", {}, url, "%s: no proxy variables at all" % scheme)
    add("V", px(up), url, "%s: only %s set" % (scheme, up))
    add("V", px(lo), url, "%s: only %s set" % (scheme, lo))
    add("V", px(up, lo), url, "%s: both %s and %s set, different values" % (scheme, up, lo))
    add("V", OrderedDict([(up, ""), (lo, PX[lo])]), url, "%s: %s empty, %s set" % (scheme, up, lo))
    add("V", OrderedDict([(up, PX[up]), (lo, "")]), url, "%s: %s set, %s empty" % (scheme, up, lo))
    add("V", OrderedDict([(up, ""), (lo, "")]), url, "%s: both set but empty" % scheme)
    add("V", OrderedDict([(up, "")]), url, "%s: only %s, set but empty" % (scheme, up))
    add("V", OrderedDict([(lo, "")]), url, "%s: only %s, set but empty" % (scheme, lo))
# cross-scheme: a variable for another scheme must not apply
add("V", px("https_proxy", "HTTPS_PROXY"), "http://example.invalid/", "http URL with only https proxy vars")
add("V", px("http_proxy", "HTTP_PROXY"), "https://example.invalid/", "https URL with only http proxy vars (no fallback)")
add("V", px("http_proxy", "HTTP_PROXY"), "ftp://example.invalid/", "ftp URL with only http proxy vars")
add("V", px("http_proxy", "HTTP_PROXY"), "ws://example.invalid/", "ws URL with only http proxy vars")
add("V", px("https_proxy", "HTTPS_PROXY"), "wss://example.invalid/", "wss URL with only https proxy vars")
add("V", base(), "ftp://example.invalid/", "ftp URL with the four http/https vars only")
for scheme in SCHEME_VARS:
    env = OrderedDict((k, v) for k, v in PX.items())
    add("V", env, "%s://example.invalid/" % scheme, "%s: every proxy variable set" % scheme)
# mixed-case variable names are different variables
add("V", OrderedDict([("Http_Proxy", "http://127.0.0.1:3013")]), "http://example.invalid/", "mixed-case Http_Proxy is not a proxy variable")
add("V", OrderedDict([("hTTPS_pROXY", "http://127.0.0.1:3014")]), "https://example.invalid/", "mixed-case hTTPS_pROXY is not a proxy variable")
# NO_PROXY spellings / precedence / empties
add("V", base(NO_PROXY="example.invalid"), "http://example.invalid/", "only NO_PROXY (upper) matches")
add("V", base(no_proxy="example.invalid"), "http://example.invalid/", "only no_proxy (lower) matches")
add("V", base(NO_PROXY="example.invalid", no_proxy="other.invalid"), "http://example.invalid/", "NO_PROXY matches, no_proxy set to something else")
add("V", base(NO_PROXY="other.invalid", no_proxy="example.invalid"), "http://example.invalid/", "no_proxy matches, NO_PROXY set to something else")
add("V", base(NO_PROXY="example.invalid", no_proxy=""), "http://example.invalid/", "NO_PROXY matches, no_proxy set but empty")
add("V", base(NO_PROXY="", no_proxy="example.invalid"), "http://example.invalid/", "no_proxy matches, NO_PROXY set but empty")
add("V", base(NO_PROXY="example.invalid"), "https://example.invalid/", "https: only NO_PROXY matches")
add("V", base(no_proxy="example.invalid"), "https://example.invalid/", "https: only no_proxy matches")
add("V", base(NO_PROXY="example.invalid", no_proxy="other.invalid"), "https://example.invalid/", "https: NO_PROXY matches, no_proxy differs")
add("V", base(NO_PROXY="other.invalid", no_proxy="example.invalid"), "https://example.invalid/", "https: no_proxy matches, NO_PROXY differs")
add("V", base(No_Proxy="example.invalid"), "http://example.invalid/", "mixed-case No_Proxy is not read")
add("V", OrderedDict([("NO_PROXY", "example.invalid"), ("no_proxy", "example.invalid")]), "http://example.invalid/", "no_proxy matching but no proxy variables at all")

# ------------------------------------------------------------- A: ALL_PROXY
for scheme in ["http", "https", "ftp"]:
    up, lo = SCHEME_VARS[scheme]
    url = "%s://example.invalid/" % scheme
    add("A", px("ALL_PROXY"), url, "%s: only ALL_PROXY" % scheme)
    add("A", px("all_proxy"), url, "%s: only all_proxy" % scheme)
    add("A", px("ALL_PROXY", "all_proxy"), url, "%s: ALL_PROXY and all_proxy, different values" % scheme)
    add("A", px("all_proxy", lo), url, "%s: all_proxy plus %s" % (scheme, lo))
    add("A", px("ALL_PROXY", up), url, "%s: ALL_PROXY plus %s" % (scheme, up))
    add("A", OrderedDict([("all_proxy", ""), ("ALL_PROXY", PX["ALL_PROXY"])]), url, "%s: all_proxy empty, ALL_PROXY set" % scheme)
    add("A", OrderedDict([("ALL_PROXY", PX["ALL_PROXY"]), (lo, "")]), url, "%s: ALL_PROXY set, %s empty" % (scheme, lo))
    add("A", OrderedDict([("ALL_PROXY", PX["ALL_PROXY"]), (up, ""), (lo, "")]), url, "%s: ALL_PROXY set, both scheme vars empty" % scheme)
for scheme in ["ws", "wss"]:
    url = "%s://example.invalid/" % scheme
    add("A", px("ALL_PROXY"), url, "%s: only ALL_PROXY" % scheme)
    add("A", px("all_proxy"), url, "%s: only all_proxy" % scheme)
add("A", OrderedDict([("ALL_PROXY", PX["ALL_PROXY"]), ("all_proxy", PX["all_proxy"]), ("NO_PROXY", "example.invalid"), ("no_proxy", "example.invalid")]), "http://example.invalid/", "ALL_PROXY/all_proxy bypassed by no_proxy")
add("A", OrderedDict([("ALL_PROXY", PX["ALL_PROXY"]), ("all_proxy", PX["all_proxy"]), ("NO_PROXY", "example.invalid"), ("no_proxy", "example.invalid")]), "https://sub.example.invalid/", "https: ALL_PROXY bypassed by no_proxy suffix")
add("A", OrderedDict([("ALL_PROXY", "socks5://127.0.0.1:3015")]), "http://example.invalid/", "ALL_PROXY with socks5 scheme")
add("A", OrderedDict([("all_proxy", "127.0.0.1:3016")]), "https://example.invalid/", "all_proxy scheme-less")
add("A", OrderedDict([("ALL_PROXY", PX["ALL_PROXY"])]), "http://localhost:8080/", "ALL_PROXY with localhost URL")

# ------------------------------------------------------------------- C: CGI
cgi_envs = [
    ("HTTP_PROXY only", px("HTTP_PROXY")),
    ("http_proxy only", px("http_proxy")),
    ("HTTP_PROXY and http_proxy", px("HTTP_PROXY", "http_proxy")),
    ("HTTP_PROXY and HTTPS_PROXY", px("HTTP_PROXY", "HTTPS_PROXY")),
]
for rm in ["GET", ""]:
    for url in ["http://example.invalid/", "https://example.invalid/", "http://localhost:8080/"]:
        for label, e in cgi_envs:
            env = OrderedDict([("REQUEST_METHOD", rm)])
            env.update(e)
            add("C", env, url, "CGI REQUEST_METHOD=%r, %s" % (rm, label))

# ----------------------------------------------------- S: proxy value syntax
S_HTTP_VALUES = [
    ("127.0.0.1:3128", "scheme-less IPv4:port"),
    ("proxy.invalid:3128", "scheme-less name:port"),
    ("proxy.invalid", "scheme-less bare name"),
    ("user:pass@proxy.invalid:3128", "scheme-less with userinfo"),
    ("127.0.0.1", "scheme-less IPv4, no port"),
    ("http://127.0.0.1", "http scheme, no port"),
    ("http://proxy.invalid", "http scheme name, no port"),
    ("https://127.0.0.1", "https proxy, no port"),
    ("https://127.0.0.1:3443", "https proxy with port"),
    ("socks4://127.0.0.1:3020", "socks4"),
    ("socks4a://127.0.0.1:3020", "socks4a"),
    ("socks5://127.0.0.1:3020", "socks5"),
    ("socks5h://127.0.0.1:3020", "socks5h"),
    ("socks5://127.0.0.1", "socks5 no port"),
    # SOCKS proxies by name use `localhost`: with an unresolvable SOCKS proxy
    # name curl 7.88.1 races (exit 5 or 6 at random), which breaks --check.
    ("socks4://localhost:3031", "socks4 with a proxy name"),
    ("socks5h://localhost", "socks5h name, no port"),
    ("socks://127.0.0.1:3020", "socks (no version) scheme"),
    ("ftp://127.0.0.1:3021", "ftp scheme proxy"),
    ("foo://127.0.0.1:3022", "unknown scheme"),
    ("HTTP://127.0.0.1:3023", "upper-case scheme"),
    (" http://127.0.0.1:3024 ", "surrounding spaces"),
    (" http://127.0.0.1:3024", "leading space"),
    ("http://127.0.0.1:3024 ", "trailing space"),
    ("\thttp://127.0.0.1:3024", "leading tab"),
    ("a b c", "garbage with spaces"),
    ("::::", "garbage colons"),
    ("http://", "scheme only"),
    ("http://:3128", "port without host"),
    ("%zz", "bad percent escape"),
    ("http://127.0.0.1:99999", "port out of range"),
    ("http://127.0.0.1:abc", "non-numeric port"),
    ("http://[::1]:3025", "IPv6 literal with port"),
    ("[::1]:3025", "scheme-less bracketed IPv6"),
    ("::1", "bare IPv6, no brackets"),
    ("http://user@127.0.0.1:3026", "userinfo without password"),
    ("http://127.0.0.1:3027/path", "with a path"),
    ("//127.0.0.1:3028", "scheme-relative"),
    ("http:127.0.0.1:3029", "http: without slashes"),
    ("http://localhost:3030", "localhost proxy name"),
]
for v, note in S_HTTP_VALUES:
    add("S", OrderedDict([("HTTP_PROXY", v), ("http_proxy", v)]), "http://example.invalid/", "http URL, proxy %s: %r" % (note, v))
for v, note in [("127.0.0.1:3128", "scheme-less IPv4:port"), ("proxy.invalid", "scheme-less bare name"),
                ("127.0.0.1", "scheme-less IPv4, no port"), ("https://127.0.0.1", "https proxy, no port"),
                ("socks5://127.0.0.1:3020", "socks5"), ("foo://127.0.0.1:3022", "unknown scheme"),
                (" http://127.0.0.1:3024 ", "surrounding spaces")]:
    add("S", OrderedDict([("HTTPS_PROXY", v), ("https_proxy", v)]), "https://example.invalid/", "https URL, proxy %s: %r" % (note, v))

# --------------------------------------------------------------- W: wildcard
W = [
    ("*", "http://example.invalid/", "* alone"),
    ("*", "https://example.invalid/", "* alone, https"),
    ("*", "http://127.0.0.1:8080/", "* alone, loopback IP"),
    ("*", "http://[::1]:8080/", "* alone, IPv6 loopback"),
    (" * ", "http://example.invalid/", "* padded with spaces"),
    ("\t*", "http://example.invalid/", "* with leading tab"),
    ("*,other.invalid", "http://example.invalid/", "* first in a list"),
    ("other.invalid,*", "http://example.invalid/", "* last in a list"),
    ("other.invalid, *", "http://example.invalid/", "* last after comma-space"),
    ("**", "http://example.invalid/", "double star"),
    ("*.", "http://example.invalid/", "star dot"),
    ("*example.invalid", "http://example.invalid/", "leading * glued to name, exact host"),
    ("*example.invalid", "http://notexample.invalid/", "leading * glued, other host with same suffix"),
    ("*example.invalid", "http://sub.example.invalid/", "leading * glued, subdomain"),
    ("api.*.example.invalid", "http://api.x.example.invalid/", "mid wildcard"),
    ("example.*", "http://example.invalid/", "trailing wildcard"),
    ("127.0.0.*", "http://127.0.0.1:8080/", "trailing wildcard on IPv4"),
    ("*.example.invalid", "http://sub.example.invalid/", "*. prefix, subdomain"),
    ("*.example.invalid", "http://example.invalid/", "*. prefix, apex"),
]
for v, url, note in W:
    add("W", np_both(v), url, "no_proxy=%r: %s" % (v, note))
add("W", base(NO_PROXY="*"), "http://example.invalid/", "only NO_PROXY=*")
add("W", base(no_proxy="*"), "http://example.invalid/", "only no_proxy=*")

# ----------------------------------------------------------- D: domain forms
D = [
    ("example.invalid", "http://example.invalid/", "exact"),
    ("example.invalid", "http://sub.example.invalid/", "plain entry, subdomain"),
    ("example.invalid", "http://a.b.example.invalid/", "plain entry, deep subdomain"),
    ("example.invalid", "http://notexample.invalid/", "plain entry, suffix without dot boundary"),
    ("example.invalid", "http://example.invalid.other.invalid/", "plain entry as prefix of host"),
    ("example.invalid", "https://sub.example.invalid/", "plain entry, subdomain, https"),
    (".example.invalid", "http://example.invalid/", "leading dot, apex"),
    (".example.invalid", "http://sub.example.invalid/", "leading dot, subdomain"),
    (".example.invalid", "http://notexample.invalid/", "leading dot, no boundary"),
    ("*.example.invalid", "http://a.b.example.invalid/", "*. entry, deep subdomain"),
    ("*.example.invalid", "http://notexample.invalid/", "*. entry, no boundary"),
    ("sub.example.invalid", "http://example.invalid/", "subdomain entry, parent host"),
    ("sub.example.invalid", "http://sub.example.invalid/", "subdomain entry, exact"),
    ("sub.example.invalid", "http://deep.sub.example.invalid/", "subdomain entry, deeper host"),
    ("invalid", "http://example.invalid/", "TLD-only entry"),
    (".invalid", "http://example.invalid/", "dot-TLD entry"),
    ("ample.invalid", "http://example.invalid/", "partial label suffix"),
    ("example", "http://example.invalid/", "first label only"),
    ("..example.invalid", "http://sub.example.invalid/", "double leading dot"),
    ("example.invalid", "http://docker/", "unrelated single-label host"),
    ("docker", "http://docker/", "single-label entry, exact"),
    ("docker", "http://docker.invalid/", "single-label entry vs a host that starts with it"),
    ("other.invalid,example.invalid", "http://example.invalid/", "second entry matches"),
    ("example.invalid,other.invalid", "http://other.invalid/", "second entry matches (other)"),
    ("other.invalid", "http://example.invalid/", "no match"),
    ("sub.example.invalid", "http://xsub.example.invalid/", "entry is suffix of a longer label"),
    ("*", "http://docker/", "star, single-label host"),
    ("x.invalid", "http://x.invalid/", "one-character label"),
]
for v, url, note in D:
    add("D", np_both(v), url, "no_proxy=%r: %s" % (v, note))

# --------------------------------------------------------- T: trailing dots
T = [
    ("example.invalid.", "http://example.invalid/", "dot on entry"),
    ("example.invalid", "http://example.invalid./", "dot on URL host"),
    ("example.invalid.", "http://example.invalid./", "dot on both"),
    (".example.invalid.", "http://sub.example.invalid/", "leading and trailing dot entry, subdomain"),
    (".example.invalid", "http://sub.example.invalid./", "leading-dot entry, dotted subdomain host"),
    ("example.invalid..", "http://example.invalid/", "two trailing dots on entry"),
    (".", "http://example.invalid/", "entry is a single dot"),
    ("127.0.0.1.", "http://127.0.0.1:8080/", "dot after IPv4 entry"),
    ("localhost.", "http://localhost:8080/", "localhost. entry vs localhost"),
    ("localhost", "http://localhost.:8080/", "localhost entry vs localhost. host"),
    ("example.invalid.", "https://example.invalid/", "dot on entry, https"),
    ("example.invalid:8080", "http://example.invalid.:8080/", "entry with port vs dotted host with port"),
]
for v, url, note in T:
    add("T", np_both(v), url, "no_proxy=%r: %s" % (v, note))

# ----------------------------------------------------------------- P: ports
DIND = "docker:2375,docker:2376"
P = [
    (DIND, "http://docker:2375/", "dind: plain docker port"),
    (DIND, "https://docker:2376/", "dind: TLS docker port"),
    (DIND, "http://docker/", "dind: default http port not listed"),
    (DIND, "https://docker/", "dind: default https port not listed"),
    (DIND, "http://docker:2376/", "dind: http on the TLS port"),
    (DIND, "http://docker:8080/", "dind: other port"),
    ("docker:2375", "http://docker:2375/", "single host:port entry, same port"),
    ("docker:2375", "http://docker:2376/", "single host:port entry, other port"),
    ("example.invalid:80", "http://example.invalid/", "entry :80 vs http default port"),
    ("example.invalid:80", "http://example.invalid:80/", "entry :80 vs explicit :80"),
    ("example.invalid:80", "http://example.invalid:8080/", "entry :80 vs :8080"),
    ("example.invalid:80", "https://example.invalid/", "entry :80 vs https default"),
    ("example.invalid:443", "https://example.invalid/", "entry :443 vs https default port"),
    ("example.invalid:443", "http://example.invalid/", "entry :443 vs http default port"),
    ("example.invalid:443", "https://example.invalid:443/", "entry :443 vs explicit :443"),
    ("example.invalid", "http://example.invalid:8080/", "portless entry vs URL with port"),
    ("127.0.0.1:8080", "http://127.0.0.1:8080/", "IPv4:port, same port"),
    ("127.0.0.1:8080", "http://127.0.0.1:8081/", "IPv4:port, other port"),
    ("[::1]:8080", "http://[::1]:8080/", "[IPv6]:port, same port"),
    ("[::1]:8080", "http://[::1]:8081/", "[IPv6]:port, other port"),
    ("::1:8080", "http://[::1]:8080/", "unbracketed ::1:8080 (ambiguous)"),
    (".example.invalid:8080", "http://sub.example.invalid:8080/", "leading dot with port"),
    ("example.invalid:", "http://example.invalid/", "empty port"),
    ("example.invalid:abc", "http://example.invalid/", "non-numeric port"),
    ("localhost:8080", "http://localhost:8080/", "localhost:port, same"),
    ("localhost:8080", "http://localhost:9090/", "localhost:port, other"),
]
for v, url, note in P:
    add("P", np_both(v), url, "no_proxy=%r: %s" % (v, note))

# ------------------------------------------------------- B: blanks/separators
B = [
    ("other.invalid example.invalid", "space separator"),
    ("other.invalid  example.invalid", "double space separator"),
    ("other.invalid, example.invalid", "comma-space"),
    ("other.invalid ,example.invalid", "space-comma"),
    (" example.invalid", "leading space"),
    ("example.invalid ", "trailing space"),
    (",,example.invalid,,", "empty entries around"),
    ("other.invalid,,example.invalid", "empty entry in the middle"),
    ("other.invalid\texample.invalid", "tab separator"),
    ("\texample.invalid", "leading tab"),
    ("other.invalid,\texample.invalid", "comma-tab"),
    ("other.invalid;example.invalid", "semicolon is not a separator"),
    ("other.invalid\nexample.invalid", "newline separator"),
    ("", "empty value"),
    (" ", "single space"),
    (",", "single comma"),
    (" , ", "comma with spaces"),
]
for v, note in B:
    add("B", np_both(v), "http://example.invalid/", "no_proxy=%r: %s" % (v, note))
add("B", np_both("other.invalid example.invalid"), "https://example.invalid/", "space separator, https")

# ------------------------------------------------------- I: IP / CIDR
I = [
    ("127.0.0.1", "http://127.0.0.1:8080/", "exact IPv4"),
    ("127.0.0.1", "http://127.0.0.2:8080/", "IPv4, other address"),
    ("127.0.0.0/8", "http://127.0.0.1:8080/", "v4 /8 contains"),
    ("127.0.0.0/8", "http://127.255.0.1:8080/", "v4 /8 contains (far)"),
    ("127.0.0.0/24", "http://127.0.0.1:8080/", "v4 /24 contains"),
    ("127.0.0.0/24", "http://127.0.1.1:8080/", "v4 /24 excludes"),
    ("127.0.0.1/32", "http://127.0.0.1:8080/", "v4 /32 same"),
    ("127.0.0.1/32", "http://127.0.0.2:8080/", "v4 /32 other"),
    ("127.0.0.5/24", "http://127.0.0.1:8080/", "v4 CIDR with host bits set"),
    ("0.0.0.0/0", "http://127.0.0.1:8080/", "v4 /0"),
    ("127.0.0.1/33", "http://127.0.0.1:8080/", "v4 /33 invalid"),
    ("127.0.0.0/8x", "http://127.0.0.1:8080/", "v4 junk after prefix length"),
    ("127.0.0.0/", "http://127.0.0.1:8080/", "v4 empty prefix length"),
    ("127.0.0.0/8", "http://localhost:8080/", "v4 CIDR vs localhost name"),
    ("127.0.0.0/8", "http://example.invalid/", "v4 CIDR vs a name"),
    ("127.0", "http://127.0.0.1:8080/", "v4 prefix as plain string"),
    ("::1", "http://[::1]:8080/", "IPv6 without brackets"),
    ("[::1]", "http://[::1]:8080/", "IPv6 with brackets"),
    ("::1/128", "http://[::1]:8080/", "v6 /128"),
    ("::/0", "http://[::1]:8080/", "v6 /0"),
    ("::0/127", "http://[::1]:8080/", "v6 /127 contains ::1"),
    ("::1/129", "http://[::1]:8080/", "v6 /129 invalid"),
    ("::1/64", "http://[::1]:8080/", "v6 CIDR with host bits set"),
    ("0:0:0:0:0:0:0:1", "http://[::1]:8080/", "v6 uncompressed entry vs compressed host"),
    ("::1", "http://[0:0:0:0:0:0:0:1]:8080/", "v6 compressed entry vs uncompressed host"),
    ("::1", "http://127.0.0.1:8080/", "v6 entry vs v4 host"),
    ("127.0.0.1", "http://[::1]:8080/", "v4 entry vs v6 host"),
    ("::ffff:127.0.0.1", "http://127.0.0.1:8080/", "v4-mapped v6 entry vs v4 host"),
    ("127.0.0.1", "http://[::ffff:127.0.0.1]:8080/", "v4 entry vs v4-mapped v6 host"),
    ("::ffff:127.0.0.1", "http://[::ffff:127.0.0.1]:8080/", "v4-mapped both"),
    ("::ffff:127.0.0.0/104", "http://[::ffff:127.0.0.1]:8080/", "v4-mapped CIDR"),
    ("127.0.0.0/8", "http://[::ffff:127.0.0.1]:8080/", "v4 CIDR vs v4-mapped host"),
    ("127.0.0.1", "http://127.1:8080/", "short IPv4 URL 127.1"),
    ("127.1", "http://127.0.0.1:8080/", "short IPv4 entry 127.1"),
    ("127.1", "http://127.1:8080/", "short IPv4 both"),
    ("127.0.0.1", "http://2130706433:8080/", "decimal integer IPv4 URL"),
    ("127.0.0.1", "http://0x7f.1:8080/", "hex IPv4 URL"),
    ("127.0.0.1", "http://0177.0.0.1:8080/", "octal IPv4 URL"),
    # non-loopback targets: CIDR semantics only; the curl recorder skips these
    ("10.0.0.0/8", "http://10.1.2.3/", "v4 /8 private (no-dial)"),
    ("10.1.2.3", "http://10.1.2.3/", "exact private v4 (no-dial)"),
    ("10.1.2.3/8", "http://10.200.0.1/", "host bits set, private (no-dial)"),
    ("172.16.0.0/12", "http://172.31.255.255/", "v4 /12 edge (no-dial)"),
    ("192.168.0.0/16", "http://192.169.0.1/", "v4 /16 just outside (no-dial)"),
    ("2001:db8::/32", "http://[2001:db8::1]/", "v6 /32 contains (no-dial)"),
    ("2001:db8::/32", "http://[2001:db9::1]/", "v6 /32 excludes (no-dial)"),
    ("[2001:db8::1]", "http://[2001:db8::1]/", "bracketed v6 exact (no-dial)"),
    ("::ffff:10.0.0.0/104", "http://10.1.2.3/", "v4-mapped CIDR vs v4 host (no-dial)"),
    ("10.0.0.0/8", "http://[::ffff:10.1.2.3]/", "v4 CIDR vs v4-mapped host (no-dial)"),
]
for v, url, note in I:
    add("I", np_both(v), url, "no_proxy=%r: %s" % (v, note))

# ----------------------------------------------------- L: loopback/localhost
for url, note in [
    ("http://localhost:8080/", "localhost"),
    ("http://localhost/", "localhost default port"),
    ("https://localhost:8443/", "localhost https"),
    ("http://LOCALHOST:8080/", "LOCALHOST"),
    ("http://localhost.:8080/", "localhost."),
    ("http://foo.localhost:8080/", "foo.localhost"),
    ("http://127.0.0.1:8080/", "127.0.0.1"),
    ("http://127.0.0.2:8080/", "127.0.0.2"),
    ("http://[::1]:8080/", "[::1]"),
]:
    add("L", base(), url, "no no_proxy: is %s implicitly direct?" % note)
L = [
    ("localhost", "http://localhost:8080/", "exact"),
    ("localhost", "http://LOCALHOST:8080/", "upper-case URL host"),
    ("localhost", "http://foo.localhost:8080/", "subdomain of localhost"),
    ("localhost", "http://127.0.0.1:8080/", "name entry vs loopback IP"),
    ("localhost", "http://[::1]:8080/", "name entry vs ::1"),
    ("127.0.0.1", "http://localhost:8080/", "IP entry vs localhost name"),
    ("::1", "http://localhost:8080/", "::1 entry vs localhost name"),
    (".localhost", "http://foo.localhost:8080/", "dot-localhost, subdomain"),
    (".localhost", "http://localhost:8080/", "dot-localhost, apex"),
    ("localhost,127.0.0.1,::1", "http://localhost:8080/", "typical default list, localhost"),
    ("localhost,127.0.0.1,::1", "http://127.0.0.1:8080/", "typical default list, 127.0.0.1"),
    ("localhost,127.0.0.1,::1", "http://[::1]:8080/", "typical default list, ::1"),
    ("localhost,127.0.0.1,::1", "https://localhost:8443/", "typical default list, https"),
]
for v, url, note in L:
    add("L", np_both(v), url, "no_proxy=%r: %s" % (v, note))

# ------------------------------------------------------------------ K: case
K = [
    ("EXAMPLE.INVALID", "http://example.invalid/", "upper entry, lower host"),
    ("example.invalid", "http://EXAMPLE.INVALID/", "lower entry, upper host"),
    (".Example.Invalid", "http://Sub.EXAMPLE.invalid/", "mixed case, leading dot"),
    ("LOCALHOST", "http://localhost:8080/", "LOCALHOST entry"),
    ("example.invalid", "HTTP://example.invalid/", "upper-case URL scheme"),
    ("example.invalid", "HTTPS://example.invalid/", "upper-case https scheme"),
    ("::FFFF:127.0.0.1", "http://[::ffff:127.0.0.1]:8080/", "upper-case hex in v6 entry"),
    ("DOCKER:2375", "http://docker:2375/", "upper-case with port"),
]
for v, url, note in K:
    add("K", np_both(v), url, "no_proxy=%r: %s" % (v, note))
add("K", base(), "HTTP://example.invalid/", "upper-case URL scheme picks the http proxy?")
add("K", base(), "HTTPS://example.invalid/", "upper-case URL scheme picks the https proxy?")

# ------------------------------------------------------------------- N: IDN
N = [
    ("bücher.invalid", "http://bücher.invalid/", "unicode entry, unicode host"),
    ("xn--bcher-kva.invalid", "http://bücher.invalid/", "punycode entry, unicode host"),
    ("bücher.invalid", "http://xn--bcher-kva.invalid/", "unicode entry, punycode host"),
    ("xn--bcher-kva.invalid", "http://xn--bcher-kva.invalid/", "punycode both"),
    (".bücher.invalid", "http://www.bücher.invalid/", "unicode leading dot, unicode subdomain"),
    (".xn--bcher-kva.invalid", "http://www.bücher.invalid/", "punycode leading dot, unicode subdomain"),
    ("BÜCHER.invalid", "http://bücher.invalid/", "upper-case unicode entry"),
    ("xn--bcher-kva.invalid", "http://BÜCHER.invalid/", "punycode entry, upper-case unicode host"),
    ("example.invalid", "http://example\u3002invalid/", "ideographic full stop in host"),
    ("example.invalid", "http://ｅｘａｍｐｌｅ.invalid/", "fullwidth letters in host"),
    ("ｅｘａｍｐｌｅ.invalid", "http://example.invalid/", "fullwidth letters in entry"),
]
for v, url, note in N:
    add("N", np_both(v), url, "no_proxy=%r: %s" % (v, note))

# -------------------------------------------------------------- G: long lists
hosts1000 = ["host%d.invalid" % i for i in range(999)]
add("G", np_both(",".join(hosts1000 + ["example.invalid"])), "http://example.invalid/", "1000 entries, match last")
add("G", np_both(",".join(["example.invalid"] + hosts1000)), "http://example.invalid/", "1000 entries, match first")
add("G", np_both(",".join(hosts1000 + ["other.invalid"])), "http://example.invalid/", "1000 entries, no match")
add("G", np_both(" ".join(hosts1000 + ["example.invalid"])), "http://example.invalid/", "1000 space-separated entries, match last")
add("G", np_both(",".join(hosts1000 + ["*"])), "http://example.invalid/", "1000 entries then *")
add("G", np_both(",".join(hosts1000 + [".example.invalid"])), "http://sub.example.invalid/", "1000 entries, leading-dot match last")
cidrs = ["10.%d.%d.0/24" % (i // 256, i % 256) for i in range(999)]
add("G", np_both(",".join(cidrs + ["127.0.0.0/8"])), "http://127.0.0.1:8080/", "1000 CIDRs, match last")
add("G", np_both(",".join(["host%d.invalid" % i for i in range(4999)] + ["example.invalid"])), "http://example.invalid/", "5000 entries, match last")
longlabel = "a" * 63
longname = ".".join([longlabel] * 3) + ".invalid"
add("G", np_both(longname), "http://%s/" % longname, "very long host name, exact")
add("G", np_both("." + ".".join([longlabel] * 2) + ".invalid"), "http://%s/" % longname, "very long host name, suffix")

# ------------------------------------------------------- U: URL host oddities
U = [
    (np_both("example.invalid"), "http://user:pass@example.invalid/", "userinfo in URL, host matches"),
    (base(), "http://user@example.invalid/", "userinfo in URL, no no_proxy"),
    (np_both("example.invalid"), "http://example.invalid@other.invalid/", "no_proxy host appears as userinfo"),
    (np_both("example.invalid"), "http://other.invalid/?example.invalid", "no_proxy host in query"),
    (np_both("example.invalid"), "http://other.invalid/#@example.invalid", "no_proxy host in fragment"),
    (np_both("example.invalid"), "http://example.invalid:8080/path?q=1", "host with port, path, query"),
    (np_both("::1"), "http://[::1%25lo]:8080/", "IPv6 zone id on loopback, entry ::1"),
    (np_both("::1%lo"), "http://[::1%25lo]:8080/", "IPv6 zone id on loopback, entry with zone"),
    (base(), "http://[::1%25lo]:8080/", "IPv6 zone id on loopback, no no_proxy"),
    (np_both("example.invalid"), "http://[::1%25.example.invalid]:80/", "CVE-2025-22870 shape: zone id with domain suffix"),
    (np_both(".example.invalid"), "http://[::1%25.example.invalid]:80/", "CVE-2025-22870 shape, leading-dot entry"),
    (np_both("fe80::1"), "http://[fe80::1%25eth0]/", "link-local with zone (no-dial)"),
    (np_both("example.invalid"), "http://ex%61mple.invalid/", "percent-encoded host"),
    (np_both("example.invalid"), "example.invalid", "scheme-less URL"),
    (np_both("example.invalid"), "http://example.invalid:/", "empty port in URL"),
    (np_both("example.invalid"), "http:/example.invalid/", "single slash after scheme"),
    (np_both("example.invalid"), "http://EXAMPLE.invalid./", "upper case plus trailing dot"),
    (base(), "http://example.invalid:65536/", "port out of range in URL"),
]
for env, url, note in U:
    add("U", env, url, note)


def main():
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    by = {}
    for c in cases:
        p = c["id"].rstrip("0123456789")
        by[p] = by.get(p, 0) + 1
    print("wrote %d cases to %s: %s" % (len(cases), OUT, " ".join("%s=%d" % kv for kv in by.items())))


if __name__ == "__main__":
    main()
