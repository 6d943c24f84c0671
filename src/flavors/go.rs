//! Go — `net/http.ProxyFromEnvironment`, i.e. `golang.org/x/net/http/httpproxy` (Go ≥ 1.11)
//! and the in-tree `useProxy` of `net/http/transport.go` (Go ≤ 1.10).
//!
//! Sources: golang/net `http/httpproxy/proxy.go` (`FromEnvironment`, `getEnvAny`,
//! `config.init`, `proxyForURL`, `useProxy`, `parseProxy`, `canonicalAddr`); golang/go
//! `src/net/http/transport.go` @ go1.10 (`ProxyFromEnvironment`, `useProxy`, `hasPort`) and
//! `portMap`. Rules: spec.md § Go, `R-GO-*`. Vectors: tests/conformance/recorded/go@1.19.jsonl.

use std::net::IpAddr;

use super::go_url::{self, GoUrl};
use super::matching::{contains_canonical, idna_ascii, is_subdomain_of, Eval};
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{split_spans, split_spans_on, Entry, EntryKind, NoProxyDiagnostic, ParsedNoProxy};
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Go,
    name: "go",
    summary: "Go net/http.ProxyFromEnvironment (golang.org/x/net/http/httpproxy); also what Docker uses",
    earliest: "1.10",
    latest: "1.24.1",
    versions: &["1.10", "1.11", "1.16", "1.19", "1.23", "1.23.7", "1.24.1"],
};

/// How Go reads NO_PROXY.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum GoNoProxy {
    /// Go ≤ 1.10 `useProxy`: `*` only as the whole value, ports stripped and ignored,
    /// `.x` also matches `x`, string comparison only (R-GO-NP-5, R-GO-ENTRY-7, R-GO-MATCH-8).
    Legacy,
    /// Go ≥ 1.11 `httpproxy`: `*` anywhere, CIDR, IPs, `host:port`, `*.x`/`.x` = subdomains
    /// only (R-GO-NP-1 … 4, R-GO-ENTRY-1 … 6).
    Httpproxy,
}

/// The knobs that changed over Go's history. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GoRules {
    /// R-GO-NP-1, R-GO-NP-5, R-GO-ENTRY-7.
    pub no_proxy: GoNoProxy,
    /// R-GO-VAR-3a/3b: `https` URLs fall back to HTTP_PROXY and every non-https scheme uses it (≤ 1.15).
    pub https_falls_back_to_http_proxy: bool,
    /// R-GO-ENTRY-5: non-ASCII NO_PROXY entries are converted to punycode (≥ 1.19).
    pub idn_entries: bool,
    /// R-GO-PV-1/PV-2: any proxy scheme with a host is kept (x/net 8c07e20f); before, only
    /// http/https/socks5 were kept and anything else got `http://` prepended.
    pub any_proxy_scheme: bool,
    /// R-GO-MATCH-2: an IP host (zone IDs allowed) is only checked against IP/CIDR entries
    /// (CVE-2025-22870 fix, Go 1.23.7 / 1.24.1).
    pub ip_hosts_skip_domain_entries: bool,
    /// R-GO-PV-3/PV-4: an unparsable proxy value fails each request (≤ 1.10) instead of being ignored.
    pub invalid_proxy_fails: bool,
    /// R-GO-PV-6: `socks5h` has default port 1080 in `net/http`'s `portMap`.
    pub socks5h_default_port: bool,
}

const BASE: GoRules = GoRules {
    no_proxy: GoNoProxy::Legacy,
    https_falls_back_to_http_proxy: true,
    idn_entries: false,
    any_proxy_scheme: false,
    ip_hosts_skip_domain_entries: false,
    invalid_proxy_fails: true,
    socks5h_default_port: false,
};

/// Go's behaviour changes, oldest first.
pub const CHANGES: &[Change<GoRules>] = &[
    Change {
        since: &["1.11"],
        spec: "R-GO-NP-1",
        summary: "x/net httpproxy: CIDR, IP and host:port entries, `*` anywhere, `.x`/`*.x` = subdomains only; bad proxy values ignored",
        upstream: "golang/net c21de06a (golang/go#16704)",
        apply: |r| {
            r.no_proxy = GoNoProxy::Httpproxy;
            r.invalid_proxy_fails = false;
        },
    },
    Change {
        since: &["1.16"],
        spec: "R-GO-VAR-3",
        summary: "https URLs use only HTTPS_PROXY; schemes other than http/https are never proxied",
        upstream: "golang/net 7b1cca23 (golang/go#40909)",
        apply: |r| r.https_falls_back_to_http_proxy = false,
    },
    Change {
        since: &["1.19"],
        spec: "R-GO-ENTRY-5",
        summary: "non-ASCII NO_PROXY entries converted to punycode",
        upstream: "golang/net de3da570",
        apply: |r| r.idn_entries = true,
    },
    Change {
        since: &["1.23"],
        spec: "R-GO-PV-1",
        summary: "any proxy scheme with a host is kept as written (socks5h://, …)",
        upstream: "golang/net 8c07e20f (golang/go#24135)",
        apply: |r| {
            r.any_proxy_scheme = true;
            r.socks5h_default_port = true;
        },
    },
    Change {
        since: &["1.23.7", "1.24.1"],
        spec: "R-GO-MATCH-2",
        summary: "IP hosts (incl. IPv6 zone IDs) never match domain entries (CVE-2025-22870)",
        upstream: "golang/net cde1dda9 (golang/go#71984)",
        apply: |r| r.ip_hosts_skip_domain_entries = true,
    },
];

/// The rules of Go release `at`.
pub fn rules_for(at: Version) -> GoRules {
    super::rules_at(&BASE, CHANGES, at)
}

/// `getEnvAny`: the first of `names` that is set and non-empty (R-GO-VAR-1, R-GO-VAR-2).
fn env_any<'e>(env: &'e ProxyEnv, names: &[&str], notes: &mut Vec<VarNote>) -> Option<(String, &'e str)> {
    let mut found = None;
    for &n in names {
        let status = match (env.get(n), &found) {
            (None, _) => VarStatus::Unset,
            (Some(""), _) => VarStatus::EmptyIgnored,
            (Some(_), Some(_)) => VarStatus::Shadowed,
            (Some(v), None) => {
                found = Some((n.to_owned(), v));
                VarStatus::Used
            }
        };
        notes.push(VarNote::new(n, status, env.get(n)));
    }
    found
}

/// Go `parseProxy` (R-GO-PV-1, R-GO-PV-2): the URL Go will use, or why not.
fn parse_proxy(r: &GoRules, value: &str) -> Result<GoUrl, String> {
    let first = go_url::parse(value);
    let retry = match &first {
        Err(_) => true,
        Ok(u) if r.any_proxy_scheme => u.scheme.is_empty() || u.host.is_empty(),
        Ok(u) => !matches!(u.scheme.as_str(), "http" | "https" | "socks5"),
    };
    if retry {
        if let Ok(u) = go_url::parse(&format!("http://{value}")) {
            return Ok(u);
        }
    }
    first
}

/// `portMap` of `net/http` (R-GO-PV-6).
fn default_port(r: &GoRules, scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        "socks5" => Some(1080),
        "socks5h" if r.socks5h_default_port => Some(1080),
        _ => None,
    }
}

fn proxy_url(r: &GoRules, u: &GoUrl) -> ProxyUrl {
    let port = match u.port() {
        "" => default_port(r, &u.scheme),
        p => p.parse().ok(),
    };
    ProxyUrl::new(&u.scheme, u.user.clone(), u.hostname(), port)
}

/// A proxy variable as Go holds it after `init`.
#[derive(Clone, Debug)]
struct ProxyVar {
    variable: String,
    parsed: Result<ProxyUrl, String>,
    notes: Vec<VarNote>,
}

fn read_proxy(r: &GoRules, env: &ProxyEnv, names: &[&str]) -> ProxyVar {
    let mut notes = Vec::new();
    let Some((variable, value)) = env_any(env, names, &mut notes) else {
        return ProxyVar { variable: String::new(), parsed: Err("unset".into()), notes };
    };
    let parsed = parse_proxy(r, value).map(|u| proxy_url(r, &u));
    if parsed.is_err() && !r.invalid_proxy_fails {
        if let Some(n) = notes.iter_mut().find(|n| n.name == variable) {
            n.status = VarStatus::InvalidIgnored;
        }
    }
    ProxyVar { variable, parsed, notes }
}

/// The environment parsed the way Go's `FromEnvironment` + `config.init` do.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: GoRules,
    http: ProxyVar,
    https: ProxyVar,
    cgi: Option<String>,
    no_proxy: Option<std::sync::Arc<NoProxyReport>>,
    /// The compiled NO_PROXY; `None` only if it was too large to index.
    matcher: Option<std::sync::Arc<Matcher>>,
}

impl Prepared {
    pub(crate) fn new(r: &GoRules, env: &ProxyEnv) -> Self {
        let http = read_proxy(r, env, &["HTTP_PROXY", "http_proxy"]);
        let https = read_proxy(r, env, &["HTTPS_PROXY", "https_proxy"]);
        // Go's explanation lists no NO_PROXY variables: the value alone is kept, in the report.
        let no_proxy = ["NO_PROXY", "no_proxy"]
            .iter()
            .find_map(|&n| env.get(n).filter(|v| !v.is_empty()).map(|v| (n.to_owned(), v)));
        let no_proxy = no_proxy.map(|(variable, value)| {
            let parsed = match r.no_proxy {
                GoNoProxy::Legacy => parse_legacy(value),
                GoNoProxy::Httpproxy => parse_httpproxy(r, value),
            };
            NoProxyReport {
                variable,
                value: value.to_owned(),
                entries: parsed.entries,
                diagnostics: parsed.diagnostics,
            }
        });
        let cgi = env.get("REQUEST_METHOD").filter(|v| !v.is_empty()).map(str::to_owned);
        let matcher = no_proxy.as_ref().and_then(|np| compile(r, &np.entries)).map(std::sync::Arc::new);
        Prepared { rules: r.clone(), http, https, cgi, no_proxy: no_proxy.map(std::sync::Arc::new), matcher }
    }

    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let r = &self.rules;
        let mut ex = Explanation::new();
        let url = match go_url::parse(target.as_str()) {
            Ok(u) => u,
            Err(message) => {
                ex.rule = Rule::InvalidUrl;
                // Go's message quotes parts of the URL; withhold it when credentials may be in it.
                let message = if target.as_str().contains('@') {
                    "Go's url.Parse rejects the URL (details withheld: the URL may contain credentials)".to_owned()
                } else {
                    message
                };
                return (Outcome::Error { error: DecisionError::InvalidUrl { message } }, ex);
            }
        };
        // R-GO-VAR-3/3a/3b: which proxy applies to this scheme.
        let https_missing = match r.no_proxy {
            // Go ≤ 1.10 looks at the string (R-GO-VAR-3b), 1.11–1.15 at the parsed value (R-GO-VAR-3a).
            GoNoProxy::Legacy => self.https.variable.is_empty(),
            GoNoProxy::Httpproxy => self.https.parsed.is_err(),
        };
        let fallback = r.https_falls_back_to_http_proxy;
        let chosen: Option<&ProxyVar> = match url.scheme.as_str() {
            "https" if fallback && https_missing => {
                ex.variables.extend(self.https.notes.iter().cloned());
                Some(&self.http)
            }
            "https" => Some(&self.https),
            "http" => Some(&self.http),
            _ if fallback => Some(&self.http),
            _ => None,
        };
        let Some(chosen) = chosen else {
            ex.rule = Rule::SchemeNotProxied;
            ex.notes.push(format!("Go proxies only http and https URLs, not {:?}", url.scheme));
            return (Outcome::Direct, ex);
        };
        ex.variables.extend(chosen.notes.iter().cloned());
        if chosen.variable.is_empty() {
            ex.rule = Rule::NoProxyVariable;
            return (Outcome::Direct, ex);
        }
        let via_http = std::ptr::eq(chosen, &self.http);
        // Modern Go drops an unparsable value at init: as if unset (R-GO-PV-4).
        if chosen.parsed.is_err() && !r.invalid_proxy_fails {
            ex.rule = Rule::InvalidProxyIgnored;
            ex.notes.push(format!("Go cannot parse {} and ignores it", chosen.variable));
            return (Outcome::Direct, ex);
        }
        // R-GO-VAR-4, R-GO-SPEC-2: the refusal comes before NO_PROXY and before the localhost rule.
        if via_http && self.cgi.is_some() {
            ex.rule = Rule::Cgi;
            ex.notes.push("REQUEST_METHOD is set: Go refuses HTTP_PROXY (httpoxy)".into());
            return (Outcome::Error { error: DecisionError::CgiRefused { variable: chosen.variable.clone() } }, ex);
        }
        ex.no_proxy = self.no_proxy.clone();
        let (bypass, rule, matched, view) = self.use_proxy(&url, eval);
        ex.host = view;
        ex.matched = matched;
        if bypass {
            ex.rule = rule;
            return (Outcome::Direct, ex);
        }
        match &chosen.parsed {
            Ok(p) => {
                ex.rule = Rule::ProxyVariable;
                (Outcome::Proxy { proxy: p.clone(), variable: chosen.variable.clone() }, ex)
            }
            Err(message) => {
                ex.rule = Rule::InvalidProxy;
                let error = DecisionError::InvalidProxy { variable: chosen.variable.clone(), message: message.clone() };
                (Outcome::Error { error }, ex)
            }
        }
    }

    /// `useProxy(canonicalAddr(url))`, inverted: `(bypass, rule, matched entry, host view)`.
    fn use_proxy(&self, url: &GoUrl, eval: Eval) -> (bool, Rule, Option<usize>, Option<HostView>) {
        let r = &self.rules;
        // canonicalAddr (R-GO-MATCH-1): Hostname, IDNA to ASCII, port or scheme default.
        let raw_host = url.hostname();
        let host = idna_ascii(raw_host).unwrap_or_else(|_| raw_host.to_owned());
        let port_s = match url.port() {
            "" => match url.scheme.as_str() {
                "http" => "80",
                "https" => "443",
                "socks5" => "1080",
                _ => "",
            },
            p => p,
        };
        let port_num = port_s.parse().ok();
        // net.SplitHostPort(net.JoinHostPort(host, port)) fails on brackets in a bare host.
        if !host.contains(':') && host.contains(['[', ']']) {
            let view = HostView { host: host.clone(), ip: None, port: port_num };
            return (true, Rule::InvalidUrl, None, Some(view));
        }
        if host == "localhost" {
            return (true, Rule::Localhost, None, Some(HostView { host, ip: None, port: port_num }));
        }
        let ip = if r.ip_hosts_skip_domain_entries {
            // netip.ParseAddr: IPv6 zone IDs accepted.
            match host.split_once('%') {
                Some((a, _)) => a.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6),
                None => host.parse::<IpAddr>().ok(),
            }
        } else {
            host.parse::<IpAddr>().ok()
        };
        let lower = host.trim().to_lowercase();
        let view = HostView { host: lower.clone(), ip, port: port_num };
        if ip.is_some_and(|ip| ip.to_canonical().is_loopback()) {
            return (true, Rule::Loopback, None, Some(view));
        }
        let Some(np) = &self.no_proxy else {
            return (false, Rule::ProxyVariable, None, Some(view));
        };
        let compiled = self.matcher.as_deref().filter(|_| eval == Eval::Compiled);
        let found = match (r.no_proxy, compiled) {
            (GoNoProxy::Legacy, Some(m)) => {
                let joined = if host.contains(':') { format!("[{lower}]") } else { lower.clone() };
                m.match_name(&joined, None)
            }
            (GoNoProxy::Httpproxy, Some(m)) => {
                let by_ip = ip.and_then(|ip| m.match_ip(ip.to_canonical(), Some(port_s)));
                if by_ip.is_some() || (ip.is_some() && r.ip_hosts_skip_domain_entries) {
                    by_ip
                } else {
                    m.match_name(&lower, Some(port_s))
                }
            }
            (GoNoProxy::Legacy, None) => {
                // hasPort strips the port from "host:port" (brackets kept for IPv6).
                let joined = if host.contains(':') { format!("[{lower}]") } else { lower.clone() };
                np.entries.iter().position(|e| match &e.kind {
                    EntryKind::All => true,
                    EntryKind::Domain { name, apex, subdomains } => {
                        (*apex && joined == *name) || (*subdomains && is_subdomain_of(&joined, name))
                    }
                    _ => false,
                })
            }
            (GoNoProxy::Httpproxy, None) => {
                let port_ok = |e: &Entry| e.port.as_deref().is_none_or(|p| p == port_s);
                let by_ip = ip.and_then(|ip| {
                    np.entries.iter().position(|e| match &e.kind {
                        EntryKind::All => true,
                        EntryKind::Ip { addr } => addr.to_canonical() == ip.to_canonical() && port_ok(e),
                        EntryKind::Cidr { net } => contains_canonical(net.addr(), net.prefix_len(), ip),
                        _ => false,
                    })
                });
                if by_ip.is_some() || (ip.is_some() && r.ip_hosts_skip_domain_entries) {
                    by_ip
                } else {
                    np.entries.iter().position(|e| match &e.kind {
                        EntryKind::All => true,
                        EntryKind::Domain { name, apex, subdomains } => {
                            ((*subdomains && is_subdomain_of(&lower, name)) || (*apex && lower == *name)) && port_ok(e)
                        }
                        _ => false,
                    })
                }
            }
        };
        match found {
            Some(i) if np.entries[i].kind == EntryKind::All => (true, Rule::NoProxyAll, Some(i), Some(view)),
            Some(i) => (true, Rule::NoProxyMatch, Some(i), Some(view)),
            None => (false, Rule::ProxyVariable, None, Some(view)),
        }
    }
}

/// Index the parsed entries (what each means is already decided by the parser): the same
/// first-match answers as the reference scans in `use_proxy`.
fn compile(r: &GoRules, entries: &[Entry]) -> Option<Matcher> {
    // Go lower-cases both sides with `strings.ToLower` itself: names compare byte for byte.
    let mut b = MatcherBuilder::new(Case::Sensitive);
    let names = entries.iter().filter_map(|e| match &e.kind {
        EntryKind::Domain { name, .. } => Some(name.len()),
        _ => None,
    });
    let (count, bytes) = names.fold((0, 0), |(n, b), len| (n + 1, b + len));
    b.reserve(count, bytes);
    let modern = r.no_proxy == GoNoProxy::Httpproxy;
    for (i, e) in entries.iter().enumerate() {
        let port = if modern { e.port.as_deref() } else { None };
        match &e.kind {
            EntryKind::All => b.all(i),
            EntryKind::Domain { name, apex, subdomains } => b.name(i, name, *apex, *subdomains, port),
            // R-GO-MATCH-4: addresses compare in their canonical family (IPv4-mapped = IPv4).
            EntryKind::Ip { addr } if modern => b.ip(i, addr.to_canonical(), port),
            EntryKind::Cidr { net } if modern => match net.addr().to_canonical() {
                // `net.IPNet.Contains` on a mapped network counts the prefix from bit 96.
                IpAddr::V4(a) if net.addr().is_ipv6() => {
                    b.cidr(i, IpAddr::V4(a), net.prefix_len().saturating_sub(96), None)
                }
                a => b.cidr(i, a, net.prefix_len(), None),
            },
            _ => {}
        }
    }
    b.build()
}

/// Go `strings.TrimSpace`.
fn go_trim(s: &str) -> &str {
    s.trim_matches(char::is_whitespace)
}

/// Go ≤ 1.10 (R-GO-NP-5, R-GO-ENTRY-7).
fn parse_legacy(value: &str) -> ParsedNoProxy {
    let mut out = ParsedNoProxy::default();
    if value == "*" {
        out.entries.push(Entry::new("*", 0..1, EntryKind::All));
        return out;
    }
    for (tok, span) in split_spans(value, |c| c == ',', go_trim) {
        let mut p = tok.to_lowercase();
        if p.is_empty() {
            out.entries.push(Entry::new("", span, EntryKind::Ignored { reason: "empty entry".into() }));
            continue;
        }
        let mut port_ignored = false;
        if let Some(c) = p.rfind(':') {
            if p.rfind(']').is_none_or(|b| c > b) {
                p.truncate(c);
                port_ignored = true;
                out.diagnostics.push(NoProxyDiagnostic {
                    span: span.clone(),
                    message: "Go ≤ 1.10 cuts everything after the last ':' and ignores ports".into(),
                });
            }
        }
        let kind = if p.is_empty() {
            EntryKind::Ignored { reason: "nothing before ':'".into() }
        } else if tok == "*" {
            EntryKind::NeverMatches { reason: "`*` is special only as the whole value".into() }
        } else {
            let name = p.strip_prefix('.').unwrap_or(&p).to_owned();
            EntryKind::Domain { name, apex: true, subdomains: true }
        };
        let mut e = Entry::new(tok, span, kind);
        e.port_ignored = port_ignored;
        out.entries.push(e);
    }
    out
}

/// Go `net.ParseCIDR` on a lower-cased, trimmed entry.
fn parse_cidr(p: &str) -> Option<ipnet::IpNet> {
    let (a, bits) = p.split_once('/')?;
    if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let addr: IpAddr = parse_ip(a)?;
    let bits: u8 = bits.parse().ok()?;
    ipnet::IpNet::new(addr, bits).ok()
}

/// `IpAddr::from_str`, skipping the parser for text that has a byte no address has (names).
fn parse_ip(s: &str) -> Option<IpAddr> {
    s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.').then(|| s.parse().ok()).flatten()
}

/// Go `net.SplitHostPort`.
fn split_host_port(p: &str) -> Option<(&str, &str)> {
    let c = p.rfind(':')?;
    let (host, port) = if p.starts_with('[') {
        let end = p.find(']')?;
        if end + 1 != c {
            return None;
        }
        (&p[1..end], &p[c + 1..])
    } else {
        let h = &p[..c];
        if h.contains(':') {
            return None;
        }
        (h, &p[c + 1..])
    };
    if host.contains(['[', ']']) || port.contains(['[', ']']) {
        return None;
    }
    Some((host, port))
}

/// Which bytes a token holds, from one pass over it: most entries are plain lower-case names,
/// and every search the parser would otherwise run on them can be skipped.
#[derive(Clone, Copy, Default)]
struct Bytes {
    upper: bool,
    non_ascii: bool,
    slash: bool,
    colon: bool,
    bracket: bool,
    star: bool,
    /// A byte no IP address has (`IpAddr::from_str` would fail).
    not_ip: bool,
}

impl Bytes {
    fn of(s: &str) -> Self {
        const UPPER: u8 = 1;
        const NON_ASCII: u8 = 2;
        const SLASH: u8 = 4;
        const COLON: u8 = 8;
        const BRACKET: u8 = 16;
        const STAR: u8 = 32;
        const NOT_IP: u8 = 64;
        const TABLE: [u8; 256] = {
            let mut t = [NOT_IP; 256];
            let mut c = 0;
            while c < 256 {
                let b = c as u8;
                t[c] = match b {
                    b'a'..=b'f' | b'0'..=b'9' | b'.' => 0,
                    b'A'..=b'F' => UPPER,
                    b'G'..=b'Z' => UPPER | NOT_IP,
                    b'/' => SLASH | NOT_IP,
                    b':' => COLON,
                    b'[' | b']' => BRACKET | NOT_IP,
                    b'*' => STAR | NOT_IP,
                    0x80.. => NON_ASCII | NOT_IP,
                    _ => NOT_IP,
                };
                c += 1;
            }
            t
        };
        let f = s.bytes().fold(0u8, |f, c| f | TABLE[usize::from(c)]);
        Bytes {
            upper: f & UPPER != 0,
            non_ascii: f & NON_ASCII != 0,
            slash: f & SLASH != 0,
            colon: f & COLON != 0,
            bracket: f & BRACKET != 0,
            star: f & STAR != 0,
            not_ip: f & NOT_IP != 0,
        }
    }
}

/// Go ≥ 1.11 `config.init` (R-GO-NP-1 … 4, R-GO-ENTRY-1 … 6).
fn parse_httpproxy(r: &GoRules, value: &str) -> ParsedNoProxy {
    let mut out = ParsedNoProxy::default();
    let mut star: Option<usize> = None;
    for (tok, span) in split_spans_on(value, ',', go_trim) {
        if star.is_some() {
            out.entries.push(Entry::new(
                tok,
                span,
                EntryKind::Ignored { reason: "after `*`: Go stops reading".into() },
            ));
            continue;
        }
        let has = Bytes::of(tok);
        // `strings.ToLower`; the ASCII case is the common one and much cheaper.
        let p = match (has.non_ascii, has.upper) {
            (true, _) => tok.to_lowercase(),
            (false, true) => tok.to_ascii_lowercase(),
            (false, false) => tok.to_owned(),
        };
        if p.is_empty() {
            out.entries.push(Entry::new("", span, EntryKind::Ignored { reason: "empty entry".into() }));
            continue;
        }
        if p == "*" {
            star = Some(out.entries.len());
            out.entries.push(Entry::new(&p, span, EntryKind::All));
            continue;
        }
        if let Some(net) = has.slash.then(|| parse_cidr(&p)).flatten() {
            out.entries.push(Entry::new(&p, span, EntryKind::Cidr { net }));
            continue;
        }
        let (phost, pport) = match has.colon.then(|| split_host_port(&p)).flatten() {
            Some(("", _)) => {
                out.entries.push(Entry::new(&p, span, EntryKind::Ignored { reason: "no host before the port".into() }));
                continue;
            }
            // An empty port (`host:`) restricts nothing: Go compares `m.port == ""` first.
            Some((h, port)) => (h, Some(port.to_owned()).filter(|p| !p.is_empty())),
            None => (p.as_str(), None),
        };
        // Lower-casing a non-ASCII token may add bytes the scan did not see: scan again then.
        let has = if has.non_ascii { Bytes::of(&p) } else { has };
        // (With a port split off, `phost` lost its brackets: let `parse_ip` look at it.)
        let ip = if has.not_ip && !has.colon { None } else { parse_ip(phost) };
        let kind = if let Some(addr) = ip {
            EntryKind::Ip { addr }
        } else {
            let (sub_only, rest) = match phost.strip_prefix("*.") {
                Some(rest) => (true, rest),
                None => match phost.strip_prefix('.') {
                    Some(rest) => (true, rest),
                    None => (false, phost),
                },
            };
            let name = match r.idn_entries && has.non_ascii && !rest.is_ascii() {
                true => idna_ascii(rest).unwrap_or_else(|_| rest.to_owned()),
                false => rest.to_owned(),
            };
            if has.bracket && phost.contains('[') {
                out.diagnostics.push(NoProxyDiagnostic {
                    span: span.clone(),
                    message: "Go reads a bracketed IPv6 address without port as a domain name: it never matches (write it without brackets)".into(),
                });
            } else if has.star && name.contains('*') {
                out.diagnostics.push(NoProxyDiagnostic {
                    span: span.clone(),
                    message: "Go treats `*` inside an entry literally: it never matches".into(),
                });
            } else if !r.idn_entries && has.non_ascii && !name.is_ascii() {
                out.diagnostics.push(NoProxyDiagnostic {
                    span: span.clone(),
                    message: "this Go compares non-ASCII entries against punycode hosts: it never matches".into(),
                });
            }
            EntryKind::Domain { name, apex: !sub_only, subdomains: true }
        };
        out.entries.push(Entry { text: p, span, kind, port: pport, port_ignored: false });
    }
    if let Some(s) = star {
        for e in out.entries.iter_mut().take(s) {
            if !matches!(e.kind, EntryKind::Ignored { .. }) {
                e.kind = EntryKind::Ignored { reason: format!("replaced by `*` (entry #{s})") };
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass byte scan says what the searches it replaces would find.
    #[test]
    fn byte_scan_matches_the_searches_it_replaces() {
        let samples = [
            "",
            "a",
            "A",
            "é",
            "K",
            "[::1]:80",
            "10.0.0.0/8",
            "*.x",
            "x:1",
            "DEAD:beef::1",
            "fe80::1%eth0",
            "1.2.3.4",
            "g",
            "-",
            "_",
            " ",
            "\u{212a}",
            "a]b",
            "*",
            "/",
            ":",
            "0x7f.1",
        ];
        for s in samples {
            let b = Bytes::of(s);
            assert_eq!(b.upper, s.bytes().any(|c| c.is_ascii_uppercase()), "{s:?}");
            assert_eq!(b.non_ascii, !s.is_ascii(), "{s:?}");
            assert_eq!(b.slash, s.contains('/'), "{s:?}");
            assert_eq!(b.colon, s.contains(':'), "{s:?}");
            assert_eq!(b.bracket, s.contains(['[', ']']), "{s:?}");
            assert_eq!(b.star, s.contains('*'), "{s:?}");
            // `not_ip` is a sound filter: whatever parses as an address never has it.
            if s.parse::<IpAddr>().is_ok() {
                assert!(!b.not_ip, "{s:?}");
            }
        }
        for c in 0..=255u8 {
            let s = String::from_utf8_lossy(&[c]).into_owned();
            let b = Bytes::of(&s);
            let ip_byte = c.is_ascii_hexdigit() || c == b':' || c == b'.';
            assert_eq!(b.not_ip, !ip_byte, "{c}");
        }
    }
}
