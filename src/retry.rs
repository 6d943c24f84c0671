//! GitLab Runner's retry policy for rate-limited (429) and failed API requests, as data.
//!
//! Read from gitlab-org/gitlab-runner @ `d79f3e7b` `network/retry_requester.go`
//! (`calculateWaitTime`, `parseResetTime`, `parseRetryAfter`, `shouldRetryRequest`, the
//! constants) and `docs/configuration/proxy.md` ("Handling rate limited requests"). The date
//! parser follows Go's `time.Parse(time.RFC1123, …)`. Pure: the caller passes "now".
//! See spec.md R-RETRY-*.
//!
//! ```
//! use noproxy::retry::{delay, DelaySource};
//! let now = 1_445_412_400; // Wed, 21 Oct 2015 07:26:40 GMT
//! let d = delay(&[("ratelimit-resettime", "Wed, 21 Oct 2015 07:28:00 GMT")], now, 0);
//! assert_eq!(d.source, DelaySource::ResetTime);
//! assert_eq!(d.max_ns, 80_000_000_000);
//! let d = delay(&[("Retry-After", "30")], now, 0);
//! assert_eq!((d.source, d.max_ns), (DelaySource::RetryAfter, 30_000_000_000));
//! ```

use std::fmt;

/// `defaultRateLimitMaxAttempts`: requests made in all, the first one included — so at most
/// four retries, although the guide says "up to 5 times" (R-RETRY-ATTEMPTS).
pub const MAX_ATTEMPTS: u32 = 5;
/// `backOffMinDelay` (nanoseconds).
pub const BACKOFF_MIN_NS: i64 = 100_000_000;
/// `backOffMaxDelay` (nanoseconds).
pub const BACKOFF_MAX_NS: i64 = 60_000_000_000;
/// `backOffDelayFactor`.
pub const BACKOFF_FACTOR: i64 = 2;
/// The header read first (`rateLimitResetTimeHeader`).
pub const RESET_TIME_HEADER: &str = "RateLimit-ResetTime";
/// The header read second (`retryAfterHeader`).
pub const RETRY_AFTER_HEADER: &str = "Retry-After";

/// Status codes the runner retries (`retryStatuses`, plus every status ≥ 512).
pub fn is_retried(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504) || status >= 512
}

/// Where a delay came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DelaySource {
    /// `RateLimit-ResetTime` was a valid HTTP-date in the future.
    ResetTime,
    /// `Retry-After` was a positive number of seconds.
    RetryAfter,
    /// Neither: exponential backoff with jitter.
    Backoff,
}

impl DelaySource {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            DelaySource::ResetTime => "reset_time",
            DelaySource::RetryAfter => "retry_after",
            DelaySource::Backoff => "backoff",
        }
    }
}

/// How long the runner waits before the next attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Delay {
    /// Which rule decided.
    pub source: DelaySource,
    /// Shortest possible wait (ns); equal to `max_ns` except for jittered backoff.
    pub min_ns: i64,
    /// Longest possible wait (ns).
    pub max_ns: i64,
    /// Why headers were not used, and other facts.
    pub notes: Vec<String>,
}

impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min_ns == self.max_ns {
            write!(f, "wait {} ({})", human(self.max_ns), self.source.as_str())?;
        } else {
            write!(f, "wait between {} and {} ({})", human(self.min_ns), human(self.max_ns), self.source.as_str())?;
        }
        for n in &self.notes {
            write!(f, "\n  note: {n}")?;
        }
        Ok(())
    }
}

/// `1h2m3.5s`-style text for a duration in nanoseconds.
pub fn human(ns: i64) -> String {
    let ms = ns / 1_000_000;
    if ns < 1_000_000_000 {
        return format!("{ms}ms");
    }
    let secs = ns / 1_000_000_000;
    let frac = (ns % 1_000_000_000) / 1_000_000;
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if d > 0 {
        out.push_str(&format!("{d}d"));
    }
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if frac > 0 {
        out.push_str(&format!("{s}.{frac:03}s"));
    } else if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// The delay before the next attempt (R-RETRY-ORDER): `RateLimit-ResetTime` if it parses and
/// lies in the future, else `Retry-After` if it parses as a positive number of seconds, else
/// backoff number `backoff_attempt` (0 for the first backoff used in this request).
///
/// `headers`: `(name, value)` as received; names compare case-insensitively and the first
/// one wins (Go's `Header.Get`); values are trimmed as Go's HTTP reader does. `now_unix`:
/// seconds since the Unix epoch.
pub fn delay(headers: &[(&str, &str)], now_unix: i64, backoff_attempt: u32) -> Delay {
    let get = |name: &str| headers.iter().find(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim());
    let mut notes = vec![];
    if let Some(v) = get(RESET_TIME_HEADER).filter(|v| !v.is_empty()) {
        match parse_http_date(v) {
            Err(e) => notes.push(format!(
                "{RESET_TIME_HEADER} {v:?} is not an RFC 1123 date ({e}); the runner logs a warning and ignores it"
            )),
            Ok(t) => {
                if let Some(z) = &t.zone_note {
                    notes.push(z.clone());
                }
                let diff = (i128::from(t.unix) - i128::from(now_unix)) * 1_000_000_000 + i128::from(t.nanos);
                // time.Until saturates at the largest Duration (~292 years): there is no cap.
                let d = diff.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
                if d > 0 {
                    if d > 3600 * 1_000_000_000 {
                        notes.push(format!(
                            "{RESET_TIME_HEADER} is {} away: the runner has no upper bound and waits that long",
                            human(d)
                        ));
                    }
                    return Delay { source: DelaySource::ResetTime, min_ns: d, max_ns: d, notes };
                }
                notes.push(format!("{RESET_TIME_HEADER} {v:?} is not in the future; ignored"));
            }
        }
    }
    if let Some(v) = get(RETRY_AFTER_HEADER).filter(|v| !v.is_empty()) {
        match go_atoi(v) {
            None => notes.push(format!(
                "{RETRY_AFTER_HEADER} {v:?} is not an integer number of seconds (the runner does not accept the HTTP-date form); ignored"
            )),
            Some(n) => {
                // time.Duration(n) * time.Second wraps around on overflow, as Go's int64 does.
                let d = n.wrapping_mul(1_000_000_000);
                if d > 0 {
                    if n > i64::MAX / 1_000_000_000 {
                        notes.push(format!("{RETRY_AFTER_HEADER} {n} overflows Go's Duration and wraps to {}", human(d)));
                    }
                    return Delay { source: DelaySource::RetryAfter, min_ns: d, max_ns: d, notes };
                }
                notes.push(if n > 0 {
                    format!("{RETRY_AFTER_HEADER} {n} overflows Go's Duration to a non-positive value; ignored")
                } else {
                    format!("{RETRY_AFTER_HEADER} {n} is not positive; ignored")
                });
            }
        }
    }
    let (min_ns, max_ns) = backoff(backoff_attempt);
    Delay { source: DelaySource::Backoff, min_ns, max_ns, notes }
}

/// jpillora/backoff v1.0.0 `ForAttempt` with the runner's settings: `Min·Factor^attempt`,
/// jittered uniformly between `Min` and that, capped at `Max` (R-RETRY-BACKOFF).
pub fn backoff(attempt: u32) -> (i64, i64) {
    let mut d = BACKOFF_MIN_NS;
    for _ in 0..attempt {
        d = d.saturating_mul(BACKOFF_FACTOR);
        if d >= BACKOFF_MAX_NS {
            break;
        }
    }
    (BACKOFF_MIN_NS, d.min(BACKOFF_MAX_NS))
}

/// Go `strconv.Atoi` (64-bit): optional sign, decimal digits only, in range.
pub fn go_atoi(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (neg, digits) = match b.first()? {
        b'+' => (false, &b[1..]),
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i128 = 0;
    for &d in digits {
        v = v * 10 + i128::from(d - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// A parsed HTTP-date.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HttpDate {
    /// Seconds since the Unix epoch (the clock reading taken as UTC).
    pub unix: i64,
    /// Fractional second (Go accepts `.123` after the seconds).
    pub nanos: u32,
    /// Set when the zone is neither GMT nor UTC: Go keeps the clock reading as UTC unless the
    /// abbreviation names the runner host's own zone.
    pub zone_note: Option<String>,
}

const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Go `time.Parse(time.RFC1123, s)`: `Mon, 02 Jan 2006 15:04:05 MST` (R-RETRY-DATE).
pub fn parse_http_date(s: &str) -> Result<HttpDate, String> {
    let mut v = s.as_bytes();
    let bad = |what: &str| Err(format!("cannot parse {what}"));
    let lookup = |v: &[u8], names: &[&str]| -> Option<usize> {
        let p = v.get(..3)?;
        names.iter().position(|n| n.as_bytes().eq_ignore_ascii_case(p))
    };
    // layout spaces match one or more spaces
    fn space(v: &mut &[u8]) -> bool {
        if v.first() != Some(&b' ') {
            return v.is_empty();
        }
        while v.first() == Some(&b' ') {
            *v = &v[1..];
        }
        true
    }
    fn lit(v: &mut &[u8], c: u8) -> bool {
        if v.first() == Some(&c) {
            *v = &v[1..];
            true
        } else {
            false
        }
    }
    fn num(v: &mut &[u8], fixed: bool) -> Option<u32> {
        let d0 = v.first().filter(|c| c.is_ascii_digit())?;
        match v.get(1).filter(|c| c.is_ascii_digit()) {
            Some(d1) => {
                let n = u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0');
                *v = &v[2..];
                Some(n)
            }
            None if fixed => None,
            None => {
                let n = u32::from(d0 - b'0');
                *v = &v[1..];
                Some(n)
            }
        }
    }
    if lookup(v, &DAYS).is_none() {
        return bad("weekday");
    }
    v = &v[3..];
    if !lit(&mut v, b',') || !space(&mut v) {
        return bad("\", \"");
    }
    let Some(day) = num(&mut v, true) else { return bad("day (two digits)") };
    if !space(&mut v) {
        return bad("\" \"");
    }
    let Some(month) = lookup(v, &MONTHS) else { return bad("month") };
    v = &v[3..];
    if !space(&mut v) {
        return bad("\" \"");
    }
    let year = match v.get(..4) {
        Some(y) if y.iter().all(u8::is_ascii_digit) => y.iter().fold(0i64, |a, d| a * 10 + i64::from(d - b'0')),
        _ => return bad("year (four digits)"),
    };
    v = &v[4..];
    if !space(&mut v) {
        return bad("\" \"");
    }
    let Some(hour) = num(&mut v, false) else { return bad("hour") };
    if hour >= 24 {
        return Err("hour out of range".into());
    }
    if !lit(&mut v, b':') {
        return bad("\":\"");
    }
    let Some(min) = num(&mut v, true) else { return bad("minute") };
    if min >= 60 {
        return Err("minute out of range".into());
    }
    if !lit(&mut v, b':') {
        return bad("\":\"");
    }
    let Some(sec) = num(&mut v, true) else { return bad("second") };
    if sec >= 60 {
        return Err("second out of range".into());
    }
    let mut nanos = 0u32;
    if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && v[1].is_ascii_digit() {
        let mut n = 1;
        while n < v.len() && v[n].is_ascii_digit() {
            n += 1;
        }
        let digits = &v[1..n];
        if digits.len() > 9 {
            // Go: fractional second out of range only beyond nanoseconds is truncated
        }
        let mut scaled = 0u32;
        for k in 0..9 {
            scaled = scaled * 10 + digits.get(k).map(|d| u32::from(d - b'0')).unwrap_or(0);
        }
        nanos = scaled;
        v = &v[n..];
    }
    if !space(&mut v) {
        return bad("\" \"");
    }
    // zone
    let zone_len = if v.starts_with(b"UTC") {
        3
    } else {
        match parse_time_zone(v) {
            Some(n) => n,
            None => return bad("time zone"),
        }
    };
    let zone = String::from_utf8_lossy(&v[..zone_len]).into_owned();
    v = &v[zone_len..];
    if !v.is_empty() {
        return Err("extra text after the date".into());
    }
    if day < 1 || day > days_in(month as u32 + 1, year) {
        return Err("day out of range".into());
    }
    let days = days_from_civil(year, month as u32 + 1, day);
    let unix = days * 86_400 + i64::from(hour) * 3600 + i64::from(min) * 60 + i64::from(sec);
    let zone_note = (zone != "GMT" && zone != "UTC").then(|| {
        format!("zone {zone:?}: Go takes the clock reading as UTC unless {zone:?} names the runner host's local zone")
    });
    Ok(HttpDate { unix, nanos, zone_note })
}

/// Go `parseTimeZone`.
fn parse_time_zone(v: &[u8]) -> Option<usize> {
    if v.len() < 3 {
        return None;
    }
    if v.len() >= 4 && (&v[..4] == b"ChST" || &v[..4] == b"MeST") {
        return Some(4);
    }
    if &v[..3] == b"GMT" {
        return Some(3 + signed_offset(&v[3..]));
    }
    if v[0] == b'+' || v[0] == b'-' {
        let n = signed_offset(v);
        return (n > 0).then_some(n);
    }
    let upper = v.iter().take(6).take_while(|c| c.is_ascii_uppercase()).count();
    match upper {
        5 if v[4] == b'T' => Some(5),
        4 if v[3] == b'T' || &v[..4] == b"WITA" => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// Go `parseSignedOffset`: `+h`/`-h` with h ≤ 12; 0 when absent or invalid.
fn signed_offset(v: &[u8]) -> usize {
    match v.first() {
        Some(b'+' | b'-') => {}
        _ => return 0,
    }
    let n = v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 {
        return 0;
    }
    let x = v[1..1 + n].iter().try_fold(0u64, |a, d| a.checked_mul(10)?.checked_add(u64::from(d - b'0')));
    match x {
        Some(x) if x <= 12 => 1 + n,
        _ => 0,
    }
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
