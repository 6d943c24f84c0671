//! `noproxy-check render --to FORMAT`: write the environment into a systemd drop-in,
//! `daemon.json`, `config.json`, Runner `config.toml`, `.gitlab-ci.yml`, shell or dotenv.

use std::io::{self, Write};
use std::process::ExitCode;

use noproxy::sources::render::{render, Target};

use crate::common::{build_env, usage_error, write_or_fail, Args};

pub fn run(a: Args) -> ExitCode {
    let Some(to) = a.opt("--to") else {
        return usage_error(
            "render needs --to FORMAT (systemd, daemon-json, docker-config, runner-toml, gitlab-ci, shell, dotenv)",
        );
    };
    let target: Target = match to.parse() {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    if !a.rest.is_empty() {
        return usage_error("render takes no URL");
    }
    let env = build_env(&a);
    let r = render(target, &env);
    for w in &r.warnings {
        eprintln!("noproxy-check: warning: {w}");
    }
    if env.vars().iter().all(|v| !noproxy::is_proxy_variable(&v.name)) {
        eprintln!("noproxy-check: warning: no proxy variable to render");
    }
    let mut out = io::stdout().lock();
    write_or_fail(out.write_all(r.text.as_bytes()))
}
