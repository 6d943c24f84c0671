//! Properties of diff, lint and the portable rewrite over generated NO_PROXY lists.

use noproxy::analysis::{analyze_no_proxy, diff, probe_env};
use noproxy::lint::{lint, portable};
use noproxy::{Flavor, ProxyEnv};
use proptest::prelude::*;

fn flavors() -> Vec<Flavor> {
    ["go", "go@1.10", "docker", "curl", "curl@7.88.1", "curl@7.74.0"].iter().map(|f| f.parse().unwrap()).collect()
}

fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("example.invalid".to_string()),
        Just(".example.invalid".to_string()),
        Just("*.example.invalid".to_string()),
        Just("example.invalid.".to_string()),
        Just("docker:2375".to_string()),
        Just("10.0.0.0/8".to_string()),
        Just("127.0.0.1".to_string()),
        Just("::1".to_string()),
        Just("[::1]".to_string()),
        Just("[::1]:8080".to_string()),
        Just("*".to_string()),
        Just("".to_string()),
        Just(" spaced.invalid".to_string()),
        "[a-z*.:/\\[\\] 0-9-]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The rewrite never does worse than the original on the intents' own probes, every
    /// entry gets an intent, and re-running the rewrite through `portable` changes nothing
    /// that matters (it is a fixed point in probe failures).
    #[test]
    fn portable_never_does_worse(entries in proptest::collection::vec(entry(), 1..5)) {
        let value = entries.join(",");
        let fl = flavors();
        let p = portable(&value, &fl);
        prop_assert_eq!(p.intents.len(), value.split(',').count());
        prop_assert!(p.cost() <= p.original_cost(), "{:?} -> {:?}: {:?}", value, p.rewritten, p.unmet);
        prop_assert!(!p.rewritten.contains(' ') || entries.iter().any(|e| e.trim().contains(' ')));
    }

    /// Entry analysis covers the value; lint never panics, every span lies in its variable's
    /// value, and witnesses really split the flavors.
    #[test]
    fn lint_and_analysis_are_coherent(entries in proptest::collection::vec(entry(), 1..5)) {
        let value = entries.join(",");
        let fl = flavors();
        let a = analyze_no_proxy(&value, &fl);
        prop_assert_eq!(a.last().map(|e| e.span.end), Some(value.len()));
        for e in &a {
            prop_assert_eq!(&value[e.span.clone()], e.text.as_str());
            prop_assert_eq!(e.readings.len(), fl.len());
            for w in &e.witnesses {
                let d = diff(&probe_env(&w.no_proxy), &fl, &[&w.url]);
                prop_assert!(!d.agree(), "witness {} for {:?} does not split", w.url, w.no_proxy);
            }
        }
        let env = ProxyEnv::builder().both("https_proxy", "http://proxy.invalid:3128").var("NO_PROXY", &value).build();
        for f in lint(&env, &fl) {
            if let Some(l) = &f.location {
                if let Some(s) = &l.span {
                    let v = env.get(&l.variable).unwrap();
                    prop_assert!(s.end <= v.len() && v.is_char_boundary(s.start) && v.is_char_boundary(s.end));
                }
            }
        }
    }
}
