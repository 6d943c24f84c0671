//! Properties of `noproxy::sources`: render → import gives the same environment for every
//! format (R-SRC-RENDER-ROUNDTRIP), and hostile files never panic, nest without bound or take
//! more than linear time.

use std::time::Instant;

use noproxy::sources::docker::DEFAULT_DAEMON_HOST;
use noproxy::sources::render::{render, Target};
use noproxy::sources::{import, Format, FORMATS};
use noproxy::ProxyEnv;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;

/// Characters that break naive quoting, plus non-ASCII.
const CHARS: &[char] = &[
    'a', 'Z', '0', ':', '/', '.', ',', '@', '=', ' ', '\t', '\n', '\r', '"', '\'', '\\', '$', '`', '%', '#', ';', '&',
    '|', '{', '}', '[', ']', '*', '~', '!', '(', ')', '<', '>', '-', '_', '\u{1}', '\u{7f}', 'é', 'ß', '日', '🙂',
    '\u{2028}', '\u{85}',
];

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(select(CHARS), 0..24).prop_map(String::from_iter)
}

fn nonempty_value() -> impl Strategy<Value = String> {
    prop::collection::vec(select(CHARS), 1..24).prop_map(String::from_iter)
}

const NAMES: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "Http_Proxy",
    "ws_proxy",
    "REQUEST_METHOD",
];

/// An environment of distinct proxy variable names with arbitrary values.
fn env() -> impl Strategy<Value = ProxyEnv> {
    prop::collection::vec((select(NAMES), value()), 0..8).prop_map(|vs| {
        let mut e = ProxyEnv::new();
        for (n, v) in vs {
            if e.get(n).is_none() {
                e.set(n, &v);
            }
        }
        e
    })
}

/// Both spellings of some Docker kinds, equal and non-empty (what Docker files can hold).
fn docker_env(kinds: &'static [&'static str]) -> impl Strategy<Value = ProxyEnv> {
    prop::collection::vec((select(kinds), nonempty_value()), 0..6).prop_map(|vs| {
        let mut e = ProxyEnv::new();
        for (k, v) in vs {
            if e.get(k).is_none() {
                e.set(k, &v);
                e.set(&k.to_ascii_lowercase(), &v);
            }
        }
        e
    })
}

fn pairs(env: &ProxyEnv) -> Vec<(String, String)> {
    env.vars().iter().map(|v| (v.name.clone(), v.value.clone())).collect()
}

fn sorted(env: &ProxyEnv) -> Vec<(String, String)> {
    let mut p = pairs(env);
    p.sort();
    p
}

fn roundtrip(target: Target, format: Format, env: &ProxyEnv) -> ProxyEnv {
    let r = render(target, env);
    match import(format, &r.text, "rendered") {
        Ok(got) => got.env,
        Err(e) => panic!("{target} does not read back: {e}\n{}", r.text),
    }
}

const KINDS: [&str; 5] = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "FTP_PROXY", "ALL_PROXY"];

proptest! {
    #![proptest_config(Config { cases: 256, failure_persistence: None, ..Config::default() })]

    #[test]
    fn shell_dotenv_systemd_gitlab_ci_round_trip(e in env()) {
        for (t, f) in [(Target::Shell, Format::Dotenv), (Target::Dotenv, Format::Dotenv), (Target::Systemd, Format::Systemd), (Target::GitlabCi, Format::GitlabCi)] {
            prop_assert_eq!(pairs(&roundtrip(t, f, &e)), pairs(&e), "{}", t);
        }
    }

    #[test]
    fn runner_toml_round_trip_adds_the_other_spelling(e in env()) {
        let mut want = pairs(&e);
        for k in KINDS {
            let l = k.to_ascii_lowercase();
            match (e.get(k), e.get(&l)) {
                (Some(v), None) => want.push((l, v.to_owned())),
                (None, Some(v)) => want.push((k.to_owned(), v.to_owned())),
                _ => {}
            }
        }
        let text = render(Target::RunnerToml, &e).text;
        let runners = noproxy::sources::runner::parse(&text, "r").map_err(|x| TestCaseError::fail(format!("{x}\n{text}")))?;
        prop_assert_eq!(pairs(&runners[0].env), want);
        // the pre_build_script's config.json carries the same values, byte for byte
        let mut injected = ProxyEnv::new();
        if let Some(cfg) = &runners[0].docker_config {
            injected = cfg.run_env(DEFAULT_DAEMON_HOST, &[], &[], &ProxyEnv::new());
        }
        for k in KINDS {
            let v = e.get(k).or(e.get(&k.to_ascii_lowercase())).filter(|v| !v.is_empty());
            prop_assert_eq!(injected.get(k), v, "{}", k);
        }
    }

    #[test]
    fn daemon_json_round_trip(e in docker_env(&["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"])) {
        prop_assert_eq!(sorted(&roundtrip(Target::DaemonJson, Format::DaemonJson, &e)), sorted(&e));
    }

    #[test]
    fn docker_config_round_trip(e in docker_env(&KINDS)) {
        prop_assert_eq!(sorted(&roundtrip(Target::DockerConfig, Format::DockerConfig, &e)), sorted(&e));
    }

    #[test]
    fn hostile_text_never_panics(s in prop::collection::vec(select(CHARS), 0..200).prop_map(String::from_iter)) {
        for (_, f) in FORMATS {
            let _ = import(*f, &s, "x");
            let _ = import(*f, &format!("[Service]\nEnvironment={s}\n"), "x");
            let _ = import(*f, &format!("{{\"proxies\":{{\"default\":{{\"httpProxy\":{s}}}}}}}"), "x");
            let _ = import(*f, &format!("[[runners]]\nenvironment = [{s}]\npre_build_script = \"{s}\"\n"), "x");
        }
        let _ = noproxy::retry::parse_http_date(&s);
        let _ = noproxy::retry::delay(&[("RateLimit-ResetTime", &s), ("Retry-After", &s)], 0, 3);
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in any::<String>()) {
        for (_, f) in FORMATS {
            let _ = import(*f, &s, "x");
        }
        let _ = noproxy::retry::parse_http_date(&s);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = "[".repeat(200_000);
    let e = import(Format::DockerConfig, &format!("{{\"proxies\": {deep}"), "deep.json").unwrap_err();
    assert!(e.message.contains("nesting"), "{e}");
    let e = import(Format::DaemonJson, &format!("{{\"a\": {deep}"), "deep.json").unwrap_err();
    assert!(e.message.contains("nesting"), "{e}");
    let e = import(Format::RunnerToml, &format!("[[runners]]\nx = {deep}"), "deep.toml").unwrap_err();
    assert!(e.message.contains("nesting"), "{e}");
    let e =
        import(Format::RunnerToml, &format!("[[runners]]\nx = {}", "{a = ".repeat(100_000)), "deep.toml").unwrap_err();
    assert!(e.message.contains("nesting"), "{e}");
}

/// Time for `n` copies vs `4n` copies: linear means a ratio near 4; allow 12 for noise.
fn linear(format: Format, unit: &str, header: &str) {
    let time = |n: usize| {
        let text = format!("{header}{}", unit.repeat(n));
        let t = Instant::now();
        let _ = import(format, &text, "big");
        t.elapsed().as_secs_f64()
    };
    let _ = time(2_000);
    let small = time(5_000).max(1e-4);
    let big = time(20_000);
    eprintln!("{format}: {small}s for 5k units, {big}s for 20k");
    assert!(big / small < 12.0, "{format}: {small}s for 5k units, {big}s for 20k");
}

#[test]
fn parsing_is_linear() {
    linear(Format::Dotenv, "NO_PROXY=\"a,b,$A\"\n", "A=x\n");
    linear(Format::Systemd, "Environment=\"NO_PROXY=a b\" no_proxy=\\x41\n", "[Service]\n");
    linear(Format::SystemctlShow, "Environment=\"NO_PROXY=a b\" no_proxy=x\n", "");
    linear(Format::Env, "NO_PROXY=a\n", "");
    linear(Format::DockerConfig, "\"k\": {\"noProxy\": \"a\\u00e9\"},", "{\"proxies\": {");
    linear(Format::RunnerToml, "environment = [\"NO_PROXY=a\"]\n[[runners]]\n", "[[runners]]\n");
    linear(Format::Cntlm, "Listen 127.0.0.1:3128\n", "");
    linear(Format::GitlabCi, "  - export NO_PROXY=a\n", "before_script:\n");
    // one huge value
    linear(Format::Dotenv, "a", "NO_PROXY=");
}

/// `render --to shell` / `dotenv`, sourced by the real dash and bash, gives the same values
/// (skipped when a shell is missing).
fn source_with(shell: &str, text: &str) -> Option<Vec<(String, String)>> {
    let dir = std::env::temp_dir().join(format!("noproxy-render-{}-{shell}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let f = dir.join("f");
    std::fs::write(&f, text).ok()?;
    let out = std::process::Command::new(shell)
        .env_clear()
        .args(["-c", "set -a; . \"$1\"; env -0", "sh"])
        .arg(&f)
        .output()
        .ok()?;
    let mut v: Vec<(String, String)> = out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|item| {
            let s = String::from_utf8(item.to_vec()).ok()?;
            let (k, v) = s.split_once('=')?;
            noproxy::is_proxy_variable(k).then(|| (k.to_owned(), v.to_owned()))
        })
        .collect();
    v.sort();
    Some(v)
}

proptest! {
    #![proptest_config(Config { cases: 32, failure_persistence: None, ..Config::default() })]

    #[test]
    fn rendered_shell_is_read_the_same_by_dash_and_bash(e in env()) {
        for shell in ["dash", "bash"] {
            for t in [Target::Shell, Target::Dotenv] {
                let text = render(t, &e).text;
                if let Some(got) = source_with(shell, &text) {
                    prop_assert_eq!(&got, &sorted(&e), "{} {}:\n{}", shell, t, text);
                }
            }
        }
    }
}
