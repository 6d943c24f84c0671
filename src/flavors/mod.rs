//! Flavors: one per real program, each version a value built from that program's timeline.
//!
//! A flavor ID is `NAME` (the newest behaviour modelled) or `NAME@VERSION` (the behaviour of
//! that release: every change whose first release is ≤ VERSION applies). Missing version
//! components count as 0, so `go@1.23` is Go 1.23.0.

use std::fmt;
use std::str::FromStr;

use crate::decision::Decision;
use crate::env::ProxyEnv;
use crate::target::Target;

pub mod curl;
pub mod docker;
pub mod go;
mod go_url;
mod http_uri;
pub mod java;
mod js;
mod matching;
pub mod node;
pub mod node_pfe;
pub mod python_requests;
pub mod python_urllib;
pub mod ruby;
pub mod rust_clients;
pub mod undici;
pub mod wget;

pub use curl::CurlRules;
pub use docker::DockerRules;
pub use go::GoRules;
pub use java::JavaRules;
pub use node::NodeRules;
pub use node_pfe::PfeRules;
pub use python_requests::PyRequestsRules;
pub use python_urllib::PyUrllibRules;
pub use ruby::RubyRules;
pub use rust_clients::RustRules;
pub use undici::UndiciRules;
pub use wget::WgetRules;

/// A dotted release number (`1.19`, `7.88.1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
}

impl Version {
    /// `const` constructor.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version { major, minor, patch }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for Version {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || crate::Error::new(crate::ErrorKind::BadVersion, s);
        let mut parts = [0u32; 3];
        for (n, p) in s.split('.').enumerate() {
            if n == 3 || p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            parts[n] = p.parse().map_err(|_| bad())?;
        }
        Ok(Version::new(parts[0], parts[1], parts[2]))
    }
}

/// Serialized as its dotted form (`"1.19.0"`); deserialized with [`FromStr`].
#[cfg(feature = "serde")]
impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serialized as its ID (`"curl@7.88.1"`); deserialized with [`FromStr`].
#[cfg(feature = "serde")]
impl serde::Serialize for Flavor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Flavor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Parse a version literal in a `const` table (panics only on a typo in our own tables,
/// which the `timelines_parse` test catches).
pub(crate) fn v(s: &str) -> Version {
    s.parse().expect("valid version literal in a flavor table")
}

/// A behaviour change in a program's history.
#[derive(Clone, Copy, Debug)]
pub struct Change<R: 'static> {
    /// First releases with the change, one per maintained release line (`["1.23.7", "1.24.1"]`):
    /// a version has it when it is ≥ the newest entry, or ≥ an entry of its own major.minor line.
    pub since: &'static [&'static str],
    /// The spec rule that describes it.
    pub spec: &'static str,
    /// One line for humans.
    pub summary: &'static str,
    /// The upstream change (repo commit / issue).
    pub upstream: &'static str,
    /// Applies the change to the rules.
    pub apply: fn(&mut R),
}

impl<R> Change<R> {
    /// Does release `at` include this change?
    pub fn applies_to(&self, at: Version) -> bool {
        let since: Vec<Version> = self.since.iter().map(|s| v(s)).collect();
        let newest = since.iter().max().copied().unwrap_or(Version::new(0, 0, 0));
        at >= newest || since.iter().any(|s| s.major == at.major && s.minor == at.minor && at >= *s)
    }
}

/// Fold a timeline into the rules of one release.
pub(crate) fn rules_at<R: Clone>(base: &R, changes: &[Change<R>], at: Version) -> R {
    let mut r = base.clone();
    for c in changes.iter().filter(|c| c.applies_to(at)) {
        (c.apply)(&mut r);
    }
    r
}

/// The program families noproxy models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Family {
    /// Go `net/http.ProxyFromEnvironment` (`golang.org/x/net/http/httpproxy`).
    Go,
    /// Docker Engine (dockerd) and the docker CLI's own requests.
    Docker,
    /// curl / libcurl.
    Curl,
    /// GNU Wget.
    Wget,
    /// Ruby `Net::HTTP` / `URI::Generic#find_proxy`.
    Ruby,
    /// The JDK's default `ProxySelector` (system properties).
    Java,
    /// Rust hyper-util's proxy matcher (`hyper_util::client::proxy::matcher`).
    HyperUtil,
    /// Rust reqwest.
    Reqwest,
    /// Rust ureq 3.
    Ureq,
    /// npm `proxy-from-env` (`getProxyForUrl`, used by axios).
    NodeProxyFromEnv,
    /// undici `EnvHttpProxyAgent` (Node.js `fetch`).
    Undici,
    /// Node.js `http`/`https` with `NODE_USE_ENV_PROXY=1`.
    Node,
    /// CPython `urllib.request` (`urlopen`).
    PythonUrllib,
    /// Python requests.
    PythonRequests,
}

/// Everything about a family that the catalogue lists.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FamilyInfo {
    /// The family.
    pub family: Family,
    /// Bare ID (`go`).
    pub name: &'static str,
    /// One line for `noproxy-check flavors`.
    pub summary: &'static str,
    /// Oldest release modelled.
    pub earliest: &'static str,
    /// Newest release modelled (what the bare ID means).
    pub latest: &'static str,
    /// Releases worth naming (where behaviour changed, or that distributions ship).
    pub versions: &'static [&'static str],
}

/// The catalogue of families.
pub const FAMILIES: &[FamilyInfo] = &[
    go::INFO,
    docker::INFO,
    curl::INFO,
    wget::INFO,
    ruby::INFO,
    java::INFO,
    rust_clients::HYPER_UTIL_INFO,
    rust_clients::REQWEST_INFO,
    rust_clients::UREQ_INFO,
    node_pfe::INFO,
    undici::INFO,
    node::INFO,
    python_urllib::INFO,
    python_requests::INFO,
];

/// The rules of one flavor.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Rules {
    /// Go.
    Go(GoRules),
    /// Docker.
    Docker(DockerRules),
    /// curl.
    Curl(CurlRules),
    /// GNU Wget.
    Wget(WgetRules),
    /// Ruby.
    Ruby(RubyRules),
    /// Java.
    Java(JavaRules),
    /// hyper-util, reqwest, ureq.
    Rust(RustRules),
    /// proxy-from-env.
    NodeProxyFromEnv(PfeRules),
    /// undici.
    Undici(UndiciRules),
    /// Node.js.
    Node(NodeRules),
    /// CPython urllib.
    PythonUrllib(PyUrllibRules),
    /// Python requests.
    PythonRequests(PyRequestsRules),
}

/// One program at one version: the unit every decision is made by.
///
/// ```
/// use noproxy::Flavor;
/// let curl: Flavor = "curl@7.88.1".parse()?;
/// assert_eq!(curl.id(), "curl@7.88.1");
/// assert!("go@0.1".parse::<Flavor>().is_err());
/// # Ok::<(), noproxy::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flavor {
    id: String,
    family: Family,
    version: Version,
    rules: Rules,
}

impl Flavor {
    /// The ID as given (`go`, `curl@7.88.1`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The family.
    pub fn family(&self) -> Family {
        self.family
    }
    /// The release whose behaviour this is.
    pub fn version(&self) -> Version {
        self.version
    }
    /// The rules (data: diff can name the field that differs).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }
    /// The default flavors of `noproxy-check`: `go`, `docker`, `curl`.
    pub fn defaults() -> Vec<Flavor> {
        ["go", "docker", "curl"].iter().map(|id| id.parse().expect("built-in flavor id")).collect()
    }

    /// The newest modelled release of every family, in catalogue order (diff/lint default).
    pub fn every_family() -> Vec<Flavor> {
        FAMILIES.iter().map(|f| f.name.parse().expect("built-in flavor id")).collect()
    }

    /// Parse the environment the way this flavor's program does, once, for many URLs.
    pub fn prepare(&self, env: &ProxyEnv) -> Prepared {
        let inner = match &self.rules {
            Rules::Go(r) => PreparedInner::Go(Box::new(go::Prepared::new(r, env))),
            Rules::Docker(r) => PreparedInner::Go(Box::new(go::Prepared::new(&r.go, &docker::daemon_env(r, env)))),
            Rules::Curl(r) => PreparedInner::Curl(Box::new(curl::Prepared::new(r, env))),
            Rules::Wget(r) => PreparedInner::Wget(Box::new(wget::Prepared::new(r, env))),
            Rules::Ruby(r) => PreparedInner::Ruby(Box::new(ruby::Prepared::new(r, env))),
            Rules::Java(r) => PreparedInner::Java(Box::new(java::Prepared::new(r, env))),
            Rules::Rust(r) => PreparedInner::Rust(Box::new(rust_clients::Prepared::new(r, env))),
            Rules::NodeProxyFromEnv(r) => PreparedInner::Pfe(Box::new(node_pfe::Prepared::new(r, env))),
            Rules::Undici(r) => PreparedInner::Undici(Box::new(undici::Prepared::new(r, env))),
            Rules::Node(r) => PreparedInner::Node(Box::new(node::Prepared::new(r, env))),
            Rules::PythonUrllib(r) => PreparedInner::PythonUrllib(Box::new(python_urllib::Prepared::new(r, env))),
            Rules::PythonRequests(r) => PreparedInner::PythonRequests(Box::new(python_requests::Prepared::new(r, env))),
        };
        Prepared { flavor: self.id.clone(), inner }
    }

    /// Decide one URL (parses the environment each time; use [`Flavor::prepare`] for many).
    ///
    /// ```
    /// use noproxy::{Flavor, ProxyEnv};
    /// let env = ProxyEnv::builder()
    ///     .var("HTTPS_PROXY", "http://proxy.invalid:3128")
    ///     .var("NO_PROXY", "docker:2375,docker:2376")
    ///     .build();
    /// let go: Flavor = "go".parse()?;
    /// let d = go.decide(&env, "https://docker:2376/");
    /// assert_eq!(d.outcome.kind(), "direct");
    /// assert_eq!(d.explanation.matched_entry().unwrap().text, "docker:2376");
    /// # Ok::<(), noproxy::Error>(())
    /// ```
    pub fn decide(&self, env: &ProxyEnv, url: &str) -> Decision {
        self.prepare(env).decide(url)
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

impl FromStr for Flavor {
    type Err = crate::Error;
    fn from_str(id: &str) -> Result<Self, Self::Err> {
        let (name, ver) = match id.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (id, None),
        };
        let info = FAMILIES
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| crate::Error::new(crate::ErrorKind::UnknownFlavor, id))?;
        let version = match ver {
            Some(s) => s.parse::<Version>()?,
            None => v(info.latest),
        };
        if version < v(info.earliest) {
            return Err(crate::Error::new(crate::ErrorKind::VersionNotModelled, id));
        }
        let rules = match info.family {
            Family::Go => Rules::Go(go::rules_for(version)),
            Family::Docker => Rules::Docker(docker::rules_for(version)),
            Family::Curl => Rules::Curl(curl::rules_for(version)),
            Family::Wget => Rules::Wget(wget::rules_for(version)),
            Family::Ruby => Rules::Ruby(ruby::rules_for(version)),
            Family::Java => Rules::Java(java::rules_for(version)),
            Family::HyperUtil => Rules::Rust(rust_clients::hyper_util_rules(version)),
            Family::Reqwest => Rules::Rust(rust_clients::reqwest_rules(version)),
            Family::Ureq => Rules::Rust(rust_clients::ureq_rules(version)),
            Family::NodeProxyFromEnv => Rules::NodeProxyFromEnv(node_pfe::rules_for(version)),
            Family::Undici => Rules::Undici(undici::rules_for(version)),
            Family::Node => Rules::Node(node::rules_for(version)),
            Family::PythonUrllib => Rules::PythonUrllib(python_urllib::rules_for(version)),
            Family::PythonRequests => Rules::PythonRequests(python_requests::rules_for(version)),
        };
        Ok(Flavor { id: id.to_owned(), family: info.family, version, rules })
    }
}

/// A flavor with the environment already parsed: decide many URLs without re-parsing.
#[derive(Clone, Debug)]
pub struct Prepared {
    flavor: String,
    inner: PreparedInner,
}

#[derive(Clone, Debug)]
enum PreparedInner {
    Go(Box<go::Prepared>),
    Curl(Box<curl::Prepared>),
    Wget(Box<wget::Prepared>),
    Ruby(Box<ruby::Prepared>),
    Java(Box<java::Prepared>),
    Rust(Box<rust_clients::Prepared>),
    Pfe(Box<node_pfe::Prepared>),
    Undici(Box<undici::Prepared>),
    Node(Box<node::Prepared>),
    PythonUrllib(Box<python_urllib::Prepared>),
    PythonRequests(Box<python_requests::Prepared>),
}

impl Prepared {
    /// Decide one URL.
    pub fn decide(&self, url: &str) -> Decision {
        let target = Target::parse(url);
        self.decide_target(&target)
    }
    /// Decide one already-split URL.
    pub fn decide_target(&self, target: &Target) -> Decision {
        self.decide_with(target, matching::Eval::Compiled)
    }

    /// Decide one URL with the flavor's *reference* evaluator: a linear scan of the NO_PROXY
    /// entries in list order, the literal transcription of the tool's source. [`decide`]
    /// answers with the compiled [`Matcher`](crate::matcher::Matcher) instead and must give
    /// the same [`Decision`] (checked by `tests/matcher.rs`); this exists for that comparison.
    ///
    /// [`decide`]: Prepared::decide
    pub fn decide_reference(&self, url: &str) -> Decision {
        self.decide_with(&Target::parse(url), matching::Eval::Reference)
    }

    /// The compiled NO_PROXY this flavor answers with: `None` if no NO_PROXY variable applies
    /// (or, in theory, if it had more than 2³² − 1 entries). Its indices are those of
    /// [`NoProxyReport::entries`](crate::NoProxyReport::entries); hosts must be given the way
    /// the flavor normalises them.
    pub fn matcher(&self) -> Option<&crate::matcher::Matcher> {
        match &self.inner {
            PreparedInner::Go(p) => p.matcher(),
            PreparedInner::Curl(p) => p.matcher(),
            PreparedInner::Wget(p) => p.matcher(),
            PreparedInner::Ruby(p) => p.matcher(),
            PreparedInner::Java(p) => p.matcher(),
            PreparedInner::Rust(p) => p.matcher(),
            PreparedInner::Pfe(p) => p.matcher(),
            PreparedInner::Undici(p) => p.matcher(),
            PreparedInner::Node(p) => p.matcher(),
            PreparedInner::PythonUrllib(p) => p.matcher(),
            PreparedInner::PythonRequests(p) => p.matcher(),
        }
    }

    fn decide_with(&self, target: &Target, eval: matching::Eval) -> Decision {
        let (outcome, explanation) = match &self.inner {
            PreparedInner::Go(p) => p.decide(target, eval),
            PreparedInner::Curl(p) => p.decide(target, eval),
            PreparedInner::Wget(p) => p.decide(target, eval),
            PreparedInner::Ruby(p) => p.decide(target, eval),
            PreparedInner::Java(p) => p.decide(target, eval),
            PreparedInner::Rust(p) => p.decide(target, eval),
            PreparedInner::Pfe(p) => p.decide(target, eval),
            PreparedInner::Undici(p) => p.decide(target, eval),
            PreparedInner::Node(p) => p.decide(target, eval),
            PreparedInner::PythonUrllib(p) => p.decide(target, eval),
            PreparedInner::PythonRequests(p) => p.decide(target, eval),
        };
        Decision { flavor: self.flavor.clone(), outcome, explanation }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timelines_parse() {
        for f in FAMILIES {
            for s in f.versions.iter().chain([&f.earliest, &f.latest]) {
                let id = format!("{}@{}", f.name, s);
                assert!(id.parse::<Flavor>().is_ok(), "{id}");
            }
        }
        for c in go::CHANGES {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        for c in curl::CHANGES {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        for c in wget::CHANGES {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        for c in ruby::CHANGES {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        for c in java::CHANGES {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        for c in rust_clients::HYPER_UTIL_CHANGES
            .iter()
            .chain(rust_clients::REQWEST_CHANGES)
            .chain(rust_clients::UREQ_CHANGES)
        {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        let since = node_pfe::CHANGES
            .iter()
            .map(|c| c.since)
            .chain(undici::CHANGES.iter().map(|c| c.since))
            .chain(node::CHANGES.iter().map(|c| c.since));
        for s in since {
            assert!(s.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        assert!(!node::rules_for(v("24.4.0")).env_proxy && node::rules_for(v("24.5.0")).env_proxy);
        assert!(node::rules_for(v("22.23.5")).env_proxy && !node::rules_for(v("23.1.0")).env_proxy);
        assert!(node::rules_for(v("24.17.0")).dot_label_boundary && !node::rules_for(v("26.0.0")).dot_label_boundary);
        for c in python_urllib::CHANGES {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
        for c in python_requests::CHANGES {
            assert!(c.since.iter().all(|s| s.parse::<Version>().is_ok()));
        }
    }

    #[test]
    fn backported_changes_follow_release_lines() {
        let c = Change::<()> { since: &["1.23.7", "1.24.1"], spec: "", summary: "", upstream: "", apply: |_| {} };
        assert!(!c.applies_to(v("1.23.6")));
        assert!(c.applies_to(v("1.23.7")));
        assert!(!c.applies_to(v("1.24.0")));
        assert!(c.applies_to(v("1.24.1")));
        assert!(c.applies_to(v("1.25")));
        assert!(!c.applies_to(v("1.22.99")));
    }
}
