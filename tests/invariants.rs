//! Invariants every flavor must keep (spec.md, "Security" and each flavor's matching rules),
//! property-tested over every family's newest release and the older releases the catalogue
//! names, and the one documented place where the invariant breaks.

use noproxy::{Flavor, ProxyEnv};
use proptest::prelude::*;

fn flavors() -> Vec<Flavor> {
    let mut v = Vec::new();
    for f in noproxy::flavors::FAMILIES {
        for ver in f.versions.iter().chain([&f.earliest, &f.latest]) {
            if let Ok(fl) = format!("{}@{}", f.name, ver).parse::<Flavor>() {
                if !v.contains(&fl) {
                    v.push(fl);
                }
            }
        }
    }
    v
}

fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a.invalid".to_string()),
        Just(".a.invalid".to_string()),
        Just("*.a.invalid".to_string()),
        Just("b.a.invalid".to_string()),
        Just("a.invalid:8080".to_string()),
        Just("127.0.0.1".to_string()),
        Just("127.0.0.0/8".to_string()),
        Just("::1".to_string()),
        Just("[::1]".to_string()),
        Just("localhost".to_string()),
        Just("*".to_string()),
        Just("A.INVALID".to_string()),
        "[a-z*.:]{1,10}",
    ]
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("http://a.invalid/".to_string()),
        Just("https://b.a.invalid/".to_string()),
        Just("http://a.invalid:8080/".to_string()),
        Just("http://xa.invalid/".to_string()),
        Just("http://127.0.0.1/".to_string()),
        Just("http://[::1]:8080/".to_string()),
        Just("http://localhost/".to_string()),
        Just("https://A.Invalid./".to_string()),
    ]
}

fn env(no_proxy: &str) -> ProxyEnv {
    ProxyEnv::builder()
        .both("http_proxy", "http://proxy.invalid:3128")
        .both("https_proxy", "http://proxy.invalid:3128")
        .both("no_proxy", no_proxy)
        .property("http.proxyHost", "proxy.invalid")
        .property("http.proxyPort", "3128")
        .property("https.proxyHost", "proxy.invalid")
        .property("https.proxyPort", "3128")
        .property("http.nonProxyHosts", &no_proxy.replace(',', "|"))
        .resolve("localhost", "127.0.0.1".parse().unwrap())
        .build()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Appending an entry (comma-separated, no blanks) never turns a direct decision into a
    /// proxied one, in any flavor: NO_PROXY only ever adds exceptions. (Java: the same through
    /// `http.nonProxyHosts` with `|`.)
    #[test]
    fn appending_an_entry_never_adds_a_proxy(list in prop::collection::vec(entry(), 0..4), extra in entry(), u in url()) {
        // Exception (below): a value that is exactly `*` means "every host" in most tools, and
        // stops meaning it once anything is appended.
        prop_assume!(list.join(",").trim() != "*");
        let before = env(&list.join(","));
        let mut longer = list.clone();
        longer.push(extra);
        let after = env(&longer.join(","));
        for f in flavors() {
            let d1 = f.decide(&before, &u);
            let d2 = f.decide(&after, &u);
            if d1.outcome.kind() == "direct" {
                prop_assert_eq!(d2.outcome.kind(), "direct", "{}: {:?} + {:?} on {}\n{}\n{}", f, list, longer.last(), u, d1, d2);
            }
        }
    }

    /// Deciding is a pure function of its inputs: the same environment and URL give the same
    /// decision, prepared once or every time.
    #[test]
    fn decisions_are_deterministic(list in prop::collection::vec(entry(), 0..4), u in url()) {
        let e = env(&list.join(","));
        for f in flavors() {
            let p = f.prepare(&e);
            prop_assert_eq!(p.decide(&u), f.decide(&e, &u));
        }
    }
}

/// Where appending CAN add a proxy (1): a value that is exactly `*` disables proxies in curl,
/// Python and Go ≤ 1.10; appending makes `*` an ordinary entry of a list. Go ≥ 1.11
/// (x/net httpproxy) honours `*` anywhere in the list.
#[test]
fn lone_star_stops_meaning_all_when_anything_is_appended() {
    let u = "http://x.invalid/";
    let go: Flavor = "go".parse().unwrap();
    assert_eq!(go.decide(&env("*,a.invalid"), u).outcome.kind(), "direct");
    for id in ["go@1.10", "curl", "curl@7.88.1", "python-urllib"] {
        let f: Flavor = id.parse().unwrap();
        assert_eq!(f.decide(&env("*"), u).outcome.kind(), "direct", "{id}");
        assert_eq!(f.decide(&env("*,a.invalid"), u).outcome.kind(), "proxy", "{id}");
    }
}

/// Where appending CAN add a proxy (2): curl ≥ 8.9 stops reading NO_PROXY at a blank inside the
/// value (R-CURL-TOK-*), so a later entry written after a space is never read — and inserting
/// such an entry before others hides them.
#[test]
fn curl_8_9_blank_stops_reading() {
    let u = "http://a.invalid/";
    let plain = env("b.invalid,a.invalid");
    let blank = env("b.invalid c.invalid,a.invalid");
    for (id, hidden) in [("curl@8.9.0", true), ("curl", true), ("curl@7.88.1", false)] {
        let f: Flavor = id.parse().unwrap();
        assert_eq!(f.decide(&plain, u).outcome.kind(), "direct", "{id}");
        let got = f.decide(&blank, u).outcome.kind();
        assert_eq!(got == "proxy", hidden, "{id}: {got}");
    }
}
