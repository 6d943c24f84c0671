//! Scenario files and the builder: parse ∘ print = id on generated syntax trees, the formatter
//! is idempotent, the parser never panics and takes linear time on hostile input, errors point
//! at `file:line:column`, the builder and the text say the same, credentials never leak, and
//! every `examples/*.scenario` passes.

use std::fs;
use std::net::IpAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use noproxy::scenario::{
    parse, print, run_file, Check, CheckLine, Expect, Expectation, File, Item, Loc, NoSources, Scenario, SourceLoader,
    ERROR_KINDS,
};
use noproxy::{EnvVar, Provenance, ProxyEnv};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

// ---------------------------------------------------------------------------------------------
// Generators

/// Strings that stress quoting: empty, blanks at either end, `#`, `=`, quotes, backslashes,
/// control characters, the `via` keyword, non-ASCII blanks.
fn value() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z0-9_.:/@*,=-]{1,20}",
        2 => any::<String>(),
        2 => prop::sample::select(vec![
            "", " ", " lead", "trail ", "#hash", "a#b", "a=b", "=", "\"", "a\"b", "\\", "\\n", "\n", "a\tb",
            "\r", "\u{1b}", "via", "VIA", "\u{a0}nbsp", "\u{3000}", "ü", "http://u:p@proxy.invalid:3128",
            "docker:2375,docker:2376", "\u{feff}", "\u{7f}", "\u{85}",
        ])
        .prop_map(str::to_owned),
    ]
    .boxed()
}

fn comment() -> BoxedStrategy<String> {
    value()
        .prop_map(|s| {
            let s: String = s.chars().filter(|c| !c.is_control()).collect();
            s.trim_end_matches([' ', '\t']).to_owned()
        })
        .boxed()
}

fn flavor_id() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["go", "go@1.19", "go@1.10", "docker", "docker@18.09", "curl", "curl@7.88.1"])
        .prop_map(str::to_owned)
}

fn ip() -> impl Strategy<Value = IpAddr> {
    any::<IpAddr>()
}

fn expect() -> BoxedStrategy<Expect> {
    prop_oneof![
        Just(Expect::Direct),
        (prop::option::of(value()), prop::option::of(value())).prop_map(|(url, via)| {
            let e = match url {
                Some(u) => Expect::proxy(&u),
                None => Expect::any_proxy(),
            };
            match via {
                Some(v) => e.via(&v),
                None => e,
            }
        }),
        prop::option::of(prop::sample::select(ERROR_KINDS.to_vec())).prop_map(|k| match k {
            Some(k) => Expect::error(k),
            None => Expect::any_error(),
        }),
    ]
    .boxed()
}

fn expectation() -> BoxedStrategy<Expectation> {
    prop_oneof![
        3 => (flavor_id(), expect()).prop_map(|(flavor, expect)| Expectation::Flavor { flavor, expect, loc: Loc::default() }),
        1 => prop::option::of(expect()).prop_map(|expect| Expectation::Agree { expect, loc: Loc::default() }),
    ]
    .boxed()
}

fn check() -> BoxedStrategy<Check> {
    (
        value(),
        expectation(),
        prop::collection::vec(
            prop_oneof![
                3 => expectation().prop_map(CheckLine::Expect),
                1 => comment().prop_map(CheckLine::Comment),
            ],
            0..4,
        ),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(url, first, mut lines, at)| {
            lines.insert(at.index(lines.len() + 1), CheckLine::Expect(first));
            Check { url, lines, loc: Loc::default() }
        })
        .boxed()
}

fn item() -> BoxedStrategy<Item> {
    let loc = Loc::default();
    prop_oneof![
        1 => comment().prop_map(Item::Comment),
        1 => Just(Item::Blank),
        1 => value().prop_map(move |name| Item::Scenario { name, loc }),
        3 => (value(), value()).prop_map(move |(name, value)| Item::Env { name, value, loc }),
        1 => value().prop_map(move |name| Item::Unset { name, loc }),
        1 => (value(), value()).prop_map(move |(name, value)| Item::Property { name, value, loc }),
        1 => (value(), prop::collection::vec(ip(), 1..3)).prop_map(move |(name, addrs)| Item::Resolve { name, addrs, loc }),
        1 => (value(), value()).prop_map(move |(format, path)| Item::Import { format, path, loc }),
        1 => prop::collection::vec(flavor_id(), 1..4).prop_map(move |ids| Item::Flavors { ids, loc }),
        3 => check().prop_map(Item::Check),
    ]
    .boxed()
}

/// A syntax tree in the normal form the parser produces: no blank line first, last, or twice
/// in a row.
fn file() -> BoxedStrategy<File> {
    prop::collection::vec(item(), 0..12)
        .prop_map(|items| {
            let mut out: Vec<Item> = Vec::new();
            for i in items {
                if i == Item::Blank && (out.is_empty() || out.last() == Some(&Item::Blank)) {
                    continue;
                }
                out.push(i);
            }
            if out.last() == Some(&Item::Blank) {
                out.pop();
            }
            File { items: out }
        })
        .boxed()
}

/// Lines from a scenario vocabulary, mutated: what a fuzzer would try.
fn scenario_text() -> BoxedStrategy<String> {
    let line = prop_oneof![
        Just("env A = b".to_owned()),
        Just("env \"a b\" = \"\\u{41}\\n\"".to_owned()),
        Just("check https://docker:2376/".to_owned()),
        Just("  go direct".to_owned()),
        Just("  curl proxy http://h:1 via https_proxy".to_owned()),
        Just("  agree".to_owned()),
        Just("  agree error invalid_proxy".to_owned()),
        Just("scenario x".to_owned()),
        Just("resolve h = 10.0.0.1 ::1".to_owned()),
        Just("flavors go curl@7.88.1".to_owned()),
        Just("import env x.env".to_owned()),
        Just("# c".to_owned()),
        Just(String::new()),
        any::<String>(),
        "[ \t\"\\\\#=a-z{}@:/u]{0,30}",
    ];
    prop::collection::vec(line, 0..20).prop_map(|l| l.join("\n")).boxed()
}

// ---------------------------------------------------------------------------------------------
// Round trips

proptest! {
    #![proptest_config(config(512))]

    /// parse ∘ print = id on every syntax tree in normal form, and printing is a fixed point.
    #[test]
    fn parse_print_is_identity(f in file()) {
        let text = print(&f);
        let back = parse("gen.scenario", &text);
        prop_assert!(back.is_ok(), "printed text does not parse:\n{}\n{:?}", text, back.err());
        let back = back.expect("checked");
        prop_assert_eq!(&back, &f, "\n{}", text);
        prop_assert_eq!(print(&back), text);
    }

    /// On any text: never a panic; when it parses, `fmt` is idempotent and keeps the meaning.
    #[test]
    fn parser_never_panics_and_fmt_is_idempotent(text in scenario_text()) {
        match parse("fuzz.scenario", &text) {
            Ok(f) => {
                let once = print(&f);
                let again = parse("fuzz.scenario", &once);
                prop_assert!(again.is_ok(), "{:?}", again.err());
                let again = again.expect("checked");
                prop_assert_eq!(&again, &f);
                prop_assert_eq!(print(&again), once);
            }
            Err(errs) => {
                prop_assert!(!errs.is_empty() && errs.len() <= 50);
                let lines: Vec<&str> = text.split('\n').collect();
                for e in &errs {
                    prop_assert!(e.line >= 1 && (e.line as usize) <= lines.len(), "{}", e);
                    let len = lines[e.line as usize - 1].chars().count() as u32;
                    prop_assert!(e.column >= 1 && e.column <= len + 1, "{} (line has {} chars)", e, len);
                    let prefix = format!("fuzz.scenario:{}:{}: ", e.line, e.column);
                    prop_assert!(e.to_string().starts_with(&prefix), "{}", e);
                }
            }
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let _ = parse("any.scenario", &text);
    }
}

// ---------------------------------------------------------------------------------------------
// Errors say where and what was expected

fn first_error(text: &str) -> String {
    match parse("t.scenario", text) {
        Ok(_) => panic!("{text:?} parsed"),
        Err(e) => e[0].to_string(),
    }
}

#[test]
fn errors_point_at_line_and_column() {
    assert_eq!(first_error("env A\n"), "t.scenario:1:6: expected `=` after the name, found end of line");
    assert_eq!(
        first_error("check u\n  gox direct\n"),
        "t.scenario:2:3: expected a flavor ID: unknown flavor \"gox\" (see `noproxy-check flavors`)"
    );
    assert_eq!(
        first_error("check u\n  go sideways\n"),
        "t.scenario:2:6: expected an outcome (`direct`, `proxy [URL] [via VARIABLE]`, `error [KIND]`), found `sideways`"
    );
    assert_eq!(
        first_error("check u\n"),
        "t.scenario:1:1: `check` needs at least one indented expectation below it, such as `  go direct`"
    );
    assert_eq!(
        first_error("env A = \"abc\n"),
        "t.scenario:1:9: unterminated string: expected a closing `\"` before the end of the line"
    );
    assert_eq!(
        first_error("env A = \"a\\qb\"\n"),
        "t.scenario:1:11: unknown escape `\\q`: expected one of \\\\ \\\" \\n \\r \\t \\u{HEX}"
    );
    assert_eq!(
        first_error("env A = b # note\n"),
        "t.scenario:1:11: expected end of line, found a comment (comments go on a line of their own)"
    );
    assert!(first_error("  go direct\n").starts_with("t.scenario:1:3: unexpected indentation"));
    assert!(first_error("go direct\n").ends_with("expectations go on indented lines under a `check` line"));
    assert!(first_error("resolve h = 1.2.3.999\n").starts_with("t.scenario:1:13: expected an IP address"));
    // Columns count characters, not bytes.
    assert!(first_error("env ü = \"x\n").starts_with("t.scenario:1:9:"));
    // Credentials in what was found are redacted.
    let e = first_error("env A = b http://u:secret@p.invalid\n");
    assert!(!e.contains("secret") && e.contains("***@p.invalid"), "{e}");
}

#[test]
fn values_carry_any_string() {
    let f = parse("t", "env \"\" = \"\"\nenv A = \" x # y \"\nenv B = a#b=c\nenv C = \"\\u{1F600}\\t\\\"\\\\\"\n")
        .expect("parses");
    let got: Vec<(String, String)> = f
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Env { name, value, .. } => Some((name.clone(), value.clone())),
            _ => None,
        })
        .collect();
    let want = [("", ""), ("A", " x # y "), ("B", "a#b=c"), ("C", "😀\t\"\\")];
    assert_eq!(got, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
}

// ---------------------------------------------------------------------------------------------
// Linear time (ratios, never absolute times; see tests/properties.rs)

fn best_parse_time(text: &str) -> Duration {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            let _ = std::hint::black_box(parse("big.scenario", text));
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// t(4n)/t(n), retried when noisy. Linear: about 4; quadratic: about 16. Inputs are large
/// enough (n = 160 kB) that both sides allocate outside the small-allocation arena: below
/// that, the small side is several times faster per byte and a linear parser shows 10+.
fn ratio(make: fn(usize) -> String, n: usize) -> f64 {
    let (small, large) = (make(n), make(4 * n));
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let ts = best_parse_time(&small);
        let tl = best_parse_time(&large);
        best = best.min(tl.as_secs_f64() / ts.as_secs_f64().max(1e-6));
        if best < 8.0 {
            break;
        }
    }
    best
}

/// Builds an input of about n bytes.
type MakeInput = fn(usize) -> String;

#[test]
fn parsing_takes_linear_time() {
    let inputs: &[(&str, MakeInput)] = &[
        ("many valid lines", |n| {
            "env HTTPS_PROXY = http://172.17.0.1:3128\ncheck https://docker:2376/\n  go direct\n  curl proxy http://h:1 via https_proxy\n\n"
                .repeat(n / 40)
        }),
        ("one long bare value", |n| format!("env A = {}\n", "x".repeat(n))),
        ("one long quoted value with escapes", |n| format!("env A = \"{}\"\n", "\\u{41}\\n\\\"".repeat(n / 12))),
        ("unterminated string", |n| format!("env A = \"{}\n", "y".repeat(n))),
        ("long comment", |n| format!("#{}\n", "z".repeat(n))),
        ("many addresses", |n| format!("resolve h = {}\n", "10.0.0.1 ".repeat(n / 9))),
        ("many flavors", |n| format!("flavors {}\n", "go ".repeat(n / 30))),
        ("blank lines", |n| "\n".repeat(n)),
        ("indentation only", |n| " \t".repeat(n)),
        ("a long line of errors", |n| format!("check u\n  go proxy {}\n", "a ".repeat(n / 2))),
        ("errors on every line", |n| "foo\n".repeat(n / 4)),
        ("long flavor-ish token", |n| format!("check u\n  go@{} direct\n", "1.".repeat(n / 2))),
    ];
    for (what, make) in inputs {
        let r = ratio(*make, 160_000);
        eprintln!("{what}: t(4n)/t(n) = {r:.1}");
        assert!(r < 8.0, "{what}: t(4n)/t(n) = {r:.1}, not linear");
    }
}

// ---------------------------------------------------------------------------------------------
// Builder and text say the same

fn dind_builder() -> Scenario {
    Scenario::new("dind behind cntlm")
        .env_both("HTTPS_PROXY", "http://172.17.0.1:3128")
        .env_both("NO_PROXY", "docker:2375,docker:2376")
        .check("https://docker:2376/", |c| {
            c.expect("go", Expect::Direct)
                .expect("docker", Expect::Direct)
                .expect("curl", Expect::proxy("http://172.17.0.1:3128").via("https_proxy"))
                .agree()
        })
}

#[test]
fn builder_and_text_agree() {
    let s = dind_builder();
    let report = s.run();
    assert_eq!(report.summary(), "3 passed, 1 failed", "{report}");
    let text = print(&s.to_file());
    assert_eq!(
        text,
        "scenario \"dind behind cntlm\"\nenv HTTPS_PROXY = http://172.17.0.1:3128\nenv https_proxy = http://172.17.0.1:3128\n\
         env NO_PROXY    = docker:2375,docker:2376\nenv no_proxy    = docker:2375,docker:2376\n\
         check https://docker:2376/\n  go     direct\n  docker direct\n  curl   proxy http://172.17.0.1:3128 via https_proxy\n  agree\n"
    );
    let parsed = parse("dind.scenario", &text).expect("builder output parses");
    assert_eq!(parsed, s.to_file());
    let from_text = run_file("dind.scenario", &parsed, &NoSources);
    let a: Vec<_> = report.results.iter().map(|r| (r.name(), r.failure.clone())).collect();
    let b: Vec<_> = from_text.results.iter().map(|r| (r.name(), r.failure.clone())).collect();
    assert_eq!(a, b);
    // The text locates failures in the file, the builder in this Rust source.
    let fail = from_text.failures().next().expect("agree fails");
    assert_eq!(fail.location, "dind.scenario:10:3");
    let fail = report.failures().next().expect("agree fails");
    assert!(fail.location.starts_with("tests/scenario.rs:"), "{}", fail.location);
    assert!(fail.to_string().contains("the selected flavors disagree"), "{fail}");
    assert!(fail.to_string().contains("rule: no_proxy_match"), "{fail}");
}

#[test]
fn variants_start_from_the_base() {
    let base = Scenario::new("base")
        .env("http_proxy", "http://p.invalid:3128")
        .check("http://a.invalid/", |c| c.agree_on(Expect::proxy("http://p.invalid:3128")));
    let v = base
        .variant("no proxy for a")
        .env("no_proxy", "a.invalid")
        .check("http://a.invalid/", |c| c.agree_on(Expect::Direct));
    assert_eq!(v.run().summary(), "1 passed, 0 failed");
    assert_eq!(base.run().summary(), "1 passed, 0 failed");
    // The file form: the preamble is the base of every `scenario` block.
    let text = "env http_proxy = http://p.invalid:3128\nscenario a\nenv no_proxy = a.invalid\ncheck http://a.invalid/\n  agree direct\nscenario b\ncheck http://a.invalid/\n  agree proxy p.invalid:3128\n";
    let r = run_file("v.scenario", &parse("v.scenario", text).expect("parses"), &NoSources);
    assert!(r.is_ok(), "{r}");
}

#[test]
fn expectations_compare_what_they_state() {
    let s = Scenario::new("x")
        .env("HTTP_PROXY", "http://u:pw@p.invalid:3128")
        .env("REQUEST_METHOD", "GET")
        .env("https_proxy", "ftp://p.invalid:21")
        .check("http://a.invalid/", |c| {
            c.expect("go", Expect::error("cgi_refused"))
                .expect("go", Expect::any_error())
                .expect("curl", Expect::Direct)
        })
        .check("https://a.invalid/", |c| {
            c.expect("curl", Expect::error("unsupported_proxy_scheme"))
                .expect("go", Expect::proxy("ftp://p.invalid:21").via("https_proxy"))
                .expect("go", Expect::proxy("p.invalid:21"))
                .expect("go", Expect::proxy("ftp://user:secret@p.invalid:21/"))
        })
        .check("http://b.invalid/", |c| c.expect("go", Expect::error("invalid_url")).expect("nope", Expect::Direct));
    let r = s.run();
    assert_eq!(r.summary(), "7 passed, 2 failed", "{r}");
    let text = r.to_string();
    assert!(text.contains("expected error invalid_url, got error: refusing to use HTTP_PROXY"), "{text}");
    assert!(text.contains("unknown flavor \"nope\""), "{text}");
}

#[test]
fn imports_use_the_loader_and_a_failed_import_fails_its_scenario() {
    struct One;
    impl SourceLoader for One {
        fn load(&self, format: &str, path: &str) -> Result<ProxyEnv, String> {
            if format == "env" && path == "a.env" {
                let mut env = ProxyEnv::new();
                env.push(EnvVar {
                    name: "https_proxy".into(),
                    value: "http://p.invalid:3128".into(),
                    lossy: false,
                    provenance: Provenance::File { path: path.into(), line: 1 },
                });
                Ok(env)
            } else {
                Err(format!("no {format} {path}"))
            }
        }
    }
    let text = "scenario ok\nimport env a.env\ncheck https://x.invalid/\n  agree proxy http://p.invalid:3128\nscenario bad\nimport env b.env\ncheck https://x.invalid/\n  go direct\n";
    let r = run_file("i.scenario", &parse("i.scenario", text).expect("parses"), &One);
    assert_eq!(r.summary(), "1 passed, 2 failed", "{r}");
    let t = r.to_string();
    assert!(t.contains("i.scenario:6:1: scenario bad: import env b.env\n  import failed: no env b.env"), "{t}");
    assert!(t.contains("not evaluated: the import at i.scenario:6:1 failed"), "{t}");
    // Without a loader every import fails.
    assert!(!Scenario::new("n").import("env", "a.env").check("https://x.invalid/", |c| c.agree()).run().is_ok());
}

#[test]
fn credentials_never_reach_reports_or_display() {
    let s = Scenario::new("secret")
        .env("https_proxy", "http://user:hunter2@p.invalid:3128")
        .check("https://u:hunter2@x.invalid/", |c| {
            c.expect("curl", Expect::proxy("http://user:hunter2@q.invalid:3128")).agree_on(Expect::Direct)
        });
    let r = s.run();
    assert_eq!(r.failed(), 2);
    for text in [r.to_string(), format!("{r:?}"), s.to_string(), format!("{s:?}")] {
        assert!(!text.contains("hunter2"), "{text}");
    }
    assert!(print(&s.to_file()).contains("hunter2"), "print (fmt) keeps values exactly");
}

// ---------------------------------------------------------------------------------------------
// The shipped examples

/// `import env PATH`: NAME=VALUE lines next to the scenario; other formats through
/// `noproxy::sources` (what the CLI's loader does).
struct EnvFiles<'a>(&'a Path);

impl SourceLoader for EnvFiles<'_> {
    fn load(&self, format: &str, path: &str) -> Result<ProxyEnv, String> {
        let text = fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())?;
        if format != "env" {
            let fmt: noproxy::sources::Format = format.parse()?;
            return noproxy::sources::import(fmt, &text, path).map(|i| i.env).map_err(|e| e.to_string());
        }
        Ok(ProxyEnv::from_iter(
            text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).filter_map(|l| l.split_once('=')),
        ))
    }
}

#[test]
fn examples_pass_and_are_formatted() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "scenario"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let mut total = 0;
    for p in files {
        let name = p.display().to_string();
        let text = fs::read_to_string(&p).expect("readable");
        let f = parse(&name, &text).unwrap_or_else(|e| panic!("{}", e[0]));
        assert_eq!(print(&f), text, "{name} is not in `noproxy-check fmt` form");
        let r = run_file(&name, &f, &EnvFiles(&dir));
        assert!(r.is_ok(), "{r}");
        total += r.results.len();
    }
    assert!(total >= 40, "{total} expectations");
}

/// The builder example of README.md, verbatim.
#[test]
fn readme_builder_example() {
    let base = Scenario::new("dind behind cntlm")
        .env_both("HTTPS_PROXY", "http://172.17.0.1:3128")
        .env_both("NO_PROXY", "docker:2375,docker:2376");
    let report = base
        .clone()
        .check("https://docker:2376/", |c| {
            c.expect("go", Expect::Direct).expect("curl", Expect::proxy("http://172.17.0.1:3128").via("https_proxy"))
        })
        .run();
    assert!(report.is_ok(), "{report}"); // on failure: where, why, and the decision explained
    let fixed = base
        .variant("bare host listed")
        .env_both("NO_PROXY", "docker,docker:2375,docker:2376")
        .check("https://docker:2376/", |c| c.agree_on(Expect::Direct));
    assert!(fixed.run().is_ok());
}
