//! Shared by every subcommand: argument parsing, the environment, the stable decision JSON.

use std::io;
use std::process::ExitCode;

use noproxy::{Decision, Flavor, ProxyEnv};
use serde_json::{json, Map, Value};

/// Options every subcommand understands, plus the subcommand's own (`extra`).
#[derive(Default)]
pub struct Args {
    /// `-f/--flavor` in order.
    pub flavors: Vec<Flavor>,
    /// `-e/--env NAME=VALUE` in order.
    pub env: Vec<(String, String)>,
    /// `-D/--property NAME=VALUE` (JVM system properties) in order.
    pub properties: Vec<(String, String)>,
    /// `--resolve NAME=IP` in order.
    pub resolve: Vec<(String, std::net::IpAddr)>,
    /// `--from FORMAT:PATH` in order (later sources override earlier ones).
    pub from: Vec<(noproxy::sources::Format, String)>,
    /// `--docker-host HOST`: the daemon host a `docker-config` source is read for.
    pub docker_host: Option<String>,
    /// `--docker-env NAME[=VALUE]`: `docker run -e` flags for `docker-config` sources.
    pub docker_env: Vec<String>,
    /// `--docker-build-arg NAME=VALUE`: `--build-arg`s for `--docker-mode` build modes.
    pub docker_build_args: Vec<(String, String)>,
    /// `--docker-mode run|buildx|classic-build`.
    pub docker_mode: Option<String>,
    /// `--clean-env`.
    pub clean_env: bool,
    /// `--json`.
    pub json: bool,
    /// `--show-credentials`: print proxy credentials instead of redacting them.
    pub show_credentials: bool,
    /// The subcommand's own options, `(flag, value)` (value empty for switches), in order.
    pub extra: Vec<(String, String)>,
    /// Positional arguments.
    pub rest: Vec<String>,
}

#[allow(dead_code)] // helpers for subcommands' own options
impl Args {
    /// The last value of a subcommand option.
    pub fn opt(&self, flag: &str) -> Option<&str> {
        self.extra.iter().rev().find(|(f, _)| f == flag).map(|(_, v)| v.as_str())
    }
    /// Every value of a repeatable subcommand option.
    pub fn opts<'a>(&'a self, flag: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.extra.iter().filter(move |(f, _)| f == flag).map(|(_, v)| v.as_str())
    }
    /// Was a subcommand switch given?
    pub fn has(&self, flag: &str) -> bool {
        self.extra.iter().any(|(f, _)| f == flag)
    }
}

/// A subcommand's own option: its spellings (`["-o", "--output"]`) and whether it takes a value.
pub struct Opt {
    pub names: &'static [&'static str],
    pub takes_value: bool,
}

fn kv(flag: &str, s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{flag} wants NAME=VALUE, got {:?}", noproxy::redact_value(s)))
}

/// Scenario commands take no environment or flavor options: the files declare their own.
pub fn reject_env_options(a: &Args, sub: &str) -> Option<ExitCode> {
    let given = !a.flavors.is_empty()
        || !a.env.is_empty()
        || !a.properties.is_empty()
        || !a.resolve.is_empty()
        || a.clean_env
        || a.json
        || a.show_credentials;
    given.then(|| {
        usage_error(&format!(
            "{sub}: scenario files declare their own environment and flavors \
             (no --flavor, --env, -D, --resolve, --clean-env, --json, --show-credentials)"
        ))
    })
}

pub fn usage_error(msg: &str) -> ExitCode {
    eprintln!("noproxy-check: {msg}\nTry 'noproxy-check --help'.");
    ExitCode::from(2)
}

/// Parse the common options and the subcommand's `own` options (stored under their first name).
pub fn parse_args(argv: &[String], own: &[Opt]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut i = 0;
    while i < argv.len() {
        let arg = argv[i].as_str();
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            argv.get(i).cloned().ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-f" | "--flavor" => {
                let id = value("--flavor")?;
                a.flavors.push(id.parse::<Flavor>().map_err(|e| e.to_string())?);
            }
            "-e" | "--env" => {
                let s = value("--env")?;
                a.env.push(kv("--env", &s)?);
            }
            "-D" | "--property" => {
                let s = value("--property")?;
                a.properties.push(kv("--property", &s)?);
            }
            "--resolve" => {
                let s = value("--resolve")?;
                let (name, ip) = kv("--resolve", &s)?;
                let ip = ip.parse().map_err(|_| format!("--resolve wants NAME=IP, {ip:?} is not an IP address"))?;
                a.resolve.push((name, ip));
            }
            "--from" => {
                let s = value("--from")?;
                let (fmt, path) = s.split_once(':').unwrap_or((s.as_str(), ""));
                let fmt: noproxy::sources::Format = fmt.parse()?;
                if path.is_empty() && fmt != noproxy::sources::Format::Env {
                    return Err(format!("--from {fmt} needs a path: --from {fmt}:PATH"));
                }
                a.from.push((fmt, path.to_owned()));
            }
            "--docker-host" => a.docker_host = Some(value("--docker-host")?),
            "--docker-env" => a.docker_env.push(value("--docker-env")?),
            "--docker-build-arg" => {
                let s = value("--docker-build-arg")?;
                a.docker_build_args.push(kv("--docker-build-arg", &s)?);
            }
            "--docker-mode" => {
                let m = value("--docker-mode")?;
                if !["run", "buildx", "classic-build"].contains(&m.as_str()) {
                    return Err(format!("--docker-mode wants run, buildx or classic-build, got {m:?}"));
                }
                a.docker_mode = Some(m);
            }
            "--clean-env" => a.clean_env = true,
            "--json" => a.json = true,
            "--show-credentials" => a.show_credentials = true,
            f if own.iter().any(|o| o.names.contains(&f)) => {
                let o = own.iter().find(|o| o.names.contains(&f)).expect("just matched");
                let v = if o.takes_value {
                    value(o.names[o.names.len() - 1])?
                } else if inline.is_some() {
                    return Err(format!("{f} takes no value"));
                } else {
                    String::new()
                };
                a.extra.push((o.names[o.names.len() - 1].to_owned(), v));
            }
            "--" => {
                a.rest.extend(argv[i + 1..].iter().cloned());
                break;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("unknown option {}", noproxy::redact_value(s)))
            }
            _ => a.rest.push(argv[i].clone()),
        }
        i += 1;
    }
    Ok(a)
}

/// The stable JSON object for one decision (batch line and `--json` result). With
/// `show_credentials` (the user's explicit `--show-credentials`), `proxy_url` carries the proxy
/// URL including its credentials; without it the field is absent.
pub fn decision_json(d: &Decision, show_credentials: bool) -> Map<String, Value> {
    let e = &d.explanation;
    let mut m = Map::new();
    m.insert("flavor".into(), json!(d.flavor));
    m.insert("decision".into(), json!(d.outcome.kind()));
    m.insert("proxy".into(), json!(d.outcome.proxy().map(|p| p.endpoint())));
    m.insert("variable".into(), json!(d.outcome.variable()));
    m.insert("reason".into(), json!(e.rule.as_str()));
    if let noproxy::Outcome::Error { error } = &d.outcome {
        m.insert("error".into(), json!(error.to_string()));
        m.insert("error_kind".into(), serde_json::to_value(error).unwrap_or(Value::Null)["kind"].clone());
    }
    m.insert("proxy_has_credentials".into(), json!(d.outcome.proxy().is_some_and(|p| p.has_credentials())));
    if show_credentials {
        m.insert("proxy_url".into(), json!(d.outcome.proxy().map(|p| p.to_string_with_credentials())));
    }
    m.insert("no_proxy_variable".into(), json!(e.no_proxy.as_ref().map(|n| &n.variable)));
    m.insert(
        "matched_entry".into(),
        match (e.matched_entry(), e.matched) {
            (Some(en), Some(i)) => json!({
                "index": i, "text": en.text, "span": [en.span.start, en.span.end],
                "kind": serde_json::to_value(&en.kind).unwrap_or(Value::Null)["kind"].clone(),
                "meaning": en.kind.to_string(),
            }),
            _ => Value::Null,
        },
    );
    m.insert("explanation".into(), serde_json::to_value(e).unwrap_or(Value::Null));
    m
}

/// The environment the options describe, or exit with status 1 and a message naming the file,
/// line and column when a `--from` file cannot be read.
pub fn build_env(a: &Args) -> ProxyEnv {
    match try_build_env(a) {
        Ok(env) => env,
        Err(e) => {
            eprintln!("noproxy-check: {e}");
            std::process::exit(1);
        }
    }
}

/// Read one `--from` source: `env` without a path is this process's environment.
pub fn read_source(fmt: noproxy::sources::Format, path: &str) -> Result<noproxy::sources::Imported, String> {
    use noproxy::sources::{import, Format, Imported};
    if fmt == Format::Env && (path.is_empty() || path == "-") {
        let (env, diags) = ProxyEnv::from_process();
        for d in diags {
            eprintln!("noproxy-check: warning: {d}");
        }
        return Ok(Imported { env, findings: vec![] });
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        format!("{path}:{line}: not valid UTF-8")
    })?;
    import(fmt, &text, path).map_err(|e| e.to_string())
}

/// A `docker-config` source as the container or build sees it (`--docker-host`,
/// `--docker-env`, `--docker-mode`, `--docker-build-arg`). The docker CLI's own environment for
/// `-e NAME` pass-through is this process's.
fn container_source(a: &Args, path: &str) -> Result<noproxy::sources::Imported, String> {
    use noproxy::sources::docker::{buildkit_run_env, DockerConfig, DEFAULT_DAEMON_HOST};
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    let cfg = DockerConfig::parse(&text, path).map_err(|e| e.to_string())?;
    let host = a.docker_host.as_deref().unwrap_or(DEFAULT_DAEMON_HOST);
    let mut env = ProxyEnv::new();
    match a.docker_mode.as_deref().unwrap_or("run") {
        "buildx" => env = buildkit_run_env(&cfg.buildx_build_args(host, &a.docker_build_args)),
        "classic-build" => {
            for v in cfg.classic_build_args(host, &a.docker_build_args) {
                env.push(v);
            }
        }
        _ => {
            let (cli, _) = ProxyEnv::from_process();
            env = cfg.run_env(host, &[], &a.docker_env, &cli);
        }
    }
    Ok(noproxy::sources::Imported { env, findings: vec![] })
}

/// Like [`build_env`], returning the error instead of exiting. Sources apply in this order:
/// the process environment (unless `--clean-env`, or `--from` is given), each `--from` in
/// order (a later value of the same name wins), then `-e`.
pub fn try_build_env(a: &Args) -> Result<ProxyEnv, String> {
    if !a.from.is_empty() {
        let mut env = ProxyEnv::new();
        // Every source is read, so that every unreadable file is reported at once.
        let mut errors = vec![];
        for (fmt, path) in &a.from {
            let got = if *fmt == noproxy::sources::Format::DockerConfig {
                container_source(a, path)
            } else {
                read_source(*fmt, path)
            };
            match got {
                Ok(got) => {
                    for f in &got.findings {
                        eprintln!("noproxy-check: {fmt}: {f}");
                    }
                    noproxy::sources::overlay(&mut env, &got.env);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors.join("\nnoproxy-check: "));
        }
        for (k, v) in &a.env {
            env.set(k, v);
        }
        for (k, v) in &a.properties {
            env.set_property(k, v);
        }
        for (k, ip) in &a.resolve {
            env.add_host(k, *ip);
        }
        return Ok(env);
    }
    Ok(build_env_plain(a))
}

fn build_env_plain(a: &Args) -> ProxyEnv {
    let mut env = if a.clean_env {
        ProxyEnv::new()
    } else {
        let (env, diags) = ProxyEnv::from_process();
        for d in diags {
            eprintln!("noproxy-check: warning: {d}");
        }
        env
    };
    for (k, v) in &a.env {
        env.set(k, v);
    }
    for (k, v) in &a.properties {
        env.set_property(k, v);
    }
    for (k, ip) in &a.resolve {
        env.add_host(k, *ip);
    }
    env
}

pub fn write_or_fail(r: io::Result<()>) -> ExitCode {
    if r.is_err() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// ANSI colour for human output: only on a terminal, never with `NO_COLOR` set (no-color.org).
#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Decide for stdout.
    pub fn stdout() -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style { on: io::stdout().is_terminal() && !no_color }
    }
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// The flavors asked for, or every family's newest release.
pub fn flavors_or_all(a: &Args) -> Vec<Flavor> {
    if a.flavors.is_empty() {
        Flavor::every_family()
    } else {
        a.flavors.clone()
    }
}

/// Pad to a display width counted in chars.
pub fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_owned()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}
