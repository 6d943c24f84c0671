//! Compiled NO_PROXY lookups vs hyper-util's `Matcher`, on the same lists, in one run
//! (issue #6). Every figure worth reporting is a ratio between two IDs of this run:
//!
//! - `lookup/noproxy/<N>/<kind>`: the compiled [`Matcher`] of the `go` flavor, given the host
//!   string the way hyper-util gets it (an IP literal is parsed, anything else is a name).
//! - `lookup/hyper-util/<N>/<kind>`: `hyper_util::client::proxy::Matcher::intercept` on a
//!   pre-parsed `http::Uri`.
//! - `decide/noproxy/<N>/<kind>`: the whole `Prepared::decide_target` path of the `go` flavor
//!   (URL parsing, IDNA, explanation), on a pre-split `Target`.
//! - `reference/noproxy/<N>/<kind>`: `Prepared::decide_reference` (the linear scan) for scale.
//! - `build/noproxy/<N>`: `Flavor::prepare` (read the environment, parse NO_PROXY, compile;
//!   every build ID drops its result outside the timed loop: building, not freeing, is timed);
//!   `build/hyper-util/<N>`: `Matcher::builder()…build()`; `build/noproxy-compile/<N>`: the
//!   compile step alone ([`MatcherBuilder`] fed from the parsed entries, as the `go` flavor does).
//! - `build-flavor/<flavor>/10000`: `Flavor::prepare` of every family's newest release on the
//!   10,000-entry list (per-flavor build cost; Java reads the list from `http.nonProxyHosts`).
//!
//! Workload (deterministic): entry `i` is, by `i % 10`: 0–5 a domain suffix `.d<i>.example.invalid`,
//! 6–7 an exact host `h<i>.example.invalid`, 8 an IPv4 address, 9 an IPv4 /24. Lookups:
//! `hit_first` (under entry 0), `hit_last` (the last domain entry), `miss` (shares the listed
//! suffix `.example.invalid`), `cidr_hit` (an address in the last CIDR), `ip_miss`.
//!
//! Quick run (2 shared cores; the group is configured short, command-line options override):
//! `cargo bench --bench lookup`, then `python3 benches/report.py` prints the ratios.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use noproxy::matcher::{Case, Matcher, MatcherBuilder};
use noproxy::{Entry, EntryKind};
use noproxy::{Flavor, ProxyEnv, Target};

const SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];
const KINDS: [&str; 5] = ["hit_first", "hit_last", "miss", "cidr_hit", "ip_miss"];

fn entry(i: usize) -> String {
    match i % 10 {
        0..=5 => format!(".d{i}.example.invalid"),
        6 | 7 => format!("h{i}.example.invalid"),
        8 => format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        _ => format!("{}.{}.{}.0/24", 20 + (i >> 16), (i >> 8) & 255, i & 255),
    }
}

/// The NO_PROXY value with `n` entries.
fn workload(n: usize) -> String {
    (0..n).map(entry).collect::<Vec<_>>().join(",")
}

/// The host looked up for `kind` in a list of `n` entries.
fn host(n: usize, kind: &str) -> String {
    match kind {
        "hit_first" => "x.d0.example.invalid".into(),
        "hit_last" => {
            let i = (0..n).rev().find(|i| i % 10 < 8).expect("a domain entry");
            match i % 10 {
                0..=5 => format!("x.d{i}.example.invalid"),
                _ => format!("h{i}.example.invalid"),
            }
        }
        "miss" => "x.example.invalid".into(),
        "cidr_hit" => match (0..n).rev().find(|i| i % 10 == 9) {
            Some(i) => format!("{}.{}.{}.7", 20 + (i >> 16), (i >> 8) & 255, i & 255),
            None => "20.0.9.7".into(), // N < 10: no CIDR listed, a miss for both
        },
        _ => "192.0.2.1".into(),
    }
}

fn env(no_proxy: &str) -> ProxyEnv {
    ProxyEnv::builder()
        .var("HTTP_PROXY", "http://proxy.invalid:3128")
        .var("http_proxy", "http://proxy.invalid:3128")
        .var("NO_PROXY", no_proxy)
        .var("no_proxy", no_proxy)
        .build()
}

fn hyper(no_proxy: &str) -> hyper_util::client::proxy::matcher::Matcher {
    hyper_util::client::proxy::matcher::Matcher::builder().http("http://proxy.invalid:3128").no(no_proxy).build()
}

/// What hyper-util's `NoProxy::contains` does with the host string (an IP if it parses as one,
/// else a name), on the compiled matcher.
fn lookup(m: &Matcher, host: &str) -> Option<usize> {
    m.match_host(host, Some("80"))
}

/// What the `go` flavor's compile step does with its parsed entries (modern Go).
fn compile(entries: &[Entry]) -> Option<Matcher> {
    let mut b = MatcherBuilder::new(Case::Sensitive);
    b.reserve(entries.len(), entries.iter().map(|e| e.text.len()).sum());
    for (i, e) in entries.iter().enumerate() {
        match &e.kind {
            EntryKind::All => b.all(i),
            EntryKind::Domain { name, apex, subdomains } => b.name(i, name, *apex, *subdomains, e.port.as_deref()),
            EntryKind::Ip { addr } => b.ip(i, addr.to_canonical(), e.port.as_deref()),
            EntryKind::Cidr { net } => b.cidr(i, net.addr(), net.prefix_len(), None),
            _ => {}
        }
    }
    b.build()
}

fn benches(c: &mut Criterion) {
    let go: Flavor = "go".parse().expect("flavor");
    let mut g = c.benchmark_group("lookup");
    for n in SIZES {
        let list = workload(n);
        let p = go.prepare(&env(&list));
        let m = p.matcher().expect("NO_PROXY is set");
        let h = hyper(&list);
        for kind in KINDS {
            let host = host(n, kind);
            let url = format!("http://{host}/");
            let uri: http::Uri = url.parse().expect("uri");
            // Both must agree on hit/miss, and noproxy on the entry the reference scan names.
            let ours = lookup(m, &host);
            assert_eq!(ours.is_some(), h.intercept(&uri).is_none(), "{n} {kind}: noproxy vs hyper-util");
            assert_eq!(ours, p.decide_reference(&url).explanation.matched, "{n} {kind}: compiled vs reference");
            assert_eq!(ours.is_some(), kind.contains("hit") && (kind != "cidr_hit" || n >= 10), "{n} {kind}");
            g.bench_function(BenchmarkId::new(format!("noproxy/{n}"), kind), |b| {
                b.iter(|| lookup(m, black_box(&host)))
            });
            g.bench_function(BenchmarkId::new(format!("hyper-util/{n}"), kind), |b| {
                b.iter(|| h.intercept(black_box(&uri)))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("decide");
    for n in SIZES {
        let p = go.prepare(&env(&workload(n)));
        for kind in KINDS {
            let target = Target::parse(&format!("http://{}/", host(n, kind)));
            g.bench_function(BenchmarkId::new(format!("noproxy/{n}"), kind), |b| {
                b.iter(|| p.decide_target(black_box(&target)))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("reference");
    for n in [1, 10_000] {
        let p = go.prepare(&env(&workload(n)));
        for kind in ["hit_last", "miss"] {
            let url = format!("http://{}/", host(n, kind));
            g.bench_function(BenchmarkId::new(format!("noproxy/{n}"), kind), |b| {
                b.iter(|| p.decide_reference(black_box(&url)))
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("build");
    for n in SIZES {
        let list = workload(n);
        let e = env(&list);
        // Building, not freeing: both sides' results are dropped outside the timed loop.
        g.bench_function(BenchmarkId::new("noproxy", n), |b| b.iter_with_large_drop(|| go.prepare(black_box(&e))));
        g.bench_function(BenchmarkId::new("hyper-util", n), |b| b.iter_with_large_drop(|| hyper(black_box(&list))));
        let d = go.prepare(&e).decide("http://x.invalid/");
        let entries = &d.explanation.no_proxy.as_ref().expect("NO_PROXY consulted").entries;
        assert_eq!(entries.len(), n);
        g.bench_function(BenchmarkId::new("noproxy-compile", n), |b| {
            b.iter_with_large_drop(|| compile(black_box(entries)))
        });
    }
    g.finish();

    // Every family's newest release on the same 10,000 entries (Java reads the list from
    // `http.nonProxyHosts`): prepare = read the environment, parse, compile.
    let mut g = c.benchmark_group("build-flavor");
    let n = 10_000;
    let list = workload(n);
    let e = ProxyEnv::builder()
        .var("HTTP_PROXY", "http://proxy.invalid:3128")
        .var("http_proxy", "http://proxy.invalid:3128")
        .var("NO_PROXY", &list)
        .var("no_proxy", &list)
        .property("http.proxyHost", "proxy.invalid")
        .property("http.nonProxyHosts", &list.replace(',', "|"))
        .build();
    for f in Flavor::every_family() {
        g.bench_function(BenchmarkId::new(f.id(), n), |b| b.iter_with_large_drop(|| f.prepare(black_box(&e))));
    }
    g.finish();
}

fn config() -> Criterion {
    Criterion::default().measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_secs(1)).sample_size(30)
}

criterion_group! { name = group; config = config(); targets = benches }
criterion_main!(group);
