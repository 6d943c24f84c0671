#!/usr/bin/env python3
"""Generate node.jsonl: cases for the Node.js flavors (proxy-from-env, undici, node).

Deterministic; run `python3 tests/conformance/cases/generate_node.py`. Same safety rules
and proxy ports as core.jsonl (see README.md); prefix `J` (JavaScript).
"""
import json
import os

P = {"HTTP_PROXY": "http://127.0.0.1:3001", "http_proxy": "http://127.0.0.1:3002",
     "HTTPS_PROXY": "http://127.0.0.1:3003", "https_proxy": "http://127.0.0.1:3004",
     "ALL_PROXY": "http://127.0.0.1:3005", "all_proxy": "http://127.0.0.1:3006"}
FOUR = {k: P[k] for k in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy")}
cases = []


def add(env, url, note):
    cases.append({"id": "J%02d" % (len(cases) + 1), "env": env, "url": url, "note": note})


def np(value, url, note, extra=None, both=True):
    env = dict(FOUR)
    env["no_proxy"] = value
    if both:
        env["NO_PROXY"] = value
    env.update(extra or {})
    add(env, url, "no_proxy=%r: %s" % (value, note))


# npm_config_* (proxy-from-env 1.x reads them first)
add({"npm_config_http_proxy": "http://127.0.0.1:3013"}, "http://example.invalid/", "npm_config_http_proxy only")
add({"NPM_CONFIG_HTTP_PROXY": "http://127.0.0.1:3014", "http_proxy": "http://127.0.0.1:3002"}, "http://example.invalid/", "NPM_CONFIG_HTTP_PROXY and http_proxy")
add({"npm_config_https_proxy": "http://127.0.0.1:3015", "https_proxy": "http://127.0.0.1:3004"}, "https://example.invalid/", "npm_config_https_proxy and https_proxy")
add({"npm_config_proxy": "http://127.0.0.1:3016"}, "http://example.invalid/", "npm_config_proxy only")
add({"npm_config_proxy": "http://127.0.0.1:3016", "all_proxy": "http://127.0.0.1:3006"}, "https://example.invalid/", "npm_config_proxy and all_proxy")
add(dict(FOUR, npm_config_no_proxy="example.invalid"), "http://example.invalid/", "npm_config_no_proxy matches")
add(dict(FOUR, npm_config_no_proxy="other.invalid", no_proxy="example.invalid"), "http://example.invalid/", "npm_config_no_proxy shadows no_proxy")
# lower/upper and empty values
add({"http_proxy": "", "HTTP_PROXY": "http://127.0.0.1:3001"}, "http://example.invalid/", "http_proxy empty, HTTP_PROXY set")
add({"https_proxy": "", "HTTPS_PROXY": "http://127.0.0.1:3003"}, "https://example.invalid/", "https_proxy empty, HTTPS_PROXY set")
add({"http_proxy": "http://127.0.0.1:3002"}, "https://example.invalid/", "https URL, only http_proxy")
add({"HTTP_PROXY": "http://127.0.0.1:3001", "https_proxy": ""}, "https://example.invalid/", "https URL, HTTP_PROXY and empty https_proxy")
add(dict(FOUR, no_proxy="", NO_PROXY="example.invalid"), "http://example.invalid/", "no_proxy empty, NO_PROXY matches")
add(dict(FOUR, NO_PROXY="example.invalid"), "http://example.invalid/", "only NO_PROXY matches")
add({"ALL_PROXY": "http://127.0.0.1:3005"}, "http://example.invalid/", "ALL_PROXY only, http")
add({"all_proxy": "http://127.0.0.1:3006", "ALL_PROXY": "http://127.0.0.1:3005"}, "https://example.invalid/", "all_proxy and ALL_PROXY, https")
# scheme-less and odd proxy values
add({"http_proxy": "127.0.0.1:3017"}, "http://example.invalid/", "scheme-less http_proxy")
add({"https_proxy": "127.0.0.1:3018"}, "https://example.invalid/", "scheme-less https_proxy")
add({"http_proxy": "localhost:3019"}, "http://example.invalid/", "scheme-less localhost:port")
add({"http_proxy": "proxy.invalid"}, "http://example.invalid/", "scheme-less name without port")
add({"https_proxy": "https://127.0.0.1:3020"}, "https://example.invalid/", "https:// proxy")
add({"http_proxy": "http://127.0.0.1"}, "http://example.invalid/", "proxy without port")
add({"https_proxy": "https://127.0.0.1"}, "https://example.invalid/", "https proxy without port")
add({"http_proxy": "socks5://127.0.0.1:3021"}, "http://example.invalid/", "socks5 proxy")
add({"http_proxy": "http://u:p@127.0.0.1:3022"}, "http://example.invalid/", "credentials in proxy")
add({"http_proxy": "http://[::1]:3023"}, "http://example.invalid/", "IPv6 proxy")
add({"http_proxy": " http://127.0.0.1:3024"}, "http://example.invalid/", "leading space in proxy")
add({"http_proxy": "http://127.0.0.1:3025/path"}, "http://example.invalid/", "proxy with path")
add({"ws_proxy": "http://127.0.0.1:3009"}, "ws://example.invalid/", "ws URL, ws_proxy")
add({"http_proxy": "http://127.0.0.1:3002"}, "ws://example.invalid/", "ws URL, http_proxy")
add({"ftp_proxy": "http://127.0.0.1:3007"}, "ftp://example.invalid/", "ftp URL, ftp_proxy")
# NO_PROXY forms
np("*", "http://example.invalid/", "lone star")
np("other.invalid,*", "http://example.invalid/", "star last in list")
np(" * ", "http://example.invalid/", "padded star")
np("*:80", "http://example.invalid/", "star with matching port")
np("*:81", "http://example.invalid/", "star with other port")
np("*.example.invalid", "http://example.invalid/", "*.domain vs apex")
np("*.example.invalid", "http://sub.example.invalid/", "*.domain vs subdomain")
np("*example.invalid", "http://example.invalid/", "*domain (no dot) vs apex")
np("*example.invalid", "http://myexample.invalid/", "*domain (no dot) vs longer name")
np(".example.invalid", "http://example.invalid/", "leading dot vs apex")
np(".example.invalid", "http://sub.example.invalid/", "leading dot vs subdomain")
np("example.invalid", "http://sub.example.invalid/", "plain vs subdomain")
np("example.invalid", "http://myexample.invalid/", "plain vs label-boundary miss")
np("le.invalid", "http://example.invalid/", "bare suffix, not a label")
np(".le.invalid", "http://example.invalid/", "dot suffix, not a label")
np("a.*.invalid", "http://a.b.invalid/", "star in the middle")
np("example.*", "http://example.invalid/", "star at the end")
np("example.invalid:80", "http://example.invalid/", "host:80 vs default port")
np("example.invalid:8080", "http://example.invalid:8080/", "host:port exact")
np("example.invalid:8080", "http://example.invalid/", "host:port vs default")
np(".example.invalid:8080", "http://sub.example.invalid:8080/", "dot domain with port")
np("example.invalid:443", "https://example.invalid/", "host:443 vs https default")
np("127.0.0.1:8080", "http://127.0.0.1:8080/", "IPv4:port")
np("::1", "http://[::1]/", "bare IPv6")
np("[::1]", "http://[::1]/", "bracketed IPv6")
np("[::1]:8080", "http://[::1]:8080/", "bracketed IPv6 with port")
np("::1:8080", "http://[::1]:8080/", "bare IPv6 that looks like host:port")
np("0:0:0:0:0:0:0:1", "http://[::1]/", "uncompressed IPv6")
np("127.0.0.0/8", "http://127.0.0.1/", "CIDR")
np("127.0.0.1-127.0.0.5", "http://127.0.0.3/", "IPv4 range")
np("127.0.0.1 - 127.0.0.5", "http://127.0.0.3/", "IPv4 range with spaces")
np("127.0.0.1-127.0.0.5", "http://127.0.0.9/", "IPv4 range, outside")
np("EXAMPLE.INVALID", "http://example.invalid/", "upper-case entry")
np("example.invalid", "http://EXAMPLE.INVALID/", "upper-case host")
np("example.invalid.", "http://example.invalid/", "trailing dot on entry")
np("example.invalid", "http://example.invalid./", "trailing dot on host")
np(".", "http://example.invalid/", "lone dot")
np("other.invalid example.invalid", "http://example.invalid/", "space-separated")
np("other.invalid\texample.invalid", "http://example.invalid/", "tab-separated")
np("other.invalid;example.invalid", "http://example.invalid/", "semicolon-separated")
np("other.invalid, example.invalid", "http://example.invalid/", "comma and space")
np("localhost", "http://localhost/", "localhost")
np("127.0.0.1", "http://localhost/", "IP entry vs localhost name")
np("127.0.0.1", "http://127.1/", "IP entry vs short IPv4 host")
np("xn--bcher-kva.invalid", "http://b\u00fccher.invalid/", "punycode entry, Unicode host")
np("b\u00fccher.invalid", "http://xn--bcher-kva.invalid/", "Unicode entry, punycode host")
np("example.invalid", "http://u:p@example.invalid/", "userinfo in URL")
np("example.invalid", "http://example.invalid:/", "empty port in URL")
np("example.invalid", "https://example.invalid:443/", "explicit default port")
np("other.invalid", "http://example.invalid/", "no match, no_proxy only", both=False)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node.jsonl")
with open(out, "w", encoding="utf-8", newline="\n") as f:
    for c in cases:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
print("%d cases -> %s" % (len(cases), out))
