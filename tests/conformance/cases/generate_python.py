#!/usr/bin/env python3
"""Generate tests/conformance/cases/python.jsonl deterministically.

Python-specific points that core.jsonl does not cover (or covers only in part):
the CGI rule (REQUEST_METHOD, which spellings it drops), the two-pass variable
reading of urllib (an empty lower-case-suffix value deletes, mixed-case names),
NO_PROXY entries with a port, IPv4 CIDR and short IPv4 forms (requests),
the label-boundary change of requests 2.34.0, ALL_PROXY, proxy URL forms.

Run:  python3 tests/conformance/cases/generate_python.py
Same safety rules as core.jsonl: proxies are loopback, targets are *.invalid,
loopback, or non-loopback IP literals used only as URL hosts (the Python
recorder never dials: name lookups are intercepted before any socket exists).
Ids are PY<NN>; only append new cases at the end.
"""
import json
import os
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "python.jsonl")

P = {
    "HTTP_PROXY": "http://127.0.0.1:3001",
    "http_proxy": "http://127.0.0.1:3002",
    "HTTPS_PROXY": "http://127.0.0.1:3003",
    "https_proxy": "http://127.0.0.1:3004",
    "ALL_PROXY": "http://127.0.0.1:3005",
    "all_proxy": "http://127.0.0.1:3006",
}
cases = []


def add(env, url, note):
    cid = "PY%02d" % (len(cases) + 1)
    e = OrderedDict()
    for k, v in env:
        e[k] = P[k] if v is None else v
    cases.append(OrderedDict([("id", cid), ("env", e), ("url", url), ("note", note)]))


def both(no_proxy, extra=()):
    """HTTP(S)_PROXY in both cases plus NO_PROXY and no_proxy = no_proxy."""
    return [("HTTP_PROXY", None), ("http_proxy", None), ("HTTPS_PROXY", None),
            ("https_proxy", None), ("NO_PROXY", no_proxy), ("no_proxy", no_proxy)] + list(extra)


U = "http://example.invalid/"
# --- CGI (httpoxy)
add([("REQUEST_METHOD", "GET"), ("HTTP_PROXY", None)], U, "CGI: HTTP_PROXY only")
add([("REQUEST_METHOD", ""), ("HTTP_PROXY", None)], U, "CGI: REQUEST_METHOD set but empty")
add([("REQUEST_METHOD", "GET"), ("http_proxy", None)], U, "CGI: lower-case http_proxy survives")
add([("REQUEST_METHOD", "GET"), ("HTTP_proxy", "http://127.0.0.1:3013")], U,
    "CGI: HTTP_proxy (lower-case suffix) survives the second pass")
add([("REQUEST_METHOD", "GET"), ("Http_Proxy", "http://127.0.0.1:3014")], U,
    "CGI: Http_Proxy (upper-case suffix) is dropped")
add([("request_method", "GET"), ("HTTP_PROXY", None)], U, "CGI: lower-case request_method is not the CGI marker")
add([("REQUEST_METHOD", "GET"), ("HTTPS_PROXY", None)], "https://example.invalid/", "CGI: https key not dropped")
add([("REQUEST_METHOD", "GET"), ("HTTP_PROXY", None), ("ALL_PROXY", None)], U,
    "CGI: http dropped, ALL_PROXY remains")
# --- two passes: empty lower-case suffix deletes
add([("http_proxy", ""), ("HTTP_PROXY", None)], U, "empty http_proxy deletes HTTP_PROXY")
add([("HTTP_proxy", ""), ("HTTP_PROXY", None)], U, "empty HTTP_proxy (lower-case suffix) deletes HTTP_PROXY")
add([("Http_Proxy", ""), ("HTTP_PROXY", None)], U, "empty Http_Proxy does not delete")
add([("http_proxy", None), ("no_proxy", ""), ("NO_PROXY", "example.invalid")], U,
    "empty no_proxy with NO_PROXY set")
add([("HTTP_PROXY", None), ("Http_Proxy", "http://127.0.0.1:3015")], U,
    "two upper-case-suffix spellings: environment order decides")
add([("all_proxy", ""), ("ALL_PROXY", None)], "https://example.invalid/", "empty all_proxy deletes ALL_PROXY")
add([("ALL_PROXY", None)], "https://example.invalid/", "ALL_PROXY only, https URL")
add([("All_Proxy", "http://127.0.0.1:3016")], U, "mixed-case All_Proxy only")
add([("http_proxy", None), ("No_Proxy", "example.invalid")], U, "mixed-case No_Proxy")
# --- NO_PROXY entries with a port
add(both("example.invalid:8080"), "http://example.invalid:8080/", "host:port entry, same explicit port")
add(both("example.invalid:8080"), U, "host:port entry, URL without port")
add(both("example.invalid:8080"), "http://sub.example.invalid:8080/", "host:port entry, subdomain with port")
add(both("example.invalid:80"), "http://example.invalid:80/", "host:80 entry, explicit :80")
add(both("example.invalid:80"), U, "host:80 entry, default port")
add(both("example.invalid:443"), "https://example.invalid:443/", "host:443 entry, explicit :443 https")
add(both("10.1.2.3:8080"), "http://10.1.2.3:8080/", "IPv4:port entry, same port")
add(both("[::1]:8080"), "http://[::1]:8080/", "bracketed IPv6:port entry")
add(both("[::1]"), "http://[::1]:8080/", "bracketed IPv6 entry, URL with port")
add(both("::1"), "http://[::1]:8080/", "bare IPv6 entry, URL with port")
# --- label boundary (requests 2.34.0)
add(both("example.invalid"), "http://notexample.invalid/", "entry is a string suffix, not a label suffix")
add(both("ample.invalid"), U, "partial label suffix")
add(both(".example.invalid"), U, "leading dot entry, apex host")
add(both("example.invalid:8080"), "http://notexample.invalid:8080/", "string suffix with port")
add(both("EXAMPLE.invalid"), U, "upper-case entry")
# --- IPv4 / CIDR (requests)
add(both("10.0.0.0/8"), "http://10.1.2.3/", "IPv4 CIDR")
add(both("127.0.0.0/8"), "http://127.0.0.1:8080/", "IPv4 CIDR, loopback with port")
add(both("10.0.0.0/0"), "http://10.1.2.3/", "CIDR /0")
add(both("10.1.2.0/24"), "http://10.1.2.3:8080/", "CIDR /24 with port")
add(both("10.1.2.3/32"), "http://10.1.2.3/", "CIDR /32")
add(both("10.1.2.3/33"), "http://10.1.2.3/", "CIDR /33")
add(both("127.0.0.0/8"), "http://127.1/", "short IPv4 form in URL, CIDR entry")
add(both("2.3"), "http://10.1.2.3/", "string suffix on an IPv4 host")
add(both("10.1.2.3"), "http://10.1.2.3/", "exact IPv4")
add(both("10.0.0.0/8"), "http://010.1.2.3/", "octal-looking IPv4 host, CIDR entry")
add(both("::1/128"), "http://[::1]/", "IPv6 CIDR entry")
# --- blanks and wildcards
add(both("foo.invalid example.invalid"), U, "space-separated entries")
add(both("foo.invalid, example.invalid"), U, "comma and space")
add(both("*,foo.invalid"), U, "* inside a list")
add(both(" * "), U, "* padded with spaces")
add(both("*"), "https://example.invalid/", "* alone")
# --- URL forms
add(both("example.invalid"), "http://user@example.invalid/", "userinfo in URL, entry matches host")
add(both("example.invalid"), "http://user:pw@example.invalid:8080/", "userinfo and port")
# --- proxy value forms
add([("https_proxy", "http://127.0.0.1")], "https://example.invalid/", "https URL, http proxy without port")
add([("http_proxy", "http://127.0.0.1")], U, "http URL, proxy without port")
add([("http_proxy", "https://127.0.0.1:3017")], U, "https:// proxy for an http URL")
add([("http_proxy", "socks5h://127.0.0.1:1080")], U, "socks5h proxy, http URL")
add([("https_proxy", "socks5://127.0.0.1:1080")], "https://example.invalid/", "socks5 proxy, https URL")
add([("http_proxy", "127.0.0.1:3018")], U, "scheme-less proxy")
add([("https_proxy", "127.0.0.1:3019")], "https://example.invalid/", "scheme-less proxy, https URL")
add([("http_proxy", "http://127.0.0.1:3020/some/path")], U, "proxy with a path")
add([("http_proxy", "http://u:p@127.0.0.1:3021")], U, "proxy with credentials")
add([("FOO_PROXY", "http://127.0.0.1:3022")], "foo://example.invalid/", "custom scheme with FOO_PROXY")
add([("ws_proxy", "http://127.0.0.1:3009")], "ws://example.invalid/", "ws URL with ws_proxy")
add([("http_proxy", "ftp://127.0.0.1:3023")], U, "ftp:// proxy for an http URL")

with open(OUT, "w", encoding="utf-8", newline="\n") as f:
    for c in cases:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
print("wrote %d cases to %s" % (len(cases), OUT))
