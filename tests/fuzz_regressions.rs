//! Replays every input kept under `fuzz/regressions/<target>/` (crashes the fuzzers found,
//! kept after the fix) and the seed shapes through the fuzz target bodies, so `cargo test`
//! guards them without cargo-fuzz. Add a file there whenever a fuzzer finds a crash.

#[path = "../fuzz/fuzz_targets/bodies.rs"]
#[allow(dead_code)]
mod bodies;

use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let Ok(rd) = std::fs::read_dir(&dir) else { return 0 };
    let mut n = 0;
    for e in rd.flatten() {
        let data = std::fs::read(e.path()).expect("read regression input");
        body(&data);
        n += 1;
    }
    n
}

#[test]
fn regressions_replay() {
    let n =
        replay("decide", bodies::decide) + replay("target_parse", bodies::target_parse) + replay("lint", bodies::lint);
    assert!(n >= 1, "the kept crash inputs are replayed");
}

#[test]
fn bodies_accept_hostile_shapes() {
    for data in [
        &b""[..],
        b"\n\n\n",
        b".\xe7\xa4\xba.com\nhttp://www.\xe7\xa4\xba.com\nproxy\n\xff",
        b"*.\xc3\xa9*\nhttp://[::1%25x]:99999/\nhttp://u:pw@[::1\n\x01",
        b",,,*,,\nhttp://a\nsocks5h://:@\n\xff",
    ] {
        bodies::decide(data);
        bodies::target_parse(data);
        bodies::lint(data);
        bodies::sources(data);
        bodies::render_roundtrip(data);
        bodies::scenario(data);
        bodies::matcher_equiv(data);
    }
}
