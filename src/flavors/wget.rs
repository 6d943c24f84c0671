//! GNU Wget — `src/retr.c` (`getproxy`, `no_proxy_match`, `retrieve_url`), `src/host.c`
//! (`sufmatch`), `src/utils.c` (`sepstring`), `src/init.c` (`defaults`), `src/url.c`
//! (`url_parse`, `rewrite_shorthand_url`). Read at mirror/wget tags `v1.21.3` and `v1.24.5`.
//! Rules: spec.md § wget, `R-WGET-*`. Vectors: tests/conformance/recorded/wget@1.21.3*.jsonl.

use std::net::Ipv6Addr;

use super::matching::{idna_ascii, Eval};
use super::{Change, FamilyInfo, Version};
use crate::decision::{DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
use crate::env::ProxyEnv;
use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::noproxy::{Entry, EntryKind, NoProxyDiagnostic, ParsedNoProxy};
use crate::proxy::ProxyUrl;
use crate::target::{HostView, Target};

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Wget,
    name: "wget",
    summary: "GNU Wget (lower-case variables only, no NO_PROXY, no `*`, no CIDR, no ports)",
    earliest: "1.13",
    latest: "1.24.5",
    versions: &["1.13", "1.19.3", "1.20", "1.21", "1.21.3", "1.24.5"],
};

/// The knobs that changed over wget's history. Each field names its spec rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct WgetRules {
    /// R-WGET-MATCH-2: an entry must end on a label boundary of the host (1.19.3); before, any
    /// string suffix matched (`ample.com` covered `example.com`).
    pub label_boundary: bool,
    /// R-WGET-NP-2: empty entries are kept (and match host names ending in `.`) since 1.19.3;
    /// before, they were skipped.
    pub empty_entries_kept: bool,
    /// R-WGET-MATCH-3: `.example.com` matches subdomains (1.20); between 1.19.3 and 1.20 a
    /// dot-prefixed entry matched nothing but the very same text.
    pub dot_prefix_subdomains: bool,
}

const BASE: WgetRules = WgetRules { label_boundary: false, empty_entries_kept: false, dot_prefix_subdomains: false };

/// wget's behaviour changes, oldest first.
pub const CHANGES: &[Change<WgetRules>] = &[
    Change {
        since: &["1.19.3"],
        spec: "R-WGET-MATCH-2",
        summary: "sufmatch: entries match on a label boundary only; empty entries kept",
        upstream: "mirror/wget 55d25fc2 (src/host.c sufmatch)",
        apply: |r| {
            r.label_boundary = true;
            r.empty_entries_kept = true;
        },
    },
    Change {
        since: &["1.20"],
        spec: "R-WGET-MATCH-3",
        summary: "sufmatch: a dot-prefixed entry matches subdomains",
        upstream: "mirror/wget fd85ac9c (src/host.c sufmatch)",
        apply: |r| r.dot_prefix_subdomains = true,
    },
];

/// The rules of wget release `at`.
pub fn rules_for(at: Version) -> WgetRules {
    super::rules_at(&BASE, CHANGES, at)
}

/// `supported_schemes` of a build with SSL (R-WGET-URL-1): name, default port, separators
/// that end the host.
const SCHEMES: &[(&str, u16, &str)] =
    &[("http", 80, ":/?#"), ("https", 443, ":/?#"), ("ftp", 21, ":/;#"), ("ftps", 21, ":/;#")];

/// The environment as wget reads it at start-up: only `no_proxy` (R-WGET-VAR-2).
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    env: ProxyEnv,
    no_proxy_notes: Vec<VarNote>,
    no_proxy: Option<std::sync::Arc<NoProxyReport>>,
    rules: WgetRules,
    /// The compiled no_proxy; `None` if unset or empty (or too large to index).
    matcher: Option<std::sync::Arc<Matcher>>,
}

impl Prepared {
    pub(crate) fn new(r: &WgetRules, env: &ProxyEnv) -> Self {
        let mut notes = Vec::new();
        let value = env.get("no_proxy");
        notes.push(VarNote::new(
            "no_proxy",
            match value {
                None => VarStatus::Unset,
                Some("") => VarStatus::EmptyIgnored,
                Some(_) => VarStatus::Used,
            },
            value,
        ));
        if env.get("NO_PROXY").is_some() {
            // Set but never read: named without its value, which can be large.
            notes.push(VarNote::new("NO_PROXY", VarStatus::NotRead, None));
        }
        // R-WGET-NP-1: sepstring returns no list for an empty value.
        let no_proxy = value.filter(|v| !v.is_empty()).map(|v| {
            let p = parse_no_proxy(r, v);
            std::sync::Arc::new(NoProxyReport {
                variable: "no_proxy".into(),
                value: v.into(),
                entries: p.entries,
                diagnostics: p.diagnostics,
            })
        });
        let matcher = no_proxy.as_ref().and_then(|np| compile(r, &np.entries)).map(std::sync::Arc::new);
        Prepared { env: env.clone(), no_proxy_notes: notes, no_proxy, rules: r.clone(), matcher }
    }

    pub(crate) fn matcher(&self) -> Option<&Matcher> {
        self.matcher.as_deref()
    }

    pub(crate) fn decide(&self, target: &Target, eval: Eval) -> (Outcome, Explanation) {
        let mut ex = Explanation::new();
        let (scheme, view) = match read_url(target) {
            Ok(x) => x,
            Err(error) => {
                ex.rule = Rule::InvalidUrl;
                return (Outcome::Error { error }, ex);
            }
        };
        ex.host = Some(view.clone());
        ex.variables.extend(self.no_proxy_notes.iter().cloned());
        ex.no_proxy = self.no_proxy.clone();
        if self.env.get("NO_PROXY").is_some() {
            ex.notes.push("wget reads only lower-case no_proxy; NO_PROXY is ignored".into());
        }
        // R-WGET-MATCH-1: no_proxy is checked first, before any proxy variable is read.
        if let Some(np) = &self.no_proxy {
            let matches = |e: &Entry| sufmatch(&self.rules, &e.text, &view.host);
            let found = match self.matcher.as_deref().filter(|_| eval == Eval::Compiled) {
                Some(m) => m.first(m.match_name(&view.host, None), |i| matches(&np.entries[i])),
                None => np.entries.iter().position(matches),
            };
            if let Some(i) = found {
                ex.matched = Some(i);
                ex.rule = Rule::NoProxyMatch;
                return (Outcome::Direct, ex);
            }
        }
        // R-WGET-VAR-1: one lower-case variable per scheme, nothing else.
        let variable = format!("{scheme}_proxy");
        let value = self.env.get(&variable);
        let status = match value {
            None => VarStatus::Unset,
            Some("") => VarStatus::EmptyIgnored,
            Some(_) => VarStatus::Used,
        };
        ex.variables.push(VarNote::new(&variable, status, value));
        for other in [variable.to_ascii_uppercase(), "all_proxy".into(), "ALL_PROXY".into()] {
            if let Some(v) = self.env.get(&other).filter(|v| !v.is_empty()) {
                ex.variables.push(VarNote::new(&other, VarStatus::NotRead, Some(v)));
            }
        }
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            ex.rule = Rule::NoProxyVariable;
            return (Outcome::Direct, ex);
        };
        match parse_proxy(value, scheme) {
            Ok(proxy) => {
                ex.rule = Rule::ProxyVariable;
                (Outcome::Proxy { proxy, variable }, ex)
            }
            Err(message) => {
                ex.rule = Rule::InvalidProxy;
                let error = DecisionError::InvalidProxy { variable, message };
                (Outcome::Error { error }, ex)
            }
        }
    }
}

/// `sepstring` (R-WGET-NP-1): split on `,` only; blanks are skipped only right after a comma.
fn parse_no_proxy(r: &WgetRules, value: &str) -> ParsedNoProxy {
    let mut out = ParsedNoProxy::default();
    let b = value.as_bytes();
    let mut start = 0;
    let mut i = 0;
    loop {
        if i == b.len() || b[i] == b',' {
            let tok = &value[start..i];
            let span = start..i;
            let mut note = |m: &str| out.diagnostics.push(NoProxyDiagnostic { span: span.clone(), message: m.into() });
            let kind = if tok.is_empty() {
                if r.empty_entries_kept {
                    note("empty entry: wget keeps it, and it matches host names that end in `.`");
                    EntryKind::Domain { name: String::new(), apex: true, subdomains: true }
                } else {
                    EntryKind::Ignored { reason: "empty entry".into() }
                }
            } else {
                if tok.bytes().any(is_c_space) {
                    note("wget keeps blanks inside an entry (it skips them only right after a comma): this entry can never match a host name");
                } else if tok.contains('*') {
                    note("wget has no wildcards: `*` is compared literally");
                } else if tok.contains('/') {
                    note("wget has no CIDR: the entry is compared as text with the host");
                } else if tok.contains(':') && tok.parse::<Ipv6Addr>().is_err() {
                    note("wget compares the host without its port: an entry with `:port` never matches");
                } else if tok.starts_with('[') {
                    note("wget compares IPv6 hosts without brackets: write `::1`, not `[::1]`");
                } else if !tok.is_ascii() {
                    note("wget compares against the punycode host: write the entry in punycode (xn--…)");
                }
                match tok.strip_prefix('.') {
                    // Before 1.19.3 `sufmatch` compares text from the end, with no label boundary.
                    _ if !r.label_boundary => EntryKind::Suffix { suffix: tok.to_ascii_lowercase() },
                    Some(rest) if r.dot_prefix_subdomains => {
                        EntryKind::Domain { name: rest.to_ascii_lowercase(), apex: false, subdomains: true }
                    }
                    _ => EntryKind::Domain { name: tok.to_ascii_lowercase(), apex: true, subdomains: true },
                }
            };
            if !matches!(kind, EntryKind::Ignored { .. }) {
                out.entries.push(Entry::new(tok, start..i, kind));
            }
            if i == b.len() {
                break;
            }
            i += 1;
            while i < b.len() && is_c_space(b[i]) {
                i += 1;
            }
            start = i;
            continue;
        }
        i += 1;
    }
    out
}

/// `c_isspace`.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `sufmatch` for one entry (R-WGET-MATCH-1 … 3): ASCII-case-insensitive comparison from the end.
fn sufmatch(r: &WgetRules, entry: &str, host: &str) -> bool {
    let (e, h) = (entry.as_bytes(), host.as_bytes());
    if e.len() > h.len() || !h[h.len() - e.len()..].eq_ignore_ascii_case(e) {
        return false;
    }
    if !r.label_boundary {
        return true;
    }
    let k = h.len() - e.len(); // host bytes before the matched suffix
    k == 0 || h[k - 1] == b'.' || (r.dot_prefix_subdomains && e.first() == Some(&b'.'))
}

/// Index the entries so that the first match is the one the `sufmatch` scan stops at. wget
/// compares ASCII case-insensitively and byte for byte otherwise (R-WGET-MATCH-1 … 3):
///
/// - before 1.19.3 any string suffix matches: a suffix text;
/// - since 1.19.3 the entry must end on a label boundary (`h == e` or `h` ends with `.e`): a
///   name with its subdomains (the empty entry: hosts ending in `.`);
/// - since 1.20 a dot-prefixed entry `.x` matches every host ending with `.x`: the
///   subdomains of `x` (the entry `.`: hosts ending in `.`).
fn compile(r: &WgetRules, entries: &[Entry]) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::AsciiInsensitive);
    b.reserve(entries.len(), entries.iter().map(|e| e.text.len()).sum());
    for (i, e) in entries.iter().enumerate() {
        let t = e.text.as_str();
        match t.strip_prefix('.') {
            _ if !r.label_boundary => b.suffix(i, t, None),
            Some(rest) if r.dot_prefix_subdomains => b.name(i, rest, false, true, None),
            _ => b.name(i, t, true, true, None),
        }
    }
    b.build()
}

/// `rewrite_shorthand_url` (R-WGET-PV-1): `host:port` → `http://host:port`, `host:path` →
/// `ftp://host/path`, `host` → `http://host`. `None`: left as it is.
fn rewrite_shorthand(url: &str) -> Option<String> {
    if scheme_of(url).is_some() {
        return None;
    }
    let p = url.find([':', '/']);
    if p == Some(0) {
        return None;
    }
    if let Some(p) = p {
        let rest = &url[p..];
        if rest.starts_with("://") {
            return None;
        }
        if let Some(after_colon) = rest.strip_prefix(':') {
            let digits = after_colon.bytes().take_while(u8::is_ascii_digit).count();
            let after = after_colon.as_bytes().get(digits);
            if !(digits > 0 && (after.is_none() || after == Some(&b'/'))) {
                return Some(format!("ftp://{}/{after_colon}", &url[..p]));
            }
        }
    }
    Some(format!("http://{url}"))
}

/// `url_scheme`: case-insensitive prefix `scheme://`.
fn scheme_of(url: &str) -> Option<(&'static str, u16, &'static str)> {
    SCHEMES.iter().copied().find(|(s, _, _)| {
        url.len() >= s.len() + 3
            && url.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes())
            && url.as_bytes()[s.len()..s.len() + 3] == *b"://"
    })
}

/// `url_has_scheme`: `[-+a-zA-Z0-9]+:`.
fn has_scheme(url: &str) -> bool {
    let n = url.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'+').count();
    n > 0 && url.as_bytes().get(n) == Some(&b':')
}

/// `url_parse` (R-WGET-URL-1, R-WGET-URL-2): scheme, host (lower-case, `%XX` decoded, IDN to
/// punycode, IPv6 without brackets) and port.
fn parse_url(url: &str) -> Result<(&'static str, String, u16, Option<String>), String> {
    let Some((scheme, default_port, seps)) = scheme_of(url) else {
        return Err(if has_scheme(url) { "unsupported scheme".into() } else { "missing scheme".into() });
    };
    let rest = &url[scheme.len() + 3..];
    // url_skip_credentials: up to the last '@' before the first '/', '?' or '#'.
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (userinfo, hostpart) = match rest[..auth_end].rfind('@') {
        Some(at) => (Some(rest[..at].to_owned()), &rest[at + 1..]),
        None => (None, rest),
    };
    let (host, after) = if let Some(inner) = hostpart.strip_prefix('[') {
        let close = inner.find(']').ok_or("unterminated IPv6 numeric address")?;
        let h = &inner[..close];
        if h.parse::<Ipv6Addr>().is_err() {
            return Err("invalid IPv6 numeric address".into());
        }
        let after = &inner[close + 1..];
        if !after.is_empty() && !seps.contains(after.as_bytes()[0] as char) {
            return Err("invalid host name".into());
        }
        (h.to_owned(), after)
    } else {
        let end = hostpart.find(|c| seps.contains(c)).unwrap_or(hostpart.len());
        (hostpart[..end].to_owned(), &hostpart[end..])
    };
    if host.is_empty() {
        return Err("invalid host name".into());
    }
    let mut port = default_port;
    if let Some(p) = after.strip_prefix(':') {
        let p = &p[..p.find(|c| seps[1..].contains(c)).unwrap_or(p.len())];
        if !p.is_empty() {
            let mut n: u32 = 0;
            for c in p.bytes() {
                if !c.is_ascii_digit() {
                    return Err("bad port number".into());
                }
                n = n * 10 + u32::from(c - b'0');
                if n > 0xffff {
                    return Err("bad port number".into());
                }
            }
            port = n as u16;
        }
    }
    let mut host = host.to_ascii_lowercase();
    // Non-ASCII bytes reach url_parse percent-encoded (reencode_escapes), so IDN goes together
    // with %XX decoding.
    if host.contains('%') || !host.is_ascii() {
        let decoded = super::matching::percent_decode(&host).ok_or("invalid host name")?;
        if decoded.chars().any(char::is_control) {
            return Err("invalid host name".into());
        }
        host = idna_ascii(&decoded).unwrap_or(decoded).to_ascii_lowercase();
    }
    Ok((scheme, host, port, userinfo))
}

/// The command-line URL (R-WGET-URL-1): shorthand rewritten, then `url_parse`.
fn read_url(target: &Target) -> Result<(&'static str, HostView), DecisionError> {
    let raw = target.as_str();
    let url = rewrite_shorthand(raw).unwrap_or_else(|| raw.to_owned());
    match parse_url(&url) {
        Ok((scheme, host, port, _)) => {
            let ip = host.parse().ok();
            Ok((scheme, HostView { host, ip, port: Some(port) }))
        }
        Err(m) if m == "unsupported scheme" => {
            let scheme = raw.split(':').next().unwrap_or("").to_owned();
            Err(DecisionError::UnsupportedUrlScheme { scheme })
        }
        Err(message) => Err(DecisionError::InvalidUrl { message }),
    }
}

/// `retrieve_url`'s proxy handling (R-WGET-PV-1, R-WGET-PV-2).
fn parse_proxy(value: &str, url_scheme: &str) -> Result<ProxyUrl, String> {
    let url = rewrite_shorthand(value).unwrap_or_else(|| value.to_owned());
    let (scheme, host, port, userinfo) = parse_url(&url).map_err(|m| format!("error parsing proxy URL: {m}"))?;
    if scheme != "http" && scheme != url_scheme {
        return Err(format!("proxy scheme {scheme} must be http"));
    }
    Ok(ProxyUrl::new(scheme, userinfo, &host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sufmatch_history() {
        let new = rules_for("1.21.3".parse().unwrap());
        assert!(sufmatch(&new, "example.com", "www.example.com"));
        assert!(!sufmatch(&new, "ample.com", "example.com"));
        assert!(sufmatch(&new, ".example.com", "www.example.com"));
        assert!(!sufmatch(&new, ".example.com", "example.com"));
        assert!(sufmatch(&new, "", "example.com."));
        let old = rules_for("1.19".parse().unwrap());
        assert!(sufmatch(&old, "ample.com", "example.com"));
        let mid = rules_for("1.19.3".parse().unwrap());
        assert!(!sufmatch(&mid, ".example.com", "www.example.com"));
    }

    #[test]
    fn compiled_matcher_is_used_and_agrees() {
        let list = "ample.com,.example.com,,EXAMPLE.org, x.net,.,..a,b*,10.0.0.1,::1,é.test";
        let hosts = [
            "example.com",
            "www.example.com",
            "www.EXAMPLE.org",
            "example.org",
            "notexample.org",
            "a.",
            "x..a",
            "..a",
            "b*",
            "x.b*",
            "10.0.0.1",
            "110.0.0.1",
            "[::1]",
            "h",
            "xn--9ca.test",
        ];
        for id in ["wget@1.13", "wget@1.19.3", "wget@1.20", "wget"] {
            let f: crate::Flavor = id.parse().unwrap();
            let env = ProxyEnv::builder().var("no_proxy", list).var("http_proxy", "http://p.invalid:1/").build();
            let p = f.prepare(&env);
            let m = p.matcher().expect("no_proxy is set");
            assert!(m.fallback_entries().is_empty(), "{id}");
            for h in hosts {
                let url = format!("http://{h}/");
                assert_eq!(p.decide(&url), p.decide_reference(&url), "{id} {h}");
            }
        }
        let env = ProxyEnv::builder().var("no_proxy", list).build();
        let p = "wget@1.21.3".parse::<crate::Flavor>().unwrap().prepare(&env);
        let m = p.matcher().unwrap();
        assert_eq!(m.match_name("www.example.com", None), Some(1));
        assert_eq!(m.match_name("example.com", None), None);
        assert_eq!(m.match_name("a.", None), Some(2));
        assert_eq!(m.match_name("x.example.org", None), Some(3));
        let p = "wget@1.19".parse::<crate::Flavor>().unwrap().prepare(&env);
        assert_eq!(p.matcher().unwrap().match_name("example.com", None), Some(0));
        let p = "wget".parse::<crate::Flavor>().unwrap().prepare(&ProxyEnv::builder().var("no_proxy", "").build());
        assert!(p.matcher().is_none());
    }

    #[test]
    fn non_ascii_after_a_scheme_name_does_not_panic() {
        assert!(parse_url("httpé://x/").is_err());
        assert!(read_url(&Target::parse("httpsé")).is_ok());
    }

    #[test]
    fn shorthand() {
        assert_eq!(rewrite_shorthand("127.0.0.1:3128").as_deref(), Some("http://127.0.0.1:3128"));
        assert_eq!(rewrite_shorthand("proxy:abc").as_deref(), Some("ftp://proxy/abc"));
        assert_eq!(rewrite_shorthand("socks5://x"), None);
        assert_eq!(rewrite_shorthand("http://x"), None);
    }
}
