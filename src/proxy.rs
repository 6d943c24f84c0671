//! A proxy URL as a tool would use it.

use std::fmt;

use crate::secret::Secret;

/// The proxy a tool connects to, as that tool parsed the variable's value.
///
/// `Display` prints `scheme://host:port` with the port the tool would dial (curl: 1080 when
/// none is written) and any credentials replaced by `***`.
///
/// ```
/// let p = noproxy::ProxyUrl::new("http", Some("user:pw".into()), "proxy.invalid", 3128);
/// assert_eq!(p.to_string(), "http://***@proxy.invalid:3128");
/// assert_eq!(p.endpoint(), "http://proxy.invalid:3128");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProxyUrl {
    scheme: String,
    userinfo: Option<Secret<String>>,
    host: String,
    port: Option<u16>,
}

impl ProxyUrl {
    /// Build one. `host` is kept as given (IPv6 without brackets).
    pub fn new(scheme: &str, userinfo: Option<String>, host: &str, port: impl Into<Option<u16>>) -> Self {
        ProxyUrl {
            scheme: scheme.to_owned(),
            userinfo: userinfo.map(Secret::new),
            host: host.to_owned(),
            port: port.into(),
        }
    }
    /// Scheme (`http`, `https`, `socks5h`, …) as the tool uses it.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// Host (IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The port the tool dials; `None` when the tool knows no port for this scheme
    /// (Go with an unusual proxy scheme).
    pub fn port(&self) -> Option<u16> {
        self.port
    }
    /// Whether the URL carries credentials.
    pub fn has_credentials(&self) -> bool {
        self.userinfo.is_some()
    }
    /// The credentials (secret).
    pub fn userinfo(&self) -> Option<&Secret<String>> {
        self.userinfo.as_ref()
    }
    /// `host:port` as dialled (IPv6 in brackets).
    pub fn addr(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        match self.port {
            Some(p) => format!("{host}:{p}"),
            None => host,
        }
    }
    /// `scheme://host:port` without credentials: the stable form used in JSON output.
    pub fn endpoint(&self) -> String {
        format!("{}://{}", self.scheme, self.addr())
    }
    /// The URL including credentials. Only for callers that really need them.
    pub fn to_string_with_credentials(&self) -> String {
        match &self.userinfo {
            Some(u) => format!("{}://{}@{}", self.scheme, u.expose(), self.addr()),
            None => self.endpoint(),
        }
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.userinfo.is_some() {
            write!(f, "{}://***@{}", self.scheme, self.addr())
        } else {
            write!(f, "{}://{}", self.scheme, self.addr())
        }
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({self})")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ProxyUrl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
