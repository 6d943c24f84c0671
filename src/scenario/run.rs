//! Running scenarios: every expectation becomes a pass or a failure in a [`Report`].

use std::collections::HashMap;
use std::fmt;

use super::print::{expect_text, render};
use super::{Check, CheckLine, Expect, Expectation, File, Item, Loc};
use crate::decision::{Decision, Outcome};
use crate::env::ProxyEnv;
use crate::flavors::{Flavor, Prepared};
use crate::target::Target;

/// Where `import FORMAT PATH` gets its environment from. The library does no I/O: the caller
/// (the `noproxy-check test` command, or a test) supplies the loader.
///
/// The loader receives the format and the path exactly as written in the scenario; resolving a
/// relative path (the CLI: against the scenario file's directory) is its business.
///
/// ```
/// use noproxy::ProxyEnv;
/// use noproxy::scenario::{parse, run_file, SourceLoader};
///
/// /// Serves one fixed environment, for tests.
/// struct Fixed;
/// impl SourceLoader for Fixed {
///     fn load(&self, format: &str, path: &str) -> Result<ProxyEnv, String> {
///         match (format, path) {
///             ("env", "runner.env") => Ok(ProxyEnv::builder().var("HTTPS_PROXY", "http://172.17.0.1:3128").build()),
///             _ => Err(format!("no {format} source {path}")),
///         }
///     }
/// }
/// let file = parse("t.scenario", "import env runner.env\ncheck https://gitlab.invalid/\n  go proxy http://172.17.0.1:3128\n").unwrap();
/// assert!(run_file("t.scenario", &file, &Fixed).is_ok());
/// ```
pub trait SourceLoader {
    /// Read `path` in `format` into an environment (variables, properties and hosts are merged
    /// into the scenario's, replacing variables and properties of the same name). The error
    /// message becomes the failure of the `import` line.
    fn load(&self, format: &str, path: &str) -> Result<ProxyEnv, String>;
}

/// A [`SourceLoader`] that loads nothing: every `import` fails (and so does its scenario).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSources;

impl SourceLoader for NoSources {
    fn load(&self, format: &str, _path: &str) -> Result<ProxyEnv, String> {
        Err(format!(
            "`import {format}` needs a source loader; none was given (use run_with / run_file with a SourceLoader)"
        ))
    }
}

/// The outcome of one expectation (or of one `import` that failed).
#[derive(Clone, Debug)]
pub struct ExpectationResult {
    /// The scenario file (or, for the builder, the Rust source file) it was written in.
    pub file: String,
    /// Where: `FILE:LINE:COLUMN`.
    pub location: String,
    /// The scenario's name (empty for the preamble of a file).
    pub scenario: String,
    /// The check's URL, credentials redacted (`None` for a failed `import`).
    pub url: Option<String>,
    /// The expectation as written (`curl proxy http://…`), credentials redacted.
    pub expectation: String,
    /// The actual decisions: one for a flavor expectation, one per selected flavor for `agree`.
    pub decisions: Vec<Decision>,
    /// `None` when it passed; else why it failed.
    pub failure: Option<String>,
}

impl ExpectationResult {
    /// Did it pass?
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
    /// A one-line name: `scenario NAME: check URL: expectation`.
    pub fn name(&self) -> String {
        let mut s = String::new();
        if !self.scenario.is_empty() {
            s = format!("scenario {}: ", super::print::token(&self.scenario, false));
        }
        match &self.url {
            Some(u) => s.push_str(&format!("check {}: {}", u, self.expectation)),
            None => s.push_str(&self.expectation),
        }
        s
    }
}

/// `PASS|FAIL location: name`, then (on failure) why, and each actual decision explained.
impl fmt::Display for ExpectationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = if self.passed() { "PASS" } else { "FAIL" };
        write!(f, "{status} {}: {}", self.location, self.name())?;
        if let Some(why) = &self.failure {
            write!(f, "\n  {why}")?;
            for d in &self.decisions {
                write!(f, "\n  {}", d.to_string().replace('\n', "\n  "))?;
            }
        }
        Ok(())
    }
}

/// What a run found: every expectation, passed or failed. A value to assert on, never a panic.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct Report {
    /// Every result, in the order written.
    pub results: Vec<ExpectationResult>,
}

impl Report {
    /// How many passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }
    /// How many failed.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
    /// True when nothing failed.
    pub fn is_ok(&self) -> bool {
        self.results.iter().all(ExpectationResult::passed)
    }
    /// The failures.
    pub fn failures(&self) -> impl Iterator<Item = &ExpectationResult> {
        self.results.iter().filter(|r| !r.passed())
    }
    /// `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }
    /// Append another report's results.
    pub fn extend(&mut self, other: Report) {
        self.results.extend(other.results);
    }
    /// `Ok(())` when nothing failed, else the report (for `?` in tests returning `Result`).
    pub fn into_result(self) -> Result<(), Report> {
        if self.is_ok() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// Every failure with its explanation, then `N passed, N failed`.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in self.failures() {
            writeln!(f, "{r}")?;
        }
        write!(f, "{}", self.summary())
    }
}

impl std::error::Error for Report {}

/// Run every scenario of a parsed file. `file_name` is used in locations. The preamble (the
/// lines before the first `scenario`) runs first; each `scenario` block then starts from the
/// preamble's final environment and flavor selection.
pub fn run_file(file_name: &str, file: &File, loader: &dyn SourceLoader) -> Report {
    let mut report = Report::default();
    let split = file.items.iter().position(|i| matches!(i, Item::Scenario { .. })).unwrap_or(file.items.len());
    let mut runner =
        Runner { file: file_name, loader, report: &mut report, flavors: HashMap::new(), prepared: HashMap::new() };
    let mut base = State::default();
    runner.items(&mut base, "", &file.items[..split]);
    let mut rest = &file.items[split..];
    while let Some((Item::Scenario { name, .. }, tail)) = rest.split_first() {
        let end = tail.iter().position(|i| matches!(i, Item::Scenario { .. })).unwrap_or(tail.len());
        let mut st = base.clone();
        runner.prepared.clear();
        runner.items(&mut st, name, &tail[..end]);
        rest = &tail[end..];
    }
    report
}

/// Run one block of items (the builder's entry point).
pub(crate) fn run_items(scenario: &str, items: &[Item], loader: &dyn SourceLoader) -> Report {
    let mut report = Report::default();
    let mut runner =
        Runner { file: scenario, loader, report: &mut report, flavors: HashMap::new(), prepared: HashMap::new() };
    runner.items(&mut State::default(), scenario, items);
    report
}

#[derive(Clone, Default)]
struct State {
    env: ProxyEnv,
    /// `flavors` selection; `None`: the defaults.
    selected: Option<Vec<String>>,
    /// Location of an `import` that failed: later expectations are not evaluated.
    broken: Option<String>,
}

struct Runner<'a> {
    file: &'a str,
    loader: &'a dyn SourceLoader,
    report: &'a mut Report,
    flavors: HashMap<String, Result<Flavor, String>>,
    /// Flavors with the current environment parsed (cleared whenever it changes).
    prepared: HashMap<String, Prepared>,
}

/// `scheme://host:port` to compare with, from an expected proxy URL: credentials and a
/// trailing `/` dropped.
fn normalise_expected(url: &str) -> &str {
    let url = url.strip_suffix('/').unwrap_or(url);
    url
}

fn strip_userinfo(url: &str) -> String {
    let start = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[start..].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_owned(),
    }
}

/// Does the decision satisfy the expectation? `Err` says how it does not.
fn satisfies(expect: &Expect, outcome: &Outcome) -> Result<(), String> {
    let want = expect_text(expect, true);
    let mismatch = || Err(format!("expected {want}, got {outcome}"));
    match (expect, outcome) {
        (Expect::Direct, Outcome::Direct) => Ok(()),
        (Expect::Proxy { url, via }, Outcome::Proxy { proxy, variable }) => {
            if let Some(u) = url {
                let u = strip_userinfo(normalise_expected(u));
                let actual = if u.contains("://") { proxy.endpoint() } else { proxy.addr() };
                if u != actual {
                    return mismatch();
                }
            }
            match via {
                Some(v) if v != variable => mismatch(),
                _ => Ok(()),
            }
        }
        (Expect::Error { kind }, Outcome::Error { error }) => match kind {
            Some(k) if k != error.kind() => Err(format!("expected {want}, got {outcome} (kind {})", error.kind())),
            _ => Ok(()),
        },
        _ => mismatch(),
    }
}

/// The part of an outcome that `agree` compares: the kind and, for a proxy, the endpoint.
fn agreement_key(o: &Outcome) -> (String, String) {
    (o.kind().to_owned(), o.proxy().map(|p| p.endpoint()).unwrap_or_default())
}

impl Runner<'_> {
    fn loc(&self, loc: Loc) -> (String, String) {
        (loc.origin.unwrap_or(self.file).to_owned(), loc.display(self.file))
    }

    fn flavor(&mut self, id: &str) -> Result<Flavor, String> {
        self.flavors.entry(id.to_owned()).or_insert_with(|| id.parse::<Flavor>().map_err(|e| e.to_string())).clone()
    }

    /// Decide `url` with flavor `id` in `env`, parsing the environment once per flavor.
    fn decide(&mut self, id: &str, env: &ProxyEnv, url: &str) -> Result<Decision, String> {
        if let Some(p) = self.prepared.get(id) {
            return Ok(p.decide(url));
        }
        let p = self.flavor(id)?.prepare(env);
        let d = p.decide(url);
        self.prepared.insert(id.to_owned(), p);
        Ok(d)
    }

    fn items(&mut self, st: &mut State, scenario: &str, items: &[Item]) {
        for item in items {
            if !matches!(item, Item::Check(_) | Item::Comment(_) | Item::Blank | Item::Flavors { .. }) {
                // The environment changes: environments parsed for it no longer apply.
                self.prepared.clear();
            }
            match item {
                Item::Env { name, value, .. } => st.env.set(name, value),
                Item::Unset { name, .. } => {
                    st.env.unset(name);
                }
                Item::Property { name, value, .. } => st.env.set_property(name, value),
                Item::Resolve { name, addrs, .. } => {
                    for a in addrs {
                        st.env.add_host(name, *a);
                    }
                }
                Item::Flavors { ids, .. } => st.selected = Some(ids.clone()),
                Item::Import { format, path, loc } => match self.loader.load(format, path) {
                    Ok(env) => {
                        for v in env.vars() {
                            st.env.push(v.clone());
                        }
                        for p in env.properties() {
                            st.env.set_property(&p.name, &p.value);
                        }
                        for h in env.hosts() {
                            for a in &h.addrs {
                                st.env.add_host(&h.name, *a);
                            }
                        }
                    }
                    Err(msg) => {
                        let (file, location) = self.loc(*loc);
                        st.broken = Some(location.clone());
                        self.report.results.push(ExpectationResult {
                            file,
                            location,
                            scenario: scenario.to_owned(),
                            url: None,
                            expectation: render(std::slice::from_ref(item), true).trim_end().to_owned(),
                            decisions: vec![],
                            failure: Some(format!("import failed: {msg}")),
                        });
                    }
                },
                Item::Check(c) => self.check(st, scenario, c),
                Item::Comment(_) | Item::Blank | Item::Scenario { .. } => {}
            }
        }
    }

    fn check(&mut self, st: &State, scenario: &str, c: &Check) {
        let url = Target::parse(&c.url).to_string();
        let mut any = false;
        for line in &c.lines {
            let CheckLine::Expect(e) = line else { continue };
            any = true;
            let (file, location) = self.loc(e.loc());
            let expectation = match e {
                Expectation::Flavor { flavor, expect, .. } => format!("{flavor} {}", expect_text(expect, true)),
                Expectation::Agree { expect: Some(x), .. } => format!("agree {}", expect_text(x, true)),
                Expectation::Agree { expect: None, .. } => "agree".to_owned(),
            };
            let (decisions, failure) = match &st.broken {
                Some(at) => (vec![], Some(format!("not evaluated: the import at {at} failed"))),
                None => self.evaluate(st, &c.url, e),
            };
            self.report.results.push(ExpectationResult {
                file,
                location,
                scenario: scenario.to_owned(),
                url: Some(url.clone()),
                expectation,
                decisions,
                failure,
            });
        }
        if !any {
            let (file, location) = self.loc(c.loc);
            self.report.results.push(ExpectationResult {
                file,
                location,
                scenario: scenario.to_owned(),
                url: Some(url),
                expectation: "(none)".into(),
                decisions: vec![],
                failure: Some("a check without expectations checks nothing".into()),
            });
        }
    }

    fn evaluate(&mut self, st: &State, url: &str, e: &Expectation) -> (Vec<Decision>, Option<String>) {
        match e {
            Expectation::Flavor { flavor, expect, .. } => match self.decide(flavor, &st.env, url) {
                Err(msg) => (vec![], Some(msg)),
                Ok(d) => {
                    let failure = satisfies(expect, &d.outcome).err();
                    (vec![d], failure)
                }
            },
            Expectation::Agree { expect, .. } => {
                let ids: Vec<String> = match &st.selected {
                    Some(ids) => ids.clone(),
                    None => Flavor::defaults().iter().map(|f| f.id().to_owned()).collect(),
                };
                let mut decisions = Vec::new();
                for id in &ids {
                    match self.decide(id, &st.env, url) {
                        Ok(d) => decisions.push(d),
                        Err(msg) => return (decisions, Some(msg)),
                    }
                }
                let first = decisions.first().map(|d| agreement_key(&d.outcome));
                let disagree = decisions.iter().any(|d| Some(agreement_key(&d.outcome)) != first);
                let failure = if disagree {
                    let each: Vec<String> = decisions.iter().map(|d| format!("{} {}", d.flavor, d.outcome)).collect();
                    Some(format!("the selected flavors disagree: {}", each.join("; ")))
                } else if let Some(x) = expect {
                    decisions.iter().find_map(|d| satisfies(x, &d.outcome).err().map(|m| format!("{}: {m}", d.flavor)))
                } else {
                    None
                };
                (decisions, failure)
            }
        }
    }
}
