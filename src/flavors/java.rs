//! Java — the JDK's default `ProxySelector` (`sun.net.spi.DefaultProxySelector.select`),
//! `sun.net.NetProperties` and `conf/net.properties`, read in OpenJDK 17.0.21 (Debian
//! `openjdk-17-source`) and Temurin 25.0.3 (`lib/src.zip`; same logic, the
//! `AccessController` wrappers removed). Rules: spec.md § Java, `R-JAVA-*`.
//! Vectors: tests/conformance/recorded/java@17.jsonl.
//!
//! Java never reads proxy environment variables: its input is JVM system properties
//! ([`ProxyEnv::property`]); `env` is ignored (R-JAVA-SRC-1).

use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic};
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Java,
    name: "java",
    summary: "JDK DefaultProxySelector (system properties only: http.proxyHost, http.nonProxyHosts, socksProxyHost)",
    earliest: "17",
    latest: "25.0.3",
    versions: &["17", "17.0.21", "25", "25.0.3"],
};

/// What a JDK release does. No behaviour change is modelled between 17 and 25: the fields
/// record what every modelled release shares, so a future change has a place to go.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct JavaRules {
    /// R-JAVA-NP-3: the built-in non-proxy list, also appended to a non-empty property.
    pub default_non_proxy_hosts: &'static str,
    /// R-JAVA-NP-3: `conf/net.properties` sets `http.nonProxyHosts` and `ftp.nonProxyHosts`
    /// (used when the property is unset).
    pub net_properties_non_proxy_hosts: Option<&'static str>,
}

const BASE: JavaRules = JavaRules {
    default_non_proxy_hosts: "localhost|127.*|[::1]|0.0.0.0|[::0]",
    net_properties_non_proxy_hosts: Some("localhost|127.*|[::1]"),
};

/// Java's behaviour changes (none between the releases modelled).
pub const CHANGES: &[Change<JavaRules>] = &[];

/// The rules of JDK release `at`.
pub fn rules_for(at: Version) -> JavaRules {
    super::rules_at(&BASE, CHANGES, at)
}

/// `props`: per URI scheme, the property prefixes in order (the last one is SOCKS).
const PROPS: &[(&str, &[&str])] = &[
    ("http", &["http.proxy", "proxy", "socksProxy"]),
    ("https", &["https.proxy", "proxy", "socksProxy"]),
    ("ftp", &["ftp.proxy", "ftpProxy", "proxy", "socksProxy"]),
    ("socket", &["socksProxy"]),
];

/// The properties as the JDK reads them (live, on every `select`).
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: JavaRules,
    env: ProxyEnv,
}

/// `Integer.decode` (R-JAVA-PORT-1): sign, then `0x`/`0X`/`#` hex, `0` octal, else decimal;
/// anything else (blanks included) is a `NumberFormatException` (`None`).
fn integer_decode(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(h) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        (16, h)
    } else if let Some(h) = rest.strip_prefix('#') {
        (16, h)
    } else if rest.len() > 1 && rest.starts_with('0') {
        (8, &rest[1..])
    } else {
        (10, rest)
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) || digits.len() > 12 {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    let v = if neg { -v } else { v };
    (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&v).then_some(v)
}

/// Java's `URI` + the `select` fallback (R-JAVA-URL-1): `(scheme, host)` or the exception.
fn read_url(url: &str) -> Result<(String, String), String> {
    let syntax = |m: &str| Err(format!("URISyntaxException: {m}"));
    // Characters java.net.URI accepts outside an IPv6 literal.
    let ok = |c: char| {
        c.is_ascii_alphanumeric()
            || "-_.!~*'();/?:@&=+$,%".contains(c)
            || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
    };
    let (body, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    if fragment.is_some_and(|f| f.contains('#') || !f.chars().all(ok)) {
        return syntax("illegal character in fragment");
    }
    let b = body.as_bytes();
    for (i, _) in body.match_indices('%') {
        if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
            return syntax("malformed escape pair");
        }
    }
    let scheme_len = body.bytes().take_while(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c)).count();
    let scheme =
        (scheme_len > 0 && b[0].is_ascii_alphabetic() && b.get(scheme_len) == Some(&b':')).then(|| &body[..scheme_len]);
    let rest = scheme.map_or(body, |s| &body[s.len() + 1..]);
    if scheme.is_some() && rest.is_empty() {
        return syntax("expected scheme-specific part");
    }
    let (authority, path) = match rest.strip_prefix("//") {
        Some(a) => {
            let end = a.find(['/', '?']).unwrap_or(a.len());
            (Some(&a[..end]), &a[end..])
        }
        None => (None, rest),
    };
    if !path.chars().all(ok) {
        return syntax("illegal character in path or query");
    }
    let no_host = || Err(format!("IllegalArgumentException: protocol = {} host = null", scheme.unwrap_or("null")));
    let Some(scheme) = scheme else { return no_host() };
    let Some(auth) = authority.filter(|a| !a.is_empty()) else { return no_host() };
    // The host: after the first '@'; an IPv6 literal keeps its brackets; else up to the last ':'.
    let after = auth.split_once('@').map_or(auth, |(_, h)| h);
    let host = if let Some(inner) = after.strip_prefix('[') {
        let Some((lit, tail)) = inner.split_once(']') else { return syntax("expected closing bracket") };
        let addr = lit.split_once('%').map_or(lit, |(a, _)| a);
        if addr.parse::<std::net::Ipv6Addr>().is_err()
            || lit.split_once('%').is_some_and(|(_, z)| z.is_empty())
            || !(tail.is_empty() || tail.strip_prefix(':').is_some_and(|p| p.bytes().all(|c| c.is_ascii_digit())))
        {
            return syntax("malformed IPv6 address or port");
        }
        format!("[{lit}]")
    } else {
        if !auth.chars().all(ok) {
            return syntax("illegal character in authority");
        }
        let h = after.rfind(':').map_or(after, |i| &after[..i]);
        // A host that is not a server-based name comes from getAuthority(), which decodes %XX.
        String::from_utf8_lossy(&super::matching::percent_decode_bytes(h, false).unwrap_or_default()).into_owned()
    };
    Ok((scheme.to_owned(), host))
}

/// `disjunctToRegex` + `Pattern.matches` for one lower-cased disjunct (R-JAVA-NP-2).
fn glob_matches(pattern: &str, host: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(_), Some(_)) => host.contains(&pattern[1..pattern.len() - 1]),
        (Some(suffix), None) => host.ends_with(suffix),
        (None, Some(prefix)) => host.starts_with(prefix),
        (None, None) => host == pattern,
    }
}

/// A `*` that is neither the first nor the last character (Java quotes it: literal).
fn middle_star(p: &str) -> bool {
    let inner = p.strip_prefix('*').unwrap_or(p);
    inner.strip_suffix('*').unwrap_or(inner).contains('*')
}

/// Split the effective `nonProxyHosts` on `|` (empty items skipped), with spans.
fn parse_non_proxy(value: &str) -> (Vec<Entry>, Vec<NoProxyDiagnostic>) {
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    let mut start = 0;
    for part in value.split('|') {
        let span = start..start + part.len();
        start = span.end + 1;
        if part.is_empty() {
            continue;
        }
        let p = part.to_lowercase();
        let mut note = |m: &str| diags.push(NoProxyDiagnostic { span: span.clone(), message: m.into() });
        if p.starts_with(char::is_whitespace) || p.ends_with(char::is_whitespace) {
            note("Java keeps blanks: this pattern never matches a host");
        } else if p.contains(',') {
            note("`,` is not a separator in Java (use `|`): this whole text is one pattern");
        } else if middle_star(&p) {
            note("`*` is a wildcard only at the start or end: this one is literal");
        } else if p.contains('/') {
            note("Java has no CIDR: write an IP prefix such as `10.*`");
        } else if p.starts_with('.') {
            note("a leading `.` has no meaning in Java: write `*.example.com` for subdomains");
        } else if p.parse::<std::net::Ipv6Addr>().is_ok() {
            note("Java compares IPv6 hosts with their brackets: write `[2001:db8::1]`");
        } else if p.contains(':') && !p.starts_with('[') {
            note("Java compares the host without its port: a `:port` never matches");
        }
        let kind = if p == "*" {
            EntryKind::All
        } else if p.starts_with('*') || p.ends_with('*') {
            EntryKind::Glob { pattern: p }
        } else {
            EntryKind::Domain { name: p, apex: true, subdomains: false }
        };
        entries.push(Entry::new(part, span, kind));
    }
    (entries, diags)
}

impl Prepared {
    pub(crate) fn new(r: &JavaRules, env: &ProxyEnv) -> Self {
        Prepared { rules: r.clone(), env: env.clone() }
    }

    fn prop(&self, name: &str) -> Option<&str> {
        self.env.property(name).map(|v| v.value.as_str())
    }

    fn note_prop(&self, ex: &mut Explanation, name: &str, status: VarStatus) {
        ex.variables.push(VarNote::new(name, status, self.prop(name)));
    }

    /// The compiled NO_PROXY (none yet: this flavor answers with its reference scan).
    pub(crate) fn matcher(&self) -> Option<&crate::matcher::Matcher> {
        None
    }

    pub(crate) fn decide(&self, target: &Target, _eval: super::matching::Eval) -> (Outcome, Explanation) {
        let mut ex = Explanation::new();
        if !self.env.vars().is_empty() {
            ex.notes.push(
                "Java ignores proxy environment variables (http_proxy, no_proxy, …): only JVM system properties count"
                    .into(),
            );
        }
        let (scheme, host) = match read_url(target.as_str()) {
            Ok(x) => x,
            Err(message) => {
                ex.rule = Rule::InvalidUrl;
                return (Outcome::Error { error: DecisionError::InvalidUrl { message } }, ex);
            }
        };
        let urlhost = host.to_lowercase();
        ex.host =
            Some(HostView { host: urlhost.clone(), ip: urlhost.trim_matches(['[', ']']).parse().ok(), port: None });
        // R-JAVA-VAR-1: the row of this scheme (case-insensitive).
        let Some((proto, prefixes)) = PROPS.iter().find(|(p, _)| p.eq_ignore_ascii_case(&scheme)) else {
            ex.rule = Rule::SchemeNotProxied;
            ex.notes.push(format!("DefaultProxySelector has no proxy properties for scheme {scheme:?}"));
            return (Outcome::Direct, ex);
        };
        let mut found = None;
        for (j, pre) in prefixes.iter().enumerate() {
            let name = format!("{pre}Host");
            match self.prop(&name) {
                Some(v) if !v.is_empty() && found.is_none() => {
                    self.note_prop(&mut ex, &name, VarStatus::Used);
                    found = Some((j, name, v.to_owned()));
                }
                Some("") => self.note_prop(&mut ex, &name, VarStatus::EmptyIgnored),
                Some(_) => self.note_prop(&mut ex, &name, VarStatus::Shadowed),
                None => self.note_prop(&mut ex, &name, VarStatus::Unset),
            }
        }
        let Some((j, variable, phost)) = found else {
            ex.rule = Rule::NoProxyVariable;
            if self.prop("java.net.useSystemProxies").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
                ex.notes.push(
                    "java.net.useSystemProxies=true: the JDK would now ask the desktop/OS proxy settings, which are not \
                     modelled (treated as none)"
                        .into(),
                );
            }
            return (Outcome::Direct, ex);
        };
        // R-JAVA-NP-1 … 3: the non-proxy list of this scheme.
        let np_name = match *proto {
            "http" | "https" => "http.nonProxyHosts",
            "ftp" => "ftp.nonProxyHosts",
            _ => "socksNonProxyHosts",
        };
        let written = self.prop(np_name);
        let from_file = if np_name == "socksNonProxyHosts" { None } else { self.rules.net_properties_non_proxy_hosts };
        let value = match written.or(from_file) {
            None => Some(self.rules.default_non_proxy_hosts.to_owned()),
            Some("") => None,
            Some(v) => Some(format!("{v}|{}", self.rules.default_non_proxy_hosts)),
        };
        ex.variables.push(VarNote::new(
            np_name,
            match written {
                None => VarStatus::Unset,
                Some("") => VarStatus::EmptyIgnored,
                Some(_) => VarStatus::Used,
            },
            written,
        ));
        match (written, &value) {
            (Some(""), _) => ex.notes.push(format!(
                "{np_name} is set but empty: no non-proxy hosts at all, not even the defaults (localhost is proxied)"
            )),
            (None, Some(v)) => {
                ex.notes.push(format!("{np_name} unset: conf/net.properties and the built-in defaults apply ({v})"))
            }
            (Some(_), Some(_)) => ex.notes.push(format!(
                "the built-in defaults ({}) are appended to {np_name}",
                self.rules.default_non_proxy_hosts
            )),
            _ => {}
        }
        if let Some(v) = value {
            let (entries, diagnostics) = parse_non_proxy(&v);
            let hit = if urlhost.is_empty() {
                None
            } else {
                entries.iter().position(|e| glob_matches(&e.text.to_lowercase(), &urlhost))
            };
            let all = hit.is_some_and(|i| entries[i].kind == EntryKind::All);
            ex.no_proxy =
                Some(std::sync::Arc::new(NoProxyReport { variable: np_name.into(), value: v, entries, diagnostics }));
            if let Some(i) = hit {
                ex.matched = Some(i);
                ex.rule = if all { Rule::NoProxyAll } else { Rule::NoProxyMatch };
                return (Outcome::Direct, ex);
            }
        }
        // R-JAVA-PORT-1: the port with the host's prefix, then (not for SOCKS) the others.
        let socks = j == prefixes.len() - 1;
        let port_of = |pre: &str| {
            let name = format!("{pre}Port");
            (self.prop(&name).and_then(integer_decode).unwrap_or(0), name)
        };
        let (mut port, mut port_name) = port_of(prefixes[j]);
        if port == 0 && !socks {
            for (k, pre) in prefixes[..prefixes.len() - 1].iter().enumerate() {
                if k != j && port == 0 {
                    (port, port_name) = port_of(pre);
                }
            }
        }
        if port == 0 {
            port = match *proto {
                _ if socks => 1080,
                "https" => 443,
                "socket" => 1080,
                _ => 80,
            };
            ex.notes.push(format!("no usable port property: default port {port}"));
        } else if port_name != format!("{}Port", prefixes[j]) {
            ex.notes.push(format!("port taken from {port_name}"));
        }
        let Ok(port) = u16::try_from(port) else {
            ex.rule = Rule::InvalidProxy;
            let message = format!("port out of range: {port} (IllegalArgumentException)");
            return (Outcome::Error { error: DecisionError::InvalidProxy { variable, message } }, ex);
        };
        let scheme = if !socks {
            "http"
        } else if self.prop("socksProxyVersion").and_then(integer_decode) == Some(4) {
            "socks4"
        } else {
            "socks5"
        };
        let host = phost.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(&phost);
        ex.rule = Rule::ProxyVariable;
        (Outcome::Proxy { proxy: ProxyUrl::new(scheme, None, host, port), variable }, ex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_like_java() {
        assert_eq!(integer_decode("0x0BBA"), Some(3002));
        assert_eq!(integer_decode("#BBA"), Some(3002));
        assert_eq!(integer_decode("05702"), Some(3010));
        assert_eq!(integer_decode("+3002"), Some(3002));
        assert_eq!(integer_decode("-1"), Some(-1));
        assert_eq!(integer_decode(" 3002"), None);
        assert_eq!(integer_decode("abc"), None);
        assert_eq!(integer_decode("0"), Some(0));
    }

    #[test]
    fn non_ascii_patterns_do_not_panic() {
        let (entries, diags) = parse_non_proxy("é*x|*é|é");
        assert_eq!(entries.len(), 3);
        assert_eq!(diags.len(), 1);
        assert!(middle_star("a*b") && !middle_star("*ab*") && !middle_star("*"));
    }

    #[test]
    fn globs() {
        assert!(glob_matches("*.example.com", "www.example.com"));
        assert!(!glob_matches("*.example.com", "example.com"));
        assert!(glob_matches("10.*", "10.1.2.3"));
        assert!(glob_matches("*xam*", "example.com"));
        assert!(!glob_matches("a.*.com", "a.b.com"));
    }
}
