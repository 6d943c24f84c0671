//! The GitLab Runner proxy guide's files (`examples/gitlab-runner/`), read with
//! `noproxy::sources` and decided per flavor: what the guide's setup really gives each tool.

use noproxy::sources::docker::{DockerConfig, DEFAULT_DAEMON_HOST};
use noproxy::sources::render::{render, TARGETS};
use noproxy::sources::{import, FindingKind, Format, Imported};
use noproxy::{Flavor, Provenance, ProxyEnv};

const DIR: &str = "examples/gitlab-runner";

fn read(file: &str, format: Format) -> Imported {
    let path = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(&path).unwrap();
    import(format, &text, &path).unwrap_or_else(|e| panic!("{e}"))
}

fn at(env: &ProxyEnv, name: &str) -> (String, u32) {
    match &env.var(name).unwrap_or_else(|| panic!("{name} unset")).provenance {
        Provenance::File { path, line } => (path.rsplit('/').next().unwrap().to_owned(), *line),
        p => panic!("{p:?}"),
    }
}

fn decide(flavor: &str, env: &ProxyEnv, url: &str) -> String {
    let f: Flavor = flavor.parse().unwrap();
    let d = f.decide(env, url);
    match d.outcome.proxy() {
        Some(p) => format!("proxy {} via {}", p.endpoint(), d.outcome.variable().unwrap()),
        None => d.outcome.kind().to_owned(),
    }
}

#[test]
fn cntlm_conf_gives_the_local_proxy_and_flags_the_password() {
    let got = read("cntlm.conf", Format::Cntlm);
    assert_eq!(got.env.get("HTTP_PROXY"), Some("http://172.17.0.1:3128/"));
    assert_eq!(at(&got.env, "https_proxy"), ("cntlm.conf".into(), 7));
    let k: Vec<(FindingKind, u32)> = got.findings.iter().map(|f| (f.kind, f.line)).collect();
    assert_eq!(k, [(FindingKind::PlainTextCredentials, 4)], "Listen is on docker0: no Listen finding");
}

#[test]
fn docker_service_drop_in() {
    let got = read("docker.service.d-http-proxy.conf", Format::Systemd);
    assert_eq!(at(&got.env, "HTTPS_PROXY"), ("docker.service.d-http-proxy.conf".into(), 4));
    // dockerd pulls through the proxy
    assert_eq!(
        decide("docker", &got.env, "https://registry-1.docker.io/v2/"),
        "proxy http://172.17.0.1:3128 via HTTPS_PROXY"
    );
}

#[test]
fn runner_drop_in_and_systemctl_show() {
    let d = read("gitlab-runner.service.d-http-proxy.conf", Format::Systemd);
    assert_eq!(at(&d.env, "NO_PROXY"), ("gitlab-runner.service.d-http-proxy.conf".into(), 6));
    assert_eq!(decide("go", &d.env, "https://gitlab.example.com/api/v4/jobs/request"), "direct");
    let s = read("systemctl-show.txt", Format::SystemctlShow);
    // the guide's expected output shows the drop-in without NO_PROXY
    assert_eq!(s.env.get("NO_PROXY"), None);
    assert_eq!(s.env.get("HTTPS_PROXY"), d.env.get("HTTPS_PROXY"));
}

#[test]
fn runner_config_toml_environment_and_scripts() {
    let path = format!("{DIR}/config.toml");
    let runners = noproxy::sources::runner::parse(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
    let r = &runners[0];
    // the guide sets the upper-case spellings without a scheme
    assert_eq!(r.env.get("HTTPS_PROXY"), Some("172.17.0.1:3128"));
    assert_eq!(r.env.get("https_proxy"), Some("http://172.17.0.1:3128"));
    assert!(r.findings.iter().any(|f| f.kind == FindingKind::SpellingsDisagree && f.line == 10));
    // Go reads HTTPS_PROXY and adds http://; curl reads https_proxy: same proxy, by luck
    assert_eq!(decide("go", &r.env, "https://gitlab.example.com/"), "proxy http://172.17.0.1:3128 via HTTPS_PROXY");
    assert_eq!(decide("curl", &r.env, "https://gitlab.example.com/"), "proxy http://172.17.0.1:3128 via https_proxy");
    // pre_get_sources_script: git's own proxy settings
    let git: Vec<(&str, &str)> = r.git_proxies.iter().map(|g| (g.key.as_str(), g.value.as_str())).collect();
    assert_eq!(git, [("http.proxy", "172.17.0.1:3128"), ("https.proxy", "172.17.0.1:3128")]);
    // pre_build_script writes config.json from $HTTP_PROXY, $HTTPS_PROXY and $NO_PROXY; the
    // runner's environment has no NO_PROXY, so containers the job starts get no NO_PROXY and
    // the dind daemon at docker:2376 is reached through the proxy.
    let cfg = r.docker_config.as_ref().expect("pre_build_script writes config.json");
    assert!(r.findings.iter().any(|f| f.kind == FindingKind::Unexpanded && f.message.contains("$NO_PROXY")));
    let container = cfg.run_env(DEFAULT_DAEMON_HOST, &[], &[], &ProxyEnv::new());
    assert_eq!(container.get("NO_PROXY"), None);
    assert_eq!(container.get("http_proxy"), Some("172.17.0.1:3128"));
    assert_eq!(at(&container, "HTTPS_PROXY"), ("config.toml".into(), 11));
    assert_eq!(
        decide("docker", &container, "https://docker:2376/v1.49/info"),
        "proxy http://172.17.0.1:3128 via HTTPS_PROXY"
    );
}

#[test]
fn dind_config_json_no_proxy_with_ports() {
    let got = read("root-docker-config.json", Format::DockerConfig);
    assert_eq!(got.env.get("no_proxy"), Some("docker:2375,docker:2376"));
    assert_eq!(at(&got.env, "NO_PROXY"), ("root-docker-config.json".into(), 6));
    // the docker client in the container honours the port; curl never matches an entry with a port
    assert_eq!(decide("docker", &got.env, "https://docker:2376/"), "direct");
    assert_eq!(decide("go", &got.env, "http://docker:2375/"), "direct");
    assert_eq!(decide("curl@7.88.1", &got.env, "https://docker:2376/"), "proxy http://proxy:8080 via https_proxy");
    // buildx sends the upper-case spellings only; BuildKit gives RUN both
    let cfg =
        DockerConfig::parse(&std::fs::read_to_string(format!("{DIR}/root-docker-config.json")).unwrap(), "c").unwrap();
    let run = noproxy::sources::docker::buildkit_run_env(&cfg.buildx_build_args(DEFAULT_DAEMON_HOST, &[]));
    assert_eq!(run.get("no_proxy"), Some("docker:2375,docker:2376"));
}

#[test]
fn gitlab_ci_before_script() {
    let got = read("gitlab-ci.yml", Format::GitlabCi);
    assert_eq!(got.env.get("NO_PROXY"), Some("docker:2375,docker:2376"));
    assert_eq!(at(&got.env, "NO_PROXY"), ("gitlab-ci.yml".into(), 5));
    // the guide's echo of JSON into $HOME/.docker/config.json is recognised
    assert!(
        got.findings.iter().any(|f| f.kind == FindingKind::DockerConfigWritten && f.line == 7),
        "{:?}",
        got.findings
    );
}

#[test]
fn every_example_renders_into_every_format() {
    for (file, fmt) in [
        ("cntlm.conf", Format::Cntlm),
        ("docker.service.d-http-proxy.conf", Format::Systemd),
        ("gitlab-runner.service.d-http-proxy.conf", Format::Systemd),
        ("systemctl-show.txt", Format::SystemctlShow),
        ("config.toml", Format::RunnerToml),
        ("root-docker-config.json", Format::DockerConfig),
        ("gitlab-ci.yml", Format::GitlabCi),
    ] {
        let env = read(file, fmt).env;
        for (name, t) in TARGETS {
            let r = render(*t, &env);
            let back_fmt: Format = name.parse().unwrap_or(Format::Dotenv);
            let back =
                import(back_fmt, &r.text, "rendered").unwrap_or_else(|e| panic!("{file} → {name}: {e}\n{}", r.text));
            for v in back.env.vars() {
                // a format with one value per kind writes the upper-case spelling's value (and warns)
                let spellings = [v.name.clone(), v.name.to_ascii_uppercase(), v.name.to_ascii_lowercase()];
                let ok = spellings.iter().any(|n| env.get(n) == Some(v.value.as_str()));
                assert!(ok, "{file} → {name}: {} = {:?}", v.name, v.value);
            }
        }
    }
}
