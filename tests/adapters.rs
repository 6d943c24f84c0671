//! The adapters: `http::Uri` / `url::Url` targets, and a reqwest client that routes like the
//! chosen flavor. The proxy and the target are listeners on loopback; `.invalid` names are
//! mapped to them with `ClientBuilder::resolve`, so no name is ever looked up.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use noproxy::{Flavor, ProxyEnv, Target};

/// A loopback server that reports every request head it gets and answers 200.
fn server() -> (std::net::SocketAddr, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut r = BufReader::new(&stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let _ = tx.send(head);
            let mut s = &stream;
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });
    (addr, rx)
}

/// A client for `flavor`; `dind.invalid` resolves to `target`, the refusal proxy to a closed
/// loopback port.
fn client(flavor: &str, env: &ProxyEnv, target: std::net::SocketAddr) -> reqwest::blocking::Client {
    let f: Flavor = flavor.parse().unwrap();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    reqwest::blocking::Client::builder()
        .resolve("dind.invalid", target)
        .resolve("noproxy-refused.invalid", closed)
        .no_proxy()
        .proxy(noproxy::adapters::reqwest::proxy(&f, env))
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap()
}

#[test]
fn reqwest_routes_like_the_flavor() {
    let (proxy, via_proxy) = server();
    let (target, direct) = server();
    let port = target.port();
    let proxy = format!("http://proxyuser:s3cret@{proxy}");
    let entry = format!("dind.invalid:{port}");
    let env = ProxyEnv::builder().both("http_proxy", &proxy).both("no_proxy", &entry).build();
    let url = format!("http://dind.invalid:{port}/_ping");
    // curl 7.88.1 never matches a port-qualified entry: through the proxy, with credentials.
    let r = client("curl@7.88.1", &env, target).get(&url).send().unwrap();
    assert_eq!(r.status(), 200);
    let head = via_proxy.recv().unwrap();
    assert!(head.starts_with(&format!("GET {url} HTTP/1.1")), "{head}");
    assert!(head.to_ascii_lowercase().contains("proxy-authorization: basic"), "{head}");
    assert!(direct.try_recv().is_err());
    // Go matches host and port: direct to the target.
    let r = client("go", &env, target).get(&url).send().unwrap();
    assert_eq!(r.status(), 200);
    assert!(direct.recv().unwrap().starts_with("GET /_ping HTTP/1.1"));
    assert!(via_proxy.try_recv().is_err());
}

#[test]
fn reqwest_fails_instead_of_going_direct_on_a_refusal() {
    // Go refuses HTTP_PROXY under CGI: the request must fail, not go direct.
    let (proxy, via_proxy) = server();
    let (target, direct) = server();
    let env = ProxyEnv::builder().var("HTTP_PROXY", &format!("http://{proxy}")).var("REQUEST_METHOD", "GET").build();
    let e = client("go", &env, target).get("http://dind.invalid/").send().unwrap_err();
    assert!(e.is_connect(), "{e}");
    assert!(via_proxy.try_recv().is_err() && direct.try_recv().is_err());
}

#[test]
fn uri_and_url_targets() {
    let uri: http::Uri = "https://docker:2376/v1.45/info".parse().unwrap();
    let t = Target::from(&uri);
    assert_eq!((t.scheme(), t.host(), t.port()), (Some("https"), "docker", Some("2376")));
    let u = url::Url::parse("HTTP://Docker:2376/").unwrap();
    let t = Target::from(&u);
    assert_eq!((t.host(), t.port()), ("docker", Some("2376")));
    let env = ProxyEnv::builder().var("HTTPS_PROXY", "http://p.invalid:1").var("NO_PROXY", "docker:2376").build();
    let go: Flavor = "go".parse().unwrap();
    assert_eq!(go.prepare(&env).decide_target(&Target::from(&uri)).outcome.kind(), "direct");
}
