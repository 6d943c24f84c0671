//! Java — the JDK's default `ProxySelector` (`sun.net.spi.DefaultProxySelector.select`),
//! `sun.net.NetProperties` and `conf/net.properties`, read in OpenJDK 17.0.21 (Debian
//! `openjdk-17-source`) and Temurin 25.0.3 (`lib/src.zip`; same logic, the
//! `AccessController` wrappers removed). Rules: spec.md § Java, `R-JAVA-*`.
//! Vectors: tests/conformance/recorded/java@17.jsonl.
//!
//! Java never reads proxy environment variables: its input is JVM system properties
//! ([`ProxyEnv::property`]); `env` is ignored (R-JAVA-SRC-1).

use super::matching::Eval;
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
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

/// The non-proxy property of each row of `PROPS`: `http` and `https` share one.
const NON_PROXY: [&str; 3] = ["http.nonProxyHosts", "ftp.nonProxyHosts", "socksNonProxyHosts"];

fn non_proxy_index(proto: &str) -> usize {
    match proto {
        "http" | "https" => 0,
        "ftp" => 1,
        _ => 2,
    }
}

/// One effective non-proxy list, parsed and compiled once (the properties cannot change
/// between requests here).
#[derive(Clone, Debug)]
struct NonProxy {
    report: std::sync::Arc<NoProxyReport>,
    /// `None` only if too large to index.
    matcher: Option<std::sync::Arc<Matcher>>,
}

/// The properties as the JDK reads them (live, on every `select`); the three non-proxy lists
/// parsed once (`None`: the property is set but empty, so no list at all).
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    rules: JavaRules,
    env: ProxyEnv,
    non_proxy: [Option<NonProxy>; 3],
}

/// Index the disjuncts so that the first match is the one the `glob_matches` scan stops at.
/// Both sides are lower-cased the way the JDK does (`String.toLowerCase`, Unicode, on the
/// whole pattern and the whole host) and then compared byte for byte:
///
/// - `*`, and `**` (contains the empty string): every host;
/// - `*x`: hosts ending with `x`; `x*`: hosts starting with `x` (string comparison);
/// - `x`: exactly `x`;
/// - `*x*` (contains `x`): not indexable, the scan's predicate decides (fallback).
fn compile(entries: &[Entry]) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::Sensitive);
    b.reserve(entries.len(), entries.iter().map(|e| e.text.len()).sum());
    for (i, e) in entries.iter().enumerate() {
        let p = e.text.to_lowercase();
        match (p.strip_prefix('*'), p.strip_suffix('*')) {
            _ if p == "*" || p == "**" => b.all(i),
            (Some(_), Some(_)) => b.fallback(i),
            (Some(suffix), None) => b.suffix(i, suffix, None),
            (None, Some(prefix)) => b.prefix(i, prefix, None),
            (None, None) => b.name(i, &p, true, false, None),
        }
    }
    b.build()
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
        let non_proxy = NON_PROXY.map(|np_name| {
            let written = env.property(np_name).map(|v| v.value.as_str());
            let from_file = if np_name == "socksNonProxyHosts" { None } else { r.net_properties_non_proxy_hosts };
            let value = match written.or(from_file) {
                None => r.default_non_proxy_hosts.to_owned(),
                Some("") => return None,
                Some(v) => format!("{v}|{}", r.default_non_proxy_hosts),
            };
            let (entries, diagnostics) = parse_non_proxy(&value);
            let matcher = compile(&entries).map(std::sync::Arc::new);
            let report = NoProxyReport { variable: np_name.into(), value, entries, diagnostics };
            Some(NonProxy { report: std::sync::Arc::new(report), matcher })
        });
        Prepared { rules: r.clone(), env: env.clone(), non_proxy }
    }

    fn prop(&self, name: &str) -> Option<&str> {
        self.env.property(name).map(|v| v.value.as_str())
    }

    fn note_prop(&self, ex: &mut Explanation, name: &str, status: VarStatus) {
        ex.variables.push(VarNote::new(name, status, self.prop(name)));
    }

    /// The compiled `http.nonProxyHosts` (with the defaults), which `http` and `https` URLs
    /// use; `None` if the property is set but empty.
    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.non_proxy[0].as_ref().and_then(|np| np.matcher.as_deref())
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
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
        let list = self.non_proxy[non_proxy_index(proto)].as_ref();
        let np_name = NON_PROXY[non_proxy_index(proto)];
        let written = self.prop(np_name);
        let value = list.map(|l| l.report.value.as_str());
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
        if let Some(l) = list {
            let entries = &l.report.entries;
            let matches = |e: &Entry| glob_matches(&e.text.to_lowercase(), &urlhost);
            let hit = if urlhost.is_empty() {
                None
            } else {
                match l.matcher.as_deref().filter(|_| eval == Eval::Compiled) {
                    Some(m) => m.first(m.match_name(&urlhost, None), |i| matches(&entries[i])),
                    None => entries.iter().position(matches),
                }
            };
            let all = hit.is_some_and(|i| entries[i].kind == EntryKind::All);
            ex.no_proxy = Some(l.report.clone());
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

    /// `*x*` disjuncts are the only ones left to the scan; the rest is indexed.
    #[test]
    fn compiled_matcher_is_used() {
        let env = ProxyEnv::builder()
            .property("http.proxyHost", "proxy.invalid")
            .property("http.nonProxyHosts", "*.Example.com|10.*|*xam*|EXACT.host|**")
            .build();
        let p = "java".parse::<crate::Flavor>().unwrap().prepare(&env);
        let m = p.matcher().expect("a non-proxy list applies");
        assert_eq!(m.fallback_entries(), &[2]);
        assert_eq!(m.match_name("www.example.com", None), Some(0));
        assert_eq!(m.match_name("10.1.2.3", None), Some(1));
        assert_eq!(m.match_name("exact.host", None), Some(3));
        assert_eq!(m.match_name("exact.hostx", None), Some(4));
        assert_eq!(p.decide("http://EXAMPLE.org/").explanation.matched, Some(2));
        assert_eq!(p.decide("http://[::1]/").explanation.matched, Some(4));
        let empty = ProxyEnv::builder().property("http.nonProxyHosts", "").build();
        assert!("java".parse::<crate::Flavor>().unwrap().prepare(&empty).matcher().is_none());
    }

    /// The generic differential test (tests/matcher.rs) sets no JVM properties, so Java never
    /// reaches its non-proxy list there: this one does, with Unicode case pieces.
    #[test]
    fn compiled_equals_reference_on_generated_lists() {
        use proptest::prelude::*;
        use proptest::sample::select;
        use proptest::test_runner::{Config, TestRunner};
        const PIECES: &[&str] = &[
            "a",
            "A",
            "ab",
            "x",
            "10",
            "1",
            "127",
            "0",
            "K",
            "\u{212a}",
            "İ",
            "i\u{307}",
            "Σ",
            "σ",
            "ς",
            "ß",
            "SS",
            "é",
            "É",
            "*",
            "",
            ".",
            "-",
            "localhost",
            "[::1]",
            "::1",
            ":80",
            " ",
            ",",
        ];
        let name = || prop::collection::vec(select(PIECES), 0..4).prop_map(|v| v.concat());
        let pattern = (select(&["", "", "*", "*."][..]), name(), select(&["", "", "*", ".*"][..]))
            .prop_map(|(a, n, b)| format!("{a}{n}{b}"));
        let strategy = prop::collection::vec(pattern, 0..8).prop_flat_map(move |list| {
            let np = list.join("|");
            let host = (select(list.clone().into_iter().chain([String::new()]).collect::<Vec<_>>()), name(), name())
                .prop_map(|(p, a, b)| {
                    let core = p.trim_matches('*');
                    format!("{a}{core}{b}").replace(['*', ' ', ','], "")
                });
            let hosts = prop::collection::vec(
                (select(&["http", "https", "ftp", "socket"][..]), host).prop_map(|(s, h)| format!("{s}://{h}/")),
                1..8,
            );
            (Just(np), select(&["http.nonProxyHosts", "ftp.nonProxyHosts", "socksNonProxyHosts"][..]), hosts)
        });
        let cases = std::env::var("NOPROXY_MATCHER_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(500);
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        let f: crate::Flavor = "java".parse().unwrap();
        let (decided, matched) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
        runner
            .run(&strategy, |(np, prop_name, urls)| {
                let env = ProxyEnv::builder()
                    .property("proxyHost", "proxy.invalid")
                    .property("socksProxyHost", "socks.invalid")
                    .property(prop_name, &np)
                    .build();
                let p = f.prepare(&env);
                for u in &urls {
                    let (c, r) = (p.decide(u), p.decide_reference(u));
                    decided.set(decided.get() + 1);
                    matched.set(matched.get() + usize::from(r.explanation.matched.is_some()));
                    prop_assert_eq!(c, r, "{}={:?} url={:?}", prop_name, np, u);
                }
                Ok(())
            })
            .unwrap();
        let (d, m) = (decided.get(), matched.get());
        assert!(m * 10 >= d, "the generator must produce hits: {m} of {d}");
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
