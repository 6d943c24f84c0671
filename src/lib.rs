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
//! noproxy does no I/O besides [`ProxyEnv::from_process`] and never resolves names.
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
