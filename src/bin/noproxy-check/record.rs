//! `noproxy-check record [--flavor ID]... URL...`: a scenario that freezes what each flavor
//! does today in the current environment.

use std::io::{self, Write};
use std::process::ExitCode;

use noproxy::scenario::{self, Check, CheckLine, Expect, Expectation, File, Item, Loc, NoSources};
use noproxy::{redact_value, Flavor, Outcome};

use crate::common::{build_env, usage_error, write_or_fail, Args};

fn expect_of(o: &Outcome) -> Expect {
    match o {
        Outcome::Proxy { proxy, variable } => Expect::proxy(&proxy.endpoint()).via(variable),
        Outcome::Error { error } => Expect::error(error.kind()),
        _ => Expect::Direct,
    }
}

pub fn run(a: Args) -> ExitCode {
    if a.rest.is_empty() {
        return usage_error("record needs at least one URL");
    }
    let flavors = if a.flavors.is_empty() { Flavor::defaults() } else { a.flavors.clone() };
    let env = build_env(&a);
    let keep = |s: &str| if a.show_credentials { s.to_owned() } else { redact_value(s).into_owned() };
    let loc = Loc::default();
    let mut items = vec![Item::Comment(format!(
        " Recorded by noproxy-check {}: what each flavor decides today. Review, then check it in.",
        env!("CARGO_PKG_VERSION")
    ))];
    let mut vars: Vec<_> = env.vars().iter().collect();
    vars.sort_by(|x, y| x.name.cmp(&y.name));
    let redacted = !a.show_credentials
        && (vars.iter().any(|v| keep(&v.value) != v.value)
            || env.properties().iter().any(|p| keep(&p.value) != p.value)
            || a.rest.iter().any(|u| keep(u) != *u));
    if redacted {
        items.push(Item::Comment(" Credentials are replaced by *** (--show-credentials keeps them).".into()));
    }
    items.push(Item::Flavors { ids: flavors.iter().map(|f| f.id().to_owned()).collect(), loc });
    for v in vars {
        items.push(Item::Env { name: v.name.clone(), value: keep(&v.value), loc });
    }
    for p in env.properties() {
        items.push(Item::Property { name: p.name.clone(), value: keep(&p.value), loc });
    }
    for h in env.hosts() {
        items.push(Item::Resolve { name: h.name.clone(), addrs: h.addrs.clone(), loc });
    }
    let prepared: Vec<_> = flavors.iter().map(|f| f.prepare(&env)).collect();
    for url in &a.rest {
        items.push(Item::Blank);
        let lines = prepared
            .iter()
            .map(|p| {
                let d = p.decide(url);
                CheckLine::Expect(Expectation::Flavor { flavor: d.flavor.clone(), expect: expect_of(&d.outcome), loc })
            })
            .collect();
        items.push(Item::Check(Check { url: keep(url), lines, loc }));
    }
    let file = File { items };
    // Self-check: what we write must pass as written (redaction must not change a decision).
    let report = scenario::run_file("<recorded>", &file, &NoSources);
    if !report.is_ok() {
        eprintln!(
            "noproxy-check: warning: with credentials redacted the recording does not hold; use --show-credentials\n{report}"
        );
    }
    write_or_fail(io::stdout().lock().write_all(scenario::print(&file).as_bytes()))
}
