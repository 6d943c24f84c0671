//! CPython `urllib.request` — `urlopen` with the default opener: `getproxies_environment`,
//! `proxy_bypass_environment`, `ProxyHandler.proxy_open`, `_parse_proxy`, `Request._parse`,
//! `Request.set_proxy`, `OpenerDirector._open`, and `http.client.HTTPConnection._get_hostport`
//! (`Lib/urllib/request.py`, `Lib/urllib/parse.py`, `Lib/http/client.py`; read in CPython
//! 3.11.2/3.11.7/3.12.1/3.13.0 installs and a 3.14-era copy of `request.py`).
//! Rules: spec.md § Python urllib, `R-PYURL-*`. Vectors: tests/conformance/recorded/python-urllib@3.*.jsonl.
//!
//! The environment readers (`getproxies_environment`, `proxy_bypass_environment`) are shared
//! with requests, which calls them (see `python_requests`).

use std::borrow::Cow;
use std::sync::Arc;

use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic};
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::PythonUrllib,
    name: "python-urllib",
    summary: "CPython urllib.request (urlopen): any *_proxy name, lower-case suffix wins, empty deletes, no CIDR",
    earliest: "3.11",
    latest: "3.14",
    versions: &["3.11", "3.12", "3.13", "3.14"],
};

/// The knobs of CPython's urllib. No proxy-selection behaviour changed between 3.11 and
/// 3.14 (R-PYURL-HIST-1); the struct exists so a future change is one `Change` away.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PyUrllibRules {
    /// R-PYURL-VAR-1: names are screened as `name[-6] == "_" and name[-5:].lower() == "proxy"`
    /// (3.12, gh-91539, PR #91566 speed-up) instead of `name.lower()[-6:] == "_proxy"` (3.11). Same
    /// result for every ASCII name.
    pub fast_name_screen: bool,
}

const BASE: PyUrllibRules = PyUrllibRules { fast_name_screen: false };

/// urllib's behaviour changes, oldest first.
pub const CHANGES: &[Change<PyUrllibRules>] = &[Change {
    since: &["3.12"],
    spec: "R-PYURL-VAR-1",
    summary: "getproxies_environment screens names without lower-casing them whole (no change for ASCII names)",
    upstream: "python/cpython gh-91539 (PR #91566)",
    apply: |r| r.fast_name_screen = true,
}];

/// The rules of CPython release `at`.
pub fn rules_for(at: Version) -> PyUrllibRules {
    super::rules_at(&BASE, CHANGES, at)
}

// ===== shared readers (also used by python_requests) =====

/// Python's `str.isspace()` (what `str.strip()` removes).
pub(crate) fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python `str.lower()`.
pub(crate) fn py_lower(s: &str) -> String {
    s.to_lowercase()
}

/// One key of the dict `getproxies_environment()` returns, with the variable that set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PyProxy {
    /// Lower-cased name without `_proxy` (`http`, `no`, `all`, …).
    pub key: String,
    /// The value.
    pub value: String,
    /// The variable that set it, as spelled.
    pub var: String,
}

/// `getproxies_environment()` (R-PYURL-VAR-1 … 5), with notes on every variable read.
#[derive(Clone, Debug, Default)]
pub(crate) struct PyProxies {
    pub map: Vec<PyProxy>,
    pub notes: Vec<VarNote>,
    /// The CGI rule dropped the `http` key of the first pass.
    pub cgi_dropped: Option<String>,
}

impl PyProxies {
    pub(crate) fn get(&self, key: &str) -> Option<&PyProxy> {
        self.map.iter().find(|p| p.key == key)
    }
    fn set(&mut self, key: String, value: &str, var: &str) {
        let p = PyProxy { key: key.clone(), value: value.to_owned(), var: var.to_owned() };
        match self.map.iter_mut().find(|p| p.key == key) {
            Some(slot) => *slot = p,
            None => self.map.push(p),
        }
    }
    fn pop(&mut self, key: &str) -> Option<PyProxy> {
        let i = self.map.iter().position(|p| p.key == key)?;
        Some(self.map.remove(i))
    }
}

/// Does `name` end in `_proxy` in any case? Returns the lower-cased prefix (the dict key).
/// `fast`: the 3.12+ screen (R-PYURL-VAR-1); else 3.11's `name.lower()[-6:] == '_proxy'`.
fn proxy_key(name: &str, fast: bool) -> Option<String> {
    if !fast {
        let lower = py_lower(name);
        return lower.strip_suffix("_proxy").map(str::to_owned);
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 6 || chars[chars.len() - 6] != '_' {
        return None;
    }
    let tail: String = chars[chars.len() - 5..].iter().collect();
    if py_lower(&tail) != "proxy" {
        return None;
    }
    Some(py_lower(&chars[..chars.len() - 6].iter().collect::<String>()))
}

/// `getproxies_environment()`: every `*_proxy` name in any case (first pass, non-empty
/// values, environment order), CGI drops `http`, then names ending in exactly `_proxy`
/// override or, when empty, delete (second pass).
pub(crate) fn getproxies_environment(env: &ProxyEnv, fast: bool) -> PyProxies {
    let mut out = PyProxies::default();
    let named: Vec<(&str, &str, String)> = env
        .vars()
        .iter()
        .filter_map(|v| Some((v.name.as_str(), v.value.as_str(), proxy_key(&v.name, fast)?)))
        .collect();
    // R-PYURL-VAR-1: first pass.
    for (name, value, key) in &named {
        if !value.is_empty() {
            out.set(key.clone(), value, name);
        }
    }
    // R-PYURL-VAR-4: CGI (exact name REQUEST_METHOD, any value, even empty).
    if env.get("REQUEST_METHOD").is_some() {
        if let Some(p) = out.pop("http") {
            out.cgi_dropped = Some(p.var);
        }
    }
    // R-PYURL-VAR-2/3: second pass, lower-case suffix only.
    for (name, value, key) in &named {
        if name.ends_with("_proxy") {
            if value.is_empty() {
                out.pop(key);
            } else {
                out.set(key.clone(), value, name);
            }
        }
    }
    for (name, value, key) in &named {
        let winner = out.get(key).is_some_and(|p| p.var == *name);
        let status = if winner {
            VarStatus::Used
        } else if out.cgi_dropped.as_deref() == Some(*name) && out.get("http").is_none() {
            VarStatus::NotRead
        } else if value.is_empty() {
            VarStatus::EmptyIgnored
        } else {
            VarStatus::Shadowed
        };
        out.notes.push(VarNote::new(name, status, Some(value)));
    }
    out
}

/// `urllib.parse._splitport`: `(.*):([0-9]*)` over the whole string; `host:` loses the colon.
pub(crate) fn split_port(host: &str) -> (&str, Option<&str>) {
    if let Some(i) = host.rfind(':') {
        let port = &host[i + 1..];
        if port.bytes().all(|b| b.is_ascii_digit()) {
            return (&host[..i], (!port.is_empty()).then_some(port));
        }
    }
    (host, None)
}

/// `no_proxy` split the way `proxy_bypass_environment` does (R-PYURL-NP-1 … 4).
pub(crate) fn parse_no_proxy(value: &str, requests: bool) -> (Vec<Entry>, Vec<NoProxyDiagnostic>) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    if value == "*" {
        entries.push(Entry::new("*", 0..1, EntryKind::All));
        return (entries, diags);
    }
    let mut start = 0;
    for raw in value.split(',') {
        let lead = raw.len() - raw.trim_start_matches(py_space).len();
        let t = raw.trim_matches(py_space);
        let span = start + lead..start + lead + t.len();
        start += raw.len() + 1;
        if t.is_empty() {
            continue;
        }
        let name = py_lower(t.trim_start_matches('.'));
        // The span covers what is compared: the token without its leading dots.
        let span = span.start + (t.len() - t.trim_start_matches('.').len())..span.end;
        let mut note = |m: &str| diags.push(NoProxyDiagnostic { span: span.clone(), message: m.to_owned() });
        // `*` inside an entry and unbracketed IPv6 entries are still compared as text: they
        // match only hosts written that way (`http://a.*.x/`, `http://::1/`), so they stay names.
        if t.contains('*') {
            note("Python has no wildcards: `*` works only as the whole value; here it is compared literally");
        }
        let kind = if t.contains('/') && !requests {
            note("urllib has no CIDR support: an entry with `/` never matches a host");
            EntryKind::NeverMatches { reason: "CIDR not supported".into() }
        } else {
            if t.parse::<std::net::Ipv6Addr>().is_ok() && !requests {
                note("urllib compares IPv6 hosts with their brackets: write [::1], not ::1");
            }
            let (h, port) = match split_port(&name) {
                (h, Some(p)) if !h.ends_with(']') || h.starts_with('[') => (h.to_owned(), Some(p.to_owned())),
                _ => (name.clone(), None),
            };
            if port.is_some() {
                note("an entry with a port matches only URLs that write that port explicitly");
            }
            let mut e = Entry::new(&name, span.clone(), EntryKind::Domain { name: h, apex: true, subdomains: true });
            e.port = port;
            entries.push(e);
            continue;
        };
        entries.push(Entry::new(&name, span, kind));
    }
    (entries, diags)
}

/// `proxy_bypass_environment(host)`: index of the matching entry (R-PYURL-NP-*, R-PYURL-MATCH-*).
/// Entry texts are already stripped of leading dots and lower-cased.
pub(crate) fn bypass_match(np: &NoProxyReport, host: &str) -> Option<usize> {
    if np.value == "*" {
        return Some(0);
    }
    let host = py_lower(host);
    let (hostonly, _) = split_port(&host);
    // `h.endswith("." + name)`.
    let dot_suffix = |h: &str, name: &str| {
        h.len() > name.len() && h.ends_with(name) && h.as_bytes()[h.len() - name.len() - 1] == b'.'
    };
    np.entries.iter().position(|e| {
        let name = e.text.as_str();
        hostonly == name || host == name || dot_suffix(hostonly, name) || dot_suffix(&host, name)
    })
}

/// Index a report for [`bypass_match`]: every entry text `n` (already lower-cased, leading
/// dots stripped) means "the host is `n` or ends with `.n`", compared byte for byte after
/// Python's `lower()` of the host. Exact for every entry form (no fallback entries).
pub(crate) fn compile_bypass(np: &NoProxyReport) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::Sensitive);
    if np.value == "*" {
        b.all(0);
        return b.build();
    }
    b.reserve(np.entries.len(), np.value.len());
    for (i, e) in np.entries.iter().enumerate() {
        b.name(i, &e.text, true, true, None);
    }
    b.build()
}

/// [`bypass_match`] on the index built by [`compile_bypass`]: the host with and without its
/// port are two lookups (no allocation unless the host has upper-case or non-ASCII letters).
pub(crate) fn bypass_compiled(m: &Matcher, host: &str) -> Option<usize> {
    let host: Cow<'_, str> = if host.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(py_lower(host))
    } else {
        Cow::Borrowed(host)
    };
    let (hostonly, _) = split_port(&host);
    let a = m.match_name(hostonly, None);
    if hostonly.len() == host.len() {
        return a;
    }
    super::matching::earlier(a, m.match_name(&host, None))
}

/// Build the report for the `no` key.
pub(crate) fn no_proxy_report(p: &PyProxy, requests: bool) -> NoProxyReport {
    let (entries, diagnostics) = parse_no_proxy(&p.value, requests);
    NoProxyReport { variable: p.var.clone(), value: p.value.clone(), entries, diagnostics }
}

// ===== urlopen =====

/// `urllib.parse._splittype`: `([^/:]+):(.*)`, scheme lower-cased.
fn split_type(s: &str) -> Option<(String, &str)> {
    let i = s.find(':')?;
    let scheme = &s[..i];
    if scheme.is_empty() || scheme.contains('/') {
        return None;
    }
    Some((py_lower(scheme), &s[i + 1..]))
}

/// `urllib.parse._splithost`: `//([^/#?]*)(.*)`.
fn split_host(rest: &str) -> Option<&str> {
    let r = rest.strip_prefix("//")?;
    Some(&r[..r.find(['/', '#', '?']).unwrap_or(r.len())])
}

/// `urllib.parse.unquote` (UTF-8, invalid sequences replaced).
pub(crate) fn unquote(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `urllib.request._parse_proxy`: (scheme, userinfo, hostport).
fn parse_proxy(proxy: &str) -> Result<(Option<String>, Option<String>, String), String> {
    let (scheme, r_scheme) = match split_type(proxy) {
        Some((scheme, r)) => (Some(scheme), r),
        None => (None, proxy),
    };
    let (scheme, authority) = if !r_scheme.starts_with('/') {
        (None, proxy)
    } else {
        let Some(r2) = r_scheme.strip_prefix("//") else {
            return Err(format!("proxy URL with no authority: {}", crate::secret::redact_value(proxy)));
        };
        let end = match r2.find('@') {
            Some(at) => r2[at..].find('/').map(|j| at + j),
            None => r2.find('/'),
        };
        (scheme, &r2[..end.unwrap_or(r2.len())])
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (Some(authority[..i].to_owned()), &authority[i + 1..]),
        None => (None, authority),
    };
    Ok((scheme, userinfo, hostport.to_owned()))
}

/// Python `int()` on a port string: optional blanks and sign, ASCII digits (underscores
/// between digits allowed).
fn py_int(s: &str) -> Option<i64> {
    let t = s.trim_matches(py_space);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if t.is_empty() || t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    let digits: String = t.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 18 {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    Some(if neg { -v } else { v })
}

/// `http.client.HTTPConnection._get_hostport`.
fn get_hostport(host: &str, default: u16) -> Result<(String, i64), String> {
    let i = host.rfind(':');
    let j = host.rfind(']');
    let (mut h, port) = match i {
        Some(i) if j.is_none_or(|j| i > j) => {
            let p = &host[i + 1..];
            let port = match py_int(p) {
                Some(n) => n,
                None if p.is_empty() => i64::from(default),
                None => return Err(format!("nonnumeric port: '{p}'")),
            };
            (&host[..i], port)
        }
        _ => (host, i64::from(default)),
    };
    if h.starts_with('[') && h.ends_with(']') && h.len() >= 2 {
        h = &h[1..h.len() - 1];
    }
    Ok((h.to_owned(), port))
}

/// `http.client`'s `_contains_disallowed_url_pchar_re`: `[\x00-\x20\x7f]`.
fn has_ctl_or_space(s: &str) -> bool {
    s.bytes().any(|b| b <= 0x20 || b == 0x7f)
}

/// Can `ProxyHandler` register `<key>_open` for this key? (`OpenerDirector.add_handler`
/// splits method names at the first `_` and skips `proxy_open`/`do_open`.)
fn usable_key(key: &str) -> bool {
    !key.contains('_') && key != "proxy" && key != "do" && !key.is_empty()
}

/// The environment as urlopen reads it.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    proxies: PyProxies,
    no_proxy: Option<Arc<NoProxyReport>>,
    /// The compiled `no_proxy` (see [`compile_bypass`]).
    matcher: Option<Arc<Matcher>>,
}

/// The request as it moves through the opener.
struct Req {
    ty: String,
    host: Option<String>,
    tunnel: Option<String>,
    selector_is_url: bool,
    full_url: String,
    path: String,
}

impl Prepared {
    pub(crate) fn new(r: &PyUrllibRules, env: &ProxyEnv) -> Self {
        let proxies = getproxies_environment(env, r.fast_name_screen);
        let no_proxy = proxies.get("no").map(|p| Arc::new(no_proxy_report(p, false)));
        let matcher = no_proxy.as_deref().and_then(compile_bypass).map(Arc::new);
        Prepared { proxies, no_proxy, matcher }
    }

    fn bypass(&self, host: &str, eval: super::matching::Eval) -> Option<usize> {
        let np = self.no_proxy.as_deref()?;
        match self.matcher.as_deref().filter(|_| eval == super::matching::Eval::Compiled) {
            Some(m) => bypass_compiled(m, host),
            None => bypass_match(np, host),
        }
    }

    /// The compiled `no_proxy` key: hosts are given lower-cased (Python's `str.lower()`),
    /// once with and once without their port.
    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    pub(crate) fn decide(&self, target: &Target, eval: super::matching::Eval) -> (Outcome, Explanation) {
        let mut ex = Explanation::new();
        ex.variables = self.proxies.notes.clone();
        ex.no_proxy = self.no_proxy.clone();
        if let Some(v) = &self.proxies.cgi_dropped {
            ex.notes.push(format!(
                "REQUEST_METHOD is set: urllib forgets the `http` key that {v} gave (httpoxy, CVE-2016-1000110); only a name ending in lower-case `_proxy` brings it back"
            ));
        }
        let invalid = |ex: &mut Explanation, message: String| {
            ex.rule = Rule::InvalidUrl;
            (Outcome::Error { error: DecisionError::InvalidUrl { message } }, std::mem::replace(ex, Explanation::new()))
        };
        // R-PYURL-URL-1: Request(url): unwrap, fragment, _splittype, _splithost, unquote.
        let mut url = target.as_str().trim_matches(py_space);
        if url.starts_with('<') && url.ends_with('>') && url.len() >= 2 {
            url = url[1..url.len() - 1].trim_matches(py_space);
        }
        if let Some(u) = url.strip_prefix("URL:") {
            url = u.trim_matches(py_space);
        }
        let full_url = url;
        let url = url.rsplit_once('#').map_or(url, |(u, _)| u);
        if let Err(m) = urlsplit_check(full_url) {
            return invalid(&mut ex, m);
        }
        let Some((ty, rest)) = split_type(url) else {
            return invalid(&mut ex, "unknown url type (no scheme)".into());
        };
        let host = split_host(rest).map(unquote).filter(|h| !h.is_empty());
        let path = match split_host(rest) {
            Some(h) => rest[2 + h.len()..].to_owned(),
            None => rest.to_owned(),
        };
        let mut req = Req { ty, host, tunnel: None, selector_is_url: false, full_url: full_url.to_owned(), path };
        if let Some(h) = &req.host {
            let (hostonly, port) = split_port(h);
            ex.host = Some(HostView {
                host: py_lower(hostonly),
                ip: hostonly.trim_start_matches('[').trim_end_matches(']').parse().ok(),
                port: port.and_then(|p| p.parse().ok()),
            });
        }
        let mut used: Option<&PyProxy> = None;
        let mut proxy_scheme = String::new();
        let mut matched = None;
        let mut consulted = false;
        // OpenerDirector.open: request processing, then <type>_open handlers; a proxy of
        // another type starts over with the new type (R-PYURL-PROXY-3).
        for _depth in 0..32 {
            if (req.ty == "http" || req.ty == "https") && req.host.is_none() {
                return invalid(&mut ex, "no host given".into());
            }
            let handler = self.proxies.get(&req.ty).filter(|p| usable_key(&p.key));
            let mut restart = false;
            if let Some(p) = handler {
                // R-PYURL-PROXY-1: _parse_proxy runs before the bypass check.
                let (pscheme, user, hostport) = match parse_proxy(&p.value) {
                    Ok(x) => x,
                    Err(message) => {
                        ex.rule = Rule::InvalidProxy;
                        let error = DecisionError::InvalidProxy { variable: p.var.clone(), message };
                        return (Outcome::Error { error }, ex);
                    }
                };
                let orig = req.ty.clone();
                let ptype = pscheme.unwrap_or_else(|| orig.clone());
                let bypassed = match &req.host {
                    Some(h) => {
                        consulted = true;
                        self.bypass(h, eval)
                    }
                    None => None,
                };
                if let Some(i) = bypassed {
                    matched.get_or_insert(i);
                } else {
                    let hostport = unquote(&hostport);
                    // Request.set_proxy
                    if req.ty == "https" && req.tunnel.is_none() {
                        req.tunnel = req.host.clone();
                    } else {
                        req.ty = ptype.clone();
                        req.selector_is_url = true;
                    }
                    req.host = (!hostport.is_empty()).then_some(hostport);
                    used = Some(p);
                    proxy_scheme = ptype.clone();
                    let _ = user;
                    restart = !(orig == ptype || orig == "https");
                }
            }
            if restart {
                continue;
            }
            // The protocol handler of the type this round started with.
            return self.connect(&req, used, &proxy_scheme, (matched, consulted), ex);
        }
        ex.rule = Rule::InvalidProxy;
        let variable = used.map(|p| p.var.clone()).unwrap_or_default();
        let error = DecisionError::InvalidProxy { variable, message: "proxies send the request in a loop".into() };
        (Outcome::Error { error }, ex)
    }

    /// The protocol handler: what http.client / ftplib do before they look up a name.
    fn connect(
        &self,
        req: &Req,
        used: Option<&PyProxy>,
        proxy_scheme: &str,
        (matched, consulted): (Option<usize>, bool),
        mut ex: Explanation,
    ) -> (Outcome, Explanation) {
        let fail = |mut ex: Explanation, rule: Rule, error: DecisionError| {
            ex.rule = rule;
            (Outcome::Error { error }, ex)
        };
        let bad_url = |m: String| DecisionError::InvalidUrl { message: m };
        let proxy_err = |m: String| match used {
            Some(p) => DecisionError::InvalidProxy { variable: p.var.clone(), message: m },
            None => DecisionError::InvalidUrl { message: m },
        };
        let rule_err = if used.is_some() { Rule::InvalidProxy } else { Rule::InvalidUrl };
        let default = match req.ty.as_str() {
            "http" => 80,
            "https" => 443,
            "ftp" => 21,
            other => {
                return fail(
                    ex,
                    rule_err,
                    match used {
                        Some(p) => {
                            DecisionError::UnsupportedProxyScheme { variable: p.var.clone(), scheme: other.into() }
                        }
                        None => DecisionError::UnsupportedUrlScheme { scheme: other.into() },
                    },
                );
            }
        };
        let Some(host) = &req.host else {
            return fail(ex, rule_err, proxy_err("no host given".into()));
        };
        let (h, port) = if req.ty == "ftp" {
            let (hp, p) = split_port(host);
            let hp = hp.rsplit_once('@').map_or(hp, |(_, h)| h);
            (unquote(hp), p.and_then(py_int).unwrap_or(21))
        } else {
            match get_hostport(host, default) {
                Ok(x) => x,
                Err(m) => return fail(ex, rule_err, proxy_err(m)),
            }
        };
        if req.ty != "ftp" {
            if has_ctl_or_space(&h) {
                return fail(ex, rule_err, proxy_err("URL can't contain control characters".into()));
            }
            if let Some(t) = &req.tunnel {
                if let Err(m) = get_hostport(t, 443) {
                    return fail(ex, Rule::InvalidUrl, bad_url(m));
                }
            }
            // putrequest: the selector (the full URL when proxied over http) must be ASCII
            // without control characters or spaces.
            let selector = if req.selector_is_url { &req.full_url } else { &req.path };
            if has_ctl_or_space(selector) {
                return fail(ex, Rule::InvalidUrl, bad_url("URL can't contain control characters".into()));
            }
            if !selector.is_ascii() {
                ex.notes.push(
                    "http.client writes the request line in ASCII: a non-ASCII URL fails (UnicodeEncodeError)".into(),
                );
                return fail(ex, Rule::InvalidUrl, bad_url("non-ASCII characters in the request line".into()));
            }
        }
        ex.matched = matched;
        let np_var = self.no_proxy.as_ref().filter(|_| consulted).map(|n| n.variable.as_str());
        let keep = [used.map(|p| p.var.as_str()), np_var];
        mark_not_read(&mut ex, &keep);
        if used.is_none() && self.proxies.get("all").is_some() {
            ex.notes.push("urlopen never uses ALL_PROXY/all_proxy (there is no `all:` URL scheme)".into());
        }
        match used {
            Some(p) => {
                ex.rule = Rule::ProxyVariable;
                let (_, user, _) = parse_proxy(&p.value).unwrap_or_default();
                let Ok(port) = u16::try_from(port) else {
                    return fail(ex, Rule::InvalidProxy, proxy_err(format!("port {port} out of range")));
                };
                // R-PYURL-PROXY-4: an https URL is tunnelled with CONNECT over plain TCP, whatever
                // the proxy's scheme; the port defaults to 443.
                let scheme = if req.tunnel.is_some() { "http" } else { proxy_scheme };
                if req.tunnel.is_some() && proxy_scheme != "http" {
                    ex.notes.push(format!(
                        "an https URL is always tunnelled with CONNECT over plain TCP: the {proxy_scheme}:// proxy is spoken to as an HTTP proxy"
                    ));
                }
                let proxy = ProxyUrl::new(scheme, user, &h, port);
                (Outcome::Proxy { proxy, variable: p.var.clone() }, ex)
            }
            None => {
                ex.rule = match (matched, &ex.no_proxy) {
                    (Some(i), Some(np)) if np.entries.get(i).is_some_and(|e| e.kind == EntryKind::All) => {
                        Rule::NoProxyAll
                    }
                    (Some(_), _) => Rule::NoProxyMatch,
                    _ if req.ty == "http" && self.proxies.cgi_dropped.is_some() => Rule::Cgi,
                    _ => Rule::NoProxyVariable,
                };
                (Outcome::Direct, ex)
            }
        }
    }
}

/// A variable that set a dict key this URL does not use was not read for it.
pub(crate) fn mark_not_read(ex: &mut Explanation, keep: &[Option<&str>]) {
    for n in &mut ex.variables {
        if n.status == VarStatus::Used && !keep.contains(&Some(n.name.as_str())) {
            n.status = VarStatus::NotRead;
        }
    }
}

/// The checks `urlsplit` makes (Request.__init__ calls `urlparse` via `request_host`):
/// unbalanced brackets are a ValueError.
fn urlsplit_check(url: &str) -> Result<(), String> {
    let Some((_, rest)) = split_type(url) else { return Ok(()) };
    if let Some(netloc) = rest.strip_prefix("//") {
        let netloc = &netloc[..netloc.find(['/', '?', '#']).unwrap_or(netloc.len())];
        if netloc.contains('[') != netloc.contains(']') {
            return Err("Invalid IPv6 URL".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitport_like_python() {
        assert_eq!(split_port("a:80"), ("a", Some("80")));
        assert_eq!(split_port("a:"), ("a", None));
        assert_eq!(split_port("[::1]"), ("[::1]", None));
        assert_eq!(split_port("::1"), (":", Some("1")));
        assert_eq!(split_port("u:p@h"), ("u:p@h", None));
    }

    #[test]
    fn two_passes() {
        let env = ProxyEnv::builder()
            .var("HTTP_PROXY", "http://a:1")
            .var("http_proxy", "")
            .var("HTTPS_PROXY", "http://b:1")
            .var("REQUEST_METHOD", "")
            .var("HTTP_proxy", "http://c:1")
            .build();
        let p = getproxies_environment(&env, true);
        assert_eq!(p.get("http").map(|p| p.var.as_str()), Some("HTTP_proxy"));
        assert_eq!(p.get("https").map(|p| p.var.as_str()), Some("HTTPS_PROXY"));
        assert_eq!(proxy_key("_proxy", true), Some(String::new()));
        assert_eq!(proxy_key("proxy", true), None);
        assert_eq!(proxy_key("Http_Proxy", false), Some("http".into()));
    }

    #[test]
    fn compiled_bypass_is_used() {
        use crate::flavors::matching::Eval;
        let env = ProxyEnv::builder().var("no_proxy", ".Example.com, Host:8080,bücher.de,*.x,::1").build();
        let p = Prepared::new(&rules_for("3.12".parse().unwrap()), &env);
        let m = p.matcher().expect("no_proxy set");
        assert!(m.fallback_entries().is_empty());
        assert_eq!(m.match_name("a.example.com", None), Some(0));
        assert_eq!(m.match_name("host:8080", None), Some(1));
        assert_eq!(m.match_name("host", None), None);
        for h in [
            "A.EXAMPLE.COM:80",
            "example.com",
            "x.HOST:8080",
            "host:80",
            "BÜCHER.DE",
            "a.*.x",
            "::1",
            "[::1]",
            "host:",
            "other",
        ] {
            assert_eq!(p.bypass(h, Eval::Compiled), p.bypass(h, Eval::Reference), "{h}");
        }
        assert_eq!(p.bypass("a.B\u{dc}CHER.de:1", Eval::Compiled), Some(2));
        let star =
            Prepared::new(&rules_for("3.12".parse().unwrap()), &ProxyEnv::builder().var("no_proxy", "*").build());
        assert_eq!(star.matcher().unwrap().match_name("anything", None), Some(0));
    }

    #[test]
    fn python_int() {
        assert_eq!(py_int(" 8_0 "), Some(80));
        assert_eq!(py_int("abc"), None);
        assert_eq!(py_int(""), None);
    }
}
