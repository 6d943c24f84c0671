//! `noproxy-check fmt [--check] FILE|DIR...`: rewrite scenario files in canonical form.

use std::fs;
use std::io::{self, Read, Write};
use std::process::ExitCode;

use noproxy::scenario;

use crate::common::{reject_env_options, usage_error, Args, Opt};
use crate::test::scenario_files;

pub const OPTS: &[Opt] = &[Opt { names: &["--check"], takes_value: false }];

/// Canonical text of `text`, or the parse errors.
fn format(name: &str, text: &str) -> Result<String, Vec<scenario::ParseError>> {
    scenario::parse(name, text).map(|f| scenario::print(&f))
}

pub fn run(a: Args) -> ExitCode {
    if let Some(code) = reject_env_options(&a, "fmt") {
        return code;
    }
    if a.rest.is_empty() {
        return usage_error("fmt needs at least one scenario FILE or DIR (or - for standard input)");
    }
    let check = a.has("--check");
    if a.rest == ["-"] {
        let mut text = String::new();
        if io::stdin().read_to_string(&mut text).is_err() {
            eprintln!("noproxy-check: standard input is not UTF-8 text");
            return ExitCode::from(2);
        }
        return match format("<stdin>", &text) {
            Err(errs) => {
                errs.iter().for_each(|e| eprintln!("{e}"));
                ExitCode::from(2)
            }
            Ok(f) if check => ExitCode::from(u8::from(f != text)),
            Ok(f) => match io::stdout().write_all(f.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::from(1),
            },
        };
    }
    let files = match scenario_files(&a.rest) {
        Ok(f) => f,
        Err(e) => return usage_error(&e),
    };
    let (mut bad, mut changed) = (false, false);
    for path in files {
        let name = path.display().to_string();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("noproxy-check: cannot read {name}: {e}");
                bad = true;
                continue;
            }
        };
        let formatted = match format(&name, &text) {
            Ok(f) => f,
            Err(errs) => {
                errs.iter().for_each(|e| eprintln!("{e}"));
                bad = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed = true;
        if check {
            println!("would reformat {name}");
        } else if let Err(e) = fs::write(&path, formatted) {
            eprintln!("noproxy-check: cannot write {name}: {e}");
            bad = true;
        } else {
            println!("reformatted {name}");
        }
    }
    if bad {
        ExitCode::from(2)
    } else if check && changed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
