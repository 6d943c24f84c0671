//! Matching helpers shared by the flavors (address arithmetic only; no flavor semantics).

use std::net::IpAddr;

/// Does `net/prefix` contain `ip`, comparing both in their canonical family
/// (IPv4-mapped IPv6 counts as IPv4, and a mapped network's prefix counts from bit 96)?
/// This is Go's `net.IPNet.Contains` on parsed values.
pub(crate) fn contains_canonical(net: IpAddr, prefix: u8, ip: IpAddr) -> bool {
    let net_was_v6 = net.is_ipv6();
    match (net.to_canonical(), ip.to_canonical()) {
        (IpAddr::V4(n), IpAddr::V4(h)) => {
            let p = if net_was_v6 { prefix.saturating_sub(96) } else { prefix };
            prefix_eq(&n.octets(), &h.octets(), p)
        }
        (IpAddr::V6(n), IpAddr::V6(h)) => prefix_eq(&n.octets(), &h.octets(), prefix),
        _ => false,
    }
}

/// Are the first `bits` bits of `a` and `b` equal?
pub(crate) fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let bits = usize::from(bits).min(a.len() * 8);
    let (bytes, rest) = (bits / 8, bits % 8);
    if a[..bytes] != b[..bytes] {
        return false;
    }
    rest == 0 || (a[bytes] ^ b[bytes]) & (0xffu8 << (8 - rest)) == 0
}

/// ASCII case-insensitive: does `host` end with `.` + `name`?
pub(crate) fn is_subdomain_of(host: &str, name: &str) -> bool {
    host.len() > name.len()
        && host.as_bytes()[host.len() - name.len() - 1] == b'.'
        && host.as_bytes()[host.len() - name.len()..].eq_ignore_ascii_case(name.as_bytes())
}

/// Convert a non-ASCII name to punycode (UTS #46 lookup); ASCII names are returned unchanged.
pub(crate) fn idna_ascii(name: &str) -> Result<String, ()> {
    if name.is_ascii() {
        return Ok(name.to_owned());
    }
    idna::domain_to_ascii(name).map_err(|_| ())
}

/// Which evaluator answers the NO_PROXY question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Eval {
    /// The compiled [`crate::matcher::Matcher`] (the default).
    Compiled,
    /// The linear scan over the parsed entries, kept as the reference semantics.
    Reference,
}

/// `%XX` decoding shared by the flavors' URL readers. `strict`: a malformed escape makes the
/// result `None` (curl); otherwise it is kept as written (wget's `url_unescape`, Java's URI
/// decoding, the Rust `url` crate). Bytes out; each caller decides how to treat non-UTF-8.
pub(crate) fn percent_decode_bytes(s: &str, strict: bool) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: Option<&u8>| c.and_then(|&c| (c as char).to_digit(16));
    while i < b.len() {
        if b[i] == b'%' {
            match (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ if strict => return None,
                _ => {}
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Some(out)
}

/// Lenient `%XX` decoding to UTF-8 (`None` when the result is not UTF-8).
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    String::from_utf8(percent_decode_bytes(s, false)?).ok()
}

/// `n` in decimal, written into `buf` without allocating (ports as the compiled index compares
/// them: text). 20 bytes hold every `u64`.
pub(crate) fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or_default()
}

/// The earlier of two entry indices from separate lookups of one list (`None`: no match).
pub(crate) fn earlier(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}
