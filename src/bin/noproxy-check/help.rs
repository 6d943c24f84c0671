//! Per-subcommand help, shell completions and the man page, all generated from one table so
//! they cannot drift apart: `noproxy-check SUB --help`, `noproxy-check completions SHELL`,
//! `noproxy-check man`.

use std::process::ExitCode;

use crate::common::{usage_error, Args, Opt};

/// The options every subcommand understands (see `common::parse_args`).
pub const COMMON: &[(&str, &str)] = &[
    ("-f, --flavor ID", "flavor to ask (repeatable); ID is NAME or NAME@VERSION, see `flavors`"),
    ("-e, --env NAME=VALUE", "set a variable (repeatable; after the process environment)"),
    ("-D, --property NAME=VALUE", "set a JVM system property (repeatable; java flavor only)"),
    ("--resolve NAME=IP", "make NAME resolve to IP (repeatable; flavors that resolve names)"),
    ("--clean-env", "start from an empty environment instead of the process one"),
    ("--from FORMAT:PATH", "read variables from a file (repeatable; see README: env, dotenv, systemd, ...)"),
    ("--docker-host HOST", "docker-config source: the daemon host whose proxies block applies"),
    ("--docker-env NAME[=VALUE]", "docker-config source: a `docker run -e` flag (repeatable)"),
    ("--docker-mode MODE", "docker-config source: run, buildx or classic-build"),
    ("--docker-build-arg NAME=VALUE", "docker-config source: a build argument (repeatable)"),
    ("--json", "machine-readable output (schema named in the field \"schema\")"),
    ("--show-credentials", "print proxy credentials instead of *** (decide, batch, diff, record)"),
    ("-h, --help", "help (for a subcommand: noproxy-check SUB --help)"),
    ("-V, --version", "version"),
];

/// `(name, one-line summary, usage + options + examples + exit codes)`.
pub const TOPICS: &[(&str, &str, &str)] = &[
    (
        "decide",
        "decide each URL for each flavor (the default command)",
        "USAGE: noproxy-check [OPTIONS] URL...

Default flavors: go docker curl. Prints, per URL and flavor, direct / proxy / error with the
rule, the variables consulted, the NO_PROXY entry that matched (with its byte span) and
diagnostics.

EXAMPLES:
    NO_PROXY=docker:2375,docker:2376 HTTPS_PROXY=http://proxy.invalid:3128 \\
        noproxy-check https://docker:2376/
    noproxy-check --clean-env -e no_proxy=.example.com -e http_proxy=http://p.invalid:3128 \\
        -f go -f curl@7.88.1 --json http://example.com/

EXIT: 0 success, 1 I/O error, 2 usage error",
    ),
    (
        "flavors",
        "list flavor IDs and versions",
        "USAGE: noproxy-check flavors [--json]

EXAMPLES:
    noproxy-check flavors
    noproxy-check flavors --json | jq -r '.flavors[].id'

EXIT: 0 success, 1 I/O error",
    ),
    (
        "batch",
        "JSON Lines in, JSON Lines out",
        "USAGE: noproxy-check batch --flavor ID... [--show-credentials] < cases.jsonl

Each input line: {\"id\", \"env\": {NAME: VALUE}, \"url\", \"properties\"?, \"resolve\"?}; one
output line per case and flavor (fields in README). A malformed line gives one error line
(reason \"bad_input\") and processing continues.

EXAMPLES:
    echo '{\"id\":\"1\",\"env\":{\"NO_PROXY\":\"docker:2376\",\"HTTPS_PROXY\":\"http://p.invalid:3128\"},\"url\":\"https://docker:2376/\"}' \\
        | noproxy-check batch -f go -f curl

EXIT: 0 success, 1 I/O error, 2 usage error",
    ),
    (
        "diff",
        "flavors x URLs; disagreements grouped by cause",
        "USAGE: noproxy-check diff [OPTIONS] [URL...]

OPTIONS:
    --urls FILE            read URLs from FILE (- = stdin), one per line, # comments
    --only-disagreements   print only the URLs where flavors disagree
    --explain              expand every cell into its full explanation

Default flavors: every family's newest release.

EXAMPLES:
    noproxy-check diff --clean-env -e HTTPS_PROXY=http://172.17.0.1:3128 \\
        -e NO_PROXY=docker:2375,docker:2376 https://docker:2376/ https://gitlab.example.com/
    noproxy-check diff --only-disagreements --urls urls.txt --json

EXIT: 0 all flavors agree, 1 a disagreement, 2 usage or input error",
    ),
    (
        "lint",
        "findings NP001.. for the environment",
        "USAGE: noproxy-check lint [OPTIONS]

OPTIONS:
    --format text|json|sarif        output (sarif: SARIF 2.1.0 for CI annotations)
    --fail-on note|warning|error|never   lowest severity that fails (default warning)

EXAMPLES:
    noproxy-check lint
    noproxy-check lint -f go -f curl@7.88.1 --format sarif > noproxy.sarif

EXIT: 0 no finding at or above --fail-on, 1 findings, 2 usage or input error",
    ),
    (
        "fix",
        "a NO_PROXY that every flavor reads as intended",
        "USAGE: noproxy-check fix [OPTIONS] [NO_PROXY]

Without NO_PROXY, rewrites the environment's NO_PROXY (or no_proxy).

EXAMPLES:
    noproxy-check fix -f go -f curl@7.88.1 'docker:2375,.example.com,10.0.0.0/8'

EXIT: 0 every intent expressed for every flavor, 1 some cannot be, 2 usage error",
    ),
    (
        "test",
        "run scenario files",
        "USAGE: noproxy-check test [--junit PATH] FILE|DIR...

Runs every expectation of every *.scenario file; prints each failure with the explanation of
the actual decision; ends with `N passed, N failed`. Scenario syntax: spec.md \"Scenario format\".

EXAMPLES:
    noproxy-check test examples/
    noproxy-check test --junit report.xml ci/proxy.scenario

EXIT: 0 every expectation holds, 1 one failed, 2 a scenario file does not parse or usage error",
    ),
    (
        "fmt",
        "rewrite scenario files in canonical form",
        "USAGE: noproxy-check fmt [--check] FILE|DIR|-...

EXAMPLES:
    noproxy-check fmt examples/
    noproxy-check fmt --check examples/

EXIT: 0 formatted, 1 (--check) a file would change, 2 parse or usage error",
    ),
    (
        "record",
        "write a scenario freezing what each flavor decides today",
        "USAGE: noproxy-check record [OPTIONS] URL...

EXAMPLES:
    noproxy-check record --clean-env -e HTTPS_PROXY=http://172.17.0.1:3128 \\
        -e NO_PROXY=docker:2375,docker:2376 https://docker:2376/ > dind.scenario

EXIT: 0 success, 1 I/O error, 2 usage error",
    ),
    (
        "render",
        "write the environment as a configuration file",
        "USAGE: noproxy-check render --to FORMAT [--from FORMAT:PATH]... [OPTIONS]

FORMAT: systemd, daemon-json, docker-config, runner-toml, gitlab-ci, shell, dotenv. Writes
credentials (its job is to write configuration) and warns on stderr when it does.

EXAMPLES:
    noproxy-check render --clean-env -e HTTPS_PROXY=http://172.17.0.1:3128 \\
        -e NO_PROXY=docker,localhost --to runner-toml
    noproxy-check render --from systemd:/etc/systemd/system/docker.service.d/http-proxy.conf --to daemon-json

EXIT: 0 success, 1 a --from file cannot be read, 2 usage error",
    ),
    (
        "retry-delay",
        "GitLab Runner's wait after an HTTP 429 with these headers",
        "USAGE: noproxy-check retry-delay --header 'Name: value'... [--now DATE] [--attempt N] [--json]

RateLimit-ResetTime (HTTP-date), else Retry-After (seconds), else the default interval; the
rules and GitLab Runner's constants are in spec.md.

EXAMPLES:
    noproxy-check retry-delay -H 'Retry-After: 30'
    noproxy-check retry-delay -H 'RateLimit-ResetTime: Wed, 21 Oct 2015 07:28:00 GMT' \\
        --now 'Wed, 21 Oct 2015 07:27:30 GMT'

EXIT: 0 success, 2 usage error",
    ),
    (
        "completions",
        "print a shell completion script (bash, zsh, fish)",
        "USAGE: noproxy-check completions bash|zsh|fish

EXAMPLES:
    noproxy-check completions bash > /etc/bash_completion.d/noproxy-check
    noproxy-check completions fish > ~/.config/fish/completions/noproxy-check.fish

EXIT: 0 success, 2 unknown shell",
    ),
    (
        "man",
        "print the man page (roff)",
        "USAGE: noproxy-check man > noproxy-check.1

EXAMPLES:
    noproxy-check man | man -l -

EXIT: 0 success",
    ),
];

/// The help of one subcommand, with the common options appended.
pub fn text(name: &str) -> Option<String> {
    let (_, summary, body) = TOPICS.iter().find(|(n, _, _)| *n == name)?;
    let mut s = format!("noproxy-check {name} — {summary}\n\n{body}\n\nCOMMON OPTIONS:\n");
    for (o, d) in COMMON {
        s.push_str(&format!("    {o:<28} {d}\n"));
    }
    Some(s)
}

/// Every option spelling a subcommand accepts: the common ones and its own.
fn options(own: &[Opt]) -> Vec<String> {
    let mut v: Vec<String> =
        COMMON.iter().flat_map(|(o, _)| o.split(", ").map(|s| s.split(' ').next().unwrap_or(s).to_owned())).collect();
    v.extend(own.iter().flat_map(|o| o.names.iter().map(|n| n.to_string())));
    v
}

/// `noproxy-check completions SHELL`.
pub fn completions(a: Args, subs: &[(&str, &[Opt])]) -> ExitCode {
    let names: Vec<&str> = subs.iter().map(|(n, _)| *n).collect();
    let script = match a.rest.as_slice() {
        [s] if s == "bash" => {
            let mut cases = String::new();
            for (n, o) in subs {
                cases.push_str(&format!("        {n}) opts=\"{}\" ;;\n", options(o).join(" ")));
            }
            format!(
                "# bash completion for noproxy-check\n_noproxy_check() {{\n    local cur=${{COMP_WORDS[COMP_CWORD]}} sub=${{COMP_WORDS[1]}} opts\n    case \"$sub\" in\n{cases}        *) opts=\"{} {}\" ;;\n    esac\n    if [[ $COMP_CWORD -eq 1 || $cur == -* ]]; then\n        COMPREPLY=( $(compgen -W \"$opts\" -- \"$cur\") )\n    else\n        COMPREPLY=( $(compgen -f -- \"$cur\") )\n    fi\n}}\ncomplete -F _noproxy_check noproxy-check\n",
                names.join(" "),
                options(&[]).join(" ")
            )
        }
        [s] if s == "zsh" => {
            let mut s = String::from("#compdef noproxy-check\n_noproxy_check() {\n  local -a subs\n  subs=(\n");
            for (n, summary, _) in TOPICS.iter().filter(|(n, _, _)| names.contains(n)) {
                s.push_str(&format!("    '{n}:{}'\n", summary.replace('\'', "")));
            }
            s.push_str("  )\n  if (( CURRENT == 2 )); then\n    _describe 'command' subs\n    _files\n  else\n    case $words[2] in\n");
            for (n, o) in subs {
                s.push_str(&format!(
                    "      {n}) _arguments '*:file:_files' {} ;;\n",
                    options(o).iter().map(|x| format!("'{x}[]'")).collect::<Vec<_>>().join(" ")
                ));
            }
            s.push_str("      *) _files ;;\n    esac\n  fi\n}\n_noproxy_check \"$@\"\n");
            s
        }
        [s] if s == "fish" => {
            let mut s = String::from("# fish completion for noproxy-check\n");
            for (n, summary, _) in TOPICS.iter().filter(|(n, _, _)| names.contains(n)) {
                s.push_str(&format!(
                    "complete -c noproxy-check -n '__fish_use_subcommand' -a {n} -d '{}'\n",
                    summary.replace('\'', "")
                ));
            }
            for (o, d) in COMMON {
                for spelling in o.split(", ") {
                    let flag = spelling.split(' ').next().unwrap_or(spelling);
                    let (kind, name) = match flag.strip_prefix("--") {
                        Some(l) => ("-l", l),
                        None => ("-s", flag.trim_start_matches('-')),
                    };
                    s.push_str(&format!("complete -c noproxy-check {kind} {name} -d '{}'\n", d.replace('\'', "")));
                }
            }
            for (n, o) in subs {
                for opt in o.iter().flat_map(|o| o.names.iter()) {
                    s.push_str(&format!(
                        "complete -c noproxy-check -n '__fish_seen_subcommand_from {n}' -l {}\n",
                        opt.trim_start_matches("--")
                    ));
                }
            }
            s
        }
        _ => return usage_error("completions wants one of: bash, zsh, fish"),
    };
    print!("{script}");
    ExitCode::SUCCESS
}

/// Escape text for roff.
fn roff(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('-', "\\-")
        .lines()
        .map(|l| if l.starts_with('.') || l.starts_with('\'') { format!("\\&{l}") } else { l.to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `noproxy-check man`: the man page, from the same help texts.
pub fn man(_a: Args, usage: &str) -> ExitCode {
    let mut s = format!(
        ".TH NOPROXY\\-CHECK 1 \"\" \"noproxy-check {}\" \"User Commands\"\n.SH NAME\nnoproxy\\-check \\- how real HTTP clients choose a proxy from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY\n.SH SYNOPSIS\n.nf\n{}\n.fi\n.SH COMMANDS\n",
        env!("CARGO_PKG_VERSION"),
        roff(usage)
    );
    for (name, summary, body) in TOPICS {
        s.push_str(&format!(".SS {}\n{}\n.PP\n.nf\n{}\n.fi\n", roff(name), roff(summary), roff(body)));
    }
    s.push_str(".SH ENVIRONMENT\nHTTP_PROXY, http_proxy, HTTPS_PROXY, https_proxy, ALL_PROXY, all_proxy, NO_PROXY, no_proxy and the other proxy variables are read from the process environment unless \\-\\-clean\\-env is given. NO_COLOR disables colour.\n.SH SEE ALSO\ncurl(1), wget(1), the noproxy README and spec.md.\n");
    print!("{s}");
    ExitCode::SUCCESS
}
