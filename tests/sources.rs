//! Importers, renderers and the container simulation (`noproxy::sources`).

use noproxy::sources::docker::{buildkit_run_env, DockerConfig, DEFAULT_DAEMON_HOST};
use noproxy::sources::render::{render, Target};
use noproxy::sources::{import, FindingKind, Format};
use noproxy::{Provenance, ProxyEnv};

fn pairs(env: &ProxyEnv) -> Vec<(String, String)> {
    env.vars().iter().map(|v| (v.name.clone(), v.value.clone())).collect()
}

fn sorted(env: &ProxyEnv) -> Vec<(String, String)> {
    let mut p = pairs(env);
    p.sort();
    p
}

fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

fn line(env: &ProxyEnv, name: &str) -> u32 {
    match &env.var(name).expect(name).provenance {
        Provenance::File { line, .. } => *line,
        other => panic!("{name}: {other:?}"),
    }
}

fn kinds(f: &[noproxy::sources::Finding]) -> Vec<FindingKind> {
    f.iter().map(|f| f.kind).collect()
}

// ===== systemd =====

#[test]
fn systemd_quoting_as_in_systemd_exec_man_page() {
    // systemd.exec(5): Environment="VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"
    let t = "[Service]\nEnvironment=\"VAR1=word1 word2\" VAR2=word3 \"VAR3=$word 5 6\"\n";
    let got = import(Format::Systemd, t, "u").unwrap();
    assert_eq!(got.env.vars().len(), 0, "not proxy variables");
    let t = "[Service]\nEnvironment=\"HTTP_PROXY=a b\" NO_PROXY=x \"http_proxy=$word 5 6\"\n";
    let got = import(Format::Systemd, t, "u").unwrap();
    assert_eq!(pairs(&got.env), p(&[("HTTP_PROXY", "a b"), ("NO_PROXY", "x"), ("http_proxy", "$word 5 6")]));
}

#[test]
fn systemd_escapes_specifiers_reset_unset_continuation() {
    let t = "[Unit]\nEnvironment=NO_PROXY=unit-section\n[Service]\n\
             Environment=NO_PROXY=first\n\
             Environment=no_proxy=a\\x2cb 'HTTP_PROXY=http://p.invalid:1/%%' \\\n  https_proxy=\\u00e9\n\
             Environment=NO_PROXY=second\n\
             Environment=ALL_PROXY=keep F=\\q all_proxy=lost\n\
             Environment=ftp_proxy=%z FTP_PROXY=%H\n\
             UnsetEnvironment=ftp_proxy\n";
    let got = import(Format::Systemd, t, "d.conf").unwrap();
    assert_eq!(got.env.get("NO_PROXY"), Some("second"));
    assert_eq!(line(&got.env, "NO_PROXY"), 7);
    assert_eq!(got.env.get("no_proxy"), Some("a,b"));
    assert_eq!(got.env.get("HTTP_PROXY"), Some("http://p.invalid:1/%"));
    assert_eq!(got.env.get("https_proxy"), Some("é"));
    assert_eq!(line(&got.env, "https_proxy"), 5, "continuation keeps the first line");
    assert_eq!(got.env.get("ALL_PROXY"), Some("keep"), "words before an invalid escape are kept");
    assert_eq!(got.env.get("all_proxy"), None, "the rest of the line is ignored");
    assert_eq!(got.env.get("FTP_PROXY"), Some("%H"), "known specifier kept as written");
    assert_eq!(got.env.get("ftp_proxy"), None, "unknown specifier: ignored");
    let k = kinds(&got.findings);
    assert!(k.contains(&FindingKind::Ignored) && k.contains(&FindingKind::Unexpanded));
    // empty Environment= resets
    let got = import(Format::Systemd, "[Service]\nEnvironment=NO_PROXY=x\nEnvironment=\nEnvironment=no_proxy=y\n", "d")
        .unwrap();
    assert_eq!(pairs(&got.env), p(&[("no_proxy", "y")]));
    // unbalanced quote
    let got = import(Format::Systemd, "[Service]\nEnvironment=NO_PROXY=x \"no_proxy=y\n", "d").unwrap();
    assert_eq!(pairs(&got.env), p(&[("NO_PROXY", "x")]));
}

#[test]
fn systemctl_show_output() {
    // gitlab-org/gitlab-runner#4921
    let t = "Environment=HTTP_PROXY=http://proxy.omgtu:8080/ HTTPS_PROXY=http://proxy.omgtu:8080/ FTP_PROXY=http://proxy.omgtu:8080/ http_proxy=http://proxy.omgtu:8080/\n";
    let got = import(Format::SystemctlShow, t, "show").unwrap();
    assert_eq!(got.env.vars().len(), 4);
    // shell_maybe_quote: "…" with \" \\ \` \$ escaped
    let t = "Id=x\nEnvironment=\"NO_PROXY=a b\" \"http_proxy=\\$x\\\"\\\\\" https_proxy=é\n";
    let got = import(Format::SystemctlShow, t, "show").unwrap();
    assert_eq!(pairs(&got.env), p(&[("NO_PROXY", "a b"), ("http_proxy", "$x\"\\"), ("https_proxy", "é")]));
    assert_eq!(line(&got.env, "NO_PROXY"), 2);
    let e = import(Format::SystemctlShow, "Environment=\"NO_PROXY=a\n", "show").unwrap_err();
    assert_eq!((e.line, e.column), (1, 13));
    assert!(import(Format::SystemctlShow, "nothing\n", "show").is_err());
}

// ===== env blocks and dotenv =====

#[test]
fn env_block_newline_and_nul() {
    let got =
        import(Format::Env, "PATH=/bin\nHTTP_PROXY=http://a.invalid:1 # not a comment\nno_proxy='x'\n", "env").unwrap();
    assert_eq!(pairs(&got.env), p(&[("HTTP_PROXY", "http://a.invalid:1 # not a comment"), ("no_proxy", "'x'")]));
    assert_eq!(line(&got.env, "no_proxy"), 3);
    let got = import(Format::Env, "A=1\0NO_PROXY=a\nb\0", "environ").unwrap();
    assert_eq!(got.env.get("NO_PROXY"), Some("a\nb"));
    assert_eq!(line(&got.env, "NO_PROXY"), 2);
}

#[test]
fn dotenv_posix_quoting() {
    let t = "# proxies\nexport HTTP_PROXY='http://u:p@proxy.invalid:3128'\nNO_PROXY=\"a,b\" # comment\n\
             https_proxy=x\\ y\"z\"'w'\nA=base\nall_proxy=\"$A/${A}\\$A\"\nexport no_proxy=$NO_PROXY,c ftp_proxy=$no_proxy\n";
    let got = import(Format::Dotenv, t, ".env").unwrap();
    assert_eq!(got.env.get("HTTP_PROXY"), Some("http://u:p@proxy.invalid:3128"));
    assert_eq!(got.env.get("NO_PROXY"), Some("a,b"));
    assert_eq!(got.env.get("https_proxy"), Some("x yzw"));
    assert_eq!(got.env.get("all_proxy"), Some("base/base$A"));
    assert_eq!(got.env.get("no_proxy"), Some("a,b,c"));
    assert_eq!(got.env.get("ftp_proxy"), Some(""), "export's arguments are expanded before it runs");
    assert_eq!(line(&got.env, "NO_PROXY"), 3);
    assert!(got.findings.iter().any(|f| f.kind == FindingKind::Unexpanded && f.line == 7));
    // multi-line single quotes
    let got = import(Format::Dotenv, "NO_PROXY='a\nb'\n", ".env").unwrap();
    assert_eq!(got.env.get("NO_PROXY"), Some("a\nb"));
}

#[test]
fn dotenv_errors_have_line_and_column() {
    let e = import(Format::Dotenv, "A=1\nNO_PROXY=$(hostname)\n", ".env").unwrap_err();
    assert_eq!((e.line, e.column), (2, 10));
    assert!(e.message.contains("command substitution"));
    let e = import(Format::Dotenv, "A=1\n  NO_PROXY='x\n", ".env").unwrap_err();
    assert_eq!((e.line, e.column), (2, 12));
    let e = import(Format::Dotenv, "echo hi\n", ".env").unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    assert_eq!(e.to_string(), ".env:1:1: not an assignment: only NAME=value and export NAME=value are understood");
}

// ===== Docker =====

#[test]
fn daemon_json_and_flags_set_both_spellings() {
    let t = "{\n  \"debug\": true,\n  \"proxies\": {\n    \"http-proxy\": \"http://p.invalid:3128\",\n    \"no-proxy\": \"*.test.example.com,.example.org\",\n    \"https-proxy\": \"\"\n  }\n}\n";
    let got = import(Format::DaemonJson, t, "daemon.json").unwrap();
    assert_eq!(
        sorted(&got.env),
        p(&[
            ("HTTP_PROXY", "http://p.invalid:3128"),
            ("NO_PROXY", "*.test.example.com,.example.org"),
            ("http_proxy", "http://p.invalid:3128"),
            ("no_proxy", "*.test.example.com,.example.org")
        ])
    );
    assert_eq!(line(&got.env, "no_proxy"), 5);
    assert!(kinds(&got.findings).contains(&FindingKind::Ignored), "empty value leaves the environment alone");
    let got = import(
        Format::DaemonJson,
        "ExecStart=/usr/bin/dockerd -H fd:// --http-proxy http://p.invalid:1 \\\n  --no-proxy=localhost\n",
        "flags",
    )
    .unwrap();
    assert_eq!(got.env.get("http_proxy"), Some("http://p.invalid:1"));
    assert_eq!(got.env.get("NO_PROXY"), Some("localhost"));
    assert_eq!(line(&got.env, "NO_PROXY"), 2);
    let e = import(Format::DaemonJson, "{\n  \"proxies\": {\"http-proxy\": 3128}\n}", "daemon.json").unwrap_err();
    assert_eq!((e.line, e.column), (2, 29));
}

const CFG: &str = r#"{
  "auths": {},
  "proxies": {
    "default": {
      "httpProxy": "http://p.invalid:3128",
      "noProxy": "internal",
      "allProxy": "socks5://s.invalid:1080"
    },
    "tcp://h.invalid:2376": {
      "HttpsProxy": "http://q.invalid:1"
    }
  }
}"#;

fn cfg() -> DockerConfig {
    DockerConfig::parse(CFG, "config.json").unwrap()
}

#[test]
fn docker_run_injects_both_spellings() {
    // research matrix DK1
    let env = cfg().run_env(DEFAULT_DAEMON_HOST, &[], &[], &ProxyEnv::new());
    assert_eq!(
        sorted(&env),
        p(&[
            ("ALL_PROXY", "socks5://s.invalid:1080"),
            ("HTTP_PROXY", "http://p.invalid:3128"),
            ("NO_PROXY", "internal"),
            ("all_proxy", "socks5://s.invalid:1080"),
            ("http_proxy", "http://p.invalid:3128"),
            ("no_proxy", "internal")
        ])
    );
    assert_eq!(line(&env, "no_proxy"), 6);
    assert_eq!(import(Format::DockerConfig, CFG, "config.json").unwrap().env, env);
}

#[test]
fn docker_run_presence_check_is_per_spelling() {
    let c = cfg();
    // DK2: -e HTTP_PROXY=mine: the lower-case spelling still comes from config.json
    let env = c.run_env(DEFAULT_DAEMON_HOST, &[], &["HTTP_PROXY=http://mine.invalid".into()], &ProxyEnv::new());
    assert_eq!(env.get("HTTP_PROXY"), Some("http://mine.invalid"));
    assert_eq!(env.get("http_proxy"), Some("http://p.invalid:3128"));
    assert_eq!(env.var("HTTP_PROXY").unwrap().provenance, Provenance::Given);
    // DK3: -e http_proxy= (empty, the user's)
    let env = c.run_env(DEFAULT_DAEMON_HOST, &[], &["http_proxy=".into()], &ProxyEnv::new());
    assert_eq!((env.get("http_proxy"), env.get("HTTP_PROXY")), (Some(""), Some("http://p.invalid:3128")));
    // DK4: -e HTTP_PROXY (pass-through): from the CLI's environment if set there, else nothing
    let cli = ProxyEnv::builder().var("HTTP_PROXY", "http://cli.invalid").build();
    let env = c.run_env(DEFAULT_DAEMON_HOST, &[], &["HTTP_PROXY".into()], &cli);
    assert_eq!(env.get("HTTP_PROXY"), Some("http://cli.invalid"));
    let env = c.run_env(DEFAULT_DAEMON_HOST, &[], &["HTTP_PROXY".into()], &ProxyEnv::new());
    assert_eq!((env.get("HTTP_PROXY"), env.get("http_proxy")), (None, Some("http://p.invalid:3128")));
    // DK5: --env-file is not consulted: the injected value replaces it
    let env = c.run_env(DEFAULT_DAEMON_HOST, &[("HTTP_PROXY".into(), "x".into())], &[], &ProxyEnv::new());
    assert_eq!(env.get("HTTP_PROXY"), Some("http://p.invalid:3128"));
}

#[test]
fn docker_host_block_replaces_default() {
    // DK6, and Go's case-insensitive field names ("HttpsProxy")
    let env = cfg().run_env("tcp://h.invalid:2376", &[], &[], &ProxyEnv::new());
    assert_eq!(sorted(&env), p(&[("HTTPS_PROXY", "http://q.invalid:1"), ("https_proxy", "http://q.invalid:1")]));
    // exact key match only
    let env = cfg().run_env("tcp://H.invalid:2376", &[], &[], &ProxyEnv::new());
    assert_eq!(env.get("NO_PROXY"), Some("internal"));
}

#[test]
fn buildx_upper_case_only_no_all_proxy_and_buildkit_fold() {
    let c = cfg();
    // DK7
    let args = c.buildx_build_args(DEFAULT_DAEMON_HOST, &[]);
    let names: Vec<&str> = args.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["HTTP_PROXY", "NO_PROXY"]);
    let run = buildkit_run_env(&args);
    assert_eq!(
        sorted(&run),
        p(&[
            ("HTTP_PROXY", "http://p.invalid:3128"),
            ("NO_PROXY", "internal"),
            ("http_proxy", "http://p.invalid:3128"),
            ("no_proxy", "internal")
        ])
    );
    // DK8: --build-arg http_proxy=mine suppresses the config's HTTP_PROXY (case-insensitive)
    let args = c.buildx_build_args(DEFAULT_DAEMON_HOST, &[("http_proxy".into(), "http://mine.invalid".into())]);
    let run = buildkit_run_env(&args);
    assert_eq!(
        (run.get("HTTP_PROXY"), run.get("http_proxy")),
        (Some("http://mine.invalid"), Some("http://mine.invalid"))
    );
    // DK9: both spellings given, lower case wins (sorted keys, last match wins)
    let args = c.buildx_build_args(
        DEFAULT_DAEMON_HOST,
        &[("HTTP_PROXY".into(), "a".into()), ("http_proxy".into(), "b".into())],
    );
    let run = buildkit_run_env(&args);
    assert_eq!((run.get("HTTP_PROXY"), run.get("http_proxy")), (Some("b"), Some("b")));
    // an empty build arg removes the proxy from RUN
    let run = buildkit_run_env(&c.buildx_build_args(DEFAULT_DAEMON_HOST, &[("HTTP_PROXY".into(), "".into())]));
    assert_eq!(run.get("HTTP_PROXY"), None);
    // DK10: the classic builder injects every kind, both spellings, ALL_PROXY included
    let args = c.classic_build_args(DEFAULT_DAEMON_HOST, &[]);
    assert_eq!(args.len(), 6);
    assert!(args.iter().any(|a| a.name == "all_proxy"));
}

#[test]
fn docker_config_errors() {
    let e = DockerConfig::parse("{\n  \"proxies\": {\n    \"default\": {\"httpProxy\": [1]}\n  }\n}", "c.json")
        .unwrap_err();
    assert_eq!((e.line, e.column), (3, 30));
    let e = DockerConfig::parse("{\n  \"proxies\": {,}\n}", "c.json").unwrap_err();
    assert_eq!((e.line, e.column), (2, 15));
    assert_eq!(e.to_string(), "c.json:2:15: expected a string key");
    let e = DockerConfig::parse("{\"proxies\": {\"default\": {\"noProxy\": \"a\u{1}\"}}}", "c.json").unwrap_err();
    assert!(e.message.contains("control character"));
}

// ===== GitLab Runner =====

#[test]
fn runner_environment_and_scripts() {
    let t = r#"
concurrent = 4 # comment
[[runners]]
  name = "first"
  environment = [
    "HTTP_PROXY=http://p.invalid:3128", # trailing comment
    'no_proxy=docker:2375,docker:2376',
    "NO_PROXY=a=b",
    "bad",
  ]
  pre_build_script = '''
export https_proxy='http://s.invalid:1'
mkdir -p "$HOME/.docker" && printf '%s\n' '{"proxies":{"default":{"httpProxy":"'"$HTTP_PROXY"'"}}}' > "$HOME/.docker/config.json"
'''
  [runners.docker]
    volumes = ["/cache", {a = 1}]
[[runners]]
  name = "second"
"#;
    let runners = noproxy::sources::runner::parse(t, "config.toml").unwrap();
    assert_eq!(runners.len(), 2);
    let r = &runners[0];
    assert_eq!(r.name.as_deref(), Some("first"));
    assert_eq!(r.line, 3);
    assert_eq!(r.env.get("NO_PROXY"), Some("a=b"));
    assert_eq!(line(&r.env, "no_proxy"), 7);
    assert_eq!(r.env.get("https_proxy"), Some("http://s.invalid:1"));
    let cfg = r.docker_config.as_ref().expect("config.json written");
    let (_, block) = cfg.block_for(DEFAULT_DAEMON_HOST).unwrap();
    assert_eq!(block.http_proxy.as_ref().unwrap().value, "http://p.invalid:3128");
    assert!(kinds(&r.findings).contains(&FindingKind::Ignored), "\"bad\" has no NAME=");
    let got = import(Format::RunnerToml, t, "config.toml").unwrap();
    assert!(kinds(&got.findings).contains(&FindingKind::Ambiguous));
}

#[test]
fn runner_toml_errors() {
    let e = import(Format::RunnerToml, "[[runners]]\n  environment = [\"A=1\",\n  name = 1\n", "c.toml").unwrap_err();
    assert_eq!(e.line, 3);
    let e = import(Format::RunnerToml, "[[runners]]\nname = \"a\"\nname = \"b\"\n", "c.toml").unwrap_err();
    assert_eq!((e.line, e.column), (3, 1));
    let e = import(Format::RunnerToml, "[[runners]]\nenvironment = \"HTTP_PROXY=x\"\n", "c.toml").unwrap_err();
    assert_eq!((e.line, e.column), (2, 15));
    let e = import(Format::RunnerToml, "[[runners]]\nenvironment = [\"a\\q\"]\n", "c.toml").unwrap_err();
    assert_eq!((e.line, e.column), (2, 18));
}

// ===== cntlm =====

#[test]
fn cntlm_listen_and_credentials() {
    let c = noproxy::sources::cntlm::parse("Listen 3128\nPassword secret # no\nPassNTLMv2 ABCD\n");
    let f = c.lint("c", "172.17.0.1");
    assert_eq!(
        kinds(&f),
        [FindingKind::ListenLoopbackOnly, FindingKind::PlainTextCredentials, FindingKind::PasswordHash]
    );
    let c = noproxy::sources::cntlm::parse("Gateway yes\nListen 3128\n");
    assert_eq!(kinds(&c.lint("c", "172.17.0.1")), [FindingKind::ListenExposed]);
    assert_eq!(c.local_proxy_url("172.17.0.1").unwrap().0, "http://172.17.0.1:3128/");
    let c = noproxy::sources::cntlm::parse("Listen 10.1.2.3:3128\n");
    assert_eq!(kinds(&c.lint("c", "172.17.0.1")), [FindingKind::ListenNotDocker0]);
    // config_open drops a last line without a newline
    assert!(noproxy::sources::cntlm::parse("Listen 172.17.0.1:3128").listen.is_empty());
    assert!(import(Format::Cntlm, "Listen 172.17.0.1:3128", "c").is_err());
    // a quoted value keeps '#'
    let c = noproxy::sources::cntlm::parse("Listen \"127.0.0.1:3128\" # x\n");
    assert_eq!(c.listen[0].addr.as_deref(), Some("127.0.0.1"));
}

// ===== render =====

#[test]
fn render_runner_toml_escapes_json_inside_shell_inside_toml() {
    let env = ProxyEnv::builder()
        .var("HTTP_PROXY", "http://u:p\"w'd$x\\@proxy.invalid:3128")
        .var("NO_PROXY", "docker:2375,docker:2376")
        .build();
    let r = render(Target::RunnerToml, &env);
    assert!(r.warnings.iter().any(|w| w.contains("credentials")), "{:?}", r.warnings);
    assert!(!r.warnings.iter().any(|w| w.contains("p\"w")), "warnings are redacted");
    let runners = noproxy::sources::runner::parse(&r.text, "r.toml").unwrap();
    let r0 = &runners[0];
    assert_eq!(r0.env.get("http_proxy"), env.get("HTTP_PROXY"), "both spellings");
    assert_eq!(r0.env.get("no_proxy"), Some("docker:2375,docker:2376"));
    let (_, b) = r0.docker_config.as_ref().unwrap().block_for(DEFAULT_DAEMON_HOST).unwrap();
    assert_eq!(b.http_proxy.as_ref().unwrap().value, env.get("HTTP_PROXY").unwrap());
    assert_eq!(b.no_proxy.as_ref().unwrap().value, "docker:2375,docker:2376");
}

#[test]
fn render_daemon_json_leaves_out_what_dockerd_cannot_hold() {
    let env =
        ProxyEnv::builder().both("http_proxy", "http://p.invalid:1").var("ALL_PROXY", "socks5://s.invalid:1").build();
    let r = render(Target::DaemonJson, &env);
    assert!(r.text.contains("\"http-proxy\": \"http://p.invalid:1\""), "{}", r.text);
    assert!(!r.text.contains("socks5"));
    assert!(r.warnings.iter().any(|w| w.contains("ALL_PROXY")));
}

#[test]
fn debug_output_redacts_credentials() {
    let cfg =
        DockerConfig::parse(r#"{"proxies":{"default":{"httpProxy":"http://u:hunter2@p.invalid:1"}}}"#, "c").unwrap();
    assert!(!format!("{cfg:?}").contains("hunter2"));
    let t = "[[runners]]\nenvironment = [\"HTTP_PROXY=http://u:hunter2@p.invalid:1\"]\npre_get_sources_script = \"git config --global http.proxy $HTTP_PROXY\"\n";
    let r = noproxy::sources::runner::parse(t, "c").unwrap();
    assert!(!format!("{r:?}").contains("hunter2"));
    let f = &r[0].findings;
    assert!(f.iter().all(|f| !f.to_string().contains("hunter2")));
    let env = ProxyEnv::builder().var("HTTP_PROXY", "http://u:hunter2@p.invalid:1").build();
    let rendered = render(Target::Shell, &env);
    assert!(rendered.text.contains("hunter2"), "render writes credentials");
    assert!(!format!("{rendered:?}").contains("hunter2"));
    let e = import(Format::RunnerToml, "x = http://u:hunter2@p\n", "c").unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
}

#[test]
fn cntlm_single_options_first_occurrence() {
    let c = noproxy::sources::cntlm::parse("GATEWAY yes\ngateway no\nlisten 3128\n");
    assert!(c.gateway, "keywords are case-insensitive; the first Gateway counts");
    assert_eq!(c.listen[0].bind(c.gateway), "0.0.0.0");
}
