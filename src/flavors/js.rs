//! JavaScript building blocks shared by the Node.js flavors (`node-proxy-from-env`, `undici`,
//! `node`): the WHATWG URL parser (`new URL()`, which `url` implements), `String.split(/[,\s]/)`
//! and the `^(.+):(\d+)$` port split. No flavor semantics here.

use std::ops::Range;

use crate::matcher::{Case, Matcher, MatcherBuilder};
use crate::proxy::ProxyUrl;

/// ECMAScript `\s` (WhiteSpace + LineTerminator).
pub(crate) fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// `value.split(/[,\s]/)`: every piece (empty ones included) with its byte span.
pub(crate) fn split_comma_space(value: &str) -> Vec<(&str, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in value.char_indices() {
        if c == ',' || is_js_space(c) {
            out.push((&value[start..i], start..i));
            start = i + c.len_utf8();
        }
    }
    out.push((&value[start..], start..value.len()));
    out
}

/// `entry.match(/^(.+):(\d+)$/)`: `(host part, port digits)`; the `.+` is greedy, so the
/// split is at the last `:` followed only by ASCII digits.
pub(crate) fn split_port(entry: &str) -> Option<(&str, &str)> {
    let (h, p) = entry.rsplit_once(':')?;
    (!h.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then_some((h, p))
}

/// `Number.parseInt(digits, 10)` compared with a port: `None` when it can equal no port
/// (too large), `Some(0)` for zeros (which JS treats as "no port").
pub(crate) fn parse_int_port(digits: &str) -> Option<u32> {
    let d = digits.trim_start_matches('0');
    if d.len() > 9 {
        return None;
    }
    Some(d.parse().unwrap_or(0))
}

/// `new URL(s)`, or `None` where it throws.
pub(crate) fn parse_url(s: &str) -> Option<url::Url> {
    url::Url::parse(s).ok()
}

/// The scheme's default port in the WHATWG URL standard (`URL.port` is `''` for it).
pub(crate) fn special_default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// `URL.host` with a trailing `:\d*` removed (brackets kept for IPv6), as every Node.js
/// flavor computes the host it compares.
pub(crate) fn host_without_port(u: &url::Url) -> String {
    u.host_str().unwrap_or("").to_owned()
}

/// A proxy value as `new URL(value)` reads it: scheme, credentials, host (no brackets) and
/// port (explicit, else the special scheme's default). `None` when `new URL` throws or
/// yields no host name.
pub(crate) fn proxy_from_url(value: &str) -> Option<ProxyUrl> {
    let u = parse_url(value)?;
    let host = u.host_str().filter(|h| !h.is_empty())?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let scheme = u.scheme();
    let port = u.port().or_else(|| special_default_port(scheme));
    let userinfo = if u.username().is_empty() && u.password().is_none() {
        None
    } else {
        Some(match u.password() {
            Some(p) => format!("{}:{}", u.username(), p),
            None => u.username().to_owned(),
        })
    };
    Some(ProxyUrl::new(scheme, userinfo, host, port))
}

/// How one generation of the `/[,\s]/`-split NO_PROXY matchers (proxy-from-env, undici's
/// `EnvHttpProxyAgent`) reads and compares entries. All `false` = proxy-from-env / undici 6.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct SplitStyle {
    /// `replace(/^\*?\./, '')` on each entry, then exact or `.entry` suffix (undici 7.22).
    pub label_suffix: bool,
    /// IPv6: brackets stripped from host and entry; `host:port` split only with one colon
    /// (undici 8.10).
    pub bare_ipv6: bool,
    /// One trailing dot dropped from host and entry; `*` entry anywhere; `*.x` matches
    /// subdomains only (undici 8.11).
    pub wildcard_entries: bool,
}

/// One entry as such a matcher keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SplitEntry {
    /// The compared text (lower case).
    pub host: String,
    /// `0` = any port; `u32::MAX` = a port no URL has.
    pub port: u32,
    /// How `host` is compared.
    pub mode: SplitMode,
}

/// The comparison an entry gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SplitMode {
    /// `hostname === host`.
    Exact,
    /// `hostname.endsWith(host)`, no label boundary (legacy `.x` / `*x` entries).
    RawSuffix,
    /// `hostname === host || hostname.endsWith('.' + host)`.
    ExactOrLabel,
    /// `hostname.endsWith('.' + host)` only (`*.x` since undici 8.11).
    LabelOnly,
    /// Every host (`*`, since undici 8.11 anywhere in the list).
    All,
}

/// Parse one non-empty token (already lower-cased by the caller where the tool does).
pub(crate) fn split_entry(style: SplitStyle, tok: &str) -> SplitEntry {
    let port_of = |d: &str| parse_int_port(d).unwrap_or(u32::MAX);
    let (h, port) = if style.bare_ipv6 {
        match tok.strip_prefix('[').and_then(|r| r.rsplit_once("]:")) {
            Some((inner, p)) if !inner.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                (inner, port_of(p))
            }
            _ => {
                let un = match tok.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                    Some(inner) if !inner.is_empty() => inner,
                    _ => tok,
                };
                match split_port(un) {
                    Some((h, p)) if un.matches(':').count() == 1 => (h, port_of(p)),
                    _ => (un, 0),
                }
            }
        }
    } else {
        match split_port(tok) {
            Some((h, p)) => (h, port_of(p)),
            None => (tok, 0),
        }
    };
    if !style.label_suffix {
        if !h.starts_with(['.', '*']) {
            return SplitEntry { host: h.to_lowercase(), port, mode: SplitMode::Exact };
        }
        let s = h.strip_prefix('*').unwrap_or(h);
        let mode = if s.is_empty() { SplitMode::All } else { SplitMode::RawSuffix };
        return SplitEntry { host: s.to_lowercase(), port, mode };
    }
    let mut host = h.strip_prefix("*.").or_else(|| h.strip_prefix('.')).unwrap_or(h);
    if style.wildcard_entries && host.len() > 1 {
        host = host.strip_suffix('.').unwrap_or(host);
    }
    let host = host.to_lowercase();
    let mode = if style.wildcard_entries && host == "*" {
        SplitMode::All
    } else if style.wildcard_entries && tok.starts_with('*') {
        SplitMode::LabelOnly
    } else {
        SplitMode::ExactOrLabel
    };
    SplitEntry { host, port, mode }
}

/// Does `e` match `hostname` (as the tool prepared it) on `port`?
pub(crate) fn split_matches(e: &SplitEntry, hostname: &str, port: u32) -> bool {
    if e.port != 0 && e.port != port {
        return false;
    }
    let label = || {
        hostname.len() > e.host.len()
            && hostname.ends_with(e.host.as_str())
            && hostname.as_bytes()[hostname.len() - e.host.len() - 1] == b'.'
    };
    match e.mode {
        SplitMode::All => true,
        SplitMode::Exact => hostname == e.host,
        SplitMode::RawSuffix => hostname.ends_with(e.host.as_str()),
        SplitMode::ExactOrLabel => hostname == e.host || label(),
        SplitMode::LabelOnly => label(),
    }
}

/// A port as the decimal text the compiled index compares (`None` for `0`, which the
/// `/[,\s]/` matchers read as "no port"), written into `buf` (no allocation).
pub(crate) fn port_text(port: u32, buf: &mut [u8; 20]) -> Option<&str> {
    if port == 0 {
        return None;
    }
    Some(super::matching::decimal(u64::from(port), buf))
}

/// Index `/[,\s]/`-split entries (proxy-from-env, undici): every [`SplitMode`] is exactly an
/// index meaning, so nothing falls back. Names compare byte for byte, as `split_matches` does
/// (both sides were lower-cased by the tool's own `toLowerCase`); the port filter is the
/// entry's port as decimal text, looked up with [`port_text`] of the URL's port.
pub(crate) fn compile_split(entries: &[SplitEntry]) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::Sensitive);
    b.reserve(entries.len(), entries.iter().map(|e| e.host.len()).sum());
    let mut buf = [0u8; 20];
    for (i, e) in entries.iter().enumerate() {
        // `u32::MAX` (digits too large) is kept: proxy-from-env 1.x reads a URL's too-large
        // port as `u32::MAX` too, and the scan then matches it.
        let port = port_text(e.port, &mut buf);
        let h = e.host.as_str();
        match e.mode {
            // Every host ends with "": a port-restricted `*` (undici ≥ 8.11 `*:80`).
            SplitMode::All if port.is_some() => b.suffix(i, "", port),
            SplitMode::All => b.all(i),
            SplitMode::Exact => b.name(i, h, true, false, port),
            SplitMode::RawSuffix => b.suffix(i, h, port),
            SplitMode::ExactOrLabel => b.name(i, h, true, true, port),
            SplitMode::LabelOnly => b.name(i, h, false, true, port),
        }
    }
    b.build()
}

/// The first entry matching `hostname` on `port`: via the index built by [`compile_split`]
/// when `eval` is compiled and there is one, else the reference scan
/// `entries.iter().position(|e| split_matches(e, hostname, port))` (the same answer).
pub(crate) fn split_find(
    m: Option<&Matcher>,
    entries: &[SplitEntry],
    hostname: &str,
    port: u32,
    eval: super::matching::Eval,
) -> Option<usize> {
    match m.filter(|_| eval == super::matching::Eval::Compiled) {
        Some(m) => {
            let mut buf = [0u8; 20];
            let indexed = m.match_name(hostname, port_text(port, &mut buf));
            m.first(indexed, |i| entries.get(i).is_some_and(|e| split_matches(e, hostname, port)))
        }
        None => entries.iter().position(|e| split_matches(e, hostname, port)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_js() {
        let v: Vec<_> = split_comma_space("a, b\u{3000}c").into_iter().map(|(t, _)| t).collect();
        assert_eq!(v, ["a", "", "b", "c"]);
        assert_eq!(split_port("::1"), Some((":", "1")));
        assert_eq!(split_port("[::1]:8080"), Some(("[::1]", "8080")));
        assert_eq!(split_port(":80"), None);
        assert_eq!(parse_int_port("0080"), Some(80));
        assert_eq!(parse_int_port("99999999999"), None);
    }

    #[test]
    fn ports_as_text() {
        let mut buf = [0u8; 20];
        assert_eq!(port_text(0, &mut buf), None);
        assert_eq!(port_text(80, &mut buf), Some("80"));
        assert_eq!(port_text(u32::MAX, &mut buf), Some("4294967295"));
    }

    #[test]
    fn compiled_split_entries_equal_the_scan() {
        let styles = [
            SplitStyle::default(),
            SplitStyle { label_suffix: true, ..SplitStyle::default() },
            SplitStyle { label_suffix: true, bare_ipv6: true, wildcard_entries: true },
        ];
        let toks = [
            "a.b",
            ".b",
            "*b",
            "*.b",
            "*",
            "*:80",
            "b:80",
            ".",
            "..b",
            "b.",
            "[::1]:80",
            "::1",
            "b:0",
            "b:99999999999",
        ];
        let hosts = ["a.b", "b", "xb", "x.a.b", "", "x.", "::1", "[::1]", "x..b", "b."];
        for style in styles {
            for t in toks {
                let entries = vec![split_entry(style, "z"), split_entry(style, t), split_entry(style, "b")];
                let m = compile_split(&entries).expect("small");
                for h in hosts {
                    for port in [0, 80, 443, u32::MAX] {
                        let want = entries.iter().position(|e| split_matches(e, h, port));
                        assert_eq!(
                            split_find(Some(&m), &entries, h, port, super::super::matching::Eval::Compiled),
                            want,
                            "{style:?} {t:?} {h:?} {port}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn proxies_like_new_url() {
        assert_eq!(proxy_from_url("http://127.0.0.1").unwrap().addr(), "127.0.0.1:80");
        assert_eq!(proxy_from_url("socks5://h").unwrap().addr(), "h");
        assert_eq!(proxy_from_url("http://[::1]:3/").unwrap().addr(), "[::1]:3");
        assert!(proxy_from_url("http://a b").is_none());
    }
}
