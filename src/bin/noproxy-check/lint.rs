//! `noproxy-check lint`: findings with stable codes, as text, JSON or SARIF 2.1.0.

use std::io::{self, Write};
use std::process::ExitCode;

use noproxy::lint::{self, Code, Finding, Severity};
use noproxy::Provenance;
use serde_json::{json, Value};

use crate::common::{build_env, flavors_or_all, usage_error, Args, Opt, Style};

pub const OPTS: &[Opt] =
    &[Opt { names: &["--fail-on"], takes_value: true }, Opt { names: &["--format"], takes_value: true }];

pub fn run(a: Args) -> ExitCode {
    let fail_on = match a.opt("--fail-on").unwrap_or("warning") {
        "never" => None,
        s => match s.parse::<Severity>() {
            Ok(s) => Some(s),
            Err(e) => return usage_error(&format!("--fail-on: {e} (or never)")),
        },
    };
    let format = match (a.opt("--format"), a.json) {
        (Some(f), _) => f,
        (None, true) => "json",
        (None, false) => "text",
    };
    if !["text", "json", "sarif"].contains(&format) {
        return usage_error(&format!("--format {format:?}: expected text, json or sarif"));
    }
    let flavors = flavors_or_all(&a);
    let env = build_env(&a);
    let findings = lint::lint(&env, &flavors);
    let failed = fail_on.is_some_and(|level| findings.iter().any(|f| f.severity >= level));
    let mut out = io::BufWriter::new(io::stdout().lock());
    let ids: Vec<String> = flavors.iter().map(|f| f.id().to_owned()).collect();
    let r = match format {
        "json" => {
            let doc = json!({"schema": "noproxy-check/lint/1", "flavors": ids, "findings": findings});
            writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default())
        }
        "sarif" => writeln!(out, "{}", serde_json::to_string_pretty(&sarif(&findings, &ids)).unwrap_or_default()),
        _ => write_text(&mut out, &findings, &ids),
    };
    match r.and_then(|_| out.flush()) {
        Ok(()) if failed => ExitCode::from(1),
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

fn where_(f: &Finding) -> String {
    let Some(l) = &f.location else { return String::new() };
    let mut s = l.variable.clone();
    if let Some(sp) = &l.span {
        s.push_str(&format!(" bytes {}..{}", sp.start, sp.end));
    }
    if let Provenance::File { path, line } = &l.provenance {
        s.push_str(&format!(" ({path}:{line})"));
    }
    s
}

fn write_text(out: &mut impl Write, findings: &[Finding], flavors: &[String]) -> io::Result<()> {
    let st = Style::stdout();
    for f in findings {
        let head = format!("{}[{}]", f.severity, f.code);
        let head = match f.severity {
            Severity::Error => st.red(&head),
            Severity::Warning => st.yellow(&head),
            _ => st.bold(&head),
        };
        writeln!(out, "{head} {}", f.message)?;
        let w = where_(f);
        if !w.is_empty() {
            writeln!(out, "  --> {w}")?;
        }
        if !f.flavors.is_empty() {
            writeln!(out, "  flavors: {}", f.flavors.join(", "))?;
        }
        if let Some(s) = &f.suggestion {
            writeln!(out, "  fix: {s}")?;
        }
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    writeln!(
        out,
        "{} findings for {} ({} errors, {} warnings, {} notes)",
        findings.len(),
        flavors.join(", "),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note)
    )
}

/// SARIF 2.1.0: one run, every code as a rule, one result per finding. Findings from a file
/// source carry a physical location (file and line); the others a logical location naming the
/// variable.
fn sarif(findings: &[Finding], flavors: &[String]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "shortDescription": {"text": c.title()},
                "defaultConfiguration": {"level": c.default_severity().as_str()},
                "helpUri": "https://docs.rs/noproxy/latest/noproxy/lint/enum.Code.html",
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut loc = serde_json::Map::new();
            if let Some(l) = &f.location {
                loc.insert("logicalLocations".into(), json!([{"name": l.variable, "kind": "variable"}]));
                if let Provenance::File { path, line } = &l.provenance {
                    loc.insert(
                        "physicalLocation".into(),
                        json!({"artifactLocation": {"uri": path}, "region": {"startLine": line}}),
                    );
                }
            }
            let mut text = f.message.clone();
            if let Some(s) = &f.suggestion {
                text.push_str(&format!(" Fix: {s}."));
            }
            json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == f.code),
                "level": f.severity.as_str(),
                "message": {"text": text},
                "locations": if loc.is_empty() { json!([]) } else { json!([Value::Object(loc)]) },
                "properties": {
                    "flavors": f.flavors,
                    "entry": f.entry,
                    "span": f.location.as_ref().and_then(|l| l.span.as_ref()).map(|s| [s.start, s.end]),
                    "witness": f.witness,
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "noproxy-check",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://docs.rs/noproxy",
                "rules": rules,
            }},
            "properties": {"flavors": flavors},
            "results": results,
        }],
    })
}
