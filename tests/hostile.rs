//! Hostile input: huge values, a million entries, NUL and control bytes, overlong labels, IPv6
//! zone identifiers (the CVE-2025-22870 class). Every flavor of every family answers with a
//! decision (never a panic); spans stay inside their values. Time is linear: see the ratio tests
//! in `tests/properties.rs` (t(4n)/t(n) measured, never a wall-clock limit).
//!
//! The zone-identifier table in spec.md ("Security") is generated here:
//! `NOPROXY_BLESS=1 cargo test --test hostile` rewrites it.

use noproxy::analysis::diff;
use noproxy::{Flavor, ProxyEnv};

fn flavors() -> Vec<Flavor> {
    let mut v = Flavor::every_family();
    for id in ["go@1.19", "go@1.23.6", "docker@27.0.0", "curl@7.88.1"] {
        v.push(id.parse().unwrap());
    }
    v
}

fn env(no_proxy: &str, proxy: &str) -> ProxyEnv {
    ProxyEnv::builder().both("http_proxy", proxy).both("https_proxy", proxy).both("no_proxy", no_proxy).build()
}

fn check_all(env: &ProxyEnv, urls: &[&str]) {
    check_with(&flavors(), env, urls)
}

fn check_with(flavors: &[Flavor], env: &ProxyEnv, urls: &[&str]) {
    for f in flavors {
        let p = f.prepare(env);
        for u in urls {
            let d = p.decide(u);
            if let Some(np) = &d.explanation.no_proxy {
                for e in &np.entries {
                    assert!(e.span.end <= np.value.len() && np.value.is_char_boundary(e.span.start));
                }
                for g in &np.diagnostics {
                    assert!(g.span.end <= np.value.len());
                }
            }
            let _ = d.to_string();
        }
    }
}

#[test]
fn ten_megabyte_values() {
    // Every family's newest release (the extra versions add time, not coverage, at this size).
    let fl = Flavor::every_family();
    let big = "a".repeat(10 << 20);
    check_with(&fl, &env(&big, "http://proxy.invalid:3128"), &["http://a.invalid/"]);
    check_with(&fl, &env("x", &format!("http://{big}:1")), &["http://a.invalid/"]);
    check_with(&fl, &env("x", "http://proxy.invalid:3128"), &[&format!("http://{big}/")]);
}

#[test]
fn a_million_entries() {
    let mut s = String::with_capacity(12 << 20);
    for i in 0..1_000_000u32 {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("h{i}.invalid"));
    }
    let e = env(&s, "http://proxy.invalid:3128");
    for f in Flavor::every_family() {
        let d = f.decide(&e, "http://h999999.invalid/");
        assert_ne!(d.outcome.kind(), "error", "{f}");
    }
}

#[test]
fn nul_control_and_odd_bytes() {
    let values = [
        "a\0b,c",
        "\x01\x02,\x7f",
        "a\nb,c\rd",
        "\u{feff}x.invalid",
        "é,\u{200b}",
        ",,,",
        "*\0",
        "[",
        "]:",
        "%",
        "%zz",
    ];
    for v in values {
        check_all(
            &env(v, "http://proxy.invalid:3128"),
            &["http://a\0b/", "http://c/", "http://x.invalid/", "http://[::1%00]/"],
        );
        check_all(&env("x", v), &["http://x.invalid/"]);
    }
}

#[test]
fn overlong_labels_and_names() {
    let label64 = "a".repeat(64);
    let name254 = format!("{}.invalid", "abcdefgh.".repeat(28));
    let long = format!("{}.invalid", "b".repeat(1 << 20));
    for h in [&label64, &name254, &long] {
        check_all(&env(h, "http://proxy.invalid:3128"), &[&format!("http://{h}/"), &format!("http://x.{h}/")]);
    }
}

/// The zone-identifier matrix behind spec.md's "Security" table.
fn zone_table() -> String {
    let cases = [
        ("http://[1000::1%25.example.com]/", "*.example.com"),
        ("http://[1000::1%25.example.com]/", ".example.com"),
        ("http://[1000::1%25.example.com]/", "example.com"),
        ("http://[fe80::1%25eth0]:8080/", "eth0"),
    ];
    let fl = flavors();
    let mut t = String::from("| URL | NO_PROXY |");
    for f in &fl {
        t.push_str(&format!(" `{f}` |"));
    }
    t.push_str("\n|---|---|");
    t.push_str(&"---|".repeat(fl.len()));
    for (url, np) in cases {
        let d = diff(&env(np, "http://proxy.invalid:3128"), &fl, &[url]);
        t.push_str(&format!("\n| `{url}` | `{np}` |"));
        for c in &d.rows[0].cells {
            let v = match c.decision.outcome.kind() {
                "direct" => "**direct**",
                "proxy" => "proxy",
                _ => "error",
            };
            t.push_str(&format!(" {v} |"));
        }
    }
    t.push('\n');
    t
}

#[test]
fn zone_identifier_table_in_spec_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec.md");
    let spec = std::fs::read_to_string(path).unwrap();
    let (b, e) = ("<!-- zone-table:begin -->\n", "<!-- zone-table:end -->");
    let start = spec.find(b).expect("spec.md has the zone-table markers") + b.len();
    let end = spec.find(e).unwrap();
    let table = zone_table();
    if std::env::var_os("NOPROXY_BLESS").is_some() {
        std::fs::write(path, format!("{}{}{}", &spec[..start], table, &spec[end..])).unwrap();
        return;
    }
    assert_eq!(&spec[start..end], table, "NOPROXY_BLESS=1 cargo test --test hostile");
}

#[test]
fn zone_identifiers_never_match_domain_entries_in_fixed_go() {
    // CVE-2025-22870: before x/net 0.36.0 (Go 1.23.7 / 1.24.1) a zone identifier was matched
    // as part of the host name, so `*.example.com` bypassed the proxy for this IPv6 URL.
    let e = env("*.example.com", "http://proxy.invalid:3128");
    let url = "http://[1000::1%25.example.com]/";
    for (id, kind) in [
        ("go", "proxy"),
        ("go@1.24.1", "proxy"),
        ("go@1.23.7", "proxy"),
        ("go@1.23.6", "direct"),
        ("go@1.19", "direct"),
    ] {
        let f: Flavor = id.parse().unwrap();
        assert_eq!(f.decide(&e, url).outcome.kind(), kind, "{id}");
    }
}
