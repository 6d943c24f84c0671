//! `noproxy-check batch`: JSON Lines in, JSON Lines out.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use noproxy::{Flavor, ProxyEnv};
use serde_json::{json, Map, Value};

use crate::common::{decision_json, usage_error, write_or_fail, Args};

/// One batch line in, one JSON line per flavor out. A bad line yields an error line.
fn batch_line(line: &str, prepared_cache: &[Flavor], show_credentials: bool) -> Vec<Value> {
    let v: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            return vec![
                json!({"id": null, "decision": "error", "reason": "bad_input", "error": format!("malformed JSON: {e}")}),
            ]
        }
    };
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    let bad = |msg: String| vec![json!({"id": id.clone(), "decision": "error", "reason": "bad_input", "error": msg})];
    let Some(url) = v.get("url").and_then(Value::as_str) else {
        return bad("missing string field \"url\"".into());
    };
    let mut env = ProxyEnv::new();
    match v.get("env") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, val) in m {
                match val {
                    Value::String(s) => env.set(k, s),
                    Value::Null => {}
                    _ => return bad(format!("env value of {k:?} is not a string")),
                }
            }
        }
        Some(_) => return bad("\"env\" is not an object".into()),
    }
    match v.get("properties") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, val) in m {
                match val {
                    Value::String(s) => env.set_property(k, s),
                    Value::Null => {}
                    _ => return bad(format!("property {k:?} is not a string")),
                }
            }
        }
        Some(_) => return bad("\"properties\" is not an object".into()),
    }
    match v.get("resolve") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, val) in m {
                let addrs: Vec<&Value> = match val {
                    Value::Array(a) => a.iter().collect(),
                    other => vec![other],
                };
                for a in addrs {
                    match a.as_str().and_then(|s| s.parse().ok()) {
                        Some(ip) => env.add_host(k, ip),
                        None => return bad(format!("resolve {k:?}: not an IP address or a list of them")),
                    }
                }
            }
        }
        Some(_) => return bad("\"resolve\" is not an object".into()),
    }
    prepared_cache
        .iter()
        .map(|f| {
            let d = f.prepare(&env).decide(url);
            let mut m = Map::new();
            m.insert("id".into(), id.clone());
            m.extend(decision_json(&d, show_credentials));
            Value::Object(m)
        })
        .collect()
}

pub fn run(a: Args) -> ExitCode {
    if a.flavors.is_empty() {
        return usage_error("batch needs at least one --flavor");
    }
    let stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for line in stdin.split(b'\n') {
        let Ok(line) = line else {
            return ExitCode::from(1);
        };
        let line = String::from_utf8_lossy(&line);
        if line.trim().is_empty() {
            continue;
        }
        for v in batch_line(&line, &a.flavors, a.show_credentials) {
            if writeln!(out, "{v}").is_err() {
                return ExitCode::from(1);
            }
        }
    }
    write_or_fail(out.flush())
}
