// Records what a real reqwest Client does with each case: the case's env becomes the whole
// process environment, `Client::builder()...build()` reads it (the system proxy), and
// `client.get(url).send()` runs. The process runs inside `unshare -n` with only `lo` up:
// listeners on 127.0.0.1/::1 see whether the client dialled a proxy (CONNECT, absolute-form,
// SOCKS) or the target (origin-form); the DNS resolver maps every name to 127.0.0.1 and logs
// it. Cases whose URL host is a non-loopback IP literal are never run (`skipped`).
// No TLS in this build: a direct https request fails in the connector ("scheme is not http")
// before any dial, which is recorded as `direct`; when the case also has an https:// proxy
// value the two cannot be told apart and the case is `skipped`.
// Usage: record-reqwest FLAVOR MODEL CASES.jsonl  (JSONL on stdout)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

struct LogResolver(recorder::Events);

impl Resolve for LogResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let n = name.as_str().to_owned();
        self.0.lock().unwrap().push(recorder::Event::Resolve(n.clone()));
        Box::pin(async move {
            match recorder::resolve_loopback(&n) {
                Some(ip) => Ok(Box::new(std::iter::once(std::net::SocketAddr::new(ip, 0))) as Addrs),
                None => Err("recorder: non-loopback address refused".into()),
            }
        })
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (flavor, model, cases_path) = (&args[1], &args[2], &args[3]);
    let cases = recorder::read_cases(cases_path);
    let events: recorder::Events = Arc::new(Mutex::new(Vec::new()));
    recorder::start_listeners(events.clone(), &recorder::listen_ports(&cases));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let tool = format!("reqwest {REQWEST_VERSION} (default-features off, feature socks), Client::get(url).send() inside unshare -n");
    let command = format!("python3 tests/conformance/record/record_rust.py --flavor {flavor}");
    println!("{}", recorder::header(flavor, model, &tool, &command, cases_path));
    for case in &cases {
        // Safety: never run a case whose target is a non-loopback IP literal.
        let target = match url::Url::parse(&case.url) {
            Ok(u) => {
                match u.host() {
                    Some(url::Host::Ipv4(a)) if !a.is_loopback() => {
                        println!("{}", recorder::line(case, "skipped", None, "non-loopback IP target: not dialled".into()));
                        continue;
                    }
                    Some(url::Host::Ipv6(a)) if !recorder::is_loopback(a.into()) => {
                        println!("{}", recorder::line(case, "skipped", None, "non-loopback IP target: not dialled".into()));
                        continue;
                    }
                    _ => {}
                }
                u.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_owned()
            }
            Err(_) => String::new(),
        };
        recorder::set_process_env(case);
        events.lock().unwrap().clear();
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(LogResolver(events.clone())))
            .timeout(Duration::from_secs(5))
            .build();
        let client = match client {
            Ok(c) => c,
            Err(e) => {
                println!("{}", recorder::line(case, "error", None, format!("build: {}", error_chain(&e))));
                continue;
            }
        };
        let res = rt.block_on(async { client.get(case.url.as_str()).send().await });
        std::thread::sleep(Duration::from_millis(20));
        let err = match &res {
            Ok(r) => format!("response {}", r.status()),
            Err(e) => error_chain(e),
        };
        let ev = events.lock().unwrap().clone();
        let (mut decision, mut addr, mut evidence) = recorder::classify(case, &ev, &target, &err);
        if err.contains("error connecting to socks proxy") && decision != "proxy" {
            // Without TLS the SOCKS connector's inner HttpConnector refuses the socks:// URI
            // before dialling: reqwest chose the proxy and says so.
            decision = "proxy".into();
            addr = None;
            evidence = format!("client chose a SOCKS proxy (not dialled without TLS): {err}");
        }
        if decision == "none" && err.contains("failed to lookup address information") {
            // Our resolver answers every name; only the SOCKS4/SOCKS5 (local DNS) connector of
            // reqwest 0.12 resolves the target with the system resolver: the proxy was chosen.
            decision = "proxy".into();
            evidence = format!("SOCKS connector resolving the target locally (system resolver): {err}");
        }
        if decision == "none" && err.contains("tcp connect error")
            && target.parse::<std::net::IpAddr>().is_ok_and(recorder::is_loopback)
        {
            decision = "direct".into();
            evidence = format!("dialled the loopback target {target} itself: {err}");
        }
        if decision == "none" {
            let https_proxy_value = case.env.iter().any(|(k, v)| {
                let k = k.to_ascii_lowercase();
                k.ends_with("_proxy") && k != "no_proxy" && v.trim_start().to_ascii_lowercase().starts_with("https://")
            });
            if err.contains("scheme is not http") {
                if https_proxy_value {
                    decision = "skipped".into();
                    evidence = format!("no TLS in the recorder: an https proxy and a direct https request fail alike: {err}");
                } else {
                    decision = "direct".into();
                    evidence = format!("connector asked for the https target itself (no TLS in the recorder): {err}");
                }
            } else {
                decision = "error".into();
            }
        }
        println!("{}", recorder::line(case, &decision, addr, evidence));
    }
}
