//! The `http` crate's URI parser (http 1.5.0 `src/uri/mod.rs` `Uri::from_shared`,
//! `parse_full`; `src/uri/scheme.rs` `Scheme2::parse`; `src/uri/authority.rs`
//! `validate_authority_bytes`, `host`; `src/uri/path.rs` `scan_path_and_query`), as far as
//! proxy selection needs it: which strings parse, the scheme, the authority, its host and port.
//! Used by the hyper-util, reqwest and ureq flavors (R-HYPER-URI-1).

/// A parsed `http::Uri` (only the parts proxy selection reads).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HttpUri<'a> {
    /// `Some("http")`/`Some("https")` for the standard schemes (matched case-insensitively and
    /// reported lower-case), any other scheme as written.
    pub scheme: Option<&'a str>,
    /// The authority as written (userinfo included), if any.
    pub authority: Option<&'a str>,
}

const MAX_LEN: usize = u16::MAX as usize - 1;
const MAX_SCHEME_LEN: usize = 64;

fn scheme_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b':' | b'~')
}

/// `URI_CHARS` of http's `uri/mod.rs`.
fn uri_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&'()*+,-./:;=?@[]_~".contains(&b)
}

/// `validate_authority_bytes`: the end of the authority, or why it is invalid.
pub(crate) fn authority_end(s: &[u8]) -> Result<usize, &'static str> {
    if s.is_empty() {
        return Err("empty authority");
    }
    let (mut colons, mut start_bracket, mut end_bracket, mut has_percent) = (0u32, false, false, false);
    let mut end = s.len();
    let mut at = s.len();
    for (i, &b) in s.iter().enumerate() {
        if matches!(b, b'/' | b'?' | b'#') {
            end = i;
            break;
        }
        if !uri_char(b) {
            if b == b'%' {
                has_percent = true;
                continue;
            }
            return Err("invalid character in authority");
        }
        match b {
            b':' => {
                if colons >= 8 {
                    return Err("too many colons");
                }
                colons += 1;
            }
            b'[' => {
                if has_percent || start_bracket {
                    return Err("invalid bracket usage");
                }
                start_bracket = true;
            }
            b']' => {
                if !start_bracket || end_bracket {
                    return Err("invalid bracket usage");
                }
                end_bracket = true;
                colons = 0;
                has_percent = false;
            }
            b'@' => {
                at = i;
                colons = 0;
                has_percent = false;
            }
            _ => {}
        }
    }
    if start_bracket != end_bracket {
        return Err("mismatched brackets");
    }
    if colons > 1 {
        return Err("invalid authority (more than one port colon)");
    }
    if end > 0 && at == end - 1 {
        return Err("nothing after '@'");
    }
    if has_percent {
        return Err("'%' outside the userinfo");
    }
    Ok(end)
}

/// `Authority::try_from(&str)`: the whole string must be one valid authority.
pub(crate) fn valid_authority(s: &str) -> bool {
    authority_end(s.as_bytes()) == Ok(s.len())
}

fn path_ok(s: &[u8]) -> Result<(), &'static str> {
    if s.len() > MAX_LEN {
        return Err("URI too long");
    }
    if s == b"*" {
        return Ok(());
    }
    if !matches!(s.first(), Some(b'/' | b'?' | b'#')) {
        return Err("path does not start with '/'");
    }
    let path_valid =
        |b: u8| matches!(b, 0x21 | 0x24..=0x3B | 0x3D | 0x40..=0x5F | 0x61..=0x7A | 0x7C | 0x7E | b'"' | b'{' | b'}');
    let query_valid = |b: u8| matches!(b, 0x21 | 0x24..=0x3B | 0x3D | 0x3F..=0x7E);
    let mut in_query = false;
    let mut end = s.len();
    for (i, &b) in s.iter().enumerate() {
        if b == b'#' {
            end = i;
            break;
        }
        if !in_query && b == b'?' {
            in_query = true;
            continue;
        }
        let ok = if in_query { query_valid(b) } else { path_valid(b) };
        if !ok && b < 0x80 {
            return Err("invalid character in path or query");
        }
    }
    if std::str::from_utf8(&s[..end]).is_err() {
        return Err("path is not UTF-8");
    }
    Ok(())
}

/// `Uri::from_str`.
pub(crate) fn parse(s: &str) -> Result<HttpUri<'_>, &'static str> {
    let b = s.as_bytes();
    if b.len() > MAX_LEN {
        return Err("URI too long");
    }
    match b.len() {
        0 => return Err("empty URI"),
        1 if b[0] == b'/' || b[0] == b'*' => return Ok(HttpUri { scheme: None, authority: None }),
        1 => {
            return if valid_authority(s) {
                Ok(HttpUri { scheme: None, authority: Some(s) })
            } else {
                Err("invalid authority")
            }
        }
        _ => {}
    }
    if b[0] == b'/' {
        path_ok(b)?;
        return Ok(HttpUri { scheme: None, authority: None });
    }
    // Scheme2::parse
    let (scheme, rest) = if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"http://") {
        (Some("http"), &s[7..])
    } else if b.len() >= 8 && b[..8].eq_ignore_ascii_case(b"https://") {
        (Some("https"), &s[8..])
    } else {
        let mut found = None;
        if b.len() > 3 {
            for (i, &c) in b.iter().enumerate() {
                if !scheme_char(c) {
                    break;
                }
                if c == b':' {
                    if b.len() < i + 3 || &b[i + 1..i + 3] != b"//" {
                        break;
                    }
                    if i > MAX_SCHEME_LEN {
                        return Err("scheme too long");
                    }
                    found = Some(i);
                    break;
                }
            }
        }
        match found {
            Some(i) => (Some(&s[..i]), &s[i + 3..]),
            None => (None, s),
        }
    };
    let end = authority_end(rest.as_bytes())?;
    if scheme.is_none() {
        if end != rest.len() {
            return Err("invalid format (no scheme, and more than an authority)");
        }
        return Ok(HttpUri { scheme: None, authority: Some(rest) });
    }
    if end == 0 {
        return Err("absolute URI without authority");
    }
    if end < rest.len() {
        path_ok(&rest.as_bytes()[end..])?;
    }
    Ok(HttpUri { scheme, authority: Some(&rest[..end]) })
}

/// `authority::host`: after the last `@`; `[...]` kept with brackets; else up to the first `:`.
pub(crate) fn host(authority: &str) -> &str {
    let hp = authority.rsplit('@').next().unwrap_or("");
    if hp.starts_with('[') {
        match hp.find(']') {
            Some(i) => &hp[..=i],
            None => hp,
        }
    } else {
        hp.split(':').next().unwrap_or("")
    }
}

/// `Authority::port_u16`: the text after the last `:` if it parses as a `u16`.
pub(crate) fn port(authority: &str) -> Option<u16> {
    let i = authority.rfind(':')?;
    authority[i + 1..].parse::<u16>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_http_crate() {
        let u = parse("HTTP://Example.invalid:80/x").unwrap();
        assert_eq!((u.scheme, u.authority), (Some("http"), Some("Example.invalid:80")));
        assert_eq!(parse("127.0.0.1:3016").unwrap().authority, Some("127.0.0.1:3016"));
        assert_eq!(parse("//127.0.0.1:3028").unwrap().authority, None);
        assert!(parse("http:127.0.0.1:3029").is_err());
        assert!(parse("::::").is_err());
        assert!(parse("%zz").is_err());
        assert!(parse("a b c").is_err());
        assert!(parse("http://").is_err());
        assert_eq!(parse("http://:3128").unwrap().authority, Some(":3128"));
        assert_eq!(parse("socks5h://x").unwrap().scheme, Some("socks5h"));
        assert_eq!(host("u@[::1]:80"), "[::1]");
        assert_eq!(port("h:abc"), None);
        assert_eq!(port("[::1]"), None);
    }
}
