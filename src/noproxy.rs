//! NO_PROXY entries as one tool reads them, each with its byte span in the original value.

use std::fmt;
use std::net::IpAddr;
use std::ops::Range;

use ipnet::IpNet;

/// What one NO_PROXY entry means to one tool.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EntryKind {
    /// Every host (`*`).
    All,
    /// A domain name: `apex` = the name itself matches, `subdomains` = names ending in
    /// `.name` match. Both = `example.com` in most tools; subdomains only = Go's `.example.com`.
    Domain {
        /// Lower-case name without leading dot (as compared by the tool).
        name: String,
        /// The name itself matches.
        apex: bool,
        /// Its subdomains match.
        subdomains: bool,
    },
    /// One IP address.
    Ip {
        /// The address.
        addr: IpAddr,
    },
    /// An address range.
    Cidr {
        /// The network as written (host bits kept).
        net: IpNet,
    },
    /// The entry is kept but can never match anything (e.g. Go's `[2001:db8::1]`,
    /// curl's `*.example.com`).
    NeverMatches {
        /// Why.
        reason: String,
    },
    /// The tool drops the entry while parsing (e.g. empty entries).
    Ignored {
        /// Why.
        reason: String,
    },
    /// A glob matched against the whole host: a `*` at the start and/or the end stands for any
    /// run of characters, elsewhere it is literal (Java's `http.nonProxyHosts`: `*.example.com`,
    /// `10.*`, `*internal*`).
    Glob {
        /// The pattern, lower-cased.
        pattern: String,
    },
    /// Any host that ends with this text, compared as a string (no label boundary:
    /// ureq's and proxy-from-env's `*example.com` match `notexample.com`).
    Suffix {
        /// Lower-case text the host must end with.
        suffix: String,
    },
    /// Any host that starts with this text, compared as a string (ureq's `10.0.0.*`).
    Prefix {
        /// Lower-case text the host must start with.
        prefix: String,
    },
    /// An inclusive address range `start-end` (Node.js's `192.168.1.0-192.168.1.255`).
    Range {
        /// First address.
        start: IpAddr,
        /// Last address.
        end: IpAddr,
    },
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryKind::All => f.write_str("every host"),
            EntryKind::Domain { name, apex: true, subdomains: true } => write!(f, "{name} and its subdomains"),
            EntryKind::Domain { name, apex: false, subdomains: true } => write!(f, "subdomains of {name} only"),
            EntryKind::Domain { name, .. } => write!(f, "exactly {name}"),
            EntryKind::Ip { addr } => write!(f, "IP {addr}"),
            EntryKind::Cidr { net } => write!(f, "range {net}"),
            EntryKind::NeverMatches { reason } => write!(f, "never matches ({reason})"),
            EntryKind::Ignored { reason } => write!(f, "ignored ({reason})"),
            EntryKind::Glob { pattern } => write!(f, "hosts matching {pattern}"),
            EntryKind::Suffix { suffix } => write!(f, "any host ending in {suffix:?}"),
            EntryKind::Prefix { prefix } => write!(f, "any host starting with {prefix:?}"),
            EntryKind::Range { start, end } => write!(f, "addresses {start} to {end}"),
        }
    }
}

/// One NO_PROXY entry as a tool sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Entry {
    /// The token after the tool's own trimming and case folding.
    pub text: String,
    /// Byte span of the token in the original value.
    pub span: Range<usize>,
    /// What it means.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub kind: EntryKind,
    /// Port the entry is restricted to, as the tool compares it (a string: Go compares text).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub port: Option<String>,
    /// True when the tool ignores the written port (the entry matches every port).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub port_ignored: bool,
}

impl Entry {
    /// What the entry means in words, with its port rule: `docker and its subdomains on port 2375`.
    pub fn meaning(&self) -> String {
        let mut s = self.kind.to_string();
        match (&self.port, self.port_ignored) {
            (Some(p), false) => s.push_str(&format!(" on port {p}")),
            (_, true) => s.push_str(", port ignored"),
            _ => {}
        }
        s
    }

    pub(crate) fn new(text: &str, span: Range<usize>, kind: EntryKind) -> Self {
        Entry { text: text.to_owned(), span, kind, port: None, port_ignored: false }
    }
}

/// A problem in a NO_PROXY value, with the byte span it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NoProxyDiagnostic {
    /// Byte span in the value.
    pub span: Range<usize>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for NoProxyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bytes {}..{}: {}", self.span.start, self.span.end, self.message)
    }
}

/// A parsed NO_PROXY value for one flavor.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct ParsedNoProxy {
    pub entries: Vec<Entry>,
    pub diagnostics: Vec<NoProxyDiagnostic>,
}

/// Split `value` on any of `seps`, yielding (token, span) with `trim` applied inside the span.
pub(crate) fn split_spans<'a>(
    value: &'a str,
    is_sep: impl Fn(char) -> bool + 'a,
    trim: impl Fn(&str) -> &str + 'a,
) -> impl Iterator<Item = (&'a str, Range<usize>)> + 'a {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let rest = &value[start..];
        let (raw, next) = match rest.char_indices().find(|&(_, c)| is_sep(c)) {
            Some((i, c)) => (&rest[..i], start + i + c.len_utf8()),
            None => {
                done = true;
                (rest, value.len())
            }
        };
        let t = trim(raw);
        let off = start + (t.as_ptr() as usize - raw.as_ptr() as usize);
        start = next;
        Some((t, off..off + t.len()))
    })
}

/// [`split_spans`] on one separator character (found with `str::find`, i.e. `memchr` for ASCII).
pub(crate) fn split_spans_on<'a>(
    value: &'a str,
    sep: char,
    trim: impl Fn(&str) -> &str + 'a,
) -> impl Iterator<Item = (&'a str, Range<usize>)> + 'a {
    let base = value.as_ptr() as usize;
    value.split(sep).map(move |raw| {
        let t = trim(raw);
        let off = t.as_ptr() as usize - base;
        (t, off..off + t.len())
    })
}
