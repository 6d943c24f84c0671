//! Witness URLs reproduce with the real programs.
//!
//! For a catalogue of NO_PROXY entries (one per lint code that concerns an entry; only
//! `.invalid` and loopback names, so the recorders may run them), the witnesses that
//! `analysis::analyze_no_proxy` synthesises for the recorded flavors are the cases of
//! `tests/conformance/cases/witnesses.jsonl`; real curl 7.88.1 and Go 1.19 recorded them
//! (`recorded/*-witnesses.jsonl`), and here every witness must show the same split between
//! direct and not-direct in the recordings as in the analysis.
//! `NOPROXY_BLESS=1 cargo test --test witnesses` rewrites the case file; re-record afterwards:
//! `python3 tests/conformance/record/record_curl.py tests/conformance/cases/witnesses.jsonl tests/conformance/recorded/curl@7.88.1-witnesses.jsonl`
//! and `python3 tests/conformance/record/record_go.py --flavor go@1.19 --cases tests/conformance/cases/witnesses.jsonl --name-suffix=-witnesses`.

use std::collections::BTreeMap;
use std::path::Path;

use noproxy::analysis::{analyze_no_proxy, probe_env, Witness};
use noproxy::Flavor;
use serde_json::{json, Value};

/// Entry, and the lint code whose situation it stands for.
const CATALOGUE: &[(&str, &str)] = &[
    ("dind.invalid:2375", "NP001 port-qualified"),
    ("127.0.0.1:8080", "NP001 port-qualified IP"),
    (".corp.invalid", "NP002 leading dot"),
    ("corp.invalid", "NP003 bare domain"),
    ("*.corp.invalid", "NP004 wildcard prefix"),
    ("*", "NP005 lone star"),
    ("a*b.invalid", "NP005 embedded star"),
    ("127.0.0.0/16", "NP006 CIDR"),
    ("::1", "NP007 IPv6 bare"),
    ("[::1]", "NP007 IPv6 bracketed"),
    ("[::1]:8080", "NP007 IPv6 with port"),
    ("corp.invalid.", "NP008 trailing dot"),
    (" spaced.invalid", "NP009 leading space"),
    ("one.invalid two.invalid", "NP009 space as separator"),
    ("localhost", "NP017 localhost"),
    ("LOCALHOST", "NP019 upper case"),
];

const RECORDED: &[(&str, &str)] = &[("go@1.19", "go@1.19-witnesses"), ("curl@7.88.1", "curl@7.88.1-witnesses")];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn witnesses() -> Vec<(String, &'static str, Witness)> {
    let flavors: Vec<Flavor> = RECORDED.iter().map(|(f, _)| f.parse().unwrap()).collect();
    let mut out = Vec::new();
    for (entry, why) in CATALOGUE {
        for a in analyze_no_proxy(entry, &flavors) {
            for (n, w) in a.witnesses.into_iter().enumerate() {
                let id = format!("W{:02}{}", out.len() + 1, ["a", "b", "c", "d"][n.min(3)]);
                out.push((id, *why, w));
            }
        }
    }
    out
}

fn case_line(id: &str, why: &str, w: &Witness) -> String {
    let env: BTreeMap<String, String> =
        probe_env(&w.no_proxy).vars().iter().map(|v| (v.name.clone(), v.value.clone())).collect();
    json!({"id": id, "env": env, "url": w.url, "note": format!("{why}: witness for no_proxy={:?}", w.no_proxy)})
        .to_string()
}

#[test]
fn case_file_is_the_current_witness_set() {
    let ws = witnesses();
    assert!(ws.len() >= 10, "the catalogue should yield witnesses, got {}", ws.len());
    let text: String = ws.iter().map(|(id, why, w)| case_line(id, why, w) + "\n").collect();
    let path = root().join("tests/conformance/cases/witnesses.jsonl");
    if std::env::var_os("NOPROXY_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(committed, text, "witnesses changed: NOPROXY_BLESS=1 cargo test --test witnesses, then re-record");
}

#[test]
fn every_witness_splits_the_real_programs_the_same_way() {
    let mut checked = 0;
    for (flavor, stem) in RECORDED {
        let path = root().join(format!("tests/conformance/recorded/{stem}.jsonl"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let rec: BTreeMap<String, Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| Some((v.get("id")?.as_str()?.to_owned(), v)))
            .collect();
        for (id, _, w) in witnesses() {
            let r = rec.get(&id).unwrap_or_else(|| panic!("{stem}: witness {id} not recorded"));
            let real_direct = r["decision"] == "direct";
            let ours_direct = w.direct().contains(&flavor.to_string());
            assert_eq!(real_direct, ours_direct, "{stem} {id} {}: recorded {}", w.url, r["decision"]);
            checked += 1;
        }
    }
    assert!(checked > 0);
}
