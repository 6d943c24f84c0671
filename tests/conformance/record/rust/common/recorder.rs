//! Shared by every Rust recorder: reading the cases, the process environment, loopback
//! listeners that see which proxy a client dialled, and the output lines.
//! Included with `#[path = "../../common/recorder.rs"] mod recorder;`.
#![allow(dead_code)]

use std::io::{BufRead, Read};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Map, Value};

/// One case of `tests/conformance/cases/*.jsonl`.
pub struct Case {
    pub id: String,
    pub env: Vec<(String, String)>,
    pub url: String,
}

pub fn read_cases(path: &str) -> Vec<Case> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = Vec::new();
    for line in std::io::BufReader::new(f).lines() {
        let line = line.expect("read cases");
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).expect("case JSON");
        let env = v["env"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default();
        out.push(Case {
            id: v["id"].as_str().expect("id").to_owned(),
            env,
            url: v["url"].as_str().expect("url").to_owned(),
        });
    }
    out
}

/// Make the process environment exactly the case's `env` (the recorder is single-threaded
/// while it does this: listener threads never read the environment).
pub fn set_process_env(case: &Case) {
    for (k, _) in std::env::vars_os() {
        std::env::remove_var(k);
    }
    for (k, v) in &case.env {
        std::env::set_var(k, v);
    }
}

/// The one proxy variable of the case whose value names `addr` (`host:port` or `host`);
/// `None` when zero or several do.
pub fn variable_for(case: &Case, addr: &str) -> Option<String> {
    let hits: Vec<&String> = case
        .env
        .iter()
        .filter(|(k, v)| {
            let k = k.to_ascii_lowercase();
            k.ends_with("_proxy") && k != "no_proxy" && value_names(v, addr)
        })
        .map(|(k, _)| k)
        .collect();
    if hits.len() == 1 {
        Some(hits[0].clone())
    } else {
        None
    }
}

fn value_names(value: &str, addr: &str) -> bool {
    let v = value.trim();
    let v = v.split_once("://").map_or(v, |(_, r)| r);
    let v = v.rsplit_once('@').map_or(v, |(_, r)| r);
    let v = v.split('/').next().unwrap_or("");
    v.eq_ignore_ascii_case(addr) || (!addr.contains(':') && v.split(':').next() == Some(addr))
        || (addr.starts_with('[') && v == addr)
}

pub fn line(case: &Case, decision: &str, proxy_addr: Option<String>, evidence: String) -> String {
    let variable = match (&proxy_addr, decision) {
        (Some(a), "proxy") => variable_for(case, a),
        _ => None,
    };
    let mut m = Map::new();
    m.insert("id".into(), json!(case.id));
    m.insert("decision".into(), json!(decision));
    m.insert("variable".into(), json!(variable));
    m.insert("proxy_addr".into(), json!(proxy_addr));
    m.insert("evidence".into(), json!(evidence));
    Value::Object(m).to_string()
}

pub fn header(flavor: &str, model: &str, tool: &str, command: &str, cases: &str) -> String {
    json!({"recorded": {"flavor": flavor, "model": model, "tool": tool, "command": command, "cases": cases}})
        .to_string()
}

/// What a listener saw, or what a resolver was asked.
#[derive(Clone, Debug)]
pub enum Event {
    /// A name the client asked to resolve.
    Resolve(String),
    /// A connection to one of our listeners and its first bytes.
    Conn { local: SocketAddr, first: Vec<u8> },
}

pub type Events = Arc<Mutex<Vec<Event>>>;

/// Ports a case may dial on loopback: the usual defaults and every `:PORT` in the cases.
pub fn listen_ports(cases: &[Case]) -> Vec<u16> {
    let mut p: Vec<u16> = vec![80, 443, 1080, 3128, 8080, 8443];
    let texts = cases.iter().flat_map(|c| std::iter::once(c.url.as_str()).chain(c.env.iter().map(|(_, v)| v.as_str())));
    for t in texts {
        for (i, _) in t.match_indices(':') {
            let d: String = t[i + 1..].chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Ok(n) = d.parse::<u16>() {
                if n != 0 && !p.contains(&n) {
                    p.push(n);
                }
            }
        }
    }
    p.sort_unstable();
    p
}

/// Bind 127.0.0.1 and ::1 on every port; each accepted connection is read (up to 512 bytes,
/// 1 s) and closed. Must run inside `unshare -n` with `lo` up.
pub fn start_listeners(events: Events, ports: &[u16]) {
    for &port in ports {
        for ip in [IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)] {
            let l = TcpListener::bind(SocketAddr::new(ip, port))
                .unwrap_or_else(|e| panic!("bind {ip}:{port}: {e} (run inside `unshare -n` with lo up)"));
            let ev = events.clone();
            std::thread::spawn(move || {
                for s in l.incoming() {
                    let Ok(mut s) = s else { continue };
                    let _ = s.set_read_timeout(Some(Duration::from_millis(1000)));
                    let mut buf = vec![0u8; 512];
                    let mut n = 0;
                    while n < buf.len() {
                        match s.read(&mut buf[n..]) {
                            Ok(0) | Err(_) => break,
                            Ok(k) => {
                                n += k;
                                if buf[..n].windows(2).any(|w| w == b"\r\n") || buf[0] == 4 || buf[0] == 5 {
                                    break;
                                }
                            }
                        }
                    }
                    buf.truncate(n);
                    let local = s.local_addr().expect("local addr");
                    ev.lock().unwrap().push(Event::Conn { local, first: buf });
                    drop(s);
                }
            });
        }
    }
}

pub fn addr_text(a: &SocketAddr) -> String {
    match a.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", a.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", a.port()),
    }
}

/// Read what happened: (decision, proxy_addr, evidence). `target` is the URL host as the
/// client reads it (no brackets). The resolver maps every name to 127.0.0.1, so every dial
/// lands on a listener: a proxy request (CONNECT, absolute-form, SOCKS greeting) is `proxy`,
/// an origin-form request is `direct`.
pub fn classify(case: &Case, events: &[Event], target: &str, client_error: &str) -> (String, Option<String>, String) {
    let err = client_error.replace('\n', " ");
    let mut last_name: Option<&str> = None;
    let mut resolved_target = false;
    let mut resolved_other: Option<&str> = None;
    for e in events {
        match e {
            Event::Resolve(name) => {
                let n = name.trim_start_matches('[').trim_end_matches(']');
                if n.eq_ignore_ascii_case(target) {
                    resolved_target = true;
                } else if resolved_other.is_none() {
                    resolved_other = Some(name);
                }
                last_name = Some(name);
            }
            Event::Conn { local, first } => {
                let text = String::from_utf8_lossy(first);
                let first_line = text.lines().next().unwrap_or("").to_owned();
                let mut addr = addr_text(local);
                if let Some(n) = last_name {
                    if !n.trim_start_matches('[').trim_end_matches(']').eq_ignore_ascii_case(target) {
                        addr = format!("{n}:{}", local.port());
                    }
                }
                let mut words = first_line.split(' ');
                let (m, t) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                if m == "CONNECT" || t.starts_with("http://") || t.starts_with("https://") {
                    return ("proxy".into(), Some(addr), format!("{} got {first_line:?}", addr_text(local)));
                }
                if first.first() == Some(&4) || first.first() == Some(&5) {
                    return ("proxy".into(), Some(addr), format!("{} got a SOCKS{} greeting", addr_text(local), first[0]));
                }
                if t.starts_with('/') {
                    return ("direct".into(), None, format!("{} got origin-form {first_line:?}", addr_text(local)));
                }
                let after_target = last_name
                    .is_some_and(|n| n.trim_start_matches('[').trim_end_matches(']').eq_ignore_ascii_case(target));
                if first.is_empty() && after_target && !is_proxy_port(case, local.port()) {
                    return ("direct".into(), None, format!("{} (the resolved target) got a connection, no bytes; client: {err}", addr_text(local)));
                }
                if first.is_empty() && is_proxy_port(case, local.port()) {
                    return ("proxy".into(), Some(addr), format!("{} got a connection, no bytes; client: {err}", addr_text(local)));
                }
                return ("skipped".into(), None, format!("{} got {first_line:?}: cannot tell; client: {err}", addr_text(local)));
            }
        }
    }
    if resolved_target {
        return ("direct".into(), None, format!("resolved the target {target:?}, no connection; client: {err}"));
    }
    if let Some(n) = resolved_other {
        return ("proxy".into(), Some(n.to_owned()), format!("resolved {n:?} (not the target), no connection; client: {err}"));
    }
    ("none".into(), None, err)
}

fn is_proxy_port(case: &Case, port: u16) -> bool {
    let p = format!(":{port}");
    case.env.iter().any(|(k, v)| k.to_ascii_lowercase().ends_with("_proxy") && k.to_ascii_lowercase() != "no_proxy" && v.contains(&p))
}

/// Resolution as data: `localhost` and loopback literals only; everything else fails.
/// Never returns a non-loopback address.
/// Every name resolves to 127.0.0.1 (so every dial is seen by a listener); an IP literal
/// resolves to itself only when it is loopback. Never returns a non-loopback address.
pub fn resolve_loopback(name: &str) -> Option<IpAddr> {
    let n = name.trim_start_matches('[').trim_end_matches(']');
    match n.parse::<IpAddr>() {
        Ok(ip) if is_loopback(ip) => Some(ip),
        Ok(_) => None,
        Err(_) => Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
    }
}

pub fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_loopback(),
        IpAddr::V6(a) => a.is_loopback() || a.to_ipv4_mapped().is_some_and(|m| m.is_loopback()),
    }
}
