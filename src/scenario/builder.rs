//! The Rust face of scenarios: a fluent builder that makes the same syntax tree a scenario file
//! parses to, and runs it through the same runner.

use std::fmt;
use std::net::IpAddr;

use super::print::render;
use super::run::{run_items, Report, SourceLoader};
use super::{Check, CheckLine, Expect, Expectation, File, Item, Loc, NoSources};
use crate::env::ProxyEnv;

/// A scenario: an environment built step by step, and checks on it.
///
/// Every method takes and returns the scenario by value, so a base can be `clone`d (or
/// [`variant`](Scenario::variant)ed) into several variations. Each step records where in your
/// Rust source it was called, so a failure points at the line of the expectation.
/// `Display` prints the equivalent scenario file (credentials redacted).
///
/// ```
/// use noproxy::scenario::{Expect, Scenario};
///
/// let report = Scenario::new("*. is suffix-only")
///     .env("http_proxy", "http://proxy.invalid:3128")
///     .env("no_proxy", "*.example.com")
///     .flavors(["go", "curl@7.88.1"])
///     .check("http://sub.example.com/", |c| {
///         c.expect("go", Expect::Direct)
///             // curl treats `*.example.com` as a literal name: it never matches.
///             .expect("curl@7.88.1", Expect::proxy("http://proxy.invalid:3128").via("http_proxy"))
///     })
///     .check("http://example.com/", |c| c.agree_on(Expect::any_proxy()))
///     .run();
/// assert!(report.is_ok(), "{report}");
/// assert_eq!(report.summary(), "3 passed, 0 failed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct Scenario {
    name: String,
    items: Vec<Item>,
}

impl Scenario {
    /// An empty scenario (no variable set; `agree` compares `go`, `docker`, `curl`).
    pub fn new(name: &str) -> Self {
        Scenario { name: name.to_owned(), items: Vec::new() }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its statements, as a scenario file would hold them.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// A copy with another name and the same environment and flavor selection, without the
    /// checks: the builder's form of a `scenario` block that starts from the preamble.
    pub fn variant(&self, name: &str) -> Self {
        let items = self.items.iter().filter(|i| !matches!(i, Item::Check(_))).cloned().collect();
        Scenario { name: name.to_owned(), items }
    }

    fn push(mut self, item: Item) -> Self {
        self.items.push(item);
        self
    }

    /// `env NAME = VALUE`: set (or replace) the variable with exactly this name.
    #[track_caller]
    pub fn env(self, name: &str, value: &str) -> Self {
        self.push(Item::Env { name: name.to_owned(), value: value.to_owned(), loc: Loc::caller() })
    }

    /// Set both the upper- and the lower-case spelling (`HTTPS_PROXY` and `https_proxy`), as a
    /// GitLab Runner `environment` that lists both does.
    #[track_caller]
    pub fn env_both(self, name: &str, value: &str) -> Self {
        let loc = Loc::caller();
        self.push(Item::Env { name: name.to_ascii_uppercase(), value: value.to_owned(), loc }).push(Item::Env {
            name: name.to_ascii_lowercase(),
            value: value.to_owned(),
            loc,
        })
    }

    /// A `# text` comment line (kept when printed).
    pub fn comment(self, text: &str) -> Self {
        let text = text.replace(['\n', '\r'], " ");
        self.push(Item::Comment(format!(" {}", text.trim_end())))
    }

    /// `unset NAME`.
    #[track_caller]
    pub fn unset(self, name: &str) -> Self {
        self.push(Item::Unset { name: name.to_owned(), loc: Loc::caller() })
    }

    /// `property NAME = VALUE`: a JVM system property.
    #[track_caller]
    pub fn property(self, name: &str, value: &str) -> Self {
        self.push(Item::Property { name: name.to_owned(), value: value.to_owned(), loc: Loc::caller() })
    }

    /// `resolve NAME = IP`: `name` resolves to `addr` (appended to its addresses).
    #[track_caller]
    pub fn resolve(self, name: &str, addr: IpAddr) -> Self {
        self.push(Item::Resolve { name: name.to_owned(), addrs: vec![addr], loc: Loc::caller() })
    }

    /// `import FORMAT PATH`: resolved when run, by the loader given to
    /// [`run_with`](Scenario::run_with) ([`run`](Scenario::run) has none, so the import fails).
    #[track_caller]
    pub fn import(self, format: &str, path: &str) -> Self {
        self.push(Item::Import { format: format.to_owned(), path: path.to_owned(), loc: Loc::caller() })
    }

    /// Merge an environment obtained by other means (a source module, `ProxyEnv::from_pairs`, …):
    /// its variables, properties and hosts become `env`, `property` and `resolve` statements.
    ///
    /// ```
    /// use noproxy::{scenario::{Expect, Scenario}, ProxyEnv};
    /// let from_elsewhere = ProxyEnv::from_pairs([("PATH", "/bin"), ("HTTPS_PROXY", "http://p.invalid:3128")]);
    /// let s = Scenario::new("merged").source(&from_elsewhere)
    ///     .check("https://a.invalid/", |c| c.expect("go", Expect::proxy("http://p.invalid:3128")));
    /// assert!(s.run().is_ok());
    /// assert!(s.to_string().contains("env HTTPS_PROXY = http://p.invalid:3128"));
    /// ```
    #[track_caller]
    pub fn source(mut self, env: &ProxyEnv) -> Self {
        let loc = Loc::caller();
        for v in env.vars() {
            self.items.push(Item::Env { name: v.name.clone(), value: v.value.clone(), loc });
        }
        for p in env.properties() {
            self.items.push(Item::Property { name: p.name.clone(), value: p.value.clone(), loc });
        }
        for h in env.hosts() {
            self.items.push(Item::Resolve { name: h.name.clone(), addrs: h.addrs.clone(), loc });
        }
        self
    }

    /// `flavors ID...`: the flavors that `agree` compares.
    #[track_caller]
    pub fn flavors<I, S>(self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids = ids.into_iter().map(|s| s.as_ref().to_owned()).collect();
        self.push(Item::Flavors { ids, loc: Loc::caller() })
    }

    /// `check URL` with the expectations `f` adds. It sees the environment as it stands at this
    /// point; later steps do not change it.
    #[track_caller]
    pub fn check(self, url: &str, f: impl FnOnce(CheckBuilder) -> CheckBuilder) -> Self {
        let c = f(CheckBuilder { check: Check { url: url.to_owned(), lines: Vec::new(), loc: Loc::caller() } });
        self.push(Item::Check(c.check))
    }

    /// Run every check. `import`s fail (there is no loader); use [`run_with`](Scenario::run_with).
    pub fn run(&self) -> Report {
        self.run_with(&NoSources)
    }

    /// Run every check, resolving `import`s with `loader`.
    pub fn run_with(&self, loader: &dyn SourceLoader) -> Report {
        run_items(&self.name, &self.items, loader)
    }

    /// The equivalent scenario file (`scenario NAME` and the statements), values exact.
    pub fn to_file(&self) -> File {
        let mut items = vec![Item::Scenario { name: self.name.clone(), loc: Loc::default() }];
        items.extend(self.items.iter().cloned());
        File { items }
    }
}

/// The scenario file text, credentials redacted (use [`print()`](super::print()) on
/// [`Scenario::to_file`] for the exact text).
impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(&self.to_file().items, true))
    }
}

/// The expectations of one check (see [`Scenario::check`]).
#[derive(Clone, Debug)]
#[must_use]
pub struct CheckBuilder {
    check: Check,
}

impl CheckBuilder {
    fn push(mut self, e: Expectation) -> Self {
        self.check.lines.push(CheckLine::Expect(e));
        self
    }

    /// `FLAVOR OUTCOME`. An unknown flavor ID is reported as a failure when run.
    #[track_caller]
    pub fn expect(self, flavor: &str, expect: Expect) -> Self {
        self.push(Expectation::Flavor { flavor: flavor.to_owned(), expect, loc: Loc::caller() })
    }

    /// `agree`: every selected flavor decides the same (kind and proxy endpoint).
    #[track_caller]
    pub fn agree(self) -> Self {
        self.push(Expectation::Agree { expect: None, loc: Loc::caller() })
    }

    /// `agree OUTCOME`: every selected flavor decides `expect`.
    #[track_caller]
    pub fn agree_on(self, expect: Expect) -> Self {
        self.push(Expectation::Agree { expect: Some(expect), loc: Loc::caller() })
    }

    /// An indented `# text` comment (kept when printed).
    pub fn comment(mut self, text: &str) -> Self {
        let text = text.replace(['\n', '\r'], " ");
        self.check.lines.push(CheckLine::Comment(format!(" {}", text.trim_end())));
        self
    }
}
