//! `noproxy-check fix`: a NO_PROXY that every target flavor reads as intended.

use std::io::{self, Write};
use std::process::ExitCode;

use noproxy::lint;
use serde_json::json;

use crate::common::{build_env, flavors_or_all, usage_error, Args, Style};

pub fn run(a: Args) -> ExitCode {
    let value = match a.rest.as_slice() {
        [v] => v.clone(),
        [] => {
            let env = build_env(&a);
            match (env.get("NO_PROXY"), env.get("no_proxy")) {
                (Some(u), Some(l)) if u != l => {
                    eprintln!("noproxy-check: NO_PROXY and no_proxy differ; rewriting NO_PROXY");
                    u.to_owned()
                }
                (Some(v), _) | (None, Some(v)) => v.to_owned(),
                (None, None) => return usage_error("fix needs a NO_PROXY value (argument, or NO_PROXY/no_proxy set)"),
            }
        }
        _ => return usage_error("fix takes one NO_PROXY value"),
    };
    let targets = flavors_or_all(&a);
    let p = lint::portable(&value, &targets);
    let code = if p.exact() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let ids: Vec<&str> = targets.iter().map(|f| f.id()).collect();
    let r = if a.json {
        let doc = json!({"schema": "noproxy-check/fix/1", "targets": ids, "exact": p.exact(), "result": p});
        writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default())
    } else {
        write_text(&mut out, &p, &ids)
    };
    match r.and_then(|_| out.flush()) {
        Ok(()) => code,
        Err(_) => ExitCode::from(2),
    }
}

fn write_text(out: &mut impl Write, p: &lint::Portable, targets: &[&str]) -> io::Result<()> {
    let st = Style::stdout();
    writeln!(out, "NO_PROXY={}", p.rewritten)?;
    writeln!(out, "targets: {}", targets.join(", "))?;
    for i in &p.intents {
        let spelled = if i.spelling.is_empty() { "(dropped)".to_owned() } else { i.spelling.join(",") };
        writeln!(out, "  {:?} -> {spelled}", i.text)?;
        for u in &i.unmet {
            let want = if u.want_direct { "direct" } else { "proxied" };
            writeln!(
                out,
                "      {} {}: {} should go {want}, goes {}",
                st.yellow("cannot express for"),
                u.flavor,
                u.url,
                u.got
            )?;
        }
    }
    writeln!(
        out,
        "proof: {} probe failures with the original, {} with the rewrite",
        p.original_unmet.len(),
        p.unmet.len()
    )?;
    if p.exact() {
        writeln!(out, "{}", st.green("every target reads every entry as intended"))
    } else {
        writeln!(out, "{}", st.yellow("some intents cannot be expressed for some targets (listed above)"))
    }
}
