//! `noproxy-check test`, `fmt` and `record` as a user runs them (hermetic: empty environment
//! plus PATH, files in a fresh temporary directory).
#![cfg(feature = "cli")]

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_noproxy-check");

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_clear().current_dir(env!("CARGO_MANIFEST_DIR"));
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("run noproxy-check")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A fresh directory for one test.
fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("noproxy-cli-scenario-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn test_runs_the_examples() {
    let o = run(&["test", "examples"], &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    let last = out.lines().last().unwrap_or("");
    assert!(last.ends_with(" passed, 0 failed"), "{out}");
}

#[test]
fn test_reports_failures_with_explanations_and_junit() {
    let d = tmp("fail");
    let f = d.join("dind.scenario");
    fs::write(
        &f,
        "env HTTPS_PROXY = http://user:hunter2@172.17.0.1:3128\nenv NO_PROXY = docker:2375,docker:2376\n\
         check https://docker:2376/\n  go direct\n  curl direct\n  agree <&>\n",
    )
    .expect("write");
    let o = run(&["test", f.to_str().expect("utf-8 path")], &[]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "agree <&> does not parse: {err}");
    assert!(err.contains("dind.scenario:6:9: expected an outcome"), "{err}");

    fs::write(
        &f,
        "env HTTPS_PROXY = http://user:hunter2@172.17.0.1:3128\nenv NO_PROXY = docker:2375,docker:2376\n\
         scenario \"<dind> & 'cntlm'\"\ncheck https://docker:2376/\n  go direct\n  curl direct\n",
    )
    .expect("write");
    let junit = d.join("junit.xml");
    let o = run(&["test", "--junit", junit.to_str().expect("utf-8"), d.to_str().expect("utf-8")], &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("dind.scenario:6:3: scenario \"<dind> & 'cntlm'\": check https://docker:2376/: curl direct"),
        "{out}"
    );
    assert!(out.contains("expected direct, got proxy http://***@172.17.0.1:3128 (from HTTPS_PROXY)"), "{out}");
    assert!(out.contains("rule: proxy_variable"), "{out}");
    assert!(out.trim_end().ends_with("1 passed, 1 failed"), "{out}");
    let xml = fs::read_to_string(&junit).expect("junit written");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"), "{xml}");
    assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
    assert!(xml.contains("scenario &quot;&lt;dind&gt; &amp; &apos;cntlm&apos;&quot;"), "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    for s in [&out, &err, &xml] {
        assert!(!s.contains("hunter2"), "{s}");
    }
}

#[test]
fn test_rejects_environment_options_and_missing_paths() {
    assert_eq!(run(&["test", "-e", "A=b", "examples"], &[]).status.code(), Some(2));
    assert_eq!(run(&["test", "no/such/dir"], &[]).status.code(), Some(2));
    assert_eq!(run(&["test"], &[]).status.code(), Some(2));
    let empty = tmp("empty");
    assert_eq!(run(&["test", empty.to_str().expect("utf-8")], &[]).status.code(), Some(2), "no scenario files");
}

#[test]
fn fmt_rewrites_and_check_reports() {
    let d = tmp("fmt");
    let f = d.join("a.scenario");
    let messy =
        "env   A=b\nenv LONGER = \"c\"\ncheck http://x.invalid/\n      go direct\n      curl@7.88.1   direct\n\n\n";
    fs::write(&f, messy).expect("write");
    let p = f.to_str().expect("utf-8");
    let o = run(&["fmt", "--check", p], &[]);
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    assert_eq!(fs::read_to_string(&f).expect("read"), messy, "--check writes nothing");
    assert_eq!(run(&["fmt", p], &[]).status.code(), Some(0));
    let tidy = fs::read_to_string(&f).expect("read");
    assert_eq!(
        tidy,
        "env A      = b\nenv LONGER = c\ncheck http://x.invalid/\n  go          direct\n  curl@7.88.1 direct\n"
    );
    assert_eq!(run(&["fmt", "--check", p], &[]).status.code(), Some(0));
    fs::write(&f, "env A\n").expect("write");
    let o = run(&["fmt", p], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("a.scenario:1:6: expected `=`"), "{:?}", text(&o));
}

#[test]
fn record_freezes_todays_decisions_and_passes_test() {
    let d = tmp("record");
    let o = run(
        &["record", "-f", "go", "-f", "curl@7.88.1", "https://docker:2376/", "http://docker:2375/"],
        &[
            ("HTTPS_PROXY", "http://user:hunter2@172.17.0.1:3128"),
            ("https_proxy", "http://172.17.0.1:3128"),
            ("NO_PROXY", "docker:2375,docker:2376"),
            ("PATH_UNRELATED", "x"),
        ],
    );
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(!out.contains("hunter2") && out.contains("http://***@172.17.0.1:3128"), "{out}");
    assert!(out.contains("flavors go curl@7.88.1\n"), "{out}");
    assert!(out.contains("check https://docker:2376/\n  go          direct\n  curl@7.88.1 proxy http://172.17.0.1:3128 via https_proxy\n"), "{out}");
    assert!(!out.contains("PATH_UNRELATED"), "{out}");
    let f = d.join("recorded.scenario");
    fs::write(&f, &out).expect("write");
    let o = run(&["test", f.to_str().expect("utf-8")], &[]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    assert_eq!(text(&o).0.trim_end(), "4 passed, 0 failed");
    assert_eq!(run(&["fmt", "--check", f.to_str().expect("utf-8")], &[]).status.code(), Some(0));
    // --clean-env and --env as for deciding.
    let o =
        run(&["record", "--clean-env", "-e", "http_proxy=http://p.invalid:1", "-f", "curl", "http://a.invalid/"], &[]);
    assert_eq!(
        text(&o).0.lines().skip(1).collect::<Vec<_>>().join("\n"),
        "flavors curl\nenv http_proxy = http://p.invalid:1\n\ncheck http://a.invalid/\n  curl proxy http://p.invalid:1 via http_proxy"
    );
    assert_eq!(run(&["record"], &[]).status.code(), Some(2));
}
