//! What a flavor decided, and why.

use std::fmt;

use crate::noproxy::{Entry, NoProxyDiagnostic};
use crate::proxy::ProxyUrl;
use crate::secret::redact_value;
use crate::target::HostView;

/// The outcome of evaluating one URL under one flavor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "decision", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Outcome {
    /// The tool connects to the target itself.
    Direct,
    /// The tool connects through `proxy`, taken from `variable`.
    Proxy {
        /// The proxy as the tool uses it (credentials redacted when displayed).
        proxy: ProxyUrl,
        /// The variable the value came from, in the spelling that was read.
        variable: String,
    },
    /// The tool refuses or fails before connecting.
    Error {
        /// What went wrong.
        error: DecisionError,
    },
}

impl Outcome {
    /// `"direct"`, `"proxy"` or `"error"`: the stable names used in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Direct => "direct",
            Outcome::Proxy { .. } => "proxy",
            Outcome::Error { .. } => "error",
        }
    }
    /// The proxy, when there is one.
    pub fn proxy(&self) -> Option<&ProxyUrl> {
        match self {
            Outcome::Proxy { proxy, .. } => Some(proxy),
            _ => None,
        }
    }
    /// The variable the proxy came from, when there is one.
    pub fn variable(&self) -> Option<&str> {
        match self {
            Outcome::Proxy { variable, .. } => Some(variable),
            Outcome::Error { error: DecisionError::CgiRefused { variable } } => Some(variable),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Direct => f.write_str("direct"),
            Outcome::Proxy { proxy, variable } => write!(f, "proxy {proxy} (from {variable})"),
            Outcome::Error { error } => write!(f, "error: {error}"),
        }
    }
}

/// Why a tool fails instead of connecting.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DecisionError {
    /// Go refuses `HTTP_PROXY` when `REQUEST_METHOD` is set (httpoxy, golang.org/s/cgihttpproxy).
    CgiRefused {
        /// The variable that would have been used.
        variable: String,
    },
    /// The tool cannot parse the request URL.
    InvalidUrl {
        /// The tool's complaint, in our words.
        message: String,
    },
    /// The tool does not support the URL's scheme.
    UnsupportedUrlScheme {
        /// The scheme as written.
        scheme: String,
    },
    /// The proxy value cannot be parsed by the tool.
    InvalidProxy {
        /// Variable holding the value.
        variable: String,
        /// The tool's complaint (values redacted).
        message: String,
    },
    /// The proxy value names a scheme the tool rejects.
    UnsupportedProxyScheme {
        /// Variable holding the value.
        variable: String,
        /// The scheme.
        scheme: String,
    },
}

impl DecisionError {
    /// The stable snake_case kind (`cgi_refused`, `invalid_url`, `unsupported_url_scheme`,
    /// `invalid_proxy`, `unsupported_proxy_scheme`), as in batch's `error_kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            DecisionError::CgiRefused { .. } => "cgi_refused",
            DecisionError::InvalidUrl { .. } => "invalid_url",
            DecisionError::UnsupportedUrlScheme { .. } => "unsupported_url_scheme",
            DecisionError::InvalidProxy { .. } => "invalid_proxy",
            DecisionError::UnsupportedProxyScheme { .. } => "unsupported_proxy_scheme",
        }
    }
}

impl fmt::Display for DecisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecisionError::CgiRefused { variable } => write!(
                f,
                "refusing to use {variable} in a CGI environment (REQUEST_METHOD is set); see golang.org/s/cgihttpproxy"
            ),
            DecisionError::InvalidUrl { message } => write!(f, "invalid URL: {message}"),
            DecisionError::UnsupportedUrlScheme { scheme } => write!(f, "unsupported URL scheme {scheme:?}"),
            DecisionError::InvalidProxy { variable, message } => write!(f, "invalid proxy in {variable}: {message}"),
            DecisionError::UnsupportedProxyScheme { variable, scheme } => {
                write!(f, "unsupported proxy scheme {scheme:?} in {variable}")
            }
        }
    }
}

impl std::error::Error for DecisionError {}

/// The rule that settled a decision. Stable snake_case names in JSON (`reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Rule {
    /// A NO_PROXY entry matched the host.
    NoProxyMatch,
    /// NO_PROXY disables every proxy (`*`).
    NoProxyAll,
    /// The host is `localhost` and the tool never proxies it.
    Localhost,
    /// The host is a loopback address and the tool never proxies it.
    Loopback,
    /// No proxy variable applies to this URL's scheme.
    NoProxyVariable,
    /// The tool never proxies this URL scheme.
    SchemeNotProxied,
    /// A proxy variable applies and no NO_PROXY entry matched.
    ProxyVariable,
    /// CGI (`REQUEST_METHOD`) makes the tool refuse.
    Cgi,
    /// The proxy value is unusable and the tool ignores it.
    InvalidProxyIgnored,
    /// The proxy value is unusable and the tool fails.
    InvalidProxy,
    /// The request URL is unusable for this tool.
    InvalidUrl,
    /// The URL has no host to check.
    NoHost,
    /// The host name resolved (through the resolver table) to a loopback address, and the
    /// tool never proxies loopback (Ruby).
    ResolvedLoopback,
}

impl Rule {
    /// Every rule, in declaration order (for documentation checks and tooling).
    pub const ALL: &'static [Rule] = &[
        Rule::NoProxyMatch,
        Rule::NoProxyAll,
        Rule::Localhost,
        Rule::Loopback,
        Rule::NoProxyVariable,
        Rule::SchemeNotProxied,
        Rule::ProxyVariable,
        Rule::Cgi,
        Rule::InvalidProxyIgnored,
        Rule::InvalidProxy,
        Rule::InvalidUrl,
        Rule::NoHost,
        Rule::ResolvedLoopback,
    ];

    /// The stable name (`no_proxy_match`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            Rule::NoProxyMatch => "no_proxy_match",
            Rule::NoProxyAll => "no_proxy_all",
            Rule::Localhost => "localhost",
            Rule::Loopback => "loopback",
            Rule::NoProxyVariable => "no_proxy_variable",
            Rule::SchemeNotProxied => "scheme_not_proxied",
            Rule::ProxyVariable => "proxy_variable",
            Rule::Cgi => "cgi",
            Rule::InvalidProxyIgnored => "invalid_proxy_ignored",
            Rule::InvalidProxy => "invalid_proxy",
            Rule::InvalidUrl => "invalid_url",
            Rule::NoHost => "no_host",
            Rule::ResolvedLoopback => "resolved_loopback",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the tool treated one variable it looked at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum VarStatus {
    /// Read and used.
    Used,
    /// Not set.
    Unset,
    /// Set but empty, which this tool treats as unset.
    EmptyIgnored,
    /// Set, but an earlier variable already won.
    Shadowed,
    /// Set, but this tool never reads this spelling for this URL.
    NotRead,
    /// Set, but its value is unusable and the tool ignores it.
    InvalidIgnored,
}

/// One variable the decision looked at.
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VarNote {
    /// Name as spelled.
    pub name: String,
    /// What happened to it.
    pub status: VarStatus,
    /// Its value (credentials redacted), when set.
    pub value: Option<String>,
}

impl fmt::Debug for VarNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?} {:?}", self.name, self.value, self.status)
    }
}

impl VarNote {
    pub(crate) fn new(name: &str, status: VarStatus, value: Option<&str>) -> Self {
        VarNote { name: name.to_owned(), status, value: value.map(|v| redact_value(v).into_owned()) }
    }
}

/// The NO_PROXY a tool read, parsed its way.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NoProxyReport {
    /// The variable it came from.
    pub variable: String,
    /// The value as written. Java: the list the JDK actually matches, i.e. the property (or
    /// `conf/net.properties`) with the built-in defaults appended (a note says so).
    pub value: String,
    /// Entries as this tool sees them, with byte spans into `value`.
    pub entries: Vec<Entry>,
    /// Problems found while parsing (with spans).
    pub diagnostics: Vec<NoProxyDiagnostic>,
}

/// Why a decision came out as it did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Explanation {
    /// The rule that settled it.
    pub rule: Rule,
    /// Every variable looked at, in the order the tool looks.
    pub variables: Vec<VarNote>,
    /// The NO_PROXY that applied, if any variable was set.
    pub no_proxy: Option<std::sync::Arc<NoProxyReport>>,
    /// Index into `no_proxy.entries` of the entry that matched.
    pub matched: Option<usize>,
    /// How the tool read the URL's host and port.
    pub host: Option<HostView>,
    /// Further facts in plain words (e.g. "curl never reads HTTP_PROXY").
    pub notes: Vec<String>,
}

impl Explanation {
    pub(crate) fn new() -> Self {
        Explanation {
            rule: Rule::NoProxyVariable,
            variables: vec![],
            no_proxy: None,
            matched: None,
            host: None,
            notes: vec![],
        }
    }
    /// The NO_PROXY entry that matched.
    pub fn matched_entry(&self) -> Option<&Entry> {
        Some(&self.no_proxy.as_ref()?.entries[self.matched?])
    }
}

/// A decision with its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Decision {
    /// The flavor ID that decided.
    pub flavor: String,
    /// The outcome.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub outcome: Outcome,
    /// Why.
    pub explanation: Explanation,
}

impl fmt::Display for Decision {
    /// One line per fact, human-readable, credentials redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.explanation;
        write!(f, "{}: {}", self.flavor, self.outcome)?;
        write!(f, "\n  rule: {}", e.rule)?;
        if let Some(h) = &e.host {
            write!(f, "\n  host as read: {}", h.host)?;
            if let Some(ip) = h.ip {
                write!(f, " (IP {ip})")?;
            }
            if let Some(p) = h.port {
                write!(f, ", port {p}")?;
            }
        }
        if let (Some(np), Some(i)) = (&e.no_proxy, e.matched) {
            let en = &np.entries[i];
            write!(
                f,
                "\n  matched {}={:?} entry #{} {:?} (bytes {}..{}) as {}",
                np.variable,
                np.value,
                i,
                en.text,
                en.span.start,
                en.span.end,
                en.meaning()
            )?;
        } else if let Some(np) = &e.no_proxy {
            write!(f, "\n  {}={:?}: no entry matched ({} entries)", np.variable, np.value, np.entries.len())?;
        }
        if let Some(np) = &e.no_proxy {
            for d in &np.diagnostics {
                let text = np.value.get(d.span.clone()).unwrap_or("");
                write!(
                    f,
                    "\n  {} entry {:?} (bytes {}..{}): {}",
                    np.variable, text, d.span.start, d.span.end, d.message
                )?;
            }
        }
        for v in &e.variables {
            let status = match v.status {
                VarStatus::Used => "used",
                VarStatus::Unset => "unset",
                VarStatus::EmptyIgnored => "empty, treated as unset",
                VarStatus::Shadowed => "set, but another variable won",
                VarStatus::NotRead => "set, but never read for this URL",
                VarStatus::InvalidIgnored => "unusable value, ignored",
            };
            match &v.value {
                Some(val) => write!(f, "\n  {}={:?}: {status}", v.name, val)?,
                None => write!(f, "\n  {}: {status}", v.name)?,
            }
        }
        for n in &e.notes {
            write!(f, "\n  note: {n}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod rule_tests {
    use super::Rule;

    /// Adding a variant breaks this exhaustive match until `Rule::ALL` is updated too.
    #[test]
    fn all_lists_every_rule() {
        for r in Rule::ALL {
            match r {
                Rule::NoProxyMatch
                | Rule::NoProxyAll
                | Rule::Localhost
                | Rule::Loopback
                | Rule::NoProxyVariable
                | Rule::SchemeNotProxied
                | Rule::ProxyVariable
                | Rule::Cgi
                | Rule::InvalidProxyIgnored
                | Rule::InvalidProxy
                | Rule::InvalidUrl
                | Rule::NoHost
                | Rule::ResolvedLoopback => {}
            }
        }
        assert_eq!(Rule::ALL.len(), 13);
    }
}
