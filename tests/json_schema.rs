//! The JSON outputs are documented: every field `noproxy-check` emits in `batch`, `--json`,
//! `diff --json`, `lint --json` and `fix --json` is named in README.md, and every `reason`
//! (`Rule`) is listed there. A new field without documentation fails here.
#![cfg(feature = "cli")]

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_noproxy-check");

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

fn run(args: &[&str], stdin: &str) -> String {
    let mut c = Command::new(BIN).args(args).env_clear().stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    String::from_utf8(c.wait_with_output().unwrap().stdout).unwrap()
}

fn keys(v: &Value, out: &mut BTreeSet<String>) {
    if let Value::Object(m) = v {
        for k in m.keys() {
            out.insert(k.clone());
        }
    }
}

/// The batch table's rows: the backticked names in the first column.
fn batch_fields(readme: &str) -> BTreeSet<String> {
    let section =
        readme.split("### `batch` (JSON Lines)").nth(1).expect("batch section").split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            l.split('|').nth(1).unwrap_or("").split('`').skip(1).step_by(2).map(String::from).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn batch_and_decide_fields_are_documented() {
    let doc = batch_fields(&readme());
    let input = [
        r#"{"id":"p","env":{"HTTP_PROXY":"http://u:p@proxy.invalid:3128","NO_PROXY":"a.invalid"},"url":"http://x.invalid/"}"#,
        r#"{"id":"d","env":{"HTTP_PROXY":"http://proxy.invalid:3128","NO_PROXY":"a.invalid"},"url":"http://a.invalid/"}"#,
        r#"{"id":"e","env":{"HTTP_PROXY":"http://proxy.invalid:3128","REQUEST_METHOD":"GET"},"url":"http://x.invalid/"}"#,
        r#"not json"#,
    ]
    .join("\n");
    let mut seen = BTreeSet::new();
    for line in run(&["batch", "-f", "go", "-f", "curl", "--show-credentials"], &input).lines() {
        keys(&serde_json::from_str(line).unwrap(), &mut seen);
    }
    let decide: Value = serde_json::from_str(&run(
        &["--clean-env", "--json", "-e", "HTTP_PROXY=http://p.invalid:1", "http://x.invalid/"],
        "",
    ))
    .unwrap();
    assert_eq!(decide["schema"], "noproxy-check/decide/1");
    for r in decide["results"].as_array().unwrap() {
        keys(r, &mut seen);
    }
    // decide's extra fields, documented in their own paragraph
    seen.remove("url");
    seen.remove("sources");
    assert!(readme().contains("`url`") && readme().contains("`sources`"));
    let missing: Vec<_> = seen.difference(&doc).collect();
    assert!(missing.is_empty(), "fields emitted but not in README's batch table: {missing:?}");
}

#[test]
fn every_reason_is_documented() {
    let readme = readme();
    for r in noproxy::Rule::ALL {
        assert!(readme.contains(&format!("`{}`", r.as_str())), "reason {} is not in README", r.as_str());
    }
}

#[test]
fn diff_lint_fix_top_level_fields_are_documented() {
    let readme = readme();
    let env = ["--clean-env", "-e", "HTTPS_PROXY=http://p.invalid:1", "-e", "NO_PROXY=docker:2375,.example.com"];
    let mut outputs = Vec::new();
    let diff: Vec<&str> = ["diff", "--json", "-f", "go", "-f", "curl"]
        .iter()
        .chain(&env)
        .copied()
        .chain(["https://docker:2375/"])
        .collect();
    outputs.push(("noproxy-check/diff/1", run(&diff, "")));
    let lint: Vec<&str> = ["lint", "--json", "-f", "go", "-f", "curl"].iter().chain(&env).copied().collect();
    outputs.push(("noproxy-check/lint/1", run(&lint, "")));
    outputs.push(("noproxy-check/fix/1", run(&["fix", "--json", "-f", "go", "-f", "curl", "docker:2375"], "")));
    for (schema, out) in outputs {
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["schema"], schema);
        assert!(readme.contains(schema), "{schema} not in README");
        let mut k = BTreeSet::new();
        keys(&v, &mut k);
        for inner in ["findings", "rows", "causes"] {
            if let Some(a) = v[inner].as_array() {
                a.iter().for_each(|x| keys(x, &mut k));
            }
        }
        keys(&v["result"], &mut k);
        for key in k {
            let documented = readme.contains(&format!("`{key}`")) || readme.contains(&format!("`{key}[]`"));
            assert!(documented, "{schema}: field {key} is not in README");
        }
    }
}
