//! noproxy inside Rust programs: accept the URL types of the Rust HTTP stack, and let a
//! client adopt a flavor's exact semantics for its own traffic.
//!
//! The flavors `hyper-util` and `reqwest` (when present in [`crate::flavors::FAMILIES`])
//! *describe* what those crates do by themselves; these adapters let you *choose*: a reqwest
//! client that decides like `curl@7.88.1`, like Go, or — after rewriting NO_PROXY with
//! [`crate::lint::portable`] — the same way as every flavor you target.
//!
//! `Target: From<&url::Url>` always; features `http` (`Target: From<&http::Uri>`) and
//! `reqwest` ([`reqwest::proxy`]).

#[cfg(feature = "http")]
impl From<&http::Uri> for crate::Target {
    /// ```
    /// # #[cfg(feature = "http")] {
    /// let uri: http::Uri = "https://docker:2376/v1.45/info".parse().unwrap();
    /// let t = noproxy::Target::from(&uri);
    /// assert_eq!((t.host(), t.port()), ("docker", Some("2376")));
    /// # }
    /// ```
    fn from(uri: &http::Uri) -> Self {
        crate::Target::parse(&uri.to_string())
    }
}

impl From<&url::Url> for crate::Target {
    /// `url::Url` has already normalised the URL (WHATWG rules: lower-cased host, default
    /// port removed, IDNA applied); the flavor reads that normalised form.
    ///
    /// ```
    /// let u = url::Url::parse("HTTP://Example.COM:80/").unwrap();
    /// let t = noproxy::Target::from(&u);
    /// assert_eq!((t.host(), t.port()), ("example.com", None));
    /// ```
    fn from(u: &url::Url) -> Self {
        crate::Target::parse(u.as_str())
    }
}

/// A `reqwest::Proxy` that decides like a chosen flavor.
#[cfg(feature = "reqwest")]
pub mod reqwest {
    use std::sync::Arc;

    use crate::{Flavor, Outcome, ProxyEnv};

    /// Where requests go when the flavor's decision is an error (Go's refusal of `HTTP_PROXY`
    /// under CGI, an unusable proxy value that the tool fails on): a proxy that cannot resolve
    /// (`.invalid`, RFC 6761), so the request fails instead of silently going direct.
    pub const REFUSED: &str = "http://noproxy-refused.invalid:9";

    /// A proxy rule for `reqwest::ClientBuilder::proxy` that sends each request where `flavor`
    /// would, given `env`: through the proxy it picks (credentials included — reqwest needs
    /// them), directly when it goes direct, and to [`REFUSED`] when it fails. The environment
    /// is parsed once. Add `.no_proxy()` to the builder so that reqwest's own environment
    /// handling does not run first.
    ///
    /// ```no_run
    /// # #[cfg(feature = "reqwest")] {
    /// let env = noproxy::ProxyEnv::builder()
    ///     .var("HTTPS_PROXY", "http://proxy.invalid:3128")
    ///     .var("NO_PROXY", "docker:2375,docker:2376")
    ///     .build();
    /// let curl: noproxy::Flavor = "curl@7.88.1".parse().unwrap();
    /// let client = reqwest::Client::builder()
    ///     .no_proxy()
    ///     .proxy(noproxy::adapters::reqwest::proxy(&curl, &env))
    ///     .build()
    ///     .unwrap();
    /// # }
    /// ```
    pub fn proxy(flavor: &Flavor, env: &ProxyEnv) -> ::reqwest::Proxy {
        let prepared = Arc::new(flavor.prepare(env));
        ::reqwest::Proxy::custom(move |url: &::url::Url| -> Option<String> {
            match prepared.decide_target(&crate::Target::from(url)).outcome {
                Outcome::Direct => None,
                Outcome::Proxy { proxy, .. } => Some(proxy.to_string_with_credentials()),
                _ => Some(REFUSED.to_owned()),
            }
        })
    }
}
