//! `noproxy-check flavors`: the catalogue.

use std::io::{self, Write};
use std::process::ExitCode;

use serde_json::{json, Value};

use crate::common::{write_or_fail, Args};

pub fn run(a: Args) -> ExitCode {
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
