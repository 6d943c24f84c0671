//! Records what a real ureq 3.5.2 Agent does with each case: the case's env becomes the whole
//! process environment, `Config::builder()` (= `Config::default()`, which calls
//! `Proxy::try_from_env()`) reads it, and `agent.get(url).call()` runs, inside `unshare -n`
//! with only `lo` up. Listeners on 127.0.0.1/::1 see whether ureq dialled a proxy (CONNECT,
//! SOCKS greeting) or the target (origin-form); the resolver maps every name to 127.0.0.1 and
//! logs it (never a non-loopback address). Cases whose URL host is a non-loopback IP literal
//! are never run (`skipped`). No TLS in this build: a direct https request is seen when the
//! target is resolved and dialled.
//! Usage: record-ureq FLAVOR MODEL CASES.jsonl  (JSONL on stdout)

#[path = "../common/recorder.rs"]
mod recorder;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

#[derive(Debug)]
struct LogResolver(recorder::Events);

impl Resolver for LogResolver {
    fn resolve(&self, uri: &Uri, _c: &Config, _t: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or("").to_owned();
        self.0.lock().unwrap().push(recorder::Event::Resolve(host.clone()));
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            Some("http") => 80,
            _ => 1080,
        });
        let ip = recorder::resolve_loopback(&host).ok_or(ureq::Error::HostNotFound)?;
        let mut v = self.empty();
        v.push(SocketAddr::new(ip, port));
        Ok(v)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (flavor, model, cases_path) = (&args[1], &args[2], &args[3]);
    let cases = recorder::read_cases(cases_path);
    let events: recorder::Events = Arc::new(Mutex::new(Vec::new()));
    recorder::start_listeners(events.clone(), &recorder::listen_ports(&cases));
    let tool = "ureq 3.5.2 (default-features off, feature socks-proxy), agent.get(url).call() inside unshare -n";
    let command = format!("python3 tests/conformance/record/record_rust.py --flavor {flavor}");
    println!("{}", recorder::header(flavor, model, tool, &command, cases_path));
    for case in &cases {
        let target = match case.url.parse::<Uri>() {
            Ok(u) => u.host().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_owned(),
            Err(_) => String::new(),
        };
        if target.parse::<std::net::IpAddr>().is_ok_and(|ip| !recorder::is_loopback(ip)) {
            println!("{}", recorder::line(case, "skipped", None, "non-loopback IP target: not dialled".into()));
            continue;
        }
        recorder::set_process_env(case);
        events.lock().unwrap().clear();
        let config = Config::builder().timeout_global(Some(Duration::from_secs(5))).build();
        let agent = ureq::Agent::with_parts(config, DefaultConnector::default(), LogResolver(events.clone()));
        let res = agent.get(case.url.as_str()).call();
        std::thread::sleep(Duration::from_millis(20));
        let err = match &res {
            Ok(r) => format!("response {}", r.status()),
            Err(e) => e.to_string(),
        };
        let ev = events.lock().unwrap().clone();
        let (mut decision, addr, mut evidence) = recorder::classify(case, &ev, &target, &err);
        if decision == "none" {
            decision = "error".into();
            evidence = err;
        }
        println!("{}", recorder::line(case, &decision, addr, evidence));
    }
}
