//! The container simulation against what the real docker CLI 28.2.2 sent to a fake daemon
//! (`tests/sources/record/record_docker_inject.py`): `docker run` Env lists and the classic
//! builder's buildargs (R-SRC-DOCKER-RUN, R-SRC-DOCKER-CLASSIC-BUILD).

use noproxy::sources::docker::DockerConfig;
use noproxy::ProxyEnv;
use serde_json::Value;

const HOST: &str = "unix:///recorded/d.sock";

fn config(header: &Value, host_matches: bool) -> DockerConfig {
    let mut cfg = header["recorded"]["config"].clone();
    let block = cfg["proxies"].as_object_mut().unwrap().remove("HOSTBLOCK").unwrap();
    let key = if host_matches { HOST.to_owned() } else { format!("{HOST}-other") };
    cfg["proxies"].as_object_mut().unwrap().insert(key, block);
    DockerConfig::parse(&cfg.to_string(), "config.json").unwrap()
}

fn set(list: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list.into_iter().collect();
    v.sort();
    v
}

#[test]
fn docker_cli_28_2_2_injection() {
    let text = std::fs::read_to_string("tests/sources/recorded/docker-inject@28.2.2.jsonl").unwrap();
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert!(header["recorded"]["tool"].as_str().unwrap().contains("28.2.2"));
    let mut n = 0;
    for l in lines {
        let row: Value = serde_json::from_str(l).unwrap();
        let id = row["id"].as_str().unwrap();
        let cfg = config(&header, row["host_block_matches"].as_bool().unwrap());
        let args: Vec<&str> = row["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        let values: Vec<String> = args.chunks(2).map(|c| c[1].to_owned()).collect();
        let cli: ProxyEnv = row["cli_env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        if row["kind"] == "run" {
            let env_file: Vec<(String, String)> = row["env_file"]
                .as_str()
                .unwrap_or("")
                .lines()
                .filter_map(|l| l.split_once('=').map(|(a, b)| (a.to_owned(), b.to_owned())))
                .collect();
            let ours = cfg.run_env(HOST, &env_file, &values, &cli);
            // The daemon receives the list; a later NAME=value replaces an earlier one and an
            // entry without '=' sets nothing (our model of the daemon side, not recorded).
            let mut folded = ProxyEnv::new();
            for e in row["env"].as_array().unwrap() {
                if let Some((k, v)) = e.as_str().unwrap().split_once('=') {
                    folded.set(k, v);
                }
            }
            let pairs = |e: &ProxyEnv| set(e.vars().iter().map(|v| (v.name.clone(), v.value.clone())));
            assert_eq!(pairs(&ours), pairs(&folded), "{id}");
        } else {
            let user: Vec<(String, String)> =
                values.iter().map(|v| v.split_once('=').map(|(a, b)| (a.to_owned(), b.to_owned())).unwrap()).collect();
            let ours = set(cfg.classic_build_args(HOST, &user).into_iter().map(|v| (v.name, v.value)));
            let rec = set(row["buildargs"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())));
            assert_eq!(ours, rec, "{id}");
        }
        n += 1;
    }
    assert_eq!(n, 12);
}

/// GitLab Runner's header rules against the real Go 1.19.8 (`tests/sources/record/retry/`).
#[test]
fn runner_retry_headers_match_go() {
    use noproxy::retry::{delay, DelaySource};
    let path = std::fs::read_dir("tests/sources/recorded")
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("runner-retry@"))
        .expect("recorded retry vectors");
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for l in text.lines().skip(1) {
        let row: Value = serde_json::from_str(l).unwrap();
        let id = row["id"].as_str().unwrap();
        let mut headers = vec![];
        if let Some(v) = row["reset"].as_str() {
            headers.push(("RateLimit-ResetTime", v));
        }
        if let Some(v) = row["retry_after"].as_str() {
            headers.push(("Retry-After", v));
        }
        let d = delay(&headers, row["now"].as_i64().unwrap(), 0);
        let want = row["source"].as_str().unwrap();
        assert_eq!(d.source.as_str(), want, "{id}: {d}");
        if d.source != DelaySource::Backoff {
            assert_eq!(d.max_ns, row["wait_ns"].as_i64().unwrap(), "{id}");
        }
        n += 1;
    }
    assert!(n >= 40);
}

/// Which `Environment=` assignments systemd 252 rejects, and how (`systemd-analyze verify`,
/// `tests/sources/record/systemd/`), against noproxy's findings for the same line.
#[test]
fn systemd_252_rejections_match() {
    use noproxy::sources::{import, FindingKind, Format};
    let path = std::fs::read_dir("tests/sources/recorded")
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("systemd-environment@"))
        .expect("recorded systemd vectors");
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for l in text.lines().skip(1) {
        let row: Value = serde_json::from_str(l).unwrap();
        let id = row["id"].as_str().unwrap();
        let unit =
            format!("[Unit]\nDescription=t\n[Service]\nExecStart=/bin/true\n{}\n", row["directive"].as_str().unwrap());
        let got = import(Format::Systemd, &unit, "t.service").unwrap();
        let ours: Vec<&str> = got
            .findings
            .iter()
            .filter(|f| f.line == 5 && f.kind == FindingKind::Ignored)
            .map(|f| f.message.as_str())
            .collect();
        let theirs: Vec<&str> = row["messages"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
        assert_eq!(ours.len(), theirs.len(), "{id}: ours {ours:?}, systemd {theirs:?}");
        for (o, t) in ours.iter().zip(&theirs) {
            let ok = (t.starts_with("Invalid syntax") && o.contains("rest of this line"))
                || (t.starts_with("Invalid environment assignment")
                    && (o.contains("invalid environment assignment") || o.contains("not valid UTF-8")))
                || (t.starts_with("Failed to resolve specifiers") && o.contains("unknown specifier"));
            assert!(ok, "{id}: ours {o:?}, systemd {t:?}");
        }
        n += 1;
    }
    assert!(n >= 24);
}

/// dotenv / shell files against dash and bash sourcing them (`set -a; . FILE`;
/// `tests/sources/record/parsers/`).
#[test]
fn dotenv_matches_dash_and_bash() {
    use noproxy::sources::{import, Format};
    let text = std::fs::read_to_string("tests/sources/recorded/parsers.jsonl").unwrap();
    let mut n = 0;
    for l in text.lines().skip(1) {
        let row: Value = serde_json::from_str(l).unwrap();
        if row["kind"] != "dotenv" {
            continue;
        }
        let id = row["id"].as_str().unwrap();
        let sh = |name: &str| {
            set(row[name].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())))
        };
        assert_eq!(sh("dash"), sh("bash"), "{id}: the shells disagree");
        match import(Format::Dotenv, row["text"].as_str().unwrap(), "f") {
            Ok(got) => {
                assert_eq!(set(got.env.vars().iter().map(|v| (v.name.clone(), v.value.clone()))), sh("dash"), "{id}")
            }
            // a line that runs a command (`NO_PROXY=a$ b`): the shell sets nothing either
            Err(e) => assert!(sh("dash").is_empty(), "{id}: we reject ({e}), dash sets {:?}", sh("dash")),
        }
        n += 1;
    }
    assert!(n >= 19);
}
