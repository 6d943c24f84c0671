//! `noproxy-check --from`, `render` and `retry-delay`.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_noproxy-check");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).env_clear().env("HTTP_PROXY", "http://process.invalid:1").output().expect("runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn from_names_file_and_line_and_later_sources_win() {
    let o = run(&[
        "--from",
        "systemd:examples/gitlab-runner/docker.service.d-http-proxy.conf",
        "--from",
        "docker-config:examples/gitlab-runner/root-docker-config.json",
        "-f",
        "go",
        "https://docker:2376/",
        "https://registry.invalid/",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let s = out(&o);
    assert!(s.contains("go: direct"), "{s}");
    assert!(s.contains("NO_PROXY was read from examples/gitlab-runner/root-docker-config.json:6"), "{s}");
    assert!(
        s.contains("proxy http://proxy:8080 (from HTTPS_PROXY)"),
        "docker-config replaced the drop-in's value: {s}"
    );
    assert!(s.contains("HTTPS_PROXY was read from examples/gitlab-runner/root-docker-config.json:5"), "{s}");
    assert!(!s.contains("process.invalid"), "--from replaces the process environment");
    // JSON carries the sources too
    let o = run(&[
        "--from",
        "dotenv:/dev/null",
        "--from",
        "cntlm:examples/gitlab-runner/cntlm.conf",
        "--json",
        "-f",
        "go",
        "http://x.invalid/",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["results"][0]["sources"][0]["line"], 7);
    assert!(err(&o).contains("cntlm.conf:4: Password in plain text"), "{}", err(&o));
}

#[test]
fn from_env_includes_the_process_environment() {
    let o = run(&["--from", "env", "--from", "dotenv:/dev/null", "-f", "go", "http://x.invalid/"]);
    assert!(out(&o).contains("process.invalid"), "{}", out(&o));
}

#[test]
fn malformed_and_unreadable_files() {
    let dir = std::env::temp_dir().join(format!("noproxy-cli-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"proxies\": {\"default\": {\"httpProxy\": 1}}\n}\n").unwrap();
    let o = run(&["--from", &format!("docker-config:{}", bad.display()), "http://x.invalid/"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("bad.json:2:40: \"httpProxy\" must be a string"), "{}", err(&o));
    let o = run(&[
        "--from",
        "systemd:/nonexistent/x.conf",
        "--from",
        &format!("docker-config:{}", bad.display()),
        "http://x.invalid/",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("/nonexistent/x.conf: cannot read"), "{}", err(&o));
    assert!(err(&o).contains("bad.json:2:40"), "every unreadable file is reported: {}", err(&o));
    assert!(out(&o).is_empty(), "no decision from a partial environment");
    let o = run(&["--from", "yaml:x", "http://x.invalid/"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("unknown format \"yaml\""), "{}", err(&o));
    let o = run(&["--from", "systemd", "http://x.invalid/"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn render_writes_and_warns_about_credentials() {
    let o = run(&[
        "render",
        "--clean-env",
        "-e",
        "HTTPS_PROXY=http://u:secret@p.invalid:1",
        "-e",
        "NO_PROXY=docker:2376",
        "--to",
        "systemd",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(
        out(&o),
        "[Service]\nEnvironment=\"HTTPS_PROXY=http://u:secret@p.invalid:1\"\nEnvironment=\"NO_PROXY=docker:2376\"\n"
    );
    assert!(err(&o).contains("credentials") && !err(&o).contains("secret"), "{}", err(&o));
    let o = run(&["render", "--from", "runner-toml:examples/gitlab-runner/config.toml", "--to", "runner-toml"]);
    assert!(out(&o).starts_with("[[runners]]\n  environment = ["), "{}", out(&o));
    assert!(
        out(&o).contains("pre_build_script = \"mkdir -p \\\"$HOME/.docker\\\" && printf '%s\\\\n' '{\\\"proxies\\\":"),
        "{}",
        out(&o)
    );
    let o = run(&["render", "--to", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["render"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn retry_delay() {
    let o = run(&[
        "retry-delay",
        "--header",
        "ratelimit-resettime: Wed, 21 Oct 2015 07:28:00 GMT",
        "--header",
        "Retry-After: 5",
        "--now",
        "Wed, 21 Oct 2015 07:27:00 GMT",
    ]);
    assert!(out(&o).starts_with("wait 1m (reset_time)"), "{}", out(&o));
    let o = run(&["retry-delay", "-H", "Retry-After: soon", "--now", "@0", "--attempt", "3", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(
        (v["source"].as_str(), v["min_ms"].as_i64(), v["max_ms"].as_i64()),
        (Some("backoff"), Some(100), Some(800))
    );
    assert_eq!(v["max_attempts"], 5);
    assert!(v["notes"][0].as_str().unwrap().contains("not an integer"));
    let o = run(&["retry-delay", "--header", "no colon"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["retry-delay", "--now", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn container_simulation_on_the_command_line() {
    let cfg = "examples/gitlab-runner/root-docker-config.json";
    // docker run -e HTTPS_PROXY=…: the lower-case spelling still comes from config.json
    let o = run(&[
        "--from",
        &format!("docker-config:{cfg}"),
        "--docker-env",
        "HTTPS_PROXY=http://mine.invalid:1",
        "-f",
        "go",
        "-f",
        "curl",
        "https://x.invalid/",
    ]);
    let s = out(&o);
    assert!(s.contains("go: proxy http://mine.invalid:1 (from HTTPS_PROXY)"), "{s}");
    assert!(s.contains("curl: proxy http://proxy:8080 (from https_proxy)"), "{s}");
    // a host block that does not match: default used
    let o = run(&[
        "--from",
        &format!("docker-config:{cfg}"),
        "--docker-host",
        "tcp://docker:2376",
        "-f",
        "go",
        "https://docker:2376/",
    ]);
    assert!(out(&o).contains("go: direct"), "{}", out(&o));
    // buildx + BuildKit: RUN steps see both spellings
    let o = run(&[
        "--from",
        &format!("docker-config:{cfg}"),
        "--docker-mode",
        "buildx",
        "--docker-build-arg",
        "https_proxy=http://b.invalid:2",
        "-f",
        "curl",
        "https://x.invalid/",
    ]);
    assert!(out(&o).contains("curl: proxy http://b.invalid:2 (from https_proxy)"), "{}", out(&o));
    let o = run(&["--docker-mode", "compose", "http://x.invalid/"]);
    assert_eq!(o.status.code(), Some(2));
}
