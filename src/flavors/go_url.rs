//! The parts of Go's `net/url.Parse` that decide what Go's proxy code sees
//! (golang/go `src/net/url/url.go`, go1.19 … go1.24: `getScheme`, `parse`, `parseAuthority`,
//! `parseHost`, `validOptionalPort`, `unescape` in host mode, `shouldEscape`, `Hostname`,
//! `Port`). Spec: R-GO-URL-1 … R-GO-URL-3.

/// A URL as Go's `url.Parse` returns it (only the fields the proxy logic reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GoUrl {
    /// Lower-cased scheme.
    pub scheme: String,
    /// Decoded userinfo, when present.
    pub user: Option<String>,
    /// `u.Host`: host and port, escapes decoded, brackets kept.
    pub host: String,
}

impl GoUrl {
    /// `u.Hostname()`.
    pub fn hostname(&self) -> &str {
        let (h, _) = split_host_port(&self.host);
        h
    }
    /// `u.Port()`.
    pub fn port(&self) -> &str {
        let (_, p) = split_host_port(&self.host);
        p
    }
}

fn split_host_port(hp: &str) -> (&str, &str) {
    let mut host = hp;
    let mut port = "";
    if let Some(c) = hp.rfind(':') {
        if valid_optional_port(&hp[c..]) {
            host = &hp[..c];
            port = &hp[c + 1..];
        }
    }
    if host.len() >= 2 && host.starts_with('[') && host.ends_with(']') {
        host = &host[1..host.len() - 1];
    }
    (host, port)
}

fn valid_optional_port(p: &str) -> bool {
    match p.strip_prefix(':') {
        None => p.is_empty(),
        Some(d) => d.bytes().all(|b| b.is_ascii_digit()),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Host,
    Zone,
    UserPassword,
}

/// `shouldEscape` for the host, zone and userinfo modes.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
        return false;
    }
    match mode {
        Mode::Host | Mode::Zone => !matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        ),
        Mode::UserPassword => !matches!(c, b'$' | b'&' | b'+' | b',' | b';' | b'=' | b':' | b'/' | b'?' | b'@'),
    }
}

fn unhex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let (Some(h), Some(l)) = (b.get(i + 1).and_then(|&c| unhex(c)), b.get(i + 2).and_then(|&c| unhex(c)))
                else {
                    let end = (i + 3).min(b.len());
                    return Err(format!("invalid URL escape {:?}", String::from_utf8_lossy(&b[i..end])));
                };
                // Only non-ASCII bytes may be escaped in a host, except %25 (R-GO-URL-2).
                if mode == Mode::Host && h < 8 && &s[i..i + 3] != "%25" {
                    return Err(format!("invalid URL escape {:?}", &s[i..i + 3]));
                }
                if mode == Mode::Zone {
                    let v = h * 16 + l;
                    if &s[i..i + 3] != "%25" && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(format!("invalid URL escape {:?}", &s[i..i + 3]));
                    }
                }
                out.push(h * 16 + l);
                i += 3;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!("invalid character {:?} in host name", c as char));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "invalid UTF-8 after unescaping".to_owned())
}

fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".to_owned());
        };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {colon_port:?} after host"));
        }
        if let Some(z) = host[..i].find("%25") {
            let h1 = unescape(&host[..z], Mode::Host)?;
            let h2 = unescape(&host[z..i], Mode::Zone)?;
            let h3 = unescape(&host[i..], Mode::Host)?;
            return Ok(h1 + &h2 + &h3);
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {colon_port:?} after host"));
        }
    }
    unescape(host, Mode::Host)
}

fn valid_userinfo(s: &str) -> bool {
    s.bytes().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b':'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'%'
                    | b'@'
            )
    })
}

/// `url.Parse(raw)` (not via request). Errors carry Go's message text after `parse "…": `.
pub(crate) fn parse(raw: &str) -> Result<GoUrl, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_owned());
    }
    let raw = raw.split_once('#').map_or(raw, |(u, _)| u);
    // getScheme
    let mut scheme = "";
    let mut rest = raw;
    for (i, c) in raw.bytes().enumerate() {
        if c.is_ascii_alphabetic() {
            continue;
        }
        if c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.') {
            if i == 0 {
                break;
            }
            continue;
        }
        if c == b':' {
            if i == 0 {
                return Err("missing protocol scheme".to_owned());
            }
            scheme = &raw[..i];
            rest = &raw[i + 1..];
        }
        break;
    }
    let scheme = scheme.to_ascii_lowercase();
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            // Opaque URL: no host at all.
            return Ok(GoUrl { scheme, user: None, host: String::new() });
        }
        let seg = rest.split('/').next().unwrap_or("");
        if seg.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_owned());
        }
    }
    if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let a = &rest[2..];
        let authority = a.find('/').map_or(a, |i| &a[..i]);
        check_path_escapes(&a[authority.len()..])?;
        let (user, host) = match authority.rfind('@') {
            None => (None, parse_host(authority)?),
            Some(i) => {
                let ui = &authority[..i];
                if !valid_userinfo(ui) {
                    return Err("net/url: invalid userinfo".to_owned());
                }
                let dec = match ui.split_once(':') {
                    Some((u, p)) => {
                        format!("{}:{}", unescape(u, Mode::UserPassword)?, unescape(p, Mode::UserPassword)?)
                    }
                    None => unescape(ui, Mode::UserPassword)?,
                };
                (Some(dec), parse_host(&authority[i + 1..])?)
            }
        };
        return Ok(GoUrl { scheme, user, host });
    }
    check_path_escapes(rest)?;
    Ok(GoUrl { scheme, user: None, host: String::new() })
}

/// `setPath` unescapes the path: a malformed `%` escape is an error.
fn check_path_escapes(path: &str) -> Result<(), String> {
    let b = path.as_bytes();
    for (i, _) in path.match_indices('%') {
        let ok = b.get(i + 1).and_then(|&c| unhex(c)).is_some() && b.get(i + 2).and_then(|&c| unhex(c)).is_some();
        if !ok {
            let end = (i + 3).min(b.len());
            return Err(format!("invalid URL escape {:?}", String::from_utf8_lossy(&b[i..end])));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_url_shapes() {
        assert_eq!(parse("127.0.0.1:3128").unwrap_err(), "first path segment in URL cannot contain colon");
        let u = parse("proxy.invalid:3128").unwrap();
        assert_eq!((u.scheme.as_str(), u.host.as_str()), ("proxy.invalid", ""));
        let u = parse("http://[::1%25lo]:80/x").unwrap();
        assert_eq!((u.hostname(), u.port()), ("::1%lo", "80"));
        assert!(parse("http://a b/").is_err());
        assert!(parse("http://h:8x/").is_err());
        let u = parse("HTTP://U:p%40ss@Host:3128/p?q").unwrap();
        assert_eq!((u.scheme.as_str(), u.user.as_deref(), u.hostname()), ("http", Some("U:p@ss"), "Host"));
        let u = parse("http://socks5h://s").unwrap();
        assert_eq!((u.hostname(), u.port()), ("socks5h", ""));
    }
}
