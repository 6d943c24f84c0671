//! Rust HTTP clients — hyper-util's proxy matcher, reqwest and ureq.
//!
//! Sources read (crates.io `.crate` files):
//! * hyper-util 0.1.19, 0.1.20, 0.1.21 `src/client/proxy/matcher.rs` (`Builder::from_env`,
//!   `get_first_env`, `Builder::build`, `parse_env_uri`, `NoProxy::from_string`,
//!   `NoProxy::contains`, `DomainMatcher::contains`, `Matcher::intercept`) and
//!   `src/client/mod.rs` (`strip_ipv6_brackets`, 0.1.21); http 1.5.0 `src/uri/*`.
//! * reqwest 0.12.15 `src/proxy.rs` (`Proxy::system`, `get_sys_proxies`,
//!   `get_from_environment`, `insert_from_env`, `insert_proxy`, `is_cgi`, `NoProxy`,
//!   `ProxyScheme::parse`, `IntoProxyScheme`), `src/into_url.rs`; reqwest 0.13.5
//!   `src/proxy.rs` (`Matcher::system` = hyper-util `Matcher::from_system`),
//!   `src/connect.rs`, `src/async_impl/client.rs` (scheme check, `try_uri`).
//! * ureq 3.5.2 `src/proxy.rs` (`Proxy::try_from_env`, `new_with_flag`, `NoProxy`,
//!   `NoProxyEntry`), `src/run.rs` (`connect`), `src/util.rs` (`ensure_valid_url`).
//!
//! Rules: spec.md § Rust clients, `R-HYPER-*`, `R-REQWEST-*`, `R-UREQ-*`. Vectors:
//! tests/conformance/recorded/hyper-util@*.jsonl, reqwest@*.jsonl, ureq@*.jsonl.

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use super::http_uri;
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{split_spans, Entry, EntryKind, NoProxyDiagnostic};
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry: hyper-util.
pub const HYPER_UTIL_INFO: FamilyInfo = FamilyInfo {
    family: super::Family::HyperUtil,
    name: "hyper-util",
    summary:
        "Rust hyper-util client::proxy::matcher::Matcher::from_env() (CGI disables all, `*` not for IPs, no ports)",
    earliest: "0.1.19",
    latest: "0.1.21",
    versions: &["0.1.19", "0.1.20", "0.1.21"],
};

/// Catalogue entry: reqwest.
pub const REQWEST_INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Reqwest,
    name: "reqwest",
    summary: "Rust reqwest Client (system proxy from the environment; hyper-util's matcher since 0.12.16)",
    earliest: "0.12.15",
    latest: "0.13.5",
    versions: &["0.12.15", "0.12.16", "0.13.5"],
};

/// Catalogue entry: ureq.
pub const UREQ_INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Ureq,
    name: "ureq",
    summary: "Rust ureq 3 Agent (one proxy for every scheme: first usable of ALL/HTTPS/HTTP_PROXY)",
    earliest: "3.5.2",
    latest: "3.5.2",
    versions: &["3.5.2"],
};

/// Which client's code reads the environment and matches NO_PROXY.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RustEngine {
    /// hyper-util `Matcher::from_env` (R-HYPER-VAR-*, R-HYPER-NP-*, R-HYPER-MATCH-*).
    HyperUtil,
    /// reqwest ≤ 0.12.15's own `get_from_environment` and `NoProxy` (R-REQWEST-OLD-*).
    ReqwestLegacy,
    /// ureq 3 `Proxy::try_from_env` and `NoProxyEntry` (R-UREQ-*).
    Ureq,
}

/// The knobs of the Rust clients. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RustRules {
    /// Whose code decides.
    pub engine: RustEngine,
    /// R-REQWEST-URL-1: the request URL is parsed by the `url` crate (WHATWG: lower-case,
    /// punycode, IPv4 normalised), must be http/https, and is then re-parsed as `http::Uri`.
    pub url_crate_target: bool,
    /// R-HYPER-MATCH-3: domain entries compared ASCII case-insensitively (hyper-util 0.1.20).
    pub case_insensitive: bool,
    /// R-HYPER-MATCH-4: exactly one pair of `[ ]` is stripped from the host (0.1.21); before,
    /// `trim_matches(['[', ']'])` when the host starts with `[`.
    pub strip_one_bracket_pair: bool,
    /// R-REQWEST-DIAL-1: the port dialled when the proxy URL has none: 80 (443 for https)
    /// (reqwest's `HttpConnector`); hyper-util alone inserts none.
    pub dial_default_port: bool,
}

const HYPER_BASE: RustRules = RustRules {
    engine: RustEngine::HyperUtil,
    url_crate_target: false,
    case_insensitive: false,
    strip_one_bracket_pair: false,
    dial_default_port: false,
};

/// hyper-util's behaviour changes, oldest first (from 0.1.19, the oldest read).
pub const HYPER_UTIL_CHANGES: &[Change<RustRules>] = &[
    Change {
        since: &["0.1.20"],
        spec: "R-HYPER-MATCH-3",
        summary: "NO_PROXY domain entries compared ASCII case-insensitively",
        upstream: "hyperium/hyper-util 1b3fa96, 8c4f4a0",
        apply: |r| r.case_insensitive = true,
    },
    Change {
        since: &["0.1.21"],
        spec: "R-HYPER-MATCH-4",
        summary: "only one [ ] pair is stripped from the host (strip_ipv6_brackets)",
        upstream: "hyperium/hyper-util 0.1.21 src/client/mod.rs",
        apply: |r| r.strip_one_bracket_pair = true,
    },
];

const REQWEST_BASE: RustRules = RustRules {
    engine: RustEngine::ReqwestLegacy,
    url_crate_target: true,
    case_insensitive: false,
    strip_one_bracket_pair: false,
    dial_default_port: true,
};

/// reqwest's behaviour changes, oldest first (from 0.12.15, the oldest read).
pub const REQWEST_CHANGES: &[Change<RustRules>] = &[Change {
    since: &["0.12.16"],
    spec: "R-REQWEST-NEW-1",
    summary: "environment proxies via hyper-util's Matcher::from_system (modelled with hyper-util 0.1.21)",
    upstream: "seanmonstar/reqwest 4ec1fe56",
    apply: |r| {
        r.engine = RustEngine::HyperUtil;
        r.case_insensitive = true;
        r.strip_one_bracket_pair = true;
    },
}];

const UREQ_BASE: RustRules = RustRules {
    engine: RustEngine::Ureq,
    url_crate_target: false,
    case_insensitive: true,
    strip_one_bracket_pair: false,
    dial_default_port: true,
};

/// ureq's behaviour changes (only 3.5.2 is modelled; 3.0.0 had no NO_PROXY support).
pub const UREQ_CHANGES: &[Change<RustRules>] = &[];

/// The rules of hyper-util release `at`.
pub fn hyper_util_rules(at: Version) -> RustRules {
    super::rules_at(&HYPER_BASE, HYPER_UTIL_CHANGES, at)
}
/// The rules of reqwest release `at`.
pub fn reqwest_rules(at: Version) -> RustRules {
    super::rules_at(&REQWEST_BASE, REQWEST_CHANGES, at)
}
/// The rules of ureq release `at`.
pub fn ureq_rules(at: Version) -> RustRules {
    super::rules_at(&UREQ_BASE, UREQ_CHANGES, at)
}

/// A proxy as the client kept it.
#[derive(Clone, Debug)]
struct Chosen {
    proxy: ProxyUrl,
    variable: String,
}

/// One parsed NO_PROXY entry in the client's own terms.
#[derive(Clone, Debug)]
enum NpEntry {
    /// hyper-util / reqwest: `IpNet` (CIDR) or `IpAddr`.
    Ip(IpAddr),
    Net(IpNet),
    /// hyper-util / reqwest: anything else, verbatim (trimmed).
    Domain(String),
    /// ureq `NoProxyEntry` (lower-cased, untrimmed).
    UreqAll,
    UreqExact(String),
    UreqPrefix(String),
    UreqSuffix(String),
}

/// The environment read once.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: RustRules,
    /// hyper-util/reqwest: per scheme (`http`, `https`); ureq: one proxy in `http`.
    http: Option<Chosen>,
    https: Option<Chosen>,
    no_proxy: Option<Arc<NoProxyReport>>,
    np: Vec<(usize, NpEntry)>,
    variables: Vec<VarNote>,
    cgi: bool,
    notes: Vec<String>,
    /// The compiled NO_PROXY (indices are those of `no_proxy.entries`); `None` when no
    /// NO_PROXY was read or it was too large to index.
    matcher: Option<Arc<Matcher>>,
}

fn usable(env: &ProxyEnv, name: &str) -> Option<String> {
    // std::env::var: set and valid Unicode (a lossy value counts as unset).
    env.var(name).filter(|v| !v.lossy).map(|v| v.value.clone())
}

impl Prepared {
    pub(crate) fn new(r: &RustRules, env: &ProxyEnv) -> Self {
        let mut p = Prepared {
            rules: r.clone(),
            http: None,
            https: None,
            no_proxy: None,
            np: vec![],
            variables: vec![],
            cgi: false,
            notes: vec![],
            matcher: None,
        };
        let order: &[&str] = match r.engine {
            RustEngine::HyperUtil => &[
                "REQUEST_METHOD",
                "ALL_PROXY",
                "all_proxy",
                "HTTP_PROXY",
                "http_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "NO_PROXY",
                "no_proxy",
            ],
            RustEngine::ReqwestLegacy => &[
                "ALL_PROXY",
                "all_proxy",
                "REQUEST_METHOD",
                "HTTP_PROXY",
                "http_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "NO_PROXY",
                "no_proxy",
            ],
            RustEngine::Ureq => &[
                "ALL_PROXY",
                "all_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "HTTP_PROXY",
                "http_proxy",
                "NO_PROXY",
                "no_proxy",
            ],
        };
        for n in order {
            p.note_var(env, n, VarStatus::NotRead);
        }
        match r.engine {
            RustEngine::HyperUtil => p.read_hyper_util(env),
            RustEngine::ReqwestLegacy => p.read_reqwest_legacy(env),
            RustEngine::Ureq => p.read_ureq(env),
        }
        if p.no_proxy.is_some() {
            p.matcher = compile(r, &p.np).map(Arc::new);
        }
        p
    }

    fn note_var(&mut self, env: &ProxyEnv, name: &str, status: VarStatus) {
        let value = env.get(name);
        let status = if value.is_none() { VarStatus::Unset } else { status };
        match self.variables.iter_mut().find(|v| v.name == name) {
            // Listed in lookup order first (as not read); what happened to it replaces that.
            Some(v) if status == VarStatus::Used || matches!(v.status, VarStatus::Unset | VarStatus::NotRead) => {
                v.status = status;
            }
            Some(_) => {}
            None => self.variables.push(VarNote::new(name, status, value)),
        }
    }

    /// hyper-util `Builder::from_env` + `build` (R-HYPER-VAR-1 … 4, R-HYPER-CGI-1).
    fn read_hyper_util(&mut self, env: &ProxyEnv) {
        // R-HYPER-CGI-1: `var_os("REQUEST_METHOD").is_some()`, even when empty.
        if env.get("REQUEST_METHOD").is_some() {
            self.cgi = true;
            self.note_var(env, "REQUEST_METHOD", VarStatus::Used);
            for n in [
                "ALL_PROXY",
                "all_proxy",
                "HTTP_PROXY",
                "http_proxy",
                "HTTPS_PROXY",
                "https_proxy",
                "NO_PROXY",
                "no_proxy",
            ] {
                self.note_var(env, n, VarStatus::NotRead);
            }
            return;
        }
        // R-HYPER-VAR-1: upper case first; the first *set* spelling wins, even if empty.
        let mut first = |names: [&str; 2]| -> Option<(String, String)> {
            let mut found = None;
            for n in names {
                match (&found, usable(env, n)) {
                    (None, Some(v)) => found = Some((n.to_owned(), v)),
                    (Some(_), Some(_)) => self.note_var(env, n, VarStatus::Shadowed),
                    (_, None) => self.note_var(env, n, VarStatus::InvalidIgnored),
                }
            }
            found
        };
        let all = first(["ALL_PROXY", "all_proxy"]);
        let http = first(["HTTP_PROXY", "http_proxy"]);
        let https = first(["HTTPS_PROXY", "https_proxy"]);
        let no = first(["NO_PROXY", "no_proxy"]);
        // R-HYPER-VAR-2: a specific value that does not parse falls back to ALL_PROXY.
        let all_p = all.as_ref().and_then(|(n, v)| hyper_parse_proxy(v, n));
        let mut pick = |spec: Option<(String, String)>| -> Option<Chosen> {
            if let Some((n, v)) = &spec {
                match hyper_parse_proxy(v, n) {
                    Some(c) => {
                        self.note_var(env, n, VarStatus::Used);
                        return Some(c);
                    }
                    None => {
                        let st = if v.is_empty() { VarStatus::EmptyIgnored } else { VarStatus::InvalidIgnored };
                        self.note_var(env, n, st);
                    }
                }
            }
            if let (Some((n, _)), Some(c)) = (&all, &all_p) {
                self.note_var(env, n, VarStatus::Used);
                return Some(c.clone());
            }
            None
        };
        let (h, s) = (pick(http), pick(https));
        self.http = h;
        self.https = s;
        if let Some((n, v)) = &all {
            if all_p.is_none() {
                let st = if v.is_empty() { VarStatus::EmptyIgnored } else { VarStatus::InvalidIgnored };
                self.note_var(env, n, st);
            }
        }
        if let Some((n, v)) = no {
            self.note_var(env, &n, VarStatus::Used);
            self.parse_no_proxy_hyper(&n, &v, false);
        }
    }

    /// reqwest ≤ 0.12.15 `get_from_environment` (R-REQWEST-OLD-1 … 4).
    fn read_reqwest_legacy(&mut self, env: &ProxyEnv) {
        let insert = |p: &mut Prepared, scheme: &str, var: &str| -> bool {
            let Some(val) = usable(env, var) else {
                return false;
            };
            // `insert_proxy`: empty or blank values are refused; a value that does not parse too.
            if val.trim().is_empty() {
                p.note_var(env, var, VarStatus::EmptyIgnored);
                return false;
            }
            match reqwest_legacy_parse_proxy(env, &val, var) {
                Some(c) => {
                    p.note_var(env, var, VarStatus::Used);
                    if scheme == "http" {
                        p.http = Some(c);
                    } else {
                        p.https = Some(c);
                    }
                    true
                }
                None => {
                    p.note_var(env, var, VarStatus::InvalidIgnored);
                    false
                }
            }
        };
        // R-REQWEST-OLD-1: ALL_PROXY for both (else all_proxy), then the specific variables
        // overwrite.
        if !(insert(self, "http", "ALL_PROXY") && insert(self, "https", "ALL_PROXY")) {
            insert(self, "http", "all_proxy");
            insert(self, "https", "all_proxy");
        }
        // R-REQWEST-OLD-2: CGI ignores HTTP_PROXY and http_proxy only.
        if env.get("REQUEST_METHOD").is_some() {
            self.cgi = true;
            self.note_var(env, "REQUEST_METHOD", VarStatus::Used);
            self.note_var(env, "HTTP_PROXY", VarStatus::NotRead);
            self.note_var(env, "http_proxy", VarStatus::NotRead);
            self.notes.push("REQUEST_METHOD is set (CGI): reqwest ignores HTTP_PROXY and http_proxy".into());
        } else if !insert(self, "http", "HTTP_PROXY") {
            insert(self, "http", "http_proxy");
        }
        if !insert(self, "https", "HTTPS_PROXY") {
            insert(self, "https", "https_proxy");
        }
        // R-REQWEST-OLD-3: NO_PROXY (set, even empty) else no_proxy.
        let no = usable(env, "NO_PROXY")
            .map(|v| ("NO_PROXY", v))
            .or_else(|| usable(env, "no_proxy").map(|v| ("no_proxy", v)));
        if let Some((n, v)) = no {
            self.note_var(env, n, VarStatus::Used);
            if n == "NO_PROXY" {
                self.note_var(env, "no_proxy", VarStatus::Shadowed);
            }
            self.parse_no_proxy_hyper(n, &v, true);
        }
    }

    /// ureq 3 `Proxy::try_from_env`, `NoProxy::try_from_env` (R-UREQ-VAR-1, R-UREQ-NP-1).
    fn read_ureq(&mut self, env: &ProxyEnv) {
        for n in ["ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"] {
            if self.http.is_some() {
                self.note_var(env, n, VarStatus::Shadowed);
                continue;
            }
            match usable(env, n) {
                None => self.note_var(env, n, VarStatus::InvalidIgnored),
                Some(v) => match ureq_parse_proxy(&v, n) {
                    Some(c) => {
                        self.note_var(env, n, VarStatus::Used);
                        self.http = Some(c);
                    }
                    None => {
                        let st = if v.is_empty() { VarStatus::EmptyIgnored } else { VarStatus::InvalidIgnored };
                        self.note_var(env, n, st);
                    }
                },
            }
        }
        self.https = self.http.clone();
        let no = usable(env, "NO_PROXY")
            .map(|v| ("NO_PROXY", v))
            .or_else(|| usable(env, "no_proxy").map(|v| ("no_proxy", v)));
        if let Some((n, v)) = no {
            self.note_var(env, n, VarStatus::Used);
            if n == "NO_PROXY" {
                self.note_var(env, "no_proxy", VarStatus::Shadowed);
            }
            let mut entries = vec![];
            let mut diagnostics = vec![];
            // R-UREQ-NP-1: split on ',' only, no trimming; every piece is an entry.
            for (tok, span) in split_spans(&v, |c| c == ',', |s| s) {
                let lower = tok.to_ascii_lowercase();
                let (np, kind) = if tok == "*" {
                    (NpEntry::UreqAll, EntryKind::All)
                } else if tok.starts_with('*') {
                    let s = lower[1..].to_owned();
                    (NpEntry::UreqSuffix(s.clone()), EntryKind::Suffix { suffix: s })
                } else if tok.starts_with('.') {
                    (NpEntry::UreqSuffix(lower.clone()), EntryKind::Suffix { suffix: lower.clone() })
                } else if tok.ends_with('*') {
                    // `chars().take(len - 1)`: byte length minus one, counted in chars.
                    let s: String = tok.chars().take(tok.len() - 1).collect::<String>().to_ascii_lowercase();
                    (NpEntry::UreqPrefix(s.clone()), EntryKind::Prefix { prefix: s })
                } else if tok.ends_with('.') {
                    (NpEntry::UreqPrefix(lower.clone()), EntryKind::Prefix { prefix: lower.clone() })
                } else {
                    (
                        NpEntry::UreqExact(lower.clone()),
                        EntryKind::Domain { name: lower.clone(), apex: true, subdomains: false },
                    )
                };
                if tok != tok.trim() {
                    diagnostics.push(NoProxyDiagnostic {
                        span: span.clone(),
                        message: "ureq does not trim entries: the blank is part of the pattern".into(),
                    });
                }
                if matches!(np, NpEntry::UreqExact(_)) && !tok.is_empty() && !tok.starts_with('[') && tok.contains(':')
                {
                    diagnostics.push(NoProxyDiagnostic {
                        span: span.clone(),
                        message: "ureq compares the entry with the host only: a port makes it never match".into(),
                    });
                }
                self.np.push((entries.len(), np));
                entries.push(Entry::new(tok, span, kind));
            }
            self.no_proxy = Some(Arc::new(NoProxyReport { variable: n.into(), value: v, entries, diagnostics }));
        }
    }

    /// hyper-util `NoProxy::from_string` / reqwest 0.12.15 `NoProxy::from_string`
    /// (R-HYPER-NP-1, R-REQWEST-OLD-3).
    fn parse_no_proxy_hyper(&mut self, var: &str, value: &str, legacy: bool) {
        let mut entries = vec![];
        let mut diagnostics = vec![];
        let mut note = |span: &std::ops::Range<usize>, m: &str| {
            diagnostics.push(NoProxyDiagnostic { span: span.clone(), message: m.to_owned() })
        };
        if !(legacy && value.is_empty()) {
            for (tok, span) in split_spans(value, |c| c == ',', str::trim) {
                let (np, kind) = if let Ok(net) = tok.parse::<IpNet>() {
                    (Some(NpEntry::Net(net)), EntryKind::Cidr { net })
                } else if let Ok(ip) = tok.parse::<IpAddr>() {
                    (Some(NpEntry::Ip(ip)), EntryKind::Ip { addr: ip })
                } else if tok.is_empty() && !legacy {
                    (None, EntryKind::Ignored { reason: "empty entry".into() })
                } else if tok.is_empty() {
                    note(&span, "reqwest ≤ 0.12.15 keeps an empty entry: it matches every host name ending in '.'");
                    (Some(NpEntry::Domain(String::new())), EntryKind::Suffix { suffix: ".".into() })
                } else if tok == "*" {
                    (Some(NpEntry::Domain(tok.to_owned())), EntryKind::All)
                } else {
                    if tok.contains(':') && !tok.starts_with('[') {
                        note(&span, "the entry is compared with the host name only: a port makes it never match");
                    } else if tok.starts_with('[') {
                        note(&span, "IPv6 entries are written without brackets: this one never matches");
                    } else if tok.contains('*') {
                        note(&span, "`*` is a wildcard only as a whole entry: this one is compared literally");
                    } else if tok.contains('/') {
                        note(&span, "not a valid CIDR: compared as a host name, never matches");
                    }
                    if legacy && tok.bytes().any(|b| b.is_ascii_uppercase()) {
                        note(&span, "compared case-sensitively with the lower-case host: never matches");
                    }
                    let name = tok.strip_prefix('.').unwrap_or(tok).to_owned();
                    (Some(NpEntry::Domain(tok.to_owned())), EntryKind::Domain { name, apex: true, subdomains: true })
                };
                if let Some(np) = np {
                    self.np.push((entries.len(), np));
                }
                entries.push(Entry::new(tok, span, kind));
            }
        }
        self.no_proxy =
            Some(Arc::new(NoProxyReport { variable: var.to_owned(), value: value.to_owned(), entries, diagnostics }));
    }

    /// The index of the first entry matching `host` (as the client reads it).
    fn no_proxy_match(&self, host: &str, eval: super::matching::Eval) -> Option<usize> {
        if let Some(m) = self.matcher.as_deref().filter(|_| eval == super::matching::Eval::Compiled) {
            return match_compiled(&self.rules, &self.np, m, host);
        }
        match self.rules.engine {
            RustEngine::Ureq => self
                .np
                .iter()
                .find(|(_, e)| match e {
                    NpEntry::UreqAll => true,
                    NpEntry::UreqExact(p) => *p == host.to_ascii_lowercase(),
                    NpEntry::UreqPrefix(p) => {
                        host.len() >= p.len() && host.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
                    }
                    NpEntry::UreqSuffix(s) => {
                        host.len() >= s.len()
                            && host.as_bytes()[host.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
                    }
                    _ => false,
                })
                .map(|(i, _)| *i),
            _ => {
                // R-HYPER-MATCH-1: brackets stripped, then an IP host is checked against IP
                // entries only, a name against domain entries only.
                let h = if self.rules.strip_one_bracket_pair {
                    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
                } else if host.starts_with('[') {
                    host.trim_matches(['[', ']'])
                } else {
                    host
                };
                match h.parse::<IpAddr>() {
                    Ok(ip) => self
                        .np
                        .iter()
                        .find(|(_, e)| match e {
                            NpEntry::Ip(a) => *a == ip,
                            NpEntry::Net(n) => n.contains(&ip),
                            _ => false,
                        })
                        .map(|(i, _)| *i),
                    Err(_) => self
                        .np
                        .iter()
                        .find(|(_, e)| matches!(e, NpEntry::Domain(d) if domain_matches(&self.rules, d, h)))
                        .map(|(i, _)| *i),
                }
            }
        }
    }

    /// The compiled NO_PROXY: names as the client compares them (ureq: every host; hyper-util
    /// and reqwest: hosts that are not IP addresses, brackets stripped), addresses for IP hosts.
    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    pub(crate) fn decide(&self, target: &Target, eval: super::matching::Eval) -> (Outcome, Explanation) {
        let mut ex = Explanation::new();
        ex.variables = self.variables.clone();
        ex.no_proxy = self.no_proxy.clone();
        ex.notes = self.notes.clone();
        let err = |mut ex: Explanation, rule: Rule, e: DecisionError| {
            ex.rule = rule;
            (Outcome::Error { error: e }, ex)
        };
        // Read the URL the client's way.
        let url_owned;
        let mut url = target.as_str();
        if self.rules.url_crate_target {
            // R-REQWEST-URL-1
            let u = match url::Url::parse(url) {
                Ok(u) => u,
                Err(e) => return err(ex, Rule::InvalidUrl, DecisionError::InvalidUrl { message: e.to_string() }),
            };
            if !u.has_host() {
                return err(ex, Rule::InvalidUrl, DecisionError::InvalidUrl { message: "URL has no host".into() });
            }
            if u.scheme() != "http" && u.scheme() != "https" {
                return err(ex, Rule::InvalidUrl, DecisionError::UnsupportedUrlScheme { scheme: u.scheme().into() });
            }
            url_owned = u.to_string();
            url = &url_owned;
        }
        let uri = match http_uri::parse(url) {
            Ok(u) => u,
            Err(m) => {
                return err(ex, Rule::InvalidUrl, DecisionError::InvalidUrl { message: format!("http::Uri: {m}") })
            }
        };
        if self.rules.engine == RustEngine::Ureq {
            // R-UREQ-URL-1: `ensure_valid_url`: http/https with an authority.
            match uri.scheme {
                Some("http" | "https") => {}
                Some(s) => return err(ex, Rule::InvalidUrl, DecisionError::UnsupportedUrlScheme { scheme: s.into() }),
                None => {
                    return err(ex, Rule::InvalidUrl, DecisionError::InvalidUrl { message: "missing scheme".into() })
                }
            }
        }
        let Some(auth) = uri.authority else {
            ex.rule = Rule::NoHost;
            return (Outcome::Direct, ex);
        };
        let host = http_uri::host(auth);
        let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        ex.host = Some(HostView { host: host.to_owned(), ip: bare.parse().ok(), port: http_uri::port(auth) });
        if self.cgi && self.rules.engine == RustEngine::HyperUtil {
            ex.rule = Rule::Cgi;
            ex.notes.push("REQUEST_METHOD is set (CGI): hyper-util's matcher has no proxies at all".into());
            return (Outcome::Direct, ex);
        }
        // NO_PROXY is checked first, for every scheme.
        if let Some(i) = self.no_proxy_match(host, eval) {
            ex.matched = Some(i);
            let all = matches!(self.no_proxy.as_ref().map(|n| &n.entries[i].kind), Some(EntryKind::All));
            ex.rule = if all { Rule::NoProxyAll } else { Rule::NoProxyMatch };
            return (Outcome::Direct, ex);
        }
        let ip_host = ex.host.as_ref().is_some_and(|h| h.ip.is_some());
        let has_star = self.no_proxy.as_ref().is_some_and(|n| n.entries.iter().any(|e| e.kind == EntryKind::All));
        if ip_host && has_star && self.rules.engine != RustEngine::Ureq {
            ex.notes
                .push("NO_PROXY `*` covers host names only: an IP host is checked against IP and CIDR entries".into());
        }
        let chosen = match uri.scheme {
            Some("http") => &self.http,
            Some("https") => &self.https,
            _ => {
                ex.rule = Rule::SchemeNotProxied;
                return (Outcome::Direct, ex);
            }
        };
        match chosen {
            Some(c) => {
                ex.rule = Rule::ProxyVariable;
                let mut proxy = c.proxy.clone();
                if self.rules.dial_default_port && proxy.port().is_none() {
                    let port = if proxy.scheme() == "https" { 443 } else { 80 };
                    proxy =
                        ProxyUrl::new(proxy.scheme(), proxy.userinfo().map(|u| u.expose().clone()), proxy.host(), port);
                }
                (Outcome::Proxy { proxy, variable: c.variable.clone() }, ex)
            }
            None => {
                ex.rule = Rule::NoProxyVariable;
                (Outcome::Direct, ex)
            }
        }
    }
}

/// Index the parsed entries: the same first match as the scan in `no_proxy_match`, for every
/// host. Every entry form is indexed exactly, except the "every name" meaning of the first
/// `*` (hyper-util, reqwest), which is a fallback entry: `DomainMatcher::contains` reaches its
/// `d == "*"` branch only when the host does not end with `*` (a host like `a-*` matches no
/// `*` entry), and the index has no "does not end with" meaning.
fn compile(r: &RustRules, np: &[(usize, NpEntry)]) -> Option<Matcher> {
    let case =
        if r.case_insensitive || r.engine == RustEngine::Ureq { Case::AsciiInsensitive } else { Case::Sensitive };
    let mut b = MatcherBuilder::new(case);
    b.reserve(np.len(), np.iter().map(|(_, e)| if let NpEntry::Domain(d) = e { d.len() } else { 0 }).sum());
    let mut star_seen = false;
    for (i, e) in np {
        let i = *i;
        match e {
            // ureq (ASCII case-insensitive; entries are lower-cased already).
            NpEntry::UreqAll => b.all(i),
            NpEntry::UreqExact(p) => b.name(i, p, true, false, None),
            NpEntry::UreqPrefix(p) => b.prefix(i, p, None),
            NpEntry::UreqSuffix(s) => b.suffix(i, s, None),
            // hyper-util / reqwest, IP hosts only: `IpAddr ==` and `IpNet::contains` (no
            // IPv4-mapped conversion: each family stays in its own table).
            NpEntry::Ip(a) => b.ip(i, *a, None),
            NpEntry::Net(n) => b.cidr(i, n.addr(), n.prefix_len(), None),
            // Names only (`match_ip` never sees these): `domain_matches`.
            NpEntry::Domain(d) => {
                // `d == "*"`: the names not ending in `*` (the ones that do are `*` itself and
                // the names ending in `.*`, indexed below). Later `*` entries can never come
                // first: the first one matches every host they would.
                if d == "*" && !star_seen {
                    star_seen = true;
                    b.fallback(i);
                }
                match d.strip_prefix('.') {
                    // `.x`: the host `x` (second test), and every host ending in `.x` (the
                    // suffix test; the host `.x` itself is one of them).
                    Some(rest) => b.name(i, rest, true, true, None),
                    // `x`: the host `x`, and hosts ending in `x` after a `.`.
                    None => b.name(i, d, true, true, None),
                }
            }
        }
    }
    b.build()
}

/// `no_proxy_match` on the compiled index (`np`: the entries, for the fallback ones).
fn match_compiled(r: &RustRules, np: &[(usize, NpEntry)], m: &Matcher, host: &str) -> Option<usize> {
    if r.engine == RustEngine::Ureq {
        return m.match_name(host, None);
    }
    let h = if r.strip_one_bracket_pair {
        host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
    } else if host.starts_with('[') {
        host.trim_matches(['[', ']'])
    } else {
        host
    };
    match h.parse::<IpAddr>() {
        Ok(ip) => m.match_ip(ip, None),
        Err(_) => m.first(m.match_name(h, None), |i| {
            let e = np.binary_search_by_key(&i, |(j, _)| *j).ok().map(|k| &np[k].1);
            matches!(e, Some(NpEntry::Domain(d)) if domain_matches(r, d, h))
        }),
    }
}

/// `DomainMatcher::contains` for one entry (R-HYPER-MATCH-2, R-HYPER-MATCH-3).
fn domain_matches(r: &RustRules, d: &str, domain: &str) -> bool {
    let eq = |a: &str, b: &str| if r.case_insensitive { a.eq_ignore_ascii_case(b) } else { a == b };
    let (dl, hl) = (d.len(), domain.len());
    if eq(d, domain) || d.strip_prefix('.').is_some_and(|s| eq(s, domain)) {
        return true;
    }
    let suffix = if r.case_insensitive {
        domain.get(hl.saturating_sub(dl)..).is_some_and(|s| s.eq_ignore_ascii_case(d))
    } else {
        domain.ends_with(d)
    };
    if suffix {
        // `domain_len - d.len() - 1`: d is shorter here (equal length matched above).
        return d.starts_with('.') || (hl > dl && domain.as_bytes()[hl - dl - 1] == b'.');
    }
    d == "*"
}

fn strip_brackets(h: &str) -> &str {
    h.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(h)
}

/// hyper-util `parse_env_uri` (R-HYPER-PV-1 … 3).
fn hyper_parse_proxy(val: &str, var: &str) -> Option<Chosen> {
    let uri = http_uri::parse(val).ok()?;
    let scheme = match uri.scheme {
        Some(s @ ("http" | "https" | "socks4" | "socks4a" | "socks5" | "socks5h")) => s,
        Some(_) => return None,
        None => "http",
    };
    let auth = uri.authority?;
    let (userinfo, host_port) = match auth.split_once('@') {
        Some((u, hp)) => (Some(u.to_owned()), hp),
        None => (None, auth),
    };
    if !http_uri::valid_authority(host_port) {
        return None;
    }
    let host = http_uri::host(host_port);
    let proxy = ProxyUrl::new(scheme, userinfo, strip_brackets(host), http_uri::port(host_port));
    Some(Chosen { proxy, variable: var.to_owned() })
}

/// ureq `Proxy::new_with_flag` (R-UREQ-PV-1).
fn ureq_parse_proxy(val: &str, var: &str) -> Option<Chosen> {
    let uri = http_uri::parse(val).ok()?;
    let auth = uri.authority?;
    let (userinfo, host_port) = match auth.rsplit_once('@') {
        Some((u, hp)) => (Some(u), hp),
        None => (None, auth),
    };
    // username/password must percent-decode to UTF-8.
    if let Some(u) = userinfo {
        super::matching::percent_decode(u)?;
    }
    let scheme = uri.scheme.unwrap_or("http").to_ascii_lowercase();
    let (scheme, default) = match scheme.as_str() {
        "http" => ("http", 80),
        "https" => ("https", 443),
        "socks4" => ("socks4", 1080),
        "socks4a" => ("socks4a", 1080),
        "socks" | "socks5" => ("socks5", 1080),
        "socks5h" => ("socks5h", 1080),
        _ => return None,
    };
    let host = http_uri::host(host_port);
    let port = http_uri::port(auth).unwrap_or(default);
    Some(Chosen {
        proxy: ProxyUrl::new(scheme, userinfo.map(str::to_owned), strip_brackets(host), port),
        variable: var.into(),
    })
}

/// reqwest 0.12.15 `IntoProxyScheme` + `ProxyScheme::parse` (R-REQWEST-OLD-4).
fn reqwest_legacy_parse_proxy(env: &ProxyEnv, val: &str, var: &str) -> Option<Chosen> {
    let url = match url::Url::parse(val) {
        Ok(u) if u.has_host() => u,
        Ok(_) | Err(url::ParseError::RelativeUrlWithoutBase) => url::Url::parse(&format!("http://{val}")).ok()?,
        Err(_) => return None,
    };
    if !url.has_host() {
        return None;
    }
    let host = url.host_str().unwrap_or_default();
    let userinfo = url.password().map(|p| format!("{}:{p}", url.username()));
    match url.scheme() {
        "http" | "https" => {
            let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
            if !http_uri::valid_authority(authority) {
                return None;
            }
            let port = url.port();
            Some(Chosen {
                proxy: ProxyUrl::new(url.scheme(), userinfo, strip_brackets(host), port),
                variable: var.into(),
            })
        }
        "socks4" | "socks4a" | "socks5" | "socks5h" => {
            // The proxy host is resolved while the environment is read; a name that does not
            // resolve makes the value unusable. `localhost` always resolves.
            let ip = match url.host()? {
                url::Host::Ipv4(a) => IpAddr::V4(a),
                url::Host::Ipv6(a) => IpAddr::V6(a),
                // Non-special schemes keep the host opaque: `to_socket_addrs` still reads
                // a numeric address.
                url::Host::Domain(d) if d.parse::<IpAddr>().is_ok() => d.parse().ok()?,
                url::Host::Domain(d) => match env.resolve(d) {
                    Some(a) if !a.is_empty() => a[0],
                    _ if d.eq_ignore_ascii_case("localhost") => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
                    _ => return None,
                },
            };
            let scheme = if url.scheme() == "socks4a" { "socks4a" } else { url.scheme() };
            Some(Chosen {
                proxy: ProxyUrl::new(scheme, userinfo, &ip.to_string(), url.port().unwrap_or(1080)),
                variable: var.into(),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_rules() {
        let r = hyper_util_rules("0.1.21".parse().unwrap());
        assert!(domain_matches(&r, ".example.com", "example.com"));
        assert!(domain_matches(&r, "EXAMPLE.com", "sub.example.com"));
        assert!(!domain_matches(&r, "example.com", "notexample.com"));
        assert!(domain_matches(&r, "*", "x"));
        let old = hyper_util_rules("0.1.19".parse().unwrap());
        assert!(!domain_matches(&old, "EXAMPLE.com", "example.com"));
        assert!(domain_matches(&old, "", "example.com."));
    }

    fn prepared(id: &str, no_proxy: &str) -> Prepared {
        let (family, version) = id.split_once('@').unwrap();
        let v = version.parse().unwrap();
        let r = match family {
            "hyper-util" => hyper_util_rules(v),
            "reqwest" => reqwest_rules(v),
            _ => ureq_rules(v),
        };
        Prepared::new(&r, &ProxyEnv::builder().var("NO_PROXY", no_proxy).build())
    }

    #[test]
    fn compiled_index_is_used() {
        use crate::flavors::matching::Eval;
        let p = prepared("hyper-util@0.1.21", "10.0.0.0/8,.Example.com,*,::1,x");
        let m = p.matcher().expect("NO_PROXY read");
        assert_eq!(m.fallback_entries(), &[2]);
        assert_eq!(m.match_ip("10.1.2.3".parse().unwrap(), None), Some(0));
        assert_eq!(m.match_ip("::1".parse().unwrap(), None), Some(3));
        assert_eq!(m.match_ip("11.1.2.3".parse().unwrap(), None), None);
        assert_eq!(m.match_name("a.example.COM", None), Some(1));
        assert_eq!(m.match_name("other", None), None);
        assert_eq!(m.match_name("a.*", None), Some(2));
        assert_eq!(p.no_proxy_match("other", Eval::Compiled), Some(2));
        assert_eq!(p.no_proxy_match("a-*", Eval::Compiled), None);
        for h in ["[::1]", "10.9.9.9", "11.0.0.1", "a.example.com", "x", "y.x", "[::2]", "a-*", "a.*", "*", ""] {
            assert_eq!(p.no_proxy_match(h, Eval::Compiled), p.no_proxy_match(h, Eval::Reference), "{h}");
        }
        let old = prepared("hyper-util@0.1.19", "Example.com,.b");
        let m = old.matcher().unwrap();
        assert_eq!(m.match_name("a.example.com", None), None);
        assert_eq!(m.match_name("a.Example.com", None), Some(0));
        assert_eq!(m.match_name("b", None), Some(1));
        let legacy = prepared("reqwest@0.12.15", "a,,b");
        assert_eq!(legacy.matcher().unwrap().match_name("x.", None), Some(1));
        let u = prepared("ureq@3.5.2", "*Example.com,LOCAL*,exact,192.168.");
        let m = u.matcher().unwrap();
        assert_eq!(m.match_name("notexample.COM", None), Some(0));
        assert_eq!(m.match_name("localhost", None), Some(1));
        assert_eq!(m.match_name("EXACT", None), Some(2));
        assert_eq!(m.match_name("a.exact", None), None);
        assert_eq!(m.match_name("192.168.1.1", None), Some(3));
        assert!(prepared("ureq@3.5.2", "").matcher().is_some());
    }
}
