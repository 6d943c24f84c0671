//! The proxy environment: every proxy-related variable exactly as written.

use std::ffi::OsString;
use std::fmt;
use std::net::IpAddr;

use crate::secret::redact_value;

/// Where a variable's value came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Provenance {
    /// The process environment of this program.
    Process,
    /// Given explicitly (builder, `--env`, a batch line).
    #[default]
    Given,
    /// A file, with the 1-based line the value was read from.
    File {
        /// Path as given by the user.
        path: String,
        /// 1-based line number.
        line: u32,
    },
}

/// One environment variable as written: name in its original spelling, value byte-exact
/// (set-but-empty is `Some("")`-like: an empty `value`; unset variables are simply absent).
///
/// `Debug` redacts credentials. The serde form (feature `serde`) is a faithful data format for
/// storing and exchanging environments and therefore carries values **unredacted**; noproxy's
/// own outputs never serialize it (they serialize [`crate::Explanation`], whose values are
/// redacted).
#[derive(Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EnvVar {
    /// Name exactly as written (`http_proxy`, `HTTP_PROXY`, `Http_Proxy`, …).
    pub name: String,
    /// Value exactly as written. A value that was not valid UTF-8 is stored lossily
    /// (U+FFFD) and [`EnvVar::lossy`] is set; a diagnostic says so.
    pub value: String,
    /// True when the original value was not valid UTF-8.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "std::ops::Not::not"))]
    pub lossy: bool,
    /// Where it came from.
    #[cfg_attr(feature = "serde", serde(default))]
    pub provenance: Provenance,
}

impl fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvVar")
            .field("name", &self.name)
            .field("value", &redact_value(&self.value))
            .field("lossy", &self.lossy)
            .field("provenance", &self.provenance)
            .finish()
    }
}

/// The names noproxy reads from a process environment (compared ASCII case-insensitively,
/// so `Http_Proxy` is kept too: Python honours it).
pub const PROXY_VARIABLES: &[&str] = &[
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "ftp_proxy",
    "ws_proxy",
    "wss_proxy",
    "socks_proxy",
    "request_method",
    "cgi_http_proxy",
];

/// Is `name` one of the variables any modelled tool reads (ASCII case-insensitive)?
///
/// ```
/// assert!(noproxy::is_proxy_variable("Http_Proxy"));
/// assert!(!noproxy::is_proxy_variable("PATH"));
/// ```
pub fn is_proxy_variable(name: &str) -> bool {
    PROXY_VARIABLES.iter().any(|v| v.eq_ignore_ascii_case(name)) || name.to_ascii_lowercase().ends_with("_proxy")
}

/// A snapshot of the proxy environment, in the order the variables were given.
///
/// Nothing is normalised: every spelling of every variable is kept, and an empty value is
/// distinct from an absent one. Each flavor decides for itself which name wins.
///
/// ```
/// use noproxy::ProxyEnv;
/// let env = ProxyEnv::builder()
///     .var("HTTP_PROXY", "http://proxy.invalid:3128")
///     .var("no_proxy", "")
///     .build();
/// assert_eq!(env.get("HTTP_PROXY"), Some("http://proxy.invalid:3128"));
/// assert_eq!(env.get("http_proxy"), None);   // exact spelling
/// assert_eq!(env.get("no_proxy"), Some(""));  // set but empty
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProxyEnv {
    vars: Vec<EnvVar>,
    /// JVM system properties (`http.proxyHost`, `http.nonProxyHosts`, …): the Java flavor reads
    /// these and ignores the environment. Kept as written, in insertion order.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Vec::is_empty"))]
    properties: Vec<EnvVar>,
    /// Name resolution as data (an `/etc/hosts` of the scenario): flavors that resolve names
    /// (Ruby) look names up here; a name not listed does not resolve.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "Vec::is_empty"))]
    hosts: Vec<HostsEntry>,
}

/// One name → addresses line of [`ProxyEnv`]'s resolver table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HostsEntry {
    /// The name as a flavor would look it up (compared ASCII-case-insensitively).
    pub name: String,
    /// Its addresses, in resolver order.
    pub addrs: Vec<IpAddr>,
}

/// A non-fatal problem found while reading an environment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum EnvDiagnostic {
    /// The value of this variable was not valid UTF-8; it was kept lossily.
    NonUtf8Value {
        /// Variable name.
        name: String,
    },
    /// The name of a variable was not valid UTF-8; it was skipped.
    NonUtf8Name,
}

impl fmt::Display for EnvDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvDiagnostic::NonUtf8Value { name } => {
                write!(f, "value of {name} is not valid UTF-8; kept with U+FFFD replacements")
            }
            EnvDiagnostic::NonUtf8Name => write!(f, "a variable name is not valid UTF-8; skipped"),
        }
    }
}

impl ProxyEnv {
    /// An empty environment (no variable set).
    pub fn new() -> Self {
        Self::default()
    }

    /// Start a builder.
    pub fn builder() -> ProxyEnvBuilder {
        ProxyEnvBuilder::default()
    }

    /// Build from `(name, value)` pairs, keeping every pair whose name is a proxy variable
    /// (see [`is_proxy_variable`]). A later pair with the very same name replaces an earlier one.
    ///
    /// ```
    /// let env = noproxy::ProxyEnv::from_pairs([("PATH", "/bin"), ("no_proxy", "docker")]);
    /// assert_eq!(env.vars().len(), 1);
    /// ```
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut env = ProxyEnv::new();
        for (k, v) in pairs {
            if is_proxy_variable(k.as_ref()) {
                env.set(k.as_ref(), v.as_ref());
            }
        }
        env
    }

    /// Build from OS strings (as `std::env::vars_os` yields them). Non-UTF-8 values are kept
    /// lossily and reported; non-UTF-8 names are skipped and reported. Never panics.
    pub fn from_os_pairs<I>(pairs: I) -> (Self, Vec<EnvDiagnostic>)
    where
        I: IntoIterator<Item = (OsString, OsString)>,
    {
        let mut env = ProxyEnv::new();
        let mut diags = Vec::new();
        for (k, v) in pairs {
            let Some(name) = k.to_str() else {
                diags.push(EnvDiagnostic::NonUtf8Name);
                continue;
            };
            if !is_proxy_variable(name) {
                continue;
            }
            let (value, lossy) = match v.to_str() {
                Some(s) => (s.to_owned(), false),
                None => {
                    diags.push(EnvDiagnostic::NonUtf8Value { name: name.to_owned() });
                    (v.to_string_lossy().into_owned(), true)
                }
            };
            env.push(EnvVar { name: name.to_owned(), value, lossy, provenance: Provenance::Process });
        }
        (env, diags)
    }

    /// Read the current process environment. This is the only place noproxy reads it.
    pub fn from_process() -> (Self, Vec<EnvDiagnostic>) {
        Self::from_os_pairs(std::env::vars_os())
    }

    /// Set (or replace) a variable with this exact name.
    pub fn set(&mut self, name: &str, value: &str) {
        self.push(EnvVar {
            name: name.to_owned(),
            value: value.to_owned(),
            lossy: false,
            provenance: Provenance::Given,
        });
    }

    /// Set (or replace) a variable, keeping its provenance.
    pub fn push(&mut self, var: EnvVar) {
        if let Some(slot) = self.vars.iter_mut().find(|v| v.name == var.name) {
            *slot = var;
        } else {
            self.vars.push(var);
        }
    }

    /// Remove the variable with this exact name; returns whether it was set.
    pub fn unset(&mut self, name: &str) -> bool {
        let before = self.vars.len();
        self.vars.retain(|v| v.name != name);
        before != self.vars.len()
    }

    /// The value of the variable with exactly this name (case-sensitive, as on Unix).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.var(name).map(|v| v.value.as_str())
    }

    /// The variable with exactly this name.
    pub fn var(&self, name: &str) -> Option<&EnvVar> {
        self.vars.iter().find(|v| v.name == name)
    }

    /// Every variable, in insertion order.
    pub fn vars(&self) -> &[EnvVar] {
        &self.vars
    }

    /// True when no variable, property or host is set.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty() && self.properties.is_empty() && self.hosts.is_empty()
    }

    /// Set (or replace) a JVM system property (`-Dname=value`). Only the Java flavor reads them.
    pub fn set_property(&mut self, name: &str, value: &str) {
        let var =
            EnvVar { name: name.to_owned(), value: value.to_owned(), lossy: false, provenance: Provenance::Given };
        if let Some(slot) = self.properties.iter_mut().find(|v| v.name == name) {
            *slot = var;
        } else {
            self.properties.push(var);
        }
    }

    /// The JVM system property with exactly this name.
    pub fn property(&self, name: &str) -> Option<&EnvVar> {
        self.properties.iter().find(|v| v.name == name)
    }

    /// Every JVM system property, in insertion order.
    pub fn properties(&self) -> &[EnvVar] {
        &self.properties
    }

    /// Make `name` resolve to `addr` (appended to its addresses). Nothing resolves unless listed.
    pub fn add_host(&mut self, name: &str, addr: IpAddr) {
        if let Some(h) = self.hosts.iter_mut().find(|h| h.name.eq_ignore_ascii_case(name)) {
            h.addrs.push(addr);
        } else {
            self.hosts.push(HostsEntry { name: name.to_owned(), addrs: vec![addr] });
        }
    }

    /// Resolve a name with the table given to [`ProxyEnv::add_host`] (ASCII-case-insensitive;
    /// a trailing dot is ignored). `None`: the name does not resolve.
    pub fn resolve(&self, name: &str) -> Option<&[IpAddr]> {
        let name = name.strip_suffix('.').unwrap_or(name);
        self.hosts
            .iter()
            .find(|h| h.name.strip_suffix('.').unwrap_or(&h.name).eq_ignore_ascii_case(name))
            .map(|h| h.addrs.as_slice())
    }

    /// The resolver table.
    pub fn hosts(&self) -> &[HostsEntry] {
        &self.hosts
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for ProxyEnv {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut env = ProxyEnv::new();
        for (k, v) in iter {
            env.set(k.as_ref(), v.as_ref());
        }
        env
    }
}

/// Builder for [`ProxyEnv`]: every `var` is kept, whatever its name.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ProxyEnvBuilder {
    env: ProxyEnv,
}

impl ProxyEnvBuilder {
    /// Set a variable (exact name; replaces an earlier one with the same name).
    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.env.set(name, value);
        self
    }

    /// Set both the upper- and lower-case spelling to the same value.
    pub fn both(self, name: &str, value: &str) -> Self {
        self.var(&name.to_ascii_uppercase(), value).var(&name.to_ascii_lowercase(), value)
    }

    /// Remove a variable.
    pub fn unset(mut self, name: &str) -> Self {
        self.env.unset(name);
        self
    }

    /// Set a JVM system property (`-Dname=value`; read by the Java flavor only).
    pub fn property(mut self, name: &str, value: &str) -> Self {
        self.env.set_property(name, value);
        self
    }

    /// Make `name` resolve to `addr` (for flavors that resolve names, such as Ruby).
    pub fn resolve(mut self, name: &str, addr: IpAddr) -> Self {
        self.env.add_host(name, addr);
        self
    }

    /// Finish.
    pub fn build(self) -> ProxyEnv {
        self.env
    }
}
