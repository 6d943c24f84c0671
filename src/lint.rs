//! Lint a proxy environment against a set of flavors, and rewrite NO_PROXY portably.
//!
//! Every finding has a stable code (`NP001` …, listed in [`Code`] and in spec.md), a severity,
//! the variable and byte span it concerns (with the variable's provenance), the flavors it
//! affects, a witness URL where the flavors disagree, and a suggested fix.
//!
//! ```
//! use noproxy::{lint, Flavor, ProxyEnv};
//! let env = ProxyEnv::builder()
//!     .both("https_proxy", "http://proxy.invalid:3128")
//!     .var("NO_PROXY", "docker:2375,docker:2376")
//!     .build();
//! let flavors: Vec<Flavor> = ["go", "curl@7.88.1"].iter().map(|f| f.parse().unwrap()).collect();
//! let findings = lint::lint(&env, &flavors);
//! let port = findings.iter().find(|f| f.code == lint::Code::PortQualified).unwrap();
//! assert_eq!(port.location.as_ref().unwrap().span, Some(0..11));
//! assert_eq!(port.flavors, vec!["curl@7.88.1".to_string()]);
//! ```

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use crate::analysis::{
    self, comma_tokens, names, probe_env, probe_urls, split_host_port, FlavorVerdict, Verdict, Witness,
};
use crate::decision::{Rule, VarStatus};
use crate::env::{Provenance, ProxyEnv};
use crate::flavors::Flavor;
use crate::secret::redact_value;

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Severity {
    /// Worth knowing; behaviour is the same everywhere.
    Note,
    /// Flavors behave differently, or a risky setting.
    Warning,
    /// Almost certainly not what was meant.
    Error,
}

impl Severity {
    /// `note`, `warning`, `error` (also SARIF's `level`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "note" => Ok(Severity::Note),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(crate::Error::new(crate::ErrorKind::BadSeverity, s)),
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident, $title:literal;)*) => {
        /// Stable finding codes. Never renumbered; new codes are appended.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $title] $variant,)*
        }
        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            /// `NP001` …
            pub fn as_str(&self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }
            /// One line: what the code is about.
            pub fn title(&self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
            /// The severity findings with this code get unless a finding says otherwise.
            pub fn default_severity(&self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }
        }
    };
}

codes! {
    PortQualified = "NP001", Warning, "A port-qualified NO_PROXY entry (`docker:2375`) is read differently: some tools honour the port, some ignore it, some never match the entry.";
    LeadingDot = "NP002", Warning, "A leading-dot entry (`.example.com`) matches the domain itself in some tools and only its subdomains in others.";
    BareDomain = "NP003", Warning, "A bare domain entry (`example.com`) matches subdomains in some tools and only the exact host in others.";
    WildcardPrefix = "NP004", Warning, "A `*.` wildcard entry (`*.example.com`) is a suffix in some tools and never matches in others.";
    Star = "NP005", Warning, "A `*` that is not the whole value, or inside an entry, is read differently.";
    Cidr = "NP006", Warning, "A CIDR entry (`10.0.0.0/8`) is supported by some tools only.";
    Ipv6 = "NP007", Warning, "An IPv6 entry is read differently depending on brackets.";
    TrailingDot = "NP008", Warning, "A trailing dot in an entry or host is read differently.";
    Whitespace = "NP009", Warning, "Whitespace inside NO_PROXY: some tools split on it, some stop reading there, some keep it inside the entry.";
    EmptyEntry = "NP010", Note, "An empty NO_PROXY entry (`a,,b` or a trailing comma).";
    CaseMismatch = "NP011", Warning, "The upper- and lower-case spellings of a variable hold different values; tools pick different ones.";
    EmptyMasks = "NP012", Warning, "A set-but-empty spelling masks the other spelling in tools that read it first.";
    AllProxy = "NP013", Warning, "ALL_PROXY is honoured by some tools only.";
    SchemelessProxy = "NP014", Note, "A proxy value without a scheme: each tool guesses one.";
    ProxyRejected = "NP015", Warning, "A proxy value some tools reject or ignore (bad URL or unsupported scheme).";
    Httpoxy = "NP016", Warning, "HTTP_PROXY with REQUEST_METHOD set (CGI): the httpoxy class; tools differ in refusing it.";
    Loopback = "NP017", Warning, "Loopback (`localhost`, `127.0.0.1`, `::1`) is proxied by some tools and not by others.";
    Credentials = "NP018", Warning, "Credentials in a proxy URL are visible to every process and container that inherits the variable.";
    EntryDisagrees = "NP019", Warning, "A NO_PROXY entry is read differently for another reason.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a finding points: a variable, and the byte span inside its value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Location {
    /// The variable as spelled.
    pub variable: String,
    /// Byte span in the value (None: the whole variable).
    pub span: Option<Range<usize>>,
    /// Where the variable's value came from (file and line for imported sources).
    pub provenance: Provenance,
}

/// One lint finding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Severity.
    pub severity: Severity,
    /// What is wrong, in one or two sentences (credentials redacted).
    pub message: String,
    /// The variable and span concerned.
    pub location: Option<Location>,
    /// The entry text, for NO_PROXY findings.
    pub entry: Option<String>,
    /// The flavors that behave differently from the others (or all that are affected).
    pub flavors: Vec<String>,
    /// A URL that shows the difference, with every flavor's verdict.
    pub witness: Option<Witness>,
    /// What to write instead.
    pub suggestion: Option<String>,
}

const NO_PROXY_SPELLINGS: [&str; 2] = ["NO_PROXY", "no_proxy"];
const PAIRS: [(&str, &str, &str); 5] = [
    ("HTTP_PROXY", "http_proxy", "http://example.invalid/"),
    ("HTTPS_PROXY", "https_proxy", "https://example.invalid/"),
    ("ALL_PROXY", "all_proxy", "https://example.invalid/"),
    ("FTP_PROXY", "ftp_proxy", "ftp://example.invalid/"),
    ("NO_PROXY", "no_proxy", ""),
];

fn location(env: &ProxyEnv, name: &str, span: Option<Range<usize>>) -> Option<Location> {
    let v = env.var(name)?;
    Some(Location { variable: v.name.clone(), span, provenance: v.provenance.clone() })
}

/// The minority of a witness: the flavors that do not do what most do (ties: the non-direct).
fn minority(w: &Witness) -> Vec<String> {
    let d = w.direct();
    let n = w.not_direct();
    if d.len() < n.len() {
        d
    } else {
        n
    }
}

/// The code a NO_PROXY entry's disagreement is filed under, from how the entry is written.
fn entry_code(raw: &str) -> Code {
    let t = raw.trim();
    if t.is_empty() {
        return Code::EmptyEntry;
    }
    if t != raw || t.contains([' ', '\t', '\n', '\r']) {
        return Code::Whitespace;
    }
    let wildcard_prefix_only = t.starts_with("*.") && !t[2..].contains('*');
    if t.contains('*') && !wildcard_prefix_only {
        return Code::Star;
    }
    if t.contains('/') {
        return Code::Cidr;
    }
    let (host, port) = split_host_port(t);
    if t.starts_with('[') || host.parse::<std::net::Ipv6Addr>().is_ok() {
        return Code::Ipv6;
    }
    if port.is_some() {
        return Code::PortQualified;
    }
    if t.ends_with('.') {
        return Code::TrailingDot;
    }
    if t.starts_with("*.") {
        return Code::WildcardPrefix;
    }
    if t.starts_with('.') {
        return Code::LeadingDot;
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Code::EntryDisagrees;
    }
    Code::BareDomain
}

/// Evaluate `urls` under `env`; return the first URL on which the flavors disagree.
fn witness_in(env: &ProxyEnv, flavors: &[Flavor], urls: &[String], no_proxy: &str) -> Option<Witness> {
    let d = analysis::diff(env, flavors, urls);
    d.rows.iter().find(|r| !r.agree).map(|r| Witness {
        url: r.url.clone(),
        no_proxy: no_proxy.to_owned(),
        verdicts: r.cells.iter().map(|c| FlavorVerdict::new(&c.decision.flavor, &c.verdict)).collect(),
    })
}

/// Lint an environment for the given flavors. Findings are sorted by severity (highest
/// first), then code, then position.
pub fn lint(env: &ProxyEnv, flavors: &[Flavor]) -> Vec<Finding> {
    let mut out = Vec::new();
    lint_no_proxy(env, flavors, &mut out);
    lint_variables(env, flavors, &mut out);
    out.sort_by(|a, b| {
        b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)).then_with(|| {
            let key = |f: &Finding| f.location.as_ref().and_then(|l| l.span.as_ref().map(|s| s.start));
            key(a).cmp(&key(b))
        })
    });
    out
}

fn lint_no_proxy(env: &ProxyEnv, flavors: &[Flavor], out: &mut Vec<Finding>) {
    let mut seen_values: Vec<String> = Vec::new();
    for name in NO_PROXY_SPELLINGS {
        let Some(value) = env.get(name) else { continue };
        if value.is_empty() || seen_values.iter().any(|v| v == value) {
            continue;
        }
        seen_values.push(value.to_owned());
        let analyses = analysis::analyze_no_proxy(value, flavors);
        let portable = portable(value, flavors);
        for a in &analyses {
            let code = entry_code(&a.text);
            let suggestion = portable
                .intents
                .iter()
                .find(|i| i.span == a.span)
                .map(|i| match i.spelling.as_slice() {
                    [] => "remove it".to_owned(),
                    s => format!("write `{}`", s.join(",")),
                })
                .filter(|s| *s != format!("write `{}`", a.text));
            if code == Code::EmptyEntry {
                out.push(Finding {
                    code,
                    severity: code.default_severity(),
                    message: format!("{name} has an empty entry at byte {}", a.span.start),
                    location: location(env, name, Some(a.span.clone())),
                    entry: Some(a.text.clone()),
                    flavors: vec![],
                    witness: None,
                    suggestion: Some("remove the extra comma".into()),
                });
                continue;
            }
            // The entry alone, or (when only the whole value shows it) the entry in context.
            let witness = a.witnesses.first().cloned().or_else(|| {
                let probes = probe_urls(a.text.trim());
                witness_in(&probe_env(value), flavors, &probes, value)
            });
            let readings_differ = a.readings.windows(2).any(|w| w[0].meaning != w[1].meaning);
            let Some(witness) = witness else {
                if code == Code::Whitespace && readings_differ {
                    out.push(entry_finding(env, name, a, code, None, suggestion));
                }
                continue;
            };
            out.push(entry_finding(env, name, a, code, Some(witness), suggestion));
        }
    }
}

fn entry_finding(
    env: &ProxyEnv,
    name: &str,
    a: &analysis::EntryAnalysis,
    code: Code,
    witness: Option<Witness>,
    suggestion: Option<String>,
) -> Finding {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for r in &a.readings {
        match groups.iter_mut().find(|(m, _)| *m == r.meaning) {
            Some((_, f)) => f.push(r.flavor.clone()),
            None => groups.push((r.meaning.clone(), vec![r.flavor.clone()])),
        }
    }
    let readings = groups.iter().map(|(m, f)| format!("{}: {m}", names(f))).collect::<Vec<_>>().join("; ");
    let mut message = format!("{name} entry {:?} is read differently — {readings}", a.text);
    if let Some(w) = &witness {
        message.push_str(&format!(". Witness {w}"));
    }
    Finding {
        code,
        severity: code.default_severity(),
        message,
        location: location(env, name, Some(a.span.clone())),
        entry: Some(a.text.clone()),
        flavors: witness.as_ref().map(minority).unwrap_or_default(),
        witness,
        suggestion,
    }
}

fn lint_variables(env: &ProxyEnv, flavors: &[Flavor], out: &mut Vec<Finding>) {
    // NP011 / NP012: the two spellings.
    for (upper, lower, url) in PAIRS {
        let (Some(u), Some(l)) = (env.get(upper), env.get(lower)) else { continue };
        if u == l {
            continue;
        }
        let (code, masked, by) = match (u.is_empty(), l.is_empty()) {
            (true, false) => (Code::EmptyMasks, lower, upper),
            (false, true) => (Code::EmptyMasks, upper, lower),
            _ => (Code::CaseMismatch, "", ""),
        };
        let urls: Vec<String> = if upper == "NO_PROXY" {
            let mut v = Vec::new();
            for t in comma_tokens(u).into_iter().chain(comma_tokens(l)) {
                v.extend(probe_urls(t.0.trim()));
            }
            v
        } else {
            vec![url.to_owned()]
        };
        let witness = witness_in(env, flavors, &urls, env.get("NO_PROXY").or(env.get("no_proxy")).unwrap_or(""));
        let message = if code == Code::EmptyMasks {
            format!("{by} is set but empty, {masked} is not: tools that read {by} first see no value")
        } else {
            format!(
                "{upper}={:?} and {lower}={:?} differ: each tool reads one of them",
                redact_value(u),
                redact_value(l)
            )
        };
        let message = match &witness {
            Some(w) => format!("{message}. Witness {w}"),
            None => message,
        };
        out.push(Finding {
            code,
            severity: if witness.is_some() { Severity::Warning } else { Severity::Note },
            message,
            location: location(env, if code == Code::EmptyMasks { by } else { lower }, None),
            entry: None,
            flavors: witness.as_ref().map(minority).unwrap_or_default(),
            witness,
            suggestion: Some(format!("set {upper} and {lower} to the same value")),
        });
    }
    // Decisions on plain URLs of each scheme: ALL_PROXY, rejected proxies.
    let urls = ["http://example.invalid/", "https://example.invalid/"];
    let d = analysis::diff(env, flavors, &urls);
    for (name_u, name_l) in [("ALL_PROXY", "all_proxy")] {
        if env.get(name_u).or(env.get(name_l)).is_none_or(str::is_empty) {
            continue;
        }
        for row in &d.rows {
            let users: Vec<String> = row
                .cells
                .iter()
                .filter(|c| c.decision.outcome.variable().is_some_and(|v| v.eq_ignore_ascii_case(name_u)))
                .map(|c| c.decision.flavor.clone())
                .collect();
            if users.is_empty() || users.len() == row.cells.len() || row.agree {
                continue;
            }
            let w = Witness {
                url: row.url.clone(),
                no_proxy: String::new(),
                verdicts: row.cells.iter().map(|c| FlavorVerdict::new(&c.decision.flavor, &c.verdict)).collect(),
            };
            let var = if env.get(name_l).is_some() { name_l } else { name_u };
            out.push(Finding {
                code: Code::AllProxy,
                severity: Severity::Warning,
                message: format!("{var} is used by {} only for {}", names(&users), row.url),
                location: location(env, var, None),
                entry: None,
                flavors: users,
                witness: Some(w),
                suggestion: Some("set the scheme-specific variables (http_proxy, https_proxy) explicitly".into()),
            });
            break;
        }
    }
    // NP015: rejected or ignored proxy values.
    let mut rejected: Vec<(String, Vec<String>)> = Vec::new();
    for row in &d.rows {
        for c in &row.cells {
            let e = &c.decision.explanation;
            let mut vars: Vec<String> =
                e.variables.iter().filter(|v| v.status == VarStatus::InvalidIgnored).map(|v| v.name.clone()).collect();
            if matches!(e.rule, Rule::InvalidProxy) {
                if let Some(v) = e.variables.iter().find(|v| v.status == VarStatus::Used) {
                    vars.push(v.name.clone());
                }
            }
            for v in vars {
                match rejected.iter_mut().find(|(n, _)| *n == v) {
                    Some((_, f)) if !f.contains(&c.decision.flavor) => f.push(c.decision.flavor.clone()),
                    Some(_) => {}
                    None => rejected.push((v, vec![c.decision.flavor.clone()])),
                }
            }
        }
    }
    for (var, fl) in rejected {
        let value = env.get(&var).unwrap_or("");
        out.push(Finding {
            code: Code::ProxyRejected,
            severity: Severity::Warning,
            message: format!("{var}={:?} is rejected or ignored by {}", redact_value(value), names(&fl)),
            location: location(env, &var, None),
            entry: None,
            flavors: fl,
            witness: None,
            suggestion: Some("write the proxy as http://host:port".into()),
        });
    }
    // NP014 / NP018: every proxy variable's value.
    for v in env.vars() {
        let lower = v.name.to_ascii_lowercase();
        if !lower.ends_with("_proxy") || lower == "no_proxy" || v.value.is_empty() {
            continue;
        }
        if !v.value.contains("://") {
            out.push(Finding {
                code: Code::SchemelessProxy,
                severity: Severity::Note,
                message: format!(
                    "{}={:?} has no scheme; tools assume one (usually http)",
                    v.name,
                    redact_value(&v.value)
                ),
                location: location(env, &v.name, None),
                entry: None,
                flavors: vec![],
                witness: None,
                suggestion: Some(format!("write http://{}", redact_value(&v.value))),
            });
        }
        if let Some(span) = userinfo_span(&v.value) {
            out.push(Finding {
                code: Code::Credentials,
                severity: Severity::Warning,
                message: format!(
                    "{}={:?} carries credentials: every process and container that inherits it can read them",
                    v.name,
                    redact_value(&v.value)
                ),
                location: location(env, &v.name, Some(span)),
                entry: None,
                flavors: flavors.iter().map(|f| f.id().to_owned()).collect(),
                witness: None,
                suggestion: Some(
                    "run a local authenticating proxy (cntlm on the docker0 address) and point the variables at it"
                        .into(),
                ),
            });
        }
    }
    // NP016: httpoxy.
    if env.get("REQUEST_METHOD").is_some() && env.get("HTTP_PROXY").is_some_and(|v| !v.is_empty()) {
        let row = &d.rows[0];
        let users: Vec<String> = row
            .cells
            .iter()
            .filter(|c| c.decision.outcome.variable() == Some("HTTP_PROXY") && c.verdict.is_proxy())
            .map(|c| c.decision.flavor.clone())
            .collect();
        out.push(Finding {
            code: Code::Httpoxy,
            severity: Severity::Warning,
            message: format!(
                "REQUEST_METHOD is set (a CGI environment), where HTTP_PROXY may come from a request's Proxy: header; {}",
                if users.is_empty() { "no selected tool uses it".to_owned() } else { format!("{} still use it", names(&users)) }
            ),
            location: location(env, "HTTP_PROXY", None),
            entry: None,
            flavors: users,
            witness: None,
            suggestion: Some("use http_proxy (lower case) or unset HTTP_PROXY in CGI programs".into()),
        });
    }
    // NP017: loopback.
    let any_proxy = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        .iter()
        .any(|n| env.get(n).is_some_and(|v| !v.is_empty()));
    if any_proxy {
        let urls: Vec<String> =
            ["http://localhost/", "http://127.0.0.1/", "http://[::1]/"].iter().map(|s| s.to_string()).collect();
        if let Some(w) = witness_in(env, flavors, &urls, env.get("NO_PROXY").or(env.get("no_proxy")).unwrap_or("")) {
            let var = if env.get("NO_PROXY").is_some() { "NO_PROXY" } else { "no_proxy" };
            out.push(Finding {
                code: Code::Loopback,
                severity: Severity::Warning,
                message: format!("loopback is handled differently. Witness {w}"),
                location: location(env, var, None),
                entry: None,
                flavors: minority(&w),
                witness: Some(w),
                suggestion: Some("add localhost,127.0.0.1,::1 to NO_PROXY (and to no_proxy)".into()),
            });
        }
    }
}

/// Byte span of the userinfo in a proxy value (`user:pw` in `http://user:pw@host`), if any.
fn userinfo_span(value: &str) -> Option<Range<usize>> {
    let start = value.find("://").map_or(0, |i| i + 3);
    let at = value.rfind('@')?;
    (at > start).then_some(start..at)
}

// ---------------------------------------------------------------------------------------------
// Portable rewrite

/// What an entry is taken to mean (see spec.md, "Portable NO_PROXY"): `x`, `.x` and `*.x` all
/// mean "x and every subdomain"; `host:port` means that host on that port; an IP or CIDR
/// means those addresses; `*` means every host.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "intent", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum IntentKind {
    /// Every host.
    All,
    /// A domain and its subdomains.
    Domain {
        /// The name (no leading or trailing dot).
        name: String,
    },
    /// One host on one port.
    HostPort {
        /// Name.
        name: String,
        /// Port.
        port: u16,
    },
    /// One address (optionally one port).
    Ip {
        /// The address.
        addr: std::net::IpAddr,
        /// Port.
        port: Option<u16>,
    },
    /// An address range.
    Cidr {
        /// The network.
        net: ipnet::IpNet,
    },
    /// Nothing (empty entry): dropped.
    Empty,
    /// An entry whose intent is unclear (embedded `*`, spaces, …): kept as written.
    Opaque,
}

/// One probe of an intent: this URL must (or must not) go direct.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Probe {
    /// The URL.
    pub url: String,
    /// True: must go direct; false: must use the proxy.
    pub direct: bool,
}

/// A probe a flavor gets wrong with the rewritten list.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Unmet {
    /// Flavor ID.
    pub flavor: String,
    /// The probe URL.
    pub url: String,
    /// What the intent wants (true: direct).
    pub want_direct: bool,
    /// What the flavor does.
    pub got: Verdict,
}

/// One written entry, its intent, and the spelling chosen for the targets.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Intent {
    /// The entry as written.
    pub text: String,
    /// Its byte span in the original value.
    pub span: Range<usize>,
    /// What it is taken to mean.
    pub kind: IntentKind,
    /// The entries written for it in the rewrite (empty: dropped).
    pub spelling: Vec<String>,
    /// The probes that define the intent.
    pub probes: Vec<Probe>,
    /// Probes some target still gets wrong: the intent cannot be expressed for that flavor.
    pub unmet: Vec<Unmet>,
}

/// A NO_PROXY rewritten so that every target flavor reads each entry as intended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Portable {
    /// The value given.
    pub original: String,
    /// The rewrite (comma-separated, no spaces).
    pub rewritten: String,
    /// One per written entry.
    pub intents: Vec<Intent>,
    /// Probes the ORIGINAL value gets wrong, for comparison.
    pub original_unmet: Vec<Unmet>,
    /// Probes the REWRITE gets wrong (re-checked on the whole rewritten list).
    pub unmet: Vec<Unmet>,
}

impl Portable {
    /// True when every target meets every probe of every intent.
    pub fn exact(&self) -> bool {
        self.unmet.is_empty()
    }
    /// The weighted probe failures of the rewrite: a missed "must go direct" counts 2, a
    /// missed "must use the proxy" 1 (the weights the rewrite is chosen by).
    pub fn cost(&self) -> usize {
        cost(&self.unmet)
    }
    /// The same for the original value. The rewrite never costs more.
    pub fn original_cost(&self) -> usize {
        cost(&self.original_unmet)
    }
}

fn cost(unmet: &[Unmet]) -> usize {
    unmet.iter().map(|u| if u.want_direct { 2 } else { 1 }).sum()
}

fn intent_of(raw: &str) -> (IntentKind, Vec<Probe>, Vec<Vec<String>>) {
    let t = raw.trim();
    let p = |url: String, direct: bool| Probe { url, direct };
    if t.is_empty() {
        return (IntentKind::Empty, vec![], vec![vec![]]);
    }
    if t == "*" {
        return (IntentKind::All, vec![p("http://example.invalid/".into(), true)], vec![vec!["*".into()]]);
    }
    if let Some((a, len)) = t.split_once('/') {
        if let (Ok(ip), Ok(len)) = (a.parse::<std::net::IpAddr>(), len.parse::<u8>()) {
            if let Ok(net) = ipnet::IpNet::new(ip, len) {
                let urls = probe_urls(t);
                let mut probes: Vec<Probe> = urls.iter().take(2).map(|u| p(u.clone(), true)).collect();
                probes.extend(urls.get(2).map(|u| p(u.clone(), false)));
                return (IntentKind::Cidr { net: net.trunc() }, probes, vec![vec![net.trunc().to_string()]]);
            }
        }
        return (IntentKind::Opaque, vec![], vec![vec![t.to_owned()]]);
    }
    if t.strip_prefix("*.").unwrap_or(t).contains('*') || t.contains([' ', '\t', '/', '@', '?', '#']) {
        return (IntentKind::Opaque, vec![], vec![vec![t.to_owned()]]);
    }
    let (host, port) = split_host_port(t);
    let bare_ip = host.trim_matches(['[', ']']);
    if let Ok(addr) = bare_ip.parse::<std::net::IpAddr>() {
        let urls = probe_urls(t);
        let (plain, bracketed) = match addr {
            std::net::IpAddr::V6(a) => (a.to_string(), format!("[{a}]")),
            std::net::IpAddr::V4(a) => (a.to_string(), a.to_string()),
        };
        return match port {
            None => {
                let mut c = vec![vec![plain.clone()]];
                if plain != bracketed {
                    c.push(vec![bracketed.clone()]);
                    c.push(vec![plain, bracketed]);
                }
                (IntentKind::Ip { addr, port: None }, vec![p(urls[0].clone(), true)], c)
            }
            Some(port) => {
                let probes = vec![p(urls[1].clone(), true), p(urls[2].clone(), false)];
                (
                    IntentKind::Ip { addr, port: Some(port) },
                    probes,
                    vec![vec![format!("{bracketed}:{port}")], vec![plain]],
                )
            }
        };
    }
    let name = host.trim_start_matches("*.").trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() || name.contains(['[', ']', ':']) {
        return (IntentKind::Opaque, vec![], vec![vec![t.to_owned()]]);
    }
    match port {
        Some(port) => {
            let other = if port == u16::MAX { port - 1 } else { port + 1 };
            let probes = vec![
                p(format!("http://{name}:{port}/"), true),
                p(format!("https://{name}:{port}/"), true),
                p(format!("http://{name}:{other}/"), false),
            ];
            let c = vec![vec![format!("{name}:{port}")], vec![name.clone()]];
            (IntentKind::HostPort { name, port }, probes, c)
        }
        None => {
            let probes = vec![
                p(format!("http://{name}/"), true),
                p(format!("https://{name}/"), true),
                p(format!("http://www.{name}/"), true),
                p(format!("https://www.{name}/"), true),
                p(format!("http://x{name}/"), false),
            ];
            let c = vec![
                vec![name.clone()],
                vec![format!(".{name}")],
                vec![name.clone(), format!(".{name}")],
                vec![name.clone(), format!("*.{name}")],
                vec![name.clone(), format!(".{name}"), format!("*.{name}")],
            ];
            (IntentKind::Domain { name }, probes, c)
        }
    }
}

fn check(list: &str, flavors: &[Flavor], probes: &[Probe]) -> Vec<Unmet> {
    let env = probe_env(list);
    let mut out = Vec::new();
    for f in flavors {
        let p = f.prepare(&env);
        for pr in probes {
            let got = Verdict::of(&p.decide(&pr.url).outcome);
            let ok = matches!((&got, pr.direct), (Verdict::Direct, true) | (Verdict::Proxy { .. }, false));
            if !ok {
                out.push(Unmet { flavor: f.id().to_owned(), url: pr.url.clone(), want_direct: pr.direct, got });
            }
        }
    }
    out
}

/// Rewrite `no_proxy` so that every flavor in `targets` reads each entry as intended (see
/// [`IntentKind`]): for each entry the shortest candidate spelling (the entry as written
/// included) that meets the most probes (a missed "must go direct" counts double), then the
/// whole rewrite re-checked — and never returned if it costs more than the value as written.
///
/// ```
/// use noproxy::{lint, Flavor};
/// let targets: Vec<Flavor> = ["go", "curl"].iter().map(|f| f.parse().unwrap()).collect();
/// let p = lint::portable(".example.com", &targets);
/// assert_eq!(p.rewritten, "example.com");   // go: subdomains and apex; curl: the same
/// assert!(p.exact() && !p.original_unmet.is_empty());
/// ```
pub fn portable(no_proxy: &str, targets: &[Flavor]) -> Portable {
    let mut intents = Vec::new();
    let mut all_probes = Vec::new();
    for (text, span) in comma_tokens(no_proxy) {
        let (kind, probes, mut candidates) = intent_of(&text);
        // The entry as written competes too (last, so a tie goes to a portable spelling): no
        // intent is ever spelled worse than the user spelled it.
        let written = vec![text.trim().to_owned()];
        if !text.trim().is_empty() && !candidates.contains(&written) {
            candidates.push(written);
        }
        let mut best: Option<(i64, Vec<String>, Vec<Unmet>)> = None;
        for c in candidates {
            let unmet = if probes.is_empty() { vec![] } else { check(&c.join(","), targets, &probes) };
            let score = -(cost(&unmet) as i64);
            if best.as_ref().is_none_or(|(s, b, _)| score > *s || (score == *s && c.len() < b.len())) {
                best = Some((score, c, unmet));
            }
        }
        let (_, spelling, unmet) = best.unwrap_or_default();
        all_probes.extend(probes.iter().cloned());
        intents.push(Intent { text, span, kind, spelling, probes, unmet });
    }
    let mut seen = std::collections::HashSet::new();
    let rewritten: Vec<String> =
        intents.iter().flat_map(|i| i.spelling.iter().cloned()).filter(|s| seen.insert(s.clone())).collect();
    let mut rewritten = rewritten.join(",");
    let mut unmet = check(&rewritten, targets, &all_probes);
    let original_unmet = check(no_proxy, targets, &all_probes);
    if cost(&unmet) > cost(&original_unmet) {
        // Entries interact (a `*` among them, say): keep the value as written rather than
        // propose something worse.
        rewritten = no_proxy.to_owned();
        unmet = original_unmet.clone();
    }
    Portable { original: no_proxy.to_owned(), rewritten, intents, original_unmet, unmet }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fl(ids: &[&str]) -> Vec<Flavor> {
        ids.iter().map(|i| i.parse().unwrap()).collect()
    }

    #[test]
    fn codes_are_unique_and_dense() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(c.as_str(), format!("NP{:03}", i + 1));
        }
    }

    #[test]
    fn entry_codes_follow_syntax() {
        assert_eq!(entry_code("docker:2375"), Code::PortQualified);
        assert_eq!(entry_code(".x.com"), Code::LeadingDot);
        assert_eq!(entry_code("*.x.com"), Code::WildcardPrefix);
        assert_eq!(entry_code("a*b"), Code::Star);
        assert_eq!(entry_code("10.0.0.0/8"), Code::Cidr);
        assert_eq!(entry_code("::1"), Code::Ipv6);
        assert_eq!(entry_code("[::1]"), Code::Ipv6);
        assert_eq!(entry_code("x.com."), Code::TrailingDot);
        assert_eq!(entry_code(" x.com"), Code::Whitespace);
        assert_eq!(entry_code(""), Code::EmptyEntry);
        assert_eq!(entry_code("x.com"), Code::BareDomain);
    }

    #[test]
    fn credentials_are_found_and_redacted() {
        let env = ProxyEnv::builder().var("https_proxy", "http://user:s3cret@proxy.invalid:3128").build();
        let f = lint(&env, &fl(&["go", "curl"]));
        let c = f.iter().find(|f| f.code == Code::Credentials).expect("finding");
        assert_eq!(c.location.as_ref().unwrap().span, Some(7..18));
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn portable_keeps_intent_or_says_why_not() {
        let p = portable("docker:2375,10.0.0.0/8,,::1", &fl(&["go", "curl@7.88.1"]));
        assert_eq!(p.intents[2].spelling, Vec::<String>::new());
        // curl 7.88.1 never matches `docker:2375`: the portable spelling is the host on every
        // port (widened: the other port goes direct too), never a missed direct.
        assert_eq!(p.intents[0].spelling, vec!["docker".to_string()]);
        assert!(p.intents[0].unmet.iter().all(|u| !u.want_direct), "{:?}", p.intents[0].unmet);
        assert!(p.original_unmet.len() >= p.unmet.len());
    }
}
