//! `noproxy-check [OPTIONS] URL...`: decide each URL for each flavor.

use std::io::{self, Write};
use std::process::ExitCode;

use noproxy::Flavor;
use serde_json::{json, Value};

use crate::common::{build_env, decision_json, usage_error, write_or_fail, Args};

pub fn run(a: Args) -> ExitCode {
    if a.rest.is_empty() {
        return usage_error("no URL given");
    }
    let flavors = if a.flavors.is_empty() { Flavor::defaults() } else { a.flavors.clone() };
    let env = build_env(&a);
    let prepared: Vec<_> = flavors.iter().map(|f| f.prepare(&env)).collect();
    let mut out = io::stdout().lock();
    if a.json {
        let mut results = vec![];
        for url in &a.rest {
            for p in &prepared {
                let d = p.decide(url);
                let mut m = decision_json(&d, a.show_credentials);
                m.insert("url".into(), json!(noproxy::Target::parse(url).to_string()));
                m.insert(
                    "sources".into(),
                    Value::Array(
                        sources(&env, &d)
                            .into_iter()
                            .map(|(n, p, l)| json!({"variable": n, "path": p, "line": l}))
                            .collect(),
                    ),
                );
                results.push(Value::Object(m));
            }
        }
        let doc = json!({"schema": "noproxy-check/decide/1", "results": results});
        return write_or_fail(writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default()));
    }
    for url in &a.rest {
        let shown = noproxy::Target::parse(url).to_string();
        if writeln!(out, "{shown}").is_err() {
            return ExitCode::from(1);
        }
        for p in &prepared {
            let d = p.decide(url);
            let mut text = d.to_string().replace('\n', "\n  ");
            if let (true, Some(p)) = (a.show_credentials, d.outcome.proxy()) {
                if p.has_credentials() {
                    text.push_str(&format!(
                        "\n    proxy URL with credentials (--show-credentials): {}",
                        p.to_string_with_credentials()
                    ));
                }
            }
            if writeln!(out, "  {text}").is_err() {
                return ExitCode::from(1);
            }
            for (name, path, line) in sources(&env, &d) {
                if writeln!(out, "    {name} was read from {path}:{line}").is_err() {
                    return ExitCode::from(1);
                }
            }
        }
    }
    ExitCode::SUCCESS
}

/// For the variables a decision used (the proxy variable and the NO_PROXY read), where each
/// came from when it was read from a file: `(name, path, line)`.
fn sources(env: &noproxy::ProxyEnv, d: &noproxy::Decision) -> Vec<(String, String, u32)> {
    let mut names: Vec<&str> = d
        .explanation
        .variables
        .iter()
        .filter(|v| v.status == noproxy::VarStatus::Used)
        .map(|v| v.name.as_str())
        .collect();
    if let Some(np) = &d.explanation.no_proxy {
        names.push(&np.variable);
    }
    let mut out: Vec<(String, String, u32)> = vec![];
    for n in names {
        if let Some(noproxy::Provenance::File { path, line }) = env.var(n).map(|v| &v.provenance) {
            if !out.iter().any(|(x, _, _)| x == n) {
                out.push((n.to_owned(), path.clone(), *line));
            }
        }
    }
    out
}
