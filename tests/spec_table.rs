//! The comparison table in `spec.md` (§ "Comparison table"), computed from the implementation.
//!
//! Each row is one situation (an environment and a request URL); each column is one flavor.
//! A cell is `D` (direct), `P <variable>` (through the proxy read from `<variable>`) or `E`
//! (the program refuses or fails). The test renders the table and checks that the text between
//! `<!-- comparison-table:begin -->` and `<!-- comparison-table:end -->` in `spec.md` is exactly
//! that table, so the spec cannot drift from the code.
//!
//! After a deliberate behaviour change, or after editing [`ROWS`], regenerate the block with
//!
//! ```text
//! NOPROXY_BLESS=1 cargo test --test spec_table
//! ```
//!
//! which rewrites the block in `spec.md` instead of comparing, then review the diff. Nothing
//! touches the network: hosts are under `.invalid` / `example.com` and noproxy never resolves.

use std::fs;
use std::path::Path;

use noproxy::{Flavor, ProxyEnv};

const BEGIN: &str = "<!-- comparison-table:begin -->";
const END: &str = "<!-- comparison-table:end -->";

/// The columns, in order.
const FLAVORS: &[&str] = &[
    "go",
    "go@1.19",
    "go@1.10",
    "docker",
    "docker@18.09",
    "curl",
    "curl@7.88.1",
    "curl@7.74.0",
    "wget",
    "ruby",
    "java",
    "hyper-util",
    "hyper-util@0.1.19",
    "reqwest",
    "reqwest@0.12.15",
    "ureq",
    "node-proxy-from-env",
    "node-proxy-from-env@1.1.0",
    "undici",
    "undici@6.29.1",
    "node",
    "python-urllib",
    "python-requests",
    "python-requests@2.33.1",
];

const HP: &str = "http://hp.invalid:3128";
const SP: &str = "http://sp.invalid:3128";

/// One situation: label, environment (name, value) in the order shown, request URL.
struct Row {
    label: &'static str,
    env: &'static [(&'static str, &'static str)],
    url: &'static str,
}

const fn row(label: &'static str, env: &'static [(&'static str, &'static str)], url: &'static str) -> Row {
    Row { label, env, url }
}

/// The situations. NO_PROXY rows use the lower-case spellings (`http_proxy`, `no_proxy`),
/// which every modelled program reads, so that the row shows matching rather than variable
/// selection.
const ROWS: &[Row] = &[
    // Variables and precedence.
    row("HTTP_PROXY only (upper case)", &[("HTTP_PROXY", HP)], "http://example.com/"),
    row("http_proxy only (lower case)", &[("http_proxy", HP)], "http://example.com/"),
    row(
        "HTTP_PROXY and http_proxy both set",
        &[("HTTP_PROXY", HP), ("http_proxy", "http://lower.invalid:3128")],
        "http://example.com/",
    ),
    row("http_proxy empty, HTTP_PROXY set", &[("http_proxy", ""), ("HTTP_PROXY", HP)], "http://example.com/"),
    row("HTTP_PROXY empty, http_proxy set", &[("HTTP_PROXY", ""), ("http_proxy", HP)], "http://example.com/"),
    row("https URL, only HTTP_PROXY", &[("HTTP_PROXY", HP)], "https://example.com/"),
    row("https URL, only http_proxy", &[("http_proxy", HP)], "https://example.com/"),
    row("https URL, HTTPS_PROXY only (upper case)", &[("HTTPS_PROXY", SP)], "https://example.com/"),
    row("https_proxy empty, HTTPS_PROXY set", &[("https_proxy", ""), ("HTTPS_PROXY", SP)], "https://example.com/"),
    row("ALL_PROXY only", &[("ALL_PROXY", "http://all.invalid:3128")], "http://example.com/"),
    row("ftp URL, HTTP_PROXY and http_proxy", &[("HTTP_PROXY", HP), ("http_proxy", HP)], "ftp://example.com/"),
    row(
        "NO_PROXY and no_proxy differ",
        &[("http_proxy", HP), ("NO_PROXY", "foo.invalid"), ("no_proxy", "example.com")],
        "http://example.com/",
    ),
    // CGI.
    row("REQUEST_METHOD=GET, HTTP_PROXY", &[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", HP)], "http://example.com/"),
    row(
        "REQUEST_METHOD=GET, http_proxy (lower case)",
        &[("REQUEST_METHOD", "GET"), ("http_proxy", HP)],
        "http://example.com/",
    ),
    row(
        "REQUEST_METHOD=GET, localhost",
        &[("REQUEST_METHOD", "GET"), ("http_proxy", HP), ("no_proxy", "localhost")],
        "http://localhost/",
    ),
    row(
        "REQUEST_METHOD=GET, https URL, only HTTP_PROXY",
        &[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", HP)],
        "https://example.com/",
    ),
    row(
        "REQUEST_METHOD=GET, https URL, HTTPS_PROXY",
        &[("REQUEST_METHOD", "GET"), ("HTTPS_PROXY", SP), ("https_proxy", SP)],
        "https://example.com/",
    ),
    // Proxy values.
    row("scheme-less proxy value", &[("http_proxy", "proxy.invalid:3128")], "http://example.com/"),
    row(
        "scheme-less value whose host starts `ftp.`",
        &[("http_proxy", "ftp.proxy.invalid:3128")],
        "http://example.com/",
    ),
    row("proxy without port", &[("http_proxy", "http://proxy.invalid")], "http://example.com/"),
    row("socks5h:// proxy", &[("http_proxy", "socks5h://socks.invalid:1080")], "http://example.com/"),
    row("unsupported proxy scheme `ftp://`", &[("http_proxy", "ftp://proxy.invalid:21")], "http://example.com/"),
    row("proxy value with surrounding spaces", &[("http_proxy", "  http://hp.invalid:3128  ")], "http://example.com/"),
    // NO_PROXY: `*` and separators.
    row("NO_PROXY=*", &[("http_proxy", HP), ("no_proxy", "*")], "http://example.com/"),
    row("NO_PROXY=foo,*", &[("http_proxy", HP), ("no_proxy", "foo.invalid,*")], "http://example.com/"),
    row("NO_PROXY=\" * \" (padded)", &[("http_proxy", HP), ("no_proxy", " * ")], "http://example.com/"),
    row("space-separated list", &[("http_proxy", HP), ("no_proxy", "foo.invalid example.com")], "http://example.com/"),
    row("comma and space", &[("http_proxy", HP), ("no_proxy", "foo.invalid, example.com")], "http://example.com/"),
    // NO_PROXY: names.
    row("`example.com` vs sub", &[("http_proxy", HP), ("no_proxy", "example.com")], "http://sub.example.com/"),
    row(
        "`example.com` vs `notexample.com`",
        &[("http_proxy", HP), ("no_proxy", "example.com")],
        "http://notexample.com/",
    ),
    row("`.example.com` vs apex", &[("http_proxy", HP), ("no_proxy", ".example.com")], "http://example.com/"),
    row("`*.example.com` vs sub", &[("http_proxy", HP), ("no_proxy", "*.example.com")], "http://sub.example.com/"),
    row("upper-case entry", &[("http_proxy", HP), ("no_proxy", "EXAMPLE.COM")], "http://example.com/"),
    row("trailing dot host", &[("http_proxy", HP), ("no_proxy", "example.com")], "http://example.com./"),
    row("trailing dot entry", &[("http_proxy", HP), ("no_proxy", "example.com.")], "http://www.example.com/"),
    row(
        "Unicode entry vs punycode host",
        &[("http_proxy", HP), ("no_proxy", "bücher.example.com")],
        "http://xn--bcher-kva.example.com/",
    ),
    row(
        "punycode entry vs Unicode host",
        &[("http_proxy", HP), ("no_proxy", "xn--bcher-kva.example.com")],
        "http://bücher.example.com/",
    ),
    // NO_PROXY: ports.
    row(
        "docker:2375 vs http://docker:2375/",
        &[("http_proxy", HP), ("no_proxy", "docker.invalid:2375")],
        "http://docker.invalid:2375/",
    ),
    row(
        "docker:2375 vs http://docker:8080/",
        &[("http_proxy", HP), ("no_proxy", "docker.invalid:2375")],
        "http://docker.invalid:8080/",
    ),
    row(
        "docker:80 vs http://docker/",
        &[("http_proxy", HP), ("no_proxy", "docker.invalid:80")],
        "http://docker.invalid/",
    ),
    row(
        "docker:80 vs https://docker/",
        &[("https_proxy", SP), ("no_proxy", "docker.invalid:80")],
        "https://docker.invalid/",
    ),
    // NO_PROXY: IP addresses.
    row("10.0.0.0/8 vs 10.1.2.3", &[("http_proxy", HP), ("no_proxy", "10.0.0.0/8")], "http://10.1.2.3/"),
    row("10.0.0.0/8 vs a host name", &[("http_proxy", HP), ("no_proxy", "10.0.0.0/8")], "http://intranet.invalid/"),
    row("`.1.2.3`-style IP suffix vs 10.1.2.3", &[("http_proxy", HP), ("no_proxy", ".1.2.3")], "http://10.1.2.3/"),
    row("127.0.0.0/8 vs 127.1.2.3", &[("http_proxy", HP), ("no_proxy", "127.0.0.0/8")], "http://127.1.2.3/"),
    row("`::1` vs [::1]", &[("http_proxy", HP), ("no_proxy", "::1")], "http://[::1]/"),
    row("`[::1]` entry vs [::1]", &[("http_proxy", HP), ("no_proxy", "[::1]")], "http://[::1]/"),
    row("`2001:db8::1` vs [2001:db8::1]", &[("http_proxy", HP), ("no_proxy", "2001:db8::1")], "http://[2001:db8::1]/"),
    row("`[2001:db8::1]` entry", &[("http_proxy", HP), ("no_proxy", "[2001:db8::1]")], "http://[2001:db8::1]/"),
    row(
        "2001:db8::/32 vs [2001:db8::5]",
        &[("http_proxy", HP), ("no_proxy", "2001:db8::/32")],
        "http://[2001:db8::5]/",
    ),
    row(
        "10.0.0.0/8 vs [::ffff:10.1.2.3]",
        &[("http_proxy", HP), ("no_proxy", "10.0.0.0/8")],
        "http://[::ffff:10.1.2.3]/",
    ),
    // Loopback.
    row("localhost without NO_PROXY", &[("http_proxy", HP)], "http://localhost/"),
    row("127.0.0.1 without NO_PROXY", &[("http_proxy", HP)], "http://127.0.0.1/"),
    row("[::1] without NO_PROXY", &[("http_proxy", HP)], "http://[::1]/"),
    row("`LOCALHOST` without NO_PROXY", &[("http_proxy", HP)], "http://LOCALHOST/"),
    row("localhost entry vs 127.0.0.1", &[("http_proxy", HP), ("no_proxy", "localhost")], "http://127.0.0.1/"),
    // CVE-2025-22870.
    row(
        "zone-ID host [fe80::1%25.example.com], NO_PROXY example.com",
        &[("http_proxy", HP), ("no_proxy", "example.com")],
        "http://[fe80::1%25.example.com]/",
    ),
    row(
        "zone-ID host [::1%25.example.com], NO_PROXY example.com",
        &[("http_proxy", HP), ("no_proxy", "example.com")],
        "http://[::1%25.example.com]/",
    ),
];

fn flavors() -> Vec<Flavor> {
    FLAVORS.iter().map(|id| id.parse().unwrap_or_else(|e| panic!("flavor {id}: {e}"))).collect()
}

/// The row's variables, on a machine where `localhost` resolves to 127.0.0.1 and ::1 (only the
/// Ruby flavor resolves names; Java reads no variables, so its column shows "no proxy set").
fn env_of(r: &Row) -> ProxyEnv {
    let b = ProxyEnv::builder()
        .resolve("localhost", std::net::Ipv4Addr::LOCALHOST.into())
        .resolve("localhost", std::net::Ipv6Addr::LOCALHOST.into());
    r.env.iter().fold(b, |b, (n, v)| b.var(n, v)).build()
}

/// `D`, `P <variable>` or `E`.
fn cell(flavor: &Flavor, r: &Row) -> String {
    let d = flavor.decide(&env_of(r), r.url);
    match d.outcome.kind() {
        "direct" => "D".to_owned(),
        "proxy" => format!("P {}", d.outcome.variable().expect("a proxy outcome names its variable")),
        "error" => "E".to_owned(),
        other => panic!("unknown outcome kind {other}"),
    }
}

/// `NAME=value`, quoted when the value is empty or holds blanks or commas.
fn show_env(r: &Row) -> String {
    let vars: Vec<String> = r
        .env
        .iter()
        .map(
            |(n, v)| {
                if v.is_empty() || v.contains([' ', '\t', ',']) {
                    format!("{n}=\"{v}\"")
                } else {
                    format!("{n}={v}")
                }
            },
        )
        .collect();
    format!("`{}`", vars.join("` `"))
}

fn render() -> String {
    let flavors = flavors();
    let mut out = String::new();
    out.push_str("| Situation | Environment | URL |");
    for f in FLAVORS {
        out.push_str(&format!(" `{f}` |"));
    }
    out.push_str("\n|---|---|---|");
    for _ in FLAVORS {
        out.push_str("---|");
    }
    out.push('\n');
    for r in ROWS {
        assert!(!r.label.contains('|') && !r.url.contains('|'), "`|` would break the table: {}", r.label);
        out.push_str(&format!("| {} | {} | `{}` |", r.label, show_env(r), r.url));
        for f in &flavors {
            out.push_str(&format!(" {} |", cell(f, r)));
        }
        out.push('\n');
    }
    out
}

#[test]
fn spec_comparison_table_is_generated_from_the_implementation() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec.md");
    let spec = fs::read_to_string(&path).expect("read spec.md");
    let start = spec.find(BEGIN).unwrap_or_else(|| panic!("spec.md has no {BEGIN} marker")) + BEGIN.len();
    let end = start + spec[start..].find(END).unwrap_or_else(|| panic!("spec.md has no {END} marker after {BEGIN}"));
    let block = format!("\n{}", render());
    if std::env::var("NOPROXY_BLESS").is_ok_and(|v| v == "1") {
        let updated = format!("{}{}{}", &spec[..start], block, &spec[end..]);
        if updated != spec {
            fs::write(&path, updated).expect("write spec.md");
        }
        return;
    }
    assert!(
        spec[start..end] == block,
        "spec.md's comparison table is out of date with the implementation; \
         regenerate it with `NOPROXY_BLESS=1 cargo test --test spec_table` and review the diff.\n\
         --- expected block ---\n{block}"
    );
}
