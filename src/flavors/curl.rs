//! curl / libcurl — `lib/url.c` (`detect_proxy`, `parse_proxy`,
//! `create_conn_helper_init_proxy`), `lib/noproxy.c` (`Curl_check_noproxy`,
//! `Curl_cidr4_match`, `Curl_cidr6_match`; `lib/proxy.c` since 8.21), `lib/urlapi.c`
//! (`hostname_check`, `ipv4_normalize`), `lib/getenv.c`.
//! Rules: spec.md § curl, `R-CURL-*`. Vectors: tests/conformance/recorded/curl@7.88.1.jsonl.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::matching::{idna_ascii, percent_decode_bytes, prefix_eq, Eval};
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic, ParsedNoProxy};
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Curl,
    name: "curl",
    summary: "curl and libcurl (lower-case variables first, never HTTP_PROXY, `*` only alone)",
    earliest: "7.74.0",
    latest: "8.21.0",
    versions: &["7.74.0", "7.86.0", "7.87.0", "7.88.1", "8.4.0", "8.9.0", "8.11.0", "8.17.0", "8.18.0", "8.21.0"],
};

/// How curl treats blanks between NO_PROXY entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Blanks {
    /// Space (and tab since 7.86) separate entries like commas.
    Separate,
    /// They still separate, with a "deprecated" message in verbose mode (7.88.0 – 8.8).
    SeparateDeprecated,
    /// Parsing stops at the first entry followed by a blank instead of a comma (8.9.0+).
    StopParsing,
}

/// The knobs that changed over curl's history. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CurlRules {
    /// R-CURL-LEGACY-1: ≤ 7.85 `check_noproxy` in url.c: string tail match for every host,
    /// separators `,` and space only, no CIDR.
    pub legacy_no_proxy: bool,
    /// R-CURL-ENTRY-2: one trailing dot ignored on host and entry (7.87.0).
    pub trailing_dots_ignored: bool,
    /// R-CURL-NP-2, NP-3, NP-3a: blanks between entries.
    pub blanks: Blanks,
    /// R-CURL-MATCH-2, R-CURL-ENTRY-4: IPv6 hosts recognised as addresses, so IPv6 entries and CIDR match
    /// (8.18.0); before, an IPv6 host is compared as text.
    pub ipv6_hosts_as_addresses: bool,
    /// R-CURL-ENTRY-3: `/bits` must be digits only (8.18.0); before, `atoi()` read it.
    pub strict_prefix_bits: bool,
    /// R-CURL-VAR-2: `ws://` falls back to http_proxy, `wss://` to https_proxy (8.4.0).
    pub ws_proxy_fallback: bool,
    /// R-CURL-SPEC-3: WebSocket URLs supported by default builds (8.11.0; Debian's 7.88.1 has none).
    pub websockets: bool,
    /// R-CURL-PV-3/3a: a scheme-less proxy value gets a scheme guessed from its host name
    /// (`ftp.` → ftp, …) until 8.21.0.
    pub guess_proxy_scheme: bool,
    /// R-CURL-PV-4a: a proxy without port gets its scheme's default port (http 80, https 443,
    /// socks 1080) since 8.21.0 (read from source, not recorded); before, 1080 (https: 443).
    pub proxy_port_from_scheme: bool,
}

const BASE: CurlRules = CurlRules {
    legacy_no_proxy: true,
    trailing_dots_ignored: false,
    blanks: Blanks::Separate,
    ipv6_hosts_as_addresses: false,
    strict_prefix_bits: false,
    ws_proxy_fallback: false,
    websockets: false,
    guess_proxy_scheme: true,
    proxy_port_from_scheme: false,
};

/// curl's behaviour changes, oldest first.
pub const CHANGES: &[Change<CurlRules>] = &[
    Change {
        since: &["7.86.0"],
        spec: "R-CURL-LEGACY-1",
        summary: "new lib/noproxy.c: IPv4 hosts compared as addresses, CIDR entries, tabs separate",
        upstream: "curl/curl 1e9a538e05 (#9773)",
        apply: |r| r.legacy_no_proxy = false,
    },
    Change {
        since: &["7.87.0"],
        spec: "R-CURL-ENTRY-2",
        summary: "a trailing dot is ignored on the host and on each entry",
        upstream: "curl/curl b830f9ba9e",
        apply: |r| r.trailing_dots_ignored = true,
    },
    Change {
        since: &["7.88.0"],
        spec: "R-CURL-NP-2",
        summary: "space-separated NO_PROXY deprecated (verbose message)",
        upstream: "curl/curl 7ad8a7ba9e (#10209)",
        apply: |r| r.blanks = Blanks::SeparateDeprecated,
    },
    Change {
        since: &["8.4.0"],
        spec: "R-CURL-VAR-2",
        summary: "ws:// falls back to http_proxy, wss:// to https_proxy",
        upstream: "curl/curl 43215842f2 (#12031)",
        apply: |r| r.ws_proxy_fallback = true,
    },
    Change {
        since: &["8.9.0"],
        spec: "R-CURL-NP-2",
        summary: "NO_PROXY parsing stops at the first blank-separated entry",
        upstream: "curl/curl e78913e6b5",
        apply: |r| r.blanks = Blanks::StopParsing,
    },
    Change {
        since: &["8.11.0"],
        spec: "R-CURL-SPEC-3",
        summary: "WebSockets enabled in default builds",
        upstream: "curl/curl RELEASE-NOTES 8.11.0",
        apply: |r| r.websockets = true,
    },
    Change {
        since: &["8.18.0"],
        spec: "R-CURL-MATCH-2",
        summary: "IPv6 hosts matched as addresses (IPv6 CIDR works); strict /bits",
        upstream: "curl/curl ff2aaed9ba (#19828), 97b0abb46b",
        apply: |r| {
            r.ipv6_hosts_as_addresses = true;
            r.strict_prefix_bits = true;
        },
    },
    Change {
        since: &["8.21.0"],
        spec: "R-CURL-PV-3a",
        summary: "no scheme guessing for scheme-less proxy values",
        upstream: "curl/curl e78b1b3ecc",
        apply: |r| r.guess_proxy_scheme = false,
    },
    Change {
        since: &["8.21.0"],
        spec: "R-CURL-PV-4a",
        summary: "a proxy without port gets its scheme's default port (http: 80)",
        upstream: "curl/curl bc40e09f63 (lib/peer.c Curl_peer_from_proxy_url)",
        apply: |r| r.proxy_port_from_scheme = true,
    },
];

/// The rules of curl release `at`.
pub fn rules_for(at: Version) -> CurlRules {
    super::rules_at(&BASE, CHANGES, at)
}

/// Protocols of a default Linux build (Debian's curl 7.88.1 `curl -V`), plus ws/wss when enabled.
const PROTOCOLS: &[&str] = &[
    "dict", "file", "ftp", "ftps", "gopher", "gophers", "http", "https", "imap", "imaps", "ldap", "ldaps", "mqtt",
    "pop3", "pop3s", "rtmp", "rtsp", "scp", "sftp", "smb", "smbs", "smtp", "smtps", "telnet", "tftp",
];

/// `curl_getenv`: unset and empty are the same (R-CURL-VAR-3).
fn getenv<'e>(env: &'e ProxyEnv, name: &str, notes: &mut Vec<VarNote>, taken: bool) -> Option<&'e str> {
    let v = env.get(name);
    let status = match v {
        None => VarStatus::Unset,
        Some("") => VarStatus::EmptyIgnored,
        Some(_) if taken => VarStatus::Shadowed,
        Some(_) => VarStatus::Used,
    };
    notes.push(VarNote::new(name, status, v));
    v.filter(|v| !v.is_empty() && !taken)
}

/// The environment as curl reads it: only NO_PROXY is read up front; proxy variables depend
/// on the URL's scheme.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: CurlRules,
    env: ProxyEnv,
    no_proxy_notes: Vec<VarNote>,
    no_proxy: Option<std::sync::Arc<NoProxyReport>>,
    /// The compiled NO_PROXY; `None` only if it was too large to index.
    matcher: Option<std::sync::Arc<Matcher>>,
}

impl Prepared {
    pub(crate) fn new(r: &CurlRules, env: &ProxyEnv) -> Self {
        let mut notes = Vec::new();
        let lower = getenv(env, "no_proxy", &mut notes, false);
        let upper = getenv(env, "NO_PROXY", &mut notes, lower.is_some());
        let no_proxy = match (lower, upper) {
            (Some(v), _) => Some(("no_proxy", v)),
            (None, Some(v)) => Some(("NO_PROXY", v)),
            _ => None,
        }
        .map(|(variable, value)| {
            let p = parse_no_proxy(r, value);
            NoProxyReport {
                variable: variable.into(),
                value: value.into(),
                entries: p.entries,
                diagnostics: p.diagnostics,
            }
        });
        let matcher = no_proxy.as_ref().and_then(|np| compile(r, np)).map(std::sync::Arc::new);
        Prepared {
            rules: r.clone(),
            env: env.clone(),
            no_proxy_notes: notes,
            no_proxy: no_proxy.map(std::sync::Arc::new),
            matcher,
        }
    }

    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let r = &self.rules;
        let mut ex = Explanation::new();
        let (scheme, view) = match read_url(r, target) {
            Ok(x) => x,
            Err(error) => {
                ex.rule = Rule::InvalidUrl;
                return (Outcome::Error { error }, ex);
            }
        };
        ex.host = Some(view.clone());
        ex.variables.extend(self.no_proxy_notes.iter().cloned());
        ex.no_proxy = self.no_proxy.clone();
        if let Some(np) = &self.no_proxy {
            let found = match self.matcher.as_deref().filter(|_| eval == Eval::Compiled) {
                Some(m) => check_compiled(r, &view, m),
                None => check_no_proxy(r, &view, np),
            };
            if let Some(i) = found {
                ex.matched = Some(i);
                ex.rule = if np.entries[i].kind == EntryKind::All { Rule::NoProxyAll } else { Rule::NoProxyMatch };
                return (Outcome::Direct, ex);
            }
        }
        // detect_proxy (R-CURL-VAR-1, R-CURL-VAR-2, R-CURL-VAR-5).
        let mut names: Vec<String> = vec![format!("{scheme}_proxy")];
        if scheme != "http" {
            names.push(format!("{}_PROXY", scheme.to_ascii_uppercase()));
        } else if self.env.get("HTTP_PROXY").is_some_and(|v| !v.is_empty()) {
            ex.variables.push(VarNote::new("HTTP_PROXY", VarStatus::NotRead, self.env.get("HTTP_PROXY")));
            ex.notes.push("curl never reads upper-case HTTP_PROXY (httpoxy protection since 7.7.2)".into());
        }
        if r.ws_proxy_fallback && scheme == "ws" {
            names.push("http_proxy".into());
        } else if r.ws_proxy_fallback && scheme == "wss" {
            names.extend(["https_proxy".into(), "HTTPS_PROXY".into()]);
        }
        names.extend(["all_proxy".into(), "ALL_PROXY".into()]);
        let mut found: Option<(&str, &str)> = None;
        for n in &names {
            if let Some(v) = getenv(&self.env, n, &mut ex.variables, found.is_some()) {
                found = Some((n, v));
            }
        }
        let Some((variable, value)) = found else {
            ex.rule = Rule::NoProxyVariable;
            return (Outcome::Direct, ex);
        };
        match parse_proxy(r, value) {
            Ok(proxy) => {
                ex.rule = Rule::ProxyVariable;
                (Outcome::Proxy { proxy, variable: variable.to_owned() }, ex)
            }
            Err(e) => {
                ex.rule = Rule::InvalidProxy;
                let error = match e {
                    ProxyError::Scheme(scheme) => {
                        DecisionError::UnsupportedProxyScheme { variable: variable.into(), scheme }
                    }
                    ProxyError::Syntax => DecisionError::InvalidProxy {
                        variable: variable.into(),
                        message: "unsupported proxy syntax".into(),
                    },
                };
                (Outcome::Error { error }, ex)
            }
        }
    }
}

/// `ISBLANK`.
fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Tokenise NO_PROXY the way `Curl_check_noproxy` walks it (R-CURL-NP-1 … 3a).
fn parse_no_proxy(r: &CurlRules, value: &str) -> ParsedNoProxy {
    let mut out = ParsedNoProxy::default();
    // R-CURL-NP-1: `*` only as the whole value.
    if value == "*" {
        out.entries.push(Entry::new("*", 0..1, EntryKind::All));
        return out;
    }
    let b = value.as_bytes();
    let is_sep = |c: u8| {
        if r.legacy_no_proxy {
            c == b',' || c == b' '
        } else {
            c == b',' || is_blank(c)
        }
    };
    let mut p = 0;
    while p < b.len() {
        if r.legacy_no_proxy {
            while p < b.len() && is_sep(b[p]) {
                p += 1;
            }
        } else {
            while p < b.len() && is_blank(b[p]) {
                p += 1;
            }
        }
        let start = p;
        while p < b.len() && !is_sep(b[p]) {
            p += 1;
        }
        if p > start {
            let tok = &value[start..p];
            out.entries.push(Entry::new(tok, start..p, classify(r, tok, &mut out.diagnostics, start..p)));
        }
        if r.legacy_no_proxy {
            continue;
        }
        while p < b.len() && is_blank(b[p]) {
            p += 1;
        }
        if p < b.len() && b[p] != b',' {
            let span = start..p;
            match r.blanks {
                Blanks::StopParsing => {
                    out.diagnostics.push(NoProxyDiagnostic {
                        span: p..b.len(),
                        message: "curl ≥ 8.9 stops reading NO_PROXY at a blank that is not followed by a comma: the rest is ignored".into(),
                    });
                    return out;
                }
                Blanks::SeparateDeprecated => out.diagnostics.push(NoProxyDiagnostic {
                    span,
                    message: "space-separated NO_PROXY patterns are deprecated (curl ≥ 8.9 ignores what follows)"
                        .into(),
                }),
                Blanks::Separate => {}
            }
            continue;
        }
        while p < b.len() && b[p] == b',' {
            p += 1;
        }
    }
    out
}

/// Strip one trailing and then one leading dot, as `match_host` does.
fn host_token(r: &CurlRules, tok: &str) -> String {
    let mut t = tok;
    if r.trailing_dots_ignored {
        t = t.strip_suffix('.').unwrap_or(t);
    }
    t.strip_prefix('.').unwrap_or(t).to_owned()
}

/// What a token means, for explanations (matching itself follows curl's per-host-type logic).
fn classify(r: &CurlRules, tok: &str, diags: &mut Vec<NoProxyDiagnostic>, span: std::ops::Range<usize>) -> EntryKind {
    let mut note = |m: &str| diags.push(NoProxyDiagnostic { span: span.clone(), message: m.to_owned() });
    if !r.legacy_no_proxy {
        let (addr, bits) = match tok.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (tok, None),
        };
        if let Ok(a) = addr.parse::<Ipv4Addr>() {
            return match bits.map(|b| prefix_bits(r, b)) {
                None | Some(Some(0)) | Some(Some(32)) => EntryKind::Ip { addr: IpAddr::V4(a) },
                Some(Some(n)) if n < 32 => {
                    EntryKind::Cidr { net: ipnet::IpNet::new(IpAddr::V4(a), n as u8).expect("prefix < 32") }
                }
                _ => {
                    note("invalid prefix length: never matches");
                    EntryKind::NeverMatches { reason: "invalid prefix length".into() }
                }
            };
        }
        if addr.parse::<Ipv6Addr>().is_ok() && !r.ipv6_hosts_as_addresses {
            if bits.is_some() {
                note("curl < 8.18 compares IPv6 hosts as text: an IPv6 CIDR never matches");
                return EntryKind::NeverMatches { reason: "IPv6 CIDR before curl 8.18".into() };
            }
            return EntryKind::Domain { name: tok.to_ascii_lowercase(), apex: true, subdomains: false };
        }
        if let Ok(a) = addr.parse::<Ipv6Addr>() {
            return match bits.map(|b| prefix_bits(r, b)) {
                None | Some(Some(0)) | Some(Some(128)) => EntryKind::Ip { addr: IpAddr::V6(a) },
                Some(Some(n)) if n < 128 => {
                    EntryKind::Cidr { net: ipnet::IpNet::new(IpAddr::V6(a), n as u8).expect("prefix < 128") }
                }
                _ => EntryKind::NeverMatches { reason: "invalid prefix length".into() },
            };
        }
    }
    if tok.contains('*') {
        note("curl has no wildcards except a lone `*` as the whole value: this entry is compared literally");
        return EntryKind::NeverMatches { reason: "`*` is literal".into() };
    }
    if tok.contains(':') || tok.contains('/') {
        note("curl compares the whole entry with the host name: a port or scheme makes it never match");
        return EntryKind::NeverMatches { reason: "port or scheme in entry".into() };
    }
    if tok.starts_with('[') {
        note("curl compares IPv6 entries without brackets");
        return EntryKind::NeverMatches { reason: "bracketed IPv6".into() };
    }
    if !tok.is_ascii() {
        note("curl compares against the punycode host: write the entry in punycode (xn--…)");
        return EntryKind::NeverMatches { reason: "non-ASCII entry".into() };
    }
    let name = host_token(r, tok).to_ascii_lowercase();
    EntryKind::Domain { name, apex: true, subdomains: true }
}

/// `/bits`: `atoi` before 8.18, digits only after. `None` = cannot match.
fn prefix_bits(r: &CurlRules, s: &str) -> Option<u32> {
    if r.strict_prefix_bits {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 3 {
            return None;
        }
        return s.parse().ok();
    }
    // atoi: optional blanks, sign, digits; stops at the first non-digit.
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits =
        t.bytes().take_while(u8::is_ascii_digit).fold(0u64, |a, d| (a * 10 + u64::from(d - b'0')).min(1 << 40));
    if neg && digits != 0 {
        return None; // becomes a huge unsigned value: > 32 and > 128
    }
    Some(digits.min(u64::from(u32::MAX)) as u32)
}

/// The host as curl compares it, and its type.
#[derive(Clone, Copy, PartialEq)]
enum HostType {
    Name,
    V4(Ipv4Addr),
    V6(Ipv6Addr),
}

fn host_type(r: &CurlRules, view: &HostView) -> HostType {
    match view.ip {
        Some(IpAddr::V4(a)) if !r.legacy_no_proxy => HostType::V4(a),
        Some(IpAddr::V6(a)) if r.ipv6_hosts_as_addresses => HostType::V6(a),
        _ => HostType::Name,
    }
}

/// `Curl_check_noproxy`: index of the first matching entry.
fn check_no_proxy(r: &CurlRules, view: &HostView, np: &NoProxyReport) -> Option<usize> {
    if view.host.is_empty() {
        return None;
    }
    if np.value == "*" {
        return Some(0);
    }
    let ht = host_type(r, view);
    let mut name = view.host.as_str();
    if ht == HostType::Name && r.trailing_dots_ignored {
        name = name.strip_suffix('.').unwrap_or(name);
    }
    np.entries.iter().position(|e| {
        let tok = e.text.as_str();
        match ht {
            HostType::Name => {
                let t = if r.legacy_no_proxy {
                    tok.strip_prefix('.').unwrap_or(tok).to_owned()
                } else {
                    host_token(r, tok)
                };
                let (t, n) = (t.as_bytes(), name.as_bytes());
                if t.len() == n.len() {
                    t.eq_ignore_ascii_case(n)
                } else if t.len() < n.len() {
                    n[n.len() - t.len() - 1] == b'.' && t.eq_ignore_ascii_case(&n[n.len() - t.len()..])
                } else {
                    false
                }
            }
            HostType::V4(a) => {
                let (addr, bits) = match tok.split_once('/') {
                    Some((x, b)) => (x, prefix_bits(r, b)),
                    None => (tok, Some(0)),
                };
                let (Ok(net), Some(bits)) = (addr.parse::<Ipv4Addr>(), bits) else {
                    return false;
                };
                match bits {
                    0 | 32 => net == a,
                    1..=31 => prefix_eq(&net.octets(), &a.octets(), bits as u8),
                    _ => false,
                }
            }
            HostType::V6(a) => {
                let (addr, bits) = match tok.split_once('/') {
                    Some((x, b)) => (x, prefix_bits(r, b)),
                    None => (tok, Some(0)),
                };
                let (Ok(net), Some(bits)) = (addr.parse::<Ipv6Addr>(), bits) else {
                    return false;
                };
                let bits = if bits == 0 { 128 } else { bits };
                bits <= 128 && prefix_eq(&net.octets(), &a.octets(), bits as u8)
            }
        }
    })
}

/// `/bits` of a token read as an address: `(address text, prefix bits)` as `check_no_proxy` splits it.
fn split_bits<'t>(r: &CurlRules, tok: &'t str) -> (&'t str, Option<u32>) {
    match tok.split_once('/') {
        Some((x, b)) => (x, prefix_bits(r, b)),
        None => (tok, Some(0)),
    }
}

/// Index every token the three ways `check_no_proxy` may read it (as a name, as an IPv4 and
/// as an IPv6 pattern); the host's type picks which index is asked.
fn compile(r: &CurlRules, np: &NoProxyReport) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::AsciiInsensitive);
    b.reserve(np.entries.len(), np.value.len());
    if np.value == "*" {
        b.all(0);
        return b.build();
    }
    for (i, e) in np.entries.iter().enumerate() {
        let tok = e.text.as_str();
        // Name hosts: the token as text, one trailing then one leading dot removed.
        let mut t = tok;
        if r.trailing_dots_ignored && !r.legacy_no_proxy {
            t = t.strip_suffix('.').unwrap_or(t);
        }
        b.name(i, t.strip_prefix('.').unwrap_or(t), true, true, None);
        let (addr, bits) = split_bits(r, tok);
        let Some(bits) = bits else { continue };
        if let Ok(net) = addr.parse::<Ipv4Addr>() {
            match bits {
                0 | 32 => b.ip(i, IpAddr::V4(net), None),
                1..=31 => b.cidr(i, IpAddr::V4(net), bits as u8, None),
                _ => {}
            }
        }
        if let Ok(net) = addr.parse::<Ipv6Addr>() {
            let bits = if bits == 0 { 128 } else { bits };
            if bits <= 128 {
                b.cidr(i, IpAddr::V6(net), bits as u8, None);
            }
        }
    }
    b.build()
}

/// `Curl_check_noproxy` on the compiled index: the same entry as [`check_no_proxy`].
fn check_compiled(r: &CurlRules, view: &HostView, m: &Matcher) -> Option<usize> {
    if view.host.is_empty() {
        return None;
    }
    match host_type(r, view) {
        HostType::Name => {
            let mut name = view.host.as_str();
            if r.trailing_dots_ignored {
                name = name.strip_suffix('.').unwrap_or(name);
            }
            m.match_name(name, None)
        }
        HostType::V4(a) => m.match_ip(IpAddr::V4(a), None),
        HostType::V6(a) => m.match_ip(IpAddr::V6(a), None),
    }
}

/// urlapi `ipv4_normalize`: `127.1`, `0x7f.1`, `2130706433` → dotted quad.
pub(crate) fn ipv4_normalize(host: &str) -> Option<Ipv4Addr> {
    let mut parts = [0u64; 4];
    let mut n = 0;
    let mut rest = host;
    loop {
        if !rest.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let (radix, digits_start) = if rest.starts_with("0x") || rest.starts_with("0X") {
            (16, 2)
        } else if rest.starts_with('0') && rest.len() > 1 && rest.as_bytes()[1].is_ascii_digit() {
            (8, 1)
        } else {
            (10, 0)
        };
        let body = &rest[digits_start..];
        let len = body.bytes().take_while(|b| (*b as char).is_digit(radix)).count();
        let val = if len == 0 { 0 } else { u64::from_str_radix(&body[..len], radix).ok()? };
        if val > u64::from(u32::MAX) {
            return None;
        }
        parts[n] = val;
        rest = &body[len..];
        match rest.as_bytes().first() {
            Some(b'.') if n < 3 => {
                n += 1;
                rest = &rest[1..];
            }
            None => break,
            _ => return None,
        }
    }
    let p = parts;
    let v = match n {
        0 => p[0],
        1 if p[0] <= 0xff && p[1] <= 0xff_ffff => (p[0] << 24) | p[1],
        2 if p[0] <= 0xff && p[1] <= 0xff && p[2] <= 0xffff => (p[0] << 24) | (p[1] << 16) | p[2],
        3 if p.iter().all(|x| *x <= 0xff) => (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3],
        _ => return None,
    };
    Some(Ipv4Addr::from(v as u32))
}

/// Read the URL the way curl's URL parser does (R-CURL-MATCH-1): scheme, host name as
/// compared by NO_PROXY, port.
fn read_url(r: &CurlRules, target: &Target) -> Result<(String, HostView), DecisionError> {
    let bad = |m: &str| DecisionError::InvalidUrl { message: m.to_owned() };
    let reparsed;
    let t = match target.scheme() {
        Some(_) if target.has_authority() => target,
        // `http:/host` and `http:host`: curl takes the host after 0–3 slashes.
        Some(s) => {
            let rest = &target.as_str()[s.len() + 1..];
            reparsed = Target::parse(&format!("{s}://{}", rest.trim_start_matches('/')));
            &reparsed
        }
        None => {
            reparsed = Target::parse(&format!("http://{}", target.as_str()));
            &reparsed
        }
    };
    let scheme = t.scheme().unwrap_or("http").to_ascii_lowercase();
    let known = PROTOCOLS.contains(&scheme.as_str()) || (r.websockets && (scheme == "ws" || scheme == "wss"));
    if !known {
        return Err(DecisionError::UnsupportedUrlScheme { scheme });
    }
    let port = match t.port() {
        None | Some("") => None,
        Some(p) if p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u32>().ok().filter(|p| *p <= 65535).ok_or_else(|| bad("port out of range"))? as u16)
        }
        Some(_) => return Err(bad("bad port")),
    };
    let raw = t.host();
    if raw.is_empty() {
        return Err(bad("no host"));
    }
    let (host, ip) = if let Some(inner) = raw.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or_else(|| bad("bad IPv6 literal"))?;
        let len = inner.bytes().take_while(|b| b.is_ascii_hexdigit() || *b == b':' || *b == b'.').count();
        let addr_s = &inner[..len];
        if len != inner.len() {
            // '%' zone id: 1..=15 bytes (an optional "25" escape is skipped).
            let zone = inner[len..].strip_prefix('%').ok_or_else(|| bad("bad IPv6 literal"))?;
            let zone = if zone.len() > 2 && zone.starts_with("25") { &zone[2..] } else { zone };
            if zone.is_empty() || zone.len() > 15 {
                return Err(bad("bad IPv6 zone id"));
            }
        }
        let a: Ipv6Addr = addr_s.parse().map_err(|_| bad("bad IPv6 literal"))?;
        let canon = a.to_string();
        let text = if canon.len() < addr_s.len() { canon } else { addr_s.to_owned() };
        (text, Some(IpAddr::V6(a)))
    } else {
        // The host is URL-decoded, then checked (R-CURL-MATCH-1).
        let raw = &percent_decode_bytes(raw, true)
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| bad("bad host name"))?;
        if raw.bytes().any(|b| b" \r\n\t/:#?!@{}[]\\$'\"^`*<>=;,+&()%".contains(&b) || b < 0x20) {
            return Err(bad("bad host name"));
        }
        match ipv4_normalize(raw) {
            Some(a) => (a.to_string(), Some(IpAddr::V4(a))),
            None => {
                let h = idna_ascii(raw).map_err(|_| bad("cannot convert the host name to punycode"))?;
                (h, None)
            }
        }
    };
    Ok((scheme, HostView { host, ip, port }))
}

enum ProxyError {
    Syntax,
    Scheme(String),
}

/// `parse_proxy` (R-CURL-PV-1 … 6).
fn parse_proxy(r: &CurlRules, value: &str) -> Result<ProxyUrl, ProxyError> {
    if value.bytes().any(|b| b <= b' ' || b == 0x7f) || value.starts_with('/') {
        return Err(ProxyError::Syntax);
    }
    let (scheme, rest) = match value.find("://") {
        Some(i) if i > 0 && value[..i].bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) => {
            (value[..i].to_ascii_lowercase(), &value[i + 3..])
        }
        _ => {
            let guess = if r.guess_proxy_scheme {
                ["ftp", "dict", "ldap", "imap", "smtp", "pop3"]
                    .into_iter()
                    .find(|s| value.get(..s.len() + 1).is_some_and(|p| p.eq_ignore_ascii_case(&format!("{s}."))))
                    .unwrap_or("http")
            } else {
                "http"
            };
            (guess.to_owned(), value)
        }
    };
    let t = Target::parse(&format!("{scheme}://{rest}"));
    let host = t.host();
    let host = match host.strip_prefix('[') {
        Some(h) => {
            let h = h.strip_suffix(']').ok_or(ProxyError::Syntax)?;
            h.parse::<Ipv6Addr>().map_err(|_| ProxyError::Syntax)?;
            h
        }
        None => host,
    };
    if host.is_empty() || (!t.host().starts_with('[') && host.contains(':')) {
        return Err(ProxyError::Syntax);
    }
    let port = match t.port() {
        None | Some("") => None,
        Some(p) => {
            Some(p.parse::<u32>().ok().filter(|p| *p <= 65535 && p.to_string().len() <= 5).ok_or(ProxyError::Syntax)?
                as u16)
        }
    };
    if !matches!(scheme.as_str(), "http" | "https" | "socks" | "socks4" | "socks4a" | "socks5" | "socks5h") {
        return Err(ProxyError::Scheme(scheme));
    }
    let default = match scheme.as_str() {
        "https" => 443,
        "http" if r.proxy_port_from_scheme => 80,
        _ => 1080,
    };
    let port = port.unwrap_or(default);
    Ok(ProxyUrl::new(&scheme, t.userinfo().map(str::to_owned), host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_normalise_like_urlapi() {
        assert_eq!(ipv4_normalize("127.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(ipv4_normalize("0x7f.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(ipv4_normalize("0177.0.0.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(ipv4_normalize("2130706433"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(ipv4_normalize("127.0.0.1."), None);
        assert_eq!(ipv4_normalize("example"), None);
        assert_eq!(ipv4_normalize("1.2.3.4.5"), None);
    }

    #[test]
    fn atoi_bits() {
        let r = rules_for("7.88.1".parse().unwrap());
        assert_eq!(prefix_bits(&r, "8x"), Some(8));
        assert_eq!(prefix_bits(&r, ""), Some(0));
        assert_eq!(prefix_bits(&r, "-1"), None);
        let r = rules_for("8.18.0".parse().unwrap());
        assert_eq!(prefix_bits(&r, "8x"), None);
    }
}
