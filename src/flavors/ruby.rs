//! Ruby — `Net::HTTP.get_response(URI(url))`: `net/http.rb` (`HTTP.start`, `HTTP.new`,
//! `proxy?`, `proxy_uri`, `proxy_address`, `proxy_port`, `connect`) and the uri gem's
//! `lib/uri/generic.rb` (`URI::Generic#find_proxy`, `URI::Generic.use_proxy?`) and
//! `lib/uri/rfc3986_parser.rb`. Read in Ruby 3.1.2's standard library (uri 0.11.0, net-http
//! 0.2.0, Debian 12). Rules: spec.md § Ruby, `R-RUBY-*`.
//! Vectors: tests/conformance/recorded/ruby@3.1*.jsonl.
//!
//! Ruby is the one modelled tool that resolves the request host before it decides: the
//! loopback shortcut and IP/CIDR entries use the *resolved* address (R-RUBY-RES-1). The model
//! stays pure: names resolve through [`ProxyEnv::resolve`] only, and the explanation says when
//! the outcome depended on it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::curl::ipv4_normalize;
use super::matching::{decimal, prefix_eq, Eval};
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic};
use crate::proxy::ProxyUrl;
use crate::secret::redact_value;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Ruby,
    name: "ruby",
    summary: "Ruby Net::HTTP / URI#find_proxy (http_proxy even for https, resolves the host, CIDR, host:port)",
    earliest: "2.5.0",
    latest: "3.1.2",
    versions: &["2.5.0", "2.6.0", "3.1", "3.1.2"],
};

/// The knobs that changed over Ruby's history. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RubyRules {
    /// R-RUBY-NP-3: `.example.com` matches subdomains only (Ruby 2.6); before, the token regex
    /// `(?!\.)` dropped the leading dot, so it also matched `example.com` itself.
    pub dot_means_subdomains_only: bool,
}

const BASE: RubyRules = RubyRules { dot_means_subdomains_only: false };

/// Ruby's behaviour changes, oldest first.
pub const CHANGES: &[Change<RubyRules>] = &[Change {
    since: &["2.6.0"],
    spec: "R-RUBY-NP-3",
    summary: "use_proxy?: a dot-prefixed no_proxy entry matches subdomains only",
    upstream: "ruby/ruby c6a87bd (r63452, Bug #14345); uri gem lib/uri/generic.rb use_proxy?",
    apply: |r| r.dot_means_subdomains_only = true,
}];

/// The rules of Ruby release `at`.
pub fn rules_for(at: Version) -> RubyRules {
    super::rules_at(&BASE, CHANGES, at)
}

/// A URI as uri 0.11's RFC 3986 parser splits it (only what proxy selection needs).
#[derive(Clone, Debug, Default)]
struct Uri {
    scheme: Option<String>,
    /// `URI#hostname`: the host without brackets; `None` when empty or absent.
    hostname: Option<String>,
    /// The port written, or the scheme class's default.
    port: Option<u64>,
    userinfo: Option<String>,
}

const SUB_DELIMS: &[u8] = b"!$&'()*+,;=";

fn unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~".contains(&c)
}

/// Every byte is allowed by `ok`, and every `%` starts `%XX`.
fn valid(s: &str, ok: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else if ok(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn pchar(c: u8) -> bool {
    unreserved(c) || SUB_DELIMS.contains(&c) || c == b':' || c == b'@'
}

/// Default port of the scheme's URI class (uri 0.11: `URI::HTTP` 80, `HTTPS` 443, `FTP` 21,
/// `WS` 80, `WSS` 443, `LDAP` 389, `LDAPS` 636; `URI::Generic` none).
fn default_port(scheme: Option<&str>) -> Option<u64> {
    Some(match scheme? {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        "ftp" => 21,
        "ldap" => 389,
        "ldaps" => 636,
        _ => return None,
    })
}

/// `URI.parse` / `URI()` (R-RUBY-URL-1): uri 0.11's `RFC3986_Parser` regular expressions.
fn parse_uri(s: &str) -> Result<Uri, String> {
    // The quoted value may hold credentials: redact them (crate::secret).
    let shown = redact_value(s);
    let bad = || Err(format!("bad URI(is not URI?): {shown:?}"));
    if !s.is_ascii() {
        return Err(format!("URI must be ascii only {shown:?}"));
    }
    let mut u = Uri::default();
    let mut rest = s;
    let scheme_len = s.bytes().take_while(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c)).count();
    if scheme_len > 0 && s.as_bytes()[0].is_ascii_alphabetic() && s.as_bytes().get(scheme_len) == Some(&b':') {
        u.scheme = Some(s[..scheme_len].to_ascii_lowercase());
        rest = &s[scheme_len + 1..];
    }
    // Fragment (strict) and query (anything but '#').
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    if let Some(f) = fragment {
        if !valid(f, |c| pchar(c) || c == b'/' || c == b'?') {
            return bad();
        }
    }
    let path_and_auth = rest.split_once('?').map_or(rest, |(p, _)| p);
    let path = if let Some(auth_path) = path_and_auth.strip_prefix("//") {
        let end = auth_path.find('/').unwrap_or(auth_path.len());
        let (auth, path) = auth_path.split_at(end);
        let hostport = match auth.split_once('@') {
            Some((ui, hp)) => {
                if !valid(ui, |c| unreserved(c) || SUB_DELIMS.contains(&c) || c == b':') {
                    return bad();
                }
                u.userinfo = Some(ui.to_owned());
                hp
            }
            None => auth,
        };
        let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
            let Some((h, after)) = inner.split_once(']') else { return bad() };
            let future = h.strip_prefix(['v', 'V']).and_then(|x| x.split_once('.')).is_some_and(|(v, r)| {
                !v.is_empty()
                    && v.bytes().all(|c| c.is_ascii_hexdigit())
                    && !r.is_empty()
                    && r.bytes().all(|c| unreserved(c) || SUB_DELIMS.contains(&c) || c == b':')
            });
            if h.parse::<Ipv6Addr>().is_err() && !future {
                return bad();
            }
            (h.to_owned(), after)
        } else {
            let end = hostport.find(':').unwrap_or(hostport.len());
            let h = &hostport[..end];
            if !valid(h, |c| unreserved(c) || SUB_DELIMS.contains(&c)) {
                return bad();
            }
            (h.to_owned(), &hostport[end..])
        };
        let port = match port.strip_prefix(':') {
            Some(p) if p.bytes().all(|c| c.is_ascii_digit()) => p,
            None if port.is_empty() => "",
            _ => return bad(),
        };
        u.hostname = Some(host).filter(|h| !h.is_empty());
        u.port = if port.is_empty() { None } else { Some(port.parse::<u64>().unwrap_or(u64::MAX)) };
        path
    } else {
        // No authority: for a relative reference the first segment may not hold a ':'.
        if u.scheme.is_none() && path_and_auth.split('/').next().is_some_and(|seg| seg.contains(':')) {
            return bad();
        }
        path_and_auth
    };
    if !valid(path, |c| pchar(c) || c == b'/') {
        return bad();
    }
    if u.port.is_none() {
        u.port = default_port(u.scheme.as_deref());
    }
    Ok(u)
}

/// `IPSocket.getaddress` (R-RUBY-RES-1): an IP literal (inet_aton forms included) is its own
/// address; a name resolves through the resolver table (first address); else `None`.
fn getaddress(env: &ProxyEnv, host: &str) -> Option<(IpAddr, bool)> {
    if let Some(a) = ipv4_normalize(host) {
        return Some((IpAddr::V4(a), false));
    }
    if let Ok(a) = host.parse::<Ipv6Addr>() {
        return Some((IpAddr::V6(a), false));
    }
    if host.is_empty() {
        return Some((IpAddr::V4(Ipv4Addr::UNSPECIFIED), false));
    }
    env.resolve(host).and_then(|a| a.first().copied()).map(|a| (a, true))
}

/// `IPAddr.new(token)` for the tokens `use_proxy?` can produce (no `:`): dotted-quad IPv4
/// with optional `/bits` or `/mask`. `None`: `IPAddr::InvalidAddressError`.
fn ipaddr(tok: &str) -> Option<(Ipv4Addr, u8)> {
    let quad = |s: &str| -> Option<Ipv4Addr> {
        let parts: Vec<&str> = s.split('.').collect();
        if parts.len() != 4 {
            return None;
        }
        let mut o = [0u8; 4];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty()
                || p.len() > 3
                || !p.bytes().all(|c| c.is_ascii_digit())
                || (p.len() > 1 && p.starts_with('0'))
            {
                return None;
            }
            o[i] = p.parse().ok()?;
        }
        Some(Ipv4Addr::from(o))
    };
    let (a, bits) = match tok.split_once('/') {
        None => (tok, 32),
        Some((a, m)) if !m.is_empty() && m.len() <= 2 && m.bytes().all(|c| c.is_ascii_digit()) => {
            let n: u8 = m.parse().ok()?;
            if n > 32 {
                return None;
            }
            (a, n)
        }
        Some((a, m)) => {
            let mask = u32::from(quad(m)?);
            if mask.leading_ones() + mask.trailing_zeros() != 32 {
                return None;
            }
            (a, mask.leading_ones() as u8)
        }
    };
    Some((quad(a)?, bits))
}

/// One `no_proxy` token: `([^:,\s]+)(?::(\d+))?` (R-RUBY-NP-1).
#[derive(Clone, Debug)]
struct Token {
    host: String,
    port: Option<u64>,
}

/// Scan `no_proxy` like `no_proxy.scan(/([^:,\s]+)(?::(\d+))?/)` (Ruby ≥ 2.6; before,
/// `(?!\.)` in front made a token never start with `.`).
fn scan(r: &RubyRules, value: &str, diags: &mut Vec<NoProxyDiagnostic>) -> (Vec<Token>, Vec<Entry>) {
    let b = value.as_bytes();
    let is_sep = |c: u8| c == b':' || c == b',' || c.is_ascii_whitespace() || c == 0x0b;
    let mut toks = Vec::new();
    let mut entries = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if is_sep(b[i]) || (!r.dot_means_subdomains_only && b[i] == b'.') {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !is_sep(b[i]) {
            i += 1;
        }
        let host = &value[start..i];
        let mut port = None;
        let mut end = i;
        if i < b.len() && b[i] == b':' {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 {
                port = Some(value[i + 1..i + 1 + digits].parse::<u64>().unwrap_or(u64::MAX));
                end = i + 1 + digits;
                i = end;
            }
        }
        let _ = end; // the `:port` is reported in `Entry::port`, the span covers the host token
        let span = start..start + host.len();
        let lower = host.to_ascii_lowercase();
        let kind = match (host.strip_prefix('.'), ipaddr(host)) {
            (_, Some((a, 32))) => EntryKind::Ip { addr: IpAddr::V4(a) },
            (_, Some((a, n))) => EntryKind::Cidr { net: ipnet::IpNet::new(IpAddr::V4(a), n).expect("prefix ≤ 32") },
            (Some(rest), None) => EntryKind::Domain { name: rest.to_ascii_lowercase(), apex: false, subdomains: true },
            (None, None) => EntryKind::Domain { name: lower, apex: true, subdomains: true },
        };
        if host.contains('*') {
            diags.push(NoProxyDiagnostic {
                span: span.clone(),
                message: "Ruby has no wildcards (not even a lone `*`): compared literally".into(),
            });
        }
        let mut e = Entry::new(host, span, kind);
        e.port = port.map(|p| p.to_string());
        entries.push(e);
        toks.push(Token { host: host.to_owned(), port });
    }
    // Colons split entries: IPv6 addresses fall apart (R-RUBY-NP-1).
    let mut start = 0;
    for (i, c) in value.char_indices().chain([(value.len(), ',')]) {
        if c == ',' || c.is_ascii_whitespace() {
            if value[start..i].matches(':').count() >= 2 {
                diags.push(NoProxyDiagnostic {
                    span: start..i,
                    message: "Ruby splits no_proxy at every `:` (port syntax): an IPv6 address or range never matches"
                        .into(),
                });
            }
            start = i + c.len_utf8();
        }
    }
    (toks, entries)
}

/// Index the tokens so that the first match is the one `use_proxy?` stops at (R-RUBY-NP-1 … 4).
/// Ruby compares `host.downcase` (ASCII: the URI is) with `token.downcase` (Unicode): the
/// tokens are lower-cased the same way here and compared byte for byte.
///
/// - `.x` (Ruby ≥ 2.6): `host.end_with?(".x")`, i.e. the subdomains of `x`;
/// - `x`: `host == x` or `host` ends with `.x`: the name with its subdomains;
/// - a token `IPAddr.new` accepts (dotted quad, `/bits`, `/mask`) also matches the request's
///   IPv4 address (literal or resolved) inside its prefix;
///
/// each restricted to the token's `:port`, compared as the decimal of the integer Ruby reads
/// (both sides saturate at `u64::MAX`, as the scan does).
fn compile(toks: &[Token]) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::Sensitive);
    b.reserve(toks.len(), toks.iter().map(|t| t.host.len()).sum());
    for (i, t) in toks.iter().enumerate() {
        let port = t.port.map(|p| p.to_string());
        let port = port.as_deref();
        let tok = t.host.to_lowercase();
        match tok.strip_prefix('.') {
            Some(rest) => b.name(i, rest, false, true, port),
            None => b.name(i, &tok, true, true, port),
        }
        if let Some((net, bits)) = ipaddr(&t.host) {
            b.cidr(i, IpAddr::V4(net), bits, port);
        }
    }
    b.build()
}

/// `no_proxy` (or `NO_PROXY`) as `use_proxy?` scans it, parsed once: the environment cannot
/// change between requests here.
#[derive(Clone, Debug)]
struct NoProxy {
    report: std::sync::Arc<NoProxyReport>,
    toks: Vec<Token>,
    /// The compiled tokens; `None` only if too large to index.
    matcher: Option<std::sync::Arc<Matcher>>,
}

/// The environment as Ruby holds it; everything but `no_proxy` is read per request
/// (R-RUBY-VAR-*).
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    env: ProxyEnv,
    no_proxy: Option<NoProxy>,
}

impl Prepared {
    pub(crate) fn new(r: &RubyRules, env: &ProxyEnv) -> Self {
        let (np_name, np) = no_proxy_var(env);
        let no_proxy = np.map(|np| {
            let mut diagnostics = Vec::new();
            let (toks, entries) = scan(r, np, &mut diagnostics);
            let matcher = compile(&toks).map(std::sync::Arc::new);
            let report = NoProxyReport { variable: np_name.into(), value: np.into(), entries, diagnostics };
            NoProxy { report: std::sync::Arc::new(report), toks, matcher }
        });
        Prepared { env: env.clone(), no_proxy }
    }

    /// `find_proxy`'s choice of value for `http` (R-RUBY-VAR-1, R-RUBY-CGI-1).
    fn proxy_value(&self, ex: &mut Explanation) -> Option<(String, String)> {
        let env = &self.env;
        let note = |ex: &mut Explanation, name: &str, status: VarStatus| {
            ex.variables.push(VarNote::new(name, status, env.get(name)));
        };
        if env.get("REQUEST_METHOD").is_some() {
            ex.notes.push(
                "REQUEST_METHOD is set: Ruby treats this as CGI and uses only a lower-case http_proxy it can prove came \
                 from a case-sensitive environment, else CGI_HTTP_PROXY"
                    .into(),
            );
            let pairs: Vec<&str> =
                env.vars().iter().map(|v| v.name.as_str()).filter(|n| n.eq_ignore_ascii_case("http_proxy")).collect();
            let chosen = match pairs.as_slice() {
                [] => None,
                ["http_proxy"] if env.get("HTTP_PROXY").is_none() => env.get("http_proxy"),
                [_] => None,
                _ => env.get("http_proxy"),
            };
            for n in &pairs {
                let used = chosen.is_some() && *n == "http_proxy";
                note(ex, n, if used { VarStatus::Used } else { VarStatus::NotRead });
            }
            if let Some(v) = chosen {
                return Some(("http_proxy".into(), v.into()));
            }
            let cgi = env.get("CGI_HTTP_PROXY");
            note(ex, "CGI_HTTP_PROXY", if cgi.is_some() { VarStatus::Used } else { VarStatus::Unset });
            if cgi.is_none() {
                ex.rule = Rule::Cgi;
            }
            return cgi.map(|v| ("CGI_HTTP_PROXY".into(), v.into()));
        }
        // An empty string is truthy in Ruby: an empty http_proxy hides HTTP_PROXY.
        match (env.get("http_proxy"), env.get("HTTP_PROXY")) {
            (Some(v), upper) => {
                note(ex, "http_proxy", if v.is_empty() { VarStatus::EmptyIgnored } else { VarStatus::Used });
                if upper.is_some() {
                    note(ex, "HTTP_PROXY", VarStatus::Shadowed);
                }
                Some(("http_proxy".into(), v.into()))
            }
            (None, Some(v)) => {
                note(ex, "http_proxy", VarStatus::Unset);
                note(ex, "HTTP_PROXY", if v.is_empty() { VarStatus::EmptyIgnored } else { VarStatus::Used });
                ex.notes
                    .push("Ruby warns: \"The environment variable HTTP_PROXY is discouraged. Use http_proxy.\"".into());
                Some(("HTTP_PROXY".into(), v.into()))
            }
            (None, None) => {
                note(ex, "http_proxy", VarStatus::Unset);
                note(ex, "HTTP_PROXY", VarStatus::Unset);
                None
            }
        }
    }

    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.no_proxy.as_ref().and_then(|np| np.matcher.as_deref())
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let mut ex = Explanation::new();
        // R-RUBY-URL-1: URI(url); R-RUBY-HTTP-1: Net::HTTP.start(uri.hostname, uri.port, use_ssl: https).
        let uri = match parse_uri(target.as_str()) {
            Ok(u) => u,
            Err(message) => {
                ex.rule = Rule::InvalidUrl;
                return (Outcome::Error { error: DecisionError::InvalidUrl { message } }, ex);
            }
        };
        let https = uri.scheme.as_deref() == Some("https");
        let port = uri.port.unwrap_or(if https { 443 } else { 80 });
        if !matches!(uri.scheme.as_deref(), Some("http" | "https")) {
            ex.notes.push(format!(
                "Net::HTTP ignores the URL scheme ({}): it speaks HTTP to port {port} and looks up http_proxy",
                uri.scheme.as_deref().unwrap_or("none")
            ));
        } else if https {
            ex.notes.push(
                "Net::HTTP looks up the proxy with an http URI even for https: https_proxy/HTTPS_PROXY are never read"
                    .into(),
            );
        }
        let hostname = uri.hostname.clone();
        let host_l = hostname.as_deref().map(str::to_ascii_lowercase);
        let literal = hostname.as_deref().and_then(|h| ipv4_normalize(h).map(IpAddr::V4).or_else(|| h.parse().ok()));
        ex.host =
            Some(HostView { host: host_l.clone().unwrap_or_default(), ip: literal, port: u16::try_from(port).ok() });
        let Some((variable, value)) = self.proxy_value(&mut ex) else {
            if ex.rule != Rule::Cgi {
                ex.rule = Rule::NoProxyVariable;
            }
            return (Outcome::Direct, ex);
        };
        if value.is_empty() {
            ex.rule = Rule::NoProxyVariable;
            return (Outcome::Direct, ex);
        }
        // R-RUBY-RES-1: the loopback shortcut on the resolved address.
        let mut addr = None;
        if let Some(h) = hostname.as_deref() {
            match getaddress(&self.env, h) {
                Some((a, resolved)) => {
                    if resolved {
                        ex.notes.push(format!("resolved {h} to {a} (resolver table): Ruby decides on this address"));
                    }
                    let text = a.to_string();
                    if text.starts_with("127.") || text == "::1" {
                        ex.rule = if resolved { Rule::ResolvedLoopback } else { Rule::Loopback };
                        ex.notes.push(format!("{a} is loopback (127.* or ::1): Ruby never proxies it"));
                        return (Outcome::Direct, ex);
                    }
                    addr = Some((a, resolved));
                }
                None => ex.notes.push(format!(
                    "{h} does not resolve (not in the resolver table): no loopback shortcut, IP entries are not checked"
                )),
            }
        }
        // R-RUBY-NP-1 … 4: no_proxy || NO_PROXY (an empty no_proxy hides NO_PROXY).
        let (np_name, np) = no_proxy_var(&self.env);
        ex.variables.push(VarNote::new(np_name, if np.is_some() { VarStatus::Used } else { VarStatus::Unset }, np));
        if let Some(np) = &self.no_proxy {
            ex.no_proxy = Some(np.report.clone());
            let Some(h) = host_l.as_deref() else {
                ex.rule = Rule::NoHost;
                let message = "the URL has no host: use_proxy? calls nil.downcase (NoMethodError)".into();
                return (Outcome::Error { error: DecisionError::InvalidUrl { message } }, ex);
            };
            let toks = &np.toks;
            let port_ok = |t: &Token| t.port.is_none_or(|p| p == port);
            // `String#downcase` is Unicode-aware (the host itself is ASCII: R-RUBY-URL-1).
            let name_hit = |t: &Token| {
                let tok = t.host.to_lowercase();
                if tok.starts_with('.') {
                    h.ends_with(&tok)
                } else {
                    h == tok || h.strip_suffix(tok.as_str()).is_some_and(|rest| rest.ends_with('.'))
                }
            };
            let addr_hit = |t: &Token| match (addr, ipaddr(&t.host)) {
                (Some((IpAddr::V4(a), _)), Some((net, bits))) => prefix_eq(&net.octets(), &a.octets(), bits),
                _ => false,
            };
            // `(index, ip_hit)` of the first token that matches.
            let found = match np.matcher.as_deref().filter(|_| eval == Eval::Compiled) {
                Some(m) => {
                    let mut buf = [0u8; 20];
                    let port_s = decimal(port, &mut buf);
                    let by_name = m.match_name(h, Some(port_s));
                    let by_ip = match addr {
                        Some((a @ IpAddr::V4(_), _)) => m.match_ip(a, Some(port_s)),
                        _ => None,
                    };
                    let indexed = super::matching::earlier(by_name, by_ip);
                    let t = |i: usize| &toks[i];
                    m.first(indexed, |i| port_ok(t(i)) && (name_hit(t(i)) || addr_hit(t(i))))
                        .map(|i| (i, !name_hit(t(i))))
                }
                None => toks.iter().enumerate().find_map(|(i, t)| {
                    if !port_ok(t) {
                        return None;
                    }
                    let name_hit = name_hit(t);
                    let ip_hit = !name_hit && addr_hit(t);
                    (name_hit || ip_hit).then_some((i, ip_hit))
                }),
            };
            if let Some((i, ip_hit)) = found {
                if ip_hit && addr.is_some_and(|(_, resolved)| resolved) {
                    ex.notes.push(format!(
                        "entry {:?} matched the resolved address, not the name: this decision depends on name resolution",
                        toks[i].host
                    ));
                }
                ex.matched = Some(i);
                ex.rule = Rule::NoProxyMatch;
                return (Outcome::Direct, ex);
            }
        }
        // R-RUBY-PV-1: URI.parse(value); the scheme is ignored, Net::HTTP speaks HTTP to it.
        match parse_uri(&value) {
            Ok(p) => {
                if !matches!(p.scheme.as_deref(), Some("http")) {
                    ex.notes.push(format!(
                        "the proxy's scheme ({}) is ignored: Net::HTTP talks plain HTTP to it",
                        p.scheme.as_deref().unwrap_or("none")
                    ));
                }
                if p.hostname.is_none() {
                    ex.notes.push(
                        "the proxy URI has no host: Net::HTTP fails to open a connection to an empty host".into(),
                    );
                }
                let port = p.port.and_then(|x| u16::try_from(x).ok());
                if let Some(x) = p.port.filter(|x| *x > 65535) {
                    ex.notes.push(format!("proxy port {x} is out of range: Net::HTTP tries it and fails to connect"));
                }
                let host = p.hostname.unwrap_or_default();
                ex.rule = Rule::ProxyVariable;
                (Outcome::Proxy { proxy: ProxyUrl::new("http", p.userinfo, &host, port), variable }, ex)
            }
            Err(message) => {
                ex.rule = Rule::InvalidProxy;
                (Outcome::Error { error: DecisionError::InvalidProxy { variable, message } }, ex)
            }
        }
    }
}

/// `ENV['no_proxy'] || ENV['NO_PROXY']` (an empty `no_proxy` is truthy and hides `NO_PROXY`).
fn no_proxy_var(env: &ProxyEnv) -> (&'static str, Option<&str>) {
    match (env.get("no_proxy"), env.get("NO_PROXY")) {
        (Some(v), _) => ("no_proxy", Some(v)),
        (None, Some(v)) => ("NO_PROXY", Some(v)),
        _ => ("no_proxy", None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_parser() {
        assert!(parse_uri("127.0.0.1:3128").is_err());
        assert!(parse_uri("http://[::1%25lo]/").is_err());
        assert!(parse_uri("http://a@b@c/").is_err());
        let u = parse_uri("localhost:3030").unwrap();
        assert_eq!((u.scheme.as_deref(), u.hostname.as_deref()), (Some("localhost"), None));
        let u = parse_uri("HTTP://Example.invalid:/").unwrap();
        assert_eq!((u.hostname.as_deref(), u.port), (Some("Example.invalid"), Some(80)));
    }

    #[test]
    fn decimal_ports() {
        let mut buf = [0u8; 20];
        for n in [0, 7, 80, 65535, 10_000_000_000, u64::MAX] {
            assert_eq!(decimal(n, &mut buf), n.to_string());
        }
    }

    #[test]
    fn compiled_matcher_is_used_and_agrees() {
        let list = "a.example:8080,.example,EXAMPLE.org:80,10.0.0.0/8:80,10.0.0.0/255.255.0.0,1.2.3.4,\u{212a}.test,.,*,x:99999999999999999999999";
        let hosts = [
            "a.example",
            "a.example:8080",
            "b.a.example",
            "example",
            "x.example.org",
            "example.org:81",
            "resolved.test",
            "resolved.test:80",
            "other.test",
            "10.0.0.1",
            "10.1.0.1",
            "10.0.0.1:81",
            "1.2.3.4",
            "x.1.2.3.4",
            "k.test",
            "dot.",
            "*",
            "x:99999999999999999999999",
            "x:18446744073709551615",
            "x:99",
        ];
        for id in ["ruby@2.5.0", "ruby"] {
            let f: crate::Flavor = id.parse().unwrap();
            let env = ProxyEnv::builder()
                .var("http_proxy", "http://p.invalid:1/")
                .var("NO_PROXY", list)
                .resolve("resolved.test", "10.0.0.7".parse().unwrap())
                .resolve("other.test", "192.0.2.1".parse().unwrap())
                .build();
            let p = f.prepare(&env);
            assert!(p.matcher().is_some_and(|m| m.fallback_entries().is_empty()), "{id}");
            for h in hosts {
                let url = format!("http://{h}/");
                assert_eq!(p.decide(&url), p.decide_reference(&url), "{id} {h}");
            }
            let d = p.decide("http://resolved.test/");
            assert_eq!(d.explanation.matched, Some(3), "{id}");
            assert!(d.explanation.notes.iter().any(|n| n.contains("resolved address")), "{id}");
            assert_eq!(p.decide("http://resolved.test:81/").explanation.matched, Some(4), "{id}");
        }
        let env = ProxyEnv::builder().var("http_proxy", "http://p.invalid:1/").var("no_proxy", list).build();
        let p = "ruby@3.1.2".parse::<crate::Flavor>().unwrap().prepare(&env);
        let m = p.matcher().unwrap();
        assert_eq!(m.match_name("a.example", Some("8080")), Some(0));
        assert_eq!(m.match_name("a.example", Some("80")), Some(1));
        assert_eq!(m.match_name("example", Some("80")), None);
        assert_eq!(m.match_name("k.test", Some("80")), Some(6));
        assert_eq!(m.match_ip("10.0.0.1".parse().unwrap(), Some("80")), Some(3));
        assert_eq!(m.match_ip("10.0.0.1".parse().unwrap(), Some("81")), Some(4));
        let p = "ruby".parse::<crate::Flavor>().unwrap().prepare(&ProxyEnv::builder().build());
        assert!(p.matcher().is_none());
    }

    #[test]
    fn ipaddr_tokens() {
        assert_eq!(ipaddr("10.0.0.0/8"), Some((Ipv4Addr::new(10, 0, 0, 0), 8)));
        assert_eq!(ipaddr("10.0.0.0/255.0.0.0"), Some((Ipv4Addr::new(10, 0, 0, 0), 8)));
        assert_eq!(ipaddr("010.1.2.3"), None);
        assert_eq!(ipaddr("10.1.2.3/33"), None);
        assert_eq!(ipaddr("10"), None);
    }
}
