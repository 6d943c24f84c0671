//! requests — `requests.get` with a default `Session` (`trust_env`):
//! `PreparedRequest.prepare_url`, `Session.merge_environment_settings`, `utils.get_environ_proxies`,
//! `utils.should_bypass_proxies`, `utils.is_ipv4_address`, `utils.is_valid_cidr`,
//! `utils.address_in_network`, `utils.select_proxy`, `utils.prepend_scheme_if_needed`,
//! `HTTPAdapter.get_connection_with_tls_context`/`proxy_manager_for` (`src/requests/utils.py`,
//! `sessions.py`, `models.py`, `adapters.py` of requests 2.33.1 and 2.34.2 from PyPI), and
//! urllib3 2.8.0 `util/url.py` (`parse_url`, `_normalize_host`). The environment dict and the
//! fallback bypass check are CPython's (`python_urllib`).
//! Rules: spec.md § Python requests, `R-PYREQ-*`. Vectors: tests/conformance/recorded/python-requests@*.jsonl.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use super::matching::{decimal, prefix_eq, Eval};
use super::python_urllib::{
    bypass_compiled, bypass_match, compile_bypass, getproxies_environment, mark_not_read, no_proxy_report, py_lower,
    py_space, PyProxies,
};
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic};
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::PythonRequests,
    name: "python-requests",
    summary: "Python requests (Session, trust_env): urllib's variables plus ALL_PROXY, IPv4 CIDR, label-boundary suffixes since 2.34.0",
    earliest: "2.33.1",
    latest: "2.34.2",
    versions: &["2.33.1", "2.34.0", "2.34.2"],
};

/// The knobs that changed over requests' history. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PyRequestsRules {
    /// R-PYREQ-MATCH-2: requests' own NO_PROXY loop strips leading dots and matches on a label
    /// boundary (2.34.0, "Port bpo-39057"); before, any string suffix matched
    /// (`example.com` also covered `notexample.com`, psf/requests#4795).
    pub label_boundary: bool,
}

const BASE: PyRequestsRules = PyRequestsRules { label_boundary: false };

/// requests' behaviour changes, oldest first.
pub const CHANGES: &[Change<PyRequestsRules>] = &[Change {
    since: &["2.34.0"],
    spec: "R-PYREQ-MATCH-2",
    summary: "NO_PROXY suffixes match on a label boundary; leading dots stripped",
    upstream: "psf/requests a4f9a599 (#7427, fixes #4795)",
    apply: |r| r.label_boundary = true,
}];

/// The rules of requests release `at`.
pub fn rules_for(at: Version) -> PyRequestsRules {
    super::rules_at(&BASE, CHANGES, at)
}

/// The environment as a requests `Session` reads it.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: PyRequestsRules,
    proxies: PyProxies,
    /// requests' own `no_proxy or NO_PROXY` (R-PYREQ-NP-1).
    own: Option<Arc<NoProxyReport>>,
    /// What each own entry is compared as: the token with every space removed, and its network
    /// when `is_valid_cidr` accepts it (one per `own` entry).
    own_keys: Vec<(String, Option<ipnet::Ipv4Net>)>,
    own_notes: Vec<VarNote>,
    /// urllib's `no` key, for the fallback `proxy_bypass`.
    urllib_no: Option<Arc<NoProxyReport>>,
    /// The own entries compiled for hosts `inet_aton` reads (CIDR + exact text) and for the
    /// other hosts (name and `host:port` meanings); both or neither (see [`compile_own`]).
    own_compiled: Option<(Arc<Matcher>, Arc<Matcher>)>,
    /// urllib's `no` key compiled (see `python_urllib::compile_bypass`).
    urllib_matcher: Option<Arc<Matcher>>,
}

impl Prepared {
    pub(crate) fn new(r: &PyRequestsRules, env: &ProxyEnv) -> Self {
        // The recordings ran on CPython 3.11 (R-PYURL-VAR-1: same keys for ASCII names).
        let proxies = getproxies_environment(env, false);
        let mut own_notes = Vec::new();
        let lower = env.get("no_proxy");
        let upper = env.get("NO_PROXY");
        let own = match (lower, upper) {
            (Some(v), _) if !v.is_empty() => Some(("no_proxy", v)),
            (_, Some(v)) if !v.is_empty() => Some(("NO_PROXY", v)),
            _ => None,
        };
        if lower == Some("") && own.is_some() {
            own_notes.push(VarNote::new("no_proxy", VarStatus::EmptyIgnored, lower));
        }
        let mut own_keys = Vec::new();
        let own = own.map(|(variable, value)| {
            let (entries, diagnostics, keys) = parse_own(r, value);
            own_keys = keys;
            Arc::new(NoProxyReport { variable: variable.into(), value: value.into(), entries, diagnostics })
        });
        let urllib_no = proxies.get("no").map(|p| Arc::new(no_proxy_report(p, true)));
        let own_compiled = own.as_ref().and_then(|_| compile_own(r, &own_keys));
        let urllib_matcher = urllib_no.as_deref().and_then(compile_bypass).map(Arc::new);
        Prepared { rules: r.clone(), proxies, own, own_keys, own_notes, urllib_no, own_compiled, urllib_matcher }
    }

    /// The compiled NO_PROXY: requests' own entries for host names (not `inet_aton`
    /// addresses), given the lower-cased host name and the URL's port as decimal text (none
    /// for port 0); else urllib's `no` key (hosts lower-cased, see `python_urllib`).
    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.own_compiled.as_ref().map(|(_, names)| &**names).or(self.urllib_matcher.as_deref())
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let mut ex = Explanation::new();
        ex.variables = self.proxies.notes.clone();
        ex.variables.extend(self.own_notes.iter().cloned());
        if let Some(v) = &self.proxies.cgi_dropped {
            ex.notes.push(format!(
                "REQUEST_METHOD is set: urllib's getproxies() (which requests uses) forgets the `http` key that {v} gave (httpoxy)"
            ));
        }
        // R-PYREQ-URL-1: prepare_url.
        let url = match prepare_url(target.as_str()) {
            Ok(u) => u,
            Err(error) => {
                ex.rule = Rule::InvalidUrl;
                return (Outcome::Error { error }, ex);
            }
        };
        ex.host = Some(HostView { host: url.hostname.clone(), ip: url.hostname.parse().ok(), port: url.port });
        // R-PYREQ-NP-*: should_bypass_proxies, then urllib's proxy_bypass as a fallback.
        let bypass = self.should_bypass(&url, eval);
        // R-PYREQ-URL-3: urllib3's pool re-parses the target host without its brackets, and a
        // zone ID (`%…`) then fails: a direct connection to such a host is an error.
        let zone_fails = |ex: &mut Explanation| {
            ex.rule = Rule::InvalidUrl;
            let message = "urllib3 cannot connect directly to an IPv6 host with a zone ID".into();
            (Outcome::Error { error: DecisionError::InvalidUrl { message } }, std::mem::replace(ex, Explanation::new()))
        };
        let zoned = url.hostname.contains(':') && url.hostname.contains('%');
        if let Some((np, i)) = bypass {
            ex.no_proxy = Some(np.clone());
            ex.matched = Some(i);
            ex.rule = if np.entries.get(i).is_some_and(|e| e.kind == EntryKind::All) {
                Rule::NoProxyAll
            } else {
                Rule::NoProxyMatch
            };
            let np_var = np.variable.clone();
            mark_not_read(&mut ex, &[Some(np_var.as_str())]);
            if zoned {
                return zone_fails(&mut ex);
            }
            return (Outcome::Direct, ex);
        }
        ex.no_proxy = self.own.clone().or_else(|| self.urllib_no.clone());
        // R-PYREQ-VAR-2: select_proxy: scheme, then `all`.
        let chosen = self.proxies.get(&url.scheme).or_else(|| self.proxies.get("all"));
        let Some(p) = chosen else {
            let np_var = ex.no_proxy.as_ref().map(|n| n.variable.clone());
            mark_not_read(&mut ex, &[np_var.as_deref()]);
            if zoned {
                return zone_fails(&mut ex);
            }
            ex.rule = if url.scheme == "http" && self.proxies.cgi_dropped.is_some() {
                Rule::Cgi
            } else {
                Rule::NoProxyVariable
            };
            return (Outcome::Direct, ex);
        };
        if p.key == "all" {
            ex.notes.push(format!("no {}_proxy: requests falls back to the `all` key ({})", url.scheme, p.var));
        }
        let np_var = ex.no_proxy.as_ref().map(|n| n.variable.clone());
        mark_not_read(&mut ex, &[Some(p.var.as_str()), np_var.as_deref()]);
        match parse_proxy(&p.value) {
            Ok(proxy) => {
                ex.rule = Rule::ProxyVariable;
                (Outcome::Proxy { proxy, variable: p.var.clone() }, ex)
            }
            Err(e) => {
                ex.rule = Rule::InvalidProxy;
                let error = match e {
                    ProxyError::Scheme(scheme) => {
                        if scheme.starts_with("socks") {
                            ex.notes.push("requests needs the PySocks extra (requests[socks]) for SOCKS proxies; a plain install fails with \"Missing dependencies for SOCKS support\"".into());
                        }
                        DecisionError::UnsupportedProxyScheme { variable: p.var.clone(), scheme }
                    }
                    ProxyError::Syntax(message) => DecisionError::InvalidProxy { variable: p.var.clone(), message },
                };
                (Outcome::Error { error }, ex)
            }
        }
    }

    /// `should_bypass_proxies(url, no_proxy=None)`: the report and entry that matched.
    fn should_bypass(&self, url: &ReqUrl, eval: Eval) -> Option<(&Arc<NoProxyReport>, usize)> {
        let compiled = eval == Eval::Compiled;
        if let Some(np) = &self.own {
            let found = match self.own_compiled.as_ref().filter(|_| compiled) {
                Some((ip, names)) => own_match_compiled(&self.rules, &self.own_keys, ip, names, url),
                None => own_match(&self.rules, &self.own_keys, url),
            };
            if let Some(i) = found {
                return Some((np, i));
            }
        }
        // R-PYREQ-NP-4: the fallback sees the bare host name (no port, no brackets).
        let np = self.urllib_no.as_ref()?;
        match self.urllib_matcher.as_deref().filter(|_| compiled) {
            Some(m) => bypass_compiled(m, &url.hostname),
            None => bypass_match(np, &url.hostname),
        }
        .map(|i| (np, i))
    }
}

/// requests' own entries: blanks removed (ASCII space only), split on `,`, empty skipped.
type OwnKeys = Vec<(String, Option<ipnet::Ipv4Net>)>;

fn parse_own(r: &PyRequestsRules, value: &str) -> (Vec<Entry>, Vec<NoProxyDiagnostic>, OwnKeys) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    let mut keys = Vec::new();
    let mut start = 0;
    for raw in value.split(',') {
        let lead = raw.len() - raw.trim_start_matches(' ').len();
        let trimmed = raw.trim_matches(' ');
        let span = start + lead..start + lead + trimmed.len();
        start += raw.len() + 1;
        let t: String = raw.chars().filter(|c| *c != ' ').collect();
        if t.is_empty() {
            continue;
        }
        if raw.trim_matches(' ').contains(' ') {
            diags.push(NoProxyDiagnostic {
                span: span.clone(),
                message: format!("requests deletes spaces before splitting: this is the single entry {t:?}"),
            });
        }
        let kind = if let Some(net) = valid_cidr(&t) {
            EntryKind::Cidr { net: ipnet::IpNet::V4(net) }
        } else if let Some(a) = inet_aton(&t) {
            EntryKind::Ip { addr: std::net::IpAddr::V4(a) }
        } else if t.contains('/') {
            diags.push(NoProxyDiagnostic {
                span: span.clone(),
                message: "not a CIDR requests accepts (IPv4 only, prefix 1–32): never matches an IP host".into(),
            });
            EntryKind::NeverMatches { reason: "invalid CIDR".into() }
        } else if r.label_boundary {
            EntryKind::Domain { name: t.trim_start_matches('.').to_owned(), apex: true, subdomains: true }
        } else {
            diags.push(NoProxyDiagnostic {
                span: span.clone(),
                message:
                    "requests < 2.34 matches any string suffix: this entry also covers names that merely end with it"
                        .into(),
            });
            EntryKind::Domain { name: t.clone(), apex: true, subdomains: true }
        };
        let mut kind = kind;
        let mut port = None;
        if let Some((h, p)) =
            t.rsplit_once(':').filter(|(h, p)| !h.contains(':') && p.bytes().all(|b| b.is_ascii_digit()))
        {
            port = Some(p.to_owned());
            if let EntryKind::Domain { name, .. } = &mut kind {
                *name = if r.label_boundary { h.trim_start_matches('.') } else { h }.to_owned();
            }
        }
        let cidr = valid_cidr(&t);
        keys.push((t, cidr));
        let mut e = Entry::new(trimmed, span, kind);
        e.port = port;
        entries.push(e);
    }
    (entries, diags, keys)
}

/// The own loop of `should_bypass_proxies` (R-PYREQ-MATCH-1 … 3).
fn own_match(r: &PyRequestsRules, keys: &[(String, Option<ipnet::Ipv4Net>)], url: &ReqUrl) -> Option<usize> {
    let host = &url.hostname;
    if let Some(ip) = inet_aton(host) {
        return keys.iter().position(|(text, cidr)| match cidr {
            Some(net) => prefix_eq(&net.addr().octets(), &ip.octets(), net.prefix_len()),
            None => host == text,
        });
    }
    let with_port = match url.port {
        Some(p) if p != 0 => format!("{host}:{p}"),
        _ => host.clone(),
    };
    // `h.endswith("." + t)`.
    let dot_suffix =
        |h: &str, t: &str| h.len() > t.len() && h.ends_with(t) && h.as_bytes()[h.len() - t.len() - 1] == b'.';
    keys.iter().position(|(text, _)| {
        if r.label_boundary {
            let t = text.trim_start_matches('.');
            *host == t || with_port == t || dot_suffix(host, t) || dot_suffix(&with_port, t)
        } else {
            host.ends_with(text.as_str()) || with_port.ends_with(text.as_str())
        }
    })
}

/// Index requests' own entries (`keys`, one per entry) for [`own_match_compiled`]: the same
/// first match as [`own_match`] for every host and port.
///
/// - `inet_aton` hosts: a valid CIDR is an IPv4 prefix; any other entry matches only the host
///   written exactly like it (a name with `apex` only).
/// - Other hosts, `with_port` being `host:port` (port ≠ 0) or `host`: an entry `t` (≥ 2.34:
///   leading dots stripped) is the name `t` (`host == t`, `host` ends with `.t`; < 2.34: the
///   suffix text `t`); written `a:b` (last `:`) it also matches `with_port` exactly when the
///   port is `b` and `host` matches `a` that way (name or suffix `a` restricted to port `b`).
///   < 2.34 only: an all-digit entry of at most 5 digits is also a suffix of the port's digits
///   (`with_port.endswith("80")` for port 8080); the index has no "port ends with" meaning,
///   so those entries are fallback entries.
fn compile_own(r: &PyRequestsRules, keys: &[(String, Option<ipnet::Ipv4Net>)]) -> Option<(Arc<Matcher>, Arc<Matcher>)> {
    let mut ip = MatcherBuilder::new(Case::Sensitive);
    let mut names = MatcherBuilder::new(Case::Sensitive);
    let bytes = keys.iter().map(|(t, _)| t.len()).sum();
    names.reserve(keys.len(), bytes);
    for (i, (text, cidr)) in keys.iter().enumerate() {
        match cidr {
            Some(net) => ip.cidr(i, IpAddr::V4(net.addr()), net.prefix_len(), None),
            None => ip.name(i, text, true, false, None),
        }
        if r.label_boundary {
            let t = text.trim_start_matches('.');
            names.name(i, t, true, true, None);
            if let Some((a, b)) = t.rsplit_once(':') {
                names.name(i, a, true, true, Some(b));
            }
        } else {
            names.suffix(i, text, None);
            if let Some((a, b)) = text.rsplit_once(':') {
                names.suffix(i, a, Some(b));
            } else if !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit()) {
                names.fallback(i);
            }
        }
    }
    Some((Arc::new(ip.build()?), Arc::new(names.build()?)))
}

/// [`own_match`] on the indexes of [`compile_own`] (no allocation).
fn own_match_compiled(
    r: &PyRequestsRules,
    keys: &[(String, Option<ipnet::Ipv4Net>)],
    ip_index: &Matcher,
    names: &Matcher,
    url: &ReqUrl,
) -> Option<usize> {
    let host = url.hostname.as_str();
    if let Some(ip) = inet_aton(host) {
        return super::matching::earlier(ip_index.match_ip(IpAddr::V4(ip), None), ip_index.match_name(host, None));
    }
    let mut buf = [0u8; 20];
    let port = url.port.filter(|p| *p != 0).map(|p| decimal(u64::from(p), &mut buf));
    names.first(names.match_name(host, port), |i| {
        // Fallback entries (< 2.34, all digits): the reference test, `with_port` not built.
        let text = keys.get(i).map_or("", |(t, _)| t.as_str());
        !r.label_boundary && (host.ends_with(text) || joined_ends_with(host, port, text))
    })
}

/// Does `host:port` (just `host` without a port) end with `t`?
fn joined_ends_with(host: &str, port: Option<&str>, t: &str) -> bool {
    let Some(p) = port else { return host.ends_with(t) };
    if t.len() <= p.len() {
        return p.ends_with(t);
    }
    let rest = t.len() - p.len() - 1;
    t.ends_with(p) && t.as_bytes()[rest] == b':' && host.ends_with(&t[..rest])
}

/// glibc `inet_aton` (what `socket.inet_aton` calls): 1–4 parts, each decimal, `0x` hex or
/// `0` octal, the last part filling the remaining bytes.
pub(crate) fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let mut parts = [0u64; 4];
    let mut n = 0;
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let mut base = 10;
        if b[i] == b'0' {
            i += 1;
            if matches!(b.get(i), Some(b'x' | b'X')) {
                base = 16;
                i += 1;
            } else {
                base = 8;
            }
        }
        let mut val: u64 = 0;
        while let Some(&c) = b.get(i) {
            let d = match (c as char).to_digit(16) {
                Some(d) if base == 16 => d,
                Some(d) if c.is_ascii_digit() && d < base => d,
                Some(_) if c.is_ascii_digit() => return None,
                _ => break,
            };
            val = val * u64::from(base) + u64::from(d);
            if val > 0xffff_ffff {
                return None;
            }
            i += 1;
        }
        match b.get(i) {
            Some(b'.') => {
                if n >= 3 || val > 0xff {
                    return None;
                }
                parts[n] = val;
                n += 1;
                i += 1;
            }
            None => {
                parts[n] = val;
                n += 1;
                break;
            }
            Some(c) if c.is_ascii_whitespace() => {
                parts[n] = val;
                n += 1;
                break;
            }
            _ => return None,
        }
    }
    let v = match &parts[..n] {
        [a] => *a,
        [a, b] if *b <= 0xff_ffff => (a << 24) | b,
        [a, b, c] if *c <= 0xffff => (a << 24) | (b << 16) | c,
        [a, b, c, d] if *d <= 0xff => (a << 24) | (b << 16) | (c << 8) | d,
        _ => return None,
    };
    Some(Ipv4Addr::from(v as u32))
}

/// `is_valid_cidr`: exactly one `/`, `int()` prefix 1–32, `inet_aton` address.
fn valid_cidr(s: &str) -> Option<ipnet::Ipv4Net> {
    let (a, m) = s.split_once('/')?;
    if m.contains('/') {
        return None;
    }
    let m = m.trim_matches(py_space);
    let m = m.strip_prefix('+').unwrap_or(m);
    if m.is_empty() || m.len() > 4 || !m.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bits: u8 = m.parse().ok()?;
    if !(1..=32).contains(&bits) {
        return None;
    }
    ipnet::Ipv4Net::new(inet_aton(a)?, bits).ok()
}

/// The prepared URL as `should_bypass_proxies` and `select_proxy` see it.
struct ReqUrl {
    scheme: String,
    /// `urlparse(url).hostname`: lower case, no brackets.
    hostname: String,
    port: Option<u16>,
}

/// urllib3 `_SCHEME_RE`: `^(?:[a-zA-Z][a-zA-Z0-9+-]*:|/)`.
fn scheme_prefix(s: &str) -> Option<&str> {
    if s.starts_with('/') {
        return Some("");
    }
    let i = s.find(':')?;
    let sc = &s[..i];
    let mut b = sc.bytes();
    (b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'-'))
    .then_some(sc)
}

/// (scheme, host, port) as urllib3's `parse_url` returns them.
type UrlParts = (Option<String>, Option<String>, Option<u16>);

/// urllib3 `parse_url`, the parts requests uses.
fn parse_url(url: &str) -> Result<UrlParts, String> {
    let fail = || format!("Failed to parse: {}", crate::secret::redact_value(url));
    let owned;
    let u = if scheme_prefix(url).is_none() {
        owned = format!("//{url}");
        owned.as_str()
    } else {
        url
    };
    // _URI_RE: scheme `[a-zA-Z][a-zA-Z0-9+.-]*:`, then `//authority` up to `\ / ? #`.
    let (scheme, rest) = match u.find(':') {
        Some(i)
            if u[..i].bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
                && u[..i].bytes().all(|c| c.is_ascii_alphanumeric() || b"+.-".contains(&c)) =>
        {
            (Some(u[..i].to_ascii_lowercase()), &u[i + 1..])
        }
        _ => (None, u),
    };
    let Some(auth) = rest.strip_prefix("//") else {
        return Ok((scheme, None, None));
    };
    let authority = &auth[..auth.find(['\\', '/', '?', '#']).unwrap_or(auth.len())];
    if authority.is_empty() {
        return Ok((scheme, None, None));
    }
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // _HOST_PORT_RE: host (reg-name, IPv4 or [IPv6]) then `:0*?(|0|[1-9][0-9]{0,4})`.
    let (host, port) = if host_port.starts_with('[') {
        let close = host_port.find(']').ok_or_else(fail)?;
        (&host_port[..=close], host_port[close + 1..].strip_prefix(':'))
    } else {
        match host_port.find(':') {
            Some(i) => (&host_port[..i], Some(&host_port[i + 1..])),
            None => (host_port, None),
        }
    };
    if host_port.starts_with('[') && !host_port[host.len()..].is_empty() && port.is_none() {
        return Err(fail());
    }
    let port = match port {
        None => None,
        Some(p) => {
            let digits = p.trim_start_matches('0');
            if !p.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 5 {
                return Err(fail());
            }
            if p.is_empty() {
                None
            } else {
                Some(digits.parse::<u32>().unwrap_or(0).try_into().map_err(|_| fail())?)
            }
        }
    };
    let host = normalize_host(host, scheme.as_deref()).map_err(|m| format!("Failed to parse: {m}"))?;
    Ok((scheme, (!host.is_empty()).then_some(host), port))
}

/// urllib3 `_normalize_host` (schemes http, https and none).
fn normalize_host(host: &str, scheme: Option<&str>) -> Result<String, String> {
    if host.bytes().any(|b| b <= 0x20 || b == 0x7f) {
        return Err(format!("Host {host:?} contains invalid character"));
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or("bad IPv6")?;
        let (addr, zone) = match inner.find('%') {
            Some(i) => (&inner[..i], Some(&inner[i..])),
            None => (inner, None),
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{host:?} is not a valid host"));
        }
        return Ok(match zone {
            None => host.to_ascii_lowercase(),
            Some(z) => {
                let z = z.strip_prefix("%25").filter(|z| !z.is_empty()).unwrap_or(&z[1..]);
                if z.is_empty() || !z.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-~".contains(&b)) {
                    return Err(format!("{host:?} is not a valid host"));
                }
                format!("[{}%{z}]", addr.to_ascii_lowercase())
            }
        });
    }
    if host.contains(['[', ']']) {
        return Err(format!("{host:?} is not a valid host or port"));
    }
    if !matches!(scheme, None | Some("http") | Some("https")) {
        return Ok(host.to_owned());
    }
    let mut host = host.to_owned();
    if host.contains('%') {
        host = percent_host(&host).ok_or_else(|| format!("{host:?} is not a valid host"))?;
    }
    let labels: Result<Vec<String>, String> = host
        .split('.')
        .map(|l| {
            if l.is_ascii() {
                Ok(l.to_ascii_lowercase())
            } else {
                idna_label(l).ok_or_else(|| format!("Name '{l}' is not a valid IDNA label"))
            }
        })
        .collect();
    Ok(labels?.join("."))
}

/// `%XX` in a host: unreserved octets decoded, others upper-cased; a bare `%` is an error.
fn percent_host(h: &str) -> Option<String> {
    let b = h.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: Option<&u8>| c.and_then(|&c| (c as char).to_digit(16));
            let (x, y) = (hex(b.get(i + 1))?, hex(b.get(i + 2))?);
            let c = (x * 16 + y) as u8;
            if c.is_ascii_alphanumeric() || b"._-~".contains(&c) {
                out.push(c as char);
            } else {
                out.push_str(&h[i..i + 3].to_ascii_uppercase());
            }
            i += 3;
        } else {
            let ch = h[i..].chars().next()?;
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    Some(out)
}

/// `idna.encode(label.lower(), strict=True, std3_rules=True)` for one non-ASCII label: a label
/// that UTS #46 would have to *map* (full-width letters, ideographic full stop, …) is not valid
/// IDNA 2008 and fails.
fn idna_label(l: &str) -> Option<String> {
    let lower = py_lower(l);
    if lower.contains(['\u{3002}', '\u{ff0e}', '\u{ff61}']) {
        return None;
    }
    let (uni, res) = idna::domain_to_unicode(&lower);
    if res.is_err() || uni != lower {
        return None;
    }
    super::matching::idna_ascii(&lower).ok()
}

/// `PreparedRequest.prepare_url` plus what `should_bypass_proxies`/`select_proxy` read from it.
fn prepare_url(raw: &str) -> Result<ReqUrl, DecisionError> {
    let bad = |m: String| DecisionError::InvalidUrl { message: m };
    let url = raw.trim_matches(py_space);
    // R-PYREQ-URL-2: a URL with `:` that does not start with "http" is kept as it is; no
    // adapter serves it ("No connection adapters were found").
    if url.contains(':') && !url.to_ascii_lowercase().starts_with("http") {
        let scheme = url.split(':').next().unwrap_or_default().to_ascii_lowercase();
        return Err(DecisionError::UnsupportedUrlScheme { scheme });
    }
    let (scheme, host, port) = parse_url(url).map_err(bad)?;
    let Some(scheme) = scheme else {
        return Err(bad("No scheme supplied".into()));
    };
    let Some(host) = host else {
        return Err(bad("No host supplied".into()));
    };
    if host.starts_with(['*', '.']) {
        return Err(bad("URL has an invalid label".into()));
    }
    if scheme != "http" && scheme != "https" {
        return Err(DecisionError::UnsupportedUrlScheme { scheme });
    }
    let hostname = match host.strip_prefix('[') {
        Some(h) => {
            let h = h.trim_end_matches(']');
            // requote_uri turns the zone separator back into %25.
            match h.split_once('%') {
                Some((a, z)) => format!("{a}%25{z}"),
                None => h.to_owned(),
            }
        }
        None => host,
    };
    Ok(ReqUrl { scheme, hostname: py_lower(&hostname), port })
}

enum ProxyError {
    Syntax(String),
    Scheme(String),
}

/// `prepend_scheme_if_needed(proxy, "http")`, `parse_url`, the host check, then urllib3's
/// `ProxyManager` (R-PYREQ-PV-1 … 4).
fn parse_proxy(value: &str) -> Result<ProxyUrl, ProxyError> {
    let (scheme, host, port) = parse_url(value).map_err(ProxyError::Syntax)?;
    let scheme = scheme.unwrap_or_else(|| "http".into());
    let Some(host) = host else {
        return Err(ProxyError::Syntax(
            "Please check proxy URL. It is malformed and could be missing the host.".into(),
        ));
    };
    if scheme.starts_with("socks") || (scheme != "http" && scheme != "https") {
        return Err(ProxyError::Scheme(scheme));
    }
    let port = port.unwrap_or(if scheme == "https" { 443 } else { 80 });
    let t = Target::parse(&format!("{scheme}://{}", value.split_once("://").map_or(value, |(_, r)| r)));
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Ok(ProxyUrl::new(&scheme, t.userinfo().map(str::to_owned), host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_aton_like_glibc() {
        assert_eq!(inet_aton("127.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("010.1.2.3"), Some(Ipv4Addr::new(8, 1, 2, 3)));
        assert_eq!(inet_aton("0x7f.1"), Some(Ipv4Addr::new(127, 0, 0, 1)));
        assert_eq!(inet_aton("1.2.3.4."), None);
        assert_eq!(inet_aton("example"), None);
        assert_eq!(inet_aton("08.1.2.3"), None);
    }

    fn prepared(version: &str, no_proxy: &str) -> Prepared {
        Prepared::new(&rules_for(version.parse().unwrap()), &ProxyEnv::builder().var("no_proxy", no_proxy).build())
    }

    fn url(host: &str, port: Option<u16>) -> ReqUrl {
        ReqUrl { scheme: "http".into(), hostname: host.into(), port }
    }

    #[test]
    fn compiled_own_entries() {
        let new = prepared("2.34.2", "10.0.0.0/8,.example.com,docker:2376,127.1,::1");
        assert!(new.matcher().is_some_and(|m| m.fallback_entries().is_empty()));
        let old = prepared("2.33.1", "example.com,docker:2376,80,10.0.0.0/8");
        assert_eq!(old.matcher().map(|m| m.fallback_entries()), Some(&[2usize][..]));
        let m = old.matcher().unwrap();
        assert_eq!(m.match_name("notexample.com", None), Some(0));
        assert_eq!(m.match_name("xdocker", Some("2376")), Some(1));
        let cases = [
            ("10.1.2.3", None),
            ("10.1.2.3", Some(80)),
            ("127.1", None),
            ("127.0.0.1", None),
            ("a.example.com", Some(8080)),
            ("notexample.com", None),
            ("docker", Some(2376)),
            ("x.docker", Some(2376)),
            ("docker", Some(2375)),
            ("docker", None),
            ("host", Some(8080)),
            ("host", Some(80)),
            ("host", Some(0)),
            ("::1", Some(80)),
            ("other", None),
        ];
        for p in [&new, &old] {
            for (h, port) in cases {
                let u = url(h, port);
                let got = p.should_bypass(&u, Eval::Compiled).map(|(_, i)| i);
                let want = p.should_bypass(&u, Eval::Reference).map(|(_, i)| i);
                assert_eq!(got, want, "{h} {port:?}");
            }
        }
        assert_eq!(old.should_bypass(&url("host", Some(8080)), Eval::Compiled).map(|(_, i)| i), Some(2));
        assert_eq!(new.should_bypass(&url("x.docker", Some(2376)), Eval::Compiled).map(|(_, i)| i), Some(2));
        let mut buf = [0u8; 20];
        assert_eq!(decimal(65535, &mut buf), "65535");
        assert_eq!(decimal(7, &mut buf), "7");
        assert!(joined_ends_with("h", Some("80"), "h:80"));
        assert!(joined_ends_with("ah", Some("80"), "h:80"));
        assert!(!joined_ends_with("h", Some("80"), "h:8"));
        assert!(joined_ends_with("h", Some("8080"), "80"));
    }

    #[test]
    fn cidr_like_requests() {
        assert!(valid_cidr("10.0.0.0/8").is_some());
        assert!(valid_cidr("10.0.0.0/0").is_none());
        assert!(valid_cidr("10.0.0.0/33").is_none());
        assert!(valid_cidr("::1/128").is_none());
    }

    #[test]
    fn proxy_values() {
        assert!(parse_proxy("localhost:3128").is_err());
        assert_eq!(parse_proxy("127.0.0.1:3018").ok().map(|p| p.addr()), Some("127.0.0.1:3018".into()));
        assert_eq!(parse_proxy("http://[::1]").ok().map(|p| p.addr()), Some("[::1]:80".into()));
        assert!(parse_proxy("http://127.0.0.1:99999").is_err());
    }
}
