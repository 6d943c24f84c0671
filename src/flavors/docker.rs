//! Docker — the Engine daemon (`dockerd`) and the docker CLI's own requests. Both decide with
//! Go's `net/http.ProxyFromEnvironment`, so matching is the Go flavor of the Go release the
//! binary was built with (R-DOCKER-SRC-1); what differs is where the daemon's variables come
//! from (R-DOCKER-SRC-2, R-DOCKER-SRC-3): its environment in both spellings, then `daemon.json` `"proxies"` or
//! the `--http-proxy/--https-proxy/--no-proxy` flags, which overwrite both spellings at start-up
//! (moby `daemon/command/daemon.go` `configureProxyEnv`, `overrideProxyEnv`;
//! `daemon/config/config.go` `Proxies`). Vectors: tests/conformance/recorded/docker-cli@28.2.2.jsonl.

use super::go::{self, GoRules};
use super::{v, FamilyInfo, Version};
use crate::env::{EnvVar, Provenance, ProxyEnv};
use crate::secret::redact_value;

/// Catalogue entry.
pub const INFO: FamilyInfo = FamilyInfo {
    family: super::Family::Docker,
    name: "docker",
    summary: "Docker Engine daemon and docker CLI (Go's rules for the Go they were built with; daemon.json proxies)",
    earliest: "18.09",
    latest: "28.2.2",
    versions: &[
        "18.09", "18.09.9", "19.03", "20.10", "20.10.8", "20.10.24", "23.0", "24.0", "25.0", "26.0", "27.0", "28.0",
        "28.0.2", "28.2.2",
    ],
};

/// Engine release → Go release it was built with (moby `Dockerfile` `GO_VERSION` at the
/// release tags; spec.md "Docker Engine / CLI version → Go → flavor"). Sorted by engine
/// version; the last row ≤ the requested release applies, so backport lines (23.0.18,
/// 25.0.10) sit between their neighbours. Distribution packages build with their own Go:
/// check `docker version`.
pub const ENGINE_GO: &[(&str, &str)] = &[
    ("18.09", "1.10.8"),
    ("18.09.9", "1.11.13"),
    ("19.03", "1.12.17"),
    ("20.10", "1.13.15"),
    ("20.10.8", "1.16.7"),
    ("20.10.24", "1.19.7"),
    ("23.0", "1.19.5"),
    ("23.0.18", "1.23.8"),
    ("24.0", "1.20.4"),
    ("25.0", "1.21.6"),
    ("25.0.10", "1.23.8"),
    ("26.0", "1.21.8"),
    ("27.0", "1.21.11"),
    ("28.0", "1.23.6"),
    ("28.0.2", "1.23.7"),
    ("28.2", "1.24.3"),
];

/// What the Docker flavor knows about one engine release.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DockerRules {
    /// The Go release the engine and CLI were built with.
    pub go_version: Version,
    /// Go's rules for that release.
    pub go: GoRules,
    /// R-DOCKER-SRC-2: `daemon.json` `"proxies"` and the proxy flags exist (Engine 23.0).
    pub daemon_config_proxies: bool,
}

/// The rules of Docker Engine release `at`.
pub fn rules_for(at: Version) -> DockerRules {
    let go_version = ENGINE_GO.iter().rev().find(|(e, _)| v(e) <= at).map_or(v("1.10"), |(_, g)| v(g));
    DockerRules { go_version, go: go::rules_for(go_version), daemon_config_proxies: at >= v("23.0") }
}

/// The daemon's own environment as the Go code inside it sees it. Without a daemon
/// configuration that is the environment unchanged; see [`apply_daemon_config`].
pub(crate) fn daemon_env(_r: &DockerRules, env: &ProxyEnv) -> ProxyEnv {
    env.clone()
}

/// The `"proxies"` object of `daemon.json` (or the equivalent `dockerd` flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub struct DaemonProxies {
    /// `"http-proxy"` / `--http-proxy`.
    pub http_proxy: Option<String>,
    /// `"https-proxy"` / `--https-proxy`.
    pub https_proxy: Option<String>,
    /// `"no-proxy"` / `--no-proxy`.
    pub no_proxy: Option<String>,
}

/// Apply a daemon proxy configuration the way `configureProxyEnv` does at start-up
/// (R-DOCKER-SRC-3, R-DOCKER-SRC-4): every *non-empty* value overwrites **both** spellings of its variable; an
/// empty value leaves the inherited environment alone (it cannot unset). Returns the new
/// environment and the warnings dockerd logs ("overriding existing proxy variable …", with
/// credentials masked).
///
/// ```
/// use noproxy::{ProxyEnv, flavors::docker::{apply_daemon_config, DaemonProxies}};
/// let env = ProxyEnv::builder().var("http_proxy", "http://old.invalid:1").var("NO_PROXY", "a").build();
/// let mut cfg = DaemonProxies::default();
/// cfg.http_proxy = Some("http://new.invalid:3128".into());
/// cfg.no_proxy = Some(String::new());
/// let (env, warnings) = apply_daemon_config(&env, &cfg);
/// assert_eq!(env.get("HTTP_PROXY"), Some("http://new.invalid:3128"));
/// assert_eq!(env.get("http_proxy"), Some("http://new.invalid:3128"));
/// assert_eq!(env.get("NO_PROXY"), Some("a")); // empty config value cannot unset
/// assert_eq!(warnings.len(), 1);
/// ```
pub fn apply_daemon_config(env: &ProxyEnv, cfg: &DaemonProxies) -> (ProxyEnv, Vec<String>) {
    let mut out = env.clone();
    let mut warnings = Vec::new();
    for (upper, value) in
        [("HTTP_PROXY", &cfg.http_proxy), ("HTTPS_PROXY", &cfg.https_proxy), ("NO_PROXY", &cfg.no_proxy)]
    {
        let Some(value) = value.as_deref().filter(|v| !v.is_empty()) else {
            continue;
        };
        for name in [upper.to_owned(), upper.to_ascii_lowercase()] {
            if let Some(old) = env.get(&name).filter(|o| !o.is_empty() && o != &value) {
                warnings.push(format!(
                    "overriding existing proxy variable with value from configuration: {name} {} -> {}",
                    redact_value(old),
                    redact_value(value)
                ));
            }
            out.push(EnvVar { name, value: value.to_owned(), lossy: false, provenance: Provenance::Given });
        }
    }
    (out, warnings)
}
