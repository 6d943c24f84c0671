//! Scenarios: state what an environment must do, and have CI hold you to it.
//!
//! A *scenario* is an environment (variables, JVM properties, a resolver table, imported
//! sources) and a list of *checks*: a URL and what each flavor must decide for it — `direct`,
//! `proxy [URL] [via VARIABLE]`, `error [KIND]`, or that every selected flavor `agree`s.
//! Running a scenario gives a [`Report`] (a value, never a panic) that names every expectation
//! that failed, where it was written, and the explanation of the actual [`Decision`](crate::Decision).
//!
//! The same concepts have two faces:
//!
//! - **In Rust**, the [`Scenario`] builder:
//!
//! ```
//! use noproxy::scenario::{Expect, Scenario};
//!
//! // A dind job behind cntlm on docker0: one base environment…
//! let base = Scenario::new("dind behind cntlm")
//!     .env("HTTPS_PROXY", "http://172.17.0.1:3128")
//!     .env("https_proxy", "http://172.17.0.1:3128")
//!     .env("NO_PROXY", "docker:2375,docker:2376")
//!     .env("no_proxy", "docker:2375,docker:2376");
//!
//! let report = base
//!     .clone()
//!     .check("https://docker:2376/", |c| {
//!         c.expect("go", Expect::Direct)
//!             .expect("docker", Expect::Direct)
//!             // curl compares the whole entry `docker:2376` with the host: never matches.
//!             .expect("curl", Expect::proxy("http://172.17.0.1:3128").via("https_proxy"))
//!     })
//!     .run();
//! assert!(report.is_ok(), "{report}");
//!
//! // …and a variation of it: list the bare host name too, and every flavor agrees.
//! let fixed = base
//!     .variant("dind, bare host listed")
//!     .env("NO_PROXY", "docker,docker:2375,docker:2376")
//!     .env("no_proxy", "docker,docker:2375,docker:2376")
//!     .check("https://docker:2376/", |c| c.agree_on(Expect::Direct));
//! assert!(fixed.run().is_ok());
//!
//! // A wrong expectation is a failure in the report, with the actual decision explained.
//! let wrong = base.variant("wrong").check("https://docker:2376/", |c| c.expect("curl", Expect::Direct));
//! let report = wrong.run();
//! assert_eq!((report.passed(), report.failed()), (0, 1));
//! assert!(report.to_string().contains("rule: proxy_variable"));
//! ```
//!
//! - **As text**, scenario files (grammar in `spec.md`, section "Scenario format"), parsed by
//!   [`parse`], printed canonically by [`print()`] and run by [`run_file`]:
//!
//! ```
//! use noproxy::scenario::{parse, run_file, NoSources};
//!
//! let text = r#"
//! ## dind job behind cntlm on docker0
//! env HTTPS_PROXY = http://172.17.0.1:3128
//! env NO_PROXY    = docker:2375,docker:2376
//! check https://docker:2376/
//!   go    direct
//!   curl  proxy http://172.17.0.1:3128 via HTTPS_PROXY
//! "#;
//! let file = parse("dind.scenario", text).map_err(|e| e[0].to_string())?;
//! let report = run_file("dind.scenario", &file, &NoSources);
//! assert!(report.is_ok(), "{report}");
//! assert_eq!(report.summary(), "2 passed, 0 failed");
//! # Ok::<(), String>(())
//! ```
//!
//! A [`Scenario`] prints as the equivalent scenario file (`Display`), so anything written with
//! the builder can be checked in as text.
//!
//! **Imported sources.** `import FORMAT PATH` (builder: [`Scenario::import`]) is resolved at run
//! time through a [`SourceLoader`] that the caller supplies; the library does no I/O. An
//! environment already loaded by other means can be merged with [`Scenario::source`].

use std::fmt;
use std::net::IpAddr;

mod builder;
mod parse;
mod print;
mod run;

pub use builder::{CheckBuilder, Scenario};
pub use parse::{parse, ParseError};
pub use print::print;
pub use run::{run_file, ExpectationResult, NoSources, Report, SourceLoader};

/// Where an item was written: a 1-based line and column (in characters) of a scenario file, or
/// of the Rust source that built it (`origin`, builder only).
///
/// **Equality ignores locations** (every `Loc` equals every other), so that two syntax trees
/// are equal when they say the same thing: `parse(print(file)) == file`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Loc {
    /// 1-based line (0: unknown).
    pub line: u32,
    /// 1-based column in characters (0: unknown).
    pub column: u32,
    /// The Rust source file of a builder call (`#[track_caller]`); `None` for parsed files.
    pub origin: Option<&'static str>,
}

impl PartialEq for Loc {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Loc {}

impl Loc {
    /// A location in a scenario file.
    pub fn new(line: u32, column: u32) -> Self {
        Loc { line, column, origin: None }
    }
    #[track_caller]
    pub(crate) fn caller() -> Self {
        let c = std::panic::Location::caller();
        Loc { line: c.line(), column: c.column(), origin: Some(c.file()) }
    }
    /// `FILE:LINE:COLUMN` (`file` is used when the item came from a scenario file).
    pub fn display(&self, file: &str) -> String {
        let file = self.origin.unwrap_or(file);
        if self.line == 0 {
            file.to_owned()
        } else {
            format!("{file}:{}:{}", self.line, self.column)
        }
    }
}

/// A scenario file: its lines, in order. Statements before the first `scenario` line form the
/// *preamble*; every `scenario` block starts from the environment as it stands at the end of
/// the preamble.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// Every item, in file order.
    pub items: Vec<Item>,
}

/// One line (or, for [`Item::Check`], one check line and its indented expectations).
/// `Debug` shows the line as written, credentials redacted.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Item {
    /// `# text` on a line of its own (the text after `#`, trailing blanks removed).
    Comment(String),
    /// One or more empty lines (kept as one, so the formatter preserves paragraphs).
    Blank,
    /// `scenario NAME`: starts a new scenario from the preamble's environment.
    Scenario {
        /// The name.
        name: String,
        /// Where.
        loc: Loc,
    },
    /// `env NAME = VALUE`: set (or replace) a variable with this exact name.
    Env {
        /// Name, exact spelling.
        name: String,
        /// Value, exact (may be empty).
        value: String,
        /// Where.
        loc: Loc,
    },
    /// `unset NAME`: remove the variable with this exact name.
    Unset {
        /// Name, exact spelling.
        name: String,
        /// Where.
        loc: Loc,
    },
    /// `property NAME = VALUE`: a JVM system property (`-Dname=value`).
    Property {
        /// Name.
        name: String,
        /// Value.
        value: String,
        /// Where.
        loc: Loc,
    },
    /// `resolve NAME = IP...`: `NAME` resolves to these addresses (appended).
    Resolve {
        /// Host name.
        name: String,
        /// Addresses, in order.
        addrs: Vec<IpAddr>,
        /// Where.
        loc: Loc,
    },
    /// `import FORMAT PATH`: merge what a [`SourceLoader`] reads from `PATH`.
    Import {
        /// Source format (`env`, …).
        format: String,
        /// Path as written (the runner's loader resolves it).
        path: String,
        /// Where.
        loc: Loc,
    },
    /// `flavors ID...`: the flavors `agree` compares (default `go docker curl`).
    Flavors {
        /// Flavor IDs as written.
        ids: Vec<String>,
        /// Where.
        loc: Loc,
    },
    /// `check URL` and its expectations.
    Check(Check),
}

/// `check URL` followed by indented expectation lines.
#[derive(Clone, PartialEq, Eq)]
pub struct Check {
    /// The request URL, as written.
    pub url: String,
    /// Expectations and comments, in order (at least one expectation).
    pub lines: Vec<CheckLine>,
    /// Where the `check` line is.
    pub loc: Loc,
}

/// One indented line under a `check`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckLine {
    /// An indented `# text` comment.
    Comment(String),
    /// An expectation.
    Expect(Expectation),
}

/// What must happen for the check's URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expectation {
    /// `FLAVOR OUTCOME`: this flavor decides so.
    Flavor {
        /// The flavor ID (`go`, `curl@7.88.1`, …).
        flavor: String,
        /// The expected outcome.
        expect: Expect,
        /// Where.
        loc: Loc,
    },
    /// `agree [OUTCOME]`: every selected flavor decides the same (and, if given, this).
    Agree {
        /// The outcome they must agree on, if stated.
        expect: Option<Expect>,
        /// Where.
        loc: Loc,
    },
}

impl Expectation {
    /// Where it was written.
    pub fn loc(&self) -> Loc {
        match self {
            Expectation::Flavor { loc, .. } | Expectation::Agree { loc, .. } => *loc,
        }
    }
}

/// An expected outcome. `Display` and `Debug` show it as written, credentials redacted.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Expect {
    /// `direct`.
    Direct,
    /// `proxy [URL] [via VARIABLE]`: through a proxy; if `url` is given, the endpoint the tool
    /// dials (`scheme://host:port`) must equal it (credentials and a trailing `/` in `url` are
    /// ignored); if `via` is given, the proxy must come from the variable with exactly that
    /// spelling.
    Proxy {
        /// Expected endpoint.
        url: Option<String>,
        /// Expected variable.
        via: Option<String>,
    },
    /// `error [KIND]`: the tool refuses or fails; `KIND` is one of [`ERROR_KINDS`].
    Error {
        /// Expected error kind.
        kind: Option<String>,
    },
}

/// The error kinds an `error KIND` expectation may name (as in batch's `error_kind`).
pub const ERROR_KINDS: &[&str] =
    &["cgi_refused", "invalid_url", "unsupported_url_scheme", "invalid_proxy", "unsupported_proxy_scheme"];

impl Expect {
    /// `proxy URL`.
    pub fn proxy(url: &str) -> Self {
        Expect::Proxy { url: Some(url.to_owned()), via: None }
    }
    /// `proxy` (any proxy).
    pub fn any_proxy() -> Self {
        Expect::Proxy { url: None, via: None }
    }
    /// `error KIND`.
    pub fn error(kind: &str) -> Self {
        Expect::Error { kind: Some(kind.to_owned()) }
    }
    /// `error` (any kind).
    pub fn any_error() -> Self {
        Expect::Error { kind: None }
    }
    /// Add `via VARIABLE` to a `proxy` expectation (no effect on others).
    pub fn via(self, variable: &str) -> Self {
        match self {
            Expect::Proxy { url, .. } => Expect::Proxy { url, via: Some(variable.to_owned()) },
            other => other,
        }
    }
}

/// Displays the expectation as written in a scenario file, credentials redacted.
impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&print::expect_text(self, true))
    }
}
