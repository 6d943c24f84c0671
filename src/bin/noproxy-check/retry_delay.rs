//! `noproxy-check retry-delay --header 'Name: value'... [--now DATE] [--attempt N]`: how long
//! GitLab Runner waits after a 429 with these headers.

use std::io::{self, Write};
use std::process::ExitCode;

use noproxy::retry::{self, delay, parse_http_date};
use serde_json::json;

use crate::common::{usage_error, write_or_fail, Args, Opt};

pub const OPTS: &[Opt] = &[
    Opt { names: &["-H", "--header"], takes_value: true },
    Opt { names: &["--now"], takes_value: true },
    Opt { names: &["--attempt"], takes_value: true },
];

fn parse_now(s: &str) -> Result<i64, String> {
    if let Some(n) = s.strip_prefix('@').and_then(|n| n.parse().ok()) {
        return Ok(n);
    }
    parse_http_date(s)
        .map(|d| d.unix)
        .map_err(|e| format!("--now wants an RFC 1123 date (Wed, 21 Oct 2015 07:28:00 GMT) or @UNIXSECONDS: {e}"))
}

pub fn run(a: Args) -> ExitCode {
    let mut headers = vec![];
    for h in a.opts("--header") {
        match h.split_once(':') {
            Some((n, v)) => headers.push((n.trim().to_owned(), v.trim().to_owned())),
            None => return usage_error(&format!("--header wants 'Name: value', got {h:?}")),
        }
    }
    let now = match a.opt("--now") {
        Some(s) => match parse_now(s) {
            Ok(n) => n,
            Err(e) => return usage_error(&e),
        },
        None => match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(_) => 0,
        },
    };
    let attempt: u32 = match a.opt("--attempt").map(str::parse) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return usage_error("--attempt wants a number (0 for the first backoff)"),
    };
    let hv: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let d = delay(&hv, now, attempt);
    let mut out = io::stdout().lock();
    if a.json {
        let doc = json!({
            "schema": "noproxy-check/retry-delay/1",
            "source": d.source.as_str(),
            "min_ms": d.min_ns / 1_000_000,
            "max_ms": d.max_ns / 1_000_000,
            "min_ns": d.min_ns,
            "max_ns": d.max_ns,
            "notes": d.notes,
            "max_attempts": retry::MAX_ATTEMPTS,
        });
        return write_or_fail(writeln!(out, "{doc}"));
    }
    write_or_fail(writeln!(
        out,
        "{d}\n  at most {} requests in all (the first one included), then the last response is returned",
        retry::MAX_ATTEMPTS
    ))
}
