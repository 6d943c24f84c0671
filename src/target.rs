//! The request URL, split without normalising anything.
//!
//! Tools disagree on how they read a URL's host: brackets, zone IDs, IDN, `127.1`, trailing
//! dots, percent-escapes, default ports. [`Target`] therefore only *splits* the string into
//! components and keeps each one exactly as written; every flavor then reads the host and port
//! the way its tool does (see `spec.md`, rules `R-GO-MATCH-1`, `R-GO-URL-*`, `R-CURL-MATCH-1`).

use std::fmt;
use std::ops::Range;

/// A request URL split into its components, each kept as written.
///
/// ```
/// let t = noproxy::Target::parse("HTTP://user@[::1%25lo]:8080/x?y");
/// assert_eq!(t.scheme(), Some("HTTP"));
/// assert_eq!(t.host(), "[::1%25lo]");
/// assert_eq!(t.port(), Some("8080"));
/// assert_eq!(t.userinfo(), Some("user"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Target {
    raw: String,
    scheme: Option<Range<usize>>,
    /// Present when the URL has `//`.
    authority: Option<Range<usize>>,
    userinfo: Option<Range<usize>>,
    host: Range<usize>,
    port: Option<Range<usize>>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target").field("url", &self.to_string()).finish()
    }
}

/// Displays the URL with anything that could be userinfo redacted (see [`crate::redact_value`]).
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::secret::redact_value(&self.raw))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for Target {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Target::parse(s))
    }
}

fn is_scheme(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
}

impl Target {
    /// Split a URL. Never fails: a component that is not there is `None`/empty, and each
    /// flavor decides whether that is an error for its tool. Linear in the input.
    pub fn parse(url: &str) -> Target {
        let raw = url.to_owned();
        let mut pos = 0;
        let mut scheme = None;
        if let Some(i) = raw.find(':') {
            if is_scheme(&raw[..i]) {
                scheme = Some(0..i);
                pos = i + 1;
            }
        }
        let mut t = Target { raw, scheme, authority: None, userinfo: None, host: pos..pos, port: None };
        if !t.raw[pos..].starts_with("//") {
            return t;
        }
        let a_start = pos + 2;
        let rest = &t.raw[a_start..];
        let a_end = a_start + rest.find(['/', '?', '#']).unwrap_or(rest.len());
        t.authority = Some(a_start..a_end);
        let auth = &t.raw[a_start..a_end];
        let mut h_start = a_start;
        if let Some(at) = auth.rfind('@') {
            t.userinfo = Some(a_start..a_start + at);
            h_start = a_start + at + 1;
        }
        let hp = &t.raw[h_start..a_end];
        let h_end = if hp.starts_with('[') {
            match hp.find(']') {
                Some(close) => h_start + close + 1,
                None => a_end,
            }
        } else {
            match hp.rfind(':') {
                Some(c) => h_start + c,
                None => a_end,
            }
        };
        t.host = h_start..h_end;
        if h_end < a_end && t.raw.as_bytes()[h_end] == b':' {
            t.port = Some(h_end + 1..a_end);
        } else if h_end < a_end {
            // Something after `]` that is not `:port`: keep it in the host so tools can reject it.
            t.host = h_start..a_end;
        }
        t
    }

    /// The whole URL as given.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
    /// The scheme as written (not lower-cased).
    pub fn scheme(&self) -> Option<&str> {
        self.scheme.clone().map(|r| &self.raw[r])
    }
    /// Whether the URL has an authority (`//…`).
    pub fn has_authority(&self) -> bool {
        self.authority.is_some()
    }
    /// The userinfo as written (secret: never print it).
    pub fn userinfo(&self) -> Option<&str> {
        self.userinfo.clone().map(|r| &self.raw[r])
    }
    /// The host as written, with brackets for IPv6 and any zone ID or escapes untouched.
    pub fn host(&self) -> &str {
        &self.raw[self.host.clone()]
    }
    /// Byte span of the host in [`Target::as_str`].
    pub fn host_span(&self) -> Range<usize> {
        self.host.clone()
    }
    /// The port as written (possibly empty when the URL ends in `:`), `None` without `:`.
    pub fn port(&self) -> Option<&str> {
        self.port.clone().map(|r| &self.raw[r])
    }
    /// Everything after the authority (path, query, fragment).
    pub fn rest(&self) -> &str {
        match &self.authority {
            Some(a) => &self.raw[a.end..],
            None => &self.raw[self.scheme.as_ref().map_or(0, |s| s.end + 1)..],
        }
    }
}

/// The host and port as one tool reads them, ready for NO_PROXY matching.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HostView {
    /// The host string the tool compares (brackets removed, case/IDN per tool).
    pub host: String,
    /// The address, when the tool treats the host as an IP literal.
    pub ip: Option<std::net::IpAddr>,
    /// The port the tool compares: the URL's port or the scheme default it fills in.
    pub port: Option<u16>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_without_normalising() {
        let t = Target::parse("http://Example.COM.:80/a");
        assert_eq!((t.scheme(), t.host(), t.port(), t.rest()), (Some("http"), "Example.COM.", Some("80"), "/a"));
        let t = Target::parse("https://[2001:db8::1]/");
        assert_eq!((t.host(), t.port()), ("[2001:db8::1]", None));
        let t = Target::parse("http://u:p@h:/");
        assert_eq!((t.userinfo(), t.host(), t.port()), (Some("u:p"), "h", Some("")));
        assert_eq!(t.to_string(), "http://***@h:/");
        let t = Target::parse("example.invalid");
        assert_eq!((t.scheme(), t.has_authority(), t.host()), (None, false, ""));
        let t = Target::parse("http://[::1]x/");
        assert_eq!((t.host(), t.port()), ("[::1]x", None));
    }
}
