//! undici `EnvHttpProxyAgent` (Node.js's fetch engine, npm `undici`) —
//! `lib/dispatcher/env-http-proxy-agent.js`, `lib/dispatcher/proxy-agent.js`,
//! `lib/core/util.js` (`parseURL`, `parseOrigin`).
//! Rules: spec.md § undici, `R-UNDICI-*`. Vectors: tests/conformance/recorded/undici@*.jsonl.

use std::sync::Arc;

use super::js::{self, SplitEntry, SplitMode, SplitStyle};
use super::matching::Eval;
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::Matcher;
use crate::noproxy::NoProxyDiagnostic;
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Undici,
    name: "undici",
    summary: "undici EnvHttpProxyAgent (fetch): `??` between spellings, no ALL_PROXY, https falls back to HTTP_PROXY",
    earliest: "6.14.0",
    latest: "8.13.1",
    versions: &["6.14.0", "6.14.1", "6.29.1", "7.22.0", "7.23.0", "7.30.2", "8.10.0", "8.11.0", "8.13.1"],
};

/// The knobs that changed over undici's history. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct UndiciRules {
    /// R-UNDICI-VAR-1: `http_proxy ?? HTTP_PROXY` (lower case first, 6.14.1); before,
    /// `HTTP_PROXY ?? http_proxy`.
    pub lower_case_first: bool,
    /// R-UNDICI-NP-3: entries lose a leading `.` or `*.` and match the name and its
    /// subdomains at a label boundary (7.22.0); before, exact unless the entry starts with
    /// `.` or `*`, then a raw `endsWith`.
    pub label_suffix: bool,
    /// R-UNDICI-PV-2: `socks5://` and `socks://` proxies (7.23.0).
    pub socks5: bool,
    /// R-UNDICI-NP-4: IPv6 hosts and entries compared without brackets; `host:port` split
    /// only with a single colon (8.10.0).
    pub bare_ipv6: bool,
    /// R-UNDICI-NP-5: a trailing dot is ignored on host and entry, a `*` entry matches
    /// anywhere in the list (with an optional port) and `*.x` matches subdomains only (8.11.0).
    pub wildcard_entries: bool,
}

const BASE: UndiciRules = UndiciRules {
    lower_case_first: false,
    label_suffix: false,
    socks5: false,
    bare_ipv6: false,
    wildcard_entries: false,
};

/// undici's behaviour changes, oldest first.
pub const CHANGES: &[Change<UndiciRules>] = &[
    Change {
        since: &["6.14.1"],
        spec: "R-UNDICI-VAR-1",
        summary: "lower-case variables take precedence",
        upstream: "nodejs/undici 233da75be (#3152)",
        apply: |r| r.lower_case_first = true,
    },
    Change {
        since: &["7.22.0"],
        spec: "R-UNDICI-NP-3",
        summary: "strip leading `.`/`*.` from entries; match name and subdomains at a label boundary",
        upstream: "nodejs/undici 4658cdf5e (#4676)",
        apply: |r| r.label_suffix = true,
    },
    Change {
        since: &["7.23.0"],
        spec: "R-UNDICI-PV-2",
        summary: "socks5:// and socks:// proxies",
        upstream: "nodejs/undici b12081c34",
        apply: |r| r.socks5 = true,
    },
    Change {
        since: &["8.10.0"],
        spec: "R-UNDICI-NP-4",
        summary: "bare IPv6 addresses in no_proxy match",
        upstream: "nodejs/undici dfe00a944 (#5623)",
        apply: |r| r.bare_ipv6 = true,
    },
    Change {
        since: &["8.11.0"],
        spec: "R-UNDICI-NP-5",
        summary: "trailing dots ignored; `*` entries anywhere; `*.x` matches subdomains only",
        upstream: "nodejs/undici 0bc7658d8 and the 8.11.0 release (npm tarball)",
        apply: |r| r.wildcard_entries = true,
    },
];

/// The rules of release `at`.
pub fn rules_for(at: Version) -> UndiciRules {
    super::rules_at(&BASE, CHANGES, at)
}

fn style(r: &UndiciRules) -> SplitStyle {
    SplitStyle { label_suffix: r.label_suffix, bare_ipv6: r.bare_ipv6, wildcard_entries: r.wildcard_entries }
}

/// `a ?? b`: the first spelling that is set (even to `''`) wins (R-UNDICI-VAR-1).
pub(crate) fn nullish<'e>(
    env: &'e ProxyEnv,
    names: [&str; 2],
    notes: &mut Vec<VarNote>,
) -> Option<(&'static str, &'e str)> {
    let mut found: Option<(&str, &str)> = None;
    for n in names {
        let v = env.get(n);
        // An empty value that wins is still "used": `??` stops at it (R-UNDICI-VAR-1).
        let status = match v {
            None => VarStatus::Unset,
            Some(_) if found.is_some() => VarStatus::Shadowed,
            Some(_) => VarStatus::Used,
        };
        notes.push(VarNote::new(n, status, v));
        if found.is_none() {
            found = v.map(|v| (n, v));
        }
    }
    found.map(|(n, v)| (static_name(n), v))
}

fn static_name(n: &str) -> &'static str {
    ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"]
        .into_iter()
        .find(|s| *s == n)
        .unwrap_or("")
}

/// `new ProxyAgent({uri})` (R-UNDICI-PV-1, R-UNDICI-PV-2): the proxy, or why the
/// constructor throws.
pub(crate) fn proxy_agent(r: &UndiciRules, value: &str) -> Result<ProxyUrl, String> {
    let u = js::parse_url(value).ok_or("new URL() throws: Invalid URL")?;
    let scheme = u.scheme();
    if r.socks5 && (scheme == "socks5" || scheme == "socks") {
        let host = u.host_str().filter(|h| !h.is_empty()).ok_or("no host")?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        return Ok(ProxyUrl::new(scheme, None, host, u.port().unwrap_or(1080)));
    }
    if scheme != "http" && scheme != "https" {
        return Err("Invalid URL protocol: the URL must start with `http:` or `https:`".into());
    }
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() {
        return Err("invalid url: a proxy URL may not have a path, query or fragment".into());
    }
    js::proxy_from_url(value).ok_or_else(|| "no host".into())
}

/// One proxy variable pair as the constructor read it.
#[derive(Clone, Debug)]
struct ProxyVar {
    variable: &'static str,
    result: Result<ProxyUrl, String>,
}

/// The environment as `new EnvHttpProxyAgent()` reads it (once, in the constructor; NO_PROXY
/// is re-read when it changes, which a fixed environment never does).
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: UndiciRules,
    notes: Vec<VarNote>,
    /// Plain-language facts about the variables (empty values hiding others).
    facts: Vec<String>,
    http: Option<ProxyVar>,
    https: Option<ProxyVar>,
    no_proxy: Option<Arc<NoProxyReport>>,
    entries: Vec<SplitEntry>,
    /// `entries` compiled; `None` without NO_PROXY (or if it was too large to index).
    matcher: Option<Arc<Matcher>>,
}

impl Prepared {
    pub(crate) fn new(r: &UndiciRules, env: &ProxyEnv) -> Self {
        let mut notes = Vec::new();
        let order = |l: &'static str, u: &'static str| if r.lower_case_first { [l, u] } else { [u, l] };
        let read = |names, notes: &mut Vec<VarNote>| {
            nullish(env, names, notes)
                .filter(|(_, v)| !v.is_empty())
                .map(|(variable, v)| ProxyVar { variable, result: proxy_agent(r, v) })
        };
        let http = read(order("http_proxy", "HTTP_PROXY"), &mut notes);
        let https = read(order("https_proxy", "HTTPS_PROXY"), &mut notes);
        // R-UNDICI-NP-1: `no_proxy ?? NO_PROXY ?? ''`.
        let np = nullish(env, order("no_proxy", "NO_PROXY"), &mut notes);
        let mut facts = Vec::new();
        for pair in
            [order("http_proxy", "HTTP_PROXY"), order("https_proxy", "HTTPS_PROXY"), order("no_proxy", "NO_PROXY")]
        {
            if env.get(pair[0]) == Some("") && env.get(pair[1]).is_some_and(|v| !v.is_empty()) {
                facts.push(format!("{}='' hides {} (undici reads `{} ?? {}`)", pair[0], pair[1], pair[0], pair[1]));
            }
        }
        let mut entries = Vec::new();
        let no_proxy = np.map(|(variable, value)| {
            let mut report =
                NoProxyReport { variable: variable.into(), value: value.into(), entries: vec![], diagnostics: vec![] };
            for (tok, span) in js::split_comma_space(value) {
                if tok.is_empty() {
                    continue;
                }
                let e = js::split_entry(style(r), tok);
                let (entry, diag) = super::node_pfe::describe(tok, span.clone(), &e);
                if let Some(m) = diag {
                    report.diagnostics.push(NoProxyDiagnostic { span, message: m.into() });
                }
                report.entries.push(entry);
                entries.push(e);
            }
            Arc::new(report)
        });
        let matcher = no_proxy.as_ref().and_then(|_| js::compile_split(&entries)).map(Arc::new);
        Prepared { rules: r.clone(), notes, facts, http, https, no_proxy, entries, matcher }
    }

    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    /// The first entry that matches (R-UNDICI-NP-3 – R-UNDICI-NP-5).
    fn find(&self, hostname: &str, port: u32, eval: Eval) -> Option<usize> {
        js::split_find(self.matcher.as_deref(), &self.entries, hostname, port, eval)
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let r = &self.rules;
        let mut ex = Explanation::new();
        ex.variables.extend(self.notes.iter().cloned());
        ex.notes.extend(self.facts.iter().cloned());
        // R-UNDICI-PV-1: the constructor builds both ProxyAgents; either can throw.
        for pv in [&self.http, &self.https].into_iter().flatten() {
            if let Err(m) = &pv.result {
                ex.rule = Rule::InvalidProxy;
                ex.notes.push(format!("new EnvHttpProxyAgent() throws for {}, whatever the URL", pv.variable));
                let error = DecisionError::InvalidProxy { variable: pv.variable.into(), message: m.clone() };
                return (Outcome::Error { error }, ex);
            }
        }
        // R-UNDICI-URL-1: request() → parseURL: new URL(), http: or https: only.
        let Some(u) = js::parse_url(target.as_str()) else {
            ex.rule = Rule::InvalidUrl;
            return (Outcome::Error { error: DecisionError::InvalidUrl { message: "new URL() throws".into() } }, ex);
        };
        let scheme = u.scheme().to_owned();
        if scheme != "http" && scheme != "https" {
            ex.rule = Rule::InvalidUrl;
            return (Outcome::Error { error: DecisionError::UnsupportedUrlScheme { scheme } }, ex);
        }
        let view = read_host(r, &u);
        let port = view.port.map_or(0, u32::from);
        // R-UNDICI-NP-2: before 8.11 only the whole value `*` disables the proxy.
        let star = self.no_proxy.as_ref().is_some_and(|np| !r.wildcard_entries && np.value == "*");
        let found = (self.no_proxy.is_some() && !star).then(|| self.find(&view.host, port, eval)).flatten();
        ex.host = Some(view);
        ex.no_proxy = self.no_proxy.clone();
        if self.no_proxy.is_some() {
            if star {
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
        // R-UNDICI-VAR-2: https: uses the HTTPS agent, which is the HTTP one when unset.
        let pv = if scheme == "https" {
            if self.https.is_none() && self.http.is_some() {
                ex.notes.push("no https_proxy/HTTPS_PROXY: https requests use the HTTP proxy".into());
            }
            self.https.as_ref().or(self.http.as_ref())
        } else {
            self.http.as_ref()
        };
        match pv {
            Some(ProxyVar { variable, result: Ok(proxy) }) => {
                ex.rule = Rule::ProxyVariable;
                (Outcome::Proxy { proxy: proxy.clone(), variable: (*variable).into() }, ex)
            }
            _ => {
                ex.rule = Rule::NoProxyVariable;
                (Outcome::Direct, ex)
            }
        }
    }
}

/// The host and port `#getProxyAgentForUrl` compares (R-UNDICI-URL-2).
fn read_host(r: &UndiciRules, u: &url::Url) -> HostView {
    let mut host = js::host_without_port(u).to_lowercase();
    let ip = host.trim_start_matches('[').trim_end_matches(']').parse().ok();
    if r.bare_ipv6 {
        if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            host = inner.to_owned();
        }
    }
    if r.wildcard_entries && host.len() > 1 && host.ends_with('.') {
        host.pop();
    }
    // `Number.parseInt(port, 10) || DEFAULT_PORTS[protocol]`: port 0 counts as none.
    let port = u
        .port()
        .filter(|p| *p != 0)
        .or_else(|| js::special_default_port(u.scheme()).filter(|_| u.scheme().starts_with("http")));
    HostView { host, ip, port }
}

#[cfg(test)]
mod tests {
    use crate::{Flavor, ProxyEnv};

    fn kind(id: &str, env: &[(&str, &str)], url: &str) -> &'static str {
        let f: Flavor = id.parse().expect("flavor");
        let env: ProxyEnv = env.iter().map(|(k, v)| (*k, *v)).collect();
        f.decide(&env, url).outcome.kind()
    }

    #[test]
    fn entry_forms_by_version() {
        let p = ("http_proxy", "http://p.invalid:1");
        let star_dot = [p, ("no_proxy", "*.example.com")];
        assert_eq!(kind("undici@6.29.1", &star_dot, "http://example.com/"), "proxy");
        assert_eq!(kind("undici@7.30.2", &star_dot, "http://example.com/"), "direct");
        assert_eq!(kind("undici@8.13.1", &star_dot, "http://example.com/"), "proxy");
        let in_list = [p, ("no_proxy", "a.invalid,*")];
        assert_eq!(kind("undici@6.29.1", &in_list, "http://b.invalid/"), "direct");
        assert_eq!(kind("undici@7.30.2", &in_list, "http://b.invalid/"), "proxy");
        assert_eq!(kind("undici@8.13.1", &in_list, "http://b.invalid/"), "direct");
        let v6 = [p, ("no_proxy", "::1")];
        assert_eq!(kind("undici@8.9.0", &v6, "http://[::1]/"), "proxy");
        assert_eq!(kind("undici@8.10.0", &v6, "http://[::1]/"), "direct");
    }

    #[test]
    fn compiled_index_is_used() {
        let env = [("http_proxy", "http://p.invalid:1"), ("no_proxy", "*.a.example,b.example:8080,*:1")];
        let env: ProxyEnv = env.iter().map(|(k, v)| (*k, *v)).collect();
        let at = |id: &str| id.parse::<Flavor>().expect("flavor").prepare(&env);
        let p = at("undici@6.29.1");
        let m = p.matcher().expect("NO_PROXY set");
        assert_eq!(m.match_name("x.a.example", None), Some(0));
        assert_eq!(m.match_name("xx.a.example", None), Some(0));
        assert_eq!(m.match_name("a.example", None), None);
        assert_eq!(m.match_name("anything", Some("1")), Some(2));
        let p = at("undici@7.30.2");
        let m = p.matcher().expect("NO_PROXY set");
        assert_eq!(m.match_name("a.example", None), Some(0));
        assert_eq!(m.match_name("b.example", Some("8080")), Some(1));
        assert_eq!(m.match_name("x.b.example", Some("8080")), Some(1));
        assert_eq!(m.match_name("anything", Some("1")), None);
        let p = at("undici@8.13.1");
        let m = p.matcher().expect("NO_PROXY set");
        assert!(m.fallback_entries().is_empty());
        assert_eq!(m.match_name("a.example", None), None);
        assert_eq!(m.match_name("x.a.example", None), Some(0));
        assert_eq!(m.match_name("anything", Some("1")), Some(2));
        assert_eq!(m.match_name("anything", Some("2")), None);
        for url in ["http://x.a.example/", "http://b.example:8080/", "http://other:1/", "https://other/"] {
            assert_eq!(p.decide(url), p.decide_reference(url), "{url}");
        }
        let p = "undici".parse::<Flavor>().expect("flavor").prepare(&ProxyEnv::default());
        assert!(p.matcher().is_none());
    }

    #[test]
    fn variables() {
        assert_eq!(kind("undici", &[("HTTP_PROXY", "http://p.invalid:1")], "https://a.invalid/"), "proxy");
        assert_eq!(
            kind("undici", &[("http_proxy", ""), ("HTTP_PROXY", "http://p.invalid:1")], "http://a.invalid/"),
            "direct"
        );
        assert_eq!(
            kind("undici@6.14.0", &[("HTTP_PROXY", ""), ("http_proxy", "http://p.invalid:1")], "http://a.invalid/"),
            "direct"
        );
        assert_eq!(kind("undici", &[("ALL_PROXY", "http://p.invalid:1")], "http://a.invalid/"), "direct");
        let bad_https = [("http_proxy", "http://p.invalid:1"), ("https_proxy", "p.invalid:1")];
        assert_eq!(kind("undici", &bad_https, "http://a.invalid/"), "error");
    }
}
