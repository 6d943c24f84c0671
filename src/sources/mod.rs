//! Where the proxy variables come from and where they go.
//!
//! Operators rarely type `NO_PROXY` into a shell: they write it into a systemd drop-in, Docker's
//! `daemon.json`, the Docker CLI's `~/.docker/config.json`, GitLab Runner's `config.toml`, a
//! dotenv file, or they point everything at a local cntlm. This module reads each of those
//! formats into a [`ProxyEnv`] whose every value carries [`Provenance::File`] (path and
//! 1-based line), renders a `ProxyEnv` back into each format ([`render`]), and simulates what a
//! container or a build sees ([`docker`]).
//!
//! Everything here is pure: a parser takes the file's text and a path *label* (used only for
//! provenance and messages). Reading files is the caller's business.
//!
//! ```
//! use noproxy::sources::{import, Format};
//! let text = "[Service]\nEnvironment=\"HTTP_PROXY=http://proxy.invalid:3128\" NO_PROXY=docker\n";
//! let got = import(Format::Systemd, text, "http-proxy.conf")?;
//! let v = got.env.var("NO_PROXY").unwrap();
//! assert_eq!(v.value, "docker");
//! assert_eq!(v.provenance, noproxy::Provenance::File { path: "http-proxy.conf".into(), line: 2 });
//! # Ok::<(), noproxy::sources::SourceError>(())
//! ```
//!
//! Rules are in spec.md, section "Sources" (`R-SRC-*`).

use std::fmt;
use std::str::FromStr;

use crate::env::{EnvVar, Provenance, ProxyEnv};
use crate::secret::redact_value;

pub mod cntlm;
pub mod docker;
pub mod dotenv;
pub mod gitlab_ci;
pub(crate) mod json;
pub mod render;
pub mod runner;
pub(crate) mod shell;
pub mod systemd;
pub(crate) mod toml;

/// Nesting deeper than this (JSON, TOML arrays and inline tables) is rejected: no recursion
/// blow-up on hostile input.
pub const MAX_DEPTH: usize = 64;

/// The formats noproxy reads (`--from FORMAT:PATH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Format {
    /// An environment block: `NAME=value` per line as `env` prints it, or NUL-separated as in
    /// `/proc/PID/environ`. No quoting at all.
    Env,
    /// A dotenv / shell file: `NAME=value` or `export NAME=value` with POSIX shell quoting.
    Dotenv,
    /// A systemd unit or drop-in: `Environment=` lines in `[Service]`.
    Systemd,
    /// The output of `systemctl show --property=Environment UNIT`.
    SystemctlShow,
    /// Docker daemon `daemon.json` (`"proxies"`), or `dockerd` flags (one argument per line or
    /// whitespace separated) when the text does not start with `{`.
    DaemonJson,
    /// Docker CLI `~/.docker/config.json` `"proxies"`: what `docker run` injects into a container.
    DockerConfig,
    /// GitLab Runner `config.toml`: `[[runners]]` `environment` (first runner).
    RunnerToml,
    /// cntlm `cntlm.conf`: the local proxy URL from `Listen`.
    Cntlm,
    /// `.gitlab-ci.yml` `before_script` (the subset noproxy renders: `export` lines).
    GitlabCi,
}

/// Every format, with its `--from` name.
pub const FORMATS: &[(&str, Format)] = &[
    ("env", Format::Env),
    ("dotenv", Format::Dotenv),
    ("systemd", Format::Systemd),
    ("systemctl-show", Format::SystemctlShow),
    ("daemon-json", Format::DaemonJson),
    ("docker-config", Format::DockerConfig),
    ("runner-toml", Format::RunnerToml),
    ("cntlm", Format::Cntlm),
    ("gitlab-ci", Format::GitlabCi),
];

impl Format {
    /// The stable name used on the command line.
    pub fn name(self) -> &'static str {
        FORMATS.iter().find(|(_, f)| *f == self).map(|(n, _)| *n).unwrap_or("?")
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        FORMATS.iter().find(|(n, _)| *n == s).map(|(_, f)| *f).ok_or_else(|| {
            let names: Vec<&str> = FORMATS.iter().map(|(n, _)| *n).collect();
            format!("unknown format {s:?}; known: {}", names.join(", "))
        })
    }
}

/// A file noproxy cannot read: where (1-based line and column, in characters) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SourceError {
    /// Path label as given.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// What is wrong (values redacted).
    pub message: String,
}

impl SourceError {
    pub(crate) fn at(path: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        SourceError { path: path.to_owned(), line, column, message: message.into() }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
    }
}

impl std::error::Error for SourceError {}

/// What a finding is about. Stable snake_case names in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FindingKind {
    /// cntlm `Listen` binds every interface (reachable from outside the host).
    ListenExposed,
    /// cntlm `Listen` binds loopback only: containers cannot reach it.
    ListenLoopbackOnly,
    /// cntlm `Listen` binds an address other than the docker0 address.
    ListenNotDocker0,
    /// A password in plain text (cntlm `Password`, credentials in a proxy URL).
    PlainTextCredentials,
    /// A password hash (cntlm `PassNTLMv2`, …): as good as the password for NTLM.
    PasswordHash,
    /// An assignment the real program ignores (bad syntax, bad name, …).
    Ignored,
    /// A `$VAR` / `%x` that noproxy could not expand; the value is as the program would see it
    /// only if the noted assumption holds.
    Unexpanded,
    /// A construct noproxy does not follow (`EnvironmentFile=`, command substitution, …).
    NotFollowed,
    /// Several candidates; the one used is named.
    Ambiguous,
    /// The upper- and lower-case spellings of a variable disagree.
    SpellingsDisagree,
    /// A proxy setting that is not an environment variable (`git config http.proxy`).
    GitProxy,
    /// The script writes a Docker CLI `config.json`.
    DockerConfigWritten,
}

impl FindingKind {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::ListenExposed => "listen_exposed",
            FindingKind::ListenLoopbackOnly => "listen_loopback_only",
            FindingKind::ListenNotDocker0 => "listen_not_docker0",
            FindingKind::PlainTextCredentials => "plain_text_credentials",
            FindingKind::PasswordHash => "password_hash",
            FindingKind::Ignored => "ignored",
            FindingKind::Unexpanded => "unexpanded",
            FindingKind::NotFollowed => "not_followed",
            FindingKind::Ambiguous => "ambiguous",
            FindingKind::SpellingsDisagree => "spellings_disagree",
            FindingKind::GitProxy => "git_proxy",
            FindingKind::DockerConfigWritten => "docker_config_written",
        }
    }
}

/// Something worth knowing about a file that is not fatal.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// Path label.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// Plain words (credentials redacted).
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {} ({})", self.path, self.line, self.message, self.kind.as_str())
    }
}

/// The result of reading one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// The variables, each with `Provenance::File`.
    pub env: ProxyEnv,
    /// Non-fatal findings, in file order.
    pub findings: Vec<Finding>,
}

/// Read `text` (the content of the file labelled `path`) as `format`.
///
/// For [`Format::Env`] the text is an environment block; for the process environment use
/// [`ProxyEnv::from_process`]. Only proxy variables are kept (see [`crate::is_proxy_variable`]).
pub fn import(format: Format, text: &str, path: &str) -> Result<Imported, SourceError> {
    let mut out = match format {
        Format::Env => dotenv::parse_env_block(text, path),
        Format::Dotenv => dotenv::parse(text, path),
        Format::Systemd => systemd::parse_unit(text, path),
        Format::SystemctlShow => systemd::parse_show(text, path),
        Format::DaemonJson => docker::parse_daemon(text, path),
        Format::DockerConfig => docker::import_config(text, path),
        Format::RunnerToml => runner::import(text, path),
        Format::Cntlm => cntlm::import(text, path),
        Format::GitlabCi => gitlab_ci::parse(text, path),
    }?;
    let vars: Vec<EnvVar> = out.env.vars().to_vec();
    let mut env = ProxyEnv::new();
    for v in vars.into_iter().filter(|v| crate::is_proxy_variable(&v.name)) {
        env.push(v);
    }
    out.env = env;
    Ok(out)
}

/// Apply `later` over `base`: a variable set in `later` replaces the one in `base` (same exact
/// name); everything else is kept. This is how `--from A --from B` combines.
pub fn overlay(base: &mut ProxyEnv, later: &ProxyEnv) {
    for v in later.vars() {
        base.push(v.clone());
    }
}

/// Byte offset → 1-based (line, column in characters). Linear in `offset`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let mut off = offset;
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (clamp(line), clamp(col))
}

/// 1-based line of a byte offset (a scan: use [`LineIndex`] in loops).
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    line_col(text, offset).0
}

/// Newline positions of a text, for O(log n) line lookups.
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        LineIndex(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i).collect())
    }
    /// 1-based line of `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        clamp(self.0.partition_point(|&nl| nl < offset) + 1)
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Incremental line counter for parsers that walk forward (keeps line lookups linear overall).
pub(crate) struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Lines { text, pos: 0, line: 1 }
    }
    /// Line of `offset`; offsets must not decrease between calls (else falls back to a scan).
    pub(crate) fn at(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        if offset < self.pos {
            return line_of(self.text, offset);
        }
        self.line = self
            .line
            .saturating_add(clamp(self.text.as_bytes()[self.pos..offset].iter().filter(|&&b| b == b'\n').count()));
        self.pos = offset;
        self.line
    }
}

pub(crate) fn file_var(name: &str, value: &str, path: &str, line: u32) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: value.to_owned(),
        lossy: false,
        provenance: Provenance::File { path: path.to_owned(), line },
    }
}

pub(crate) fn finding(kind: FindingKind, path: &str, line: u32, message: impl Into<String>) -> Finding {
    Finding { kind, path: path.to_owned(), line, message: message.into() }
}

/// A value shown in a message: credentials redacted, at most 120 characters.
pub(crate) fn shown(value: &str) -> String {
    let r = redact_value(value);
    let mut s: String = r.chars().take(120).collect();
    if r.chars().count() > 120 {
        s.push('…');
    }
    format!("{s:?}")
}

/// Findings for a pair of spellings that disagree (`HTTP_PROXY` vs `http_proxy`).
pub(crate) fn spelling_findings(env: &ProxyEnv, path: &str) -> Vec<Finding> {
    let mut out = vec![];
    for v in env.vars() {
        let lower = v.name.to_ascii_lowercase();
        if v.name != lower && v.name == v.name.to_ascii_uppercase() {
            if let Some(l) = env.var(&lower) {
                if l.value != v.value {
                    let line = match &v.provenance {
                        Provenance::File { line, .. } => *line,
                        _ => 0,
                    };
                    out.push(finding(
                        FindingKind::SpellingsDisagree,
                        path,
                        line,
                        format!("{}={} but {}={}", v.name, shown(&v.value), l.name, shown(&l.value)),
                    ));
                }
            }
        }
    }
    out
}

/// Is `name` a portable environment variable name (`[A-Za-z_][A-Za-z0-9_]*`)?
pub(crate) fn is_env_name(name: &str) -> bool {
    let mut b = name.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}
