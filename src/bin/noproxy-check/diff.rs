//! `noproxy-check diff`: flavors × URLs, disagreements grouped by cause.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use noproxy::analysis;
use serde_json::json;

use crate::common::{build_env, decision_json, flavors_or_all, pad, usage_error, Args, Opt, Style};

pub const OPTS: &[Opt] = &[
    Opt { names: &["--only-disagreements"], takes_value: false },
    Opt { names: &["--explain"], takes_value: false },
    Opt { names: &["--urls"], takes_value: true },
];

/// URLs from the arguments, then from `--urls FILE` (`-`: stdin), one per line, `#` comments.
pub fn urls(a: &Args) -> Result<Vec<String>, String> {
    let mut urls = a.rest.clone();
    for path in a.opts("--urls") {
        let text = if path == "-" {
            let mut s = String::new();
            for l in io::stdin().lock().lines() {
                s.push_str(&l.map_err(|e| format!("stdin: {e}"))?);
                s.push('\n');
            }
            s
        } else {
            std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?
        };
        urls.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from));
    }
    Ok(urls)
}

pub fn run(a: Args) -> ExitCode {
    let urls = match urls(&a) {
        Ok(u) if u.is_empty() => return usage_error("diff needs at least one URL (arguments or --urls FILE)"),
        Ok(u) => u,
        Err(e) => return usage_error(&e),
    };
    let flavors = flavors_or_all(&a);
    let env = build_env(&a);
    let d = analysis::diff(&env, &flavors, &urls);
    let only = a.has("--only-disagreements");
    let code = if d.agree() { ExitCode::SUCCESS } else { ExitCode::from(1) };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let r = if a.json {
        write_json(&mut out, &d, only, a.show_credentials)
    } else {
        write_text(&mut out, &d, only, a.has("--explain"))
    };
    match r.and_then(|_| out.flush()) {
        Ok(()) => code,
        Err(_) => ExitCode::from(2),
    }
}

fn write_json(out: &mut impl Write, d: &analysis::Diff, only: bool, show: bool) -> io::Result<()> {
    let rows: Vec<_> = d
        .rows
        .iter()
        .filter(|r| !only || !r.agree)
        .map(|r| {
            json!({
                "url": r.url,
                "agree": r.agree,
                "cause": r.cause,
                "cells": r.cells.iter().map(|c| serde_json::Value::Object(decision_json(&c.decision, show))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "schema": "noproxy-check/diff/1",
        "flavors": d.flavors,
        "agree": d.agree(),
        "rows": rows,
        "causes": serde_json::to_value(&d.causes).unwrap_or_default(),
    });
    writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default())
}

fn write_text(out: &mut impl Write, d: &analysis::Diff, only: bool, explain: bool) -> io::Result<()> {
    let st = Style::stdout();
    // With a single proxy endpoint in the whole matrix, cells say just `proxy` (named once below).
    let mut endpoints: Vec<&str> = d
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter_map(|c| match &c.verdict {
            analysis::Verdict::Proxy { endpoint } => Some(endpoint.as_str()),
            _ => None,
        })
        .collect();
    endpoints.sort_unstable();
    endpoints.dedup();
    let short = endpoints.len() == 1;
    let cell_text = |c: &analysis::Cell| match &c.verdict {
        analysis::Verdict::Proxy { .. } if short => "proxy".to_owned(),
        v => v.to_string(),
    };
    let url_w = d.rows.iter().map(|r| r.url.chars().count()).max().unwrap_or(3).clamp(3, 60);
    let widths: Vec<usize> = (0..d.flavors.len())
        .map(|i| {
            d.rows
                .iter()
                .map(|r| cell_text(&r.cells[i]).chars().count())
                .chain([d.flavors[i].chars().count()])
                .max()
                .unwrap_or(6)
        })
        .collect();
    let mut head = format!("  {}", pad("URL", url_w));
    for (f, w) in d.flavors.iter().zip(&widths) {
        head.push_str(&format!("  {}", pad(f, *w)));
    }
    writeln!(out, "{}", st.bold(head.trim_end()))?;
    for r in d.rows.iter().filter(|r| !only || !r.agree) {
        let mark = if r.agree { " ".to_owned() } else { st.red("≠") };
        let mut line = format!("{mark} {}", pad(&r.url, url_w));
        for (c, w) in r.cells.iter().zip(&widths) {
            line.push_str(&format!("  {}", pad(&cell_text(c), *w)));
        }
        if let Some(i) = r.cause {
            line.push_str(&format!("  [{}]", i + 1));
        }
        writeln!(out, "{}", line.trim_end())?;
        if explain {
            for c in &r.cells {
                writeln!(out, "      {}", c.decision.to_string().replace('\n', "\n      "))?;
            }
        }
    }
    if short {
        writeln!(out, "\nproxy = {}", endpoints[0])?;
    }
    if d.causes.is_empty() {
        writeln!(out, "\n{}", st.green(&format!("all {} flavors agree on {} URLs", d.flavors.len(), d.rows.len())))?;
        return Ok(());
    }
    writeln!(out, "\n{}", st.bold("Disagreements by cause:"))?;
    for (i, c) in d.causes.iter().enumerate() {
        writeln!(out, "  [{}] {}", i + 1, c.summary)?;
        let urls: Vec<&str> = c.rows.iter().map(|&r| d.rows[r].url.as_str()).collect();
        writeln!(out, "      URLs: {}", urls.join(", "))?;
    }
    let n = d.rows.iter().filter(|r| !r.agree).count();
    writeln!(out, "\n{}", st.red(&format!("{n} of {} URLs disagree ({} causes)", d.rows.len(), d.causes.len())))
}
