//! # noproxy — how `HTTP_PROXY` and `NO_PROXY` really behave
//!
//! Every HTTP client reads the proxy variables differently. noproxy models the environment
//! exactly as written ([`ProxyEnv`]), and answers for a URL, per *flavor* (one real program at
//! one version: `go`, `go@1.19`, `docker`, `curl@7.88.1`, …), whether it goes direct or through
//! which proxy, and why ([`Decision`], [`Explanation`]). Every rule is written in `spec.md` with
//! the upstream source it was read from, and checked against vectors recorded from the real
//! programs (`tests/conformance/`).
//!
//! ```
//! use noproxy::{Flavor, ProxyEnv};
//!
//! // The GitLab dind advice: NO_PROXY=docker:2375,docker:2376
//! let env = ProxyEnv::builder()
//!     .var("HTTPS_PROXY", "http://proxy.invalid:3128")
//!     .var("https_proxy", "http://proxy.invalid:3128")
//!     .var("NO_PROXY", "docker:2375,docker:2376")
//!     .var("no_proxy", "docker:2375,docker:2376")
//!     .build();
//!
//! let go: Flavor = "go".parse()?;
//! let curl: Flavor = "curl@7.88.1".parse()?;
//! assert_eq!(go.decide(&env, "https://docker:2376/").outcome.kind(), "direct");
//! // curl compares the whole entry with the host name: the port makes it never match.
//! let d = curl.decide(&env, "https://docker:2376/");
//! assert_eq!(d.outcome.kind(), "proxy");
//! assert_eq!(d.outcome.proxy().unwrap().endpoint(), "http://proxy.invalid:3128");
//! # Ok::<(), noproxy::Error>(())
//! ```
//!
//! ## Guide
//!
//! **The model.** [`ProxyEnv`] keeps every variable exactly as written — every spelling
//! (`HTTP_PROXY` and `http_proxy` are different variables), set-but-empty distinct from unset,
//! non-UTF-8 values reported — plus JVM system properties (for the `java` flavor) and a
//! resolver table (for flavors that resolve names, such as `ruby`; nothing resolves unless you
//! list it). Build one with [`ProxyEnv::builder`], from pairs, from the process
//! ([`ProxyEnv::from_process`], the only place noproxy reads the environment), or from the
//! files operators actually write ([`sources`]: dotenv, systemd drop-ins, `daemon.json`,
//! `~/.docker/config.json`, GitLab Runner `config.toml`, cntlm), with the file and line of
//! every value kept as [`Provenance`].
//!
//! **Flavors.** A [`Flavor`] is one program at one version, parsed from a stable ID
//! (`"go"`, `"curl@7.88.1"`, `"python-requests@2.33.1"`; [`flavors::FAMILIES`] lists them).
//! Its rules are data ([`flavors::Rules`]), folded from the program's timeline of changes.
//! [`Flavor::prepare`] parses the environment once and compiles NO_PROXY into a
//! [`matcher::Matcher`]; [`Prepared::decide`] then answers a URL (or a [`Target`], also from
//! `url::Url` and, with the `http` feature, `http::Uri`).
//!
//! **Explanations.** A [`Decision`] is an [`Outcome`] (direct, proxy with the variable it came
//! from, or error) and an [`Explanation`]: the deciding [`Rule`], every variable consulted and
//! what happened to it, the NO_PROXY entry that matched with its byte span, the host as the
//! tool read it, and diagnostics for entries that can never match. Credentials are redacted in
//! every `Display`, `Debug` and serde output ([`Secret`], [`redact_value`]).
//!
//! **Diff, lint, fix.** [`analysis::diff`] decides URLs with many flavors and groups the
//! disagreements by cause; [`analysis::analyze_no_proxy`] says how each flavor reads each entry
//! and synthesises witness URLs; [`lint::lint`] turns that into findings with stable codes
//! (`NP001`…); [`lint::portable`] rewrites NO_PROXY so that every target reads it as intended.
//!
//! **Scenarios.** [`scenario`] is the embedded DSL: a Rust builder ([`scenario::Scenario`]) and
//! a text format (`*.scenario`) stating what each flavor must decide, run into a report value.
//!
//! **Adapters.** [`adapters::reqwest::proxy`] (feature `reqwest`) makes a reqwest client route
//! exactly like a chosen flavor.
//!
//! Features: `serde` (Serialize/Deserialize on the public data types), `cli` (default; the
//! `noproxy-check` binary), `http`, `reqwest`. noproxy does no I/O besides
//! [`ProxyEnv::from_process`] and never resolves names.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod adapters;
pub mod analysis;
mod decision;
mod env;
mod error;
pub mod flavors;
pub mod lint;
pub mod matcher;
mod noproxy;
mod proxy;
pub mod retry;
pub mod scenario;
mod secret;
pub mod sources;
mod target;

pub use decision::{Decision, DecisionError, Explanation, NoProxyReport, Outcome, Rule, VarNote, VarStatus};
pub use env::{
    is_proxy_variable, EnvDiagnostic, EnvVar, HostsEntry, Provenance, ProxyEnv, ProxyEnvBuilder, PROXY_VARIABLES,
};
pub use error::{Error, ErrorKind};
pub use flavors::{Family, Flavor, Prepared, Version};
pub use noproxy::{Entry, EntryKind, NoProxyDiagnostic};
pub use proxy::ProxyUrl;
pub use secret::{redact_value, Secret, REDACTED};
pub use target::{HostView, Target};
