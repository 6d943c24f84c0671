//! `noproxy-check`: the command-line face of the noproxy library. Presentation only.

use std::process::ExitCode;

mod batch;
mod common;
mod decide;
mod diff;
mod fix;
mod flavors;
mod fmt;
mod help;
mod lint;
mod record;
mod render;
mod retry_delay;
mod test;

use common::{parse_args, usage_error};

const USAGE: &str = "\
noproxy-check — does Go / Docker / curl send this request through a proxy, which one, and why?

USAGE:
    noproxy-check [OPTIONS] URL...          decide each URL for each flavor
    noproxy-check flavors [--json]          list flavor IDs and versions
    noproxy-check batch --flavor ID...      JSON Lines in, JSON Lines out (see README)
    noproxy-check diff [OPTIONS] URL...     flavors x URLs; disagreements grouped by cause
        --urls FILE (- = stdin)  --only-disagreements  --explain  --json
    noproxy-check lint [OPTIONS]            findings NP001.. for the environment
        --format text|json|sarif  --fail-on note|warning|error|never (default warning)
    noproxy-check fix [OPTIONS] [NO_PROXY]  a NO_PROXY every --flavor reads as intended
    noproxy-check test [--junit PATH] FILE|DIR...
                                            run scenario files (*.scenario; see README)
    noproxy-check fmt [--check] FILE|DIR... rewrite scenario files in canonical form
                                            (--check: list files that would change, exit 1)
    noproxy-check record [OPTIONS] URL...   print a scenario freezing what each flavor
                                            decides today for the current environment
    noproxy-check completions bash|zsh|fish shell completion script
    noproxy-check man                       the man page (roff)
    noproxy-check help SUBCOMMAND           help for one subcommand (also SUB --help)
    noproxy-check render --to FORMAT        write the environment as FORMAT: systemd, daemon-json,
                                            docker-config, runner-toml, gitlab-ci, shell, dotenv
    noproxy-check retry-delay --header 'Name: value'... [--now DATE] [--attempt N]
                                            GitLab Runner's wait after a 429 with these headers

OPTIONS:
    -f, --flavor ID      flavor to ask (repeatable; default: go docker curl, and for
                         diff/lint/fix every family). ID is NAME or NAME@VERSION,
                         e.g. go@1.19, curl@7.88.1
    -e, --env NAME=VALUE set a variable (repeatable; applied after the process environment)
        --clean-env      start from an empty environment instead of the process one
    -D, --property NAME=VALUE  set a JVM system property (repeatable; java flavor only)
        --resolve NAME=IP      make NAME resolve to IP (repeatable; flavors that resolve)
        --show-credentials     record: keep credentials instead of writing ***
        --from FORMAT:PATH
                         read variables from a file (repeatable; later files win; replaces the
                         process environment unless `--from env` is given). FORMAT: env, dotenv,
                         systemd, systemctl-show, daemon-json, docker-config, runner-toml,
                         cntlm, gitlab-ci. Decisions name the file and line a value came from.
        --docker-host HOST, --docker-env NAME[=VALUE], --docker-mode run|buildx|classic-build,
        --docker-build-arg NAME=VALUE
                         how a docker-config source is turned into a container's environment:
                         the daemon host (default unix:///var/run/docker.sock), the `docker run
                         -e` flags, or the environment a build's RUN steps see
        --json           machine-readable output (schema in README, field \"schema\")
    -h, --help           this help
    -V, --version        version

EXAMPLES:
    NO_PROXY=docker:2375,docker:2376 HTTPS_PROXY=http://proxy.invalid:3128 \\
        noproxy-check https://docker:2376/
    noproxy-check --clean-env -e no_proxy=.example.com -e http_proxy=http://p.invalid:3128 \\
        -f go -f curl@7.88.1 http://example.com/
    noproxy-check diff --only-disagreements --urls urls.txt
    noproxy-check lint --format sarif > noproxy.sarif
    noproxy-check fix -f go -f curl@7.88.1 'docker:2375,.example.com'

    noproxy-check test examples/
    noproxy-check record --clean-env -e HTTPS_PROXY=http://172.17.0.1:3128 \\
        -e NO_PROXY=docker:2375,docker:2376 https://docker:2376/ > dind.scenario

EXIT CODES:
    decide, flavors, batch: 0 success, 1 I/O error, 2 usage error
    diff: 0 all flavors agree, 1 a disagreement, 2 usage or input error
    lint: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error
    fix:  0 every intent expressed for every flavor, 1 some cannot be, 2 usage error
    test: 0 every expectation holds, 1 one failed, 2 a scenario file does not parse
    fmt --check: 1 a file would change
    render, retry-delay: 0 success, 2 usage error
    --from FORMAT:PATH that cannot be read: 1 (message gives file:line:column)
";

/// A subcommand: its name, its own options and its entry point.
struct Sub {
    name: &'static str,
    opts: &'static [common::Opt],
    run: fn(common::Args) -> ExitCode,
}

/// Every subcommand but the default (`decide`). Add one line per subcommand module.
#[rustfmt::skip]
const SUBS: &[Sub] = &[
    Sub { name: "flavors", opts: &[], run: flavors::run },
    Sub { name: "batch", opts: &[], run: batch::run },
    Sub { name: "diff", opts: diff::OPTS, run: diff::run },
    Sub { name: "lint", opts: lint::OPTS, run: lint::run },
    Sub { name: "fix", opts: &[], run: fix::run },
    Sub { name: "test", opts: test::OPTS, run: test::run },
    Sub { name: "fmt", opts: fmt::OPTS, run: fmt::run },
    Sub { name: "record", opts: &[], run: record::run },
    Sub { name: "render", opts: &[common::Opt { names: &["--to"], takes_value: true }], run: render::run },
    Sub { name: "retry-delay", opts: retry_delay::OPTS, run: retry_delay::run },
    Sub { name: "completions", opts: &[], run: completions },
    Sub { name: "man", opts: &[], run: man },
];

fn completions(a: common::Args) -> ExitCode {
    let subs: Vec<(&str, &[common::Opt])> = SUBS.iter().map(|s| (s.name, s.opts)).collect();
    help::completions(a, &subs)
}

fn man(a: common::Args) -> ExitCode {
    help::man(a, USAGE)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let sub = argv.first().and_then(|c| SUBS.iter().find(|s| s.name == c));
    if argv.first().is_some_and(|a| a == "help") {
        return match argv.get(1).and_then(|t| help::text(t)) {
            Some(t) => {
                print!("{t}");
                ExitCode::SUCCESS
            }
            None if argv.len() == 1 => {
                print!("{USAGE}");
                ExitCode::SUCCESS
            }
            None => usage_error("help: unknown subcommand"),
        };
    }
    if argv.iter().any(|a| a == "-h" || a == "--help") {
        match sub.and_then(|s| help::text(s.name)) {
            Some(t) => print!("{t}"),
            None => print!("{USAGE}"),
        }
        return ExitCode::SUCCESS;
    }
    if argv.iter().any(|a| a == "-V" || a == "--version") {
        println!("noproxy-check {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    const DECIDE: Sub = Sub { name: "", opts: &[], run: decide::run };
    let (rest, sub) = match sub {
        Some(s) => (&argv[1..], s),
        None => (&argv[..], &DECIDE),
    };
    match parse_args(rest, sub.opts) {
        Ok(a) => (sub.run)(a),
        Err(e) => usage_error(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_has_help_and_is_in_the_usage() {
        for s in SUBS {
            assert!(help::text(s.name).is_some(), "{} has no help topic", s.name);
            assert!(USAGE.contains(&format!("noproxy-check {}", s.name)), "{} missing from USAGE", s.name);
        }
        assert!(help::text("decide").is_some());
    }
}
