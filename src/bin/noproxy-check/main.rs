//! `noproxy-check`: the command-line face of the noproxy library. Presentation only.

use std::process::ExitCode;

mod batch;
mod common;
mod decide;
mod flavors;
mod render;
mod retry_delay;

use common::{parse_args, usage_error};

const USAGE: &str = "\
noproxy-check — does Go / Docker / curl send this request through a proxy, which one, and why?

USAGE:
    noproxy-check [OPTIONS] URL...          decide each URL for each flavor
    noproxy-check flavors [--json]          list flavor IDs and versions
    noproxy-check batch --flavor ID...      JSON Lines in, JSON Lines out (see README)
    noproxy-check render --to FORMAT        write the environment as FORMAT: systemd, daemon-json,
                                            docker-config, runner-toml, gitlab-ci, shell, dotenv
    noproxy-check retry-delay --header 'Name: value'... [--now DATE] [--attempt N]
                                            GitLab Runner's wait after a 429 with these headers

OPTIONS:
    -f, --flavor ID      flavor to ask (repeatable; default: go docker curl).
                         ID is NAME or NAME@VERSION, e.g. go@1.19, curl@7.88.1
    -e, --env NAME=VALUE set a variable (repeatable; applied after the process environment)
        --clean-env      start from an empty environment instead of the process one
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

EXIT CODES:
    0 success   2 usage error (unknown flavor, bad option)
    1 I/O error or a --from file that cannot be read (message gives file:line:column)
";

/// A subcommand: its name, its own options and its entry point.
struct Sub {
    name: &'static str,
    opts: &'static [common::Opt],
    run: fn(common::Args) -> ExitCode,
}

/// Every subcommand but the default (`decide`). Add one line per subcommand module.
const SUBS: &[Sub] = &[
    Sub { name: "flavors", opts: &[], run: flavors::run },
    Sub { name: "batch", opts: &[], run: batch::run },
    Sub { name: "render", opts: &[common::Opt { names: &["--to"], takes_value: true }], run: render::run },
    Sub {
        name: "retry-delay",
        opts: &[
            common::Opt { names: &["-H", "--header"], takes_value: true },
            common::Opt { names: &["--now"], takes_value: true },
            common::Opt { names: &["--attempt"], takes_value: true },
        ],
        run: retry_delay::run,
    },
];

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
    let sub = argv.first().and_then(|c| SUBS.iter().find(|s| s.name == c));
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
