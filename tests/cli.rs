//! `noproxy-check` as a user runs it: the README example, `flavors`, `batch`, usage errors, and
//! that no credential ever reaches stdout or stderr.
//!
//! Every run starts from an empty environment (`env_clear`) plus `PATH`, so the caller's own
//! proxy variables never leak into a test.
#![cfg(feature = "cli")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_noproxy-check");

/// Run the binary with exactly `env` (plus PATH) and `stdin`.
fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_clear().stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.envs(env.iter().copied());
    let mut child = cmd.spawn().expect("spawn noproxy-check");
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let input = stdin.unwrap_or("").to_owned();
    let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("noproxy-check output");
    // A binary that does not read stdin may close it first: a broken pipe is fine then.
    let _ = writer.join().expect("stdin writer");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> String {
    let o = run(args, env, stdin);
    assert!(o.status.success(), "{args:?} exited with {}\nstderr: {}", o.status, stderr(&o));
    stdout(&o)
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

// ---------------------------------------------------------------------------------------------
// The README example: GitLab's dind advice NO_PROXY=docker:2375,docker:2376

const DIND: &[&str] = &[
    "--clean-env",
    "-e",
    "HTTPS_PROXY=http://proxy.invalid:3128",
    "-e",
    "https_proxy=http://proxy.invalid:3128",
    "-e",
    "NO_PROXY=docker:2375,docker:2376",
    "-e",
    "no_proxy=docker:2375,docker:2376",
];

#[test]
fn readme_dind_example_text() {
    let args: Vec<&str> = DIND.iter().copied().chain(["https://docker:2376/"]).collect();
    let out = ok(&args, &[], None);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.first().copied(), Some("https://docker:2376/"), "{out}");
    // One block per default flavor, each starting with "  FLAVOR: OUTCOME".
    let heads: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("  ") && !l.starts_with("   ")).collect();
    assert_eq!(heads.len(), 3, "{out}");
    assert_eq!(heads[0], "  go: direct", "{out}");
    assert_eq!(heads[1], "  docker: direct", "{out}");
    assert!(heads[2].starts_with("  curl: proxy http://proxy.invalid:3128"), "{out}");
    assert!(heads[2].contains("https_proxy"), "curl reads the lower-case spelling first: {out}");
    // Go and Docker name the entry that matched, with its byte span.
    assert_eq!(out.matches("entry #1 \"docker:2376\" (bytes 12..23)").count(), 2, "{out}");
}

#[test]
fn readme_dind_example_json() {
    let args: Vec<&str> = DIND.iter().copied().chain(["--json", "https://docker:2376/"]).collect();
    let doc: Value = serde_json::from_str(&ok(&args, &[], None)).expect("--json prints one JSON document");
    assert!(doc["schema"].as_str().is_some_and(|s| s.starts_with("noproxy-check/decide/")), "{doc}");
    let results = doc["results"].as_array().expect("results");
    assert_eq!(results.len(), 3, "one result per default flavor: {doc:#}");
    for r in results {
        for field in ["flavor", "decision", "proxy", "variable", "reason", "matched_entry", "url"] {
            assert!(r.get(field).is_some(), "missing {field} in {r:#}");
        }
        assert_eq!(r["url"], "https://docker:2376/");
    }
    let by = |f: &str| results.iter().find(|r| r["flavor"] == f).unwrap_or_else(|| panic!("no {f} result"));
    for f in ["go", "docker"] {
        let r = by(f);
        assert_eq!(r["decision"], "direct", "{r:#}");
        assert_eq!(r["proxy"], Value::Null);
        assert_eq!(r["variable"], Value::Null);
        assert_eq!(r["reason"], "no_proxy_match");
        let m = &r["matched_entry"];
        assert_eq!(m["text"], "docker:2376", "{m:#}");
        assert_eq!(m["index"], 1);
        assert_eq!(m["span"], serde_json::json!([12, 23]));
        assert_eq!(r["no_proxy_variable"], "NO_PROXY");
    }
    let c = by("curl");
    assert_eq!(c["decision"], "proxy", "{c:#}");
    assert_eq!(c["proxy"], "http://proxy.invalid:3128");
    assert_eq!(c["variable"], "https_proxy");
    assert_eq!(c["reason"], "proxy_variable");
    assert_eq!(c["matched_entry"], Value::Null);
    assert_eq!(c["no_proxy_variable"], "no_proxy");
}

// ---------------------------------------------------------------------------------------------
// flavors

#[test]
fn flavors_lists_go_docker_curl() {
    let text = ok(&["flavors"], &[], None);
    for name in ["go", "docker", "curl"] {
        assert!(text.lines().any(|l| l.split_whitespace().next() == Some(name)), "{name} missing:\n{text}");
    }
    let doc: Value = serde_json::from_str(&ok(&["flavors", "--json"], &[], None)).expect("JSON");
    assert!(doc["schema"].as_str().is_some_and(|s| s.starts_with("noproxy-check/flavors/")), "{doc}");
    let fams = doc["flavors"].as_array().expect("flavors array");
    let ids: Vec<&str> = fams.iter().filter_map(|f| f["id"].as_str()).collect();
    assert!(ids.starts_with(&["go", "docker", "curl"]), "{ids:?}");
    for f in fams {
        let id = f["id"].as_str().unwrap_or_default();
        let versions = f["versions"].as_array().expect("versions");
        assert!(!versions.is_empty(), "{f}");
        for v in versions {
            let v = v.as_str().expect("version is a string");
            assert!(v.starts_with(&format!("{id}@")), "{v}");
            // Every listed flavor ID is accepted by the CLI.
            ok(&["--clean-env", "--flavor", v, "http://example.invalid/"], &[], None);
        }
    }
}

/// Every flavor ID that `flavors --json` lists, plus the bare names.
fn all_flavor_ids() -> Vec<String> {
    let doc: Value = serde_json::from_str(&ok(&["flavors", "--json"], &[], None)).expect("JSON");
    let mut ids = Vec::new();
    for f in doc["flavors"].as_array().expect("flavors") {
        ids.push(f["id"].as_str().expect("id").to_owned());
        for v in f["versions"].as_array().expect("versions") {
            ids.push(v.as_str().expect("version").to_owned());
        }
    }
    ids
}

// ---------------------------------------------------------------------------------------------
// batch

#[test]
fn batch_reports_bad_lines_and_continues() {
    let input = [
        r#"{"id": "ok-1", "url": "https://docker:2376/", "env": {"HTTPS_PROXY": "http://proxy.invalid:3128", "NO_PROXY": "docker:2376"}}"#,
        r#"{"id": "broken", "url": "http://x.invalid/", "env": {"#,
        r#"{"id": "no-url", "env": {}}"#,
        r#"{"id": "env-string", "url": "http://x.invalid/", "env": "HTTP_PROXY=http://proxy.invalid:3128"}"#,
        r#"{"id": "env-array", "url": "http://x.invalid/", "env": ["HTTP_PROXY"]}"#,
        r#"{"id": 7, "url": 42}"#,
        r#"[1, 2, 3]"#,
        "",
        "   ",
        r#"{"id": "ok-2", "url": "http://a.example.invalid/", "env": {"http_proxy": "http://proxy.invalid:3128", "HTTP_PROXY": "http://proxy.invalid:3128"}}"#,
        r#"{"url": "http://localhost/"}"#,
    ]
    .join("\n");
    let out = ok(&["batch", "--flavor", "go", "--flavor", "curl@7.88.1"], &[], Some(&input));
    let lines = json_lines(&out);
    let got: Vec<(Value, String, String)> = lines
        .iter()
        .map(|l| {
            (
                l["id"].clone(),
                l["flavor"].as_str().unwrap_or("-").to_owned(),
                l["decision"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect();
    let s = |x: &str| Value::String(x.to_owned());
    let expected: Vec<(Value, String, String)> = vec![
        (s("ok-1"), "go".into(), "direct".into()),
        (s("ok-1"), "curl@7.88.1".into(), "proxy".into()),
        (Value::Null, "-".into(), "error".into()),
        (s("no-url"), "-".into(), "error".into()),
        (s("env-string"), "-".into(), "error".into()),
        (s("env-array"), "-".into(), "error".into()),
        (Value::from(7), "-".into(), "error".into()),
        (Value::Null, "-".into(), "error".into()),
        (s("ok-2"), "go".into(), "proxy".into()),
        (s("ok-2"), "curl@7.88.1".into(), "proxy".into()),
        (Value::Null, "go".into(), "direct".into()),
        (Value::Null, "curl@7.88.1".into(), "direct".into()),
    ];
    assert_eq!(got, expected, "{out}");
    for l in &lines {
        if l["decision"] == "error" {
            assert_eq!(l["reason"], "bad_input", "{l}");
            assert!(l["error"].as_str().is_some_and(|e| !e.is_empty()), "error line without message: {l}");
        } else {
            for field in ["proxy", "variable", "reason", "matched_entry", "explanation"] {
                assert!(l.get(field).is_some(), "missing {field}: {l}");
            }
        }
    }
    assert_eq!(lines[0]["matched_entry"]["span"], serde_json::json!([0, 11]));
    assert_eq!(lines[1]["proxy"], "http://proxy.invalid:3128");
}

#[test]
fn batch_without_flavor_is_a_usage_error() {
    let o = run(&["batch"], &[], Some("{\"url\": \"http://x.invalid/\"}\n"));
    assert_eq!(o.status.code(), Some(2), "stdout: {}", stdout(&o));
    assert!(stderr(&o).contains("flavor"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Usage errors

#[test]
fn unknown_flavors_are_usage_errors() {
    for (args, needle) in [
        (&["--flavor", "nope", "http://x.invalid/"][..], "nope"),
        (&["--flavor", "go@0.1", "http://x.invalid/"][..], "go@0.1"),
        (&["-f", "curl@seven", "http://x.invalid/"][..], "seven"),
        (&["batch", "--flavor", "nope"][..], "nope"),
        (&["batch", "--flavor", "go@0.1"][..], "go@0.1"),
    ] {
        let o = run(args, &[], Some(""));
        assert_eq!(o.status.code(), Some(2), "{args:?}: stdout {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains(needle), "{args:?}: stderr {err:?}");
        assert!(o.stdout.is_empty(), "{args:?}: stdout {}", stdout(&o));
    }
    for args in [&["--bogus", "http://x.invalid/"][..], &["--clean-env"][..], &["--flavor"][..]] {
        let o = run(args, &[], None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

const SECRET_ENV: &[(&str, &str)] = &[
    ("HTTP_PROXY", "http://alice:s3cr3t-P%40ss@proxy.invalid:3128"),
    ("https_proxy", "user:hunter2@proxy.invalid:3128"),
    ("ALL_PROXY", "socks5h://tok3n@proxy.invalid"),
    ("http_proxy", "http://bob:pw0rd-x@[bad"),
    ("NO_PROXY", "internal.example.invalid,10.0.0.0/8"),
    ("no_proxy", "internal.example.invalid,10.0.0.0/8"),
];

const SECRETS: &[&str] = &["s3cr3t", "P%40ss", "P@ss", "hunter2", "tok3n", "pw0rd"];

const SECRET_URLS: &[&str] = &[
    "http://example.invalid/",
    "https://example.invalid/",
    "ws://example.invalid/",
    "wss://example.invalid:8443/",
    "ftp://example.invalid/",
    "http://internal.example.invalid/",
    "https://10.1.2.3/",
];

fn assert_no_secret(what: &str, o: &Output) {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        for s in SECRETS {
            if let Some(at) = bytes.windows(s.len()).position(|w| w == s.as_bytes()) {
                let context = String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 80).min(bytes.len())]);
                panic!("{what}: secret {s:?} in {stream} at byte {at}: …{context}…");
            }
        }
    }
}

fn batch_input(urls: &[&str]) -> String {
    let env: serde_json::Map<String, Value> =
        SECRET_ENV.iter().map(|(k, v)| (k.to_string(), Value::String(v.to_string()))).collect();
    let mut s = String::new();
    for (i, u) in urls.iter().enumerate() {
        s.push_str(&serde_json::json!({"id": format!("case-{i}"), "url": u, "env": env}).to_string());
        s.push('\n');
    }
    // Bad lines that carry the secrets too: their error messages must not echo them.
    s.push_str("{\"id\": \"trunc\", \"url\": \"http://x.invalid/\", \"env\": {\"HTTP_PROXY\": \"http://alice:s3cr3t-P%40ss@proxy.invalid:3128\"\n");
    s.push_str("{\"id\": \"nourl\", \"env\": {\"HTTP_PROXY\": \"http://alice:s3cr3t-P%40ss@proxy.invalid:3128\"}}\n");
    s.push_str("{\"id\": \"badenv\", \"url\": \"http://x.invalid/\", \"env\": \"HTTP_PROXY=http://alice:s3cr3t-P%40ss@proxy.invalid:3128\"}\n");
    s.push_str("{\"id\": \"badval\", \"url\": \"http://x.invalid/\", \"env\": {\"ALL_PROXY\": [\"socks5h://tok3n@proxy.invalid\"]}}\n");
    s
}

#[test]
fn secrets_never_reach_stdout_or_stderr() {
    let ids = all_flavor_ids();
    let mut flavor_args: Vec<&str> = Vec::new();
    for id in &ids {
        flavor_args.extend(["--flavor", id.as_str()]);
    }
    let mut e_args: Vec<String> = Vec::new();
    for (k, v) in SECRET_ENV {
        e_args.push("-e".into());
        e_args.push(format!("{k}={v}"));
    }
    let e_args: Vec<&str> = e_args.iter().map(String::as_str).collect();

    let mut runs = 0;
    for json in [false, true] {
        let fmt: &[&str] = if json { &["--json"] } else { &[] };
        // (a) the variables in the process environment; (b) given with --env on a clean slate;
        // each with the default flavors and with every flavor.
        for flavors in [&[][..], &flavor_args[..]] {
            let args: Vec<&str> = flavors.iter().chain(fmt).chain(SECRET_URLS).copied().collect();
            let o = run(&args, SECRET_ENV, None);
            assert!(o.status.success(), "{}", stderr(&o));
            assert!(!o.stdout.is_empty());
            assert_no_secret(&format!("process env, {args:?}"), &o);

            let args: Vec<&str> =
                ["--clean-env"].iter().chain(&e_args).chain(flavors).chain(fmt).chain(SECRET_URLS).copied().collect();
            let o = run(&args, &[], None);
            assert!(o.status.success(), "{}", stderr(&o));
            assert_no_secret(&format!("--env, {args:?}"), &o);
            runs += 2;
        }
        // flavors
        let args: Vec<&str> = ["flavors"].iter().chain(fmt).copied().collect();
        assert_no_secret("flavors", &run(&args, SECRET_ENV, None));
    }
    // batch, every flavor in one run and each flavor on its own.
    let input = batch_input(SECRET_URLS);
    let args: Vec<&str> = ["batch"].iter().chain(&flavor_args).copied().collect();
    let o = run(&args, SECRET_ENV, Some(&input));
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = json_lines(&stdout(&o));
    assert_eq!(lines.len(), ids.len() * SECRET_URLS.len() + 4, "one line per case and flavor, one per bad line");
    assert_no_secret("batch, all flavors", &o);
    for id in &ids {
        let o = run(&["batch", "--flavor", id], SECRET_ENV, Some(&input));
        assert!(o.status.success(), "{}", stderr(&o));
        assert_no_secret(&format!("batch --flavor {id}"), &o);
    }
    // Usage errors with the secrets in the environment.
    for args in [&["--flavor", "nope", "http://x.invalid/"][..], &["batch"][..], &["--bogus"][..]] {
        assert_no_secret(&format!("usage error {args:?}"), &run(args, SECRET_ENV, Some("")));
    }
    assert_eq!(runs, 8);

    // The outputs still say that a proxy with credentials is used (the secret is redacted, not
    // the fact). Go reads HTTP_PROXY for http URLs.
    let doc: Value =
        serde_json::from_str(&ok(&["--json", "-f", "go", "http://example.invalid/"], SECRET_ENV, None)).expect("JSON");
    let r = &doc["results"][0];
    assert_eq!(r["decision"], "proxy", "{r:#}");
    assert_eq!(r["proxy"], "http://proxy.invalid:3128");
    assert_eq!(r["proxy_has_credentials"], true);
    let text = ok(&["-f", "go", "http://example.invalid/"], SECRET_ENV, None);
    assert!(text.contains("***@proxy.invalid"), "{text}");
}

/// Passwords that contain `#`, `/` or `?` unescaped end the URL authority early, so the tools
/// cannot use them (Go: `invalid port`, curl: syntax error), but they are still credentials the
/// user wrote. README: "Credentials in proxy URLs are shown as `***` everywhere."
#[test]
fn secrets_with_url_delimiters_are_redacted() {
    for value in [
        "http://alice:s3cr3t#x@proxy.invalid:3128",
        "http://alice:s3cr3t/x@proxy.invalid:3128",
        "alice:s3cr3t?x@proxy.invalid:3128",
    ] {
        let env = [("HTTP_PROXY", value), ("http_proxy", value)];
        for args in [
            &["-f", "go", "-f", "go@1.10", "-f", "curl", "http://example.invalid/"][..],
            &["--json", "-f", "go", "-f", "curl", "http://example.invalid/"][..],
        ] {
            // Expected: `HTTP_PROXY="http://***@proxy.invalid:3128"`-like output;
            // actual: `HTTP_PROXY="http://alice:s3cr3t#x@proxy.invalid:3128": used`.
            assert_no_secret(&format!("{value} {args:?}"), &run(args, &env, None));
        }
    }
}

/// A malformed `--env` argument and a request URL whose password holds `/` are echoed back as
/// typed, credentials included.
#[test]
fn malformed_input_is_not_echoed_with_credentials() {
    // Expected: the message names the problem without the value; actual stderr:
    // `--env wants NAME=VALUE, got "HTTP_PROXY:http://alice:s3cr3t@proxy.invalid:3128"`.
    let o = run(
        &["--clean-env", "-e", "HTTP_PROXY:http://alice:s3cr3t@proxy.invalid:3128", "http://x.invalid/"],
        &[],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_no_secret("--env without =", &o);
    // Expected: the URL shown with `***`; actual: `http://alice:s3cr3t/x@example.invalid/` and
    // Go's `invalid port ":s3cr3t" after host`.
    let o = run(&["--clean-env", "-f", "go", "-f", "curl", "http://alice:s3cr3t/x@example.invalid/"], &[], None);
    assert_no_secret("URL with '/' in the password", &o);
}

const DIND_ENV: &[(&str, &str)] = &[("HTTPS_PROXY", "http://172.17.0.1:3128"), ("NO_PROXY", "docker:2375,docker:2376")];

#[test]
fn diff_exit_codes_and_grouping() {
    // Agreement: exit 0.
    let o = run(&["diff", "-f", "go", "-f", "docker", "https://example.invalid/"], DIND_ENV, None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("all 2 flavors agree"), "{}", stdout(&o));
    // Disagreement: exit 1, marked row, cause names the entry.
    let o = run(
        &["diff", "-f", "go", "-f", "curl@7.88.1", "https://docker:2376/", "https://example.invalid/"],
        DIND_ENV,
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("≠ https://docker:2376/"), "{text}");
    assert!(text.contains("NO_PROXY=\"docker:2376\""), "{text}");
    assert!(!text.contains('\x1b'), "no colour when stdout is not a terminal");
    // --only-disagreements drops agreeing rows; --explain expands cells.
    let o = run(
        &[
            "diff",
            "--only-disagreements",
            "--explain",
            "-f",
            "go",
            "-f",
            "curl@7.88.1",
            "https://docker:2376/",
            "https://example.invalid/",
        ],
        DIND_ENV,
        None,
    );
    let text = stdout(&o);
    assert!(!text.contains("https://example.invalid/"), "{text}");
    assert!(text.contains("rule: no_proxy_match"), "{text}");
    // URLs from stdin; JSON schema.
    let o = run(
        &["diff", "--json", "--urls", "-", "-f", "go", "-f", "curl@7.88.1"],
        DIND_ENV,
        Some("# comment\nhttps://docker:2376/\n\n"),
    );
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(doc["schema"], "noproxy-check/diff/1");
    assert_eq!(doc["rows"].as_array().unwrap().len(), 1);
    assert_eq!(doc["rows"][0]["cells"][0]["decision"], "direct");
    assert_eq!(doc["causes"][0]["entry"]["text"], "docker:2376");
    // No URL: usage error.
    assert_eq!(run(&["diff"], DIND_ENV, None).status.code(), Some(2));
}

#[test]
fn lint_formats_and_fail_on() {
    let env = &[("HTTPS_PROXY", "http://172.17.0.1:3128"), ("NO_PROXY", "docker:2375,.example.com,,a")];
    let o = run(&["lint", "-f", "go", "-f", "curl"], env, None);
    assert_eq!(o.status.code(), Some(1), "warnings fail by default");
    let text = stdout(&o);
    assert!(
        text.contains("warning[NP001]") && text.contains("warning[NP002]") && text.contains("note[NP010]"),
        "{text}"
    );
    assert!(text.contains("--> NO_PROXY bytes 0..11"), "{text}");
    assert_eq!(run(&["lint", "--fail-on", "error", "-f", "go", "-f", "curl"], env, None).status.code(), Some(0));
    assert_eq!(run(&["lint", "--fail-on", "never"], env, None).status.code(), Some(0));
    assert_eq!(run(&["lint", "--fail-on", "bogus"], env, None).status.code(), Some(2));
    // JSON.
    let doc: Value =
        serde_json::from_str(&stdout(&run(&["lint", "--json", "-f", "go", "-f", "curl"], env, None))).unwrap();
    assert_eq!(doc["schema"], "noproxy-check/lint/1");
    let f = &doc["findings"][0];
    assert_eq!(f["code"], "NP001");
    assert_eq!(f["location"]["span"], serde_json::json!({"start": 0, "end": 11}));
    assert_eq!(f["witness"]["verdicts"][0]["flavor"], "go");
    // SARIF 2.1.0: rules for every code, results point at the variable.
    let doc: Value = serde_json::from_str(&stdout(&run(&["lint", "--format", "sarif"], env, None))).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run0 = &doc["runs"][0];
    assert_eq!(run0["tool"]["driver"]["rules"].as_array().unwrap().len(), noproxy::lint::Code::ALL.len());
    let r = &run0["results"][0];
    assert_eq!(r["ruleId"], "NP001");
    assert_eq!(r["level"], "warning");
    assert_eq!(r["locations"][0]["logicalLocations"][0]["name"], "NO_PROXY");
}

#[test]
fn fix_rewrites_and_proves() {
    let o = run(&["fix", "-f", "go", "-f", "curl", ".example.com,,10.0.0.0/8"], &[], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let text = stdout(&o);
    assert!(text.starts_with("NO_PROXY=example.com,10.0.0.0/8\n"), "{text}");
    assert!(text.contains("0 with the rewrite"), "{text}");
    // A port cannot be expressed for curl 7.88.1: exit 1, and the JSON says why.
    let o = run(&["fix", "--json", "-f", "go", "-f", "curl@7.88.1", "docker:2375"], &[], None);
    assert_eq!(o.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["schema"], "noproxy-check/fix/1");
    assert_eq!(doc["result"]["rewritten"], "docker");
    assert_eq!(doc["exact"], false);
    // From the environment.
    let o = run(&["fix", "-f", "go"], &[("no_proxy", "example.com")], None);
    assert!(stdout(&o).starts_with("NO_PROXY=example.com"), "{}", stdout(&o));
    assert_eq!(run(&["fix"], &[], None).status.code(), Some(2));
}

#[test]
fn secrets_never_reach_diff_lint_or_fix() {
    let mut runs = 0;
    for fmt in [&[][..], &["--json"][..], &["--format", "sarif"][..], &["--explain"][..]] {
        for sub in ["diff", "lint", "fix"] {
            if (fmt.contains(&"--format") && sub != "lint") || (fmt.contains(&"--explain") && sub != "diff") {
                continue;
            }
            let mut args: Vec<&str> = vec![sub];
            args.extend(fmt);
            if sub == "diff" {
                args.extend(SECRET_URLS);
            }
            let o = run(&args, SECRET_ENV, None);
            assert!(o.status.code() != Some(2), "{args:?}: {}", stderr(&o));
            assert_no_secret(&format!("{args:?}"), &o);
            runs += 1;
        }
    }
    assert_eq!(runs, 8);
}

#[test]
fn every_subcommand_has_help_and_completions_and_man_cover_them() {
    let usage = ok(&["--help"], &[], None);
    let section = usage.split("OPTIONS:\n").next().unwrap_or_default();
    let subs: Vec<String> = section
        .lines()
        .filter_map(|l| l.trim().strip_prefix("noproxy-check "))
        .filter_map(|r| r.split_whitespace().next())
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(String::from)
        .collect();
    assert!(subs.len() >= 10, "{subs:?}");
    let bash = ok(&["completions", "bash"], &[], None);
    let man = ok(&["man"], &[], None);
    for s in subs.iter().filter(|s| *s != "help") {
        let h = ok(&[s, "--help"], &[], None);
        assert!(h.starts_with(&format!("noproxy-check {s} — ")), "{s} --help: {h}");
        assert!(h.contains("EXAMPLES:") && h.contains("EXIT:"), "{s} --help lacks examples or exit codes");
        assert_eq!(ok(&["help", s], &[], None), h);
        assert!(
            bash.contains(s.as_str()) && man.contains(&format!(".SS {}", s.replace('-', "\\-"))),
            "{s} missing from completions or man"
        );
    }
    // The bash script parses.
    let o = Command::new("bash").args(["-n", "-c", &bash]).output().expect("bash");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(run(&["completions", "tcsh"], &[], None).status.code(), Some(2));
}

/// Every subcommand listed by `--help`, in every output format, with credentials in the
/// environment, in `-e` values, in scenario files and in source files: no secret byte sequence
/// reaches stdout or stderr — except `render` (whose job is to write configuration: it must say
/// on stderr that it wrote credentials) and an explicit `--show-credentials`.
#[test]
fn no_subcommand_leaks_credentials_in_any_format() {
    let dir = std::env::temp_dir().join(format!("noproxy-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("s.scenario");
    std::fs::write(
        &scenario,
        "env HTTPS_PROXY = http://alice:s3cr3t-P%40ss@proxy.invalid:3128\nenv https_proxy = user:hunter2@proxy.invalid:3128\n\ncheck https://example.invalid/\n  go direct\n  curl direct\n",
    )
    .unwrap();
    let dotenv = dir.join("proxy.env");
    std::fs::write(
        &dotenv,
        "HTTPS_PROXY=http://alice:s3cr3t-P%40ss@proxy.invalid:3128\nALL_PROXY='socks5h://tok3n@proxy.invalid'\n",
    )
    .unwrap();
    let s = scenario.to_str().unwrap();
    let from = format!("dotenv:{}", dotenv.display());
    let url = "https://example.invalid/";
    let runs: Vec<Vec<&str>> = vec![
        vec![url],
        vec!["--json", url],
        vec!["--from", &from, url],
        vec!["--from", &from, "--json", url],
        vec!["flavors"],
        vec!["flavors", "--json"],
        vec!["diff", url],
        vec!["diff", "--json", url],
        vec!["diff", "--explain", url],
        vec!["lint"],
        vec!["lint", "--json"],
        vec!["lint", "--format", "sarif"],
        vec!["lint", "--from", &from, "--format", "sarif"],
        vec!["fix"],
        vec!["fix", "--json"],
        vec!["test", s],
        vec!["test", "--junit", "/dev/null", s],
        vec!["fmt", "--check", s],
        vec!["record", url],
        vec!["record", "--from", &from, url],
        vec!["retry-delay", "-H", "Retry-After: 3"],
        vec!["retry-delay", "--json", "-H", "Retry-After: 3"],
        vec!["completions", "bash"],
        vec!["man"],
    ];
    // Every subcommand of --help is exercised (render separately below).
    let usage = ok(&["--help"], &[], None);
    let section = usage.split("OPTIONS:\n").next().unwrap_or_default();
    for sub in section
        .lines()
        .filter_map(|l| l.trim().strip_prefix("noproxy-check "))
        .filter_map(|r| r.split_whitespace().next())
    {
        if !sub.chars().all(|c| c.is_ascii_lowercase() || c == '-') || ["help", "render", "batch"].contains(&sub) {
            continue; // decide (the default), help text, render and batch are covered elsewhere
        }
        assert!(runs.iter().any(|r| r.first() == Some(&sub)), "subcommand {sub} is not exercised for secrets");
    }
    for args in &runs {
        let o = run(args, SECRET_ENV, None);
        assert!(o.status.code() != Some(2), "{args:?}: {}", stderr(&o));
        assert_no_secret(&format!("{args:?}"), &o);
    }
    // render writes credentials (that is its job) and says so on stderr.
    for to in ["systemd", "daemon-json", "docker-config", "runner-toml", "gitlab-ci", "shell", "dotenv"] {
        let o = run(&["render", "--to", to], SECRET_ENV, None);
        assert!(o.status.success(), "render --to {to}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(SECRETS.iter().all(|s| !err.contains(s)), "render --to {to} leaks on stderr: {err}");
        if SECRETS.iter().any(|s| stdout(&o).contains(s)) {
            assert!(err.to_ascii_lowercase().contains("credential"), "render --to {to} wrote credentials silently");
        }
    }
    // --show-credentials is the one way to see them.
    let o = run(&["--show-credentials", "-f", "go", "http://example.invalid/"], SECRET_ENV, None);
    assert!(stdout(&o).contains("s3cr3t"), "--show-credentials shows the proxy URL with credentials");
    let _ = std::fs::remove_dir_all(&dir);
}
