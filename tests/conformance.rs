//! Conformance: `noproxy-check batch` against vectors recorded from the real programs
//! (tests/conformance/recorded/*.jsonl) and transcribed from upstream test suites
//! (tests/conformance/upstream/*.jsonl).
//!
//! Each recorded file maps to one flavor. A case listed in
//! `tests/conformance/expected_failures/<file stem>.txt` (`ID  # reason`) must fail; an
//! unexpected pass, or a listed ID that never ran, is an error too (rust-url's rule).
//! Run one file: `cargo test --test conformance -- go@1.19`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Recorded file stem → flavor that models it, for files whose header predates the `model` key.
/// New recordings name their flavor in the header: `{"recorded": {..., "model": "ruby@3.1"}}`
/// (else the header's `flavor` is used), and their case file in `cases` (else `cases/core.jsonl`).
const RECORDED: &[(&str, &str)] = &[
    ("curl@7.88.1", "curl@7.88.1"),
    ("go@1.19", "go@1.19"),
    ("go-x-net@0.7.0", "go@1.19"),
    ("docker-cli@28.2.2", "docker@28.2.2"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `*.jsonl` files of a directory, sorted.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    v.sort();
    v
}

fn jsonl(path: &Path) -> Vec<Value> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("valid JSON line")).collect()
}

/// Run `noproxy-check batch --flavor F` on the lines; map id → output object.
fn batch(flavor: &str, lines: &[Value]) -> BTreeMap<String, Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_noproxy-check"))
        .args(["batch", "--flavor", flavor])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn noproxy-check");
    let mut input = String::new();
    for l in lines {
        input.push_str(&l.to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("batch output");
    writer.join().expect("writer").expect("write stdin");
    assert!(out.status.success(), "batch exited with {}", out.status);
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("batch emits JSON");
            (v["id"].as_str().unwrap_or_default().to_owned(), v)
        })
        .collect()
}

fn expected_failures(stem: &str) -> BTreeMap<String, String> {
    let p = root().join(format!("tests/conformance/expected_failures/{stem}.txt"));
    let Ok(text) = fs::read_to_string(p) else {
        return BTreeMap::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (id, reason) = l.split_once('#').unwrap_or((l, ""));
            assert!(!reason.trim().is_empty(), "expected failure {id:?} in {stem}.txt has no reason");
            (id.trim().to_owned(), reason.trim().to_owned())
        })
        .collect()
}

/// Compare one recorded result with ours; `Err(why)` on a mismatch.
fn compare(rec: &Value, ours: &Value) -> Result<(), String> {
    let want = rec["decision"].as_str().unwrap_or_default();
    let got = ours["decision"].as_str().unwrap_or_default();
    if want != got {
        return Err(format!("decision: recorded {want}, ours {got} ({})", ours["reason"]));
    }
    if let Some(var) = rec["variable"].as_str() {
        if want == "proxy" && ours["variable"].as_str() != Some(var) {
            return Err(format!("variable: recorded {var}, ours {}", ours["variable"]));
        }
    }
    if want != "proxy" {
        return Ok(());
    }
    let endpoint = ours["proxy"].as_str().unwrap_or_default();
    let (scheme, addr) = endpoint.split_once("://").unwrap_or(("", endpoint));
    // curl: the address it tried (host:port) or the proxy name it could not resolve.
    if let Some(pa) = rec["proxy_addr"].as_str() {
        let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h).trim_matches(['[', ']']);
        if pa != addr && pa != host && !same_after_localhost(pa, addr) {
            return Err(format!("proxy: recorded {pa}, ours {endpoint}"));
        }
    }
    // Go: the address net/http dialled, and the proxy URL's scheme.
    if let Some(da) = rec["dial_addr"].as_str() {
        // Go dials "host:" when it knows no port for the scheme.
        if da != addr && !same_after_localhost(da, addr) && da.strip_suffix(':') != Some(addr) {
            return Err(format!("dial: recorded {da}, ours {endpoint}"));
        }
    }
    if let Some(u) = rec["proxy_url"].as_str() {
        let s = u.split_once(':').map_or("", |(s, _)| s);
        if s != scheme {
            return Err(format!("proxy scheme: recorded {u}, ours {endpoint}"));
        }
    }
    Ok(())
}

/// The tool resolved `localhost` before printing the address it dialled.
fn same_after_localhost(recorded: &str, ours: &str) -> bool {
    ours.strip_prefix("localhost:").is_some_and(|p| recorded.strip_prefix("127.0.0.1:") == Some(p))
}

struct Tally {
    passed: usize,
    failed: usize,
    expected: usize,
    skipped: usize,
    messages: Vec<String>,
}

fn run_file(stem: &str, flavor: &str, cases: &[Value], records: &[Value], filter: &Option<String>, t: &mut Tally) {
    let name = |id: &str| format!("{stem} {id}");
    if filter.as_ref().is_some_and(|f| !stem.contains(f.as_str())) {
        return;
    }
    let xfail = expected_failures(stem);
    let by_id: BTreeMap<&str, &Value> = cases.iter().map(|c| (c["id"].as_str().unwrap_or_default(), c)).collect();
    let inputs: Vec<Value> = records
        .iter()
        .filter(|r| r.get("id").is_some())
        .map(|r| {
            let id = r["id"].as_str().unwrap_or_default();
            by_id.get(id).map(|c| (*c).clone()).unwrap_or_else(|| r.clone())
        })
        .collect();
    let ours = batch(flavor, &inputs);
    let mut seen = BTreeSet::new();
    for rec in records.iter().filter(|r| r.get("id").is_some()) {
        let id = rec["id"].as_str().unwrap_or_default();
        let rec = rec.get("expect").unwrap_or(rec);
        if rec["decision"] == "skipped" {
            t.skipped += 1;
            continue;
        }
        seen.insert(id.to_owned());
        let result = match ours.get(id) {
            Some(o) => compare(rec, o),
            None => Err("no output line".into()),
        };
        match (result, xfail.get(id)) {
            (Ok(()), None) => t.passed += 1,
            (Err(_), Some(_)) => t.expected += 1,
            (Ok(()), Some(reason)) => {
                t.failed += 1;
                t.messages
                    .push(format!("{}: passes but is listed as expected failure ({reason}); remove it", name(id)));
            }
            (Err(why), None) => {
                t.failed += 1;
                let c = by_id.get(id).map(|c| format!("env={} url={}", c["env"], c["url"])).unwrap_or_default();
                t.messages.push(format!("{}: {why}\n    {c}", name(id)));
            }
        }
    }
    for id in xfail.keys().filter(|id| !seen.contains(*id)) {
        t.failed += 1;
        t.messages.push(format!(
            "{}: listed as expected failure but never ran; update expected_failures/{stem}.txt",
            name(id)
        ));
    }
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let base = root().join("tests/conformance");
    let mut t = Tally { passed: 0, failed: 0, expected: 0, skipped: 0, messages: vec![] };
    let mut case_files: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for path in files(&base.join("recorded")) {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let records = jsonl(&path);
        let header = records.first().and_then(|h| h.get("recorded")).cloned().unwrap_or(Value::Null);
        let flavor = header["model"]
            .as_str()
            .or_else(|| RECORDED.iter().find(|(s, _)| *s == stem).map(|(_, f)| *f))
            .or_else(|| header["flavor"].as_str())
            .unwrap_or_else(|| panic!("{}: header names no flavor", path.display()))
            .to_owned();
        let case_file = header["cases"].as_str().unwrap_or("tests/conformance/cases/core.jsonl").to_owned();
        let cases = case_files.entry(case_file.clone()).or_insert_with(|| jsonl(&root().join(&case_file)));
        run_file(&stem, &flavor, cases, &records, &filter, &mut t);
    }
    // Upstream test suites: each line carries its flavor and its expectation.
    for path in files(&base.join("upstream")) {
        let file = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let lines = jsonl(&path);
        let mut by_flavor: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for l in lines {
            by_flavor.entry(l["flavor"].as_str().unwrap_or("go").to_owned()).or_default().push(l);
        }
        for (flavor, lines) in by_flavor {
            let stem = format!("{file}.{flavor}");
            run_file(&stem, &flavor, &lines, &lines, &filter, &mut t);
        }
    }
    for m in &t.messages {
        println!("FAIL {m}");
    }
    println!(
        "conformance: {} passed, {} failed ({} expected failures, {} skipped by the recorder)",
        t.passed, t.failed, t.expected, t.skipped
    );
    if t.failed > 0 {
        std::process::exit(1);
    }
}
