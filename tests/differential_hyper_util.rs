//! Differential test: the `hyper-util` flavor against the real
//! `hyper_util::client::proxy::matcher::Matcher` (the dev-dependency, 0.1.x as locked), built
//! with the builder API from the same values (never from the process environment).
//!
//! Compared: whether the URL parses as an `http::Uri` (ours: `error`), the decision, and the
//! proxy's scheme, host and port. Inputs: every `tests/conformance/cases/core.jsonl` vector
//! (the variables hyper-util's `from_env` would read, CGI cases left out: the builder cannot
//! express `REQUEST_METHOD`) and proptest-generated NO_PROXY lists, hosts, URLs and proxy values.

use hyper_util::client::proxy::matcher::Matcher;
use noproxy::{Flavor, ProxyEnv};
use proptest::prelude::*;
use proptest::sample::select;

struct Input {
    all: String,
    http: String,
    https: String,
    no: String,
    url: String,
}

fn check(input: &Input) -> Result<(), String> {
    let flavor: Flavor = "hyper-util".parse().unwrap();
    let env = ProxyEnv::builder()
        .var("ALL_PROXY", &input.all)
        .var("HTTP_PROXY", &input.http)
        .var("HTTPS_PROXY", &input.https)
        .var("NO_PROXY", &input.no)
        .build();
    let ours = flavor.decide(&env, &input.url);
    let ctx = || {
        format!(
            "ALL={:?} HTTP={:?} HTTPS={:?} NO={:?} url={:?}: ours {}",
            input.all, input.http, input.https, input.no, input.url, ours.outcome
        )
    };
    let uri = match input.url.parse::<http::Uri>() {
        Ok(u) => u,
        Err(_) => {
            return match ours.outcome.kind() {
                "error" => Ok(()),
                _ => Err(format!("http::Uri rejects the URL; {}", ctx())),
            }
        }
    };
    let m = Matcher::builder()
        .all(input.all.clone())
        .http(input.http.clone())
        .https(input.https.clone())
        .no(input.no.clone())
        .build();
    match (m.intercept(&uri), ours.outcome.proxy()) {
        (None, None) if ours.outcome.kind() == "direct" => Ok(()),
        (Some(i), Some(p)) => {
            let u = i.uri();
            let host = u.host().unwrap_or("");
            let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
            if u.scheme_str() == Some(p.scheme()) && host == p.host() && u.port_u16() == p.port() {
                Ok(())
            } else {
                Err(format!("hyper-util proxies via {u}; {}", ctx()))
            }
        }
        (real, _) => Err(format!("hyper-util: {:?}; {}", real.map(|i| i.uri().to_string()), ctx())),
    }
}

#[test]
fn core_vectors_agree() {
    let text = std::fs::read_to_string("tests/conformance/cases/core.jsonl").unwrap();
    let mut failures = vec![];
    let mut n = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let env = v["env"].as_object().unwrap();
        if env.contains_key("REQUEST_METHOD") {
            continue;
        }
        // `get_first_env`: the first set spelling, upper case first.
        let first = |a: &str, b: &str| {
            env.get(a).or_else(|| env.get(b)).and_then(|x| x.as_str()).unwrap_or_default().to_owned()
        };
        let input = Input {
            all: first("ALL_PROXY", "all_proxy"),
            http: first("HTTP_PROXY", "http_proxy"),
            https: first("HTTPS_PROXY", "https_proxy"),
            no: first("NO_PROXY", "no_proxy"),
            url: v["url"].as_str().unwrap().to_owned(),
        };
        n += 1;
        if let Err(e) = check(&input) {
            failures.push(format!("{}: {e}", v["id"]));
        }
    }
    assert!(n >= 350, "only {n} vectors");
    assert!(failures.is_empty(), "{} of {n} disagree:\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Generated inputs, hostile shapes included.

fn host_part() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "example.invalid",
            "EXAMPLE.invalid",
            "sub.example.invalid",
            "notexample.invalid",
            "docker",
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "10.1.2.3",
            "192.168.1.1",
            "[::1]",
            "[2001:db8::1]",
            "[::ffff:10.1.2.3]",
            "[1000::1%25.example.invalid]",
            "example.invalid.",
            "xn--fsq092h.invalid",
            "*",
            "a*",
            ".",
            "",
            "[",
            "]",
            "[::1",
            "1.2.3",
            "0x7f.1",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z0-9.*_~-]{0,12}",
        "\\PC{0,8}",
    ]
}

fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        host_part(),
        select(vec![
            ".example.invalid",
            "*.example.invalid",
            "example.invalid:80",
            "10.0.0.0/8",
            "10.1.2.3/32",
            "10.0.0.1/8",
            "::1",
            "2001:db8::/32",
            "::ffff:10.0.0.0/104",
            "0.0.0.0/0",
            "10.0.0.0/33",
            "10.0.0.0/08",
            " * ",
            " example.invalid ",
            "\texample.invalid",
            "EXAMPLE.INVALID",
            "[::1]:80",
            "127.0.0.*",
        ])
        .prop_map(str::to_owned),
    ]
}

fn no_proxy() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(entry(), 0..6).prop_map(|v| v.join(",")),
        prop::collection::vec(entry(), 0..4).prop_map(|v| v.join(" , ")),
        "\\PC{0,20}",
    ]
}

fn proxy_value() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "",
            "http://127.0.0.1:3001",
            "127.0.0.1:3016",
            "proxy.invalid",
            "http://user:p%40ss@proxy.invalid:3128/x",
            "socks5h://localhost",
            "Socks5://127.0.0.1",
            "https://[::1]:3025",
            "foo://127.0.0.1",
            " http://x:1 ",
            "http://",
            "http://:3128",
            "%zz",
            "::::",
            "//127.0.0.1:1",
            "http:127.0.0.1:2",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:abc",
            "u@v@h:1",
            "http://[::1]x",
            "http://a@[::1]:9",
            "HTTP://H:1",
        ])
        .prop_map(str::to_owned),
        (
            select(vec!["http://", "https://", "socks4://", "socks5h://", ""]),
            host_part(),
            prop::option::of(0u32..70000)
        )
            .prop_map(|(s, h, p)| match p {
                Some(p) => format!("{s}{h}:{p}"),
                None => format!("{s}{h}"),
            }),
        "\\PC{0,16}",
    ]
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            select(vec![
                "http://",
                "https://",
                "HTTP://",
                "hTTps://",
                "ftp://",
                "ws://",
                "socks5://",
                "",
                "http:",
                "//"
            ]),
            prop::option::of(select(vec!["user@", "u:p@", "a@b@", "@"])),
            host_part(),
            prop::option::of(select(vec![":80", ":8080", ":", ":99999", ":abc", ":0"])),
            select(vec!["/", "", "/x?y#z", "?q", "#f", "/a b", "/ü", "/{}"]),
        )
            .prop_map(|(s, u, h, p, rest)| format!("{s}{}{h}{}{rest}", u.unwrap_or(""), p.unwrap_or(""))),
        "\\PC{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_inputs_agree(all in proxy_value(), http in proxy_value(), https in proxy_value(),
                              no in no_proxy(), url in url()) {
        let input = Input { all, http, https, no, url };
        if let Err(e) = check(&input) {
            prop_assert!(false, "{}", e);
        }
    }
}
