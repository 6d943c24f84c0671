//! Docker: the daemon's `daemon.json` / `dockerd` flags, the CLI's `~/.docker/config.json`
//! `"proxies"`, and what a container or a build gets from them.
//!
//! Read from docker/cli @ `28f75608` `cli/config/configfile/file.go` (`ProxyConfig`,
//! `ParseProxyConfig`), `cli/command/container/run.go`, `create.go`, `opts/env.go`
//! (`ValidateEnv`), `opts/parse.go`; docker/buildx @ `461836ba` `store/storeutil/storeutil.go`
//! (`GetProxyConfig`), `build/opt.go` (`proxyArgKeyExists`); moby/buildkit @ `73ed6825`
//! `frontend/dockerfile/dockerfile2llb/convert.go` (`proxyEnvFromBuildArgs`),
//! `solver/llbsolver/ops/exec.go` (`proxyEnvList`). See spec.md R-SRC-DOCKER-*.

use crate::env::{EnvVar, Provenance, ProxyEnv};

use super::json::{self, Json};
use super::shell::{Lexer, Tok};
use super::{file_var, finding, FindingKind, Imported, LineIndex, SourceError};

/// The daemon host the docker CLI uses when `DOCKER_HOST` and contexts say nothing.
pub const DEFAULT_DAEMON_HOST: &str = "unix:///var/run/docker.sock";

/// A value and the 1-based line it was read from. `Debug` redacts credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Located {
    /// The value as decoded.
    pub value: String,
    /// 1-based line of the value.
    pub line: u32,
}

impl std::fmt::Debug for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}@{}", crate::redact_value(&self.value), self.line)
    }
}

/// One `"proxies"` block of `config.json` (`ProxyConfig`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyBlock {
    /// `httpProxy`.
    pub http_proxy: Option<Located>,
    /// `httpsProxy`.
    pub https_proxy: Option<Located>,
    /// `noProxy`.
    pub no_proxy: Option<Located>,
    /// `ftpProxy`.
    pub ftp_proxy: Option<Located>,
    /// `allProxy`.
    pub all_proxy: Option<Located>,
}

impl ProxyBlock {
    /// `(UPPER_NAME, value)` for every kind, in `ParseProxyConfig`'s `permitted` order.
    pub fn kinds(&self) -> [(&'static str, Option<&Located>); 5] {
        [
            ("HTTP_PROXY", self.http_proxy.as_ref()),
            ("HTTPS_PROXY", self.https_proxy.as_ref()),
            ("NO_PROXY", self.no_proxy.as_ref()),
            ("FTP_PROXY", self.ftp_proxy.as_ref()),
            ("ALL_PROXY", self.all_proxy.as_ref()),
        ]
    }
}

/// The `"proxies"` of a Docker CLI `config.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerConfig {
    /// Path label (for provenance).
    pub path: String,
    /// `(key, block)` in file order; a repeated key keeps its last block (Go map decoding).
    pub blocks: Vec<(String, ProxyBlock)>,
}

fn bad_type(text: &str, path: &str, at: usize, what: &str, v: &Json) -> SourceError {
    SourceError::at(
        path,
        text,
        at,
        format!(
            "{what} must be {}, found {} (Go's json.Unmarshal fails; the whole file is rejected)",
            "a string",
            v.kind()
        ),
    )
}

fn string_field(
    text: &str,
    lines: &LineIndex,
    path: &str,
    obj: &Json,
    name: &str,
) -> Result<Option<Located>, SourceError> {
    match obj.field(name) {
        None | Some((_, Json::Null)) => Ok(None),
        Some((at, Json::Str(s))) => Ok(Some(Located { value: s.clone(), line: lines.line(at) })),
        Some((at, v)) => Err(bad_type(text, path, at, &format!("\"{name}\""), v)),
    }
}

impl DockerConfig {
    /// Parse a `config.json`. Keys of the config struct match as Go's `encoding/json` does
    /// (exact, else case-insensitive); daemon-host keys must match exactly (R-SRC-DOCKER-CONFIG).
    pub fn parse(text: &str, path: &str) -> Result<Self, SourceError> {
        let doc = json::parse(text).map_err(|(o, m)| SourceError::at(path, text, o, m))?;
        let lines = LineIndex::new(text);
        let mut cfg = DockerConfig { path: path.to_owned(), blocks: vec![] };
        if !matches!(doc, Json::Object(_)) {
            return Err(SourceError::at(path, text, 0, format!("config.json must be an object, found {}", doc.kind())));
        }
        let proxies = match doc.field("proxies") {
            None | Some((_, Json::Null)) => return Ok(cfg),
            Some((_, p @ Json::Object(_))) => p,
            Some((at, v)) => {
                return Err(SourceError::at(
                    path,
                    text,
                    at,
                    format!("\"proxies\" must be an object, found {}", v.kind()),
                ))
            }
        };
        let Json::Object(members) = proxies else { return Ok(cfg) };
        for (host, at, block) in members {
            if !matches!(block, Json::Object(_) | Json::Null) {
                return Err(SourceError::at(
                    path,
                    text,
                    *at,
                    format!("proxies[{host:?}] must be an object, found {}", block.kind()),
                ));
            }
            let b = ProxyBlock {
                http_proxy: string_field(text, &lines, path, block, "httpProxy")?,
                https_proxy: string_field(text, &lines, path, block, "httpsProxy")?,
                no_proxy: string_field(text, &lines, path, block, "noProxy")?,
                ftp_proxy: string_field(text, &lines, path, block, "ftpProxy")?,
                all_proxy: string_field(text, &lines, path, block, "allProxy")?,
            };
            cfg.blocks.push((host.clone(), b));
        }
        // Go map decoding: a repeated key keeps its last block (in the place of its last occurrence).
        let mut seen = std::collections::HashSet::new();
        let mut blocks: Vec<(String, ProxyBlock)> =
            cfg.blocks.into_iter().rev().filter(|(h, _)| seen.insert(h.clone())).collect();
        blocks.reverse();
        cfg.blocks = blocks;
        Ok(cfg)
    }

    /// The block used for `daemon_host`: the block whose key equals it exactly, else
    /// `"default"`. A host block replaces `default` entirely (R-SRC-DOCKER-HOST-BLOCK).
    pub fn block_for(&self, daemon_host: &str) -> Option<(&str, &ProxyBlock)> {
        self.blocks
            .iter()
            .find(|(h, _)| h == daemon_host)
            .or_else(|| self.blocks.iter().find(|(h, _)| h == "default"))
            .map(|(h, b)| (h.as_str(), b))
    }

    fn var(&self, name: &str, l: &Located) -> EnvVar {
        file_var(name, &l.value, &self.path, l.line)
    }

    /// The environment `docker run` / `docker create` gives a container (R-SRC-DOCKER-RUN):
    ///
    /// * `env_file`: the `--env-file` entries (`NAME=value`), which `ParseProxyConfig` never
    ///   sees; they come first, so an injected value of the same name replaces them;
    /// * `env_flags`: the `-e/--env` arguments in order (`NAME=value`, `NAME=` or `NAME`);
    ///   `NAME` alone takes the value from `cli_env` (the docker CLI's own environment) and, if
    ///   unset there, still counts as present and gets no value;
    /// * then for every non-empty configured kind, `UPPER` and `lower` are each injected unless
    ///   that exact spelling is already present among the `-e` names (case-sensitive).
    pub fn run_env(
        &self,
        daemon_host: &str,
        env_file: &[(String, String)],
        env_flags: &[String],
        cli_env: &ProxyEnv,
    ) -> ProxyEnv {
        let mut env = ProxyEnv::new();
        for (k, v) in env_file {
            env.push(EnvVar { name: k.clone(), value: v.clone(), lossy: false, provenance: Provenance::Given });
        }
        // opts.ValidateEnv at flag parsing, then ConvertKVStringsToMapWithNil (later wins).
        let mut flags: Vec<(String, Option<EnvVar>)> = vec![];
        for f in env_flags {
            let (k, v) = match f.split_once('=') {
                Some((k, v)) => {
                    (k, Some(EnvVar { name: k.into(), value: v.into(), lossy: false, provenance: Provenance::Given }))
                }
                None => (f.as_str(), cli_env.var(f).cloned()),
            };
            if k.is_empty() {
                continue; // "invalid environment variable": docker refuses to run
            }
            flags.retain(|(n, _)| n != k);
            flags.push((k.to_owned(), v));
        }
        let present = |n: &str| flags.iter().any(|(k, _)| k == n);
        let mut injected = vec![];
        if let Some((_, block)) = self.block_for(daemon_host) {
            for (upper, l) in block.kinds() {
                let Some(l) = l.filter(|l| !l.value.is_empty()) else { continue };
                let lower = upper.to_ascii_lowercase();
                if !present(upper) {
                    injected.push(self.var(upper, l));
                }
                if !present(&lower) {
                    injected.push(self.var(&lower, l));
                }
            }
        }
        for (_, v) in flags {
            if let Some(v) = v {
                env.push(v);
            } else {
                // a name with no value: the key blocks injection, the container gets nothing
            }
        }
        for v in injected {
            env.push(v);
        }
        env
    }

    /// The build arguments `docker buildx build` sends (R-SRC-DOCKER-BUILDX): the user's
    /// `--build-arg`s, plus upper-case `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, `FTP_PROXY`
    /// from the config block (never `ALL_PROXY`), each unless the user passed that name in any
    /// letter case.
    pub fn buildx_build_args(&self, daemon_host: &str, user: &[(String, String)]) -> Vec<EnvVar> {
        let mut out: Vec<EnvVar> = user
            .iter()
            .map(|(k, v)| EnvVar { name: k.clone(), value: v.clone(), lossy: false, provenance: Provenance::Given })
            .collect();
        if let Some((_, block)) = self.block_for(daemon_host) {
            for (upper, l) in block.kinds() {
                if upper == "ALL_PROXY" {
                    continue;
                }
                let Some(l) = l.filter(|l| !l.value.is_empty()) else { continue };
                if !user.iter().any(|(k, _)| k.eq_ignore_ascii_case(upper)) {
                    out.push(self.var(upper, l));
                }
            }
        }
        out
    }

    /// The build arguments of the classic builder (`DOCKER_BUILDKIT=0 docker build`): the same
    /// injection as `docker run`, both spellings and `ALL_PROXY` included, against the
    /// `--build-arg` names (R-SRC-DOCKER-CLASSIC-BUILD).
    pub fn classic_build_args(&self, daemon_host: &str, user: &[(String, String)]) -> Vec<EnvVar> {
        let flags: Vec<String> = user.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.run_env(daemon_host, &[], &flags, &ProxyEnv::new()).vars().to_vec()
    }
}

/// What every `RUN` of a BuildKit Dockerfile build sees from the proxy build arguments
/// (R-SRC-DOCKER-BUILDKIT): the arguments sorted by name, each matched case-insensitively to
/// its kind, the last one winning (so `http_proxy` beats `HTTP_PROXY`), then both spellings
/// of every kind whose value is non-empty.
pub fn buildkit_run_env(build_args: &[EnvVar]) -> ProxyEnv {
    let mut args: Vec<&EnvVar> = build_args.iter().collect();
    // Go map with unique keys: a repeated --build-arg keeps the last value.
    let mut dedup: Vec<&EnvVar> = vec![];
    for a in args.drain(..) {
        dedup.retain(|d| d.name != a.name);
        dedup.push(a);
    }
    dedup.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    const KINDS: [&str; 5] = ["http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy"];
    let mut chosen: [Option<&EnvVar>; 5] = [None; 5];
    for a in dedup {
        for (i, k) in KINDS.iter().enumerate() {
            if a.name.eq_ignore_ascii_case(k) {
                chosen[i] = Some(a);
            }
        }
    }
    let mut env = ProxyEnv::new();
    // proxyEnvList order: http, https, ftp, no, all.
    for (i, k) in KINDS.iter().enumerate() {
        if let Some(a) = chosen[i].filter(|a| !a.value.is_empty()) {
            for name in [k.to_ascii_uppercase(), (*k).to_owned()] {
                env.push(EnvVar { name, value: a.value.clone(), lossy: false, provenance: a.provenance.clone() });
            }
        }
    }
    env
}

/// `--from docker-config`: what a container started with plain `docker run` (default daemon
/// host, no `-e`) gets.
pub fn import_config(text: &str, path: &str) -> Result<Imported, SourceError> {
    let cfg = DockerConfig::parse(text, path)?;
    let mut out = Imported { env: cfg.run_env(DEFAULT_DAEMON_HOST, &[], &[], &ProxyEnv::new()), findings: vec![] };
    if let Some((key, _)) = cfg.block_for(DEFAULT_DAEMON_HOST) {
        let others: Vec<&str> = cfg.blocks.iter().map(|(h, _)| h.as_str()).filter(|h| *h != key).collect();
        if !others.is_empty() {
            out.findings.push(finding(
                FindingKind::Ambiguous,
                path,
                1,
                format!(
                    "used the {key:?} block (daemon host {DEFAULT_DAEMON_HOST}); other blocks: {}",
                    others.join(", ")
                ),
            ));
        }
    }
    Ok(out)
}

/// Daemon settings: `daemon.json` `"proxies"` (`http-proxy`, `https-proxy`, `no-proxy`) or, when
/// the text is not a JSON object, `dockerd` flags `--http-proxy`, `--https-proxy`, `--no-proxy`.
/// Each non-empty value sets both spellings, as `configureProxyEnv` does (R-SRC-DOCKER-DAEMON).
pub fn parse_daemon(text: &str, path: &str) -> Result<Imported, SourceError> {
    let mut out = Imported::default();
    let set = |upper: &str, value: &str, line: u32, out: &mut Imported| {
        if value.is_empty() {
            out.findings.push(finding(
                FindingKind::Ignored,
                path,
                line,
                format!("empty {upper} setting: dockerd leaves the inherited environment as it is"),
            ));
            return;
        }
        out.env.push(file_var(upper, value, path, line));
        out.env.push(file_var(&upper.to_ascii_lowercase(), value, path, line));
    };
    const KEYS: [(&str, &str); 3] =
        [("http-proxy", "HTTP_PROXY"), ("https-proxy", "HTTPS_PROXY"), ("no-proxy", "NO_PROXY")];
    if text.trim_start().starts_with('{') {
        let doc = json::parse(text).map_err(|(o, m)| SourceError::at(path, text, o, m))?;
        let lines = LineIndex::new(text);
        let proxies = match doc.field("proxies") {
            None | Some((_, Json::Null)) => return Ok(out),
            Some((_, p @ Json::Object(_))) => p,
            Some((at, v)) => {
                return Err(SourceError::at(
                    path,
                    text,
                    at,
                    format!("\"proxies\" must be an object, found {}", v.kind()),
                ))
            }
        };
        for (key, upper) in KEYS {
            if let Some(l) = string_field(text, &lines, path, proxies, key)? {
                set(upper, &l.value, l.line, &mut out);
            }
        }
        return Ok(out);
    }
    let mut lx = Lexer::new(text);
    let mut words = vec![];
    loop {
        match lx.next_tok(&|_| None) {
            Ok(None) => break,
            Ok(Some(Tok::Word(w))) => words.push(w),
            Ok(Some(_)) => {}
            Err((o, m)) => return Err(SourceError::at(path, text, o, m)),
        }
    }
    let lines = LineIndex::new(text);
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        for (key, upper) in KEYS {
            let flag = format!("--{key}");
            if w.text == flag {
                match words.get(i + 1) {
                    Some(v) => {
                        set(upper, &v.text, lines.line(v.start), &mut out);
                        i += 1;
                    }
                    None => return Err(SourceError::at(path, text, w.start, format!("{flag} needs a value"))),
                }
            } else if let Some(v) = w.text.strip_prefix(&format!("{flag}=")) {
                set(upper, v, lines.line(w.start), &mut out);
            }
        }
        i += 1;
    }
    Ok(out)
}
