//! npm `proxy-from-env` (`getProxyForUrl(url)`, used by axios) — `index.js` (1.1.0),
//! `index.js` / `index.cjs` (2.x).
//! Rules: spec.md § proxy-from-env, `R-PFE-*`. Vectors: tests/conformance/recorded/
//! proxy-from-env@1.1.0*.jsonl and proxy-from-env@2.1.0*.jsonl.

use std::net::IpAddr;
use std::sync::Arc;

use super::js::{self, SplitEntry, SplitMode, SplitStyle};
use super::matching::{idna_ascii, Eval};
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::Matcher;
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic};
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::NodeProxyFromEnv,
    name: "node-proxy-from-env",
    summary: "npm proxy-from-env getProxyForUrl (axios): exact entries unless `.`/`*`-prefixed, raw suffix match",
    earliest: "1.0.0",
    latest: "2.1.0",
    versions: &["1.0.0", "1.1.0", "2.0.0", "2.1.0"],
};

/// The knobs that changed between releases. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PfeRules {
    /// R-PFE-URL-1: the URL is read with the legacy `url.parse` (1.x): host text kept as
    /// written (lower case, punycode), no IPv4 normalisation, no percent-decoding; 2.x uses
    /// `new URL()`.
    pub legacy_url_parse: bool,
    /// R-PFE-VAR-2: `npm_config_<proto>_proxy`, `npm_config_proxy` and `npm_config_no_proxy`
    /// are read first (1.1.0 – 1.x).
    pub npm_config: bool,
}

const BASE: PfeRules = PfeRules { legacy_url_parse: true, npm_config: false };

/// proxy-from-env's behaviour changes, oldest first.
pub const CHANGES: &[Change<PfeRules>] = &[
    Change {
        since: &["1.1.0"],
        spec: "R-PFE-VAR-2",
        summary: "npm_config_<proto>_proxy, npm_config_proxy and npm_config_no_proxy read first",
        upstream: "Rob--W/proxy-from-env 1.1.0 (index.js; 1.0.0 tarball has no npm_config_)",
        apply: |r| r.npm_config = true,
    },
    Change {
        since: &["2.0.0"],
        spec: "R-PFE-URL-1",
        summary: "WHATWG URL instead of url.parse; npm_config_* variables no longer read",
        upstream: "Rob--W/proxy-from-env 2.0.0 (index.js)",
        apply: |r| {
            r.legacy_url_parse = false;
            r.npm_config = false;
        },
    },
];

/// The rules of release `at`.
pub fn rules_for(at: Version) -> PfeRules {
    super::rules_at(&BASE, CHANGES, at)
}

/// `getEnv(key)`: `process.env[lower] || process.env[UPPER] || ''` (R-PFE-VAR-1).
fn get_env<'e>(env: &'e ProxyEnv, key: &str, notes: &mut Vec<VarNote>, taken: bool) -> Option<(String, &'e str)> {
    let mut found = None;
    let lower = key.to_ascii_lowercase();
    let upper = key.to_ascii_uppercase();
    for name in [lower, upper] {
        let v = env.get(&name);
        let status = match v {
            None => VarStatus::Unset,
            Some("") => VarStatus::EmptyIgnored,
            Some(_) if taken || found.is_some() => VarStatus::Shadowed,
            Some(_) => VarStatus::Used,
        };
        let used = status == VarStatus::Used;
        if v.is_some() || !taken {
            notes.push(VarNote::new(&name, status, v));
        }
        if used {
            found = v.map(|v| (name, v));
        }
    }
    found
}

/// The environment as proxy-from-env reads it (at call time, for every URL).
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: PfeRules,
    env: ProxyEnv,
    no_proxy_notes: Vec<VarNote>,
    no_proxy: Option<Arc<NoProxyReport>>,
    entries: Vec<SplitEntry>,
    /// The lower-cased value is exactly `*` (R-PFE-NP-2).
    star: bool,
    /// `entries` compiled; `None` without NO_PROXY (or if it was too large to index).
    matcher: Option<Arc<Matcher>>,
}

impl Prepared {
    pub(crate) fn new(r: &PfeRules, env: &ProxyEnv) -> Self {
        let mut notes = Vec::new();
        // R-PFE-NP-1: npm_config_no_proxy (1.x), then no_proxy / NO_PROXY.
        let mut found = None;
        if r.npm_config {
            found = get_env(env, "npm_config_no_proxy", &mut notes, false);
        }
        let taken = found.is_some();
        if let Some(f) = get_env(env, "no_proxy", &mut notes, taken) {
            found.get_or_insert(f);
        }
        let mut entries = Vec::new();
        let no_proxy = found.map(|(variable, value)| {
            let mut report = NoProxyReport { variable, value: value.to_owned(), entries: vec![], diagnostics: vec![] };
            parse_no_proxy(value, &mut report, &mut entries);
            Arc::new(report)
        });
        let star = no_proxy.as_ref().is_some_and(|np| np.value == "*");
        let matcher = no_proxy.as_ref().and_then(|_| js::compile_split(&entries)).map(Arc::new);
        Prepared { rules: r.clone(), env: env.clone(), no_proxy_notes: notes, no_proxy, entries, star, matcher }
    }

    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    /// R-PFE-NP-3, R-PFE-NP-4: the first entry that matches.
    fn find(&self, hostname: &str, port: u32, eval: Eval) -> Option<usize> {
        js::split_find(self.matcher.as_deref(), &self.entries, hostname, port, eval)
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let r = &self.rules;
        let mut ex = Explanation::new();
        let read = if r.legacy_url_parse { legacy_read(target) } else { whatwg_read(target) };
        let (proto, view, port) = match read {
            Ok(Some(x)) => x,
            Ok(None) => {
                ex.rule = Rule::NoHost;
                ex.notes.push("getProxyForUrl returns '' for a URL without a scheme or host: no proxy".into());
                return (Outcome::Direct, ex);
            }
            Err(error) => {
                ex.rule = Rule::InvalidUrl;
                return (Outcome::Error { error }, ex);
            }
        };
        let found = (self.no_proxy.is_some() && !self.star).then(|| self.find(&view.host, port, eval)).flatten();
        ex.host = Some(view);
        ex.variables.extend(self.no_proxy_notes.iter().cloned());
        ex.no_proxy = self.no_proxy.clone();
        // R-PFE-NP-2: the whole (lower-cased) value `*` disables every proxy.
        if self.no_proxy.is_some() {
            if self.star {
                ex.matched = Some(0);
                ex.rule = Rule::NoProxyAll;
                return (Outcome::Direct, ex);
            }
            if let Some(i) = found {
                ex.matched = Some(i);
                ex.rule = if self.entries[i].mode == SplitMode::All { Rule::NoProxyAll } else { Rule::NoProxyMatch };
                return (Outcome::Direct, ex);
            }
        }
        // R-PFE-VAR-1, R-PFE-VAR-2.
        let mut keys = vec![];
        if r.npm_config {
            keys.push(format!("npm_config_{proto}_proxy"));
        }
        keys.push(format!("{proto}_proxy"));
        if r.npm_config {
            keys.push("npm_config_proxy".into());
        }
        keys.push("all_proxy".into());
        let mut found: Option<(String, &str)> = None;
        for k in &keys {
            if let Some(f) = get_env(&self.env, k, &mut ex.variables, found.is_some()) {
                found.get_or_insert(f);
            }
        }
        let Some((variable, value)) = found else {
            ex.rule = Rule::NoProxyVariable;
            return (Outcome::Direct, ex);
        };
        // R-PFE-PV-1: a value without `://` gets the URL's scheme.
        let full = if value.contains("://") {
            value.to_owned()
        } else {
            ex.notes.push(format!("the value has no '://': proxy-from-env prepends the URL's scheme '{proto}://'"));
            format!("{proto}://{value}")
        };
        // R-PFE-PV-2: the caller (axios) parses the returned string with new URL().
        match js::proxy_from_url(&full) {
            Some(proxy) => {
                ex.rule = Rule::ProxyVariable;
                (Outcome::Proxy { proxy, variable }, ex)
            }
            None => {
                ex.rule = Rule::InvalidProxy;
                let message =
                    "getProxyForUrl returns it, but new URL() cannot read a host from it (axios fails)".into();
                (Outcome::Error { error: DecisionError::InvalidProxy { variable, message } }, ex)
            }
        }
    }
}

/// Split and classify NO_PROXY (R-PFE-NP-3); `entries` runs parallel to `report.entries`.
fn parse_no_proxy(value: &str, report: &mut NoProxyReport, entries: &mut Vec<SplitEntry>) {
    for (tok, span) in js::split_comma_space(value) {
        if tok.is_empty() {
            continue;
        }
        let lower = tok.to_lowercase();
        let e = js::split_entry(SplitStyle::default(), &lower);
        let (entry, diag) = describe(tok, span.clone(), &e);
        if let Some(m) = diag {
            report.diagnostics.push(NoProxyDiagnostic { span, message: m.into() });
        }
        report.entries.push(entry);
        entries.push(e);
    }
}

/// The explanation side of an entry, and a diagnostic for entries that cannot do what they
/// look like (shared by the `/[,\s]/` flavors).
pub(crate) fn describe(tok: &str, span: std::ops::Range<usize>, e: &SplitEntry) -> (Entry, Option<&'static str>) {
    let h = e.host.as_str();
    let bare = h.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(h);
    let mut diag = None;
    let ip = bare.parse::<IpAddr>().ok();
    let kind = match (e.mode, ip) {
        (SplitMode::All, _) => EntryKind::All,
        _ if h.contains('/') => {
            diag = Some("no CIDR or scheme support: the entry is compared as text and never matches");
            EntryKind::NeverMatches { reason: "compared as text".into() }
        }
        _ if h.contains('*') => {
            diag = Some("`*` is only special at the start of an entry: this one is compared literally");
            EntryKind::NeverMatches { reason: "`*` is literal".into() }
        }
        (SplitMode::Exact | SplitMode::ExactOrLabel, Some(addr)) => EntryKind::Ip { addr },
        (SplitMode::Exact, _) => EntryKind::Domain { name: h.to_owned(), apex: true, subdomains: false },
        (SplitMode::ExactOrLabel, _) => EntryKind::Domain { name: h.to_owned(), apex: true, subdomains: true },
        (SplitMode::LabelOnly, _) => EntryKind::Domain { name: h.to_owned(), apex: false, subdomains: true },
        (SplitMode::RawSuffix, _) => match h.strip_prefix('.') {
            Some(name) if !name.is_empty() => {
                EntryKind::Domain { name: name.to_owned(), apex: false, subdomains: true }
            }
            _ => EntryKind::Suffix { suffix: h.to_owned() },
        },
    };

    if e.host == ":" && e.port != 0 {
        diag = Some("a bare IPv6 address is split at its last ':' into host and port: it never matches");
    } else if e.port == u32::MAX {
        diag = Some("port too large: never matches");
    }
    let mut entry = Entry::new(tok, span, kind);
    if e.port != 0 {
        entry.port = Some(e.port.to_string());
    }
    (entry, diag)
}

/// `new URL(url)` (2.x): `(protocol, host)`; `Ok(None)` when it throws or has no host.
fn whatwg_read(target: &Target) -> Result<Option<(String, HostView, u32)>, DecisionError> {
    let Some(u) = js::parse_url(target.as_str()) else {
        return Ok(None);
    };
    let host = js::host_without_port(&u);
    if host.is_empty() {
        return Ok(None);
    }
    let proto = u.scheme().to_owned();
    // `parseInt(port) || DEFAULT_PORTS[proto]`: port 0 counts as none.
    let port = u.port().filter(|p| *p != 0).or_else(|| pfe_default_port(&proto));
    let ip = host.trim_start_matches('[').trim_end_matches(']').parse().ok();
    Ok(Some((proto, HostView { host, ip, port }, port.map_or(0, u32::from))))
}

/// `DEFAULT_PORTS` in index.js.
fn pfe_default_port(proto: &str) -> Option<u16> {
    match proto {
        "ftp" => Some(21),
        "gopher" => Some(70),
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// Legacy `url.parse(url)` (1.x, R-PFE-URL-1), as far as getProxyForUrl looks at it.
fn legacy_read(target: &Target) -> Result<Option<(String, HostView, u32)>, DecisionError> {
    let Some(scheme) = target.scheme() else {
        return Ok(None);
    };
    if !target.has_authority() || target.host().is_empty() {
        return Ok(None);
    }
    let proto = scheme.to_ascii_lowercase();
    let raw = target.host().to_lowercase();
    let host = if let Some(inner) = raw.strip_prefix('[') {
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        if inner.contains('%') || inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(DecisionError::InvalidUrl { message: "url.parse: Invalid URL".into() });
        }
        format!("[{inner}]")
    } else {
        idna_ascii(&raw).unwrap_or(raw)
    };
    // `parseInt(port) || DEFAULT_PORTS[proto] || 0`: url.parse keeps any digits.
    let cmp_port = target
        .port()
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .map(|p| js::parse_int_port(p).unwrap_or(u32::MAX))
        .filter(|p| *p != 0)
        .or_else(|| pfe_default_port(&proto).map(u32::from))
        .unwrap_or(0);
    let port = u16::try_from(cmp_port).ok().filter(|p| *p != 0);
    let ip = host.trim_start_matches('[').trim_end_matches(']').parse().ok();
    Ok(Some((proto, HostView { host, ip, port }, cmp_port)))
}

#[cfg(test)]
mod tests {
    use crate::{Flavor, ProxyEnv};

    fn kind(id: &str, env: &[(&str, &str)], url: &str) -> String {
        let f: Flavor = id.parse().expect("flavor");
        let env: ProxyEnv = env.iter().map(|(k, v)| (*k, *v)).collect();
        let d = f.decide(&env, url);
        match d.outcome.variable() {
            Some(v) => format!("{} {v}", d.outcome.kind()),
            None => d.outcome.kind().to_owned(),
        }
    }

    #[test]
    fn entries_are_exact_unless_dot_or_star() {
        let env = [("http_proxy", "http://p.invalid:1"), ("no_proxy", "example.com,.corp.com,*le.org,x,*")];
        assert_eq!(kind("node-proxy-from-env", &env[..1], "http://sub.example.com/"), "proxy http_proxy");
        let env2 = [env[0], ("no_proxy", "example.com,.corp.com,*le.org")];
        assert_eq!(kind("node-proxy-from-env", &env2, "http://sub.example.com/"), "proxy http_proxy");
        assert_eq!(kind("node-proxy-from-env", &env2, "http://corp.com/"), "proxy http_proxy");
        assert_eq!(kind("node-proxy-from-env", &env2, "http://a.corp.com/"), "direct");
        assert_eq!(kind("node-proxy-from-env", &env2, "http://example.org/"), "direct");
        assert_eq!(kind("node-proxy-from-env", &env, "http://anything.invalid/"), "direct");
    }

    #[test]
    fn compiled_index_is_used() {
        let env = [("http_proxy", "http://p.invalid:1"), ("no_proxy", "a.example,.corp.com,*le.org:8080,*:1")];
        let env: ProxyEnv = env.iter().map(|(k, v)| (*k, *v)).collect();
        for id in ["node-proxy-from-env@1.1.0", "node-proxy-from-env@2.1.0"] {
            let p = id.parse::<Flavor>().expect("flavor").prepare(&env);
            let m = p.matcher().expect("NO_PROXY set");
            assert!(m.fallback_entries().is_empty());
            assert_eq!(m.match_name("a.example", Some("80")), Some(0));
            assert_eq!(m.match_name("x.a.example", Some("80")), None);
            assert_eq!(m.match_name("x.corp.com", None), Some(1));
            assert_eq!(m.match_name("xcorp.com", None), None);
            assert_eq!(m.match_name("example.org", Some("8080")), Some(2));
            assert_eq!(m.match_name("example.org", Some("80")), None);
            assert_eq!(m.match_name("other", Some("1")), Some(3));
            for url in ["http://x.corp.com/", "http://example.org:8080/", "http://other:1/", "http://other:2/"] {
                assert_eq!(p.decide(url), p.decide_reference(url), "{id} {url}");
            }
        }
        let p = "node-proxy-from-env".parse::<Flavor>().expect("flavor").prepare(&ProxyEnv::default());
        assert!(p.matcher().is_none());
    }

    #[test]
    fn npm_config_only_in_1_1() {
        let env = [("npm_config_proxy", "http://p.invalid:1")];
        assert_eq!(kind("node-proxy-from-env@1.1.0", &env, "http://a.invalid/"), "proxy npm_config_proxy");
        assert_eq!(kind("node-proxy-from-env@1.0.0", &env, "http://a.invalid/"), "direct");
        assert_eq!(kind("node-proxy-from-env@2.1.0", &env, "http://a.invalid/"), "direct");
        let env = [("https_proxy", "127.0.0.1:3128")];
        let f: Flavor = "node-proxy-from-env".parse().expect("flavor");
        let d = f.decide(&env.iter().map(|(k, v)| (*k, *v)).collect(), "https://a.invalid/");
        assert_eq!(d.outcome.proxy().expect("proxy").endpoint(), "https://127.0.0.1:3128");
    }
}
