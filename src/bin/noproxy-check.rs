//! `noproxy-check`: the command-line face of the noproxy library. Presentation only.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use noproxy::{Decision, Flavor, ProxyEnv};
use serde_json::{json, Map, Value};

const USAGE: &str = "\
noproxy-check — does Go / Docker / curl send this request through a proxy, which one, and why?

USAGE:
    noproxy-check [OPTIONS] URL...          decide each URL for each flavor
    noproxy-check flavors [--json]          list flavor IDs and versions
    noproxy-check batch --flavor ID...      JSON Lines in, JSON Lines out (see README)

OPTIONS:
    -f, --flavor ID      flavor to ask (repeatable; default: go docker curl).
                         ID is NAME or NAME@VERSION, e.g. go@1.19, curl@7.88.1
    -e, --env NAME=VALUE set a variable (repeatable; applied after the process environment)
        --clean-env      start from an empty environment instead of the process one
        --json           machine-readable output (schema in README, field \"schema\")
    -h, --help           this help
    -V, --version        version

EXAMPLES:
    NO_PROXY=docker:2375,docker:2376 HTTPS_PROXY=http://proxy.invalid:3128 \\
        noproxy-check https://docker:2376/
    noproxy-check --clean-env -e no_proxy=.example.com -e http_proxy=http://p.invalid:3128 \\
        -f go -f curl@7.88.1 http://example.com/

EXIT CODES:
    0 success   2 usage error (unknown flavor, bad option)   1 I/O error
";

struct Args {
    flavors: Vec<Flavor>,
    env: Vec<(String, String)>,
    clean_env: bool,
    json: bool,
    rest: Vec<String>,
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("noproxy-check: {msg}\nTry 'noproxy-check --help'.");
    ExitCode::from(2)
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut a = Args { flavors: vec![], env: vec![], clean_env: false, json: false, rest: vec![] };
    let mut i = 0;
    while i < argv.len() {
        let arg = argv[i].as_str();
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            argv.get(i).cloned().ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-f" | "--flavor" => {
                let id = value("--flavor")?;
                a.flavors.push(id.parse::<Flavor>().map_err(|e| e.to_string())?);
            }
            "-e" | "--env" => {
                let kv = value("--env")?;
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| format!("--env wants NAME=VALUE, got {:?}", noproxy::redact_value(&kv)))?;
                a.env.push((k.to_owned(), v.to_owned()));
            }
            "--clean-env" => a.clean_env = true,
            "--json" => a.json = true,
            "--" => {
                a.rest.extend(argv[i + 1..].iter().cloned());
                break;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("unknown option {}", noproxy::redact_value(s)))
            }
            _ => a.rest.push(argv[i].clone()),
        }
        i += 1;
    }
    Ok(a)
}

/// The stable JSON object for one decision (batch line and `--json` result).
fn decision_json(d: &Decision) -> Map<String, Value> {
    let e = &d.explanation;
    let mut m = Map::new();
    m.insert("flavor".into(), json!(d.flavor));
    m.insert("decision".into(), json!(d.outcome.kind()));
    m.insert("proxy".into(), json!(d.outcome.proxy().map(|p| p.endpoint())));
    m.insert("variable".into(), json!(d.outcome.variable()));
    m.insert("reason".into(), json!(e.rule.as_str()));
    if let noproxy::Outcome::Error { error } = &d.outcome {
        m.insert("error".into(), json!(error.to_string()));
        m.insert("error_kind".into(), serde_json::to_value(error).unwrap_or(Value::Null)["kind"].clone());
    }
    m.insert("proxy_has_credentials".into(), json!(d.outcome.proxy().is_some_and(|p| p.has_credentials())));
    m.insert("no_proxy_variable".into(), json!(e.no_proxy.as_ref().map(|n| &n.variable)));
    m.insert(
        "matched_entry".into(),
        match (e.matched_entry(), e.matched) {
            (Some(en), Some(i)) => json!({
                "index": i, "text": en.text, "span": [en.span.start, en.span.end],
                "kind": serde_json::to_value(&en.kind).unwrap_or(Value::Null)["kind"].clone(),
                "meaning": en.kind.to_string(),
            }),
            _ => Value::Null,
        },
    );
    m.insert("explanation".into(), serde_json::to_value(e).unwrap_or(Value::Null));
    m
}

fn build_env(a: &Args) -> ProxyEnv {
    let mut env = if a.clean_env {
        ProxyEnv::new()
    } else {
        let (env, diags) = ProxyEnv::from_process();
        for d in diags {
            eprintln!("noproxy-check: warning: {d}");
        }
        env
    };
    for (k, v) in &a.env {
        env.set(k, v);
    }
    env
}

fn cmd_decide(a: Args) -> ExitCode {
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
                let mut m = decision_json(&d);
                m.insert("url".into(), json!(noproxy::Target::parse(url).to_string()));
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
            let text = d.to_string().replace('\n', "\n  ");
            if writeln!(out, "  {text}").is_err() {
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

fn write_or_fail(r: io::Result<()>) -> ExitCode {
    if r.is_err() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_flavors(a: Args) -> ExitCode {
    let mut out = io::stdout().lock();
    if a.json {
        let fams: Vec<Value> = noproxy::flavors::FAMILIES
            .iter()
            .map(|f| {
                json!({"id": f.name, "summary": f.summary, "earliest": f.earliest, "latest": f.latest,
                       "versions": f.versions.iter().map(|v| format!("{}@{}", f.name, v)).collect::<Vec<_>>()})
            })
            .collect();
        return write_or_fail(writeln!(out, "{}", json!({"schema": "noproxy-check/flavors/1", "flavors": fams})));
    }
    for f in noproxy::flavors::FAMILIES {
        let r = writeln!(
            out,
            "{:<8} {}\n         versions {}..={} (bare `{}` = {}); named: {}",
            f.name,
            f.summary,
            f.earliest,
            f.latest,
            f.name,
            f.latest,
            f.versions.join(", ")
        );
        if r.is_err() {
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

/// One batch line in, one JSON line per flavor out. A bad line yields an error line.
fn batch_line(line: &str, prepared_cache: &[Flavor]) -> Vec<Value> {
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
    prepared_cache
        .iter()
        .map(|f| {
            let d = f.prepare(&env).decide(url);
            let mut m = Map::new();
            m.insert("id".into(), id.clone());
            m.extend(decision_json(&d));
            Value::Object(m)
        })
        .collect()
}

fn cmd_batch(a: Args) -> ExitCode {
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
        for v in batch_line(&line, &a.flavors) {
            if writeln!(out, "{v}").is_err() {
                return ExitCode::from(1);
            }
        }
    }
    write_or_fail(out.flush())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if argv.iter().any(|a| a == "-V" || a == "--version") {
        println!("noproxy-check {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let (cmd, rest) = match argv.first().map(String::as_str) {
        Some("flavors") => ("flavors", &argv[1..]),
        Some("batch") => ("batch", &argv[1..]),
        _ => ("decide", &argv[..]),
    };
    let a = match parse_args(rest) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    match cmd {
        "flavors" => cmd_flavors(a),
        "batch" => cmd_batch(a),
        _ => cmd_decide(a),
    }
}
