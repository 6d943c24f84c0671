//! A reqwest client that routes like `curl@7.88.1` would — or like Go — for the GitLab dind
//! NO_PROXY `docker:2375,docker:2376`. Runs offline: the "proxy" is a listener on loopback
//! that answers every request itself, and the targets are `.invalid` names.
//!
//!     cargo run --example reqwest_flavor --features reqwest

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A stand-in proxy on loopback: print the request line it receives, answer 200.
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let proxy = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let mut r = BufReader::new(&stream);
            if r.read_line(&mut line).is_ok() {
                println!("    proxy received: {}", line.trim_end());
            }
            let mut s = &stream;
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        }
    });

    let env = noproxy::ProxyEnv::builder().both("http_proxy", &proxy).both("no_proxy", "docker.invalid:2375").build();
    for id in ["go", "curl@7.88.1"] {
        let flavor: noproxy::Flavor = id.parse()?;
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .proxy(noproxy::adapters::reqwest::proxy(&flavor, &env))
            .timeout(std::time::Duration::from_secs(5))
            .build()?;
        println!("{id}: GET http://docker.invalid:2375/_ping");
        match client.get("http://docker.invalid:2375/_ping").send() {
            Ok(r) => println!("    answered by the proxy: {}", r.status()),
            Err(e) => println!("    went direct (docker.invalid does not resolve): connect error = {}", e.is_connect()),
        }
    }
    Ok(())
}
