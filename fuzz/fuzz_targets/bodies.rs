//! The bodies of the fuzz targets, shared with `tests/fuzz_regressions.rs` so that every crash
//! input kept under `fuzz/regressions/<target>/` is replayed by `cargo test`.
//!
//! Each body checks invariants, not just "no panic".

use noproxy::{Flavor, ProxyEnv, Target};

/// A fixed cross-section of flavors (every family, old and new releases), parsed once.
pub fn flavors() -> &'static [Flavor] {
    static FLAVORS: std::sync::OnceLock<Vec<Flavor>> = std::sync::OnceLock::new();
    FLAVORS.get_or_init(all_flavors)
}

fn all_flavors() -> Vec<Flavor> {
    let mut ids: Vec<String> = noproxy::flavors::FAMILIES
        .iter()
        .flat_map(|f| [f.name.to_string(), format!("{}@{}", f.name, f.earliest)])
        .collect();
    ids.dedup();
    ids.iter().filter_map(|i| i.parse().ok()).collect()
}

/// Lines of the input: NO_PROXY, URL, a proxy value, and the variable spellings to set.
fn split(data: &[u8]) -> (String, String, String, u8) {
    let s = String::from_utf8_lossy(data);
    let mut it = s.splitn(4, '\n');
    let np = it.next().unwrap_or("").to_owned();
    let url = it.next().unwrap_or("").to_owned();
    let proxy = it.next().unwrap_or("").to_owned();
    let sel = it.next().and_then(|r| r.bytes().next()).unwrap_or(0xff);
    (np, url, proxy, sel)
}

/// Build an environment from the selector bits.
fn env_for(np: &str, proxy: &str, sel: u8) -> ProxyEnv {
    let mut env = ProxyEnv::new();
    let names = [
        "NO_PROXY",
        "no_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "REQUEST_METHOD",
    ];
    for (bit, name) in names.iter().enumerate() {
        if sel & (1 << bit) != 0 {
            let v = if bit < 2 {
                np
            } else if bit == 7 {
                "GET"
            } else {
                proxy
            };
            env.set(name, v);
        }
    }
    // Java reads only JVM properties; Ruby checks IP entries against resolved addresses.
    if sel & 1 != 0 {
        env.set_property("http.proxyHost", "proxy.invalid");
        env.set_property("http.nonProxyHosts", np);
    }
    env.add_host("docker", std::net::IpAddr::from([10, 0, 0, 1]));
    env
}

/// Every flavor decides; the explanation is coherent with the environment.
pub fn decide(data: &[u8]) {
    let (np, url, proxy, sel) = split(data);
    let env = env_for(&np, &proxy, sel);
    for f in flavors() {
        let d = f.decide(&env, &url);
        if let Some(rep) = &d.explanation.no_proxy {
            for e in &rep.entries {
                assert!(e.span.end <= rep.value.len(), "{}: span {:?} outside value", f, e.span);
                assert!(rep.value.is_char_boundary(e.span.start) && rep.value.is_char_boundary(e.span.end));
            }
            if let Some(i) = d.explanation.matched {
                assert!(i < rep.entries.len(), "{f}: matched index out of range");
            }
        }
        let text = d.to_string();
        // Credentials never reach the human output.
        if let Some(at) = proxy.rfind('@') {
            let start = proxy.find("://").map_or(0, |i| i + 3);
            let secret = &proxy[start.min(at)..at];
            if secret.len() >= 6 && !secret.contains(['*', '\n']) && !url.contains(secret) && !np.contains(secret) {
                assert!(!text.contains(secret), "{f}: credentials in {text}");
            }
        }
    }
}

/// `Target::parse` keeps every byte and its Display never shows credentials.
pub fn target_parse(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let t = Target::parse(&s);
    assert_eq!(t.as_str(), s);
    let _ = t.to_string();
    let _ = (t.scheme(), t.host(), t.port(), t.rest(), t.userinfo());
}

/// Lint and the portable rewrite never panic; spans lie inside their values; the rewrite
/// never does worse than the original (weighted probe failures).
pub fn lint(data: &[u8]) {
    let (np, _url, proxy, _) = split(data);
    if np.len() > 256 {
        return; // lint runs every flavor many times per entry; keep executions fast
    }
    let flavors: Vec<Flavor> = ["go", "curl", "curl@7.88.1"].iter().filter_map(|f| f.parse().ok()).collect();
    let env = ProxyEnv::builder().var("NO_PROXY", &np).var("https_proxy", &proxy).build();
    for f in noproxy::lint::lint(&env, &flavors) {
        if let Some(l) = &f.location {
            let v = env.get(&l.variable).unwrap_or("");
            if let Some(s) = &l.span {
                assert!(s.end <= v.len() && v.is_char_boundary(s.start) && v.is_char_boundary(s.end));
            }
        }
    }
    let p = noproxy::lint::portable(&np, &flavors);
    assert!(p.cost() <= p.original_cost(), "{np:?} -> {:?}", p.rewritten);
}

/// Every source format: importing arbitrary text never panics; every imported value's
/// provenance line lies inside the text.
pub fn sources(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else { return };
    let formats = noproxy::sources::FORMATS;
    let (_, fmt) = formats[sel as usize % formats.len()];
    let text = String::from_utf8_lossy(rest);
    // A "line" is a newline-separated line, or a NUL-separated entry (the env format reads
    // /proc/PID/environ too).
    let lines = text.split(['\n', '\0']).count() as u32 + 1;
    if let Ok(got) = noproxy::sources::import(fmt, &text, "fuzz") {
        for v in got.env.vars() {
            if let noproxy::Provenance::File { line, .. } = v.provenance {
                assert!(line >= 1 && line <= lines, "{fmt}: line {line} of {lines}");
            }
        }
    }
}

/// render → import gives back the same variables for the formats that round-trip exactly
/// (shell, dotenv, systemd, gitlab-ci; the Docker JSON formats keep fixed spellings).
pub fn render_roundtrip(data: &[u8]) {
    use noproxy::sources::render::{render, Target as R};
    use noproxy::sources::{import, Format};
    const NAMES: [&str; 8] =
        ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "ftp_proxy"];
    let text = String::from_utf8_lossy(data);
    let mut env = ProxyEnv::new();
    for (i, v) in text.split('\u{1f}').take(NAMES.len()).enumerate() {
        if v.contains('\0') {
            return; // no file format can carry NUL
        }
        env.set(NAMES[i], v);
    }
    let pairs =
        |e: &ProxyEnv| e.vars().iter().map(|v| (v.name.clone(), v.value.clone())).collect::<Vec<(String, String)>>();
    for (t, f) in [
        (R::Shell, Format::Dotenv),
        (R::Dotenv, Format::Dotenv),
        (R::Systemd, Format::Systemd),
        (R::GitlabCi, Format::GitlabCi),
    ] {
        let r = render(t, &env);
        let back =
            import(f, &r.text, "rendered").unwrap_or_else(|e| panic!("{t:?}: rendered text does not import: {e}"));
        assert_eq!(pairs(&back.env), pairs(&env), "{t:?}");
    }
}

/// Scenario files: parsing never panics; print ∘ parse is a fixed point (parse(print(f)) == f,
/// and printing twice gives the same text).
pub fn scenario(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(f) = noproxy::scenario::parse("fuzz.scenario", &text) {
        let printed = noproxy::scenario::print(&f);
        let again = noproxy::scenario::parse("fuzz.scenario", &printed).expect("printed scenario parses");
        assert!(again == f, "parse(print(f)) != f for {text:?}");
        assert_eq!(noproxy::scenario::print(&again), printed);
    }
}

/// Compiled matcher ≡ reference scan: every flavor gives the same whole `Decision` both ways.
pub fn matcher_equiv(data: &[u8]) {
    let (np, url, proxy, sel) = split(data);
    let env = env_for(&np, &proxy, sel);
    for f in flavors() {
        let p = f.prepare(&env);
        assert_eq!(p.decide(&url), p.decide_reference(&url), "{f}: compiled and reference differ");
    }
}
