#!/usr/bin/env python3
"""Generate the flavor-specific case files wget.jsonl, ruby.jsonl and java.jsonl.

Run:  python3 tests/conformance/cases/generate_flavors.py
Deterministic (same bytes every run). Same format as core.jsonl, plus:
  ruby.jsonl  "resolve": {"name": "ip" | ["ip", ...]}  -- the /etc/hosts of the case
              (names are .invalid or localhost, addresses loopback only)
  java.jsonl  "properties": {"name": "value"}          -- JVM system properties; env is {}
Safety: every proxy and target host is a .invalid name, localhost or a loopback address,
except URL hosts that are non-loopback IP literals, which recorders never run.
"""
import json
import os
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
HP = "http://127.0.0.1:3002"   # http_proxy
SP = "http://127.0.0.1:3004"   # https_proxy


def writer(name):
    cases = []
    counters = {}

    def add(prefix, env, url, note, **extra):
        counters[prefix] = counters.get(prefix, 0) + 1
        c = OrderedDict([("id", "%s%02d" % (prefix, counters[prefix])), ("env", OrderedDict(env)), ("url", url)])
        for k, v in extra.items():
            c[k] = v
        c["note"] = note
        cases.append(c)

    def save():
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
            for c in cases:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")
        print("wrote %d cases to %s" % (len(cases), name))

    return add, save


def wget():
    add, save = writer("wget.jsonl")
    env = lambda np, **kw: OrderedDict([("http_proxy", HP), ("https_proxy", SP), ("no_proxy", np)], **kw)
    # Entries and matching (sufmatch).
    for np, host, note in [
        ("example.invalid", "example.invalid", "exact name"),
        ("example.invalid", "sub.example.invalid", "name covers subdomains"),
        ("example.invalid", "notexample.invalid", "label boundary"),
        (".example.invalid", "example.invalid", "leading dot: not the apex"),
        (".example.invalid", "sub.example.invalid", "leading dot: subdomain"),
        ("*", "example.invalid", "lone * is literal"),
        ("*.example.invalid", "sub.example.invalid", "*.x is literal"),
        ("invalid", "example.invalid", "TLD entry"),
        ("ample.invalid", "example.invalid", "no partial label"),
        ("EXAMPLE.INVALID", "example.invalid", "entry case-insensitive"),
        ("example.invalid", "EXAMPLE.invalid", "host case-insensitive"),
        ("example.invalid.", "example.invalid", "trailing dot on entry"),
        ("example.invalid", "example.invalid.", "trailing dot on host"),
        (" example.invalid", "example.invalid", "leading space kept in first entry"),
        ("foo.invalid , example.invalid", "example.invalid", "space after comma skipped"),
        ("example.invalid ,foo.invalid", "example.invalid", "space before comma kept"),
        ("foo.invalid,\texample.invalid", "example.invalid", "tab after comma skipped"),
        ("foo.invalid example.invalid", "example.invalid", "space does not separate"),
        ("foo.invalid,,example.invalid", "example.invalid", "empty entry kept"),
        ("foo.invalid,", "example.invalid.", "empty entry matches a host ending in a dot"),
        ("example.invalid:8080", "example.invalid:8080", "port in entry never matches"),
        ("example.invalid:80", "example.invalid", "port 80 in entry never matches"),
        ("127.0.0.0/8", "127.0.0.1:8080", "no CIDR"),
        ("0.0.1", "127.0.0.1:8080", "IP suffix string match"),
        (".0.0.1", "127.0.0.1:8080", "IP suffix with dot"),
        ("127.0.0.1", "127.0.0.1:8080", "IP exact"),
        ("::1", "[::1]:8080", "bare IPv6 entry"),
        ("[::1]", "[::1]:8080", "bracketed IPv6 entry"),
        ("localhost", "localhost:8080", "localhost listed"),
        ("foo.invalid", "localhost:8080", "localhost not special"),
        (".", "example.invalid", "lone dot"),
        ("xn--bcher-kva.invalid", "bücher.invalid", "punycode entry, IDN host"),
        ("bücher.invalid", "bücher.invalid", "unicode entry, IDN host"),
    ]:
        add("W", env(np), "http://%s/" % host, "no_proxy=%r host %s: %s" % (np, host, note))
    # Variables.
    add("W", OrderedDict([("NO_PROXY", "example.invalid"), ("http_proxy", HP)]), "http://example.invalid/",
        "NO_PROXY (upper) never read")
    add("W", OrderedDict([("HTTP_PROXY", "http://127.0.0.1:3001")]), "http://example.invalid/", "HTTP_PROXY never read")
    add("W", OrderedDict([("HTTPS_PROXY", "http://127.0.0.1:3003")]), "https://example.invalid/",
        "HTTPS_PROXY never read")
    add("W", OrderedDict([("all_proxy", "http://127.0.0.1:3006")]), "http://example.invalid/", "all_proxy never read")
    add("W", OrderedDict([("http_proxy", ""), ("HTTP_PROXY", "http://127.0.0.1:3001")]), "http://example.invalid/",
        "empty http_proxy")
    add("W", OrderedDict([("ftp_proxy", "http://127.0.0.1:3007")]), "ftp://example.invalid/", "ftp_proxy")
    add("W", OrderedDict([("ftps_proxy", "http://127.0.0.1:3017")]), "ftps://example.invalid/", "ftps_proxy")
    add("W", OrderedDict([("ftp_proxy", "http://127.0.0.1:3007")]), "ftps://example.invalid/",
        "ftps does not read ftp_proxy")
    add("W", OrderedDict([("http_proxy", HP), ("REQUEST_METHOD", "GET")]), "http://example.invalid/", "no CGI rule")
    # Proxy values.
    for val, note in [
        ("127.0.0.1:3016", "host:port shorthand"),
        ("localhost:3030", "localhost:port shorthand"),
        ("proxy.invalid", "bare name shorthand"),
        ("proxy.invalid:abc", "host:path shorthand means ftp://"),
        ("https://127.0.0.1:3443", "https proxy for an http URL"),
        ("http://127.0.0.1", "default port 80"),
        ("socks5://127.0.0.1:3015", "socks5 unsupported"),
        ("ftp://127.0.0.1:3021", "ftp proxy for an http URL"),
        ("HTTP://127.0.0.1:3023", "upper-case scheme"),
        ("http://user:pass@127.0.0.1:3026", "credentials"),
        ("http://[::1]:3025", "IPv6 proxy"),
        ("http://127.0.0.1:99999", "port out of range"),
    ]:
        add("P", OrderedDict([("http_proxy", val)]), "http://example.invalid/", "http_proxy=%r: %s" % (val, note))
    for val, note in [
        ("https://127.0.0.1:3443", "https proxy for an https URL"),
        ("https://127.0.0.1", "https proxy default port 443"),
        ("127.0.0.1:3016", "shorthand for https URL"),
    ]:
        add("P", OrderedDict([("https_proxy", val)]), "https://example.invalid/", "https_proxy=%r: %s" % (val, note))
    add("P", OrderedDict([("ftp_proxy", "ftp://127.0.0.1:3021")]), "ftp://example.invalid/", "ftp proxy for ftp URL")
    save()


def ruby():
    add, save = writer("ruby.jsonl")
    base = lambda np=None, **kw: OrderedDict(
        [("http_proxy", HP), ("https_proxy", SP)] + ([("no_proxy", np)] if np is not None else []), **kw)
    # Resolution-dependent decisions (loopback shortcut and IP/CIDR entries use the resolved address).
    R = [
        ({"svc.invalid": "127.0.0.5"}, None, "svc.invalid", "name resolving to 127.x goes direct"),
        ({"svc.invalid": "::1"}, None, "svc.invalid", "name resolving to ::1 goes direct"),
        ({"svc.invalid": "::ffff:127.0.0.1"}, None, "svc.invalid", "mapped loopback is not ::1 or 127."),
        ({"svc.invalid": "::ffff:127.0.0.1"}, "127.0.0.0/8", "svc.invalid", "v4 CIDR vs mapped resolved address"),
        ({"svc.invalid": "::ffff:127.0.0.1"}, "::ffff:127.0.0.1", "svc.invalid", "mapped entry split at colons"),
        ({"svc.invalid": "::ffff:127.0.0.1"}, "0.0.0.0/0", "svc.invalid", "0.0.0.0/0 vs mapped resolved"),
        ({"other.invalid": "127.0.0.5"}, None, "svc.invalid", "a different name resolves, not this one"),
        ({"localhost": "127.0.0.1"}, None, "localhost", "localhost resolves: direct"),
        ({}, None, "localhost", "localhost does not resolve: proxied"),
        ({"localhost": "::1"}, None, "localhost:8080", "localhost to ::1"),
        ({"SVC.invalid": "127.0.0.5"}, None, "svc.invalid", "resolver table is case-insensitive"),
        ({"svc.invalid": "127.0.0.5"}, None, "SVC.INVALID", "upper-case URL host resolves"),
        ({"svc.invalid.": "127.0.0.5"}, None, "svc.invalid.", "trailing dot host resolves"),
    ]
    for table, np, host, note in R:
        add("R", base(np), "http://%s/" % host, "resolve=%s no_proxy=%r: %s" % (json.dumps(table), np, note),
            resolve=OrderedDict(table))
    for table, np, host, note in R[:6]:
        add("R", base(np), "https://%s/" % host, "https: " + note, resolve=OrderedDict(table))
    # IP literals: getaddress returns the literal itself, no DNS needed (not run when non-loopback).
    for np, url, note in [
        ("127.0.0.0/8", "http://127.0.0.1:8080/", "loopback literal"),
        ("::1", "http://[::1]:8080/", "IPv6 loopback literal"),
        ("", "http://[::ffff:127.0.0.1]:8080/", "mapped loopback literal"),
        ("127.0.0.0/8", "http://[::ffff:127.0.0.1]:8080/", "mapped literal vs v4 CIDR"),
        ("10.0.0.0/8", "http://10.1.2.3/", "v4 CIDR vs literal"),
        ("0.0.0.0/0", "http://10.1.2.3/", "0.0.0.0/0"),
        ("10.1.2.3", "http://10.1.2.3/", "single IP"),
        ("2001:db8::/32", "http://[2001:db8::1]/", "IPv6 CIDR broken by colon split"),
    ]:
        add("I", base(np), url, "no_proxy=%r: %s" % (np, note))
    # Entry syntax.
    for np, host, note in [
        ("*", "example.invalid", "lone * ignored"),
        ("*.example.invalid", "sub.example.invalid", "*.x literal"),
        (".example.invalid", "example.invalid", ".x: not the apex (Ruby >= 2.6)"),
        (".example.invalid", "sub.example.invalid", ".x: subdomains"),
        ("example.invalid", "sub.example.invalid", "name covers subdomains"),
        ("example.invalid", "notexample.invalid", "label boundary"),
        ("example.invalid:80", "example.invalid", "port 80 = default port"),
        ("example.invalid:8080", "example.invalid", "port mismatch"),
        ("example.invalid:8080", "example.invalid:8080", "port match"),
        ("example.invalid:443", "example.invalid", "https port on http URL"),
        ("foo.invalid example.invalid", "example.invalid", "space separates"),
        ("foo.invalid\texample.invalid", "example.invalid", "tab separates"),
        ("foo.invalid:example.invalid", "example.invalid", "colon without digits separates"),
        ("foo.invalid:12x,example.invalid", "example.invalid", "port followed by garbage"),
        ("EXAMPLE.invalid", "example.invalid", "entry case"),
        ("example.invalid.", "example.invalid", "trailing dot entry"),
        ("", "example.invalid", "empty no_proxy"),
    ]:
        add("N", base(np), "http://%s/" % host, "no_proxy=%r host %s: %s" % (np, host, note))
    add("N", base("example.invalid:443"), "https://example.invalid/", "https default port 443 matches")
    add("N", base("example.invalid:80"), "https://example.invalid/", "https: port 80 entry")
    # Variables (Net::HTTP always looks up http_proxy, even for https).
    V = [
        (OrderedDict([("HTTP_PROXY", "http://127.0.0.1:3001")]), "http", "HTTP_PROXY fallback"),
        (OrderedDict([("http_proxy", ""), ("HTTP_PROXY", "http://127.0.0.1:3001")]), "http", "empty http_proxy masks"),
        (OrderedDict([("https_proxy", SP)]), "https", "https_proxy ignored by Net::HTTP"),
        (OrderedDict([("http_proxy", HP)]), "https", "http_proxy used for https"),
        (OrderedDict([("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "http://127.0.0.1:3001")]), "http", "CGI: upper only"),
        (OrderedDict([("REQUEST_METHOD", "GET"), ("http_proxy", HP)]), "http", "CGI: lower only"),
        (OrderedDict([("REQUEST_METHOD", "GET"), ("http_proxy", HP), ("HTTP_PROXY", "http://127.0.0.1:3001")]), "http",
         "CGI: both"),
        (OrderedDict([("REQUEST_METHOD", "GET"), ("CGI_HTTP_PROXY", "http://127.0.0.1:3018")]), "http",
         "CGI_HTTP_PROXY"),
        (OrderedDict([("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "http://127.0.0.1:3001"),
                      ("CGI_HTTP_PROXY", "http://127.0.0.1:3018")]), "http", "CGI: upper refused, CGI_HTTP_PROXY"),
        (OrderedDict([("REQUEST_METHOD", ""), ("HTTP_PROXY", "http://127.0.0.1:3001")]), "http", "CGI: empty method"),
        (OrderedDict([("CGI_HTTP_PROXY", "http://127.0.0.1:3018")]), "http", "CGI_HTTP_PROXY outside CGI"),
        (OrderedDict([("REQUEST_METHOD", "GET"), ("Http_Proxy", "http://127.0.0.1:3019")]), "http",
         "CGI: mixed-case only"),
        (OrderedDict([("REQUEST_METHOD", "GET"), ("http_proxy", HP), ("Http_Proxy", "http://127.0.0.1:3019")]), "http",
         "CGI: lower + mixed"),
        (OrderedDict([("http_proxy", HP), ("no_proxy", ""), ("NO_PROXY", "example.invalid")]), "http",
         "empty no_proxy masks NO_PROXY"),
        (OrderedDict([("http_proxy", HP), ("NO_PROXY", "example.invalid")]), "http", "NO_PROXY"),
    ]
    for env, scheme, note in V:
        add("V", env, "%s://example.invalid/" % scheme, note)
    for val, note in [
        ("socks5://127.0.0.1:3015", "socks5 used as HTTP proxy"),
        ("https://127.0.0.1:3443", "https proxy"),
        ("https://127.0.0.1", "https proxy default port"),
        ("http://127.0.0.1", "http default port"),
        ("127.0.0.1:3016", "scheme-less IP:port"),
        ("localhost:3030", "scheme-less name:port"),
        ("http://user:pass@127.0.0.1:3026", "credentials"),
        ("http://[::1]:3025", "IPv6 proxy"),
        ("HTTP://127.0.0.1:3023", "upper-case scheme"),
        (" http://127.0.0.1:3024", "leading space"),
    ]:
        add("P", OrderedDict([("http_proxy", val)]), "http://example.invalid/", "http_proxy=%r: %s" % (val, note))
    for url, note in [
        ("ftp://example.invalid/", "ftp URL through Net::HTTP"),
        ("ws://example.invalid/", "ws URL"),
        ("http://example.invalid:8080/", "port"),
        ("http://bücher.invalid/", "IDN rejected by URI"),
        ("http://ex_ample.invalid/", "underscore"),
        ("http://[::1%25lo]:8080/", "zone id"),
    ]:
        add("U", base(), url, note)
    save()


def java():
    add, save = writer("java.jsonl")
    P = lambda **kw: OrderedDict((k.replace("__", "."), v) for k, v in kw.items())
    H = OrderedDict([("http.proxyHost", "127.0.0.1"), ("http.proxyPort", "3002")])

    def hp(**kw):
        d = OrderedDict(H)
        d.update(P(**kw))
        return d

    # nonProxyHosts patterns.
    for nph, host, note in [
        (None, "example.invalid", "no nonProxyHosts: proxied"),
        (None, "localhost", "default: localhost direct"),
        (None, "127.0.0.1", "default: 127.*"),
        (None, "127.9.9.9", "default: 127.*"),
        (None, "[::1]", "default: [::1]"),
        (None, "[0:0:0:0:0:0:0:1]", "default: [::1] is text"),
        (None, "0.0.0.0", "default: 0.0.0.0"),
        (None, "[::0]", "default [::0]"),
        (None, "[::]", "[::] is not [::0]"),
        (None, "LOCALHOST", "upper-case host lowered"),
        (None, "localhost.", "trailing dot"),
        ("", "localhost", "empty property removes defaults"),
        ("foo.invalid", "localhost", "defaults appended"),
        ("example.invalid", "example.invalid", "exact"),
        ("example.invalid", "sub.example.invalid", "exact only: no subdomains"),
        ("*.example.invalid", "sub.example.invalid", "*.x"),
        ("*.example.invalid", "example.invalid", "*.x not the apex"),
        ("*example.invalid", "notexample.invalid", "*x: no label boundary"),
        (".example.invalid", "sub.example.invalid", ".x is literal"),
        ("*", "example.invalid", "lone *"),
        ("**", "example.invalid", "**"),
        ("*xampl*", "example.invalid", "*x*: contains"),
        ("exam*", "example.invalid", "x*: prefix"),
        ("a.*.invalid", "a.example.invalid", "* in the middle is literal"),
        ("a.*.invalid", "a.*.invalid", "* in the middle matches itself"),
        ("example.invalid|foo.invalid", "foo.invalid", "| separates"),
        ("example.invalid,foo.invalid", "foo.invalid", "comma is literal"),
        (" foo.invalid", "foo.invalid", "leading space kept"),
        ("foo.invalid ", "foo.invalid", "trailing space kept"),
        ("||foo.invalid||", "foo.invalid", "empty items skipped"),
        ("|", "localhost", "only separators: defaults appended"),
        ("EXAMPLE.INVALID", "example.invalid", "pattern lower-cased"),
        ("example.invalid", "EXAMPLE.invalid", "host lower-cased"),
        ("example.invalid", "example.invalid.", "trailing dot host"),
        ("example.invalid:8080", "example.invalid:8080", "port in pattern"),
        ("10.*", "10.1.2.3", "IP prefix"),
        ("10.0.0.0/8", "10.1.2.3", "no CIDR"),
        ("2001:db8::1", "[2001:db8::1]", "IPv6 without brackets"),
        ("[2001:db8::1]", "[2001:db8::1]", "IPv6 with brackets"),
        ("*db8::1]", "[2001:db8::1]", "IPv6 suffix wildcard"),
        ("ex.mple.invalid", "example.invalid", "dot is quoted"),
        ("xn--bcher-kva.invalid", "xn--bcher-kva.invalid", "punycode"),
        ("xn--bcher-kva.invalid", "bücher.invalid", "punycode vs unicode host"),
        ("bücher.invalid", "bücher.invalid", "unicode entry, unicode host"),
        ("ex_ample.invalid", "ex_ample.invalid", "underscore host (registry authority)"),
        ("(.*)", "example.invalid", "regex metacharacters quoted"),
    ]:
        props = OrderedDict(H)
        if nph is not None:
            props["http.nonProxyHosts"] = nph
        add("N", {}, "http://%s/" % host, "http.nonProxyHosts=%r host %s: %s" % (nph, host, note), properties=props)
    # https uses http.nonProxyHosts.
    SH = OrderedDict([("https.proxyHost", "127.0.0.1"), ("https.proxyPort", "3004")])
    for nph, host, note in [
        (None, "example.invalid", "https proxied"),
        (None, "localhost", "https default localhost"),
        ("*.example.invalid", "sub.example.invalid", "http.nonProxyHosts applies to https"),
    ]:
        props = OrderedDict(SH)
        if nph is not None:
            props["http.nonProxyHosts"] = nph
        add("S", {}, "https://%s/" % host, "https, nonProxyHosts=%r: %s" % (nph, note), properties=props)
    add("S", {}, "https://sub.example.invalid/", "https.nonProxyHosts does not exist",
        properties=OrderedDict(list(SH.items()) + [("https.nonProxyHosts", "*.example.invalid")]))
    # Host and port properties.
    for props, url, note in [
        (P(http__proxyHost="127.0.0.1"), "http://example.invalid/", "no port: 80"),
        (P(https__proxyHost="127.0.0.1"), "https://example.invalid/", "https no port: 443"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="3002"), "https://example.invalid/", "http.* not for https"),
        (P(https__proxyHost="127.0.0.1", https__proxyPort="3004"), "http://example.invalid/", "https.* not for http"),
        (P(proxyHost="127.0.0.1", proxyPort="3040"), "http://example.invalid/", "generic proxyHost"),
        (P(proxyHost="127.0.0.1", proxyPort="3040"), "https://example.invalid/", "generic proxyHost https"),
        (P(proxyHost="127.0.0.1", http__proxyPort="3002"), "http://example.invalid/", "proxyHost + http.proxyPort"),
        (P(http__proxyHost="127.0.0.1", proxyPort="3040"), "http://example.invalid/", "http.proxyHost + proxyPort"),
        (P(http__proxyHost="127.0.0.1", proxyPort="3040", http__proxyPort="3002"), "http://example.invalid/",
         "own port first"),
        (P(http__proxyHost="", proxyHost="127.0.0.1", proxyPort="3040"), "http://example.invalid/",
         "empty http.proxyHost skipped"),
        (P(http__proxyHost="127.0.0.2", proxyHost="127.0.0.1"), "http://example.invalid/", "http.proxyHost first"),
        (P(socksProxyHost="127.0.0.1", socksProxyPort="3020"), "http://example.invalid/", "socks for http"),
        (P(socksProxyHost="127.0.0.1"), "http://example.invalid/", "socks default port 1080"),
        (P(socksProxyHost="127.0.0.1", http__proxyPort="3002"), "http://example.invalid/", "socks ignores http port"),
        (P(socksProxyHost="127.0.0.1", socksProxyPort="3020", http__proxyHost="127.0.0.2"), "http://example.invalid/",
         "http before socks"),
        (P(socksProxyHost="127.0.0.1", socksProxyPort="3020"), "https://example.invalid/", "socks for https"),
        (P(socksProxyHost="127.0.0.1", socksProxyPort="3020"), "socket://example.invalid:25/", "socket URI"),
        (P(socksProxyHost="127.0.0.1", socksProxyPort="3020", socksNonProxyHosts="example.invalid"),
         "socket://example.invalid:25/", "socksNonProxyHosts"),
        (P(socksProxyHost="127.0.0.1", socksProxyPort="3020", socksNonProxyHosts="example.invalid"),
         "http://example.invalid/", "socksNonProxyHosts not for http"),
        (P(socksProxyHost="127.0.0.1", socksProxyPort="3020"), "socket://localhost:25/", "socks default non-proxy"),
        (P(ftp__proxyHost="127.0.0.1", ftp__proxyPort="3007"), "ftp://example.invalid/", "ftp"),
        (P(ftpProxyHost="127.0.0.1", ftpProxyPort="3008"), "ftp://example.invalid/", "ftpProxyHost"),
        (P(ftp__proxyHost="127.0.0.1"), "ftp://example.invalid/", "ftp default port 80"),
        (P(ftp__proxyHost="127.0.0.1", ftp__proxyPort="3007", ftp__nonProxyHosts="example.invalid"),
         "ftp://example.invalid/", "ftp.nonProxyHosts"),
        (P(ftp__proxyHost="127.0.0.1", ftp__proxyPort="3007", http__nonProxyHosts="example.invalid"),
         "ftp://example.invalid/", "http.nonProxyHosts not for ftp"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="0x0BBA"), "http://example.invalid/", "hex port"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="#BBA"), "http://example.invalid/", "# hex port"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="05702"), "http://example.invalid/", "octal port"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="+3002"), "http://example.invalid/", "plus sign"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="abc"), "http://example.invalid/", "bad port: default"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort=" 3002"), "http://example.invalid/", "space in port"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="0"), "http://example.invalid/", "port 0: default"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="-1"), "http://example.invalid/", "negative port"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="70000"), "http://example.invalid/", "port too large"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="65535"), "http://example.invalid/", "port 65535"),
        (P(http__proxyHost="localhost", http__proxyPort="3030"), "http://example.invalid/", "name proxy"),
        (P(http__proxyHost="proxy.invalid", http__proxyPort="3128"), "http://example.invalid/", "invalid name"),
        (P(http__proxyHost="::1", http__proxyPort="3025"), "http://example.invalid/", "IPv6 proxy host"),
        (P(http__proxyHost="[::1]", http__proxyPort="3025"), "http://example.invalid/", "bracketed IPv6 host"),
        (P(http__proxyHost="http://127.0.0.1:3002"), "http://example.invalid/", "URL as host kept"),
        (P(http__proxyHost=" 127.0.0.1", http__proxyPort="3002"), "http://example.invalid/", "space kept"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="3002"), "ws://example.invalid/", "ws: no row"),
        (P(http__proxyHost="127.0.0.1", http__proxyPort="3002"), "HTTP://example.invalid/", "upper-case scheme"),
        (P(proxyHost="127.0.0.1", proxyPort="3040"), "socket://example.invalid:25/", "socket ignores proxyHost"),
    ]:
        add("H", {}, url, note, properties=props)
    # Java ignores the environment entirely.
    add("E", OrderedDict([("http_proxy", HP), ("HTTP_PROXY", "http://127.0.0.1:3001")]), "http://example.invalid/",
        "environment ignored", properties=OrderedDict())
    add("E", OrderedDict([("no_proxy", "example.invalid")]), "http://example.invalid/", "no_proxy ignored",
        properties=OrderedDict(H))
    # URLs.
    for url, note in [
        ("http://user@example.invalid/", "userinfo"),
        ("http://example.invalid:8080/", "port"),
        ("http://example.invalid:/", "empty port"),
        ("http://[::1]:8080/", "IPv6 default non-proxy"),
        ("http://127.1/", "127.1"),
        ("http://ex_ample.invalid/", "underscore"),
        ("http://bücher.invalid/", "non-ASCII host"),
        ("http://exa mple.invalid/", "space"),
        ("http://%zz/", "bad escape"),
        ("http:///path", "no host"),
        ("mailto:a@example.invalid", "opaque"),
        ("example.invalid", "no scheme"),
        ("http://[::1/", "unterminated bracket"),
        ("http://:8080/", "empty host with port"),
        ("http://example.invalid/a b", "space in path"),
        ("http://example.invalid/?q=<x>", "angle brackets in query"),
        ("http://example.invalid/#a#b", "two hashes"),
        ("http://ex%41mple.invalid/", "escape in host"),
        ("http://a@b@example.invalid/", "two @"),
        ("http://[fe80::1%25eth0]/", "zone id"),
    ]:
        add("U", {}, url, note, properties=OrderedDict(H))
    for url, note in [
        ("http://localhost:8080/", "localhost with port"),
        ("http://user@localhost/", "localhost with userinfo"),
        ("http://127.1/", "127.1 is not 127.* text? it is"),
        ("http://[::1%25lo]/", "zone id ::1"),
    ]:
        add("U", {}, url, note + " (nonProxyHosts=example.invalid)",
            properties=hp(http__nonProxyHosts="example.invalid"))
    save()


if __name__ == "__main__":
    wget()
    ruby()
    java()
