//! Baseline for the reference evaluator (parse once with `prepare`, then `decide`).
//! The compiled matcher of issue #6 will add `lookup/noproxy/<N>/<kind>` and the hyper-util peer
//! in this same group, so that speed is always reported as a ratio measured in one run.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use noproxy::{Flavor, ProxyEnv};

fn no_proxy(n: usize) -> String {
    (0..n)
        .map(|i| match i % 10 {
            0..=5 => format!(".d{i}.example.invalid"),
            6 | 7 => format!("h{i}.example.invalid"),
            8 => format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
            _ => format!("10.{}.0.0/16", i & 255),
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn reference(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference");
    for n in [1usize, 100, 10_000] {
        let env = ProxyEnv::builder()
            .var("HTTP_PROXY", "http://proxy.invalid:3128")
            .var("http_proxy", "http://proxy.invalid:3128")
            .var("NO_PROXY", &no_proxy(n))
            .var("no_proxy", &no_proxy(n))
            .build();
        for id in ["go", "curl@7.88.1"] {
            let f: Flavor = id.parse().expect("flavor");
            let p = f.prepare(&env);
            g.bench_with_input(BenchmarkId::new(format!("{id}/miss"), n), &n, |b, _| {
                b.iter(|| p.decide(black_box("http://x.d0.example.invalid.other/")))
            });
            g.bench_with_input(BenchmarkId::new(format!("{id}/build"), n), &n, |b, _| {
                b.iter(|| f.prepare(black_box(&env)))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, reference);
criterion_main!(benches);
